/**
 * The connection under the engine: what sends and receives datagrams and
 * waits for more. {@link FdTransport} is a netlink socket descriptor driven
 * through libc (receiving with MSG_DONTWAIT, waiting on the process's
 * poller); `fake.ts` has one without a kernel, for tests and the fuzzer.
 *
 * @module
 */
import { libc } from "../ffi/libc.ts";
import { Poller, type WaitResult } from "../ffi/poller.ts";
import { allocBuffer } from "../ffi/symbols.ts";
import { AF_NETLINK, MSG_DONTWAIT, MSG_TRUNC } from "./constants.ts";

/** The sender of the datagram received last. */
export interface Sender {
  /** Its netlink port id (0: the kernel). */
  port: number;
  /** The multicast groups it was sent to (0: unicast). */
  groups: number;
}

/** What the engine needs from a connection. */
export interface Transport {
  /** The descriptor (-1 when there is none). */
  readonly fd: number;
  /** Sends `len` bytes of `buf`: the count sent, or a negative errno. */
  send(buf: Uint8Array, len: number): number;
  /**
   * Receives one datagram into `buf` (`size` bytes) without waiting: its full
   * length (more than `size` when it was truncated), or a negative errno
   * (EAGAIN when nothing is queued). Fills `from`.
   */
  receive(buf: Uint8Array, size: number, from: Sender): number;
  /** Waits until a datagram may be queued (`"gone"`: the descriptor was closed or replaced). */
  wait(signal: AbortSignal): Promise<WaitResult>;
  /** Stops waiting for good; closes the descriptor too when `release`. */
  close(release: boolean): void;
}

const srcAddr = allocBuffer(12);
const srcView = new DataView(srcAddr.buffer);
const srcLen = allocBuffer(4);
const srcLenView = new DataView(srcLen.buffer);

/** A netlink socket descriptor (already bound) with port `portId`. */
export class FdTransport implements Transport {
  /** The descriptor. */
  readonly fd: number;
  readonly #portId: number;
  #token = -1;

  /** Wraps `fd`, bound to `portId`. */
  constructor(fd: number, portId: number) {
    this.fd = fd;
    this.#portId = portId;
  }

  /** send(2). */
  send(buf: Uint8Array, len: number): number {
    return libc().send(this.fd, buf, len, 0);
  }

  /** recvfrom(2) with MSG_DONTWAIT | MSG_TRUNC. */
  receive(buf: Uint8Array, size: number, from: Sender): number {
    srcLenView.setUint32(0, 12, true);
    const n = libc().recvfrom(this.fd, buf, size, MSG_DONTWAIT | MSG_TRUNC, srcAddr, srcLen);
    if (n >= 0) {
      from.port = srcView.getUint32(4, true);
      from.groups = srcView.getUint32(8, true);
    }
    return n;
  }

  /** Waits on the process's poller (registering the descriptor on first use). */
  wait(signal: AbortSignal): Promise<WaitResult> {
    const poller = Poller.get();
    if (this.#token < 0) this.#token = poller.register(this.fd, () => this.#alive());
    return poller.wait(this.#token, signal);
  }

  /** Whether the descriptor is still this socket (same netlink port). */
  #alive(): boolean {
    srcLenView.setUint32(0, 12, true);
    if (libc().getsockname(this.fd, srcAddr, srcLen) < 0) return false;
    return srcView.getUint16(0, true) === AF_NETLINK && srcView.getUint32(4, true) === this.#portId;
  }

  /** Leaves the poller; closes the descriptor when `release`. */
  close(release: boolean): void {
    if (this.#token >= 0) Poller.get().unregister(this.#token);
    this.#token = -1;
    if (release) libc().close(this.fd);
  }
}
