/**
 * Latency of the events benchmark: from a kernel change (a second IPRoute in
 * the namespace alternates `ipr.link("set", { index, mtu })` on `v0`) to the
 * moment the consumer of `Monitor.events()` holds the matching RTM_NEWLINK,
 * with the request's own round trip (until its ACK) for reference; and its
 * table, with pyroute2's figures when they were measured.
 *
 * @module
 */
import { IPRoute } from "../iproute/iproute.ts";
import { Monitor } from "../iproute/monitor.ts";
import { type BenchNetns, gc, ip, median, printTable, quantile, ratio, tick, us } from "./_lib.ts";

/** What one latency run measured (both libraries report this shape). */
export interface Latency {
  /** Change to consumer, µs. */
  seen: number[];
  /** Change to the request's ACK, µs. */
  ack: number[];
  /** Link events that were not the awaited one. */
  other: number;
  overruns: number;
}

/** Measures nlroute's latency: `warmup` changes untimed, then `changes` timed. */
export async function nlrouteLatency(
  ns: BenchNetns,
  warmup: number,
  changes: number,
): Promise<Latency> {
  const index = ns.v0;
  const mon = await Monitor.open({ netns: ns.name, groups: ["link"] });
  const ipr = await IPRoute.open({ netns: ns.name });
  const out: Latency = { seen: [], ack: [], other: 0, overruns: 0 };
  let want = 0;
  let hit: ((t: number) => void) | undefined;
  const sub = mon.events();
  const consumer = (async () => {
    for await (const e of sub) {
      if (e.kind === "overrun") {
        out.overruns++;
        continue;
      }
      if (
        e.kind === "link" && e.event === "RTM_NEWLINK" && e.object.index === index &&
        e.object.mtu === want
      ) {
        const t = performance.now();
        want = 0;
        hit?.(t);
      } else out.other++;
    }
  })();
  try {
    for (let i = 0; i < warmup + changes; i++) {
      const mtu = 1400 + (i & 1);
      const seen = new Promise<number>((resolve) => (hit = resolve));
      want = mtu;
      const t0 = performance.now();
      await ipr.link("set", { index, mtu });
      const t1 = performance.now();
      const t2 = await seen;
      if (i >= warmup) {
        out.ack.push((t1 - t0) * 1e3);
        out.seen.push((t2 - t0) * 1e3);
      }
      if (i % 500 === 499) {
        gc();
        await tick();
      }
    }
  } finally {
    sub.close();
    await consumer;
    ipr.close();
    mon.close();
    ip(["-n", ns.name, "link", "set", "v0", "mtu", "1500"]);
  }
  return out;
}

/** Prints section (a): nlroute's latency, and pyroute2's with the ratios (or that it was skipped). */
export function printLatency(
  lat: Latency,
  py: Latency | undefined,
  changes: number,
  warmup: number,
): void {
  console.log(
    `\n## (a) latency: ipr.link("set", { index, mtu }) from a 2nd socket → consumer has the ` +
      `RTM_NEWLINK; ${changes} changes (pyroute2 ${py ? py.seen.length : 0}) after ` +
      `${warmup} warm-up`,
  );
  const lrows: string[][] = [["", "median", "p90", "p99", "max", "ACK median", "seen − ACK"]];
  const latRow = (label: string, l: Latency) => {
    const m = median(l.seen);
    lrows.push([
      label,
      us(m),
      us(quantile(l.seen, 0.9)),
      us(quantile(l.seen, 0.99)),
      us(quantile(l.seen, 1)),
      us(median(l.ack)),
      us(m - median(l.ack)),
    ]);
  };
  latRow("nlroute  Monitor.events()", lat);
  if (py) latRow("pyroute2 IPRoute.bind() + get()", py);
  printTable(lrows);
  const extra = lat.other + lat.overruns > 0
    ? ` (nlroute saw ${lat.other} other events, ${lat.overruns} overruns)`
    : "";
  if (py) {
    console.log(
      `  pyroute2 ÷ nlroute: median ${ratio(median(py.seen), median(lat.seen))}, ` +
        `p99 ${ratio(quantile(py.seen, 0.99), quantile(lat.seen, 0.99))}${extra}`,
    );
  } else console.log(`  pyroute2 skipped${extra}`);
}
