/**
 * `link get` round trip: `await ipr.link("get", { index })` timed call by call
 * (median, p90, p99), with two references below it — a bare FFI send/recv loop
 * with a prebuilt request, and `NetlinkSocket.request` with a prebuilt request
 * and the Link decoder (nlroute's socket layer without IPRoute's argument
 * handling) — and pyroute2's `link("get", index=…)` in its own process.
 *
 * Target: ipr.link("get") median ≤ 5 µs (pyroute2 ~105 µs).
 *
 * Usage: deno run -A bench/link_get.ts [--iterations 20000] [--py-iterations 5000]
 *        bun bench/link_get.ts [same options]
 *
 * @module
 */
import { IPRoute } from "../iproute/iproute.ts";
import { buildLinkRequest } from "../iproute/link/request.ts";
import { Link } from "../iproute/link/link.ts";
import { decoderOf } from "../iproute/message.ts";
import {
  banner,
  type BenchNetns,
  type CallStats,
  callStats,
  havePyroute2,
  interleaved,
  intOpt,
  options,
  preflight,
  printTable,
  ratio,
  runPython,
  us,
  verdict,
  withNetns,
} from "./_lib.ts";
import { linkGetRequest, RawSocket, RTM_NEWLINK } from "./_raw.ts";

const USAGE = "Usage: link_get.ts [--iterations 20000] [--warmup 2000] [--py-iterations 5000]";

const opts = options({
  iterations: "20000",
  warmup: "2000",
  "py-iterations": "5000",
}, USAGE);

const quick = opts.quick === true;
const iterations = quick ? 2000 : intOpt(opts.iterations, "iterations");
const warmup = quick ? 500 : intOpt(opts.warmup, "warmup");
const pyIterations = quick ? 500 : intOpt(opts["py-iterations"], "py-iterations");
const withPy = opts["no-pyroute2"] !== true && havePyroute2();

const PY_SCRIPT = `
import json, sys, time
from pyroute2 import IPRoute
index, n = int(sys.argv[1]), int(sys.argv[2])
t = []
with IPRoute() as ipr:
    for _ in range(max(200, n // 10)):
        ipr.link('get', index=index)
    pc = time.perf_counter_ns
    for _ in range(n):
        t0 = pc()
        r = ipr.link('get', index=index)
        t.append((pc() - t0) / 1e3)
        assert r[0]['index'] == index
print(json.dumps({"us": t}))
`;

async function measure(ns: BenchNetns): Promise<void> {
  const index = ns.v0;
  const raw = new RawSocket(ns.name);
  const ipr = await IPRoute.open({ netns: ns.name });
  try {
    const rawReq = linkGetRequest(index);
    const sockReq = buildLinkRequest("get", { index });
    const decodeLink = decoderOf(Link);
    const spec = { index };

    const runs: Record<string, () => Promise<unknown> | unknown> = {
      raw: () => {
        if (raw.roundTrip(rawReq) !== RTM_NEWLINK) throw new Error("unexpected reply");
      },
      sock: async () => {
        const r = await ipr.socket.request(sockReq, { decode: decodeLink, ack: false });
        if (r.messages[0]!.index !== index) throw new Error("wrong link");
      },
      ipr: async () => {
        const l = await ipr.link("get", spec);
        if (l.index !== index) throw new Error("wrong link");
      },
    };
    const keys = Object.keys(runs);
    const rounds = 10;
    const perRound = Math.max(1, Math.ceil(iterations / rounds));
    const results = await interleaved(runs, iterations, warmup, rounds);

    let py: CallStats | undefined;
    if (withPy) {
      const r = runPython<{ us: number[] }>(ns.name, PY_SCRIPT, [index, pyIterations]);
      py = callStats(r.us, r.us.reduce((a, b) => a + b, 0) / 1e3);
    }

    console.log(
      `\n## link get of index ${index}; ${perRound * rounds} calls each (${rounds} interleaved ` +
        `rounds) after ${warmup} warm-up calls` +
        (py ? ` (pyroute2: ${pyIterations})` : ""),
    );
    const label: Record<string, string> = {
      raw: "raw FFI send + recv (prebuilt request)",
      sock: "NetlinkSocket.request (prebuilt, Link)",
      ipr: 'ipr.link("get", { index })',
    };
    const rows: string[][] = [["", "median", "p90", "p99", "mean", "÷ raw"]];
    const rawMed = results.raw!.median;
    const row = (name: string, s: CallStats) => [
      name,
      us(s.median),
      us(s.p90),
      us(s.p99),
      us(s.mean),
      ratio(s.median, rawMed),
    ];
    for (const k of keys) rows.push(row(label[k]!, results[k]!));
    if (py) rows.push(row('pyroute2 link("get", index=…)', py));
    printTable(rows);
    const m = results.ipr!.median;
    console.log("  targets:");
    console.log(`    ipr.link("get") median = ${us(m)}   target ≤ 5 µs   ${verdict(m <= 5)}`);
    if (py) console.log(`    pyroute2 / nlroute (median) = ${ratio(py.median, m)}`);
    else console.log("    pyroute2 skipped");
  } finally {
    ipr.close();
    raw.close();
  }
}

preflight();
banner("link get", "per-call times include one performance.now() pair (~0.05–0.1 µs)");
await withNetns(measure);
