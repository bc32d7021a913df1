/**
 * nlroute: Linux netlink for Deno and Bun, through libc FFI, with no native
 * build step. IPRoute for links, addresses, routes, neighbours, rules, nexthop
 * objects and bridge fdb; typed results; the async netlink core underneath.
 *
 * @example
 * ```ts
 * import { IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open();
 * const links = await ipr.getLinks();
 * for (const link of links) console.log(link.index, link.ifname, link.state);
 * assert.equal(links.find((l) => l.ifname === "lo")?.index, 1);
 * ```
 *
 * @module
 */
export { IPRoute, type IPRouteOptions } from "./iproute/iproute.ts";
export { Batch, type BatchTarget } from "./iproute/batch.ts";
export { LazyDump } from "./iproute/lazy_dump.ts";
export { type Ack, type BatchMethod, type ChangeOf, type ObjectMethod } from "./iproute/methods.ts";
export {
  type AnyObjectDef,
  type Command,
  type CommandOf,
  type GroupOf,
  type ObjectDef,
  type ResultClass,
  type ResultOf,
  type SpecOf,
} from "./iproute/object.ts";
export {
  ADDRLABEL,
  type AddrLabelObject,
  type AddrObject,
  EVENT_OBJECTS,
  type FdbObject,
  type LinkObject,
  MDB,
  type MdbObject,
  type NeighObject,
  type NeighTableObject,
  NETCONF,
  type NetconfObject,
  type NexthopObject,
  NTABLE,
  type ObjectName,
  OBJECTS,
  type RouteObject,
  type RuleObject,
  STATS,
  type StatsObject,
  VLAN,
  VLANDB,
  type VlanDbObject,
  type VlanObject,
} from "./iproute/objects.ts";
export { type LinkLookup, UnknownInterfaceError } from "./iproute/refs.ts";
export { Link } from "./iproute/link/link.ts";
export { LINK_GROUPS } from "./iproute/link/object.ts";
export {
  type KindData,
  type LinkKind,
  type LinkKindSpec,
  type LinkKindTables,
  type OtherForm,
  type OtherForms,
  RAW_LINK_KINDS,
  type VlanProtocolName,
} from "./iproute/link/kinds.ts";
export {
  LINK_COMMANDS,
  type LinkBaseSpec,
  type LinkCommand,
  type LinkSpec,
} from "./iproute/link/request.ts";
export { Address } from "./iproute/addr/address.ts";
export { ADDR_COMMANDS, type AddrSpec } from "./iproute/addr/request.ts";
export { ADDR_GROUPS } from "./iproute/addr/object.ts";
export { type NextHop, type NextHopSpec } from "./iproute/route/multipath.ts";
export type {
  BpfEncap,
  BpfProgram,
  EncapTypeName,
  Ioam6Encap,
  Ioam6Mode,
  Ip6Encap,
  IpEncap,
  MplsEncap,
  RawEncap,
  RouteEncap,
  Seg6Encap,
  Seg6LocalAction,
  Seg6LocalCounters,
  Seg6LocalEncap,
  Seg6LocalFlavor,
  Seg6Mode,
  Seg6Srh,
  TunnelFlag,
} from "./iproute/route/encap.ts";
export { Route, type RouteIdentity } from "./iproute/route/route.ts";
export { ROUTE_COMMANDS, type RouteSpec, tableId } from "./iproute/route/request.ts";
export { ROUTE_GROUPS } from "./iproute/route/object.ts";
export { Neighbour } from "./iproute/neigh/neighbour.ts";
export {
  FDB_COMMANDS,
  type FdbSpec,
  NEIGH_COMMANDS,
  type NeighSpec,
} from "./iproute/neigh/request.ts";
export { NEIGH_GROUPS } from "./iproute/neigh/object.ts";
export { type Range, Rule } from "./iproute/rule/rule.ts";
export { RULE_COMMANDS, type RuleSpec } from "./iproute/rule/request.ts";
export { RULE_GROUPS } from "./iproute/rule/object.ts";
export { type GroupMember, Nexthop } from "./iproute/nexthop/nexthop.ts";
export { NEXTHOP_COMMANDS, type NexthopSpec } from "./iproute/nexthop/request.ts";
export { NEXTHOP_GROUPS } from "./iproute/nexthop/object.ts";
export { Netconf } from "./iproute/netconf/netconf.ts";
export { NETCONF_GROUPS } from "./iproute/netconf/object.ts";
export { NETCONF_COMMANDS, NETCONF_PSEUDO, type NetconfSpec } from "./iproute/netconf/request.ts";
export { NeighTable } from "./iproute/ntable/ntable.ts";
export {
  type NeighTableParm,
  type NeighTableSpec,
  NTABLE_COMMANDS,
  NTABLE_PARMS,
} from "./iproute/ntable/request.ts";
export {
  decodeRouteDump,
  encodeRouteDump,
  type RestoreResult,
  restoreRoutes,
  ROUTE_DUMP_MAGIC,
  routeSpecOf,
  saveRoutes,
  saveRoutesJSON,
} from "./iproute/route/save.ts";
export { AddrLabel } from "./iproute/addrlabel/addrlabel.ts";
export { type LinkCounters, LinkStats } from "./iproute/stats/stats.ts";
export {
  STATS_COMMANDS,
  STATS_GROUPS,
  type StatsGroup,
  type StatsSpec,
} from "./iproute/stats/request.ts";
export { ADDRLABEL_COMMANDS, type AddrLabelSpec } from "./iproute/addrlabel/request.ts";
export { type PortVlan, PortVlans } from "./iproute/vlan/vlan.ts";
export { VID_MAX, VID_MIN, VLAN_COMMANDS, type VlanSpec } from "./iproute/vlan/request.ts";
export { Mdb, type MdbEntry, type MdbRouter } from "./iproute/mdb/mdb.ts";
export { MDB_COMMANDS, type MdbSpec } from "./iproute/mdb/request.ts";
export { MDB_GROUPS } from "./iproute/mdb/object.ts";
export { VlanDb, type VlanDbEntry } from "./iproute/vlandb/vlandb.ts";
export {
  VLAN_STATES,
  VLANDB_COMMANDS,
  type VlanDbSpec,
  type VlanStateName,
} from "./iproute/vlandb/request.ts";
export {
  type TunOwnership,
  type TunTapFlags,
  type TunTapMode,
  TunTapQueue,
} from "./iproute/tuntap/device.ts";
export type {
  TunTapAck,
  TunTapDelSpec,
  TunTapOpenSpec,
  TunTapSpec,
} from "./iproute/tuntap/request.ts";
export { Filter, Qdisc, TcMessage, type TcStats, TrafficClass } from "./iproute/tc/tc.ts";
export {
  ACTION,
  ACTION_COMMANDS,
  ActionMessage,
  type ActionObject,
  type StandaloneActionSpec,
} from "./iproute/tc/standalone.ts";
export {
  FILTER,
  type FilterObject,
  QDISC,
  type QdiscObject,
  TC_GROUPS,
  TCLASS,
  type TclassObject,
} from "./iproute/tc/object.ts";
export {
  type Estimator,
  FILTER_COMMANDS,
  type FilterSpec,
  type FilterSpecBase,
  type Handle,
  QDISC_COMMANDS,
  type QdiscSpec,
  type QdiscSpecBase,
  type RawKind,
  type TcCommon,
  TCLASS_COMMANDS,
  type TclassSpec,
  type TclassSpecBase,
} from "./iproute/tc/request.ts";
export {
  type HtbQdiscOptions,
  type Rate,
  type Size,
  type TbfOptions,
  type Time,
} from "./iproute/tc/qdiscs.ts";
export { type HtbClassOptions } from "./iproute/tc/classes.ts";
export {
  type BfifoOptions,
  type CakeDiffserv,
  type CakeFlowMode,
  type CakeOptions,
  type FqCodelOptions,
  type FqOptions,
  type HfscClassOptions,
  type HfscCurve,
  type HfscQdiscOptions,
  type MqprioOptions,
  type NetemLossGemodel,
  type NetemLossState,
  type NetemOptions,
  type NetemSlot,
  type Percent,
  type PfifoOptions,
  type PrioOptions,
  type SfqOptions,
} from "./iproute/tc/qdiscs_more.ts";
export { type ClsFlags, type U32Options } from "./iproute/tc/filters.ts";
export {
  TC_U32,
  type U32At,
  type U32EtherMatch,
  type U32IcmpMatch,
  type U32Ip6Match,
  type U32IpMatch,
  type U32Key,
  type U32Match,
  type U32PortMatch,
  type U32ProtocolName,
  type U32Value,
} from "./iproute/tc/u32.ts";
export { type LinkLayer, type RateOptions } from "./iproute/tc/rates.ts";
export {
  type Action,
  type ActionCommon,
  type ActionSpec,
  type GactAction,
  type MirredAction,
  type RawAction,
  type SharedAction,
} from "./iproute/tc/actions.ts";
export { type FlowerMasked, type FlowerOptions, type FlowerPort } from "./iproute/tc/flower.ts";
export {
  type BasicOptions,
  type BpfInsn,
  type BpfOptions,
  type FwOptions,
  type MatchallOptions,
  type RouteOptions,
  type WithClassid,
} from "./iproute/tc/filters_more.ts";
export { type PoliceAction } from "./iproute/tc/police.ts";
export {
  type CsumAction,
  type CsumTarget,
  type PeditAction,
  type PeditHeader,
  type PeditKey,
  type PeditMunge,
  type SkbeditAction,
  type VlanAction,
} from "./iproute/tc/actions_more.ts";
export { type Verdict } from "./iproute/tc/verdict.ts";
export {
  formatHandle,
  formatRate,
  formatSize,
  formatTime,
  parseHandle,
  parseParent,
  parseRate,
  parseSize,
  parseTime,
} from "./iproute/tc/units.ts";
export { Nsid } from "./iproute/nsid/nsid.ts";
export { NSID_COMMANDS, type NsidSpec } from "./iproute/nsid/request.ts";
export { NSID_GROUPS } from "./iproute/nsid/object.ts";
export { messageName, RtMessage } from "./iproute/message.ts";
export { NameMap, setIproute2ConfigDirs } from "./iproute/name_map.ts";
export {
  type AddrFlagName,
  FAMILIES,
  type Family,
  type NeighFlagName,
  type NudStateName,
  REALMS,
  ROUTE_PROTOCOLS,
  ROUTE_TYPES,
  type RouteProtocolName,
  type RouteTypeName,
  RULE_ACTIONS,
  type RuleActionName,
  type ScopeName,
  SCOPES,
  type TableName,
  TABLES,
} from "./iproute/names.ts";
export { type Spec } from "./iproute/spec.ts";
export { type ConsumerOptions, Monitor, type MonitorOptions } from "./iproute/monitor.ts";
export {
  decodeUEvent,
  parseUEvent,
  UEvent,
  UEVENT_ACTIONS,
  type UEventAction,
  type UEventSource,
} from "./uevent/event.ts";
export {
  openUEvents,
  type UEventConsumerOptions,
  type UEventFilter,
  type UEventGroup,
  type UEventItem,
  UEventMonitor,
  type UEventMonitorOptions,
  waitForDevice,
  type WaitForDeviceOptions,
} from "./uevent/monitor.ts";
export {
  decodeEvent,
  DEFAULT_GROUPS,
  type EventOf,
  type EventSelector,
  type GroupName,
  groupNumbers,
  type KindEvent,
  type MonitorEvent,
  type OverrunEvent,
  type RtmName,
} from "./iproute/events.ts";
export {
  ArgumentError,
  ClosedError,
  DecodeError,
  DumpInterruptedError,
  type ExtAck,
  NetlinkError,
  OverrunError,
  SyscallError,
} from "./core/errors.ts";
export {
  type BatchResult,
  type Decoder,
  type MessageRef,
  NetlinkMessage,
  type Overrun,
  type Request,
  type Response,
} from "./core/message.ts";
export { NetlinkSocket, type OpenOptions, type SocketOptions } from "./core/socket.ts";
export type { RequestOptions, SocketStats } from "./core/engine.ts";
export type { Dump, DumpOptions } from "./core/dump.ts";
export type { SubscribeOptions, Subscription } from "./core/subscription.ts";
export { type NetlinkProtocol, PROTOCOL, protocolOf, type Protocols } from "./core/protocol.ts";
export { decoderOf, LazyMessage, type MessageShape, messageShape } from "./core/lazy.ts";
export { jsonSafe } from "./core/json.ts";
export {
  type AttrDef,
  type AttrOpts,
  type AttrRow,
  AttrSet,
  decodeAttrs,
  encodeAttrs,
  type EnumDef,
  Registry,
  type SpecData,
  type StructDef,
  type StructMember,
  type StructRow,
} from "./core/schema.ts";
export {
  type MemberOf,
  type MemberValue,
  type StructLayout,
  type StructValues,
  writeStruct,
} from "./core/layout.ts";
export { type Writer } from "./core/codec.ts";
export { type NetnsRef } from "./core/nsenter.ts";
export { RTM, RTNLGRP } from "./core/tables/constants.ts";
export { GENETLINK_STRUCTS } from "./core/tables/genetlink.ts";
export { NFNETLINK_STRUCTS } from "./core/tables/nfnetlink.ts";
export { NETLINK_ROUTE, NLM_F, NLMSG } from "./core/constants.ts";
export { AF_BRIDGE, AF_INET, AF_INET6, AF_UNSPEC } from "./core/address.ts";
export * from "./netns/mod.ts";
export { type Callback, type CommitHook } from "./ipdb/callbacks.ts";
export { type CreateSpec, IPDB, type IPDBOptions } from "./ipdb/ipdb.ts";
export {
  type Interfaces,
  InterfacesView,
  type Routes,
  RoutesView,
  type RoutingTable,
  RoutingTableView,
  type Rules,
  RulesView,
  type Tables,
  TablesView,
  type Views,
} from "./ipdb/views.ts";
export { Interface, type IpAddr } from "./ipdb/interface.ts";
export { type RouteField, RouteRecord } from "./ipdb/routes.ts";
export { RuleRecord } from "./ipdb/rules.ts";
export { CommitError, type Step } from "./ipdb/plan.ts";
export { Record_ as IPDBRecord, type Scope, type Tx } from "./ipdb/record.ts";
export * from "./genl/mod.ts";

// -- socket diagnostics (NETLINK_SOCK_DIAG) --------------------------------------
export { DiagSocket, type DiagSocketOptions } from "./diag/diag_socket.ts";
export {
  type Endpoint,
  type InetExtension,
  type InetQuery,
  type InetSocket,
  SOCKET_STATES,
  type SocketState,
} from "./diag/inet.ts";
export { type UnixQuery, type UnixSocket } from "./diag/unix.ts";

// Connection tracking (NETLINK_NETFILTER, ctnetlink).
export * from "./netfilter/mod.ts";
