/**
 * Typed rtnetlink events: every multicast message decoded into the same classes
 * IPRoute returns (Link, Address, Route, Neighbour, Rule, Nexthop), plus netconf.
 *
 * @module
 */
import type { AttrSet } from "../core/schema.ts";
import { type MessageRef, type NetlinkMessage, rawDecoder } from "../core/socket.ts";
import { RTM, RTNLGRP } from "../core/tables/constants.ts";
import { ArgumentError } from "../core/errors.ts";
import { defined, messageName, RtMessage } from "./message.ts";
import { Link } from "./link.ts";
import { Address } from "./addr.ts";
import { Route } from "./route.ts";
import { Neighbour } from "./neigh.ts";
import { Rule } from "./rule.ts";
import { Nexthop } from "./nexthop.ts";
import { SETS } from "./registry.ts";

/**
 * Per-interface IP configuration (forwarding, rp_filter, …) from
 * RTM_NEWNETCONF events and dumps.
 *
 * @example
 * ```ts
 * import type { Netconf } from "./events.ts";
 * function show(n: Netconf) {
 *   console.log(n.index, n.forwarding);
 * }
 * ```
 */
export class Netconf extends RtMessage {
  /** Size of the fixed header (struct netconfmsg, padded to 4 bytes). */
  protected override get headerSize(): number {
    return 4;
  }
  /** @internal The attribute table of this message kind (netconfAttrs). */
  protected get attrSet(): AttrSet {
    return SETS.netconf;
  }
  /** AF_INET or AF_INET6. */
  get family(): number {
    return this.bytes[this.off]!;
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

/** Events of one object kind. */
export interface KindEvent<K extends string, E extends string, T> {
  /** The rtnetlink message name. */
  readonly event: E;
  /** The object kind. */
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

/** A typed rtnetlink event. Narrow on `kind` (or `event`). */
export type MonitorEvent =
  | KindEvent<"link", "RTM_NEWLINK" | "RTM_DELLINK", Link>
  | KindEvent<"addr", "RTM_NEWADDR" | "RTM_DELADDR", Address>
  | KindEvent<"route", "RTM_NEWROUTE" | "RTM_DELROUTE", Route>
  | KindEvent<"neigh", "RTM_NEWNEIGH" | "RTM_DELNEIGH", Neighbour>
  | KindEvent<"rule", "RTM_NEWRULE" | "RTM_DELRULE", Rule>
  | KindEvent<"nexthop", "RTM_NEWNEXTHOP" | "RTM_DELNEXTHOP", Nexthop>
  | KindEvent<"netconf", "RTM_NEWNETCONF" | "RTM_DELNETCONF", Netconf>
  | KindEvent<"other", string, NetlinkMessage>
  | OverrunEvent;

type Cls = new (b: Uint8Array, dv: DataView, off: number, len: number, type: number) => RtMessage;
const BY_TYPE: [string, Cls][] = [];
for (
  const [kind, cls, types] of [
    ["link", Link, [RTM.NEWLINK, RTM.DELLINK]],
    ["addr", Address, [RTM.NEWADDR, RTM.DELADDR]],
    ["route", Route, [RTM.NEWROUTE, RTM.DELROUTE]],
    ["neigh", Neighbour, [RTM.NEWNEIGH, RTM.DELNEIGH]],
    ["rule", Rule, [RTM.NEWRULE, RTM.DELRULE]],
    ["nexthop", Nexthop, [RTM.NEWNEXTHOP, RTM.DELNEXTHOP]],
    ["netconf", Netconf, [RTM.NEWNETCONF, RTM.DELNETCONF]],
  ] as [string, Cls, number[]][]
) {
  for (const t of types) BY_TYPE[t] = [kind, cls];
}

/**
 * Decodes a multicast rtnetlink message into a {@link MonitorEvent}.
 *
 * @example
 * ```ts
 * import { decodeEvent } from "./events.ts";
 * import { NetlinkSocket } from "../core/socket.ts";
 * const sock = NetlinkSocket.open({ groups: [1], decodeEvent });
 * sock.close();
 * ```
 */
export function decodeEvent(m: MessageRef): MonitorEvent {
  const entry = BY_TYPE[m.type];
  const event = messageName(m.type);
  if (!entry) return { event, kind: "other", object: rawDecoder(m) };
  const object = new entry[1](m.bytes, m.dv, m.offset, m.length, m.type);
  return { event, kind: entry[0], object } as MonitorEvent;
}

/** Group names accepted by the monitor (and their RTNLGRP numbers). */
export const GROUPS: Record<string, number[]> = {
  link: [RTNLGRP.LINK],
  neigh: [RTNLGRP.NEIGH],
  "ipv4-ifaddr": [RTNLGRP.IPV4_IFADDR],
  "ipv6-ifaddr": [RTNLGRP.IPV6_IFADDR],
  addr: [RTNLGRP.IPV4_IFADDR, RTNLGRP.IPV6_IFADDR],
  "ipv4-route": [RTNLGRP.IPV4_ROUTE],
  "ipv6-route": [RTNLGRP.IPV6_ROUTE],
  route: [RTNLGRP.IPV4_ROUTE, RTNLGRP.IPV6_ROUTE],
  "ipv4-rule": [RTNLGRP.IPV4_RULE],
  "ipv6-rule": [RTNLGRP.IPV6_RULE],
  rule: [RTNLGRP.IPV4_RULE, RTNLGRP.IPV6_RULE],
  nexthop: [RTNLGRP.NEXTHOP],
  "ipv4-netconf": [RTNLGRP.IPV4_NETCONF],
  "ipv6-netconf": [RTNLGRP.IPV6_NETCONF],
  netconf: [RTNLGRP.IPV4_NETCONF, RTNLGRP.IPV6_NETCONF],
  nsid: [RTNLGRP.NSID],
  "ipv6-prefix": [RTNLGRP.IPV6_PREFIX],
};

/** What `ip monitor` shows by default: links, addresses, routes, neighbours, rules, nexthops, netconf, nsid. */
export const DEFAULT_GROUPS: readonly string[] = [
  "link",
  "addr",
  "route",
  "neigh",
  "rule",
  "nexthop",
  "netconf",
  "nsid",
];

/**
 * Resolves group names (or numbers) to RTNLGRP numbers.
 *
 * @example
 * ```ts
 * import { groupNumbers } from "./events.ts";
 * groupNumbers(["link", "route"]); // [1, 7, 11]
 * ```
 */
export function groupNumbers(groups: readonly (string | number)[]): number[] {
  const out = new Set<number>();
  groups.forEach((g, i) => {
    if (typeof g === "number" && Number.isInteger(g) && g > 0) out.add(g);
    else if (typeof g === "string" && GROUPS[g]) GROUPS[g]!.forEach((n) => out.add(n));
    else {throw new ArgumentError(
        `groups[${i}]`,
        `a group name (${Object.keys(GROUPS).join(", ")}) or number`,
        g,
      );}
  });
  return [...out];
}
