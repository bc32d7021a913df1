/**
 * IPDB: a transactional database of network objects (interfaces with their
 * addresses, ports and neighbours; routes in every table; rules), loaded by
 * dump and kept current from rtnetlink events — the model of pyroute2's IPDB
 * without its threads, timeouts and lost sync.
 *
 * - No threads: events are applied when the database is read (a non-blocking
 *   drain of the socket) and, while callbacks or watchers are registered, by a
 *   background consumer on the event loop.
 * - Commits are confirmed by the kernel's answers; the kernel's notifications
 *   for a change are already queued when its ACK arrives, so the database
 *   reflects a commit as soon as `commit()` resolves.
 * - A failed step or a vetoing commit hook undoes every applied step, across
 *   every object of a global commit, and the database is re-read.
 * - After ENOBUFS the database re-dumps and reconciles; records keep identity.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import type { NetnsRef } from "../core/nsenter.ts";
import type { IPRoute } from "../iproute/iproute.ts";
import { Monitor } from "../iproute/monitor.ts";
import type { MonitorEvent } from "../iproute/events.ts";
import type { LinkKind, LinkKindSpec } from "../iproute/link/kinds.ts";
import type { LinkBaseSpec, LinkSpec } from "../iproute/link/request.ts";
import { splitTunTapSpec, type TunTapSpec } from "../iproute/tuntap/request.ts";
import type { Spec } from "../iproute/spec.ts";
import { ifname as checkIfname } from "../iproute/spec.ts";
import { type Callback, type CommitHook, Listeners } from "./callbacks.ts";
import { type CommitDeps, commitRecords, dirtyRecords } from "./commit.ts";
import { EventFeed } from "./feed.ts";
import { type Interface, interfaceInternals } from "./interface.ts";
import { routeInternals, type RouteRecord } from "./routes.ts";
import { ruleInternals, type RuleRecord } from "./rules.ts";
import { DbState } from "./state.ts";
import { createViews, type Interfaces, type Routes, type Rules } from "./views.ts";

/** Options of {@link IPDB.open}. */
export interface IPDBOptions {
  /** Open inside this network namespace. */
  netns?: NetnsRef;
  /** `"thread"` (default) or `"process"`, as for IPRoute. */
  netnsMode?: "thread" | "process";
  /** `"implicit"` (default: the first change begins a transaction) or `"explicit"`. */
  mode?: "implicit" | "explicit";
  /** Receive buffer for events (default 32 MiB). */
  rcvbuf?: number;
  /** Routing tables not to track (e.g. `[255]` to skip the local table). */
  ignoreTables?: readonly number[];
}

/**
 * The link fields of a new interface of kind `K` ({@link IPDB.create}): IPRoute's
 * link spec without `ifname`, `index` and `kind` (the name and kind are
 * arguments), with `data` typed by the kind (vxlan `{ id, port, … }`, bridge
 * `{ stpState, … }`, raw bytes for a kind without a table; veth takes `peer`).
 *
 * @example A VXLAN interface, its data typed by the kind
 * ```ts
 * import { type CreateSpec, IPDB } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * const spec: CreateSpec<"vxlan"> = { mtu: 1450, data: { id: 42, port: 4789 } };
 * await using ipdb = await IPDB.open({ netns: "blue" });
 * await ipdb.create("vxlan", "vx42", spec).commit();
 * assert.equal(ipdb.interfaces.vx42!.kind, "vxlan");
 * assert.equal(ipdb.interfaces.vx42!.data?.id, 42);
 * await ipdb.interfaces.vx42!.remove().commit();
 * ```
 */
export type CreateSpec<K extends LinkKind | "tuntap"> = K extends "tuntap"
  // tun/tap: created through /dev/net/tun (mode, owner, queue flags; see TunTapSpec).
  ? Omit<TunTapSpec, "kind" | "ifname">
  :
    & Omit<LinkBaseSpec, "ifname" | "index">
    // Each kind of `K`: the members of the kind part of a link spec that take it, without `kind`.
    & (K extends LinkKind
      ? LinkKindSpec extends infer S
        ? S extends { kind?: infer X } ? K extends X ? Omit<S, "kind"> : never : never
      : never
      : never);

function checkMode(mode: unknown): void {
  if (mode !== undefined && mode !== "implicit" && mode !== "explicit") {
    throw new ArgumentError("mode", '"implicit" or "explicit"', mode);
  }
}

/**
 * The transactional database.
 *
 * @example
 * ```ts
 * import { IPDB } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipdb = await IPDB.open({ netns: "blue" });
 * await ipdb.create("veth", "v0", { peer: "v1" }).commit();
 * await ipdb.create("bridge", "br0", {}).addPort("v1").addIp("10.0.0.1/24").up().commit();
 * await ipdb.interfaces.v0!.transact((i) => {
 *   i.mtu = 1400;
 *   i.addIp("fd00::1/64");
 * });
 * await ipdb.routes.add({ dst: "10.1.0.0/16", gateway: "10.0.0.2" }).commit();
 * assert.equal(ipdb.routes["10.1.0.0/16"]?.gateway, "10.0.0.2");
 * assert.equal(ipdb.interfaces.v1!.master, ipdb.interfaces.br0!.index);
 * assert.ok(ipdb.interfaces.v0!.ipaddr.includes("fd00::1/64"));
 * await ipdb.interfaces.br0!.remove().commit(); // and the route through it
 * await ipdb.interfaces.v0!.remove().commit();
 * ```
 */
export class IPDB implements AsyncDisposable {
  /** Transaction mode. */
  readonly mode: "implicit" | "explicit";
  /** IPRoute on the database's socket. */
  readonly ipr: IPRoute;
  /** Interfaces by name and index. */
  readonly interfaces: Interfaces;
  /** Routes (main table; `routes.tables[n]` for the others). */
  readonly routes: Routes;
  /** Policy routing rules. */
  readonly rules: Rules;

  readonly #monitor: Monitor;
  readonly #state: DbState;
  readonly #feed: EventFeed;
  readonly #listeners: Listeners;
  readonly #commit: CommitDeps;

  private constructor(monitor: Monitor, opts: IPDBOptions) {
    checkMode(opts.mode);
    this.#monitor = monitor;
    this.ipr = monitor.ipr;
    this.mode = opts.mode ?? "implicit";
    const state = this.#state = new DbState(this.mode, opts.ignoreTables ?? [], {
      sync: () => this.sync(),
      commit: (records) => commitRecords(this.#commit, records),
    });
    const feed = this.#feed = new EventFeed(
      monitor.events({ queue: 1 << 22 }),
      () => monitor.events({ queue: 1 }),
      this.ipr,
      state,
      () => this.#listeners,
    );
    this.#listeners = new Listeners(this, {
      sync: () => feed.sync(),
      wake: () => feed.wake(),
      quiet: () => feed.quiet(),
    });
    this.#commit = {
      ipr: this.ipr,
      state,
      feed,
      listeners: this.#listeners,
      assertOpen: () => this.#assertOpen(),
    };
    const views = createViews({
      state,
      sync: () => this.sync(),
      addRoute: (spec) => this.#addRoute(spec),
      addRule: (spec) => this.#addRule(spec),
    });
    this.interfaces = views.interfaces;
    this.routes = views.routes;
    this.rules = views.rules;
  }

  /** Opens the database: subscribes to events, then dumps links, addresses, routes, rules and neighbours. */
  static async open(opts: IPDBOptions = {}): Promise<IPDB> {
    checkMode(opts.mode);
    const monitor = await Monitor.open({
      ...(opts.netns !== undefined ? { netns: opts.netns } : {}),
      ...(opts.netnsMode ? { mode: opts.netnsMode } : {}),
      rcvbuf: opts.rcvbuf ?? 32 << 20,
      groups: ["link", "addr", "route", "rule", "neigh"],
    });
    const db = new IPDB(monitor, opts);
    try {
      await db.#feed.load();
    } catch (e) {
      monitor.close();
      throw e;
    }
    return db;
  }

  // -- events ------------------------------------------------------------------

  /**
   * Applies queued events now (never waits). Views call this on access, so
   * reads are current (a record's fields are read as of the last sync). After
   * an overrun the database re-reads the kernel in the background; await
   * {@link IPDB.resync} to wait for it.
   */
  sync(): void {
    this.#feed.sync();
  }

  /**
   * Whether events were lost and the database waits for its re-read of the
   * kernel to complete (reads until then see the old state). It settles to
   * false once a re-read lost nothing: one that an overrun interrupts starts
   * over, so under a storm of changes it stays true until the storm ends.
   */
  get stale(): boolean {
    this.sync();
    return this.#feed.stale;
  }

  /**
   * Re-dumps everything and reconciles (records users hold keep their
   * identity), again until no event was lost meanwhile; shares a re-read
   * already running.
   */
  async resync(): Promise<void> {
    this.#assertOpen();
    await this.#feed.resync();
  }

  // -- creating ----------------------------------------------------------------

  /**
   * A new interface (pending until committed) of a kind the library knows
   * (a misspelled kind does not type-check), with IPRoute's link fields and
   * the kind's data: `create("veth", "v0", { peer: "v1" })`,
   * `create("bridge", "br0", { data: { stpState: 1 } })`,
   * `create("vxlan", "vx0", { data: { id: 42, port: 4789 } })`; tun/tap
   * devices as pyroute2's IPDB made them, `create("tuntap", "tap0", { mode:
   * "tap", uid: 1000 })` (created through /dev/net/tun when committed; the
   * record then reads kind `"tun"`).
   */
  create<K extends LinkKind | "tuntap">(
    kind: K,
    ifname: string,
    spec: CreateSpec<K> = {} as CreateSpec<K>,
  ): Interface {
    this.#assertOpen();
    if (typeof kind !== "string" || (kind as string) === "") {
      throw new ArgumentError("kind", "a link kind", kind);
    }
    checkIfname(ifname, "ifname");
    if (typeof spec !== "object" || spec === null) {
      throw new ArgumentError("spec", "a link spec object", spec);
    }
    if ("ifname" in spec || "kind" in spec) {
      throw new ArgumentError("spec", "a spec without ifname and kind (they are arguments)", spec);
    }
    if (this.#state.findInterface(ifname)) {
      throw new ArgumentError(
        "ifname",
        "a name no interface has",
        ifname,
        "Cannot create interface",
      );
    }
    // A tun/tap spec is checked now (the commit creates it outside a batch).
    if (kind === "tuntap") splitTunTapSpec({ ...spec, kind, ifname });
    const i = interfaceInternals.create(this.#state, undefined, {
      kind,
      ifname,
      spec: spec as Partial<LinkSpec>,
    });
    this.#state.pendingIfaces.add(i);
    if (this.mode === "implicit") i.begin();
    return i;
  }

  #addRoute(spec: Spec): RouteRecord {
    this.#assertOpen();
    if (typeof spec !== "object" || spec === null) {
      throw new ArgumentError("spec", "a route spec object", spec);
    }
    const s: Spec = { ...spec };
    // A name may refer to an interface created by the same commit: it is
    // resolved when the route is added.
    if (typeof s.oif === "string" && !this.#state.findInterface(s.oif)) {
      throw new ArgumentError("oif", "an interface name or index", s.oif);
    }
    // Validate now: the batch builds the request (names stand in for indexes).
    this.ipr.batch().route("add", s);
    const rec = routeInternals.create(this.#state, undefined, s);
    this.#state.pendingRoutes.add(rec);
    if (this.mode === "implicit") rec.begin();
    return rec;
  }

  #addRule(spec: Spec): RuleRecord {
    this.#assertOpen();
    this.ipr.batch().rule("add", spec);
    const rec = ruleInternals.create(this.#state, undefined, { ...spec });
    this.#state.pendingRules.add(rec);
    if (this.mode === "implicit") rec.begin();
    return rec;
  }

  // -- commits -----------------------------------------------------------------

  /**
   * Commits every open transaction (the current one of each record) in
   * dependency order: interfaces created, changed, given ports and addresses,
   * brought up; then routes, rules, and interface removals last. Each phase
   * goes to the kernel as one batch. All or nothing.
   */
  async commit(): Promise<void> {
    this.#assertOpen();
    this.sync();
    await commitRecords(this.#commit, dirtyRecords(this.#state));
  }

  // -- callbacks, hooks, watchdog ----------------------------------------------

  /**
   * Registers a callback `(ipdb, event)`: `"post"` (default) runs after the
   * database applied the event, `"pre"` before (synchronously). While any
   * callback is registered, a background consumer applies events as they come.
   * Returns an id for {@link IPDB.unregisterCallback}.
   *
   * Keeping the process alive: the consumer's wait for events keeps the
   * process alive while a callback (or a watchdog) is registered, so a script
   * that ends with one registered does not exit (pyroute2's does: its
   * threads are daemons; nlroute's poller cannot wait without holding the
   * process yet). To let a script end, unregister its callbacks (and cancel
   * its watchdogs), or call {@link IPDB.release} (`await using` does): the
   * wait then ends at once.
   *
   * @example
   * ```ts
   * import { IPDB, IPRoute } from "@nlroute/nlroute";
   * import assert from "node:assert/strict";
   *
   * await using ipdb = await IPDB.open({ netns: "blue" });
   * const added = new Promise<string>((resolve) => {
   *   const id = ipdb.registerCallback((_db, e) => {
   *     if (e.kind !== "link" || e.object.ifname !== "cb0") return;
   *     ipdb.unregisterCallback(id); // the last one gone, the process may end
   *     resolve(e.event);
   *   });
   * });
   * await using ipr = await IPRoute.open({ netns: "blue" });
   * await ipr.link("add", { ifname: "cb0", kind: "veth", peer: "cb1" });
   * assert.equal(await added, "RTM_NEWLINK");
   * assert.ok(ipdb.interfaces.cb0); // the callback ran after the database applied the event
   * await ipr.link("del", { ifname: "cb0" });
   * ```
   */
  registerCallback(callback: Callback, mode: "pre" | "post" = "post"): string {
    return this.#listeners.register(callback, mode);
  }

  /** Removes a callback (the last one gone, the background consumer stops and the process may end). */
  unregisterCallback(id: string): void {
    this.#listeners.unregister(id);
  }

  /** Registers a commit hook (throw or return false to veto: the commit rolls back). */
  registerCommitHook(hook: CommitHook): string {
    return this.#listeners.registerHook(hook);
  }

  /** Removes a commit hook. */
  unregisterCommitHook(id: string): void {
    this.#listeners.unregisterHook(id);
  }

  /**
   * A watchdog registered now: `wait()` resolves with the first event named
   * `event` (e.g. `"RTM_NEWLINK"`) whose object matches `match` (e.g.
   * `{ ifname: "v0" }`) seen after this call, or rejects after `timeout` ms.
   * Until it matched, timed out or was cancelled, it keeps the process alive
   * (see {@link IPDB.registerCallback}).
   */
  watchdog(
    event: string,
    match: Spec = {},
  ): { wait(opts?: { timeout?: number }): Promise<MonitorEvent>; cancel(): void } {
    this.#assertOpen();
    return this.#listeners.watchdog(event, match);
  }

  /** Waits for the first matching event from now on (see {@link IPDB.watchdog}). */
  wait(event: string, match: Spec = {}, opts: { timeout?: number } = {}): Promise<MonitorEvent> {
    return this.watchdog(event, match).wait(opts);
  }

  // -- life ------------------------------------------------------------------------

  #assertOpen(): void {
    if (this.#feed.released) throw new Error("Cannot use IPDB: it was released");
  }

  /** Releases the database: closes the socket, ends background work. */
  release(): void {
    if (this.#feed.released) return;
    this.#feed.release();
    this.#monitor.close();
  }

  /** Releases (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.release();
    return Promise.resolve();
  }
}
