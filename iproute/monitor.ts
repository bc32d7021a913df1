/**
 * The event monitor: typed rtnetlink events (what `ip monitor` shows) as async
 * iterables, several consumers per socket, each with a bounded queue that
 * reports losses explicitly instead of dropping silently.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import type { NetlinkSocket, Subscription } from "../core/socket.ts";
import { IPRoute, type IPRouteOptions } from "./iproute.ts";
import {
  decodeEvent,
  DEFAULT_GROUPS,
  type EventSelector,
  type GroupName,
  groupNumbers,
  type MonitorEvent,
} from "./events.ts";
import { fieldMatch } from "./match.ts";
import { EVENT_OBJECTS } from "./objects.ts";
import type { Spec } from "./spec.ts";

/** Options of {@link Monitor.open}. */
export interface MonitorOptions extends Omit<IPRouteOptions, "groups"> {
  /** Group names (`link`, `addr`, `route`, `neigh`, `rule`, `nexthop`, `netconf`, `nsid`, `ipv4-route`, …) or numbers; default what `ip monitor` shows. */
  groups?: readonly (GroupName | number)[];
}

/** Options of one consumer ({@link Monitor.events}). */
export interface ConsumerOptions {
  /** Keep only these events: message names (`RTM_NEWLINK`) or kinds (`link`, `route`, …). */
  events?: readonly EventSelector[];
  /** Keep only events whose object has these field values (e.g. `{ ifname: "v0" }`). */
  match?: Spec;
  /** Keep only events this returns true for. */
  filter?: (e: MonitorEvent) => boolean;
  /** Queue bound (default 8192); when full, newer events are dropped and an overrun is reported. */
  queue?: number;
  /** Ends the consumer. */
  signal?: AbortSignal;
}

/**
 * Listens to rtnetlink multicast groups. Iterate it (one consumer) or call
 * {@link Monitor.events} for each consumer; use {@link Monitor.ipr} for requests
 * and dumps on the same socket (replies and events never mix).
 *
 * @example
 * ```ts
 * import { IPRoute, Monitor } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using mon = await Monitor.open({ netns: "blue", groups: ["link", "addr"] });
 * const events = mon.events({ match: { ifname: "m0" } }); // a consumer, before the change
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.link("add", { ifname: "m0", kind: "veth", peer: "m1" });
 * for await (const e of events) {
 *   if (e.kind === "overrun") console.log("lost events:", e.source); // re-read the state
 *   else if (e.kind === "link") {
 *     assert.equal(e.event, "RTM_NEWLINK");
 *     assert.equal(e.object.state, "down");
 *     break;
 *   }
 * }
 * await ipr.link("del", { ifname: "m0" });
 * ```
 */
export class Monitor implements AsyncIterable<MonitorEvent>, AsyncDisposable {
  /** IPRoute on the monitor's socket (requests and dumps). */
  readonly ipr: IPRoute;
  /** The socket. */
  readonly socket: NetlinkSocket;

  private constructor(ipr: IPRoute) {
    this.ipr = ipr;
    this.socket = ipr.socket;
    this.socket.setEventDecoder(decodeEvent);
  }

  /** Opens a socket (optionally in a namespace) joined to `groups`. */
  static async open(opts: MonitorOptions = {}): Promise<Monitor> {
    const { groups = DEFAULT_GROUPS, ...rest } = opts;
    const numbers = groupNumbers(groups);
    const ipr = await IPRoute.open(rest);
    try {
      for (const g of numbers) ipr.socket.join(g);
    } catch (e) {
      ipr.close();
      throw e;
    }
    return new Monitor(ipr);
  }

  /** Monitors on an already open IPRoute (joins `groups` on its socket). */
  static on(ipr: IPRoute, groups: readonly (GroupName | number)[] = DEFAULT_GROUPS): Monitor {
    for (const g of groupNumbers(groups)) if (!ipr.socket.groups.has(g)) ipr.socket.join(g);
    return new Monitor(ipr);
  }

  /** A new consumer with its own bounded queue and filters. */
  events(opts: ConsumerOptions = {}): Subscription<MonitorEvent> {
    const filter = consumerFilter(opts);
    return this.socket.subscribe<MonitorEvent>({
      ...(opts.queue !== undefined ? { queue: opts.queue } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(filter ? { filter } : {}),
    });
  }

  /** Iterates with a default consumer. */
  [Symbol.asyncIterator](): AsyncIterator<MonitorEvent> {
    return this.events();
  }

  /**
   * Waits for the first event matching `opts` (like IPDB's watchdog); rejects
   * after `timeout` ms.
   */
  async next(opts: ConsumerOptions & { timeout?: number } = {}): Promise<MonitorEvent> {
    const { timeout, ...rest } = opts;
    const ac = new AbortController();
    const timer = timeout === undefined ? undefined : setTimeout(() => ac.abort(), timeout);
    const sub = this.events({
      ...rest,
      signal: rest.signal ? AbortSignal.any([rest.signal, ac.signal]) : ac.signal,
    });
    try {
      for (;;) {
        const r = await sub.next();
        if (r.done) {
          throw new Error(
            `Cannot wait for an event: ${
              ac.signal.aborted ? `no match within ${timeout} ms` : "the monitor closed"
            }`,
          );
        }
        if (r.value.kind !== "overrun") return r.value;
      }
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      sub.close();
    }
  }

  /** Joins more groups. */
  join(groups: readonly (GroupName | number)[]): void {
    for (const g of groupNumbers(groups)) this.socket.join(g);
  }

  /** Leaves groups. */
  leave(groups: readonly (GroupName | number)[]): void {
    for (const g of groupNumbers(groups)) this.socket.leave(g);
  }

  /** Closes the socket; consumers end. */
  close(): void {
    this.ipr.close();
  }

  /** Closes (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

/** The `kind`s of events: the object types with events, and `other`. */
const KINDS = new Set([...EVENT_OBJECTS.map((d) => d.name), "other"]);

/** Builds a consumer's filter; overrun notices always pass. */
function consumerFilter(opts: ConsumerOptions): ((e: MonitorEvent) => boolean) | undefined {
  const { events, match, filter } = opts;
  if (events !== undefined) {
    if (!Array.isArray(events)) {
      throw new ArgumentError("events", "an array of event names or kinds", events);
    }
    events.forEach((e, i) => {
      if (typeof e !== "string" || (!KINDS.has(e) && !/^RTM_[A-Z]+$/.test(e))) {
        throw new ArgumentError(
          `events[${i}]`,
          "an event name (RTM_NEWLINK, …) or a kind (link, addr, route, …)",
          e,
        );
      }
    });
  }
  const wanted = events ? new Set(events) : undefined;
  const fields = match ? fieldMatch<unknown>(match) : undefined;
  if (!wanted && !fields && !filter) return undefined;
  return (e) => {
    if (e.kind === "overrun") return true;
    if (wanted && !wanted.has(e.event) && !wanted.has(e.kind)) return false;
    if (fields && !fields(e.object)) return false;
    return !filter || filter(e);
  };
}
