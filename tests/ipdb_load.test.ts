/**
 * IPDB loading and events: the database equals what ip shows, follows
 * changes made behind its back (callbacks, watchdogs, silent route flushes),
 * re-reads the kernel after an overrun, and checks arguments.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { IPDB, type MonitorEvent } from "../mod.ts";
import { ip, ipJson, isRoot, withTestNetns } from "./helpers.ts";
import { describeLive, ipBatch, linkOf } from "./ipdb_util.ts";
import { assertEqualsKernel } from "./ipdb_compare.ts";

describeLive("IPDB loading and events", (live) => {
  it("loads interfaces, addresses and routes as ip sees them", () => {
    const { ns, ipdb } = live;
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

  it("sees changes made with ip, fires callbacks and the watchdog", async () => {
    const { ns, ipdb } = live;
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
    const { ns, ipdb } = live;
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

  it("drops IPv4 routes through a link that loses its last IPv4 address, as the kernel does silently", async () => {
    const { ns, ipdb } = live;
    ip(["addr", "add", "10.0.1.1/24", "dev", "v0"], ns);
    ip(["route", "add", "10.91.0.0/16", "via", "10.0.0.2"], ns);
    ip(["route", "add", "10.92.0.0/16", "dev", "v0", "table", "100"], ns);
    ip(["route", "add", "local", "10.93.0.1", "dev", "v0"], ns);
    ip(["route", "add", "10.94.0.0/16", "dev", "v0", "src", "10.0.1.1"], ns);
    ip(["addr", "add", "fd00::1/64", "dev", "v0", "nodad"], ns);
    ip(["route", "add", "fd01::/64", "via", "fd00::2"], ns);
    ip(["addr", "del", "10.0.1.1/24", "dev", "v0"], ns);
    assert.equal(ipdb.routes["10.94.0.0/16"], undefined, "its source address is gone");
    assert.ok(ipdb.routes["10.91.0.0/16"], "another IPv4 address is left");
    ip(["addr", "del", "10.0.0.1/24", "dev", "v0"], ns);
    assert.equal(ipdb.routes["10.91.0.0/16"], undefined);
    assert.equal(ipdb.routes.tables[100]!["10.92.0.0/16"], undefined);
    assert.equal(ipdb.routes.tables[255]!["10.93.0.1/32"], undefined);
    assert.ok(ipdb.routes["fd01::/64"], "IPv6 routes stay");
    await assertEqualsKernel(ipdb, ns, "after the last IPv4 address was deleted");
  });

  it("keeps a port's record when it leaves its bridge (the kernel's AF_BRIDGE RTM_DELLINK)", () => {
    const { ns, ipdb } = live;
    ip(["link", "add", "br2", "type", "bridge"], ns);
    ip(["link", "set", "v1", "master", "br2"], ns);
    const v1 = ipdb.interfaces.v1!;
    assert.equal(v1.master, ipdb.interfaces.br2!.index);
    ip(["link", "set", "v1", "nomaster"], ns);
    assert.equal(ipdb.interfaces.v1, v1);
    assert.equal(v1.ipdbScope, "system");
    assert.equal(v1.master, undefined);
    ip(["link", "set", "v1", "master", "br2"], ns);
    ip(["link", "del", "br2"], ns);
    assert.equal(ipdb.interfaces.br2, undefined);
    assert.equal(ipdb.interfaces.v1, v1);
    assert.equal(v1.ipdbScope, "system");
  });

  it("re-reads the kernel after an overrun and equals ip -j", async () => {
    const { ns } = live;
    await using small = await IPDB.open({ netns: ns, rcvbuf: 1024 });
    const held = small.interfaces.v0!;
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) lines.push(`link add s${i} type veth peer name t${i}`);
    for (let i = 0; i < 300; i++) {
      lines.push(
        `route add 10.${100 + (i >> 8)}.${i & 255}.0/24 dev v0`,
      );
    }
    assert.equal(await ipBatch(ns, lines), 0);
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
});

describe("IPDB arguments", { skip: !isRoot && "needs root" }, () => {
  it("rejects bad input before sending anything", () =>
    withTestNetns(async (ns) => {
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
    }));
});
