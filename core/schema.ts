/**
 * Attribute sets as data: compiled from the generated tables in `tables/`, then
 * used by one generic decoder and one generic encoder. A value's JavaScript type
 * follows its table type:
 *
 * | table type | value |
 * |---|---|
 * | u8, u16, u32, s8, s16, s32 | `number` |
 * | u64, s64 (and 8-byte uint/sint) | `bigint` |
 * | string | `string` |
 * | binary with an ip/mac hint | `string` |
 * | binary with a struct | object of the struct's members |
 * | other binary | `Uint8Array` |
 * | flag | `true` |
 * | nest, sub-message | object |
 * | indexed-array | array |
 *
 * Attributes that the table does not know are kept under `"#<type>"` keys as raw
 * bytes (never dropped); repeated attributes become arrays.
 *
 * @module
 */
import { ArgumentError } from "./errors.ts";
import { INT_SIZE } from "./values.ts";

export { decodeAttrs, MAX_DEPTH } from "./decode.ts";
export { encodeAttrs } from "./encode.ts";
export { decodeStruct, encodeStruct } from "./struct.ts";
export { checkInt } from "./values.ts";

/** Options of a generated attribute row. */
export interface AttrOpts {
  /** The attribute set a nest (or an indexed array of nests) holds. */
  nest?: string;
  /** The sub-message whose format the selector picks. */
  sub?: string;
  /** The sibling attribute whose value selects the sub-message format. */
  selector?: string;
  /** How a binary value reads: `ip`, `mac`, `hex`, `uuid`. */
  hint?: string;
  /** Network byte order. */
  be?: boolean;
  /** The struct a binary value holds. */
  struct?: string;
  /** The enum whose names an integer takes. */
  enum?: string;
  /** The enum is a set of flags (names combine into a mask). */
  flags?: boolean;
  /** The attribute repeats (its values form an array). */
  multi?: boolean;
  /** The element type of an indexed array of scalars. */
  subType?: string;
  /** A fixed header struct before the nested attributes (veth peer: ifinfomsg). */
  header?: string;
  /** A binary attribute holding an array of `struct`. */
  array?: boolean;
  /** A struct member holding bitfields: each field's `[shift, width]` (little-endian allocation). */
  bits?: Record<string, readonly [number, number]>;
}
/** A generated attribute row: number, name, type, options. */
export type AttrRow = readonly [number, string, string, AttrOpts?];
/** A generated struct member row: name, type, length, options. */
export type StructRow = readonly [string, string, (number | null | undefined)?, AttrOpts?];

/** What the generator emits for one spec. */
export interface SpecData {
  /** Enums and flag sets: name → entries. */
  enums: Record<string, { flags: boolean; entries: [string, number][] }>;
  /** Structs: name → member rows. */
  structs: Record<string, StructRow[]>;
  /** Attribute sets: name → attribute rows. */
  sets: Record<string, AttrRow[]>;
  /** Sub-messages: name → selector value → attribute set. */
  subMessages: Record<string, Record<string, string>>;
  /**
   * Sub-message formats that start with a fixed header (tc's netem, prio, sfq
   * options): name → selector value → struct. Its members and the format's
   * attributes make one object, as a nest with a header does.
   */
  subHeaders?: Record<string, Record<string, string>>;
}

/** A compiled enum or flag set. */
export interface EnumDef {
  /** Enum name, e.g. `"rtmType"`. */
  readonly name: string;
  /** A set of flags: values are bits that combine. */
  readonly flags: boolean;
  /** Values by entry name. */
  readonly byName: ReadonlyMap<string, number>;
  /** Entry names by value. */
  readonly byValue: ReadonlyMap<number, string>;
}

/** A compiled struct member. */
export interface StructMember {
  /** Member name, e.g. `"rtmDstLen"`. */
  readonly name: string;
  /** Member type: `u8` … `s64`, `binary` or `pad`. */
  readonly type: string;
  /** Offset in the struct (C alignment). */
  readonly offset: number;
  /** Size in bytes. */
  readonly size: number;
  /** How a binary member reads (`ip`, `mac`, …). */
  readonly hint: string | undefined;
  /** Network byte order. */
  readonly be: boolean;
}

/** A compiled fixed-layout struct. */
export interface StructDef {
  /** Struct name, e.g. `"rtmsg"`. */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** The members, in order. */
  readonly members: readonly StructMember[];
}

/** A compiled attribute definition. */
export interface AttrDef {
  /** Attribute type number. */
  readonly type: number;
  /** Attribute name, e.g. `"gateway"`. */
  readonly name: string;
  /** Value type: `u8` … `s64`, `uint`, `sint`, `string`, `binary`, `flag`, `nest`, `sub-message`, `indexed-array`, `bitfield32`. */
  readonly kind: string;
  /** How a binary value reads (`ip`, `mac`, …). */
  readonly hint: string | undefined;
  /** Network byte order. */
  readonly be: boolean;
  /** The attribute repeats. */
  readonly multi: boolean;
  /** Element type of an indexed array of scalars. */
  readonly subType: string | undefined;
  /** The payload is an array of {@link AttrDef.struct}. */
  readonly array: boolean;
  /** Nested attribute set (for `nest`, `indexed-array` of nests). */
  nested: AttrSet | undefined;
  /** Sub-message formats by selector value, and the selector's attribute name. */
  sub:
    | {
      selector: string;
      formats: Map<string, AttrSet>;
      /** Formats that start with a fixed header (selector value → struct). */
      headers?: Map<string, StructDef>;
    }
    | undefined;
  /** The struct a binary value holds. */
  struct: StructDef | undefined;
  /** The enum whose names an integer takes. */
  enumDef: EnumDef | undefined;
  /** A fixed header struct that precedes nested attributes (veth peer: ifinfomsg). */
  header: StructDef | undefined;
}

/** A compiled attribute set. */
export class AttrSet {
  /** Set name, e.g. `"linkAttrs"`. */
  readonly name: string;
  /** Definitions indexed by type number. */
  readonly byType: (AttrDef | undefined)[] = [];
  /** Definitions by name. */
  readonly byName: Map<string, AttrDef> = new Map();

  /** An empty set named `name` (a Registry fills it). */
  constructor(name: string) {
    this.name = name;
  }

  /** Attribute numbers by name (`{ ifname: 3, mtu: 4, … }`). */
  numbers(): Record<string, number> {
    return Object.fromEntries([...this.byName].map(([n, d]) => [n, d.type]));
  }

  /** The definition of an attribute name; throws {@link ArgumentError} when unknown. */
  get(name: string, path = name): AttrDef {
    const def = this.byName.get(name);
    if (!def) {
      throw new ArgumentError(
        path,
        `an attribute of ${this.name}`,
        name,
        "Cannot use unknown attribute",
      );
    }
    return def;
  }
}

/**
 * A registry of compiled sets, structs and enums, built from one or more specs.
 *
 * @example
 * ```ts
 * import { Registry } from "@nlroute/nlroute";
 * import { RT_ROUTE } from "@nlroute/nlroute/tables";
 * import assert from "node:assert/strict";
 *
 * const routeAttrs = new Registry([RT_ROUTE]).set("routeAttrs");
 * assert.equal(routeAttrs.get("gateway").type, 5); // RTA_GATEWAY
 * assert.equal(routeAttrs.get("gateway").kind, "binary");
 * assert.equal(routeAttrs.numbers().oif, 4);
 * ```
 */
export class Registry {
  /** Compiled attribute sets by name. */
  readonly sets: Map<string, AttrSet> = new Map();
  /** Compiled structs by name. */
  readonly structs: Map<string, StructDef> = new Map();
  /** Compiled enums by name. */
  readonly enums: Map<string, EnumDef> = new Map();

  /**
   * Compiles `specs` (the first definition of a name wins); `extraFormats`
   * adds sub-message formats (selector value → set name) to those the specs give.
   */
  constructor(specs: SpecData[], extraFormats: Record<string, Record<string, string>> = {}) {
    for (const spec of specs) {
      for (const [name, e] of Object.entries(spec.enums)) {
        if (this.enums.has(name)) continue;
        this.enums.set(name, {
          name,
          flags: e.flags,
          byName: new Map(e.entries),
          byValue: new Map(e.entries.map(([n, v]) => [v, n])),
        });
      }
      for (const [name, rows] of Object.entries(spec.structs)) {
        if (!this.structs.has(name)) this.structs.set(name, compileStruct(name, rows));
      }
      for (const name of Object.keys(spec.sets)) {
        if (!this.sets.has(name)) this.sets.set(name, new AttrSet(name));
      }
    }
    const subs = new Map<string, Record<string, string>>();
    for (const spec of specs) {
      for (const [name, f] of Object.entries(spec.subMessages)) {
        subs.set(name, { ...subs.get(name), ...f });
      }
    }
    for (const [name, f] of Object.entries(extraFormats)) {
      subs.set(name, { ...subs.get(name), ...f });
    }
    const headers = new Map<string, Record<string, string>>();
    for (const spec of specs) {
      for (const [name, f] of Object.entries(spec.subHeaders ?? {})) {
        headers.set(name, { ...headers.get(name), ...f });
      }
    }
    const done = new Set<string>();
    for (const spec of specs) {
      for (const [name, rows] of Object.entries(spec.sets)) {
        if (done.has(name)) continue;
        done.add(name);
        const set = this.sets.get(name)!;
        for (const [type, attrName, kind, opts = {}] of rows) {
          const def: AttrDef = {
            type,
            name: attrName,
            kind,
            hint: opts.hint,
            be: opts.be === true,
            multi: opts.multi === true,
            subType: opts.subType,
            array: opts.array === true,
            nested: opts.nest ? this.set(opts.nest) : undefined,
            sub: undefined,
            struct: opts.struct ? this.structs.get(opts.struct) : undefined,
            enumDef: opts.enum ? this.enums.get(opts.enum) : undefined,
            header: opts.header ? this.structs.get(opts.header) : undefined,
          };
          if (opts.sub) {
            const formats = new Map<string, AttrSet>();
            for (const [value, setName] of Object.entries(subs.get(opts.sub) ?? {})) {
              formats.set(value, this.set(setName));
            }
            def.sub = { selector: opts.selector ?? "kind", formats };
            const fixed = Object.entries(headers.get(opts.sub) ?? {});
            if (fixed.length) {
              def.sub.headers = new Map();
              for (const [value, structName] of fixed) {
                def.sub.headers.set(value, this.struct(structName));
                // A format with only a header has no attributes of its own.
                if (!formats.has(value)) formats.set(value, new AttrSet(`${opts.sub}.${value}`));
              }
            }
          }
          set.byType[type] = def;
          set.byName.set(attrName, def);
        }
      }
    }
  }

  /** A compiled set by name. */
  set(name: string): AttrSet {
    const s = this.sets.get(name);
    if (!s) throw new Error(`Cannot find attribute set "${name}" in the tables`);
    return s;
  }
  /** A compiled struct by name. */
  struct(name: string): StructDef {
    const s = this.structs.get(name);
    if (!s) throw new Error(`Cannot find struct "${name}" in the tables`);
    return s;
  }
  /** A compiled enum by name. */
  enum(name: string): EnumDef {
    const e = this.enums.get(name);
    if (!e) throw new Error(`Cannot find enum "${name}" in the tables`);
    return e;
  }
}

function compileStruct(name: string, rows: StructRow[]): StructDef {
  const members: StructMember[] = [];
  let offset = 0;
  for (const [mname, type, len, opts = {}] of rows) {
    const size = INT_SIZE[type] ?? len ?? 0;
    // C alignment of integer members.
    if (INT_SIZE[type]) offset = Math.ceil(offset / size) * size;
    members.push({ name: mname, type, offset, size, hint: opts.hint, be: opts.be === true });
    offset += size;
  }
  return { name, size: offset, members };
}
