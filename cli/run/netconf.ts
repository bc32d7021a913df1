/**
 * `nlroute netconf show [ dev DEV ]`: per-interface IP configuration, as ip
 * prints it (one interface: its entry of each family asked; none: every entry).
 *
 * @module
 */
import { NETCONF_FORMAT } from "../format/netconf.ts";
import { Names } from "../format/ifnames.ts";
import { emitFormat, type Runner } from "./output.ts";

/**
 * Runs a parsed `netconf` command (a {@link Runner}).
 */
export const runNetconf: Runner = async (ipr, inv, opts, out) => {
  const names = Names.of(await ipr.getLinks());
  emitFormat(await ipr.getNetconf(inv.spec), opts, out, NETCONF_FORMAT, names);
  return 0;
};
