/**
 * Fixed headers from the generated struct layouts (`core/tables/*.ts` export
 * `<PREFIX>_STRUCTS`: `{ size, at: { member: offset }, type: { member: "u8" | … } }`,
 * `be` suffix for big-endian members, `binary` for byte arrays). A layout is
 * plain data; {@link writeStruct} writes one from typed member values, and the
 * typed header readers of `LazyMessage` read its members.
 *
 * @module
 */
import { ArgumentError } from "./errors.ts";
import type { Writer } from "./codec.ts";
import { checkBig, RANGE } from "./values.ts";

/**
 * A generated struct layout: its size, each member's offset and type.
 *
 * @example
 * ```ts
 * import type { StructLayout } from "@nlroute/nlroute";
 * import { GENETLINK_STRUCTS } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * const genl: StructLayout = GENETLINK_STRUCTS.genlmsghdr; // struct genlmsghdr
 * assert.equal(genl.size, 4);
 * assert.equal(genl.at.cmd, 0);
 * assert.equal(genl.at.version, 1);
 * assert.equal(genl.type.cmd, "u8");
 * ```
 */
export interface StructLayout {
  /** Size in bytes. */
  readonly size: number;
  /** Offset of each member. */
  readonly at: Readonly<Record<string, number>>;
  /** Type of each member: u8 u16 u32 u64 s8 s16 s32 s64 (`be` suffix: big-endian), binary. */
  readonly type: Readonly<Record<string, string>>;
}

/** The value a member of type `T` takes: a number, a bigint (or number) for 64 bits, bytes for binary. */
export type MemberValue<T> = T extends `${"u" | "s"}64${"" | "be"}` ? bigint | number
  : T extends `${"u" | "s"}${8 | 16 | 32}${"" | "be"}` ? number
  : Uint8Array;

/** The member values of a layout, each optional (absent members are written as zeros). */
export type StructValues<L extends StructLayout> = {
  readonly [K in keyof L["at"]]?: MemberValue<K extends keyof L["type"] ? L["type"][K] : "binary">;
};

/** The names of a layout's members whose type is `T` (e.g. every `"u8"` member). */
export type MemberOf<L extends StructLayout, T extends string> =
  & {
    [K in keyof L["type"] & keyof L["at"]]: L["type"][K] extends T ? K : never;
  }[keyof L["type"] & keyof L["at"]]
  & string;

/** Integer bounds per member type, little- and big-endian alike. */
const BOUNDS: Record<string, readonly [number, number]> = {};
for (const [type, range] of Object.entries(RANGE)) BOUNDS[type] = BOUNDS[`${type}be`] = range;

/**
 * Writes the struct `layout` at the writer's position from `values` (members
 * absent from `values` are zeros) and advances past it. Member names are
 * checked at compile time (`keyof layout.at`); at run time an unknown member,
 * a number out of its type's range or bytes longer than the member raise
 * {@link ArgumentError} naming the member.
 *
 * @example Asking generic netlink's controller for the id of a family
 * ```ts
 * import { NetlinkSocket, PROTOCOL, writeStruct } from "@nlroute/nlroute";
 * import { CTRL_ATTR, CTRL_CMD, GENETLINK_STRUCTS, GENL } from "@nlroute/nlroute/tables";
 * import assert from "node:assert/strict";
 *
 * await using sock = NetlinkSocket.open({ protocol: PROTOCOL.GENERIC });
 * const { messages: [reply] } = await sock.request({
 *   type: GENL.ID_CTRL,
 *   body: (w) => {
 *     writeStruct(w, GENETLINK_STRUCTS.genlmsghdr, { cmd: CTRL_CMD.GETFAMILY, version: 1 });
 *     w.attrString(CTRL_ATTR.FAMILY_NAME, "nlctrl");
 *   },
 * }, { ack: false });
 * assert.equal(reply!.payload[0], CTRL_CMD.NEWFAMILY); // the answer's genlmsghdr.cmd
 * ```
 */
export function writeStruct<L extends StructLayout>(
  w: Writer,
  layout: L,
  values: StructValues<L>,
): void {
  const size = layout.size;
  w.ensure(size);
  const start = w.pos;
  w.buf.fill(0, start, start + size);
  const dv = w.dv;
  const given = values as Readonly<Record<string, unknown>>;
  for (const member in given) {
    const v = given[member];
    if (v === undefined) continue;
    const at = layout.at[member];
    if (at === undefined) {
      throw new ArgumentError(
        member,
        `a member of the struct (${Object.keys(layout.at).join(", ")})`,
        member,
        "Cannot use unknown member",
      );
    }
    const o = start + at;
    const type = layout.type[member] ?? "binary";
    const bounds = BOUNDS[type];
    if (bounds) {
      if (typeof v !== "number" || !Number.isInteger(v) || v < bounds[0] || v > bounds[1]) {
        throw new ArgumentError(member, `an integer from ${bounds[0]} to ${bounds[1]}`, v);
      }
      writeInt(dv, o, type, v);
    } else if (type.startsWith("u64") || type.startsWith("s64")) {
      writeBig(dv, o, type, v, member);
    } else {
      const room = memberEnd(layout, at) - at;
      if (!(v instanceof Uint8Array) || v.length > room) {
        throw new ArgumentError(member, `at most ${room} bytes (Uint8Array)`, v);
      }
      w.buf.set(v, o);
    }
  }
  w.pos = start + size;
}

function writeInt(dv: DataView, o: number, type: string, v: number): void {
  const le = !type.endsWith("be");
  switch (type.charCodeAt(1)) {
    case 56: // "8"
      dv.setUint8(o, v & 0xff);
      return;
    case 49: // "16"
      dv.setUint16(o, v & 0xffff, le);
      return;
    default: // "32"
      dv.setUint32(o, v >>> 0, le);
  }
}

function writeBig(dv: DataView, o: number, type: string, v: unknown, member: string): void {
  const le = !type.endsWith("be");
  if (type[0] === "s") dv.setBigInt64(o, checkBig(v, true, member), le);
  else dv.setBigUint64(o, checkBig(v, false, member), le);
}

/** Where the member at `at` ends: the next member's offset, or the struct's size. */
function memberEnd(layout: StructLayout, at: number): number {
  let end = layout.size;
  for (const o of Object.values(layout.at)) if (o > at && o < end) end = o;
  return end;
}
