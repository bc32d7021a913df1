/**
 * {@link NetNS}: pyroute2's name for an IPRoute bound to a network namespace.
 *
 * @module
 */
import { Errno, SyscallError } from "../ffi/errno.ts";
import { ArgumentError } from "../core/errors.ts";
import { netnsPath, type NetnsRef } from "../core/nsenter.ts";
import type { NetlinkSocket } from "../core/socket.ts";
import { IPRoute, type IPRouteOptions } from "../iproute/iproute.ts";
import { create, exists, remove } from "./netns.ts";

/**
 * Options of {@link NetNS.open}.
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
 * import { NetNS, netns } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * const ns = await NetNS.open("teal"); // created when missing
 * await ns.link("add", { ifname: "v0", kind: "veth", peer: "v1" });
 * assert.deepEqual((await ns.getLinks()).map((l) => l.ifname).sort(), ["lo", "v0", "v1"]);
 * ns.remove(); // close, then `ip netns del teal`: its links go with it
 * assert.equal(netns.exists("teal"), false);
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
   * import { NetNS, SyscallError } from "@nlroute/nlroute";
   * import assert from "node:assert/strict";
   *
   * {
   *   await using ns = await NetNS.open("blue", { create: false, mode: "process" });
   *   assert.ok(await ns.link("get", { ifname: "lo" }));
   * }
   * await assert.rejects(
   *   NetNS.open("no-such-ns", { create: false }),
   *   (e) => e instanceof SyscallError && e.code === "ENOENT",
   * );
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
   * import { NetNS, netns } from "@nlroute/nlroute";
   * import assert from "node:assert/strict";
   *
   * const ns = await NetNS.open("scratch");
   * ns.remove();
   * assert.equal(ns.socket.closed, true);
   * assert.equal(netns.exists("scratch"), false);
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
