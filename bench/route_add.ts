/**
 * Route adds: N IPv4 host routes (via gateways on a veth) into one table of a
 * throwaway namespace, by
 *   - nlroute batched: `const b = ipr.batch(); b.route("add", …); await b.send()`,
 *   - nlroute one request at a time: `await ipr.route("add", …)`,
 *   - `ip -n NS -batch file` with the same routes (whole process),
 *   - pyroute2 `ipr.route("add", …)` one at a time (timed in its own process),
 *   - and, for reference, a bare FFI loop with prebuilt bytes (one at a time and
 *     256 per send).
 * The table is flushed (untimed) between runs; each run is checked to leave N routes.
 *
 * Target: nlroute batched / ip -batch ≤ 1.0.
 *
 * Usage: deno run -A bench/route_add.ts [--routes 10000] [--reps 5] [--py-runs 3]
 *        bun bench/route_add.ts [same options]
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IPRoute } from "../iproute/iproute.ts";
import { allocBuffer } from "../ffi/symbols.ts";
import {
  banner,
  type BenchNetns,
  havePyroute2,
  intOpt,
  ip,
  median,
  ms,
  options,
  preflight,
  printTable,
  ratio,
  routeBatchLines,
  routeDst,
  routeGateway,
  runPython,
  tick,
  verdict,
  withNetns,
} from "./_lib.ts";
import { ipv4Bytes, RawSocket, ROUTE_ADD_SIZE, routeDumpRequest, writeRouteAdd } from "./_raw.ts";

const USAGE = "Usage: route_add.ts [--routes 10000] [--reps 5] [--py-runs 3] [--table T]";

const opts = options({
  routes: "10000",
  reps: "5",
  "py-runs": "3",
  table: "100",
}, USAGE);

const N = intOpt(opts.routes, "routes");
if (N > 131072) throw new Error("--routes must be at most 131072");
const quick = opts.quick === true;
const reps = quick ? 1 : intOpt(opts.reps, "reps");
const pyRuns = quick ? 1 : intOpt(opts["py-runs"], "py-runs");
const TABLE = intOpt(opts.table, "table");
const withPy = opts["no-pyroute2"] !== true && havePyroute2();
const RAW_CHUNK = 256;

const PY_SCRIPT = `
import json, sys, time, subprocess
from pyroute2 import IPRoute
ns, table, n, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def dst(i): return '198.%d.%d.%d/32' % (18 + (i >> 16), (i >> 8) & 255, i & 255)
def gw(i): return '10.0.0.%d' % (2 + i % 253)
specs = [(dst(i), gw(i)) for i in range(n)]
times = []
with IPRoute() as ipr:
    for _ in range(runs):
        t0 = time.perf_counter()
        for d, g in specs:
            ipr.route('add', dst=d, gateway=g, table=table)
        times.append((time.perf_counter() - t0) * 1e3)
        subprocess.run(['ip', '-n', ns, 'route', 'flush', 'table', str(table)], check=True)
print(json.dumps({"times": times}))
`;

async function measure(ns: BenchNetns): Promise<void> {
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
  const dir = mkdtempSync(join(tmpdir(), "nlrb-"));
  const batchFile = join(dir, "routes");
  writeFileSync(batchFile, routeBatchLines(N, TABLE).join("\n") + "\n");

  const raw = new RawSocket(ns.name);
  const ipr = await IPRoute.open({ netns: ns.name });
  const countReq = routeDumpRequest(TABLE);
  const flush = () => ip(["-n", ns.name, "route", "flush", "table", String(TABLE)]);
  try {
    const runs: Record<string, () => Promise<void> | void> = {
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
      ip: () => {
        const r = spawnSync("ip", ["-n", ns.name, "-batch", batchFile], { encoding: "utf8" });
        if (r.status !== 0) throw new Error(`ip -batch failed: ${r.stderr}`);
      },
    };
    const keys = Object.keys(runs);
    const first: Record<string, number> = {};
    const times: Record<string, number[]> = Object.fromEntries(keys.map((k) => [k, []]));
    for (let rep = 0; rep <= reps; rep++) {
      for (const k of keys) {
        const s = performance.now();
        await runs[k]!();
        const t = performance.now() - s;
        if (rep === 0) first[k] = t;
        else times[k]!.push(t);
        const left = raw.dump(countReq);
        if (left !== N) throw new Error(`${k} left ${left} routes, expected ${N}`);
        flush();
        await tick();
      }
    }
    let py: number[] | undefined;
    if (withPy) {
      py = runPython<{ times: number[] }>(ns.name, PY_SCRIPT, [ns.name, TABLE, N, pyRuns]).times;
    }

    const med = (k: string) => (reps > 0 ? median(times[k]!) : first[k]!);
    const ipMed = med("ip");
    const per = (v: number) => `${((v * 1e3) / N).toFixed(2)} µs`;
    console.log(
      `\n## ${N} route adds (dst/32 via gateway, table ${TABLE}); ` +
        `first run, then median of ${reps} (nlroute, ip), ${py?.length ?? 0} (pyroute2)`,
    );
    const label: Record<string, string> = {
      rawSeq: "raw FFI, one at a time (ref)",
      rawBatch: `raw FFI, ${RAW_CHUNK} per send (ref)`,
      batch: "nlroute ipr.batch() … send()",
      seq: "nlroute await ipr.route('add')",
      ip: "ip -batch (process)",
    };
    const rows: string[][] = [["", "first", "median", "per route", "÷ ip -batch"]];
    for (const k of keys) {
      rows.push([label[k]!, ms(first[k]!), ms(med(k)), per(med(k)), ratio(med(k), ipMed)]);
    }
    const pyMed = py ? median(py) : NaN;
    if (py) {
      rows.push(["pyroute2 route('add')", ms(py[0]!), ms(pyMed), per(pyMed), ratio(pyMed, ipMed)]);
    }
    printTable(rows);
    const br = med("batch") / ipMed;
    console.log("  targets and ratios:");
    console.log(
      `    nlroute batched / ip -batch = ${br.toFixed(2)}   target ≤ 1.0   ${verdict(br <= 1)}`,
    );
    console.log(`    nlroute one-at-a-time / ip -batch = ${(med("seq") / ipMed).toFixed(2)}`);
    console.log(
      `    nlroute batched / raw batched = ${(med("batch") / med("rawBatch")).toFixed(2)}`,
    );
    console.log(
      `    nlroute one-at-a-time / raw one-at-a-time = ${(med("seq") / med("rawSeq")).toFixed(2)}`,
    );
    if (py) {
      console.log(
        `    pyroute2 / nlroute batched = ${ratio(pyMed, med("batch"))}; ` +
          `pyroute2 / nlroute one-at-a-time = ${ratio(pyMed, med("seq"))}`,
      );
    } else console.log("    pyroute2 skipped");
  } finally {
    ipr.close();
    raw.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

preflight();
banner(
  "route add",
  "each run adds every route into an empty table; the flush between runs is untimed",
);
await withNetns(measure);
