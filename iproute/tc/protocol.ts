/**
 * Filter protocols by name, as tc(8) writes them (`all`, `ip`, `ipv6`, `arp`,
 * `802.1Q`, …): the ethertypes of linux/if_ether.h (ETH_P_*, generated).
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { ETH_P } from "../../core/tables/constants.ts";

/** tc's spellings where they differ from ETH_P_* lowercased (iproute2's ll_proto table). */
const SPELLED: Readonly<Record<string, number>> = {
  "802.1q": ETH_P["8021Q"],
  "802.1ad": ETH_P["8021AD"],
  "mpls_uc": ETH_P.MPLS_UC,
  "mpls_mc": ETH_P.MPLS_MC,
  "802_3": ETH_P["802_3"],
  "802_2": ETH_P["802_2"],
};

const BY_NAME = new Map<string, number>([
  ...Object.entries(ETH_P).map(([k, v]) => [k.toLowerCase(), v] as [string, number]),
  ...Object.entries(SPELLED),
]);
const BY_VALUE = new Map<number, string>();
for (const [name, value] of [...Object.entries(SPELLED), ...BY_NAME]) {
  if (!BY_VALUE.has(value)) BY_VALUE.set(value, name === "802.1q" ? "802.1Q" : name);
}

/** A filter protocol: a name (`ip`, `ipv6`, `all`, `802.1Q`, …) or an ethertype number. */
export function parseProtocol(v: unknown, argument = "protocol"): number {
  if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffff) return v;
  if (typeof v === "string") {
    const n = BY_NAME.get(v.toLowerCase());
    if (n !== undefined) return n;
    if (/^0x[0-9a-f]{1,4}$/i.test(v)) return Number(v);
  }
  throw new ArgumentError(
    argument,
    'an ethertype name ("all", "ip", "ipv6", "arp", "802.1Q", …) or a number from 0 to 0xffff',
    v,
  );
}

/** An ethertype as tc prints it (`ip`, `all`, `802.1Q`; else `0x…`). */
export function protocolName(n: number): string {
  return BY_VALUE.get(n) ?? `0x${n.toString(16).padStart(4, "0")}`;
}
