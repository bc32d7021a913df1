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
 * Checks the attribute header at `pos` against the end of its container and
 * returns the attribute's length (header included). The one place attribute
 * headers are validated: {@link AttrCursor} and the lazy results use it.
 * Throws {@link DecodeError} for a truncated header, a length below the header
 * size, or a length past `end`.
 *
 * @example
 * ```ts
 * import { attrLength } from "./codec.ts";
 * const b = new Uint8Array([8, 0, 4, 0, 0xdc, 5, 0, 0]);
 * attrLength(new DataView(b.buffer), 0, b.length); // 8
 * ```
 */
export function attrLength(dv: DataView, pos: number, end: number): number {
  if (end - pos < NLA_HDRLEN) {
    throw new DecodeError("attribute", `${end - pos} trailing bytes are too few for a header`, pos);
  }
  const len = dv.getUint16(pos, true);
  if (len < NLA_HDRLEN) {
    throw new DecodeError("attribute", `length ${len} is below the header size`, pos);
  }
  if (pos + len > end) {
    throw new DecodeError("attribute", `length ${len} runs past the end of its container`, pos);
  }
  return len;
}

/** Throws {@link DecodeError} unless `start..end` lies within `size` bytes. */
function checkRange(what: string, start: number, end: number, size: number): void {
  if (start < 0 || end > size || start > end) {
    throw new DecodeError(what, `range ${start}..${end} is outside ${size} bytes`);
  }
}

const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

/**
 * A fluent, bounds-checked reader of a run of attributes (mdlayher's
 * AttributeDecoder in spirit). Malformed input raises {@link DecodeError}.
 * A cursor can be pointed at another run with {@link AttrCursor.reset}, so a
 * hot path walks attributes without allocating.
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
  bytes: Uint8Array;
  /** A view over {@link bytes}. */
  dv: DataView;
  /** End of the attribute run. */
  end: number;
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

  /** A cursor over `bytes[start..end]` (`dv` may be passed to reuse a view of `bytes`). */
  constructor(bytes: Uint8Array, start: number, end: number, dv?: DataView) {
    checkRange("attributes", start, end, bytes.length);
    this.bytes = bytes;
    this.dv = dv ?? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
  }

  /** Points the cursor at another run (`dv` must view `bytes`); returns the cursor. */
  reset(bytes: Uint8Array, dv: DataView, start: number, end: number): this {
    checkRange("attributes", start, end, bytes.length);
    this.bytes = bytes;
    this.dv = dv;
    this.pos = start;
    this.end = end;
    this.type =
      this.flags =
      this.offset =
      this.length =
        0;
    return this;
  }

  /** Advances to the next attribute; false at the end of the run. */
  next(): boolean {
    const pos = this.pos;
    if (pos >= this.end) return false;
    const len = attrLength(this.dv, pos, this.end);
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

/**
 * The message-header framing: walks the `struct nlmsghdr` messages of a
 * datagram in place (no object per message). The receive path and anything
 * else that splits a datagram use it. A malformed header (a length below the
 * header size or past the end, trailing bytes too few for a header) stops the
 * walk and is kept in {@link MessageCursor.fault}; {@link MessageCursor.check}
 * turns it into a {@link DecodeError}.
 *
 * @example
 * ```ts
 * import { MessageCursor, Writer } from "./codec.ts";
 * const w = new Writer();
 * w.endMessage(w.beginMessage(3, 2, 7)); // NLMSG_DONE
 * const c = new MessageCursor().reset(w.finish(), 0, 16);
 * while (c.next()) console.log(c.type, c.seq); // 3 7
 * c.check(); // a malformed datagram would throw here
 * ```
 */
export class MessageCursor {
  /** The datagram's buffer. */
  bytes: Uint8Array = EMPTY;
  /** A view over {@link bytes}. */
  dv: DataView = EMPTY_VIEW;
  /** End of the datagram. */
  end = 0;
  /** Offset of the next message header. */
  pos = 0;
  /** Offset of the current message's header. */
  offset = 0;
  /** Length of the current message, header included. */
  length = 0;
  /** Type of the current message. */
  type = 0;
  /** Header flags of the current message. */
  flags = 0;
  /** Sequence number of the current message. */
  seq = 0;
  /** Port id in the current message's header. */
  pid = 0;
  /** Why the walk stopped before the end (the text of a DecodeError), if it did. */
  fault: string | undefined = undefined;
  /** Offset of the malformed header (valid when {@link fault} is set). */
  faultOffset = 0;

  /** Points the cursor at `bytes[start..end]` (`dv` may be passed to reuse a view); returns it. */
  reset(bytes: Uint8Array, start: number, end: number, dv?: DataView): this {
    checkRange("messages", start, end, bytes.length);
    this.bytes = bytes;
    this.dv = dv ?? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
    this.fault = undefined;
    return this;
  }

  /** Advances to the next message; false at the end of the datagram or at a malformed header. */
  next(): boolean {
    const pos = this.pos;
    const end = this.end;
    if (pos >= end) return false;
    const dv = this.dv;
    const len = end - pos >= NLMSG_HDRLEN ? dv.getUint32(pos, true) : -1;
    if (len < NLMSG_HDRLEN || pos + len > end) {
      this.fault = len < 0
        ? `${end - pos} trailing bytes are too few for a header`
        : len < NLMSG_HDRLEN
        ? `length ${len} is below the header size`
        : `length ${len} runs past the end of the datagram`;
      this.faultOffset = pos;
      this.pos = end;
      return false;
    }
    this.offset = pos;
    this.length = len;
    this.type = dv.getUint16(pos + 4, true);
    this.flags = dv.getUint16(pos + 6, true);
    this.seq = dv.getUint32(pos + 8, true);
    this.pid = dv.getUint32(pos + 12, true);
    this.pos = pos + align4(len);
    return true;
  }

  /**
   * Continues the walk in a copy of the datagram: the bytes walked so far
   * (from offset 0) now start at `base` in `bytes`. Offsets read afterwards
   * are in the copy.
   */
  moveTo(bytes: Uint8Array, dv: DataView, base: number): void {
    this.bytes = bytes;
    this.dv = dv;
    this.pos += base;
    this.end += base;
    this.offset += base;
    this.faultOffset += base;
  }

  /** Throws {@link DecodeError} when the walk stopped at a malformed header. */
  check(): void {
    if (this.fault !== undefined) throw new DecodeError("message", this.fault, this.faultOffset);
  }
}
