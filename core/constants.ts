/**
 * Netlink protocol constants (linux/netlink.h).
 *
 * @module
 */

/** Netlink protocol numbers (the third argument of socket()). */
export const NETLINK_ROUTE = 0;
/** Generic netlink. */
export const NETLINK_GENERIC = 16;

/** Header flags. */
export const NLM_F = {
  REQUEST: 0x01,
  MULTI: 0x02,
  ACK: 0x04,
  ECHO: 0x08,
  DUMP_INTR: 0x10,
  DUMP_FILTERED: 0x20,
  // GET requests
  ROOT: 0x100,
  MATCH: 0x200,
  ATOMIC: 0x400,
  DUMP: 0x300,
  // NEW requests
  REPLACE: 0x100,
  EXCL: 0x200,
  CREATE: 0x400,
  APPEND: 0x800,
  // DELETE requests
  NONREC: 0x100,
  BULK: 0x200,
  // ACK messages
  CAPPED: 0x100,
  ACK_TLVS: 0x200,
} as const;

/** Control message types. */
export const NLMSG = {
  NOOP: 1,
  ERROR: 2,
  DONE: 3,
  OVERRUN: 4,
} as const;

/** Extended ACK attribute types (enum nlmsgerr_attrs). */
export const NLMSGERR_ATTR = {
  MSG: 1,
  OFFS: 2,
  COOKIE: 3,
  POLICY: 4,
  MISS_TYPE: 5,
  MISS_NEST: 6,
} as const;

/** Socket level and options (SOL_NETLINK). */
export const SOL_NETLINK = 270;
/** Netlink socket options. */
export const NETLINK_OPT = {
  ADD_MEMBERSHIP: 1,
  DROP_MEMBERSHIP: 2,
  PKTINFO: 3,
  BROADCAST_ERROR: 4,
  NO_ENOBUFS: 5,
  LISTEN_ALL_NSID: 8,
  LIST_MEMBERSHIPS: 9,
  CAP_ACK: 10,
  EXT_ACK: 11,
  GET_STRICT_CHK: 12,
} as const;

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
/** Non-blocking. */
export const SOCK_NONBLOCK = 0x800;
/** recv flags. */
export const MSG_DONTWAIT = 0x40;
/** Return the real length of a truncated datagram. */
export const MSG_TRUNC = 0x20;
/** Peek without consuming. */
export const MSG_PEEK = 0x2;
