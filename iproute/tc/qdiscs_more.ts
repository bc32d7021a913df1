/**
 * More qdisc kinds with typed options — pfifo/bfifo/pfifo_head_drop, prio,
 * sfq, fq_codel, fq, netem, cake, hfsc (and its classes) and mqprio — each
 * sending what iproute2's q_<kind>.c sends for the same tc(8) parameters,
 * attribute for attribute and in tc's order (tests/tc_qdisc_kinds.test.ts
 * compares the bytes with tc's own requests), and decoding the kernel's dump
 * back to the same option names.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import {
  CAKE_ACK,
  CAKE_ATM,
  CAKE_DIFFSERV,
  CAKE_FLOW,
  TC_ATTRS,
  TC_PRIO,
  TC_STRUCTS,
  TCA_FQ_CODEL_XSTATS,
} from "../../core/tables/tc.ts";
import { bool, int, u32 } from "../spec.ts";
import type { KindCodec, KindContext } from "./kind.ts";
import type { Rate, Size, Time } from "./qdiscs.ts";
import { minorId, num, obj } from "./values.ts";
import {
  parsePercent,
  parseRate,
  parseSize,
  parseTime,
  tickInUsec,
  ticksToTime,
  timeToTicks,
} from "./units.ts";

/** A probability: `"1%"`, `"0.5%"` (percentage points, as tc), or the fraction as a number (0.01). */
export type Percent = string | number;

/** pfifo's and pfifo_head_drop's options (tc-pfifo(8) `limit PACKETS`). */
export interface PfifoOptions {
  /** Queue length in packets (default: the interface's txqueuelen). */
  limit?: number;
}

/** bfifo's options (tc-bfifo(8) `limit BYTES`). */
export interface BfifoOptions {
  /** Queue length in bytes (default: txqueuelen × MTU). */
  limit?: Size;
}

/** prio's options (tc-prio(8) `bands B priomap P1 … P16`). */
export interface PrioOptions {
  /** Number of bands, 2 to 16 (default 3). */
  bands?: number;
  /** Band of each of the 16 Linux priorities; a shorter list replaces the first entries of tc's default `1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1`. */
  priomap?: readonly number[];
}

/** sfq's options (tc-sfq(8)); none given sends no options, as tc. */
export interface SfqOptions {
  /** Bytes a flow may dequeue per round (default: the MTU). */
  quantum?: Size;
  /** Seconds between hash perturbations (0: never). */
  perturb?: number;
  /** Packets the qdisc holds (at least 2; default 127). */
  limit?: number;
  /** Hash table size, a power of two up to 65536 (default 1024). */
  divisor?: number;
  /** Most flows (default 128). */
  flows?: number;
  /** Packets per flow (default 127). */
  depth?: number;
  /** Drop from the head of a full flow rather than the tail. */
  headdrop?: boolean;
}

/** fq_codel's options (tc-fq_codel(8)); each absent one keeps the kernel's default. */
export interface FqCodelOptions {
  /** Packets the qdisc holds (default 10240). */
  limit?: number;
  /** Number of flow buckets (default 1024; fixed at creation). */
  flows?: number;
  /** Bytes per round (default 1514). */
  quantum?: Size;
  /** CoDel's interval (default 100ms). */
  interval?: Time;
  /** CoDel's target delay (default 5ms). */
  target?: Time;
  /** Mark ECN-capable packets instead of dropping them (tc's `ecn`/`noecn`). */
  ecn?: boolean;
  /** Sojourn time above which packets are CE-marked. */
  ceThreshold?: Time;
  /** Memory the queues may use (default 32mb). */
  memoryLimit?: Size;
  /** Packets dropped at once when over the limit (default 64). */
  dropBatch?: number;
}

/** fq's options (tc-fq(8)); each absent one keeps the kernel's default. */
export interface FqOptions {
  /** Packets the qdisc holds (tc's `limit`; default 10000). */
  limit?: number;
  /** Packets per flow (tc's `flow_limit`; default 100). */
  flowLimit?: number;
  /** Credit per round (default 2 × MTU). */
  quantum?: Size;
  /** Credit of a new flow (default 10 × MTU). */
  initialQuantum?: Size;
  /** Pace packets (tc's `pacing`/`nopacing`). */
  pacing?: boolean;
  /** Pacing rate cap per flow (tc's `maxrate`). */
  maxrate?: Rate;
  /** Hash buckets, rounded down to a power of two (tc's `buckets`; default 1024). */
  buckets?: number;
  /** Mask for flows without a socket (tc's `orphan_mask`; default 1023). */
  orphanMask?: number;
  /** Delay before a flow's credit refills (tc's `refill_delay`; default 40ms). */
  refillDelay?: Time;
  /** Flows below this rate are not paced by quantum (tc's `low_rate_threshold`). */
  lowRateThreshold?: Rate;
  /** Delay above which packets are CE-marked (tc's `ce_threshold`). */
  ceThreshold?: Time;
  /** Timer slack (tc's `timer_slack`; µs or tc's notation, sent in ns). */
  timerSlack?: Time;
  /** The furthest future transmit time accepted (default 10s). */
  horizon?: Time;
  /** Drop packets beyond the horizon (true, tc's `horizon_drop`) or cap their time (false, `horizon_cap`). */
  horizonDrop?: boolean;
}

/** netem's 4-state Markov loss model (tc-netem(8) `loss state p13 [p31 [p32 [p23 [p14]]]]`). */
export interface NetemLossState {
  /** The model. */
  model: "state";
  /** Good → bad (burst) state. */
  p13: Percent;
  /** Bad → good (default 1 − p13). */
  p31?: Percent;
  /** Bad → isolated-loss state (default 0). */
  p32?: Percent;
  /** Isolated-loss → bad (default 100%). */
  p23?: Percent;
  /** Good → isolated-loss (default 0). */
  p14?: Percent;
}

/** netem's Gilbert-Elliott loss model (tc-netem(8) `loss gemodel p [r [1-h [1-k]]]`). */
export interface NetemLossGemodel {
  /** The model. */
  model: "gemodel";
  /** Good → bad. */
  p: Percent;
  /** Bad → good (default 1 − p). */
  r?: Percent;
  /** Loss probability in the bad state (tc's `1-h`; default 100%). */
  badLoss?: Percent;
  /** Loss probability in the good state (tc's `1-k`; default 0). */
  goodLoss?: Percent;
}

/** netem's slotting (tc-netem(8) `slot MIN [MAX] [packets N] [bytes B]`). */
export interface NetemSlot {
  /** Shortest slot gap. */
  min: Time;
  /** Longest slot gap (default `min`). */
  max?: Time;
  /** Most packets per slot. */
  packets?: number;
  /** Most bytes per slot. */
  bytes?: number;
}

/** netem's options (tc-netem(8)). */
export interface NetemOptions {
  /** Packets the qdisc holds (default 1000). */
  limit?: number;
  /** Added delay (tc's `delay TIME`). */
  delay?: Time;
  /** Random variation of the delay (`delay TIME JITTER`). */
  jitter?: Time;
  /** Correlation of successive delays (`delay TIME JITTER CORR`). */
  delayCorrelation?: Percent;
  /** Random loss (`loss random P`). */
  loss?: Percent;
  /** Correlation of successive losses (`loss random P CORR`). */
  lossCorrelation?: Percent;
  /** A correlated loss model instead of `loss`. */
  lossModel?: NetemLossState | NetemLossGemodel;
  /** Mark ECN-capable packets instead of dropping them (needs a loss). */
  ecn?: boolean;
  /** Duplication (`duplicate P [CORR]`). */
  duplicate?: Percent;
  /** Correlation of duplication. */
  duplicateCorrelation?: Percent;
  /** Bit corruption (`corrupt P [CORR]`). */
  corrupt?: Percent;
  /** Correlation of corruption. */
  corruptCorrelation?: Percent;
  /** Packets sent at once, out of order (`reorder P [CORR]`; needs a delay). */
  reorder?: Percent;
  /** Correlation of reordering. */
  reorderCorrelation?: Percent;
  /** Reorder every Nth packet (`gap N`; needs reorder; default 1 with reorder). */
  gap?: number;
  /** Rate limit (`rate RATE [PACKETOVERHEAD [CELLSIZE [CELLOVERHEAD]]]`). */
  rate?: Rate;
  /** Bytes added (or, negative, removed) per packet for the rate. */
  packetOverhead?: number;
  /** Cell size for the rate (ATM-like links). */
  cellSize?: number;
  /** Bytes added (or removed) per cell. */
  cellOverhead?: number;
  /** Slotting. */
  slot?: NetemSlot;
}

/** cake's priority tin modes (tc-cake(8)). */
export type CakeDiffserv = "diffserv3" | "diffserv4" | "diffserv8" | "besteffort" | "precedence";
/** cake's flow isolation modes (tc-cake(8)). */
export type CakeFlowMode =
  | "flowblind"
  | "srchost"
  | "dsthost"
  | "hosts"
  | "flows"
  | "dual-srchost"
  | "dual-dsthost"
  | "triple-isolate";

/** cake's options (tc-cake(8)); each absent one keeps the kernel's default. */
export interface CakeOptions {
  /** Shaped rate, or `"unlimited"` (0). */
  bandwidth?: Rate | "unlimited";
  /** Estimate the rate from the ingress traffic (tc's `autorate-ingress`). */
  autorateIngress?: boolean;
  /** The round-trip time the AQM is tuned for (target = rtt / 20, as tc). */
  rtt?: Time;
  /** Priority tins. */
  diffserv?: CakeDiffserv;
  /** Flow isolation. */
  flowMode?: CakeFlowMode;
  /** Cell framing compensation: none, ATM (ADSL) or PTM (VDSL2). */
  atm?: "noatm" | "atm" | "ptm";
  /** Bytes of link overhead per packet, -64 to 256. */
  overhead?: number;
  /** Use the raw packet size, without the kernel's overhead estimate (tc's `raw`). */
  raw?: boolean;
  /** Smallest packet size counted, 1 to 256 (tc's `mpu`). */
  mpu?: number;
  /** Memory the queues may use (tc's `memlimit`). */
  memlimit?: Size;
  /** Mask of the firewall mark used as the tin (tc's `fwmark`). */
  fwmark?: number;
  /** Look up NAT for flow isolation (`nat`/`nonat`). */
  nat?: boolean;
  /** Clear DSCP bits (`wash`/`nowash`). */
  wash?: boolean;
  /** Split GSO super-packets (`split-gso`/`no-split-gso`). */
  splitGso?: boolean;
  /** Ingress mode (`ingress`/`egress`). */
  ingress?: boolean;
  /** Drop redundant ACKs: true or `"filter"`, `"aggressive"`, false for none. */
  ackFilter?: boolean | "filter" | "aggressive";
}

/** hfsc's qdisc options (tc-hfsc(8) `hfsc [default CLASSID]`). */
export interface HfscQdiscOptions {
  /** The minor id of the class unclassified traffic goes to (hex digits as tc reads them, or a number). */
  default?: number | string;
}

/**
 * An hfsc service curve: two slopes `m1` for `d`, then `m2` (tc's `m1 BPS d
 * US m2 BPS`), or the equivalent `umax BYTES dmax US rate BPS`.
 */
export type HfscCurve =
  | { m1?: Rate; d?: Time; m2: Rate }
  | { umax?: Size; dmax?: Time; rate: Rate };

/** hfsc's class options (tc-hfsc(8)): at least one curve; `ul` needs `ls`. */
export interface HfscClassOptions {
  /** Real-time and link-sharing curve at once (tc's `sc`). */
  sc?: HfscCurve;
  /** Real-time curve (tc's `rt`). */
  rt?: HfscCurve;
  /** Link-sharing curve (tc's `ls`). */
  ls?: HfscCurve;
  /** Upper limit curve (tc's `ul`). */
  ul?: HfscCurve;
}

/** mqprio's options (tc-mqprio(8) `num_tc N map P… queues count@offset… hw 1|0`). */
export interface MqprioOptions {
  /** Number of traffic classes, 1 to 16 (default 8). */
  numTc?: number;
  /** Traffic class of each of the 16 priorities (default `0 1 2 3 4 5 6 7 0 1 1 1 3 3 3 3`; a shorter list leaves the rest 0, as tc). */
  map?: readonly number[];
  /** Each class's transmit queues, `"count@offset"` or `{ count, offset }`. */
  queues?: readonly (string | { count: number; offset: number })[];
  /** Offload to hardware (default true, as tc). */
  hw?: boolean;
}

const U32_MAX = 0xffffffff;
/** The Linux priorities a priomap covers (TC_PRIO_MAX + 1). */
const PRIOS = TC_STRUCTS.tcPrioQopt.size - TC_STRUCTS.tcPrioQopt.at.priomap;
/**
 * prio's default map, sch_generic.c's sch_default_prio2band (the kernel's,
 * not in the uapi headers; tc's q_prio.c starts from the same).
 */
const PRIO_DEFAULT = [1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1];
/** mqprio's default map and class count (tc's q_mqprio.c). */
const MQPRIO_DEFAULT = [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 1, 1, 3, 3, 3, 3];

/** A probability scaled to u32 → the fraction (what {@link parsePercent} takes back). */
const fraction = (v: unknown): number => num(v) / U32_MAX;
/** A number-array argument of at most `max` integers from `lo` to `hi`. */
function intList(v: unknown, argument: string, max: number, lo: number, hi: number): number[] {
  if (!Array.isArray(v) || v.length > max) {
    throw new ArgumentError(argument, `a list of at most ${max} integers`, v);
  }
  return v.map((x, i) => int(x, `${argument}[${i}]`, lo, hi));
}

/** ctx's checked boolean as u32 1/0. */
const flag = (v: unknown, argument: string): number => bool(v, argument) ? 1 : 0;

// -- fifos ---------------------------------------------------------------------

const PFIFO: KindCodec = {
  keys: ["limit"],
  encode: (spec, ctx) =>
    spec.limit === undefined ? undefined : { limit: u32(spec.limit, ctx.arg("limit")) },
  decode: (o) => ({ limit: obj(o).limit }),
};

const BFIFO: KindCodec = {
  keys: ["limit"],
  encode: (spec, ctx) =>
    spec.limit === undefined ? undefined : { limit: parseSize(spec.limit, ctx.arg("limit")) },
  decode: (o) => ({ limit: obj(o).limit }),
};

// -- prio -----------------------------------------------------------------------

/** The empty attribute q_prio.c appends after the struct (addattr_nest_compat's TCA_OPTIONS). */
const PRIO_COMPAT = `#${TC_ATTRS.tcAttrs.options}`;

const PRIO: KindCodec = {
  keys: ["bands", "priomap"],
  encode(spec, ctx) {
    const bands = spec.bands === undefined
      ? 3
      : int(spec.bands, ctx.arg("bands"), TC_PRIO.MIN_BANDS, TC_PRIO.BANDS);
    const map = [...PRIO_DEFAULT];
    if (spec.priomap !== undefined) {
      intList(spec.priomap, ctx.arg("priomap"), PRIOS, 0, bands - 1).forEach((b, i) => map[i] = b);
    }
    const over = map.findIndex((b) => b >= bands);
    if (over >= 0) {
      throw new ArgumentError(
        ctx.arg("priomap"),
        `bands below ${bands} for all ${PRIOS} priorities (the default map uses band ${
          map[over]
        } for priority ${over}: give a priomap)`,
        spec.priomap,
      );
    }
    return { bands, priomap: Uint8Array.from(map), [PRIO_COMPAT]: new Uint8Array(0) };
  },
  decode(o) {
    const p = obj(o);
    return {
      bands: p.bands,
      priomap: p.priomap instanceof Uint8Array ? Array.from(p.priomap) : [],
    };
  },
};

/** pfifo_fast: no options to send; its dump is prio's struct. */
const PFIFO_FAST: KindCodec = { keys: [], encode: () => undefined, decode: PRIO.decode };

// -- sfq ------------------------------------------------------------------------

const SFQ_KEYS = ["quantum", "perturb", "limit", "divisor", "flows", "depth", "headdrop"];

const SFQ: KindCodec = {
  keys: SFQ_KEYS,
  encode(spec, ctx) {
    if (SFQ_KEYS.every((k) => spec[k] === undefined)) return undefined;
    const out: Record<string, unknown> = {};
    if (spec.quantum !== undefined) out.v0Quantum = parseSize(spec.quantum, ctx.arg("quantum"));
    if (spec.perturb !== undefined) {
      out.v0PerturbPeriod = int(spec.perturb, ctx.arg("perturb"), 0, 0x7fffffff);
    }
    if (spec.limit !== undefined) out.v0Limit = int(spec.limit, ctx.arg("limit"), 2, U32_MAX);
    if (spec.divisor !== undefined) {
      const d = int(spec.divisor, ctx.arg("divisor"), 1, 65536);
      if (d & (d - 1)) throw new ArgumentError(ctx.arg("divisor"), "a power of two", spec.divisor);
      out.v0Divisor = d;
    }
    if (spec.flows !== undefined) out.v0Flows = u32(spec.flows, ctx.arg("flows"));
    if (spec.depth !== undefined) out.depth = u32(spec.depth, ctx.arg("depth"));
    if (spec.headdrop !== undefined) out.headdrop = flag(spec.headdrop, ctx.arg("headdrop"));
    return out;
  },
  decode(o) {
    const p = obj(o);
    const out: Record<string, unknown> = {
      quantum: p.v0Quantum,
      perturb: p.v0PerturbPeriod,
      limit: p.v0Limit,
      divisor: p.v0Divisor,
      flows: p.v0Flows,
    };
    if (p.depth !== undefined) out.depth = p.depth;
    if (p.headdrop !== undefined) out.headdrop = p.headdrop !== 0;
    return out;
  },
  decodeXstats(x) {
    const s = obj(x);
    return s.allot === undefined ? undefined : { allot: s.allot };
  },
};

// -- fq_codel ---------------------------------------------------------------------

const FQ_CODEL: KindCodec = {
  keys: [
    "limit",
    "flows",
    "quantum",
    "interval",
    "target",
    "ecn",
    "ceThreshold",
    "memoryLimit",
    "dropBatch",
  ],
  encode(spec, ctx) {
    // q_fq_codel.c's order.
    const out: Record<string, unknown> = {};
    if (spec.limit !== undefined) out.limit = u32(spec.limit, ctx.arg("limit"));
    if (spec.flows !== undefined) out.flows = u32(spec.flows, ctx.arg("flows"));
    if (spec.quantum !== undefined) out.quantum = parseSize(spec.quantum, ctx.arg("quantum"));
    if (spec.interval !== undefined) out.interval = parseTime(spec.interval, ctx.arg("interval"));
    if (spec.target !== undefined) out.target = parseTime(spec.target, ctx.arg("target"));
    if (spec.ecn !== undefined) out.ecn = flag(spec.ecn, ctx.arg("ecn"));
    if (spec.ceThreshold !== undefined) {
      out.ceThreshold = parseTime(spec.ceThreshold, ctx.arg("ceThreshold"));
    }
    if (spec.memoryLimit !== undefined) {
      out.memoryLimit = parseSize(spec.memoryLimit, ctx.arg("memoryLimit"));
    }
    if (spec.dropBatch !== undefined) {
      out.dropBatchSize = int(spec.dropBatch, ctx.arg("dropBatch"), 1, U32_MAX);
    }
    return out;
  },
  decode(o) {
    const p = obj(o);
    const out: Record<string, unknown> = {
      limit: p.limit,
      flows: p.flows,
      quantum: p.quantum,
      target: p.target,
      interval: p.interval,
    };
    if (p.ecn !== undefined) out.ecn = p.ecn !== 0;
    if (p.ceThreshold !== undefined) out.ceThreshold = p.ceThreshold;
    if (p.memoryLimit !== undefined) out.memoryLimit = p.memoryLimit;
    if (p.dropBatchSize !== undefined) out.dropBatch = p.dropBatchSize;
    return out;
  },
  decodeXstats(x) {
    const s = obj(x);
    if (s.type !== TCA_FQ_CODEL_XSTATS.QDISC) return undefined;
    return {
      maxpacket: s.qdiscStatsMaxpacket,
      dropOverlimit: s.qdiscStatsDropOverlimit,
      ecnMark: s.qdiscStatsEcnMark,
      newFlowCount: s.qdiscStatsNewFlowCount,
      newFlowsLen: s.qdiscStatsNewFlowsLen,
      oldFlowsLen: s.qdiscStatsOldFlowsLen,
      ceMark: s.qdiscStatsCeMark,
      memoryUsage: s.qdiscStatsMemoryUsage,
      dropOvermemory: s.qdiscStatsDropOvermemory,
    };
  },
};

// -- fq ---------------------------------------------------------------------------

/** A rate that must fit u32 (bytes/s). */
function rate32(v: unknown, argument: string): number {
  const r = parseRate(v, argument);
  if (r > U32_MAX) throw new ArgumentError(argument, "a rate below 34.36gbit (u32 bytes/s)", v);
  return r;
}

const FQ: KindCodec = {
  keys: [
    "limit",
    "flowLimit",
    "quantum",
    "initialQuantum",
    "pacing",
    "maxrate",
    "buckets",
    "orphanMask",
    "refillDelay",
    "lowRateThreshold",
    "ceThreshold",
    "timerSlack",
    "horizon",
    "horizonDrop",
  ],
  encode(spec, ctx) {
    // q_fq.c's order.
    const out: Record<string, unknown> = {};
    if (spec.buckets !== undefined) {
      out.bucketsLog = Math.floor(Math.log2(int(spec.buckets, ctx.arg("buckets"), 1, U32_MAX)));
    }
    if (spec.limit !== undefined) out.plimit = u32(spec.limit, ctx.arg("limit"));
    if (spec.flowLimit !== undefined) out.flowPlimit = u32(spec.flowLimit, ctx.arg("flowLimit"));
    if (spec.quantum !== undefined) out.quantum = parseSize(spec.quantum, ctx.arg("quantum"));
    if (spec.initialQuantum !== undefined) {
      out.initialQuantum = parseSize(spec.initialQuantum, ctx.arg("initialQuantum"));
    }
    if (spec.pacing !== undefined) out.rateEnable = flag(spec.pacing, ctx.arg("pacing"));
    if (spec.maxrate !== undefined) out.flowMaxRate = rate32(spec.maxrate, ctx.arg("maxrate"));
    if (spec.lowRateThreshold !== undefined) {
      out.lowRateThreshold = rate32(spec.lowRateThreshold, ctx.arg("lowRateThreshold"));
    }
    if (spec.refillDelay !== undefined) {
      out.flowRefillDelay = parseTime(spec.refillDelay, ctx.arg("refillDelay"));
    }
    if (spec.orphanMask !== undefined) out.orphanMask = u32(spec.orphanMask, ctx.arg("orphanMask"));
    if (spec.ceThreshold !== undefined) {
      out.ceThreshold = parseTime(spec.ceThreshold, ctx.arg("ceThreshold"));
    }
    if (spec.timerSlack !== undefined) {
      const ns = parseTime(spec.timerSlack, ctx.arg("timerSlack")) * 1000;
      if (ns > U32_MAX) {
        throw new ArgumentError(ctx.arg("timerSlack"), "at most 4294967 µs", spec.timerSlack);
      }
      out.timerSlack = ns;
    }
    if (spec.horizon !== undefined) out.horizon = parseTime(spec.horizon, ctx.arg("horizon"));
    if (spec.horizonDrop !== undefined) {
      out.horizonDrop = flag(spec.horizonDrop, ctx.arg("horizonDrop"));
    }
    return out;
  },
  decode(o) {
    const p = obj(o);
    const out: Record<string, unknown> = {};
    const put = (k: string, v: unknown) => v !== undefined && (out[k] = v);
    put("limit", p.plimit);
    put("flowLimit", p.flowPlimit);
    if (p.bucketsLog !== undefined) out.buckets = 2 ** num(p.bucketsLog);
    put("orphanMask", p.orphanMask);
    put("quantum", p.quantum);
    put("initialQuantum", p.initialQuantum);
    if (p.rateEnable !== undefined) out.pacing = p.rateEnable !== 0;
    if (p.flowMaxRate !== undefined && p.flowMaxRate !== U32_MAX) out.maxrate = p.flowMaxRate;
    put("lowRateThreshold", p.lowRateThreshold);
    put("refillDelay", p.flowRefillDelay);
    put("ceThreshold", p.ceThreshold);
    if (p.timerSlack !== undefined) out.timerSlack = num(p.timerSlack) / 1000;
    put("horizon", p.horizon);
    if (p.horizonDrop !== undefined) out.horizonDrop = p.horizonDrop !== 0;
    return out;
  },
  decodeXstats(x) {
    const s = obj(x);
    if (s.flows === undefined) return undefined;
    return {
      flows: s.flows,
      inactiveFlows: s.inactiveFlows,
      throttledFlows: s.throttledFlows,
      gcFlows: num(s.gcFlows),
      highprioPackets: num(s.highprioPackets),
      throttled: num(s.throttled),
      flowsPlimit: num(s.flowsPlimit),
      pktsTooLong: num(s.pktsTooLong),
      allocationErrors: num(s.allocationErrors),
      ceMark: num(s.ceMark),
      horizonDrops: num(s.horizonDrops),
      horizonCaps: num(s.horizonCaps),
    };
  },
};

// -- netem ------------------------------------------------------------------------

const NETEM_KEYS = [
  "limit",
  "delay",
  "jitter",
  "delayCorrelation",
  "loss",
  "lossCorrelation",
  "lossModel",
  "ecn",
  "duplicate",
  "duplicateCorrelation",
  "corrupt",
  "corruptCorrelation",
  "reorder",
  "reorderCorrelation",
  "gap",
  "rate",
  "packetOverhead",
  "cellSize",
  "cellOverhead",
  "slot",
];

const pct = (spec: Record<string, unknown>, k: string, ctx: KindContext): number =>
  spec[k] === undefined ? 0 : parsePercent(spec[k], ctx.arg(k));

/** The loss model nest (TCA_NETEM_LOSS), tc's defaults filled in. */
function lossModel(v: unknown, argument: string): Record<string, unknown> {
  const m = obj(v);
  const p = (k: string, dflt: number) =>
    m[k] === undefined ? dflt : parsePercent(m[k], `${argument}.${k}`);
  const allowed = m.model === "state"
    ? ["model", "p13", "p31", "p32", "p23", "p14"]
    : m.model === "gemodel"
    ? ["model", "p", "r", "badLoss", "goodLoss"]
    : undefined;
  if (!allowed || v === null || typeof v !== "object") {
    throw new ArgumentError(
      argument,
      '{ model: "state", p13, … } or { model: "gemodel", p, … }',
      v,
    );
  }
  for (const k of Object.keys(m)) {
    if (!allowed.includes(k)) {
      throw new ArgumentError(`${argument}.${k}`, `one of ${allowed.join(", ")}`, m[k]);
    }
  }
  if (m.model === "state") {
    if (m.p13 === undefined) {
      throw new ArgumentError(`${argument}.p13`, "the good → burst probability", undefined);
    }
    const p13 = p("p13", 0);
    // struct tc_netem_gimodel's member order is p13 p31 p32 p14 p23.
    return {
      gi: {
        p13,
        p31: p("p31", U32_MAX - p13),
        p32: p("p32", 0),
        p14: p("p14", 0),
        p23: p("p23", U32_MAX),
      },
    };
  }
  if (m.p === undefined) {
    throw new ArgumentError(`${argument}.p`, "the good → bad probability", undefined);
  }
  const pp = p("p", 0);
  return {
    ge: {
      p: pp,
      r: p("r", U32_MAX - pp),
      h: U32_MAX - p("badLoss", U32_MAX),
      k1: p("goodLoss", 0),
    },
  };
}

const NETEM: KindCodec = {
  keys: NETEM_KEYS,
  encode(spec, ctx) {
    const has = (k: string) => spec[k] !== undefined;
    const qopt: Record<string, unknown> = {
      latency: has("delay") ? ticks(parseTime(spec.delay, ctx.arg("delay")), ctx.arg("delay")) : 0,
      limit: has("limit") ? u32(spec.limit, ctx.arg("limit")) : 1000,
      lossProbability: pct(spec, "loss", ctx),
      gap: has("gap") ? u32(spec.gap, ctx.arg("gap")) : 0,
      duplicate: pct(spec, "duplicate", ctx),
      jitter: has("jitter")
        ? ticks(parseTime(spec.jitter, ctx.arg("jitter")), ctx.arg("jitter"))
        : 0,
    };
    if (has("jitter") && !has("delay")) {
      throw new ArgumentError(ctx.arg("delay"), "a delay (jitter varies it)", undefined);
    }
    for (
      const [k, base] of [
        ["delayCorrelation", "delay"],
        ["lossCorrelation", "loss"],
        ["duplicateCorrelation", "duplicate"],
        ["corruptCorrelation", "corrupt"],
        ["reorderCorrelation", "reorder"],
      ]
    ) {
      if (has(k!) && !has(base!)) {
        throw new ArgumentError(ctx.arg(base!), `the ${base} ${k} correlates`, undefined);
      }
    }
    if (has("loss") && has("lossModel")) {
      throw new ArgumentError(ctx.arg("lossModel"), "loss or lossModel, not both", spec.lossModel);
    }
    if (has("reorder")) {
      if (!qopt.latency) {
        throw new ArgumentError(
          ctx.arg("delay"),
          "a delay (reorder sends some packets without it)",
          undefined,
        );
      }
      if (!qopt.gap) qopt.gap = 1;
    } else if (qopt.gap) {
      throw new ArgumentError(ctx.arg("gap"), "no gap without reorder", spec.gap);
    }
    if (has("ecn") && spec.ecn !== false && !qopt.lossProbability && !has("lossModel")) {
      throw new ArgumentError(ctx.arg("ecn"), "a loss or lossModel to turn into marks", spec.ecn);
    }
    for (const k of ["packetOverhead", "cellSize", "cellOverhead"]) {
      if (has(k) && !has("rate")) {
        throw new ArgumentError(ctx.arg("rate"), `a rate (${k} adjusts it)`, undefined);
      }
    }
    // q_netem.c's order: the struct, CORR, REORDER, ECN, CORRUPT, SLOT, LOSS, RATE64, RATE.
    const out: Record<string, unknown> = qopt;
    if (has("delayCorrelation") || has("lossCorrelation") || has("duplicateCorrelation")) {
      out.corr = {
        delayCorr: pct(spec, "delayCorrelation", ctx),
        lossCorr: pct(spec, "lossCorrelation", ctx),
        dupCorr: pct(spec, "duplicateCorrelation", ctx),
      };
    }
    if (has("reorder")) {
      out.reorder = {
        probability: pct(spec, "reorder", ctx),
        correlation: pct(spec, "reorderCorrelation", ctx),
      };
    }
    if (has("ecn") && spec.ecn !== false) out.ecn = flag(spec.ecn, ctx.arg("ecn"));
    if (has("corrupt")) {
      out.corrupt = {
        probability: pct(spec, "corrupt", ctx),
        correlation: pct(spec, "corruptCorrelation", ctx),
      };
    }
    if (has("slot")) out.slot = netemSlot(spec.slot, ctx.arg("slot"));
    if (has("lossModel")) out.loss = lossModel(spec.lossModel, ctx.arg("lossModel"));
    if (has("rate")) {
      const rate = parseRate(spec.rate, ctx.arg("rate"));
      if (rate > U32_MAX) out.rate64 = BigInt(rate);
      out.rate = {
        rate: Math.min(rate, U32_MAX),
        packetOverhead: has("packetOverhead")
          ? int(spec.packetOverhead, ctx.arg("packetOverhead"), -0x80000000, 0x7fffffff)
          : 0,
        cellSize: has("cellSize") ? u32(spec.cellSize, ctx.arg("cellSize")) : 0,
        cellOverhead: has("cellOverhead")
          ? int(spec.cellOverhead, ctx.arg("cellOverhead"), -0x80000000, 0x7fffffff)
          : 0,
      };
    }
    return out;
  },
  decode(o) {
    const p = obj(o);
    const delay = p.latency64 !== undefined ? num(p.latency64) / 1000 : ticksToTime(num(p.latency));
    const jitter = p.jitter64 !== undefined ? num(p.jitter64) / 1000 : ticksToTime(num(p.jitter));
    const out: Record<string, unknown> = { limit: p.limit };
    if (delay) out.delay = Math.round(delay);
    if (jitter) out.jitter = Math.round(jitter);
    const corr = obj(p.corr);
    if (num(corr.delayCorr)) out.delayCorrelation = fraction(corr.delayCorr);
    if (num(p.lossProbability)) out.loss = fraction(p.lossProbability);
    if (num(corr.lossCorr)) out.lossCorrelation = fraction(corr.lossCorr);
    const loss = obj(p.loss);
    const gi = obj(loss.gi);
    const ge = obj(loss.ge);
    if (loss.gi) {
      out.lossModel = {
        model: "state",
        p13: fraction(gi.p13),
        p31: fraction(gi.p31),
        p32: fraction(gi.p32),
        p23: fraction(gi.p23),
        p14: fraction(gi.p14),
      };
    } else if (loss.ge) {
      out.lossModel = {
        model: "gemodel",
        p: fraction(ge.p),
        r: fraction(ge.r),
        badLoss: fraction(U32_MAX - num(ge.h)),
        goodLoss: fraction(ge.k1),
      };
    }
    if (num(p.ecn)) out.ecn = true;
    if (num(p.duplicate)) out.duplicate = fraction(p.duplicate);
    if (num(corr.dupCorr)) out.duplicateCorrelation = fraction(corr.dupCorr);
    const corrupt = obj(p.corrupt);
    if (num(corrupt.probability)) out.corrupt = fraction(corrupt.probability);
    if (num(corrupt.correlation)) out.corruptCorrelation = fraction(corrupt.correlation);
    const reorder = obj(p.reorder);
    if (num(reorder.probability)) {
      out.reorder = fraction(reorder.probability);
      out.gap = p.gap;
    }
    if (num(reorder.correlation)) out.reorderCorrelation = fraction(reorder.correlation);
    const rate = obj(p.rate);
    if (num(rate.rate)) {
      out.rate = p.rate64 !== undefined ? num(p.rate64) : rate.rate;
      if (num(rate.packetOverhead)) out.packetOverhead = rate.packetOverhead;
      if (num(rate.cellSize)) out.cellSize = rate.cellSize;
      if (num(rate.cellOverhead)) out.cellOverhead = rate.cellOverhead;
    }
    const slot = obj(p.slot);
    if (num(slot.minDelay) || num(slot.maxDelay)) {
      out.slot = {
        min: num(slot.minDelay) / 1000,
        max: num(slot.maxDelay) / 1000,
        packets: slot.maxPackets,
        bytes: slot.maxBytes,
      };
    }
    return out;
  },
};

/** µs → scheduler ticks for netem's u32 latency/jitter. */
function ticks(us: number, argument: string): number {
  const most = Math.floor(U32_MAX / tickInUsec());
  if (us > most) throw new ArgumentError(argument, `at most ${most} µs (u32 scheduler ticks)`, us);
  return timeToTicks(us);
}

function netemSlot(v: unknown, argument: string): Record<string, unknown> {
  const s = obj(v);
  if (v === null || typeof v !== "object" || s.min === undefined) {
    throw new ArgumentError(argument, "{ min, max?, packets?, bytes? }", v);
  }
  for (const k of Object.keys(s)) {
    if (!["min", "max", "packets", "bytes"].includes(k)) {
      throw new ArgumentError(`${argument}.${k}`, "one of min, max, packets, bytes", s[k]);
    }
  }
  const min = parseTime(s.min, `${argument}.min`);
  const max = s.max === undefined ? min : parseTime(s.max, `${argument}.max`);
  if (max < min) throw new ArgumentError(`${argument}.max`, `at least min (${min} µs)`, s.max);
  return {
    minDelay: BigInt(min) * 1000n,
    maxDelay: BigInt(max) * 1000n,
    maxPackets: s.packets === undefined ? 0 : int(s.packets, `${argument}.packets`, 0, 0x7fffffff),
    maxBytes: s.bytes === undefined ? 0 : int(s.bytes, `${argument}.bytes`, 0, 0x7fffffff),
  };
}

// -- cake -------------------------------------------------------------------------

const DIFFSERV: Record<CakeDiffserv, number> = {
  diffserv3: CAKE_DIFFSERV.DIFFSERV3,
  diffserv4: CAKE_DIFFSERV.DIFFSERV4,
  diffserv8: CAKE_DIFFSERV.DIFFSERV8,
  besteffort: CAKE_DIFFSERV.BESTEFFORT,
  precedence: CAKE_DIFFSERV.PRECEDENCE,
};
const FLOW_MODES: Record<CakeFlowMode, number> = {
  flowblind: CAKE_FLOW.NONE,
  srchost: CAKE_FLOW.SRC_IP,
  dsthost: CAKE_FLOW.DST_IP,
  hosts: CAKE_FLOW.HOSTS,
  flows: CAKE_FLOW.FLOWS,
  "dual-srchost": CAKE_FLOW.DUAL_SRC,
  "dual-dsthost": CAKE_FLOW.DUAL_DST,
  "triple-isolate": CAKE_FLOW.TRIPLE,
};
const ATM: Record<string, number> = {
  noatm: CAKE_ATM.NONE,
  atm: CAKE_ATM.ATM,
  ptm: CAKE_ATM.PTM,
};

function named<T extends string>(table: Record<T, number>, v: unknown, argument: string): number {
  if (typeof v === "string" && Object.hasOwn(table, v)) return table[v as T];
  throw new ArgumentError(argument, `one of ${Object.keys(table).join(", ")}`, v);
}
const nameOf = (table: Record<string, number>, v: unknown): string | undefined =>
  Object.keys(table).find((k) => table[k] === v);

const CAKE: KindCodec = {
  keys: [
    "bandwidth",
    "autorateIngress",
    "rtt",
    "diffserv",
    "flowMode",
    "atm",
    "overhead",
    "raw",
    "mpu",
    "memlimit",
    "fwmark",
    "nat",
    "wash",
    "splitGso",
    "ingress",
    "ackFilter",
  ],
  encode(spec, ctx) {
    const has = (k: string) => spec[k] !== undefined;
    let autorate: number | undefined;
    const out: Record<string, unknown> = {};
    // q_cake.c's order.
    if (has("bandwidth")) {
      out.baseRate64 = BigInt(
        spec.bandwidth === "unlimited" ? 0 : parseRate(spec.bandwidth, ctx.arg("bandwidth")),
      );
      autorate = 0;
    }
    if (has("autorateIngress")) {
      autorate = flag(spec.autorateIngress, ctx.arg("autorateIngress"));
    }
    if (has("diffserv")) out.diffservMode = named(DIFFSERV, spec.diffserv, ctx.arg("diffserv"));
    // `raw` is tc's "no overhead compensation": atm none (unless given), overhead 0, TCA_CAKE_RAW.
    const raw = has("raw") && bool(spec.raw, ctx.arg("raw"));
    if (raw && has("overhead")) {
      throw new ArgumentError(
        ctx.arg("overhead"),
        "no overhead with raw (raw sends 0)",
        spec.overhead,
      );
    }
    if (has("atm")) out.atm = named(ATM, spec.atm, ctx.arg("atm"));
    else if (raw) out.atm = CAKE_ATM.NONE;
    if (has("flowMode")) out.flowMode = named(FLOW_MODES, spec.flowMode, ctx.arg("flowMode"));
    if (has("overhead")) out.overhead = int(spec.overhead, ctx.arg("overhead"), -64, 256) >>> 0;
    if (raw) {
      out.overhead = 0;
      out.raw = 0;
    }
    if (has("mpu")) out.mpu = int(spec.mpu, ctx.arg("mpu"), 0, 256) || undefined;
    if (has("rtt")) {
      const rtt = parseTime(spec.rtt, ctx.arg("rtt"));
      if (rtt) {
        out.rtt = rtt;
        out.target = Math.max(1, Math.floor(rtt / 20));
      }
    }
    if (autorate !== undefined) out.autorate = autorate;
    if (has("memlimit")) out.memory = parseSize(spec.memlimit, ctx.arg("memlimit")) || undefined;
    if (has("fwmark")) out.fwmark = u32(spec.fwmark, ctx.arg("fwmark")) || undefined;
    if (has("nat")) out.nat = flag(spec.nat, ctx.arg("nat"));
    if (has("wash")) out.wash = flag(spec.wash, ctx.arg("wash"));
    if (has("splitGso")) out.splitGso = flag(spec.splitGso, ctx.arg("splitGso"));
    if (has("ingress")) out.ingress = flag(spec.ingress, ctx.arg("ingress"));
    if (has("ackFilter")) {
      const a = spec.ackFilter;
      out.ackFilter = a === false
        ? CAKE_ACK.NONE
        : a === true || a === "filter"
        ? CAKE_ACK.FILTER
        : a === "aggressive"
        ? CAKE_ACK.AGGRESSIVE
        : (() => {
          throw new ArgumentError(ctx.arg("ackFilter"), 'true, false, "filter" or "aggressive"', a);
        })();
    }
    return out;
  },
  decode(o) {
    const p = obj(o);
    const out: Record<string, unknown> = {};
    if (p.baseRate64 !== undefined) {
      out.bandwidth = num(p.baseRate64) || "unlimited";
    }
    if (p.autorate !== undefined) out.autorateIngress = p.autorate === 1;
    if (p.diffservMode !== undefined) out.diffserv = nameOf(DIFFSERV, p.diffservMode);
    if (p.flowMode !== undefined) out.flowMode = nameOf(FLOW_MODES, p.flowMode);
    if (p.atm !== undefined) out.atm = nameOf(ATM, p.atm);
    if (p.overhead !== undefined) out.overhead = num(p.overhead) | 0;
    if (p.raw !== undefined) out.raw = true;
    if (p.mpu !== undefined) out.mpu = p.mpu;
    if (p.rtt !== undefined) out.rtt = p.rtt;
    if (p.memory !== undefined) out.memlimit = p.memory;
    if (p.fwmark !== undefined) out.fwmark = p.fwmark;
    for (const k of ["nat", "wash", "splitGso", "ingress"]) {
      if (p[k] !== undefined) out[k] = p[k] !== 0;
    }
    if (p.ackFilter !== undefined) {
      out.ackFilter = p.ackFilter === CAKE_ACK.AGGRESSIVE ? "aggressive" : p.ackFilter !== 0;
    }
    return out;
  },
};

// -- hfsc -------------------------------------------------------------------------

const HFSC_QDISC: KindCodec = {
  keys: ["default"],
  encode: (spec, ctx) => ({
    defcls: spec.default === undefined ? 0 : minorId(spec.default, ctx.arg("default")),
  }),
  decode: (o) => ({ default: obj(o).defcls }),
};

const SC = TC_STRUCTS.tcServiceCurve;
const HFSC_ATTR = TC_ATTRS.tcHfscAttrs;

/** A curve → [m1, d, m2], converting tc's umax/dmax/rate form as q_hfsc.c does. */
function curve(v: unknown, argument: string): [number, number, number] {
  const c = obj(v);
  const keys = Object.keys(c);
  const mForm = keys.every((k) => ["m1", "d", "m2"].includes(k)) && c.m2 !== undefined;
  const uForm = keys.every((k) => ["umax", "dmax", "rate"].includes(k)) && c.rate !== undefined;
  if ((!mForm && !uForm) || v === null || typeof v !== "object") {
    throw new ArgumentError(argument, "{ m1?, d?, m2 } or { umax?, dmax?, rate }", v);
  }
  const r32 = (x: unknown, a: string) => rate32(x, `${argument}.${a}`);
  if (mForm) {
    const m1 = c.m1 === undefined ? 0 : r32(c.m1, "m1");
    const d = c.d === undefined ? 0 : parseTime(c.d, `${argument}.d`);
    if (m1 && !d) throw new ArgumentError(`${argument}.d`, "how long m1 lasts", undefined);
    return [m1, d, r32(c.m2, "m2")];
  }
  const rate = r32(c.rate, "rate");
  const umax = c.umax === undefined ? 0 : parseSize(c.umax, `${argument}.umax`);
  const dmax = c.dmax === undefined ? 0 : parseTime(c.dmax, `${argument}.dmax`);
  if ((umax === 0) !== (dmax === 0)) {
    throw new ArgumentError(
      `${argument}.${umax ? "dmax" : "umax"}`,
      "umax and dmax together",
      undefined,
    );
  }
  if (!umax) return [0, 0, rate];
  const m1 = Math.ceil(umax * 1e6 / dmax);
  // Concave (a burst above the rate), else convex (a delay at the rate).
  if (m1 > rate) return [m1, dmax, rate];
  return [0, Math.ceil(dmax - umax * 1e6 / rate), rate];
}

const HFSC_CLASS: KindCodec = {
  keys: ["sc", "rt", "ls", "ul"],
  rawOptions: true,
  encode(spec, ctx) {
    const rt = spec.rt ?? spec.sc;
    const ls = spec.ls ?? spec.sc;
    if (spec.sc !== undefined && (spec.rt !== undefined || spec.ls !== undefined)) {
      throw new ArgumentError(ctx.arg("sc"), "sc, or rt and ls, not both", spec.sc);
    }
    if (rt === undefined && ls === undefined && spec.ul === undefined) {
      throw new ArgumentError(ctx.arg("sc"), "a service curve (sc, rt, ls or ul)", undefined);
    }
    if (spec.ul !== undefined && ls === undefined) {
      throw new ArgumentError(ctx.arg("ls"), "a link-sharing curve (ul limits it)", undefined);
    }
    // q_hfsc.c's order: TCA_HFSC_RSC, FSC, USC; each a struct tc_service_curve.
    const curves: [number, unknown, string][] = [];
    if (rt !== undefined) curves.push([HFSC_ATTR.rsc, rt, spec.rt === undefined ? "sc" : "rt"]);
    if (ls !== undefined) curves.push([HFSC_ATTR.fsc, ls, spec.ls === undefined ? "sc" : "ls"]);
    if (spec.ul !== undefined) curves.push([HFSC_ATTR.usc, spec.ul, "ul"]);
    const len = 4 + SC.size;
    const b = new Uint8Array(curves.length * len);
    const dv = new DataView(b.buffer);
    curves.forEach(([type, c, key], i) => {
      const [m1, d, m2] = curve(c, ctx.arg(key));
      const o = i * len;
      dv.setUint16(o, len, true);
      dv.setUint16(o + 2, type, true);
      dv.setUint32(o + 4 + SC.at.m1, m1, true);
      dv.setUint32(o + 4 + SC.at.d, d, true);
      dv.setUint32(o + 4 + SC.at.m2, m2, true);
    });
    return b;
  },
  decode(o) {
    const out: Record<string, unknown> = {};
    if (!(o instanceof Uint8Array)) return out;
    const dv = new DataView(o.buffer, o.byteOffset, o.byteLength);
    const names: Record<number, string> = {
      [HFSC_ATTR.rsc]: "rt",
      [HFSC_ATTR.fsc]: "ls",
      [HFSC_ATTR.usc]: "ul",
    };
    for (let i = 0; i + 4 <= o.length;) {
      const len = dv.getUint16(i, true);
      if (len < 4 || i + len > o.length) break;
      const name = names[dv.getUint16(i + 2, true) & 0x3fff];
      if (name && len >= 4 + SC.size) {
        out[name] = {
          m1: dv.getUint32(i + 4 + SC.at.m1, true),
          d: dv.getUint32(i + 4 + SC.at.d, true),
          m2: dv.getUint32(i + 4 + SC.at.m2, true),
        };
      }
      i += (len + 3) & ~3;
    }
    return out;
  },
};

// -- mqprio -----------------------------------------------------------------------

/** The most traffic classes (TC_QOPT_MAX_QUEUE: prio_tc_map's and count's length). */
const MAX_TC = PRIOS;

const MQPRIO: KindCodec = {
  keys: ["numTc", "map", "queues", "hw"],
  encode(spec, ctx) {
    const numTc = spec.numTc === undefined ? 8 : int(spec.numTc, ctx.arg("numTc"), 1, MAX_TC);
    const map = spec.map === undefined
      ? [...MQPRIO_DEFAULT]
      : intList(spec.map, ctx.arg("map"), PRIOS, 0, numTc - 1);
    const count = new Uint8Array(2 * MAX_TC);
    const offset = new Uint8Array(2 * MAX_TC);
    const cv = new DataView(count.buffer);
    const ov = new DataView(offset.buffer);
    if (spec.queues !== undefined) {
      const q = spec.queues;
      if (!Array.isArray(q) || q.length > numTc) {
        throw new ArgumentError(ctx.arg("queues"), `at most numTc (${numTc}) queue ranges`, q);
      }
      q.forEach((r, i) => {
        const a = `${ctx.arg("queues")}[${i}]`;
        let c: unknown, off: unknown;
        const m = typeof r === "string" ? /^(\d+)@(\d+)$/.exec(r) : null;
        if (m) [c, off] = [Number(m[1]), Number(m[2])];
        else if (r !== null && typeof r === "object") [c, off] = [r.count, r.offset];
        else throw new ArgumentError(a, '"count@offset" or { count, offset }', r);
        cv.setUint16(2 * i, int(c, `${a}.count`, 1, 0xffff), true);
        ov.setUint16(2 * i, int(off, `${a}.offset`, 0, 0xffff), true);
      });
    }
    return {
      numTc,
      prioTcMap: Uint8Array.from({ length: PRIOS }, (_, i) => map[i] ?? 0),
      hw: spec.hw === undefined ? 1 : flag(spec.hw, ctx.arg("hw")),
      count,
      offset,
    };
  },
  decode(o) {
    const p = obj(o);
    const numTc = num(p.numTc);
    const u16s = (b: unknown) => {
      if (!(b instanceof Uint8Array)) return [];
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      return Array.from({ length: b.length >> 1 }, (_, i) => dv.getUint16(2 * i, true));
    };
    const count = u16s(p.count);
    const offset = u16s(p.offset);
    return {
      numTc,
      map: p.prioTcMap instanceof Uint8Array ? Array.from(p.prioTcMap) : [],
      queues: Array.from({ length: Math.min(numTc, count.length) }, (_, i) => ({
        count: count[i],
        offset: offset[i],
      })),
      hw: num(p.hw) !== 0,
    };
  },
};

/** The qdisc kinds of this module, merged into QDISC_KINDS. */
export const MORE_QDISC_KINDS: Record<string, KindCodec> = {
  pfifo: PFIFO,
  pfifo_head_drop: PFIFO,
  bfifo: BFIFO,
  pfifo_fast: PFIFO_FAST,
  prio: PRIO,
  sfq: SFQ,
  fq_codel: FQ_CODEL,
  fq: FQ,
  netem: NETEM,
  cake: CAKE,
  hfsc: HFSC_QDISC,
  mqprio: MQPRIO,
};

/** The class kinds of this module, merged into CLASS_KINDS. */
export const MORE_CLASS_KINDS: Record<string, KindCodec> = { hfsc: HFSC_CLASS };
