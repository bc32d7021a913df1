/**
 * Neighbour tables (ARP's `arp_cache`, NDP's `ndisc_cache`) as the kernel
 * reports them (RTM_NEWNEIGHTBL): {@link NeighTable}.
 *
 * @module
 */
import { RT_NEIGH_ATTRS, RT_NEIGH_STRUCTS } from "../../core/tables/rt_neigh.ts";
import { LazyMessage, type MessageShape } from "../../core/lazy.ts";
import { defined, rtnetlinkShape } from "../message.ts";
import { SETS } from "../registry.ts";

const NDTA = RT_NEIGH_ATTRS.ndtAttrs;
const NDTMSG = RT_NEIGH_STRUCTS.ndtmsg;

const SHAPE = rtnetlinkShape(NDTMSG, SETS.ntable);

/** Numbers as numbers: the kernel sends times (milliseconds) and counters as u64. */
function plain(v: unknown): Record<string, number> | undefined {
  if (v === undefined || v === null || typeof v !== "object") return undefined;
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x === "bigint") out[k] = Number(x);
    else if (typeof x === "number") out[k] = x;
  }
  return out;
}

/**
 * One neighbour table message: the table-wide entry (thresholds, gc
 * interval, config, statistics and the default parameters) or one
 * interface's parameters (`index` set, `parms` only), as `ip ntable show`
 * lists them.
 *
 * @example The ARP table's thresholds and loopback's reachable time
 * ```ts
 * import { IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.ntable("set", { name: "arp_cache", index: "lo", parms: { baseReachableTime: 12000 } });
 * const [table] = await ipr.getNeighTables({ name: "arp_cache", index: 0 });
 * assert.equal(typeof table!.thresh1, "number");
 * const [lo] = await ipr.getNeighTables({ name: "arp_cache", index: "lo" });
 * assert.equal(lo!.parms!.baseReachableTime, 12000);
 * ```
 */
export class NeighTable extends LazyMessage {
  /** @internal rtnetlink, the fixed header and the attribute table (ndtAttrs). */
  protected get shape(): MessageShape {
    return SHAPE;
  }
  /** AF_INET (arp_cache) or AF_INET6 (ndisc_cache). */
  get family(): number {
    return this.hu8(NDTMSG, "family");
  }
  /** The table's name. */
  get name(): string | undefined {
    return this.str(NDTA.name);
  }
  /** The interface of a per-interface entry (0 for the table-wide one). */
  get index(): number {
    return (this.parms?.ifindex as number | undefined) ?? 0;
  }
  /** Garbage collection: no collection below this many entries. */
  get thresh1(): number | undefined {
    return this.u32(NDTA.thresh1);
  }
  /** Garbage collection: the soft maximum. */
  get thresh2(): number | undefined {
    return this.u32(NDTA.thresh2);
  }
  /** Garbage collection: the hard maximum. */
  get thresh3(): number | undefined {
    return this.u32(NDTA.thresh3);
  }
  /** Garbage collection interval, milliseconds. */
  get gcInterval(): number | undefined {
    const v = this.attrs.gcInterval;
    return typeof v === "bigint" ? Number(v) : v as number | undefined;
  }
  /** The table's configuration (struct ndt_config: key length, entries, hash…). */
  get config(): Record<string, number> | undefined {
    return plain(this.attrs.config);
  }
  /** The table's counters (struct ndt_stats: allocs, lookups, hits, …). */
  get stats(): Record<string, number> | undefined {
    return plain(this.attrs.stats);
  }
  /**
   * The parameters (NDTA_PARMS): `baseReachableTime`, `retransTime`,
   * `gcStaletime`, `delayProbeTime` … in milliseconds, `queueLen`,
   * `ucastProbes` … as counts; `ifindex` for a per-interface entry.
   */
  get parms(): Record<string, number> | undefined {
    return plain(this.attrs.parms);
  }
  /** Fields shown by `toJSON()` and inspection. */
  protected fields(): Record<string, unknown> {
    return defined({
      family: this.family,
      name: this.name,
      index: this.index,
      thresh1: this.thresh1,
      thresh2: this.thresh2,
      thresh3: this.thresh3,
      gcInterval: this.gcInterval,
      config: this.config,
      stats: this.stats,
      parms: this.parms,
    });
  }
}
