/**
 * Shared by the route tests: every route of a namespace as `ip -j -d route`
 * shows it and as nlroute dumps it, in the same terms (iproute2's names
 * mapped explicitly), and the two veth pairs the live tests route over.
 */
import assert from "node:assert/strict";
import type { IPRoute, Route } from "../mod.ts";
import { ip, ipJson } from "./helpers.ts";
import { linkMap, veth } from "./iproute_util.ts";

const TABLE_IDS: Record<string, number> = { main: 254, local: 255, default: 253 };
const PREFS: Record<number, string> = { 0: "medium", 1: "high", 3: "low" };

/** Drops undefined members (through JSON) for deepEqual. */
function clean<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

/** An `ip -j` route entry. */
// deno-lint-ignore no-explicit-any
export type IpRoute = any;

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
  const { dst, table, proto, scope, priority, gateway, oif, prefsrc, metrics, nhId } = r;
  const multipath = r.multipath?.map((h) => {
    assert.equal(h.hops, h.weight! - 1);
    return { gateway: h.gateway, oif: h.oif, weight: h.weight };
  });
  const pref = r.pref === undefined ? undefined : PREFS[r.pref];
  const fields = { dst, table, type: r.routeType, proto, scope, priority, gateway, oif, prefsrc };
  return clean({ ...fields, metrics, multipath, nhId, pref });
}

const order = (x: Record<string, unknown>) =>
  JSON.stringify([x.table, x.dst, x.priority, x.oif, x.gateway]);

/** Every route of both families: ip's view and nlroute's view, sorted the same way. */
export async function bothViews(ipr: IPRoute, ns: string): Promise<{
  oracle: Record<string, unknown>[];
  ours: Record<string, unknown>[];
}> {
  const byName = linkMap(ns);
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

/**
 * Two veth pairs with addresses, all up: v0/v1 with 10.0.0.1/24 and
 * fd00::1/64 on v0, v2/v3 with 10.0.1.1/24 and fd00:1::1/64 on v2.
 */
export function twoVethPairs(ns: string): void {
  veth(ns);
  veth(ns, "v2", "v3");
  for (const l of ["v0", "v1", "v2", "v3"]) ip(["link", "set", l, "up"], ns);
  ip(["addr", "add", "10.0.0.1/24", "dev", "v0"], ns);
  ip(["addr", "add", "10.0.1.1/24", "dev", "v2"], ns);
  ip(["addr", "add", "fd00::1/64", "dev", "v0", "nodad"], ns);
  ip(["addr", "add", "fd00:1::1/64", "dev", "v2", "nodad"], ns);
}
