/**
 * The pieces every `nlroute` formatter is made of: a {@link Format} (how one
 * kind of object prints as `ip -j` and as ip's text), objects described once
 * as a list of {@link Field}s and rendered both ways, and the small value
 * spellings ip shares between objects.
 *
 * @module
 */
import { AF_INET6 } from "../../core/address.ts";
import { FAMILIES, type NameMap } from "../../iproute/names.ts";
import { type Paint, PLAIN } from "../color.ts";
import type { Names } from "./ifnames.ts";

/** What to leave out of an object (the fields a show command filters on). */
export type Hidden = ReadonlySet<string>;

/**
 * Nothing hidden.
 */
export const NOTHING: Hidden = new Set();

/** How one kind of object prints: as `ip -j` prints it, and as ip's text. */
export interface Format<T> {
  /** The object as `ip -j` prints it. */
  json(x: T, names: Names, hide: Hidden): Record<string, unknown>;
  /** The object as ip prints it, coloured by `paint`. */
  text(x: T, names: Names, paint: Paint, hide: Hidden): string;
}

/** One printed field: its JSON key and value, and its text (none: JSON only). */
export interface Field {
  /** The `ip -j` key. */
  key: string;
  /** The `ip -j` value (undefined: text only). */
  json: unknown;
  /** The text, joined to the others by a space (or nothing after a tab or before a newline). */
  text?: string;
}

/** The fields of an object, in ip's order. */
export type Fields<T> = (x: T, names: Names, paint: Paint, hide: Hidden) => Field[];

function renderText(fields: Field[]): string {
  let s = "";
  for (const f of fields) {
    if (f.text === undefined || f.text === "") continue;
    if (f.text.startsWith("\n") || s === "" || s.endsWith("\t")) s += f.text;
    else s += ` ${f.text}`;
  }
  return s;
}

function renderJson(fields: Field[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields) if (f.json !== undefined) o[f.key] = f.json;
  return o;
}

/**
 * The {@link Format} of objects described by their fields.
 */
export function fieldFormat<T>(fields: Fields<T>): Format<T> {
  return {
    json: (x, names, hide) => renderJson(fields(x, names, PLAIN, hide)),
    text: (x, names, paint, hide) => renderText(fields(x, names, paint, hide)),
  };
}

/**
 * The keys of `o` that `keys` names, in that order (ip's brief JSON objects).
 */
export function pick(o: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in o) out[k] = o[k];
  return out;
}

/**
 * The names of the bits set in `mask`, in the order of `order` (names of
 * `map`, all of them by default), and the bits no name covers.
 */
export function bitNames(
  map: NameMap,
  mask: number,
  order: readonly string[] = map.names(),
): { names: string[]; rest: number } {
  const names: string[] = [];
  let rest = mask >>> 0;
  for (const name of order) {
    const bit = map.value(name, "name", 0xffffffff);
    if (rest & bit) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  return { names, rest };
}

/**
 * `0x` and the number in hex.
 */
export function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

/**
 * A TOS byte as ip prints it (`0x10`).
 */
export function tosText(tos: number): string {
  return `0x${tos.toString(16).padStart(2, "0")}`;
}

/**
 * The number of a value decoded as a name of `map` (or as a number).
 */
export function numberOf(v: string | number, map: NameMap): number {
  return typeof v === "number" ? v : map.value(v, "value");
}

/**
 * A field `key: name` / `<word> name` for a value of `map`, or none when it is `skip`.
 */
export function namedField(
  key: string,
  word: string,
  v: string | number,
  map: NameMap,
  skip: number,
): Field[] {
  const n = numberOf(v, map);
  if (n === skip) return [];
  const name = String(map.name(n));
  return [{ key, json: name, text: `${word} ${name}` }];
}

/**
 * The prefix length of one address of a family (32 or 128).
 */
export function hostLen(family: number): number {
  return family === AF_INET6 ? 128 : 32;
}

/**
 * An address family as ip prints it (`inet`, `inet6`, `mpls`; `family<N>` for others).
 */
export function familyName(f: number): string {
  const name = FAMILIES.name(f);
  return typeof name === "string" && f !== 0 ? name : `family${f}`;
}

/**
 * An interface group as ip prints it (0 is `default`).
 */
export function groupName(g: number | undefined): string | undefined {
  return g === undefined ? undefined : g === 0 ? "default" : String(g);
}

/**
 * JSON text of a list, as `ip -j` prints it (compact, or indented with `-p`).
 */
export function jsonText(value: unknown, pretty: boolean): string {
  return pretty ? JSON.stringify(value, null, 4) : JSON.stringify(value);
}

/**
 * One object's text on one line, as `ip -o` prints it (newlines become `\`).
 */
export function oneline(text: string): string {
  return text.replace(/\n/g, "\\");
}
