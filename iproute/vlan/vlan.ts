/**
 * The VLANs of a bridge port, as an AF_BRIDGE link message reports them
 * (IFLA_AF_SPEC's IFLA_BRIDGE_VLAN_INFO entries).
 *
 * @module
 */
import { BRIDGE_VLAN_INFO } from "../../core/tables/constants.ts";
import { RT_LINK_ATTRS, RT_LINK_STRUCTS } from "../../core/tables/rt_link.ts";
import { LazyMessage, type MessageShape } from "../../core/lazy.ts";
import { defined, rtnetlinkShape } from "../message.ts";
import { SETS } from "../registry.ts";

const IFLA = RT_LINK_ATTRS.linkAttrs;
const IFINFOMSG = RT_LINK_STRUCTS.ifinfomsg;
const SHAPE = rtnetlinkShape(IFINFOMSG, SETS.bridgeLink);

/** One VLAN (or range of VLANs) of a port. */
export interface PortVlan {
  /** The VLAN id (the first of a range). */
  vid: number;
  /** The last id of a range (compressed dumps); absent for one VLAN. */
  vidEnd?: number;
  /** Untagged frames arriving on the port go to this VLAN. */
  pvid: boolean;
  /** Frames of this VLAN leave the port untagged. */
  untagged: boolean;
  /** The raw BRIDGE_VLAN_INFO_* flags. */
  flags: number;
}

/** A VLAN's flags without the range markers, and its pvid and untagged bits. */
export function vlanFlagsOf(raw: number): { pvid: boolean; untagged: boolean; flags: number } {
  const flags = raw & ~(BRIDGE_VLAN_INFO.RANGE_BEGIN | BRIDGE_VLAN_INFO.RANGE_END);
  return {
    pvid: (flags & BRIDGE_VLAN_INFO.PVID) !== 0,
    untagged: (flags & BRIDGE_VLAN_INFO.UNTAGGED) !== 0,
    flags,
  };
}

/** The VLANs of one bridge port (or of the bridge itself), from `vlan("dump")`. */
export class PortVlans extends LazyMessage {
  /** @internal rtnetlink, ifinfomsg and the AF_BRIDGE link table (bridgeLinkAttrs). */
  protected get shape(): MessageShape {
    return SHAPE;
  }
  /** The interface index. */
  get index(): number {
    return this.hs32(IFINFOMSG, "ifiIndex");
  }
  /** The interface name. */
  get ifname(): string | undefined {
    return this.str(IFLA.ifname);
  }
  /** The bridge the port belongs to (its own index for the bridge). */
  get master(): number | undefined {
    return this.u32(IFLA.master);
  }
  /** The port's VLANs, ranges merged (RANGE_BEGIN … RANGE_END entries). */
  get vlans(): PortVlan[] {
    const spec = this.nested(IFLA.afSpec, SETS.bridgeAfSpec);
    const infos = (spec?.vlanInfo ?? []) as { flags: number; vid: number }[];
    const out: PortVlan[] = [];
    let begin: { flags: number; vid: number } | undefined;
    for (const i of infos) {
      if (i.flags & BRIDGE_VLAN_INFO.RANGE_BEGIN) {
        begin = i;
        continue;
      }
      const first = i.flags & BRIDGE_VLAN_INFO.RANGE_END && begin ? begin : i;
      const v: PortVlan = { vid: first.vid, ...vlanFlagsOf(first.flags) };
      if (first !== i) v.vidEnd = i.vid;
      out.push(v);
      begin = undefined;
    }
    return out;
  }
  /** Fields shown by `toJSON()` and inspection. */
  protected fields(): Record<string, unknown> {
    return defined({
      index: this.index,
      ifname: this.ifname,
      master: this.master,
      vlans: this.vlans,
    });
  }
}
