/**
 * {@link getNetnsInfo}: which namespaces exist and which veth peers link them.
 *
 * @module
 */
import { nodeFs } from "../ffi/node.ts";
import { NETNS_RUN_DIR } from "../core/nsenter.ts";
import type { IPRoute } from "../iproute/iproute.ts";
import type { Link } from "../iproute/link/link.ts";
import { getNetnsid } from "./nsid.ts";

/**
 * One namespace, as {@link getNetnsInfo} reports it.
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
 * @example The namespace a veth pair reaches
 * ```ts
 * import { addVeth, getNetnsInfo, IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await addVeth(ipr, { ifname: "i0", peer: "i1", peerNetns: "red" });
 * const red = (await getNetnsInfo(ipr)).find((ns) => ns.name === "red")!;
 * assert.equal(red.path, "/run/netns/red");
 * assert.deepEqual(red.peers.map((l) => l.ifname), ["i0"]);
 * assert.equal(typeof red.netnsid, "number"); // the kernel gave red an id for the peer
 * await ipr.link("del", { ifname: "i0" });
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
    names = nodeFs().readdirSync(NETNS_RUN_DIR).sort();
  } catch (e) {
    if ((e as { code?: string }).code !== "ENOENT") throw e;
  }
  for (const n of names) candidates.push([`${NETNS_RUN_DIR}/${n}`, n]);
  if (opts.proc) {
    for (const p of nodeFs().readdirSync("/proc")) {
      if (/^\d+$/.test(p)) candidates.push([`/proc/${p}/ns/net`, undefined]);
    }
  }
  const seen = new Set<number>();
  const out: NetnsInfo[] = [];
  for (const [path, name] of candidates) {
    let inode: number;
    try {
      const st = nodeFs().statSync(path);
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
