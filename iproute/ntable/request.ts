/**
 * The request builder for neighbour tables: `dump` (every table, and each
 * interface's parameters) and `set` (thresholds, gc interval, parameters of
 * the table or of one interface), as `ip ntable show | change` send them.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { encodeAttrs } from "../../core/schema.ts";
import { Writer } from "../../core/codec.ts";
import { RTM } from "../../core/tables/constants.ts";
import { type RT_NEIGH_ATTRS, RT_NEIGH_STRUCTS } from "../../core/tables/rt_neigh.ts";
import type { Request } from "../../core/socket.ts";
import { structRequest } from "../header.ts";
import type { Command } from "../object.ts";
import { SETS } from "../registry.ts";
import { checkKeys, command, family, int, type Spec, str, u32 } from "../spec.ts";

const NDTMSG = RT_NEIGH_STRUCTS.ndtmsg;

/** The neighbour table commands (the kernel has no get of one table: dump and filter). */
export const NTABLE_COMMANDS = {
  set: [RTM.SETNEIGHTBL, 0],
  dump: [RTM.GETNEIGHTBL, 0],
} as const satisfies Record<string, Command>;

/** The parameters the kernel lets `set` change (neightbl_set), all but `ifindex`. */
export const NTABLE_PARMS = [
  "queueLen",
  "queueLenbytes",
  "proxyQlen",
  "appProbes",
  "ucastProbes",
  "mcastProbes",
  "mcastReprobes",
  "baseReachableTime",
  "gcStaletime",
  "delayProbeTime",
  "intervalProbeTimeMs",
  "retransTime",
  "anycastDelay",
  "proxyDelay",
  "locktime",
] as const satisfies readonly (keyof typeof RT_NEIGH_ATTRS.ndtpaAttrs)[];

/** A settable neighbour table parameter. */
export type NeighTableParm = typeof NTABLE_PARMS[number];

/** Arguments of `ntable(cmd, spec)`. */
export interface NeighTableSpec {
  /** The table: `arp_cache` (IPv4), `ndisc_cache` (IPv6). Required by `set`. */
  name?: string;
  /** `inet` or `inet6` (optional: the name picks the table). */
  family?: "inet" | "inet6" | number;
  /** `set`: the interface whose parameters change (index, or name resolved by IPRoute); 0 or absent: the table's defaults. */
  index?: number | string;
  /** `set`: no garbage collection below this many entries. */
  thresh1?: number;
  /** `set`: the soft maximum of entries. */
  thresh2?: number;
  /** `set`: the hard maximum of entries. */
  thresh3?: number;
  /** `set`: garbage collection interval, milliseconds. */
  gcInterval?: number;
  /** `set`: parameters (times in milliseconds). */
  parms?: Partial<Record<NeighTableParm, number>>;
}

/**
 * Builds a neighbour table request.
 */
export function buildNeighTableRequest(cmd: string, spec: NeighTableSpec | Spec): Request {
  const entry = command(NTABLE_COMMANDS, cmd, "ntable");
  const keys = ["name", "family", "index", "thresh1", "thresh2", "thresh3", "gcInterval", "parms"];
  checkKeys(spec, keys, `ntable ${cmd}`);
  const fam = family(spec.family, undefined, "family") ?? 0;
  const w = Writer.scratch("ntable");
  if (cmd === "dump") {
    return structRequest(entry, NDTMSG, { family: fam }, w.finish());
  }
  if (spec.name === undefined) {
    throw new ArgumentError("name", 'the table\'s name ("arp_cache", "ndisc_cache")', undefined);
  }
  const attrs: Record<string, unknown> = { name: str(spec.name, "name", 64) };
  for (const k of ["thresh1", "thresh2", "thresh3"] as const) {
    if (spec[k] !== undefined) attrs[k] = u32(spec[k], k);
  }
  if (spec.gcInterval !== undefined) {
    attrs.gcInterval = int(spec.gcInterval, "gcInterval", 0, Number.MAX_SAFE_INTEGER);
  }
  const index = spec.index === undefined ? 0 : int(spec.index, "index", 0, 0x7fffffff);
  if (spec.parms !== undefined || index !== 0) {
    const given = spec.parms ?? {};
    checkKeys(given, NTABLE_PARMS, "parms", true);
    const parms: Record<string, unknown> = { ifindex: index };
    for (const [k, v] of Object.entries(given)) {
      parms[k] = int(v, `parms.${k}`, 0, 0xffffffff);
    }
    if (Object.keys(parms).length === 1) {
      throw new ArgumentError(
        "parms",
        "at least one parameter to set for the interface",
        spec.parms,
      );
    }
    attrs.parms = parms;
  }
  if (Object.keys(attrs).length === 1) {
    throw new ArgumentError(
      "thresh1",
      "something to set (thresholds, gcInterval or parms)",
      undefined,
    );
  }
  encodeAttrs(w, SETS.ntable, attrs);
  return structRequest(entry, NDTMSG, { family: fam }, w.finish());
}
