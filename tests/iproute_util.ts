/**
 * Shared helpers of the IPRoute live tests: a throwaway namespace with an open
 * IPRoute, a snapshot of everything `ip` can show (to prove a refused request
 * changed nothing), iproute2's names for nlroute's fields, and decoding of
 * compiled requests for the byte-level tests.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { IPRoute } from "../mod.ts";
import type { Request } from "../core/socket.ts";
import { NetlinkSocket } from "../core/socket.ts";
import { decodeAttrs } from "../core/schema.ts";
import type { AttrSet } from "../core/schema.ts";
import { spawnSync } from "node:child_process";
import {
  bridgeJson,
  createTestNetns,
  ip,
  ipJson,
  isRoot,
  removeTestNetns,
  skipReason,
  withTestNetns,
} from "./helpers.ts";

/** Runs `fn` with a fresh namespace and an IPRoute opened in it; both go away afterwards. */
export async function withIPRoute<T>(
  fn: (ipr: IPRoute, ns: string) => Promise<T>,
  opts: { strict?: boolean } = {},
): Promise<T> {
  return await withTestNetns(async (ns) => {
    const ipr = await IPRoute.open({ netns: ns, ...opts });
    try {
      return await fn(ipr, ns);
    } finally {
      ipr.close();
    }
  });
}

/** Extra `ip link add` arguments a kind needs to be created at all. */
const PROBE: Record<string, { before?: string[]; after?: string[] }> = {
  vxlan: { after: ["id", "1"] },
  vlan: { before: ["link", "p0"], after: ["id", "1"] },
  macvlan: { before: ["link", "p0"] },
  macvtap: { before: ["link", "p0"] },
  ipvlan: { before: ["link", "p0"] },
};
const probed = new Map<string, boolean>();

/**
 * Whether this kernel can create links of `kind`, probed once in a throwaway
 * namespace (with a veth parent for the kinds that need one).
 */
export function hasKind(kind: string): boolean {
  const known = probed.get(kind);
  if (known !== undefined) return known;
  const ns = createTestNetns();
  try {
    ip(["link", "add", "p0", "type", "veth", "peer", "name", "p1"], ns);
    const p = PROBE[kind] ?? {};
    const r = spawnSync("ip", [
      "-n",
      ns,
      "link",
      "add",
      "probe0",
      ...(p.before ?? []),
      "type",
      kind,
      ...(p.after ?? []),
    ]);
    probed.set(kind, r.status === 0);
  } finally {
    removeTestNetns(ns);
  }
  return probed.get(kind)!;
}

/** A live test: it gets an IPRoute opened in a fresh namespace (both removed afterwards). */
export type LiveTest = (ipr: IPRoute, ns: string) => Promise<void>;

/**
 * `describe(title)` with one test per entry of `tests` (name → body), each
 * skipped with the reason where this kernel cannot make links of `kind`. The
 * skip sits on each test: Bun drops a skipped describe without a word.
 */
export function describeKind(title: string, kind: string, tests: Record<string, LiveTest>): void {
  describe(title, () => {
    const needs = { skip: skipKind(kind) };
    for (const [name, body] of Object.entries(tests)) it(name, needs, () => withIPRoute(body));
  });
}

/** The skip reason for the live test of a kind (not root, or a kernel without it), or false. */
export function skipKind(kind: string): string | false {
  if (!isRoot) return skipReason("needs root for namespaces");
  return skipReason(hasKind(kind) ? false : `this kernel has no ${kind} links`);
}

/** `ip -j link show` of one link, details included. */
// deno-lint-ignore no-explicit-any
export function ipLink(ns: string, name: string): any {
  return ipJson(["-d", "link", "show", "dev", name], ns)[0];
}

/** The index of a link, as `ip` reports it. */
export function ifindex(ns: string, name: string): number {
  return ipLink(ns, name).ifindex as number;
}

/** ifinfo flag names as nlroute spells them → as `ip -j` prints them. */
const IFF_IP: Record<string, string> = {
  up: "UP",
  broadcast: "BROADCAST",
  debug: "DEBUG",
  loopback: "LOOPBACK",
  pointToPoint: "POINTOPOINT",
  noTrailers: "NOTRAILERS",
  noArp: "NOARP",
  promisc: "PROMISC",
  allMulti: "ALLMULTI",
  master: "MASTER",
  slave: "SLAVE",
  multicast: "MULTICAST",
  portsel: "PORTSEL",
  autoMedia: "AUTOMEDIA",
  dynamic: "DYNAMIC",
  lowerUp: "LOWER_UP",
  dormant: "DORMANT",
  echo: "ECHO",
};

/** nlroute's link flags as `ip -j` prints them (ip leaves out RUNNING), sorted. */
export function ipFlagsOf(flags: string[]): string[] {
  return flags.filter((f) => f !== "running").map((f) => IFF_IP[f] ?? f).sort();
}

/** `ip -j`'s flags without the ones it makes up (M-DOWN, NO-CARRIER), sorted. */
export function kernelFlags(flags: string[]): string[] {
  return flags.filter((f) => f !== "M-DOWN" && f !== "NO-CARRIER").sort();
}

/** macvlan modes by number (IFLA_MACVLAN_MODE), as ip prints them. */
export const MACVLAN_MODES: Record<number, string> = {
  1: "private",
  2: "vepa",
  4: "bridge",
  8: "passthru",
  16: "source",
};

const multicastIP = (a: unknown) =>
  typeof a === "string" && (/^ff/i.test(a) || /^2(2[4-9]|3\d)\./.test(a));
const multicastMAC = (m: unknown) =>
  typeof m === "string" && (parseInt(m.slice(0, 2), 16) & 1) === 1;

/**
 * Everything iproute2 shows about a namespace, for "nothing changed" checks.
 * Left out is what the kernel changes on its own schedule: timers, counters,
 * lifetimes, multicast neighbours and fdb entries (IGMP/MLD), IPv6 duplicate
 * address detection (the tentative flag, and the local route that follows it).
 */
export function snapshot(ns: string): string {
  // deno-lint-ignore no-explicit-any
  type J = any;
  const notLinkLocalLocal = (r: J) => !(r.type === "local" && /^fe80:/.test(r.dst));
  const parts = [
    ipJson(["-d", "link", "show"], ns),
    ipJson(["addr", "show"], ns),
    ipJson(["-4", "route", "show", "table", "all"], ns),
    ipJson(["-6", "route", "show", "table", "all"], ns).filter(notLinkLocalLocal),
    ipJson(["-4", "rule", "show"], ns),
    ipJson(["-6", "rule", "show"], ns),
    ipJson(["neigh", "show", "nud", "all"], ns).filter((n: J) => !multicastIP(n.dst)),
    ipJson(["nexthop", "show"], ns),
    bridgeJson(["fdb", "show"], ns).filter((e: J) => !multicastMAC(e.mac)),
  ];
  return JSON.stringify(
    parts,
    (k, v) =>
      /timer$|stats|_time$|^used$|^updated$|^confirmed$|^probes$|^tentative$|^optimistic$/.test(k)
        ? undefined
        : v,
  );
}

/** A compiled request taken apart: header fields, the fixed header's bytes, attributes. */
export interface Decoded {
  type: number;
  flags: number;
  /** The fixed header after nlmsghdr (ifinfomsg, rtmsg, …). */
  header: Uint8Array;
  header32: DataView;
  attrs: Record<string, unknown>;
}

/**
 * Compiles one request with {@link NetlinkSocket.compile} and decodes it back
 * by table: the fixed header of `headerSize` bytes, then attributes of `set`.
 */
export function decodeRequest(req: Request, headerSize: number, set: AttrSet): Decoded {
  const bytes = NetlinkSocket.compile([req]);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = dv.getUint32(0, true);
  if (len !== bytes.length) throw new Error(`one message expected, ${len} of ${bytes.length}`);
  const header = bytes.slice(16, 16 + headerSize);
  return {
    type: dv.getUint16(4, true),
    flags: dv.getUint16(6, true),
    header,
    header32: new DataView(header.buffer),
    attrs: decodeAttrs(set, bytes, 16 + headerSize, len),
  };
}

/**
 * `assert.equal(actual[key], value)` for every entry of `expected`, in order
 * (a failure names the key); `actual` may be undefined (every check fails).
 */
export function assertFields(actual: object | undefined, expected: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(expected)) {
    try {
      assert.equal((actual as Record<string, unknown> | undefined)?.[key], value);
    } catch (e) {
      (e as Error).message = `${key}: ${(e as Error).message}`;
      throw e;
    }
  }
}

/** Sorts objects by a JSON key for order-free comparisons. */
export function sortBy<T>(items: T[], key: (x: T) => string): T[] {
  return [...items].sort((a, b) => key(a).localeCompare(key(b)));
}

/** The options of a describe whose tests change kernel state: namespaces need root. */
export const live: { skip: string | false } = { skip: !isRoot && "needs root for namespaces" };

/** A veth pair made by ip: `a` (v0) and its peer `b` (v1), both down. */
export function veth(ns: string, a = "v0", b = "v1"): void {
  ip(["link", "add", a, "type", "veth", "peer", "name", b], ns);
}

/** A veth pair v0/v1, both up, with 10.0.0.1/24 on v0. */
export function vethUp(ns: string): void {
  veth(ns);
  ip(["link", "set", "v0", "up"], ns);
  ip(["link", "set", "v1", "up"], ns);
  ip(["addr", "add", "10.0.0.1/24", "dev", "v0"], ns);
}

/** A veth pair v0/v1, both up, with 10.0.0.1/24 and fd00::1/64 on v0. */
export function vethWithAddresses(ns: string): void {
  vethUp(ns);
  ip(["addr", "add", "fd00::1/64", "dev", "v0", "nodad"], ns);
}

/**
 * Runs `ip` once per line of `lines` in the namespace, each line split at
 * spaces (blank lines skipped): setup written the way one types it.
 */
export function ipLines(ns: string, lines: string): void {
  for (const line of lines.split("\n")) {
    const args = line.trim().split(/ +/).filter(Boolean);
    if (args.length) ip(args, ns);
  }
}

/** Runs `bridge` (iproute2) in the namespace, its arguments given as one line split at spaces. */
export function bridge(ns: string, line: string): void {
  ip(["netns", "exec", ns, "bridge", ...line.split(" ")]);
}

/** Link indexes by name, from `ip -j link show`. */
export function linkMap(ns: string): Map<string, number> {
  return new Map(
    (ipJson(["link", "show"], ns) as { ifname: string; ifindex: number }[]).map((l) => [
      l.ifname,
      l.ifindex,
    ]),
  );
}
