/**
 * Moving the calling thread between namespaces: setns by name, path and
 * descriptor, the pushns/popns stack, and thread-mode entries that always come
 * back where the thread was (nested, after a raw setns, after a failure).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { IPRoute, netns, type SyscallError } from "../mod.ts";
import { libc } from "../ffi/libc.ts";
import { withNetns } from "../core/nsenter.ts";
import { nsInode } from "./helpers.ts";
import { veth } from "./iproute_util.ts";
import { describeNetns, freshName, home, ours, suiteNamespaces } from "./netns_util.ts";
import { inodeOf, openNs } from "./netns_probes.ts";

describeNetns(() => {
  describe("setns / pushns / popns", () => {
    let a = "";
    let b = "";
    suiteNamespaces(2, ([x, y]) => {
      [a, b] = [x!, y!];
      veth(a, "in-a", "in-a2");
      veth(b, "in-b", "in-b2");
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
      const saved = openNs("/proc/thread-self/ns/net");
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
      const saved = openNs("/proc/thread-self/ns/net");
      const fdB = openNs(`/run/netns/${b}`);
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
});
