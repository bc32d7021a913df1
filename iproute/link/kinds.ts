/**
 * Link kinds and their data types: the kinds with an attribute table come
 * from the generated tables (rt-link's sub-message and the header-derived
 * ones), typed by that table; the others the kernel offers take raw
 * IFLA_INFO_DATA bytes, or no data.
 *
 * @module
 */
import type { LinkinfoDataMsg } from "../../core/tables/rt_link.ts";

/** Kind data by kind, as the generated tables type it (rt-link's kinds and the header-derived ones). */
export type LinkKindTables = LinkinfoDataMsg;

/**
 * Kinds the kernel offers without an attribute table here (their data, where
 * they have any, is given as raw bytes): devices configured by kind alone or
 * through other interfaces (team and wireguard by generic netlink).
 */
export const RAW_LINK_KINDS = [
  "dummy",
  "ifb",
  "nlmon",
  "vcan",
  "vxcan",
  "team",
  "wireguard",
  "macsec",
  "xfrm",
  "ip6gretap",
  "ip6erspan",
  "bareudp",
  "amt",
  "gtp",
  "virt_wifi",
  "ipoib",
] as const;

/** A link kind (`veth`, `bridge`, `vxlan`, `dummy`, …): a misspelled one does not compile. */
export type LinkKind = (keyof LinkKindTables & string) | typeof RAW_LINK_KINDS[number];

/** iproute2's spellings of the vlan protocols (the table's own are `8021q`, `8021ad`). */
export type VlanProtocolName = "802.1Q" | "802.1q" | "802.1ad";

/** Values some kinds take in another form than the table's (what the request builder converts). */
export interface OtherForms {
  /** vlan: iproute2's spellings of the protocol. */
  vlan: { protocol: VlanProtocolName };
  /** gre: keys as dotted quads. */
  gre: { ikey: string; okey: string };
  /** gretap: keys as dotted quads. */
  gretap: { ikey: string; okey: string };
}
/** The other form kind `K` takes for attribute `A`, if any. */
export type OtherForm<K, A> = K extends keyof OtherForms
  ? A extends keyof OtherForms[K] ? OtherForms[K][A] : never
  : never;

/**
 * A kind's data as given: the table's attributes, where `link` may be an
 * interface name (and a few values iproute2's forms: vlan protocols, gre keys
 * as dotted quads).
 */
export type KindData<K> = K extends keyof LinkKindTables ? {
    [A in keyof LinkKindTables[K]]:
      | LinkKindTables[K][A]
      | (A extends "link" ? string : never)
      | OtherForm<K, A>;
  }
  : never;

/**
 * The `kind` and `data` of a link spec, tied together: `data` has the kind's
 * attributes (or raw bytes); veth takes `peer` instead of data.
 */
export type LinkKindSpec =
  | { [K in Exclude<keyof LinkKindTables, "veth">]: { kind: K; data?: KindData<K> | Uint8Array } }[
    Exclude<keyof LinkKindTables, "veth">
  ]
  | { kind: "veth"; data?: never }
  | { kind: typeof RAW_LINK_KINDS[number]; data?: Uint8Array }
  | { kind?: undefined; data?: undefined };
