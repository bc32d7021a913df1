/**
 * The socket engine on a fake connection (no kernel, no root): the rules of
 * dispatch — who is heard, what answers which request, what a malformed
 * datagram costs, overruns, raw framing, a broken descriptor — checked
 * datagram by datagram.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Writer } from "../core/codec.ts";
import { NLM_F, NLMSG, NLMSGERR_ATTR } from "../core/constants.ts";
import { Engine } from "../core/engine.ts";
import { EngineDump } from "../core/dump.ts";
import { FakeTransport } from "../core/fake.ts";
import { type NetlinkMessage, rawDatagram, rawDecoder } from "../core/message.ts";
import { type NetlinkProtocol, PROTOCOL, protocolOf } from "../core/protocol.ts";
import { RBUF_SIZE } from "../core/receive.ts";
import { DecodeError, DumpInterruptedError, NetlinkError, SyscallError } from "../core/errors.ts";
import { Errno } from "../ffi/errno.ts";
import { RTM } from "../core/tables/constants.ts";

const PORT = 777;

function setup(protocol: NetlinkProtocol = PROTOCOL.ROUTE) {
  const fake = new FakeTransport();
  const engine = new Engine(
    fake,
    protocol,
    PORT,
    protocol.framing === "raw" ? rawDatagram : rawDecoder,
  );
  /** The sequence number of the last request sent. */
  const seq = () => {
    const b = fake.sent[fake.sent.length - 1]!;
    return new DataView(b.buffer, b.byteOffset).getUint32(8, true);
  };
  return { fake, engine, seq };
}

/** One message (type, flags, seq, pid) with `payload` bytes after the header. */
function msg(type: number, flags: number, seq: number, pid: number, payload: number[] = []) {
  const w = new Writer();
  const m = w.beginMessage(type, flags, seq, pid);
  for (const b of payload) w.u8(b);
  w.endMessage(m);
  return w.finish();
}

/** An NLMSG_ERROR answering `seq` with `code`, capped, with an extended-ACK message. */
function ack(seq: number, code = 0, text?: string, pid = PORT) {
  const w = new Writer();
  const m = w.beginMessage(NLMSG.ERROR, NLM_F.CAPPED | (text ? NLM_F.ACK_TLVS : 0), seq, pid);
  w.s32(code);
  w.endMessage(w.beginMessage(RTM.NEWLINK, 5, seq, PORT));
  if (text) w.attrString(NLMSGERR_ATTR.MSG, text);
  w.endMessage(m);
  return w.finish();
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, (o += p.length) - p.length);
  return out;
}

const link = (seq: number, pid = PORT, flags: number = NLM_F.MULTI) =>
  msg(RTM.NEWLINK, flags, seq, pid, new Array(16).fill(0));

describe("engine dispatch (fake connection)", () => {
  it("sends a batch in one datagram with oneSend (past the 256-message and 64 KiB chunks)", async () => {
    const { fake, engine } = setup();
    let messages = 0;
    fake.onSend = (bytes) => {
      const dv = new DataView(bytes.buffer, bytes.byteOffset);
      for (let o = 0; o < bytes.length; o += dv.getUint32(o, true)) {
        messages++;
        fake.deliver(ack(dv.getUint32(o + 8, true)));
      }
    };
    const body = (w: Writer) => w.zeros(400);
    const reqs = Array.from({ length: 300 }, () => ({ type: RTM.NEWLINK, body }));
    const r = await engine.batch(reqs, { oneSend: true });
    assert.equal(fake.sent.length, 1);
    assert.equal(messages, 300);
    assert.ok(fake.sent[0]!.length > 1 << 16);
    assert.ok(r.every((x) => x.ok));
    assert.equal((await engine.batch(reqs)).length, 300);
    assert.ok(fake.sent.length > 2, "without oneSend: chunks");
    engine.close();
  });

  it("sends a batch request marked ack: false without NLM_F_ACK and waits for nothing of it", async () => {
    const { fake, engine } = setup();
    fake.onSend = (bytes) => {
      // Answer the first two messages only: the third asked for no ACK.
      const dv = new DataView(bytes.buffer, bytes.byteOffset);
      const flags: number[] = [];
      for (let o = 0; o < bytes.length; o += dv.getUint32(o, true)) {
        flags.push(dv.getUint16(o + 6, true));
        if (flags.length <= 2) {
          fake.deliver(ack(dv.getUint32(o + 8, true), flags.length === 2 ? -2 : 0));
        }
      }
      assert.deepEqual(flags.map((f) => (f & NLM_F.ACK) !== 0), [true, true, false]);
    };
    const r = await engine.batch([
      { type: RTM.NEWLINK },
      { type: RTM.NEWLINK, name: "second" },
      { type: RTM.DELLINK, ack: false },
    ]);
    assert.equal(fake.sent.length, 1, "one send");
    assert.equal(r[0]!.ok, true);
    assert.ok(!r[1]!.ok && r[1]!.error.code === "ENOENT" && r[1]!.error.request === "second");
    assert.deepEqual(r[2], { ok: true, messages: [], ack: {} });
    engine.close();
  });

  it("answers a do-request with its messages and the ACK's warning", async () => {
    const { fake, engine, seq } = setup();
    const pending = engine.request({ type: RTM.NEWLINK });
    fake.deliver(concat(link(seq(), PORT, 0), ack(seq(), 0, "careful")));
    const r = await pending;
    assert.equal(r.messages.length, 1);
    assert.equal((r.messages[0] as NetlinkMessage).type, RTM.NEWLINK);
    assert.equal(r.ack.message, "careful");
    engine.close();
  });

  it("rejects with the kernel's error, named from the protocol's message names", async () => {
    const { fake, engine, seq } = setup();
    const pending = engine.request({ type: RTM.NEWLINK });
    fake.deliver(ack(seq(), -Errno.EEXIST, "File exists, says the kernel"));
    await assert.rejects(pending, (e: NetlinkError) => {
      assert.ok(e instanceof NetlinkError);
      assert.equal(e.message, "Cannot RTM_NEWLINK: EEXIST (17): File exists, says the kernel");
      return true;
    });
    engine.close();
  });

  it("hears only the kernel, and only replies for its own port and sequence numbers", async () => {
    const { fake, engine, seq } = setup();
    const pending = engine.request({ type: RTM.GETLINK }, { ack: false });
    fake.deliver(link(seq()), { port: 4000 }); // forged by another process
    fake.deliver(link(seq() + 1)); // nobody asked
    fake.deliver(link(seq(), PORT + 1)); // another socket's
    fake.deliver(link(seq()));
    const r = await pending;
    assert.equal(r.messages.length, 1);
    assert.deepEqual(
      [engine.stats.datagrams, engine.stats.spoofed, engine.stats.stray],
      [4, 1, 2],
    );
    engine.close();
  });

  it("counts a malformed datagram once and keeps the messages before the fault", async () => {
    const { fake, engine, seq } = setup();
    const dump = new EngineDump(engine, { type: RTM.GETLINK }, {}).all();
    const bad = concat(link(seq()), link(seq()));
    new DataView(bad.buffer).setUint32(32, 9999, true); // the second runs past the end
    fake.deliver(bad);
    fake.deliver(msg(NLMSG.DONE, NLM_F.MULTI, seq(), PORT, [0, 0, 0, 0]));
    assert.equal((await dump).length, 1);
    assert.equal(engine.stats.malformed, 1);
    engine.close();
  });

  it("refuses a datagram larger than the receive buffer, failing what waits", async () => {
    const { fake, engine } = setup();
    const pending = engine.request({ type: RTM.GETLINK });
    fake.deliver(new Uint8Array(RBUF_SIZE + 16));
    await assert.rejects(pending, (e: DecodeError) => e instanceof DecodeError);
    assert.equal(engine.stats.malformed, 1);
    engine.close();
  });

  it("delivers multicast to subscriptions, and an echo of our change to the request too", async () => {
    const { fake, engine, seq } = setup();
    const sub = engine.subscribe<NetlinkMessage>({});
    const pending = engine.request({ type: RTM.NEWLINK, flags: NLM_F.ECHO });
    fake.deliver(link(seq(), PORT, 0), { groups: 1 });
    fake.deliver(link(0, 0, 0), { groups: 1 }); // somebody else's change
    fake.deliver(ack(seq()));
    const r = await pending;
    assert.equal(r.messages.length, 1, "the echo answers the request");
    const events = [sub.poll(), sub.poll(), sub.poll()];
    assert.deepEqual(events.map((e) => e && "type" in e && e.type), [
      RTM.NEWLINK,
      RTM.NEWLINK,
      undefined,
    ]);
    assert.equal(engine.stats.stray, 0);
    engine.close();
    assert.equal(sub.ended, true);
  });

  it("ends an interrupted dump with its partial result, and retries it when asked", async () => {
    const { fake, engine, seq } = setup();
    const intr = new EngineDump(engine, { type: RTM.GETLINK }, {}).all();
    fake.deliver(concat(link(seq(), PORT, NLM_F.MULTI | NLM_F.DUMP_INTR), link(seq())));
    fake.deliver(msg(NLMSG.DONE, NLM_F.MULTI, seq(), PORT, [0, 0, 0, 0]));
    await assert.rejects(
      intr,
      (e: DumpInterruptedError) => e instanceof DumpInterruptedError && e.partial.length === 2,
    );

    let attempts = 0;
    fake.onSend = (req) => {
      const s = new DataView(req.buffer).getUint32(8, true);
      const flags = ++attempts === 1 ? NLM_F.MULTI | NLM_F.DUMP_INTR : NLM_F.MULTI;
      fake.deliver(
        concat(link(s, PORT, flags), msg(NLMSG.DONE, NLM_F.MULTI, s, PORT, [0, 0, 0, 0])),
      );
    };
    const retried = await new EngineDump(engine, { type: RTM.GETLINK }, { retries: 1 }).all();
    assert.deepEqual([retried.length, attempts], [1, 2]);
    engine.close();
  });

  it("fails a dump whose decoder throws with DecodeError, draining the rest", async () => {
    const { fake, engine, seq } = setup();
    const decode = () => {
      throw new TypeError("a bug in a decoder");
    };
    const dump = new EngineDump(engine, { type: RTM.GETLINK, name: "link dump" }, { decode }).all();
    fake.deliver(concat(link(seq()), link(seq())));
    fake.deliver(msg(NLMSG.DONE, NLM_F.MULTI, seq(), PORT, [0, 0, 0, 0]));
    await assert.rejects(dump, (e: DecodeError) => {
      assert.ok(e instanceof DecodeError);
      assert.match(e.message, /Cannot decode link dump: TypeError: a bug in a decoder/);
      return true;
    });
    assert.equal(engine.stats.stray, 0, "the DONE still ended the dump");
    engine.close();
  });

  it("keeps dispatching when a decoder reaches back into the engine", async () => {
    const { fake, engine, seq } = setup();
    const decode = (m: { type: number }) => {
      engine.drain(); // must not read over the datagram being dispatched
      return m.type;
    };
    const dump = new EngineDump(engine, { type: RTM.GETLINK }, { decode }).all();
    fake.deliver(concat(link(seq()), link(seq()), link(seq())));
    fake.deliver(msg(NLMSG.DONE, NLM_F.MULTI, seq(), PORT, [0, 0, 0, 0]));
    assert.deepEqual(await dump, [RTM.NEWLINK, RTM.NEWLINK, RTM.NEWLINK]);
    engine.close();
  });

  it("reports a kernel overrun to subscriptions and fails a lost do-request reply", async () => {
    const { fake, engine } = setup();
    const sub = engine.subscribe<NetlinkMessage>({});
    const pending = engine.request({ type: RTM.NEWLINK, name: "RTM_NEWLINK" });
    fake.fail(Errno.ENOBUFS);
    engine.drain();
    await assert.rejects(pending, (e: NetlinkError) => e.code === "ENOBUFS");
    assert.deepEqual(sub.poll(), { event: "overrun", kind: "overrun", source: "kernel", lost: 0 });
    assert.equal(engine.stats.overruns, 1);
    engine.close();
  });

  it("keeps a request waiting after an overrun where the kernel does not answer inside sendmsg", async () => {
    const { fake, engine, seq } = setup(protocolOf(9));
    const pending = engine.request({ type: 1000 });
    fake.fail(Errno.ENOBUFS);
    engine.drain();
    fake.deliver(ack(seq()));
    assert.equal((await pending).messages.length, 0);
    engine.close();
  });

  it("hands a raw-framed datagram to subscriptions whole", () => {
    const { fake, engine } = setup(PROTOCOL.KOBJECT_UEVENT);
    const sub = engine.subscribe<NetlinkMessage>({});
    const text = "add@/devices/virtual/net/x0\0ACTION=add\0";
    fake.deliver(new TextEncoder().encode(text), { groups: 1 });
    fake.deliver(new TextEncoder().encode("unicast?"));
    engine.drain();
    const m = sub.poll() as NetlinkMessage;
    assert.equal(new TextDecoder().decode(m.payload), text);
    assert.equal(sub.poll(), undefined);
    assert.equal(engine.stats.stray, 1);
    engine.close();
  });

  it("hears userspace senders only on a raw protocol's user groups, with their port", () => {
    const { fake, engine } = setup(PROTOCOL.KOBJECT_UEVENT);
    engine.setEventDecoder((m) => [
      m.pid,
      new TextDecoder().decode(m.bytes.subarray(m.offset, m.offset + m.length)),
    ]);
    const sub = engine.subscribe<[number, string]>({});
    const bytes = (t: string) => new TextEncoder().encode(t);
    assert.equal(PROTOCOL.KOBJECT_UEVENT.userGroups, 2); // bit 1: group 2 (udev)
    fake.deliver(bytes("kernel"), { groups: 1 });
    fake.deliver(bytes("udevd"), { groups: 2, port: 4321 });
    fake.deliver(bytes("both"), { groups: 3, port: 4322 });
    fake.deliver(bytes("fake kernel"), { groups: 1, port: 99 }); // group 1 is the kernel's
    fake.deliver(bytes("unicast"), { port: 99 });
    engine.drain();
    assert.deepEqual([sub.poll(), sub.poll(), sub.poll(), sub.poll()], [
      [0, "kernel"],
      [4321, "udevd"],
      [4322, "both"],
      undefined,
    ]);
    assert.equal(engine.stats.spoofed, 2);
    engine.close();
  });

  it("keeps hearing only the kernel on a protocol without user groups", () => {
    const { fake, engine } = setup(PROTOCOL.ROUTE);
    const sub = engine.subscribe<NetlinkMessage>({});
    fake.deliver(msg(RTM.NEWLINK, 0, 0, 0, new Array(16).fill(0)), { groups: 2, port: 55 });
    engine.drain();
    assert.equal(sub.poll(), undefined);
    assert.equal(engine.stats.spoofed, 1);
    engine.close();
  });

  it("ends everything with a typed error when the descriptor breaks", async () => {
    const { fake, engine } = setup();
    const sub = engine.subscribe<NetlinkMessage>({});
    const pending = engine.request({ type: RTM.GETLINK });
    const waiting = sub.next();
    fake.fail(Errno.EBADF);
    engine.drain();
    await assert.rejects(
      pending,
      (e: SyscallError) => e instanceof SyscallError && e.code === "EBADF",
    );
    await assert.rejects(waiting, (e: SyscallError) => e.code === "EBADF");
    assert.equal((await sub.next()).done, true);
    engine.close();
  });

  it("waits for a datagram when nothing is queued, then answers", async () => {
    const { fake, engine, seq } = setup();
    const pending = engine.request({ type: RTM.GETLINK }, { ack: false });
    await new Promise((r) => setTimeout(r, 10));
    fake.deliver(link(seq()));
    assert.equal((await pending).messages.length, 1);
    engine.close();
  });
});
