/**
 * The generic decoder: a run of attributes turned into an object by table
 * (see `schema.ts` for the value types). Unknown attributes are kept under
 * `"#<type>"` keys as raw bytes; repeated attributes become arrays.
 *
 * @module
 */
import { AttrCursor, NLA_F_NET_BYTEORDER } from "./codec.ts";
import { DecodeError } from "./errors.ts";
import type { AttrDef, AttrSet } from "./schema.ts";
import { decodeStruct } from "./struct.ts";
import { binaryValue, INT_SIZE, readScalar } from "./values.ts";

/** Nesting deeper than this is refused as malformed. */
export const MAX_DEPTH = 32;

/**
 * Decodes a run of attributes by table into an object keyed by attribute name.
 * Unknown attributes are kept as `"#<type>"`: raw bytes. `dv` (a view of
 * `bytes`) may be passed to spare making one; nested runs reuse it.
 *
 * @example An attribute the table knows, and one it does not (kept as raw bytes)
 * ```ts
 * import { decodeAttrs, Registry } from "@nlroute/nlroute";
 * import { RT_LINK } from "@nlroute/nlroute/tables";
 * import assert from "node:assert/strict";
 *
 * const linkAttrs = new Registry([RT_LINK]).set("linkAttrs");
 * const bytes = new Uint8Array([
 *   8, 0, 4, 0, 0xdc, 5, 0, 0, // IFLA_MTU (4): 1500
 *   5, 0, 0xe7, 3, 7, 0, 0, 0, // type 999, one byte: 7
 * ]);
 * assert.deepEqual(decodeAttrs(linkAttrs, bytes, 0, bytes.length), {
 *   mtu: 1500,
 *   "#999": new Uint8Array([7]),
 * });
 * ```
 */
export function decodeAttrs(
  set: AttrSet,
  bytes: Uint8Array,
  start: number,
  end: number,
  depth = 0,
  dv?: DataView,
): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new DecodeError(set.name, `nesting deeper than ${MAX_DEPTH}`, start);
  const out: Record<string, unknown> = {};
  // Keys seen more than once without `multi`: made only when that happens.
  let repeated: Set<string> | undefined;
  const c = new AttrCursor(bytes, start, end, dv);
  while (c.next()) {
    const def = set.byType[c.type];
    if (!def) {
      repeated = put(
        out,
        `#${c.type}`,
        bytes.slice(c.offset, c.offset + c.length),
        false,
        repeated,
      );
      continue;
    }
    if (def.kind === "pad" || def.kind === "unused") continue;
    repeated = put(out, def.name, decodeValue(def, c, out, depth), def.multi, repeated);
  }
  return out;
}

/**
 * Decodes the one attribute whose header is at `pos` by its definition `def`,
 * as {@link decodeAttrs} decodes it inside its run, without decoding the
 * others; a sub-message's selector value is taken from `siblings`.
 */
export function decodeAttr(
  def: AttrDef,
  bytes: Uint8Array,
  pos: number,
  end: number,
  siblings: Record<string, unknown>,
  dv?: DataView,
): unknown {
  const c = new AttrCursor(bytes, pos, end, dv);
  if (!c.next()) throw new DecodeError(def.name, "no attribute", pos);
  return decodeValue(def, c, siblings, 0);
}

/** Stores one value under `key`; returns the (possibly new) set of repeated keys. */
function put(
  out: Record<string, unknown>,
  key: string,
  value: unknown,
  multi: boolean,
  repeated: Set<string> | undefined,
): Set<string> | undefined {
  const prev = out[key];
  if (prev === undefined) out[key] = multi ? [value] : value;
  else if (multi || repeated?.has(key)) (prev as unknown[]).push(value);
  else {
    // A repeated attribute the table does not mark multi: keep every occurrence.
    (repeated ??= new Set()).add(key);
    out[key] = [prev, value];
  }
  return repeated;
}

function decodeValue(
  def: AttrDef,
  c: AttrCursor,
  siblings: Record<string, unknown>,
  depth: number,
): unknown {
  const { bytes, offset, length } = c;
  const size = INT_SIZE[def.kind];
  if (size !== undefined) {
    if (length < size) {
      throw new DecodeError(`${def.name} (${def.kind})`, `${length} bytes, needs ${size}`, offset);
    }
    const be = def.be || (c.flags & NLA_F_NET_BYTEORDER) !== 0;
    return readScalar(def.kind, def.hint, be, bytes, c.dv, offset, size);
  }
  switch (def.kind) {
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
        header = decodeStruct(def.header, bytes, offset, length, c.dv);
        start += def.header.size;
      }
      const inner = decodeAttrs(def.nested, bytes, start, offset + length, depth + 1, c.dv);
      return header ? { ...header, ...inner } : inner;
    }
    case "sub-message": {
      const sel = def.sub && siblings[def.sub.selector];
      const set = typeof sel === "string" ? def.sub!.formats.get(sel) : undefined;
      if (!set) return c.payload().slice();
      const head = def.sub!.headers?.get(sel as string);
      if (!head) return decodeAttrs(set, bytes, offset, offset + length, depth + 1, c.dv);
      const header = decodeStruct(head, bytes, offset, length, c.dv);
      // The attributes start at NLA_ALIGN of the header (tc's netem: nla_len - NLA_ALIGN(len)).
      const start = offset + Math.min(length, (head.size + 3) & ~3);
      return { ...header, ...decodeAttrs(set, bytes, start, offset + length, depth + 1, c.dv) };
    }
    case "indexed-array":
    case "array-nest": {
      const items: unknown[] = [];
      const inner = c.nested();
      while (inner.next()) {
        if (def.nested) {
          items.push(
            decodeAttrs(
              def.nested,
              bytes,
              inner.offset,
              inner.offset + inner.length,
              depth + 1,
              c.dv,
            ),
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
        return decodeStruct(def.struct, bytes, offset, length, c.dv);
      }
      return binaryValue(def.hint, bytes, offset, length);
  }
}
