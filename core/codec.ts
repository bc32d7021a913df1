/**
 * The netlink wire format: the message-header framing ({@link MessageCursor}:
 * splitting a datagram into messages, as the receive path does) and the
 * attribute cursor ({@link AttrCursor}, with the one attribute-header check,
 * {@link attrLength}). Messages are built with `Writer` (writer.ts,
 * re-exported here). Little-endian host order (x86_64, aarch64), 4-byte
 * alignment, bounds checked on every read.
 *
 * @module
 */
import { DecodeError } from "./errors.ts";
import { formatIP, formatMAC } from "./address.ts";
import { align4, NLA_F_NET_BYTEORDER, NLA_HDRLEN, NLA_TYPE_MASK, NLMSG_HDRLEN } from "./wire.ts";

export {
  align4,
  NLA_F_NESTED,
  NLA_F_NET_BYTEORDER,
  NLA_HDRLEN,
  NLA_TYPE_MASK,
  NLMSG_HDRLEN,
} from "./wire.ts";
export { emptyBytes, Writer } from "./writer.ts";

const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

/**
 * The UTF-8 string in `bytes[start..stop)` up to its first NUL. Short ASCII
 * ones (interface names, kinds) are built by char codes: a TextDecoder call
 * costs more than they do.
 */
export function cString(bytes: Uint8Array, start: number, stop: number): string {
  let end = start;
  let ascii = true;
  while (end < stop) {
    const b = bytes[end]!;
    if (b === 0) break;
    if (b >= 0x80) ascii = false;
    end++;
  }
  if (ascii && end - start <= 16) {
    let s = "";
    for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  }
  return decoder.decode(bytes.subarray(start, end));
}

/**
 * Checks the attribute header at `pos` against the end of its container and
 * returns the attribute's length (header included). The one place attribute
 * headers are validated: {@link AttrCursor} and the lazy results use it.
 * Throws {@link DecodeError} for a truncated header, a length below the header
 * size, or a length past `end`.
 */
export function attrLength(dv: DataView, pos: number, end: number): number {
  // 4 is NLA_HDRLEN, written out: this runs for every attribute of every read.
  const len = end - pos >= 4 ? dv.getUint16(pos, true) : -1;
  if (len < 4 || pos + len > end) throw attrError(len, pos, end);
  return len;
}

/** Why the attribute header at `pos` is malformed (kept out of line: the check above inlines). */
function attrError(len: number, pos: number, end: number): DecodeError {
  const reason = len < 0
    ? `${end - pos} trailing bytes are too few for a header`
    : len < NLA_HDRLEN
    ? `length ${len} is below the header size`
    : `length ${len} runs past the end of its container`;
  return new DecodeError("attribute", reason, pos);
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
    return cString(this.bytes, this.offset, this.offset + this.length);
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
