/**
 * errno names and messages, and the typed error for a failed libc call.
 *
 * @module
 */
import { ERRNO_TABLE } from "./errno_table.ts";

const BY_CODE = new Map<number, readonly [number, string, string]>(
  ERRNO_TABLE.map((row) => [row[0], row]),
);
const BY_NAME = new Map<string, number>(ERRNO_TABLE.map((row) => [row[1], row[0]]));

/**
 * The symbolic name of an errno value (`1` → `"EPERM"`), or `"E<code>"` when unknown.
 */
export function errnoName(code: number): string {
  return BY_CODE.get(code)?.[1] ?? `E${code}`;
}

/**
 * The message for an errno value, as strerror(3) words it.
 */
export function strerror(code: number): string {
  return BY_CODE.get(code)?.[2] ?? `Unknown error ${code}`;
}

/**
 * The errno value of a symbolic name (`"ENOBUFS"` → `105`).
 */
export function errnoCode(name: string): number {
  const code = BY_NAME.get(name);
  if (code === undefined) throw new TypeError(`Cannot find errno: unknown name "${name}"`);
  return code;
}

/** Frequently tested errno values. */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EBUSY: 16,
  EEXIST: 17,
  ENODEV: 19,
  EINVAL: 22,
  EMSGSIZE: 90,
  EOPNOTSUPP: 95,
  ENOBUFS: 105,
  ENOTCONN: 107,
} as const;

/**
 * A libc call failed: carries the call's name, the errno number, its name and message.
 *
 * @example Opening a socket in a namespace that does not exist
 * ```ts
 * import { IPRoute, SyscallError } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(IPRoute.open({ netns: "no-such-ns" }), (err) => {
 *   assert.ok(err instanceof SyscallError);
 *   assert.equal(err.call, "open");
 *   assert.equal(err.code, "ENOENT");
 *   assert.equal(err.errno, 2);
 *   assert.equal(
 *     err.message,
 *     "Cannot open namespace /run/netns/no-such-ns: ENOENT (2): No such file or directory",
 *   );
 *   return true;
 * });
 * ```
 */
export class SyscallError extends Error {
  /** The libc function that failed. */
  readonly call: string;
  /** errno value. */
  readonly errno: number;
  /** errno name, e.g. `"EPERM"`. */
  readonly code: string;
  /** strerror text. */
  readonly reason: string;

  /** `call` (the libc function, followed by `context` when given) failed with `errno`. */
  constructor(call: string, errno: number, context?: string) {
    const code = errnoName(errno);
    const reason = strerror(errno);
    super(`Cannot ${call}${context ? ` ${context}` : ""}: ${code} (${errno}): ${reason}`);
    this.name = "SyscallError";
    this.call = call;
    this.errno = errno;
    this.code = code;
    this.reason = reason;
  }
}
