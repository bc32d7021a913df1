/**
 * Named network namespaces, compatible with iproute2: each one is a bind mount
 * of a namespace file on `/run/netns/<name>` (a shared mount, as `ip netns`
 * makes it), so `ip netns list` sees ours, `ip netns exec` works in ours, and we
 * see theirs. Also: moving the calling thread (`setns`) and a per-thread stack
 * of namespaces (`pushns` / `popns` / `dropns`), as pyroute2 has them.
 *
 * Creating a namespace never moves the calling process: the calling thread
 * unshares, its new namespace is bind-mounted, and the thread goes back, in a
 * `finally`. No fork is involved.
 *
 * @module
 */
import { nodeFs } from "../ffi/node.ts";
import { check, libc } from "../ffi/libc.ts";
import { Errno, SyscallError } from "../ffi/errno.ts";
import {
  checkNetnsName,
  CLONE_NEWNET,
  cstr,
  forgetThreadNetns,
  NETNS_RUN_DIR,
  type NetnsRef,
  O_CLOEXEC,
  O_RDONLY,
  openNetns,
  openThreadNetns,
  THREAD_NETNS,
} from "../core/nsenter.ts";
import { ArgumentError } from "../core/errors.ts";

const MS_BIND = 0x1000;
const MS_REC = 0x4000;
const MS_SHARED = 1 << 20;
const MNT_DETACH = 2;
const O_CREAT = 0o100;
const O_EXCL = 0o200;

function pathOf(name: string): string {
  return `${NETNS_RUN_DIR}/${name}`;
}

/**
 * Makes /run/netns exist and be a shared mount point, as iproute2 does: a mount
 * made or removed in one mount namespace then shows in the others.
 */
function prepareRunDir(): void {
  const c = libc();
  const dir = cstr(NETNS_RUN_DIR);
  const r = c.mkdir(dir, 0o755);
  if (r < 0 && r !== -Errno.EEXIST) throw new SyscallError("mkdir", -r, NETNS_RUN_DIR);
  const none = cstr("none");
  let madeMount = false;
  for (;;) {
    const shared = c.mount(cstr(""), dir, none, MS_SHARED | MS_REC, null);
    if (shared === 0) return;
    if (shared !== -Errno.EINVAL || madeMount) {
      throw new SyscallError("mount", -shared, `(make ${NETNS_RUN_DIR} a shared mount)`);
    }
    // Not a mount point yet: bind it onto itself, then share it.
    check("mount", c.mount(dir, dir, none, MS_BIND | MS_REC, null), `(bind ${NETNS_RUN_DIR})`);
    madeMount = true;
  }
}

/** Creates the empty mount point file; EEXIST becomes a clear error. */
function makeMountPoint(name: string, path: string, what: string): void {
  const c = libc();
  const fd = c.open(cstr(path), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
  if (fd === -Errno.EEXIST) {
    throw new SyscallError(what, Errno.EEXIST, `namespace "${name}" (${path} exists)`);
  }
  if (fd < 0) throw new SyscallError(what, -fd, `namespace "${name}" (open ${path})`);
  c.close(fd);
}

/**
 * Creates a named network namespace, as `ip netns add <name>` does: the calling
 * thread unshares a new namespace, bind-mounts it on `/run/netns/<name>` and goes
 * back to where it was (in a `finally`); the process never moves. Invalid names
 * throw {@link ArgumentError} and create nothing; an existing name throws a
 * {@link SyscallError} with code `EEXIST`.
 *
 * @example
 * ```ts
 * import { ArgumentError, netns, SyscallError } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * netns.create("yellow");
 * assert.ok(netns.exists("yellow"));
 * assert.throws(
 *   () => netns.create("yellow"),
 *   (e) => e instanceof SyscallError && e.code === "EEXIST",
 * );
 * assert.throws(() => netns.create("a/b"), ArgumentError);
 * netns.remove("yellow");
 * ```
 */
export function create(name: string): void {
  checkNetnsName(name, "name", "Cannot create namespace: invalid argument");
  const c = libc();
  const path = pathOf(name);
  prepareRunDir();
  makeMountPoint(name, path, "create");
  try {
    const saved = openThreadNetns();
    try {
      check("unshare", c.unshare(CLONE_NEWNET), `(new namespace "${name}")`);
      // The thread is now in the new namespace: bind it, then always go back.
      const m = c.mount(cstr(THREAD_NETNS), cstr(path), cstr("none"), MS_BIND, null);
      const r = c.setns(saved, CLONE_NEWNET);
      // Never continue in the wrong namespace.
      if (r < 0) throw new SyscallError("setns", -r, "(return to the original namespace)");
      check("mount", m, `(bind the new namespace on ${path})`);
    } finally {
      c.close(saved);
    }
  } catch (e) {
    c.unlink(cstr(path));
    throw e;
  }
}

/**
 * Gives a name to the network namespace of process `pid`, as
 * `ip netns attach <name> <pid>` does (a bind mount of `/proc/<pid>/ns/net`).
 *
 * @example Naming our own namespace
 * ```ts
 * import { netns } from "@nlroute/nlroute";
 * import { statSync } from "node:fs";
 * import process from "node:process";
 * import assert from "node:assert/strict";
 *
 * netns.attach("here", process.pid);
 * assert.equal(statSync("/run/netns/here").ino, statSync(`/proc/${process.pid}/ns/net`).ino);
 * netns.remove("here"); // removes the name only
 * ```
 */
export function attach(name: string, pid: number): void {
  checkNetnsName(name, "name", "Cannot attach namespace: invalid argument");
  if (!Number.isInteger(pid) || pid <= 0) {
    throw new ArgumentError(
      "pid",
      "a process id",
      pid,
      "Cannot attach namespace: invalid argument",
    );
  }
  const c = libc();
  const path = pathOf(name);
  const source = `/proc/${pid}/ns/net`;
  prepareRunDir();
  makeMountPoint(name, path, "attach");
  const r = c.mount(cstr(source), cstr(path), cstr("none"), MS_BIND, null);
  if (r < 0) {
    c.unlink(cstr(path));
    throw new SyscallError("attach", -r, `namespace "${name}" to ${source}`);
  }
}

/**
 * Removes a named namespace, as `ip netns del <name>` does: detaches the bind
 * mount and deletes the file. The namespace itself lives on while a process or
 * socket still uses it. A missing name throws a {@link SyscallError} with code
 * `ENOENT`.
 *
 * @example The namespace lives on while a socket uses it
 * ```ts
 * import { IPRoute, netns, SyscallError } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * netns.create("orange");
 * await using ipr = await IPRoute.open({ netns: "orange" });
 * netns.remove("orange");
 * assert.equal(netns.exists("orange"), false);
 * assert.equal((await ipr.getLinks()).length, 1); // still there: its loopback
 * assert.throws(
 *   () => netns.remove("orange"),
 *   (e) => e instanceof SyscallError && e.code === "ENOENT",
 * );
 * ```
 */
export function remove(name: string): void {
  checkNetnsName(name, "name", "Cannot remove namespace: invalid argument");
  const c = libc();
  const path = pathOf(name);
  const p = cstr(path);
  const r = c.umount2(p, MNT_DETACH);
  // EINVAL: not a mount point (a stale file): still delete it, as iproute2 does.
  if (r < 0 && r !== -Errno.EINVAL) {
    const why = r === -Errno.ENOENT ? "no such namespace" : path;
    throw new SyscallError("remove", -r, `namespace "${name}" (${why})`);
  }
  const u = c.unlink(p);
  if (u < 0) throw new SyscallError("remove", -u, `namespace "${name}" (unlink ${path})`);
}

/**
 * Names of the namespaces under /run/netns (ours and those `ip netns add`
 * made), sorted. Empty when the directory does not exist.
 *
 * @example
 * ```ts
 * import { netns } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * const names = netns.list();
 * assert.ok(names.includes("blue") && names.includes("red"));
 * assert.deepEqual(names, [...names].sort());
 * ```
 */
export function list(): string[] {
  try {
    return nodeFs().readdirSync(NETNS_RUN_DIR).sort();
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return [];
    throw new SyscallError("list", errnoOf(e), `namespaces (${NETNS_RUN_DIR})`);
  }
}

/**
 * Whether a named namespace exists (a file under /run/netns).
 *
 * @example
 * ```ts
 * import { netns } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * assert.equal(netns.exists("blue"), true);
 * assert.equal(netns.exists("no-such-ns"), false);
 * ```
 */
export function exists(name: string): boolean {
  checkNetnsName(name, "name", "Cannot look up namespace: invalid argument");
  try {
    nodeFs().statSync(pathOf(name));
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return false;
    throw new SyscallError("stat", errnoOf(e), `namespace "${name}"`);
  }
}

function errnoOf(e: unknown): number {
  const n = (e as { errno?: number }).errno;
  return typeof n === "number" ? Math.abs(n) : Errno.EINVAL;
}

/**
 * Options of {@link setns} and {@link pushns}.
 */
export interface SetnsOptions {
  /** Create a named namespace that does not exist yet (pyroute2's O_CREAT). Default false. */
  create?: boolean;
}

function enter(ns: NetnsRef, opts: SetnsOptions, what: string): void {
  if (opts.create && typeof ns === "string" && !ns.startsWith("/") && !exists(ns)) create(ns);
  const [fd, owned] = openNetns(ns);
  try {
    check("setns", libc().setns(fd, CLONE_NEWNET), what);
  } finally {
    if (owned) libc().close(fd);
  }
  // The thread moved for good: do not keep its old namespace open.
  forgetThreadNetns();
}

/**
 * Moves the calling thread into a namespace (a name under /run/netns, a path,
 * a descriptor, `{ pid }`). Everything the thread creates afterwards (sockets)
 * belongs there. setns is per thread: other threads and Workers stay where they
 * are. Prefer `pushns` / `popns` to come back, or `IPRoute.open({ netns })`,
 * which never leaves the thread elsewhere.
 *
 * @example A socket made in blue by moving the thread there and back
 * ```ts
 * import { IPRoute, netns } from "@nlroute/nlroute";
 * import { closeSync, openSync, statSync } from "node:fs";
 * import assert from "node:assert/strict";
 *
 * const home = openSync("/proc/thread-self/ns/net", "r");
 * netns.setns("blue");
 * await using ipr = await IPRoute.open(); // its socket belongs to blue
 * assert.equal(statSync("/proc/thread-self/ns/net").ino, statSync("/run/netns/blue").ino);
 * netns.setns(home); // a descriptor: back where the thread was
 * closeSync(home);
 * assert.notEqual(statSync("/proc/thread-self/ns/net").ino, statSync("/run/netns/blue").ino);
 * assert.ok(await ipr.link("get", { ifname: "lo" }));
 * ```
 */
export function setns(ns: NetnsRef, opts: SetnsOptions = {}): void {
  enter(ns, opts, "(enter namespace)");
}

/** Per-thread stack of saved namespaces (each Worker has its own module instance). */
const saved: number[] = [];

/**
 * Saves the calling thread's namespace on a stack and, when `ns` is given,
 * moves the thread into it. {@link popns} comes back.
 *
 * @example
 * ```ts
 * import { IPRoute, NetlinkSocket, netns } from "@nlroute/nlroute";
 * import { statSync } from "node:fs";
 * import assert from "node:assert/strict";
 *
 * let sock: NetlinkSocket;
 * netns.pushns("blue");
 * try {
 *   assert.equal(statSync("/proc/thread-self/ns/net").ino, statSync("/run/netns/blue").ino);
 *   sock = NetlinkSocket.open(); // belongs to blue
 * } finally {
 *   netns.popns();
 * }
 * await using ipr = new IPRoute(sock);
 * assert.ok(await ipr.link("get", { ifname: "lo" }));
 * ```
 */
export function pushns(ns?: NetnsRef, opts: SetnsOptions = {}): void {
  const fd = openThreadNetns();
  if (ns !== undefined) {
    try {
      enter(ns, opts, "(enter namespace)");
    } catch (e) {
      libc().close(fd);
      throw e;
    }
  }
  saved.push(fd);
}

/**
 * Moves the calling thread back to the namespace saved by the last
 * {@link pushns}. Throws when the stack is empty.
 *
 * @example
 * ```ts
 * import { netns } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * netns.pushns("blue");
 * netns.popns();
 * assert.throws(() => netns.popns()); // nothing saved any more
 * ```
 */
export function popns(): void {
  const fd = saved.at(-1);
  if (fd === undefined) {
    throw new Error("Cannot pop namespace: the stack is empty (no pushns before)");
  }
  check("setns", libc().setns(fd, CLONE_NEWNET), "(return to the saved namespace)");
  saved.pop();
  libc().close(fd);
  forgetThreadNetns();
}

/**
 * Discards the namespace saved by the last {@link pushns} without moving.
 *
 * @example Saving the namespace, then deciding not to come back to it
 * ```ts
 * import { netns } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * netns.pushns(); // saves, does not move
 * assert.equal(netns.stackDepth(), 1);
 * netns.dropns();
 * assert.equal(netns.stackDepth(), 0);
 * ```
 */
export function dropns(): void {
  const fd = saved.pop();
  if (fd === undefined) {
    throw new Error("Cannot drop namespace: the stack is empty (no pushns before)");
  }
  libc().close(fd);
}

/**
 * Depth of the calling thread's namespace stack ({@link pushns} minus
 * {@link popns} / {@link dropns}).
 *
 * @example
 * ```ts
 * import { netns } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * assert.equal(netns.stackDepth(), 0);
 * netns.pushns("blue");
 * assert.equal(netns.stackDepth(), 1);
 * netns.popns();
 * assert.equal(netns.stackDepth(), 0);
 * ```
 */
export function stackDepth(): number {
  return saved.length;
}
