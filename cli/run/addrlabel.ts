/**
 * `nlroute addrlabel …`: lists, adds and deletes IPv6 address labels, and
 * flushes them as ip does (every entry, the kernel's defaults included).
 *
 * @module
 */
import { ADDRLABEL_FORMAT } from "../format/addrlabel.ts";
import { Names } from "../format/ifnames.ts";
import { emitFormat, type Runner } from "./output.ts";

/**
 * Runs a parsed `addrlabel` command (a {@link Runner}).
 */
export const runAddrlabel: Runner = async (ipr, inv, opts, out) => {
  if (inv.action === "flush") await ipr.flushAddrLabels();
  else if (inv.action !== "show") await ipr.addrlabel(inv.action as "add", inv.spec);
  else {
    const list = await ipr.getAddrLabels();
    const names = list.some((l) => l.index) ? Names.of(await ipr.getLinks()) : new Names();
    emitFormat(list, opts, out, ADDRLABEL_FORMAT, names);
  }
  return 0;
};
