/**
 * Prefix arithmetic of ip's selectors: an address inside a prefix (`addr
 * show to`), a prefix inside another (`route show root`), a prefix covering
 * another (`route show match`).
 *
 * @module
 */
import { AF_INET6, parseIP, parsePrefix } from "../../core/address.ts";

/** An address or prefix as bytes and a length (`default` is length 0 of its family). */
interface Bits {
  bytes: Uint8Array;
  len: number;
}

/** `word` (`"10.0.0.0/8"`, `"10.0.0.1"`, `"default"`) as bits, for `family` when it is `default`. */
function bitsOf(word: string, family: number): Bits | undefined {
  if (word === "default" || word === "") {
    return { bytes: new Uint8Array(family === AF_INET6 ? 16 : 4), len: 0 };
  }
  try {
    const p = parsePrefix(word, "prefix");
    return { bytes: p.bytes, len: p.prefixlen };
  } catch {
    return undefined;
  }
}

/** Whether the first `len` bits of `a` and `b` agree. */
function samePrefix(a: Uint8Array, b: Uint8Array, len: number): boolean {
  for (let bit = 0; bit < len; bit++) {
    const m = 0x80 >> (bit & 7);
    if ((a[bit >> 3]! & m) !== (b[bit >> 3]! & m)) return false;
  }
  return true;
}

/**
 * Whether address `a` lies in `prefix` (`"10.0.0.0/8"` or a bare address).
 */
export function inPrefix(a: string | undefined, prefix: string): boolean {
  if (a === undefined) return false;
  const ip = parseIP(a);
  const p = parsePrefix(prefix, "to");
  return !!ip && ip.bytes.length === p.bytes.length && samePrefix(ip.bytes, p.bytes, p.prefixlen);
}

/**
 * Whether the route prefix `inner` lies inside `outer` (ip's `root`: at
 * least as long, and the same in `outer`'s bits), both of `family`.
 */
export function within(inner: string, outer: string, family: number): boolean {
  const i = bitsOf(inner, family);
  const o = bitsOf(outer, family);
  if (!i || !o || i.bytes.length !== o.bytes.length) return false;
  return i.len >= o.len && samePrefix(i.bytes, o.bytes, o.len);
}

/**
 * Whether the route prefix `route` covers `target` (ip's `match`: not
 * longer, and the same in the route's bits).
 */
export function covers(route: string, target: string, family: number): boolean {
  return within(target, route, family);
}
