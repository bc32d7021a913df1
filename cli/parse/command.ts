/**
 * The words of an `nlroute` command line after the global options: the
 * object and the action (abbreviated as ip allows), then that object's
 * grammar (`link set dev v0 mtu 1400 up`, `route add 10.1.0.0/16 via 10.0.0.2
 * dev v0 table 100`, …) into an {@link Invocation}.
 *
 * Every problem is a one-line error: `UsageError` for the command line
 * itself, `ArgumentError` (context `argument`) for a value.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { Family, Invocation, ObjectName } from "./invocation.ts";
import { inv, objectLabel } from "./invocation.ts";
import { parseAddr } from "./addr.ts";
import { parseAddrlabel } from "./addrlabel.ts";
import { parseTuntap } from "./tuntap.ts";
import { parseMdb, parseVlan } from "./bridge.ts";
import { parseNetconf } from "./netconf.ts";
import { parseNtable } from "./ntable.ts";
import { parseStats } from "./stats.ts";
import { parseGenl } from "./genl.ts";
import { parseLink } from "./link.ts";
import { parseMaddr } from "./maddr.ts";
import { parseMonitor } from "./monitor.ts";
import { parseNeigh } from "./neigh.ts";
import { parseNetns } from "./netns.ts";
import { parseNexthop } from "./nexthop.ts";
import { parseRoute } from "./route.ts";
import { parseRule } from "./rule.ts";
import { parseYnl } from "./ynl.ts";
import { parseUEvent } from "./uevent.ts";
import { parseClass, parseFilter, parseQdisc } from "./tc.ts";
import { parseSs } from "./ss.ts";
import { parseIpset } from "./ipset.ts";
import { parseConntrack } from "./conntrack.ts";
import {
  ADDR_COMMANDS,
  ADDRLABEL_COMMANDS,
  BRIDGE_OBJECT_WORDS,
  ipLookup,
  type IpWord,
  LINK_COMMANDS,
  MADDR_COMMANDS,
  MDB_COMMANDS,
  NEIGH_COMMANDS,
  NETCONF_COMMANDS,
  NETNS_COMMANDS,
  NEXTHOP_COMMANDS,
  NTABLE_COMMANDS,
  objectOf,
  ROUTE_COMMANDS,
  RULE_COMMANDS,
  STATS_COMMANDS,
  TC_CLASS_COMMANDS,
  TC_FILTER_COMMANDS,
  TC_OBJECT_WORDS,
  TC_QDISC_COMMANDS,
  TUNTAP_COMMANDS,
  UEVENT_COMMANDS,
  VLAN_COMMANDS,
} from "./ip_words.ts";
import { Words } from "./words.ts";

type Parser = (w: Words, action: string, family: Family) => Invocation;

/** Objects with a grammar of their own words (not the front words of `bridge` and `tc`). */
type Grammatical = Exclude<
  ObjectName,
  "help" | "monitor" | "genl" | "ynl" | "bridge" | "tc" | "ss" | "ipset" | "conntrack"
>;

/** Each object's commands in ip's order, the command without one, and its grammar. */
const GRAMMARS: Record<Grammatical, [readonly IpWord[], string, Parser]> = {
  link: [LINK_COMMANDS, "show", parseLink],
  addr: [ADDR_COMMANDS, "show", parseAddr],
  route: [ROUTE_COMMANDS, "show", parseRoute],
  neigh: [NEIGH_COMMANDS, "show", parseNeigh],
  rule: [RULE_COMMANDS, "show", parseRule],
  nexthop: [NEXTHOP_COMMANDS, "show", parseNexthop],
  netns: [NETNS_COMMANDS, "list", parseNetns],
  maddr: [MADDR_COMMANDS, "show", parseMaddr],
  addrlabel: [ADDRLABEL_COMMANDS, "show", parseAddrlabel],
  netconf: [NETCONF_COMMANDS, "show", parseNetconf],
  ntable: [NTABLE_COMMANDS, "show", parseNtable],
  stats: [STATS_COMMANDS, "show", parseStats],
  tuntap: [TUNTAP_COMMANDS, "show", parseTuntap],
  mdb: [MDB_COMMANDS, "show", parseMdb],
  vlan: [VLAN_COMMANDS, "show", parseVlan],
  uevent: [UEVENT_COMMANDS, "monitor", parseUEvent],
  qdisc: [TC_QDISC_COMMANDS, "show", parseQdisc],
  tclass: [TC_CLASS_COMMANDS, "show", parseClass],
  tfilter: [TC_FILTER_COMMANDS, "show", parseFilter],
};

/** The command a word names for `object` (ip's abbreviations), or a usage error. */
function commandOf(object: ObjectName, word: string): string {
  const [commands] = GRAMMARS[object as keyof typeof GRAMMARS];
  const entry = ipLookup(word, commands);
  if (!entry) {
    throw new UsageError(
      `Command "${word}" is unknown, try "nlroute ${objectLabel(object)} help".`,
    );
  }
  if (entry[1] === null) {
    throw new UsageError(
      `Command "${objectLabel(object)} ${entry[0]}" of ip is not supported by nlroute.`,
    );
  }
  return entry[1];
}

/**
 * Parses the words after the global options into an {@link Invocation}.
 * `family` is the global `-4`/`-6` choice (some objects default to IPv4, as
 * with ip).
 */
export function parseCommand(words: readonly string[], family: Family): Invocation {
  if (words.length === 0) return inv("help", "help", {}, { topic: "" });
  const object = objectOf(words[0]!);
  if (object === "help") return inv("help", "help", {}, { topic: words[1] ?? "" });
  if (object === "monitor") return parseMonitor(words.slice(1), family);
  if (object === "genl") return parseGenl(words.slice(1));
  if (object === "ynl") return parseYnl(words.slice(1));
  if (object === "ss") {
    if (words[1] === "help") return inv("help", "help", {}, { topic: "ss" });
    return parseSs(words.slice(1), family);
  }
  if (object === "ipset") return parseIpset(words.slice(1));
  if (object === "conntrack") {
    if (words[1] === "help") return inv("help", "help", {}, { topic: "conntrack" });
    return parseConntrack(words.slice(1));
  }
  if (object === "bridge") return parseCommandOf(bridgeObject(words[1]), words.slice(2), family);
  if (object === "tc") {
    const sub = tcObject(words[1]);
    if (sub === "help") return inv("help", "help", {}, { topic: "tc" });
    return parseCommandOf(sub, words.slice(2), family);
  }
  return parseCommandOf(object, words.slice(1), family);
}

/** The object `tc WORD` names (tc's abbreviations), or a usage error. */
function tcObject(word: string | undefined): "qdisc" | "tclass" | "tfilter" | "help" {
  if (word === undefined) throw new UsageError(`"tc" needs an object: qdisc, class or filter.`);
  const entry = ipLookup(word, TC_OBJECT_WORDS);
  if (!entry) throw new UsageError(`Object "${word}" is unknown, try "nlroute tc help".`);
  if (entry[1] === null) {
    throw new UsageError(`Object "tc ${entry[0]}" is not supported by nlroute.`);
  }
  return entry[1] as "qdisc" | "tclass" | "tfilter" | "help";
}

/** The object `bridge WORD` names (bridge's abbreviations), or a usage error. */
function bridgeObject(word: string | undefined): "mdb" | "vlan" {
  if (word === undefined) throw new UsageError(`"bridge" needs an object: mdb or vlan.`);
  const entry = ipLookup(word, BRIDGE_OBJECT_WORDS);
  if (!entry) throw new UsageError(`Object "${word}" is unknown, try "nlroute bridge help".`);
  if (entry[1] === null) {
    throw new UsageError(`Object "bridge ${entry[0]}" is not supported by nlroute.`);
  }
  return entry[1] as "mdb" | "vlan";
}

/** Parses an object's command words (the object's own word already taken). */
function parseCommandOf(
  object: Grammatical,
  rest: readonly string[],
  family: Family,
): Invocation {
  const [, fallback, parse] = GRAMMARS[object];
  const action = rest.length > 0 ? commandOf(object, rest[0]!) : fallback;
  if (action === "help") return inv("help", "help", {}, { topic: objectLabel(object) });
  return parse(new Words(rest.slice(1), objectLabel(object), action), action, family);
}

/**
 * The help topic for `--help` after some words (`link add --help` → `link`),
 * without parsing the rest: help never fails on an incomplete command.
 */
export function helpTopic(words: readonly string[]): string {
  const first = words[0];
  if (first === undefined) return "";
  const object = objectOf(first);
  if (object === "bridge") {
    try {
      return objectLabel(bridgeObject(words[1]));
    } catch {
      return "bridge";
    }
  }
  if (object === "tc") {
    try {
      const sub = tcObject(words[1]);
      return sub === "help" ? "tc" : objectLabel(sub);
    } catch {
      return "tc";
    }
  }
  return object === "help" ? words[1] ?? "" : objectLabel(object);
}
