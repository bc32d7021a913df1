/**
 * Typed rtnetlink events: every multicast message decoded into the same classes
 * IPRoute returns (Link, Address, Route, Neighbour, Rule, Nexthop, Netconf, Nsid).
 * The decoder, the event types and the monitor's group names derive from the
 * object declarations (`objects.ts`).
 *
 * @module
 */
import { type MessageRef, type NetlinkMessage, rawDecoder } from "../core/socket.ts";
import { type RTM, RTNLGRP } from "../core/tables/constants.ts";
import { ArgumentError } from "../core/errors.ts";
import { messageName } from "./message.ts";
import type { GroupOf, ObjectDef } from "./object.ts";
import { BY_MESSAGE, EVENT_OBJECTS } from "./objects.ts";

/** Events of one object type. */
export interface KindEvent<K extends string, E extends string, T> {
  /** The rtnetlink message name. */
  readonly event: E;
  /** The object type (`link`, `route`, …). */
  readonly kind: K;
  /** The decoded object, the same class IPRoute returns. */
  readonly object: T;
}

/** A lost-events notice (the kernel's buffer or this consumer's queue overflowed). */
export interface OverrunEvent {
  /** Always `"overrun"`. */
  readonly event: "overrun";
  /** Always `"overrun"` (so {@link MonitorEvent} narrows on `kind` too). */
  readonly kind: "overrun";
  /** Where messages were lost. */
  readonly source: "kernel" | "queue";
  /** How many this consumer dropped (0 when the kernel dropped an unknown number). */
  readonly lost: number;
}

/** The name of the rtnetlink message type `V` (`24` → `"RTM_NEWROUTE"`). */
export type RtmName<V> = {
  [K in keyof typeof RTM]: (typeof RTM)[K] extends V ? `RTM_${K & string}` : never;
}[keyof typeof RTM];
/** The event type of an object declaration: its name, message names and result. */
export type EventOf<D> = D extends ObjectDef<infer N, infer T, infer _S, infer _C, infer E>
  ? KindEvent<N, RtmName<E>, T>
  : never;

/** A monitor group name: an object type's name (all its groups), or one group (`ipv4-route`, …). */
export type GroupName =
  | typeof EVENT_OBJECTS[number]["name"]
  | GroupOf<typeof EVENT_OBJECTS[number]>
  | "ipv6-prefix";

/** What a consumer can select events by: their kind (`link`, …) or message name (`RTM_NEWLINK`, …). */
export type EventSelector = MonitorEvent["kind"] | RtmName<number>;

/** A typed rtnetlink event. Narrow on `kind` (or `event`). */
export type MonitorEvent =
  | EventOf<typeof EVENT_OBJECTS[number]>
  | KindEvent<"other", string, NetlinkMessage>
  | OverrunEvent;

/**
 * Decodes a multicast rtnetlink message into a {@link MonitorEvent}.
 *
 * @example Typed events on a plain socket
 * ```ts
 * import {
 *   decodeEvent,
 *   groupNumbers,
 *   IPRoute,
 *   type MonitorEvent,
 *   NetlinkSocket,
 * } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using sock = NetlinkSocket.open({
 *   netns: "blue",
 *   groups: groupNumbers(["link"]),
 *   decodeEvent,
 * });
 * const events = sock.subscribe<MonitorEvent>();
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.link("add", { ifname: "e0", kind: "veth", peer: "e1" });
 * const { value: e } = await events.next();
 * assert.ok(e.kind === "link");
 * assert.equal(e.event, "RTM_NEWLINK");
 * assert.ok(["e0", "e1"].includes(e.object.ifname));
 * await ipr.link("del", { ifname: "e0" });
 * ```
 */
export function decodeEvent(m: MessageRef): MonitorEvent {
  const def = BY_MESSAGE[m.type];
  const event = messageName(m.type);
  if (!def) return { event, kind: "other", object: rawDecoder(m) };
  return { event, kind: def.name, object: def.decode(m) } as MonitorEvent;
}

/**
 * Group names accepted by the monitor: each object type's name (all its
 * groups), each group's own name (`ipv4-route`, …), and the groups of no
 * object type (`ipv6-prefix`).
 */
export const GROUPS: Readonly<Record<string, readonly number[]>> = (() => {
  const out: Record<string, number[]> = {};
  for (const def of EVENT_OBJECTS) {
    const own = Object.entries(def.groups ?? {});
    for (const [name, n] of own) out[name] = [n];
    out[def.name] = own.map(([, n]) => n);
  }
  out["ipv6-prefix"] = [RTNLGRP.IPV6_PREFIX];
  return out;
})();

/** Object types whose events `ip monitor` does not show unless asked (`bridge monitor mdb`, `tc monitor`). */
const NOT_DEFAULT = new Set(["mdb", "qdisc", "tclass", "filter", "action"]);

/**
 * What `ip monitor` shows by default: links, addresses, routes, neighbours,
 * rules, nexthops, netconf, nsid (not the bridge's mdb: ask for `"mdb"`, as
 * `bridge monitor mdb` does; not traffic control: ask for `"tc"`, as `tc
 * monitor` does).
 */
export const DEFAULT_GROUPS: readonly GroupName[] = EVENT_OBJECTS.map((d) => d.name).filter((n) =>
  !NOT_DEFAULT.has(n)
);

/**
 * Resolves group names (or numbers) to RTNLGRP numbers.
 *
 * @example
 * ```ts
 * import { groupNumbers, RTNLGRP } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * // "route" is both families' route groups.
 * assert.deepEqual(groupNumbers(["link", "route"]), [
 *   RTNLGRP.LINK,
 *   RTNLGRP.IPV4_ROUTE,
 *   RTNLGRP.IPV6_ROUTE,
 * ]);
 * ```
 */
export function groupNumbers(groups: readonly (GroupName | number)[]): number[] {
  const out = new Set<number>();
  groups.forEach((g, i) => {
    if (typeof g === "number" && Number.isInteger(g) && g > 0) out.add(g);
    else if (typeof g === "string" && Object.hasOwn(GROUPS, g)) {
      GROUPS[g]!.forEach((n) => out.add(n));
    } else {
      throw new ArgumentError(
        `groups[${i}]`,
        `a group name (${Object.keys(GROUPS).join(", ")}) or number`,
        g,
      );
    }
  });
  return [...out];
}
