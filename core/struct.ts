/**
 * Compiled fixed-layout structs (from the tables' struct rows): decoded into
 * an object of their members, encoded from one (missing members are zero).
 *
 * @module
 */
import { ArgumentError, DecodeError } from "./errors.ts";
import type { Writer } from "./codec.ts";
import type { StructDef } from "./schema.ts";
import { checkBig, checkInt, hintedBytes, RANGE, readScalar } from "./values.ts";

/**
 * Decodes a struct at `off` into an object of its members (pads skipped).
 * `dv` (a view of all of `bytes`) may be passed to spare making one.
 */
export function decodeStruct(
  def: StructDef,
  bytes: Uint8Array,
  off: number,
  len: number,
  dv: DataView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
): Record<string, unknown> {
  if (len < def.size) {
    throw new DecodeError(`struct ${def.name}`, `${len} bytes, needs ${def.size}`, off);
  }
  const out: Record<string, unknown> = {};
  for (const m of def.members) {
    if (m.type === "pad") continue;
    const o = off + m.offset;
    out[m.name] = readScalar(m.type, m.hint, m.be, bytes, dv, o, m.size);
  }
  return out;
}

/**
 * Writes a struct from an object's members (missing members are zero) and
 * returns the remaining keys. With `strict`, unknown keys are an error.
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
      const b = hintedBytes(m.hint, x, where);
      if (!b) throw new ArgumentError(where, "raw bytes (Uint8Array)", x);
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
        "Cannot use unknown member",
      );
    }
  }
  return rest;
}
