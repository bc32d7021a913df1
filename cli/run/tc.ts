/**
 * `nlroute tc { qdisc | class | filter } …`: runs the parsed command with
 * IPRoute's qdisc, tclass and filter, and prints what `tc` prints for show
 * (and filter get): text, or with `-j` a JSON array of objects.
 *
 * @module
 */
import type { FilterSpec, QdiscSpec, TclassSpec } from "../../mod.ts";
import type { GlobalOptions } from "../parse/options.ts";
import { jsonText } from "../format/fields.ts";
import { Names } from "../format/ifnames.ts";
import { printClass, printQdisc } from "../format/tc.ts";
import { printFilter } from "../format/tc_filter.ts";
import type { TcPrinter } from "../format/tc_print.ts";
import type { Output, Runner } from "./output.ts";

/** Writes the objects tc would: their text one after the other, or one JSON array. */
function write(list: TcPrinter[], opts: GlobalOptions, out: Output): void {
  if (opts.json) out.write(jsonText(list.map((p) => p.json), opts.pretty) + "\n");
  else out.write(list.map((p) => p.text).join(""));
}

type Cmd = "add" | "change" | "replace" | "del";

/** Runs a parsed `tc qdisc` command (a {@link Runner}). */
export const runQdisc: Runner = async (ipr, inv, opts, out) => {
  if (inv.action !== "show") {
    await ipr.qdisc(inv.action as Cmd | "link", inv.spec as QdiscSpec);
    return 0;
  }
  const names = Names.of(await ipr.getLinks());
  const sel = inv.extras.tc ?? {};
  const filter = inv.spec.index === undefined ? {} : { index: inv.spec.index as string };
  const list = (await ipr.getQdiscs(filter)).filter((q) =>
    (sel.parent === undefined || q.parentId === sel.parent) &&
    (sel.handle === undefined || q.handleId === sel.handle)
  );
  const show = { dev: inv.spec.index !== undefined, stats: opts.stats > 0, details: opts.details };
  write(list.map((q) => printQdisc(q, names, show)), opts, out);
  return 0;
};

/** Runs a parsed `tc class` command (a {@link Runner}). */
export const runClass: Runner = async (ipr, inv, opts, out) => {
  if (inv.action !== "show") {
    await ipr.tclass(inv.action as Cmd, inv.spec as TclassSpec);
    return 0;
  }
  const names = Names.of(await ipr.getLinks());
  const sel = inv.extras.tc ?? {};
  const major = (h: number) => (h & 0xffff0000) >>> 0;
  // The kernel's parent selection: the classes of the qdisc with the parent's major.
  const list = (await ipr.getClasses({ index: inv.spec.index as string })).filter((c) =>
    (sel.parent === undefined || major(c.handleId) === major(sel.parent)) &&
    (sel.qdisc === undefined || major(c.handleId) === major(sel.qdisc)) &&
    (sel.classid === undefined || c.handleId === sel.classid)
  );
  const show = {
    dev: true,
    stats: opts.stats > 0,
    details: opts.details,
    qdisc: sel.qdisc !== undefined,
  };
  write(list.map((c) => printClass(c, names, show)), opts, out);
  return 0;
};

/** Runs a parsed `tc filter` command (a {@link Runner}). */
export const runFilter: Runner = async (ipr, inv, opts, out) => {
  const sel = inv.extras.tc ?? {};
  const show = { ...sel, dev: true, stats: opts.stats > 0, details: opts.details };
  if (inv.action === "get") {
    const f = await ipr.filter("get", inv.spec as FilterSpec);
    const names = Names.of(await ipr.getLinks());
    // tc filter get leaves out only the device.
    const got = { dev: true, stats: opts.stats > 0, details: opts.details };
    write([printFilter(f, names, got)], opts, out);
    return 0;
  }
  if (inv.action !== "show") {
    await ipr.filter(inv.action as Cmd, inv.spec as FilterSpec);
    return 0;
  }
  const names = Names.of(await ipr.getLinks());
  const list = await ipr.getFilters(inv.spec as Partial<FilterSpec> & { index: string });
  write(list.map((f) => printFilter(f, names, show)), opts, out);
  return 0;
};
