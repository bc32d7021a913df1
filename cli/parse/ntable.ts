/**
 * `nlroute ntable show [ dev DEV ] [ name NAME ]` and `nlroute ntable change
 * name NAME [ dev DEV ] PARMS`: ip's neighbour table grammar.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { NTABLE_CHANGE_WORDS } from "../format/ntable.ts";
import type { Family, Invocation } from "./invocation.ts";
import { inv, withFamily } from "./invocation.ts";
import { ifnameValue } from "./addresses.ts";
import { integer } from "./values.ts";
import type { Words } from "./words.ts";

/**
 * Parses the words after `ntable show` or `ntable change`.
 */
export function parseNtable(w: Words, action: string, family: Family): Invocation {
  const spec: Record<string, unknown> = {};
  const parms: Record<string, number> = {};
  while (!w.done) {
    const k = w.next();
    if (k === "dev") spec.index = ifnameValue(w.value("dev"), "dev");
    else if (k === "name") spec.name = w.value("name");
    else if (action === "set" && (k === "thresh1" || k === "thresh2" || k === "thresh3")) {
      spec[k] = integer(w.value(k), k);
    } else if (action === "set" && k === "gc_int") spec.gcInterval = integer(w.value(k), k);
    else if (action === "set" && Object.hasOwn(NTABLE_CHANGE_WORDS, k)) {
      parms[NTABLE_CHANGE_WORDS[k]!] = integer(w.value(k), k);
    } else {throw new UsageError(
        `Unknown argument "${k}" in "ntable ${action === "set" ? "change" : action}".`,
      );}
  }
  if (action === "set") {
    if (spec.name === undefined) throw new UsageError(`"ntable change" needs a table name.`);
    if (Object.keys(parms).length) spec.parms = parms;
  }
  return inv("ntable", action, withFamily(spec, family));
}
