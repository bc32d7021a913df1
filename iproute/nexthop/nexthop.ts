/**
 * Nexthop objects as the kernel reports them: {@link Nexthop} (single next
 * hops, blackholes and groups that routes refer to by id).
 *
 * @module
 */
import { RTNH_F } from "../../core/tables/constants.ts";
import { UAPI_ATTRS, UAPI_ENUMS, UAPI_STRUCTS } from "../../core/tables/uapi.ts";
import { LazyMessage, type MessageShape } from "../../core/lazy.ts";
import { defined, rtnetlinkShape } from "../message.ts";
import { ROUTE_PROTOCOLS, SCOPES } from "../names.ts";
import { SETS } from "../registry.ts";

const NHA = UAPI_ATTRS.nexthopAttrs;
const NHMSG = UAPI_STRUCTS.nhmsg;
const H = NHMSG.at;
const GRP = UAPI_STRUCTS.nexthopGrp;

/** One member of a nexthop group. */
export interface GroupMember {
  /** Member nexthop id. */
  id: number;
  /** Weight (1–256; iproute2's `weight`). */
  weight: number;
}

/** iproute2's spelling of group types whose kernel name differs (NEXTHOP_GRP_TYPE_RES). */
const IPROUTE2_NAMES: Record<string, string> = { res: "resilient" };

/** Group type names by number (NEXTHOP_GRP_TYPE_*), as iproute2 spells them. */
export const GROUP_TYPES: readonly string[] = Object.entries(UAPI_ENUMS.nexthopGrpType)
  .sort((a, b) => a[1] - b[1]).map(([name]) => IPROUTE2_NAMES[name] ?? name);

const SHAPE = rtnetlinkShape(NHMSG, SETS.nexthop);

/**
 * A nexthop object.
 *
 * @example
 * ```ts
 * import { IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.link("add", { ifname: "h0", kind: "veth", peer: "h1" });
 * await ipr.link("set", { ifname: "h0", state: "up" });
 * await ipr.link("set", { ifname: "h1", state: "up" }); // a nexthop needs a carrier
 * await ipr.addr("add", { index: "h0", address: "10.0.0.1/24" });
 * await ipr.nexthop("add", { id: 1, gateway: "10.0.0.2", oif: "h0" });
 * await ipr.nexthop("add", { id: 2, group: [{ id: 1, weight: 2 }] });
 * const nhs = await ipr.getNexthops();
 * assert.deepEqual(nhs.map((nh) => nh.gateway ?? nh.group), ["10.0.0.2", [{ id: 1, weight: 2 }]]);
 * await ipr.nexthop("del", { id: 2 });
 * await ipr.link("del", { ifname: "h0" }); // nexthop 1 goes with its device
 * ```
 */
export class Nexthop extends LazyMessage {
  /** @internal rtnetlink, the fixed header and the attribute table (nexthopAttrs). */
  protected get shape(): MessageShape {
    return SHAPE;
  }
  /** AF_INET, AF_INET6, or AF_UNSPEC for groups and blackholes. */
  get family(): number {
    return this.bytes[this.off + H.nhFamily]!;
  }
  /** Scope name or number. */
  get scope(): string | number {
    return SCOPES.name(this.bytes[this.off + H.nhScope]!);
  }
  /** Protocol name or number. */
  get protocol(): string | number {
    return ROUTE_PROTOCOLS.name(this.bytes[this.off + H.nhProtocol]!);
  }
  /** RTNH_F_* flags. */
  get flags(): number {
    return this.dv.getUint32(this.off + H.nhFlags, true);
  }
  /** Nexthop id. */
  get id(): number | undefined {
    return this.u32(NHA.id);
  }
  /** Gateway. */
  get gateway(): string | undefined {
    return this.ip(NHA.gateway);
  }
  /** Output interface index. */
  get oif(): number | undefined {
    return this.u32(NHA.oif);
  }
  /** Whether this is a blackhole nexthop. */
  get blackhole(): boolean {
    return this.has(NHA.blackhole);
  }
  /** Whether this nexthop is for bridge fdb entries. */
  get fdb(): boolean {
    return this.has(NHA.fdb);
  }
  /** Group members with their weights. */
  get group(): GroupMember[] | undefined {
    const o = this.at(NHA.group);
    if (o < 0) return undefined;
    const out: GroupMember[] = [];
    const n = Math.floor(this.lenOf(NHA.group) / GRP.size);
    for (let i = 0; i < n; i++) {
      const base = o + i * GRP.size;
      const weight = this.bytes[base + GRP.at.weight]! + 1 +
        (this.bytes[base + GRP.at.weightHigh]! << 8);
      out.push({ id: this.dv.getUint32(base + GRP.at.id, true), weight });
    }
    return out;
  }
  /** Group type (`mpath` or `resilient`) for groups. */
  get groupType(): string | number | undefined {
    if (!this.has(NHA.group)) return undefined;
    const v = this.u16(NHA.groupType) ?? 0;
    return GROUP_TYPES[v] ?? v;
  }
  /** Whether the gateway is on-link. */
  get onlink(): boolean {
    return (this.flags & RTNH_F.ONLINK) !== 0;
  }

  /** Fields shown by `toJSON()` and inspection (id, family, gateway, interface, group, …). */
  protected fields(): Record<string, unknown> {
    return defined({
      id: this.id,
      family: this.family,
      gateway: this.gateway,
      oif: this.oif,
      blackhole: this.blackhole || undefined,
      fdb: this.fdb || undefined,
      group: this.group,
      groupType: this.groupType,
      protocol: this.protocol,
      scope: this.scope,
      onlink: this.onlink || undefined,
    });
  }
}
