/**
 * `nlroute rule show | add | del`: ip's rule grammar (selectors, then the action).
 *
 * @module
 */
import { AF_INET } from "../../core/address.ts";
import { IP_PROTOCOLS, ROUTE_TYPES, RULE_ACTIONS } from "../../iproute/names.ts";
import type { Family, Invocation, Spec } from "./invocation.ts";
import { inv } from "./invocation.ts";
import { checkFamily, ifnameValue, ipPrefix } from "./addresses.ts";
import { integer, lookup, oneOf, protocolValue, range, tableValue } from "./values.ts";
import type { Words } from "./words.ts";

/**
 * The actions that end a lookup (`blackhole`, `unreachable`, `prohibit`): the
 * rule actions that are route types too.
 */
const TERMINAL_ACTIONS = RULE_ACTIONS.names().filter((n) =>
  n !== "unspec" && ROUTE_TYPES.names().includes(n)
);

/** `type TYPE`: unicast (a lookup) or a terminal action. */
const TYPE_WORDS = ["unicast", ...TERMINAL_ACTIONS];

/** `from` / `to`: a prefix, or `all` (no selector). */
function selector(w: Words, k: string): string | undefined {
  const v = w.value(k);
  return v === "all" ? undefined : ipPrefix(v, k);
}

/**
 * Parses the words after `rule ACTION`.
 */
export function parseRule(w: Words, action: string, family: Family): Invocation {
  const spec: Spec = {};
  while (!w.done) {
    const k = w.next();
    if (k === "not") (w.once(k), spec.invert = true);
    else if (k === "from") {
      const v = selector(w, k);
      if (v !== undefined) spec.src = v;
    } else if (k === "to") {
      const v = selector(w, k);
      if (v !== undefined) spec.dst = v;
    } else if (k === "priority" || k === "preference" || k === "pref" || k === "order") {
      spec.priority = integer(w.value(k, "priority"), k);
    } else if (k === "table" || k === "lookup") spec.table = tableValue(w.value(k, "table"), k);
    else if (k === "iif" || k === "dev") spec.iifname = ifnameValue(w.value(k, "iif"), k);
    else if (k === "oif") spec.oifname = ifnameValue(w.value(k), k);
    else if (k === "fwmark") {
      const [mark, mask] = w.value(k).split("/");
      spec.fwmark = integer(mark!, k);
      if (mask !== undefined) spec.fwmask = integer(mask, "fwmask");
    } else if (k === "tos" || k === "dsfield") spec.tos = integer(w.value(k, "tos"), k, 0, 255);
    else if (k === "protocol" || k === "proto") {
      spec.protocol = protocolValue(w.value(k, "protocol"), k);
    } else if (k === "ipproto") {
      const v = w.value(k);
      spec.ipProto = lookup(IP_PROTOCOLS, v) ?? integer(v, k, 0, 255);
    } else if (k === "sport") spec.sportRange = range(w.value(k), k, 0xffff);
    else if (k === "dport") spec.dportRange = range(w.value(k), k, 0xffff);
    else if (k === "uidrange") spec.uidRange = range(w.value(k), k, 0xffffffff);
    else if (k === "suppress_prefixlength") {
      spec.suppressPrefixlen = integer(w.value(k), k, 0, 128);
    } else if (k === "suppress_ifgroup") spec.suppressIfgroup = integer(w.value(k), k);
    else if (k === "goto") {
      spec.action = "goto";
      spec.goto = integer(w.value(k), k);
    } else if (k === "nop") (w.once(k, "action"), spec.action = "nop");
    else if (k === "l3mdev") (w.once(k), spec.l3mdev = 1);
    else if (TERMINAL_ACTIONS.includes(k)) (w.once(k, "action"), spec.action = k);
    else if (k === "type") {
      const v = oneOf(w.value(k, "action"), TYPE_WORDS, k);
      if (v !== "unicast") spec.action = v;
    } else throw w.garbage(k);
  }
  if (action === "show" || action === "flush") {
    // ip rule shows (and flushes) IPv4 unless -6.
    spec.family = family || AF_INET;
    return inv("rule", action, spec);
  }
  checkFamily(family, [spec.src, spec.dst], "from", "prefix", spec.src ?? spec.dst);
  if (family) spec.family = family;
  return inv("rule", action, spec);
}
