/**
 * Generates the tables in `core/tables/` — data only, never edited by hand:
 *
 * - rtnetlink attribute sets, structs and enums from the kernel's YNL specs
 *   (rt-link, rt-addr, rt-route, rt-neigh, rt-rule: the newer specs at the top
 *   of the spec folder, whose attribute names are the kernel's current ones;
 *   6.12's rt_* files still carry `rta-`/`ifa-` prefixed names);
 * - the sets YNL lacks (veth, vxlan, macvlan, ipvlan, nexthop, netconf, net
 *   namespace ids) numbered from the kernel's uapi headers;
 * - route encapsulation (lwtunnel.h, seg6*.h, mpls*.h, ioam6*.h) in lwtunnel.ts;
 * - protocol-level constants and header layouts from the uapi headers:
 *   netlink.h, rtnetlink.h, genetlink.h, netfilter/nfnetlink.h, sock_diag.h,
 *   inet_diag.h, unix_diag.h; IP protocol numbers (in.h, in6.h) in ipproto.ts;
 * - connection tracking over netlink (ctnetlink) from netfilter/nfnetlink_conntrack.h,
 *   nf_conntrack_common.h, nf_conntrack_tcp.h and nf_conntrack_sctp.h (tools/gen/netfilter_sets.ts);
 * - ipset (NFNL_SUBSYS_IPSET) from netfilter/ipset/ip_set.h, ip_set_hash.h,
 *   ip_set_bitmap.h and ip_set_list.h (tools/gen/ipset_sets.ts);
 * - NETLINK_KOBJECT_UEVENT's group numbers, which no header names, from the
 *   kernel's and udev's sources (tools/gen/uevent.ts).
 *
 * Each module holds the data form (`SpecData`, compiled by core/schema.ts)
 * plus `as const` maps of the same data for typed code: `<PREFIX>_ATTRS`
 * (attribute numbers), `<PREFIX>_STRUCTS` (layouts), `<PREFIX>_ENUMS`.
 *
 * Run (YAML is read by core/yaml.ts, the parser the run-time spec loader uses), then format:
 *   deno run -A tools/gen_tables.ts [--specs DIR] [--uapi DIR] && deno fmt core/tables
 * Defaults: ../shared/ynl and ../shared/uapi-6.12/linux beside the checkout.
 */
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import {
  camel,
  defines,
  enumValues,
  ioctls,
  type MemberRow,
  namedEnum,
  struct,
} from "./gen/cheader.ts";
import { convert, emptyOut, type Out } from "../core/ynl.ts";
import { parseYaml } from "../core/yaml.ts";
import { bridgeConstants, bridgeSupplement } from "./gen/bridge_sets.ts";
import { lwtunnelSupplement, rtnlSupplement, statsSupplement } from "./gen/uapi_sets.ts";
import { emitModule } from "./gen/emit.ts";
import { tcTables } from "./gen/tc_sets.ts";
import { ueventGroups } from "./gen/uevent.ts";
import { ctnetlinkTables } from "./gen/netfilter_sets.ts";
import { ipsetTables } from "./gen/ipset_sets.ts";
import { nftablesFixes } from "./gen/nftables_sets.ts";
import { addOwners, type Owners, typeDeclarations } from "./gen/types.ts";

const here = (p: string) => new URL(p, import.meta.url).pathname;
const { values: args } = parseArgs({
  options: {
    specs: { type: "string", default: here("../../shared/ynl/") },
    uapi: { type: "string", default: here("../../shared/uapi-6.12/linux/") },
  },
});
const SPECS = args.specs!.replace(/\/?$/, "/");
const UAPI = args.uapi!.replace(/\/?$/, "/");
const OUT = here("../core/tables/");

/**
 * Corrections where a YNL spec disagrees with what the kernel sends and
 * accepts. Bridge port booleans are u8 in the kernel's br_port_policy and
 * br_port_fill_attrs (nla_put_u8), though rt-link.yaml declares them flags.
 * FIB rule src/dst carry IPv4 or IPv6 addresses (rt-rule.yaml says u32).
 * NDA_PORT is in network byte order; IFA_BROADCAST is an address. IFLA_PROTINFO
 * of AF_BRIDGE link messages nests bridge port attributes.
 */
const OVERRIDES: Record<string, Record<string, string | [string, Record<string, unknown>]>> = {
  linkAttrs: { protinfo: ["nest", { nest: "linkinfoBrportAttrs" }] },
  fibRuleAttrs: { src: ["binary", { hint: "ip" }], dst: ["binary", { hint: "ip" }] },
  // NDA_PORT is a be16 (vxlan fdb), as neigh_fill_info's callers put it.
  neighbourAttrs: { port: ["u16", { be: true }] },
  // IFA_BROADCAST is an address (inet_fill_ifaddr puts 4 bytes).
  addrAttrs: { broadcast: ["binary", { hint: "ip" }], anycast: ["binary", { hint: "ip" }] },
  // IFLA_STATS_LINK_XSTATS(_SLAVE) nest LINK_XSTATS_TYPE_* (rtnl_fill_statsinfo); the
  // offload CPU-hit counters are a struct rtnl_link_stats64 (rtnl_offload_xstats_fill_ndo).
  statsAttrs: {
    linkXstats: ["nest", { nest: "linkXstatsAttrs" }],
    linkXstatsSlave: ["nest", { nest: "linkXstatsAttrs" }],
  },
  linkOffloadXstats: { cpuHit: ["binary", { struct: "rtnlLinkStats64" }] },
  linkinfoBrportAttrs: Object.fromEntries(
    [
      "mode",
      "guard",
      "protect",
      "fastLeave",
      "learning",
      "unicastFlood",
      "proxyarp",
      "learningSync",
      "proxyarpWifi",
      "mcastFlood",
      "mcastToUcast",
      "vlanTunnel",
      "bcastFlood",
      "neighSuppress",
      "isolated",
      "mrpRingOpen",
      "mrpInOpen",
      "locked",
      "mab",
      "neighVlanSuppress",
    ].map((n) => [n, "u8"]),
  ),
};

function applyOverrides(out: Out, overrides = OVERRIDES): Out {
  for (const [set, fixes] of Object.entries(overrides)) {
    for (const row of out.sets[set] ?? []) {
      const fix = fixes[row[1]];
      if (fix === undefined) continue;
      if (typeof fix === "string") row[2] = fix;
      else [row[2], row[3]] = fix;
    }
  }
  return out;
}

// -- rtnetlink: YNL specs ------------------------------------------------------

const YNL: [string, string, string][] = [
  ["rt-link.yaml", "rt_link.ts", "RT_LINK"],
  ["rt-addr.yaml", "rt_addr.ts", "RT_ADDR"],
  ["rt-route.yaml", "rt_route.ts", "RT_ROUTE"],
  ["rt-neigh.yaml", "rt_neigh.ts", "RT_NEIGH"],
  ["rt-rule.yaml", "rt_rule.ts", "RT_RULE"],
];
const rtnl: [string, string, string, Out][] = YNL.map(([yaml, file, prefix]) => [
  file,
  prefix,
  `Attribute tables from the kernel's YNL spec ${yaml} (Documentation/netlink/specs).`,
  applyOverrides(convert(parseYaml(readFileSync(SPECS + yaml, "utf8"), yaml))),
]);
// RTM_GETSTATS' extended statistics sets live with rt-link's statsAttrs that nests them.
{
  const entry = rtnl.find(([file]) => file === "rt_link.ts")!;
  const link = entry[3];
  entry[2] += " The extended statistics sets (linkXstatsAttrs, bridgeXstatsAttrs) from the " +
    "kernel's 6.12 uapi if_link.h and if_bridge.h.";
  const extra = statsSupplement(UAPI);
  Object.assign(link.sets, extra.sets);
  Object.assign(link.structs, extra.structs);
}
// The bridge's VLAN and multicast database tables (if_bridge.h), beside the link set they extend.
rtnl.push([
  "rt_bridge.ts",
  "RT_BRIDGE",
  "Bridge VLAN and multicast database tables (IFLA_BRIDGE_*, BRIDGE_VLANDB_*, MDBA_*, MDBE_*) from the kernel's 6.12 uapi if_bridge.h.",
  bridgeSupplement(UAPI, rtnl.find(([file]) => file === "rt_link.ts")![3].sets.linkAttrs!),
]);
rtnl.push([
  "uapi.ts",
  "UAPI",
  "Attribute tables for sets the YNL specs lack, numbered from the kernel's 6.12 uapi headers (if_addrlabel.h, absent from that subset, from the system's linux-libc-dev).",
  rtnlSupplement(UAPI),
]);
const owners: Owners = new Map();
const subMessages: Record<string, Record<string, string>> = {};
for (const [file, , , data] of rtnl) addOwners(owners, file, data, subMessages);
for (const [file, prefix, source, data] of rtnl) {
  emitModule(
    OUT + file,
    source,
    [prefix, data],
    [],
    typeDeclarations(file, data, owners, subMessages),
  );
}

// -- route encapsulation (lightweight tunnels): uapi headers ------------------

{
  const { out, groups } = lwtunnelSupplement(UAPI);
  emitModule(
    OUT + "lwtunnel.ts",
    "Route encapsulation tables (RTA_ENCAP by RTA_ENCAP_TYPE) from the kernel's 6.12 uapi " +
      "lwtunnel.h, seg6.h, seg6_iptunnel.h, seg6_local.h, seg6_hmac.h, mpls.h and " +
      "mpls_iptunnel.h; ioam6.h, ioam6_iptunnel.h and if_tunnel.h's TUNNEL_* flags " +
      "(absent from that subset) from the system's linux-libc-dev.",
    ["LWTUNNEL", out],
    groups,
  );
}

// -- traffic control: YNL spec tc.yaml (6.12) and uapi headers ---------------

{
  const { out, groups } = tcTables(SPECS + "linux-6.12/tc.yaml", UAPI);
  emitModule(
    OUT + "tc.ts",
    "Traffic control tables (qdiscs, classes, filters, actions) from the kernel's 6.12 YNL " +
      "spec tc.yaml, with struct layouts from the 6.12 uapi pkt_sched.h, pkt_cls.h, " +
      "rtnetlink.h and tc_act/*.h (gen_stats.h, absent from that subset, from the system's " +
      "linux-libc-dev); attribute numbers checked against the headers' enums.",
    ["TC", out],
    groups,
  );
}

// -- protocol constants and headers: uapi headers -----------------------------

const h = (f: string) => UAPI + f;
/** Header structs as the data form, for modules that hold only layouts. */
function structs(file: string, names: string[]): Out {
  const out = emptyOut();
  for (const n of names) out.structs[camel(n)] = struct(h(file), n) as MemberRow[];
  return out;
}
const strip = (m: Map<string, number>, drop: string[]) => {
  for (const k of drop) m.delete(k);
  return m;
};

const protocols = defines(h("netlink.h"), "NETLINK_", { from: "NETLINK_ROUTE", to: "MAX_LINKS" });
const nlmsg = defines(h("netlink.h"), "NLMSG_", { from: "NLMSG_NOOP" });
const known = new Map([["NLMSG_MIN_TYPE", nlmsg.get("MIN_TYPE")!]]);
emitModule(
  OUT + "netlink.ts",
  "Netlink protocol constants and headers from the kernel's 6.12 uapi linux/netlink.h.",
  ["NETLINK", structs("netlink.h", ["nlmsghdr", "nlattr", "sockaddr_nl", "nlmsgerr"])],
  [
    [
      "NETLINK_PROTOCOL",
      "Netlink protocols (socket()'s third argument): ROUTE 0, GENERIC 16, …",
      protocols,
    ],
    [
      "NLM_F",
      "Message header flags (NLM_F_*); GET, NEW and DELETE requests reuse bits.",
      defines(h("netlink.h"), "NLM_F_"),
    ],
    [
      "NLMSG",
      "Control message types (NLMSG_*) and MIN_TYPE, the first family type.",
      strip(nlmsg, ["ALIGNTO", "HDRLEN"]),
    ],
    [
      "NLMSGERR_ATTR",
      "Extended ACK attribute types (enum nlmsgerr_attrs).",
      enumValues(h("netlink.h"), "NLMSGERR_ATTR_"),
    ],
    [
      "UEVENT_GRP",
      "NETLINK_KOBJECT_UEVENT multicast groups: KERNEL 1 (the kernel's uevents, lib/kobject_uevent.c), UDEV 2 (udevd's re-broadcasts, systemd's device-monitor.c); no uapi header names them (tools/gen/uevent.ts).",
      ueventGroups(),
    ],
    [
      "NETLINK_SOCKOPT",
      "SOL_NETLINK socket options (NETLINK_ADD_MEMBERSHIP, …).",
      defines(h("netlink.h"), "NETLINK_", {
        from: "NETLINK_ADD_MEMBERSHIP",
        to: "NL_MMAP_MSG_ALIGNMENT",
      }),
    ],
  ],
);

const rtm = strip(enumValues(h("rtnetlink.h"), "RTM_"), ["BASE"]);
emitModule(
  OUT + "constants.ts",
  "rtnetlink message types and multicast groups from the kernel's 6.12 uapi linux/rtnetlink.h.",
  [
    "RTNETLINK",
    {
      ...emptyOut(),
      structs: {
        ...structs("rtnetlink.h", ["rtgenmsg", "tcmsg", "rtnexthop"]).structs,
        ...structs("netconf.h", ["netconfmsg"]).structs,
      },
    },
  ],
  [
    ["RTM", "rtnetlink message types: name → number (RTM_NEWLINK = 16, …).", rtm],
    [
      "RTNLGRP",
      "rtnetlink multicast groups: name → group number (RTNLGRP_LINK = 1, …).",
      strip(enumValues(h("rtnetlink.h"), "RTNLGRP_"), ["NONE"]),
    ],
    [
      "RTNL_FAMILY",
      "rtnetlink-only address families (multicast routing rules and routes).",
      defines(h("rtnetlink.h"), "RTNL_FAMILY_"),
    ],
    [
      "RTPROT",
      "Route protocols (rtm_protocol): who installed a route.",
      defines(h("rtnetlink.h"), "RTPROT_"),
    ],
    [
      "RT_SCOPE",
      "Route and address scopes (enum rt_scope_t).",
      enumValues(h("rtnetlink.h"), "RT_SCOPE_"),
    ],
    [
      "RT_TABLE",
      "Reserved routing table ids (enum rt_class_t).",
      strip(enumValues(h("rtnetlink.h"), "RT_TABLE_"), ["MAX"]),
    ],
    ["RTM_F", "Route message flags (rtm_flags).", defines(h("rtnetlink.h"), "RTM_F_")],
    ["RTNH_F", "Next hop flags (rtnh_flags, nh_flags).", defines(h("rtnetlink.h"), "RTNH_F_")],
    [
      "FR_ACT",
      "FIB rule actions (fib_rule_hdr.action).",
      enumValues(h("fib_rules.h"), "FR_ACT_", true),
    ],
    ["FIB_RULE", "FIB rule flags (fib_rule_hdr.flags).", defines(h("fib_rules.h"), "FIB_RULE_")],
    [
      "NETCONFA_IFINDEX",
      "netconf's pseudo interface indexes: ALL (-1, `all`) and DEFAULT (-2, `default`).",
      defines(h("netconf.h"), "NETCONFA_IFINDEX_"),
    ],
    ...bridgeConstants(UAPI),
    ["NUD", "Neighbour states (ndm_state bits; NONE is 0).", defines(h("neighbour.h"), "NUD_")],
    [
      "NTF",
      "Neighbour flags (ndm_flags).",
      defines(h("neighbour.h"), "NTF_", { from: "NTF_USE", to: "NTF_EXT_MANAGED" }),
    ],
  ],
);

emitModule(
  OUT + "genetlink.ts",
  "Generic netlink constants and header from the kernel's 6.12 uapi linux/genetlink.h.",
  ["GENETLINK", structs("genetlink.h", ["genlmsghdr"])],
  [
    [
      "GENL",
      "Generic netlink ids and operation flags (GENL_ID_CTRL, GENL_ADMIN_PERM, …).",
      defines(h("genetlink.h"), "GENL_", { known }),
    ],
    [
      "CTRL_CMD",
      "nlctrl commands (CTRL_CMD_GETFAMILY, …).",
      enumValues(h("genetlink.h"), "CTRL_CMD_", true),
    ],
    [
      "CTRL_ATTR",
      "nlctrl family attributes (CTRL_ATTR_FAMILY_ID, …).",
      enumValues(h("genetlink.h"), "CTRL_ATTR_", true),
    ],
    [
      "CTRL_ATTR_OP",
      "nlctrl operation attributes.",
      enumValues(h("genetlink.h"), "CTRL_ATTR_OP_", true),
    ],
    [
      "CTRL_ATTR_MCAST_GRP",
      "nlctrl multicast group attributes.",
      enumValues(h("genetlink.h"), "CTRL_ATTR_MCAST_GRP_", true),
    ],
  ],
);

emitModule(
  OUT + "nfnetlink.ts",
  "Netfilter netlink constants and header from the kernel's 6.12 uapi linux/netfilter/nfnetlink.h.",
  ["NFNETLINK", structs("netfilter/nfnetlink.h", ["nfgenmsg"])],
  [
    [
      "NFNL_SUBSYS",
      "nfnetlink subsystems (the high byte of the message type).",
      strip(defines(h("netfilter/nfnetlink.h"), "NFNL_SUBSYS_"), ["ID"]),
    ],
    [
      "NFNLGRP",
      "nfnetlink multicast groups.",
      strip(enumValues(h("netfilter/nfnetlink.h"), "NFNLGRP_"), ["NONE"]),
    ],
    [
      "NFNL_MSG",
      "nfnetlink batch message types.",
      strip(defines(h("netfilter/nfnetlink.h"), "NFNL_MSG_", { known }), ["TYPE"]),
    ],
  ],
);

{
  const { out, groups } = ctnetlinkTables(UAPI);
  emitModule(
    OUT + "ctnetlink.ts",
    "Connection tracking netlink tables (NFNL_SUBSYS_CTNETLINK: CTA_* attribute sets, " +
      "IPCTNL_MSG_CT_* message types, IPS_* status bits, TCP and SCTP states) from the kernel's " +
      "6.12 uapi netfilter/nfnetlink_conntrack.h, nf_conntrack_common.h, nf_conntrack_tcp.h and " +
      "nf_conntrack_sctp.h; attribute types as net/netfilter/nf_conntrack_netlink.c puts them.",
    ["CTNETLINK", out],
    groups,
  );
}

{
  const { out, groups } = ipsetTables(UAPI);
  emitModule(
    OUT + "ipset.ts",
    "ipset netlink tables (NFNL_SUBSYS_IPSET: IPSET_ATTR_* sets of the command, create, ADT " +
      "and address levels, IPSET_CMD_* messages, IPSET_ERR_* codes, IPSET_FLAG_* flags) from the " +
      "kernel's 6.12 uapi netfilter/ipset/ip_set.h, ip_set_hash.h, ip_set_bitmap.h and " +
      "ip_set_list.h; attribute types as net/netfilter/ipset/ip_set_core.c puts them (integers " +
      "in network byte order, flagged NLA_F_NET_BYTEORDER).",
    ["IPSET_NETLINK", out],
    groups,
  );
}

// -- nftables (NFNL_SUBSYS_NFTABLES): YNL spec nftables.yaml (6.12) and uapi headers --
/**
 * Where nftables.yaml disagrees with net/netfilter/nf_tables_api.c: set and
 * element timeouts and expirations are be64 milliseconds
 * (nf_msecs_to_jiffies64 / nf_jiffies64_to_msecs), NFTA_SET_GC_INTERVAL and
 * NFTA_SET_ELEM_FLAGS are be32 (ntohl(nla_get_be32())), NFTA_SET_FLAGS is a
 * flag word, and chain counters (NFTA_COUNTER_*, nft_stats_alloc /
 * nft_dump_stats) are be64: `nft --debug=netlink` and the kernel's dumps agree.
 */
const NFT_OVERRIDES: typeof OVERRIDES = {
  setAttrs: {
    flags: ["u32", { be: true, enum: "setFlags", flags: true }],
    timeout: ["u64", { be: true }],
    gcInterval: ["u32", { be: true }],
  },
  setelemAttrs: {
    flags: ["u32", { be: true }],
    timeout: ["u64", { be: true }],
    expiration: ["u64", { be: true }],
  },
  nftCounterAttrs: { bytes: ["u64", { be: true }], packets: ["u64", { be: true }] },
};
{
  const nft = h("netfilter/nf_tables.h");
  // Corrections (counter byte order, names) and the range/limit/log sets: tools/gen/nftables_sets.ts.
  const spec = applyOverrides(
    nftablesFixes(
      convert(parseYaml(readFileSync(SPECS + "linux-6.12/nftables.yaml", "utf8"), "nftables.yaml")),
      nft,
    ),
    NFT_OVERRIDES,
  );
  const named = (name: string, prefix: string, drop: string[] = []) =>
    strip(namedEnum(nft, name, prefix), drop);
  // netfilter.h (hooks, families) is not in the 6.12 subset: the system's linux-libc-dev.
  const netfilter = "/usr/include/linux/netfilter.h";
  emitModule(
    OUT + "nftables.ts",
    "nftables netlink tables (NFNL_SUBSYS_NFTABLES) from the kernel's YNL spec nftables.yaml " +
      "(6.12): attribute sets of tables, chains, rules, sets, elements, objects and expressions; " +
      "message types, registers, verdicts, payload bases, NAT types, range and dynset " +
      "operations, set element flags and data types from the 6.12 uapi netfilter/nf_tables.h; " +
      "hooks and families (NF_INET_*, NF_NETDEV_*, NFPROTO_*) from the system's " +
      "linux/netfilter.h.",
    ["NFTABLES", spec],
    [
      [
        "NFT_MSG",
        "nftables message types (the low byte).",
        named("nf_tables_msg_types", "NFT_MSG_", ["MAX"]),
      ],
      [
        "NFT_REGISTER",
        "nftables registers: REG_VERDICT, REG_1–REG_4 (16 bytes) and REG32_00–REG32_15 (4 bytes).",
        named("nft_registers", "NFT_"),
      ],
      [
        "NFT_VERDICT",
        "nftables verdicts (negative) and the netfilter verdicts they share numbers with (NF_DROP, NF_ACCEPT, … from linux/netfilter.h).",
        new Map([
          ...defines(netfilter, "NF_", { from: "NF_DROP", to: "NF_STOP" }),
          ...named("nft_verdicts", "NFT_"),
        ]),
      ],
      [
        "NFT_DATA",
        "Data types of set keys and values (NFT_DATA_VALUE, NFT_DATA_VERDICT).",
        named("nft_data_types", "NFT_DATA_"),
      ],
      [
        "NFT_PAYLOAD_BASE",
        "Payload bases (link-layer, network, transport, inner, tunnel header).",
        named("nft_payload_bases", "NFT_PAYLOAD_"),
      ],
      [
        "NFT_PAYLOAD_CSUM",
        "Payload checksum types.",
        named("nft_payload_csum_types", "NFT_PAYLOAD_CSUM_"),
      ],
      ["NFT_NAT", "NAT types.", named("nft_nat_types", "NFT_NAT_")],
      ["NFT_RANGE", "Range expression operations.", named("nft_range_ops", "NFT_RANGE_")],
      ["NFT_DYNSET_OP", "Dynamic set operations.", named("nft_dynset_ops", "NFT_DYNSET_OP_")],
      ["NFT_SET_ELEM", "Set element flags.", named("nft_set_elem_flags", "NFT_SET_ELEM_")],
      ["NFT_SET_POL", "Set selection policies.", named("nft_set_policies", "NFT_SET_POL_")],
      [
        "NFT_BYTEORDER",
        "Byteorder expression operations.",
        named("nft_byteorder_ops", "NFT_BYTEORDER_"),
      ],
      ["NFT_LIMIT", "Limit types.", named("nft_limit_type", "NFT_LIMIT_")],
      ["NFT_LOG_LEVEL", "Log levels.", named("nft_log_level", "NFT_LOGLEVEL_")],
      [
        "NF_INET_HOOK",
        "Netfilter hooks of the inet families (PRE_ROUTING … POST_ROUTING, INGRESS).",
        strip(namedEnum(netfilter, "nf_inet_hooks", "NF_INET_"), ["NUMHOOKS"]),
      ],
      [
        "NF_NETDEV_HOOK",
        "Netfilter hooks of the netdev family.",
        strip(namedEnum(netfilter, "nf_dev_hooks", "NF_NETDEV_"), ["NUMHOOKS"]),
      ],
      [
        "NF_ARP_HOOK",
        "Netfilter hooks of the arp family (NF_ARP_IN, NF_ARP_OUT, NF_ARP_FORWARD, from the system's linux/netfilter_arp.h).",
        defines("/usr/include/linux/netfilter_arp.h", "NF_ARP_", {
          from: "NF_ARP_IN",
          to: "NF_ARP_NUMHOOKS",
        }),
      ],
      [
        "NFPROTO",
        "Netfilter families (nfgenmsg's nfgen_family).",
        strip(enumValues(netfilter, "NFPROTO_"), ["NUMPROTO"]),
      ],
    ],
  );
}

emitModule(
  OUT + "sock_diag.ts",
  "Socket diagnostics constants and headers from the kernel's 6.12 uapi sock_diag.h, inet_diag.h and unix_diag.h.",
  [
    "SOCK_DIAG",
    {
      ...emptyOut(),
      structs: {
        ...structs("sock_diag.h", ["sock_diag_req"]).structs,
        ...structs("inet_diag.h", ["inet_diag_req_v2", "inet_diag_msg"]).structs,
        ...structs("unix_diag.h", [
          "unix_diag_req",
          "unix_diag_msg",
          "unix_diag_vfs",
          "unix_diag_rqlen",
        ]).structs,
        ...structs("inet_diag.h", [
          "inet_diag_meminfo",
          "inet_diag_bc_op",
          "inet_diag_hostcond",
          "inet_diag_markcond",
        ]).structs,
        ...structs("tcp.h", ["tcp_info"]).structs,
      },
    },
  ],
  [
    [
      "SOCK_DIAG_MSG",
      "Socket diagnostics message types.",
      defines(h("sock_diag.h"), "SOCK_", { from: "SOCK_DIAG_BY_FAMILY" }),
    ],
    [
      "SKNLGRP",
      "Socket diagnostics multicast groups.",
      strip(enumValues(h("sock_diag.h"), "SKNLGRP_"), ["NONE"]),
    ],
    [
      "INET_DIAG",
      "inet_diag attributes (INET_DIAG_MEMINFO, INET_DIAG_INFO, …).",
      strip(enumValues(h("inet_diag.h"), "INET_DIAG_"), [
        "NONE",
        "REQ_NONE",
        "REQ_BYTECODE",
        "REQ_SK_BPF_STORAGES",
        "REQ_PROTOCOL",
        "BC_NOP",
        "BC_JMP",
        "BC_S_GE",
        "BC_S_LE",
        "BC_D_GE",
        "BC_D_LE",
        "BC_AUTO",
        "BC_S_COND",
        "BC_D_COND",
        "BC_DEV_COND",
        "BC_MARK_COND",
        "BC_S_EQ",
        "BC_D_EQ",
        "BC_CGROUP_COND",
      ]),
    ],
    ["UNIX_DIAG", "unix_diag attributes.", enumValues(h("unix_diag.h"), "UNIX_DIAG_")],
    [
      "INET_DIAG_REQ",
      "inet_diag request attributes (INET_DIAG_REQ_BYTECODE, …).",
      strip(enumValues(h("inet_diag.h"), "INET_DIAG_REQ_"), ["NONE"]),
    ],
    [
      "INET_DIAG_BC",
      "inet_diag filter bytecode operations (struct inet_diag_bc_op's code).",
      enumValues(h("inet_diag.h"), "INET_DIAG_BC_"),
    ],
    [
      "UDIAG_SHOW",
      "unix_diag request flags (udiag_show).",
      defines(h("unix_diag.h"), "UDIAG_SHOW_"),
    ],
    [
      "SK_MEMINFO",
      "Indices of INET_DIAG_SKMEMINFO's / UNIX_DIAG_MEMINFO's u32 array (sock_diag.h).",
      strip(enumValues(h("sock_diag.h"), "SK_MEMINFO_"), ["VARS"]),
    ],
    [
      "SOCK_TYPE",
      "Socket types (unix_diag_msg's udiag_type): glibc's bits/socket_type.h, as no uapi header exports them.",
      // Only the types (decimal entries): the header's flags are octal, which the enum reader refuses.
      new Map(
        [
          ...readFileSync("/usr/include/x86_64-linux-gnu/bits/socket_type.h", "utf8").matchAll(
            /^\s*SOCK_(\w+) = ([1-9]\d*),/gm,
          ),
        ].map((m) => [m[1]!, Number(m[2])] as const),
      ),
    ],
    [
      "TCP_STATE",
      "TCP states (the kernel's include/net/tcp_states.h, which no uapi header exports; " +
      "glibc's netinet/tcp.h enum, the same numbers).",
      new Map(
        [...enumValues("/usr/include/netinet/tcp.h", "TCP_")].filter(([k, v]) =>
          !/^(CA_|NO_QUEUE|RECV_QUEUE|SEND_QUEUE|QUEUES_NR)/.test(k) && v >= 1
        ),
      ),
    ],
  ],
);
// IP protocol numbers, one table for every user: in.h's enum (the IP header's
// protocol field, and MPTCP/SMC above 255 for socket() and inet_diag's
// sdiag_protocol) and in6.h's defines (IPv6 extension headers, ICMPv6).
// Conntrack tuples (CTA_PROTO_NUM, a u8) take the ones up to 255.
emitModule(
  OUT + "ipproto.ts",
  "IP protocol numbers from the kernel's 6.12 uapi linux/in.h (enum IPPROTO_*) and linux/in6.h (IPPROTO_* defines).",
  undefined,
  [
    [
      "IPPROTO",
      "IP protocol numbers: in.h's enum (up to 255 the IP header's protocol field, as conntrack " +
      "tuples and the routing rules carry it; MPTCP and SMC above, for socket() and inet_diag's " +
      "sdiag_protocol) and in6.h's defines (IPv6 extension headers, ICMPv6, NONE).",
      new Map([
        ...strip(enumValues(h("in.h"), "IPPROTO_"), ["MAX"]),
        ...defines(h("in6.h"), "IPPROTO_"),
      ]),
    ],
  ],
);
// tun/tap: if_tun.h from the 6.12 subset; IFNAMSIZ (if.h) and SIOCGSKNS
// (sockios.h) from the system's linux-libc-dev, which the subset lacks.
const SYS = "/usr/include/linux/";
const ifnamsiz = defines(SYS + "if.h", "IFNAMSIZ").get("")!;
emitModule(
  OUT + "tun.ts",
  "tun/tap ioctls and flags from the kernel's 6.12 uapi linux/if_tun.h; IFNAMSIZ and SIOCGSKNS from the system's linux/if.h and linux/sockios.h.",
  [
    "TUN",
    {
      ...emptyOut(),
      structs: {
        // struct ifreq as TUNSETIFF/TUNGETIFF use it: the name, then the union's
        // `short ifru_flags`; the union is as large as its largest member,
        // struct ifmap (2 unsigned long + 1 short + 3 char = 24 bytes on LP64).
        ifreqFlags: [
          ["name", "binary", ifnamsiz],
          ["flags", "u16", undefined],
          ["pad", "pad", 22],
        ] as MemberRow[],
      },
    },
  ],
  [
    [
      "TUN_IOCTL",
      "tun/tap ioctl request numbers (TUNSETIFF, TUNSETPERSIST, …).",
      ioctls(h("if_tun.h"), "TUN"),
    ],
    [
      "IFF_TUN_FLAG",
      "tun/tap interface flags (ifr_flags of TUNSETIFF: IFF_TUN, IFF_TAP, IFF_NO_PI, …).",
      defines(h("if_tun.h"), "IFF_"),
    ],
    [
      "LINUX_IF",
      "Interface name buffer size, NUL included (linux/if.h IFNAMSIZ).",
      new Map([["IFNAMSIZ", ifnamsiz]]),
    ],
    ["SIOC", "Socket ioctls (linux/sockios.h: SIOCGSKNS, …).", defines(SYS + "sockios.h", "SIOC")],
  ],
);

// BPF (linux/bpf.h, asm/unistd.h): what loading a program for a route's BPF
// encapsulation takes (the tests load one; the library takes descriptors).
{
  const bpf = SYS + "bpf.h";
  const cmds = namedEnum(bpf, "bpf_cmd", "BPF_");
  emitModule(
    OUT + "bpf.ts",
    "BPF commands, program types and the BPF_PROG_LOAD attributes from the system's linux/bpf.h; the bpf(2) syscall numbers from asm/unistd_64.h (x86_64) and asm-generic/unistd.h (aarch64).",
    [
      "BPF",
      {
        ...emptyOut(),
        structs: {
          // union bpf_attr's BPF_PROG_LOAD member, its first fields (the kernel
          // takes a shorter attr when the rest would be zero): pointers as u64.
          bpfAttrProgLoad: [
            ["progType", "u32", undefined],
            ["insnCnt", "u32", undefined],
            ["insns", "u64", undefined],
            ["license", "u64", undefined],
            ["logLevel", "u32", undefined],
            ["logSize", "u32", undefined],
            ["logBuf", "u64", undefined],
            ["kernVersion", "u32", undefined],
            ["progFlags", "u32", undefined],
            ["progName", "binary", 16],
          ] as MemberRow[],
          // union bpf_attr's BPF_OBJ_PIN / BPF_OBJ_GET member: the path (a pointer), the fd, flags.
          bpfAttrObj: [
            ["pathname", "u64", undefined],
            ["bpfFd", "u32", undefined],
            ["fileFlags", "u32", undefined],
          ] as MemberRow[],
        },
      },
    ],
    [
      [
        "BPF_CMD",
        "bpf(2) commands (enum bpf_cmd) used here.",
        new Map([...cmds].filter(([k]) => k === "PROG_LOAD" || k === "OBJ_GET" || k === "OBJ_PIN")),
      ],
      [
        "BPF_PROG_TYPE",
        "BPF program types (enum bpf_prog_type).",
        namedEnum(bpf, "bpf_prog_type", "BPF_PROG_TYPE_"),
      ],
      [
        "SYS_BPF",
        "The bpf(2) syscall number by architecture (process.arch).",
        new Map([
          ["x64", defines("/usr/include/x86_64-linux-gnu/asm/unistd_64.h", "__NR_bpf").get("")!],
          ["arm64", defines("/usr/include/asm-generic/unistd.h", "__NR_bpf").get("")!],
        ]),
      ],
    ],
  );
}

console.log("tables written to", OUT);
