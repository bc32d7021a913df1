/**
 * IPv6 address labels (RFC 6724 policy table entries) as the kernel reports
 * them (RTM_NEWADDRLABEL): {@link AddrLabel}.
 *
 * @module
 */
import { UAPI_ATTRS, UAPI_STRUCTS } from "../../core/tables/uapi.ts";
import { LazyMessage, type MessageShape } from "../../core/lazy.ts";
import { defined, rtnetlinkShape } from "../message.ts";
import { SETS } from "../registry.ts";

const IFAL = UAPI_ATTRS.addrlabelAttrs;
const IFALMSG = UAPI_STRUCTS.ifaddrlblmsg;

const SHAPE = rtnetlinkShape(IFALMSG, SETS.addrlabel);

/**
 * One entry of the IPv6 address label table (what `ip addrlabel list` shows):
 * a prefix, optionally bound to an interface, and its label.
 *
 * @example Adding a label and reading it back
 * ```ts
 * import { IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.addrlabel("add", { prefix: "2001:db8:1::/48", label: 200 });
 * const found = await ipr.getAddrLabels({ prefix: "2001:db8:1::/48" });
 * assert.deepEqual(found.map((l) => [l.address, l.prefixlen, l.label]), [
 *   ["2001:db8:1::", 48, 200],
 * ]);
 * await ipr.addrlabel("del", { prefix: "2001:db8:1::/48" });
 * ```
 */
export class AddrLabel extends LazyMessage {
  /** @internal rtnetlink, the fixed header and the attribute table (addrlabelAttrs). */
  protected get shape(): MessageShape {
    return SHAPE;
  }
  /** The address family (AF_INET6: the kernel keeps labels for IPv6 only). */
  get family(): number {
    return this.hu8(IFALMSG, "ifalFamily");
  }
  /** The prefix's address. */
  get address(): string | undefined {
    return this.ip(IFAL.address);
  }
  /** The prefix length. */
  get prefixlen(): number {
    return this.hu8(IFALMSG, "ifalPrefixlen");
  }
  /** The prefix as `address/prefixlen`. */
  get prefix(): string | undefined {
    const a = this.address;
    return a === undefined ? undefined : `${a}/${this.prefixlen}`;
  }
  /** The interface the entry is bound to (0: any). */
  get index(): number {
    return this.hu32(IFALMSG, "ifalIndex");
  }
  /** The label. */
  get label(): number | undefined {
    return this.u32(IFAL.label);
  }
  /** Fields shown by `toJSON()` and inspection. */
  protected fields(): Record<string, unknown> {
    return defined({
      family: this.family,
      address: this.address,
      prefixlen: this.prefixlen,
      index: this.index,
      label: this.label,
    });
  }
}
