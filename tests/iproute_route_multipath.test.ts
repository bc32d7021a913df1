/**
 * IPRoute multipath routes: weight written as ip's weight and hops as
 * weight - 1 (pyroute2's), IPv4 and IPv6, checked against `ip -j route`.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ipJson } from "./helpers.ts";
import { live, withIPRoute } from "./iproute_util.ts";
import { bothViews, type IpRoute, twoVethPairs } from "./iproute_route_util.ts";

describe("IPRoute route: multipath weights (live)", live, () => {
  it("writes weight as ip's weight and hops as weight - 1 (pyroute2)", async () => {
    await withIPRoute(async (ipr, ns) => {
      twoVethPairs(ns);
      await ipr.route("add", {
        dst: "10.10.0.0/16",
        multipath: [
          { gateway: "10.0.0.2", weight: 3 },
          { gateway: "10.0.1.2", oif: "v2", hops: 4 },
          { gateway: "10.0.0.3" },
        ],
      });
      await ipr.route("add", {
        dst: "fd10::/64",
        multipath: [{ gateway: "fd00::2", weight: 10 }, { gateway: "fd00:1::2", hops: 0 }],
      });
      const j = ipJson(["route", "show", "10.10.0.0/16"], ns)[0];
      assert.deepEqual(
        j.nexthops.map((n: IpRoute) => [n.gateway, n.dev, n.weight]),
        [["10.0.0.2", "v0", 3], ["10.0.1.2", "v2", 5], ["10.0.0.3", "v0", 1]],
      );
      const j6 = ipJson(["-6", "route", "show", "fd10::/64"], ns)[0];
      assert.deepEqual(
        j6.nexthops.map((n: IpRoute) => [n.gateway, n.weight]),
        [["fd00::2", 10], ["fd00:1::2", 1]],
      );
      const { oracle, ours } = await bothViews(ipr, ns);
      assert.deepEqual(ours, oracle);
    });
  });
});
