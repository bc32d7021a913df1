/**
 * Monitor events as `ip -o monitor` prints them (one line each, `Deleted `
 * before removals, `[LINK]` labels) and as one JSON object per line.
 *
 * @module
 */
import type { MonitorEvent, Netconf } from "../../mod.ts";
import { AF_INET6 } from "../../core/address.ts";
import type { Paint } from "../color.ts";
import { addrInfoJson, addrText } from "./addr.ts";
import { type Format, NOTHING, oneline } from "./fields.ts";
import type { Names } from "./ifnames.ts";
import { linkFormat } from "./link.ts";
import { NEIGH_FORMAT } from "./neigh.ts";
import { NEXTHOP_FORMAT } from "./nexthop.ts";
import { ROUTE_FORMAT } from "./route.ts";
import { RULE_FORMAT } from "./rule.ts";

/** The netconf fields ip monitor prints, in its order, by the tables' names (printed in snake case). */
const NETCONF_FIELDS = [
  "forwarding",
  "rpFilter",
  "mcForwarding",
  "bcForwarding",
  "proxyNeigh",
  "ignoreRoutesWithLinkdown",
];

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function netconfText(n: Netconf, names: Names): string {
  const idx = n.index;
  const dev = idx === -1
    ? "all"
    : idx === -2
    ? "default"
    : idx === undefined
    ? ""
    : names.name(idx);
  let s = `${n.family === AF_INET6 ? "ipv6" : "ipv4"} ${idx === undefined ? "" : `dev ${dev} `}`;
  const attrs = n.attrs;
  for (const k of NETCONF_FIELDS) {
    const v = attrs[k];
    if (typeof v !== "number") continue;
    s += k === "rpFilter"
      ? `${snake(k)} ${v === 0 ? "off" : v === 1 ? "strict" : "loose"} `
      : `${snake(k)} ${v ? "on" : "off"} `;
  }
  return s.trimEnd();
}

/** The events that carry an object, by kind. */
type ObjectEvent = Exclude<MonitorEvent, { kind: "overrun" | "other" }>;

/** How each kind of object prints in the monitor. */
const EVENT_FORMATS: { [E in ObjectEvent as E["kind"]]: Format<E["object"]> } = {
  link: linkFormat({ linkmode: false, lladdr: true }),
  addr: {
    json: (a, names) => ({ ifindex: a.index, dev: names.name(a.index), ...addrInfoJson(a) }),
    text: (a, names, paint) =>
      addrText(a, paint, `${a.index}: ${paint.ifname(names.name(a.index))}`),
  },
  route: ROUTE_FORMAT,
  neigh: NEIGH_FORMAT,
  rule: RULE_FORMAT,
  nexthop: NEXTHOP_FORMAT,
  netconf: { json: (n) => n.toJSON(), text: (n, names) => netconfText(n, names) },
  // As `ip monitor nsid` prints them (and `ip -j netns list-id` names the field).
  nsid: { json: (n) => ({ nsid: n.nsid }), text: (n) => `nsid ${n.nsid}` },
};

function formatOf(e: ObjectEvent): Format<unknown> {
  return EVENT_FORMATS[e.kind] as Format<unknown>;
}

/**
 * One event as one line of text (ip monitor's text, joined like `ip -o`),
 * with its `[LINK]` label when `label`; undefined for events ip does not print.
 *
 * @example
 * ```ts
 * import { Monitor } from "../../mod.ts";
 * import { eventLine } from "./monitor.ts";
 * import { Names } from "./ifnames.ts";
 * import { PLAIN } from "../color.ts";
 * await using mon = await Monitor.open({ groups: ["link"] });
 * for await (const e of mon.events()) console.log(eventLine(e, new Names(), PLAIN, true));
 * ```
 */
export function eventLine(
  e: MonitorEvent,
  names: Names,
  paint: Paint,
  label: boolean,
): string | undefined {
  if (e.kind === "overrun") return undefined;
  const prefix = label ? `[${e.kind.toUpperCase()}]` : "";
  if (e.kind === "other") return `${prefix}${e.event}`;
  const del = e.event.startsWith("RTM_DEL") ? "Deleted " : "";
  return prefix + oneline(del + formatOf(e).text(e.object, names, paint, NOTHING));
}

/**
 * One event as one JSON object (`deleted: true` before removals); undefined
 * for events ip does not print.
 *
 * @example
 * ```ts
 * import { Monitor } from "../../mod.ts";
 * import { eventJson } from "./monitor.ts";
 * import { Names } from "./ifnames.ts";
 * await using mon = await Monitor.open({ groups: ["link"] });
 * for await (const e of mon.events()) console.log(JSON.stringify(eventJson(e, new Names())));
 * ```
 */
export function eventJson(e: MonitorEvent, names: Names): Record<string, unknown> | undefined {
  if (e.kind === "overrun") return undefined;
  if (e.kind === "other") return { event: e.event };
  const del = e.event.startsWith("RTM_DEL") ? { deleted: true } : {};
  return { ...del, ...formatOf(e).json(e.object, names, NOTHING) };
}
