/**
 * The object kinds IPRoute drives, wired from each object's module.
 *
 * @module
 */
import { decoderOf } from "./message.ts";
import { fieldMatch, type ObjectKind } from "./kind.ts";
import { buildLinkRequest, Link } from "./link.ts";
import { Address, buildAddrRequest } from "./addr.ts";
import { buildRouteRequest, Route, tableId } from "./route.ts";
import { ROUTE_PROTOCOLS, ROUTE_TYPES, SCOPES } from "./names.ts";
import { parsePrefix } from "../core/address.ts";
import type { Spec } from "./spec.ts";

export type { LinkCommand, LinkSpec } from "./link.ts";
export type { AddrSpec } from "./addr.ts";
export type { RouteSpec } from "./route.ts";
export { FDB, type FdbSpec, NEIGH, type NeighSpec } from "./neigh.ts";
export { RULE, type RuleSpec } from "./rule.ts";
export { NEXTHOP, type NexthopSpec } from "./nexthop.ts";

function pick(spec: Spec, keys: readonly string[]): Spec {
  const out: Spec = {};
  for (const k of keys) if (spec[k] !== undefined) out[k] = spec[k];
  return out;
}

/** Links. */
export const LINK: ObjectKind<Link> = {
  name: "link",
  build: buildLinkRequest,
  decode: decoderOf(Link),
  linkRefs: ["index", "master", "link"],
  match: (spec) =>
    fieldMatch(
      pick(spec, [
        "index",
        "ifname",
        "kind",
        "master",
        "link",
        "state",
        "mtu",
        "address",
        "txqlen",
        "group",
      ]),
      {},
    ),
};

/** Addresses. */
export const ADDR: ObjectKind<Address> = {
  name: "addr",
  build: buildAddrRequest,
  decode: decoderOf(Address),
  linkRefs: ["index"],
  match: (spec) => {
    const s = pick(spec, [
      "index",
      "address",
      "prefixlen",
      "local",
      "label",
      "scope",
      "broadcast",
      "family",
    ]);
    if (typeof s.address === "string" && s.address.includes("/")) {
      const p = parsePrefix(s.address, "address");
      s.address = p.address;
      s.prefixlen ??= p.prefixlen;
    }
    if (s.family === "inet") s.family = 2;
    if (s.family === "inet6") s.family = 10;
    return fieldMatch(s, { scope: (v) => SCOPES.name(SCOPES.value(v, "scope")) });
  },
};

/** Routes. */
export const ROUTE: ObjectKind<Route> = {
  name: "route",
  build: buildRouteRequest,
  decode: decoderOf(Route),
  linkRefs: ["oif", "iif"],
  nestedLinkRefs: { multipath: ["oif"] },
  // Not oif: the kernel matches any next hop of a multipath route, Route.oif only RTA_OIF.
  kernelFilters: ["table", "proto", "type"],
  match: (spec) => {
    const s = pick(spec, [
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
    ]);
    if (spec.type !== undefined) s.routeType = spec.type;
    if (typeof s.dst === "string" && s.dst !== "default" && !s.dst.includes("/")) {
      const p = parsePrefix(s.dst, "dst");
      s.dst = `${p.address}/${p.prefixlen}`;
    }
    if (s.family === "inet") s.family = 2;
    if (s.family === "inet6") s.family = 10;
    return fieldMatch(s, {
      table: (v) => tableId(v),
      proto: (v) => ROUTE_PROTOCOLS.name(ROUTE_PROTOCOLS.value(v, "proto")),
      scope: (v) => SCOPES.name(SCOPES.value(v, "scope")),
      routeType: (v) => ROUTE_TYPES.name(ROUTE_TYPES.value(v, "type")),
    });
  },
};
