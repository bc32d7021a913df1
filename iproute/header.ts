/**
 * Fixed headers (rtmsg, ifinfomsg, …) written from the generated layouts in
 * core/tables: member offsets and types come from the kernel's definitions,
 * never from hand-written numbers, and a misspelled member does not compile.
 *
 * @module
 */
import type { Writer } from "../core/codec.ts";
import type { Request } from "../core/socket.ts";
import { messageName } from "./message.ts";

/** A generated struct layout: size, member offsets, member types (`be` suffix: big-endian). */
export interface Layout {
  /** Size in bytes. */
  readonly size: number;
  /** Member offsets by name. */
  readonly at: Readonly<Record<string, number>>;
  /** Member types by name (`u8`, `u16`, `u32`, `s32`, `u16be`, …). */
  readonly type: Readonly<Record<string, string>>;
}

/** Values of a layout's members (absent members are written as zero). */
export type HeaderValues<L extends Layout> = { readonly [K in keyof L["at"]]?: number };

/**
 * Writes the struct `layout` at the writer's position: zeros, then each given
 * member at its offset in its type. Values are checked by the builders.
 *
 * @example
 * ```ts
 * import { writeStruct } from "./header.ts";
 * import { Writer } from "../core/codec.ts";
 * import { RT_ROUTE_STRUCTS } from "../core/tables/rt_route.ts";
 * const w = new Writer();
 * writeStruct(w, RT_ROUTE_STRUCTS.rtmsg, { rtmFamily: 2, rtmDstLen: 24, rtmTable: 254 });
 * w.pos; // 12
 * ```
 */
export function writeStruct<L extends Layout>(w: Writer, layout: L, values: HeaderValues<L>): void {
  const start = w.pos;
  w.zeros(layout.size);
  const dv = w.dv;
  for (const name in values) {
    const v = (values as Record<string, number | undefined>)[name];
    if (v === undefined) continue;
    const o = start + layout.at[name]!;
    switch (layout.type[name]) {
      case "u8":
      case "s8":
        dv.setUint8(o, v & 0xff);
        break;
      case "u16":
      case "s16":
        dv.setUint16(o, v & 0xffff, true);
        break;
      case "u16be":
        dv.setUint16(o, v & 0xffff, false);
        break;
      case "u32":
      case "s32":
        dv.setUint32(o, v >>> 0, true);
        break;
      case "u32be":
        dv.setUint32(o, v >>> 0, false);
        break;
      default:
        throw new Error(`Cannot write member ${name}: type ${layout.type[name]} is not an integer`);
    }
  }
}

/**
 * A request whose body is the fixed header `layout` (with `header`'s members)
 * followed by attribute bytes already encoded: `entry` is the command's
 * message type and flags; the request is named after its message type.
 *
 * @example
 * ```ts
 * import { structRequest } from "./header.ts";
 * import { RT_ROUTE_STRUCTS } from "../core/tables/rt_route.ts";
 * structRequest([26, 0], RT_ROUTE_STRUCTS.rtmsg, { rtmFamily: 2 }, new Uint8Array(0)).name;
 * // "RTM_GETROUTE"
 * ```
 */
export function structRequest<L extends Layout>(
  entry: readonly [type: number, flags: number],
  layout: L,
  header: HeaderValues<L>,
  attrs: Uint8Array,
): Request {
  const [type, flags] = entry;
  return {
    type,
    flags,
    name: messageName(type),
    body: (w) => {
      writeStruct(w, layout, header);
      w.align(); // attributes start at NLMSG_ALIGN of the header (rtgenmsg is one byte)
      w.bytes(attrs);
    },
  };
}
