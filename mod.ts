/**
 * nlroute: Linux netlink for Deno and Bun, through libc FFI, with no native
 * build step. IPRoute for links, addresses, routes, neighbours, rules, nexthop
 * objects and bridge fdb; typed results; the async netlink core underneath.
 *
 * @example
 * ```ts
 * import { IPRoute } from "@nlroute/nlroute";
 * await using ipr = await IPRoute.open();
 * for (const link of await ipr.getLinks()) console.log(link.index, link.ifname, link.state);
 * ```
 *
 * @module
 */
export { type Ack, Batch, IPRoute, type IPRouteOptions, LazyDump } from "./iproute/iproute.ts";
export { Link, type LinkCommand, type LinkSpec } from "./iproute/link.ts";
export { Address, type AddrSpec } from "./iproute/addr.ts";
export {
  type NextHop,
  type NextHopSpec,
  Route,
  type RouteIdentity,
  type RouteSpec,
} from "./iproute/route.ts";
export { type FdbSpec, Neighbour, type NeighSpec } from "./iproute/neigh.ts";
export { type Range, Rule, type RuleSpec } from "./iproute/rule.ts";
export { type GroupMember, Nexthop, type NexthopSpec } from "./iproute/nexthop.ts";
export { messageName, RtMessage } from "./iproute/message.ts";
export { type Spec } from "./iproute/spec.ts";
export { type ConsumerOptions, Monitor, type MonitorOptions } from "./iproute/monitor.ts";
export {
  decodeEvent,
  DEFAULT_GROUPS,
  groupNumbers,
  type KindEvent,
  type MonitorEvent,
  Netconf,
  type OverrunEvent,
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
export { decoderOf, LazyMessage } from "./core/lazy.ts";
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
export {
  type Callback,
  type CommitHook,
  type Interfaces,
  InterfacesView,
  IPDB,
  type IPDBOptions,
  type Routes,
  RoutesView,
  type RoutingTable,
  RoutingTableView,
  type Rules,
  RulesView,
  type Views,
} from "./ipdb/ipdb.ts";
export { Interface, type InterfaceDb, type IpAddr } from "./ipdb/interface.ts";
export { type RouteDb, type RouteField, RouteRecord } from "./ipdb/routes.ts";
export { type RuleDb, RuleRecord } from "./ipdb/rules.ts";
export { CommitError, type Step } from "./ipdb/plan.ts";
export { type Owner, Record_ as IPDBRecord, type Scope, type Tx } from "./ipdb/record.ts";
