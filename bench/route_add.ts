/**
 * Route adds: N IPv4 host routes (via gateways on a veth) into one table of a
 * throwaway namespace, by
 *   - nlroute batched: `const b = ipr.batch(); b.route("add", …); await b.send()`,
 *   - nlroute one request at a time: `await ipr.route("add", …)`,
 *   - `ip -n NS -batch file` with the same routes (whole process),
 *   - pyroute2 `ipr.route("add", …)` one at a time (timed in its own process),
 *   - and, for reference, a bare FFI loop with prebuilt bytes (one at a time and
 *     256 per send).
 * Cold: each variant's first run in a fresh process (the socket opened, the
 * routes' specs made, untimed), `--cold` processes each. Warm: `--reps` runs
 * in this process after one untimed run, the variants interleaved. Each figure
 * is the median of its runs, with min and max. The table is flushed (untimed)
 * between runs; each run is checked to leave N routes.
 *
 * Targets (ratios to the raw loop of the same run): batched ≤ 1.2× the raw
 * 256-per-send loop, one at a time ≤ 1.5× the raw one-at-a-time loop.
 *
 * Usage: deno run -A --v8-flags=--expose-gc bench/route_add.ts [--routes 10000] [--reps 5] [--cold 5] [--py-runs 5]
 *        bun bench/route_add.ts [same options]
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { IPRoute } from "../iproute/iproute.ts";
import { allocBuffer } from "../ffi/symbols.ts";
import {
  banner,
  type BenchNetns,
  gc,
  havePyroute2,
  intOpt,
  ip,
  ms,
  options,
  preflight,
  printTable,
  ratio,
  routeBatchLines,
  routeDst,
  routeGateway,
  runPython,
  runSelf,
  type Spread,
  spread,
  tick,
  verdict,
  withNetns,
} from "./_lib.ts";
import { ipv4Bytes, RawSocket, ROUTE_ADD_SIZE, routeDumpRequest, writeRouteAdd } from "./_raw.ts";

const USAGE =
  "Usage: route_add.ts [--routes 10000] [--reps 5] [--cold 5] [--py-runs 5] [--table T]";

const opts = options({
  routes: "10000",
  reps: "5",
  cold: "5",
  "py-runs": "5",
  table: "100",
  child: "",
  netns: "",
}, USAGE);

const N = intOpt(opts.routes, "routes");
if (N > 131072) throw new Error("--routes must be at most 131072");
const quick = opts.quick === true;
const reps = quick ? 1 : intOpt(opts.reps, "reps");
const coldRuns = quick ? 1 : intOpt(opts.cold, "cold");
const pyRuns = quick ? 1 : intOpt(opts["py-runs"], "py-runs");
const TABLE = intOpt(opts.table, "table");
const withPy = opts["no-pyroute2"] !== true && havePyroute2();
const RAW_CHUNK = 256;

// pyroute2: each process adds the routes twice (flushing in between): the
// first run is its cold figure, the second its warm one.
const PY_SCRIPT = `
import json, sys, time, subprocess
from pyroute2 import IPRoute
ns, table, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def dst(i): return '198.%d.%d.%d/32' % (18 + (i >> 16), (i >> 8) & 255, i & 255)
def gw(i): return '10.0.0.%d' % (2 + i % 253)
specs = [(dst(i), gw(i)) for i in range(n)]
times = []
with IPRoute() as ipr:
    for _ in range(2):
        t0 = time.perf_counter()
        for d, g in specs:
            ipr.route('add', dst=d, gateway=g, table=table)
        times.append((time.perf_counter() - t0) * 1e3)
        subprocess.run(['ip', '-n', ns, 'route', 'flush', 'table', str(table)], check=True)
print(json.dumps({"times": times}))
`;

/** The nlroute and raw variants: each makes its inputs (untimed) and returns the timed run. */
type Variant = "rawSeq" | "rawBatch" | "batch" | "seq";
const VARIANTS: readonly Variant[] = ["rawSeq", "rawBatch", "batch", "seq"];

interface Runner {
  run: Record<Variant, () => Promise<void> | void>;
  close(): void;
}

async function runner(nsName: string): Promise<Runner> {
  const specs = Array.from({ length: N }, (_, i) => ({
    dst: routeDst(i),
    gateway: routeGateway(i),
    table: TABLE,
  }));
  // Prebuilt bytes for the bare FFI reference.
  const rawBytes = allocBuffer(N * ROUTE_ADD_SIZE);
  const rawView = new DataView(rawBytes.buffer);
  for (let i = 0; i < N; i++) {
    writeRouteAdd(
      rawView,
      i * ROUTE_ADD_SIZE,
      i + 1,
      ipv4Bytes(routeDst(i)),
      ipv4Bytes(routeGateway(i)),
      TABLE,
    );
  }
  const raw = new RawSocket(nsName);
  const ipr = await IPRoute.open({ netns: nsName });
  return {
    run: {
      rawSeq: () => {
        for (let i = 0; i < N; i++) {
          const one = rawBytes.subarray(i * ROUTE_ADD_SIZE, (i + 1) * ROUTE_ADD_SIZE);
          if (raw.sendAcked(one, ROUTE_ADD_SIZE, 1) !== 0) throw new Error("raw add failed");
        }
      },
      rawBatch: () => {
        for (let i = 0; i < N; i += RAW_CHUNK) {
          const k = Math.min(RAW_CHUNK, N - i);
          const chunk = rawBytes.subarray(i * ROUTE_ADD_SIZE, (i + k) * ROUTE_ADD_SIZE);
          if (raw.sendAcked(chunk, k * ROUTE_ADD_SIZE, k) !== 0) throw new Error("raw add failed");
        }
      },
      batch: async () => {
        const b = ipr.batch();
        for (const s of specs) b.route("add", s);
        const results = await b.send();
        const failed = results.find((r) => !r.ok);
        if (failed && !failed.ok) throw failed.error;
      },
      seq: async () => {
        for (const s of specs) await ipr.route("add", s);
      },
    },
    close() {
      ipr.close();
      raw.close();
    },
  };
}

/** In a fresh process: one variant's first run, printed as JSON. */
async function child(variant: Variant, nsName: string): Promise<void> {
  const r = await runner(nsName);
  try {
    const s = performance.now();
    await r.run[variant]();
    console.log(JSON.stringify({ ms: performance.now() - s }));
  } finally {
    r.close();
  }
}

async function measure(ns: BenchNetns): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "nlrb-"));
  const batchFile = join(dir, "routes");
  writeFileSync(batchFile, routeBatchLines(N, TABLE).join("\n") + "\n");
  const counter = new RawSocket(ns.name);
  const countReq = routeDumpRequest(TABLE);
  const check = (what: string) => {
    const left = counter.dump(countReq);
    if (left !== N) throw new Error(`${what} left ${left} routes, expected ${N}`);
    ip(["-n", ns.name, "route", "flush", "table", String(TABLE)]);
  };
  const ipRun = () => {
    const s = performance.now();
    const r = spawnSync("ip", ["-n", ns.name, "-batch", batchFile], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`ip -batch failed: ${r.stderr}`);
    return performance.now() - s;
  };
  const cold: Record<string, number[]> = { ip: [] };
  const warm: Record<string, number[]> = { ip: [] };
  try {
    // Cold: a fresh process per run and variant, interleaved.
    for (let i = 0; i < coldRuns; i++) {
      for (const v of VARIANTS) {
        const r = runSelf<{ ms: number }>(import.meta.url, [
          "--child",
          v,
          "--netns",
          ns.name,
          "--routes",
          N,
          "--table",
          TABLE,
        ]);
        (cold[v] ??= []).push(r.ms);
        check(`${v} (cold)`);
      }
      cold.ip!.push(ipRun());
      check("ip -batch");
    }
    // Warm: one process, one untimed run of each variant first.
    const r = await runner(ns.name);
    try {
      for (let rep = 0; rep <= reps; rep++) {
        for (const v of VARIANTS) {
          gc();
          const s = performance.now();
          await r.run[v]();
          const t = performance.now() - s;
          if (rep > 0) (warm[v] ??= []).push(t);
          check(v);
          await tick();
        }
        if (rep > 0) {
          warm.ip!.push(ipRun());
          check("ip -batch");
        }
      }
    } finally {
      r.close();
    }
    if (withPy) {
      cold.py = [];
      warm.py = [];
      for (let i = 0; i < pyRuns; i++) {
        const t = runPython<{ times: number[] }>(ns.name, PY_SCRIPT, [ns.name, TABLE, N]).times;
        cold.py.push(t[0]!);
        warm.py.push(t[1]!);
      }
    }
  } finally {
    counter.close();
    rmSync(dir, { recursive: true, force: true });
  }
  report(cold, warm);
}

function report(cold: Record<string, number[]>, warm: Record<string, number[]>): void {
  const label: Record<string, string> = {
    rawSeq: "raw FFI, one at a time (ref)",
    rawBatch: `raw FFI, ${RAW_CHUNK} per send (ref)`,
    batch: "nlroute ipr.batch() … send()",
    seq: "nlroute await ipr.route('add')",
    ip: "ip -batch (process)",
    py: "pyroute2 route('add')",
  };
  const rawOf: Record<string, string> = { batch: "rawBatch", seq: "rawSeq" };
  for (const [phase, data] of [["cold", cold], ["warm", warm]] as const) {
    const s: Record<string, Spread> = {};
    for (const [k, v] of Object.entries(data)) s[k] = spread(v);
    console.log(
      `\n## ${N} route adds (dst/32 via gateway, table ${TABLE}), ${phase}: ` +
        (phase === "cold"
          ? `first run in a fresh process, ${data.rawSeq!.length} processes each`
          : `median of ${data.rawSeq!.length} runs in one process`) +
        (data.py ? ` (pyroute2: ${data.py.length} processes)` : ""),
    );
    const ipMed = s.ip!.median;
    const rows: string[][] = [[
      "",
      "median",
      "min",
      "max",
      "per route",
      "÷ raw",
      "÷ ip -batch",
      "pyroute2 ÷",
    ]];
    for (const k of [...VARIANTS, "ip", "py"]) {
      const x = s[k];
      if (!x) continue;
      const raw = rawOf[k] ? s[rawOf[k]!]!.median : NaN;
      rows.push([
        label[k]!,
        ms(x.median),
        ms(x.min),
        ms(x.max),
        `${((x.median * 1e3) / N).toFixed(2)} µs`,
        rawOf[k] ? ratio(x.median, raw) : "",
        ratio(x.median, ipMed),
        s.py && k !== "py" ? ratio(s.py.median, x.median) : "",
      ]);
    }
    printTable(rows);
    const br = s.batch!.median / s.rawBatch!.median;
    const sr = s.seq!.median / s.rawSeq!.median;
    console.log(`  targets (${phase}):`);
    console.log(
      `    nlroute batched / raw batched = ${br.toFixed(2)}   target ≤ 1.2   ${verdict(br <= 1.2)}`,
    );
    console.log(
      `    nlroute one-at-a-time / raw one-at-a-time = ${sr.toFixed(2)}   target ≤ 1.5   ${
        verdict(sr <= 1.5)
      }`,
    );
    const faster = s.batch!.median < s.seq!.median;
    console.log(
      `    batched / one-at-a-time = ${(s.batch!.median / s.seq!.median).toFixed(2)}   ` +
        `target < 1   ${verdict(faster)}`,
    );
    console.log(`    nlroute batched / ip -batch = ${(s.batch!.median / ipMed).toFixed(2)}`);
    if (!s.py) console.log("    pyroute2 skipped");
  }
}

if (typeof opts.child === "string" && opts.child !== "") {
  if (!(VARIANTS as readonly string[]).includes(opts.child)) {
    throw new Error(`--child must be one of ${VARIANTS.join(", ")}`);
  }
  await child(opts.child as Variant, String(opts.netns));
  process.exit(0);
}

preflight();
banner(
  "route add",
  "each run adds every route into an empty table; the flush between runs is untimed",
);
await withNetns(measure);
