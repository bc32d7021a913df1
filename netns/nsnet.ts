/**
 * Namespaces seen through rtnetlink: {@link NetNS} (pyroute2's name for an
 * IPRoute bound to a namespace), moving links between namespaces, veth pairs
 * whose peer is born in another namespace, namespace ids (RTM_NEWNSID /
 * RTM_GETNSID) and {@link getNetnsInfo}, which lists the namespaces and the
 * veth peers that link them.
 *
 * @module
 */
import { readdirSync, statSync } from "node:fs";
import { libc } from "../ffi/libc.ts";
import { Errno, SyscallError } from "../ffi/errno.ts";
import { AttrCursor, NLMSG_HDRLEN, type Writer } from "../core/codec.ts";
import { ArgumentError } from "../core/errors.ts";
import { RTM } from "../core/tables/constants.ts";
import { NETNS_RUN_DIR, netnsPath, type NetnsRef, openNetns } from "../core/nsenter.ts";
import type { MessageRef, NetlinkSocket, Request } from "../core/socket.ts";
import { IPRoute, type IPRouteOptions } from "../iproute/iproute.ts";
import type { Link } from "../iproute/link/link.ts";
import type { LinkSpec } from "../iproute/link/request.ts";
import { create, exists, remove } from "./netns.ts";

/**
 * NETNSA_* attributes (linux/net_namespace.h); the generated tables lack them.
 *
 * @example
 * ```ts
 * import { NETNSA } from "./nsnet.ts";
 * NETNSA.NSID; // 1
 * ```
 */
export const NETNSA: {
  readonly NONE: 0;
  readonly NSID: 1;
  readonly PID: 2;
  readonly FD: 3;
  readonly TARGET_NSID: 4;
  readonly CURRENT_NSID: 5;
} = {
  NONE: 0,
  NSID: 1,
  PID: 2,
  FD: 3,
  TARGET_NSID: 4,
  CURRENT_NSID: 5,
};

/**
 * NETNSA_NSID value meaning "no id assigned".
 *
 * @example
 * ```ts
 * import { NETNSA_NSID_NOT_ASSIGNED } from "./nsnet.ts";
 * NETNSA_NSID_NOT_ASSIGNED; // -1
 * ```
 */
export const NETNSA_NSID_NOT_ASSIGNED: number = -1;

/** Size of `struct rtgenmsg` once aligned (one family byte, three padding). */
const RTGENMSG_SIZE = 4;

// -- NetNS -------------------------------------------------------------------

/**
 * Options of {@link NetNS.open}.
 *
 * @example
 * ```ts
 * import type { NetNSOptions } from "./nsnet.ts";
 * const opts: NetNSOptions = { create: false, mode: "process", timeout: 5000 };
 * ```
 */
export interface NetNSOptions extends Omit<IPRouteOptions, "netns" | "fd"> {
  /**
   * Create the named namespace when it does not exist (pyroute2's O_CREAT).
   * Default true, as pyroute2's `NetNS(name)`. Only names can be created.
   */
  create?: boolean;
}

/**
 * An IPRoute whose socket lives in another network namespace (pyroute2's
 * `NetNS`). The process never moves: the socket is created there, in thread
 * mode (default) or process mode, and then works like a local one: dumps,
 * requests, subscriptions. `remove()` closes it and removes the named
 * namespace.
 *
 * @example
 * ```ts
 * import { NetNS } from "./nsnet.ts";
 * const ns = await NetNS.open("blue"); // created when missing
 * await ns.link("add", { ifname: "v0", kind: "veth", peer: "v1" });
 * console.log((await ns.getLinks()).map((l) => l.ifname));
 * ns.remove(); // close, then `ip netns del blue`
 * ```
 */
export class NetNS extends IPRoute {
  #netns: NetnsRef = "";
  #name: string | undefined;

  /** The namespace this socket was opened in (as given). */
  get netns(): NetnsRef {
    return this.#netns;
  }

  /** The namespace's name under /run/netns, when it was opened by name. */
  get name(): string | undefined {
    return this.#name;
  }

  /** The namespace's path (undefined when opened by descriptor). */
  get path(): string | undefined {
    return netnsPath(this.#netns);
  }

  /**
   * Opens a NETLINK_ROUTE socket inside a namespace: a name under /run/netns
   * (created when missing unless `create: false`), a path, a descriptor or
   * `{ pid }`.
   *
   * @example
   * ```ts
   * import { NetNS } from "./nsnet.ts";
   * await using ns = await NetNS.open("blue", { create: false, mode: "process" });
   * ```
   */
  static override async open<T extends IPRoute = NetNS>(
    this: new (s: NetlinkSocket) => T,
    netns?: NetnsRef | IPRouteOptions,
    opts: NetNSOptions = {},
  ): Promise<T> {
    if (netns === undefined || (typeof netns === "object" && isOptions(netns))) {
      throw new ArgumentError(
        "netns",
        "a namespace name, a path, a descriptor, { path }, { fd } or { pid }",
        netns,
        "Cannot open NetNS: invalid argument",
      );
    }
    const ref = netns as NetnsRef;
    const name = typeof ref === "string" && !ref.startsWith("/") ? ref : undefined;
    if (name !== undefined && opts.create !== false && !exists(name)) {
      try {
        create(name);
      } catch (e) {
        // Somebody else created it meanwhile: fine.
        if (!(e instanceof SyscallError && e.errno === Errno.EEXIST)) throw e;
      }
    }
    const { create: _create, ...rest } = opts;
    const ipr = await IPRoute.open.call(this, { ...rest, netns: ref }) as unknown as NetNS;
    ipr.#netns = ref;
    ipr.#name = name;
    return ipr as unknown as T;
  }

  /**
   * Closes the socket and removes the named namespace (pyroute2's
   * `NetNS.remove()`). Throws when it was not opened by name.
   *
   * @example
   * ```ts
   * import { NetNS } from "./nsnet.ts";
   * const ns = await NetNS.open("scratch");
   * ns.remove();
   * ```
   */
  remove(): void {
    this.close();
    if (this.#name === undefined) {
      throw new ArgumentError(
        "netns",
        "a namespace name (only named namespaces can be removed)",
        this.#netns,
        "Cannot remove namespace: invalid argument",
      );
    }
    remove(this.#name);
  }
}

function isOptions(v: object): boolean {
  return !("fd" in v) && !("path" in v) && !("pid" in v);
}

// -- moving links ------------------------------------------------------------

/** Where a link goes: the link spec attribute for a namespace reference. */
function targetAttr(
  target: NetnsRef,
  argument: string,
): [{ netnsFd: number } | { netnsPid: number }, () => void] {
  if (typeof target === "object" && target !== null && "pid" in target) {
    if (!Number.isInteger(target.pid) || target.pid <= 0) {
      throw new ArgumentError(`${argument}.pid`, "a process id", target.pid);
    }
    return [{ netnsPid: target.pid }, () => {}];
  }
  const [fd, owned] = openNetns(target, argument);
  return [{ netnsFd: fd }, () => {
    if (owned) libc().close(fd);
  }];
}

/**
 * Moves a link (by index or name) into another namespace: a name under
 * /run/netns, a path, a descriptor or `{ pid }`. Optionally renames it on the
 * way (`ifname`). The link vanishes from the namespace of `ipr` and appears in
 * the target (as `ip link set <dev> netns <ns>` does).
 *
 * @example
 * ```ts
 * import { IPRoute } from "../iproute/iproute.ts";
 * import { moveLink } from "./nsnet.ts";
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await moveLink(ipr, "v1", "red");
 * await moveLink(ipr, 7, { pid: 1234 }, { ifname: "eth1" });
 * ```
 */
export async function moveLink(
  ipr: IPRoute,
  link: number | string,
  target: NetnsRef,
  opts: { ifname?: string } = {},
): Promise<void> {
  if (typeof link !== "string" && (!Number.isInteger(link) || link <= 0)) {
    throw new ArgumentError("link", "an interface index or name", link, "Cannot move link");
  }
  const spec: LinkSpec = {};
  if (typeof link === "number") spec.index = link;
  else if (opts.ifname === undefined) spec.ifname = link; // the kernel finds it by name
  else {
    // Renaming on the way: the link is named by index, its new name by ifname.
    const [index] = await ipr.linkLookup({ ifname: link });
    if (index === undefined) {
      throw new ArgumentError(
        "link",
        "an existing interface name or an index",
        link,
        "Cannot move link",
      );
    }
    spec.index = index;
  }
  if (opts.ifname !== undefined) spec.ifname = opts.ifname;
  const [attr, release] = targetAttr(target, "target");
  try {
    await ipr.link("set", { ...spec, ...attr });
  } finally {
    release();
  }
}

/**
 * Creates a veth pair whose peer is born directly in another namespace (no
 * move afterwards): `ip link add <ifname> type veth peer name <peer> netns <ns>`.
 * `peer` is a name or a link spec (`{ ifname, address, mtu, … }`); the rest of
 * `spec` describes the local end.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../iproute/iproute.ts";
 * import { addVeth } from "./nsnet.ts";
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await addVeth(ipr, { ifname: "to-red", peer: "to-blue", peerNetns: "red" });
 * ```
 */
export async function addVeth(
  ipr: IPRoute,
  spec: Omit<LinkSpec, "kind" | "peer"> & { peer: string | LinkSpec; peerNetns: NetnsRef },
): Promise<void> {
  const { peer, peerNetns, ...local } = spec;
  if (peer === undefined || (typeof peer !== "string" && typeof peer !== "object")) {
    throw new ArgumentError("peer", "a peer name or link spec", peer, "Cannot add veth");
  }
  const peerSpec: LinkSpec = typeof peer === "string" ? { ifname: peer } : { ...peer };
  const [attr, release] = targetAttr(peerNetns, "peerNetns");
  try {
    await ipr.link("add", { ...local, kind: "veth", peer: { ...peerSpec, ...attr } });
  } finally {
    release();
  }
}

// -- namespace ids -----------------------------------------------------------

/**
 * What the kernel reports about one namespace id.
 *
 * @example
 * ```ts
 * import type { NsidEntry } from "./nsnet.ts";
 * const e: NsidEntry = { nsid: 0, currentNsid: undefined };
 * ```
 */
export interface NsidEntry {
  /** The id (in the namespace of the socket that asked). */
  nsid: number;
  /** The id of the asking namespace, as seen from the target (with a target nsid), if sent. */
  currentNsid: number | undefined;
}

function rtgen(w: Writer): void {
  w.u8(0);
  w.zeros(RTGENMSG_SIZE - 1);
}

function decodeNsid(m: MessageRef): NsidEntry {
  let nsid = NETNSA_NSID_NOT_ASSIGNED;
  let currentNsid: number | undefined;
  const start = m.offset + NLMSG_HDRLEN + RTGENMSG_SIZE;
  const c = new AttrCursor(
    m.bytes,
    Math.min(start, m.offset + m.length),
    m.offset + m.length,
    m.dv,
  );
  while (c.next()) {
    if (c.type === NETNSA.NSID) nsid = c.s32();
    else if (c.type === NETNSA.CURRENT_NSID) currentNsid = c.s32();
  }
  return { nsid, currentNsid };
}

/** Writes the attribute that names the target namespace; returns the cleanup. */
function writeTarget(target: NetnsRef, argument: string): [(w: Writer) => void, () => void] {
  const [attr, release] = targetAttr(target, argument);
  const write = "netnsPid" in attr
    ? (w: Writer) => w.attrU32(NETNSA.PID, attr.netnsPid)
    : (w: Writer) => w.attrU32(NETNSA.FD, attr.netnsFd);
  return [write, release];
}

/**
 * The id the namespace of `ipr` gives to another namespace (a name, a path, a
 * descriptor or `{ pid }`), or `undefined` when none is assigned. As
 * `ip netns list-id` shows them; the kernel assigns ids when a link's peer
 * lives in another namespace, or on {@link setNetnsid}.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../iproute/iproute.ts";
 * import { getNetnsid } from "./nsnet.ts";
 * await using ipr = await IPRoute.open();
 * console.log(await getNetnsid(ipr, "blue")); // e.g. 0, or undefined
 * ```
 */
export async function getNetnsid(ipr: IPRoute, target: NetnsRef): Promise<number | undefined> {
  const [write, release] = writeTarget(target, "target");
  try {
    const req: Request = {
      type: RTM.GETNSID,
      name: "RTM_GETNSID",
      body: (w) => {
        rtgen(w);
        write(w);
      },
    };
    const r = await ipr.socket.request(req, { decode: decodeNsid, ack: false });
    const nsid = r.messages[0]?.nsid ?? NETNSA_NSID_NOT_ASSIGNED;
    return nsid < 0 ? undefined : nsid;
  } finally {
    release();
  }
}

/**
 * Assigns an id to another namespace, in the namespace of `ipr`
 * (`ip netns set <name> <nsid>`); without `nsid` the kernel picks a free one.
 * Resolves with the id now assigned. Fails with EEXIST when the namespace
 * already has an id (or `nsid` is taken).
 *
 * @example
 * ```ts
 * import { IPRoute } from "../iproute/iproute.ts";
 * import { setNetnsid } from "./nsnet.ts";
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * const id = await setNetnsid(ipr, "red", 5); // 5
 * ```
 */
export async function setNetnsid(ipr: IPRoute, target: NetnsRef, nsid?: number): Promise<number> {
  if (nsid !== undefined && (!Number.isInteger(nsid) || nsid < 0 || nsid > 0x7fffffff)) {
    throw new ArgumentError("nsid", "an integer from 0 to 2147483647", nsid, "Cannot set nsid");
  }
  const [write, release] = writeTarget(target, "target");
  try {
    await ipr.socket.request({
      type: RTM.NEWNSID,
      name: "RTM_NEWNSID",
      body: (w) => {
        rtgen(w);
        write(w);
        w.attrS32(NETNSA.NSID, nsid ?? NETNSA_NSID_NOT_ASSIGNED);
      },
    });
  } finally {
    release();
  }
  const got = await getNetnsid(ipr, target);
  if (got === undefined) {
    throw new SyscallError(
      "set nsid",
      Errno.ENOENT,
      "(the kernel reports no id after RTM_NEWNSID)",
    );
  }
  return got;
}

/**
 * Every namespace id assigned in the namespace of `ipr` (a RTM_GETNSID dump,
 * `ip netns list-id`).
 *
 * @example
 * ```ts
 * import { IPRoute } from "../iproute/iproute.ts";
 * import { listNetnsids } from "./nsnet.ts";
 * await using ipr = await IPRoute.open();
 * for (const { nsid } of await listNetnsids(ipr)) console.log(nsid);
 * ```
 */
export async function listNetnsids(ipr: IPRoute): Promise<NsidEntry[]> {
  return await ipr.socket.dump({ type: RTM.GETNSID, name: "RTM_GETNSID", body: rtgen }, {
    decode: decodeNsid,
  }).all();
}

// -- netns info ----------------------------------------------------------------

/**
 * One namespace, as {@link getNetnsInfo} reports it.
 *
 * @example
 * ```ts
 * import type { NetnsInfo } from "./nsnet.ts";
 * const show = (i: NetnsInfo) => `${i.name ?? i.path} nsid ${i.netnsid ?? "-"}`;
 * ```
 */
export interface NetnsInfo {
  /** Path of the namespace file (`/run/netns/<name>`, or `/proc/<pid>/ns/net`). */
  path: string;
  /** Its name, for namespaces under /run/netns. */
  name: string | undefined;
  /** Inode of the namespace (what tells two paths to the same namespace apart). */
  inode: number;
  /** Its id in the namespace of the asking socket, when one is assigned. */
  netnsid: number | undefined;
  /** Links of the asking namespace whose peer lives in this namespace (veth pairs). */
  peers: Link[];
}

/**
 * Which namespaces exist and which veth peers link them to the namespace of
 * `ipr` (pyroute2's `get_netns_info`): every namespace under /run/netns (and
 * with `proc: true`, every process's namespace), each once, with its id and
 * the local links whose peer lives there.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../iproute/iproute.ts";
 * import { getNetnsInfo } from "./nsnet.ts";
 * await using ipr = await IPRoute.open();
 * for (const ns of await getNetnsInfo(ipr)) {
 *   console.log(ns.name, ns.netnsid, ns.peers.map((l) => l.ifname));
 * }
 * ```
 */
export async function getNetnsInfo(
  ipr: IPRoute,
  opts: { proc?: boolean } = {},
): Promise<NetnsInfo[]> {
  const byNsid = new Map<number, Link[]>();
  for (const l of await ipr.getLinks()) {
    const id = l.linkNetnsid;
    if (id === undefined || id < 0) continue;
    const list = byNsid.get(id) ?? [];
    list.push(l);
    byNsid.set(id, list);
  }
  const candidates: [string, string | undefined][] = [];
  let names: string[] = [];
  try {
    names = readdirSync(NETNS_RUN_DIR).sort();
  } catch (e) {
    if ((e as { code?: string }).code !== "ENOENT") throw e;
  }
  for (const n of names) candidates.push([`${NETNS_RUN_DIR}/${n}`, n]);
  if (opts.proc) {
    for (const p of readdirSync("/proc")) {
      if (/^\d+$/.test(p)) candidates.push([`/proc/${p}/ns/net`, undefined]);
    }
  }
  const seen = new Set<number>();
  const out: NetnsInfo[] = [];
  for (const [path, name] of candidates) {
    let inode: number;
    try {
      const st = statSync(path);
      inode = st.ino;
    } catch {
      continue; // gone meanwhile, or a process we may not look at
    }
    if (seen.has(inode)) continue;
    let netnsid: number | undefined;
    try {
      netnsid = await getNetnsid(ipr, { path });
    } catch {
      continue; // not a namespace (a stale file under /run/netns)
    }
    seen.add(inode);
    out.push({
      path,
      name,
      inode,
      netnsid,
      peers: netnsid === undefined ? [] : byNsid.get(netnsid) ?? [],
    });
  }
  return out;
}
