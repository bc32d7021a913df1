/**
 * Throughput of the events benchmark: section (b), the storms' table — events
 * seen against expected, the window, events per second, CPU time per event,
 * the producer's time, lag, overruns, receive buffer — with pyroute2's rows
 * and ratios when they were measured.
 *
 * @module
 */
import { ms, printTable, ratio, us } from "./_lib.ts";
import type { Storm, StormResult } from "./_events_storms.ts";

/** Prints section (b): one row a storm and library, the ratios, and whether anything was lost. */
export function printStorms(
  storms: Storm[],
  results: Record<string, StormResult>,
  py: Record<string, StormResult> | undefined,
): void {
  console.log(
    `\n## (b) storms: link events counted by one consumer until a sentinel change ` +
      `(producer: ip -batch in another process)`,
  );
  const srows: string[][] = [[
    "",
    "events/expected",
    "window",
    "events/s",
    "CPU/event",
    "producer",
    "lag",
    "overruns",
    "rcvbuf",
  ]];
  const rate = (r: StormResult) => (r.window > 0 ? (r.count * 1e3) / r.window : NaN);
  const stormRow = (label: string, s: Storm, r: StormResult) => {
    srows.push([
      label,
      `${r.count}/${s.expected}`,
      ms(r.window),
      Number.isFinite(rate(r)) ? `${Math.round(rate(r))}` : "-",
      r.count > 0 ? us((r.cpu * 1e3) / r.count) : "-",
      ms(r.producer),
      ms(r.lag),
      r.overruns === 0
        ? (r.sentinel ? "none" : "none, sentinel lost")
        : `${r.overruns}${r.lost ? ` (${r.lost} lost)` : ""}${r.sentinel ? "" : ", sentinel lost"}`,
      `${(r.rcvbuf / 2 ** 20).toFixed(r.rcvbuf < 2 ** 20 ? 2 : 0)} MiB`,
    ]);
  };
  for (const s of storms) {
    stormRow(`nlroute  ${s.name}: ${s.what}`, s, results[s.name]!);
    if (py) stormRow(`pyroute2 ${s.name}`, s, py[s.name]!);
  }
  printTable(srows);
  if (py) {
    const parts = storms.map((s) =>
      `${s.name} ${ratio(rate(results[s.name]!), rate(py![s.name]!))}`
    );
    console.log(`  nlroute ÷ pyroute2 events/s: ${parts.join(", ")}`);
  }
  const anyLoss = storms.some((s) =>
    results[s.name]!.overruns > 0 || results[s.name]!.count !== s.expected
  );
  console.log(
    `  nlroute overruns: ${
      anyLoss ? "YES (see the table)" : "none; every storm delivered all its events"
    }` +
      (py
        ? `; pyroute2 overruns: ${
          storms.some((s) => py![s.name]!.overruns > 0 || py![s.name]!.count !== s.expected)
            ? "YES (see the table)"
            : "none"
        }`
        : ""),
  );
  console.log(
    "  window: first to last event seen (backlog: from the start of reading); lag: last " +
      "event seen − producer exit;\n  CPU/event: the consumer process's CPU time over the " +
      "storm ÷ events; live storms are paced by the producer (events/s ≈ its rate)",
  );
}
