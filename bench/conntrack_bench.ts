/**
 * Connection tracking, in a throwaway namespace: a dump of N conntrack
 * entries (half TCP ESTABLISHED, half UDP, every one with a mark; inserted
 * by nlroute's batched creates — `ct.socket.batch()` of the create requests,
 * as few sends as the ACKs allow — and timed as set-up), with fields read, by
 *   - a bare FFI receive loop with the same dump request (headers only),
 *   - nlroute's layers: `NetlinkSocket.dump` with a trivial decoder, then with
 *     the ConntrackEntry decoder,
 *   - `ct.list()` (lazy entries), then with every entry's fields read (the
 *     original tuple's addresses, ports and protocol, the status word, mark,
 *     timeout, TCP state, id), and `ct.dump()` streamed with the same fields,
 *   - `conntrack -L` as a whole process (under `ip netns exec`: conntrack has
 *     no namespace option), its lines counted,
 *   - pyroute2's `Conntrack().dump_entries()` (ConntrackEntry objects: every
 *     tuple decoded) + the same fields, in its own process;
 * cold: a fresh process of the same runtime (socket or Conntrack.open + the
 * first dump, timed inside it; its spawn-to-exit time too), conntrack's first
 * process, a fresh pyroute2 process's Conntrack() + first dump; warm: medians
 * of repeated calls (conntrack: of repeated processes).
 * Target: conntrack -L ÷ nlroute ≥ 5 (the fields-read variant).
 *
 * Usage: deno run -A --v8-flags=--expose-gc bench/conntrack_bench.ts [--entries 100000]
 *        bun bench/conntrack_bench.ts [same options]
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Conntrack } from "../netfilter/conntrack.ts";
import { ConntrackEntry } from "../netfilter/entry.ts";
import { createRequest, dumpRequest } from "../netfilter/request.ts";
import type { TupleSpec } from "../netfilter/tuple.ts";
import { decoderOf } from "../core/lazy.ts";
import { PROTOCOL } from "../core/protocol.ts";
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
  runPython,
  RUNTIME,
  tick,
  verdict,
  withNetns,
} from "./_lib.ts";
import { ctDumpRequest, RawSocket } from "./_raw.ts";

const USAGE = `Usage: conntrack_bench.ts [--entries 100000] [--reps 10] [--warmup 2] [--cold 5]
                         [--ct-reps 5] [--py-runs 1]`;

const opts = options({
  entries: "100000",
  reps: "10",
  warmup: "2",
  cold: "5",
  "ct-reps": "5",
  "py-runs": "1",
  // Internal: a fresh process's cold dump (`--child nlroute|raw --ns NS`).
  child: "",
  ns: "",
}, USAGE);

const quick = opts.quick === true;
const N = quick ? 20000 : intOpt(opts.entries, "entries");
if (N > 200000) throw new Error("--entries must be at most 200000 (under nf_conntrack_max)");
const reps = quick ? 3 : intOpt(opts.reps, "reps");
const warmup = quick ? 1 : intOpt(opts.warmup, "warmup");
const coldRuns = quick ? 2 : intOpt(opts.cold, "cold");
const ctReps = quick ? 2 : intOpt(opts["ct-reps"], "ct-reps");
const pyRuns = quick ? 1 : intOpt(opts["py-runs"], "py-runs");
const withPy = opts["no-pyroute2"] !== true && havePyroute2();

// -- state ------------------------------------------------------------------------------

/** The i-th entry's original tuple: sources in 10.1.0.0/14, one server, TCP and UDP alternating. */
function tuple(i: number): TupleSpec {
  return {
    src: `10.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`,
    dst: "192.0.2.1",
    protocol: i & 1 ? "udp" : "tcp",
    sport: 1024 + (i % 60000),
    dport: i & 1 ? 53 : 443,
  };
}

/** Inserts `n` entries with batched creates; returns the time taken. */
async function insert(ct: Conntrack, n: number): Promise<number> {
  const reqs = Array.from({ length: n }, (_, i) =>
    createRequest({
      orig: tuple(i),
      timeout: 3600,
      mark: i & 0xff,
      ...(i & 1 ? {} : { tcpState: "ESTABLISHED" as const }),
    }));
  const t0 = performance.now();
  const results = await ct.socket.batch(reqs);
  const t = performance.now() - t0;
  const failed = results.find((r) => !r.ok);
  if (failed && !failed.ok) throw failed.error;
  return t;
}

// -- what every variant reads --------------------------------------------------------------

/** Reads what `conntrack -L` prints of each entry (the original tuple, status, mark, timeout, state, id). */
function readEntry(e: ConntrackEntry): number {
  const o = e.orig;
  return o.src.length + o.dst.length + (o.sport ?? 0) + (o.dport ?? 0) + o.protoNum +
    e.statusBits + (e.mark ?? 0) + (e.timeout ?? 0) + (e.state === undefined ? 0 : 1) +
    (e.id ?? 0);
}

function readAll(es: readonly ConntrackEntry[]): number {
  let sink = 0;
  for (const e of es) sink += readEntry(e);
  return sink;
}

// -- cold: a fresh process --------------------------------------------------------------

interface ColdRun {
  /** Socket or Conntrack.open, ms. */
  open: number;
  /** The first dump (fields read for nlroute), ms. */
  first: number;
  /** Entries dumped. */
  n: number;
}

async function child(kind: string, ns: string): Promise<void> {
  let out: ColdRun;
  if (kind === "nlroute") {
    const t0 = performance.now();
    const ct = await Conntrack.open({ netns: ns });
    const t1 = performance.now();
    const es = await ct.list();
    readAll(es);
    const t2 = performance.now();
    ct.close();
    out = { open: t1 - t0, first: t2 - t1, n: es.length };
  } else if (kind === "raw") {
    const req = ctDumpRequest();
    const t0 = performance.now();
    const raw = new RawSocket(ns, PROTOCOL.NETFILTER.number);
    const t1 = performance.now();
    const n = raw.dump(req);
    const t2 = performance.now();
    raw.close();
    out = { open: t1 - t0, first: t2 - t1, n };
  } else throw new Error(`--child ${kind}?`);
  console.log(JSON.stringify(out));
}

function freshCold(kind: "nlroute" | "raw", ns: string): ColdRun & { wall: number } {
  const file = fileURLToPath(import.meta.url);
  const own = ["--child", kind, "--ns", ns];
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
from pyroute2 import Conntrack
runs = int(sys.argv[1])
t0 = time.perf_counter()
ct = Conntrack()
t1 = time.perf_counter()
dump, fields, n = [], [], 0
for i in range(runs + 1):
    s = time.perf_counter()
    es = list(ct.dump_entries())
    t = time.perf_counter()
    sink = 0
    for e in es:
        o = e.tuple_orig
        sink += len(o.saddr) + len(o.daddr) + (o.sport or 0) + (o.dport or 0) + o.proto
        sink += e.status + (e.mark or 0) + (e.timeout or 0) + (e.id or 0)
        sink += 1 if e.protoinfo is not None else 0
    e_ = time.perf_counter()
    n = len(es)
    dump.append((t - s) * 1e3); fields.append((e_ - s) * 1e3)
    del es
ct.close()
print(json.dumps({"open": (t1 - t0) * 1e3, "dump": dump, "fields": fields, "n": n}))
`;

interface PyDump {
  open: number;
  /** Per call, ms: the first is the process's first. */
  dump: number[];
  fields: number[];
  n: number;
}

// -- the dump ---------------------------------------------------------------------------

function expect(n: number, want: number, what: string): void {
  if (n !== want) throw new Error(`${what} returned ${n} entries, expected ${want}`);
}

/** `conntrack -L` in the namespace, as a whole process; returns the entries it printed. */
function conntrackList(ns: string): number {
  const r = spawnSync("ip", ["netns", "exec", ns, "conntrack", "-L"], {
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`conntrack -L failed: ${r.stderr}`);
  let n = 0;
  for (let i = r.stdout.indexOf("\n"); i >= 0; i = r.stdout.indexOf("\n", i + 1)) n++;
  return n;
}

async function dump(ns: BenchNetns): Promise<void> {
  const ct = await Conntrack.open({ netns: ns.name });
  const raw = new RawSocket(ns.name, PROTOCOL.NETFILTER.number);
  try {
    const setup = await insert(ct, N);
    const count = await ct.count();
    expect(count.entries, N, "the table (conntrack -C)");
    console.log(
      `\n  state: ${N} entries (${N / 2} TCP ESTABLISHED, ${N / 2} UDP), inserted by nlroute's ` +
        `batched creates in ${ms(setup)} (${((setup * 1e3) / N).toFixed(1)} µs an entry)`,
    );

    let py: PyDump | undefined;
    if (withPy) py = runPython<PyDump>(ns.name, PY_DUMP, [pyRuns]);

    const rawReq = ctDumpRequest();
    const req = dumpRequest();
    const entry = decoderOf(ConntrackEntry);
    const zero = () => 0;
    const runs: Record<string, () => Promise<number> | number> = {
      a: () => raw.dump(rawReq),
      a2: async () => (await ct.socket.dump(req, { decode: zero }).all()).length,
      a3: async () => (await ct.socket.dump(req, { decode: entry }).all()).length,
      b: async () => (await ct.list()).length,
      c: async () => {
        const es = await ct.list();
        readAll(es);
        return es.length;
      },
      s: async () => {
        let n = 0;
        let sink = 0;
        for await (const e of ct.dump()) {
          sink += readEntry(e);
          n++;
        }
        return sink >= 0 ? n : -1;
      },
    };
    const label: Record<string, string> = {
      a: "(a)  raw FFI receive, headers only",
      a2: "     NetlinkSocket.dump, decoder → 0",
      a3: "     NetlinkSocket.dump, ConntrackEntry decoder",
      b: "(b)  ct.list() lazy",
      c: "(c)  (b) + tuple/status/mark/timeout/state/id read",
      s: "     ct.dump() streamed + the same fields",
    };
    const keys = Object.keys(runs);
    const first: Record<string, number> = {};
    const times: Record<string, number[]> = {};
    for (const k of keys) {
      const s = performance.now();
      expect(await runs[k]!(), N, k);
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
        expect(got, N, k);
        await tick();
      }
    }

    // Cold: fresh processes (the raw and the fields-read nlroute variant), alternated.
    const cold: Record<"raw" | "nlroute", (ColdRun & { wall: number })[]> = {
      raw: [],
      nlroute: [],
    };
    for (let i = 0; i < coldRuns; i++) {
      for (const kind of ["raw", "nlroute"] as const) {
        const r = freshCold(kind, ns.name);
        expect(r.n, N, `cold ${kind}`);
        cold[kind].push(r);
      }
    }
    const coldOf = (kind: "raw" | "nlroute") => median(cold[kind].map((r) => r.open + r.first));
    const wallOf = (kind: "raw" | "nlroute") => median(cold[kind].map((r) => r.wall));

    // conntrack -L as a whole process: the first run is its cold figure. `ip netns exec`'s
    // own cost (a process, setns, a sysfs mount) is measured apart.
    const ctTimes: number[] = [];
    let ctFirst = NaN;
    for (let i = 0; i < ctReps + 1; i++) {
      const s = performance.now();
      const got = conntrackList(ns.name);
      const t = performance.now() - s;
      expect(got, N, "conntrack -L");
      if (i === 0) ctFirst = t;
      else ctTimes.push(t);
      await tick();
    }
    const execTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      spawnSync("ip", ["netns", "exec", ns.name, "true"]);
      execTimes.push(performance.now() - s);
    }

    const med = (k: string) => median(times[k]!);
    const rawMed = med("a");
    const nlMed = med("c");
    const rawCold = coldOf("raw");
    const nlCold = coldOf("nlroute");
    const ctMed = median(ctTimes);
    const per = (v: number) => `${((v * 1e6) / N).toFixed(0)} ns`;
    const none = "-";

    console.log(
      `\n## dump of ${N} conntrack entries; warm: median of ${reps} (nlroute), ${ctReps} ` +
        `(conntrack), ${py ? py.fields.length - 1 : 0} (pyroute2); cold: median of ${coldRuns} ` +
        `fresh processes (conntrack: its first run; pyroute2: one)`,
    );
    const rows: string[][] = [[
      "",
      "cold",
      "first here",
      "warm",
      "per entry",
      "÷ raw",
      "÷ nlroute",
    ]];
    for (const k of keys) {
      const cell = k === "a" ? ms(rawCold) : k === "c" ? ms(nlCold) : none;
      rows.push([
        label[k]!,
        cell,
        ms(first[k]!),
        ms(med(k)),
        per(med(k)),
        ratio(med(k), rawMed),
        ratio(med(k), nlMed),
      ]);
    }
    rows.push([
      "(d)  conntrack -L (process, text)",
      ms(ctFirst),
      none,
      ms(ctMed),
      per(ctMed),
      ratio(ctMed, rawMed),
      ratio(ctMed, nlMed),
    ]);
    let pyCold = NaN;
    let pyMed = NaN;
    if (py) {
      expect(py.n, N, "pyroute2");
      const warmDump = median(py.dump.slice(1));
      pyMed = median(py.fields.slice(1));
      pyCold = py.open + py.fields[0]!;
      rows.push([
        "(e)  pyroute2 dump_entries()",
        none,
        ms(py.dump[0]!),
        ms(warmDump),
        per(warmDump),
        ratio(warmDump, rawMed),
        ratio(warmDump, nlMed),
      ]);
      rows.push([
        "(e)  pyroute2 dump_entries() + fields",
        ms(pyCold),
        ms(py.fields[0]!),
        ms(pyMed),
        per(pyMed),
        ratio(pyMed, rawMed),
        ratio(pyMed, nlMed),
      ]);
    }
    printTable(rows);
    const part = (kind: "raw" | "nlroute", f: "open" | "first") =>
      ms(median(cold[kind].map((r) => r[f])));
    console.log(
      `  (cold: socket or Conntrack.open + the first dump in a fresh process, timed inside it —\n` +
        `   raw ${part("raw", "open")} + ${part("raw", "first")}, nlroute ${
          part("nlroute", "open")
        } + ${part("nlroute", "first")}${
          py ? `, pyroute2 Conntrack() ${ms(py.open)} + ${ms(py.fields[0]!)}` : ""
        }; whole process, spawn to exit:\n   raw ${ms(wallOf("raw"))}, nlroute ${
          ms(wallOf("nlroute"))
        }, conntrack ${ms(ctFirst)} — ${RUNTIME}'s own start-up and module loading are in the ` +
        `first two;\n   conntrack's include ip netns exec's own ${ms(median(execTimes))})`,
    );
    console.log("  targets:");
    const cw = ctMed / nlMed;
    const cc = ctFirst / nlCold;
    console.log(
      `    conntrack -L / nlroute  warm ${ratio(ctMed, nlMed)}, cold ${ratio(ctFirst, nlCold)}` +
        `   target ≥ 5×   ${verdict(cw >= 5)} warm, ${verdict(cc >= 5)} cold`,
    );
    if (py) {
      console.log(
        `    pyroute2 / nlroute      warm ${ratio(pyMed, nlMed)}, cold ${ratio(pyCold, nlCold)}`,
      );
    } else console.log("    pyroute2 skipped");
    console.log(
      `    nlroute / raw           warm ${ratio(nlMed, rawMed)}, cold ${ratio(nlCold, rawCold)}`,
    );
  } finally {
    await ct.flush().catch(() => {});
    ct.close();
    raw.close();
  }
}

if (opts.child) {
  await child(String(opts.child), String(opts.ns));
} else {
  preflight();
  if (spawnSync("conntrack", ["--version"], { stdio: "ignore" }).status !== 0) {
    console.error("Debian's conntrack tool is needed (apt-get install conntrack).");
    process.exit(2);
  }
  banner(
    "connection tracking",
    `a dump of ${N} conntrack entries with fields read (cold: a fresh process; warm: repeated calls)`,
  );
  await withNetns(dump);
}
