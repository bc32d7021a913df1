/**
 * The event subscription the netfilter clients share (Conntrack, NFTables):
 * the socket's queue with a bound, an abort signal, and a filter that drops
 * the messages the client's decoder skipped (`undefined`). Internal.
 *
 * @module
 */
import type { NetlinkSocket } from "../core/socket.ts";
import type { Subscription } from "../core/subscription.ts";

/** What an events() call takes: a filter, a queue bound and a signal. */
interface EventOptions<E> {
  filter?: (e: E) => boolean;
  queue?: number;
  signal?: AbortSignal;
}

/** Subscribes to `socket`'s decoded events, keeping those `opts.filter` accepts. */
export function subscribeEvents<E>(
  socket: NetlinkSocket,
  opts: EventOptions<E>,
): Subscription<E> {
  const { filter } = opts;
  return socket.subscribe<E>({
    ...(opts.queue !== undefined ? { queue: opts.queue } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    filter: (e) => e !== undefined && (!filter || filter(e)),
  });
}
