/**
 * The neighbour table object type: commands, identity.
 *
 * @module
 */
import { fieldMatch, pick } from "../match.ts";
import { defineObject, type ObjectDef } from "../object.ts";
import { family, type Spec } from "../spec.ts";
import { NeighTable } from "./ntable.ts";
import { buildNeighTableRequest, type NeighTableSpec, NTABLE_COMMANDS } from "./request.ts";

/** The neighbour table object type (no notifications). */
export type NeighTableObject = ObjectDef<
  "ntable",
  NeighTable,
  NeighTableSpec,
  keyof typeof NTABLE_COMMANDS,
  never,
  never
>;

function matcher(spec: Spec): ((t: NeighTable) => boolean) | undefined {
  const s = pick(spec, ["name", "index", "thresh1", "thresh2", "thresh3", "gcInterval"]);
  if (spec.family !== undefined) s.family = family(spec.family, undefined, "family");
  return fieldMatch<NeighTable>(s);
}

/** Neighbour tables (`ip ntable`). */
export const NTABLE: NeighTableObject = defineObject({
  name: "ntable",
  result: NeighTable,
  commands: NTABLE_COMMANDS,
  build: (cmd, spec: NeighTableSpec) => buildNeighTableRequest(cmd, spec),
  linkRefs: ["index"],
  match: matcher,
  dumpOnly: ["name", "index", "thresh1", "thresh2", "thresh3", "gcInterval"],
  key: (t) => `${t.family}|${t.name}|${t.index}`,
});
