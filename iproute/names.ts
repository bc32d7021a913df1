/**
 * Names for rtnetlink numbers, as iproute2 prints them: the kernel's enums,
 * extended by iproute2's rt_protos, rt_scopes, rt_tables and rt_realms files
 * (read on first use). Each map converts both ways through {@link NameMap}.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import { NameMap } from "./name_map.ts";
import { AF_BRIDGE, AF_INET, AF_INET6, AF_MPLS, AF_UNSPEC } from "../core/address.ts";
import { FR_ACT, RT_SCOPE, RT_TABLE, RTPROT } from "../core/tables/constants.ts";
import type { RT_ROUTE_ENUMS } from "../core/tables/rt_route.ts";
import type { RT_NEIGH_ENUMS } from "../core/tables/rt_neigh.ts";
import type { RT_ADDR_ENUMS } from "../core/tables/rt_addr.ts";
import { RTNL } from "./registry.ts";

export { NameMap };

function fromEnum(what: string, name: string): NameMap {
  return new NameMap(what, RTNL.enum(name).byName);
}

/** `[lower-case name, value]` pairs of a generated constant group. */
function lower(values: Readonly<Record<string, number>>, except: readonly string[] = []) {
  return Object.entries(values).filter(([k]) => !except.includes(k))
    .map(([k, v]) => [k.toLowerCase(), v] as const);
}

/** A routing table's name iproute2 knows without its rt_tables file (others: {@link tableId}). */
export type TableName = Lowercase<Exclude<keyof typeof RT_TABLE, "COMPAT">>;
/** A route protocol's name (the kernel's RTPROT_*, lower case). */
export type RouteProtocolName = Lowercase<keyof typeof RTPROT>;
/** A scope's name (`global` is universe). */
export type ScopeName = "global" | Lowercase<keyof typeof RT_SCOPE>;
/** A route type's name (`unicast`, `blackhole`, `local`, …). */
export type RouteTypeName = keyof typeof RT_ROUTE_ENUMS.rtmType;
/** A FIB rule action's name (`to_tbl`, `goto`, `nop`, `blackhole`, `unreachable`, `prohibit`). */
export type RuleActionName = Lowercase<Exclude<keyof typeof FR_ACT, "RES3" | "RES4">>;
/** A neighbour state's name (NUD_*; `none` is 0). */
export type NudStateName = keyof typeof RT_NEIGH_ENUMS.nudState | "none";
/** A neighbour flag's name (NTF_*). */
export type NeighFlagName = keyof typeof RT_NEIGH_ENUMS.ntfFlags;
/** An address flag's name (IFA_F_*). */
export type AddrFlagName = keyof typeof RT_ADDR_ENUMS.ifaFlags;
/** An address family: `inet`/`inet6`, 4/6, or an AF_* number. */
export type Family = "inet" | "inet6" | number;

/** Route protocols (rtm_protocol, the kernel's RTPROT_*), as iproute2's rt_protos names them. */
export const ROUTE_PROTOCOLS: NameMap = new NameMap("route protocol", lower(RTPROT), "rt_protos");

/** Route scopes (rtm_scope, ifa_scope), iproute2's names ("global" is universe). */
export const SCOPES: NameMap = new NameMap(
  "scope",
  [["global", RT_SCOPE.UNIVERSE], ...lower(RT_SCOPE)],
  "rt_scopes",
);

/** Well-known routing tables (iproute2's rt_tables: unspec, default, main, local). */
export const TABLES: NameMap = new NameMap(
  "routing table",
  lower(RT_TABLE, ["COMPAT"]),
  "rt_tables",
);

/** Route realms (RTA_FLOW), from iproute2's rt_realms (0 is `unknown`). */
export const REALMS: NameMap = new NameMap("realm", [["unknown", 0]], "rt_realms");

/** Route types (rtm_type). */
export const ROUTE_TYPES: NameMap = fromEnum("route type", "rtmType");

/** FIB rule actions (fib_rule_hdr.action, the kernel's FR_ACT_*; the reserved ones left out). */
export const RULE_ACTIONS: NameMap = new NameMap("rule action", lower(FR_ACT, ["RES3", "RES4"]));

/** Address families by name (`unspec`, `inet`, `bridge`, `inet6`, `mpls`). */
export const FAMILIES: NameMap = new NameMap("address family", [
  ["unspec", AF_UNSPEC],
  ["inet", AF_INET],
  ["bridge", AF_BRIDGE],
  ["inet6", AF_INET6],
  ["mpls", AF_MPLS],
]);

/** Link operational states (IFLA_OPERSTATE, RFC 2863), as ip prints them. */
export const OPERSTATES: readonly string[] = [
  "UNKNOWN",
  "NOTPRESENT",
  "DOWN",
  "LOWERLAYERDOWN",
  "TESTING",
  "DORMANT",
  "UP",
];

/**
 * Names of the set bits of `mask` from a flags enum; unknown bits as hex.
 */
export function flagNames(enumName: string, mask: number): string[] {
  const e = RTNL.enum(enumName);
  const out: string[] = [];
  let rest = mask >>> 0;
  for (const [name, bit] of e.byName) {
    if (rest & bit) {
      out.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out;
}

/**
 * The mask of flag names (or a number passed through).
 */
export function flagMask(enumName: string, v: unknown, argument: string): number {
  if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
  const e = RTNL.enum(enumName);
  const names = typeof v === "string" ? [v] : v;
  if (!Array.isArray(names)) {
    throw new ArgumentError(argument, `flag names (${[...e.byName.keys()].join(", ")})`, v);
  }
  let mask = 0;
  for (const n of names) {
    const bit = typeof n === "string" ? e.byName.get(n) : undefined;
    if (bit === undefined) {
      throw new ArgumentError(argument, `flag names (${[...e.byName.keys()].join(", ")})`, n);
    }
    mask |= bit;
  }
  return mask >>> 0;
}

// -- iproute2's spellings (used by cli/) ---------------------------------------
//
// ip prints and parses some kernel names in its own spelling. Each map below
// takes the names from the generated tables and respells them by a rule, with
// the few names the rule gets wrong listed as exceptions; maps iproute2 keeps
// that the tables lack (ARPHRD types, IP protocols, …) are listed here once.

// The spelling rules: `noArp` → `NOARP`, `rtoMin` → `rto_min`, `stablePrivacy` → `stable-privacy`.
const upper = (n: string): string => n.toUpperCase();
const snake = (n: string): string => n.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const kebab = (n: string): string => n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * A generated enum's names (or an attribute set's: `entries`) respelled by
 * `rule`, except those in `exceptions`.
 */
function respelled(
  what: string,
  entries: string | Iterable<readonly [string, number]>,
  rule: (name: string) => string,
  exceptions: Record<string, string> = {},
): NameMap {
  const source = typeof entries === "string" ? RTNL.enum(entries).byName : entries;
  return new NameMap(what, [...source].map(([n, v]) => [exceptions[n] ?? rule(n), v] as const));
}

/**
 * Link flags (IFF_*) as ip prints them: the `ifinfoFlags` names in capitals
 * (`noArp` → `NOARP`), except `pointToPoint` (`POINTOPOINT`) and `lowerUp`
 * (`LOWER_UP`).
 */
export const LINK_FLAG_NAMES: NameMap = respelled("link flag", "ifinfoFlags", upper, {
  pointToPoint: "POINTOPOINT",
  lowerUp: "LOWER_UP",
});

/**
 * Address flags (IFA_F_*) as ip prints and parses them: the `ifaFlags` names
 * in kebab case (`stablePrivacy` → `stable-privacy`), except `homeaddress`
 * (`home`), `managetempaddr` (`mngtmpaddr`) and `mcautojoin` (`autojoin`).
 */
export const ADDR_FLAG_NAMES: NameMap = respelled("address flag", "ifaFlags", kebab, {
  homeaddress: "home",
  managetempaddr: "mngtmpaddr",
  mcautojoin: "autojoin",
});

/**
 * Neighbour flags (NTF_*) as ip prints and parses them: the `ntfFlags` names
 * in snake case, except `extLearned` (`extern_learn`) and `offloaded` (`offload`).
 */
export const NEIGH_FLAG_NAMES: NameMap = respelled("neighbour flag", "ntfFlags", snake, {
  extLearned: "extern_learn",
  offloaded: "offload",
});

/**
 * Neighbour states (NUD_*) as ip prints them: the `nudState` names in capitals.
 */
export const NUD_STATE_NAMES: NameMap = respelled("neighbour state", "nudState", upper);

const METRIC_NUMBERS = Object.entries(RTNL.set("metrics").numbers());

/**
 * Route metrics (RTAX_*) as ip prints and parses them: the `metrics` set's
 * names in snake case (`rtoMin` → `rto_min`), except `ccAlgo` (`congctl`).
 */
export const ROUTE_METRICS: NameMap = respelled("route metric", METRIC_NUMBERS, snake, {
  ccAlgo: "congctl",
});

/** IPv6 router preferences (RTA_PREF, ICMPV6_ROUTER_PREF_*), as ip names them. */
export const ROUTE_PREFS: NameMap = new NameMap("router preference", [
  ["medium", 0],
  ["high", 1],
  ["low", 3],
]);

/** Link modes (IFLA_LINKMODE), as ip prints them. */
export const LINK_MODES: NameMap = new NameMap("link mode", [
  ["DEFAULT", 0],
  ["DORMANT", 1],
  ["TESTING", 2],
]);

/** Bonding modes (IFLA_BOND_MODE), as ip names them. */
export const BOND_MODES: NameMap = new NameMap("bond mode", [
  ["balance-rr", 0],
  ["active-backup", 1],
  ["balance-xor", 2],
  ["broadcast", 3],
  ["802.3ad", 4],
  ["balance-tlb", 5],
  ["balance-alb", 6],
]);

/** IP protocols (IPPROTO_*) by their /etc/protocols names, as ip rule prints them. */
export const IP_PROTOCOLS: NameMap = new NameMap("IP protocol", [
  ["icmp", 1],
  ["igmp", 2],
  ["tcp", 6],
  ["udp", 17],
  ["gre", 47],
  ["esp", 50],
  ["ah", 51],
  ["ipv6-icmp", 58],
  ["icmpv6", 58],
  ["sctp", 132],
  ["udplite", 136],
]);

/** Link-layer types (ARPHRD_*, ifinfomsg.ifi_type), as ip prints them after `link/`. */
export const LINK_TYPES: NameMap = new NameMap("link type", [
  ["netrom", 0],
  ["ether", 1],
  ["eether", 2],
  ["ax25", 3],
  ["pronet", 4],
  ["chaos", 5],
  ["ieee802", 6],
  ["arcnet", 7],
  ["appletlk", 8],
  ["dlci", 15],
  ["atm", 19],
  ["metricom", 23],
  ["ieee1394", 24],
  ["eui64", 27],
  ["infiniband", 32],
  ["slip", 256],
  ["cslip", 257],
  ["slip6", 258],
  ["cslip6", 259],
  ["rsrvd", 260],
  ["adapt", 264],
  ["rose", 270],
  ["x25", 271],
  ["hwx25", 272],
  ["can", 280],
  ["ppp", 512],
  ["hdlc", 513],
  ["lapb", 516],
  ["ddcmp", 517],
  ["rawhdlc", 518],
  ["rawip", 519],
  ["ipip", 768],
  ["tunnel6", 769],
  ["frad", 770],
  ["skip", 771],
  ["loopback", 772],
  ["localtlk", 773],
  ["fddi", 774],
  ["bif", 775],
  ["sit", 776],
  ["ip/ddp", 777],
  ["gre", 778],
  ["pimreg", 779],
  ["hippi", 780],
  ["ash", 781],
  ["econet", 782],
  ["irda", 783],
  ["fcpp", 784],
  ["fcal", 785],
  ["fcpl", 786],
  ["fcfb0", 787],
  ["tr", 800],
  ["ieee802.11", 801],
  ["ieee802.11/prism", 802],
  ["ieee802.11/radiotap", 803],
  ["ieee802.15.4", 804],
  ["ieee802.15.4/monitor", 805],
  ["phonet", 820],
  ["phonet_pipe", 821],
  ["caif", 822],
  ["gre6", 823],
  ["netlink", 824],
  ["6lowpan", 825],
  ["vsockmon", 826],
  ["none", 65534],
  ["void", 65535],
]);

// -- Names ip prints for link details (appended for the CLI's -d output) -------

/**
 * Bridge port STP states (BR_STATE_*), as `ip -d link` prints a port's `state`.
 */
export const BRIDGE_PORT_STATES: NameMap = new NameMap("bridge port state", [
  ["disabled", 0],
  ["listening", 1],
  ["learning", 2],
  ["forwarding", 3],
  ["blocking", 4],
]);

/**
 * IPv6 address generation modes (IN6_ADDR_GEN_MODE_*), as `ip -d link` prints
 * `addrgenmode`.
 */
export const ADDR_GEN_MODES: NameMap = new NameMap("address generation mode", [
  ["eui64", 0],
  ["none", 1],
  ["stable_secret", 2],
  ["random", 3],
]);

/**
 * VXLAN "don't fragment" settings (VXLAN_DF_*), as `ip -d link` prints `df`.
 */
export const VXLAN_DF: NameMap = new NameMap("vxlan df", [
  ["unset", 0],
  ["set", 1],
  ["inherit", 2],
]);
