/**
 * Netlink protocols as data: for each, its number, the fixed header its
 * messages start with (where it has one), the names of its message types and
 * multicast groups, how its datagrams are framed, and whether the kernel
 * answers its requests inside `sendmsg`. The socket is protocol-agnostic: it
 * reads all of this from the declaration it was opened with.
 *
 * Built from the generated constants (`tables/netlink.ts`, `tables/genetlink.ts`,
 * `tables/nfnetlink.ts`, `tables/ctnetlink.ts`, `tables/sock_diag.ts`, `tables/constants.ts`).
 *
 * @module
 */
import { ArgumentError } from "./errors.ts";
import { NETLINK_PROTOCOL, NLMSG, UEVENT_GRP } from "./tables/netlink.ts";
import { RTM, RTNLGRP } from "./tables/constants.ts";
import { GENETLINK_STRUCTS, GENL } from "./tables/genetlink.ts";
import { NFNETLINK_STRUCTS, NFNL_MSG, NFNL_SUBSYS, NFNLGRP } from "./tables/nfnetlink.ts";
import { IPCTNL_MSG_CT } from "./tables/ctnetlink.ts";
import { SKNLGRP, SOCK_DIAG_MSG } from "./tables/sock_diag.ts";
import type { StructLayout } from "./layout.ts";

/**
 * A netlink protocol's declaration.
 *
 * @example
 * ```ts
 * import { PROTOCOL, RTM } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * assert.equal(PROTOCOL.GENERIC.name, "NETLINK_GENERIC");
 * assert.equal(PROTOCOL.GENERIC.number, 16);
 * assert.equal(PROTOCOL.GENERIC.header?.size, 4); // every message starts with a genlmsghdr
 * assert.equal(PROTOCOL.ROUTE.header, undefined); // rtnetlink's header depends on the message
 * assert.equal(PROTOCOL.ROUTE.messageName(RTM.NEWROUTE), "RTM_NEWROUTE");
 * ```
 */
export interface NetlinkProtocol<H extends StructLayout | undefined = StructLayout | undefined> {
  /** The kernel's name, e.g. `"NETLINK_ROUTE"`. */
  readonly name: string;
  /** The protocol number (socket()'s third argument). */
  readonly number: number;
  /**
   * The fixed header every message of the protocol carries after `nlmsghdr`
   * (genlmsghdr, nfgenmsg); `undefined` when it varies by message type
   * (rtnetlink, sock_diag) or there is none.
   */
  readonly header: H;
  /** Multicast groups by name (empty when they are resolved at run time, as generic netlink's). */
  readonly groups: Readonly<Record<string, number>>;
  /**
   * `"netlink"`: datagrams hold `nlmsghdr`-framed messages; `"raw"`: each
   * datagram is one message without a header (NETLINK_KOBJECT_UEVENT), and
   * the protocol carries events only.
   */
  readonly framing: "netlink" | "raw";
  /**
   * Whether the kernel answers a do-request inside `sendmsg` (its reply is
   * queued by the time `send` returns): then a request still unanswered after
   * a receive-buffer overflow has lost its reply, and fails with ENOBUFS.
   */
  readonly answersInSend: boolean;
  /**
   * Multicast groups (a bit mask, bit `g - 1` for group `g`) whose datagrams
   * come from userspace senders and are heard from any port: NETLINK_KOBJECT_UEVENT's
   * udev group, where udevd re-broadcasts. Only a process with CAP_NET_ADMIN
   * in the namespace may send to a group of such a protocol. Absent or 0:
   * only the kernel (port 0) is heard, the rule of every other protocol.
   */
  readonly userGroups?: number;
  /** The name of a message type, for errors and printing (`"message type N"` when unknown). */
  messageName(type: number): string;
}

/** Names of the control messages every netlink-framed protocol shares (NLMSG_NOOP …). */
const CONTROL: string[] = [];
for (const [name, value] of Object.entries(NLMSG)) {
  if (value < NLMSG.MIN_TYPE) CONTROL[value] = `NLMSG_${name}`;
}

/** A name lookup: control messages, then `table` (first name of a value wins) with `prefix`. */
function namer(prefix: string, table: Readonly<Record<string, number>>): (type: number) => string {
  const names: string[] = [...CONTROL];
  for (const [name, value] of Object.entries(table)) names[value] ??= `${prefix}${name}`;
  return (type) => names[type] ?? `message type ${type}`;
}

const PROTOCOL_NAMES: string[] = [];
for (const [name, value] of Object.entries(NETLINK_PROTOCOL)) {
  PROTOCOL_NAMES[value] ??= `NETLINK_${name}`;
}

/** NETLINK_ROUTE: rtnetlink (links, addresses, routes, …); headers vary by message type. */
const ROUTE: NetlinkProtocol<undefined> = {
  name: "NETLINK_ROUTE",
  number: NETLINK_PROTOCOL.ROUTE,
  header: undefined,
  groups: RTNLGRP,
  framing: "netlink",
  answersInSend: true,
  messageName: namer("RTM_", RTM),
};

const genlNames = namer(
  "GENL_",
  Object.fromEntries(Object.entries(GENL).filter(([name]) => name.startsWith("ID_"))),
);

/**
 * NETLINK_GENERIC: generic netlink. Message types are family ids (GENL_ID_CTRL,
 * 16, is nlctrl, which resolves the others by name); groups are resolved at
 * run time through nlctrl.
 */
const GENERIC: NetlinkProtocol<typeof GENETLINK_STRUCTS.genlmsghdr> = {
  name: "NETLINK_GENERIC",
  number: NETLINK_PROTOCOL.GENERIC,
  header: GENETLINK_STRUCTS.genlmsghdr,
  groups: {},
  framing: "netlink",
  answersInSend: true,
  messageName: (type) => {
    const name = genlNames(type);
    return name.startsWith("message type") && type >= GENL.MIN_ID
      ? `generic netlink family ${type}`
      : name;
  },
};

const NFNL_SUBSYS_NAMES: string[] = [];
for (const [name, value] of Object.entries(NFNL_SUBSYS)) NFNL_SUBSYS_NAMES[value] ??= name;
const nfnlNames = namer("NFNL_MSG_", NFNL_MSG);
const ctnlNames: string[] = [];
for (const [name, value] of Object.entries(IPCTNL_MSG_CT)) {
  ctnlNames[value] ??= `IPCTNL_MSG_CT_${name}`;
}

/**
 * NETLINK_NETFILTER: nfnetlink; message types are `subsystem << 8 | message`
 * (conntrack's by their IPCTNL_MSG_CT_* names, other subsystems' by number).
 */
const NETFILTER: NetlinkProtocol<typeof NFNETLINK_STRUCTS.nfgenmsg> = {
  name: "NETLINK_NETFILTER",
  number: NETLINK_PROTOCOL.NETFILTER,
  header: NFNETLINK_STRUCTS.nfgenmsg,
  groups: NFNLGRP,
  framing: "netlink",
  answersInSend: true,
  messageName: (type) => {
    const subsys = type >> 8;
    if (subsys === NFNL_SUBSYS.NONE) return nfnlNames(type);
    if (subsys === NFNL_SUBSYS.CTNETLINK && ctnlNames[type & 0xff]) return ctnlNames[type & 0xff]!;
    const name = NFNL_SUBSYS_NAMES[subsys];
    return name ? `NFNL_SUBSYS_${name} message ${type & 0xff}` : `message type ${type}`;
  },
};

/** NETLINK_SOCK_DIAG: socket diagnostics (inet_diag, unix_diag); headers vary by family. */
const SOCK_DIAG: NetlinkProtocol<undefined> = {
  name: "NETLINK_SOCK_DIAG",
  number: NETLINK_PROTOCOL.SOCK_DIAG,
  header: undefined,
  groups: SKNLGRP,
  framing: "netlink",
  answersInSend: true,
  messageName: namer("SOCK_", SOCK_DIAG_MSG),
};

/**
 * NETLINK_KOBJECT_UEVENT: device events as raw `action@devpath\0KEY=VALUE\0…`
 * datagrams. The kernel sends to group 1 (`KERNEL`); group 2 (`UDEV`) carries
 * udevd's re-broadcasts (libudev's format), which come from a userspace sender
 * (a non-zero port): `userGroups` lets them through; everything else must come
 * from the kernel. The sender's port reaches the decoder as the message's
 * `pid`, so that a decoder can check that kernel-format events came from port 0.
 */
const KOBJECT_UEVENT: NetlinkProtocol<undefined> = {
  name: "NETLINK_KOBJECT_UEVENT",
  number: NETLINK_PROTOCOL.KOBJECT_UEVENT,
  header: undefined,
  groups: UEVENT_GRP,
  framing: "raw",
  answersInSend: false,
  userGroups: 1 << (UEVENT_GRP.UDEV - 1),
  messageName: () => "uevent",
};

/** The protocols declared here, by short name. */
export interface Protocols {
  /** NETLINK_ROUTE (0). */
  readonly ROUTE: NetlinkProtocol<undefined>;
  /** NETLINK_GENERIC (16), with `genlmsghdr`. */
  readonly GENERIC: NetlinkProtocol<typeof GENETLINK_STRUCTS.genlmsghdr>;
  /** NETLINK_NETFILTER (12), with `nfgenmsg`. */
  readonly NETFILTER: NetlinkProtocol<typeof NFNETLINK_STRUCTS.nfgenmsg>;
  /** NETLINK_SOCK_DIAG (4). */
  readonly SOCK_DIAG: NetlinkProtocol<undefined>;
  /** NETLINK_KOBJECT_UEVENT (15), raw framing. */
  readonly KOBJECT_UEVENT: NetlinkProtocol<undefined>;
}

/**
 * The declared netlink protocols.
 *
 * @example
 * ```ts
 * import { NetlinkSocket, PROTOCOL } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using sock = NetlinkSocket.open({ protocol: PROTOCOL.GENERIC });
 * assert.equal(sock.protocol, 16);
 * assert.equal(sock.declaration, PROTOCOL.GENERIC);
 * ```
 */
export const PROTOCOL: Protocols = { ROUTE, GENERIC, NETFILTER, SOCK_DIAG, KOBJECT_UEVENT };

const BY_NUMBER = new Map<number, NetlinkProtocol>(
  Object.values(PROTOCOL).map((p: NetlinkProtocol) => [p.number, p]),
);

/**
 * The declaration of protocol number `n`: a declared one, or for another
 * protocol a plain one (netlink framing, no header, no named groups, numbered
 * message types). Throws {@link ArgumentError} for a number outside 0…31.
 *
 * @example
 * ```ts
 * import { NetlinkSocket, protocolOf } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * assert.equal(protocolOf(0).name, "NETLINK_ROUTE");
 * assert.equal(protocolOf(9).name, "NETLINK_AUDIT"); // not declared: a plain declaration
 * await using sock = NetlinkSocket.open({ protocol: 16 }); // a number maps to its declaration
 * assert.equal(sock.declaration.name, "NETLINK_GENERIC");
 * ```
 */
export function protocolOf(n: number): NetlinkProtocol {
  if (!Number.isInteger(n) || n < 0 || n > 31) {
    throw new ArgumentError("protocol", "a netlink protocol number from 0 to 31", n);
  }
  let p = BY_NUMBER.get(n);
  if (!p) {
    p = {
      name: PROTOCOL_NAMES[n] ?? `netlink protocol ${n}`,
      number: n,
      header: undefined,
      groups: {},
      framing: "netlink",
      answersInSend: false,
      messageName: namer("", {}),
    };
    BY_NUMBER.set(n, p);
  }
  return p;
}
