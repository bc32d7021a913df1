/**
 * tun/tap devices through `/dev/net/tun` and its ioctls: creating persistent
 * devices (`TUNSETIFF`, `TUNSETOWNER`, `TUNSETGROUP`, `TUNSETPERSIST`) and
 * opening queues for reading and writing frames. A device belongs to the
 * namespace `/dev/net/tun` was opened in, so the open happens inside the
 * namespace of the rtnetlink socket in use (found with `SIOCGSKNS`).
 *
 * @module
 */
import { addressOf, check, libc } from "../../ffi/libc.ts";
import { Errno, SyscallError } from "../../ffi/errno.ts";
import { allocBuffer } from "../../ffi/symbols.ts";
import { Poller } from "../../ffi/poller.ts";
import { ArgumentError } from "../../core/errors.ts";
import { cstr, O_CLOEXEC, withNetns } from "../../core/nsenter.ts";
import { ifname as checkIfname } from "../spec.ts";
import { IFF_TUN_FLAG, LINUX_IF, SIOC, TUN_IOCTL, TUN_STRUCTS } from "../../core/tables/tun.ts";

const O_RDWR = 2;
const O_NONBLOCK = 0x800;
const F_GETFL = 3;
const F_SETFL = 4;
const DEV_NET_TUN = "/dev/net/tun";

/** tun (layer 3, IP packets) or tap (layer 2, Ethernet frames). */
export type TunTapMode = "tun" | "tap";

/** The options of a tun/tap device's queue, as `TUNSETIFF` takes them. */
export interface TunTapFlags {
  /** `"tun"` (IP packets) or `"tap"` (Ethernet frames). */
  mode: TunTapMode;
  /**
   * Interface name; a template such as `"tap%d"`, or none, lets the kernel
   * choose (the chosen name is returned).
   */
  ifname?: string | undefined;
  /** Prefix each frame with struct tun_pi (flags, protocol); ip's `pi`. Default false. */
  pi?: boolean | undefined;
  /** Prefix each frame with struct virtio_net_hdr; ip's `vnet_hdr`. Default false. */
  vnetHdr?: boolean | undefined;
  /** Allow several queues (descriptors) per device; ip's `multi_queue`. Default false. */
  multiQueue?: boolean | undefined;
  /** The old single-queue flag, ignored by kernels since 3.8; ip's `one_queue`. */
  oneQueue?: boolean | undefined;
}

const FLAG_KEYS = ["mode", "ifname", "pi", "vnetHdr", "multiQueue", "oneQueue"] as const;

/** The ifr_flags of `flags`, checked with the name (ArgumentError naming `path + key`). */
export function tunFlags(flags: TunTapFlags, path = ""): number {
  const { mode } = flags;
  if (mode !== "tun" && mode !== "tap") {
    throw new ArgumentError(`${path}mode`, '"tun" or "tap"', mode);
  }
  let f = mode === "tun" ? IFF_TUN_FLAG.TUN : IFF_TUN_FLAG.TAP;
  const bool = (key: "pi" | "vnetHdr" | "multiQueue" | "oneQueue"): boolean => {
    const v = flags[key];
    if (v !== undefined && typeof v !== "boolean") {
      throw new ArgumentError(`${path}${key}`, "a boolean", v);
    }
    return v === true;
  };
  if (flags.ifname !== undefined) {
    if (typeof flags.ifname !== "string") {
      throw new ArgumentError(`${path}ifname`, "an interface name (a string)", flags.ifname);
    }
    // "%d" templates are for the kernel to fill in.
    checkIfname(flags.ifname.replace("%d", "0"), `${path}ifname`);
  }
  if (!bool("pi")) f |= IFF_TUN_FLAG.NO_PI;
  if (bool("vnetHdr")) f |= IFF_TUN_FLAG.VNET_HDR;
  if (bool("multiQueue")) f |= IFF_TUN_FLAG.MULTI_QUEUE;
  if (bool("oneQueue")) f |= IFF_TUN_FLAG.ONE_QUEUE;
  return f;
}

/** Checks the keys of a flags object: only {@link TunTapFlags} keys plus `extra`. */
export function checkFlagKeys(
  spec: Record<string, unknown>,
  extra: readonly string[],
  context: string,
): void {
  for (const k of Object.keys(spec)) {
    if (!(FLAG_KEYS as readonly string[]).includes(k) && !extra.includes(k)) {
      throw new ArgumentError(
        k,
        `one of ${[...FLAG_KEYS, ...extra].join(", ")}`,
        spec[k],
        context,
      );
    }
  }
}

/** The network namespace of a socket, as a new descriptor (ioctl SIOCGSKNS). */
export function socketNetns(fd: number): number {
  return check(
    "ioctl",
    libc().ioctl(fd, SIOC.GSKNS, null),
    "SIOCGSKNS (the namespace of the netlink socket)",
  );
}

function ioctlInt(fd: number, request: number, value: number, what: string): void {
  check("ioctl", libc().ioctl(fd, request, BigInt(value)), what);
}

/**
 * Opens `/dev/net/tun` in the namespace `netnsFd` (the calling thread's when
 * undefined) and attaches it to a device (TUNSETIFF): an existing one of that
 * name, or a new one, which lives as long as the descriptor unless made
 * persistent. `exclusive` refuses an existing name (EBUSY). Returns the
 * descriptor and the device's name.
 */
export function attachTun(
  flags: TunTapFlags,
  netnsFd: number | undefined,
  exclusive: boolean,
): { fd: number; ifname: string } {
  const ifrFlags = tunFlags(flags) | (exclusive ? IFF_TUN_FLAG.TUN_EXCL : 0);
  const c = libc();
  const path = cstr(DEV_NET_TUN);
  const open = () => c.open(path, O_RDWR | O_CLOEXEC, 0);
  const fd = check(
    "open",
    netnsFd === undefined ? open() : withNetns({ fd: netnsFd }, open),
    DEV_NET_TUN,
  );
  try {
    const ifr = allocBuffer(TUN_STRUCTS.ifreqFlags.size);
    if (flags.ifname !== undefined) ifr.set(new TextEncoder().encode(flags.ifname));
    new DataView(ifr.buffer).setUint16(TUN_STRUCTS.ifreqFlags.at.flags, ifrFlags, true);
    const r = c.ioctl(fd, TUN_IOCTL.SETIFF, addressOf(ifr));
    if (r < 0) {
      const name = flags.ifname ?? `a new ${flags.mode} device`;
      const why = -r === Errno.EBUSY && exclusive
        ? `TUNSETIFF: ${name} exists (or is busy)`
        : `TUNSETIFF (${name})`;
      throw new SyscallError("ioctl", -r, why);
    }
    const name = ifr.subarray(0, LINUX_IF.IFNAMSIZ);
    const end = name.indexOf(0);
    return { fd, ifname: new TextDecoder().decode(name.subarray(0, end < 0 ? name.length : end)) };
  } catch (e) {
    c.close(fd);
    throw e;
  }
}

/** What {@link createPersistentTun} sets besides the flags. */
export interface TunOwnership {
  /** Owning user id (TUNSETOWNER): that user may open the device without CAP_NET_ADMIN. */
  uid?: number | undefined;
  /** Owning group id (TUNSETGROUP). */
  gid?: number | undefined;
}

function checkId(v: unknown, argument: string): void {
  if (
    v !== undefined && (!Number.isInteger(v) || (v as number) < 0 || (v as number) > 0xfffffffe)
  ) {
    throw new ArgumentError(argument, "a user or group id (0 to 4294967294)", v);
  }
}

/** Checks ownership ids (ArgumentError naming the argument). */
export function checkOwnership(o: TunOwnership): void {
  checkId(o.uid, "uid");
  checkId(o.gid, "gid");
}

/**
 * Creates a persistent tun/tap device in the namespace `netnsFd`, owned by
 * `uid`/`gid` when given, and returns its name. Before TUNSETPERSIST the device
 * lives only as long as the descriptor, so a failure halfway leaves nothing.
 */
export function createPersistentTun(
  flags: TunTapFlags,
  owner: TunOwnership,
  netnsFd: number | undefined,
): string {
  checkOwnership(owner);
  const { fd, ifname } = attachTun(flags, netnsFd, true);
  try {
    if (owner.uid !== undefined) {
      ioctlInt(fd, TUN_IOCTL.SETOWNER, owner.uid, `TUNSETOWNER (${ifname})`);
    }
    if (owner.gid !== undefined) {
      ioctlInt(fd, TUN_IOCTL.SETGROUP, owner.gid, `TUNSETGROUP (${ifname})`);
    }
    ioctlInt(fd, TUN_IOCTL.SETPERSIST, 1, `TUNSETPERSIST (${ifname})`);
  } finally {
    libc().close(fd);
  }
  return ifname;
}

/**
 * One queue of a tun/tap device: a non-blocking descriptor read through the
 * process's poller. `read()` resolves with the next frame (an IP packet for
 * tun, an Ethernet frame for tap, after the `pi`/`vnet_hdr` prefixes when
 * those are on); `write()` sends one frame into the kernel. Closing the last
 * queue of a non-persistent device removes the device.
 */
export class TunTapQueue {
  /** The queue's descriptor (owned: {@link close} closes it). */
  readonly fd: number;
  /** The device's name. */
  readonly ifname: string;
  /** `"tun"` or `"tap"`. */
  readonly mode: TunTapMode;
  #token: number | undefined;
  #buf: Uint8Array;
  #closed = false;

  /** Takes over an attached descriptor (see {@link attachTun}); `mtu` sizes the read buffer. */
  constructor(fd: number, ifname: string, mode: TunTapMode, bufferSize = 65536 + 64) {
    this.fd = fd;
    this.ifname = ifname;
    this.mode = mode;
    this.#buf = allocBuffer(bufferSize);
    const c = libc();
    const fl = check("fcntl", c.fcntl(fd, F_GETFL, 0), "F_GETFL");
    check("fcntl", c.fcntl(fd, F_SETFL, fl | O_NONBLOCK), "F_SETFL O_NONBLOCK");
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The next frame (a copy), waiting until one arrives. Rejects once the queue
   * is closed; `signal` aborts the wait.
   */
  async read(signal?: AbortSignal): Promise<Uint8Array> {
    const c = libc();
    for (;;) {
      if (this.#closed) throw new Error(`Cannot read from ${this.ifname}: the queue is closed`);
      const n = c.read(this.fd, this.#buf, this.#buf.length);
      if (n >= 0) return this.#buf.slice(0, n);
      if (-n === Errno.EINTR) continue;
      if (-n !== Errno.EAGAIN) throw new SyscallError("read", -n, `(tun/tap queue ${this.ifname})`);
      const poller = Poller.get();
      this.#token ??= poller.register(this.fd);
      const r = await poller.wait(this.#token, signal);
      if (r === "cancelled") {
        if (signal?.aborted) throw signal.reason ?? new Error("aborted");
        if (this.#closed) throw new Error(`Cannot read from ${this.ifname}: the queue is closed`);
      }
      if (r === "gone") {
        throw new Error(`Cannot read from ${this.ifname}: its descriptor was closed`);
      }
    }
  }

  /** Writes one frame into the kernel (as if received on the device); returns the bytes written. */
  write(frame: Uint8Array): number {
    if (this.#closed) throw new Error(`Cannot write to ${this.ifname}: the queue is closed`);
    if (!(frame instanceof Uint8Array)) {
      throw new ArgumentError("frame", "a Uint8Array", frame);
    }
    // The adapters pass buffers by address: copy into a buffer of its own.
    const b = allocBuffer(frame.length);
    b.set(frame);
    for (;;) {
      const n = libc().write(this.fd, b, b.length);
      if (n >= 0) return n;
      if (-n !== Errno.EINTR) {
        throw new SyscallError("write", -n, `(tun/tap queue ${this.ifname})`);
      }
    }
  }

  /** Closes the descriptor (a pending read rejects). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#token !== undefined) Poller.get().unregister(this.#token);
    this.#token = undefined;
    libc().close(this.fd);
  }

  /** Closes the queue (for `using`). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** Closes the queue (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /** The plain form: name, mode, descriptor, closed. */
  toJSON(): { ifname: string; mode: TunTapMode; fd: number; closed: boolean } {
    return { ifname: this.ifname, mode: this.mode, fd: this.fd, closed: this.#closed };
  }

  /** Inspection shows the plain form. */
  [Symbol.for("nodejs.util.inspect.custom")](): unknown {
    return this.toJSON();
  }
}
