/**
 * Routes as the kernel reports them: {@link Route}, a lazy typed view of one
 * RTM_NEWROUTE message, and {@link RouteIdentity}, the fields a route is
 * identified by.
 *
 * @module
 */
import { formatIP, formatIPv4Prefix } from "../../core/address.ts";
import { RT_ROUTE_ATTRS, RT_ROUTE_STRUCTS } from "../../core/tables/rt_route.ts";
import { LazyMessage, type MessageShape } from "../../core/lazy.ts";
import { defined, rtnetlinkShape } from "../message.ts";
import { REALMS, ROUTE_PROTOCOLS, ROUTE_TYPES, SCOPES } from "../names.ts";
import { SETS } from "../registry.ts";
import { decodeMultipath, type NextHop, viaGateway } from "./multipath.ts";
import { decodeEncap, type RouteEncap } from "./encap.ts";

const RTA = RT_ROUTE_ATTRS.routeAttrs;
const RTMSG = RT_ROUTE_STRUCTS.rtmsg;
const H = RTMSG.at;

/** `"/0"` … `"/128"`: prefix suffixes, made once. */
const SLASH_LEN: string[] = Array.from({ length: 129 }, (_, i) => `/${i}`);

/** Attributes {@link Route.identity} reads, in the order of its scratch array. */
const IDENTITY_TYPES: readonly number[] = [
  RTA.table,
  RTA.dst,
  RTA.priority,
  RTA.oif,
  RTA.multipath,
];
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

const SHAPE = rtnetlinkShape(RTMSG, SETS.route);

/**
 * A route as the kernel reports it.
 *
 * @example The route the kernel would use for a destination (`ip route get`)
 * ```ts
 * import { IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open();
 * const r = await ipr.route("get", { dst: "127.0.0.1" });
 * assert.equal(r.routeType, "local"); // (`r.type` is the message type, RTM_NEWROUTE)
 * assert.equal(r.prefsrc, "127.0.0.1");
 * assert.equal(r.oif, 1); // lo
 * ```
 */
export class Route extends LazyMessage {
  /** @internal rtnetlink, the fixed header and the attribute table (routeAttrs). */
  protected get shape(): MessageShape {
    return SHAPE;
  }
  /** AF_INET or AF_INET6. */
  get family(): number {
    return this.bytes[this.off + H.rtmFamily]!;
  }
  /** Destination prefix length. */
  get dstLen(): number {
    return this.bytes[this.off + H.rtmDstLen]!;
  }
  /** Source prefix length. */
  get srcLen(): number {
    return this.bytes[this.off + H.rtmSrcLen]!;
  }
  /** TOS. */
  get tos(): number {
    return this.bytes[this.off + H.rtmTos]!;
  }
  /** Table id (RTA_TABLE, or the header's for old kernels). */
  get table(): number {
    return this.u32(RTA.table) ?? this.bytes[this.off + H.rtmTable]!;
  }
  /** Protocol name (`kernel`, `boot`, `static`, …) or number. */
  get proto(): string | number {
    return ROUTE_PROTOCOLS.name(this.bytes[this.off + H.rtmProtocol]!);
  }
  /** Scope name (`global`, `link`, `host`) or number. */
  get scope(): string | number {
    return SCOPES.name(this.bytes[this.off + H.rtmScope]!);
  }
  /** Route type name (`unicast`, `local`, `blackhole`, …). */
  get routeType(): string | number {
    return ROUTE_TYPES.name(this.bytes[this.off + H.rtmType]!);
  }
  /** RTM_F_* flags. */
  get flags(): number {
    return this.dv.getUint32(this.off + H.rtmFlags, true);
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
    const len = this.dstLen;
    // One object reused for every call: copy what you keep.
    const out = IDENTITY_OUT;
    out.dst = at[2]! < 0
      ? (len === 0 ? "default" : "")
      : at[3] === 4 && len <= 32
      ? formatIPv4Prefix(this.bytes, at[2]!, len)
      : formatIP(this.bytes, at[2]!, at[3]!) + SLASH_LEN[len]!;
    out.table = at[0]! >= 0 && at[1]! >= 4
      ? this.dv.getUint32(at[0]!, true)
      : this.bytes[this.off + H.rtmTable]!;
    out.priority = at[4]! >= 0 && at[5]! >= 4 ? this.dv.getUint32(at[4]!, true) : undefined;
    out.oif = at[6]! >= 0 && at[7]! >= 4 ? this.dv.getUint32(at[6]!, true) : undefined;
    out.multipath = at[8]! >= 0;
    out.family = this.family;
    out.tos = this.tos;
    return out;
  }

  /** Destination as `"10.1.0.0/16"`, or `"default"` for a zero-length prefix. */
  get dst(): string {
    const len = this.dstLen;
    const o = this.at(RTA.dst);
    if (o < 0) return len === 0 ? "default" : "";
    const alen = this.lenOf(RTA.dst);
    if (alen === 4 && len <= 32) return formatIPv4Prefix(this.bytes, o, len);
    return formatIP(this.bytes, o, alen) + SLASH_LEN[len]!;
  }
  /** Source prefix (`RTA_SRC`), when given. */
  get src(): string | undefined {
    const a = this.ip(RTA.src);
    return a === undefined ? undefined : `${a}/${this.srcLen}`;
  }
  /** Gateway address (RTA_GATEWAY, or the address of RTA_VIA). */
  get gateway(): string | undefined {
    const o = this.at(RTA.gateway);
    if (o >= 0) return formatIP(this.bytes, o, this.lenOf(RTA.gateway));
    const v = this.at(RTA.via);
    return v < 0 ? undefined : viaGateway(this.bytes, v, this.lenOf(RTA.via));
  }
  /** Output interface index. */
  get oif(): number | undefined {
    return this.u32(RTA.oif);
  }
  /** Input interface index. */
  get iif(): number | undefined {
    return this.u32(RTA.iif);
  }
  /** Preferred source address. */
  get prefsrc(): string | undefined {
    return this.ip(RTA.prefsrc);
  }
  /** Priority (iproute2's `metric`). */
  get priority(): number | undefined {
    return this.u32(RTA.priority);
  }
  /** Metrics (`mtu`, `hoplimit`, `advmss`, …). */
  get metrics(): Record<string, unknown> | undefined {
    return this.nested(RTA.metrics, SETS.metrics);
  }
  /** Next hops of a multipath route. */
  get multipath(): NextHop[] | undefined {
    const o = this.at(RTA.multipath);
    return o < 0
      ? undefined
      : decodeMultipath(this.bytes, this.dv, o, o + this.lenOf(RTA.multipath));
  }
  /**
   * Encapsulation (RTA_ENCAP_TYPE and RTA_ENCAP): seg6, seg6local, mpls, ip,
   * ip6, bpf and ioam6 as typed data (the shapes `route(cmd, { encap })`
   * takes), any other type as its number and raw bytes.
   */
  get encap(): RouteEncap | undefined {
    const type = this.u16(RTA.encapType);
    const o = this.at(RTA.encap);
    if (type === undefined || type === 0 || o < 0) return undefined;
    return decodeEncap(type, this.bytes, o, o + this.lenOf(RTA.encap));
  }
  /** Nexthop object id (RTA_NH_ID). */
  get nhId(): number | undefined {
    return this.u32(RTA.nhId);
  }
  /** IPv6 router preference. */
  get pref(): number | undefined {
    return this.u8(RTA.pref);
  }
  /** Expiry in clock ticks (RTA_EXPIRES). */
  get expires(): number | undefined {
    return this.u32(RTA.expires);
  }
  /**
   * RTA_CACHEINFO: the kernel's cache data of the route (`rtaExpires`, the
   * time left in clock ticks of 1/100 s, `rtaError`, `rtaUsed`, `rtaLastuse`,
   * `rtaClntref`), when it sends it.
   */
  get cacheinfo(): Record<string, number> | undefined {
    const v = this.attrs.cacheinfo;
    return v && !(v instanceof Uint8Array) ? v as Record<string, number> : undefined;
  }
  /** Firewall mark (route lookups by `get`). */
  get mark(): number | undefined {
    return this.u32(RTA.mark);
  }
  /** Destination realm (RTA_FLOW's low 16 bits), as a name from rt_realms or a number. */
  get realm(): string | number | undefined {
    const v = this.u32(RTA.flow);
    return v === undefined ? undefined : REALMS.name(v & 0xffff);
  }
  /** UID (route lookups by `get`). */
  get uid(): number | undefined {
    return this.u32(RTA.uid);
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
      routeType: this.routeType,
      metrics: this.metrics,
      multipath: this.multipath,
      encap: this.encap,
      nhId: this.nhId,
      pref: this.pref,
    });
  }
}
