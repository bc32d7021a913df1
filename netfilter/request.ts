/**
 * The ctnetlink requests: what each command takes (the spec types), checked
 * before anything is sent ({@link ArgumentError} naming the argument), and
 * the messages written (nfgenmsg, then CTA_* attributes; numbers in network
 * byte order, as the kernel's nla_get_be32 reads them).
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import { AF_UNSPEC } from "../core/address.ts";
import { NLM_F } from "../core/constants.ts";
import { writeStruct } from "../core/layout.ts";
import type { Request } from "../core/message.ts";
import type { Writer } from "../core/writer.ts";
import { CTNETLINK_ATTRS, IPCTNL_MSG_CT, TCP_CONNTRACK } from "../core/tables/ctnetlink.ts";
import { NFNETLINK_STRUCTS, NFNL_SUBSYS } from "../core/tables/nfnetlink.ts";
import {
  type ConntrackFamily,
  FAMILY_NUMBER,
  STATUS_BITS,
  type StatusFlag,
  type TcpState,
} from "./names.ts";
import {
  type CheckedTuple,
  checkObject,
  checkTuple,
  int,
  invertTuple,
  type TupleSpec,
  writeTuple,
} from "./tuple.ts";

const CTA = CTNETLINK_ATTRS.ctattrType;
const PROTOINFO = CTNETLINK_ATTRS.ctattrProtoinfo;
const TCP = CTNETLINK_ATTRS.ctattrProtoinfoTcp;
const NFGEN = NFNETLINK_STRUCTS.nfgenmsg;
/** Connection labels: a bit set of 128 bits (NF_CT_LABELS_MAX_SIZE, 16 bytes). */
const LABEL_BITS = 128;

/** The nfnetlink message type of a ctnetlink message. */
export function ctType(msg: number): number {
  return (NFNL_SUBSYS.CTNETLINK << 8) | msg;
}

/** Kernel-side filters of a dump or a flush (ctnetlink_alloc_filter). */
export interface ConntrackFilter {
  /** Only this family's entries (nfgenmsg's family). */
  family?: ConntrackFamily;
  /** Only entries whose mark, masked with `markMask`, equals this (CTA_MARK). */
  mark?: number;
  /** The mask for `mark` (CTA_MARK_MASK; default all bits). */
  markMask?: number;
  /** Only entries of this zone (CTA_ZONE). */
  zone?: number;
  /** Only entries with these status flags set (CTA_STATUS), among `statusMask`. */
  status?: readonly StatusFlag[];
  /** The flags `status` is compared on (CTA_STATUS_MASK; default `status` itself). */
  statusMask?: readonly StatusFlag[];
}

/** One entry, by a tuple of either direction (CTA_TUPLE_ORIG wins when both are given). */
export interface ConntrackSelector {
  /** The original direction's tuple. */
  orig?: TupleSpec;
  /** The reply direction's tuple. */
  reply?: TupleSpec;
  /** The entry's zone (CTA_ZONE; default 0). */
  zone?: number;
}

/** What {@link Conntrack.delete} takes. */
export interface ConntrackDeleteSpec extends ConntrackSelector {
  /** Delete only if the entry still has this id (CTA_ID: not a newer entry of the same tuple). */
  id?: number;
}

/** What {@link Conntrack.create} takes. */
export interface ConntrackCreateSpec {
  /** The original direction's tuple. */
  orig: TupleSpec;
  /**
   * The reply direction's tuple; default the inverse of `orig` (addresses and
   * ports swapped, an ICMP query answered). A reply to another address or
   * port than `orig` shows as NAT.
   */
  reply?: TupleSpec;
  /** Seconds until the entry expires (CTA_TIMEOUT: the kernel requires it). */
  timeout: number;
  /** Status flags to set (the changeable ones: `seenReply`, `assured`, `fixedTimeout`, …). */
  status?: readonly StatusFlag[];
  /** The connection mark. */
  mark?: number;
  /** The zone. */
  zone?: number;
  /** The TCP state (TCP entries; default NONE). */
  tcpState?: TcpState;
  /** Connection labels: bit numbers 0–127 (the kernel needs labels in use: else ENOSPC). */
  labels?: readonly number[];
}

/** What {@link Conntrack.update} takes: the entry, then what changes. */
export interface ConntrackUpdateSpec extends ConntrackSelector {
  /** New timeout in seconds. */
  timeout?: number;
  /** New mark (with `markMask`: only the masked bits change). */
  mark?: number;
  /** Which bits of the mark change (CTA_MARK_MASK). */
  markMask?: number;
  /**
   * The changeable status flags become exactly these (`seenReply` and
   * `assured` can be set, never cleared: the kernel answers EBUSY).
   */
  status?: readonly StatusFlag[];
  /** New TCP state. */
  tcpState?: TcpState;
  /** Labels to set: bit numbers 0–127 (with `labelsMask`: only the masked bits change). */
  labels?: readonly number[];
  /** Which label bits change (CTA_LABELS_MASK). */
  labelsMask?: readonly number[];
}

/** The nfgenmsg and attributes of one request. */
function request(
  msg: number,
  flags: number,
  family: number,
  write: (w: Writer) => void,
  version = 0,
): Request {
  return {
    type: ctType(msg),
    flags,
    body: (w) => {
      writeStruct(w, NFGEN, { nfgenFamily: family, version, resId: 0 });
      write(w);
    },
  };
}

function familyNumber(v: unknown, path = "family"): number {
  if (v === undefined) return AF_UNSPEC;
  const n = FAMILY_NUMBER[v as ConntrackFamily];
  if (typeof v !== "string" || n === undefined) {
    throw new ArgumentError(path, '"ipv4" or "ipv6"', v);
  }
  return n;
}

function statusWord(v: unknown, path: string): number {
  if (!Array.isArray(v)) {
    throw new ArgumentError(
      path,
      `an array of status flags (${[...STATUS_BITS.keys()].join(", ")})`,
      v,
    );
  }
  let word = 0;
  v.forEach((name, i) => {
    const bit = STATUS_BITS.get(name as StatusFlag);
    if (bit === undefined) {
      throw new ArgumentError(
        `${path}[${i}]`,
        `a status flag (${[...STATUS_BITS.keys()].join(", ")})`,
        name,
      );
    }
    word |= 1 << bit;
  });
  return word >>> 0;
}

/**
 * A status word for create and update: with IPS_CONFIRMED, which every entry
 * in the table has (ctnetlink_create_conntrack sets it first) and which
 * nf_ct_change_status_common refuses to see change (EBUSY).
 */
function confirmed(status: number): number {
  return (status | (1 << STATUS_BITS.get("confirmed")!)) >>> 0;
}

function labelBits(v: unknown, path: string): Uint8Array {
  if (!Array.isArray(v)) throw new ArgumentError(path, "an array of label bit numbers (0–127)", v);
  const bytes = new Uint8Array(LABEL_BITS / 8);
  const dv = new DataView(bytes.buffer);
  v.forEach((b, i) => {
    const bit = int(b, `${path}[${i}]`, 0, LABEL_BITS - 1);
    // u32 words in host order (the kernel's bit set of unsigned longs), little-endian here.
    const word = bit >> 5;
    dv.setUint32(word * 4, (dv.getUint32(word * 4, true) | (1 << (bit & 31))) >>> 0, true);
  });
  return bytes;
}

function tcpState(v: unknown, path = "tcpState"): number {
  const n = typeof v === "string" && Object.hasOwn(TCP_CONNTRACK, v)
    ? TCP_CONNTRACK[v as TcpState]
    : undefined;
  if (n === undefined) {
    throw new ArgumentError(path, `a TCP state (${Object.keys(TCP_CONNTRACK).join(", ")})`, v);
  }
  return n;
}

function writeTcpState(w: Writer, state: number): void {
  const p = w.beginNested(CTA.protoinfo);
  const t = w.beginNested(PROTOINFO.tcp);
  w.attrU8(TCP.state, state);
  w.endAttr(t);
  w.endAttr(p);
}

/** Checked kernel-side filters, written as attributes. */
function checkFilter(
  filter: unknown,
  path: string,
): { family: number; write: (w: Writer) => void } {
  checkObject(filter, ["family", "mark", "markMask", "zone", "status", "statusMask"], path);
  const f = filter as ConntrackFilter;
  const p = (k: string) => (path ? `${path}.${k}` : k);
  const family = familyNumber(f.family, p("family"));
  const mark = f.mark === undefined ? undefined : int(f.mark, p("mark"), 0, 0xffffffff);
  const markMask = f.markMask === undefined
    ? undefined
    : int(f.markMask, p("markMask"), 0, 0xffffffff);
  if (markMask !== undefined && mark === undefined) {
    throw new ArgumentError(p("mark"), "a mark (markMask masks it)");
  }
  const zone = f.zone === undefined ? undefined : int(f.zone, p("zone"), 0, 0xffff);
  const status = f.status === undefined ? undefined : statusWord(f.status, p("status"));
  const statusMask = f.statusMask === undefined
    ? undefined
    : statusWord(f.statusMask, p("statusMask"));
  if (statusMask !== undefined && status === undefined) {
    throw new ArgumentError(p("status"), "status flags (statusMask masks them)");
  }
  if (status !== undefined && (statusMask ?? status) === 0) {
    throw new ArgumentError(p("status"), "at least one status flag, or a statusMask", f.status);
  }
  return {
    family,
    write: (w) => {
      if (mark !== undefined) w.attrU32(CTA.mark, mark, true);
      if (markMask !== undefined) w.attrU32(CTA.markMask, markMask, true);
      if (zone !== undefined) w.attrU16(CTA.zone, zone, true);
      if (status !== undefined) w.attrU32(CTA.status, status, true);
      if (statusMask !== undefined) w.attrU32(CTA.statusMask, statusMask, true);
    },
  };
}

/** The dump request (IPCTNL_MSG_CT_GET with NLM_F_DUMP), with kernel-side filters. */
export function dumpRequest(filter: ConntrackFilter = {}): Request {
  const { family, write } = checkFilter(filter, "");
  return { ...request(IPCTNL_MSG_CT.GET, NLM_F.DUMP, family, write), name: "IPCTNL_MSG_CT_GET" };
}

/**
 * The flush request (IPCTNL_MSG_CT_DELETE without a tuple). With a family
 * the nfgenmsg version is 1: the kernel filters flushes by family only then
 * (ctnetlink_del_conntrack; version 0 flushes every family).
 */
export function flushRequest(filter: ConntrackFilter = {}): Request {
  const { family, write } = checkFilter(filter, "");
  return {
    ...request(IPCTNL_MSG_CT.DELETE, 0, family, write, family === AF_UNSPEC ? 0 : 1),
    name: "IPCTNL_MSG_CT_DELETE",
  };
}

/** A checked selector: the tuple, its attribute type, the zone. */
function checkSelector(
  spec: unknown,
  allowed: readonly string[],
): { tuple: CheckedTuple; type: number; zone: number | undefined; rest: Record<string, unknown> } {
  checkObject(spec, ["orig", "reply", "zone", ...allowed], "");
  const s = spec as Record<string, unknown>;
  if (s.orig === undefined && s.reply === undefined) {
    throw new ArgumentError("orig", "a tuple (orig or reply)");
  }
  const orig = s.orig === undefined ? undefined : checkTuple(s.orig, "orig");
  const reply = s.reply === undefined ? undefined : checkTuple(s.reply, "reply", orig?.family);
  const zone = s.zone === undefined ? undefined : int(s.zone, "zone", 0, 0xffff);
  return orig
    ? { tuple: orig, type: CTA.tupleOrig, zone, rest: s }
    : { tuple: reply!, type: CTA.tupleReply, zone, rest: s };
}

/** The get request (IPCTNL_MSG_CT_GET of one tuple; the kernel answers IPCTNL_MSG_CT_NEW). */
export function getRequest(spec: ConntrackSelector): Request {
  const { tuple, type, zone } = checkSelector(spec, []);
  return {
    ...request(IPCTNL_MSG_CT.GET, 0, tuple.family, (w) => {
      writeTuple(w, type, tuple);
      if (zone !== undefined) w.attrU16(CTA.zone, zone, true);
    }),
    name: "IPCTNL_MSG_CT_GET",
  };
}

/** The delete request of one entry. */
export function deleteRequest(spec: ConntrackDeleteSpec): Request {
  const { tuple, type, zone, rest } = checkSelector(spec, ["id"]);
  const id = rest.id === undefined ? undefined : int(rest.id, "id", 0, 0xffffffff);
  return {
    ...request(IPCTNL_MSG_CT.DELETE, 0, tuple.family, (w) => {
      writeTuple(w, type, tuple);
      if (zone !== undefined) w.attrU16(CTA.zone, zone, true);
      if (id !== undefined) w.attrU32(CTA.id, id, true);
    }),
    name: "IPCTNL_MSG_CT_DELETE",
  };
}

/** The create request (IPCTNL_MSG_CT_NEW, NLM_F_CREATE | NLM_F_EXCL). */
export function createRequest(spec: ConntrackCreateSpec): Request {
  checkObject(
    spec,
    ["orig", "reply", "timeout", "status", "mark", "zone", "tcpState", "labels"],
    "",
  );
  if (spec.orig === undefined) throw new ArgumentError("orig", "a tuple");
  const orig = checkTuple(spec.orig, "orig");
  const reply = spec.reply === undefined
    ? invertTuple(orig, "orig")
    : checkTuple(spec.reply, "reply", orig.family);
  if (reply.proto !== orig.proto) {
    throw new ArgumentError("reply.protocol", "the protocol of orig", spec.reply?.protocol);
  }
  if (spec.timeout === undefined) {
    throw new ArgumentError("timeout", "seconds (the kernel requires a timeout)");
  }
  const timeout = int(spec.timeout, "timeout", 0, 0xffffffff);
  const status = spec.status === undefined
    ? undefined
    : confirmed(statusWord(spec.status, "status"));
  const mark = spec.mark === undefined ? undefined : int(spec.mark, "mark", 0, 0xffffffff);
  const zone = spec.zone === undefined ? undefined : int(spec.zone, "zone", 0, 0xffff);
  if (spec.tcpState !== undefined && orig.proto !== 6) {
    throw new ArgumentError("tcpState", "nothing: the entry is not TCP", spec.tcpState);
  }
  const state = spec.tcpState === undefined ? undefined : tcpState(spec.tcpState);
  const labels = spec.labels === undefined ? undefined : labelBits(spec.labels, "labels");
  return {
    ...request(IPCTNL_MSG_CT.NEW, NLM_F.CREATE | NLM_F.EXCL, orig.family, (w) => {
      writeTuple(w, CTA.tupleOrig, orig);
      writeTuple(w, CTA.tupleReply, reply);
      if (zone !== undefined) w.attrU16(CTA.zone, zone, true);
      w.attrU32(CTA.timeout, timeout, true);
      if (status !== undefined) w.attrU32(CTA.status, status, true);
      if (mark !== undefined) w.attrU32(CTA.mark, mark, true);
      if (state !== undefined) writeTcpState(w, state);
      if (labels !== undefined) w.attrBytes(CTA.labels, labels);
    }),
    name: "IPCTNL_MSG_CT_NEW",
  };
}

/** The update request (IPCTNL_MSG_CT_NEW without NLM_F_CREATE: the entry must exist). */
export function updateRequest(spec: ConntrackUpdateSpec): Request {
  const { tuple, type, zone, rest } = checkSelector(spec, [
    "timeout",
    "mark",
    "markMask",
    "status",
    "tcpState",
    "labels",
    "labelsMask",
  ]);
  const timeout = rest.timeout === undefined
    ? undefined
    : int(rest.timeout, "timeout", 0, 0xffffffff);
  const mark = rest.mark === undefined ? undefined : int(rest.mark, "mark", 0, 0xffffffff);
  const markMask = rest.markMask === undefined
    ? undefined
    : int(rest.markMask, "markMask", 0, 0xffffffff);
  if (markMask !== undefined && mark === undefined) {
    throw new ArgumentError("mark", "a mark (markMask masks it)");
  }
  const status = rest.status === undefined
    ? undefined
    : confirmed(statusWord(rest.status, "status"));
  if (rest.tcpState !== undefined && tuple.proto !== 6) {
    throw new ArgumentError("tcpState", "nothing: the entry is not TCP", rest.tcpState);
  }
  const state = rest.tcpState === undefined ? undefined : tcpState(rest.tcpState);
  const labels = rest.labels === undefined ? undefined : labelBits(rest.labels, "labels");
  const labelsMask = rest.labelsMask === undefined
    ? undefined
    : labelBits(rest.labelsMask, "labelsMask");
  if (labelsMask !== undefined && labels === undefined) {
    throw new ArgumentError("labels", "labels (labelsMask masks them)");
  }
  if ([timeout, mark, status, state, labels].every((v) => v === undefined)) {
    throw new ArgumentError(
      "timeout",
      "something to change (timeout, mark, status, tcpState, labels)",
    );
  }
  return {
    ...request(IPCTNL_MSG_CT.NEW, 0, tuple.family, (w) => {
      writeTuple(w, type, tuple);
      if (zone !== undefined) w.attrU16(CTA.zone, zone, true);
      if (timeout !== undefined) w.attrU32(CTA.timeout, timeout, true);
      if (status !== undefined) w.attrU32(CTA.status, status, true);
      if (mark !== undefined) w.attrU32(CTA.mark, mark, true);
      if (markMask !== undefined) w.attrU32(CTA.markMask, markMask, true);
      if (state !== undefined) writeTcpState(w, state);
      if (labels !== undefined) w.attrBytes(CTA.labels, labels);
      if (labelsMask !== undefined) w.attrBytes(CTA.labelsMask, labelsMask);
    }),
    name: "IPCTNL_MSG_CT_NEW",
  };
}

/** The per-CPU statistics dump (IPCTNL_MSG_CT_GET_STATS_CPU). */
export function statsCpuRequest(): Request {
  return {
    ...request(IPCTNL_MSG_CT.GET_STATS_CPU, NLM_F.DUMP, AF_UNSPEC, () => {}),
    name: "IPCTNL_MSG_CT_GET_STATS_CPU",
  };
}

/** The table-size request (IPCTNL_MSG_CT_GET_STATS: entries and the maximum). */
export function statsRequest(): Request {
  return {
    ...request(IPCTNL_MSG_CT.GET_STATS, 0, AF_UNSPEC, () => {}),
    name: "IPCTNL_MSG_CT_GET_STATS",
  };
}
