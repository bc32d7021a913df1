/**
 * JSON-safe values: what `toJSON()` of results and records returns, so that
 * `JSON.stringify` never throws and prints what a reader expects. The rule:
 * 64-bit integers (bigint) become numbers when they are safe integers and
 * decimal strings otherwise; raw bytes (Uint8Array) become lower-case hex
 * strings; arrays and plain objects are converted member by member; anything
 * else is left as it is (objects with their own `toJSON` convert themselves).
 *
 * @module
 */

/**
 * The JSON-safe form of `v` (see the module's rule).
 *
 * @example
 * ```ts
 * import { jsonSafe } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 * assert.deepEqual(jsonSafe({ a: 5n, b: 2n ** 64n - 1n, c: new Uint8Array([1, 171]) }), {
 *   a: 5,
 *   b: "18446744073709551615",
 *   c: "01ab",
 * });
 * ```
 */
export function jsonSafe(v: unknown): unknown {
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) {
    let hex = "";
    for (const b of v) hex += b.toString(16).padStart(2, "0");
    return hex;
  }
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = jsonSafe(x);
    return out;
  }
  return v;
}
