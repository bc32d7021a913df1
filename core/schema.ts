/**
 * Attribute sets as data: compiled from the generated tables in `tables/`, then
 * used by one generic decoder and one generic encoder. A value's JavaScript type
 * follows its table type:
 *
 * | table type | value |
 * |---|---|
 * | u8, u16, u32, s8, s16, s32 | `number` |
 * | u64, s64 (and 8-byte uint/sint) | `bigint` |
 * | string | `string` |
 * | binary with an ip/mac hint | `string` |
 * | binary with a struct | object of the struct's members |
 * | other binary | `Uint8Array` |
 * | flag | `true` |
 * | nest, sub-message | object |
 * | indexed-array | array |
 *
 * Attributes that the table does not know are kept under `"#<type>"` keys as raw
 * bytes (never dropped); repeated attributes become arrays.
 *
 * @module
 */
import { AttrCursor, NLA_F_NESTED, NLA_F_NET_BYTEORDER, Writer } from "./codec.ts";
import { ArgumentError, DecodeError } from "./errors.ts";
import { formatHex, formatIP, formatMAC, parseIP, parseMAC } from "./address.ts";

/** Options of a generated attribute row. */
export interface AttrOpts {
  nest?: string;
  sub?: string;
  selector?: string;
  hint?: string;
  be?: boolean;
  struct?: string;
  enum?: string;
  flags?: boolean;
  multi?: boolean;
  subType?: string;
  header?: string;
  /** A binary attribute holding an array of `struct`. */
  array?: boolean;
}
/** A generated attribute row: number, name, type, options. */
export type AttrRow = readonly [number, string, string, AttrOpts?];
/** A generated struct member row: name, type, length, options. */
export type StructRow = readonly [string, string, (number | null)?, AttrOpts?];

/** What the generator emits for one spec. */
export interface SpecData {
  enums: Record<string, { flags: boolean; entries: [string, number][] }>;
  structs: Record<string, StructRow[]>;
  sets: Record<string, AttrRow[]>;
  subMessages: Record<string, Record<string, string>>;
}

/** A compiled enum or flag set. */
export interface EnumDef {
  readonly name: string;
  readonly flags: boolean;
  readonly byName: ReadonlyMap<string, number>;
  readonly byValue: ReadonlyMap<number, string>;
}

/** A compiled struct member. */
export interface StructMember {
  readonly name: string;
  readonly type: string;
  readonly offset: number;
  readonly size: number;
  readonly hint: string | undefined;
  readonly be: boolean;
}

/** A compiled fixed-layout struct. */
export interface StructDef {
  readonly name: string;
  readonly size: number;
  readonly members: readonly StructMember[];
}

/** A compiled attribute definition. */
export interface AttrDef {
  readonly type: number;
  readonly name: string;
  readonly kind: string;
  readonly hint: string | undefined;
  readonly be: boolean;
  readonly multi: boolean;
  readonly subType: string | undefined;
  /** The payload is an array of {@link AttrDef.struct}. */
  readonly array: boolean;
  /** Nested attribute set (for `nest`, `indexed-array` of nests). */
  nested: AttrSet | undefined;
  /** Sub-message formats by selector value, and the selector's attribute name. */
  sub: { selector: string; formats: Map<string, AttrSet> } | undefined;
  struct: StructDef | undefined;
  enumDef: EnumDef | undefined;
  /** A fixed header struct that precedes nested attributes (veth peer: ifinfomsg). */
  header: StructDef | undefined;
}

/** A compiled attribute set. */
export class AttrSet {
  /** Set name, e.g. `"linkAttrs"`. */
  readonly name: string;
  /** Definitions indexed by type number. */
  readonly byType: (AttrDef | undefined)[] = [];
  /** Definitions by name. */
  readonly byName: Map<string, AttrDef> = new Map();

  constructor(name: string) {
    this.name = name;
  }

  /** Attribute numbers by name (`{ ifname: 3, mtu: 4, … }`). */
  numbers(): Record<string, number> {
    return Object.fromEntries([...this.byName].map(([n, d]) => [n, d.type]));
  }

  /** The definition of an attribute name; throws {@link ArgumentError} when unknown. */
  get(name: string, path = name): AttrDef {
    const def = this.byName.get(name);
    if (!def) {
      throw new ArgumentError(path, `an attribute of ${this.name}`, name, "Unknown attribute");
    }
    return def;
  }
}

const INT_SIZE: Record<string, number> = {
  u8: 1,
  s8: 1,
  u16: 2,
  s16: 2,
  u32: 4,
  s32: 4,
  u64: 8,
  s64: 8,
};

/**
 * A registry of compiled sets, structs and enums, built from one or more specs.
 *
 * @example
 * ```ts
 * import { Registry } from "./schema.ts";
 * import { RT_ROUTE } from "./tables/rt_route.ts";
 * const reg = new Registry([RT_ROUTE]);
 * reg.set("routeAttrs").get("gateway").type; // 5
 * ```
 */
export class Registry {
  readonly sets: Map<string, AttrSet> = new Map();
  readonly structs: Map<string, StructDef> = new Map();
  readonly enums: Map<string, EnumDef> = new Map();

  constructor(specs: SpecData[], extraFormats: Record<string, Record<string, string>> = {}) {
    for (const spec of specs) {
      for (const [name, e] of Object.entries(spec.enums)) {
        if (this.enums.has(name)) continue;
        this.enums.set(name, {
          name,
          flags: e.flags,
          byName: new Map(e.entries),
          byValue: new Map(e.entries.map(([n, v]) => [v, n])),
        });
      }
      for (const [name, rows] of Object.entries(spec.structs)) {
        if (!this.structs.has(name)) this.structs.set(name, compileStruct(name, rows));
      }
      for (const name of Object.keys(spec.sets)) {
        if (!this.sets.has(name)) this.sets.set(name, new AttrSet(name));
      }
    }
    const subs = new Map<string, Record<string, string>>();
    for (const spec of specs) {
      for (const [name, f] of Object.entries(spec.subMessages)) {
        subs.set(name, { ...subs.get(name), ...f });
      }
    }
    for (const [name, f] of Object.entries(extraFormats)) {
      subs.set(name, { ...subs.get(name), ...f });
    }
    const done = new Set<string>();
    for (const spec of specs) {
      for (const [name, rows] of Object.entries(spec.sets)) {
        if (done.has(name)) continue;
        done.add(name);
        const set = this.sets.get(name)!;
        for (const [type, attrName, kind, opts = {}] of rows) {
          const def: AttrDef = {
            type,
            name: attrName,
            kind,
            hint: opts.hint,
            be: opts.be === true,
            multi: opts.multi === true,
            subType: opts.subType,
            array: opts.array === true,
            nested: opts.nest ? this.set(opts.nest) : undefined,
            sub: undefined,
            struct: opts.struct ? this.structs.get(opts.struct) : undefined,
            enumDef: opts.enum ? this.enums.get(opts.enum) : undefined,
            header: opts.header ? this.structs.get(opts.header) : undefined,
          };
          if (opts.sub) {
            const formats = new Map<string, AttrSet>();
            for (const [value, setName] of Object.entries(subs.get(opts.sub) ?? {})) {
              formats.set(value, this.set(setName));
            }
            def.sub = { selector: opts.selector ?? "kind", formats };
          }
          set.byType[type] = def;
          set.byName.set(attrName, def);
        }
      }
    }
  }

  /** A compiled set by name. */
  set(name: string): AttrSet {
    const s = this.sets.get(name);
    if (!s) throw new Error(`Cannot find attribute set "${name}" in the tables`);
    return s;
  }
  /** A compiled struct by name. */
  struct(name: string): StructDef {
    const s = this.structs.get(name);
    if (!s) throw new Error(`Cannot find struct "${name}" in the tables`);
    return s;
  }
  /** A compiled enum by name. */
  enum(name: string): EnumDef {
    const e = this.enums.get(name);
    if (!e) throw new Error(`Cannot find enum "${name}" in the tables`);
    return e;
  }
}

function compileStruct(name: string, rows: StructRow[]): StructDef {
  const members: StructMember[] = [];
  let offset = 0;
  for (const [mname, type, len, opts = {}] of rows) {
    const size = INT_SIZE[type] ?? len ?? 0;
    // C alignment of integer members.
    if (INT_SIZE[type]) offset = Math.ceil(offset / size) * size;
    members.push({ name: mname, type, offset, size, hint: opts.hint, be: opts.be === true });
    offset += size;
  }
  return { name, size: offset, members };
}

/** Nesting deeper than this is refused as malformed. */
export const MAX_DEPTH = 32;

/**
 * Decodes a struct at `off` into an object of its members (pads skipped).
 *
 * @example
 * ```ts
 * import { decodeStruct, Registry } from "./schema.ts";
 * import { RT_ADDR } from "./tables/rt_addr.ts";
 * const reg = new Registry([RT_ADDR]);
 * const b = new Uint8Array(16);
 * decodeStruct(reg.struct("ifaCacheinfo"), b, 0, 16).ifaValid; // 0
 * ```
 */
export function decodeStruct(
  def: StructDef,
  bytes: Uint8Array,
  off: number,
  len: number,
): Record<string, unknown> {
  if (len < def.size) {
    throw new DecodeError(`struct ${def.name}`, `${len} bytes, needs ${def.size}`, off);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Record<string, unknown> = {};
  for (const m of def.members) {
    if (m.type === "pad") continue;
    const o = off + m.offset;
    out[m.name] = readScalar(m.type, m.hint, m.be, bytes, dv, o, m.size);
  }
  return out;
}

function readScalar(
  type: string,
  hint: string | undefined,
  be: boolean,
  bytes: Uint8Array,
  dv: DataView,
  o: number,
  size: number,
): unknown {
  switch (type) {
    case "u8":
      return bytes[o];
    case "s8":
      return dv.getInt8(o);
    case "u16":
      return dv.getUint16(o, !be);
    case "s16":
      return dv.getInt16(o, !be);
    case "u32":
      return dv.getUint32(o, !be);
    case "s32":
      return dv.getInt32(o, !be);
    case "u64":
      return dv.getBigUint64(o, !be);
    case "s64":
      return dv.getBigInt64(o, !be);
    default:
      return binaryValue(hint, bytes, o, size);
  }
}

function binaryValue(hint: string | undefined, bytes: Uint8Array, o: number, len: number): unknown {
  if (hint === "ip" && (len === 4 || len === 16)) return formatIP(bytes, o, len);
  if (hint === "mac") return formatMAC(bytes, o, len);
  if (hint === "hex") return formatHex(bytes, o, len);
  return bytes.slice(o, o + len);
}

/**
 * Decodes a run of attributes by table into an object keyed by attribute name.
 * Unknown attributes are kept as `"#<type>"`: raw bytes.
 *
 * @example
 * ```ts
 * import { decodeAttrs, Registry } from "./schema.ts";
 * import { RT_LINK } from "./tables/rt_link.ts";
 * const reg = new Registry([RT_LINK]);
 * const b = new Uint8Array([8, 0, 4, 0, 0xdc, 5, 0, 0]);
 * decodeAttrs(reg.set("linkAttrs"), b, 0, b.length); // { mtu: 1500 }
 * ```
 */
export function decodeAttrs(
  set: AttrSet,
  bytes: Uint8Array,
  start: number,
  end: number,
  depth = 0,
): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new DecodeError(set.name, `nesting deeper than ${MAX_DEPTH}`, start);
  const out: Record<string, unknown> = {};
  const repeated = new Set<string>();
  const c = new AttrCursor(bytes, start, end);
  while (c.next()) {
    const def = set.byType[c.type];
    if (!def) {
      put(out, `#${c.type}`, bytes.slice(c.offset, c.offset + c.length), false, repeated);
      continue;
    }
    if (def.kind === "pad" || def.kind === "unused") continue;
    put(out, def.name, decodeValue(def, c, out, depth), def.multi, repeated);
  }
  return out;
}

function put(
  out: Record<string, unknown>,
  key: string,
  value: unknown,
  multi: boolean,
  repeated: Set<string>,
): void {
  const prev = out[key];
  if (prev === undefined) out[key] = multi ? [value] : value;
  else if (multi || repeated.has(key)) (prev as unknown[]).push(value);
  else {
    // A repeated attribute the table does not mark multi: keep every occurrence.
    repeated.add(key);
    out[key] = [prev, value];
  }
}

function decodeValue(
  def: AttrDef,
  c: AttrCursor,
  siblings: Record<string, unknown>,
  depth: number,
): unknown {
  const { bytes, offset, length } = c;
  switch (def.kind) {
    case "u8":
    case "s8":
    case "u16":
    case "s16":
    case "u32":
    case "s32":
    case "u64":
    case "s64": {
      const size = INT_SIZE[def.kind]!;
      if (length < size) {
        throw new DecodeError(
          `${def.name} (${def.kind})`,
          `${length} bytes, needs ${size}`,
          offset,
        );
      }
      return readScalar(
        def.kind,
        def.hint,
        def.be || (c.flags & NLA_F_NET_BYTEORDER) !== 0,
        bytes,
        c.dv,
        offset,
        size,
      );
    }
    case "uint":
    case "sint":
      if (length === 4) {
        return def.kind === "uint" ? c.dv.getUint32(offset, true) : c.dv.getInt32(offset, true);
      }
      if (length === 8) {
        return def.kind === "uint"
          ? c.dv.getBigUint64(offset, true)
          : c.dv.getBigInt64(offset, true);
      }
      throw new DecodeError(`${def.name} (${def.kind})`, `${length} bytes, needs 4 or 8`, offset);
    case "string":
      return c.string();
    case "flag":
      // A flag has no payload; some kernels dump a "flag" as a u8 (vxlan ttl-inherit).
      return length === 0 ? true : bytes[offset] !== 0;
    case "nest": {
      if (!def.nested) return c.payload().slice();
      let start = offset;
      let header: Record<string, unknown> | undefined;
      if (def.header) {
        header = decodeStruct(def.header, bytes, offset, length);
        start += def.header.size;
      }
      const inner = decodeAttrs(def.nested, bytes, start, offset + length, depth + 1);
      return header ? { ...header, ...inner } : inner;
    }
    case "sub-message": {
      const sel = def.sub && siblings[def.sub.selector];
      const set = typeof sel === "string" ? def.sub!.formats.get(sel) : undefined;
      if (!set) return c.payload().slice();
      return decodeAttrs(set, bytes, offset, offset + length, depth + 1);
    }
    case "indexed-array":
    case "array-nest": {
      const items: unknown[] = [];
      const inner = c.nested();
      while (inner.next()) {
        if (def.nested) {
          items.push(
            decodeAttrs(def.nested, bytes, inner.offset, inner.offset + inner.length, depth + 1),
          );
        } else if (def.subType && INT_SIZE[def.subType] && inner.length >= INT_SIZE[def.subType]!) {
          items.push(
            readScalar(
              def.subType,
              undefined,
              false,
              bytes,
              inner.dv,
              inner.offset,
              INT_SIZE[def.subType]!,
            ),
          );
        } else items.push(inner.payload().slice());
      }
      return items;
    }
    case "bitfield32":
      if (length < 8) {
        throw new DecodeError(`${def.name} (bitfield32)`, `${length} bytes, needs 8`, offset);
      }
      return { value: c.dv.getUint32(offset, true), selector: c.dv.getUint32(offset + 4, true) };
    default:
      if (def.struct && length >= def.struct.size) {
        return decodeStruct(def.struct, bytes, offset, length);
      }
      return binaryValue(def.hint, bytes, offset, length);
  }
}

/**
 * Encodes an object of attributes by table (the inverse of {@link decodeAttrs}).
 * Unknown names, wrong types and out-of-range numbers raise {@link ArgumentError}
 * naming the attribute path. `undefined` and `false` (for flags) are skipped.
 *
 * @example
 * ```ts
 * import { encodeAttrs, Registry } from "./schema.ts";
 * import { Writer } from "./codec.ts";
 * import { RT_LINK } from "./tables/rt_link.ts";
 * const reg = new Registry([RT_LINK]);
 * const w = new Writer();
 * encodeAttrs(w, reg.set("linkAttrs"), { ifname: "v0", mtu: 1400 });
 * ```
 */
export function encodeAttrs(
  w: Writer,
  set: AttrSet,
  values: Record<string, unknown>,
  path = "",
): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const where = path ? `${path}.${key}` : key;
    if (key.startsWith("#")) {
      const type = Number(key.slice(1));
      if (!Number.isInteger(type) || type < 0 || type > 0x3fff || !(value instanceof Uint8Array)) {
        throw new ArgumentError(where, 'raw bytes (Uint8Array) under "#<type number>"', value);
      }
      w.attrBytes(type, value);
      continue;
    }
    const def = set.get(key, where);
    if (def.multi && Array.isArray(value)) {
      value.forEach((v, i) => encodeValue(w, def, v, `${where}[${i}]`, values));
    } else encodeValue(w, def, value, where, values);
  }
}

/** Integer bounds per type. */
const RANGE: Record<string, [number, number]> = {
  u8: [0, 0xff],
  s8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  s16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  s32: [-0x80000000, 0x7fffffff],
};

/**
 * Checks that `v` is an integer of `type` (u8 … s32), or a name of `enumDef`;
 * returns the number. Throws {@link ArgumentError} naming `path` otherwise.
 *
 * @example
 * ```ts
 * import { checkInt } from "./schema.ts";
 * checkInt(1400, "u32", "mtu"); // 1400
 * ```
 */
export function checkInt(v: unknown, type: string, path: string, enumDef?: EnumDef): number {
  const [lo, hi] = RANGE[type] ?? [0, 0xffffffff];
  if (Array.isArray(v) && enumDef?.flags) {
    let mask = 0;
    for (const [i, name] of v.entries()) mask |= checkInt(name, type, `${path}[${i}]`, enumDef);
    return mask >>> 0;
  }
  if (typeof v === "string" && enumDef) {
    const n = enumDef.byName.get(v);
    if (n === undefined) {
      throw new ArgumentError(path, `one of ${[...enumDef.byName.keys()].join(", ")}`, v);
    }
    return n;
  }
  if (typeof v === "boolean" && type === "u8") return v ? 1 : 0;
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) {
    throw new ArgumentError(
      path,
      `an integer from ${lo} to ${hi}${enumDef ? " or a name" : ""}`,
      v,
    );
  }
  return v;
}

function checkBig(v: unknown, signed: boolean, path: string): bigint {
  const lo = signed ? -(2n ** 63n) : 0n;
  const hi = signed ? 2n ** 63n - 1n : 2n ** 64n - 1n;
  const b = typeof v === "number" && Number.isInteger(v) ? BigInt(v) : v;
  if (typeof b !== "bigint" || b < lo || b > hi) {
    throw new ArgumentError(path, `an integer from ${lo} to ${hi} (number or bigint)`, v);
  }
  return b;
}

function encodeValue(
  w: Writer,
  def: AttrDef,
  v: unknown,
  path: string,
  siblings: Record<string, unknown>,
): void {
  const be = def.be;
  switch (def.kind) {
    case "u8":
    case "s8":
    case "u16":
    case "s16":
    case "u32":
    case "s32": {
      const n = checkInt(v, def.kind, path, def.enumDef);
      const a = w.beginAttr(def.type | (be ? NLA_F_NET_BYTEORDER : 0));
      if (def.kind === "u8") w.u8(n);
      else if (def.kind === "s8") w.s8(n);
      else if (def.kind === "u16") w.u16(n, be);
      else if (def.kind === "s16") w.s16(n);
      else if (def.kind === "u32") w.u32(n, be);
      else w.s32(n);
      w.endAttr(a);
      return;
    }
    case "u64":
    case "s64":
    case "uint":
    case "sint": {
      const signed = def.kind === "s64" || def.kind === "sint";
      const n = checkBig(v, signed, path);
      const a = w.beginAttr(def.type);
      if (signed) w.s64(n);
      else w.u64(n, be);
      w.endAttr(a);
      return;
    }
    case "string":
      if (typeof v !== "string" || v.includes("\0")) {
        throw new ArgumentError(path, "a string without NUL", v);
      }
      w.attrString(def.type, v);
      return;
    case "flag":
      if (typeof v !== "boolean") throw new ArgumentError(path, "true or false", v);
      if (v) w.attrFlag(def.type);
      return;
    case "nest": {
      if (!def.nested) break;
      if (!isObject(v)) throw new ArgumentError(path, `an object of ${def.nested.name}`, v);
      const a = w.beginNested(def.type);
      let rest: Record<string, unknown> = v;
      if (def.header) rest = encodeStruct(w, def.header, v, path);
      encodeAttrs(w, def.nested, rest, path);
      w.endAttr(a);
      return;
    }
    case "sub-message": {
      const sel = siblings[def.sub?.selector ?? ""];
      const set = typeof sel === "string" ? def.sub?.formats.get(sel) : undefined;
      // Raw bytes pass through, with or without a table.
      if (v instanceof Uint8Array) return w.attrBytes(def.type | NLA_F_NESTED, v);
      if (!set) {
        throw new ArgumentError(path, `raw bytes: no attribute table for ${String(sel)}`, v);
      }
      if (!isObject(v)) throw new ArgumentError(path, `an object of ${set.name}`, v);
      const a = w.beginNested(def.type);
      encodeAttrs(w, set, v, path);
      w.endAttr(a);
      return;
    }
    case "indexed-array": {
      if (!Array.isArray(v)) throw new ArgumentError(path, "an array", v);
      const a = w.beginNested(def.type);
      v.forEach((item, i) => {
        const inner = w.beginNested(i + 1);
        if (def.nested) {
          if (!isObject(item)) throw new ArgumentError(`${path}[${i}]`, "an object", item);
          encodeAttrs(w, def.nested, item, `${path}[${i}]`);
        } else if (def.subType === "u32") w.u32(checkInt(item, "u32", `${path}[${i}]`));
        else if (item instanceof Uint8Array) w.bytes(item);
        else throw new ArgumentError(`${path}[${i}]`, "raw bytes", item);
        w.endAttr(inner);
      });
      w.endAttr(a);
      return;
    }
    case "bitfield32": {
      if (!isObject(v)) throw new ArgumentError(path, "{ value, selector }", v);
      const a = w.beginAttr(def.type);
      w.u32(checkInt(v.value, "u32", `${path}.value`));
      w.u32(checkInt(v.selector, "u32", `${path}.selector`));
      w.endAttr(a);
      return;
    }
  }
  // binary
  w.attrBytes(def.type, binaryBytes(def, v, path));
}

function binaryBytes(def: AttrDef, v: unknown, path: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (def.hint === "ip") {
    const ip = typeof v === "string" ? parseIP(v) : undefined;
    if (!ip) throw new ArgumentError(path, "an IPv4 or IPv6 address", v);
    return ip.bytes;
  }
  if (def.hint === "mac") {
    const mac = typeof v === "string" ? parseMAC(v) : undefined;
    if (!mac) throw new ArgumentError(path, 'a MAC address such as "02:00:00:00:00:01"', v);
    return mac;
  }
  if (def.struct && isObject(v)) {
    const w = new Writer(def.struct.size);
    encodeStruct(w, def.struct, v, path, true);
    return w.finish();
  }
  throw new ArgumentError(
    path,
    def.struct ? `an object of struct ${def.struct.name}` : "raw bytes (Uint8Array)",
    v,
  );
}

/**
 * Writes a struct from an object's members (missing members are zero) and
 * returns the remaining keys. With `strict`, unknown keys are an error.
 *
 * @example
 * ```ts
 * import { encodeStruct, Registry } from "./schema.ts";
 * import { Writer } from "./codec.ts";
 * import { RT_ADDR } from "./tables/rt_addr.ts";
 * const w = new Writer();
 * encodeStruct(w, new Registry([RT_ADDR]).struct("ifaCacheinfo"), { ifaValid: 60 }, "cacheinfo");
 * ```
 */
export function encodeStruct(
  w: Writer,
  def: StructDef,
  v: Record<string, unknown>,
  path: string,
  strict = false,
): Record<string, unknown> {
  const start = w.pos;
  w.zeros(def.size);
  const rest: Record<string, unknown> = { ...v };
  for (const m of def.members) {
    if (m.type === "pad") continue;
    const x = v[m.name];
    delete rest[m.name];
    if (x === undefined) continue;
    const o = start + m.offset;
    const where = `${path}.${m.name}`;
    if (m.type === "u64" || m.type === "s64") {
      const n = checkBig(x, m.type === "s64", where);
      if (m.type === "s64") w.dv.setBigInt64(o, n, !m.be);
      else w.dv.setBigUint64(o, n, !m.be);
    } else if (RANGE[m.type]) {
      const n = checkInt(x, m.type, where);
      if (m.size === 1) w.dv.setUint8(o, n & 0xff);
      else if (m.size === 2) w.dv.setUint16(o, n & 0xffff, !m.be);
      else w.dv.setUint32(o, n >>> 0, !m.be);
    } else {
      const b = binaryBytes(
        { hint: m.hint, struct: undefined } as AttrDef,
        x,
        where,
      );
      if (b.length > m.size) throw new ArgumentError(where, `at most ${m.size} bytes`, x);
      w.buf.set(b, o);
    }
  }
  if (strict) {
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) {
      throw new ArgumentError(
        `${path}.${extra}`,
        `a member of struct ${def.name}`,
        extra,
        "Unknown member",
      );
    }
  }
  return rest;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}
