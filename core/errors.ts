/**
 * The error types of the netlink core.
 *
 * @module
 */
import { errnoName, strerror } from "../ffi/errno.ts";
export { SyscallError } from "../ffi/errno.ts";

/**
 * Bytes that cannot be decoded: a length past the end of the buffer, a length
 * below the header size, nesting deeper than the limit, a value of the wrong size.
 *
 * @example
 * ```ts
 * import { DecodeError } from "./errors.ts";
 * const err = new DecodeError("attribute", "length 2 is below the header size", 16);
 * err.offset; // 16
 * ```
 */
export class DecodeError extends Error {
  /** Byte offset where decoding failed, when known. */
  readonly offset: number;
  /** What was being decoded. */
  readonly what: string;

  /** "Cannot decode `what`: `reason`", with the offset when it is 0 or more. */
  constructor(what: string, reason: string, offset = -1) {
    super(`Cannot decode ${what}: ${reason}${offset >= 0 ? ` (at offset ${offset})` : ""}`);
    this.name = "DecodeError";
    this.what = what;
    this.offset = offset;
  }
}

/** Details the kernel attaches to an error or a warning (extended ACK). */
export interface ExtAck {
  /** The kernel's message (NLMSGERR_ATTR_MSG). */
  message?: string;
  /** Offset of the offending attribute in the request (NLMSGERR_ATTR_OFFS). */
  offset?: number;
  /** Number of a missing attribute (NLMSGERR_ATTR_MISS_TYPE). */
  missingType?: number;
  /** Offset of the nest that lacks it (NLMSGERR_ATTR_MISS_NEST). */
  missingNest?: number;
  /** Policy the attribute failed (raw NLMSGERR_ATTR_POLICY). */
  policy?: Uint8Array;
}

/**
 * The kernel answered a request with an error (NLMSG_ERROR with a negative code).
 * Carries the errno number and name and the kernel's extended-ack text.
 *
 * @example
 * ```ts
 * import { NetlinkError } from "./errors.ts";
 * const err = new NetlinkError(19, { message: "Unknown device" }, "RTM_NEWLINK");
 * err.code; // "ENODEV"
 * err.message; // "Cannot RTM_NEWLINK: ENODEV (19): Unknown device"
 * ```
 */
export class NetlinkError extends Error {
  /** errno value (positive). */
  readonly errno: number;
  /** errno name, e.g. `"EEXIST"`. */
  readonly code: string;
  /** The kernel's extended-ack message, if it sent one. */
  readonly extack: string | undefined;
  /** Extended-ack details. */
  readonly ack: ExtAck;
  /** The request type that failed (e.g. `"RTM_NEWROUTE"`), when known. */
  readonly request: string | undefined;

  /** The error for `errno` (positive), with the extended ACK and the request's name when known. */
  constructor(errno: number, ack: ExtAck = {}, request?: string) {
    const code = errnoName(errno);
    const text = ack.message ?? strerror(errno);
    super(`Cannot ${request ?? "complete netlink request"}: ${code} (${errno}): ${text}`);
    this.name = "NetlinkError";
    this.errno = errno;
    this.code = code;
    this.extack = ack.message;
    this.ack = ack;
    this.request = request;
  }
}

/**
 * A dump was interrupted (NLM_F_DUMP_INTR): the kernel's tables changed while it
 * was being read, so the result may be inconsistent. Carries what was received.
 *
 * @example
 * ```ts
 * import { DumpInterruptedError } from "./errors.ts";
 * const err = new DumpInterruptedError("RTM_GETROUTE", [1, 2]);
 * err.partial.length; // 2
 * ```
 */
export class DumpInterruptedError<T = unknown> extends Error {
  /** The messages received before and after the interruption. */
  readonly partial: T[];

  /** The interrupted dump `request` (its name) and the messages it returned. */
  constructor(request: string, partial: T[]) {
    super(
      `Cannot complete dump ${request}: interrupted (NLM_F_DUMP_INTR), the result may be inconsistent`,
    );
    this.name = "DumpInterruptedError";
    this.partial = partial;
  }
}

/**
 * Messages were lost: the kernel reported ENOBUFS (the socket's receive buffer
 * overflowed) or a consumer's queue was full. The socket stays usable.
 *
 * @example
 * ```ts
 * import { OverrunError } from "./errors.ts";
 * const err = new OverrunError("kernel");
 * err.source; // "kernel"
 * ```
 */
export class OverrunError extends Error {
  /** Where the loss happened: the kernel's socket buffer or a consumer's queue. */
  readonly source: "kernel" | "queue";

  /** A loss in the kernel's socket buffer (`"kernel"`) or a consumer's queue (`"queue"`). */
  constructor(source: "kernel" | "queue") {
    super(
      source === "kernel"
        ? "Cannot keep up with netlink events: the kernel dropped messages (ENOBUFS)"
        : "Cannot keep up with netlink events: the consumer's queue overflowed",
    );
    this.name = "OverrunError";
    this.source = source;
  }
}

/**
 * An argument is invalid; raised before anything is sent to the kernel.
 *
 * @example
 * ```ts
 * import { ArgumentError } from "./errors.ts";
 * const err = new ArgumentError("mtu", "an integer from 0 to 4294967295", -1);
 * err.argument; // "mtu"
 * ```
 */
export class ArgumentError extends TypeError {
  /** The argument's name (a path for nested ones, e.g. `"metrics.mtu"`). */
  readonly argument: string;

  /**
   * `argument` did not match `expected`; `got` (the value, shown when passed) and
   * `context` (the message's start, "Cannot <do x>"; default "Cannot use argument")
   * are optional. The message reads `Cannot … "argument": expected …, got …`.
   */
  constructor(argument: string, expected: string, got?: unknown, context?: string) {
    const shown = got === undefined && arguments.length < 3 ? "" : `, got ${describe(got)}`;
    super(`${context ?? "Cannot use argument"} "${argument}": expected ${expected}${shown}`);
    this.name = "ArgumentError";
    this.argument = argument;
  }
}

function describe(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? v.slice(0, 60) + "…" : v);
  if (typeof v === "bigint") return `${v}n`;
  if (v === null || typeof v !== "object") return String(v);
  if (Array.isArray(v)) return "an array";
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  return "an object";
}

/** The socket was closed while an operation was pending or after it was closed. */
export class ClosedError extends Error {
  /** "Cannot `what`: the socket is closed". */
  constructor(what = "use netlink socket") {
    super(`Cannot ${what}: the socket is closed`);
    this.name = "ClosedError";
  }
}
