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
  // Strict: the keys are checked against the member names (no copy of `v` to delete from).
  const rest: Record<string, unknown> | undefined = strict ? undefined : { ...v };
  for (const m of def.members) {
    if (m.type === "pad") continue;
    const x = v[m.name];
    if (rest) delete rest[m.name];
    if (x === undefined) continue;
    const o = start + m.offset;
    // The member's path is only made for a value that needs a closer look.
    const range = RANGE[m.type];
    if (m.type === "u64" || m.type === "s64") {
      const n = checkBig(x, m.type === "s64", `${path}.${m.name}`);
      if (m.type === "s64") w.dv.setBigInt64(o, n, !m.be);
      else w.dv.setBigUint64(o, n, !m.be);
    } else if (range) {
      const n = typeof x === "number" && Number.isInteger(x) && x >= range[0] && x <= range[1]
        ? x
        : checkInt(x, m.type, `${path}.${m.name}`);
      if (m.size === 1) w.dv.setUint8(o, n & 0xff);
      else if (m.size === 2) w.dv.setUint16(o, n & 0xffff, !m.be);
      else w.dv.setUint32(o, n >>> 0, !m.be);
    } else {
      const where = `${path}.${m.name}`;
      const b = hintedBytes(m.hint, x, where);
      if (!b) throw new ArgumentError(where, "raw bytes (Uint8Array)", x);
      if (b.length > m.size) throw new ArgumentError(where, `at most ${m.size} bytes`, x);
      w.buf.set(b, o);
    }
  }
  if (!rest) {
    const names = memberNames(def);
    const extra = Object.keys(v).find((k) => !names.has(k));
    if (extra !== undefined) {
      throw new ArgumentError(
        `${path}.${extra}`,
        `a member of struct ${def.name}`,
        extra,
        "Cannot use unknown member",
      );
    }
  }
  return rest ?? {};
}

const NAMES = new WeakMap<StructDef, ReadonlySet<string>>();

/** The names of a struct's members, pads left out. */
function memberNames(def: StructDef): ReadonlySet<string> {
  let names = NAMES.get(def);
  if (!names) {
    names = new Set(def.members.filter((m) => m.type !== "pad").map((m) => m.name));
    NAMES.set(def, names);
  }
  return names;
}
