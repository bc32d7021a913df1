/**
 * Output of the `nlroute` command, in `ip`'s three shapes: text like `ip`
 * (numbered link lines with `<FLAGS>` in ip's spelling), brief lines like
 * `ip -br`, and JSON objects with `ip -j`'s field names. Text is coloured the
 * way `ip -c` colours it when a {@link Paint} is on.
 *
 * Each formatter takes a decoded object (the classes IPRoute returns) and a
 * {@link Names} table to print interface names for indexes.
 *
 * @module
 */
import type { Address, Link, Neighbour, Nexthop, Route, Rule } from "../mod.ts";
import { AF_INET, AF_INET6 } from "../core/address.ts";
import { ROUTE_PROTOCOLS, SCOPES } from "../iproute/names.ts";

// -- names and colours -------------------------------------------------------

/**
 * Interface names and flags by index (what `ip` keeps in its link cache), to
 * print `dev v0` for an index and `M-DOWN` for a link whose lower device is down.
 *
 * @example
 * ```ts
 * import { Names } from "./format.ts";
 * const names = new Names();
 * names.set(2, "v0", 0x1043);
 * names.name(2); // "v0"
 * names.name(9); // "if9"
 * ```
 */
export class Names {
  readonly #names = new Map<number, string>();
  readonly #flags = new Map<number, number>();

  /** A table from links (`ipr.getLinks()`). */
  static of(links: Iterable<Link>): Names {
    const n = new Names();
    for (const l of links) n.update(l);
    return n;
  }

  /** Records a link's name and flags. */
  update(l: Link): void {
    this.set(l.index, l.ifname ?? `if${l.index}`, l.flagsValue);
  }

  /** Records one name. */
  set(index: number, name: string, flags = 0): void {
    this.#names.set(index, name);
    this.#flags.set(index, flags);
  }

  /** Forgets a link. */
  delete(index: number): void {
    this.#names.delete(index);
    this.#flags.delete(index);
  }

  /** The name of an index (`if<N>` when unknown, as ip prints it). */
  name(index: number): string {
    return this.#names.get(index) ?? `if${index}`;
  }

  /** Whether the index is known. */
  has(index: number): boolean {
    return this.#names.has(index);
  }

  /** IFF_* flags of an index (0 when unknown). */
  flags(index: number): number {
    return this.#flags.get(index) ?? 0;
  }
}

const RESET = "\x1b[0m";
const COLOR = {
  ifname: "\x1b[36m",
  mac: "\x1b[33m",
  inet: "\x1b[35m",
  inet6: "\x1b[34m",
  up: "\x1b[32m",
  down: "\x1b[31m",
} as const;

/**
 * Colours like `ip -c` (interface names cyan, MAC addresses yellow, IPv4
 * magenta, IPv6 blue, operational state green/red), or nothing when off.
 *
 * @example
 * ```ts
 * import { Paint } from "./format.ts";
 * new Paint(false).ifname("v0"); // "v0"
 * new Paint(true).ifname("v0"); // "\x1b[36mv0\x1b[0m"
 * ```
 */
export class Paint {
  /** Whether colours are written. */
  readonly on: boolean;

  /** Colours when `on`, plain text otherwise. */
  constructor(on: boolean) {
    this.on = on;
  }

  #c(color: string, s: string): string {
    return this.on && s !== "" ? `${color}${s}${RESET}` : s;
  }
  /** An interface name. */
  ifname(s: string): string {
    return this.#c(COLOR.ifname, s);
  }
  /** A link-layer address. */
  mac(s: string): string {
    return this.#c(COLOR.mac, s);
  }
  /** An IP address or prefix, by its family (guessed from the text when not given). */
  ip(s: string, family?: number): string {
    const f = family ?? (s.includes(":") ? AF_INET6 : AF_INET);
    return this.#c(f === AF_INET6 ? COLOR.inet6 : f === AF_INET ? COLOR.inet : "", s);
  }
  /** An operational state (`UP` green, `DOWN` red, others plain). */
  oper(s: string): string {
    return s === "UP" ? this.#c(COLOR.up, s) : s === "DOWN" ? this.#c(COLOR.down, s) : s;
  }
}

/** Pads `s` to `width` columns before colouring, as ip's `%-16s` does. */
function pad(s: string, width: number, paint: (s: string) => string): string {
  return paint(s) + " ".repeat(Math.max(0, width - s.length));
}

// -- links -------------------------------------------------------------------

const IFF: Record<string, number> = {
  UP: 0x1,
  BROADCAST: 0x2,
  DEBUG: 0x4,
  LOOPBACK: 0x8,
  POINTOPOINT: 0x10,
  NOTRAILERS: 0x20,
  RUNNING: 0x40,
  NOARP: 0x80,
  PROMISC: 0x100,
  ALLMULTI: 0x200,
  MASTER: 0x400,
  SLAVE: 0x800,
  MULTICAST: 0x1000,
  PORTSEL: 0x2000,
  AUTOMEDIA: 0x4000,
  DYNAMIC: 0x8000,
  LOWER_UP: 0x10000,
  DORMANT: 0x20000,
  ECHO: 0x40000,
};

/** The order ip prints link flags in. */
const IFF_ORDER = [
  "LOOPBACK",
  "BROADCAST",
  "POINTOPOINT",
  "MULTICAST",
  "NOARP",
  "ALLMULTI",
  "PROMISC",
  "MASTER",
  "SLAVE",
  "DEBUG",
  "DYNAMIC",
  "AUTOMEDIA",
  "PORTSEL",
  "NOTRAILERS",
  "UP",
  "LOWER_UP",
  "DORMANT",
  "ECHO",
];

/**
 * Link flags in ip's spelling and order: `NO-CARRIER` first for an up link
 * without carrier, `RUNNING` left out, unknown bits in hex, `M-DOWN` last when
 * the lower device is down.
 *
 * @example
 * ```ts
 * import { linkFlags } from "./format.ts";
 * linkFlags(0x11043); // ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"]
 * linkFlags(0x1003); // ["NO-CARRIER", "BROADCAST", "MULTICAST", "UP"]
 * ```
 */
export function linkFlags(value: number, mdown = false): string[] {
  const out: string[] = [];
  if (value & IFF.UP! && !(value & IFF.RUNNING!)) out.push("NO-CARRIER");
  let rest = value & ~IFF.RUNNING!;
  for (const name of IFF_ORDER) {
    const bit = IFF[name]!;
    if (rest & bit) {
      out.push(name);
      rest &= ~bit;
    }
  }
  if (rest) out.push((rest >>> 0).toString(16));
  if (mdown) out.push("M-DOWN");
  return out;
}

/** ARPHRD_* names as ip prints them (`link/ether`). */
const LINK_TYPES: Record<number, string> = {
  0: "netrom",
  1: "ether",
  2: "eether",
  3: "ax25",
  4: "pronet",
  5: "chaos",
  6: "ieee802",
  7: "arcnet",
  8: "appletlk",
  15: "dlci",
  19: "atm",
  23: "metricom",
  24: "ieee1394",
  27: "eui64",
  32: "infiniband",
  256: "slip",
  257: "cslip",
  258: "slip6",
  259: "cslip6",
  260: "rsrvd",
  264: "adapt",
  270: "rose",
  271: "x25",
  272: "hwx25",
  280: "can",
  512: "ppp",
  513: "hdlc",
  516: "lapb",
  517: "ddcmp",
  518: "rawhdlc",
  519: "rawip",
  768: "ipip",
  769: "tunnel6",
  770: "frad",
  771: "skip",
  772: "loopback",
  773: "localtlk",
  774: "fddi",
  775: "bif",
  776: "sit",
  777: "ip/ddp",
  778: "gre",
  779: "pimreg",
  780: "hippi",
  781: "ash",
  782: "econet",
  783: "irda",
  784: "fcpp",
  785: "fcal",
  786: "fcpl",
  787: "fcfb0",
  800: "tr",
  801: "ieee802.11",
  802: "ieee802.11/prism",
  803: "ieee802.11/radiotap",
  804: "ieee802.15.4",
  805: "ieee802.15.4/monitor",
  820: "phonet",
  821: "phonet_pipe",
  822: "caif",
  823: "gre6",
  824: "netlink",
  825: "6lowpan",
  826: "vsockmon",
  65534: "none",
  65535: "void",
};

const LINK_MODES = ["DEFAULT", "DORMANT", "TESTING"];

/** How much of a link to show. */
export interface LinkShape {
  /** `mode DEFAULT` (ip link shows it, ip addr does not). */
  linkmode?: boolean;
  /** The `link/ether …` line (left out by ip addr with -4/-6). */
  lladdr?: boolean;
  /** `-d`: the kind. */
  details?: boolean;
}

/** The name as ip prints it (`v0@v1`, `v0@if7`, `v0@NONE`) and whether the lower link is down. */
function nameAndLink(l: Link, names: Names): { name: string; mdown: boolean } {
  const name = l.ifname ?? `if${l.index}`;
  const iflink = l.link;
  if (iflink === undefined) return { name, mdown: false };
  if (iflink === 0) return { name: `${name}@NONE`, mdown: false };
  if (l.linkNetnsid !== undefined) return { name: `${name}@if${iflink}`, mdown: false };
  const known = names.has(iflink);
  return {
    name: `${name}@${names.name(iflink)}`,
    mdown: known && !(names.flags(iflink) & IFF.UP!),
  };
}

function groupName(g: number | undefined): string | undefined {
  return g === undefined ? undefined : g === 0 ? "default" : String(g);
}

function linkType(t: number): string {
  return LINK_TYPES[t] ?? `[${t}]`;
}

/**
 * A link as `ip -j link show` prints it.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * import { linkJson, Names } from "./format.ts";
 * await using ipr = await IPRoute.open();
 * const links = await ipr.getLinks();
 * console.log(JSON.stringify(links.map((l) => linkJson(l, Names.of(links)))));
 * ```
 */
export function linkJson(
  l: Link,
  names: Names,
  shape: LinkShape = { linkmode: true, lladdr: true },
): Record<string, unknown> {
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
  if (shape.linkmode && typeof mode === "number") o.linkmode = LINK_MODES[mode] ?? String(mode);
  const group = groupName(l.group);
  if (group !== undefined) o.group = group;
  if (l.txqlen) o.txqlen = l.txqlen;
  if (shape.lladdr !== false) {
    o.link_type = linkType(l.linkType);
    if (l.address !== undefined) o.address = l.address;
    if (l.broadcast !== undefined) {
      if (l.flagsValue & IFF.POINTOPOINT!) o.link_pointtopoint = true;
      o.broadcast = l.broadcast;
    }
  }
  if (l.linkNetnsid !== undefined) o.link_netnsid = l.linkNetnsid;
  if (shape.details && l.kind !== undefined) o.linkinfo = { info_kind: l.kind };
  const alt = l.altnames;
  if (alt.length) o.altnames = alt;
  return o;
}

/**
 * A link as `ip link show` prints it: the numbered line with `<FLAGS>`, then
 * the `link/ether` line.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * import { linkText, Names, Paint } from "./format.ts";
 * await using ipr = await IPRoute.open();
 * const links = await ipr.getLinks();
 * for (const l of links) console.log(linkText(l, Names.of(links), new Paint(false)));
 * ```
 */
export function linkText(
  l: Link,
  names: Names,
  paint: Paint,
  shape: LinkShape = { linkmode: true, lladdr: true },
): string {
  const { name, mdown } = nameAndLink(l, names);
  const parts = [
    `${l.index}: ${paint.ifname(name)}: <${linkFlags(l.flagsValue, mdown).join(",")}>`,
  ];
  if (l.mtu !== undefined) parts.push(`mtu ${l.mtu}`);
  if (l.qdisc !== undefined) parts.push(`qdisc ${l.qdisc}`);
  if (l.master !== undefined) parts.push(`master ${paint.ifname(names.name(l.master))}`);
  if (l.operstate !== undefined) parts.push(`state ${paint.oper(l.operstate)}`);
  const mode = l.linkmode;
  if (shape.linkmode && typeof mode === "number") {
    parts.push(`mode ${LINK_MODES[mode] ?? mode}`);
  }
  const group = groupName(l.group);
  if (group !== undefined) parts.push(`group ${group}`);
  if (l.txqlen) parts.push(`qlen ${l.txqlen}`);
  let text = parts.join(" ");
  if (shape.lladdr !== false) {
    let second = `    link/${linkType(l.linkType)}`;
    if (l.address !== undefined) second += ` ${paint.mac(l.address)}`;
    if (l.broadcast !== undefined) {
      second += ` ${l.flagsValue & IFF.POINTOPOINT! ? "peer" : "brd"} ${paint.mac(l.broadcast)}`;
    }
    if (l.linkNetnsid !== undefined) {
      second += l.linkNetnsid >= 0 ? ` link-netnsid ${l.linkNetnsid}` : " link-netns unknown";
    }
    text += `\n${second}`;
  }
  if (shape.details && l.kind !== undefined) text += `\n    ${l.kind}`;
  for (const alt of l.altnames) text += `\n    altname ${alt}`;
  return text;
}

/**
 * A link as `ip -br link` prints it (name, state, address, flags in columns).
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * import { linkBrief, Names, Paint } from "./format.ts";
 * await using ipr = await IPRoute.open();
 * const links = await ipr.getLinks();
 * for (const l of links) console.log(linkBrief(l, Names.of(links), new Paint(false)));
 * ```
 */
export function linkBrief(l: Link, names: Names, paint: Paint): string {
  const { name, mdown } = nameAndLink(l, names);
  let s = pad(name, 16, (x) => paint.ifname(x)) + " ";
  s += pad(l.operstate ?? "", 14, (x) => paint.oper(x)) + " ";
  if (l.address !== undefined) s += paint.mac(l.address) + " ";
  s += `<${linkFlags(l.flagsValue, mdown).join(",")}>`;
  return s;
}

/**
 * A link as `ip -j -br link` prints it.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * import { linkBriefJson, Names } from "./format.ts";
 * await using ipr = await IPRoute.open();
 * const links = await ipr.getLinks();
 * console.log(links.map((l) => linkBriefJson(l, Names.of(links))));
 * ```
 */
export function linkBriefJson(l: Link, names: Names): Record<string, unknown> {
  const full = linkJson(l, names);
  const o: Record<string, unknown> = {};
  for (const k of ["link", "link_index", "ifname", "operstate", "address", "flags"]) {
    if (k in full) o[k] = full[k];
  }
  return o;
}

// -- addresses ---------------------------------------------------------------

/** ip's address flags in its order (IFA_F_*), `dynamic` when not permanent. */
const IFA_FLAGS: [string, number][] = [
  ["secondary", 0x01],
  ["nodad", 0x02],
  ["optimistic", 0x04],
  ["dadfailed", 0x08],
  ["home", 0x10],
  ["deprecated", 0x20],
  ["tentative", 0x40],
  ["permanent", 0x80],
  ["mngtmpaddr", 0x100],
  ["noprefixroute", 0x200],
  ["autojoin", 0x400],
  ["stable-privacy", 0x800],
];

/** The IFA_F_* mask of an address. */
function addrFlagMask(a: Address): number {
  return a.flagsValue >>> 0;
}

/** The address flags ip prints, as [name] (v6 `secondary` is `temporary`). */
function addrFlagNames(a: Address): { names: string[]; rest: number } {
  let mask = addrFlagMask(a);
  const names: string[] = [];
  for (const [name, bit] of IFA_FLAGS) {
    if (bit === 0x80) {
      if (!(mask & bit)) names.push("dynamic");
    } else if (mask & bit) {
      names.push(bit === 0x01 && a.family === AF_INET6 ? "temporary" : name);
    }
    mask &= ~bit;
  }
  return { names, rest: mask };
}

function familyName(f: number): string {
  return f === AF_INET ? "inet" : f === AF_INET6 ? "inet6" : f === 28 ? "mpls" : `family${f}`;
}

/** Local and peer addresses as ip tells them apart. */
function localPeer(a: Address): { local: string | undefined; peer: string | undefined } {
  const local = a.local ?? a.address;
  const peer = a.local !== undefined && a.address !== undefined && a.address !== a.local
    ? a.address
    : undefined;
  return { local, peer };
}

/**
 * One entry of `addr_info` as `ip -j addr show` prints it.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * import { addrInfoJson } from "./format.ts";
 * await using ipr = await IPRoute.open();
 * console.log((await ipr.getAddr()).map(addrInfoJson));
 * ```
 */
export function addrInfoJson(a: Address): Record<string, unknown> {
  const o: Record<string, unknown> = { family: familyName(a.family) };
  const { local, peer } = localPeer(a);
  if (local !== undefined) o.local = local;
  if (peer !== undefined) o.address = peer;
  o.prefixlen = a.prefixlen;
  if (a.metric !== undefined) o.metric = a.metric;
  if (a.broadcast !== undefined) o.broadcast = a.broadcast;
  o.scope = a.scope;
  const { names, rest } = addrFlagNames(a);
  for (const n of names) o[n] = true;
  if (rest) o.ifa_flags = rest.toString(16).padStart(2, "0");
  if (a.label !== undefined) o.label = a.label;
  if (a.validLifetime !== undefined) o.valid_life_time = a.validLifetime;
  if (a.preferredLifetime !== undefined) o.preferred_life_time = a.preferredLifetime;
  return o;
}

function lifetime(v: number): string {
  return v === 0xffffffff ? "forever" : `${v}sec`;
}

/**
 * An address as `ip addr show` prints it under its link (`    inet 10.0.0.1/24
 * … scope global v0` and the lifetimes line); with `prefix` (`"3: v0"`), as
 * `ip -o addr` and `ip monitor` print it.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * import { addrText, Paint } from "./format.ts";
 * await using ipr = await IPRoute.open();
 * for (const a of await ipr.getAddr()) console.log(addrText(a, new Paint(false)));
 * ```
 */
export function addrText(a: Address, paint: Paint, prefix = ""): string {
  const { local, peer } = localPeer(a);
  let s = `${prefix}    ${familyName(a.family)} `;
  if (local !== undefined) {
    s += paint.ip(local, a.family);
    if (peer !== undefined) s += ` peer ${paint.ip(peer, a.family)}`;
    s += `/${a.prefixlen}`;
    if (a.metric !== undefined) s += ` metric ${a.metric}`;
  }
  if (a.broadcast !== undefined) s += ` brd ${paint.ip(a.broadcast, a.family)}`;
  s += ` scope ${a.scope}`;
  const { names, rest } = addrFlagNames(a);
  if (names.length) s += ` ${names.join(" ")}`;
  if (rest) s += ` flags ${rest.toString(16).padStart(2, "0")}`;
  if (a.label !== undefined) s += ` ${a.label}`;
  if (a.validLifetime !== undefined && a.preferredLifetime !== undefined) {
    s += `\n       valid_lft ${lifetime(a.validLifetime)} preferred_lft ${
      lifetime(a.preferredLifetime)
    }`;
  }
  return s;
}

/** `10.0.0.1/24` or `10.0.0.1 peer 10.0.0.2/32` as ip -br prints an address. */
function addrShort(a: Address, paint: Paint): string {
  const { local, peer } = localPeer(a);
  return `${paint.ip(local ?? "", a.family)}${
    peer !== undefined ? ` peer ${paint.ip(peer, a.family)}` : ""
  }/${a.prefixlen}`;
}

/**
 * A link and its addresses as `ip -br addr` prints them.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * import { addrBrief, Names, Paint } from "./format.ts";
 * await using ipr = await IPRoute.open();
 * const links = await ipr.getLinks();
 * const addrs = await ipr.getAddr();
 * for (const l of links) {
 *   console.log(addrBrief(l, addrs.filter((a) => a.index === l.index), Names.of(links), new Paint(false)));
 * }
 * ```
 */
export function addrBrief(l: Link, addrs: Address[], names: Names, paint: Paint): string {
  const { name } = nameAndLink(l, names);
  let s = pad(name, 16, (x) => paint.ifname(x)) + " ";
  s += pad(l.operstate ?? "", 14, (x) => paint.oper(x)) + " ";
  s += addrs.map((a) => addrShort(a, paint)).join(" ");
  return s.trimEnd();
}

/**
 * A link and its addresses as `ip -j -br addr` prints them.
 *
 * @example
 * ```ts
 * import { addrBriefJson, Names } from "./format.ts";
 * import { IPRoute } from "../mod.ts";
 * await using ipr = await IPRoute.open();
 * const [lo] = await ipr.getLinks({ ifname: "lo" });
 * console.log(addrBriefJson(lo!, await ipr.getAddr({ index: lo!.index }), new Names()));
 * ```
 */
export function addrBriefJson(l: Link, addrs: Address[], names: Names): Record<string, unknown> {
  const o = linkBriefJson(l, names);
  delete o.address;
  delete o.flags;
  o.addr_info = addrs.map((a) => {
    const { local, peer } = localPeer(a);
    const e: Record<string, unknown> = { local };
    if (peer !== undefined) e.address = peer;
    e.prefixlen = a.prefixlen;
    return e;
  });
  return o;
}

// -- routes ------------------------------------------------------------------

/** One printed field: its JSON key and value, and its text (none: JSON only). */
interface Field {
  key: string;
  json: unknown;
  text?: string;
}

function renderText(fields: Field[]): string {
  let s = "";
  for (const f of fields) {
    if (f.text === undefined || f.text === "") continue;
    if (f.text.startsWith("\n") || s === "") s += f.text;
    else s += ` ${f.text}`;
  }
  return s;
}

function renderJson(fields: Field[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields) if (f.json !== undefined) o[f.key] = f.json;
  return o;
}

const ROUTE_TYPE_NAMES = [
  "unspec",
  "unicast",
  "local",
  "broadcast",
  "anycast",
  "multicast",
  "blackhole",
  "unreachable",
  "prohibit",
  "throw",
  "nat",
  "xresolve",
];

function tableName(t: number): string {
  return t === 254
    ? "main"
    : t === 255
    ? "local"
    : t === 253
    ? "default"
    : t === 0
    ? "unspec"
    : String(t);
}

/** Route and nexthop flags as ip prints them (RTNH_F_* and RTM_F_*). */
const RT_FLAGS: [number, string][] = [
  [0x1, "dead"],
  [0x2, "pervasive"],
  [0x4, "onlink"],
  [0x8, "offload"],
  [0x40, "trap"],
  [0x100, "notify"],
  [0x10, "linkdown"],
  [0x20, "unresolved"],
  [0x4000, "rt_offload"],
  [0x8000, "rt_trap"],
  [0x20000000, "rt_offload_failed"],
];

/** Routing cache flags (RTCF_*) as ip prints them for cloned routes. */
const RTCF: [number, string][] = [
  [0x80000000, "local"],
  [0x40000000, "reject"],
  [0x20000000, "mc"],
  [0x10000000, "brd"],
  [0x08000000, "dst-nat"],
  [0x04000000, "src-direct"],
  [0x01000000, "redirect"],
  [0x00040000, "redirected"],
  [0x00010000, "notify"],
];

function rtFlags(flags: number): string[] {
  return RT_FLAGS.filter(([bit]) => flags & bit).map(([, n]) => n);
}

/** ip's metric names for the metrics table's. */
const METRIC_NAMES: Record<string, string> = {
  rtoMin: "rto_min",
  fastopenNoCookie: "fastopen_no_cookie",
  ccAlgo: "congctl",
};

const PREFS: Record<number, string> = { 0: "medium", 1: "high", 3: "low" };

function hostLen(family: number): number {
  return family === AF_INET6 ? 128 : 32;
}

/** `10.0.0.0/24`, or the bare address for a host prefix, or `default`. */
function prefixText(p: string | undefined, family: number, len: number): string {
  if (p === undefined || p === "") return len ? `0/${len}` : "default";
  if (p === "default") return p;
  return len === hostLen(family) ? p.split("/")[0]! : p;
}

function numberOf(v: string | number, map: { value(v: unknown, a: string): number }): number {
  return typeof v === "number" ? v : map.value(v, "value");
}

/** What to leave out of a route, neighbour or nexthop (the fields a show command filters on). */
export type Hidden = ReadonlySet<string>;

function routeFields(r: Route, names: Names, paint: Paint, hide: Hidden): Field[] {
  const f: Field[] = [];
  const fam = r.family;
  const type = ROUTE_TYPE_NAMES.indexOf(String(r.routeType));
  const typeName = type < 0 ? String(r.routeType) : ROUTE_TYPE_NAMES[type]!;
  if (typeName !== "unicast" && !hide.has("type")) {
    f.push({ key: "type", json: typeName, text: typeName });
  }
  const dst = prefixText(r.dst, fam, r.dstLen);
  f.push({ key: "dst", json: dst, text: dst === "default" ? dst : paint.ip(dst, fam) });
  if (r.src !== undefined) {
    const src = prefixText(r.src, fam, r.srcLen);
    f.push({ key: "from", json: src, text: `from ${paint.ip(src, fam)}` });
  } else if (r.srcLen) {
    f.push({ key: "src", json: `0/${r.srcLen}`, text: `from 0/${r.srcLen}` });
  }
  if (r.nhId !== undefined) f.push({ key: "nhid", json: r.nhId, text: `nhid ${r.nhId}` });
  if (r.tos) {
    const tos = `0x${r.tos.toString(16).padStart(2, "0")}`;
    f.push({ key: "tos", json: tos, text: `tos ${tos}` });
  }
  const gw = r.gateway;
  if (gw !== undefined && !hide.has("gateway")) {
    const gwFamily = gw.includes(":") ? AF_INET6 : AF_INET;
    if (gwFamily === fam) {
      f.push({ key: "gateway", json: gw, text: `via ${paint.ip(gw, gwFamily)}` });
    } else {
      f.push({
        key: "via",
        json: { family: familyName(gwFamily), host: gw },
        text: `via ${familyName(gwFamily)} ${paint.ip(gw, gwFamily)}`,
      });
    }
  }
  if (r.oif !== undefined && !hide.has("dev")) {
    const dev = names.name(r.oif);
    f.push({ key: "dev", json: dev, text: `dev ${paint.ifname(dev)}` });
  }
  if (r.table && r.table !== 254 && !hide.has("table")) {
    const t = tableName(r.table);
    f.push({ key: "table", json: t, text: `table ${t}` });
  }
  const cloned = (r.flags & 0x200) !== 0;
  if (!cloned) {
    const proto = numberOf(r.proto, ROUTE_PROTOCOLS);
    if (proto !== 3 && !hide.has("protocol")) {
      const p = String(ROUTE_PROTOCOLS.name(proto));
      f.push({ key: "protocol", json: p, text: `proto ${p}` });
    }
    const scope = numberOf(r.scope, SCOPES);
    if (scope !== 0 && !hide.has("scope")) {
      const s = String(SCOPES.name(scope));
      f.push({ key: "scope", json: s, text: `scope ${s}` });
    }
  }
  if (r.prefsrc !== undefined && !hide.has("prefsrc")) {
    f.push({ key: "prefsrc", json: r.prefsrc, text: `src ${paint.ip(r.prefsrc, fam)}` });
  }
  if (r.priority !== undefined) {
    f.push({ key: "metric", json: r.priority, text: `metric ${r.priority}` });
  }
  const flags = rtFlags(r.flags);
  f.push({ key: "flags", json: flags, text: flags.join(" ") });
  if (r.mark) f.push({ key: "mark", json: r.mark, text: `mark ${hex(r.mark)}` });
  if (r.uid !== undefined) f.push({ key: "uid", json: r.uid, text: `uid ${r.uid}` });
  if (cloned) {
    const cache = RTCF.filter(([bit]) => r.flags & bit).map(([, n]) => n);
    f.push({
      key: "cache",
      json: fam === AF_INET ? cache : undefined,
      text: `\n    cache${cache.length ? ` <${cache.join(",")}>` : ""}`,
    });
  }
  const metrics = r.metrics;
  if (metrics) {
    const m: Record<string, unknown> = {};
    const text: string[] = [];
    for (const [k, v] of Object.entries(metrics)) {
      if (k === "lock" || typeof v === "object") continue;
      const name = METRIC_NAMES[k] ?? k;
      m[name] = v;
      text.push(`${name} ${v}`);
    }
    if (text.length) f.push({ key: "metrics", json: [m], text: text.join(" ") });
  }
  if (r.iif !== undefined && !hide.has("iif")) {
    const iif = names.name(r.iif);
    f.push({ key: "iif", json: iif, text: `iif ${paint.ifname(iif)}` });
  }
  const mp = r.multipath;
  if (mp) {
    const json = mp.map((nh) => {
      const o: Record<string, unknown> = {};
      if (nh.gateway !== undefined) o.gateway = nh.gateway;
      if (nh.oif) o.dev = names.name(nh.oif);
      o.weight = nh.weight;
      o.flags = rtFlags(nh.flags ?? 0);
      return o;
    });
    const text = mp.map((nh) => {
      let s = "\n\tnexthop";
      if (nh.gateway !== undefined) s += ` via ${paint.ip(nh.gateway)}`;
      if (nh.oif) s += ` dev ${paint.ifname(names.name(nh.oif))}`;
      s += ` weight ${nh.weight}`;
      const fl = rtFlags(nh.flags ?? 0);
      if (fl.length) s += ` ${fl.join(" ")}`;
      return s;
    }).join("");
    f.push({ key: "nexthops", json, text });
  }
  if (r.pref !== undefined) {
    const p = PREFS[r.pref] ?? String(r.pref);
    f.push({ key: "pref", json: p, text: `pref ${p}` });
  }
  return f;
}

/**
 * A route as `ip -j route show` prints it (`dst`, `gateway`, `dev`,
 * `protocol`, `scope`, `prefsrc`, `metric`, `table`, `nexthops`, `metrics`…);
 * `hide` leaves out what the show command filtered on, as ip does.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * import { Names, routeJson } from "./format.ts";
 * await using ipr = await IPRoute.open();
 * const names = Names.of(await ipr.getLinks());
 * console.log((await ipr.getRoutes({ table: "main" })).map((r) => routeJson(r, names)));
 * ```
 */
export function routeJson(
  r: Route,
  names: Names,
  hide: Hidden = new Set(),
): Record<string, unknown> {
  return renderJson(routeFields(r, names, new Paint(false), hide));
}

/**
 * A route as `ip route show` prints it (one line; a multipath route adds a
 * `nexthop` line per path).
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * import { Names, Paint, routeText } from "./format.ts";
 * await using ipr = await IPRoute.open();
 * const names = Names.of(await ipr.getLinks());
 * for (const r of await ipr.getRoutes({ table: "main" })) console.log(routeText(r, names, new Paint(false)));
 * ```
 */
export function routeText(r: Route, names: Names, paint: Paint, hide: Hidden = new Set()): string {
  return renderText(routeFields(r, names, paint, hide));
}

// -- neighbours --------------------------------------------------------------

const NUD_NAMES: [number, string][] = [
  [0x01, "INCOMPLETE"],
  [0x02, "REACHABLE"],
  [0x04, "STALE"],
  [0x08, "DELAY"],
  [0x10, "PROBE"],
  [0x20, "FAILED"],
  [0x40, "NOARP"],
  [0x80, "PERMANENT"],
];

function neighFields(n: Neighbour, names: Names, paint: Paint, hide: Hidden): Field[] {
  const f: Field[] = [];
  if (n.dst !== undefined) f.push({ key: "dst", json: n.dst, text: paint.ip(n.dst, n.family) });
  if (n.index && !hide.has("dev")) {
    const dev = names.name(n.index);
    f.push({ key: "dev", json: dev, text: `dev ${paint.ifname(dev)}` });
  }
  if (n.lladdr !== undefined) {
    f.push({ key: "lladdr", json: n.lladdr, text: `lladdr ${paint.mac(n.lladdr)}` });
  }
  const flags = new Set(n.flags);
  for (
    const [flag, name] of [
      ["router", "router"],
      ["proxy", "proxy"],
      ["extLearned", "extern_learn"],
      ["offloaded", "offload"],
    ]
  ) {
    if (flags.has(flag!)) f.push({ key: name!, json: null, text: name! });
  }
  const state = n.stateValue;
  if (state) {
    const states = NUD_NAMES.filter(([bit]) => state & bit).map(([, s]) => s);
    const rest = state & ~0xff;
    if (rest) states.push(`0x${rest.toString(16)}`);
    f.push({ key: "state", json: states, text: states.join(" ") });
  }
  if (n.protocol !== undefined) {
    const p = String(ROUTE_PROTOCOLS.name(n.protocol));
    f.push({ key: "protocol", json: p, text: `proto ${p}` });
  }
  return f;
}

/**
 * A neighbour as `ip -j neigh show` prints it (`dst`, `dev`, `lladdr`,
 * `router`, `state: ["PERMANENT"]`…).
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * import { Names, neighJson } from "./format.ts";
 * await using ipr = await IPRoute.open();
 * const names = Names.of(await ipr.getLinks());
 * console.log((await ipr.getNeighbours()).map((n) => neighJson(n, names)));
 * ```
 */
export function neighJson(
  n: Neighbour,
  names: Names,
  hide: Hidden = new Set(),
): Record<string, unknown> {
  return renderJson(neighFields(n, names, new Paint(false), hide));
}

/**
 * A neighbour as `ip neigh show` prints it.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * import { Names, neighText, Paint } from "./format.ts";
 * await using ipr = await IPRoute.open();
 * const names = Names.of(await ipr.getLinks());
 * for (const n of await ipr.getNeighbours()) console.log(neighText(n, names, new Paint(false)));
 * ```
 */
export function neighText(
  n: Neighbour,
  names: Names,
  paint: Paint,
  hide: Hidden = new Set(),
): string {
  return renderText(neighFields(n, names, paint, hide));
}

/**
 * A neighbour as `ip -br neigh` prints it (address, device, lladdr in columns).
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * import { Names, neighBrief, Paint } from "./format.ts";
 * await using ipr = await IPRoute.open();
 * const names = Names.of(await ipr.getLinks());
 * for (const n of await ipr.getNeighbours()) console.log(neighBrief(n, names, new Paint(false)));
 * ```
 */
export function neighBrief(
  n: Neighbour,
  names: Names,
  paint: Paint,
  hide: Hidden = new Set(),
): string {
  let s = "";
  if (n.dst !== undefined) s += pad(n.dst, 39, (x) => paint.ip(x, n.family)) + " ";
  if (n.index && !hide.has("dev")) s += pad(names.name(n.index), 16, (x) => paint.ifname(x)) + " ";
  if (n.lladdr !== undefined) s += paint.mac(n.lladdr);
  return s.trimEnd();
}

/**
 * A neighbour as `ip -j -br neigh` prints it.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * import { Names, neighBriefJson } from "./format.ts";
 * await using ipr = await IPRoute.open();
 * const names = Names.of(await ipr.getLinks());
 * console.log((await ipr.getNeighbours()).map((n) => neighBriefJson(n, names)));
 * ```
 */
export function neighBriefJson(
  n: Neighbour,
  names: Names,
  hide: Hidden = new Set(),
): Record<string, unknown> {
  const full = neighJson(n, names, hide);
  const o: Record<string, unknown> = {};
  for (const k of ["dst", "dev", "lladdr"]) if (k in full) o[k] = full[k];
  return o;
}

// -- rules -------------------------------------------------------------------

const IP_PROTO_NAMES: Record<number, string> = {
  1: "icmp",
  2: "igmp",
  6: "tcp",
  17: "udp",
  47: "gre",
  50: "esp",
  51: "ah",
  58: "ipv6-icmp",
  132: "sctp",
  136: "udplite",
};

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

function ruleFields(r: Rule, paint: Paint): Field[] {
  const f: Field[] = [{ key: "priority", json: r.priority, text: `${r.priority}:\t` }];
  const fam = r.family;
  const host = hostLen(fam);
  if (r.invert) f.push({ key: "not", json: null, text: "not" });
  if (r.src !== undefined) {
    const [addr] = r.src.split("/");
    f.push({
      key: "src",
      json: addr,
      text: `from ${paint.ip(r.src.endsWith(`/${host}`) ? addr! : r.src, fam)}`,
    });
    if (r.srcLen !== host) f.push({ key: "srclen", json: r.srcLen });
  } else if (r.srcLen) {
    f.push({ key: "src", json: "0", text: `from 0/${r.srcLen}` });
    f.push({ key: "srclen", json: r.srcLen });
  } else f.push({ key: "src", json: "all", text: "from all" });
  if (r.dst !== undefined) {
    const [addr] = r.dst.split("/");
    f.push({
      key: "dst",
      json: addr,
      text: `to ${paint.ip(r.dst.endsWith(`/${host}`) ? addr! : r.dst, fam)}`,
    });
    if (r.dstLen !== host) f.push({ key: "dstlen", json: r.dstLen });
  } else if (r.dstLen) {
    f.push({ key: "dst", json: "0", text: `to 0/${r.dstLen}` });
    f.push({ key: "dstlen", json: r.dstLen });
  }
  if (r.tos) {
    const tos = `0x${r.tos.toString(16).padStart(2, "0")}`;
    f.push({ key: "tos", json: tos, text: `tos ${tos}` });
  }
  if (r.fwmark !== undefined || r.fwmask !== undefined) {
    const mark = hex(r.fwmark ?? 0);
    if (r.fwmask !== undefined && r.fwmask !== 0xffffffff) {
      f.push({ key: "fwmark", json: mark, text: `fwmark ${mark}/${hex(r.fwmask)}` });
      f.push({ key: "fwmask", json: hex(r.fwmask) });
    } else f.push({ key: "fwmark", json: mark, text: `fwmark ${mark}` });
  }
  if (r.iifname !== undefined) {
    f.push({ key: "iif", json: r.iifname, text: `iif ${paint.ifname(r.iifname)}` });
    if (r.flags & 0x8) f.push({ key: "iif_detached", json: null, text: "[detached]" });
  }
  if (r.oifname !== undefined) {
    f.push({ key: "oif", json: r.oifname, text: `oif ${paint.ifname(r.oifname)}` });
    if (r.flags & 0x10) f.push({ key: "oif_detached", json: null, text: "[detached]" });
  }
  if (r.l3mdev) f.push({ key: "l3mdev", json: null, text: "lookup [l3mdev-table]" });
  const uid = r.uidRange;
  if (uid) {
    f.push({ key: "uid_start", json: uid.start, text: `uidrange ${uid.start}-${uid.end}` });
    f.push({ key: "uid_end", json: uid.end });
  }
  if (r.ipProto !== undefined) {
    const p = IP_PROTO_NAMES[r.ipProto] ?? String(r.ipProto);
    f.push({ key: "ipproto", json: p, text: `ipproto ${p}` });
  }
  for (const [key, range] of [["sport", r.sportRange], ["dport", r.dportRange]] as const) {
    if (!range) continue;
    if (range.start === range.end) {
      f.push({ key, json: range.start, text: `${key} ${range.start}` });
    } else {
      f.push({
        key: `${key}_start`,
        json: range.start,
        text: `${key} ${range.start}-${range.end}`,
      });
      f.push({ key: `${key}_end`, json: range.end });
    }
  }
  const action = String(r.action);
  if (r.table) {
    const t = tableName(r.table);
    f.push({ key: "table", json: t, text: `lookup ${t}` });
    if (r.suppressPrefixlen !== undefined) {
      f.push({
        key: "suppress_prefixlen",
        json: r.suppressPrefixlen,
        text: `suppress_prefixlength ${r.suppressPrefixlen}`,
      });
    }
    const ifgroup = r.suppressIfgroup;
    if (ifgroup !== undefined && ifgroup !== 0xffffffff) {
      const g = groupName(ifgroup)!;
      f.push({ key: "suppress_ifgroup", json: g, text: `suppress_ifgroup ${g}` });
    }
  }
  if (action === "goto") {
    f.push({ key: "goto", json: r.goto ?? "none", text: `goto ${r.goto ?? "none"}` });
    if (r.flags & 0x4) f.push({ key: "unresolved", json: null, text: "[unresolved]" });
  } else if (action === "nop") f.push({ key: "nop", json: null, text: "nop" });
  else if (action !== "to_tbl") f.push({ key: "action", json: action, text: action });
  const proto = r.protocol;
  if (proto !== undefined) {
    const p = numberOf(proto, ROUTE_PROTOCOLS);
    if (p !== 0 && p !== 2) {
      const name = String(ROUTE_PROTOCOLS.name(p));
      f.push({ key: "protocol", json: name, text: `proto ${name}` });
    }
  }
  return f;
}

/**
 * A rule as `ip -j rule show` prints it (`priority`, `src`, `srclen`,
 * `table`, `iif`, `oif`, `fwmark`…).
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * import { ruleJson } from "./format.ts";
 * await using ipr = await IPRoute.open();
 * console.log((await ipr.getRules({ family: "inet" })).map(ruleJson));
 * ```
 */
export function ruleJson(r: Rule): Record<string, unknown> {
  return renderJson(ruleFields(r, new Paint(false)));
}

/**
 * A rule as `ip rule show` prints it (`100:\tfrom 10.0.0.0/8 lookup 100`).
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * import { Paint, ruleText } from "./format.ts";
 * await using ipr = await IPRoute.open();
 * for (const r of await ipr.getRules({ family: "inet" })) console.log(ruleText(r, new Paint(false)));
 * ```
 */
export function ruleText(r: Rule, paint: Paint): string {
  const [prio, ...rest] = ruleFields(r, paint);
  return prio!.text + renderText(rest);
}

// -- nexthops ----------------------------------------------------------------

function nexthopFields(n: Nexthop, names: Names, paint: Paint, hide: Hidden): Field[] {
  const f: Field[] = [];
  if (n.id !== undefined) f.push({ key: "id", json: n.id, text: `id ${n.id}` });
  const group = n.group;
  if (group) {
    f.push({
      key: "group",
      json: group.map((m) => (m.weight === 1 ? { id: m.id } : { id: m.id, weight: m.weight })),
      text: `group ${
        group.map((m) => (m.weight === 1 ? `${m.id}` : `${m.id},${m.weight}`)).join("/")
      }`,
    });
    if (n.groupType !== undefined && n.groupType !== "mpath") {
      f.push({ key: "type", json: String(n.groupType), text: `type ${n.groupType}` });
    }
  }
  if (n.gateway !== undefined) {
    f.push({ key: "gateway", json: n.gateway, text: `via ${paint.ip(n.gateway, n.family)}` });
  }
  if (n.oif !== undefined && !hide.has("dev")) {
    const dev = names.name(n.oif);
    f.push({ key: "dev", json: dev, text: `dev ${paint.ifname(dev)}` });
  }
  const scope = numberOf(n.scope, SCOPES);
  if (scope !== 0) {
    const s = String(SCOPES.name(scope));
    f.push({ key: "scope", json: s, text: `scope ${s}` });
  }
  if (n.blackhole) f.push({ key: "blackhole", json: null, text: "blackhole" });
  const proto = numberOf(n.protocol, ROUTE_PROTOCOLS);
  if (proto !== 0) {
    const p = String(ROUTE_PROTOCOLS.name(proto));
    f.push({ key: "protocol", json: p, text: `proto ${p}` });
  }
  const flags = rtFlags(n.flags);
  f.push({ key: "flags", json: flags, text: flags.join(" ") });
  if (n.fdb) f.push({ key: "fdb", json: null, text: "fdb" });
  return f;
}

/**
 * A nexthop object as `ip -j nexthop show` prints it (`id`, `gateway`, `dev`,
 * `group: [{ id, weight }]`…).
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * import { Names, nexthopJson } from "./format.ts";
 * await using ipr = await IPRoute.open();
 * const names = Names.of(await ipr.getLinks());
 * console.log((await ipr.getNexthops()).map((n) => nexthopJson(n, names)));
 * ```
 */
export function nexthopJson(
  n: Nexthop,
  names: Names,
  hide: Hidden = new Set(),
): Record<string, unknown> {
  return renderJson(nexthopFields(n, names, new Paint(false), hide));
}

/**
 * A nexthop object as `ip nexthop show` prints it (`id 1 via 10.0.0.2 dev v0 scope link`).
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * import { Names, nexthopText, Paint } from "./format.ts";
 * await using ipr = await IPRoute.open();
 * const names = Names.of(await ipr.getLinks());
 * for (const n of await ipr.getNexthops()) console.log(nexthopText(n, names, new Paint(false)));
 * ```
 */
export function nexthopText(
  n: Nexthop,
  names: Names,
  paint: Paint,
  hide: Hidden = new Set(),
): string {
  return renderText(nexthopFields(n, names, paint, hide));
}

// -- whole outputs -----------------------------------------------------------

/**
 * JSON text of a list, as `ip -j` prints it (compact, or indented with `-p`).
 *
 * @example
 * ```ts
 * import { jsonText } from "./format.ts";
 * jsonText([{ ifindex: 1 }], false); // '[{"ifindex":1}]'
 * ```
 */
export function jsonText(value: unknown, pretty: boolean): string {
  return pretty ? JSON.stringify(value, null, 4) : JSON.stringify(value);
}

/**
 * One object's text on one line, as `ip -o` prints it (newlines become `\`).
 *
 * @example
 * ```ts
 * import { oneline } from "./format.ts";
 * oneline("1: lo: <UP>\n    link/loopback"); // "1: lo: <UP>\\    link/loopback"
 * ```
 */
export function oneline(text: string): string {
  return text.replace(/\n/g, "\\");
}
