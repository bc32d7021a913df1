/**
 * Nexthop objects (RTM_NEWNEXTHOP): single next hops, blackholes and groups
 * (multipath or resilient) that routes refer to by id.
 *
 * @module
 */
import { AF_INET, AF_INET6, AF_UNSPEC } from "../core/address.ts";
import { ArgumentError } from "../core/errors.ts";
import { type AttrSet, encodeAttrs } from "../core/schema.ts";
import { Writer } from "../core/codec.ts";
import { NLM_F } from "../core/constants.ts";
import { RTM } from "../core/tables/constants.ts";
import type { Request } from "../core/socket.ts";
import { decoderOf, defined, RtMessage } from "./message.ts";
import { fieldMatch, type ObjectKind } from "./kind.ts";
import { ROUTE_PROTOCOLS, SCOPES } from "./names.ts";
import { SETS } from "./registry.ts";
import { address, bool, checkKeys, command, family, int, type Spec, u32 } from "./spec.ts";

/** Size of `struct nhmsg`. */
export const NHMSG_SIZE = 8;
const RTNH_F_ONLINK = 4;

/** Nexthop attribute numbers by name. */
export const NHA: Record<string, number> = SETS.nexthop.numbers();

/** One member of a nexthop group. */
export interface GroupMember {
  /** Member nexthop id. */
  id: number;
  /** Weight (1–256; iproute2's `weight`). */
  weight: number;
}

const GROUP_TYPES = ["mpath", "resilient"] as const;

/**
 * A nexthop object.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * await using ipr = await IPRoute.open();
 * for (const nh of await ipr.getNexthops()) console.log(nh.id, nh.gateway ?? nh.group);
 * ```
 */
export class Nexthop extends RtMessage {
  /** Size of the fixed header (struct nhmsg). */
  protected override get headerSize(): number {
    return NHMSG_SIZE;
  }
  /** @internal The attribute table of this message kind (nexthopAttrs). */
  protected get attrSet(): AttrSet {
    return SETS.nexthop;
  }
  /** AF_INET, AF_INET6, or AF_UNSPEC for groups and blackholes. */
  get family(): number {
    return this.bytes[this.off]!;
  }
  /** Scope name or number. */
  get scope(): string | number {
    return SCOPES.name(this.bytes[this.off + 1]!);
  }
  /** Protocol name or number. */
  get protocol(): string | number {
    return ROUTE_PROTOCOLS.name(this.bytes[this.off + 2]!);
  }
  /** RTNH_F_* flags. */
  get flags(): number {
    return this.dv.getUint32(this.off + 4, true);
  }
  /** Nexthop id. */
  get id(): number | undefined {
    return this.u32(NHA.id!);
  }
  /** Gateway. */
  get gateway(): string | undefined {
    return this.ip(NHA.gateway!);
  }
  /** Output interface index. */
  get oif(): number | undefined {
    return this.u32(NHA.oif!);
  }
  /** Whether this is a blackhole nexthop. */
  get blackhole(): boolean {
    return this.has(NHA.blackhole!);
  }
  /** Whether this nexthop is for bridge fdb entries. */
  get fdb(): boolean {
    return this.has(NHA.fdb!);
  }
  /** Group members with their weights. */
  get group(): GroupMember[] | undefined {
    const o = this.at(NHA.group!);
    if (o < 0) return undefined;
    const out: GroupMember[] = [];
    const n = Math.floor(this.lenOf(NHA.group!) / 8);
    for (let i = 0; i < n; i++) {
      const base = o + i * 8;
      const weight = this.bytes[base + 4]! + 1 + (this.bytes[base + 5]! << 8);
      out.push({ id: this.dv.getUint32(base, true), weight });
    }
    return out;
  }
  /** Group type (`mpath` or `resilient`) for groups. */
  get groupType(): string | number | undefined {
    if (!this.has(NHA.group!)) return undefined;
    const v = this.u16(NHA.groupType!) ?? 0;
    return GROUP_TYPES[v] ?? v;
  }
  /** Whether the gateway is on-link. */
  get onlink(): boolean {
    return (this.flags & RTNH_F_ONLINK) !== 0;
  }

  /** Fields shown by `toJSON()` and inspection (id, family, gateway, interface, group, …). */
  protected fields(): Record<string, unknown> {
    return defined({
      id: this.id,
      family: this.family,
      gateway: this.gateway,
      oif: this.oif,
      blackhole: this.blackhole || undefined,
      fdb: this.fdb || undefined,
      group: this.group,
      groupType: this.groupType,
      protocol: this.protocol,
      scope: this.scope,
      onlink: this.onlink || undefined,
    });
  }
}

const COMMANDS: Record<string, [number, number]> = {
  add: [RTM.NEWNEXTHOP, NLM_F.CREATE | NLM_F.EXCL],
  replace: [RTM.NEWNEXTHOP, NLM_F.CREATE | NLM_F.REPLACE],
  set: [RTM.NEWNEXTHOP, NLM_F.REPLACE],
  del: [RTM.DELNEXTHOP, 0],
  get: [RTM.GETNEXTHOP, 0],
  dump: [RTM.GETNEXTHOP, 0],
};

/** Arguments of `nexthop(cmd, spec)`. */
export interface NexthopSpec {
  /** Nexthop id (0 or absent lets the kernel choose on add). */
  id?: number;
  /** Gateway. */
  gateway?: string;
  /** Output interface index (or name). */
  oif?: number | string;
  /** A blackhole nexthop. */
  blackhole?: boolean;
  /** Members of a group. */
  group?: (GroupMember | { id: number; weight?: number })[];
  /** `mpath` (default) or `resilient`. */
  groupType?: "mpath" | "resilient";
  /** For bridge fdb entries. */
  fdb?: boolean;
  /** Protocol name or number. */
  protocol?: string | number;
  /** `inet`/`inet6`; inferred from the gateway. */
  family?: string | number;
  /** Gateway is on-link. */
  onlink?: boolean;
  /** Resilient group options (`{ buckets, idleTimer, unbalancedTimer }`). */
  resGroup?: Record<string, unknown>;
  /** Dump filter: only groups. */
  groups?: boolean;
  /** Dump filter: nexthops through this master device. */
  master?: number | string;
}

const SPEC_KEYS = [
  "id",
  "gateway",
  "oif",
  "blackhole",
  "group",
  "groupType",
  "fdb",
  "protocol",
  "family",
  "onlink",
  "resGroup",
  "groups",
  "master",
];

/**
 * Builds the request for `nexthop(cmd, spec)`.
 *
 * @example
 * ```ts
 * import { buildNexthopRequest } from "./nexthop.ts";
 * buildNexthopRequest("add", { id: 1, gateway: "10.0.0.2", oif: 2 }).type; // 104
 * ```
 */
export function buildNexthopRequest(cmd: string, spec: Spec): Request {
  const entry = command(COMMANDS, cmd, "nexthop");
  checkKeys(spec, SPEC_KEYS, `nexthop ${cmd}`);
  const [type, flags] = entry;
  const attrs: Record<string, unknown> = {};
  let fam: number | undefined;
  if (cmd === "dump") {
    if (spec.oif !== undefined) attrs.oif = u32(spec.oif, "oif");
    if (spec.master !== undefined) attrs.master = u32(spec.master, "master");
    if (spec.groups !== undefined && bool(spec.groups, "groups")) attrs.groups = true;
    if (spec.fdb !== undefined && bool(spec.fdb, "fdb")) attrs.fdb = true;
    fam = family(spec.family, undefined, "family") ?? AF_UNSPEC;
  } else {
    for (const k of ["groups", "master"]) {
      if (spec[k] !== undefined) throw new ArgumentError(k, "a dump filter only", spec[k]);
    }
    const id = spec.id === undefined ? 0 : u32(spec.id, "id");
    if (id) attrs.id = id;
    if ((cmd === "del" || cmd === "get" || cmd === "set") && !id) {
      throw new ArgumentError("id", `the id of the nexthop to ${cmd}`, spec.id);
    }
    if (cmd !== "del" && cmd !== "get") {
      const kinds = [
        spec.gateway !== undefined || spec.oif !== undefined,
        spec.blackhole === true,
        spec.group !== undefined,
      ]
        .filter(Boolean).length;
      if (kinds !== 1) {
        throw new ArgumentError(
          "gateway",
          "exactly one of gateway/oif, blackhole: true, or group",
          spec.gateway,
        );
      }
      if (spec.gateway !== undefined) {
        const gw = address(spec.gateway, "gateway");
        fam = gw.family;
        attrs.gateway = spec.gateway;
      }
      if (spec.oif !== undefined) attrs.oif = u32(spec.oif, "oif");
      if (spec.blackhole !== undefined && bool(spec.blackhole, "blackhole")) attrs.blackhole = true;
      if (spec.fdb !== undefined && bool(spec.fdb, "fdb")) attrs.fdb = true;
      if (spec.group !== undefined) {
        if (!Array.isArray(spec.group) || spec.group.length === 0) {
          throw new ArgumentError("group", "a non-empty array of { id, weight }", spec.group);
        }
        const g = new Uint8Array(new ArrayBuffer(8 * spec.group.length));
        const dv = new DataView(g.buffer);
        spec.group.forEach((m, i) => {
          checkKeys(m, ["id", "weight"], `group[${i}]`, true);
          dv.setUint32(i * 8, int(m.id, `group[${i}].id`, 1, 0xffffffff), true);
          const weight = m.weight === undefined ? 1 : int(m.weight, `group[${i}].weight`, 1, 256);
          g[i * 8 + 4] = (weight - 1) & 0xff;
          g[i * 8 + 5] = (weight - 1) >> 8;
        });
        attrs.group = g;
        if (spec.groupType !== undefined) {
          const t = GROUP_TYPES.indexOf(spec.groupType as "mpath");
          if (t < 0) throw new ArgumentError("groupType", "mpath or resilient", spec.groupType);
          attrs.groupType = t;
        }
        if (spec.resGroup !== undefined) attrs.resGroup = spec.resGroup;
      } else {
        for (const k of ["groupType", "resGroup"]) {
          if (spec[k] !== undefined) throw new ArgumentError(k, "a value only with group", spec[k]);
        }
      }
    }
    fam = family(spec.family, fam, "family") ?? AF_UNSPEC;
    // The kernel wants a family for every nexthop but a group; iproute2 uses inet.
    if (
      fam === AF_UNSPEC && cmd !== "del" && cmd !== "get" &&
      (spec.oif !== undefined || spec.blackhole === true)
    ) fam = AF_INET;
  }
  if (fam !== AF_UNSPEC && fam !== AF_INET && fam !== AF_INET6) {
    throw new ArgumentError("family", "inet or inet6", spec.family);
  }
  const protocol = spec.protocol === undefined
    ? 0
    : ROUTE_PROTOCOLS.value(spec.protocol, "protocol");
  const nhFlags = spec.onlink === undefined ? 0 : bool(spec.onlink, "onlink") ? RTNH_F_ONLINK : 0;
  const w = Writer.scratch("nexthop");
  encodeAttrs(w, SETS.nexthop, attrs);
  const body = w.finish();
  const f = fam;
  return {
    type,
    flags,
    name: cmd === "del"
      ? "RTM_DELNEXTHOP"
      : cmd === "get" || cmd === "dump"
      ? "RTM_GETNEXTHOP"
      : "RTM_NEWNEXTHOP",
    body: (out) => {
      out.u8(f);
      out.u8(0);
      out.u8(protocol);
      out.u8(0);
      out.u32(nhFlags);
      out.bytes(body);
    },
  };
}

/** Nexthop objects. */
export const NEXTHOP: ObjectKind<Nexthop> = {
  name: "nexthop",
  build: buildNexthopRequest,
  decode: decoderOf(Nexthop),
  linkRefs: ["oif", "master"],
  masterPortKey: "oif",
  match: (spec) => {
    const s: Spec = {};
    for (const k of ["id", "gateway", "oif"]) if (spec[k] !== undefined) s[k] = spec[k];
    const base = fieldMatch<Nexthop>(s, {});
    if (spec.groups === undefined && spec.fdb === undefined && spec.blackhole === undefined) {
      return base;
    }
    return (n) =>
      (!base || base(n)) && (spec.groups !== true || n.group !== undefined) &&
      (spec.fdb === undefined || n.fdb === spec.fdb) &&
      (spec.blackhole === undefined || n.blackhole === spec.blackhole);
  },
};
