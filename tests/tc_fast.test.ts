/**
 * The kinds' fast option readers (htb classes, u32 filters: `decodeFast`)
 * against the general way (the generated tables' decoder, then the codec's
 * `decode`), on messages the kernel dumped in a throwaway namespace (made by
 * tc: 32- and 64-bit rates, overhead, mpu, prio, quantum; u32 matches, hash
 * tables, links with a hashkey, marks, skip_hw, and an indev and an action
 * the fast reader leaves to the general way), then on those messages
 * mutated byte by byte and truncated: never an exception from the fast
 * reader, and the same options (or the same error) from `options` as from
 * `optionsByTable()`.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { Writer } from "../core/codec.ts";
import { decodeAttrs } from "../core/decode.ts";
import { encodeAttrs } from "../core/encode.ts";
import { IPRoute } from "../iproute/iproute.ts";
import { SETS } from "../iproute/registry.ts";
import { CLASS_KINDS } from "../iproute/tc/classes.ts";
import { FILTER_KINDS } from "../iproute/tc/filters.ts";
import { type KindCodec, kindContext } from "../iproute/tc/kind.ts";
import { Filter, type TcMessage, TrafficClass } from "../iproute/tc/tc.ts";
import { hex16 } from "../iproute/tc/units.ts";
import { isRoot, skipReason, withTestNetns } from "./helpers.ts";

const SKIP = skipReason(!isRoot && "needs root for namespaces");

const TCA_KIND = 1; // pkt_sched.h / rtnetlink.h, written out for this check
const TCA_OPTIONS = 2;
const TCMSG_SIZE = 20;

/** The payload span of the first top-level attribute `type` of a tc message (-1 when absent). */
function span(b: Uint8Array, type: number): [number, number] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let off = 16 + TCMSG_SIZE;
  const end = Math.min(b.length, dv.getUint32(0, true));
  while (off + 4 <= end) {
    const len = dv.getUint16(off, true);
    if (len < 4 || off + len > end) break; // as the message's own walk refuses it
    if ((dv.getUint16(off + 2, true) & 0x3fff) === type) return [off + 4, off + len];
    off += (len + 3) & ~3;
  }
  return [-1, -1];
}

/** The tables' format of a kind's TCA_OPTIONS (tc.yaml's sub-message). */
function optionsSet(kind: string) {
  const def = SETS.tc.byType[TCA_OPTIONS]!;
  assert.equal(def.sub?.headers?.get(kind), undefined, `${kind}: no fixed header`);
  return def.sub!.formats.get(kind)!;
}

/** What a call gives: its value, or its error's class and message. */
function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).constructor.name, message: (e as Error).message };
  }
}

type Make = (b: Uint8Array) => TcMessage;
const asClass: Make = (b) =>
  new TrafficClass(b, new DataView(b.buffer, b.byteOffset, b.byteLength), 0, b.length, 40);
const asFilter: Make = (b) =>
  new Filter(b, new DataView(b.buffer, b.byteOffset, b.byteLength), 0, b.length, 44);

/**
 * Checks one message's bytes: the codec's fast reader never throws, and when
 * it answers, the tables' decoding gives the same; `options` and
 * `optionsByTable()` agree (value or error). Returns whether the fast reader answered.
 */
function check(b: Uint8Array, make: Make, codec: KindCodec, kind: string): boolean {
  const [s, e] = span(b, TCA_OPTIONS);
  let fast: Record<string, unknown> | undefined;
  if (s >= 0) {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    fast = codec.decodeFast!(b, dv, s, e); // must not throw
    if (fast) {
      assert.deepStrictEqual(fast, codec.decode(decodeAttrs(optionsSet(kind), b, s, e, 1)));
    }
  }
  let m: TcMessage | undefined;
  try {
    m = make(b);
  } catch {
    return false; // shorter than tcmsg: no message to read
  }
  const a = outcome(() => m.options);
  const g = outcome(() => make(b).optionsByTable());
  assert.deepStrictEqual(a, g);
  // The same key order too (what toJSON prints).
  if ("value" in (a as object)) assert.equal(JSON.stringify(a), JSON.stringify(g));
  return fast !== undefined;
}

/** Mutations of a message: each byte from its options' header on set to 0, 0xff and flipped; truncations of the options. */
function* mutations(b: Uint8Array): Generator<Uint8Array> {
  const [s, e] = span(b, TCA_OPTIONS);
  if (s < 0) return;
  for (let i = s - 4; i < e; i++) {
    for (const v of [0, 0xff, b[i]! ^ 0x01, b[i]! ^ 0x80]) {
      const c = b.slice();
      c[i] = v;
      yield c;
    }
  }
  // The options attribute (and the message) cut short, at every length.
  for (let cut = s - 4; cut < e; cut++) {
    const c = b.slice(0, cut);
    const dv = new DataView(c.buffer);
    dv.setUint32(0, cut, true);
    if (cut >= s) dv.setUint16(s - 4, cut - (s - 4), true);
    yield c;
  }
}

/** `tc -n ns -batch -` with `lines`; false when tc refuses (the kind or option is missing). */
function tcBatch(ns: string, lines: string[]): boolean {
  const r = spawnSync("tc", ["-n", ns, "-batch", "-"], {
    input: lines.join("\n") + "\n",
    encoding: "utf8",
  });
  return r.status === 0;
}

const CLASSES = [
  "class add dev v0 parent 1: classid 1:1 htb rate 1mbit ceil 2mbit",
  "class add dev v0 parent 1:1 classid 1:2 htb rate 10gbit ceil 20gbit",
  "class add dev v0 parent 1:1 classid 1:3 htb rate 100kbit ceil 1mbit burst 10k cburst 4k prio 3 quantum 2000 overhead 24 mpu 64",
  "class add dev v0 parent 1:1 classid 1:4 htb rate 500kbit linklayer atm",
  "class add dev v0 parent 1: classid 1:ffff htb rate 5gbit",
];
const FILTERS = [
  "filter add dev v0 parent 1: protocol ip prio 1 u32 match ip dst 10.0.0.1/32 match ip dport 80 0xffff flowid 1:1",
  "filter add dev v0 parent 1: protocol ip prio 2 handle 2: u32 divisor 256",
  "filter add dev v0 parent 1: protocol ip prio 2 u32 link 2: hashkey mask 0x000000ff at 16 match ip dst 10.0.0.0/8",
  "filter add dev v0 parent 1: protocol ip prio 2 u32 ht 2:7: match ip dst 10.0.0.7/32 flowid 1:2",
  "filter add dev v0 parent 1: protocol ip prio 3 u32 match mark 0x10 0xff flowid 1:3",
  "filter add dev v0 parent 1: protocol ip prio 4 u32 skip_hw match ip src 192.0.2.0/24 flowid 1:4",
  "filter add dev v0 parent 1: protocol ip prio 5 u32 match u32 0 0 indev v0 flowid 1:1",
];
const ACTION = "filter add dev v0 parent 1: protocol ip prio 6 u32 match u32 0 0 action drop";

describe("tc fast option readers", { skip: SKIP }, () => {
  it("read dumped htb classes and u32 filters as the tables do, and malformed ones the same", async () => {
    await withTestNetns(async (ns) => {
      spawnSync("ip", ["-n", ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
      assert.ok(tcBatch(ns, ["qdisc add dev v0 root handle 1: htb default 1", ...CLASSES]));
      assert.ok(tcBatch(ns, FILTERS));
      const withAction = tcBatch(ns, [ACTION]); // gact may be missing: checked when there
      const ipr = await IPRoute.open({ netns: ns });
      try {
        const cs = await ipr.getClasses({ index: "v0" });
        assert.equal(cs.length, CLASSES.length);
        const fs = await ipr.getFilters({ index: "v0" });
        assert.ok(fs.length >= FILTERS.length);

        const htb = CLASS_KINDS.htb!;
        for (const c of cs) {
          assert.equal(check(c.raw(), asClass, htb, "htb"), true, `fast read of ${c.classid}`);
          assert.deepStrictEqual(c.options, c.optionsByTable());
        }
        const c2 = cs.find((c) => c.classid === "1:2")!;
        assert.equal(c2.options!.rate, 1_250_000_000); // 10gbit: TCA_HTB_RATE64
        assert.equal(c2.options!.ceil, 2_500_000_000);
        const c3 = cs.find((c) => c.classid === "1:3")!.options!;
        assert.deepStrictEqual([c3.overhead, c3.mpu, c3.prio, c3.quantum], [24, 64, 3, 2000]);

        const u32 = FILTER_KINDS.u32!;
        let slow = 0;
        for (const f of fs) {
          const b = f.raw();
          if (span(b, TCA_OPTIONS)[0] < 0) continue; // a u32 instance: no options
          if (!check(b, asFilter, u32, "u32")) slow++;
          assert.deepStrictEqual(f.options, f.optionsByTable());
        }
        // The indev filter and the one with an action go the general way.
        assert.equal(slow, withAction ? 2 : 1);
        // (A kernel without CONFIG_CLS_U32_MARK dumps no mark: see the encoded ones below.)
        const marked = fs.find((f) => f.options?.mark !== undefined);
        if (marked) {
          assert.deepStrictEqual(marked.options!.mark, { value: 0x10, mask: 0xff, success: 0 });
        }
        const linker = fs.find((f) => f.options?.link !== undefined)!;
        assert.deepStrictEqual(linker.options!.hashkey, { mask: 0xff, at: 16 });

        // Malformed: every mutation of every message's options.
        let n = 0;
        for (const c of cs) {
          for (const b of mutations(c.raw())) (check(b, asClass, htb, "htb"), n++);
        }
        for (const f of fs) {
          for (const b of mutations(f.raw())) (check(b, asFilter, u32, "u32"), n++);
        }
        assert.ok(n > 1000, `${n} mutations`);
      } finally {
        ipr.close();
      }
    });
  });

  it("read options encoded by the tables (marks, indev, raw attributes) as the tables do", () => {
    const payload = (kind: string, values: Record<string, unknown> | Uint8Array | undefined) => {
      const w = new Writer();
      encodeAttrs(w, optionsSet(kind), values as Record<string, unknown>);
      return w.finish();
    };
    /** The fast reader's answer (undefined: the general way) after checking it as `check` does. */
    const both = (b: Uint8Array, codec: KindCodec, kind: string) => {
      const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const fast = codec.decodeFast!(b, dv, 0, b.length);
      const general = outcome(() => codec.decode(decodeAttrs(optionsSet(kind), b, 0, b.length, 1)));
      if (fast) assert.deepStrictEqual({ value: fast }, general);
      return fast;
    };
    const u32 = FILTER_KINDS.u32!;
    const ctx = kindContext("add", "filter u32");
    const marked = payload(
      "u32",
      u32.encode({
        classid: "1:5",
        mark: { value: 7, mask: 0xf },
        match: [{ ip: { dst: "10.1.0.0/16" } }],
      }, ctx),
    );
    assert.deepStrictEqual(both(marked, u32, "u32")!.mark, { value: 7, mask: 0xf, success: 0 });
    const hashed = payload(
      "u32",
      u32.encode({ link: "3:", hashkey: { mask: 0xff00, at: 12 }, skipHw: true }, ctx),
    );
    assert.deepStrictEqual(both(hashed, u32, "u32")!.hashkey, { mask: 0xff00, at: 12 });
    const indev = payload(
      "u32",
      u32.encode({ indev: "v0", match: [{ ip: { dst: "10.0.0.1" } }] }, ctx),
    );
    assert.equal(both(indev, u32, "u32"), undefined);
    const unknown = payload("u32", { classid: 0x10001, "#99": new Uint8Array(4) });
    assert.equal(both(unknown, u32, "u32"), undefined);
    const htb = CLASS_KINDS.htb!;
    const withTables = payload(
      "htb",
      htb.encode({ rate: "1mbit" }, kindContext("add", "class htb")),
    );
    assert.equal(both(withTables, htb, "htb"), undefined); // rtab, ctab: the general way
    for (
      const [b, codec, kind] of [
        [marked, u32, "u32"],
        [hashed, u32, "u32"],
        [withTables, htb, "htb"],
      ] as const
    ) {
      for (let i = 0; i < b.length; i++) {
        for (const v of [0, 0xff, b[i]! ^ 1]) {
          const c = b.slice();
          c[i] = v;
          both(c, codec, kind);
        }
        both(b.slice(0, i), codec, kind);
      }
    }
  });

  it("a kind attribute other than the last one seen is read as itself", () => {
    // Two messages of different kinds in turn: the memo of kinds follows.
    const msg = (kind: string) => {
      const k = new TextEncoder().encode(kind + "\0");
      const alen = 4 + k.length;
      const len = 16 + TCMSG_SIZE + ((alen + 3) & ~3);
      const b = new Uint8Array(len);
      const dv = new DataView(b.buffer);
      dv.setUint32(0, len, true);
      dv.setUint16(16 + TCMSG_SIZE, alen, true);
      dv.setUint16(16 + TCMSG_SIZE + 2, TCA_KIND, true);
      b.set(k, 16 + TCMSG_SIZE + 4);
      return asClass(b);
    };
    for (const kind of ["htb", "hfsc", "htb", "a-kind-longer-than-sixteen", "htb", "drr"]) {
      assert.equal(msg(kind).kind, kind);
    }
  });

  it("hex16 is toString(16) from 0 to 0xffff", () => {
    for (let n = 0; n <= 0xffff; n++) assert.equal(hex16(n), n.toString(16));
  });
});
