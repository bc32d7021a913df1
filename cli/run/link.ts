/**
 * `nlroute link …`: shows links (selected as ip selects them), adds them
 * (a veth peer born in another namespace included), changes, moves and
 * deletes them.
 *
 * @module
 */
import { addVeth, type IPRoute, type Link, type LinkSpec, moveLink } from "../../mod.ts";
import { UsageError } from "../errors.ts";
import { Names } from "../format/ifnames.ts";
import { LINK_BRIEF, linkFormat } from "../format/link.ts";
import type { Invocation, Spec } from "../parse/invocation.ts";
import { emitFormat, indexOf, type Runner } from "./output.ts";

/**
 * Links selected by a show command (by name, kind, master, group, up).
 */
export function selectLinks(all: Link[], spec: Spec, up: boolean): Link[] {
  let links = all;
  if (spec.ifname !== undefined) {
    links = links.filter((l) =>
      l.ifname === spec.ifname || l.altnames.includes(spec.ifname as string)
    );
    if (links.length === 0) throw new UsageError(`Device "${spec.ifname}" does not exist.`);
  }
  if (spec.kind !== undefined) links = links.filter((l) => l.kind === spec.kind);
  if (spec.master !== undefined) {
    const m = all.find((l) => l.ifname === spec.master);
    if (!m) throw new UsageError(`Device "${spec.master}" does not exist.`);
    links = links.filter((l) => l.master === m.index);
  }
  if (spec.group !== undefined) links = links.filter((l) => (l.group ?? 0) === spec.group);
  if (up) links = links.filter((l) => l.state === "up");
  return links;
}

async function add(ipr: IPRoute, inv: Invocation): Promise<void> {
  const s: Spec = { ...inv.spec };
  if (inv.extras.kindDev !== undefined) {
    (s.data as Spec).link = await indexOf(ipr, inv.extras.kindDev);
  }
  if (inv.extras.peerNetns === undefined) {
    await ipr.link("add", s);
    return;
  }
  // The peer is born in the other namespace (ip link add … peer name X netns NS).
  const { kind: _kind, peer, ...local } = s;
  await addVeth(ipr, {
    ...(local as Omit<LinkSpec, "kind" | "peer">),
    peer: peer as string | LinkSpec,
    peerNetns: inv.extras.peerNetns,
  });
}

async function set(ipr: IPRoute, inv: Invocation): Promise<void> {
  const { index, ...changes } = inv.spec;
  if (Object.keys(changes).length > 0) await ipr.link("set", { index, ...changes } as Spec);
  const ns = inv.extras.netns;
  if (ns !== undefined) {
    const target = /^\d+$/.test(ns) ? { pid: Number(ns) } : ns;
    await moveLink(ipr, (changes.ifname as string | undefined) ?? (index as string), target);
  }
}

/**
 * Runs a parsed `link` command (a {@link Runner}).
 */
export const runLink: Runner = async (ipr, inv, opts, out) => {
  if (inv.action === "add") await add(ipr, inv);
  else if (inv.action === "del") await ipr.link("del", inv.spec);
  else if (inv.action === "property_add" || inv.action === "property_del") {
    await ipr.link(inv.action, inv.spec);
  } else if (inv.action !== "show") await set(ipr, inv);
  else {
    const all = await ipr.getLinks();
    const links = selectLinks(all, inv.spec, inv.extras.up === true);
    const format = opts.brief
      ? LINK_BRIEF
      : linkFormat({ linkmode: true, lladdr: true, details: opts.details, stats: opts.stats });
    emitFormat(links, opts, out, format, Names.of(all));
  }
  return 0;
};
