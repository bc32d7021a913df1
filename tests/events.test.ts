import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { IPRoute, Monitor, type MonitorEvent } from "../mod.ts";
import type { Subscription } from "../core/socket.ts";
import { createTestNetns, ip, isRoot, removeTestNetns, runtime, testTmpDir } from "./helpers.ts";

/** Reads events until every predicate matched, in order; returns what was read. */
async function expectInOrder(
  sub: Subscription<MonitorEvent>,
  steps: [string, (e: MonitorEvent) => boolean][],
  timeoutMs = 10000,
): Promise<MonitorEvent[]> {
  const seen: MonitorEvent[] = [];
  let i = 0;
  const timer = setTimeout(() => sub.close(), timeoutMs);
  try {
    for await (const e of sub) {
      seen.push(e);
      if (steps[i]![1](e)) i++;
      if (i === steps.length) return seen;
    }
  } finally {
    clearTimeout(timer);
  }
  assert.fail(
    `missing event "${steps[i]![0]}" after ${seen.length} events: ${
      seen.map((e) => e.event).join(" ")
    }`,
  );
}

/** Runs `ip -n ns -batch file` in the background; resolves with its exit code. */
function ipBatchAsync(ns: string, lines: string[]): Promise<number> {
  const file = join(testTmpDir(), `storm-${Math.random().toString(36).slice(2)}.batch`);
  writeFileSync(file, lines.join("\n") + "\n");
  return new Promise((resolve, reject) => {
    const p = spawn("ip", ["-n", ns, "-batch", file], { stdio: "ignore" });
    p.on("error", reject);
    p.on("exit", (code) => {
      rmSync(file, { force: true });
      resolve(code ?? -1);
    });
  });
}

function vethBatch(prefix: string, n: number, group: number): string[] {
  return Array.from(
    { length: n },
    (_, i) =>
      `link add ${prefix}a${i} group ${group} type veth peer name ${prefix}b${i} group ${group}`,
  );
}

describe(
  "Monitor (live, throwaway namespace)",
  { skip: !isRoot && "needs root for namespaces" },
  () => {
    let ns = "";
    before(() => {
      ns = createTestNetns();
    });
    after(() => removeTestNetns(ns));

    it("yields typed events for links, addresses, routes, neighbours and rules, in order", async () => {
      await using mon = await Monitor.open({ netns: ns });
      await using ipr = await IPRoute.open({ netns: ns });
      const sub = mon.events({ events: ["link", "addr", "route", "neigh", "rule"] });
      await ipr.link("add", { ifname: "ev0", kind: "veth", peer: "ev1" });
      const [index] = await ipr.linkLookup({ ifname: "ev0" });
      await ipr.link("set", { index: index!, state: "up", mtu: 1400 });
      await ipr.link("set", { ifname: "ev1", state: "up" });
      await ipr.addr("add", { index: index!, address: "10.7.0.1/24" });
      await ipr.route("add", { dst: "10.8.0.0/16", gateway: "10.7.0.2", table: 77 });
      await ipr.neigh("add", { index: index!, dst: "10.7.0.9", lladdr: "02:00:00:00:07:09" });
      await ipr.rule("add", { src: "10.9.0.0/16", table: 77, priority: 1234 });
      await ipr.rule("del", { src: "10.9.0.0/16", table: 77, priority: 1234 });
      await ipr.neigh("del", { index: index!, dst: "10.7.0.9" });
      await ipr.route("del", { dst: "10.8.0.0/16", table: 77 });
      await ipr.addr("del", { index: index!, address: "10.7.0.1/24" });
      await ipr.link("del", { index: index! });
      const seen = await expectInOrder(sub, [
        [
          "new link ev0",
          (e) => e.kind === "link" && e.event === "RTM_NEWLINK" && e.object.ifname === "ev0",
        ],
        [
          "mtu 1400",
          (e) => e.kind === "link" && e.object.ifname === "ev0" && e.object.mtu === 1400,
        ],
        [
          "new addr",
          (e) => e.kind === "addr" && e.event === "RTM_NEWADDR" && e.object.address === "10.7.0.1",
        ],
        [
          "new route",
          (e) =>
            e.kind === "route" && e.event === "RTM_NEWROUTE" && e.object.dst === "10.8.0.0/16" &&
            e.object.gateway === "10.7.0.2" && e.object.table === 77,
        ],
        [
          "new neigh",
          (e) =>
            e.kind === "neigh" && e.event === "RTM_NEWNEIGH" && e.object.dst === "10.7.0.9" &&
            e.object.lladdr === "02:00:00:00:07:09",
        ],
        [
          "new rule",
          (e) => e.kind === "rule" && e.event === "RTM_NEWRULE" && e.object.priority === 1234,
        ],
        [
          "del rule",
          (e) => e.kind === "rule" && e.event === "RTM_DELRULE" && e.object.src === "10.9.0.0/16",
        ],
        [
          "del neigh",
          (e) => e.kind === "neigh" && e.event === "RTM_DELNEIGH" && e.object.dst === "10.7.0.9",
        ],
        [
          "del route",
          (e) => e.kind === "route" && e.event === "RTM_DELROUTE" && e.object.dst === "10.8.0.0/16",
        ],
        [
          "del addr",
          (e) => e.kind === "addr" && e.event === "RTM_DELADDR" && e.object.address === "10.7.0.1",
        ],
        [
          "del link",
          (e) => e.kind === "link" && e.event === "RTM_DELLINK" && e.object.ifname === "ev0",
        ],
      ]);
      assert.ok(!seen.some((e) => e.kind === "overrun"));
    });

    it("filters by event name and object fields per consumer", async () => {
      await using mon = await Monitor.open({ netns: ns, groups: ["link"] });
      const only = mon.events({ events: ["RTM_DELLINK"], match: { ifname: "fx0" } });
      ip(["link", "add", "fy0", "type", "veth", "peer", "name", "fy1"], ns);
      ip(["link", "add", "fx0", "type", "veth", "peer", "name", "fx1"], ns);
      ip(["link", "del", "fy0"], ns);
      ip(["link", "del", "fx0"], ns);
      const first = await only.next();
      assert.equal(first.done, false);
      const e = first.value as MonitorEvent;
      assert.equal(e.event, "RTM_DELLINK");
      assert.ok(e.kind === "link" && e.object.ifname === "fx0");
      only.close();
    });

    it("delivers every event of a 2,000 veth-pair storm with a large buffer", async () => {
      await using mon = await Monitor.open({ netns: ns, groups: ["link"], rcvbuf: 64 << 20 });
      const sub = mon.events({ events: ["link"], queue: 1 << 20 });
      const created = new Set<string>();
      const deleted = new Set<string>();
      let overruns = 0;
      const done = (async () => {
        for await (const e of sub) {
          if (e.kind === "overrun") overruns++;
          else if (e.kind === "link" && e.object.ifname?.startsWith("st")) {
            (e.event === "RTM_NEWLINK" ? created : deleted).add(e.object.ifname);
            if (deleted.size === 4000) break;
          }
        }
      })();
      assert.equal(await ipBatchAsync(ns, vethBatch("st", 2000, 11)), 0);
      ip(["link", "del", "group", "11"], ns);
      const timeout = setTimeout(() => sub.close(), 60000);
      await done;
      clearTimeout(timeout);
      assert.equal(overruns, 0);
      assert.equal(created.size, 4000);
      assert.equal(deleted.size, 4000);
    });

    it("reports an overrun with a tiny buffer and keeps delivering afterwards", async () => {
      await using mon = await Monitor.open({ netns: ns, groups: ["link"], rcvbuf: 1024 });
      const sub = mon.events({ events: ["link"] });
      // Nobody reads while the storm runs: the kernel's buffer must overflow.
      assert.equal(await ipBatchAsync(ns, vethBatch("ov", 500, 12)), 0);
      ip(["link", "del", "group", "12"], ns);
      ip(["link", "add", "after0", "type", "veth", "peer", "name", "after1"], ns);
      let overrun = false;
      let after = false;
      const timeout = setTimeout(() => sub.close(), 20000);
      for await (const e of sub) {
        if (e.kind === "overrun") {
          assert.equal(e.source, "kernel");
          overrun = true;
        }
        if (e.kind === "link" && e.object.ifname === "after0") {
          after = true;
          break;
        }
        if (overrun && !after) {
          // Make sure a fresh event follows the loss.
          ip(["link", "set", "after0", "mtu", "1300"], ns);
        }
      }
      clearTimeout(timeout);
      ip(["link", "del", "after0"], ns);
      assert.ok(overrun, "expected an overrun notice");
      assert.ok(after, "expected events after the overrun");
      assert.ok(mon.socket.stats.overruns > 0);
    });

    it("gives a slow consumer its overrun while a fast one on the same socket loses nothing", async () => {
      await using mon = await Monitor.open({ netns: ns, groups: ["link"], rcvbuf: 64 << 20 });
      const fast = mon.events({ events: ["link"], queue: 1 << 20 });
      const slow = mon.events({ events: ["link"], queue: 100 });
      const names = new Set<string>();
      let fastOverruns = 0;
      const reader = (async () => {
        for await (const e of fast) {
          if (e.kind === "overrun") fastOverruns++;
          else if (
            e.kind === "link" && e.event === "RTM_NEWLINK" && e.object.ifname?.startsWith("sl")
          ) {
            names.add(e.object.ifname);
            if (names.size === 1000) break;
          }
        }
      })();
      assert.equal(await ipBatchAsync(ns, vethBatch("sl", 500, 13)), 0);
      const timeout = setTimeout(() => fast.close(), 30000);
      await reader;
      clearTimeout(timeout);
      assert.equal(fastOverruns, 0);
      assert.equal(names.size, 1000);
      let slowOverrun: MonitorEvent | undefined;
      let slowCount = 0;
      while (slow.size > 0) {
        const r = await slow.next();
        if (r.done) break;
        if (r.value.kind === "overrun") slowOverrun = r.value;
        else slowCount++;
      }
      assert.equal(slowCount, 100);
      assert.ok(slowOverrun && slowOverrun.kind === "overrun" && slowOverrun.source === "queue");
      assert.ok(slowOverrun.kind === "overrun" && slowOverrun.lost > 0);
      slow.close();
      ip(["link", "del", "group", "13"], ns);
    });

    it("completes a 10,000-route dump exactly on a socket receiving a link storm", async () => {
      const routes = Array.from(
        { length: 10000 },
        (_, i) => `route add 10.${100 + (i >> 8)}.${i & 255}.0/24 dev lo table 300`,
      );
      assert.equal(await ipBatchAsync(ns, routes), 0);
      await using mon = await Monitor.open({ netns: ns, groups: ["link"], rcvbuf: 64 << 20 });
      const sub = mon.events({ events: ["link"], queue: 1 << 20 });
      const storm = ipBatchAsync(ns, vethBatch("ds", 500, 14));
      const dumps: string[][] = [];
      for (let k = 0; k < 3; k++) {
        dumps.push((await mon.ipr.getRoutes({ table: 300 })).map((r) => r.dst));
      }
      assert.equal(await storm, 0);
      const oracle =
        (JSON.parse(ip(["-j", "route", "show", "table", "300"], ns)) as { dst: string }[])
          .map((r) => (r.dst.includes("/") ? r.dst : `${r.dst}/32`)).sort();
      for (const d of dumps) assert.deepEqual([...d].sort(), oracle);
      let linkEvents = 0;
      while (sub.size > 0) {
        const r = await sub.next();
        if (!r.done && r.value.kind === "link") linkEvents++;
      }
      assert.ok(linkEvents > 0, "the storm's events reached the subscriber");
      sub.close();
      ip(["link", "del", "group", "14"], ns);
      ip(["route", "flush", "table", "300"], ns);
    });
  },
);

describe("event loop and exit", { skip: !isRoot && "needs root" }, () => {
  const mod = new URL("../mod.ts", import.meta.url).href;
  function run(script: string, timeout = 10000) {
    const args = runtime === "deno" ? ["eval", "--ext=ts", script] : ["-e", script];
    const t0 = Date.now();
    const r = spawnSync(process.execPath, args, { encoding: "utf8", timeout });
    return { ...r, ms: Date.now() - t0 };
  }

  it("a consumer being iterated keeps the process alive until an event arrives", () => {
    const ns = createTestNetns();
    try {
      const r = run(`
        import { Monitor } from "${mod}";
        import { execFileSync } from "node:child_process";
        const mon = await Monitor.open({ netns: "${ns}", groups: ["link"] });
        setTimeout(() => execFileSync("ip", ["-n", "${ns}", "link", "add", "ka0", "type", "veth", "peer", "name", "ka1"]), 300);
        for await (const e of mon) { if (e.kind === "link" && e.object.ifname === "ka0") break; }
        mon.close();
        console.log("got ka0");
      `);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /got ka0/);
    } finally {
      removeTestNetns(ns);
    }
  });

  it("exits promptly once every consumer and socket is closed", () => {
    const r = run(`
      import { Monitor, IPRoute } from "${mod}";
      const mon = await Monitor.open({ groups: ["link"] });
      const sub = mon.events();
      setTimeout(() => { sub.close(); mon.close(); }, 100);
      for await (const _ of sub) {}
      const ipr = await IPRoute.open();
      await ipr.getLinks();
      ipr.close();
      console.log("closed");
    `);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /closed/);
    assert.ok(r.ms < 5000, `took ${r.ms} ms`);
  });

  it("exits even with a subscription nobody iterates", () => {
    const r = run(`
      import { Monitor } from "${mod}";
      const mon = await Monitor.open({ groups: ["link", "route"] });
      mon.events();
      console.log("done");
    `);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /done/);
    assert.ok(r.ms < 5000, `took ${r.ms} ms`);
  });
});
