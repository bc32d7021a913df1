/**
 * Netfilter over NETLINK_NETFILTER: connection tracking
 * (NFNL_SUBSYS_CTNETLINK: the {@link Conntrack} client, its results and
 * request types) and ip sets (NFNL_SUBSYS_IPSET: the {@link IPSet} client,
 * its set types, members and results).
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
export {
  IPSet,
  type IPSetEntry,
  type IPSetHeader,
  type IPSetInfo,
  type IPSetInfoOf,
  type IPSetOptions,
  type IPSetOtherInfo,
} from "./ipset.ts";
export {
  type IPPortMember,
  IPSET_TYPES,
  type IPSetCreateOptions,
  type IPSetFamily,
  type IPSetMemberOptions,
  type IPSetMembers,
  type IPSetMemberSpec,
  type IPSetPortProtocol,
  type IPSetType,
  type NetIfaceMember,
} from "./ipset_request.ts";
