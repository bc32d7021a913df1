/**
 * The bridge multicast database object type: commands, identity.
 *
 * @module
 */
import { RTM, RTNLGRP } from "../../core/tables/constants.ts";
import { fieldMatch } from "../match.ts";
import { defineObject, type ObjectDef } from "../object.ts";
import { Mdb } from "./mdb.ts";
import { buildMdbRequest, MDB_COMMANDS, type MdbSpec } from "./request.ts";

/** The multicast group of mdb notifications (`bridge monitor mdb`). */
export const MDB_GROUPS = { mdb: RTNLGRP.MDB } as const;

/** The mdb object type (one result per bridge; notifications carry the entries that changed). */
export type MdbObject = ObjectDef<
  "mdb",
  Mdb,
  MdbSpec,
  keyof typeof MDB_COMMANDS,
  typeof RTM.NEWMDB | typeof RTM.DELMDB,
  keyof typeof MDB_GROUPS
>;

/** The bridge multicast database (`bridge mdb`). */
export const MDB: MdbObject = defineObject({
  name: "mdb",
  result: Mdb,
  commands: MDB_COMMANDS,
  events: [RTM.NEWMDB, RTM.DELMDB],
  groups: MDB_GROUPS,
  build: (cmd, spec: MdbSpec) => buildMdbRequest(cmd, spec),
  linkRefs: ["index", "port"],
  // Dumps select bridges by `index`; entries are picked by the helper (getMdb).
  match: (spec) => spec.index === undefined ? undefined : fieldMatch<Mdb>({ bridge: spec.index }),
  dumpOnly: ["index", "port", "group", "vid"],
  key: (m) => String(m.bridge),
  selector: (m) => ({ index: m.bridge }),
});
