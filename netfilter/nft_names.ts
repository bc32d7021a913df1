/**
 * nftables names ↔ numbers: families (`ip`, `ip6`, `inet`, `arp`,
 * `bridge`, `netdev`), hooks by family, chain types and policies, set flags,
 * verdicts, and the data types of set keys and values with their byte forms
 * (`ipv4_addr`, `inet_service`, …, and concatenations of them).
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import { formatIP, formatMAC, parseIPv4, parseIPv6, parseMAC } from "../core/address.ts";
import {
  NF_ARP_HOOK,
  NF_INET_HOOK,
  NF_NETDEV_HOOK,
  NFPROTO,
  NFT_DATA,
  NFTABLES_ENUMS,
} from "../core/tables/nftables.ts";
import { PROTOCOL_NUMBERS, protocolName } from "./names.ts";
import type { NftVerdict, NftVerdictCode } from "./nft_expr.ts";

/** An nftables family, as `nft` names it. */
export type NftFamily = "ip" | "ip6" | "inet" | "arp" | "bridge" | "netdev";

/** nfgenmsg's family (NFPROTO_*) by name. */
export const NFT_FAMILIES: Readonly<Record<NftFamily, number>> = {
  ip: NFPROTO.IPV4,
  ip6: NFPROTO.IPV6,
  inet: NFPROTO.INET,
  arp: NFPROTO.ARP,
  bridge: NFPROTO.BRIDGE,
  netdev: NFPROTO.NETDEV,
};
const FAMILY_NAMES = new Map(Object.entries(NFT_FAMILIES).map(([k, v]) => [v, k as NftFamily]));

/** The family's name (its number when unknown). */
export function familyName(n: number): NftFamily | number {
  return FAMILY_NAMES.get(n) ?? n;
}

/** A checked family name: its number. */
export function familyNumber(v: unknown, path = "family"): number {
  if (typeof v !== "string" || !Object.hasOwn(NFT_FAMILIES, v)) {
    throw new ArgumentError(path, `a family (${Object.keys(NFT_FAMILIES).join(", ")})`, v);
  }
  return NFT_FAMILIES[v as NftFamily];
}

/** A hook, as `nft` names it. */
export type NftHook =
  | "prerouting"
  | "input"
  | "forward"
  | "output"
  | "postrouting"
  | "ingress"
  | "egress";

const INET_HOOKS: Partial<Record<NftHook, number>> = {
  prerouting: NF_INET_HOOK.PRE_ROUTING,
  input: NF_INET_HOOK.LOCAL_IN,
  forward: NF_INET_HOOK.FORWARD,
  output: NF_INET_HOOK.LOCAL_OUT,
  postrouting: NF_INET_HOOK.POST_ROUTING,
};

/**
 * The hooks of each family: the inet ones (the bridge family's NF_BR_* hooks
 * have the same numbers), inet's ingress, arp's NF_ARP_IN/OUT, netdev's.
 */
export const NFT_HOOKS: Readonly<Record<NftFamily, Partial<Record<NftHook, number>>>> = {
  ip: INET_HOOKS,
  ip6: INET_HOOKS,
  inet: { ...INET_HOOKS, ingress: NF_INET_HOOK.INGRESS },
  bridge: INET_HOOKS,
  arp: { input: NF_ARP_HOOK.IN, output: NF_ARP_HOOK.OUT },
  netdev: { ingress: NF_NETDEV_HOOK.INGRESS, egress: NF_NETDEV_HOOK.EGRESS },
};

/** A hook's name in a family (its number when unknown). */
export function hookName(family: NftFamily | number, n: number): NftHook | number {
  const hooks = typeof family === "string" ? NFT_HOOKS[family] : undefined;
  for (const [k, v] of Object.entries(hooks ?? {})) if (v === n) return k as NftHook;
  return n;
}

/** A base chain's type. */
export type NftChainType = "filter" | "nat" | "route";
/** Chain types. */
export const NFT_CHAIN_TYPES: readonly NftChainType[] = ["filter", "nat", "route"];

/** A base chain's policy. */
export type NftPolicy = "accept" | "drop";

/** A set flag, as `nft` names it (the kernel's NFT_SET_EVAL is `dynamic`). */
export type NftSetFlag =
  | "anonymous"
  | "constant"
  | "interval"
  | "map"
  | "timeout"
  | "dynamic"
  | "object"
  | "concat"
  | "expr";

const SET_FLAG_BITS: ReadonlyMap<NftSetFlag, number> = new Map(
  Object.entries(NFTABLES_ENUMS.setFlags).map((
    [k, v],
  ) => [(k === "eval" ? "dynamic" : k) as NftSetFlag, v]),
);

/** The flags a set is created with by name (map and concat follow from the types). */
export const NFT_SET_USER_FLAGS: readonly NftSetFlag[] = [
  "constant",
  "interval",
  "timeout",
  "dynamic",
];

/** The names of a set flag word. */
export function setFlagNames(n: number): NftSetFlag[] {
  const out: NftSetFlag[] = [];
  for (const [k, v] of SET_FLAG_BITS) if (n & v) out.push(k);
  return out;
}

/** The bit of a set flag. */
export function setFlagBit(f: NftSetFlag): number {
  return SET_FLAG_BITS.get(f)!;
}

const VERDICTS: Readonly<Record<string, number>> = NFTABLES_ENUMS.verdictCode;

/** A verdict's code (u32, as NFTA_VERDICT_CODE carries it): by name, or a number. */
export function verdictCode(v: NftVerdictCode | number): number {
  return typeof v === "number" ? v >>> 0 : VERDICTS[v]!;
}

/** A verdict code's name (its number when unknown). */
export function verdictName(n: number): NftVerdictCode | number {
  for (const [k, v] of Object.entries(VERDICTS)) if (v === n) return k as NftVerdictCode;
  return n;
}

/**
 * A checked verdict (a verdict map's value), in the form rule expressions
 * use ({@link NftVerdict}: `{ code: "accept" }`, `{ code: "jump", chain }`).
 */
export function checkVerdict(v: unknown, path: string): NftVerdict {
  const codes = Object.keys(VERDICTS);
  const x = v as { code?: unknown; chain?: unknown; chainId?: unknown };
  if (
    typeof v !== "object" || v === null || typeof x.code !== "string" || !codes.includes(x.code)
  ) {
    throw new ArgumentError(path, `a verdict ({ code: ${codes.join(" | ")} })`, v);
  }
  for (const k of Object.keys(x)) {
    if (k !== "code" && k !== "chain" && x[k as "code"] !== undefined) {
      throw new ArgumentError(`${path}.${k}`, "code and chain only", x[k as "code"]);
    }
  }
  if (x.code === "jump" || x.code === "goto") {
    if (typeof x.chain !== "string" || x.chain === "" || x.chain.length > 255) {
      throw new ArgumentError(`${path}.chain`, `the chain to ${x.code} to`, x.chain);
    }
  } else if (x.chain !== undefined) {
    throw new ArgumentError(`${path}.chain`, `no chain with ${x.code}`, x.chain);
  }
  return x as NftVerdict;
}

// --- data types of set keys and values

/**
 * A data type of set keys and map values: nft's type ids (NFTA_SET_KEY_TYPE
 * is opaque to the kernel; these numbers are nftables' own, from its
 * include/datatype.h `enum datatypes`), with the byte sizes nft gives them.
 */
export type NftDataType =
  | "ipv4_addr"
  | "ipv6_addr"
  | "ether_addr"
  | "inet_proto"
  | "inet_service"
  | "mark"
  | "ifindex"
  | "ifname";

interface TypeInfo {
  id: number;
  size: number;
  /** nft's byte order of the type (enum byteorder: 1 host, 2 big-endian, 0 unset), for set userdata. */
  order: number;
}

/** nftables' type ids (include/datatype.h), sizes in bytes and byte orders (src/datatype.c). */
const TYPES: Readonly<Record<NftDataType, TypeInfo>> = {
  ipv4_addr: { id: 7, size: 4, order: 2 }, // TYPE_IPADDR
  ipv6_addr: { id: 8, size: 16, order: 2 }, // TYPE_IP6ADDR
  ether_addr: { id: 9, size: 6, order: 2 }, // TYPE_ETHERADDR
  inet_proto: { id: 12, size: 1, order: 0 }, // TYPE_INET_PROTOCOL
  inet_service: { id: 13, size: 2, order: 2 }, // TYPE_INET_SERVICE
  mark: { id: 19, size: 4, order: 1 }, // TYPE_MARK
  ifindex: { id: 20, size: 4, order: 1 }, // TYPE_IFINDEX
  ifname: { id: 41, size: 16, order: 1 }, // TYPE_IFNAME (IFNAMSIZ)
};
/** nft's TYPE_VERDICT (a map's value type when the values are verdicts). */
const TYPE_VERDICT = 1;
/** nft's TYPE_BITS: a concatenation's type id holds its fields' ids, 6 bits each. */
const TYPE_BITS = 6;
const TYPE_BY_ID = new Map(Object.entries(TYPES).map(([k, v]) => [v.id, k as NftDataType]));

/** The data types set keys and map values take. */
export const NFT_DATA_TYPES: readonly NftDataType[] = Object.keys(TYPES) as NftDataType[];

/** A key type: one data type, or a concatenation of them (`ipv4_addr . inet_service`). */
export type NftKeyType = NftDataType | readonly NftDataType[];

/** A value of a data type: addresses as strings, numbers, a protocol by name or number, an interface name. */
export type NftValue = string | number;

/** A key: one value, or one per field of a concatenation. */
export type NftKey = NftValue | readonly NftValue[];

/** A checked key type: the type id and key length nft sends, the fields. */
export function checkKeyType(v: unknown, path: string): {
  id: number;
  len: number;
  fields: NftDataType[];
} {
  const one = (t: unknown, p: string): NftDataType => {
    if (typeof t !== "string" || !Object.hasOwn(TYPES, t)) {
      throw new ArgumentError(p, `a data type (${NFT_DATA_TYPES.join(", ")})`, t);
    }
    return t as NftDataType;
  };
  if (Array.isArray(v)) {
    if (v.length < 2 || v.length > 5) {
      throw new ArgumentError(path, "a concatenation of 2 to 5 data types", v);
    }
    const fields = v.map((t, i) => one(t, `${path}[${i}]`));
    let id = 0;
    let len = 0;
    for (const f of fields) {
      id = (id << TYPE_BITS) | TYPES[f].id;
      len += (TYPES[f].size + 3) & ~3;
    }
    return { id, len, fields };
  }
  const t = one(v, path);
  return { id: TYPES[t].id, len: TYPES[t].size, fields: [t] };
}

/** The data type(s) of a type id and length (the number when unknown). */
export function keyTypeName(id: number, len: number): NftKeyType | number {
  const t = TYPE_BY_ID.get(id);
  if (t && TYPES[t].size === len) return t;
  // A concatenation: 6-bit fields, the first in the highest bits.
  const fields: NftDataType[] = [];
  for (let x = id; x > 0; x = Math.floor(x / (1 << TYPE_BITS))) {
    const f = TYPE_BY_ID.get(x % (1 << TYPE_BITS));
    if (!f) return id;
    fields.unshift(f);
  }
  let total = 0;
  for (const f of fields) total += (TYPES[f].size + 3) & ~3;
  return fields.length > 1 && total === len ? fields : id;
}

/** nft's byte order of a key or value type (0 for concatenations and verdicts), for set userdata. */
export function typeOrder(fields: readonly NftDataType[] | "verdict"): number {
  return fields !== "verdict" && fields.length === 1 ? TYPES[fields[0]!].order : 0;
}

/** A map's value type: a data type, or `"verdict"`. */
export type NftMapType = NftDataType | "verdict";

/** The NFTA_SET_DATA_TYPE and length of a map's value type. */
export function checkDataType(
  v: unknown,
  path: string,
): { id: number; len: number; verdict: boolean } {
  if (v === "verdict") return { id: NFT_DATA.VERDICT, len: 0, verdict: true };
  if (typeof v !== "string" || !Object.hasOwn(TYPES, v)) {
    throw new ArgumentError(path, `"verdict" or a data type (${NFT_DATA_TYPES.join(", ")})`, v);
  }
  const t = TYPES[v as NftDataType];
  return { id: t.id, len: t.size, verdict: false };
}

/** A map's value type by its number (verdict maps: NFT_DATA_VERDICT, or nft's TYPE_VERDICT). */
export function dataTypeName(id: number, len: number): NftMapType | number {
  if (id === NFT_DATA.VERDICT || id === TYPE_VERDICT) return "verdict";
  const t = TYPE_BY_ID.get(id);
  return t && TYPES[t].size === len ? t : id;
}

function valueBytes(t: NftDataType, v: unknown, path: string): Uint8Array {
  const int = (max: number) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) {
      throw new ArgumentError(path, `${t}: an integer from 0 to ${max}`, v);
    }
    return v;
  };
  switch (t) {
    case "ipv4_addr":
    case "ipv6_addr": {
      const b = typeof v === "string"
        ? (t === "ipv4_addr" ? parseIPv4(v) : parseIPv6(v))
        : undefined;
      if (!b) {
        throw new ArgumentError(path, `${t}: an ${t === "ipv4_addr" ? "IPv4" : "IPv6"} address`, v);
      }
      return b;
    }
    case "ether_addr": {
      const b = typeof v === "string" ? parseMAC(v) : undefined;
      if (!b || b.length !== 6) throw new ArgumentError(path, "ether_addr: a MAC address", v);
      return b;
    }
    case "inet_proto": {
      const n = typeof v === "string" ? PROTOCOL_NUMBERS.get(v) : v;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 255) {
        throw new ArgumentError(path, "inet_proto: a protocol name or number from 0 to 255", v);
      }
      return Uint8Array.of(n);
    }
    case "inet_service": {
      const n = int(0xffff);
      return Uint8Array.of(n >> 8, n & 0xff);
    }
    case "mark":
    case "ifindex": {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, int(0xffffffff), true); // host byte order
      return b;
    }
    case "ifname": {
      const s = typeof v === "string" ? new TextEncoder().encode(v) : undefined;
      if (!s || s.length === 0 || s.length > 15 || s.includes(0)) {
        throw new ArgumentError(path, "ifname: an interface name of 1 to 15 bytes", v);
      }
      const b = new Uint8Array(16);
      b.set(s);
      return b;
    }
  }
}

/** The bytes of a key (or a map value) of `fields`: concatenated fields padded to 4 bytes. */
export function keyBytes(fields: readonly NftDataType[], v: unknown, path: string): Uint8Array {
  if (fields.length === 1) {
    if (Array.isArray(v)) throw new ArgumentError(path, `one ${fields[0]} value`, v);
    return valueBytes(fields[0]!, v, path);
  }
  if (!Array.isArray(v) || v.length !== fields.length) {
    throw new ArgumentError(path, `an array of ${fields.length} values (${fields.join(" . ")})`, v);
  }
  const parts = fields.map((f, i) => valueBytes(f, v[i], `${path}[${i}]`));
  let len = 0;
  for (const p of parts) len += (p.length + 3) & ~3;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += (p.length + 3) & ~3;
  }
  return out;
}

function valueOf(t: NftDataType, b: Uint8Array, o: number): NftValue {
  const dv = new DataView(b.buffer, b.byteOffset);
  switch (t) {
    case "ipv4_addr":
      return formatIP(b, o, 4);
    case "ipv6_addr":
      return formatIP(b, o, 16);
    case "ether_addr":
      return formatMAC(b, o, 6);
    case "inet_proto":
      return protocolName(b[o]!);
    case "inet_service":
      return dv.getUint16(o, false);
    case "mark":
    case "ifindex":
      return dv.getUint32(o, true);
    case "ifname": {
      let e = o;
      while (e < o + 16 && b[e] !== 0) e++;
      return new TextDecoder().decode(b.subarray(o, e));
    }
  }
}

/** A key (or map value) read back from its bytes; raw bytes when its length does not fit the types. */
export function keyValue(
  fields: readonly NftDataType[] | undefined,
  b: Uint8Array,
): NftKey | Uint8Array {
  if (!fields) return b;
  let need = 0;
  for (const f of fields) need += fields.length === 1 ? TYPES[f].size : (TYPES[f].size + 3) & ~3;
  if (b.length !== need) return b;
  if (fields.length === 1) return valueOf(fields[0]!, b, 0);
  const out: NftValue[] = [];
  let o = 0;
  for (const f of fields) {
    out.push(valueOf(f, b, o));
    o += (TYPES[f].size + 3) & ~3;
  }
  return out;
}
