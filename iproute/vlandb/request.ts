/**
 * The commands and arguments of `vlanDb(cmd, spec)`: the bridge VLAN
 * database messages (RTM_NEWVLAN / RTM_DELVLAN / RTM_GETVLAN, struct
 * br_vlan_msg, BRIDGE_VLANDB_ENTRY): per-VLAN options of a port (STP state,
 * multicast router, neighbour suppression, group limits), statistics, and the
 * bridge's global VLAN options. What `bridge vlan set`, `bridge -s vlan` and
 * `bridge vlan global show` use; the kernel needs VLAN filtering on.
 *
 * @module
 */
import { AF_BRIDGE } from "../../core/address.ts";
import { ArgumentError } from "../../core/errors.ts";
import { encodeAttrs } from "../../core/schema.ts";
import { Writer } from "../../core/codec.ts";
import { BRIDGE_VLANDB_DUMPF, RTM } from "../../core/tables/constants.ts";
import { RT_BRIDGE_STRUCTS } from "../../core/tables/rt_bridge.ts";
import type { Request } from "../../core/socket.ts";
import { structRequest } from "../header.ts";
import type { Command } from "../object.ts";
import { SETS } from "../registry.ts";
import { bool, checkKeys, command, int, type Spec } from "../spec.ts";
import { vidRange, vlanInfoFlags } from "../vlan/request.ts";

const BR_VLAN_MSG = RT_BRIDGE_STRUCTS.brVlanMsg;

/** The commands of `vlanDb(cmd, spec)`: message type and flags. */
export const VLANDB_COMMANDS = {
  set: [RTM.NEWVLAN, 0],
  del: [RTM.DELVLAN, 0],
  dump: [RTM.GETVLAN, 0],
} as const satisfies Record<string, Command>;

/** Bridge port STP states, as `bridge vlan set … state` names them (BR_STATE_*). */
export const VLAN_STATES = {
  disabled: 0,
  listening: 1,
  learning: 2,
  forwarding: 3,
  blocking: 4,
} as const;

/** A port VLAN's STP state by name. */
export type VlanStateName = keyof typeof VLAN_STATES;

/**
 * Arguments of `vlanDb(cmd, spec)` (`bridge vlan set dev v0 vid 10 state
 * learning` → `{ index: "v0", vid: 10, state: "learning" }`).
 */
export interface VlanDbSpec {
  /** The port (or bridge): index or name. Required by set and del; selects a dump. */
  index?: number | string;
  /** A VLAN id or a range `[from, to]`. Required by set and del. */
  vid?: number | readonly [number, number];
  /** set: the VLAN is the port's pvid. */
  pvid?: boolean;
  /** set: frames leave untagged. */
  untagged?: boolean;
  /** set: the VLAN's STP state on the port. */
  state?: VlanStateName | number;
  /** set: multicast router mode of the port in this VLAN (0 disabled, 1 temp query, 2 permanent, 3 temp). */
  mcastRouter?: number;
  /** set: neighbour suppression in this VLAN. */
  neighSuppress?: boolean;
  /** set: the most multicast groups the port may join in this VLAN (0: no limit). */
  mcastMaxGroups?: number;
  /** dump: with per-VLAN statistics (BRIDGE_VLANDB_DUMPF_STATS). */
  stats?: boolean;
  /** dump: the bridges' global VLAN options instead (BRIDGE_VLANDB_DUMPF_GLOBAL). */
  global?: boolean;
}

const KEYS = [
  "index",
  "vid",
  "pvid",
  "untagged",
  "state",
  "mcastRouter",
  "neighSuppress",
  "mcastMaxGroups",
  "stats",
  "global",
];
const SET_ONLY = ["pvid", "untagged", "state", "mcastRouter", "neighSuppress", "mcastMaxGroups"];

/**
 * Builds the request of a `vlanDb` command (interface names already resolved
 * to indexes). Throws ArgumentError naming the argument.
 */
export function buildVlanDbRequest(cmd: string, spec: VlanDbSpec | Spec): Request {
  const entry = command(VLANDB_COMMANDS, cmd, "vlanDb");
  checkKeys(spec, KEYS, `vlanDb ${cmd}`);
  const w = Writer.scratch("vlandb");
  const index = spec.index === undefined ? 0 : int(spec.index, "index", 1, 0x7fffffff);
  if (cmd === "dump") {
    for (const k of [...SET_ONLY, "vid"]) {
      if (spec[k] !== undefined) throw new ArgumentError(k, `no ${k} in a dump`, spec[k]);
    }
    let flags = 0;
    if (spec.stats !== undefined && bool(spec.stats, "stats")) flags |= BRIDGE_VLANDB_DUMPF.STATS;
    if (spec.global !== undefined && bool(spec.global, "global")) {
      flags |= BRIDGE_VLANDB_DUMPF.GLOBAL;
    }
    if (flags) encodeAttrs(w, SETS.vlanDump, { flags });
    return structRequest(entry, BR_VLAN_MSG, { family: AF_BRIDGE, ifindex: index }, w.finish());
  }
  for (const k of ["stats", "global"]) {
    if (spec[k] !== undefined) throw new ArgumentError(k, `${k} only in a dump`, spec[k]);
  }
  if (!index) throw new ArgumentError("index", "the port (index or name)");
  if (spec.vid === undefined) throw new ArgumentError("vid", "a VLAN id or a range [from, to]");
  const [from, to] = vidRange(spec.vid);
  if (cmd === "del") {
    for (const k of SET_ONLY) {
      if (spec[k] !== undefined) throw new ArgumentError(k, `no ${k} in a del`, spec[k]);
    }
  }
  const e: Record<string, unknown> = { info: { flags: vlanInfoFlags(spec), vid: from } };
  if (to !== from) e.range = to;
  if (spec.state !== undefined) {
    e.state = typeof spec.state === "string" && Object.hasOwn(VLAN_STATES, spec.state)
      ? VLAN_STATES[spec.state as VlanStateName]
      : int(spec.state, "state", 0, 4);
  }
  if (spec.mcastRouter !== undefined) e.mcastRouter = int(spec.mcastRouter, "mcastRouter", 0, 3);
  if (spec.neighSuppress !== undefined) {
    e.neighSuppress = bool(spec.neighSuppress, "neighSuppress") ? 1 : 0;
  }
  if (spec.mcastMaxGroups !== undefined) {
    e.mcastMaxGroups = int(spec.mcastMaxGroups, "mcastMaxGroups", 0, 0xffffffff);
  }
  encodeAttrs(w, SETS.vlanDb, { entry: [e] });
  return structRequest(entry, BR_VLAN_MSG, { family: AF_BRIDGE, ifindex: index }, w.finish());
}
