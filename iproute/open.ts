/**
 * Opening IPRoute's NETLINK_ROUTE socket: here, inside another namespace by
 * entering it on the calling thread (thread mode), or through a helper process
 * (process mode, loaded on first use).
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import type { NetnsRef } from "../core/nsenter.ts";
import { NetlinkSocket, type SocketOptions } from "../core/socket.ts";

/** Options of {@link IPRoute.open}. */
export interface IPRouteOptions {
  /** Open the socket inside this network namespace (name, path, descriptor, `{ pid }`). */
  netns?: NetnsRef;
  /**
   * How to reach the namespace: `"thread"` (default: setns on the calling thread
   * around socket()), `"process"` (a helper process of the same runtime enters
   * the namespace and passes the socket back over SCM_RIGHTS; loaded on first
   * use). `"fork"` is refused with an error: a forked Deno or Bun child crashes.
   */
  mode?: "thread" | "process" | "fork";
  /** Process mode: milliseconds the helper may take before it is killed (default 10,000). */
  timeout?: number;
  /** Adopt an open netlink socket descriptor instead of creating one. */
  fd?: number;
  /** Receive buffer size (default 1 MiB). */
  rcvbuf?: number;
  /** Strict checking (kernel-side dump filters); default true. */
  strict?: boolean;
  /** Multicast groups to join. */
  groups?: readonly number[];
}

/** The error for `mode: "fork"`: nlroute does not fall back silently. */
function forkRefused(mode: unknown): ArgumentError {
  return new ArgumentError(
    "mode",
    '"thread" (the default: setns on the calling thread around socket()) or "process" ' +
      "(a helper process of the same runtime sends the socket back over SCM_RIGHTS)",
    mode,
    "Cannot open a namespace socket with fork(): a forked Deno or Bun child crashes, because " +
      "both engines mark their heaps MADV_DONTFORK and the child has no JS heap; nlroute " +
      "does not fall back silently. Choose another",
  );
}

/** Opens the NETLINK_ROUTE socket for IPRoute options. */
export async function openSocket(opts: IPRouteOptions): Promise<NetlinkSocket> {
  const base: SocketOptions = {};
  if (opts.rcvbuf !== undefined) base.rcvbuf = opts.rcvbuf;
  if (opts.strict !== undefined) base.strict = opts.strict;
  if (opts.groups !== undefined) base.groups = opts.groups;
  const mode = opts.mode ?? "thread";
  if (mode === "fork") throw forkRefused(mode);
  if (mode !== "thread" && mode !== "process") {
    throw new ArgumentError("mode", '"thread" or "process"', mode);
  }
  if (opts.fd !== undefined) return NetlinkSocket.open({ ...base, fd: opts.fd });
  if (opts.netns === undefined) return NetlinkSocket.open(base);
  if (mode === "thread") return NetlinkSocket.open({ ...base, netns: opts.netns });
  // Process mode: the helper machinery is loaded only by programs that use it.
  const { openSocketInProcess } = await import("../core/nsprocess.ts");
  const fd = await openSocketInProcess(
    opts.netns,
    opts.timeout === undefined ? {} : { timeout: opts.timeout },
  );
  // NetlinkSocket.open closes the descriptor when setting it up fails.
  return NetlinkSocket.open({ ...base, fd });
}
