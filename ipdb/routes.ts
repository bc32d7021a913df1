/**
 * IPDB routes: records keyed like pyroute2's (destination prefix and
 * priority), tables, metrics, multipath next hops, and commit steps.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import { AF_INET, AF_INET6, parsePrefix } from "../core/address.ts";
import type { NextHop } from "../iproute/route/multipath.ts";
import type { Route } from "../iproute/route/route.ts";
import { tableId } from "../iproute/route/request.ts";
import type { Spec } from "../iproute/spec.ts";
import { canonicalDst, MAIN_TABLE } from "./keys.ts";
import { liveMetrics } from "./metrics.ts";
import { PHASE, type Step } from "./plan.ts";
import { type Owner, Record_, recordInternals, type Tx } from "./record.ts";

/** What a route record needs from its database (internal). */
export interface RouteDb extends Owner {
  /** Resolves an interface name to its index (for `oif`). */
  indexOf(ref: string | number): number | undefined;
}

/** What the database's modules reach inside route records (not part of the public API). */
export interface RouteInternals {
  /** A record of `owner` mirroring `route`, or a pending one to be created from `spec`. */
  create(owner: RouteDb, route?: Route, spec?: Spec): RouteRecord;
  /**
   * Makes the record mirror `route` (identity kept; a pending record becomes a
   * system one), or, without it, wait to be created again from its spec.
   */
  mirror(r: RouteRecord, route: Route | undefined): void;
  /** Records where the record is filed: its slot in its table's store (-1: not filed), and the table. */
  place(r: RouteRecord, slot: number, table: number): void;
  /** The slot it is filed in (-1: none). */
  slot(r: RouteRecord): number;
  /** Its table. */
  table(r: RouteRecord): number;
}

/** Access to route records' internals for the database's modules (not exported from mod.ts). */
export const routeInternals = {} as RouteInternals;

/** A field {@link RouteRecord.set} changes. */
export type RouteField =
  | "gateway"
  | "oif"
  | "prefsrc"
  | "priority"
  | "type"
  | "scope"
  | "proto"
  | "tos"
  | "table"
  | "dst";

/** Fields a transaction may change on a route. */
const FIELDS: readonly RouteField[] = [
  "gateway",
  "oif",
  "prefsrc",
  "priority",
  "type",
  "scope",
  "proto",
  "tos",
  "table",
  "dst",
];

/** What a route shows in JSON and when printed. */
const SHOWN = [
  "dst",
  "table",
  "family",
  "gateway",
  "oif",
  "priority",
  "prefsrc",
  "type",
  "proto",
  "scope",
  "tos",
  "metrics",
  "multipath",
] as const;

/**
 * A route in IPDB.
 *
 * @example
 * ```ts
 * import { IPDB } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipdb = await IPDB.open({ netns: "blue" });
 * await ipdb.create("veth", "rt0", { peer: "rt1" }).addIp("10.0.0.1/24").up().commit();
 * await ipdb.routes.add({ dst: "10.5.0.0/16", gateway: "10.0.0.2" }).commit();
 * const r = ipdb.routes["10.5.0.0/16"]!;
 * r.gateway = "10.0.0.3";
 * r.metrics.mtu = 1400;
 * await r.commit();
 * assert.equal(ipdb.routes["10.5.0.0/16"]!.gateway, "10.0.0.3");
 * assert.equal(ipdb.routes["10.5.0.0/16"]!.metrics.mtu, 1400);
 * await ipdb.interfaces.rt0!.remove().commit(); // the route goes with it
 * ```
 */
export class RouteRecord extends Record_ {
  #route: Route | undefined;
  /** The spec a record made by `routes.add` was created from (kept: a rollback needs it). */
  readonly #spec: Spec | undefined;
  #slot = -1;
  #table = 0;
  #metricsProxy: Record<string, unknown> | undefined;

  /** A record of `owner` mirroring `route`, or, without it, a pending route to be created from `spec`. */
  private constructor(owner: RouteDb, route?: Route, spec?: Spec) {
    super(owner, route ? "system" : "pending");
    this.#route = route;
    this.#spec = spec;
  }

  static {
    routeInternals.create = (owner, route, spec) => new RouteRecord(owner, route, spec);
    routeInternals.mirror = (r, route) => {
      r.#route = route;
      r.ipdbScope = route ? "system" : "pending";
    };
    routeInternals.place = (r, slot, table) => {
      r.#slot = slot;
      r.#table = table;
    };
    routeInternals.slot = (r) => r.#slot;
    routeInternals.table = (r) => r.#table;
  }

  /** Metrics as a live object: reads pending-or-kernel values, writes into the transaction. */
  get metrics(): Record<string, unknown> {
    // Made on first use: most routes never have their metrics read.
    return this.#metricsProxy ??= liveMetrics(
      () => this.#metrics(),
      (m) => void this.change("metrics", m),
    );
  }

  /** The latest route message from the kernel. */
  get route(): Route | undefined {
    return this.#route;
  }

  /** The fields a route shows in JSON and when printed. */
  protected get shownFields(): readonly string[] {
    return SHOWN;
  }

  /** `route <dst>`, with ` table <id>` outside the main table, for errors and diffs. */
  get label(): string {
    return `route ${this.dst}${this.table !== MAIN_TABLE ? ` table ${this.table}` : ""}`;
  }

  /**
   * The kernel's value of `field` (from the route message), or, while pending,
   * the spec's (destination, table and family normalized).
   */
  protected committed(field: string): unknown {
    const r = this.#route;
    if (!r) {
      const s = this.#spec!;
      if (field === "dst") return canonicalDst(s.dst);
      if (field === "table") return s.table === undefined ? MAIN_TABLE : tableId(s.table);
      if (field === "family") {
        return s.dst !== undefined && s.dst !== "default"
          ? parsePrefix(s.dst, "dst").family
          : AF_INET;
      }
      return s[field];
    }
    if (field === "type") return r.routeType;
    return (r as unknown as Record<string, unknown>)[field];
  }

  /** Destination (`"10.0.0.0/24"` or `"default"`). */
  get dst(): string {
    return this.value("dst") as string;
  }
  /** Table id. */
  get table(): number {
    return this.value("table") as number;
  }
  /** Family. */
  get family(): number {
    return this.committed("family") as number;
  }
  /** Gateway (pending value inside a transaction). */
  get gateway(): string | undefined {
    return this.value("gateway") as string | undefined;
  }
  set gateway(v: string | undefined) {
    this.change("gateway", v);
  }
  /** Output interface index. */
  get oif(): number | undefined {
    return this.value("oif") as number | undefined;
  }
  set oif(v: number | string | undefined) {
    this.change("oif", v === undefined ? undefined : this.#index(v));
  }
  /** Priority (iproute2's metric). */
  get priority(): number | undefined {
    return this.value("priority") as number | undefined;
  }
  set priority(v: number | undefined) {
    this.change("priority", v);
  }
  /** Preferred source. */
  get prefsrc(): string | undefined {
    return this.value("prefsrc") as string | undefined;
  }
  set prefsrc(v: string | undefined) {
    this.change("prefsrc", v);
  }
  /** Route type. */
  get type(): string | number | undefined {
    return this.value("type") as string | number | undefined;
  }
  /** Protocol. */
  get proto(): string | number | undefined {
    return this.value("proto") as string | number | undefined;
  }
  /** Scope. */
  get scope(): string | number | undefined {
    return this.value("scope") as string | number | undefined;
  }
  /** TOS. */
  get tos(): number {
    return (this.value("tos") as number | undefined) ?? 0;
  }
  /** Next hops (pending changes included); a plain route has none. */
  get multipath(): NextHop[] {
    return this.#hops().length > 1 ? this.#hops() : (this.#route?.multipath ?? []);
  }

  /** Sets a field (`gateway`, `oif`, `priority`, `prefsrc`, `type`, `scope`, `proto`, `tos`, `table`, `dst`). */
  set(field: RouteField, v: unknown): this {
    if (!FIELDS.includes(field)) {
      throw new ArgumentError("field", `one of ${FIELDS.join(", ")}`, field);
    }
    if (field === "oif" && v !== undefined) v = this.#index(v as string | number);
    if (field === "dst") v = canonicalDst(v);
    if (field === "table") v = tableId(v);
    return this.change(field, v);
  }

  #index(v: string | number): number {
    const i = (recordInternals.owner(this) as RouteDb).indexOf(v);
    if (i === undefined) throw new ArgumentError("oif", "an interface name or index", v);
    return i;
  }

  #metrics(): Record<string, unknown> {
    const tx = this.txOf();
    if (tx?.set.has("metrics")) return tx.set.get("metrics") as Record<string, unknown>;
    const r = this.#route;
    return (r ? r.metrics : this.#spec?.metrics as Record<string, unknown> | undefined) ?? {};
  }

  /** The committed next hops: the multipath list, or the single gateway/oif. */
  #baseHops(): NextHop[] {
    const r = this.#route;
    const mp = r ? r.multipath : (this.#spec?.multipath as NextHop[] | undefined);
    if (mp && mp.length) return mp.map((h) => ({ ...h }));
    const gateway = this.committed("gateway") as string | undefined;
    const oif = this.committed("oif") as number | undefined;
    if (gateway === undefined && oif === undefined) return [];
    return [{ ...(gateway ? { gateway } : {}), ...(oif !== undefined ? { oif } : {}) }];
  }

  #hops(): NextHop[] {
    const tx = this.txOf();
    let hops = this.#baseHops();
    if (!tx) return hops;
    const del = [...(tx.del.get("multipath")?.values() ?? [])] as NextHop[];
    hops = hops.filter((h) => !del.some((d) => sameHop(h, d)));
    for (const h of tx.add.get("multipath")?.values() ?? []) hops.push(h as NextHop);
    return hops;
  }

  /** Adds a next hop (a plain route becomes multipath). */
  addNh(nh: NextHop): this {
    if (
      typeof nh !== "object" || nh === null || (nh.gateway === undefined && nh.oif === undefined)
    ) {
      throw new ArgumentError("nh", "{ gateway, oif, hops }", nh);
    }
    const hop: NextHop = { ...nh };
    if (hop.oif !== undefined) hop.oif = this.#index(hop.oif as number | string);
    return this.collect("multipath", hopKey(hop), hop, 1);
  }

  /** Removes a next hop (a multipath route of one hop left becomes plain). */
  delNh(nh: NextHop): this {
    const found = this.#hops().find((h) => sameHop(h, nh));
    if (!found) throw new ArgumentError("nh", `a next hop of ${this.label}`, nh);
    return this.collect("multipath", hopKey(found), found, -1);
  }

  /** A copy of the spec a pending route was created from (empty once it mirrors the kernel). */
  protected override spec(): Record<string, unknown> {
    return { ...this.#spec };
  }

  /** The spec of the route as committed (for recreation and undo). */
  #committedSpec(): Spec {
    const s: Spec = { dst: this.committed("dst"), table: this.committed("table") };
    for (const k of ["gateway", "oif", "prefsrc", "priority", "type", "scope", "proto"] as const) {
      const v = this.committed(k);
      if (v !== undefined) s[k] = v;
    }
    const tos = this.committed("tos");
    if (tos) s.tos = tos;
    const m = this.#route?.metrics;
    if (m && Object.keys(m).length) s.metrics = m;
    const mp = this.#route?.multipath;
    if (mp) {
      delete s.gateway;
      delete s.oif;
      s.multipath = mp.map(cleanHop);
    }
    if (this.family === AF_INET6 || this.family === AF_INET) s.family = this.family;
    return s;
  }

  /** The spec after the transaction. */
  #nextSpec(tx: Tx): Spec {
    const s: Spec = this.ipdbScope === "pending" ? { ...this.#spec } : this.#committedSpec();
    for (const [k, v] of tx.set) {
      if (v === undefined) delete s[k];
      else s[k] = v;
    }
    if (tx.add.get("multipath")?.size || tx.del.get("multipath")?.size) {
      const hops = this.#hops().map(cleanHop);
      delete s.multipath;
      delete s.gateway;
      delete s.oif;
      if (hops.length === 1) {
        if (hops[0]!.gateway) s.gateway = hops[0]!.gateway;
        if (hops[0]!.oif) s.oif = hops[0]!.oif;
      } else if (hops.length > 1) s.multipath = hops;
    }
    if (s.dst === "default") s.dst = "default";
    return s;
  }

  /**
   * Builds the steps, each with its undo, that apply `tx`: add, delete, replace,
   * or delete and add when the route's identity (dst, table, priority, tos, family) changes.
   */
  plan(tx: Tx): Step[] {
    if (this.ipdbScope === "pending") {
      if (tx.remove) return [];
      const spec = this.#nextSpec(tx);
      return [routeStep("add", spec, ["del", spec])];
    }
    const old = this.#committedSpec();
    if (tx.remove) return [routeStep("del", old, ["replace", old])];
    const next = this.#nextSpec(tx);
    const identity = ["dst", "table", "priority", "tos", "family"].some((k) =>
      JSON.stringify(next[k]) !== JSON.stringify(old[k])
    );
    if (identity) {
      return [routeStep("del", old, ["replace", old]), routeStep("add", next, ["del", next])];
    }
    return [routeStep("replace", next, ["replace", old])];
  }
}

/** A route step and its one undo step. */
function routeStep(cmd: string, spec: Spec, undo: [string, Spec]): Step {
  const phase = PHASE.routes;
  return {
    object: "route",
    cmd,
    spec,
    phase,
    undo: [{ object: "route", cmd: undo[0], spec: undo[1], phase }],
  };
}

function cleanHop(h: NextHop): NextHop {
  const o: NextHop = {};
  if (h.gateway) o.gateway = h.gateway;
  if (h.oif) o.oif = h.oif;
  if (h.hops) o.hops = h.hops;
  return o;
}

function hopKey(h: NextHop): string {
  return `${h.gateway ?? ""}|${h.oif ?? ""}`;
}

function sameHop(a: NextHop, b: NextHop): boolean {
  return (b.gateway === undefined || a.gateway === b.gateway) &&
    (b.oif === undefined || a.oif === b.oif);
}
