/**
 * The route object type: commands, events, groups, dump filters, identity.
 *
 * @module
 */
import { holdPinnedPrograms } from "./pins.ts";
import { AF_INET6, parsePrefix } from "../../core/address.ts";
import { RTM, RTNLGRP } from "../../core/tables/constants.ts";
import { fieldMatch, pick } from "../match.ts";
import { defineObject, type ObjectDef } from "../object.ts";
import { ROUTE_PROTOCOLS, ROUTE_TYPES, SCOPES } from "../names.ts";
import { family, type Spec } from "../spec.ts";
import { buildRouteRequest, ROUTE_COMMANDS, type RouteSpec, tableId } from "./request.ts";
import { Route, type RouteIdentity } from "./route.ts";

/**
 * The identity of a kernel route as a string: table, family, destination,
 * tos, priority, and for IPv6 the output interface (IPv6 keeps same-prefix
 * routes per device; a multipath IPv6 route has none).
 */
export function routeKey(r: RouteIdentity): string {
  const v6dev = r.family === AF_INET6 && !r.multipath ? String(r.oif ?? "") : "";
  return `${r.table}|${r.family}|${r.dst}|${r.tos}|${r.priority ?? ""}|${v6dev}`;
}

/** The fields that select exactly `r` for deletion. */
function routeSelector(r: Route): Spec {
  const key: Spec = {
    family: r.family,
    table: r.table,
    type: r.routeType,
    proto: r.proto,
    scope: r.scope,
    dst: r.dst,
  };
  if (r.priority !== undefined) key.priority = r.priority;
  if (r.oif !== undefined) key.oif = r.oif;
  if (r.tos) key.tos = r.tos;
  if (r.src) key.src = r.src;
  return key;
}

const FILTER_KEYS = [
  "dst",
  "gateway",
  "oif",
  "iif",
  "prefsrc",
  "priority",
  "table",
  "proto",
  "scope",
  "family",
  "nhId",
  "tos",
];

/** Routes. */
/** The multicast groups of its notifications, by name. */
export const ROUTE_GROUPS = {
  "ipv4-route": RTNLGRP.IPV4_ROUTE,
  "ipv6-route": RTNLGRP.IPV6_ROUTE,
} as const;

/** The route object type: its name, result, spec, commands and event message types. */
export type RouteObject = ObjectDef<
  "route",
  Route,
  RouteSpec,
  keyof typeof ROUTE_COMMANDS,
  typeof RTM.NEWROUTE | typeof RTM.DELROUTE,
  keyof typeof ROUTE_GROUPS
>;

/** Routes. */
export const ROUTE: RouteObject = defineObject({
  name: "route",
  result: Route,
  commands: ROUTE_COMMANDS,
  events: [RTM.NEWROUTE, RTM.DELROUTE],
  groups: ROUTE_GROUPS,
  build: (cmd, spec: RouteSpec) => buildRouteRequest(cmd, spec),
  hold: holdPinnedPrograms,
  linkRefs: ["oif", "iif"],
  nestedLinkRefs: { multipath: ["oif"], encap: ["iif", "oif"] },
  // Not oif: the kernel matches any next hop of a multipath route, Route.oif only RTA_OIF.
  // family: the header's rtm_family selects which family's routes are dumped at all.
  kernelFilters: ["table", "proto", "type", "family"],
  // A table the family does not have (an IPv6 dump of an IPv4-only table): no routes.
  emptyDumpErrors: ["ENOENT"],
  match: (spec) => {
    const s = pick(spec, FILTER_KEYS);
    if (spec.type !== undefined) s.routeType = spec.type;
    if (typeof s.dst === "string" && s.dst !== "default" && !s.dst.includes("/")) {
      const p = parsePrefix(s.dst, "dst");
      s.dst = `${p.address}/${p.prefixlen}`;
    }
    if (s.family !== undefined) s.family = family(s.family, undefined, "family");
    return fieldMatch<Route>(s, {
      table: (v) => tableId(v),
      proto: (v) => ROUTE_PROTOCOLS.name(ROUTE_PROTOCOLS.value(v, "proto")),
      scope: (v) => SCOPES.name(SCOPES.value(v, "scope")),
      routeType: (v) => ROUTE_TYPES.name(ROUTE_TYPES.value(v, "type")),
    });
  },
  key: (r) => routeKey(r.identity()),
  selector: routeSelector,
});
