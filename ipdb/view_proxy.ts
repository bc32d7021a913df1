/**
 * The lookup proxy behind IPDB's views (internal): a property name that is
 * not one of the view's members is a key (`view.v0`, `view["10.0.0.0/24"]`),
 * while everything else behaves as on a plain object — the view's own
 * members, Object.prototype's (`constructor`, `toString`, `valueOf`, …),
 * symbols (iteration, the runtimes' inspect symbols), and the names runtimes
 * and libraries probe on any object (`then` for `await`, `toJSON` for JSON).
 * The keys are the view's own enumerable properties, so `Object.keys`,
 * spreading and `Object.entries` list the records.
 *
 * @module
 */

/** Records looked up by property name (`view.v0`, `view["10.0.0.0/24"]`); undefined when absent. */
export type Views<T> = {
  /** The record under `key`, if any. */
  readonly [key: string]: T | undefined;
};

/** How a view finds records by property name. */
export interface Lookup<R> {
  /** The record under a property name, if any (never throws: a name that is no valid key finds nothing). */
  get(key: string): R | undefined;
  /** The property names the records are under (the view's own keys). */
  keys(): Iterable<string>;
}

/**
 * Names that are never keys: what `await` (`then`), JSON (`toJSON`) and
 * test, UI and collection libraries probe on any object. A record whose name
 * is one of them is still found with the view's `get`.
 */
const PROBED: ReadonlySet<string> = new Set([
  "then",
  "toJSON",
  "asymmetricMatch",
  "$$typeof",
  "nodeType",
  "@@__IMMUTABLE_ITERABLE__@@",
]);

const objectProto = Object.prototype as unknown as Record<PropertyKey, unknown>;

/** `target` behind a proxy that looks up every other property name with `lookup`. */
export function viewProxy<T extends object, R>(target: T, lookup: Lookup<R>): T & Views<R> {
  // Methods bound once (they use private fields: they run on the view itself).
  const bound = new Map<PropertyKey, unknown>();
  const isKey = (k: PropertyKey): boolean =>
    typeof k === "string" && !(k in target) && !PROBED.has(k);
  return new Proxy(target, {
    get(t, k) {
      if (isKey(k)) return lookup.get(k as string);
      const v = Reflect.get(t, k, t);
      if (typeof v !== "function" || k === "constructor" || objectProto[k] === v) return v;
      let b = bound.get(k);
      if (b === undefined) bound.set(k, b = (v as (...a: unknown[]) => unknown).bind(t));
      return b;
    },
    has(t, k) {
      return isKey(k) ? lookup.get(k as string) !== undefined : Reflect.has(t, k);
    },
    ownKeys(t) {
      const keys: (string | symbol)[] = Reflect.ownKeys(t);
      for (const k of lookup.keys()) if (isKey(k)) keys.push(k);
      return keys;
    },
    getOwnPropertyDescriptor(t, k) {
      if (!isKey(k)) return Reflect.getOwnPropertyDescriptor(t, k);
      const value = lookup.get(k as string);
      return value === undefined
        ? undefined
        : { value, writable: false, enumerable: true, configurable: true };
    },
  }) as T & Views<R>;
}
