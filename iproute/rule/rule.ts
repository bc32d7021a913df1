/**
 * FIB rules (policy routing) as the kernel reports them: {@link Rule}.
 *
 * @module
 */
import { FIB_RULE } from "../../core/tables/constants.ts";
import { RT_RULE_ATTRS, RT_RULE_STRUCTS } from "../../core/tables/rt_rule.ts";
import { LazyMessage, type MessageShape } from "../../core/lazy.ts";
import { defined, rtnetlinkShape } from "../message.ts";
import { ROUTE_PROTOCOLS, RULE_ACTIONS } from "../names.ts";
import { SETS } from "../registry.ts";
import type { Spec } from "../spec.ts";

const FRA = RT_RULE_ATTRS.fibRuleAttrs;
const FIB_RULE_HDR = RT_RULE_STRUCTS.fibRuleHdr;
const H = FIB_RULE_HDR.at;

/** A port or uid range. */
export interface Range {
  /** First port or uid of the range (inclusive). */
  start: number;
  /** Last port or uid of the range (inclusive). */
  end: number;
}

const SHAPE = rtnetlinkShape(FIB_RULE_HDR, SETS.rule);

/**
 * A policy routing rule.
 *
 * @example
 * ```ts
 * import { IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.rule("add", { src: "10.0.0.0/8", table: 100, priority: 100 });
 * const [rule] = await ipr.getRules({ priority: 100 });
 * assert.equal(rule!.src, "10.0.0.0/8");
 * assert.equal(rule!.table, 100);
 * assert.equal(rule!.action, "to_tbl");
 * await ipr.rule("del", { src: "10.0.0.0/8", table: 100, priority: 100 });
 * ```
 */
export class Rule extends LazyMessage {
  /** @internal rtnetlink, the fixed header and the attribute table (fibRuleAttrs). */
  protected get shape(): MessageShape {
    return SHAPE;
  }
  /** AF_INET or AF_INET6. */
  get family(): number {
    return this.bytes[this.off + H.family]!;
  }
  /** Destination prefix length. */
  get dstLen(): number {
    return this.bytes[this.off + H.dstLen]!;
  }
  /** Source prefix length. */
  get srcLen(): number {
    return this.bytes[this.off + H.srcLen]!;
  }
  /** TOS. */
  get tos(): number {
    return this.bytes[this.off + H.tos]!;
  }
  /** Table (FRA_TABLE, or the header's). */
  get table(): number {
    return this.u32(FRA.table) ?? this.bytes[this.off + H.table]!;
  }
  /** Action name (`to_tbl`, `goto`, `nop`, `blackhole`, `unreachable`, `prohibit`). */
  get action(): string | number {
    return RULE_ACTIONS.name(this.bytes[this.off + H.action]!);
  }
  /** FIB_RULE_* flags. */
  get flags(): number {
    return this.dv.getUint32(this.off + H.flags, true);
  }
  /** Whether the selector is inverted (`not`). */
  get invert(): boolean {
    return (this.flags & FIB_RULE.INVERT) !== 0;
  }
  /** Priority (0 when absent: the kernel omits FRA_PRIORITY for priority 0). */
  get priority(): number {
    return this.u32(FRA.priority) ?? 0;
  }
  /** Source prefix (`"10.0.0.0/8"`). */
  get src(): string | undefined {
    const a = this.ip(FRA.src);
    return a === undefined ? undefined : `${a}/${this.srcLen}`;
  }
  /** Destination prefix. */
  get dst(): string | undefined {
    const a = this.ip(FRA.dst);
    return a === undefined ? undefined : `${a}/${this.dstLen}`;
  }
  /** Input interface name. */
  get iifname(): string | undefined {
    return this.str(FRA.iifname);
  }
  /** Output interface name. */
  get oifname(): string | undefined {
    return this.str(FRA.oifname);
  }
  /** Firewall mark. */
  get fwmark(): number | undefined {
    return this.u32(FRA.fwmark);
  }
  /** Firewall mark mask. */
  get fwmask(): number | undefined {
    return this.u32(FRA.fwmask);
  }
  /** Target priority of a `goto` rule. */
  get goto(): number | undefined {
    return this.u32(FRA.goto);
  }
  /**
   * Suppress routes with a prefix length at most this (undefined when unset:
   * the kernel reports "unset" as 0xffffffff).
   */
  get suppressPrefixlen(): number | undefined {
    const v = this.u32(FRA.suppressPrefixlen);
    return v === 0xffffffff ? undefined : v;
  }
  /** Suppress routes through interfaces of this group. */
  get suppressIfgroup(): number | undefined {
    return this.u32(FRA.suppressIfgroup);
  }
  /** l3mdev (VRF) table lookup. */
  get l3mdev(): number | undefined {
    return this.u8(FRA.l3mdev);
  }
  /** UID range. */
  get uidRange(): Range | undefined {
    return this.attrs.uidRange as Range | undefined;
  }
  /** Protocol that installed the rule. */
  get protocol(): string | number | undefined {
    const v = this.u8(FRA.protocol);
    return v === undefined ? undefined : ROUTE_PROTOCOLS.name(v);
  }
  /** IP protocol number. */
  get ipProto(): number | undefined {
    return this.u8(FRA.ipProto);
  }
  /** Source port range. */
  get sportRange(): Range | undefined {
    return this.attrs.sportRange as Range | undefined;
  }
  /** Destination port range. */
  get dportRange(): Range | undefined {
    return this.attrs.dportRange as Range | undefined;
  }

  /**
   * The spec that selects exactly this rule for deletion (every field the
   * kernel compares).
   */
  key(): Spec {
    const k: Spec = { family: this.family, action: this.action, table: this.table };
    const opt: Record<string, unknown> = {
      priority: this.priority,
      src: this.src,
      dst: this.dst,
      iifname: this.iifname,
      oifname: this.oifname,
      fwmark: this.fwmark,
      fwmask: this.fwmask,
      goto: this.goto,
      tos: this.tos || undefined,
      suppressPrefixlen: this.suppressPrefixlen,
      suppressIfgroup: this.suppressIfgroup,
      l3mdev: this.l3mdev,
      uidRange: this.uidRange,
      ipProto: this.ipProto,
      sportRange: this.sportRange,
      dportRange: this.dportRange,
      invert: this.invert || undefined,
    };
    for (const [n, v] of Object.entries(opt)) if (v !== undefined) k[n] = v;
    return k;
  }

  /** Fields shown by `toJSON()` and inspection: the rule's {@link Rule.key} plus its protocol. */
  protected fields(): Record<string, unknown> {
    return defined({ ...this.key(), protocol: this.protocol });
  }
}
