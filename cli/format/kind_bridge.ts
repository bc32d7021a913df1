/**
 * Bridges and bridge ports as `ip -d link` (iproute2 6.1) prints their data:
 * iplink_bridge.c's and iplink_bridge_slave.c's print_opt, attribute by
 * attribute, in their order and spelling.
 *
 * @module
 */
import { BRIDGE_PORT_STATES } from "../../iproute/names.ts";
import {
  all,
  bridgeId,
  hex0x,
  hexNum,
  type KindPiece,
  type KindPrinter,
  named,
  num,
  onOff,
  onOffs,
  snake,
  timers,
  uint,
  uints,
} from "./kind_fields.ts";

/** BR_BOOLOPT_* bits ip prints from IFLA_BR_MULTI_BOOLOPT, in its order. */
const BOOLOPTS: [bit: number, key: string][] = [
  [0, "no_linklocal_learn"],
  [1, "mcast_vlan_snooping"],
];

/** The bridge's boolean options, each printed when its mask bit is set (`no_linklocal_learn 0`). */
const boolopts: KindPrinter = (d) => {
  const m = d.multiBoolopt as { optval?: number; optmask?: number } | undefined;
  if (!m || m.optmask === undefined) return [];
  return BOOLOPTS.filter(([bit]) => m.optmask! & (1 << bit)).map(([bit, key]) => {
    const v = m.optval! & (1 << bit) ? 1 : 0;
    return { key, json: v, text: `${key} ${v} ` };
  });
};

/** ll_proto_n2a for the two bridge VLAN protocols. */
function vlanProtocol(v: unknown): string | undefined {
  const n = num(v);
  return n === 0x8100
    ? "802.1Q"
    : n === 0x88a8
    ? "802.1ad"
    : n === undefined
    ? undefined
    : hex0x(n);
}

/**
 * A bridge's data (IFLA_BR_*) as `ip -d link` prints it: `forward_delay 1500
 * hello_time 200 … nf_call_arptables 0`.
 */
export const BRIDGE_DATA: KindPrinter = all(
  uints("forwardDelay", "helloTime", "maxAge", "ageingTime", "stpState", "priority"),
  uints("vlanFiltering"),
  named("vlanProtocol", "vlan_protocol", vlanProtocol),
  bridgeId("bridgeId", "bridge_id", "bridge_id"),
  bridgeId("rootId", "root_id", "designated_root"),
  uints("rootPort", "rootPathCost", "topologyChange", "topologyChangeDetected"),
  timers("helloTimer", "tcnTimer", "topologyChangeTimer", "gcTimer"),
  uints("vlanDefaultPvid", "vlanStatsEnabled", "vlanStatsPerPort"),
  hexNum("groupFwdMask", "group_fwd_mask"),
  named("groupAddr", "group_addr", (v) => String(v), "group_address"),
  uints("mcastSnooping"),
  boolopts,
  uints("mcastRouter", "mcastQueryUseIfaddr", "mcastQuerier", "mcastHashElasticity"),
  uints("mcastHashMax"),
  // ip's JSON keys are the attribute names; its text spells some words out.
  ...[
    ["mcastLastMemberCnt", "mcast_last_member_count"],
    ["mcastStartupQueryCnt", "mcast_startup_query_count"],
    ["mcastLastMemberIntvl", "mcast_last_member_interval"],
    ["mcastMembershipIntvl", "mcast_membership_interval"],
    ["mcastQuerierIntvl", "mcast_querier_interval"],
    ["mcastQueryIntvl", "mcast_query_interval"],
    ["mcastQueryResponseIntvl", "mcast_query_response_interval"],
    ["mcastStartupQueryIntvl", "mcast_startup_query_interval"],
  ].map(([attr, word]) => uint(attr!, snake(attr!), word)),
  uints("mcastStatsEnabled", "mcastIgmpVersion", "mcastMldVersion"),
  uints("nfCallIptables", "nfCallIp6tables", "nfCallArptables"),
);

/** Group forwarding mask bits ip names (iplink_bridge_slave.c's fwd_mask_tbl). */
const FWD_MASK_NAMES: Record<number, string> = { 0: "stp", 2: "lacp", 14: "lldp" };

/** The port's group forwarding mask, and its bits by name (`0x0` for none; others in hex). */
const groupFwdMask: KindPrinter = (d) => {
  const v = num(d.groupFwdMask);
  if (v === undefined) return [];
  const bits: string[] = [];
  for (let i = 0; i < 16; i++) {
    if (v & (1 << i)) bits.push(FWD_MASK_NAMES[i] ?? `0x${(1 << i).toString(16)}`);
  }
  const str = bits.length ? bits.join(",") : "0x0";
  return [
    { key: "group_fwd_mask", json: hex0x(v), text: `group_fwd_mask ${hex0x(v)} ` },
    { key: "group_fwd_mask_str", json: str, text: `group_fwd_mask_str ${str} ` },
  ];
};

/** ip prints fast_leave twice: as `fastleave`, and in text only as `mcast_fast_leave`. */
const mcastFastLeave: KindPrinter = (d) => {
  const v = num(d.fastLeave);
  return v === undefined ? [] : [{ text: `mcast_fast_leave ${v ? "on" : "off"} ` } as KindPiece];
};

/** A port state by name (`forwarding`); others as `state (N)` / `state_index`. */
const portState: KindPrinter = (d) => {
  const v = num(d.state);
  if (v === undefined) return [];
  const name = BRIDGE_PORT_STATES.name(v);
  return typeof name === "string"
    ? [{ key: "state", json: name, text: `state ${name} ` }]
    : [{ key: "state_index", json: v, text: `state (${v}) ` }];
};

/**
 * A bridge port's data (IFLA_BRPORT_*) as `ip -d link` prints it after
 * `bridge_slave`: `state forwarding priority 32 cost 2 hairpin off …`.
 */
export const BRIDGE_PORT_DATA: KindPrinter = all(
  portState,
  uints("priority", "cost"),
  onOff("mode", "hairpin"),
  onOff("guard", "guard"),
  onOff("protect", "root_block"),
  onOff("fastLeave", "fastleave"),
  onOff("learning", "learning"),
  onOff("unicastFlood", "flood"),
  hexNum("id", "id", "port_id"),
  hexNum("no", "no", "port_no"),
  uints("designatedPort", "designatedCost"),
  bridgeId("bridgeId", "bridge_id", "designated_bridge"),
  bridgeId("rootId", "root_id", "designated_root"),
  timers("holdTimer", "messageAgeTimer", "forwardDelayTimer"),
  uints("topologyChangeAck", "configPending"),
  onOff("proxyarp", "proxy_arp"),
  onOff("proxyarpWifi", "proxy_arp_wifi"),
  uint("multicastRouter", "multicast_router", "mcast_router"),
  mcastFastLeave,
  onOffs("mcastFlood", "bcastFlood"),
  onOff("mcastToUcast", "mcast_to_unicast"),
  onOffs("neighSuppress"),
  groupFwdMask,
  onOffs("vlanTunnel", "isolated", "locked"),
  named("backupPort", "backup_port", (v, names) => {
    const n = num(v);
    return n === undefined ? undefined : names.name(n);
  }),
);
