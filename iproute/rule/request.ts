/**
 * The request builder for `rule(cmd, spec)`. The kernel has no in-place change
 * for rules: add and delete.
 *
 * @module
 */
import { AF_INET, AF_INET6 } from "../../core/address.ts";
import { ArgumentError } from "../../core/errors.ts";
import { encodeAttrs } from "../../core/schema.ts";
import { Writer } from "../../core/codec.ts";
import { NLM_F } from "../../core/constants.ts";
import { FIB_RULE, FR_ACT, RT_TABLE, RTM } from "../../core/tables/constants.ts";
import { RT_RULE_STRUCTS } from "../../core/tables/rt_rule.ts";
import type { Request } from "../../core/socket.ts";
import { type HeaderValues, structRequest } from "../header.ts";
import type { Command } from "../object.ts";
import {
  type Family,
  ROUTE_PROTOCOLS,
  type RouteProtocolName,
  RULE_ACTIONS,
  type RuleActionName,
  type TableName,
  TABLES,
} from "../names.ts";
import { SETS } from "../registry.ts";
import { checkKeys, command, family, ifname, int, prefix, type Spec, u32 } from "../spec.ts";
import type { Range } from "./rule.ts";

const FIB_RULE_HDR = RT_RULE_STRUCTS.fibRuleHdr;

/** The rule commands: message type and flags (rules have no in-place change). */
export const RULE_COMMANDS = {
  add: [RTM.NEWRULE, NLM_F.CREATE | NLM_F.EXCL],
  del: [RTM.DELRULE, 0],
  dump: [RTM.GETRULE, 0],
} as const satisfies Record<string, Command>;

/** Arguments of `rule(cmd, spec)`. */
export interface RuleSpec {
  /** `inet`/`inet6`; inferred from `src`/`dst`, default `inet`. */
  family?: Family;
  /** Source prefix (`"10.0.0.0/8"`). */
  src?: string;
  /** Destination prefix. */
  dst?: string;
  /** Input interface name. */
  iifname?: string;
  /** Output interface name. */
  oifname?: string;
  /** Table id or name; default `main` when the action looks up a table. */
  table?: number | TableName;
  /** Priority. */
  priority?: number;
  /** Firewall mark. */
  fwmark?: number;
  /** Firewall mark mask. */
  fwmask?: number;
  /** Action name or number; default `to_tbl`. */
  action?: RuleActionName | number;
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
  protocol?: RouteProtocolName | number;
  /** IP protocol number. */
  ipProto?: number;
  /** Source port or range. */
  sportRange?: Range | number;
  /** Destination port or range. */
  dportRange?: Range | number;
  /** Invert the selector (`not`). */
  invert?: boolean;
}

const SPEC_KEYS: readonly (keyof RuleSpec)[] = [
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

/** A rule request: the fib_rule_hdr header and the encoded attributes. */
function ruleRequest(
  cmd: string,
  header: HeaderValues<typeof FIB_RULE_HDR>,
  attrs: Uint8Array,
): Request {
  return structRequest(command(RULE_COMMANDS, cmd, "rule"), FIB_RULE_HDR, header, attrs);
}

/** The selectors `src` and `dst`: attributes, their lengths, and the family they imply. */
function prefixes(spec: Spec, attrs: Record<string, unknown>) {
  let fam: number | undefined;
  const len = { src: 0, dst: 0 };
  for (const k of ["src", "dst"] as const) {
    if (spec[k] === undefined) continue;
    const p = prefix(spec[k], undefined, k);
    if (fam !== undefined && p.family !== fam) {
      throw new ArgumentError(k, "the same family as the other prefix", spec[k]);
    }
    fam = p.family;
    attrs[k] = p.address;
    len[k] = p.prefixlen;
  }
  return { fam, len };
}

/** The optional selectors and targets, checked, as attributes. */
function options(spec: Spec, action: number, cmd: string, attrs: Record<string, unknown>): void {
  if (spec.iifname !== undefined) attrs.iifname = ifname(spec.iifname, "iifname");
  if (spec.oifname !== undefined) attrs.oifname = ifname(spec.oifname, "oifname");
  if (spec.fwmark !== undefined) attrs.fwmark = u32(spec.fwmark, "fwmark");
  if (spec.fwmask !== undefined) attrs.fwmask = u32(spec.fwmask, "fwmask");
  if (spec.goto !== undefined) {
    if (action !== FR_ACT.GOTO) {
      throw new ArgumentError("goto", 'a target only with action "goto"', spec.goto);
    }
    attrs.goto = u32(spec.goto, "goto");
  } else if (action === FR_ACT.GOTO && cmd === "add") {
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
}

/**
 * Builds the request for `rule(cmd, spec)`.
 */
export function buildRuleRequest(cmd: string, spec: RuleSpec | Spec): Request {
  if (!Object.hasOwn(RULE_COMMANDS, cmd)) {
    throw new ArgumentError(
      "cmd",
      `one of ${
        Object.keys(RULE_COMMANDS).join(", ")
      } (rules have no in-place change: delete and add)`,
      cmd,
      "Cannot run rule command",
    );
  }
  checkKeys(spec, SPEC_KEYS, `rule ${cmd}`);
  if (cmd === "dump") {
    const fam = family(spec.family, undefined, "family") ?? 0;
    return ruleRequest(cmd, { family: fam }, new Uint8Array(0));
  }
  const attrs: Record<string, unknown> = {};
  const { fam: inferred, len } = prefixes(spec, attrs);
  const fam = family(spec.family, inferred, "family") ?? AF_INET;
  if (fam !== AF_INET && fam !== AF_INET6) {
    throw new ArgumentError("family", "inet or inet6", spec.family);
  }
  const action = spec.action === undefined
    ? FR_ACT.TO_TBL
    : RULE_ACTIONS.value(spec.action, "action");
  if (spec.priority !== undefined) attrs.priority = u32(spec.priority, "priority");
  let table = 0;
  if (spec.table !== undefined) table = TABLES.value(spec.table, "table", 0xffffffff);
  else if (action === FR_ACT.TO_TBL && cmd === "add") table = RT_TABLE.MAIN;
  if (table) attrs.table = table;
  options(spec, action, cmd, attrs);
  const tos = spec.tos === undefined ? 0 : int(spec.tos, "tos", 0, 255);
  if (spec.invert !== undefined && typeof spec.invert !== "boolean") {
    throw new ArgumentError("invert", "true or false", spec.invert);
  }
  const w = Writer.scratch("rule");
  encodeAttrs(w, SETS.rule, attrs);
  return ruleRequest(cmd, {
    family: fam,
    dstLen: len.dst,
    srcLen: len.src,
    tos,
    table: table > 255 ? 0 : table,
    action,
    flags: spec.invert === true ? FIB_RULE.INVERT : 0,
  }, w.finish());
}
