/**
 * The link statistics object type (RTM_GETSTATS).
 *
 * @module
 */
import { fieldMatch, pick } from "../match.ts";
import { defineObject, type ObjectDef } from "../object.ts";
import { LinkStats } from "./stats.ts";
import { buildStatsRequest, STATS_COMMANDS, type StatsSpec } from "./request.ts";

/** The link statistics object type (no notifications). */
export type StatsObject = ObjectDef<
  "stats",
  LinkStats,
  StatsSpec,
  keyof typeof STATS_COMMANDS,
  never,
  never
>;

/** Link statistics (`ip stats`). */
export const STATS: StatsObject = defineObject({
  name: "stats",
  result: LinkStats,
  commands: STATS_COMMANDS,
  build: (cmd, spec: StatsSpec) => buildStatsRequest(cmd, spec),
  linkRefs: ["index"],
  match: (spec) => fieldMatch<LinkStats>(pick(spec, ["index"])),
  key: (s) => String(s.index),
});
