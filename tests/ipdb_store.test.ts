/**
 * IPDB's compact route store (ipdb/route_store.ts) against a model: a Map
 * keyed by the route object type's own identity string (`routeKey` of
 * `Route.identity()`), in insertion order, and the destinations as `Route.dst`
 * spells them. Random files and removals over a small universe of routes that
 * collide on purpose (same destination with other tos, priorities, IPv6
 * devices, multipath or not), through compactions, with an iterator kept
 * across them.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NLMSG_HDRLEN } from "../core/codec.ts";
import { AF_INET, AF_INET6 } from "../core/address.ts";
import { RTM } from "../core/tables/constants.ts";
import { RT_ROUTE_ATTRS, RT_ROUTE_STRUCTS } from "../core/tables/rt_route.ts";
import { Route } from "../iproute/route/route.ts";
import { routeKey } from "../iproute/route/object.ts";
import { readPlace, RouteStore } from "../ipdb/route_store.ts";

const RTA = RT_ROUTE_ATTRS.routeAttrs;
const H = RT_ROUTE_STRUCTS.rtmsg.at;
const RTMSG_SIZE = RT_ROUTE_STRUCTS.rtmsg.size;

interface Shape {
  family: number;
  dst?: number[];
  dstLen: number;
  tos: number;
  table: number;
  priority?: number;
  oif?: number;
  multipath?: boolean;
}

/** An RTM_NEWROUTE message of `s` in a datagram of its own. */
function message(s: Shape): { bytes: Uint8Array; dv: DataView; len: number } {
  const attrs: [number, Uint8Array][] = [];
  const u32 = (v: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, true);
    return b;
  };
  attrs.push([RTA.table, u32(s.table)]);
  if (s.dst) attrs.push([RTA.dst, Uint8Array.from(s.dst)]);
  if (s.priority !== undefined) attrs.push([RTA.priority, u32(s.priority)]);
  if (s.oif !== undefined) attrs.push([RTA.oif, u32(s.oif)]);
  if (s.multipath) attrs.push([RTA.multipath, new Uint8Array(0)]);
  let len = NLMSG_HDRLEN + RTMSG_SIZE;
  for (const [, p] of attrs) len += (4 + p.length + 3) & ~3;
  const bytes = new Uint8Array(len);
  const dv = new DataView(bytes.buffer);
  dv.setUint32(0, len, true);
  dv.setUint16(4, RTM.NEWROUTE, true);
  const h = NLMSG_HDRLEN;
  bytes[h + H.rtmFamily] = s.family;
  bytes[h + H.rtmDstLen] = s.dstLen;
  bytes[h + H.rtmTos] = s.tos;
  bytes[h + H.rtmTable] = s.table & 0xff;
  let pos = h + RTMSG_SIZE;
  for (const [t, p] of attrs) {
    dv.setUint16(pos, 4 + p.length, true);
    dv.setUint16(pos + 2, t, true);
    bytes.set(p, pos + 4);
    pos += (4 + p.length + 3) & ~3;
  }
  return { bytes, dv, len };
}

/** A deterministic pseudo-random generator (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random route of a small universe (collisions on purpose). */
function shape(r: () => number): Shape {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const v6 = r() < 0.4;
  const dstLen = pick(v6 ? [0, 64, 128] : [0, 24, 32]);
  const s: Shape = {
    family: v6 ? AF_INET6 : AF_INET,
    dstLen,
    tos: pick([0, 0, 0, 16]),
    table: 100,
  };
  if (dstLen > 0) {
    const n = v6 ? 16 : 4;
    const last = pick([1, 2, 3, 4, 5, 6, 7, 8]);
    s.dst = Array.from(
      { length: n },
      (_, i) => (i === 0 ? (v6 ? 0xfd : 10) : i === n - 1 ? last : 0),
    );
  }
  const prio = pick([undefined, undefined, 0, 100, 1024]);
  if (prio !== undefined) s.priority = prio;
  const oif = pick([undefined, 2, 3]);
  if (oif !== undefined) s.oif = oif;
  if (r() < 0.15) s.multipath = true;
  return s;
}

const keyOf = (m: { bytes: Uint8Array; dv: DataView; len: number }) =>
  routeKey(new Route(m.bytes, m.dv, 0, m.len, RTM.NEWROUTE).identity());
const dstOf = (m: { bytes: Uint8Array; dv: DataView; len: number }) =>
  new Route(m.bytes, m.dv, 0, m.len, RTM.NEWROUTE).dst;

describe("IPDB route store", () => {
  it("files, replaces, finds and removes routes as a Map keyed by routeKey does, in order", () => {
    const r = rng(17);
    let compacted = 0;
    const store = new RouteStore<string>(() => compacted++);
    const model = new Map<string, { m: ReturnType<typeof message>; dst: string }>();
    const keyAt = (slot: number) => {
      const route = store.route(slot);
      return routeKey(route.identity());
    };
    let held: Generator<number> | undefined;
    let heldSeen = new Set<string>();
    for (let op = 0; op < 20000; op++) {
      if (r() < 0.55 || model.size === 0) {
        const m = message(shape(r));
        const key = keyOf(m);
        const had = model.has(key);
        readPlace(m.bytes, m.dv, 0, m.len);
        const slot = store.put(m.bytes, m.dv, 0, m.len);
        assert.equal(store.lastAdded, !had, `put ${key}`);
        if (!had) store.setRecord(slot, key);
        assert.equal(store.record(slot), key);
        // A replaced route keeps its place in the order; its message is the new one.
        if (had) model.get(key)!.m = m;
        else model.set(key, { m, dst: dstOf(m) });
        assert.equal(keyAt(slot), key);
        assert.equal(store.route(slot).bytes, m.bytes);
      } else {
        const keys = [...model.keys()];
        const key = keys[Math.floor(r() * keys.length)]!;
        const { m } = model.get(key)!;
        readPlace(m.bytes, m.dv, 0, m.len);
        const slot = store.find(m.bytes);
        assert.ok(slot >= 0, `find ${key}`);
        assert.equal(store.remove(slot), key);
        assert.equal(store.live(slot), false);
        model.delete(key);
        heldSeen.delete(key); // filed again later, it is new to an iterator (as in a Map)
        readPlace(m.bytes, m.dv, 0, m.len);
        assert.equal(store.find(m.bytes), -1);
      }
      assert.equal(store.size, model.size);
      if (op % 97 === 0) {
        // Order, and the destination lists (by Route.dst's spelling).
        assert.deepEqual([...store.slots()].map(keyAt), [...model.keys()]);
        const dsts = new Map<string, string[]>();
        for (const [k, v] of model) dsts.set(v.dst, [...(dsts.get(v.dst) ?? []), k]);
        for (const [dst, keys] of dsts) assert.deepEqual(store.dstSlots(dst).map(keyAt), keys, dst);
        assert.deepEqual(store.dstSlots("10.9.9.9/32"), []);
      }
      // An iterator kept across changes yields no live route twice.
      if (op % 500 === 0) {
        held = store.slots();
        heldSeen = new Set();
      } else if (held && op % 7 === 0) {
        const n = held.next();
        if (n.done) held = undefined;
        else {
          const k = keyAt(n.value);
          assert.equal(heldSeen.has(k), false, `iterator yielded ${k} twice`);
          heldSeen.add(k);
        }
      }
    }
    assert.ok(compacted > 0, "the run compacted the store");
  });

  it("keeps records through a compaction and tells them their new slots", () => {
    const moved = new Map<string, number>();
    const store = new RouteStore<string>((rec, slot) => moved.set(rec, slot));
    const msgs = Array.from(
      { length: 300 },
      (_, i) =>
        message({ family: AF_INET, dst: [10, 1, i >> 8, i & 255], dstLen: 32, tos: 0, table: 7 }),
    );
    const slots = msgs.map((m) => {
      readPlace(m.bytes, m.dv, 0, m.len);
      return store.put(m.bytes, m.dv, 0, m.len);
    });
    store.setRecord(slots[299]!, "last");
    for (let i = 0; i < 290; i++) store.remove(slots[i]!);
    // Fill up to the capacity: the next new route compacts.
    for (let i = 0; moved.size === 0 && i < 1000; i++) {
      const m = message({
        family: AF_INET,
        dst: [10, 2, i >> 8, i & 255],
        dstLen: 32,
        tos: 0,
        table: 7,
      });
      readPlace(m.bytes, m.dv, 0, m.len);
      store.put(m.bytes, m.dv, 0, m.len);
    }
    const to = moved.get("last");
    assert.ok(to !== undefined && to < 299, "the record moved down");
    assert.equal(store.record(to!), "last");
    assert.equal(store.route(to!).dst, "10.1.1.43/32");
    assert.deepEqual(store.dstSlots("10.1.1.43/32"), [to]);
  });
});
