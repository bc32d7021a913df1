/**
 * The netlink wire format: message headers and attributes (NLA), encoded with
 * {@link Writer} and decoded with {@link AttrCursor}. Little-endian host order
 * (x86_64, aarch64), 4-byte alignment, bounds checked on every read.
 *
 * @module
 */
import { DecodeError } from "./errors.ts";
import { formatIP, formatMAC } from "./address.ts";

/** Size of `struct nlmsghdr`. */
export const NLMSG_HDRLEN = 16;
/** Size of `struct nlattr`. */
export const NLA_HDRLEN = 4;
/** Attribute type flag: the payload is nested attributes. */
export const NLA_F_NESTED = 0x8000;
/** Attribute type flag: the payload is in network byte order. */
export const NLA_F_NET_BYTEORDER = 0x4000;
/** Mask of the attribute type number. */
export const NLA_TYPE_MASK = 0x3fff;

/** Rounds up to the netlink alignment (4 bytes). */
export function align4(n: number): number {
  return (n + 3) & ~3;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A growable buffer for building netlink messages.
 *
 * @example
 * ```ts
 * import { Writer } from "./codec.ts";
 * const w = new Writer();
 * const msg = w.beginMessage(18, 0x301, 1); // RTM_GETLINK, dump
 * w.u8(0); w.zeros(15);                     // struct ifinfomsg
 * w.attrU32(29, 1);                         // IFLA_EXT_MASK
 * w.endMessage(msg);
 * const bytes = w.finish();
 * ```
 */
export class Writer {
  /** The backing bytes; valid up to {@link pos}. */
  buf: Uint8Array;
  /** A view over {@link buf}. */
  dv: DataView;
  /** Write position. */
  pos = 0;

  /** A writer whose buffer starts at `size` bytes (it grows as needed). */
  constructor(size = 256) {
    this.buf = new Uint8Array(new ArrayBuffer(size));
    this.dv = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(new ArrayBuffer(size));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  /** Writes one byte. */
  u8(v: number): void {
    this.ensure(1);
    this.dv.setUint8(this.pos, v);
    this.pos += 1;
  }
  /** Writes a signed byte. */
  s8(v: number): void {
    this.ensure(1);
    this.dv.setInt8(this.pos, v);
    this.pos += 1;
  }
  /** Writes a 16-bit integer (big-endian when `be`). */
  u16(v: number, be = false): void {
    this.ensure(2);
    this.dv.setUint16(this.pos, v, !be);
    this.pos += 2;
  }
  /** Writes a signed 16-bit integer. */
  s16(v: number): void {
    this.ensure(2);
    this.dv.setInt16(this.pos, v, true);
    this.pos += 2;
  }
  /** Writes a 32-bit integer (big-endian when `be`). */
  u32(v: number, be = false): void {
    this.ensure(4);
    this.dv.setUint32(this.pos, v, !be);
    this.pos += 4;
  }
  /** Writes a signed 32-bit integer. */
  s32(v: number): void {
    this.ensure(4);
    this.dv.setInt32(this.pos, v, true);
    this.pos += 4;
  }
  /** Writes a 64-bit integer (big-endian when `be`). */
  u64(v: bigint | number, be = false): void {
    this.ensure(8);
    this.dv.setBigUint64(this.pos, BigInt(v), !be);
    this.pos += 8;
  }
  /** Writes a signed 64-bit integer. */
  s64(v: bigint | number): void {
    this.ensure(8);
    this.dv.setBigInt64(this.pos, BigInt(v), true);
    this.pos += 8;
  }
  /** Writes raw bytes. */
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  /** Writes `n` zero bytes. */
  zeros(n: number): void {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }
  /** Writes a UTF-8 string, NUL-terminated unless `nul` is false. */
  string(s: string, nul = true): void {
    const b = encoder.encode(s);
    this.bytes(b);
    if (nul) this.u8(0);
  }
  /** Pads with zeros to the next 4-byte boundary. */
  align(): void {
    const pad = align4(this.pos) - this.pos;
    if (pad) this.zeros(pad);
  }

  /** Starts a message; returns its offset for {@link endMessage}. */
  beginMessage(type: number, flags: number, seq = 0, pid = 0): number {
    this.align();
    const start = this.pos;
    this.ensure(NLMSG_HDRLEN);
    this.dv.setUint32(start, 0, true);
    this.dv.setUint16(start + 4, type, true);
    this.dv.setUint16(start + 6, flags, true);
    this.dv.setUint32(start + 8, seq >>> 0, true);
    this.dv.setUint32(start + 12, pid >>> 0, true);
    this.pos += NLMSG_HDRLEN;
    return start;
  }
  /** Ends a message: writes its length and pads it. */
  endMessage(start: number): void {
    this.dv.setUint32(start, this.pos - start, true);
    this.align();
  }

  /** Starts an attribute; returns its offset for {@link endAttr}. */
  beginAttr(type: number): number {
    this.align();
    const start = this.pos;
    this.ensure(NLA_HDRLEN);
    this.dv.setUint16(start + 2, type, true);
    this.pos += NLA_HDRLEN;
    return start;
  }
  /** Ends an attribute: checks and writes its length, pads it. */
  endAttr(start: number): void {
    const len = this.pos - start;
    if (len > 0xffff) {
      throw new RangeError(`Cannot encode attribute: ${len} bytes exceed the 65535-byte limit`);
    }
    this.dv.setUint16(start, len, true);
    this.align();
  }
  /** Starts a nested attribute (sets NLA_F_NESTED). */
  beginNested(type: number): number {
    return this.beginAttr(type | NLA_F_NESTED);
  }

  /** Writes an empty (flag) attribute. */
  attrFlag(type: number): void {
    this.endAttr(this.beginAttr(type));
  }
  /** Writes a u8 attribute. */
  attrU8(type: number, v: number): void {
    const a = this.beginAttr(type);
    this.u8(v);
    this.endAttr(a);
  }
  /** Writes a u16 attribute. */
  attrU16(type: number, v: number, be = false): void {
    const a = this.beginAttr(type);
    this.u16(v, be);
    this.endAttr(a);
  }
  /** Writes a u32 attribute. */
  attrU32(type: number, v: number, be = false): void {
    const a = this.beginAttr(type);
    this.u32(v, be);
    this.endAttr(a);
  }
  /** Writes a s32 attribute. */
  attrS32(type: number, v: number): void {
    const a = this.beginAttr(type);
    this.s32(v);
    this.endAttr(a);
  }
  /** Writes a u64 attribute. */
  attrU64(type: number, v: bigint | number): void {
    const a = this.beginAttr(type);
    this.u64(v);
    this.endAttr(a);
  }
  /** Writes a NUL-terminated string attribute. */
  attrString(type: number, s: string): void {
    const a = this.beginAttr(type);
    this.string(s);
    this.endAttr(a);
  }
  /** Writes a binary attribute. */
  attrBytes(type: number, b: Uint8Array): void {
    const a = this.beginAttr(type);
    this.bytes(b);
    this.endAttr(a);
  }

  /** A copy of the bytes written so far, in a buffer of its own. */
  finish(): Uint8Array {
    const out = new Uint8Array(new ArrayBuffer(this.pos));
    out.set(this.buf.subarray(0, this.pos));
    return out;
  }
  /** Forgets everything written; keeps the buffer. */
  reset(): void {
    this.pos = 0;
  }

  /**
   * A reusable writer for one builder (reset on each call): request builders
   * encode into it and keep `finish()`'s copy, so a request costs one
   * allocation. Each key gets its own writer; a builder must not call itself.
   */
  static scratch(key: string): Writer {
    let w = SCRATCH.get(key);
    if (!w) SCRATCH.set(key, w = new Writer(1024));
    w.reset();
    return w;
  }
}

const SCRATCH = new Map<string, Writer>();
const EMPTY = new Uint8Array(0);

/** A shared empty byte array (nothing to encode). */
export function emptyBytes(): Uint8Array {
  return EMPTY;
}

/**
 * A fluent, bounds-checked reader of a run of attributes (mdlayher's
 * AttributeDecoder in spirit). Malformed input raises {@link DecodeError}.
 *
 * @example
 * ```ts
 * import { AttrCursor } from "./codec.ts";
 * const bytes = new Uint8Array([8, 0, 4, 0, 0xdc, 5, 0, 0]); // IFLA_MTU = 1500
 * const c = new AttrCursor(bytes, 0, bytes.length);
 * while (c.next()) if (c.type === 4) console.log(c.u32()); // 1500
 * ```
 */
export class AttrCursor {
  /** The whole buffer. */
  readonly bytes: Uint8Array;
  /** A view over {@link bytes}. */
  readonly dv: DataView;
  /** End of the attribute run. */
  readonly end: number;
  /** Offset of the next attribute header. */
  pos: number;
  /** Type number of the current attribute (flags masked off). */
  type = 0;
  /** NLA_F_NESTED / NLA_F_NET_BYTEORDER bits of the current attribute. */
  flags = 0;
  /** Offset of the current attribute's payload. */
  offset = 0;
  /** Length of the current attribute's payload. */
  length = 0;

  constructor(bytes: Uint8Array, start: number, end: number, dv?: DataView) {
    if (start < 0 || end > bytes.length || start > end) {
      throw new DecodeError(
        "attributes",
        `range ${start}..${end} is outside ${bytes.length} bytes`,
      );
    }
    this.bytes = bytes;
    this.dv = dv ?? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
  }

  /** Advances to the next attribute; false at the end of the run. */
  next(): boolean {
    const pos = this.pos;
    if (pos >= this.end) return false;
    if (this.end - pos < NLA_HDRLEN) {
      throw new DecodeError(
        "attribute",
        `${this.end - pos} trailing bytes are too few for a header`,
        pos,
      );
    }
    const len = this.dv.getUint16(pos, true);
    if (len < NLA_HDRLEN) {
      throw new DecodeError("attribute", `length ${len} is below the header size`, pos);
    }
    if (pos + len > this.end) {
      throw new DecodeError("attribute", `length ${len} runs past the end of its container`, pos);
    }
    const t = this.dv.getUint16(pos + 2, true);
    this.type = t & NLA_TYPE_MASK;
    this.flags = t & ~NLA_TYPE_MASK;
    this.offset = pos + NLA_HDRLEN;
    this.length = len - NLA_HDRLEN;
    this.pos = pos + align4(len);
    return true;
  }

  private need(n: number, what: string): void {
    if (this.length < n) {
      throw new DecodeError(
        what,
        `attribute ${this.type} has ${this.length} bytes, needs ${n}`,
        this.offset,
      );
    }
  }
  /** The payload as u8. */
  u8(): number {
    this.need(1, "u8");
    return this.bytes[this.offset]!;
  }
  /** The payload as u16 (big-endian when `be` or NLA_F_NET_BYTEORDER is set). */
  u16(be = false): number {
    this.need(2, "u16");
    return this.dv.getUint16(this.offset, !(be || this.flags & NLA_F_NET_BYTEORDER));
  }
  /** The payload as u32 (big-endian when `be` or NLA_F_NET_BYTEORDER is set). */
  u32(be = false): number {
    this.need(4, "u32");
    return this.dv.getUint32(this.offset, !(be || this.flags & NLA_F_NET_BYTEORDER));
  }
  /** The payload as s32. */
  s32(): number {
    this.need(4, "s32");
    return this.dv.getInt32(this.offset, true);
  }
  /** The payload as u64. */
  u64(): bigint {
    this.need(8, "u64");
    return this.dv.getBigUint64(this.offset, true);
  }
  /** The payload as a string, up to the first NUL. */
  string(): string {
    let end = this.offset;
    const stop = this.offset + this.length;
    while (end < stop && this.bytes[end] !== 0) end++;
    return decoder.decode(this.bytes.subarray(this.offset, end));
  }
  /** The payload bytes (a view, not a copy). */
  payload(): Uint8Array {
    return this.bytes.subarray(this.offset, this.offset + this.length);
  }
  /** The payload as an IPv4/IPv6 address string. */
  ip(): string {
    return formatIP(this.bytes, this.offset, this.length);
  }
  /** The payload as a MAC address string. */
  mac(): string {
    return formatMAC(this.bytes, this.offset, this.length);
  }
  /** A cursor over the nested attributes of the payload. */
  nested(): AttrCursor {
    return new AttrCursor(this.bytes, this.offset, this.offset + this.length, this.dv);
  }
}

/** A decoded `struct nlmsghdr`. */
export interface NlMsgHeader {
  /** Total length including the header. */
  len: number;
  /** Message type. */
  type: number;
  /** NLM_F_* flags. */
  flags: number;
  /** Sequence number. */
  seq: number;
  /** Sender port id. */
  pid: number;
}

/**
 * Reads the message header at `off`, checking its length against `end`.
 *
 * @example
 * ```ts
 * import { readHeader } from "./codec.ts";
 * const b = new Uint8Array(16); new DataView(b.buffer).setUint32(0, 16, true);
 * readHeader(new DataView(b.buffer), 0, 16).len; // 16
 * ```
 */
export function readHeader(dv: DataView, off: number, end: number): NlMsgHeader {
  if (end - off < NLMSG_HDRLEN) {
    throw new DecodeError("message", `${end - off} bytes are too few for a header`, off);
  }
  const len = dv.getUint32(off, true);
  if (len < NLMSG_HDRLEN) {
    throw new DecodeError("message", `length ${len} is below the header size`, off);
  }
  if (off + len > end) {
    throw new DecodeError("message", `length ${len} runs past the end of the datagram`, off);
  }
  return {
    len,
    type: dv.getUint16(off + 4, true),
    flags: dv.getUint16(off + 6, true),
    seq: dv.getUint32(off + 8, true),
    pid: dv.getUint32(off + 12, true),
  };
}
