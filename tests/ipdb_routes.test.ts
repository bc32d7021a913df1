/**
 * IPDB routes and rules: created with interfaces in one commit, multipath,
 * gateways and metrics, rules (a change is delete + add); the records users
 * add are the ones the database files.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { ip, ipJson } from "./helpers.ts";
import { addrsOf, describeLive } from "./ipdb_util.ts";

describeLive("IPDB routes and rules", (live) => {
  it("creates an interface and a route through it in one global commit", async () => {
    const { ns, ipdb } = live;
    ipdb.create("veth", "g0", { peer: "g1" }).addIp("10.63.0.1/24").up();
    ipdb.routes.add({ dst: "10.64.0.0/16", oif: "g0" });
    await ipdb.commit();
    const route = ipJson(["route", "show", "10.64.0.0/16"], ns)[0];
    assert.equal(route.dev, "g0");
    assert.equal(ipdb.routes["10.64.0.0/16"]!.oif, ipdb.interfaces.g0!.index);
    assert.deepEqual(addrsOf(ns, "g0"), ["10.63.0.1/24"]);
  });

  it("turns a route into multipath with addNh and back with delNh", async () => {
    const { ns, ipdb } = live;
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
    const { ns, ipdb } = live;
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
    const { ns, ipdb } = live;
    const added = ipdb.rules.add({ src: "10.0.0.0/8", table: 100, priority: 15000 });
    await added.commit();
    const rule = ipdb.rules[15000]!;
    assert.equal(rule, added, "the added record is the database's");
    assert.equal(rule.src, "10.0.0.0/8");
    await rule.set("table", 101).commit();
    let shown = ipJson(["rule", "show"], ns).filter((x: { priority: number }) =>
      x.priority === 15000
    );
    assert.equal(shown.length, 1);
    assert.equal(shown[0].table, "101");
    assert.equal(ipdb.rules.get({ priority: 15000 }), rule);
    await rule.remove().commit();
    shown = ipJson(["rule", "show"], ns).filter((x: { priority: number }) => x.priority === 15000);
    assert.equal(shown.length, 0);
  });

  it("files the records users add (IPv4 and IPv6) and keeps them when their identity changes", async () => {
    const { ns, ipdb } = live;
    ip(["addr", "add", "fd10::1/64", "dev", "v0", "nodad"], ns);
    const r4 = ipdb.routes.add({ dst: "10.44.0.0/16", gateway: "10.0.0.2" });
    const r6 = ipdb.routes.add({ dst: "fd20::/64", gateway: "fd10::2" });
    const r100 = ipdb.routes.add({ dst: "10.45.0.0/16", oif: "v0", table: 100, priority: 7 });
    await ipdb.commit();
    assert.equal(ipdb.routes["10.44.0.0/16"], r4);
    assert.equal(ipdb.routes["fd20::/64"], r6);
    assert.equal(r6.priority, 1024, "the kernel's default IPv6 priority");
    assert.equal(ipdb.routes.tables[100]!["10.45.0.0/16"], r100);
    for (const r of [r4, r6, r100]) assert.equal(r.ipdbScope, "system");
    // A new destination is a delete and an add: the record follows.
    await r4.set("dst", "10.46.0.0/16").commit();
    assert.equal(ipdb.routes["10.46.0.0/16"], r4);
    assert.equal(ipdb.routes["10.44.0.0/16"], undefined);
    assert.deepEqual(ipJson(["route", "show", "10.44.0.0/16"], ns), []);
    assert.equal(ipJson(["route", "show", "10.46.0.0/16"], ns)[0]?.gateway, "10.0.0.2");
  });

  it("files the records a commit creates while callbacks consume events in the background", async () => {
    const { ipdb } = live;
    const seen: string[] = [];
    const id = ipdb.registerCallback((_db, e) => void seen.push(e.event));
    for (let n = 0; n < 5; n++) {
      const link = ipdb.create("veth", `g${n}`, { peer: `h${n}` }).addIp(`10.${n + 1}.0.1/24`).up();
      const route = ipdb.routes.add({ dst: `10.${100 + n}.0.0/16`, oif: `g${n}` });
      const rule = ipdb.rules.add({
        src: `10.${n + 1}.0.0/16`,
        table: 100 + n,
        priority: 1000 + n,
      });
      await ipdb.commit();
      assert.equal(ipdb.interfaces[`g${n}`], link);
      assert.equal(ipdb.routes[`10.${100 + n}.0.0/16`], route);
      assert.equal(ipdb.rules[1000 + n], rule);
      for (const r of [link, route, rule]) assert.equal(r.ipdbScope, "system");
      await new Promise((resolve) => setTimeout(resolve, n % 3));
    }
    ipdb.unregisterCallback(id);
    assert.ok(seen.includes("RTM_NEWLINK") && seen.includes("RTM_NEWRULE"));
  });
});
