/**
 * Sockets inside a namespace, in thread mode (setns on the calling thread)
 * and process mode (a helper process passes the socket back): dumps, requests
 * and events like a local socket, every way to name the namespace, NetNS, and
 * no descriptor or helper left behind after many of them.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { IPRoute, NetNS, netns, RTM, RTNLGRP, SyscallError } from "../mod.ts";
import { libc } from "../ffi/libc.ts";
import { assertNoNewFds, ip, nsInode, settledFds } from "./helpers.ts";
import { describeNetns, freshName, home, ours, suiteNamespaces } from "./netns_util.ts";
import { childrenMatching, ipNetnsList, linkNames, openNs, withProcessIn } from "./netns_probes.ts";

describeNetns(() => {
  for (const mode of ["thread", "process"] as const) {
    describe(`sockets inside a namespace, ${mode} mode`, () => {
      let ns = "";
      suiteNamespaces(1, ([x]) => (ns = x!));

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
        const fd = openNs(`/run/netns/${ns}`);
        assert.ok(fd >= 0);
        try {
          await withProcessIn(ns, async (pid) => {
            for (
              const ref of [`/run/netns/${ns}`, { path: `/run/netns/${ns}` }, fd, { fd }, { pid }]
            ) {
              await using ipr = await IPRoute.open({ netns: ref, mode });
              assert.deepEqual(
                (await ipr.getLinks()).map((l) => l.ifname),
                ["lo"],
                JSON.stringify(ref),
              );
            }
          });
        } finally {
          libc().close(fd);
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
    suiteNamespaces(1, ([x]) => (ns = x!));

    it("1,000 thread-mode sockets opened and closed leave the fd count unchanged", async () => {
      // Warm up (the poller, lazily opened descriptors).
      (await IPRoute.open({ netns: ns })).close();
      const fds = await settledFds();
      for (let i = 0; i < 1000; i++) {
        const ipr = await IPRoute.open({ netns: ns });
        ipr.close();
      }
      await assertNoNewFds(fds);
      assert.equal(nsInode(), home);
    });

    it("20 process-mode sockets leave the fd count unchanged and no helper behind", async () => {
      (await IPRoute.open({ netns: ns, mode: "process" })).close();
      const fds = await settledFds();
      for (let i = 0; i < 20; i++) {
        const ipr = await IPRoute.open({ netns: ns, mode: "process" });
        assert.equal((await ipr.getLinks()).length, 1);
        ipr.close();
      }
      await assertNoNewFds(fds);
      assert.deepEqual(childrenMatching("helper.ts"), []);
    });
  });
});
