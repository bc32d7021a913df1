/**
 * The decoder fuzzer: seeded, repeatable mutations of real kernel replies fed
 * through the socket's own receive path. A socket engine on a fake connection
 * (core/fake.ts: no kernel) receives each mutated datagram as the answer to a
 * dump, to a do-request or as a multicast event; its dispatch, framing,
 * extended-ACK parsing and the typed decoders run exactly as in production,
 * then every decoded object's getters (`toJSON()`), `attrs` and `raw()` are
 * read, and the generic decoder runs over the payload with a random table.
 * Only `DecodeError` (and the kernel-error types a forged ACK can produce) may
 * come out; anything else is a finding.
 *
 * uevents get the same treatment on a fake NETLINK_KOBJECT_UEVENT connection
 * (`captureUEventCorpus`, `fuzzUEvents`): the kernel's text form and
 * libudev's binary header, mutated.
 *
 * Used by `tools/fuzz.ts` (the long run), `tests/fuzz.test.ts` and
 * `tests/uevent.test.ts` (subsets).
 */
import { MessageCursor, Writer } from "../core/codec.ts";
import { NLM_F, NLMSG, NLMSGERR_ATTR } from "../core/constants.ts";
import { DecodeError, DumpInterruptedError, NetlinkError } from "../core/errors.ts";
import { decodeAttrs } from "../core/schema.ts";
import { Engine } from "../core/engine.ts";
import { EngineDump } from "../core/dump.ts";
import { FakeTransport } from "../core/fake.ts";
import { PROTOCOL } from "../core/protocol.ts";
import type { MessageRef } from "../core/message.ts";
import { RTM } from "../core/tables/constants.ts";
import { decodeEvent, type MonitorEvent } from "../iproute/events.ts";
import { RTNL } from "../iproute/registry.ts";
import { IPRoute } from "../iproute/iproute.ts";
import { Errno } from "../ffi/errno.ts";
import { NetlinkSocket } from "../core/socket.ts";
import { UEVENT_GRP } from "../core/tables/netlink.ts";
import { decodeUEvent, parseUEvent, type UEvent } from "../uevent/event.ts";
import { encodeLibudev } from "../uevent/libudev.ts";

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

/**
 * Captures real replies (one message per entry) from a namespace's dumps,
 * plus the control messages the kernel answers with (an ACK with a warning,
 * an error with every extended-ACK attribute, DONE, NOOP, OVERRUN).
 */
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
      // The bridge's AF_BRIDGE link messages (port VLANs).
      await ipr.vlan("dump").all(),
    ]
  ) {
    for (const m of list) out.push(m.raw());
  }
  // The multicast database: the kernel answers dumps as RTM_GETMDB; its
  // notifications (RTM_NEWMDB, what the typed event decoder takes) have the
  // same layout, so the corpus carries them as notifications.
  for (const m of await ipr.mdb("dump").all()) {
    const raw = m.raw().slice();
    new DataView(raw.buffer).setUint16(4, RTM.NEWMDB, true);
    out.push(raw);
  }
  return [...out, ...controlMessages()];
}

/** NLMSG_ERROR, NLMSG_DONE, NOOP and OVERRUN messages as the kernel builds them. */
function controlMessages(): Uint8Array[] {
  const ack = (code: number, flags: number, tlvs: (w: Writer) => void) => {
    const w = new Writer();
    const m = w.beginMessage(NLMSG.ERROR, flags, 0, 0);
    w.s32(code);
    const orig = w.beginMessage(RTM.NEWLINK, NLM_F.REQUEST | NLM_F.ACK, 0, 0);
    if (!(flags & NLM_F.CAPPED)) w.zeros(16);
    w.endMessage(orig);
    tlvs(w);
    w.endMessage(m);
    return w.finish();
  };
  const control = (type: number, flags: number, payload: number[]) => {
    const w = new Writer();
    const m = w.beginMessage(type, flags, 0, 0);
    for (const b of payload) w.u8(b);
    w.endMessage(m);
    return w.finish();
  };
  return [
    ack(-22, NLM_F.ACK_TLVS | NLM_F.CAPPED, (w) => {
      w.attrString(NLMSGERR_ATTR.MSG, "Invalid argument from the fuzzer");
      w.attrU32(NLMSGERR_ATTR.OFFS, 36);
      w.attrU32(NLMSGERR_ATTR.MISS_TYPE, 3);
      w.attrU32(NLMSGERR_ATTR.MISS_NEST, 20);
      const p = w.beginNested(NLMSGERR_ATTR.POLICY);
      w.attrU32(1, 4);
      w.endAttr(p);
    }),
    ack(0, NLM_F.ACK_TLVS, (w) => w.attrString(NLMSGERR_ATTR.MSG, "a warning")),
    ack(0, NLM_F.CAPPED, () => {}),
    control(NLMSG.DONE, NLM_F.MULTI | NLM_F.DUMP_INTR, [0, 0, 0, 0]),
    control(NLMSG.NOOP, 0, []),
    control(NLMSG.OVERRUN, 0, []),
  ];
}

const SETS = [...RTNL.sets.values()];
const NESTS = [18, 26, 43, 52, 8, 9, 12]; // linkinfo, af-spec, xdp, prop-list, metrics, multipath, …
/** The fake socket's port id. */
const PORT = 4242;

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
      return withLength(w.finish());
    }
    case 5: { // huge counts of attributes
      const w = new Writer(b.length + 40000);
      w.bytes(b);
      const n = 2000 + pick(8000);
      for (let i = 0; i < n && w.pos < 65000; i++) w.attrU32(pick(80), pick(1 << 30));
      return withLength(w.finish());
    }
    case 6: { // random attribute payloads of random types
      const w = new Writer(b.length + 512);
      w.bytes(b);
      for (let i = 0; i < 1 + pick(6); i++) {
        const len = pick(40);
        const payload = new Uint8Array(len).map(() => pick(256));
        w.attrBytes(pick(0x4000), payload);
      }
      return withLength(w.finish());
    }
    case 7: { // change the message type to another rtnetlink type (or a control one)
      if (b.length >= 6) dv.setUint16(4, rnd() < 0.9 ? 16 + pick(100) : 1 + pick(4), true);
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

/** Sets the first message's length to the whole buffer (after appending to it). */
function withLength(out: Uint8Array): Uint8Array {
  new DataView(out.buffer).setUint32(0, out.length, true);
  return out;
}

/** Addresses every message of a well-formed datagram to request `seq` of port `pid`. */
function stamp(datagram: Uint8Array, seq: number, pid: number): Uint8Array {
  const dv = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  const c = new MessageCursor().reset(datagram, 0, datagram.length, dv);
  while (c.next()) {
    dv.setUint32(c.offset + 8, seq, true);
    dv.setUint32(c.offset + 12, pid, true);
  }
  return datagram;
}

/** The sequence number of the request sent last on `fake`. */
function sentSeq(fake: FakeTransport): number {
  const req = fake.sent[fake.sent.length - 1]!;
  return new DataView(req.buffer, req.byteOffset).getUint32(8, true);
}

/** A message of `type` (DONE, or an ACK) answering `seq`. */
function answer(type: number, seq: number): Uint8Array {
  const w = new Writer();
  const m = w.beginMessage(type, NLM_F.MULTI, seq, PORT);
  w.zeros(type === NLMSG.ERROR ? 20 : 4);
  w.endMessage(m);
  return w.finish();
}

/** One fuzz case's state: what it saw. */
class Case {
  decodeError = false;
  readonly findings: string[] = [];
  readonly rnd: () => number;

  constructor(rnd: () => number) {
    this.rnd = rnd;
  }

  /** Records an exception: DecodeError is expected, anything else is a finding. */
  caught(e: unknown, allowed: (e: unknown) => boolean = () => false): void {
    if (e instanceof DecodeError) this.decodeError = true;
    else if (!allowed(e)) this.findings.push(String((e as Error)?.stack ?? e));
  }

  /** The production decoder, watched: it must raise nothing but DecodeError. */
  decoder = (m: MessageRef): MonitorEvent => {
    // The generic decoder over the payload with a random table, on the received bytes.
    const set = SETS[Math.floor(this.rnd() * SETS.length)]!;
    const start = m.offset + 16 + 4 * Math.floor(this.rnd() * 4);
    try {
      if (start <= m.offset + m.length) decodeAttrs(set, m.bytes, start, m.offset + m.length);
    } catch (e) {
      this.caught(e);
    }
    try {
      return decodeEvent(m);
    } catch (e) {
      this.caught(e);
      throw e;
    }
  };

  /** Reads every field of decoded events, as a consumer would. */
  touch(items: readonly unknown[]): void {
    for (const item of items) {
      const e = item as MonitorEvent;
      if (e.kind === "overrun" || e.kind === "other") continue;
      try {
        JSON.stringify(e.object.toJSON(), (_k, v) => (typeof v === "bigint" ? String(v) : v));
        void e.object.attrs;
        void e.object.raw();
      } catch (err) {
        this.caught(err);
      }
    }
  }
}

const kernelAnswers = (e: unknown) =>
  e instanceof NetlinkError || e instanceof DumpInterruptedError;

/**
 * Feeds one datagram built from `base` through the engine: as the reply to a
 * dump, to a do-request, or as a multicast event (chosen by `rnd`).
 */
async function runCase(
  engine: Engine,
  fake: FakeTransport,
  base: Uint8Array,
  c: Case,
): Promise<void> {
  const rnd = c.rnd;
  const path = Math.floor(rnd() * 3);
  const datagram = (seq: number, pid = PORT) => {
    let msg = mutate(stamp(base.slice(), seq, pid), rnd);
    if (rnd() < 0.2) msg = mutate(msg, rnd);
    return msg;
  };
  const deliver = (bytes: Uint8Array, groups = 0) => {
    fake.deliver(bytes, { groups });
    if (rnd() < 0.05) fake.fail(Errno.ENOBUFS);
    try {
      engine.drain();
    } catch (e) {
      c.caught(e);
    }
  };
  if (path === 0) {
    const dump = new EngineDump(engine, { type: RTM.GETLINK, body: (w) => w.zeros(16) }, {
      decode: c.decoder,
    });
    const all = dump.all();
    const seq = sentSeq(fake);
    deliver(datagram(seq));
    deliver(answer(NLMSG.DONE, seq));
    try {
      c.touch(await all);
    } catch (e) {
      c.caught(e, kernelAnswers);
    }
  } else if (path === 1) {
    const req = engine.request({ type: RTM.NEWLINK, body: (w) => w.zeros(16) }, {
      decode: c.decoder,
    });
    const seq = sentSeq(fake);
    deliver(datagram(seq));
    deliver(answer(NLMSG.ERROR, seq));
    try {
      c.touch((await req).messages);
    } catch (e) {
      c.caught(e, kernelAnswers);
    }
  } else {
    engine.setEventDecoder(c.decoder);
    const sub = engine.subscribe<MonitorEvent>({});
    const before = engine.stats.malformed;
    deliver(datagram(0, 0), 1);
    const items: unknown[] = [];
    for (let e = sub.poll(); e !== undefined; e = sub.poll()) items.push(e);
    sub.close();
    // The engine counts an event its decoder refused as malformed, and drops it.
    if (engine.stats.malformed > before) c.decodeError = true;
    c.touch(items);
  }
}

/** Runs `cases` mutated datagrams from `corpus` through the receive path, with `seed`. */
export async function fuzz(
  corpus: readonly Uint8Array[],
  cases: number,
  seed: number,
): Promise<FuzzStats> {
  const rnd = prng(seed);
  const fake = new FakeTransport();
  // Sequence numbers from the seed: a mutation that hits one must do the same on every run.
  const engine = new Engine(
    fake,
    PROTOCOL.ROUTE,
    PORT,
    decodeEvent,
    1 + Math.floor(rnd() * 0x3fffffff),
  );
  const stats: FuzzStats = { cases: 0, decodeErrors: 0, ok: 0, findings: [] };
  try {
    for (let i = 0; i < cases; i++) {
      const c = new Case(rnd);
      await runCase(engine, fake, corpus[Math.floor(rnd() * corpus.length)]!, c);
      fake.sent.length = 0;
      stats.cases++;
      if (c.findings.length) {
        for (const error of c.findings) {
          if (stats.findings.length < 20) stats.findings.push({ case: i, error });
        }
      } else if (c.decodeError) stats.decodeErrors++;
      else stats.ok++;
    }
  } finally {
    engine.close();
  }
  return stats;
}

// -- uevents (NETLINK_KOBJECT_UEVENT: raw framing, the kernel's text and libudev's header) --

/**
 * Real uevent datagrams from a namespace (the add and remove events of a veth
 * pair and its queues, as the kernel sends them), plus each one in libudev's
 * form (what udevd would re-broadcast).
 */
export async function captureUEventCorpus(netns: string): Promise<Uint8Array[]> {
  await using sock = NetlinkSocket.open({
    protocol: PROTOCOL.KOBJECT_UEVENT,
    netns,
    groups: [UEVENT_GRP.KERNEL],
  });
  const sub = sock.subscribe({ signal: AbortSignal.timeout(10_000) });
  await using ipr = await IPRoute.open({ netns });
  await ipr.link("add", { ifname: "fz0", kind: "veth", peer: "fz1" });
  await ipr.link("del", { ifname: "fz0" });
  const kernel: Uint8Array[] = [];
  for await (const m of sub) {
    if ("event" in m) continue;
    kernel.push(m.payload.slice());
    if (new TextDecoder().decode(m.payload).startsWith("remove@/devices/virtual/net/fz1\0")) break;
  }
  const udev = kernel.map((d) => encodeLibudev(parseUEvent(d).env));
  return [...kernel, ...udev];
}

function mutateUEvent(msg: Uint8Array, rnd: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(rnd() * n);
  const b = msg.slice();
  switch (pick(8)) {
    case 0: // truncate
      return b.slice(0, pick(b.length + 1));
    case 1: { // flip random bytes
      const n = 1 + pick(8);
      for (let i = 0; i < n && b.length; i++) b[pick(b.length)] = pick(256);
      return b;
    }
    case 2: { // a NUL becomes '=' or '@', or a byte becomes NUL
      for (let i = 0; i < 1 + pick(3) && b.length; i++) {
        const at = pick(b.length);
        b[at] = b[at] === 0 ? [61, 64, 65][pick(3)]! : 0;
      }
      return b;
    }
    case 3: { // libudev header words (size, offsets, hashes) set to edge values
      if (b.length < 40) return b;
      const dv = new DataView(b.buffer);
      const off = 8 + 4 * pick(8);
      dv.setUint32(
        off,
        [0, 1, 39, 40, b.length, b.length + 1, 0xffffffff, pick(1 << 16)][pick(8)]!,
      );
      return b;
    }
    case 4: { // a property duplicated, swapped or given a hostile name
      const text = new TextDecoder().decode(b);
      const extra = [
        "__proto__=x\0",
        "constructor=y\0",
        "=novalue\0",
        "SEQNUM=99999999999999999999\0",
      ];
      return new TextEncoder().encode(text + extra[pick(extra.length)]!);
    }
    case 5: { // the libudev prefix on kernel text, or the kernel header on libudev bytes
      const prefix = new TextEncoder().encode(rnd() < 0.5 ? "libudev\0" : "add@/x\0");
      const out = new Uint8Array(prefix.length + b.length);
      out.set(prefix);
      out.set(b, prefix.length);
      return out;
    }
    case 6: // a huge property list
      return new TextEncoder().encode(
        new TextDecoder().decode(b) + "K=V\0".repeat(1000 + pick(10000)),
      );
    default: // pure noise
      return new Uint8Array(pick(256)).map(() => pick(256));
  }
}

/**
 * Runs `cases` mutated uevent datagrams from `corpus` through an engine on a
 * fake NETLINK_KOBJECT_UEVENT connection with the UEvent decoder: as the
 * kernel's multicast (group 1, port 0) or udevd's (group 2, a user port).
 * Only DecodeError may come out of the decoder; every decoded event's fields,
 * `toJSON()` and `name` are read.
 */
export function fuzzUEvents(corpus: readonly Uint8Array[], cases: number, seed: number): FuzzStats {
  const rnd = prng(seed);
  const fake = new FakeTransport();
  const engine = new Engine(fake, PROTOCOL.KOBJECT_UEVENT, PORT, decodeUEvent);
  const stats: FuzzStats = { cases: 0, decodeErrors: 0, ok: 0, findings: [] };
  let current: Case | undefined;
  engine.setEventDecoder((m) => {
    try {
      return decodeUEvent(m);
    } catch (e) {
      current!.caught(e);
      throw e;
    }
  });
  const sub = engine.subscribe<UEvent>({});
  try {
    for (let i = 0; i < cases; i++) {
      const c = current = new Case(rnd);
      let msg = mutateUEvent(corpus[Math.floor(rnd() * corpus.length)]!, rnd);
      if (rnd() < 0.2) msg = mutateUEvent(msg, rnd);
      const udev = rnd() < 0.5;
      fake.deliver(msg, udev ? { groups: 2, port: 1 + Math.floor(rnd() * 1000) } : { groups: 1 });
      if (rnd() < 0.05) fake.fail(Errno.ENOBUFS);
      try {
        engine.drain();
        for (let e = sub.poll(); e !== undefined; e = sub.poll()) {
          if (e.kind === "overrun") continue;
          JSON.stringify(e.toJSON());
          void [e.name, e.kind, e.action, e.devpath, e.subsystem, e.devtype, e.seqnum, e.source];
        }
      } catch (e) {
        c.caught(e);
      }
      fake.sent.length = 0;
      stats.cases++;
      if (c.findings.length) {
        for (const error of c.findings) {
          if (stats.findings.length < 20) stats.findings.push({ case: i, error });
        }
      } else if (c.decodeError) stats.decodeErrors++;
      else stats.ok++;
    }
  } finally {
    engine.close();
  }
  return stats;
}
