/**
 * The async netlink socket: requests matched to replies by sequence number,
 * dumps as async iterables, multicast subscriptions with bounded queues.
 *
 * Receiving tries a non-blocking `recvfrom` first and waits on the process's
 * poller only on EAGAIN (rtnetlink answers are usually queued by the time `send`
 * returns). Every datagram's sender is checked: only the kernel (port 0) is
 * heard; replies must carry a pending sequence number and this socket's port.
 *
 * @module
 */
import { check, libc } from "../ffi/libc.ts";
import { Errno } from "../ffi/errno.ts";
import { Poller } from "../ffi/poller.ts";
import { allocBuffer } from "../ffi/symbols.ts";
import { AttrCursor, NLMSG_HDRLEN, Writer } from "./codec.ts";
import { type NetnsRef, withNetns } from "./nsenter.ts";
import {
  AF_NETLINK,
  MSG_DONTWAIT,
  MSG_TRUNC,
  NETLINK_ROUTE,
  NETLINK_SOCKOPT as NETLINK_OPT,
  NLM_F,
  NLMSG,
  NLMSGERR_ATTR,
  SO,
  SOCK_CLOEXEC,
  SOCK_RAW,
  SOL_NETLINK,
  SOL_SOCKET,
} from "./constants.ts";
import {
  ArgumentError,
  ClosedError,
  DecodeError,
  DumpInterruptedError,
  type ExtAck,
  NetlinkError,
  SyscallError,
} from "./errors.ts";

/**
 * A message handed to a decoder. The object is reused for every message: a
 * decoder copies what it keeps (the `bytes` buffer itself is never reused).
 */
export interface MessageRef {
  /** The datagram's bytes (owned: safe to keep a reference). */
  bytes: Uint8Array;
  /** A view over {@link bytes}. */
  dv: DataView;
  /** Offset of the message header in {@link bytes}. */
  offset: number;
  /** Message length including the header. */
  length: number;
  /** Message type. */
  type: number;
  /** Header flags. */
  flags: number;
  /** Sequence number. */
  seq: number;
  /** Header port id. */
  pid: number;
}

/** Turns a received message into a value. */
export type Decoder<T> = (m: MessageRef) => T;

/**
 * A received message kept as bytes: header fields and a view of the payload.
 *
 * @example
 * ```ts
 * import { NetlinkMessage } from "./socket.ts";
 * const m = new NetlinkMessage(18, 0, 1, 0, new Uint8Array(16));
 * m.payload.length; // 16
 * ```
 */
export class NetlinkMessage {
  /** A message from its header fields and payload. */
  constructor(
    /** Message type. */
    readonly type: number,
    /** Header flags. */
    readonly flags: number,
    /** Sequence number. */
    readonly seq: number,
    /** Header port id. */
    readonly pid: number,
    /** The payload (after the 16-byte header). */
    readonly payload: Uint8Array,
  ) {}
}

/** The default decoder: header fields plus a view of the payload. */
export const rawDecoder: Decoder<NetlinkMessage> = (m) =>
  new NetlinkMessage(
    m.type,
    m.flags,
    m.seq,
    m.pid,
    m.bytes.subarray(m.offset + NLMSG_HDRLEN, m.offset + m.length),
  );

/** One request: the message type, extra header flags and a body writer. */
export interface Request {
  /** Message type (e.g. `RTM.NEWLINK`). */
  type: number;
  /** Flags added to NLM_F_REQUEST (and NLM_F_ACK for do-requests). */
  flags?: number;
  /** Writes the payload after the header. */
  body?: (w: Writer) => void;
  /** A name for errors, e.g. `"RTM_NEWLINK"`. */
  name?: string;
}

/** The answer to a do-request. */
export interface Response<T> {
  /** Messages that came before the ACK (a `get` reply, an echo). */
  messages: T[];
  /** Extended-ACK details of the ACK itself (warnings). */
  ack: ExtAck;
}

/** A batch item's outcome. */
export type BatchResult<T> =
  | { ok: true; messages: T[]; ack: ExtAck }
  | { ok: false; error: NetlinkError };

/** Explicit notice of lost messages, delivered in a subscription's stream. */
export interface Overrun {
  /** Always `"overrun"`. */
  readonly event: "overrun";
  /** Always `"overrun"` (so typed event unions can narrow on `kind` too). */
  readonly kind: "overrun";
  /** `"kernel"`: the socket buffer overflowed (ENOBUFS); `"queue"`: this consumer fell behind. */
  readonly source: "kernel" | "queue";
  /** Messages dropped from this consumer's queue (0 when unknown: kernel losses). */
  readonly lost: number;
}

/** Options of {@link NetlinkSocket.open}. */
export interface SocketOptions {
  /** Netlink protocol; default NETLINK_ROUTE (0). */
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
  /** Decoder for multicast messages; default {@link rawDecoder}. */
  decodeEvent?: Decoder<unknown>;
}

/** Counters of what the socket received and refused. */
export interface SocketStats {
  /** Datagrams received. */
  datagrams: number;
  /** Datagrams from a sender other than the kernel, dropped. */
  spoofed: number;
  /** Unicast messages matching no pending request (or the wrong port), dropped. */
  stray: number;
  /** Malformed datagrams, dropped. */
  malformed: number;
  /** ENOBUFS reports from the kernel. */
  overruns: number;
  /** Multicast messages no subscription took. */
  unclaimed: number;
}

/** @internal A request waiting for its replies. */
export interface Pending {
  seq: number;
  name: string;
  dump: boolean;
  /** Complete at the first reply message (a `get` sent without NLM_F_ACK). */
  single: boolean;
  decode: Decoder<unknown>;
  items: unknown[];
  intr: boolean;
  done: boolean;
  error: Error | undefined;
  ack: ExtAck;
  wake: (() => void) | undefined;
}

/** Message types below this are control messages (NLMSG_*). */
const NLMSG_MIN_TYPE = 0x10;
const RBUF_SIZE = 1 << 20;
let rbuf: Uint8Array | undefined;
let rbufView: DataView | undefined;

/**
 * Small datagrams (replies, events) are copied into a shared slab rather than
 * each into a buffer of its own: allocating typed arrays is slow in Deno
 * (~1 µs each). A message kept alive keeps its slab alive (64 KiB at most).
 */
const SLAB_SIZE = 1 << 16;
const SLAB_MAX = 4096;
let slab: Uint8Array | undefined;
let slabView: DataView | undefined;
let slabPos = SLAB_SIZE;

/** Copies a received datagram to memory that is never reused: [bytes, view, offset]. */
function ownCopy(src: Uint8Array, len: number): [Uint8Array, DataView, number] {
  if (len > SLAB_MAX) {
    const b = src.slice(0, len);
    return [b, new DataView(b.buffer), 0];
  }
  if (slabPos + len > SLAB_SIZE) {
    slab = new Uint8Array(new ArrayBuffer(SLAB_SIZE));
    slabView = new DataView(slab.buffer);
    slabPos = 0;
  }
  const at = slabPos;
  slab!.set(src.subarray(0, len), at);
  slabPos = (at + len + 7) & ~7;
  return [slab!, slabView!, at];
}
const srcAddr = allocBuffer(12);
const srcView = new DataView(srcAddr.buffer);
const srcLen = allocBuffer(4);
const srcLenView = new DataView(srcLen.buffer);
const intBuf = allocBuffer(4);
const intView = new DataView(intBuf.buffer);

/** Default size of a subscription's queue. */
export const DEFAULT_QUEUE = 8192;
/** Messages per send in a batch (their ACKs must fit the receive buffer). */
const BATCH_CHUNK = 256;

/** Writes one request: header (NLM_F_REQUEST plus `flags` and the request's own), body. */
function encodeRequest(w: Writer, req: Request, flags: number, seq: number): void {
  const start = w.beginMessage(req.type, NLM_F.REQUEST | flags | (req.flags ?? 0), seq, 0);
  req.body?.(w);
  w.endMessage(start);
}

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

/**
 * A netlink socket. Open with {@link NetlinkSocket.open}; close with
 * {@link NetlinkSocket.close} or `await using`.
 *
 * @example
 * ```ts
 * import { NetlinkSocket } from "./socket.ts";
 * import { RTM } from "./tables/constants.ts";
 * import { NLM_F } from "./constants.ts";
 * await using sock = NetlinkSocket.open();
 * const links = await sock.dump({ type: RTM.GETLINK, body: (w) => w.zeros(16) }).all();
 * console.log(links.length);
 * ```
 */
export class NetlinkSocket implements AsyncDisposable {
  /** The file descriptor. */
  readonly fd: number;
  /** The port id the kernel assigned. */
  readonly portId: number;
  /** The netlink protocol. */
  readonly protocol: number;
  /** Whether the kernel accepted strict checking. */
  readonly strict: boolean;
  /** Whether the kernel accepted extended ACKs. */
  readonly extAck: boolean;
  /** Counters of received and refused datagrams. */
  readonly stats: SocketStats = {
    datagrams: 0,
    spoofed: 0,
    stray: 0,
    malformed: 0,
    overruns: 0,
    unclaimed: 0,
  };

  #seq: number;
  #closed = false;
  /** The descriptor was found closed or replaced: never touch it again. */
  #gone = false;
  #token = -1;
  #reading = false;
  #waitAbort: AbortController | undefined;
  readonly #pending = new Map<number, Pending>();
  readonly #subs = new Set<Subscription<unknown>>();
  readonly #groups = new Set<number>();
  readonly #writer = new Writer(4096);
  readonly #ref: MessageRef = {
    bytes: new Uint8Array(0),
    dv: new DataView(new ArrayBuffer(0)),
    offset: 0,
    length: 0,
    type: 0,
    flags: 0,
    seq: 0,
    pid: 0,
  };
  #decodeEvent: Decoder<unknown>;

  private constructor(fd: number, protocol: number, opts: SocketOptions) {
    this.fd = fd;
    this.protocol = protocol;
    this.#decodeEvent = opts.decodeEvent ?? rawDecoder;
    this.#seq = (Math.random() * 0x3fffffff) >>> 0 || 1;
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
    for (const g of opts.groups ?? []) this.join(g);
  }

  /**
   * Opens a netlink socket (NETLINK_ROUTE by default), bound to a port the
   * kernel chooses, with extended ACK, capped ACKs, strict checking and a
   * 1 MiB receive buffer.
   */
  static open(opts: SocketOptions = {}): NetlinkSocket {
    const protocol = opts.protocol ?? NETLINK_ROUTE;
    if (!Number.isInteger(protocol) || protocol < 0 || protocol > 31) {
      throw new ArgumentError("protocol", "a netlink protocol number from 0 to 31", protocol);
    }
    const create = () =>
      check("socket", libc().socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol));
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
    return this.#closed;
  }

  /** The receive buffer size the kernel reports (twice the requested value). */
  get rcvbuf(): number {
    return getIntOpt(this.fd, SOL_SOCKET, SO.RCVBUF);
  }

  /** Sets the decoder of multicast messages (for subscriptions created afterwards and before). */
  setEventDecoder(decode: Decoder<unknown>): void {
    this.#decodeEvent = decode;
  }

  /** Groups joined through {@link join}. */
  get groups(): ReadonlySet<number> {
    return this.#groups;
  }

  /** Joins a multicast group. */
  join(group: number): void {
    this.#assertOpen("join a group");
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
    this.#assertOpen("leave a group");
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
    const s = this.#seq;
    this.#seq = (this.#seq + 1) >>> 0 || 1;
    return s;
  }

  #assertOpen(what: string): void {
    if (this.#closed) throw new ClosedError(what);
  }

  #send(buf: Uint8Array, len: number): void {
    for (;;) {
      const n = libc().send(this.fd, buf, len, 0);
      if (n === -Errno.EINTR) continue;
      check("send", n, "(netlink request)");
      return;
    }
  }

  #newPending(
    seq: number,
    name: string,
    dump: boolean,
    decode: Decoder<unknown>,
    single = false,
  ): Pending {
    const p: Pending = {
      seq,
      name,
      dump,
      single,
      decode,
      items: [],
      intr: false,
      done: false,
      error: undefined,
      ack: {},
      wake: undefined,
    };
    this.#pending.set(seq, p);
    return p;
  }

  /**
   * Sends one request with NLM_F_ACK and resolves with its ACK and any messages
   * that came before it (an NLM_F_ECHO copy). With `ack: false` (for `get`
   * requests) no ACK is asked for and the first reply message completes it.
   * A kernel error rejects with {@link NetlinkError}.
   */
  async request<T = NetlinkMessage>(
    req: Request,
    opts: { decode?: Decoder<T>; signal?: AbortSignal; ack?: boolean } = {},
  ): Promise<Response<T>> {
    this.#assertOpen("send a request");
    const seq = this.nextSeq();
    const w = this.#writer;
    w.reset();
    const ack = opts.ack !== false;
    encodeRequest(w, req, ack ? NLM_F.ACK : 0, seq);
    const p = this.#newPending(
      seq,
      req.name ?? `message type ${req.type}`,
      false,
      opts.decode ?? rawDecoder,
      !ack,
    );
    try {
      this.#send(w.buf, w.pos);
    } catch (e) {
      this.#pending.delete(seq);
      throw e;
    }
    this.#pump();
    if (!p.done) await this.#until(p, opts.signal);
    if (p.error) throw p.error;
    return { messages: p.items as T[], ack: p.ack };
  }

  /**
   * Sends many requests, as few sends as possible (chunks whose ACKs fit the
   * receive buffer), and collects every ACK. Resolves with one result per
   * request, in order; kernel errors are results, not rejections.
   */
  async batch<T = NetlinkMessage>(
    reqs: readonly Request[],
    opts: { decode?: Decoder<T>; signal?: AbortSignal } = {},
  ): Promise<BatchResult<T>[]> {
    this.#assertOpen("send a batch");
    const decode = opts.decode ?? rawDecoder;
    const all: Pending[] = [];
    const w = new Writer(Math.min(1 << 16, 64 * reqs.length + 64));
    for (let i = 0; i < reqs.length; i += BATCH_CHUNK) {
      w.reset();
      const chunk: Pending[] = [];
      for (const req of reqs.slice(i, i + BATCH_CHUNK)) {
        const seq = this.nextSeq();
        encodeRequest(w, req, NLM_F.ACK, seq);
        chunk.push(this.#newPending(seq, req.name ?? `message type ${req.type}`, false, decode));
      }
      try {
        this.#send(w.buf, w.pos);
      } catch (e) {
        for (const p of chunk) this.#pending.delete(p.seq);
        for (const p of all) if (!p.done) this.#pending.delete(p.seq);
        throw e;
      }
      all.push(...chunk);
      this.#pump();
      for (const p of chunk) if (!p.done) await this.#until(p, opts.signal);
    }
    return all.map((p) =>
      p.error
        ? { ok: false as const, error: p.error as NetlinkError }
        : { ok: true as const, messages: p.items as T[], ack: p.ack }
    );
  }

  /**
   * Starts a dump (NLM_F_DUMP). The request is sent when iteration starts (or
   * when `all()` is called). Messages stream as an async iterable.
   */
  dump<T = NetlinkMessage>(req: Request, opts: DumpOptions<T> = {}): Dump<T> {
    return new Dump<T>(this, req, opts);
  }

  /** @internal Sends a dump request and returns its pending entry. */
  _startDump(req: Request, decode: Decoder<unknown>): Pending {
    this.#assertOpen("start a dump");
    const seq = this.nextSeq();
    const w = this.#writer;
    w.reset();
    encodeRequest(w, req, NLM_F.DUMP, seq);
    const p = this.#newPending(seq, req.name ?? `dump of type ${req.type}`, true, decode);
    try {
      this.#send(w.buf, w.pos);
    } catch (e) {
      this.#pending.delete(seq);
      throw e;
    }
    this.#pump();
    return p;
  }

  /** @internal Drops a pending entry (an abandoned dump): its late replies are counted as stray. */
  _forget(p: Pending): void {
    if (this.#pending.get(p.seq) === p) this.#pending.delete(p.seq);
    p.wake = undefined;
    this.#interestChanged();
  }

  /** @internal Waits until the pending entry made progress or completed. */
  _progress(p: Pending, signal?: AbortSignal): Promise<void> {
    return this.#until(p, signal, true);
  }

  /**
   * Compiles requests to bytes without sending them (sequence numbers from 1,
   * port 0), e.g. to inspect or replay them.
   */
  static compile(reqs: readonly Request[], ack = true): Uint8Array {
    const w = new Writer();
    let seq = 1;
    for (const req of reqs) encodeRequest(w, req, ack ? NLM_F.ACK : 0, seq++);
    return w.finish();
  }

  /**
   * Subscribes to the multicast messages of the joined groups: an async
   * iterable with its own bounded queue. Losses arrive as {@link Overrun} items.
   */
  subscribe<T = NetlinkMessage>(opts: SubscribeOptions<T> = {}): Subscription<T> {
    this.#assertOpen("subscribe");
    const sub = new Subscription<T>(this, opts);
    this.#subs.add(sub as Subscription<unknown>);
    return sub;
  }

  /** @internal */
  _unsubscribe(sub: Subscription<unknown>): void {
    this.#subs.delete(sub);
    this.#interestChanged();
  }

  /** @internal Receives what is queued, without waiting. */
  _drain(): void {
    this.#pump();
  }

  /** @internal Ensures the reader runs while a subscription waits. */
  _wantEvents(): void {
    this.#pump();
    void this.#read();
  }

  async #until(p: Pending, signal?: AbortSignal, progressOnly = false): Promise<void> {
    while (!p.done) {
      if (this.#closed) throw new ClosedError("wait for a reply");
      if (signal?.aborted) {
        this._forget(p);
        throw signal.reason ?? new Error("Cannot wait for a reply: aborted");
      }
      const before = p.items.length;
      const woke = new Promise<void>((r) => (p.wake = r));
      let onAbort: (() => void) | undefined;
      if (signal) {
        onAbort = () => p.wake?.();
        signal.addEventListener("abort", onAbort, { once: true });
      }
      void this.#read();
      await woke;
      if (onAbort) signal!.removeEventListener("abort", onAbort);
      if (progressOnly && p.items.length > before) return;
    }
  }

  /** Whether anybody needs data from the socket. */
  #interest(): boolean {
    for (const p of this.#pending.values()) if (!p.done && p.wake) return true;
    for (const s of this.#subs) if (s._waiting) return true;
    return false;
  }

  #interestChanged(): void {
    if (!this.#interest()) this.#waitAbort?.abort();
  }

  async #read(): Promise<void> {
    if (this.#reading || this.#closed) return;
    this.#reading = true;
    try {
      while (!this.#closed) {
        this.#pump();
        if (!this.#interest()) break;
        const poller = Poller.get();
        if (this.#token < 0) this.#token = poller.register(this.fd, () => this.#alive());
        const ac = new AbortController();
        this.#waitAbort = ac;
        let result;
        try {
          result = await poller.wait(this.#token, ac.signal);
        } catch (e) {
          // The poller cannot watch this socket: nobody may wait forever.
          this.#broken(e instanceof Error ? e : new Error(String(e)));
          break;
        } finally {
          this.#waitAbort = undefined;
        }
        if (result === "gone") {
          // Never read the descriptor again: its number may belong to something else now.
          this.#broken(
            new SyscallError(
              "recvfrom",
              Errno.EBADF,
              "(the descriptor was closed or replaced behind the socket's back)",
            ),
          );
          break;
        }
      }
    } finally {
      this.#reading = false;
    }
  }

  /** Receives everything queued (never blocks) and dispatches it. */
  #pump(): void {
    if (this.#closed || this.#gone) return;
    const c = libc();
    const buf = rbuf ??= allocBuffer(RBUF_SIZE);
    let overrun = false;
    for (;;) {
      srcLenView.setUint32(0, 12, true);
      const n = c.recvfrom(this.fd, buf, RBUF_SIZE, MSG_DONTWAIT | MSG_TRUNC, srcAddr, srcLen);
      if (n < 0) {
        if (n === -Errno.EAGAIN) break;
        if (n === -Errno.EINTR) continue;
        if (n === -Errno.ENOBUFS) {
          overrun = true;
          this.stats.overruns++;
          for (const s of this.#subs) s._kernelOverrun();
          continue;
        }
        // The descriptor is unusable (closed behind our back, not a socket…):
        // every request and subscription ends with this typed error.
        this.#broken(new SyscallError("recvfrom", -n, "(netlink socket)"));
        break;
      }
      this.stats.datagrams++;
      if (srcView.getUint32(4, true) !== 0) {
        this.stats.spoofed++;
        continue;
      }
      if (n > RBUF_SIZE) {
        this.stats.malformed++;
        this.#failAll(
          new DecodeError("datagram", `${n} bytes exceed the ${RBUF_SIZE}-byte receive buffer`),
        );
        continue;
      }
      this.#dispatch(buf, n, srcView.getUint32(8, true) !== 0);
      // Nobody waits for a reply and no consumer has room: leave the rest in the
      // kernel's buffer for the next reader instead of dropping it from a queue.
      if (this.#pending.size === 0 && this.#subsFull()) break;
    }
    // rtnetlink answers do-requests inside sendmsg: after an overflow, a request
    // still unanswered once the queue is drained lost its reply.
    if (overrun && this.protocol === NETLINK_ROUTE) {
      for (const p of this.#pending.values()) {
        if (!p.done && !p.dump) {
          this.#finish(
            p,
            new NetlinkError(Errno.ENOBUFS, {
              message: "the reply was lost: the receive buffer overflowed",
            }, p.name),
          );
        }
      }
    }
  }

  /** Whether every subscription's queue is full (true when there is none). */
  #subsFull(): boolean {
    for (const s of this.#subs) if (!s._full) return false;
    return true;
  }

  /** The socket cannot be used any more: fail every request and subscription. */
  #broken(err: Error): void {
    this.#gone = true;
    this.#failAll(err);
    for (const s of this.#subs) s._fail(err);
  }

  /** Whether the descriptor is still this socket (same netlink port). */
  #alive(): boolean {
    srcLenView.setUint32(0, 12, true);
    if (libc().getsockname(this.fd, srcAddr, srcLen) < 0) return false;
    return srcView.getUint16(0, true) === AF_NETLINK && srcView.getUint32(4, true) === this.portId;
  }

  #failAll(err: Error): void {
    for (const p of this.#pending.values()) if (!p.done) this.#finish(p, err);
  }

  #finish(p: Pending, err?: Error): void {
    p.done = true;
    if (err && !p.error) p.error = err;
    this.#pending.delete(p.seq);
    const wake = p.wake;
    p.wake = undefined;
    wake?.();
  }

  /**
   * Dispatches one datagram read into the shared receive buffer. Control
   * messages are read in place; the datagram is copied (once) before the first
   * message is handed to a decoder, so decoded objects may keep references.
   */
  #dispatch(shared: Uint8Array, end: number, multicast: boolean): void {
    const sdv = rbufView ??= new DataView(shared.buffer);
    let bytes = shared;
    let dv = sdv;
    let base = 0; // where the datagram starts in `bytes` once copied
    let owned = false;
    const ref = this.#ref;
    ref.bytes = bytes;
    ref.dv = dv;
    let off = 0;
    let touched: Pending[] | undefined;
    while (off + NLMSG_HDRLEN <= end) {
      // Header fields read in place (no object per message).
      const len = sdv.getUint32(off, true);
      if (len < NLMSG_HDRLEN || off + len > end) {
        this.stats.malformed++;
        break;
      }
      const type = sdv.getUint16(off + 4, true);
      const flags = sdv.getUint16(off + 6, true);
      const seq = sdv.getUint32(off + 8, true);
      const pid = sdv.getUint32(off + 12, true);
      if (!owned && (multicast || type >= NLMSG_MIN_TYPE)) {
        // Decoded objects may keep references: copy the datagram, once.
        [bytes, dv, base] = ownCopy(shared, end);
        ref.bytes = bytes;
        ref.dv = dv;
        owned = true;
      }
      ref.offset = base + off;
      ref.length = len;
      ref.type = type;
      ref.flags = flags;
      ref.seq = seq;
      ref.pid = pid;
      const at = off;
      off += (len + 3) & ~3;
      if (multicast) {
        this.#event(ref);
        // An NLM_F_ECHO copy of our own change comes with the group set (the kernel
        // multicast it first, leaving us out): it answers our request too.
        const echo = pid === this.portId ? this.#pending.get(seq) : undefined;
        if (!echo || type < NLMSG_MIN_TYPE) continue;
      }
      const p = this.#pending.get(seq);
      if (!p || pid !== this.portId) {
        this.stats.stray++;
        continue;
      }
      if (type === NLMSG.NOOP) continue;
      if (type === NLMSG.ERROR || type === NLMSG.DONE) {
        ref.offset = at;
        ref.bytes = shared;
        ref.dv = sdv;
        this.#complete(p, sdv, shared, ref);
        ref.bytes = bytes;
        ref.dv = dv;
        continue;
      }
      if (type === NLMSG.OVERRUN) {
        this.#finish(p, new NetlinkError(Errno.ENOBUFS, { message: "NLMSG_OVERRUN" }, p.name));
        continue;
      }
      if (flags & NLM_F.DUMP_INTR) p.intr = true;
      if (p.error) continue; // draining after a decode failure
      try {
        p.items.push(p.decode(ref));
      } catch (e) {
        p.error = e instanceof DecodeError ? e : new DecodeError(p.name, String(e));
        if (!p.dump && !p.single) continue;
      }
      if (p.single) {
        this.#finish(p);
        continue;
      }
      touched ??= [];
      if (touched[touched.length - 1] !== p) touched.push(p);
    }
    if (off < end) this.stats.malformed++;
    if (!touched) return;
    for (const p of touched) {
      const wake = p.wake;
      p.wake = undefined;
      wake?.();
    }
  }

  /** Handles NLMSG_ERROR (ACK or error) and NLMSG_DONE. */
  #complete(p: Pending, dv: DataView, bytes: Uint8Array, ref: MessageRef): void {
    const start = ref.offset + NLMSG_HDRLEN;
    const end = ref.offset + ref.length;
    let code = 0;
    let ack: ExtAck = {};
    if (end - start >= 4) code = dv.getInt32(start, true);
    if (ref.flags & NLM_F.ACK_TLVS) {
      let tlv = start + 4;
      if (ref.type === NLMSG.ERROR) {
        // The original request's header follows the code; its payload too unless capped.
        const origLen = end - start >= 4 + NLMSG_HDRLEN ? dv.getUint32(start + 4, true) : 0;
        tlv += ref.flags & NLM_F.CAPPED ? NLMSG_HDRLEN : (origLen + 3) & ~3;
      }
      if (tlv < end) {
        try {
          ack = parseExtAck(bytes, tlv, end);
        } catch {
          this.stats.malformed++;
        }
      }
    }
    p.ack = ack;
    if (code < 0) {
      this.#finish(p, new NetlinkError(-code, ack, p.name));
      return;
    }
    if (p.dump && ref.type === NLMSG.ERROR && code === 0) {
      // A dump never ends with an ACK; ignore a stray one.
      return;
    }
    if (p.dump && p.intr && !p.error) {
      this.#finish(p, new DumpInterruptedError(p.name, p.items));
      return;
    }
    this.#finish(p);
  }

  #event(ref: MessageRef): void {
    if (this.#subs.size === 0) {
      this.stats.unclaimed++;
      return;
    }
    let value: unknown;
    try {
      value = this.#decodeEvent(ref);
    } catch {
      this.stats.malformed++;
      return;
    }
    for (const s of this.#subs) s._push(value);
  }

  /**
   * Closes the socket: pending requests reject with {@link ClosedError},
   * subscriptions end, the descriptor is released.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#token >= 0) Poller.get().unregister(this.#token);
    this.#token = -1;
    const err = new ClosedError("complete the request");
    for (const p of [...this.#pending.values()]) this.#finish(p, err);
    for (const s of [...this.#subs]) s._end();
    this.#subs.clear();
    // A descriptor closed behind our back may have been reused: leave it alone.
    if (!this.#gone) libc().close(this.fd);
  }

  /** Closes the socket (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

/**
 * Parses extended-ACK attributes.
 *
 * @example
 * ```ts
 * import { parseExtAck } from "./socket.ts";
 * const b = new Uint8Array([8, 0, 1, 0, 0x68, 0x69, 0, 0]); // MSG "hi"
 * parseExtAck(b, 0, 8).message; // "hi"
 * ```
 */
export function parseExtAck(bytes: Uint8Array, start: number, end: number): ExtAck {
  const ack: ExtAck = {};
  const c = new AttrCursor(bytes, start, end);
  while (c.next()) {
    switch (c.type) {
      case NLMSGERR_ATTR.MSG:
        ack.message = c.string();
        break;
      case NLMSGERR_ATTR.OFFS:
        ack.offset = c.u32();
        break;
      case NLMSGERR_ATTR.MISS_TYPE:
        ack.missingType = c.u32();
        break;
      case NLMSGERR_ATTR.MISS_NEST:
        ack.missingNest = c.u32();
        break;
      case NLMSGERR_ATTR.POLICY:
        ack.policy = c.payload().slice();
        break;
    }
  }
  return ack;
}

/** Options of {@link NetlinkSocket.dump}. */
export interface DumpOptions<T> {
  /** Decoder for each message; default {@link rawDecoder}. */
  decode?: Decoder<T>;
  /** Stops the dump. */
  signal?: AbortSignal;
  /** How many times `all()` repeats a dump interrupted by NLM_F_DUMP_INTR; default 0. */
  retries?: number;
  /** Keeps only the items this returns true for (client-side filtering). */
  filter?: (item: T) => boolean;
}

/**
 * A dump in progress: iterate it with `for await`, or collect it with `all()`.
 * Interrupted dumps (NLM_F_DUMP_INTR) end with {@link DumpInterruptedError}.
 *
 * @example
 * ```ts
 * import { NetlinkSocket } from "./socket.ts";
 * await using sock = NetlinkSocket.open();
 * for await (const m of sock.dump({ type: 18, body: (w) => w.zeros(16) })) console.log(m.type);
 * ```
 */
export class Dump<T> implements AsyncIterable<T> {
  readonly #sock: NetlinkSocket;
  readonly #req: Request;
  readonly #opts: DumpOptions<T>;
  #used = false;

  /**
   * A dump of `req` on `sock`; nothing is sent until it is iterated or collected
   * (what {@link NetlinkSocket.dump} returns).
   */
  constructor(sock: NetlinkSocket, req: Request, opts: DumpOptions<T>) {
    this.#sock = sock;
    this.#req = req;
    this.#opts = opts;
  }

  #claim(): void {
    if (this.#used) throw new Error("Cannot iterate a dump twice: start a new one");
    this.#used = true;
  }

  /** Collects the whole dump. Retries interrupted dumps `retries` times. */
  async all(): Promise<T[]> {
    this.#claim();
    const { decode = rawDecoder as Decoder<T>, signal, retries = 0, filter } = this.#opts;
    for (let attempt = 0;; attempt++) {
      const p = this.#sock._startDump(this.#req, decode);
      try {
        while (!p.done) await this.#sock._progress(p, signal);
      } catch (e) {
        this.#sock._forget(p);
        throw e;
      }
      if (p.error instanceof DumpInterruptedError && attempt < retries) continue;
      if (p.error) throw p.error;
      const items = p.items as T[];
      return filter ? items.filter(filter) : items;
    }
  }

  /** Streams the dump's messages as they arrive. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    this.#claim();
    const { decode = rawDecoder as Decoder<T>, signal, filter } = this.#opts;
    const p = this.#sock._startDump(this.#req, decode);
    let i = 0;
    try {
      for (;;) {
        while (i < p.items.length) {
          const item = p.items[i++] as T;
          if (!filter || filter(item)) yield item;
        }
        if (p.done) break;
        // Release what was consumed.
        p.items.splice(0, i);
        i = 0;
        await this.#sock._progress(p, signal);
      }
      if (p.error) throw p.error;
    } finally {
      if (!p.done) this.#sock._forget(p);
    }
  }
}

/** Options of {@link NetlinkSocket.subscribe}. */
export interface SubscribeOptions<T> {
  /** Queue bound; when full, newer messages are dropped and an overrun is reported. */
  queue?: number;
  /** Keeps only messages this returns true for. */
  filter?: (item: T) => boolean;
  /** Ends the subscription. */
  signal?: AbortSignal;
}

/**
 * A consumer of multicast messages with its own bounded queue. Iterate it with
 * `for await`; stop with `break`, `return()`, `close()` or an AbortSignal.
 *
 * @example
 * ```ts
 * import { NetlinkSocket } from "./socket.ts";
 * await using sock = NetlinkSocket.open({ groups: [1] }); // RTNLGRP_LINK
 * for await (const m of sock.subscribe()) {
 *   if ("event" in m) console.log("lost messages"); else console.log(m.type);
 *   break;
 * }
 * ```
 */
export class Subscription<T> implements AsyncIterableIterator<T | Overrun> {
  readonly #sock: NetlinkSocket;
  readonly #limit: number;
  readonly #filter: ((item: T) => boolean) | undefined;
  #queue: (T | Overrun)[] = [];
  #head = 0;
  #lost = 0;
  #kernelLoss = false;
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => this.close();
  /** @internal Whether a consumer is waiting in `next()`. */
  _waiting = false;

  /**
   * A consumer on `sock` (throws {@link ArgumentError} for a bad `queue`); it
   * receives nothing until registered, which {@link NetlinkSocket.subscribe} does.
   */
  constructor(sock: NetlinkSocket, opts: SubscribeOptions<T>) {
    this.#sock = sock;
    const q = opts.queue ?? DEFAULT_QUEUE;
    if (!Number.isInteger(q) || q < 1) throw new ArgumentError("queue", "a positive integer", q);
    this.#limit = q;
    this.#filter = opts.filter;
    this.#signal = opts.signal;
    if (opts.signal?.aborted) this.#ended = true;
    opts.signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** Items waiting: queued messages, plus one for a pending overrun notice. */
  get size(): number {
    return this.#queued() + (this.#lost > 0 || this.#kernelLoss ? 1 : 0);
  }

  #queued(): number {
    return this.#queue.length - this.#head;
  }

  /** @internal Whether the queue has no room left. */
  get _full(): boolean {
    return this.#queued() >= this.#limit;
  }

  /** @internal Called by the socket for each multicast message. */
  _push(value: unknown): void {
    if (this.#ended) return;
    if (this.#filter && !this.#filter(value as T)) return;
    if (this.#queued() >= this.#limit) {
      this.#lost++;
      return;
    }
    this.#flushLoss();
    this.#queue.push(value as T);
    this.#notify();
  }

  /** @internal The kernel dropped messages (ENOBUFS). */
  _kernelOverrun(): void {
    if (this.#ended) return;
    this.#kernelLoss = true;
    if (this.#queued() < this.#limit) this.#flushLoss();
    this.#notify();
  }

  #flushLoss(): void {
    if (this.#lost > 0) {
      this.#queue.push({ event: "overrun", kind: "overrun", source: "queue", lost: this.#lost });
      this.#lost = 0;
    }
    if (this.#kernelLoss) {
      this.#queue.push({ event: "overrun", kind: "overrun", source: "kernel", lost: 0 });
      this.#kernelLoss = false;
    }
  }

  #notify(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }

  /** @internal The socket closed. */
  _end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** @internal The socket failed: `next()` rejects with `err` once, then the subscription is done. */
  _fail(err: Error): void {
    if (this.#ended) return;
    this.#error = err;
    this._end();
  }

  /**
   * The next queued message or overrun notice without waiting (the socket is
   * read first, without blocking, when the queue is empty), or `undefined`.
   */
  poll(): T | Overrun | undefined {
    if (this.#head >= this.#queue.length && !this.#ended) this.#sock._drain();
    return this.#take();
  }

  /** Takes the next queued item (or a pending overrun notice), if any. */
  #take(): T | Overrun | undefined {
    if (this.#head >= this.#queue.length && (this.#lost > 0 || this.#kernelLoss)) this.#flushLoss();
    if (this.#head >= this.#queue.length) return undefined;
    const value = this.#queue[this.#head++]!;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return value;
  }

  /** Whether the subscription has ended (closed, aborted, or its socket closed). */
  get ended(): boolean {
    return this.#ended;
  }

  /** The next message or overrun notice. */
  async next(): Promise<IteratorResult<T | Overrun>> {
    for (;;) {
      const value = this.#take();
      if (value !== undefined) return { value, done: false };
      if (this.#error) {
        const err = this.#error;
        this.#error = undefined;
        throw err;
      }
      if (this.#ended) return { value: undefined, done: true };
      const woke = new Promise<void>((r) => (this.#wake = r));
      this._waiting = true;
      this.#sock._wantEvents();
      if (this.#head >= this.#queue.length && !this.#ended) await woke;
      this._waiting = false;
    }
  }

  /** Ends the subscription (what `break` in `for await` calls). */
  return(): Promise<IteratorResult<T | Overrun>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Ends the subscription; queued messages are discarded. */
  close(): void {
    if (this.#ended && !this.#wake) {
      this.#sock._unsubscribe(this as Subscription<unknown>);
      return;
    }
    this.#ended = true;
    this.#queue = [];
    this.#head = 0;
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#notify();
    this.#sock._unsubscribe(this as Subscription<unknown>);
  }

  /** The subscription itself: it is its own async iterator. */
  [Symbol.asyncIterator](): this {
    return this;
  }
}
