/**
 * The netconf object type: `get`, `dump` and events (per-interface IP
 * configuration changes).
 *
 * @module
 */
import { RTM, RTNLGRP } from "../../core/tables/constants.ts";
import { fieldMatch } from "../match.ts";
import { defineObject, type ObjectDef } from "../object.ts";
import type { Spec } from "../spec.ts";
import { Netconf } from "./netconf.ts";
import {
  buildNetconfRequest,
  NETCONF_COMMANDS,
  NETCONF_PSEUDO,
  netconfFamily,
  netconfIndex,
  type NetconfSpec,
} from "./request.ts";

/** The multicast groups of its notifications, by name. */
export const NETCONF_GROUPS = {
  "ipv4-netconf": RTNLGRP.IPV4_NETCONF,
  "ipv6-netconf": RTNLGRP.IPV6_NETCONF,
  "mpls-netconf": RTNLGRP.MPLS_NETCONF,
} as const;

/** The netconf object type: its name, result, spec, commands, events and groups. */
export type NetconfObject = ObjectDef<
  "netconf",
  Netconf,
  NetconfSpec,
  keyof typeof NETCONF_COMMANDS,
  typeof RTM.NEWNETCONF | typeof RTM.DELNETCONF,
  keyof typeof NETCONF_GROUPS
>;

function matcher(spec: Spec): ((n: Netconf) => boolean) | undefined {
  const s: Spec = {};
  if (spec.index !== undefined) s.index = netconfIndex(spec.index);
  if (spec.family !== undefined) s.family = netconfFamily(spec.family);
  return fieldMatch<Netconf>(s);
}

/** Per-interface IP configuration (netconf): `get`, `dump`, events. */
export const NETCONF: NetconfObject = defineObject({
  name: "netconf",
  result: Netconf,
  commands: NETCONF_COMMANDS,
  events: [RTM.NEWNETCONF, RTM.DELNETCONF],
  groups: NETCONF_GROUPS,
  build: (cmd, spec: NetconfSpec) => buildNetconfRequest(cmd, spec),
  linkRefs: ["index"],
  linkWords: NETCONF_PSEUDO,
  match: matcher,
  kernelFilters: ["family"],
  key: (n) => `${n.family}|${n.index}`,
});
