/**
 * IPv6 address labels as `ip addrlabel list` prints them (text and `-j`).
 *
 * @module
 */
import type { AddrLabel } from "../../mod.ts";
import { type Field, fieldFormat, type Fields, type Format } from "./fields.ts";

const fields: Fields<AddrLabel> = (l, names) => {
  const out: Field[] = [
    { key: "address", json: l.address, text: `prefix ${l.address}/${l.prefixlen}` },
    { key: "prefixlen", json: l.prefixlen },
  ];
  if (l.index) {
    out.push({ key: "ifname", json: names.name(l.index), text: `dev ${names.name(l.index)}` });
  }
  out.push({ key: "label", json: l.label, text: `label ${l.label} ` });
  return out;
};

/** The format of address labels. */
export const ADDRLABEL_FORMAT: Format<AddrLabel> = fieldFormat(fields);
