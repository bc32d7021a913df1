/**
 * TypeScript types of a generic netlink family, from its {@link FamilySpec}:
 * per attribute set a request interface (what the encoder takes: enum names
 * or numbers, 64-bit values as number or bigint) and a reply interface (what
 * the decoder gives: numbers, bigints for 64-bit, strings for addresses and
 * strings, `true` for flags), per struct the same two, and the operation
 * map that types `GenlFamily.do`, `.dump` and its events.
 *
 * @module
 */
import type { FamilySpec } from "../../genl/spec.ts";
import type { AttrRow, SpecData, StructRow } from "../../core/schema.ts";
import { declaration, enumType } from "./types.ts";

/** PascalCase of a camelCase or kebab/snake name. */
export function pascal(name: string): string {
  const c = name.replace(/[-_]([a-z0-9])/gi, (_, x: string) => x.toUpperCase());
  return c[0]!.toUpperCase() + c.slice(1);
}

const NUMBER = new Set(["u8", "u16", "u32", "s8", "s16", "s32"]);
const BIG = new Set(["u64", "s64"]);

type Mode = "request" | "reply";

/** The family's prefix of type names (`Ethtool`), set by {@link familyTypes}. */
let prefix = "";

function typeOf(set: string, mode: Mode): string {
  return mode === "request" ? `${prefix}${pascal(set)}` : `${prefix}${pascal(set)}Reply`;
}

function attrType(row: AttrRow, data: SpecData, mode: Mode): string {
  const [, , type, o = {}] = row;
  const out = mode === "reply";
  let t: string;
  if (NUMBER.has(type)) {
    t = out ? "number" : enumType(data, o.enum) ?? "number";
  } else if (BIG.has(type)) t = out ? "bigint" : "number | bigint";
  else if (type === "uint" || type === "sint") t = "number | bigint";
  else if (type === "string") t = "string";
  else if (type === "flag") t = out ? "true" : "boolean";
  else if (type === "bitfield32") t = "{ value: number; selector: number }";
  else if ((type === "nest" || type === "indexed-array") && o.nest && data.sets[o.nest]) {
    t = typeOf(o.nest, mode);
    if (type !== "nest") t = `${t}[]`;
  } else if (type === "indexed-array" && o.subType && (NUMBER.has(o.subType))) t = "number[]";
  else if (type === "sub-message") t = "Record<string, unknown>";
  else if (o.hint === "ip" || o.hint === "mac" || o.hint === "hex") {
    // Requests take the string the reply shows, or the bytes themselves.
    t = out ? "string" : "string | Uint8Array";
  } else if (o.struct && data.structs[o.struct]) {
    t = typeOf(o.struct, mode);
    if (!out) t = `${t} | Uint8Array`;
  } else t = "Uint8Array";
  if (o.multi) return out ? `(${t})[]` : `${t} | (${t})[]`;
  return t;
}

function memberType(row: StructRow, mode: Mode): string {
  const [, type, , opts] = row;
  if (NUMBER.has(type)) return "number";
  if (BIG.has(type)) return mode === "reply" ? "bigint" : "number | bigint";
  if (type === "string") return "string";
  return opts?.hint ? "string" : "Uint8Array";
}

/** `Pick<T, "a" | "b">` of the names a message lists (`Record<string, never>` for none). */
function pick(set: string, names: string[] | undefined, mode: Mode, spec: FamilySpec): string {
  const rows = spec.data.sets[set];
  if (!rows) return "Record<string, never>";
  const known = new Set(rows.map((r) => r[1]));
  const keep = (names ?? []).filter((n) => known.has(n));
  let t = keep.length
    ? `Pick<${typeOf(set, mode)}, ${keep.map((n) => JSON.stringify(n)).join(" | ")}>`
    : "Record<string, never>";
  if (spec.header && spec.data.structs[spec.header]) t = `${typeOf(spec.header, mode)} & ${t}`;
  return t;
}

/**
 * The type declarations of a family module: set and struct interfaces, then
 * `<Family>Ops` (operation → `do`/`dump` → request and reply types) and
 * `<Family>Events` (notification or event name → its attributes).
 */
export function familyTypes(spec: FamilySpec, familyPrefix: string): string {
  prefix = familyPrefix;
  const parts: string[] = [];
  const { data } = spec;
  for (const [name, all] of Object.entries(data.sets)) {
    // A spec may list an attribute twice (devlink): the first occurrence types it.
    const seen = new Set<string>();
    const rows = all.filter((r) => !seen.has(r[1]) && seen.add(r[1]));
    for (const mode of ["request", "reply"] as const) {
      const members = rows.filter((r) => r[2] !== "pad" && r[2] !== "unused").map((r) =>
        `  /** Attribute ${r[0]} (${r[2]}). */\n  ${JSON.stringify(r[1])}?: ${
          attrType(r, data, mode)
        };`
      );
      const doc = mode === "request"
        ? `${spec.name} attribute set ${name}, as a request gives it.`
        : `${spec.name} attribute set ${name}, as a reply carries it.`;
      parts.push(declaration(doc, typeOf(name, mode), members));
    }
  }
  for (const [name, rows] of Object.entries(data.structs)) {
    for (const mode of ["request", "reply"] as const) {
      const members = rows.filter((r) => r[1] !== "pad").map((r) =>
        `  /** Member ${r[0]} (${r[1]}). */\n  ${JSON.stringify(r[0])}?: ${memberType(r, mode)};`
      );
      parts.push(
        declaration(`${spec.name} struct ${name} (${mode}).`, typeOf(name, mode), members),
      );
    }
  }
  const ops: string[] = [];
  const events: string[] = [];
  for (const [name, op] of Object.entries(spec.ops)) {
    const forms: string[] = [];
    for (const form of ["do", "dump"] as const) {
      const m = op[form];
      if (!m) continue;
      const reply = m.reply ? pick(op.set, m.reply, "reply", spec) : "undefined";
      forms.push(
        `    ${form}: { request: ${
          pick(op.requestSet ?? op.set, m.request, "request", spec)
        }; reply: ${reply} };`,
      );
    }
    if (forms.length) {
      ops.push(
        `  /** Operation ${name}. */\n  ${JSON.stringify(name)}: {\n${forms.join("\n")}\n  };`,
      );
    }
    if (op.event || op.notify) {
      const target = op.notify ? spec.ops[op.notify] : undefined;
      const attrs = op.event ?? target?.do?.reply ?? target?.dump?.reply;
      events.push(
        `  /** Notification ${name}. */\n  ${JSON.stringify(name)}: ${
          pick(op.set, attrs, "reply", spec)
        };`,
      );
    }
  }
  parts.push(
    declaration(`The operations of ${spec.name}: request and reply types.`, `${prefix}Ops`, ops),
  );
  parts.push(
    declaration(`The notifications of ${spec.name}: name → attributes.`, `${prefix}Events`, events),
  );
  return parts.join("\n\n");
}
