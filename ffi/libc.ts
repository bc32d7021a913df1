/**
 * libc for the running runtime, opened once and lazily.
 *
 * Every function returns its result, or `-errno` on failure; {@link check}
 * turns a negative result into a {@link SyscallError}.
 *
 * @module
 */
import { type Adapter, type EpollWaiter, type Libc, type SymbolName, SYMBOLS } from "./symbols.ts";
import { SyscallError } from "./errno.ts";

/** The name of the running JavaScript runtime. */
export const RUNTIME: "deno" | "bun" = "Bun" in globalThis ? "bun" : "deno";

const adapter: Adapter = RUNTIME === "bun"
  ? (await import("./bun.ts")).adapter
  : (await import("./deno.ts")).adapter;

let loaded: Libc | undefined;
let current: Libc | undefined;

/** The path libc is loaded from (glibc's soname). */
export const LIBC_PATH = "libc.so.6";

/**
 * The loaded libc. Opened on first use.
 */
export function libc(): Libc {
  return current ??= loaded ??= adapter.open(LIBC_PATH);
}

/** Decides, per call, whether to fail it: an errno to return instead, or undefined. */
export type FaultPlan = (call: SymbolName, args: readonly unknown[]) => number | undefined;

/**
 * Fault injection for tests: every libc call made through {@link libc} asks
 * `plan` first and, when it names an errno, returns `-errno` without calling
 * libc. `undefined` restores the real functions. (The waiting thread's own
 * calls are not affected.)
 */
export function injectFaults(plan: FaultPlan | undefined): void {
  const real = loaded ??= adapter.open(LIBC_PATH);
  if (!plan) {
    current = real;
    return;
  }
  const wrapped: Record<string, unknown> = {};
  for (const name of Object.keys(SYMBOLS) as SymbolName[]) {
    const fn = real[name] as (...args: unknown[]) => number;
    wrapped[name] = (...args: unknown[]) => {
      const errno = plan(name, args);
      return errno ? -errno : fn(...args);
    };
  }
  current = wrapped as Libc;
}

/**
 * Address of a buffer's first byte, for pointers stored inside structs
 * (`msghdr.msg_iov`, `iovec.iov_base`). Allocate the buffer with `allocBuffer`.
 */
export function addressOf(buf: Uint8Array): bigint {
  return adapter.addressOf(buf);
}

/**
 * Returns `result` when it is not negative; throws a {@link SyscallError} for `-errno`.
 */
export function check(call: string, result: number, context?: string): number {
  if (result < 0) throw new SyscallError(call, -result, context);
  return result;
}

/**
 * Creates the runtime's waiter on an epoll descriptor (used by the poller).
 */
export function makeWaiter(epfd: number): EpollWaiter {
  return adapter.waiter(epfd, LIBC_PATH);
}
