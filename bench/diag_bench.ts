/**
 * Socket diagnostics dump: N TCP sockets (a listener and N/2 connections on
 * 127.0.0.1, held by a python3 process in a throwaway namespace), listed by
 *   (a) a bare FFI receive loop (SOCK_DIAG_BY_FAMILY, walking message headers only),
 *   (b) nlroute `diag.inet({ protocol: "tcp", family: 4 })` (typed plain objects),
 *   (c) `ss -tan` as a whole process (`ss -N NS -tan`: ss enters the namespace itself),
 *   (d) pyroute2's `DiagSocket.get_sock_stats()` in its process,
 * cold (a fresh process, first call: the runtime's start-up excluded, the
 * module loads included) and warm (median of in-process repeats).
 *
 * Target: (c) / (b) ≥ 2 (warm).
 *
 * Usage: deno run -A bench/diag_bench.ts [--sockets 10000] [--reps 15] [--cold-runs 5]
 *        bun bench/diag_bench.ts [same options]
 *
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { DiagSocket } from "../diag/diag_socket.ts";
import { SOCK_DIAG_MSG, SOCK_DIAG_STRUCTS } from "../core/tables/sock_diag.ts";
import { IPPROTO } from "../core/tables/ipproto.ts";
import {
  gc,
  havePyroute2,
  intOpt,
  median,
  ms,
  options,
  printTable,
  PYTHON,
  ratio,
  runBench,
  runPython,
  RUNTIME,
  verdict,
} from "./_lib.ts";
import { F_DUMP, F_REQUEST, RawSocket } from "./_raw.ts";

const NETLINK_SOCK_DIAG = 4;
const AF_INET = 2;
const REQ = SOCK_DIAG_STRUCTS.inetDiagReqV2;

/** SOCK_DIAG_BY_FAMILY for AF_INET TCP sockets in every state, as nlroute sends it. */
function rawRequest(): Uint8Array {
  const b = new Uint8Array(16 + REQ.size);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, b.length, true);
  dv.setUint16(4, SOCK_DIAG_MSG.DIAG_BY_FAMILY, true);
  dv.setUint16(6, F_REQUEST | F_DUMP, true);
  b[16 + REQ.at.sdiagFamily] = AF_INET;
  b[16 + REQ.at.sdiagProtocol] = IPPROTO.TCP;
  dv.setUint32(16 + REQ.at.idiagStates, 0xffffffff, true);
  dv.setUint32(16 + REQ.at.idiagCookie, 0xffffffff, true);
  dv.setUint32(16 + REQ.at.idiagCookie + 4, 0xffffffff, true);
  return b;
}

// A fresh process's first call: `--child nlroute|raw NS` prints the milliseconds and the count.
const childIdx = process.argv.indexOf("--child");
if (childIdx >= 0) {
  const [what, ns] = process.argv.slice(childIdx + 1);
  const t0 = performance.now();
  let count: number;
  if (what === "raw") {
    const s = new RawSocket(ns!, NETLINK_SOCK_DIAG);
    count = s.dump(rawRequest());
    s.close();
  } else {
    const d = await DiagSocket.open({ netns: ns! });
    count = (await d.inet({ protocol: "tcp", family: 4 })).length;
    d.close();
  }
  console.log(JSON.stringify({ ms: performance.now() - t0, count }));
  process.exit(0);
}

const USAGE =
  `Usage: diag_bench.ts [--sockets N] [--reps N] [--cold-runs N] [--ss-reps N] [--py-runs N]`;
const opts = options({
  sockets: "10000",
  reps: "15",
  "cold-runs": "5",
  "ss-reps": "5",
  "py-runs": "3",
}, USAGE);
const quick = opts.quick === true;
const N = quick ? 2000 : intOpt(opts.sockets, "sockets");
const reps = quick ? 3 : intOpt(opts.reps, "reps");
const coldRuns = quick ? 2 : intOpt(opts["cold-runs"], "cold-runs");
const ssReps = quick ? 2 : intOpt(opts["ss-reps"], "ss-reps");
const pyRuns = quick ? 1 : intOpt(opts["py-runs"], "py-runs");
const withPy = opts["no-pyroute2"] !== true && havePyroute2();

/** Holds a listener and N/2 connections (N sockets after accept) until stdin closes. */
const HOLDER = `
import resource, socket, sys
n = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_NOFILE, (n + 1000, n + 1000))
l = socket.socket(); l.bind(("127.0.0.1", 7000)); l.listen(4096)
keep = []
for i in range(n // 2):
    c = socket.create_connection(("127.0.0.1", 7000)); a, _ = l.accept(); keep += [c, a]
print("ready", flush=True)
sys.stdin.read()
`;

const PY = `
import json, socket, sys, time
from pyroute2 import DiagSocket
runs = int(sys.argv[1])
times = []
with DiagSocket() as ds:
    ds.bind()
    for _ in range(runs):
        t0 = time.perf_counter()
        socks = ds.get_sock_stats(family=socket.AF_INET)
        times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"ms": times, "count": len(socks)}))
`;

function child(what: "nlroute" | "raw", ns: string): { ms: number; count: number } {
  const file = fileURLToPath(import.meta.url);
  const args = RUNTIME === "deno"
    ? ["run", "-A", file, "--child", what, ns]
    : [file, "--child", what, ns];
  const r = spawnSync(process.execPath, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`Cannot run the cold child: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

await runBench(
  `Socket diagnostics dump: ${N} TCP sockets`,
  `cold = a fresh process's first call (runtime start-up excluded); warm = median of ${reps}`,
  async ({ name: ns }) => {
    spawnSync("ip", ["-n", ns, "link", "set", "lo", "up"]);
    const holder = spawn("ip", ["netns", "exec", ns, PYTHON, "-c", HOLDER, String(N)], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on("data", (d: Buffer) => String(d).includes("ready") && resolve());
        holder.on("exit", (code) => reject(new Error(`the socket holder exited with ${code}`)));
      });
      const want = N + 1;

      const cold = { raw: [] as number[], nlroute: [] as number[] };
      for (let i = 0; i < coldRuns; i++) {
        for (const what of ["raw", "nlroute"] as const) {
          const r = child(what, ns);
          if (r.count !== want) throw new Error(`${what} saw ${r.count} sockets, expected ${want}`);
          cold[what].push(r.ms);
        }
      }

      const raw = new RawSocket(ns, NETLINK_SOCK_DIAG);
      const req = rawRequest();
      const diag = await DiagSocket.open({ netns: ns });
      const warm = { raw: [] as number[], nlroute: [] as number[], fields: [] as number[] };
      let sink = 0;
      for (let i = 0; i < reps + 2; i++) {
        gc();
        let t0 = performance.now();
        const n = raw.dump(req);
        const tRaw = performance.now() - t0;
        gc();
        t0 = performance.now();
        const socks = await diag.inet({ protocol: "tcp", family: 4 });
        const tNl = performance.now() - t0;
        for (const s of socks) sink += s.local.port + s.remote.port + s.inode + s.state.length;
        const tFields = performance.now() - t0;
        if (n !== want || socks.length !== want) throw new Error(`counts ${n}, ${socks.length}`);
        if (i < 2) continue; // warm-up
        warm.raw.push(tRaw);
        warm.nlroute.push(tNl);
        warm.fields.push(tFields);
      }
      raw.close();
      diag.close();

      const ssTimes: number[] = [];
      for (let i = 0; i < ssReps; i++) {
        const t0 = performance.now();
        const r = spawnSync("ss", ["-N", ns, "-tan"], {
          encoding: "utf8",
          maxBuffer: 1 << 28,
        });
        ssTimes.push(performance.now() - t0);
        const lines = r.stdout.trim().split("\n").length - 1;
        if (lines !== want) throw new Error(`ss listed ${lines} sockets, expected ${want}`);
      }

      let py: { ms: number[]; count: number } | undefined;
      if (withPy) py = runPython(ns, PY, [pyRuns]);

      const rawCold = median(cold.raw);
      const rawWarm = median(warm.raw);
      const nlCold = median(cold.nlroute);
      const nlWarm = median(warm.nlroute);
      const ssMs = median(ssTimes);
      const rows = [
        ["", "cold", "warm", "÷ raw (cold / warm)", "note"],
        ["(a) bare FFI loop", ms(rawCold), ms(rawWarm), "1 / 1", "headers only"],
        [
          "(b) nlroute diag.inet()",
          ms(nlCold),
          ms(nlWarm),
          `${ratio(nlCold, rawCold)} / ${ratio(nlWarm, rawWarm)}`,
          `with fields read: ${ms(median(warm.fields))}`,
        ],
        [
          "(c) ss -tan (whole process)",
          "",
          ms(ssMs),
          `${ratio(ssMs, rawWarm)}`,
          `÷ (b) warm: ${ratio(ssMs, nlWarm)}`,
        ],
      ];
      if (py) {
        const pyFirst = py.ms[0]!;
        const pyWarm = median(py.ms.slice(1).length ? py.ms.slice(1) : py.ms);
        rows.push([
          "(d) pyroute2 get_sock_stats",
          ms(pyFirst),
          ms(pyWarm),
          `${ratio(pyFirst, rawCold)} / ${ratio(pyWarm, rawWarm)}`,
          `÷ (b): ${ratio(pyFirst, nlCold)} cold, ${
            ratio(pyWarm, nlWarm)
          } warm (${py.count} sockets)`,
        ]);
      }
      printTable(rows);
      console.log(
        `target: ss -tan ÷ nlroute (warm) ≥ 2: ${ratio(ssMs, nlWarm)} ${
          verdict(ssMs / nlWarm >= 2)
        }` +
          `  (sink ${sink % 10})`,
      );
    } finally {
      holder.stdin!.end();
      holder.kill();
    }
  },
);
