/**
 * Names for rtnetlink numbers, as iproute2 prints them (its rt_protos,
 * rt_scopes, rt_tables files and the kernel's enums). Each map converts both
 * ways through {@link NameMap}.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import { RTNL } from "./registry.ts";

/**
 * A two-way map between numbers and names; unknown numbers print as numbers.
 *
 * @example
 * ```ts
 * import { ROUTE_PROTOCOLS } from "./names.ts";
 * ROUTE_PROTOCOLS.name(4); // "static"
 * ROUTE_PROTOCOLS.value("kernel", "proto"); // 2
 * ```
 */
export class NameMap {
  readonly #byValue: Map<number, string>;
  readonly #byName: Map<string, number>;
  /** What the values are, for error messages. */
  readonly what: string;

  constructor(what: string, entries: Iterable<readonly [string, number]>) {
    this.what = what;
    this.#byName = new Map(entries);
    this.#byValue = new Map();
    for (const [n, v] of this.#byName) if (!this.#byValue.has(v)) this.#byValue.set(v, n);
  }

  /** The name of a value, or the value itself when it has none. */
  name(v: number): string | number {
    return this.#byValue.get(v) ?? v;
  }

  /** The value of a name or number; throws {@link ArgumentError} naming `argument`. */
  value(v: unknown, argument: string, max = 255): number {
    if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= max) return v;
    if (typeof v === "string") {
      const n = this.#byName.get(v);
      if (n !== undefined) return n;
      if (/^\d+$/.test(v) && Number(v) <= max) return Number(v);
    }
    throw new ArgumentError(
      argument,
      `a ${this.what}: ${[...this.#byName.keys()].join(", ")} or 0..${max}`,
      v,
    );
  }

  /** All names. */
  names(): string[] {
    return [...this.#byName.keys()];
  }
}

function fromEnum(what: string, name: string): NameMap {
  return new NameMap(what, RTNL.enum(name).byName);
}

/** Route protocols (rtm_protocol), iproute2's /etc/iproute2/rt_protos names. */
export const ROUTE_PROTOCOLS: NameMap = new NameMap("route protocol", [
  ["unspec", 0],
  ["redirect", 1],
  ["kernel", 2],
  ["boot", 3],
  ["static", 4],
  ["gated", 8],
  ["ra", 9],
  ["mrt", 10],
  ["zebra", 11],
  ["bird", 12],
  ["dnrouted", 13],
  ["xorp", 14],
  ["ntk", 15],
  ["dhcp", 16],
  ["mrouted", 17],
  ["keepalived", 18],
  ["babel", 42],
  ["openr", 99],
  ["bgp", 186],
  ["isis", 187],
  ["ospf", 188],
  ["rip", 189],
  ["eigrp", 192],
]);

/** Route scopes (rtm_scope, ifa_scope), iproute2's names ("global" is universe). */
export const SCOPES: NameMap = new NameMap("scope", [
  ["global", 0],
  ["universe", 0],
  ["site", 200],
  ["link", 253],
  ["host", 254],
  ["nowhere", 255],
]);

/** Well-known routing tables. */
export const TABLES: NameMap = new NameMap("routing table", [
  ["unspec", 0],
  ["default", 253],
  ["main", 254],
  ["local", 255],
]);

/** Route types (rtm_type). */
export const ROUTE_TYPES: NameMap = fromEnum("route type", "rtmType");

/** FIB rule actions (fib_rule_hdr.action). */
export const RULE_ACTIONS: NameMap = new NameMap("rule action", [
  ["unspec", 0],
  ["to_tbl", 1],
  ["goto", 2],
  ["nop", 3],
  ["blackhole", 6],
  ["unreachable", 7],
  ["prohibit", 8],
]);

/** Address families by name. */
export const FAMILIES: NameMap = new NameMap("address family", [
  ["unspec", 0],
  ["inet", 2],
  ["bridge", 7],
  ["inet6", 10],
  ["mpls", 28],
]);

/** Link operational states (IFLA_OPERSTATE, RFC 2863), as ip prints them. */
export const OPERSTATES: readonly string[] = [
  "UNKNOWN",
  "NOTPRESENT",
  "DOWN",
  "LOWERLAYERDOWN",
  "TESTING",
  "DORMANT",
  "UP",
];

/**
 * Names of the set bits of `mask` from a flags enum; unknown bits as hex.
 *
 * @example
 * ```ts
 * import { flagNames } from "./names.ts";
 * flagNames("ifinfoFlags", 0x1003); // ["up", "broadcast", "multicast"]
 * ```
 */
export function flagNames(enumName: string, mask: number): string[] {
  const e = RTNL.enum(enumName);
  const out: string[] = [];
  let rest = mask >>> 0;
  for (const [name, bit] of e.byName) {
    if (rest & bit) {
      out.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out;
}

/**
 * The mask of flag names (or a number passed through).
 *
 * @example
 * ```ts
 * import { flagMask } from "./names.ts";
 * flagMask("ifaFlags", ["nodad", "noprefixroute"], "flags"); // 0x202
 * ```
 */
export function flagMask(enumName: string, v: unknown, argument: string): number {
  if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return v;
  const e = RTNL.enum(enumName);
  const names = typeof v === "string" ? [v] : v;
  if (!Array.isArray(names)) {
    throw new ArgumentError(argument, `flag names (${[...e.byName.keys()].join(", ")})`, v);
  }
  let mask = 0;
  for (const n of names) {
    const bit = typeof n === "string" ? e.byName.get(n) : undefined;
    if (bit === undefined) {
      throw new ArgumentError(argument, `flag names (${[...e.byName.keys()].join(", ")})`, n);
    }
    mask |= bit;
  }
  return mask >>> 0;
}
