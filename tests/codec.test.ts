import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AttrCursor, attrLength, MessageCursor, NLA_F_NESTED, Writer } from "../core/codec.ts";
import { DecodeError } from "../core/errors.ts";
import { decodeAttrs, encodeAttrs, Registry } from "../core/schema.ts";
import { RT_LINK } from "../core/tables/rt_link.ts";
import { RT_ROUTE } from "../core/tables/rt_route.ts";
import { UAPI } from "../core/tables/uapi.ts";
import { TC } from "../core/tables/tc.ts";
import {
  formatIPv6,
  formatMAC,
  parseIPv4,
  parseIPv6,
  parseMAC,
  parsePrefix,
} from "../core/address.ts";
import type { ArgumentError } from "../core/errors.ts";

const reg = new Registry([RT_LINK, RT_ROUTE, UAPI], {
  linkinfoDataMsg: { veth: "linkinfoVethAttrs", vxlan: "linkinfoVxlanAttrs" },
});
const link = reg.set("linkAttrs");

function bytes(...v: number[]): Uint8Array {
  return new Uint8Array(v);
}

describe("Writer", () => {
  it("encodes a message header and aligned attributes byte for byte", () => {
    const w = new Writer(8);
    const m = w.beginMessage(18, 0x301, 7, 0);
    w.zeros(16);
    w.attrU32(29, 1);
    w.attrString(3, "lo");
    w.endMessage(m);
    assert.deepEqual(
      [...w.finish()],
      [
        ...[48, 0, 0, 0, 18, 0, 0x01, 0x03, 7, 0, 0, 0, 0, 0, 0, 0],
        ...new Array(16).fill(0),
        ...[8, 0, 29, 0, 1, 0, 0, 0],
        ...[7, 0, 3, 0, 0x6c, 0x6f, 0, 0],
      ],
    );
  });

  it("writes nested attributes with NLA_F_NESTED and big-endian values", () => {
    const w = new Writer();
    const a = w.beginNested(18);
    w.attrU16(15, 4789, true);
    w.endAttr(a);
    assert.deepEqual([...w.finish()], [12, 0, 18, 0x80, 6, 0, 15, 0, 0x12, 0xb5, 0, 0]);
  });

  it("writes strings as UTF-8: ASCII, accented, astral, empty, and past the buffer's end", () => {
    for (const s of ["eth0", "vé0", "x😀y", "", "é".repeat(300) + "a"]) {
      const w = new Writer(8);
      w.u8(0xaa);
      w.string(s);
      w.string(s, false);
      const want = new TextEncoder().encode(s);
      assert.deepEqual(w.finish(), Uint8Array.from([0xaa, ...want, 0, ...want]), s);
    }
  });

  it("refuses an attribute over 65535 bytes", () => {
    const w = new Writer();
    assert.throws(() => w.attrBytes(1, new Uint8Array(70000)), RangeError);
  });
});

describe("AttrCursor", () => {
  it("reads u8/u16/u32/u64/string/nested", () => {
    const b = bytes(
      ...[5, 0, 1, 0, 7, 0, 0, 0],
      ...[6, 0, 2, 0, 0x34, 0x12, 0, 0],
      ...[8, 0, 3, 0, 0x78, 0x56, 0x34, 0x12],
      ...[12, 0, 4, 0, 1, 0, 0, 0, 0, 0, 0, 0x80],
      ...[7, 0, 5, 0, 0x61, 0x62, 0, 0],
      ...[12, 0, 6, 0x80, 8, 0, 1, 0, 9, 0, 0, 0],
    );
    const c = new AttrCursor(b, 0, b.length);
    const seen: unknown[] = [];
    while (c.next()) {
      switch (c.type) {
        case 1:
          seen.push(c.u8());
          break;
        case 2:
          seen.push(c.u16());
          break;
        case 3:
          seen.push(c.u32());
          break;
        case 4:
          seen.push(c.u64());
          break;
        case 5:
          seen.push(c.string());
          break;
        case 6: {
          assert.equal(c.flags, NLA_F_NESTED);
          const n = c.nested();
          assert.ok(n.next());
          seen.push(n.u32());
          assert.equal(n.next(), false);
        }
      }
    }
    assert.deepEqual(seen, [7, 0x1234, 0x12345678, 0x8000000000000001n, "ab", 9]);
  });

  for (
    const [name, b] of [
      ["length below the header", bytes(2, 0, 1, 0)],
      ["length past the end", bytes(12, 0, 1, 0, 0, 0, 0, 0)],
      ["truncated header", bytes(8, 0)],
      ["zero length", bytes(0, 0, 1, 0, 0, 0, 0, 0)],
    ] as const
  ) {
    it(`raises DecodeError on ${name}`, () => {
      const c = new AttrCursor(b, 0, b.length);
      assert.throws(() => {
        while (c.next());
      }, DecodeError);
    });
  }

  it("raises DecodeError when a value is too short for its type", () => {
    const b = bytes(6, 0, 4, 0, 1, 0, 0, 0);
    const c = new AttrCursor(b, 0, b.length);
    c.next();
    assert.throws(() => c.u32(), DecodeError);
  });
});

describe("attribute validation", () => {
  it("has one validator, whose texts the cursor raises", () => {
    const b = bytes(2, 0, 1, 0);
    const dv = new DataView(b.buffer);
    assert.throws(() => attrLength(dv, 0, 4), /length 2 is below the header size \(at offset 0\)/);
    assert.throws(() => attrLength(dv, 0, 3), /3 trailing bytes are too few for a header/);
    b[0] = 12;
    assert.throws(() => attrLength(dv, 0, 4), /length 12 runs past the end of its container/);
    const c = new AttrCursor(b, 0, 4);
    assert.throws(() => c.next(), /length 12 runs past the end of its container/);
  });

  it("reuses one cursor over other runs without allocating a new one", () => {
    const a = bytes(8, 0, 4, 0, 1, 0, 0, 0);
    const b = bytes(0, 0, 0, 0, 8, 0, 7, 0, 2, 0, 0, 0);
    const c = new AttrCursor(a, 0, a.length);
    assert.ok(c.next());
    assert.deepEqual([c.type, c.u32()], [4, 1]);
    assert.equal(c.reset(b, new DataView(b.buffer), 4, b.length), c);
    assert.ok(c.next());
    assert.deepEqual([c.type, c.u32(), c.next()], [7, 2, false]);
    assert.throws(() => c.reset(b, new DataView(b.buffer), 4, 99), DecodeError);
  });
});

describe("MessageCursor (message framing)", () => {
  function datagram(...lens: number[]): Uint8Array {
    const w = new Writer();
    lens.forEach((n, i) => {
      const m = w.beginMessage(16 + i, 2, 100 + i, 7);
      w.zeros(n);
      w.endMessage(m);
    });
    return w.finish();
  }

  it("walks every message of a datagram in place, at aligned offsets", () => {
    const d = datagram(4, 1, 0);
    const c = new MessageCursor().reset(d, 0, d.length);
    const seen: number[][] = [];
    while (c.next()) seen.push([c.offset, c.length, c.type, c.flags, c.seq, c.pid]);
    assert.deepEqual(seen, [[0, 20, 16, 2, 100, 7], [20, 17, 17, 2, 101, 7], [
      40,
      16,
      18,
      2,
      102,
      7,
    ]]);
    assert.equal(c.fault, undefined);
    c.check();
  });

  for (
    const [name, patch, text] of [
      [
        "a length below the header",
        (dv: DataView) => dv.setUint32(20, 8, true),
        /length 8 is below/,
      ],
      [
        "a length past the datagram",
        (dv: DataView) => dv.setUint32(20, 99, true),
        /length 99 runs past/,
      ],
    ] as const
  ) {
    it(`stops at ${name} and keeps the reason`, () => {
      const d = datagram(4, 4);
      patch(new DataView(d.buffer));
      const c = new MessageCursor().reset(d, 0, d.length);
      assert.ok(c.next());
      assert.equal(c.next(), false);
      assert.match(c.fault!, text);
      assert.equal(c.faultOffset, 20);
      assert.throws(
        () => c.check(),
        (e: DecodeError) => e instanceof DecodeError && e.offset === 20,
      );
    });
  }

  it("refuses trailing bytes too few for a header", () => {
    const d = new Uint8Array(datagram(0).length + 8);
    d.set(datagram(0));
    const c = new MessageCursor().reset(d, 0, d.length);
    assert.ok(c.next());
    assert.equal(c.next(), false);
    assert.equal(c.fault, "8 trailing bytes are too few for a header");
  });

  it("continues in a copy of the datagram after moveTo", () => {
    const d = datagram(4, 4);
    const c = new MessageCursor().reset(d, 0, d.length);
    assert.ok(c.next());
    const copy = new Uint8Array(64 + d.length);
    copy.set(d, 64);
    c.moveTo(copy, new DataView(copy.buffer), 64);
    assert.equal(c.offset, 64);
    assert.ok(c.next());
    assert.deepEqual([c.offset, c.type, c.seq, c.bytes === copy], [84, 17, 101, true]);
    assert.equal(c.next(), false);
  });
});

describe("schema tables", () => {
  it("come from the YNL specs with the kernel's numbers", () => {
    assert.equal(link.get("ifname").type, 3);
    assert.equal(link.get("mtu").type, 4);
    assert.equal(link.get("linkinfo").type, 18);
    assert.equal(link.get("netNsFd").type, 28);
    assert.equal(reg.set("routeAttrs").get("table").type, 15);
    assert.equal(reg.set("linkinfoVxlanAttrs").get("port").type, 15);
    assert.equal(reg.set("nexthopAttrs").get("gateway").type, 6);
  });

  it("decodes nested and sub-message attributes and keeps unknown ones", () => {
    const w = new Writer();
    w.attrString(3, "v0");
    w.attrU32(4, 1500);
    const li = w.beginNested(18);
    w.attrString(1, "vxlan");
    const data = w.beginNested(2);
    w.attrU32(1, 42);
    w.attrU16(15, 4789, true);
    w.attrBytes(2, bytes(239, 1, 1, 1));
    w.endAttr(data);
    w.endAttr(li);
    w.attrBytes(999, bytes(1, 2, 3));
    const b = w.finish();
    const out = decodeAttrs(link, b, 0, b.length);
    assert.deepEqual(out, {
      ifname: "v0",
      mtu: 1500,
      linkinfo: { kind: "vxlan", data: { id: 42, port: 4789, group: "239.1.1.1" } },
      "#999": bytes(1, 2, 3),
    });
  });

  it("round-trips an object through encode and decode", () => {
    const v = {
      ifname: "br0",
      mtu: 9000,
      address: "02:00:00:00:00:01",
      linkinfo: { kind: "bridge", data: { stpState: 1, forwardDelay: 400 } },
    };
    const w = new Writer();
    encodeAttrs(w, link, v);
    const b = w.finish();
    assert.deepEqual(decodeAttrs(link, b, 0, b.length), v);
  });

  it("encodes a veth peer with its ifinfomsg header", () => {
    const w = new Writer();
    encodeAttrs(w, link, {
      linkinfo: { kind: "veth", data: { peer: { ifiIndex: 0, ifname: "v1" } } },
    });
    const b = w.finish();
    const out = decodeAttrs(link, b, 0, b.length) as {
      linkinfo: { data: { peer: Record<string, unknown> } };
    };
    assert.equal(out.linkinfo.data.peer.ifname, "v1");
    assert.equal(out.linkinfo.data.peer.ifiIndex, 0);
  });

  it("takes back the hex string it decodes a hex-shown value to, or the bytes", () => {
    const keys = new Registry([{
      enums: {},
      structs: {},
      sets: { keys: [[1, "key", "binary", { hint: "hex" }]] },
      subMessages: {},
    }]).set("keys");
    for (const given of ["00ff10ab", "00:ff:10:ab", bytes(0, 0xff, 0x10, 0xab)]) {
      const w = new Writer();
      encodeAttrs(w, keys, { key: given });
      const b = w.finish();
      assert.deepEqual([...b], [8, 0, 1, 0, 0, 0xff, 0x10, 0xab]);
      assert.deepEqual(decodeAttrs(keys, b, 0, b.length), { key: "00ff10ab" });
    }
    for (const bad of ["0g", "abc"]) {
      assert.throws(
        () => encodeAttrs(new Writer(), keys, { key: bad }),
        (e: ArgumentError) => e.argument === "key" && /hex bytes/.test(e.message),
      );
    }
  });

  it("names the attribute in encode errors", () => {
    const w = new Writer();
    assert.throws(
      () => encodeAttrs(w, link, { mtu: -1 }),
      (e: ArgumentError) => e.argument === "mtu",
    );
    assert.throws(
      () => encodeAttrs(w, link, { bogus: 1 }),
      (e: ArgumentError) => e.argument === "bogus",
    );
    assert.throws(
      () => encodeAttrs(w, link, { linkinfo: { kind: "vxlan", data: { group: "1.2.3" } } }),
      (e: ArgumentError) => e.argument === "linkinfo.data.group",
    );
  });

  it("keeps attributes nested thousands deep as raw bytes when the table has no nesting", () => {
    const w = new Writer();
    const starts: number[] = [];
    for (let i = 0; i < 2000; i++) starts.push(w.beginNested(0x3000));
    while (starts.length) w.endAttr(starts.pop()!);
    const b = w.finish();
    const out = decodeAttrs(link, b, 0, b.length);
    assert.ok(out["#12288"] instanceof Uint8Array);
    assert.equal((out["#12288"] as Uint8Array).length, 2000 * 4 - 4);
  });
});

describe("addresses", () => {
  it("parses and formats IPv4, IPv6 and MAC", () => {
    assert.deepEqual([...parseIPv4("192.168.1.254")!], [192, 168, 1, 254]);
    assert.equal(parseIPv4("1.2.3"), undefined);
    assert.equal(parseIPv4("01.2.3.4"), undefined);
    assert.equal(formatIPv6(parseIPv6("2001:db8::1")!), "2001:db8::1");
    assert.equal(formatIPv6(parseIPv6("::ffff:10.0.0.1")!), "::ffff:10.0.0.1");
    assert.equal(formatIPv6(parseIPv6("fe80:0:0:0:1:0:0:1")!), "fe80::1:0:0:1");
    assert.equal(formatIPv6(parseIPv6("::")!), "::");
    assert.equal(parseIPv6("1::2::3"), undefined);
    assert.equal(parseIPv6("1:2:3:4:5:6:7"), undefined);
    assert.equal(formatMAC(parseMAC("02:AB:00:00:00:01")!), "02:ab:00:00:00:01");
    assert.equal(parseMAC("02:ab:00:00:00:zz"), undefined);
  });

  it("parses prefixes and names the argument on error", () => {
    assert.deepEqual(parsePrefix("10.0.0.1/24", "address").prefixlen, 24);
    assert.equal(parsePrefix("fd00::1", "address").prefixlen, 128);
    assert.throws(() => parsePrefix("10.0.0.1/33", "address"), /prefix length from 0 to 32/);
    assert.throws(() => parsePrefix("10.0.0/8", "dst"), (e: ArgumentError) => e.argument === "dst");
  });
});

describe("struct attributes written in place", () => {
  const htb = new Registry([TC]).set("tcHtbAttrs");
  it("writes the struct's bytes as its own buffer did, and refuses as before, the writer unchanged", () => {
    const w = new Writer(8);
    encodeAttrs(w, htb, { directQlen: 7 });
    const before = w.pos;
    encodeAttrs(w, htb, { parms: { rateRate: 1000, buffer: 5, prio: 2, rateCellLog: 3 } });
    const parms = decodeAttrs(htb, w.buf, before, w.pos).parms as Record<string, unknown>;
    assert.equal(w.pos - before, 4 + 44); // tc_htb_opt, in its attribute
    assert.deepEqual(
      [parms.rateRate, parms.buffer, parms.prio, parms.rateCellLog, parms.ceilRate],
      [1000, 5, 2, 3, 0],
    );
    for (
      const [bad, path] of [
        [{ rateRate: 1, nope: 1 }, "parms.nope"],
        [{ rateRate: -1 }, "parms.rateRate"],
        [{ rateCellLog: 256 }, "parms.rateCellLog"],
        [{ prio: "2" }, "parms.prio"],
      ] as const
    ) {
      const pos = w.pos;
      assert.throws(
        () => encodeAttrs(w, htb, { parms: bad }),
        (e: ArgumentError) => e.name === "ArgumentError" && e.argument === path,
      );
      assert.equal(w.pos, pos, `${path}: nothing left written`);
    }
    // An undefined member is no member; a boolean is a u8's 1 or 0, as checkInt has it.
    const w2 = new Writer();
    encodeAttrs(w2, htb, { parms: { rateRate: 1, quantum: undefined, rateLinklayer: true } });
    const p2 = decodeAttrs(htb, w2.buf, 0, w2.pos).parms as Record<string, unknown>;
    assert.deepEqual([p2.rateRate, p2.quantum, p2.rateLinklayer], [1, 0, 1]);
  });
});
