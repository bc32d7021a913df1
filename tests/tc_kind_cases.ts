/**
 * tc's words for the qdisc kinds pfifo … mqprio and hfsc classes, each with
 * the IPRoute spec that sends the same TCA_OPTIONS (tests/tc_qdisc_kinds
 * checks the bytes against tc's own requests; tests/cli_tc_qdisc checks that
 * the CLI reads the words into the same bytes).
 *
 * @module
 */
type Json = Record<string, unknown>;

/** [tc's words after `qdisc add dev va root` (or `class add … classid 1:1`), nlroute's spec]. */
export const QDISC_CASES: [string, Json][] = [
  ["pfifo", { kind: "pfifo" }],
  ["pfifo limit 10", { kind: "pfifo", limit: 10 }],
  ["pfifo_head_drop limit 5", { kind: "pfifo_head_drop", limit: 5 }],
  ["bfifo limit 10kb", { kind: "bfifo", limit: "10kb" }],
  ["prio", { kind: "prio" }],
  ["prio bands 4 priomap 1 2 3 0", { kind: "prio", bands: 4, priomap: [1, 2, 3, 0] }],
  ["sfq", { kind: "sfq" }],
  [
    "sfq perturb 10 quantum 1514 limit 100 divisor 1024 flows 64 depth 50 headdrop",
    {
      kind: "sfq",
      perturb: 10,
      quantum: 1514,
      limit: 100,
      divisor: 1024,
      flows: 64,
      depth: 50,
      headdrop: true,
    },
  ],
  ["fq_codel", { kind: "fq_codel" }],
  [
    "fq_codel limit 1000 target 5ms interval 100ms ecn flows 1024 quantum 1514 ce_threshold 1ms memory_limit 32mb drop_batch 64",
    {
      kind: "fq_codel",
      limit: 1000,
      target: "5ms",
      interval: "100ms",
      ecn: true,
      flows: 1024,
      quantum: 1514,
      ceThreshold: "1ms",
      memoryLimit: "32mb",
      dropBatch: 64,
    },
  ],
  ["fq_codel noecn", { kind: "fq_codel", ecn: false }],
  ["fq", { kind: "fq" }],
  [
    "fq limit 100 flow_limit 50 quantum 3028 initial_quantum 15140 maxrate 1gbit buckets 1024 orphan_mask 1023 refill_delay 40ms low_rate_threshold 550kbit ce_threshold 1ms timer_slack 10us horizon 10s horizon_drop pacing",
    {
      kind: "fq",
      limit: 100,
      flowLimit: 50,
      quantum: 3028,
      initialQuantum: 15140,
      maxrate: "1gbit",
      buckets: 1024,
      orphanMask: 1023,
      refillDelay: "40ms",
      lowRateThreshold: "550kbit",
      ceThreshold: "1ms",
      timerSlack: "10us",
      horizon: "10s",
      horizonDrop: true,
      pacing: true,
    },
  ],
  ["fq nopacing horizon_cap", { kind: "fq", pacing: false, horizonDrop: false }],
  ["cake", { kind: "cake" }],
  [
    "cake bandwidth 100mbit rtt 50ms diffserv4 dual-srchost nat wash ack-filter split-gso overhead 18 mpu 64 ingress memlimit 32mb fwmark 0xff",
    {
      kind: "cake",
      bandwidth: "100mbit",
      rtt: "50ms",
      diffserv: "diffserv4",
      flowMode: "dual-srchost",
      nat: true,
      wash: true,
      ackFilter: true,
      splitGso: true,
      overhead: 18,
      mpu: 64,
      ingress: true,
      memlimit: "32mb",
      fwmark: 0xff,
    },
  ],
  [
    "cake unlimited besteffort flowblind nonat nowash no-ack-filter no-split-gso egress atm overhead -4",
    {
      kind: "cake",
      bandwidth: "unlimited",
      diffserv: "besteffort",
      flowMode: "flowblind",
      nat: false,
      wash: false,
      ackFilter: false,
      splitGso: false,
      ingress: false,
      atm: "atm",
      overhead: -4,
    },
  ],
  [
    "cake autorate-ingress ack-filter-aggressive ptm",
    { kind: "cake", autorateIngress: true, ackFilter: "aggressive", atm: "ptm" },
  ],
  ["cake diffserv3", { kind: "cake", diffserv: "diffserv3" }],
  ["cake raw", { kind: "cake", raw: true }],
  ["hfsc", { kind: "hfsc" }],
  ["hfsc default 10", { kind: "hfsc", default: "10" }],
  ["mqprio", { kind: "mqprio" }],
  [
    "mqprio num_tc 2 map 0 0 1 1 queues 1@0 1@1 hw 0",
    {
      kind: "mqprio",
      numTc: 2,
      map: [0, 0, 1, 1],
      queues: ["1@0", { count: 1, offset: 1 }],
      hw: false,
    },
  ],
  ["netem delay 100ms", { kind: "netem", delay: "100ms" }],
  [
    "netem delay 100ms 10ms 25%",
    { kind: "netem", delay: "100ms", jitter: "10ms", delayCorrelation: "25%" },
  ],
  [
    "netem loss 0.3% 25% duplicate 1% corrupt 0.1% reorder 25% 50% gap 5 delay 10ms rate 1mbit 20 100 -4 limit 500 ecn",
    {
      kind: "netem",
      loss: "0.3%",
      lossCorrelation: "25%",
      duplicate: "1%",
      corrupt: "0.1%",
      reorder: "25%",
      reorderCorrelation: "50%",
      gap: 5,
      delay: "10ms",
      rate: "1mbit",
      packetOverhead: 20,
      cellSize: 100,
      cellOverhead: -4,
      limit: 500,
      ecn: true,
    },
  ],
  ["netem delay 1ms reorder 10%", { kind: "netem", delay: "1ms", reorder: "10%" }],
  [
    "netem slot 800us 1ms packets 10 bytes 1000",
    { kind: "netem", slot: { min: "800us", max: "1ms", packets: 10, bytes: 1000 } },
  ],
  ["netem loss state 1% 2%", {
    kind: "netem",
    lossModel: { model: "state", p13: "1%", p31: "2%" },
  }],
  [
    "netem loss state 1% 2% 3% 4% 5%",
    {
      kind: "netem",
      lossModel: { model: "state", p13: "1%", p31: "2%", p32: "3%", p23: "4%", p14: "5%" },
    },
  ],
  ["netem loss gemodel 1%", { kind: "netem", lossModel: { model: "gemodel", p: "1%" } }],
  [
    "netem loss gemodel 1% 10% 70% 0.1%",
    {
      kind: "netem",
      lossModel: { model: "gemodel", p: "1%", r: "10%", badLoss: "70%", goodLoss: "0.1%" },
    },
  ],
  ["netem rate 40gbit", { kind: "netem", rate: "40gbit" }],
];

export const CLASS_CASES: [string, Json][] = [
  ["hfsc sc rate 1mbit", { kind: "hfsc", sc: { rate: "1mbit" } }],
  [
    "hfsc rt m1 2mbit d 10ms m2 1mbit ls rate 3mbit ul rate 5mbit",
    {
      kind: "hfsc",
      rt: { m1: "2mbit", d: "10ms", m2: "1mbit" },
      ls: { rate: "3mbit" },
      ul: { rate: "5mbit" },
    },
  ],
  ["hfsc rt umax 1500 dmax 10ms rate 1mbit", {
    kind: "hfsc",
    rt: { umax: 1500, dmax: "10ms", rate: "1mbit" },
  }],
  ["hfsc ls umax 1500 dmax 20ms rate 1mbit", {
    kind: "hfsc",
    ls: { umax: 1500, dmax: "20ms", rate: "1mbit" },
  }],
  ["hfsc ls m2 10gbit", { kind: "hfsc", ls: { m2: "10gbit" } }],
];
