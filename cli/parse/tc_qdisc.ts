/**
 * The qdisc and class kinds of `nlroute tc` beyond htb and tbf, in tc(8)'s
 * grammar (iproute2 6.1's q_fifo.c, q_prio.c, q_sfq.c, q_fq_codel.c,
 * q_fq.c, q_netem.c, q_cake.c, q_hfsc.c and q_mqprio.c) into IPRoute's
 * typed options: pfifo, bfifo, pfifo_head_drop, prio, sfq, fq_codel, fq,
 * netem, cake, hfsc (qdisc and classes) and mqprio. Values are kept as tc
 * wrote them (`"100ms"`, `"1%"`, `"10mbit"`) and checked by IPRoute before
 * anything is sent, with the keyword named; what nlroute cannot send
 * (netem's distribution tables, sfq's RED mode, mqprio's shaper) is refused
 * by name.
 *
 * @module
 */
import { parseSize } from "../../iproute/tc/units.ts";
import { UsageError } from "../errors.ts";
import { integer } from "./values.ts";
import type { Words } from "./words.ts";

type Spec = Record<string, unknown>;

const matches = (word: string, full: string) => word.length > 0 && full.startsWith(word);

/** Whether the next word is a number (tc's NEXT_IS_NUMBER: its first character is a digit). */
function nextIsNumber(w: Words): boolean {
  return /^[0-9]/.test(w.peek() ?? "");
}

/** tc's NEXT_IS_SIGNED_NUMBER: a digit, or `-` and a digit. */
function nextIsSigned(w: Words): boolean {
  return /^-?[0-9]/.test(w.peek() ?? "");
}

/** A signed integer from `lo` to `hi` (tc's get_s32 / strtol). */
function checkRange(word: string, keyword: string, lo: number, hi: number): number {
  const n = /^-?\d+$/.test(word) ? Number(word) : NaN;
  if (!(n >= lo && n <= hi)) {
    throw new UsageError(`Illegal "${keyword}" "${word}": an integer from ${lo} to ${hi}.`);
  }
  return n;
}

/** A kind option nlroute does not send: one clear line. */
function unsupported(kind: string, word: string, why: string): UsageError {
  return new UsageError(`nlroute does not support ${kind}'s "${word}": ${why}.`);
}

/** pfifo, bfifo, pfifo_head_drop (q_fifo.c): `limit N` (bfifo: a size). */
function fifo(w: Words, spec: Spec, kind: string): void {
  while (!w.done) {
    const k = w.next();
    if (k === "limit") {
      const v = w.value("limit");
      spec.limit = kind === "bfifo" ? v : integer(v, "limit");
    } else throw w.garbage(k);
  }
}

/** prio (q_prio.c): `bands N`, `priomap P1 … P16`, `multiqueue`. */
function prio(w: Words, spec: Spec): void {
  while (!w.done) {
    const k = w.next();
    if (k === "bands") spec.bands = integer(w.value("bands"), "bands", 1, 16);
    else if (k === "priomap") {
      w.once("priomap");
      const map: number[] = [];
      while (nextIsNumber(w) && map.length < 16) map.push(integer(w.next(), "priomap", 0, 15));
      if (!map.length) throw new UsageError(`"priomap" needs band numbers in "${w.where}".`);
      spec.priomap = map;
    } else if (k === "multiqueue") {
      throw unsupported("prio", k, "multiqueue needs a multiqueue device");
    } else throw w.garbage(k);
  }
}

/** sfq (q_sfq.c), without its RED options. */
function sfq(w: Words, spec: Spec): void {
  while (!w.done) {
    const k = w.next();
    if (k === "quantum") spec.quantum = w.value("quantum");
    else if (k === "perturb") spec.perturb = integer(w.value("perturb"), "perturb");
    else if (k === "limit") spec.limit = integer(w.value("limit"), "limit");
    else if (k === "divisor") spec.divisor = integer(w.value("divisor"), "divisor");
    else if (k === "flows") spec.flows = integer(w.value("flows"), "flows");
    else if (k === "depth") spec.depth = integer(w.value("depth"), "depth");
    else if (k === "headdrop") {
      w.once("headdrop");
      spec.headdrop = true;
    } else if (
      ["redflowlimit", "min", "max", "burst", "avpkt", "probability", "ecn", "harddrop"]
        .includes(k)
    ) throw unsupported("sfq", k, "its RED mode is not in nlroute's sfq options");
    else throw w.garbage(k);
  }
}

/** fq_codel (q_fq_codel.c). */
function fqCodel(w: Words, spec: Spec): void {
  while (!w.done) {
    const k = w.next();
    if (k === "limit") spec.limit = integer(w.value("limit"), "limit");
    else if (k === "flows") spec.flows = integer(w.value("flows"), "flows");
    else if (k === "quantum") spec.quantum = w.value("quantum");
    else if (k === "drop_batch") {
      spec.dropBatch = integer(w.value("drop_batch"), "drop_batch", 1);
    } else if (k === "target") spec.target = w.value("target");
    else if (k === "ce_threshold_selector") {
      throw unsupported("fq_codel", k, "not in nlroute's fq_codel options");
    } else if (k === "ce_threshold") spec.ceThreshold = w.value("ce_threshold");
    else if (k === "memory_limit") spec.memoryLimit = w.value("memory_limit");
    else if (k === "interval") spec.interval = w.value("interval");
    else if (k === "ecn") spec.ecn = true;
    else if (k === "noecn") spec.ecn = false;
    else throw w.garbage(k);
  }
}

/** fq (q_fq.c). */
function fq(w: Words, spec: Spec): void {
  while (!w.done) {
    const k = w.next();
    if (k === "limit") spec.limit = integer(w.value("limit"), "limit");
    else if (k === "flow_limit") {
      spec.flowLimit = integer(w.value("flow_limit"), "flow_limit");
    } else if (k === "buckets") spec.buckets = integer(w.value("buckets"), "buckets");
    else if (k === "maxrate") spec.maxrate = w.value("maxrate");
    else if (k === "low_rate_threshold") {
      spec.lowRateThreshold = w.value("low_rate_threshold");
    } else if (k === "ce_threshold") spec.ceThreshold = w.value("ce_threshold");
    else if (k === "timer_slack") spec.timerSlack = w.value("timer_slack");
    else if (k === "horizon_drop") spec.horizonDrop = true;
    else if (k === "horizon_cap") spec.horizonDrop = false;
    else if (k === "horizon") spec.horizon = w.value("horizon");
    else if (k === "defrate") throw unsupported("fq", k, "the kernel ignores it since 4.x");
    else if (k === "quantum") spec.quantum = w.value("quantum");
    else if (k === "initial_quantum") spec.initialQuantum = w.value("initial_quantum");
    else if (k === "orphan_mask") {
      spec.orphanMask = integer(w.value("orphan_mask"), "orphan_mask");
    } else if (k === "refill_delay") spec.refillDelay = w.value("refill_delay");
    else if (k === "pacing") spec.pacing = true;
    else if (k === "nopacing") spec.pacing = false;
    else throw w.garbage(k);
  }
}

/** netem's `loss …` (random, `state`, `gemodel`). */
function netemLoss(w: Words, spec: Spec, k: string): void {
  w.once("loss");
  const first = w.next();
  if (/^[0-9]/.test(first) || first === "random") {
    spec.loss = first === "random" ? w.next() : first;
    if (nextIsNumber(w)) spec.lossCorrelation = w.next();
  } else if (first === "state") {
    const model: Spec = { model: "state", p13: w.next() };
    for (const key of ["p31", "p32", "p23", "p14"]) {
      if (!nextIsNumber(w)) break;
      model[key] = w.next();
    }
    spec.lossModel = model;
  } else if (first === "gemodel") {
    const model: Spec = { model: "gemodel", p: w.next() };
    for (const key of ["r", "badLoss", "goodLoss"]) {
      if (!nextIsNumber(w)) break;
      model[key] = w.next();
    }
    spec.lossModel = model;
  } else throw new UsageError(`Unknown ${k} parameter "${first}" in "${w.where}".`);
}

/** netem (q_netem.c), without distribution tables. */
function netem(w: Words, spec: Spec): void {
  while (!w.done) {
    const k = w.next();
    if (matches(k, "limit")) spec.limit = integer(w.value("limit"), "limit");
    else if (matches(k, "latency") || matches(k, "delay")) {
      spec.delay = w.value(k, "delay");
      if (nextIsNumber(w)) {
        spec.jitter = w.next();
        if (nextIsNumber(w)) spec.delayCorrelation = w.next();
      }
    } else if (matches(k, "loss") || matches(k, "drop")) netemLoss(w, spec, k);
    else if (matches(k, "ecn")) spec.ecn = true;
    else if (matches(k, "reorder")) {
      spec.reorder = w.value("reorder");
      if (nextIsNumber(w)) spec.reorderCorrelation = w.next();
    } else if (matches(k, "corrupt")) {
      spec.corrupt = w.value("corrupt");
      if (nextIsNumber(w)) spec.corruptCorrelation = w.next();
    } else if (matches(k, "gap")) spec.gap = integer(w.value("gap"), "gap");
    else if (matches(k, "duplicate")) {
      spec.duplicate = w.value("duplicate");
      if (nextIsNumber(w)) spec.duplicateCorrelation = w.next();
    } else if (matches(k, "distribution")) {
      throw unsupported("netem", k, "delay distribution tables are not in nlroute's netem options");
    } else if (matches(k, "rate")) {
      const rate = w.value("rate");
      if (rate.includes("%")) {
        throw unsupported("netem", "rate", "a rate in percent of the device's speed");
      }
      spec.rate = rate;
      if (nextIsSigned(w)) {
        spec.packetOverhead = checkRange(w.next(), "packetoverhead", -(2 ** 31), 2 ** 31 - 1);
      }
      if (nextIsNumber(w)) spec.cellSize = integer(w.next(), "cellsize");
      if (nextIsSigned(w)) {
        spec.cellOverhead = checkRange(w.next(), "celloverhead", -(2 ** 31), 2 ** 31 - 1);
      }
    } else if (matches(k, "slot")) {
      w.once("slot");
      if (!nextIsNumber(w)) {
        throw unsupported(
          "netem",
          `slot ${w.peek() ?? ""}`.trim(),
          "slot distributions are not in nlroute's netem options",
        );
      }
      const slot: Spec = { min: w.next() };
      slot.max = nextIsNumber(w) ? w.next() : slot.min;
      if (w.peek() !== undefined && matches(w.peek()!, "packets")) {
        w.next();
        slot.packets = integer(w.value("packets"), "packets", 0, 2 ** 31 - 1);
      }
      if (w.peek() !== undefined && matches(w.peek()!, "bytes")) {
        w.next();
        slot.bytes = parseSize(w.value("bytes"), "bytes");
      }
      spec.slot = slot;
    } else throw w.garbage(k);
  }
}

/** cake's rtt presets (q_cake.c): the interval in µs (the target is a twentieth of it). */
const CAKE_RTT: Record<string, number> = {
  datacentre: 100,
  lan: 1000,
  metro: 10000,
  regional: 30000,
  internet: 100000,
  oceanic: 300000,
  satellite: 1000000,
  interplanetary: 1000000000,
};
const CAKE_DIFFSERV: Record<string, string> = {
  besteffort: "besteffort",
  precedence: "precedence",
  diffserv8: "diffserv8",
  diffserv4: "diffserv4",
  diffserv: "diffserv4",
  diffserv3: "diffserv3",
};
const CAKE_FLOWS = [
  "flowblind",
  "srchost",
  "dsthost",
  "hosts",
  "flows",
  "dual-srchost",
  "dual-dsthost",
  "triple-isolate",
];
/** cake's framing keywords: [atm mode or undefined (kept), overhead added, mpu or undefined]. */
const CAKE_FRAMING: Record<string, [string | undefined, number, number | undefined]> = {
  "ipoa-vcmux": ["atm", 8, undefined],
  "ipoa-llcsnap": ["atm", 16, undefined],
  "bridged-vcmux": ["atm", 24, undefined],
  "bridged-llcsnap": ["atm", 32, undefined],
  "pppoa-vcmux": ["atm", 10, undefined],
  "pppoa-llc": ["atm", 14, undefined],
  "pppoe-vcmux": ["atm", 32, undefined],
  "pppoe-llcsnap": ["atm", 40, undefined],
  "pppoe-ptm": ["ptm", 30, undefined],
  "bridged-ptm": ["ptm", 22, undefined],
  ethernet: [undefined, 38, 84],
  "ether-vlan": [undefined, 4, undefined],
  docsis: ["noatm", 18, 64],
};

/** cake (q_cake.c). */
function cake(w: Words, spec: Spec): void {
  let overhead: number | undefined;
  let preset: string | undefined;
  while (!w.done) {
    const k = w.next();
    if (k === "bandwidth") {
      spec.bandwidth = w.value("bandwidth");
      spec.autorateIngress = undefined;
    } else if (k === "unlimited") {
      spec.bandwidth = "unlimited";
      spec.autorateIngress = undefined;
    } else if (k === "autorate-ingress") spec.autorateIngress = true;
    else if (k === "rtt") spec.rtt = w.value("rtt");
    else if (k in CAKE_RTT) {
      if (preset !== undefined) {
        throw new UsageError(`Error: duplicate "${k}": "${preset}" is the first argument.`);
      }
      preset = k;
      spec.rtt = CAKE_RTT[k];
    } else if (k in CAKE_DIFFSERV) spec.diffserv = CAKE_DIFFSERV[k];
    else if (k === "wash" || k === "nowash") spec.wash = k === "wash";
    else if (k === "split-gso" || k === "no-split-gso") spec.splitGso = k === "split-gso";
    else if (CAKE_FLOWS.includes(k)) spec.flowMode = k;
    else if (k === "nat" || k === "nonat") spec.nat = k === "nat";
    else if (k === "ptm" || k === "atm" || k === "noatm") spec.atm = k;
    else if (k === "raw") {
      // IPRoute's raw is tc's: no ATM framing and overhead 0, unless set after it.
      delete spec.atm;
      overhead = undefined;
      spec.raw = true;
    } else if (k === "conservative") {
      spec.atm = "atm";
      overhead = 48;
    } else if (k in CAKE_FRAMING) {
      const [atm, add, mpu] = CAKE_FRAMING[k]!;
      if (atm !== undefined) spec.atm = atm;
      overhead = (overhead ?? 0) + add;
      if (mpu !== undefined) spec.mpu = mpu;
    } else if (k === "via-ethernet") {
      // Ignored by tc too (cake compensates by itself).
    } else if (k === "overhead") overhead = checkRange(w.value("overhead"), "overhead", -64, 256);
    else if (k === "mpu") spec.mpu = checkRange(w.value("mpu"), "mpu", 0, 256);
    else if (k === "ingress" || k === "egress") spec.ingress = k === "ingress";
    else if (k === "no-ack-filter") spec.ackFilter = false;
    else if (k === "ack-filter") spec.ackFilter = true;
    else if (k === "ack-filter-aggressive") spec.ackFilter = "aggressive";
    else if (k === "memlimit") spec.memlimit = w.value("memlimit");
    else if (k === "fwmark") spec.fwmark = integer(w.value("fwmark"), "fwmark");
    else throw w.garbage(k);
  }
  if (overhead !== undefined) spec.overhead = overhead;
  if (spec.autorateIngress === undefined) delete spec.autorateIngress;
}

/** hfsc's qdisc options (q_hfsc.c): `default CLASSID` (a minor id in hex). */
function hfscQdisc(w: Words, spec: Spec): void {
  while (!w.done) {
    const k = w.next();
    if (matches(k, "default")) {
      const v = w.value("default");
      if (!/^(0x)?[0-9a-f]{1,4}$/i.test(v)) {
        throw new UsageError(`Illegal "default" "${v}": a class minor id in hex.`);
      }
      spec.default = v.replace(/^0x/i, "");
    } else throw w.garbage(k);
  }
}

/** One hfsc service curve: `[m1 R] [d T] m2 R` or `[umax S] [dmax T] rate R`. */
function hfscCurve(w: Words, name: string): Spec {
  const curve: Spec = {};
  const take = (key: string) => {
    const word = w.peek();
    if (word === undefined || !matches(word, key)) return false;
    w.next();
    const v = w.next();
    if (v.includes("%")) {
      throw unsupported("hfsc", key, "a rate in percent of the device's speed");
    }
    curve[key] = key === "umax" ? (/^\d+$/.test(v) ? Number(v) : v) : v;
    return true;
  };
  const first = w.peek() ?? "";
  if (matches(first, "umax") || matches(first, "dmax") || matches(first, "rate")) {
    take("umax");
    take("dmax");
    if (!take("rate")) throw new UsageError(`hfsc "${name}" needs "rate" in "${w.where}".`);
  } else {
    take("m1");
    take("d");
    if (!take("m2")) throw new UsageError(`hfsc "${name}" needs "m2" in "${w.where}".`);
  }
  return curve;
}

/** hfsc's class options (q_hfsc.c): `[ rt | ls | sc | ul ] CURVE …`. */
function hfscClass(w: Words, spec: Spec): void {
  while (!w.done) {
    const k = w.next();
    const curve = ["rt", "ls", "sc", "ul"].find((c) => matches(k, c));
    if (curve) {
      w.once(curve);
      spec[curve] = hfscCurve(w, curve);
    } else throw w.garbage(k);
  }
  if (!spec.rt && !spec.ls && !spec.sc && !spec.ul) {
    throw new UsageError(
      `hfsc needs at least one service curve (rt, ls, sc or ul) in "${w.where}".`,
    );
  }
}

/** mqprio (q_mqprio.c): `num_tc N`, `map P…`, `queues count@offset …`, `hw 0|1`. */
function mqprio(w: Words, spec: Spec): void {
  while (!w.done) {
    const k = w.next();
    if (k === "num_tc") spec.numTc = integer(w.value("num_tc"), "num_tc", 0, 16);
    else if (k === "map") {
      w.once("map");
      const map: number[] = [];
      while (nextIsNumber(w) && map.length < 16) map.push(integer(w.next(), "map", 0, 15));
      spec.map = map;
    } else if (k === "queues") {
      w.once("queues");
      const queues: string[] = [];
      while (/^\d+@\d+$/.test(w.peek() ?? "") && queues.length < 16) queues.push(w.next());
      if (!queues.length) {
        throw new UsageError(`"queues" needs count@offset pairs in "${w.where}".`);
      }
      spec.queues = queues;
    } else if (k === "hw") spec.hw = integer(w.value("hw"), "hw", 0, 1) === 1;
    else if (["mode", "shaper", "min_rate", "max_rate", "fp"].includes(k)) {
      throw unsupported("mqprio", k, "not in nlroute's mqprio options");
    } else throw w.garbage(k);
  }
}

/**
 * Reads the options after a qdisc kind this module knows; false for
 * another kind (the caller handles it).
 */
export function qdiscKindOptions(w: Words, spec: Spec, kind: string): boolean {
  if (kind === "pfifo" || kind === "bfifo" || kind === "pfifo_head_drop") fifo(w, spec, kind);
  else if (kind === "prio") prio(w, spec);
  else if (kind === "sfq") sfq(w, spec);
  else if (kind === "fq_codel") fqCodel(w, spec);
  else if (kind === "fq") fq(w, spec);
  else if (kind === "netem") netem(w, spec);
  else if (kind === "cake") cake(w, spec);
  else if (kind === "hfsc") hfscQdisc(w, spec);
  else if (kind === "mqprio") mqprio(w, spec);
  else return false;
  return true;
}

/** Reads the options after a class kind this module knows (hfsc); false for another. */
export function classKindOptions(w: Words, spec: Spec, kind: string): boolean {
  if (kind !== "hfsc") return false;
  hfscClass(w, spec);
  return true;
}
