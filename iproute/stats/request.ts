/**
 * The request builder for link statistics (RTM_GETSTATS): `get` (one
 * interface) and `dump` (every interface), each asking for the groups of
 * counters wanted (struct if_stats_msg's filter mask).
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { Writer } from "../../core/codec.ts";
import { RTM } from "../../core/tables/constants.ts";
import { RT_LINK_ATTRS, RT_LINK_STRUCTS } from "../../core/tables/rt_link.ts";
import type { Request } from "../../core/socket.ts";
import { structRequest } from "../header.ts";
import type { Command } from "../object.ts";
import { checkKeys, command, int, type Spec } from "../spec.ts";

const IF_STATS_MSG = RT_LINK_STRUCTS.ifStatsMsg;
const IFLA_STATS = RT_LINK_ATTRS.statsAttrs;

/** The statistics commands (read only). */
export const STATS_COMMANDS = {
  get: [RTM.GETSTATS, 0],
  dump: [RTM.GETSTATS, 0],
} as const satisfies Record<string, Command>;

/**
 * The groups of counters (IFLA_STATS_*): `link64` (struct rtnl_link_stats64),
 * `xstats` (per link type: the bridge's per-VLAN, multicast and STP
 * counters), `xstatsSlave` (the same, of a port, from its master),
 * `offloadXstats` (CPU hits, hardware statistics), `afSpec` (per address
 * family, MPLS).
 */
export const STATS_GROUPS = {
  link64: IFLA_STATS.link64,
  xstats: IFLA_STATS.linkXstats,
  xstatsSlave: IFLA_STATS.linkXstatsSlave,
  offloadXstats: IFLA_STATS.linkOffloadXstats,
  afSpec: IFLA_STATS.afSpec,
} as const;

/** A group of counters (see {@link STATS_GROUPS}). */
export type StatsGroup = keyof typeof STATS_GROUPS;

/** Arguments of `stats(cmd, spec)`. */
export interface StatsSpec {
  /** The interface (index, or name resolved by IPRoute): required by `get`, a filter of `dump`. */
  index?: number | string;
  /** The groups to ask for (default `["link64"]`). */
  groups?: StatsGroup | StatsGroup[];
}

/** IFLA_STATS_FILTER_BIT of each group asked for. */
export function statsMask(groups: unknown): number {
  const list = groups === undefined ? ["link64"] : Array.isArray(groups) ? groups : [groups];
  if (list.length === 0) {
    throw new ArgumentError(
      "groups",
      `at least one of ${Object.keys(STATS_GROUPS).join(", ")}`,
      groups,
    );
  }
  let mask = 0;
  for (const [i, g] of list.entries()) {
    if (typeof g !== "string" || !Object.hasOwn(STATS_GROUPS, g)) {
      throw new ArgumentError(
        Array.isArray(groups) ? `groups[${i}]` : "groups",
        `one of ${Object.keys(STATS_GROUPS).join(", ")}`,
        g,
      );
    }
    mask |= 1 << (STATS_GROUPS[g as StatsGroup] - 1);
  }
  return mask;
}

/**
 * Builds a statistics request.
 */
export function buildStatsRequest(cmd: string, spec: StatsSpec | Spec): Request {
  const entry = command(STATS_COMMANDS, cmd, "stats");
  checkKeys(spec, ["index", "groups"], `stats ${cmd}`);
  const filterMask = statsMask(spec.groups);
  let ifindex = 0;
  if (cmd === "get") {
    if (spec.index === undefined) {
      throw new ArgumentError("index", "the interface whose statistics to get", undefined);
    }
    ifindex = int(spec.index, "index", 1, 0x7fffffff);
  }
  return structRequest(
    entry,
    IF_STATS_MSG,
    { ifindex, filterMask },
    Writer.scratch("stats").finish(),
  );
}
