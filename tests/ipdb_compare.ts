/**
 * The whole of a namespace as `ip -j` shows it and as an IPDB holds it, in
 * one normalized form (sorted lines of text, so that a difference reads as a
 * diff): links, addresses, routes in every table of both families, rules of
 * both families. Tests compare the two exactly.
 */
import assert from "node:assert/strict";
import type { IPDB } from "../mod.ts";
import { ipJson } from "./helpers.ts";

/** A namespace's objects, one line each, sorted. */
export interface Snapshot {
  links: string[];
  addrs: string[];
  routes: string[];
  rules: string[];
}

const TABLE_NAMES: Record<string, number> = { local: 255, main: 254, default: 253 };

function tableNumber(t: string | number | undefined): number {
  if (t === undefined) return 254;
  return TABLE_NAMES[t] ?? Number(t);
}

/** `ip -j`'s host destinations lack the length; "default" stays. */
function prefix(dst: string, len?: number): string {
  if (dst === "default" || dst.includes("/")) return dst;
  return `${dst}/${len ?? (dst.includes(":") ? 128 : 32)}`;
}

function linkLine(l: {
  ifname: string;
  index: number;
  mtu: number | undefined;
  up: boolean;
  master: string | undefined;
  address: string | undefined;
}): string {
  return `${l.ifname} #${l.index} mtu ${l.mtu} ${l.up ? "up" : "down"} master ${l.master ?? "-"} ${
    l.address ?? "-"
  }`;
}

function addrLine(ifname: string, a: string, secondary: boolean): string {
  return `${ifname} ${a}${secondary ? " secondary" : ""}`;
}

function routeLine(r: {
  table: number;
  type: string;
  dst: string;
  dev: string | undefined;
  gateway: string | undefined;
  metric: number | undefined;
  hops: string[];
}): string {
  const hops = r.hops.length ? ` nexthops ${r.hops.join(",")}` : "";
  return `table ${r.table} ${r.type} ${r.dst} dev ${r.dev ?? "-"} via ${r.gateway ?? "-"} metric ${
    r.metric ?? 0
  }${hops}`;
}

function ruleLine(r: {
  family: string;
  priority: number;
  src: string;
  dst: string;
  table: number;
  action: string;
  iif: string | undefined;
  oif: string | undefined;
  fwmark: number | undefined;
}): string {
  return `${r.family} ${r.priority} from ${r.src} to ${r.dst} table ${r.table} ${r.action} iif ${
    r.iif ?? "-"
  } oif ${r.oif ?? "-"} fwmark ${r.fwmark ?? "-"}`;
}

/** What `ip -j` shows in namespace `ns`. */
export function kernelSnapshot(ns: string): Snapshot {
  // deno-lint-ignore no-explicit-any
  const links: any[] = ipJson(["addr", "show"], ns);
  const links_ = links.map((l) =>
    linkLine({
      ifname: l.ifname,
      index: l.ifindex,
      mtu: l.mtu,
      up: l.flags.includes("UP"),
      master: l.master,
      address: l.address,
    })
  );
  const addrs = links.flatMap((l) =>
    // deno-lint-ignore no-explicit-any
    l.addr_info.map((a: any) => addrLine(l.ifname, `${a.local}/${a.prefixlen}`, !!a.secondary))
  );
  // deno-lint-ignore no-explicit-any
  const routes = ipJson(["route", "show", "table", "all"], ns).map((r: any) =>
    routeLine({
      table: tableNumber(r.table),
      type: r.type ?? "unicast",
      dst: prefix(r.dst),
      dev: r.dev,
      gateway: r.gateway,
      metric: r.metric,
      // deno-lint-ignore no-explicit-any
      hops: (r.nexthops ?? []).map((h: any) => `${h.gateway ?? "-"}@${h.dev ?? "-"}`),
    })
  );
  const rules = [["inet", "-4"], ["inet6", "-6"]].flatMap(([family, flag]) =>
    // deno-lint-ignore no-explicit-any
    ipJson([flag!, "rule", "show"], ns).map((r: any) =>
      ruleLine({
        family: family!,
        priority: r.priority,
        src: r.src === "all" ? "all" : prefix(r.src, r.srclen),
        dst: r.dst === undefined || r.dst === "all" ? "all" : prefix(r.dst, r.dstlen),
        table: tableNumber(r.table),
        action: r.action ?? "to_tbl",
        iif: r.iif,
        oif: r.oif,
        fwmark: r.fwmark === undefined ? undefined : Number(r.fwmark),
      })
    )
  );
  return { links: links_.sort(), addrs: addrs.sort(), routes: routes.sort(), rules: rules.sort() };
}

/** What `ipdb` holds (read outside any transaction). */
export function ipdbSnapshot(ipdb: IPDB): Snapshot {
  const all = [...ipdb.interfaces];
  const name = (index: number | undefined) =>
    index === undefined ? undefined : ipdb.interfaces.get(index)?.ifname;
  const links = all.map((i) =>
    linkLine({
      ifname: i.ifname!,
      index: i.index,
      mtu: i.mtu,
      up: i.state === "up",
      master: name(i.master),
      address: i.address,
    })
  );
  const addrs = all.flatMap((i) =>
    i.addresses.map((a) => addrLine(i.ifname!, `${a.address}/${a.prefixlen}`, !!a.secondary))
  );
  const routes = [...ipdb.routes.tables].flatMap((t) =>
    [...t].map((r) =>
      routeLine({
        table: r.table,
        type: String(r.type ?? "unicast"),
        dst: r.dst,
        dev: r.multipath.length ? undefined : name(r.oif),
        gateway: r.multipath.length ? undefined : r.gateway,
        metric: r.priority,
        hops: r.multipath.map((h) => `${h.gateway ?? "-"}@${name(h.oif as number) ?? "-"}`),
      })
    )
  );
  const rules = [...ipdb.rules].map((r) =>
    ruleLine({
      family: r.family === 10 ? "inet6" : "inet",
      priority: r.priority ?? 0,
      src: r.src ?? "all",
      dst: r.dst ?? "all",
      table: r.table ?? 0,
      action: String(r.action ?? "to_tbl"),
      iif: r.iifname,
      oif: r.oifname,
      fwmark: r.fwmark,
    })
  );
  return { links: links.sort(), addrs: addrs.sort(), routes: routes.sort(), rules: rules.sort() };
}

/**
 * Asserts that `ipdb` equals what `ip -j` shows in `ns`. The kernel makes
 * some changes on its own a moment later (IPv6 link-local addresses once a
 * link has carrier): the two are read again (kernel first, so that IPDB has
 * the events for what ip showed) until they agree, for at most `ms`.
 */
export async function assertEqualsKernel(
  ipdb: IPDB,
  ns: string,
  message: string,
  ms = 3000,
): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const kernel = kernelSnapshot(ns);
    const held = ipdbSnapshot(ipdb);
    if (Date.now() >= until || JSON.stringify(kernel) === JSON.stringify(held)) {
      assert.deepEqual(held, kernel, message);
      return;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
