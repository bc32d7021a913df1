/**
 * macvlan and macvtap links as `ip -d link` (iproute2 6.1) prints their data:
 * iplink_macvlan.c's print_opt (`mode bridge bcqueuelen 1000 usedbcqueuelen
 * 1000`, and the source addresses in source mode).
 *
 * @module
 */
import { formatMAC } from "../../core/address.ts";
import { RTNL } from "../../iproute/registry.ts";
import { all, type KindPiece, type KindPrinter, num, uint } from "./kind_fields.ts";

const MODES = RTNL.enum("macvlanMode").byValue;
const MACVLAN_MODE_SOURCE = RTNL.enum("macvlanMode").byName.get("source")!;
const MACVLAN_FLAG_NOPROMISC = 1;
const MACVLAN_FLAG_NODST = 2;

/** The mode by name (`unknown` for another value, as ip prints it). */
const mode: KindPrinter = (d) => {
  const v = num(d.mode);
  if (v === undefined) return [];
  const name = MODES.get(v) ?? "unknown";
  return [{ key: "mode", json: name, text: `mode ${name} ` }];
};

/** The flags ip names: `nopromisc`, `nodst`. */
const flags: KindPrinter = (d) => {
  const v = num(d.flags) ?? 0;
  const out: KindPiece[] = [];
  if (v & MACVLAN_FLAG_NOPROMISC) out.push({ key: "nopromisc", json: true, text: "nopromisc " });
  if (v & MACVLAN_FLAG_NODST) out.push({ key: "nodst", json: true, text: "nodst " });
  return out;
};

/** IFLA_MACVLAN_MACADDR inside IFLA_MACVLAN_MACADDR_DATA. */
const IFLA_MACVLAN_MACADDR = 4;

/** The addresses of IFLA_MACVLAN_MACADDR_DATA (a nest the tables keep as bytes). */
function macaddrs(raw: unknown): string[] {
  if (!(raw instanceof Uint8Array)) return [];
  const out: string[] = [];
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  for (let off = 0; off + 4 <= raw.length;) {
    const len = dv.getUint16(off, true);
    if (len < 4) break;
    if ((dv.getUint16(off + 2, true) & 0x3fff) === IFLA_MACVLAN_MACADDR && len >= 10) {
      out.push(formatMAC(raw, off + 4, 6));
    }
    off += (len + 3) & ~3;
  }
  return out;
}

/** In source mode: `remotes (N)` and the source addresses. */
const sources: KindPrinter = (d) => {
  if (num(d.mode) !== MACVLAN_MODE_SOURCE) return [];
  const count = num(d.macaddrCount);
  if (count === undefined) return [];
  const out: KindPiece[] = [{ key: "macaddr_count", json: count, text: `remotes (${count}) ` }];
  if (d.macaddrData !== undefined) {
    const list = macaddrs(d.macaddrData);
    out.push({ key: "macaddr_data", json: list, text: list.map((a) => `${a} `).join("") });
  }
  return out;
};

/**
 * A macvlan (or macvtap) link's data (IFLA_MACVLAN_*) as `ip -d link` prints it.
 */
export const MACVLAN_DATA: KindPrinter = all(
  mode,
  flags,
  uint("bcQueueLen", "bcqueuelen"),
  uint("bcQueueLenUsed", "usedbcqueuelen"),
  sources,
);
