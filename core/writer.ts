/**
 * Building netlink messages: {@link Writer}, a growable buffer with message,
 * attribute and scalar writes (little-endian host order, 4-byte alignment).
 *
 * @module
 */
import { align4, NLA_F_NESTED, NLA_HDRLEN, NLMSG_HDRLEN } from "./wire.ts";

const encoder = new TextEncoder();

/**
 * A growable buffer for building netlink messages.
 *
 * @example A request body written by hand: struct ifinfomsg for index 1, then IFLA_EXT_MASK
 * ```ts
 * import { NetlinkSocket, RTM } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using sock = NetlinkSocket.open();
 * const { messages: [lo] } = await sock.request({
 *   type: RTM.GETLINK,
 *   body: (w) => {
 *     w.u8(0); // ifi_family
 *     w.u8(0); // pad
 *     w.u16(0); // ifi_type
 *     w.s32(1); // ifi_index
 *     w.u32(0); // ifi_flags
 *     w.u32(0); // ifi_change
 *     w.attrU32(29, 1); // IFLA_EXT_MASK: RTEXT_FILTER_VF
 *   },
 * }, { ack: false });
 * const header = new DataView(lo!.payload.buffer, lo!.payload.byteOffset);
 * assert.equal(header.getInt32(4, true), 1);
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
    // ASCII (interface names, kinds, families) is copied code by code: no
    // intermediate array; the rest goes through encodeInto, in place.
    const n = s.length;
    this.ensure(n * 3 + 1);
    const buf = this.buf;
    let p = this.pos;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[p++] = c;
    }
    if (i < n) p += encoder.encodeInto(s.slice(i), buf.subarray(p)).written;
    if (nul) buf[p++] = 0;
    this.pos = p;
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
  /**
   * A copy of the bytes written so far, for keeping inside a request: small
   * copies are carved from a shared slab (one allocation per many requests),
   * so the result is not the only view of its `ArrayBuffer` — never pass its
   * `.buffer` by pointer; use {@link finish} for bytes of their own.
   */
  take(): Uint8Array {
    const n = this.pos;
    if (n > TAKE_MAX) return this.finish();
    if (slabPos + n > slab.length) {
      slab = new Uint8Array(new ArrayBuffer(SLAB_SIZE));
      slabPos = 0;
    }
    const at = slabPos;
    const src = this.buf;
    for (let i = 0; i < n; i++) slab[at + i] = src[i]!;
    slabPos = (at + n + 7) & ~7;
    return slab.subarray(at, at + n);
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

/** {@link Writer.take}'s slab: requests up to TAKE_MAX bytes share one buffer of SLAB_SIZE. */
const SLAB_SIZE = 16384;
const TAKE_MAX = 512;
let slab = new Uint8Array(0);
let slabPos = 0;
const EMPTY = new Uint8Array(0);

/** A shared empty byte array (nothing to encode). */
export function emptyBytes(): Uint8Array {
  return EMPTY;
}
