/**
 * Event delivery, in a throwaway namespace:
 *   (a) latency from a kernel change to the consumer: a second IPRoute in the
 *       namespace alternates `ipr.link("set", { index, mtu })` on `v0` while a
 *       consumer iterates `mon.events()` of a `Monitor.open({ netns, groups:
 *       ["link"] })`; each sample runs from just before the request to the
 *       moment the consumer holds the matching RTM_NEWLINK (median, p90, p99),
 *       with the request's own round trip (until its ACK) for reference;
 *   (b) sustained events per second while the consumer counts:
 *       - `veth` storm: `ip -n NS -batch` adding N veth pairs in group 7, then
 *         `link del group 7` (4 link events a pair),
 *       - `mtu` storm: `ip -n NS -batch` with M mtu changes of `v0`,
 *       both ending with a sentinel change the consumer stops at; the producer is
 *       another process, so these rates are bounded by the producer: `lag` tells
 *       whether the consumer kept up and `overruns` whether anything was lost;
 *       - `backlog`: the mtu storm made while nobody reads (256 MiB buffer),
 *         then consumed as fast as possible — the consumer's own capacity;
 *   (c) the same for pyroute2 (`IPRoute().bind()` + `get()` loop; its changes
 *       for (a) come from a second IPRoute of the same Python process), in its
 *       own process inside the namespace, printed in the same run with ratios.
 *
 * Both consumers read `index`, `ifname` and `mtu` of every link event.
 *
 * Usage: deno run -A --v8-flags=--expose-gc bench/events_bench.ts [--changes 2000] [--pairs 2000]
 *        bun bench/events_bench.ts [same options]
 *
 * @module
 */
import { type BenchNetns, gc, intOptions, runBench, tick, withTmpDir } from "./_lib.ts";
import { nlrouteLatency, printLatency } from "./_events_latency.ts";
import { nlrouteStorm, stormFiles, type StormResult } from "./_events_storms.ts";
import { printStorms } from "./_events_throughput.ts";
import { type PyResult, pyroute2Events } from "./_events_py.ts";

const USAGE = `Usage: events_bench.ts [--changes 2000] [--warmup 200] [--pairs 2000] [--mtus 20000]
                      [--py-changes 2000]`;

// Each option: [default, --quick value].
const { values, withPy } = intOptions({
  changes: [2000, 300],
  warmup: [200, 50],
  pairs: [2000, 200],
  mtus: [20000, 2000],
  "py-changes": [2000, 300],
}, USAGE);
const { changes, warmup, pairs, mtus } = values;
const pyChanges = values["py-changes"];

async function measure(ns: BenchNetns): Promise<void> {
  await withTmpDir(async (dir) => {
    const storms = stormFiles(dir, pairs, mtus);
    const lat = await nlrouteLatency(ns, warmup, changes);
    await tick();
    const results: Record<string, StormResult> = {};
    for (const s of storms) {
      gc();
      results[s.name] = await nlrouteStorm(ns, s);
      await tick();
    }
    let py: PyResult | undefined;
    if (withPy) py = pyroute2Events(ns, storms, pyChanges, warmup);
    printLatency(lat, py?.latency, changes, warmup);
    printStorms(storms, results, py?.storms);
  });
}

await runBench(
  "events",
  "link events of a throwaway namespace: latency of one change, then storms (live and queued)",
  measure,
);
