/**
 * One routing table's index (internal): route records by id and by
 * destination, filed and removed with direct lookups (no scans).
 *
 * @module
 */
import { routeInternals, type RouteRecord } from "./routes.ts";

/** The records of one routing table, by id and by destination. */
export class RouteTable {
  /** Table id. */
  readonly id: number;
  /** Records by id (see `routeId` in keys.ts). */
  readonly byId: Map<string, RouteRecord> = new Map();
  /** Records by destination: one, or an array when several share it. */
  readonly byDst: Map<string, RouteRecord | RouteRecord[]> = new Map();

  /** An empty table `id`. */
  constructor(id: number) {
    this.id = id;
  }

  /** Files a record under its id and destination. */
  insert(rec: RouteRecord, id: string, dst: string): void {
    routeInternals.place(rec, id, dst, this.id);
    this.byId.set(id, rec);
    const cur = this.byDst.get(dst);
    if (cur === undefined) this.byDst.set(dst, rec);
    else if (Array.isArray(cur)) cur.push(rec);
    else this.byDst.set(dst, [cur, rec]);
  }

  /** Removes a record; false when it is not filed here. */
  remove(rec: RouteRecord): boolean {
    const id = routeInternals.id(rec);
    if (this.byId.get(id) !== rec) return false;
    this.byId.delete(id);
    const dst = routeInternals.dst(rec);
    const cur = this.byDst.get(dst);
    if (cur === rec) this.byDst.delete(dst);
    else if (Array.isArray(cur)) {
      const k = cur.indexOf(rec);
      if (k >= 0) cur.splice(k, 1);
      if (cur.length === 1) this.byDst.set(dst, cur[0]!);
      else if (cur.length === 0) this.byDst.delete(dst);
    }
    return true;
  }

  /** The first record with this destination key. */
  first(dst: string): RouteRecord | undefined {
    const v = this.byDst.get(dst);
    return Array.isArray(v) ? v[0] : v;
  }

  /** Every record with this destination key. */
  all(dst: string): RouteRecord[] {
    const v = this.byDst.get(dst);
    return v === undefined ? [] : Array.isArray(v) ? [...v] : [v];
  }
}
