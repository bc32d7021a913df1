/**
 * `nlroute netns list | add | del | identify | exec`: named namespaces under
 * /run/netns, shared with `ip netns`.
 *
 * @module
 */
import { statSync } from "node:fs";
import { getNetnsid, IPRoute, netns } from "../../mod.ts";
import { NETNS_RUN_DIR } from "../../core/nsenter.ts";
import { systemReason, UsageError } from "../errors.ts";
import { execIn } from "./exec.ts";
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
 * The name under /run/netns of the namespace of process `pid` (nlroute's own
 * by default, or the `-n` one), found as ip finds it: the entry with the same
 * device and inode (the last one listed, when several name it); "" for none.
 */
function identify(pid: string | undefined, current: string | undefined): string {
  const path = pid !== undefined
    ? `/proc/${pid}/ns/net`
    : current !== undefined
    ? `${NETNS_RUN_DIR}/${current}`
    : "/proc/self/ns/net";
  let target;
  try {
    target = statSync(path);
  } catch (e) {
    throw new UsageError(`Cannot open network namespace: ${systemReason(e)}`);
  }
  let found = "";
  for (const n of netns.list()) {
    try {
      const st = statSync(`${NETNS_RUN_DIR}/${n}`);
      if (st.dev === target.dev && st.ino === target.ino) found = n;
    } catch {
      // Gone meanwhile, or not a namespace: not this one.
    }
  }
  return found;
}

/**
 * Runs a parsed `netns` command; resolves with the exit code.
 */
export async function runNetns(
  inv: Invocation,
  opts: GlobalOptions,
  out: Output,
): Promise<number> {
  const name = inv.extras.name;
  if (inv.action === "exec") return await execIn(name!, inv.extras.argv!);
  if (inv.action === "identify") out.write(`${identify(inv.extras.pid, opts.netns)}\n`);
  else if (inv.action === "add") netns.create(name!);
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
