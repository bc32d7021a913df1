/**
 * IPRoute routes, checked against `ip -j -d route` in throwaway namespaces:
 * every command, multipath weights, metrics, tables above 255, IPv6, dump
 * filters, flush, batches.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { IPRoute, NetlinkError, NetlinkSocket, type Route } from "../mod.ts";
import { buildRouteRequest } from "../iproute/route/request.ts";
import { RT_ROUTE_STRUCTS } from "../core/tables/rt_route.ts";
const RTMSG_SIZE = RT_ROUTE_STRUCTS.rtmsg.size;
import { SETS } from "../iproute/registry.ts";
import { NLM_F } from "../core/constants.ts";
import { RTM } from "../core/tables/constants.ts";
import { ArgumentError } from "../core/errors.ts";
import { ip, ipJson, isRoot } from "./helpers.ts";
import { decodeRequest, snapshot, withIPRoute } from "./iproute_util.ts";

const live = { skip: !isRoot && "needs root for namespaces" };

const TABLE_IDS: Record<string, number> = { main: 254, local: 255, default: 253 };
const PREFS: Record<number, string> = { 0: "medium", 1: "high", 3: "low" };

/** Interface names by index and back, from ip. */
function linkNames(ns: string): { byName: Map<string, number>; byIndex: Map<number, string> } {
  const links = ipJson(["link", "show"], ns) as { ifindex: number; ifname: string }[];
  return {
    byName: new Map(links.map((l) => [l.ifname, l.ifindex])),
    byIndex: new Map(links.map((l) => [l.ifindex, l.ifname])),
  };
}

/** Drops undefined members (through JSON) for deepEqual. */
function clean<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

// deno-lint-ignore no-explicit-any
type IpRoute = any;

/** An `ip -j -d route` entry in nlroute's terms (the names ip uses mapped explicitly). */
function fromIp(j: IpRoute, family: 4 | 6, names: Map<string, number>): Record<string, unknown> {
  const full = family === 4 ? 32 : 128;
  return clean({
    dst: j.dst === "default" || j.dst.includes("/") ? j.dst : `${j.dst}/${full}`,
    table: TABLE_IDS[j.table] ?? Number(j.table),
    type: j.type,
    proto: /^\d+$/.test(j.protocol) ? Number(j.protocol) : j.protocol,
    scope: j.scope,
    priority: j.metric, // ip's "metric" is RTA_PRIORITY
    gateway: j.gateway,
    oif: j.dev === undefined ? undefined : names.get(j.dev),
    prefsrc: j.prefsrc,
    metrics: j.metrics?.[0],
    multipath: j.nexthops?.map((n: IpRoute) => ({
      gateway: n.gateway,
      oif: names.get(n.dev),
      weight: n.weight, // ip's weight; pyroute2's hops = weight - 1
    })),
    nhId: j.nhid,
    pref: j.pref,
  });
}

/** An nlroute route in the same terms. */
function fromNl(r: Route): Record<string, unknown> {
  return clean({
    dst: r.dst,
    table: r.table,
    type: r.routeType,
    proto: r.proto,
    scope: r.scope,
    priority: r.priority,
    gateway: r.gateway,
    oif: r.oif,
    prefsrc: r.prefsrc,
    metrics: r.metrics,
    multipath: r.multipath?.map((h) => {
      assert.equal(h.hops, h.weight! - 1);
      return { gateway: h.gateway, oif: h.oif, weight: h.weight };
    }),
    nhId: r.nhId,
    pref: r.pref === undefined ? undefined : PREFS[r.pref],
  });
}

const order = (x: Record<string, unknown>) =>
  JSON.stringify([x.table, x.dst, x.priority, x.oif, x.gateway]);

/** Every route of both families: ip's view and nlroute's view, sorted the same way. */
async function bothViews(ipr: IPRoute, ns: string) {
  const { byName } = linkNames(ns);
  const oracle = [
    ...ipJson(["-4", "-d", "route", "show", "table", "all"], ns).map((j: IpRoute) =>
      fromIp(j, 4, byName)
    ),
    ...ipJson(["-6", "-d", "route", "show", "table", "all"], ns).map((j: IpRoute) =>
      fromIp(j, 6, byName)
    ),
  ].sort((a, b) => order(a).localeCompare(order(b)));
  const ours = (await ipr.getRoutes()).map(fromNl).sort((a, b) => order(a).localeCompare(order(b)));
  return { oracle, ours };
}

/** Two veth pairs with addresses, all up. */
function setup(ns: string): void {
  ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
  ip(["link", "add", "v2", "type", "veth", "peer", "name", "v3"], ns);
  for (const l of ["v0", "v1", "v2", "v3"]) ip(["link", "set", l, "up"], ns);
  ip(["addr", "add", "10.0.0.1/24", "dev", "v0"], ns);
  ip(["addr", "add", "10.0.1.1/24", "dev", "v2"], ns);
  ip(["addr", "add", "fd00::1/64", "dev", "v0", "nodad"], ns);
  ip(["addr", "add", "fd00:1::1/64", "dev", "v2", "nodad"], ns);
}

describe("IPRoute route: add and dump, both ways (live)", live, () => {
  it("adds routes of every shape; ip sees exactly what nlroute dumps", async () => {
    await withIPRoute(async (ipr, ns) => {
      setup(ns);
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
      setup(ns);
      const r = (args: string) => ip(["route", "add", ...args.split(" ")], ns);
      r("10.1.0.0/16 via 10.0.0.2 metric 3 proto static");
      r("10.2.0.0/16 dev v2 scope link table 500");
      r("10.3.0.0/16 via 10.0.0.2 mtu 1300 window 20000 table 70000");
      r("blackhole 10.4.0.0/16");
      r("unreachable 10.5.0.0/16 metric 4");
      r("prohibit 10.6.0.0/16");
      r("throw 10.8.0.0/16 table 500");
      r("10.9.0.0/16 nexthop via 10.0.0.2 weight 3 nexthop via 10.0.1.2 dev v2 weight 1");
      r("fd05::/64 via fd00::2 metric 2048 pref high");
      r("fd06::/64 dev v2 proto 200");
      ip([
        "-6",
        "route",
        "add",
        "fd07::/64",
        "nexthop",
        "via",
        "fd00::2",
        "weight",
        "2",
        "nexthop",
        "via",
        "fd00:1::2",
        "weight",
        "5",
      ], ns);
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

describe("IPRoute route: multipath weights (live)", live, () => {
  it("writes weight as ip's weight and hops as weight - 1 (pyroute2)", async () => {
    await withIPRoute(async (ipr, ns) => {
      setup(ns);
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

describe("IPRoute route: set, change, replace, append, del, get (live)", live, () => {
  it("replace changes in place and creates when missing", async () => {
    await withIPRoute(async (ipr, ns) => {
      setup(ns);
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
      setup(ns);
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
      setup(ns);
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
      setup(ns);
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
      setup(ns);
      const { byName } = linkNames(ns);
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
      setup(ns);
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

describe("IPRoute route: dump filters and flush (live)", live, () => {
  it("filters by table, oif, proto and type in the kernel, as client-side filtering does", async () => {
    await withIPRoute(async (ipr, ns) => {
      setup(ns);
      const { byName } = linkNames(ns);
      const r = (args: string) => ip(["route", "add", ...args.split(" ")], ns);
      r("10.1.0.0/16 via 10.0.0.2 table 100 proto static");
      r("10.2.0.0/16 via 10.0.1.2 table 100");
      r("10.3.0.0/16 dev v2 table 1000 proto 77");
      r("blackhole 10.4.0.0/16 table 1000");
      r("10.5.0.0/16 dev v0");
      ip(
        ["-6", "route", "add", "fd09::/64", "via", "fd00::2", "table", "100", "proto", "static"],
        ns,
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
      setup(ns);
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

describe("IPRoute route: batch (live)", live, () => {
  it("sends many requests at once, matches every ACK, compiles the same bytes", async () => {
    await withIPRoute(async (ipr, ns) => {
      setup(ns);
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
      assert.equal(first.attrs.oif, linkNames(ns).byName.get("v0"));
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
      setup(ns);
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

describe("IPRoute route: request bytes", () => {
  it("puts tables above 255 in RTA_TABLE with rtm_table 0, and iproute2's defaults", () => {
    const d = decodeRequest(
      buildRouteRequest("add", { dst: "10.1.0.0/16", oif: 3, table: 1000 }),
      RTMSG_SIZE,
      SETS.route,
    );
    assert.equal(d.type, RTM.NEWROUTE);
    assert.equal(d.flags, NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE | NLM_F.EXCL);
    // family, dst_len, src_len, tos, table, protocol (boot), scope (link), type (unicast)
    assert.deepEqual(Array.from(d.header.subarray(0, 8)), [2, 16, 0, 0, 0, 3, 253, 1]);
    assert.equal(d.attrs.table, 1000);
    assert.equal(d.attrs.oif, 3);
    const main = decodeRequest(
      buildRouteRequest("add", { dst: "10.1.0.0/16", gateway: "10.0.0.1" }),
      RTMSG_SIZE,
      SETS.route,
    );
    assert.deepEqual(Array.from(main.header.subarray(0, 8)), [2, 16, 0, 0, 254, 3, 0, 1]);
    assert.equal(main.attrs.table, undefined);
  });

  it("makes IPv6 priority 1024 explicit and writes rtnexthop hops = weight - 1", () => {
    const d = decodeRequest(
      buildRouteRequest("add", {
        dst: "fd00::/64",
        multipath: [{ gateway: "fd00::1", weight: 3 }, { gateway: "fd00::2", oif: 4, hops: 7 }],
      }),
      RTMSG_SIZE,
      SETS.route,
    );
    assert.equal(d.header[0], 10);
    assert.equal(d.attrs.priority, 1024);
    const mp = d.attrs.multipath as Uint8Array;
    // rtnexthop: len u16, flags u8, hops u8, ifindex s32, then RTA_GATEWAY (4 + 16 bytes): 28.
    assert.equal(mp[3], 2);
    assert.equal(mp[28 + 3], 7);
    assert.equal(mp[28 + 4], 4);
    const dl = decodeRequest(
      buildRouteRequest("del", { dst: "fd00::/64" }),
      RTMSG_SIZE,
      SETS.route,
    );
    assert.equal(dl.attrs.priority, undefined, "del matches any priority");
    assert.deepEqual(Array.from(dl.header.subarray(4, 8)), [254, 0, 255, 0]);
  });

  it("encodes metrics by table and refuses unknown ones", () => {
    const d = decodeRequest(
      buildRouteRequest("replace", {
        dst: "10.0.0.0/8",
        oif: 2,
        metrics: { mtu: 1400, hoplimit: 9 },
      }),
      RTMSG_SIZE,
      SETS.route,
    );
    assert.equal(d.flags & (NLM_F.CREATE | NLM_F.REPLACE), NLM_F.CREATE | NLM_F.REPLACE);
    assert.deepEqual(d.attrs.metrics, { mtu: 1400, hoplimit: 9 });
    assert.throws(
      () => buildRouteRequest("add", { dst: "10.0.0.0/8", metrics: { mtuu: 1 } }),
      (e: ArgumentError) => e.argument === "metrics.mtuu",
    );
  });
});
