/**
 * `nlroute netns list | add | del`: named namespaces under /run/netns,
 * shared with `ip netns`.
 *
 * @module
 */
import { getNetnsid, IPRoute, netns } from "../../mod.ts";
import type { Invocation } from "../parse/invocation.ts";
import type { GlobalOptions } from "../parse/options.ts";
import { emit, type Output } from "./output.ts";

/** Namespace ids as the current namespace (or -n NS) sees them; read-only. */
async function netnsIds(names: string[], opts: GlobalOptions): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (names.length === 0) return ids;
  await using ipr = await IPRoute.open(opts.netns === undefined ? {} : { netns: opts.netns });
  for (const n of names) {
    try {
      const id = await getNetnsid(ipr, n);
      if (id !== undefined && id >= 0) ids.set(n, id);
    } catch {
      // A stale entry (not a namespace): listed without an id, as ip does.
    }
  }
  return ids;
}

/**
 * Runs a parsed `netns` command; resolves with the exit code.
 *
 * @example
 * ```ts
 * import { runNetns } from "./netns.ts";
 * import { parseCommand } from "../parse/command.ts";
 * import { parseGlobal } from "../parse/options.ts";
 * import { PLAIN } from "../color.ts";
 * const { options } = parseGlobal([]);
 * await runNetns(parseCommand(["netns"], 0), options, { write: console.log, paint: PLAIN });
 * ```
 */
export async function runNetns(
  inv: Invocation,
  opts: GlobalOptions,
  out: Output,
): Promise<number> {
  const name = inv.extras.name;
  if (inv.action === "add") netns.create(name!);
  else if (inv.action === "del") netns.remove(name!);
  else {
    const list = netns.list();
    const ids = await netnsIds(list, opts);
    emit(
      list,
      opts,
      out,
      (n) => (ids.has(n) ? { name: n, id: ids.get(n) } : { name: n }),
      (n) => (ids.has(n) ? `${n} (id: ${ids.get(n)})` : n),
    );
  }
  return 0;
}
