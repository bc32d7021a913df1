/**
 * The address object type: commands, events, groups, dump filters, identity.
 *
 * @module
 */
import { AF_INET, parsePrefix } from "../../core/address.ts";
import { RTM, RTNLGRP } from "../../core/tables/constants.ts";
import { fieldMatch, pick } from "../match.ts";
import { defineObject, type ObjectDef } from "../object.ts";
import { SCOPES } from "../names.ts";
import { family } from "../spec.ts";
import { Address } from "./address.ts";
import { ADDR_COMMANDS, type AddrSpec, buildAddrRequest } from "./request.ts";

const FILTER_KEYS = [
  "index",
  "address",
  "prefixlen",
  "local",
  "label",
  "scope",
  "broadcast",
  "family",
];

/**
 * The identity of an address on its interface: `"<address>/<prefixlen>"`
 * (what IPDB keys an interface's addresses by).
 */
export function addrKey(address: string, prefixlen: number): string {
  return `${address}/${prefixlen}`;
}

/** Addresses. */
/** The multicast groups of its notifications, by name. */
export const ADDR_GROUPS = {
  "ipv4-ifaddr": RTNLGRP.IPV4_IFADDR,
  "ipv6-ifaddr": RTNLGRP.IPV6_IFADDR,
} as const;

/** The addr object type: its name, result, spec, commands and event message types. */
export type AddrObject = ObjectDef<
  "addr",
  Address,
  AddrSpec,
  keyof typeof ADDR_COMMANDS,
  typeof RTM.NEWADDR | typeof RTM.DELADDR,
  keyof typeof ADDR_GROUPS
>;

/** Interface addresses. */
export const ADDR: AddrObject = defineObject({
  name: "addr",
  result: Address,
  commands: ADDR_COMMANDS,
  events: [RTM.NEWADDR, RTM.DELADDR],
  groups: ADDR_GROUPS,
  build: (cmd, spec: AddrSpec) => buildAddrRequest(cmd, spec),
  linkRefs: ["index"],
  match: (spec) => {
    const s = pick(spec, FILTER_KEYS);
    if (typeof s.address === "string" && s.address.includes("/")) {
      const p = parsePrefix(s.address, "address");
      s.address = p.address;
      s.prefixlen ??= p.prefixlen;
    }
    if (s.family !== undefined) s.family = family(s.family, undefined, "family");
    return fieldMatch<Address>(s, { scope: (v) => SCOPES.name(SCOPES.value(v, "scope")) });
  },
  key: (a) => `${a.index}|${addrKey(a.address ?? "", a.prefixlen)}`,
  selector: (a) => ({
    index: a.index,
    address: a.address,
    prefixlen: a.prefixlen,
    ...(a.local && a.family === AF_INET ? { local: a.local } : {}),
  }),
});
