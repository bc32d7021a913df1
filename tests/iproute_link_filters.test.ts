/**
 * IPRoute link dumps filtered by kind and master in the kernel (strict
 * sockets) and on the client (lax ones), checked against `ip link show type|master`.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { IPRoute } from "../mod.ts";
import { ip, ipJson } from "./helpers.ts";
import { ifindex, live, veth, withIPRoute } from "./iproute_util.ts";

describe("IPRoute link: dump filters (live)", live, () => {
  it("filters by kind and master in the kernel, as the client-side filter does", async () => {
    await withIPRoute(async (ipr, ns) => {
      ip(["link", "add", "br0", "type", "bridge"], ns);
      ip(["link", "add", "br1", "type", "bridge"], ns);
      for (let i = 0; i < 3; i++) {
        veth(ns, `a${i}`, `b${i}`);
      }
      ip(["link", "add", "ifb0", "type", "ifb"], ns);
      ip(["link", "set", "a0", "master", "br0"], ns);
      ip(["link", "set", "a1", "master", "br0"], ns);
      ip(["link", "set", "a2", "master", "br1"], ns);
      const lax = await IPRoute.open({ netns: ns, strict: false });
      try {
        assert.equal(ipr.socket.strict, true);
        assert.equal(lax.socket.strict, false);
        const names = async (r: IPRoute, f: Record<string, unknown>) =>
          (await r.link("dump", f).all()).map((l) => l.ifname!).sort();
        for (const kind of ["veth", "bridge", "ifb"]) {
          const oracle = ipJson(["link", "show", "type", kind], ns)
            .map((j: { ifname: string }) => j.ifname).sort();
          assert.deepEqual(await names(ipr, { kind }), oracle, kind);
          assert.deepEqual(await names(lax, { kind }), oracle, kind);
          const all = await ipr.getLinks();
          assert.deepEqual(all.filter((l) => l.kind === kind).map((l) => l.ifname).sort(), oracle);
        }
        for (const master of ["br0", "br1"]) {
          const oracle = ipJson(["link", "show", "master", master], ns)
            .map((j: { ifname: string }) => j.ifname).sort();
          assert.deepEqual(await names(ipr, { master }), oracle, master);
          assert.deepEqual(await names(lax, { master }), oracle, master);
          assert.deepEqual(await names(ipr, { master: ifindex(ns, master) }), oracle);
        }
        assert.deepEqual(await names(ipr, { kind: "veth", master: "br0" }), ["a0", "a1"]);
        // Client-side fields: the kernel has no filter for these.
        ip(["link", "set", "b1", "mtu", "1300"], ns);
        assert.deepEqual(await names(ipr, { mtu: 1300 }), ["b1"]);
        assert.deepEqual(await names(lax, { mtu: 1300, kind: "veth" }), ["b1"]);
        // Streaming gives the same answer as all().
        const streamed: string[] = [];
        for await (const l of ipr.link("dump", { kind: "veth" })) streamed.push(l.ifname!);
        assert.deepEqual(streamed.sort(), await names(ipr, { kind: "veth" }));
      } finally {
        lax.close();
      }
    });
  });
});
