/**
 * IPDB's views: interfaces by name and index, routes by table and
 * destination, rules by priority; each applies queued events before it is
 * read, and looks records up by property name through a proxy that behaves
 * as a plain object for everything else (see view_proxy.ts). A view's JSON
 * and printed form are its records.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import { fieldMatch } from "../iproute/match.ts";
import type { Spec } from "../iproute/spec.ts";
import type { Interface } from "./interface.ts";
import { canonicalDst, MAIN_TABLE } from "./keys.ts";
import { routeInternals, type RouteRecord } from "./routes.ts";
import type { RuleRecord } from "./rules.ts";
import type { DbState } from "./state.ts";
import type { RouteTable } from "./table.ts";
import { printAs } from "./print.ts";
import { viewProxy, type Views } from "./view_proxy.ts";

/** What the views read and call (internal: the database makes it). */
export interface ViewSource {
  /** The indexes. */
  readonly state: DbState;
  /** Applies queued events. */
  sync(): void;
  /** A new pending route. */
  addRoute(spec: Spec): RouteRecord;
  /** A new pending rule. */
  addRule(spec: Spec): RuleRecord;
}

export type { Views };

/** Interfaces by name and by index: `ipdb.interfaces.v0`, `ipdb.interfaces["v0"]`, `ipdb.interfaces[3]`. */
export type Interfaces = InterfacesView & Views<Interface>;

/** A routing table: routes by `"dst/len"` or `"default"` (first match), by spec, or iterated. */
export type RoutingTable = RoutingTableView & Views<RouteRecord>;

/** The routes view: the main table's routes, `tables[n]`, and `add(spec)`. */
export type Routes = RoutesView & Views<RouteRecord>;

/** The routing tables by id: `ipdb.routes.tables[100]`. */
export type Tables = TablesView & { readonly [id: number]: RoutingTable };

/** The rules view: `rules[priority]` (first with it), `rules.get(spec)`, iteration, `add(spec)`. */
export type Rules = RulesView & Views<RuleRecord>;

/** A destination key of a property name, or undefined when it is none (property reads never throw). */
function dstKey(key: string): string | undefined {
  if (key === "default") return key;
  try {
    return canonicalDst(key);
  } catch (e) {
    if (e instanceof ArgumentError) return undefined;
    throw e;
  }
}

let makeInterfaces: (src: ViewSource) => InterfacesView;
let makeTable: (src: ViewSource, table: RouteTable) => RoutingTableView;
let makeTables: (src: ViewSource, table: (id: number) => RoutingTable) => TablesView;
let makeRoutes: (src: ViewSource, tables: Tables) => RoutesView;
let makeRules: (src: ViewSource) => RulesView;

/** The interfaces view (see {@link Interfaces}); IPDB makes it: use `ipdb.interfaces`. */
export class InterfacesView implements Iterable<Interface> {
  readonly #src: ViewSource;
  private constructor(src: ViewSource) {
    this.#src = src;
  }
  static {
    makeInterfaces = (src) => new InterfacesView(src);
  }
  /** Every interface record. */
  [Symbol.iterator](): Iterator<Interface> {
    return this.#src.state.allInterfaces()[Symbol.iterator]();
  }
  /** An interface by name or index. */
  get(ref: string | number): Interface | undefined {
    return this.#src.state.findInterface(ref);
  }
  /** Whether an interface exists. */
  has(ref: string | number): boolean {
    return this.get(ref) !== undefined;
  }
  /** Interface names (the kernel's names; a pending interface's name it is to be created with). */
  keys(): string[] {
    const state = this.#src.state;
    state.allInterfaces(); // applies queued events
    const names = new Set(state.byName.keys());
    for (const i of state.pendingIfaces) if (i.ifname) names.add(i.ifname);
    return [...names];
  }
  /** Number of interfaces. */
  get size(): number {
    return [...this].length;
  }
  /** The interfaces by name (what `JSON.stringify` shows: each interface's fields). */
  toJSON(): Record<string, Interface> {
    const out: Record<string, Interface> = {};
    for (const name of this.keys()) {
      const i = this.get(name);
      if (i) out[name] = i;
    }
    return out;
  }
}

/** One table's view (see {@link RoutingTable}); IPDB makes these: use `ipdb.routes.tables[id]`. */
export class RoutingTableView implements Iterable<RouteRecord> {
  readonly #src: ViewSource;
  readonly #table: RouteTable;

  private constructor(src: ViewSource, table: RouteTable) {
    this.#src = src;
    this.#table = table;
  }
  static {
    makeTable = (src, table) => new RoutingTableView(src, table);
  }

  /** Table id. */
  get id(): number {
    return this.#table.id;
  }
  /**
   * The first route matching `key`: `"10.0.0.0/24"`, `"default"`, or a spec object
   * (`{ dst, oif, gateway, priority, … }`).
   */
  get(key: string | Spec): RouteRecord | undefined {
    this.#src.sync();
    if (typeof key === "string") {
      return this.#table.first(key === "default" ? key : canonicalDst(key));
    }
    const spec = { ...key };
    if (spec.dst !== undefined) spec.dst = canonicalDst(spec.dst);
    const m = fieldMatch<RouteRecord>(spec, {});
    if (m && spec.dst !== undefined) {
      // Only the routes filed under the destination, and records already made (a
      // transaction may be moving one to it), can match: the first of them in order.
      const filed = this.#table.all(spec.dst as string).find(m);
      const made = this.#table.madeRecords().find(m);
      if (!filed || !made) return filed ?? made;
      return routeInternals.slot(filed) <= routeInternals.slot(made) ? filed : made;
    }
    for (const r of this) if (!m || m(r)) return r;
    return undefined;
  }
  /** Routes with this destination (all priorities). */
  all(dst: string): RouteRecord[] {
    this.#src.sync();
    return this.#table.all(canonicalDst(dst));
  }
  /** Keys as pyroute2 prints them: `{ dst, priority }`. */
  keys(): { dst: string; priority: number | undefined }[] {
    return [...this].map((r) => ({ dst: r.dst, priority: r.priority }));
  }
  /** Number of routes. */
  get size(): number {
    this.#src.sync();
    return this.#table.size;
  }
  /** Every route of the table (events are applied first). */
  [Symbol.iterator](): Iterator<RouteRecord> {
    this.#src.sync();
    return this.#table.records();
  }
  /** Every route of the table (what `JSON.stringify` shows; several may share a destination). */
  toJSON(): RouteRecord[] {
    return [...this];
  }
}

/**
 * The routing tables (see {@link Tables}); IPDB makes it: use `ipdb.routes.tables`.
 *
 * @example
 * ```ts
 * import { IPDB } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipdb = await IPDB.open();
 * const ids = [...ipdb.routes.tables].map((table) => table.id);
 * assert.ok(ids.includes(255)); // local
 * const local = Object.keys(ipdb.routes.tables[255]!); // the local table's destinations
 * assert.ok(local.includes("127.0.0.1/32") && local.includes("::1/128"));
 * ```
 */
export class TablesView implements Iterable<RoutingTable> {
  readonly #src: ViewSource;
  readonly #table: (id: number) => RoutingTable;

  private constructor(src: ViewSource, table: (id: number) => RoutingTable) {
    this.#src = src;
    this.#table = table;
  }
  static {
    makeTables = (src, table) => new TablesView(src, table);
  }
  /** Table `id` (empty when the kernel has no route in it). */
  get(id: number): RoutingTable {
    this.#src.sync();
    return this.#table(id);
  }
  /** Ids of the tables seen. */
  keys(): number[] {
    this.#src.sync();
    return [...this.#src.state.tables.keys()];
  }
  /** Every table seen. */
  [Symbol.iterator](): Iterator<RoutingTable> {
    return this.keys().map((id) => this.#table(id))[Symbol.iterator]();
  }
  /** The tables' routes by table id (what `JSON.stringify` shows). */
  toJSON(): Record<number, RouteRecord[]> {
    const out: Record<number, RouteRecord[]> = {};
    for (const t of this) out[t.id] = t.toJSON();
    return out;
  }
}

/** The routes view (see {@link Routes}); IPDB makes it: use `ipdb.routes`. */
export class RoutesView implements Iterable<RouteRecord> {
  readonly #src: ViewSource;
  readonly #tables: Tables;

  private constructor(src: ViewSource, tables: Tables) {
    this.#src = src;
    this.#tables = tables;
  }
  static {
    makeRoutes = (src, tables) => new RoutesView(src, tables);
  }
  /** Tables by id (`routes.tables[100]`). */
  get tables(): Tables {
    return this.#tables;
  }
  #main(): RoutingTable {
    return this.#tables.get(MAIN_TABLE);
  }
  /** A route of the main table (see {@link RoutingTableView.get}); a spec's `table` picks another. */
  get(key: string | Spec): RouteRecord | undefined {
    if (typeof key === "object" && key.table !== undefined) {
      return this.#tables.get(Number(key.table)).get(key);
    }
    return this.#main().get(key);
  }
  /** The main table's keys, as pyroute2 prints them: `{ dst, priority }`. */
  keys(): { dst: string; priority: number | undefined }[] {
    return this.#main().keys();
  }
  /** Number of routes in the main table. */
  get size(): number {
    return this.#main().size;
  }
  /** A new route (pending until committed): `routes.add(spec).commit()`. */
  add(spec: Spec): RouteRecord {
    return this.#src.addRoute(spec);
  }
  /** The main table's routes. */
  [Symbol.iterator](): Iterator<RouteRecord> {
    return this.#main()[Symbol.iterator]();
  }
  /** The main table's routes (what `JSON.stringify` shows). */
  toJSON(): RouteRecord[] {
    return this.#main().toJSON();
  }
}

/** The rules view (see {@link Rules}); IPDB makes it: use `ipdb.rules`. */
export class RulesView implements Iterable<RuleRecord> {
  static {
    makeRules = (src) => new RulesView(src);
  }
  readonly #src: ViewSource;
  private constructor(src: ViewSource) {
    this.#src = src;
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
    return this.#src.addRule(spec);
  }
  /** The rules' priorities, each once, in the kernel's order. */
  keys(): number[] {
    const out = new Set<number>();
    for (const r of this) if (r.priority !== undefined) out.add(r.priority);
    return [...out];
  }
  /** Number of rules. */
  get size(): number {
    return [...this].length;
  }
  /** Every rule (events are applied first). */
  [Symbol.iterator](): Iterator<RuleRecord> {
    this.#src.sync();
    return this.#src.state.rules.values();
  }
  /** Every rule (what `JSON.stringify` shows; several may share a priority). */
  toJSON(): RuleRecord[] {
    return [...this];
  }
}

for (const view of [InterfacesView, RoutingTableView, TablesView, RoutesView, RulesView]) {
  printAs(view as { prototype: { toJSON(): unknown } }, (v) => v.toJSON());
}

/** The first record under `key` of a view keyed by destination. */
function byDst(
  view: { get(dst: string): RouteRecord | undefined },
): (key: string) => RouteRecord | undefined {
  return (key) => {
    const dst = dstKey(key);
    return dst === undefined ? undefined : view.get(dst);
  };
}

/** The destination keys of a table, each once. */
function dsts(view: { keys(): { dst: string }[] }): () => Set<string> {
  return () => new Set(view.keys().map((k) => k.dst));
}

/** The views of a database, each behind its lookup proxy (internal: IPDB calls it once). */
export function createViews(src: ViewSource): {
  interfaces: Interfaces;
  routes: Routes;
  rules: Rules;
} {
  const state = src.state;
  const tableViews = new Map<number, RoutingTable>();
  const table = (id: number): RoutingTable => {
    let p = tableViews.get(id);
    if (!p) {
      const t = makeTable(src, state.table(id));
      tableViews.set(id, p = viewProxy(t, { get: byDst(t), keys: dsts(t) }));
    }
    return p;
  };
  const isNumber = (k: string) => /^\d+$/.test(k);
  const tablesView = makeTables(src, table);
  const tables = viewProxy(tablesView, {
    get: (k) => (isNumber(k) ? tablesView.get(Number(k)) : undefined),
    keys: () => tablesView.keys().map(String),
  }) as unknown as Tables;
  const interfaces = makeInterfaces(src);
  const routes = makeRoutes(src, tables);
  const rules = makeRules(src);
  return {
    interfaces: viewProxy(interfaces, {
      get: (k) => state.findInterface(isNumber(k) && !state.byName.has(k) ? Number(k) : k),
      keys: () => interfaces.keys(),
    }),
    routes: viewProxy(routes, { get: byDst(routes), keys: dsts(routes) }),
    rules: viewProxy(rules, {
      get: (k) => (isNumber(k) ? rules.get(Number(k)) : undefined),
      keys: () => rules.keys().map(String),
    }),
  };
}
