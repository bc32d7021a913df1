/**
 * The neutral libc symbol table: one declaration per function, converted at load
 * time into the forms `Deno.dlopen` and `bun:ffi` expect (see `deno.ts`, `bun.ts`).
 *
 * Parameter and result kinds:
 * - `i32`, `u32`, `u64`: integers passed by value, as numbers.
 * - `buffer`: a `Uint8Array` passed by pointer. It must not be a small inline typed
 *   array (Bun may move those): allocate with {@link allocBuffer}.
 * - `pointer`: a raw address as a bigint, or `null`.
 * - `u64`: a `size_t` or `unsigned long` parameter. Every value nlroute passes
 *   (lengths, mount flags) is below 2^32; the Deno adapter declares the ones in
 *   register positions as `u32` (Deno's `u64` fast call wants a BigInt and
 *   deoptimises on numbers; see ffi/deno.ts).
 * - `ssize`: a `ssize_t` result. Declared as `i32`: every count nlroute passes is
 *   below 2^31, and on x86_64 and aarch64 the low half of the result register holds
 *   the value, which saves a BigInt per call.
 *
 * @module
 */

/** Kind of a parameter in the neutral table. */
export type ParamKind = "i32" | "u32" | "u64" | "buffer" | "pointer";
/** Kind of a result in the neutral table. */
export type ResultKind = "i32" | "ssize" | "void";

/** One libc function: parameter kinds and result kind. */
export interface SymbolSpec {
  readonly params: readonly ParamKind[];
  readonly result: ResultKind;
}

/** Every libc function nlroute calls. */
export const SYMBOLS = {
  socket: { params: ["i32", "i32", "i32"], result: "i32" },
  socketpair: { params: ["i32", "i32", "i32", "buffer"], result: "i32" },
  bind: { params: ["i32", "buffer", "u32"], result: "i32" },
  getsockname: { params: ["i32", "buffer", "buffer"], result: "i32" },
  setsockopt: { params: ["i32", "i32", "i32", "buffer", "u32"], result: "i32" },
  getsockopt: { params: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  send: { params: ["i32", "buffer", "u64", "i32"], result: "ssize" },
  sendto: { params: ["i32", "buffer", "u64", "i32", "buffer", "u32"], result: "ssize" },
  sendmsg: { params: ["i32", "buffer", "i32"], result: "ssize" },
  recv: { params: ["i32", "buffer", "u64", "i32"], result: "ssize" },
  recvfrom: { params: ["i32", "buffer", "u64", "i32", "buffer", "buffer"], result: "ssize" },
  recvmsg: { params: ["i32", "buffer", "i32"], result: "ssize" },
  read: { params: ["i32", "buffer", "u64"], result: "ssize" },
  write: { params: ["i32", "buffer", "u64"], result: "ssize" },
  close: { params: ["i32"], result: "i32" },
  poll: { params: ["buffer", "u64", "i32"], result: "i32" },
  eventfd: { params: ["u32", "i32"], result: "i32" },
  epoll_create1: { params: ["i32"], result: "i32" },
  epoll_ctl: { params: ["i32", "i32", "i32", "buffer"], result: "i32" },
  epoll_wait: { params: ["i32", "buffer", "i32", "i32"], result: "i32" },
  open: { params: ["buffer", "i32", "u32"], result: "i32" },
  readlink: { params: ["buffer", "buffer", "u64"], result: "ssize" },
  readlinkat: { params: ["i32", "buffer", "buffer", "u64"], result: "ssize" },
  setns: { params: ["i32", "i32"], result: "i32" },
  unshare: { params: ["i32"], result: "i32" },
  mount: { params: ["buffer", "buffer", "buffer", "u64", "pointer"], result: "i32" },
  umount2: { params: ["buffer", "i32"], result: "i32" },
  mkdir: { params: ["buffer", "u32"], result: "i32" },
  unlink: { params: ["buffer"], result: "i32" },
  getpid: { params: [], result: "i32" },
  gettid: { params: [], result: "i32" },
  kill: { params: ["i32", "i32"], result: "i32" },
  fcntl: { params: ["i32", "i32", "i32"], result: "i32" },
  dup: { params: ["i32"], result: "i32" },
  // ioctl(fd, request, arg): arg is a pointer or, for integer arguments, the
  // integer itself passed as a pointer-sized value (BigInt(n)).
  ioctl: { params: ["i32", "u64", "pointer"], result: "i32" },
  // syscall(number, cmd, attr, size): bpf(2), which glibc does not wrap.
  syscall: { params: ["u64", "i32", "buffer", "u32"], result: "i32" },
} as const satisfies Record<string, SymbolSpec>;

/** Names of the libc functions in {@link SYMBOLS}. */
export type SymbolName = keyof typeof SYMBOLS;

/**
 * The table's entries for `names` (all of them when undefined).
 */
export function symbolEntries(names?: readonly SymbolName[]): [SymbolName, SymbolSpec][] {
  return (names ?? (Object.keys(SYMBOLS) as SymbolName[])).map((n) => [n, SYMBOLS[n]]);
}

type ArgOf<K extends ParamKind> = K extends "buffer" ? Uint8Array
  : K extends "pointer" ? bigint | null
  : K extends "u64" ? number
  : number;
type ArgsOf<P extends readonly ParamKind[]> = { [I in keyof P]: ArgOf<P[I]> };

/**
 * The loaded libc: each function returns its non-negative result, or `-errno`
 * when the call failed (errno is read synchronously right after the call).
 */
export type Libc = {
  readonly [N in SymbolName]: (
    ...args: ArgsOf<(typeof SYMBOLS)[N]["params"]>
  ) => number;
};

/**
 * Blocks on an epoll set without blocking the JS thread. One per process.
 * `wait()` resolves with the tokens (epoll data) of the ready entries; only one
 * `wait()` is pending at a time. While a wait is pending and `ref()` was called,
 * the process stays alive.
 */
export interface EpollWaiter {
  wait(): Promise<number[]>;
  /** Keep the process alive while waiting. */
  ref(): void;
  /** Let the process exit even while waiting. */
  unref(): void;
  /** Stops the waiter (the caller wakes a pending wait through its eventfd first). */
  stop(): void;
}

/** What a runtime adapter provides: the loaded functions and address helpers. */
export interface Adapter {
  /** Runtime name, for diagnostics. */
  readonly runtime: "deno" | "bun";
  /**
   * Opens libc and binds the symbols of {@link SYMBOLS} (only `names` when
   * given: short-lived helpers bind a few to start faster).
   */
  open<N extends SymbolName = SymbolName>(path: string, names?: readonly N[]): Pick<Libc, N>;
  /** Address of a buffer's first byte (for pointers stored inside structs). */
  addressOf(buf: Uint8Array): bigint;
  /**
   * Creates the process's waiter on `epfd`, loading libc from `path` where it
   * needs its own handle. A write to the eventfd registered with token
   * 0xffffffff makes a pending `wait()` return.
   */
  waiter(epfd: number, path: string): EpollWaiter;
}

/**
 * Allocates a zeroed buffer that owns its own `ArrayBuffer`, so that its address
 * stays put while it is passed by pointer (Bun can move small inline arrays).
 */
export function allocBuffer(size: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer(size));
}
