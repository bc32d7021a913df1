/**
 * The ipset requests (NFNL_SUBSYS_IPSET): what each command takes, checked
 * before anything is sent ({@link ArgumentError} naming the argument), and
 * the messages written — nfgenmsg (AF_INET, as `ipset` sends), then
 * IPSET_ATTR_PROTOCOL (IPSET_PROTOCOL, 7) and the command's attributes.
 * Integers the tables mark network byte order go out big-endian with
 * NLA_F_NET_BYTEORDER set (the kernel's ip_set_attr_netorder refuses them
 * otherwise); nests carry NLA_F_NESTED.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import { AF_INET, AF_INET6, parseIP, parseMAC, parsePrefix } from "../core/address.ts";
import { NLM_F } from "../core/constants.ts";
import { writeStruct } from "../core/layout.ts";
import type { Request } from "../core/message.ts";
import { type AttrSet, Registry } from "../core/schema.ts";
import { NLA_F_NET_BYTEORDER } from "../core/wire.ts";
import type { Writer } from "../core/writer.ts";
import { IPSET, IPSET_CADT_FLAG, IPSET_CMD, IPSET_NETLINK } from "../core/tables/ipset.ts";
import { NFNETLINK_STRUCTS, NFNL_SUBSYS } from "../core/tables/nfnetlink.ts";
import { PROTOCOL_NUMBERS } from "./names.ts";

const REGISTRY = new Registry([IPSET_NETLINK]);
/** @internal The compiled ipset attribute sets. */
export const IPSET_SETS = {
  cmd: REGISTRY.set("ipsetAttrCmd"),
  create: REGISTRY.set("ipsetAttrCreate"),
  adt: REGISTRY.set("ipsetAttrAdt"),
  adtList: REGISTRY.set("ipsetAttrAdtList"),
  addr: REGISTRY.set("ipsetAttrIpaddr"),
};
const S = IPSET_SETS;
const NFGEN = NFNETLINK_STRUCTS.nfgenmsg;

/** The set types this client creates, lists and fills. */
export const IPSET_TYPES = [
  "hash:ip",
  "hash:net",
  "hash:ip,port",
  "hash:net,iface",
  "hash:mac",
  "bitmap:port",
  "list:set",
] as const;

/** A set type (`ipset create NAME TYPE`). */
export type IPSetType = typeof IPSET_TYPES[number];

/** A set's address family, as `ipset` names it (`family inet`, `family inet6`). */
export type IPSetFamily = "inet" | "inet6";

/** Layer-4 protocols a hash:ip,port member takes (the ones with ports). */
export type IPSetPortProtocol = "tcp" | "udp" | "udplite" | "sctp";

/** A hash:ip,port member (`10.0.0.1,tcp:80`). */
export interface IPPortMember {
  /** The address. */
  ip: string;
  /** The port. */
  port: number;
  /** The protocol (default `tcp`, as `ipset` takes a bare port). */
  proto: IPSetPortProtocol;
}

/** A hash:net,iface member (`10.0.0.0/24,eth0`). */
export interface NetIfaceMember {
  /** The prefix (a bare address is a host: `/32`, `/128`). */
  net: string;
  /** The interface name. */
  iface: string;
}

/**
 * Members by set type, as listed: addresses (`"10.0.0.1"`), prefixes
 * (`"10.0.0.0/24"`, always with the length), `{ ip, port, proto }`,
 * `{ net, iface }`, MAC addresses (lower case), port numbers, set names.
 */
export interface IPSetMembers {
  /** An address. */
  "hash:ip": string;
  /** A prefix. */
  "hash:net": string;
  /** An address, protocol and port. */
  "hash:ip,port": IPPortMember;
  /** A prefix and an interface. */
  "hash:net,iface": NetIfaceMember;
  /** A MAC address. */
  "hash:mac": string;
  /** A port. */
  "bitmap:port": number;
  /** A set's name. */
  "list:set": string;
}

/** A member as add/del/test take it (hash:ip,port's `proto` may be left out: tcp). */
export type IPSetMemberSpec =
  | string
  | number
  | (Omit<IPPortMember, "proto"> & { proto?: IPSetPortProtocol })
  | NetIfaceMember;

/** Options of {@link IPSet.create} (`ipset create NAME TYPE …`). */
export interface IPSetCreateOptions {
  /** The address family of hash:ip, hash:net, hash:ip,port, hash:net,iface (default `inet`). */
  family?: IPSetFamily;
  /** Initial hash size (hash types; the kernel rounds up to a power of two, at least 64). */
  hashsize?: number;
  /** The most members (hash types; default 65536). */
  maxelem?: number;
  /** The port range of a bitmap:port (required there): `{ from, to }`. */
  range?: { from: number; to: number };
  /** The most members of a list:set (default 8). */
  size?: number;
  /** Default seconds a member stays (0 keeps it); the set then takes per-member timeouts. */
  timeout?: number;
  /** Per-member packet and byte counters. */
  counters?: boolean;
  /** Per-member comments. */
  comment?: boolean;
  /** Per-member skb mark, priority and queue (`skbinfo`). */
  skbinfo?: boolean;
  /** Adding to a full set evicts a random member (hash types; `forceadd`). */
  forceadd?: boolean;
  /** No error if an identical set exists (`-exist`). */
  exist?: boolean;
}

/** Options of {@link IPSet.add}, {@link IPSet.del} and {@link IPSet.test}. */
export interface IPSetMemberOptions {
  /** Seconds the member stays (sets with `timeout`; 0: for good). */
  timeout?: number;
  /** The member's comment (sets with `comment`; up to 255 bytes). */
  comment?: string;
  /** Initial packet counter (sets with `counters`). */
  packets?: bigint | number;
  /** Initial byte counter (sets with `counters`). */
  bytes?: bigint | number;
  /** The skb mark to set, with its mask (default all bits): sets with `skbinfo`. */
  skbmark?: number | { mark: number; mask: number };
  /** The skb priority (tc class) to set, `"MAJOR:MINOR"` in hex as tc writes it (`skbinfo`). */
  skbprio?: string;
  /** The skb queue to set (`skbinfo`). */
  skbqueue?: number;
  /** A hash:net or hash:net,iface member that matches nothing: an exception to a wider one. */
  nomatch?: boolean;
  /** No error if the member is already there (add) or is not (del): `-exist`. */
  exist?: boolean;
}

/** The nfnetlink message type of an ipset command. */
export function ipsetType(cmd: number): number {
  return (NFNL_SUBSYS.IPSET << 8) | cmd;
}

const CMD_NAMES: string[] = [];
for (const [k, v] of Object.entries(IPSET_CMD)) CMD_NAMES[v] = `IPSET_CMD_${k}`;

/** Writes an attribute of `set` by name, as the table types it. */
function put(
  w: Writer,
  set: AttrSet,
  name: string,
  v: number | bigint | string | Uint8Array,
): void {
  const d = set.get(name);
  const type = d.type | (d.be ? NLA_F_NET_BYTEORDER : 0);
  switch (d.kind) {
    case "u8":
      return w.attrU8(type, v as number);
    case "u16":
      return w.attrU16(type, v as number, d.be);
    case "u32":
      return w.attrU32(type, v as number, d.be);
    case "u64": {
      const a = w.beginAttr(type);
      w.u64(v as bigint, d.be);
      return w.endAttr(a);
    }
    case "string":
      return w.attrString(type, v as string);
    default:
      return w.attrBytes(type, v as Uint8Array);
  }
}

/** Writes an address nest (IPSET_ATTR_IP and kin): IPSET_ATTR_IPADDR_IPV4 or _IPV6. */
function putAddress(w: Writer, set: AttrSet, name: string, bytes: Uint8Array): void {
  const a = w.beginNested(set.get(name).type);
  put(w, S.addr, bytes.length === 4 ? "ipaddrIpv4" : "ipaddrIpv6", bytes);
  w.endAttr(a);
}

/** One request: nfgenmsg, IPSET_ATTR_PROTOCOL, then `write`'s attributes. */
function request(cmd: number, flags: number, write: (w: Writer) => void): Request {
  return {
    type: ipsetType(cmd),
    flags,
    name: CMD_NAMES[cmd] ?? `IPSET_CMD ${cmd}`,
    body: (w) => {
      writeStruct(w, NFGEN, { nfgenFamily: AF_INET, version: 0, resId: 0 });
      put(w, S.cmd, "protocol", IPSET.PROTOCOL);
      write(w);
    },
  };
}

function int(v: unknown, path: string, lo: number, hi: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) {
    throw new ArgumentError(path, `an integer from ${lo} to ${hi}`, v);
  }
  return v;
}

function bool(v: unknown, path: string): boolean {
  if (v !== undefined && typeof v !== "boolean") throw new ArgumentError(path, "true or false", v);
  return v === true;
}

function keys(v: unknown, allowed: readonly string[], path: string): Record<string, unknown> {
  if (v === undefined) return {};
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new ArgumentError(path || "options", "an object", v);
  }
  for (const [k, x] of Object.entries(v)) {
    if (x !== undefined && !allowed.includes(k)) {
      throw new ArgumentError(
        path ? `${path}.${k}` : k,
        allowed.length ? `one of ${allowed.join(", ")}` : "no options",
        x,
        "Cannot use unknown option",
      );
    }
  }
  return v as Record<string, unknown>;
}

/** A checked set name (1–31 bytes: IPSET_MAXNAMELEN with the NUL). */
export function setName(v: unknown, path = "name"): string {
  const max = IPSET.MAXNAMELEN - 1;
  if (
    typeof v !== "string" || v.length === 0 || v.includes("\0") ||
    new TextEncoder().encode(v).length > max
  ) {
    throw new ArgumentError(path, `a set name of 1 to ${max} bytes`, v);
  }
  return v;
}

/** A checked set type. */
export function setType(v: unknown, path = "type"): IPSetType {
  if (typeof v !== "string" || !(IPSET_TYPES as readonly string[]).includes(v)) {
    throw new ArgumentError(path, `a set type (${IPSET_TYPES.join(", ")})`, v);
  }
  return v as IPSetType;
}

/** The family number (IPSET_ATTR_FAMILY: NFPROTO_IPV4/IPV6, AF_INET/AF_INET6's numbers). */
function familyNumber(v: unknown, path: string): number {
  if (v === undefined || v === "inet") return AF_INET;
  if (v === "inet6") return AF_INET6;
  throw new ArgumentError(path, '"inet" or "inet6"', v);
}

/** Whether a type's members are addresses (the set has a family). */
export function hasFamily(type: IPSetType): boolean {
  return type === "hash:ip" || type === "hash:net" || type === "hash:ip,port" ||
    type === "hash:net,iface";
}

/** The TYPE request: the kernel's revisions of a set type for a family. */
export function typeRequest(type: IPSetType, family: number): Request {
  return request(IPSET_CMD.TYPE, 0, (w) => {
    put(w, S.cmd, "typename", type);
    put(w, S.cmd, "family", family);
  });
}

/** A checked create: the family number and a writer for the request at a revision. */
export function checkCreate(
  name: unknown,
  type: unknown,
  options: unknown,
): { name: string; type: IPSetType; family: number; request: (revision: number) => Request } {
  const n = setName(name);
  const t = setType(type);
  const common = ["timeout", "counters", "comment", "skbinfo", "exist"];
  const allowed = t.startsWith("hash:")
    ? [...common, "hashsize", "maxelem", "forceadd", ...(hasFamily(t) ? ["family"] : [])]
    : t === "bitmap:port"
    ? [...common, "range"]
    : [...common, "size"];
  const o = keys(options, allowed, "") as IPSetCreateOptions;
  const family = hasFamily(t) ? familyNumber(o.family, "family") : 0;
  const u32 = (k: keyof IPSetCreateOptions, lo = 0) =>
    o[k] === undefined ? undefined : int(o[k], k, lo, 0xffffffff);
  const hashsize = u32("hashsize", 1);
  const maxelem = u32("maxelem", 1);
  const size = u32("size", 1);
  const timeout = u32("timeout");
  let range: { from: number; to: number } | undefined;
  if (t === "bitmap:port") {
    if (o.range === undefined) throw new ArgumentError("range", "the port range { from, to }");
    const r = keys(o.range, ["from", "to"], "range");
    const from = int(r.from, "range.from", 0, 0xffff);
    const to = int(r.to, "range.to", from, 0xffff);
    range = { from, to };
  }
  let flags = 0;
  if (bool(o.counters, "counters")) flags |= IPSET_CADT_FLAG.WITH_COUNTERS;
  if (bool(o.comment, "comment")) flags |= IPSET_CADT_FLAG.WITH_COMMENT;
  if (bool(o.skbinfo, "skbinfo")) flags |= IPSET_CADT_FLAG.WITH_SKBINFO;
  if (bool(o.forceadd, "forceadd")) flags |= IPSET_CADT_FLAG.WITH_FORCEADD;
  const exist = bool(o.exist, "exist");
  return {
    name: n,
    type: t,
    family,
    request: (revision) =>
      request(IPSET_CMD.CREATE, NLM_F.CREATE | (exist ? 0 : NLM_F.EXCL), (w) => {
        put(w, S.cmd, "setname", n);
        put(w, S.cmd, "typename", t);
        put(w, S.cmd, "revision", revision);
        put(w, S.cmd, "family", family);
        const d = w.beginNested(S.cmd.get("data").type);
        if (range) {
          put(w, S.create, "port", range.from);
          put(w, S.create, "portTo", range.to);
        }
        if (timeout !== undefined) put(w, S.create, "timeout", timeout);
        if (hashsize !== undefined) put(w, S.create, "hashsize", hashsize);
        if (maxelem !== undefined) put(w, S.create, "maxelem", maxelem);
        if (size !== undefined) put(w, S.create, "size", size);
        if (flags) put(w, S.create, "cadtFlags", flags);
        w.endAttr(d);
      }),
  };
}

/**
 * A request naming a set, or every set when `name` is undefined (destroy,
 * flush). A destroy carries NLM_F_EXCL, as `ipset` sends it: without it the
 * kernel takes a missing set for done (IPSET_FLAG_EXIST).
 */
export function nameRequest(cmd: "DESTROY" | "FLUSH" | "HEADER", name: unknown): Request {
  const n = name === undefined && cmd !== "HEADER" ? undefined : setName(name);
  return request(IPSET_CMD[cmd], cmd === "DESTROY" ? NLM_F.EXCL : 0, (w) => {
    if (n !== undefined) put(w, S.cmd, "setname", n);
  });
}

/** Rename (`from` → `to`) or swap (`from` ↔ `to`). */
export function pairRequest(cmd: "RENAME" | "SWAP", from: unknown, to: unknown): Request {
  const a = setName(from, "from");
  const b = setName(to, "to");
  return request(IPSET_CMD[cmd], 0, (w) => {
    put(w, S.cmd, "setname", a);
    put(w, S.cmd, "typename", b); // IPSET_ATTR_SETNAME2
  });
}

/** The LIST dump: every set, or one. */
export function listRequest(name: unknown): Request {
  const n = name === undefined ? undefined : setName(name);
  return request(IPSET_CMD.LIST, NLM_F.DUMP, (w) => {
    if (n !== undefined) put(w, S.cmd, "setname", n);
  });
}

function address(v: unknown, path: string, family: number, what: string): Uint8Array {
  const ip = typeof v === "string" ? parseIP(v) : undefined;
  if (!ip) throw new ArgumentError(path, `an ${what} address`, v);
  if (ip.family !== family) {
    throw new ArgumentError(path, `an ${what} address (the set's family)`, v);
  }
  return ip.bytes;
}

function prefix(v: unknown, path: string, family: number, what: string) {
  const p = parsePrefix(v, path);
  if (p.family !== family) throw new ArgumentError(path, `an ${what} prefix (the set's family)`, v);
  if (p.prefixlen === 0) throw new ArgumentError(path, "a prefix length of at least 1", v);
  return p;
}

const PORT_PROTOCOLS: readonly IPSetPortProtocol[] = ["tcp", "udp", "udplite", "sctp"];

/** Writes a checked member of a `type` set of `family` (0: no family): the element's attributes. */
export function checkMember(
  type: IPSetType,
  family: number,
  member: unknown,
  path = "member",
): (w: Writer) => void {
  const what = family === AF_INET6 ? "IPv6" : "IPv4";
  switch (type) {
    case "hash:ip": {
      const b = address(member, path, family, what);
      return (w) => putAddress(w, S.adt, "ip", b);
    }
    case "hash:net": {
      const p = prefix(member, path, family, what);
      return (w) => {
        putAddress(w, S.adt, "ip", p.bytes);
        put(w, S.adt, "cidr", p.prefixlen);
      };
    }
    case "hash:ip,port": {
      const m = keys(member ?? null, ["ip", "port", "proto"], path);
      const b = address(m.ip, `${path}.ip`, family, what);
      const port = int(m.port, `${path}.port`, 0, 0xffff);
      const name = m.proto ?? "tcp";
      if (!PORT_PROTOCOLS.includes(name as IPSetPortProtocol)) {
        throw new ArgumentError(
          `${path}.proto`,
          `a protocol with ports (${PORT_PROTOCOLS.join(", ")})`,
          m.proto,
        );
      }
      const proto = PROTOCOL_NUMBERS.get(name as string)!;
      return (w) => {
        putAddress(w, S.adt, "ip", b);
        put(w, S.adt, "port", port);
        put(w, S.adt, "proto", proto);
      };
    }
    case "hash:net,iface": {
      const m = keys(member ?? null, ["net", "iface"], path);
      const p = prefix(m.net, `${path}.net`, family, what);
      const iface = m.iface;
      if (
        typeof iface !== "string" || iface.length === 0 || iface.length > 15 ||
        /[\0/\s]/.test(iface)
      ) {
        throw new ArgumentError(`${path}.iface`, "an interface name of 1 to 15 characters", iface);
      }
      return (w) => {
        putAddress(w, S.adt, "ip", p.bytes);
        put(w, S.adt, "cidr", p.prefixlen);
        put(w, S.adt, "iface", iface);
      };
    }
    case "hash:mac": {
      const mac = typeof member === "string" ? parseMAC(member) : undefined;
      if (!mac || mac.length !== 6) {
        throw new ArgumentError(path, "a MAC address (6 bytes)", member);
      }
      return (w) => put(w, S.adt, "ether", mac);
    }
    case "bitmap:port": {
      const port = int(member, path, 0, 0xffff);
      return (w) => put(w, S.adt, "port", port);
    }
    case "list:set": {
      const n = setName(member, path);
      return (w) => put(w, S.adt, "name", n);
    }
  }
}

function skbprio(v: unknown, path: string): number {
  const m = typeof v === "string" ? v.match(/^([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4})$/) : null;
  if (!m) throw new ArgumentError(path, 'a tc class "MAJOR:MINOR" (hex)', v);
  return ((parseInt(m[1]!, 16) << 16) | parseInt(m[2]!, 16)) >>> 0;
}

function counter(v: unknown, path: string): bigint {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === "bigint" && v >= 0n && v <= 0xffffffffffffffffn) return v;
  throw new ArgumentError(path, "a counter (a non-negative integer or bigint)", v);
}

/** An add, del or test of one member, its extensions checked (add only) and written. */
export function memberRequest(
  cmd: "ADD" | "DEL" | "TEST",
  name: string,
  writeMember: (w: Writer) => void,
  type: IPSetType,
  options: unknown,
): Request {
  const ext = cmd === "ADD"
    ? ["timeout", "comment", "packets", "bytes", "skbmark", "skbprio", "skbqueue"]
    : [];
  const netLike = type === "hash:net" || type === "hash:net,iface";
  const allowed = [...ext, ...(netLike ? ["nomatch"] : []), ...(cmd === "TEST" ? [] : ["exist"])];
  const o = keys(options, allowed, "") as IPSetMemberOptions;
  const timeout = o.timeout === undefined ? undefined : int(o.timeout, "timeout", 0, 0x7fffffff);
  let comment: string | undefined;
  if (o.comment !== undefined) {
    if (
      typeof o.comment !== "string" || o.comment.includes("\0") ||
      new TextEncoder().encode(o.comment).length > IPSET.MAX_COMMENT_SIZE
    ) {
      throw new ArgumentError(
        "comment",
        `a string of up to ${IPSET.MAX_COMMENT_SIZE} bytes`,
        o.comment,
      );
    }
    comment = o.comment;
  }
  const packets = o.packets === undefined ? undefined : counter(o.packets, "packets");
  const bytes = o.bytes === undefined ? undefined : counter(o.bytes, "bytes");
  let skbmark: bigint | undefined;
  if (o.skbmark !== undefined) {
    const m = typeof o.skbmark === "number"
      ? { mark: o.skbmark, mask: 0xffffffff }
      : keys(o.skbmark ?? null, ["mark", "mask"], "skbmark");
    const mark = int(
      m.mark,
      typeof o.skbmark === "number" ? "skbmark" : "skbmark.mark",
      0,
      0xffffffff,
    );
    const mask = int(m.mask ?? 0xffffffff, "skbmark.mask", 0, 0xffffffff);
    skbmark = (BigInt(mark) << 32n) | BigInt(mask);
  }
  const prio = o.skbprio === undefined ? undefined : skbprio(o.skbprio, "skbprio");
  const queue = o.skbqueue === undefined ? undefined : int(o.skbqueue, "skbqueue", 0, 0xffff);
  const cadt = bool(o.nomatch, "nomatch") ? IPSET_CADT_FLAG.NOMATCH : 0;
  const exist = bool(o.exist, "exist");
  const flags = cmd === "TEST" || exist ? 0 : NLM_F.EXCL;
  return request(IPSET_CMD[cmd], flags, (w) => {
    put(w, S.cmd, "setname", name);
    const d = w.beginNested(S.cmd.get("data").type);
    writeMember(w);
    if (timeout !== undefined) put(w, S.adt, "timeout", timeout);
    if (cadt) put(w, S.adt, "cadtFlags", cadt);
    if (packets !== undefined) put(w, S.adt, "packets", packets);
    if (bytes !== undefined) put(w, S.adt, "bytes", bytes);
    if (comment !== undefined) put(w, S.adt, "comment", comment);
    if (skbmark !== undefined) put(w, S.adt, "skbmark", skbmark);
    if (prio !== undefined) put(w, S.adt, "skbprio", prio);
    if (queue !== undefined) put(w, S.adt, "skbqueue", queue);
    w.endAttr(d);
  });
}
