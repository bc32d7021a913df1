/**
 * Route encapsulation (lightweight tunnels): RTA_ENCAP_TYPE and the RTA_ENCAP
 * nest it selects, as typed data both ways — seg6 (a segment routing header),
 * seg6local (an SRv6 endpoint action), mpls (a label stack), ip / ip6
 * (collect-metadata tunnel keys), bpf (programs by descriptor) and ioam6 (an
 * IOAM trace) — what iproute2's `ip route … encap TYPE …` sends and prints.
 * Other types (ila, rpl, xfrm, newer ones) are kept as raw bytes with their
 * type number. Numbers, names and layouts come from the generated
 * `core/tables/lwtunnel.ts`.
 *
 * @module
 */
import { AF_INET, AF_INET6, formatIP } from "../../core/address.ts";
import { ArgumentError, DecodeError } from "../../core/errors.ts";
import { AttrCursor, Writer } from "../../core/codec.ts";
import { decodeAttrs, encodeAttrs } from "../../core/schema.ts";
import {
  IOAM6_IPTUNNEL_FREQ,
  IOAM6_IPTUNNEL_MODE,
  IOAM6_TRACE,
  IPV6_SRCRT,
  LWT_BPF,
  LWTUNNEL_ATTRS,
  LWTUNNEL_ENCAP,
  LWTUNNEL_STRUCTS,
  MPLS_LS,
  SEG6_IPTUN_MODE,
  SEG6_LOCAL_ACTION,
  SEG6_LOCAL_FLV_OP,
  SR6_FLAG1,
  SR6_TLV,
  TUNNEL_FLAGS,
} from "../../core/tables/lwtunnel.ts";
import { RT_ROUTE_ATTRS } from "../../core/tables/rt_route.ts";
import { SETS } from "../registry.ts";
import { address, checkKeys, int, u32 } from "../spec.ts";

const RTA = RT_ROUTE_ATTRS.routeAttrs;
const SEG6 = LWTUNNEL_ATTRS.seg6IptunnelAttrs;
const SEG6_LOCAL = LWTUNNEL_ATTRS.seg6LocalAttrs;
const MPLS = LWTUNNEL_ATTRS.mplsIptunnelAttrs;
const IOAM6 = LWTUNNEL_ATTRS.ioam6IptunnelAttrs;
const ENCAP_HDR = LWTUNNEL_STRUCTS.seg6IptunnelEncap;
const SRH = LWTUNNEL_STRUCTS.ipv6SrHdr;
const HMAC_TLV = LWTUNNEL_STRUCTS.sr6TlvHmac;
const LABEL = LWTUNNEL_STRUCTS.mplsLabel;
const TRACE = LWTUNNEL_STRUCTS.ioam6TraceHdr;
const IN6 = 16;

// -- names (iproute2's words for the generated numbers) -----------------------

/** A two-way map between iproute2's words and the kernel's numbers. */
class Words<W extends string> {
  readonly byName: ReadonlyMap<string, number>;
  readonly byNumber: ReadonlyMap<number, W>;
  constructor(table: Record<string, number>, word: (cName: string) => string) {
    const names = new Map<string, number>();
    const numbers = new Map<number, W>();
    for (const [k, v] of Object.entries(table)) {
      names.set(word(k), v);
      numbers.set(v, word(k) as W);
    }
    this.byName = names;
    this.byNumber = numbers;
  }
  value(v: unknown, argument: string, what: string): number {
    const n = typeof v === "string" ? this.byName.get(v) : undefined;
    if (n === undefined) {
      throw new ArgumentError(argument, `${what}: one of ${[...this.byName.keys()].join(", ")}`, v);
    }
    return n;
  }
}

/** Encapsulation type names as ip spells them: the C names lowercased, `SEG6_LOCAL` → `seg6local`. */
const TYPES = new Words<EncapTypeName>(
  Object.fromEntries(Object.entries(LWTUNNEL_ENCAP).filter(([k]) => k !== "NONE")),
  (k) => k.toLowerCase().replaceAll("_", ""),
);
/** seg6 modes: `ENCAP_RED` → `encap.red`. */
const SEG6_MODES = new Words<Seg6Mode>(
  SEG6_IPTUN_MODE,
  (k) => k.toLowerCase().replaceAll("_", "."),
);
/**
 * seg6local actions: `END_DX6` → `End.DX6`; iproute2 spells END_B6_ENCAP
 * `End.B6.Encaps`.
 */
const ACTIONS = new Words<Seg6LocalAction>(
  SEG6_LOCAL_ACTION,
  (k) => k.split("_").map((p, i) => i === 0 ? "End" : p === "ENCAP" ? "Encaps" : p).join("."),
);
/** seg6local flavor operations: `NEXT_CSID` → `next-csid`. */
const FLAVORS = new Words<Seg6LocalFlavor>(
  SEG6_LOCAL_FLV_OP,
  (k) => k.toLowerCase().replaceAll("_", "-"),
);
/** ioam6 modes: `inline`, `encap`, `auto`. */
const IOAM6_MODES = new Words<Ioam6Mode>(IOAM6_IPTUNNEL_MODE, (k) => k.toLowerCase());
/** Tunnel flags: `KEY` → `key`, `DONT_FRAGMENT` → `dont-fragment`. */
const TUNNEL = new Words<TunnelFlag>(TUNNEL_FLAGS, (k) => k.toLowerCase().replaceAll("_", "-"));

// -- types --------------------------------------------------------------------

/** The encapsulation types nlroute reads and writes as typed data. */
export type EncapTypeName = "mpls" | "ip" | "ip6" | "seg6" | "bpf" | "seg6local" | "ioam6";
/** seg6 modes: `inline` (an SRH inserted), `encap` (IPv6-in-IPv6 with an SRH), `l2encap` (Ethernet frames), and the reduced (`.red`) forms that leave the first segment out of the SRH. */
export type Seg6Mode = "inline" | "encap" | "l2encap" | "encap.red" | "l2encap.red";
/** seg6local actions (RFC 8986 behaviours), as iproute2 spells them. */
export type Seg6LocalAction =
  | "End"
  | "End.X"
  | "End.T"
  | "End.DX2"
  | "End.DX6"
  | "End.DX4"
  | "End.DT6"
  | "End.DT4"
  | "End.DT46"
  | "End.B6"
  | "End.B6.Encaps"
  | "End.BM"
  | "End.S"
  | "End.AS"
  | "End.AM"
  | "End.BPF";
/** seg6local flavors (SEG6_LOCAL_FLV_OP_*). */
export type Seg6LocalFlavor = "psp" | "usp" | "usd" | "next-csid";
/** ioam6 insertion modes. */
export type Ioam6Mode = "inline" | "encap" | "auto";
/** IP tunnel flags (TUNNEL_*): iproute2 sets `key`, `csum` and `seq`. */
export type TunnelFlag =
  | "csum"
  | "routing"
  | "key"
  | "seq"
  | "strict"
  | "rec"
  | "version"
  | "no-key"
  | "dont-fragment"
  | "oam"
  | "crit-opt"
  | "geneve-opt"
  | "vxlan-opt"
  | "nocache"
  | "erspan-opt"
  | "gtp-opt";

/** A segment routing header: the segments in the order packets visit them. */
export interface Seg6Srh {
  /** IPv6 segments, first visited first (iproute2's `segs A,B`). */
  segments: string[];
  /** HMAC key id (an HMAC TLV is added; `hmac KEYID`). */
  hmac?: number;
}

/** `encap seg6 mode MODE segs A,B [hmac KEYID]`. */
export interface Seg6Encap extends Seg6Srh {
  /** Encapsulation type. */
  type: "seg6";
  /** How the SRH is applied. */
  mode: Seg6Mode;
}

/** seg6local per-route counters (`count`), as the kernel reports them. */
export interface Seg6LocalCounters {
  /** Packets processed. */
  packets: bigint | number;
  /** Bytes processed. */
  bytes: bigint | number;
  /** Packets dropped on errors. */
  errors: bigint | number;
}

/** A BPF program of an encapsulation: by descriptor when given, by name when reported. */
export interface BpfProgram {
  /** A loaded program's file descriptor (requests only; the kernel reports the name). */
  fd?: number;
  /**
   * A program pinned on a bpf file system (`/sys/fs/bpf/…`): IPRoute opens it
   * for the request (BPF_OBJ_GET) and closes it after; not in a Batch.
   */
  pinned?: string;
  /** The program's name (iproute2: `file.o:[section]`); default `fd:<fd>`, or the pinned path's last part. */
  name?: string;
}

/** `encap seg6local action ACTION [table T] [vrftable T] [nh4 A] [nh6 A] [iif D] [oif D] [srh segs … [hmac K]] [count] [flavors …] [endpoint …]`. */
export interface Seg6LocalEncap {
  /** Encapsulation type. */
  type: "seg6local";
  /** The endpoint behaviour. */
  action: Seg6LocalAction;
  /** Routing table of the lookup (End.T, End.DT6). */
  table?: number;
  /** VRF table (End.DT4, End.DT6, End.DT46). */
  vrftable?: number;
  /** IPv4 next hop (End.DX4). */
  nh4?: string;
  /** IPv6 next hop (End.X, End.DX6). */
  nh6?: string;
  /** Input interface index (a name in requests through IPRoute at the top level). */
  iif?: number | string;
  /** Output interface index (End.DX2; a name in requests through IPRoute at the top level). */
  oif?: number | string;
  /** The SRH of End.B6 / End.B6.Encaps. */
  srh?: Seg6Srh;
  /** `true` asks for counters (`count`); the kernel reports them as {@link Seg6LocalCounters}. */
  counters?: boolean | Seg6LocalCounters;
  /** End.BPF's program. */
  bpf?: BpfProgram;
  /** Flavors (`flavors psp,usd …`) and the NEXT-C-SID locator block and function lengths. */
  flavors?: { operations: Seg6LocalFlavor[]; lcblockBits?: number; lcnodeFnBits?: number };
}

/** `encap mpls LABEL[/LABEL…] [ttl TTL]`. */
export interface MplsEncap {
  /** Encapsulation type. */
  type: "mpls";
  /** The label stack, outermost first (each 0 … 2^20−1). */
  labels: number[];
  /** TTL of the pushed labels (0 … 255). */
  ttl?: number;
}

/** IP tunnel metadata (for collect_md devices): `encap ip [id ID] [dst A] [src A] [ttl N] [tos N] [key] [csum] [seq]`. */
export interface IpEncap {
  /** Encapsulation type. */
  type: "ip";
  /** Tunnel id (the VNI, key, …), 64 bits. */
  id?: number | bigint;
  /** Remote address (IPv4). */
  dst?: string;
  /** Local address (IPv4). */
  src?: string;
  /** TTL. */
  ttl?: number;
  /** TOS. */
  tos?: number;
  /** Tunnel flags (names, or the big-endian u16 value). */
  flags?: TunnelFlag[] | number;
  /** Tunnel options (geneve, vxlan, erspan nests by attribute name). */
  opts?: Record<string, unknown>;
}

/** IPv6 tunnel metadata: `encap ip6 [id ID] [dst A] [src A] [hoplimit N] [tc N] [key] [csum] [seq]`. */
export interface Ip6Encap {
  /** Encapsulation type. */
  type: "ip6";
  /** Tunnel id, 64 bits. */
  id?: number | bigint;
  /** Remote address (IPv6). */
  dst?: string;
  /** Local address (IPv6). */
  src?: string;
  /** Hop limit. */
  hoplimit?: number;
  /** Traffic class. */
  tc?: number;
  /** Tunnel flags (names, or the big-endian u16 value). */
  flags?: TunnelFlag[] | number;
  /** Tunnel options (geneve, vxlan, erspan nests by attribute name). */
  opts?: Record<string, unknown>;
}

/** `encap bpf [in PROG] [out PROG] [xmit PROG] [headroom N]`: programs by descriptor. */
export interface BpfEncap {
  /** Encapsulation type. */
  type: "bpf";
  /** Program run on input. */
  in?: BpfProgram;
  /** Program run on output. */
  out?: BpfProgram;
  /** Program run on transmit. */
  xmit?: BpfProgram;
  /** Headroom the xmit program may push (1 … LWT_BPF_MAX_HEADROOM). */
  headroom?: number;
}

/** `encap ioam6 [freq K/N] mode MODE [tundst A] trace prealloc type T ns N size S`. */
export interface Ioam6Encap {
  /** Encapsulation type. */
  type: "ioam6";
  /** Insertion mode (default inline). */
  mode?: Ioam6Mode;
  /** Tunnel destination (encap and auto modes). */
  dst?: string;
  /** The preallocated trace: its 24-bit type bitmap, namespace id and data size in bytes (a multiple of 4). */
  trace: { type: number; ns: number; size: number };
  /** Insert on k of every n packets. */
  freq?: { k: number; n: number };
}

/** An encapsulation nlroute has no typed form for: its type number and RTA_ENCAP's payload. */
export interface RawEncap {
  /** LWTUNNEL_ENCAP_* number. */
  type: number;
  /** The nest's payload (its attributes), as the kernel sent it. */
  data: Uint8Array;
}

/** A route's (or a next hop's) encapsulation, given to `route(cmd, { encap })` and read back as `Route.encap`. */
export type RouteEncap =
  | Seg6Encap
  | Seg6LocalEncap
  | MplsEncap
  | IpEncap
  | Ip6Encap
  | BpfEncap
  | Ioam6Encap
  | RawEncap;

// -- encoding -----------------------------------------------------------------

const KEYS: Record<EncapTypeName, readonly string[]> = {
  seg6: ["type", "mode", "segments", "hmac"],
  seg6local: [
    "type",
    "action",
    "table",
    "vrftable",
    "nh4",
    "nh6",
    "iif",
    "oif",
    "srh",
    "counters",
    "bpf",
    "flavors",
  ],
  mpls: ["type", "labels", "ttl"],
  ip: ["type", "id", "dst", "src", "ttl", "tos", "flags", "opts"],
  ip6: ["type", "id", "dst", "src", "hoplimit", "tc", "flags", "opts"],
  bpf: ["type", "in", "out", "xmit", "headroom"],
  ioam6: ["type", "mode", "dst", "trace", "freq"],
};

/**
 * Writes RTA_ENCAP and RTA_ENCAP_TYPE for `spec` (at `path`, e.g. `"encap"`
 * or `"multipath[1].encap"`). Every value is checked; a bad one is an
 * ArgumentError naming it.
 */
export function writeEncap(w: Writer, spec: unknown, path: string): void {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new ArgumentError(path, 'an object such as { type: "seg6", mode, segments }', spec);
  }
  const t = (spec as { type?: unknown }).type;
  if (typeof t === "number") {
    checkKeys(spec, ["type", "data"], path, true);
    const type = int(t, `${path}.type`, 1, 0xffff);
    const data = spec.data;
    if (!(data instanceof Uint8Array)) {
      throw new ArgumentError(`${path}.data`, "the nest's payload (Uint8Array)", data);
    }
    w.attrBytes(RTA.encap, data);
    w.attrU16(RTA.encapType, type);
    return;
  }
  const type = TYPES.value(t, `${path}.type`, "an encapsulation type");
  const name = TYPES.byNumber.get(type)!;
  if (!(name in KEYS)) {
    throw new ArgumentError(
      `${path}.type`,
      `one of ${
        Object.keys(KEYS).join(", ")
      } (or a type number with raw data: nlroute has no typed form of ${name})`,
      t,
    );
  }
  checkKeys(spec, KEYS[name as EncapTypeName], path, true);
  const s = spec as Record<string, unknown>;
  const nest = w.beginNested(RTA.encap);
  switch (name as EncapTypeName) {
    case "seg6":
      writeSeg6(w, s, path);
      break;
    case "seg6local":
      writeSeg6Local(w, s, path);
      break;
    case "mpls":
      writeMpls(w, s, path);
      break;
    case "ip":
      writeIp(w, s, path, AF_INET);
      break;
    case "ip6":
      writeIp(w, s, path, AF_INET6);
      break;
    case "bpf":
      writeBpf(w, s, path);
      break;
    case "ioam6":
      writeIoam6(w, s, path);
      break;
  }
  w.endAttr(nest);
  w.attrU16(RTA.encapType, type);
}

/**
 * A segment routing header as iproute2 builds it: segments stored last
 * first (segments[0] is the final one), `slot` adding a zero segment 0 that
 * the kernel fills with the packet's destination (inline insertion), and an
 * HMAC TLV when a key id is given.
 */
export function srhBytes(srh: Record<string, unknown>, path: string, slot: boolean): Uint8Array {
  const segs = srh.segments;
  if (!Array.isArray(segs) || segs.length === 0) {
    throw new ArgumentError(`${path}.segments`, "a non-empty array of IPv6 addresses", segs);
  }
  const addrs = segs.map((s, i) => address(s, `${path}.segments[${i}]`, AF_INET6).bytes);
  const hmac = srh.hmac === undefined ? undefined : int(srh.hmac, `${path}.hmac`, 1, 0xffffffff);
  const n = addrs.length + (slot ? 1 : 0);
  const len = SRH.size + IN6 * n + (hmac === undefined ? 0 : HMAC_TLV.size);
  // hdrlen (a u8) counts 8-byte units after the first 8.
  if (len / 8 - 1 > 0xff) {
    throw new ArgumentError(
      `${path}.segments`,
      "at most 124 segments (the SRH length is a u8)",
      segs,
    );
  }
  const b = new Uint8Array(len);
  const dv = new DataView(b.buffer);
  b[SRH.at.hdrlen] = len / 8 - 1;
  b[SRH.at.type] = IPV6_SRCRT.TYPE_4;
  b[SRH.at.segmentsLeft] = n - 1;
  b[SRH.at.firstSegment] = n - 1;
  b[SRH.at.flags] = hmac === undefined ? 0 : SR6_FLAG1.HMAC;
  addrs.forEach((a, i) => b.set(a, SRH.at.segments + IN6 * (n - 1 - i)));
  if (hmac !== undefined) {
    const t = len - HMAC_TLV.size;
    b[t + HMAC_TLV.at.type] = SR6_TLV.HMAC;
    // A TLV's length leaves out its type and length bytes.
    b[t + HMAC_TLV.at.len] = HMAC_TLV.size - HMAC_TLV.at.data;
    dv.setUint32(t + HMAC_TLV.at.hmackeyid, hmac, false);
  }
  return b;
}

function writeSeg6(w: Writer, s: Record<string, unknown>, path: string): void {
  if (s.mode === undefined) throw new ArgumentError(`${path}.mode`, "a seg6 mode", undefined);
  const mode = SEG6_MODES.value(s.mode, `${path}.mode`, "a seg6 mode");
  const srh = srhBytes(s, path, mode === SEG6_IPTUN_MODE.INLINE);
  const a = w.beginAttr(SEG6.srh);
  const start = w.pos;
  w.zeros(ENCAP_HDR.size);
  w.dv.setInt32(start + ENCAP_HDR.at.mode, mode, true);
  w.bytes(srh);
  w.endAttr(a);
}

function writeSeg6Local(w: Writer, s: Record<string, unknown>, path: string): void {
  if (s.action === undefined) {
    throw new ArgumentError(`${path}.action`, "a seg6local action", undefined);
  }
  const action = ACTIONS.value(s.action, `${path}.action`, "a seg6local action");
  w.attrU32(SEG6_LOCAL.action, action);
  if (s.srh !== undefined) {
    checkKeys(s.srh, ["segments", "hmac"], `${path}.srh`, true);
    // End.B6 inserts the SRH (a slot for the destination); End.B6.Encaps encapsulates.
    const slot = action !== SEG6_LOCAL_ACTION.END_B6_ENCAP;
    w.attrBytes(SEG6_LOCAL.srh, srhBytes(s.srh, `${path}.srh`, slot));
  }
  if (s.table !== undefined) w.attrU32(SEG6_LOCAL.table, u32(s.table, `${path}.table`));
  if (s.nh4 !== undefined) {
    w.attrBytes(SEG6_LOCAL.nh4, address(s.nh4, `${path}.nh4`, AF_INET).bytes);
  }
  if (s.nh6 !== undefined) {
    w.attrBytes(SEG6_LOCAL.nh6, address(s.nh6, `${path}.nh6`, AF_INET6).bytes);
  }
  if (s.iif !== undefined) w.attrU32(SEG6_LOCAL.iif, int(s.iif, `${path}.iif`, 1, 0x7fffffff));
  if (s.oif !== undefined) w.attrU32(SEG6_LOCAL.oif, int(s.oif, `${path}.oif`, 1, 0x7fffffff));
  if (s.bpf !== undefined) {
    const p = bpfProgram(s.bpf, `${path}.bpf`);
    encodeAttrs(w, SETS.seg6Local, { bpf: { prog: p.fd, progName: p.name } }, path);
  }
  if (s.vrftable !== undefined) {
    w.attrU32(SEG6_LOCAL.vrftable, u32(s.vrftable, `${path}.vrftable`));
  }
  if (s.counters !== undefined && s.counters !== false) {
    if (s.counters !== true && (typeof s.counters !== "object" || s.counters === null)) {
      throw new ArgumentError(
        `${path}.counters`,
        "true (count packets, bytes, errors)",
        s.counters,
      );
    }
    // As iproute2's `count`: the kernel wants the three counters (their starting values).
    const zero = { packets: 0n, bytes: 0n, errors: 0n };
    encodeAttrs(w, SETS.seg6Local, { counters: zero }, path);
  }
  if (s.flavors !== undefined) {
    const f = s.flavors;
    checkKeys(f, ["operations", "lcblockBits", "lcnodeFnBits"], `${path}.flavors`, true);
    if (!Array.isArray(f.operations) || f.operations.length === 0) {
      throw new ArgumentError(
        `${path}.flavors.operations`,
        `a non-empty array of ${[...FLAVORS.byName.keys()].join(", ")}`,
        f.operations,
      );
    }
    let ops = 0;
    f.operations.forEach((op, i) => {
      ops |= 1 << FLAVORS.value(op, `${path}.flavors.operations[${i}]`, "a flavor");
    });
    encodeAttrs(w, SETS.seg6Local, {
      flavors: { operation: ops >>> 0, lcblockBits: f.lcblockBits, lcnodeFnBits: f.lcnodeFnBits },
    }, path);
  }
}

/** MPLS label stack entries (struct mpls_label, big-endian): label, and S on the last. */
export function mplsLabelBytes(labels: unknown, path: string): Uint8Array {
  if (!Array.isArray(labels) || labels.length === 0) {
    throw new ArgumentError(path, "a non-empty array of MPLS labels (0 … 1048575)", labels);
  }
  const max = MPLS_LS.LABEL_MASK >>> MPLS_LS.LABEL_SHIFT;
  const b = new Uint8Array(LABEL.size * labels.length);
  const dv = new DataView(b.buffer);
  labels.forEach((l, i) => {
    const label = int(l, `${path}[${i}]`, 0, max);
    const s = i === labels.length - 1 ? MPLS_LS.S_MASK : 0;
    dv.setUint32(LABEL.size * i + LABEL.at.entry, ((label << MPLS_LS.LABEL_SHIFT) | s) >>> 0);
  });
  return b;
}

function writeMpls(w: Writer, s: Record<string, unknown>, path: string): void {
  w.attrBytes(MPLS.dst, mplsLabelBytes(s.labels, `${path}.labels`));
  if (s.ttl !== undefined) w.attrU8(MPLS.ttl, int(s.ttl, `${path}.ttl`, 0, 255));
}

/** Tunnel flags from names or a number: the big-endian u16 value. */
function tunnelFlags(v: unknown, path: string): number {
  if (typeof v === "number") return int(v, path, 0, 0xffff);
  if (!Array.isArray(v)) throw new ArgumentError(path, "an array of tunnel flag names", v);
  let flags = 0;
  v.forEach((f, i) => flags |= TUNNEL.value(f, `${path}[${i}]`, "a tunnel flag"));
  return flags;
}

function writeIp(w: Writer, s: Record<string, unknown>, path: string, fam: number): void {
  const set = fam === AF_INET ? SETS.lwtIp : SETS.lwtIp6;
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === "type" || v === undefined) continue;
    if (k === "dst" || k === "src") values[k] = address(v, `${path}.${k}`, fam).bytes;
    else if (k === "flags") values[k] = tunnelFlags(v, `${path}.flags`);
    else values[k] = v;
  }
  encodeAttrs(w, set, values, path);
}

/** A program of a BPF encapsulation: its descriptor and (required by the kernel) a name. */
function bpfProgram(v: unknown, path: string): { fd: number; name: string } {
  checkKeys(v, ["fd", "name", "pinned"], path, true);
  if (v.pinned !== undefined && v.fd === undefined) {
    throw new ArgumentError(
      `${path}.pinned`,
      "a program descriptor: pinned programs are opened by IPRoute's route() for its request, not in a Batch or a raw request",
      v.pinned,
    );
  }
  if (v.fd === undefined) {
    throw new ArgumentError(
      `${path}.fd`,
      "a loaded BPF program's file descriptor (pinned programs: open them with bpf(BPF_OBJ_GET) first)",
      undefined,
    );
  }
  const fd = int(v.fd, `${path}.fd`, 0, 0x7fffffff);
  const name = v.name ?? `fd:${fd}`;
  if (typeof name !== "string" || name === "" || name.includes("\0")) {
    throw new ArgumentError(`${path}.name`, "a non-empty program name", v.name);
  }
  return { fd, name };
}

function writeBpf(w: Writer, s: Record<string, unknown>, path: string): void {
  const values: Record<string, unknown> = {};
  for (const hook of ["in", "out", "xmit"] as const) {
    if (s[hook] !== undefined) values[hook] = bpfProgram(s[hook], `${path}.${hook}`);
  }
  if (Object.keys(values).length === 0) {
    throw new ArgumentError(path, "at least one of in, out, xmit (a program)", s);
  }
  if (s.headroom !== undefined) {
    values.xmitHeadroom = int(s.headroom, `${path}.headroom`, 1, LWT_BPF.MAX_HEADROOM);
  }
  encodeAttrs(w, SETS.lwtBpf, values, path);
}

function writeIoam6(w: Writer, s: Record<string, unknown>, path: string): void {
  const mode = s.mode === undefined
    ? IOAM6_IPTUNNEL_MODE.INLINE
    : IOAM6_MODES.value(s.mode, `${path}.mode`, "an ioam6 mode");
  if (s.dst !== undefined) {
    if (mode === IOAM6_IPTUNNEL_MODE.INLINE) {
      throw new ArgumentError(`${path}.dst`, "no tunnel destination in inline mode", s.dst);
    }
  } else if (mode !== IOAM6_IPTUNNEL_MODE.INLINE) {
    throw new ArgumentError(
      `${path}.dst`,
      "a tunnel destination (encap and auto modes)",
      undefined,
    );
  }
  const t = s.trace;
  checkKeys(t, ["type", "ns", "size"], `${path}.trace`, true);
  const type = int(t.type, `${path}.trace.type`, 1, 0xffffff);
  const ns = int(t.ns, `${path}.trace.ns`, 0, 0xffff);
  const size = int(t.size, `${path}.trace.size`, 4, IOAM6_TRACE.DATA_SIZE_MAX);
  if (size % 4 !== 0) throw new ArgumentError(`${path}.trace.size`, "a multiple of 4", size);
  const [remShift] = TRACE.bits.remlen.remlen;
  const trace = new Uint8Array(TRACE.size);
  const dv = new DataView(trace.buffer);
  dv.setUint16(TRACE.at.namespaceId, ns);
  trace[TRACE.at.remlen] = (size / 4) << remShift;
  // The 24-bit trace type sits in the high three bytes of type_be32.
  dv.setUint32(TRACE.at.typeBe32, (type << 8) >>> 0);
  let k: number = IOAM6_IPTUNNEL_FREQ.MIN;
  let n: number = IOAM6_IPTUNNEL_FREQ.MIN;
  if (s.freq !== undefined) {
    checkKeys(s.freq, ["k", "n"], `${path}.freq`, true);
    n = int(s.freq.n, `${path}.freq.n`, IOAM6_IPTUNNEL_FREQ.MIN, IOAM6_IPTUNNEL_FREQ.MAX);
    k = int(s.freq.k, `${path}.freq.k`, IOAM6_IPTUNNEL_FREQ.MIN, n);
  }
  w.attrU32(IOAM6.freqK, k);
  w.attrU32(IOAM6.freqN, n);
  w.attrU8(IOAM6.mode, mode);
  if (s.dst !== undefined) {
    w.attrBytes(IOAM6.dst, address(s.dst, `${path}.dst`, AF_INET6).bytes);
  }
  w.attrBytes(IOAM6.trace, trace);
}

// -- decoding -----------------------------------------------------------------

/** A segment routing header's segments (first visited first) and HMAC key id; `slot` drops segment 0 (inline insertion's destination slot). */
function decodeSrh(b: Uint8Array, off: number, len: number, slot: boolean): Seg6Srh {
  if (len < SRH.size) throw new DecodeError("segment routing header", `${len} bytes`, off);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const hdrLen = (b[off + SRH.at.hdrlen]! + 1) * 8;
  const first = b[off + SRH.at.firstSegment]!;
  if (hdrLen > len || SRH.at.segments + IN6 * (first + 1) > hdrLen) {
    throw new DecodeError("segment routing header", `${first + 1} segments in ${len} bytes`, off);
  }
  const segments: string[] = [];
  for (let i = first; i >= (slot ? 1 : 0); i--) {
    segments.push(formatIP(b, off + SRH.at.segments + IN6 * i, IN6));
  }
  const out: Seg6Srh = { segments };
  if (b[off + SRH.at.flags]! & SR6_FLAG1.HMAC && hdrLen >= SRH.size + HMAC_TLV.size) {
    out.hmac = dv.getUint32(off + hdrLen - HMAC_TLV.size + HMAC_TLV.at.hmackeyid, false);
  }
  return out;
}

/** A 64-bit counter or id as a number when exact, else a bigint. */
function small(v: unknown): unknown {
  return typeof v === "bigint" && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Names of the tunnel flags set in `v`; bits without a name keep the number. */
function flagNames(v: number): TunnelFlag[] | number {
  const names: TunnelFlag[] = [];
  let rest = v;
  for (const [n, name] of TUNNEL.byNumber) {
    if (v & n) {
      names.push(name);
      rest &= ~n;
    }
  }
  return rest ? v : names;
}

/**
 * Decodes RTA_ENCAP (the payload at `start`…`end`) of encapsulation `type`
 * into its typed form; a type without one is kept as {@link RawEncap}.
 */
export function decodeEncap(
  type: number,
  bytes: Uint8Array,
  start: number,
  end: number,
): RouteEncap {
  const name = TYPES.byNumber.get(type);
  switch (name) {
    case "seg6": {
      const c = findAttr(bytes, start, end, SEG6.srh);
      if (!c || c.length < ENCAP_HDR.size) break;
      const mode = c.dv.getInt32(c.offset + ENCAP_HDR.at.mode, true);
      const modeName = SEG6_MODES.byNumber.get(mode);
      if (modeName === undefined) break;
      const srh = decodeSrh(
        bytes,
        c.offset + ENCAP_HDR.at.srh,
        c.length - ENCAP_HDR.at.srh,
        mode === SEG6_IPTUN_MODE.INLINE,
      );
      return { type: "seg6", mode: modeName, ...srh };
    }
    case "seg6local": {
      const a = decodeAttrs(SETS.seg6Local, bytes, start, end);
      const action = ACTIONS.byNumber.get(a.action as number);
      if (action === undefined) break;
      const out: Seg6LocalEncap = { type: "seg6local", action };
      for (const k of ["table", "vrftable", "nh4", "nh6", "iif", "oif"] as const) {
        if (a[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = a[k];
      }
      if (a.srh instanceof Uint8Array) {
        out.srh = decodeSrh(
          a.srh,
          0,
          a.srh.length,
          action !== ACTIONS.byNumber.get(SEG6_LOCAL_ACTION.END_B6_ENCAP),
        );
      }
      const cnt = a.counters as Record<string, unknown> | undefined;
      if (cnt) {
        out.counters = {
          packets: small(cnt.packets ?? 0n) as number,
          bytes: small(cnt.bytes ?? 0n) as number,
          errors: small(cnt.errors ?? 0n) as number,
        };
      }
      const bpf = a.bpf as Record<string, unknown> | undefined;
      if (bpf) {
        out.bpf = {};
        if (typeof bpf.prog === "number") out.bpf.fd = bpf.prog;
        if (typeof bpf.progName === "string") out.bpf.name = bpf.progName;
      }
      const flv = a.flavors as Record<string, number> | undefined;
      if (flv) {
        const ops = [...FLAVORS.byNumber].filter(([bit]) => (flv.operation ?? 0) & (1 << bit))
          .map(([, n]) => n);
        out.flavors = { operations: ops };
        if (flv.lcblockBits !== undefined) out.flavors.lcblockBits = flv.lcblockBits;
        if (flv.lcnodeFnBits !== undefined) out.flavors.lcnodeFnBits = flv.lcnodeFnBits;
      }
      return out;
    }
    case "mpls": {
      const c = findAttr(bytes, start, end, MPLS.dst);
      if (!c || c.length === 0 || c.length % LABEL.size) break;
      const labels: number[] = [];
      for (let o = c.offset; o < c.offset + c.length; o += LABEL.size) {
        labels.push(c.dv.getUint32(o + LABEL.at.entry) >>> MPLS_LS.LABEL_SHIFT);
      }
      const out: MplsEncap = { type: "mpls", labels };
      const ttl = findAttr(bytes, start, end, MPLS.ttl);
      if (ttl && ttl.length >= 1) out.ttl = bytes[ttl.offset]!;
      return out;
    }
    case "ip":
    case "ip6": {
      const a = decodeAttrs(name === "ip" ? SETS.lwtIp : SETS.lwtIp6, bytes, start, end);
      const out: Record<string, unknown> = { type: name };
      for (const [k, v] of Object.entries(a)) {
        out[k] = k === "id" ? small(v) : k === "flags" ? flagNames(v as number) : v;
      }
      return out as unknown as IpEncap | Ip6Encap;
    }
    case "bpf": {
      const a = decodeAttrs(SETS.lwtBpf, bytes, start, end);
      const out: BpfEncap = { type: "bpf" };
      for (const hook of ["in", "out", "xmit"] as const) {
        const p = a[hook] as Record<string, unknown> | undefined;
        if (!p) continue;
        out[hook] = {};
        if (typeof p.fd === "number") out[hook].fd = p.fd;
        if (typeof p.name === "string") out[hook].name = p.name;
      }
      if (typeof a.xmitHeadroom === "number") out.headroom = a.xmitHeadroom;
      return out;
    }
    case "ioam6": {
      const a = decodeAttrs(SETS.ioam6, bytes, start, end);
      const t = findAttr(bytes, start, end, IOAM6.trace);
      if (!t || t.length < TRACE.size) break;
      const [remShift, remWidth] = TRACE.bits.remlen.remlen;
      const rem = (bytes[t.offset + TRACE.at.remlen]! >> remShift) & ((1 << remWidth) - 1);
      const out: Ioam6Encap = {
        type: "ioam6",
        trace: {
          type: t.dv.getUint32(t.offset + TRACE.at.typeBe32) >>> 8,
          ns: t.dv.getUint16(t.offset + TRACE.at.namespaceId),
          size: rem * 4,
        },
      };
      const mode = IOAM6_MODES.byNumber.get(a.mode as number);
      if (mode !== undefined) out.mode = mode;
      if (typeof a.dst === "string") out.dst = a.dst;
      if (typeof a.freqK === "number" && typeof a.freqN === "number") {
        out.freq = { k: a.freqK, n: a.freqN };
      }
      return out;
    }
  }
  return { type, data: bytes.slice(start, end) };
}

/** The first attribute of `type` in `start`…`end`, as a cursor on it. */
function findAttr(bytes: Uint8Array, start: number, end: number, type: number) {
  const c = new AttrCursor(bytes, start, end);
  while (c.next()) if (c.type === type) return c;
  return undefined;
}

/** The iproute2 word of an encapsulation type number (`seg6local`), if it has one. */
export function encapTypeName(type: number): string | undefined {
  return TYPES.byNumber.get(type);
}

/** The writer used for standalone encodings (tests, golden bytes): RTA_ENCAP and RTA_ENCAP_TYPE of `spec`. */
export function encodeEncap(
  spec: RouteEncap | Record<string, unknown>,
  path = "encap",
): Uint8Array {
  const w = new Writer(128);
  writeEncap(w, spec, path);
  return w.finish();
}
