/**
 * Links across namespaces: moving a link by name, path, descriptor and pid,
 * a veth pair made with its peer in another namespace, namespace ids (both
 * ways with `ip netns list-id`/`set`), and getNetnsInfo's view of them.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  addVeth,
  getNetnsid,
  getNetnsInfo,
  IPRoute,
  listNetnsids,
  moveLink,
  setNetnsid,
} from "../mod.ts";
import { libc } from "../ffi/libc.ts";
import { createTestNetns, ip, ipJson, removeTestNetns } from "./helpers.ts";
import { veth } from "./iproute_util.ts";
import { describeNetns, suiteNamespaces } from "./netns_util.ts";
import { inodeOf, linkNames, openNs, withProcessIn } from "./netns_probes.ts";

describeNetns(() => {
  describe("links across namespaces", () => {
    let a = "";
    let b = "";
    suiteNamespaces(2, ([x, y]) => ([a, b] = [x!, y!]));

    it("moves a link by name, path, descriptor and pid; ip -n sees it move", async () => {
      veth(a, "m0", "m1");
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
      const fd = openNs(`/run/netns/${b}`);
      try {
        await moveLink(ipa, "m1x", { fd });
      } finally {
        libc().close(fd);
      }
      assert.deepEqual(linkNames(b), ["lo", "m1x"]);
      // By pid: a process living in a.
      await withProcessIn(a, (pid) => moveLink(ipb, "m1x", { pid }, { ifname: "m1" }));
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
});
