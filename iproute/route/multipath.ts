/**
 * RTA_MULTIPATH: the next hops of a multipath route (`struct rtnexthop`
 * records, each followed by its own route attributes), decoded and encoded.
 *
 * @module
 */
import { formatIP } from "../../core/address.ts";
import { ArgumentError, DecodeError } from "../../core/errors.ts";
import type { Writer } from "../../core/codec.ts";
import { decodeAttrs } from "../../core/schema.ts";
import { RT_ROUTE_ATTRS } from "../../core/tables/rt_route.ts";
import { RTNETLINK_STRUCTS, RTNH_F } from "../../core/tables/constants.ts";
import { writeStruct } from "../../core/layout.ts";
import { SETS } from "../registry.ts";
import { address, checkKeys, int } from "../spec.ts";
import { decodeEncap, type RouteEncap, writeEncap } from "./encap.ts";

const RTA = RT_ROUTE_ATTRS.routeAttrs;
const RTNH = RTNETLINK_STRUCTS.rtnexthop;

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
  /** This path's encapsulation (RTA_ENCAP of the next hop), as {@link Route.encap}. */
  encap?: RouteEncap;
}

/**
 * One path of a multipath route, as given to `route(cmd, { multipath })`:
 * `oif` may be an interface name, which IPRoute resolves.
 *
 * @example A route over two gateways, three packets in four through the first
 * ```ts
 * import { IPRoute, type NextHopSpec } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.link("add", { ifname: "p0", kind: "veth", peer: "p1" });
 * await ipr.link("set", { ifname: "p0", state: "up" });
 * await ipr.addr("add", { index: "p0", address: "10.0.0.1/24" });
 * const hops: NextHopSpec[] = [
 *   { gateway: "10.0.0.2", weight: 3 },
 *   { gateway: "10.0.0.3", oif: "p0" },
 * ];
 * await ipr.route("add", { dst: "10.1.0.0/16", multipath: hops });
 * const [route] = await ipr.getRoutes({ dst: "10.1.0.0/16" });
 * assert.deepEqual(route!.multipath!.map((h) => [h.gateway, h.weight]), [
 *   ["10.0.0.2", 3],
 *   ["10.0.0.3", 1],
 * ]);
 * await ipr.link("del", { ifname: "p0" });
 * ```
 */
export interface NextHopSpec extends Omit<NextHop, "oif"> {
  /** Output interface index or name. */
  oif?: number | string;
  /** Gateway is on-link (RTNH_F_ONLINK). */
  onlink?: boolean;
}

/** The gateway of an RTA_VIA payload (`struct rtvia`: a u16 family, then the address), if well-formed. */
export function viaGateway(bytes: Uint8Array, offset: number, length: number): string | undefined {
  return length < 6 ? undefined : formatIP(bytes, offset + 2, length - 2);
}

/** Decodes RTA_MULTIPATH into next hops. */
export function decodeMultipath(
  bytes: Uint8Array,
  dv: DataView,
  start: number,
  end: number,
): NextHop[] {
  const out: NextHop[] = [];
  let off = start;
  while (off + RTNH.size <= end) {
    const len = dv.getUint16(off + RTNH.at.rtnhLen, true);
    if (len < RTNH.size || off + len > end) {
      throw new DecodeError("multipath next hop", `length ${len} is out of bounds`, off);
    }
    const hops = bytes[off + RTNH.at.rtnhHops]!;
    const nh: NextHop = {
      oif: dv.getInt32(off + RTNH.at.rtnhIfindex, true),
      hops,
      weight: hops + 1,
      flags: bytes[off + RTNH.at.rtnhFlags]!,
    };
    const attrs = decodeAttrs(SETS.route, bytes, off + RTNH.size, off + len, 1);
    if (typeof attrs.gateway === "string") nh.gateway = attrs.gateway;
    else if (attrs.via instanceof Uint8Array) {
      const gw = viaGateway(attrs.via, 0, attrs.via.length);
      if (gw !== undefined) nh.gateway = gw;
    }
    if (typeof attrs.encapType === "number" && attrs.encap instanceof Uint8Array) {
      nh.encap = decodeEncap(attrs.encapType, attrs.encap, 0, attrs.encap.length);
    }
    out.push(nh);
    off += (len + 3) & ~3;
  }
  return out;
}

/**
 * Writes a gateway: RTA_GATEWAY when it has the route's family (or the route
 * has none yet), else RTA_VIA (an IPv6 next hop of an IPv4 route). Returns the
 * route's family.
 */
export function writeGateway(
  w: Writer,
  gw: { bytes: Uint8Array; family: number },
  fam: number | undefined,
): number {
  if (fam !== undefined && gw.family !== fam) {
    const v = w.beginAttr(RTA.via);
    w.u16(gw.family);
    w.bytes(gw.bytes);
    w.endAttr(v);
    return fam;
  }
  w.attrBytes(RTA.gateway, gw.bytes);
  return gw.family;
}

/** Writes RTA_MULTIPATH from next hop specs (indexes already resolved); returns the family. */
export function writeMultipath(
  w: Writer,
  hops: unknown,
  fam: number | undefined,
): number | undefined {
  if (!Array.isArray(hops) || hops.length === 0) {
    throw new ArgumentError("multipath", "a non-empty array of { gateway, oif, hops }", hops);
  }
  const a = w.beginAttr(RTA.multipath);
  hops.forEach((nh, i) => {
    const path = `multipath[${i}]`;
    checkKeys(nh, ["gateway", "oif", "hops", "weight", "flags", "onlink", "encap"], path, true);
    if (nh.hops !== undefined && nh.weight !== undefined) {
      throw new ArgumentError(`${path}.weight`, "either hops or weight", nh.weight);
    }
    const hopsValue = nh.weight !== undefined
      ? int(nh.weight, `${path}.weight`, 1, 256) - 1
      : int(nh.hops ?? 0, `${path}.hops`, 0, 255);
    let flags = nh.flags === undefined ? 0 : int(nh.flags, `${path}.flags`, 0, 255);
    if (nh.onlink === true) flags |= RTNH_F.ONLINK;
    const start = w.pos;
    writeStruct(w, RTNH, {
      rtnhFlags: flags,
      rtnhHops: hopsValue,
      rtnhIfindex: nh.oif === undefined ? 0 : int(nh.oif, `${path}.oif`, 0, 0x7fffffff),
    });
    if (nh.gateway !== undefined) {
      fam = writeGateway(w, address(nh.gateway, `${path}.gateway`), fam);
    } else if (nh.oif === undefined) {
      throw new ArgumentError(`${path}`, "a gateway or an oif", nh);
    }
    if (nh.encap !== undefined) writeEncap(w, nh.encap, `${path}.encap`);
    w.dv.setUint16(start + RTNH.at.rtnhLen, w.pos - start, true);
    w.align();
  });
  w.endAttr(a);
  return fam;
}
