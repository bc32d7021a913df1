/**
 * `nlroute stats show [ dev DEV ] group link`: RTM_GETSTATS' 64-bit link
 * counters, printed as `ip stats show … group link` prints them.
 *
 * @module
 */
import { Names } from "../format/ifnames.ts";
import { statsJson, statsText } from "../format/link_stats.ts";
import type { LinkStats } from "../../mod.ts";
import { emit, type Runner } from "./output.ts";

/**
 * Runs a parsed `stats` command (a {@link Runner}).
 */
export const runStats: Runner = async (ipr, inv, opts, out) => {
  const names = Names.of(await ipr.getLinks());
  const list = await ipr.stats("dump", { ...inv.spec, groups: ["link64"] }).all();
  const json = (s: LinkStats) => ({
    ifindex: s.index,
    ifname: names.name(s.index),
    group: "link",
    stats64: statsJson({ stats: s.link64 }, 1),
  });
  const text = (s: LinkStats) =>
    `${s.index}: ${names.name(s.index)}: group link${statsText({ stats: s.link64 }, 1)}`;
  // Listing every interface, ip ends each block with an empty line.
  const end = inv.spec.index === undefined ? "\n\n" : "\n";
  if (opts.json) emit(list, opts, out, json, text);
  else out.write(list.map((s) => text(s) + end).join(""));
  return 0;
};
