/**
 * The uevent monitor: NETLINK_KOBJECT_UEVENT's device events as typed
 * {@link UEvent}s in async iterables, filtered by subsystem, device type,
 * action or name on this side (no kernel socket filter), with the socket's
 * bounded queues and explicit overrun notices; and {@link waitForDevice}, for
 * the moment a device (a network interface) appears.
 *
 * Net-class events (interfaces and their queues) are delivered in the
 * network namespace the device lives in: open the monitor there (`netns`).
 *
 * @module
 */
import { ArgumentError, OverrunError } from "../core/errors.ts";
import type { Overrun } from "../core/message.ts";
import type { NetnsRef } from "../core/nsenter.ts";
import { PROTOCOL } from "../core/protocol.ts";
import { NetlinkSocket } from "../core/socket.ts";
import type { Subscription } from "../core/subscription.ts";
import { UEVENT_GRP } from "../core/tables/netlink.ts";
import { decodeUEvent, type UEvent, UEVENT_ACTIONS, type UEventAction } from "./event.ts";

/** The uevent multicast groups by name: the kernel's events, udevd's re-broadcasts. */
export type UEventGroup = "kernel" | "udev";

const GROUP_NUMBERS: Record<UEventGroup, number> = {
  kernel: UEVENT_GRP.KERNEL,
  udev: UEVENT_GRP.UDEV,
};

/** Which events a consumer keeps (every given condition must hold). */
export interface UEventFilter {
  /** Keep only these subsystems (`"net"`, `["net", "block"]`). */
  subsystem?: string | readonly string[];
  /** Keep only these device types (DEVTYPE; events without one are left out). */
  devtype?: string | readonly string[];
  /** Keep only these actions. */
  action?: UEventAction | readonly UEventAction[];
  /** Keep only devices of this kernel name (the last part of DEVPATH: an interface name for net). */
  name?: string;
  /** Keep only events this returns true for. */
  filter?: (e: UEvent) => boolean;
}

/** Options of {@link openUEvents} / {@link UEventMonitor.open}. */
export interface UEventMonitorOptions {
  /** Listen inside this network namespace (name, path, descriptor, `{ pid }`); net-class events are per namespace. */
  netns?: NetnsRef;
  /** Groups to join: `"kernel"` (default), `"udev"` (udevd's processed events, libudev's format), or both. */
  groups?: readonly UEventGroup[];
  /** Keep only these subsystems, for every consumer of the monitor. */
  subsystem?: string | readonly string[];
  /** Keep only these device types, for every consumer of the monitor. */
  devtype?: string | readonly string[];
  /** Receive buffer in bytes (default 1 MiB). */
  rcvbuf?: number;
  /** Bound of the monitor's own stream (default 8192); when full, an overrun notice follows. */
  queue?: number;
}

/** Options of one consumer ({@link UEventMonitor.events}). */
export interface UEventConsumerOptions extends UEventFilter {
  /** Queue bound (default 8192); when full, newer events are dropped and an overrun is reported. */
  queue?: number;
  /** Ends the consumer. */
  signal?: AbortSignal;
}

/** What a monitor's stream yields: events, and notices of lost ones. */
export type UEventItem = UEvent | Overrun;

/** A set from a string or an array of strings, checked; undefined when not given. */
function names(
  value: string | readonly string[] | undefined,
  argument: string,
  what: string,
  allowed?: ReadonlySet<string>,
): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) {
    throw new ArgumentError(argument, `${what} or a non-empty array of them`, value);
  }
  list.forEach((v, i) => {
    if (typeof v !== "string" || v === "" || v.includes("\0") || (allowed && !allowed.has(v))) {
      throw new ArgumentError(typeof value === "string" ? argument : `${argument}[${i}]`, what, v);
    }
  });
  return new Set(list);
}

const ACTION_SET = new Set<string>(UEVENT_ACTIONS);

/** The predicate of a filter (checked first); undefined when it keeps everything. */
function matcher(f: UEventFilter): ((e: UEvent) => boolean) | undefined {
  const subsystems = names(f.subsystem, "subsystem", "a subsystem name");
  const devtypes = names(f.devtype, "devtype", "a device type name");
  const actions = names(f.action, "action", `an action (${UEVENT_ACTIONS.join(", ")})`, ACTION_SET);
  const name = f.name;
  if (name !== undefined && (typeof name !== "string" || name === "" || name.includes("/"))) {
    throw new ArgumentError("name", "a device name (the last part of its devpath)", name);
  }
  const custom = f.filter;
  if (custom !== undefined && typeof custom !== "function") {
    throw new ArgumentError("filter", "a function", custom);
  }
  if (!subsystems && !devtypes && !actions && name === undefined && !custom) return undefined;
  return (e) =>
    (!subsystems || subsystems.has(e.subsystem)) &&
    (!devtypes || (e.devtype !== undefined && devtypes.has(e.devtype))) &&
    (!actions || actions.has(e.action)) &&
    (name === undefined || e.name === name) &&
    (!custom || custom(e));
}

/** Both predicates (overrun notices always pass). */
function both(
  a: ((e: UEvent) => boolean) | undefined,
  b: ((e: UEvent) => boolean) | undefined,
): ((e: UEventItem) => boolean) | undefined {
  if (!a && !b) return undefined;
  return (e) => e.kind === "overrun" || ((!a || a(e)) && (!b || b(e)));
}

/** Ends a monitor's own stream (for a monitor used only through other consumers). */
let dropStream: (m: UEventMonitor) => void;

/**
 * Listens to device events (NETLINK_KOBJECT_UEVENT). Iterate it (its own
 * stream starts at open, so nothing between opening and iterating is lost),
 * call {@link UEventMonitor.events} for more consumers, or
 * {@link UEventMonitor.next} for the first match. Each stream yields
 * {@link UEvent}s and, when events were lost (the kernel's buffer overflowed
 * or the consumer's queue filled), an `{ kind: "overrun", source }` notice.
 *
 * @example The add and remove events of a veth pair in a namespace
 * ```ts
 * import { IPRoute, openUEvents } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using mon = openUEvents({ netns: "blue", subsystem: "net" });
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.link("add", { ifname: "ue0", kind: "veth", peer: "ue1" });
 * const { index } = await ipr.link("get", { ifname: "ue0" });
 * for await (const e of mon) {
 *   if (e.kind === "overrun") throw new Error("events were lost");
 *   if (e.name !== "ue0") continue;
 *   assert.equal(e.action, "add");
 *   assert.equal(e.devpath, "/devices/virtual/net/ue0");
 *   assert.equal(e.env.IFINDEX, String(index));
 *   break;
 * }
 * await ipr.link("del", { ifname: "ue0" });
 * ```
 */
export class UEventMonitor implements AsyncIterable<UEventItem>, AsyncDisposable {
  /** The NETLINK_KOBJECT_UEVENT socket. */
  readonly socket: NetlinkSocket;
  /** The groups joined. */
  readonly groups: readonly UEventGroup[];
  readonly #filter: ((e: UEvent) => boolean) | undefined;
  #stream: Subscription<UEvent> | undefined;

  static {
    dropStream = (m) => {
      m.#stream?.close();
      m.#stream = undefined;
    };
  }

  private constructor(
    socket: NetlinkSocket,
    groups: readonly UEventGroup[],
    filter: ((e: UEvent) => boolean) | undefined,
    queue: number | undefined,
  ) {
    this.socket = socket;
    this.groups = groups;
    this.#filter = filter;
    this.#stream = this.#subscribe(undefined, queue, undefined);
  }

  /**
   * Opens a NETLINK_KOBJECT_UEVENT socket (inside `netns` when given) joined
   * to `groups` (default the kernel's). Arguments are checked first
   * ({@link ArgumentError}).
   */
  static open(opts: UEventMonitorOptions = {}): UEventMonitor {
    if (typeof opts !== "object" || opts === null) {
      throw new ArgumentError("options", "an object", opts, "Cannot open a uevent monitor");
    }
    const groups: readonly UEventGroup[] = opts.groups ?? ["kernel"];
    if (!Array.isArray(groups) || groups.length === 0) {
      throw new ArgumentError("groups", 'a non-empty array of "kernel" and "udev"', groups);
    }
    groups.forEach((g, i) => {
      if (!Object.hasOwn(GROUP_NUMBERS, g)) {
        throw new ArgumentError(`groups[${i}]`, '"kernel" or "udev"', g);
      }
    });
    const filter = matcher({
      ...(opts.subsystem === undefined ? {} : { subsystem: opts.subsystem }),
      ...(opts.devtype === undefined ? {} : { devtype: opts.devtype }),
    });
    if (opts.queue !== undefined && (!Number.isInteger(opts.queue) || opts.queue < 1)) {
      throw new ArgumentError("queue", "a positive integer", opts.queue);
    }
    const socket = NetlinkSocket.open({
      protocol: PROTOCOL.KOBJECT_UEVENT,
      decodeEvent: decodeUEvent,
      ...(opts.netns === undefined ? {} : { netns: opts.netns }),
      ...(opts.rcvbuf === undefined ? {} : { rcvbuf: opts.rcvbuf }),
    });
    try {
      const unique = [...new Set<UEventGroup>(groups)];
      for (const g of unique) socket.join(GROUP_NUMBERS[g]);
      return new UEventMonitor(socket, unique, filter, opts.queue);
    } catch (e) {
      socket.close();
      throw e;
    }
  }

  #subscribe(
    extra: ((e: UEvent) => boolean) | undefined,
    queue: number | undefined,
    signal: AbortSignal | undefined,
  ): Subscription<UEvent> {
    const filter = both(this.#filter, extra);
    return this.socket.subscribe<UEvent>({
      ...(queue === undefined ? {} : { queue }),
      ...(signal ? { signal } : {}),
      ...(filter ? { filter: filter as (e: UEvent) => boolean } : {}),
    });
  }

  /** A new consumer with its own bounded queue and filter; it sees events from now on. */
  events(opts: UEventConsumerOptions = {}): Subscription<UEvent> {
    return this.#subscribe(matcher(opts), opts.queue, opts.signal);
  }

  /**
   * The monitor's own stream (queued since open); once it has ended (a
   * `break` out of `for await`), a new consumer.
   */
  [Symbol.asyncIterator](): Subscription<UEvent> {
    const s = this.#stream;
    if (s && !s.ended) return s;
    return this.#stream = this.#subscribe(undefined, undefined, undefined);
  }

  /**
   * The first event from now on that matches `opts`. Rejects after `timeout`
   * ms (when given), with {@link OverrunError} when events were lost while
   * waiting (the one wanted may be among them), and when the monitor closes.
   */
  async next(
    opts: UEventFilter & { timeout?: number; signal?: AbortSignal } = {},
  ): Promise<UEvent> {
    const { timeout, signal, ...filter } = opts;
    if (timeout !== undefined && (!Number.isFinite(timeout) || timeout < 0)) {
      throw new ArgumentError("timeout", "a number of milliseconds (0 or more)", timeout);
    }
    return await waitOn(this.events(filter), describeFilter(filter), timeout, signal);
  }

  /** Whether the monitor's socket is closed. */
  get closed(): boolean {
    return this.socket.closed;
  }

  /** Closes the socket; every consumer ends. */
  close(): void {
    this.socket.close();
  }

  /** Closes (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

/** Words for what is awaited, for the timeout's message. */
function describeFilter(f: UEventFilter): string {
  const parts: string[] = [];
  if (f.action !== undefined) parts.push([f.action].flat().join("|"));
  if (f.subsystem !== undefined) parts.push(`subsystem ${[f.subsystem].flat().join("|")}`);
  if (f.devtype !== undefined) parts.push(`devtype ${[f.devtype].flat().join("|")}`);
  if (f.name !== undefined) parts.push(`device ${f.name}`);
  return parts.length ? parts.join(" ") : "any";
}

/** Waits on `sub` for its first event; ends it either way. */
async function waitOn(
  sub: Subscription<UEvent>,
  what: string,
  timeout: number | undefined,
  signal: AbortSignal | undefined,
): Promise<UEvent> {
  let timedOut = false;
  const stop = () => sub.close();
  const timer = timeout === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    stop();
  }, timeout);
  signal?.addEventListener("abort", stop, { once: true });
  try {
    if (signal?.aborted) stop();
    for (;;) {
      const r = await sub.next();
      if (r.done) {
        throw new Error(
          `Cannot wait for a uevent (${what}): ${
            timedOut
              ? `none arrived within ${timeout} ms`
              : signal?.aborted
              ? "the wait was aborted"
              : "the monitor closed"
          }`,
        );
      }
      if (r.value.kind === "overrun") throw new OverrunError(r.value.source);
      return r.value;
    }
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener("abort", stop);
    sub.close();
  }
}

/**
 * Opens a uevent monitor: {@link UEventMonitor.open}.
 *
 * @example Only net-class events, kernel and udev groups
 * ```ts
 * import { openUEvents } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * using stack = new DisposableStack();
 * const mon = openUEvents({ netns: "blue", groups: ["kernel", "udev"], subsystem: "net" });
 * stack.defer(() => mon.close());
 * assert.deepEqual(mon.groups, ["kernel", "udev"]);
 * ```
 */
export function openUEvents(opts: UEventMonitorOptions = {}): UEventMonitor {
  return UEventMonitor.open(opts);
}

/** Options of {@link waitForDevice}. */
export interface WaitForDeviceOptions extends UEventFilter {
  /** The device's kernel name (for a network interface, its name). */
  name: string;
  /** The action to wait for (default `"add"`). */
  action?: UEventAction | readonly UEventAction[];
  /** Milliseconds before giving up with an error. */
  timeout: number;
  /** Wait on this open monitor instead of opening one (its own filters apply too). */
  monitor?: UEventMonitor;
  /** Open the monitor inside this network namespace (without `monitor`). */
  netns?: NetnsRef;
  /** Groups to listen to (without `monitor`; default the kernel's). */
  groups?: readonly UEventGroup[];
  /** Ends the wait early (it rejects). */
  signal?: AbortSignal;
}

/**
 * Resolves with the uevent of device `name` (default action `add`) — e.g. a
 * network interface appearing in a namespace: `{ subsystem: "net", name }`.
 * It listens from the moment it is called (start it before making the
 * change, await it after); it rejects with an error saying what it waited for
 * when `timeout` ms pass, with {@link OverrunError} when events were lost
 * meanwhile, and with {@link ArgumentError} for bad options before listening.
 *
 * @example Waiting for a veth to appear
 * ```ts
 * import { IPRoute, waitForDevice } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * const appeared = waitForDevice({ netns: "blue", subsystem: "net", name: "wd0", timeout: 5000 });
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.link("add", { ifname: "wd0", kind: "veth", peer: "wd1" });
 * const e = await appeared;
 * assert.equal(e.env.INTERFACE, "wd0");
 * await ipr.link("del", { ifname: "wd0" });
 * ```
 */
export function waitForDevice(opts: WaitForDeviceOptions): Promise<UEvent> {
  try {
    if (typeof opts !== "object" || opts === null) {
      throw new ArgumentError("options", "an object", opts, "Cannot wait for a device");
    }
    const { monitor, netns, groups, timeout, signal, ...rest } = opts;
    if (typeof rest.name !== "string") {
      throw new ArgumentError("name", "a device name (the last part of its devpath)", rest.name);
    }
    if (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout < 0) {
      throw new ArgumentError("timeout", "a number of milliseconds (0 or more)", timeout);
    }
    if (monitor !== undefined && !(monitor instanceof UEventMonitor)) {
      throw new ArgumentError("monitor", "a UEventMonitor", monitor);
    }
    const filter: UEventFilter = { ...rest, action: rest.action ?? "add" };
    matcher(filter); // checks before anything is opened
    const mon = monitor ?? UEventMonitor.open({
      ...(netns === undefined ? {} : { netns }),
      ...(groups === undefined ? {} : { groups }),
    });
    if (!monitor) dropStream(mon);
    const sub = mon.events(filter);
    const done = waitOn(sub, describeFilter(filter), timeout, signal);
    if (monitor) return done;
    return done.finally(() => mon.close());
  } catch (e) {
    return Promise.reject(e);
  }
}
