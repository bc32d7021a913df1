/**
 * Interface names where an index is expected: finding them in a spec (top
 * level and nested), looking each up once, and substituting the indexes.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import type { AnyObjectDef } from "./object.ts";
import type { Spec } from "./spec.ts";

/**
 * An interface name that names no interface. An {@link ArgumentError} naming
 * the argument it came from; `ensure(..., { present: false })` treats it as
 * "already gone".
 *
 * @example
 * ```ts
 * import { ArgumentError, IPRoute, UnknownInterfaceError } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open();
 * await assert.rejects(ipr.route("add", { dst: "10.0.0.0/8", oif: "nope0" }), (err) => {
 *   assert.ok(err instanceof UnknownInterfaceError);
 *   assert.ok(err instanceof ArgumentError);
 *   assert.equal(err.argument, "oif");
 *   return true;
 * });
 * // Removing what is not there is no error for ensure():
 * assert.equal(await ipr.ensure("link", { ifname: "nope0" }, { present: false }), false);
 * ```
 */
export class UnknownInterfaceError extends ArgumentError {
  /** The name that was looked up. */
  readonly ifname: string;

  /** `argument` named the interface `ifname`, which does not exist. */
  constructor(argument: string, ifname: string) {
    super(argument, "an existing interface name or an index", ifname, "Cannot resolve interface");
    this.name = "UnknownInterfaceError";
    this.ifname = ifname;
  }
}

/**
 * Replaces interface names by indexes in the keys of `def` that accept them
 * (top-level and nested), with `index` mapping one name (and the argument it
 * came from) to an index. Returns `spec` itself when nothing changed,
 * otherwise a copy.
 */
export function substituteLinkRefs(
  def: AnyObjectDef,
  spec: Spec,
  index: (name: string, argument: string) => number,
): Spec {
  if (typeof spec !== "object" || spec === null) return spec; // the builder reports it
  let out = spec;
  const words = def.linkWords;
  for (const key of def.linkRefs) {
    const v = spec[key];
    if (typeof v === "string") {
      if (out === spec) out = { ...spec };
      out[key] = words !== undefined && Object.hasOwn(words, v) ? words[v]! : index(v, key);
    }
  }
  for (const [key, subKeys] of Object.entries(def.nestedLinkRefs ?? {})) {
    const nested = spec[key];
    let replaced: unknown;
    if (Array.isArray(nested)) {
      let copy: unknown[] | undefined;
      nested.forEach((item, i) => {
        const itemCopy = substituteIn(item, subKeys, `${key}[${i}]`, index);
        if (itemCopy !== item) (copy ??= [...nested])[i] = itemCopy;
      });
      replaced = copy;
    } else {
      const copy = substituteIn(nested, subKeys, key, index);
      if (copy !== nested) replaced = copy;
    }
    if (replaced !== undefined) {
      if (out === spec) out = { ...spec };
      out[key] = replaced;
    }
  }
  return out;
}

/** `item` (a plain object) with the names in `subKeys` replaced, or `item` itself. */
function substituteIn(
  item: unknown,
  subKeys: readonly string[],
  path: string,
  index: (name: string, argument: string) => number,
): unknown {
  if (typeof item !== "object" || item === null || item instanceof Uint8Array) return item;
  let copy: Spec | undefined;
  for (const sub of subKeys) {
    const v = (item as Spec)[sub];
    if (typeof v !== "string") continue;
    copy ??= { ...(item as Spec) };
    copy[sub] = index(v, `${path}.${sub}`);
  }
  return copy ?? item;
}

/**
 * The interface names in `spec` that {@link substituteLinkRefs} would replace,
 * each with the argument it came from.
 */
export function linkRefNames(def: AnyObjectDef, spec: Spec): readonly [string, string][] {
  if (!mayHaveLinkRefs(def, spec)) return NONE;
  const names: [string, string][] = [];
  substituteLinkRefs(def, spec, (name, argument) => {
    names.push([name, argument]);
    return 0;
  });
  return names;
}

const NONE: readonly [string, string][] = [];

/**
 * False when no key of `spec` that accepts an interface name holds a string
 * (the common case: indexes given), without allocating anything.
 */
function mayHaveLinkRefs(def: AnyObjectDef, spec: Spec): boolean {
  if (typeof spec !== "object" || spec === null) return false;
  const keys = def.linkRefs;
  for (let i = 0; i < keys.length; i++) if (typeof spec[keys[i]!] === "string") return true;
  const nested = def.nestedLinkRefs;
  if (nested === undefined) return false;
  for (const key in nested) if (spec[key] !== undefined) return true;
  return false;
}

/** What name lookups need: IPRoute's `linkLookup`. */
export interface LinkLookup {
  /** Indexes of the links named `ifname` (empty when there is none). */
  linkLookup(match: { ifname: string }): Promise<number[]>;
}

/**
 * Looks up interface names (each once), given with the argument they came
 * from; a missing one is an {@link UnknownInterfaceError} naming that argument.
 */
export async function lookupIndexes(
  ipr: LinkLookup,
  names: readonly (readonly [string, string])[],
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const [name, argument] of names) {
    if (found.has(name)) continue;
    let index: number | undefined;
    try {
      [index] = await ipr.linkLookup({ ifname: name });
    } catch (e) {
      if (!(e instanceof ArgumentError)) throw e;
    }
    if (index === undefined) throw new UnknownInterfaceError(argument, name);
    found.set(name, index);
  }
  return found;
}

/** `spec` with its interface names replaced by indexes (looked up through `ipr`). */
export async function resolveLinkRefs(
  ipr: LinkLookup,
  def: AnyObjectDef,
  spec: Spec,
): Promise<Spec> {
  const found = await lookupIndexes(ipr, linkRefNames(def, spec));
  return substituteLinkRefs(def, spec, (name) => found.get(name)!);
}
