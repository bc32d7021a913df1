/**
 * `nlroute monitor [all | label] [OBJECT …]`: which event groups to join.
 *
 * @module
 */
import { AF_INET, AF_INET6 } from "../../core/address.ts";
import { DEFAULT_GROUPS, type GroupName, GROUPS } from "../../iproute/events.ts";
import { UsageError } from "../errors.ts";
import type { Family, Invocation } from "./invocation.ts";
import { inv } from "./invocation.ts";

/** The objects' other words (the group names themselves are accepted as they are). */
const OBJECT_WORDS: Record<string, string> = {
  address: "addr",
  neighbour: "neigh",
  neighbor: "neigh",
};

/** A group of both families (`route`) for one family (`ipv4-route`), when there is one. */
function familyGroup(group: GroupName, family: Family): GroupName {
  const v = family === AF_INET ? "ipv4" : family === AF_INET6 ? "ipv6" : undefined;
  if (v === undefined) return group;
  const one = `${v}-${group === "addr" ? "ifaddr" : group}`;
  return GROUPS[one] ? one as GroupName : group;
}

/**
 * Parses the words after `monitor`: the objects (all of ip's by default),
 * limited to a family by `-4`/`-6`.
 */
export function parseMonitor(words: readonly string[], family: Family): Invocation {
  const groups = new Set<GroupName>();
  let label = false;
  for (const k of words) {
    const group = (OBJECT_WORDS[k] ?? k) as GroupName;
    if (k === "all" || k === "label") label = true;
    else if (k === "help") return inv("help", "help", {}, { topic: "monitor" });
    else if (DEFAULT_GROUPS.includes(group)) groups.add(group);
    else {
      throw new UsageError(`Argument "${k}" is unknown for "monitor", try "nlroute monitor help".`);
    }
  }
  const chosen = groups.size ? [...groups] : DEFAULT_GROUPS;
  return inv("monitor", "monitor", {}, {
    label,
    groups: chosen.map((g) => familyGroup(g, family)),
  });
}
