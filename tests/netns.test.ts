/**
 * Network namespaces on the real kernel: named namespaces (interop with
 * `ip netns` both ways), setns/pushns/popns, sockets inside a namespace in
 * thread and process mode, NetNS, moving links, veth peers across namespaces,
 * namespace ids. Every namespace is a throwaway `nlrt-` one, removed even on
 * failure; after every test the test thread is still in its own namespace.
 */
import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import {
  addVeth,
  ArgumentError,
  getNetnsid,
  getNetnsInfo,
  IPRoute,
  listNetnsids,
  moveLink,
  NetlinkSocket,
  NetNS,
  netns,
  NetnsHelperError,
  openSocketInProcess,
  RTM,
  RTNLGRP,
  setNetnsid,
  SyscallError,
} from "../mod.ts";
import { libc } from "../ffi/libc.ts";
import { cstr, withNetns } from "../core/nsenter.ts";
import {
  createTestNetns,
  fdCount,
  ip,
  ipJson,
  isRoot,
  nsExec,
  nsInode,
  removeTestNetns,
  runtime,
  settledFdCount,
  testName,
} from "./helpers.ts";

const ours = new Set<string>();

/** A fresh `nlrt-` name for a namespace the library itself creates. */
function freshName(): string {
  const name = testName("lib");
  ours.add(name);
  return name;
}

/** Removes what the library created, whatever state a test left. */
function cleanupOurs(): void {
  for (const name of ours) spawnSync("ip", ["netns", "del", name]);
  ours.clear();
}
process.on("exit", cleanupOurs);

function ipNetnsList(): string[] {
  return ip(["netns", "list"]).split("\n").map((l) => l.split(" ")[0]!).filter(Boolean);
}

function linkNames(ns: string): string[] {
  return (ipJson(["link", "show"], ns) as { ifname: string }[]).map((l) => l.ifname).sort();
}

function inodeOf(path: string): number {
  return statSync(path).ino;
}

/** Child processes of this process whose command line mentions `word`. */
function childrenMatching(word: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${p}/cmdline`, "utf8").includes(word)) out.push(Number(p));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Runs a TypeScript snippet with the runtime running the tests (optionally under a prefix command). */
function runSnippet(
  code: string,
  prefix: string[] = [],
): { status: number | null; out: string; err: string } {
  const args = runtime === "deno" ? ["eval", "--ext=ts", code] : ["-e", code];
  const cmd = [...prefix, process.execPath, ...args];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: "utf8", timeout: 30000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const MOD = new URL("../mod.ts", import.meta.url).href;

describe("netns (live, throwaway namespaces)", { skip: !isRoot && "needs root" }, () => {
  let home = 0;
  let processHome = 0;
  before(() => {
    home = nsInode();
    processHome = inodeOf("/proc/self/ns/net");
  });
  afterEach(() => {
    // Whatever a test did, the test thread (and the process) must still be in their namespace.
    while (netns.stackDepth() > 0) netns.popns();
    assert.equal(nsInode(), home, "the test thread changed namespace");
    assert.equal(inodeOf("/proc/self/ns/net"), processHome, "the process changed namespace");
  });
  after(cleanupOurs);

  describe("named namespaces", () => {
    it("creates a namespace ip netns sees and can exec in, and removes it", () => {
      const name = freshName();
      const fds = fdCount();
      netns.create(name);
      assert.ok(netns.list().includes(name));
      assert.ok(netns.exists(name));
      assert.equal(fdCount(), fds);
      assert.ok(ipNetnsList().includes(name));
      // ip netns exec works in ours: a fresh namespace has only lo.
      const links = JSON.parse(nsExec(name, ["ip", "-j", "link", "show"])) as { ifname: string }[];
      assert.deepEqual(links.map((l) => l.ifname), ["lo"]);
      assert.notEqual(inodeOf(`/run/netns/${name}`), home);
      assert.equal(nsInode(), home);
      netns.remove(name);
      ours.delete(name);
      assert.ok(!netns.list().includes(name));
      assert.ok(!netns.exists(name));
      assert.ok(!ipNetnsList().includes(name));
    });

    it("makes /run/netns a shared mount, as iproute2 does", () => {
      const name = freshName();
      netns.create(name);
      const info = readFileSync("/proc/self/mountinfo", "utf8").split("\n")
        .filter((l) => l.split(" ")[4] === "/run/netns");
      assert.ok(info.length > 0, "no mount at /run/netns");
      assert.match(info.at(-1)!, /shared:\d+/);
      netns.remove(name);
      ours.delete(name);
    });

    it("sees namespaces ip netns add made, and removes them so that ip no longer sees them", () => {
      const theirs = createTestNetns();
      try {
        assert.ok(netns.list().includes(theirs));
        assert.ok(netns.exists(theirs));
        netns.remove(theirs);
        assert.ok(!ipNetnsList().includes(theirs));
      } finally {
        removeTestNetns(theirs);
      }
    });

    it("refuses invalid names with ArgumentError and creates nothing", () => {
      const before = netns.list();
      for (const bad of ["", "a/b", ".", "..", "a\0b", "x".repeat(256), "/run/netns/x"]) {
        assert.throws(() => netns.create(bad), (e: Error) => {
          assert.ok(e instanceof ArgumentError, String(e));
          assert.match(e.message, /^Cannot create namespace: invalid argument "name"/);
          return true;
        });
        assert.throws(() => netns.remove(bad), ArgumentError);
        assert.throws(() => netns.exists(bad), ArgumentError);
      }
      assert.doesNotThrow(() => netns.exists("é".repeat(127))); // 254 bytes: valid
      assert.throws(() => netns.create("é".repeat(128)), /at most 255 bytes/);
      assert.deepEqual(netns.list(), before);
    });

    it("reports an existing name and a missing namespace clearly", () => {
      const name = freshName();
      netns.create(name);
      assert.throws(() => netns.create(name), (e: SyscallError) => {
        assert.ok(e instanceof SyscallError);
        assert.equal(e.code, "EEXIST");
        assert.match(e.message, /^Cannot create namespace "nlrt-[^"]+" .*EEXIST/);
        return true;
      });
      netns.remove(name);
      ours.delete(name);
      assert.throws(() => netns.remove(name), (e: SyscallError) => {
        assert.ok(e instanceof SyscallError);
        assert.equal(e.code, "ENOENT");
        assert.match(e.message, /^Cannot remove namespace "nlrt-[^"]+" \(no such namespace\)/);
        return true;
      });
    });

    it("attaches the namespace of a process under a name", () => {
      const name = freshName();
      netns.attach(name, process.pid);
      assert.equal(inodeOf(`/run/netns/${name}`), inodeOf(`/proc/${process.pid}/ns/net`));
      assert.ok(ipNetnsList().includes(name));
      assert.throws(() => netns.attach(name, process.pid), /EEXIST/);
      netns.remove(name);
      ours.delete(name);
      const other = freshName();
      assert.throws(() => netns.attach(other, 0x3ffffffe), (e: SyscallError) => {
        assert.equal(e.code, "ENOENT");
        return true;
      });
      assert.ok(!netns.exists(other));
      ours.delete(other);
    });
  });

  describe("setns / pushns / popns", () => {
    let a = "";
    let b = "";
    before(() => {
      a = createTestNetns();
      b = createTestNetns();
      ip(["link", "add", "in-a", "type", "veth", "peer", "name", "in-a2"], a);
      ip(["link", "add", "in-b", "type", "veth", "peer", "name", "in-b2"], b);
    });
    after(() => {
      removeTestNetns(a);
      removeTestNetns(b);
    });

    async function namesHere(): Promise<string[]> {
      await using ipr = await IPRoute.open();
      return (await ipr.getLinks()).map((l) => l.ifname!).sort();
    }

    it("pushns enters, nests, and popns comes back", async () => {
      const depth = netns.stackDepth();
      netns.pushns(a);
      try {
        assert.equal(nsInode(), inodeOf(`/run/netns/${a}`));
        assert.deepEqual(await namesHere(), ["in-a", "in-a2", "lo"]);
        netns.pushns(`/run/netns/${b}`);
        try {
          assert.equal(nsInode(), inodeOf(`/run/netns/${b}`));
          assert.deepEqual(await namesHere(), ["in-b", "in-b2", "lo"]);
        } finally {
          netns.popns();
        }
        assert.equal(nsInode(), inodeOf(`/run/netns/${a}`));
      } finally {
        netns.popns();
      }
      assert.equal(netns.stackDepth(), depth);
      assert.equal(nsInode(), home);
      assert.throws(() => netns.popns(), /^Error: Cannot pop namespace: the stack is empty/);
      assert.throws(() => netns.dropns(), /Cannot drop namespace/);
    });

    it("setns takes a name, a path and a descriptor", () => {
      const c = libc();
      const saved = c.open(cstr("/proc/thread-self/ns/net"), 0x80000, 0);
      assert.ok(saved >= 0);
      try {
        netns.setns(a);
        assert.equal(nsInode(), inodeOf(`/run/netns/${a}`));
        netns.setns({ path: `/run/netns/${b}` });
        assert.equal(nsInode(), inodeOf(`/run/netns/${b}`));
        netns.setns(saved);
        assert.equal(nsInode(), home);
        assert.throws(() => netns.setns("nlrt-no-such-ns"), (e: SyscallError) => {
          assert.equal(e.code, "ENOENT");
          return true;
        });
        assert.equal(nsInode(), home);
      } finally {
        netns.setns(saved);
        c.close(saved);
      }
    });

    it("thread mode returns the thread where it was: nested entries, and after a raw setns", async () => {
      const c = libc();
      const inA = inodeOf(`/run/netns/${a}`);
      const inB = inodeOf(`/run/netns/${b}`);
      // Nested entries: the inner one comes back to a, the outer one home.
      const seen = withNetns(a, () => {
        const inner = withNetns(b, () => nsInode());
        return [inner, nsInode()];
      });
      assert.deepEqual(seen, [inB, inA]);
      assert.equal(nsInode(), home);
      // The thread moved behind nlroute's back (raw setns): an entry comes back there, not home.
      (await IPRoute.open({ netns: a })).close();
      const saved = c.open(cstr("/proc/thread-self/ns/net"), 0x80000, 0);
      const fdB = c.open(cstr(`/run/netns/${b}`), 0x80000, 0);
      try {
        assert.equal(c.setns(fdB, 0x40000000), 0);
        const ipr = await IPRoute.open({ netns: a });
        assert.equal(nsInode(), inB);
        assert.deepEqual((await ipr.getLinks()).map((l) => l.ifname).sort(), [
          "in-a",
          "in-a2",
          "lo",
        ]);
        ipr.close();
      } finally {
        c.setns(saved, 0x40000000);
        c.close(saved);
        c.close(fdB);
      }
      assert.equal(nsInode(), home);
      // An entry that fails inside still comes back.
      assert.throws(() =>
        withNetns(a, () => {
          throw new Error("boom");
        }), /boom/);
      assert.equal(nsInode(), home);
    });

    it("pushns with create makes a missing namespace, and a failed push leaves the stack alone", () => {
      const name = freshName();
      netns.pushns(name, { create: true });
      try {
        assert.equal(nsInode(), inodeOf(`/run/netns/${name}`));
      } finally {
        netns.popns();
      }
      const depth = netns.stackDepth();
      assert.throws(() => netns.pushns("nlrt-no-such-ns"), /ENOENT/);
      assert.equal(netns.stackDepth(), depth);
      netns.remove(name);
      ours.delete(name);
    });
  });

  for (const mode of ["thread", "process"] as const) {
    describe(`sockets inside a namespace, ${mode} mode`, () => {
      let ns = "";
      before(() => {
        ns = createTestNetns();
      });
      after(() => removeTestNetns(ns));

      it("dumps, sends requests and receives events like a local socket", async () => {
        await using ipr = await IPRoute.open({ netns: ns, mode, groups: [RTNLGRP.LINK] });
        assert.deepEqual((await ipr.getLinks()).map((l) => l.ifname), ["lo"]);
        const sub = ipr.socket.subscribe();
        await ipr.link("add", { ifname: `${mode}0`, kind: "veth", peer: `${mode}1` });
        assert.deepEqual(linkNames(ns), ["lo", `${mode}0`, `${mode}1`]);
        const ev = await sub.next();
        assert.equal((ev.value as { type: number }).type, RTM.NEWLINK);
        sub.close();
        ip(["link", "del", `${mode}0`], ns);
        assert.equal(nsInode(), home);
      });

      it("opens by path, descriptor and pid too", async () => {
        const c = libc();
        const fd = c.open(cstr(`/run/netns/${ns}`), 0x80000, 0);
        assert.ok(fd >= 0);
        const sleeper = spawn("ip", ["netns", "exec", ns, "sleep", "30"], { stdio: "ignore" });
        try {
          const want = inodeOf(`/run/netns/${ns}`);
          for (let i = 0; i < 200 && !sameNs(sleeper.pid!, want); i++) await delay(10);
          for (
            const ref of [`/run/netns/${ns}`, { path: `/run/netns/${ns}` }, fd, { fd }, {
              pid: sleeper.pid!,
            }]
          ) {
            await using ipr = await IPRoute.open({ netns: ref, mode });
            assert.deepEqual(
              (await ipr.getLinks()).map((l) => l.ifname),
              ["lo"],
              JSON.stringify(ref),
            );
          }
        } finally {
          sleeper.kill("SIGKILL");
          c.close(fd);
        }
      });

      it("NetNS: creates a missing namespace, works, and remove() deletes it", async () => {
        const name = freshName();
        const ipr = await NetNS.open(name, { mode });
        try {
          assert.equal(ipr.name, name);
          assert.equal(ipr.path, `/run/netns/${name}`);
          assert.ok(ipNetnsList().includes(name));
          await ipr.link("add", { ifname: "n0", kind: "veth", peer: "n1" });
          assert.deepEqual(linkNames(name), ["lo", "n0", "n1"]);
        } finally {
          ipr.remove();
        }
        ours.delete(name);
        assert.ok(!ipNetnsList().includes(name));
        assert.ok(ipr.socket.closed);
        await assert.rejects(NetNS.open(name, { mode, create: false }), (e: SyscallError) => {
          assert.ok(e instanceof SyscallError);
          assert.equal(e.code, "ENOENT");
          return true;
        });
        assert.ok(!netns.exists(name));
      });
    });
  }

  describe("leaks", () => {
    let ns = "";
    before(() => {
      ns = createTestNetns();
    });
    after(() => removeTestNetns(ns));

    it("1,000 thread-mode sockets opened and closed leave the fd count unchanged", async () => {
      // Warm up (the poller, lazily opened descriptors).
      (await IPRoute.open({ netns: ns })).close();
      const fds = await settledFdCount();
      for (let i = 0; i < 1000; i++) {
        const ipr = await IPRoute.open({ netns: ns });
        ipr.close();
      }
      assert.equal(await settledFdCount(), fds);
      assert.equal(nsInode(), home);
    });

    it("20 process-mode sockets leave the fd count unchanged and no helper behind", async () => {
      (await IPRoute.open({ netns: ns, mode: "process" })).close();
      const fds = await settledFdCount();
      for (let i = 0; i < 20; i++) {
        const ipr = await IPRoute.open({ netns: ns, mode: "process" });
        assert.equal((await ipr.getLinks()).length, 1);
        ipr.close();
      }
      assert.equal(await settledFdCount(), fds);
      assert.deepEqual(childrenMatching("helper.ts"), []);
    });
  });

  describe("process mode failures", () => {
    it("a missing namespace comes back as a typed error", async () => {
      const fds = await settledFdCount();
      await assert.rejects(
        IPRoute.open({ netns: "nlrt-no-such-ns", mode: "process" }),
        (e: SyscallError) => {
          assert.ok(e instanceof SyscallError, String(e));
          assert.equal(e.code, "ENOENT");
          assert.equal(e.call, "open");
          assert.equal(e.reason, "No such file or directory");
          assert.match(
            e.message,
            /^Cannot open namespace \/run\/netns\/nlrt-no-such-ns \(in the process-mode helper\): ENOENT/,
          );
          return true;
        },
      );
      // Not a namespace file: setns refuses it.
      await assert.rejects(openSocketInProcess("/dev/null"), (e: SyscallError) => {
        assert.equal(e.call, "setns");
        assert.equal(e.code, "EINVAL");
        return true;
      });
      assert.equal(await settledFdCount(), fds);
      assert.deepEqual(childrenMatching("helper.ts"), []);
    });

    it("a helper without permission (no CAP_SYS_ADMIN) reports EPERM", () => {
      const ns = createTestNetns();
      try {
        const code = `
          import { IPRoute } from "${MOD}";
          try {
            await IPRoute.open({ netns: "${ns}", mode: "process" });
            console.log(JSON.stringify({ ok: true }));
          } catch (e) {
            console.log(JSON.stringify({ name: e.name, code: e.code, call: e.call, message: e.message }));
          }
        `;
        const r = runSnippet(code, [
          "setpriv",
          "--bounding-set=-sys_admin",
          "--inh-caps=-sys_admin",
          "--",
        ]);
        assert.equal(r.status, 0, r.err);
        const got = JSON.parse(r.out.trim().split("\n").at(-1)!);
        assert.equal(got.name, "SyscallError", r.out);
        assert.equal(got.code, "EPERM");
        assert.equal(got.call, "setns");
        assert.match(got.message, /in the process-mode helper/);
      } finally {
        removeTestNetns(ns);
      }
    });

    it("a helper that hangs is killed after the timeout", async () => {
      // Opening a FIFO nobody writes blocks: a real hang inside the helper.
      const dir = mkdtempSync(join(tmpdir(), "nlrt-fifo-"));
      const fifo = join(dir, "ns");
      execFileSync("mkfifo", [fifo]);
      try {
        const t0 = Date.now();
        await assert.rejects(
          IPRoute.open({ netns: fifo, mode: "process", timeout: 300 }),
          (e: NetnsHelperError) => {
            assert.ok(e instanceof NetnsHelperError, String(e));
            assert.equal(e.reason, "timeout");
            assert.equal(e.exit?.signal, "SIGKILL");
            assert.match(e.message, /did not answer within 300 ms and was killed/);
            return true;
          },
        );
        assert.ok(Date.now() - t0 < 5000);
        assert.deepEqual(childrenMatching("helper.ts"), []);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("mode fork is refused, saying why and naming the two other modes", async () => {
      await assert.rejects(IPRoute.open({ netns: "x", mode: "fork" }), (e: Error) => {
        assert.ok(e instanceof ArgumentError);
        assert.match(e.message, /^Cannot open a namespace socket with fork\(\)/);
        assert.match(e.message, /MADV_DONTFORK/);
        assert.match(e.message, /"thread"/);
        assert.match(e.message, /"process"/);
        return true;
      });
      await assert.rejects(
        NetNS.open("nlrt-never", { mode: "fork", create: false }),
        ArgumentError,
      );
    });

    it("checks its arguments before starting anything", async () => {
      await assert.rejects(openSocketInProcess("a/b"), ArgumentError);
      await assert.rejects(openSocketInProcess("x", { timeout: 0 }), ArgumentError);
      await assert.rejects(openSocketInProcess("x", { protocol: 99 }), ArgumentError);
    });
  });

  describe("links across namespaces", () => {
    let a = "";
    let b = "";
    before(() => {
      a = createTestNetns();
      b = createTestNetns();
    });
    after(() => {
      removeTestNetns(a);
      removeTestNetns(b);
    });

    it("moves a link by name, path, descriptor and pid; ip -n sees it move", async () => {
      ip(["link", "add", "m0", "type", "veth", "peer", "name", "m1"], a);
      await using ipa = await IPRoute.open({ netns: a });
      await using ipb = await IPRoute.open({ netns: b });
      await moveLink(ipa, "m1", b);
      assert.deepEqual(linkNames(a), ["lo", "m0"]);
      assert.deepEqual(linkNames(b), ["lo", "m1"]);
      // Back by path, renamed on the way.
      const [idx] = await ipb.linkLookup({ ifname: "m1" });
      await moveLink(ipb, idx!, `/run/netns/${a}`, { ifname: "m1x" });
      assert.deepEqual(linkNames(a), ["lo", "m0", "m1x"]);
      assert.deepEqual(linkNames(b), ["lo"]);
      // By descriptor.
      const c = libc();
      const fd = c.open(cstr(`/run/netns/${b}`), 0x80000, 0);
      try {
        await moveLink(ipa, "m1x", { fd });
      } finally {
        c.close(fd);
      }
      assert.deepEqual(linkNames(b), ["lo", "m1x"]);
      // By pid: a process living in a.
      const sleeper = spawn("ip", ["netns", "exec", a, "sleep", "30"], { stdio: "ignore" });
      try {
        const want = inodeOf(`/run/netns/${a}`);
        for (let i = 0; i < 200 && !sameNs(sleeper.pid!, want); i++) await delay(10);
        await moveLink(ipb, "m1x", { pid: sleeper.pid! }, { ifname: "m1" });
      } finally {
        sleeper.kill("SIGKILL");
      }
      assert.deepEqual(linkNames(a), ["lo", "m0", "m1"]);
      assert.deepEqual(linkNames(b), ["lo"]);
      await assert.rejects(moveLink(ipa, "m1", "nlrt-no-such-ns"), /ENOENT/);
      ip(["link", "del", "m0"], a);
    });

    it("creates a veth pair with its peer directly in another namespace", async () => {
      await using ipa = await IPRoute.open({ netns: a });
      await addVeth(ipa, {
        ifname: "x0",
        mtu: 1400,
        peer: { ifname: "x1", mtu: 1300 },
        peerNetns: b,
      });
      const local = ipJson(["link", "show", "x0"], a)[0];
      const peer = ipJson(["link", "show", "x1"], b)[0];
      assert.equal(local.mtu, 1400);
      assert.equal(peer.mtu, 1300);
      assert.equal(typeof local.link_netnsid, "number");
      assert.ok(!linkNames(a).includes("x1"));
      ip(["link", "del", "x0"], a);
    });

    it("gets and sets namespace ids, as ip netns list-id sees them", async () => {
      const c = createTestNetns();
      try {
        await using ipa = await IPRoute.open({ netns: a });
        assert.equal(await getNetnsid(ipa, c), undefined);
        assert.equal(await setNetnsid(ipa, c, 7), 7);
        assert.equal(await getNetnsid(ipa, `/run/netns/${c}`), 7);
        const listed = ipJson(["netns", "list-id"], a) as { nsid: number }[];
        assert.ok(listed.some((x) => x.nsid === 7), JSON.stringify(listed));
        assert.ok((await listNetnsids(ipa)).some((x) => x.nsid === 7));
        await assert.rejects(setNetnsid(ipa, c, 8), /EEXIST/);
        // The other way: ip assigns, we read.
        ip(["netns", "set", c, "11"], b);
        await using ipb = await IPRoute.open({ netns: b });
        assert.equal(await getNetnsid(ipb, c), 11);
        // Without an id, the kernel picks one.
        const d = createTestNetns();
        try {
          const id = await setNetnsid(ipb, d);
          assert.ok(Number.isInteger(id) && id >= 0);
          assert.equal(await getNetnsid(ipb, { path: `/run/netns/${d}` }), id);
        } finally {
          removeTestNetns(d);
        }
      } finally {
        removeTestNetns(c);
      }
    });

    it("getNetnsInfo lists namespaces with their ids and the veth peers linking them", async () => {
      await using ipa = await IPRoute.open({ netns: a });
      await addVeth(ipa, { ifname: "i0", peer: "i1", peerNetns: b });
      const info = await getNetnsInfo(ipa);
      const entry = info.find((x) => x.name === b);
      assert.ok(entry, JSON.stringify(info.map((x) => x.name)));
      assert.equal(entry.path, `/run/netns/${b}`);
      assert.equal(entry.inode, inodeOf(`/run/netns/${b}`));
      assert.equal(entry.netnsid, await getNetnsid(ipa, b));
      assert.deepEqual(entry.peers.map((l) => l.ifname), ["i0"]);
      const inodes = info.map((x) => x.inode);
      assert.equal(new Set(inodes).size, inodes.length, "a namespace listed twice");
      ip(["link", "del", "i0"], a);
    });
  });

  it("NetlinkSocket adopts a process-mode descriptor", async () => {
    const ns = createTestNetns();
    try {
      const fd = await openSocketInProcess(ns);
      await using sock = NetlinkSocket.open({ fd });
      const links = await sock.dump({ type: RTM.GETLINK, body: (w) => w.zeros(16) }).all();
      assert.equal(links.length, 1);
    } finally {
      removeTestNetns(ns);
    }
  });
});

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function sameNs(pid: number, inode: number): boolean {
  try {
    return statSync(`/proc/${pid}/ns/net`).ino === inode;
  } catch {
    return false;
  }
}
