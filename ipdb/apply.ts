/**
 * Bringing the indexes to the kernel's state (internal): one event at a time,
 * or a full dump reconciled with the records (identity kept).
 *
 * @module
 */
import type { IPRoute } from "../iproute/iproute.ts";
import type { MonitorEvent } from "../iproute/events.ts";
import { interfaceInternals } from "./interface.ts";
import { NetlinkError } from "../core/errors.ts";
import type { Request } from "../core/socket.ts";
import { ROUTE } from "../iproute/route/object.ts";
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

/**
 * Dumps links, addresses, routes, rules and neighbours, and reconciles the
 * records with them. Links and addresses are applied before the routes are
 * dumped; routes are filed as their dump arrives, from its bytes (no object
 * per route).
 */
export async function loadAll(state: DbState, ipr: IPRoute): Promise<void> {
  const links = await ipr.getLinks();
  const addrs = await ipr.getAddr();
  // Links
  const seen = new Set<number>();
  for (const l of links) {
    seen.add(l.index);
    state.setLink(l);
  }
  for (const [index, i] of [...state.byIndex]) if (!seen.has(index)) state.dropLink(i);
  for (const i of state.byIndex.values()) interfaceInternals.addrs(i).clear();
  for (const a of addrs) state.setAddr(a, true);
  // Routes (a reload keeps the routes, and records, that still exist, and drops the others)
  await dumpRoutes(state, ipr);
  const rules = await ipr.getRules();
  const neighs = await ipr.getNeighbours();
  for (const i of state.byIndex.values()) interfaceInternals.neigh(i).clear();
  for (const n of neighs) state.setNeigh(n, true);
  // Bridge port VLANs (AF_BRIDGE link messages; every port is listed).
  for (const i of state.byIndex.values()) interfaceInternals.setVlans(i, []);
  for (const p of await ipr.vlan("dump", {}).all()) {
    const i = state.byIndex.get(p.index);
    if (i) interfaceInternals.setVlans(i, p.vlans);
  }
  // Rules
  const keepRules = new Set<RuleRecord>();
  for (const r of rules) keepRules.add(state.setRule(r));
  for (const rec of [...state.rules.values()]) if (!keepRules.has(rec)) state.dropRule(rec);
}

/** The route dump's request: every route of both families. */
const ROUTE_DUMP: Request = ROUTE.build("dump", {});

/** Dumps every route, filing each message as it arrives; then forgets the routes it did not list. */
async function dumpRoutes(state: DbState, ipr: IPRoute): Promise<void> {
  state.beginRouteDump();
  try {
    await ipr.socket.dump(ROUTE_DUMP, {
      decode: (m) => state.fileDumpedRoute(m),
      // Nothing is collected: the decoder filed it.
      filter: () => false,
    }).all();
  } catch (e) {
    // As IPRoute's route dump: the kernel's "no table" is an empty dump.
    if (!(e instanceof NetlinkError && ROUTE.emptyDumpErrors?.includes(e.code))) throw e;
  }
  state.endRouteDump();
}
