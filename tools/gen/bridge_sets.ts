/**
 * The bridge's own rtnetlink tables, from the kernel's 6.12 uapi
 * linux/if_bridge.h (the YNL specs have none): VLANs of ports as
 * IFLA_AF_SPEC carries them on AF_BRIDGE links (IFLA_BRIDGE_*, struct
 * bridge_vlan_info), the VLAN database messages (RTM_NEWVLAN: struct
 * br_vlan_msg, BRIDGE_VLANDB_*), and the multicast database (RTM_NEWMDB:
 * struct br_port_msg, struct br_mdb_entry, MDBA_*, MDBE_*). Attribute types
 * are those of the kernel's policies and fill functions (br_vlan_fill,
 * br_vlan_fill_vids, br_mdb_fill_info, br_rports_fill_info).
 *
 * @module
 */
import { defines, enumValues, struct } from "./cheader.ts";
import { emptyOut, type MemberRow, type Out, type Row } from "../../core/ynl.ts";
import { headerSet } from "./uapi_sets.ts";

const IP = { hint: "ip" };
const SIZE: Record<string, number> = { u8: 1, u16: 2, u32: 4, u64: 8 };

/**
 * The rows with C's padding written out as `pad` members (the attribute
 * decoder reads struct rows packed, as YNL declares them; the headers rely
 * on the compiler's alignment: br_port_msg's ifindex is at 4, br_mdb_entry
 * ends with 2 bytes of tail padding).
 */
function padded(rows: MemberRow[]): MemberRow[] {
  const out: MemberRow[] = [];
  let offset = 0;
  let align = 1;
  for (const r of rows) {
    const size = SIZE[r[1]] ?? 0;
    if (size) {
      const gap = (size - (offset % size)) % size;
      if (gap) out.push([`pad${offset}`, "pad", gap]);
      offset += gap;
      align = Math.max(align, size);
    }
    out.push(r);
    offset += size || (r[2] as number);
  }
  const tail = (align - (offset % align)) % align;
  if (tail) out.push([`pad${offset}`, "pad", tail]);
  return out;
}

/**
 * The bridge sets. `linkAttrs` is rt-link's link set: AF_BRIDGE link
 * messages are links whose IFLA_AF_SPEC holds IFLA_BRIDGE_* directly (not
 * per address family), so `bridgeLinkAttrs` is that set with `afSpec` nesting
 * `bridgeAfSpecAttrs`.
 */
export function bridgeSupplement(uapi: string, linkAttrs: readonly Row[]): Out {
  const out = emptyOut();
  const h = `${uapi}/if_bridge.h`;
  out.sets.bridgeLinkAttrs = linkAttrs.map((r) =>
    r[1] === "afSpec" ? [r[0], r[1], "nest", { nest: "bridgeAfSpecAttrs" }] as Row : r
  );
  out.sets.bridgeAfSpecAttrs = headerSet(h, "IFLA_BRIDGE_", {
    FLAGS: "u16",
    MODE: "u16",
    VLAN_INFO: ["binary", { struct: "bridgeVlanInfo", multi: true }],
    VLAN_TUNNEL_INFO: ["nest", { nest: "bridgeVlanTunnelAttrs", multi: true }],
    MRP: "binary",
    CFM: "binary",
    MST: "binary",
    // The enum starts at 0 (IFLA_BRIDGE_FLAGS) and has no UNSPEC: only its own
    // entries, not the IFLA_BRIDGE_MRP_* / _CFM_* / _VLAN_TUNNEL_* enums after it.
  }).filter((r) =>
    ["flags", "mode", "vlanInfo", "vlanTunnelInfo", "mrp", "cfm", "mst"].includes(r[1])
  );
  out.sets.bridgeVlanTunnelAttrs = headerSet(h, "IFLA_BRIDGE_VLAN_TUNNEL_", {
    ID: "u32",
    VID: "u16",
    FLAGS: "u16",
  });
  out.structs.bridgeVlanInfo = struct(h, "bridge_vlan_info");

  // The VLAN database (RTM_NEWVLAN / RTM_DELVLAN / RTM_GETVLAN).
  out.structs.brVlanMsg = struct(h, "br_vlan_msg");
  out.sets.brvlanDbAttrs = headerSet(h, "BRIDGE_VLANDB_", {
    ENTRY: ["nest", { nest: "brvlanEntryAttrs", multi: true }],
    GLOBAL_OPTIONS: ["nest", { nest: "brvlanGoptsAttrs", multi: true }],
  }).filter((r) => r[1] === "entry" || r[1] === "globalOptions");
  out.sets.brvlanDumpAttrs = headerSet(h, "BRIDGE_VLANDB_DUMP_", { FLAGS: "u32" });
  out.sets.brvlanEntryAttrs = headerSet(h, "BRIDGE_VLANDB_ENTRY_", {
    INFO: ["binary", { struct: "bridgeVlanInfo" }],
    RANGE: "u16",
    STATE: "u8",
    TUNNEL_INFO: ["nest", { nest: "brvlanTinfoAttrs" }],
    STATS: ["nest", { nest: "brvlanStatsAttrs" }],
    MCAST_ROUTER: "u8",
    MCAST_N_GROUPS: "u32",
    MCAST_MAX_GROUPS: "u32",
    NEIGH_SUPPRESS: "u8",
  });
  out.sets.brvlanTinfoAttrs = headerSet(h, "BRIDGE_VLANDB_TINFO_", { ID: "u32", CMD: "u32" });
  out.sets.brvlanStatsAttrs = headerSet(h, "BRIDGE_VLANDB_STATS_", {
    RX_BYTES: "u64",
    RX_PACKETS: "u64",
    TX_BYTES: "u64",
    TX_PACKETS: "u64",
    PAD: "pad",
  });
  out.sets.brvlanGoptsAttrs = headerSet(h, "BRIDGE_VLANDB_GOPTS_", {
    ID: "u16",
    RANGE: "u16",
    MCAST_SNOOPING: "u8",
    MCAST_IGMP_VERSION: "u8",
    MCAST_MLD_VERSION: "u8",
    MCAST_LAST_MEMBER_CNT: "u32",
    MCAST_STARTUP_QUERY_CNT: "u32",
    MCAST_LAST_MEMBER_INTVL: "u64",
    PAD: "pad",
    MCAST_MEMBERSHIP_INTVL: "u64",
    MCAST_QUERIER_INTVL: "u64",
    MCAST_QUERY_INTVL: "u64",
    MCAST_QUERY_RESPONSE_INTVL: "u64",
    MCAST_STARTUP_QUERY_INTVL: "u64",
    MCAST_QUERIER: "u8",
    MCAST_ROUTER_PORTS: "binary",
    MCAST_QUERIER_STATE: "binary",
    MSTI: "u16",
  });

  // The multicast database (RTM_NEWMDB / RTM_DELMDB / RTM_GETMDB).
  out.structs.brPortMsg = padded(struct(h, "br_port_msg"));
  // struct br_mdb_entry: the reader takes no nested anonymous struct/union,
  // so its members are written out here in the header's order. `addr.u` is a
  // union of __be32 ip4, struct in6_addr ip6 and a 6-byte MAC: 16 bytes;
  // `addr.proto` the group's protocol (ETH_P_IP, ETH_P_IPV6, 0 for a MAC).
  out.structs.brMdbEntry = padded([
    ["ifindex", "u32", undefined],
    ["state", "u8", undefined],
    ["flags", "u8", undefined],
    ["vid", "u16", undefined],
    ["addr", "binary", 16],
    ["proto", "u16", undefined, { be: true }],
  ]);
  out.sets.mdbaAttrs = headerSet(h, "MDBA_", {
    MDB: ["nest", { nest: "mdbaMdbAttrs" }],
    ROUTER: ["nest", { nest: "mdbaRouterAttrs" }],
  }).filter((r) => r[1] === "mdb" || r[1] === "router");
  out.sets.mdbaMdbAttrs = headerSet(h, "MDBA_MDB_", {
    ENTRY: ["nest", { nest: "mdbaMdbEntryAttrs", multi: true }],
  }).filter((r) => r[1] === "entry");
  out.sets.mdbaMdbEntryAttrs = headerSet(h, "MDBA_MDB_ENTRY_", {
    // The entry, then its MDBA_MDB_EATTR_* attributes (br_mdb_fill_info).
    INFO: ["nest", { nest: "mdbaMdbEattrAttrs", header: "brMdbEntry", multi: true }],
  });
  out.sets.mdbaMdbEattrAttrs = headerSet(h, "MDBA_MDB_EATTR_", {
    TIMER: "u32",
    SRC_LIST: ["nest", { nest: "mdbaMdbSrclistAttrs" }],
    GROUP_MODE: "u8",
    SOURCE: ["binary", IP],
    RTPROT: "u8",
    DST: ["binary", IP],
    DST_PORT: "u16",
    VNI: "u32",
    IFINDEX: "u32",
    SRC_VNI: "u32",
  });
  out.sets.mdbaMdbSrclistAttrs = headerSet(h, "MDBA_MDB_SRCLIST_", {
    ENTRY: ["nest", { nest: "mdbaMdbSrcattrAttrs", multi: true }],
  });
  out.sets.mdbaMdbSrcattrAttrs = headerSet(h, "MDBA_MDB_SRCATTR_", {
    ADDRESS: ["binary", IP],
    TIMER: "u32",
  });
  // MDBA_ROUTER_PORT: a u32 port index, then MDBA_ROUTER_PATTR_* attributes.
  out.structs.mdbaRouterPort = [["ifindex", "u32", undefined]] as MemberRow[];
  out.sets.mdbaRouterAttrs = headerSet(h, "MDBA_ROUTER_", {
    PORT: ["nest", { nest: "mdbaRouterPattrAttrs", header: "mdbaRouterPort", multi: true }],
  }).filter((r) => r[1] === "port");
  out.sets.mdbaRouterPattrAttrs = headerSet(h, "MDBA_ROUTER_PATTR_", {
    TIMER: "u32",
    TYPE: "u8",
    INET_TIMER: "u32",
    INET6_TIMER: "u32",
    VID: "u16",
  });
  // MDBA_SET_ENTRY (the entry) and MDBA_SET_ENTRY_ATTRS (MDBE_ATTR_*): one enum
  // whose first attribute has no suffix.
  const setEntry = enumValues(h, "MDBA_SET_ENTRY");
  out.sets.mdbaSetEntryAttrs = [
    [setEntry.get("")!, "entry", "binary", { struct: "brMdbEntry" }],
    [setEntry.get("_ATTRS")!, "attrs", "nest", { nest: "mdbeAttrs" }],
  ];
  out.sets.mdbeAttrs = headerSet(h, "MDBE_ATTR_", {
    SOURCE: ["binary", IP],
    SRC_LIST: ["nest", { nest: "mdbeSrcListAttrs" }],
    GROUP_MODE: "u8",
    RTPROT: "u8",
    DST: ["binary", IP],
    DST_PORT: "u16",
    VNI: "u32",
    IFINDEX: "u32",
    SRC_VNI: "u32",
    STATE_MASK: "u8",
  });
  out.sets.mdbeSrcListAttrs = headerSet(h, "MDBE_SRC_LIST_", {
    ENTRY: ["nest", { nest: "mdbeSrcattrAttrs", multi: true }],
  });
  out.sets.mdbeSrcattrAttrs = headerSet(h, "MDBE_SRCATTR_", { ADDRESS: ["binary", IP] });
  return out;
}

/** The bridge's constants: VLAN info flags, bridge flags and modes, mdb states and flags. */
export function bridgeConstants(uapi: string): [string, string, Map<string, number>][] {
  const h = `${uapi}/if_bridge.h`;
  return [
    [
      "BRIDGE_VLAN_INFO",
      "struct bridge_vlan_info flags (PVID, UNTAGGED, RANGE_BEGIN, …).",
      defines(h, "BRIDGE_VLAN_INFO_"),
    ],
    [
      "BRIDGE_FLAGS",
      "IFLA_BRIDGE_FLAGS: to the master, to the port itself.",
      defines(h, "BRIDGE_FLAGS_"),
    ],
    [
      "BRIDGE_VLANDB_DUMPF",
      "RTM_GETVLAN dump flags (BRIDGE_VLANDB_DUMP_FLAGS).",
      defines(h, "BRIDGE_VLANDB_DUMPF_"),
    ],
    [
      "MDB",
      "mdb entry states (MDB_TEMPORARY, MDB_PERMANENT).",
      defines(h, "MDB_", { from: "MDB_TEMPORARY", to: "MDB_FLAGS_OFFLOAD" }),
    ],
    ["MDB_FLAGS", "mdb entry flags (offload, fast leave, …).", defines(h, "MDB_FLAGS_")],
    [
      "MCAST_MODE",
      "Multicast filter modes of mdb entries (MDBA_MDB_EATTR_GROUP_MODE; linux/in.h MCAST_EXCLUDE/INCLUDE).",
      new Map(
        [...defines(`${uapi}/in.h`, "MCAST_")].filter(([k]) => k === "EXCLUDE" || k === "INCLUDE"),
      ),
    ],
    [
      "ETH_P",
      "Ethernet protocol numbers (linux/if_ether.h; mdb groups use IP and IPV6).",
      defines(`${uapi}/if_ether.h`, "ETH_P_"),
    ],
  ];
}
