/**
 * IPRoute routes, checked against `ip -j -d route` in throwaway namespaces:
 * routes of every shape (tables above 255, types, metrics, IPv6) added by
 * nlroute and by ip, and both sides see exactly the same set.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ipJson } from "./helpers.ts";
import { ipLines, live, withIPRoute } from "./iproute_util.ts";
import { bothViews, twoVethPairs } from "./iproute_route_util.ts";

describe("IPRoute route: add and dump, both ways (live)", live, () => {
  it("adds routes of every shape; ip sees exactly what nlroute dumps", async () => {
    await withIPRoute(async (ipr, ns) => {
      twoVethPairs(ns);
      await ipr.route("add", { dst: "10.1.0.0/16", gateway: "10.0.0.2" });
      await ipr.route("add", { dst: "10.2.0.0/16", oif: "v2" });
      await ipr.route("add", {
        dst: "10.3.0.0/16",
        gateway: "10.0.0.2",
        table: 1000,
        priority: 7,
        proto: "static",
        metrics: { mtu: 1400, hoplimit: 30, advmss: 1360 },
      });
      await ipr.route("add", { dst: "default", gateway: "10.0.1.2", table: 100000 });
      await ipr.route("add", { dst: "10.4.0.0/24", type: "blackhole" });
      await ipr.route("add", { dst: "10.5.0.0/24", type: "unreachable", priority: 9 });
      await ipr.route("add", { dst: "10.6.0.0/24", type: "prohibit", table: 300 });
      await ipr.route(
        "add",
        { dst: "10.7.0.1", oif: "v0", prefsrc: "10.0.0.1", scope: "link" },
      );
      await ipr.route("add", { dst: "fd01::/64", gateway: "fd00::2" });
      await ipr.route(
        "add",
        { dst: "fd02::/64", oif: "v2", table: 4000000000, proto: 99 },
      );
      await ipr.route("add", { dst: "default", gateway: "fd00:1::2", priority: 5 });
      const { oracle, ours } = await bothViews(ipr, ns);
      assert.deepEqual(ours, oracle);
      // Spot checks in ip's own words.
      const t1000 = ipJson(["-d", "route", "show", "table", "1000"], ns)[0];
      assert.equal(t1000.metric, 7);
      assert.equal(t1000.protocol, "static");
      assert.deepEqual(t1000.metrics, [{ mtu: 1400, hoplimit: 30, advmss: 1360 }]);
      assert.equal(ipJson(["route", "show", "table", "100000"], ns)[0].gateway, "10.0.1.2");
      assert.equal(ipJson(["-6", "route", "show", "table", "4000000000"], ns)[0].dst, "fd02::/64");
      const v6 = ipJson(["-6", "route", "show", "fd01::/64"], ns)[0];
      assert.equal(v6.metric, 1024, "IPv6 routes default to priority 1024, as ip makes them");
      assert.equal(ipJson(["route", "show", "10.7.0.1"], ns)[0].scope, "link");
    });
  });

  it("dumps routes made by ip exactly as ip shows them", async () => {
    await withIPRoute(async (ipr, ns) => {
      twoVethPairs(ns);
      ipLines(
        ns,
        `route add 10.1.0.0/16 via 10.0.0.2 metric 3 proto static
        route add 10.2.0.0/16 dev v2 scope link table 500
        route add 10.3.0.0/16 via 10.0.0.2 mtu 1300 window 20000 table 70000
        route add blackhole 10.4.0.0/16
        route add unreachable 10.5.0.0/16 metric 4
        route add prohibit 10.6.0.0/16
        route add throw 10.8.0.0/16 table 500
        route add 10.9.0.0/16 nexthop via 10.0.0.2 weight 3 nexthop via 10.0.1.2 dev v2 weight 1
        route add fd05::/64 via fd00::2 metric 2048 pref high
        route add fd06::/64 dev v2 proto 200
        -6 route add fd07::/64 nexthop via fd00::2 weight 2 nexthop via fd00:1::2 weight 5`,
      );
      const { oracle, ours } = await bothViews(ipr, ns);
      assert.deepEqual(ours, oracle);
      const mp = (await ipr.getRoutes({ dst: "10.9.0.0/16" }))[0]!;
      assert.deepEqual(
        mp.multipath!.map((h) => [h.gateway, h.weight, h.hops]),
        [["10.0.0.2", 3, 2], ["10.0.1.2", 1, 0]],
      );
    });
  });
});
