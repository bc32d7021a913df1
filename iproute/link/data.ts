/**
 * Kind data of virtual links (IFLA_INFO_DATA): the table of each kind, and
 * the friendly aliases applied before table encoding.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import type { AttrSet } from "../../core/schema.ts";
import { RT_LINK_ENUMS } from "../../core/tables/rt_link.ts";
import { SETS } from "../registry.ts";
import { bool, int } from "../spec.ts";

const VLAN_PROTOCOLS: Record<string, number> = {
  "802.1q": RT_LINK_ENUMS.vlanProtocols["8021q"],
  "802.1Q": RT_LINK_ENUMS.vlanProtocols["8021q"],
  "802.1ad": RT_LINK_ENUMS.vlanProtocols["8021ad"],
};

/**
 * The attribute table of a link kind's data (veth, bridge, vxlan, macvlan,
 * vlan, bond, vrf, gre, …); undefined for kinds without one.
 *
 * @example
 * ```ts
 * import { kindSet } from "./data.ts";
 * kindSet("vxlan")?.name; // "linkinfoVxlanAttrs"
 * ```
 */
export function kindSet(kind: string): AttrSet | undefined {
  return SETS.linkinfo.get("data").sub?.formats.get(kind);
}

/** Moves `from` to `to` in `d` (both given is an error naming `from`). */
function rename(d: Record<string, unknown>, from: string, to: string, check = (v: unknown) => v) {
  if (!(from in d)) return;
  if (to in d) throw new ArgumentError(`data.${from}`, `either ${from} or ${to}`, d[from]);
  d[to] = check(d[from]);
  delete d[from];
}

/** A dotted-quad GRE key (`"0.0.0.42"`) as its number. */
function greKey(v: unknown, argument: string): unknown {
  if (typeof v !== "string") return v;
  const parts = v.split(".").map(Number);
  if (parts.length !== 4 || parts.some((x) => !(x >= 0 && x <= 255))) {
    throw new ArgumentError(argument, "a key number or dotted quad", v);
  }
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/**
 * Friendly aliases per kind, applied before table encoding: `vxlan.vni` →
 * `id`, IPv6 vxlan `group`/`local` → `group6`/`local6`, `remote` → `group`,
 * bridge `stp: true` → `stpState: 1`, vlan `protocol: "802.1ad"` → 0x88a8,
 * gre `ikey`/`okey` as dotted quads.
 */
export function normaliseData(
  kind: string,
  data: Record<string, unknown>,
): Record<string, unknown> {
  const d = { ...data };
  if (kind === "vxlan") {
    rename(d, "vni", "id", (v) => int(v, "data.vni", 0, 0xffffff));
    rename(d, "remote", "group");
    for (const k of ["group", "local"]) {
      if (typeof d[k] === "string" && (d[k] as string).includes(":")) rename(d, k, `${k}6`);
    }
  } else if (kind === "bridge") {
    rename(d, "stp", "stpState", (v) => (bool(v, "data.stp") ? 1 : 0));
  } else if (kind === "vlan" && typeof d.protocol === "string") {
    const p = VLAN_PROTOCOLS[d.protocol];
    if (p === undefined) throw new ArgumentError("data.protocol", "802.1Q or 802.1ad", d.protocol);
    d.protocol = p;
  } else if (kind === "gre" || kind === "gretap") {
    for (const k of ["ikey", "okey"]) if (k in d) d[k] = greKey(d[k], `data.${k}`);
  }
  return d;
}
