/**
 * Corrections and supplements to the 6.12 YNL spec nftables.yaml, where it
 * disagrees with what the kernel sends and accepts or lacks an expression
 * nf_tables.h defines. Each is checked against the bytes `nft` 1.0.6 sends
 * (captured with strace; tests/nft_expr.test.ts keeps them as golden bytes)
 * and the kernel's net/netfilter/nft_*.c:
 *
 * - counter: NFTA_COUNTER_BYTES and NFTA_COUNTER_PACKETS are big-endian
 *   (nft_counter_do_dump: nla_put_be64(cpu_to_be64(...)); `counter packets 5
 *   bytes 100` sends 00 00 00 00 00 00 00 64). The spec says host-order u64.
 * - attribute numbers: the spec numbers attributes by their order in the
 *   file, and its order is not the header's in several sets. lookup lists
 *   `set id` second (NFTA_LOOKUP_SET_ID is 4; SREG 2, DREG 3: nft sends
 *   `lookup reg 1 set __set%d` as SET=1, SREG=2, SET_ID=4), and the rule,
 *   chain, table and set element sets leave out their PAD entries, which shifts
 *   every later attribute by one (NFTA_RULE_ID is 9, not 8; NFTA_CHAIN_FLAGS
 *   10; NFTA_TABLE_USERDATA 6; NFTA_SET_ELEM_OBJREF 9). Every set that has a
 *   header enum is renumbered from it (by the camel-cased header name; the
 *   spec's `set id` is `setId`), and the header's PAD entries are added, so a
 *   pad the kernel puts before a 64-bit value is skipped, not kept raw.
 * - fib results: the spec numbers them from 0; NFT_FIB_RESULT_OIF is 1
 *   (UNSPEC is 0): renumbered from nf_tables.h.
 * - meta keys: the spec's `l4-proto` (camel-cased `l4Proto`) is the kernel's
 *   NFT_META_L4PROTO and nft's keyword `l4proto`: named `l4proto`.
 * - range, limit, log, masq and redir expressions (nft_range.c, nft_limit.c,
 *   nft_log.c, nft_masq.c, nft_redir.c) are missing from the spec: their sets
 *   are numbered from nf_tables.h's NFTA_RANGE_*, NFTA_LIMIT_*, NFTA_LOG_*,
 *   NFTA_MASQ_* and NFTA_REDIR_* enums, typed as the kernel's policies read
 *   them (every integer big-endian: nla_get_be32/be64/be16; masq and redir
 *   flags are NF_NAT_RANGE_* bits), and added to the exprOps sub-message,
 *   as is quota (its set is the spec's quotaAttrs, the object's).
 * - exthdr (nft_exthdr.c: IPv6, TCP option, IPv4 option, SCTP chunk and DCCP
 *   option matches and writes) likewise, from NFTA_EXTHDR_* (NFTA_EXTHDR_TYPE
 *   is a u8), with the enums exthdrOps (enum nft_exthdr_op) and exthdrFlags
 *   (enum nft_exthdr_flags); and dynset (nft_dynset.c: add, update or delete
 *   set elements from the packet path), from NFTA_DYNSET_* with dynsetFlags
 *   (enum nft_dynset_flags).
 *
 * @module
 */
import type { Out } from "../../core/ynl.ts";
import { headerSet } from "./uapi_sets.ts";
import { camel, enumValues, namedEnum } from "./cheader.ts";

/** Spec set → the prefix of its header enum; spec names the header spells otherwise. */
const HEADER_SETS: [string, string, Record<string, string>?][] = [
  ["tableAttrs", "NFTA_TABLE_"],
  ["chainAttrs", "NFTA_CHAIN_"],
  ["counterAttrs", "NFTA_COUNTER_"],
  ["nftHookAttrs", "NFTA_HOOK_", { num: "hooknum" }],
  ["ruleAttrs", "NFTA_RULE_"],
  ["exprListAttrs", "NFTA_LIST_"],
  ["exprAttrs", "NFTA_EXPR_"],
  ["setAttrs", "NFTA_SET_"],
  ["setDescAttrs", "NFTA_SET_DESC_"],
  ["setFieldAttrs", "NFTA_SET_FIELD_"],
  ["setelemAttrs", "NFTA_SET_ELEM_"],
  ["setelemListAttrs", "NFTA_SET_ELEM_LIST_"],
  ["genAttrs", "NFTA_GEN_"],
  ["objAttrs", "NFTA_OBJ_"],
  ["quotaAttrs", "NFTA_QUOTA_"],
  ["flowtableAttrs", "NFTA_FLOWTABLE_"],
  ["exprBitwiseAttrs", "NFTA_BITWISE_"],
  ["exprCmpAttrs", "NFTA_CMP_"],
  ["dataAttrs", "NFTA_DATA_"],
  ["verdictAttrs", "NFTA_VERDICT_"],
  ["exprCounterAttrs", "NFTA_COUNTER_"],
  ["exprFibAttrs", "NFTA_FIB_"],
  ["exprCtAttrs", "NFTA_CT_"],
  ["exprFlowOffloadAttrs", "NFTA_FLOW_", { name: "tableName" }],
  ["exprImmediateAttrs", "NFTA_IMMEDIATE_"],
  ["exprLookupAttrs", "NFTA_LOOKUP_", { "set id": "setId" }],
  ["exprMetaAttrs", "NFTA_META_"],
  ["exprNatAttrs", "NFTA_NAT_"],
  ["exprPayloadAttrs", "NFTA_PAYLOAD_"],
  ["exprRejectAttrs", "NFTA_REJECT_"],
  ["exprTproxyAttrs", "NFTA_TPROXY_"],
  ["exprObjrefAttrs", "NFTA_OBJREF_"],
];

/** Numbers of a header enum by camel-cased name (UNSPEC left out). */
function headerNumbers(header: string, prefix: string): Map<string, number> {
  let nums: Map<string, number>;
  try {
    nums = enumValues(header, prefix, true);
  } catch {
    nums = enumValues(header, prefix);
  }
  return new Map([...nums].filter(([k]) => k !== "UNSPEC").map(([k, v]) => [camel(k), v]));
}

const BE = { be: true };
const DATA: [string, Record<string, unknown>] = ["nest", { nest: "dataAttrs" }];

/** Applies the corrections to `spec` (converted nftables.yaml) in place; `header` is nf_tables.h. */
export function nftablesFixes(spec: Out, header: string): Out {
  const set = (name: string) => {
    const rows = spec.sets[name];
    if (!rows) throw new Error(`nftables.yaml has no set ${name} to correct`);
    return rows;
  };
  const row = (setName: string, attr: string) => {
    const r = set(setName).find((x) => x[1] === attr);
    if (!r) throw new Error(`nftables.yaml has no attribute ${setName}.${attr} to correct`);
    return r;
  };
  for (const attr of ["bytes", "packets"]) {
    const r = row("exprCounterAttrs", attr);
    r[2] = "u64";
    r[3] = { ...r[3], be: true };
  }
  for (const [name, prefix, aliases = {}] of HEADER_SETS) {
    const nums = headerNumbers(header, prefix);
    const rows = set(name);
    for (const r of rows) {
      const headerName = aliases[r[1]] ?? r[1];
      const num = nums.get(headerName);
      if (num === undefined) throw new Error(`nf_tables.h has no ${prefix}* for ${name}.${r[1]}`);
      if (aliases[r[1]] === "setId") r[1] = "setId";
      r[0] = num;
    }
    const pad = nums.get("pad");
    if (pad !== undefined && !rows.some((r) => r[0] === pad)) rows.push([pad, "pad", "pad"]);
    rows.sort((a, b) => a[0] - b[0]);
  }
  const fib = spec.enums.fibResult;
  if (!fib) throw new Error("nftables.yaml has no fibResult enum to renumber");
  const fibNums = headerNumbers(header, "NFT_FIB_RESULT_");
  for (const e of fib.entries) {
    const num = fibNums.get(e[0]);
    if (num === undefined) throw new Error(`nf_tables.h has no NFT_FIB_RESULT_* for ${e[0]}`);
    e[1] = num;
  }
  const meta = spec.enums.metaKeys?.entries.find((e) => e[0] === "l4Proto");
  if (!meta) throw new Error("nftables.yaml has no meta key l4Proto to rename");
  meta[0] = "l4proto";

  spec.sets.exprRangeAttrs = headerSet(header, "NFTA_RANGE_", {
    SREG: ["u32", BE],
    OP: ["u32", BE],
    FROM_DATA: DATA,
    TO_DATA: DATA,
  });
  spec.sets.exprLimitAttrs = headerSet(header, "NFTA_LIMIT_", {
    RATE: ["u64", BE],
    UNIT: ["u64", BE],
    BURST: ["u32", BE],
    TYPE: ["u32", BE],
    FLAGS: ["u32", BE],
    PAD: "pad",
  });
  spec.sets.exprLogAttrs = headerSet(header, "NFTA_LOG_", {
    GROUP: ["u16", BE],
    PREFIX: "string",
    SNAPLEN: ["u32", BE],
    QTHRESHOLD: ["u16", BE],
    LEVEL: ["u32", BE],
    FLAGS: ["u32", BE],
  });
  const NAT_FLAGS = ["u32", { be: true, enum: "natRangeFlags", flags: true }] as [
    string,
    Record<string, unknown>,
  ];
  spec.sets.exprMasqAttrs = headerSet(header, "NFTA_MASQ_", {
    FLAGS: NAT_FLAGS,
    REG_PROTO_MIN: ["u32", BE],
    REG_PROTO_MAX: ["u32", BE],
  });
  spec.sets.exprRedirAttrs = headerSet(header, "NFTA_REDIR_", {
    REG_PROTO_MIN: ["u32", BE],
    REG_PROTO_MAX: ["u32", BE],
    FLAGS: NAT_FLAGS,
  });
  spec.sets.exprExthdrAttrs = headerSet(header, "NFTA_EXTHDR_", {
    DREG: ["u32", BE],
    TYPE: "u8",
    OFFSET: ["u32", BE],
    LEN: ["u32", BE],
    FLAGS: ["u32", { be: true, enum: "exthdrFlags", flags: true }],
    OP: ["u32", { be: true, enum: "exthdrOps" }],
    SREG: ["u32", BE],
  });
  const entries = (m: Map<string, number>) =>
    [...m].map(([k, v]) => [camel(k), v] as [string, number]);
  spec.enums.exthdrOps = {
    flags: false,
    entries: entries(namedEnum(header, "nft_exthdr_op", "NFT_EXTHDR_OP_")),
  };
  spec.enums.exthdrFlags = {
    flags: true,
    entries: entries(namedEnum(header, "nft_exthdr_flags", "NFT_EXTHDR_F_")),
  };
  spec.sets.exprDynsetAttrs = headerSet(header, "NFTA_DYNSET_", {
    SET_NAME: "string",
    SET_ID: ["u32", BE],
    OP: ["u32", BE],
    SREG_KEY: ["u32", BE],
    SREG_DATA: ["u32", BE],
    TIMEOUT: ["u64", BE],
    EXPR: ["nest", { nest: "exprAttrs" }],
    PAD: "pad",
    FLAGS: ["u32", { be: true, enum: "dynsetFlags", flags: true }],
    EXPRESSIONS: ["nest", { nest: "exprListAttrs" }],
  });
  spec.enums.dynsetFlags = {
    flags: true,
    entries: entries(namedEnum(header, "nft_dynset_flags", "NFT_DYNSET_F_")),
  };
  const ops = spec.subMessages.exprOps;
  if (!ops) throw new Error("nftables.yaml has no exprOps sub-message");
  Object.assign(ops, {
    range: "exprRangeAttrs",
    limit: "exprLimitAttrs",
    log: "exprLogAttrs",
    masq: "exprMasqAttrs",
    redir: "exprRedirAttrs",
    exthdr: "exprExthdrAttrs",
    dynset: "exprDynsetAttrs",
    quota: ops.quota ?? "quotaAttrs",
  });
  return spec;
}
