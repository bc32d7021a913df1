/**
 * The bridge port VLAN object type: commands, identity.
 *
 * @module
 */
import { fieldMatch, pick } from "../match.ts";
import { defineObject, type ObjectDef } from "../object.ts";
import { PortVlans } from "./vlan.ts";
import { buildVlanRequest, VLAN_COMMANDS, type VlanSpec } from "./request.ts";

/** The port VLAN object type (notifications come as AF_BRIDGE link messages). */
export type VlanObject = ObjectDef<
  "vlan",
  PortVlans,
  VlanSpec,
  keyof typeof VLAN_COMMANDS,
  never,
  never
>;

/** VLANs of bridge ports (`bridge vlan`). */
export const VLAN: VlanObject = defineObject({
  name: "vlan",
  result: PortVlans,
  commands: VLAN_COMMANDS,
  build: (cmd, spec: VlanSpec) => buildVlanRequest(cmd, spec),
  linkRefs: ["index"],
  match: (spec) => fieldMatch<PortVlans>(pick(spec, ["index"])),
  key: (p) => String(p.index),
  selector: (p) => ({ index: p.index }),
});
