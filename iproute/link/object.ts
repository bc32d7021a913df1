/**
 * The link object type: commands, events, groups, dump filters, identity.
 *
 * @module
 */
import { RTM, RTNLGRP } from "../../core/tables/constants.ts";
import { fieldMatch, pick } from "../match.ts";
import { defineObject, type ObjectDef } from "../object.ts";
import { Link } from "./link.ts";
import { buildLinkRequest, LINK_COMMANDS, type LinkSpec } from "./request.ts";

const FILTER_KEYS = [
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
];

/** Links. */
/** The multicast groups of its notifications, by name. */
export const LINK_GROUPS = { link: RTNLGRP.LINK } as const;

/** The link object type: its name, result, spec, commands and event message types. */
export type LinkObject = ObjectDef<
  "link",
  Link,
  LinkSpec,
  keyof typeof LINK_COMMANDS,
  typeof RTM.NEWLINK | typeof RTM.DELLINK,
  keyof typeof LINK_GROUPS
>;

/** Network interfaces (links). */
export const LINK: LinkObject = defineObject({
  name: "link",
  result: Link,
  commands: LINK_COMMANDS,
  events: [RTM.NEWLINK, RTM.DELLINK],
  groups: LINK_GROUPS,
  build: (cmd, spec: LinkSpec) => buildLinkRequest(cmd, spec),
  linkRefs: ["index", "master", "link"],
  // Kind data names the underlying device as `link` (vxlan, gre, ip tunnels, …).
  nestedLinkRefs: { data: ["link"] },
  match: (spec) => fieldMatch<Link>(pick(spec, FILTER_KEYS)),
  split: (cmd, spec) => {
    if (
      (cmd !== "set" && cmd !== "change") || spec.master === undefined || spec.brport === undefined
    ) {
      return [spec];
    }
    const { brport, ...rest } = spec;
    const select = rest.index !== undefined ? { index: rest.index } : { ifname: rest.ifname };
    return [rest, { ...select, brport }];
  },
  key: (l) => String(l.index),
  selector: (l) => ({ index: l.index }),
});
