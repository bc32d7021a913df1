/**
 * The generic encoder: an object of attributes written by table (the inverse
 * of `decode.ts`). Unknown names, wrong types and out-of-range numbers raise
 * {@link ArgumentError} naming the attribute path.
 *
 * @module
 */
import { NLA_F_NESTED, NLA_F_NET_BYTEORDER, type Writer } from "./codec.ts";
import { ArgumentError } from "./errors.ts";
import type { AttrDef, AttrSet } from "./schema.ts";
import { encodeStruct } from "./struct.ts";
import { checkBig, checkInt, hintedBytes, isObject } from "./values.ts";

/**
 * Encodes an object of attributes by table (the inverse of {@link decodeAttrs}).
 * Unknown names, wrong types and out-of-range numbers raise {@link ArgumentError}
 * naming the attribute path. `undefined` and `false` (for flags) are skipped.
 *
 * @example Asking for one link by name: struct ifinfomsg, then IFLA_IFNAME
 * ```ts
 * import { decodeAttrs, encodeAttrs, NetlinkSocket, Registry, RTM } from "@nlroute/nlroute";
 * import { RT_LINK, RT_LINK_STRUCTS } from "@nlroute/nlroute/tables";
 * import assert from "node:assert/strict";
 *
 * const linkAttrs = new Registry([RT_LINK]).set("linkAttrs");
 * const header = RT_LINK_STRUCTS.ifinfomsg.size;
 * await using sock = NetlinkSocket.open();
 * const { messages: [lo] } = await sock.request({
 *   type: RTM.GETLINK,
 *   body: (w) => {
 *     w.zeros(header);
 *     encodeAttrs(w, linkAttrs, { ifname: "lo" });
 *   },
 * }, { ack: false });
 * const attrs = decodeAttrs(linkAttrs, lo!.payload, header, lo!.payload.length);
 * assert.equal(attrs.ifname, "lo");
 * assert.equal(attrs.mtu, 65536);
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
      const head = def.sub?.headers?.get(sel as string);
      const a = w.beginNested(def.type);
      let rest: Record<string, unknown> = v;
      if (head) {
        rest = encodeStruct(w, head, v, path);
        w.align();
      }
      encodeAttrs(w, set, rest, path);
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
  const b = hintedBytes(def.hint, v, path);
  if (b) return w.attrBytes(def.type, b);
  if (def.struct && isObject(v)) {
    // Written in place (no buffer of its own); a refused value leaves the writer as it was.
    const start = w.pos;
    try {
      const a = w.beginAttr(def.type);
      encodeStruct(w, def.struct, v, path, true);
      w.endAttr(a);
    } catch (e) {
      w.pos = start;
      throw e;
    }
    return;
  }
  throw binaryError(def, v, path);
}

function binaryError(def: AttrDef, v: unknown, path: string): ArgumentError {
  return new ArgumentError(
    path,
    def.struct ? `an object of struct ${def.struct.name}` : "raw bytes (Uint8Array)",
    v,
  );
}
