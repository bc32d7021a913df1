/**
 * The storms of the events benchmark: `ip -batch` files that make link events
 * in bulk (veth pairs added and deleted; mtu changes), each ending with a
 * sentinel change, and nlroute's consumer counting them, live (the producer
 * is another process) or as a backlog queued while nobody reads.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { Monitor } from "../iproute/monitor.ts";
import type { MonitorEvent } from "../iproute/events.ts";
import { type BenchNetns, ip } from "./_lib.ts";

/** The last change of every storm: the consumer stops when it sees it. */
export const SENTINEL_MTU = 1234;
/** Receive buffer of the backlog runs (SO_RCVBUFFORCE, both libraries). */
export const BACKLOG_RCVBUF: number = 256 << 20;
/** Without progress for this long after the producer exited, the sentinel was lost. */
export const IDLE_MS = 2000;

/** One storm: its `ip -batch` file and the events it makes. */
export interface Storm {
  /** Which storm. */
  name: "veth" | "mtu" | "backlog";
  /** The `ip -batch` file. */
  file: string;
  /** Events the storm produces, the sentinel included. */
  expected: number;
  /** What it does, for the table. */
  what: string;
}

/** Writes the storms' batch files into `dir`: `pairs` veth pairs, `mtus` mtu changes. */
export function stormFiles(dir: string, pairs: number, mtus: number): Storm[] {
  const veth: string[] = [];
  for (let i = 0; i < pairs; i++) veth.push(`link add s${i} group 7 type veth peer name s${i}p`);
  veth.push("link del group 7", `link set v0 mtu ${SENTINEL_MTU}`);
  const mtu: string[] = [];
  for (let i = 0; i < mtus; i++) mtu.push(`link set v0 mtu ${1400 + (i & 1)}`);
  mtu.push(`link set v0 mtu ${SENTINEL_MTU}`);
  const vethFile = join(dir, "veth");
  const mtuFile = join(dir, "mtu");
  writeFileSync(vethFile, veth.join("\n") + "\n");
  writeFileSync(mtuFile, mtu.join("\n") + "\n");
  return [
    { name: "veth", file: vethFile, expected: 4 * pairs + 1, what: `${pairs} veth pairs + del` },
    { name: "mtu", file: mtuFile, expected: mtus + 1, what: `${mtus} mtu changes` },
    { name: "backlog", file: mtuFile, expected: mtus + 1, what: `${mtus} queued, then read` },
  ];
}

/** What one storm run measured (both libraries report this shape). */
export interface StormResult {
  /** Events seen (the sentinel included). */
  count: number;
  /** First to last event seen, ms (backlog: start of reading to the sentinel). */
  window: number;
  /** Producer wall time, ms (spawn to exit). */
  producer: number;
  /** Last event seen minus producer exit, ms (≤ 0: the consumer kept up). */
  lag: number;
  /** Overrun notices (nlroute) or ENOBUFS errors (pyroute2). */
  overruns: number;
  /** Events a queue overrun reported dropped (nlroute only). */
  lost: number;
  /** Whether the sentinel was seen. */
  sentinel: boolean;
  /** Effective receive buffer, bytes. */
  rcvbuf: number;
  /** CPU time (user + system) of the consumer's process over the storm, ms. */
  cpu: number;
}

/** Runs `ip -n ns -batch file` as a child process; resolves with its exit time. */
function producer(ns: string, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn("ip", ["-n", ns, "-batch", file], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr?.on("data", (d) => (err += String(d)));
    child.on("error", reject);
    child.on("exit", (code) => {
      const t = performance.now();
      if (code === 0) resolve(t);
      else reject(new Error(`Cannot run ip -batch: ${err.trim() || `exit ${code}`}`));
    });
  });
}

function isSentinel(e: MonitorEvent, index: number): boolean {
  return e.kind === "link" && e.event === "RTM_NEWLINK" && e.object.index === index &&
    e.object.mtu === SENTINEL_MTU;
}

/** Runs one storm against nlroute's consumer (`Monitor.events()` of the `link` group). */
export async function nlrouteStorm(ns: BenchNetns, storm: Storm): Promise<StormResult> {
  const backlog = storm.name === "backlog";
  const mon = await Monitor.open({
    netns: ns.name,
    groups: ["link"],
    ...(backlog ? { rcvbuf: BACKLOG_RCVBUF } : {}),
  });
  const ac = new AbortController();
  // The backlog is read at once: its consumer's queue must hold it all.
  const sub = mon.events({ signal: ac.signal, ...(backlog ? { queue: storm.expected + 64 } : {}) });
  const r: StormResult = {
    count: 0,
    window: 0,
    producer: 0,
    lag: 0,
    overruns: 0,
    lost: 0,
    sentinel: false,
    rcvbuf: mon.socket.rcvbuf,
    cpu: 0,
  };
  const cpu0 = process.cpuUsage();
  const cpuMs = () => {
    const c = process.cpuUsage(cpu0);
    return (c.user + c.system) / 1e3;
  };
  let first = 0;
  let last = 0;
  let sink = 0;
  const consume = async () => {
    for await (const e of sub) {
      const t = performance.now();
      if (e.kind === "overrun") {
        r.overruns++;
        r.lost += e.lost;
        continue;
      }
      if (r.count++ === 0 && !backlog) first = t;
      last = t;
      if (e.kind === "link") sink += e.object.index + (e.object.ifname?.length ?? 0);
      if (isSentinel(e, ns.v0)) {
        r.sentinel = true;
        break;
      }
    }
  };
  try {
    if (backlog) {
      // Nothing reads while the producer runs (this call blocks the event loop).
      const s = performance.now();
      ip(["-n", ns.name, "-batch", storm.file]);
      const exit = performance.now();
      r.producer = exit - s;
      const cpuRead = process.cpuUsage();
      first = performance.now();
      await consume();
      r.window = last - first;
      r.lag = last - exit;
      const c = process.cpuUsage(cpuRead);
      r.cpu = (c.user + c.system) / 1e3; // reading only: the producer ran in its own process
      return r;
    }
    const s = performance.now();
    let exit = 0;
    let failed: unknown;
    const done = producer(ns.name, storm.file).then((t) => (exit = t), (e) => {
      failed = e;
      ac.abort();
    });
    // A lost sentinel must not hang the run: give up after IDLE_MS without events.
    let seen = -1;
    const watchdog = setInterval(() => {
      if (exit > 0 && seen === r.count) ac.abort();
      seen = r.count;
    }, IDLE_MS);
    try {
      await consume();
      await done;
    } finally {
      clearInterval(watchdog);
    }
    if (failed) throw failed;
    r.cpu = cpuMs();
    r.producer = exit - s;
    r.window = last - first;
    r.lag = last - exit;
    if (sink === 0) throw new Error("no link fields read");
    return r;
  } finally {
    sub.close();
    mon.close();
    ip(["-n", ns.name, "link", "set", "v0", "mtu", "1500"]);
  }
}
