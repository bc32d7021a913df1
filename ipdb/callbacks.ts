/**
 * What runs around the database's events and commits: callbacks (before and
 * after an event is applied), watchdogs (wait for an event), and commit
 * hooks (veto a commit).
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import type { MonitorEvent } from "../iproute/events.ts";
import { fieldMatch } from "../iproute/match.ts";
import type { Spec } from "../iproute/spec.ts";
import type { IPDB } from "./ipdb.ts";
import type { Record_ } from "./record.ts";

/** A callback: `(ipdb, event)`. Pre callbacks run before the database applies the event, post after. */
export type Callback = (ipdb: IPDB, event: MonitorEvent) => void;
/** A commit hook: throw (or return false) to veto a commit, which is then rolled back. */
export type CommitHook = (
  ipdb: IPDB,
  records: readonly Record_[],
) => void | boolean | Promise<void | boolean>;

/** A watchdog: `wait()` for its event, or `cancel()` it. */
export interface Watchdog {
  /** Resolves with the first matching event since the watchdog was made; rejects after `timeout` ms (default 5000). */
  wait(opts?: { timeout?: number }): Promise<MonitorEvent>;
  /** Stops watching. */
  cancel(): void;
}

/** What the listeners need from the event feed. */
export interface FeedControl {
  /** Applies queued events now. */
  sync(): void;
  /** Starts the background consumer if it is not running. */
  wake(): void;
  /** No callback or watcher is left: the background consumer stops waiting. */
  quiet(): void;
}

function reportCallbackError(err: unknown): void {
  console.error("nlroute IPDB: a callback threw:", err);
}

/** The database's callbacks, watchers and commit hooks (internal). */
export class Listeners {
  readonly #db: IPDB;
  readonly #feed: FeedControl;
  readonly #pre = new Map<string, Callback>();
  readonly #post = new Map<string, Callback>();
  readonly #hooks = new Map<string, CommitHook>();
  readonly #watchers = new Set<(e: MonitorEvent) => void>();
  #ids = 0;

  /** Listeners of `db`, whose events come from `feed`. */
  constructor(db: IPDB, feed: FeedControl) {
    this.#db = db;
    this.#feed = feed;
  }

  /** Whether a callback or watcher needs the background consumer. */
  get active(): boolean {
    return this.#pre.size > 0 || this.#post.size > 0 || this.#watchers.size > 0;
  }

  /** Registers a callback; returns its id. */
  register(callback: Callback, mode: "pre" | "post"): string {
    if (typeof callback !== "function") throw new ArgumentError("callback", "a function", callback);
    if (mode !== "pre" && mode !== "post") throw new ArgumentError("mode", '"pre" or "post"', mode);
    const id = `cb-${++this.#ids}`;
    (mode === "pre" ? this.#pre : this.#post).set(id, callback);
    this.#feed.wake();
    return id;
  }

  /** Removes a callback. */
  unregister(id: string): void {
    if (!this.#pre.delete(id) && !this.#post.delete(id)) {
      throw new ArgumentError("id", "a registered callback id", id, "Cannot unregister callback");
    }
    this.#settle();
  }

  /** Lets the background consumer stop once nothing needs it. */
  #settle(): void {
    if (!this.active) this.#feed.quiet();
  }

  /** Registers a commit hook; returns its id. */
  registerHook(hook: CommitHook): string {
    if (typeof hook !== "function") throw new ArgumentError("hook", "a function", hook);
    const id = `hook-${++this.#ids}`;
    this.#hooks.set(id, hook);
    return id;
  }

  /** Removes a commit hook. */
  unregisterHook(id: string): void {
    if (!this.#hooks.delete(id)) {
      throw new ArgumentError("id", "a registered hook id", id, "Cannot unregister hook");
    }
  }

  /** Runs the commit hooks; throws when one vetoes. */
  async runHooks(records: readonly Record_[]): Promise<void> {
    for (const hook of this.#hooks.values()) {
      const ok = await hook(this.#db, records);
      if (ok === false) throw new Error("vetoed by a commit hook");
    }
  }

  /** Runs the pre callbacks of an event. */
  before(e: MonitorEvent): void {
    this.#run(this.#pre, e);
  }

  /** Runs the post callbacks and the watchers of an event. */
  after(e: MonitorEvent): void {
    this.#run(this.#post, e);
    for (const w of [...this.#watchers]) w(e);
  }

  #run(callbacks: Map<string, Callback>, e: MonitorEvent): void {
    for (const cb of callbacks.values()) {
      try {
        cb(this.#db, e);
      } catch (err) {
        reportCallbackError(err);
      }
    }
  }

  /** A watchdog for the first event named `event` whose object matches `match`, from now on. */
  watchdog(event: string, match: Spec): Watchdog {
    const m = fieldMatch<unknown>(match, {});
    let hit: MonitorEvent | undefined;
    let resolve: ((e: MonitorEvent) => void) | undefined;
    const watcher = (e: MonitorEvent) => {
      if (hit || e.kind === "overrun" || e.event !== event || (m && !m(e.object))) return;
      hit = e;
      resolve?.(e);
    };
    this.#watchers.add(watcher);
    const cancel = () => {
      if (this.#watchers.delete(watcher)) this.#settle();
    };
    return {
      cancel,
      wait: ({ timeout = 5000 } = {}) => {
        if (hit) {
          cancel();
          return Promise.resolve(hit);
        }
        return new Promise<MonitorEvent>((res, rej) => {
          const timer = setTimeout(() => {
            cancel();
            rej(new Error(`Cannot wait for ${event}: no match within ${timeout} ms`));
          }, timeout);
          resolve = (e) => {
            clearTimeout(timer);
            cancel();
            res(e);
          };
          this.#feed.sync();
          if (hit) resolve(hit);
          else this.#feed.wake();
        });
      },
    };
  }
}
