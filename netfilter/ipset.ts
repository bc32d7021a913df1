/**
 * `IPSet`: the ip sets of a network namespace over NETLINK_NETFILTER
 * (NFNL_SUBSYS_IPSET) — create, destroy, rename, swap, flush and list sets
 * of hash:ip, hash:net, hash:ip,port, hash:net,iface, hash:mac, bitmap:port
 * and list:set; add, delete and test members. What Debian's `ipset` does
 * (`create`, `destroy`, `rename`, `swap`, `flush`, `list`, `add`, `del`,
 * `test`), with typed results. The kernel's own error codes (IPSET_ERR_*,
 * 4096 and up) become {@link NetlinkError}s named `IPSET_ERR_EXIST`, … with
 * a message saying what they mean.
 *
 * @module
 */
import { ArgumentError, NetlinkError } from "../core/errors.ts";
import { AF_INET, AF_INET6 } from "../core/address.ts";
import type { MessageRef, Request } from "../core/message.ts";
import type { NetnsRef } from "../core/nsenter.ts";
import { PROTOCOL } from "../core/protocol.ts";
import { decodeAttrs } from "../core/schema.ts";
import { NetlinkSocket } from "../core/socket.ts";
import { NLMSG_HDRLEN } from "../core/codec.ts";
import {
  IPSET_CADT_FLAG,
  IPSET_ERR,
  IPSET_ERR_BITMAP,
  IPSET_ERR_HASH,
  IPSET_ERR_LIST,
} from "../core/tables/ipset.ts";
import { NFNETLINK_STRUCTS } from "../core/tables/nfnetlink.ts";
import { protocolName } from "./names.ts";
import {
  checkCreate,
  checkMember,
  hasFamily,
  type IPPortMember,
  IPSET_SETS,
  IPSET_TYPES,
  type IPSetCreateOptions,
  type IPSetFamily,
  type IPSetMemberOptions,
  type IPSetMembers,
  type IPSetMemberSpec,
  type IPSetPortProtocol,
  type IPSetType,
  listRequest,
  memberRequest,
  nameRequest,
  pairRequest,
  setName,
  typeRequest,
} from "./ipset_request.ts";

/** Options of {@link IPSet.open}. */
export interface IPSetOptions {
  /** The namespace whose sets to use (a name under /run/netns, a path, a descriptor, `{ pid }`). */
  netns?: NetnsRef;
  /**
   * How to reach the namespace: `"thread"` (default: setns on the calling
   * thread around socket()) or `"process"` (a helper process opens the socket).
   */
  mode?: "thread" | "process";
  /** Receive buffer in bytes (default 1 MiB). */
  rcvbuf?: number;
}

/** A set's header: how it was created, and its size now (`ipset list -t`). */
export interface IPSetHeader {
  /** The address family (sets of addresses; absent for hash:mac, bitmap:port, list:set). */
  family?: IPSetFamily;
  /** Hash size (hash types). */
  hashsize?: number;
  /** The most members (hash types). */
  maxelem?: number;
  /** Bucket size (hash types). */
  bucketsize?: number;
  /** The hash's initial value (hash types). */
  initval?: number;
  /** The port range (bitmap:port). */
  range?: { from: number; to: number };
  /** The most members (list:set). */
  size?: number;
  /** Default timeout in seconds, when the set has timeouts. */
  timeout?: number;
  /** Per-member counters. */
  counters: boolean;
  /** Per-member comments. */
  comment: boolean;
  /** Per-member skb mark, priority, queue. */
  skbinfo: boolean;
  /** A full set evicts a random member on add. */
  forceadd: boolean;
  /** Bytes the set takes in the kernel. */
  memsize: number;
  /** References to the set (rules, list:set members). */
  references: number;
  /** The number of members. */
  entries: number;
}

/** One member with its extensions, as listed. */
export interface IPSetEntry<M> {
  /** The member (its form follows the set type: see {@link IPSetMembers}). */
  member: M;
  /** Seconds left (sets with timeouts; 0: for good). */
  timeout?: number;
  /** Packets matched (sets with counters). */
  packets?: bigint;
  /** Bytes matched (sets with counters). */
  bytes?: bigint;
  /** The comment (sets with comments). */
  comment?: string;
  /** The skb mark and mask set on match (skbinfo). */
  skbmark?: { mark: number; mask: number };
  /** The skb priority set on match, `"MAJOR:MINOR"` in hex (skbinfo). */
  skbprio?: string;
  /** The skb queue set on match (skbinfo). */
  skbqueue?: number;
  /** A nomatch member (hash:net, hash:net,iface). */
  nomatch?: boolean;
}

/** A set of type `T`: name, revision, header and members. */
export interface IPSetInfoOf<T extends IPSetType> {
  /** The set's name. */
  name: string;
  /** The set type. */
  type: T;
  /** The type's revision the set was created with. */
  revision: number;
  /** How the set was created, and its size. */
  header: IPSetHeader;
  /** The members, in the kernel's order. */
  members: IPSetEntry<IPSetMembers[T]>[];
}

/**
 * A set of a type this client does not model (`hash:net,port`,
 * `bitmap:ip`, …: made by `ipset`), listed rather than hidden: the kernel's
 * type name in `typeName`, each member as its attributes (addresses as
 * strings: `ip`, `ip2`, with `cidr`, `port`, `proto`, `iface`, `ether`, …).
 */
export interface IPSetOtherInfo {
  /** The set's name. */
  name: string;
  /** Always `"other"`: see `typeName`. */
  type: "other";
  /** The kernel's name of the set type. */
  typeName: string;
  /** The type's revision. */
  revision: number;
  /** How the set was created, and its size. */
  header: IPSetHeader;
  /** The members' attributes (the extensions, such as `timeout`, beside them as usual). */
  members: IPSetEntry<Record<string, unknown>>[];
}

/** A listed set: narrow on `type` for its members' form. */
export type IPSetInfo = { [T in IPSetType]: IPSetInfoOf<T> }[IPSetType] | IPSetOtherInfo;

// --- errors

const OWN_TEXT: Record<string, string> = {
  PROTOCOL: "the kernel refused the message (ipset protocol error)",
  FIND_TYPE: "the kernel has no such set type or revision",
  MAX_SETS: "the maximal number of sets is reached",
  BUSY: "the set is in use by a kernel component (a rule or a list:set)",
  EXIST_SETNAME2: "a set of the second name already exists",
  TYPE_MISMATCH: "the sets' types do not match",
  EXIST: "the element is already in the set",
  INVALID_CIDR: "the prefix length is not valid for the set",
  INVALID_NETMASK: "the netmask is not valid",
  INVALID_FAMILY: "the set type does not support the protocol family",
  TIMEOUT: "the set was created without timeout support",
  REFERENCED: "the set is referenced",
  IPADDR_IPV4: "an IPv4 address is expected",
  IPADDR_IPV6: "an IPv6 address is expected",
  COUNTER: "the set was created without counters support",
  COMMENT: "the set was created without comment support",
  INVALID_MARKMASK: "the markmask is not valid",
  SKBINFO: "the set was created without skbinfo support",
  BITMASK_NETMASK_EXCL: "bitmask and netmask exclude each other",
  HASH_FULL: "the set is full (maxelem reached)",
  HASH_ELEM: "a null-valued element cannot be stored",
  INVALID_PROTO: "the protocol is not valid",
  MISSING_PROTO: "the protocol is missing",
  HASH_RANGE_UNSUPPORTED: "ranges are not supported",
  HASH_RANGE: "the range is not valid",
  BITMAP_RANGE: "the element is out of the set's range",
  BITMAP_RANGE_SIZE: "the range exceeds the set type's size limit",
  NAME: "the set to add, delete or test does not exist",
  LOOP: "a list:set cannot be a member of a list:set",
  BEFORE: "the reference set is missing",
  NAMEREF: "the reference set does not exist",
  LIST_FULL: "the list is full",
  REF_EXIST: "the reference set is not in the list",
};

function byCode(group: Record<string, number>): Map<number, string> {
  return new Map(Object.entries(group).map(([k, v]) => [v, k]));
}
const GENERIC = byCode(IPSET_ERR);
const SPECIFIC: Record<string, Map<number, string>> = {
  hash: byCode(IPSET_ERR_HASH),
  bitmap: byCode(IPSET_ERR_BITMAP),
  list: byCode(IPSET_ERR_LIST),
};

/**
 * The error named as ipset names it: IPSET_ERR_* codes (the type-specific
 * ones by the set type, when known), ENOENT as a missing set.
 */
function ipsetError(e: unknown, cmd: string, set?: string, type?: IPSetType): unknown {
  if (!(e instanceof NetlinkError) || e.extack) return e;
  let code: string | undefined;
  let text: string | undefined;
  if (e.errno === 2 && set !== undefined) {
    code = e.code;
    text = `no set named "${set}"`;
  } else if (e.errno >= IPSET_ERR.TYPE_SPECIFIC) {
    const name = type ? SPECIFIC[type.split(":")[0]!]?.get(e.errno) : undefined;
    code = `IPSET_ERR_${name ?? "TYPE_SPECIFIC"}`;
    text = name ? OWN_TEXT[name] : `set type specific error ${e.errno - IPSET_ERR.TYPE_SPECIFIC}`;
  } else if (e.errno >= IPSET_ERR.PRIVATE) {
    const name = GENERIC.get(e.errno);
    code = name ? `IPSET_ERR_${name}` : `IPSET_ERR_${e.errno}`;
    text = name === "EXIST"
      ? cmd === "DEL" ? "the element is not in the set" : OWN_TEXT.EXIST
      : name
      ? OWN_TEXT[name]
      : `ipset error ${e.errno}`;
  }
  if (code === undefined) return e;
  return new NetlinkError(e.errno, e.ack, e.request, { code, text: text ?? code });
}

// --- decoding

const NFGEN_SIZE = NFNETLINK_STRUCTS.nfgenmsg.size;
type Attrs = Record<string, unknown>;

function attrsOf(m: MessageRef): Attrs {
  const start = m.offset + NLMSG_HDRLEN + NFGEN_SIZE;
  return decodeAttrs(IPSET_SETS.cmd, m.bytes, start, m.offset + m.length);
}

function familyName(n: unknown): IPSetFamily | undefined {
  return n === AF_INET ? "inet" : n === AF_INET6 ? "inet6" : undefined;
}

function addr(v: unknown): string {
  const a = v as { ipaddrIpv4?: string; ipaddrIpv6?: string } | undefined;
  return a?.ipaddrIpv4 ?? a?.ipaddrIpv6 ?? "";
}

function headerOf(type: IPSetType | "other", a: Attrs): IPSetHeader {
  const d = (a.data ?? {}) as Record<string, number | undefined>;
  const cadt = d.cadtFlags ?? 0;
  const h: IPSetHeader = {
    counters: (cadt & IPSET_CADT_FLAG.WITH_COUNTERS) !== 0,
    comment: (cadt & IPSET_CADT_FLAG.WITH_COMMENT) !== 0,
    skbinfo: (cadt & IPSET_CADT_FLAG.WITH_SKBINFO) !== 0,
    forceadd: (cadt & IPSET_CADT_FLAG.WITH_FORCEADD) !== 0,
    memsize: d.memsize ?? 0,
    references: d.references ?? 0,
    entries: d.elements ?? 0,
  };
  const family = type === "other" || hasFamily(type) ? familyName(a.family) : undefined;
  if (family) h.family = family;
  if (d.hashsize !== undefined) h.hashsize = d.hashsize;
  if (d.maxelem !== undefined) h.maxelem = d.maxelem;
  if (d.bucketsize !== undefined) h.bucketsize = d.bucketsize;
  if (d.initval !== undefined) h.initval = d.initval;
  if (type === "bitmap:port" && d.port !== undefined) {
    h.range = { from: d.port, to: d.portTo ?? d.port };
  }
  if (d.size !== undefined) h.size = d.size;
  if (d.timeout !== undefined) h.timeout = d.timeout;
  return h;
}

/** The extension attributes of a member (what {@link IPSetEntry} has beside the member). */
const EXTENSIONS = new Set([
  "timeout",
  "packets",
  "bytes",
  "comment",
  "skbmark",
  "skbprio",
  "skbqueue",
  "cadtFlags",
]);

function memberOf(type: IPSetType | "other", d: Attrs): unknown {
  switch (type) {
    case "other": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(d)) {
        if (EXTENSIONS.has(k)) continue;
        out[k] = typeof v === "object" && v !== null && !(v instanceof Uint8Array) ? addr(v) : v;
      }
      return out;
    }
    case "hash:ip":
      return addr(d.ip);
    case "hash:net":
      return `${addr(d.ip)}/${d.cidr}`;
    case "hash:ip,port":
      return {
        ip: addr(d.ip),
        port: d.port as number,
        proto: protocolName(d.proto as number) as IPSetPortProtocol,
      } satisfies IPPortMember;
    case "hash:net,iface":
      return { net: `${addr(d.ip)}/${d.cidr}`, iface: d.iface as string };
    case "hash:mac":
      return (d.ether as string).toLowerCase();
    case "bitmap:port":
      return d.port as number;
    case "list:set":
      return d.name as string;
  }
}

const hex = (n: number) => n.toString(16);

function entryOf(type: IPSetType | "other", d: Attrs): IPSetEntry<unknown> {
  const e: IPSetEntry<unknown> = { member: memberOf(type, d) };
  if (d.timeout !== undefined) e.timeout = d.timeout as number;
  if (d.packets !== undefined) e.packets = d.packets as bigint;
  if (d.bytes !== undefined) e.bytes = d.bytes as bigint;
  if (d.comment !== undefined) e.comment = d.comment as string;
  if (d.skbmark !== undefined) {
    const v = d.skbmark as bigint;
    e.skbmark = { mark: Number(v >> 32n), mask: Number(v & 0xffffffffn) };
  }
  if (d.skbprio !== undefined) {
    const p = d.skbprio as number;
    e.skbprio = `${hex(p >>> 16)}:${hex(p & 0xffff)}`;
  }
  if (d.skbqueue !== undefined) e.skbqueue = d.skbqueue as number;
  if (((d.cadtFlags as number | undefined) ?? 0) & IPSET_CADT_FLAG.NOMATCH) e.nomatch = true;
  return e;
}

/** The sets of a LIST dump: messages merged by set name (a big set spans several). */
function mergeSets(messages: Attrs[]): IPSetInfo[] {
  const sets = new Map<string, IPSetInfoOf<IPSetType> | IPSetOtherInfo>();
  for (const a of messages) {
    const name = a.setname as string;
    let s = sets.get(name);
    if (!s) {
      const typeName = a.typename as string;
      const known = (IPSET_TYPES as readonly string[]).includes(typeName);
      const type = known ? typeName as IPSetType : "other";
      const revision = (a.revision as number | undefined) ?? 0;
      const header = headerOf(type, a);
      s = type === "other"
        ? { name, type, typeName, revision, header, members: [] }
        : { name, type, revision, header, members: [] };
      sets.set(name, s);
    }
    const list = (a.adt as { data?: Attrs | Attrs[] } | undefined)?.data;
    for (const d of list === undefined ? [] : Array.isArray(list) ? list : [list]) {
      s.members.push(entryOf(s.type, d) as IPSetEntry<never>);
    }
  }
  return [...sets.values()] as IPSetInfo[];
}

/**
 * The ip sets of one network namespace.
 *
 * @example A hash:ip set with timeouts and comments: made, filled, tested, listed, destroyed
 * ```ts
 * import { IPSet } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipset = await IPSet.open({ netns: "blue" });
 * await ipset.create("allow", "hash:ip", { timeout: 600, comment: true });
 * await ipset.add("allow", "192.0.2.7", { timeout: 60, comment: "build host" });
 * assert.equal(await ipset.test("allow", "192.0.2.7"), true);
 * assert.equal(await ipset.test("allow", "192.0.2.8"), false);
 * const [set] = await ipset.list("allow");
 * assert.equal(set?.type, "hash:ip");
 * assert.equal(set?.members[0]?.member, "192.0.2.7");
 * assert.equal(set?.members[0]?.comment, "build host");
 * await ipset.destroy("allow");
 * ```
 */
export class IPSet implements AsyncDisposable {
  /** The NETLINK_NETFILTER socket. */
  readonly socket: NetlinkSocket;

  private constructor(socket: NetlinkSocket) {
    this.socket = socket;
  }

  /** Opens a NETLINK_NETFILTER socket (in `netns` when given) for the ip sets. */
  static async open(opts: IPSetOptions = {}): Promise<IPSet> {
    if (typeof opts !== "object" || opts === null) {
      throw new ArgumentError("options", "an object", opts);
    }
    const mode = opts.mode ?? "thread";
    if (mode !== "thread" && mode !== "process") {
      throw new ArgumentError("mode", '"thread" or "process"', mode);
    }
    const base = {
      protocol: PROTOCOL.NETFILTER,
      ...(opts.rcvbuf !== undefined ? { rcvbuf: opts.rcvbuf } : {}),
    };
    if (opts.netns === undefined) return new IPSet(NetlinkSocket.open(base));
    if (mode === "thread") return new IPSet(NetlinkSocket.open({ ...base, netns: opts.netns }));
    const { openSocketInProcess } = await import("../core/nsprocess.ts");
    const fd = await openSocketInProcess(opts.netns, { protocol: PROTOCOL.NETFILTER.number });
    return new IPSet(NetlinkSocket.open({ ...base, fd }));
  }

  async #ack(req: Request, cmd: string, set?: string, type?: IPSetType): Promise<void> {
    try {
      await this.socket.request(req);
    } catch (e) {
      throw ipsetError(e, cmd, set, type);
    }
  }

  async #one(req: Request, cmd: string, set?: string): Promise<Attrs> {
    try {
      const r = await this.socket.request(req, { ack: false, decode: attrsOf });
      return r.messages[0] ?? {};
    } catch (e) {
      throw ipsetError(e, cmd, set);
    }
  }

  /**
   * Creates a set (`ipset create NAME TYPE …`) at the kernel's newest
   * revision of the type; an existing set rejects with EEXIST unless
   * `exist` (and it is the same).
   */
  async create(name: string, type: IPSetType, options: IPSetCreateOptions = {}): Promise<void> {
    const c = checkCreate(name, type, options);
    const a = await this.#one(typeRequest(c.type, c.family), "TYPE");
    await this.#ack(
      c.request((a.revision as number | undefined) ?? 0),
      "CREATE",
      undefined,
      c.type,
    );
  }

  /** Destroys a set, or every set (not referenced ones: IPSET_ERR_BUSY). */
  async destroy(name?: string): Promise<void> {
    await this.#ack(nameRequest("DESTROY", name), "DESTROY", name);
  }

  /** Removes every member of a set, or of every set. */
  async flush(name?: string): Promise<void> {
    await this.#ack(nameRequest("FLUSH", name), "FLUSH", name);
  }

  /** Renames a set (a set named `to` must not exist: IPSET_ERR_EXIST_SETNAME2). */
  async rename(from: string, to: string): Promise<void> {
    await this.#ack(pairRequest("RENAME", from, to), "RENAME", from);
  }

  /** Swaps two sets' contents and types by name (compatible types: else IPSET_ERR_TYPE_MISMATCH). */
  async swap(a: string, b: string): Promise<void> {
    await this.#ack(pairRequest("SWAP", a, b), "SWAP", a);
  }

  /** Every set with its header and members (`ipset list`), or the one named. */
  async list(name?: string): Promise<IPSetInfo[]> {
    try {
      return mergeSets(await this.socket.dump(listRequest(name), { decode: attrsOf }).all());
    } catch (e) {
      throw ipsetError(e, "LIST", name);
    }
  }

  /** A set's type and family (IPSET_CMD_HEADER), to check members against. */
  async #header(name: string): Promise<{ type: IPSetType; family: number }> {
    const n = setName(name);
    const a = await this.#one(nameRequest("HEADER", n), "HEADER", n);
    const type = a.typename as string;
    if (!(IPSET_TYPES as readonly string[]).includes(type)) {
      throw new ArgumentError(
        "name",
        `a set of a type this client knows (${IPSET_TYPES.join(", ")})`,
        `${n} (${type})`,
      );
    }
    return { type: type as IPSetType, family: (a.family as number | undefined) ?? 0 };
  }

  async #member(
    cmd: "ADD" | "DEL" | "TEST",
    name: string,
    member: IPSetMemberSpec,
    options: IPSetMemberOptions | undefined,
  ): Promise<void> {
    const { type, family } = await this.#header(name);
    const write = checkMember(type, family, member);
    await this.#ack(memberRequest(cmd, name, write, type, options), cmd, name, type);
  }

  /**
   * Adds a member (`ipset add`): its form follows the set's type (see
   * {@link IPSetMembers}); checked against the set's type and family before
   * it is sent. An existing member rejects with IPSET_ERR_EXIST unless `exist`.
   */
  async add(
    name: string,
    member: IPSetMemberSpec,
    options: IPSetMemberOptions = {},
  ): Promise<void> {
    await this.#member("ADD", name, member, options);
  }

  /** Deletes a member (`ipset del`); a missing one rejects with IPSET_ERR_EXIST unless `exist`. */
  async del(
    name: string,
    member: IPSetMemberSpec,
    options: Pick<IPSetMemberOptions, "exist" | "nomatch"> = {},
  ): Promise<void> {
    await this.#member("DEL", name, member, options);
  }

  /** Whether a member is in the set (`ipset test`; a hash:net tests an address against its prefixes). */
  async test(
    name: string,
    member: IPSetMemberSpec,
    options: Pick<IPSetMemberOptions, "nomatch"> = {},
  ): Promise<boolean> {
    try {
      await this.#member("TEST", name, member, options);
      return true;
    } catch (e) {
      if (e instanceof NetlinkError && e.errno === IPSET_ERR.EXIST) return false;
      throw e;
    }
  }

  /** Closes the socket. */
  close(): void {
    this.socket.close();
  }

  /** Closes (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}
