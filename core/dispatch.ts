/**
 * What each datagram means: dispatch by sender, group, sequence number and
 * message type into the table of pending requests and the subscriptions.
 * The engine receives; the dispatcher decides. Control messages are read in
 * place; the datagram is copied (once) before a decoder sees it.
 *
 * @module
 */
import { Errno } from "../ffi/errno.ts";
import { MessageCursor } from "./codec.ts";
import { NLM_F, NLMSG } from "./constants.ts";
import { DecodeError, DumpInterruptedError, NetlinkError } from "./errors.ts";
import { readAck } from "./extack.ts";
import type { Decoder, MessageRef } from "./message.ts";
import { ownCopy, type Pending } from "./receive.ts";
import type { Consumer } from "./subscription.ts";

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

/** The table of pending requests, the subscriptions, and the dispatch of datagrams into them. */
export class Dispatcher {
  /** Requests waiting for replies, by sequence number. */
  readonly pending: Map<number, Pending> = new Map();
  /** Consumers of multicast messages. */
  readonly subs: Set<Consumer<unknown>> = new Set();
  /** Counters of received and refused datagrams. */
  readonly stats: SocketStats = {
    datagrams: 0,
    spoofed: 0,
    stray: 0,
    malformed: 0,
    overruns: 0,
    unclaimed: 0,
  };
  /** The decoder of multicast messages. */
  decodeEvent: Decoder<unknown>;
  readonly #portId: number;
  readonly #framing: "netlink" | "raw";
  readonly #frames = new MessageCursor();
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

  /** A dispatcher for the socket bound to `portId`, with the protocol's `framing`. */
  constructor(portId: number, framing: "netlink" | "raw", decodeEvent: Decoder<unknown>) {
    this.#portId = portId;
    this.#framing = framing;
    this.decodeEvent = decodeEvent;
  }

  /**
   * Dispatches one datagram from the kernel (or, on a protocol's user groups,
   * from `port`), read into the shared buffer (`dv` views it).
   */
  datagram(shared: Uint8Array, dv: DataView, end: number, multicast: boolean, port = 0): void {
    if (this.#framing === "raw") this.#raw(shared, end, multicast, port);
    else this.#netlink(shared, dv, end, multicast);
  }

  /** The kernel dropped messages (ENOBUFS): every subscription hears of it. */
  kernelOverrun(): void {
    this.stats.overruns++;
    for (const s of this.subs) s.kernelOverrun();
  }

  /** Fails every do-request still unanswered: its reply was lost in an overflow. */
  lostReplies(): void {
    for (const p of this.pending.values()) {
      if (!p.done && !p.dump) {
        this.finish(
          p,
          new NetlinkError(Errno.ENOBUFS, {
            message: "the reply was lost: the receive buffer overflowed",
          }, p.name),
        );
      }
    }
  }

  /** Whether anybody waits for data: a pending request, or a consumer in `next()`. */
  interest(): boolean {
    for (const p of this.pending.values()) if (!p.done && p.wake) return true;
    for (const s of this.subs) if (s.waiting) return true;
    return false;
  }

  /** Whether every subscription's queue is full (true when there is none). */
  subsFull(): boolean {
    for (const s of this.subs) if (!s.full) return false;
    return true;
  }

  /** The socket cannot be used any more: fail every request and subscription. */
  broken(err: Error): void {
    this.failAll(err);
    for (const s of this.subs) s.fail(err);
  }

  /** Fails every request still waiting. */
  failAll(err: Error): void {
    for (const p of this.pending.values()) if (!p.done) this.finish(p, err);
  }

  /** Completes a request (with `err` unless it already failed) and wakes its waiter. */
  finish(p: Pending, err?: Error): void {
    p.done = true;
    if (err && !p.error) p.error = err;
    this.pending.delete(p.seq);
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
  #netlink(shared: Uint8Array, sdv: DataView, end: number, multicast: boolean): void {
    // The cursor is the message decoders see (a MessageRef: bytes, dv, offset,
    // length, type, flags, seq, pid), so nothing is copied per message; nothing
    // else moves it while decoders run (the engine's pump does not re-enter).
    const f = this.#frames.reset(shared, 0, end, sdv);
    const ref: MessageRef = f;
    let owned = false;
    let touched: Pending[] | undefined;
    let lastSeq = -1;
    let lastP: Pending | undefined;
    while (f.next()) {
      const type = f.type;
      if (!owned && (multicast || type >= NLMSG.MIN_TYPE)) {
        const copy = ownCopy(shared, end);
        f.moveTo(copy.bytes, copy.dv, copy.offset);
        owned = true;
      }
      const seq = f.seq;
      const pid = f.pid;
      if (multicast) {
        this.#event(ref);
        // An NLM_F_ECHO copy of our own change comes with the group set (the kernel
        // multicast it first, leaving us out): it answers our request too.
        const echo = pid === this.#portId ? this.pending.get(seq) : undefined;
        if (!echo || type < NLMSG.MIN_TYPE) continue;
      }
      // A dump's messages come in runs of one sequence number: one lookup per run.
      let p: Pending | undefined;
      if (seq === lastSeq && lastP !== undefined && !lastP.done) p = lastP;
      else {
        p = this.pending.get(seq);
        lastSeq = seq;
        lastP = p;
      }
      if (!p || pid !== this.#portId) {
        this.stats.stray++;
        continue;
      }
      if (type === NLMSG.NOOP) continue;
      if (type === NLMSG.ERROR || type === NLMSG.DONE) {
        this.#complete(p, ref);
        continue;
      }
      if (type === NLMSG.OVERRUN) {
        this.finish(p, new NetlinkError(Errno.ENOBUFS, { message: "NLMSG_OVERRUN" }, p.name));
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
        this.finish(p);
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

  /**
   * Dispatches a datagram of a raw-framed protocol: the whole datagram is one
   * event, its sender's port in `pid`.
   */
  #raw(shared: Uint8Array, end: number, multicast: boolean, port: number): void {
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
        0;
    ref.pid = port;
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
      this.finish(p, new NetlinkError(-code, ack, p.name));
      return;
    }
    if (p.dump && ref.type === NLMSG.ERROR && code === 0) {
      // A dump never ends with an ACK; ignore a stray one.
      return;
    }
    if (p.dump && p.intr && !p.error) {
      this.finish(p, new DumpInterruptedError(p.name, p.items));
      return;
    }
    this.finish(p);
  }

  #event(ref: MessageRef): void {
    if (this.subs.size === 0) {
      this.stats.unclaimed++;
      return;
    }
    let value: unknown;
    try {
      value = this.decodeEvent(ref);
    } catch {
      this.stats.malformed++;
      return;
    }
    for (const s of this.subs) s.push(value);
  }
}
