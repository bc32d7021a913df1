/**
 * Route dump: N IPv4 routes in one table of a throwaway namespace, dumped by
 *   raw    a bare FFI receive loop that only walks message headers (bench/_raw.ts),
 *   naive  the same loop making one plain object per route, every field parsed eagerly,
 *   (b)    `ipr.getRoutes({ table })` (lazy Route objects),
 *   (c)    the same plus reading dst, gateway and oif of every route,
 *   ip -j / ip   `ip [-j] -n NS route show table T` as whole processes,
 *   pyroute2     `get_routes(table=T)` (+ the same three fields), timed in its process,
 * and the layers between raw and (b) (NetlinkSocket.dump with a trivial decoder,
 * then with the Route decoder), to show where time goes.
 *
 * Every figure is the median of several runs, with min–max:
 *   cold   the first dump in a fresh process of the same runtime
 *          (bench/_route_dump_child.ts; after its imports and open, timed inside it);
 *   warm   repeated dumps in this process, two ways: "natural GC" (the collector runs
 *          when the runtime decides, as in a real program: the headline figure) and
 *          "GC forced" (a full collection before every run; this deoptimizes some of
 *          V8's inline caches, so it is shown, not used for the targets).
 * Also: the whole script (spawn to exit of a fresh process that imports nlroute,
 * opens, dumps once, reads the fields, exits) against the `ip -j` process; bytes held per
 * route by a dump kept in memory; the first-call fixed cost at 1 route.
 *
 * Targets (issue 17): cold (c) ≤ 2.5× raw and faster than naive; warm (c) ≤ 1.5× raw;
 * at 5,000 routes the whole nlroute script no slower than `ip -j`; first call at
 * 1 route ≤ 1 ms above raw; ≤ 150 bytes held per IPv4 route.
 *
 * Usage: deno run -A --v8-flags=--expose-gc bench/route_dump.ts [options]
 *        bun bench/route_dump.ts [options]
 *   --routes 1,5000,65536  scales (default); --huge adds 1,000,000
 *   --reps 9 --warmup 3 --cold 5 --ip-reps 5 --py-runs 3 --table 100 --quick --no-pyroute2
 *
 * @module
 */
import process from "node:process";
import { IPRoute } from "../iproute/iproute.ts";
import { buildRouteRequest } from "../iproute/route/request.ts";
import { Route } from "../iproute/route/route.ts";
import { decoderOf } from "../iproute/message.ts";
import {
  type BenchNetns,
  fmtSpread,
  freshProcess,
  gc,
  havePyroute2,
  heldBytes,
  intOpt,
  ipBatch,
  machineLine,
  ms,
  options,
  preflight,
  printTable,
  processTime,
  ratio,
  routeBatchLines,
  routeGateway,
  runPython,
  RUNTIME,
  RUNTIME_VERSION,
  type Spread,
  spread,
  tick,
  verdict,
  withNetns,
} from "./_lib.ts";
import { naiveRouteDump, RawSocket, routeDumpRequest } from "./_raw.ts";

const USAGE = `Usage: route_dump.ts [--routes 1,5000,65536] [--huge] [--reps N] [--warmup N]
                     [--cold N] [--ip-reps N] [--py-runs N] [--table T]`;

const opts = options({
  routes: "1,5000,65536",
  reps: "9",
  warmup: "3",
  cold: "5",
  "ip-reps": "5",
  "py-runs": "3",
  table: "100",
  huge: false,
}, USAGE);

const sizes = String(opts.routes).split(",").map((s) => intOpt(s, "routes"));
if (opts.huge === true) sizes.push(1_000_000);
if (sizes.some((n) => n > 4_194_304)) throw new Error("--routes must be at most 4194304");
const quick = opts.quick === true;
const reps = quick ? 5 : Math.max(5, intOpt(opts.reps, "reps"));
const warmup = quick ? 1 : intOpt(opts.warmup, "warmup");
const coldRuns = quick ? 5 : Math.max(5, intOpt(opts.cold, "cold"));
const ipReps = quick ? 5 : Math.max(5, intOpt(opts["ip-reps"], "ip-reps"));
const pyRuns = quick ? 2 : intOpt(opts["py-runs"], "py-runs");
const TABLE = intOpt(opts.table, "table");
const withPy = opts["no-pyroute2"] !== true && havePyroute2();
/** pyroute2 takes ~40 µs and ~4 KB per route: not at a million. */
const PY_MAX = 131072;

/** `ip -batch` lines for n routes: 198.18.0.0/15 up to 131,072, else 100.64.0.0/10. */
function batchLines(n: number): string[] {
  if (n <= 131072) return routeBatchLines(n, TABLE);
  const lines: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const dst = `100.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`;
    lines[i] = `route add ${dst} via ${routeGateway(i)} table ${TABLE}`;
  }
  return lines;
}

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

/** What bench/_route_dump_child.ts prints. */
interface ColdRun {
  start: number;
  import: number;
  open: number;
  first: number;
  second: number;
  n: number;
  wall: number;
}

function expect(n: number, want: number, what: string): void {
  if (n !== want) throw new Error(`${what} returned ${n} routes, expected ${want}`);
}

function readFields(routes: readonly Route[]): number {
  let sink = 0;
  for (const r of routes) sink += r.dst.length + (r.gateway?.length ?? 0) + (r.oif ?? 0);
  if (routes.length > 0 && sink === 0) throw new Error("no fields read");
  return sink;
}

/** Runs every variant `rounds` times, interleaved; `forceGc`: a full collection before each run. */
async function warmRuns(
  runs: Record<string, () => Promise<number> | number>,
  n: number,
  rounds: number,
  forceGc: boolean,
): Promise<Record<string, Spread>> {
  const keys = Object.keys(runs);
  const times: Record<string, number[]> = Object.fromEntries(keys.map((k) => [k, []]));
  for (let i = 0; i < rounds; i++) {
    for (const k of keys) {
      if (forceGc) gc();
      const s = performance.now();
      const got = await runs[k]!();
      times[k]!.push(performance.now() - s);
      expect(got, n, k);
      await tick();
    }
  }
  return Object.fromEntries(keys.map((k) => [k, spread(times[k]!)]));
}

/** Bytes held per route by what `make` returns, while it is kept. */
async function heldOnce(n: number, make: () => Promise<unknown[]> | unknown[]): Promise<number> {
  const before = heldBytes();
  const kept = await make();
  const after = heldBytes();
  expect(kept.length, n, "kept dump");
  return (after - before) / n;
}

/**
 * Bytes held per route by what `make` returns and keeps (median of 3). Each
 * measurement runs in a call of its own: a suspended async frame keeps the
 * value it awaited last.
 */
async function bytesPerRoute(n: number, make: () => Promise<unknown[]> | unknown[]) {
  const per: number[] = [];
  for (let i = 0; i < 3; i++) per.push(await heldOnce(n, make));
  return spread(per).median;
}

/** Per-scale results, for the summary. */
interface Summary {
  n: number;
  coldRaw: number;
  coldNaive: number;
  coldNl: number;
  warmRaw: number;
  warmNaive: number;
  warmNl: number;
  warmNlForced: number;
  rawForced: number;
  scriptNl: number;
  scriptIpj: number;
  fixedCost: number;
  fixedFirst: number;
  bytesLazy: number;
  bytesRead: number;
  bytesNaive: number;
}
const summaries: Summary[] = [];

async function measure(ns: BenchNetns, n: number): Promise<void> {
  const t0 = performance.now();
  ipBatch(ns.name, batchLines(n));
  const setupMs = performance.now() - t0;

  const raw = new RawSocket(ns.name);
  const ipr = await IPRoute.open({ netns: ns.name });
  const rawReq = routeDumpRequest(TABLE);
  const sockReq = buildRouteRequest("dump", { table: TABLE });
  const routeDecoder = decoderOf(Route);
  const zero = () => 0;
  const runs: Record<string, () => Promise<number> | number> = {
    raw: () => raw.dump(rawReq),
    naive: () => naiveRouteDump(raw, rawReq).length,
    a2: async () => (await ipr.socket.dump(sockReq, { decode: zero }).all()).length,
    a3: async () => (await ipr.socket.dump(sockReq, { decode: routeDecoder }).all()).length,
    b: async () => (await ipr.getRoutes({ table: TABLE })).length,
    c: async () => {
      const routes = await ipr.getRoutes({ table: TABLE });
      readFields(routes);
      return routes.length;
    },
  };
  const label: Record<string, string> = {
    raw: "raw  FFI receive, headers only",
    naive: "naive  one object per route, eager",
    a2: "     NetlinkSocket.dump, decoder → 0",
    a3: "     NetlinkSocket.dump, Route decoder",
    b: "(b)  ipr.getRoutes({ table }) lazy",
    c: "(c)  (b) + dst/gateway/oif read",
  };
  let natural: Record<string, Spread>;
  let forced: Record<string, Spread>;
  let bytesLazy = NaN, bytesRead = NaN, bytesNaive = NaN;
  try {
    // Warm: the first calls and `warmup` rounds are not counted.
    for (let i = 0; i < warmup + 1; i++) {
      for (const k of Object.keys(runs)) expect(await runs[k]!(), n, k);
      await tick();
    }
    const rounds = n >= 1_000_000 ? Math.min(reps, 5) : reps;
    natural = await warmRuns(runs, n, rounds, false);
    forced = await warmRuns(runs, n, rounds, true);
    if (n >= 1000) {
      bytesLazy = await bytesPerRoute(n, () => ipr.getRoutes({ table: TABLE }));
      bytesRead = await bytesPerRoute(n, async () => {
        const routes = await ipr.getRoutes({ table: TABLE });
        readFields(routes);
        return routes;
      });
      bytesNaive = await bytesPerRoute(n, () => naiveRouteDump(raw, rawReq));
    }
  } finally {
    ipr.close();
    raw.close();
  }

  // Cold: fresh processes, the three variants alternated.
  const kinds = ["raw", "naive", "nlroute"] as const;
  const cold: Record<string, ColdRun[]> = { raw: [], naive: [], nlroute: [] };
  for (let i = 0; i < coldRuns; i++) {
    for (const kind of kinds) {
      const r = freshProcess<ColdRun>("./_route_dump_child.ts", [kind, ns.name, String(TABLE)]);
      expect(r.n, n, `cold ${kind}`);
      cold[kind]!.push(r);
    }
  }
  const coldOf = (kind: string, f: (r: ColdRun) => number) => spread(cold[kind]!.map(f));
  // Whole processes as a script runs them: one dump, then exit.
  const whole: Record<string, number[]> = { raw: [], naive: [], nlroute: [] };
  for (let i = 0; i < coldRuns; i++) {
    for (const kind of kinds) {
      const args = [kind, ns.name, String(TABLE), "once"];
      const r = freshProcess<ColdRun>("./_route_dump_child.ts", args);
      expect(r.n, n, `whole ${kind}`);
      whole[kind]!.push(r.wall);
    }
  }

  // iproute2 as whole processes (spawn to exit); the first run is its cold figure.
  const ipRuns = (args: string[]) => {
    const times: number[] = [];
    for (let i = 0; i < ipReps + 1; i++) {
      const r = processTime("ip", args);
      if (args[0] === "-j") expect((JSON.parse(r.stdout) as unknown[]).length, n, "ip -j");
      times.push(r.wall);
    }
    return { first: times[0]!, warm: spread(times.slice(1)) };
  };
  const ipj = ipRuns(["-j", "-n", ns.name, "route", "show", "table", String(TABLE)]);
  const iptext = ipRuns(["-n", ns.name, "route", "show", "table", String(TABLE)]);

  let py: PyResult | undefined;
  if (withPy && n <= PY_MAX) {
    py = runPython<PyResult>(ns.name, PY_SCRIPT, [TABLE, Math.max(2, pyRuns)]);
    expect(py.n, n, "pyroute2");
  }

  const coldFirst = (k: string) => coldOf(k, (r) => r.first);
  const cRaw = coldFirst("raw"), cNaive = coldFirst("naive"), cNl = coldFirst("nlroute");
  const wRaw = natural.raw!.median, wNaive = natural.naive!.median;
  const per = (v: number) => (n >= 1000 ? `${((v * 1e6) / n).toFixed(0)} ns` : "-");

  console.log(
    `\n## ${n} routes in table ${TABLE} (ip -batch set-up ${ms(setupMs)}); ` +
      `median (min–max): cold of ${coldRuns} fresh processes, warm of ${natural.raw!.runs} runs`,
  );
  const rows: string[][] = [[
    "",
    "cold (fresh process)",
    "÷ raw",
    "÷ naive",
    "warm, natural GC",
    "per route",
    "÷ raw",
    "÷ naive",
    "warm, GC forced",
    "÷ raw",
  ]];
  const coldCell: Record<string, Spread | undefined> = { raw: cRaw, naive: cNaive, c: cNl };
  for (const k of Object.keys(runs)) {
    const cc = coldCell[k];
    rows.push([
      label[k]!,
      cc ? fmtSpread(cc) : "-",
      cc ? ratio(cc.median, cRaw.median) : "-",
      cc ? ratio(cc.median, cNaive.median) : "-",
      fmtSpread(natural[k]!),
      per(natural[k]!.median),
      ratio(natural[k]!.median, wRaw),
      ratio(natural[k]!.median, wNaive),
      fmtSpread(forced[k]!),
      ratio(forced[k]!.median, forced.raw!.median),
    ]);
  }
  for (
    const [name, r] of [["ip -j route show (process)", ipj], [
      "ip route show (process)",
      iptext,
    ]] as const
  ) {
    rows.push([
      name,
      ms(r.first),
      ratio(r.first, cRaw.median),
      ratio(r.first, cNaive.median),
      fmtSpread(r.warm),
      per(r.warm.median),
      ratio(r.warm.median, wRaw),
      ratio(r.warm.median, wNaive),
      "-",
      "-",
    ]);
  }
  if (py) {
    const warmDump = spread(py.dump.slice(1));
    const warmFields = spread(py.fields.slice(1));
    rows.push([
      "pyroute2 get_routes",
      ms(py.dump[0]!),
      ratio(py.dump[0]!, cRaw.median),
      ratio(py.dump[0]!, cNaive.median),
      fmtSpread(warmDump),
      per(warmDump.median),
      ratio(warmDump.median, wRaw),
      ratio(warmDump.median, wNaive),
      "-",
      "-",
    ]);
    rows.push([
      "pyroute2 get_routes + fields",
      ms(py.fields[0]!),
      ratio(py.fields[0]!, cRaw.median),
      ratio(py.fields[0]!, cNaive.median),
      fmtSpread(warmFields),
      per(warmFields.median),
      ratio(warmFields.median, wRaw),
      ratio(warmFields.median, wNaive),
      "-",
      "-",
    ]);
  }
  printTable(rows);

  // The fresh processes in parts: start-up, imports, open, first dump, whole process.
  const partRows: string[][] = [[
    "fresh process",
    "runtime start",
    "imports",
    "open",
    "first dump",
    "second dump",
    "whole process",
    "÷ ip -j",
  ]];
  for (const kind of kinds) {
    const wall = spread(whole[kind]!);
    partRows.push([
      kind === "nlroute" ? "nlroute (c)" : kind,
      ms(coldOf(kind, (r) => r.start).median),
      ms(coldOf(kind, (r) => r.import).median),
      ms(coldOf(kind, (r) => r.open).median),
      ms(coldOf(kind, (r) => r.first).median),
      ms(coldOf(kind, (r) => r.second).median),
      fmtSpread(wall),
      ratio(wall.median, ipj.warm.median),
    ]);
  }
  partRows.push(["ip -j (process)", "-", "-", "-", "-", "-", fmtSpread(ipj.warm), "1.00×"]);
  printTable(partRows);

  const openFirst = (k: string) => coldOf(k, (r) => r.open + r.first).median;
  const s: Summary = {
    n,
    coldRaw: cRaw.median,
    coldNaive: cNaive.median,
    coldNl: cNl.median,
    warmRaw: wRaw,
    warmNaive: wNaive,
    warmNl: natural.c!.median,
    warmNlForced: forced.c!.median,
    rawForced: forced.raw!.median,
    scriptNl: spread(whole.nlroute!).median,
    scriptIpj: ipj.warm.median,
    fixedCost: openFirst("nlroute") - openFirst("raw"),
    fixedFirst: cNl.median - cRaw.median,
    bytesLazy,
    bytesRead,
    bytesNaive,
  };
  summaries.push(s);
  console.log("  targets:");
  const cr = s.coldNl / s.coldRaw;
  console.log(`    cold (c) ÷ raw     = ${cr.toFixed(2)}   ≤ 2.5         ${verdict(cr <= 2.5)}`);
  console.log(
    `    cold (c) ÷ naive   = ${(s.coldNl / s.coldNaive).toFixed(2)}   < 1           ${
      verdict(s.coldNl < s.coldNaive)
    }`,
  );
  const wr = s.warmNl / s.warmRaw;
  console.log(
    `    warm (c) ÷ raw     = ${wr.toFixed(2)}   ≤ 1.5         ${verdict(wr <= 1.5)}` +
      `   (GC forced: ${(s.warmNlForced / s.rawForced).toFixed(2)})`,
  );
  const sr = s.scriptNl / s.scriptIpj;
  console.log(
    `    whole script ÷ ip -j = ${sr.toFixed(2)} ≤ 1         ${verdict(sr <= 1)}` +
      (n === 5000 ? "   (the issue's scale)" : ""),
  );
  if (n === 1) {
    console.log(
      `    first call above raw: open + dump ${ms(s.fixedCost)}, dump alone ${ms(s.fixedFirst)}` +
        `   ≤ 1 ms   ${verdict(s.fixedCost <= 1)}`,
    );
  }
  if (n >= 1000) {
    console.log(
      `    held per route: lazy ${s.bytesLazy.toFixed(0)} B, after the fields were read ${
        s.bytesRead.toFixed(0)
      } B, naive ${s.bytesNaive.toFixed(0)} B   ≤ 150   ${verdict(s.bytesLazy <= 150)}`,
    );
  }
  if (py) {
    console.log(
      `    pyroute2 peak RSS ${(py.rss / 1024).toFixed(0)} MB ` +
        `(${(py.rss0 / 1024).toFixed(0)} MB after import); ` +
        `this process RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
    );
  } else if (withPy) console.log(`    pyroute2 skipped above ${PY_MAX} routes`);
  else console.log("    pyroute2 skipped");
}

preflight();
console.log(`\n# route dump — ${RUNTIME} ${RUNTIME_VERSION}`);
console.log(`  ${machineLine()}`);
console.log(
  "  cold = first dump in a fresh process (after its imports and open); warm = later dumps" +
    " in this process;\n  targets use warm with natural GC",
);
for (const n of sizes) await withNetns((ns) => measure(ns, n));
