/**
 * rtnetlink requests with a fixed header (rtmsg, ifinfomsg, …) written from
 * the generated layouts by core's `writeStruct`: member offsets and types come
 * from the kernel's definitions, and a misspelled member does not compile.
 *
 * @module
 */
import type { Request } from "../core/message.ts";
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
