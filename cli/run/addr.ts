/**
 * `nlroute address …`: shows links with their addresses (selected as ip
 * selects them), adds, changes, deletes and flushes addresses.
 *
 * @module
 */
import type { Address } from "../../mod.ts";
import { AF_INET6 } from "../../core/address.ts";
import { type Family, SCOPES } from "../../iproute/names.ts";
import { UsageError } from "../errors.ts";
import { addrBrief, addrBriefJson, addrInfoJson, addrText } from "../format/addr.ts";
import { jsonText, NOTHING, numberOf, oneline } from "../format/fields.ts";
import { Names } from "../format/ifnames.ts";
import { linkFormat } from "../format/link.ts";
import type { Runner } from "./output.ts";
import { inPrefix } from "./prefix.ts";

/**
 * Runs a parsed `address` command (a {@link Runner}).
 */
export const runAddr: Runner = async (ipr, inv, opts, out) => {
  const spec = inv.spec;
  if (inv.action === "flush") {
    await ipr.flushAddr(spec);
    return 0;
  }
  if (inv.action !== "show") {
    await ipr.addr(inv.action as "add", spec);
    return 0;
  }
  const all = await ipr.getLinks();
  const names = Names.of(all);
  let links = all;
  if (spec.index !== undefined) {
    links = links.filter((l) => l.ifname === spec.index);
    if (links.length === 0) throw new UsageError(`Device "${spec.index}" does not exist.`);
  }
  if (inv.extras.up) links = links.filter((l) => l.state === "up");
  let addrs = await ipr.getAddr(
    spec.family === undefined ? {} : { family: spec.family as Family },
  );
  if (spec.scope !== undefined) {
    addrs = addrs.filter((a) => numberOf(a.scope, SCOPES) === spec.scope);
  }
  if (spec.label !== undefined) addrs = addrs.filter((a) => a.label === spec.label);
  if (spec.address !== undefined) {
    addrs = addrs.filter((a) => inPrefix(a.local ?? a.address, spec.address as string));
  }
  const byLink = new Map<number, Address[]>();
  for (const a of addrs) {
    const list = byLink.get(a.index);
    if (list) list.push(a);
    else byLink.set(a.index, [a]);
  }
  const selective = spec.family !== undefined || spec.scope !== undefined ||
    spec.label !== undefined || spec.address !== undefined;
  const rows = links
    .map((l) => [l, byLink.get(l.index) ?? []] as const)
    .filter(([, list]) => !selective || list.length > 0);
  const link = linkFormat({
    linkmode: false,
    lladdr: spec.family === undefined,
    details: opts.details,
    // ip lists links for -6 with an IPv6 link dump, unless one device is asked for.
    inet6Dump: spec.family === AF_INET6 && spec.index === undefined,
  });
  if (opts.json) {
    const items = rows.map(([l, list]) =>
      opts.brief
        ? addrBriefJson(l, list, names)
        : { ...link.json(l, names, NOTHING), addr_info: list.map(addrInfoJson) }
    );
    out.write(jsonText(items, opts.pretty) + "\n");
    return 0;
  }
  let s = "";
  for (const [l, list] of rows) {
    if (opts.brief) s += addrBrief(l, list, names, out.paint) + "\n";
    else if (opts.oneline) {
      const prefix = `${l.index}: ${out.paint.ifname(l.ifname ?? "")}`;
      for (const a of list) s += oneline(addrText(a, out.paint, prefix)) + "\n";
    } else {
      s += link.text(l, names, out.paint, NOTHING) + "\n";
      for (const a of list) s += addrText(a, out.paint) + "\n";
    }
  }
  out.write(s);
  return 0;
};
