/**
 * The base of typed results: a message kept as bytes, decoded on access.
 * Constructing one costs a few field stores, so a dump of 65,536 routes turns
 * into objects at nearly the speed of receiving it; reading a field walks the
 * attributes (the first few reads; then a small index by type) and decodes
 * just that value. Attribute headers are checked by codec's cursor.
 *
 * Every result also has `attrs`: the full attribute object decoded by table
 * (unknown attributes kept as `"#<type>"` raw bytes), and `toJSON()`.
 *
 * @module
 */
import { align4, attrLength, cString, NLMSG_HDRLEN } from "./codec.ts";
import { formatIP, formatMAC } from "./address.ts";
import type { AttrSet } from "./schema.ts";
import { decodeAttr, decodeAttrs } from "./decode.ts";
import { DecodeError } from "./errors.ts";
import { jsonSafe } from "./json.ts";
import type { MemberOf, StructLayout } from "./layout.ts";
import type { MessageRef } from "./message.ts";
import type { NetlinkProtocol } from "./protocol.ts";

const INSPECT_NODE = Symbol.for("nodejs.util.inspect.custom");
const INSPECT_DENO = Symbol.for("Deno.customInspect");

/** Attribute types below this are indexed by {@link LazyMessage.at}'s shared table. */
const INDEXED = 128;
/** Payload offset of each attribute type of the message {@link owner} (-1: absent). */
const OFFS = new Int32Array(INDEXED).fill(-1);
/** Payload length of each attribute type present in {@link owner}. */
const LENS = new Int32Array(INDEXED);
/** The types set in {@link OFFS} (reset before the next message is indexed). */
const TOUCHED = new Int32Array(INDEXED);
let touchedCount = 0;
/** The message whose attributes {@link OFFS} holds. */
let owner: LazyMessage | undefined;
/** Payload length of the attribute found last. */
let lastLen = 0;
/**
 * `attrs` of the messages it was read of (kept outside the objects: most
 * messages never decode every attribute, and a field less is 8 bytes less
 * for each message of a dump kept in memory).
 */
const ATTRS = new WeakMap<LazyMessage, Record<string, unknown>>();

/** The offset of `member` in `layout` (the member's type is checked by the caller's signature). */
function at(layout: StructLayout, member: string): number {
  return layout.at[member]!;
}

/**
 * What a result class tells its base, in one object made once per class
 * ({@link messageShape}): the protocol (whose declaration names `event`), the
 * bytes before the attributes, and the attribute table.
 */
export interface MessageShape {
  /** The protocol: its declaration names the message types. */
  readonly protocol: NetlinkProtocol;
  /** Bytes between nlmsghdr and the attributes: the fixed header, aligned to 4. */
  readonly headerSize: number;
  /** The attribute table (what `attrs` and `nested` decode with): a compiled `AttrSet`. */
  readonly attrSet: AttrSet;
}

/**
 * The shape of a result class: its protocol, its fixed header's layout (none:
 * the attributes follow nlmsghdr) and its attribute table.
 */
export function messageShape(
  protocol: NetlinkProtocol,
  header: StructLayout | undefined,
  attrSet: AttrSet,
): MessageShape {
  return { protocol, headerSize: header ? align4(header.size) : 0, attrSet };
}

/**
 * A message decoded on access. Subclasses give their {@link MessageShape}
 * (`shape`: protocol, fixed header, attribute table), the friendly fields
 * (`fields()`), and typed getters built on the protected readers: attribute
 * readers by type number (`u32(RTA.oif)`, `ip(RTA.gateway)`, …) and header
 * readers by layout member (`hu8(RTMSG, "rtmDstLen")`, …).
 *
 * @example A typed result for generic netlink's family descriptions
 * ```ts
 * import {
 *   decoderOf,
 *   LazyMessage,
 *   type MessageShape,
 *   messageShape,
 *   NetlinkSocket,
 *   PROTOCOL,
 *   Registry,
 *   writeStruct,
 * } from "@nlroute/nlroute";
 * import { CTRL_ATTR, CTRL_CMD, GENETLINK_STRUCTS, GENL } from "@nlroute/nlroute/tables";
 * import assert from "node:assert/strict";
 *
 * const GENL_HDR = GENETLINK_STRUCTS.genlmsghdr;
 * const CTRL = new Registry([{
 *   enums: {},
 *   structs: {},
 *   sets: {
 *     ctrl: [
 *       [CTRL_ATTR.FAMILY_ID, "familyId", "u16"],
 *       [CTRL_ATTR.FAMILY_NAME, "familyName", "string"],
 *     ],
 *   },
 *   subMessages: {},
 * }]).set("ctrl");
 * const SHAPE = messageShape(PROTOCOL.GENERIC, GENL_HDR, CTRL);
 *
 * class Family extends LazyMessage {
 *   protected get shape(): MessageShape {
 *     return SHAPE;
 *   }
 *   get cmd(): number {
 *     return this.hu8(GENL_HDR, "cmd");
 *   }
 *   get id(): number | undefined {
 *     return this.u16(CTRL_ATTR.FAMILY_ID);
 *   }
 *   get name(): string | undefined {
 *     return this.str(CTRL_ATTR.FAMILY_NAME);
 *   }
 *   protected fields(): Record<string, unknown> {
 *     return { id: this.id, name: this.name };
 *   }
 * }
 *
 * await using sock = NetlinkSocket.open({ protocol: PROTOCOL.GENERIC });
 * const families = await sock.dump({
 *   type: GENL.ID_CTRL,
 *   body: (w) => writeStruct(w, GENL_HDR, { cmd: CTRL_CMD.GETFAMILY, version: 1 }),
 * }, { decode: decoderOf(Family) }).all();
 * const nlctrl = families.find((f) => f.name === "nlctrl")!;
 * assert.equal(nlctrl.id, GENL.ID_CTRL);
 * assert.equal(nlctrl.cmd, CTRL_CMD.NEWFAMILY);
 * assert.deepEqual(nlctrl.toJSON(), { event: "GENL_ID_CTRL", id: 16, name: "nlctrl" });
 * ```
 */
export abstract class LazyMessage {
  /** The datagram holding the message. */
  readonly bytes: Uint8Array;
  /** A view over {@link bytes}. */
  readonly dv: DataView;
  /** Offset of the fixed header (after nlmsghdr). */
  readonly off: number;
  /** End of the message. */
  readonly end: number;
  /** The message type (read from nlmsghdr: not stored, to keep each object small). */
  get type(): number {
    return this.dv.getUint16(this.off - NLMSG_HDRLEN + 4, true);
  }

  /**
   * Wraps the message at `msgOffset` (`msgLength` bytes, header included) in
   * `bytes`; throws {@link DecodeError} when its payload is shorter than the
   * fixed header. `_type` is the header's message type (what {@link type}
   * reads back from the header).
   */
  constructor(
    bytes: Uint8Array,
    dv: DataView,
    msgOffset: number,
    msgLength: number,
    _type: number,
  ) {
    this.bytes = bytes;
    this.dv = dv;
    this.off = msgOffset + NLMSG_HDRLEN;
    this.end = msgOffset + msgLength;
    // The subclass's shape getter lives on its prototype: readable while constructing.
    const header = (this as unknown as { readonly shape: MessageShape }).shape.headerSize;
    if (this.end - this.off < header) {
      throw new DecodeError(
        this.constructor.name,
        `${this.end - this.off} payload bytes, the header needs ${header}`,
        msgOffset,
      );
    }
  }

  /** @internal The class's shape: protocol, fixed header size, attribute table (one object per class). */
  protected abstract get shape(): MessageShape;
  /** The friendly fields shown by `toJSON()` and inspection. */
  protected abstract fields(): Record<string, unknown>;

  /** The message's event name, as its protocol names its type (e.g. `"RTM_NEWROUTE"`). */
  get event(): string {
    return this.shape.protocol.messageName(this.type);
  }

  /**
   * Fills the shared attribute index ({@link OFFS}, {@link LENS}) with this
   * message's attributes: one pass over the run, checking every header (a
   * malformed run raises DecodeError). Types of {@link INDEXED} and above
   * are left to {@link walk}.
   *
   * This loop runs once per message read, so it keeps the position in a local
   * and calls only the codec's header check ({@link attrLength}).
   */
  #fill(): void {
    owner = undefined;
    for (let i = 0; i < touchedCount; i++) OFFS[TOUCHED[i]!] = -1;
    touchedCount = 0;
    const dv = this.dv;
    const end = this.end;
    let pos = this.off + this.shape.headerSize;
    while (pos < end) {
      const len = attrLength(dv, pos, end);
      const t = dv.getUint16(pos + 2, true) & 0x3fff;
      // First occurrence wins.
      if (t < INDEXED && OFFS[t]! < 0) {
        OFFS[t] = pos + 4;
        LENS[t] = len - 4;
        TOUCHED[touchedCount++] = t;
      }
      pos += (len + 3) & ~3;
    }
    owner = this;
  }

  /** The first attribute of `type` by a walk of the whole (checked) run; -1 when absent. */
  #walk(type: number): number {
    const dv = this.dv;
    const end = this.end;
    let found = -1;
    let pos = this.off + this.shape.headerSize;
    while (pos < end) {
      const len = attrLength(dv, pos, end);
      if (found < 0 && (dv.getUint16(pos + 2, true) & 0x3fff) === type) {
        found = pos + 4;
        lastLen = len - 4;
      }
      pos += (len + 3) & ~3;
    }
    return found;
  }

  /**
   * Finds several attributes in one pass (validating the whole run): for each
   * of `types`, `out[2i]` is the payload offset (-1 when absent) and
   * `out[2i + 1]` the length. For code that reads a fixed set of fields of
   * many messages (IPDB keys).
   */
  protected scan(types: readonly number[], out: number[]): void {
    const n = types.length;
    for (let i = 0; i < n; i++) out[2 * i] = -1;
    const dv = this.dv;
    let pos = this.off + this.shape.headerSize;
    while (pos < this.end) {
      const len = attrLength(dv, pos, this.end);
      const t = dv.getUint16(pos + 2, true) & 0x3fff;
      for (let i = 0; i < n; i++) {
        if (types[i] === t && out[2 * i] === -1) {
          out[2 * i] = pos + 4;
          out[2 * i + 1] = len - 4;
        }
      }
      pos += (len + 3) & ~3;
    }
  }

  /**
   * Offset of attribute `type`'s payload, or -1 when absent. The attributes
   * of the message read last are indexed in one table shared by all messages
   * (reading several fields of one message, then of the next, is the common
   * pattern): the first read of a message walks its run once, the next reads
   * are table lookups, and no message carries an index of its own.
   */
  protected at(type: number): number {
    if (type < INDEXED && type >= 0) {
      if (owner !== this) this.#fill();
      lastLen = LENS[type]!;
      return OFFS[type]!;
    }
    return this.#walk(type);
  }
  /**
   * @internal The payload offset of attribute `type` when {@link attr} would
   * decode it from that one occurrence (its length is then {@link lenOf}'s);
   * -1 when absent, when the table repeats it (`multi`) or when `attrs` was
   * decoded already (attr answers from there). For readers that decode the
   * payload themselves and must see what attr would.
   */
  protected span(type: number): number {
    if (this.shape.attrSet.byType[type]?.multi || ATTRS.has(this)) return -1;
    return this.at(type);
  }
  /** Length of the attribute {@link at} found last (valid when it returned ≥ 0). */
  protected lenOf(type: number): number {
    return owner === this && type < INDEXED && type >= 0 ? LENS[type]! : lastLen;
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
    return o < 0 ? undefined : cString(this.bytes, o, o + this.lenOf(type));
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

  /**
   * @internal Attribute `type` decoded by the message's table, as `attrs`
   * holds it, without decoding the other attributes (unless it repeats);
   * a sub-message's selector is read the same way. Raw bytes when the table
   * does not know it.
   */
  protected attr(type: number): unknown {
    const set = this.shape.attrSet;
    const def = set.byType[type];
    if (def?.multi || ATTRS.has(this)) return this.attrs[def ? def.name : `#${type}`];
    const o = this.at(type);
    if (o < 0) return undefined;
    const len = this.lenOf(type);
    if (!def) return this.bytes.slice(o, o + len);
    if (def.kind === "pad" || def.kind === "unused") return undefined;
    const siblings: Record<string, unknown> = {};
    const selector = def.sub && set.byName.get(def.sub.selector);
    if (selector) siblings[selector.name] = this.attr(selector.type);
    return decodeAttr(def, this.bytes, o - 4, o + len, siblings, this.dv);
  }

  /** A u8 member of the fixed header (`layout` from the generated tables, e.g. `RT_ROUTE_STRUCTS.rtmsg`). */
  protected hu8<L extends StructLayout>(layout: L, member: MemberOf<L, "u8">): number {
    return this.bytes[this.off + at(layout, member)]!;
  }
  /** An s8 member of the fixed header. */
  protected hs8<L extends StructLayout>(layout: L, member: MemberOf<L, "s8">): number {
    return this.dv.getInt8(this.off + at(layout, member));
  }
  /** A u16 member of the fixed header. */
  protected hu16<L extends StructLayout>(layout: L, member: MemberOf<L, "u16">): number {
    return this.dv.getUint16(this.off + at(layout, member), true);
  }
  /** A big-endian u16 member of the fixed header (a port, nfgenmsg's res_id). */
  protected hu16be<L extends StructLayout>(layout: L, member: MemberOf<L, "u16be">): number {
    return this.dv.getUint16(this.off + at(layout, member), false);
  }
  /** A u32 member of the fixed header. */
  protected hu32<L extends StructLayout>(layout: L, member: MemberOf<L, "u32">): number {
    return this.dv.getUint32(this.off + at(layout, member), true);
  }
  /** A big-endian u32 member of the fixed header. */
  protected hu32be<L extends StructLayout>(layout: L, member: MemberOf<L, "u32be">): number {
    return this.dv.getUint32(this.off + at(layout, member), false);
  }
  /** An s32 member of the fixed header. */
  protected hs32<L extends StructLayout>(layout: L, member: MemberOf<L, "s32">): number {
    return this.dv.getInt32(this.off + at(layout, member), true);
  }

  /** Every attribute, decoded by table (cached). */
  get attrs(): Record<string, unknown> {
    let a = ATTRS.get(this);
    if (a === undefined) {
      a = decodeAttrs(this.shape.attrSet, this.bytes, this.off + this.shape.headerSize, this.end);
      ATTRS.set(this, a);
    }
    return a;
  }

  /** The message bytes (header included), copied. */
  raw(): Uint8Array {
    return this.bytes.slice(this.off - NLMSG_HDRLEN, this.end);
  }

  /**
   * The friendly fields as a plain, JSON-safe object (what `JSON.stringify`
   * prints): 64-bit values as numbers when safe, else strings; bytes as hex.
   */
  toJSON(): Record<string, unknown> {
    return jsonSafe({ event: this.event, ...this.fields() }) as Record<string, unknown>;
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

/**
 * A decoder for a message class: each message becomes an instance over the
 * received bytes.
 *
 * @example A result class that reads one member of the fixed header, used for a dump
 * ```ts
 * import {
 *   decoderOf,
 *   LazyMessage,
 *   type MessageShape,
 *   messageShape,
 *   NetlinkSocket,
 *   PROTOCOL,
 *   Registry,
 *   RTM,
 * } from "@nlroute/nlroute";
 * import { RT_LINK, RT_LINK_STRUCTS } from "@nlroute/nlroute/tables";
 * import assert from "node:assert/strict";
 *
 * const IFINFO = RT_LINK_STRUCTS.ifinfomsg;
 * const SHAPE = messageShape(PROTOCOL.ROUTE, IFINFO, new Registry([RT_LINK]).set("linkAttrs"));
 * class LinkIndex extends LazyMessage {
 *   protected get shape(): MessageShape {
 *     return SHAPE;
 *   }
 *   get index(): number {
 *     return this.hs32(IFINFO, "ifiIndex");
 *   }
 *   protected fields(): Record<string, unknown> {
 *     return { index: this.index };
 *   }
 * }
 *
 * await using sock = NetlinkSocket.open();
 * const links = await sock.dump(
 *   { type: RTM.GETLINK, body: (w) => w.zeros(IFINFO.size) },
 *   { decode: decoderOf(LinkIndex) },
 * ).all();
 * assert.ok(links.some((l) => l.index === 1 && l.event === "RTM_NEWLINK")); // lo
 * ```
 */
export function decoderOf<T>(
  Cls: new (bytes: Uint8Array, dv: DataView, off: number, len: number, type: number) => T,
): (m: MessageRef) => T {
  return (m) => new Cls(m.bytes, m.dv, m.offset, m.length, m.type);
}
