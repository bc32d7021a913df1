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
 * {@link ArgumentError} naming the member, before anything is written.
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
  (WRITERS.get(layout) ?? writerOf(layout))(w, values as Readonly<Record<string, unknown>>);
}

/** A writer specialised to one layout (what {@link writeStruct} runs). */
type StructWriter = (w: Writer, values: Readonly<Record<string, unknown>>) => void;

const WRITERS = new Map<StructLayout, StructWriter>();
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Compiles the layout's writer once: straight-line code with a named read per
 * member (headers are written on every request, and reading members by
 * computed names costs several times the rest). Layouts are generated data;
 * their member names and types are checked before they go into the code.
 */
function writerOf(layout: StructLayout): StructWriter {
  const names = Object.keys(layout.at);
  const known = new Set(names);
  const size = layout.size;
  if (!Number.isInteger(size) || size < 0 || names.some((n) => !IDENTIFIER.test(n))) {
    throw new TypeError(`Cannot compile a writer for a struct layout: ${JSON.stringify(layout)}`);
  }
  const reads: string[] = [];
  const checks: string[] = [];
  const writes: string[] = [];
  const given: string[] = [];
  names.forEach((name, i) => {
    const at = layout.at[name]!;
    const type = layout.type[name] ?? "binary";
    const le = !type.endsWith("be");
    const x = `m${i}`;
    reads.push(`${x} = v.${name}`);
    given.push(`(${x} !== undefined ? 1 : 0)`);
    const bounds = BOUNDS[type];
    if (!Number.isInteger(at)) throw new TypeError(`Cannot compile a writer: offset of ${name}`);
    if (bounds) {
      checks.push(
        `if (${x} !== undefined && !(typeof ${x} === "number" && ${x} >= ${bounds[0]} && ${x} <= ${
          bounds[1]
        } && Number.isInteger(${x}))) badInt(${JSON.stringify(name)}, ${bounds[0]}, ${
          bounds[1]
        }, ${x});`,
      );
      const bits = type.replace(/^[us]|be$/g, "");
      const set = bits === "8"
        ? `dv.setUint8(p + ${at}, ${x} & 0xff)`
        : bits === "16"
        ? `dv.setUint16(p + ${at}, ${x} & 0xffff, ${le})`
        : `dv.setUint32(p + ${at}, ${x} >>> 0, ${le})`;
      writes.push(`if (${x} !== undefined) ${set};`);
    } else if (/^[us]64(be)?$/.test(type)) {
      const signed = type[0] === "s";
      checks.push(
        `if (${x} !== undefined) ${x} = checkBig(${x}, ${signed}, ${JSON.stringify(name)});`,
      );
      writes.push(
        `if (${x} !== undefined) dv.${
          signed ? "setBigInt64" : "setBigUint64"
        }(p + ${at}, ${x}, ${le});`,
      );
    } else {
      const room = memberEnd(layout, at) - at;
      checks.push(
        `if (${x} !== undefined && !(${x} instanceof Uint8Array && ${x}.length <= ${room})) badBytes(${
          JSON.stringify(name)
        }, ${room}, ${x});`,
      );
      writes.push(`if (${x} !== undefined) b.set(${x}, p + ${at});`);
    }
  });
  const source = [
    names.length ? `let ${reads.join(", ")};` : "",
    ...checks,
    // Keys the layout lacks: a quick count first, the exact check only when it differs.
    `if (Object.keys(v).length !== ${given.join(" + ") || "0"}) unknown(v);`,
    `w.ensure(${size});`,
    `const p = w.pos, b = w.buf, dv = w.dv;`,
    `b.fill(0, p, p + ${size});`,
    ...writes,
    `w.pos = p + ${size};`,
  ].join("\n");
  const unknown = (v: Readonly<Record<string, unknown>>): void => {
    const member = Object.keys(v).find((k) => v[k] !== undefined && !known.has(k));
    if (member === undefined) return; // only undefined values
    throw new ArgumentError(
      member,
      `a member of the struct (${names.join(", ")})`,
      member,
      "Cannot use unknown member",
    );
  };
  const badInt = (member: string, lo: number, hi: number, v: unknown): never => {
    throw new ArgumentError(member, `an integer from ${lo} to ${hi}`, v);
  };
  const badBytes = (member: string, room: number, v: unknown): never => {
    throw new ArgumentError(member, `at most ${room} bytes (Uint8Array)`, v);
  };
  const write = new Function(
    "checkBig",
    "badInt",
    "badBytes",
    "unknown",
    `"use strict"; return function writeStruct(w, v) {\n${source}\n};`,
  )(checkBig, badInt, badBytes, unknown) as StructWriter;
  WRITERS.set(layout, write);
  return write;
}

/** Where the member at `at` ends: the next member's offset, or the struct's size. */
function memberEnd(layout: StructLayout, at: number): number {
  let end = layout.size;
  for (const o of Object.values(layout.at)) if (o > at && o < end) end = o;
  return end;
}

/**
 * The offset of `member` in a generated `layout`, checked to be of `type`
 * (at compile time by {@link MemberOf}; at run time too, so a reader compiled
 * at module load from the tables fails there if they change).
 */
export function memberOffset<L extends StructLayout, T extends string>(
  layout: L,
  member: MemberOf<L, T>,
  type: T,
): number {
  const at = layout.at[member];
  if (at === undefined || layout.type[member] !== type) {
    throw new Error(
      `Cannot read member ${member} as ${type}: the layout has ${
        layout.type[member] ?? "no such member"
      }`,
    );
  }
  return at;
}
