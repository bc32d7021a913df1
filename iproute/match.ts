/**
 * Client-side matching of results against dump filters and event filters:
 * fields compared by name, addresses in canonical form, arrays as sets.
 *
 * @module
 */
import { parseIP, parsePrefix } from "../core/address.ts";
import type { Spec } from "./spec.ts";

/** Canonical text of an address or prefix for comparisons (`"FE80::01"` → `"fe80::1"`); other values unchanged. */
export function canonical(v: unknown): unknown {
  if (typeof v !== "string" || !/^[0-9a-fA-F:.]+(\/\d+)?$/.test(v)) return v;
  if (/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(v)) return v.toLowerCase();
  if (v.includes("/")) {
    try {
      const p = parsePrefix(v, "value");
      return `${p.address}/${p.prefixlen}`;
    } catch {
      return v;
    }
  }
  return parseIP(v) ? parsePrefix(v, "value").address : v;
}

/**
 * A match on result fields: each key of `wanted` must equal the field of the
 * same name (after `convert`), addresses compared in canonical form, arrays
 * compared as sets.
 */
export function fieldMatch<T>(
  wanted: Spec,
  convert: Record<string, (v: unknown) => unknown> = {},
): ((item: T) => boolean) | undefined {
  const keys = Object.keys(wanted).filter((k) => wanted[k] !== undefined);
  if (keys.length === 0) return undefined;
  const want = keys.map((k) =>
    [k, canonical(convert[k] ? convert[k]!(wanted[k]) : wanted[k])] as const
  );
  return (item: T) => {
    const rec = item as unknown as Record<string, unknown>;
    for (const [k, v] of want) {
      const got = canonical(rec[k]);
      if (Array.isArray(v)) {
        if (!Array.isArray(got) || !v.every((x) => (got as unknown[]).includes(x))) return false;
      } else if (got !== v) return false;
    }
    return true;
  };
}

/** The defined values of `keys` in `spec` (the filter fields a match compares). */
export function pick(spec: Spec, keys: readonly string[]): Spec {
  const out: Spec = {};
  for (const k of keys) if (spec[k] !== undefined) out[k] = spec[k];
  return out;
}
