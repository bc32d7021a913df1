/**
 * Passing descriptors between processes over a Unix socket (SCM_RIGHTS):
 * `struct msghdr`, `struct iovec` and `struct cmsghdr` laid out by hand for
 * LP64 Linux (x86_64, aarch64), every struct in a buffer of its own so that
 * its address stays put while libc reads it.
 *
 * The functions take the libc to call (`{ fn, addressOf }`): the process-wide
 * one (`libc.ts`) in the parent, a lean one (`lean.ts`) in a helper program,
 * which must start fast and so does not load the full table.
 *
 * @module
 */
import { Errno, SyscallError } from "./errno.ts";
import { allocBuffer, type Libc } from "./symbols.ts";

/** The libc functions (and address helper) a descriptor-passing call needs. */
export interface ScmLibc<N extends keyof Libc> {
  /** The functions. */
  readonly fn: Pick<Libc, N>;
  /** Address of a buffer's first byte. */
  addressOf(buf: Uint8Array): bigint;
}

/** AF_UNIX. */
export const AF_UNIX = 1;
/** SOCK_SEQPACKET: reliable, ordered, message boundaries kept. */
export const SOCK_SEQPACKET = 5;
/** SOCK_CLOEXEC (socket type flag). */
export const SOCK_CLOEXEC = 0x80000;
/** MSG_DONTWAIT. */
export const MSG_DONTWAIT = 0x40;
/** MSG_CMSG_CLOEXEC: received descriptors get FD_CLOEXEC. */
export const MSG_CMSG_CLOEXEC = 0x40000000;
/** MSG_NOSIGNAL: no SIGPIPE when the peer is gone. */
export const MSG_NOSIGNAL = 0x4000;
const MSG_CTRUNC = 0x8;
const SOL_SOCKET = 1;
const SCM_RIGHTS = 1;

/** sizeof(struct msghdr) on LP64. */
export const MSGHDR_SIZE = 56;
const IOVEC_SIZE = 16;
/** sizeof(struct cmsghdr) on LP64 (cmsg_len is a size_t). */
const CMSGHDR_SIZE = 16;
/** Most descriptors one message may carry here. */
const MAX_FDS = 16;
/** CMSG_SPACE(4 * MAX_FDS). */
const CONTROL_SIZE = CMSGHDR_SIZE + 4 * MAX_FDS;

/**
 * Creates a connected pair of SOCK_SEQPACKET Unix sockets, both close-on-exec.
 */
export function seqpacketPair(fn: Pick<Libc, "socketpair">): [number, number] {
  const fds = allocBuffer(8);
  const r = fn.socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds);
  if (r < 0) throw new SyscallError("socketpair", -r, "(AF_UNIX, SOCK_SEQPACKET)");
  const dv = new DataView(fds.buffer);
  return [dv.getInt32(0, true), dv.getInt32(4, true)];
}

function msghdr(
  addressOf: (b: Uint8Array) => bigint,
  iov: Uint8Array,
  control: Uint8Array | undefined,
  controlLen: number,
): Uint8Array {
  const m = allocBuffer(MSGHDR_SIZE);
  const dv = new DataView(m.buffer);
  dv.setBigUint64(16, addressOf(iov), true); // msg_iov
  dv.setBigUint64(24, 1n, true); // msg_iovlen
  if (control) {
    dv.setBigUint64(32, addressOf(control), true); // msg_control
    dv.setBigUint64(40, BigInt(controlLen), true); // msg_controllen
  }
  return m;
}

/** An iovec over the first `length` bytes of `buf` (a buffer from allocBuffer). */
function iovec(addressOf: (b: Uint8Array) => bigint, buf: Uint8Array, length: number): Uint8Array {
  const iov = allocBuffer(IOVEC_SIZE);
  const dv = new DataView(iov.buffer);
  dv.setBigUint64(0, addressOf(buf), true);
  dv.setBigUint64(8, BigInt(length), true);
  return iov;
}

/**
 * Sends one message carrying `data` and, optionally, descriptors (SCM_RIGHTS).
 * The descriptors stay open in the sender; the receiver gets duplicates.
 */
export function sendWithFds(
  lib: ScmLibc<"sendmsg">,
  sock: number,
  data: Uint8Array,
  fds: readonly number[] = [],
): void {
  if (fds.length > MAX_FDS) {
    throw new RangeError(`Cannot send descriptors: at most ${MAX_FDS} per message`);
  }
  const payload = allocBuffer(Math.max(data.length, 1));
  payload.set(data);
  const iov = iovec(lib.addressOf, payload, data.length);
  let control: Uint8Array | undefined;
  let controlLen = 0;
  if (fds.length) {
    controlLen = CMSGHDR_SIZE + 4 * fds.length; // CMSG_LEN; 8-aligned below
    controlLen = (controlLen + 7) & ~7; // CMSG_SPACE
    control = allocBuffer(controlLen);
    const cv = new DataView(control.buffer);
    cv.setBigUint64(0, BigInt(CMSGHDR_SIZE + 4 * fds.length), true); // cmsg_len
    cv.setInt32(8, SOL_SOCKET, true);
    cv.setInt32(12, SCM_RIGHTS, true);
    fds.forEach((fd, i) => cv.setInt32(CMSGHDR_SIZE + 4 * i, fd, true));
  }
  const m = msghdr(lib.addressOf, iov, control, controlLen);
  for (;;) {
    const n = lib.fn.sendmsg(sock, m, MSG_NOSIGNAL);
    if (n === -Errno.EINTR) continue;
    if (n < 0) throw new SyscallError("sendmsg", -n, "(SCM_RIGHTS)");
    return;
  }
}

/** What {@link recvWithFds} received. */
export interface ReceivedMessage {
  /** The message bytes (a copy). Empty with `eof` when the peer closed. */
  data: Uint8Array;
  /** Descriptors that came with it (close-on-exec). The caller owns them. */
  fds: number[];
  /** The peer closed its end and nothing was queued. */
  eof: boolean;
}

/**
 * Receives one message and the descriptors attached to it, without waiting
 * (MSG_DONTWAIT). Returns `undefined` when nothing is queued (EAGAIN).
 * Received descriptors are close-on-exec. A truncated control part (more
 * descriptors than fit) closes what did arrive and throws.
 */
export function recvWithFds(
  lib: ScmLibc<"recvmsg" | "close">,
  sock: number,
  maxData = 4096,
): ReceivedMessage | undefined {
  const payload = allocBuffer(maxData);
  const iov = iovec(lib.addressOf, payload, maxData);
  const control = allocBuffer(CONTROL_SIZE);
  const m = msghdr(lib.addressOf, iov, control, CONTROL_SIZE);
  let n: number;
  for (;;) {
    n = lib.fn.recvmsg(sock, m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n !== -Errno.EINTR) break;
  }
  if (n === -Errno.EAGAIN) return undefined;
  if (n < 0) throw new SyscallError("recvmsg", -n, "(SCM_RIGHTS)");
  const mv = new DataView(m.buffer);
  const controlLen = Number(mv.getBigUint64(40, true));
  const flags = mv.getInt32(48, true);
  const fds: number[] = [];
  const cv = new DataView(control.buffer);
  for (let off = 0; off + CMSGHDR_SIZE <= controlLen;) {
    const len = Number(cv.getBigUint64(off, true));
    if (len < CMSGHDR_SIZE || off + len > controlLen) break;
    if (cv.getInt32(off + 8, true) === SOL_SOCKET && cv.getInt32(off + 12, true) === SCM_RIGHTS) {
      for (let p = off + CMSGHDR_SIZE; p + 4 <= off + len; p += 4) fds.push(cv.getInt32(p, true));
    }
    off += (len + 7) & ~7;
  }
  if (flags & MSG_CTRUNC) {
    for (const fd of fds) lib.fn.close(fd);
    throw new SyscallError("recvmsg", Errno.EMSGSIZE, "(SCM_RIGHTS: control data truncated)");
  }
  return { data: payload.slice(0, n), fds, eof: n === 0 && fds.length === 0 };
}
