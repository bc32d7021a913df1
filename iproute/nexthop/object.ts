/**
 * The nexthop object type: commands, events, groups, dump filters, identity.
 *
 * @module
 */
import { RTM, RTNLGRP } from "../../core/tables/constants.ts";
import { fieldMatch, pick } from "../match.ts";
import { defineObject, type ObjectDef } from "../object.ts";
import { Nexthop } from "./nexthop.ts";
import { buildNexthopRequest, NEXTHOP_COMMANDS, type NexthopSpec } from "./request.ts";

/** The multicast groups of its notifications, by name. */
export const NEXTHOP_GROUPS = { nexthop: RTNLGRP.NEXTHOP } as const;

/** The nexthop object type: its name, result, spec, commands and event message types. */
export type NexthopObject = ObjectDef<
  "nexthop",
  Nexthop,
  NexthopSpec,
  keyof typeof NEXTHOP_COMMANDS,
  typeof RTM.NEWNEXTHOP | typeof RTM.DELNEXTHOP,
  keyof typeof NEXTHOP_GROUPS
>;

/** Nexthop objects. */
export const NEXTHOP: NexthopObject = defineObject({
  name: "nexthop",
  result: Nexthop,
  commands: NEXTHOP_COMMANDS,
  events: [RTM.NEWNEXTHOP, RTM.DELNEXTHOP],
  groups: NEXTHOP_GROUPS,
  build: (cmd, spec: NexthopSpec) => buildNexthopRequest(cmd, spec),
  linkRefs: ["oif", "master"],
  masterPortKey: "oif",
  match: (spec) => {
    const base = fieldMatch<Nexthop>(pick(spec, ["id", "gateway", "oif"]));
    if (spec.groups === undefined && spec.fdb === undefined && spec.blackhole === undefined) {
      return base;
    }
    return (n) =>
      (!base || base(n)) && (spec.groups !== true || n.group !== undefined) &&
      (spec.fdb === undefined || n.fdb === spec.fdb) &&
      (spec.blackhole === undefined || n.blackhole === spec.blackhole);
  },
  key: (n) => String(n.id),
  selector: (n) => ({ id: n.id }),
});
