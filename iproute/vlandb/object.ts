/**
 * The bridge VLAN database object type: commands, identity.
 *
 * @module
 */
import { fieldMatch, pick } from "../match.ts";
import { defineObject, type ObjectDef } from "../object.ts";
import { VlanDb } from "./vlandb.ts";
import { buildVlanDbRequest, VLANDB_COMMANDS, type VlanDbSpec } from "./request.ts";

/** The VLAN database object type. */
export type VlanDbObject = ObjectDef<
  "vlanDb",
  VlanDb,
  VlanDbSpec,
  keyof typeof VLANDB_COMMANDS,
  never,
  never
>;

/** The bridge VLAN database (RTM_*VLAN). */
export const VLANDB: VlanDbObject = defineObject({
  name: "vlanDb",
  result: VlanDb,
  commands: VLANDB_COMMANDS,
  build: (cmd, spec: VlanDbSpec) => buildVlanDbRequest(cmd, spec),
  linkRefs: ["index"],
  match: (spec) => fieldMatch<VlanDb>(pick(spec, ["index"])),
  key: (v) => String(v.index),
  selector: (v) => ({ index: v.index }),
});
