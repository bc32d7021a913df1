/**
 * Links (network interfaces) as the kernel reports them: {@link Link}, a lazy
 * typed view of one RTM_NEWLINK message.
 *
 * @module
 */
import { RT_LINK_ATTRS, RT_LINK_ENUMS, RT_LINK_STRUCTS } from "../../core/tables/rt_link.ts";
import { LazyMessage, type MessageShape } from "../../core/lazy.ts";
import { defined, rtnetlinkShape } from "../message.ts";
import { flagNames, OPERSTATES } from "../names.ts";
import { SETS } from "../registry.ts";

const IFLA = RT_LINK_ATTRS.linkAttrs;
const IFINFOMSG = RT_LINK_STRUCTS.ifinfomsg;
const H = IFINFOMSG.at;
const IFF = RT_LINK_ENUMS.ifinfoFlags;

/** A nested attribute of IFLA_LINKINFO, when it is decoded by a table (not raw bytes). */
function decodedNest(v: unknown): Record<string, unknown> | undefined {
  return v && !(v instanceof Uint8Array) ? v as Record<string, unknown> : undefined;
}

const SHAPE = rtnetlinkShape(IFINFOMSG, SETS.link);

/**
 * A link (network interface) as the kernel reports it.
 *
 * @example
 * ```ts
 * import { IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open();
 * const lo = await ipr.link("get", { ifname: "lo" });
 * assert.equal(lo.index, 1);
 * assert.equal(lo.state, "up");
 * assert.ok(lo.flags.includes("loopback"));
 * assert.equal(lo.address, "00:00:00:00:00:00");
 * ```
 */
export class Link extends LazyMessage {
  /** @internal rtnetlink, the fixed header and the attribute table (linkAttrs). */
  protected get shape(): MessageShape {
    return SHAPE;
  }
  /** Address family (usually AF_UNSPEC; AF_BRIDGE for bridge port info). */
  get family(): number {
    return this.bytes[this.off + H.ifiFamily]!;
  }
  /** Device type (ARPHRD_*: 1 ether, 772 loopback, …). */
  get linkType(): number {
    return this.dv.getUint16(this.off + H.ifiType, true);
  }
  /** Interface index. */
  get index(): number {
    return this.dv.getInt32(this.off + H.ifiIndex, true);
  }
  /** IFF_* flags as a number. */
  get flagsValue(): number {
    return this.dv.getUint32(this.off + H.ifiFlags, true);
  }
  /** IFF_* flags by name (`up`, `broadcast`, `lowerUp`, …). */
  get flags(): string[] {
    return flagNames("ifinfoFlags", this.flagsValue);
  }
  /** `"up"` when IFF_UP is set, else `"down"` (the administrative state). */
  get state(): "up" | "down" {
    return this.flagsValue & IFF.up ? "up" : "down";
  }
  /** Interface name. */
  get ifname(): string | undefined {
    return this.str(IFLA.ifname);
  }
  /** MTU. */
  get mtu(): number | undefined {
    return this.u32(IFLA.mtu);
  }
  /** Link-layer address. */
  get address(): string | undefined {
    return this.mac(IFLA.address);
  }
  /** Link-layer broadcast address. */
  get broadcast(): string | undefined {
    return this.mac(IFLA.broadcast);
  }
  /** Permanent hardware address, when the driver reports one. */
  get permAddress(): string | undefined {
    return this.mac(IFLA.permAddress);
  }
  /** Operational state as ip prints it: `UP`, `DOWN`, `LOWERLAYERDOWN`, `UNKNOWN`, … */
  get operstate(): string | undefined {
    const v = this.u8(IFLA.operstate);
    return v === undefined ? undefined : OPERSTATES[v] ?? String(v);
  }
  /** Transmit queue length. */
  get txqlen(): number | undefined {
    return this.u32(IFLA.txqlen);
  }
  /** Index of the master device (bridge, bond, vrf). */
  get master(): number | undefined {
    return this.u32(IFLA.master);
  }
  /** Index of the underlying (or veth peer) link. */
  get link(): number | undefined {
    return this.u32(IFLA.link);
  }
  /** Namespace id of the link's peer namespace (for a peer in another namespace). */
  get linkNetnsid(): number | undefined {
    return this.s32(IFLA.linkNetnsid);
  }
  /** Queueing discipline. */
  get qdisc(): string | undefined {
    return this.str(IFLA.qdisc);
  }
  /** Link group. */
  get group(): number | undefined {
    return this.u32(IFLA.group);
  }
  /** Interface alias (description). */
  get ifalias(): string | undefined {
    return this.str(IFLA.ifalias);
  }
  /** Alternative names. */
  get altnames(): string[] {
    const p = this.attrs.propList as { altIfname?: string | string[] } | undefined;
    const v = p?.altIfname;
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  }
  /** Minimum MTU. */
  get minMtu(): number | undefined {
    return this.u32(IFLA.minMtu);
  }
  /** Maximum MTU. */
  get maxMtu(): number | undefined {
    return this.u32(IFLA.maxMtu);
  }
  /** Promiscuity count (how many users put the link in promiscuous mode). */
  get promiscuity(): number | undefined {
    return this.u32(IFLA.promiscuity);
  }
  /** All-multicast count (how many users asked for every multicast frame). */
  get allmulti(): number | undefined {
    return this.u32(IFLA.allmulti);
  }
  /** Number of transmit queues. */
  get numTxQueues(): number | undefined {
    return this.u32(IFLA.numTxQueues);
  }
  /** Number of receive queues. */
  get numRxQueues(): number | undefined {
    return this.u32(IFLA.numRxQueues);
  }
  /** Largest GSO packet the device takes, in bytes. */
  get gsoMaxSize(): number | undefined {
    return this.u32(IFLA.gsoMaxSize);
  }
  /** Most segments of one GSO packet. */
  get gsoMaxSegs(): number | undefined {
    return this.u32(IFLA.gsoMaxSegs);
  }
  /** Largest GRO packet the device builds, in bytes. */
  get groMaxSize(): number | undefined {
    return this.u32(IFLA.groMaxSize);
  }
  /** Largest TSO packet the device takes, in bytes. */
  get tsoMaxSize(): number | undefined {
    return this.u32(IFLA.tsoMaxSize);
  }
  /** Most segments of one TSO packet. */
  get tsoMaxSegs(): number | undefined {
    return this.u32(IFLA.tsoMaxSegs);
  }
  /** How many times the carrier changed. */
  get carrierChanges(): number | undefined {
    return this.u32(IFLA.carrierChanges);
  }
  /**
   * IPv6 address generation mode (IFLA_INET6_ADDR_GEN_MODE of the inet6
   * af-spec: 0 eui64, 1 none, 2 stable-privacy, 3 random).
   */
  get addrGenMode(): number | undefined {
    const spec = decodedNest(this.attrs.afSpec);
    const mode = decodedNest(spec?.inet6)?.addrGenMode;
    return typeof mode === "number" ? mode : undefined;
  }
  /** Carrier (1 when the physical link is up). */
  get carrier(): number | undefined {
    return this.u8(IFLA.carrier);
  }
  /** Link mode (0 default, 1 dormant). */
  get linkmode(): number | undefined {
    return this.u8(IFLA.linkmode);
  }
  /** IFLA_LINKINFO, decoded by table. */
  get #linkinfo(): Record<string, unknown> | undefined {
    return decodedNest(this.attrs.linkinfo);
  }
  /** The kind (`veth`, `bridge`, `vxlan`, …), for virtual links. */
  get kind(): string | undefined {
    return this.#linkinfo?.kind as string | undefined;
  }
  /** Kind-specific data (IFLA_INFO_DATA), decoded by the kind's table. */
  get data(): Record<string, unknown> | undefined {
    return decodedNest(this.#linkinfo?.data);
  }
  /** Kind of the master's port data (`bridge` for a bridge port). */
  get slaveKind(): string | undefined {
    return this.#linkinfo?.slaveKind as string | undefined;
  }
  /** Port data given by the master (IFLA_INFO_SLAVE_DATA), e.g. bridge port cost. */
  get slaveData(): Record<string, unknown> | undefined {
    return decodedNest(this.#linkinfo?.slaveData);
  }
  /**
   * The 64-bit counters of struct rtnl_link_stats64 (IFLA_STATS64, what `ip -s
   * link` prints) as bigints, by their member names: `rxPackets`, `txPackets`,
   * `rxBytes`, `txBytes`, `rxErrors`, `txErrors`, `rxDropped`, `txDropped`,
   * `multicast`, `collisions`, the detailed `rx…Errors` / `tx…Errors`,
   * `rxNohandler`, `rxOtherhostDropped`. The same counters, and the extended
   * groups (bridge port, offload), come from `ipr.stats("get", …)` without the
   * rest of the link.
   */
  get stats(): Record<string, bigint> | undefined {
    return this.attrs.stats64 as Record<string, bigint> | undefined;
  }

  /** Fields shown by `toJSON()` and inspection (index, name, flags, state, MTU, addresses, kind, …). */
  protected fields(): Record<string, unknown> {
    return defined({
      index: this.index,
      ifname: this.ifname,
      flags: this.flags,
      state: this.state,
      mtu: this.mtu,
      address: this.address,
      broadcast: this.broadcast,
      operstate: this.operstate,
      txqlen: this.txqlen,
      master: this.master,
      link: this.link,
      linkNetnsid: this.linkNetnsid,
      kind: this.kind,
      data: this.data,
      slaveKind: this.slaveKind,
      slaveData: this.slaveData,
      altnames: this.altnames.length ? this.altnames : undefined,
    });
  }
}
