/**
 * Links as ip prints them: the numbered line with `<FLAGS>` in ip's spelling
 * and order, `ip -br link` columns, and `ip -j link` objects.
 *
 * @module
 */
import type { Link } from "../../mod.ts";
import { LINK_FLAG_NAMES, LINK_MODES, LINK_TYPES } from "../../iproute/names.ts";
import { RTNL } from "../../iproute/registry.ts";
import { pad, type Paint } from "../color.ts";
import { bitNames, type Format, groupName, pick } from "./fields.ts";
import type { Names } from "./ifnames.ts";
import { linkDetails } from "./link_details.ts";
import { statsJson, statsText } from "./link_stats.ts";

const IFF = RTNL.enum("ifinfoFlags").byName;
const IFF_UP = IFF.get("up")!;
const IFF_RUNNING = IFF.get("running")!;
const IFF_POINTOPOINT = IFF.get("pointToPoint")!;

/**
 * The order ip prints link flags in (iproute2's print_link_flags), by the
 * tables' names; flags the tables add later follow in bit order. RUNNING is
 * never printed (NO-CARRIER says when an up link lacks it).
 */
const IP_ORDER = [
  "loopback",
  "broadcast",
  "pointToPoint",
  "multicast",
  "noArp",
  "allMulti",
  "promisc",
  "master",
  "slave",
  "debug",
  "dynamic",
  "autoMedia",
  "portsel",
  "noTrailers",
  "up",
  "lowerUp",
  "dormant",
  "echo",
];

/** {@link IP_ORDER} in ip's spelling (`NOARP`, `LOWER_UP`), checked against the tables. */
const FLAG_ORDER: readonly string[] = [
  ...IP_ORDER,
  ...[...IFF.keys()].filter((n) => !IP_ORDER.includes(n) && n !== "running"),
].map((n) => {
  const bit = IFF.get(n);
  if (bit === undefined) throw new Error(`Cannot order link flags: "${n}" is not in ifinfoFlags`);
  return String(LINK_FLAG_NAMES.name(bit));
});

/**
 * Link flags in ip's spelling and order: `NO-CARRIER` first for an up link
 * without carrier, `RUNNING` left out, unknown bits in hex, `M-DOWN` last when
 * the lower device is down.
 */
export function linkFlags(value: number, mdown = false): string[] {
  const out: string[] = [];
  if (value & IFF_UP && !(value & IFF_RUNNING)) out.push("NO-CARRIER");
  const { names, rest } = bitNames(LINK_FLAG_NAMES, value & ~IFF_RUNNING, FLAG_ORDER);
  out.push(...names);
  if (rest) out.push(rest.toString(16));
  if (mdown) out.push("M-DOWN");
  return out;
}

/** How much of a link to show. */
export interface LinkShape {
  /** `mode DEFAULT` (ip link shows it, ip addr does not). */
  linkmode?: boolean;
  /** The `link/ether …` line (left out by ip addr with -4/-6). */
  lladdr?: boolean;
  /** `-d`: promiscuity, MTU bounds, the kind and its data, queues, … (see link_details.ts). */
  details?: boolean;
  /** `-s` (the count): the statistics (ip prints them for `link show`, not `addr show`). */
  stats?: number;
  /** `qlen N` (default true; `ip monitor` leaves it out). */
  qlen?: boolean;
  /**
   * Only what the kernel's IPv6 link dump carries, as `ip -6 addr` (without
   * `dev`) prints links: no qdisc, master, group, broadcast, details, alias.
   */
  inet6Dump?: boolean;
}

/**
 * The name as ip prints it (`v0@v1`, `v0@if7`, `v0@NONE`) and whether the lower link is down.
 */
export function nameAndLink(l: LinkView, names: Names): { name: string; mdown: boolean } {
  const name = l.ifname ?? `if${l.index}`;
  const iflink = l.link;
  if (iflink === undefined) return { name, mdown: false };
  if (iflink === 0) return { name: `${name}@NONE`, mdown: false };
  if (l.linkNetnsid !== undefined) return { name: `${name}@if${iflink}`, mdown: false };
  const known = names.has(iflink);
  return {
    name: `${name}@${names.name(iflink)}`,
    mdown: known && !(names.flags(iflink) & IFF_UP),
  };
}

/** What the link formatters read of a link (a {@link Link}, or the part an IPv6 link dump has). */
export type LinkView = Pick<
  Link,
  | "index"
  | "ifname"
  | "link"
  | "linkNetnsid"
  | "flagsValue"
  | "mtu"
  | "qdisc"
  | "master"
  | "operstate"
  | "linkmode"
  | "group"
  | "txqlen"
  | "linkType"
  | "address"
  | "broadcast"
  | "ifalias"
  | "altnames"
>;

/**
 * What the kernel's IPv6 link dump (ip -6 addr without a device) tells of a
 * link: name, address, MTU, lower link and state (net/ipv6's
 * inet6_fill_ifinfo); ip adds the queue length it reads by ioctl.
 */
function inet6View(l: Link): LinkView {
  return {
    index: l.index,
    ifname: l.ifname,
    link: l.link,
    linkNetnsid: undefined,
    flagsValue: l.flagsValue,
    mtu: l.mtu,
    qdisc: undefined,
    master: undefined,
    operstate: l.operstate,
    linkmode: undefined,
    group: undefined,
    txqlen: l.txqlen,
    linkType: l.linkType,
    address: l.address,
    broadcast: undefined,
    ifalias: undefined,
    altnames: [],
  };
}

function linkType(t: number): string {
  const name = LINK_TYPES.name(t);
  return typeof name === "string" ? name : `[${t}]`;
}

function linkJson(full: Link, names: Names, shape: LinkShape): Record<string, unknown> {
  const l = shape.inet6Dump ? inet6View(full) : full;
  const o: Record<string, unknown> = { ifindex: l.index };
  const iflink = l.link;
  const { mdown } = nameAndLink(l, names);
  if (iflink !== undefined) {
    if (iflink === 0) o.link = null;
    else if (l.linkNetnsid !== undefined) o.link_index = iflink;
    else o.link = names.name(iflink);
  }
  o.ifname = l.ifname;
  o.flags = linkFlags(l.flagsValue, mdown);
  if (l.mtu !== undefined) o.mtu = l.mtu;
  if (l.qdisc !== undefined) o.qdisc = l.qdisc;
  if (l.master !== undefined) o.master = names.name(l.master);
  if (l.operstate !== undefined) o.operstate = l.operstate;
  const mode = l.linkmode;
  if (shape.linkmode && typeof mode === "number") o.linkmode = String(LINK_MODES.name(mode));
  const group = groupName(l.group);
  if (group !== undefined) o.group = group;
  if (l.txqlen && shape.qlen !== false) o.txqlen = l.txqlen;
  if (shape.lladdr !== false || shape.details) {
    o.link_type = linkType(l.linkType);
    if (l.address !== undefined) o.address = l.address;
    if (l.broadcast !== undefined) {
      if (l.flagsValue & IFF_POINTOPOINT) o.link_pointtopoint = true;
      o.broadcast = l.broadcast;
    }
  }
  if (l.linkNetnsid !== undefined) o.link_netnsid = l.linkNetnsid;
  if (shape.details && !shape.inet6Dump) {
    Object.assign(o, linkDetails(full, names, shape.linkmode === true).json);
  }
  if ((shape.linkmode || shape.details) && l.ifalias !== undefined) o.ifalias = l.ifalias;
  const stats = shape.stats && shape.linkmode ? statsJson(full, shape.stats) : undefined;
  if (stats) o.stats64 = stats;
  const alt = l.altnames;
  if (alt.length) o.altnames = alt;
  return o;
}

function linkText(full: Link, names: Names, paint: Paint, shape: LinkShape): string {
  const l = shape.inet6Dump ? inet6View(full) : full;
  const { name, mdown } = nameAndLink(l, names);
  const parts = [
    `${l.index}: ${paint.ifname(name)}: <${linkFlags(l.flagsValue, mdown).join(",")}>`,
  ];
  if (l.mtu !== undefined) parts.push(`mtu ${l.mtu}`);
  if (l.qdisc !== undefined) parts.push(`qdisc ${l.qdisc}`);
  if (l.master !== undefined) parts.push(`master ${paint.ifname(names.name(l.master))}`);
  if (l.operstate !== undefined) parts.push(`state ${paint.oper(l.operstate)}`);
  const mode = l.linkmode;
  if (shape.linkmode && typeof mode === "number") parts.push(`mode ${LINK_MODES.name(mode)}`);
  const group = groupName(l.group);
  if (group !== undefined) parts.push(`group ${group}`);
  if (l.txqlen && shape.qlen !== false) parts.push(`qlen ${l.txqlen}`);
  let text = parts.join(" ");
  const details = shape.details && !shape.inet6Dump
    ? linkDetails(full, names, shape.linkmode === true)
    : undefined;
  if (shape.lladdr !== false || shape.details) {
    let second = `    link/${linkType(l.linkType)}`;
    if (l.address !== undefined) second += ` ${paint.mac(l.address)}`;
    if (l.broadcast !== undefined) {
      second += ` ${l.flagsValue & IFF_POINTOPOINT ? "peer" : "brd"} ${paint.mac(l.broadcast)}`;
    }
    if (l.linkNetnsid !== undefined) {
      second += l.linkNetnsid >= 0 ? ` link-netnsid ${l.linkNetnsid}` : " link-netns unknown";
    }
    text += `\n${second}${details?.line ?? ""}`;
  }
  if (details) text += details.more;
  if ((shape.linkmode || shape.details) && l.ifalias !== undefined) {
    text += `\n    alias ${l.ifalias}`;
  }
  if (shape.stats && shape.linkmode) text += statsText(full, shape.stats);
  for (const alt of l.altnames) text += `\n    altname ${alt}`;
  return text;
}

/**
 * Links as `ip link show` prints them (the numbered line with `<FLAGS>`, then
 * the `link/ether` line) and as `ip -j link show` prints them; `shape` says how
 * much (ip addr leaves out the mode, -d adds the kind).
 */
export function linkFormat(shape: LinkShape): Format<Link> {
  return {
    json: (l, names) => linkJson(l, names, shape),
    text: (l, names, paint) => linkText(l, names, paint, shape),
  };
}

/** What `ip -j -br link` keeps of a link. */
const BRIEF_KEYS = ["link", "link_index", "ifname", "operstate", "address", "flags"];

/**
 * Links as `ip -br link` prints them (name, state, address, flags in columns)
 * and as `ip -j -br link` prints them.
 */
export const LINK_BRIEF: Format<Link> = {
  json: (l, names) => pick(linkJson(l, names, { linkmode: true, lladdr: true }), BRIEF_KEYS),
  text: (l, names, paint) => {
    const { mdown } = nameAndLink(l, names);
    const address = l.address !== undefined ? paint.mac(l.address) + " " : "";
    return `${linkColumns(l, names, paint)} ${address}<${
      linkFlags(l.flagsValue, mdown).join(",")
    }>`;
  },
};

/**
 * The name and state columns that `ip -br link` and `ip -br addr` start with
 * (without the space after).
 */
export function linkColumns(l: Link, names: Names, paint: Paint): string {
  const { name } = nameAndLink(l, names);
  return pad(name, 16, (x) => paint.ifname(x)) + " " +
    pad(l.operstate ?? "", 14, (x) => paint.oper(x));
}
