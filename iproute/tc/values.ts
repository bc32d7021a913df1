/**
 * Small readers the kind codecs share for the tables' decoded values.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { int } from "../spec.ts";

/** A decoded integer (bigint for 64-bit members) as a number; absent is 0. */
export const num = (v: unknown): number => typeof v === "bigint" ? Number(v) : (v as number) ?? 0;

/** A decoded attribute object, or `{}` for anything else (absent, bytes). */
export const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !(v instanceof Uint8Array)
    ? v as Record<string, unknown>
    : {};

/** `"30"` (hex, as tc reads `default 30`) or a number → the class minor id. */
export function minorId(v: unknown, argument: string): number {
  if (typeof v === "string" && /^(0x)?[0-9a-f]{1,4}$/i.test(v)) return parseInt(v, 16);
  if (typeof v === "number") return int(v, argument, 0, 0xffff);
  throw new ArgumentError(
    argument,
    "a class minor id (a number, or hex digits as tc reads them)",
    v,
  );
}
