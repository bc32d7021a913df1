/**
 * Neighbour tables as `ip ntable show` prints them (text and `-j`).
 *
 * @module
 */
import type { NeighTable } from "../../mod.ts";
import type { Paint } from "../color.ts";
import { familyName, type Format, type Hidden } from "./fields.ts";
import type { Names } from "./ifnames.ts";

/** ip's keys for the parameters, by nlroute's names, in ip's order and lines. */
const PARM_LINES: readonly (readonly [string, string][])[] = [
  [["refcnt", "refcnt"], ["reachableTime", "reachable"], ["baseReachableTime", "base_reachable"], [
    "retransTime",
    "retrans",
  ]],
  [["gcStaletime", "gc_stale"], ["delayProbeTime", "delay_probe"], ["queueLen", "queue"]],
  [["appProbes", "app_probes"], ["ucastProbes", "ucast_probes"], ["mcastProbes", "mcast_probes"]],
  [["anycastDelay", "anycast_delay"], ["proxyDelay", "proxy_delay"], [
    "proxyQlen",
    "proxy_queue",
  ], ["locktime", "locktime"]],
];

/** nlroute's parameter names by ip's `ntable change` keywords. */
export const NTABLE_CHANGE_WORDS: Readonly<Record<string, string>> = Object.fromEntries(
  PARM_LINES.flat().filter(([, ip]) => ip !== "refcnt" && ip !== "reachable").map((
    [ours, ip],
  ) => [ip, ours]),
);

function json(t: NeighTable, names: Names): Record<string, unknown> {
  const o: Record<string, unknown> = { family: familyName(t.family), name: t.name };
  if (t.index) o.dev = names.name(t.index);
  for (const k of ["thresh1", "thresh2", "thresh3"] as const) if (t[k] !== undefined) o[k] = t[k];
  if (t.gcInterval !== undefined) o.gc_interval = t.gcInterval;
  const p = t.parms ?? {};
  for (const line of PARM_LINES) {
    for (const [ours, ip] of line) if (p[ours] !== undefined) o[ip] = p[ours];
  }
  return o;
}

function text(t: NeighTable, names: Names, _paint: Paint, _hide: Hidden): string {
  let s = `${familyName(t.family)} ${t.name} \n`;
  if (t.index) s += `    dev ${names.name(t.index)} \n`;
  if (t.thresh1 !== undefined) {
    s +=
      `    thresh1 ${t.thresh1} thresh2 ${t.thresh2} thresh3 ${t.thresh3} gc_int ${t.gcInterval} \n`;
  }
  const p = t.parms ?? {};
  for (const line of PARM_LINES) {
    const words = line.filter(([ours]) => p[ours] !== undefined).map(([ours, ip]) =>
      `${ip} ${p[ours]} `
    );
    if (words.length) s += `    ${words.join("")}\n`;
  }
  return s;
}

/** The format of neighbour tables. */
export const NTABLE_FORMAT: Format<NeighTable> = {
  json: (t, names) => json(t, names),
  text,
};
