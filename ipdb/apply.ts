/**
 * Bringing the indexes to the kernel's state (internal): one event at a time,
 * or a full dump reconciled with the records (identity kept).
 *
 * @module
 */
import type { IPRoute } from "../iproute/iproute.ts";
import type { MonitorEvent } from "../iproute/events.ts";
import { interfaceInternals } from "./interface.ts";
import type { RouteRecord } from "./routes.ts";
import type { RuleRecord } from "./rules.ts";
import type { DbState } from "./state.ts";

/** Applies one rtnetlink event to the indexes (other kinds and overruns change nothing). */
export function applyEvent(state: DbState, e: MonitorEvent): void {
  const present = e.event.startsWith("RTM_NEW");
  switch (e.kind) {
    case "link":
      return present ? state.setLink(e.object) : state.delLink(e.object);
    case "addr":
      return state.setAddr(e.object, present);
    case "route":
      return void (present ? state.setRoute(e.object) : state.delRoute(e.object));
    case "rule":
      return void (present ? state.setRule(e.object) : state.delRule(e.object));
    case "neigh":
      return state.setNeigh(e.object, present);
  }
}

/** Dumps links, addresses, routes, rules and neighbours, and reconciles the records with them. */
export async function loadAll(state: DbState, ipr: IPRoute): Promise<void> {
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
    state.setLink(l);
  }
  for (const [index, i] of [...state.byIndex]) if (!seen.has(index)) state.dropLink(i);
  for (const i of state.byIndex.values()) interfaceInternals.addrs(i).clear();
  for (const a of addrs) state.setAddr(a, true);
  for (const i of state.byIndex.values()) interfaceInternals.neigh(i).clear();
  for (const n of neighs) state.setNeigh(n, true);
  // Bridge port VLANs (AF_BRIDGE link messages; every port is listed).
  for (const i of state.byIndex.values()) interfaceInternals.setVlans(i, []);
  for (const p of await ipr.vlan("dump", {}).all()) {
    const i = state.byIndex.get(p.index);
    if (i) interfaceInternals.setVlans(i, p.vlans);
  }
  // Routes (a reload keeps the records that still exist, and drops the others)
  const reload = state.tables.size > 0;
  const keep = reload ? new Set<RouteRecord>() : undefined;
  for (const r of routes) {
    const rec = state.setRoute(r);
    if (rec && keep) keep.add(rec);
  }
  if (keep) {
    for (const t of state.tables.values()) {
      for (const rec of [...t.byId.values()]) if (!keep.has(rec)) state.unindexRoute(rec, true);
    }
  }
  // Rules
  const keepRules = new Set<RuleRecord>();
  for (const r of rules) keepRules.add(state.setRule(r));
  for (const rec of [...state.rules.values()]) if (!keepRules.has(rec)) state.dropRule(rec);
}
