/**
 * The reference every benchmark compares nlroute with: a bare netlink socket
 * driven through `ffi/libc.ts` directly, with no sequence matching, no objects,
 * no promises. It shows what the FFI and the kernel cost on their own.
 *
 * @module
 */
import { libc } from "../ffi/libc.ts";
import { allocBuffer } from "../ffi/symbols.ts";
import { Errno } from "../ffi/errno.ts";
import { withNetns } from "../core/nsenter.ts";
import {
  AF_NETLINK,
  MSG_DONTWAIT,
  NETLINK_SOCKOPT,
  NLM_F,
  NLMSG,
  SO,
  SOCK_CLOEXEC,
  SOCK_RAW,
  SOL_NETLINK,
  SOL_SOCKET,
} from "../core/constants.ts";
import { RTM } from "../core/tables/constants.ts";
import { RT_ROUTE_ATTRS } from "../core/tables/rt_route.ts";
import { NFNL_SUBSYS } from "../core/tables/nfnetlink.ts";
import { IPCTNL_MSG_CT } from "../core/tables/ctnetlink.ts";

const NLMSG_ERROR = NLMSG.ERROR;
const NLMSG_DONE = NLMSG.DONE;
/** NLM_F_REQUEST. */
export const F_REQUEST: number = NLM_F.REQUEST;
/** NLM_F_ACK. */
export const F_ACK: number = NLM_F.ACK;
/** NLM_F_DUMP. */
export const F_DUMP: number = NLM_F.DUMP;
/** NLM_F_CREATE | NLM_F_EXCL. */
export const F_CREATE_EXCL: number = NLM_F.CREATE | NLM_F.EXCL;
/** RTM_NEWLINK. */
export const RTM_NEWLINK: number = RTM.NEWLINK;
/** RTM_GETLINK. */
export const RTM_GETLINK: number = RTM.GETLINK;
/** RTM_NEWROUTE. */
export const RTM_NEWROUTE: number = RTM.NEWROUTE;
/** RTM_GETROUTE. */
export const RTM_GETROUTE: number = RTM.GETROUTE;
/** RTM_NEWTCLASS. */
export const RTM_NEWTCLASS: number = RTM.NEWTCLASS;
/** RTM_GETTCLASS. */
export const RTM_GETTCLASS: number = RTM.GETTCLASS;
/** RTM_GETTFILTER. */
export const RTM_GETTFILTER: number = RTM.GETTFILTER;
const {
  dst: RTA_DST,
  gateway: RTA_GATEWAY,
  table: RTA_TABLE,
  oif: RTA_OIF,
  priority: RTA_PRIORITY,
} = RT_ROUTE_ATTRS.routeAttrs;

const RBUF = 1 << 20;

/** A bare netlink socket (NETLINK_ROUTE unless `protocol` says otherwise) opened inside a namespace. */
export class RawSocket {
  readonly fd: number;
  readonly buf: Uint8Array = allocBuffer(RBUF);
  readonly dv: DataView = new DataView(this.buf.buffer);
  #seq = 1;

  constructor(netns: string, protocol = 0) {
    const c = libc();
    const fd = withNetns(netns, () => c.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol));
    if (fd < 0) throw new Error(`Cannot open a netlink socket: errno ${-fd}`);
    this.fd = fd;
    // The same options nlroute sets: 1 MiB receive buffer, capped ACKs, strict dump filters.
    setInt(fd, SOL_SOCKET, SO.RCVBUFFORCE, 1 << 20);
    setInt(fd, SOL_NETLINK, NETLINK_SOCKOPT.CAP_ACK, 1);
    setInt(fd, SOL_NETLINK, NETLINK_SOCKOPT.GET_STRICT_CHK, 1);
  }

  /** The next sequence number. */
  nextSeq(): number {
    return this.#seq = (this.#seq + 1) >>> 0 || 1;
  }

  /**
   * Sends a dump request and receives until NLMSG_DONE, walking message headers
   * only. Returns the number of messages before DONE.
   */
  dump(req: Uint8Array): number {
    const c = libc();
    new DataView(req.buffer, req.byteOffset).setUint32(8, this.nextSeq(), true);
    if (c.send(this.fd, req, req.length, 0) < 0) throw new Error("Cannot send the dump request");
    const { fd, buf, dv } = this;
    let count = 0;
    for (;;) {
      const n = c.recv(fd, buf, RBUF, 0);
      if (n < 0) {
        if (n === -Errno.EINTR) continue;
        throw new Error(`Cannot receive: errno ${-n}`);
      }
      let off = 0;
      while (off + 16 <= n) {
        const len = dv.getUint32(off, true);
        const type = dv.getUint16(off + 4, true);
        if (type === NLMSG_DONE) return count;
        if (type === NLMSG_ERROR) throw new Error(`Dump failed: ${dv.getInt32(off + 16, true)}`);
        count++;
        off += (len + 3) & ~3;
      }
    }
  }

  /**
   * Sends one prepared request and receives one datagram (without waiting
   * first, as nlroute does). Returns the first message's type.
   */
  roundTrip(req: Uint8Array, len = req.length): number {
    const c = libc();
    if (c.send(this.fd, req, len, 0) < 0) throw new Error("Cannot send");
    let n = c.recv(this.fd, this.buf, RBUF, MSG_DONTWAIT);
    if (n === -Errno.EAGAIN) n = c.recv(this.fd, this.buf, RBUF, 0);
    if (n < 16) throw new Error(`Cannot receive: ${n}`);
    return this.dv.getUint16(4, true);
  }

  /**
   * Sends `count` prepared do-requests (with NLM_F_ACK) concatenated in `bytes`
   * and receives their ACKs. Returns the number of errors.
   */
  sendAcked(bytes: Uint8Array, len: number, count: number): number {
    const c = libc();
    if (c.send(this.fd, bytes, len, 0) < 0) throw new Error("Cannot send");
    const { buf, dv } = this;
    let acks = 0;
    let errors = 0;
    while (acks < count) {
      let n = c.recv(this.fd, buf, RBUF, MSG_DONTWAIT);
      if (n === -Errno.EAGAIN) n = c.recv(this.fd, buf, RBUF, 0);
      if (n < 0) throw new Error(`Cannot receive: errno ${-n}`);
      let off = 0;
      while (off + 16 <= n) {
        const mlen = dv.getUint32(off, true);
        if (dv.getUint16(off + 4, true) === NLMSG_ERROR) {
          acks++;
          if (dv.getInt32(off + 16, true) !== 0) errors++;
        }
        off += (mlen + 3) & ~3;
      }
    }
    return errors;
  }

  close(): void {
    libc().close(this.fd);
  }
}

function setInt(fd: number, level: number, opt: number, v: number): void {
  const b = allocBuffer(4);
  new DataView(b.buffer).setInt32(0, v, true);
  libc().setsockopt(fd, level, opt, b, 4);
}

function header(dv: DataView, off: number, len: number, type: number, flags: number): void {
  dv.setUint32(off, len, true);
  dv.setUint16(off + 4, type, true);
  dv.setUint16(off + 6, flags, true);
  dv.setUint32(off + 8, 0, true);
  dv.setUint32(off + 12, 0, true);
}

/** An RTM_GETROUTE dump request for one table (kernel-side filter, as nlroute sends it). */
export function routeDumpRequest(table: number): Uint8Array {
  const b = allocBuffer(16 + 12 + 8);
  const dv = new DataView(b.buffer);
  header(dv, 0, b.length, RTM_GETROUTE, F_REQUEST | F_DUMP);
  b[16 + 4] = table > 255 ? 0 : table;
  dv.setUint16(28, 8, true);
  dv.setUint16(30, RTA_TABLE, true);
  dv.setUint32(32, table, true);
  return b;
}

/**
 * A traffic control dump request (RTM_GETTCLASS, RTM_GETTFILTER) for one
 * interface: struct tcmsg with the index and parent, no attributes (what
 * `tc class show dev X` and `tc filter show dev X` send).
 */
export function tcDumpRequest(type: number, index: number, parent = 0): Uint8Array {
  const b = allocBuffer(16 + 20);
  const dv = new DataView(b.buffer);
  header(dv, 0, b.length, type, F_REQUEST | F_DUMP);
  dv.setInt32(16 + 4, index, true);
  dv.setUint32(16 + 12, parent, true);
  return b;
}

/**
 * A conntrack table dump (NFNL_SUBSYS_CTNETLINK's IPCTNL_MSG_CT_GET with
 * NLM_F_DUMP), every family: struct nfgenmsg and no attributes (what
 * `conntrack -L` sends).
 */
export function ctDumpRequest(): Uint8Array {
  const b = allocBuffer(16 + 4);
  const dv = new DataView(b.buffer);
  header(dv, 0, b.length, (NFNL_SUBSYS.CTNETLINK << 8) | IPCTNL_MSG_CT.GET, F_REQUEST | F_DUMP);
  return b;
}

/** An RTM_GETLINK request for one index (no ACK: the reply completes it). */
export function linkGetRequest(index: number): Uint8Array {
  const b = allocBuffer(16 + 16);
  const dv = new DataView(b.buffer);
  header(dv, 0, b.length, RTM_GETLINK, F_REQUEST);
  dv.setInt32(16 + 4, index, true);
  return b;
}

/**
 * A copy of a request message with its flags replaced (e.g. a generic netlink
 * request from `GenlFamily.encode`, which asks for an ACK, sent as a bare
 * `NLM_F_REQUEST` the way `GenlFamily.do` sends a get).
 */
export function withFlags(req: Uint8Array, flags: number): Uint8Array {
  const b = allocBuffer(req.length);
  b.set(req);
  new DataView(b.buffer).setUint16(6, flags, true);
  return b;
}

/** Bytes of one IPv4 RTM_NEWROUTE add (dst/32 via gateway, table), as iproute2 sends it. */
export const ROUTE_ADD_SIZE = 16 + 12 + 8 + 8 + 8;

/**
 * Writes an RTM_NEWROUTE (add, with ACK) for an IPv4 host route at `off`:
 * proto boot, scope universe, unicast, RTA_DST, RTA_GATEWAY, RTA_TABLE.
 */
export function writeRouteAdd(
  dv: DataView,
  off: number,
  seq: number,
  dst: readonly number[],
  gateway: readonly number[],
  table: number,
): void {
  header(dv, off, ROUTE_ADD_SIZE, RTM_NEWROUTE, F_REQUEST | F_ACK | F_CREATE_EXCL);
  dv.setUint32(off + 8, seq, true);
  const r = off + 16;
  dv.setUint8(r, 2); // AF_INET
  dv.setUint8(r + 1, 32);
  dv.setUint8(r + 2, 0);
  dv.setUint8(r + 3, 0);
  dv.setUint8(r + 4, table > 255 ? 0 : table);
  dv.setUint8(r + 5, 3); // boot
  dv.setUint8(r + 6, 0); // universe
  dv.setUint8(r + 7, 1); // unicast
  dv.setUint32(r + 8, 0, true);
  let a = r + 12;
  for (const [type, bytes] of [[RTA_DST, dst], [RTA_GATEWAY, gateway]] as const) {
    dv.setUint16(a, 8, true);
    dv.setUint16(a + 2, type, true);
    for (let i = 0; i < 4; i++) dv.setUint8(a + 4 + i, bytes[i]!);
    a += 8;
  }
  dv.setUint16(a, 8, true);
  dv.setUint16(a + 2, RTA_TABLE, true);
  dv.setUint32(a + 4, table, true);
}

/** Parses dotted IPv4 (with an optional /len) into 4 numbers. */
export function ipv4Bytes(s: string): number[] {
  return s.split("/")[0]!.split(".").map(Number);
}

/** One route as the naive decoder makes it: a plain object, every field parsed eagerly. */
export interface NaiveRoute {
  family: number;
  dstLen: number;
  table: number;
  proto: number;
  scope: number;
  type: number;
  dst: string | undefined;
  gateway: string | undefined;
  oif: number | undefined;
  priority: number | undefined;
}

function naiveIP(b: Uint8Array, off: number, len: number): string {
  if (len === 4) return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
  const parts: string[] = [];
  for (let i = 0; i < len; i += 2) parts.push(((b[off + i]! << 8) | b[off + i + 1]!).toString(16));
  return parts.join(":");
}

/**
 * The naive decoder the issue compares with: the same receive loop as
 * {@link RawSocket.dump}, and for every route one plain object with its header
 * fields and attributes (dst, gateway, oif, priority, table) parsed eagerly,
 * addresses formatted as strings on the spot.
 */
export function naiveRouteDump(raw: RawSocket, req: Uint8Array): NaiveRoute[] {
  const c = libc();
  new DataView(req.buffer, req.byteOffset).setUint32(8, raw.nextSeq(), true);
  if (c.send(raw.fd, req, req.length, 0) < 0) throw new Error("Cannot send the dump request");
  const { fd, buf, dv } = raw;
  const out: NaiveRoute[] = [];
  for (;;) {
    const n = c.recv(fd, buf, RBUF, 0);
    if (n < 0) {
      if (n === -Errno.EINTR) continue;
      throw new Error(`Cannot receive: errno ${-n}`);
    }
    let off = 0;
    while (off + 16 <= n) {
      const len = dv.getUint32(off, true);
      const type = dv.getUint16(off + 4, true);
      if (type === NLMSG_DONE) return out;
      if (type === NLMSG_ERROR) throw new Error(`Dump failed: ${dv.getInt32(off + 16, true)}`);
      const h = off + 16;
      const r: NaiveRoute = {
        family: buf[h]!,
        dstLen: buf[h + 1]!,
        table: buf[h + 4]!,
        proto: buf[h + 5]!,
        scope: buf[h + 6]!,
        type: buf[h + 7]!,
        dst: undefined,
        gateway: undefined,
        oif: undefined,
        priority: undefined,
      };
      const end = off + len;
      let a = h + 12;
      while (a + 4 <= end) {
        const alen = dv.getUint16(a, true);
        if (alen < 4) break;
        const atype = dv.getUint16(a + 2, true) & 0x3fff;
        const p = a + 4;
        if (atype === RTA_DST) r.dst = naiveIP(buf, p, alen - 4) + "/" + r.dstLen;
        else if (atype === RTA_GATEWAY) r.gateway = naiveIP(buf, p, alen - 4);
        else if (atype === RTA_OIF) r.oif = dv.getUint32(p, true);
        else if (atype === RTA_PRIORITY) r.priority = dv.getUint32(p, true);
        else if (atype === RTA_TABLE) r.table = dv.getUint32(p, true);
        a += (alen + 3) & ~3;
      }
      out.push(r);
      off += (len + 3) & ~3;
    }
  }
}
