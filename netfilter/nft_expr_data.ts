/**
 * The values nftables expressions carry: registers ({@link NftRegister}) and
 * data ({@link NftDataInput}: bytes, or a typed form — an address, a port, an
 * interface name, an integer — turned into the bytes nft would send).
 *
 * Registers are the numbers `nft --debug=netlink` prints (`reg 0` is the
 * verdict register, `reg 1`–`reg 4` the 16-byte ones, `reg 8`–`reg 23` the
 * 32-bit ones that overlap them) or readable names: `"verdict"`, `"reg1"` …
 * `"reg4"`, `"reg32_00"` … `"reg32_15"` (NFT_REG_1, NFT_REG32_00, … of
 * nf_tables.h). Checked and decoded expressions carry the number the kernel
 * dumps: `reg32_00`, `reg32_04`, `reg32_08` and `reg32_12` (8, 12, 16, 20) are
 * the same words as `reg1`–`reg4` and come back as 1–4.
 *
 * Data decodes to a `Uint8Array`, always: the bytes as the kernel holds them,
 * which {@link formatNftData} shows as `nft --debug=netlink` does.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import { parseHex, parseIP } from "../core/address.ts";
import { NFT_REGISTER } from "../core/tables/nftables.ts";
import { LINUX_IF } from "../core/tables/tun.ts";
import { PROTOCOL_NUMBERS } from "./names.ts";

/**
 * A register's readable name: `"verdict"`, `"reg1"` … `"reg4"`, `"reg32_00"` …
 * `"reg32_15"` (NFT_REG_VERDICT, NFT_REG_1, NFT_REG32_00, … lower-cased).
 */
export type NftRegisterName =
  | "verdict"
  | `reg${1 | 2 | 3 | 4}`
  | `reg32_0${0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}`
  | `reg32_1${0 | 1 | 2 | 3 | 4 | 5}`;
/**
 * A register: its number as `nft --debug=netlink` prints it (0 verdict, 1–4,
 * 8–23) or its {@link NftRegisterName}. Decoded expressions carry the number.
 */
export type NftRegister = number | NftRegisterName;

function registerName(key: string): string {
  if (key === "REG_VERDICT") return "verdict";
  if (key.startsWith("REG32_")) return `reg32_${key.slice(6)}`;
  return `reg${key.slice(4)}`;
}
const REGISTER_BY_NAME: ReadonlyMap<string, number> = new Map(
  Object.entries(NFT_REGISTER).map(([k, v]) => [registerName(k), v]),
);
const REGISTER_NAMES: ReadonlyMap<number, string> = new Map(
  [...REGISTER_BY_NAME].map(([k, v]) => [v, k]),
);

/** The verdict register's number (NFT_REG_VERDICT). */
export const VERDICT_REGISTER: number = NFT_REGISTER.REG_VERDICT;
/** 32-bit words of the data registers (NFT_REG32_00 … NFT_REG32_15). */
export const REGISTER_WORDS: number = NFT_REGISTER.REG32_15 - NFT_REGISTER.REG32_00 + 1;
/** 32-bit words in each 16-byte register (NFT_REG_1 … NFT_REG_4 cover the same words). */
const WORDS_PER_REG = REGISTER_WORDS / (NFT_REGISTER.REG_4 - NFT_REGISTER.REG_1 + 1);
/** Bytes the data registers hold (what the kernel's nft_data can carry, NFT_DATA_VALUE_MAXLEN). */
export const REGISTER_BYTES: number = REGISTER_WORDS * 4;

/** The readable name of register `n` (`"reg1"`, `"reg32_03"`, `"verdict"`); the number when it has none. */
export function registerLabel(n: number): string {
  return REGISTER_NAMES.get(n) ?? String(n);
}

/**
 * The first 32-bit word register `n` covers, counting from NFT_REG32_00 (the
 * kernel's nft_parse_register, less the verdict's four words); -1 for the
 * verdict register.
 */
export function registerWord(n: number): number {
  if (n === VERDICT_REGISTER) return -1;
  if (n >= NFT_REGISTER.REG_1 && n <= NFT_REGISTER.REG_4) {
    return (n - NFT_REGISTER.REG_1) * WORDS_PER_REG;
  }
  return n - NFT_REGISTER.REG32_00;
}

/**
 * The number the kernel gives register `n` back as: a 32-bit register that
 * starts a 16-byte one is that one (NFT_REG32_00 is NFT_REG_1, NFT_REG32_04
 * NFT_REG_2, …: the same words — nft_dump_register), others are themselves.
 */
export function canonicalRegister(n: number): number {
  const w = n - NFT_REGISTER.REG32_00;
  if (w >= 0 && w < REGISTER_WORDS && w % WORDS_PER_REG === 0) {
    return NFT_REGISTER.REG_1 + w / WORDS_PER_REG;
  }
  return n;
}

/**
 * A register as its canonical number ({@link canonicalRegister}), or an
 * {@link ArgumentError} naming `path`. `verdict`
 * says whether the verdict register is allowed here (only where a verdict is
 * stored), else only the data registers are.
 */
export function checkRegister(v: unknown, path: string, verdict = false): number {
  const n = typeof v === "string" ? REGISTER_BY_NAME.get(v) : v;
  if (typeof n === "number" && REGISTER_NAMES.has(n) && (verdict || n !== VERDICT_REGISTER)) {
    return canonicalRegister(n);
  }
  const expected = verdict
    ? 'a register: 0–4, 8–23, "verdict", "reg1"…"reg4" or "reg32_00"…"reg32_15"'
    : 'a data register: 1–4, 8–23, "reg1"…"reg4" or "reg32_00"…"reg32_15"';
  throw new ArgumentError(path, expected, v);
}

/**
 * Data as expressions take it (cmp and immediate data, bitwise masks, range
 * bounds), as bytes or a typed form:
 *
 * | form | bytes |
 * |---|---|
 * | `Uint8Array` | as they are |
 * | `{ ip: "10.0.0.1" }`, `{ ip: "2001:db8::1" }` | 4 or 16 bytes, network order |
 * | `{ port: 22 }` | 2 bytes, network order (what `tcp dport 22` compares) |
 * | `{ ifname: "eth0" }` | 16 bytes, NUL-padded (what `iifname "eth0"` compares) |
 * | `{ string: "eth" }` | the UTF-8 bytes, no NUL (a prefix, as `iifname "eth*"` compares) |
 * | `{ proto: "tcp" }` or `{ proto: 6 }` | 1 byte (what `meta l4proto tcp` compares) |
 * | `{ u8 }`, `{ u16 }`, `{ u32 }`, `{ u64 }` | host order (`meta mark`, `meta len`) |
 * | `{ be16 }`, `{ be32 }`, `{ be64 }` | network order |
 * | `{ hex: "0a000001" }` | the bytes the hex digits spell |
 *
 * Decoded data is always a `Uint8Array`.
 */
export type NftDataInput =
  | Uint8Array
  | { ip: string }
  | { port: number }
  | { ifname: string }
  | { string: string }
  | { proto: string | number }
  | { u8: number }
  | { u16: number }
  | { u32: number }
  | { u64: number | bigint }
  | { be16: number }
  | { be32: number }
  | { be64: number | bigint }
  | { hex: string };

const DATA_FORMS = [
  "ip",
  "port",
  "ifname",
  "string",
  "proto",
  "u8",
  "u16",
  "u32",
  "u64",
  "be16",
  "be32",
  "be64",
  "hex",
] as const;
const encoder = new TextEncoder();

function intIn(v: unknown, path: string, max: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) {
    throw new ArgumentError(path, `an integer from 0 to ${max}`, v);
  }
  return v;
}

function bigIn(v: unknown, path: string): bigint {
  const b = typeof v === "number" && Number.isInteger(v) && v >= 0 ? BigInt(v) : v;
  if (typeof b !== "bigint" || b < 0n || b > 0xffffffffffffffffn) {
    throw new ArgumentError(path, "an integer from 0 to 2^64-1 (number or bigint)", v);
  }
  return b;
}

/**
 * The bytes of `v` (an {@link NftDataInput}), or an {@link ArgumentError}
 * naming `path`. A copy: the result can be kept.
 */
export function nftData(v: unknown, path: string): Uint8Array {
  if (v instanceof Uint8Array) {
    if (v.length === 0 || v.length > REGISTER_BYTES) {
      throw new ArgumentError(path, `1 to ${REGISTER_BYTES} bytes`, v);
    }
    return v.slice();
  }
  const keys = typeof v === "object" && v !== null && !Array.isArray(v)
    ? Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined)
    : [];
  const form = keys.length === 1 ? DATA_FORMS.find((f) => f === keys[0]) : undefined;
  if (!form) {
    throw new ArgumentError(
      path,
      `data: a Uint8Array or an object with one of ${DATA_FORMS.join(", ")}`,
      v,
    );
  }
  const x = (v as Record<string, unknown>)[form];
  const at = `${path}.${form}`;
  const out = (n: number) => new Uint8Array(new ArrayBuffer(n));
  switch (form) {
    case "ip": {
      const ip = typeof x === "string" ? parseIP(x) : undefined;
      if (!ip) throw new ArgumentError(at, "an IPv4 or IPv6 address", x);
      return ip.bytes.slice();
    }
    case "port":
    case "be16": {
      const b = out(2);
      new DataView(b.buffer).setUint16(0, intIn(x, at, 0xffff), false);
      return b;
    }
    case "u16": {
      const b = out(2);
      new DataView(b.buffer).setUint16(0, intIn(x, at, 0xffff), true);
      return b;
    }
    case "u8":
      return Uint8Array.of(intIn(x, at, 0xff));
    case "proto": {
      const n = typeof x === "string" ? PROTOCOL_NUMBERS.get(x.toLowerCase()) : x;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 0xff) {
        throw new ArgumentError(at, 'a protocol name ("tcp", "udp", …) or a number 0–255', x);
      }
      return Uint8Array.of(n);
    }
    case "u32":
    case "be32": {
      const b = out(4);
      new DataView(b.buffer).setUint32(0, intIn(x, at, 0xffffffff), form === "u32");
      return b;
    }
    case "u64":
    case "be64": {
      const b = out(8);
      new DataView(b.buffer).setBigUint64(0, bigIn(x, at), form === "u64");
      return b;
    }
    case "ifname": {
      const size = LINUX_IF.IFNAMSIZ;
      const name = typeof x === "string" ? encoder.encode(x) : undefined;
      if (!name || name.length === 0 || name.length >= size || name.includes(0)) {
        throw new ArgumentError(at, `an interface name of 1 to ${size - 1} bytes`, x);
      }
      const b = out(size);
      b.set(name);
      return b;
    }
    case "string": {
      const s = typeof x === "string" ? encoder.encode(x) : undefined;
      if (!s || s.length === 0 || s.length > REGISTER_BYTES) {
        throw new ArgumentError(at, `a string of 1 to ${REGISTER_BYTES} bytes`, x);
      }
      return s;
    }
    case "hex": {
      const b = typeof x === "string" ? parseHex(x.replace(/^0x/i, "")) : undefined;
      if (!b || b.length === 0 || b.length > REGISTER_BYTES) {
        throw new ArgumentError(
          at,
          `hex digits of 1 to ${REGISTER_BYTES} bytes, e.g. "0a000001"`,
          x,
        );
      }
      return b;
    }
  }
}

/**
 * Data as `nft --debug=netlink` prints it: each 32-bit word (the last one
 * zero-padded) read in host order, as `0x%08x`, separated by spaces — e.g.
 * 10.0.0.1 is `0x0100000a`, port 22 is `0x00001600`.
 */
export function formatNftData(b: Uint8Array): string {
  const words: string[] = [];
  for (let i = 0; i < b.length; i += 4) {
    const w = (b[i] ?? 0) | (b[i + 1] ?? 0) << 8 | (b[i + 2] ?? 0) << 16 | (b[i + 3] ?? 0) << 24;
    words.push(`0x${(w >>> 0).toString(16).padStart(8, "0")}`);
  }
  return words.join(" ");
}
