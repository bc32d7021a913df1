/**
 * The nlroute demo: builds a small network in a throwaway namespace through
 * IPDB transactions, shows a failing commit being rolled back, prints the
 * result as tables and an excerpt of the events, and removes everything —
 * also on error or Ctrl-C. Without root it shows this host, read-only.
 *
 * Run: `deno run -A examples/demo.ts` or `bun examples/demo.ts` (as root).
 *
 * @module
 */
import process from "node:process";
import {
  CommitError,
  type Interface,
  IPDB,
  IPRoute,
  Monitor,
  type MonitorEvent,
  netns,
  type RuleRecord,
} from "../mod.ts";

const useColor = process.stdout.isTTY === true && !process.env.NO_COLOR;
const paint = (code: string) => (s: string) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = paint("1");
const dim = paint("2");
const green = paint("32");
const red = paint("31");

function heading(text: string): void {
  console.log(`\n${bold(text)}`);
}

/** Prints rows as an aligned table. */
function table(headers: string[], rows: (string | number | undefined)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === undefined ? "-" : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  console.log(bold(line(cells[0]!)));
  for (const r of cells.slice(1)) console.log(line(r));
}

/** The read-only view of this host, for users without root. */
async function hostView(): Promise<void> {
  await using ipr = await IPRoute.open();
  const links = await ipr.getLinks();
  const addrs = await ipr.getAddr();
  heading("Links on this host (read-only)");
  table(
    ["index", "name", "state", "mtu", "address"],
    links.map((l) => [l.index, l.ifname, l.operstate, l.mtu, l.address]),
  );
  heading("Addresses on this host (read-only)");
  table(
    ["index", "name", "address"],
    addrs.map((
      a,
    ) => [a.index, links.find((l) => l.index === a.index)?.ifname, `${a.address}/${a.prefixlen}`]),
  );
}

function describeEvent(e: MonitorEvent, names: Map<number, string>): string | undefined {
  const name = (i: number | undefined) => (i === undefined ? "?" : names.get(i) ?? String(i));
  const del = e.event.startsWith("RTM_DEL") ? red("del ") : green("new ");
  switch (e.kind) {
    case "link":
      names.set(e.object.index, e.object.ifname ?? "?");
      return `${del}link  ${e.object.ifname} ${e.object.state} mtu ${e.object.mtu}${
        e.object.master ? ` master ${name(e.object.master)}` : ""
      }`;
    case "addr":
      return `${del}addr  ${e.object.address}/${e.object.prefixlen} dev ${name(e.object.index)}`;
    case "route":
      // The kernel's own local and link-local routes would crowd the excerpt.
      if (e.object.table === 255 || /^(fe80|ff00)::/.test(e.object.dst)) return undefined;
      return `${del}route ${e.object.dst}${e.object.gateway ? ` via ${e.object.gateway}` : ""}${
        e.object.multipath ? ` (${e.object.multipath.length} next hops)` : ""
      } table ${e.object.table}`;
    case "rule":
      return `${del}rule  ${e.object.priority}: from ${
        e.object.src ?? "all"
      } lookup ${e.object.table}`;
    case "neigh":
      // Bridge forwarding entries (AF_BRIDGE) have no IP: not shown here.
      return e.object.dst === undefined
        ? undefined
        : `${del}neigh ${e.object.dst} lladdr ${e.object.lladdr} dev ${name(e.object.index)}`;
    case "overrun":
      return red(`overrun (${e.source})`);
    default:
      return undefined;
  }
}

async function build(ns: string): Promise<void> {
  // Record what happens, on its own socket, for the excerpt at the end.
  await using mon = await Monitor.open({
    netns: ns,
    groups: ["link", "addr", "route", "rule", "neigh"],
  });
  const events = mon.events();
  await using ipdb = await IPDB.open({ netns: ns });

  heading("1. A bridge with two veth ports, addresses on both families (one global commit)");
  const br = ipdb.create("bridge", "br0", {});
  const ports: Interface[] = [];
  for (const n of [0, 1]) {
    ports.push(ipdb.create("veth", `veth${n}`, { peer: `veth${n}-peer` }).up());
  }
  for (const p of ports) br.addPort(p);
  br.addIp("10.10.0.1/24").addIp("fd10::1/64").up();
  console.log(dim(`   br0.review(): ${JSON.stringify(br.review())}`));
  await ipdb.commit();
  // The peers' ends come up in a second transaction, committed together.
  for (const n of [0, 1]) ipdb.interfaces[`veth${n}-peer`]!.up();
  await ipdb.commit();
  console.log(
    `   committed: br0 ports ${br.ports.map((i) => ipdb.interfaces[i]?.ifname).join(", ")}, all up`,
  );

  heading("2. Routes: a plain one, a multipath one, a second table; a rule; a neighbour");
  await ipdb.routes.add({ dst: "10.20.0.0/16", gateway: "10.10.0.2" }).commit();
  await ipdb.routes.add({
    dst: "10.30.0.0/16",
    multipath: [{ gateway: "10.10.0.2", hops: 1 }, { gateway: "10.10.0.3" }],
  }).commit();
  await ipdb.routes.add({ dst: "default", gateway: "10.10.0.254", table: 100 }).commit();
  await ipdb.routes.add({ dst: "fd20::/64", gateway: "fd10::2", metrics: { mtu: 1400 } }).commit();
  const rule: RuleRecord = ipdb.rules.add({ src: "10.10.0.0/24", table: 100, priority: 1000 });
  await rule.commit();
  await ipdb.ipr.neigh("add", {
    index: "br0",
    dst: "10.10.0.2",
    lladdr: "02:00:00:00:00:02",
    state: "permanent",
  });
  const r30 = ipdb.routes["10.30.0.0/16"]!;
  await r30.addNh({ gateway: "10.10.0.4" }).commit();
  console.log(`   10.30.0.0/16 now has ${r30.multipath.length} next hops (addNh)`);

  heading("3. A failing commit is rolled back");
  // Link-local IPv6 addresses come and go on their own: compare the others.
  const addrs = () => br.ipaddr.filter((a) => !a.startsWith("fe80")).sort();
  const before = { mtu: br.mtu, address: br.address, ipaddr: addrs() };
  br.setMtu(1400).addIp("10.11.0.1/24").setAddress("01:00:5e:00:00:01");
  console.log(dim(`   pending: ${JSON.stringify(br.review())}`));
  try {
    await br.commit();
  } catch (e) {
    if (!(e instanceof CommitError)) throw e;
    console.log(`   ${red("refused:")} ${e.message}`);
  }
  const after = { mtu: br.mtu, address: br.address, ipaddr: addrs() };
  console.log(
    `   before ${JSON.stringify(before)}\n   after  ${JSON.stringify(after)} ${
      JSON.stringify(before) === JSON.stringify(after) ? green("(unchanged)") : red("(CHANGED)")
    }`,
  );

  heading("Interfaces");
  const names = new Map<number, string>();
  for (const i of ipdb.interfaces) names.set(i.index, i.ifname ?? "?");
  table(
    ["index", "name", "kind", "admin", "oper", "mtu", "master", "addresses"],
    [...ipdb.interfaces].sort((a, b) => a.index - b.index).map((i) => [
      i.index,
      i.ifname,
      i.kind ?? "",
      i.state,
      i.operstate,
      i.mtu,
      i.master === undefined ? undefined : names.get(i.master),
      i.ipaddr.filter((a) => !a.startsWith("fe80")).join(" ") || undefined,
    ]),
  );
  heading("Routes (main table and table 100, kernel-made routes omitted)");
  const routes = [254, 100].flatMap((t) => [...ipdb.routes.tables[t]!])
    .filter((r) => r.proto !== "kernel");
  table(
    ["table", "destination", "via", "dev", "metric"],
    routes.map((r) => [
      r.table,
      r.dst,
      r.multipath.length
        ? r.multipath.map((h) => `${h.gateway}×${(h.hops ?? 0) + 1}`).join(" ")
        : r.gateway,
      r.oif === undefined ? undefined : names.get(r.oif),
      r.priority,
    ]),
  );
  heading("Rules");
  table(
    ["priority", "from", "lookup"],
    [...ipdb.rules].filter((r) => r.rule?.family === 2).map((
      r,
    ) => [r.priority, r.src ?? "all", r.table]),
  );
  heading("Neighbours");
  table(
    ["dev", "address", "lladdr", "state"],
    ipdb.interfaces.br0!.neighbours.filter((n) => !n.state.includes("noarp"))
      .map((n) => ["br0", n.dst, n.lladdr, n.state.join(",")]),
  );

  heading("What the monitor saw (excerpt)");
  const lines: string[] = [];
  for (let e = events.poll(); e !== undefined; e = events.poll()) {
    const line = describeEvent(e as MonitorEvent, names);
    if (line && line !== lines.at(-1)) lines.push(line);
  }
  // Links dominate the stream: show the first few, then every other kind.
  const shown = [
    ...lines.filter((l) => l.includes("link ")).slice(0, 4),
    ...lines.filter((l) => !l.includes("link ")),
  ];
  for (const l of shown.slice(0, 18)) console.log(`   ${l}`);
  console.log(dim(`   (${lines.length} events in all)`));
}

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) {
    console.log(
      "The demo builds a throwaway network namespace, which needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN).\n" +
        "Run it as root to see IPDB transactions, rollback and events. Meanwhile, this host, read-only:",
    );
    await hostView();
    return 0;
  }
  const ns = `nlroute-demo-${process.pid}`;
  let removed = false;
  const cleanup = () => {
    if (removed) return;
    removed = true;
    try {
      netns.remove(ns);
    } catch { /* already gone */ }
  };
  const onSignal = () => {
    cleanup();
    console.log("\ninterrupted: namespace removed");
    process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const t0 = performance.now();
  try {
    netns.create(ns);
    console.log(
      `${bold("nlroute demo")} in the throwaway namespace ${ns} (the host is not touched)`,
    );
    await build(ns);
  } finally {
    cleanup();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  console.log(
    `\nnamespace ${ns} removed; ${((performance.now() - t0) / 1000).toFixed(2)} s in all`,
  );
  return 0;
}

process.exitCode = await main().catch((e) => {
  console.error(`demo failed: ${e instanceof Error ? e.message : e}`);
  return 1;
});
