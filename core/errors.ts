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
 * @example Truncated bytes: an attribute that says 8 bytes, of which 5 arrived
 * ```ts
 * import { DecodeError, decodeAttrs, Registry } from "@nlroute/nlroute";
 * import { RT_LINK } from "@nlroute/nlroute/tables";
 * import assert from "node:assert/strict";
 *
 * const linkAttrs = new Registry([RT_LINK]).set("linkAttrs");
 * const bytes = new Uint8Array([8, 0, 4, 0, 0xdc]);
 * assert.throws(() => decodeAttrs(linkAttrs, bytes, 0, bytes.length), (err) => {
 *   assert.ok(err instanceof DecodeError);
 *   assert.equal(err.what, "attribute");
 *   assert.equal(err.offset, 0);
 *   return true;
 * });
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
 * @example Adding an address twice: the kernel refuses, with its extended-ACK text
 * ```ts
 * import { IPRoute, NetlinkError } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.addr("add", { index: "lo", address: "10.9.0.1/24" });
 * await assert.rejects(ipr.addr("add", { index: "lo", address: "10.9.0.1/24" }), (err) => {
 *   assert.ok(err instanceof NetlinkError);
 *   assert.equal(err.code, "EEXIST");
 *   assert.equal(err.errno, 17);
 *   assert.equal(err.request, "RTM_NEWADDR");
 *   assert.equal(err.message, `Cannot RTM_NEWADDR: EEXIST (17): ${err.extack ?? "File exists"}`);
 *   return true;
 * });
 * await ipr.addr("del", { index: "lo", address: "10.9.0.1/24" });
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

  /**
   * The error for `errno` (positive), with the extended ACK and the request's
   * name when known. `own` names a code of the protocol's own (ipset's
   * IPSET_ERR_*, 4096 and up), which errno does not: its name and text.
   */
  constructor(
    errno: number,
    ack: ExtAck = {},
    request?: string,
    own?: { code: string; text: string },
  ) {
    const code = own?.code ?? errnoName(errno);
    const text = ack.message ?? own?.text ?? strerror(errno);
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
 * @example Reading the routes again until a dump comes back whole
 * ```ts
 * import { DumpInterruptedError, IPRoute, type Route } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * async function consistentRoutes(ipr: IPRoute): Promise<Route[]> {
 *   for (;;) {
 *     try {
 *       return await ipr.getRoutes();
 *     } catch (e) {
 *       if (!(e instanceof DumpInterruptedError)) throw e;
 *       // e.partial holds what arrived; the tables changed meanwhile: ask again.
 *     }
 *   }
 * }
 * await using ipr = await IPRoute.open();
 * const routes = await consistentRoutes(ipr);
 * assert.ok(routes.some((r) => r.table === 255)); // the local table has lo's 127.0.0.1
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
 * @example A consumer that would rather stop than miss events: a loss notice becomes an error
 * ```ts
 * import { NetlinkSocket, OverrunError, RTNLGRP } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using sock = NetlinkSocket.open({ groups: [RTNLGRP.LINK] });
 * const events = sock.subscribe({ signal: AbortSignal.timeout(100) });
 * async function consume() {
 *   for await (const m of events) {
 *     if ("event" in m) throw new OverrunError(m.source); // messages were lost
 *   }
 * }
 * await consume(); // no link changes here: ends when the signal aborts
 * assert.match(new OverrunError("kernel").message, /the kernel dropped messages \(ENOBUFS\)/);
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
 * @example A bad value is refused before anything is sent
 * ```ts
 * import { ArgumentError, IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open();
 * await assert.rejects(ipr.link("set", { index: 1, mtu: -1 }), (err) => {
 *   assert.ok(err instanceof ArgumentError);
 *   assert.equal(err.argument, "mtu");
 *   assert.equal(
 *     err.message,
 *     'Cannot use argument "mtu": expected an integer from 68 to 4294967295, got -1',
 *   );
 *   return true;
 * });
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
