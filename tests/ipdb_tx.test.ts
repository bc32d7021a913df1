/**
 * IPDB transactions: review, drop, several per record, explicit mode, and the
 * scoped forms (`transact`, `await using transaction()`).
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { IPDB } from "../mod.ts";
import { addrsOf, describeLive, linkNames, linkOf } from "./ipdb_util.ts";

describeLive("IPDB transactions", (live) => {
  it("reviews a transaction, drops it, and commits another", async () => {
    const { ns, ipdb } = live;
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
    const { ipdb } = live;
    const br = ipdb.create("bridge", "br9", { mtu: 1400 }).addIp("10.9.0.1/24");
    const review = br.review();
    assert.equal(review.kind, "bridge");
    assert.equal(review.ifname, "br9");
    assert.equal(review.mtu, 1400);
    assert.deepEqual(review["+ipaddr"], ["10.9.0.1/24"]);
    br.drop();
  });

  it("refuses changes without begin() in explicit mode", async () => {
    const { ns } = live;
    await using db = await IPDB.open({ netns: ns, mode: "explicit" });
    const v0 = db.interfaces.v0!;
    assert.throws(() => v0.setMtu(1400), /explicit mode needs begin\(\) first/);
    const id = v0.begin();
    await v0.setMtu(1410).commit(id);
    assert.equal(linkOf(ns, "v0").mtu, 1410);
  });

  it("keeps several transactions per object, identified by id", async () => {
    const { ns, ipdb } = live;
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
    const { ns, ipdb } = live;
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

  it("renames an interface in a transaction: the old name finds nothing, the new one the record", async () => {
    const { ns, ipdb } = live;
    const v0 = ipdb.interfaces.v0!;
    await v0.transact((i) => {
      i.ifname = "w0";
    });
    assert.deepEqual(linkNames(ns).sort(), ["lo", "v1", "w0"]);
    assert.equal(ipdb.interfaces.v0, undefined);
    assert.equal(ipdb.interfaces.get("v0"), undefined);
    assert.equal(ipdb.interfaces.w0, v0);
    assert.equal(v0.ifname, "w0");
    assert.deepEqual(ipdb.interfaces.keys().sort(), ["lo", "v1", "w0"]);
    // In a global commit too, with another change of the same record.
    v0.setName("x0").setMtu(1400);
    assert.equal(ipdb.interfaces.w0, v0, "the kernel's name until the commit");
    await ipdb.commit();
    assert.deepEqual(linkNames(ns).sort(), ["lo", "v1", "x0"]);
    assert.equal(linkOf(ns, "x0").mtu, 1400);
    assert.equal(ipdb.interfaces.w0, undefined);
    assert.equal(ipdb.interfaces.x0, v0);
    assert.deepEqual(Object.keys(ipdb.interfaces).sort(), ["lo", "v1", "x0"]);
  });
});
