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
 * @example
 * ```ts
 * import type { Netconf } from "@nlroute/nlroute";
 * function show(n: Netconf) {
 *   console.log(n.index, n.forwarding);
 * }
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
  /** Fields shown by `toJSON()` and inspection: the family and every decoded attribute. */
  protected fields(): Record<string, unknown> {
    return defined({ family: this.family, ...this.attrs });
  }
}
