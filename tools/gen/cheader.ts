/**
 * A small reader of the kernel's uapi C headers, for the generator: `#define`
 * constants, `enum` blocks and plain structs (integer members, arrays of
 * them, and members that are other structs of the same header). Enough for
 * the netlink headers; it refuses (throws) what it does not understand rather
 * than guessing.
 *
 * @module
 */
import { existsSync, readFileSync } from "node:fs";

import { camel, type MemberRow } from "../../core/ynl.ts";

export { camel, type MemberRow };

/** A header's text without comments, as userspace sees it (see {@link userspace}). */
function source(path: string): string {
  return userspace(
    readFileSync(path, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, ""),
    path,
  );
}

const KERNEL_ONLY = /^(?:__KERNEL__|defined\s*\(\s*__KERNEL__\s*\)|defined\s+__KERNEL__)$/;

/**
 * The text a userspace compiler sees of `__KERNEL__` conditionals: the
 * `#ifdef __KERNEL__` branches go, the `#ifndef __KERNEL__` ones stay (so
 * nf_conntrack_common.h's enum ip_conntrack_status has no IPS_NAT_CLASH_BIT,
 * which re-uses IPS_UNTRACKED_BIT inside the kernel). Every other conditional
 * is kept whole, both branches, as before: the callers pick what they read.
 */
function userspace(text: string, path: string): string {
  const out: string[] = [];
  /** Open conditionals: `kernel` ones decide; `keep` says whether their current branch stays. */
  const stack: { kernel: boolean; keep: boolean }[] = [];
  const active = () => stack.every((s) => s.keep);
  for (const line of text.split("\n")) {
    const m = line.match(/^\s*#\s*(ifdef|ifndef|if|elif|else|endif)\b(.*)$/);
    if (!m) {
      if (active()) out.push(line);
      continue;
    }
    const [, dir, rest] = m as unknown as [string, string, string];
    const cond = rest.trim();
    const top = stack[stack.length - 1];
    if (dir === "ifdef" || dir === "ifndef" || dir === "if") {
      const negated = dir === "if" && cond.startsWith("!") &&
        KERNEL_ONLY.test(cond.slice(1).trim());
      if (negated || KERNEL_ONLY.test(cond)) {
        stack.push({ kernel: true, keep: dir === "ifndef" || negated });
        continue;
      }
      if (active()) out.push(line);
      stack.push({ kernel: false, keep: true });
      continue;
    }
    if (top?.kernel) {
      if (dir === "elif") throw new Error(`#elif after a __KERNEL__ conditional in ${path}`);
      if (dir === "else") top.keep = !top.keep;
      else stack.pop();
      continue;
    }
    if (dir === "endif") stack.pop();
    if (active()) out.push(line);
  }
  return out.join("\n");
}

/** Evaluates a constant expression over numbers and already known names. */
function evaluate(expr: string, known: ReadonlyMap<string, number>): number | undefined {
  let e = expr.trim().replace(/\b(0x[0-9a-fA-F]+|\d+)[uUlL]+\b/g, "$1");
  let unknown = false;
  e = e.replace(/\b0x[0-9a-fA-F]+\b|\b\d+\b|[A-Za-z_]\w*/g, (token) => {
    if (/^(0x|\d)/.test(token)) return token;
    const v = known.get(token);
    if (v === undefined) unknown = true;
    return String(v);
  });
  if (unknown || !/^[\s\d()|&+\-*<>~x0-9a-fA-F]+$/.test(e)) return undefined;
  return Function(`"use strict"; return (${e});`)() as number;
}

/**
 * `#define PREFIXNAME value` constants of a header, name (without the prefix)
 * → number, in file order. Values may be expressions over earlier defines.
 * `from`/`to` limit the scan to the lines between two define names. `unwrap`
 * names byte-order macros whose argument is the value (`__cpu_to_be16(0x04)`
 * → 4: the number a big-endian field holds).
 */
export function defines(
  path: string,
  prefix: string,
  range: {
    from?: string;
    to?: string;
    known?: ReadonlyMap<string, number>;
    unwrap?: readonly string[];
  } = {},
): Map<string, number> {
  const text = source(path);
  const known = new Map<string, number>(range.known);
  const out = new Map<string, number>();
  let inside = range.from === undefined;
  for (const m of text.matchAll(/^\s*#\s*define\s+(\w+)[ \t]+([^\n]+)$/gm)) {
    const [, name, value] = m as unknown as [string, string, string];
    if (name === range.from) inside = true;
    if (name === range.to) break;
    const unwrapped = range.unwrap?.length
      ? value.replace(new RegExp(`\\b(?:${range.unwrap.join("|")})\\(`, "g"), "(")
      : value;
    const v = evaluate(unwrapped, known);
    if (v === undefined) continue;
    known.set(name, v);
    if (inside && name.startsWith(prefix)) out.set(name.slice(prefix.length), v);
  }
  if (out.size === 0) throw new Error(`no #define with prefix ${prefix} in ${path}`);
  return out;
}

/** Sizes of the argument types the `_IOW`/`_IOR` ioctl macros name (LP64). */
const IOCTL_ARG_SIZE: Record<string, number> = {
  int: 4,
  "unsigned int": 4,
  // { unsigned short len; struct sock_filter *filter; }: 2, padding to 8, a pointer.
  "struct sock_fprog": 16,
};

/**
 * `#define PREFIXNAME _IO*(type, nr, argtype)` ioctl numbers of a header,
 * name (without the prefix) → number, encoded as asm-generic/ioctl.h does
 * (x86_64, aarch64): direction in bits 30–31 (write 1, read 2), the argument's
 * size in bits 16–29, the type character in bits 8–15, the number in bits 0–7.
 */
export function ioctls(path: string, prefix: string): Map<string, number> {
  const out = new Map<string, number>();
  const re =
    /^\s*#\s*define\s+(\w+)\s+_IO(R|W|WR)?\(\s*'(.)'\s*,\s*(\d+)\s*(?:,\s*([^)]+?)\s*)?\)/gm;
  for (const m of source(path).matchAll(re)) {
    const [, name, dir = "", type, nr, arg] = m as unknown as [
      string,
      string,
      string,
      string,
      string,
      string?,
    ];
    if (!name.startsWith(prefix)) continue;
    const size = arg === undefined ? 0 : IOCTL_ARG_SIZE[arg.replace(/\s+/g, " ")];
    if (size === undefined) {
      throw new Error(`ioctl ${name} in ${path}: unknown argument type ${arg}`);
    }
    const bits = (dir.includes("W") ? 1 : 0) | (dir.includes("R") ? 2 : 0);
    out.set(
      name.slice(prefix.length),
      ((bits << 30) | (size << 16) | (type.charCodeAt(0) << 8) | Number(nr)) >>> 0,
    );
  }
  if (out.size === 0) throw new Error(`no ioctl with prefix ${prefix} in ${path}`);
  return out;
}

/**
 * The entries of `enum NAME { … }` alone (for headers whose other enums the
 * reader cannot read, such as bpf.h's macro-built ones): name without
 * `prefix` → number; `__`-names and `_MAX` sentinels left out.
 */
export function namedEnum(path: string, name: string, prefix: string): Map<string, number> {
  const text = source(path).replace(/^\s*#.*$/gm, "");
  const body = text.match(new RegExp(`enum\\s+${name}\\s*\\{([^}]*)\\}`))?.[1];
  if (body === undefined) throw new Error(`no enum ${name} in ${path}`);
  const local = new Map<string, number>();
  const out = new Map<string, number>();
  let next = 0;
  for (const raw of body.split(",")) {
    const item = raw.trim();
    if (!item) continue;
    const m = item.match(/^(\w+)\s*(?:=\s*([\s\S]+))?$/);
    if (!m) throw new Error(`cannot read enum entry "${item}" of ${name} in ${path}`);
    const v = m[2] === undefined ? next : evaluate(m[2], local);
    if (v === undefined) throw new Error(`cannot evaluate "${item}" of ${name} in ${path}`);
    local.set(m[1]!, v);
    next = v + 1;
    if (m[1]!.startsWith("__") || m[1]!.endsWith("_MAX") || !m[1]!.startsWith(prefix)) continue;
    out.set(m[1]!.slice(prefix.length), v);
  }
  return out;
}

/**
 * Every `enum { … }` entry starting with `prefix`: name (without the prefix)
 * → number. `__`-names and `_MAX` sentinels are left out; with `unspecOnly`,
 * only the enum whose first entry is `<prefix>UNSPEC` is read (so `NHA_` does
 * not pick up `NHA_RES_GROUP_*`).
 */
export function enumValues(path: string, prefix: string, unspecOnly = false): Map<string, number> {
  const text = source(path).replace(/^\s*#.*$/gm, "");
  // Entries may be defined as a #define of the same header (TCA_ID_GACT = TCA_ACT_GACT).
  let known: Map<string, number>;
  try {
    known = defines(path, "");
  } catch {
    known = new Map();
  }
  const found = new Map<string, number>();
  for (const body of text.matchAll(/enum\s*\w*\s*\{([^}]*)\}/g)) {
    let next = 0;
    const local = new Map<string, number>();
    for (const raw of body[1]!.split(",")) {
      const item = raw.trim();
      if (!item) continue;
      const m = item.match(/^(\w+)\s*(?:=\s*([\s\S]+))?$/);
      if (!m) throw new Error(`cannot read enum entry "${item}" in ${path}`);
      const v = m[2] === undefined ? next : evaluate(m[2], new Map([...known, ...local]));
      if (v === undefined) throw new Error(`cannot evaluate "${item}" in ${path}`);
      local.set(m[1]!, v);
      next = v + 1;
    }
    for (const [k, v] of local) known.set(k, v);
    const first = local.keys().next().value;
    if (unspecOnly && first !== `${prefix}UNSPEC`) continue;
    for (const [k, v] of local) {
      if (!k.startsWith(prefix) || k.startsWith("__")) continue;
      const name = k.slice(prefix.length);
      if (name === "MAX") continue;
      found.set(name, v);
    }
  }
  if (found.size === 0) throw new Error(`no enum entry with prefix ${prefix} in ${path}`);
  return found;
}

const INT: Record<string, [string, boolean]> = {
  __u8: ["u8", false],
  __u16: ["u16", false],
  __u32: ["u32", false],
  __u64: ["u64", false],
  __s8: ["s8", false],
  __s16: ["s16", false],
  __s32: ["s32", false],
  __s64: ["s64", false],
  __be16: ["u16", true],
  __be32: ["u32", true],
  __be64: ["u64", true],
  "unsigned char": ["u8", false],
  "unsigned short": ["u16", false],
  short: ["s16", false],
  "signed char": ["s8", false],
  "unsigned int": ["u32", false],
  "unsigned": ["u32", false],
  int: ["s32", false],
  char: ["u8", false],
  __kernel_sa_family_t: ["u16", false],
};
const SIZE: Record<string, number> = {
  u8: 1,
  u16: 2,
  u32: 4,
  u64: 8,
  s8: 1,
  s16: 2,
  s32: 4,
  s64: 8,
};

/** The offset after the last of `rows`, with C alignment of integer members. */
function endOf(rows: readonly MemberRow[]): number {
  let offset = 0;
  for (const [, type, len] of rows) {
    const size = SIZE[type];
    offset = size ? Math.ceil(offset / size) * size + size : offset + (len ?? 0);
  }
  return offset;
}

/**
 * Keeps the little-endian branch of `#if defined(__LITTLE_ENDIAN_BITFIELD)` …
 * `#elif defined(__BIG_ENDIAN_BITFIELD)` … `#endif` (bitfield orders; the
 * byte layout is the same in both, the bit positions are the ones of the
 * machines nlroute runs on). Any other `#if` is left to the callers.
 */
function littleEndian(text: string): string {
  return text.replace(
    /#if\s+defined\(__LITTLE_ENDIAN_BITFIELD\)([\s\S]*?)#elif\s+defined\(__BIG_ENDIAN_BITFIELD\)[\s\S]*?#endif/g,
    "$1",
  );
}

/** The text between the braces that follow `open`'s match (nested braces kept), or undefined. */
function braced(text: string, open: RegExp): string | undefined {
  const m = open.exec(text);
  if (!m) return undefined;
  let depth = 1;
  const from = m.index + m[0].length;
  for (let i = from; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return text.slice(from, i);
  }
  throw new Error(`unbalanced braces after ${open}`);
}

/** `body` split at the semicolons outside braces. */
function declarations(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === "{") depth++;
    else if (body[i] === "}") depth--;
    else if (body[i] === ";" && depth === 0) {
      out.push(body.slice(start, i));
      start = i + 1;
    }
  }
  out.push(body.slice(start));
  return out;
}

/**
 * The members of `struct name` as generated rows. Integer members keep their
 * type (`__be*` get `{ be: true }`); arrays become `binary` of their byte
 * length, a flexible array member (`x[]`, `x[0]`) `binary` of length 0 (its
 * offset is where the variable part starts); a member that is another struct
 * (of the same header or one it includes) is flattened (its members inline,
 * in place); an anonymous union is its first member; a run of bitfields of
 * one storage unit is one member named after its named fields, with
 * `{ bits: { field: [shift, width] } }` (little-endian allocation, from the
 * least significant bit). `hints` adds display hints by member name.
 */
export function struct(
  path: string,
  name: string,
  hints: Record<string, Record<string, unknown>> = {},
  options: { prefixNested?: boolean } = {},
): MemberRow[] {
  const raw = readFileSync(path, "utf8");
  // Object-like macros that stand for members (pkt_cls.h's `tc_gen`) are expanded.
  const macros = memberMacros(path);
  const text = littleEndian(source(path).replace(/\\\n/g, " ")).replace(/^\s*#.*$/gm, "")
    .replace(/\b(\w+)\s*;/g, (all, id: string) => macros.has(id) ? `${macros.get(id)};` : all)
    // uapi's __struct_group(TAG, NAME, ATTRS, MEMBERS): the members, inline (the union's layout).
    .replace(/\s*__counted_by\(\w+\)/g, "")
    .replace(/__struct_group\(\s*\w*\s*,\s*\w+\s*,\s*,([\s\S]*?)\)\s*;/g, "$1");
  const body = braced(text, new RegExp(`struct\\s+${name}\\s*\\{`));
  if (body === undefined) {
    // A struct of an included header (`#include <linux/seg6.h>`).
    for (const inc of raw.matchAll(/^\s*#\s*include\s+<linux\/([\w/]+\.h)>/gm)) {
      const other = path.replace(/[^/]+$/, inc[1]!);
      if (!existsSync(other)) continue;
      try {
        return struct(other, name, hints, options);
      } catch (e) {
        if (!(e instanceof Error) || !e.message.startsWith("no struct")) throw e;
      }
    }
    throw new Error(`no struct ${name} in ${path}`);
  }
  const rows: MemberRow[] = [];
  let consts: Map<string, number> | undefined;
  for (const part of declarations(body)) {
    let decl = part.replace(/\s+/g, " ").trim();
    if (!decl) continue;
    // An anonymous union: its first member.
    const union = decl.match(/^union \{(.*)\}$/);
    if (union) decl = declarations(union[1]!)[0]!.replace(/\s+/g, " ").trim();
    // `__attribute__((aligned(N)))`: padding up to N before the member.
    const aligned = decl.match(/ __attribute__\(\(aligned\((\d+)\)\)\)$/);
    if (aligned) {
      decl = decl.slice(0, aligned.index);
      const to = Number(aligned[1]);
      const offset = endOf(rows);
      const gap = (to - (offset % to)) % to;
      if (gap) {
        rows.push([`pad${offset}`, "pad", gap]);
      }
    }
    // A flexible array member: where the variable part starts.
    const flexible = decl.match(/^(?:struct \w+|[\w ]+?) (\w+)\[0?\]$/);
    if (flexible) {
      rows.push([camel(flexible[1]!), "binary", 0]);
      continue;
    }
    const nested = decl.match(/^struct (\w+) (\w+)$/);
    if (nested) {
      const inner = struct(path, nested[1]!, hints, options);
      // With prefixNested, `struct tc_ratespec rate` gives rateCellLog, rateRate, …
      const outer = camel(nested[2]!);
      rows.push(
        ...(options.prefixNested
          ? inner.map((r) =>
            [outer + r[0][0]!.toUpperCase() + r[0].slice(1), ...r.slice(1)] as MemberRow
          )
          : inner),
      );
      continue;
    }
    if (decl.includes(":")) {
      rows.push(bitfields(decl, name, path));
      continue;
    }
    const d = decl.match(/^(.+?) (\w+)(?:\[([\w +*-]+)\])?$/);
    const int = d ? INT[d[1]!] : undefined;
    if (!d || !int) throw new Error(`cannot read member "${decl}" of struct ${name} in ${path}`);
    const member = camel(d[2]!);
    const opts: Record<string, unknown> = { ...hints[member] };
    let row: MemberRow;
    if (d[3] !== undefined) {
      const count = /^\d+$/.test(d[3])
        ? Number(d[3])
        : evaluate(d[3], consts ??= defines(path, ""));
      if (!Number.isInteger(count)) throw new Error(`array size ${d[3]} in struct ${name}`);
      row = [member, "binary", count! * SIZE[int[0]]!];
    } else {
      if (int[1]) opts.be = true;
      row = [member, int[0], undefined];
    }
    if (Object.keys(opts).length) row[3] = opts;
    rows.push(row);
  }
  return rows;
}

/** The folder holding `linux/` of a header path (…/linux/x.h or …/linux/tc_act/x.h). */
function includeRoot(path: string): string {
  return path.replace(/\/linux\/+(?:[\w]+\/)*[\w.]+$/, "/linux/");
}

/**
 * Object-like `#define`s whose body declares members (`#define tc_gen __u32
 * index; …`), of a header and the `<linux/…>` headers it includes.
 */
function memberMacros(path: string, seen = new Set<string>()): Map<string, string> {
  const out = new Map<string, string>();
  if (seen.has(path) || !existsSync(path)) return out;
  seen.add(path);
  const text = source(path).replace(/\\\n/g, " ");
  for (const inc of text.matchAll(/^\s*#\s*include\s+<linux\/([\w/]+\.h)>/gm)) {
    for (const [k, v] of memberMacros(includeRoot(path) + inc[1], seen)) out.set(k, v);
  }
  for (const m of text.matchAll(/^\s*#\s*define\s+(\w+)\s+(.*;.*)$/gm)) out.set(m[1]!, m[2]!);
  return out;
}

/** One run of bitfields (`__u8 :1, overflow:1, nodelen:5`) as one member of its storage type. */
function bitfields(decl: string, name: string, path: string): MemberRow {
  const m = decl.match(/^(__u8|__u16|__u32) (.+)$/);
  if (!m) throw new Error(`cannot read bitfields "${decl}" of struct ${name} in ${path}`);
  const [type] = INT[m[1]!]!;
  const bits: Record<string, [number, number]> = {};
  let shift = 0;
  for (const item of m[2]!.split(",")) {
    const f = item.trim().match(/^(\w*) ?: ?(\d+)$/);
    if (!f) throw new Error(`cannot read bitfield "${item}" of struct ${name} in ${path}`);
    const width = Number(f[2]);
    if (f[1]) bits[camel(f[1])] = [shift, width];
    shift += width;
  }
  // A run narrower than its storage unit leaves the unit's remaining bits as padding (C11 6.7.2.1).
  if (shift > SIZE[type]! * 8) {
    throw new Error(`bitfields "${decl}" of struct ${name} overflow one ${type}`);
  }
  const names = Object.keys(bits);
  if (names.length === 0) throw new Error(`bitfields "${decl}" of struct ${name} have no name`);
  return [camel(names.map((n) => n.replace(/[A-Z]/g, (c) => `_${c}`)).join("_")), type, undefined, {
    bits,
  }];
}
