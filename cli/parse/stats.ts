/**
 * `nlroute stats show [ dev DEV ] group link`: ip stats' grammar for the
 * group nlroute prints.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { Family, Invocation } from "./invocation.ts";
import { inv } from "./invocation.ts";
import { ifnameValue } from "./addresses.ts";
import type { Words } from "./words.ts";

/**
 * Parses the words after `stats show`.
 */
export function parseStats(w: Words, _action: string, _family: Family): Invocation {
  const spec: Record<string, unknown> = {};
  let group: string | undefined;
  while (!w.done) {
    const k = w.next();
    if (k === "dev") spec.index = ifnameValue(w.value("dev"), "dev");
    else if (k === "group") group = w.value("group");
    else throw new UsageError(`Unknown argument "${k}" in "stats show".`);
  }
  if (group !== "link") {
    throw new UsageError(
      group === undefined
        ? `"stats show" needs "group link" in nlroute (ip's other groups are IPRoute's stats groups).`
        : `Group "${group}" of ip stats is not supported by nlroute (only "link").`,
    );
  }
  return inv("stats", "show", spec);
}
