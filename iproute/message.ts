/**
 * The base of IPRoute's typed results: a message kept as bytes, decoded on
 * access. Constructing one costs a few field stores, so a dump of 65,536 routes
 * turns into objects at nearly the speed of receiving it; reading a field walks
 * the attributes once (an index by type) and decodes just that value.
 *
 * Every result also has `attrs`: the full attribute object decoded by table
 * (unknown attributes kept as `"#<type>"` raw bytes), and `toJSON()`.
 *
 * @module
 */
import { NLMSG_HDRLEN } from "../core/codec.ts";
import { formatIP, formatMAC } from "../core/address.ts";
import { type AttrSet, decodeAttrs } from "../core/schema.ts";
import { DecodeError } from "../core/errors.ts";
import type { MessageRef } from "../core/socket.ts";
import { RTM } from "../core/tables/constants.ts";

const RTM_NAMES: string[] = [];
for (const [name, value] of Object.entries(RTM)) RTM_NAMES[value] ??= `RTM_${name}`;

/**
 * The name of an rtnetlink message type (`16` → `"RTM_NEWLINK"`).
 *
 * @example
 * ```ts
 * import { messageName } from "./message.ts";
 * messageName(24); // "RTM_NEWROUTE"
 * ```
 */
export function messageName(type: number): string {
  return RTM_NAMES[type] ?? `message type ${type}`;
}

const textDecoder = new TextDecoder();
const INSPECT_NODE = Symbol.for("nodejs.util.inspect.custom");
const INSPECT_DENO = Symbol.for("Deno.customInspect");

/**
 * A decoded rtnetlink message. Subclasses add typed getters.
 *
 * @example
 * ```ts
 * import type { RtMessage } from "./message.ts";
 * function show(m: RtMessage) {
 *   console.log(m.event, m.attrs);
 * }
 * ```
 */
export abstract class RtMessage {
  /** The datagram holding the message. */
  readonly bytes: Uint8Array;
  /** A view over {@link bytes}. */
  readonly dv: DataView;
  /** Offset of the fixed header (after nlmsghdr). */
  readonly off: number;
  /** End of the message. */
  readonly end: number;
  /** The message type (`RTM_NEWLINK`, `RTM_DELROUTE`, …). */
  readonly type: number;
  /**
   * `[type, offset, length]` of every attribute, built after a few lookups (a
   * plain array sized to the attributes present: typed arrays are slow to
   * allocate in Deno, and an array indexed by type number wastes memory).
   */
  #index: number[] | undefined;
  /** Lookups so far; 0 also means the attribute run was not validated yet. */
  #lookups = 0;
  /** Payload length of the last attribute found (for {@link lenOf}). */
  #lastLen = 0;
  #attrs: Record<string, unknown> | undefined;

  /**
   * Wraps the message of `type` at `msgOffset` (`msgLength` bytes, header
   * included) in `bytes`; throws {@link DecodeError} when its payload is shorter than the fixed header.
   */
  constructor(bytes: Uint8Array, dv: DataView, msgOffset: number, msgLength: number, type: number) {
    this.bytes = bytes;
    this.dv = dv;
    this.off = msgOffset + NLMSG_HDRLEN;
    this.end = msgOffset + msgLength;
    this.type = type;
    if (this.end - this.off < this.headerSize) {
      throw new DecodeError(
        this.constructor.name,
        `${this.end - this.off} payload bytes, the header needs ${this.headerSize}`,
        msgOffset,
      );
    }
  }

  /** Size of the fixed header that precedes the attributes (subclasses override). */
  protected get headerSize(): number {
    return 0;
  }
  /** @internal The attribute table of this message kind. */
  protected abstract get attrSet(): AttrSet;
  /** The friendly fields shown by `toJSON()` and inspection. */
  protected abstract fields(): Record<string, unknown>;

  /** The message's event name, e.g. `"RTM_NEWROUTE"`. */
  get event(): string {
    return messageName(this.type);
  }

  /**
   * Walks the attribute run: returns the payload offset of the first
   * attribute of `type` (-1 when absent), or, with `type` < 0, builds the
   * index. With `validate`, it checks every header to the end (a malformed run
   * raises DecodeError) before answering.
   */
  #walk(type: number, validate: boolean): number {
    const dv = this.dv;
    const end = this.end;
    let found = -1;
    let pos = this.off + this.headerSize;
    while (pos < end) {
      const len = this.#attrLen(pos);
      const t = dv.getUint16(pos + 2, true) & 0x3fff;
      if (type < 0) {
        // [type, offset, length] of each attribute present (small, dense).
        this.#index!.push(t, pos + 4, len - 4);
      } else if (t === type && found < 0) {
        found = pos + 4;
        this.#lastLen = len - 4;
        if (!validate) return found;
      }
      pos += (len + 3) & ~3;
    }
    return found;
  }

  /** Length of the attribute at `pos`, checked against the message (DecodeError otherwise). */
  #attrLen(pos: number): number {
    const end = this.end;
    if (end - pos < 4) {
      throw new DecodeError(
        "attribute",
        `${end - pos} trailing bytes are too few for a header`,
        pos,
      );
    }
    const len = this.dv.getUint16(pos, true);
    if (len < 4) throw new DecodeError("attribute", `length ${len} is below the header size`, pos);
    if (pos + len > end) {
      throw new DecodeError("attribute", `length ${len} runs past the end of its container`, pos);
    }
    return len;
  }

  /**
   * Finds several attributes in one pass (validating the whole run): for each
   * of `types`, `out[2i]` is the payload offset (-1 when absent) and
   * `out[2i + 1]` the length. For code that reads a fixed set of fields of
   * many messages (IPDB keys) without building an index per message.
   */
  protected scan(types: readonly number[], out: number[]): void {
    const n = types.length;
    for (let i = 0; i < n; i++) out[2 * i] = -1;
    const dv = this.dv;
    let pos = this.off + this.headerSize;
    while (pos < this.end) {
      const len = this.#attrLen(pos);
      const t = dv.getUint16(pos + 2, true) & 0x3fff;
      for (let i = 0; i < n; i++) {
        if (types[i] === t && out[2 * i] === -1) {
          out[2 * i] = pos + 4;
          out[2 * i + 1] = len - 4;
        }
      }
      pos += (len + 3) & ~3;
    }
    if (this.#lookups === 0) this.#lookups = 1; // validated
  }

  /** Offset of attribute `type`'s payload, or -1 when absent. */
  protected at(type: number): number {
    const idx = this.#index;
    if (idx) {
      // First occurrence wins, as in a walk.
      for (let i = 0; i < idx.length; i += 3) {
        if (idx[i] === type) {
          this.#lastLen = idx[i + 2]!;
          return idx[i + 1]!;
        }
      }
      return -1;
    }
    const first = this.#lookups === 0;
    if (this.#lookups++ < 4) return this.#walk(type, first);
    // Many fields read: index the run once.
    this.#index = [];
    this.#walk(-1, false);
    return this.at(type);
  }
  /** Length of the attribute {@link at} found last (valid when it returned ≥ 0). */
  protected lenOf(_type: number): number {
    return this.#lastLen;
  }
  /** Whether attribute `type` is present. */
  protected has(type: number): boolean {
    return this.at(type) >= 0;
  }
  /** u8 attribute. */
  protected u8(type: number): number | undefined {
    const o = this.at(type);
    return o < 0 || this.lenOf(type) < 1 ? undefined : this.bytes[o];
  }
  /** u16 attribute (big-endian when `be`). */
  protected u16(type: number, be = false): number | undefined {
    const o = this.at(type);
    return o < 0 || this.lenOf(type) < 2 ? undefined : this.dv.getUint16(o, !be);
  }
  /** u32 attribute. */
  protected u32(type: number): number | undefined {
    const o = this.at(type);
    return o < 0 || this.lenOf(type) < 4 ? undefined : this.dv.getUint32(o, true);
  }
  /** s32 attribute. */
  protected s32(type: number): number | undefined {
    const o = this.at(type);
    return o < 0 || this.lenOf(type) < 4 ? undefined : this.dv.getInt32(o, true);
  }
  /** String attribute (up to the first NUL). */
  protected str(type: number): string | undefined {
    const o = this.at(type);
    if (o < 0) return undefined;
    let e = o;
    const stop = o + this.lenOf(type);
    while (e < stop && this.bytes[e] !== 0) e++;
    return textDecoder.decode(this.bytes.subarray(o, e));
  }
  /** IPv4/IPv6 address attribute. */
  protected ip(type: number): string | undefined {
    const o = this.at(type);
    return o < 0 ? undefined : formatIP(this.bytes, o, this.lenOf(type));
  }
  /** MAC address attribute. */
  protected mac(type: number): string | undefined {
    const o = this.at(type);
    return o < 0 ? undefined : formatMAC(this.bytes, o, this.lenOf(type));
  }
  /** @internal A nested attribute decoded by table. */
  protected nested(type: number, set: AttrSet): Record<string, unknown> | undefined {
    const o = this.at(type);
    return o < 0 ? undefined : decodeAttrs(set, this.bytes, o, o + this.lenOf(type), 1);
  }
  /** Every attribute, decoded by table (cached). */
  get attrs(): Record<string, unknown> {
    return this.#attrs ??= decodeAttrs(
      this.attrSet,
      this.bytes,
      this.off + this.headerSize,
      this.end,
    );
  }

  /** The message bytes (header included), copied. */
  raw(): Uint8Array {
    return this.bytes.slice(this.off - NLMSG_HDRLEN, this.end);
  }

  /** The friendly fields as a plain object (what `JSON.stringify` prints). */
  toJSON(): Record<string, unknown> {
    return { event: this.event, ...this.fields() };
  }

  /** Node/Bun inspection shows the friendly fields. */
  [INSPECT_NODE](): Record<string, unknown> {
    return this.toJSON();
  }

  /** Deno inspection shows the friendly fields. */
  [INSPECT_DENO](inspect: (v: unknown, o: unknown) => string, options: unknown): string {
    return `${this.constructor.name} ${inspect(this.toJSON(), options)}`;
  }
}

/** Copies defined values only (for `fields()`), keeping output compact. */
export function defined(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

/** A decoder factory for a message class. */
export function decoderOf<T>(
  Cls: new (bytes: Uint8Array, dv: DataView, off: number, len: number, type: number) => T,
): (m: MessageRef) => T {
  return (m) => new Cls(m.bytes, m.dv, m.offset, m.length, m.type);
}
