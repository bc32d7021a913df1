/**
 * Namespace ids (RTM_NEWNSID / RTM_GETNSID): the id one namespace gives
 * another, as `ip netns list-id` / `ip netns set` show and assign them.
 *
 * @module
 */
import { Errno, SyscallError } from "../ffi/errno.ts";
import { ArgumentError } from "../core/errors.ts";
import type { NetnsRef } from "../core/nsenter.ts";
import { UAPI_ATTRS } from "../core/tables/uapi.ts";
import type { IPRoute } from "../iproute/iproute.ts";
import { NSID_NOT_ASSIGNED } from "../iproute/nsid/nsid.ts";
import { NSID } from "../iproute/nsid/object.ts";
import type { NsidSpec } from "../iproute/nsid/request.ts";
import { targetAttr } from "./links.ts";

/**
 * NETNSA_* attribute numbers (linux/net_namespace.h), generated:
 * `{ nsid, pid, fd, targetNsid, currentNsid }`.
 */
export const NETNSA: Readonly<
  Record<"nsid" | "pid" | "fd" | "targetNsid" | "currentNsid", number>
> = UAPI_ATTRS.netnsAttrs;

/**
 * NETNSA_NSID value meaning "no id assigned".
 */
export const NETNSA_NSID_NOT_ASSIGNED: number = NSID_NOT_ASSIGNED;

/**
 * What the kernel reports about one namespace id.
 */
export interface NsidEntry {
  /** The id (in the namespace of the socket that asked). */
  nsid: number;
  /** The id of the asking namespace, as seen from the target (with a target nsid), if sent. */
  currentNsid: number | undefined;
}

/** Runs `fn` with the NSID spec naming `target` (a descriptor opened for it is closed afterwards). */
async function withTarget<T>(target: NetnsRef, fn: (spec: NsidSpec) => Promise<T>): Promise<T> {
  const [attr, release] = targetAttr(target, "target");
  try {
    return await fn("netnsPid" in attr ? { pid: attr.netnsPid } : { fd: attr.netnsFd });
  } finally {
    release();
  }
}

/**
 * The id the namespace of `ipr` gives to another namespace (a name, a path, a
 * descriptor or `{ pid }`), or `undefined` when none is assigned. As
 * `ip netns list-id` shows them; the kernel assigns ids when a link's peer
 * lives in another namespace, or on {@link setNetnsid}.
 *
 * @example Ids stay until a namespace goes: the example makes its own
 * ```ts
 * import { getNetnsid, IPRoute, netns, setNetnsid } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * netns.create("nsid-a");
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * assert.equal(await getNetnsid(ipr, "nsid-a"), undefined); // none assigned yet
 * const id = await setNetnsid(ipr, "nsid-a");
 * assert.equal(await getNetnsid(ipr, "nsid-a"), id);
 * netns.remove("nsid-a");
 * ```
 */
export async function getNetnsid(ipr: IPRoute, target: NetnsRef): Promise<number | undefined> {
  const nsid = await withTarget(target, async (spec) => {
    const r = await ipr.socket.request(NSID.build("get", spec), {
      decode: NSID.decode,
      ack: false,
    });
    return r.messages[0]?.nsid ?? NSID_NOT_ASSIGNED;
  });
  return nsid < 0 ? undefined : nsid;
}

/**
 * Assigns an id to another namespace, in the namespace of `ipr`
 * (`ip netns set <name> <nsid>`); without `nsid` the kernel picks a free one.
 * Resolves with the id now assigned. Fails with EEXIST when the namespace
 * already has an id (or `nsid` is taken).
 *
 * @example
 * ```ts
 * import { IPRoute, NetlinkError, netns, setNetnsid } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * netns.create("nsid-b");
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * assert.equal(await setNetnsid(ipr, "nsid-b", 5), 5);
 * await assert.rejects(
 *   setNetnsid(ipr, "nsid-b", 6), // it has one already
 *   (e) => e instanceof NetlinkError && e.code === "EEXIST",
 * );
 * netns.remove("nsid-b");
 * ```
 */
export async function setNetnsid(ipr: IPRoute, target: NetnsRef, nsid?: number): Promise<number> {
  if (nsid !== undefined && (!Number.isInteger(nsid) || nsid < 0 || nsid > 0x7fffffff)) {
    throw new ArgumentError("nsid", "an integer from 0 to 2147483647", nsid, "Cannot set nsid");
  }
  await withTarget(
    target,
    (spec) =>
      ipr.socket.request(NSID.build("add", { ...spec, ...(nsid === undefined ? {} : { nsid }) })),
  );
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
 * import { IPRoute, listNetnsids, netns, setNetnsid } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * netns.create("nsid-c");
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await setNetnsid(ipr, "nsid-c", 7);
 * assert.ok((await listNetnsids(ipr)).some((e) => e.nsid === 7));
 * netns.remove("nsid-c");
 * ```
 */
export async function listNetnsids(ipr: IPRoute): Promise<NsidEntry[]> {
  const ids = await ipr.socket.dump(NSID.build("dump", {}), { decode: NSID.decode }).all();
  return ids.map((n) => ({ nsid: n.nsid, currentNsid: n.currentNsid }));
}
