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
import { parseLink } from "./link.ts";
import { parseMonitor } from "./monitor.ts";
import { parseNeigh } from "./neigh.ts";
import { parseNetns } from "./netns.ts";
import { parseNexthop } from "./nexthop.ts";
import { parseRoute } from "./route.ts";
import { parseRule } from "./rule.ts";
import { match } from "./values.ts";
import { Words } from "./words.ts";

/**
 * The objects nlroute knows, in the order abbreviations are matched (as ip
 * does: `a` is address, `r` route, `n` neighbour, `l` link), with the
 * canonical name of each.
 */
const OBJECTS: readonly (readonly [string, ObjectName])[] = [
  ["address", "addr"],
  ["route", "route"],
  ["rule", "rule"],
  ["neighbour", "neigh"],
  ["neighbor", "neigh"],
  ["link", "link"],
  ["monitor", "monitor"],
  ["netns", "netns"],
  ["nexthop", "nexthop"],
  ["help", "help"],
];
const OBJECT_WORDS = OBJECTS.map(([word]) => word);

type Parser = (w: Words, action: string, family: Family) => Invocation;

/** Each object's actions, in the order abbreviations are matched (the first is the default), and its grammar. */
const GRAMMARS: Record<Exclude<ObjectName, "help" | "monitor">, [readonly string[], Parser]> = {
  link: [["show", "list", "lst", "add", "set", "change", "delete", "help"], parseLink],
  addr: [
    ["show", "list", "lst", "add", "change", "replace", "delete", "flush", "help"],
    parseAddr,
  ],
  route: [
    ["show", "list", "lst", "add", "change", "replace", "append", "delete", "get", "flush", "help"],
    parseRoute,
  ],
  neigh: [["show", "list", "lst", "add", "change", "replace", "delete", "help"], parseNeigh],
  rule: [["show", "list", "lst", "add", "delete", "help"], parseRule],
  nexthop: [["show", "list", "lst", "add", "replace", "delete", "get", "help"], parseNexthop],
  netns: [["list", "show", "add", "delete", "help"], parseNetns],
};

/** ip's spelling of each action (`list` → `show`, `delete` → `del`). */
const ACTION_CANON: Record<string, string> = {
  list: "show",
  lst: "show",
  delete: "del",
};

/** The object a word names (`a` → `addr`); unknown ones are a usage error. */
function objectOf(word: string): ObjectName {
  const objectWord = match(word, OBJECT_WORDS);
  if (!objectWord) throw new UsageError(`Object "${word}" is unknown, try "nlroute help".`);
  return OBJECTS.find(([w]) => w === objectWord)![1];
}

/**
 * Parses the words after the global options into an {@link Invocation}.
 * `family` is the global `-4`/`-6` choice (some objects default to IPv4, as
 * with ip).
 *
 * @example
 * ```ts
 * import { parseCommand } from "./command.ts";
 * const inv = parseCommand(["link", "set", "dev", "v0", "mtu", "1400", "up"], 0);
 * inv.action; // "set"
 * inv.spec; // { index: "v0", mtu: 1400, state: "up" }
 * ```
 */
export function parseCommand(words: readonly string[], family: Family): Invocation {
  if (words.length === 0) return inv("help", "help", {}, { topic: "" });
  const object = objectOf(words[0]!);
  if (object === "help") return inv("help", "help", {}, { topic: words[1] ?? "" });
  if (object === "monitor") return parseMonitor(words.slice(1), family);
  const [actions, parse] = GRAMMARS[object];
  let rest = words.slice(1);
  let action = actions[0]!;
  if (rest.length > 0) {
    const m = match(rest[0]!, actions);
    if (!m) {
      throw new UsageError(
        `Command "${rest[0]}" is unknown, try "nlroute ${objectLabel(object)} help".`,
      );
    }
    action = m;
    rest = rest.slice(1);
  }
  action = ACTION_CANON[action] ?? action;
  if (action === "help") return inv("help", "help", {}, { topic: objectLabel(object) });
  return parse(new Words(rest, objectLabel(object), action), action, family);
}

/**
 * The help topic for `--help` after some words (`link add --help` → `link`),
 * without parsing the rest: help never fails on an incomplete command.
 *
 * @example
 * ```ts
 * import { helpTopic } from "./command.ts";
 * helpTopic(["r", "add"]); // "route"
 * helpTopic([]); // ""
 * ```
 */
export function helpTopic(words: readonly string[]): string {
  const first = words[0];
  if (first === undefined) return "";
  const object = objectOf(first);
  return object === "help" ? words[1] ?? "" : objectLabel(object);
}
