/**
 * A connection without a kernel (mdlayher/netlink's fake conn in spirit):
 * tests and the fuzzer hand it datagrams, and the engine receives them
 * through the same receive, dispatch and decode path as a real socket's.
 *
 * @module
 */
import { Errno } from "../ffi/errno.ts";
import type { WaitResult } from "../ffi/poller.ts";
import type { Sender, Transport } from "./transport.ts";

type Queued = { bytes: Uint8Array; port: number; groups: number } | { errno: number };

/**
 * A {@link Transport} fed by hand: {@link FakeTransport.deliver} queues a
 * datagram, {@link FakeTransport.fail} an error; what the engine sends is kept
 * in {@link FakeTransport.sent}.
 */
export class FakeTransport implements Transport {
  /** No descriptor. */
  readonly fd = -1;
  /** Copies of every send, in order. */
  readonly sent: Uint8Array[] = [];
  /** Called after each send (e.g. to answer it). */
  onSend: ((bytes: Uint8Array) => void) | undefined;
  readonly #queue: Queued[] = [];
  #head = 0;
  #wake: ((r: WaitResult) => void) | undefined;
  #closed = false;

  /** Queues a datagram from `port` (default 0, the kernel) to `groups` (default 0, unicast). */
  deliver(bytes: Uint8Array, from: Partial<Sender> = {}): void {
    this.#push({ bytes, port: from.port ?? 0, groups: from.groups ?? 0 });
  }

  /** Queues an error the next receive returns (e.g. ENOBUFS, EBADF). */
  fail(errno: number): void {
    this.#push({ errno });
  }

  /** Datagrams and errors not received yet. */
  get queued(): number {
    return this.#queue.length - this.#head;
  }

  #push(q: Queued): void {
    this.#queue.push(q);
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.("ready");
  }

  /** Keeps a copy; returns `len`. */
  send(buf: Uint8Array, len: number): number {
    const bytes = buf.slice(0, len);
    this.sent.push(bytes);
    this.onSend?.(bytes);
    return len;
  }

  /** The next queued datagram (truncated to `size`, its full length returned) or error; EAGAIN when none. */
  receive(buf: Uint8Array, size: number, from: Sender): number {
    if (this.#head >= this.#queue.length) {
      this.#queue.length = this.#head = 0;
      return -Errno.EAGAIN;
    }
    const q = this.#queue[this.#head++]!;
    if ("errno" in q) return -q.errno;
    buf.set(q.bytes.length > size ? q.bytes.subarray(0, size) : q.bytes);
    from.port = q.port;
    from.groups = q.groups;
    return q.bytes.length;
  }

  /** Resolves `"ready"` once something is queued, `"cancelled"` on abort or close. */
  wait(signal: AbortSignal): Promise<WaitResult> {
    if (this.#closed || signal.aborted) return Promise.resolve("cancelled");
    if (this.queued > 0) return Promise.resolve("ready");
    return new Promise((resolve) => {
      this.#wake = resolve;
      signal.addEventListener("abort", () => {
        if (this.#wake === resolve) this.#wake = undefined;
        resolve("cancelled");
      }, { once: true });
    });
  }

  /** Ends a pending wait. */
  close(): void {
    this.#closed = true;
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.("cancelled");
  }
}
