/**
 * Every identity IPDB uses for kernel objects, in one place: the rule key and
 * address key are the object types' own (iproute/<object>/object.ts; the
 * route id, the route object type's `routeKey`, is compared on the message
 * bytes by route_store.ts); here they are applied to records, with the neighbour key and
 * the matches that tell which kernel object a committed spec became. Also the
 * well-known table numbers IPDB uses.
 *
 * @module
 */
import { AF_INET, AF_INET6, parsePrefix } from "../core/address.ts";
import type { Address } from "../iproute/addr/address.ts";
import type { Neighbour } from "../iproute/neigh/neighbour.ts";
import type { Route } from "../iproute/route/route.ts";
import type { Rule } from "../iproute/rule/rule.ts";
import { fieldMatch } from "../iproute/match.ts";
import { ruleKey } from "../iproute/rule/object.ts";
import { addrKey } from "../iproute/addr/object.ts";
import { FAMILIES, TABLES } from "../iproute/names.ts";
import type { Spec } from "../iproute/spec.ts";

/** The main routing table (254). */
export const MAIN_TABLE: number = TABLES.value("main", "table");
/** The local routing table (255). */
export const LOCAL_TABLE: number = TABLES.value("local", "table");

/** The kernel's priority of an IPv6 route added without one (IP6_RT_PRIO_USER). */
const IPV6_DEFAULT_PRIORITY = 1024;

/** Canonical destination of a spec: `"10.0.0.0/24"` or `"default"`. */
export function canonicalDst(dst: unknown): string {
  if (dst === undefined || dst === "default") return "default";
  const p = parsePrefix(dst, "dst");
  return p.prefixlen === 0 ? "default" : `${p.address}/${p.prefixlen}`;
}

/** The key of a rule or rule spec (the rule object type's identity). */
export { ruleKey };

/** The key a kernel rule is filed under. */
export function ruleKeyOf(r: Rule): string {
  return ruleKey(r.key());
}

/** The key of an address of an interface: `"10.0.0.1/24"` (the address object type's). */
export { addrKey };

/** The key a kernel address is filed under on its interface. */
export function addrKeyOf(a: Address): string {
  return addrKey(a.address ?? "", a.prefixlen);
}

/** The key a kernel neighbour is filed under on its interface: destination, else link address. */
export function neighKey(n: Neighbour): string {
  return n.dst ?? n.lladdr ?? "";
}

/** The family a route spec will have: given, else its destination's or gateway's, else IPv4. */
function specFamily(spec: Spec): number {
  if (spec.family !== undefined) return FAMILIES.value(spec.family, "family");
  for (const v of [spec.dst, spec.gateway]) {
    if (typeof v === "string" && v !== "default") return parsePrefix(v, "dst").family;
  }
  return AF_INET;
}

/**
 * Whether the kernel route `r` is what adding `spec` made: same table,
 * family, destination, tos and priority (the kernel's defaults applied), and
 * the gateway, output interface and next hops the spec names. `indexOf`
 * resolves interface names.
 */
export function routeMatches(
  spec: Spec,
  r: Route,
  indexOf: (name: string) => number | undefined,
): boolean {
  const i = r.identity();
  const family = specFamily(spec);
  const table = spec.table === undefined ? MAIN_TABLE : TABLES.value(spec.table, "table", -1 >>> 0);
  if (i.family !== family || i.table !== table || i.dst !== canonicalDst(spec.dst)) return false;
  if (i.tos !== ((spec.tos as number | undefined) ?? 0)) return false;
  const p = (spec.priority as number | undefined) || undefined;
  const priority = family === AF_INET6 ? p ?? IPV6_DEFAULT_PRIORITY : p;
  if (i.priority !== priority) return false;
  const oif = typeof spec.oif === "string" ? indexOf(spec.oif) : spec.oif;
  const m = fieldMatch<Route>({ gateway: spec.gateway, oif }, {});
  if (m && !m(r)) return false;
  const hops = spec.multipath as unknown[] | undefined;
  return hops === undefined || (r.multipath?.length ?? 0) === hops.length;
}

/** Whether the kernel rule `r` is what adding `spec` made (every field the spec gives). */
export function ruleMatches(spec: Spec, r: Rule): boolean {
  const wanted: Spec = { ...spec };
  delete wanted.protocol;
  const m = fieldMatch<Spec>(wanted, {
    table: (v) => TABLES.value(v, "table", -1 >>> 0),
    family: (v) => FAMILIES.value(v, "family"),
  });
  return !m || m(r.key());
}
