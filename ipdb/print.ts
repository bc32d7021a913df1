/**
 * How IPDB's records and views print (internal): `console.log`,
 * `node:util` `inspect`, `Deno.inspect` and `Bun.inspect` call the runtimes'
 * inspect symbols, which are installed on the classes' prototypes here and
 * show a short summary (a record's fields, a view's records), never the
 * database behind them. Both runtimes inspect a proxy's target directly, so a
 * view behind its lookup proxy prints through its class too.
 *
 * @module
 */

/** The symbol `node:util` inspect looks for (Node, Bun, and Deno's `node:util`). */
const NODE_INSPECT = Symbol.for("nodejs.util.inspect.custom");
/** The symbol `Deno.inspect` and Deno's console look for. */
const DENO_INSPECT = Symbol.for("Deno.customInspect");

/** An inspect function as the runtimes pass it. */
type Inspect = (value: unknown, options?: unknown) => string;

/**
 * Makes instances of `cls` print as `<class name> <shown(instance)>`:
 * `shown` returns a plain value (an object of fields, an array of records)
 * that the runtime's inspect formats with the caller's options.
 */
export function printAs<T extends object>(
  cls: { prototype: T },
  shown: (self: T) => unknown,
): void {
  const name = (self: T) => (self.constructor as { name?: string }).name ?? "Object";
  Object.defineProperties(cls.prototype, {
    [NODE_INSPECT]: {
      configurable: true,
      writable: true,
      value(this: T, _depth: number, options: unknown, inspect?: Inspect): unknown {
        const value = shown(this);
        return typeof inspect === "function" ? `${name(this)} ${inspect(value, options)}` : value;
      },
    },
    [DENO_INSPECT]: {
      configurable: true,
      writable: true,
      value(this: T, inspect: Inspect, options: unknown): string {
        return `${name(this)} ${inspect(shown(this), options)}`;
      },
    },
  });
}

/**
 * The fields `names` of `self` as a plain object, for printing and JSON:
 * undefined values and empty lists or objects left out, objects copied.
 */
export function fieldsOf(self: object, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of names) {
    let v = (self as Record<string, unknown>)[k];
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      if (v.length === 0) continue;
      v = v.map((x) => (typeof x === "object" && x !== null ? { ...x } : x));
    } else if (typeof v === "object" && v !== null) {
      v = { ...v };
      if (Object.keys(v as object).length === 0) continue;
    }
    out[k] = v;
  }
  return out;
}
