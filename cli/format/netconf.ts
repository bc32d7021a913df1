/**
 * Netconf entries as `ip netconf show` prints them (text and `-j`).
 *
 * @module
 */
import { AF_INET, AF_INET6, AF_MPLS } from "../../core/address.ts";
import type { Netconf } from "../../mod.ts";
import { type Field, fieldFormat, type Fields, type Format } from "./fields.ts";

/** ip's names of rp_filter's modes. */
const RP_FILTER = ["off", "strict", "loose"];

/** The pseudo interfaces' names, as ip prints them. */
function ifaceName(index: number | undefined, name: (i: number) => string): string {
  if (index === -1) return "all";
  if (index === -2) return "default";
  return name(index ?? 0);
}

const FAMILY: Record<number, string> = {
  [AF_INET]: "inet",
  [AF_INET6]: "inet6",
  [AF_MPLS]: "mpls",
};

const fields: Fields<Netconf> = (n, names) => {
  const fam = FAMILY[n.family] ?? `family ${n.family}`;
  const iface = ifaceName(n.index, (i) => names.name(i));
  const out: Field[] = [
    { key: "family", json: fam, text: fam },
    { key: "interface", json: iface, text: iface },
  ];
  const onOff = (key: string, v: number | undefined) => {
    if (v !== undefined) out.push({ key, json: v !== 0, text: `${key} ${v ? "on" : "off"}` });
  };
  onOff("forwarding", n.forwarding);
  const rp = n.rpFilter;
  if (rp !== undefined) {
    const t = RP_FILTER[rp] ?? "unknown mode";
    out.push({ key: "rp_filter", json: t, text: `rp_filter ${t}` });
  }
  onOff("mc_forwarding", n.mcForwarding);
  onOff("proxy_neigh", n.proxyNeigh);
  onOff("ignore_routes_with_linkdown", n.ignoreRoutesWithLinkdown);
  onOff("input", n.input);
  return out;
};

const base = fieldFormat(fields);

/** The format of netconf entries (ip ends each text line with a space). */
export const NETCONF_FORMAT: Format<Netconf> = {
  json: base.json,
  text: (n, names, paint, hide) => base.text(n, names, paint, hide) + " ",
};
