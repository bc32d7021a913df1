/**
 * What IPRoute's typed results share: they are `LazyMessage`s (core/lazy.ts:
 * a message kept as bytes, decoded on access) with an rtnetlink shape, named
 * with rtnetlink's message names.
 *
 * @module
 */
import { LazyMessage, type MessageShape, messageShape } from "../core/lazy.ts";
import type { StructLayout } from "../core/layout.ts";
import { PROTOCOL } from "../core/protocol.ts";
import type { AttrSet } from "../core/schema.ts";

export { decoderOf, defined } from "../core/lazy.ts";

/**
 * The name of an rtnetlink message type (`16` → `"RTM_NEWLINK"`).
 *
 * @example
 * ```ts
 * import { messageName, RTM } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * assert.equal(messageName(RTM.NEWROUTE), "RTM_NEWROUTE");
 * assert.equal(messageName(RTM.GETLINK), "RTM_GETLINK");
 * ```
 */
export function messageName(type: number): string {
  return PROTOCOL.ROUTE.messageName(type);
}

/**
 * The shape of an rtnetlink result class: rtnetlink's protocol declaration
 * (which names `event`: `"RTM_NEWROUTE"`), its fixed header and attribute table.
 */
export function rtnetlinkShape(header: StructLayout | undefined, attrSet: AttrSet): MessageShape {
  return messageShape(PROTOCOL.ROUTE, header, attrSet);
}

/**
 * A decoded rtnetlink message: every result class (Link, Route, …) is a
 * `LazyMessage` with an rtnetlink shape. (The name is kept for code that
 * checks `instanceof RtMessage` or types with it.)
 */
export { LazyMessage as RtMessage };
