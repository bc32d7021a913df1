/**
 * Neighbours (ARP/NDP entries) and bridge forwarding entries (fdb: AF_BRIDGE
 * neighbours): the typed result ({@link Neighbour}) and request builders.
 *
 * @module
 */
import { AF_BRIDGE, AF_INET, AF_INET6 } from "../core/address.ts";
import { ArgumentError } from "../core/errors.ts";
import { type AttrSet, encodeAttrs } from "../core/schema.ts";
import { Writer } from "../core/codec.ts";
import { NLM_F } from "../core/constants.ts";
import { RTM } from "../core/tables/constants.ts";
import type { Request } from "../core/socket.ts";
import { decoderOf, defined, RtMessage } from "./message.ts";
import { fieldMatch, type ObjectKind } from "./kind.ts";
import { flagMask, flagNames, ROUTE_TYPES } from "./names.ts";
import { SETS } from "./registry.ts";
import { address, checkKeys, family, int, type Spec, u32 } from "./spec.ts";
import { parseMAC } from "../core/address.ts";

/** Size of `struct ndmsg`. */
export const NDMSG_SIZE = 12;

/** Neighbour attribute numbers by name. */
export const NDA: Record<string, number> = SETS.neigh.numbers();

/** NUD state value for "none" (no bit set). */
const NUD_NONE = 0;
const NUD_REACHABLE = 0x02;
const NUD_NOARP = 0x40;
const NUD_PERMANENT = 0x80;
const NTF_PROXY = 0x08;

/**
 * Converts a state name list or number to the NUD mask.
 *
 * @example
 * ```ts
 * import { nudState } from "./neigh.ts";
 * nudState("permanent", "state"); // 128
 * ```
 */
export function nudState(v: unknown, argument: string): number {
  if (v === "none") return NUD_NONE;
  return flagMask("nudState", v, argument) & 0xffff;
}

/**
 * bridge(8)'s names for forwarding entry states, as `bridge fdb add` encodes
 * them: `permanent` (a local entry), `static`, `dynamic`.
 */
const FDB_STATES: Record<string, number> = {
  permanent: NUD_NOARP | NUD_PERMANENT,
  static: NUD_NOARP | NUD_REACHABLE,
  dynamic: NUD_REACHABLE,
};

/**
 * Converts a forwarding entry state to the NUD mask: bridge(8)'s names
 * (`permanent`, `static`, `dynamic`), else NUD names or a number as for
 * {@link nudState}.
 *
 * @example
 * ```ts
 * import { fdbState } from "./neigh.ts";
 * fdbState("static", "state"); // 66 (NUD_NOARP | NUD_REACHABLE)
 * ```
 */
export function fdbState(v: unknown, argument: string): number {
  if (typeof v === "string" && FDB_STATES[v] !== undefined) return FDB_STATES[v]!;
  return nudState(v, argument);
}

/**
 * A neighbour entry (ARP, NDP) or, with family AF_BRIDGE, a forwarding entry.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * await using ipr = await IPRoute.open();
 * for (const n of await ipr.getNeighbours()) console.log(n.dst, n.lladdr, n.state);
 * ```
 */
export class Neighbour extends RtMessage {
  /** Size of the fixed header (struct ndmsg). */
  protected override get headerSize(): number {
    return NDMSG_SIZE;
  }
  /** @internal The attribute table of this message kind (neighbourAttrs). */
  protected get attrSet(): AttrSet {
    return SETS.neigh;
  }
  /** AF_INET, AF_INET6 or AF_BRIDGE. */
  get family(): number {
    return this.bytes[this.off]!;
  }
  /** Interface index. */
  get index(): number {
    return this.dv.getInt32(this.off + 4, true);
  }
  /** NUD state as a number. */
  get stateValue(): number {
    return this.dv.getUint16(this.off + 8, true);
  }
  /** NUD state names (`reachable`, `stale`, `permanent`, …; `none` when 0). */
  get state(): string[] {
    const v = this.stateValue;
    return v === 0 ? ["none"] : flagNames("nudState", v);
  }
  /** NTF_* flags by name (`self`, `master`, `router`, `extLearned`, …). */
  get flags(): string[] {
    return flagNames("ntfFlags", this.bytes[this.off + 10]!);
  }
  /** Route type of the entry. */
  get ndmType(): string | number {
    return ROUTE_TYPES.name(this.bytes[this.off + 11]!);
  }
  /** Destination address (the neighbour's IP; for fdb, a vxlan remote). */
  get dst(): string | undefined {
    return this.ip(NDA.dst!);
  }
  /** Link-layer address. */
  get lladdr(): string | undefined {
    return this.mac(NDA.lladdr!);
  }
  /** VLAN id (fdb). */
  get vlan(): number | undefined {
    return this.u16(NDA.vlan!);
  }
  /** Master device index (fdb). */
  get master(): number | undefined {
    return this.u32(NDA.master!);
  }
  /** VNI (vxlan fdb). */
  get vni(): number | undefined {
    return this.u32(NDA.vni!);
  }
  /** UDP port (vxlan fdb, network byte order on the wire). */
  get port(): number | undefined {
    return this.u16(NDA.port!, true);
  }
  /** Probes sent. */
  get probes(): number | undefined {
    return this.u32(NDA.probes!);
  }
  /** Nexthop object id. */
  get nhId(): number | undefined {
    return this.u32(NDA.nhId!);
  }
  /** Protocol that installed the entry. */
  get protocol(): number | undefined {
    return this.u8(NDA.protocol!);
  }

  /** Fields shown by `toJSON()` and inspection (family, index, destination, link-layer address, state, …). */
  protected fields(): Record<string, unknown> {
    return defined({
      family: this.family,
      index: this.index,
      dst: this.dst,
      lladdr: this.lladdr,
      state: this.state,
      flags: this.flags,
      vlan: this.vlan,
      master: this.master,
      vni: this.vni,
      port: this.port,
      nhId: this.nhId,
      protocol: this.protocol,
    });
  }
}

const COMMANDS: Record<string, [number, number]> = {
  add: [RTM.NEWNEIGH, NLM_F.CREATE | NLM_F.EXCL],
  replace: [RTM.NEWNEIGH, NLM_F.CREATE | NLM_F.REPLACE],
  set: [RTM.NEWNEIGH, NLM_F.REPLACE],
  change: [RTM.NEWNEIGH, NLM_F.REPLACE],
  append: [RTM.NEWNEIGH, NLM_F.CREATE | NLM_F.APPEND],
  del: [RTM.DELNEIGH, 0],
  get: [RTM.GETNEIGH, 0],
  dump: [RTM.GETNEIGH, 0],
};

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
  state?: string | string[] | number;
  /** NTF_* flag names (`router`, `proxy`, `self`, `master`, `extLearned`) or a mask. */
  flags?: string | string[] | number;
  /** `inet`/`inet6`/`bridge`; inferred from `dst`. */
  family?: string | number;
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

const SPEC_KEYS = [
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

const FDB_KEYS = SPEC_KEYS.filter((k) => k !== "family");

function familyValue(v: unknown): number | undefined {
  if (v === "bridge" || v === AF_BRIDGE) return AF_BRIDGE;
  return family(v, undefined, "family");
}

function build(cmd: string, spec: Spec, bridge: boolean): Request {
  const what = bridge ? "fdb" : "neigh";
  const entry = COMMANDS[cmd];
  if (!entry || (bridge && cmd === "get")) {
    const cmds = Object.keys(COMMANDS).filter((c) => !bridge || c !== "get");
    throw new ArgumentError("cmd", `one of ${cmds.join(", ")}`, cmd, `Cannot run ${what} command`);
  }
  // fdb entries are always AF_BRIDGE: a family would be silently ignored.
  checkKeys(spec, bridge ? FDB_KEYS : SPEC_KEYS, `${what} ${cmd}`);
  const [type, flags] = entry;
  const w = Writer.scratch("neigh");
  const index = spec.index === undefined ? 0 : int(spec.index, "index", 1, 0x7fffffff);
  let fam = bridge ? AF_BRIDGE : familyValue(spec.family);
  if (cmd === "dump") {
    // Kernel-side filters (strict checking): NDA_IFINDEX and NDA_MASTER.
    if (index) w.attrU32(NDA.ifindex!, index);
    if (spec.master !== undefined) w.attrU32(NDA.master!, u32(spec.master, "master"));
    // Proxy entries live in their own table, dumped only when NTF_PROXY is asked for.
    const proxy = !bridge && spec.flags !== undefined &&
      (flagMask("ntfFlags", spec.flags, "flags") & NTF_PROXY) !== 0;
    const body = w.finish();
    return {
      type,
      flags,
      name: "RTM_GETNEIGH",
      body: (out) => {
        out.u8(fam ?? 0);
        out.zeros(9);
        out.u8(proxy ? NTF_PROXY : 0);
        out.u8(0);
        out.bytes(body);
      },
    };
  }
  if (!index) throw new ArgumentError("index", `the interface of the ${what} entry`, spec.index);
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
    throw new ArgumentError("lladdr", "the MAC address of the forwarding entry", undefined);
  }
  if (spec.vlan !== undefined) attrs.vlan = int(spec.vlan, "vlan", 1, 4094);
  if (spec.master !== undefined) attrs.master = u32(spec.master, "master");
  if (spec.vni !== undefined) attrs.vni = int(spec.vni, "vni", 0, 0xffffff);
  if (spec.port !== undefined) attrs.port = int(spec.port, "port", 0, 0xffff);
  if (spec.nhId !== undefined) attrs.nhId = u32(spec.nhId, "nhId");
  if (spec.protocol !== undefined) attrs.protocol = int(spec.protocol, "protocol", 0, 255);
  encodeAttrs(w, SETS.neigh, attrs);
  const changing = cmd !== "del" && cmd !== "get";
  // Defaults as iproute2: `ip neigh add` permanent; `bridge fdb add/del` NOARP |
  // PERMANENT for every command (drivers refuse an fdb entry neither permanent
  // nor reachable, and their default del handler one that is not permanent).
  const state = spec.state !== undefined
    ? (bridge ? fdbState : nudState)(spec.state, "state")
    : bridge
    ? NUD_NOARP | NUD_PERMANENT
    : changing
    ? NUD_PERMANENT
    : 0;
  let ntf = spec.flags === undefined ? 0 : flagMask("ntfFlags", spec.flags, "flags") & 0xff;
  // bridge fdb defaults to NTF_SELF when neither self nor master is given.
  if (bridge && !(ntf & 0x6)) ntf |= 0x2;
  if (fam !== AF_INET && fam !== AF_INET6 && fam !== AF_BRIDGE) {
    throw new ArgumentError("family", "inet, inet6 or bridge", spec.family);
  }
  const body = w.finish();
  const f = fam;
  return {
    type,
    flags,
    name: cmd === "del" ? "RTM_DELNEIGH" : cmd === "get" ? "RTM_GETNEIGH" : "RTM_NEWNEIGH",
    body: (out) => {
      out.u8(f);
      out.zeros(3);
      out.s32(index);
      out.u16(state);
      out.u8(ntf);
      out.u8(0);
      out.bytes(body);
    },
  };
}

/**
 * Builds the request for `neigh(cmd, spec)`.
 *
 * @example
 * ```ts
 * import { buildNeighRequest } from "./neigh.ts";
 * buildNeighRequest("add", { index: 2, dst: "10.0.0.2", lladdr: "02:00:00:00:00:02" }).type; // 28
 * ```
 */
export function buildNeighRequest(cmd: string, spec: Spec): Request {
  return build(cmd, spec, false);
}

/**
 * Builds the request for `fdb(cmd, spec)` (AF_BRIDGE, NTF_SELF unless `flags` says master).
 *
 * @example
 * ```ts
 * import { buildFdbRequest } from "./neigh.ts";
 * buildFdbRequest("append", { index: 3, lladdr: "00:00:00:00:00:00", dst: "10.0.0.2" }).type; // 28
 * ```
 */
export function buildFdbRequest(cmd: string, spec: Spec): Request {
  return build(cmd, spec, true);
}

/** Arguments of `fdb(cmd, spec)`: a neighbour spec without family. */
export type FdbSpec = Omit<NeighSpec, "family">;

function matcher(spec: Spec, bridge: boolean): ((n: Neighbour) => boolean) | undefined {
  const s: Spec = {};
  // An IP neighbour does not carry its device's master: IPRoute checks that one.
  const keys = ["index", "dst", "lladdr", "vlan", "vni", "nhId", ...(bridge ? ["master"] : [])];
  for (const k of keys) if (spec[k] !== undefined) s[k] = spec[k];
  if (!bridge && spec.family !== undefined) s.family = familyValue(spec.family);
  if (bridge) s.family = AF_BRIDGE;
  const base = fieldMatch<Neighbour>(s, {});
  const state = spec.state === undefined
    ? undefined
    : (bridge ? fdbState : nudState)(spec.state, "state");
  const flags = spec.flags === undefined ? undefined : flagMask("ntfFlags", spec.flags, "flags");
  if (state === undefined && flags === undefined) return base;
  return (n) =>
    (!base || base(n)) &&
    (state === undefined || (n.stateValue & state) === state || n.stateValue === state) &&
    (flags === undefined ||
      (flagMask("ntfFlags", n.flags.filter((x) => !x.startsWith("0x")), "flags") & flags) ===
        flags);
}

/** Neighbours. */
export const NEIGH: ObjectKind<Neighbour> = {
  name: "neigh",
  build: buildNeighRequest,
  decode: decoderOf(Neighbour),
  linkRefs: ["index", "master"],
  masterPortKey: "index",
  match: (spec) => matcher(spec, false),
};

/** Bridge forwarding entries. */
export const FDB: ObjectKind<Neighbour> = {
  name: "fdb",
  build: buildFdbRequest,
  decode: decoderOf(Neighbour),
  linkRefs: ["index", "master"],
  match: (spec) => matcher(spec, true),
};
