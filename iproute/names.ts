/**
 * Names for rtnetlink numbers, as iproute2 prints them (its rt_protos,
 * rt_scopes, rt_tables files and the kernel's enums). Each map converts both
 * ways through {@link NameMap}.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import { FR_ACT, RT_SCOPE, RT_TABLE, RTPROT } from "../core/tables/constants.ts";
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

/** `[lower-case name, value]` pairs of a generated constant group. */
function lower(values: Readonly<Record<string, number>>, except: readonly string[] = []) {
  return Object.entries(values).filter(([k]) => !except.includes(k))
    .map(([k, v]) => [k.toLowerCase(), v] as const);
}

/** Route protocols (rtm_protocol, the kernel's RTPROT_*), as iproute2's rt_protos names them. */
export const ROUTE_PROTOCOLS: NameMap = new NameMap("route protocol", lower(RTPROT));

/** Route scopes (rtm_scope, ifa_scope), iproute2's names ("global" is universe). */
export const SCOPES: NameMap = new NameMap("scope", [
  ["global", RT_SCOPE.UNIVERSE],
  ...lower(RT_SCOPE),
]);

/** Well-known routing tables (iproute2's rt_tables: unspec, default, main, local). */
export const TABLES: NameMap = new NameMap("routing table", lower(RT_TABLE, ["COMPAT"]));

/** Route types (rtm_type). */
export const ROUTE_TYPES: NameMap = fromEnum("route type", "rtmType");

/** FIB rule actions (fib_rule_hdr.action, the kernel's FR_ACT_*; the reserved ones left out). */
export const RULE_ACTIONS: NameMap = new NameMap("rule action", lower(FR_ACT, ["RES3", "RES4"]));

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
