/**
 * Where an `nlroute` command writes, and how it writes a list of objects in
 * the shape the global options ask for (text, `-j`, `-o`).
 *
 * @module
 */
import type { IPRoute } from "../../mod.ts";
import type { Invocation } from "../parse/invocation.ts";
import type { Paint } from "../color.ts";
import { UsageError } from "../errors.ts";
import { type Format, type Hidden, jsonText, NOTHING, oneline } from "../format/fields.ts";
import type { Names } from "../format/ifnames.ts";
import type { GlobalOptions } from "../parse/options.ts";

/** Where a command writes, and how it colours. */
export interface Output {
  /** Writes text to standard output (callers add the newlines). */
  write(text: string): void;
  /** Colours for text output. */
  paint: Paint;
  /** Writes bytes to standard output (route save's binary stream); absent: refused. */
  writeBytes?: (bytes: Uint8Array) => void;
  /** Reads standard input to its end (route restore); absent: refused. */
  readInput?: () => Promise<Uint8Array>;
  /** Writes text to standard error (ipset test's messages); absent: standard output. */
  warn?: (text: string) => void;
  /** Whether standard output is a terminal (binary streams are not sent to one). */
  isTTY?: boolean;
}

/**
 * Runs one parsed command of an object with an open IPRoute; resolves with the
 * exit code (errors are thrown, and reported by the caller).
 */
export type Runner = (
  ipr: IPRoute,
  inv: Invocation,
  opts: GlobalOptions,
  out: Output,
) => Promise<number>;

/**
 * Writes a list: a JSON array, or one text block per item (one line each with -o).
 */
export function emit<T>(
  items: T[],
  opts: GlobalOptions,
  out: Output,
  json: (x: T) => unknown,
  text: (x: T) => string,
): void {
  if (opts.json) {
    out.write(jsonText(items.map(json), opts.pretty) + "\n");
    return;
  }
  let s = "";
  for (const x of items) s += (opts.oneline ? oneline(text(x)) : text(x)) + "\n";
  out.write(s);
}

/**
 * Writes a list of objects in their {@link Format}, leaving out the `hide` fields.
 */
export function emitFormat<T>(
  items: T[],
  opts: GlobalOptions,
  out: Output,
  format: Format<T>,
  names: Names,
  hide: Hidden = NOTHING,
): void {
  emit(
    items,
    opts,
    out,
    (x) => format.json(x, names, hide),
    (x) => format.text(x, names, out.paint, hide),
  );
}

/**
 * The index of an interface name; `Cannot find device "x"` when there is none.
 */
export async function indexOf(ipr: IPRoute, name: string): Promise<number> {
  const [index] = await ipr.linkLookup({ ifname: name });
  if (index === undefined) throw new UsageError(`Cannot find device "${name}"`);
  return index;
}
