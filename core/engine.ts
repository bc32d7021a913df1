/**
 * The engine under a netlink socket: the table of pending requests, the
 * non-blocking receive pump, dispatch of each datagram, and the wait loop.
 * It talks to a {@link Transport} (a real descriptor, or `fake.ts` for tests
 * and the fuzzer), so the same code runs with and without a kernel.
 *
 * Receiving tries a non-blocking receive first and waits only on EAGAIN
 * (rtnetlink answers are usually queued by the time `send` returns). Every
 * datagram's sender is checked: only the kernel (port 0) is heard; replies
 * must carry a pending sequence number and this socket's port.
 *
 * @module
 */
import { check } from "../ffi/libc.ts";
import { Errno } from "../ffi/errno.ts";
import { MessageCursor, Writer } from "./codec.ts";
import { NLM_F, NLMSG } from "./constants.ts";
import {
  ClosedError,
  DecodeError,
  DumpInterruptedError,
  NetlinkError,
  SyscallError,
} from "./errors.ts";
import { readAck } from "./extack.ts";
import {
  type BatchResult,
  type Decoder,
  encodeRequest,
  type MessageRef,
  type NetlinkMessage,
  rawDecoder,
  type Request,
  type Response,
} from "./message.ts";
import type { NetlinkProtocol } from "./protocol.ts";
import { newPending, ownCopy, type Pending, RBUF_SIZE, receiveBuffer } from "./receive.ts";
import { Consumer, type SubscribeOptions } from "./subscription.ts";
import type { Sender, Transport } from "./transport.ts";

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

/** Options of a do-request. */
export interface RequestOptions<T> {
  /** Decoder of the replies; default {@link rawDecoder}. */
  decode?: Decoder<T>;
  /** Stops waiting. */
  signal?: AbortSignal;
  /** Ask for an ACK (default true); without, the first reply completes the request. */
  ack?: boolean;
}

/** Messages per send in a batch (their ACKs must fit the receive buffer). */
const BATCH_CHUNK = 256;

/** The engine of one socket. */
export class Engine {
  /** The protocol's declaration. */
  readonly protocol: NetlinkProtocol;
  /** The port id the kernel assigned. */
  readonly portId: number;
  /** Counters of received and refused datagrams. */
  readonly stats: SocketStats = {
    datagrams: 0,
    spoofed: 0,
    stray: 0,
    malformed: 0,
    overruns: 0,
    unclaimed: 0,
  };

  readonly #transport: Transport;
  #seq: number;
  #closed = false;
  /** The descriptor was found closed or replaced: never touch it again. */
  #gone = false;
  #reading = false;
  #pumping = false;
  #waitAbort: AbortController | undefined;
  readonly #pending = new Map<number, Pending>();
  readonly #subs = new Set<Consumer<unknown>>();
  readonly #writer = new Writer(4096);
  readonly #frames = new MessageCursor();
  readonly #from: Sender = { port: 0, groups: 0 };
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

  /** An engine on `transport` (bound to `portId`) speaking `protocol`. */
  constructor(
    transport: Transport,
    protocol: NetlinkProtocol,
    portId: number,
    decodeEvent: Decoder<unknown>,
  ) {
    this.#transport = transport;
    this.protocol = protocol;
    this.portId = portId;
    this.#decodeEvent = decodeEvent;
    this.#seq = (Math.random() * 0x3fffffff) >>> 0 || 1;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Sets the decoder of multicast messages. */
  setEventDecoder(decode: Decoder<unknown>): void {
    this.#decodeEvent = decode;
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

  /** Sends one request (with NLM_F_ACK unless `ack: false`) and waits for its answer. */
  async request<T = NetlinkMessage>(
    req: Request,
    opts: RequestOptions<T> = {},
  ): Promise<Response<T>> {
    this.#assertSends("send a request");
    const seq = this.nextSeq();
    const w = this.#writer;
    w.reset();
    const ack = opts.ack !== false;
    encodeRequest(w, req, ack ? NLM_F.ACK : 0, seq);
    const p = this.#newPending(
      seq,
      this.#name(req, false),
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

  /** Sends many requests in as few sends as possible and collects every ACK. */
  async batch<T = NetlinkMessage>(
    reqs: readonly Request[],
    opts: { decode?: Decoder<T>; signal?: AbortSignal } = {},
  ): Promise<BatchResult<T>[]> {
    this.#assertSends("send a batch");
    const decode = opts.decode ?? rawDecoder;
    const all: Pending[] = [];
    const w = new Writer(Math.min(1 << 16, 64 * reqs.length + 64));
    for (let i = 0; i < reqs.length; i += BATCH_CHUNK) {
      w.reset();
      const chunk: Pending[] = [];
      for (const req of reqs.slice(i, i + BATCH_CHUNK)) {
        const seq = this.nextSeq();
        encodeRequest(w, req, NLM_F.ACK, seq);
        chunk.push(this.#newPending(seq, this.#name(req, false), false, decode));
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

  /** Sends a dump request (NLM_F_DUMP) and returns its pending entry. */
  startDump(req: Request, decode: Decoder<unknown>): Pending {
    this.#assertSends("start a dump");
    const seq = this.nextSeq();
    const w = this.#writer;
    w.reset();
    encodeRequest(w, req, NLM_F.DUMP, seq);
    const p = this.#newPending(seq, this.#name(req, true), true, decode);
    try {
      this.#send(w.buf, w.pos);
    } catch (e) {
      this.#pending.delete(seq);
      throw e;
    }
    this.#pump();
    return p;
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
    this.#subs.add(sub as Consumer<unknown>);
    return sub;
  }

  /** Removes a consumer. */
  unsubscribe(sub: Consumer<unknown>): void {
    this.#subs.delete(sub);
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

  /** Whether anybody needs data from the socket. */
  #interest(): boolean {
    for (const p of this.#pending.values()) if (!p.done && p.wake) return true;
    for (const s of this.#subs) if (s.waiting) return true;
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
    const raw = this.protocol.framing === "raw";
    let overrun = false;
    for (;;) {
      const n = t.receive(buf, RBUF_SIZE, from);
      if (n < 0) {
        if (n === -Errno.EAGAIN) break;
        if (n === -Errno.EINTR) continue;
        if (n === -Errno.ENOBUFS) {
          overrun = true;
          this.stats.overruns++;
          for (const s of this.#subs) s.kernelOverrun();
          continue;
        }
        // The descriptor is unusable (closed behind our back, not a socket…):
        // every request and subscription ends with this typed error.
        this.#broken(new SyscallError("recvfrom", -n, "(netlink socket)"));
        break;
      }
      this.stats.datagrams++;
      if (from.port !== 0) {
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
      if (raw) this.#dispatchRaw(buf, n, from.groups !== 0);
      else this.#dispatch(buf, dv, n, from.groups !== 0);
      // Nobody waits for a reply and no consumer has room: leave the rest in the
      // kernel's buffer for the next reader instead of dropping it from a queue.
      if (this.#pending.size === 0 && this.#subsFull()) break;
    }
    // After an overflow, a do-request still unanswered once the queue is
    // drained lost its reply (where the kernel answers inside sendmsg).
    if (overrun && this.protocol.answersInSend) {
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
    for (const s of this.#subs) if (!s.full) return false;
    return true;
  }

  /** The socket cannot be used any more: fail every request and subscription. */
  #broken(err: Error): void {
    this.#gone = true;
    this.#failAll(err);
    for (const s of this.#subs) s.fail(err);
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
   * message is handed to a decoder, so decoded objects may keep references, and
   * the walk goes on in the copy.
   */
  #dispatch(shared: Uint8Array, sdv: DataView, end: number, multicast: boolean): void {
    const f = this.#frames.reset(shared, 0, end, sdv);
    const ref = this.#ref;
    let owned = false;
    let touched: Pending[] | undefined;
    while (f.next()) {
      const type = f.type;
      if (!owned && (multicast || type >= NLMSG.MIN_TYPE)) {
        const copy = ownCopy(shared, end);
        f.moveTo(copy.bytes, copy.dv, copy.offset);
        owned = true;
      }
      const seq = f.seq;
      const pid = f.pid;
      ref.bytes = f.bytes;
      ref.dv = f.dv;
      ref.offset = f.offset;
      ref.length = f.length;
      ref.type = type;
      ref.flags = f.flags;
      ref.seq = seq;
      ref.pid = pid;
      if (multicast) {
        this.#event(ref);
        // An NLM_F_ECHO copy of our own change comes with the group set (the kernel
        // multicast it first, leaving us out): it answers our request too.
        const echo = pid === this.portId ? this.#pending.get(seq) : undefined;
        if (!echo || type < NLMSG.MIN_TYPE) continue;
      }
      const p = this.#pending.get(seq);
      if (!p || pid !== this.portId) {
        this.stats.stray++;
        continue;
      }
      if (type === NLMSG.NOOP) continue;
      if (type === NLMSG.ERROR || type === NLMSG.DONE) {
        this.#complete(p, ref);
        continue;
      }
      if (type === NLMSG.OVERRUN) {
        this.#finish(p, new NetlinkError(Errno.ENOBUFS, { message: "NLMSG_OVERRUN" }, p.name));
        continue;
      }
      if (ref.flags & NLM_F.DUMP_INTR) p.intr = true;
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
    if (f.fault !== undefined) this.stats.malformed++;
    if (!touched) return;
    for (const p of touched) {
      const wake = p.wake;
      p.wake = undefined;
      wake?.();
    }
  }

  /** Dispatches a datagram of a raw-framed protocol: the whole datagram is one event. */
  #dispatchRaw(shared: Uint8Array, end: number, multicast: boolean): void {
    if (!multicast) {
      this.stats.stray++;
      return;
    }
    const copy = ownCopy(shared, end);
    const ref = this.#ref;
    ref.bytes = copy.bytes;
    ref.dv = copy.dv;
    ref.offset = copy.offset;
    ref.length = end;
    ref.type =
      ref.flags =
      ref.seq =
      ref.pid =
        0;
    this.#event(ref);
  }

  /** Handles NLMSG_ERROR (ACK or error) and NLMSG_DONE. */
  #complete(p: Pending, ref: MessageRef): void {
    const { code, ack, malformed } = readAck(
      ref.bytes,
      ref.dv,
      ref.offset,
      ref.length,
      ref.type,
      ref.flags,
    );
    if (malformed) this.stats.malformed++;
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
    for (const s of this.#subs) s.push(value);
  }

  /**
   * Closes: pending requests reject with {@link ClosedError}, subscriptions
   * end, the transport is released (its descriptor closed unless it was found
   * closed or replaced).
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const err = new ClosedError("complete the request");
    for (const p of [...this.#pending.values()]) this.#finish(p, err);
    for (const s of [...this.#subs]) s.end();
    this.#subs.clear();
    // A descriptor closed behind our back may have been reused: leave it alone.
    this.#transport.close(!this.#gone);
  }
}
