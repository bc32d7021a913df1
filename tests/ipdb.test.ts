import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import process from "node:process";
import { CommitError, IPDB, type MonitorEvent } from "../mod.ts";
import { createTestNetns, ip, ipJson, isRoot, removeTestNetns } from "./helpers.ts";

function linkOf(
  ns: string,
  name: string,
): { mtu: number; address: string; operstate: string; flags: string[] } {
  return ipJson(["link", "show", "dev", name], ns)[0];
}

function addrsOf(ns: string, name: string): string[] {
  const l = ipJson(["addr", "show", "dev", name], ns)[0] as {
    addr_info: { local: string; prefixlen: number }[];
  };
  return l.addr_info.filter((a) => !a.local.startsWith("fe80")).map((a) =>
    `${a.local}/${a.prefixlen}`
  ).sort();
}

function batch(ns: string, lines: string[]): Promise<number> {
  const file = `/tmp/nlroute-ipdb-${process.pid}-${Math.random().toString(36).slice(2)}.batch`;
  writeFileSync(file, lines.join("\n") + "\n");
  return new Promise((resolve) =>
    spawn("ip", ["-n", ns, "-batch", file], { stdio: "ignore" }).on("exit", (c) => resolve(c ?? -1))
  );
}

describe(
  "IPDB (live, throwaway namespace)",
  { skip: !isRoot && "needs root for namespaces" },
  () => {
    let ns = "";
    let ipdb: IPDB;
    beforeEach(async () => {
      ns = createTestNetns();
      ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
      ip(["link", "set", "v0", "up"], ns);
      ip(["link", "set", "v1", "up"], ns);
      ip(["addr", "add", "10.0.0.1/24", "dev", "v0"], ns);
      ipdb = await IPDB.open({ netns: ns });
    });
    afterEach(() => {
      ipdb.release();
      removeTestNetns(ns);
    });

    it("loads interfaces, addresses and routes as ip sees them", () => {
      assert.deepEqual(ipdb.interfaces.keys().sort(), ["lo", "v0", "v1"]);
      const v0 = ipdb.interfaces.v0!;
      assert.equal(ipdb.interfaces["v0"], v0);
      assert.equal(ipdb.interfaces[v0.index], v0);
      assert.equal(v0.kind, "veth");
      assert.deepEqual(v0.ipaddr.filter((a) => !a.startsWith("fe80")), ["10.0.0.1/24"]);
      assert.equal(v0.mtu, linkOf(ns, "v0").mtu);
      const r = ipdb.routes["10.0.0.0/24"]!;
      assert.equal(r.oif, v0.index);
      assert.equal(ipdb.routes.tables[255]!.size > 0, true);
    });

    it("reviews a transaction, drops it, and commits another", async () => {
      const v0 = ipdb.interfaces.v0!;
      const id = v0.begin();
      v0.setMtu(1400).addIp("10.1.0.1/24").delIp("10.0.0.1/24");
      assert.deepEqual(v0.review(id), {
        mtu: 1400,
        "+ipaddr": ["10.1.0.1/24"],
        "-ipaddr": ["10.0.0.1/24"],
      });
      assert.equal(v0.mtu, 1400, "reads the pending value inside the transaction");
      v0.drop(id);
      assert.equal(v0.mtu, 1500);
      assert.equal(linkOf(ns, "v0").mtu, 1500);
      await v0.setMtu(1420).commit();
      assert.equal(linkOf(ns, "v0").mtu, 1420);
      assert.equal(v0.mtu, 1420);
      assert.equal(v0.currentTx, undefined);
    });

    it("shows a new object's whole spec in review", () => {
      const br = ipdb.create("bridge", "br9", { mtu: 1400 }).addIp("10.9.0.1/24");
      const review = br.review();
      assert.equal(review.kind, "bridge");
      assert.equal(review.ifname, "br9");
      assert.equal(review.mtu, 1400);
      assert.deepEqual(review["+ipaddr"], ["10.9.0.1/24"]);
      br.drop();
    });

    it("refuses changes without begin() in explicit mode", async () => {
      await using db = await IPDB.open({ netns: ns, mode: "explicit" });
      const v0 = db.interfaces.v0!;
      assert.throws(() => v0.setMtu(1400), /explicit mode needs begin\(\) first/);
      const id = v0.begin();
      await v0.setMtu(1410).commit(id);
      assert.equal(linkOf(ns, "v0").mtu, 1410);
    });

    it("keeps several transactions per object, identified by id", async () => {
      const v0 = ipdb.interfaces.v0!;
      const a = v0.begin();
      v0.setMtu(1300);
      const b = v0.begin();
      v0.setTxqlen(500);
      assert.deepEqual(v0.review(a), { mtu: 1300 });
      assert.deepEqual(v0.review(b), { txqlen: 500 });
      await v0.commit(a);
      assert.equal(linkOf(ns, "v0").mtu, 1300);
      assert.deepEqual(v0.transactions, [b]);
      v0.drop(b);
    });

    it("commits a scoped block that succeeds and applies nothing when it throws", async () => {
      const v0 = ipdb.interfaces.v0!;
      await v0.transact((i) => {
        i.mtu = 1380;
        i.addIp("10.2.0.1/24");
      });
      assert.equal(linkOf(ns, "v0").mtu, 1380);
      assert.deepEqual(addrsOf(ns, "v0"), ["10.0.0.1/24", "10.2.0.1/24"]);
      await assert.rejects(
        v0.transact((i) => {
          i.mtu = 1280;
          i.addIp("10.3.0.1/24");
          throw new Error("changed my mind");
        }),
        /changed my mind/,
      );
      assert.equal(linkOf(ns, "v0").mtu, 1380);
      assert.deepEqual(addrsOf(ns, "v0"), ["10.0.0.1/24", "10.2.0.1/24"]);
      assert.equal(v0.mtu, 1380);
      // The `await using` form drops what was not committed.
      try {
        await using tx = v0.transaction();
        v0.setMtu(1290);
        void tx;
        throw new Error("boom");
      } catch { /* expected */ }
      assert.equal(v0.mtu, 1380);
      {
        await using tx = v0.transaction();
        v0.setMtu(1390);
        await tx.commit();
      }
      assert.equal(linkOf(ns, "v0").mtu, 1390);
    });

    it("rolls back a failing commit (mtu, addresses and an invalid MAC): kernel and database as before", async () => {
      const v0 = ipdb.interfaces.v0!;
      const before = linkOf(ns, "v0");
      const addrs = addrsOf(ns, "v0");
      v0.setMtu(1300).addIp("10.4.0.1/24").delIp("10.0.0.1/24");
      v0.setAddress("01:00:5e:00:00:01"); // multicast: the kernel refuses it
      await assert.rejects(v0.commit(), (e: CommitError) => {
        assert.ok(e instanceof CommitError);
        assert.match(e.step, /address 01:00:5e:00:00:01/);
        assert.equal(e.netlinkError?.code, "EADDRNOTAVAIL");
        assert.equal(e.rollbackErrors.length, 0);
        return true;
      });
      const now = linkOf(ns, "v0");
      assert.equal(now.mtu, before.mtu);
      assert.equal(now.address, before.address);
      assert.deepEqual(addrsOf(ns, "v0"), addrs);
      assert.equal(v0.mtu, before.mtu);
      assert.equal(v0.address, before.address);
      assert.deepEqual(v0.ipaddr.filter((a) => !a.startsWith("fe80")).sort(), addrs);
    });

    it("sends a commit's addresses in one batch and undoes the acknowledged ones when one fails", async () => {
      const v0 = ipdb.interfaces.v0!;
      for (let i = 1; i <= 20; i++) v0.addIp(`10.21.0.${i}/24`);
      v0.addIp("ff02::5/64"); // the kernel refuses a multicast address without mcautojoin
      for (let i = 21; i <= 30; i++) v0.addIp(`10.21.0.${i}/24`);
      await assert.rejects(v0.commit(), (e: CommitError) => {
        assert.match(e.step, /addr add ff02::5\/64/);
        assert.match(e.message, /multicast/);
        return true;
      });
      assert.deepEqual(addrsOf(ns, "v0"), ["10.0.0.1/24"]);
      assert.deepEqual(v0.ipaddr.filter((a) => !a.startsWith("fe80")), ["10.0.0.1/24"]);
      for (let i = 1; i <= 30; i++) v0.addIp(`10.21.0.${i}/24`);
      await v0.commit();
      assert.equal(addrsOf(ns, "v0").length, 31);
    });

    it("undoes applied steps when a later one fails", async () => {
      const v0 = ipdb.interfaces.v0!;
      v0.setMtu(1280).addIp("10.5.0.1/24");
      // A port that cannot be enslaved (loopback): the last step fails.
      const br = ipdb.create("bridge", "brx", {}).addPort("lo");
      await assert.rejects(ipdb.commit(), CommitError);
      assert.equal(linkOf(ns, "v0").mtu, 1500);
      assert.deepEqual(addrsOf(ns, "v0"), ["10.0.0.1/24"]);
      assert.equal(
        ipJson(["link", "show"], ns).some((l: { ifname: string }) => l.ifname === "brx"),
        false,
      );
      assert.equal(br.ipdbScope, "pending");
      br.drop();
    });

    it("rolls back a global commit: removed A and its route come back, created B is gone", async () => {
      ip(["route", "add", "10.50.0.0/16", "via", "10.0.0.2", "table", "100"], ns);
      ip(["link", "add", "a0", "type", "veth", "peer", "name", "a1"], ns);
      ip(["link", "set", "a0", "up"], ns);
      ip(["addr", "add", "10.60.0.1/24", "dev", "a0"], ns);
      ip(["route", "add", "10.61.0.0/16", "via", "10.60.0.2"], ns);
      ipdb.sync();
      const a0 = ipdb.interfaces.a0!;
      a0.remove();
      ipdb.create("bridge", "b0", {}).up();
      ipdb.routes.add({ dst: "10.62.0.0/16", gateway: "10.0.0.2" });
      const hook = ipdb.registerCommitHook(() => false);
      await assert.rejects(ipdb.commit(), /vetoed by a commit hook/);
      ipdb.unregisterCommitHook(hook);
      const names = ipJson(["link", "show"], ns).map((l: { ifname: string }) => l.ifname);
      assert.ok(names.includes("a0") && names.includes("a1"), `a0/a1 restored: ${names}`);
      assert.ok(!names.includes("b0"));
      assert.deepEqual(addrsOf(ns, "a0"), ["10.60.0.1/24"]);
      const routes = ipJson(["route", "show"], ns).map((r: { dst: string }) => r.dst);
      assert.ok(routes.includes("10.61.0.0/16"), `route via a0 restored: ${routes}`);
      assert.ok(!routes.includes("10.62.0.0/16"));
      assert.equal(ipdb.interfaces.a0, a0, "the record the user holds is the restored interface");
      assert.equal(a0.ipdbScope, "system");
      assert.ok(ipdb.routes["10.61.0.0/16"]);
      assert.equal(ipdb.interfaces.b0?.ipdbScope ?? "pending", "pending");
    });

    it("creates an interface and a route through it in one global commit", async () => {
      ipdb.create("veth", "g0", { peer: "g1" }).addIp("10.63.0.1/24").up();
      ipdb.routes.add({ dst: "10.64.0.0/16", oif: "g0" });
      await ipdb.commit();
      const route = ipJson(["route", "show", "10.64.0.0/16"], ns)[0];
      assert.equal(route.dev, "g0");
      assert.equal(ipdb.routes["10.64.0.0/16"]!.oif, ipdb.interfaces.g0!.index);
      assert.deepEqual(addrsOf(ns, "g0"), ["10.63.0.1/24"]);
    });

    it("keeps a create with an unknown kind pending; fixed, it commits", async () => {
      const x = ipdb.create("no-such-kind", "x0", {}).up();
      await assert.rejects(x.commit(), (e: CommitError) => e.netlinkError?.code === "EOPNOTSUPP");
      assert.equal(x.ipdbScope, "pending");
      assert.equal(
        ipJson(["link", "show"], ns).some((l: { ifname: string }) => l.ifname === "x0"),
        false,
      );
      x.kind = "bridge";
      await x.commit();
      assert.equal(x.ipdbScope, "system");
      assert.equal(linkOf(ns, "x0").flags.includes("UP"), true);
      assert.equal(ipdb.interfaces.x0, x);
    });

    it("turns a route into multipath with addNh and back with delNh", async () => {
      ip(["addr", "add", "10.0.0.1/24", "dev", "v1"], ns).toString;
      await ipdb.routes.add({ dst: "10.70.0.0/16", gateway: "10.0.0.2" }).commit();
      const r = ipdb.routes["10.70.0.0/16"]!;
      await r.addNh({ gateway: "10.0.0.3" }).addNh({ gateway: "10.0.0.4" }).commit();
      let shown = ipJson(["route", "show", "10.70.0.0/16"], ns)[0];
      assert.equal(shown.nexthops.length, 3);
      assert.equal(r.multipath.length, 3);
      assert.equal(ipdb.routes["10.70.0.0/16"], r);
      await r.delNh({ gateway: "10.0.0.2" }).delNh({ gateway: "10.0.0.4" }).commit();
      shown = ipJson(["route", "show", "10.70.0.0/16"], ns)[0];
      assert.equal(shown.nexthops, undefined);
      assert.equal(shown.gateway, "10.0.0.3");
      assert.equal(r.gateway, "10.0.0.3");
    });

    it("changes a route's gateway and metrics in a transaction", async () => {
      await ipdb.routes.add({ dst: "10.71.0.0/16", gateway: "10.0.0.2", table: 200 }).commit();
      const r = ipdb.routes.tables[200]!["10.71.0.0/16"]!;
      await r.transact((x) => {
        x.gateway = "10.0.0.9";
        x.metrics.mtu = 1300;
      });
      const shown = ipJson(["route", "show", "table", "200"], ns)[0];
      assert.equal(shown.gateway, "10.0.0.9");
      assert.deepEqual(shown.metrics, [{ mtu: 1300 }]);
      assert.equal(r.metrics.mtu, 1300);
      await r.remove().commit();
      assert.deepEqual(ipJson(["route", "show", "table", "200"], ns), []);
    });

    it("adds and removes rules (a change is delete + add)", async () => {
      await ipdb.rules.add({ src: "10.0.0.0/8", table: 100, priority: 15000 }).commit();
      const rule = ipdb.rules[15000]!;
      assert.equal(rule.src, "10.0.0.0/8");
      await rule.set("table", 101).commit();
      let shown = ipJson(["rule", "show"], ns).filter((x: { priority: number }) =>
        x.priority === 15000
      );
      assert.equal(shown.length, 1);
      assert.equal(shown[0].table, "101");
      assert.equal(ipdb.rules.get({ priority: 15000 }), rule);
      await rule.remove().commit();
      shown = ipJson(["rule", "show"], ns).filter((x: { priority: number }) =>
        x.priority === 15000
      );
      assert.equal(shown.length, 0);
    });

    it("sees changes made with ip, fires callbacks and the watchdog", async () => {
      const pre: string[] = [];
      const post: string[] = [];
      const a = ipdb.registerCallback((_db, e) => {
        if (e.kind === "link" && e.object.ifname === "w0") {
          pre.push(`${e.event}:${ipdb.interfaces.w0 ? "known" : "new"}`);
        }
      }, "pre");
      const b = ipdb.registerCallback((db, e) => {
        if (e.kind === "link" && e.object.ifname === "w0") {
          post.push(`${e.event}:${db.interfaces.w0 ? "known" : "gone"}`);
        }
      });
      const wd = ipdb.watchdog("RTM_NEWLINK", { ifname: "w0" });
      ip(["link", "add", "w0", "type", "veth", "peer", "name", "w1"], ns);
      const e = await wd.wait({ timeout: 5000 }) as MonitorEvent;
      assert.equal(e.event, "RTM_NEWLINK");
      assert.ok(ipdb.interfaces.w0);
      assert.equal(pre[0], "RTM_NEWLINK:new");
      assert.equal(post[0], "RTM_NEWLINK:known");
      ip(["link", "set", "w0", "mtu", "1234"], ns);
      await ipdb.wait("RTM_NEWLINK", { ifname: "w0", mtu: 1234 }, { timeout: 5000 });
      assert.equal(ipdb.interfaces.w0!.mtu, 1234);
      ip(["addr", "add", "10.80.0.1/24", "dev", "w0"], ns);
      assert.ok(ipdb.interfaces.w0!.ipaddr.includes("10.80.0.1/24"));
      ip(["link", "del", "w0"], ns);
      await ipdb.wait("RTM_DELLINK", { ifname: "w0" }, { timeout: 5000 });
      assert.equal(ipdb.interfaces.w0, undefined);
      ipdb.unregisterCallback(a);
      ipdb.unregisterCallback(b);
      await assert.rejects(
        ipdb.wait("RTM_NEWLINK", { ifname: "never" }, { timeout: 100 }),
        /no match within 100 ms/,
      );
    });

    it("drops IPv4 routes through a link that goes down or away, as the kernel does silently", () => {
      ip(["route", "add", "10.90.0.0/16", "via", "10.0.0.2"], ns);
      assert.ok(ipdb.routes["10.90.0.0/16"]);
      ip(["link", "set", "v0", "down"], ns);
      assert.equal(ipdb.routes["10.90.0.0/16"], undefined);
      assert.equal(ipdb.routes["10.0.0.0/24"], undefined);
      ip(["link", "set", "v0", "up"], ns);
      assert.ok(
        ipdb.routes["10.0.0.0/24"],
        "the kernel re-adds the prefix route with a notification",
      );
    });

    it("re-reads the kernel after an overrun and equals ip -j", async () => {
      await using small = await IPDB.open({ netns: ns, rcvbuf: 1024 });
      const held = small.interfaces.v0!;
      const lines: string[] = [];
      for (let i = 0; i < 300; i++) lines.push(`link add s${i} type veth peer name t${i}`);
      for (let i = 0; i < 300; i++) {
        lines.push(
          `route add 10.${100 + (i >> 8)}.${i & 255}.0/24 dev v0`,
        );
      }
      assert.equal(await batch(ns, lines), 0);
      assert.equal(small.stale, true, "the tiny buffer overflowed");
      // IPDB re-reads the kernel on its own; wait until it did.
      for (let i = 0; i < 200 && small.stale; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(small.stale, false, "re-read after the overrun");
      const names = ipJson(["link", "show"], ns).map((l: { ifname: string }) => l.ifname).sort();
      assert.deepEqual(small.interfaces.keys().sort(), names);
      const routes = [...ipJson(["route", "show"], ns), ...ipJson(["-6", "route", "show"], ns)]
        .map((
          r: { dst: string },
        ) => (r.dst.includes("/") || r.dst === "default" ? r.dst : `${r.dst}/32`)).sort();
      assert.deepEqual([...small.routes].map((r) => r.dst).sort(), routes);
      assert.equal(small.interfaces.v0, held, "records keep their identity");
    });
  },
);

describe("IPDB arguments", { skip: !isRoot && "needs root" }, () => {
  let ns = "";
  before(() => {
    ns = createTestNetns();
  });
  after(() => removeTestNetns(ns));

  it("rejects bad input before sending anything", async () => {
    await using db = await IPDB.open({ netns: ns });
    const lo = db.interfaces.lo!;
    assert.throws(() => lo.setMtu(-1), /"mtu"/);
    assert.throws(() => lo.setAddress("zz:zz"), /"address"/);
    assert.throws(() => lo.addIp("10.0.0.1/33"), /prefix length/);
    assert.throws(() => lo.setName("a-very-long-interface-name"), /"ifname"/);
    assert.throws(() => db.create("bridge", "bad/name", {}), /"ifname"/);
    assert.throws(() => db.routes.add({ dst: "10.0.0.0/8", gateway: "nope" }), /"gateway"/);
    assert.throws(() => db.rules.add({ table: "nosuchtable" }), /"table"/);
    lo.drop();
    await assert.rejects(IPDB.open({ netns: ns, mode: "sometimes" as "implicit" }), /"mode"/);
  });
});
