/**
 * Named network namespaces on the real kernel, iproute2-compatible both ways:
 * made and removed by nlroute or by `ip netns`, attached from a process,
 * invalid names refused before anything is made.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import process from "node:process";
import { ArgumentError, netns, SyscallError } from "../mod.ts";
import {
  assertNoNewFds,
  createTestNetns,
  nsExec,
  nsInode,
  removeTestNetns,
  settledFds,
  TEST_PREFIX,
} from "./helpers.ts";
import { describeNetns, freshName, home, ours } from "./netns_util.ts";
import { inodeOf, ipNetnsList } from "./netns_probes.ts";

describeNetns(() => {
  describe("named namespaces", () => {
    it("creates a namespace ip netns sees and can exec in, and removes it", async () => {
      const name = freshName();
      const fds = await settledFds();
      netns.create(name);
      assert.ok(netns.list().includes(name));
      assert.ok(netns.exists(name));
      await assertNoNewFds(fds, "netns.create");
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
      // Other test runs come and go meanwhile: leave their (nlrt-) namespaces out.
      const listed = () =>
        netns.list().filter((n) => !n.startsWith("nlrt-") || n.startsWith(TEST_PREFIX));
      const before = listed();
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
      assert.deepEqual(listed(), before);
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
});
