/**
 * Links across namespaces: moving a link into another namespace, and veth
 * pairs whose peer is born in another namespace.
 *
 * @module
 */
import { libc } from "../ffi/libc.ts";
import { ArgumentError } from "../core/errors.ts";
import { type NetnsRef, openNetns } from "../core/nsenter.ts";
import type { IPRoute } from "../iproute/iproute.ts";
import type { LinkBaseSpec, LinkSpec } from "../iproute/link/request.ts";

/** Where a link goes: the link spec attribute for a namespace reference, and its cleanup. */
export function targetAttr(
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
 * @example One end of a new pair moved to red, renamed on the way
 * ```ts
 * import { IPRoute, moveLink } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using blue = await IPRoute.open({ netns: "blue" });
 * await blue.link("add", { ifname: "mv0", kind: "veth", peer: "mv1" });
 * await moveLink(blue, "mv1", "red", { ifname: "eth1" });
 * assert.deepEqual(await blue.linkLookup({ ifname: "mv1" }), []);
 * await using red = await IPRoute.open({ netns: "red" });
 * assert.equal((await red.link("get", { ifname: "eth1" })).kind, "veth");
 * await blue.link("del", { ifname: "mv0" }); // the end in red goes too
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
 * import { addVeth, IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using blue = await IPRoute.open({ netns: "blue" });
 * await addVeth(blue, {
 *   ifname: "to-red",
 *   peer: { ifname: "to-blue", mtu: 1400 },
 *   peerNetns: "red",
 * });
 * await using red = await IPRoute.open({ netns: "red" });
 * const peer = await red.link("get", { ifname: "to-blue" });
 * assert.equal(peer.kind, "veth");
 * assert.equal(peer.mtu, 1400);
 * await blue.link("del", { ifname: "to-red" });
 * ```
 */
export async function addVeth(
  ipr: IPRoute,
  spec: Omit<LinkBaseSpec, "peer"> & {
    peer: string | Omit<LinkBaseSpec, "peer">;
    peerNetns: NetnsRef;
  },
): Promise<void> {
  const { peer, peerNetns, ...local } = spec;
  if (peer === undefined || (typeof peer !== "string" && typeof peer !== "object")) {
    throw new ArgumentError("peer", "a peer name or link spec", peer, "Cannot add veth");
  }
  const peerSpec: Omit<LinkBaseSpec, "peer"> = typeof peer === "string"
    ? { ifname: peer }
    : { ...peer };
  const [attr, release] = targetAttr(peerNetns, "peerNetns");
  try {
    await ipr.link("add", { ...local, kind: "veth", peer: { ...peerSpec, ...attr } });
  } finally {
    release();
  }
}
