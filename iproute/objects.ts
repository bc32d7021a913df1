/**
 * Every rtnetlink object type IPRoute drives, in one registry: IPRoute's and
 * Batch's methods, the event decoder, the monitor's group names and IPDB's
 * keys all derive from these declarations.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import type { AnyObjectDef } from "./object.ts";
import { LINK } from "./link/object.ts";
import { ADDR } from "./addr/object.ts";
import { ROUTE } from "./route/object.ts";
import { FDB, NEIGH } from "./neigh/object.ts";
import { RULE } from "./rule/object.ts";
import { NEXTHOP } from "./nexthop/object.ts";
import { NETCONF } from "./netconf/object.ts";
import { NSID } from "./nsid/object.ts";
import { NTABLE } from "./ntable/object.ts";
import { ADDRLABEL } from "./addrlabel/object.ts";
import { STATS } from "./stats/object.ts";
import { VLAN } from "./vlan/object.ts";
import { MDB } from "./mdb/object.ts";
import { VLANDB } from "./vlandb/object.ts";
import { FILTER, QDISC, TCLASS } from "./tc/object.ts";
import { ACTION } from "./tc/standalone.ts";

export {
  ACTION,
  ADDR,
  ADDRLABEL,
  FDB,
  FILTER,
  LINK,
  MDB,
  NEIGH,
  NETCONF,
  NEXTHOP,
  NSID,
  NTABLE,
  QDISC,
  ROUTE,
  RULE,
  STATS,
  TCLASS,
  VLAN,
  VLANDB,
};
export type { AddrObject } from "./addr/object.ts";
export type { LinkObject } from "./link/object.ts";
export type { RouteObject } from "./route/object.ts";
export type { FdbObject, NeighObject } from "./neigh/object.ts";
export type { RuleObject } from "./rule/object.ts";
export type { NexthopObject } from "./nexthop/object.ts";
export type { NetconfObject } from "./netconf/object.ts";
export type { NsidObject } from "./nsid/object.ts";
export type { NeighTableObject } from "./ntable/object.ts";
export type { AddrLabelObject } from "./addrlabel/object.ts";
export type { StatsObject } from "./stats/object.ts";
export type { VlanObject } from "./vlan/object.ts";
export type { MdbObject } from "./mdb/object.ts";
export type { VlanDbObject } from "./vlandb/object.ts";
export type { FilterObject, QdiscObject, TclassObject } from "./tc/object.ts";
export type { ActionObject } from "./tc/standalone.ts";

/** The object types with commands, by name (what `ensure()` and batches take). */
export const OBJECTS = {
  link: LINK,
  addr: ADDR,
  route: ROUTE,
  neigh: NEIGH,
  fdb: FDB,
  rule: RULE,
  nexthop: NEXTHOP,
} as const;

/** The name of an object type with commands (`"link"`, `"route"`, …). */
export type ObjectName = keyof typeof OBJECTS;

/** The object types whose notifications the event decoder turns into typed events. */
export const EVENT_OBJECTS = [
  LINK,
  ADDR,
  ROUTE,
  NEIGH,
  RULE,
  NEXTHOP,
  NETCONF,
  NSID,
  MDB,
  QDISC,
  TCLASS,
  FILTER,
  ACTION,
] as const;

/** The object type of each notification message type (RTM_NEWLINK → link, …). */
export const BY_MESSAGE: readonly (AnyObjectDef | undefined)[] = (() => {
  const out: (AnyObjectDef | undefined)[] = [];
  for (const def of EVENT_OBJECTS) for (const t of def.events ?? []) out[t] = def;
  return out;
})();

/**
 * The object type named `name`, or an ArgumentError naming `argument`.
 */
export function objectNamed(name: unknown, argument: string): AnyObjectDef {
  if (typeof name === "string" && Object.hasOwn(OBJECTS, name)) {
    return OBJECTS[name as ObjectName] as AnyObjectDef;
  }
  throw new ArgumentError(argument, `one of ${Object.keys(OBJECTS).join(", ")}`, name);
}
