/**
 * The decoder fuzzer: seeded, repeatable mutations of real kernel replies fed
 * to every decoder (message walk, typed results and all their fields, the
 * table-driven attribute decoder for every set, extended ACK parsing). Only
 * `DecodeError` may come out; anything else is a finding.
 *
 * Used by `tools/fuzz.ts` (the long run) and `tests/fuzz.test.ts` (a subset).
 */
import { readHeader, Writer } from "../core/codec.ts";
import { DecodeError } from "../core/errors.ts";
import { decodeAttrs } from "../core/schema.ts";
import { type MessageRef, parseExtAck } from "../core/socket.ts";
import { decodeEvent } from "../iproute/events.ts";
import { RTNL } from "../iproute/registry.ts";
import { IPRoute } from "../iproute/iproute.ts";

/** A small, fast, seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Captures real replies (one message per entry) from a namespace's dumps. */
export async function captureCorpus(netns?: string): Promise<Uint8Array[]> {
  await using ipr = await IPRoute.open(netns === undefined ? {} : { netns });
  const out: Uint8Array[] = [];
  for (
    const list of [
      await ipr.getLinks(),
      await ipr.getAddr(),
      await ipr.getRoutes(),
      await ipr.getRules(),
      await ipr.getNeighbours(),
      await ipr.getNexthops(),
    ]
  ) {
    for (const m of list) out.push(m.raw());
  }
  return out;
}

const SETS = [...RTNL.sets.values()];
const NESTS = [18, 26, 43, 52, 8, 9, 12]; // linkinfo, af-spec, xdp, prop-list, metrics, multipath, …

/** Outcome counters of a fuzz run. */
export interface FuzzStats {
  cases: number;
  decodeErrors: number;
  ok: number;
  /** Unexpected exceptions: case number, error. */
  findings: { case: number; error: string }[];
}

function mutate(msg: Uint8Array, rnd: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(rnd() * n);
  const b = msg.slice();
  const dv = new DataView(b.buffer);
  switch (pick(9)) {
    case 0: // truncate
      return b.slice(0, pick(b.length + 1));
    case 1: // message length past the end, zero, or tiny
      if (b.length >= 4) {
        dv.setUint32(0, [0, 1, 15, b.length + 1 + pick(1 << 16), 0xffffffff][pick(5)]!, true);
      }
      return b;
    case 2: { // an attribute length past its container, or zero
      if (b.length < 24) return b;
      const off = 16 + 4 * pick((b.length - 16) >> 2);
      if (off + 2 <= b.length) {
        dv.setUint16(off, [0, 1, 3, 4, 0xffff, pick(0x10000)][pick(6)]!, true);
      }
      return b;
    }
    case 3: { // flip random bytes
      const n = 1 + pick(8);
      for (let i = 0; i < n && b.length; i++) b[pick(b.length)] = pick(256);
      return b;
    }
    case 4: { // nested attributes thousands deep, under a type tables nest
      const w = new Writer(b.length + 16000);
      w.bytes(b);
      const type = NESTS[pick(NESTS.length)]!;
      const depth = 1000 + pick(3000);
      const starts: number[] = [];
      for (let i = 0; i < depth && w.pos < 60000; i++) {
        starts.push(w.beginNested(i === 0 ? type : 1 + pick(4)));
      }
      while (starts.length) w.endAttr(starts.pop()!);
      const out = w.finish();
      new DataView(out.buffer).setUint32(0, out.length, true);
      return out;
    }
    case 5: { // huge counts of attributes
      const w = new Writer(b.length + 40000);
      w.bytes(b);
      const n = 2000 + pick(8000);
      for (let i = 0; i < n && w.pos < 65000; i++) w.attrU32(pick(80), pick(1 << 30));
      const out = w.finish();
      new DataView(out.buffer).setUint32(0, out.length, true);
      return out;
    }
    case 6: { // random attribute payloads of random types
      const w = new Writer(b.length + 512);
      w.bytes(b);
      for (let i = 0; i < 1 + pick(6); i++) {
        const len = pick(40);
        const payload = new Uint8Array(len).map(() => pick(256));
        w.attrBytes(pick(0x4000), payload);
      }
      const out = w.finish();
      new DataView(out.buffer).setUint32(0, out.length, true);
      return out;
    }
    case 7: { // change the message type to another rtnetlink type
      if (b.length >= 6) dv.setUint16(4, 16 + pick(100), true);
      return b;
    }
    default: { // pure noise
      const n = pick(256);
      const out = new Uint8Array(n).map(() => pick(256));
      if (n >= 4 && rnd() < 0.7) new DataView(out.buffer).setUint32(0, n, true);
      return out;
    }
  }
}

/** Decodes one datagram the way the socket and IPRoute do, touching every field. */
export function decodeAll(bytes: Uint8Array, rnd: () => number): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0;
  let n = 0;
  while (off + 16 <= bytes.length) {
    const h = readHeader(dv, off, bytes.length);
    const ref: MessageRef = {
      bytes,
      dv,
      offset: off,
      length: h.len,
      type: h.type,
      flags: h.flags,
      seq: h.seq,
      pid: h.pid,
    };
    const e = decodeEvent(ref);
    if (e.kind !== "overrun" && e.kind !== "other") {
      JSON.stringify(e.object.toJSON(), (_k, v) => (typeof v === "bigint" ? String(v) : v));
      void e.object.attrs;
    }
    // The generic decoder over the payload with a random table.
    const set = SETS[Math.floor(rnd() * SETS.length)]!;
    const start = off + 16 + 4 * Math.floor(rnd() * 4);
    if (start <= off + h.len) decodeAttrs(set, bytes, start, off + h.len);
    if (start <= off + h.len) parseExtAck(bytes, start, off + h.len);
    off += (h.len + 3) & ~3;
    n++;
  }
  return n;
}

/** Runs `cases` mutated decodes from `corpus` with `seed`. */
export function fuzz(corpus: readonly Uint8Array[], cases: number, seed: number): FuzzStats {
  const rnd = prng(seed);
  const stats: FuzzStats = { cases: 0, decodeErrors: 0, ok: 0, findings: [] };
  for (let i = 0; i < cases; i++) {
    const base = corpus[Math.floor(rnd() * corpus.length)]!;
    let msg = mutate(base, rnd);
    if (rnd() < 0.2) msg = mutate(msg, rnd);
    stats.cases++;
    try {
      decodeAll(msg, rnd);
      stats.ok++;
    } catch (e) {
      if (e instanceof DecodeError) stats.decodeErrors++;
      else if (stats.findings.length < 20) {
        stats.findings.push({ case: i, error: String((e as Error)?.stack ?? e) });
      }
    }
  }
  return stats;
}
