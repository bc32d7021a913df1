/**
 * Sockets inside a network namespace, per socket: thread mode vs process mode
 * vs pyroute2's NetNS (open + dump links + close), in one run, plus the bare
 * cost of a thread-mode socket (socket() inside the namespace + close) against
 * a local one. Target: thread mode costs ≤ 10 µs per socket.
 *
 * Run as root: `deno run -A bench/netns_bench.ts` or `bun bench/netns_bench.ts`.
 * Options: `--thread N` (default 2000), `--process N` (default 20),
 * `--pyroute2 N` (default 20), `--python /usr/bin/python3`.
 *
 * Everything happens in a throwaway namespace (`nlrt-bench-<pid>`), removed at
 * the end even on failure.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { IPRoute, NetlinkSocket, netns } from "../mod.ts";
import { libc } from "../ffi/libc.ts";
import { withNetns } from "../core/nsenter.ts";
import { RUNTIME as RUNTIME_NAME, RUNTIME_VERSION } from "./_lib.ts";

const AF_NETLINK = 16;
const SOCK_RAW_CLOEXEC = 3 | 0x80000;

const { values } = parseArgs({
  options: {
    thread: { type: "string", default: "2000" },
    process: { type: "string", default: "20" },
    pyroute2: { type: "string", default: "20" },
    python: { type: "string", default: "/usr/bin/python3" },
  },
});
const N_THREAD = Number(values.thread);
const N_PROCESS = Number(values.process);
const N_PY = Number(values.pyroute2);
const RUNTIME = `${RUNTIME_NAME} ${RUNTIME_VERSION}`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs `fn` n times in `rounds` rounds; returns the median per-call time of the rounds (µs). */
async function timeIt(n: number, fn: () => Promise<void> | void, rounds = 5): Promise<number> {
  const per: number[] = [];
  const chunk = Math.max(1, Math.floor(n / rounds));
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < chunk; i++) await fn();
    per.push(((performance.now() - t0) * 1000) / chunk);
  }
  return median(per);
}

const PY = `
import sys, time
from pyroute2 import NetNS
name, n = sys.argv[1], int(sys.argv[2])
def once():
    ns = NetNS(name, flags=0)
    ns.get_links()
    ns.close()
once()
per = []
for r in range(5):
    k = max(1, n // 5)
    t = time.perf_counter()
    for i in range(k):
        once()
    per.append((time.perf_counter() - t) / k * 1e6)
per.sort()
print(per[len(per) // 2])
`;

function pyroute2(name: string): number | string {
  const r = spawnSync(values.python!, ["-c", PY, name, String(N_PY)], {
    encoding: "utf8",
    timeout: 300_000,
  });
  if (r.status !== 0) {
    return `unavailable (${(r.stderr || r.error?.message || "").trim().split("\n").at(-1)})`;
  }
  return Number(r.stdout.trim());
}

function fmt(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;
}

const name = `nlrt-bench-${process.pid}`;
netns.create(name);
try {
  // A few links, so that the dump is not trivially small.
  {
    await using ipr = await IPRoute.open({ netns: name });
    for (let i = 0; i < 4; i++) {
      await ipr.link("add", { ifname: `bv${i}`, kind: "veth", peer: `bp${i}` });
    }
  }
  const links = (await (await IPRoute.open({ netns: name })).getLinks()).length;
  const hostLinks = (await (await IPRoute.open()).getLinks()).length;

  // Warm-up.
  for (let i = 0; i < 200; i++) {
    const ipr = await IPRoute.open({ netns: name });
    await ipr.getLinks();
    ipr.close();
  }
  const c = libc();
  const rawLocal = await timeIt(N_THREAD * 5, () => {
    c.close(c.socket(AF_NETLINK, SOCK_RAW_CLOEXEC, 0));
  });
  const rawNs = await timeIt(N_THREAD * 5, () => {
    c.close(withNetns(name, () => c.socket(AF_NETLINK, SOCK_RAW_CLOEXEC, 0)));
  });
  const sockLocal = await timeIt(N_THREAD, () => {
    NetlinkSocket.open().close();
  });
  const sockNs = await timeIt(N_THREAD, () => {
    NetlinkSocket.open({ netns: name }).close();
  });
  const thread = await timeIt(N_THREAD, async () => {
    const ipr = await IPRoute.open({ netns: name });
    await ipr.getLinks();
    ipr.close();
  });
  const local = await timeIt(N_THREAD, async () => {
    const ipr = await IPRoute.open();
    await ipr.getLinks();
    ipr.close();
  });
  const proc = await timeIt(N_PROCESS, async () => {
    const ipr = await IPRoute.open({ netns: name, mode: "process" });
    await ipr.getLinks();
    ipr.close();
  });
  const py = pyroute2(name);

  const row = (label: string, us: number | string) =>
    console.log(`  ${label.padEnd(58)} ${typeof us === "number" ? fmt(us) : us}`);
  console.log(`netns sockets — ${RUNTIME}, ${links} links in the namespace, median of 5 rounds`);
  console.log("per socket, bare (socket() + close):");
  row("local socket", rawLocal);
  row("thread mode: socket in the namespace (withNetns)", rawNs);
  row("  namespace cost per socket (thread mode − local)", rawNs - rawLocal);
  console.log("per socket, NetlinkSocket.open + close (options, bind):");
  row("local", sockLocal);
  row("thread mode", sockNs);
  console.log("per socket, IPRoute open + dump links + close:");
  row(`local (this namespace: ${hostLinks} links, so not the same dump)`, local);
  row("thread mode", thread);
  row("process mode", proc);
  row("pyroute2 0.7 NetNS", py);
  console.log("ratios:");
  console.log(`  process mode / thread mode: ${(proc / thread).toFixed(0)}×`);
  if (typeof py === "number") {
    console.log(`  pyroute2 / thread mode:     ${(py / thread).toFixed(0)}×`);
    console.log(`  pyroute2 / process mode:    ${(py / proc).toFixed(2)}×`);
  }
  console.log(
    `target: namespace cost per socket ≤ 10 µs: ${rawNs - rawLocal <= 10 ? "met" : "NOT met"}`,
  );
} finally {
  netns.remove(name);
}
