/**
 * Neighbours (ARP/NDP entries) and bridge forwarding entries (fdb: AF_BRIDGE
 * neighbours) as the kernel reports them: {@link Neighbour}.
 *
 * @module
 */
import { RT_NEIGH_ATTRS, RT_NEIGH_STRUCTS } from "../../core/tables/rt_neigh.ts";
import { LazyMessage, type MessageShape } from "../../core/lazy.ts";
import { defined, rtnetlinkShape } from "../message.ts";
import { flagNames, ROUTE_TYPES } from "../names.ts";
import { SETS } from "../registry.ts";

const NDA = RT_NEIGH_ATTRS.neighbourAttrs;
const NDMSG = RT_NEIGH_STRUCTS.ndmsg;
const H = NDMSG.at;

const SHAPE = rtnetlinkShape(NDMSG, SETS.neigh);

/**
 * A neighbour entry (ARP, NDP) or, with family AF_BRIDGE, a forwarding entry.
 *
 * @example
 * ```ts
 * import { IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.link("add", { ifname: "n0", kind: "veth", peer: "n1" });
 * await ipr.neigh("add", {
 *   index: "n0",
 *   dst: "10.0.0.2",
 *   lladdr: "02:00:00:00:00:02",
 *   state: "permanent",
 * });
 * const [n] = await ipr.getNeighbours({ index: "n0", family: 2 });
 * assert.equal(n!.dst, "10.0.0.2");
 * assert.equal(n!.lladdr, "02:00:00:00:00:02");
 * assert.deepEqual(n!.state, ["permanent"]);
 * await ipr.link("del", { ifname: "n0" });
 * ```
 */
export class Neighbour extends LazyMessage {
  /** @internal rtnetlink, the fixed header and the attribute table (neighbourAttrs). */
  protected get shape(): MessageShape {
    return SHAPE;
  }
  /** AF_INET, AF_INET6 or AF_BRIDGE. */
  get family(): number {
    return this.bytes[this.off + H.ndmFamily]!;
  }
  /** Interface index. */
  get index(): number {
    return this.dv.getInt32(this.off + H.ndmIfindex, true);
  }
  /** NUD state as a number. */
  get stateValue(): number {
    return this.dv.getUint16(this.off + H.ndmState, true);
  }
  /** NUD state names (`reachable`, `stale`, `permanent`, …; `none` when 0). */
  get state(): string[] {
    const v = this.stateValue;
    return v === 0 ? ["none"] : flagNames("nudState", v);
  }
  /** NTF_* flags by name (`self`, `master`, `router`, `extLearned`, …). */
  get flags(): string[] {
    return flagNames("ntfFlags", this.bytes[this.off + H.ndmFlags]!);
  }
  /** Route type of the entry. */
  get ndmType(): string | number {
    return ROUTE_TYPES.name(this.bytes[this.off + H.ndmType]!);
  }
  /** Destination address (the neighbour's IP; for fdb, a vxlan remote). */
  get dst(): string | undefined {
    return this.ip(NDA.dst);
  }
  /** Link-layer address. */
  get lladdr(): string | undefined {
    return this.mac(NDA.lladdr);
  }
  /** VLAN id (fdb). */
  get vlan(): number | undefined {
    return this.u16(NDA.vlan);
  }
  /** Master device index (fdb). */
  get master(): number | undefined {
    return this.u32(NDA.master);
  }
  /** VNI (vxlan fdb). */
  get vni(): number | undefined {
    return this.u32(NDA.vni);
  }
  /** UDP port (vxlan fdb, network byte order on the wire). */
  get port(): number | undefined {
    return this.u16(NDA.port, true);
  }
  /** Probes sent. */
  get probes(): number | undefined {
    return this.u32(NDA.probes);
  }
  /** Nexthop object id. */
  get nhId(): number | undefined {
    return this.u32(NDA.nhId);
  }
  /** Protocol that installed the entry. */
  get protocol(): number | undefined {
    return this.u8(NDA.protocol);
  }

  /** Fields shown by `toJSON()` and inspection (family, index, destination, link-layer address, state, …). */
  protected fields(): Record<string, unknown> {
    return defined({
      family: this.family,
      index: this.index,
      dst: this.dst,
      lladdr: this.lladdr,
      state: this.state,
      flags: this.flags,
      vlan: this.vlan,
      master: this.master,
      vni: this.vni,
      port: this.port,
      nhId: this.nhId,
      protocol: this.protocol,
    });
  }
}
