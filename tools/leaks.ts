/**
 * The leak run: `deno task leaks` (or `bun tools/leaks.ts`). Opens and closes
 * sockets, namespace sockets (both modes), subscriptions and IPDBs many times
 * in a throwaway namespace and prints descriptor counts and heap after GC
 * before and after each cycle.
 */
import process from "node:process";
import { readdirSync } from "node:fs";
import { IPDB, IPRoute, NetlinkSocket, netns, RTNLGRP } from "../mod.ts";

const gc = globalThis as { gc?: () => void; Bun?: { gc(sync: boolean): void } };
function heap(): number {
  for (let i = 0; i < 3; i++) gc.Bun ? gc.Bun.gc(true) : gc.gc?.();
  return process.memoryUsage().heapUsed;
}
const fds = () => readdirSync("/proc/self/fd").length;
/** Lets descriptors closed asynchronously (a child's pipes, the poller's shutdown) go first. */
const settle = () => new Promise((r) => setTimeout(r, 50));
const mib = (n: number) => `${(n / 1048576).toFixed(2)} MiB`;

const ns = `nlrt-leaks-${process.pid}`;
netns.create(ns);
let failed = false;
try {
  await using ipr = await IPRoute.open({ netns: ns });
  await ipr.link("add", { ifname: "v0", kind: "veth", peer: "v1" });
  const sock = NetlinkSocket.open({ netns: ns, groups: [RTNLGRP.LINK] });
  const cycles: [string, number, () => void | Promise<void>][] = [
    ["socket open/close", 10_000, () => NetlinkSocket.open().close()],
    ["namespace socket, thread mode", 1_000, () => NetlinkSocket.open({ netns: ns }).close()],
    [
      "namespace socket, process mode",
      20,
      async () => (await IPRoute.open({ netns: ns, mode: "process" })).close(),
    ],
    ["subscription opened, waited on, cancelled", 1_000, async () => {
      const ac = new AbortController();
      const sub = sock.subscribe({ signal: ac.signal });
      const p = sub.next();
      ac.abort();
      await p;
    }],
    ["IPDB open/release", 100, async () => (await IPDB.open({ netns: ns })).release()],
  ];
  console.log(
    `runtime: ${"Bun" in globalThis ? "bun" : "deno"}${
      gc.gc || gc.Bun ? "" : " (no GC available: heap figures are indicative)"
    }`,
  );
  // The runtime opens descriptors of its own a little after start-up (Deno: a
  // socket pair about a second in): wait until the count is steady.
  for (let steady = 0, last = -1, t = 0; steady < 3 && t < 40; t++) {
    heap();
    await new Promise((r) => setTimeout(r, 100));
    const n = fds();
    steady = n === last ? steady + 1 : 0;
    last = n;
  }
  for (const [label, n, fn] of cycles) {
    for (let i = 0; i < Math.min(10, n); i++) await fn();
    await settle();
    const f0 = fds();
    const h0 = heap();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await fn();
    const ms = performance.now() - t0;
    await settle();
    const f1 = fds();
    const h1 = heap();
    const ok = f1 === f0 && h1 - h0 < 8 << 20;
    failed ||= !ok;
    console.log(
      `${label.padEnd(44)} ×${String(n).padStart(6)}  ${
        ms.toFixed(0).padStart(6)
      } ms  fds ${f0} → ${f1}  heap ${mib(h0)} → ${mib(h1)}  ${ok ? "ok" : "LEAK"}`,
    );
  }
  sock.close();
} finally {
  netns.remove(ns);
}
process.exitCode = failed ? 1 : 0;
