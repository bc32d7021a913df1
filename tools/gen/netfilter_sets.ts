/**
 * Connection tracking over netlink (NFNL_SUBSYS_CTNETLINK): attribute sets,
 * message types, status bits and protocol states, numbered from the kernel's
 * uapi headers netfilter/nfnetlink_conntrack.h, nf_conntrack_common.h,
 * nf_conntrack_tcp.h and nf_conntrack_sctp.h (protocol numbers are
 * core/tables/ipproto.ts's IPPROTO, shared with socket diagnostics). No YNL spec describes
 * ctnetlink: the attribute types are given here, as the kernel's policies
 * and fill functions (net/netfilter/nf_conntrack_netlink.c,
 * nf_conntrack_proto_{tcp,sctp,dccp,icmp,icmpv6}.c) use them — nearly every
 * integer in network byte order (nla_put_be32, nla_put_be16, nla_put_be64);
 * CTA_FILTER's flags are host order (NLA_U32, nla_get_u32).
 *
 * @module
 */
import { defines, enumValues, struct } from "./cheader.ts";
import { emptyOut, type Out } from "../../core/ynl.ts";
import type { ConstGroup } from "./emit.ts";
import { headerSet } from "./uapi_sets.ts";

const IP = { hint: "ip" };
const BE = { be: true };
const nest = (set: string): [string, Record<string, unknown>] => ["nest", { nest: set }];

/** Entries of `m` without `drop`. */
function without(m: Map<string, number>, drop: readonly string[]): Map<string, number> {
  for (const k of drop) {
    if (!m.delete(k)) throw new Error(`no entry ${k} to drop`);
  }
  return m;
}

/** The ctnetlink tables and constant groups. */
export function ctnetlinkTables(uapi: string): { out: Out; groups: ConstGroup[] } {
  const h = (f: string) => `${uapi}/netfilter/${f}`;
  const ct = h("nfnetlink_conntrack.h");
  const out = emptyOut();
  const s = out.sets;
  // enum ctattr_type. CTA_NAT_SEQ_ADJ_* are aliases of CTA_SEQ_ADJ_* (same numbers).
  s.ctattrType = headerSet(ct, "CTA_", {
    TUPLE_ORIG: nest("ctattrTuple"),
    TUPLE_REPLY: nest("ctattrTuple"),
    STATUS: ["u32", BE],
    PROTOINFO: nest("ctattrProtoinfo"),
    HELP: nest("ctattrHelp"),
    NAT_SRC: nest("ctattrNat"),
    TIMEOUT: ["u32", BE],
    MARK: ["u32", BE],
    COUNTERS_ORIG: nest("ctattrCounters"),
    COUNTERS_REPLY: nest("ctattrCounters"),
    USE: ["u32", BE],
    ID: ["u32", BE],
    NAT_DST: nest("ctattrNat"),
    TUPLE_MASTER: nest("ctattrTuple"),
    SEQ_ADJ_ORIG: nest("ctattrSeqadj"),
    SEQ_ADJ_REPLY: nest("ctattrSeqadj"),
    SECMARK: ["u32", BE],
    ZONE: ["u16", BE],
    SECCTX: nest("ctattrSecctx"),
    TIMESTAMP: nest("ctattrTstamp"),
    MARK_MASK: ["u32", BE],
    LABELS: "binary",
    LABELS_MASK: "binary",
    SYNPROXY: nest("ctattrSynproxy"),
    FILTER: nest("ctattrFilter"),
    STATUS_MASK: ["u32", BE],
  }).filter((r) => r[1] !== "natSeqAdjOrig" && r[1] !== "natSeqAdjReply");
  s.ctattrTuple = headerSet(ct, "CTA_TUPLE_", {
    IP: nest("ctattrIp"),
    PROTO: nest("ctattrL4proto"),
    ZONE: ["u16", BE],
  });
  s.ctattrIp = headerSet(ct, "CTA_IP_", {
    V4_SRC: ["binary", IP],
    V4_DST: ["binary", IP],
    V6_SRC: ["binary", IP],
    V6_DST: ["binary", IP],
  });
  s.ctattrL4proto = headerSet(ct, "CTA_PROTO_", {
    NUM: "u8",
    SRC_PORT: ["u16", BE],
    DST_PORT: ["u16", BE],
    ICMP_ID: ["u16", BE],
    ICMP_TYPE: "u8",
    ICMP_CODE: "u8",
    ICMPV6_ID: ["u16", BE],
    ICMPV6_TYPE: "u8",
    ICMPV6_CODE: "u8",
  });
  s.ctattrProtoinfo = headerSet(ct, "CTA_PROTOINFO_", {
    TCP: nest("ctattrProtoinfoTcp"),
    DCCP: nest("ctattrProtoinfoDccp"),
    SCTP: nest("ctattrProtoinfoSctp"),
  });
  s.ctattrProtoinfoTcp = headerSet(ct, "CTA_PROTOINFO_TCP_", {
    STATE: "u8",
    WSCALE_ORIGINAL: "u8",
    WSCALE_REPLY: "u8",
    FLAGS_ORIGINAL: ["binary", { struct: "nfCtTcpFlags" }],
    FLAGS_REPLY: ["binary", { struct: "nfCtTcpFlags" }],
  });
  s.ctattrProtoinfoDccp = headerSet(ct, "CTA_PROTOINFO_DCCP_", {
    STATE: "u8",
    ROLE: "u8",
    HANDSHAKE_SEQ: ["u64", BE],
    PAD: "pad",
  });
  s.ctattrProtoinfoSctp = headerSet(ct, "CTA_PROTOINFO_SCTP_", {
    STATE: "u8",
    VTAG_ORIGINAL: ["u32", BE],
    VTAG_REPLY: ["u32", BE],
  });
  s.ctattrCounters = headerSet(ct, "CTA_COUNTERS_", {
    PACKETS: ["u64", BE],
    BYTES: ["u64", BE],
    PAD: "pad",
  });
  s.ctattrTstamp = headerSet(ct, "CTA_TIMESTAMP_", {
    START: ["u64", BE],
    STOP: ["u64", BE],
    PAD: "pad",
  });
  s.ctattrNat = headerSet(ct, "CTA_NAT_", {
    V4_MINIP: ["binary", IP],
    V4_MAXIP: ["binary", IP],
    PROTO: nest("ctattrProtonat"),
    V6_MINIP: ["binary", IP],
    V6_MAXIP: ["binary", IP],
  });
  s.ctattrProtonat = headerSet(ct, "CTA_PROTONAT_", {
    PORT_MIN: ["u16", BE],
    PORT_MAX: ["u16", BE],
  });
  s.ctattrSeqadj = headerSet(ct, "CTA_SEQADJ_", {
    CORRECTION_POS: ["u32", BE],
    OFFSET_BEFORE: ["u32", BE],
    OFFSET_AFTER: ["u32", BE],
  });
  s.ctattrSynproxy = headerSet(ct, "CTA_SYNPROXY_", {
    ISN: ["u32", BE],
    ITS: ["u32", BE],
    TSOFF: ["u32", BE],
  });
  s.ctattrHelp = headerSet(ct, "CTA_HELP_", { NAME: "string", INFO: "binary" });
  s.ctattrSecctx = headerSet(ct, "CTA_SECCTX_", { NAME: "string" });
  s.ctattrFilter = headerSet(ct, "CTA_FILTER_", { ORIG_FLAGS: "u32", REPLY_FLAGS: "u32" });
  const statsCpu = enumValues(ct, "CTA_STATS_", true);
  s.ctattrStatsCpu = headerSet(
    ct,
    "CTA_STATS_",
    Object.fromEntries([...statsCpu.keys()].map((k) => [k, ["u32", BE]])),
  );
  s.ctattrStatsGlobal = headerSet(ct, "CTA_STATS_GLOBAL_", {
    ENTRIES: ["u32", BE],
    MAX_ENTRIES: ["u32", BE],
  });
  out.structs.nfCtTcpFlags = struct(h("nf_conntrack_tcp.h"), "nf_ct_tcp_flags");

  const common = h("nf_conntrack_common.h");
  const status = new Map<string, number>();
  for (const [k, v] of enumValues(common, "IPS_")) {
    if (k.endsWith("_BIT")) status.set(k.slice(0, -4), v);
  }
  const groups: ConstGroup[] = [
    [
      "IPCTNL_MSG_CT",
      "ctnetlink message types (enum cntl_msg_types; the message type is NFNL_SUBSYS_CTNETLINK << 8 | this).",
      enumValues(ct, "IPCTNL_MSG_CT_"),
    ],
    [
      "IPS_BIT",
      "Conntrack status bits (enum ip_conntrack_status's *_BIT entries, as userspace sees the header): name → bit number.",
      status,
    ],
    [
      "TCP_CONNTRACK",
      "TCP conntrack states (enum tcp_conntrack, CTA_PROTOINFO_TCP_STATE); the kernel's internal timeout classes (MAX and after) left out.",
      without(enumValues(h("nf_conntrack_tcp.h"), "TCP_CONNTRACK_"), [
        "IGNORE",
        "RETRANS",
        "UNACK",
        "TIMEOUT_MAX",
      ]),
    ],
    [
      "IP_CT_TCP_FLAG",
      "TCP conntrack flags (CTA_PROTOINFO_TCP_FLAGS_*: nf_ct_tcp_flags.flags bits).",
      defines(h("nf_conntrack_tcp.h"), "IP_CT_TCP_FLAG_"),
    ],
    [
      "SCTP_CONNTRACK",
      "SCTP conntrack states (enum sctp_conntrack, CTA_PROTOINFO_SCTP_STATE).",
      enumValues(h("nf_conntrack_sctp.h"), "SCTP_CONNTRACK_"),
    ],
  ];
  return { out, groups };
}
