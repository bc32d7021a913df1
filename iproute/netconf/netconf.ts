/**
 * Per-interface IP configuration (forwarding, rp_filter, …) as RTM_NEWNETCONF
 * events report it: {@link Netconf}.
 *
 * @module
 */
import { RTNETLINK_STRUCTS } from "../../core/tables/constants.ts";
import { LazyMessage, type MessageShape } from "../../core/lazy.ts";
import { defined, rtnetlinkShape } from "../message.ts";
import { SETS } from "../registry.ts";

const NETCONFMSG = RTNETLINK_STRUCTS.netconfmsg;

const SHAPE = rtnetlinkShape(NETCONFMSG, SETS.netconf);

/**
 * Per-interface IP configuration (forwarding, rp_filter, …) from
 * RTM_NEWNETCONF events, `ipr.netconf("get" | "dump")`.
 *
 * @example The IPv4 settings of loopback, and of the `all` pseudo interface
 * ```ts
 * import { AF_INET, IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * const lo = await ipr.netconf("get", { index: "lo", family: "inet" });
 * assert.equal(lo.family, AF_INET);
 * assert.equal(lo.forwarding, 0); // a new namespace does not forward
 * const all = await ipr.netconf("dump", { index: "all" }).all();
 * assert.deepEqual(all.map((n) => n.index), [-1, -1]); // inet and inet6
 * ```
 */
export class Netconf extends LazyMessage {
  /** @internal rtnetlink, the fixed header and the attribute table (netconfAttrs). */
  protected get shape(): MessageShape {
    return SHAPE;
  }
  /** AF_INET or AF_INET6. */
  get family(): number {
    return this.bytes[this.off + NETCONFMSG.at.ncmFamily]!;
  }
  /** Interface index (-1: all, -2: default). */
  get index(): number | undefined {
    return this.attrs.ifindex as number | undefined;
  }
  /** Forwarding enabled. */
  get forwarding(): number | undefined {
    return this.attrs.forwarding as number | undefined;
  }
  /** Reverse path filter mode. */
  get rpFilter(): number | undefined {
    return this.attrs.rpFilter as number | undefined;
  }
  /** Multicast forwarding enabled (read only: set by a multicast routing daemon). */
  get mcForwarding(): number | undefined {
    return this.attrs.mcForwarding as number | undefined;
  }
  /** Proxy ARP / NDP enabled. */
  get proxyNeigh(): number | undefined {
    return this.attrs.proxyNeigh as number | undefined;
  }
  /** Routes over a link that is down are ignored. */
  get ignoreRoutesWithLinkdown(): number | undefined {
    return this.attrs.ignoreRoutesWithLinkdown as number | undefined;
  }
  /** MPLS: input enabled. */
  get input(): number | undefined {
    return this.attrs.input as number | undefined;
  }
  /** IPv4: directed broadcast forwarding. */
  get bcForwarding(): number | undefined {
    return this.attrs.bcForwarding as number | undefined;
  }
  /**
   * Fields shown by `toJSON()` and inspection: the family, the interface as
   * `index` (the getter's name) and every other decoded attribute.
   */
  protected fields(): Record<string, unknown> {
    const { ifindex: _, ...rest } = this.attrs;
    return defined({ family: this.family, index: this.index, ...rest });
  }
}
