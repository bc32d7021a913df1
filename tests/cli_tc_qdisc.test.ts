/**
 * `nlroute tc qdisc|class` for the kinds pfifo, bfifo, pfifo_head_drop,
 * prio, sfq, fq_codel, fq, netem, cake, hfsc (qdisc and classes) and
 * mqprio, against tc 6.1:
 *
 * - Grammar: for each of tests/tc_kind_cases.ts's cases, the CLI reads tc's
 *   words into the request IPRoute builds from the case's spec, byte for
 *   byte (tests/tc_qdisc_kinds.test.ts checks that those bytes are the ones
 *   tc itself sends, read with strace).
 * - Printers: the message is written to a file and printed by
 *   `tc monitor file` (as it would print the kernel's dump: NLA_F_NESTED
 *   cleared, since the kernel's dumps carry none and tc 6.1's parser does
 *   not mask it) and by nlroute's printer: the same text, with and without
 *   `-d`. tc's JSON printers cannot be reached this way (tc monitor prints
 *   text only); the JSON keys are checked against tc's print_* calls.
 * - Live: what this kernel accepts (the fifos) is added by the CLI and shown
 *   by tc and by nlroute alike; what it refuses fails with the kernel's
 *   message and exit status 1.
 * - Bad input: one clear line, exit status 1, nothing sent.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { NetlinkSocket } from "../core/socket.ts";
import { buildQdiscRequest, buildTclassRequest } from "../iproute/tc/request.ts";
import { Qdisc, TrafficClass } from "../iproute/tc/tc.ts";
import { parseCommand } from "../cli/parse/command.ts";
import { printClass, printQdisc } from "../cli/format/tc.ts";
import { Names } from "../cli/format/ifnames.ts";
import { main } from "../cli/cli.ts";
import { CLASS_CASES, QDISC_CASES } from "./tc_kind_cases.ts";
import { createTestNetns, isRoot, removeTestNetns, testTmpDir } from "./helpers.ts";
import { lines, ok, streams } from "./cli_util.ts";

type Json = Record<string, unknown>;
const words = (s: string) => s.split(/\s+/).filter(Boolean);
const hasTc = spawnSync("tc", ["-V"]).status === 0;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

const qdiscBytes = (spec: Json) =>
  NetlinkSocket.compile([buildQdiscRequest("add", { index: 2, ...spec } as never)]);
const classBytes = (spec: Json) =>
  NetlinkSocket.compile([buildTclassRequest("add", { index: 2, ...spec } as never)]);

describe("nlroute tc: qdisc and class kinds read as tc reads them", () => {
  it("qdiscs: the CLI's request equals IPRoute's for the case's spec, byte for byte", () => {
    for (const [w, spec] of QDISC_CASES) {
      const inv = parseCommand(words(`tc qdisc add dev va root ${w}`), 0);
      assert.equal(inv.object, "qdisc");
      const ours = qdiscBytes({ ...inv.spec, index: 2 });
      assert.equal(hex(ours), hex(qdiscBytes({ parent: "root", ...spec })), `tc qdisc add … ${w}`);
    }
  });

  it("hfsc classes: the CLI's request equals IPRoute's, byte for byte", () => {
    for (const [w, spec] of CLASS_CASES) {
      const inv = parseCommand(words(`tc class add dev va parent 1: classid 1:1 ${w}`), 0);
      const ours = classBytes({ ...inv.spec, index: 2 });
      assert.equal(
        hex(ours),
        hex(classBytes({ parent: "1:", classid: "1:1", ...spec })),
        `tc class add … ${w}`,
      );
    }
  });

  it("reads tc's abbreviations, aliases and framing keywords", () => {
    const spec = (line: string) => parseCommand(words(`tc qdisc add dev va root ${line}`), 0).spec;
    assert.deepEqual(spec("netem lat 10ms 1ms drop 1%"), {
      index: "va",
      parent: "root",
      kind: "netem",
      delay: "10ms",
      jitter: "1ms",
      loss: "1%",
    });
    assert.equal(spec("netem loss random 2% 10%").lossCorrelation, "10%");
    const c = spec("cake ethernet ether-vlan lan diffserv");
    assert.equal(c.overhead, 42);
    assert.equal(c.mpu, 84);
    assert.equal(c.rtt, 1000);
    assert.equal(c.diffserv, "diffserv4");
    const d = spec("cake docsis");
    assert.deepEqual([d.atm, d.overhead, d.mpu], ["noatm", 18, 64]);
    const p = spec("cake pppoe-ptm conservative");
    assert.deepEqual([p.atm, p.overhead], ["atm", 48]);
    const cls =
      parseCommand(words("tc class add dev va parent 1: classid 1:2 hfsc s rate 1mbit"), 0)
        .spec;
    assert.deepEqual(cls.sc, { rate: "1mbit" });
  });
});

/** Clears NLA_F_NESTED at every level from `off` to `end` (the kernel's dumps have none). */
function stripNested(dv: DataView, off: number, end: number, depth = 0): void {
  while (off + 4 <= end) {
    const len = dv.getUint16(off, true);
    if (len < 4) return;
    const type = dv.getUint16(off + 2, true);
    dv.setUint16(off + 2, type & ~0x8000, true);
    if (type & 0x8000 && depth < 4) stripNested(dv, off + 4, off + len, depth + 1);
    off += (len + 3) & ~3;
  }
}

/** netem's TCA_OPTIONS: struct tc_netem_qopt (24 bytes), then attributes. */
const NETEM_QOPT = 24;

/** The RTM_NEW* message for `spec` as a dump would hold it, and nlroute's object for it. */
function message(spec: Json, cls: boolean): { bytes: Uint8Array; q: Qdisc | TrafficClass } {
  const b = cls
    ? classBytes({ index: 1, parent: "1:", classid: "1:1", ...spec })
    : qdiscBytes({ index: 1, ...spec });
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  dv.setUint16(6, 0, true);
  if (spec.kind === "netem") {
    for (let o = 16 + 20; o + 4 <= b.length;) {
      const len = dv.getUint16(o, true);
      if ((dv.getUint16(o + 2, true) & 0x3fff) === 2) stripNested(dv, o + 4 + NETEM_QOPT, o + len);
      o += (len + 3) & ~3;
    }
  }
  const type = dv.getUint16(4, true);
  const q = cls ? new TrafficClass(b, dv, 0, b.length, type) : new Qdisc(b, dv, 0, b.length, type);
  return { bytes: b, q };
}

describe("nlroute tc: qdisc and class printers against tc's (tc monitor file)", {
  skip: !hasTc && "needs tc (iproute2)",
}, () => {
  const names = new Names();
  names.set(1, "lo");
  const dir = testTmpDir();
  const all = [
    ...QDISC_CASES.map(([w, s]) => [w, s, false] as const),
    ...CLASS_CASES.map(([w, s]) => [w, s, true] as const),
  ];
  it("prints every case's text as tc does, with and without -d", () => {
    for (const [i, [w, spec, cls]] of all.entries()) {
      const { bytes, q } = message(spec, cls);
      const file = `${dir}/qdisc${i}.bin`;
      writeFileSync(file, bytes);
      for (const details of [false, true]) {
        const r = spawnSync("tc", [...(details ? ["-d"] : []), "monitor", "file", file], {
          encoding: "utf8",
        });
        assert.equal(r.status, 0, r.stderr);
        const show = { dev: false, stats: false, details };
        const ours = cls
          ? printClass(q as TrafficClass, names, show)
          : printQdisc(q as Qdisc, names, show);
        assert.deepEqual(lines(ours.text), lines(r.stdout), `${w}${details ? " (-d)" : ""}`);
      }
    }
  });

  it("uses tc's JSON keys (netem, fq_codel, fq, cake, mqprio)", () => {
    const json = (w: string) => {
      const spec = QDISC_CASES.find(([x]) => x === w)![1];
      return printQdisc(message(spec, false).q as Qdisc, names, {
        dev: true,
        stats: false,
        details: false,
      }).json.options as Json;
    };
    const n = json("netem delay 100ms 10ms 25%");
    assert.equal(n.limit, 1000);
    const delay = n.delay as Json;
    assert.equal(delay.delay, 0.1);
    assert.equal(delay.jitter, 0.01);
    assert.ok(Math.abs((delay.correlation as number) - 0.25) < 1e-9);
    assert.equal(n.ecn, false);
    assert.equal(n.gap, 0);
    const rate = json(
      "netem loss 0.3% 25% duplicate 1% corrupt 0.1% reorder 25% 50% gap 5 delay 10ms rate 1mbit 20 100 -4 limit 500 ecn",
    );
    assert.deepEqual(rate.rate, {
      rate: 125000,
      packetoverhead: 20,
      cellsize: 100,
      celloverhead: -4,
    });
    assert.deepEqual(Object.keys(rate), [
      "limit",
      "delay",
      "loss-random",
      "duplicate",
      "reorder",
      "corrupt",
      "rate",
      "ecn",
      "gap",
    ]);
    const fc = json(
      "fq_codel limit 1000 target 5ms interval 100ms ecn flows 1024 quantum 1514 ce_threshold 1ms memory_limit 32mb drop_batch 64",
    );
    assert.deepEqual(fc, {
      limit: 1000,
      flows: 1024,
      quantum: 1514,
      target: 5000,
      ce_threshold: 1000,
      interval: 100000,
      memory_limit: 33554432,
      ecn: true,
      drop_batch: 64,
    });
    assert.deepEqual(json("fq nopacing horizon_cap"), { pacing: false, horizon_cap: null });
    const cake = json(
      "cake bandwidth 100mbit rtt 50ms diffserv4 dual-srchost nat wash ack-filter split-gso overhead 18 mpu 64 ingress memlimit 32mb fwmark 0xff",
    );
    assert.equal(cake.bandwidth, 12500000);
    assert.equal(cake.flowmode, "dual-srchost");
    assert.equal(cake["ack-filter"], "enabled");
    assert.equal(cake.fwmark, "0xff");
    const mq = json("mqprio num_tc 2 map 0 0 1 1 queues 1@0 1@1 hw 0");
    assert.deepEqual(mq.queues, [[0, 0], [1, 1]]);
  });
});

describe("nlroute tc: qdisc kinds (live)", { skip: !isRoot && "needs root for namespaces" }, () => {
  it("adds what this kernel takes as tc does, and passes on its refusal of the rest", async () => {
    const ns = createTestNetns();
    try {
      const r = spawnSync("ip", ["-n", ns, "link", "add", "va", "type", "veth", "peer", "vb"]);
      assert.equal(r.status, 0, String(r.stderr));
      const tc = (args: string[]) =>
        spawnSync("ip", ["netns", "exec", ns, "tc", ...args], { encoding: "utf8" });
      let accepted = 0;
      for (const [w] of QDISC_CASES) {
        for (const dev of ["va", "vb"]) tc(["qdisc", "del", "dev", dev, "root"]);
        const probe = tc(["qdisc", "add", "dev", "vb", "root", "handle", "1:", ...words(w)]);
        const io = streams();
        const code = await main([
          "-n",
          ns,
          "tc",
          "qdisc",
          "replace",
          "dev",
          "va",
          "root",
          "handle",
          "1:",
          ...words(w),
        ], io);
        const ours = { status: code, stderr: io.err() };
        if (probe.status !== 0) {
          // Refused by the kernel: the CLI fails as tc does (its exit status), with the message.
          assert.equal(ours.status, probe.status, `${w}: ${ours.stderr}`);
          const why = /Error: (.*)\.$/m.exec(probe.stderr)?.[1];
          if (why) assert.ok(ours.stderr.includes(why), `${w}: ${ours.stderr} vs ${probe.stderr}`);
          assert.equal(ours.stderr.trim().split("\n").length, 1, `${w}: one line`);
          continue;
        }
        accepted++;
        assert.equal(ours.status, 0, `${w}: ${ours.stderr}`);
        const theirs = lines(tc(["qdisc", "show", "dev", "va"]).stdout);
        const same = lines(tc(["qdisc", "show", "dev", "vb"]).stdout);
        assert.deepEqual(theirs, same, `${w}: tc sees the same qdisc on both ends`);
        assert.deepEqual(lines(ok(ns, ["tc", "qdisc", "show", "dev", "va"])), theirs, w);
        assert.deepEqual(
          JSON.parse(ok(ns, ["-j", "tc", "qdisc", "show", "dev", "va"])),
          JSON.parse(tc(["-j", "qdisc", "show", "dev", "va"]).stdout),
          `${w} (-j)`,
        );
      }
      assert.ok(accepted > 0, "this kernel takes at least the fifos");
    } finally {
      removeTestNetns(ns);
    }
  });
});

describe("nlroute tc: bad qdisc and class options", () => {
  it("prints one line naming the problem and exits 1, before anything is sent", async () => {
    const cases: [string, RegExp][] = [
      ["tc qdisc add dev lo root netem distribution normal", /netem's "distribution"/],
      ["tc qdisc add dev lo root netem delay soon", /delay/],
      ["tc qdisc add dev lo root netem loss bursty 1%", /Unknown loss parameter "bursty"/],
      ["tc qdisc add dev lo root netem slot distribution pareto 1ms 1ms", /slot distribution/],
      ["tc qdisc add dev lo root cake overhead 300", /Illegal "overhead" "300"/],
      ["tc qdisc add dev lo root cake lan metro", /duplicate "metro"/],
      ["tc qdisc add dev lo root fq_codel limit many", /limit/],
      ["tc qdisc add dev lo root sfq redflowlimit 1000", /sfq's "redflowlimit"/],
      ["tc qdisc add dev lo root prio priomap", /"priomap" needs band numbers/],
      ["tc qdisc add dev lo root pfifo limit 10 burst 3", /Unknown argument "burst"/],
      ["tc qdisc add dev lo root mqprio queues 1", /"queues" needs count@offset/],
      ["tc qdisc add dev lo root hfsc default zz", /Illegal "default" "zz"/],
      ["tc class add dev lo parent 1: classid 1:1 hfsc", /at least one service curve/],
      ["tc class add dev lo parent 1: classid 1:1 hfsc rt m1 1mbit", /hfsc "rt" needs "m2"/],
      ["tc class add dev lo parent 1: classid 1:1 hfsc sc rate 10%", /percent/],
    ];
    for (const [line, re] of cases) {
      const io = streams();
      assert.equal(await main(words(line), io), 1, line);
      assert.match(io.err(), re, line);
      assert.equal(io.err().split("\n").length, 2, `${line}: one line`);
      assert.equal(io.out(), "", line);
    }
  });
});
