/**
 * Generic netlink (ethtool), in throwaway namespaces:
 *   (a) `linkinfo-get` round trip on a veth: `eth.do("linkinfo-get", …)` timed
 *       call by call (median, p90, p99) against a bare FFI send/recv loop with
 *       a prebuilt request (same libc calls, no decoding) and the socket layer
 *       alone (`eth.socket.request` with prebuilt bytes, `eth.decode`); cold:
 *       a fresh process of the same runtime timing `GenlFamily.open` (spec
 *       load, socket, nlctrl resolution) + the first request, median of a few,
 *       against a fresh process's bare socket + first round trip. pyroute2's
 *       genl ethtool client (`NlEthtool.get_linkinfo`) warm and cold.
 *       Target: warm `eth.do` ÷ raw ≤ 1.5.
 *   (b) `features-get` dump over N veth pairs (default 500: 1,000 devices,
 *       set up with `ip -batch`): `eth.dump("features-get", {}).all()` with
 *       every device's name and active feature count read, against a bare FFI
 *       dump (headers only) and `ethtool --json -k <dev>` once per device (one
 *       process each, run by one shell in the namespace, output parsed), and
 *       pyroute2's `Ethtool.get_features` (ioctl: it has no genl features call).
 *
 * Usage: deno run -A --v8-flags=--expose-gc bench/genl_bench.ts [--iterations 20000]
 *        bun bench/genl_bench.ts [same options]
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { GenlFamily } from "../genl/family.ts";
import { FAMILY_SPECS } from "../genl/families/mod.ts";
import { NLM_F } from "../core/constants.ts";
import { PROTOCOL } from "../core/protocol.ts";
import type { MessageRef } from "../core/message.ts";
import { NLMSG_HDRLEN } from "../core/codec.ts";
import {
  banner,
  type BenchNetns,
  type CallStats,
  callStats,
  gc,
  havePyroute2,
  interleaved,
  intOpt,
  ipBatch,
  median,
  ms,
  options,
  preflight,
  printTable,
  ratio,
  runPython,
  RUNTIME,
  tick,
  us,
  verdict,
  withNetns,
} from "./_lib.ts";
import { RawSocket, withFlags } from "./_raw.ts";

const USAGE = `Usage: genl_bench.ts [--iterations 20000] [--warmup 2000] [--cold 7]
                     [--py-iterations 3000] [--py-cold 3] [--pairs 500] [--reps 7]
                     [--ethtool-devs all|N]`;

const opts = options({
  iterations: "20000",
  warmup: "2000",
  cold: "7",
  "py-iterations": "3000",
  "py-cold": "3",
  pairs: "500",
  reps: "7",
  "ethtool-devs": "all",
  // Internal: a fresh process's cold request (`--child nlroute|raw --ns NS [--id N]`).
  child: "",
  ns: "",
  id: "0",
}, USAGE);

const quick = opts.quick === true;
const iterations = quick ? 2000 : intOpt(opts.iterations, "iterations");
const warmup = quick ? 500 : intOpt(opts.warmup, "warmup");
const coldRuns = quick ? 5 : intOpt(opts.cold, "cold");
const pyIterations = quick ? 500 : intOpt(opts["py-iterations"], "py-iterations");
const pyCold = quick ? 1 : intOpt(opts["py-cold"], "py-cold");
const PAIRS = quick ? 500 : intOpt(opts.pairs, "pairs");
const reps = quick ? 5 : intOpt(opts.reps, "reps");
// Quick runs time ethtool on a sample of 100 devices and extrapolate.
const ethtoolDevs = quick
  ? 100
  : opts["ethtool-devs"] === "all"
  ? Infinity
  : intOpt(opts["ethtool-devs"], "ethtool-devs");
const withPy = opts["no-pyroute2"] !== true && havePyroute2();

const DEV = "v0";
const GENERIC = PROTOCOL.GENERIC.number;

// -- (a) linkinfo-get: cold, in a fresh process ----------------------------------------

/** A fresh process's figures, ms. */
interface ColdRun {
  /** Opening (nlroute: spec load + socket + nlctrl resolution; raw: socket). */
  open: number;
  /** The first request's round trip. */
  first: number;
  /** nlroute: the part of `open` that loads the generated spec module. */
  spec?: number;
}

/** The child: one cold open + first request in this (fresh) process. */
async function child(kind: string, ns: string, id: number): Promise<void> {
  if (kind === "nlroute") {
    const t0 = performance.now();
    // What GenlFamily.open("ethtool") loads first (timed apart; open reuses the module).
    await FAMILY_SPECS.ethtool();
    const ts = performance.now();
    const eth = await GenlFamily.open("ethtool", { netns: ns });
    const t1 = performance.now();
    const r = await eth.do("linkinfo-get", { header: { devName: DEV } });
    const t2 = performance.now();
    if (r.header?.devName !== DEV) throw new Error("wrong device");
    eth.close();
    console.log(JSON.stringify({ open: t1 - t0, first: t2 - t1, spec: ts - t0 } satisfies ColdRun));
  } else {
    const req = rawLinkinfoRequest(id);
    const t0 = performance.now();
    const raw = new RawSocket(ns, GENERIC);
    const t1 = performance.now();
    const type = raw.roundTrip(req);
    const t2 = performance.now();
    if (type !== id) throw new Error(`unexpected reply type ${type}`);
    raw.close();
    console.log(JSON.stringify({ open: t1 - t0, first: t2 - t1 } satisfies ColdRun));
  }
}

/** The prebuilt request of the bare loops: the bytes `eth.do` sends (no ACK asked). */
function rawLinkinfoRequest(id: number): Uint8Array {
  // Built by hand so that the raw child does not load nlroute's genl code:
  // nlmsghdr, genlmsghdr (ETHTOOL_MSG_LINKINFO_GET = 2, version 1), then
  // ETHTOOL_A_LINKINFO_HEADER (1) { ETHTOOL_A_HEADER_DEV_NAME (2) "v0\0" }.
  // The parent checks these bytes against GenlFamily.encode's.
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 32, true);
  dv.setUint16(4, id, true);
  dv.setUint16(6, NLM_F.REQUEST, true);
  b[16] = 2;
  b[17] = 1;
  dv.setUint16(20, 12, true);
  dv.setUint16(22, 1 | 0x8000, true);
  dv.setUint16(24, 7, true);
  dv.setUint16(26, 2, true);
  b.set([0x76, 0x30, 0], 28);
  return b;
}

/** Runs one cold request in a fresh process of this runtime; also its wall time. */
function freshCold(kind: "nlroute" | "raw", ns: string, id: number): ColdRun & { wall: number } {
  const file = fileURLToPath(import.meta.url);
  const own = ["--child", kind, "--ns", ns, "--id", String(id)];
  const args = RUNTIME === "deno" ? ["run", "-A", file, ...own] : [file, ...own];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: "utf8" });
  const wall = performance.now() - t0;
  if (r.status !== 0) {
    throw new Error(
      `Cannot run the cold request in a fresh process: ${r.stderr?.trim() || r.status}`,
    );
  }
  const lines = r.stdout.trim().split("\n");
  return { ...(JSON.parse(lines[lines.length - 1]!) as ColdRun), wall };
}

const PY_LINKINFO = `
import json, sys, time, logging
logging.disable(logging.CRITICAL)
dev, n = sys.argv[1], int(sys.argv[2])
pc = time.perf_counter_ns
t0 = pc()
from pyroute2.netlink.generic.ethtool import NlEthtool
t1 = pc()
eth = NlEthtool()
r = eth.get_linkinfo(ifname=dev)
t2 = pc()
assert r[0].get_nested('ETHTOOL_A_LINKINFO_HEADER', 'ETHTOOL_A_HEADER_DEV_NAME') == dev
t = []
for _ in range(min(n, max(200, n // 10))):
    eth.get_linkinfo(ifname=dev)
for _ in range(n):
    s = pc()
    r = eth.get_linkinfo(ifname=dev)
    t.append((pc() - s) / 1e3)
eth.close()
print(json.dumps({"import": (t1 - t0) / 1e6, "cold": (t2 - t1) / 1e6, "us": t}))
`;

/** Figures of part (a) the summary needs. */
interface LinkinfoResult {
  raw: number;
  eth: number;
}

async function measureLinkinfo(ns: BenchNetns): Promise<LinkinfoResult> {
  const eth = await GenlFamily.open("ethtool", { netns: ns.name });
  const raw = new RawSocket(ns.name, GENERIC);
  try {
    const request = { header: { devName: DEV } };
    const rawReq = rawLinkinfoRequest(eth.id);
    const encoded = withFlags(eth.encode("linkinfo-get", "do", request), NLM_F.REQUEST);
    if (encoded.join() !== rawReq.join()) {
      throw new Error(`The raw request differs from GenlFamily.encode's: ${encoded} vs ${rawReq}`);
    }
    const body = encoded.subarray(NLMSG_HDRLEN);
    const sockReq = {
      type: eth.id,
      body: (w: { bytes(b: Uint8Array): void }) => w.bytes(body),
    };
    const decode = (m: MessageRef) =>
      eth.decode(m.bytes.subarray(m.offset + NLMSG_HDRLEN, m.offset + m.length));
    const id = eth.id;

    const runs: Record<string, () => Promise<unknown> | unknown> = {
      raw: () => {
        if (raw.roundTrip(rawReq) !== id) throw new Error("unexpected reply");
      },
      sock: async () => {
        const r = await eth.socket.request(sockReq as never, { decode, ack: false });
        if ((r.messages[0] as { name: string }).name !== "linkinfo-get") {
          throw new Error("unexpected reply");
        }
      },
      eth: async () => {
        const r = await eth.do("linkinfo-get", request);
        if (r.header?.devName !== DEV) throw new Error("wrong device");
      },
    };
    const keys = Object.keys(runs);
    const rounds = 10;
    const perRound = Math.max(1, Math.ceil(iterations / rounds));
    const results = await interleaved(runs, iterations, warmup, rounds);

    const cold = {
      nlroute: [] as (ColdRun & { wall: number })[],
      raw: [] as (ColdRun & { wall: number })[],
    };
    for (let i = 0; i < coldRuns; i++) {
      for (const kind of ["nlroute", "raw"] as const) cold[kind].push(freshCold(kind, ns.name, id));
      await tick();
    }

    let py: CallStats | undefined;
    const pyColds: number[] = [];
    const pyImports: number[] = [];
    if (withPy) {
      const r = runPython<{ us: number[]; cold: number }>(ns.name, PY_LINKINFO, [
        DEV,
        pyIterations,
      ]);
      py = callStats(r.us, r.us.reduce((a, b) => a + b, 0) / 1e3);
      pyColds.push(r.cold);
      for (let i = 1; i < pyCold; i++) {
        pyColds.push(runPython<{ cold: number }>(ns.name, PY_LINKINFO, [DEV, 0]).cold);
      }
    }

    console.log(
      `\n## (a) ethtool linkinfo-get of ${DEV} (a veth); ${perRound * rounds} calls each ` +
        `(${rounds} interleaved rounds) after ${warmup} warm-up calls` +
        (py ? ` (pyroute2: ${pyIterations})` : ""),
    );
    const label: Record<string, string> = {
      raw: "raw FFI send + recv (prebuilt request)",
      sock: "eth.socket.request (prebuilt, eth.decode)",
      eth: 'eth.do("linkinfo-get", { header })',
    };
    const rows: string[][] = [["warm", "median", "p90", "p99", "mean", "÷ raw"]];
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
    if (py) rows.push(row("pyroute2 NlEthtool.get_linkinfo(ifname=…)", py));
    printTable(rows);

    console.log(
      `\n  cold: a fresh ${RUNTIME} process, median of ${coldRuns}` +
        (pyColds.length ? ` (pyroute2: ${pyColds.length})` : ""),
    );
    const cm = (k: "nlroute" | "raw", f: "open" | "first" | "wall") =>
      median(cold[k].map((r) => r[f]));
    const nlCold = cm("nlroute", "open") + cm("nlroute", "first");
    const rawCold = cm("raw", "open") + cm("raw", "first");
    const coldRows: string[][] = [[
      "cold",
      "open",
      "first request",
      "open + first",
      "÷ raw",
      "process",
    ]];
    coldRows.push([
      "raw socket() + first round trip",
      ms(cm("raw", "open")),
      ms(cm("raw", "first")),
      ms(rawCold),
      ratio(rawCold, rawCold),
      ms(cm("raw", "wall")),
    ]);
    coldRows.push([
      'GenlFamily.open("ethtool") + first do',
      ms(cm("nlroute", "open")),
      ms(cm("nlroute", "first")),
      ms(nlCold),
      ratio(nlCold, rawCold),
      ms(cm("nlroute", "wall")),
    ]);
    if (pyColds.length) {
      coldRows.push([
        "pyroute2 NlEthtool() + first get_linkinfo",
        "",
        "",
        ms(median(pyColds)),
        ratio(median(pyColds), rawCold),
        "",
      ]);
    }
    printTable(coldRows);
    console.log(
      "  (open + first: timed inside the process; process: spawn to exit, seen by the parent;\n" +
        `   nlroute's open includes loading the generated ethtool spec: ${
          ms(median(cold.nlroute.map((r) => r.spec ?? NaN)))
        }` +
        (pyImports.length
          ? `; pyroute2's import of its ethtool module is not counted: ${ms(median(pyImports))})`
          : ")"),
    );

    const m = results.eth!.median;
    console.log("  targets:");
    console.log(
      `    eth.do ÷ raw (median) = ${ratio(m, rawMed)}   target ≤ 1.5×   ${
        verdict(m / rawMed <= 1.5)
      }`,
    );
    if (py) {
      console.log(
        `    pyroute2 / nlroute: warm ${ratio(py.median, m)}, cold ${
          ratio(median(pyColds), nlCold)
        }` +
          " (pyroute2 re-resolves the family on every call: bind() in get_linkinfo)",
      );
    } else console.log("    pyroute2 skipped");
    return { raw: rawMed, eth: m };
  } finally {
    raw.close();
    eth.close();
  }
}

// -- (b) features dump ----------------------------------------------------------------

interface Feature {
  active?: boolean;
}

/** Active feature names per device in ethtool's `--json -k` output (concatenated arrays). */
function parseEthtool(out: string): Map<string, Set<string>> {
  const devs = JSON.parse(`[${out.trim().replace(/\]\s*\[/g, ",").slice(1, -1)}]`) as Record<
    string,
    unknown
  >[];
  const active = new Map<string, Set<string>>();
  for (const d of devs) {
    const names = new Set<string>();
    for (const [k, v] of Object.entries(d)) if ((v as Feature)?.active === true) names.add(k);
    active.set(String(d.ifname), names);
  }
  return active;
}

const PY_FEATURES = `
import json, sys, time, logging
logging.disable(logging.CRITICAL)
devs = sys.argv[1:]
from pyroute2 import Ethtool
eth = Ethtool()
t0 = time.perf_counter()
n = 0
for d in devs:
    f = eth.get_features(d)
    n += sum(1 for x in f.features.values() if x.enable)
t = time.perf_counter() - t0
eth.close()
print(json.dumps({"ms": t * 1e3, "active": n}))
`;

async function measureFeatures(ns: BenchNetns): Promise<void> {
  const lines: string[] = [];
  for (let i = 0; i < PAIRS; i++) lines.push(`link add e${i} type veth peer name f${i}`);
  const t0 = performance.now();
  ipBatch(ns.name, lines);
  const setup = performance.now() - t0;

  const eth = await GenlFamily.open("ethtool", { netns: ns.name });
  const raw = new RawSocket(ns.name, GENERIC);
  try {
    const rawReq = withFlags(eth.encode("features-get", "dump", {}), NLM_F.REQUEST | NLM_F.DUMP);
    // Every device's name and number of active features (a verbose bitset:
    // with `nomask` only the set bits are listed, else each bit has a value).
    const read = async () => {
      const devs = await eth.dump("features-get", {}).all();
      const counts = new Map<string, number>();
      for (const d of devs) {
        const a = d.active;
        const bits = a?.bits?.bit ?? [];
        let n = 0;
        if (a?.nomask) n = bits.length;
        else for (const b of bits) if (b.value) n++;
        counts.set(d.header!.devName!, n);
      }
      return { devs, counts };
    };
    const t1 = performance.now();
    const { devs: firstDevs, counts } = await read();
    const first = performance.now() - t1;
    const devices = counts.size;
    if (devices < 2 * PAIRS) throw new Error(`The dump has ${devices} devices, not ${2 * PAIRS}+`);
    const nl: number[] = [];
    const rw: number[] = [];
    for (let i = 0; i < reps; i++) {
      gc();
      let s = performance.now();
      const n = raw.dump(rawReq);
      rw.push(performance.now() - s);
      if (n !== devices) throw new Error(`The raw dump has ${n} messages, not ${devices}`);
      await tick();
      gc();
      s = performance.now();
      await read();
      nl.push(performance.now() - s);
      await tick();
    }

    // ethtool: one process per device, all run by one shell inside the namespace.
    const all = [...counts.keys()];
    const sample = all.slice(0, Math.min(ethtoolDevs, all.length));
    const script = 'for d in "$@"; do ethtool --json -k "$d" || exit 1; done';
    const s = performance.now();
    const r = spawnSync("ip", ["netns", "exec", ns.name, "bash", "-c", script, "_", ...sample], {
      encoding: "utf8",
      maxBuffer: 1 << 28,
    });
    const parsed = r.status === 0 ? parseEthtool(r.stdout) : undefined;
    const ethtoolMs = performance.now() - s;
    if (!parsed) throw new Error(`Cannot run ethtool -k: ${r.stderr?.trim() || r.status}`);
    // Checked (untimed): ethtool's active features that are kernel feature bits
    // are active in nlroute's reply (ethtool shows a few bits under legacy
    // names, e.g. rx-gro as "generic-receive-offload", and adds groups such as
    // "tx-checksumming"), and the counts read are the bits listed.
    for (const d of firstDevs) {
      const name = d.header!.devName!;
      const theirs = parsed.get(name);
      if (!theirs) continue;
      const known = new Set((d.hw?.bits?.bit ?? []).map((b) => b.name));
      const mine = new Set(
        (d.active?.bits?.bit ?? []).filter((b) => d.active?.nomask || b.value).map((b) => b.name),
      );
      const missing = [...theirs].filter((n) => known.has(n) && !mine.has(n));
      if (missing.length || mine.size !== counts.get(name) || mine.size === 0) {
        throw new Error(
          `ethtool and nlroute disagree on ${name}'s active features: ${[
            ...mine,
          ]} lacks ${missing}`,
        );
      }
    }
    const ethtoolAll = ethtoolMs * (devices / sample.length);

    let py: number | undefined;
    if (withPy) py = runPython<{ ms: number }>(ns.name, PY_FEATURES, all).ms;

    const nlMed = median(nl);
    const rawMed = median(rw);
    const sec = (v: number) => (v >= 1000 ? `${(v / 1e3).toFixed(2)} s` : ms(v));
    console.log(
      `\n## (b) features-get dump: ${devices} devices (${PAIRS} veth pairs, set up by ip -batch in ` +
        `${sec(setup)}); nlroute median of ${reps}; ethtool ` +
        (sample.length === devices
          ? `once over all ${devices} devices`
          : `over a sample of ${sample.length} devices, extrapolated to ${devices}`),
    );
    const rows: string[][] = [["", "time", "per device", "÷ nlroute"]];
    const row = (name: string, v: number) => [
      name,
      sec(v),
      us((v * 1e3) / devices),
      ratio(v, nlMed),
    ];
    rows.push(row("raw FFI dump (headers only)", rawMed));
    rows.push(row('eth.dump("features-get").all() + name, active count', nlMed));
    rows.push(row("  the same, first call in this process", first));
    rows.push(row(`ethtool --json -k <dev> × ${devices} (processes, parsed)`, ethtoolAll));
    if (py !== undefined) rows.push(row("pyroute2 Ethtool.get_features(dev) × all (ioctl)", py));
    printTable(rows);
    console.log(
      `  nlroute ÷ raw = ${ratio(nlMed, rawMed)}; ethtool ÷ nlroute = ${ratio(ethtoolAll, nlMed)}` +
        (py !== undefined ? `; pyroute2 ÷ nlroute = ${ratio(py, nlMed)}` : "; pyroute2 skipped"),
    );
  } finally {
    raw.close();
    eth.close();
  }
}

if (opts.child) {
  await child(String(opts.child), String(opts.ns), Number(opts.id));
} else {
  preflight();
  banner(
    "generic netlink (ethtool)",
    "per-call times include one performance.now() pair (~0.05–0.1 µs); cold = fresh process",
  );
  await withNetns(measureLinkinfo);
  await withNetns(measureFeatures);
}
