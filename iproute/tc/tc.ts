/**
 * Qdiscs, classes and filters as the kernel reports them (struct tcmsg and
 * TCA_* attributes): {@link Qdisc}, {@link TrafficClass}, {@link Filter}.
 * Options are decoded per kind (typed for the kinds with a codec, by the
 * generated tables for the rest), statistics from TCA_STATS2.
 *
 * @module
 */
import { LazyMessage, type MessageShape } from "../../core/lazy.ts";
import { type AttrDef, AttrSet } from "../../core/schema.ts";
import { TC_ATTRS, TC_STRUCTS } from "../../core/tables/tc.ts";
import { defined, rtnetlinkShape } from "../message.ts";
import { SETS } from "../registry.ts";
import { type Action, decodeAction } from "./actions.ts";
import { CLASS_KINDS } from "./classes.ts";
import { FILTER_KINDS } from "./filters.ts";
import { codecOf, type KindCodec } from "./kind.ts";
import { cString } from "../../core/codec.ts";
import { protocolName } from "./protocol.ts";
import { QDISC_KINDS } from "./qdiscs.ts";
import { formatHandle } from "./units.ts";

const TCA = TC_ATTRS.tcAttrs;
const TCMSG = TC_STRUCTS.tcmsg;
const H = TCMSG.at;
const SHAPE = rtnetlinkShape(TCMSG, SETS.tc);

/**
 * tcAttrs for classes. tc.yaml gives TCA_OPTIONS of kind hfsc the qdisc's
 * fixed header (struct tc_hfsc_qopt), which class options (nested service
 * curves) do not have: for classes the generic decoding leaves hfsc's
 * options as bytes, and the hfsc class codec reads them (rawOptions).
 */
function classAttrSet(set: AttrSet): AttrSet {
  const out = new AttrSet(set.name);
  for (const def of set.byName.values()) {
    let d: AttrDef = def;
    if (def.name === "options" && def.sub) {
      const formats = new Map(def.sub.formats);
      formats.delete("hfsc");
      const sub: NonNullable<AttrDef["sub"]> = { selector: def.sub.selector, formats };
      if (def.sub.headers) {
        sub.headers = new Map(def.sub.headers);
        sub.headers.delete("hfsc");
      }
      d = { ...def, sub };
    }
    out.byType[d.type] = d;
    out.byName.set(d.name, d);
  }
  return out;
}
const CLASS_SHAPE = rtnetlinkShape(TCMSG, classAttrSet(SETS.tc));

/** Statistics of a qdisc, class or filter (TCA_STATS2, or the older TCA_STATS). */
export interface TcStats {
  /** Bytes sent. */
  bytes: number;
  /** Packets sent. */
  packets: number;
  /** Packets dropped. */
  drops: number;
  /** Times it was over its limit. */
  overlimits: number;
  /** Packets requeued. */
  requeues: number;
  /** Packets queued now. */
  qlen: number;
  /** Bytes queued now. */
  backlog: number;
  /** Rate estimate, bytes/s (with an estimator). */
  bps?: number;
  /** Rate estimate, packets/s (with an estimator). */
  pps?: number;
}

const num = (v: unknown): number =>
  typeof v === "bigint" ? Number(v) : (v as number | undefined) ?? 0;
const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === "object" && !(v instanceof Uint8Array)
    ? v as Record<string, unknown>
    : undefined;

/**
 * The kind messages name, remembered by its attribute's bytes (one per kinds
 * table): a dump repeats one kind, and a string made from the bytes each time
 * is a new key for the codec table's lookup, which measured slower than the
 * options read it serves.
 *
 * @internal
 */
export class KindMemo {
  readonly #table: Readonly<Record<string, KindCodec>>;
  readonly #bytes = new Uint8Array(16);
  #len = -1;
  /** The kind last seen. */
  kind = "";
  /** Its codec. */
  codec: KindCodec | undefined;

  /** A memo for the kinds of `table`. */
  constructor(table: Readonly<Record<string, KindCodec>>) {
    this.#table = table;
  }

  /** The kind in `bytes[o..o + len)` (the attribute's payload): this memo, updated. */
  of(bytes: Uint8Array, o: number, len: number): this {
    const mem = this.#bytes;
    if (len === this.#len) {
      let i = 0;
      while (i < len && bytes[o + i] === mem[i]) i++;
      if (i === len) return this;
    }
    this.kind = cString(bytes, o, o + len);
    this.codec = codecOf(this.#table, this.kind);
    if (len <= mem.length) {
      mem.set(bytes.subarray(o, o + len));
      this.#len = len;
    } else this.#len = -1;
    return this;
  }
}

const QDISC_MEMO = new KindMemo(QDISC_KINDS);
const CLASS_MEMO = new KindMemo(CLASS_KINDS);
const FILTER_MEMO = new KindMemo(FILTER_KINDS);

/** What qdiscs, classes and filters share: the header, kind, options and statistics. */
export abstract class TcMessage extends LazyMessage {
  /** @internal rtnetlink, struct tcmsg and the attribute table (tcAttrs). */
  protected get shape(): MessageShape {
    return SHAPE;
  }
  /** @internal The codecs of this object's kinds. */
  protected abstract get kinds(): Readonly<Record<string, KindCodec>>;
  /** @internal The memo of `kinds`. */
  protected abstract get kindMemo(): KindMemo;

  /** @internal The codec of this object's kind (undefined: no kind, or one without a codec). */
  protected kindCodec(): KindCodec | undefined {
    const o = this.at(TCA.kind);
    return o < 0 ? undefined : this.kindMemo.of(this.bytes, o, this.lenOf(TCA.kind)).codec;
  }

  /** Address family (AF_UNSPEC, 0, for qdiscs and classes). */
  get family(): number {
    return this.bytes[this.off + H.tcmFamily]!;
  }
  /** Interface index. */
  get index(): number {
    return this.dv.getInt32(this.off + H.tcmIfindex, true);
  }
  /** The handle as a number (qdisc handle, class id, filter handle). */
  get handleId(): number {
    return this.dv.getUint32(this.off + H.tcmHandle, true);
  }
  /** The parent as a number (TC_H_ROOT for a root qdisc). */
  get parentId(): number {
    return this.dv.getUint32(this.off + H.tcmParent, true);
  }
  /** The handle as tc prints it (`"1:"`, `"1:10"`). */
  get handle(): string {
    return formatHandle(this.handleId);
  }
  /** The parent as tc prints it (`"root"`, `"1:"`, `"ffff:fff1"`). */
  get parent(): string {
    return formatHandle(this.parentId);
  }
  /** tcm_info: qdiscs' reference count, filters' priority and protocol. */
  get info(): number {
    return this.dv.getUint32(this.off + H.tcmInfo, true);
  }
  /** The kind (`htb`, `tbf`, `u32`, …). */
  get kind(): string | undefined {
    const o = this.at(TCA.kind);
    return o < 0 ? undefined : this.kindMemo.of(this.bytes, o, this.lenOf(TCA.kind)).kind;
  }
  /** The filter chain (filters; chain 0 included). */
  get chain(): number | undefined {
    return this.u32(TCA.chain);
  }
  /** Whether it is offloaded to hardware (TCA_HW_OFFLOAD). */
  get hwOffload(): boolean | undefined {
    const v = this.u8(TCA.hwOffload);
    return v === undefined ? undefined : v !== 0;
  }
  /**
   * The kind's options: typed for kinds with a codec (tbf's `rate`, `burst`,
   * …), else as the tables decode them; `{ raw }` holds the bytes of a kind
   * the tables have no format for.
   */
  get options(): Record<string, unknown> | undefined {
    const codec = this.kindCodec();
    if (codec?.decodeFast) {
      // The kinds dumped by the thousand read their few attributes in place.
      const o = this.span(TCA.options);
      if (o >= 0) {
        const fast = codec.decodeFast(this.bytes, this.dv, o, o + this.lenOf(TCA.options));
        if (fast) return fast;
      }
    }
    return this.#optionsByTable(codec);
  }
  /**
   * @internal The options the general way: TCA_OPTIONS decoded by the
   * tables, then by the kind's codec (what `options` gives when the kind has
   * no fast reader or its attributes are not the usual ones).
   */
  optionsByTable(): Record<string, unknown> | undefined {
    return this.#optionsByTable(this.kindCodec());
  }
  #optionsByTable(codec: KindCodec | undefined): Record<string, unknown> | undefined {
    if (codec?.rawOptions) {
      const o = this.at(TCA.options);
      return o < 0 ? undefined : codec.decode(this.bytes.subarray(o, o + this.lenOf(TCA.options)));
    }
    const raw = this.attr(TCA.options);
    if (codec) return codec.decode(raw);
    if (raw instanceof Uint8Array) return { raw };
    return raw as Record<string, unknown> | undefined;
  }
  /** Statistics (TCA_STATS2's basic and queue counters, the rate estimate). */
  get stats(): TcStats | undefined {
    const s2 = obj(this.attr(TCA.stats2));
    if (s2) {
      const b = obj(s2.basic) ?? {};
      const q = obj(s2.queue) ?? {};
      const out: TcStats = {
        bytes: num(b.bytes),
        packets: num(b.packets),
        drops: num(q.drops),
        overlimits: num(q.overlimits),
        requeues: num(q.requeues),
        qlen: num(q.qlen),
        backlog: num(q.backlog),
      };
      const est = obj(s2.rateEst64) ?? obj(s2.rateEst);
      if (est) {
        out.bps = num(est.bps);
        out.pps = num(est.pps);
      }
      return out;
    }
    const s = obj(this.attr(TCA.stats));
    if (!s) return undefined;
    return {
      bytes: num(s.bytes),
      packets: num(s.packets),
      drops: num(s.drops),
      overlimits: num(s.overlimits),
      requeues: 0,
      qlen: num(s.qlen),
      backlog: num(s.backlog),
      bps: num(s.bps),
      pps: num(s.pps),
    };
  }
  /** The kind's extended statistics (htb classes: lended, borrowed, giants, tokens, ctokens). */
  get xstats(): Record<string, unknown> | Uint8Array | undefined {
    // TCA_XSTATS first: it is decoded by kind (TCA_STATS_APP, inside TCA_STATS2, has no kind beside it).
    const raw = this.attr(TCA.xstats) ?? obj(this.attr(TCA.stats2))?.app;
    if (raw === undefined) return undefined;
    const codec = this.kindCodec();
    return codec?.decodeXstats?.(raw) ?? raw as Record<string, unknown> | Uint8Array;
  }

  /** Fields shown by `toJSON()` and inspection. */
  protected fields(): Record<string, unknown> {
    return defined({
      kind: this.kind,
      index: this.index,
      handle: this.handle,
      parent: this.parent,
      options: this.options,
      stats: this.stats,
      xstats: this.xstats,
    });
  }
}

/**
 * A queueing discipline.
 *
 * @example
 * ```ts
 * import { IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.link("add", { ifname: "q0", kind: "veth", peer: "q1" });
 * await ipr.qdisc("add", { index: "q0", kind: "tbf", rate: "10mbit", burst: "32kb", latency: "50ms" });
 * const [q] = await ipr.getQdiscs({ index: "q0", kind: "tbf" });
 * assert.equal(q!.parent, "root");
 * assert.equal(q!.options!.rate, 1_250_000); // bytes per second
 * await ipr.link("del", { ifname: "q0" });
 * ```
 */
export class Qdisc extends TcMessage {
  /** @internal */
  protected get kinds(): Readonly<Record<string, KindCodec>> {
    return QDISC_KINDS;
  }
  /** @internal */
  protected get kindMemo(): KindMemo {
    return QDISC_MEMO;
  }
  /** Reference count (tcm_info). */
  get refcnt(): number {
    return this.info;
  }
  /** Shared ingress block (TCA_INGRESS_BLOCK). */
  get ingressBlock(): number | undefined {
    return this.u32(TCA.ingressBlock);
  }
  /** Shared egress block (TCA_EGRESS_BLOCK). */
  get egressBlock(): number | undefined {
    return this.u32(TCA.egressBlock);
  }
  /** Fields shown by `toJSON()` and inspection. */
  protected override fields(): Record<string, unknown> {
    return defined({
      ...super.fields(),
      ingressBlock: this.ingressBlock,
      egressBlock: this.egressBlock,
    });
  }
}

/** A traffic class (htb's, hfsc's, a classful qdisc's). */
export class TrafficClass extends TcMessage {
  /** @internal rtnetlink, struct tcmsg and tcAttrs with hfsc's class options as bytes. */
  protected override get shape(): MessageShape {
    return CLASS_SHAPE;
  }
  /** @internal */
  protected get kinds(): Readonly<Record<string, KindCodec>> {
    return CLASS_KINDS;
  }
  /** @internal */
  protected get kindMemo(): KindMemo {
    return CLASS_MEMO;
  }
  /** The class id as tc prints it (`"1:10"`; the same as `handle`). */
  get classid(): string {
    return this.handle;
  }
  /** The handle of the qdisc attached under the class (tcm_info; `undefined` when none). */
  get leaf(): string | undefined {
    return this.info ? formatHandle(this.info) : undefined;
  }
  /** Fields shown by `toJSON()` and inspection. */
  protected override fields(): Record<string, unknown> {
    return defined({ ...super.fields(), leaf: this.leaf });
  }
}

/** A filter (classifier), with its actions. */
export class Filter extends TcMessage {
  /** @internal */
  protected get kinds(): Readonly<Record<string, KindCodec>> {
    return FILTER_KINDS;
  }
  /** @internal */
  protected get kindMemo(): KindMemo {
    return FILTER_MEMO;
  }
  /** Its priority (tc's `pref`). */
  get prio(): number {
    return this.info >>> 16;
  }
  /** The ethertype it matches, as a number. */
  get protocolId(): number {
    const p = this.info & 0xffff;
    return ((p & 0xff) << 8) | (p >> 8);
  }
  /** The ethertype it matches, as tc prints it (`ip`, `all`, `802.1Q`). */
  get protocol(): string {
    return protocolName(this.protocolId);
  }
  /** The handle in the kind's notation (u32: `"800::800"`; others: hex, as tc). */
  override get handle(): string {
    const codec = this.kindCodec();
    if (codec?.formatHandle) return codec.formatHandle(this.handleId);
    return this.handleId ? `0x${this.handleId.toString(16)}` : "0";
  }
  /** The filter's actions (TCA_<KIND>_ACT), decoded. */
  get actions(): Action[] {
    const opts = obj(this.attr(TCA.options));
    const act = opts?.act;
    return Array.isArray(act) ? act.map((a) => decodeAction(a as Record<string, unknown>)) : [];
  }
  /** Fields shown by `toJSON()` and inspection. */
  protected override fields(): Record<string, unknown> {
    const actions = this.actions;
    return defined({
      ...super.fields(),
      protocol: this.protocol,
      prio: this.prio,
      chain: this.chain,
      actions: actions.length ? actions : undefined,
    });
  }
}
