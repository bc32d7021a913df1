/**
 * The engine under a netlink socket: sending requests into the table of
 * pending requests, the non-blocking receive pump (each datagram handed to
 * the dispatcher, `dispatch.ts`), and the wait loop.
 * It talks to a {@link Transport} (a real descriptor, or `fake.ts` for tests
 * and the fuzzer), so the same code runs with and without a kernel.
 *
 * Receiving tries a non-blocking receive first and waits only on EAGAIN
 * (rtnetlink answers are usually queued by the time `send` returns). Every
 * datagram's sender is checked: only the kernel (port 0) is heard (but on the
 * multicast groups a protocol leaves to userspace senders, `userGroups`);
 * replies must carry a pending sequence number and this socket's port.
 *
 * @module
 */
import { check } from "../ffi/libc.ts";
import { Errno } from "../ffi/errno.ts";
import { Writer } from "./codec.ts";
import { NLM_F } from "./constants.ts";
import { NETLINK_STRUCTS } from "./tables/netlink.ts";
import { ClosedError, DecodeError, type NetlinkError, SyscallError } from "./errors.ts";
import { Dispatcher, type SocketStats } from "./dispatch.ts";
import {
  type BatchResult,
  type Decoder,
  encodeRequest,
  type NetlinkMessage,
  rawDecoder,
  type Request,
  type Response,
} from "./message.ts";
import type { NetlinkProtocol } from "./protocol.ts";
import { newPending, type Pending, RBUF_SIZE, receiveBuffer } from "./receive.ts";
import { Consumer, type SubscribeOptions } from "./subscription.ts";
import type { Sender, Transport } from "./transport.ts";

export type { SocketStats } from "./dispatch.ts";

/** Options of a do-request. */
export interface RequestOptions<T> {
  /** Decoder of the replies; default {@link rawDecoder}. */
  decode?: Decoder<T>;
  /** Stops waiting. */
  signal?: AbortSignal;
  /** Ask for an ACK (default true); without, the first reply completes the request. */
  ack?: boolean;
}

/** Where nlmsghdr's sequence number is. */
const NLMSG_SEQ_OFFSET = NETLINK_STRUCTS.nlmsghdr.at.nlmsgSeq;

/** Messages per send in a batch (their ACKs must fit the receive buffer). */
const BATCH_CHUNK = 256;
/**
 * Bytes per send in a batch (a message larger than this goes alone): one send
 * must fit the socket's send buffer (net.core.wmem_default, 212992 bytes, by
 * default), or the kernel refuses it with EMSGSIZE — 256 htb class adds, with
 * their 2 KiB rate tables, would not.
 */
const BATCH_BYTES = 1 << 16;

/** The engine of one socket. */
export class Engine {
  /** The protocol's declaration. */
  readonly protocol: NetlinkProtocol;
  /** The port id the kernel assigned. */
  readonly portId: number;
  /** Counters of received and refused datagrams. */
  readonly stats: SocketStats;

  readonly #transport: Transport;
  #seq: number;
  #closed = false;
  /** The descriptor was found closed or replaced: never touch it again. */
  #gone = false;
  #reading = false;
  #pumping = false;
  #waitAbort: AbortController | undefined;
  readonly #d: Dispatcher;
  readonly #pending: Map<number, Pending>;
  readonly #writer = new Writer(4096);
  readonly #from: Sender = { port: 0, groups: 0 };

  /**
   * An engine on `transport` (bound to `portId`) speaking `protocol`; sequence
   * numbers start at `firstSeq` (random by default; the fuzzer fixes it to be
   * repeatable).
   */
  constructor(
    transport: Transport,
    protocol: NetlinkProtocol,
    portId: number,
    decodeEvent: Decoder<unknown>,
    firstSeq: number = (Math.random() * 0x3fffffff) >>> 0,
  ) {
    this.#transport = transport;
    this.protocol = protocol;
    this.portId = portId;
    this.#d = new Dispatcher(portId, protocol.framing, decodeEvent);
    this.#pending = this.#d.pending;
    this.stats = this.#d.stats;
    this.#seq = firstSeq >>> 0 || 1;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Sets the decoder of multicast messages. */
  setEventDecoder(decode: Decoder<unknown>): void {
    this.#d.decodeEvent = decode;
  }

  /** The next sequence number (never 0). */
  nextSeq(): number {
    const s = this.#seq;
    this.#seq = (this.#seq + 1) >>> 0 || 1;
    return s;
  }

  /** Throws {@link ClosedError} once closed. */
  assertOpen(what: string): void {
    if (this.#closed) throw new ClosedError(what);
  }

  #assertSends(what: string): void {
    this.assertOpen(what);
    if (this.protocol.framing === "raw") {
      throw new Error(`Cannot ${what}: ${this.protocol.name} carries raw events only`);
    }
  }

  #name(req: Request, dump: boolean): string {
    if (req.name !== undefined) return req.name;
    const name = this.protocol.messageName(req.type);
    return dump ? `dump ${name}` : name;
  }

  #send(buf: Uint8Array, len: number): void {
    for (;;) {
      const n = this.#transport.send(buf, len);
      if (n === -Errno.EINTR) continue;
      check("send", n, "(netlink request)");
      return;
    }
  }

  #newPending(seq: number, name: string, dump: boolean, decode: Decoder<unknown>, single = false) {
    const p = newPending(seq, name, dump, decode, single);
    this.#pending.set(seq, p);
    return p;
  }

  /** Sends one request with `flags` as a pending entry, then receives what is already queued. */
  #start(req: Request, flags: number, decode: Decoder<unknown>, single: boolean): Pending {
    const w = this.#writer;
    w.reset();
    // Encoded first, numbered after: a request whose values fail to encode
    // (an ArgumentError from its body) takes no sequence number.
    encodeRequest(w, req, flags, 0);
    const seq = this.nextSeq();
    w.dv.setUint32(NLMSG_SEQ_OFFSET, seq, true);
    const dump = (flags & NLM_F.DUMP) === NLM_F.DUMP;
    const p = this.#newPending(seq, this.#name(req, dump), dump, decode, single);
    try {
      this.#send(w.buf, w.pos);
    } catch (e) {
      this.#pending.delete(seq);
      throw e;
    }
    this.#pump();
    return p;
  }

  /** Sends one request (with NLM_F_ACK unless `ack: false`) and waits for its answer. */
  async request<T = NetlinkMessage>(
    req: Request,
    opts: RequestOptions<T> = {},
  ): Promise<Response<T>> {
    this.#assertSends("send a request");
    const ack = opts.ack !== false;
    const p = this.#start(req, ack ? NLM_F.ACK : 0, opts.decode ?? rawDecoder, !ack);
    if (!p.done) await this.#until(p, opts.signal);
    if (p.error) throw p.error;
    return { messages: p.items as T[], ack: p.ack };
  }

  /**
   * Sends many requests in as few sends as possible and collects every ACK;
   * with `oneSend`, all of them in one datagram (the caller sizes the send
   * and receive buffers: an nfnetlink batch is one datagram).
   */
  async batch<T = NetlinkMessage>(
    reqs: readonly Request[],
    opts: { decode?: Decoder<T>; signal?: AbortSignal; oneSend?: boolean } = {},
  ): Promise<BatchResult<T>[]> {
    this.#assertSends("send a batch");
    const decode = opts.decode ?? rawDecoder;
    // One entry per request: its pending entry, or undefined (sent without ACK).
    const all: (Pending | undefined)[] = [];
    const w = new Writer(Math.min(1 << 16, 64 * reqs.length + 64));
    for (let i = 0; i < reqs.length;) {
      w.reset();
      const chunk: (Pending | undefined)[] = [];
      const maxCount = opts.oneSend ? Infinity : BATCH_CHUNK;
      const maxBytes = opts.oneSend ? Infinity : BATCH_BYTES;
      while (i < reqs.length && chunk.length < maxCount) {
        const req = reqs[i]!;
        const ack = req.ack !== false;
        const start = w.pos;
        encodeRequest(w, req, ack ? NLM_F.ACK : 0, 0);
        if (chunk.length > 0 && w.pos > maxBytes) {
          w.pos = start; // it starts the next send
          break;
        }
        const seq = this.nextSeq();
        w.dv.setUint32(start + NLMSG_SEQ_OFFSET, seq, true);
        chunk.push(ack ? this.#newPending(seq, this.#name(req, false), false, decode) : undefined);
        i++;
      }
      try {
        this.#send(w.buf, w.pos);
      } catch (e) {
        for (const p of chunk) if (p) this.#pending.delete(p.seq);
        for (const p of all) if (p && !p.done) this.#pending.delete(p.seq);
        throw e;
      }
      all.push(...chunk);
      this.#pump();
      for (const p of chunk) if (p && !p.done) await this.#until(p, opts.signal);
    }
    return all.map((p) =>
      !p
        ? { ok: true as const, messages: [], ack: {} }
        : p.error
        ? { ok: false as const, error: p.error as NetlinkError }
        : { ok: true as const, messages: p.items as T[], ack: p.ack }
    );
  }

  /** Sends a dump request (NLM_F_DUMP) and returns its pending entry. */
  startDump(req: Request, decode: Decoder<unknown>): Pending {
    this.#assertSends("start a dump");
    return this.#start(req, NLM_F.DUMP, decode, false);
  }

  /** Drops a pending entry (an abandoned dump): its late replies are counted as stray. */
  forget(p: Pending): void {
    if (this.#pending.get(p.seq) === p) this.#pending.delete(p.seq);
    p.wake = undefined;
    this.#interestChanged();
  }

  /** Waits until the pending entry made progress or completed. */
  progress(p: Pending, signal?: AbortSignal): Promise<void> {
    return this.#until(p, signal, true);
  }

  /** A new consumer of multicast messages, registered. */
  subscribe<T>(opts: SubscribeOptions<T>): Consumer<T> {
    this.assertOpen("subscribe");
    const sub = new Consumer<T>(this, opts);
    this.#d.subs.add(sub as Consumer<unknown>);
    return sub;
  }

  /** Removes a consumer. */
  unsubscribe(sub: Consumer<unknown>): void {
    this.#d.subs.delete(sub);
    this.#interestChanged();
  }

  /** Receives what is queued, without waiting. */
  drain(): void {
    this.#pump();
  }

  /** Ensures the reader runs while a consumer waits. */
  wantEvents(): void {
    this.#pump();
    void this.#read();
  }

  async #until(p: Pending, signal?: AbortSignal, progressOnly = false): Promise<void> {
    while (!p.done) {
      if (this.#closed) throw new ClosedError("wait for a reply");
      if (signal?.aborted) {
        this.forget(p);
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

  #interestChanged(): void {
    if (!this.#d.interest()) this.#waitAbort?.abort();
  }

  async #read(): Promise<void> {
    if (this.#reading || this.#closed) return;
    this.#reading = true;
    try {
      while (!this.#closed) {
        this.#pump();
        if (!this.#d.interest()) break;
        const ac = new AbortController();
        this.#waitAbort = ac;
        let result;
        try {
          result = await this.#transport.wait(ac.signal);
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

  /**
   * Receives everything queued (never waits) and dispatches it. A decoder
   * that reaches back into the engine finds the pump busy: the outer pump
   * goes on receiving until EAGAIN.
   */
  #pump(): void {
    if (this.#closed || this.#gone || this.#pumping) return;
    this.#pumping = true;
    try {
      this.#receiveAll();
    } finally {
      this.#pumping = false;
    }
  }

  #receiveAll(): void {
    const t = this.#transport;
    const { bytes: buf, dv } = receiveBuffer();
    const from = this.#from;
    let overrun = false;
    for (;;) {
      const n = t.receive(buf, RBUF_SIZE, from);
      if (n < 0) {
        if (n === -Errno.EAGAIN) break;
        if (n === -Errno.EINTR) continue;
        if (n === -Errno.ENOBUFS) {
          overrun = true;
          this.#d.kernelOverrun();
          continue;
        }
        // The descriptor is unusable (closed behind our back, not a socket…):
        // every request and subscription ends with this typed error.
        this.#broken(new SyscallError("recvfrom", -n, "(netlink socket)"));
        break;
      }
      this.stats.datagrams++;
      // Only the kernel is heard, but on the groups the protocol leaves to
      // userspace senders (udevd's uevents), which arrive as multicast.
      if (from.port !== 0 && !(from.groups & (this.protocol.userGroups ?? 0))) {
        this.stats.spoofed++;
        continue;
      }
      if (n > RBUF_SIZE) {
        this.stats.malformed++;
        this.#d.failAll(
          new DecodeError("datagram", `${n} bytes exceed the ${RBUF_SIZE}-byte receive buffer`),
        );
        continue;
      }
      this.#d.datagram(buf, dv, n, from.groups !== 0, from.port);
      // Nobody waits for a reply and no consumer has room: leave the rest in the
      // kernel's buffer for the next reader instead of dropping it from a queue.
      if (this.#pending.size === 0 && this.#d.subsFull()) break;
    }
    // After an overflow, a do-request still unanswered once the queue is
    // drained lost its reply (where the kernel answers inside sendmsg).
    if (overrun && this.protocol.answersInSend) this.#d.lostReplies();
  }

  /** The socket cannot be used any more: fail every request and subscription, never read again. */
  #broken(err: Error): void {
    this.#gone = true;
    this.#d.broken(err);
  }

  /**
   * Closes: pending requests reject with {@link ClosedError}, subscriptions
   * end, the transport is released (its descriptor closed unless it was found
   * closed or replaced).
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Leave the poller first (as before the split); a descriptor closed behind
    // our back may have been reused: leave it alone.
    this.#transport.close(!this.#gone);
    const err = new ClosedError("complete the request");
    for (const p of [...this.#pending.values()]) this.#d.finish(p, err);
    for (const s of [...this.#d.subs]) s.end();
    this.#d.subs.clear();
  }
}
