/**
 * `nlroute rule …`: shows, adds and deletes rules, and flushes them as ip
 * does (every rule of the family the selectors pick, but those of priority 0).
 *
 * @module
 */
import { Names } from "../format/ifnames.ts";
import { RULE_FORMAT } from "../format/rule.ts";
import { sendDeletes } from "./flush.ts";
import { emitFormat, type Runner } from "./output.ts";

/**
 * Runs a parsed `rule` command (a {@link Runner}).
 */
export const runRule: Runner = async (ipr, inv, opts, out) => {
  if (inv.action === "flush") {
    // ip deletes the rules that carry a priority: all but priority 0 (the kernel's `local`).
    const b = ipr.batch();
    for (const r of await ipr.getRules(inv.spec)) if (r.priority) b.rule("del", r.key());
    await sendDeletes(b);
  } else if (inv.action !== "show") await ipr.rule(inv.action as "add", inv.spec);
  else emitFormat(await ipr.getRules(inv.spec), opts, out, RULE_FORMAT, new Names());
  return 0;
};
