/**
 * `nlroute maddr show`: the multicast addresses of a namespace's interfaces,
 * from the same /proc files `ip maddr` reads (the calling thread's view of
 * them, moved into `-n NS` for the reading).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { netns } from "../../mod.ts";
import { AF_INET, AF_INET6 } from "../../core/address.ts";
import { jsonText } from "../format/fields.ts";
import { maddrJson, maddrText, parseMaddrs } from "../format/maddr.ts";
import type { Invocation } from "../parse/invocation.ts";
import type { GlobalOptions } from "../parse/options.ts";
import type { Output } from "./output.ts";

/** A /proc/net file of the calling thread's namespace; undefined when it cannot be read. */
function procNet(file: string): string | undefined {
  try {
    return readFileSync(`/proc/thread-self/net/${file}`, "utf8");
  } catch {
    return undefined;
  }
}

/** The files `ip maddr` reads for a family (0: all three). */
function readFiles(family: unknown) {
  return {
    devMcast: family ? undefined : procNet("dev_mcast"),
    igmp: family && family !== AF_INET ? undefined : procNet("igmp"),
    igmp6: family && family !== AF_INET6 ? undefined : procNet("igmp6"),
  };
}

/**
 * Runs a parsed `maddr` command; resolves with the exit code.
 */
export function runMaddr(inv: Invocation, opts: GlobalOptions, out: Output): Promise<number> {
  const inside = opts.netns !== undefined;
  if (inside) netns.pushns(opts.netns);
  let files;
  try {
    files = readFiles(inv.spec.family);
  } finally {
    if (inside) netns.popns();
  }
  const dev = inv.spec.ifname;
  // As ip: a device without multicast addresses (or none of that name) lists nothing.
  const list = parseMaddrs(files).filter((m) => dev === undefined || m.ifname === dev);
  out.write(
    opts.json
      ? jsonText(maddrJson(list, opts.oneline), opts.pretty) + "\n"
      : maddrText(list, out.paint, opts.oneline),
  );
  return Promise.resolve(0);
}
