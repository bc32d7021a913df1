/**
 * The database's event feed (internal): queued events applied on read
 * (`sync`), a background consumer while callbacks or watchers exist, and a
 * re-read of the kernel after events were lost.
 *
 * @module
 */
import type { Subscription } from "../core/socket.ts";
import type { MonitorEvent } from "../iproute/events.ts";
import type { IPRoute } from "../iproute/iproute.ts";
import { applyEvent, loadAll } from "./apply.ts";
import type { Listeners } from "./callbacks.ts";
import type { DbState } from "./state.ts";

/** Events from the database's subscription, applied to its state. */
export class EventFeed {
  readonly #sub: Subscription<MonitorEvent>;
  readonly #ipr: IPRoute;
  readonly #state: DbState;
  readonly #listeners: () => Listeners;
  #stale = false;
  #resyncing: Promise<void> | undefined;
  #released = false;
  #background: Promise<void> | undefined;
  #applying = false;

  /** Applies events from `sub` to `state`, dumping through `ipr`; `listeners` see every event. */
  constructor(
    sub: Subscription<MonitorEvent>,
    ipr: IPRoute,
    state: DbState,
    listeners: () => Listeners,
  ) {
    this.#sub = sub;
    this.#ipr = ipr;
    this.#state = state;
    this.#listeners = listeners;
  }

  /** Whether events were lost and the state waits for a re-read. */
  get stale(): boolean {
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

  /** Dumps everything and reconciles the records, then applies what arrived meanwhile. */
  async load(): Promise<void> {
    await loadAll(this.#state, this.#ipr);
    this.#stale = false;
    // Apply what arrived during the dump (in order: it is newer or equal).
    this.sync();
  }

  /** Discards queued events (the dump supersedes them) and re-reads the kernel. */
  async resync(): Promise<void> {
    this.sync();
    await this.load();
  }

  #scheduleResync(): void {
    if (this.#resyncing || this.#released) return;
    this.#resyncing = Promise.resolve().then(() => this.resync()).catch((e) => {
      if (!this.#released) {
        console.error("nlroute IPDB: re-reading the kernel after an overrun failed:", e);
      }
    }).finally(() => {
      this.#resyncing = undefined;
    });
  }

  #apply(e: MonitorEvent): void {
    const listeners = this.#listeners();
    listeners.before(e);
    if (e.kind === "overrun") {
      // Events were lost: re-read the kernel (in the background; reads
      // until then see the old state, `stale` says so).
      this.#stale = true;
      this.#scheduleResync();
    } else applyEvent(this.#state, e);
    listeners.after(e);
  }

  /** Runs the background consumer while callbacks or watchers exist. */
  wake(): void {
    if (this.#background || this.#released) return;
    this.#background = (async () => {
      try {
        while (!this.#released && this.#listeners().active) {
          if (this.#stale) {
            await this.resync().catch(() => {});
            continue;
          }
          const r = await this.#sub.next();
          if (r.done) break;
          if (this.#applying) continue;
          this.#applying = true;
          try {
            this.#apply(r.value);
          } finally {
            this.#applying = false;
          }
          this.sync();
        }
      } finally {
        this.#background = undefined;
      }
    })();
  }

  /** Stops applying events and closes the subscription. */
  release(): void {
    this.#released = true;
    this.#sub.close();
  }
}
