/**
 * `nlroute addrlabel { add | del } prefix PREFIX [ dev DEV ] [ label N ]`,
 * `addrlabel { list | flush }`: ip's IPv6 address label grammar.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { Family, Invocation } from "./invocation.ts";
import { inv } from "./invocation.ts";
import { ifnameValue, ipPrefix } from "./addresses.ts";
import { integer } from "./values.ts";
import type { Words } from "./words.ts";

/**
 * Parses the words after `addrlabel ACTION`.
 */
export function parseAddrlabel(w: Words, action: string, _family: Family): Invocation {
  const spec: Record<string, unknown> = {};
  if (action === "show" || action === "flush") {
    if (!w.done) throw new UsageError(`"${w.next()}" is garbage after "addrlabel ${action}".`);
    return inv("addrlabel", action, spec);
  }
  while (!w.done) {
    const k = w.next();
    if (k === "prefix") spec.prefix = ipPrefix(w.value("prefix"), "prefix");
    else if (k === "dev") spec.index = ifnameValue(w.value("dev"), "dev");
    else if (k === "label") spec.label = integer(w.value("label"), "label", 0, 0xfffffffe);
    else throw new UsageError(`Unknown argument "${k}" in "addrlabel ${action}".`);
  }
  if (spec.prefix === undefined) {
    throw new UsageError(`"addrlabel ${action}" needs a prefix.`);
  }
  if (action === "add" && spec.label === undefined) {
    throw new UsageError(`"addrlabel add" needs a label.`);
  }
  return inv("addrlabel", action, spec);
}
