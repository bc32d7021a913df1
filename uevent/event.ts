/**
 * A device event (uevent) as a typed, plain-behaving object, decoded from
 * either form NETLINK_KOBJECT_UEVENT carries: the kernel's
 * `action@devpath\0KEY=VALUE\0…` and libudev's header + properties
 * (`libudev.ts`). Malformed bytes raise {@link DecodeError}.
 *
 * @module
 */
import { DecodeError } from "../core/errors.ts";
import { jsonSafe } from "../core/json.ts";
import type { Decoder, MessageRef } from "../core/message.ts";
import { isLibudev, readLibudevHeader } from "./libudev.ts";

/**
 * What happened to the device: the kernel's `kobject_actions[]`
 * (lib/kobject_uevent.c), in its order.
 */
export type UEventAction =
  | "add"
  | "remove"
  | "change"
  | "move"
  | "online"
  | "offline"
  | "bind"
  | "unbind";

/** The actions, in the kernel's order (lib/kobject_uevent.c's `kobject_actions[]`). */
export const UEVENT_ACTIONS: readonly UEventAction[] = [
  "add",
  "remove",
  "change",
  "move",
  "online",
  "offline",
  "bind",
  "unbind",
];
const ACTIONS = new Set<string>(UEVENT_ACTIONS);

/** Who sent the event: the kernel (group 1) or udevd after processing it (group 2, libudev's format). */
export type UEventSource = "kernel" | "udev";

const INSPECT_NODE = Symbol.for("nodejs.util.inspect.custom");
const INSPECT_DENO = Symbol.for("Deno.customInspect");
const text = new TextDecoder();

/**
 * One uevent. `env` holds every `KEY=VALUE` pair as sent (ACTION, DEVPATH,
 * SUBSYSTEM and SEQNUM included); the getters read the common ones.
 * `toJSON()` and inspection show the fields, `seqnum` as a number.
 *
 * @example Parsing a kernel datagram
 * ```ts
 * import { parseUEvent } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * const e = parseUEvent(new TextEncoder().encode(
 *   "add@/devices/virtual/net/v0\0ACTION=add\0DEVPATH=/devices/virtual/net/v0\0" +
 *     "SUBSYSTEM=net\0INTERFACE=v0\0IFINDEX=7\0SEQNUM=4242\0",
 * ));
 * assert.equal(e.action, "add");
 * assert.equal(e.name, "v0");
 * assert.equal(e.seqnum, 4242n);
 * assert.equal(e.env.IFINDEX, "7");
 * assert.deepEqual(JSON.parse(JSON.stringify(e)).seqnum, 4242);
 * ```
 */
export class UEvent {
  /** What happened. */
  readonly action: UEventAction;
  /** The device's path under /sys (`/devices/virtual/net/v0`). */
  readonly devpath: string;
  /** The device's subsystem (`net`, `queues`, `block`, …). */
  readonly subsystem: string;
  /** The device type within the subsystem (DEVTYPE: `bridge`, `disk`, …), when sent. */
  readonly devtype: string | undefined;
  /** The kernel's event sequence number (SEQNUM). */
  readonly seqnum: bigint;
  /** Every `KEY=VALUE` pair, as a plain object (values are strings). */
  readonly env: Readonly<Record<string, string>>;
  /** `"kernel"` or `"udev"` (libudev's format, re-broadcast by udevd). */
  readonly source: UEventSource;

  /**
   * An event from its properties: ACTION, DEVPATH, SUBSYSTEM and SEQNUM must
   * be there and valid, or {@link DecodeError} is thrown.
   */
  constructor(env: Record<string, string>, source: UEventSource) {
    const what = `${source} uevent`;
    const need = (key: string) => {
      const v = env[key];
      if (v === undefined) throw new DecodeError(what, `no ${key}`);
      return v;
    };
    const action = need("ACTION");
    if (!ACTIONS.has(action)) {
      throw new DecodeError(what, `unknown ACTION ${JSON.stringify(action)}`);
    }
    const devpath = need("DEVPATH");
    if (!devpath.startsWith("/")) {
      throw new DecodeError(what, `DEVPATH ${JSON.stringify(devpath)} is not absolute`);
    }
    const seqnum = need("SEQNUM");
    if (!/^\d{1,20}$/.test(seqnum) || BigInt(seqnum) >= 1n << 64n) {
      throw new DecodeError(what, `SEQNUM ${JSON.stringify(seqnum)} is not a 64-bit number`);
    }
    this.action = action as UEventAction;
    this.devpath = devpath;
    this.subsystem = need("SUBSYSTEM");
    this.devtype = env.DEVTYPE;
    this.seqnum = BigInt(seqnum);
    this.env = env;
    this.source = source;
  }

  /** Always `"uevent"` (so that `kind === "overrun"` tells overrun notices apart in a stream). */
  get kind(): "uevent" {
    return "uevent";
  }

  /** The device's kernel name: the last part of `devpath` (for a net device, its interface name). */
  get name(): string {
    return this.devpath.slice(this.devpath.lastIndexOf("/") + 1);
  }

  /** The fields as a plain, JSON-safe object (`seqnum` a number when safe, else a string). */
  toJSON(): Record<string, unknown> {
    const out = jsonSafe({
      action: this.action,
      devpath: this.devpath,
      subsystem: this.subsystem,
      ...(this.devtype === undefined ? {} : { devtype: this.devtype }),
      seqnum: this.seqnum,
      source: this.source,
    }) as Record<string, unknown>;
    // Strings already; a copy made key by key so that any key (`__proto__`) stays a key.
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.env)) put(env, k, v);
    out.env = env;
    return out;
  }

  /** Node/Bun inspection shows the fields. */
  [INSPECT_NODE](): Record<string, unknown> {
    return this.toJSON();
  }

  /** Deno inspection shows the fields. */
  [INSPECT_DENO](inspect: (v: unknown, o: unknown) => string, options: unknown): string {
    return `UEvent ${inspect(this.toJSON(), options)}`;
  }
}

/** The first NUL in `bytes[i, end)`, or -1. */
function nulAt(bytes: Uint8Array, i: number, end: number): number {
  for (; i < end; i++) if (bytes[i] === 0) return i;
  return -1;
}

/** Sets `env[key]` as an own data property (a `__proto__` key stays a key). */
function put(env: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(env, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Reads `KEY=VALUE\0` pairs from `bytes[start, end)`; every pair must end with NUL. */
function properties(
  bytes: Uint8Array,
  start: number,
  end: number,
  what: string,
  base: number,
): Record<string, string> {
  const env: Record<string, string> = {};
  let i = start;
  while (i < end) {
    const nul = nulAt(bytes, i, end);
    if (nul < 0) {
      throw new DecodeError(what, "a property without its terminating NUL", i - base);
    }
    if (nul > i) {
      const pair = text.decode(bytes.subarray(i, nul));
      const eq = pair.indexOf("=");
      if (eq <= 0) {
        throw new DecodeError(what, `property ${JSON.stringify(pair)} is not KEY=VALUE`, i - base);
      }
      put(env, pair.slice(0, eq), pair.slice(eq + 1));
    }
    i = nul + 1;
  }
  return env;
}

/**
 * Decodes one uevent datagram: `bytes[off, off + len)` sent by port `sender`
 * (0: the kernel). A kernel-format event must come from the kernel, and its
 * `action@devpath` header must agree with its ACTION and DEVPATH; a libudev
 * one must have a valid header. Throws {@link DecodeError}.
 */
export function decodeUEventBytes(
  bytes: Uint8Array,
  off: number,
  len: number,
  sender = 0,
): UEvent {
  const end = off + len;
  if (isLibudev(bytes, off, len)) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const h = readLibudevHeader(dv, off, len);
    const start = off + h.propertiesOff;
    return new UEvent(
      properties(bytes, start, start + h.propertiesLen, "udev uevent", off),
      "udev",
    );
  }
  const what = "kernel uevent";
  if (sender !== 0) {
    throw new DecodeError(what, `sent by userspace port ${sender}, not by the kernel`);
  }
  const nul = nulAt(bytes, off, end);
  if (nul < 0) throw new DecodeError(what, "no NUL after the action@devpath header");
  const header = text.decode(bytes.subarray(off, nul));
  const at = header.indexOf("@");
  if (at <= 0) {
    throw new DecodeError(what, `header ${JSON.stringify(header)} is not action@devpath`);
  }
  const env = properties(bytes, nul + 1, end, what, off);
  const e = new UEvent(env, "kernel");
  if (header.slice(0, at) !== e.action || header.slice(at + 1) !== e.devpath) {
    throw new DecodeError(
      what,
      `header ${JSON.stringify(header)} disagrees with ACTION=${e.action} DEVPATH=${e.devpath}`,
    );
  }
  return e;
}

/**
 * Parses one uevent datagram (the kernel's format or libudev's) sent by port
 * `sender` (default 0, the kernel). Throws {@link DecodeError} for malformed
 * bytes.
 */
export function parseUEvent(datagram: Uint8Array, sender = 0): UEvent {
  return decodeUEventBytes(datagram, 0, datagram.length, sender);
}

/**
 * The socket's event decoder for NETLINK_KOBJECT_UEVENT: each datagram (its
 * sender's port in `pid`) as a {@link UEvent}.
 */
export const decodeUEvent: Decoder<UEvent> = (m: MessageRef): UEvent =>
  decodeUEventBytes(m.bytes, m.offset, m.length, m.pid);
