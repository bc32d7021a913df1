/**
 * One routing table's index (internal): its routes in a compact store (see
 * route_store.ts) filed by identity and by destination with direct lookups
 * (no scans), and the records of the routes that were read, made on first
 * read and kept (a record keeps its identity for as long as its route lives).
 *
 * @module
 */
import { type RouteDb, routeInternals, type RouteRecord } from "./routes.ts";
import { RouteStore } from "./route_store.ts";

/** The routes of one table, by identity and by destination. */
export class RouteTable {
  /** Table id. */
  readonly id: number;
  /** The routes. */
  readonly store: RouteStore<RouteRecord>;
  readonly #owner: RouteDb;

  /** An empty table `id` of the database `owner`. */
  constructor(id: number, owner: RouteDb) {
    this.id = id;
    this.#owner = owner;
    this.store = new RouteStore((rec, slot) => routeInternals.place(rec, slot, id));
  }

  /** Number of routes. */
  get size(): number {
    return this.store.size;
  }

  /** The record of slot `s` (made now when none was). */
  recordAt(s: number): RouteRecord {
    let rec = this.store.record(s);
    if (rec === undefined) {
      rec = routeInternals.create(this.#owner, this.store.route(s));
      routeInternals.place(rec, s, this.id);
      this.store.setRecord(s, rec);
    }
    return rec;
  }

  /** Makes `rec` (a record claimed by a commit) the record of slot `s`. */
  attach(rec: RouteRecord, s: number): void {
    routeInternals.place(rec, s, this.id);
    this.store.setRecord(s, rec);
  }

  /** Every route's record, in filing order (made as they are reached). */
  *records(): Generator<RouteRecord> {
    for (const s of this.store.slots()) yield this.recordAt(s);
  }

  /** The records made so far. */
  madeRecords(): RouteRecord[] {
    return this.store.records();
  }

  /** Removes slot `s`'s route; returns its record (now unfiled), if it had one. */
  removeSlot(s: number): RouteRecord | undefined {
    const rec = this.store.remove(s);
    if (rec) routeInternals.place(rec, -1, this.id);
    return rec;
  }

  /** Removes a record's route; false when it is not filed here. */
  remove(rec: RouteRecord): boolean {
    const s = routeInternals.slot(rec);
    if (s < 0 || routeInternals.table(rec) !== this.id || this.store.record(s) !== rec) {
      return false;
    }
    this.removeSlot(s);
    return true;
  }

  /** The first record with this destination key. */
  first(dst: string): RouteRecord | undefined {
    const slots = this.store.dstSlots(dst);
    return slots.length ? this.recordAt(slots[0]!) : undefined;
  }

  /** Every record with this destination key. */
  all(dst: string): RouteRecord[] {
    return this.store.dstSlots(dst).map((s) => this.recordAt(s));
  }
}
