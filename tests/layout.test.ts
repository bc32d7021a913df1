/**
 * Fixed headers from the generated layouts (writeStruct) and the lazy base of
 * typed results (LazyMessage): its header readers, attribute readers, the walk
 * and the index, and what malformed bytes raise.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Writer } from "../core/codec.ts";
import { memberOffset, writeStruct } from "../core/layout.ts";
import { decoderOf, defined, LazyMessage, type MessageShape, messageShape } from "../core/lazy.ts";
import { Registry } from "../core/schema.ts";
import { ArgumentError, DecodeError } from "../core/errors.ts";
import { PROTOCOL } from "../core/protocol.ts";
import { GENETLINK_STRUCTS } from "../core/tables/genetlink.ts";
import { NFNETLINK_STRUCTS } from "../core/tables/nfnetlink.ts";
import { SOCK_DIAG_STRUCTS } from "../core/tables/sock_diag.ts";
import { RT_ROUTE, RT_ROUTE_ATTRS, RT_ROUTE_STRUCTS } from "../core/tables/rt_route.ts";
import { RT_LINK_STRUCTS } from "../core/tables/rt_link.ts";

const written = (fn: (w: Writer) => void) => {
  const w = new Writer(4);
  fn(w);
  return [...w.finish()];
};

describe("writeStruct", () => {
  it("writes members at their offsets, zeros for the rest, and advances", () => {
    assert.deepEqual(
      written((w) => {
        w.u8(0xee);
        writeStruct(w, GENETLINK_STRUCTS.genlmsghdr, { cmd: 3, version: 1 });
      }),
      [0xee, 3, 1, 0, 0],
    );
    assert.deepEqual(
      written((w) => writeStruct(w, RT_ROUTE_STRUCTS.rtmsg, { rtmFamily: 2, rtmFlags: 0x1000 })),
      [2, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0],
    );
  });

  it("writes big-endian members in network order, signed ones in two's complement", () => {
    assert.deepEqual(
      written((w) => writeStruct(w, NFNETLINK_STRUCTS.nfgenmsg, { nfgenFamily: 2, resId: 0x1234 })),
      [2, 0, 0x12, 0x34],
    );
    assert.deepEqual(
      written((w) => writeStruct(w, RT_LINK_STRUCTS.ifinfomsg, { ifiIndex: -2 })).slice(4, 8),
      [0xfe, 0xff, 0xff, 0xff],
    );
  });

  it("copies binary members and refuses bytes longer than the member", () => {
    const src = new Uint8Array([127, 0, 0, 1]);
    const out = written((w) =>
      writeStruct(w, SOCK_DIAG_STRUCTS.inetDiagReqV2, { idiagSrc: src, idiagSport: 80 })
    );
    assert.equal(out.length, 56);
    assert.deepEqual(out.slice(8, 16), [0, 80, 0, 0, 127, 0, 0, 1]);
    assert.throws(
      () =>
        writeStruct(new Writer(), SOCK_DIAG_STRUCTS.inetDiagReqV2, {
          idiagCookie: new Uint8Array(9),
        }),
      (e: ArgumentError) => e instanceof ArgumentError && /at most 8 bytes/.test(e.message),
    );
  });

  it("writes 64-bit members from numbers and bigints, little-endian", () => {
    const stats = RT_LINK_STRUCTS.rtnlLinkStats64;
    const out = written((w) => writeStruct(w, stats, { rxPackets: 1, txPackets: 2n ** 40n }));
    assert.equal(out.length, stats.size);
    assert.deepEqual(out.slice(0, 16), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    assert.throws(
      () => writeStruct(new Writer(), stats, { rxBytes: -1 }),
      (e: ArgumentError) => e instanceof ArgumentError && e.argument === "rxBytes",
    );
  });

  it("leaves the writer untouched when a value is refused, and skips undefined members", () => {
    const w = new Writer();
    w.u8(7);
    assert.throws(() =>
      writeStruct(w, GENETLINK_STRUCTS.genlmsghdr, { cmd: 1, version: 300 } as never)
    );
    assert.equal(w.pos, 1);
    writeStruct(w, GENETLINK_STRUCTS.genlmsghdr, { cmd: 2, version: undefined } as never);
    assert.deepEqual([...w.buf.subarray(0, w.pos)], [7, 2, 0, 0, 0]);
  });

  it("raises ArgumentError naming the member for unknown members and bad numbers", () => {
    const genl = GENETLINK_STRUCTS.genlmsghdr;
    for (
      const [values, argument] of [
        [{ cmd: 256 }, "cmd"],
        [{ cmd: 1.5 }, "cmd"],
        [{ version: -1 }, "version"],
        [{ reserved: "1" }, "reserved"],
        [{ cmdd: 1 }, "cmdd"],
      ] as const
    ) {
      // Values a JavaScript caller could pass (TypeScript refuses them).
      assert.throws(
        () => writeStruct(new Writer(), genl, values as never),
        (e: ArgumentError) => e instanceof ArgumentError && e.argument === argument,
      );
    }
  });
});

const RTMSG = RT_ROUTE_STRUCTS.rtmsg;
const RTA = RT_ROUTE_ATTRS.routeAttrs;
const ROUTES = new Registry([RT_ROUTE]).set("routeAttrs");

/** A route result written against the generated layout, as iproute's kinds are. */
const ROUTE_SHAPE = messageShape(PROTOCOL.ROUTE, RTMSG, ROUTES);
class TestRoute extends LazyMessage {
  protected get shape(): MessageShape {
    return ROUTE_SHAPE;
  }
  get dstLen(): number {
    return this.hu8(RTMSG, "rtmDstLen");
  }
  get flags(): number {
    return this.hu32(RTMSG, "rtmFlags");
  }
  get dst(): string | undefined {
    return this.ip(RTA.dst!);
  }
  get oif(): number | undefined {
    return this.u32(RTA.oif!);
  }
  get priority(): number | undefined {
    return this.u32(RTA.priority!);
  }
  get table(): number | undefined {
    return this.u32(RTA.table!);
  }
  get gateway(): string | undefined {
    return this.ip(RTA.gateway!);
  }
  hasFlow(): boolean {
    return this.has(RTA.flow!);
  }
  identity(): number[] {
    const out: number[] = [];
    this.scan([RTA.table!, RTA.oif!, RTA.flow!], out);
    return out;
  }
  protected fields(): Record<string, unknown> {
    return defined({ dst: this.dst, oif: this.oif, gateway: this.gateway });
  }
}
const decode = decoderOf(TestRoute);

function route(attrs: (w: Writer) => void, flags = 0): TestRoute {
  const w = new Writer();
  w.zeros(8); // another message's bytes before this one
  const m = w.beginMessage(24, 0, 1, 0);
  writeStruct(w, RTMSG, { rtmFamily: 2, rtmDstLen: 24, rtmFlags: flags });
  attrs(w);
  w.endMessage(m);
  const bytes = w.finish();
  const length = bytes.length - 8;
  const dv = new DataView(bytes.buffer);
  return decode({ bytes, dv, offset: 8, length, type: 24, flags: 0, seq: 1, pid: 0 });
}

const full = (w: Writer) => {
  w.attrBytes(RTA.dst!, new Uint8Array([10, 1, 2, 0]));
  w.attrU32(RTA.table!, 100);
  w.attrU32(RTA.oif!, 7);
  w.attrU32(RTA.priority!, 20);
  w.attrBytes(RTA.gateway!, new Uint8Array([10, 1, 2, 1]));
  w.attrU32(RTA.oif!, 99); // a repeat: the first one wins
};

describe("LazyMessage", () => {
  it("reads fixed-header members by layout name", () => {
    const r = route(full, 0x200);
    assert.deepEqual([r.dstLen, r.flags, r.type], [24, 0x200, 24]);
  });

  it("reads attributes by walking, then by index, with the same answers", () => {
    const r = route(full);
    const first = [r.dst, r.oif, r.priority, r.table]; // walks
    const again = [r.dst, r.oif, r.priority, r.table]; // indexed
    assert.deepEqual(first, ["10.1.2.0", 7, 20, 100]);
    assert.deepEqual(again, first);
    assert.equal(r.gateway, "10.1.2.1");
    assert.equal(r.hasFlow(), false);
  });

  it("finds a set of attributes in one pass", () => {
    const r = route(full);
    const at = r.identity();
    assert.equal(at[1], 4);
    assert.equal(at[3], 4);
    assert.equal(at[4], -1, "no flow attribute");
    assert.equal(new DataView(r.bytes.buffer).getUint32(at[2]!, true), 7);
  });

  it("decodes every attribute by table, keeps the message's bytes and prints its fields", () => {
    const r = route(full);
    assert.deepEqual(r.attrs.oif, [7, 99]);
    assert.equal(r.attrs.table, 100);
    assert.equal(r.raw().length, r.end - r.off + 16);
    assert.deepEqual(r.toJSON(), {
      event: "RTM_NEWROUTE",
      dst: "10.1.2.0",
      oif: 7,
      gateway: "10.1.2.1",
    });
  });

  it("raises the codec's DecodeError for a malformed attribute run on the first read", () => {
    const r = route((w) => {
      w.attrU32(RTA.oif!, 7);
      w.u16(2); // a header whose length is below the header size
      w.u16(RTA.table!);
    });
    assert.throws(() => r.oif, /Cannot decode attribute: length 2 is below the header size/);
    assert.throws(() => r.identity(), DecodeError);
  });

  it("refuses a message shorter than its fixed header", () => {
    const bytes = new Uint8Array(20);
    new DataView(bytes.buffer).setUint32(0, 20, true);
    assert.throws(
      () =>
        decode({
          bytes,
          dv: new DataView(bytes.buffer),
          offset: 0,
          length: 20,
          type: 24,
          flags: 0,
          seq: 0,
          pid: 0,
        }),
      /Cannot decode TestRoute: 4 payload bytes, the header needs 12/,
    );
  });
});

describe("memberOffset", () => {
  it("gives a member's offset when its type is the one asked for, and refuses otherwise", () => {
    const genl = GENETLINK_STRUCTS.genlmsghdr;
    assert.equal(memberOffset(genl, "cmd", "u8"), 0);
    assert.equal(memberOffset(genl, "reserved", "u16"), 2);
    // Past the compile-time check (a layout that changed under a reader): refused when called.
    assert.throws(
      () => memberOffset(genl, "reserved" as never, "u32"),
      /as u32: the layout has u16/,
    );
    assert.throws(() => memberOffset(genl, "nope" as never, "u8"), /no such member/);
  });
});
