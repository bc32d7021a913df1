/**
 * The rate-spec part shared by shaping kinds (htb, tbf, police): a rate with
 * its link layer, overhead and minimum packet unit becomes tc_ratespec's
 * members (flattened as the tables name them: `rateRate`, `rateCellLog`, …)
 * plus the 256-slot rate table tc sends beside it, and back.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { TC_LINKLAYER } from "../../core/tables/tc.ts";
import { int } from "../spec.ts";
import { rateTable } from "./units.ts";

/** The link layer rates are computed for: `ethernet` (default) or `atm` (cells of 53 bytes). */
export type LinkLayer = "ethernet" | "atm";

/** The link-layer options of a rate (tc's `overhead`, `mpu`, `linklayer`). */
export interface RateOptions {
  /** Bytes added to every packet's size (0 to 65535). */
  overhead?: number;
  /** Minimum packet unit: smaller packets count as this many bytes. */
  mpu?: number;
  /** `ethernet` (default) or `atm`. */
  linklayer?: LinkLayer;
}

/** The link layer option → TC_LINKLAYER_*. */
export function linkLayer(v: unknown, argument: string): number {
  if (v === undefined || v === "ethernet") return TC_LINKLAYER.ETHERNET;
  if (v === "atm") return TC_LINKLAYER.ATM;
  throw new ArgumentError(argument, '"ethernet" or "atm"', v);
}

const U32_MAX = 0xffffffff;

/**
 * tc_ratespec members under `prefix` (`rate` → rateRate, rateCellLog, …) and
 * the rate table, for `rate` bytes/s with the link-layer options and `mtu`
 * (0: tc's default 2047) — as tc's htb/tbf parsers fill them. The table is
 * shared with other requests of the same rate (see {@link cachedTable}):
 * encode it, never modify it.
 */
export function rateSpec(
  prefix: string,
  rate: number,
  opts: { overhead: number; mpu: number; linklayer: number },
  mtu: number,
): { members: Record<string, number>; table: Uint8Array } {
  const t = cachedTable(rate, opts.mpu, opts.linklayer, mtu);
  const k = memberNames(prefix);
  const members: Record<string, number> = {};
  members[k[0]] = t.cellLog;
  members[k[1]] = t.linklayer;
  members[k[2]] = opts.overhead;
  members[k[3]] = t.cellAlign;
  members[k[4]] = opts.mpu;
  members[k[5]] = Math.min(rate, U32_MAX);
  return { members, table: t.bytes };
}

/** tc_ratespec's member names under each prefix, made once. */
const MEMBER_NAMES = new Map<string, readonly [string, string, string, string, string, string]>();
function memberNames(prefix: string): readonly [string, string, string, string, string, string] {
  let k = MEMBER_NAMES.get(prefix);
  if (!k) {
    k = ["CellLog", "Linklayer", "Overhead", "CellAlign", "Mpu", "Rate"].map((m) =>
      `${prefix}${m}`
    ) as unknown as readonly [string, string, string, string, string, string];
    MEMBER_NAMES.set(prefix, k);
  }
  return k;
}

interface CachedTable {
  cellLog: number;
  cellAlign: number;
  linklayer: number;
  /** The table's bytes (1 KiB). */
  bytes: Uint8Array;
}

/** Rate tables by rate, mpu, link layer and MTU: at most {@link TABLES_MAX} (1 KiB each), then cleared. */
const TABLES = new Map<string, CachedTable>();
const TABLES_MAX = 256;

/**
 * {@link rateTable}'s answer for these arguments, remembered: a batch of
 * classes mostly repeats a few rates (every class's ceil, often), and a table
 * costs 256 transmit times. A refused argument is not remembered (rateTable throws).
 */
function cachedTable(rate: number, mpu: number, linklayer: number, mtu: number): CachedTable {
  const key = `${rate}/${mpu}/${linklayer}/${mtu}`;
  let t = TABLES.get(key);
  if (!t) {
    const r = rateTable({ rate, mpu, linklayer }, mtu);
    t = {
      cellLog: r.cellLog,
      cellAlign: r.cellAlign,
      linklayer: r.linklayer,
      bytes: new Uint8Array(r.table.buffer, r.table.byteOffset, r.table.byteLength),
    };
    if (TABLES.size >= TABLES_MAX) TABLES.clear();
    TABLES.set(key, t);
  }
  return t;
}

/** The link-layer options of a spec, checked (`argument` names them: `overhead`, …). */
export function rateOptions(
  spec: Record<string, unknown>,
  arg: (k: string) => string,
): { overhead: number; mpu: number; linklayer: number } {
  return {
    overhead: spec.overhead === undefined ? 0 : int(spec.overhead, arg("overhead"), 0, 0xffff),
    mpu: spec.mpu === undefined ? 0 : int(spec.mpu, arg("mpu"), 0, 0xffff),
    linklayer: linkLayer(spec.linklayer, arg("linklayer")),
  };
}

/** A 64-bit rate attribute's value (rate64, ceil64) when the rate does not fit u32. */
export function rate64(rate: number): bigint | undefined {
  return rate > U32_MAX ? BigInt(Math.round(rate)) : undefined;
}

/** The rate a decoded ratespec and its 64-bit attribute say (the attribute wins). */
export function decodedRate(
  members: Record<string, unknown>,
  prefix: string,
  r64: unknown,
): number {
  if (r64 !== undefined) return Number(r64);
  return Number(members[`${prefix}Rate`] ?? 0);
}
