/**
 * Link statistics as `ip -s link` (iproute2 6.1) prints them: the RX and TX
 * tables with columns as wide as their widest number (`-s -s` adds the error
 * tables and the carrier changes), and `ip -s -j link`'s `stats64: { rx: {…},
 * tx: {…} }`.
 *
 * @module
 */
import type { Link } from "../../mod.ts";

/** The 64-bit counters by the tables' names (rxPackets, txBytes, …). */
type Counters = Readonly<Record<string, bigint>>;

/** What the tables print: a link's counters (a Link, or RTM_GETSTATS' link64) and carrier changes. */
export type StatsSource = {
  readonly stats: Counters | undefined;
  readonly carrierChanges?: number | undefined;
};

/** One counter as a number (the tables decode u64 as bigint). */
function get(s: Counters, name: string): number {
  return Number(s[name] ?? 0n);
}

/** ip's starting column widths: `*X errors:`, packets, errors, dropped, heartbt, overrun, compressed, otherhost. */
const START = [10, 7, 6, 7, 7, 7, 10, 17];

/** Widens `cols` to fit each value (ip's size_columns). */
function fit(cols: number[], values: readonly number[]): void {
  values.forEach((v, i) => {
    cols[i] = Math.max(cols[i]!, String(v).length);
  });
}

/** A header row: the first title after the prefix, the others right-aligned in their columns. */
function header(prefix: string, first: number, titles: readonly string[], cols: number[]): string {
  const [head, ...rest] = titles;
  let s = prefix + head!.padStart(first);
  rest.forEach((t, i) => (s += " " + t.padStart(cols[i + 1]!)));
  return s;
}

/** A row of numbers, each right-aligned in its column and followed by a space (ip's print_num). */
function row(lead: string, values: readonly number[], cols: number[], from: number): string {
  let s = lead;
  values.forEach((v, i) => (s += String(v).padStart(cols[from + i]!) + " "));
  return s;
}

/**
 * The text of `ip -s link`'s statistics (`stats` is the number of `-s`), each
 * line after a newline: the RX table, `RX errors:` with `-s -s`, then TX.
 */
export function statsText(l: Link | StatsSource, stats: number): string {
  const s = l.stats;
  if (!s) return "";
  const g = (n: string) => get(s, n);
  const more = stats > 1;
  const cc = l.carrierChanges;
  const rx = [g("rxBytes"), g("rxPackets"), g("rxErrors"), g("rxDropped"), g("rxMissedErrors")];
  rx.push(g("multicast"), g("rxCompressed"));
  const rxErr = [g("rxLengthErrors"), g("rxCrcErrors"), g("rxFrameErrors"), g("rxFifoErrors")];
  rxErr.push(g("rxOverErrors"), g("rxNohandler"), g("rxOtherhostDropped"));
  const tx = [g("txBytes"), g("txPackets"), g("txErrors"), g("txDropped"), g("txCarrierErrors")];
  tx.push(g("collisions"), g("txCompressed"));
  const txErr = [g("txAbortedErrors"), g("txFifoErrors"), g("txWindowErrors")];
  txErr.push(g("txHeartbeatErrors"), cc ?? 0);
  const cols = [...START];
  fit(cols, rx);
  if (more) fit(cols, [0, ...rxErr]);
  fit(cols, tx);
  // ip sizes the TX error columns one column to the right of where it prints them.
  if (more) fit(cols, [0, 0, ...txErr]);
  const compressed = (v: number) => (v ? "compressed" : "");
  const rxTitles = ["bytes", "packets", "errors", "dropped", "missed", "mcast", compressed(rx[6]!)];
  const txTitles = ["bytes", "packets", "errors", "dropped", "carrier", "collsns"];
  txTitles.push(compressed(tx[6]!));
  let out = `\n${header("    RX: ", cols[0]! - 4, rxTitles, cols)}`;
  out += `\n${row("    ", rx[6] ? rx : rx.slice(0, 6), cols, 0)}`;
  if (more) {
    const extra = [rxErr[5] ? "nohandler" : "", rxErr[6] ? "otherhost" : ""].filter((t) => t);
    const titles = ["length", "crc", "frame", "fifo", "overrun", ...extra];
    out += `\n${header("    RX errors:" + " ".repeat(cols[0]! - 10), 0, ["", ...titles], cols)}`;
    const values = rxErr.slice(0, 5).concat(rxErr[5] ? [rxErr[5]] : [], rxErr[6] ? [rxErr[6]] : []);
    out += `\n${row(" ".repeat(cols[0]! + 5), values, cols, 1)}`;
  }
  out += `\n${header("    TX: ", cols[0]! - 4, txTitles, cols)}`;
  out += `\n${row("    ", tx[6] ? tx : tx.slice(0, 6), cols, 0)}`;
  if (more) {
    const titles = [
      "aborted",
      "fifo",
      "window",
      "heartbt",
      ...(cc === undefined ? [] : ["transns"]),
    ];
    out += `\n${header("    TX errors:" + " ".repeat(cols[0]! - 10), 0, ["", ...titles], cols)}`;
    out += `\n${
      row(" ".repeat(cols[0]! + 5), cc === undefined ? txErr.slice(0, 4) : txErr, cols, 1)
    }`;
  }
  return out;
}

/**
 * `ip -s -j link`'s statistics: `{ rx: {…}, tx: {…} }` (ip's key names;
 * `-s -s` adds the error counters), or undefined without counters.
 */
export function statsJson(
  l: Link | StatsSource,
  stats: number,
): Record<string, unknown> | undefined {
  const s = l.stats;
  if (!s) return undefined;
  const pick = (pairs: [string, string][], out: Record<string, number> = {}) => {
    for (const [key, name] of pairs) out[key] = get(s, name);
    return out;
  };
  const optional = (out: Record<string, number>, key: string, name: string) => {
    if (get(s, name)) out[key] = get(s, name);
  };
  const rx = pick([["bytes", "rxBytes"], ["packets", "rxPackets"], ["errors", "rxErrors"]]);
  pick([["dropped", "rxDropped"], ["over_errors", "rxOverErrors"], ["multicast", "multicast"]], rx);
  optional(rx, "compressed", "rxCompressed");
  const tx = pick([["bytes", "txBytes"], ["packets", "txPackets"], ["errors", "txErrors"]]);
  pick([["dropped", "txDropped"], ["carrier_errors", "txCarrierErrors"]], tx);
  pick([["collisions", "collisions"]], tx);
  optional(tx, "compressed", "txCompressed");
  if (stats > 1) {
    pick([["length_errors", "rxLengthErrors"], ["crc_errors", "rxCrcErrors"]], rx);
    pick([["frame_errors", "rxFrameErrors"], ["fifo_errors", "rxFifoErrors"]], rx);
    pick([["missed_errors", "rxMissedErrors"]], rx);
    optional(rx, "nohandler", "rxNohandler");
    optional(rx, "otherhost", "rxOtherhostDropped");
    pick([["aborted_errors", "txAbortedErrors"], ["fifo_errors", "txFifoErrors"]], tx);
    pick([["window_errors", "txWindowErrors"], ["heartbeat_errors", "txHeartbeatErrors"]], tx);
    if (l.carrierChanges !== undefined) tx.carrier_changes = l.carrierChanges;
  }
  return { rx, tx };
}
