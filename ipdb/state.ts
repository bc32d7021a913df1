/**
 * The database's indexes (internal): interfaces by index and name, routing
 * tables, rules, the records waiting to be created, and the changes events
 * make to them. While a commit runs, kernel objects its steps create are
 * claimed by the records that asked for them (a pending interface by its
 * name, a route or rule by its spec), so records keep their identity.
 *
 * @module
 */
import { AF_BRIDGE, AF_INET } from "../core/address.ts";
import { PortVlans } from "../iproute/vlan/vlan.ts";

/** The port VLAN view of an AF_BRIDGE link message (the same bytes). */
function portVlansOf(l: Link): PortVlans {
  const raw = l.raw();
  return new PortVlans(
    raw,
    new DataView(raw.buffer, raw.byteOffset, raw.byteLength),
    0,
    raw.length,
    l.type,
  );
}
import type { Address } from "../iproute/addr/address.ts";
import type { Link } from "../iproute/link/link.ts";
import type { Neighbour } from "../iproute/neigh/neighbour.ts";
import type { Route } from "../iproute/route/route.ts";
import type { Rule } from "../iproute/rule/rule.ts";
import type { Spec } from "../iproute/spec.ts";
import { Interface, type InterfaceDb, interfaceInternals, type IpAddr } from "./interface.ts";
import { addrKeyOf, neighKey, routeMatches, ruleKeyOf, ruleMatches } from "./keys.ts";
import type { MessageRef } from "../core/message.ts";
import { NLMSG_HDRLEN } from "../core/codec.ts";
import { readPlace } from "./route_store.ts";
import type { Step } from "./plan.ts";
import type { Record_ } from "./record.ts";
import { type RouteDb, routeInternals, RouteRecord } from "./routes.ts";
import { ruleInternals, RuleRecord } from "./rules.ts";
import { RouteTable } from "./table.ts";

/** What the state calls back into the database for. */
export interface StateHooks {
  /** Applies queued events (reads are current). */
  sync(): void;
  /** Commits records' current transactions together. */
  commit(records: readonly Record_[]): Promise<void>;
}

/** Kernel objects a running commit waits for, and the records that claim them. */
interface Claims {
  /** Interface records that may take a new link of their name: pending ones of the commit, and those it removed. */
  links: Set<Interface>;
  /** Names `link add` steps of the commit create. */
  names: Set<string>;
  /** Route records and the spec of the route their step adds. */
  routes: { record: RouteRecord; spec: Spec }[];
  /** Rule records and the spec of the rule their step adds. */
  rules: { record: RuleRecord; spec: Spec }[];
}

const ROUTE_ADDS = new Set(["add", "replace", "append", "change"]);

/** IPv4 routes through a link that goes down, which the kernel flushes silently (its local ones stay). */
const DOWN_FLUSHED = (r: Route) => r.family === AF_INET && r.routeType !== "local";
const isIPv4 = (r: Route) => r.family === AF_INET;

/** Builds `ipaddr` entries from address messages. */
function ipAddrOf(a: Address): IpAddr {
  const out: IpAddr = {
    address: a.address ?? a.local ?? "",
    prefixlen: a.prefixlen,
    family: a.family,
  };
  if (a.broadcast) out.broadcast = a.broadcast;
  if (a.label) out.label = a.label;
  // IFA_F_SECONDARY (the same bit is IFA_F_TEMPORARY for IPv6).
  if (a.family === AF_INET && a.flags.includes("secondary")) out.secondary = true;
  return out;
}

/** The indexes, what records ask of their database, and the changes events make. */
export class DbState implements InterfaceDb, RouteDb {
  /** Transaction mode. */
  readonly mode: "implicit" | "explicit";
  /** Interfaces by index. */
  readonly byIndex: Map<number, Interface> = new Map();
  /** Interfaces by name. */
  readonly byName: Map<string, Interface> = new Map();
  /** Interfaces waiting to be created. */
  readonly pendingIfaces: Set<Interface> = new Set();
  /** Routing tables by id. */
  readonly tables: Map<number, RouteTable> = new Map();
  /** Routes waiting to be created. */
  readonly pendingRoutes: Set<RouteRecord> = new Set();
  /** Rules by key. */
  readonly rules: Map<string, RuleRecord> = new Map();
  /** Rules waiting to be created. */
  readonly pendingRules: Set<RuleRecord> = new Set();
  readonly #ignore: Set<number>;
  readonly #hooks: StateHooks;
  #claims: Claims | undefined;

  /** Empty indexes; `ignoreTables` are not tracked. */
  constructor(
    mode: "implicit" | "explicit",
    ignoreTables: readonly number[],
    hooks: StateHooks,
  ) {
    this.mode = mode;
    this.#ignore = new Set(ignoreTables);
    this.#hooks = hooks;
  }

  // -- what records ask -------------------------------------------------------

  /** Commits records' current transactions together. */
  commitRecords(records: readonly Record_[]): Promise<void> {
    return this.#hooks.commit(records);
  }

  /** An interface by name, index or record (events are applied first). */
  findInterface(ref: string | number | Interface): Interface | undefined {
    this.#hooks.sync();
    if (ref instanceof Interface) return ref;
    if (typeof ref === "number") return this.byIndex.get(ref);
    return this.byName.get(ref) ?? [...this.pendingIfaces].find((i) => i.ifname === ref);
  }

  /** Every interface record, pending ones included (events are applied first). */
  allInterfaces(): Interface[] {
    this.#hooks.sync();
    return [...this.byIndex.values(), ...this.pendingIfaces];
  }

  /** The index of an interface name (a number is returned as is). */
  indexOf(ref: string | number): number | undefined {
    return typeof ref === "number" ? ref : this.findInterface(ref)?.index || undefined;
  }

  /** The name of an interface index, if known. */
  nameOf(index: number): string | undefined {
    return this.byIndex.get(index)?.ifname;
  }

  /** Routes (all tables) that go through one of these interface indexes. */
  routesThrough(indexes: readonly number[]): Route[] {
    const out: Route[] = [];
    for (const t of this.tables.values()) {
      const store = t.store;
      for (const s of store.slots()) {
        const oif = store.oif(s);
        if (oif !== undefined && indexes.includes(oif)) out.push(store.route(s));
        else if (store.multipath(s)) {
          const r = store.route(s);
          if (r.multipath?.some((h) => h.oif !== undefined && indexes.includes(h.oif))) out.push(r);
        }
      }
    }
    return out;
  }

  /** Every record of the database (pending ones included), for a global commit. */
  records(): Record_[] {
    return [
      ...this.byIndex.values(),
      ...this.pendingIfaces,
      // Only records that were read can hold a transaction.
      ...[...this.tables.values()].flatMap((t) => t.madeRecords()),
      ...this.pendingRoutes,
      ...this.rules.values(),
      ...this.pendingRules,
    ];
  }

  /** Table `id`, created empty on first use. */
  table(id: number): RouteTable {
    let t = this.tables.get(id);
    if (!t) this.tables.set(id, t = new RouteTable(id, this));
    return t;
  }

  // -- links, addresses, neighbours ---------------------------------------------

  /** Files a link message: updates its record, or makes (or claims) one. */
  setLink(l: Link): void {
    // AF_BRIDGE link messages describe bridge ports (their VLANs), not links.
    if (l.family === AF_BRIDGE) {
      const i = this.byIndex.get(l.index);
      if (i) interfaceInternals.setVlans(i, portVlansOf(l).vlans);
      return;
    }
    let i = this.byIndex.get(l.index);
    // The kernel's name so far (inside a transaction `ifname` reads the pending one).
    const oldName = i?.link?.ifname;
    const wasUp = i?.link?.state === "up";
    if (i) interfaceInternals.update(i, l);
    else {
      i = this.#claimLink(l) ?? interfaceInternals.create(this, l);
      this.byIndex.set(l.index, i);
    }
    const name = l.ifname;
    if (oldName !== undefined && oldName !== name && this.byName.get(oldName) === i) {
      this.byName.delete(oldName);
    }
    if (name !== undefined) this.byName.set(name, i);
    // IPv4 routes through a link that goes down are flushed without notification
    // (all but its local addresses' routes).
    if (wasUp && l.state === "down") this.#flushRoutesVia(l.index, DOWN_FLUSHED);
  }

  /** A record of the running commit that takes the new link `l` (by name). */
  #claimLink(l: Link): Interface | undefined {
    const c = this.#claims;
    if (!c || l.ifname === undefined || !c.names.has(l.ifname)) return undefined;
    for (const i of c.links) {
      if (i.ipdbScope === "system" || i.ifname !== l.ifname) continue;
      c.links.delete(i);
      this.pendingIfaces.delete(i);
      interfaceInternals.addrs(i).clear();
      interfaceInternals.neigh(i).clear();
      interfaceInternals.update(i, l);
      return i;
    }
    return undefined;
  }

  /** Files a link removal (an AF_BRIDGE one only says a port left its bridge). */
  delLink(l: Link): void {
    if (l.family === AF_BRIDGE) {
      // The port left its bridge (or its VLAN information went): no VLANs.
      const i = this.byIndex.get(l.index);
      if (i) interfaceInternals.setVlans(i, []);
      return;
    }
    const i = this.byIndex.get(l.index);
    if (i) this.dropLink(i);
  }

  /** Forgets a link that is gone (its routes go with it). */
  dropLink(i: Interface): void {
    this.byIndex.delete(i.index);
    const name = i.link?.ifname;
    if (name !== undefined && this.byName.get(name) === i) this.byName.delete(name);
    i.ipdbScope = "removed";
    this.#claims?.links.add(i);
    // The kernel drops routes through a deleted link, IPv4 ones without notification.
    this.#flushRoutesVia(i.index, () => true);
  }

  /** Forgets the routes through `index` (every next hop through it) that `which` says the kernel flushed. */
  #flushRoutesVia(index: number, which: (r: Route) => boolean): void {
    for (const t of this.tables.values()) {
      const store = t.store;
      for (const s of store.slots()) {
        // Only routes through `index` are read further.
        const multi = store.multipath(s);
        if (!multi && store.oif(s) !== index) continue;
        const r = store.record(s)?.route ?? store.route(s);
        if (!which(r)) continue;
        const mp = r.multipath;
        if (
          r.oif === index || (mp !== undefined && mp.length > 0 && mp.every((h) => h.oif === index))
        ) {
          const rec = t.removeSlot(s);
          if (rec) rec.ipdbScope = "removed";
        }
      }
    }
  }

  /** Files (`present`) or forgets an address. */
  setAddr(a: Address, present: boolean): void {
    const i = this.byIndex.get(a.index);
    if (!i) return;
    const addrs = interfaceInternals.addrs(i);
    if (present) addrs.set(addrKeyOf(a), ipAddrOf(a));
    else if (addrs.delete(addrKeyOf(a)) && a.family === AF_INET) {
      // A link that loses its last IPv4 address has IPv4 disabled: the kernel
      // flushes its IPv4 routes (every type, every table) without notification.
      for (const x of addrs.values()) if (x.family === AF_INET) return;
      this.#flushRoutesVia(i.index, isIPv4);
    }
  }

  /** Files (`present`) or forgets a neighbour (bridge fdb entries are not neighbours). */
  setNeigh(n: Neighbour, present: boolean): void {
    const i = this.byIndex.get(n.index);
    if (!i) return;
    if (present && n.family !== AF_BRIDGE) interfaceInternals.neigh(i).set(neighKey(n), n);
    else if (!present) interfaceInternals.neigh(i).delete(neighKey(n));
  }

  // -- routes ------------------------------------------------------------------

  /**
   * Files a route message: replaces the message of the route with its
   * identity (and updates its record, if one was made), or files a new route
   * (claimed by a record of the running commit that made it, if any; other
   * records are made when read).
   */
  setRoute(r: Route): void {
    const off = r.off - NLMSG_HDRLEN;
    const p = readPlace(r.bytes, r.dv, off, r.end - off);
    if (this.#ignore.has(p.table)) return;
    const t = this.table(p.table);
    const s = t.store.put(r.bytes, r.dv, off, r.end - off);
    if (!t.store.lastAdded) {
      const rec = t.store.record(s);
      if (rec) routeInternals.mirror(rec, r);
      return;
    }
    const rec = this.#claimRoute(r);
    if (rec) t.attach(rec, s);
  }

  /** Marks every route unseen: a dump of routes starts (see {@link fileDumpedRoute}). */
  beginRouteDump(): void {
    for (const t of this.tables.values()) t.store.unsee();
  }

  /**
   * Files a route message of a dump (as {@link setRoute}, from the dump's
   * bytes: no object is made unless a record exists or a commit waits for it)
   * and marks it seen.
   */
  fileDumpedRoute(m: MessageRef): void {
    const p = readPlace(m.bytes, m.dv, m.offset, m.length);
    if (this.#ignore.has(p.table)) return;
    const t = this.table(p.table);
    const store = t.store;
    const s = store.put(m.bytes, m.dv, m.offset, m.length);
    store.see(s);
    if (!store.lastAdded) {
      const rec = store.record(s);
      if (rec) routeInternals.mirror(rec, store.route(s));
    } else if (this.#claims?.routes.length) {
      const rec = this.#claimRoute(store.route(s));
      if (rec) t.attach(rec, s);
    }
  }

  /** A dump of routes ended: the routes it did not list are gone. */
  endRouteDump(): void {
    for (const t of this.tables.values()) {
      for (const s of t.store.unseen()) {
        const rec = t.removeSlot(s);
        if (rec) rec.ipdbScope = "removed";
      }
    }
  }

  /** A route record of the running commit whose step made the new route `r`. */
  #claimRoute(r: Route): RouteRecord | undefined {
    const list = this.#claims?.routes;
    const k = list?.findIndex((e) => routeMatches(e.spec, r, (n) => this.byName.get(n)?.index));
    if (list === undefined || k === undefined || k < 0) return undefined;
    const rec = list.splice(k, 1)[0]!.record;
    this.unindexRoute(rec, false);
    this.pendingRoutes.delete(rec);
    routeInternals.mirror(rec, r);
    return rec;
  }

  /** Forgets a route that is gone. */
  delRoute(r: Route): void {
    const off = r.off - NLMSG_HDRLEN;
    const p = readPlace(r.bytes, r.dv, off, r.end - off);
    const t = this.tables.get(p.table);
    const s = t ? t.store.find(r.bytes) : -1;
    if (s < 0) return;
    const rec = t!.removeSlot(s);
    if (rec) rec.ipdbScope = "removed";
  }

  /** Takes a record out of its table (`removed`: the kernel route is gone). */
  unindexRoute(rec: RouteRecord, removed: boolean): void {
    this.tables.get(routeInternals.table(rec))?.remove(rec);
    if (removed) rec.ipdbScope = "removed";
  }

  // -- rules --------------------------------------------------------------------

  /** Files a rule message: updates its record, or makes (or claims) one. */
  setRule(r: Rule): RuleRecord {
    const key = ruleKeyOf(r);
    let rec = this.rules.get(key);
    if (rec) ruleInternals.mirror(rec, r);
    else {
      rec = this.#claimRule(r) ?? ruleInternals.create(this, r);
      ruleInternals.setKey(rec, key);
      this.rules.set(key, rec);
    }
    return rec;
  }

  /** A rule record of the running commit whose step made the new rule `r`. */
  #claimRule(r: Rule): RuleRecord | undefined {
    const list = this.#claims?.rules;
    const k = list?.findIndex((e) => ruleMatches(e.spec, r));
    if (list === undefined || k === undefined || k < 0) return undefined;
    const rec = list.splice(k, 1)[0]!.record;
    if (this.rules.get(ruleInternals.key(rec)) === rec) this.rules.delete(ruleInternals.key(rec));
    this.pendingRules.delete(rec);
    ruleInternals.mirror(rec, r);
    return rec;
  }

  /** Forgets a rule that is gone. */
  delRule(r: Rule): void {
    const key = ruleKeyOf(r);
    const rec = this.rules.get(key);
    if (rec) this.dropRule(rec);
  }

  /** Forgets a rule record. */
  dropRule(rec: RuleRecord): void {
    this.rules.delete(ruleInternals.key(rec));
    rec.ipdbScope = "removed";
  }

  // -- commits --------------------------------------------------------------------

  /** A commit of `records` starts: the kernel objects its steps make will be claimed. */
  beginCommit(records: readonly Record_[]): void {
    const links = new Set<Interface>();
    for (const r of records) if (r instanceof Interface && r.ipdbScope === "pending") links.add(r);
    this.#claims = { links, names: new Set(), routes: [], rules: [] };
  }

  /** A step of the commit (made by `owner`) is about to be sent: remember what it creates. */
  expect(step: Step, owner: Record_ | undefined): void {
    const c = this.#claims;
    if (!c) return;
    const s = step.spec;
    if (step.object === "link" && step.cmd === "add") {
      if (typeof s.ifname === "string") c.names.add(s.ifname);
      const peer = typeof s.peer === "string" ? s.peer : (s.peer as Spec | undefined)?.ifname;
      if (typeof peer === "string") c.names.add(peer);
    } else if (step.object === "route" && ROUTE_ADDS.has(step.cmd)) {
      if (owner instanceof RouteRecord) c.routes.push({ record: owner, spec: s });
    } else if (step.object === "rule" && step.cmd === "add") {
      if (owner instanceof RuleRecord) c.rules.push({ record: owner, spec: s });
    }
  }

  /** The commit ended: nothing more is claimed. */
  endCommit(): void {
    this.#claims = undefined;
  }

  /** Makes a record pending again (its creation was rolled back). */
  revert(r: Record_): void {
    if (r instanceof Interface) {
      if (this.byIndex.get(r.index) === r) this.byIndex.delete(r.index);
      for (const [name, i] of this.byName) if (i === r) this.byName.delete(name);
      interfaceInternals.revert(r);
      this.pendingIfaces.add(r);
    } else if (r instanceof RouteRecord) {
      this.unindexRoute(r, false);
      routeInternals.mirror(r, undefined);
      this.pendingRoutes.add(r);
    } else if (r instanceof RuleRecord) {
      if (this.rules.get(ruleInternals.key(r)) === r) this.rules.delete(ruleInternals.key(r));
      ruleInternals.mirror(r, undefined);
      this.pendingRules.add(r);
    }
  }

  /** Records a commit created are no longer waiting. */
  settled(r: Record_): void {
    if (r instanceof Interface) this.pendingIfaces.delete(r);
    else if (r instanceof RouteRecord) this.pendingRoutes.delete(r);
    else if (r instanceof RuleRecord) this.pendingRules.delete(r);
  }
}
