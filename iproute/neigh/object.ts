/**
 * The neighbour and forwarding-entry object types (both RTM_*NEIGH messages;
 * forwarding entries are the AF_BRIDGE ones).
 *
 * @module
 */
import { AF_BRIDGE } from "../../core/address.ts";
import { RTM, RTNLGRP } from "../../core/tables/constants.ts";
import { fieldMatch, pick } from "../match.ts";
import { defineObject, type ObjectDef } from "../object.ts";
import { flagMask } from "../names.ts";
import type { Spec } from "../spec.ts";
import { Neighbour } from "./neighbour.ts";
import {
  buildFdbRequest,
  buildNeighRequest,
  FDB_COMMANDS,
  type FdbSpec,
  fdbState,
  NEIGH_COMMANDS,
  neighFamily,
  type NeighSpec,
  nudState,
} from "./request.ts";

function matcher(spec: Spec, bridge: boolean): ((n: Neighbour) => boolean) | undefined {
  // An IP neighbour does not carry its device's master: IPRoute checks that one.
  const s = pick(spec, [
    "index",
    "dst",
    "lladdr",
    "vlan",
    "vni",
    "nhId",
    ...(bridge ? ["master"] : []),
  ]);
  if (!bridge && spec.family !== undefined) s.family = neighFamily(spec.family);
  if (bridge) s.family = AF_BRIDGE;
  const base = fieldMatch<Neighbour>(s);
  const state = spec.state === undefined
    ? undefined
    : (bridge ? fdbState : nudState)(spec.state, "state");
  const flags = spec.flags === undefined ? undefined : flagMask("ntfFlags", spec.flags, "flags");
  if (state === undefined && flags === undefined) return base;
  return (n) =>
    (!base || base(n)) &&
    (state === undefined || (n.stateValue & state) === state || n.stateValue === state) &&
    (flags === undefined ||
      (flagMask("ntfFlags", n.flags.filter((x) => !x.startsWith("0x")), "flags") & flags) ===
        flags);
}

/** The identity of a neighbour entry on its interface: its IP address (or, for fdb, its MAC). */
function neighKey(n: Neighbour): string {
  return `${n.family}|${n.index}|${n.dst ?? n.lladdr ?? ""}|${n.vlan ?? ""}`;
}

/** The spec that deletes exactly `n`. */
function neighSelector(n: Neighbour): Spec {
  const s: Spec = { index: n.index };
  if (n.dst !== undefined) s.dst = n.dst;
  if (n.family === AF_BRIDGE) {
    if (n.lladdr !== undefined) s.lladdr = n.lladdr;
    if (n.vlan !== undefined) s.vlan = n.vlan;
  }
  return s;
}

/** Neighbours. */
/** The multicast groups of its notifications, by name. */
export const NEIGH_GROUPS = { neigh: RTNLGRP.NEIGH } as const;

/** The neigh object type: its name, result, spec, commands and event message types. */
export type NeighObject = ObjectDef<
  "neigh",
  Neighbour,
  NeighSpec,
  keyof typeof NEIGH_COMMANDS,
  typeof RTM.NEWNEIGH | typeof RTM.DELNEIGH,
  keyof typeof NEIGH_GROUPS
>;

/** IP neighbours (ARP / NDP entries). */
export const NEIGH: NeighObject = defineObject({
  name: "neigh",
  result: Neighbour,
  commands: NEIGH_COMMANDS,
  events: [RTM.NEWNEIGH, RTM.DELNEIGH],
  groups: NEIGH_GROUPS,
  build: (cmd, spec: NeighSpec) => buildNeighRequest(cmd, spec),
  linkRefs: ["index", "master"],
  masterPortKey: "index",
  match: (spec) => matcher(spec, false),
  key: neighKey,
  selector: neighSelector,
});

/** Bridge forwarding entries (their events are the neighbour ones, family AF_BRIDGE). */
/** The fdb object type (no events of its own: they are the neighbour ones). */
export type FdbObject = ObjectDef<
  "fdb",
  Neighbour,
  FdbSpec,
  keyof typeof FDB_COMMANDS,
  never,
  never
>;

/** Bridge forwarding database entries (AF_BRIDGE neighbours). */
export const FDB: FdbObject = defineObject({
  name: "fdb",
  result: Neighbour,
  commands: FDB_COMMANDS,
  build: (cmd, spec: FdbSpec) => buildFdbRequest(cmd, spec),
  linkRefs: ["index", "master"],
  match: (spec) => matcher(spec, true),
  key: neighKey,
  selector: neighSelector,
});
