/**
 * `nlroute address show | add | change | replace | del | flush`: ip's
 * address grammar.
 *
 * @module
 */
import { AF_INET } from "../../core/address.ts";
import { ADDR_FLAG_NAMES } from "../../iproute/names.ts";
import { RTNL } from "../../iproute/registry.ts";
import { UsageError } from "../errors.ts";
import type { Extras, Family, Invocation, Spec } from "./invocation.ts";
import { inv, withFamily } from "./invocation.ts";
import { checkFamily, familyOf, ifnameValue, ipAddress, ipPrefix } from "./addresses.ts";
import { integer, scopeValue } from "./values.ts";
import type { Words } from "./words.ts";

/** The address flags one can set (the tables' names); ip's words for them come from ADDR_FLAG_NAMES. */
const SETTABLE_FLAGS = [
  "homeaddress",
  "nodad",
  "managetempaddr",
  "noprefixroute",
  "mcautojoin",
  "optimistic",
];

/** ip's word (`mngtmpaddr`) → the tables' name (`managetempaddr`). */
const FLAG_WORDS: Record<string, string> = Object.fromEntries(
  SETTABLE_FLAGS.map((n) => [ADDR_FLAG_NAMES.name(RTNL.enum("ifaFlags").byName.get(n)!), n]),
);

function lifetime(word: string, keyword: string): number {
  return word === "forever" ? 0xffffffff : integer(word, keyword);
}

/**
 * Parses the words after `address ACTION`.
 */
export function parseAddr(w: Words, action: string, family: Family): Invocation {
  if (action === "show" || action === "flush") return parseShow(w, action, family);
  const spec: Spec = {};
  const flags: string[] = [];
  while (!w.done) {
    const k = w.next();
    if (k === "dev") spec.index = ifnameValue(w.value(k), "dev");
    else if (k === "local") spec.address = ipPrefix(w.value(k, "local"), k);
    else if (k === "peer" || k === "remote") spec.peer = ipPrefix(w.value(k), k);
    else if (k === "broadcast" || k === "brd") {
      const v = w.value(k, "broadcast");
      spec.broadcast = v === "+" ? true : v === "-" ? false : ipAddress(v, k);
    } else if (k === "label") spec.label = w.value(k);
    else if (k === "scope") spec.scope = scopeValue(w.value(k), k);
    else if (k === "metric" || k === "priority") spec.metric = integer(w.value(k, "metric"), k);
    else if (k === "valid_lft") spec.validLifetime = lifetime(w.value(k), k);
    else if (k === "preferred_lft") spec.preferredLifetime = lifetime(w.value(k), k);
    else if (k === "proto") spec.proto = integer(w.value(k), k, 0, 255);
    else if (FLAG_WORDS[k]) (w.once(k), flags.push(FLAG_WORDS[k]!));
    else if (spec.address === undefined) spec.address = ipPrefix(k, "local");
    else throw w.garbage(k);
  }
  if (spec.address === undefined) throw w.incomplete();
  if (spec.index === undefined) throw w.required('"dev" argument');
  if (flags.length) spec.flags = flags;
  if (spec.peer !== undefined) {
    // ip's peer: IFA_LOCAL is the address, IFA_ADDRESS the peer (with the prefix length).
    const local = String(spec.address).split("/")[0]!;
    spec.local = local;
    spec.address = String(spec.peer).includes("/")
      ? spec.peer
      : `${spec.peer}/${familyOf(local) === AF_INET ? 32 : 128}`;
    delete spec.peer;
  }
  checkFamily(family, [spec.address], "local", "address");
  return inv("addr", action, spec);
}

function parseShow(w: Words, action: string, family: Family): Invocation {
  const spec: Spec = {};
  const extras: Extras = {};
  while (!w.done) {
    const k = w.next();
    if (k === "dev") spec.index = ifnameValue(w.value(k), "dev");
    else if (k === "up") (w.once(k), extras.up = true);
    else if (k === "scope") spec.scope = scopeValue(w.value(k), k);
    else if (k === "label") spec.label = w.value(k);
    else if (k === "to") spec.address = ipPrefix(w.value(k), k);
    else if (spec.index === undefined && action === "show") spec.index = ifnameValue(k, "dev");
    else throw w.garbage(k);
  }
  if (action === "flush" && Object.keys(spec).length === 0) {
    throw new UsageError(`Flush requires arguments, try "nlroute address help".`);
  }
  return inv("addr", action, withFamily(spec, family), extras);
}
