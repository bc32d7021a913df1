/**
 * `link get` round trip: `await ipr.link("get", { index })` timed call by call,
 * with two references beside it — a bare FFI send/recv loop with a prebuilt
 * request, and `NetlinkSocket.request` with a prebuilt request and the Link
 * decoder (nlroute's socket layer without IPRoute's argument handling) — and
 * pyroute2's `link("get", index=…)` in its own processes.
 * Cold: the first call in a fresh process (the socket opened, untimed),
 * `--cold` processes each. Warm: `--iterations` calls in `--rounds`
 * interleaved rounds after `--warmup` calls; each round's median is one run.
 * Each figure is the median of its runs, with min and max.
 *
 * Target: ipr.link("get") warm median ≤ 1.5× the raw loop's.
 *
 * Usage: deno run -A --v8-flags=--expose-gc bench/link_get.ts [--iterations 20000] [--rounds 10] [--cold 5] [--py-iterations 5000]
 *        bun bench/link_get.ts [same options]
 *
 * @module
 */
import process from "node:process";
import { IPRoute } from "../iproute/iproute.ts";
import { buildLinkRequest } from "../iproute/link/request.ts";
import { Link } from "../iproute/link/link.ts";
import { decoderOf } from "../iproute/message.ts";
import {
  banner,
  type BenchNetns,
  gc,
  havePyroute2,
  intOpt,
  median,
  options,
  preflight,
  printTable,
  quantile,
  ratio,
  runPython,
  runSelf,
  spread,
  tick,
  us,
  verdict,
  withNetns,
} from "./_lib.ts";
import { linkGetRequest, RawSocket, RTM_NEWLINK } from "./_raw.ts";

const USAGE = "Usage: link_get.ts [--iterations 20000] [--rounds 10] [--warmup 2000] " +
  "[--cold 5] [--py-iterations 5000]";

const opts = options({
  iterations: "20000",
  rounds: "10",
  warmup: "2000",
  cold: "5",
  "py-iterations": "5000",
  child: "",
  netns: "",
  index: "",
}, USAGE);

const quick = opts.quick === true;
const iterations = quick ? 2000 : intOpt(opts.iterations, "iterations");
const rounds = quick ? 5 : intOpt(opts.rounds, "rounds");
const warmup = quick ? 500 : intOpt(opts.warmup, "warmup");
const coldRuns = quick ? 1 : intOpt(opts.cold, "cold");
const pyIterations = quick ? 500 : intOpt(opts["py-iterations"], "py-iterations");
const withPy = opts["no-pyroute2"] !== true && havePyroute2();

// pyroute2: one process per run; its first call is the cold figure, then
// per-call times after a warm-up.
const PY_SCRIPT = `
import json, sys, time
from pyroute2 import IPRoute
index, n = int(sys.argv[1]), int(sys.argv[2])
t = []
pc = time.perf_counter_ns
with IPRoute() as ipr:
    t0 = pc()
    r = ipr.link('get', index=index)
    first = (pc() - t0) / 1e3
    assert r[0]['index'] == index
    for _ in range(max(200, n // 10)):
        ipr.link('get', index=index)
    for _ in range(n):
        t0 = pc()
        r = ipr.link('get', index=index)
        t.append((pc() - t0) / 1e3)
        assert r[0]['index'] == index
print(json.dumps({"first": first, "us": t}))
`;

type Variant = "raw" | "sock" | "ipr";
const VARIANTS: readonly Variant[] = ["raw", "sock", "ipr"];

interface Runner {
  run: Record<Variant, () => Promise<unknown> | unknown>;
  close(): void;
}

async function runner(nsName: string, index: number): Promise<Runner> {
  const raw = new RawSocket(nsName);
  const ipr = await IPRoute.open({ netns: nsName });
  const rawReq = linkGetRequest(index);
  const sockReq = buildLinkRequest("get", { index });
  const decodeLink = decoderOf(Link);
  const spec = { index };
  return {
    run: {
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
    },
    close() {
      ipr.close();
      raw.close();
    },
  };
}

/** In a fresh process: one variant's first call (µs), printed as JSON. */
async function child(variant: Variant, nsName: string, index: number): Promise<void> {
  const r = await runner(nsName, index);
  try {
    const s = performance.now();
    await r.run[variant]();
    console.log(JSON.stringify({ us: (performance.now() - s) * 1e3 }));
  } finally {
    r.close();
  }
}

/** Per-call samples of each variant, and each round's median. */
async function warmRuns(r: Runner): Promise<{ all: number[]; rounds: number[] }[]> {
  const perRound = Math.max(1, Math.ceil(iterations / rounds));
  const out = VARIANTS.map(() => ({ all: [] as number[], rounds: [] as number[] }));
  for (const v of VARIANTS) {
    for (let i = 0; i < warmup; i++) await r.run[v]();
    await tick();
  }
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < VARIANTS.length; k++) {
      const fn = r.run[VARIANTS[k]!];
      const samples: number[] = [];
      gc();
      for (let i = 0; i < perRound; i++) {
        const s = performance.now();
        await fn();
        samples.push((performance.now() - s) * 1e3);
      }
      out[k]!.all.push(...samples);
      out[k]!.rounds.push(median(samples));
      await tick();
    }
  }
  return out;
}

async function measure(ns: BenchNetns): Promise<void> {
  const index = ns.v0;
  const cold: Record<string, number[]> = {};
  for (let i = 0; i < coldRuns; i++) {
    for (const v of VARIANTS) {
      const r = runSelf<{ us: number }>(import.meta.url, [
        "--child",
        v,
        "--netns",
        ns.name,
        "--index",
        index,
      ]);
      (cold[v] ??= []).push(r.us);
    }
  }
  const r = await runner(ns.name, index);
  let warm;
  try {
    warm = await warmRuns(r);
  } finally {
    r.close();
  }
  let py: { first: number[]; rounds: number[]; all: number[] } | undefined;
  if (withPy) {
    py = { first: [], rounds: [], all: [] };
    const runs = Math.max(1, coldRuns);
    for (let i = 0; i < runs; i++) {
      const out = runPython<{ first: number; us: number[] }>(ns.name, PY_SCRIPT, [
        index,
        Math.ceil(pyIterations / runs),
      ]);
      py.first.push(out.first);
      py.rounds.push(median(out.us));
      py.all.push(...out.us);
    }
  }

  const label: Record<string, string> = {
    raw: "raw FFI send + recv (prebuilt request)",
    sock: "NetlinkSocket.request (prebuilt, Link)",
    ipr: 'ipr.link("get", { index })',
    py: 'pyroute2 link("get", index=…)',
  };
  const header = ["", "median", "min", "max", "÷ raw", "pyroute2 ÷"];

  console.log(
    `\n## link get of index ${index}, cold: the first call in a fresh process, ` +
      `${coldRuns} processes each` + (py ? ` (pyroute2 too)` : ""),
  );
  const coldS = Object.fromEntries(Object.entries(cold).map(([k, v]) => [k, spread(v)]));
  if (py) coldS.py = spread(py.first);
  const rows: string[][] = [header];
  for (const k of [...VARIANTS, "py"]) {
    const x = coldS[k];
    if (!x) continue;
    rows.push([
      label[k]!,
      us(x.median),
      us(x.min),
      us(x.max),
      ratio(x.median, coldS.raw!.median),
      coldS.py && k !== "py" ? ratio(coldS.py.median, x.median) : "",
    ]);
  }
  printTable(rows);

  console.log(
    `\n## link get of index ${index}, warm: ${rounds} interleaved rounds of ` +
      `${Math.ceil(iterations / rounds)} calls after ${warmup} warm-up calls; a run is a ` +
      `round's median` + (py ? ` (pyroute2: ${py.rounds.length} processes)` : ""),
  );
  const warmS: Record<string, ReturnType<typeof spread> & { p99: number }> = {};
  VARIANTS.forEach((v, k) => {
    warmS[v] = { ...spread(warm[k]!.rounds), p99: quantile(warm[k]!.all, 0.99) };
  });
  if (py) warmS.py = { ...spread(py.rounds), p99: quantile(py.all, 0.99) };
  const wrows: string[][] = [[...header.slice(0, 4), "p99 (all calls)", ...header.slice(4)]];
  for (const k of [...VARIANTS, "py"]) {
    const x = warmS[k];
    if (!x) continue;
    wrows.push([
      label[k]!,
      us(x.median),
      us(x.min),
      us(x.max),
      us(x.p99),
      ratio(x.median, warmS.raw!.median),
      warmS.py && k !== "py" ? ratio(warmS.py.median, x.median) : "",
    ]);
  }
  printTable(wrows);
  const m = warmS.ipr!.median / warmS.raw!.median;
  console.log("  targets:");
  console.log(
    `    ipr.link("get") / raw (warm median) = ${m.toFixed(2)}   target ≤ 1.5   ${
      verdict(m <= 1.5)
    }`,
  );
  console.log(
    `    ipr.link("get") / raw (cold median) = ${
      (coldS.ipr!.median / coldS.raw!.median).toFixed(2)
    }`,
  );
  if (!py) console.log("    pyroute2 skipped");
}

if (typeof opts.child === "string" && opts.child !== "") {
  if (!(VARIANTS as readonly string[]).includes(opts.child)) {
    throw new Error(`--child must be one of ${VARIANTS.join(", ")}`);
  }
  await child(opts.child as Variant, String(opts.netns), intOpt(opts.index, "index"));
  process.exit(0);
}

preflight();
banner("link get", "per-call times include one performance.now() pair (~0.05–0.1 µs)");
await withNetns(measure);
