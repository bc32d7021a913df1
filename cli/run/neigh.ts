/**
 * `nlroute neigh …`: shows neighbours (by state, proxy entries apart, as ip
 * selects them), adds, changes and deletes them.
 *
 * @module
 */
import type { Neighbour } from "../../mod.ts";
import { RTNL } from "../../iproute/registry.ts";
import { Names } from "../format/ifnames.ts";
import { NEIGH_BRIEF, NEIGH_FORMAT } from "../format/neigh.ts";
import type { Spec } from "../parse/invocation.ts";
import { NUD_NONE_BIT } from "../parse/neigh.ts";
import { emitFormat, indexOf, type Runner } from "./output.ts";

const NUD = RTNL.enum("nudState");

/** ip's default: every state but NOARP, and not entries in state none. */
const DEFAULT_STATES = [...NUD.byName].reduce(
  (m, [name, bit]) => (name === "noarp" ? m : m | bit),
  0,
);

/**
 * Runs a parsed `neigh` command (a {@link Runner}).
 *
 * @example
 * ```ts
 * import { runNeigh } from "./neigh.ts";
 * import type { Runner } from "./output.ts";
 * const run: Runner = runNeigh;
 * ```
 */
export const runNeigh: Runner = async (ipr, inv, opts, out) => {
  if (inv.action !== "show") {
    await ipr.neigh(inv.action as "add", inv.spec);
    return 0;
  }
  const names = Names.of(await ipr.getLinks());
  const filter: Spec = { ...inv.spec };
  if (filter.index !== undefined) await indexOf(ipr, filter.index as string);
  const proxy = inv.extras.proxy === true;
  if (proxy) filter.flags = ["proxy"];
  const mask = inv.extras.nud ?? DEFAULT_STATES;
  const neighs = (await ipr.getNeighbours(filter)).filter((n: Neighbour) => {
    if (proxy) return n.flags.includes("proxy");
    if (n.flags.includes("proxy")) return false;
    if (n.stateValue === 0) return (mask & NUD_NONE_BIT) !== 0;
    return (n.stateValue & mask) !== 0;
  });
  emitFormat(neighs, opts, out, opts.brief ? NEIGH_BRIEF : NEIGH_FORMAT, names, inv.hide);
  return 0;
};
