/**
 * The qdisc kinds pfifo/bfifo/pfifo_head_drop, prio, sfq, fq_codel, fq,
 * netem, cake, hfsc (qdisc and classes) and mqprio.
 *
 * - Oracle for the bytes: tc itself. For each case, tc(8) runs under strace
 *   in a throwaway namespace (the kernel may refuse the kind: the request is
 *   sent either way) and the payload of the TCA_OPTIONS it sends is compared
 *   with nlroute's for the same parameters, byte for byte (up to NLA_ALIGN
 *   padding, which tc leaves out of nla_len for hfsc and mqprio).
 * - Golden bytes for netem checked by hand against struct tc_netem_qopt.
 * - Round trip: request → the generated tables' decoding → the kind's decoder
 *   gives back the options.
 * - Live: each kind is added by nlroute in a throwaway namespace; the ones this
 *   kernel accepts are read back with nlroute and `tc -j qdisc show`, the ones
 *   it refuses are skipped with the kernel's reason.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { ArgumentError, NetlinkError } from "../mod.ts";
import { NetlinkSocket } from "../core/socket.ts";
import { SETS } from "../iproute/registry.ts";
import { buildQdiscRequest, buildTclassRequest } from "../iproute/tc/request.ts";
import { QDISC_KINDS } from "../iproute/tc/qdiscs.ts";
import { CLASS_KINDS } from "../iproute/tc/classes.ts";
import { timeToTicks } from "../iproute/tc/units.ts";
import { createTestNetns, isRoot, removeTestNetns, skipReason } from "./helpers.ts";
import { decodeRequest, withIPRoute } from "./iproute_util.ts";
import { CLASS_CASES, QDISC_CASES } from "./tc_kind_cases.ts";

type Json = Record<string, unknown>;
const TCMSG = 20;

const qdiscReq = (spec: Json) => buildQdiscRequest("add", { index: 2, ...spec });
const classReq = (spec: Json) =>
  buildTclassRequest("add", { index: 2, parent: "1:", classid: "1:1", ...spec });

/** TCA_OPTIONS' payload in a compiled request, or undefined when it has none. */
function optionsPayload(req: ReturnType<typeof qdiscReq>): Uint8Array | undefined {
  const b = NetlinkSocket.compile([req]);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let o = 16 + TCMSG; o < b.length;) {
    const len = dv.getUint16(o, true);
    if ((dv.getUint16(o + 2, true) & 0x3fff) === 2) return b.slice(o + 4, o + len);
    o += (len + 3) & ~3;
  }
  return undefined;
}

const hex = (b: Uint8Array | undefined) =>
  b === undefined ? "(none)" : Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
/** Zero-padded to NLA_ALIGN, as the attribute sits in the message. */
function padded(b: Uint8Array | undefined): Uint8Array | undefined {
  if (b === undefined) return b;
  const out = new Uint8Array((b.length + 3) & ~3);
  out.set(b);
  return out;
}

/** strace's -xx rendering of the TCA_OPTIONS tc sent in its RTM_NEW* request. */
function tcOptions(trace: string, type: string): Uint8Array | undefined | null {
  const line = trace.split("\n").find((l) => l.includes(`nlmsg_type=${type}`));
  if (!line) return null;
  const m = /\{nla_len=(\d+), nla_type=TCA_OPTIONS\}(?:, "((?:\\x[0-9a-f]{2})*)")?/.exec(line);
  if (!m) return undefined;
  const bytes = (m[2] ?? "").split("\\x").filter(Boolean).map((h) => parseInt(h, 16));
  assert.equal(bytes.length, Number(m[1]) - 4, "strace printed the whole payload");
  return Uint8Array.from(bytes);
}

const hasStrace = spawnSync("strace", ["-V"]).status === 0;
const straceSkip = !isRoot
  ? skipReason("needs root for namespaces")
  : !hasStrace
  ? skipReason("strace is missing (scripts/tools.sh installs it): tc's own bytes cannot be read")
  : false;

/** Runs each `tc` command under strace in one throwaway namespace; returns the traces. */
function traceTc(commands: string[][]): string[] {
  const ns = createTestNetns();
  try {
    const r = spawnSync("ip", [
      "-n",
      ns,
      "link",
      "add",
      "va",
      "type",
      "veth",
      "peer",
      "name",
      "vb",
    ]);
    assert.equal(r.status, 0, String(r.stderr));
    return commands.map((args) => {
      const t = spawnSync("ip", [
        "netns",
        "exec",
        ns,
        "strace",
        "-e",
        "trace=sendmsg",
        "-xx",
        "-s",
        "65535",
        "tc",
        ...args,
      ], { encoding: "utf8" });
      return t.stderr;
    });
  } finally {
    removeTestNetns(ns);
  }
}

describe("tc qdisc kinds: the bytes tc sends", { skip: straceSkip }, () => {
  it("qdiscs: nlroute's TCA_OPTIONS equal tc's for the same parameters", () => {
    const traces = traceTc(
      QDISC_CASES.map(([w]) => ["qdisc", "add", "dev", "va", "root", ...w.split(" ")]),
    );
    QDISC_CASES.forEach(([words, spec], i) => {
      const theirs = tcOptions(traces[i]!, "RTM_NEWQDISC");
      assert.notEqual(theirs, null, `tc sent no request for "${words}": ${traces[i]}`);
      const ours = optionsPayload(qdiscReq(spec));
      assert.equal(hex(padded(ours)), hex(padded(theirs ?? undefined)), `tc qdisc add … ${words}`);
    });
  });

  it("hfsc classes: nlroute's TCA_OPTIONS equal tc's", () => {
    const traces = traceTc(
      CLASS_CASES.map((
        [w],
      ) => ["class", "add", "dev", "va", "parent", "1:", "classid", "1:1", ...w.split(" ")]),
    );
    CLASS_CASES.forEach(([words, spec], i) => {
      const theirs = tcOptions(traces[i]!, "RTM_NEWTCLASS");
      assert.notEqual(theirs, null, `tc sent no request for "${words}": ${traces[i]}`);
      assert.equal(
        hex(optionsPayload(classReq(spec))),
        hex(theirs ?? undefined),
        `tc class add … ${words}`,
      );
    });
  });
});

describe("tc qdisc kinds: golden bytes and round trips", () => {
  it("netem: struct tc_netem_qopt then the attributes, by hand", () => {
    const b = optionsPayload(qdiscReq({
      kind: "netem",
      delay: "100ms",
      jitter: "10ms",
      loss: "1%",
      duplicate: 0.5,
      limit: 2000,
    }))!;
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    // struct tc_netem_qopt (pkt_sched.h): latency, limit, loss, gap, duplicate, jitter; u32 each.
    assert.equal(b.length, 24, "the struct alone: no correlation, reorder or rate given");
    assert.equal(dv.getUint32(0, true), timeToTicks(100_000)); // latency in ticks
    assert.equal(dv.getUint32(4, true), 2000);
    assert.equal(dv.getUint32(8, true), 42949673); // rint(0.01 × 0xffffffff)
    assert.equal(dv.getUint32(12, true), 0);
    assert.equal(dv.getUint32(16, true), 2147483648); // 0.5 × 0xffffffff, rounded to even
    assert.equal(dv.getUint32(20, true), timeToTicks(10_000));

    const r = optionsPayload(
      qdiscReq({ kind: "netem", delay: 1000, reorder: "25%", reorderCorrelation: "50%" }),
    )!;
    const rv = new DataView(r.buffer, r.byteOffset, r.byteLength);
    assert.equal(rv.getUint32(12, true), 1, "gap 1 with reorder, as tc");
    // TCA_NETEM_REORDER (3): struct tc_netem_reorder { probability, correlation }.
    assert.deepEqual([rv.getUint16(24, true), rv.getUint16(26, true)], [12, 3]);
    assert.deepEqual([rv.getUint32(28, true), rv.getUint32(32, true)], [0x40000000, 0x80000000]);
  });

  it("options decode back through the tables and the kind's decoder", () => {
    const back = (spec: Json) => {
      const d = decodeRequest(qdiscReq(spec), TCMSG, SETS.tc);
      return QDISC_KINDS[spec.kind as string]!.decode(d.attrs.options);
    };
    assert.deepEqual(back({ kind: "pfifo", limit: 10 }), { limit: 10 });
    assert.deepEqual(back({ kind: "bfifo", limit: "10kb" }), { limit: 10240 });
    assert.deepEqual(back({ kind: "prio", bands: 4, priomap: [1, 2, 3, 0] }), {
      bands: 4,
      priomap: [1, 2, 3, 0, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1],
    });
    assert.deepEqual(back({ kind: "sfq", perturb: 10, limit: 100, headdrop: true }), {
      quantum: 0,
      perturb: 10,
      limit: 100,
      divisor: 0,
      flows: 0,
      depth: 0,
      headdrop: true,
    });
    assert.deepEqual(back({ kind: "fq_codel", limit: 1000, target: "5ms", ecn: false }), {
      limit: 1000,
      flows: undefined,
      quantum: undefined,
      target: 5000,
      interval: undefined,
      ecn: false,
    });
    assert.deepEqual(back({ kind: "fq", buckets: 1024, maxrate: "1gbit", timerSlack: "10us" }), {
      buckets: 1024,
      maxrate: 125_000_000,
      timerSlack: 10,
    });
    const netem = {
      kind: "netem",
      delay: 100_000,
      jitter: 10_000,
      loss: 0.01,
      lossCorrelation: 0.25,
      duplicate: 0.5,
      reorder: 0.25,
      gap: 5,
      rate: 125_000,
      packetOverhead: -4,
      limit: 500,
    };
    const n = back(netem);
    assert.equal(n.delay, 100_000);
    assert.equal(n.jitter, 10_000);
    for (const k of ["loss", "lossCorrelation", "duplicate", "reorder"] as const) {
      assert.ok(Math.abs((n[k] as number) - netem[k]) < 1e-9, k);
    }
    assert.deepEqual([n.gap, n.rate, n.packetOverhead, n.limit], [5, 125_000, -4, 500]);
    assert.deepEqual(
      back({
        kind: "cake",
        bandwidth: "100mbit",
        diffserv: "diffserv8",
        flowMode: "hosts",
        ackFilter: "aggressive",
        overhead: -4,
      }),
      {
        bandwidth: 12_500_000,
        autorateIngress: false,
        diffserv: "diffserv8",
        flowMode: "hosts",
        overhead: -4,
        ackFilter: "aggressive",
      },
    );
    assert.deepEqual(back({ kind: "hfsc", default: "10" }), { default: 0x10 });
    assert.deepEqual(back({ kind: "mqprio", numTc: 2, map: [0, 1], queues: ["2@0", "2@2"] }), {
      numTc: 2,
      map: [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      queues: [{ count: 2, offset: 0 }, { count: 2, offset: 2 }],
      hw: true,
    });
    // hfsc classes decode from the payload (the tables' hfsc format is the qdisc's).
    const c = optionsPayload(
      classReq({ kind: "hfsc", rt: { umax: 1500, dmax: "10ms", rate: "1mbit" }, ls: { m2: 1000 } }),
    );
    assert.deepEqual(CLASS_KINDS.hfsc!.decode(c), {
      rt: { m1: 150_000, d: 10_000, m2: 125_000 },
      ls: { m1: 0, d: 0, m2: 1000 },
    });
  });

  it("bad options are refused naming the argument, before anything is sent", () => {
    const refuses = (fn: () => unknown, argument: string) =>
      assert.throws(fn, (e: unknown) => {
        assert.ok(e instanceof ArgumentError, String(e));
        assert.equal((e as ArgumentError).argument, argument, (e as Error).message);
        return true;
      });
    refuses(() => qdiscReq({ kind: "prio", bands: 1 }), "bands");
    refuses(() => qdiscReq({ kind: "prio", bands: 2 }), "priomap"); // the default map uses band 2
    refuses(() => qdiscReq({ kind: "prio", priomap: [0, 5] }), "priomap[1]");
    refuses(() => qdiscReq({ kind: "sfq", limit: 1 }), "limit");
    refuses(() => qdiscReq({ kind: "sfq", divisor: 1000 }), "divisor");
    refuses(() => qdiscReq({ kind: "fq_codel", target: "5 parsecs" }), "target");
    refuses(() => qdiscReq({ kind: "fq", maxrate: "50gbit" }), "maxrate");
    refuses(() => qdiscReq({ kind: "netem", jitter: "10ms" }), "delay");
    refuses(() => qdiscReq({ kind: "netem", reorder: "10%" }), "delay");
    refuses(() => qdiscReq({ kind: "netem", delay: "1ms", gap: 5 }), "gap");
    refuses(() => qdiscReq({ kind: "netem", loss: "101%" }), "loss");
    refuses(() => qdiscReq({ kind: "netem", ecn: true }), "ecn");
    refuses(() => qdiscReq({ kind: "netem", lossModel: { model: "bursty" } }), "lossModel");
    refuses(() => qdiscReq({ kind: "netem", lossModel: { model: "state" } }), "lossModel.p13");
    refuses(() => qdiscReq({ kind: "netem", slot: { min: "2ms", max: "1ms" } }), "slot.max");
    refuses(() => qdiscReq({ kind: "netem", delay: "300s" }), "delay");
    refuses(() => qdiscReq({ kind: "cake", diffserv: "diffserv5" }), "diffserv");
    refuses(() => qdiscReq({ kind: "cake", overhead: 300 }), "overhead");
    refuses(() => qdiscReq({ kind: "cake", raw: true, overhead: 18 }), "overhead");
    refuses(() => qdiscReq({ kind: "mqprio", numTc: 2, map: [0, 2] }), "map[1]");
    refuses(() => qdiscReq({ kind: "mqprio", queues: ["1-0"] }), "queues[0]");
    refuses(() => qdiscReq({ kind: "fq_codel", tagret: "5ms" }), "tagret");
    refuses(() => classReq({ kind: "hfsc" }), "sc");
    refuses(() => classReq({ kind: "hfsc", ul: { rate: "1mbit" } }), "ls");
    refuses(() => classReq({ kind: "hfsc", rt: { m1: "2mbit", m2: "1mbit" } }), "rt.d");
    refuses(() => classReq({ kind: "hfsc", sc: { rate: "1mbit" }, rt: { rate: "1mbit" } }), "sc");
    refuses(() => classReq({ kind: "hfsc", rt: { umax: 1500, rate: "1mbit" } }), "rt.dmax");
  });
});

/** Live: [spec, what `tc -j qdisc show` prints for it (the fields compared)]. */
const LIVE: [Json, Json][] = [
  [{ kind: "pfifo", limit: 10 }, { kind: "pfifo", options: { limit: 10 } }],
  [{ kind: "pfifo_head_drop", limit: 7 }, { kind: "pfifo_head_drop", options: { limit: 7 } }],
  [{ kind: "bfifo", limit: "10kb" }, { kind: "bfifo", options: { limit: 10240 } }],
  [{ kind: "prio", bands: 4 }, { kind: "prio", options: { bands: 4 } }],
  [{ kind: "sfq", limit: 100 }, { kind: "sfq", options: { limit: 100 } }],
  [{ kind: "fq_codel", limit: 1000 }, { kind: "fq_codel", options: { limit: 1000 } }],
  [{ kind: "fq", limit: 100 }, { kind: "fq", options: { limit: 100 } }],
  [{ kind: "netem", delay: "10ms", limit: 500 }, { kind: "netem", options: { limit: 500 } }],
  [{ kind: "cake", bandwidth: "10mbit" }, { kind: "cake", options: { bandwidth: 1_250_000 } }],
  [{ kind: "hfsc", default: "10" }, { kind: "hfsc", options: { default: "0x10" } }],
  [{ kind: "mqprio", numTc: 1, map: [0], queues: ["1@0"], hw: false }, {
    kind: "mqprio",
    options: { num_tc: 1 },
  }],
];

/**
 * Which kinds this kernel refuses: `tc qdisc replace dev va root KIND` in one
 * throwaway namespace (veth with 2 transmit queues, for mqprio); the reason,
 * or false when it takes the kind.
 */
function probeKinds(kinds: string[]): Map<string, string | false> {
  const out = new Map<string, string | false>();
  if (!isRoot) return out;
  const ns = createTestNetns();
  try {
    spawnSync("ip", [
      "-n",
      ns,
      "link",
      "add",
      "va",
      "numtxqueues",
      "2",
      "type",
      "veth",
      "peer",
      "name",
      "vb",
    ]);
    for (const kind of kinds) {
      const words = kind === "mqprio"
        ? ["mqprio", "num_tc", "1", "map", "0", "queues", "1@0", "hw", "0"]
        : [kind];
      const r = spawnSync("tc", ["-n", ns, "qdisc", "replace", "dev", "va", "root", ...words], {
        encoding: "utf8",
      });
      out.set(
        kind,
        r.status === 0
          ? false
          : `this kernel has no ${kind} qdisc (tc: ${r.stderr.trim().split("\n")[0]})`,
      );
      spawnSync("tc", ["-n", ns, "qdisc", "del", "dev", "va", "root"]);
    }
  } finally {
    removeTestNetns(ns);
  }
  return out;
}

describe("tc qdisc kinds: live, against tc -j", () => {
  const refused = probeKinds(LIVE.map(([s]) => s.kind as string));
  for (const [spec, shown] of LIVE) {
    const why = !isRoot ? "needs root for namespaces" : refused.get(spec.kind as string) ?? false;
    it(`${spec.kind}: added by nlroute, read back by nlroute and by tc -j`, {
      skip: skipReason(why),
    }, async () => {
      await withIPRoute(async (ipr, ns) => {
        await ipr.link("add", {
          ifname: "va",
          kind: "veth",
          peer: { ifname: "vb" },
          numTxQueues: 2,
        });
        await ipr.link("set", { index: "va", state: "up" });
        await ipr.qdisc("add", { index: "va", ...spec } as never);
        const [q] = (await ipr.getQdiscs({ index: "va" })).filter((x) => x.parent === "root");
        assert.equal(q?.kind, spec.kind);
        const { kind: _k, ...given } = spec;
        const options = q!.options!;
        for (const [k, v] of Object.entries(given)) {
          if (typeof v === "string" || k === "queues") continue; // tc's notation: compared through tc -j below
          assert.deepEqual(options[k], v, `${spec.kind} ${k}`);
        }
        const out = spawnSync("tc", ["-n", ns, "-j", "qdisc", "show", "dev", "va", "root"], {
          encoding: "utf8",
        });
        const [theirs] = JSON.parse(out.stdout) as Json[];
        assert.equal(theirs?.kind, shown.kind);
        for (const [k, v] of Object.entries(shown.options as Json)) {
          assert.deepEqual((theirs!.options as Json)[k], v, `tc -j: ${spec.kind} ${k}`);
        }
      });
    });
  }

  it("a kind the kernel refuses gives a NetlinkError and leaves the default root", {
    skip: skipReason(
      !isRoot
        ? "needs root for namespaces"
        : [...refused.values()].every((r) => r === false) && "this kernel takes every kind probed",
    ),
  }, () =>
    withIPRoute(async (ipr) => {
      const kind = [...refused].find(([, r]) => r !== false)![0];
      await ipr.link("add", { ifname: "va", kind: "veth", peer: { ifname: "vb" } });
      await assert.rejects(ipr.qdisc("add", { index: "va", kind } as never), (e: unknown) => {
        assert.ok(e instanceof NetlinkError, String(e));
        return true;
      });
      const roots = (await ipr.getQdiscs({ index: "va" })).filter((x) => x.parent === "root");
      assert.ok(roots.every((q) => q.kind !== kind));
    }));
});
