/**
 * A lean runtime layer for short-lived helper programs (`core/nshelper.ts`):
 * libc with only the symbols asked for, the program's arguments, stderr and
 * exit. Start-up time is what such a program costs, so this module loads the
 * runtime's adapter alone: no `node:` module under Deno (loading Deno's Node
 * layer takes ~15 ms), no poller, and only a handful of symbols bound (binding
 * the whole table takes ~6 ms under Deno).
 *
 * @module
 */
import type { Libc, SymbolName } from "./symbols.ts";
import { bunApi } from "./bun_api.ts";
import { denoApi } from "./deno_api.ts";

/** A subset of libc plus the address helper. */
export interface LeanLibc<N extends SymbolName> {
  /** The bound functions (each returns `-errno` on failure, like {@link Libc}). */
  readonly fn: Pick<Libc, N>;
  /** Address of a buffer's first byte (for pointers stored inside structs). */
  addressOf(buf: Uint8Array): bigint;
}

const IS_BUN = "Bun" in globalThis;

/**
 * Binds only `names` from libc, through the runtime's adapter.
 */
export async function leanLibc<N extends SymbolName>(names: readonly N[]): Promise<LeanLibc<N>> {
  const adapter = IS_BUN ? (await import("./bun.ts")).adapter : (await import("./deno.ts")).adapter;
  return { fn: adapter.open("libc.so.6", names), addressOf: adapter.addressOf };
}

/**
 * The program's own arguments (after the runtime and the script path).
 */
export function programArgs(): string[] {
  return IS_BUN ? bunApi().argv.slice(2) : denoApi().args.slice();
}

/**
 * Writes text to stderr, synchronously.
 */
export function writeStderr(text: string): void {
  const bytes = new TextEncoder().encode(text);
  if (IS_BUN) {
    // Bun's global process (no node: import needed).
    (globalThis as unknown as { process: { stderr: { write(b: Uint8Array): void } } }).process
      .stderr.write(bytes);
  } else {
    const stderr = denoApi().stderr;
    let off = 0;
    while (off < bytes.length) off += stderr.writeSync(bytes.subarray(off));
  }
}

/**
 * Ends the program with `code`.
 */
export function exit(code: number): never {
  if (IS_BUN) {
    (globalThis as unknown as { process: { exit(c: number): never } }).process.exit(code);
  }
  return denoApi().exit(code);
}
