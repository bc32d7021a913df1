/**
 * Argument checks shared by IPRoute's request builders. Every failure is an
 * {@link ArgumentError} naming the argument, raised before anything is sent.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import { AF_INET, AF_INET6, parseIP, parseMAC, parsePrefix, type Prefix } from "../core/address.ts";

/** A plain object of arguments. */
export type Spec = Record<string, unknown>;

/**
 * Checks that `spec` is an object whose keys are all in `allowed`. `context`
 * names the command (`"link add"`) or, for a nested object, its argument path
 * (`"multipath[0]"`); with `nested` the unknown key is named under that path
 * (`"multipath[0].dev"`).
 */
export function checkKeys(
  spec: unknown,
  allowed: readonly string[] | ReadonlySet<string>,
  context: string,
  nested = false,
): asserts spec is Spec {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new ArgumentError(context, "an object of arguments", spec);
  }
  // for-in, not Object.keys: no array per call (this runs for every request);
  // a set of allowed keys (the long lists) answers without a scan.
  const set = allowed instanceof Set ? allowed : undefined;
  for (const key in spec) {
    if (!Object.hasOwn(spec, key)) continue;
    if (set !== undefined ? !set.has(key) : !(allowed as readonly string[]).includes(key)) {
      throw new ArgumentError(
        nested ? `${context}.${key}` : key,
        `one of ${[...allowed].join(", ")}`,
        key,
        `Cannot run ${context} with unknown argument`,
      );
    }
  }
}

/**
 * An integer within bounds.
 */
export function int(v: unknown, argument: string, lo: number, hi: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) {
    throw new ArgumentError(argument, `an integer from ${lo} to ${hi}`, v);
  }
  return v;
}

/** A u32 value. */
export function u32(v: unknown, argument: string): number {
  return int(v, argument, 0, 0xffffffff);
}

/**
 * A boolean.
 */
export function bool(v: unknown, argument: string): boolean {
  if (typeof v !== "boolean") throw new ArgumentError(argument, "true or false", v);
  return v;
}

/**
 * A string (optionally with a byte limit).
 */
export function str(v: unknown, argument: string, maxBytes = 0xfff0): string {
  if (typeof v !== "string") throw new ArgumentError(argument, "a string", v);
  if (v.includes("\0")) throw new ArgumentError(argument, "a string without NUL", v);
  if (new TextEncoder().encode(v).length > maxBytes) {
    throw new ArgumentError(argument, `a string of at most ${maxBytes} bytes`, v);
  }
  return v;
}

/**
 * An interface name: 1 to 15 bytes, no `/`, no whitespace, not `.` or `..`.
 */
export function ifname(v: unknown, argument: string): string {
  const s = str(v, argument, 15);
  if (s === "" || s === "." || s === ".." || /[/\s:]/.test(s)) {
    throw new ArgumentError(
      argument,
      "an interface name of 1 to 15 bytes without '/', ':' or spaces",
      v,
    );
  }
  return s;
}

/** Link-layer address lengths: Ethernet (6), EUI-64 (8), InfiniBand (20). */
const LLADDR_LENGTHS = [6, 8, 20];

/**
 * A link-layer (MAC) address of a length links have: `"02:00:00:00:00:01"`.
 */
export function lladdr(v: unknown, argument: string): string {
  const mac = typeof v === "string" ? parseMAC(v) : undefined;
  if (!mac || !LLADDR_LENGTHS.includes(mac.length)) {
    throw new ArgumentError(
      argument,
      'a MAC address of 6 bytes such as "02:00:00:00:00:01" (8 or 20 bytes for EUI-64 or InfiniBand)',
      v,
    );
  }
  return v as string;
}

/**
 * One address (no prefix), with its family.
 */
export function address(
  v: unknown,
  argument: string,
  family?: number,
): { bytes: Uint8Array; family: number } {
  const ip = typeof v === "string" ? parseIP(v) : undefined;
  if (!ip) throw new ArgumentError(argument, "an IPv4 or IPv6 address", v);
  if (family && family !== ip.family) {
    throw new ArgumentError(
      argument,
      `an ${family === AF_INET ? "IPv4" : "IPv6"} address (same family as the rest)`,
      v,
    );
  }
  return ip;
}

/**
 * A prefix `"10.0.0.0/24"` or an address with a separate length.
 */
export function prefix(
  v: unknown,
  len: unknown,
  argument: string,
  lenArgument = "prefixlen",
): Prefix {
  if (typeof v === "string" && v.includes("/") && len !== undefined) {
    throw new ArgumentError(lenArgument, `no separate length when ${argument} has one`, len);
  }
  const p = parsePrefix(v, argument);
  if (len !== undefined) {
    p.prefixlen = int(len, lenArgument, 0, p.family === AF_INET ? 32 : 128);
  }
  return p;
}

/**
 * Reconciles an explicit family with one inferred from addresses.
 */
export function family(
  explicit: unknown,
  inferred: number | undefined,
  argument: string,
): number | undefined {
  if (explicit === undefined) return inferred;
  let f: number;
  if (explicit === "inet" || explicit === 4) f = AF_INET;
  else if (explicit === "inet6" || explicit === 6) f = AF_INET6;
  else f = int(explicit, argument, 0, 255);
  if (inferred !== undefined && f !== inferred && (f === AF_INET || f === AF_INET6)) {
    throw new ArgumentError(
      argument,
      `${inferred === AF_INET ? "inet" : "inet6"}, as the addresses given`,
      explicit,
    );
  }
  return f;
}

/**
 * The {@link ArgumentError} for a command `object` does not have, naming
 * `cmd` with the commands it supports.
 */
export function unknownCommand(
  table: Readonly<Record<string, unknown>>,
  cmd: unknown,
  object: string,
): never {
  throw new ArgumentError(
    "cmd",
    `one of ${Object.keys(table).join(", ")}`,
    cmd,
    `Cannot run ${object} command`,
  );
}

/**
 * The message type and flags of a command, or an {@link ArgumentError} naming
 * `cmd` with the commands `object` supports.
 */
export function command<C extends string>(
  table: Readonly<Record<C, readonly [number, number]>>,
  cmd: string,
  object: string,
): readonly [number, number] {
  return Object.hasOwn(table, cmd) ? table[cmd as C] : unknownCommand(table, cmd, object);
}
