/**
 * `nlroute neigh show | add | del | change | replace`: ip's neighbour grammar.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { nudState } from "../../iproute/neigh/request.ts";
import { NEIGH_FLAG_NAMES } from "../../iproute/names.ts";
import { RTNL } from "../../iproute/registry.ts";
import { UsageError } from "../errors.ts";
import type { Extras, Family, Invocation, Spec } from "./invocation.ts";
import { inv, withFamily } from "./invocation.ts";
import { ifnameValue, ipAddress, macAddress } from "./addresses.ts";
import { lookup } from "./values.ts";
import type { Words } from "./words.ts";

const NUD = RTNL.enum("nudState");

/**
 * The bit `neigh show nud none` stands for in {@link Extras.nud}: entries in
 * state none have no NUD bit set.
 */
export const NUD_NONE_BIT = 0x100;

/** Every NUD state, and none (`nud all`). */
const NUD_ALL = [...NUD.byValue.keys()].reduce((m, bit) => m | bit, NUD_NONE_BIT);

/** NUD state names as `ip neigh` accepts them: none, then the tables' `nudState` names. */
const NUD_WORDS = ["none", ...NUD.byName.keys()];

/** The neighbour flags one sets, by the tables' names; ip's words come from NEIGH_FLAG_NAMES. */
const SETTABLE_FLAGS = ["router", "extLearned"];

function flagWord(word: string): string | undefined {
  const bit = lookup(NEIGH_FLAG_NAMES, word);
  const name = bit === undefined ? undefined : RTNL.enum("ntfFlags").byValue.get(bit);
  return name !== undefined && SETTABLE_FLAGS.includes(name) ? name : undefined;
}

/** What `neigh flush` removes without `nud`: every state but PERMANENT and NOARP (ip's default). */
const FLUSH_DEFAULT = NUD_ALL & ~(NUD.byName.get("permanent")! | NUD.byName.get("noarp")!);

function nudMask(word: string, flush: boolean): number {
  // ip's `nud all` keeps NOARP entries out of a flush.
  if (word === "all") return flush ? NUD_ALL & ~NUD.byName.get("noarp")! : NUD_ALL;
  if (word === "none") return NUD_NONE_BIT;
  if (!NUD_WORDS.includes(word)) {
    throw new ArgumentError("nud", `${NUD_WORDS.join(", ")} or all`, word, "argument");
  }
  return nudState(word, "nud");
}

function parseShow(w: Words, family: Family, action: string): Invocation {
  const flush = action === "flush";
  if (flush && w.done) throw new UsageError(`Flush requires arguments, try "nlroute neigh help".`);
  const spec: Spec = {};
  const hide = new Set<string>();
  const extras: Extras = {};
  let nud: number | undefined;
  while (!w.done) {
    const k = w.next();
    if (k === "dev") {
      spec.index = ifnameValue(w.value(k), "dev");
      hide.add("dev");
    } else if (k === "nud") nud = (nud ?? 0) | nudMask(w.next(), flush);
    else if (k === "proxy") (w.once(k), extras.proxy = true);
    else if (k === "to") spec.dst = ipAddress(w.value(k), k);
    else if (spec.dst === undefined) spec.dst = ipAddress(k, "to");
    else throw w.garbage(k);
  }
  if (nud !== undefined || flush) extras.nud = nud ?? FLUSH_DEFAULT;
  return inv("neigh", action, withFamily(spec, family), extras, hide);
}

/**
 * Parses the words after `neigh ACTION`.
 */
export function parseNeigh(w: Words, action: string, family: Family): Invocation {
  if (action === "show" || action === "flush") return parseShow(w, family, action);
  const spec: Spec = {};
  const flags: string[] = [];
  while (!w.done) {
    const k = w.next();
    const flag = flagWord(k);
    if (k === "dev") spec.index = ifnameValue(w.value(k), "dev");
    else if (k === "lladdr") spec.lladdr = macAddress(w.value(k), k);
    else if (k === "nud") {
      const v = w.value(k);
      if (!NUD_WORDS.includes(v)) throw new ArgumentError(k, NUD_WORDS.join(", "), v, "argument");
      spec.state = v;
    } else if (flag !== undefined) (w.once(k), flags.push(flag));
    else if (k === "proxy") {
      w.once(k);
      flags.push("proxy");
      spec.dst = ipAddress(w.value("proxy", "dst"), "proxy");
    } else if (k === "to") spec.dst = ipAddress(w.value(k, "dst"), k);
    else if (spec.dst === undefined) spec.dst = ipAddress(k, "to");
    else throw w.garbage(k);
  }
  if (spec.dst === undefined) throw w.incomplete();
  if (spec.index === undefined) throw w.required('"dev" argument');
  if (flags.length) spec.flags = flags;
  if (family) spec.family = family;
  return inv("neigh", action, spec);
}
