/**
 * Attribute sets and structs the YNL specs lack, numbered from the kernel's
 * uapi headers (veth, vxlan, macvlan, ipvlan, nexthop, netconf, net
 * namespace ids). The headers give names and numbers; the attribute types
 * are given here, as the kernel's policies and fill functions use them.
 *
 * @module
 */
import { camel, defines, enumValues, struct } from "./cheader.ts";
import { emptyOut, type Out, type Row } from "../../core/ynl.ts";
import type { ConstGroup } from "./emit.ts";

type Types = Record<string, string | [string, Record<string, unknown>]>;

/** Numbers of an attribute enum: the `<prefix>UNSPEC`-led enum when there is one, else every entry. */
function attrNumbers(path: string, prefix: string): Map<string, number> {
  try {
    return enumValues(path, prefix, true);
  } catch {
    return enumValues(path, prefix);
  }
}

/**
 * An attribute set from a header enum, with types given here (binary when not
 * given). `newer` numbers attributes of kernels newer than the headers.
 */
export function headerSet(
  path: string,
  prefix: string,
  types: Types,
  newer: Record<string, number> = {},
): Row[] {
  const nums = attrNumbers(path, prefix);
  for (const [name, num] of Object.entries(newer)) if (!nums.has(name)) nums.set(name, num);
  const rows: Row[] = [];
  for (const [name, num] of nums) {
    if (name === "NONE" || name === "UNSPEC" || name === "PAD" && num === 0) continue;
    const t = types[name] ?? "binary";
    const [type, opts] = typeof t === "string" ? [t, undefined] : t;
    const row: Row = [num, camel(name), type];
    if (opts) row[3] = opts;
    rows.push(row);
  }
  return rows;
}

const IP = { hint: "ip" };
const MAC = { hint: "mac" };

/**
 * The rtnetlink sets and structs the YNL specs lack. `system` is the folder
 * of the headers 6.12's subset lacks (if_addrlabel.h): Debian's
 * linux-libc-dev, /usr/include/linux.
 */
export function rtnlSupplement(uapi: string, system = "/usr/include/linux"): Out {
  const out = emptyOut();
  const h = (f: string) => `${uapi}/${f}`;
  const sys = (f: string) => `${system}/${f}`;
  out.sets.linkinfoVethAttrs = headerSet(h("veth.h"), "VETH_INFO_", {
    PEER: ["nest", { nest: "linkAttrs", header: "ifinfomsg" }],
  });
  out.sets.linkinfoVxlanAttrs = headerSet(h("if_link.h"), "IFLA_VXLAN_", {
    ID: "u32",
    GROUP: ["binary", IP],
    LINK: "u32",
    LOCAL: ["binary", IP],
    TTL: "u8",
    TOS: "u8",
    LEARNING: "u8",
    AGEING: "u32",
    LIMIT: "u32",
    PORT_RANGE: ["binary", { struct: "iflaVxlanPortRange" }],
    PROXY: "u8",
    RSC: "u8",
    L2MISS: "u8",
    L3MISS: "u8",
    PORT: ["u16", { be: true }],
    GROUP6: ["binary", IP],
    LOCAL6: ["binary", IP],
    UDP_CSUM: "u8",
    UDP_ZERO_CSUM6_TX: "u8",
    UDP_ZERO_CSUM6_RX: "u8",
    REMCSUM_TX: "u8",
    REMCSUM_RX: "u8",
    GBP: "flag",
    REMCSUM_NOPARTIAL: "flag",
    COLLECT_METADATA: "u8",
    LABEL: ["u32", { be: true }],
    GPE: "flag",
    TTL_INHERIT: "flag",
    DF: "u8",
    VNIFILTER: "u8",
    LOCALBYPASS: "u8",
    LABEL_POLICY: "u32",
    RESERVED_BITS: "binary",
    MC_ROUTE: "u8",
    // Newer than 6.12's if_link.h: numbered as in later kernels.
  }, { RESERVED_BITS: 33, MC_ROUTE: 34 });
  out.structs.iflaVxlanPortRange = struct(h("if_link.h"), "ifla_vxlan_port_range");
  out.enums.macvlanMode = {
    flags: false,
    entries: [...attrNumbers(h("if_link.h"), "MACVLAN_MODE_")].map(([k, v]) => [camel(k), v]),
  };
  out.sets.linkinfoMacvlanAttrs = headerSet(h("if_link.h"), "IFLA_MACVLAN_", {
    MODE: ["u32", { enum: "macvlanMode" }],
    FLAGS: "u16",
    MACADDR_MODE: "u32",
    MACADDR: ["binary", MAC],
    MACADDR_DATA: "nest",
    MACADDR_COUNT: "u32",
    BC_QUEUE_LEN: "u32",
    BC_QUEUE_LEN_USED: "u32",
    BC_CUTOFF: "s32",
  });
  out.sets.nexthopAttrs = headerSet(h("nexthop.h"), "NHA_", {
    ID: "u32",
    GROUP: ["binary", { struct: "nexthopGrp", array: true }],
    GROUP_TYPE: "u16",
    BLACKHOLE: "flag",
    OIF: "u32",
    GATEWAY: ["binary", IP],
    ENCAP_TYPE: "u16",
    ENCAP: "binary",
    GROUPS: "flag",
    MASTER: "u32",
    FDB: "flag",
    RES_GROUP: ["nest", { nest: "nexthopResGroupAttrs" }],
    RES_BUCKET: "nest",
    OP_FLAGS: "u32",
    GROUP_STATS: "nest",
    HW_STATS_ENABLE: "u32",
    HW_STATS_USED: "u32",
  });
  out.sets.nexthopResGroupAttrs = headerSet(h("nexthop.h"), "NHA_RES_GROUP_", {
    BUCKETS: "u16",
    IDLE_TIMER: "u32",
    UNBALANCED_TIMER: "u32",
    UNBALANCED_TIME: "u64",
  });
  out.structs.nexthopGrp = struct(h("nexthop.h"), "nexthop_grp");
  out.sets.linkinfoIpvlanAttrs = headerSet(h("if_link.h"), "IFLA_IPVLAN_", {
    MODE: ["u16", { enum: "ipvlanMode" }],
    FLAGS: "u16",
  });
  out.enums.ipvlanMode = {
    flags: false,
    entries: [...enumValues(h("if_link.h"), "IPVLAN_MODE_")].filter(([k]) => k !== "MAX")
      .map(([k, v]) => [camel(k), v]),
  };
  out.structs.nhmsg = struct(h("nexthop.h"), "nhmsg");
  out.enums.nexthopGrpType = {
    flags: false,
    entries: [...enumValues(h("nexthop.h"), "NEXTHOP_GRP_TYPE_")].map(([k, v]) => [camel(k), v]),
  };
  out.sets.netconfAttrs = headerSet(h("netconf.h"), "NETCONFA_", {
    IFINDEX: "s32",
    FORWARDING: "s32",
    RP_FILTER: "s32",
    MC_FORWARDING: "s32",
    PROXY_NEIGH: "s32",
    IGNORE_ROUTES_WITH_LINKDOWN: "s32",
    INPUT: "s32",
    BC_FORWARDING: "s32",
  });
  out.sets.netnsAttrs = headerSet(h("net_namespace.h"), "NETNSA_", {
    NSID: "s32",
    PID: "u32",
    FD: "u32",
    TARGET_NSID: "s32",
    CURRENT_NSID: "s32",
  });
  // IPv6 address labels (ip addrlabel): if_addrlabel.h, unchanged since 2.6.25,
  // is not in the 6.12 subset; read from the system's headers.
  out.sets.addrlabelAttrs = headerSet(sys("if_addrlabel.h"), "IFAL_", {
    ADDRESS: ["binary", IP],
    LABEL: "u32",
  });
  out.structs.ifaddrlblmsg = struct(sys("if_addrlabel.h"), "ifaddrlblmsg");
  // The kinds whose data sets come from the headers, added to rt-link's sub-message.
  out.subMessages.linkinfoDataMsg = {
    veth: "linkinfoVethAttrs",
    vxlan: "linkinfoVxlanAttrs",
    macvlan: "linkinfoMacvlanAttrs",
    macvtap: "linkinfoMacvlanAttrs",
    ipvlan: "linkinfoIpvlanAttrs",
    ipvtap: "linkinfoIpvlanAttrs",
  };
  return out;
}

/**
 * The sets and structs of RTM_GETSTATS' extended link statistics
 * (IFLA_STATS_LINK_XSTATS), which rt-link.yaml leaves as bytes: added to
 * rt_link's module, as its statsAttrs refers to them.
 */
export function statsSupplement(uapi: string): Out {
  const out = emptyOut();
  const h = (f: string) => `${uapi}/${f}`;
  // Extended link statistics (RTM_GETSTATS' IFLA_STATS_LINK_XSTATS): per link type;
  // the bridge's (br_fill_linkxstats) is one BRIDGE_XSTATS_VLAN per VLAN, the
  // multicast counters (struct br_mcast_stats, kept as bytes) and, for a port, STP.
  out.sets.linkXstatsAttrs = headerSet(h("if_link.h"), "LINK_XSTATS_TYPE_", {
    BRIDGE: ["nest", { nest: "bridgeXstatsAttrs" }],
    BOND: "binary",
  });
  out.sets.bridgeXstatsAttrs = headerSet(h("if_bridge.h"), "BRIDGE_XSTATS_", {
    VLAN: ["binary", { struct: "bridgeVlanXstats", multi: true }],
    MCAST: "binary",
    PAD: "pad",
    STP: ["binary", { struct: "bridgeStpXstats" }],
  });
  out.structs.bridgeVlanXstats = struct(h("if_bridge.h"), "bridge_vlan_xstats");
  out.structs.bridgeStpXstats = struct(h("if_bridge.h"), "bridge_stp_xstats");
  return out;
}

/**
 * Route encapsulation (lightweight tunnels: RTA_ENCAP_TYPE and the RTA_ENCAP
 * nest it selects): the sets, structs and constants of lwtunnel.h,
 * seg6.h / seg6_iptunnel.h / seg6_local.h / seg6_hmac.h, mpls.h /
 * mpls_iptunnel.h from 6.12's uapi, and of ioam6.h / ioam6_iptunnel.h and the
 * TUNNEL_* flags of if_tunnel.h (absent from that subset, or from it in their
 * older form) from the system's headers (`system`, Debian's linux-libc-dev).
 * Attribute types as the kernel's policies give them (ip_tun_policy,
 * ip6_tun_policy, bpf_nl_policy, seg6_iptunnel_policy, seg6_local_policy,
 * mpls_iptunnel_policy, ioam6_iptunnel_policy).
 */
export function lwtunnelSupplement(
  uapi: string,
  system = "/usr/include/linux",
): { out: Out; groups: ConstGroup[] } {
  const out = emptyOut();
  const h = (f: string) => `${uapi}/${f}`;
  const sys = (f: string) => `${system}/${f}`;
  const tunnel = {
    ID: ["u64", { be: true }],
    DST: ["binary", IP],
    SRC: ["binary", IP],
    TTL: "u8",
    TOS: "u8",
    HOPLIMIT: "u8",
    TC: "u8",
    FLAGS: ["u16", { be: true }],
    PAD: "pad",
    OPTS: ["nest", { nest: "lwtunnelIpOptsAttrs" }],
  } satisfies Types;
  out.sets.lwtunnelIpAttrs = headerSet(h("lwtunnel.h"), "LWTUNNEL_IP_", tunnel);
  out.sets.lwtunnelIp6Attrs = headerSet(h("lwtunnel.h"), "LWTUNNEL_IP6_", tunnel);
  out.sets.lwtunnelIpOptsAttrs = headerSet(h("lwtunnel.h"), "LWTUNNEL_IP_OPTS_", {
    GENEVE: ["nest", { nest: "lwtunnelIpOptGeneveAttrs", multi: true }],
    VXLAN: ["nest", { nest: "lwtunnelIpOptVxlanAttrs" }],
    ERSPAN: ["nest", { nest: "lwtunnelIpOptErspanAttrs" }],
  });
  out.sets.lwtunnelIpOptGeneveAttrs = headerSet(h("lwtunnel.h"), "LWTUNNEL_IP_OPT_GENEVE_", {
    CLASS: ["u16", { be: true }],
    TYPE: "u8",
    DATA: "binary",
  });
  out.sets.lwtunnelIpOptVxlanAttrs = headerSet(h("lwtunnel.h"), "LWTUNNEL_IP_OPT_VXLAN_", {
    GBP: "u32",
  });
  out.sets.lwtunnelIpOptErspanAttrs = headerSet(h("lwtunnel.h"), "LWTUNNEL_IP_OPT_ERSPAN_", {
    VER: "u8",
    INDEX: ["u32", { be: true }],
    DIR: "u8",
    HWID: "u8",
  });
  out.sets.lwtBpfAttrs = headerSet(h("lwtunnel.h"), "LWT_BPF_", {
    IN: ["nest", { nest: "lwtBpfProgAttrs" }],
    OUT: ["nest", { nest: "lwtBpfProgAttrs" }],
    XMIT: ["nest", { nest: "lwtBpfProgAttrs" }],
    XMIT_HEADROOM: "u32",
  });
  out.sets.lwtBpfProgAttrs = headerSet(h("lwtunnel.h"), "LWT_BPF_PROG_", {
    FD: "u32",
    NAME: "string",
  });
  out.sets.lwtXfrmAttrs = headerSet(h("lwtunnel.h"), "LWT_XFRM_", { IF_ID: "u32", LINK: "u32" });
  out.sets.seg6IptunnelAttrs = headerSet(h("seg6_iptunnel.h"), "SEG6_IPTUNNEL_", {
    SRH: "binary",
  });
  out.sets.seg6LocalAttrs = headerSet(h("seg6_local.h"), "SEG6_LOCAL_", {
    ACTION: "u32",
    SRH: "binary",
    TABLE: "u32",
    NH4: ["binary", IP],
    NH6: ["binary", IP],
    IIF: "u32",
    OIF: "u32",
    BPF: ["nest", { nest: "seg6LocalBpfAttrs" }],
    VRFTABLE: "u32",
    COUNTERS: ["nest", { nest: "seg6LocalCntAttrs" }],
    FLAVORS: ["nest", { nest: "seg6LocalFlvAttrs" }],
  });
  // SEG6_LOCAL_BPF_PROG_UNSPEC, SEG6_LOCAL_BPF_PROG, SEG6_LOCAL_BPF_PROG_NAME: no
  // prefix ends in an underscore for all three, so read from SEG6_LOCAL_BPF_.
  out.sets.seg6LocalBpfAttrs = headerSet(h("seg6_local.h"), "SEG6_LOCAL_BPF_", {
    PROG: "u32",
    PROG_NAME: "string",
  }).filter((row) => row[1] !== "progUnspec");
  out.sets.seg6LocalCntAttrs = headerSet(h("seg6_local.h"), "SEG6_LOCAL_CNT_", {
    PAD: "pad",
    PACKETS: "u64",
    BYTES: "u64",
    ERRORS: "u64",
  });
  out.sets.seg6LocalFlvAttrs = headerSet(h("seg6_local.h"), "SEG6_LOCAL_FLV_", {
    OPERATION: "u32",
    LCBLOCK_BITS: "u8",
    LCNODE_FN_BITS: "u8",
  });
  out.sets.mplsIptunnelAttrs = headerSet(h("mpls_iptunnel.h"), "MPLS_IPTUNNEL_", {
    DST: ["binary", { struct: "mplsLabel", array: true }],
    TTL: "u8",
  });
  out.sets.ioam6IptunnelAttrs = headerSet(sys("ioam6_iptunnel.h"), "IOAM6_IPTUNNEL_", {
    MODE: "u8",
    DST: ["binary", IP],
    TRACE: ["binary", { struct: "ioam6TraceHdr" }],
    FREQ_K: "u32",
    FREQ_N: "u32",
  });
  out.structs.seg6IptunnelEncap = struct(h("seg6_iptunnel.h"), "seg6_iptunnel_encap");
  out.structs.ipv6SrHdr = struct(h("seg6.h"), "ipv6_sr_hdr");
  out.structs.sr6TlvHmac = struct(h("seg6_hmac.h"), "sr6_tlv_hmac");
  out.structs.mplsLabel = struct(h("mpls.h"), "mpls_label");
  out.structs.ioam6TraceHdr = struct(sys("ioam6.h"), "ioam6_trace_hdr");
  const minus = (m: Map<string, number>, ...drop: string[]) => {
    for (const k of drop) m.delete(k);
    return m;
  };
  const groups: ConstGroup[] = [
    [
      "LWTUNNEL_ENCAP",
      "Route encapsulation types (RTA_ENCAP_TYPE, enum lwtunnel_encap_types).",
      enumValues(h("lwtunnel.h"), "LWTUNNEL_ENCAP_"),
    ],
    [
      "LWT_BPF",
      "BPF encapsulation limits (LWT_BPF_MAX_HEADROOM).",
      defines(h("lwtunnel.h"), "LWT_BPF_"),
    ],
    [
      "TUNNEL_FLAGS",
      "IP tunnel flags of LWTUNNEL_IP(6)_FLAGS, as the big-endian u16 holds them (TUNNEL_* of the system's if_tunnel.h).",
      defines(sys("if_tunnel.h"), "TUNNEL_", { from: "TUNNEL_CSUM", unwrap: ["__cpu_to_be16"] }),
    ],
    [
      "SEG6_IPTUN_MODE",
      "seg6 encapsulation modes (seg6_iptunnel_encap.mode).",
      enumValues(h("seg6_iptunnel.h"), "SEG6_IPTUN_MODE_"),
    ],
    [
      "SR6_FLAG1",
      "Segment routing header flags (ipv6_sr_hdr.flags).",
      defines(h("seg6.h"), "SR6_FLAG1_"),
    ],
    ["SR6_TLV", "Segment routing header TLV types.", defines(h("seg6.h"), "SR6_TLV_")],
    [
      "SEG6_HMAC",
      "seg6 HMAC sizes (SECRET_LEN, FIELD_LEN) and algorithms.",
      new Map([
        ...defines(h("seg6_hmac.h"), "SEG6_HMAC_"),
        ...enumValues(h("seg6_hmac.h"), "SEG6_HMAC_"),
      ]),
    ],
    [
      "SEG6_LOCAL_ACTION",
      "seg6local actions (SEG6_LOCAL_ACTION).",
      minus(enumValues(h("seg6_local.h"), "SEG6_LOCAL_ACTION_", true), "UNSPEC"),
    ],
    [
      "SEG6_LOCAL_FLV_OP",
      "seg6local flavor operations (bit numbers of SEG6_LOCAL_FLV_OPERATION).",
      minus(enumValues(h("seg6_local.h"), "SEG6_LOCAL_FLV_OP_", true), "UNSPEC"),
    ],
    [
      "MPLS_LS",
      "MPLS label stack entry fields (struct mpls_label's big-endian word): masks and shifts.",
      defines(h("mpls.h"), "MPLS_LS_"),
    ],
    [
      "MPLS_LABEL",
      "Reserved MPLS labels (RFC 3032 and later).",
      defines(h("mpls.h"), "MPLS_LABEL_"),
    ],
    [
      "IOAM6_IPTUNNEL_MODE",
      "ioam6 encapsulation modes (IOAM6_IPTUNNEL_MODE).",
      enumValues(sys("ioam6_iptunnel.h"), "IOAM6_IPTUNNEL_MODE_"),
    ],
    [
      "IPV6_SRCRT",
      "IPv6 routing header types (ipv6_sr_hdr.type: TYPE_4 is segment routing).",
      defines(h("ipv6.h"), "IPV6_SRCRT_"),
    ],
    [
      "IOAM6_TRACE",
      "IOAM trace limits (TRACE_DATA_SIZE_MAX: the largest preallocated trace, in bytes).",
      defines(sys("ioam6.h"), "IOAM6_TRACE_"),
    ],
    [
      "IOAM6_IPTUNNEL_FREQ",
      "ioam6 insertion frequency bounds (k over n packets).",
      defines(sys("ioam6_iptunnel.h"), "IOAM6_IPTUNNEL_FREQ_"),
    ],
  ];
  return { out, groups };
}
