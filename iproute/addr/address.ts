/**
 * Addresses as the kernel reports them: {@link Address}, a lazy typed view of
 * one RTM_NEWADDR message.
 *
 * @module
 */
import { RT_ADDR_ATTRS, RT_ADDR_STRUCTS } from "../../core/tables/rt_addr.ts";
import { LazyMessage, type MessageShape } from "../../core/lazy.ts";
import { defined, rtnetlinkShape } from "../message.ts";
import { flagNames, SCOPES } from "../names.ts";
import { SETS } from "../registry.ts";

const IFA = RT_ADDR_ATTRS.addrAttrs;
const IFADDRMSG = RT_ADDR_STRUCTS.ifaddrmsg;
const H = IFADDRMSG.at;
const CACHEINFO = RT_ADDR_STRUCTS.ifaCacheinfo;

const SHAPE = rtnetlinkShape(IFADDRMSG, SETS.addr);

/**
 * An address on an interface.
 *
 * @example
 * ```ts
 * import { IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open();
 * const [a] = await ipr.getAddr({ index: "lo", family: 2 });
 * assert.equal(`${a!.address}/${a!.prefixlen}`, "127.0.0.1/8");
 * assert.equal(a!.scope, "host");
 * ```
 */
export class Address extends LazyMessage {
  /** @internal rtnetlink, the fixed header and the attribute table (addrAttrs). */
  protected get shape(): MessageShape {
    return SHAPE;
  }
  /** AF_INET (2) or AF_INET6 (10). */
  get family(): number {
    return this.bytes[this.off + H.ifaFamily]!;
  }
  /** Prefix length. */
  get prefixlen(): number {
    return this.bytes[this.off + H.ifaPrefixlen]!;
  }
  /** Scope as ip names it (`global`, `link`, `host`) or a number. */
  get scope(): string | number {
    return SCOPES.name(this.bytes[this.off + H.ifaScope]!);
  }
  /** Interface index. */
  get index(): number {
    return this.dv.getUint32(this.off + H.ifaIndex, true);
  }
  /** IFA_F_* flags as a number (the 32-bit IFA_FLAGS when present). */
  get flagsValue(): number {
    return this.u32(IFA.flags) ?? this.bytes[this.off + H.ifaFlags]!;
  }
  /** IFA_F_* flags by name. */
  get flags(): string[] {
    return flagNames("ifaFlags", this.flagsValue);
  }
  /** The address (IFA_ADDRESS; for IPv4 the peer on point-to-point links). */
  get address(): string | undefined {
    return this.ip(IFA.address) ?? this.ip(IFA.local);
  }
  /** The local address (IFA_LOCAL, IPv4). */
  get local(): string | undefined {
    return this.ip(IFA.local);
  }
  /** The broadcast address (IPv4). */
  get broadcast(): string | undefined {
    return this.ip(IFA.broadcast);
  }
  /** The label (IPv4). */
  get label(): string | undefined {
    return this.str(IFA.label);
  }
  /** A member of IFA_CACHEINFO, when present and whole. */
  #cacheinfo(member: keyof typeof CACHEINFO.at): number | undefined {
    const o = this.at(IFA.cacheinfo);
    return o < 0 || this.lenOf(IFA.cacheinfo) < CACHEINFO.size
      ? undefined
      : this.dv.getUint32(o + CACHEINFO.at[member], true);
  }
  /** Preferred lifetime in seconds (0xffffffff: forever). */
  get preferredLifetime(): number | undefined {
    return this.#cacheinfo("ifaPrefered");
  }
  /** Valid lifetime in seconds (0xffffffff: forever). */
  get validLifetime(): number | undefined {
    return this.#cacheinfo("ifaValid");
  }
  /** Metric of the prefix route (IFA_RT_PRIORITY). */
  get metric(): number | undefined {
    return this.u32(IFA.rtPriority);
  }
  /** Address protocol (IFA_PROTO). */
  get proto(): number | undefined {
    return this.u8(IFA.proto);
  }

  /** Fields shown by `toJSON()` and inspection (family, index, address, prefix length, lifetimes, …). */
  protected fields(): Record<string, unknown> {
    return defined({
      family: this.family,
      index: this.index,
      address: this.address,
      prefixlen: this.prefixlen,
      local: this.local,
      broadcast: this.broadcast,
      label: this.label,
      scope: this.scope,
      flags: this.flags,
      preferredLifetime: this.preferredLifetime,
      validLifetime: this.validLifetime,
      metric: this.metric,
    });
  }
}
