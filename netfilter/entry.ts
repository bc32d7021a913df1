/**
 * Conntrack results: {@link ConntrackEntry} (one tracked connection, what
 * `conntrack -L` prints) and {@link ConntrackCpuStats} (one CPU's counters,
 * what `conntrack -S` prints). Both are lazy messages: fields are decoded on
 * access, `toJSON()` gives a plain object.
 *
 * @module
 */
import { defined, LazyMessage, type MessageShape, messageShape } from "../core/lazy.ts";
import { PROTOCOL } from "../core/protocol.ts";
import { Registry } from "../core/schema.ts";
import { CTNETLINK, CTNETLINK_ATTRS } from "../core/tables/ctnetlink.ts";
import { IPPROTO } from "../core/tables/ipproto.ts";
import { NFNETLINK_STRUCTS } from "../core/tables/nfnetlink.ts";
import {
  type ConntrackFamily,
  familyName,
  protocolName,
  type SctpState,
  sctpStateName,
  type StatusFlag,
  statusNames,
  type TcpState,
  tcpStateName,
} from "./names.ts";
import { readTuple, readTupleProto, type Tuple, tupleOf } from "./tuple.ts";
import { attrLength } from "../core/codec.ts";

const CTA = CTNETLINK_ATTRS.ctattrType;
const NFGEN = NFNETLINK_STRUCTS.nfgenmsg;
const REGISTRY = new Registry([CTNETLINK]);
/** @internal The compiled ctnetlink attribute sets. */
export const SETS = {
  entry: REGISTRY.set("ctattrType"),
  tuple: REGISTRY.set("ctattrTuple"),
  counters: REGISTRY.set("ctattrCounters"),
  protoinfo: REGISTRY.set("ctattrProtoinfo"),
  tstamp: REGISTRY.set("ctattrTstamp"),
  help: REGISTRY.set("ctattrHelp"),
  secctx: REGISTRY.set("ctattrSecctx"),
  statsCpu: REGISTRY.set("ctattrStatsCpu"),
  statsGlobal: REGISTRY.set("ctattrStatsGlobal"),
};
const ENTRY_SHAPE = messageShape(PROTOCOL.NETFILTER, NFGEN, SETS.entry);
const STATS_SHAPE = messageShape(PROTOCOL.NETFILTER, NFGEN, SETS.statsCpu);
const S = CTNETLINK_ATTRS.ctattrStatsCpu;
const PROTOINFO = CTNETLINK_ATTRS.ctattrProtoinfo;
const TCP_STATE = CTNETLINK_ATTRS.ctattrProtoinfoTcp.state;
const SCTP_STATE = CTNETLINK_ATTRS.ctattrProtoinfoSctp.state;

/** Payload length of the attribute {@link find} found last. */
let foundLen = 0;
/** The payload offset of the first attribute of `type` in `start`..`end` (-1 when absent). */
function find(dv: DataView, start: number, end: number, type: number): number {
  let pos = start;
  while (pos < end) {
    const len = attrLength(dv, pos, end);
    if ((dv.getUint16(pos + 2, true) & 0x3fff) === type) {
      foundLen = len - 4;
      return pos + 4;
    }
    pos += (len + 3) & ~3;
  }
  return -1;
}

/**
 * The attributes `conntrack -L` shows of every entry: found in one pass over
 * the message the first time any of them is read (instead of a walk each,
 * then an index), as dumps read them entry after entry.
 */
const HOT: readonly number[] = [
  CTA.tupleOrig,
  CTA.tupleReply,
  CTA.status,
  CTA.timeout,
  CTA.mark,
  CTA.protoinfo,
  CTA.id,
  CTA.use,
  CTA.zone,
];
const HOT_SLOT: number[] = [];
HOT.forEach((t, i) => (HOT_SLOT[t] = i));

const STATE_PATHS: readonly [number, number, (n: number) => TcpState | SctpState | number][] = [
  [PROTOINFO.tcp, TCP_STATE, tcpStateName],
  [PROTOINFO.sctp, SCTP_STATE, sctpStateName],
];

/** Packets and bytes of one direction (when accounting is on: `nf_conntrack_acct`). */
export interface Counters {
  /** Packets. */
  packets: bigint;
  /** Bytes. */
  bytes: bigint;
}

/** Network address translation, as the tuples show it. */
export interface Nat {
  /** Source NAT: the address (and port) the original source is rewritten to. */
  src?: { address: string; port?: number };
  /** Destination NAT: the address (and port) the original destination is rewritten to. */
  dst?: { address: string; port?: number };
}

/** TCP protocol information (CTA_PROTOINFO_TCP). */
export interface TcpInfo {
  /** The TCP conntrack state (`ESTABLISHED`, …), or its number when unknown. */
  state: TcpState | number;
  /** Window scale of the original direction. */
  wscaleOrig?: number;
  /** Window scale of the reply direction. */
  wscaleReply?: number;
  /** IP_CT_TCP_FLAG_* of the original direction. */
  flagsOrig?: number;
  /** IP_CT_TCP_FLAG_* of the reply direction. */
  flagsReply?: number;
}

/**
 * One tracked connection.
 *
 * @example Reading an entry back
 * ```ts
 * import { Conntrack } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ct = await Conntrack.open({ netns: "blue" });
 * const orig = {
 *   src: "192.0.2.1",
 *   dst: "192.0.2.2",
 *   protocol: "tcp",
 *   sport: 40000,
 *   dport: 443,
 * } as const;
 * await ct.create({ orig, timeout: 60, tcpState: "ESTABLISHED", mark: 7 });
 * const e = await ct.get({ orig });
 * assert.equal(e.reply.sport, 443);
 * assert.equal(e.state, "ESTABLISHED");
 * assert.equal(e.mark, 7);
 * assert.ok(e.status.includes("confirmed"));
 * await ct.delete({ orig });
 * ```
 */
export class ConntrackEntry extends LazyMessage {
  /** @internal NETLINK_NETFILTER, nfgenmsg and the ctattrType table. */
  protected get shape(): MessageShape {
    return ENTRY_SHAPE;
  }
  /** `[offset, length]` of each {@link HOT} attribute (offset -1: absent), after the first read. */
  #hot: number[] | undefined;
  #len = 0;
  /** @internal The {@link HOT} attributes from one scan; the others as the base class finds them. */
  protected override at(type: number): number {
    const slot = HOT_SLOT[type];
    if (slot === undefined) {
      const o = super.at(type);
      this.#len = super.lenOf(type);
      return o;
    }
    let hot = this.#hot;
    if (!hot) {
      hot = this.#hot = new Array<number>(2 * HOT.length);
      this.scan(HOT, hot);
    }
    this.#len = hot[2 * slot + 1]!;
    return hot[2 * slot]!;
  }
  /** @internal Length of the attribute {@link at} found last. */
  protected override lenOf(_type: number): number {
    return this.#len;
  }
  /** The address family (`ipv4`, `ipv6`; a number for another). */
  get family(): ConntrackFamily | number {
    return familyName(this.hu8(NFGEN, "nfgenFamily"));
  }
  #tuple(type: number): Tuple | undefined {
    const o = this.at(type);
    return o < 0 ? undefined : readTuple(this.bytes, this.dv, o, o + this.lenOf(type));
  }
  /** The original tuple's protocol number (0 when absent). */
  #protoNum(): number {
    const o = this.at(CTA.tupleOrig);
    return o < 0 ? 0 : readTupleProto(this.dv, o, o + this.lenOf(CTA.tupleOrig));
  }
  /** The original direction's tuple. */
  get orig(): Tuple {
    return this.#tuple(CTA.tupleOrig) ?? tupleOf({});
  }
  /** The reply direction's tuple. */
  get reply(): Tuple {
    return this.#tuple(CTA.tupleReply) ?? tupleOf({});
  }
  /** The master connection's original tuple (expected connections). */
  get master(): Tuple | undefined {
    return this.#tuple(CTA.tupleMaster);
  }
  /** The layer-4 protocol (the original tuple's). */
  get protocol(): Tuple["protocol"] {
    return protocolName(this.#protoNum());
  }
  /** The status word (IPS_* bits). */
  get statusBits(): number {
    return this.#be32(CTA.status) ?? 0;
  }
  /** The status flags set, by name (`confirmed`, `assured`, `seenReply`, …). */
  get status(): StatusFlag[] {
    return statusNames(this.statusBits);
  }
  #be32(type: number): number | undefined {
    const o = this.at(type);
    return o < 0 || this.lenOf(type) < 4 ? undefined : this.dv.getUint32(o, false);
  }
  /** Seconds left before the entry expires (absent for offloaded entries). */
  get timeout(): number | undefined {
    return this.#be32(CTA.timeout);
  }
  /** The connection mark. */
  get mark(): number | undefined {
    return this.#be32(CTA.mark);
  }
  /** The zone (absent: the default zone 0). */
  get zone(): number | undefined {
    return this.u16(CTA.zone, true);
  }
  /** The reference count. */
  get use(): number | undefined {
    return this.#be32(CTA.use);
  }
  /** The entry's id (what `conntrack -o id` prints). */
  get id(): number | undefined {
    return this.#be32(CTA.id);
  }
  #counters(type: number): Counters | undefined {
    const n = this.nested(type, SETS.counters) as Partial<Counters> | undefined;
    return n ? { packets: n.packets ?? 0n, bytes: n.bytes ?? 0n } : undefined;
  }
  /** Counters per direction, when accounting is on (`net.netfilter.nf_conntrack_acct`). */
  get counters(): { orig: Counters; reply: Counters } | undefined {
    const orig = this.#counters(CTA.countersOrig);
    const reply = this.#counters(CTA.countersReply);
    return orig && reply ? { orig, reply } : undefined;
  }
  /** TCP protocol information (TCP entries). */
  get tcp(): TcpInfo | undefined {
    const p = this.nested(CTA.protoinfo, SETS.protoinfo)?.tcp as
      | Record<string, unknown>
      | undefined;
    if (!p) return undefined;
    const flags = (v: unknown) => (v as { flags?: number } | undefined)?.flags;
    return defined({
      state: tcpStateName((p.state as number | undefined) ?? 0),
      wscaleOrig: p.wscaleOriginal,
      wscaleReply: p.wscaleReply,
      flagsOrig: flags(p.flagsOriginal),
      flagsReply: flags(p.flagsReply),
    }) as unknown as TcpInfo;
  }
  /** The protocol state: TCP's (`ESTABLISHED`, …) or SCTP's (`COOKIE_WAIT`, …). */
  get state(): TcpState | SctpState | number | undefined {
    // Read directly (a dump's every entry may be asked): CTA_PROTOINFO → _TCP or _SCTP → _STATE.
    const o = this.at(CTA.protoinfo);
    if (o < 0) return undefined;
    const dv = this.dv;
    const end = o + this.lenOf(CTA.protoinfo);
    for (const [nest, type, name] of STATE_PATHS) {
      const n = find(dv, o, end, nest);
      if (n < 0) continue;
      const s = find(dv, n, n + foundLen, type);
      if (s >= 0 && foundLen >= 1) return name(dv.getUint8(s));
    }
    return undefined;
  }
  /**
   * Address translation, derived from the tuples: source NAT when the reply
   * goes to another address or port than the original came from,
   * destination NAT when the reply comes from another than the original went to.
   */
  get nat(): Nat | undefined {
    const o = this.orig;
    const r = this.reply;
    const nat: Nat = {};
    if (r.dst !== o.src || r.dport !== o.sport) {
      nat.src = r.dport !== undefined ? { address: r.dst, port: r.dport } : { address: r.dst };
    }
    if (r.src !== o.dst || r.sport !== o.dport) {
      nat.dst = r.sport !== undefined ? { address: r.src, port: r.sport } : { address: r.src };
    }
    return nat.src || nat.dst ? nat : undefined;
  }
  /** Connection labels: the numbers of the bits set (CTA_LABELS, a bit set of up to 128 bits). */
  get labels(): number[] | undefined {
    const o = this.at(CTA.labels);
    if (o < 0) return undefined;
    const len = this.lenOf(CTA.labels);
    const out: number[] = [];
    // A bit set of u32 words in host order (nf_conn_labels.bits: unsigned long).
    for (let w = 0; w + 4 <= len; w += 4) {
      const word = this.dv.getUint32(o + w, true);
      for (let b = 0; b < 32; b++) if (word & (1 << b)) out.push(w * 8 + b);
    }
    return out;
  }
  /** The helper's name (`ftp`, …), when one is attached. */
  get helper(): string | undefined {
    return this.nested(CTA.help, SETS.help)?.name as string | undefined;
  }
  /** The security context (SELinux), when there is one. */
  get secctx(): string | undefined {
    return this.nested(CTA.secctx, SETS.secctx)?.name as string | undefined;
  }
  /** Start and stop times in nanoseconds since the epoch (`nf_conntrack_timestamp`). */
  get timestamp(): { start: bigint; stop?: bigint } | undefined {
    const t = this.nested(CTA.timestamp, SETS.tstamp) as
      | { start?: bigint; stop?: bigint }
      | undefined;
    if (!t || t.start === undefined) return undefined;
    return t.stop === undefined ? { start: t.start } : { start: t.start, stop: t.stop };
  }
  /** Whether this is an ICMP or ICMPv6 entry. */
  get icmp(): boolean {
    const n = this.#protoNum();
    return n === IPPROTO.ICMP || n === IPPROTO.ICMPV6;
  }

  /** Fields shown by `toJSON()` and inspection. */
  protected fields(): Record<string, unknown> {
    return defined({
      family: this.family,
      protocol: this.protocol,
      orig: this.orig,
      reply: this.reply,
      master: this.master,
      state: this.state,
      status: this.status,
      timeout: this.timeout,
      mark: this.mark,
      zone: this.zone,
      use: this.use,
      id: this.id,
      counters: this.counters,
      nat: this.nat,
      labels: this.labels,
      helper: this.helper,
      secctx: this.secctx,
      timestamp: this.timestamp,
    });
  }
}

/** One CPU's conntrack counters (IPCTNL_MSG_CT_GET_STATS_CPU). */
export class ConntrackCpuStats extends LazyMessage {
  /** @internal NETLINK_NETFILTER, nfgenmsg and the ctattrStatsCpu table. */
  protected get shape(): MessageShape {
    return STATS_SHAPE;
  }
  /** The CPU (nfgenmsg's res_id). */
  get cpu(): number {
    return this.hu16be(NFGEN, "resId");
  }
  #be32(type: number): number {
    const o = this.at(type);
    return o < 0 || this.lenOf(type) < 4 ? 0 : this.dv.getUint32(o, false);
  }
  /** Lookups that found an entry. */
  get found(): number {
    return this.#be32(S.found);
  }
  /** Packets conntrack could not track. */
  get invalid(): number {
    return this.#be32(S.invalid);
  }
  /** Entries inserted. */
  get insert(): number {
    return this.#be32(S.insert);
  }
  /** Insertions that failed (a clash). */
  get insertFailed(): number {
    return this.#be32(S.insertFailed);
  }
  /** Packets dropped because an entry could not be made. */
  get drop(): number {
    return this.#be32(S.drop);
  }
  /** Entries dropped early to make room. */
  get earlyDrop(): number {
    return this.#be32(S.earlyDrop);
  }
  /** ICMP errors that did not match a connection. */
  get error(): number {
    return this.#be32(S.error);
  }
  /** Lookups restarted (a hash resize). */
  get searchRestart(): number {
    return this.#be32(S.searchRestart);
  }
  /** Insert clashes resolved. */
  get clashResolve(): number {
    return this.#be32(S.clashResolve);
  }
  /** Hash chains found too long. */
  get chainToolong(): number {
    return this.#be32(S.chainToolong);
  }
  /** Fields shown by `toJSON()` and inspection (what `conntrack -S` prints). */
  protected fields(): Record<string, unknown> {
    return {
      cpu: this.cpu,
      found: this.found,
      invalid: this.invalid,
      insert: this.insert,
      insertFailed: this.insertFailed,
      drop: this.drop,
      earlyDrop: this.earlyDrop,
      error: this.error,
      searchRestart: this.searchRestart,
      clashResolve: this.clashResolve,
      chainToolong: this.chainToolong,
    };
  }
}
