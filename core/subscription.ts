/**
 * Multicast subscriptions: each consumer has its own bounded queue; losses
 * (the kernel's ENOBUFS, a full queue) arrive in the stream as
 * {@link Overrun} notices.
 *
 * @module
 */
import { ArgumentError } from "./errors.ts";
import type { Overrun } from "./message.ts";
import type { Engine } from "./engine.ts";

/** Default size of a subscription's queue. */
export const DEFAULT_QUEUE = 8192;

/** Options of `NetlinkSocket.subscribe`. */
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
 * What `NetlinkSocket.subscribe` returns.
 *
 * @example Waiting for the kernel's notice of a new link
 * ```ts
 * import { IPRoute, NetlinkSocket, RTM, RTNLGRP } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using sock = NetlinkSocket.open({ netns: "blue", groups: [RTNLGRP.LINK] });
 * const events = sock.subscribe();
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.link("add", { ifname: "sub0", kind: "veth", peer: "sub1" });
 * let seen: number | undefined;
 * for await (const m of events) {
 *   if ("event" in m) continue; // an Overrun notice: messages were lost
 *   seen = m.type;
 *   break; // ends the subscription
 * }
 * assert.equal(seen, RTM.NEWLINK);
 * await ipr.link("del", { ifname: "sub0" });
 * ```
 */
export interface Subscription<T> extends AsyncIterableIterator<T | Overrun> {
  /** Items waiting: queued messages, plus one for a pending overrun notice. */
  readonly size: number;
  /** Whether the subscription has ended (closed, aborted, or its socket closed). */
  readonly ended: boolean;
  /**
   * The next queued message or overrun notice without waiting (the socket is
   * read first, without blocking, when the queue is empty), or `undefined`.
   */
  poll(): T | Overrun | undefined;
  /** The next message or overrun notice. */
  next(): Promise<IteratorResult<T | Overrun>>;
  /** Ends the subscription (what `break` in `for await` calls). */
  return(): Promise<IteratorResult<T | Overrun>>;
  /** Ends the subscription; queued messages are discarded. */
  close(): void;
  /** The subscription itself: it is its own async iterator. */
  [Symbol.asyncIterator](): Subscription<T>;
}

/** The engine's side of a {@link Subscription}: the queue the engine pushes into. */
export class Consumer<T> implements Subscription<T> {
  readonly #engine: Engine;
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
  /** Whether somebody waits in `next()`. */
  waiting = false;

  /**
   * A consumer on `engine` (throws {@link ArgumentError} for a bad `queue`); it
   * receives nothing until registered, which {@link Engine.subscribe} does.
   */
  constructor(engine: Engine, opts: SubscribeOptions<T>) {
    this.#engine = engine;
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

  /** Whether the queue has no room left. */
  get full(): boolean {
    return this.#queued() >= this.#limit;
  }

  /** Takes one multicast message (the engine calls it for each). */
  push(value: unknown): void {
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

  /** The kernel dropped messages (ENOBUFS). */
  kernelOverrun(): void {
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

  /** The socket closed. */
  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** The socket failed: `next()` rejects with `err` once, then the subscription is done. */
  fail(err: Error): void {
    if (this.#ended) return;
    this.#error = err;
    this.end();
  }

  /**
   * The next queued message or overrun notice without waiting (the socket is
   * read first, without blocking, when the queue is empty), or `undefined`.
   */
  poll(): T | Overrun | undefined {
    if (this.#head >= this.#queue.length && !this.#ended) this.#engine.drain();
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
      this.waiting = true;
      this.#engine.wantEvents();
      if (this.#head >= this.#queue.length && !this.#ended) await woke;
      this.waiting = false;
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
      this.#engine.unsubscribe(this as Consumer<unknown>);
      return;
    }
    this.#ended = true;
    this.#queue = [];
    this.#head = 0;
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#notify();
    this.#engine.unsubscribe(this as Consumer<unknown>);
  }

  /** The subscription itself: it is its own async iterator. */
  [Symbol.asyncIterator](): this {
    return this;
  }
}
