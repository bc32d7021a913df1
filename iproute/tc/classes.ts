/**
 * Class kinds with typed options: htb (tc-htb(8) `class ... htb rate R
 * [ceil C] [burst B] [cburst CB] [prio P] [quantum Q] [mtu M]`), as
 * iproute2's q_htb.c fills them, and its extended statistics.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
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
