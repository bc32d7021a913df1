/**
 * Conntrack tuples: what requests take ({@link TupleSpec}, checked before
 * anything is sent), how they are written (CTA_TUPLE_IP and CTA_TUPLE_PROTO
 * nests), and what results carry ({@link Tuple}).
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import { AF_INET, AF_INET6, formatIPv4, formatIPv6, parseIP } from "../core/address.ts";
import { attrLength } from "../core/codec.ts";
import type { Writer } from "../core/writer.ts";
import { CTNETLINK_ATTRS } from "../core/tables/ctnetlink.ts";
import { IPPROTO } from "../core/tables/ipproto.ts";
import {
  ICMP_INVERSE,
  PORT_PROTOCOLS,
  PROTOCOL_NUMBERS,
  type ProtocolName,
  protocolName,
} from "./names.ts";

const TUPLE = CTNETLINK_ATTRS.ctattrTuple;
const IPA = CTNETLINK_ATTRS.ctattrIp;
const PROTO = CTNETLINK_ATTRS.ctattrL4proto;

/**
 * A tuple as requests take it: addresses of one family, the protocol, and
 * the protocol's fields — `sport`/`dport` for TCP, UDP, UDP-Lite, SCTP and
 * DCCP; `icmpType`, `icmpCode` and `icmpId` for ICMP and ICMPv6.
 */
export interface TupleSpec {
  /** Source address (IPv4 or IPv6). */
  src: string;
  /** Destination address, of the source's family. */
  dst: string;
  /** Layer-4 protocol: a name (`tcp`, `udp`, `icmp`, `icmpv6`, `sctp`, …) or a number 0–255. */
  protocol: ProtocolName | number;
  /** Source port (port protocols). */
  sport?: number;
  /** Destination port (port protocols). */
  dport?: number;
  /** ICMP type (ICMP, ICMPv6). */
  icmpType?: number;
  /** ICMP code (ICMP, ICMPv6). */
  icmpCode?: number;
  /** ICMP identifier (ICMP, ICMPv6). */
  icmpId?: number;
  /** The zone of this direction (CTA_TUPLE_ZONE), for zones that differ per direction. */
  zone?: number;
}

/** A tuple as the kernel reports it. */
export interface Tuple {
  /** Source address. */
  src: string;
  /** Destination address. */
  dst: string;
  /** Protocol name (`tcp`, `udp`, `icmp`, …), or the number when it has none. */
  protocol: ProtocolName | number;
  /** Protocol number. */
  protoNum: number;
  /** Source port (port protocols). */
  sport?: number;
  /** Destination port (port protocols). */
  dport?: number;
  /** ICMP type. */
  icmpType?: number;
  /** ICMP code. */
  icmpCode?: number;
  /** ICMP identifier. */
  icmpId?: number;
  /** The direction's zone, when it has one of its own. */
  zone?: number;
}

/** A checked tuple, ready to write. */
export interface CheckedTuple {
  readonly family: number;
  readonly src: Uint8Array;
  readonly dst: Uint8Array;
  readonly proto: number;
  readonly sport?: number;
  readonly dport?: number;
  readonly icmpType?: number;
  readonly icmpCode?: number;
  readonly icmpId?: number;
  readonly zone?: number;
}

const KEYS = ["src", "dst", "protocol", "sport", "dport", "icmpType", "icmpCode", "icmpId", "zone"];

/** An integer within bounds, or an {@link ArgumentError} naming `path`. */
export function int(v: unknown, path: string, lo: number, hi: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) {
    throw new ArgumentError(path, `an integer from ${lo} to ${hi}`, v);
  }
  return v;
}

/** A plain object whose keys are all in `allowed`, or an {@link ArgumentError}. */
export function checkObject(
  v: unknown,
  allowed: readonly string[],
  path: string,
): asserts v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new ArgumentError(path, "an object", v);
  }
  for (const key in v) {
    if (!Object.hasOwn(v, key) || (v as Record<string, unknown>)[key] === undefined) continue;
    if (!allowed.includes(key)) {
      throw new ArgumentError(
        path ? `${path}.${key}` : key,
        `one of ${allowed.join(", ")}`,
        key,
        "Cannot use unknown argument",
      );
    }
  }
}

/** The protocol number of a name or number. */
export function protocolNumber(v: unknown, path: string): number {
  if (typeof v === "string") {
    const n = PROTOCOL_NUMBERS.get(v);
    if (n === undefined) {
      throw new ArgumentError(
        path,
        "a protocol name (tcp, udp, udplite, icmp, icmpv6, sctp, dccp, gre, …) or a number 0–255",
        v,
      );
    }
    return n;
  }
  return int(v, path, 0, 255);
}

function address(v: unknown, path: string, family: number | undefined): [Uint8Array, number] {
  const a = typeof v === "string" ? parseIP(v) : undefined;
  if (!a) throw new ArgumentError(path, "an IPv4 or IPv6 address", v);
  if (family !== undefined && a.family !== family) {
    throw new ArgumentError(
      path,
      `an ${family === AF_INET ? "IPv4" : "IPv6"} address (the tuple's family)`,
      v,
    );
  }
  return [a.bytes, a.family];
}

/**
 * Checks a tuple: keys, addresses of one family (and of `family` when given),
 * the protocol and the fields it needs (`required`: ports or ICMP
 * type/code/id; off for dump filters). Raises {@link ArgumentError} naming
 * `path.key`.
 */
export function checkTuple(
  spec: unknown,
  path: string,
  family?: number,
): CheckedTuple {
  checkObject(spec, KEYS, path);
  if (spec.src === undefined) throw new ArgumentError(`${path}.src`, "an address");
  if (spec.dst === undefined) throw new ArgumentError(`${path}.dst`, "an address");
  if (spec.protocol === undefined) throw new ArgumentError(`${path}.protocol`, "a protocol");
  const [src, fam] = address(spec.src, `${path}.src`, family);
  const [dst] = address(spec.dst, `${path}.dst`, fam);
  const proto = protocolNumber(spec.protocol, `${path}.protocol`);
  const out: {
    -readonly [K in keyof CheckedTuple]: CheckedTuple[K];
  } = { family: fam, src, dst, proto };
  const name = protocolName(proto);
  const ports = PORT_PROTOCOLS.has(proto);
  const icmp = proto === IPPROTO.ICMP || proto === IPPROTO.ICMPV6;
  if (proto === IPPROTO.ICMP && fam !== AF_INET) {
    throw new ArgumentError(`${path}.protocol`, "icmpv6 for IPv6 addresses", spec.protocol);
  }
  if (proto === IPPROTO.ICMPV6 && fam !== AF_INET6) {
    throw new ArgumentError(`${path}.protocol`, "icmp for IPv4 addresses", spec.protocol);
  }
  for (const k of ["sport", "dport"] as const) {
    if (spec[k] === undefined) {
      if (ports) throw new ArgumentError(`${path}.${k}`, `a port (${name} tuples have ports)`);
      continue;
    }
    if (!ports) {
      throw new ArgumentError(`${path}.${k}`, `nothing: ${name} tuples have no ports`, spec[k]);
    }
    out[k] = int(spec[k], `${path}.${k}`, 0, 0xffff);
  }
  for (const [k, hi] of [["icmpType", 0xff], ["icmpCode", 0xff], ["icmpId", 0xffff]] as const) {
    if (spec[k] === undefined) {
      if (icmp) throw new ArgumentError(`${path}.${k}`, `a value (${name} tuples need it)`);
      continue;
    }
    if (!icmp) {
      throw new ArgumentError(
        `${path}.${k}`,
        `nothing: ${name} tuples have no ICMP fields`,
        spec[k],
      );
    }
    out[k] = int(spec[k], `${path}.${k}`, 0, hi);
  }
  if (spec.zone !== undefined) out.zone = int(spec.zone, `${path}.zone`, 0, 0xffff);
  return out;
}

/**
 * The reply tuple the kernel expects for `orig` when none is given (what
 * `conntrack -I` sends): addresses and ports swapped, an ICMP query's type
 * answered (echo request 8 → echo reply 0). An ICMP type without an answer
 * is an {@link ArgumentError} naming `path.icmpType`.
 */
export function invertTuple(orig: CheckedTuple, path: string): CheckedTuple {
  const out: { -readonly [K in keyof CheckedTuple]: CheckedTuple[K] } = {
    family: orig.family,
    src: orig.dst,
    dst: orig.src,
    proto: orig.proto,
  };
  if (orig.sport !== undefined && orig.dport !== undefined) {
    out.sport = orig.dport;
    out.dport = orig.sport;
  }
  if (orig.icmpType !== undefined) {
    const t = ICMP_INVERSE[orig.proto]?.[orig.icmpType];
    if (t === undefined) {
      throw new ArgumentError(
        `${path}.icmpType`,
        `an ICMP query type the kernel tracks (${
          Object.keys(ICMP_INVERSE[orig.proto] ?? {}).join(", ")
        }), or a reply tuple`,
        orig.icmpType,
      );
    }
    out.icmpType = t;
    out.icmpCode = orig.icmpCode!;
    out.icmpId = orig.icmpId!;
  }
  return out;
}

/** Writes a checked tuple as the nest `type` (CTA_TUPLE_ORIG, CTA_TUPLE_REPLY). */
export function writeTuple(w: Writer, type: number, t: CheckedTuple): void {
  const outer = w.beginNested(type);
  const ip = w.beginNested(TUPLE.ip);
  const v6 = t.family === AF_INET6;
  w.attrBytes(v6 ? IPA.v6Src : IPA.v4Src, t.src);
  w.attrBytes(v6 ? IPA.v6Dst : IPA.v4Dst, t.dst);
  w.endAttr(ip);
  const p = w.beginNested(TUPLE.proto);
  w.attrU8(PROTO.num, t.proto);
  if (t.sport !== undefined) w.attrU16(PROTO.srcPort, t.sport, true);
  if (t.dport !== undefined) w.attrU16(PROTO.dstPort, t.dport, true);
  if (t.icmpType !== undefined) {
    const six = t.proto === IPPROTO.ICMPV6;
    w.attrU16(six ? PROTO.icmpv6Id : PROTO.icmpId, t.icmpId!, true);
    w.attrU8(six ? PROTO.icmpv6Type : PROTO.icmpType, t.icmpType);
    w.attrU8(six ? PROTO.icmpv6Code : PROTO.icmpCode, t.icmpCode!);
  }
  w.endAttr(p);
  if (t.zone !== undefined) w.attrU16(TUPLE.zone, t.zone, true);
  w.endAttr(outer);
}

/** The payload bounds of each attribute of a run, by type (the first of each), in `out`. */
function attrsOf(dv: DataView, start: number, end: number, out: number[], max: number): void {
  out.fill(-1);
  let pos = start;
  while (pos < end) {
    const len = attrLength(dv, pos, end);
    const t = dv.getUint16(pos + 2, true) & 0x3fff;
    if (t <= max && out[2 * t] === -1) {
      out[2 * t] = pos + 4;
      out[2 * t + 1] = len - 4;
    }
    pos += (len + 3) & ~3;
  }
}

const TUPLE_MAX = 3;
const IP_MAX = 4;
const PROTO_MAX = 9;
// Scratch space of the walks below (decoding is synchronous: one walk at a time).
const tupleAt: number[] = new Array(2 * (TUPLE_MAX + 1)).fill(-1);
const ipAt: number[] = new Array(2 * (IP_MAX + 1)).fill(-1);
const protoAt: number[] = new Array(2 * (PROTO_MAX + 1)).fill(-1);

function addressAt(b: Uint8Array, at: number[], four: number, six: number): string {
  const o4 = at[2 * four]!;
  if (o4 >= 0 && at[2 * four + 1]! >= 4) return formatIPv4(b, o4);
  const o6 = at[2 * six]!;
  if (o6 >= 0 && at[2 * six + 1]! >= 16) return formatIPv6(b, o6);
  return "";
}

function u8At(b: Uint8Array, at: number[], type: number): number | undefined {
  const o = at[2 * type]!;
  return o >= 0 && at[2 * type + 1]! >= 1 ? b[o] : undefined;
}

function be16At(dv: DataView, at: number[], type: number): number | undefined {
  const o = at[2 * type]!;
  return o >= 0 && at[2 * type + 1]! >= 2 ? dv.getUint16(o, false) : undefined;
}

/**
 * The {@link Tuple} of a CTA_TUPLE_* nest's payload (`start`..`end` in
 * `bytes`), read directly (this runs for every entry of a dump whose tuples
 * are read); a malformed attribute raises DecodeError.
 */
export function readTuple(bytes: Uint8Array, dv: DataView, start: number, end: number): Tuple {
  attrsOf(dv, start, end, tupleAt, TUPLE_MAX);
  const ipO = tupleAt[2 * TUPLE.ip]!;
  const protoO = tupleAt[2 * TUPLE.proto]!;
  const zone = be16At(dv, tupleAt, TUPLE.zone);
  let src = "";
  let dst = "";
  if (ipO >= 0) {
    attrsOf(dv, ipO, ipO + tupleAt[2 * TUPLE.ip + 1]!, ipAt, IP_MAX);
    src = addressAt(bytes, ipAt, IPA.v4Src, IPA.v6Src);
    dst = addressAt(bytes, ipAt, IPA.v4Dst, IPA.v6Dst);
  }
  let num = 0;
  const t: Tuple = { src, dst, protocol: 0, protoNum: 0 };
  if (protoO >= 0) {
    attrsOf(dv, protoO, protoO + tupleAt[2 * TUPLE.proto + 1]!, protoAt, PROTO_MAX);
    num = u8At(bytes, protoAt, PROTO.num) ?? 0;
    const sport = be16At(dv, protoAt, PROTO.srcPort);
    if (sport !== undefined) t.sport = sport;
    const dport = be16At(dv, protoAt, PROTO.dstPort);
    if (dport !== undefined) t.dport = dport;
    const type = u8At(bytes, protoAt, PROTO.icmpType) ?? u8At(bytes, protoAt, PROTO.icmpv6Type);
    if (type !== undefined) t.icmpType = type;
    const code = u8At(bytes, protoAt, PROTO.icmpCode) ?? u8At(bytes, protoAt, PROTO.icmpv6Code);
    if (code !== undefined) t.icmpCode = code;
    const id = be16At(dv, protoAt, PROTO.icmpId) ?? be16At(dv, protoAt, PROTO.icmpv6Id);
    if (id !== undefined) t.icmpId = id;
  }
  t.protocol = protocolName(num);
  t.protoNum = num;
  if (zone !== undefined) t.zone = zone;
  return t;
}

/** The protocol number of a CTA_TUPLE_* nest's payload (0 when absent). */
export function readTupleProto(dv: DataView, start: number, end: number): number {
  attrsOf(dv, start, end, tupleAt, TUPLE_MAX);
  const protoO = tupleAt[2 * TUPLE.proto]!;
  if (protoO < 0) return 0;
  attrsOf(dv, protoO, protoO + tupleAt[2 * TUPLE.proto + 1]!, protoAt, PROTO_MAX);
  const o = protoAt[2 * PROTO.num]!;
  return o >= 0 && protoAt[2 * PROTO.num + 1]! >= 1 ? dv.getUint8(o) : 0;
}

/** A {@link Tuple} from a decoded CTA_TUPLE_* nest (ctattrTuple). */
export function tupleOf(n: Record<string, unknown>): Tuple {
  const ip = (n.ip ?? {}) as Record<string, string | undefined>;
  const p = (n.proto ?? {}) as Record<string, number | undefined>;
  const num = p.num ?? 0;
  const t: Tuple = {
    src: ip.v4Src ?? ip.v6Src ?? "",
    dst: ip.v4Dst ?? ip.v6Dst ?? "",
    protocol: protocolName(num),
    protoNum: num,
  };
  if (p.srcPort !== undefined) t.sport = p.srcPort;
  if (p.dstPort !== undefined) t.dport = p.dstPort;
  const type = p.icmpType ?? p.icmpv6Type;
  if (type !== undefined) t.icmpType = type;
  const code = p.icmpCode ?? p.icmpv6Code;
  if (code !== undefined) t.icmpCode = code;
  const id = p.icmpId ?? p.icmpv6Id;
  if (id !== undefined) t.icmpId = id;
  if (typeof n.zone === "number") t.zone = n.zone;
  return t;
}
