/**
 * The request builder for `route(cmd, spec)`, with iproute2's defaults
 * (protocol boot, scope link for gateway-less unicast routes, tables above 255
 * through RTA_TABLE, IPv6 priority 1024 made explicit).
 *
 * @module
 */
import { AF_INET, AF_INET6, ipv4Value, prefixLenValue } from "../../core/address.ts";
import { ArgumentError } from "../../core/errors.ts";
import { encodeAttrs } from "../../core/schema.ts";
import { Writer } from "../../core/codec.ts";
import { NLM_F } from "../../core/constants.ts";
import { RT_SCOPE, RT_TABLE, RTM, RTNH_F, RTPROT } from "../../core/tables/constants.ts";
import {
  type Metrics,
  RT_ROUTE_ATTRS,
  RT_ROUTE_ENUMS,
  RT_ROUTE_STRUCTS,
} from "../../core/tables/rt_route.ts";
import type { Request } from "../../core/socket.ts";
import { headerRequest, type HeaderValues, reserveHeader } from "../header.ts";
import type { Command } from "../object.ts";
import {
  type Family,
  REALMS,
  ROUTE_PROTOCOLS,
  ROUTE_TYPES,
  type RouteProtocolName,
  type RouteTypeName,
  type ScopeName,
  SCOPES,
  type TableName,
  TABLES,
} from "../names.ts";
import { SETS } from "../registry.ts";
import { address, checkKeys, command, family, int, prefix, type Spec, u32 } from "../spec.ts";
import { type NextHopSpec, writeGateway, writeMultipath } from "./multipath.ts";
import { type RouteEncap, writeEncap } from "./encap.ts";

const RTA = RT_ROUTE_ATTRS.routeAttrs;
const RTMSG = RT_ROUTE_STRUCTS.rtmsg;
const RTN = RT_ROUTE_ENUMS.rtmType;

/** The route commands: message type and flags. */
export const ROUTE_COMMANDS = {
  add: [RTM.NEWROUTE, NLM_F.CREATE | NLM_F.EXCL],
  set: [RTM.NEWROUTE, NLM_F.REPLACE],
  change: [RTM.NEWROUTE, NLM_F.REPLACE],
  replace: [RTM.NEWROUTE, NLM_F.CREATE | NLM_F.REPLACE],
  append: [RTM.NEWROUTE, NLM_F.CREATE | NLM_F.APPEND],
  del: [RTM.DELROUTE, 0],
  get: [RTM.GETROUTE, 0],
  dump: [RTM.GETROUTE, 0],
} as const satisfies Record<string, Command>;

/** Arguments of `route(cmd, spec)`. */
export interface RouteSpec {
  /** `"10.1.0.0/16"`, `"default"`, or an address with `dstLen`. */
  dst?: string;
  /** Destination prefix length when `dst` has none. */
  dstLen?: number;
  /** Source prefix (policy routing on the source). */
  src?: string;
  /** Gateway. */
  gateway?: string;
  /** Output interface index, or a name IPRoute resolves. */
  oif?: number | string;
  /** Input interface index, or a name IPRoute resolves. */
  iif?: number | string;
  /** Preferred source address. */
  prefsrc?: string;
  /** Priority (iproute2's metric). IPv6 routes default to 1024, as the kernel does. */
  priority?: number;
  /** Table id or name (`main`, `local`, …; names from rt_tables through {@link tableId}); above 255 goes through RTA_TABLE. */
  table?: number | TableName;
  /** Protocol name or number; default `boot` for changes. */
  proto?: number | RouteProtocolName;
  /** Scope name or number; default as iproute2 chooses. */
  scope?: number | ScopeName;
  /** Route type (`unicast`, `blackhole`, `unreachable`, `prohibit`, `local`, …). */
  type?: number | RouteTypeName;
  /** Metrics (`{ mtu: 1400, hoplimit: 64, advmss: 1360, … }`). */
  metrics?: Metrics;
  /** Next hops of a multipath route. */
  multipath?: NextHopSpec[];
  /** Use a nexthop object (RTA_NH_ID). */
  nhId?: number;
  /** `inet`/`inet6`; inferred from the addresses. */
  family?: Family;
  /** TOS. */
  tos?: number;
  /** Gateway is on-link (RTNH_F_ONLINK). */
  onlink?: boolean;
  /** Firewall mark (for `get`). */
  mark?: number;
  /** IPv6 router preference (0 medium, 1 high, 3 low). */
  pref?: number;
  /** Expiry in seconds (IPv6). */
  expires?: number;
  /** Realm (RTA_FLOW's destination realm): a number or a name from iproute2's rt_realms. */
  realm?: number | string;
  /**
   * Encapsulation (`ip route … encap TYPE …`): seg6, seg6local, mpls, ip,
   * ip6, bpf, ioam6, or a type number with raw data (see {@link RouteEncap}).
   */
  encap?: RouteEncap;
}

const SPEC_KEYS: readonly (keyof RouteSpec)[] = [
  "dst",
  "dstLen",
  "src",
  "gateway",
  "oif",
  "iif",
  "prefsrc",
  "priority",
  "table",
  "proto",
  "scope",
  "type",
  "metrics",
  "multipath",
  "nhId",
  "family",
  "tos",
  "onlink",
  "mark",
  "pref",
  "expires",
  "realm",
  "encap",
];

/** The arguments of `route("get")`: what the kernel's lookup accepts. */
const GET_KEYS: readonly (keyof RouteSpec)[] = [
  "dst",
  "dstLen",
  "src",
  "iif",
  "oif",
  "mark",
  "family",
  "tos",
];

/**
 * A routing table's id from its name (`main`, `local`, `default`, or a name
 * from iproute2's rt_tables) or number; an ArgumentError naming `argument`
 * otherwise.
 *
 * @example
 * ```ts
 * import { tableId } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 * assert.equal(tableId("main"), 254);
 * ```
 */
export function tableId(v: unknown, argument = "table"): number {
  return TABLES.value(v, argument, 0xffffffff);
}

/** The scratch writer of a route request, with room for its rtmsg header. */
function routeWriter(): Writer {
  const w = Writer.scratch("route");
  reserveHeader(w, RTMSG);
  return w;
}

/** A route request: the rtmsg header and the attributes written into {@link routeWriter}. */
function routeRequest(cmd: string, w: Writer, header: HeaderValues<typeof RTMSG>): Request {
  return headerRequest(ROUTE_COMMANDS[cmd as keyof typeof ROUTE_COMMANDS], RTMSG, header, w);
}

/**
 * The common case written without intermediate objects: an IPv4 prefix
 * (`"10.1.0.0/16"` or a bare address) as attribute `type`. Returns its
 * prefix length, or -1 when `v` is anything else (the general path parses it
 * and reports what is wrong).
 */
function writeIPv4Prefix(w: Writer, type: number, v: unknown): number {
  if (typeof v !== "string") return -1;
  const slash = v.indexOf("/");
  const end = slash < 0 ? v.length : slash;
  const a = ipv4Value(v, 0, end);
  if (a < 0) return -1;
  const len = slash < 0 ? 32 : prefixLenValue(v, slash + 1, v.length, 32);
  if (len >= 0) w.attrU32(type, a, true);
  return len;
}

/** A dump request: kernel-side filters (strict checking) on table, oif, protocol and type. */
function dumpRequest(spec: RouteSpec | Spec): Request {
  const w = routeWriter();
  const table = spec.table === undefined ? 0 : tableId(spec.table);
  const fam = family(spec.family, undefined, "family");
  const proto = spec.proto === undefined ? 0 : ROUTE_PROTOCOLS.value(spec.proto, "proto");
  const rtype = spec.type === undefined ? 0 : ROUTE_TYPES.value(spec.type, "type");
  if (table) w.attrU32(RTA.table, table);
  if (spec.oif !== undefined) w.attrU32(RTA.oif, u32(spec.oif, "oif"));
  return routeRequest("dump", w, {
    rtmFamily: fam ?? 0,
    rtmTable: table > 255 ? 0 : table,
    rtmProtocol: proto,
    rtmType: rtype,
  });
}

/** The scope iproute2 chooses for a route of `rtype` when none is given. */
function defaultScope(cmd: string, rtype: number, spec: RouteSpec | Spec, fam: number | undefined) {
  if (cmd === "del") return RT_SCOPE.NOWHERE; // match any
  if (cmd === "get") return RT_SCOPE.UNIVERSE;
  if (rtype === RTN.local || rtype === RTN.nat) return RT_SCOPE.HOST;
  if (rtype === RTN.broadcast || rtype === RTN.anycast || rtype === RTN.multicast) {
    return RT_SCOPE.LINK;
  }
  const direct = spec.gateway === undefined && spec.multipath === undefined &&
    spec.nhId === undefined;
  return rtype === RTN.unicast && direct && fam !== AF_INET6 ? RT_SCOPE.LINK : RT_SCOPE.UNIVERSE;
}

/** Checks that a lookup (`route get`) names one address, and its source one too. */
function checkLookup(
  spec: RouteSpec | Spec,
  fam: number | undefined,
  dstLen: number,
  srcLen: number,
) {
  if (spec.dst === undefined) throw new ArgumentError("dst", "a destination to look up", undefined);
  const full = fam === AF_INET6 ? 128 : 32;
  if (dstLen !== full) {
    throw new ArgumentError("dst", `one address to look up (a /${full})`, spec.dst);
  }
  if (spec.src !== undefined && srcLen !== full) {
    throw new ArgumentError("src", `one source address (a /${full})`, spec.src);
  }
}

/**
 * Builds the request for `route(cmd, spec)`. Validates everything first.
 */
export function buildRouteRequest(cmd: string, spec: RouteSpec | Spec): Request {
  command(ROUTE_COMMANDS, cmd, "route");
  // A lookup takes only what the kernel's route get accepts (anything else in
  // the header or attributes is refused with EINVAL).
  checkKeys(spec, cmd === "get" ? GET_KEYS : SPEC_KEYS, `route ${cmd}`);
  if (cmd === "dump") return dumpRequest(spec);
  const w = routeWriter();
  const changing = cmd !== "del" && cmd !== "get";
  const creating = cmd === "add" || cmd === "replace" || cmd === "append";
  let fam: number | undefined;
  let dstLen = 0;
  let srcLen = 0;
  const table = spec.table === undefined
    ? (cmd === "get" ? RT_TABLE.UNSPEC : RT_TABLE.MAIN)
    : tableId(spec.table);
  const fastDst = spec.dstLen === undefined ? writeIPv4Prefix(w, RTA.dst, spec.dst) : -1;
  if (fastDst >= 0) {
    fam = AF_INET;
    dstLen = fastDst;
  } else if (spec.dst !== undefined && spec.dst !== "default") {
    const p = prefix(spec.dst, spec.dstLen, "dst", "dstLen");
    fam = p.family;
    dstLen = p.prefixlen;
    w.attrBytes(RTA.dst, p.bytes);
  } else if (spec.dstLen !== undefined && spec.dstLen !== 0) {
    throw new ArgumentError("dstLen", "0 for the default route (or a dst)", spec.dstLen);
  }
  if (spec.src !== undefined) {
    const p = prefix(spec.src, undefined, "src");
    if (fam !== undefined && p.family !== fam) {
      throw new ArgumentError("src", "the same family as dst", spec.src);
    }
    fam = p.family;
    srcLen = p.prefixlen;
    w.attrBytes(RTA.src, p.bytes);
  }
  if (spec.gateway !== undefined) {
    // An IPv4 gateway of an IPv4 (or not yet known) route: RTA_GATEWAY, parsed in place.
    const gw = typeof spec.gateway === "string" && (fam === undefined || fam === AF_INET)
      ? ipv4Value(spec.gateway)
      : -1;
    if (gw >= 0) {
      w.attrU32(RTA.gateway, gw, true);
      fam = AF_INET;
    } else fam = writeGateway(w, address(spec.gateway, "gateway"), fam);
  }
  if (spec.prefsrc !== undefined) {
    const a = address(spec.prefsrc, "prefsrc", fam);
    fam ??= a.family;
    w.attrBytes(RTA.prefsrc, a.bytes);
  }
  fam = family(spec.family, fam, "family");
  if (fam === undefined && creating && spec.dst === "default") fam = AF_INET;
  if (spec.oif !== undefined) w.attrU32(RTA.oif, u32(spec.oif, "oif"));
  if (spec.iif !== undefined) w.attrU32(RTA.iif, u32(spec.iif, "iif"));
  let priority = spec.priority === undefined ? undefined : u32(spec.priority, "priority");
  // The kernel's IP6_RT_PRIO_USER, made explicit.
  if (priority === undefined && fam === AF_INET6 && creating) priority = 1024;
  if (priority !== undefined) w.attrU32(RTA.priority, priority);
  if (table > 255 || spec.table !== undefined) w.attrU32(RTA.table, table);
  if (spec.metrics !== undefined) {
    if (typeof spec.metrics !== "object" || spec.metrics === null || Array.isArray(spec.metrics)) {
      throw new ArgumentError("metrics", "an object such as { mtu: 1400 }", spec.metrics);
    }
    const m = w.beginNested(RTA.metrics);
    encodeAttrs(w, SETS.metrics, spec.metrics as Record<string, unknown>, "metrics");
    w.endAttr(m);
  }
  if (spec.multipath !== undefined) {
    if (spec.gateway !== undefined) {
      throw new ArgumentError("multipath", "either gateway or multipath", spec.multipath);
    }
    fam = writeMultipath(w, spec.multipath, fam);
  }
  if (spec.nhId !== undefined) w.attrU32(RTA.nhId, u32(spec.nhId, "nhId"));
  if (spec.mark !== undefined) w.attrU32(RTA.mark, u32(spec.mark, "mark"));
  if (spec.pref !== undefined) w.attrU8(RTA.pref, int(spec.pref, "pref", 0, 3));
  if (spec.expires !== undefined) w.attrU32(RTA.expires, u32(spec.expires, "expires"));
  if (spec.realm !== undefined) w.attrU32(RTA.flow, REALMS.value(spec.realm, "realm", 0xffff));
  if (spec.encap !== undefined) writeEncap(w, spec.encap, "encap");
  const tos = spec.tos === undefined ? 0 : int(spec.tos, "tos", 0, 255);
  const rtype = spec.type !== undefined
    ? ROUTE_TYPES.value(spec.type, "type")
    : changing
    ? RTN.unicast
    : RTN.unspec;
  const proto = spec.proto !== undefined
    ? ROUTE_PROTOCOLS.value(spec.proto, "proto")
    : changing
    ? RTPROT.BOOT
    : RTPROT.UNSPEC;
  const scope = spec.scope !== undefined
    ? SCOPES.value(spec.scope, "scope")
    : defaultScope(cmd, rtype, spec, fam);
  if (cmd === "get") checkLookup(spec, fam, dstLen, srcLen);
  return routeRequest(cmd, w, {
    rtmFamily: fam ?? 0,
    rtmDstLen: dstLen,
    rtmSrcLen: srcLen,
    rtmTos: tos,
    rtmTable: table > 255 ? 0 : table,
    rtmProtocol: proto,
    rtmScope: scope,
    rtmType: rtype,
    rtmFlags: spec.onlink === true ? RTNH_F.ONLINK : 0,
  });
}
