/**
 * Multicast database messages: one per bridge, its entries (MDBA_MDB) and
 * its multicast router ports (MDBA_ROUTER), decoded into plain entries.
 *
 * @module
 */
import { formatIP, formatMAC } from "../../core/address.ts";
import { ETH_P, MCAST_MODE, MDB, MDB_FLAGS } from "../../core/tables/constants.ts";
import { RT_BRIDGE_STRUCTS } from "../../core/tables/rt_bridge.ts";
import { LazyMessage, type MessageShape } from "../../core/lazy.ts";
import { defined, rtnetlinkShape } from "../message.ts";
import { ROUTE_PROTOCOLS } from "../names.ts";
import { SETS } from "../registry.ts";

const BR_PORT_MSG = RT_BRIDGE_STRUCTS.brPortMsg;
const SHAPE = rtnetlinkShape(BR_PORT_MSG, SETS.mdb);
/** MDBA_MDB and MDBA_ROUTER (the generated numbers). */
const MDBA_MDB = 1;
const MDBA_ROUTER = 2;

/** One multicast group membership of a bridge port. */
export interface MdbEntry {
  /** The bridge's index. */
  bridge: number;
  /** The port's index (the bridge's own for a host join). */
  port: number;
  /** The group: an IPv4/IPv6 address, or a MAC address for an L2 entry. */
  group: string;
  /** `"permanent"` or `"temp"`. */
  state: "permanent" | "temp";
  /** Entry flags by name (`offload`, `fast_leave`, `star_exclude`, `blocked`). */
  flags: string[];
  /** The VLAN (absent: none). */
  vid?: number;
  /** Who installed it (`static`, `kernel`, … or a number). */
  proto?: string | number;
  /** Time left for a temporary entry, in centiseconds (the kernel's clock ticks). */
  timer?: number;
  /** IGMPv3/MLDv2 filter mode. */
  mode?: "include" | "exclude";
  /** The source of an (S, G) entry. */
  source?: string;
  /** The source list of a (*, G) entry, with each source's timer. */
  sources?: { address: string; timer?: number }[];
}

/** A multicast router port of a bridge. */
export interface MdbRouter {
  /** The bridge's index. */
  bridge: number;
  /** The port's index. */
  port: number;
  /** Router type (MDB_RTR_TYPE_*: 0 disabled, 1 temp query, 2 permanent, 3 temp). */
  type?: number;
  /** Time left, in centiseconds. */
  timer?: number;
  /** The VLAN, when per-VLAN snooping is on. */
  vid?: number;
}

const FLAG_NAMES: [number, string][] = [
  [MDB_FLAGS.OFFLOAD, "offload"],
  [MDB_FLAGS.FAST_LEAVE, "fast_leave"],
  [MDB_FLAGS.STAR_EXCL, "star_exclude"],
  [MDB_FLAGS.BLOCKED, "blocked"],
];

/** The group of an entry's address union, by its protocol. */
function groupOf(addr: Uint8Array, proto: number): string {
  if (proto === ETH_P.IP) return formatIP(addr, 0, 4);
  if (proto === ETH_P.IPV6) return formatIP(addr, 0, 16);
  return formatMAC(addr, 0, 6);
}

/** The multicast database of one bridge, from `mdb("dump")` (`bridge mdb show`). */
export class Mdb extends LazyMessage {
  /** @internal rtnetlink, br_port_msg and the mdb table (mdbaAttrs). */
  protected get shape(): MessageShape {
    return SHAPE;
  }
  /** The bridge's index. */
  get bridge(): number {
    return this.hu32(BR_PORT_MSG, "ifindex");
  }
  /** The entries (one per port, group, VLAN and source). */
  get entries(): MdbEntry[] {
    const mdb = this.nested(MDBA_MDB, SETS.mdbEntries);
    const out: MdbEntry[] = [];
    for (const e of (mdb?.entry ?? []) as { info?: Record<string, unknown>[] }[]) {
      for (const i of e.info ?? []) {
        const state = i.state === MDB.PERMANENT ? "permanent" : "temp";
        const flags = FLAG_NAMES.filter(([bit]) => ((i.flags as number) & bit) !== 0).map(([, n]) =>
          n
        );
        const m: MdbEntry = {
          bridge: this.bridge,
          port: i.ifindex as number,
          group: groupOf(i.addr as Uint8Array, i.proto as number),
          state,
          flags,
        };
        if (i.vid) m.vid = i.vid as number;
        if (i.rtprot !== undefined) m.proto = ROUTE_PROTOCOLS.name(i.rtprot as number);
        if (i.timer !== undefined) m.timer = i.timer as number;
        if (i.groupMode !== undefined) {
          m.mode = i.groupMode === MCAST_MODE.INCLUDE ? "include" : "exclude";
        }
        if (i.source !== undefined) m.source = i.source as string;
        const list = (i.srcList as { entry?: { address: string; timer?: number }[] } | undefined)
          ?.entry;
        if (list) {
          m.sources = list.map((s) => defined({ address: s.address, timer: s.timer }) as never);
        }
        out.push(m);
      }
    }
    return out;
  }
  /** The multicast router ports. */
  get routers(): MdbRouter[] {
    const r = this.nested(MDBA_ROUTER, SETS.mdbRouters);
    return ((r?.port ?? []) as Record<string, number>[]).map((p) =>
      defined({
        bridge: this.bridge,
        port: p.ifindex,
        type: p.type,
        timer: p.timer,
        vid: p.vid,
      }) as unknown as MdbRouter
    );
  }
  /** Fields shown by `toJSON()` and inspection. */
  protected fields(): Record<string, unknown> {
    return { bridge: this.bridge, entries: this.entries, routers: this.routers };
  }
}
