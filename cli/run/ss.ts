/**
 * `nlroute ss …`: lists sockets with {@link DiagSocket} (inside `-N NS` or
 * the global `-n NS`) in ss's order — unix, raw, UDP, TCP; IPv4 before IPv6
 * — keeps those the filter expression selects, destroys them with `-K`,
 * and prints them as ss prints them (cli/format/ss.ts), or with `-j` as a
 * JSON array of DiagSocket's objects (InetSocket: `family`, `protocol`,
 * `state`, `local`, `remote`, `inode`, `cookie`, …; UnixSocket: `type`,
 * `state`, `name`, `inode`, `peer`, …).
 *
 * @module
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { DiagSocket, type InetSocket, IPRoute, NetlinkError, type UnixSocket } from "../../mod.ts";
import { AF_INET, AF_INET6, parseIP } from "../../core/address.ts";
import type { SocketState } from "../../diag/inet.ts";
import { stateName } from "../../diag/inet.ts";
import { jsonText } from "../format/fields.ts";
import { Names } from "../format/ifnames.ts";
import { inetRow, renderTable, type SsContext, type SsRow, unixRow } from "../format/ss.ts";
import type { Invocation } from "../parse/invocation.ts";
import type { GlobalOptions } from "../parse/options.ts";
import type { SsArgs, SsCond, SsExpr, SsTable } from "../parse/ss.ts";
import type { Output } from "./output.ts";
import { UsageError } from "../errors.ts";

/** ss's state bitmask → DiagSocket's states (undefined: none of the kernel's). */
function statesOf(mask: number): "all" | SocketState[] | undefined {
  const list: SocketState[] = [];
  for (let n = 1; n <= 11; n++) if (mask & (1 << n)) list.push(stateName(n) as SocketState);
  if (list.length === 11) return "all";
  return list.length ? list : undefined;
}

/** Whether `addr` is inside the prefix (an IPv4 prefix also covers v4-mapped IPv6). */
function inPrefix(
  address: string,
  p: { family: number; bytes: Uint8Array; prefixlen: number },
): boolean {
  const ip = parseIP(address);
  if (!ip) return false;
  let bytes = ip.bytes;
  if (p.family === AF_INET && ip.family === AF_INET6) {
    const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff &&
      bytes[11] === 0xff;
    if (!mapped) return false;
    bytes = bytes.subarray(12);
  } else if (p.family !== ip.family) return false;
  for (let bit = 0; bit < p.prefixlen; bit++) {
    const m = 0x80 >> (bit % 8);
    if ((bytes[bit >> 3]! & m) !== (p.bytes[bit >> 3]! & m)) return false;
  }
  return true;
}

/** One socket as the filter sees it: its ends' addresses (none for unix) and ports. */
interface Ends {
  local: { address?: string; port: number };
  remote: { address?: string; port: number };
}

function condMatches(c: SsCond, e: Ends): boolean {
  const end = e[c.end];
  if (c.kind === "port") {
    const p = end.port;
    switch (c.op) {
      case "eq":
        return p === c.port;
      case "ne":
        return p !== c.port;
      case "lt":
        return p < c.port;
      case "gt":
        return p > c.port;
      case "le":
        return p <= c.port;
      case "ge":
        return p >= c.port;
    }
  }
  if (c.port !== undefined && end.port !== c.port) return false;
  if (c.prefix) return end.address !== undefined && inPrefix(end.address, c.prefix);
  return true;
}

/** Evaluates a filter expression on a socket's ends. */
export function matchesFilter(x: SsExpr, e: Ends): boolean {
  switch (x.kind) {
    case "and":
      return matchesFilter(x.left, e) && matchesFilter(x.right, e);
    case "or":
      return matchesFilter(x.left, e) || matchesFilter(x.right, e);
    case "not":
      return !matchesFilter(x.expr, e);
    default:
      return condMatches(x, e);
  }
}

/** The cgroup2 mount point ss would find (none inside `-N`'s remounted /sys). */
function cgroup2Mount(inNetns: boolean): string | undefined {
  let mounts = "";
  try {
    mounts = readFileSync("/proc/self/mounts", "utf8");
  } catch {
    return undefined;
  }
  for (const line of mounts.split("\n")) {
    const [, dir, type] = line.split(" ");
    if (type !== "cgroup2" || dir === undefined) continue;
    // ss -N (like ip netns exec) mounts a fresh /sys, hiding what was mounted below it.
    if (inNetns && (dir === "/sys" || dir.startsWith("/sys/"))) continue;
    return dir.replace(/\\040/g, " ");
  }
  return undefined;
}

/** ss's cg_id_to_path: the cgroup's path under the cgroup2 mount, or `unreachable:ID`. */
function cgroupResolver(inNetns: boolean): (id: number) => string {
  const cache = new Map<number, string>();
  let mount: string | undefined | null = null;
  let byIno: Map<number, string> | undefined;
  return (id) => {
    const hit = cache.get(id);
    if (hit !== undefined) return hit;
    if (mount === null) mount = cgroup2Mount(inNetns);
    let path: string | undefined;
    if (mount !== undefined) {
      if (!byIno) {
        byIno = new Map();
        const walk = (dir: string, rel: string) => {
          try {
            byIno!.set(Number(statSync(dir, { bigint: true }).ino), rel || "/");
            for (const d of readdirSync(dir, { withFileTypes: true })) {
              if (d.isDirectory()) walk(join(dir, d.name), `${rel}/${d.name}`);
            }
          } catch {
            // unreadable: left out, as ss leaves it unreachable
          }
        };
        walk(mount, "");
      }
      path = byIno.get(id);
    }
    const text = path ?? `unreachable:${id.toString(16)}`;
    cache.set(id, text);
    return text;
  };
}

/** The inet tables in ss's order and the protocol DiagSocket names each by. */
const INET_TABLES: readonly [SsTable, string][] = [["raw", "raw"], ["udp", "udp"], ["tcp", "tcp"]];
const UNIX_TYPES: Record<string, SsTable> = {
  stream: "unix_stream",
  dgram: "unix_dgram",
  seqpacket: "unix_seqpacket",
};

/** Runs a parsed `ss` command; resolves with the exit code. */
export async function runSs(inv: Invocation, opts: GlobalOptions, out: Output): Promise<number> {
  const a = inv.extras.ss as SsArgs;
  const ns = a.netns ?? opts.netns;
  const states = statesOf(a.states);
  const listed: (InetSocket | UnixSocket)[] = [];
  const rows: SsRow[] = [];
  const inet: InetSocket[] = [];
  await using diag = await DiagSocket.open(ns === undefined ? {} : { netns: ns });
  if (states && a.families.includes("unix") && a.tables.some((t) => t.startsWith("unix"))) {
    for (const s of await diag.unix({ states })) {
      if (!a.tables.includes(UNIX_TYPES[s.type] ?? "unix_dgram")) continue;
      const ends: Ends = { local: { port: s.inode }, remote: { port: s.peer ?? 0 } };
      if (a.filter && !matchesFilter(a.filter, ends)) continue;
      listed.push(s);
    }
  }
  const v4 = a.families.includes("inet");
  const v6 = a.families.includes("inet6");
  if (states && (v4 || v6)) {
    const extensions: ("meminfo" | "skmeminfo" | "info" | "vegasinfo" | "cong")[] = [];
    if (a.memory) extensions.push("meminfo", "skmeminfo");
    if (a.info) extensions.push("info", "vegasinfo", "cong");
    for (const [table, protocol] of INET_TABLES) {
      if (!a.tables.includes(table)) continue;
      let found: InetSocket[];
      try {
        found = await diag.inet({
          protocol,
          states,
          ...(v4 && v6 ? {} : { family: v4 ? 4 : 6 }),
          ...(extensions.length ? { extensions } : {}),
        });
      } catch (e) {
        // No raw_diag in the kernel: ss falls back to /proc/net/raw, nlroute lists none
        // unless raw sockets are all that was asked for (then the error is reported).
        const missing = e instanceof NetlinkError && e.code === "ENOENT";
        if (missing && table === "raw" && a.tables.length > 1) continue;
        if (missing && table === "raw") {
          throw new UsageError(
            "ss: the kernel cannot list raw sockets (no raw_diag module: ENOENT).",
            2,
          );
        }
        throw e;
      }
      for (const s of found) {
        if (a.filter && !matchesFilter(a.filter, s)) continue;
        if (a.kill) {
          try {
            await diag.destroy(s);
          } catch (e) {
            // As ss: a socket that cannot be destroyed, or is gone already, is not listed.
            if (e instanceof NetlinkError && (e.code === "EOPNOTSUPP" || e.code === "ENOENT")) {
              continue;
            }
            throw e;
          }
        }
        listed.push(s);
        inet.push(s);
      }
    }
  }
  if (a.json || opts.json) {
    out.write(jsonText(listed, opts.pretty) + "\n");
    return 0;
  }
  let names: Names | undefined;
  if (inet.some((s) => s.interface)) {
    await using ipr = await IPRoute.open(ns === undefined ? {} : { netns: ns });
    names = Names.of(await ipr.getLinks());
  }
  const ctx: SsContext = {
    ifname: (i) => names?.name(i) ?? String(i),
    cgroup: cgroupResolver(ns !== undefined),
  };
  for (const s of listed) rows.push("protocol" in s ? inetRow(s, a, ctx) : unixRow(s, a));
  const many = (m: number) => (m & (m - 1)) !== 0;
  const enabled = [a.tables.length > 1, many(a.states), true, true, true, true, true, true, true];
  const screen = out.isTTY ? process.stdout.columns || undefined : undefined;
  out.write(renderTable(rows, enabled, a.header, screen));
  return 0;
}
