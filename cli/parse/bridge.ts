/**
 * iproute2's `bridge` grammar for the multicast database and port VLANs:
 * `bridge mdb { add | del | replace } dev BRIDGE port PORT grp GROUP [ src
 * SOURCE ] [ permanent | temp ] [ vid VID ] [ filter_mode { include | exclude
 * } ] [ source_list S1,S2… ] [ proto PROTO ]`, `bridge mdb show [ dev BRIDGE ]
 * [ vid VID ]`; `bridge vlan { add | del } dev DEV vid VID[-VEND] [ pvid ] [
 * untagged ] [ self ] [ master ]`, `bridge vlan set dev DEV vid VID[-VEND] [
 * state STATE ] [ mcast_router N ] [ mcast_max_groups N ] [ neigh_suppress {
 * on | off } ]`, `bridge vlan show [ dev DEV ]`.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { Family, Invocation } from "./invocation.ts";
import { inv } from "./invocation.ts";
import { ifnameValue } from "./addresses.ts";
import { integer } from "./values.ts";
import type { Words } from "./words.ts";

/**
 * Parses the words after `bridge mdb ACTION`.
 */
export function parseMdb(w: Words, action: string, _family: Family): Invocation {
  const spec: Record<string, unknown> = {};
  while (!w.done) {
    const k = w.next();
    if (k === "dev") spec.index = ifnameValue(w.value("dev"), "dev");
    else if (k === "vid") spec.vid = integer(w.value("vid"), "vid", 0, 4094);
    else if (action === "show") {
      throw new UsageError(`Unknown argument "${k}" in "bridge mdb show".`);
    } else if (k === "port") spec.port = ifnameValue(w.value("port"), "port");
    else if (k === "grp" || k === "group") spec.group = w.value(k);
    else if (k === "src") spec.source = w.value("src");
    else if (k === "permanent") spec.state = "permanent";
    else if (k === "temp" || k === "temporary") spec.state = "temp";
    else if (k === "filter_mode") {
      const m = w.value("filter_mode");
      if (m !== "include" && m !== "exclude") {
        throw new UsageError(`Invalid filter_mode "${m}": expected include or exclude.`);
      }
      spec.mode = m;
    } else if (k === "source_list") spec.sources = w.value("source_list").split(",");
    else if (k === "proto") {
      const p = w.value("proto");
      spec.proto = /^\d+$/.test(p) ? Number(p) : p;
    } else throw new UsageError(`Unknown argument "${k}" in "bridge mdb ${action}".`);
  }
  if (action !== "show") {
    for (const [key, word] of [["index", "dev"], ["port", "port"], ["group", "grp"]] as const) {
      if (spec[key] === undefined) {
        throw new UsageError(`"bridge mdb ${action}" needs ${word}.`);
      }
    }
  }
  return inv("mdb", action, spec);
}

/** `VID` or `VID-VEND`. */
function vidWords(word: string): number | [number, number] {
  const m = word.match(/^(\d+)(?:-(\d+))?$/);
  if (!m) throw new UsageError(`Invalid VLAN id "${word}".`);
  const from = integer(m[1]!, "vid", 1, 4094);
  return m[2] === undefined ? from : [from, integer(m[2], "vid", 1, 4094)];
}

/**
 * Parses the words after `bridge vlan ACTION`.
 */
export function parseVlan(w: Words, action: string, _family: Family): Invocation {
  const spec: Record<string, unknown> = {};
  while (!w.done) {
    const k = w.next();
    if (k === "dev") spec.index = ifnameValue(w.value("dev"), "dev");
    else if (k === "vid") spec.vid = vidWords(w.value("vid"));
    else if (action === "show") {
      throw new UsageError(`Unknown argument "${k}" in "bridge vlan show".`);
    } else if (k === "pvid") spec.pvid = true;
    else if (k === "untagged") spec.untagged = true;
    else if (k === "self" && action !== "set") spec.self = true;
    else if (k === "master" && action !== "set") spec.master = true;
    else if (action === "set" && k === "state") {
      const s = w.value("state");
      spec.state = /^\d+$/.test(s) ? Number(s) : s;
    } else if (action === "set" && k === "mcast_router") {
      spec.mcastRouter = integer(w.value(k), k, 0, 3);
    } else if (action === "set" && k === "mcast_max_groups") {
      spec.mcastMaxGroups = integer(w.value(k), k);
    } else if (action === "set" && k === "neigh_suppress") {
      const v = w.value(k);
      if (v !== "on" && v !== "off") {
        throw new UsageError(`neigh_suppress takes on or off, not "${v}".`);
      }
      spec.neighSuppress = v === "on";
    } else throw new UsageError(`Unknown argument "${k}" in "bridge vlan ${action}".`);
  }
  if (action !== "show") {
    if (spec.index === undefined) throw new UsageError(`"bridge vlan ${action}" needs dev.`);
    if (spec.vid === undefined) throw new UsageError(`"bridge vlan ${action}" needs vid.`);
  }
  return inv("vlan", action, spec);
}
