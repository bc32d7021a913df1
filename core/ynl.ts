/**
 * YNL spec (the kernel's Documentation/netlink/specs/*.yaml, parsed) → the
 * tables' data form: enums and flags, structs, attribute sets (numbered as the
 * kernel numbers them, subsets inheriting from their parent set) and
 * sub-message formats. The generator (tools/gen_tables.ts, tools/gen_genl.ts)
 * and the run-time spec loader of generic netlink share it.
 *
 * @module
 */

/**
 * camelCase of a C or YNL name (`rtm_dst_len` / `rtm-dst-len` → `rtmDstLen`;
 * leading dashes dropped: `--kernel-timespec` → `kernelTimespec`).
 */
export function camel(name: string): string {
  return name.toLowerCase().replace(/^[-_]+/, "").replace(
    /[-_]([a-z0-9])/g,
    (_, c: string) => c.toUpperCase(),
  );
}

/** One struct member row: name, type, length (binary), options. */
export type MemberRow = [string, string, (number | undefined)?, Record<string, unknown>?];

// deno-lint-ignore no-explicit-any
type Y = any;

/** One generated attribute row: [number, name, type, options?]. */
export type Row = [number, string, string, Record<string, unknown>?];

/** What the generator emits for one spec (the shape of core/schema.ts's SpecData). */
export interface Out {
  enums: Record<string, { flags: boolean; entries: [string, number][] }>;
  structs: Record<string, MemberRow[]>;
  sets: Record<string, Row[]>;
  subMessages: Record<string, Record<string, string>>;
  /** Sub-message formats that start with a fixed header: name → selector value → struct. */
  subHeaders?: Record<string, Record<string, string>>;
}

/** An empty result to fill. */
export function emptyOut(): Out {
  return { enums: {}, structs: {}, sets: {}, subMessages: {} };
}

/** YNL display hints → the schema's hints (`ip`, `mac`, `hex`, `uuid`). */
function hint(h: string | undefined): string | undefined {
  if (!h) return undefined;
  if (h === "ipv4" || h === "ipv6" || h === "ipv4-or-v6") return "ip";
  return h;
}

/** Attribute numbers of a set: sequential from 1 unless `value` says otherwise. */
function numbers(set: Y): Map<string, number> {
  const out = new Map<string, number>();
  let next = 1;
  for (const a of set.attributes ?? []) {
    const v = a.value ?? next;
    out.set(a.name, v);
    next = v + 1;
  }
  return out;
}

function convertDefinitions(spec: Y, out: Out): void {
  for (const def of spec.definitions ?? []) {
    if (def.type === "enum" || def.type === "flags") {
      const flags = def.type === "flags";
      let next = def["value-start"] ?? 0;
      const entries: [string, number][] = [];
      for (const e of def.entries ?? []) {
        const ent = typeof e === "string" ? { name: e } : e;
        const v = ent.value ?? next;
        next = v + 1;
        entries.push([camel(String(ent.name)), flags ? 2 ** v : v]);
      }
      out.enums[camel(def.name)] = { flags, entries };
    } else if (def.type === "struct") {
      out.structs[camel(def.name)] = (def.members ?? []).map((m: Y) => {
        const opts: Record<string, unknown> = {};
        if (m.enum) opts.enum = camel(m.enum);
        const h = hint(m["display-hint"]);
        if (h) opts.hint = h;
        if (m["byte-order"] === "big-endian") opts.be = true;
        const row: MemberRow = [
          camel(m.name),
          m.type,
          m.len ?? (m.type === "binary" || m.type === "pad" ? 0 : undefined),
        ];
        if (Object.keys(opts).length) row[3] = opts;
        return row;
      });
    }
  }
}

function attrOptions(a: Y): Record<string, unknown> {
  const opts: Record<string, unknown> = {};
  if (a["nested-attributes"]) opts.nest = camel(a["nested-attributes"]);
  if (a["sub-message"]) {
    opts.sub = camel(a["sub-message"]);
    opts.selector = camel(a.selector);
  }
  const h = hint(a["display-hint"]);
  if (h) opts.hint = h;
  if (a["byte-order"] === "big-endian") opts.be = true;
  if (a.struct) opts.struct = camel(a.struct);
  if (a.enum) opts.enum = camel(a.enum);
  if (a["enum-as-flags"]) opts.flags = true;
  if (a["multi-attr"]) opts.multi = true;
  if (a["sub-type"]) opts.subType = a["sub-type"];
  return opts;
}

/** Converts one parsed YNL spec. */
export function convert(spec: Y): Out {
  const out = emptyOut();
  convertDefinitions(spec, out);
  const sets: Y[] = spec["attribute-sets"] ?? [];
  const byName = new Map(sets.map((s) => [s.name, s]));
  for (const set of sets) {
    const rows: Row[] = [];
    let next = 1;
    const parent = set["subset-of"] ? byName.get(set["subset-of"]) : undefined;
    const parentNums = parent ? numbers(parent) : undefined;
    const parentAttrs = new Map<string, Y>((parent?.attributes ?? []).map((a: Y) => [a.name, a]));
    for (const own of set.attributes ?? []) {
      // A subset inherits number and type from its parent set, and may override hints.
      const a = parent
        ? { ...parentAttrs.get(own.name), ...own, value: parentNums!.get(own.name) }
        : own;
      const num = a.value ?? next;
      next = num + 1;
      const opts = attrOptions(a);
      const row: Row = [num, camel(a.name), a.type];
      if (Object.keys(opts).length) row[3] = opts;
      rows.push(row);
    }
    out.sets[camel(set.name)] = rows;
  }
  for (const sm of spec["sub-messages"] ?? []) {
    const formats: Record<string, string> = {};
    const headers: Record<string, string> = {};
    for (const f of sm.formats ?? []) {
      if (f["attribute-set"]) formats[f.value] = camel(f["attribute-set"]);
      if (f["fixed-header"]) headers[f.value] = camel(f["fixed-header"]);
    }
    out.subMessages[camel(sm.name)] = formats;
    if (Object.keys(headers).length) (out.subHeaders ??= {})[camel(sm.name)] = headers;
  }
  return out;
}
