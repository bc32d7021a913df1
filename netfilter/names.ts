/**
 * Names of conntrack numbers, from the generated tables (`core/tables/ctnetlink.ts`,
 * `core/tables/ipproto.ts`):
 * layer-4 protocols (`tcp` ↔ 6), status bits (`seenReply` ↔ IPS_SEEN_REPLY_BIT),
 * TCP and SCTP states (`ESTABLISHED` ↔ 3), address families.
 *
 * @module
 */
import { IPS_BIT, SCTP_CONNTRACK, TCP_CONNTRACK } from "../core/tables/ctnetlink.ts";
import { IPPROTO } from "../core/tables/ipproto.ts";
import { AF_INET, AF_INET6 } from "../core/address.ts";

/** A conntrack table's address family, as `conntrack -f` names it. */
export type ConntrackFamily = "ipv4" | "ipv6";

/** The address family number of a family name. */
export const FAMILY_NUMBER: Readonly<Record<ConntrackFamily, number>> = {
  ipv4: AF_INET,
  ipv6: AF_INET6,
};

/** The family name of an address family number (the number itself when not IPv4/IPv6). */
export function familyName(n: number): ConntrackFamily | number {
  return n === AF_INET ? "ipv4" : n === AF_INET6 ? "ipv6" : n;
}

/** camelCase of an upper-case C name (`SEEN_REPLY` → `seenReply`). */
function camel(name: string): string {
  return name.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * Conntrack status flag names (IPS_* bits, camelCase: `expected`, `seenReply`,
 * `assured`, `confirmed`, `srcNat`, `dstNat`, `seqAdjust`, `srcNatDone`,
 * `dstNatDone`, `dying`, `fixedTimeout`, `template`, `untracked`, `helper`,
 * `offload`, `hwOffload`).
 */
export type StatusFlag = {
  [K in keyof typeof IPS_BIT]: K extends `${infer A}_${infer B}_${infer C}`
    ? `${Lowercase<A>}${Capitalize<Lowercase<B>>}${Capitalize<Lowercase<C>>}`
    : K extends `${infer A}_${infer B}` ? `${Lowercase<A>}${Capitalize<Lowercase<B>>}`
    : Lowercase<K & string>;
}[keyof typeof IPS_BIT];

/** Status bit numbers by flag name. */
export const STATUS_BITS: ReadonlyMap<StatusFlag, number> = new Map(
  Object.entries(IPS_BIT).map(([k, v]) => [camel(k) as StatusFlag, v]),
);

/** The flag names of a status word, in bit order. */
export function statusNames(status: number): StatusFlag[] {
  const out: StatusFlag[] = [];
  for (const [name, bit] of STATUS_BITS) if (status & (1 << bit)) out.push(name);
  return out;
}

/** TCP conntrack state names (as `conntrack -L` prints them). */
export type TcpState = keyof typeof TCP_CONNTRACK;
/** SCTP conntrack state names. */
export type SctpState = keyof typeof SCTP_CONNTRACK;

const TCP_NAMES: string[] = [];
for (const [k, v] of Object.entries(TCP_CONNTRACK)) TCP_NAMES[v] ??= k;
const SCTP_NAMES: string[] = [];
for (const [k, v] of Object.entries(SCTP_CONNTRACK)) SCTP_NAMES[v] ??= k;

/** The name of a TCP conntrack state (the number when unknown). */
export function tcpStateName(n: number): TcpState | number {
  return (TCP_NAMES[n] as TcpState | undefined) ?? n;
}
/** The name of an SCTP conntrack state (the number when unknown). */
export function sctpStateName(n: number): SctpState | number {
  return (SCTP_NAMES[n] as SctpState | undefined) ?? n;
}

/**
 * Layer-4 protocol names (lower case, as `conntrack -p` takes them: `tcp`,
 * `udp`, `icmp`, …): the IPPROTO numbers up to 255 (CTA_PROTO_NUM is a u8;
 * SMC and MPTCP, above, are socket()-only).
 */
export type ProtocolName = Lowercase<Exclude<keyof typeof IPPROTO, "SMC" | "MPTCP">>;

const IN_TUPLES = Object.entries(IPPROTO).filter(([, v]) => v <= 0xff);
const PROTO_NAMES: string[] = [];
for (const [k, v] of IN_TUPLES) PROTO_NAMES[v] ??= k.toLowerCase();
/** Protocol numbers (up to 255) by lower-case name. */
export const PROTOCOL_NUMBERS: ReadonlyMap<string, number> = new Map(
  IN_TUPLES.map(([k, v]) => [k.toLowerCase(), v]),
);

/** The name of a protocol number (the number when it has none). */
export function protocolName(n: number): ProtocolName | number {
  return (PROTO_NAMES[n] as ProtocolName | undefined) ?? n;
}

/** Protocols whose tuples carry ports (CTA_PROTO_SRC_PORT/DST_PORT). */
export const PORT_PROTOCOLS: ReadonlySet<number> = new Set([
  IPPROTO.TCP,
  IPPROTO.UDP,
  IPPROTO.UDPLITE,
  IPPROTO.SCTP,
  IPPROTO.DCCP,
]);

/**
 * ICMP query types and the type of their answer, as the kernel inverts
 * tuples (nf_conntrack_proto_icmp.c's invmap: echo, timestamp, information,
 * address mask; nf_conntrack_proto_icmpv6.c's: echo, node information).
 */
export const ICMP_INVERSE: Readonly<Record<number, Readonly<Record<number, number>>>> = {
  [IPPROTO.ICMP]: { 8: 0, 0: 8, 13: 14, 14: 13, 15: 16, 16: 15, 17: 18, 18: 17 },
  [IPPROTO.ICMPV6]: { 128: 129, 129: 128, 139: 140, 140: 139 },
};
