/**
 * IPRoute route dumps filtered in the kernel (strict sockets) and on the
 * client (lax ones), the same sets as ip's own filters, and flushRoutes.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { IPRoute, type Route } from "../mod.ts";
import { ipJson } from "./helpers.ts";
import { ipLines, linkMap, live, withIPRoute } from "./iproute_util.ts";
import { type IpRoute, twoVethPairs } from "./iproute_route_util.ts";

describe("IPRoute route: dump filters and flush (live)", live, () => {
  it("filters by table, oif, proto and type in the kernel, as client-side filtering does", async () => {
    await withIPRoute(async (ipr, ns) => {
      twoVethPairs(ns);
      const byName = linkMap(ns);
      ipLines(
        ns,
        `route add 10.1.0.0/16 via 10.0.0.2 table 100 proto static
        route add 10.2.0.0/16 via 10.0.1.2 table 100
        route add 10.3.0.0/16 dev v2 table 1000 proto 77
        route add blackhole 10.4.0.0/16 table 1000
        route add 10.5.0.0/16 dev v0
        -6 route add fd09::/64 via fd00::2 table 100 proto static`,
      );
      const lax = await IPRoute.open({ netns: ns, strict: false });
      try {
        const key = (x: Route) =>
          `${x.family} ${x.table} ${x.dst} ${x.oif} ${x.routeType} ${x.proto}`;
        const all = await ipr.getRoutes();
        const filters: [Record<string, unknown>, (x: Route) => boolean][] = [
          [{ table: 100 }, (x) => x.table === 100],
          [{ table: 1000 }, (x) => x.table === 1000],
          [{ table: "main" }, (x) => x.table === 254],
          [{ table: "local", family: "inet" }, (x) => x.table === 255 && x.family === 2],
          [{ oif: "v2" }, (x) => x.oif === byName.get("v2")],
          [{ oif: byName.get("v0") }, (x) => x.oif === byName.get("v0")],
          [{ proto: "static" }, (x) => x.proto === "static"],
          [{ proto: 77 }, (x) => x.proto === 77],
          [{ type: "blackhole" }, (x) => x.routeType === "blackhole"],
          [{ table: 100, family: "inet6" }, (x) => x.table === 100 && x.family === 10],
          [{ table: 100, oif: "v0" }, (x) => x.table === 100 && x.oif === byName.get("v0")],
          [{ dst: "10.2.0.0/16" }, (x) => x.dst === "10.2.0.0/16"],
          [{ gateway: "10.0.1.2" }, (x) => x.gateway === "10.0.1.2"],
        ];
        for (const [f, pred] of filters) {
          const expect = all.filter(pred).map(key).sort();
          assert.ok(expect.length > 0, JSON.stringify(f));
          assert.deepEqual(
            (await ipr.route("dump", f).all()).map(key).sort(),
            expect,
            JSON.stringify(f),
          );
          assert.deepEqual(
            (await lax.route("dump", f).all()).map(key).sort(),
            expect,
            JSON.stringify(f),
          );
        }
        // The same sets as ip's own filters.
        assert.deepEqual(
          (await ipr.getRoutes({ table: 100, family: "inet" })).map((x) => x.dst).sort(),
          ipJson(["route", "show", "table", "100"], ns).map((j: IpRoute) => j.dst).sort(),
        );
        assert.deepEqual(
          (await ipr.getRoutes({ proto: "static", family: "inet", table: 100 })).map((x) => x.dst),
          ipJson(["route", "show", "table", "100", "proto", "static"], ns).map((j: IpRoute) =>
            j.dst
          ),
        );
      } finally {
        lax.close();
      }
    });
  });

  it("flushRoutes removes what matches and nothing else", async () => {
    await withIPRoute(async (ipr, ns) => {
      twoVethPairs(ns);
      for (let i = 0; i < 20; i++) {
        await ipr.route("add", { dst: `10.50.${i}.0/24`, gateway: "10.0.0.2", table: 100 });
      }
      await ipr.route("add", { dst: "fd50::/64", gateway: "fd00::2", table: 100 });
      await ipr.route("add", { dst: "10.60.0.0/16", gateway: "10.0.0.2", table: 200 });
      await ipr.route("add", { dst: "10.61.0.0/16", gateway: "10.0.0.2", proto: "static" });
      await ipr.route("add", { dst: "fd60::/64", gateway: "fd00::2", table: 100, priority: 9 });
      assert.equal(await ipr.flushRoutes({ table: 100, family: "inet" }), 20);
      assert.deepEqual(ipJson(["route", "show", "table", "100"], ns), []);
      assert.equal(ipJson(["-6", "route", "show", "table", "100"], ns).length, 2);
      assert.equal(await ipr.flushRoutes({ table: 100 }), 2);
      assert.deepEqual(ipJson(["-6", "route", "show", "table", "100"], ns), []);
      assert.equal(await ipr.flushRoutes({ proto: "static" }), 1);
      assert.deepEqual(ipJson(["route", "show", "10.61.0.0/16"], ns), []);
      assert.equal(ipJson(["route", "show", "table", "200"], ns).length, 1);
      // Kernel routes of the main table are untouched.
      assert.equal(ipJson(["route", "show", "proto", "kernel"], ns).length, 2);
    });
  });
});
