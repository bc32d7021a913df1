/**
 * nftables rules: the add, insert, replace and delete changes (a rule's
 * expressions checked by netfilter/nft_expr.ts before anything is sent,
 * registers included), and rules decoded from dumps with their expressions
 * typed.
 *
 * `nft add rule` appends (NLM_F_CREATE | NLM_F_APPEND; with `position`:
 * after that handle), `nft insert rule` prepends (NLM_F_CREATE; with
 * `position`: before that handle), `nft replace rule … handle H` is
 * NLM_F_REPLACE with the handle, `nft delete rule … handle H` is
 * NFT_MSG_DELRULE with it.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import { AttrCursor, NLMSG_HDRLEN } from "../core/codec.ts";
import { NLM_F } from "../core/constants.ts";
import type { MessageRef } from "../core/message.ts";
import type { Writer } from "../core/writer.ts";
import { NFNETLINK_STRUCTS } from "../core/tables/nfnetlink.ts";
import { NFT_MSG, NFTABLES_ATTRS } from "../core/tables/nftables.ts";
import {
  checkExpressions,
  type NftExpression,
  readExpressions,
  writeExpressions,
} from "./nft_expr.ts";
import { familyName, familyNumber, type NftFamily } from "./nft_names.ts";
import { type NftChange, nftRequest, objectName } from "./nft_objects.ts";

const R = NFTABLES_ATTRS.ruleAttrs;
const NESTED = 1 << 15;

/** A rule to add or insert (`nft add|insert rule FAMILY TABLE CHAIN [position H] …`). */
export interface NftRuleSpec {
  /** The family. */
  family: NftFamily;
  /** The table. */
  table: string;
  /** The chain. */
  chain: string;
  /** The expressions, in order (see `nftExpr` for the sequences nft makes). */
  expressions: readonly NftExpression[];
  /**
   * A rule's handle: add puts the new rule after it, insert before it
   * (default: the end of the chain for add, its start for insert).
   */
  position?: number | bigint;
  /** Opaque bytes kept with the rule (NFTA_RULE_USERDATA: nft keeps its comments there). */
  userdata?: Uint8Array;
}

/** A rule addressed by its handle (`nft delete rule FAMILY TABLE CHAIN handle H`). */
export interface NftRuleRef {
  /** The family. */
  family: NftFamily;
  /** The table. */
  table: string;
  /** The chain. */
  chain: string;
  /** The rule's handle. */
  handle: number | bigint;
}

/** A rule that replaces the one with `handle` (`nft replace rule … handle H …`). */
export interface NftRuleReplace extends NftRuleRef {
  /** The new expressions. */
  expressions: readonly NftExpression[];
  /** Opaque bytes kept with the rule. */
  userdata?: Uint8Array;
}

/** A listed rule. */
export interface NftRule {
  /** The family. */
  family: NftFamily | number;
  /** The table. */
  table: string;
  /** The chain. */
  chain: string;
  /** The kernel's handle. */
  handle: number;
  /** The handle of the rule before it, when the kernel says (NFTA_RULE_POSITION). */
  position?: number;
  /** The expressions, decoded (kinds nlroute does not type: raw). */
  expressions: NftExpression[];
  /** The rule's userdata (nft's comment and other annotations), when it has some. */
  userdata?: Uint8Array;
}

function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new ArgumentError(path, "an object", v);
  }
  return v as Record<string, unknown>;
}

function only(o: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const [k, x] of Object.entries(o)) {
    if (x !== undefined && !allowed.includes(k)) {
      throw new ArgumentError(
        `${path}.${k}`,
        `one of ${allowed.join(", ")}`,
        x,
        "Cannot use unknown option",
      );
    }
  }
}

function handleOf(v: unknown, path: string): bigint {
  if (typeof v === "bigint" && v > 0n && v < 1n << 64n) return v;
  if (typeof v === "number" && Number.isSafeInteger(v) && v > 0) return BigInt(v);
  throw new ArgumentError(path, "a rule handle (a positive integer)", v);
}

function putU64(w: Writer, type: number, v: bigint): void {
  const a = w.beginAttr(type);
  w.u64(v, true);
  w.endAttr(a);
}

function userdataOf(v: unknown, path: string): Uint8Array | undefined {
  if (v === undefined) return undefined;
  if (!(v instanceof Uint8Array) || v.length > 256) {
    throw new ArgumentError(path, "up to 256 bytes (a Uint8Array)", v);
  }
  return v;
}

function where(s: Record<string, unknown>) {
  return {
    family: familyNumber(s.family, "rule.family"),
    fam: s.family as string,
    table: objectName(s.table, "rule.table"),
    chain: objectName(s.chain, "rule.chain"),
  };
}

/** An `add rule` (or `insert rule`: `insert`) change. */
export function addRuleChange(spec: unknown, insert = false): NftChange {
  const s = obj(spec, "rule");
  only(s, ["family", "table", "chain", "expressions", "position", "userdata"], "rule");
  const r = where(s);
  const exprs = checkExpressions(s.expressions, "rule.expressions");
  const position = s.position === undefined ? undefined : handleOf(s.position, "rule.position");
  const userdata = userdataOf(s.userdata, "rule.userdata");
  const verb = insert ? "insert" : "add";
  const at = position === undefined ? "" : ` position ${position}`;
  return {
    describe: `${verb} rule ${r.fam} ${r.table} ${r.chain}${at} (${exprs.length} expressions)`,
    request: nftRequest(
      NFT_MSG.NEWRULE,
      r.family,
      NLM_F.CREATE | (insert ? 0 : NLM_F.APPEND),
      (w) => writeRule(w, r.table, r.chain, undefined, position, exprs, userdata),
    ),
  };
}

/** A `replace rule … handle H` change. */
export function replaceRuleChange(spec: unknown): NftChange {
  const s = obj(spec, "rule");
  only(s, ["family", "table", "chain", "handle", "expressions", "userdata"], "rule");
  const r = where(s);
  const handle = handleOf(s.handle, "rule.handle");
  const exprs = checkExpressions(s.expressions, "rule.expressions");
  const userdata = userdataOf(s.userdata, "rule.userdata");
  return {
    describe: `replace rule ${r.fam} ${r.table} ${r.chain} handle ${handle}`,
    request: nftRequest(
      NFT_MSG.NEWRULE,
      r.family,
      NLM_F.REPLACE,
      (w) => writeRule(w, r.table, r.chain, handle, undefined, exprs, userdata),
    ),
  };
}

/** A `delete rule … handle H` (`destroy rule` when `ifExists`) change. */
export function deleteRuleChange(ref: unknown, ifExists = false): NftChange {
  const s = obj(ref, "rule");
  only(s, ["family", "table", "chain", "handle"], "rule");
  const r = where(s);
  const handle = handleOf(s.handle, "rule.handle");
  return {
    describe: `${
      ifExists ? "destroy" : "delete"
    } rule ${r.fam} ${r.table} ${r.chain} handle ${handle}`,
    request: nftRequest(ifExists ? NFT_MSG.DESTROYRULE : NFT_MSG.DELRULE, r.family, 0, (w) => {
      w.attrString(R.table, r.table);
      w.attrString(R.chain, r.chain);
      putU64(w, R.handle, handle);
    }),
  };
}

/** nft's order: table, chain, handle or position, expressions, userdata. */
function writeRule(
  w: Writer,
  table: string,
  chain: string,
  handle: bigint | undefined,
  position: bigint | undefined,
  exprs: readonly NftExpression[],
  userdata: Uint8Array | undefined,
): void {
  w.attrString(R.table, table);
  w.attrString(R.chain, chain);
  if (handle !== undefined) putU64(w, R.handle, handle);
  if (position !== undefined) putU64(w, R.position, position);
  const list = w.beginNested(R.expressions | NESTED);
  writeExpressions(w, exprs);
  w.endAttr(list);
  if (userdata !== undefined) w.attrBytes(R.userdata, userdata);
}

/** The dump request's filter attributes: a table, and a chain in it (the kernel filters). */
export function ruleDumpFilter(table: string | undefined, chain: string | undefined) {
  return (w: Writer) => {
    if (table !== undefined) w.attrString(R.table, table);
    if (chain !== undefined) w.attrString(R.chain, chain);
  };
}

/** A rule from NFT_MSG_NEWRULE (a dump's or an event's). */
export function ruleOf(m: MessageRef): NftRule {
  const o = m.offset + NLMSG_HDRLEN;
  const family = m.bytes[o]!;
  const c = new AttrCursor(m.bytes, o + NFNETLINK_STRUCTS.nfgenmsg.size, m.offset + m.length);
  const rule: NftRule = {
    family: familyName(family),
    table: "",
    chain: "",
    handle: 0,
    expressions: [],
  };
  while (c.next()) {
    switch (c.type) {
      case R.table:
        rule.table = c.string();
        break;
      case R.chain:
        rule.chain = c.string();
        break;
      case R.handle:
        if (c.length >= 8) rule.handle = Number(c.dv.getBigUint64(c.offset, false));
        break;
      case R.position:
        if (c.length >= 8) rule.position = Number(c.dv.getBigUint64(c.offset, false));
        break;
      case R.expressions:
        rule.expressions = readExpressions(m.bytes, c.offset, c.offset + c.length);
        break;
      case R.userdata:
        rule.userdata = c.payload().slice();
        break;
    }
  }
  return rule;
}
