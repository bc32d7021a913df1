/**
 * IPRoute route commands against `ip -j route`: replace, set and change,
 * append (IPv4 and IPv6), del both ways, get as `ip route get` answers, ensure.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NetlinkError } from "../mod.ts";
import { ip, ipJson } from "./helpers.ts";
import { linkMap, live, snapshot, withIPRoute } from "./iproute_util.ts";
import { bothViews, type IpRoute, twoVethPairs } from "./iproute_route_util.ts";

describe("IPRoute route: set, change, replace, append, del, get (live)", live, () => {
  it("replace changes in place and creates when missing", async () => {
    await withIPRoute(async (ipr, ns) => {
      twoVethPairs(ns);
      await ipr.route("add", { dst: "10.1.0.0/16", gateway: "10.0.0.2" });
      await assert.rejects(
        ipr.route("add", { dst: "10.1.0.0/16", gateway: "10.0.0.3" }),
        (e: NetlinkError) => e instanceof NetlinkError && e.code === "EEXIST",
      );
      await ipr.route("replace", { dst: "10.1.0.0/16", gateway: "10.0.1.2" });
      let j = ipJson(["route", "show", "10.1.0.0/16"], ns);
      assert.equal(j.length, 1);
      assert.equal(j[0].gateway, "10.0.1.2");
      assert.equal(j[0].dev, "v2");
      await ipr.route("replace", { dst: "10.2.0.0/16", gateway: "10.0.0.2", table: 777 });
      j = ipJson(["route", "show", "table", "777"], ns);
      assert.equal(j[0].dst, "10.2.0.0/16");
      await ipr.route("replace", { dst: "fd01::/64", gateway: "fd00::2" });
      await ipr.route("replace", { dst: "fd01::/64", gateway: "fd00::3", metrics: { mtu: 1300 } });
      j = ipJson(["-6", "route", "show", "fd01::/64"], ns);
      assert.equal(j.length, 1);
      assert.equal(j[0].gateway, "fd00::3");
      assert.equal(j[0].metric, 1024);
      assert.deepEqual(j[0].metrics, [{ mtu: 1300 }]);
    });
  });

  it("set and change modify an existing route and refuse a missing one", async () => {
    await withIPRoute(async (ipr, ns) => {
      twoVethPairs(ns);
      await ipr.route("add", { dst: "10.1.0.0/16", gateway: "10.0.0.2" });
      await ipr.route("change", { dst: "10.1.0.0/16", gateway: "10.0.0.3" });
      assert.equal(ipJson(["route", "show", "10.1.0.0/16"], ns)[0].gateway, "10.0.0.3");
      await ipr.route("set", { dst: "10.1.0.0/16", gateway: "10.0.0.4", metrics: { mtu: 1200 } });
      const j = ipJson(["route", "show", "10.1.0.0/16"], ns);
      assert.equal(j.length, 1);
      assert.equal(j[0].gateway, "10.0.0.4");
      assert.deepEqual(j[0].metrics, [{ mtu: 1200 }]);
      for (const cmd of ["set", "change"] as const) {
        const before = snapshot(ns);
        await assert.rejects(
          ipr.route(cmd, { dst: "10.99.0.0/16", gateway: "10.0.0.3" }),
          (e: NetlinkError) => e instanceof NetlinkError && e.code === "ENOENT",
        );
        assert.equal(snapshot(ns), before);
      }
    });
  });

  it("append adds a second IPv4 route and an IPv6 next hop", async () => {
    await withIPRoute(async (ipr, ns) => {
      twoVethPairs(ns);
      await ipr.route("add", { dst: "10.1.0.0/16", gateway: "10.0.0.2" });
      await ipr.route("append", { dst: "10.1.0.0/16", gateway: "10.0.1.2" });
      const j = ipJson(["route", "show", "10.1.0.0/16"], ns);
      assert.deepEqual(j.map((x: IpRoute) => x.gateway), ["10.0.0.2", "10.0.1.2"]);
      await ipr.route("add", { dst: "fd01::/64", gateway: "fd00::2" });
      await ipr.route("append", { dst: "fd01::/64", gateway: "fd00:1::2" });
      const j6 = ipJson(["-6", "route", "show", "fd01::/64"], ns);
      assert.equal(j6.length, 1);
      assert.deepEqual(j6[0].nexthops.map((n: IpRoute) => n.gateway), ["fd00::2", "fd00:1::2"]);
      const r6 = (await ipr.getRoutes({ dst: "fd01::/64" }))[0]!;
      assert.deepEqual(r6.multipath!.map((h) => h.gateway), ["fd00::2", "fd00:1::2"]);
      const { oracle, ours } = await bothViews(ipr, ns);
      assert.deepEqual(ours, oracle);
    });
  });

  it("deletes routes both ways", async () => {
    await withIPRoute(async (ipr, ns) => {
      twoVethPairs(ns);
      await ipr.route("add", { dst: "10.1.0.0/16", gateway: "10.0.0.2", table: 1000 });
      await ipr.route("add", { dst: "fd01::/64", gateway: "fd00::2" });
      await ipr.route("add", { dst: "fd01::/64", gateway: "fd00::2", priority: 10 });
      ip(["route", "add", "10.2.0.0/16", "via", "10.0.0.2"], ns);
      await ipr.route("del", { dst: "10.1.0.0/16", table: 1000 });
      assert.deepEqual(ipJson(["route", "show", "table", "1000"], ns), []);
      await assert.rejects(
        ipr.route("del", { dst: "10.1.0.0/16", table: 1000 }),
        (e: NetlinkError) => e.code === "ESRCH",
      );
      await ipr.route("del", { dst: "fd01::/64", priority: 10 });
      const left = ipJson(["-6", "route", "show", "fd01::/64"], ns);
      assert.deepEqual(left.map((x: IpRoute) => x.metric), [1024]);
      await ipr.route("del", { dst: "10.2.0.0/16" });
      assert.deepEqual(ipJson(["route", "show", "10.2.0.0/16"], ns), []);
      ip(["-6", "route", "del", "fd01::/64"], ns);
      assert.deepEqual(await ipr.getRoutes({ dst: "fd01::/64" }), []);
    });
  });

  it("get answers what ip route get answers", async () => {
    await withIPRoute(async (ipr, ns) => {
      twoVethPairs(ns);
      const byName = linkMap(ns);
      ip(["route", "add", "10.1.0.0/16", "via", "10.0.0.2"], ns);
      ip(["route", "add", "fd01::/64", "via", "fd00:1::2"], ns);
      for (const dst of ["10.1.2.3", "10.0.1.7", "fd01::5", "fd00::9"]) {
        const j = ipJson(["route", "get", dst], ns)[0];
        const r = await ipr.route("get", { dst });
        assert.equal(r.dst, `${dst}/${dst.includes(":") ? 128 : 32}`);
        assert.equal(r.gateway, j.gateway, dst);
        assert.equal(r.oif, byName.get(j.dev), dst);
        assert.equal(r.prefsrc, j.prefsrc, dst);
      }
      await assert.rejects(
        ipr.route("get", { dst: "192.0.2.1" }),
        (e: NetlinkError) => e instanceof NetlinkError && e.code === "ENETUNREACH",
      );
    });
  });

  it("ensure() adds once and removes once", async () => {
    await withIPRoute(async (ipr, ns) => {
      twoVethPairs(ns);
      const spec = { dst: "10.8.0.0/16", gateway: "10.0.0.2", table: 1234 };
      assert.equal(await ipr.ensure("route", spec), true);
      assert.equal(await ipr.ensure("route", spec), false);
      assert.equal(ipJson(["route", "show", "table", "1234"], ns).length, 1);
      assert.equal(await ipr.ensure("route", spec, { present: false }), true);
      assert.equal(await ipr.ensure("route", spec, { present: false }), false);
      assert.deepEqual(ipJson(["route", "show", "table", "1234"], ns), []);
    });
  });
});
