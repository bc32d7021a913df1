/**
 * The netconf object type: events only (per-interface IP configuration
 * changes).
 *
 * @module
 */
import { RTM, RTNLGRP } from "../../core/tables/constants.ts";
import { fieldMatch } from "../match.ts";
import { defineObject, type ObjectDef } from "../object.ts";
import { unknownCommand } from "../spec.ts";
import { Netconf } from "./netconf.ts";

/** Netconf (events of per-interface IP configuration; no commands yet). */
/** The multicast groups of its notifications, by name. */
export const NETCONF_GROUPS = {
  "ipv4-netconf": RTNLGRP.IPV4_NETCONF,
  "ipv6-netconf": RTNLGRP.IPV6_NETCONF,
} as const;

/** The netconf object type: events only. */
export type NetconfObject = ObjectDef<
  "netconf",
  Netconf,
  Record<string, never>,
  never,
  typeof RTM.NEWNETCONF | typeof RTM.DELNETCONF,
  keyof typeof NETCONF_GROUPS
>;

/** Per-interface IP configuration (netconf): events and dumps. */
export const NETCONF: NetconfObject = defineObject({
  name: "netconf",
  result: Netconf,
  commands: {},
  events: [RTM.NEWNETCONF, RTM.DELNETCONF],
  groups: NETCONF_GROUPS,
  build: (cmd) => unknownCommand({}, cmd, "netconf"),
  linkRefs: [],
  match: (spec) => fieldMatch<Netconf>(spec),
  key: (n) => `${n.family}|${n.index}`,
});
