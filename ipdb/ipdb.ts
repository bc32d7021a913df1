/**
 * IPDB: a transactional database of network objects (interfaces with their
 * addresses, ports and neighbours; routes in every table; rules), loaded by
 * dump and kept current from rtnetlink events — the model of pyroute2's IPDB
 * without its threads, timeouts and lost sync.
 *
 * - No threads: events are applied when the database is read (a non-blocking
 *   drain of the socket) and, while callbacks or watchers are registered, by a
 *   background consumer on the event loop.
 * - Commits are confirmed by the kernel's answers (ACKs and echoes); the
 *   kernel's notifications for a change are already queued when its ACK
 *   arrives, so the database reflects a commit as soon as `commit()` resolves.
 * - A failed step or a vetoing commit hook undoes every applied step, across
 *   every object of a global commit, and the database is re-read.
 * - After ENOBUFS the database re-dumps and reconciles; records keep identity.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import type { Subscription } from "../core/socket.ts";
import type { NetnsRef } from "../core/nsenter.ts";
import type { IPRoute } from "../iproute/iproute.ts";
import { Monitor } from "../iproute/monitor.ts";
import type { MonitorEvent } from "../iproute/events.ts";
import type { Link } from "../iproute/link/link.ts";
import type { LinkSpec } from "../iproute/link/request.ts";
import type { Route } from "../iproute/route/route.ts";
import type { Rule } from "../iproute/rule/rule.ts";
import type { Neighbour } from "../iproute/neigh/neighbour.ts";
import { fieldMatch } from "../iproute/match.ts";
import type { Spec } from "../iproute/spec.ts";
import { ROUTE, RULE } from "../iproute/objects.ts";
import { ifname as checkIfname } from "../iproute/spec.ts";
import { Interface, type InterfaceDb, ipAddrOf, ipKey } from "./interface.ts";
import { canonicalDst, type RouteDb, routeId, RouteRecord } from "./routes.ts";
import { type RuleDb, ruleKey, RuleRecord } from "./rules.ts";
import { runPlan, type Step } from "./plan.ts";
import type { Record_ } from "./record.ts";

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

/** A callback: `(ipdb, event)`. Pre callbacks run before the database applies the event, post after. */
export type Callback = (ipdb: IPDB, event: MonitorEvent) => void;
/** A commit hook: throw (or return false) to veto a commit, which is then rolled back. */
export type CommitHook = (
  ipdb: IPDB,
  records: readonly Record_[],
) => void | boolean | Promise<void | boolean>;

/** Records looked up by property name (`view.v0`, `view["10.0.0.0/24"]`); undefined when absent. */
export type Views<T> = {
  /** The record under `key`, if any. */
  readonly [key: string]: T | undefined;
};

/** Interfaces by name and by index: `ipdb.interfaces.v0`, `ipdb.interfaces["v0"]`, `ipdb.interfaces[3]`. */
export type Interfaces = InterfacesView & Views<Interface>;

/** The interfaces view (see {@link Interfaces}). */
export class InterfacesView implements Iterable<Interface> {
  readonly #db: IPDB;
  /** The interfaces of `db` (IPDB makes this view; use `ipdb.interfaces`). */
  constructor(db: IPDB) {
    this.#db = db;
  }
  /** An interface by name or index. */
  get(ref: string | number): Interface | undefined {
    return this.#db.findInterface(ref);
  }
  /** Whether an interface exists. */
  has(ref: string | number): boolean {
    return this.get(ref) !== undefined;
  }
  /** Interface names. */
  keys(): string[] {
    return [...this].map((i) => i.ifname!).filter(Boolean);
  }
  /** Number of interfaces. */
  get size(): number {
    return [...this].length;
  }
  /** Every interface record. */
  [Symbol.iterator](): Iterator<Interface> {
    return this.#db.allInterfaces()[Symbol.iterator]();
  }
}

/** A routing table: routes by `"dst/len"` or `"default"` (first match), by spec, or iterated. */
export type RoutingTable = RoutingTableView & Views<RouteRecord>;

/** One table's view (see {@link RoutingTable}). */
export class RoutingTableView implements Iterable<RouteRecord> {
  /** @internal */
  readonly _byId: Map<string, RouteRecord> = new Map();
  /** @internal One record per destination, an array when several share it. */
  readonly _byDst: Map<string, RouteRecord | RouteRecord[]> = new Map();
  readonly #db: IPDB;
  /** Table id. */
  readonly id: number;

  /** An empty view of table `id` of `db` (IPDB makes these; use `ipdb.routes.tables[id]`). */
  constructor(db: IPDB, id: number) {
    this.#db = db;
    this.id = id;
  }

  /** @internal Files a record under its identity and destination. */
  _insert(rec: RouteRecord, id: string, dst: string): void {
    rec._id = id;
    rec._dst = dst;
    rec._tableId = this.id;
    this._byId.set(id, rec);
    const cur = this._byDst.get(dst);
    if (cur === undefined) this._byDst.set(dst, rec);
    else if (Array.isArray(cur)) cur.push(rec);
    else this._byDst.set(dst, [cur, rec]);
  }

  /** @internal Removes a record (direct lookups: no scan). */
  _remove(rec: RouteRecord): boolean {
    if (this._byId.get(rec._id) !== rec) return false;
    this._byId.delete(rec._id);
    const cur = this._byDst.get(rec._dst);
    if (cur === rec) this._byDst.delete(rec._dst);
    else if (Array.isArray(cur)) {
      const k = cur.indexOf(rec);
      if (k >= 0) cur.splice(k, 1);
      if (cur.length === 1) this._byDst.set(rec._dst, cur[0]!);
      else if (cur.length === 0) this._byDst.delete(rec._dst);
    }
    return true;
  }

  /**
   * The first route matching `key`: `"10.0.0.0/24"`, `"default"`, or a spec object
   * (`{ dst, oif, gateway, priority, … }`).
   */
  get(key: string | Spec): RouteRecord | undefined {
    this.#db.sync();
    if (typeof key === "string") {
      const v = this._byDst.get(key === "default" ? key : canonicalDst(key));
      return Array.isArray(v) ? v[0] : v;
    }
    const spec = { ...key };
    if (spec.dst !== undefined) spec.dst = canonicalDst(spec.dst);
    const m = fieldMatch<RouteRecord>(spec, {});
    for (const r of this) if (!m || m(r)) return r;
    return undefined;
  }
  /** Routes with this destination (all priorities). */
  all(dst: string): RouteRecord[] {
    this.#db.sync();
    const v = this._byDst.get(canonicalDst(dst));
    return v === undefined ? [] : Array.isArray(v) ? [...v] : [v];
  }
  /** Keys as pyroute2 prints them: `{ dst, priority }`. */
  keys(): { dst: string; priority: number | undefined }[] {
    return [...this].map((r) => ({ dst: r.dst, priority: r.priority }));
  }
  /** Number of routes. */
  get size(): number {
    this.#db.sync();
    return this._byId.size;
  }
  /** Every route of the table (events are applied first). */
  [Symbol.iterator](): Iterator<RouteRecord> {
    this.#db.sync();
    return this._byId.values();
  }
}

/** The routes view: the main table's routes, `tables[n]`, and `add(spec)`. */
export type Routes = RoutesView & Views<RouteRecord>;

/** The routes view (see {@link Routes}). */
export class RoutesView implements Iterable<RouteRecord> {
  readonly #db: IPDB;
  /** Tables by id (`routes.tables[100]`). */
  readonly tables: { readonly [id: number]: RoutingTable } & { keys(): number[] };

  /** The routes of `db` (IPDB makes this view; use `ipdb.routes`). */
  constructor(db: IPDB) {
    this.#db = db;
    this.tables = new Proxy({ keys: () => [...db._tables.keys()] } as never, {
      get: (t, k) => {
        if (k === "keys") return (t as { keys: () => number[] }).keys;
        if (typeof k !== "string" || !/^\d+$/.test(k)) return undefined;
        db.sync();
        return db._table(Number(k));
      },
    });
  }
  /** A route of the main table (see {@link RoutingTableView.get}). */
  get(key: string | Spec): RouteRecord | undefined {
    if (typeof key === "object" && key.table !== undefined) {
      return this.#db._table(Number(key.table)).get(key);
    }
    return this.#db._table(254).get(key);
  }
  /** A new route (pending until committed): `routes.add(spec).commit()`. */
  add(spec: Spec): RouteRecord {
    return this.#db._addRoute(spec);
  }
  /** The main table's routes. */
  [Symbol.iterator](): Iterator<RouteRecord> {
    return this.#db._table(254)[Symbol.iterator]();
  }
}

/** The rules view: `rules[priority]` (first with it), `rules.get(spec)`, iteration, `add(spec)`. */
export type Rules = RulesView & Views<RuleRecord>;

/** The rules view (see {@link Rules}). */
export class RulesView implements Iterable<RuleRecord> {
  readonly #db: IPDB;
  /** The rules of `db` (IPDB makes this view; use `ipdb.rules`). */
  constructor(db: IPDB) {
    this.#db = db;
  }
  /** The first rule with this priority, or matching every field of `spec`. */
  get(key: number | Spec): RuleRecord | undefined {
    const spec: Spec = typeof key === "number" ? { priority: key } : key;
    const m = fieldMatch<RuleRecord>(spec, {});
    for (const r of this) if (!m || m(r)) return r;
    return undefined;
  }
  /** A new rule (pending until committed). */
  add(spec: Spec): RuleRecord {
    return this.#db._addRule(spec);
  }
  /** Number of rules. */
  get size(): number {
    return [...this].length;
  }
  /** Every rule (events are applied first). */
  [Symbol.iterator](): Iterator<RuleRecord> {
    this.#db.sync();
    return this.#db._rules.values();
  }
}

const IDENT = { id: "", table: 0, dst: "" };

function viewProxy<T extends object, R>(
  target: T,
  lookup: (key: string) => R | undefined,
): T & Views<R> {
  return new Proxy(target, {
    get(t, k) {
      if (typeof k === "symbol" || k in t) {
        const v = Reflect.get(t, k, t);
        return typeof v === "function" ? v.bind(t) : v;
      }
      return lookup(k);
    },
    has(t, k) {
      return typeof k === "symbol" || k in t ? Reflect.has(t, k) : lookup(k) !== undefined;
    },
  }) as T & Views<R>;
}

/**
 * The transactional database.
 *
 * @example
 * ```ts
 * import { IPDB } from "../mod.ts";
 * await using ipdb = await IPDB.open({ netns: "blue" });
 * await ipdb.create("bridge", "br0", {}).addPort("v0").addIp("10.0.0.1/24").up().commit();
 * await ipdb.interfaces.v0!.transact((i) => {
 *   i.mtu = 1400;
 *   i.addIp("fd00::1/64");
 * });
 * await ipdb.routes.add({ dst: "10.1.0.0/16", gateway: "10.0.0.2" }).commit();
 * console.log(ipdb.routes["10.1.0.0/16"]?.gateway);
 * ```
 */
export class IPDB implements AsyncDisposable, InterfaceDb, RouteDb, RuleDb {
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
  readonly #sub: Subscription<MonitorEvent>;
  readonly #byIndex = new Map<number, Interface>();
  readonly #byName = new Map<string, Interface>();
  readonly #pendingIfaces = new Set<Interface>();
  /** @internal */
  readonly _tables: Map<number, RoutingTableView> = new Map();
  readonly #tableProxies = new Map<number, RoutingTableView>();
  readonly #pendingRoutes = new Set<RouteRecord>();
  /** @internal */
  readonly _rules: Map<string, RuleRecord> = new Map();
  readonly #pendingRules = new Set<RuleRecord>();
  readonly #ignore: Set<number>;
  readonly #pre = new Map<string, Callback>();
  readonly #post = new Map<string, Callback>();
  readonly #hooks = new Map<string, CommitHook>();
  readonly #watchers = new Set<(e: MonitorEvent) => void>();
  #stale = false;
  #resyncing: Promise<void> | undefined;
  #released = false;
  #background: Promise<void> | undefined;
  #applying = false;
  #ids = 0;

  private constructor(monitor: Monitor, opts: IPDBOptions) {
    this.#monitor = monitor;
    this.ipr = monitor.ipr;
    this.mode = opts.mode ?? "implicit";
    if (this.mode !== "implicit" && this.mode !== "explicit") {
      throw new ArgumentError("mode", '"implicit" or "explicit"', opts.mode);
    }
    this.#ignore = new Set(opts.ignoreTables ?? []);
    this.#sub = monitor.events({ queue: 1 << 22 });
    this.interfaces = viewProxy(
      new InterfacesView(this),
      (k) => this.findInterface(/^\d+$/.test(k) && !this.#byName.has(k) ? Number(k) : k),
    );
    const routes = new RoutesView(this);
    this.routes = viewProxy(routes, (k) => routes.get(k));
    const rules = new RulesView(this);
    this.rules = viewProxy(rules, (k) => (/^\d+$/.test(k) ? rules.get(Number(k)) : undefined));
  }

  /** Opens the database: subscribes to events, then dumps links, addresses, routes, rules and neighbours. */
  static async open(opts: IPDBOptions = {}): Promise<IPDB> {
    if (opts.mode !== undefined && opts.mode !== "implicit" && opts.mode !== "explicit") {
      throw new ArgumentError("mode", '"implicit" or "explicit"', opts.mode);
    }
    const monitor = await Monitor.open({
      ...(opts.netns !== undefined ? { netns: opts.netns } : {}),
      ...(opts.netnsMode ? { mode: opts.netnsMode } : {}),
      rcvbuf: opts.rcvbuf ?? 32 << 20,
      groups: ["link", "addr", "route", "rule", "neigh"],
    });
    const db = new IPDB(monitor, opts);
    try {
      await db.#load();
    } catch (e) {
      monitor.close();
      throw e;
    }
    return db;
  }

  // -- loading and events -----------------------------------------------------

  /** Dumps everything and reconciles with the records (identity kept). */
  async #load(): Promise<void> {
    const ipr = this.ipr;
    const [links, addrs, routes, rules, neighs] = [
      await ipr.getLinks(),
      await ipr.getAddr(),
      await ipr.getRoutes(),
      await ipr.getRules(),
      await ipr.getNeighbours(),
    ];
    // Links
    const seen = new Set<number>();
    for (const l of links) {
      seen.add(l.index);
      this.#setLink(l);
    }
    for (const [index, i] of [...this.#byIndex]) if (!seen.has(index)) this.#dropLink(i);
    for (const i of this.#byIndex.values()) i._addrs.clear();
    for (const a of addrs) {
      this.#byIndex.get(a.index)?._addrs.set(ipKey(a.address ?? "", a.prefixlen), ipAddrOf(a));
    }
    for (const i of this.#byIndex.values()) i._neigh.clear();
    for (const n of neighs) this.#setNeigh(n);
    // Routes (a reload keeps the records that still exist, and drops the others)
    const reload = this._tables.size > 0;
    const keep = reload ? new Set<RouteRecord>() : undefined;
    for (const r of routes) {
      const rec = this.#setRoute(r);
      if (rec && keep) keep.add(rec);
    }
    if (keep) {
      for (const t of this._tables.values()) {
        for (const rec of [...t._byId.values()]) if (!keep.has(rec)) this.#unindexRoute(rec, true);
      }
    }
    // Rules
    const keepRules = new Set<RuleRecord>();
    for (const r of rules) keepRules.add(this.#setRule(r));
    for (const rec of [...this._rules.values()]) {
      if (!keepRules.has(rec)) {
        this._rules.delete(rec._key);
        rec.ipdbScope = "removed";
      }
    }
    this.#stale = false;
    // Apply what arrived during the dump (in order: it is newer or equal).
    this.sync();
  }

  /**
   * Applies queued events now (never waits). Views call this on access, so
   * reads are current; after an overrun, call {@link IPDB.resync} (or any async
   * operation) to re-read the kernel.
   */
  sync(): void {
    if (this.#applying || this.#released) return;
    this.#applying = true;
    try {
      for (let e = this.#sub.poll(); e !== undefined; e = this.#sub.poll()) this.#apply(e);
    } finally {
      this.#applying = false;
    }
  }

  /** Whether events were lost and the database waits for {@link IPDB.resync}. */
  get stale(): boolean {
    this.sync();
    return this.#stale;
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

  /** Re-dumps everything and reconciles (records users hold keep their identity). */
  async resync(): Promise<void> {
    this.#assertOpen();
    // Discard queued events: the dump supersedes them.
    this.sync();
    await this.#load();
  }

  #apply(e: MonitorEvent): void {
    for (const cb of this.#pre.values()) {
      try {
        cb(this, e);
      } catch (err) {
        reportCallbackError(err);
      }
    }
    switch (e.kind) {
      case "overrun":
        // Events were lost: re-read the kernel (in the background; reads
        // until then see the old state, `stale` says so).
        this.#stale = true;
        this.#scheduleResync();
        break;
      case "link":
        if (e.event === "RTM_NEWLINK") this.#setLink(e.object);
        else {
          const i = this.#byIndex.get(e.object.index);
          if (i) this.#dropLink(i);
        }
        break;
      case "addr": {
        const i = this.#byIndex.get(e.object.index);
        const key = ipKey(e.object.address ?? "", e.object.prefixlen);
        if (i && e.event === "RTM_NEWADDR") i._addrs.set(key, ipAddrOf(e.object));
        else i?._addrs.delete(key);
        break;
      }
      case "route":
        if (e.event === "RTM_NEWROUTE") this.#setRoute(e.object);
        else {
          const rec = this.#findRoute(e.object);
          if (rec) this.#unindexRoute(rec, true);
        }
        break;
      case "rule":
        if (e.event === "RTM_NEWRULE") this.#setRule(e.object);
        else {
          const key = ruleKey(e.object.key());
          const rec = this._rules.get(key);
          if (rec) {
            this._rules.delete(key);
            rec.ipdbScope = "removed";
          }
        }
        break;
      case "neigh":
        if (e.event === "RTM_NEWNEIGH") this.#setNeigh(e.object);
        else {this.#byIndex.get(e.object.index)?._neigh.delete(
            e.object.dst ?? e.object.lladdr ?? "",
          );}
        break;
    }
    for (const cb of this.#post.values()) {
      try {
        cb(this, e);
      } catch (err) {
        reportCallbackError(err);
      }
    }
    for (const w of [...this.#watchers]) w(e);
  }

  #setLink(l: Link): void {
    // AF_BRIDGE link messages describe bridge ports, not links.
    if (l.family === 7) return;
    let i = this.#byIndex.get(l.index);
    const oldName = i?.ifname;
    const wasUp = i?.link?.state === "up";
    if (i) i._update(l);
    else {
      i = new Interface(this, l);
      this.#byIndex.set(l.index, i);
    }
    const name = l.ifname;
    if (oldName !== undefined && oldName !== name && this.#byName.get(oldName) === i) {
      this.#byName.delete(oldName);
    }
    if (name !== undefined) this.#byName.set(name, i);
    // IPv4 routes through a link that goes down are flushed without notification
    // (all but its local addresses' routes).
    if (wasUp && l.state === "down") this.#flushRoutesVia(l.index, true);
  }

  #dropLink(i: Interface): void {
    this.#byIndex.delete(i.index);
    if (i.ifname !== undefined && this.#byName.get(i.ifname) === i) this.#byName.delete(i.ifname);
    i.ipdbScope = "removed";
    // The kernel drops routes through a deleted link, IPv4 ones without notification.
    this.#flushRoutesVia(i.index, false);
  }

  #flushRoutesVia(index: number, linkDown: boolean): void {
    for (const t of this._tables.values()) {
      for (const rec of [...t._byId.values()]) {
        const r = rec.route;
        if (!r) continue;
        if (linkDown && (r.family !== 2 || r.routeType === "local")) continue;
        const mp = r.multipath;
        if (
          r.oif === index || (mp !== undefined && mp.length > 0 && mp.every((h) => h.oif === index))
        ) {
          this.#unindexRoute(rec, true);
        }
      }
    }
  }

  #setNeigh(n: Neighbour): void {
    const i = this.#byIndex.get(n.index);
    if (i && n.family !== 7) i._neigh.set(n.dst ?? n.lladdr ?? "", n);
  }

  /** @internal A table's view for users (created on demand; attribute access through a proxy). */
  _table(id: number): RoutingTableView {
    let p = this.#tableProxies.get(id);
    if (!p) {
      const t = this.#rawTable(id);
      p = viewProxy(t, (k) => t.get(k)) as unknown as RoutingTableView;
      this.#tableProxies.set(id, p);
    }
    return p;
  }

  /** The table itself, for internal bookkeeping (no proxy on the hot path). */
  #rawTable(id: number): RoutingTableView {
    let t = this._tables.get(id);
    if (!t) this._tables.set(id, t = new RoutingTableView(this, id));
    return t;
  }

  /** A route's identity and table, read in one pass (the result is reused: copy it). */
  #identify(r: Route): { id: string; table: number; dst: string } {
    const i = r.identity();
    const out = IDENT;
    out.id = routeId(i);
    out.table = i.table;
    out.dst = i.dst;
    return out;
  }

  #findRoute(r: Route): RouteRecord | undefined {
    const { id, table } = this.#identify(r);
    return this._tables.get(table)?._byId.get(id);
  }

  #setRoute(r: Route): RouteRecord | undefined {
    const { id, table, dst } = this.#identify(r);
    if (this.#ignore.has(table)) return undefined;
    const t = this.#rawTable(table);
    let rec = t._byId.get(id);
    if (rec) {
      rec._update(r);
      return rec;
    }
    rec = new RouteRecord(this, r);
    t._insert(rec, id, dst);
    return rec;
  }

  #unindexRoute(rec: RouteRecord, removed: boolean): void {
    this._tables.get(rec._tableId)?._remove(rec);
    if (removed) rec.ipdbScope = "removed";
  }

  /** @internal Files a route record under the identity of the kernel route it now is. */
  rekeyRoute(record: RouteRecord, route: Route): void {
    this.#unindexRoute(record, false);
    this.#pendingRoutes.delete(record);
    const { id, table, dst } = this.#identify(route);
    const t = this.#rawTable(table);
    const existing = t._byId.get(id);
    if (existing && existing !== record) this.#unindexRoute(existing, true);
    record._update(route);
    t._insert(record, id, dst);
  }

  #setRule(r: Rule): RuleRecord {
    const key = ruleKey(r.key());
    let rec = this._rules.get(key);
    if (rec) rec._update(r);
    else {
      rec = new RuleRecord(this, r);
      rec._key = key;
      this._rules.set(key, rec);
    }
    return rec;
  }

  /** @internal Files a rule record under the kernel rule it now is. */
  rekeyRule(record: RuleRecord, rule: Rule): void {
    if (this._rules.get(record._key) === record) this._rules.delete(record._key);
    this.#pendingRules.delete(record);
    const key = ruleKey(rule.key());
    record._update(rule);
    record._key = key;
    this._rules.set(key, record);
  }

  // -- lookups used by records ------------------------------------------------

  /** @internal */
  findInterface(ref: string | number | Interface): Interface | undefined {
    this.sync();
    if (ref instanceof Interface) return ref;
    if (typeof ref === "number") return this.#byIndex.get(ref);
    return this.#byName.get(ref) ?? [...this.#pendingIfaces].find((i) => i.ifname === ref);
  }

  /** @internal */
  allInterfaces(): Iterable<Interface> {
    this.sync();
    return [...this.#byIndex.values(), ...this.#pendingIfaces];
  }

  /** @internal */
  indexOf(ref: string | number): number | undefined {
    return typeof ref === "number" ? ref : this.findInterface(ref)?.index || undefined;
  }

  /** @internal */
  routesThrough(indexes: readonly number[]): Route[] {
    const out: Route[] = [];
    for (const t of this._tables.values()) {
      for (const rec of t._byId.values()) {
        const r = rec.route;
        if (!r) continue;
        if (
          (r.oif !== undefined && indexes.includes(r.oif)) ||
          (r.multipath?.some((h) => h.oif !== undefined && indexes.includes(h.oif)) ?? false)
        ) out.push(r);
      }
    }
    return out;
  }

  /** @internal */
  adopt(iface: Interface, link: Link): void {
    this.#pendingIfaces.delete(iface);
    const prev = this.#byIndex.get(link.index);
    if (prev && prev !== iface) prev.ipdbScope = "removed";
    for (const [name, i] of this.#byName) if (i === iface) this.#byName.delete(name);
    iface._update(link);
    this.#byIndex.set(link.index, iface);
    if (link.ifname !== undefined) this.#byName.set(link.ifname, iface);
  }

  /** @internal */
  unadopt(iface: Interface): void {
    if (this.#byIndex.get(iface.index) === iface) this.#byIndex.delete(iface.index);
    for (const [name, i] of this.#byName) if (i === iface) this.#byName.delete(name);
    iface._revert();
    this.#pendingIfaces.add(iface);
  }

  /** @internal */
  unadoptRoute(record: RouteRecord): void {
    this.#unindexRoute(record, false);
    this.#pendingRoutes.add(record);
  }

  // -- creating ----------------------------------------------------------------

  /**
   * A new interface (pending until committed), with IPRoute's link spec:
   * `create("veth", "v0", { peer: "v1" })`, `create("bridge", "br0", { data: { stp: true } })`.
   */
  create(kind: string, ifname: string, spec: Partial<LinkSpec> = {}): Interface {
    this.#assertOpen();
    if (typeof kind !== "string" || kind === "") {
      throw new ArgumentError("kind", "a link kind", kind);
    }
    checkIfname(ifname, "ifname");
    if (typeof spec !== "object" || spec === null) {
      throw new ArgumentError("spec", "a link spec object", spec);
    }
    if ("ifname" in spec || "kind" in spec) {
      throw new ArgumentError("spec", "a spec without ifname and kind (they are arguments)", spec);
    }
    if (this.findInterface(ifname)) {
      throw new ArgumentError(
        "ifname",
        "a name no interface has",
        ifname,
        "Cannot create interface",
      );
    }
    const i = new Interface(this, undefined, { kind, ifname, spec });
    this.#pendingIfaces.add(i);
    if (this.mode === "implicit") i.begin();
    return i;
  }

  /** @internal */
  _addRoute(spec: Spec): RouteRecord {
    this.#assertOpen();
    if (typeof spec !== "object" || spec === null) {
      throw new ArgumentError("spec", "a route spec object", spec);
    }
    const s: Spec = { ...spec };
    // A name may refer to an interface created by the same commit: it is
    // resolved when the route is added.
    if (typeof s.oif === "string" && !this.findInterface(s.oif)) {
      throw new ArgumentError("oif", "an interface name or index", s.oif);
    }
    // Validate now: the request builder checks every field.
    ROUTE.build("add", typeof s.oif === "string" ? { ...s, oif: 1 } : s);
    const rec = new RouteRecord(this, undefined, s);
    this.#pendingRoutes.add(rec);
    if (this.mode === "implicit") rec.begin();
    return rec;
  }

  /** @internal */
  _addRule(spec: Spec): RuleRecord {
    this.#assertOpen();
    RULE.build("add", spec);
    const rec = new RuleRecord(this, undefined, { ...spec });
    this.#pendingRules.add(rec);
    if (this.mode === "implicit") rec.begin();
    return rec;
  }

  // -- commits -----------------------------------------------------------------

  /**
   * Commits every open transaction (the current one of each record) in
   * dependency order: interfaces created, changed, given ports and addresses,
   * brought up; then routes, rules, and interface removals last. All or nothing.
   */
  async commit(): Promise<void> {
    this.#assertOpen();
    this.sync();
    const records: Record_[] = [
      ...this.#byIndex.values(),
      ...this.#pendingIfaces,
      ...[...this._tables.values()].flatMap((t) => [...t._byId.values()]),
      ...this.#pendingRoutes,
      ...this._rules.values(),
      ...this.#pendingRules,
    ].filter((r) => r.dirty);
    await this.commitRecords(records);
  }

  /** @internal Commits records' current transactions together. */
  async commitRecords(records: readonly Record_[]): Promise<void> {
    this.#assertOpen();
    if (this.#stale) await this.resync();
    this.sync();
    const ordered = [...records];
    const txs = ordered.map((r) => [r, r.currentTx] as const);
    // Build every plan first (a bad value fails here, before anything is sent),
    // then run the steps phase by phase (a stable sort keeps each record's order).
    const steps: Step[] = ordered.flatMap((r) => {
      const tx = r._currentTxData();
      return tx ? r.plan(tx) : [];
    }).sort((a, b) => a.phase - b.phase);
    let ok = false;
    try {
      await runPlan(
        steps,
        async () => {
          this.sync();
          for (const hook of this.#hooks.values()) {
            const ok = await hook(this, ordered);
            if (ok === false) throw new Error("vetoed by a commit hook");
          }
        },
        async (reqs) =>
          (await this.ipr.socket.batch(reqs)).map((r) =>
            r.ok ? { ok: true } : { ok: false, error: r.error }
          ),
      );
      ok = true;
    } catch (e) {
      // Re-read the kernel: the database must equal it after the rollback.
      await this.resync().catch(() => {});
      throw e;
    } finally {
      // A record still waiting to be created keeps its transaction (fix it and commit again).
      for (const [r, id] of txs) {
        if (id !== undefined && (ok || r.ipdbScope !== "pending")) r._finish(id);
      }
    }
    for (const r of ordered) {
      if (r instanceof Interface) this.#pendingIfaces.delete(r);
      if (r instanceof RouteRecord) this.#pendingRoutes.delete(r);
      if (r instanceof RuleRecord) this.#pendingRules.delete(r);
    }
    // The kernel queued its notifications before the ACKs: apply them now.
    this.sync();
  }

  // -- callbacks, hooks, watchdog ----------------------------------------------

  /**
   * Registers a callback `(ipdb, event)`: `"post"` (default) runs after the
   * database applied the event, `"pre"` before (synchronously). While any
   * callback is registered, a background consumer applies events as they come.
   * Returns an id for {@link IPDB.unregisterCallback}.
   */
  registerCallback(callback: Callback, mode: "pre" | "post" = "post"): string {
    if (typeof callback !== "function") throw new ArgumentError("callback", "a function", callback);
    if (mode !== "pre" && mode !== "post") throw new ArgumentError("mode", '"pre" or "post"', mode);
    const id = `cb-${++this.#ids}`;
    (mode === "pre" ? this.#pre : this.#post).set(id, callback);
    this.#ensureBackground();
    return id;
  }

  /** Removes a callback. */
  unregisterCallback(id: string): void {
    if (!this.#pre.delete(id) && !this.#post.delete(id)) {
      throw new ArgumentError("id", "a registered callback id", id, "Cannot unregister callback");
    }
  }

  /** Registers a commit hook (throw or return false to veto: the commit rolls back). */
  registerCommitHook(hook: CommitHook): string {
    if (typeof hook !== "function") throw new ArgumentError("hook", "a function", hook);
    const id = `hook-${++this.#ids}`;
    this.#hooks.set(id, hook);
    return id;
  }

  /** Removes a commit hook. */
  unregisterCommitHook(id: string): void {
    if (!this.#hooks.delete(id)) {
      throw new ArgumentError("id", "a registered hook id", id, "Cannot unregister hook");
    }
  }

  /**
   * A watchdog registered now: `wait()` resolves with the first event named
   * `event` (e.g. `"RTM_NEWLINK"`) whose object matches `match` (e.g.
   * `{ ifname: "v0" }`) seen after this call, or rejects after `timeout` ms.
   */
  watchdog(
    event: string,
    match: Spec = {},
  ): { wait(opts?: { timeout?: number }): Promise<MonitorEvent>; cancel(): void } {
    this.#assertOpen();
    const m = fieldMatch<unknown>(match, {});
    let hit: MonitorEvent | undefined;
    let resolve: ((e: MonitorEvent) => void) | undefined;
    const watcher = (e: MonitorEvent) => {
      if (hit || e.kind === "overrun" || e.event !== event || (m && !m(e.object))) return;
      hit = e;
      resolve?.(e);
    };
    this.#watchers.add(watcher);
    const cancel = () => this.#watchers.delete(watcher);
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
          this.sync();
          if (hit) resolve(hit);
          else this.#ensureBackground();
        });
      },
    };
  }

  /** Waits for the first matching event from now on (see {@link IPDB.watchdog}). */
  wait(event: string, match: Spec = {}, opts: { timeout?: number } = {}): Promise<MonitorEvent> {
    return this.watchdog(event, match).wait(opts);
  }

  /** Runs the background consumer while callbacks or watchers exist. */
  #ensureBackground(): void {
    if (this.#background || this.#released) return;
    this.#background = (async () => {
      try {
        while (!this.#released && (this.#pre.size || this.#post.size || this.#watchers.size)) {
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

  // -- life ------------------------------------------------------------------------

  #assertOpen(): void {
    if (this.#released) throw new Error("Cannot use IPDB: it was released");
  }

  /** Releases the database: closes the socket, ends background work. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#sub.close();
    this.#monitor.close();
  }

  /** Releases (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.release();
    return Promise.resolve();
  }
}

function reportCallbackError(err: unknown): void {
  console.error("nlroute IPDB: a callback threw:", err);
}
