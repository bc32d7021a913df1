/**
 * One waiting mechanism per process for every open socket: an epoll set, an
 * eventfd to wake it, and the runtime's waiter (Deno: a nonblocking epoll_wait
 * call; Bun: a worker thread and `Atomics.waitAsync`).
 *
 * Sockets receive without waiting first (MSG_DONTWAIT) and call
 * {@link Poller.wait} only on EAGAIN. Each wait arms the socket's entry once
 * (EPOLLONESHOT). The process is kept alive only while somebody waits, so an
 * open socket nobody reads never prevents exit. The poller starts on the first
 * wait and stops, closing its descriptors, when the last socket leaves.
 *
 * @module
 */
import { check, libc, makeWaiter } from "./libc.ts";
import { allocBuffer, type EpollWaiter } from "./symbols.ts";
import {
  EPOLL_CTL_ADD,
  EPOLL_CTL_DEL,
  EPOLL_CTL_MOD,
  EPOLL_DATA_OFFSET,
  EPOLL_EVENT_SIZE,
  EPOLLET,
  EPOLLIN,
  EPOLLONESHOT,
  WAKE_TOKEN,
} from "./epoll.ts";
import { Errno } from "./errno.ts";

const O_CLOEXEC = 0x80000;
const F_GETFD = 1;
const EFD_NONBLOCK = 0x800;

/** How a wait ended: the descriptor is readable, it is gone (closed or replaced behind our back), or the wait was cancelled. */
export type WaitResult = "ready" | "gone" | "cancelled";

interface Entry {
  fd: number;
  added: boolean;
  /** Whether the descriptor still is what was registered (checked when waits time out). */
  alive: (() => boolean) | undefined;
  resolve: ((result: WaitResult) => void) | undefined;
}

/**
 * The process's poller. Use {@link Poller.get}: `register(fd)` gives a token,
 * `await wait(token)` resolves `"ready"` when the descriptor is readable, and
 * `unregister(token)` comes before closing the descriptor.
 */
export class Poller {
  static #current: Poller | undefined;

  /** The process's poller, created on first use. */
  static get(): Poller {
    return Poller.#current ??= new Poller();
  }

  /** Whether a poller currently exists (for leak checks). */
  static get active(): boolean {
    return Poller.#current !== undefined;
  }

  readonly #epfd: number;
  readonly #efd: number;
  readonly #waiter: EpollWaiter;
  readonly #entries = new Map<number, Entry>();
  readonly #free: number[] = [];
  readonly #event = allocBuffer(EPOLL_EVENT_SIZE);
  readonly #eventView = new DataView(this.#event.buffer);
  readonly #one = allocBuffer(8);
  #next = 0;
  #waiting = 0;
  #looping = false;
  #closed = false;

  private constructor() {
    const c = libc();
    this.#epfd = check("epoll_create1", c.epoll_create1(O_CLOEXEC));
    const efd = c.eventfd(0, O_CLOEXEC | EFD_NONBLOCK);
    if (efd < 0) {
      c.close(this.#epfd);
      check("eventfd", efd);
    }
    this.#efd = efd;
    new DataView(this.#one.buffer).setBigUint64(0, 1n, true);
    try {
      check("epoll_ctl", this.#ctl(EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLET, WAKE_TOKEN));
      this.#waiter = makeWaiter(this.#epfd);
    } catch (e) {
      c.close(this.#epfd);
      c.close(efd);
      throw e;
    }
  }

  #ctl(op: number, fd: number, events: number, token: number): number {
    this.#eventView.setUint32(0, events >>> 0, true);
    this.#eventView.setUint32(EPOLL_DATA_OFFSET, token >>> 0, true);
    if (EPOLL_DATA_OFFSET === 8) this.#eventView.setUint32(12, 0, true);
    return libc().epoll_ctl(this.#epfd, op, fd, this.#event);
  }

  /**
   * Registers a descriptor; returns its token. `alive` tells whether the
   * descriptor still is the one registered (a closed descriptor's number can be
   * reused by anything): when it says no, waits end with `"gone"`.
   */
  register(fd: number, alive?: () => boolean): number {
    const token = this.#free.pop() ?? this.#next++;
    this.#entries.set(token, { fd, added: false, alive, resolve: undefined });
    return token;
  }

  /**
   * Removes a descriptor (call before closing it). A pending wait on it resolves
   * with `"cancelled"`. When no descriptor is left, the poller shuts down.
   */
  unregister(token: number): void {
    const e = this.#entries.get(token);
    if (!e) return;
    this.#entries.delete(token);
    this.#free.push(token);
    if (e.added) this.#ctl(EPOLL_CTL_DEL, e.fd, 0, token);
    if (e.resolve) this.#settle(e, "cancelled");
    if (this.#entries.size === 0) this.#shutdown();
  }

  /**
   * Resolves `"ready"` when the descriptor is readable (or has an error
   * pending), `"gone"` when it was closed or replaced behind our back,
   * `"cancelled"` when it was unregistered or `signal` aborted. One wait per token.
   */
  wait(token: number, signal?: AbortSignal): Promise<WaitResult> {
    const e = this.#entries.get(token);
    if (!e || this.#closed) return Promise.resolve("cancelled");
    if (e.resolve) throw new Error("Cannot wait: this socket already has a pending wait");
    if (signal?.aborted) return Promise.resolve("cancelled");
    const events = EPOLLIN | EPOLLONESHOT;
    let r = this.#ctl(e.added ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, e.fd, events, token);
    if (r === -Errno.ENOENT && e.added) r = this.#ctl(EPOLL_CTL_ADD, e.fd, events, token);
    // A descriptor closed behind the socket's back.
    if (r === -Errno.EBADF) return Promise.resolve("gone");
    check("epoll_ctl", r);
    e.added = true;
    const p = new Promise<WaitResult>((resolve) => {
      e.resolve = resolve;
    });
    if (++this.#waiting === 1) this.#waiter.ref();
    if (signal) {
      const onAbort = () => {
        if (this.#entries.get(token) === e && e.resolve) this.#settle(e, "cancelled");
      };
      signal.addEventListener("abort", onAbort, { once: true });
      void p.then(() => signal.removeEventListener("abort", onAbort));
    }
    if (!this.#looping) void this.#loop();
    return p;
  }

  #settle(e: Entry, result: WaitResult): void {
    const resolve = e.resolve!;
    e.resolve = undefined;
    if (--this.#waiting === 0) {
      this.#waiter.unref();
      // A pending wait must not hold the process: wake it.
      if (this.#looping) libc().write(this.#efd, this.#one, 8);
    }
    resolve(result);
  }

  async #loop(): Promise<void> {
    this.#looping = true;
    try {
      while (this.#waiting > 0 && !this.#closed) {
        const tokens = await this.#waiter.wait();
        for (const t of tokens) {
          const e = this.#entries.get(t);
          if (e?.resolve) this.#settle(e, "ready");
        }
        if (tokens.length === 0) this.#checkDescriptors();
      }
    } finally {
      this.#looping = false;
      if (this.#closed) this.#release();
    }
  }

  /** Ends waits whose descriptor was closed or replaced behind their back (epoll forgets it silently). */
  #checkDescriptors(): void {
    const c = libc();
    for (const e of this.#entries.values()) {
      if (!e.resolve) continue;
      if (c.fcntl(e.fd, F_GETFD, 0) === -Errno.EBADF || (e.alive && !e.alive())) {
        this.#settle(e, "gone");
      }
    }
  }

  #shutdown(): void {
    this.#closed = true;
    if (Poller.#current === this) Poller.#current = undefined;
    if (this.#looping) libc().write(this.#efd, this.#one, 8);
    else this.#release();
  }

  #release(): void {
    this.#waiter.stop();
    // Wake the Bun worker so that it sees the quit flag; then close.
    libc().write(this.#efd, this.#one, 8);
    libc().close(this.#epfd);
    libc().close(this.#efd);
  }
}
