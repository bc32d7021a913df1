/**
 * The async netlink socket: requests matched to replies by sequence number,
 * dumps as async iterables, multicast subscriptions with bounded queues, for
 * any netlink protocol (see `protocol.ts`).
 *
 * The socket is a facade: it opens and configures the descriptor and hands
 * the work to its engine (`engine.ts`: pending requests, the receive pump,
 * dispatch, waiting). Dumps and subscriptions live in `dump.ts` and
 * `subscription.ts`; the message types in `message.ts`.
 *
 * @module
 */
import { check, libc } from "../ffi/libc.ts";
import { Errno } from "../ffi/errno.ts";
import { allocBuffer } from "../ffi/symbols.ts";
import { Writer } from "./codec.ts";
import { type NetnsRef, withNetns } from "./nsenter.ts";
import {
  AF_NETLINK,
  NETLINK_SOCKOPT as NETLINK_OPT,
  NLM_F,
  SO,
  SOCK_CLOEXEC,
  SOCK_RAW,
  SOL_NETLINK,
  SOL_SOCKET,
} from "./constants.ts";
import { ArgumentError } from "./errors.ts";
import { Engine, type RequestOptions, type SocketStats } from "./engine.ts";
import { type Dump, type DumpOptions, EngineDump } from "./dump.ts";
import type { SubscribeOptions, Subscription } from "./subscription.ts";
import {
  type BatchResult,
  type Decoder,
  encodeRequest,
  type NetlinkMessage,
  rawDatagram,
  rawDecoder,
  type Request,
  type Response,
} from "./message.ts";
import { type NetlinkProtocol, PROTOCOL, protocolOf } from "./protocol.ts";
import { FdTransport } from "./transport.ts";

// What other modules imported from here before the split.
export * from "./message.ts";
export type { SocketStats } from "./engine.ts";
export type { Dump, DumpOptions } from "./dump.ts";
export { DEFAULT_QUEUE, type SubscribeOptions, type Subscription } from "./subscription.ts";
export { parseExtAck } from "./extack.ts";

/**
 * Options of {@link NetlinkSocket.open} (which also takes the protocol as a
 * declaration: see {@link OpenOptions}).
 */
export interface SocketOptions {
  /** Netlink protocol number (a known number maps to its declaration); default NETLINK_ROUTE (0). */
  protocol?: number;
  /** Multicast groups to join (group numbers, e.g. `RTNLGRP.LINK`). */
  groups?: readonly number[];
  /** Receive buffer in bytes; default 1 MiB. Uses SO_RCVBUFFORCE when privileged. */
  rcvbuf?: number;
  /** Send buffer in bytes; default left to the kernel. */
  sndbuf?: number;
  /** Ask for strict checking of requests (kernel-side dump filters); default true. */
  strict?: boolean;
  /** Ask for extended ACK messages; default true. */
  extAck?: boolean;
  /** Adopt an already open netlink socket (e.g. one created in another namespace). */
  fd?: number;
  /**
   * Create the socket inside this network namespace (a name under /run/netns, a
   * path, a descriptor, `{ pid }`): the calling thread enters it for the
   * `socket()` call only. The socket keeps the namespace; the process does not move.
   */
  netns?: NetnsRef;
  /**
   * Decoder for multicast messages; default {@link rawDecoder} (for a
   * raw-framed protocol, a {@link NetlinkMessage} whose payload is the whole datagram).
   */
  decodeEvent?: Decoder<unknown>;
}

/**
 * Options of {@link NetlinkSocket.open}: {@link SocketOptions}, with the
 * protocol given as a declaration (`PROTOCOL.GENERIC`, …) or a number.
 */
export type OpenOptions = Omit<SocketOptions, "protocol"> & {
  /** Netlink protocol: a declaration or a number; default NETLINK_ROUTE (0). */
  protocol?: NetlinkProtocol | number;
};

const intBuf = allocBuffer(4);
const intView = new DataView(intBuf.buffer);

function setIntOpt(fd: number, level: number, opt: number, value: number): number {
  intView.setInt32(0, value, true);
  return libc().setsockopt(fd, level, opt, intBuf, 4);
}

function getIntOpt(fd: number, level: number, opt: number): number {
  const len = allocBuffer(4);
  new DataView(len.buffer).setUint32(0, 4, true);
  check("getsockopt", libc().getsockopt(fd, level, opt, intBuf, len));
  return intView.getInt32(0, true);
}

/** The declaration `protocol` names (a declaration, a number, or the default). */
function declaration(protocol: NetlinkProtocol | number | undefined): NetlinkProtocol {
  if (protocol === undefined) return PROTOCOL.ROUTE;
  if (typeof protocol === "number") return protocolOf(protocol);
  if (typeof protocol !== "object" || protocol === null || typeof protocol.number !== "number") {
    throw new ArgumentError("protocol", "a protocol declaration or number", protocol);
  }
  protocolOf(protocol.number); // checks the range
  return protocol;
}

/**
 * A netlink socket. Open with {@link NetlinkSocket.open}; close with
 * {@link NetlinkSocket.close} or `await using`.
 *
 * @example
 * ```ts
 * import { NetlinkSocket, RTM } from "@nlroute/nlroute";
 * import { RT_LINK_STRUCTS } from "@nlroute/nlroute/tables";
 * import assert from "node:assert/strict";
 *
 * await using sock = NetlinkSocket.open(); // NETLINK_ROUTE in the calling thread's namespace
 * assert.ok(sock.portId > 0);
 * const links = await sock.dump({
 *   type: RTM.GETLINK,
 *   body: (w) => w.zeros(RT_LINK_STRUCTS.ifinfomsg.size),
 * }).all();
 * assert.ok(links.length >= 1); // at least the loopback
 * ```
 */
export class NetlinkSocket implements AsyncDisposable {
  /** The file descriptor. */
  readonly fd: number;
  /** The port id the kernel assigned. */
  readonly portId: number;
  /** The netlink protocol number. */
  readonly protocol: number;
  /** The netlink protocol's declaration (names, header, groups, framing). */
  readonly declaration: NetlinkProtocol;
  /** Whether the kernel accepted strict checking. */
  readonly strict: boolean;
  /** Whether the kernel accepted extended ACKs. */
  readonly extAck: boolean;
  /** Counters of received and refused datagrams. */
  readonly stats: SocketStats;

  readonly #engine: Engine;
  readonly #groups = new Set<number>();

  private constructor(fd: number, protocol: NetlinkProtocol, opts: OpenOptions) {
    this.fd = fd;
    this.protocol = protocol.number;
    this.declaration = protocol;
    const c = libc();
    const rcvbuf = opts.rcvbuf ?? 1 << 20;
    if (!Number.isInteger(rcvbuf) || rcvbuf < 1024 || rcvbuf > 0x7fffffff) {
      throw new ArgumentError("rcvbuf", "an integer from 1024 to 2147483647 bytes", rcvbuf);
    }
    // The kernel doubles the value; RCVBUFFORCE passes rmem_max when privileged.
    if (setIntOpt(fd, SOL_SOCKET, SO.RCVBUFFORCE, rcvbuf) < 0) {
      check("setsockopt", setIntOpt(fd, SOL_SOCKET, SO.RCVBUF, rcvbuf), "(SO_RCVBUF)");
    }
    if (opts.sndbuf !== undefined) {
      if (setIntOpt(fd, SOL_SOCKET, SO.SNDBUFFORCE, opts.sndbuf) < 0) {
        check("setsockopt", setIntOpt(fd, SOL_SOCKET, SO.SNDBUF, opts.sndbuf), "(SO_SNDBUF)");
      }
    }
    this.extAck = opts.extAck !== false && setIntOpt(fd, SOL_NETLINK, NETLINK_OPT.EXT_ACK, 1) === 0;
    setIntOpt(fd, SOL_NETLINK, NETLINK_OPT.CAP_ACK, 1);
    this.strict = opts.strict !== false &&
      setIntOpt(fd, SOL_NETLINK, NETLINK_OPT.GET_STRICT_CHK, 1) === 0;
    // Bind with port 0: the kernel chooses a unique port id.
    const sa = allocBuffer(12);
    const sv = new DataView(sa.buffer);
    sv.setUint16(0, AF_NETLINK, true);
    const r = c.bind(fd, sa, 12);
    // An adopted socket may already be bound (EINVAL): read its port either way.
    if (r < 0 && !(opts.fd !== undefined && r === -Errno.EINVAL)) check("bind", r);
    const len = allocBuffer(4);
    new DataView(len.buffer).setUint32(0, 12, true);
    check("getsockname", c.getsockname(fd, sa, len));
    this.portId = sv.getUint32(4, true);
    const decodeEvent = opts.decodeEvent ??
      (protocol.framing === "raw" ? rawDatagram : rawDecoder);
    this.#engine = new Engine(new FdTransport(fd, this.portId), protocol, this.portId, decodeEvent);
    this.stats = this.#engine.stats;
    for (const g of opts.groups ?? []) this.join(g);
  }

  /**
   * Opens a netlink socket (NETLINK_ROUTE by default), bound to a port the
   * kernel chooses, with extended ACK, capped ACKs, strict checking and a
   * 1 MiB receive buffer.
   */
  static open(opts: OpenOptions = {}): NetlinkSocket {
    const protocol = declaration(opts.protocol);
    const create = () =>
      check("socket", libc().socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol.number));
    const fd = opts.fd ?? (opts.netns !== undefined ? withNetns(opts.netns, create) : create());
    try {
      return new NetlinkSocket(fd, protocol, opts);
    } catch (e) {
      libc().close(fd);
      throw e;
    }
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#engine.closed;
  }

  /** The receive buffer size the kernel reports (twice the requested value). */
  get rcvbuf(): number {
    return getIntOpt(this.fd, SOL_SOCKET, SO.RCVBUF);
  }

  /** Sets the decoder of multicast messages (for subscriptions created afterwards and before). */
  setEventDecoder(decode: Decoder<unknown>): void {
    this.#engine.setEventDecoder(decode);
  }

  /** Groups joined through {@link join}. */
  get groups(): ReadonlySet<number> {
    return this.#groups;
  }

  /** Joins a multicast group. */
  join(group: number): void {
    this.#engine.assertOpen("join a group");
    if (!Number.isInteger(group) || group < 1 || group > 0xffff) {
      throw new ArgumentError("group", "a multicast group number from 1", group);
    }
    check(
      "setsockopt",
      setIntOpt(this.fd, SOL_NETLINK, NETLINK_OPT.ADD_MEMBERSHIP, group),
      `(join group ${group})`,
    );
    this.#groups.add(group);
  }

  /** Leaves a multicast group. */
  leave(group: number): void {
    this.#engine.assertOpen("leave a group");
    check(
      "setsockopt",
      setIntOpt(this.fd, SOL_NETLINK, NETLINK_OPT.DROP_MEMBERSHIP, group),
      `(leave group ${group})`,
    );
    this.#groups.delete(group);
  }

  /** Sets a SOL_NETLINK integer option (e.g. NETLINK_LISTEN_ALL_NSID). */
  setOption(opt: number, value: number): void {
    check("setsockopt", setIntOpt(this.fd, SOL_NETLINK, opt, value));
  }

  /** The next sequence number (never 0). */
  nextSeq(): number {
    return this.#engine.nextSeq();
  }

  /**
   * Sends one request with NLM_F_ACK and resolves with its ACK and any messages
   * that came before it (an NLM_F_ECHO copy). With `ack: false` (for `get`
   * requests) no ACK is asked for and the first reply message completes it.
   * A kernel error rejects with `NetlinkError`.
   */
  request<T = NetlinkMessage>(req: Request, opts: RequestOptions<T> = {}): Promise<Response<T>> {
    return this.#engine.request(req, opts);
  }

  /**
   * Sends many requests, as few sends as possible (chunks whose ACKs fit the
   * receive buffer), and collects every ACK. Resolves with one result per
   * request, in order; kernel errors are results, not rejections. With
   * `oneSend`, every request goes in one datagram (nfnetlink batches, which
   * the kernel applies per datagram): it must fit the send buffer.
   */
  batch<T = NetlinkMessage>(
    reqs: readonly Request[],
    opts: { decode?: Decoder<T>; signal?: AbortSignal; oneSend?: boolean } = {},
  ): Promise<BatchResult<T>[]> {
    return this.#engine.batch(reqs, opts);
  }

  /**
   * Starts a dump (NLM_F_DUMP). The request is sent when iteration starts (or
   * when `all()` is called). Messages stream as an async iterable.
   */
  dump<T = NetlinkMessage>(req: Request, opts: DumpOptions<T> = {}): Dump<T> {
    return new EngineDump<T>(this.#engine, req, opts);
  }

  /**
   * Compiles requests to bytes without sending them (sequence numbers from 1,
   * port 0), e.g. to inspect or replay them.
   */
  static compile(reqs: readonly Request[], ack = true): Uint8Array {
    const w = new Writer();
    let seq = 1;
    for (const req of reqs) encodeRequest(w, req, ack && req.ack !== false ? NLM_F.ACK : 0, seq++);
    return w.finish();
  }

  /**
   * Subscribes to the multicast messages of the joined groups: an async
   * iterable with its own bounded queue. Losses arrive as `Overrun` items.
   */
  subscribe<T = NetlinkMessage>(opts: SubscribeOptions<T> = {}): Subscription<T> {
    return this.#engine.subscribe(opts);
  }

  /**
   * Closes the socket: pending requests reject with `ClosedError`,
   * subscriptions end, the descriptor is released.
   */
  close(): void {
    this.#engine.close();
  }

  /** Closes the socket (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}
