/**
 * Qdisc kinds with typed options: each turns tc(8)'s parameters into the
 * attributes of tc.yaml's options sub-message for the kind, as iproute2's
 * q_*.c parsers fill them, and decodes the kernel's dump back.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { u32 } from "../spec.ts";
import type { KindCodec } from "./kind.ts";
import { decodedRate, rate64, type RateOptions, rateOptions, rateSpec } from "./rates.ts";
import { parseRate, parseSize, parseTime, ticksToTime, txSize, txTime } from "./units.ts";
import { minorId, num, obj } from "./values.ts";
import { MORE_QDISC_KINDS } from "./qdiscs_more.ts";

/** A rate: bytes per second, or tc's notation (`"10mbit"`, `"1.5gbit"`, `"125kbps"`). */
export type Rate = number | string;
/** A size: bytes, or tc's notation (`"64kb"`, `"1mb"`, `"1500b"`). */
export type Size = number | string;
/** A time: microseconds, or tc's notation (`"50ms"`, `"1s"`, `"100us"`). */
export type Time = number | string;

/** htb's qdisc options (tc-htb(8) `htb [default ID] [r2q N] [direct_qlen P]`). */
export interface HtbQdiscOptions {
  /** The minor id of the class unclassified traffic goes to (tc's `default 30` is 0x30: give `0x30` or `"30"`). */
  default?: number | string;
  /** Rate-to-quantum divisor (default 10). */
  r2q?: number;
  /** Length of the direct queue (packets). */
  directQlen?: number;
  /** Offload to hardware. */
  offload?: boolean;
}

/** tbf's options (tc-tbf(8)): rate and burst, and a limit or a latency. */
export interface TbfOptions extends RateOptions {
  /** The rate. */
  rate: Rate;
  /** Bucket size (tc's `burst`/`buffer`/`maxburst`). */
  burst: Size;
  /** Bytes that may queue (give this or `latency`). */
  limit?: Size;
  /** The longest a packet may wait (give this or `limit`). */
  latency?: Time;
  /** Peak rate (needs `mtu`). */
  peakrate?: Rate;
  /** The peak bucket size (tc's `mtu`/`minburst`). */
  mtu?: Size;
}

const HTB: KindCodec = {
  keys: ["default", "r2q", "directQlen", "offload"],
  encode(spec, ctx) {
    const out: Record<string, unknown> = {
      init: {
        version: 3,
        rate2quantum: spec.r2q === undefined ? 10 : u32(spec.r2q, ctx.arg("r2q")),
        defcls: spec.default === undefined ? 0 : minorId(spec.default, ctx.arg("default")),
      },
    };
    if (spec.directQlen !== undefined) out.directQlen = u32(spec.directQlen, ctx.arg("directQlen"));
    if (spec.offload === true) out.offload = true;
    return out;
  },
  decode(o) {
    const opts = obj(o);
    const init = obj(opts.init);
    const out: Record<string, unknown> = {
      r2q: init.rate2quantum,
      default: init.defcls,
      directPacketsStat: init.directPkts,
      version: init.version,
    };
    if (opts.directQlen !== undefined) out.directQlen = opts.directQlen;
    if (opts.offload) out.offload = true;
    return out;
  },
};

const TBF: KindCodec = {
  keys: ["rate", "burst", "limit", "latency", "peakrate", "mtu", "overhead", "mpu", "linklayer"],
  encode(spec, ctx) {
    if (spec.rate === undefined) throw new ArgumentError(ctx.arg("rate"), "the rate", undefined);
    if (spec.burst === undefined) {
      throw new ArgumentError(ctx.arg("burst"), "the bucket size", undefined);
    }
    if ((spec.limit === undefined) === (spec.latency === undefined)) {
      throw new ArgumentError(
        ctx.arg(spec.limit === undefined ? "limit" : "latency"),
        "exactly one of limit and latency",
        spec.limit ?? spec.latency,
      );
    }
    const rate = parseRate(spec.rate, ctx.arg("rate"));
    const burst = parseSize(spec.burst, ctx.arg("burst"));
    const peak = spec.peakrate === undefined ? 0 : parseRate(spec.peakrate, ctx.arg("peakrate"));
    const mtu = spec.mtu === undefined ? 0 : parseSize(spec.mtu, ctx.arg("mtu"));
    if (peak && !mtu) {
      throw new ArgumentError(
        ctx.arg("mtu"),
        "the peak bucket size (peakrate needs mtu)",
        undefined,
      );
    }
    const lo = rateOptions(spec, ctx.arg);
    let limit: number;
    if (spec.limit !== undefined) limit = parseSize(spec.limit, ctx.arg("limit"));
    else {
      // q_tbf.c: the bytes that drain in `latency` at the rate, plus the bucket.
      const latency = parseTime(spec.latency, ctx.arg("latency"));
      limit = rate * latency / 1e6 + burst;
      if (peak) limit = Math.min(limit, peak * latency / 1e6 + mtu);
      limit = Math.floor(limit);
    }
    const r = rateSpec("rate", rate, lo, mtu);
    const parms: Record<string, unknown> = {
      ...r.members,
      limit: u32(limit, ctx.arg("limit")),
      buffer: txTime(burst, rate),
    };
    const out: Record<string, unknown> = { parms, burst: u32(burst, ctx.arg("burst")) };
    const r64 = rate64(rate);
    if (r64 !== undefined) out.rate64 = r64;
    out.rtab = r.table;
    if (peak) {
      const p = rateSpec("peakrate", peak, lo, mtu);
      Object.assign(parms, p.members, { mtu: txTime(mtu, peak) });
      const p64 = rate64(peak);
      if (p64 !== undefined) out.prate64 = p64;
      out.pburst = u32(mtu, ctx.arg("mtu"));
      out.ptab = p.table;
    }
    return out;
  },
  decode(o) {
    const opts = obj(o);
    const p = obj(opts.parms);
    const rate = decodedRate(p, "rate", opts.rate64);
    const buffer = num(p.buffer);
    const out: Record<string, unknown> = {
      rate,
      burst: rate ? txSize(buffer, rate) : 0,
      limit: p.limit,
    };
    // q_tbf.c's print: the latency the limit gives at this rate.
    if (rate) out.latency = Math.trunc(1e6 * (num(p.limit) / rate) - ticksToTime(buffer));
    const peak = decodedRate(p, "peakrate", opts.prate64);
    if (peak) {
      out.peakrate = peak;
      out.mtu = txSize(num(p.mtu), peak);
    }
    if (p.rateOverhead) out.overhead = p.rateOverhead;
    if (p.rateMpu) out.mpu = p.rateMpu;
    return out;
  },
};

/** ingress and clsact: no options. */
const NONE: KindCodec = {
  keys: [],
  encode: () => undefined,
  decode: () => ({}),
};

/** The typed qdisc kinds. Kinds not listed take raw `options`. */
export const QDISC_KINDS: Record<string, KindCodec> = {
  htb: HTB,
  tbf: TBF,
  ingress: NONE,
  clsact: NONE,
  ...MORE_QDISC_KINDS,
};
