/**
 * The base of IPRoute's typed results: {@link RtMessage}, a `LazyMessage`
 * (core/lazy.ts: a message kept as bytes, decoded on access) named with
 * rtnetlink's message names.
 *
 * @module
 */
import { LazyMessage } from "../core/lazy.ts";
import { type NetlinkProtocol, PROTOCOL } from "../core/protocol.ts";

export { decoderOf, defined } from "../core/lazy.ts";

/**
 * The name of an rtnetlink message type (`16` → `"RTM_NEWLINK"`).
 *
 * @example
 * ```ts
 * import { messageName } from "./message.ts";
 * messageName(24); // "RTM_NEWROUTE"
 * ```
 */
export function messageName(type: number): string {
  return PROTOCOL.ROUTE.messageName(type);
}

/**
 * A decoded rtnetlink message. Subclasses add typed getters.
 *
 * @example
 * ```ts
 * import type { RtMessage } from "./message.ts";
 * function show(m: RtMessage) {
 *   console.log(m.event, m.attrs);
 * }
 * ```
 */
export abstract class RtMessage extends LazyMessage {
  /** rtnetlink: `event` is the RTM name of the message type (`"RTM_NEWROUTE"`). */
  protected get netlinkProtocol(): NetlinkProtocol {
    return PROTOCOL.ROUTE;
  }
}
