/**
 * Monitor events as `ip -o monitor` prints them (one line each, `Deleted `
 * before removals, `[LINK]` labels) and as one JSON object per line.
 *
 * @module
 */
import type { MonitorEvent, Netconf } from "../../mod.ts";
import type { Paint } from "../color.ts";
import { addrInfoJson, addrText } from "./addr.ts";
import { familyName, type Field, fieldFormat, type Format, NOTHING, oneline } from "./fields.ts";
import type { Names } from "./ifnames.ts";
import { linkFormat } from "./link.ts";
import { NEIGH_FORMAT } from "./neigh.ts";
import { NEXTHOP_FORMAT } from "./nexthop.ts";
import { ROUTE_FORMAT } from "./route.ts";
import { RULE_FORMAT } from "./rule.ts";
import { mdbJson, mdbText } from "./bridge.ts";
import type { Filter, Qdisc, TrafficClass } from "../../mod.ts";

/** A qdisc, class or filter's head as `tc monitor` prints it (`qdisc tbf 8001: dev q0 root`). */
function tcHead(
  what: "qdisc" | "class" | "filter",
  o: Qdisc | TrafficClass | Filter,
  names: Names,
): string {
  const parent = o.parent === "root" ? "root" : `parent ${o.parent}`;
  const parts = [what, o.kind ?? "", o.handle, `dev ${names.name(o.index)}`, parent];
  if (what === "filter") {
    const f = o as Filter;
    parts.push(`protocol ${f.protocol} pref ${f.prio}`);
    if (f.chain !== undefined) parts.push(`chain ${f.chain}`);
  }
  return parts.join(" ");
}

/** A qdisc, class or filter as one JSON object (tc -j's names for the head). */
function tcJson(o: Qdisc | TrafficClass | Filter, names: Names): Record<string, unknown> {
  const j = o.toJSON() as Record<string, unknown>;
  return { ...j, dev: names.name(o.index) };
}

/**
 * The netconf settings ip (6.1) prints, in its order: the tables' name, ip's
 * key, and how a value reads (on/off, or rp_filter's modes).
 */
const NETCONF_FIELDS: [attr: string, key: string][] = [
  ["forwarding", "forwarding"],
  ["rpFilter", "rp_filter"],
  ["mcForwarding", "mc_forwarding"],
  ["proxyNeigh", "proxy_neigh"],
  ["ignoreRoutesWithLinkdown", "ignore_routes_with_linkdown"],
];

const RP_FILTER = ["off", "strict", "loose"];

/** The interface a netconf message is about (`all`, `default`, a name), if any. */
function netconfDev(n: Netconf, names: Names): string | undefined {
  const idx = n.index;
  return idx === -1
    ? "all"
    : idx === -2
    ? "default"
    : idx === undefined
    ? undefined
    : names.name(idx);
}

/** A netconf message as ip prints it (`inet v0 forwarding off rp_filter loose …`) and as `ip -j netconf`. */
function netconfFields(n: Netconf, names: Names): Field[] {
  const dev = netconfDev(n, names);
  const f: Field[] = [{ key: "family", json: familyName(n.family), text: familyName(n.family) }];
  if (dev !== undefined) f.push({ key: "interface", json: dev, text: dev });
  const attrs = n.attrs;
  for (const [attr, key] of NETCONF_FIELDS) {
    const v = attrs[attr];
    if (typeof v !== "number") continue;
    if (attr === "rpFilter") {
      const mode = RP_FILTER[v] ?? "unknown mode";
      f.push({ key, json: mode, text: `${key} ${mode}` });
    } else f.push({ key, json: v !== 0, text: `${key} ${v ? "on" : "off"}` });
  }
  return f;
}

/** The events that carry an object, by kind. */
type ObjectEvent = Exclude<MonitorEvent, { kind: "overrun" | "other" }>;

/** How each kind of object prints in the monitor. */
const EVENT_FORMATS: { [E in ObjectEvent as E["kind"]]: Format<E["object"]> } = {
  link: linkFormat({ linkmode: false, lladdr: true, qlen: false }),
  addr: {
    json: (a, names) => ({ ifindex: a.index, dev: names.name(a.index), ...addrInfoJson(a) }),
    text: (a, names, paint) =>
      addrText(a, paint, `${a.index}: ${paint.ifname(names.name(a.index))}`),
  },
  route: ROUTE_FORMAT,
  neigh: NEIGH_FORMAT,
  rule: RULE_FORMAT,
  nexthop: NEXTHOP_FORMAT,
  netconf: fieldFormat((n: Netconf, names: Names) => netconfFields(n, names)),
  // As `ip monitor nsid` prints them (and `ip -j netns list-id` names the field).
  nsid: { json: (n) => ({ nsid: n.nsid }), text: (n) => `nsid ${n.nsid}` },
  // As `bridge monitor mdb` prints them: the entries the notification carries.
  mdb: {
    json: (m, names) => ({ mdb: m.entries.map((e) => mdbJson(e, names, false, false)) }),
    text: (m, names) => m.entries.map((e) => mdbText(e, names, false, false)).join("\n"),
  },
  // As `tc monitor` prints their heads; JSON carries the decoded object.
  qdisc: { json: tcJson, text: (q, names) => tcHead("qdisc", q, names) },
  tclass: { json: tcJson, text: (c, names) => tcHead("class", c, names) },
  filter: { json: tcJson, text: (f, names) => tcHead("filter", f, names) },
  // As `tc monitor` heads them: the kind and index of each action.
  action: {
    json: (m) => m.toJSON() as Record<string, unknown>,
    text: (m) => m.actions.map((a) => `action ${a.kind} index ${a.index}`).join("\n"),
  },
};

function formatOf(e: ObjectEvent): Format<unknown> {
  return EVENT_FORMATS[e.kind] as Format<unknown>;
}

/**
 * One event as one line of text (ip monitor's text, joined like `ip -o`),
 * with its `[LINK]` label when `label`; undefined for events ip does not print.
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
 */
export function eventJson(e: MonitorEvent, names: Names): Record<string, unknown> | undefined {
  if (e.kind === "overrun") return undefined;
  if (e.kind === "other") return { event: e.event };
  const del = e.event.startsWith("RTM_DEL") ? { deleted: true } : {};
  return { ...del, ...formatOf(e).json(e.object, names, NOTHING) };
}
