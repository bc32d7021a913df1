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
import { readdirSync, statSync } from "node:fs";
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
 * import { create, remove } from "./netns.ts";
 * create("blue");
 * // … `ip netns list` shows blue …
 * remove("blue");
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
 * @example
 * ```ts
 * import { attach, remove } from "./netns.ts";
 * import process from "node:process";
 * attach("here", process.pid); // names our own namespace
 * remove("here");              // removes the name only
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
 * @example
 * ```ts
 * import { create, remove } from "./netns.ts";
 * create("blue");
 * remove("blue");
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
 * import { list } from "./netns.ts";
 * console.log(list()); // e.g. ["blue", "red"]
 * ```
 */
export function list(): string[] {
  try {
    return readdirSync(NETNS_RUN_DIR).sort();
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
 * import { exists } from "./netns.ts";
 * if (!exists("blue")) console.log("no namespace blue");
 * ```
 */
export function exists(name: string): boolean {
  checkNetnsName(name, "name", "Cannot look up namespace: invalid argument");
  try {
    statSync(pathOf(name));
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
 *
 * @example
 * ```ts
 * import { pushns, type SetnsOptions } from "./netns.ts";
 * const opts: SetnsOptions = { create: true };
 * pushns("scratch", opts);
 * ```
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
 * @example
 * ```ts
 * import { setns } from "./netns.ts";
 * setns("blue");
 * setns("/proc/1/ns/net"); // back to the init namespace
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
 * import { popns, pushns } from "./netns.ts";
 * pushns("blue");
 * try {
 *   // … sockets created here belong to blue …
 * } finally {
 *   popns();
 * }
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
 * import { popns, pushns } from "./netns.ts";
 * pushns("blue");
 * popns();
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
 * @example
 * ```ts
 * import { dropns, pushns } from "./netns.ts";
 * pushns();
 * dropns();
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
 * import { stackDepth } from "./netns.ts";
 * stackDepth(); // 0
 * ```
 */
export function stackDepth(): number {
  return saved.length;
}
