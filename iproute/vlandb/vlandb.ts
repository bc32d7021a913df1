/**
 * Bridge VLAN database messages (RTM_NEWVLAN): one per port, its VLAN
 * entries with their options and statistics, or a bridge's global VLAN
 * options.
 *
 * @module
 */
import { vlanFlagsOf } from "../vlan/vlan.ts";
import { RT_BRIDGE_STRUCTS } from "../../core/tables/rt_bridge.ts";
import { LazyMessage, type MessageShape } from "../../core/lazy.ts";
import { rtnetlinkShape } from "../message.ts";
import { SETS } from "../registry.ts";

const BR_VLAN_MSG = RT_BRIDGE_STRUCTS.brVlanMsg;
const SHAPE = rtnetlinkShape(BR_VLAN_MSG, SETS.vlanDb);

/** One entry of the VLAN database: a VLAN (or range) of a port with its options. */
export interface VlanDbEntry {
  /** The VLAN id (the first of a range). */
  vid: number;
  /** The last id of a range. */
  vidEnd?: number;
  /** The port's pvid. */
  pvid: boolean;
  /** Leaves untagged. */
  untagged: boolean;
  /** The raw BRIDGE_VLAN_INFO_* flags. */
  flags: number;
  /** STP state (BR_STATE_*: 0 disabled … 3 forwarding, 4 blocking). */
  state?: number;
  /** Multicast router mode. */
  mcastRouter?: number;
  /** Multicast groups joined, and the limit. */
  mcastNGroups?: number;
  /** The group limit (0: none). */
  mcastMaxGroups?: number;
  /** Neighbour suppression (0 or 1). */
  neighSuppress?: number;
  /** Counters (dumps with `stats`). */
  stats?: Record<string, number | bigint>;
}

/** The VLAN database of one port or bridge, from `vlanDb("dump")`. */
export class VlanDb extends LazyMessage {
  /** @internal rtnetlink, br_vlan_msg and the VLAN database table (brvlanDbAttrs). */
  protected get shape(): MessageShape {
    return SHAPE;
  }
  /** The port's (or bridge's) index. */
  get index(): number {
    return this.hu32(BR_VLAN_MSG, "ifindex");
  }
  /** The VLAN entries. */
  get entries(): VlanDbEntry[] {
    const list = (this.attrs.entry ?? []) as Record<string, unknown>[];
    return list.map((e) => {
      const info = (e.info ?? { flags: 0, vid: 0 }) as { flags: number; vid: number };
      const out: VlanDbEntry = { vid: info.vid, ...vlanFlagsOf(info.flags) };
      if (typeof e.range === "number" && e.range !== info.vid) out.vidEnd = e.range;
      for (const k of ["state", "mcastRouter", "mcastNGroups", "mcastMaxGroups", "neighSuppress"]) {
        if (e[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = e[k];
      }
      if (e.stats) out.stats = e.stats as Record<string, number | bigint>;
      return out;
    });
  }
  /** The bridge's global VLAN options (dumps with `global`), one object per VLAN or range. */
  get globalOptions(): Record<string, unknown>[] {
    return (this.attrs.globalOptions ?? []) as Record<string, unknown>[];
  }
  /** Fields shown by `toJSON()` and inspection. */
  protected fields(): Record<string, unknown> {
    const g = this.globalOptions;
    return g.length
      ? { index: this.index, globalOptions: g }
      : { index: this.index, entries: this.entries };
  }
}
