/**
 * The commands and arguments of `mdb(cmd, spec)`: the bridge multicast
 * database as `bridge mdb add|replace|del|show` changes and lists it
 * (RTM_NEWMDB / RTM_DELMDB / RTM_GETMDB: struct br_port_msg, MDBA_SET_ENTRY's
 * struct br_mdb_entry, MDBA_SET_ENTRY_ATTRS).
 *
 * @module
 */
import { AF_BRIDGE, AF_INET, AF_INET6, parseIP, parseMAC } from "../../core/address.ts";
import { ArgumentError } from "../../core/errors.ts";
import { encodeAttrs } from "../../core/schema.ts";
import { Writer } from "../../core/codec.ts";
import { NLM_F } from "../../core/constants.ts";
import { ETH_P, MCAST_MODE, MDB, RTM } from "../../core/tables/constants.ts";
import { RT_BRIDGE_STRUCTS } from "../../core/tables/rt_bridge.ts";
import type { Request } from "../../core/socket.ts";
import { structRequest } from "../header.ts";
import type { Command } from "../object.ts";
import { SETS } from "../registry.ts";
import { address, checkKeys, command, int, type Spec } from "../spec.ts";
import { ROUTE_PROTOCOLS } from "../names.ts";
import { VID_MAX } from "../vlan/request.ts";

const BR_PORT_MSG = RT_BRIDGE_STRUCTS.brPortMsg;

/** The commands of `mdb(cmd, spec)`: message type and flags. */
export const MDB_COMMANDS = {
  add: [RTM.NEWMDB, NLM_F.CREATE | NLM_F.EXCL],
  replace: [RTM.NEWMDB, NLM_F.CREATE | NLM_F.REPLACE],
  del: [RTM.DELMDB, 0],
  dump: [RTM.GETMDB, 0],
} as const satisfies Record<string, Command>;

/**
 * Arguments of `mdb(cmd, spec)` (`bridge mdb add dev br0 port v0 grp
 * 239.1.1.1 permanent vid 10` → `{ index: "br0", port: "v0", group:
 * "239.1.1.1", state: "permanent", vid: 10 }`).
 */
export interface MdbSpec {
  /** The bridge: index or name. Required by add, replace and del. */
  index?: number | string;
  /** The port the group is reachable through (or the bridge itself, for host joins): index or name. */
  port?: number | string;
  /** The group: an IPv4 or IPv6 multicast address, or a MAC address (an L2 entry). */
  group?: string;
  /** `"permanent"` or `"temp"` (the default, as bridge's; temporary entries age out). */
  state?: "permanent" | "temp";
  /** The VLAN of the entry (0 or absent: none). */
  vid?: number;
  /** The source of an (S, G) entry (same family as the group). */
  source?: string;
  /** IGMPv3/MLDv2 filter mode of a (*, G) entry. */
  mode?: "include" | "exclude";
  /** The source list of a (*, G) entry. */
  sources?: readonly string[];
  /** Who installed it (rtnetlink protocol name or number; the kernel's default is `static`). */
  proto?: string | number;
}

const KEYS = ["index", "port", "group", "state", "vid", "source", "mode", "sources", "proto"];

/** The 16 bytes of br_mdb_entry's address union and its protocol, for a group. */
export function groupAddress(
  group: unknown,
  argument = "group",
): { addr: Uint8Array; proto: number } {
  if (typeof group !== "string") {
    throw new ArgumentError(argument, "a multicast IPv4/IPv6 address or a MAC address", group);
  }
  const addr = new Uint8Array(16);
  if (/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(group)) {
    addr.set(parseMAC(group)!);
    return { addr, proto: 0 };
  }
  const ip = parseIP(group);
  if (!ip) {
    throw new ArgumentError(argument, "a multicast IPv4/IPv6 address or a MAC address", group);
  }
  addr.set(ip.bytes);
  return { addr, proto: ip.family === AF_INET ? ETH_P.IP : ETH_P.IPV6 };
}

/** A source address, of the group's family (checked). */
function sourceOf(v: unknown, family: number, argument: string): string {
  address(v, argument, family);
  return v as string;
}

/**
 * Builds the request of an `mdb` command (interface names already resolved to
 * indexes). Throws ArgumentError naming the argument.
 */
export function buildMdbRequest(cmd: string, spec: MdbSpec | Spec): Request {
  const entry = command(MDB_COMMANDS, cmd, "mdb");
  checkKeys(spec, KEYS, `mdb ${cmd}`);
  const w = Writer.scratch("mdb");
  if (cmd === "dump") {
    return structRequest(entry, BR_PORT_MSG, { family: AF_BRIDGE }, w.finish());
  }
  if (spec.index === undefined) throw new ArgumentError("index", "the bridge (index or name)");
  const bridge = int(spec.index, "index", 1, 0x7fffffff);
  if (spec.port === undefined) throw new ArgumentError("port", "the port (index or name)");
  const port = int(spec.port, "port", 1, 0x7fffffff);
  if (spec.group === undefined) throw new ArgumentError("group", "the group address");
  const { addr, proto } = groupAddress(spec.group);
  const state = spec.state ?? "temp";
  if (state !== "permanent" && state !== "temp") {
    throw new ArgumentError("state", '"permanent" or "temp"', spec.state);
  }
  const vid = spec.vid === undefined ? 0 : int(spec.vid, "vid", 0, VID_MAX);
  const family = proto === ETH_P.IP ? AF_INET : proto === ETH_P.IPV6 ? AF_INET6 : 0;
  const extra: Record<string, unknown> = {};
  if (spec.source !== undefined || spec.mode !== undefined || spec.sources !== undefined) {
    if (!family) {
      throw new ArgumentError(
        spec.source !== undefined ? "source" : spec.mode !== undefined ? "mode" : "sources",
        "an IP group for sources and filter modes (not a MAC group)",
        spec.group,
      );
    }
  }
  if (spec.source !== undefined) extra.source = sourceOf(spec.source, family, "source");
  if (spec.mode !== undefined) {
    if (spec.mode !== "include" && spec.mode !== "exclude") {
      throw new ArgumentError("mode", '"include" or "exclude"', spec.mode);
    }
    extra.groupMode = spec.mode === "include" ? MCAST_MODE.INCLUDE : MCAST_MODE.EXCLUDE;
  }
  if (spec.sources !== undefined) {
    if (!Array.isArray(spec.sources)) {
      throw new ArgumentError("sources", "an array of source addresses", spec.sources);
    }
    extra.srcList = {
      entry: spec.sources.map((s, i) => ({ address: sourceOf(s, family, `sources[${i}]`) })),
    };
  }
  if (spec.proto !== undefined) extra.rtprot = ROUTE_PROTOCOLS.value(spec.proto, "proto");
  const attrs: Record<string, unknown> = {
    entry: {
      ifindex: port,
      state: state === "permanent" ? MDB.PERMANENT : MDB.TEMPORARY,
      flags: 0,
      vid,
      addr,
      proto,
    },
  };
  if (Object.keys(extra).length) attrs.attrs = extra;
  encodeAttrs(w, SETS.mdbSet, attrs);
  return structRequest(entry, BR_PORT_MSG, { family: AF_BRIDGE, ifindex: bridge }, w.finish());
}
