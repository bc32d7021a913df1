/**
 * Hardening: forged replies, injected faults (EINTR, EAGAIN, refused options, a
 * descriptor closed behind the socket's back), leaks over many open/close
 * cycles, and prompt exit of child processes for every long-lived object.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { IPDB, IPRoute, NetlinkSocket, RTM, RTNLGRP, SyscallError } from "../mod.ts";
import { Writer } from "../core/codec.ts";
import { injectFaults, libc } from "../ffi/libc.ts";
import { allocBuffer } from "../ffi/symbols.ts";
import { Errno } from "../ffi/errno.ts";
import { withNetns } from "../core/nsenter.ts";
import { Poller } from "../ffi/poller.ts";
import {
  assertNoNewFds,
  createTestNetns,
  ip,
  isRoot,
  removeTestNetns,
  runtime,
  settledFds,
} from "./helpers.ts";

const live = { skip: !isRoot && "needs root for namespaces" };

/** A raw netlink socket in `ns` that can send anything to anyone. */
function forger(ns: string) {
  const c = libc();
  const fd = withNetns(ns, () => c.socket(16, 3 | 0x80000, 0));
  assert.ok(fd >= 0);
  const sa = allocBuffer(12);
  new DataView(sa.buffer).setUint16(0, 16, true);
  assert.equal(c.bind(fd, sa, 12), 0);
  return {
    send(msg: Uint8Array, pid: number, groups = 0) {
      const to = allocBuffer(12);
      const dv = new DataView(to.buffer);
      dv.setUint16(0, 16, true);
      dv.setUint32(4, pid, true);
      dv.setUint32(8, groups, true);
      const buf = allocBuffer(msg.length);
      buf.set(msg);
      return c.sendto(fd, buf, msg.length, 0, to, 12);
    },
    close: () => c.close(fd),
  };
}

function forgedAck(seq: number, pid: number): Uint8Array {
  const w = new Writer();
  const m = w.beginMessage(2, 0x100, seq, pid); // NLMSG_ERROR, capped
  w.s32(0);
  w.zeros(16);
  w.endMessage(m);
  return w.finish();
}

function forgedLink(seq: number, pid: number, name: string): Uint8Array {
  const w = new Writer();
  const m = w.beginMessage(RTM.NEWLINK, 0, seq, pid);
  w.zeros(4);
  w.s32(999);
  w.zeros(8);
  w.attrString(3, name);
  w.endMessage(m);
  return w.finish();
}

function getLo(sock: NetlinkSocket) {
  return sock.request({
    type: RTM.GETLINK,
    body: (w) => {
      w.zeros(4);
      w.s32(1);
      w.zeros(8);
    },
  }, { ack: false });
}

describe("spoofed replies", live, () => {
  let ns = "";
  before(() => {
    ns = createTestNetns();
  });
  after(() => removeTestNetns(ns));

  it("ignores and counts a forged ACK for a pending sequence number", async () => {
    await using sock = NetlinkSocket.open({ netns: ns });
    const f = forger(ns);
    try {
      // The next request will use this sequence number; the forgery arrives first.
      const seq = sock.nextSeq() + 1;
      assert.ok(f.send(forgedAck(seq, sock.portId), sock.portId) > 0);
      const r = await getLo(sock);
      assert.equal(r.messages.length, 1, "the kernel's real answer, not the forged ACK");
      assert.equal(sock.stats.spoofed, 1);
    } finally {
      f.close();
    }
  });

  it("never delivers a forged event, unicast or multicast", async () => {
    await using sock = NetlinkSocket.open({ netns: ns, groups: [RTNLGRP.LINK] });
    const sub = sock.subscribe();
    const f = forger(ns);
    try {
      assert.ok(f.send(forgedLink(0, 0, "fake0"), sock.portId) > 0);
      assert.ok(f.send(forgedLink(0, 0, "fake1"), 0, 1 << (RTNLGRP.LINK - 1)) > 0);
      ip(["link", "add", "real0", "type", "veth", "peer", "name", "real1"], ns);
      const first = await sub.next();
      assert.equal(first.done, false);
      const text = new TextDecoder().decode((first.value as { payload: Uint8Array }).payload);
      assert.ok(text.includes("real"), "the first event delivered is the kernel's");
      assert.ok(!text.includes("fake"));
      assert.equal(sock.stats.spoofed, 2);
    } finally {
      sub.close();
      f.close();
      ip(["link", "del", "real0"], ns);
    }
  });
});

describe("injected faults", live, () => {
  let ns = "";
  before(() => {
    ns = createTestNetns();
    ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
    ip(["route", "add", "10.5.0.0/16", "dev", "lo", "table", "5"], ns);
    ip(["link", "set", "lo", "up"], ns);
  });
  after(() => {
    injectFaults(undefined);
    removeTestNetns(ns);
  });

  it("works without strict checking and extended ACK when the kernel refuses them", async () => {
    injectFaults((call, args) =>
      call === "setsockopt" && args[1] === 270 && (args[2] === 11 || args[2] === 12)
        ? 92
        : undefined
    );
    let ipr: IPRoute;
    try {
      ipr = await IPRoute.open({ netns: ns });
    } finally {
      injectFaults(undefined);
    }
    try {
      assert.equal(ipr.socket.strict, false);
      assert.equal(ipr.socket.extAck, false);
      await using strict = await IPRoute.open({ netns: ns });
      const a = (await ipr.getRoutes({ table: 5 })).map((r) => r.dst);
      const b = (await strict.getRoutes({ table: 5 })).map((r) => r.dst);
      assert.deepEqual(a, b, "client-side filtering gives the kernel-side answer");
      assert.deepEqual(a, ["10.5.0.0/16"]);
      await assert.rejects(ipr.link("set", { index: 4242, mtu: 1400 }), /ENODEV/);
    } finally {
      ipr.close();
    }
  });

  it("retries EINTR on send and receive", async () => {
    await using sock = NetlinkSocket.open({ netns: ns });
    for (const call of ["send", "recvfrom"] as const) {
      let left = 3;
      injectFaults((c) => (c === call && left-- > 0 ? Errno.EINTR : undefined));
      try {
        const r = await getLo(sock);
        assert.equal(r.messages.length, 1, call);
        assert.equal(left, -1, `${call} was interrupted three times, then retried`);
      } finally {
        injectFaults(undefined);
      }
    }
  });

  it("waits on EAGAIN from receive and then answers", async () => {
    await using sock = NetlinkSocket.open({ netns: ns });
    let left = 5;
    injectFaults((c) => (c === "recvfrom" && left-- > 0 ? Errno.EAGAIN : undefined));
    try {
      const r = await getLo(sock);
      assert.equal(r.messages.length, 1);
    } finally {
      injectFaults(undefined);
    }
  });

  it("turns EINTR and EAGAIN elsewhere into typed errors without leaking descriptors", async () => {
    const before = await settledFds();
    for (const call of ["socket", "bind", "getsockname", "setsockopt"] as const) {
      for (const errno of [Errno.EINTR, Errno.EAGAIN]) {
        injectFaults((c) => (c === call ? errno : undefined));
        try {
          assert.throws(() => NetlinkSocket.open({ netns: ns }), (e: SyscallError) => {
            assert.ok(e instanceof SyscallError, `${call}: ${e}`);
            assert.equal(e.errno, errno);
            return true;
          });
        } finally {
          injectFaults(undefined);
        }
      }
    }
    await using sock = NetlinkSocket.open({ netns: ns });
    injectFaults((c) => (c === "send" ? Errno.EAGAIN : undefined));
    try {
      await assert.rejects(
        getLo(sock),
        (e: SyscallError) => e instanceof SyscallError && e.code === "EAGAIN",
      );
    } finally {
      injectFaults(undefined);
    }
    sock.close();
    await assertNoNewFds(before, "failed opens");
  });

  it("ends a waiting subscription with a typed error when its descriptor is closed behind its back", async () => {
    const sock = NetlinkSocket.open({ netns: ns, groups: [RTNLGRP.LINK] });
    const sub = sock.subscribe();
    const pending = sub.next();
    libc().close(sock.fd);
    await assert.rejects(
      pending,
      (e: SyscallError) => e instanceof SyscallError && e.code === "EBADF",
    );
    assert.equal((await sub.next()).done, true);
    sock.close(); // closing again is harmless (EBADF ignored)
  });

  it("fails a waiting request with a typed error when its descriptor is closed", async () => {
    const sock = NetlinkSocket.open({ netns: ns });
    let closed = false;
    // Nothing seems to arrive: the request waits on the poller.
    injectFaults((c) => (c === "recvfrom" && !closed ? Errno.EAGAIN : undefined));
    try {
      const pending = getLo(sock);
      await new Promise((r) => setTimeout(r, 50));
      libc().close(sock.fd);
      closed = true;
      await assert.rejects(
        pending,
        (e: SyscallError) => e instanceof SyscallError && e.code === "EBADF",
      );
    } finally {
      injectFaults(undefined);
      sock.close();
    }
  });
});

const gc = globalThis as { gc?: () => void; Bun?: { gc(sync: boolean): void } };
function collect(): number {
  for (let i = 0; i < 3; i++) gc.Bun ? gc.Bun.gc(true) : gc.gc?.();
  return process.memoryUsage().heapUsed;
}
/** Heap growth allowed after a cycle (with a GC available), in bytes. */
const HEAP_TOLERANCE = 8 << 20;

describe("leaks", live, () => {
  let ns = "";
  before(() => {
    ns = createTestNetns();
    ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
  });
  after(() => removeTestNetns(ns));

  async function cycle(label: string, n: number, fn: () => void | Promise<void>) {
    // Warm up (thread-namespace descriptors, the poller, JIT), then measure.
    for (let i = 0; i < 10; i++) await fn();
    const fds = await settledFds();
    const heap = collect();
    for (let i = 0; i < n; i++) await fn();
    const grown = collect() - heap;
    await assertNoNewFds(fds, `${label}: descriptors`);
    if (gc.gc || gc.Bun) assert.ok(grown < HEAP_TOLERANCE, `${label}: heap grew ${grown} bytes`);
    assert.equal(Poller.active, false, `${label}: the poller stopped`);
  }

  it("10,000 socket open/close cycles", async () => {
    await cycle("sockets", 10_000, () => NetlinkSocket.open().close());
  });

  it("1,000 namespace sockets", async () => {
    await cycle("namespace sockets", 1_000, () => NetlinkSocket.open({ netns: ns }).close());
  });

  it("1,000 subscriptions opened and cancelled (waiting ones too)", async () => {
    await using sock = NetlinkSocket.open({ netns: ns, groups: [RTNLGRP.LINK] });
    const once = async () => {
      const ac = new AbortController();
      const sub = sock.subscribe({ signal: ac.signal });
      const waiting = sub.next();
      ac.abort();
      assert.equal((await waiting).done, true);
    };
    for (let i = 0; i < 10; i++) await once();
    const fds = await settledFds();
    const heap = collect();
    for (let i = 0; i < 1000; i++) await once();
    const grown = collect() - heap;
    await assertNoNewFds(fds);
    if (gc.gc || gc.Bun) assert.ok(grown < HEAP_TOLERANCE, `heap grew ${grown} bytes`);
  });

  it("100 IPDB open/release cycles", async () => {
    await cycle("IPDB", 100, async () => (await IPDB.open({ netns: ns })).release());
  });
});

describe("exit", live, () => {
  const mod = new URL("../mod.ts", import.meta.url).href;

  /** Runs `body` in a child; resolves with the time from its last statement to its exit. */
  function exitDelay(body: string): Promise<{ code: number | null; ms: number; stderr: string }> {
    const script = `import * as nl from "${mod}";\n${body}\nconsole.log("T=" + Date.now());`;
    const args = runtime === "deno" ? ["eval", "--ext=ts", script] : ["-e", script];
    return new Promise((resolve, reject) => {
      const p = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      p.stdout.on("data", (d) => (out += d));
      p.stderr.on("data", (d) => (err += d));
      const timer = setTimeout(() => p.kill("SIGKILL"), 20000);
      p.on("error", reject);
      p.on("exit", (code) => {
        clearTimeout(timer);
        const t = Number(/T=(\d+)/.exec(out)?.[1]);
        resolve({ code, ms: Number.isFinite(t) ? Date.now() - t : Infinity, stderr: err });
      });
    });
  }

  let ns = "";
  before(() => {
    ns = createTestNetns();
  });
  after(() => removeTestNetns(ns));

  const cases: [string, string][] = [
    ["a socket", "const s = nl.NetlinkSocket.open(); s.close();"],
    [
      "a subscription that waited",
      "const s = nl.NetlinkSocket.open({ groups: [1] }); const sub = s.subscribe(); setTimeout(() => sub.close(), 50); for await (const _ of sub) {} s.close();",
    ],
    [
      "a monitor",
      "const m = await nl.Monitor.open(); const e = m.events(); setTimeout(() => m.close(), 50); for await (const _ of e) {}",
    ],
    [
      "an IPDB",
      'const db = await nl.IPDB.open({ netns: "NS" }); db.registerCallback(() => {}); db.release();',
    ],
    [
      "a thread-mode namespace socket",
      'const r = await nl.IPRoute.open({ netns: "NS" }); await r.getLinks(); r.close();',
    ],
    [
      "a process-mode namespace socket",
      'const r = await nl.IPRoute.open({ netns: "NS", mode: "process" }); await r.getLinks(); r.close();',
    ],
    [
      "a forgotten subscription nobody iterates",
      "const s = nl.NetlinkSocket.open({ groups: [1] }); s.subscribe();",
    ],
    ["a forgotten IPDB without callbacks", 'await nl.IPDB.open({ netns: "NS" });'],
  ];
  for (const [label, body] of cases) {
    it(`exits within one second after ${label}`, async () => {
      const r = await exitDelay(body.replaceAll("NS", ns));
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.ms < 1000, `${label}: exited ${r.ms} ms after its last statement`);
    });
  }

  it("keeps running while a subscription is iterated (like an open server)", async () => {
    const r = await exitDelay(
      `const s = nl.NetlinkSocket.open({ groups: [1] }); const sub = s.subscribe();
       const t0 = Date.now(); setTimeout(() => s.close(), 1500);
       for await (const _ of sub) {}
       if (Date.now() - t0 < 1400) throw new Error("left early");`,
    );
    assert.equal(r.code, 0, r.stderr);
  });
});
