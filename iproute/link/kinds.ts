/**
 * Link kinds and their data types: the kinds with an attribute table come
 * from the generated tables (rt-link's sub-message and the header-derived
 * ones), typed by that table; the others the kernel offers take raw
 * IFLA_INFO_DATA bytes, or no data.
 *
 * @module
 */
import type { LinkinfoDataMsg as YnlKinds } from "../../core/tables/rt_link.ts";
import type { LinkinfoDataMsg as HeaderKinds } from "../../core/tables/uapi.ts";

/** Kind data by kind, as the generated tables type it. */
export type LinkKindTables = YnlKinds & HeaderKinds;

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

/** Values some kinds take in another form than the table's (what `normaliseData` converts). */
interface OtherForms {
  vlan: { protocol: VlanProtocolName };
  gre: { ikey: string; okey: string };
  gretap: { ikey: string; okey: string };
}
type OtherForm<K, A> = K extends keyof OtherForms
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
