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
  /**
   * Dump filter keys the kernel applies exactly under strict checking (the
   * client-side match skips them then).
   */
  readonly kernelFilters?: readonly string[];
  /** Spec keys used only to filter dumps (not passed to the request builder). */
  readonly dumpOnly?: readonly string[];
  /**
   * Keys holding arrays of objects whose own keys accept an interface name
   * (route `multipath: [{ oif: "eth0" }]` → `{ multipath: ["oif"] }`).
   */
  readonly nestedLinkRefs?: Readonly<Record<string, readonly string[]>>;
  /**
   * The field holding an item's interface when the `master` dump filter means
   * "items whose interface is a port of that master", a fact the items do not
   * carry themselves (IP neighbours: `index`, nexthops: `oif`). IPRoute checks
   * it client-side against the master's ports (the kernel filters it too).
   */
  readonly masterPortKey?: string;
}

/**
 * Replaces interface names by indexes in the keys of `kind` that accept them
 * (top-level and nested), with `index` mapping one name (and the argument it
 * came from) to an index. Returns `spec` itself when nothing changed,
 * otherwise a copy.
 *
 * @example
 * ```ts
 * import { substituteLinkRefs } from "./kind.ts";
 * import { ROUTE } from "./objects.ts";
 * substituteLinkRefs(ROUTE, { dst: "10.0.0.0/8", oif: "eth0" }, () => 2).oif; // 2
 * ```
 */
export function substituteLinkRefs<T>(
  kind: ObjectKind<T>,
  spec: Spec,
  index: (name: string, argument: string) => number,
): Spec {
  if (typeof spec !== "object" || spec === null) return spec; // the builder reports it
  let out = spec;
  for (const key of kind.linkRefs) {
    const v = spec[key];
    if (typeof v === "string") {
      if (out === spec) out = { ...spec };
      out[key] = index(v, key);
    }
  }
  for (const [key, subKeys] of Object.entries(kind.nestedLinkRefs ?? {})) {
    const items = spec[key];
    if (!Array.isArray(items)) continue;
    let copy: unknown[] | undefined;
    items.forEach((item, i) => {
      if (typeof item !== "object" || item === null) return;
      let itemCopy: Spec | undefined;
      for (const sub of subKeys) {
        const v = (item as Spec)[sub];
        if (typeof v !== "string") continue;
        itemCopy ??= { ...(item as Spec) };
        itemCopy[sub] = index(v, `${key}[${i}].${sub}`);
      }
      if (itemCopy) (copy ??= [...items])[i] = itemCopy;
    });
    if (copy) {
      if (out === spec) out = { ...spec };
      out[key] = copy;
    }
  }
  return out;
}

/**
 * The interface names in `spec` that {@link substituteLinkRefs} would replace,
 * each with the argument it came from.
 *
 * @example
 * ```ts
 * import { linkRefNames } from "./kind.ts";
 * import { ROUTE } from "./objects.ts";
 * linkRefNames(ROUTE, { oif: "eth0" }); // [["eth0", "oif"]]
 * ```
 */
export function linkRefNames<T>(kind: ObjectKind<T>, spec: Spec): [string, string][] {
  const names: [string, string][] = [];
  substituteLinkRefs(kind, spec, (name, argument) => {
    names.push([name, argument]);
    return 0;
  });
  return names;
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
