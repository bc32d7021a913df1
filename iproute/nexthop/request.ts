/**
 * The request builder for `nexthop(cmd, spec)`.
 *
 * @module
 */
import { AF_INET, AF_INET6, AF_UNSPEC } from "../../core/address.ts";
import { ArgumentError } from "../../core/errors.ts";
import { encodeAttrs } from "../../core/schema.ts";
import { Writer } from "../../core/codec.ts";
import { NLM_F } from "../../core/constants.ts";
import { RTM, RTNH_F } from "../../core/tables/constants.ts";
import { UAPI_STRUCTS } from "../../core/tables/uapi.ts";
import type { Request } from "../../core/socket.ts";
import { structRequest } from "../header.ts";
import { writeStruct } from "../../core/layout.ts";
import type { Command } from "../object.ts";
import { type Family, ROUTE_PROTOCOLS, type RouteProtocolName } from "../names.ts";
import { SETS } from "../registry.ts";
import { address, bool, checkKeys, command, family, int, type Spec, u32 } from "../spec.ts";
import { GROUP_TYPES, type GroupMember } from "./nexthop.ts";

const NHMSG = UAPI_STRUCTS.nhmsg;
const GRP = UAPI_STRUCTS.nexthopGrp;

/** The nexthop commands: message type and flags. */
export const NEXTHOP_COMMANDS = {
  add: [RTM.NEWNEXTHOP, NLM_F.CREATE | NLM_F.EXCL],
  replace: [RTM.NEWNEXTHOP, NLM_F.CREATE | NLM_F.REPLACE],
  set: [RTM.NEWNEXTHOP, NLM_F.REPLACE],
  del: [RTM.DELNEXTHOP, 0],
  get: [RTM.GETNEXTHOP, 0],
  dump: [RTM.GETNEXTHOP, 0],
} as const satisfies Record<string, Command>;

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
  protocol?: RouteProtocolName | number;
  /** `inet`/`inet6`; inferred from the gateway. */
  family?: Family;
  /** Gateway is on-link. */
  onlink?: boolean;
  /** Resilient group options (`{ buckets, idleTimer, unbalancedTimer }`). */
  resGroup?: Record<string, unknown>;
  /** Dump filter: only groups. */
  groups?: boolean;
  /** Dump filter: nexthops through this master device. */
  master?: number | string;
}

const SPEC_KEYS: readonly (keyof NexthopSpec)[] = [
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

/** NHA_GROUP: the members as `struct nexthop_grp` records (weight − 1 split over two bytes). */
function groupBytes(group: unknown): Uint8Array {
  if (!Array.isArray(group) || group.length === 0) {
    throw new ArgumentError("group", "a non-empty array of { id, weight }", group);
  }
  const w = new Writer(GRP.size * group.length);
  group.forEach((m, i) => {
    checkKeys(m, ["id", "weight"], `group[${i}]`, true);
    const weight = m.weight === undefined ? 1 : int(m.weight, `group[${i}].weight`, 1, 256);
    writeStruct(w, GRP, {
      id: int(m.id, `group[${i}].id`, 1, 0xffffffff),
      weight: (weight - 1) & 0xff,
      weightHigh: (weight - 1) >> 8,
    });
  });
  return w.finish();
}

/** The dump filters: interface, master, groups only, fdb only. */
function dumpAttrs(spec: Spec, attrs: Record<string, unknown>): number {
  if (spec.oif !== undefined) attrs.oif = u32(spec.oif, "oif");
  if (spec.master !== undefined) attrs.master = u32(spec.master, "master");
  if (spec.groups !== undefined && bool(spec.groups, "groups")) attrs.groups = true;
  if (spec.fdb !== undefined && bool(spec.fdb, "fdb")) attrs.fdb = true;
  return family(spec.family, undefined, "family") ?? AF_UNSPEC;
}

/** What a new or replaced nexthop is: a gateway/interface, a blackhole or a group. */
function definitionAttrs(spec: Spec, attrs: Record<string, unknown>): number | undefined {
  const kinds = [
    spec.gateway !== undefined || spec.oif !== undefined,
    spec.blackhole === true,
    spec.group !== undefined,
  ].filter(Boolean).length;
  if (kinds !== 1) {
    throw new ArgumentError(
      "gateway",
      "exactly one of gateway/oif, blackhole: true, or group",
      spec.gateway,
    );
  }
  let fam: number | undefined;
  if (spec.gateway !== undefined) {
    fam = address(spec.gateway, "gateway").family;
    attrs.gateway = spec.gateway;
  }
  if (spec.oif !== undefined) attrs.oif = u32(spec.oif, "oif");
  if (spec.blackhole !== undefined && bool(spec.blackhole, "blackhole")) attrs.blackhole = true;
  if (spec.fdb !== undefined && bool(spec.fdb, "fdb")) attrs.fdb = true;
  if (spec.group === undefined) {
    for (const k of ["groupType", "resGroup"]) {
      if (spec[k] !== undefined) throw new ArgumentError(k, "a value only with group", spec[k]);
    }
    return fam;
  }
  attrs.group = groupBytes(spec.group);
  if (spec.groupType !== undefined) {
    const t = GROUP_TYPES.indexOf(spec.groupType as string);
    if (t < 0) throw new ArgumentError("groupType", GROUP_TYPES.join(" or "), spec.groupType);
    attrs.groupType = t;
  }
  if (spec.resGroup !== undefined) attrs.resGroup = spec.resGroup;
  return fam;
}

/**
 * Builds the request for `nexthop(cmd, spec)`.
 */
export function buildNexthopRequest(cmd: string, spec: NexthopSpec | Spec): Request {
  const [type, flags] = command(NEXTHOP_COMMANDS, cmd, "nexthop");
  checkKeys(spec, SPEC_KEYS, `nexthop ${cmd}`);
  const attrs: Record<string, unknown> = {};
  let fam: number | undefined;
  if (cmd === "dump") fam = dumpAttrs(spec, attrs);
  else {
    for (const k of ["groups", "master"]) {
      if (spec[k] !== undefined) throw new ArgumentError(k, "a dump filter only", spec[k]);
    }
    const id = spec.id === undefined ? 0 : u32(spec.id, "id");
    if (id) attrs.id = id;
    if ((cmd === "del" || cmd === "get" || cmd === "set") && !id) {
      throw new ArgumentError("id", `the id of the nexthop to ${cmd}`, spec.id);
    }
    const defining = cmd !== "del" && cmd !== "get";
    if (defining) fam = definitionAttrs(spec, attrs);
    fam = family(spec.family, fam, "family") ?? AF_UNSPEC;
    // The kernel wants a family for every nexthop but a group; iproute2 uses inet.
    if (fam === AF_UNSPEC && defining && (spec.oif !== undefined || spec.blackhole === true)) {
      fam = AF_INET;
    }
  }
  if (fam !== AF_UNSPEC && fam !== AF_INET && fam !== AF_INET6) {
    throw new ArgumentError("family", "inet or inet6", spec.family);
  }
  const protocol = spec.protocol === undefined
    ? 0
    : ROUTE_PROTOCOLS.value(spec.protocol, "protocol");
  const nhFlags = spec.onlink === undefined ? 0 : bool(spec.onlink, "onlink") ? RTNH_F.ONLINK : 0;
  const w = Writer.scratch("nexthop");
  encodeAttrs(w, SETS.nexthop, attrs);
  return structRequest(
    [type, flags],
    NHMSG,
    { nhFamily: fam, nhProtocol: protocol, nhFlags },
    w.finish(),
  );
}
