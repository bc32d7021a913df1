/**
 * `nlroute neigh …`: shows neighbours (by state, proxy entries apart, as ip
 * selects them), adds, changes and deletes them, and flushes them as ip does
 * (rounds of dump and delete until nothing is left).
 *
 * @module
 */
import type { IPRoute, Neighbour } from "../../mod.ts";
import { RTNL } from "../../iproute/registry.ts";
import { Names } from "../format/ifnames.ts";
import { NEIGH_BRIEF, NEIGH_FORMAT } from "../format/neigh.ts";
import type { Invocation, Spec } from "../parse/invocation.ts";
import { NUD_NONE_BIT } from "../parse/neigh.ts";
import { sendDeletes } from "./flush.ts";
import { emitFormat, indexOf, type Output, type Runner } from "./output.ts";

const NUD = RTNL.enum("nudState");
const NUD_FAILED = NUD.byName.get("failed")!;

/** ip's default: every state but NOARP, and not entries in state none. */
const DEFAULT_STATES = [...NUD.byName].reduce(
  (m, [name, bit]) => (name === "noarp" ? m : m | bit),
  0,
);

/** ip's neigh flush gives up after this many rounds. */
const MAX_ROUNDS = 10;

/** The dump filter of a show or flush command (`proxy` asks the kernel for proxy entries). */
async function dumpFilter(ipr: IPRoute, inv: Invocation): Promise<Spec> {
  const filter: Spec = { ...inv.spec };
  if (filter.index !== undefined) await indexOf(ipr, filter.index as string);
  if (inv.extras.proxy) filter.flags = ["proxy"];
  return filter;
}

/** What ip flushes: entries in a chosen state, proxy and externally learned ones whatever their state. */
function flushable(n: Neighbour, mask: number): boolean {
  if (n.flags.includes("proxy") || n.flags.includes("extLearned")) return true;
  return n.stateValue === 0 ? (mask & NUD_NONE_BIT) !== 0 : (n.stateValue & mask) !== 0;
}

/**
 * `neigh flush`: rounds of dump and delete until a dump selects nothing (FAILED
 * entries only in the first round, as ip does). With `-s` it tells the rounds
 * as ip does. Resolves with the exit code (1 when entries remain after ten rounds).
 */
async function flush(ipr: IPRoute, inv: Invocation, stats: number, out: Output): Promise<number> {
  const filter = await dumpFilter(ipr, inv);
  let mask = inv.extras.nud!;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const found = (await ipr.getNeighbours(filter)).filter((n) => flushable(n, mask));
    if (found.length === 0) {
      if (stats && round === 0) out.write("Nothing to flush.\n");
      else if (stats) {
        out.write(`*** Flush is complete after ${round} round${round > 1 ? "s" : ""} ***\n`);
      }
      return 0;
    }
    const b = ipr.batch();
    for (const n of found) {
      const del: Spec = { index: n.index, dst: n.dst };
      if (n.flags.includes("proxy")) del.flags = ["proxy"];
      b.neigh("del", del);
    }
    await sendDeletes(b);
    if (stats) out.write(`\n*** Round ${round + 1}, deleting ${found.length} entries ***\n`);
    mask &= ~NUD_FAILED;
  }
  out.write(`*** Flush not complete bailing out after ${MAX_ROUNDS} rounds\n`);
  return 1;
}

/**
 * Runs a parsed `neigh` command (a {@link Runner}).
 */
export const runNeigh: Runner = async (ipr, inv, opts, out) => {
  if (inv.action === "flush") return await flush(ipr, inv, opts.stats, out);
  if (inv.action !== "show") {
    await ipr.neigh(inv.action as "add", inv.spec);
    return 0;
  }
  const names = Names.of(await ipr.getLinks());
  const filter = await dumpFilter(ipr, inv);
  const proxy = inv.extras.proxy === true;
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
