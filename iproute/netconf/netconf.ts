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
 * RTM_NEWNETCONF events and dumps.
 *
 * @example A dump of the IPv4 settings (IPRoute has no netconf method: they come in
 * events, or through the socket)
 * ```ts
 * import { AF_INET, decoderOf, IPRoute, Netconf, RTM } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * const confs = await ipr.socket.dump({
 *   type: RTM.GETNETCONF,
 *   body: (w) => {
 *     w.u8(AF_INET); // struct netconfmsg
 *     w.zeros(3);
 *   },
 * }, { decode: decoderOf(Netconf) }).all();
 * const lo = confs.find((n) => n.index === 1)!;
 * assert.equal(lo.family, AF_INET);
 * assert.equal(lo.forwarding, 0); // a new namespace does not forward
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
  /**
   * Fields shown by `toJSON()` and inspection: the family, the interface as
   * `index` (the getter's name) and every other decoded attribute.
   */
  protected fields(): Record<string, unknown> {
    const { ifindex: _, ...rest } = this.attrs;
    return defined({ family: this.family, index: this.index, ...rest });
  }
}
