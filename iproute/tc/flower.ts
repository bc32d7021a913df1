/**
 * The flower classifier (tc-flower(8)): matches on dissected packet keys,
 * each with its mask — MAC addresses, the VLAN tag, the IP protocol,
 * addresses, ports (or port ranges), TCP flags, TOS and TTL, conntrack
 * state — as tc's f_flower.c sends them.
 *
 * The ethertype key is the filter's `protocol` (tc has no other way to set
 * it); `ethType` sets it alone.
 *
 * @module
 */
import { AF_INET, AF_INET6, formatIP, formatMAC, parseIP, parseMAC } from "../../core/address.ts";
import { ArgumentError } from "../../core/errors.ts";
import { ETH_P } from "../../core/tables/constants.ts";
import { TCA_CLS_FLAGS } from "../../core/tables/tc.ts";
import { IP_PROTOCOLS } from "../names.ts";
import { int, str } from "../spec.ts";
import { type ClsFlags, clsFlags } from "./filters.ts";
import type { KindCodec } from "./kind.ts";
import { parseProtocol, protocolName } from "./protocol.ts";
import { formatHandle, parseHandle } from "./units.ts";

/** A value with every bit compared, `[value, mask]`, or tc's `"VALUE/MASK"`. */
export type FlowerMasked = number | readonly [value: number, mask: number] | `${number}/${number}`;

/** A port: one (`80`), masked (`[0x50, 0xfff0]`, `"80/0xfff0"`), or a range (`"1000-2000"`, `{ min, max }`). */
export type FlowerPort =
  | number
  | readonly [value: number, mask: number]
  | string
  | { min: number; max: number };

/** flower's options. */
export interface FlowerOptions extends ClsFlags {
  /** The class matching packets go to (tc's `classid`/`flowid`: `"1:10"`). */
  classid?: string | number;
  /** Only packets that came in on this interface (tc's `indev`, a name). */
  indev?: string;
  /** The ethertype key alone (default: the filter's `protocol` unless `all`). */
  ethType?: string | number;
  /** `dst_mac`: `"02:00:00:00:00:01"`, with `/BITS` or `/MASK`. */
  dstMac?: string;
  /** `src_mac`: as {@link FlowerOptions.dstMac}. */
  srcMac?: string;
  /** `vlan_id` (0 to 4095; the protocol must be 802.1Q or 802.1ad). */
  vlanId?: number;
  /** `vlan_prio` (0 to 7). */
  vlanPrio?: number;
  /** `vlan_ethtype`: the ethertype inside the tag (`"ip"`, `"ipv6"`, a number). */
  vlanEthType?: string | number;
  /** `ip_proto`: `tcp`, `udp`, `sctp`, `icmp`, `icmpv6` or a number (needs an IP ethertype). */
  ipProto?: "tcp" | "udp" | "sctp" | "icmp" | "icmpv6" | number;
  /** `src_ip`: `"10.0.0.0/8"`, `"10.0.0.0/255.0.0.0"`, an address, IPv4 or IPv6. */
  srcIp?: string;
  /** `dst_ip`: as {@link FlowerOptions.srcIp}. */
  dstIp?: string;
  /** `src_port` (needs `ipProto` tcp, udp or sctp). */
  srcPort?: FlowerPort;
  /** `dst_port` (needs `ipProto` tcp, udp or sctp). */
  dstPort?: FlowerPort;
  /** `tcp_flags` (12 bits; mask default 0xfff). */
  tcpFlags?: FlowerMasked;
  /** `ip_tos` (mask default 0xff). */
  ipTos?: FlowerMasked;
  /** `ip_ttl` (mask default 0xff). */
  ipTtl?: FlowerMasked;
  /** `ct_state`: `+`/`-` and `trk`, `new`, `est`, `rel`, `rpl`, `inv` (`"+trk+est"`). */
  ctState?: string;
}

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !(v instanceof Uint8Array)
    ? v as Record<string, unknown>
    : {};

/**
 * Conntrack state bits (pkt_cls.h lines 569-574,
 * TCA_FLOWER_KEY_CT_FLAGS_*: not in the generated tables), in tc's print order.
 */
const CT_STATES: readonly (readonly [string, number])[] = [
  ["trk", 1 << 3], // TRACKED
  ["new", 1 << 0], // NEW
  ["est", 1 << 1], // ESTABLISHED
  ["rel", 1 << 2], // RELATED
  ["rpl", 1 << 5], // REPLY
  ["inv", 1 << 4], // INVALID
];

/** IP protocols by tc's names for flower. */
const PROTOS = ["tcp", "udp", "sctp", "icmp", "icmpv6"] as const;
const protoNumber = (name: string): number =>
  IP_PROTOCOLS.value(name === "icmpv6" ? "ipv6-icmp" : name, "ipProto");

/** TCP flags' 12 bits (f_flower.c TCP_FLAGS_MAX_MASK). */
const TCP_FLAGS_MAX = 0xfff;

/**
 * A u16 the kernel reads in host order (nla_get_u16: vlan ids) although the
 * 6.12 spec's table has it big-endian: the number whose big-endian bytes are
 * `n`'s host-order bytes (its own inverse).
 */
function hostU16(n: number): number {
  const b = new Uint8Array(new Uint16Array([n]).buffer);
  return (b[0]! << 8) | b[1]!;
}

/** `VALUE`, `[VALUE, MASK]` or `"VALUE/MASK"` within `max`. */
function masked(v: unknown, argument: string, max: number): [number, number] {
  const check = (n: unknown, a: string): number => int(n, a, 0, max);
  if (typeof v === "number") return [check(v, argument), max];
  if (Array.isArray(v) && v.length === 2) {
    return [check(v[0], `${argument}[0]`), check(v[1], `${argument}[1]`)];
  }
  if (typeof v === "string") {
    const m = v.match(/^\s*(0x[0-9a-f]+|\d+)\s*\/\s*(0x[0-9a-f]+|\d+)\s*$/i);
    if (m) return [check(Number(m[1]), argument), check(Number(m[2]), argument)];
  }
  throw new ArgumentError(argument, `a number from 0 to ${max}, [value, mask] or "VALUE/MASK"`, v);
}

/** The form a decoded masked value takes: the number alone under a full mask. */
function unmasked(value: unknown, mask: unknown, full: number): FlowerMasked | undefined {
  if (typeof value !== "number") return undefined;
  return typeof mask !== "number" || mask === full ? value : [value, mask];
}

/** The number of leading one bits of a mask, or -1 when it is not a prefix. */
function prefixLen(mask: Uint8Array): number {
  let bits = 0;
  let hole = false;
  for (const byte of mask) {
    for (let j = 7; j >= 0; j--) {
      if ((byte >> j) & 1) {
        if (hole) return -1;
        bits++;
      } else hole = true;
    }
  }
  return bits;
}

/** A mask of `bits` leading ones in `len` bytes. */
function prefixMask(bits: number, len: number): Uint8Array {
  const m = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    const b = Math.max(0, Math.min(8, bits - i * 8));
    m[i] = (0xff00 >> b) & 0xff;
  }
  return m;
}

/** `ADDR`, `ADDR/BITS` or `ADDR/MASK` for MAC or IP addresses. */
function maskedAddress(
  v: unknown,
  argument: string,
  parse: (s: string) => { bytes: Uint8Array; family?: number } | undefined,
  what: string,
): { bytes: Uint8Array; mask: Uint8Array; family?: number } {
  if (typeof v !== "string") throw new ArgumentError(argument, what, v);
  const slash = v.indexOf("/");
  const a = parse(slash < 0 ? v : v.slice(0, slash));
  if (!a) throw new ArgumentError(argument, what, v);
  const len = a.bytes.length;
  if (slash < 0) return { ...a, mask: new Uint8Array(len).fill(0xff) };
  const m = v.slice(slash + 1);
  if (/^\d{1,3}$/.test(m)) {
    if (Number(m) > len * 8) {
      throw new ArgumentError(argument, `a prefix length up to ${len * 8}`, v);
    }
    return { ...a, mask: prefixMask(Number(m), len) };
  }
  const mask = parse(m);
  if (!mask || mask.bytes.length !== len) throw new ArgumentError(argument, what, v);
  return { ...a, mask: mask.bytes };
}

const MAC_WHAT =
  'a MAC address such as "02:00:00:00:00:01", "02:00:00:00:00:00/24" or with "/ff:ff:ff:00:00:00"';
const IP_WHAT = 'an address, "10.0.0.0/8" or "10.0.0.0/255.0.0.0" (IPv6 likewise)';

function mac(s: string): { bytes: Uint8Array } | undefined {
  const b = parseMAC(s);
  return b && b.length === 6 ? { bytes: b } : undefined;
}

/** A decoded address and mask as tc prints them (`ADDR`, `ADDR/BITS`, `ADDR/MASK`). */
function addressText(
  addr: string,
  mask: Uint8Array | undefined,
  format: (b: Uint8Array) => string,
) {
  if (!mask) return addr;
  const bits = prefixLen(mask);
  if (bits === mask.length * 8) return addr;
  return bits < 0 ? `${addr}/${format(mask)}` : `${addr}/${bits}`;
}

function bytesOf(v: unknown, parse: (s: string) => Uint8Array | undefined): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  return typeof v === "string" ? parse(v) : undefined;
}

function ip4Bytes(n: number): Uint8Array {
  return new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}
const ip4Number = (b: Uint8Array): number =>
  ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;

/** A port option → its attributes (one port, masked, or a range), as flower_parse_port. */
function portAttrs(
  v: unknown,
  argument: string,
  proto: string | undefined,
  end: "Src" | "Dst",
): Record<string, number> {
  if (proto !== "tcp" && proto !== "udp" && proto !== "sctp") {
    throw new ArgumentError(argument, 'a port only with ipProto "tcp", "udp" or "sctp"', v);
  }
  const P = proto[0]!.toUpperCase() + proto.slice(1);
  let range: [number, number] | undefined;
  if (typeof v === "string" && /^\s*\d+\s*-\s*\d+\s*$/.test(v)) {
    const [a, b] = v.split("-").map((s) => Number(s.trim()));
    range = [a!, b!];
  } else if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const r = v as Record<string, unknown>;
    range = [int(r.min, `${argument}.min`, 1, 0xffff), int(r.max, `${argument}.max`, 1, 0xffff)];
  }
  if (range) {
    const [min, max] = range;
    if (!(min >= 1 && max <= 0xffff && max > min)) {
      throw new ArgumentError(argument, "a range MIN-MAX with 0 < MIN < MAX < 65536", v);
    }
    return { [`keyPort${end}Min`]: min, [`keyPort${end}Max`]: max };
  }
  if (typeof v === "string" && /^\s*\d+\s*$/.test(v)) v = Number(v);
  if (typeof v === "number") return { [`key${P}${end}`]: int(v, argument, 0, 0xffff) };
  const [value, mask] = masked(v, argument, 0xffff);
  return { [`key${P}${end}`]: value, [`key${P}${end}Mask`]: mask };
}

function ctState(v: unknown, argument: string): [number, number] {
  const what = 'flags such as "+trk+est" (+ or - and trk, new, est, rel, rpl, inv)';
  if (typeof v !== "string" || v === "") throw new ArgumentError(argument, what, v);
  let flags = 0;
  let mask = 0;
  for (let s = v; s !== "";) {
    const m = s.match(/^([+-])(trk|new|est|rel|rpl|inv)/);
    if (!m) throw new ArgumentError(argument, what, v);
    const bit = CT_STATES.find(([n]) => n === m[2])![1];
    if (m[1] === "+") flags |= bit;
    mask |= bit;
    s = s.slice(m[0].length);
  }
  return [flags, mask];
}

const FLOWER_KEYS = [
  "classid",
  "indev",
  "ethType",
  "dstMac",
  "srcMac",
  "vlanId",
  "vlanPrio",
  "vlanEthType",
  "ipProto",
  "srcIp",
  "dstIp",
  "srcPort",
  "dstPort",
  "tcpFlags",
  "ipTos",
  "ipTtl",
  "ctState",
  "skipHw",
  "skipSw",
] as const;

const isVlan = (p: number) => p === ETH_P["8021Q"] || p === ETH_P["8021AD"];

/** flower's codec (TCA_FLOWER_*). */
export const FLOWER: KindCodec = {
  keys: FLOWER_KEYS,
  encode(spec, ctx) {
    const out: Record<string, unknown> = {};
    const tcProto = spec.protocol === undefined
      ? ETH_P.ALL
      : parseProtocol(spec.protocol, "protocol");
    let ethType = tcProto;
    if (spec.ethType !== undefined) {
      const e = parseProtocol(spec.ethType, ctx.arg("ethType"));
      if (tcProto !== ETH_P.ALL && e !== tcProto) {
        throw new ArgumentError(
          ctx.arg("ethType"),
          `the filter's protocol (${protocolName(tcProto)}) or nothing`,
          spec.ethType,
        );
      }
      ethType = e;
    }
    if (spec.classid !== undefined) out.classid = parseHandle(spec.classid, ctx.arg("classid"));
    if (spec.indev !== undefined) out.indev = str(spec.indev, ctx.arg("indev"), 15);
    if (
      spec.vlanId !== undefined || spec.vlanPrio !== undefined || spec.vlanEthType !== undefined
    ) {
      if (!isVlan(ethType)) {
        const k = spec.vlanId !== undefined
          ? "vlanId"
          : spec.vlanPrio !== undefined
          ? "vlanPrio"
          : "vlanEthType";
        throw new ArgumentError(
          ctx.arg(k),
          "a VLAN match only with protocol 802.1Q or 802.1ad",
          spec[k],
        );
      }
      if (spec.vlanId !== undefined) {
        out.keyVlanId = hostU16(int(spec.vlanId, ctx.arg("vlanId"), 0, 0xfff));
      }
      if (spec.vlanPrio !== undefined) {
        out.keyVlanPrio = int(spec.vlanPrio, ctx.arg("vlanPrio"), 0, 7);
      }
    }
    // Past the tag, the inner ethertype is the one that counts (f_flower.c).
    let l3 = ethType;
    if (spec.vlanEthType !== undefined) {
      l3 = parseProtocol(spec.vlanEthType, ctx.arg("vlanEthType"));
      out.keyVlanEthType = l3;
    }
    for (const [k, key] of [["dstMac", "keyEthDst"], ["srcMac", "keyEthSrc"]] as const) {
      if (spec[k] === undefined) continue;
      const a = maskedAddress(spec[k], ctx.arg(k), mac, MAC_WHAT);
      out[key] = a.bytes;
      out[`${key}Mask`] = a.mask;
    }
    let proto: string | undefined;
    if (spec.ipProto !== undefined) {
      const a = ctx.arg("ipProto");
      if (l3 !== ETH_P.IP && l3 !== ETH_P.IPV6) {
        throw new ArgumentError(
          a,
          'a protocol only with protocol (or vlanEthType) "ip" or "ipv6"',
          spec.ipProto,
        );
      }
      let n: number;
      if (
        typeof spec.ipProto === "string" && (PROTOS as readonly string[]).includes(spec.ipProto)
      ) {
        if (
          (spec.ipProto === "icmp" && l3 !== ETH_P.IP) ||
          (spec.ipProto === "icmpv6" && l3 !== ETH_P.IPV6)
        ) {
          throw new ArgumentError(
            a,
            `${spec.ipProto === "icmp" ? "icmp with ip" : "icmpv6 with ipv6"}`,
            spec.ipProto,
          );
        }
        proto = spec.ipProto;
        n = protoNumber(proto);
      } else {
        n = int(spec.ipProto, a, 0, 0xff);
        proto = PROTOS.find((p) => protoNumber(p) === n);
      }
      out.keyIpProto = n;
    }
    for (const [k, end] of [["srcIp", "Src"], ["dstIp", "Dst"]] as const) {
      if (spec[k] === undefined) continue;
      const a = maskedAddress(spec[k], ctx.arg(k), (s) => parseIP(s), IP_WHAT);
      const want = l3 === ETH_P.IP ? AF_INET : l3 === ETH_P.IPV6 ? AF_INET6 : undefined;
      if (want === undefined || a.family !== want) {
        throw new ArgumentError(
          ctx.arg(k),
          want === undefined
            ? 'an address only with protocol (or vlanEthType) "ip" or "ipv6"'
            : `an ${want === AF_INET ? "IPv4" : "IPv6"} address (the protocol's family)`,
          spec[k],
        );
      }
      if (a.family === AF_INET) {
        out[`keyIpv4${end}`] = ip4Number(a.bytes);
        out[`keyIpv4${end}Mask`] = ip4Number(a.mask);
      } else {
        out[`keyIpv6${end}`] = a.bytes;
        out[`keyIpv6${end}Mask`] = a.mask;
      }
    }
    if (spec.dstPort !== undefined) {
      Object.assign(out, portAttrs(spec.dstPort, ctx.arg("dstPort"), proto, "Dst"));
    }
    if (spec.srcPort !== undefined) {
      Object.assign(out, portAttrs(spec.srcPort, ctx.arg("srcPort"), proto, "Src"));
    }
    if (spec.tcpFlags !== undefined) {
      const [v, m] = masked(spec.tcpFlags, ctx.arg("tcpFlags"), TCP_FLAGS_MAX);
      out.keyTcpFlags = v;
      out.keyTcpFlagsMask = m;
    }
    if (spec.ipTos !== undefined) {
      [out.keyIpTos, out.keyIpTosMask] = masked(spec.ipTos, ctx.arg("ipTos"), 0xff);
    }
    if (spec.ipTtl !== undefined) {
      [out.keyIpTtl, out.keyIpTtlMask] = masked(spec.ipTtl, ctx.arg("ipTtl"), 0xff);
    }
    if (spec.ctState !== undefined) {
      [out.keyCtState, out.keyCtStateMask] = ctState(spec.ctState, ctx.arg("ctState"));
    }
    // f_flower.c sends the flags always, and the ethertype unless it is all.
    out.flags = clsFlags(spec, ctx.arg) ?? 0;
    if (ethType !== ETH_P.ALL) out.keyEthType = ethType;
    return out;
  },
  decode(o) {
    const k = obj(o);
    const out: Record<string, unknown> = {};
    if (typeof k.classid === "number") out.classid = formatHandle(k.classid);
    if (k.indev !== undefined) out.indev = k.indev;
    if (typeof k.keyEthType === "number") out.ethType = protocolName(k.keyEthType);
    for (const [name, key] of [["dstMac", "keyEthDst"], ["srcMac", "keyEthSrc"]] as const) {
      const a = bytesOf(k[key], parseMAC);
      if (a) {
        out[name] = addressText(
          formatMAC(a),
          bytesOf(k[`${key}Mask`], parseMAC),
          (b) => formatMAC(b),
        );
      }
    }
    if (typeof k.keyVlanId === "number") out.vlanId = hostU16(k.keyVlanId);
    if (k.keyVlanPrio !== undefined) out.vlanPrio = k.keyVlanPrio;
    if (typeof k.keyVlanEthType === "number") out.vlanEthType = protocolName(k.keyVlanEthType);
    if (typeof k.keyIpProto === "number") {
      out.ipProto = PROTOS.find((p) => protoNumber(p) === k.keyIpProto) ?? k.keyIpProto;
    }
    for (const [name, end] of [["srcIp", "Src"], ["dstIp", "Dst"]] as const) {
      const v4 = k[`keyIpv4${end}`];
      if (typeof v4 === "number") {
        const m = k[`keyIpv4${end}Mask`];
        out[name] = addressText(
          formatIP(ip4Bytes(v4)),
          typeof m === "number" ? ip4Bytes(m) : undefined,
          (b) => formatIP(b),
        );
      }
      const v6 = bytesOf(k[`keyIpv6${end}`], (s) => parseIP(s)?.bytes);
      if (v6) {
        out[name] = addressText(
          formatIP(v6),
          bytesOf(k[`keyIpv6${end}Mask`], (s) => parseIP(s)?.bytes),
          (b) => formatIP(b),
        );
      }
    }
    for (const [name, end] of [["srcPort", "Src"], ["dstPort", "Dst"]] as const) {
      const min = k[`keyPort${end}Min`];
      const max = k[`keyPort${end}Max`];
      if (typeof min === "number" && typeof max === "number") out[name] = { min, max };
      for (const P of ["Tcp", "Udp", "Sctp"]) {
        const v = unmasked(k[`key${P}${end}`], k[`key${P}${end}Mask`], 0xffff);
        if (v !== undefined) out[name] = v;
      }
    }
    const flags = unmasked(k.keyTcpFlags, k.keyTcpFlagsMask, TCP_FLAGS_MAX);
    if (flags !== undefined) out.tcpFlags = flags;
    const tos = unmasked(k.keyIpTos, k.keyIpTosMask, 0xff);
    if (tos !== undefined) out.ipTos = tos;
    const ttl = unmasked(k.keyIpTtl, k.keyIpTtlMask, 0xff);
    if (ttl !== undefined) out.ipTtl = ttl;
    if (typeof k.keyCtStateMask === "number" && k.keyCtStateMask) {
      const f = Number(k.keyCtState ?? 0);
      out.ctState = CT_STATES.filter(([, b]) => ((k.keyCtStateMask as number) & b) !== 0)
        .map(([n, b]) => `${f & b ? "+" : "-"}${n}`).join("");
    }
    if (typeof k.flags === "number") {
      if (k.flags & TCA_CLS_FLAGS.SKIP_HW) out.skipHw = true;
      if (k.flags & TCA_CLS_FLAGS.SKIP_SW) out.skipSw = true;
      if (k.flags & TCA_CLS_FLAGS.IN_HW) out.inHw = true;
      if (k.flags & TCA_CLS_FLAGS.NOT_IN_HW) out.notInHw = true;
    }
    return out;
  },
};
