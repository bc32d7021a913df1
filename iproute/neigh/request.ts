/**
 * Request builders for `neigh(cmd, spec)` and `fdb(cmd, spec)`, with
 * iproute2's defaults (`ip neigh add` permanent; `bridge fdb` NOARP|PERMANENT
 * and NTF_SELF).
 *
 * @module
 */
import { AF_BRIDGE, AF_INET, AF_INET6, parseMAC } from "../../core/address.ts";
import { ArgumentError } from "../../core/errors.ts";
import { encodeAttrs } from "../../core/schema.ts";
import { Writer } from "../../core/codec.ts";
import { NLM_F } from "../../core/constants.ts";
import { NTF, NUD, RTM } from "../../core/tables/constants.ts";
import { RT_NEIGH_ATTRS, RT_NEIGH_STRUCTS } from "../../core/tables/rt_neigh.ts";
import type { Request } from "../../core/socket.ts";
import { type HeaderValues, structRequest } from "../header.ts";
import type { Command } from "../object.ts";
import { type Family, flagMask, type NeighFlagName, type NudStateName } from "../names.ts";
import { SETS } from "../registry.ts";
import { address, checkKeys, command, family, int, type Spec, u32 } from "../spec.ts";

const NDA = RT_NEIGH_ATTRS.neighbourAttrs;
const NDMSG = RT_NEIGH_STRUCTS.ndmsg;

/** The neighbour commands: message type and flags. */
export const NEIGH_COMMANDS = {
  add: [RTM.NEWNEIGH, NLM_F.CREATE | NLM_F.EXCL],
  replace: [RTM.NEWNEIGH, NLM_F.CREATE | NLM_F.REPLACE],
  set: [RTM.NEWNEIGH, NLM_F.REPLACE],
  change: [RTM.NEWNEIGH, NLM_F.REPLACE],
  append: [RTM.NEWNEIGH, NLM_F.CREATE | NLM_F.APPEND],
  del: [RTM.DELNEIGH, 0],
  get: [RTM.GETNEIGH, 0],
  dump: [RTM.GETNEIGH, 0],
} as const satisfies Record<string, Command>;

/** The forwarding entry commands (no `get`: the kernel has no fdb get by these keys). */
export const FDB_COMMANDS = {
  add: NEIGH_COMMANDS.add,
  replace: NEIGH_COMMANDS.replace,
  set: NEIGH_COMMANDS.set,
  change: NEIGH_COMMANDS.change,
  append: NEIGH_COMMANDS.append,
  del: NEIGH_COMMANDS.del,
  dump: NEIGH_COMMANDS.dump,
} as const satisfies Record<string, Command>;

/**
 * Converts a state name list or number to the NUD mask.
 */
export function nudState(v: unknown, argument: string): number {
  if (v === "none") return NUD.NONE;
  return flagMask("nudState", v, argument) & 0xffff;
}

/**
 * bridge(8)'s names for forwarding entry states, as `bridge fdb add` encodes
 * them: `permanent` (a local entry), `static`, `dynamic`.
 */
const FDB_STATES: Record<string, number> = {
  permanent: NUD.NOARP | NUD.PERMANENT,
  static: NUD.NOARP | NUD.REACHABLE,
  dynamic: NUD.REACHABLE,
};

/**
 * Converts a forwarding entry state to the NUD mask: bridge(8)'s names
 * (`permanent`, `static`, `dynamic`), else NUD names or a number as for
 * {@link nudState}.
 */
export function fdbState(v: unknown, argument: string): number {
  if (typeof v === "string" && FDB_STATES[v] !== undefined) return FDB_STATES[v]!;
  return nudState(v, argument);
}

/** Arguments of `neigh(cmd, spec)`. */
export interface NeighSpec {
  /** Interface index (or name, resolved by IPRoute). */
  index?: number | string | undefined;
  /** The neighbour's IP address. */
  dst?: string;
  /** Its link-layer address. */
  lladdr?: string;
  /**
   * NUD state name(s) or mask; default `permanent` for add. For fdb entries
   * also bridge(8)'s `permanent`, `static`, `dynamic`; default `permanent`.
   */
  state?: NudStateName | "static" | "dynamic" | (NudStateName | "static" | "dynamic")[] | number;
  /** NTF_* flag names (`router`, `proxy`, `self`, `master`, `extLearned`) or a mask. */
  flags?: NeighFlagName | NeighFlagName[] | number;
  /** `inet`/`inet6`/`bridge`; inferred from `dst`. */
  family?: Family | "bridge";
  /** VLAN id (fdb). */
  vlan?: number;
  /** Master device index (fdb filter or target). */
  master?: number | string;
  /** VNI (vxlan fdb). */
  vni?: number;
  /** UDP port (vxlan fdb). */
  port?: number;
  /** Nexthop object id. */
  nhId?: number;
  /** Protocol number. */
  protocol?: number;
}

/** Arguments of `fdb(cmd, spec)`: a neighbour spec without family. */
export type FdbSpec = Omit<NeighSpec, "family">;

const SPEC_KEYS: readonly (keyof NeighSpec)[] = [
  "index",
  "dst",
  "lladdr",
  "state",
  "flags",
  "family",
  "vlan",
  "master",
  "vni",
  "port",
  "nhId",
  "protocol",
];
// fdb entries are always AF_BRIDGE: a family would be silently ignored.
const FDB_KEYS = SPEC_KEYS.filter((k) => k !== "family");

/** A family name or number, `bridge` included. */
export function neighFamily(v: unknown): number | undefined {
  if (v === "bridge" || v === AF_BRIDGE) return AF_BRIDGE;
  return family(v, undefined, "family");
}

function neighRequest(
  cmd: string,
  bridge: boolean,
  header: HeaderValues<typeof NDMSG>,
  w: Writer,
): Request {
  const entry = command(bridge ? FDB_COMMANDS : NEIGH_COMMANDS, cmd, bridge ? "fdb" : "neigh");
  return structRequest(entry, NDMSG, header, w.finish());
}

/** A dump: kernel-side filters (strict checking) NDA_IFINDEX and NDA_MASTER; proxies on request. */
function dumpRequest(spec: Spec, bridge: boolean, index: number, fam: number | undefined): Request {
  const w = Writer.scratch("neigh");
  if (index) w.attrU32(NDA.ifindex, index);
  if (spec.master !== undefined) w.attrU32(NDA.master, u32(spec.master, "master"));
  // Proxy entries live in their own table, dumped only when NTF_PROXY is asked for.
  const proxy = !bridge && spec.flags !== undefined &&
    (flagMask("ntfFlags", spec.flags, "flags") & NTF.PROXY) !== 0;
  return neighRequest("dump", bridge, { ndmFamily: fam ?? 0, ndmFlags: proxy ? NTF.PROXY : 0 }, w);
}

/** The attributes of an entry; returns the family the destination implies. */
function entryAttrs(
  spec: Spec,
  bridge: boolean,
  fam: number | undefined,
  w: Writer,
): number | undefined {
  const what = bridge ? "fdb" : "neigh";
  const attrs: Record<string, unknown> = {};
  if (spec.dst !== undefined) {
    const a = address(spec.dst, "dst");
    if (!bridge) fam = family(spec.family, a.family, "family");
    attrs.dst = spec.dst;
  } else if (!bridge) {
    throw new ArgumentError("dst", "the neighbour's IP address", undefined);
  }
  if (spec.lladdr !== undefined) {
    if (typeof spec.lladdr !== "string" || !parseMAC(spec.lladdr)) {
      throw new ArgumentError(
        "lladdr",
        'a link-layer address such as "02:00:00:00:00:01"',
        spec.lladdr,
      );
    }
    attrs.lladdr = spec.lladdr;
  } else if (bridge) {
    throw new ArgumentError("lladdr", `the MAC address of the ${what} entry`, undefined);
  }
  if (spec.vlan !== undefined) attrs.vlan = int(spec.vlan, "vlan", 1, 4094);
  if (spec.master !== undefined) attrs.master = u32(spec.master, "master");
  if (spec.vni !== undefined) attrs.vni = int(spec.vni, "vni", 0, 0xffffff);
  if (spec.port !== undefined) attrs.port = int(spec.port, "port", 0, 0xffff);
  if (spec.nhId !== undefined) attrs.nhId = u32(spec.nhId, "nhId");
  if (spec.protocol !== undefined) attrs.protocol = int(spec.protocol, "protocol", 0, 255);
  encodeAttrs(w, SETS.neigh, attrs);
  return fam;
}

function build(cmd: string, spec: Spec, bridge: boolean): Request {
  const what = bridge ? "fdb" : "neigh";
  command(bridge ? FDB_COMMANDS : NEIGH_COMMANDS, cmd, what);
  checkKeys(spec, bridge ? FDB_KEYS : SPEC_KEYS, `${what} ${cmd}`);
  const index = spec.index === undefined ? 0 : int(spec.index, "index", 1, 0x7fffffff);
  let fam = bridge ? AF_BRIDGE : neighFamily(spec.family);
  if (cmd === "dump") return dumpRequest(spec, bridge, index, fam);
  if (!index) throw new ArgumentError("index", `the interface of the ${what} entry`, spec.index);
  const w = Writer.scratch("neigh");
  fam = entryAttrs(spec, bridge, fam, w);
  const changing = cmd !== "del" && cmd !== "get";
  // Defaults as iproute2: `ip neigh add` permanent; `bridge fdb add/del` NOARP |
  // PERMANENT for every command (drivers refuse an fdb entry neither permanent
  // nor reachable, and their default del handler one that is not permanent).
  const state = spec.state !== undefined
    ? (bridge ? fdbState : nudState)(spec.state, "state")
    : bridge
    ? NUD.NOARP | NUD.PERMANENT
    : changing
    ? NUD.PERMANENT
    : NUD.NONE;
  let ntf = spec.flags === undefined ? 0 : flagMask("ntfFlags", spec.flags, "flags") & 0xff;
  // bridge fdb defaults to NTF_SELF when neither self nor master is given.
  if (bridge && !(ntf & (NTF.SELF | NTF.MASTER))) ntf |= NTF.SELF;
  if (fam !== AF_INET && fam !== AF_INET6 && fam !== AF_BRIDGE) {
    throw new ArgumentError("family", "inet, inet6 or bridge", spec.family);
  }
  return neighRequest(cmd, bridge, {
    ndmFamily: fam,
    ndmIfindex: index,
    ndmState: state,
    ndmFlags: ntf,
  }, w);
}

/**
 * Builds the request for `neigh(cmd, spec)`.
 */
export function buildNeighRequest(cmd: string, spec: NeighSpec | Spec): Request {
  return build(cmd, spec as Spec, false);
}

/**
 * Builds the request for `fdb(cmd, spec)` (AF_BRIDGE, NTF_SELF unless `flags` says master).
 */
export function buildFdbRequest(cmd: string, spec: FdbSpec | Spec): Request {
  return build(cmd, spec as Spec, true);
}
