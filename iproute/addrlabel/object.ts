/**
 * The IPv6 address label object type: commands, identity.
 *
 * @module
 */
import { parsePrefix } from "../../core/address.ts";
import { fieldMatch, pick } from "../match.ts";
import { defineObject, type ObjectDef } from "../object.ts";
import type { Spec } from "../spec.ts";
import { AddrLabel } from "./addrlabel.ts";
import { ADDRLABEL_COMMANDS, type AddrLabelSpec, buildAddrLabelRequest } from "./request.ts";

/** The address label object type (no notifications: the kernel sends none). */
export type AddrLabelObject = ObjectDef<
  "addrlabel",
  AddrLabel,
  AddrLabelSpec,
  keyof typeof ADDRLABEL_COMMANDS,
  never,
  never
>;

function matcher(spec: Spec): ((l: AddrLabel) => boolean) | undefined {
  const s = pick(spec, ["label", "index"]);
  if (spec.prefix !== undefined) {
    const p = parsePrefix(spec.prefix, "prefix");
    s.address = p.address;
    s.prefixlen = p.prefixlen;
  }
  return fieldMatch<AddrLabel>(s);
}

/** IPv6 address labels (`ip addrlabel`). */
export const ADDRLABEL: AddrLabelObject = defineObject({
  name: "addrlabel",
  result: AddrLabel,
  commands: ADDRLABEL_COMMANDS,
  build: (cmd, spec: AddrLabelSpec) => buildAddrLabelRequest(cmd, spec),
  linkRefs: ["index"],
  match: matcher,
  key: (l) => `${l.address}/${l.prefixlen}|${l.index}`,
  selector: (l) => ({ prefix: `${l.address}/${l.prefixlen}`, index: l.index, label: l.label }),
});
