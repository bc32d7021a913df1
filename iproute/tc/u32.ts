/**
 * The u32 classifier's selector (`struct tc_u32_sel` and its `struct tc_u32_key`s):
 * typed matches in tc's grammar ({@link U32Match}) turned into the keys tc's
 * f_u32.c makes ({@link u32Keys}), the selector's bytes both ways
 * ({@link encodeU32Sel}, {@link decodeU32Sel}), u32 handles as tc reads and
 * prints them ({@link parseU32Handle}, {@link formatU32Handle},
 * {@link hashtableId}) and the bucket of a `sample` ({@link sampleHash}).
 * Pure: nothing here talks to the kernel.
 *
 * @module
 */
import { AF_INET, AF_INET6, parseMAC, parsePrefix } from "../../core/address.ts";
import { ArgumentError, DecodeError } from "../../core/errors.ts";
import { IP_PROTOCOLS } from "../names.ts";
import { TC_U32 } from "../../core/tables/tc.ts";
import { hex16 } from "./units.ts";

/** u32's selector flags and the root hash table's id (generated from pkt_cls.h). */
export { TC_U32 };
/** The root hash table's id, `TC_U32_ROOT`. */
export const TC_U32_ROOT: number = TC_U32.ROOT;

/** The most keys tc puts in one selector (f_u32.c's `struct tc_u32_key keys[128]`). */
const MAX_KEYS = 128;
/** `sizeof(struct tc_u32_sel)` and `sizeof(struct tc_u32_key)`. */
const SEL_SIZE = 16;
const KEY_SIZE = 16;
const S32_MIN = -0x80000000;
const S32_MAX = 0x7fffffff;

/**
 * One 32-bit comparison of the selector: the packet's big-endian word at
 * `off` (plus the next header's offset masked by `offmask`), masked by
 * `mask`, must equal `value`. `value` and `mask` are unsigned 32-bit numbers
 * (the wire holds them big-endian: `0x0a000000` is 10.0.0.0).
 */
export interface U32Key {
  /** The value the masked word must have (0 to 0xffffffff). */
  value: number;
  /** The bits compared (0 to 0xffffffff). */
  mask: number;
  /** Byte offset of the word, a multiple of 4 (negative: into the link-layer header). */
  off: number;
  /**
   * Added to `off` after masking the next header's offset with it: 0 for a
   * fixed offset, -1 for tc's `at nexthdr+N`. Keys from {@link u32Keys} and
   * {@link decodeU32Sel} always have it; absent means 0.
   */
  offmask?: number;
}

/** A field's value with every bit compared, or `[value, mask]` as tc writes `VALUE MASK`. */
export type U32Value = number | readonly [value: number, mask: number];

/** An IP protocol by name (also a number, or `[value, mask]`). */
export type U32ProtocolName =
  | "icmp"
  | "igmp"
  | "tcp"
  | "udp"
  | "gre"
  | "esp"
  | "ah"
  | "ipv6-icmp"
  | "icmpv6"
  | "sctp"
  | "udplite";

/**
 * `match ip …`: fields of the IPv4 header, the transport ports and ICMP type
 * and code at the offsets of a 20-byte header (no options), as tc has them.
 * The keys come in the object's property order.
 */
export interface U32IpMatch {
  /** `ip src PREFIX`: source prefix, `"10.0.0.0/8"` or an address (/32). */
  src?: string;
  /** `ip dst PREFIX`: destination prefix. */
  dst?: string;
  /** `ip tos`: the TOS byte (byte 1). */
  tos?: U32Value;
  /** `ip dsfield`: the same byte as `tos`. */
  dsfield?: U32Value;
  /** `ip precedence`: the same byte as `tos` (give the mask, e.g. `[0xe0, 0xe0]`). */
  precedence?: U32Value;
  /** `ip ihl`: header length in words, in byte 0; a lone number compares the low 4 bits. */
  ihl?: U32Value;
  /** `ip protocol`: byte 9, by number or name. */
  protocol?: U32Value | U32ProtocolName;
  /** `ip nofrag`: not a fragment (fragment offset and MF clear). */
  nofrag?: true;
  /** `ip firstfrag`: the first fragment (MF set, offset 0). */
  firstfrag?: true;
  /** `ip df`: don't-fragment set. */
  df?: true;
  /** `ip mf`: more-fragments set. */
  mf?: true;
  /** `ip sport`: 16 bits at 20. */
  sport?: U32Value;
  /** `ip dport`: 16 bits at 22. */
  dport?: U32Value;
  /** `ip icmp_type`: byte 20. */
  icmpType?: U32Value;
  /** `ip icmp_code`: byte 21. */
  icmpCode?: U32Value;
}

/**
 * `match ip6 …`: fields of the IPv6 header, the ports and ICMPv6 type and
 * code right after it (no extension headers), as tc has them.
 * The keys come in the object's property order.
 */
export interface U32Ip6Match {
  /** `ip6 src PREFIX`: source prefix, `"2001:db8::/32"` or an address (/128). */
  src?: string;
  /** `ip6 dst PREFIX`: destination prefix. */
  dst?: string;
  /** `ip6 priority`: the traffic class (8 bits). */
  priority?: U32Value;
  /** `ip6 protocol`: the next-header byte (6), by number or name. */
  protocol?: U32Value | U32ProtocolName;
  /** `ip6 flowlabel`: word 0 as tc has it; a lone number compares the low 20 bits. */
  flowlabel?: U32Value;
  /** `ip6 sport`: 16 bits at 40. */
  sport?: U32Value;
  /** `ip6 dport`: 16 bits at 42. */
  dport?: U32Value;
  /** `ip6 icmp_type`: byte 40. */
  icmpType?: U32Value;
  /**
   * `ip6 icmp_code`: byte 41. tc gives this key offmask 1 (f_u32.c's
   * `parse_u8(…, 41, 1)`), so it is a key of its own, shown `at nexthdr+40`;
   * the kernel rounds next-header offsets to multiples of 4, so it compares
   * byte 41 all the same.
   */
  icmpCode?: U32Value;
}

/** `match tcp …` / `match udp …`: ports at the next header (`at nexthdr+0` and `+2`). */
export interface U32PortMatch {
  /** Source port. */
  src?: U32Value;
  /** Destination port. */
  dst?: U32Value;
}

/** `match icmp …`: type and code at the next header. */
export interface U32IcmpMatch {
  /** ICMP type (`nexthdr+0`). */
  type?: U32Value;
  /** ICMP code (`nexthdr+1`). */
  code?: U32Value;
}

/** `match ether …`: MAC addresses, at tc's offsets before the network header (-8, -14). */
export interface U32EtherMatch {
  /** Source MAC address. */
  src?: string;
  /** Destination MAC address. */
  dst?: string;
}

/** Where a raw `u32`/`u16`/`u8` match reads. */
export interface U32At {
  /** `at N`: byte offset (default 0); u32 needs a multiple of 4, u16 an even offset. */
  at?: number;
  /** `at nexthdr+N`: the offset counts from the next header (offmask -1). */
  atNexthdr?: boolean;
}

/**
 * One `match` of tc's u32 grammar: raw `u32`/`u16`/`u8` words at an offset,
 * or named fields of `ip`, `ip6`, `tcp`, `udp`, `icmp`, `ether`.
 *
 * - `{ u32: [0x0a000000, 0xff000000], at: 12 }` is `match u32 0x0a000000 0xff000000 at 12`
 * - `{ u16: 80, at: 2, atNexthdr: true }` is `match u16 80 0xffff at nexthdr+2`
 * - `{ ip: { src: "10.1.0.0/16", dport: 80 } }` is `match ip src 10.1.0.0/16 match ip dport 80 0xffff`
 */
export type U32Match =
  | ({ u32: U32Value } & U32At)
  | ({ u16: U32Value } & U32At)
  | ({ u8: U32Value } & U32At)
  | { ip: U32IpMatch }
  | { ip6: U32Ip6Match }
  | { tcp: U32PortMatch }
  | { udp: U32PortMatch }
  | { icmp: U32IcmpMatch }
  | { ether: U32EtherMatch };

/** How a named field becomes keys. */
type Field =
  | { kind: "u8" | "u16" | "u32"; off: number; offmask: number; mask?: number; names?: true }
  | { kind: "flag"; off: number; value: number; mask: number }
  | { kind: "ip4" | "ip6" | "mac"; off: number }
  | { kind: "class" };

const u8 = (off: number, offmask = 0, mask?: number): Field =>
  mask === undefined ? { kind: "u8", off, offmask } : { kind: "u8", off, offmask, mask };
const u16 = (off: number, offmask = 0): Field => ({ kind: "u16", off, offmask });
const proto = (off: number): Field => ({ kind: "u8", off, offmask: 0, names: true });
const flag = (value: number, mask: number): Field => ({ kind: "flag", off: 6, value, mask });

/** The named fields, at the offsets of f_u32.c's parse_ip, parse_ip6, parse_udp, … */
const FIELDS: Record<string, Record<string, Field>> = {
  ip: {
    src: { kind: "ip4", off: 12 },
    dst: { kind: "ip4", off: 16 },
    tos: u8(1),
    dsfield: u8(1),
    precedence: u8(1),
    ihl: u8(0, 0, 0x0f),
    protocol: proto(9),
    nofrag: flag(0, 0x3fff),
    firstfrag: flag(0x2000, 0x3fff),
    df: flag(0x4000, 0x4000),
    mf: flag(0x2000, 0x2000),
    sport: u16(20),
    dport: u16(22),
    icmpType: u8(20),
    icmpCode: u8(21),
  },
  ip6: {
    src: { kind: "ip6", off: 8 },
    dst: { kind: "ip6", off: 24 },
    priority: { kind: "class" },
    protocol: proto(6),
    flowlabel: { kind: "u32", off: 0, offmask: 0, mask: 0x000fffff },
    sport: u16(40),
    dport: u16(42),
    icmpType: u8(40),
    icmpCode: u8(41, 1),
  },
  tcp: { src: u16(0, -1), dst: u16(2, -1) },
  udp: { src: u16(0, -1), dst: u16(2, -1) },
  icmp: { type: u8(0, -1), code: u8(1, -1) },
  ether: { src: { kind: "mac", off: -8 }, dst: { kind: "mac", off: -14 } },
};

const RAW = ["u32", "u16", "u8"] as const;
const SELECTORS = [...RAW, ...Object.keys(FIELDS)];
const WIDTH_MAX = { u8: 0xff, u16: 0xffff, u32: 0xffffffff } as const;

const hex8 = (n: number): string => n.toString(16).padStart(8, "0");

/** Adds a key as f_u32.c's pack_key: a key at the same offset and offmask absorbs it. */
function pack(
  keys: U32Key[],
  value: number,
  mask: number,
  off: number,
  offmask: number,
  argument: string,
  got: unknown,
): void {
  value = (value & mask) >>> 0;
  for (const k of keys) {
    if (k.off !== off || k.offmask !== offmask) continue;
    if (((value ^ k.value) & mask & k.mask) !== 0) {
      throw new ArgumentError(
        argument,
        `a value that agrees with the earlier matches on the same bits (${hex8(k.value)}/${
          hex8(k.mask)
        } at ${offmask ? "nexthdr+" : ""}${off})`,
        got,
      );
    }
    k.value = (k.value | value) >>> 0;
    k.mask = (k.mask | mask) >>> 0;
    return;
  }
  if (keys.length >= MAX_KEYS) {
    throw new ArgumentError(argument, `at most ${MAX_KEYS} keys in one selector`, got);
  }
  keys.push({ value, mask, off, offmask });
}

/** pack_key16: the upper half of the word at an offset ≡ 0 (mod 4), else the lower half. */
function pack16(
  keys: U32Key[],
  value: number,
  mask: number,
  off: number,
  offmask: number,
  argument: string,
  got: unknown,
): void {
  const shift = (off & 3) === 0 ? 16 : 0;
  pack(keys, value * 2 ** shift, mask * 2 ** shift, off & ~3, offmask, argument, got);
}

/** pack_key8: the byte's place in its word. */
function pack8(
  keys: U32Key[],
  value: number,
  mask: number,
  off: number,
  offmask: number,
  argument: string,
  got: unknown,
): void {
  const shift = (3 - (off & 3)) * 8;
  pack(keys, value * 2 ** shift, mask * 2 ** shift, off & ~3, offmask, argument, got);
}

/** An integer from 0 to `max`. */
function uint(v: unknown, argument: string, max: number, what = "an integer"): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) {
    throw new ArgumentError(argument, `${what} from 0 to ${max}`, v);
  }
  return v;
}

/** A lone value (compared under `fullMask`) or `[value, mask]` of at most `max`. */
function valueMask(v: unknown, argument: string, max: number, fullMask: number): [number, number] {
  if (Array.isArray(v)) {
    if (v.length !== 2) {
      throw new ArgumentError(argument, "a number or [value, mask]", v);
    }
    return [uint(v[0], `${argument}[0]`, max), uint(v[1], `${argument}[1]`, max)];
  }
  if (typeof v !== "number") {
    throw new ArgumentError(argument, `a number from 0 to ${fullMask} or [value, mask]`, v);
  }
  return [uint(v, argument, fullMask, "a number"), fullMask];
}

/** A byte offset of a raw match: an s32, with tc's alignment rule for the width. */
function offsetOf(spec: U32At, width: "u8" | "u16" | "u32", argument: string): number {
  const at = spec.at ?? 0;
  if (typeof at !== "number" || !Number.isInteger(at) || at < S32_MIN || at > S32_MAX) {
    throw new ArgumentError(`${argument}.at`, "an integer byte offset", at);
  }
  // tc refuses a u32 key at an unaligned offset (pack_key's `off % 4`). It takes
  // a u16 at an odd offset but then compares the word's low half (bytes 2-3),
  // not the bytes asked for: refused here.
  if (width === "u32" && at % 4 !== 0) {
    throw new ArgumentError(`${argument}.at`, "a multiple of 4 for a u32 match", at);
  }
  if (width === "u16" && (at & 1) !== 0) {
    throw new ArgumentError(`${argument}.at`, "an even offset for a u16 match", at);
  }
  return at;
}

function rawMatch(
  keys: U32Key[],
  m: Record<string, unknown>,
  width: "u8" | "u16" | "u32",
  path: string,
): void {
  const nexthdr = m.atNexthdr ?? false;
  if (typeof nexthdr !== "boolean") {
    throw new ArgumentError(`${path}.atNexthdr`, "true or false", nexthdr);
  }
  const off = offsetOf(m as U32At, width, path);
  const max = WIDTH_MAX[width];
  const [value, mask] = valueMask(m[width], `${path}.${width}`, max, max);
  const offmask = nexthdr ? -1 : 0;
  const argument = `${path}.${width}`;
  if (width === "u32") pack(keys, value, mask, off, offmask, argument, m[width]);
  else if (width === "u16") pack16(keys, value, mask, off, offmask, argument, m[width]);
  else pack8(keys, value, mask, off, offmask, argument, m[width]);
}

/** A prefix's mask in a 32-bit word, for `bits` (0-32) leading ones. */
const prefixMask = (bits: number): number => bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;

function word(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
}

function fieldKeys(keys: U32Key[], f: Field, v: unknown, path: string): void {
  switch (f.kind) {
    case "ip4":
    case "ip6": {
      const family = f.kind === "ip4" ? AF_INET : AF_INET6;
      const p = parsePrefix(v, path);
      if (p.family !== family) {
        throw new ArgumentError(
          path,
          family === AF_INET
            ? 'an IPv4 prefix such as "10.0.0.0/8"'
            : 'an IPv6 prefix such as "2001:db8::/32"',
          v,
        );
      }
      if (family === AF_INET) {
        // parse_ip_addr: one key, even for /0 (mask 0).
        pack(keys, word(p.bytes, 0), prefixMask(p.prefixlen), f.off, 0, path, v);
        return;
      }
      // parse_ip6_addr: a key per word the prefix reaches (none for /0).
      for (let i = 0; i < p.prefixlen; i += 32) {
        const mask = prefixMask(Math.min(32, p.prefixlen - i));
        pack(keys, word(p.bytes, i / 8), mask, f.off + i / 8, 0, path, v);
      }
      return;
    }
    case "mac": {
      const mac = typeof v === "string" ? parseMAC(v) : undefined;
      if (!mac || mac.length !== 6) {
        throw new ArgumentError(path, 'a MAC address such as "02:00:00:00:00:01"', v);
      }
      for (let i = 0; i < 6; i++) pack8(keys, mac[i]!, 0xff, f.off + i, 0, path, v);
      return;
    }
    case "flag":
      if (v !== true) throw new ArgumentError(path, "true", v);
      pack16(keys, f.value, f.mask, f.off, 0, path, v);
      return;
    case "class": {
      // parse_ip6_class: the traffic class, bits 20-27 of word 0.
      const [value, mask] = valueMask(v, path, 0xff, 0xff);
      pack(keys, value * 2 ** 20, mask * 2 ** 20, 0, 0, path, v);
      return;
    }
    default: {
      const max = WIDTH_MAX[f.kind];
      const [value, mask] = f.names && typeof v === "string"
        ? [IP_PROTOCOLS.value(v, path), 0xff]
        : valueMask(v, path, max, f.mask ?? max);
      if (f.kind === "u32") pack(keys, value, mask, f.off, f.offmask, path, v);
      else if (f.kind === "u16") pack16(keys, value, mask, f.off, f.offmask, path, v);
      else pack8(keys, value, mask, f.off, f.offmask, path, v);
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function matchKeys(keys: U32Key[], m: unknown, path: string): void {
  if (!isObject(m)) {
    throw new ArgumentError(path, 'a match object such as { ip: { src: "10.0.0.0/8" } }', m);
  }
  const present = SELECTORS.filter((s) => Object.hasOwn(m, s));
  if (present.length !== 1) {
    throw new ArgumentError(
      path,
      `exactly one of ${SELECTORS.join(", ")}`,
      present.length ? present.join(" and ") : m,
    );
  }
  const sel = present[0]!;
  const raw = (RAW as readonly string[]).includes(sel);
  for (const key in m) {
    if (!Object.hasOwn(m, key) || key === sel) continue;
    if (!raw || (key !== "at" && key !== "atNexthdr")) {
      throw new ArgumentError(
        `${path}.${key}`,
        raw ? `${sel} with at and atNexthdr` : `${sel} alone (offsets are fixed for ${sel})`,
        key,
      );
    }
  }
  if (raw) {
    rawMatch(keys, m, sel as "u8" | "u16" | "u32", path);
    return;
  }
  const fields = FIELDS[sel]!;
  const spec = m[sel];
  if (!isObject(spec)) {
    throw new ArgumentError(
      `${path}.${sel}`,
      `an object of ${Object.keys(fields).join(", ")}`,
      spec,
    );
  }
  for (const name in spec) {
    if (!Object.hasOwn(spec, name)) continue;
    const f = fields[name];
    if (!f) {
      throw new ArgumentError(
        `${path}.${sel}.${name}`,
        `one of ${Object.keys(fields).join(", ")}`,
        name,
      );
    }
    if (spec[name] === undefined) continue;
    fieldKeys(keys, f, spec[name], `${path}.${sel}.${name}`);
  }
}

/**
 * The keys tc's f_u32.c makes for `match …` clauses, in order: u16 and u8
 * values are placed in their aligned 32-bit word, a value landing in a word
 * (same offset and offmask) that an earlier key has is merged into that key
 * (as pack_key does), IPv6 prefixes are split into 32-bit keys. Every key has
 * `offmask` (0, or -1 for next-header offsets).
 *
 * Refused with an {@link ArgumentError} naming the element (`match[1].ip.src`):
 * what tc refuses (a malformed prefix, a u8 value over 255, a u32 at an
 * unaligned offset, a value contradicting an earlier match of the same bits,
 * more than 128 keys), and a u16 at an odd offset, which tc takes but then
 * compares at the wrong bytes.
 *
 * @example `match ip src 10.1.0.0/16 match ip sport 1024 0xfc00 match ip dport 80 0xffff`
 * ```ts
 * import { u32Keys } from "./u32.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(u32Keys([{ ip: { src: "10.1.0.0/16", sport: [1024, 0xfc00], dport: 80 } }]), [
 *   { value: 0x0a010000, mask: 0xffff0000, off: 12, offmask: 0 },
 *   { value: 0x04000050, mask: 0xfc00ffff, off: 20, offmask: 0 },
 * ]);
 * ```
 */
export function u32Keys(matches: readonly U32Match[], argument = "match"): U32Key[] {
  if (!Array.isArray(matches)) {
    throw new ArgumentError(argument, "an array of matches", matches);
  }
  const keys: U32Key[] = [];
  matches.forEach((m, i) => matchKeys(keys, m, `${argument}[${i}]`));
  return keys;
}

/** The selector around the keys: flags, next-header offset, hash key. */
export interface U32Selector {
  /** The keys, at most 255 (the count is one byte). */
  keys: readonly U32Key[];
  /** Sets (true) or clears (false) {@link TC_U32}.TERMINAL in `flags`. */
  terminal?: boolean;
  /**
   * {@link TC_U32} flags, default 0. They are not derived from the fields
   * below: tc sets OFFSET with `offset plus`, VAROFFSET with `offset at`,
   * `mask` or `shift`, EAT with `eat`.
   */
  flags?: number;
  /** `offset shift N` (0-255). */
  offshift?: number;
  /** `offset mask M`: the bits of the 16-bit word at `offoff` that hold the offset. */
  offmask?: number;
  /** `offset plus N` (0-65535). */
  off?: number;
  /** `offset at N`: where the offset word is, an even number (tc's rule). */
  offoff?: number;
  /** `hashkey at N`: the word hashed, a multiple of 4 (tc's rule). */
  hoff?: number;
  /** `hashkey mask M`: the bits hashed (unsigned, written big-endian). */
  hmask?: number;
}

/** A selector as the kernel reports it (see {@link decodeU32Sel}). */
export interface DecodedU32Sel {
  /** The {@link TC_U32} flags. */
  flags: number;
  /** TC_U32.TERMINAL is set. */
  terminal: boolean;
  /** TC_U32.VAROFFSET is set. */
  variable: boolean;
  /** TC_U32.EAT is set. */
  eat: boolean;
  /** Offset shift. */
  offshift: number;
  /** Number of keys. */
  nkeys: number;
  /** Offset mask (host value of the big-endian field). */
  offmask: number;
  /** `offset plus`. */
  off: number;
  /** `offset at`. */
  offoff: number;
  /** `hashkey at`. */
  hoff: number;
  /** `hashkey mask` (host value of the big-endian field). */
  hmask: number;
  /** The keys, each with its offmask. */
  keys: U32Key[];
}

function sint(v: unknown, argument: string, lo: number, hi: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) {
    throw new ArgumentError(argument, `an integer from ${lo} to ${hi}`, v);
  }
  return v;
}

/**
 * The bytes of TCA_U32_SEL: `struct tc_u32_sel` then its keys. Key values and
 * masks, `offmask` and `hmask` are written big-endian, the other fields in
 * host order (little-endian, as the rest of nlroute). Refuses (with an
 * {@link ArgumentError} under `argument`) fields out of range, more than 255
 * keys, an odd `offoff` and a `hoff` that is not a multiple of 4.
 */
export function encodeU32Sel(sel: U32Selector, argument = "sel"): Uint8Array {
  if (!isObject(sel)) throw new ArgumentError(argument, "a selector object with keys", sel);
  const keys = sel.keys;
  if (!Array.isArray(keys) || keys.length > 255) {
    throw new ArgumentError(`${argument}.keys`, "an array of at most 255 keys", keys);
  }
  let flags = sel.flags === undefined ? 0 : uint(sel.flags, `${argument}.flags`, 0xff);
  if (sel.terminal !== undefined) {
    if (typeof sel.terminal !== "boolean") {
      throw new ArgumentError(`${argument}.terminal`, "true or false", sel.terminal);
    }
    flags = sel.terminal ? flags | TC_U32.TERMINAL : flags & ~TC_U32.TERMINAL;
  }
  const offshift = uint(sel.offshift ?? 0, `${argument}.offshift`, 0xff);
  const offmask = uint(sel.offmask ?? 0, `${argument}.offmask`, 0xffff);
  const off = uint(sel.off ?? 0, `${argument}.off`, 0xffff);
  const offoff = sint(sel.offoff ?? 0, `${argument}.offoff`, -0x8000, 0x7fff);
  if (offoff % 2 !== 0) throw new ArgumentError(`${argument}.offoff`, "an even offset", offoff);
  const hoff = sint(sel.hoff ?? 0, `${argument}.hoff`, -0x8000, 0x7fff);
  if (hoff % 4 !== 0) throw new ArgumentError(`${argument}.hoff`, "a multiple of 4", hoff);
  const hmask = uint(sel.hmask ?? 0, `${argument}.hmask`, 0xffffffff);

  const out = new Uint8Array(SEL_SIZE + KEY_SIZE * keys.length);
  const dv = new DataView(out.buffer);
  dv.setUint8(0, flags);
  dv.setUint8(1, offshift);
  dv.setUint8(2, keys.length);
  dv.setUint16(4, offmask, false);
  dv.setUint16(6, off, true);
  dv.setInt16(8, offoff, true);
  dv.setInt16(10, hoff, true);
  dv.setUint32(12, hmask, false);
  keys.forEach((k: unknown, i) => {
    const path = `${argument}.keys[${i}]`;
    if (!isObject(k)) throw new ArgumentError(path, "a key { value, mask, off }", k);
    const o = SEL_SIZE + KEY_SIZE * i;
    dv.setUint32(o, uint(k.mask, `${path}.mask`, 0xffffffff), false);
    dv.setUint32(o + 4, uint(k.value, `${path}.value`, 0xffffffff), false);
    dv.setInt32(o + 8, sint(k.off, `${path}.off`, S32_MIN, S32_MAX), true);
    dv.setInt32(o + 12, sint(k.offmask ?? 0, `${path}.offmask`, S32_MIN, S32_MAX), true);
  });
  return out;
}

/**
 * Reads TCA_U32_SEL's payload (`length` bytes at `offset`, default the rest
 * of `bytes`). Throws a {@link DecodeError} when the header or the keys it
 * counts do not fit; bytes after the last key are ignored.
 */
export function decodeU32Sel(
  bytes: Uint8Array,
  offset = 0,
  length: number = bytes.length - offset,
): DecodedU32Sel {
  if (offset < 0 || length < 0 || offset + length > bytes.length) {
    throw new DecodeError(
      "tc_u32_sel",
      `${length} bytes at ${offset} run past the ${bytes.length} bytes given`,
      offset,
    );
  }
  if (length < SEL_SIZE) {
    throw new DecodeError(
      "tc_u32_sel",
      `the header needs ${SEL_SIZE} bytes, got ${length}`,
      offset,
    );
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, length);
  const flags = dv.getUint8(0);
  const nkeys = dv.getUint8(2);
  if (length < SEL_SIZE + KEY_SIZE * nkeys) {
    throw new DecodeError(
      "tc_u32_sel",
      `${nkeys} keys need ${SEL_SIZE + KEY_SIZE * nkeys} bytes, got ${length}`,
      offset,
    );
  }
  const keys: U32Key[] = [];
  for (let i = 0; i < nkeys; i++) {
    const o = SEL_SIZE + KEY_SIZE * i;
    keys.push({
      value: dv.getUint32(o + 4, false),
      mask: dv.getUint32(o, false),
      off: dv.getInt32(o + 8, true),
      offmask: dv.getInt32(o + 12, true),
    });
  }
  return {
    flags,
    terminal: (flags & TC_U32.TERMINAL) !== 0,
    variable: (flags & TC_U32.VAROFFSET) !== 0,
    eat: (flags & TC_U32.EAT) !== 0,
    offshift: dv.getUint8(1),
    nkeys,
    offmask: dv.getUint16(4, false),
    off: dv.getUint16(6, true),
    offoff: dv.getInt16(8, true),
    hoff: dv.getInt16(10, true),
    hmask: dv.getUint32(12, false),
    keys,
  };
}

const HANDLE_HELP = 'a u32 handle "HTID:HASH:NODE" in hex (e.g. "800::1", "1:") or 0x… (32 bits)';

/** One hex part of a handle ("" is 0; tc's strtoul also takes a 0x prefix). */
function hexPart(s: string, max: number, argument: string, v: unknown): number {
  const digits = /^0x/i.test(s) ? s.slice(2) : s;
  if (!/^[0-9a-f]*$/i.test(digits) || (digits === "" && s !== "")) {
    throw new ArgumentError(argument, HANDLE_HELP, v);
  }
  const n = digits === "" ? 0 : parseInt(digits, 16);
  if (n > max) {
    throw new ArgumentError(
      argument,
      `${HANDLE_HELP}, with each part below 0x${(max + 1).toString(16)}`,
      v,
    );
  }
  return n;
}

/**
 * A u32 handle as tc's get_u32_handle reads it: `"HTID:HASH:NODE"` in hex,
 * missing parts 0 (`"800::1"` is 0x80000001, `"1:"` 0x00100000,
 * `"800:2:3"` 0x80002003), or a 32-bit number written `0x…`. A number passes
 * through when it is a u32. tc ignores what follows a part's digits; here it
 * is an {@link ArgumentError}.
 */
export function parseU32Handle(v: string | number, argument = "handle"): number {
  if (typeof v === "number") return uint(v, argument, 0xffffffff);
  if (typeof v !== "string") throw new ArgumentError(argument, HANDLE_HELP, v);
  if (!v.includes(":")) {
    const n = /^0x[0-9a-f]+$/i.test(v) ? parseInt(v.slice(2), 16) : NaN;
    if (!(n <= 0xffffffff)) throw new ArgumentError(argument, HANDLE_HELP, v);
    return n;
  }
  const parts = v.split(":");
  if (parts.length > 3) throw new ArgumentError(argument, HANDLE_HELP, v);
  const htid = hexPart(parts[0]!, 0xfff, argument, v);
  const hash = hexPart(parts[1] ?? "", 0xff, argument, v);
  const node = hexPart(parts[2] ?? "", 0xfff, argument, v);
  return ((htid << 20) | (hash << 12) | node) >>> 0;
}

/**
 * A u32 handle as tc prints it (sprint_u32_handle): `"800:"` for a table,
 * `"800::800"` for a filter, `"800:2:3"`, `"none"` for 0.
 */
export function formatU32Handle(handle: number): string {
  const h = uint(handle, "handle", 0xffffffff);
  if (h === 0) return "none";
  const htid = h >>> 20;
  const hash = (h >>> 12) & 0xff;
  const node = h & 0xfff;
  let out = htid ? `${hex16(htid)}:` : "";
  if (hash) out += hex16(hash);
  if (node) out += `:${hex16(node)}`;
  return out;
}

/**
 * A hash table (and bucket) for `ht` and `link`: `"1:"` is 0x00100000,
 * `"1:2"` bucket 2 of table 1 (0x00102000). A node number is refused (tc:
 * `"link" must be a hash table`); the kernel also refuses a bucket in `link`.
 */
export function hashtableId(v: string | number, argument = "ht"): number {
  const h = parseU32Handle(v, argument);
  if ((h & 0xfff) !== 0) {
    throw new ArgumentError(argument, 'a hash table such as "1:" (no node number)', v);
  }
  return h;
}

/**
 * The bucket tc's `sample` picks (f_u32.c u32_hash_fold, then `% divisor`):
 * the single key's masked value shifted right past the mask's trailing
 * zeros. `sample ip dst 10.0.7.0/24` is bucket 7 of 256. With
 * `ht X: sample …` tc puts the filter at `X | bucket << 12`. The kernel hashes
 * with the linking filter's `hashkey mask`, which should be the same mask.
 * Refused: a match that makes more or fewer than one key, a divisor that is
 * not a power of 2 from 1 to 256.
 */
export function sampleHash(match: U32Match, divisor = 256, argument = "sample"): number {
  if (
    typeof divisor !== "number" || !Number.isInteger(divisor) || divisor < 1 || divisor > 256 ||
    (divisor & (divisor - 1)) !== 0
  ) {
    throw new ArgumentError("divisor", "a power of 2 from 1 to 256", divisor);
  }
  const keys: U32Key[] = [];
  matchKeys(keys, match, argument);
  if (keys.length !== 1) {
    throw new ArgumentError(argument, "a match of exactly one key", `${keys.length} keys`);
  }
  const { value, mask } = keys[0]!;
  let shift = 0;
  if (mask) { while (((mask >>> shift) & 1) === 0) shift++; }
  return ((value & mask) >>> 0 >>> shift) % divisor;
}
