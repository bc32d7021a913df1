/**
 * IPDB's views: interfaces by name and index, routes by table and
 * destination, rules by priority; each applies queued events before it is
 * read, and looks records up by property name through a proxy.
 *
 * @module
 */
import { fieldMatch } from "../iproute/match.ts";
import type { Spec } from "../iproute/spec.ts";
import type { Interface } from "./interface.ts";
import { canonicalDst, MAIN_TABLE } from "./keys.ts";
import type { RouteRecord } from "./routes.ts";
import type { RuleRecord } from "./rules.ts";
import type { DbState } from "./state.ts";
import type { RouteTable } from "./table.ts";

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

/** Records looked up by property name (`view.v0`, `view["10.0.0.0/24"]`); undefined when absent. */
export type Views<T> = {
  /** The record under `key`, if any. */
  readonly [key: string]: T | undefined;
};

/** Interfaces by name and by index: `ipdb.interfaces.v0`, `ipdb.interfaces["v0"]`, `ipdb.interfaces[3]`. */
export type Interfaces = InterfacesView & Views<Interface>;

/** A routing table: routes by `"dst/len"` or `"default"` (first match), by spec, or iterated. */
export type RoutingTable = RoutingTableView & Views<RouteRecord>;

/** The routes view: the main table's routes, `tables[n]`, and `add(spec)`. */
export type Routes = RoutesView & Views<RouteRecord>;

/** The rules view: `rules[priority]` (first with it), `rules.get(spec)`, iteration, `add(spec)`. */
export type Rules = RulesView & Views<RuleRecord>;

/** A view whose unknown property names are looked up as keys. */
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

let makeInterfaces: (src: ViewSource) => InterfacesView;
let makeTable: (src: ViewSource, table: RouteTable) => RoutingTableView;
let makeRoutes: (src: ViewSource, table: (id: number) => RoutingTable) => RoutesView;
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
  /** Interface names. */
  keys(): string[] {
    return [...this].map((i) => i.ifname!).filter(Boolean);
  }
  /** Number of interfaces. */
  get size(): number {
    return [...this].length;
  }
}

/** One table's view (see {@link RoutingTable}); IPDB makes these: use `ipdb.routes.tables[id]`. */
export class RoutingTableView implements Iterable<RouteRecord> {
  readonly #src: ViewSource;
  readonly #table: RouteTable;
  /** Table id. */
  readonly id: number;

  private constructor(src: ViewSource, table: RouteTable) {
    this.#src = src;
    this.#table = table;
    this.id = table.id;
  }
  static {
    makeTable = (src, table) => new RoutingTableView(src, table);
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
    return this.#table.byId.size;
  }
  /** Every route of the table (events are applied first). */
  [Symbol.iterator](): Iterator<RouteRecord> {
    this.#src.sync();
    return this.#table.byId.values();
  }
}

/** The routes view (see {@link Routes}); IPDB makes it: use `ipdb.routes`. */
export class RoutesView implements Iterable<RouteRecord> {
  readonly #src: ViewSource;
  readonly #tableView: (id: number) => RoutingTable;
  /** Tables by id (`routes.tables[100]`). */
  readonly tables: { readonly [id: number]: RoutingTable } & { keys(): number[] };

  private constructor(src: ViewSource, table: (id: number) => RoutingTable) {
    this.#src = src;
    this.#tableView = table;
    this.tables = new Proxy({ keys: () => [...src.state.tables.keys()] } as never, {
      get: (t, k) => {
        if (k === "keys") return (t as { keys: () => number[] }).keys;
        if (typeof k !== "string" || !/^\d+$/.test(k)) return undefined;
        src.sync();
        return table(Number(k));
      },
    });
  }
  static {
    makeRoutes = (src, table) => new RoutesView(src, table);
  }
  /** A route of the main table (see {@link RoutingTableView.get}). */
  get(key: string | Spec): RouteRecord | undefined {
    if (typeof key === "object" && key.table !== undefined) {
      return this.#tableView(Number(key.table)).get(key);
    }
    return this.#tableView(MAIN_TABLE).get(key);
  }
  /** A new route (pending until committed): `routes.add(spec).commit()`. */
  add(spec: Spec): RouteRecord {
    return this.#src.addRoute(spec);
  }
  /** The main table's routes. */
  [Symbol.iterator](): Iterator<RouteRecord> {
    return this.#tableView(MAIN_TABLE)[Symbol.iterator]();
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
  /** Number of rules. */
  get size(): number {
    return [...this].length;
  }
  /** Every rule (events are applied first). */
  [Symbol.iterator](): Iterator<RuleRecord> {
    this.#src.sync();
    return this.#src.state.rules.values();
  }
}

/** The views of a database, each behind its lookup proxy (internal: IPDB calls it once). */
export function createViews(src: ViewSource): {
  interfaces: Interfaces;
  routes: Routes;
  rules: Rules;
} {
  const state = src.state;
  const tables = new Map<number, RoutingTable>();
  const table = (id: number): RoutingTable => {
    let p = tables.get(id);
    if (!p) {
      const t = makeTable(src, state.table(id));
      tables.set(id, p = viewProxy(t, (k) => t.get(k)));
    }
    return p;
  };
  const interfaces = viewProxy(
    makeInterfaces(src),
    (k) => state.findInterface(/^\d+$/.test(k) && !state.byName.has(k) ? Number(k) : k),
  );
  const routes = makeRoutes(src, table);
  const rules = makeRules(src);
  return {
    interfaces,
    routes: viewProxy(routes, (k) => routes.get(k)),
    rules: viewProxy(rules, (k) => (/^\d+$/.test(k) ? rules.get(Number(k)) : undefined)),
  };
}
