/**
 * Route dump: N IPv4 routes in one table of a throwaway namespace, dumped by
 *   (a) a bare FFI receive loop that only walks message headers,
 *   (b) `ipr.getRoutes({ table })` (lazy Route objects),
 *   (c) the same plus reading dst, gateway and oif of every route,
 *   (d) `ip -j -n NS route show table T` as a whole process (spawn + JSON.parse),
 *   (e) pyroute2 `get_routes(table=T)` (+ the same three fields), timed in-process,
 * and the layers between (a) and (b) (NetlinkSocket.dump with a trivial decoder,
 * then with the Route decoder but no client-side filter), to show where time goes.
 *
 * Targets: (c)/(a) ≤ 1.5; (e)/(c) ≥ 50; (d)/(c) > 1.
 *
 * Usage: deno run -A bench/route_dump.ts [--routes 5000,65536] [--reps 15] [--py-runs 3]
 *        bun bench/route_dump.ts [same options]
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import process from "node:process";
import { IPRoute } from "../iproute/iproute.ts";
import { buildRouteRequest } from "../iproute/route/request.ts";
import { Route } from "../iproute/route/route.ts";
import { decoderOf } from "../iproute/message.ts";
import {
  banner,
  type BenchNetns,
  gc,
  havePyroute2,
  intOpt,
  ipBatch,
  median,
  ms,
  options,
  preflight,
  printTable,
  ratio,
  routeBatchLines,
  runPython,
  tick,
  verdict,
  withNetns,
} from "./_lib.ts";
import { RawSocket, routeDumpRequest } from "./_raw.ts";

const USAGE = `Usage: route_dump.ts [--routes 5000,65536] [--reps N] [--warmup N] [--ip-reps N]
                     [--py-runs N] [--table T]`;

const opts = options({
  routes: "5000,65536",
  reps: "15",
  warmup: "3",
  "ip-reps": "5",
  "py-runs": "3",
  table: "100",
}, USAGE);

const sizes = String(opts.routes).split(",").map((s) => intOpt(s, "routes"));
if (sizes.some((n) => n > 131072)) throw new Error("--routes must be at most 131072");
const quick = opts.quick === true;
const reps = quick ? 3 : intOpt(opts.reps, "reps");
const warmup = quick ? 1 : intOpt(opts.warmup, "warmup");
const ipReps = quick ? 2 : intOpt(opts["ip-reps"], "ip-reps");
const pyRuns = quick ? 1 : intOpt(opts["py-runs"], "py-runs");
const TABLE = intOpt(opts.table, "table");
const withPy = opts["no-pyroute2"] !== true && havePyroute2();

const PY_SCRIPT = `
import json, sys, time
from pyroute2 import IPRoute
def hwm():  # peak RSS of this process image in kB (ru_maxrss would include the parent's)
    with open('/proc/self/status') as f:
        return int(next(l for l in f if l.startswith('VmHWM:')).split()[1])
table, runs = int(sys.argv[1]), int(sys.argv[2])
rss0 = hwm()
dump, fields, n, sink = [], [], 0, 0
with IPRoute() as ipr:
    for _ in range(runs):
        t0 = time.perf_counter()
        routes = tuple(ipr.get_routes(table=table))
        t1 = time.perf_counter()
        for r in routes:
            d = r.get_attr('RTA_DST'); g = r.get_attr('RTA_GATEWAY'); o = r.get_attr('RTA_OIF')
            sink += len(d or '') + len(g or '') + (o or 0)
        t2 = time.perf_counter()
        n = len(routes)
        dump.append((t1 - t0) * 1e3); fields.append((t2 - t0) * 1e3)
        del routes
print(json.dumps({"n": n, "dump": dump, "fields": fields, "rss0": rss0,
                  "rss": hwm()}))
`;

interface PyResult {
  n: number;
  dump: number[];
  fields: number[];
  rss0: number;
  rss: number;
}

function expect(n: number, want: number, what: string): void {
  if (n !== want) throw new Error(`${what} returned ${n} routes, expected ${want}`);
}

async function measure(ns: BenchNetns, n: number): Promise<void> {
  const t0 = performance.now();
  ipBatch(ns.name, routeBatchLines(n, TABLE));
  const setupMs = performance.now() - t0;

  const raw = new RawSocket(ns.name);
  const ipr = await IPRoute.open({ netns: ns.name });
  try {
    const rawReq = routeDumpRequest(TABLE);
    const sockReq = buildRouteRequest("dump", { table: TABLE });
    const routeDecoder = decoderOf(Route);
    const zero = () => 0;

    const runs: Record<string, () => Promise<number> | number> = {
      a: () => raw.dump(rawReq),
      a2: async () => (await ipr.socket.dump(sockReq, { decode: zero }).all()).length,
      a3: async () => (await ipr.socket.dump(sockReq, { decode: routeDecoder }).all()).length,
      b: async () => (await ipr.getRoutes({ table: TABLE })).length,
      c: async () => {
        const routes = await ipr.getRoutes({ table: TABLE });
        let sink = 0;
        for (const r of routes) {
          sink += r.dst.length + (r.gateway?.length ?? 0) + (r.oif ?? 0);
        }
        if (sink === 0) throw new Error("no fields read");
        return routes.length;
      },
    };
    const keys = Object.keys(runs);
    const first: Record<string, number> = {};
    const times: Record<string, number[]> = {};
    for (const k of keys) {
      const s = performance.now();
      expect(await runs[k]!(), n, k);
      first[k] = performance.now() - s;
      times[k] = [];
    }
    for (let i = 0; i < warmup; i++) {
      for (const k of keys) await runs[k]!();
      await tick();
    }
    for (let i = 0; i < reps; i++) {
      for (const k of keys) {
        gc(); // each run starts from a collected heap (Deno: needs --v8-flags=--expose-gc)
        const s = performance.now();
        const got = await runs[k]!();
        times[k]!.push(performance.now() - s);
        expect(got, n, k);
        await tick();
      }
    }

    // (d) ip -j as a whole process.
    const ipTimes: number[] = [];
    let ipFirst = NaN;
    for (let i = 0; i < ipReps + 1; i++) {
      const s = performance.now();
      const r = spawnSync("ip", ["-j", "-n", ns.name, "route", "show", "table", String(TABLE)], {
        encoding: "utf8",
        maxBuffer: 1 << 30,
      });
      const parsed = JSON.parse(r.stdout) as unknown[];
      const t = performance.now() - s;
      expect(parsed.length, n, "ip -j");
      if (i === 0) ipFirst = t;
      else ipTimes.push(t);
      await tick();
    }

    // (e) pyroute2 in its own process inside the namespace.
    let py: PyResult | undefined;
    if (withPy) {
      py = runPython<PyResult>(ns.name, PY_SCRIPT, [TABLE, pyRuns]);
      expect(py.n, n, "pyroute2");
    }

    const med = (k: string) => median(times[k]!);
    const rawMed = med("a");
    const decoded = med("c");
    const ipMed = median(ipTimes);
    const pyMed = py ? median(py.fields) : NaN;
    const per = (v: number) => `${((v * 1e6) / n).toFixed(0)} ns`;

    console.log(
      `\n## ${n} routes in table ${TABLE} (set up by ip -batch in ${ms(setupMs)}); ` +
        `median of ${reps} (nlroute), ${ipReps} (ip), ${py ? py.dump.length : 0} (pyroute2)`,
    );
    const rows: string[][] = [["", "first", "median", "per route", "÷ raw"]];
    const label: Record<string, string> = {
      a: "(a)  raw FFI receive, headers only",
      a2: "     NetlinkSocket.dump, decoder → 0",
      a3: "     NetlinkSocket.dump, Route decoder",
      b: "(b)  ipr.getRoutes({ table }) lazy",
      c: "(c)  (b) + dst/gateway/oif read",
    };
    for (const k of keys) {
      rows.push([label[k]!, ms(first[k]!), ms(med(k)), per(med(k)), ratio(med(k), rawMed)]);
    }
    rows.push([
      "(d)  ip -j route show (process)",
      ms(ipFirst),
      ms(ipMed),
      per(ipMed),
      ratio(ipMed, rawMed),
    ]);
    if (py) {
      rows.push([
        "(e)  pyroute2 get_routes",
        ms(py.dump[0]!),
        ms(median(py.dump)),
        per(median(py.dump)),
        ratio(median(py.dump), rawMed),
      ]);
      rows.push([
        "(e)  pyroute2 get_routes + fields",
        ms(py.fields[0]!),
        ms(pyMed),
        per(pyMed),
        ratio(pyMed, rawMed),
      ]);
    }
    printTable(rows);
    console.log("  targets:");
    const dr = decoded / rawMed;
    console.log(
      `    decoded/raw  (c)/(a) = ${dr.toFixed(2)}   target ≤ 1.5   ${verdict(dr <= 1.5)}`,
    );
    const ir = ipMed / decoded;
    console.log(`    ip/nlroute   (d)/(c) = ${ir.toFixed(2)}   target > 1     ${verdict(ir > 1)}`);
    if (py) {
      const pr = pyMed / decoded;
      console.log(
        `    pyroute2/nlroute (e)/(c) = ${pr.toFixed(0)}   target ≥ 50    ${verdict(pr >= 50)}`,
      );
      console.log(
        `    pyroute2 peak RSS ${(py.rss / 1024).toFixed(0)} MB ` +
          `(${(py.rss0 / 1024).toFixed(0)} MB after import); ` +
          `this process RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
      );
    } else {
      console.log("    pyroute2 skipped");
    }
  } finally {
    ipr.close();
    raw.close();
  }
}

preflight();
banner(
  "route dump",
  `cold = first call in this process; rows between (a) and (b) are nlroute's layers`,
);
for (const n of sizes) await withNetns((ns) => measure(ns, n));
