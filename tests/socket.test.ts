import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { NetlinkSocket } from "../core/socket.ts";
import { RTM, RTNLGRP } from "../core/tables/constants.ts";
import { NetlinkError } from "../core/errors.ts";
import type { Writer } from "../core/codec.ts";
import {
  assertNoNewFds,
  createTestNetns,
  ip,
  isRoot,
  removeTestNetns,
  runtime,
  settledFds,
} from "./helpers.ts";

function ifinfo(index = 0) {
  return (w: Writer) => {
    w.u8(0);
    w.u8(0);
    w.u16(0);
    w.s32(index);
    w.u32(0);
    w.u32(0);
  };
}

function linkName(m: { payload: Uint8Array }): string | undefined {
  const p = m.payload;
  const dv = new DataView(p.buffer, p.byteOffset, p.byteLength);
  for (let off = 16; off + 4 <= p.length;) {
    const len = dv.getUint16(off, true);
    if (len < 4) break;
    if ((dv.getUint16(off + 2, true) & 0x3fff) === 3) {
      return new TextDecoder().decode(p.subarray(off + 4, off + len)).replace(/\0.*$/, "");
    }
    off += (len + 3) & ~3;
  }
  return undefined;
}

describe("NetlinkSocket (live, throwaway namespace)", {
  skip: !isRoot && "needs root for namespaces",
}, () => {
  let ns = "";
  before(() => {
    ns = createTestNetns();
    for (let i = 0; i < 5; i++) {
      ip(["link", "add", `va${i}`, "type", "veth", "peer", "name", `vb${i}`], ns);
    }
  });
  after(() => removeTestNetns(ns));

  it("dumps links and gets one by index, as ip sees them", async () => {
    await using sock = NetlinkSocket.open({ netns: ns });
    const links = await sock.dump({ type: RTM.GETLINK, body: ifinfo() }).all();
    const names = links.map(linkName).sort();
    const oracle = (JSON.parse(ip(["-j", "link", "show"], ns)) as { ifname: string }[])
      .map((l) => l.ifname).sort();
    assert.deepEqual(names, oracle);
    const lo = await sock.request({ type: RTM.GETLINK, body: ifinfo(1) }, { ack: false });
    assert.equal(lo.messages.length, 1);
    assert.equal(linkName(lo.messages[0]!), "lo");
  });

  it("turns a kernel error into NetlinkError with the extended-ack text", async () => {
    await using sock = NetlinkSocket.open({ netns: ns });
    await assert.rejects(
      sock.request({
        type: RTM.NEWLINK,
        flags: 0x600, // CREATE | EXCL
        name: "RTM_NEWLINK",
        body: (w) => {
          ifinfo()(w);
          w.attrString(3, "bad0");
          const li = w.beginNested(18);
          w.attrString(1, "no-such-kind");
          w.endAttr(li);
        },
      }),
      (e: NetlinkError) => {
        assert.ok(e instanceof NetlinkError);
        assert.equal(e.code, "EOPNOTSUPP");
        assert.equal(e.extack, "Unknown device type");
        assert.match(e.message, /RTM_NEWLINK: EOPNOTSUPP \(95\): Unknown device type/);
        return true;
      },
    );
    await assert.rejects(
      sock.request({ type: RTM.GETLINK, body: ifinfo(99999) }),
      (e: NetlinkError) => e.code === "ENODEV",
    );
  });

  it("answers 100 concurrent requests on one socket correctly", async () => {
    await using sock = NetlinkSocket.open({ netns: ns });
    const indexes = JSON.parse(ip(["-j", "link", "show"], ns)) as {
      ifindex: number;
      ifname: string;
    }[];
    const asks = Array.from({ length: 100 }, (_, i) => indexes[i % indexes.length]!);
    const replies = await Promise.all(
      asks.map((l) => sock.request({ type: RTM.GETLINK, body: ifinfo(l.ifindex) }, { ack: i(l) })),
    );
    function i(l: { ifindex: number }) {
      return l.ifindex % 2 === 0; // mix requests with and without ACK
    }
    replies.forEach((r, k) => assert.equal(linkName(r.messages[0]!), asks[k]!.ifname));
    assert.equal(sock.stats.stray, 0);
  });

  it("keeps overlapping dumps and requests apart", async () => {
    await using sock = NetlinkSocket.open({ netns: ns });
    const d1 = sock.dump({ type: RTM.GETLINK, body: ifinfo() });
    const d2 = sock.dump({ type: RTM.GETLINK, body: ifinfo() });
    const it1 = d1[Symbol.asyncIterator]();
    const first = await it1.next();
    const [all2, get] = await Promise.all([
      d2.all(),
      sock.request({ type: RTM.GETLINK, body: ifinfo(1) }),
    ]);
    const rest = [first.value];
    for (let r = await it1.next(); !r.done; r = await it1.next()) rest.push(r.value);
    assert.equal(rest.length, all2.length);
    assert.deepEqual(rest.map(linkName).sort(), all2.map(linkName).sort());
    assert.equal(linkName(get.messages[0]!), "lo");
  });

  it("sends a batch in one go and matches every ACK", async () => {
    await using sock = NetlinkSocket.open({ netns: ns });
    const results = await sock.batch([
      { type: RTM.GETLINK, body: ifinfo(1) },
      { type: RTM.GETLINK, body: ifinfo(424242) },
      { type: RTM.GETLINK, body: ifinfo(1) },
    ]);
    assert.equal(results.length, 3);
    assert.ok(results[0]!.ok && results[0]!.messages.length === 1);
    assert.ok(!results[1]!.ok && results[1]!.error.code === "ENODEV");
    assert.ok(results[2]!.ok);
  });

  it("compiles requests to bytes without sending", () => {
    const bytes = NetlinkSocket.compile([{ type: RTM.GETLINK, body: ifinfo(1) }]);
    assert.equal(bytes.length, 32);
    const dv = new DataView(bytes.buffer);
    assert.equal(dv.getUint16(4, true), RTM.GETLINK);
    assert.equal(dv.getUint16(6, true), 0x5);
    assert.equal(dv.getInt32(20, true), 1);
  });

  it("opens and closes 1,000 sockets without leaking descriptors", async () => {
    // Settled snapshots: an earlier file's child processes may still be closing theirs.
    const before = await settledFds();
    for (let i = 0; i < 1000; i++) NetlinkSocket.open({ netns: ns }).close();
    await assertNoNewFds(before, "1,000 sockets");
  });

  it("delivers multicast messages to a subscription", async () => {
    await using sock = NetlinkSocket.open({ netns: ns, groups: [RTNLGRP.LINK] });
    const sub = sock.subscribe();
    ip(["link", "set", "va0", "mtu", "1400"], ns);
    const first = await sub.next();
    assert.equal(first.done, false);
    assert.equal((first.value as { type: number }).type, RTM.NEWLINK);
    sub.close();
    assert.equal((await sub.next()).done, true);
  });
});

describe("process exit", { skip: !isRoot && "needs root" }, () => {
  it("exits promptly after a subscription that waited is closed", () => {
    const script = `
      import { NetlinkSocket } from "${new URL("../core/socket.ts", import.meta.url).href}";
      const sock = NetlinkSocket.open({ groups: [1] });
      const sub = sock.subscribe();
      setTimeout(() => sock.close(), 50);
      for await (const _ of sub) {}
      console.log("closed");
    `;
    const args = runtime === "deno" ? ["eval", "--ext=ts", script] : ["-e", script];
    const t0 = Date.now();
    const r = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 10000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /closed/);
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
  });

  it("exits with an open subscription nobody iterates", () => {
    const script = `
      import { NetlinkSocket } from "${new URL("../core/socket.ts", import.meta.url).href}";
      const sock = NetlinkSocket.open({ groups: [1] });
      sock.subscribe();
      console.log("done");
    `;
    const args = runtime === "deno" ? ["eval", "--ext=ts", script] : ["-e", script];
    const r = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 10000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /done/);
  });
});
