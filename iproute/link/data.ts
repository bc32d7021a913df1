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

const VLAN_PROTOCOLS: Record<string, number> = {
  "802.1q": RT_LINK_ENUMS.vlanProtocols["8021q"],
  "802.1Q": RT_LINK_ENUMS.vlanProtocols["8021q"],
  "802.1ad": RT_LINK_ENUMS.vlanProtocols["8021ad"],
};

/**
 * The attribute table of a link kind's data (veth, bridge, vxlan, macvlan,
 * vlan, bond, vrf, gre, …); undefined for kinds without one.
 */
export function kindSet(kind: string): AttrSet | undefined {
  return SETS.linkinfo.get("data").sub?.formats.get(kind);
}

/**
 * Names other tools use for a kind's attributes, with the name the tables (and
 * so the results) use: a spec with one of them is refused with that hint, so
 * that a spec and the link it creates name each field the same way.
 */
const RENAMED: Record<string, Record<string, string>> = {
  vxlan: { vni: "id", remote: "group" },
  bridge: { stp: "stpState" },
};

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
 * Values given in the forms people write, converted before table encoding:
 * an IPv6 vxlan `group`/`local` goes to `group6`/`local6`, vlan
 * `protocol: "802.1ad"` is 0x88a8, gre `ikey`/`okey`
 * may be dotted quads. Names other tools use (`vni`, `remote`, `stp`) are
 * refused with the table's name.
 */
export function normaliseData(
  kind: string,
  data: Record<string, unknown>,
): Record<string, unknown> {
  for (const [from, to] of Object.entries(RENAMED[kind] ?? {})) {
    if (from in data) {
      throw new ArgumentError(
        `data.${from}`,
        `the attribute "${to}" (the name ${kind} links report it under)`,
        data[from],
        `Cannot use unknown attribute for ${kind}`,
      );
    }
  }
  const d = { ...data };
  if (kind === "vxlan") {
    for (const k of ["group", "local"]) {
      if (typeof d[k] === "string" && (d[k] as string).includes(":")) {
        if (`${k}6` in d) throw new ArgumentError(`data.${k}`, `either ${k} or ${k}6`, d[k]);
        d[`${k}6`] = d[k];
        delete d[k];
      }
    }
  } else if (kind === "vlan" && typeof d.protocol === "string" && d.protocol in VLAN_PROTOCOLS) {
    // iproute2's spellings; the table's own names (8021q, 8021ad) encode as they are.
    d.protocol = VLAN_PROTOCOLS[d.protocol];
  } else if (kind === "gre" || kind === "gretap") {
    for (const k of ["ikey", "okey"]) if (k in d) d[k] = greKey(d[k], `data.${k}`);
  }
  return d;
}
