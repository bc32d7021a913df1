/**
 * TypeScript types of the generated attribute sets and structs: what a
 * program writes when it gives attributes by name (kind data, bridge port
 * options, metrics, …). One interface per set and per struct, every member
 * optional; enum-typed integers take the enum's names or a number, 64-bit
 * integers a number or a bigint, addresses strings.
 *
 * @module
 */
import type { MemberRow } from "./cheader.ts";
import type { Out, Row } from "../../core/ynl.ts";

/** PascalCase of a camelCase table name (`linkinfoVxlanAttrs` → `LinkinfoVxlanAttrs`). */
export function typeName(name: string): string {
  return name[0]!.toUpperCase() + name.slice(1);
}

const NUMBER = new Set(["u8", "u16", "u32", "s8", "s16", "s32"]);
const BIG = new Set(["u64", "s64", "uint", "sint"]);

/** Where each set, struct and enum is defined: name → module file (for imports). */
export type Owners = Map<string, string>;

/** The type of an enum-typed integer: its names or a number. */
export function enumType(
  data: Pick<Out, "enums">,
  enumName: string | undefined,
): string | undefined {
  const e = enumName ? data.enums[enumName] : undefined;
  if (!e || e.entries.length === 0) return undefined;
  const names = e.entries.map(([n]) => JSON.stringify(n)).join(" | ");
  return e.flags ? `${names} | (${names})[] | number` : `${names} | number`;
}

/** The TypeScript type of one attribute row, and the type names it refers to. */
function attrType(row: Row, data: Out, refs: Set<string>): string {
  const [, , type, opts = {}] = row;
  const o = opts as Record<string, string | boolean | undefined>;
  let t: string;
  if (NUMBER.has(type)) {
    // A u8 without an enum is often a boolean in the kernel's eyes (the encoder takes both).
    t = enumType(data, o.enum as string | undefined) ??
      (type === "u8" ? "number | boolean" : "number");
  } else if (BIG.has(type)) t = "number | bigint";
  else if (type === "string") t = "string";
  else if (type === "flag") t = "boolean";
  else if (type === "bitfield32") t = "{ value: number; selector: number }";
  else if ((type === "nest" || type === "indexed-array" || type === "array-nest") && o.nest) {
    refs.add(o.nest as string);
    t = typeName(o.nest as string);
    if (type !== "nest") t = `${t}[]`;
  } else if (type === "sub-message") t = "Record<string, unknown> | Uint8Array";
  else if (o.hint === "ip" || o.hint === "mac" || o.hint === "hex" || o.hint === "uuid") {
    t = "string";
  } else if (o.struct) {
    refs.add(o.struct as string);
    t = typeName(o.struct as string);
    if (o.array) t = `${t}[]`;
    t = `${t} | Uint8Array`;
  } else t = "Uint8Array";
  return o.multi ? `${t} | (${t})[]` : t;
}

function memberType(row: MemberRow): string {
  const [, type, , opts] = row;
  if (NUMBER.has(type)) return "number";
  if (BIG.has(type)) return "number | bigint";
  return opts?.hint ? "string" : "Uint8Array";
}

/** One type declaration: an interface, or `Record<string, never>` when it has no members. */
export function declaration(doc: string, name: string, members: string[]): string {
  if (members.length === 0) return `/** ${doc} */\nexport type ${name} = Record<string, never>;`;
  return `/** ${doc} */\nexport interface ${name} {\n${members.join("\n")}\n}`;
}

/**
 * The interfaces of a module's sets and structs, with the `import type` lines
 * for the names other modules define. `file` is this module's file name.
 */
export function typeDeclarations(
  file: string,
  data: Out,
  owners: Owners,
  subMessages: Record<string, Record<string, string>> = data.subMessages,
): string {
  const refs = new Set<string>();
  const parts: string[] = [];
  const own = (name: string) => (owners.get(name) ?? file) === file;
  for (const [name, rows] of Object.entries(data.sets)) {
    if (!own(name)) continue;
    const members = rows.filter((r) => r[2] !== "pad" && r[2] !== "unused")
      .map((r) =>
        `  /** Attribute ${r[0]} (${r[2]}). */\n  ${JSON.stringify(r[1])}?: ${
          attrType(r, data, refs)
        };`
      );
    parts.push(declaration(`The attributes of ${name}, by name.`, typeName(name), members));
  }
  for (const [name, rows] of Object.entries(data.structs)) {
    if (!own(name)) continue;
    const members = rows.filter((r) => r[1] !== "pad").map((r) =>
      `  /** Member ${r[0]} (${r[1]}${r[2] ? `, ${r[2]} bytes` : ""}). */\n  ${
        JSON.stringify(r[0])
      }?: ${memberType(r)};`
    );
    parts.push(declaration(`The members of struct ${name}, by name.`, typeName(name), members));
  }
  for (const name of Object.keys(data.subMessages)) {
    if (!own(name)) continue;
    const formats = subMessages[name]!;
    const members = Object.entries(formats).map(([value, set]) => {
      refs.add(set);
      return `  /** The attributes when the selector is ${value}. */\n  ${JSON.stringify(value)}: ${
        typeName(set)
      };`;
    });
    parts.push(
      declaration(
        `The formats of sub-message ${name}: selector value → attributes.`,
        typeName(name),
        members,
      ),
    );
  }
  const imports = new Map<string, string[]>();
  for (const r of refs) {
    const owner = owners.get(r);
    if (owner === undefined) throw new Error(`${file}: no table defines ${r}`);
    if (owner === file) continue;
    imports.set(owner, [...(imports.get(owner) ?? []), typeName(r)]);
  }
  const lines = [...imports].map(([f, names]) =>
    `import type { ${[...new Set(names)].sort().join(", ")} } from "./${
      f.replace(/\.ts$/, "")
    }.ts";`
  );
  return [...lines, ...parts].join("\n\n");
}

/**
 * Records which file defines each set, struct and sub-message of `data` (the
 * first one: a later module that has the same name refers to it), and merges
 * its sub-message formats into `subMessages`.
 */
export function addOwners(
  owners: Owners,
  file: string,
  data: Out,
  subMessages: Record<string, Record<string, string>>,
): void {
  const names = [
    ...Object.keys(data.sets),
    ...Object.keys(data.structs),
    ...Object.keys(data.subMessages),
  ];
  for (const n of names) if (!owners.has(n)) owners.set(n, file);
  for (const [n, f] of Object.entries(data.subMessages)) {
    subMessages[n] = { ...subMessages[n], ...f };
  }
}
