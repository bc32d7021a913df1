/**
 * Class kinds with typed options: htb (tc-htb(8) `class ... htb rate R
 * [ceil C] [burst B] [cburst CB] [prio P] [quantum Q] [mtu M]`), as
 * iproute2's q_htb.c fills them, and its extended statistics.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { memberOffset } from "../../core/layout.ts";
import { TC_ATTRS, TC_STRUCTS } from "../../core/tables/tc.ts";
import { scanOptions, scanPlan } from "./fast.ts";
import { int, u32 } from "../spec.ts";
import type { KindCodec } from "./kind.ts";
import type { Rate, Size } from "./qdiscs.ts";
import { decodedRate, rate64, type RateOptions, rateOptions, rateSpec } from "./rates.ts";
import { parseRate, parseSize, schedHz, txSize, txTime } from "./units.ts";
import { num, obj } from "./values.ts";
import { MORE_CLASS_KINDS } from "./qdiscs_more.ts";

/** An htb class's options. */
export interface HtbClassOptions extends RateOptions {
  /** The guaranteed rate. */
  rate: Rate;
  /** The most it may borrow up to (default: `rate`). */
  ceil?: Rate;
  /** Bytes that may burst at ceil speed (default: rate / HZ + mtu, as tc). */
  burst?: Size;
  /** Bytes that may burst at wire speed (default: ceil / HZ + mtu). */
  cburst?: Size;
  /** Priority among siblings for spare bandwidth (0 is first). */
  prio?: number;
  /** Bytes served per round (default: the kernel's, from r2q). */
  quantum?: number;
  /** The MTU the rate tables are computed for (default 1600). */
  mtu?: number;
}

// The fast reader's plan and tc_htb_opt's members, from the generated tables.
const HTB_ATTR = TC_ATTRS.tcHtbAttrs;
/** Slots: 0 parms, 1 rate64, 2 ceil64 (a class's dump has no other attribute but padding). */
const HTB_PLAN = scanPlan([HTB_ATTR.parms, HTB_ATTR.rate64, HTB_ATTR.ceil64], [HTB_ATTR.pad]);
const HTB_OPT = TC_STRUCTS.tcHtbOpt;
const O_RATE = memberOffset(HTB_OPT, "rateRate", "u32");
const O_CEIL = memberOffset(HTB_OPT, "ceilRate", "u32");
const O_BUFFER = memberOffset(HTB_OPT, "buffer", "u32");
const O_CBUFFER = memberOffset(HTB_OPT, "cbuffer", "u32");
const O_PRIO = memberOffset(HTB_OPT, "prio", "u32");
const O_QUANTUM = memberOffset(HTB_OPT, "quantum", "u32");
const O_LEVEL = memberOffset(HTB_OPT, "level", "u32");
const O_OVERHEAD = memberOffset(HTB_OPT, "rateOverhead", "u16");
const O_MPU = memberOffset(HTB_OPT, "rateMpu", "u16");
/** The scan's slots (the readers never re-enter). */
const slots: number[] = [-1, 0, -1, 0, -1, 0];

const HTB: KindCodec = {
  keys: [
    "rate",
    "ceil",
    "burst",
    "cburst",
    "prio",
    "quantum",
    "mtu",
    "overhead",
    "mpu",
    "linklayer",
  ],
  encode(spec, ctx) {
    if (spec.rate === undefined) {
      throw new ArgumentError(
        ctx.arg("rate"),
        "the class's rate (htb classes need one)",
        undefined,
      );
    }
    const rate = parseRate(spec.rate, ctx.arg("rate"));
    const ceil = spec.ceil === undefined ? rate : parseRate(spec.ceil, ctx.arg("ceil"));
    const mtu = spec.mtu === undefined ? 1600 : int(spec.mtu, ctx.arg("mtu"), 1, 0xffff);
    const hz = schedHz();
    const burst = spec.burst === undefined
      ? Math.floor(rate / hz + mtu)
      : parseSize(spec.burst, ctx.arg("burst"));
    const cburst = spec.cburst === undefined
      ? Math.floor(ceil / hz + mtu)
      : parseSize(spec.cburst, ctx.arg("cburst"));
    const lo = rateOptions(spec, ctx.arg);
    const r = rateSpec("rate", rate, lo, mtu);
    const c = rateSpec("ceil", ceil, lo, mtu);
    const parms: Record<string, unknown> = {
      ...r.members,
      ...c.members,
      buffer: txTime(burst, rate),
      cbuffer: txTime(cburst, ceil),
    };
    if (spec.prio !== undefined) parms.prio = int(spec.prio, ctx.arg("prio"), 0, 7);
    if (spec.quantum !== undefined) parms.quantum = u32(spec.quantum, ctx.arg("quantum"));
    const out: Record<string, unknown> = { parms };
    const r64 = rate64(rate);
    if (r64 !== undefined) out.rate64 = r64;
    const c64 = rate64(ceil);
    if (c64 !== undefined) out.ceil64 = c64;
    out.rtab = r.table;
    out.ctab = c.table;
    return out;
  },
  decode(o) {
    const opts = obj(o);
    const p = obj(opts.parms);
    const rate = decodedRate(p, "rate", opts.rate64);
    const ceil = decodedRate(p, "ceil", opts.ceil64);
    const out: Record<string, unknown> = {
      rate,
      ceil,
      burst: rate ? txSize(num(p.buffer), rate) : 0,
      cburst: ceil ? txSize(num(p.cbuffer), ceil) : 0,
      prio: p.prio,
      quantum: p.quantum,
      level: p.level,
    };
    if (p.rateOverhead) out.overhead = p.rateOverhead;
    if (p.rateMpu) out.mpu = p.rateMpu;
    return out;
  },
  decodeFast(_bytes, dv, start, end) {
    if (!scanOptions(dv, start, end, HTB_PLAN, 3, slots)) return undefined;
    const p = slots[0]!;
    // No parms, or too short for tc_htb_opt, or a short 64-bit rate: the general way.
    if (p < 0 || slots[1]! < HTB_OPT.size) return undefined;
    const r64 = slots[2]!;
    const c64 = slots[4]!;
    if ((r64 >= 0 && slots[3]! < 8) || (c64 >= 0 && slots[5]! < 8)) return undefined;
    const rate = r64 >= 0 ? Number(dv.getBigUint64(r64, true)) : dv.getUint32(p + O_RATE, true);
    const ceil = c64 >= 0 ? Number(dv.getBigUint64(c64, true)) : dv.getUint32(p + O_CEIL, true);
    const out: Record<string, unknown> = {
      rate,
      ceil,
      burst: rate ? txSize(dv.getUint32(p + O_BUFFER, true), rate) : 0,
      cburst: ceil ? txSize(dv.getUint32(p + O_CBUFFER, true), ceil) : 0,
      prio: dv.getUint32(p + O_PRIO, true),
      quantum: dv.getUint32(p + O_QUANTUM, true),
      level: dv.getUint32(p + O_LEVEL, true),
    };
    const overhead = dv.getUint16(p + O_OVERHEAD, true);
    if (overhead) out.overhead = overhead;
    const mpu = dv.getUint16(p + O_MPU, true);
    if (mpu) out.mpu = mpu;
    return out;
  },
  decodeXstats(x) {
    const s = obj(x);
    if (s.tokens === undefined) return undefined;
    return {
      lended: s.lends,
      borrowed: s.borrows,
      giants: s.giants,
      tokens: s.tokens,
      ctokens: s.ctokens,
    };
  },
};

/** The typed class kinds. Kinds not listed take raw `options`. */
export const CLASS_KINDS: Record<string, KindCodec> = { htb: HTB, ...MORE_CLASS_KINDS };
