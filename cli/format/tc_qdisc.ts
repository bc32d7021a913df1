/**
 * The qdisc and class kinds beyond htb and tbf as tc 6.1 prints them
 * (q_fq_codel.c, q_sfq.c, q_fq.c, q_netem.c, q_cake.c, q_hfsc.c and
 * q_mqprio.c's print functions): text as `tc qdisc show` writes it, JSON
 * with the keys of tc's print_* calls. tc's hfsc printer writes text only;
 * its JSON here is nlroute's (`rt`/`ls`/`sc`/`ul` objects of m1, d, m2).
 * The options are the kinds' typed decoding (Qdisc.options).
 *
 * @module
 */
import {
  formatG,
  formatPercent,
  formatRate,
  formatSize,
  formatTime,
} from "../../iproute/tc/units.ts";
import { hex, hex0x, type TcPrinter } from "./tc_print.ts";
import type { TcShow } from "./tc.ts";

type Obj = Record<string, unknown>;
const U32_MAX = 0xffffffff;

const n = (v: unknown): number => typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : 0;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

/** A probability's scaled u32 from the decoded fraction (the decoder divided by 0xffffffff). */
function scaled(fraction: unknown): number {
  const x = Math.round(n(fraction) * U32_MAX);
  return Math.min(U32_MAX, Math.max(0, x));
}

/** print_time64 (nanoseconds): `%.3gs`, `%.3gms`, `%.3gus`, else `Nns`. */
function time64(ns: number): string {
  if (ns >= 1e9) return `${formatG(ns / 1e9, 3)}s`;
  if (ns >= 1e6) return `${formatG(ns / 1e6, 3)}ms`;
  if (ns >= 1e3) return `${formatG(ns / 1e3, 3)}us`;
  return `${Math.trunc(ns)}ns`;
}

/** `" %g%%"` after `label` in the text; the fraction under `key` in the JSON. */
function percent(p: TcPrinter, key: string, label: string, fraction: unknown): void {
  p.fp(`${label} ${formatPercent(scaled(fraction))}`).js(key, scaled(fraction) / U32_MAX);
}

/** netem's correlation: text when present, always in JSON. */
function corr(p: TcPrinter, present: boolean, fraction: unknown): void {
  if (present) p.fp(` ${formatPercent(scaled(fraction))}`);
  p.js("correlation", scaled(fraction) / U32_MAX);
}

/** PRINT_INT_OPT: always in JSON, in the text when not zero. */
function intOpt(p: TcPrinter, key: string, v: unknown): void {
  p.js(key, n(v));
  if (n(v)) p.fp(` ${key} ${n(v)}`);
}

/**
 * A probability and its correlation in their JSON object (`key` the probability's
 * name, the object's name unless given), printed when the probability is not zero.
 */
function randomEvent(
  p: TcPrinter,
  object: string,
  probability: unknown,
  correlation: unknown,
  key = object,
): void {
  if (!scaled(probability)) return;
  p.open(object);
  percent(p, key, ` ${key}`, probability);
  corr(p, scaled(correlation) > 0, correlation);
  p.close();
}

/** netem_print_opt. */
function netem(p: TcPrinter, o: Obj): void {
  p.any("limit", n(o.limit), `limit ${n(o.limit)}`);
  if (n(o.delay)) {
    p.open("delay");
    p.fp(` delay ${formatTime(n(o.delay))}`);
    if (n(o.jitter)) p.fp(`  ${formatTime(n(o.jitter))}`);
    p.js("delay", n(o.delay) / 1e6).js("jitter", n(o.jitter) / 1e6);
    corr(p, n(o.jitter) > 0 && scaled(o.delayCorrelation) > 0, o.delayCorrelation);
    p.close();
  }
  randomEvent(p, "loss-random", o.loss, o.lossCorrelation, "loss");
  const model = isObj(o.lossModel) ? o.lossModel : undefined;
  if (model?.model === "state") {
    p.open("loss-state");
    percent(p, "p13", " loss state p13", model.p13);
    for (const k of ["p31", "p32", "p23", "p14"]) percent(p, k, ` ${k}`, model[k]);
    p.close();
  } else if (model?.model === "gemodel") {
    p.open("loss-gemodel");
    percent(p, "p", " loss gemodel p", model.p);
    percent(p, "r", " r", model.r);
    percent(p, "1-h", " 1-h", model.badLoss);
    percent(p, "1-k", " 1-k", model.goodLoss);
    p.close();
  }
  randomEvent(p, "duplicate", o.duplicate, o.duplicateCorrelation);
  randomEvent(p, "reorder", o.reorder, o.reorderCorrelation);
  randomEvent(p, "corrupt", o.corrupt, o.corruptCorrelation);
  if (n(o.rate)) {
    p.open("rate");
    p.any("rate", n(o.rate), ` rate ${formatRate(n(o.rate))}`);
    intOpt(p, "packetoverhead", o.packetOverhead);
    p.js("cellsize", n(o.cellSize));
    if (n(o.cellSize)) p.fp(` cellsize ${n(o.cellSize)}`);
    intOpt(p, "celloverhead", o.cellOverhead);
    p.close();
  }
  const slot = isObj(o.slot) ? o.slot : undefined;
  if (slot) {
    p.open("slot");
    const min = n(slot.min) * 1000;
    const max = n(slot.max) * 1000;
    p.fp(` slot ${time64(min)}`).js("min-delay", min / 1e9);
    p.fp(` ${time64(max)}`).js("max-delay", max / 1e9);
    intOpt(p, "packets", slot.packets);
    intOpt(p, "bytes", slot.bytes);
    p.close();
  }
  p.js("ecn", o.ecn === true);
  if (o.ecn === true) p.fp(" ecn ");
  p.js("gap", n(o.gap));
  if (n(o.gap)) p.fp(` gap ${n(o.gap)}`);
}

/** fq_codel_print_opt. */
function fqCodel(p: TcPrinter, o: Obj): void {
  if (o.limit !== undefined) p.any("limit", n(o.limit), `limit ${n(o.limit)}p `);
  if (o.flows !== undefined) p.any("flows", n(o.flows), `flows ${n(o.flows)} `);
  if (o.quantum !== undefined) p.any("quantum", n(o.quantum), `quantum ${n(o.quantum)} `);
  if (o.target !== undefined) {
    p.js("target", n(o.target)).fp(`target ${formatTime(n(o.target))} `);
  }
  if (o.ceThreshold !== undefined) {
    p.js("ce_threshold", n(o.ceThreshold)).fp(`ce_threshold ${formatTime(n(o.ceThreshold))} `);
  }
  if (o.interval !== undefined) {
    p.js("interval", n(o.interval)).fp(`interval ${formatTime(n(o.interval))} `);
  }
  if (o.memoryLimit !== undefined) {
    p.any("memory_limit", n(o.memoryLimit), `memory_limit ${formatSize(n(o.memoryLimit))} `);
  }
  if (o.ecn === true) p.any("ecn", true, "ecn ");
  if (n(o.dropBatch)) p.any("drop_batch", n(o.dropBatch), `drop_batch ${n(o.dropBatch)} `);
}

/** sfq_print_opt (without the RED statistics nlroute does not send). */
function sfq(p: TcPrinter, o: Obj, show: TcShow): void {
  if (o.limit === undefined) return;
  p.any("limit", n(o.limit), `limit ${n(o.limit)}p `);
  p.any("quantum", n(o.quantum), `quantum ${formatSize(n(o.quantum))} `);
  if (n(o.depth)) p.any("depth", n(o.depth), `depth ${n(o.depth)} `);
  if (o.headdrop === true) p.any("headdrop", true, "headdrop ");
  if (show.details) p.any("flows", n(o.flows), `flows ${n(o.flows)} `);
  p.any("divisor", n(o.divisor), `divisor ${n(o.divisor)} `);
  if (n(o.perturb)) p.any("perturb", n(o.perturb), `perturb ${n(o.perturb)}sec `);
}

/** A rate the decoder gives as a number, or not at all (or "unlimited" for ~0). */
const rateOf = (v: unknown) => typeof v === "number" || typeof v === "bigint" ? n(v) : undefined;

/** fq_print_opt. */
function fq(p: TcPrinter, o: Obj): void {
  if (o.limit !== undefined) p.any("limit", n(o.limit), `limit ${n(o.limit)}p `);
  if (o.flowLimit !== undefined) {
    p.any("flow_limit", n(o.flowLimit), `flow_limit ${n(o.flowLimit)}p `);
  }
  if (o.buckets !== undefined) p.any("buckets", n(o.buckets), `buckets ${n(o.buckets)} `);
  if (o.orphanMask !== undefined) {
    p.any("orphan_mask", n(o.orphanMask), `orphan_mask ${n(o.orphanMask)} `);
  }
  if (o.pacing === false) p.any("pacing", false, "nopacing ");
  if (o.quantum !== undefined) {
    p.any("quantum", n(o.quantum), `quantum ${formatSize(n(o.quantum))} `);
  }
  if (o.initialQuantum !== undefined) {
    p.any(
      "initial_quantum",
      n(o.initialQuantum),
      `initial_quantum ${formatSize(n(o.initialQuantum))} `,
    );
  }
  const max = rateOf(o.maxrate);
  if (max !== undefined && max !== U32_MAX) p.any("maxrate", max, `maxrate ${formatRate(max)} `);
  const low = rateOf(o.lowRateThreshold);
  if (low) p.any("low_rate_threshold", low, `low_rate_threshold ${formatRate(low)} `);
  if (o.refillDelay !== undefined) {
    p.js("refill_delay", n(o.refillDelay)).fp(`refill_delay ${formatTime(n(o.refillDelay))} `);
  }
  if (o.ceThreshold !== undefined && n(o.ceThreshold) !== U32_MAX) {
    p.js("ce_threshold", n(o.ceThreshold)).fp(`ce_threshold ${formatTime(n(o.ceThreshold))} `);
  }
  if (o.timerSlack !== undefined) {
    // The kernel's value is nanoseconds; the decoder gives microseconds.
    const ns = Math.round(n(o.timerSlack) * 1000);
    p.js("timer_slack", ns).fp(`timer_slack ${time64(ns)} `);
  }
  if (o.horizon !== undefined) {
    p.js("horizon", n(o.horizon)).fp(`horizon ${formatTime(n(o.horizon))} `);
  }
  if (o.horizonDrop === false) p.any("horizon_cap", null, "horizon_cap ");
  else if (o.horizonDrop === true) p.any("horizon_drop", null, "horizon_drop ");
}

/** cake_print_opt. */
function cake(p: TcPrinter, o: Obj): void {
  if (o.bandwidth === "unlimited") p.any("bandwidth", "unlimited", "bandwidth unlimited ");
  else if (o.bandwidth !== undefined) {
    p.any("bandwidth", n(o.bandwidth), `bandwidth ${formatRate(n(o.bandwidth))} `);
  }
  if (o.autorateIngress === true) p.any("autorate", "autorate-ingress", "autorate-ingress ");
  if (typeof o.diffserv === "string") p.any("diffserv", o.diffserv, `${o.diffserv} `);
  if (typeof o.flowMode === "string") p.any("flowmode", o.flowMode, `${o.flowMode} `);
  p.fp(o.nat === true ? "nat " : "nonat ").js("nat", o.nat === true);
  p.fp(o.wash === true ? "wash " : "nowash ").js("wash", o.wash === true);
  if (o.ingress === true) p.fp("ingress ");
  p.js("ingress", o.ingress === true);
  if (o.ackFilter === "aggressive") p.any("ack-filter", "aggressive", "ack-filter-aggressive ");
  else if (o.ackFilter === true) p.any("ack-filter", "enabled", "ack-filter ");
  else p.any("ack-filter", "disabled", "no-ack-filter ");
  p.fp(o.splitGso === true ? "split-gso " : "no-split-gso ").js("split_gso", o.splitGso === true);
  if (n(o.rtt)) p.fp(`rtt ${formatTime(n(o.rtt))} `);
  p.js("rtt", n(o.rtt));
  if (o.raw === true) p.fp("raw ");
  p.js("raw", o.raw === true);
  if (o.atm === "atm" || o.atm === "ptm") p.any("atm", o.atm, `${o.atm} `);
  else if (o.raw !== true) p.any("atm", "noatm", "noatm ");
  p.any("overhead", n(o.overhead), `overhead ${n(o.overhead)} `);
  if (n(o.mpu)) p.any("mpu", n(o.mpu), `mpu ${n(o.mpu)} `);
  if (n(o.memlimit)) p.any("memlimit", n(o.memlimit), `memlimit ${formatSize(n(o.memlimit))} `);
  if (n(o.fwmark)) p.fp(`fwmark 0x${hex(n(o.fwmark))} `);
  p.js("fwmark", hex0x(n(o.fwmark)));
}

/** hfsc_print_sc: `NAME m1 RATE d TIME m2 RATE `. */
function curve(p: TcPrinter, name: string, c: Obj): void {
  p.fp(`${name} m1 ${formatRate(n(c.m1))} d ${formatTime(n(c.d))} m2 ${formatRate(n(c.m2))} `);
  p.js(name, { m1: n(c.m1), d: n(c.d), m2: n(c.m2) });
}

/** hfsc_print_class_opt: `sc` when rt and ls are equal, else rt and ls; then ul. */
function hfscClass(p: TcPrinter, o: Obj): void {
  const rt = isObj(o.rt) ? o.rt : undefined;
  const ls = isObj(o.ls) ? o.ls : undefined;
  const same = rt && ls && ["m1", "d", "m2"].every((k) => n(rt[k]) === n(ls[k]));
  if (same) curve(p, "sc", rt);
  else {
    if (rt) curve(p, "rt", rt);
    if (ls) curve(p, "ls", ls);
  }
  if (isObj(o.ul)) curve(p, "ul", o.ul);
}

/** mqprio_print_opt (the 802.1Qav shaper and modes are not sent by nlroute). */
function mqprio(p: TcPrinter, o: Obj): void {
  const numTc = n(o.numTc);
  p.any("tc", numTc, `tc ${numTc} `);
  const map = Array.isArray(o.map) ? o.map.map(n) : [];
  p.fp("map ").js("map", map).fp(map.map((x) => `${x} `).join(""));
  const queues = (Array.isArray(o.queues) ? o.queues : []).slice(0, numTc) as Obj[];
  p.fp("\n             queues:");
  p.js("queues", queues.map((q) => [n(q.offset), (n(q.offset) + n(q.count) - 1) >>> 0]));
  // tc prints offset + count - 1 as a u32 (an unused queue set is 0:4294967295).
  for (const q of queues) p.fp(`(${n(q.offset)}:${(n(q.offset) + n(q.count) - 1) >>> 0}) `);
}

/**
 * Prints the options of the qdisc kinds this module knows and answers true;
 * false for any other kind.
 */
export function printQdiscKind(
  p: TcPrinter,
  kind: string | undefined,
  options: unknown,
  show: TcShow,
): boolean {
  const o = isObj(options) ? options : {};
  if (kind === "netem") netem(p, o);
  else if (kind === "fq_codel") fqCodel(p, o);
  else if (kind === "sfq") sfq(p, o, show);
  else if (kind === "fq") fq(p, o);
  else if (kind === "cake") cake(p, o);
  else if (kind === "hfsc") {
    if (n(o.default)) p.any("default", hex(n(o.default)), `default ${hex(n(o.default))} `);
  } else if (kind === "mqprio") mqprio(p, o);
  else return false;
  return true;
}

/** Prints the options of the class kinds this module knows (hfsc); false for another. */
export function printClassKind(p: TcPrinter, kind: string | undefined, options: unknown): boolean {
  if (kind !== "hfsc") return false;
  hfscClass(p, isObj(options) ? options : {});
  return true;
}
