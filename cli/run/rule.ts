/**
 * `nlroute rule …`: shows, adds and deletes rules.
 *
 * @module
 */
import { Names } from "../format/ifnames.ts";
import { RULE_FORMAT } from "../format/rule.ts";
import { emitFormat, type Runner } from "./output.ts";

/**
 * Runs a parsed `rule` command (a {@link Runner}).
 *
 * @example
 * ```ts
 * import { runRule } from "./rule.ts";
 * import type { Runner } from "./output.ts";
 * const run: Runner = runRule;
 * ```
 */
export const runRule: Runner = async (ipr, inv, opts, out) => {
  if (inv.action !== "show") await ipr.rule(inv.action as "add", inv.spec);
  else emitFormat(await ipr.getRules(inv.spec), opts, out, RULE_FORMAT, new Names());
  return 0;
};
