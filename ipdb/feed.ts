/**
 * The database's event feed (internal): queued events applied on read
 * (`sync`), a background consumer while callbacks or watchers exist, and a
 * re-read of the kernel after events were lost.
 *
 * A re-read is complete only when no event was lost after it began: the
 * kernel reports ENOBUFS once and then drops silently until its queue for the
 * socket is drained, so a re-read first reads the socket empty (every later
 * loss is reported again), then dumps, then applies what arrived meanwhile;
 * when an overrun notice turned up since it began (or a dump was interrupted
 * by changes), it starts over. One re-read runs at a time; callers share it.
 *
 * @module
 */
import { DumpInterruptedError, NetlinkError } from "../core/errors.ts";
import type { Subscription } from "../core/socket.ts";
import type { MonitorEvent } from "../iproute/events.ts";
import type { IPRoute } from "../iproute/iproute.ts";
import { applyEvent, loadAll } from "./apply.ts";
import type { Listeners } from "./callbacks.ts";
import type { DbState } from "./state.ts";

/** Consecutive failures (other than interrupted dumps and lost replies) before a re-read gives up. */
const MAX_FAILURES = 3;

/** Whether a dump failed only because the kernel's tables changed or its buffer overflowed meanwhile. */
function retryable(e: unknown): boolean {
  return e instanceof DumpInterruptedError || (e instanceof NetlinkError && e.code === "ENOBUFS");
}

/** Events from the database's subscription, applied to its state. */
export class EventFeed {
  readonly #sub: Subscription<MonitorEvent>;
  readonly #bell: () => Subscription<MonitorEvent>;
  /** What the background consumer waits on (closed when nobody listens: the wait ends). */
  #ringing: Subscription<MonitorEvent> | undefined;
  readonly #ipr: IPRoute;
  readonly #state: DbState;
  readonly #listeners: () => Listeners;
  #stale = false;
  /** Overrun notices applied so far. */
  #overruns = 0;
  #resyncing: Promise<void> | undefined;
  #released = false;
  #background: Promise<void> | undefined;
  #applying = false;

  /**
   * Applies events from `sub` to `state`, dumping through `ipr`; `listeners`
   * see every event. `bell` opens another consumer of the same socket for the
   * background consumer to wait on (its events are only a signal: they are
   * applied from `sub`).
   */
  constructor(
    sub: Subscription<MonitorEvent>,
    bell: () => Subscription<MonitorEvent>,
    ipr: IPRoute,
    state: DbState,
    listeners: () => Listeners,
  ) {
    this.#sub = sub;
    this.#bell = bell;
    this.#ipr = ipr;
    this.#state = state;
    this.#listeners = listeners;
  }

  /** Whether events were lost and the state waits for a re-read (one is started if none runs). */
  get stale(): boolean {
    if (this.#stale) this.#scheduleResync();
    return this.#stale;
  }

  /** Whether the feed was released. */
  get released(): boolean {
    return this.#released;
  }

  /** Applies queued events now (never waits). */
  sync(): void {
    if (this.#applying || this.#released) return;
    this.#applying = true;
    try {
      for (let e = this.#sub.poll(); e !== undefined; e = this.#sub.poll()) this.#apply(e);
    } finally {
      this.#applying = false;
    }
  }

  /**
   * Dumps everything and reconciles the records, then applies what arrived
   * meanwhile; again until no event was lost since the dump began.
   */
  load(): Promise<void> {
    return this.resync();
  }

  /** Re-reads the kernel (see the module's notes); a re-read already running is shared. */
  resync(): Promise<void> {
    this.#resyncing ??= this.#reload().then(() => {
      this.#resyncing = undefined;
      // An overrun noticed after the re-read's last check.
      if (this.#stale) this.#scheduleResync();
    }, (e) => {
      this.#resyncing = undefined;
      throw e;
    });
    return this.#resyncing;
  }

  async #reload(): Promise<void> {
    // Asked from inside a callback: let the events being applied finish first.
    if (this.#applying) await Promise.resolve();
    for (let failures = 0;;) {
      // Apply what is queued (older than the dump) and read the socket empty.
      this.sync();
      const seen = this.#overruns;
      try {
        await loadAll(this.#state, this.#ipr);
      } catch (e) {
        if (this.#released || (!retryable(e) && ++failures >= MAX_FAILURES)) throw e;
        continue;
      }
      // What arrived during the dump is newer or equal: apply it.
      this.sync();
      if (this.#overruns === seen) {
        this.#stale = false;
        return;
      }
    }
  }

  #scheduleResync(): void {
    if (this.#resyncing || this.#released) return;
    this.resync().catch((e) => {
      if (!this.#released) {
        console.error("nlroute IPDB: re-reading the kernel after an overrun failed:", e);
      }
    });
  }

  #apply(e: MonitorEvent): void {
    const listeners = this.#listeners();
    listeners.before(e);
    if (e.kind === "overrun") {
      // Events were lost: re-read the kernel (in the background; reads
      // until then see the old state, `stale` says so).
      this.#stale = true;
      this.#overruns++;
      this.#scheduleResync();
    } else applyEvent(this.#state, e);
    listeners.after(e);
  }

  /**
   * Runs the background consumer while callbacks or watchers exist: it waits
   * on its own consumer of the socket and applies the queued events when
   * woken (a failed re-read is tried again after the next event).
   */
  wake(): void {
    if (this.#background || this.#released) return;
    const bell = this.#ringing = this.#bell();
    this.#background = (async () => {
      try {
        while (!this.#released && this.#listeners().active) {
          this.sync();
          if (this.#stale && await this.resync().then(() => true, () => false)) continue;
          const r = await bell.next();
          if (r.done) break;
          while (bell.poll() !== undefined); // a signal only
        }
      } finally {
        bell.close();
        this.#ringing = undefined;
        this.#background = undefined;
        // A callback registered while the consumer was stopping.
        if (!this.#released && this.#listeners().active) this.wake();
      }
    })();
  }

  /** Nobody listens any more: the background consumer stops waiting (nothing keeps the process alive). */
  quiet(): void {
    this.#ringing?.close();
  }

  /** Stops applying events and closes the subscription. */
  release(): void {
    this.#released = true;
    this.#ringing?.close();
    this.#sub.close();
  }
}
