/**
 * The part of Deno's global `Deno` namespace that nlroute uses, declared here
 * so that no file reachable from `mod.ts` needs Deno's own global types: a
 * user's `tsc` with bun-types (no `Deno` there) type-checks the library as it
 * is. Only members the runtime layer calls are described, with the types Deno
 * gives them. Reach them through {@link denoApi}, and only under Deno.
 *
 * @module
 */

/** An FFI parameter type, as `Deno.dlopen` spells it (the ones nlroute uses). */
export type DenoNativeType = "i32" | "u32" | "u64" | "buffer" | "pointer";

/** An FFI result type, as `Deno.dlopen` spells it (the ones nlroute uses). */
export type DenoNativeResultType = "i32" | "void" | "pointer";

/** One symbol's definition for `Deno.dlopen` (`Deno.ForeignFunction`). */
export interface DenoForeignFunction {
  /** Parameter types, in order. */
  readonly parameters: readonly DenoNativeType[];
  /** Result type. */
  readonly result: DenoNativeResultType;
  /** Run the call on Deno's blocking pool; it then returns a promise. */
  readonly nonblocking?: boolean;
}

/** A native pointer (`Deno.PointerObject`): an opaque object; `null` is the null pointer. */
export type DenoPointerObject = object;

/** A library opened by `Deno.dlopen` (`Deno.DynamicLibrary`). */
export interface DenoDynamicLibrary {
  /**
   * The bound functions, by symbol name. A `nonblocking` symbol returns a
   * promise of its result; callers cast to the signature they defined.
   */
  readonly symbols: Readonly<Record<string, (...args: never[]) => unknown>>;
  /** Unloads the library. */
  close(): void;
}

/**
 * The FFI members of `Deno`: `dlopen`, `UnsafePointer`, `UnsafePointerView`.
 * `P` is the pointer type: opaque here; Deno's own `Deno.PointerObject` when
 * this description is checked against Deno's types.
 */
export interface DenoFfi<P extends object = DenoPointerObject> {
  /** Opens a shared library and binds `symbols`. */
  dlopen(path: string, symbols: Readonly<Record<string, DenoForeignFunction>>): DenoDynamicLibrary;
  /** `Deno.UnsafePointer`: pointers from and to addresses and buffers. */
  readonly UnsafePointer: {
    /** The pointer at address `value` (`null` for 0). */
    create(value: bigint): P | null;
    /** The address of a buffer's first byte. */
    of(buf: ArrayBufferView): P | null;
    /** The address a pointer holds. */
    value(p: P | null): bigint;
  };
  /** `Deno.UnsafePointerView`: reading memory behind a pointer. */
  readonly UnsafePointerView: new (p: P) => DenoPointerView;
}

/** Reading memory behind a pointer (`Deno.UnsafePointerView`). */
export interface DenoPointerView {
  /** The signed 32-bit integer at `offset` bytes. */
  getInt32(offset?: number): number;
}

/** How a child process ended (`Deno.CommandStatus`). */
export interface DenoCommandStatus {
  /** Exit code (128 + signal number when a signal ended it). */
  readonly code: number;
  /** Name of the signal that ended it, or `null`. */
  readonly signal: string | null;
}

/** A running child process (`Deno.ChildProcess`), with stderr `"piped"`. */
export interface DenoChildProcess {
  /** Process id. */
  readonly pid: number;
  /** The child's stderr. */
  readonly stderr: ReadableStream<Uint8Array>;
  /** Resolves when the child has ended. */
  readonly status: Promise<DenoCommandStatus>;
  /** Sends `signal` (a name such as `"SIGKILL"`, or a number) to the child (throws once it ended). */
  kill(signal?: string | number): void;
}

/** Options of `new Deno.Command` that nlroute passes. */
export interface DenoCommandOptions {
  /** Arguments after the program. */
  readonly args: string[];
  /** Variables added to the inherited environment. */
  readonly env: Record<string, string>;
  /** Standard input. */
  readonly stdin: "null";
  /** Standard output. */
  readonly stdout: "null";
  /** Standard error (read through {@link DenoChildProcess.stderr}). */
  readonly stderr: "piped";
}

/** The process members of `Deno` nlroute uses. */
export interface DenoProcess {
  /** The script's arguments. */
  readonly args: readonly string[];
  /** Standard error, written synchronously. */
  readonly stderr: {
    /** Writes some of `bytes`; returns how many were written. */
    writeSync(bytes: Uint8Array): number;
  };
  /** Ends the process with `code`. */
  exit(code?: number): never;
  /** Path of the running `deno` binary. */
  execPath(): string;
  /** The machine Deno was built for. */
  readonly build: {
    /** CPU architecture. */
    readonly arch: "x86_64" | "aarch64";
  };
  /** `Deno.Command`: a child process to start. */
  readonly Command: new (program: string, options: DenoCommandOptions) => {
    /** Starts it. */
    spawn(): DenoChildProcess;
  };
}

/** Everything of `Deno` nlroute uses (`P`: see {@link DenoFfi}). */
export interface DenoApi<P extends object = DenoPointerObject> extends DenoFfi<P>, DenoProcess {}

/**
 * The global `Deno`, typed by {@link DenoApi}. Only call it under Deno.
 */
export function denoApi(): DenoApi {
  return (globalThis as unknown as { Deno: DenoApi }).Deno;
}
