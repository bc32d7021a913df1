/**
 * tun/tap devices as `ip tuntap show` prints them (text and `-j`), from the
 * devices' rtnetlink data (kind `tun`): name, flags, owner. ip reads sysfs'
 * `tun_flags` instead; the two agree except for `one_queue`, which the kernel
 * has ignored since 3.8 and rtnetlink does not report.
 *
 * @module
 */
import type { Link } from "../../mod.ts";
import { IFF_TUN_FLAG } from "../../core/tables/tun.ts";
import { type Field, fieldFormat, type Fields, type Format } from "./fields.ts";

/** The flag words of a tun device, in ip's order. */
export function tunFlagWords(data: Record<string, unknown>): string[] {
  const out: string[] = [];
  // IFLA_TUN_TYPE holds IFF_TUN or IFF_TAP.
  if (data.type === IFF_TUN_FLAG.TUN) out.push("tun");
  if (data.type === IFF_TUN_FLAG.TAP) out.push("tap");
  if (data.pi) out.push("pi");
  if (data.multiQueue) out.push("multi_queue");
  if (data.vnetHdr) out.push("vnet_hdr");
  if (data.persist) out.push("persist");
  // ip prints "filter" when IFF_NOFILTER is clear; it is the same bit as
  // IFF_NO_PI (0x1000), so every device with `pi` shows it.
  if (data.pi) out.push("filter");
  return out;
}

const fields: Fields<Link> = (l) => {
  const data = (l.data ?? {}) as Record<string, unknown>;
  const flags = tunFlagWords(data);
  const out: Field[] = [
    { key: "ifname", json: l.ifname, text: `${l.ifname}:` },
    { key: "flags", json: flags, text: flags.join(" ") },
  ];
  if (typeof data.owner === "number") {
    out.push({ key: "user", json: data.owner, text: `user ${data.owner}` });
  }
  if (typeof data.group === "number") {
    out.push({ key: "group", json: data.group, text: `group ${data.group}` });
  }
  return out;
};

/** The format of tun/tap devices. */
export const TUNTAP_FORMAT: Format<Link> = fieldFormat(fields);
