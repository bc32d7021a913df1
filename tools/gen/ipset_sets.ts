/**
 * ipset over netlink (NFNL_SUBSYS_IPSET): attribute sets, commands, error
 * codes and flags, numbered from the kernel's uapi headers
 * netfilter/ipset/ip_set.h, ip_set_hash.h, ip_set_bitmap.h and ip_set_list.h.
 *
 * ip_set.h numbers its attributes in anonymous enums that share numbers: the
 * command level (IPSET_ATTR_PROTOCOL …), the create/ADT-common level
 * (IPSET_ATTR_IP …, up to IPSET_ATTR_CADT_MAX), then the create-only
 * (IPSET_ATTR_INITVAL …) and ADT-only (IPSET_ATTR_ETHER …) levels which
 * both start at CADT_MAX + 1, and the address level (IPSET_ATTR_IPADDR_*).
 * So IPSET_ATTR_DATA holds `ipsetAttrCreate` in a set's header (create,
 * list) and `ipsetAttrAdt` in a member (add, del, test, list's
 * IPSET_ATTR_ADT). The attribute types are as net/netfilter/ipset/ip_set_core.c
 * and the set types' policies use them: the integers in network byte order
 * with NLA_F_NET_BYTEORDER set on the wire (ip_set_attr_netorder refuses
 * them otherwise) — `be` here. Addresses (IPSET_ATTR_IPADDR_IPV4, a be32,
 * and _IPV6, 16 bytes) are binary rows marked `be` too: ip_set_get_ipaddr4
 * and ip_set_get_ipaddr6 want the flag on them as well.
 *
 * @module
 */
import { camel, defines, enumValues, namedEnum } from "./cheader.ts";
import { emptyOut, type Out, type Row } from "../../core/ynl.ts";
import type { ConstGroup } from "./emit.ts";
import { readFileSync } from "node:fs";

const BE = { be: true };
const nest = (set: string): [string, Record<string, unknown>] => ["nest", { nest: set }];
type Types = Record<string, string | [string, Record<string, unknown>]>;

/** The entry names of the anonymous `enum { … }` whose first entry is `first`, in order. */
function enumBlock(path: string, first: string): string[] {
  const text = readFileSync(path, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(
    /^\s*#.*$/gm,
    "",
  );
  for (const body of text.matchAll(/enum\s*\w*\s*\{([^}]*)\}/g)) {
    const names = body[1]!.split(",").map((s) => s.trim()).filter(Boolean)
      .map((s) => s.match(/^(\w+)/)![1]!);
    if (names[0] === first) return names;
  }
  throw new Error(`no enum starting with ${first} in ${path}`);
}

/**
 * Rows of the entries of the enums starting with `firsts` (numbers from the
 * header; `[first, last]`: up to and including `last`), typed by `types`;
 * `drop` names aliases left out. Every entry must be typed or dropped, so a
 * new header entry is not silently binary.
 */
function rows(
  path: string,
  firsts: readonly (string | readonly [string, string])[],
  types: Types,
  drop: readonly string[] = [],
): Row[] {
  const nums = enumValues(path, "IPSET_ATTR_");
  const out: Row[] = [];
  for (const f of firsts) {
    const [first, last] = typeof f === "string" ? [f, undefined] : f;
    const block = enumBlock(path, first);
    const end = last === undefined ? block.length : block.indexOf(last) + 1;
    if (end === 0) throw new Error(`no ${last} after ${first}`);
    for (const full of block.slice(0, end)) {
      if (full.startsWith("__")) continue;
      const name = full.slice("IPSET_ATTR_".length);
      if (name === "UNSPEC" || drop.includes(name)) continue;
      const t = types[name];
      if (t === undefined) throw new Error(`no type given for IPSET_ATTR_${name}`);
      const [type, opts] = typeof t === "string" ? [t, undefined] : t;
      const row: Row = [nums.get(name)!, camel(name), type];
      if (opts) row[3] = opts;
      out.push(row);
    }
  }
  for (const k of Object.keys(types)) {
    if (!out.some((r) => r[1] === camel(k))) throw new Error(`IPSET_ATTR_${k} is in no enum`);
  }
  return out;
}

/** The ipset tables and constant groups. */
export function ipsetTables(uapi: string): { out: Out; groups: ConstGroup[] } {
  const dir = `${uapi}/netfilter/ipset`;
  const h = `${dir}/ip_set.h`;
  const out = emptyOut();
  const s = out.sets;
  // Command level. SETNAME2 is TYPENAME's number (rename, swap), REVISION_MIN PROTOCOL_MIN's.
  s.ipsetAttrCmd = rows(h, ["IPSET_ATTR_UNSPEC"], {
    PROTOCOL: "u8",
    SETNAME: "string",
    TYPENAME: "string",
    REVISION: "u8",
    FAMILY: "u8",
    FLAGS: ["u32", BE],
    DATA: nest("ipsetAttrCreate"),
    ADT: nest("ipsetAttrAdtList"),
    LINENO: ["u32", BE],
    PROTOCOL_MIN: "u8",
    INDEX: ["u16", BE],
  }, ["SETNAME2", "REVISION_MIN"]);
  // The level common to create and ADT (IPSET_ATTR_IP … BITMASK, slots up to CADT_MAX).
  const cadt: Types = {
    IP: nest("ipsetAttrIpaddr"),
    IP_TO: nest("ipsetAttrIpaddr"),
    CIDR: "u8",
    PORT: ["u16", BE],
    PORT_TO: ["u16", BE],
    TIMEOUT: ["u32", BE],
    PROTO: "u8",
    CADT_FLAGS: ["u32", BE],
    CADT_LINENO: ["u32", BE],
    MARK: ["u32", BE],
    MARKMASK: ["u32", BE],
    BITMASK: nest("ipsetAttrIpaddr"),
  };
  const aliases = ["IP_FROM", "PORT_FROM", "CADT_MAX"];
  s.ipsetAttrCreate = rows(h, ["IPSET_ATTR_IP"], {
    ...cadt,
    INITVAL: ["u32", BE],
    HASHSIZE: ["u32", BE],
    MAXELEM: ["u32", BE],
    NETMASK: "u8",
    BUCKETSIZE: "u8",
    RESIZE: "u8",
    SIZE: ["u32", BE],
    ELEMENTS: ["u32", BE],
    REFERENCES: ["u32", BE],
    MEMSIZE: ["u32", BE],
  }, aliases);
  s.ipsetAttrAdt = rows(h, [["IPSET_ATTR_IP", "IPSET_ATTR_CADT_MAX"], "IPSET_ATTR_ETHER"], {
    ...cadt,
    ETHER: ["binary", { hint: "mac" }],
    NAME: "string",
    NAMEREF: "string",
    IP2: nest("ipsetAttrIpaddr"),
    CIDR2: "u8",
    IP2_TO: nest("ipsetAttrIpaddr"),
    IFACE: "string",
    BYTES: ["u64", BE],
    PACKETS: ["u64", BE],
    COMMENT: "string",
    SKBMARK: ["u64", BE],
    SKBPRIO: ["u32", BE],
    SKBQUEUE: ["u16", BE],
    PAD: "pad",
  }, aliases);
  // IPSET_ATTR_ADT: the members, each an IPSET_ATTR_DATA of the ADT level (repeated).
  s.ipsetAttrAdtList = [[
    enumValues(h, "IPSET_ATTR_").get("DATA")!,
    "data",
    "nest",
    { nest: "ipsetAttrAdt", multi: true },
  ]];
  s.ipsetAttrIpaddr = rows(h, ["IPSET_ATTR_IPADDR_IPV4"], {
    IPADDR_IPV4: ["binary", { hint: "ip", be: true }],
    IPADDR_IPV6: ["binary", { hint: "ip", be: true }],
  });

  const cmd = namedEnum(h, "ipset_cmd", "IPSET_CMD_");
  // The messages the kernel takes: the entries before IPSET_MSG_MAX (the rest are userspace's).
  const order = enumBlock(h, "IPSET_CMD_NONE");
  const kernelCmds = order.slice(0, order.indexOf("IPSET_MSG_MAX"));
  for (const k of [...cmd.keys()]) {
    if (k === "NONE" || !kernelCmds.includes(`IPSET_CMD_${k}`)) cmd.delete(k);
  }
  const flagsOf = (e: string) =>
    new Map(
      [...namedEnum(h, e, "IPSET_FLAG_")].filter(([k]) =>
        !k.startsWith("BIT_") && !k.endsWith("_MAX")
      ),
    );
  const errors = namedEnum(h, "ipset_errno", "IPSET_ERR_");
  /** A type's error codes: its enum counts up from IPSET_ERR_TYPE_SPECIFIC. */
  const specific = (file: string): Map<string, number> => {
    const text = readFileSync(`${dir}/${file}`, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
    const body = text.match(/enum\s*\{([^}]*)\}/)?.[1];
    if (!body) throw new Error(`no enum in ${file}`);
    const items = body.split(",").map((x) => x.trim()).filter(Boolean);
    const out = new Map<string, number>();
    items.forEach((item, i) => {
      const m = item.match(/^IPSET_ERR_(\w+)(?:\s*=\s*(\w+))?$/);
      if (!m || (i === 0) !== (m[2] === "IPSET_ERR_TYPE_SPECIFIC")) {
        throw new Error(`cannot read "${item}" in ${file}`);
      }
      out.set(m[1]!, errors.get("TYPE_SPECIFIC")! + i);
    });
    return out;
  };
  const groups: ConstGroup[] = [
    [
      "IPSET",
      "ipset protocol constants (IPSET_PROTOCOL: the version sent in IPSET_ATTR_PROTOCOL; IPSET_MAXNAMELEN with the NUL).",
      defines(h, "IPSET_"),
    ],
    [
      "IPSET_CMD",
      "ipset message types (enum ipset_cmd below IPSET_MSG_MAX; the message type is NFNL_SUBSYS_IPSET << 8 | this).",
      cmd,
    ],
    ["IPSET_ERR", "ipset's own error codes (enum ipset_errno: 4096 and up).", errors],
    [
      "IPSET_ERR_HASH",
      "hash:* type-specific error codes (ip_set_hash.h).",
      specific("ip_set_hash.h"),
    ],
    [
      "IPSET_ERR_BITMAP",
      "bitmap:* type-specific error codes (ip_set_bitmap.h).",
      specific("ip_set_bitmap.h"),
    ],
    [
      "IPSET_ERR_LIST",
      "list:set type-specific error codes (ip_set_list.h).",
      specific("ip_set_list.h"),
    ],
    [
      "IPSET_FLAG",
      "Command-level flags (enum ipset_cmd_flags, IPSET_ATTR_FLAGS).",
      flagsOf("ipset_cmd_flags"),
    ],
    [
      "IPSET_CADT_FLAG",
      "Create/ADT-level flags (enum ipset_cadt_flags, IPSET_ATTR_CADT_FLAGS).",
      flagsOf("ipset_cadt_flags"),
    ],
  ];
  return { out, groups };
}
