/**
 * Netlink protocol constants: the generated ones (tables/netlink.ts, from the
 * kernel's linux/netlink.h) re-exported, and the libc socket ABI constants
 * netlink sockets use (sys/socket.h; the same on x86_64 and aarch64).
 *
 * @module
 */

import { NETLINK_PROTOCOL } from "./tables/netlink.ts";

export {
  NETLINK_PROTOCOL,
  NETLINK_SOCKOPT,
  NLM_F,
  NLMSG,
  NLMSGERR_ATTR,
} from "./tables/netlink.ts";

/** NETLINK_ROUTE, the rtnetlink protocol number (0). */
export const NETLINK_ROUTE: 0 = NETLINK_PROTOCOL.ROUTE;

/** Socket level of the netlink options (SOL_NETLINK, from linux/socket.h). */
export const SOL_NETLINK = 270;

/** SOL_SOCKET and the buffer options. */
export const SOL_SOCKET = 1;
/** Socket buffer options. */
export const SO = {
  SNDBUF: 7,
  RCVBUF: 8,
  SNDBUFFORCE: 32,
  RCVBUFFORCE: 33,
} as const;

/** socket() arguments. */
export const AF_NETLINK = 16;
/** Raw socket type. */
export const SOCK_RAW = 3;
/** Close on exec. */
export const SOCK_CLOEXEC = 0x80000;
/** recv flags. */
export const MSG_DONTWAIT = 0x40;
/** Return the real length of a truncated datagram. */
export const MSG_TRUNC = 0x20;
