import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { IPRoute, NLMSG, RTM } from "../mod.ts";
import { captureCorpus, fuzz } from "../tools/fuzz_lib.ts";
import { createTestNetns, isRoot, removeTestNetns } from "./helpers.ts";

describe("decoder fuzzing (seeded subset)", {
  skip: !isRoot && "needs root for the corpus namespace",
}, () => {
  let ns = "";
  let corpus: Uint8Array[] = [];
  before(async () => {
    ns = createTestNetns();
    await using ipr = await IPRoute.open({ netns: ns });
    await ipr.link("add", { ifname: "v0", kind: "veth", peer: "v1" });
    await ipr.link("add", { ifname: "br0", kind: "bridge" });
    await ipr.link("set", { ifname: "v0", master: "br0", state: "up" });
    await ipr.link("set", { ifname: "v1", state: "up" });
    await ipr.addr("add", { index: "v1", address: "10.0.0.1/24" });
    await ipr.route("add", {
      dst: "10.2.0.0/16",
      multipath: [{ gateway: "10.0.0.2" }, { gateway: "10.0.0.3" }],
    });
    await ipr.rule("add", { src: "10.0.0.0/8", table: 10, priority: 5 });
    await ipr.nexthop("add", { id: 1, gateway: "10.0.0.2", oif: "v1" });
    await ipr.neigh("add", { index: "v1", dst: "10.0.0.9", lladdr: "02:00:00:00:00:09" });
    await ipr.link("set", { ifname: "br0", state: "up" });
    await ipr.mdb("add", { index: "br0", port: "v0", group: "239.1.1.1", state: "permanent" });
    corpus = await captureCorpus(ns);
  });
  after(() => removeTestNetns(ns));

  it("captures a corpus of every message kind", () => {
    assert.ok(corpus.length >= 21, `corpus of ${corpus.length}`);
    const types = new Set(
      corpus.map((m) => new DataView(m.buffer, m.byteOffset).getUint16(4, true)),
    );
    for (const t of [RTM.NEWLINK, RTM.NEWADDR, RTM.NEWROUTE, RTM.NEWRULE, RTM.NEWNEIGH]) {
      assert.ok(types.has(t), `a message of type ${t}`);
    }
    assert.ok(types.has(RTM.NEWNEXTHOP) && types.has(NLMSG.ERROR) && types.has(NLMSG.DONE));
    assert.ok(types.has(RTM.NEWMDB), "an mdb message");
  });

  it("raises only DecodeError on 10,000 mutated replies through the receive path", async () => {
    const s = await fuzz(corpus, 10_000, 1234);
    assert.equal(s.cases, 10_000);
    assert.deepEqual(s.findings, []);
    assert.ok(
      s.decodeErrors > 0 && s.ok > 0,
      `both outcomes occur: ${s.ok} ok, ${s.decodeErrors} errors`,
    );
  });

  it("is repeatable for a seed", async () => {
    const a = await fuzz(corpus, 500, 99);
    const b = await fuzz(corpus, 500, 99);
    assert.deepEqual([a.ok, a.decodeErrors], [b.ok, b.decodeErrors]);
  });
});
