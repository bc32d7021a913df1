/**
 * Network namespaces. `netns` holds the named-namespace functions, as
 * pyroute2's `pyroute2.netns` module: `create`, `remove`, `list`, `exists`,
 * `attach` (iproute2-compatible, under /run/netns), `setns`, `pushns`,
 * `popns`, `dropns` (moving the calling thread). Next to it: {@link NetNS}
 * (an IPRoute inside a namespace), process mode's {@link openSocketInProcess},
 * moving links, veth pairs across namespaces and namespace ids.
 *
 * @example
 * ```ts
 * import { NetNS, netns } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * netns.create("green");
 * assert.ok(netns.list().includes("green"));
 * {
 *   await using ns = await NetNS.open("green", { create: false });
 *   assert.deepEqual((await ns.getLinks()).map((l) => l.ifname), ["lo"]); // a new namespace
 * }
 * netns.remove("green");
 * assert.equal(netns.exists("green"), false);
 * ```
 *
 * @module
 */
export * as netns from "./netns.ts";
export type { SetnsOptions } from "./netns.ts";
export type { HelperExit } from "../ffi/spawn.ts";
export {
  DEFAULT_HELPER_TIMEOUT,
  NetnsHelperError,
  openSocketInProcess,
  type ProcessModeOptions,
} from "../core/nsprocess.ts";
export { NetNS, type NetNSOptions } from "./nsnet.ts";
export { addVeth, moveLink } from "./links.ts";
export {
  getNetnsid,
  listNetnsids,
  NETNSA,
  NETNSA_NSID_NOT_ASSIGNED,
  type NsidEntry,
  setNetnsid,
} from "./nsid.ts";
export { getNetnsInfo, type NetnsInfo } from "./info.ts";
