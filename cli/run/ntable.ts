/**
 * `nlroute ntable …`: shows and changes neighbour tables as ip does.
 *
 * @module
 */
import { Names } from "../format/ifnames.ts";
import { NTABLE_FORMAT } from "../format/ntable.ts";
import { emitFormat, type Runner } from "./output.ts";

/**
 * Runs a parsed `ntable` command (a {@link Runner}).
 */
export const runNtable: Runner = async (ipr, inv, opts, out) => {
  if (inv.action === "set") {
    await ipr.ntable("set", inv.spec);
    return 0;
  }
  const names = Names.of(await ipr.getLinks());
  // ip shows only a device's entries when one is named, every entry otherwise.
  emitFormat(await ipr.getNeighTables(inv.spec), opts, out, NTABLE_FORMAT, names);
  return 0;
};
