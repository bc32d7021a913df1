/**
 * The numbers and names of `nlroute`'s keyword grammar: integers, ranges,
 * names from iproute/names.ts (tables, protocols, scopes, …). Each refuses a bad word with an
 * `ArgumentError` naming the keyword (`argument "mtu": expected …`).
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { type NameMap, ROUTE_PROTOCOLS, SCOPES, TABLES } from "../../iproute/names.ts";

/**
 * An integer (decimal or 0x hex) within bounds; the error names the keyword.
 */
export function integer(word: string, keyword: string, lo = 0, hi = 0xffffffff): number {
  const n = /^(0x[0-9a-f]+|\d+)$/i.test(word) ? Number(word) : NaN;
  if (!Number.isSafeInteger(n) || n < lo || n > hi) {
    throw new ArgumentError(keyword, `an integer from ${lo} to ${hi}`, word, "argument");
  }
  return n;
}

/** A reader of a name of `map` or a number up to `max`, whose error says `expected`. */
function named(map: NameMap, expected: string, max = 255) {
  return (word: string, keyword: string): number => {
    try {
      return map.value(word, keyword, max);
    } catch {
      throw new ArgumentError(keyword, expected, word, "argument");
    }
  };
}

/**
 * A routing table: a name of {@link TABLES} or a number.
 */
export const tableValue: (word: string, keyword: string) => number = named(
  TABLES,
  "a table name (main, local, default) or number",
  0xffffffff,
);

/**
 * A route protocol: a name of {@link ROUTE_PROTOCOLS} or 0..255.
 */
export const protocolValue: (word: string, keyword: string) => number = named(
  ROUTE_PROTOCOLS,
  "a protocol name (kernel, boot, static, dhcp, bgp, …) or 0..255",
);

/**
 * A scope: a name of {@link SCOPES} or 0..255.
 */
export const scopeValue: (word: string, keyword: string) => number = named(
  SCOPES,
  "global, site, link, host or 0..255",
);

/**
 * The value of `word` when it is one of `map`'s names, else undefined.
 */
export function lookup(map: NameMap, word: string): number | undefined {
  return map.names().includes(word) ? map.value(word, "name", Infinity) : undefined;
}

/**
 * Names as a sentence's list: `a, b or c`.
 */
export function orList(names: readonly string[]): string {
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`;
}

/**
 * `word` when it is one of `names`, else an error listing them.
 */
export function oneOf(
  word: string,
  names: readonly string[],
  keyword: string,
  list = orList(names),
): string {
  if (!names.includes(word)) throw new ArgumentError(keyword, list, word, "argument");
  return word;
}

/**
 * `on` or `off`.
 */
export function onOff(word: string, keyword: string): boolean {
  return oneOf(word, ["on", "off"], keyword) === "on";
}

/**
 * A number or a range `N-M` up to `max`.
 */
export function range(word: string, keyword: string, max: number): { start: number; end: number } {
  const m = /^(\d+)(?:-(\d+))?$/.exec(word);
  if (!m) {
    throw new ArgumentError(
      keyword,
      `a number or a range such as 1000-2000 (up to ${max})`,
      word,
      "argument",
    );
  }
  const start = integer(m[1]!, keyword, 0, max);
  const end = m[2] === undefined ? start : integer(m[2], keyword, start, max);
  return { start, end };
}

/**
 * `snake_case` (or `kebab-case`) → `camelCase`, the tables' spelling.
 */
export function camel(word: string): string {
  return word.replace(/[_-]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
