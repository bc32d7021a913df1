/**
 * Netconf entries as `ip netconf show` prints them (text and `-j`).
 *
 * @module
 */
import { type Netconf, NETCONF_PSEUDO } from "../../mod.ts";
import { familyName, type Field, fieldFormat, type Fields, type Format } from "./fields.ts";

/** ip's names of rp_filter's modes. */
const RP_FILTER = ["off", "strict", "loose"];

/** The pseudo interfaces' names by index (`all`, `default`), as ip prints them. */
const PSEUDO_NAMES = new Map(Object.entries(NETCONF_PSEUDO).map(([name, i]) => [i, name]));

const fields: Fields<Netconf> = (n, names) => {
  const fam = familyName(n.family);
  const iface = PSEUDO_NAMES.get(n.index ?? 0) ?? names.name(n.index ?? 0);
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
