/**
 * FIB rules (policy routing): the typed result ({@link Rule}) and the request
 * builder. The kernel has no in-place change for rules: add and delete.
 *
 * @module
 */
import { AF_INET, AF_INET6 } from "../core/address.ts";
import { ArgumentError } from "../core/errors.ts";
import { type AttrSet, encodeAttrs } from "../core/schema.ts";
import { Writer } from "../core/codec.ts";
import { NLM_F } from "../core/constants.ts";
import { RTM } from "../core/tables/constants.ts";
import type { Request } from "../core/socket.ts";
import { decoderOf, defined, RtMessage } from "./message.ts";
import { fieldMatch, type ObjectKind } from "./kind.ts";
import { ROUTE_PROTOCOLS, RULE_ACTIONS, TABLES } from "./names.ts";
import { SETS } from "./registry.ts";
import { checkKeys, family, ifname, int, prefix, type Spec, u32 } from "./spec.ts";

/** Size of `struct fib_rule_hdr`. */
export const FIB_RULE_HDR_SIZE = 12;
/** FIB_RULE_INVERT. */
const FIB_RULE_INVERT = 0x2;

/** Rule attribute numbers by name. */
export const FRA: Record<string, number> = SETS.rule.numbers();

/** A port or uid range. */
export interface Range {
  /** First port or uid of the range (inclusive). */
  start: number;
  /** Last port or uid of the range (inclusive). */
  end: number;
}

/**
 * A policy routing rule.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * await using ipr = await IPRoute.open();
 * for (const r of await ipr.getRules()) console.log(r.priority, r.src ?? "all", r.table);
 * ```
 */
export class Rule extends RtMessage {
  /** Size of the fixed header (struct fib_rule_hdr). */
  protected override get headerSize(): number {
    return FIB_RULE_HDR_SIZE;
  }
  /** @internal The attribute table of this message kind (fibRuleAttrs). */
  protected get attrSet(): AttrSet {
    return SETS.rule;
  }
  /** AF_INET or AF_INET6. */
  get family(): number {
    return this.bytes[this.off]!;
  }
  /** Destination prefix length. */
  get dstLen(): number {
    return this.bytes[this.off + 1]!;
  }
  /** Source prefix length. */
  get srcLen(): number {
    return this.bytes[this.off + 2]!;
  }
  /** TOS. */
  get tos(): number {
    return this.bytes[this.off + 3]!;
  }
  /** Table (FRA_TABLE, or the header's). */
  get table(): number {
    return this.u32(FRA.table!) ?? this.bytes[this.off + 4]!;
  }
  /** Action name (`to_tbl`, `goto`, `nop`, `blackhole`, `unreachable`, `prohibit`). */
  get action(): string | number {
    return RULE_ACTIONS.name(this.bytes[this.off + 7]!);
  }
  /** FIB_RULE_* flags. */
  get flags(): number {
    return this.dv.getUint32(this.off + 8, true);
  }
  /** Whether the selector is inverted (`not`). */
  get invert(): boolean {
    return (this.flags & FIB_RULE_INVERT) !== 0;
  }
  /** Priority (0 when absent: the kernel omits FRA_PRIORITY for priority 0). */
  get priority(): number {
    return this.u32(FRA.priority!) ?? 0;
  }
  /** Source prefix (`"10.0.0.0/8"`). */
  get src(): string | undefined {
    const a = this.ip(FRA.src!);
    return a === undefined ? undefined : `${a}/${this.srcLen}`;
  }
  /** Destination prefix. */
  get dst(): string | undefined {
    const a = this.ip(FRA.dst!);
    return a === undefined ? undefined : `${a}/${this.dstLen}`;
  }
  /** Input interface name. */
  get iifname(): string | undefined {
    return this.str(FRA.iifname!);
  }
  /** Output interface name. */
  get oifname(): string | undefined {
    return this.str(FRA.oifname!);
  }
  /** Firewall mark. */
  get fwmark(): number | undefined {
    return this.u32(FRA.fwmark!);
  }
  /** Firewall mark mask. */
  get fwmask(): number | undefined {
    return this.u32(FRA.fwmask!);
  }
  /** Target priority of a `goto` rule. */
  get goto(): number | undefined {
    return this.u32(FRA.goto!);
  }
  /**
   * Suppress routes with a prefix length at most this (undefined when unset:
   * the kernel reports "unset" as 0xffffffff).
   */
  get suppressPrefixlen(): number | undefined {
    const v = this.u32(FRA.suppressPrefixlen!);
    return v === 0xffffffff ? undefined : v;
  }
  /** Suppress routes through interfaces of this group. */
  get suppressIfgroup(): number | undefined {
    return this.u32(FRA.suppressIfgroup!);
  }
  /** l3mdev (VRF) table lookup. */
  get l3mdev(): number | undefined {
    return this.u8(FRA.l3mdev!);
  }
  /** UID range. */
  get uidRange(): Range | undefined {
    return this.attrs.uidRange as Range | undefined;
  }
  /** Protocol that installed the rule. */
  get protocol(): string | number | undefined {
    const v = this.u8(FRA.protocol!);
    return v === undefined ? undefined : ROUTE_PROTOCOLS.name(v);
  }
  /** IP protocol number. */
  get ipProto(): number | undefined {
    return this.u8(FRA.ipProto!);
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

const COMMANDS: Record<string, [number, number]> = {
  add: [RTM.NEWRULE, NLM_F.CREATE | NLM_F.EXCL],
  del: [RTM.DELRULE, 0],
  dump: [RTM.GETRULE, 0],
};

/** Arguments of `rule(cmd, spec)`. */
export interface RuleSpec {
  /** `inet`/`inet6`; inferred from `src`/`dst`, default `inet`. */
  family?: string | number;
  /** Source prefix (`"10.0.0.0/8"`). */
  src?: string;
  /** Destination prefix. */
  dst?: string;
  /** Input interface name. */
  iifname?: string;
  /** Output interface name. */
  oifname?: string;
  /** Table id or name; default `main` when the action looks up a table. */
  table?: number | string;
  /** Priority. */
  priority?: number;
  /** Firewall mark. */
  fwmark?: number;
  /** Firewall mark mask. */
  fwmask?: number;
  /** Action name or number; default `to_tbl`. */
  action?: string | number;
  /** Target priority for `action: "goto"`. */
  goto?: number;
  /** TOS. */
  tos?: number;
  /** Suppress prefixes of this length or shorter. */
  suppressPrefixlen?: number;
  /** Suppress routes through this interface group. */
  suppressIfgroup?: number;
  /** Look up the l3mdev (VRF) table. */
  l3mdev?: number;
  /** UID range. */
  uidRange?: Range;
  /** Protocol name or number. */
  protocol?: string | number;
  /** IP protocol number. */
  ipProto?: number;
  /** Source port or range. */
  sportRange?: Range | number;
  /** Destination port or range. */
  dportRange?: Range | number;
  /** Invert the selector (`not`). */
  invert?: boolean;
}

const SPEC_KEYS = [
  "family",
  "src",
  "dst",
  "iifname",
  "oifname",
  "table",
  "priority",
  "fwmark",
  "fwmask",
  "action",
  "goto",
  "tos",
  "suppressPrefixlen",
  "suppressIfgroup",
  "l3mdev",
  "uidRange",
  "protocol",
  "ipProto",
  "sportRange",
  "dportRange",
  "invert",
];

function range(v: unknown, argument: string, max: number): Range {
  if (typeof v === "number") return { start: int(v, argument, 0, max), end: v };
  if (typeof v !== "object" || v === null) {
    throw new ArgumentError(argument, "{ start, end } or a number", v);
  }
  checkKeys(v, ["start", "end"], argument, true);
  const start = int(v.start, `${argument}.start`, 0, max);
  const end = int(v.end, `${argument}.end`, 0, max);
  if (end < start) throw new ArgumentError(`${argument}.end`, `at least start (${start})`, end);
  return { start, end };
}

/**
 * Builds the request for `rule(cmd, spec)`.
 *
 * @example
 * ```ts
 * import { buildRuleRequest } from "./rule.ts";
 * buildRuleRequest("add", { src: "10.0.0.0/8", table: 100, priority: 100 }).type; // 32
 * ```
 */
export function buildRuleRequest(cmd: string, spec: Spec): Request {
  const entry = COMMANDS[cmd];
  if (!entry) {
    throw new ArgumentError(
      "cmd",
      `one of ${Object.keys(COMMANDS).join(", ")} (rules have no in-place change: delete and add)`,
      cmd,
      "Cannot run rule command",
    );
  }
  checkKeys(spec, SPEC_KEYS, `rule ${cmd}`);
  const [type, flags] = entry;
  if (cmd === "dump") {
    const fam = family(spec.family, undefined, "family") ?? 0;
    return { type, flags, name: "RTM_GETRULE", body: (w) => (w.u8(fam), w.zeros(11)) };
  }
  const attrs: Record<string, unknown> = {};
  let fam: number | undefined;
  let srcLen = 0;
  let dstLen = 0;
  for (const k of ["src", "dst"] as const) {
    if (spec[k] === undefined) continue;
    const p = prefix(spec[k], undefined, k);
    if (fam !== undefined && p.family !== fam) {
      throw new ArgumentError(k, "the same family as the other prefix", spec[k]);
    }
    fam = p.family;
    attrs[k] = p.address;
    if (k === "src") srcLen = p.prefixlen;
    else dstLen = p.prefixlen;
  }
  fam = family(spec.family, fam, "family") ?? AF_INET;
  if (fam !== AF_INET && fam !== AF_INET6) {
    throw new ArgumentError("family", "inet or inet6", spec.family);
  }
  const action = spec.action === undefined ? 1 : RULE_ACTIONS.value(spec.action, "action");
  if (spec.priority !== undefined) attrs.priority = u32(spec.priority, "priority");
  let table = 0;
  if (spec.table !== undefined) table = TABLES.value(spec.table, "table", 0xffffffff);
  else if (action === 1 && cmd === "add") table = 254;
  if (table) attrs.table = table;
  if (spec.iifname !== undefined) attrs.iifname = ifname(spec.iifname, "iifname");
  if (spec.oifname !== undefined) attrs.oifname = ifname(spec.oifname, "oifname");
  if (spec.fwmark !== undefined) attrs.fwmark = u32(spec.fwmark, "fwmark");
  if (spec.fwmask !== undefined) attrs.fwmask = u32(spec.fwmask, "fwmask");
  if (spec.goto !== undefined) {
    if (action !== 2) {
      throw new ArgumentError("goto", 'a target only with action "goto"', spec.goto);
    }
    attrs.goto = u32(spec.goto, "goto");
  } else if (action === 2 && cmd === "add") {
    throw new ArgumentError("goto", "the priority to jump to (action goto)", undefined);
  }
  if (spec.suppressPrefixlen !== undefined) {
    attrs.suppressPrefixlen = int(spec.suppressPrefixlen, "suppressPrefixlen", 0, 128);
  }
  if (spec.suppressIfgroup !== undefined) {
    attrs.suppressIfgroup = u32(spec.suppressIfgroup, "suppressIfgroup");
  }
  if (spec.l3mdev !== undefined) attrs.l3mdev = int(spec.l3mdev, "l3mdev", 0, 1);
  if (spec.uidRange !== undefined) attrs.uidRange = range(spec.uidRange, "uidRange", 0xffffffff);
  if (spec.protocol !== undefined) {
    attrs.protocol = ROUTE_PROTOCOLS.value(spec.protocol, "protocol");
  }
  if (spec.ipProto !== undefined) attrs.ipProto = int(spec.ipProto, "ipProto", 0, 255);
  if (spec.sportRange !== undefined) {
    attrs.sportRange = range(spec.sportRange, "sportRange", 0xffff);
  }
  if (spec.dportRange !== undefined) {
    attrs.dportRange = range(spec.dportRange, "dportRange", 0xffff);
  }
  const tos = spec.tos === undefined ? 0 : int(spec.tos, "tos", 0, 255);
  const ruleFlags = spec.invert === undefined ? 0 : spec.invert === true ? FIB_RULE_INVERT : 0;
  if (spec.invert !== undefined && typeof spec.invert !== "boolean") {
    throw new ArgumentError("invert", "true or false", spec.invert);
  }
  const w = Writer.scratch("rule");
  encodeAttrs(w, SETS.rule, attrs);
  const body = w.finish();
  const f = fam;
  return {
    type,
    flags,
    name: cmd === "del" ? "RTM_DELRULE" : "RTM_NEWRULE",
    body: (out) => {
      out.u8(f);
      out.u8(dstLen);
      out.u8(srcLen);
      out.u8(tos);
      out.u8(table > 255 ? 0 : table);
      out.u8(0);
      out.u8(0);
      out.u8(action);
      out.u32(ruleFlags);
      out.bytes(body);
    },
  };
}

/** Rules. */
export const RULE: ObjectKind<Rule> = {
  name: "rule",
  build: buildRuleRequest,
  decode: decoderOf(Rule),
  linkRefs: [],
  match: (spec) => {
    const s: Spec = {};
    for (const k of ["priority", "src", "dst", "iifname", "oifname", "fwmark", "fwmask", "goto"]) {
      if (spec[k] !== undefined) s[k] = spec[k];
    }
    if (spec.table !== undefined) s.table = TABLES.value(spec.table, "table", 0xffffffff);
    if (spec.action !== undefined) {
      s.action = RULE_ACTIONS.name(RULE_ACTIONS.value(spec.action, "action"));
    }
    if (spec.family !== undefined) s.family = family(spec.family, undefined, "family");
    return fieldMatch(s, {});
  },
};
