/**
 * inet_diag: TCP, UDP and raw sockets of IPv4 and IPv6 — the request
 * (struct inet_diag_req_v2, the extension bits, the kernel-side filter
 * bytecode) and the typed result of each struct inet_diag_msg with its
 * attributes (tcp_info, memory, congestion control, TOS, mark, cgroup).
 *
 * @module
 */
import { AF_INET, AF_INET6, formatIP, parsePrefix } from "../core/address.ts";
import { AttrCursor, type Writer } from "../core/codec.ts";
import { ArgumentError } from "../core/errors.ts";
import type { MessageRef } from "../core/message.ts";
import {
  INET_DIAG,
  INET_DIAG_BC,
  INET_DIAG_REQ,
  SK_MEMINFO,
  SOCK_DIAG_STRUCTS,
  TCP_STATE,
} from "../core/tables/sock_diag.ts";
import { IPPROTO } from "../core/tables/ipproto.ts";

const REQ = SOCK_DIAG_STRUCTS.inetDiagReqV2;
const MSG = SOCK_DIAG_STRUCTS.inetDiagMsg;
// inet_diag_msg member offsets, read once (decodeInet runs per socket).
const AT_FAMILY = MSG.at.idiagFamily, AT_STATE = MSG.at.idiagState, AT_TIMER = MSG.at.idiagTimer;
const AT_RETRANS = MSG.at.idiagRetrans, AT_SPORT = MSG.at.idiagSport;
const AT_DPORT = MSG.at.idiagDport, AT_SRC = MSG.at.idiagSrc, AT_DST = MSG.at.idiagDst;
const AT_IF = MSG.at.idiagIf, AT_COOKIE = MSG.at.idiagCookie, AT_EXPIRES = MSG.at.idiagExpires;
const AT_RQUEUE = MSG.at.idiagRqueue, AT_WQUEUE = MSG.at.idiagWqueue, AT_UID = MSG.at.idiagUid;
const AT_INODE = MSG.at.idiagInode, MSG_SIZE = MSG.size;
const TCPI = SOCK_DIAG_STRUCTS.tcpInfo;
const MEM = SOCK_DIAG_STRUCTS.inetDiagMeminfo;
const BC_OP = SOCK_DIAG_STRUCTS.inetDiagBcOp;
const HOSTCOND = SOCK_DIAG_STRUCTS.inetDiagHostcond;

/** A socket state as ss names them, lower-case: `"established"`, `"listen"`, `"time-wait"`, … */
export type SocketState =
  | "established"
  | "syn-sent"
  | "syn-recv"
  | "fin-wait-1"
  | "fin-wait-2"
  | "time-wait"
  | "close"
  | "close-wait"
  | "last-ack"
  | "listen"
  | "closing";

/** State name → number (TCP_STATE, generated), the names ss uses, lower-case. */
export const SOCKET_STATES: Readonly<Record<SocketState, number>> = Object.fromEntries(
  Object.entries(TCP_STATE).map(([k, v]) => [
    k.toLowerCase().replace(/_/g, "-").replace(/(wait)(\d)/, "$1-$2"),
    v,
  ]),
) as Record<SocketState, number>;
const STATE_NAMES = new Map(Object.entries(SOCKET_STATES).map(([k, v]) => [v, k]));

/** A state number as its name (unknown numbers as `"state-N"`). */
export function stateName(n: number): string {
  return STATE_NAMES.get(n) ?? `state-${n}`;
}

/** States as the kernel's bitmask (`"all"`, or a list of names). */
export function stateMask(v: unknown, argument: string): number {
  if (v === undefined || v === "all") return 0xffffffff;
  if (!Array.isArray(v) || v.length === 0) {
    throw new ArgumentError(
      argument,
      `"all" or a list of states (${Object.keys(SOCKET_STATES).join(", ")})`,
      v,
    );
  }
  let mask = 0;
  v.forEach((s, i) => {
    const n = typeof s === "string" && Object.hasOwn(SOCKET_STATES, s)
      ? SOCKET_STATES[s as SocketState]
      : undefined;
    if (n === undefined) {
      throw new ArgumentError(
        `${argument}[${i}]`,
        `one of ${Object.keys(SOCKET_STATES).join(", ")}`,
        s,
      );
    }
    mask |= 1 << n;
  });
  return mask >>> 0;
}

/** The extensions a dump may ask for (each adds an attribute per socket). */
export type InetExtension =
  | "meminfo"
  | "info"
  | "vegasinfo"
  | "cong"
  | "tos"
  | "tclass"
  | "skmeminfo"
  | "shutdown";
const EXT_BITS: Record<InetExtension, number> = {
  meminfo: INET_DIAG.MEMINFO,
  info: INET_DIAG.INFO,
  vegasinfo: INET_DIAG.VEGASINFO,
  cong: INET_DIAG.CONG,
  tos: INET_DIAG.TOS,
  tclass: INET_DIAG.TCLASS,
  skmeminfo: INET_DIAG.SKMEMINFO,
  shutdown: INET_DIAG.SHUTDOWN,
};

/** An address and port; `address` may be a prefix (`"10.0.0.0/8"`) to match a range. */
export interface Endpoint {
  /** The address or prefix (absent: any). */
  address?: string;
  /** The port (absent: any). */
  port?: number;
}

/** What {@link DiagSocket.inet} dumps. */
export interface InetQuery {
  /** `"tcp"` (default), `"udp"`, `"udplite"`, `"raw"`, `"sctp"`, `"mptcp"` or a protocol number. */
  protocol?: string | number;
  /** 4, 6 (or AF_INET/AF_INET6), or absent for both. */
  family?: 4 | 6 | 2 | 10;
  /** `"all"` (default) or the states to keep, filtered by the kernel. */
  states?: "all" | readonly SocketState[];
  /** Extensions to ask for (tcp_info is `"info"`). */
  extensions?: readonly InetExtension[];
  /** Keep sockets whose local end matches (kernel-side filter bytecode). */
  local?: Endpoint;
  /** Keep sockets whose remote end matches (kernel-side filter bytecode). */
  remote?: Endpoint;
}

/** An inet socket (struct inet_diag_msg and its attributes). */
export interface InetSocket {
  /** AF_INET (2) or AF_INET6 (10). */
  family: number;
  /** The protocol's name (`"tcp"`, `"udp"`, …). */
  protocol: string;
  /** The state's name. */
  state: string;
  /** The state's number (TCP_STATE). */
  stateId: number;
  /** Local address and port. */
  local: { address: string; port: number };
  /** Remote address and port. */
  remote: { address: string; port: number };
  /** The interface the socket is bound to (0: none). */
  interface: number;
  /** The kernel's socket cookie (a u64, as a decimal string): what destroy() names it by. */
  cookie: string;
  /** The pending timer (0 none, 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 zero-window probe). */
  timer: number;
  /** Retransmits (of the timer). */
  retrans: number;
  /** Milliseconds until the timer fires. */
  expires: number;
  /** Receive queue (listeners: the accept backlog length). */
  rqueue: number;
  /** Send queue (listeners: the backlog's limit). */
  wqueue: number;
  /** Owner's uid. */
  uid: number;
  /** The socket's inode. */
  inode: number;
  /** TCP's struct tcp_info, members without their `tcpi_` prefix (`rtt`, `sndCwnd`, `bytesAcked`, …). */
  info?: Record<string, number>;
  /** INET_DIAG_MEMINFO: rmem, wmem, fmem, tmem. */
  meminfo?: { rmem: number; wmem: number; fmem: number; tmem: number };
  /** INET_DIAG_SKMEMINFO: the socket's memory counters (`rmemAlloc`, `rcvbuf`, …). */
  skmeminfo?: Record<string, number>;
  /** The congestion control algorithm (`"cubic"`). */
  cong?: string;
  /** INET_DIAG_BBRINFO (bbr, with the `vegasinfo` extension): bandwidth (bytes/s), min RTT (µs), gains (/256). */
  bbr?: { bw: number; minRtt: number; pacingGain: number; cwndGain: number };
  /** INET_DIAG_VEGASINFO (vegas, with the `vegasinfo` extension): RTT samples (µs). */
  vegas?: { enabled: number; rttCount: number; rtt: number; minRtt: number };
  /** INET_DIAG_DCTCPINFO (dctcp, with the `vegasinfo` extension). */
  dctcp?: { enabled: number; ceState: number; alpha: number; abEcn: number; abTot: number };
  /** IPv4 TOS. */
  tos?: number;
  /** IPv6 traffic class. */
  tclass?: number;
  /** The socket mark (root only). */
  mark?: number;
  /** Shutdown state (bit 0: no more receives, bit 1: no more sends). */
  shutdown?: number;
  /** The cgroup v2 id. */
  cgroupId?: number;
  /** IPV6_V6ONLY. */
  v6only?: boolean;
  /** The class id (net_cls) or priority. */
  classId?: number;
}

const PROTOCOL_NAMES: Record<string, number> = {
  tcp: IPPROTO.TCP,
  udp: IPPROTO.UDP,
  udplite: IPPROTO.UDPLITE,
  raw: IPPROTO.RAW,
  sctp: IPPROTO.SCTP,
  mptcp: IPPROTO.MPTCP,
};
const PROTOCOL_BY_NUMBER = new Map(Object.entries(PROTOCOL_NAMES).map(([k, v]) => [v, k]));

/** A protocol name or number → the number. */
export function inetProtocol(v: unknown, argument: string): number {
  if (v === undefined) return IPPROTO.TCP;
  if (typeof v === "string" && Object.hasOwn(PROTOCOL_NAMES, v)) return PROTOCOL_NAMES[v]!;
  if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 255) return v;
  throw new ArgumentError(
    argument,
    `one of ${Object.keys(PROTOCOL_NAMES).join(", ")}, or 0 to 255`,
    v,
  );
}

/** The families a query covers. */
export function inetFamilies(v: unknown): number[] {
  if (v === undefined) return [AF_INET, AF_INET6];
  if (v === 4 || v === AF_INET) return [AF_INET];
  if (v === 6 || v === AF_INET6) return [AF_INET6];
  throw new ArgumentError("family", "4 or 6 (or AF_INET 2, AF_INET6 10), or absent for both", v);
}

function extMask(v: unknown): number {
  if (v === undefined) return 0;
  if (!Array.isArray(v)) throw new ArgumentError("extensions", "a list of extensions", v);
  let m = 0;
  v.forEach((e, i) => {
    if (typeof e !== "string" || !Object.hasOwn(EXT_BITS, e)) {
      throw new ArgumentError(`extensions[${i}]`, `one of ${Object.keys(EXT_BITS).join(", ")}`, e);
    }
    m |= 1 << (EXT_BITS[e as InetExtension] - 1);
  });
  return m;
}

/** One endpoint condition: INET_DIAG_BC_S_COND/D_COND with its struct inet_diag_hostcond. */
function condOp(
  code: number,
  ep: Endpoint,
  family: number,
  argument: string,
): Uint8Array | undefined | null {
  if (ep === null || typeof ep !== "object") {
    throw new ArgumentError(argument, "{ address?, port? }", ep);
  }
  for (const k of Object.keys(ep)) {
    if (k !== "address" && k !== "port") {
      throw new ArgumentError(
        `${argument}.${k}`,
        "address or port",
        (ep as Record<string, unknown>)[k],
      );
    }
  }
  if (ep.address === undefined && ep.port === undefined) return undefined;
  let addr: Uint8Array = new Uint8Array(0);
  let prefixLen = 0;
  let condFamily = 0;
  if (ep.address !== undefined) {
    const p = parsePrefix(ep.address, `${argument}.address`);
    if (p.family !== family) return null; // not this family: no socket of it matches
    addr = p.bytes;
    prefixLen = p.prefixlen;
    condFamily = family;
  }
  const port = ep.port === undefined ? -1 : portNumber(ep.port, `${argument}.port`);
  const b = new Uint8Array(BC_OP.size + HOSTCOND.size + addr.length);
  const dv = new DataView(b.buffer);
  b[BC_OP.at.code] = code;
  b[BC_OP.at.yes] = b.length; // next op (the kernel's audit: a multiple of 4, within the program)
  // `no` is patched by the caller: past the end (reject).
  b[BC_OP.size + HOSTCOND.at.family] = condFamily;
  b[BC_OP.size + HOSTCOND.at.prefixLen] = prefixLen;
  dv.setInt32(BC_OP.size + HOSTCOND.at.port, port, true);
  b.set(addr, BC_OP.size + HOSTCOND.size);
  return b;
}

function portNumber(v: unknown, argument: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 65535) {
    throw new ArgumentError(argument, "a port from 0 to 65535", v);
  }
  return v;
}

/**
 * The filter bytecode for `local`/`remote` (conditions ANDed: each passes to
 * the next, fails past the end), or undefined when there is none; null when a
 * condition cannot match this family (an IPv6 address asked of AF_INET).
 */
export function inetBytecode(q: InetQuery, family: number): Uint8Array | undefined | null {
  const ops: Uint8Array[] = [];
  for (
    const [code, ep, arg] of [
      [INET_DIAG_BC.S_COND, q.local, "local"],
      [INET_DIAG_BC.D_COND, q.remote, "remote"],
    ] as const
  ) {
    if (ep === undefined) continue;
    const op = condOp(code, ep, family, arg);
    if (op === null) return null;
    if (op) ops.push(op);
  }
  if (ops.length === 0) return undefined;
  const total = ops.reduce((n, o) => n + o.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const op of ops) {
    // no: from this op to past the end (total - at + 4), the kernel's "reject".
    new DataView(op.buffer).setUint16(BC_OP.at.no, total - at + 4, true);
    out.set(op, at);
    at += op.length;
  }
  return out;
}

/** Checks a query's keys and values (before anything is sent). */
export function checkInetQuery(q: InetQuery): void {
  if (q === null || typeof q !== "object") throw new ArgumentError("query", "an object", q);
  const allowed = ["protocol", "family", "states", "extensions", "local", "remote"];
  for (const k of Object.keys(q)) {
    if (!allowed.includes(k)) {
      throw new ArgumentError(k, `one of ${allowed.join(", ")}`, (q as Record<string, unknown>)[k]);
    }
  }
  inetProtocol(q.protocol, "protocol");
  inetFamilies(q.family);
  stateMask(q.states, "states");
  extMask(q.extensions);
  for (const f of inetFamilies(q.family)) inetBytecode(q, f);
}

/** Writes struct inet_diag_req_v2 (and the bytecode) of a dump of one family. */
export function writeInetRequest(
  w: Writer,
  q: InetQuery,
  family: number,
  bytecode: Uint8Array | undefined,
): void {
  const protocol = inetProtocol(q.protocol, "protocol");
  const start = w.pos;
  w.zeros(REQ.size);
  const b = w.buf;
  const dv = w.dv;
  b[start + REQ.at.sdiagFamily] = family;
  b[start + REQ.at.sdiagProtocol] = protocol;
  b[start + REQ.at.idiagExt] = extMask(q.extensions);
  dv.setUint32(start + REQ.at.idiagStates, stateMask(q.states, "states"), true);
  // INET_DIAG_NOCOOKIE: both words all ones.
  dv.setUint32(start + REQ.at.idiagCookie, 0xffffffff, true);
  dv.setUint32(start + REQ.at.idiagCookie + 4, 0xffffffff, true);
  if (bytecode) w.attrBytes(INET_DIAG_REQ.BYTECODE, bytecode);
}

/** The inet_diag_msg's cookie words → the u64 as a decimal string. */
function cookieOf(dv: DataView, at: number): string {
  const hi = dv.getUint32(at + 4, true);
  const lo = dv.getUint32(at, true);
  // Below 2^53 a double holds the value exactly: no BigInt needed.
  if (hi < 0x200000) return String(hi * 0x100000000 + lo);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** struct tcp_info as far as the kernel sent it, members without the `tcpi` prefix. */
function tcpInfo(
  bytes: Uint8Array,
  dv: DataView,
  off: number,
  len: number,
): Record<string, number> {
  const out: Record<string, number> = {};
  const bits: Readonly<Record<string, Readonly<Record<string, readonly [number, number]>>>> =
    TCPI.bits;
  for (const [name, at] of Object.entries(TCPI.at)) {
    const type = (TCPI.type as Record<string, string>)[name]!;
    const size = type === "u8" ? 1 : type === "u16" ? 2 : type === "u32" ? 4 : 8;
    if (at + size > len) continue;
    const o = off + at;
    const v = size === 1
      ? bytes[o]!
      : size === 2
      ? dv.getUint16(o, true)
      : size === 4
      ? dv.getUint32(o, true)
      : Number(dv.getBigUint64(o, true));
    const split = bits[name];
    if (split) {
      for (const [field, [shift, width]] of Object.entries(split)) {
        out[unprefix(field)] = (v >>> shift) & ((1 << width) - 1);
      }
    } else out[unprefix(name)] = v;
  }
  return out;
}
const unprefix = (n: string) => n.replace(/^tcpi([A-Z])/, (_, c: string) => c.toLowerCase());

const SKMEM_NAMES = Object.entries(SK_MEMINFO).map(([k, v]) =>
  [v, k.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] as const
);

/** An SK_MEMINFO array → named counters. */
export function skMeminfo(dv: DataView, off: number, len: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [i, name] of SKMEM_NAMES) {
    if (4 * i + 4 <= len) out[name] = dv.getUint32(off + 4 * i, true);
  }
  return out;
}

/** Decodes one inet_diag_msg (SOCK_DIAG_BY_FAMILY) into an {@link InetSocket}. */
export function decodeInet(m: MessageRef, protocol: number): InetSocket {
  const { bytes, dv } = m;
  const o = m.offset + 16;
  const end = m.offset + m.length;
  const family = bytes[o + AT_FAMILY]!;
  const alen = family === AF_INET6 ? 16 : 4;
  const stateId = bytes[o + AT_STATE]!;
  const s: InetSocket = {
    family,
    protocol: PROTOCOL_BY_NUMBER.get(protocol) ?? String(protocol),
    state: STATE_NAMES.get(stateId) ?? `state-${stateId}`,
    stateId,
    local: {
      address: formatIP(bytes, o + AT_SRC, alen),
      port: (bytes[o + AT_SPORT]! << 8) | bytes[o + AT_SPORT + 1]!,
    },
    remote: {
      address: formatIP(bytes, o + AT_DST, alen),
      port: (bytes[o + AT_DPORT]! << 8) | bytes[o + AT_DPORT + 1]!,
    },
    interface: dv.getUint32(o + AT_IF, true),
    cookie: cookieOf(dv, o + AT_COOKIE),
    timer: bytes[o + AT_TIMER]!,
    retrans: bytes[o + AT_RETRANS]!,
    expires: dv.getUint32(o + AT_EXPIRES, true),
    rqueue: dv.getUint32(o + AT_RQUEUE, true),
    wqueue: dv.getUint32(o + AT_WQUEUE, true),
    uid: dv.getUint32(o + AT_UID, true),
    inode: dv.getUint32(o + AT_INODE, true),
  };
  if (o + MSG_SIZE >= end) return s;
  const c = new AttrCursor(bytes, o + MSG_SIZE, end, dv);
  while (c.next()) {
    switch (c.type) {
      case INET_DIAG.INFO:
        if (protocol === IPPROTO.TCP || protocol === IPPROTO.MPTCP) {
          s.info = tcpInfo(bytes, dv, c.offset, c.length);
        }
        break;
      case INET_DIAG.MEMINFO:
        if (c.length >= MEM.size) {
          s.meminfo = {
            rmem: dv.getUint32(c.offset + MEM.at.idiagRmem, true),
            wmem: dv.getUint32(c.offset + MEM.at.idiagWmem, true),
            fmem: dv.getUint32(c.offset + MEM.at.idiagFmem, true),
            tmem: dv.getUint32(c.offset + MEM.at.idiagTmem, true),
          };
        }
        break;
      case INET_DIAG.SKMEMINFO:
        s.skmeminfo = skMeminfo(dv, c.offset, c.length);
        break;
      case INET_DIAG.CONG:
        s.cong = c.string();
        break;
      case INET_DIAG.BBRINFO: // struct tcp_bbr_info: five u32
        if (c.length >= 20) {
          const u = (i: number) => dv.getUint32(c.offset + 4 * i, true);
          s.bbr = { bw: u(1) * 2 ** 32 + u(0), minRtt: u(2), pacingGain: u(3), cwndGain: u(4) };
        }
        break;
      case INET_DIAG.VEGASINFO: // struct tcpvegas_info: four u32
        if (c.length >= 16) {
          const u = (i: number) => dv.getUint32(c.offset + 4 * i, true);
          s.vegas = { enabled: u(0), rttCount: u(1), rtt: u(2), minRtt: u(3) };
        }
        break;
      case INET_DIAG.DCTCPINFO: // struct tcp_dctcp_info: u16 enabled, u16 ce_state, three u32
        if (c.length >= 16) {
          const o = c.offset;
          s.dctcp = {
            enabled: dv.getUint16(o, true),
            ceState: dv.getUint16(o + 2, true),
            alpha: dv.getUint32(o + 4, true),
            abEcn: dv.getUint32(o + 8, true),
            abTot: dv.getUint32(o + 12, true),
          };
        }
        break;
      case INET_DIAG.TOS:
        s.tos = c.u8();
        break;
      case INET_DIAG.TCLASS:
        s.tclass = c.u8();
        break;
      case INET_DIAG.SHUTDOWN:
        s.shutdown = c.u8();
        break;
      case INET_DIAG.MARK:
        s.mark = c.u32();
        break;
      case INET_DIAG.CGROUP_ID:
        s.cgroupId = Number(c.u64());
        break;
      case INET_DIAG.SKV6ONLY:
        s.v6only = c.u8() !== 0;
        break;
      case INET_DIAG.CLASS_ID:
        s.classId = c.u32();
        break;
    }
  }
  return s;
}
