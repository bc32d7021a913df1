/**
 * `nlroute nexthop …`: shows, gets, adds, replaces and deletes nexthop
 * objects, and flushes them as ip does (groups first when flushing all).
 *
 * @module
 */
import type { IPRoute, Nexthop } from "../../mod.ts";
import { ROUTE_PROTOCOLS } from "../../iproute/names.ts";
import { numberOf } from "../format/fields.ts";
import { Names } from "../format/ifnames.ts";
import { NEXTHOP_FORMAT } from "../format/nexthop.ts";
import type { Spec } from "../parse/invocation.ts";
import { sendDeletes } from "./flush.ts";
import { emitFormat, type Runner } from "./output.ts";

/** The nexthops a show or flush selects (`protocol` is checked here, the rest by IPRoute). */
async function selected(ipr: IPRoute, spec: Spec): Promise<Nexthop[]> {
  const { protocol, ...filter } = spec;
  const list = await ipr.getNexthops(filter);
  return protocol === undefined
    ? list
    : list.filter((n) => numberOf(n.protocol, ROUTE_PROTOCOLS) === protocol);
}

/**
 * `nexthop flush`: deletes what the selectors pick, in one batch; without
 * selectors the groups go first, then every other nexthop (as ip does).
 * Prints `Flushed N nexthops` or `Nothing to flush`, as ip does.
 */
async function flush(ipr: IPRoute, spec: Spec): Promise<string> {
  const all = Object.keys(spec).length === 0;
  const found = await selected(ipr, spec);
  const ordered = all
    ? [...found.filter((n) => n.group !== undefined), ...found.filter((n) => n.group === undefined)]
    : found;
  const b = ipr.batch();
  for (const n of ordered) b.nexthop("del", { id: n.id! });
  const count = await sendDeletes(b);
  return count ? `Flushed ${count} nexthops\n` : "Nothing to flush\n";
}

/**
 * Runs a parsed `nexthop` command (a {@link Runner}).
 */
export const runNexthop: Runner = async (ipr, inv, opts, out) => {
  const spec = inv.spec;
  if (inv.action === "flush") {
    out.write(await flush(ipr, spec));
    return 0;
  }
  if (inv.action !== "show" && inv.action !== "get") {
    await ipr.nexthop(inv.action as "add", spec);
    return 0;
  }
  const names = Names.of(await ipr.getLinks());
  const list = inv.action === "get"
    ? [await ipr.nexthop("get", { id: spec.id as number })]
    : await selected(ipr, spec);
  emitFormat(list, opts, out, NEXTHOP_FORMAT, names, inv.hide);
  return 0;
};
