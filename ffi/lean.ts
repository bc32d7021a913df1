/**
 * A lean runtime layer for short-lived helper programs (`netns/helper.ts`):
 * libc with only the symbols asked for, the program's arguments, stderr and
 * exit. Start-up time is what such a program costs, so this module imports
 * nothing but the neutral table: no `node:` module (loading Deno's Node layer
 * takes ~15 ms), no poller, and only a handful of symbols bound (binding the
 * whole table takes ~6 ms under Deno).
 *
 * @module
 */
import type { Libc, ParamKind, ResultKind, SymbolName } from "./symbols.ts";
import { SYMBOLS } from "./symbols.ts";
import { wrapErrno } from "./wrap.ts";

/** A subset of libc plus the address helper. */
export interface LeanLibc<N extends SymbolName> {
  /** The bound functions (each returns `-errno` on failure, like {@link Libc}). */
  readonly fn: Pick<Libc, N>;
  /** Address of a buffer's first byte (for pointers stored inside structs). */
  addressOf(buf: Uint8Array): bigint;
}

const IS_BUN = "Bun" in globalThis;

/**
 * Binds only `names` from libc.
 *
 * @example
 * ```ts
 * import { leanLibc } from "./lean.ts";
 * const { fn } = await leanLibc(["getpid"]);
 * fn.getpid();
 * ```
 */
export async function leanLibc<N extends SymbolName>(names: readonly N[]): Promise<LeanLibc<N>> {
  return IS_BUN ? await bunLibc(names) : denoLibc(names);
}

function denoLibc<N extends SymbolName>(names: readonly N[]): LeanLibc<N> {
  const result: Record<ResultKind, Deno.NativeResultType> = {
    i32: "i32",
    ssize: "i32",
    void: "void",
  };
  const defs: Record<string, Deno.ForeignFunction> = {
    __errno_location: { parameters: [], result: "pointer" },
  };
  for (const n of names) {
    const spec = SYMBOLS[n];
    defs[n] = {
      parameters: (spec.params as readonly ParamKind[]).map((p) => p as Deno.NativeType),
      result: result[spec.result],
    };
  }
  // deno-lint-ignore no-explicit-any
  const sym = Deno.dlopen("libc.so.6", defs).symbols as Record<string, (...a: any[]) => any>;
  let view: Deno.UnsafePointerView | undefined;
  const errno = (): number => {
    view ??= new Deno.UnsafePointerView(sym.__errno_location!() as Deno.PointerObject);
    return view.getInt32(0);
  };
  const fn: Record<string, unknown> = {};
  for (const n of names) {
    const kinds = SYMBOLS[n].params as readonly ParamKind[];
    const raw = sym[n]!;
    const call = kinds.includes("pointer")
      ? (...args: unknown[]) =>
        raw(
          ...args.map((a, i) =>
            kinds[i] === "pointer" && a !== null ? Deno.UnsafePointer.create(a as bigint) : a
          ),
        )
      : raw;
    fn[n] = wrapErrno(call, kinds.length, errno);
  }
  return {
    fn: fn as Pick<Libc, N>,
    addressOf: (buf) => Deno.UnsafePointer.value(Deno.UnsafePointer.of(buf)),
  };
}

async function bunLibc<N extends SymbolName>(names: readonly N[]): Promise<LeanLibc<N>> {
  const { dlopen, FFIType, ptr, read } = await import("bun:ffi");
  const param: Record<ParamKind, number> = {
    i32: FFIType.i32,
    u32: FFIType.u32,
    u64: FFIType.u64,
    buffer: FFIType.ptr,
    pointer: FFIType.ptr,
  };
  const result: Record<ResultKind, number> = {
    i32: FFIType.i32,
    ssize: FFIType.i32,
    void: FFIType.void,
  };
  const defs: Record<string, { args: number[]; returns: number }> = {
    __errno_location: { args: [], returns: FFIType.ptr },
  };
  for (const n of names) {
    const spec = SYMBOLS[n];
    defs[n] = { args: spec.params.map((p) => param[p]), returns: result[spec.result] };
  }
  // deno-lint-ignore no-explicit-any
  const sym = dlopen("libc.so.6", defs as any).symbols as Record<string, (...a: any[]) => any>;
  let where = 0;
  const errno = (): number => {
    if (where === 0) where = Number(sym.__errno_location!());
    // deno-lint-ignore no-explicit-any
    return read.i32(where as any, 0);
  };
  const fn: Record<string, unknown> = {};
  for (const n of names) fn[n] = wrapErrno(sym[n]!, SYMBOLS[n].params.length, errno);
  return { fn: fn as Pick<Libc, N>, addressOf: (buf) => BigInt(ptr(buf)) };
}

/**
 * The program's own arguments (after the runtime and the script path).
 *
 * @example
 * ```ts
 * import { programArgs } from "./lean.ts";
 * const [first] = programArgs();
 * ```
 */
export function programArgs(): string[] {
  return IS_BUN ? Bun.argv.slice(2) : Deno.args.slice();
}

/**
 * Writes text to stderr, synchronously.
 *
 * @example
 * ```ts
 * import { writeStderr } from "./lean.ts";
 * writeStderr("helper: starting\n");
 * ```
 */
export function writeStderr(text: string): void {
  const bytes = new TextEncoder().encode(text);
  if (IS_BUN) {
    // Bun's global process (no node: import needed).
    (globalThis as unknown as { process: { stderr: { write(b: Uint8Array): void } } }).process
      .stderr.write(bytes);
  } else {
    let off = 0;
    while (off < bytes.length) off += Deno.stderr.writeSync(bytes.subarray(off));
  }
}

/**
 * Ends the program with `code`.
 *
 * @example
 * ```ts
 * import { exit } from "./lean.ts";
 * // exit(0);
 * ```
 */
export function exit(code: number): never {
  if (IS_BUN) {
    (globalThis as unknown as { process: { exit(c: number): never } }).process.exit(code);
  }
  Deno.exit(code);
}
