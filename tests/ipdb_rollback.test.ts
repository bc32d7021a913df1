/**
 * IPDB rollback: a failing step or a vetoing hook undoes exactly what the
 * kernel acknowledged (batch by batch, in reverse), records waiting to be
 * created wait again, and the kernel and the database are as before.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { CommitError, type LinkKind } from "../mod.ts";
import { ip, ipJson } from "./helpers.ts";
import {
  addrsOf,
  describeLive,
  linkNames,
  linkOf,
  type Sent,
  shapes,
  spyBatches,
} from "./ipdb_util.ts";

describeLive("IPDB rollback", (live) => {
  it("rolls back a failing commit (mtu, addresses and an invalid MAC): kernel and database as before", async () => {
    const { ns, ipdb } = live;
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
    const { ns, ipdb } = live;
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
    const { ns, ipdb } = live;
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
    const { ns, ipdb } = live;
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

  it("keeps a create with an unknown kind pending; fixed, it commits", async () => {
    const { ns, ipdb } = live;
    // A kind the library does not know (the types refuse it: cast).
    const x = ipdb.create("no-such-kind" as LinkKind, "x0", {}).up();
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

  it("undoes exactly what the kernel acknowledged of a partly failed batch, in reverse", async () => {
    const { ns, ipdb } = live;
    const v0 = ipdb.interfaces.v0!;
    const v1 = ipdb.interfaces.v1!;
    const txqlen = v0.txqlen!;
    // One batch (phase setLink): the address fails, the kernel still runs the rest.
    v0.setAddress("01:00:5e:00:00:01").setMtu(1400).setTxqlen(txqlen + 100);
    v1.setMtu(1300);
    const spy = spyBatches(ipdb.ipr);
    await assert.rejects(ipdb.commit(), (e: CommitError) => {
      assert.equal(e.step, "link set v0 address 01:00:5e:00:00:01");
      assert.equal(e.netlinkError?.code, "EADDRNOTAVAIL");
      assert.deepEqual(e.rollbackErrors, []);
      return true;
    });
    spy.stop();
    assert.deepEqual(shapes(spy.sent), [
      ["link set", "link set", "link set", "link set"],
      ["link set", "link set", "link set"],
    ]);
    const [forward, back] = spy.sent as [Sent[], Sent[]];
    const failed = forward.findIndex((s) => s.spec.address !== undefined);
    assert.ok(failed >= 0 && failed < forward.length - 1, "a request after the failed one ran");
    const before = (s: Sent) =>
      s.spec.txqlen !== undefined
        ? { index: s.spec.index, txqlen }
        : { index: s.spec.index, mtu: 1500 };
    assert.deepEqual(
      back.map((s) => s.spec),
      forward.filter((_, k) => k !== failed).reverse().map(before),
    );
    assert.equal(linkOf(ns, "v0").mtu, 1500);
    assert.equal(linkOf(ns, "v1").mtu, 1500);
    assert.equal(v0.txqlen, txqlen);
    assert.equal(v1.mtu, 1500);
  });

  it("rolls back a bridge's removal: ports, address, state and routes come back, batched by phase", async () => {
    const { ns, ipdb } = live;
    ip(["link", "add", "br1", "type", "bridge"], ns);
    ip(["link", "set", "v1", "master", "br1"], ns);
    ip(["addr", "add", "10.40.0.1/24", "dev", "br1"], ns);
    ip(["link", "set", "br1", "up"], ns);
    ip(["route", "add", "10.41.0.0/16", "via", "10.40.0.2"], ns);
    ip(["route", "add", "10.42.0.0/16", "dev", "br1", "table", "100"], ns);
    ipdb.sync();
    const br1 = ipdb.interfaces.br1!;
    const v1 = ipdb.interfaces.v1!;
    const route = ipdb.routes["10.41.0.0/16"]!;
    br1.remove();
    const hook = ipdb.registerCommitHook(() => false);
    const spy = spyBatches(ipdb.ipr);
    await assert.rejects(br1.commit(), (e: CommitError) => {
      assert.equal(e.step, "commit hook");
      assert.deepEqual(e.rollbackErrors, []);
      return true;
    });
    spy.stop();
    ipdb.unregisterCommitHook(hook);
    assert.deepEqual(shapes(spy.sent), [
      ["link del"],
      ["link add"],
      ["link set"],
      ["addr add"],
      ["link set"],
      ["route replace", "route replace"],
    ]);
    assert.ok(linkNames(ns).includes("br1"));
    assert.equal(linkOf(ns, "v1").master, "br1");
    assert.ok(linkOf(ns, "br1").flags.includes("UP"));
    assert.deepEqual(addrsOf(ns, "br1"), ["10.40.0.1/24"]);
    assert.equal(ipJson(["route", "show", "10.41.0.0/16"], ns)[0]?.gateway, "10.40.0.2");
    assert.equal(ipJson(["route", "show", "table", "100"], ns)[0]?.dev, "br1");
    assert.equal(ipdb.interfaces.br1, br1, "the record the user holds is the restored bridge");
    assert.equal(br1.ipdbScope, "system");
    assert.equal(v1.master, br1.index);
    assert.deepEqual(br1.ports, [v1.index]);
    assert.deepEqual(br1.ipaddr.filter((a) => !a.startsWith("fe80")), ["10.40.0.1/24"]);
    assert.equal(route.ipdbScope, "removed", "the old route record went with the link");
    assert.equal(ipdb.routes["10.41.0.0/16"]?.gateway, "10.40.0.2");
  });

  it("makes a rolled-back new route and rule wait again; committed later, they are the database's", async () => {
    const { ns, ipdb } = live;
    const route = ipdb.routes.add({ dst: "10.43.0.0/16", gateway: "10.0.0.2" });
    const rule = ipdb.rules.add({ src: "10.0.0.0/8", table: 100, priority: 15100 });
    const hook = ipdb.registerCommitHook(() => false);
    await assert.rejects(ipdb.commit(), /vetoed by a commit hook/);
    ipdb.unregisterCommitHook(hook);
    assert.equal(route.ipdbScope, "pending");
    assert.equal(rule.ipdbScope, "pending");
    assert.deepEqual(ipJson(["route", "show", "10.43.0.0/16"], ns), []);
    assert.equal(ipdb.routes["10.43.0.0/16"], undefined);
    assert.equal(ipdb.rules[15100], undefined);
    await ipdb.commit();
    assert.equal(ipJson(["route", "show", "10.43.0.0/16"], ns)[0]?.gateway, "10.0.0.2");
    assert.equal(ipdb.routes["10.43.0.0/16"], route);
    assert.equal(ipdb.rules[15100], rule);
    assert.equal(route.ipdbScope, "system");
    assert.equal(rule.ipdbScope, "system");
  });
});
