/**
 * `nlroute nexthop …`: shows, gets, adds, replaces and deletes nexthop objects.
 *
 * @module
 */
import { Names } from "../format/ifnames.ts";
import { NEXTHOP_FORMAT } from "../format/nexthop.ts";
import { emitFormat, type Runner } from "./output.ts";

/**
 * Runs a parsed `nexthop` command (a {@link Runner}).
 *
 * @example
 * ```ts
 * import { runNexthop } from "./nexthop.ts";
 * import type { Runner } from "./output.ts";
 * const run: Runner = runNexthop;
 * ```
 */
export const runNexthop: Runner = async (ipr, inv, opts, out) => {
  const spec = inv.spec;
  if (inv.action !== "show" && inv.action !== "get") {
    await ipr.nexthop(inv.action as "add", spec);
    return 0;
  }
  const names = Names.of(await ipr.getLinks());
  const list = inv.action === "get"
    ? [await ipr.nexthop("get", { id: spec.id as number })]
    : await ipr.getNexthops(spec);
  emitFormat(list, opts, out, NEXTHOP_FORMAT, names, inv.hide);
  return 0;
};
