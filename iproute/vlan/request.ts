/**
 * The commands and arguments of `vlan(cmd, spec)`: the VLANs of bridge ports
 * as `bridge vlan add|del|show` changes and lists them (RTM_SETLINK /
 * RTM_DELLINK / RTM_GETLINK on AF_BRIDGE, IFLA_AF_SPEC with
 * IFLA_BRIDGE_VLAN_INFO).
 *
 * @module
 */
import { AF_BRIDGE } from "../../core/address.ts";
import { ArgumentError } from "../../core/errors.ts";
import { encodeAttrs } from "../../core/schema.ts";
import { Writer } from "../../core/codec.ts";
import { BRIDGE_FLAGS, BRIDGE_VLAN_INFO, RTM } from "../../core/tables/constants.ts";
import { RT_LINK_STRUCTS } from "../../core/tables/rt_link.ts";
import type { Request } from "../../core/socket.ts";
import { structRequest } from "../header.ts";
import type { Command } from "../object.ts";
import { SETS } from "../registry.ts";
import { bool, checkKeys, command, int, type Spec } from "../spec.ts";

const IFINFOMSG = RT_LINK_STRUCTS.ifinfomsg;

/** The commands of `vlan(cmd, spec)`: message type and flags. */
export const VLAN_COMMANDS = {
  add: [RTM.SETLINK, 0],
  del: [RTM.DELLINK, 0],
  dump: [RTM.GETLINK, 0],
} as const satisfies Record<string, Command>;

/** VLAN ids a port may carry (0 and 4095 are reserved). */
export const VID_MIN = 1;
/** The largest VLAN id. */
export const VID_MAX = 4094;

/**
 * Arguments of `vlan(cmd, spec)` (`bridge vlan add dev v0 vid 10 pvid
 * untagged` → `{ index: "v0", vid: 10, pvid: true, untagged: true }`).
 */
export interface VlanSpec {
  /** The port (or the bridge itself, with `self`): index or name. Required by add and del. */
  index?: number | string;
  /** A VLAN id (1–4094), or a range `[from, to]`. Required by add and del. */
  vid?: number | readonly [number, number];
  /** Untagged frames arriving on the port go to this VLAN (`pvid`). */
  pvid?: boolean;
  /** Frames of this VLAN leave the port untagged (`untagged`). */
  untagged?: boolean;
  /** Apply to the bridge device itself, as ip's `self` (IFLA_BRIDGE_FLAGS SELF). */
  self?: boolean;
  /** Apply to the port's master, as ip's `master` (the default). */
  master?: boolean;
  /** Dump: ranges as ranges (RTEXT_FILTER_BRVLAN_COMPRESSED), as `bridge vlan show` asks. */
  compressed?: boolean;
}

const KEYS = ["index", "vid", "pvid", "untagged", "self", "master", "compressed"];

/** The `[from, to]` of a vid argument (checked). */
export function vidRange(v: unknown, argument = "vid"): [number, number] {
  if (Array.isArray(v)) {
    if (v.length !== 2) throw new ArgumentError(argument, "a VLAN id or a range [from, to]", v);
    const from = int(v[0], `${argument}[0]`, VID_MIN, VID_MAX);
    const to = int(v[1], `${argument}[1]`, VID_MIN, VID_MAX);
    if (from > to) {
      throw new ArgumentError(argument, "a range [from, to] with from ≤ to", v);
    }
    return [from, to];
  }
  const id = int(v, argument, VID_MIN, VID_MAX);
  return [id, id];
}

/** The BRIDGE_VLAN_INFO_* flags of a spec's `pvid` and `untagged` (checked). */
export function vlanInfoFlags(spec: Spec): number {
  let flags = 0;
  if (spec.pvid !== undefined && bool(spec.pvid, "pvid")) flags |= BRIDGE_VLAN_INFO.PVID;
  if (spec.untagged !== undefined && bool(spec.untagged, "untagged")) {
    flags |= BRIDGE_VLAN_INFO.UNTAGGED;
  }
  return flags;
}

/**
 * Builds the request of a `vlan` command (interface names already resolved to
 * indexes). Throws ArgumentError naming the argument.
 */
export function buildVlanRequest(cmd: string, spec: VlanSpec | Spec): Request {
  const entry = command(VLAN_COMMANDS, cmd, "vlan");
  checkKeys(spec, KEYS, `vlan ${cmd}`);
  const w = Writer.scratch("vlan");
  if (cmd === "dump") {
    const compressed = spec.compressed === undefined ? false : bool(spec.compressed, "compressed");
    encodeAttrs(w, SETS.link, { extMask: compressed ? ["brvlanCompressed"] : ["brvlan"] });
    return structRequest(entry, IFINFOMSG, { ifiFamily: AF_BRIDGE }, w.finish());
  }
  if (spec.compressed !== undefined) {
    throw new ArgumentError("compressed", "compressed only for dump", spec.compressed);
  }
  if (spec.index === undefined) throw new ArgumentError("index", "the port (index or name)");
  const index = int(spec.index, "index", 1, 0x7fffffff);
  if (spec.vid === undefined) throw new ArgumentError("vid", "a VLAN id or a range [from, to]");
  const [from, to] = vidRange(spec.vid);
  const flags = vlanInfoFlags(spec);
  if (flags & BRIDGE_VLAN_INFO.PVID && from !== to) {
    throw new ArgumentError("pvid", "a single VLAN id for the pvid (a port has one)", spec.vid);
  }
  let brFlags = 0;
  if (spec.self !== undefined && bool(spec.self, "self")) brFlags |= BRIDGE_FLAGS.SELF;
  if (spec.master !== undefined && bool(spec.master, "master")) brFlags |= BRIDGE_FLAGS.MASTER;
  const vlanInfo = from === to ? [{ flags, vid: from }] : [
    { flags: flags | BRIDGE_VLAN_INFO.RANGE_BEGIN, vid: from },
    { flags: flags | BRIDGE_VLAN_INFO.RANGE_END, vid: to },
  ];
  const afSpec: Record<string, unknown> = { vlanInfo };
  if (brFlags) afSpec.flags = brFlags;
  encodeAttrs(w, SETS.bridgeLink, { afSpec });
  return structRequest(entry, IFINFOMSG, { ifiFamily: AF_BRIDGE, ifiIndex: index }, w.finish());
}
