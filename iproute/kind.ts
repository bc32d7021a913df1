/**
 * How IPRoute drives one object kind (link, addr, route, …): a request
 * builder, a decoder, the spec keys that may name a link, and a client-side
 * match for dumps. Adding an object kind means writing one of these.
 *
 * @module
 */
import type { Decoder, Request } from "../core/socket.ts";
import { parseIP, parsePrefix } from "../core/address.ts";
import type { Spec } from "./spec.ts";

/** One object kind of IPRoute. */
export interface ObjectKind<T> {
  /** Name used in errors (`link`, `route`, …). */
  readonly name: string;
  /** Builds (and validates) the request for a command. */
  build(cmd: string, spec: Spec): Request;
  /** Decodes replies. */
  readonly decode: Decoder<T>;
  /** Spec keys that accept an interface name in place of an index. */
  readonly linkRefs: readonly string[];
  /** Client-side match for dump filters; undefined when the spec selects everything. */
  match(spec: Spec): ((item: T) => boolean) | undefined;
  /** Spec keys used only to filter dumps (not passed to the request builder). */
  readonly dumpOnly?: readonly string[];
}

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
 *
 * @example
 * ```ts
 * import { fieldMatch } from "./kind.ts";
 * const m = fieldMatch<{ ifname: string }>({ ifname: "lo" }, {});
 * m!({ ifname: "lo" }); // true
 * ```
 */
export function fieldMatch<T>(
  wanted: Spec,
  convert: Record<string, (v: unknown) => unknown>,
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
