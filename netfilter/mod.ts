/**
 * Netfilter over NETLINK_NETFILTER: connection tracking
 * (NFNL_SUBSYS_CTNETLINK: the {@link Conntrack} client, its results and
 * request types), ip sets (NFNL_SUBSYS_IPSET: the {@link IPSet} client,
 * its set types, members and results) and nftables (NFNL_SUBSYS_NFTABLES:
 * the {@link NFTables} client, its transactions, objects and events).
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
export {
  NFTables,
  type NFTablesOptions,
  type NftChangeKind,
  type NftEvent,
  type NftEventOptions,
  type NftFilter,
  type NftRuleset,
  type NftRulesetEvent,
  type NftSetWithElements,
} from "./nftables.ts";
export {
  NFT_MAX_BYTES,
  NFT_MAX_CHANGES,
  type NftFailure,
  NftTransaction,
  NftTransactionError,
} from "./nft_batch.ts";
export type {
  NftChain,
  NftChainRef,
  NftChainSpec,
  NftElement,
  NftElementSpec,
  NftSet,
  NftSetName,
  NftSetRef,
  NftSetSpec,
  NftTable,
  NftTableRef,
  NftTableSpec,
} from "./nft_objects.ts";
export {
  NFT_DATA_TYPES,
  NFT_FAMILIES,
  NFT_HOOKS,
  type NftChainType,
  type NftDataType,
  type NftFamily,
  type NftHook,
  type NftKey,
  type NftKeyType,
  type NftMapType,
  type NftPolicy,
  type NftSetFlag,
  type NftValue,
  type NftVerdict,
  type NftVerdictCode,
} from "./nft_names.ts";
