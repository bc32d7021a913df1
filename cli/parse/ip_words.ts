/**
 * ip's words for objects and commands, in the order iproute2 tests them
 * (ip.c's command table, then each `do_*` function), and ip's rule for
 * abbreviations: a word names the first entry it is a prefix of. `l s dev v0
 * up` is `link set` because iplink.c tests `set` before `show`; `a` is
 * `address` because it comes first in ip.c, `m` is `maddress`, `n` is
 * `neighbor`. The words nlroute does not implement are kept in their place
 * (so that `s` is ip's `sr`, not something later) and refused by name.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { ObjectName } from "./invocation.ts";

/**
 * One entry of ip's table: the word, what nlroute calls it (null: not
 * implemented by nlroute), and whether ip compares it whole (`chg`).
 */
export type IpWord = readonly [word: string, canonical: string | null, exact?: "exact"];

/**
 * Whether `word` selects `entry` as ip's `matches()` does: a non-empty
 * prefix of the entry's word (the whole word for exact entries).
 */
export function ipMatches(word: string, entry: IpWord): boolean {
  const [w, , exact] = entry;
  return exact ? word === w : word !== "" && w.startsWith(word);
}

/**
 * The first entry of `table` that `word` selects, or undefined.
 */
export function ipLookup(word: string, table: readonly IpWord[]): IpWord | undefined {
  return table.find((e) => ipMatches(word, e));
}

/** ip.c's objects, in its order; nlroute's name for each (null: not in nlroute). */
export const OBJECT_WORDS: readonly IpWord[] = [
  ["address", "addr"],
  ["addrlabel", "addrlabel"],
  ["maddress", "maddr"],
  ["route", "route"],
  ["rule", "rule"],
  ["neighbor", "neigh"],
  ["neighbour", "neigh"],
  ["ntable", "ntable"],
  ["ntbl", "ntable"],
  ["link", "link"],
  ["l2tp", null],
  ["fou", null],
  ["ila", null],
  ["macsec", null],
  ["tunnel", null],
  ["tunl", null],
  ["tuntap", "tuntap"],
  ["tap", "tuntap"],
  ["token", null],
  // nlroute's own (not ip's): what iproute2's `tc` tool does (`nlroute tc qdisc …`).
  // Compared whole and placed before tcpmetrics, so that `tc` is not its abbreviation.
  ["tc", "tc", "exact"],
  ["tcpmetrics", null],
  ["tcp_metrics", null],
  ["monitor", "monitor"],
  ["xfrm", null],
  ["mroute", null],
  ["mrule", null],
  ["netns", "netns"],
  ["netconf", "netconf"],
  ["vrf", null],
  ["sr", null],
  ["nexthop", "nexthop"],
  ["mptcp", null],
  ["ioam", null],
  ["help", "help"],
  ["stats", "stats"],
  // nlroute's own (not ip's): generic netlink.
  ["genl", "genl"],
  ["ynl", "ynl"],
  // nlroute's own: device events (NETLINK_KOBJECT_UEVENT).
  ["uevent", "uevent"],
  // nlroute's own: what iproute2's `ss` tool lists (NETLINK_SOCK_DIAG), compared whole.
  ["ss", "ss", "exact"],
  // nlroute's own: what ipset(8) does (NFNL_SUBSYS_IPSET), compared whole.
  ["ipset", "ipset", "exact"],
  // nlroute's own: what conntrack(8) does (NFNL_SUBSYS_CTNETLINK), compared whole.
  ["conntrack", "conntrack", "exact"],
  // nlroute's own: what iproute2's `bridge` tool does (`nlroute bridge mdb …`).
  ["bridge", "bridge"],
];

/** bridge.c's objects, in its order; nlroute's name for each (null: not in nlroute). */
export const BRIDGE_OBJECT_WORDS: readonly IpWord[] = [
  ["link", null],
  ["fdb", null],
  ["mdb", "mdb"],
  ["vlan", "vlan"],
  ["vni", null],
  ["monitor", null],
];

/** tc.c's objects (do_cmd), in its order; nlroute's name for each (null: not in nlroute). */
export const TC_OBJECT_WORDS: readonly IpWord[] = [
  ["qdisc", "qdisc"],
  ["class", "tclass"],
  ["filter", "tfilter"],
  ["chain", null],
  ["actions", null],
  ["monitor", null],
  ["exec", null],
  ["help", "help"],
];

/** tc_qdisc.c's do_qdisc. */
export const TC_QDISC_COMMANDS: readonly IpWord[] = [
  ["add", "add"],
  ["change", "change"],
  ["replace", "replace"],
  ["link", "link"],
  ["delete", "del"],
  ["list", "show"],
  ["show", "show"],
  ["lst", "show"],
  ["help", "help"],
];

/** tc_class.c's do_class. */
export const TC_CLASS_COMMANDS: readonly IpWord[] = [
  ["add", "add"],
  ["change", "change"],
  ["replace", "replace"],
  ["delete", "del"],
  ["list", "show"],
  ["show", "show"],
  ["lst", "show"],
  ["help", "help"],
];

/** tc_filter.c's do_filter. */
export const TC_FILTER_COMMANDS: readonly IpWord[] = [
  ["add", "add"],
  ["change", "change"],
  ["replace", "replace"],
  ["delete", "del"],
  ["get", "get"],
  ["list", "show"],
  ["show", "show"],
  ["lst", "show"],
  ["help", "help"],
];

/** mdb.c's do_mdb. */
export const MDB_COMMANDS: readonly IpWord[] = [
  ["add", "add"],
  ["replace", "replace"],
  ["delete", "del"],
  ["show", "show"],
  ["lst", "show"],
  ["list", "show"],
  ["get", null],
  ["flush", null],
  ["help", "help"],
];

/** vlan.c's do_vlan. */
export const VLAN_COMMANDS: readonly IpWord[] = [
  ["add", "add"],
  ["delete", "del"],
  ["set", "set"],
  ["show", "show"],
  ["lst", "show"],
  ["list", "show"],
  ["tunnelshow", null],
  ["global", null],
  ["help", "help"],
];

/**
 * `list`, `show`, `lst`: ip's words for showing, which every object tests
 * together (in an order of its own, which changes nothing: all three mean show).
 */
const SHOW: readonly IpWord[] = [["list", "show"], ["show", "show"], ["lst", "show"]];

/** `add`, `change` (and `chg`, compared whole), `replace`: how addr, route and neigh begin. */
const MODIFY: readonly IpWord[] = [
  ["add", "add"],
  ["change", "change"],
  ["chg", "change", "exact"],
  ["replace", "replace"],
];

/** iplink.c's do_iplink: `set` before `show`, so `s` is set. */
export const LINK_COMMANDS: readonly IpWord[] = [
  ["add", "add"],
  ["set", "set"],
  ["change", "set"],
  ["replace", null],
  ["delete", "del"],
  ...SHOW,
  ["xstats", null],
  ["afstats", null],
  ["property", "property"],
  ["help", "help"],
];

/** iplink.c's iplink_prop: the operation after `link property` (`del`, not `delete`). */
export const PROPERTY_COMMANDS: readonly IpWord[] = [
  ["add", "property_add"],
  ["del", "property_del"],
  ["help", "help"],
];

/** ipaddress.c's do_ipaddr. */
export const ADDR_COMMANDS: readonly IpWord[] = [
  ...MODIFY,
  ["delete", "del"],
  ...SHOW,
  ["flush", "flush"],
  ["save", null],
  ["showdump", null],
  ["restore", null],
  ["help", "help"],
];

/** iproute.c's do_iproute. */
export const ROUTE_COMMANDS: readonly IpWord[] = [
  ...MODIFY,
  ["prepend", null],
  ["append", "append"],
  ["test", null],
  ["delete", "del"],
  ...SHOW,
  ["get", "get"],
  ["flush", "flush"],
  ["save", "save"],
  ["restore", "restore"],
  ["showdump", "showdump"],
  ["help", "help"],
];

/** ipneigh.c's do_ipneigh: `get` before `show`. */
export const NEIGH_COMMANDS: readonly IpWord[] = [
  ...MODIFY,
  ["delete", "del"],
  ["get", null],
  ...SHOW,
  ["flush", "flush"],
  ["help", "help"],
];

/** iprule.c's do_iprule: `show` before `save`. */
export const RULE_COMMANDS: readonly IpWord[] = [
  ...SHOW,
  ["save", null],
  ["restore", null],
  ["add", "add"],
  ["delete", "del"],
  ["flush", "flush"],
  ["help", "help"],
];

/** ipnexthop.c's do_ipnh. */
export const NEXTHOP_COMMANDS: readonly IpWord[] = [
  ["add", "add"],
  ["replace", "replace"],
  ["delete", "del"],
  ...SHOW,
  ["get", "get"],
  ["flush", "flush"],
  ["bucket", null],
  ["help", "help"],
];

/** ipnetns.c's do_netns. */
export const NETNS_COMMANDS: readonly IpWord[] = [
  ["list", "list"],
  ["show", "list"],
  ["lst", "list"],
  ["list-id", null],
  ["help", "help"],
  ["add", "add"],
  ["attach", null],
  ["set", null],
  ["delete", "del"],
  ["identify", "identify"],
  ["pids", null],
  ["exec", "exec"],
  ["monitor", null],
];

/** iptuntap.c's do_iptuntap. */
export const TUNTAP_COMMANDS: readonly IpWord[] = [
  ["add", "add"],
  ["delete", "del"],
  ["show", "show"],
  ["lst", "show"],
  ["list", "show"],
  ["help", "help"],
];

/** ipaddrlabel.c's do_ipaddrlabel. */
export const ADDRLABEL_COMMANDS: readonly IpWord[] = [
  ["add", "add"],
  ["delete", "del"],
  ...SHOW,
  ["flush", "flush"],
  ["help", "help"],
];

/** ipntable.c's do_ipntable. */
export const NTABLE_COMMANDS: readonly IpWord[] = [
  ["change", "set"],
  ["chg", "set", "exact"],
  ...SHOW,
  ["help", "help"],
];

/** ipstats.c's do_ipstats (`set` is not in nlroute). */
export const STATS_COMMANDS: readonly IpWord[] = [...SHOW, ["set", null], ["help", "help"]];

/** ipnetconf.c's do_ipnetconf. */
export const NETCONF_COMMANDS: readonly IpWord[] = [...SHOW, ["help", "help"]];

/** nlroute's own `uevent`: only its monitor. */
export const UEVENT_COMMANDS: readonly IpWord[] = [["monitor", "monitor"], ["help", "help"]];

/** ipmaddr.c's do_multiaddr. */
export const MADDR_COMMANDS: readonly IpWord[] = [
  ["add", null],
  ["delete", null],
  ...SHOW,
  ["help", "help"],
];

/**
 * The object a word names (`a` → `addr`, `m` → `maddr`); unknown words and
 * ip objects nlroute lacks are usage errors.
 */
export function objectOf(word: string): ObjectName {
  const entry = ipLookup(word, OBJECT_WORDS);
  if (!entry) throw new UsageError(`Object "${word}" is unknown, try "nlroute help".`);
  if (entry[1] === null) {
    throw new UsageError(`Object "${entry[0]}" of ip is not supported by nlroute.`);
  }
  return entry[1] as ObjectName;
}

/**
 * How many of `words` are nlroute's own: all of them, but for `netns exec`
 * only those two (what follows is the namespace and the program to run, whose
 * options are not nlroute's).
 */
export function commandEnd(words: readonly string[]): number {
  const [object, command] = words;
  if (object === undefined || command === undefined) return words.length;
  const isExec = ipLookup(object, OBJECT_WORDS)?.[1] === "netns" &&
    ipLookup(command, NETNS_COMMANDS)?.[1] === "exec";
  return isExec ? 2 : words.length;
}
