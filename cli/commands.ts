/**
 * What each `nlroute` command does: opens IPRoute (inside `-n NS` when given),
 * runs the request or the dump, and writes the output in the shape the global
 * options ask for (text, `-br`, `-j`, `-o`).
 *
 * @module
 */
import {
  type Address,
  addVeth,
  getNetnsid,
  IPRoute,
  type Link,
  type LinkSpec,
  Monitor,
  type MonitorEvent,
  moveLink,
  type Neighbour,
  netns,
  type Route,
} from "../mod.ts";
import process from "node:process";
import { parseIP, parsePrefix } from "../core/address.ts";
import { type GlobalOptions, type Invocation, type Spec, UsageError } from "./args.ts";
import {
  addrBrief,
  addrBriefJson,
  addrInfoJson,
  addrText,
  jsonText,
  linkBrief,
  linkBriefJson,
  linkJson,
  linkText,
  Names,
  neighBrief,
  neighBriefJson,
  neighJson,
  neighText,
  nexthopJson,
  nexthopText,
  oneline,
  type Paint,
  routeJson,
  routeText,
  ruleJson,
  ruleText,
} from "./format.ts";

/** Where a command writes, and how it colours. */
export interface Output {
  /** Writes text to standard output (callers add the newlines). */
  write(text: string): void;
  /** Colours for text output. */
  paint: Paint;
}

/**
 * Exit code when the monitor is stopped by a signal (128 + SIGINT).
 *
 * @example
 * ```ts
 * import { EXIT_INTERRUPTED } from "./commands.ts";
 * EXIT_INTERRUPTED; // 130
 * ```
 */
export const EXIT_INTERRUPTED = 130;

/**
 * Runs one parsed command; resolves with the exit code (errors are thrown and
 * reported by the caller).
 *
 * @example
 * ```ts
 * import { parseCommand } from "./args.ts";
 * import { runCommand } from "./commands.ts";
 * import { Paint } from "./format.ts";
 * const inv = parseCommand(["link", "show"], 0);
 * const opts = { json: true, pretty: false, brief: false, oneline: false, netns: "blue",
 *   family: 0, color: "never", details: false, debug: false, help: false, version: false } as const;
 * await runCommand(inv, opts, { write: (s) => console.log(s), paint: new Paint(false) });
 * ```
 */
export async function runCommand(
  inv: Invocation,
  opts: GlobalOptions,
  out: Output,
): Promise<number> {
  if (inv.object === "netns") return await runNetns(inv, opts, out);
  if (inv.object === "monitor") return await runMonitor(inv, opts, out);
  await using ipr = await IPRoute.open(opts.netns === undefined ? {} : { netns: opts.netns });
  switch (inv.object) {
    case "link":
      return await runLink(ipr, inv, opts, out);
    case "addr":
      return await runAddr(ipr, inv, opts, out);
    case "route":
      return await runRoute(ipr, inv, opts, out);
    case "neigh":
      return await runNeigh(ipr, inv, opts, out);
    case "rule":
      return await runRule(ipr, inv, opts, out);
    case "nexthop":
      return await runNexthop(ipr, inv, opts, out);
    default:
      throw new UsageError(`Object "${inv.object}" has no commands.`);
  }
}

/** Writes a list: JSON array, or one text block per item (one line each with -o). */
function emit<T>(
  items: T[],
  opts: GlobalOptions,
  out: Output,
  json: (x: T) => unknown,
  text: (x: T) => string,
): void {
  if (opts.json) {
    out.write(jsonText(items.map(json), opts.pretty) + "\n");
    return;
  }
  let s = "";
  for (const x of items) s += (opts.oneline ? oneline(text(x)) : text(x)) + "\n";
  out.write(s);
}

/** `Cannot find device "x"`: a name that does not exist. */
function noDevice(name: string): UsageError {
  return new UsageError(`Cannot find device "${name}"`);
}

async function indexOf(ipr: IPRoute, name: string): Promise<number> {
  const [index] = await ipr.linkLookup({ ifname: name });
  if (index === undefined) throw noDevice(name);
  return index;
}

// -- link --------------------------------------------------------------------

async function runLink(
  ipr: IPRoute,
  inv: Invocation,
  opts: GlobalOptions,
  out: Output,
): Promise<number> {
  const spec = inv.spec;
  if (inv.action === "show") {
    const all = await ipr.getLinks();
    const names = Names.of(all);
    const links = selectLinks(all, spec, inv.extras.up === true);
    const shape = { linkmode: true, lladdr: true, details: opts.details };
    if (opts.brief) {
      emit(links, opts, out, (l) => linkBriefJson(l, names), (l) => linkBrief(l, names, out.paint));
    } else {
      emit(
        links,
        opts,
        out,
        (l) => linkJson(l, names, shape),
        (l) => linkText(l, names, out.paint, shape),
      );
    }
    return 0;
  }
  if (inv.action === "add") {
    const s: Spec = { ...spec };
    if (inv.extras.kindDev !== undefined) {
      (s.data as Spec).link = await indexOf(ipr, inv.extras.kindDev);
    }
    if (inv.extras.peerNetns !== undefined) {
      // The peer is born in the other namespace (ip link add … peer name X netns NS).
      const { kind: _kind, peer, ...local } = s;
      await addVeth(ipr, {
        ...(local as Omit<LinkSpec, "kind" | "peer">),
        peer: peer as string | LinkSpec,
        peerNetns: inv.extras.peerNetns,
      });
    } else {
      await ipr.link("add", s);
    }
    return 0;
  }
  if (inv.action === "del") {
    await ipr.link("del", spec);
    return 0;
  }
  // set / change
  const { index, ...changes } = spec;
  const dev = index as string;
  if (Object.keys(changes).length > 0) await ipr.link("set", { index, ...changes } as Spec);
  if (inv.extras.netns !== undefined) {
    const target = /^\d+$/.test(inv.extras.netns)
      ? { pid: Number(inv.extras.netns) }
      : inv.extras.netns;
    await moveLink(ipr, (changes.ifname as string | undefined) ?? dev, target);
  }
  return 0;
}

/** Links selected by a show command (by name, kind, master, group, up). */
function selectLinks(all: Link[], spec: Spec, up: boolean): Link[] {
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

// -- addr --------------------------------------------------------------------

/** Whether address `a` lies in `prefix` (`"10.0.0.0/8"` or a bare address). */
function inPrefix(a: string | undefined, prefix: string): boolean {
  if (a === undefined) return false;
  const ip = parseIP(a);
  const p = parsePrefix(prefix, "to");
  if (!ip || ip.bytes.length !== p.bytes.length) return false;
  for (let bit = 0; bit < p.prefixlen; bit++) {
    const m = 0x80 >> (bit & 7);
    if ((ip.bytes[bit >> 3]! & m) !== (p.bytes[bit >> 3]! & m)) return false;
  }
  return true;
}

async function runAddr(
  ipr: IPRoute,
  inv: Invocation,
  opts: GlobalOptions,
  out: Output,
): Promise<number> {
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
    spec.family === undefined ? {} : { family: spec.family as string | number },
  );
  if (spec.scope !== undefined) {
    addrs = addrs.filter((a) => scopeNumber(a) === spec.scope);
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
  const shape = { linkmode: false, lladdr: spec.family === undefined, details: opts.details };
  if (opts.json) {
    const items = rows.map(([l, list]) =>
      opts.brief
        ? addrBriefJson(l, list, names)
        : { ...linkJson(l, names, shape), addr_info: list.map(addrInfoJson) }
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
      s += linkText(l, names, out.paint, shape) + "\n";
      for (const a of list) s += addrText(a, out.paint) + "\n";
    }
  }
  out.write(s);
  return 0;
}

function scopeNumber(a: Address): number {
  const s = a.scope;
  if (typeof s === "number") return s;
  return ({ global: 0, universe: 0, site: 200, link: 253, host: 254, nowhere: 255 } as Record<
    string,
    number
  >)[s] ?? -1;
}

// -- route -------------------------------------------------------------------

async function runRoute(
  ipr: IPRoute,
  inv: Invocation,
  opts: GlobalOptions,
  out: Output,
): Promise<number> {
  const spec = inv.spec;
  if (inv.action === "show") {
    const names = Names.of(await ipr.getLinks());
    const routes = (await ipr.getRoutes(spec)).filter((r) => !(r.flags & 0x200));
    emit(
      routes,
      opts,
      out,
      (r) => routeJson(r, names, inv.hide),
      (r) => routeText(r, names, out.paint, inv.hide),
    );
    return 0;
  }
  if (inv.action === "flush") {
    await ipr.flushRoutes(spec);
    return 0;
  }
  if (inv.action === "get") {
    const r: Route = await ipr.route("get", spec);
    const names = Names.of(await ipr.getLinks());
    emit([r], opts, out, (x) => routeJson(x, names), (x) => routeText(x, names, out.paint));
    return 0;
  }
  await ipr.route(inv.action as "add", spec);
  return 0;
}

// -- neigh -------------------------------------------------------------------

const NUD_NOARP = 0x40;
const NTF_PROXY = "proxy";

async function runNeigh(
  ipr: IPRoute,
  inv: Invocation,
  opts: GlobalOptions,
  out: Output,
): Promise<number> {
  const spec = inv.spec;
  if (inv.action !== "show") {
    await ipr.neigh(inv.action as "add", spec);
    return 0;
  }
  const names = Names.of(await ipr.getLinks());
  const filter: Spec = { ...spec };
  if (filter.index !== undefined) await indexOf(ipr, filter.index as string);
  if (inv.extras.proxy) filter.flags = [NTF_PROXY];
  // ip's default: every state but NOARP, and not entries in state none.
  const mask = inv.extras.nud ?? (0xff & ~NUD_NOARP);
  const neighs = (await ipr.getNeighbours(filter)).filter((n: Neighbour) => {
    if (inv.extras.proxy) return n.flags.includes(NTF_PROXY);
    if (n.flags.includes(NTF_PROXY)) return false;
    if (n.stateValue === 0) return (mask & 0x100) !== 0;
    return (n.stateValue & mask) !== 0;
  });
  if (opts.brief) {
    emit(
      neighs,
      opts,
      out,
      (n) => neighBriefJson(n, names, inv.hide),
      (n) => neighBrief(n, names, out.paint, inv.hide),
    );
  } else {
    emit(
      neighs,
      opts,
      out,
      (n) => neighJson(n, names, inv.hide),
      (n) => neighText(n, names, out.paint, inv.hide),
    );
  }
  return 0;
}

// -- rule --------------------------------------------------------------------

async function runRule(
  ipr: IPRoute,
  inv: Invocation,
  opts: GlobalOptions,
  out: Output,
): Promise<number> {
  if (inv.action !== "show") {
    await ipr.rule(inv.action as "add", inv.spec);
    return 0;
  }
  const rules = await ipr.getRules(inv.spec);
  emit(rules, opts, out, ruleJson, (r) => ruleText(r, out.paint));
  return 0;
}

// -- nexthop -----------------------------------------------------------------

async function runNexthop(
  ipr: IPRoute,
  inv: Invocation,
  opts: GlobalOptions,
  out: Output,
): Promise<number> {
  const spec = inv.spec;
  if (inv.action === "show" || inv.action === "get") {
    const names = Names.of(await ipr.getLinks());
    const list = inv.action === "get"
      ? [await ipr.nexthop("get", { id: spec.id as number })]
      : await ipr.getNexthops(spec);
    emit(
      list,
      opts,
      out,
      (n) => nexthopJson(n, names, inv.hide),
      (n) => nexthopText(n, names, out.paint, inv.hide),
    );
    return 0;
  }
  await ipr.nexthop(inv.action as "add", spec);
  return 0;
}

// -- netns -------------------------------------------------------------------

async function runNetns(
  inv: Invocation,
  opts: GlobalOptions,
  out: Output,
): Promise<number> {
  const name = inv.extras.name;
  if (inv.action === "add") {
    netns.create(name!);
    return 0;
  }
  if (inv.action === "del") {
    netns.remove(name!);
    return 0;
  }
  const list = netns.list();
  const ids = new Map<string, number>();
  if (list.length > 0) {
    // Namespace ids as the current namespace (or -n NS) sees them; read-only.
    await using ipr = await IPRoute.open(opts.netns === undefined ? {} : { netns: opts.netns });
    for (const n of list) {
      try {
        const id = await getNetnsid(ipr, n);
        if (id !== undefined && id >= 0) ids.set(n, id);
      } catch {
        // A stale entry (not a namespace): listed without an id, as ip does.
      }
    }
  }
  emit(
    list,
    opts,
    out,
    (n) => (ids.has(n) ? { name: n, id: ids.get(n) } : { name: n }),
    (n) => (ids.has(n) ? `${n} (id: ${ids.get(n)})` : n),
  );
  return 0;
}

// -- monitor -----------------------------------------------------------------

const LABELS: Record<string, string> = {
  link: "[LINK]",
  addr: "[ADDR]",
  route: "[ROUTE]",
  neigh: "[NEIGH]",
  rule: "[RULE]",
  nexthop: "[NEXTHOP]",
  netconf: "[NETCONF]",
  other: "[NSID]",
};

const NETCONF_FIELDS: [string, string][] = [
  ["forwarding", "forwarding"],
  ["rpFilter", "rp_filter"],
  ["mcForwarding", "mc_forwarding"],
  ["bcForwarding", "bc_forwarding"],
  ["proxyNeigh", "proxy_neigh"],
  ["ignoreRoutesWithLinkdown", "ignore_routes_with_linkdown"],
];

/** One event as one line of text (ip monitor's text, joined like `ip -o`). */
function eventText(e: MonitorEvent, names: Names, paint: Paint): string | undefined {
  const del = e.event.startsWith("RTM_DEL") ? "Deleted " : "";
  switch (e.kind) {
    case "link":
      return del + linkText(e.object, names, paint, { linkmode: false, lladdr: true });
    case "addr":
      return del +
        addrText(e.object, paint, `${e.object.index}: ${paint.ifname(names.name(e.object.index))}`);
    case "route":
      return del + routeText(e.object, names, paint);
    case "neigh":
      return del + neighText(e.object, names, paint);
    case "rule":
      return del + ruleText(e.object, paint);
    case "nexthop":
      return del + nexthopText(e.object, names, paint);
    case "netconf": {
      const n = e.object;
      const idx = n.index;
      const dev = idx === -1
        ? "all"
        : idx === -2
        ? "default"
        : idx === undefined
        ? ""
        : names.name(idx);
      let s = `${n.family === 10 ? "ipv6" : "ipv4"} ${idx === undefined ? "" : `dev ${dev} `}`;
      const attrs = n.attrs;
      for (const [k, label] of NETCONF_FIELDS) {
        const v = attrs[k];
        if (typeof v !== "number") continue;
        s += k === "rpFilter"
          ? `${label} ${v === 0 ? "off" : v === 1 ? "strict" : "loose"} `
          : `${label} ${v ? "on" : "off"} `;
      }
      return del + s.trimEnd();
    }
    case "other":
      return `${e.event}`;
    default:
      return undefined;
  }
}

function eventJson(e: MonitorEvent, names: Names): Record<string, unknown> | undefined {
  const del = e.event.startsWith("RTM_DEL") ? { deleted: true } : {};
  switch (e.kind) {
    case "link":
      return { ...del, ...linkJson(e.object, names, { linkmode: false, lladdr: true }) };
    case "addr":
      return {
        ...del,
        ifindex: e.object.index,
        dev: names.name(e.object.index),
        ...addrInfoJson(e.object),
      };
    case "route":
      return { ...del, ...routeJson(e.object, names) };
    case "neigh":
      return { ...del, ...neighJson(e.object, names) };
    case "rule":
      return { ...del, ...ruleJson(e.object) };
    case "nexthop":
      return { ...del, ...nexthopJson(e.object, names) };
    case "netconf":
      return { ...del, ...e.object.toJSON() };
    case "other":
      return { event: e.event };
    default:
      return undefined;
  }
}

/** The interface indexes an event refers to (to print their names). */
function indexesOf(e: MonitorEvent): (number | undefined)[] {
  switch (e.kind) {
    case "link":
      return [e.object.link, e.object.master];
    case "addr":
    case "neigh":
      return [e.object.index];
    case "route":
      return [e.object.oif, e.object.iif, ...(e.object.multipath ?? []).map((n) => n.oif)];
    case "nexthop":
      return [e.object.oif];
    case "netconf":
      return [e.object.index];
    default:
      return [];
  }
}

/** Asks the kernel for the names of indexes not seen yet (as ip's link cache does). */
async function learnNames(
  ipr: IPRoute,
  names: Names,
  indexes: (number | undefined)[],
): Promise<void> {
  for (const index of indexes) {
    if (index === undefined || index <= 0 || names.has(index)) continue;
    try {
      names.update(await ipr.link("get", { index }));
    } catch {
      // Gone already: printed as if<N>, as ip does.
    }
  }
}

async function runMonitor(inv: Invocation, opts: GlobalOptions, out: Output): Promise<number> {
  const groups = inv.extras.groups ?? [];
  const mon = await Monitor.open({
    groups,
    ...(opts.netns === undefined ? {} : { netns: opts.netns }),
  });
  let interrupted = false;
  const stop = () => {
    interrupted = true;
    mon.close();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    const sub = mon.events();
    const names = Names.of(await mon.ipr.getLinks());
    for await (const e of sub) {
      if (e.kind === "overrun") {
        process.stderr.write(
          `Warning: events were lost (${
            e.source === "kernel" ? "the kernel's buffer" : "the queue"
          } overflowed)\n`,
        );
        continue;
      }
      if (e.kind === "link" && e.event === "RTM_NEWLINK") names.update(e.object);
      await learnNames(mon.ipr, names, indexesOf(e));
      if (opts.json) {
        const o = eventJson(e, names);
        if (o) out.write(JSON.stringify(o) + "\n");
      } else {
        const text = eventText(e, names, out.paint);
        if (text !== undefined) {
          const label = inv.extras.label ? `${LABELS[e.kind] ?? ""}` : "";
          out.write(`${label}${oneline(text)}\n`);
        }
      }
      if (e.kind === "link" && e.event === "RTM_DELLINK") names.delete(e.object.index);
    }
  } catch (e) {
    if (!interrupted) throw e;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    mon.close();
  }
  return interrupted ? EXIT_INTERRUPTED : 0;
}
