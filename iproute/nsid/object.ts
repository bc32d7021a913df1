/**
 * The namespace id object type: commands, events, group, identity.
 *
 * @module
 */
import { RTM, RTNLGRP } from "../../core/tables/constants.ts";
import { fieldMatch, pick } from "../match.ts";
import { defineObject, type ObjectDef } from "../object.ts";
import { Nsid } from "./nsid.ts";
import { buildNsidRequest, NSID_COMMANDS, type NsidSpec } from "./request.ts";

/** The multicast groups of its notifications, by name. */
export const NSID_GROUPS = { nsid: RTNLGRP.NSID } as const;

/** The namespace id object type: its name, result, spec, commands and event message types. */
export type NsidObject = ObjectDef<
  "nsid",
  Nsid,
  NsidSpec,
  keyof typeof NSID_COMMANDS,
  typeof RTM.NEWNSID | typeof RTM.DELNSID,
  keyof typeof NSID_GROUPS
>;

/** Namespace ids. */
export const NSID: NsidObject = defineObject({
  name: "nsid",
  result: Nsid,
  commands: NSID_COMMANDS,
  events: [RTM.NEWNSID, RTM.DELNSID],
  groups: NSID_GROUPS,
  build: (cmd, spec: NsidSpec) => buildNsidRequest(cmd, spec),
  linkRefs: [],
  match: (spec) => fieldMatch<Nsid>(pick(spec, ["nsid"])),
  key: (n) => String(n.nsid),
});
