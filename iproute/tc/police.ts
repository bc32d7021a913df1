/**
 * The police action (tc-police(8)): a token bucket (rate and burst, with
 * a peak rate and its bucket, the mtu) or the estimator's average rate
 * (`avrate`), and what happens to the packets over the limit and under it,
 * as tc's m_police.c fills struct tc_police, its rate tables and the rest.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { TC_ACT, TC_LINKLAYER } from "../../core/tables/tc.ts";
import type { KindCodec } from "./kind.ts";
import { decodedRate, rate64, type RateOptions, rateOptions, rateSpec } from "./rates.ts";
import { parseRate, parseSize, txSize, txTime } from "./units.ts";
import { parseVerdict, type Verdict, verdictName } from "./verdict.ts";

/** police (tc-police(8)). */
export interface PoliceAction extends RateOptions {
  /** The kind. */
  kind: "police";
  /** The rate (`rate`: `"1mbit"`, or bytes/s). Needs `burst`; or use `avrate`. */
  rate?: string | number;
  /** The bucket (`burst`/`buffer`/`maxburst`: `"10kb"`, or bytes). */
  burst?: string | number;
  /** The largest packet the policer passes (`mtu`/`minburst`); needed with `peakrate`. */
  mtu?: string | number;
  /** The peak rate (`peakrate`): the mtu-sized bucket drains at it. */
  peakrate?: string | number;
  /** Police on the estimator's average rate instead (`avrate`; the filter needs an estimator). */
  avrate?: string | number;
  /** Packets over the limit (`conform-exceed EXCEED/…`'s first; default `reclassify`, as tc). */
  exceed?: Verdict;
  /** Packets within it (`conform-exceed …/CONFORM`; default the kernel's, `pass`). */
  conform?: Verdict;
}

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !(v instanceof Uint8Array)
    ? v as Record<string, unknown>
    : {};
const num = (v: unknown): number => Number(v ?? 0);

/** police's codec (TCA_POLICE_*). */
export const POLICE: KindCodec = {
  keys: [
    "rate",
    "burst",
    "mtu",
    "peakrate",
    "avrate",
    "exceed",
    "conform",
    "overhead",
    "mpu",
    "linklayer",
  ],
  encode(spec, ctx) {
    const rate = spec.rate === undefined ? 0 : parseRate(spec.rate, ctx.arg("rate"));
    const avrate = spec.avrate === undefined ? 0 : parseRate(spec.avrate, ctx.arg("avrate"));
    if (rate && avrate) {
      throw new ArgumentError(ctx.arg("avrate"), "rate or avrate, not both", spec.avrate);
    }
    if (!rate && !avrate) {
      throw new ArgumentError(ctx.arg("rate"), "a rate (with burst), or avrate", spec.rate);
    }
    const burst = spec.burst === undefined ? 0 : parseSize(spec.burst, ctx.arg("burst"));
    if (rate && !burst) {
      throw new ArgumentError(ctx.arg("burst"), "the bucket size (rate needs burst)", spec.burst);
    }
    const mtu = spec.mtu === undefined ? 0 : parseSize(spec.mtu, ctx.arg("mtu"));
    const peak = spec.peakrate === undefined ? 0 : parseRate(spec.peakrate, ctx.arg("peakrate"));
    if (peak && !rate) {
      throw new ArgumentError(ctx.arg("peakrate"), "a peak rate only with rate", spec.peakrate);
    }
    if (peak && !mtu) {
      throw new ArgumentError(
        ctx.arg("mtu"),
        "the peak bucket size (peakrate needs mtu)",
        spec.mtu,
      );
    }
    const lo = rateOptions(spec, ctx.arg);
    const tbf: Record<string, unknown> = {
      action: parseVerdict(spec.exceed ?? "reclassify", ctx.arg("exceed")),
      mtu,
    };
    const out: Record<string, unknown> = { tbf };
    if (rate) {
      const r = rateSpec("rate", rate, lo, mtu);
      Object.assign(tbf, r.members, { burst: txTime(burst, rate) });
      out.rate = r.table;
      const r64 = rate64(rate);
      if (r64 !== undefined) out.rate64 = r64;
    }
    if (peak) {
      const p = rateSpec("peakrate", peak, lo, mtu);
      Object.assign(tbf, p.members);
      out.peakrate = p.table;
      const p64 = rate64(peak);
      if (p64 !== undefined) out.peakrate64 = p64;
    }
    if (avrate) out.avrate = Math.min(avrate, 0xffffffff);
    // m_police.c sends the conform verdict only when it is not pass (0).
    if (spec.conform !== undefined) {
      const c = parseVerdict(spec.conform, ctx.arg("conform"));
      if (c !== TC_ACT.OK) out.result = c;
    }
    return out;
  },
  decode(o) {
    const opts = obj(o);
    const p = obj(opts.tbf);
    const out: Record<string, unknown> = {};
    const rate = decodedRate(p, "rate", opts.rate64);
    if (rate) {
      out.rate = rate;
      out.burst = txSize(num(p.burst), rate);
    }
    if (num(p.mtu)) out.mtu = num(p.mtu);
    const peak = decodedRate(p, "peakrate", opts.peakrate64);
    if (peak) out.peakrate = peak;
    if (typeof opts.avrate === "number" && opts.avrate) out.avrate = opts.avrate;
    out.exceed = verdictName(num(p.action));
    out.conform = verdictName(num(opts.result));
    if (num(p.rateOverhead)) out.overhead = num(p.rateOverhead);
    if (num(p.rateMpu)) out.mpu = num(p.rateMpu);
    if (num(p.rateLinklayer) === TC_LINKLAYER.ATM) out.linklayer = "atm";
    return out;
  },
};
