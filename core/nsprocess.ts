/**
 * Process mode: a socket inside another network namespace, created by a helper
 * process instead of by the calling thread. pyroute2 forks for this; fork()
 * from Deno or Bun crashes the child (both engines mark their heaps
 * MADV_DONTFORK), so the helper is a fresh process of the same runtime running
 * `core/nshelper.ts`. It enters the namespace, creates the socket and sends it
 * back with sendmsg + SCM_RIGHTS over a socketpair; the parent receives it with
 * recvmsg. Errors in the helper come back typed; a helper that hangs is killed
 * after a timeout.
 *
 * `IPRoute.open({ netns, mode: "process" })` loads this module on first use
 * (a dynamic import), so programs that never use process mode never load it.
 *
 * @module
 */
import { addressOf, libc } from "../ffi/libc.ts";
import { SyscallError } from "../ffi/errno.ts";
import { recvWithFds, seqpacketPair } from "../ffi/scm.ts";
import { type HelperExit, spawnWithFd } from "../ffi/spawn.ts";
import { netnsPath, type NetnsRef } from "./nsenter.ts";
import { ArgumentError } from "./errors.ts";
import { NETLINK_ROUTE } from "./constants.ts";
import type { HelperReply } from "./nshelper.ts";

/**
 * How long a helper may take by default before it is killed (ms).
 */
export const DEFAULT_HELPER_TIMEOUT = 10_000;

const HELPER = new URL("./nshelper.ts", import.meta.url);
const decoder = new TextDecoder();

/**
 * Options of {@link openSocketInProcess}.
 */
export interface ProcessModeOptions {
  /** Netlink protocol of the socket; default NETLINK_ROUTE (0). */
  protocol?: number;
  /** Milliseconds the helper may take before it is killed; default 10,000. */
  timeout?: number;
}

/**
 * The process-mode helper failed without a system error to report: it timed
 * out (and was killed), exited without answering, or answered nonsense.
 *
 * @example A helper that cannot start in time
 * ```ts
 * import { NetnsHelperError, openSocketInProcess } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(openSocketInProcess("blue", { timeout: 1 }), (err) => {
 *   assert.ok(err instanceof NetnsHelperError);
 *   assert.equal(err.reason, "timeout");
 *   assert.equal(err.path, "/run/netns/blue");
 *   return true;
 * });
 * ```
 */
export class NetnsHelperError extends Error {
  /** What went wrong. */
  readonly reason: "timeout" | "exit" | "protocol";
  /** The namespace path the helper was asked to enter. */
  readonly path: string;
  /** How the helper ended, when known. */
  readonly exit: HelperExit | undefined;

  /** Builds the error; `detail` says what happened, `exit` how the helper ended. */
  constructor(
    reason: "timeout" | "exit" | "protocol",
    path: string,
    detail: string,
    exit?: HelperExit,
  ) {
    super(`Cannot open a socket in namespace ${path} in process mode: ${detail}`);
    this.name = "NetnsHelperError";
    this.reason = reason;
    this.path = path;
    this.exit = exit;
  }
}

/** The path the helper opens for a namespace reference. */
function helperPath(ns: NetnsRef): string {
  if (typeof ns === "number" || (typeof ns === "object" && ns !== null && "fd" in ns)) {
    const fd = typeof ns === "number" ? ns : ns.fd;
    if (!Number.isInteger(fd) || fd < 0) {
      throw new ArgumentError("netns", "an open descriptor", fd);
    }
    // The helper reopens our descriptor through /proc.
    return `/proc/${libc().getpid()}/fd/${fd}`;
  }
  return netnsPath(ns)!;
}

function describeExit(exit: HelperExit): string {
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  const err = exit.stderr.trim();
  return `the helper ${how} without answering${
    err ? `: ${err.split("\n").slice(-3).join(" | ")}` : ""
  }`;
}

/**
 * Opens a netlink socket inside a namespace through a helper process and
 * returns its descriptor (close-on-exec, owned by the caller; not yet bound).
 * Errors: {@link SyscallError} for a failure inside the helper (missing
 * namespace: ENOENT; no permission: EPERM; …), {@link NetnsHelperError} for a
 * timeout or a helper that died.
 *
 * The helper is `core/nshelper.ts` run by the same runtime binary (Deno needs
 * `--allow-run` for it; a `deno compile` / `bun build --compile` executable
 * cannot run it). A start costs a runtime start-up: ~10–20 ms with Bun,
 * ~20–35 ms with Deno. Thread mode costs microseconds: prefer it unless the
 * calling thread must never change namespace, even for a moment.
 *
 * @example A socket made inside "blue" by a helper process (the caller's threads never move)
 * ```ts
 * import { NetlinkSocket, openSocketInProcess, RTM } from "@nlroute/nlroute";
 * import { RT_LINK_STRUCTS } from "@nlroute/nlroute/tables";
 * import assert from "node:assert/strict";
 *
 * const fd = await openSocketInProcess("blue", { timeout: 5000 });
 * await using sock = NetlinkSocket.open({ fd });
 * const links = await sock.dump({
 *   type: RTM.GETLINK,
 *   body: (w) => w.zeros(RT_LINK_STRUCTS.ifinfomsg.size),
 * }).all();
 * assert.equal(links.length, 1); // a new namespace has only its loopback
 * ```
 */
export async function openSocketInProcess(
  ns: NetnsRef,
  opts: ProcessModeOptions = {},
): Promise<number> {
  const protocol = opts.protocol ?? NETLINK_ROUTE;
  if (!Number.isInteger(protocol) || protocol < 0 || protocol > 31) {
    throw new ArgumentError("protocol", "a netlink protocol number from 0 to 31", protocol);
  }
  const timeout = opts.timeout ?? DEFAULT_HELPER_TIMEOUT;
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new ArgumentError("timeout", "a positive number of milliseconds", timeout);
  }
  const path = helperPath(ns);
  const c = libc();
  const [mine, theirs] = seqpacketPair(c);
  try {
    let child;
    try {
      child = spawnWithFd(HELPER, theirs, (n) => [String(n), String(protocol), path]);
    } finally {
      c.close(theirs);
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill();
    }, timeout);
    let exit: HelperExit;
    try {
      exit = await child.exited;
    } finally {
      clearTimeout(timer);
    }
    const msg = recvWithFds({ fn: c, addressOf }, mine);
    let reply: HelperReply | undefined;
    if (msg && !msg.eof) {
      try {
        reply = JSON.parse(decoder.decode(msg.data)) as HelperReply;
      } catch {
        reply = undefined;
      }
    }
    if (reply && "ok" in reply && reply.ok && msg!.fds.length >= 1) {
      for (const extra of msg!.fds.slice(1)) c.close(extra);
      return msg!.fds[0]!;
    }
    for (const fd of msg?.fds ?? []) c.close(fd);
    if (reply && "error" in reply) {
      const { call, errno, context } = reply.error;
      throw new SyscallError(call, errno, `${context} (in the process-mode helper)`);
    }
    if (timedOut) {
      throw new NetnsHelperError(
        "timeout",
        path,
        `the helper did not answer within ${timeout} ms and was killed`,
        exit,
      );
    }
    if (msg && !msg.eof) {
      throw new NetnsHelperError("protocol", path, "the helper's answer is not understood", exit);
    }
    throw new NetnsHelperError("exit", path, describeExit(exit), exit);
  } finally {
    c.close(mine);
  }
}
