/**
 * Routes: the typed result ({@link Route}) and the request builder for
 * `route(cmd, spec)`, with iproute2's defaults (protocol boot, scope link for
 * gateway-less unicast routes, tables above 255 through RTA_TABLE).
 *
 * @module
 */
import { AF_INET, AF_INET6, formatIP } from "../core/address.ts";
import { ArgumentError, DecodeError } from "../core/errors.ts";
import { type AttrSet, decodeAttrs, encodeAttrs } from "../core/schema.ts";
import { Writer } from "../core/codec.ts";
import { NLM_F } from "../core/constants.ts";
import { RTM } from "../core/tables/constants.ts";
import type { Request } from "../core/socket.ts";
import { defined, RtMessage } from "./message.ts";
import { ROUTE_PROTOCOLS, ROUTE_TYPES, SCOPES, TABLES } from "./names.ts";
import { SETS } from "./registry.ts";
import { address, checkKeys, command, family, int, prefix, type Spec, u32 } from "./spec.ts";

/** Size of `struct rtmsg`. */
export const RTMSG_SIZE = 12;
/** Size of `struct rtnexthop`. */
const RTNH_SIZE = 8;
/** RTNH_F_ONLINK. */
const RTNH_F_ONLINK = 4;

/** `"/0"` … `"/128"`: prefix suffixes, made once. */
const SLASH_LEN: string[] = Array.from({ length: 129 }, (_, i) => `/${i}`);

/** Route attribute numbers by name. */
export const RTA: Record<string, number> = SETS.route.numbers();
const A_DST = RTA.dst!;
const A_GATEWAY = RTA.gateway!;
const A_TABLE = RTA.table!;
const A_OIF = RTA.oif!;
const A_PRIORITY = RTA.priority!;
/** Attributes {@link Route.identity} reads, in the order of its scratch array. */
const IDENTITY_TYPES: readonly number[] = [A_TABLE, A_DST, A_PRIORITY, A_OIF, RTA.multipath!];
const IDENTITY_SCRATCH: number[] = new Array(10).fill(-1);

/** What {@link Route.identity} returns (one object, reused: copy what you keep). */
export interface RouteIdentity {
  /** Table id (RTA_TABLE, else the header's rtm_table). */
  table: number;
  /** Address family (AF_INET or AF_INET6). */
  family: number;
  /** Destination as `"10.1.0.0/16"`, or `"default"` for a zero-length prefix. */
  dst: string;
  /** TOS from the header. */
  tos: number;
  /** Priority (RTA_PRIORITY), when present. */
  priority: number | undefined;
  /** Output interface index (RTA_OIF), when present. */
  oif: number | undefined;
  /** Whether the route has RTA_MULTIPATH. */
  multipath: boolean;
}
const IDENTITY_OUT: RouteIdentity = {
  table: 0,
  family: 0,
  dst: "",
  tos: 0,
  priority: undefined,
  oif: undefined,
  multipath: false,
};

/** One path of a multipath route. */
export interface NextHop {
  /** Gateway address. */
  gateway?: string;
  /** Output interface index. */
  oif?: number | undefined;
  /** pyroute2's `hops` (weight − 1). */
  hops?: number;
  /** iproute2's `weight` (hops + 1). */
  weight?: number;
  /** RTNH_F_* flags. */
  flags?: number;
}

/**
 * One path of a multipath route, as given to `route(cmd, { multipath })`:
 * `oif` may be an interface name, which IPRoute resolves.
 *
 * @example
 * ```ts
 * import type { NextHopSpec } from "./route.ts";
 * const hops: NextHopSpec[] = [{ gateway: "10.0.0.2", weight: 3 }, { oif: "eth1" }];
 * ```
 */
export interface NextHopSpec extends Omit<NextHop, "oif"> {
  /** Output interface index or name. */
  oif?: number | string;
  /** Gateway is on-link (RTNH_F_ONLINK). */
  onlink?: boolean;
}

/** Decodes RTA_MULTIPATH into next hops. */
function decodeMultipath(bytes: Uint8Array, dv: DataView, start: number, end: number): NextHop[] {
  const out: NextHop[] = [];
  let off = start;
  while (off + RTNH_SIZE <= end) {
    const len = dv.getUint16(off, true);
    if (len < RTNH_SIZE || off + len > end) {
      throw new DecodeError("multipath next hop", `length ${len} is out of bounds`, off);
    }
    const hops = bytes[off + 3]!;
    const nh: NextHop = {
      oif: dv.getInt32(off + 4, true),
      hops,
      weight: hops + 1,
      flags: bytes[off + 2]!,
    };
    const attrs = decodeAttrs(SETS.route, bytes, off + RTNH_SIZE, off + len, 1);
    if (typeof attrs.gateway === "string") nh.gateway = attrs.gateway;
    else if (attrs.via instanceof Uint8Array && attrs.via.length >= 6) {
      nh.gateway = formatIP(attrs.via, 2, attrs.via.length - 2);
    }
    out.push(nh);
    off += (len + 3) & ~3;
  }
  return out;
}

/**
 * A route as the kernel reports it.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * await using ipr = await IPRoute.open();
 * for (const r of await ipr.getRoutes({ table: "main" })) console.log(r.dst, r.gateway, r.oif);
 * ```
 */
export class Route extends RtMessage {
  /** Size of the fixed header (struct rtmsg). */
  protected override get headerSize(): number {
    return RTMSG_SIZE;
  }
  /** @internal The attribute table of this message kind (routeAttrs). */
  protected get attrSet(): AttrSet {
    return SETS.route;
  }
  /** AF_INET or AF_INET6. */
  get family(): number {
    return this.bytes[this.off]!;
  }
  /** Destination prefix length. */
  get dstLen(): number {
    return this.bytes[this.off + 1]!;
  }
  /** Source prefix length. */
  get srcLen(): number {
    return this.bytes[this.off + 2]!;
  }
  /** TOS. */
  get tos(): number {
    return this.bytes[this.off + 3]!;
  }
  /** Table id (RTA_TABLE, or the header's for old kernels). */
  get table(): number {
    const o = this.at(A_TABLE);
    return o >= 0 ? this.dv.getUint32(o, true) : this.bytes[this.off + 4]!;
  }
  /** Protocol name (`kernel`, `boot`, `static`, …) or number. */
  get proto(): string | number {
    return ROUTE_PROTOCOLS.name(this.bytes[this.off + 5]!);
  }
  /** Scope name (`global`, `link`, `host`) or number. */
  get scope(): string | number {
    return SCOPES.name(this.bytes[this.off + 6]!);
  }
  /** Route type name (`unicast`, `local`, `blackhole`, …). */
  get routeType(): string | number {
    return ROUTE_TYPES.name(this.bytes[this.off + 7]!);
  }
  /** RTM_F_* flags. */
  get flags(): number {
    return this.dv.getUint32(this.off + 8, true);
  }
  /**
   * The fields a route is identified by, read in one pass over its attributes
   * (no per-message index): table, family, destination, tos, priority, output
   * interface, and whether it is multipath. Used to key routes in bulk (IPDB).
   * The returned object is reused by the next call.
   */
  identity(): RouteIdentity {
    const at = IDENTITY_SCRATCH;
    this.scan(IDENTITY_TYPES, at);
    const len = this.bytes[this.off + 1]!;
    // One object reused for every call: copy what you keep.
    const out = IDENTITY_OUT;
    out.dst = at[2]! < 0
      ? (len === 0 ? "default" : "")
      : formatIP(this.bytes, at[2]!, at[3]!) + SLASH_LEN[len]!;
    out.table = at[0]! >= 0 && at[1]! >= 4
      ? this.dv.getUint32(at[0]!, true)
      : this.bytes[this.off + 4]!;
    out.priority = at[4]! >= 0 && at[5]! >= 4 ? this.dv.getUint32(at[4]!, true) : undefined;
    out.oif = at[6]! >= 0 && at[7]! >= 4 ? this.dv.getUint32(at[6]!, true) : undefined;
    out.multipath = at[8]! >= 0;
    out.family = this.bytes[this.off]!;
    out.tos = this.bytes[this.off + 3]!;
    return out;
  }

  /** Destination as `"10.1.0.0/16"`, or `"default"` for a zero-length prefix. */
  get dst(): string {
    const len = this.bytes[this.off + 1]!;
    const o = this.at(A_DST);
    if (o < 0) return len === 0 ? "default" : "";
    return formatIP(this.bytes, o, this.lenOf(A_DST)) + SLASH_LEN[len]!;
  }
  /** Source prefix (`RTA_SRC`), when given. */
  get src(): string | undefined {
    const a = this.ip(RTA.src!);
    return a === undefined ? undefined : `${a}/${this.srcLen}`;
  }
  /** Gateway address. */
  get gateway(): string | undefined {
    const o = this.at(A_GATEWAY);
    if (o >= 0) return formatIP(this.bytes, o, this.lenOf(A_GATEWAY));
    const v = this.at(RTA.via!);
    return v < 0 || this.lenOf(RTA.via!) < 6
      ? undefined
      : formatIP(this.bytes, v + 2, this.lenOf(RTA.via!) - 2);
  }
  /** Output interface index. */
  get oif(): number | undefined {
    return this.u32(A_OIF);
  }
  /** Input interface index. */
  get iif(): number | undefined {
    return this.u32(RTA.iif!);
  }
  /** Preferred source address. */
  get prefsrc(): string | undefined {
    return this.ip(RTA.prefsrc!);
  }
  /** Priority (iproute2's `metric`). */
  get priority(): number | undefined {
    return this.u32(A_PRIORITY);
  }
  /** Metrics (`mtu`, `hoplimit`, `advmss`, …). */
  get metrics(): Record<string, unknown> | undefined {
    return this.nested(RTA.metrics!, SETS.metrics);
  }
  /** Next hops of a multipath route. */
  get multipath(): NextHop[] | undefined {
    const o = this.at(RTA.multipath!);
    return o < 0
      ? undefined
      : decodeMultipath(this.bytes, this.dv, o, o + this.lenOf(RTA.multipath!));
  }
  /** Nexthop object id (RTA_NH_ID). */
  get nhId(): number | undefined {
    return this.u32(RTA.nhId!);
  }
  /** IPv6 router preference. */
  get pref(): number | undefined {
    return this.u8(RTA.pref!);
  }
  /** Expiry in clock ticks (RTA_EXPIRES). */
  get expires(): number | undefined {
    return this.u32(RTA.expires!);
  }
  /** Firewall mark (route lookups by `get`). */
  get mark(): number | undefined {
    return this.u32(RTA.mark!);
  }
  /** UID (route lookups by `get`). */
  get uid(): number | undefined {
    return this.u32(RTA.uid!);
  }

  /** Fields shown by `toJSON()` and inspection (family, destination, gateway, interfaces, table, metrics, next hops, …). */
  protected fields(): Record<string, unknown> {
    return defined({
      family: this.family,
      dst: this.dst,
      dstLen: this.dstLen,
      src: this.src,
      gateway: this.gateway,
      oif: this.oif,
      iif: this.iif,
      prefsrc: this.prefsrc,
      table: this.table,
      priority: this.priority,
      proto: this.proto,
      scope: this.scope,
      type: this.routeType,
      metrics: this.metrics,
      multipath: this.multipath,
      nhId: this.nhId,
      pref: this.pref,
    });
  }
}

const COMMANDS: Record<string, [number, number]> = {
  add: [RTM.NEWROUTE, NLM_F.CREATE | NLM_F.EXCL],
  set: [RTM.NEWROUTE, NLM_F.REPLACE],
  change: [RTM.NEWROUTE, NLM_F.REPLACE],
  replace: [RTM.NEWROUTE, NLM_F.CREATE | NLM_F.REPLACE],
  append: [RTM.NEWROUTE, NLM_F.CREATE | NLM_F.APPEND],
  del: [RTM.DELROUTE, 0],
  get: [RTM.GETROUTE, 0],
  dump: [RTM.GETROUTE, 0],
};

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
  /** Table id or name (`main`, `local`, …); above 255 goes through RTA_TABLE. */
  table?: number | string;
  /** Protocol name or number; default `boot` for changes. */
  proto?: number | string;
  /** Scope name or number; default as iproute2 chooses. */
  scope?: number | string;
  /** Route type (`unicast`, `blackhole`, `unreachable`, `prohibit`, `local`, …). */
  type?: number | string;
  /** Metrics (`{ mtu: 1400, hoplimit: 64, advmss: 1360, … }`). */
  metrics?: Record<string, unknown>;
  /** Next hops of a multipath route. */
  multipath?: NextHopSpec[];
  /** Use a nexthop object (RTA_NH_ID). */
  nhId?: number;
  /** `inet`/`inet6`; inferred from the addresses. */
  family?: string | number;
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
}

const SPEC_KEYS = [
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
];

/** The arguments of `route("get")`: what the kernel's lookup accepts. */
const GET_KEYS = ["dst", "dstLen", "src", "iif", "oif", "mark", "family", "tos"];

/** Resolves a table name or number. */
export function tableId(v: unknown, argument = "table"): number {
  return TABLES.value(v, argument, 0xffffffff);
}

function writeMultipath(w: Writer, hops: unknown, fam: number | undefined): number | undefined {
  if (!Array.isArray(hops) || hops.length === 0) {
    throw new ArgumentError("multipath", "a non-empty array of { gateway, oif, hops }", hops);
  }
  const a = w.beginAttr(RTA.multipath!);
  hops.forEach((nh, i) => {
    const path = `multipath[${i}]`;
    checkKeys(nh, ["gateway", "oif", "hops", "weight", "flags", "onlink"], path, true);
    if (nh.hops !== undefined && nh.weight !== undefined) {
      throw new ArgumentError(`${path}.weight`, "either hops or weight", nh.weight);
    }
    const hopsValue = nh.weight !== undefined
      ? int(nh.weight, `${path}.weight`, 1, 256) - 1
      : int(nh.hops ?? 0, `${path}.hops`, 0, 255);
    let flags = nh.flags === undefined ? 0 : int(nh.flags, `${path}.flags`, 0, 255);
    if (nh.onlink === true) flags |= RTNH_F_ONLINK;
    const start = w.pos;
    w.u16(0);
    w.u8(flags);
    w.u8(hopsValue);
    w.s32(nh.oif === undefined ? 0 : int(nh.oif, `${path}.oif`, 0, 0x7fffffff));
    if (nh.gateway !== undefined) {
      const gw = address(nh.gateway, `${path}.gateway`);
      if (fam !== undefined && gw.family !== fam) {
        // IPv6 next hop for an IPv4 route: RTA_VIA.
        const v = w.beginAttr(RTA.via!);
        w.u16(gw.family);
        w.bytes(gw.bytes);
        w.endAttr(v);
      } else {
        fam ??= gw.family;
        w.attrBytes(A_GATEWAY, gw.bytes);
      }
    } else if (nh.oif === undefined) {
      throw new ArgumentError(`${path}`, "a gateway or an oif", nh);
    }
    w.dv.setUint16(start, w.pos - start, true);
    w.align();
  });
  w.endAttr(a);
  return fam;
}

/**
 * Builds the request for `route(cmd, spec)`. Validates everything first.
 *
 * @example
 * ```ts
 * import { buildRouteRequest } from "./route.ts";
 * buildRouteRequest("add", { dst: "10.1.0.0/16", gateway: "10.0.0.2", table: 100 }).type; // 24
 * ```
 */
export function buildRouteRequest(cmd: string, spec: RouteSpec | Spec): Request {
  const entry = command(COMMANDS, cmd, "route");
  // A lookup takes only what the kernel's route get accepts (anything else in
  // the header or attributes is refused with EINVAL).
  checkKeys(spec, cmd === "get" ? GET_KEYS : SPEC_KEYS, `route ${cmd}`);
  const [type, flags] = entry;
  const w = Writer.scratch("route");
  let fam: number | undefined;
  let dstLen = 0;
  let srcLen = 0;
  const isDump = cmd === "dump";
  const table = spec.table === undefined
    ? (isDump || cmd === "get" ? 0 : 254)
    : tableId(spec.table);
  if (isDump) {
    // Kernel-side filters (strict checking): table, oif, protocol, type.
    fam = family(spec.family, undefined, "family");
    const proto = spec.proto === undefined ? 0 : ROUTE_PROTOCOLS.value(spec.proto, "proto");
    const rtype = spec.type === undefined ? 0 : ROUTE_TYPES.value(spec.type, "type");
    if (table) w.attrU32(A_TABLE, table);
    if (spec.oif !== undefined) w.attrU32(A_OIF, u32(spec.oif, "oif"));
    const body = w.finish();
    return {
      type,
      flags,
      name: "RTM_GETROUTE",
      body: (out) => {
        out.u8(fam ?? 0);
        out.zeros(3);
        out.u8(table > 255 ? 0 : table);
        out.u8(proto);
        out.u8(0);
        out.u8(rtype);
        out.u32(0);
        out.bytes(body);
      },
    };
  }
  if (spec.dst !== undefined && spec.dst !== "default") {
    const p = prefix(spec.dst, spec.dstLen, "dst", "dstLen");
    fam = p.family;
    dstLen = p.prefixlen;
    w.attrBytes(A_DST, p.bytes);
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
    w.attrBytes(RTA.src!, p.bytes);
  }
  if (spec.gateway !== undefined) {
    const gw = address(spec.gateway, "gateway");
    if (fam !== undefined && gw.family !== fam) {
      const v = w.beginAttr(RTA.via!);
      w.u16(gw.family);
      w.bytes(gw.bytes);
      w.endAttr(v);
    } else {
      fam = gw.family;
      w.attrBytes(A_GATEWAY, gw.bytes);
    }
  }
  if (spec.prefsrc !== undefined) {
    const a = address(spec.prefsrc, "prefsrc", fam);
    fam ??= a.family;
    w.attrBytes(RTA.prefsrc!, a.bytes);
  }
  fam = family(spec.family, fam, "family");
  if (
    fam === undefined && (cmd === "add" || cmd === "replace" || cmd === "append") &&
    spec.dst === "default"
  ) {
    fam = AF_INET;
  }
  if (spec.oif !== undefined) w.attrU32(A_OIF, u32(spec.oif, "oif"));
  if (spec.iif !== undefined) w.attrU32(RTA.iif!, u32(spec.iif, "iif"));
  let priority = spec.priority === undefined ? undefined : u32(spec.priority, "priority");
  if (
    priority === undefined && fam === AF_INET6 &&
    (cmd === "add" || cmd === "replace" || cmd === "append")
  ) {
    priority = 1024; // the kernel's IP6_RT_PRIO_USER, made explicit
  }
  if (priority !== undefined) w.attrU32(A_PRIORITY, priority);
  if (table > 255 || spec.table !== undefined) w.attrU32(A_TABLE, table);
  if (spec.metrics !== undefined) {
    if (typeof spec.metrics !== "object" || spec.metrics === null || Array.isArray(spec.metrics)) {
      throw new ArgumentError("metrics", "an object such as { mtu: 1400 }", spec.metrics);
    }
    const m = w.beginNested(RTA.metrics!);
    encodeAttrs(w, SETS.metrics, spec.metrics as Record<string, unknown>, "metrics");
    w.endAttr(m);
  }
  if (spec.multipath !== undefined) {
    if (spec.gateway !== undefined) {
      throw new ArgumentError("multipath", "either gateway or multipath", spec.multipath);
    }
    fam = writeMultipath(w, spec.multipath, fam);
  }
  if (spec.nhId !== undefined) w.attrU32(RTA.nhId!, u32(spec.nhId, "nhId"));
  if (spec.mark !== undefined) w.attrU32(RTA.mark!, u32(spec.mark, "mark"));
  if (spec.pref !== undefined) w.attrU8(RTA.pref!, int(spec.pref, "pref", 0, 3));
  if (spec.expires !== undefined) w.attrU32(RTA.expires!, u32(spec.expires, "expires"));
  const tos = spec.tos === undefined ? 0 : int(spec.tos, "tos", 0, 255);
  const changing = cmd !== "del" && cmd !== "get";
  const rtype = spec.type !== undefined ? ROUTE_TYPES.value(spec.type, "type") : changing
    ? 1 // unicast
    : 0;
  const proto = spec.proto !== undefined
    ? ROUTE_PROTOCOLS.value(spec.proto, "proto")
    : changing
    ? 3
    : 0;
  let scope: number;
  if (spec.scope !== undefined) scope = SCOPES.value(spec.scope, "scope");
  else if (cmd === "del") scope = 255; // RT_SCOPE_NOWHERE: match any
  else if (cmd === "get") scope = 0;
  else if (rtype === 2 || rtype === 10) scope = 254; // local, nat: host
  else if (rtype === 3 || rtype === 4 || rtype === 5) scope = 253; // broadcast, anycast, multicast: link
  else if (
    rtype === 1 && spec.gateway === undefined && spec.multipath === undefined &&
    spec.nhId === undefined &&
    fam !== AF_INET6
  ) scope = 253;
  else scope = 0;
  let rtmFlags = 0;
  if (spec.onlink !== undefined && spec.onlink) rtmFlags |= RTNH_F_ONLINK;
  if (cmd === "get") {
    if (spec.dst === undefined) {
      throw new ArgumentError("dst", "a destination to look up", undefined);
    }
    const full = fam === AF_INET6 ? 128 : 32;
    if (dstLen !== full) {
      throw new ArgumentError("dst", `one address to look up (a /${full})`, spec.dst);
    }
    if (spec.src !== undefined && srcLen !== full) {
      throw new ArgumentError("src", `one source address (a /${full})`, spec.src);
    }
  }
  const body = w.finish();
  return {
    type,
    flags,
    name: cmd === "del" ? "RTM_DELROUTE" : cmd === "get" ? "RTM_GETROUTE" : "RTM_NEWROUTE",
    body: (out) => {
      out.u8(fam ?? 0);
      out.u8(dstLen);
      out.u8(srcLen);
      out.u8(tos);
      out.u8(table > 255 ? 0 : table);
      out.u8(proto);
      out.u8(scope);
      out.u8(rtype);
      out.u32(rtmFlags);
      out.bytes(body);
    },
  };
}
