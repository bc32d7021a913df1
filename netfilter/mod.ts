/**
 * Connection tracking (NETLINK_NETFILTER, NFNL_SUBSYS_CTNETLINK): the
 * {@link Conntrack} client, its results and request types.
 *
 * @module
 */
export {
  Conntrack,
  type ConntrackCount,
  type ConntrackEntryEvent,
  type ConntrackEvent,
  type ConntrackEventKind,
  type ConntrackEventOptions,
  type ConntrackOptions,
} from "./conntrack.ts";
export {
  ConntrackCpuStats,
  ConntrackEntry,
  type Counters,
  type Nat,
  type TcpInfo,
} from "./entry.ts";
export {
  type ConntrackCreateSpec,
  type ConntrackDeleteSpec,
  type ConntrackFilter,
  type ConntrackSelector,
  type ConntrackUpdateSpec,
} from "./request.ts";
export type { Tuple, TupleSpec } from "./tuple.ts";
export type { ConntrackFamily, ProtocolName, SctpState, StatusFlag, TcpState } from "./names.ts";
