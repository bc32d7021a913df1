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
/** The netconf object type: events only. */
export type NetconfObject = ObjectDef<
  "netconf",
  Netconf,
  Record<string, never>,
  never,
  typeof RTM.NEWNETCONF | typeof RTM.DELNETCONF
>;

export const NETCONF: NetconfObject = defineObject({
  name: "netconf",
  result: Netconf,
  commands: {},
  events: [RTM.NEWNETCONF, RTM.DELNETCONF],
  groups: { "ipv4-netconf": RTNLGRP.IPV4_NETCONF, "ipv6-netconf": RTNLGRP.IPV6_NETCONF },
  build: (cmd) => unknownCommand({}, cmd, "netconf"),
  linkRefs: [],
  match: (spec) => fieldMatch<Netconf>(spec),
  key: (n) => `${n.family}|${n.index}`,
});
