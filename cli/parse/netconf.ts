/**
 * `nlroute netconf show [ dev DEV ]`: ip's netconf grammar.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { Family, Invocation } from "./invocation.ts";
import { inv, withFamily } from "./invocation.ts";
import { ifnameValue } from "./addresses.ts";
import type { Words } from "./words.ts";

/**
 * Parses the words after `netconf show`.
 */
export function parseNetconf(w: Words, _action: string, family: Family): Invocation {
  const spec: Record<string, unknown> = {};
  while (!w.done) {
    const k = w.next();
    if (k === "dev") spec.index = ifnameValue(w.value("dev"), "dev");
    else throw new UsageError(`Unknown argument "${k}" in "netconf show".`);
  }
  return inv("netconf", "show", withFamily(spec, family));
}
