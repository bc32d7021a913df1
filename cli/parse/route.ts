/**
 * `nlroute route show | add | del | change | replace | append | get | flush`:
 * ip's route grammar (types, metrics, multipath `nexthop` groups).
 *
 * @module
 */
import { parseEncap } from "./route_encap.ts";
import { ArgumentError } from "../../core/errors.ts";
import { AF_INET } from "../../core/address.ts";
import { ROUTE_METRICS, ROUTE_PREFS, ROUTE_TYPES } from "../../iproute/names.ts";
import { RTNL } from "../../iproute/registry.ts";
import { UsageError } from "../errors.ts";
import type { Extras, Family, Invocation, Spec } from "./invocation.ts";
import { inv } from "./invocation.ts";
import { checkFamily, familyOf, ifnameValue, ipAddress, ipPrefix } from "./addresses.ts";
import { integer, lookup, oneOf, protocolValue, scopeValue, tableValue } from "./values.ts";
import type { Words } from "./words.ts";

/**
 * The route types one names (`blackhole`, `unreachable`, …): the tables'
 * `rtmType` names but `unspec` (no type) and `xresolve` (unused).
 */
const ROUTE_TYPE_WORDS = ROUTE_TYPES.names().filter((n) => n !== "unspec" && n !== "xresolve");

/**
 * ip's metric keywords → the metrics table's names (`rto_min` → `rtoMin`): the
 * numeric metrics but `lock` (the lock mask) and `features` (named bits).
 */
const METRIC_WORDS: Record<string, string> = Object.fromEntries(
  [...RTNL.set("metrics").byName.values()]
    .filter((d) => d.kind === "u32" && d.name !== "lock" && d.name !== "features")
    .map((d) => [String(ROUTE_METRICS.name(d.type)), d.name]),
);

/** The words after `nexthop` in a multipath route, up to the next `nexthop`. */
function parseHop(w: Words, index: number): Spec {
  const nh: Spec = {};
  while (!w.done && w.peek() !== "nexthop") {
    const k = w.next();
    if (k === "via") nh.gateway = ipAddress(gatewayWord(w, w.next()), "nexthop via");
    else if (k === "dev") nh.oif = ifnameValue(w.next(), "nexthop dev");
    else if (k === "weight") nh.weight = integer(w.next(), "nexthop weight", 1, 256);
    else if (k === "onlink") nh.onlink = true;
    else if (k === "encap" && nh.encap === undefined) {
      nh.encap = parseEncap(w, `nexthop${index}.encap.`);
    } else throw w.garbage(k);
  }
  if (nh.gateway === undefined && nh.oif === undefined) throw w.incomplete();
  return nh;
}

/**
 * The address after `via`, skipping ip's optional family word (`via inet6 ADDR`).
 */
export function gatewayWord(w: Words, word: string): string {
  return word === "inet" || word === "inet6" ? w.next() : word;
}

function dstValue(word: string, keyword: string): string {
  return word === "default" ? "default" : ipPrefix(word, keyword);
}

/** `table`, `dev`, … of `route show` and `route flush`: a selector, and the field it hides. */
const SELECTORS: Record<
  string,
  [key: string, hide: string, read: (w: Words, k: string) => unknown]
> = {
  dev: ["oif", "dev", (w) => ifnameValue(w.value("dev"), "dev")],
  oif: ["oif", "dev", (w) => ifnameValue(w.value("dev"), "dev")],
  iif: ["iif", "iif", (w, k) => ifnameValue(w.value(k), k)],
  proto: ["proto", "protocol", (w, k) => protocolValue(w.value("proto"), k)],
  protocol: ["proto", "protocol", (w, k) => protocolValue(w.value("proto"), k)],
  type: [
    "type",
    "type",
    (w, k) => oneOf(w.value(k), ROUTE_TYPE_WORDS, k, ROUTE_TYPE_WORDS.join(", ")),
  ],
  scope: ["scope", "scope", (w, k) => scopeValue(w.value(k), k)],
  via: ["gateway", "gateway", (w, k) => ipAddress(w.value(k), k)],
  src: ["prefsrc", "prefsrc", (w, k) => ipAddress(w.value(k), k)],
};

/**
 * The destination of `route show` and `route flush`: `[ to ] [ root | match |
 * exact ] PREFIX` (ip: root selects the routes inside the prefix, match those
 * that cover it, exact, the default, that one prefix).
 */
function readSelectedDst(w: Words, k: string, spec: Spec, extras: Extras): void {
  const taken = spec.dst !== undefined || extras.root !== undefined || extras.match !== undefined;
  if (taken) throw w.garbage(k);
  let word = k === "to" ? w.value("to") : k;
  const how = word === "root" || word === "match" || word === "exact" ? word : "exact";
  if (how === word) word = w.next();
  if (k !== "to") w.once("to");
  const prefix = dstValue(word, how === "exact" ? "to" : how);
  if (how === "root") extras.root = prefix;
  else if (how === "match") extras.match = prefix;
  else spec.dst = prefix;
}

function parseShow(w: Words, action: string, family: Family): Invocation {
  const spec: Spec = {};
  const hide = new Set<string>();
  const extras: Extras = {};
  while (!w.done) {
    const k = w.next();
    const selector = SELECTORS[k];
    if (selector) {
      const [key, hidden, read] = selector;
      spec[key] = read(w, k);
      hide.add(hidden);
    } else if (k === "table") {
      const v = w.value(k);
      if (v === "all") {
        extras.allTables = true;
        spec.table = undefined;
      } else {
        spec.table = tableValue(v, k);
        hide.add("table");
      }
    } else if (k === "metric" || k === "priority" || k === "preference") {
      spec.priority = integer(w.value("metric"), k);
    } else readSelectedDst(w, k, spec, extras);
  }
  const selects = extras.allTables || extras.root !== undefined || extras.match !== undefined;
  if (action === "flush" && Object.keys(spec).length === 0 && !selects) {
    throw new UsageError(`Flush requires arguments, try "nlroute route help".`);
  }
  if (extras.allTables) delete spec.table;
  else spec.table ??= 254;
  // ip route shows IPv4 unless asked otherwise (-6, an IPv6 prefix or
  // gateway), except for `table all`.
  const given = [spec.dst, extras.root, extras.match, spec.gateway, spec.prefsrc].find((v) =>
    typeof v === "string" && v !== "default"
  );
  const fam = family || (given !== undefined ? familyOf(String(given)) : 0) ||
    (extras.allTables ? 0 : AF_INET);
  if (fam) spec.family = fam;
  return inv("route", action, spec, extras, hide);
}

/** What `route get` takes. */
const GET_KEYS = ["dst", "src", "iif", "oif", "mark", "family", "tos", "table"];

/**
 * Parses the words after `route ACTION`.
 */
export function parseRoute(w: Words, action: string, family: Family): Invocation {
  if (action === "show" || action === "flush" || action === "save") {
    return parseShow(w, action, family);
  }
  if (action === "restore" || action === "showdump") {
    if (!w.done) {
      throw new UsageError(`"route ${action}" reads standard input and takes no arguments.`);
    }
    return inv("route", action, {});
  }
  const spec: Spec = {};
  const metrics: Spec = {};
  while (!w.done) {
    const k = w.next();
    if (k === "to") spec.dst = dstValue(w.value(k, "dst"), k);
    else if (ROUTE_TYPE_WORDS.includes(k) && spec.type === undefined && spec.dst === undefined) {
      spec.type = k;
    } else if (k === "via") spec.gateway = ipAddress(gatewayWord(w, w.value(k)), k);
    else if (k === "dev" || k === "oif") spec.oif = ifnameValue(w.value("dev"), "dev");
    else if (k === "iif") spec.iif = ifnameValue(w.value(k), k);
    else if (k === "src") spec.prefsrc = ipAddress(w.value(k), k);
    else if (k === "from" && action === "get") spec.src = ipAddress(w.value(k), k);
    else if (k === "from") spec.src = ipPrefix(w.value(k), k);
    else if (k === "table") spec.table = tableValue(w.value(k), k);
    else if (k === "metric" || k === "priority" || k === "preference") {
      spec.priority = integer(w.value(k, "metric"), k);
    } else if (k === "proto" || k === "protocol") spec.proto = protocolValue(w.value("proto"), k);
    else if (k === "scope") spec.scope = scopeValue(w.value(k), k);
    else if (k === "tos" || k === "dsfield") spec.tos = integer(w.value("tos"), k, 0, 255);
    else if (k === "onlink") (w.once(k), spec.onlink = true);
    else if (k === "nhid") spec.nhId = integer(w.value(k), k, 1);
    else if (k === "mark") spec.mark = integer(w.value(k), k);
    else if (k === "pref") {
      const v = w.value(k);
      const p = lookup(ROUTE_PREFS, v);
      if (p === undefined) throw new ArgumentError(k, "low, medium or high", v, "argument");
      spec.pref = p;
    } else if (k === "expires") spec.expires = integer(w.value(k), k);
    else if (METRIC_WORDS[k]) {
      const v = w.value(k);
      if (v === "lock") {
        throw new UsageError(`argument "${k} lock" is not supported by nlroute yet.`);
      }
      metrics[METRIC_WORDS[k]!] = integer(v, k);
    } else if (k === "encap") spec.encap = parseEncap(w, "encap.");
    else if (k === "nexthop") {
      const hops = (spec.multipath ??= []) as Spec[];
      hops.push(parseHop(w, hops.length));
    } else if (spec.dst === undefined) spec.dst = dstValue(k, "to");
    else throw w.garbage(k);
  }
  if (Object.keys(metrics).length) spec.metrics = metrics;
  if (spec.dst === undefined) throw w.incomplete();
  checkFamily(family, [spec.dst], "to", "prefix");
  if (family) spec.family = family;
  if (action === "get") {
    for (const k of Object.keys(spec)) {
      if (!GET_KEYS.includes(k)) {
        throw new UsageError(`Unknown argument for "route get": ${k}, try "nlroute route help".`);
      }
    }
  }
  return inv("route", action, spec);
}
