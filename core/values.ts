/**
 * Scalar and binary values of the table-driven codec: integer sizes and
 * bounds, the checks that turn user values into wire numbers (raising
 * {@link ArgumentError} naming the argument), and the reads that turn wire
 * bytes into values (addresses by hint, raw bytes otherwise).
 *
 * @module
 */
import { ArgumentError } from "./errors.ts";
import { formatHex, formatIP, formatMAC, parseHex, parseIP, parseMAC } from "./address.ts";
import type { EnumDef } from "./schema.ts";

/** Byte size of each integer type. */
export const INT_SIZE: Readonly<Record<string, number>> = Object.fromEntries(
  [8, 16, 32, 64].flatMap((bits) => [[`u${bits}`, bits / 8], [`s${bits}`, bits / 8]]),
);

/** Integer bounds per type (up to 32 bits). */
export const RANGE: Readonly<Record<string, readonly [number, number]>> = {
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

/** Checks that `v` is a 64-bit integer (number or bigint); returns it as a bigint. */
export function checkBig(v: unknown, signed: boolean, path: string): bigint {
  const lo = signed ? -(2n ** 63n) : 0n;
  const hi = signed ? 2n ** 63n - 1n : 2n ** 64n - 1n;
  const b = typeof v === "number" && Number.isInteger(v) ? BigInt(v) : v;
  if (typeof b !== "bigint" || b < lo || b > hi) {
    throw new ArgumentError(path, `an integer from ${lo} to ${hi} (number or bigint)`, v);
  }
  return b;
}

/** Reads a scalar of `type` at `o` (`size` bytes for binary members, shown by `hint`). */
export function readScalar(
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

/** A binary value shown by its hint (ip, mac, hex), or a copy of the bytes. */
export function binaryValue(
  hint: string | undefined,
  bytes: Uint8Array,
  o: number,
  len: number,
): unknown {
  if (hint === "ip" && (len === 4 || len === 16)) return formatIP(bytes, o, len);
  if (hint === "mac") return formatMAC(bytes, o, len);
  if (hint === "hex") return formatHex(bytes, o, len);
  return bytes.slice(o, o + len);
}

/**
 * The bytes of a binary value: raw bytes as they are, an address string parsed
 * by its hint (ip, mac); `undefined` for anything else.
 */
export function hintedBytes(
  hint: string | undefined,
  v: unknown,
  path: string,
): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (hint === "ip") {
    const ip = typeof v === "string" ? parseIP(v) : undefined;
    if (!ip) throw new ArgumentError(path, "an IPv4 or IPv6 address", v);
    return ip.bytes;
  }
  if (hint === "mac") {
    const mac = typeof v === "string" ? parseMAC(v) : undefined;
    if (!mac) throw new ArgumentError(path, 'a MAC address such as "02:00:00:00:00:01"', v);
    return mac;
  }
  if (hint === "hex" && typeof v === "string") {
    // What the decoder gives for a hex-shown value goes back in.
    const b = parseHex(v);
    if (!b) throw new ArgumentError(path, 'hex bytes such as "0a1b2c" (or a Uint8Array)', v);
    return b;
  }
  return undefined;
}

/** Whether `v` is a plain object of members (not an array, not bytes). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}
