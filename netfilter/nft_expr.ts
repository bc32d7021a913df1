/**
 * nftables rule expressions, typed: {@link NftExpression} (payload load and
 * write, cmp, meta load and set, immediate with data or a verdict, lookup,
 * counter, ct load and set, nat, bitwise, range, limit, log, reject, masq,
 * redir, fib, quota, notrack, exthdr load and write, objref by name, dynset
 * with its per-element expressions; any
 * other kind kept as raw bytes), checked
 * before anything is sent ({@link checkExpressions}, register dataflow
 * included), written as the NFTA_LIST_ELEM nests of NFTA_RULE_EXPRESSIONS
 * ({@link writeExpressions}) and read back from the kernel's dumps
 * ({@link readExpressions}). {@link nftExpr} builds the sequences nft
 * generates for common matches and statements (`tcp dport 22`, `ip saddr
 * 10.0.0.0/8`, `snat to …`).
 *
 * Names are those of the generated tables (core/tables/nftables.ts: the
 * kernel's YNL spec, corrected from nf_tables.h by tools/gen/nftables_sets.ts):
 * meta keys `iifname`, `oifname`, `l4proto`, `nfproto`, `mark`, …; ct keys
 * `state`, `mark`, `protoDst`, …; payload bases `ll`, `network`,
 * `transport`, `inner`, `tun`; flag sets as arrays of names. Names are matched
 * without regard to case on input; integers the tables do not name are taken
 * and given back as numbers.
 *
 * Registers and data: see netfilter/nft_expr_data.ts ({@link NftRegister}:
 * numbers 0–4 and 8–23 as `nft --debug=netlink` prints them, or `"reg1"`,
 * `"reg32_00"`, `"verdict"`; {@link NftDataInput}: bytes, or `{ ip }`,
 * `{ port }`, `{ ifname }`, `{ u32 }`, …). Decoded and checked expressions
 * carry the canonical forms: register numbers, data as `Uint8Array`, 64-bit
 * counters, quotas and rates as bigint, names as the tables spell them, flags
 * once each in the table's order.
 *
 * A decoded expression the types cannot carry exactly — an unknown kind, an
 * attribute this library does not know, a missing or repeated attribute —
 * comes back as {@link NftRawExpression} (`{ type, raw }`), which writes the
 * same bytes back. Test for it first ({@link isRawExpression}): its `type` is
 * any string, so narrowing on `type` alone still leaves it in.
 *
 * @module
 */
import { AttrCursor } from "../core/codec.ts";
import { ArgumentError, DecodeError } from "../core/errors.ts";
import { type AttrSet, decodeAttrs, type EnumDef, MAX_DEPTH, Registry } from "../core/schema.ts";
import type { Writer } from "../core/writer.ts";
import {
  NFPROTO,
  NFT_DYNSET_OP,
  NFT_LIMIT,
  NFT_LOG_LEVEL,
  NFT_NAT,
  NFT_PAYLOAD_BASE,
  NFT_PAYLOAD_CSUM,
  NFT_RANGE,
  NFTABLES,
  NFTABLES_ATTRS,
} from "../core/tables/nftables.ts";
import {
  canonicalRegister,
  checkRegister,
  nftData,
  type NftDataInput,
  type NftRegister,
  REGISTER_BYTES,
  REGISTER_WORDS,
  registerLabel,
  registerWord,
  VERDICT_REGISTER,
} from "./nft_expr_data.ts";

export { nftExpr, type NftExprBuilders } from "./nft_expr_build.ts";
export {
  canonicalRegister,
  checkRegister,
  formatNftData,
  nftData,
  type NftDataInput,
  type NftRegister,
  type NftRegisterName,
  registerLabel,
} from "./nft_expr_data.ts";

// The name unions are spelled out (the documentation shows them); the tests
// check at compile time that each equals the generated table's names.

/** Payload bases: `ll`, `network`, `transport`, `inner`, `tun` (NFT_PAYLOAD_*_HEADER). */
export type NftPayloadBase = "ll" | "network" | "transport" | "inner" | "tun";
/** Payload checksum types: `none`, `inet`, `sctp` (NFT_PAYLOAD_CSUM_*). */
export type NftCsumType = "none" | "inet" | "sctp";
/** cmp operations (NFT_CMP_*). */
export type NftCmpOp = "eq" | "neq" | "lt" | "lte" | "gt" | "gte";
/** meta keys (NFT_META_*, camel-cased: NFT_META_BRI_IIFNAME is `briIifname`). */
export type NftMetaKey =
  | "len"
  | "protocol"
  | "priority"
  | "mark"
  | "iif"
  | "oif"
  | "iifname"
  | "oifname"
  | "iftype"
  | "oiftype"
  | "skuid"
  | "skgid"
  | "nftrace"
  | "rtclassid"
  | "secmark"
  | "nfproto"
  | "l4proto"
  | "briIifname"
  | "briOifname"
  | "pkttype"
  | "cpu"
  | "iifgroup"
  | "oifgroup"
  | "cgroup"
  | "prandom"
  | "secpath"
  | "iifkind"
  | "oifkind"
  | "briIifpvid"
  | "briIifvproto"
  | "timeNs"
  | "timeDay"
  | "timeHour"
  | "sdif"
  | "sdifname"
  | "briBroute";
/** ct keys (NFT_CT_*, camel-cased: NFT_CT_PROTO_DST is `protoDst`). */
export type NftCtKey =
  | "state"
  | "direction"
  | "status"
  | "mark"
  | "secmark"
  | "expiration"
  | "helper"
  | "l3protocol"
  | "src"
  | "dst"
  | "protocol"
  | "protoSrc"
  | "protoDst"
  | "labels"
  | "pkts"
  | "bytes"
  | "avgpkt"
  | "zone"
  | "eventmask"
  | "srcIp"
  | "dstIp"
  | "srcIp6"
  | "dstIp6"
  | "ctId";
/** ct directions (IP_CT_DIR_*). */
export type NftCtDirection = "original" | "reply";
/** Verdict codes (NFT_CONTINUE … NFT_RETURN, NF_DROP … NF_REPEAT). */
export type NftVerdictCode =
  | "continue"
  | "break"
  | "jump"
  | "goto"
  | "return"
  | "drop"
  | "accept"
  | "stolen"
  | "queue"
  | "repeat";
/** NAT types (NFT_NAT_*). */
export type NftNatType = "snat" | "dnat";
/** Netfilter families (NFPROTO_*, lower-cased). */
export type NftFamily =
  | "unspec"
  | "inet"
  | "ipv4"
  | "arp"
  | "netdev"
  | "bridge"
  | "ipv6"
  | "decnet";
/** NAT range flags (NF_NAT_RANGE_*, camel-cased). */
export type NftNatFlag =
  | "mapIps"
  | "protoSpecified"
  | "protoRandom"
  | "persistent"
  | "protoRandomFully"
  | "protoOffset"
  | "netmap";
/** bitwise operations: `bool` (mask and xor), `lshift`, `rshift` (NFT_BITWISE_*). */
export type NftBitwiseOp = "bool" | "lshift" | "rshift";
/** range operations (NFT_RANGE_*). */
export type NftRangeOp = "eq" | "neq";
/** limit types (NFT_LIMIT_*): packets or bytes. */
export type NftLimitType = "pkts" | "pkt_bytes";
/** Log levels (NFT_LOGLEVEL_*). */
export type NftLogLevel =
  | "emerg"
  | "alert"
  | "crit"
  | "err"
  | "warning"
  | "notice"
  | "info"
  | "debug"
  | "audit";
/** reject types (NFT_REJECT_*). */
export type NftRejectType = "icmpUnreach" | "tcpRst" | "icmpxUnreach";
/** fib results (NFT_FIB_RESULT_*). */
export type NftFibResult = "oif" | "oifname" | "addrtype";
/** fib flags (NFTA_FIB_F_*): what to look up by, and `present` (only whether a route exists). */
export type NftFibFlag = "saddr" | "daddr" | "mark" | "iif" | "oif" | "present";
/** quota flags (NFT_QUOTA_F_*): `invert` (match over the quota), `depleted`. */
export type NftQuotaFlag = "invert" | "depleted";
/** exthdr operations (NFT_EXTHDR_OP_*): which header the option or chunk is in. */
export type NftExthdrOp = "ipv6" | "tcpopt" | "ipv4" | "sctp" | "dccp";
/** dynset operations (NFT_DYNSET_OP_*). */
export type NftDynsetOp = "add" | "update" | "delete";
/** dynset flags (NFT_DYNSET_F_*): `inv` (match when the element is not there), `expr` (with expressions). */
export type NftDynsetFlag = "inv" | "expr";
/** Stateful object types (NFT_OBJECT_*, camel-cased). */
export type NftObjectType =
  | "unspec"
  | "counter"
  | "quota"
  | "ctHelper"
  | "limit"
  | "connlimit"
  | "tunnel"
  | "ctTimeout"
  | "secmark"
  | "ctExpect"
  | "synproxy";

/** `payload load <len>b @ <base> header + <offset> => reg <dreg>`. */
export interface NftPayloadLoad {
  /** Expression kind. */
  type: "payload";
  /** The header the offset counts from. */
  base: NftPayloadBase | number;
  /** Byte offset from the base. */
  offset: number;
  /** Bytes to load. */
  len: number;
  /** The register loaded. */
  dreg: NftRegister;
  /** Only in the write form. */
  sreg?: never;
}
/** `payload write reg <sreg> => <len>b @ <base> header + <offset>`, with checksum fix-up. */
export interface NftPayloadWrite {
  /** Expression kind. */
  type: "payload";
  /** The header the offset counts from. */
  base: NftPayloadBase | number;
  /** Byte offset from the base. */
  offset: number;
  /** Bytes to write. */
  len: number;
  /** The register written from. */
  sreg: NftRegister;
  /** Checksum to update (`inet` for IPv4/TCP/UDP). */
  csumType?: NftCsumType | number;
  /** Offset of the checksum from the base. */
  csumOffset?: number;
  /** Checksum flags (NFT_PAYLOAD_L4CSUM_PSEUDOHDR = 1: the L4 checksum covers the changed pseudo-header). */
  csumFlags?: number;
  /** Only in the load form. */
  dreg?: never;
}
/** `cmp <op> reg <sreg> <data>`. */
export interface NftCmpExpression {
  /** Expression kind. */
  type: "cmp";
  /** The register compared. */
  sreg: NftRegister;
  /** The comparison. */
  op: NftCmpOp;
  /** What the register is compared with (its length is how many bytes are compared). */
  data: NftDataInput;
}
/** `meta load <key> => reg <dreg>`. */
export interface NftMetaLoad {
  /** Expression kind. */
  type: "meta";
  /** What to load. */
  key: NftMetaKey | number;
  /** The register loaded. */
  dreg: NftRegister;
  /** Only in the set form. */
  sreg?: never;
}
/** `meta set <key> with reg <sreg>`. */
export interface NftMetaSet {
  /** Expression kind. */
  type: "meta";
  /** What to set (`mark`, `priority`, `nftrace`, `pkttype`, …). */
  key: NftMetaKey | number;
  /** The register that holds the value. */
  sreg: NftRegister;
  /** Only in the load form. */
  dreg?: never;
}
/** A verdict: what `immediate reg 0 …` stores. */
export interface NftVerdict {
  /** The verdict. */
  code: NftVerdictCode | number;
  /** The chain of `jump` and `goto`. */
  chain?: string;
  /** The chain of `jump` and `goto` by its id in the same batch (NFTA_CHAIN_ID). */
  chainId?: number;
}
/** `immediate reg <dreg> <data>`. */
export interface NftImmediateData {
  /** Expression kind. */
  type: "immediate";
  /** The register loaded (a data register). */
  dreg: NftRegister;
  /** The value. */
  data: NftDataInput;
  /** Only in the verdict form. */
  verdict?: never;
}
/** `immediate reg 0 <verdict>`: accept, drop, jump to a chain, … */
export interface NftImmediateVerdict {
  /** Expression kind. */
  type: "immediate";
  /** The verdict register (0, `"verdict"`; the default). */
  dreg?: NftRegister;
  /** The verdict. */
  verdict: NftVerdict;
  /** Only in the data form. */
  data?: never;
}
/** `lookup reg <sreg> set <set> [dreg <dreg>]`: set membership, or a map lookup into `dreg`. */
export interface NftLookupExpression {
  /** Expression kind. */
  type: "lookup";
  /** The set's name (`__set%d` for an anonymous set of the same batch). */
  set: string;
  /** The set's id in the same batch (NFTA_SET_ID). */
  setId?: number;
  /** The register holding the key. */
  sreg: NftRegister;
  /** The register a map's value is loaded into. */
  dreg?: NftRegister;
  /** Match when the key is absent (`!= @set`). */
  invert?: boolean;
}
/** `counter pkts <packets> bytes <bytes>`. */
export interface NftCounterExpression {
  /** Expression kind. */
  type: "counter";
  /** Bytes counted (decoded as bigint). */
  bytes?: number | bigint;
  /** Packets counted (decoded as bigint). */
  packets?: number | bigint;
}
/** `ct load <key> => reg <dreg> [, dir <direction>]`. */
export interface NftCtLoad {
  /** Expression kind. */
  type: "ct";
  /** What to load. */
  key: NftCtKey | number;
  /** The register loaded. */
  dreg: NftRegister;
  /** The direction of directional keys (`src`, `dst`, `protoSrc`, `bytes`, …). */
  direction?: NftCtDirection | number;
  /** Only in the set form. */
  sreg?: never;
}
/** `ct set <key> with reg <sreg>`. */
export interface NftCtSet {
  /** Expression kind. */
  type: "ct";
  /** What to set (`mark`, `helper`, `zone`, `labels`, `eventmask`, …). */
  key: NftCtKey | number;
  /** The register that holds the value. */
  sreg: NftRegister;
  /** The direction (`zone`). */
  direction?: NftCtDirection | number;
  /** Only in the load form. */
  dreg?: never;
}
/** `nat snat|dnat <family> addr_min reg … proto_min reg … flags …`. */
export interface NftNatExpression {
  /** Expression kind. */
  type: "nat";
  /** Source or destination NAT. */
  nat: NftNatType;
  /** Address family: `ipv4`, `ipv6` (or `inet` on kernels that take it). */
  family: NftFamily | number;
  /** Register holding the first address. */
  regAddrMin?: NftRegister;
  /** Register holding the last address. */
  regAddrMax?: NftRegister;
  /** Register holding the first port (2 bytes, network order). */
  regProtoMin?: NftRegister;
  /** Register holding the last port. */
  regProtoMax?: NftRegister;
  /** NAT range flags. */
  flags?: (NftNatFlag | number)[];
}
/** `bitwise reg <dreg> = ( reg <sreg> & <mask> ) ^ <xor>`, or a shift by `data`. */
export interface NftBitwiseExpression {
  /** Expression kind. */
  type: "bitwise";
  /** Source register. */
  sreg: NftRegister;
  /** Destination register. */
  dreg: NftRegister;
  /** Bytes operated on. */
  len: number;
  /** `bool` (the default: mask and xor), `lshift` or `rshift` (by `data`). */
  op?: NftBitwiseOp;
  /** The mask (`bool`), `len` bytes. */
  mask?: NftDataInput;
  /** The xor (`bool`), `len` bytes. */
  xor?: NftDataInput;
  /** The shift (`lshift`, `rshift`): a 4-byte host-order count, e.g. `{ u32: 8 }`. */
  data?: NftDataInput;
}
/** `range <op> reg <sreg> <from> <to>`. */
export interface NftRangeExpression {
  /** Expression kind. */
  type: "range";
  /** The register compared. */
  sreg: NftRegister;
  /** Inside (`eq`) or outside (`neq`) the range. */
  op: NftRangeOp;
  /** The low end (as many bytes as `to`). */
  from: NftDataInput;
  /** The high end. */
  to: NftDataInput;
}
/** `limit rate <rate>/<unit seconds> burst <burst> type <type> flags <flags>`. */
export interface NftLimitExpression {
  /** Expression kind. */
  type: "limit";
  /** Packets (or bytes) per unit (decoded as bigint). */
  rate: number | bigint;
  /** The unit in seconds: 1 per second, 60 per minute, … (decoded as bigint). */
  unit: number | bigint;
  /** Burst. */
  burst?: number;
  /** Count packets (`pkts`) or bytes (`pkt_bytes`). */
  limitType?: NftLimitType | number;
  /** Flags (NFT_LIMIT_F_INV = 1: match over the limit). */
  flags?: number;
}
/** `log prefix <prefix> level <level> …`. */
export interface NftLogExpression {
  /** Expression kind. */
  type: "log";
  /** Prefix of the log line. */
  prefix?: string;
  /** NFLOG group (the log goes to nfnetlink_log instead of the kernel log). */
  group?: number;
  /** NFLOG: bytes of the packet to copy. */
  snaplen?: number;
  /** NFLOG: packets queued in the kernel before sending. */
  qthreshold?: number;
  /** Syslog level. */
  level?: NftLogLevel | number;
  /** Flags (NF_LOG_TCPSEQ, NF_LOG_IPOPT, … of nf_log.h). */
  flags?: number;
}
/** `reject type <type> code <code>`. */
export interface NftRejectExpression {
  /** Expression kind. */
  type: "reject";
  /** ICMP unreachable, TCP reset, or ICMPX (family-independent) unreachable. */
  rejectType: NftRejectType | number;
  /** The ICMP (or ICMPX) code. */
  icmpCode?: number;
}
/** `masq [flags …] [proto_min reg … proto_max reg …]`: masquerade. */
export interface NftMasqExpression {
  /** Expression kind. */
  type: "masq";
  /** NAT range flags (`protoRandom`, `protoRandomFully`, `persistent`). */
  flags?: (NftNatFlag | number)[];
  /** Register holding the first port. */
  regProtoMin?: NftRegister;
  /** Register holding the last port. */
  regProtoMax?: NftRegister;
}
/** `redir [proto_min reg … proto_max reg …] [flags …]`: redirect to the host. */
export interface NftRedirExpression {
  /** Expression kind. */
  type: "redir";
  /** Register holding the first port. */
  regProtoMin?: NftRegister;
  /** Register holding the last port. */
  regProtoMax?: NftRegister;
  /** NAT range flags. */
  flags?: (NftNatFlag | number)[];
}
/** `fib <flags> <result> => reg <dreg>`: a route lookup (rpfilter, address types). */
export interface NftFibExpression {
  /** Expression kind. */
  type: "fib";
  /** What to look up by (one of `saddr`, `daddr`; `iif`, `oif`, `mark`) and `present`. */
  flags: (NftFibFlag | number)[];
  /** What to load: the output interface (index or name) or the address type. */
  result: NftFibResult | number;
  /** The register loaded. */
  dreg: NftRegister;
}
/** `quota [over] <bytes> [used <consumed>]`. */
export interface NftQuotaExpression {
  /** Expression kind. */
  type: "quota";
  /** The quota in bytes (decoded as bigint). */
  bytes: number | bigint;
  /** Bytes used so far (decoded as bigint). */
  consumed?: number | bigint;
  /** Quota flags (`invert`: `quota over`). */
  flags?: (NftQuotaFlag | number)[];
}
/**
 * `exthdr load <op> <len>b @ <exthdrType> + <offset> => reg <dreg>`: an IPv6
 * extension header, a TCP or IPv4 option, an SCTP chunk or a DCCP option
 * (`tcp option maxseg size` is op `tcpopt`, type 2, offset 2, len 2).
 */
export interface NftExthdrLoad {
  /** Expression kind. */
  type: "exthdr";
  /** Where the option is. */
  op: NftExthdrOp | number;
  /** The option (or header, chunk) type number. */
  exthdrType: number;
  /** Byte offset in the option. */
  offset: number;
  /** Bytes to load. */
  len: number;
  /** The register loaded. */
  dreg: NftRegister;
  /** Load only whether the option is present (1 byte: 1 or 0). */
  present?: boolean;
  /** Only in the write form. */
  sreg?: never;
}
/** `exthdr write <op> reg <sreg> => <len>b @ <exthdrType> + <offset>` (TCP options: MSS clamping). */
export interface NftExthdrWrite {
  /** Expression kind. */
  type: "exthdr";
  /** Where the option is. */
  op: NftExthdrOp | number;
  /** The option type number. */
  exthdrType: number;
  /** Byte offset in the option. */
  offset: number;
  /** Bytes to write. */
  len: number;
  /** The register written from. */
  sreg: NftRegister;
  /** Only in the load form. */
  dreg?: never;
  /** Only in the load form. */
  present?: never;
}
/** `objref type <objType> name <name>`: a named stateful object (`counter name "c1"`, `quota name …`). */
export interface NftObjrefExpression {
  /** Expression kind. */
  type: "objref";
  /** The object's type. */
  objType: NftObjectType | number;
  /** The object's name. */
  name: string;
}
/**
 * `dynset <op> reg_key <sregKey> set <set> [timeout …] [expr …]`: adds or
 * updates an element of `set` from the packet path (`update @m { ip saddr
 * limit rate 10/second }`, `add @s { ip saddr timeout 10s }`), with per-element
 * stateful expressions (counter, limit, quota, …).
 */
export interface NftDynsetExpression {
  /** Expression kind. */
  type: "dynset";
  /** What to do with the element. */
  op: NftDynsetOp;
  /** The set's name. */
  set: string;
  /** The set's id in the same batch. */
  setId?: number;
  /** The register holding the key. */
  sregKey: NftRegister;
  /** The register holding a map's data. */
  sregData?: NftRegister;
  /** The element's timeout in milliseconds (decoded as bigint). */
  timeout?: number | bigint;
  /** Flags. */
  flags?: (NftDynsetFlag | number)[];
  /** One expression of each element (NFTA_DYNSET_EXPR, as nft sends a single one). */
  expr?: NftExpression;
  /** Expressions of each element (NFTA_DYNSET_EXPRESSIONS; flag `expr`). */
  exprs?: NftExpression[];
}
/** `notrack`: no connection tracking for the packet (no NFTA_EXPR_DATA at all). */
export interface NftNotrackExpression {
  /** Expression kind. */
  type: "notrack";
}
/**
 * An expression kept as bytes: `type` is its name (NFTA_EXPR_NAME), `raw` the
 * attributes inside NFTA_EXPR_DATA, written back as they are (empty: no
 * NFTA_EXPR_DATA, as the kernel reads it). Decoding gives this form for kinds
 * the types do not cover (queue, tproxy, connlimit, an objref by map, …) and for
 * expressions with attributes they cannot carry. Check for it first
 * (`"raw" in e`): its `type` is any string.
 */
export interface NftRawExpression {
  /** Expression name, e.g. `"fib"`. */
  type: string;
  /** The payload of NFTA_EXPR_DATA. */
  raw: Uint8Array;
}

/**
 * Whether `e` is kept as bytes ({@link NftRawExpression}); when not, `e.type`
 * narrows to the typed kinds.
 */
export function isRawExpression(e: NftExpression): e is NftRawExpression {
  return "raw" in e && e.raw instanceof Uint8Array;
}

/** One rule expression: a discriminated union on `type` (see {@link NftRawExpression} for the rest). */
export type NftExpression =
  | NftPayloadLoad
  | NftPayloadWrite
  | NftCmpExpression
  | NftMetaLoad
  | NftMetaSet
  | NftImmediateData
  | NftImmediateVerdict
  | NftLookupExpression
  | NftCounterExpression
  | NftCtLoad
  | NftCtSet
  | NftNatExpression
  | NftBitwiseExpression
  | NftRangeExpression
  | NftLimitExpression
  | NftLogExpression
  | NftRejectExpression
  | NftMasqExpression
  | NftRedirExpression
  | NftFibExpression
  | NftQuotaExpression
  | NftNotrackExpression
  | NftExthdrLoad
  | NftExthdrWrite
  | NftObjrefExpression
  | NftDynsetExpression
  | NftRawExpression;

// -- tables --------------------------------------------------------------

const REGISTRY = new Registry([NFTABLES]);
const LIST = NFTABLES_ATTRS.exprListAttrs;
const EXPR = NFTABLES_ATTRS.exprAttrs;
const DATA = NFTABLES_ATTRS.dataAttrs;
const VERDICT = NFTABLES_ATTRS.verdictAttrs;

/** The attribute set of each expression kind this module types. */
const SETS = {
  payload: REGISTRY.set("exprPayloadAttrs"),
  cmp: REGISTRY.set("exprCmpAttrs"),
  meta: REGISTRY.set("exprMetaAttrs"),
  immediate: REGISTRY.set("exprImmediateAttrs"),
  lookup: REGISTRY.set("exprLookupAttrs"),
  counter: REGISTRY.set("exprCounterAttrs"),
  ct: REGISTRY.set("exprCtAttrs"),
  nat: REGISTRY.set("exprNatAttrs"),
  bitwise: REGISTRY.set("exprBitwiseAttrs"),
  range: REGISTRY.set("exprRangeAttrs"),
  limit: REGISTRY.set("exprLimitAttrs"),
  log: REGISTRY.set("exprLogAttrs"),
  reject: REGISTRY.set("exprRejectAttrs"),
  masq: REGISTRY.set("exprMasqAttrs"),
  redir: REGISTRY.set("exprRedirAttrs"),
  fib: REGISTRY.set("exprFibAttrs"),
  quota: REGISTRY.set("quotaAttrs"),
  exthdr: REGISTRY.set("exprExthdrAttrs"),
  objref: REGISTRY.set("exprObjrefAttrs"),
  dynset: REGISTRY.set("exprDynsetAttrs"),
  /** notrack has no attributes (and no NFTA_EXPR_DATA). */
  notrack: emptySet("notrack"),
} as const;
type TypedKind = keyof typeof SETS;
const KINDS = Object.keys(SETS) as TypedKind[];

function emptySet(name: string): AttrSet {
  return new Registry([{ enums: {}, structs: {}, sets: { [name]: [] }, subMessages: {} }]).set(
    name,
  );
}

/** An enum-like name ↔ number map built from a constant group. */
function names(group: Record<string, number>, name: (k: string) => string, id: string): EnumDef {
  const entries = Object.entries(group).map(([k, v]) => [name(k), v] as [string, number]);
  return {
    name: id,
    flags: false,
    byName: new Map(entries),
    byValue: new Map(entries.map(([k, v]) => [v, k])),
  };
}
const lower = (k: string) => k.toLowerCase();
const ENUM = {
  base: names(NFT_PAYLOAD_BASE, (k) => k.replace(/_HEADER$/, "").toLowerCase(), "payloadBase"),
  csum: names(NFT_PAYLOAD_CSUM, lower, "csumType"),
  cmp: REGISTRY.enum("cmpOps"),
  meta: REGISTRY.enum("metaKeys"),
  ct: REGISTRY.enum("ctKeys"),
  dir: REGISTRY.enum("ctDirection"),
  verdict: REGISTRY.enum("verdictCode"),
  nat: names(NFT_NAT, lower, "natType"),
  family: names(NFPROTO, lower, "family"),
  natFlags: REGISTRY.enum("natRangeFlags"),
  bitwise: REGISTRY.enum("bitwiseOps"),
  range: names(NFT_RANGE, lower, "rangeOp"),
  limit: names(NFT_LIMIT, lower, "limitType"),
  level: names(NFT_LOG_LEVEL, lower, "logLevel"),
  reject: REGISTRY.enum("rejectTypes"),
  lookup: REGISTRY.enum("lookupFlags"),
  fibResult: REGISTRY.enum("fibResult"),
  fibFlags: REGISTRY.enum("fibFlags"),
  quotaFlags: REGISTRY.enum("quotaFlags"),
  exthdrOp: REGISTRY.enum("exthdrOps"),
  exthdrFlags: REGISTRY.enum("exthdrFlags"),
  objType: REGISTRY.enum("objectType"),
  dynsetOp: names(NFT_DYNSET_OP, lower, "dynsetOp"),
  dynsetFlags: REGISTRY.enum("dynsetFlags"),
};

// -- checking ------------------------------------------------------------

function fail(path: string, expected: string, got: unknown): never {
  throw new ArgumentError(path, expected, got);
}

function checkShape(v: unknown, allowed: readonly string[], path: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Uint8Array) {
    fail(path, "an expression object with a type", v);
  }
  for (const key of Object.keys(v)) {
    if ((v as Record<string, unknown>)[key] === undefined) continue;
    if (!allowed.includes(key)) {
      throw new ArgumentError(
        `${path}.${key}`,
        `one of ${allowed.join(", ")}`,
        key,
        `Cannot use unknown argument of a ${(v as { type?: unknown }).type} expression`,
      );
    }
  }
  return v as Record<string, unknown>;
}

function u32(v: unknown, path: string, max = 0xffffffff): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) {
    fail(path, `an integer from 0 to ${max}`, v);
  }
  return v;
}

function u64(v: unknown, path: string): bigint {
  const b = typeof v === "number" && Number.isInteger(v) && v >= 0 ? BigInt(v) : v;
  if (typeof b !== "bigint" || b < 0n || b > 0xffffffffffffffffn) {
    fail(path, "an integer from 0 to 2^64-1 (number or bigint)", v);
  }
  return b;
}

/** A name of `e` (or any u32, for values the tables do not name): its canonical form. */
function enumIn(v: unknown, e: EnumDef, path: string, numbers = true): string | number {
  if (typeof v === "string") {
    if (e.byName.has(v)) return v;
    const lc = v.toLowerCase();
    for (const k of e.byName.keys()) if (k.toLowerCase() === lc) return k;
  } else if (numbers && typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) {
    return e.byValue.get(v) ?? v;
  }
  const list = [...e.byName.keys()].join(", ");
  return fail(path, `one of ${list}${numbers ? " (or a number)" : ""}`, v);
}
function enumNum(v: string | number, e: EnumDef): number {
  return typeof v === "number" ? v : e.byName.get(v)!;
}
function enumOut(n: number, e: EnumDef): string | number {
  return e.byValue.get(n) ?? n;
}

/** A list of flag names of `e` (or bit values): the canonical list (see {@link flagsOut}). */
function flagsIn(v: unknown, e: EnumDef, path: string): (string | number)[] {
  if (!Array.isArray(v)) {
    fail(path, `an array of flag names (${[...e.byName.keys()].join(", ")})`, v);
  }
  const list = v.map((f, i) => {
    const x = enumIn(f, e, `${path}[${i}]`);
    if (typeof x === "number" && (x === 0 || (x & (x - 1)) !== 0)) {
      fail(`${path}[${i}]`, "a flag name or a single bit", x);
    }
    return x;
  });
  // Canonical: each flag once, in the table's order (as decoding gives them).
  return flagsOut(flagsNum(list, e), e);
}
function flagsNum(list: readonly (string | number)[], e: EnumDef): number {
  return list.reduce<number>((m, f) => (m | enumNum(f, e)) >>> 0, 0);
}
/** The names of the bits of `n` (in the table's order), then the bits the table does not name. */
function flagsOut(n: number, e: EnumDef): (string | number)[] {
  const list: (string | number)[] = [];
  let rest = n >>> 0;
  for (const [name, bit] of e.byName) {
    if (n & bit) {
      list.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  for (let bit = 1; rest !== 0; bit *= 2) {
    if (rest & bit) {
      list.push(bit);
      rest = (rest & ~bit) >>> 0;
    }
  }
  return list;
}

function nameString(v: unknown, path: string, what: string): string {
  if (typeof v !== "string" || v.length === 0 || v.includes("\0")) fail(path, what, v);
  return v;
}

/** Register use of the expressions checked so far: which 32-bit words hold a value. */
class Dataflow {
  private readonly written: boolean[] = new Array(REGISTER_WORDS).fill(false);
  /** A raw expression may write any register: reads are no longer checked. */
  opaque = false;

  private words(reg: number, len: number, path: string): [number, number] {
    const w = registerWord(reg);
    const room = REGISTER_BYTES - w * 4;
    if (len > room) {
      fail(path, `at most ${room} bytes from ${registerLabel(reg)} (${reg})`, len);
    }
    return [w, w + Math.ceil(len / 4)];
  }
  /** `len` bytes from `reg` are read: every word must have been written (`len` 0: only the first). */
  read(reg: number, len: number, regPath: string, lenPath = regPath): void {
    const [from, to] = this.words(reg, Math.max(len, 1), lenPath);
    if (this.opaque) return;
    for (let i = from; i < to; i++) {
      if (!this.written[i]) {
        throw new ArgumentError(
          regPath,
          `a register an earlier expression wrote (${registerLabel(reg)} ${
            len ? `holds no ${len} bytes` : "holds nothing"
          } yet)`,
          reg,
          "Cannot use rule expression with a missing register",
        );
      }
    }
  }
  /** `len` bytes go to `reg` (0: a length the kernel decides — up to one 16-byte register). */
  write(reg: number, len: number, path: string): void {
    const w = registerWord(reg);
    const n = len ? this.words(reg, len, path)[1] : Math.min(w + 4, REGISTER_WORDS);
    for (let i = w; i < n; i++) this.written[i] = true;
  }
}

const KEYS = {
  payload: ["type", "base", "offset", "len", "dreg", "sreg", "csumType", "csumOffset", "csumFlags"],
  cmp: ["type", "sreg", "op", "data"],
  meta: ["type", "key", "dreg", "sreg"],
  immediate: ["type", "dreg", "data", "verdict"],
  lookup: ["type", "set", "setId", "sreg", "dreg", "invert"],
  counter: ["type", "bytes", "packets"],
  ct: ["type", "key", "dreg", "sreg", "direction"],
  nat: ["type", "nat", "family", "regAddrMin", "regAddrMax", "regProtoMin", "regProtoMax", "flags"],
  bitwise: ["type", "sreg", "dreg", "len", "op", "mask", "xor", "data"],
  range: ["type", "sreg", "op", "from", "to"],
  limit: ["type", "rate", "unit", "burst", "limitType", "flags"],
  log: ["type", "prefix", "group", "snaplen", "qthreshold", "level", "flags"],
  reject: ["type", "rejectType", "icmpCode"],
  masq: ["type", "flags", "regProtoMin", "regProtoMax"],
  redir: ["type", "regProtoMin", "regProtoMax", "flags"],
  fib: ["type", "flags", "result", "dreg"],
  quota: ["type", "bytes", "consumed", "flags"],
  notrack: ["type"],
  exthdr: ["type", "op", "exthdrType", "offset", "len", "dreg", "present", "sreg"],
  objref: ["type", "objType", "name"],
  dynset: [
    "type",
    "op",
    "set",
    "setId",
    "sregKey",
    "sregData",
    "timeout",
    "flags",
    "expr",
    "exprs",
  ],
} as const satisfies Record<TypedKind, readonly string[]>;

/** Exactly one of `a` and `b` is set: its name. */
function oneOf(o: Record<string, unknown>, a: string, b: string, path: string): string {
  const hasA = o[a] !== undefined;
  const hasB = o[b] !== undefined;
  if (hasA === hasB) {
    fail(path, `an expression with either ${a} or ${b}`, hasA ? "both" : "neither");
  }
  return hasA ? a : b;
}

function checkVerdict(v: unknown, path: string): NftVerdict {
  const o = checkShape(v, ["code", "chain", "chainId"], path);
  const code = enumIn(o.code, ENUM.verdict, `${path}.code`) as NftVerdictCode | number;
  const out: NftVerdict = { code };
  const needsChain = code === "jump" || code === "goto";
  if (o.chain !== undefined) out.chain = nameString(o.chain, `${path}.chain`, "a chain name");
  if (o.chainId !== undefined) out.chainId = u32(o.chainId, `${path}.chainId`);
  if (needsChain && out.chain === undefined && out.chainId === undefined) {
    fail(`${path}.chain`, `the chain to ${code} to`, undefined);
  }
  if (!needsChain && (out.chain !== undefined || out.chainId !== undefined)) {
    fail(
      `${path}.chain`,
      `no chain: only jump and goto take one (the verdict is ${code})`,
      out.chain ?? out.chainId,
    );
  }
  return out;
}

function checkOne(v: unknown, path: string, flow: Dataflow): NftExpression {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    fail(path, "an expression object with a type", v);
  }
  const kind = (v as { type?: unknown }).type;
  if ((v as { raw?: unknown }).raw !== undefined) {
    const o = checkShape(v, ["type", "raw"], path);
    const type = nameString(o.type, `${path}.type`, "an expression name");
    if (!(o.raw instanceof Uint8Array)) fail(`${path}.raw`, "a Uint8Array", o.raw);
    flow.opaque = true;
    return { type, raw: o.raw.slice() };
  }
  if (typeof kind !== "string" || !(KINDS as string[]).includes(kind)) {
    fail(`${path}.type`, `one of ${KINDS.join(", ")} (or { type, raw } for any other)`, kind);
  }
  const o = checkShape(v, KEYS[kind as TypedKind], path);
  const at = (k: string) => `${path}.${k}`;
  const reg = (k: string) => checkRegister(o[k], at(k));
  switch (kind as TypedKind) {
    case "payload": {
      const base = enumIn(o.base, ENUM.base, at("base")) as NftPayloadBase | number;
      const offset = u32(o.offset, at("offset"));
      const len = u32(o.len, at("len"), REGISTER_BYTES);
      if (len === 0) fail(at("len"), `an integer from 1 to ${REGISTER_BYTES}`, len);
      if (oneOf(o, "dreg", "sreg", path) === "dreg") {
        if (o.csumType !== undefined || o.csumOffset !== undefined || o.csumFlags !== undefined) {
          fail(
            at("csumType"),
            "no checksum fields in a payload load (they go with sreg)",
            o.csumType ?? o.csumOffset ?? o.csumFlags,
          );
        }
        const dreg = reg("dreg");
        flow.write(dreg, len, at("len"));
        return { type: "payload", base, offset, len, dreg };
      }
      const sreg = reg("sreg");
      flow.read(sreg, len, at("sreg"), at("len"));
      const out: NftPayloadWrite = { type: "payload", base, offset, len, sreg };
      if (o.csumType !== undefined) {
        out.csumType = enumIn(o.csumType, ENUM.csum, at("csumType")) as NftCsumType | number;
      }
      if (o.csumOffset !== undefined) out.csumOffset = u32(o.csumOffset, at("csumOffset"));
      if (o.csumFlags !== undefined) out.csumFlags = u32(o.csumFlags, at("csumFlags"));
      return out;
    }
    case "cmp": {
      const sreg = reg("sreg");
      const op = enumIn(o.op, ENUM.cmp, at("op"), false) as NftCmpOp;
      const data = nftData(o.data, at("data"));
      flow.read(sreg, data.length, at("sreg"), at("data"));
      return { type: "cmp", sreg, op, data };
    }
    case "meta": {
      const key = enumIn(o.key, ENUM.meta, at("key")) as NftMetaKey | number;
      if (oneOf(o, "dreg", "sreg", path) === "dreg") {
        const dreg = reg("dreg");
        flow.write(dreg, 0, at("dreg"));
        return { type: "meta", key, dreg };
      }
      const sreg = reg("sreg");
      flow.read(sreg, 0, at("sreg"));
      return { type: "meta", key, sreg };
    }
    case "immediate": {
      if (oneOf(o, "data", "verdict", path) === "verdict") {
        const verdict = checkVerdict(o.verdict, at("verdict"));
        const dreg = o.dreg === undefined
          ? VERDICT_REGISTER
          : checkRegister(o.dreg, at("dreg"), true);
        if (dreg !== VERDICT_REGISTER) {
          fail(at("dreg"), 'the verdict register (0 or "verdict") for a verdict', o.dreg);
        }
        return { type: "immediate", dreg, verdict };
      }
      const dreg = reg("dreg");
      const data = nftData(o.data, at("data"));
      flow.write(dreg, data.length, at("data"));
      return { type: "immediate", dreg, data };
    }
    case "lookup": {
      const set = nameString(o.set, at("set"), "a set name");
      const sreg = reg("sreg");
      flow.read(sreg, 0, at("sreg"));
      const out: NftLookupExpression = { type: "lookup", set, sreg };
      if (o.setId !== undefined) out.setId = u32(o.setId, at("setId"));
      if (o.dreg !== undefined) {
        out.dreg = checkRegister(o.dreg, at("dreg"), true);
        if (out.dreg !== VERDICT_REGISTER) flow.write(out.dreg, 0, at("dreg"));
      }
      if (o.invert !== undefined) {
        if (typeof o.invert !== "boolean") fail(at("invert"), "a boolean", o.invert);
        if (o.invert && out.dreg !== undefined) {
          fail(at("invert"), "invert false (or none) on a map lookup (with dreg)", o.invert);
        }
        out.invert = o.invert;
      }
      return out;
    }
    case "counter": {
      const out: NftCounterExpression = { type: "counter" };
      if (o.bytes !== undefined) out.bytes = u64(o.bytes, at("bytes"));
      if (o.packets !== undefined) out.packets = u64(o.packets, at("packets"));
      return out;
    }
    case "ct": {
      const key = enumIn(o.key, ENUM.ct, at("key")) as NftCtKey | number;
      const direction = o.direction === undefined
        ? undefined
        : enumIn(o.direction, ENUM.dir, at("direction")) as NftCtDirection | number;
      if (typeof direction === "number" && direction > 0xff) {
        fail(at("direction"), "original, reply (or a number 0–255)", direction);
      }
      const dir = direction === undefined ? {} : { direction };
      if (oneOf(o, "dreg", "sreg", path) === "dreg") {
        const dreg = reg("dreg");
        flow.write(dreg, 0, at("dreg"));
        return { type: "ct", key, dreg, ...dir };
      }
      const sreg = reg("sreg");
      flow.read(sreg, 0, at("sreg"));
      return { type: "ct", key, sreg, ...dir };
    }
    case "nat": {
      const nat = enumIn(o.nat, ENUM.nat, at("nat"), false) as NftNatType;
      const family = enumIn(o.family, ENUM.family, at("family")) as NftFamily | number;
      const out: NftNatExpression = { type: "nat", nat, family };
      for (const k of ["regAddrMin", "regAddrMax", "regProtoMin", "regProtoMax"] as const) {
        if (o[k] === undefined) continue;
        const r = reg(k);
        flow.read(r, 0, at(k));
        out[k] = r;
      }
      if (o.flags !== undefined) {
        out.flags = flagsIn(o.flags, ENUM.natFlags, at("flags")) as (NftNatFlag | number)[];
      }
      return out;
    }
    case "bitwise": {
      const sreg = reg("sreg");
      const dreg = reg("dreg");
      const len = u32(o.len, at("len"), REGISTER_BYTES);
      if (len === 0) fail(at("len"), `an integer from 1 to ${REGISTER_BYTES}`, len);
      const out: NftBitwiseExpression = { type: "bitwise", sreg, dreg, len };
      if (o.op !== undefined) out.op = enumIn(o.op, ENUM.bitwise, at("op"), false) as NftBitwiseOp;
      if (out.op === undefined || out.op === "bool") {
        if (o.data !== undefined) {
          fail(at("data"), "no data in a bool bitwise (mask and xor)", o.data);
        }
        for (const k of ["mask", "xor"] as const) {
          const d = nftData(o[k], at(k));
          if (d.length !== len) fail(at(k), `${len} bytes (len)`, d);
          out[k] = d;
        }
      } else {
        if (o.mask !== undefined || o.xor !== undefined) {
          fail(
            at("mask"),
            `no mask or xor in a ${out.op} bitwise (the shift is data)`,
            o.mask ?? o.xor,
          );
        }
        const d = nftData(o.data, at("data"));
        if (d.length !== 4) fail(at("data"), "a 4-byte shift count, e.g. { u32: 8 }", d);
        out.data = d;
      }
      flow.read(sreg, len, at("sreg"), at("len"));
      flow.write(dreg, len, at("len"));
      return out;
    }
    case "range": {
      const sreg = reg("sreg");
      const op = enumIn(o.op, ENUM.range, at("op"), false) as NftRangeOp;
      const from = nftData(o.from, at("from"));
      const to = nftData(o.to, at("to"));
      if (to.length !== from.length) fail(at("to"), `${from.length} bytes (as many as from)`, to);
      flow.read(sreg, from.length, at("sreg"), at("from"));
      return { type: "range", sreg, op, from, to };
    }
    case "limit": {
      const out: NftLimitExpression = {
        type: "limit",
        rate: u64(o.rate, at("rate")),
        unit: u64(o.unit, at("unit")),
      };
      if (out.unit === 0n) fail(at("unit"), "a unit of at least 1 second", o.unit);
      if (o.burst !== undefined) out.burst = u32(o.burst, at("burst"));
      if (o.limitType !== undefined) {
        out.limitType = enumIn(o.limitType, ENUM.limit, at("limitType")) as NftLimitType | number;
      }
      if (o.flags !== undefined) out.flags = u32(o.flags, at("flags"));
      return out;
    }
    case "log": {
      const out: NftLogExpression = { type: "log" };
      if (o.prefix !== undefined) {
        if (typeof o.prefix !== "string" || o.prefix.includes("\0")) {
          fail(at("prefix"), "a string", o.prefix);
        }
        out.prefix = o.prefix;
      }
      if (o.group !== undefined) out.group = u32(o.group, at("group"), 0xffff);
      if (o.snaplen !== undefined) out.snaplen = u32(o.snaplen, at("snaplen"));
      if (o.qthreshold !== undefined) out.qthreshold = u32(o.qthreshold, at("qthreshold"), 0xffff);
      if (o.level !== undefined) {
        out.level = enumIn(o.level, ENUM.level, at("level")) as NftLogLevel | number;
      }
      if (o.flags !== undefined) out.flags = u32(o.flags, at("flags"));
      return out;
    }
    case "reject": {
      const out: NftRejectExpression = {
        type: "reject",
        rejectType: enumIn(o.rejectType, ENUM.reject, at("rejectType")) as NftRejectType | number,
      };
      if (o.icmpCode !== undefined) out.icmpCode = u32(o.icmpCode, at("icmpCode"), 0xff);
      return out;
    }
    case "masq":
    case "redir": {
      const out: NftMasqExpression | NftRedirExpression = { type: kind as "masq" };
      for (const k of ["regProtoMin", "regProtoMax"] as const) {
        if (o[k] === undefined) continue;
        const r = reg(k);
        flow.read(r, 0, at(k));
        out[k] = r;
      }
      if (o.flags !== undefined) {
        out.flags = flagsIn(o.flags, ENUM.natFlags, at("flags")) as (NftNatFlag | number)[];
      }
      return out;
    }
    case "fib": {
      const flags = flagsIn(o.flags, ENUM.fibFlags, at("flags")) as (NftFibFlag | number)[];
      const result = enumIn(o.result, ENUM.fibResult, at("result")) as NftFibResult | number;
      const dreg = reg("dreg");
      flow.write(dreg, 0, at("dreg"));
      return { type: "fib", flags, result, dreg };
    }
    case "quota": {
      const out: NftQuotaExpression = { type: "quota", bytes: u64(o.bytes, at("bytes")) };
      if (o.consumed !== undefined) out.consumed = u64(o.consumed, at("consumed"));
      if (o.flags !== undefined) {
        out.flags = flagsIn(o.flags, ENUM.quotaFlags, at("flags")) as (NftQuotaFlag | number)[];
      }
      return out;
    }
    case "notrack":
      return { type: "notrack" };
    case "exthdr": {
      const op = enumIn(o.op, ENUM.exthdrOp, at("op")) as NftExthdrOp | number;
      const exthdrType = u32(o.exthdrType, at("exthdrType"), 0xff);
      const offset = u32(o.offset, at("offset"));
      const len = u32(o.len, at("len"), REGISTER_BYTES);
      if (len === 0) fail(at("len"), `an integer from 1 to ${REGISTER_BYTES}`, len);
      if (oneOf(o, "dreg", "sreg", path) === "dreg") {
        const dreg = reg("dreg");
        const out: NftExthdrLoad = { type: "exthdr", op, exthdrType, offset, len, dreg };
        if (o.present !== undefined) {
          if (typeof o.present !== "boolean") fail(at("present"), "a boolean", o.present);
          out.present = o.present;
        }
        flow.write(dreg, len, at("len"));
        return out;
      }
      if (o.present !== undefined) fail(at("present"), "no present in an exthdr write", o.present);
      const sreg = reg("sreg");
      flow.read(sreg, len, at("sreg"), at("len"));
      return { type: "exthdr", op, exthdrType, offset, len, sreg };
    }
    case "objref":
      return {
        type: "objref",
        objType: enumIn(o.objType, ENUM.objType, at("objType")) as NftObjectType | number,
        name: nameString(o.name, at("name"), "an object name"),
      };
    case "dynset": {
      const sregKey = reg("sregKey");
      flow.read(sregKey, 0, at("sregKey"));
      const out: NftDynsetExpression = {
        type: "dynset",
        op: enumIn(o.op, ENUM.dynsetOp, at("op"), false) as NftDynsetOp,
        set: nameString(o.set, at("set"), "a set name"),
        sregKey,
      };
      if (o.setId !== undefined) out.setId = u32(o.setId, at("setId"));
      if (o.sregData !== undefined) {
        out.sregData = reg("sregData");
        flow.read(out.sregData, 0, at("sregData"));
      }
      if (o.timeout !== undefined) out.timeout = u64(o.timeout, at("timeout"));
      if (o.flags !== undefined) {
        out.flags = flagsIn(o.flags, ENUM.dynsetFlags, at("flags")) as (NftDynsetFlag | number)[];
      }
      // The element's expressions run on the element, not on the rule's registers.
      const inner = () => Object.assign(new Dataflow(), { opaque: true });
      if (o.expr !== undefined) out.expr = checkOne(o.expr, at("expr"), inner());
      if (o.exprs !== undefined) {
        if (!Array.isArray(o.exprs)) fail(at("exprs"), "an array of expressions", o.exprs);
        const flowIn = inner();
        out.exprs = o.exprs.map((x, i) => checkOne(x, `${at("exprs")}[${i}]`, flowIn));
      }
      return out;
    }
  }
}

/**
 * Checks rule expressions before anything is sent: each one's shape (kind,
 * fields, names, registers, data), then the register dataflow — a register an
 * expression reads (cmp, range, payload write, meta/ct set, lookup, nat,
 * bitwise) must have been written by an earlier one (payload/meta/ct load,
 * immediate, bitwise, a map lookup), within the registers' 64 bytes. After a
 * raw expression, whose effects are unknown, reads are no longer checked.
 * Returns the expressions in canonical form: registers as numbers, data as
 * `Uint8Array`, counters and limits as bigint, names as the tables spell them.
 * Throws {@link ArgumentError} naming the path (`expressions[2].sreg`).
 *
 * @example A register read that nothing wrote
 * ```ts
 * import { checkExpressions } from "./nft_expr.ts";
 * import assert from "node:assert/strict";
 *
 * const ok = checkExpressions([
 *   { type: "meta", key: "l4proto", dreg: "reg1" },
 *   { type: "cmp", sreg: 1, op: "eq", data: { proto: "tcp" } },
 *   { type: "immediate", verdict: { code: "accept" } },
 * ], "expressions");
 * assert.deepEqual(ok[1], { type: "cmp", sreg: 1, op: "eq", data: Uint8Array.of(6) });
 * assert.throws(
 *   () => checkExpressions([{ type: "cmp", sreg: 2, op: "eq", data: { u8: 6 } }], "expressions"),
 *   /Cannot use rule expression with a missing register "expressions\[0\]\.sreg"/,
 * );
 * ```
 */
export function checkExpressions(value: unknown, arg: string): NftExpression[] {
  if (!Array.isArray(value)) fail(arg, "an array of expressions", value);
  const flow = new Dataflow();
  return value.map((e, i) => checkOne(e, `${arg}[${i}]`, flow));
}

// -- writing -------------------------------------------------------------

function put(w: Writer, set: AttrSet, name: string, v: number | bigint): void {
  const def = set.get(name);
  switch (def.kind) {
    case "u8":
      return w.attrU8(def.type, Number(v));
    case "u16":
      return w.attrU16(def.type, Number(v), def.be);
    case "u32":
      return w.attrU32(def.type, Number(v), def.be);
    case "u64": {
      const a = w.beginAttr(def.type);
      w.u64(v, def.be);
      return w.endAttr(a);
    }
    default:
      throw new Error(`Cannot write ${set.name}.${name}: it is a ${def.kind}, not an integer`);
  }
}
function putData(w: Writer, set: AttrSet, name: string, data: Uint8Array): void {
  const a = w.beginNested(set.get(name).type);
  w.attrBytes(DATA.value, data);
  w.endAttr(a);
}

function writeBody(w: Writer, e: NftExpression): void {
  if ("raw" in e) return w.bytes(e.raw);
  switch (e.type) {
    case "payload": {
      const s = SETS.payload;
      const base = enumNum(e.base, ENUM.base);
      if (e.dreg !== undefined) {
        put(w, s, "dreg", e.dreg as number);
        put(w, s, "base", base);
        put(w, s, "offset", e.offset);
        put(w, s, "len", e.len);
        return;
      }
      put(w, s, "sreg", e.sreg as number);
      put(w, s, "base", base);
      put(w, s, "offset", e.offset);
      put(w, s, "len", e.len);
      if (e.csumType !== undefined) put(w, s, "csumType", enumNum(e.csumType, ENUM.csum));
      if (e.csumOffset !== undefined) put(w, s, "csumOffset", e.csumOffset);
      if (e.csumFlags !== undefined) put(w, s, "csumFlags", e.csumFlags);
      return;
    }
    case "cmp":
      put(w, SETS.cmp, "sreg", e.sreg as number);
      put(w, SETS.cmp, "op", enumNum(e.op, ENUM.cmp));
      putData(w, SETS.cmp, "data", e.data as Uint8Array);
      return;
    case "meta":
      put(w, SETS.meta, "key", enumNum(e.key, ENUM.meta));
      if (e.dreg !== undefined) put(w, SETS.meta, "dreg", e.dreg as number);
      else put(w, SETS.meta, "sreg", e.sreg as number);
      return;
    case "immediate": {
      const s = SETS.immediate;
      put(w, s, "dreg", (e.dreg ?? VERDICT_REGISTER) as number);
      const a = w.beginNested(s.get("data").type);
      if (e.verdict) {
        const v = w.beginNested(DATA.verdict);
        w.attrU32(VERDICT.code, enumNum(e.verdict.code, ENUM.verdict), true);
        if (e.verdict.chain !== undefined) w.attrString(VERDICT.chain, e.verdict.chain);
        if (e.verdict.chainId !== undefined) {
          put(w, REGISTRY.set("verdictAttrs"), "chainId", e.verdict.chainId);
        }
        w.endAttr(v);
      } else w.attrBytes(DATA.value, e.data as Uint8Array);
      w.endAttr(a);
      return;
    }
    case "lookup": {
      const s = SETS.lookup;
      put(w, s, "sreg", e.sreg as number);
      w.attrString(s.get("set").type, e.set);
      if (e.setId !== undefined) put(w, s, "setId", e.setId);
      if (e.dreg !== undefined) put(w, s, "dreg", e.dreg as number);
      if (e.invert !== undefined) {
        put(w, s, "flags", e.invert ? ENUM.lookup.byName.get("invert")! : 0);
      }
      return;
    }
    case "counter":
      if (e.bytes !== undefined) put(w, SETS.counter, "bytes", e.bytes);
      if (e.packets !== undefined) put(w, SETS.counter, "packets", e.packets);
      return;
    case "ct": {
      const s = SETS.ct;
      put(w, s, "key", enumNum(e.key, ENUM.ct));
      if (e.dreg !== undefined) put(w, s, "dreg", e.dreg as number);
      if (e.direction !== undefined) put(w, s, "direction", enumNum(e.direction, ENUM.dir));
      if (e.sreg !== undefined) put(w, s, "sreg", e.sreg as number);
      return;
    }
    case "nat": {
      const s = SETS.nat;
      put(w, s, "type", enumNum(e.nat, ENUM.nat));
      put(w, s, "family", enumNum(e.family, ENUM.family));
      for (const k of ["regAddrMin", "regAddrMax", "regProtoMin", "regProtoMax"] as const) {
        if (e[k] !== undefined) put(w, s, k, e[k] as number);
      }
      if (e.flags !== undefined) put(w, s, "flags", flagsNum(e.flags, ENUM.natFlags));
      return;
    }
    case "bitwise": {
      const s = SETS.bitwise;
      put(w, s, "sreg", e.sreg as number);
      put(w, s, "dreg", e.dreg as number);
      put(w, s, "len", e.len);
      if (e.op !== undefined) put(w, s, "op", enumNum(e.op, ENUM.bitwise));
      if (e.mask !== undefined) putData(w, s, "mask", e.mask as Uint8Array);
      if (e.xor !== undefined) putData(w, s, "xor", e.xor as Uint8Array);
      if (e.data !== undefined) putData(w, s, "data", e.data as Uint8Array);
      return;
    }
    case "range":
      put(w, SETS.range, "sreg", e.sreg as number);
      put(w, SETS.range, "op", enumNum(e.op, ENUM.range));
      putData(w, SETS.range, "fromData", e.from as Uint8Array);
      putData(w, SETS.range, "toData", e.to as Uint8Array);
      return;
    case "limit": {
      const s = SETS.limit;
      put(w, s, "rate", e.rate);
      put(w, s, "unit", e.unit);
      if (e.burst !== undefined) put(w, s, "burst", e.burst);
      if (e.limitType !== undefined) put(w, s, "type", enumNum(e.limitType, ENUM.limit));
      if (e.flags !== undefined) put(w, s, "flags", e.flags);
      return;
    }
    case "log": {
      const s = SETS.log;
      if (e.prefix !== undefined) w.attrString(s.get("prefix").type, e.prefix);
      if (e.group !== undefined) put(w, s, "group", e.group);
      if (e.snaplen !== undefined) put(w, s, "snaplen", e.snaplen);
      if (e.qthreshold !== undefined) put(w, s, "qthreshold", e.qthreshold);
      if (e.level !== undefined) put(w, s, "level", enumNum(e.level, ENUM.level));
      if (e.flags !== undefined) put(w, s, "flags", e.flags);
      return;
    }
    case "reject":
      put(w, SETS.reject, "type", enumNum(e.rejectType, ENUM.reject));
      if (e.icmpCode !== undefined) put(w, SETS.reject, "icmpCode", e.icmpCode);
      return;
    case "masq":
      if (e.flags !== undefined) put(w, SETS.masq, "flags", flagsNum(e.flags, ENUM.natFlags));
      if (e.regProtoMin !== undefined) put(w, SETS.masq, "regProtoMin", e.regProtoMin as number);
      if (e.regProtoMax !== undefined) put(w, SETS.masq, "regProtoMax", e.regProtoMax as number);
      return;
    case "redir":
      if (e.regProtoMin !== undefined) put(w, SETS.redir, "regProtoMin", e.regProtoMin as number);
      if (e.regProtoMax !== undefined) put(w, SETS.redir, "regProtoMax", e.regProtoMax as number);
      if (e.flags !== undefined) put(w, SETS.redir, "flags", flagsNum(e.flags, ENUM.natFlags));
      return;
    case "fib":
      put(w, SETS.fib, "flags", flagsNum(e.flags, ENUM.fibFlags));
      put(w, SETS.fib, "result", enumNum(e.result, ENUM.fibResult));
      put(w, SETS.fib, "dreg", e.dreg as number);
      return;
    case "quota":
      put(w, SETS.quota, "bytes", e.bytes);
      if (e.consumed !== undefined) put(w, SETS.quota, "consumed", e.consumed);
      if (e.flags !== undefined) put(w, SETS.quota, "flags", flagsNum(e.flags, ENUM.quotaFlags));
      return;
    case "notrack":
      return;
    case "exthdr": {
      const s = SETS.exthdr;
      if (e.dreg !== undefined) put(w, s, "dreg", e.dreg as number);
      else put(w, s, "sreg", e.sreg as number);
      put(w, s, "type", e.exthdrType);
      put(w, s, "offset", e.offset);
      put(w, s, "len", e.len);
      put(w, s, "op", enumNum(e.op, ENUM.exthdrOp));
      if (e.dreg !== undefined && e.present !== undefined) {
        put(w, s, "flags", e.present ? ENUM.exthdrFlags.byName.get("present")! : 0);
      }
      return;
    }
    case "dynset": {
      const s = SETS.dynset;
      put(w, s, "sregKey", e.sregKey as number);
      if (e.sregData !== undefined) put(w, s, "sregData", e.sregData as number);
      put(w, s, "op", enumNum(e.op, ENUM.dynsetOp));
      if (e.timeout !== undefined) put(w, s, "timeout", e.timeout);
      w.attrString(s.get("setName").type, e.set);
      if (e.setId !== undefined) put(w, s, "setId", e.setId);
      if (e.flags !== undefined) put(w, s, "flags", flagsNum(e.flags, ENUM.dynsetFlags));
      if (e.expr !== undefined) {
        const a = w.beginNested(s.get("expr").type);
        writeElem(w, e.expr);
        w.endAttr(a);
      }
      if (e.exprs !== undefined) {
        const a = w.beginNested(s.get("expressions").type);
        writeList(w, e.exprs);
        w.endAttr(a);
      }
      return;
    }
    case "objref": {
      put(w, SETS.objref, "immType", enumNum(e.objType, ENUM.objType));
      // Without a NUL, as libnftnl puts it (mnl_attr_put_str; the kernel takes either).
      const a = w.beginAttr(SETS.objref.get("immName").type);
      w.string(e.name, false);
      w.endAttr(a);
      return;
    }
  }
}

/**
 * Writes `exprs` as the contents of NFTA_RULE_EXPRESSIONS: one NFTA_LIST_ELEM
 * nest each, holding NFTA_EXPR_NAME and NFTA_EXPR_DATA, as nft sends them.
 * The expressions are checked first ({@link checkExpressions}: an
 * {@link ArgumentError} before anything is written).
 *
 * @example `meta l4proto tcp accept`
 * ```ts
 * import { readExpressions, writeExpressions } from "./nft_expr.ts";
 * import { Writer } from "../core/writer.ts";
 * import assert from "node:assert/strict";
 *
 * const w = new Writer();
 * writeExpressions(w, [
 *   { type: "meta", key: "l4proto", dreg: 1 },
 *   { type: "cmp", sreg: 1, op: "eq", data: { proto: "tcp" } },
 *   { type: "immediate", verdict: { code: "accept" } },
 * ]);
 * const back = readExpressions(w.buf, 0, w.pos);
 * assert.deepEqual(back[2], { type: "immediate", dreg: 0, verdict: { code: "accept" } });
 * ```
 */
export function writeExpressions(w: Writer, exprs: readonly NftExpression[]): void {
  writeList(w, checkExpressions(exprs, "expressions"));
}

/** NFTA_LIST_ELEM nests of checked expressions. */
function writeList(w: Writer, exprs: readonly NftExpression[]): void {
  for (const e of exprs) {
    const elem = w.beginNested(LIST.elem);
    writeElem(w, e);
    w.endAttr(elem);
  }
}

/** NFTA_EXPR_NAME and NFTA_EXPR_DATA of one checked expression. */
function writeElem(w: Writer, e: NftExpression): void {
  w.attrString(EXPR.name, e.type);
  // notrack has no NFTA_EXPR_DATA (nft sends none); nor has an empty raw expression.
  if (e.type !== "notrack" && !("raw" in e && e.raw.length === 0)) {
    const data = w.beginNested(EXPR.data);
    writeBody(w, e);
    w.endAttr(data);
  }
}

// -- reading -------------------------------------------------------------

/** The expression cannot be typed exactly: it is kept raw. */
class Untyped extends Error {}
const UNTYPED = new Untyped();

function hasUnknown(o: unknown): boolean {
  if (typeof o !== "object" || o === null || o instanceof Uint8Array) return false;
  if (Array.isArray(o)) return true; // a repeated attribute
  for (const [k, v] of Object.entries(o)) {
    if (k.startsWith("#") || hasUnknown(v)) return true;
  }
  return false;
}
function num(v: unknown): number {
  if (typeof v !== "number") throw UNTYPED;
  return v;
}
function big(v: unknown): bigint {
  if (typeof v !== "bigint") throw UNTYPED;
  return v;
}
/** A register as decoded: its canonical number (see {@link canonicalRegister}). */
function reg(v: unknown): number {
  return canonicalRegister(num(v));
}
function str(v: unknown): string {
  if (typeof v !== "string") throw UNTYPED;
  return v;
}
function value(v: unknown): Uint8Array {
  const d = v as { value?: unknown; verdict?: unknown } | undefined;
  if (!d || !(d.value instanceof Uint8Array) || d.verdict !== undefined) throw UNTYPED;
  return d.value;
}
function only(o: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw UNTYPED;
}

function typed(kind: TypedKind, o: Record<string, unknown>): NftExpression {
  switch (kind) {
    case "payload": {
      const base = enumOut(num(o.base), ENUM.base) as NftPayloadBase | number;
      const offset = num(o.offset);
      const len = num(o.len);
      if (o.dreg !== undefined) {
        only(o, ["dreg", "base", "offset", "len"]);
        return { type: "payload", base, offset, len, dreg: reg(o.dreg) };
      }
      const out: NftPayloadWrite = { type: "payload", base, offset, len, sreg: reg(o.sreg) };
      if (o.csumType !== undefined) {
        out.csumType = enumOut(num(o.csumType), ENUM.csum) as NftCsumType | number;
      }
      if (o.csumOffset !== undefined) out.csumOffset = num(o.csumOffset);
      if (o.csumFlags !== undefined) out.csumFlags = num(o.csumFlags);
      return out;
    }
    case "cmp": {
      const op = ENUM.cmp.byValue.get(num(o.op));
      if (!op) throw UNTYPED;
      return { type: "cmp", sreg: reg(o.sreg), op: op as NftCmpOp, data: value(o.data) };
    }
    case "meta": {
      const key = enumOut(num(o.key), ENUM.meta) as NftMetaKey | number;
      if ((o.dreg === undefined) === (o.sreg === undefined)) throw UNTYPED;
      return o.dreg !== undefined
        ? { type: "meta", key, dreg: reg(o.dreg) }
        : { type: "meta", key, sreg: reg(o.sreg) };
    }
    case "immediate": {
      const dreg = reg(o.dreg);
      const d = o.data as { value?: unknown; verdict?: Record<string, unknown> } | undefined;
      if (d?.verdict !== undefined && d.value === undefined) {
        const v = d.verdict;
        const verdict: NftVerdict = {
          code: enumOut(num(v.code), ENUM.verdict) as NftVerdictCode | number,
        };
        if (v.chain !== undefined) verdict.chain = str(v.chain);
        if (v.chainId !== undefined) verdict.chainId = num(v.chainId);
        return { type: "immediate", dreg, verdict };
      }
      return { type: "immediate", dreg, data: value(d) };
    }
    case "lookup": {
      const out: NftLookupExpression = { type: "lookup", set: str(o.set), sreg: reg(o.sreg) };
      if (o.setId !== undefined) out.setId = num(o.setId);
      if (o.dreg !== undefined) out.dreg = reg(o.dreg);
      if (o.flags !== undefined) {
        const flags = num(o.flags);
        const inv = ENUM.lookup.byName.get("invert")!;
        if ((flags & ~inv) !== 0) throw UNTYPED;
        out.invert = flags === inv;
      }
      return out;
    }
    case "counter": {
      const out: NftCounterExpression = { type: "counter" };
      if (o.bytes !== undefined) out.bytes = big(o.bytes);
      if (o.packets !== undefined) out.packets = big(o.packets);
      return out;
    }
    case "ct": {
      const key = enumOut(num(o.key), ENUM.ct) as NftCtKey | number;
      if ((o.dreg === undefined) === (o.sreg === undefined)) throw UNTYPED;
      const dir = o.direction === undefined
        ? {}
        : { direction: enumOut(num(o.direction), ENUM.dir) as NftCtDirection | number };
      return o.dreg !== undefined
        ? { type: "ct", key, dreg: reg(o.dreg), ...dir }
        : { type: "ct", key, sreg: reg(o.sreg), ...dir };
    }
    case "nat": {
      const nat = ENUM.nat.byValue.get(num(o.type));
      if (!nat) throw UNTYPED;
      const out: NftNatExpression = {
        type: "nat",
        nat: nat as NftNatType,
        family: enumOut(num(o.family), ENUM.family) as NftFamily | number,
      };
      for (const k of ["regAddrMin", "regAddrMax", "regProtoMin", "regProtoMax"] as const) {
        if (o[k] !== undefined) out[k] = reg(o[k]);
      }
      if (o.flags !== undefined) {
        out.flags = flagsOut(num(o.flags), ENUM.natFlags) as (NftNatFlag | number)[];
      }
      return out;
    }
    case "bitwise": {
      const out: NftBitwiseExpression = {
        type: "bitwise",
        sreg: reg(o.sreg),
        dreg: reg(o.dreg),
        len: num(o.len),
      };
      if (o.op !== undefined) {
        const op = ENUM.bitwise.byValue.get(num(o.op));
        if (!op) throw UNTYPED;
        out.op = op as NftBitwiseOp;
      }
      if (o.mask !== undefined) out.mask = value(o.mask);
      if (o.xor !== undefined) out.xor = value(o.xor);
      if (o.data !== undefined) out.data = value(o.data);
      return out;
    }
    case "range": {
      const op = ENUM.range.byValue.get(num(o.op));
      if (!op) throw UNTYPED;
      return {
        type: "range",
        sreg: reg(o.sreg),
        op: op as NftRangeOp,
        from: value(o.fromData),
        to: value(o.toData),
      };
    }
    case "limit": {
      const out: NftLimitExpression = { type: "limit", rate: big(o.rate), unit: big(o.unit) };
      if (o.burst !== undefined) out.burst = num(o.burst);
      if (o.type !== undefined) {
        out.limitType = enumOut(num(o.type), ENUM.limit) as NftLimitType | number;
      }
      if (o.flags !== undefined) out.flags = num(o.flags);
      return out;
    }
    case "log": {
      const out: NftLogExpression = { type: "log" };
      if (o.prefix !== undefined) out.prefix = str(o.prefix);
      if (o.group !== undefined) out.group = num(o.group);
      if (o.snaplen !== undefined) out.snaplen = num(o.snaplen);
      if (o.qthreshold !== undefined) out.qthreshold = num(o.qthreshold);
      if (o.level !== undefined) out.level = enumOut(num(o.level), ENUM.level) as NftLogLevel;
      if (o.flags !== undefined) out.flags = num(o.flags);
      return out;
    }
    case "reject": {
      const out: NftRejectExpression = {
        type: "reject",
        rejectType: enumOut(num(o.type), ENUM.reject) as NftRejectType | number,
      };
      if (o.icmpCode !== undefined) out.icmpCode = num(o.icmpCode);
      return out;
    }
    case "masq":
    case "redir": {
      const out: NftMasqExpression | NftRedirExpression = { type: kind as "masq" };
      if (o.regProtoMin !== undefined) out.regProtoMin = reg(o.regProtoMin);
      if (o.regProtoMax !== undefined) out.regProtoMax = reg(o.regProtoMax);
      if (o.flags !== undefined) {
        out.flags = flagsOut(num(o.flags), ENUM.natFlags) as (NftNatFlag | number)[];
      }
      return out;
    }
    case "fib":
      return {
        type: "fib",
        flags: flagsOut(num(o.flags), ENUM.fibFlags) as (NftFibFlag | number)[],
        result: enumOut(num(o.result), ENUM.fibResult) as NftFibResult | number,
        dreg: reg(o.dreg),
      };
    case "quota": {
      const out: NftQuotaExpression = { type: "quota", bytes: big(o.bytes) };
      if (o.consumed !== undefined) out.consumed = big(o.consumed);
      if (o.flags !== undefined) {
        out.flags = flagsOut(num(o.flags), ENUM.quotaFlags) as (NftQuotaFlag | number)[];
      }
      return out;
    }
    case "notrack":
      only(o, []);
      return { type: "notrack" };
    case "exthdr": {
      const op = enumOut(num(o.op), ENUM.exthdrOp) as NftExthdrOp | number;
      const common = { op, exthdrType: num(o.type), offset: num(o.offset), len: num(o.len) };
      if ((o.dreg === undefined) === (o.sreg === undefined)) throw UNTYPED;
      if (o.sreg !== undefined) {
        // The kernel dumps NFTA_EXTHDR_FLAGS (0) with a write too.
        if (o.flags !== undefined && num(o.flags) !== 0) throw UNTYPED;
        return { type: "exthdr", ...common, sreg: reg(o.sreg) };
      }
      const out: NftExthdrLoad = { type: "exthdr", ...common, dreg: reg(o.dreg) };
      if (o.flags !== undefined) {
        const flags = num(o.flags);
        const present = ENUM.exthdrFlags.byName.get("present")!;
        if ((flags & ~present) !== 0) throw UNTYPED;
        out.present = flags === present;
      }
      return out;
    }
    case "objref":
      // The set form (a map of objects: NFTA_OBJREF_SET_*) stays raw.
      only(o, ["immType", "immName"]);
      return {
        type: "objref",
        objType: enumOut(num(o.immType), ENUM.objType) as NftObjectType | number,
        name: str(o.immName),
      };
    case "dynset":
      throw UNTYPED; // dynsetOf decodes it (its expressions need the bytes)
  }
}

/**
 * Decodes the payload of NFTA_RULE_EXPRESSIONS (`buf[start..end)`): one
 * {@link NftExpression} per NFTA_LIST_ELEM, in order. Registers come back as
 * numbers, data as `Uint8Array`, counters as bigint; what the types cannot
 * carry exactly comes back raw ({@link NftRawExpression}). Malformed bytes (a
 * truncated attribute, an element without a name, a value of the wrong size)
 * raise {@link DecodeError}, nothing else.
 */
export function readExpressions(buf: Uint8Array, start: number, end: number): NftExpression[] {
  return readList(buf, start, end, 0);
}

function readList(buf: Uint8Array, start: number, end: number, depth: number): NftExpression[] {
  const out: NftExpression[] = [];
  const list = new AttrCursor(buf, start, end);
  while (list.next()) {
    if (list.type === LIST.elem) {
      out.push(readElem(buf, list.offset, list.offset + list.length, depth));
    }
  }
  return out;
}

/** One expression from the attributes of an NFTA_LIST_ELEM (or NFTA_DYNSET_EXPR) nest. */
function readElem(buf: Uint8Array, start: number, end: number, depth: number): NftExpression {
  if (depth > MAX_DEPTH) {
    throw new DecodeError("nftables expression", `nesting deeper than ${MAX_DEPTH}`, start);
  }
  let name: string | undefined;
  let dataStart = -1;
  let dataEnd = -1;
  const elem = new AttrCursor(buf, start, end);
  while (elem.next()) {
    if (elem.type === EXPR.name) name = elem.string();
    else if (elem.type === EXPR.data) {
      dataStart = elem.offset;
      dataEnd = elem.offset + elem.length;
    }
  }
  if (name === undefined) {
    throw new DecodeError("nftables expression", "no NFTA_EXPR_NAME", start);
  }
  const set = Object.hasOwn(SETS, name) ? SETS[name as TypedKind] : undefined;
  if (!set) {
    // No NFTA_EXPR_DATA reads as an empty one (the kernel treats them alike).
    return { type: name, raw: dataStart < 0 ? new Uint8Array(0) : buf.slice(dataStart, dataEnd) };
  }
  const attrs = dataStart < 0 ? {} : decodeAttrs(set, buf, dataStart, dataEnd, 1);
  try {
    if (name === "dynset") return dynsetOf(attrs, buf, dataStart, dataEnd, depth);
    if (hasUnknown(attrs)) throw UNTYPED;
    return typed(name as TypedKind, attrs);
  } catch (err) {
    if (err !== UNTYPED) throw err;
    return { type: name, raw: buf.slice(dataStart, dataEnd) };
  }
}

/** A dynset: its scalars from `attrs`, its expressions decoded as expressions. */
function dynsetOf(
  attrs: Record<string, unknown>,
  buf: Uint8Array,
  start: number,
  end: number,
  depth: number,
): NftDynsetExpression {
  const { expr: _expr, expressions: _exprs, ...scalars } = attrs;
  if (hasUnknown(scalars)) throw UNTYPED;
  only(scalars, ["setName", "setId", "op", "sregKey", "sregData", "timeout", "flags"]);
  const op = ENUM.dynsetOp.byValue.get(num(scalars.op));
  if (!op) throw UNTYPED;
  const out: NftDynsetExpression = {
    type: "dynset",
    op: op as NftDynsetOp,
    set: str(scalars.setName),
    sregKey: reg(scalars.sregKey),
  };
  if (scalars.setId !== undefined) out.setId = num(scalars.setId);
  if (scalars.sregData !== undefined) out.sregData = reg(scalars.sregData);
  if (scalars.timeout !== undefined) out.timeout = big(scalars.timeout);
  if (scalars.flags !== undefined) {
    out.flags = flagsOut(num(scalars.flags), ENUM.dynsetFlags) as (NftDynsetFlag | number)[];
  }
  const c = new AttrCursor(buf, start, end);
  const D = NFTABLES_ATTRS.exprDynsetAttrs;
  while (c.next()) {
    if (c.type === D.expr) out.expr = readElem(buf, c.offset, c.offset + c.length, depth + 1);
    else if (c.type === D.expressions) {
      out.exprs = readList(buf, c.offset, c.offset + c.length, depth + 1);
    }
  }
  return out;
}
