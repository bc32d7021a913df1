import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError } from "../core/errors.ts";
import { Writer } from "../core/codec.ts";
import { decodeAttrs, Registry } from "../core/schema.ts";
import { GenlFamily } from "../genl/family.ts";
import { RT_LINK } from "../core/tables/rt_link.ts";
import { ip, isRoot, skipReason, withTestNetns } from "./helpers.ts";

describe("decodeAttrs: repeated attributes and a passed view", () => {
  const link = new Registry([RT_LINK]).set("linkAttrs");

  it("keeps every occurrence of an attribute not marked multi, with or without a view", () => {
    const w = new Writer(64);
    for (const v of [7, 8, 9]) w.attrU32(4, v); // IFLA_MTU ×3
    w.attrU32(13, 1000); // IFLA_TXQLEN once
    const bytes = w.finish();
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const want = { mtu: [7, 8, 9], txqlen: 1000 };
    assert.deepEqual(decodeAttrs(link, bytes, 0, bytes.length), want);
    assert.deepEqual(decodeAttrs(link, bytes, 0, bytes.length, 0, dv), want);
  });
});

describe("GenlFamily request checks (live ethtool)", () => {
  it("rejects a bad value in a do request and in a dump request with ArgumentError", {
    skip: skipReason(!isRoot && "needs root for a throwaway namespace"),
  }, async () => {
    await withTestNetns(async (ns) => {
      ip(["link", "add", "g0", "type", "veth", "peer", "name", "g1"], ns);
      await using eth = await GenlFamily.open("ethtool", { netns: ns });
      await assert.rejects(
        eth.do("linkinfo-get", { header: { devIndex: "one" as unknown as number } }),
        ArgumentError,
      );
      await assert.rejects(
        eth.do("linkinfo-get", { header: { devName: 5 as unknown as string } }),
        ArgumentError,
      );
      assert.throws(
        () => eth.dump("features-get", { header: { devIndex: -1 } }),
        ArgumentError,
      );
      // The socket is still usable after the refused requests (nothing half-sent).
      const r = await eth.do("linkinfo-get", { header: { devName: "g0" } });
      assert.equal(r.header?.devName, "g0");
      const devs = await eth.dump("features-get", {}).all();
      assert.deepEqual(devs.map((d) => d.header?.devName).sort(), ["g0", "g1", "lo"]);
    });
  });
});
