/**
 * Traffic control, in a throwaway namespace:
 *   (1) dumps of C htb classes and F u32 filters on `v0` (set up with
 *       `tc -batch`: an htb root qdisc, C classes under it, F filters steering
 *       a dst/32 + dport match each to a class, 2,000 a priority since u32
 *       gives at most 2,048 handles a hash table), options decoded, by
 *       - a bare FFI receive loop with the same dump request (headers only),
 *       - nlroute's layers: `NetlinkSocket.dump` with a trivial decoder, then
 *         with the TrafficClass/Filter decoder,
 *       - `ipr.getClasses({ index })` / `ipr.getFilters({ index })` (lazy),
 *         then with every object's options read (classes: classid, rate, ceil,
 *         burst; filters: handle, prio, classid, keys),
 *       - `tc -j class show dev v0` / `tc -j filter show dev v0` as a whole
 *         process, output parsed (tc 6.1 prints text for classes despite -j;
 *         its u32 JSON repeats the `match` key: JSON.parse keeps the last),
 *       - pyroute2 `get_classes(index)` / `get_filters(index)` (+ the same
 *         fields), in its own process;
 *       cold: a fresh process of the same runtime (socket or IPRoute.open +
 *       the first dump, timed inside it; its spawn-to-exit time too), tc's
 *       first process, a fresh pyroute2 process's IPRoute() + first call;
 *       warm: medians of repeated calls (tc: of repeated processes), with the
 *       collector left alone (the headline) and with gc() forced before each run.
 *       Targets: tc ÷ nlroute ≥ 3, pyroute2 ÷ nlroute ≥ 50.
 *   (2) adds of A htb classes on `v1` (an empty htb root before each run,
 *       untimed): nlroute `ipr.batch()` + `b.tclass("add", …)` + `send()`,
 *       `tc -batch file`, a pyroute2 `tc("add-class", …)` loop, and a bare FFI
 *       reference sending nlroute's compiled bytes 256 a send.
 *       Target: nlroute batched ÷ tc -batch ≤ 1.0.
 *
 * Usage: deno run -A --v8-flags=--expose-gc bench/tc_bench.ts [--classes 10000] [--filters 10000]
 *        bun bench/tc_bench.ts [same options]
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { IPRoute } from "../iproute/iproute.ts";
import { decoderOf } from "../iproute/message.ts";
import { buildFilterRequest, buildTclassRequest } from "../iproute/tc/request.ts";
import { Filter, TrafficClass } from "../iproute/tc/tc.ts";
import type { Request } from "../core/socket.ts";
import { allocBuffer } from "../ffi/symbols.ts";
import {
  banner,
  type BenchNetns,
  gc,
  havePyroute2,
  intOpt,
  median,
  ms,
  options,
  preflight,
  printTable,
  ratio,
  routeDst,
  runPython,
  RUNTIME,
  tc,
  tcBatch,
  tick,
  verdict,
  withNetns,
} from "./_lib.ts";
import { RawSocket, RTM_GETTCLASS, RTM_GETTFILTER, tcDumpRequest } from "./_raw.ts";

const USAGE = `Usage: tc_bench.ts [--classes 10000] [--filters 10000] [--reps 10] [--warmup 2]
                   [--cold 5] [--tc-reps 5] [--py-runs 3] [--add-classes 10000]
                   [--add-reps 3] [--add-py-runs 1]`;

const opts = options({
  classes: "10000",
  filters: "10000",
  reps: "10",
  warmup: "2",
  cold: "5",
  "tc-reps": "5",
  "py-runs": "3",
  "add-classes": "10000",
  "add-reps": "3",
  "add-py-runs": "1",
  // Internal: a fresh process's cold dump (`--child nlroute|raw --what classes|filters --ns NS --index N`).
  child: "",
  what: "",
  ns: "",
  index: "0",
}, USAGE);

const quick = opts.quick === true;
const CLASSES = intOpt(opts.classes, "classes");
const FILTERS = intOpt(opts.filters, "filters");
if (CLASSES > 65000) throw new Error("--classes must be at most 65000 (16-bit class minors)");
if (FILTERS > 131072) throw new Error("--filters must be at most 131072");
const reps = quick ? 3 : intOpt(opts.reps, "reps");
const warmup = quick ? 1 : intOpt(opts.warmup, "warmup");
const coldRuns = quick ? 2 : intOpt(opts.cold, "cold");
const tcReps = quick ? 2 : intOpt(opts["tc-reps"], "tc-reps");
const pyRuns = quick ? 1 : intOpt(opts["py-runs"], "py-runs");
// The kernel's class add is O(classes) (it rebinds filters over every class), so a
// quick run adds fewer.
const ADD = quick ? 2000 : intOpt(opts["add-classes"], "add-classes");
if (ADD > 65000) throw new Error("--add-classes must be at most 65000");
const addReps = quick ? 1 : intOpt(opts["add-reps"], "add-reps");
const addPyRuns = quick ? 1 : intOpt(opts["add-py-runs"], "add-py-runs");
const withPy = opts["no-pyroute2"] !== true && havePyroute2();

/** u32 filters a priority (each priority is its own u32 instance and hash table 8xx:). */
const PER_PRIO = 2000;
/** Each u32 priority also dumps its instance and its hash table (tc's `fh 800: ht divisor 1`). */
const filterDumpCount = (n: number) => n + 2 * Math.ceil(n / PER_PRIO);

// -- state ------------------------------------------------------------------------------

const hex = (n: number) => n.toString(16);
const classRate = (i: number) => `${100 + (i % 900)}kbit`;
const CEIL = "100mbit";
// An explicit quantum: from the rate (÷ r2q) the kernel warns for every class.
const QUANTUM = 1514;

/** `tc -batch` lines: an htb root on `dev` and `n` classes 1:1 … under it. */
function classLines(dev: string, n: number, qdisc = true): string[] {
  const lines = qdisc ? [`qdisc add dev ${dev} root handle 1: htb default 1`] : [];
  for (let i = 0; i < n; i++) {
    lines.push(
      `class add dev ${dev} parent 1: classid 1:${hex(i + 1)} htb rate ${classRate(i)} ` +
        `ceil ${CEIL} quantum ${QUANTUM}`,
    );
  }
  return lines;
}

/** `tc -batch` lines: `n` u32 filters on `dev`'s root, each to one of `classes` classes. */
function filterLines(dev: string, n: number, classes: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(
      `filter add dev ${dev} parent 1: protocol ip prio ${1 + Math.floor(i / PER_PRIO)} u32 ` +
        `match ip dst ${routeDst(i)} match ip dport ${1024 + (i % 60000)} 0xffff ` +
        `flowid 1:${hex((i % classes) + 1)}`,
    );
  }
  return lines;
}

// -- what every variant reads --------------------------------------------------------------

/** Reads classid, rate, ceil and burst of every class; returns a checksum. */
function readClasses(cs: readonly TrafficClass[]): number {
  let sink = 0;
  for (const c of cs) {
    const o = c.options!;
    sink += c.classid.length + (o.rate as number) + (o.ceil as number) + (o.burst as number);
  }
  if (cs.length && !(sink > 0)) throw new Error("no class fields read");
  return sink;
}

/** Reads handle, prio, classid and keys of every filter; returns a checksum. */
function readFilters(fs: readonly Filter[]): number {
  let sink = 0;
  for (const f of fs) {
    sink += f.handle.length + f.prio;
    const o = f.options;
    if (o?.classid !== undefined) sink += (o.classid as string).length;
    if (Array.isArray(o?.keys)) sink += o.keys.length;
  }
  if (fs.length && !(sink > 0)) throw new Error("no filter fields read");
  return sink;
}

// -- cold: a fresh process ------------------------------------------------------------------

/** A fresh process's figures, ms. */
interface ColdRun {
  /** Opening: IPRoute.open, or the bare socket. */
  open: number;
  /** The first dump (nlroute: with the fields read). */
  first: number;
  /** Objects dumped. */
  n: number;
}

/** The child: one cold open + first dump in this (fresh) process. */
async function child(kind: string, what: string, ns: string, index: number): Promise<void> {
  const classes = what === "classes";
  if (what !== "classes" && what !== "filters") throw new Error(`--what ${what}?`);
  let out: ColdRun;
  if (kind === "nlroute") {
    const t0 = performance.now();
    const ipr = await IPRoute.open({ netns: ns });
    const t1 = performance.now();
    let n: number;
    if (classes) {
      const cs = await ipr.getClasses({ index });
      readClasses(cs);
      n = cs.length;
    } else {
      const fs = await ipr.getFilters({ index });
      readFilters(fs);
      n = fs.length;
    }
    const t2 = performance.now();
    ipr.close();
    out = { open: t1 - t0, first: t2 - t1, n };
  } else if (kind === "raw") {
    const req = tcDumpRequest(classes ? RTM_GETTCLASS : RTM_GETTFILTER, index);
    const t0 = performance.now();
    const raw = new RawSocket(ns);
    const t1 = performance.now();
    const n = raw.dump(req);
    const t2 = performance.now();
    raw.close();
    out = { open: t1 - t0, first: t2 - t1, n };
  } else throw new Error(`--child ${kind}?`);
  console.log(JSON.stringify(out));
}

/** Runs one cold dump in a fresh process of this runtime; also its spawn-to-exit time. */
function freshCold(
  kind: "nlroute" | "raw",
  what: "classes" | "filters",
  ns: string,
  index: number,
): ColdRun & { wall: number } {
  const file = fileURLToPath(import.meta.url);
  const own = ["--child", kind, "--what", what, "--ns", ns, "--index", String(index)];
  const args = RUNTIME === "deno" ? ["run", "-A", file, ...own] : [file, ...own];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  const wall = performance.now() - t0;
  if (r.status !== 0) {
    throw new Error(`Cannot run the cold dump in a fresh process: ${r.stderr?.trim() || r.status}`);
  }
  const lines = r.stdout.trim().split("\n");
  return { ...(JSON.parse(lines[lines.length - 1]!) as ColdRun), wall };
}

// -- pyroute2 ---------------------------------------------------------------------------

const PY_DUMP = `
import json, sys, time
t_import = time.perf_counter()
from pyroute2 import IPRoute
t_import = time.perf_counter() - t_import
index, runs = int(sys.argv[1]), int(sys.argv[2])
def classes(ipr):
    cs = tuple(ipr.get_classes(index))
    t = time.perf_counter()
    sink = 0
    for m in cs:
        p = m.get_attr('TCA_OPTIONS').get_attr('TCA_HTB_PARMS')
        sink += m['handle'] + p['rate'] + p['ceil'] + p['buffer']
    return cs, t, sink
def filters(ipr):
    fs = tuple(ipr.get_filters(index))
    t = time.perf_counter()
    sink = 0
    for m in fs:
        sink += m['handle'] + (m['info'] >> 16)
        o = m.get_attr('TCA_OPTIONS')
        if o is not None:
            sink += o.get_attr('TCA_U32_CLASSID') or 0
            sel = o.get_attr('TCA_U32_SEL')
            if sel is not None:
                sink += len(sel['keys'])
    return fs, t, sink
out = {"import": t_import * 1e3}
for name, fn in (("classes", classes), ("filters", filters)):
    t0 = time.perf_counter()
    ipr = IPRoute()
    t1 = time.perf_counter()
    dump, fields, n = [], [], 0
    for i in range(runs + 1):
        s = time.perf_counter()
        objs, t, sink = fn(ipr)
        e = time.perf_counter()
        n = len(objs)
        dump.append((t - s) * 1e3); fields.append((e - s) * 1e3)
        del objs
    ipr.close()
    out[name] = {"open": (t1 - t0) * 1e3, "dump": dump, "fields": fields, "n": n}
print(json.dumps(out))
`;

interface PyDump {
  open: number;
  /** Per call, ms: the first is the process's first. */
  dump: number[];
  fields: number[];
  n: number;
}

const PY_ADD = `
import json, sys, time, subprocess
from pyroute2 import IPRoute
ns, dev, index, n, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
specs = [(0x10000 + i + 1, '%dkbit' % (100 + i % 900)) for i in range(n)]
def reset():
    subprocess.run(['tc', '-n', ns, 'qdisc', 'del', 'dev', dev, 'root'], stderr=subprocess.DEVNULL)
    subprocess.run(['tc', '-n', ns, 'qdisc', 'add', 'dev', dev, 'root', 'handle', '1:', 'htb',
                    'default', '1'], check=True)
times = []
with IPRoute() as ipr:
    for _ in range(runs):
        reset()
        t0 = time.perf_counter()
        for h, r in specs:
            ipr.tc('add-class', 'htb', index=index, handle=h, parent=0x10000, rate=r,
                   ceil='${CEIL}', quantum=${QUANTUM})
        times.append((time.perf_counter() - t0) * 1e3)
        got = len(tuple(ipr.get_classes(index)))
        assert got == n, got
    reset()
print(json.dumps({"times": times}))
`;

// -- (1) dumps --------------------------------------------------------------------------

function expect(n: number, want: number, what: string): void {
  if (n !== want) throw new Error(`${what} returned ${n} objects, expected ${want}`);
}

interface DumpCase {
  what: "classes" | "filters";
  /** Objects the dump returns. */
  n: number;
  /** Variant runs (warm), each returning the number of objects. */
  runs: Record<string, () => Promise<number> | number>;
  label: Record<string, string>;
  /** The raw and the decoded variant. */
  rawKey: string;
  nlKey: string;
  tcArgs: string[];
  tcLabel: string;
  /** Counts the objects in tc's output. */
  tcCount: (stdout: string) => number;
  pyLabel: string;
}

async function dumpCase(ns: BenchNetns, c: DumpCase, py: PyDump | undefined): Promise<void> {
  const keys = Object.keys(c.runs);
  const first: Record<string, number> = {};
  const times: Record<string, number[]> = {};
  for (const k of keys) {
    const s = performance.now();
    expect(await c.runs[k]!(), c.n, k);
    first[k] = performance.now() - s;
    times[k] = [];
  }
  for (let i = 0; i < warmup; i++) {
    for (const k of keys) await c.runs[k]!();
    await tick();
  }
  // Warm, two ways, interleaved: as a program runs (the collector left alone:
  // the headline), and from a collected heap (gc() before each run; under Deno
  // a forced full collection also discards optimised code, which the next
  // runs pay to recompile).
  const forced: Record<string, number[]> = {};
  for (const k of keys) forced[k] = [];
  for (let i = 0; i < reps; i++) {
    for (const k of keys) {
      const s = performance.now();
      const got = await c.runs[k]!();
      times[k]!.push(performance.now() - s);
      expect(got, c.n, k);
      await tick();
    }
  }
  for (let i = 0; i < reps; i++) {
    for (const k of keys) {
      gc(); // Deno: needs --v8-flags=--expose-gc
      const s = performance.now();
      const got = await c.runs[k]!();
      forced[k]!.push(performance.now() - s);
      expect(got, c.n, k);
      await tick();
    }
  }

  // Cold: fresh processes (the raw and the decoded nlroute variant), alternated.
  const cold: Record<"raw" | "nlroute", (ColdRun & { wall: number })[]> = { raw: [], nlroute: [] };
  for (let i = 0; i < coldRuns; i++) {
    for (const kind of ["raw", "nlroute"] as const) {
      const r = freshCold(kind, c.what, ns.name, ns.v0);
      expect(r.n, c.n, `cold ${kind}`);
      cold[kind].push(r);
    }
  }
  const coldOf = (kind: "raw" | "nlroute") => median(cold[kind].map((r) => r.open + r.first));
  const wallOf = (kind: "raw" | "nlroute") => median(cold[kind].map((r) => r.wall));

  // tc as a whole process: the first run is its cold figure.
  const tcTimes: number[] = [];
  let tcFirst = NaN;
  for (let i = 0; i < tcReps + 1; i++) {
    const s = performance.now();
    const r = spawnSync("tc", c.tcArgs, { encoding: "utf8", maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`tc failed: ${r.stderr}`);
    const got = c.tcCount(r.stdout);
    const t = performance.now() - s;
    expect(got, c.n, "tc");
    if (i === 0) tcFirst = t;
    else tcTimes.push(t);
    await tick();
  }

  const med = (k: string) => median(times[k]!);
  const medForced = (k: string) => median(forced[k]!);
  const rawMed = med(c.rawKey);
  const nlMed = med(c.nlKey);
  const rawCold = coldOf("raw");
  const nlCold = coldOf("nlroute");
  const tcMed = median(tcTimes);
  const per = (v: number) => `${((v * 1e6) / c.n).toFixed(0)} ns`;
  const none = "-";

  console.log(
    `\n## dump of ${c.n} ${c.what}; warm: median of ${reps} (nlroute), ${tcReps} (tc), ` +
      `${py ? py.fields.length - 1 : 0} (pyroute2); cold: median of ${coldRuns} fresh processes ` +
      `(tc: its first run; pyroute2: one)`,
  );
  const rows: string[][] = [[
    "",
    "cold",
    "first here",
    "warm",
    "per object",
    "÷ raw",
    "÷ nlroute",
    "warm, GC forced",
  ]];
  for (const k of keys) {
    const cell = k === c.rawKey ? ms(rawCold) : k === c.nlKey ? ms(nlCold) : none;
    rows.push([
      c.label[k]!,
      cell,
      ms(first[k]!),
      ms(med(k)),
      per(med(k)),
      ratio(med(k), rawMed),
      ratio(med(k), nlMed),
      ms(medForced(k)),
    ]);
  }
  rows.push([
    c.tcLabel,
    ms(tcFirst),
    none,
    ms(tcMed),
    per(tcMed),
    ratio(tcMed, rawMed),
    ratio(tcMed, nlMed),
    none,
  ]);
  let pyCold = NaN;
  let pyMed = NaN;
  if (py) {
    expect(py.n, c.n, "pyroute2");
    const warmDump = median(py.dump.slice(1));
    pyMed = median(py.fields.slice(1));
    pyCold = py.open + py.fields[0]!;
    rows.push([
      `${c.pyLabel}`,
      none,
      ms(py.dump[0]!),
      ms(warmDump),
      per(warmDump),
      ratio(warmDump, rawMed),
      ratio(warmDump, nlMed),
      none,
    ]);
    rows.push([
      `${c.pyLabel} + fields`,
      ms(pyCold),
      ms(py.fields[0]!),
      ms(pyMed),
      per(pyMed),
      ratio(pyMed, rawMed),
      ratio(pyMed, nlMed),
      none,
    ]);
  }
  printTable(rows);
  const part = (kind: "raw" | "nlroute", f: "open" | "first") =>
    ms(median(cold[kind].map((r) => r[f])));
  console.log(
    `  (cold: socket or IPRoute.open + the first dump in a fresh process, timed inside it —\n` +
      `   raw ${part("raw", "open")} + ${part("raw", "first")}, nlroute ${
        part("nlroute", "open")
      } + ${part("nlroute", "first")}${
        py ? `, pyroute2 IPRoute() ${ms(py.open)} + ${ms(py.fields[0]!)}` : ""
      }; whole process, spawn to exit:\n   raw ${ms(wallOf("raw"))}, nlroute ${
        ms(wallOf("nlroute"))
      }, tc ${ms(tcFirst)} — ${RUNTIME}'s own start-up and module loading are in the first two)`,
  );
  console.log("  targets:");
  const tw = tcMed / nlMed;
  const tcold = tcFirst / nlCold;
  console.log(
    `    tc / nlroute        warm ${ratio(tcMed, nlMed)}, cold ${ratio(tcFirst, nlCold)}` +
      `   target ≥ 3×    ${verdict(tw >= 3)} warm, ${verdict(tcold >= 3)} cold`,
  );
  if (py) {
    const pw = pyMed / nlMed;
    const pc = pyCold / nlCold;
    console.log(
      `    pyroute2 / nlroute  warm ${ratio(pyMed, nlMed)}, cold ${ratio(pyCold, nlCold)}` +
        `   target ≥ 50×   ${verdict(pw >= 50)} warm, ${verdict(pc >= 50)} cold`,
    );
  } else console.log("    pyroute2 skipped");
  console.log(
    `    nlroute / raw       warm ${ratio(nlMed, rawMed)}, cold ${ratio(nlCold, rawCold)}`,
  );
  console.log(
    `    GC forced before each run: tc / nlroute ${ratio(tcMed, medForced(c.nlKey))}, ` +
      `nlroute / raw ${ratio(medForced(c.nlKey), medForced(c.rawKey))}`,
  );
}

async function dumps(ns: BenchNetns): Promise<void> {
  const t0 = performance.now();
  tcBatch(ns.name, [...classLines("v0", CLASSES), ...filterLines("v0", FILTERS, CLASSES)]);
  const setupMs = performance.now() - t0;
  console.log(
    `\n  state: ${CLASSES} htb classes and ${FILTERS} u32 filters on v0, ` +
      `set up by tc -batch in ${ms(setupMs)}`,
  );

  let py: { classes: PyDump; filters: PyDump } | undefined;
  if (withPy) py = runPython(ns.name, PY_DUMP, [ns.v0, pyRuns]);

  const raw = new RawSocket(ns.name);
  const ipr = await IPRoute.open({ netns: ns.name });
  try {
    const index = ns.v0;
    const zero = () => 0;
    const classReq = buildTclassRequest("dump", { index });
    const filterReq = buildFilterRequest("dump", { index });
    const rawClassReq = tcDumpRequest(RTM_GETTCLASS, index);
    const rawFilterReq = tcDumpRequest(RTM_GETTFILTER, index);
    const classDecoder = decoderOf(TrafficClass);
    const filterDecoder = decoderOf(Filter);
    const layers = (req: Request, decode: (m: never) => unknown) => async () =>
      (await ipr.socket.dump(req, { decode: decode as () => unknown }).all()).length;

    await dumpCase(ns, {
      what: "classes",
      n: CLASSES,
      runs: {
        a: () => raw.dump(rawClassReq),
        a2: layers(classReq, zero),
        a3: layers(classReq, classDecoder),
        b: async () => (await ipr.getClasses({ index })).length,
        c: async () => {
          const cs = await ipr.getClasses({ index });
          readClasses(cs);
          return cs.length;
        },
      },
      label: {
        a: "(a)  raw FFI receive, headers only",
        a2: "     NetlinkSocket.dump, decoder → 0",
        a3: "     NetlinkSocket.dump, TrafficClass decoder",
        b: "(b)  ipr.getClasses({ index }) lazy",
        c: "(c)  (b) + classid/rate/ceil/burst read",
      },
      rawKey: "a",
      nlKey: "c",
      tcArgs: ["-n", ns.name, "-j", "class", "show", "dev", "v0"],
      tcLabel: "(d)  tc -j class show (process, text)",
      // tc 6.1 has no JSON for classes: it prints one "class …" line each.
      tcCount: (out) => {
        const t = out.trimStart();
        if (t.startsWith("[")) return (JSON.parse(t) as unknown[]).length;
        let n = 0;
        for (const line of out.split("\n")) if (line.startsWith("class ")) n++;
        return n;
      },
      pyLabel: "(e)  pyroute2 get_classes",
    }, py?.classes);
    await tick();

    await dumpCase(ns, {
      what: "filters",
      n: filterDumpCount(FILTERS),
      runs: {
        a: () => raw.dump(rawFilterReq),
        a2: layers(filterReq, zero),
        a3: layers(filterReq, filterDecoder),
        b: async () => (await ipr.getFilters({ index })).length,
        c: async () => {
          const fs = await ipr.getFilters({ index });
          readFilters(fs);
          return fs.length;
        },
      },
      label: {
        a: "(a)  raw FFI receive, headers only",
        a2: "     NetlinkSocket.dump, decoder → 0",
        a3: "     NetlinkSocket.dump, Filter decoder",
        b: "(b)  ipr.getFilters({ index }) lazy",
        c: "(c)  (b) + handle/prio/classid/keys read",
      },
      rawKey: "a",
      nlKey: "c",
      tcArgs: ["-n", ns.name, "-j", "filter", "show", "dev", "v0"],
      tcLabel: "(d)  tc -j filter show (process, JSON)",
      tcCount: (out) => (JSON.parse(out) as unknown[]).length,
      pyLabel: "(e)  pyroute2 get_filters",
    }, py?.filters);
  } finally {
    ipr.close();
    raw.close();
  }
}

// -- (2) adds ---------------------------------------------------------------------------

/** Bytes of each message in a buffer of concatenated netlink messages: their offsets. */
function messageOffsets(bytes: Uint8Array): number[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offs: number[] = [];
  let off = 0;
  while (off + 16 <= bytes.length) {
    offs.push(off);
    off += (dv.getUint32(off, true) + 3) & ~3;
  }
  offs.push(bytes.length);
  return offs;
}

async function adds(ns: BenchNetns): Promise<void> {
  const DEV = "v1";
  const index = Number(
    (JSON.parse(
      spawnSync("ip", ["-j", "-n", ns.name, "link", "show", DEV], { encoding: "utf8" }).stdout,
    ) as { ifindex: number }[])[0]!.ifindex,
  );
  const specs = Array.from({ length: ADD }, (_, i) => ({
    index,
    kind: "htb" as const,
    parent: "1:",
    classid: `1:${hex(i + 1)}`,
    rate: classRate(i),
    ceil: CEIL,
    quantum: QUANTUM,
  }));
  const dir = mkdtempSync(join(tmpdir(), "nlrb-"));
  const batchFile = join(dir, "classes");
  writeFileSync(batchFile, classLines(DEV, ADD, false).join("\n") + "\n");

  const raw = new RawSocket(ns.name);
  const ipr = await IPRoute.open({ netns: ns.name });
  const countReq = tcDumpRequest(RTM_GETTCLASS, index);
  const reset = () => {
    spawnSync("tc", ["-n", ns.name, "qdisc", "del", "dev", DEV, "root"], { stdio: "ignore" });
    tc(["-n", ns.name, "qdisc", "add", "dev", DEV, "root", "handle", "1:", "htb", "default", "1"]);
  };
  // What each variant made, compared once: the same classes whichever way they were added.
  // Not the bursts: nlroute rounds transmit times up (as current iproute2), tc 6.1
  // truncates them, so their buffers can be a tick apart.
  const made = async () =>
    JSON.stringify(
      (await ipr.getClasses({ index })).map((c) => {
        const o = c.options!;
        return [c.classid, c.parent, o.rate, o.ceil, o.quantum, o.prio, o.level];
      }).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  try {
    // The raw reference sends the bytes nlroute compiles, 256 messages a send.
    const b0 = ipr.batch();
    for (const s of specs) b0.tclass("add", s);
    const rawBytes = allocBuffer((await b0.compile()).length);
    rawBytes.set(await b0.compile());
    const offs = messageOffsets(rawBytes);
    // As nlroute cuts its sends: at most 256 messages and 64 KiB (the send buffer caps a send).
    const CHUNK = 256;
    const CHUNK_BYTES = 1 << 16;
    const chunks: [number, number, number][] = [];
    for (let i = 0; i < ADD;) {
      let k = 1;
      while (i + k < ADD && k < CHUNK && offs[i + k + 1]! - offs[i]! <= CHUNK_BYTES) k++;
      chunks.push([offs[i]!, offs[i + k]!, k]);
      i += k;
    }
    const runs: Record<string, () => Promise<void> | void> = {
      raw: () => {
        for (const [start, end, k] of chunks) {
          const chunk = rawBytes.subarray(start, end);
          if (raw.sendAcked(chunk, chunk.length, k) !== 0) throw new Error("raw add failed");
        }
      },
      batch: async () => {
        const b = ipr.batch();
        for (const s of specs) b.tclass("add", s);
        const results = await b.send();
        const failed = results.find((r) => !r.ok);
        if (failed && !failed.ok) throw failed.error;
      },
      tc: () => {
        const r = spawnSync("tc", ["-n", ns.name, "-batch", batchFile], { encoding: "utf8" });
        if (r.status !== 0) throw new Error(`tc -batch failed: ${r.stderr}`);
      },
    };
    const keys = Object.keys(runs);
    const first: Record<string, number> = {};
    const times: Record<string, number[]> = Object.fromEntries(keys.map((k) => [k, []]));
    let reference: string | undefined;
    for (let rep = 0; rep <= addReps; rep++) {
      for (const k of keys) {
        reset();
        gc();
        const s = performance.now();
        await runs[k]!();
        const t = performance.now() - s;
        if (rep === 0) first[k] = t;
        else times[k]!.push(t);
        const got = raw.dump(countReq);
        if (got !== ADD) throw new Error(`${k} left ${got} classes, expected ${ADD}`);
        if (rep === 0) {
          const m = await made();
          reference ??= m;
          if (m !== reference) throw new Error(`${k} made other classes than ${keys[0]}`);
        }
        await tick();
      }
    }
    reset();
    let py: number[] | undefined;
    if (withPy) {
      py = runPython<{ times: number[] }>(ns.name, PY_ADD, [ns.name, DEV, index, ADD, addPyRuns])
        .times;
    }

    const med = (k: string) => (addReps > 0 ? median(times[k]!) : first[k]!);
    const tcMed = med("tc");
    const per = (v: number) => `${((v * 1e3) / ADD).toFixed(1)} µs`;
    console.log(
      `\n## ${ADD} htb class adds on an empty htb root (reset untimed); first run, then median ` +
        `of ${addReps} (nlroute, tc), ${py?.length ?? 0} run(s) (pyroute2)`,
    );
    const label: Record<string, string> = {
      raw: `raw FFI, nlroute's bytes, ${Math.round(ADD / chunks.length)} a send (ref)`,
      batch: "nlroute ipr.batch() … tclass('add') … send()",
      tc: "tc -batch (process)",
    };
    const rows: string[][] = [["", "first", "median", "per class", "÷ tc -batch"]];
    for (const k of keys) {
      rows.push([label[k]!, ms(first[k]!), ms(med(k)), per(med(k)), ratio(med(k), tcMed)]);
    }
    const pyMed = py ? median(py) : NaN;
    if (py) {
      rows.push([
        "pyroute2 tc('add-class') loop",
        ms(py[0]!),
        ms(pyMed),
        per(pyMed),
        ratio(pyMed, tcMed),
      ]);
    }
    printTable(rows);
    const br = med("batch") / tcMed;
    console.log("  targets and ratios:");
    console.log(
      `    nlroute batched / tc -batch = ${br.toFixed(2)}   target ≤ 1.0   ${verdict(br <= 1)}`,
    );
    console.log(`    nlroute batched / raw = ${(med("batch") / med("raw")).toFixed(2)}`);
    if (py) console.log(`    pyroute2 / nlroute batched = ${ratio(pyMed, med("batch"))}`);
    else console.log("    pyroute2 skipped");
  } finally {
    ipr.close();
    raw.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (opts.child) {
  await child(String(opts.child), String(opts.what), String(opts.ns), intOpt(opts.index, "index"));
} else {
  preflight();
  banner(
    "traffic control",
    "htb class and u32 filter dumps (cold: a fresh process; warm: repeated calls), htb class adds",
  );
  await withNetns(async (ns) => {
    await dumps(ns);
    await adds(ns);
  });
}
