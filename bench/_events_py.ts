/**
 * pyroute2's side of the events benchmark, in its own process inside the
 * namespace: latency (the changes come from a second IPRoute of the same
 * Python process; `IPRoute().bind()` + `get()` until the event), then the
 * same storms counted until the sentinel. It reads `index`, `ifname` and
 * `mtu` of every link event, as nlroute's consumer does.
 *
 * @module
 */
import { type BenchNetns, runPython } from "./_lib.ts";
import type { Latency } from "./_events_latency.ts";
import {
  BACKLOG_RCVBUF,
  IDLE_MS,
  SENTINEL_MTU,
  type Storm,
  type StormResult,
} from "./_events_storms.ts";

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

/** What the pyroute2 script measured. */
export interface PyResult {
  latency: Latency;
  storms: Record<string, StormResult>;
}

/** Runs the pyroute2 script: `changes` latency samples after `warmup` (at most `changes`), then the storms. */
export function pyroute2Events(
  ns: BenchNetns,
  storms: Storm[],
  changes: number,
  warmup: number,
): PyResult {
  return runPython<PyResult>(ns.name, PY_SCRIPT, [
    ns.name,
    ns.v0,
    changes,
    Math.min(warmup, changes),
    SENTINEL_MTU,
    IDLE_MS,
    BACKLOG_RCVBUF,
    JSON.stringify(storms.map((s) => [s.name, s.file])),
  ]);
}
