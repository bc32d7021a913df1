/**
 * The pieces `ip -d link` prints a link kind's data with (iproute2's
 * `print_opt` of each kind): one {@link KindPiece} per attribute, text with
 * ip's own spacing (`"forward_delay 1500 "`) and the `-j` key and value, and
 * the readers that make them from the decoded data (numbers, on/off,
 * timers, hex masks, bridge ids).
 *
 * @module
 */
import type { Names } from "./ifnames.ts";

/** The decoded kind data (IFLA_INFO_DATA or IFLA_INFO_SLAVE_DATA), by the tables' names. */
export type KindData = Readonly<Record<string, unknown>>;

/** One printed attribute: ip's text (with its trailing space) and the `-j` key and value. */
export interface KindPiece {
  /** The `-j` key (none: text only). */
  key?: string;
  /** The `-j` value. */
  json?: unknown;
  /** The text, as ip prints it (none: JSON only). */
  text?: string;
}

/** What a kind's data prints as: pieces from the data, in ip's order. */
export type KindPrinter = (d: KindData, names: Names) => KindPiece[];

/** A number (u64 values are decoded as bigints). */
export function num(v: unknown): number | undefined {
  return typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : undefined;
}

/** Pieces from several printers, in order. */
export function all(...printers: KindPrinter[]): KindPrinter {
  return (d, names) => printers.flatMap((p) => p(d, names));
}

/**
 * `word N` / `key: N` for a number attribute (ip's print_uint).
 */
export function uint(attr: string, key: string, word = key): KindPrinter {
  return (d) => {
    const v = num(d[attr]);
    return v === undefined ? [] : [{ key, json: v, text: `${word} ${v} ` }];
  };
}

/** The tables' camelCase name in ip's snake case (`forwardDelay` → `forward_delay`). */
export function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** {@link uint} for each attribute whose ip key and word are its name in snake case. */
export function uints(...attrs: string[]): KindPrinter {
  return all(...attrs.map((a) => uint(a, snake(a))));
}

/** {@link onOff} for each attribute whose ip word is its name in snake case. */
export function onOffs(...attrs: string[]): KindPrinter {
  return all(...attrs.map((a) => onOff(a, snake(a))));
}

/** {@link timer} for each attribute whose ip key is its name in snake case. */
export function timers(...attrs: string[]): KindPrinter {
  return all(...attrs.map((a) => timer(a, snake(a))));
}

/** `word on|off` / `key: true|false` (iproute2's _print_onoff). */
export function onOff(attr: string, word: string): KindPrinter {
  return (d) => {
    const v = num(d[attr]);
    return v === undefined
      ? []
      : [{ key: word, json: v !== 0, text: `${word} ${v ? "on" : "off"} ` }];
  };
}

/** `0x…` as ip's `%#llx` prints it (`0` for zero). */
export function hex0x(v: number): string {
  return v === 0 ? "0" : `0x${v.toString(16)}`;
}

/** `word 0x…` / `key: "0x…"` (ip's print_0xhex). */
export function hexNum(attr: string, key: string, word = key): KindPrinter {
  return (d) => {
    const v = num(d[attr]);
    return v === undefined ? [] : [{ key, json: hex0x(v), text: `${word} ${hex0x(v)} ` }];
  };
}

/**
 * A bridge timer (clock ticks of 1/100 s): text `word    1.50 ` (`%4i.%.2i`),
 * JSON the number of seconds.
 */
export function timer(attr: string, key: string): KindPrinter {
  return (d) => {
    const v = num(d[attr]);
    if (v === undefined) return [];
    const cs = String(v % 100).padStart(2, "0");
    const sec = String(Math.floor(v / 100));
    return [{ key, json: Number(`${sec}.${cs}`), text: `${key} ${sec.padStart(4)}.${cs} ` }];
  };
}

/** A bridge id (`{ prio, addr }`, prio as two bytes in wire order) as ip prints it: `8000.2:0:…`. */
export function bridgeId(attr: string, key: string, word: string): KindPrinter {
  return (d) => {
    const id = d[attr] as { prio?: number; addr?: string } | undefined;
    if (!id || typeof id.prio !== "number") return [];
    const b = (n: number) => n.toString(16).padStart(2, "0");
    // ip prints the address with ether_ntoa: bytes in hex without leading zeros (`7`, not `07`).
    const mac = (id.addr ?? "").split(":").map((x) => parseInt(x, 16).toString(16)).join(":");
    const s = `${b(id.prio & 0xff)}${b(id.prio >> 8)}.${mac}`;
    return [{ key, json: s, text: `${word} ${s} ` }];
  };
}

/** A string attribute (`word VALUE`), or one a function names (`mode bridge`). */
export function named(
  attr: string,
  key: string,
  name: (v: unknown, names: Names) => string | undefined,
  word = key,
): KindPrinter {
  return (d, names) => {
    if (d[attr] === undefined) return [];
    const s = name(d[attr], names);
    return s === undefined ? [] : [{ key, json: s, text: `${word} ${s} ` }];
  };
}

/** A flag printed only when set: `word ` / `key: true`. */
export function flag(attr: string, key: string, word = key): KindPrinter {
  return (d) => {
    const v = d[attr];
    return v === undefined || v === false || v === 0 ? [] : [{ key, json: true, text: `${word} ` }];
  };
}

/**
 * The text of pieces (concatenated, ip's spacing kept) and their `-j`
 * object (a later key replaces an earlier one, as JSON.parse reads ip's).
 */
export function renderPieces(
  pieces: readonly KindPiece[],
): { text: string; json: Record<string, unknown> } {
  let text = "";
  const json: Record<string, unknown> = {};
  for (const p of pieces) {
    if (p.text !== undefined) text += p.text;
    if (p.key !== undefined && p.json !== undefined) json[p.key] = p.json;
  }
  return { text, json };
}
