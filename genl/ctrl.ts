/**
 * Family resolution through nlctrl (`CTRL_CMD_GETFAMILY`): a family's id,
 * version, header size, highest attribute, operations with their flags and
 * multicast groups, by name, cached per socket; and the list of every family
 * the kernel has (what `genl ctrl list` shows). Decoded with the tables
 * generated from nlctrl's own YNL spec.
 *
 * @module
 */
import { ArgumentError, NetlinkError } from "../core/errors.ts";
import type { MessageRef } from "../core/message.ts";
import { Registry } from "../core/schema.ts";
import { decodeAttrs } from "../core/decode.ts";
import { encodeAttrs } from "../core/encode.ts";
import { NLMSG_HDRLEN } from "../core/codec.ts";
import type { NetlinkSocket } from "../core/socket.ts";
import { CTRL_CMD, GENETLINK_STRUCTS, GENL } from "../core/tables/genetlink.ts";
import { writeStruct } from "../core/layout.ts";
import { NLCTRL } from "./families/nlctrl.ts";

/** genlmsghdr's size. */
export const GENL_HDRLEN: number = GENETLINK_STRUCTS.genlmsghdr.size;
const ENOENT = 2;

/** One operation of a family, as the kernel reports it. */
export interface GenlOpInfo {
  /** The command number. */
  readonly id: number;
  /** Its flags by name: `admin-perm`, `cmd-cap-do`, `cmd-cap-dump`, `cmd-cap-haspol`, `uns-admin-perm`. */
  readonly flags: readonly string[];
}

/** A multicast group of a family. */
export interface GenlGroupInfo {
  /** The group's name (`"monitor"`). */
  readonly name: string;
  /** The group number to join. */
  readonly id: number;
}

/**
 * A generic netlink family as the running kernel describes it.
 *
 * @example Resolving nlctrl itself
 * ```ts
 * import { listGenlFamilies, NetlinkSocket, PROTOCOL, resolveGenlFamily } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using sock = NetlinkSocket.open({ protocol: PROTOCOL.GENERIC });
 * const ctrl = await resolveGenlFamily(sock, "nlctrl");
 * assert.equal(ctrl.id, 16); // GENL_ID_CTRL
 * assert.ok(ctrl.groups.some((g) => g.name === "notify"));
 * const all = await listGenlFamilies(sock);
 * assert.ok(all.some((f) => f.name === "nlctrl"));
 * ```
 */
export interface GenlFamilyInfo {
  /** The family id: the message type of its requests. */
  readonly id: number;
  /** The family's name. */
  readonly name: string;
  /** The version the kernel implements. */
  readonly version: number;
  /** Size of the family's fixed header after genlmsghdr. */
  readonly headerSize: number;
  /** The highest attribute number the family accepts. */
  readonly maxAttr: number;
  /** Its operations. */
  readonly ops: readonly GenlOpInfo[];
  /** Its multicast groups. */
  readonly groups: readonly GenlGroupInfo[];
}

const CTRL = new Registry([NLCTRL.data]);
const CTRL_ATTRS = CTRL.set("ctrlAttrs");
const OP_FLAGS = CTRL.enum("opFlags");

function opFlags(mask: number): string[] {
  const out: string[] = [];
  for (const [name, bit] of OP_FLAGS.byName) {
    if (mask & bit) out.push(name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
  }
  return out;
}

interface RawInfo {
  familyId?: number;
  familyName?: string;
  version?: number;
  hdrsize?: number;
  maxattr?: number;
  ops?: { id?: number; flags?: number }[];
  mcastGroups?: { name?: string; id?: number }[];
}

function decodeFamily(m: MessageRef): GenlFamilyInfo {
  const start = m.offset + NLMSG_HDRLEN + GENL_HDRLEN;
  const a = decodeAttrs(CTRL_ATTRS, m.bytes, start, m.offset + m.length) as RawInfo;
  return {
    id: a.familyId ?? 0,
    name: a.familyName ?? "",
    version: a.version ?? 0,
    headerSize: a.hdrsize ?? 0,
    maxAttr: a.maxattr ?? 0,
    ops: (a.ops ?? []).map((o) => ({ id: o.id ?? 0, flags: opFlags(o.flags ?? 0) })),
    groups: (a.mcastGroups ?? []).map((g) => ({ name: g.name ?? "", id: g.id ?? 0 })),
  };
}

function getFamily(name?: string) {
  return {
    type: GENL.ID_CTRL,
    name: "CTRL_CMD_GETFAMILY",
    body: (w: Parameters<typeof encodeAttrs>[0]) => {
      writeStruct(w, GENETLINK_STRUCTS.genlmsghdr, { cmd: CTRL_CMD.GETFAMILY, version: 1 });
      if (name !== undefined) encodeAttrs(w, CTRL_ATTRS, { familyName: name });
    },
  };
}

/** Resolved families per socket. */
const CACHE = new WeakMap<NetlinkSocket, Map<string, GenlFamilyInfo>>();

/**
 * Resolves a family by name on `sock` (a NETLINK_GENERIC socket); the answer
 * is cached per socket. A family the kernel lacks fails with a
 * {@link NetlinkError} (ENOENT) whose message names it.
 */
export async function resolveGenlFamily(
  sock: NetlinkSocket,
  name: string,
): Promise<GenlFamilyInfo> {
  if (typeof name !== "string" || name.length === 0 || name.length >= GENL.NAMSIZ) {
    throw new ArgumentError("family", `a family name of 1 to ${GENL.NAMSIZ - 1} characters`, name);
  }
  let cache = CACHE.get(sock);
  const hit = cache?.get(name);
  if (hit) return hit;
  let info: GenlFamilyInfo;
  try {
    const r = await sock.request(getFamily(name), { decode: decodeFamily, ack: false });
    info = r.messages[0]!;
  } catch (e) {
    if (e instanceof NetlinkError && e.errno === ENOENT) throw new FamilyNotFoundError(name, e);
    throw e;
  }
  if (!cache) CACHE.set(sock, cache = new Map());
  cache.set(name, info);
  return info;
}

/** Every family the kernel has (what `genl ctrl list` shows), in the kernel's order. */
export function listGenlFamilies(sock: NetlinkSocket): Promise<GenlFamilyInfo[]> {
  const req = getFamily();
  return sock.dump(req, { decode: decodeFamily }).all();
}

/**
 * The kernel has no generic netlink family of that name (ENOENT from nlctrl):
 * "Cannot resolve generic netlink family "wireguard": not available in this kernel".
 */
export class FamilyNotFoundError extends NetlinkError {
  /** The family's name. */
  readonly family: string;
  /** The error for `family`, from the kernel's ENOENT. */
  constructor(family: string, cause: NetlinkError) {
    super(cause.errno, cause.ack, "CTRL_CMD_GETFAMILY");
    this.name = "FamilyNotFoundError";
    this.family = family;
    this.message =
      `Cannot resolve generic netlink family "${family}": not available in this kernel`;
  }
}
