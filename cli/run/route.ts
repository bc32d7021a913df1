/**
 * `nlroute route …`: shows routes (cached clones left out, as ip does; `root`
 * and `match` select by prefix as ip's do), gets
 * the route the kernel picks, adds, changes, deletes and flushes routes.
 *
 * @module
 */
import { Names } from "../format/ifnames.ts";
import { ROUTE_FORMAT, RTM_F_CLONED } from "../format/route.ts";
import { UsageError } from "../errors.ts";
import { emitFormat, type Runner } from "./output.ts";
import { covers, within } from "./prefix.ts";

/**
 * Runs a parsed `route` command (a {@link Runner}).
 */
export const runRoute: Runner = async (ipr, inv, opts, out) => {
  const spec = inv.spec;
  const { root, match } = inv.extras;
  if (inv.action === "show") {
    const names = Names.of(await ipr.getLinks());
    const routes = (await ipr.getRoutes(spec)).filter((r) =>
      !(r.flags & RTM_F_CLONED) &&
      (root === undefined || within(r.dst, root, r.family)) &&
      (match === undefined || covers(r.dst, match, r.family))
    );
    emitFormat(routes, opts, out, ROUTE_FORMAT, names, inv.hide);
  } else if (inv.action === "flush") {
    if (root !== undefined || match !== undefined) {
      throw new UsageError(`"route flush" with root or match is not supported by nlroute yet.`);
    }
    await ipr.flushRoutes(spec);
  } else if (inv.action === "get") {
    const r = await ipr.route("get", spec);
    emitFormat([r], opts, out, ROUTE_FORMAT, Names.of(await ipr.getLinks()));
  } else await ipr.route(inv.action as "add", spec);
  return 0;
};
