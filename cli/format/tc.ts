/**
 * Qdiscs and classes as `tc qdisc show` and `tc class show` print them
 * (text and `-j`, with `-s` and `-d`): iproute2 6.1's print_qdisc and
 * print_class, the htb, tbf, ingress and clsact printers, and the
 * statistics of print_tcstats2_attr. Class JSON has the field names of
 * tc's JSON class printer (tc 6.1 itself prints text for `tc -j class`).
 * pfifo, bfifo and prio/pfifo_fast are printed as tc does too, and so are
 * sfq, fq_codel, fq, netem, cake, hfsc and mqprio (cli/format/tc_qdisc.ts);
 * other kinds show their decoded options as `name value` pairs.
 *
 * @module
 */
import type { Qdisc, TrafficClass } from "../../mod.ts";
import { TC_H } from "../../core/tables/tc.ts";
import { formatHandle, formatRate, formatSize, formatTime } from "../../iproute/tc/units.ts";
import { ticksToTime, txSize } from "../../iproute/tc/units.ts";
import type { Names } from "./ifnames.ts";
import { hex, hex0x, TcPrinter } from "./tc_print.ts";
import { printClassKind, printQdiscKind } from "./tc_qdisc.ts";

/** What a `show` asked, which decides what tc leaves out and adds. */
export interface TcShow {
  /** `dev X` was given: the device is not printed. */
  dev: boolean;
  /** `-s`. */
  stats: boolean;
  /** `-d`. */
  details: boolean;
  /** class show `qdisc Q`: handles are printed as their minor only. */
  qdisc?: boolean;
}

type Obj = Record<string, unknown>;

/** The object at `v`, or undefined. */
export function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === "object" && !(v instanceof Uint8Array) && !Array.isArray(v)
    ? v as Obj
    : undefined;
}

/** A decoded number (u64s come as bigints). */
export function num(v: unknown): number {
  return typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : 0;
}

/** print_devname: `dev NAME ` / `"dev"`. */
export function devname(p: TcPrinter, name: string): void {
  p.fp("dev ").any("dev", name, `${name} `);
}

/** tc_calc_xmitsize, 0 for a zero rate. */
function xmitsize(ticks: number, rate: number): number {
  return rate > 0 ? txSize(ticks >>> 0, rate) : 0;
}

const LINKLAYERS = ["unspec", "ethernet", "atm"];
/** sprint_linklayer of tc_ratespec's linklayer (TC_LINKLAYER_MASK is 0x0f). */
function linklayer(v: unknown): string {
  return LINKLAYERS[num(v) & 0x0f] ?? "unknown";
}

/**
 * print_tcstats2_attr (`prefix` before each line): `Sent … bytes … pkt
 * (dropped …, overlimits … requeues …)`, the rate estimate, the backlog;
 * answers TCA_STATS_APP (the kind's extended statistics).
 */
export function printStats2(p: TcPrinter, s2: Obj, prefix: string): unknown {
  const basic = obj(s2.basic);
  const queue = obj(s2.queue);
  if (basic) {
    const bytes = num(basic.bytes);
    const packets = s2.pkt64 !== undefined && num(s2.pkt64) ? num(s2.pkt64) : num(basic.packets);
    p.fp(prefix).any("bytes", bytes, `Sent ${bytes} bytes`).any(
      "packets",
      packets,
      ` ${packets} pkt`,
    );
  }
  if (queue) {
    p.any("drops", num(queue.drops), ` (dropped ${num(queue.drops)}`);
    p.any("overlimits", num(queue.overlimits), `, overlimits ${num(queue.overlimits)}`);
    p.any("requeues", num(queue.requeues), ` requeues ${num(queue.requeues)}) `);
  }
  const hw = obj(s2.basicHw);
  if (hw && (num(hw.bytes) || num(hw.packets))) {
    if (basic && num(basic.bytes) >= num(hw.bytes) && num(basic.packets) >= num(hw.packets)) {
      const b = num(basic.bytes) - num(hw.bytes);
      const n = num(basic.packets) - num(hw.packets);
      p.nl().fp(prefix).any("sw_bytes", b, `Sent software ${b} bytes`).any(
        "sw_packets",
        n,
        ` ${n} pkt`,
      );
    }
    p.nl().fp(prefix).any("hw_bytes", num(hw.bytes), `Sent hardware ${num(hw.bytes)} bytes`);
    p.any("hw_packets", num(hw.packets), ` ${num(hw.packets)} pkt`);
  }
  const est = obj(s2.rateEst64) ?? obj(s2.rateEst);
  if (est) {
    p.fp(`\n${prefix}`).js("rate", num(est.bps)).fp(`rate ${formatRate(num(est.bps))}`);
    p.any("pps", num(est.pps), ` ${num(est.pps)}pps`);
  }
  if (queue) {
    if (!obj(s2.rateEst)) p.nl();
    p.fp(prefix).any("backlog", num(queue.backlog), `backlog ${formatSize(num(queue.backlog))}`);
    p.any("qlen", num(queue.qlen), ` ${num(queue.qlen)}p`).fp(` requeues ${num(queue.requeues)}`);
  }
  return s2.app;
}

/** print_tcstats_attr: TCA_STATS2 (or the old TCA_STATS); answers the extended statistics. */
export function printStats(p: TcPrinter, attrs: Obj, prefix: string): unknown {
  const s2 = obj(attrs.stats2);
  if (s2) return printStats2(p, s2, prefix);
  const st = obj(attrs.stats);
  if (st) {
    p.fp(
      `${prefix}Sent ${num(st.bytes)} bytes ${num(st.packets)} pkts (dropped ${
        num(st.drops)
      }, overlimits ${num(st.overlimits)}) `,
    );
    const bps = num(st.bps), pps = num(st.pps), qlen = num(st.qlen), backlog = num(st.backlog);
    if (bps || pps || qlen || backlog) {
      p.fp(`\n${prefix}`);
      if (bps || pps) {
        p.fp("rate ");
        if (bps) p.fp(`${formatRate(bps)} `);
        if (pps) p.fp(`${pps}pps `);
      }
      if (qlen || backlog) {
        p.fp("backlog ");
        if (backlog) p.fp(`${formatSize(backlog)} `);
        if (qlen) p.fp(`${qlen}p `);
      }
    }
  }
  return attrs.xstats;
}

/** q_htb.c's print for a qdisc (TCA_HTB_INIT, direct_qlen, offload) or a class (TCA_HTB_PARMS). */
function htbOptions(p: TcPrinter, o: Obj, show: TcShow): void {
  const parms = obj(o.parms);
  if (parms) {
    const level = num(parms.level);
    if (!level) {
      p.any("prio", num(parms.prio), `prio ${num(parms.prio)} `);
      if (show.details) p.any("quantum", num(parms.quantum), `quantum ${num(parms.quantum)} `);
    }
    const rate = o.rate64 !== undefined ? num(o.rate64) : num(parms.rateRate);
    const ceil = o.ceil64 !== undefined ? num(o.ceil64) : num(parms.ceilRate);
    p.any("rate", rate, `rate ${formatRate(rate)} `);
    if (num(parms.rateOverhead)) {
      p.any("overhead", num(parms.rateOverhead), `overhead ${num(parms.rateOverhead)} `);
    }
    const buffer = xmitsize(num(parms.buffer), rate);
    p.any("ceil", ceil, `ceil ${formatRate(ceil)} `);
    const cbuffer = xmitsize(num(parms.cbuffer), ceil);
    const ll = num(parms.rateLinklayer) & 0x0f;
    if (ll > 1 || show.details) {
      p.any("linklayer", linklayer(ll), `linklayer ${linklayer(ll)} `);
    }
    if (show.details) {
      p.any("burst", buffer, `burst ${formatSize(buffer)}/`);
      const cell = 2 ** num(parms.rateCellLog);
      p.any("burst_cell", cell, `${cell} `);
      p.any("mpu_rate", num(parms.rateMpu), `mpu ${formatSize(num(parms.rateMpu))} `);
      p.any("cburst", cbuffer, `cburst ${formatSize(cbuffer)}/`);
      const ccell = 2 ** num(parms.ceilCellLog);
      p.any("cburst_cell", ccell, `${ccell} `);
      p.any("mpu_ceil", num(parms.ceilMpu), `mpu ${formatSize(num(parms.ceilMpu))} `);
      p.any("level", level, `level ${level} `);
    } else {
      p.any("burst", buffer, `burst ${formatSize(buffer)} `);
      p.any("cburst", cbuffer, `cburst ${formatSize(cbuffer)} `);
    }
  }
  const init = obj(o.init);
  if (init) {
    p.any("r2q", num(init.rate2quantum), `r2q ${num(init.rate2quantum)}`);
    p.any("default", hex0x(num(init.defcls)), ` default ${hex0x(num(init.defcls))}`);
    const direct = num(init.directPkts);
    p.any("direct_packets_stat", direct, ` direct_packets_stat ${direct}`);
    if (show.details) {
      const v = num(init.version);
      p.any("ver", `${v >>> 16}.${v & 0xffff}`, ` ver ${v >>> 16}.${v & 0xffff}`);
    }
  }
  if (o.directQlen !== undefined) {
    p.any("direct_qlen", num(o.directQlen), ` direct_qlen ${num(o.directQlen)}`);
  }
  if (o.offload !== undefined) p.any("offload", null, " offload");
}

/** q_tbf.c's print. */
function tbfOptions(p: TcPrinter, o: Obj, show: TcShow): void {
  const q = obj(o.parms);
  if (!q) return;
  const rate = o.rate64 !== undefined ? num(o.rate64) : num(q.rateRate);
  p.any("rate", rate, `rate ${formatRate(rate)} `);
  const buffer = xmitsize(num(q.buffer), rate);
  if (show.details) {
    const b = `${formatSize(buffer)}/${2 ** num(q.rateCellLog)}`;
    p.any("burst", b, `burst ${b} `).any(
      "mpu",
      num(q.rateMpu),
      `mpu ${formatSize(num(q.rateMpu))} `,
    );
  } else p.any("burst", buffer, `burst ${formatSize(buffer)} `);
  const prate = o.prate64 !== undefined ? num(o.prate64) : num(q.peakrateRate);
  if (prate) {
    p.fp(`peakrate ${formatRate(prate)} `);
    if (num(q.mtu) || num(q.peakrateMpu)) {
      const mtu = xmitsize(num(q.mtu), prate);
      if (show.details) {
        const m = `${formatSize(mtu)}/${2 ** num(q.peakrateCellLog)}`;
        p.any("mtu", m, `mtu ${m} `);
        p.any("mpu", num(q.peakrateMpu), `mpu ${formatSize(num(q.peakrateMpu))} `);
      } else p.any("minburst", mtu, `minburst ${formatSize(mtu)} `);
    }
  }
  const limit = num(q.limit);
  let latency = rate > 0 ? 1e6 * (limit / rate) - ticksToTime(num(q.buffer)) : -1;
  if (prate) {
    const lat2 = 1e6 * (limit / prate) - ticksToTime(num(q.mtu));
    if (lat2 > latency) latency = lat2;
  }
  if (latency >= 0) p.js("lat", Math.trunc(latency)).fp(`lat ${formatTime(latency)} `);
  if (latency < 0) p.any("limit", limit, `limit ${formatSize(limit)} `);
  if (num(q.rateOverhead)) {
    p.any("overhead", num(q.rateOverhead), `overhead ${num(q.rateOverhead)} `);
  }
  const ll = num(q.rateLinklayer) & 0x0f;
  if (ll > 1 || show.details) p.any("linklayer", linklayer(ll), `linklayer ${linklayer(ll)} `);
}

/** snake_case of a table's camelCase name. */
function snake(k: string): string {
  return k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A kind nlroute has no printer for: its decoded scalar options as `name value` pairs. */
function genericOptions(p: TcPrinter, o: unknown): void {
  const opts = obj(o);
  if (!opts) return;
  for (const [k, v] of Object.entries(opts)) {
    const value = typeof v === "bigint" ? Number(v) : v;
    if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") {
      p.any(snake(k), value, `${snake(k)} ${value} `);
    } else if (obj(value)) {
      for (const [k2, v2] of Object.entries(obj(value)!)) {
        const x = typeof v2 === "bigint" ? Number(v2) : v2;
        if (typeof x === "number" || typeof x === "string" || typeof x === "boolean") {
          p.any(snake(k2), x, `${snake(k2)} ${x} `);
        }
      }
    }
  }
}

/** q_fifo.c's print (pfifo, bfifo, pfifo_head_drop). */
function fifoOptions(p: TcPrinter, kind: string, o: Obj): void {
  if (o.limit === undefined) return;
  const limit = num(o.limit);
  if (kind === "bfifo") p.any("limit", limit, `limit ${formatSize(limit)}`);
  else p.any("limit", limit, `limit ${limit}p`);
}

/** q_prio.c's print (prio, and pfifo_fast, which tc prints with it). */
function prioOptions(p: TcPrinter, o: Obj): void {
  if (o.bands === undefined) return;
  p.any("bands", num(o.bands), `bands ${num(o.bands)} `);
  const map = o.priomap instanceof Uint8Array ? Array.from(o.priomap) : [];
  p.any("priomap", map, `priomap${map.map((n) => ` ${n}`).join("")}`);
  if (o.mq !== undefined) p.fp(` multiqueue: ${num(o.mq) ? "on" : "off"} `);
  p.js("multiqueue", num(o.mq) !== 0);
}

/** The options of a qdisc or class kind (TCA_OPTIONS as the tables decode it). */
function kindOptions(p: TcPrinter, kind: string | undefined, raw: unknown, show: TcShow): void {
  const o = obj(raw) ?? {};
  if (kind === "htb") htbOptions(p, o, show);
  else if (kind === "tbf") tbfOptions(p, o, show);
  else if (kind === "ingress") p.fp("---------------- ");
  else if (kind === "clsact") return;
  else if (kind === "pfifo" || kind === "bfifo" || kind === "pfifo_head_drop") {
    fifoOptions(p, kind, o);
  } else if (kind === "prio" || kind === "pfifo_fast") prioOptions(p, o);
  else genericOptions(p, raw);
}

/** A classid as print_tc_classid writes it; `minor` prints only the minor (class show `qdisc Q`). */
function classid(h: number, minor = false): string {
  return formatHandle(minor ? h & 0xffff : h);
}

/** One qdisc (print_qdisc). */
export function printQdisc(q: Qdisc, names: Names, show: TcShow): TcPrinter {
  const p = new TcPrinter();
  const major = `${hex(q.handleId >>> 16)}:`;
  p.any("kind", q.kind, `qdisc ${q.kind}`).any("handle", major, ` ${major}`).fp(" ");
  if (!show.dev) devname(p, names.name(q.index));
  if (q.parentId === TC_H.ROOT) p.any("root", true, "root ");
  else if (q.parentId) {
    p.any("parent", classid(q.parentId), `parent ${classid(q.parentId)} `);
  }
  if (q.refcnt !== 1) p.any("refcnt", q.refcnt, `refcnt ${q.refcnt} `);
  if (q.hwOffload) p.any("offloaded", true, "offloaded ");
  if (q.ingressBlock) p.any("ingress_block", q.ingressBlock, `ingress_block ${q.ingressBlock} `);
  if (q.egressBlock) p.any("egress_block", q.egressBlock, `egress_block ${q.egressBlock} `);
  p.open("options");
  if (q.attrs.options !== undefined && !printQdiscKind(p, q.kind, q.options, show)) {
    kindOptions(p, q.kind, q.attrs.options, show);
  }
  p.close().nl();
  if (show.stats) {
    const a = q.attrs;
    if (a.stats || a.stats2 || a.xstats) {
      printStats(p, a, " ");
      p.nl();
    }
  }
  return p;
}

/** htb_print_xstats (classes: lended, borrowed, giants, tokens, ctokens). */
function htbXstats(p: TcPrinter, x: Obj): void {
  p.any("lended", num(x.lends), ` lended: ${num(x.lends)} `);
  p.any("borrowed", num(x.borrows), `borrowed: ${num(x.borrows)} `);
  p.any("giants", num(x.giants), `giants: ${num(x.giants)}`).nl();
  p.any("tokens", num(x.tokens), ` tokens: ${num(x.tokens)} `);
  p.any("ctokens", num(x.ctokens), `ctokens: ${num(x.ctokens)}`).nl();
}

/** One class (print_class). */
export function printClass(c: TrafficClass, names: Names, show: TcShow): TcPrinter {
  const p = new TcPrinter();
  const handle = c.handleId ? classid(c.handleId, show.qdisc) : "";
  p.any("class", c.kind, `class ${c.kind} `).any("handle", handle, `${handle} `);
  if (!show.dev) devname(p, names.name(c.index));
  if (c.parentId === TC_H.ROOT) p.any("root", true, "root ");
  else {
    const parent = classid(c.parentId, show.qdisc);
    p.any("parent", parent, `parent ${parent} `);
  }
  if (c.info) p.any("leaf", hex0x(c.info >>> 16), `leaf ${hex(c.info >>> 16)}: `);
  if (c.attrs.options !== undefined && !printClassKind(p, c.kind, c.options)) {
    kindOptions(p, c.kind, c.attrs.options, show);
  }
  p.nl();
  if (show.stats) {
    p.open("stats");
    const a = c.attrs;
    let xstats: unknown;
    if (a.stats || a.stats2) {
      xstats = printStats(p, a, " ");
      p.fp("\n");
    }
    // TCA_STATS_APP is bytes here (the tables decode xstats by kind only in TCA_XSTATS).
    const x = obj(a.xstats) ?? obj(xstats);
    if (c.kind === "htb" && x && x.tokens !== undefined) {
      htbXstats(p, x);
      p.fp("\n");
    }
    p.close();
  }
  return p;
}
