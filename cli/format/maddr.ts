/**
 * Multicast addresses as `ip maddr` finds and prints them: read from
 * /proc/net/dev_mcast (link layer), /proc/net/igmp (IPv4) and
 * /proc/net/igmp6 (IPv6) of a namespace, grouped by interface (`2:\tv0` then
 * one `\tinet  224.0.0.1` line each), and as `ip -j maddr` objects.
 *
 * @module
 */
import { AF_INET, AF_INET6, AF_PACKET, formatIP, formatMAC } from "../../core/address.ts";
import type { Paint } from "../color.ts";
import { familyName } from "./fields.ts";

/** One multicast address of an interface. */
export interface Maddr {
  /** Interface index. */
  index: number;
  /** Interface name. */
  ifname: string;
  /** AF_PACKET (link layer), AF_INET or AF_INET6. */
  family: number;
  /** The address as ip prints it. */
  address: string;
  /** Users of the membership. */
  users: number;
  /** `static` for a link-layer address added by hand (ip's only feature). */
  features?: string;
}

/** Bytes of a hex string (`01005e000001`). */
function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** /proc/net/dev_mcast lines: `index name users global hex`. */
function devMcast(text: string): Maddr[] {
  return text.split("\n").filter((l) => l.trim()).map((l) => {
    const [index, ifname, users, global, hex] = l.trim().split(/\s+/);
    const m: Maddr = {
      index: Number(index),
      ifname: ifname!,
      family: AF_PACKET,
      address: formatMAC(hexBytes(hex!)),
      users: Number(users),
    };
    if (Number(global)) m.features = "static";
    return m;
  });
}

/** /proc/net/igmp: a device line, then one tab-indented line per group (host-order hex). */
function igmp(text: string): Maddr[] {
  const out: Maddr[] = [];
  let index = 0;
  let ifname = "";
  for (const l of text.split("\n").slice(1)) {
    if (!l.trim()) continue;
    const f = l.trim().split(/\s+/);
    if (!l.startsWith("\t")) {
      index = Number(f[0]);
      ifname = f[1]!;
      continue;
    }
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, parseInt(f[0]!, 16), true);
    out.push({ index, ifname, family: AF_INET, address: formatIP(b), users: Number(f[1]) });
  }
  return out;
}

/** /proc/net/igmp6 lines: `index name hex users …`. */
function igmp6(text: string): Maddr[] {
  return text.split("\n").filter((l) => l.trim()).map((l) => {
    const [index, ifname, hex, users] = l.trim().split(/\s+/);
    return {
      index: Number(index),
      ifname: ifname!,
      family: AF_INET6,
      address: formatIP(hexBytes(hex!)),
      users: Number(users),
    };
  });
}

/**
 * The multicast addresses in the three /proc files' texts (`undefined`: not
 * read), ordered as ip orders them: by interface index, link layer, then
 * IPv4, then IPv6.
 */
export function parseMaddrs(
  files: { devMcast?: string | undefined; igmp?: string | undefined; igmp6?: string | undefined },
): Maddr[] {
  const all = [
    ...devMcast(files.devMcast ?? ""),
    ...igmp(files.igmp ?? "\n"),
    ...igmp6(files.igmp6 ?? ""),
  ];
  // A stable sort keeps each file's order within an interface, as ip's list insertion does.
  return all.sort((a, b) => a.index - b.index);
}

/** One address line (`\tinet  224.0.0.1 users 2`). */
function addressText(m: Maddr, paint: Paint): string {
  let s = m.family === AF_PACKET
    ? `\tlink  ${paint.mac(m.address)}`
    : `\t${familyName(m.family).padEnd(5)} ${paint.ip(m.address, m.family)}`;
  if (m.users !== 1) s += ` users ${m.users}`;
  if (m.features) s += ` ${m.features}`;
  return s;
}

/** One address as ip -j prints it in `maddr`. */
function addressJson(m: Maddr): Record<string, unknown> {
  const o: Record<string, unknown> = m.family === AF_PACKET
    ? { link: m.address }
    : { family: familyName(m.family), address: m.address };
  if (m.users !== 1) o.users = m.users;
  if (m.features) o.features = m.features;
  return o;
}

/**
 * Groups of consecutive addresses of one interface (with `oneline`, every
 * address is a group of its own, as `ip -o maddr` prints them).
 */
function groups(list: readonly Maddr[], oneline: boolean): Maddr[][] {
  const out: Maddr[][] = [];
  for (const m of list) {
    const last = out.at(-1);
    if (!oneline && last && last[0]!.index === m.index) last.push(m);
    else out.push([m]);
  }
  return out;
}

/**
 * `ip maddr` text: `IDX:\tNAME` and the address lines (one line each with
 * `oneline`, joined by `\`).
 */
export function maddrText(list: readonly Maddr[], paint: Paint, oneline: boolean): string {
  const sep = oneline ? "\\" : "\n";
  let s = "";
  for (const g of groups(list, oneline)) {
    s += `${g[0]!.index}:\t${paint.ifname(g[0]!.ifname)}${sep}`;
    for (const m of g) s += `${addressText(m, paint)}\n`;
  }
  return s;
}

/**
 * `ip -j maddr` objects: `{ ifindex, ifname, maddr: [...] }` per interface
 * (per address with `oneline`).
 */
export function maddrJson(list: readonly Maddr[], oneline: boolean): Record<string, unknown>[] {
  return groups(list, oneline).map((g) => ({
    ifindex: g[0]!.index,
    ifname: g[0]!.ifname,
    maddr: g.map(addressJson),
  }));
}
