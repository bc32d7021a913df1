/**
 * IPv4, IPv6 and MAC addresses: parsing to bytes and formatting from bytes,
 * as iproute2 prints them (RFC 5952 for IPv6, glibc's inet_ntop rules).
 *
 * @module
 */
import { ArgumentError } from "./errors.ts";

/** Address family numbers. */
export const AF_UNSPEC = 0;
/** IPv4. */
export const AF_INET = 2;
/** IPv6. */
export const AF_INET6 = 10;
/** Bridge (fdb, bridge port info). */
export const AF_BRIDGE = 7;
/** MPLS. */
export const AF_MPLS = 28;
/** Link layer (AF_PACKET), used by link messages. */
export const AF_PACKET = 17;

const OCTET: string[] = Array.from({ length: 256 }, (_, i) => String(i));
const OCTET_DOT: string[] = OCTET.map((o) => o + ".");
const HEX2: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * The first three octets of recent IPv4 addresses, `"a.b.c."`, in a small
 * direct-mapped cache (4096 entries, keyed by the 24-bit prefix): routes and
 * neighbours of one subnet share them, so an address costs one concatenation
 * instead of four (fewer short-lived strings: less GC in big dumps).
 */
const P24_KEY = new Int32Array(4096).fill(-1);
const P24_TEXT: string[] = new Array<string>(4096).fill("");

function prefix24(b: Uint8Array, off: number): string {
  const a = b[off]!, c = b[off + 1]!, d = b[off + 2]!;
  const key = (a << 16) | (c << 8) | d;
  const slot = (key ^ (key >>> 12)) & 4095;
  if (P24_KEY[slot] === key) return P24_TEXT[slot]!;
  const text = OCTET_DOT[a]! + OCTET_DOT[c]! + OCTET_DOT[d]!;
  P24_KEY[slot] = key;
  P24_TEXT[slot] = text;
  return text;
}

/**
 * Formats 4 bytes at `off` as dotted IPv4.
 */
export function formatIPv4(b: Uint8Array, off = 0): string {
  return prefix24(b, off) + OCTET[b[off + 3]!]!;
}

/** `"<octet>/<len>"` for each prefix length, made on first use. */
const OCTET_SLASH: (string[] | undefined)[] = new Array(33);

/**
 * Formats 4 bytes at `off` and a prefix length (0–32) as `"a.b.c.d/len"`
 * (what a route's destination shows).
 */
export function formatIPv4Prefix(b: Uint8Array, off: number, len: number): string {
  const tails = OCTET_SLASH[len] ??= OCTET.map((o) => `${o}/${len}`);
  return prefix24(b, off) + tails[b[off + 3]!]!;
}

/**
 * Formats 16 bytes at `off` as IPv6 (RFC 5952: lowercase, longest zero run
 * compressed; IPv4-mapped and -compatible forms end in dotted IPv4 as glibc does).
 */
export function formatIPv6(b: Uint8Array, off = 0): string {
  const w: number[] = new Array(8);
  for (let i = 0; i < 8; i++) w[i] = (b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!;
  let bestBase = -1, bestLen = 0, curBase = -1, curLen = 0;
  for (let i = 0; i < 8; i++) {
    if (w[i] === 0) {
      if (curBase < 0) curBase = i, curLen = 1;
      else curLen++;
      if (curLen > bestLen) bestBase = curBase, bestLen = curLen;
    } else curBase = -1;
  }
  if (bestLen < 2) bestBase = -1;
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += "::";
      continue;
    }
    if (out.length && !out.endsWith(":")) out += ":";
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && w[5] === 0xffff))) {
      return out + formatIPv4(b, off + 12);
    }
    out += w[i]!.toString(16);
  }
  return out;
}

/**
 * Formats an address of 4 or 16 bytes; other lengths come back as hex.
 */
export function formatIP(b: Uint8Array, off = 0, len = b.length - off): string {
  if (len === 4) return formatIPv4(b, off);
  if (len === 16) return formatIPv6(b, off);
  return formatHex(b, off, len);
}

/**
 * Formats bytes as a colon-separated MAC-style string (`aa:bb:cc:dd:ee:ff`).
 */
export function formatMAC(b: Uint8Array, off = 0, len = b.length - off): string {
  let s = "";
  for (let i = 0; i < len; i++) s += (i ? ":" : "") + HEX2[b[off + i]!]!;
  return s;
}

/**
 * Formats bytes as plain lowercase hex.
 */
export function formatHex(b: Uint8Array, off = 0, len = b.length - off): string {
  let s = "";
  for (let i = 0; i < len; i++) s += HEX2[b[off + i]!]!;
  return s;
}

/**
 * Parses hex (`"0a0b"`, as {@link formatHex} writes it, or `"0a:0b"`) into
 * bytes, or returns `undefined` when malformed.
 */
export function parseHex(s: string): Uint8Array | undefined {
  const hex = s.replace(/[:\s]/g, "");
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Parses dotted IPv4 into 4 bytes, or returns `undefined` when malformed.
 */
export function parseIPv4(s: string): Uint8Array | undefined {
  // A character loop: no regular expression, no intermediate strings.
  const len = s.length;
  if (len < 7 || len > 15) return undefined;
  const out = new Uint8Array(4);
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= len; i++) {
    const c = i < len ? s.charCodeAt(i) : 46; // a final "."
    if (c === 46) {
      if (digits === 0 || part > 3) return undefined;
      out[part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      // No leading zeros ("01"), at most 255.
      if (digits > 0 && value === 0) return undefined;
      value = value * 10 + (c - 48);
      if (++digits > 3 || value > 255) return undefined;
    } else return undefined;
  }
  return part === 4 ? out : undefined;
}

/**
 * The dotted IPv4 address in `s[start, end)` as an unsigned 32-bit number in
 * network order (`"10.0.0.1"` → 0x0a000001), or -1 when malformed (the same
 * rules as {@link parseIPv4}: four parts, no leading zeros, at most 255).
 * Allocates nothing: request builders write it with `Writer.u32(v, true)`.
 */
export function ipv4Value(s: string, start = 0, end: number = s.length): number {
  const len = end - start;
  if (len < 7 || len > 15) return -1;
  let acc = 0;
  let parts = 0;
  let value = 0;
  let digits = 0;
  for (let i = start; i <= end; i++) {
    const c = i < end ? s.charCodeAt(i) : 46; // a final "."
    if (c === 46) {
      if (digits === 0 || parts > 3) return -1;
      acc = acc * 256 + value;
      parts++;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return -1;
      value = value * 10 + (c - 48);
      if (++digits > 3 || value > 255) return -1;
    } else return -1;
  }
  return parts === 4 ? acc : -1;
}

/**
 * The prefix length written in `s[start, end)` (one to three decimal digits,
 * as {@link parsePrefix} accepts them), or -1 when it is not one or exceeds `max`.
 */
export function prefixLenValue(s: string, start: number, end: number, max: number): number {
  const len = end - start;
  if (len < 1 || len > 3) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v <= max ? v : -1;
}

/**
 * Parses IPv6 (with `::` and an optional dotted IPv4 tail) into 16 bytes, or
 * returns `undefined` when malformed. Zone suffixes (`%eth0`) are not accepted.
 */
export function parseIPv6(s: string): Uint8Array | undefined {
  if (s.length < 2 || s.length > 45 || !/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let tail: Uint8Array | undefined;
  let text = s;
  if (s.includes(".")) {
    const cut = s.lastIndexOf(":");
    tail = parseIPv4(s.slice(cut + 1));
    if (!tail) return undefined;
    text = s.slice(0, cut + 1) + "0:0";
  }
  const dbl = text.indexOf("::");
  if (dbl >= 0 && text.indexOf("::", dbl + 1) >= 0) return undefined;
  const head = dbl >= 0 ? text.slice(0, dbl) : text;
  const rest = dbl >= 0 ? text.slice(dbl + 2) : "";
  const hs = head ? head.split(":") : [];
  const rs = rest ? rest.split(":") : [];
  const total = hs.length + rs.length;
  if (dbl < 0 ? total !== 8 : total > 7) return undefined;
  const words = dbl < 0 ? hs : [...hs, ...new Array<string>(8 - total).fill("0"), ...rs];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const w = words[i]!;
    if (!/^[0-9a-fA-F]{1,4}$/.test(w)) return undefined;
    const n = parseInt(w, 16);
    out[2 * i] = n >> 8;
    out[2 * i + 1] = n & 255;
  }
  if (tail) out.set(tail, 12);
  return out;
}

/**
 * Parses an IPv4 or IPv6 address: bytes and family, or `undefined`.
 */
export function parseIP(s: string): { bytes: Uint8Array; family: number } | undefined {
  if (s.includes(":")) {
    const bytes = parseIPv6(s);
    return bytes && { bytes, family: AF_INET6 };
  }
  const bytes = parseIPv4(s);
  return bytes && { bytes, family: AF_INET };
}

/**
 * Parses a MAC address (`aa:bb:cc:dd:ee:ff`, also `-` separated), or `undefined`.
 * Other lengths of colon-separated hex (e.g. 20-byte InfiniBand) are accepted.
 */
export function parseMAC(s: string): Uint8Array | undefined {
  const parts = s.split(/[:-]/);
  if (parts.length < 2 || parts.length > 32) return undefined;
  const out = new Uint8Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    if (!/^[0-9a-fA-F]{1,2}$/.test(parts[i]!)) return undefined;
    out[i] = parseInt(parts[i]!, 16);
  }
  return out;
}

/** An address with its prefix length and family. */
export interface Prefix {
  /** The address as written back by {@link formatIP}. */
  address: string;
  /** Address bytes (4 or 16). */
  bytes: Uint8Array;
  /** Prefix length. */
  prefixlen: number;
  /** AF_INET or AF_INET6. */
  family: number;
}

/**
 * Parses `"10.0.0.1/24"`, `"fd00::/64"` or a bare address (full-length prefix).
 * Throws {@link ArgumentError} naming `argument` when malformed.
 */
export function parsePrefix(s: unknown, argument: string, defaultLen?: number): Prefix {
  if (typeof s !== "string") {
    throw new ArgumentError(argument, 'an address string such as "10.0.0.1/24"', s);
  }
  const slash = s.indexOf("/");
  const addr = slash >= 0 ? s.slice(0, slash) : s;
  const ip = parseIP(addr);
  if (!ip) throw new ArgumentError(argument, "an IPv4 or IPv6 address", s);
  const max = ip.family === AF_INET ? 32 : 128;
  let prefixlen = defaultLen ?? max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) {
      throw new ArgumentError(argument, `a prefix length from 0 to ${max}`, s);
    }
    prefixlen = Number(p);
  }
  return { address: formatIP(ip.bytes), bytes: ip.bytes, prefixlen, family: ip.family };
}
