/**
 * `struct epoll_event` layout and constants. The struct is packed (12 bytes) on
 * x86_64 and naturally aligned (16 bytes) elsewhere.
 *
 * @module
 */
import { denoApi } from "./deno_api.ts";

// Read the architecture without loading Node's compatibility layer in Deno.
const X64: boolean = "Deno" in globalThis
  ? denoApi().build.arch === "x86_64"
  : process.arch === "x64";

/** Size of `struct epoll_event` on this architecture. */
export const EPOLL_EVENT_SIZE: number = X64 ? 12 : 16;
/** Offset of `data` inside `struct epoll_event`. */
export const EPOLL_DATA_OFFSET: number = X64 ? 4 : 8;

/** epoll event bits and commands. */
export const EPOLLIN = 0x001;
/** Edge triggered. */
export const EPOLLET = 0x80000000;
/** Disarm after one event. */
export const EPOLLONESHOT = 0x40000000;
/** epoll_ctl: add. */
export const EPOLL_CTL_ADD = 1;
/** epoll_ctl: delete. */
export const EPOLL_CTL_DEL = 2;
/** epoll_ctl: modify. */
export const EPOLL_CTL_MOD = 3;
/** Token of the wake-up eventfd. */
export const WAKE_TOKEN = 0xffffffff;
/**
 * Longest single wait (ms). A wait that times out lets the poller check that
 * the descriptors it waits on are still open: one closed behind a socket's
 * back would otherwise never wake its waiter.
 */
export const WAIT_MS = 1000;
/** How many events one epoll_wait returns at most. */
export const MAX_EVENTS = 256;

/**
 * Reads the tokens of `n` events from an epoll_wait buffer.
 */
export function readTokens(dv: DataView, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(dv.getUint32(i * EPOLL_EVENT_SIZE + EPOLL_DATA_OFFSET, true));
  }
  return out;
}
