/**
 * Shared pieces of the IPDB tests: a live database in a throwaway namespace
 * (veth v0/v1, both up, 10.0.0.1/24 on v0), what `ip` shows, and a spy on the
 * batches a commit sends.
 */
import { afterEach, beforeEach, describe } from "node:test";
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Batch, IPDB, type IPRoute, type Spec } from "../mod.ts";
import { createTestNetns, ip, ipJson, isRoot, removeTestNetns, testTmpDir } from "./helpers.ts";

/** The namespace and database of the running test (set by {@link liveIpdb}). */
export interface Live {
  ns: string;
  ipdb: IPDB;
}

/**
 * Before each test: a namespace with veth v0/v1 (up, 10.0.0.1/24 on v0) and
 * an IPDB on it; after each: both released.
 */
export function liveIpdb(): Live {
  const live = { ns: "", ipdb: undefined as unknown as IPDB };
  beforeEach(async () => {
    live.ns = createTestNetns();
    ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], live.ns);
    ip(["link", "set", "v0", "up"], live.ns);
    ip(["link", "set", "v1", "up"], live.ns);
    ip(["addr", "add", "10.0.0.1/24", "dev", "v0"], live.ns);
    live.ipdb = await IPDB.open({ netns: live.ns });
  });
  afterEach(() => {
    live.ipdb.release();
    removeTestNetns(live.ns);
  });
  return live;
}

/** A link as `ip -j link show` prints it. */
export function linkOf(
  ns: string,
  name: string,
): { mtu: number; address: string; operstate: string; flags: string[]; master?: string } {
  return ipJson(["link", "show", "dev", name], ns)[0];
}

/** The names of the namespace's links. */
export function linkNames(ns: string): string[] {
  return ipJson(["link", "show"], ns).map((l: { ifname: string }) => l.ifname);
}

/** A link's addresses (`"10.0.0.1/24"`), link-local ones left out, sorted. */
export function addrsOf(ns: string, name: string): string[] {
  const l = ipJson(["addr", "show", "dev", name], ns)[0] as {
    addr_info: { local: string; prefixlen: number }[];
  };
  return l.addr_info.filter((a) => !a.local.startsWith("fe80")).map((a) =>
    `${a.local}/${a.prefixlen}`
  ).sort();
}

/** Runs `ip -n ns -batch` (with `options` first, e.g. `["-6"]`) on these lines; resolves with its exit code. */
export function ipBatch(ns: string, lines: string[], options: string[] = []): Promise<number> {
  const file = join(testTmpDir(), `ipdb-${Math.random().toString(36).slice(2)}.batch`);
  writeFileSync(file, lines.join("\n") + "\n");
  return new Promise((resolve) =>
    spawn("ip", [...options, "-n", ns, "-batch", file], { stdio: "ignore" }).on("exit", (c) => {
      rmSync(file, { force: true });
      resolve(c ?? -1);
    })
  );
}

/** One request added to a batch. */
export interface Sent {
  object: string;
  cmd: string;
  spec: Spec;
}

const OBJECTS = ["link", "addr", "route", "neigh", "rule", "nexthop", "fdb"] as const;

/**
 * Records every batch `ipr` sends from now on (batches made but never sent,
 * such as argument checks, are left out): one array of requests per send,
 * in order. `stop()` ends the spy.
 */
export function spyBatches(ipr: IPRoute): { sent: Sent[][]; stop(): void } {
  const sent: Sent[][] = [];
  const original = ipr.batch;
  ipr.batch = function (this: IPRoute): Batch {
    const b = original.call(this);
    const calls: Sent[] = [];
    for (const object of OBJECTS) {
      const add = b[object].bind(b) as (cmd: string, spec: Spec) => Batch;
      (b as unknown as Record<string, unknown>)[object] = (cmd: string, spec: Spec) => {
        calls.push({ object, cmd, spec: { ...spec } });
        return add(cmd, spec);
      };
    }
    const send = b.send.bind(b);
    b.send = () => {
      sent.push(calls);
      return send();
    };
    return b;
  };
  return {
    sent,
    stop: () => {
      ipr.batch = original;
    },
  };
}

/** What a batch held, as `object cmd` words (`"link set"`). */
export function shapes(batches: Sent[][]): string[][] {
  return batches.map((b) => b.map((s) => `${s.object} ${s.cmd}`));
}

/**
 * A suite of live tests: skipped without root; each test gets a fresh
 * namespace and database (see {@link liveIpdb}).
 */
export function describeLive(name: string, body: (live: Live) => void): void {
  describe(`${name} (live, throwaway namespace)`, {
    skip: !isRoot && "needs root for namespaces",
  }, () => body(liveIpdb()));
}
