/**
 * IPRoute route batches: many requests sent at once with every ACK matched,
 * the same bytes as compiling the requests one by one, and bad specs refused
 * when they are added, before anything is sent.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NetlinkSocket } from "../mod.ts";
import { RT_ROUTE_STRUCTS } from "../core/tables/rt_route.ts";
import { SETS } from "../iproute/registry.ts";
import { RTM } from "../core/tables/constants.ts";
import { ArgumentError } from "../core/errors.ts";
import { ipJson } from "./helpers.ts";
import { decodeRequest, linkMap, live, snapshot, withIPRoute } from "./iproute_util.ts";
import { type IpRoute, twoVethPairs } from "./iproute_route_util.ts";

const RTMSG_SIZE = RT_ROUTE_STRUCTS.rtmsg.size;

describe("IPRoute route: batch (live)", live, () => {
  it("sends many requests at once, matches every ACK, compiles the same bytes", async () => {
    await withIPRoute(async (ipr, ns) => {
      twoVethPairs(ns);
      const b = ipr.batch();
      for (let i = 0; i < 300; i++) {
        b.route("add", { dst: `10.70.${i >> 8}.${i & 255}/32`, oif: "v0" });
      }
      b.route("add", { dst: "10.70.0.0/32", oif: "v0" }); // a duplicate: EEXIST
      b.route("add", { dst: "fd70::/64", gateway: "fd00::2", table: 70000 });
      b.route("del", { dst: "10.70.0.1/32" });
      assert.equal(b.size, 303);
      const bytes = await b.compile();
      const expected = NetlinkSocket.compile(await b.requests());
      assert.deepEqual(bytes, expected);
      // The first message is the first route, with the name resolved to v0's index.
      const first = decodeRequest((await b.requests())[0]!, RTMSG_SIZE, SETS.route);
      assert.equal(first.type, RTM.NEWROUTE);
      assert.equal(first.attrs.dst, "10.70.0.0");
      assert.equal(first.attrs.oif, linkMap(ns).get("v0"));
      const results = await b.send();
      assert.equal(results.length, 303);
      assert.deepEqual(
        results.map((r, i) => (r.ok ? "ok" : `${i}:${r.error.code}`)).filter((x) => x !== "ok"),
        ["300:EEXIST"],
      );
      const ours = await ipr.getRoutes({ family: "inet", table: "main", oif: "v0" });
      assert.equal(ours.filter((r) => r.dst.startsWith("10.70.")).length, 299);
      assert.equal(
        ipJson(["route", "show", "dev", "v0"], ns).filter((j: IpRoute) =>
          j.dst.startsWith("10.70.")
        ).length,
        299,
      );
      assert.equal(ipJson(["-6", "route", "show", "table", "70000"], ns)[0].dst, "fd70::/64");
    });
  });

  it("refuses a bad spec when it is added, before anything is sent", async () => {
    await withIPRoute(async (ipr, ns) => {
      twoVethPairs(ns);
      const before = snapshot(ns);
      const b = ipr.batch();
      b.route("add", { dst: "10.80.0.0/16", oif: "v0" });
      assert.throws(
        () => b.route("add", { dst: "10.80.0.0/33" }),
        (e: ArgumentError) => e instanceof ArgumentError && e.argument === "dst",
      );
      assert.throws(
        () =>
          b.route("add", { dst: "10.81.0.0/16", multipath: [{ gateway: "10.0.0.2", weight: 0 }] }),
        (e: ArgumentError) => e.argument === "multipath[0].weight",
      );
      assert.equal(b.size, 1);
      assert.equal(snapshot(ns), before);
      const b2 = ipr.batch();
      b2.route("add", { dst: "10.82.0.0/16", oif: "nosuch0" });
      await assert.rejects(
        b2.send(),
        (e: ArgumentError) => e instanceof ArgumentError && e.argument === "oif",
      );
      assert.equal(snapshot(ns), before);
    });
  });
});
