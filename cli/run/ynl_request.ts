/**
 * A `--json` request of `nlroute ynl` in the form GenlFamily takes: keys in
 * the spec's spelling (`dev-name`, as ynl's cli.py takes them) or in
 * nlroute's camelCase (`devName`) — kebab and snake keys are converted to
 * camelCase at every depth —, 64-bit integers given as decimal strings made
 * bigints, and raw bytes given as hex strings or arrays of byte values made
 * Uint8Arrays, following the attribute definitions of the operation's
 * request set.
 *
 * @module
 */
import { camel } from "../../core/ynl.ts";
import { parseHex } from "../../core/address.ts";
import type { AttrDef, AttrSet } from "../../core/schema.ts";

const WIDE = new Set(["u64", "s64", "uint", "sint"]);

/** camelCase of a key in the spec's spelling; camelCase keys stay as they are. */
export function camelKey(key: string): string {
  return /[-_]/.test(key) ? camel(key) : key;
}

/** Raw bytes from a hex string (`"0a0b"`, `"0a:0b"`) or an array of byte values. */
function bytesOf(v: unknown): Uint8Array | undefined {
  if (typeof v === "string") return parseHex(v);
  if (
    Array.isArray(v) &&
    v.every((b) => typeof b === "number" && Number.isInteger(b) && b >= 0 && b < 256)
  ) {
    return Uint8Array.from(v as number[]);
  }
  return undefined;
}

/** One value converted for the definition of its attribute (unchanged when nothing applies). */
function valueOf(def: AttrDef | undefined, v: unknown): unknown {
  if (!def) return convertKeys(v);
  if (def.multi && Array.isArray(v)) {
    return v.map((item) => valueOf({ ...def, multi: false }, item));
  }
  if (WIDE.has(def.kind) && typeof v === "string" && /^-?\d+$/.test(v)) return BigInt(v);
  if (def.kind === "binary" && !def.hint && !def.struct) return bytesOf(v) ?? v;
  if (def.kind === "nest" && def.nested) return ynlRequest(def.nested, v);
  if (def.kind === "indexed-array" && Array.isArray(v)) {
    return v.map((item) => def.nested ? ynlRequest(def.nested, item) : bytesOf(item) ?? item);
  }
  return convertKeys(v);
}

/** Keys converted at every depth, nothing else. */
function convertKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(convertKeys);
  if (typeof v !== "object" || v === null) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [camelKey(k), convertKeys(x)]));
}

/**
 * The request for GenlFamily from a parsed `--json` object, read against the
 * operation's request attribute set (`set`; undefined converts keys only).
 * Unknown keys are kept, converted: GenlFamily refuses them by name.
 */
export function ynlRequest(set: AttrSet | undefined, v: unknown): unknown {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const key = camelKey(k);
    out[key] = valueOf(set?.byName.get(key), x);
  }
  return out;
}
