/**
 * rtnetlink requests with a fixed header (rtmsg, ifinfomsg, …) written from
 * the generated layouts by core's `writeStruct`: member offsets and types come
 * from the kernel's definitions, and a misspelled member does not compile.
 *
 * @module
 */
import type { Request } from "../core/message.ts";
import type { Writer } from "../core/writer.ts";
import { type StructLayout, type StructValues, writeStruct } from "../core/layout.ts";
import { messageName } from "./message.ts";

/** Values of a layout's members (absent members are written as zero). */
export type HeaderValues<L extends StructLayout> = StructValues<L>;

/**
 * A request whose body is the fixed header `layout` (with `header`'s members)
 * followed by attribute bytes already encoded: `entry` is the command's
 * message type and flags; the request is named after its message type.
 */
export function structRequest<L extends StructLayout>(
  entry: readonly [type: number, flags: number],
  layout: L,
  header: StructValues<L>,
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

/**
 * Starts a request body in `w` (a builder's scratch writer, just reset):
 * room for the fixed header `layout`, written last by {@link headerRequest}
 * once its values are known. The attributes follow.
 */
export function reserveHeader(w: Writer, layout: StructLayout): void {
  w.zeros(layout.size);
  w.align(); // attributes start at NLMSG_ALIGN of the header
}

/**
 * The request whose body `w` holds (begun with {@link reserveHeader}): the
 * header `layout` is written in its room now, so every value is checked
 * before anything is sent, and the body is kept as bytes (copied once per
 * send, with no per-send encoding).
 */
export function headerRequest<L extends StructLayout>(
  entry: readonly [type: number, flags: number],
  layout: L,
  header: StructValues<L>,
  w: Writer,
): Request {
  const end = w.pos;
  w.pos = 0;
  try {
    writeStruct(w, layout, header);
  } finally {
    w.pos = end;
  }
  const [type, flags] = entry;
  const body = w.take();
  return { type, flags, name: messageName(type), body: (out) => out.bytes(body) };
}
