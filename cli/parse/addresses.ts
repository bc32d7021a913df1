/**
 * The addresses of `nlroute`'s keyword grammar: IP addresses and prefixes
 * (and their family), link-layer addresses, interface names. Each refuses a
 * bad word with an `ArgumentError` naming the keyword (`argument "via":
 * expected …`).
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { AF_INET, AF_INET6, parseIP, parseMAC, parsePrefix } from "../../core/address.ts";

/**
 * An IPv4 or IPv6 address.
 */
export function ipAddress(word: string, keyword: string): string {
  if (!parseIP(word)) throw new ArgumentError(keyword, "an IPv4 or IPv6 address", word, "argument");
  return word;
}

/**
 * An address or a prefix, in its canonical spelling.
 */
export function ipPrefix(word: string, keyword: string): string {
  try {
    const p = parsePrefix(word, keyword);
    return word.includes("/") ? `${p.address}/${p.prefixlen}` : p.address;
  } catch {
    throw new ArgumentError(
      keyword,
      'an address or a prefix such as "10.0.0.0/24"',
      word,
      "argument",
    );
  }
}

/**
 * The family of an address or prefix already checked (IPv6 has a colon).
 */
export function familyOf(word: string): typeof AF_INET | typeof AF_INET6 {
  return word.includes(":") ? AF_INET6 : AF_INET;
}

/**
 * Refuses addresses of the other family than `-4`/`-6` chose (`family` 0:
 * any; `default` fits both); the error shows `got` (default: the first wrong one).
 */
export function checkFamily(
  family: number,
  words: readonly unknown[],
  keyword: string,
  what: string,
  got?: unknown,
): void {
  if (!family) return;
  const wrong = words.find((v) =>
    v !== undefined && v !== "default" && familyOf(String(v)) !== family
  );
  if (wrong === undefined) return;
  throw new ArgumentError(
    keyword,
    family === AF_INET ? `an IPv4 ${what} (-4)` : `an IPv6 ${what} (-6)`,
    got ?? wrong,
    "argument",
  );
}

/**
 * A link-layer address, in lower case.
 */
export function macAddress(word: string, keyword: string): string {
  if (!parseMAC(word)) {
    throw new ArgumentError(
      keyword,
      'a link-layer address such as "02:00:00:00:00:01"',
      word,
      "argument",
    );
  }
  return word.toLowerCase();
}

/**
 * An interface name (1 to 15 bytes, no `/`, `:` or spaces).
 */
export function ifnameValue(word: string, keyword: string): string {
  if (word === "" || word.length > 15 || /[/\s:]/.test(word) || word === "." || word === "..") {
    throw new ArgumentError(
      keyword,
      "an interface name of 1 to 15 bytes without '/', ':' or spaces",
      word,
      "argument",
    );
  }
  return word;
}
