/**
 * Event delivery, in a throwaway namespace:
 *   (a) latency from a kernel change to the consumer: a second IPRoute in the
 *       namespace alternates `ipr.link("set", { index, mtu })` on `v0` while a
 *       consumer iterates `mon.events()` of a `Monitor.open({ netns, groups:
 *       ["link"] })`; each sample runs from just before the request to the
 *       moment the consumer holds the matching RTM_NEWLINK (median, p90, p99),
 *       with the request's own round trip (until its ACK) for reference;
 *   (b) sustained events per second while the consumer counts:
 *       - `veth` storm: `ip -n NS -batch` adding N veth pairs in group 7, then
 *         `link del group 7` (4 link events a pair),
 *       - `mtu` storm: `ip -n NS -batch` with M mtu changes of `v0`,
 *       both ending with a sentinel change the consumer stops at; the producer is
 *       another process, so these rates are bounded by the producer: `lag` tells
 *       whether the consumer kept up and `overruns` whether anything was lost;
 *       - `backlog`: the mtu storm made while nobody reads (256 MiB buffer),
 *         then consumed as fast as possible — the consumer's own capacity;
 *   (c) the same for pyroute2 (`IPRoute().bind()` + `get()` loop; its changes
 *       for (a) come from a second IPRoute of the same Python process), in its
 *       own process inside the namespace, printed in the same run with ratios.
 *
 * Both consumers read `index`, `ifname` and `mtu` of every link event.
 *
 * Usage: deno run -A --v8-flags=--expose-gc bench/events_bench.ts [--changes 2000] [--pairs 2000]
 *        bun bench/events_bench.ts [same options]
 *
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { IPRoute } from "../iproute/iproute.ts";
import { Monitor } from "../iproute/monitor.ts";
import type { MonitorEvent } from "../iproute/events.ts";
import {
  banner,
  type BenchNetns,
  gc,
  havePyroute2,
  intOpt,
  ip,
  median,
  ms,
  options,
  preflight,
  printTable,
  quantile,
  ratio,
  runPython,
  tick,
  us,
  withNetns,
} from "./_lib.ts";

const USAGE = `Usage: events_bench.ts [--changes 2000] [--warmup 200] [--pairs 2000] [--mtus 20000]
                      [--py-changes 2000]`;

const opts = options({
  changes: "2000",
  warmup: "200",
  pairs: "2000",
  mtus: "20000",
  "py-changes": "2000",
}, USAGE);

const quick = opts.quick === true;
const changes = quick ? 300 : intOpt(opts.changes, "changes");
const warmup = quick ? 50 : intOpt(opts.warmup, "warmup");
const pairs = quick ? 200 : intOpt(opts.pairs, "pairs");
const mtus = quick ? 2000 : intOpt(opts.mtus, "mtus");
const pyChanges = quick ? 300 : intOpt(opts["py-changes"], "py-changes");
const withPy = opts["no-pyroute2"] !== true && havePyroute2();

/** The last change of every storm: the consumer stops when it sees it. */
const SENTINEL_MTU = 1234;
/** Receive buffer of the backlog runs (SO_RCVBUFFORCE, both libraries). */
const BACKLOG_RCVBUF = 256 << 20;
/** Without progress for this long after the producer exited, the sentinel was lost. */
const IDLE_MS = 2000;

// -- storms ---------------------------------------------------------------------

interface Storm {
  name: "veth" | "mtu" | "backlog";
  file: string;
  /** Events the storm produces, the sentinel included. */
  expected: number;
  what: string;
}

function stormFiles(dir: string): Storm[] {
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
interface StormResult {
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

async function nlrouteStorm(ns: BenchNetns, storm: Storm): Promise<StormResult> {
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

// -- latency ---------------------------------------------------------------------

interface Latency {
  /** Change to consumer, µs. */
  seen: number[];
  /** Change to the request's ACK, µs. */
  ack: number[];
  /** Link events that were not the awaited one. */
  other: number;
  overruns: number;
}

async function nlrouteLatency(ns: BenchNetns): Promise<Latency> {
  const index = ns.v0;
  const mon = await Monitor.open({ netns: ns.name, groups: ["link"] });
  const ipr = await IPRoute.open({ netns: ns.name });
  const out: Latency = { seen: [], ack: [], other: 0, overruns: 0 };
  let want = 0;
  let hit: ((t: number) => void) | undefined;
  const sub = mon.events();
  const consumer = (async () => {
    for await (const e of sub) {
      if (e.kind === "overrun") {
        out.overruns++;
        continue;
      }
      if (
        e.kind === "link" && e.event === "RTM_NEWLINK" && e.object.index === index &&
        e.object.mtu === want
      ) {
        const t = performance.now();
        want = 0;
        hit?.(t);
      } else out.other++;
    }
  })();
  try {
    for (let i = 0; i < warmup + changes; i++) {
      const mtu = 1400 + (i & 1);
      const seen = new Promise<number>((resolve) => (hit = resolve));
      want = mtu;
      const t0 = performance.now();
      await ipr.link("set", { index, mtu });
      const t1 = performance.now();
      const t2 = await seen;
      if (i >= warmup) {
        out.ack.push((t1 - t0) * 1e3);
        out.seen.push((t2 - t0) * 1e3);
      }
      if (i % 500 === 499) {
        gc();
        await tick();
      }
    }
  } finally {
    sub.close();
    await consumer;
    ipr.close();
    mon.close();
    ip(["-n", ns.name, "link", "set", "v0", "mtu", "1500"]);
  }
  return out;
}

// -- pyroute2 --------------------------------------------------------------------

const PY_SCRIPT = `
import json, sys, time, select, subprocess, errno, resource
from socket import SOL_SOCKET, SO_RCVBUF
from pyroute2 import IPRoute
from pyroute2.netlink.rtnl import RTMGRP_LINK
SO_RCVBUFFORCE = 33
ns, index, n, warm = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
sentinel, idle, big = int(sys.argv[5]), int(sys.argv[6]) / 1e3, int(sys.argv[7])
storms = json.loads(sys.argv[8])
pc = time.perf_counter
def cpu():  # this process only (the producer is a child: not included)
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime
out = {}

# (a) latency: the change from a second IPRoute, then get() until the event.
mon = IPRoute(); mon.bind(groups=RTMGRP_LINK)
ipr = IPRoute()
seen, ack, other = [], [], 0
for i in range(warm + n):
    mtu = 1400 + (i & 1)
    t0 = pc()
    ipr.link('set', index=index, mtu=mtu)
    t1 = pc()
    done = False
    while not done:
        for m in mon.get():
            if (m['event'] == 'RTM_NEWLINK' and m['index'] == index
                    and m.get_attr('IFLA_MTU') == mtu):
                done = True
            else:
                other += 1
    t2 = pc()
    if i >= warm:
        ack.append((t1 - t0) * 1e6); seen.append((t2 - t0) * 1e6)
out['latency'] = {'seen': seen, 'ack': ack, 'other': other, 'overruns': 0}
mon.close()
ipr.link('set', index=index, mtu=1500)

# (b) storms: count until the sentinel.
def storm(name, file):
    mon = IPRoute()
    if name == 'backlog':
        mon.setsockopt(SOL_SOCKET, SO_RCVBUFFORCE, big)
    mon.bind(groups=RTMGRP_LINK)
    r = {'count': 0, 'overruns': 0, 'lost': 0, 'sentinel': False,
         'rcvbuf': mon.getsockopt(SOL_SOCKET, SO_RCVBUF)}
    first = last = exit = None
    s = pc()
    if name == 'backlog':
        subprocess.run(['ip', '-n', ns, '-batch', file], check=True)
        exit = pc(); first = pc(); p = None
    cpu0 = cpu()
    if name != 'backlog':
        p = subprocess.Popen(['ip', '-n', ns, '-batch', file])
    sink = 0
    while not r['sentinel']:
        if p is not None and exit is None and p.poll() is not None:
            exit = pc()
        ready, _, _ = select.select([mon], [], [], idle)
        if not ready:
            if exit is not None:
                break  # the sentinel was lost
            continue
        try:
            msgs = mon.get()
        except OSError as e:
            if e.errno == errno.ENOBUFS:
                r['overruns'] += 1
                continue
            raise
        for m in msgs:
            t = pc()
            if first is None:
                first = t
            r['count'] += 1; last = t
            if m['event'] in ('RTM_NEWLINK', 'RTM_DELLINK'):
                mtu = m.get_attr('IFLA_MTU'); name_ = m.get_attr('IFLA_IFNAME')
                sink += m['index'] + len(name_ or '')
                if m['event'] == 'RTM_NEWLINK' and m['index'] == index and mtu == sentinel:
                    r['sentinel'] = True
    r['cpu'] = (cpu() - cpu0) * 1e3
    if p is not None:
        p.wait()
        if exit is None:
            exit = pc()
    r['producer'] = (exit - s) * 1e3
    r['window'] = ((last or first) - first) * 1e3 if first else 0
    r['lag'] = ((last or exit) - exit) * 1e3
    mon.close()
    subprocess.run(['ip', '-n', ns, 'link', 'set', 'v0', 'mtu', '1500'], check=True)
    return r
out['storms'] = {name: storm(name, file) for name, file in storms}
print(json.dumps(out))
`;

interface PyResult {
  latency: Latency;
  storms: Record<string, StormResult>;
}

// -- report ----------------------------------------------------------------------

async function measure(ns: BenchNetns): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "nlrb-"));
  try {
    const storms = stormFiles(dir);
    const lat = await nlrouteLatency(ns);
    await tick();
    const results: Record<string, StormResult> = {};
    for (const s of storms) {
      gc();
      results[s.name] = await nlrouteStorm(ns, s);
      await tick();
    }
    let py: PyResult | undefined;
    if (withPy) {
      py = runPython<PyResult>(ns.name, PY_SCRIPT, [
        ns.name,
        ns.v0,
        pyChanges,
        Math.min(warmup, pyChanges),
        SENTINEL_MTU,
        IDLE_MS,
        BACKLOG_RCVBUF,
        JSON.stringify(storms.map((s) => [s.name, s.file])),
      ]);
    }

    // (a)
    console.log(
      `\n## (a) latency: ipr.link("set", { index, mtu }) from a 2nd socket → consumer has the ` +
        `RTM_NEWLINK; ${changes} changes (pyroute2 ${py ? py.latency.seen.length : 0}) after ` +
        `${warmup} warm-up`,
    );
    const lrows: string[][] = [["", "median", "p90", "p99", "max", "ACK median", "seen − ACK"]];
    const latRow = (label: string, l: Latency) => {
      const m = median(l.seen);
      lrows.push([
        label,
        us(m),
        us(quantile(l.seen, 0.9)),
        us(quantile(l.seen, 0.99)),
        us(quantile(l.seen, 1)),
        us(median(l.ack)),
        us(m - median(l.ack)),
      ]);
    };
    latRow("nlroute  Monitor.events()", lat);
    if (py) latRow("pyroute2 IPRoute.bind() + get()", py.latency);
    printTable(lrows);
    const extra = lat.other + lat.overruns > 0
      ? ` (nlroute saw ${lat.other} other events, ${lat.overruns} overruns)`
      : "";
    if (py) {
      const pl = py.latency;
      console.log(
        `  pyroute2 ÷ nlroute: median ${ratio(median(pl.seen), median(lat.seen))}, ` +
          `p99 ${ratio(quantile(pl.seen, 0.99), quantile(lat.seen, 0.99))}${extra}`,
      );
    } else console.log(`  pyroute2 skipped${extra}`);

    // (b)
    console.log(
      `\n## (b) storms: link events counted by one consumer until a sentinel change ` +
        `(producer: ip -batch in another process)`,
    );
    const srows: string[][] = [[
      "",
      "events/expected",
      "window",
      "events/s",
      "CPU/event",
      "producer",
      "lag",
      "overruns",
      "rcvbuf",
    ]];
    const rate = (r: StormResult) => (r.window > 0 ? (r.count * 1e3) / r.window : NaN);
    const stormRow = (label: string, s: Storm, r: StormResult) => {
      srows.push([
        label,
        `${r.count}/${s.expected}`,
        ms(r.window),
        Number.isFinite(rate(r)) ? `${Math.round(rate(r))}` : "-",
        r.count > 0 ? us((r.cpu * 1e3) / r.count) : "-",
        ms(r.producer),
        ms(r.lag),
        r.overruns === 0
          ? (r.sentinel ? "none" : "none, sentinel lost")
          : `${r.overruns}${r.lost ? ` (${r.lost} lost)` : ""}${
            r.sentinel ? "" : ", sentinel lost"
          }`,
        `${(r.rcvbuf / 2 ** 20).toFixed(r.rcvbuf < 2 ** 20 ? 2 : 0)} MiB`,
      ]);
    };
    for (const s of storms) {
      stormRow(`nlroute  ${s.name}: ${s.what}`, s, results[s.name]!);
      if (py) stormRow(`pyroute2 ${s.name}`, s, py.storms[s.name]!);
    }
    printTable(srows);
    if (py) {
      const parts = storms.map((s) =>
        `${s.name} ${ratio(rate(results[s.name]!), rate(py!.storms[s.name]!))}`
      );
      console.log(`  nlroute ÷ pyroute2 events/s: ${parts.join(", ")}`);
    }
    const anyLoss = storms.some((s) =>
      results[s.name]!.overruns > 0 || results[s.name]!.count !== s.expected
    );
    console.log(
      `  nlroute overruns: ${
        anyLoss ? "YES (see the table)" : "none; every storm delivered all its events"
      }` +
        (py
          ? `; pyroute2 overruns: ${
            storms.some((s) =>
                py!.storms[s.name]!.overruns > 0 || py!.storms[s.name]!.count !== s.expected
              )
              ? "YES (see the table)"
              : "none"
          }`
          : ""),
    );
    console.log(
      "  window: first to last event seen (backlog: from the start of reading); lag: last " +
        "event seen − producer exit;\n  CPU/event: the consumer process's CPU time over the " +
        "storm ÷ events; live storms are paced by the producer (events/s ≈ its rate)",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

preflight();
banner(
  "events",
  "link events of a throwaway namespace: latency of one change, then storms (live and queued)",
);
await withNetns(measure);
