/**
 * Link statistics as RTM_GETSTATS answers them (RTM_NEWSTATS): {@link LinkStats}.
 *
 * @module
 */
import { RT_LINK_ATTRS, RT_LINK_STRUCTS } from "../../core/tables/rt_link.ts";
import { LazyMessage, type MessageShape } from "../../core/lazy.ts";
import { defined, rtnetlinkShape } from "../message.ts";
import { SETS } from "../registry.ts";

const IF_STATS_MSG = RT_LINK_STRUCTS.ifStatsMsg;
const IFLA_STATS = RT_LINK_ATTRS.statsAttrs;

const SHAPE = rtnetlinkShape(IF_STATS_MSG, SETS.stats);

/** The counters of struct rtnl_link_stats64, by name (rxPackets, txBytes, rxDropped, …). */
export type LinkCounters = Record<string, bigint>;

/**
 * One interface's statistics, in the groups asked for.
 *
 * @example Counters of a veth after a ping through it
 * ```ts
 * import { IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.link("add", { ifname: "s0", kind: "veth", peer: "s1" });
 * const s = await ipr.stats("get", { index: "s0", groups: ["link64", "offloadXstats"] });
 * assert.equal(s.link64!.rxPackets, 0n);
 * assert.equal(typeof s.offloadXstats, "object");
 * await ipr.link("del", { ifname: "s0" });
 * ```
 */
export class LinkStats extends LazyMessage {
  /** @internal rtnetlink, the fixed header and the attribute table (statsAttrs). */
  protected get shape(): MessageShape {
    return SHAPE;
  }
  /** The interface index. */
  get index(): number {
    return this.hu32(IF_STATS_MSG, "ifindex");
  }
  /** The groups present (IFLA_STATS_FILTER_BIT mask). */
  get filterMask(): number {
    return this.hu32(IF_STATS_MSG, "filterMask");
  }
  /** IFLA_STATS_LINK_64: the 64-bit counters (what `ip -s link` prints). */
  get link64(): LinkCounters | undefined {
    return this.has(IFLA_STATS.link64) ? this.attrs.link64 as LinkCounters : undefined;
  }
  /**
   * IFLA_STATS_LINK_XSTATS: per link type, e.g. `{ bridge: { vlan: [...],
   * mcast, stp } }` (bridge counters need the bridge's vlan_stats_enabled or
   * mcast_stats_enabled).
   */
  get xstats(): Record<string, unknown> | undefined {
    return this.attrs.linkXstats as Record<string, unknown> | undefined;
  }
  /** IFLA_STATS_LINK_XSTATS_SLAVE: a port's counters from its master (`{ bridge: { stp, … } }`). */
  get xstatsSlave(): Record<string, unknown> | undefined {
    return this.attrs.linkXstatsSlave as Record<string, unknown> | undefined;
  }
  /** IFLA_STATS_LINK_OFFLOAD_XSTATS: `cpuHit` counters, hardware statistics info. */
  get offloadXstats(): Record<string, unknown> | undefined {
    return this.attrs.linkOffloadXstats as Record<string, unknown> | undefined;
  }
  /** IFLA_STATS_AF_SPEC: per address family counters, as bytes (MPLS). */
  get afSpec(): Uint8Array | undefined {
    return this.attrs.afSpec as Uint8Array | undefined;
  }
  /** Fields shown by `toJSON()` and inspection. */
  protected fields(): Record<string, unknown> {
    return defined({
      index: this.index,
      link64: this.link64,
      xstats: this.xstats,
      xstatsSlave: this.xstatsSlave,
      offloadXstats: this.offloadXstats,
      afSpec: this.afSpec,
    });
  }
}
