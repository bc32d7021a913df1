/**
 * Addresses as ip prints them: under their link (`    inet 10.0.0.1/24 …
 * scope global v0`), on one line (`ip -o addr`, `ip monitor`), as `ip -br
 * addr` columns, and as `ip -j addr` `addr_info` entries.
 *
 * @module
 */
import type { Address, Link } from "../../mod.ts";
import { AF_INET6 } from "../../core/address.ts";
import { ADDR_FLAG_NAMES } from "../../iproute/names.ts";
import { RTNL } from "../../iproute/registry.ts";
import type { Paint } from "../color.ts";
import { familyName } from "./fields.ts";
import type { Names } from "./ifnames.ts";
import { LINK_BRIEF, linkColumns } from "./link.ts";

const IFA = RTNL.enum("ifaFlags").byName;
const IFA_SECONDARY = IFA.get("secondary")!;
const IFA_PERMANENT = IFA.get("permanent")!;

/**
 * The address flags ip prints, in bit order: `dynamic` when not permanent (and
 * `permanent` never), `temporary` for an IPv6 secondary; `rest`, bits no name covers.
 */
function addrFlagNames(a: Address): { names: string[]; rest: number } {
  let mask = a.flagsValue >>> 0;
  const names: string[] = [];
  for (const name of ADDR_FLAG_NAMES.names()) {
    const bit = ADDR_FLAG_NAMES.value(name, "name", 0xffffffff);
    if (bit === IFA_PERMANENT) {
      if (!(mask & bit)) names.push("dynamic");
    } else if (mask & bit) {
      names.push(bit === IFA_SECONDARY && a.family === AF_INET6 ? "temporary" : name);
    }
    mask &= ~bit;
  }
  return { names, rest: mask };
}

/** Local and peer addresses as ip tells them apart. */
function localPeer(a: Address): { local: string | undefined; peer: string | undefined } {
  const local = a.local ?? a.address;
  const peer = a.local !== undefined && a.address !== undefined && a.address !== a.local
    ? a.address
    : undefined;
  return { local, peer };
}

/**
 * One entry of `addr_info` as `ip -j addr show` prints it.
 */
export function addrInfoJson(a: Address): Record<string, unknown> {
  const o: Record<string, unknown> = { family: familyName(a.family) };
  const { local, peer } = localPeer(a);
  if (local !== undefined) o.local = local;
  if (peer !== undefined) o.address = peer;
  o.prefixlen = a.prefixlen;
  if (a.metric !== undefined) o.metric = a.metric;
  if (a.broadcast !== undefined) o.broadcast = a.broadcast;
  o.scope = a.scope;
  const { names, rest } = addrFlagNames(a);
  for (const n of names) o[n] = true;
  if (rest) o.ifa_flags = rest.toString(16).padStart(2, "0");
  if (a.label !== undefined) o.label = a.label;
  if (a.validLifetime !== undefined) o.valid_life_time = a.validLifetime;
  if (a.preferredLifetime !== undefined) o.preferred_life_time = a.preferredLifetime;
  return o;
}

function lifetime(v: number): string {
  return v === 0xffffffff ? "forever" : `${v}sec`;
}

/**
 * An address as `ip addr show` prints it under its link (`    inet 10.0.0.1/24
 * … scope global v0` and the lifetimes line); with `prefix` (`"3: v0"`), as
 * `ip -o addr` and `ip monitor` print it.
 */
export function addrText(a: Address, paint: Paint, prefix = ""): string {
  const { local, peer } = localPeer(a);
  let s = `${prefix}    ${familyName(a.family)} `;
  if (local !== undefined) {
    s += paint.ip(local, a.family);
    if (peer !== undefined) s += ` peer ${paint.ip(peer, a.family)}`;
    s += `/${a.prefixlen}`;
    if (a.metric !== undefined) s += ` metric ${a.metric}`;
  }
  if (a.broadcast !== undefined) s += ` brd ${paint.ip(a.broadcast, a.family)}`;
  s += ` scope ${a.scope}`;
  const { names, rest } = addrFlagNames(a);
  if (names.length) s += ` ${names.join(" ")}`;
  if (rest) s += ` flags ${rest.toString(16).padStart(2, "0")}`;
  if (a.label !== undefined) s += ` ${a.label}`;
  if (a.validLifetime !== undefined && a.preferredLifetime !== undefined) {
    s += `\n       valid_lft ${lifetime(a.validLifetime)} preferred_lft ${
      lifetime(a.preferredLifetime)
    }`;
  }
  return s;
}

/** `10.0.0.1/24` or `10.0.0.1 peer 10.0.0.2/32` as ip -br prints an address. */
function addrShort(a: Address, paint: Paint): string {
  const { local, peer } = localPeer(a);
  return `${paint.ip(local ?? "", a.family)}${
    peer !== undefined ? ` peer ${paint.ip(peer, a.family)}` : ""
  }/${a.prefixlen}`;
}

/**
 * A link and its addresses as `ip -br addr` prints them.
 */
export function addrBrief(l: Link, addrs: Address[], names: Names, paint: Paint): string {
  const list = addrs.map((a) => addrShort(a, paint)).join(" ");
  return `${linkColumns(l, names, paint)} ${list}`.trimEnd();
}

/**
 * A link and its addresses as `ip -j -br addr` prints them.
 */
export function addrBriefJson(l: Link, addrs: Address[], names: Names): Record<string, unknown> {
  const o = LINK_BRIEF.json(l, names, new Set());
  delete o.address;
  delete o.flags;
  o.addr_info = addrs.map((a) => {
    const { local, peer } = localPeer(a);
    const e: Record<string, unknown> = { local };
    if (peer !== undefined) e.address = peer;
    e.prefixlen = a.prefixlen;
    return e;
  });
  return o;
}
