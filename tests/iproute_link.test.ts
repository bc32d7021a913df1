/**
 * IPRoute links, checked against `ip -j -d link show` in throwaway
 * namespaces: veth pairs made both ways, and every command (add, set, change,
 * replace, del, property_add/property_del, lookups, ensure).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NetlinkError } from "../mod.ts";
import { ip, ipJson } from "./helpers.ts";
import { ifindex, ipLines, ipLink, live, veth, withIPRoute } from "./iproute_util.ts";
import { assertSameLink } from "./iproute_link_util.ts";

describe("IPRoute link: veth (live)", live, () => {
  it("adds a veth pair with the peer given by name", async () => {
    await withIPRoute(async (ipr, ns) => {
      const ack = await ipr.link("add", { ifname: "v0", kind: "veth", peer: "v1" });
      assert.equal(ack.warning, undefined);
      const v0 = ipLink(ns, "v0");
      const v1 = ipLink(ns, "v1");
      assert.equal(v0.linkinfo.info_kind, "veth");
      assert.equal(v1.linkinfo.info_kind, "veth");
      assert.equal(v0.link, "v1");
      assert.equal(v1.link, "v0");
      const l = await ipr.link("get", { ifname: "v0" });
      assertSameLink(l, v0, ns);
      assert.equal(l.link, v1.ifindex);
    });
  });

  it("adds a veth pair with the peer as a full spec", async () => {
    await withIPRoute(async (ipr, ns) => {
      await ipr.link("add", {
        ifname: "v0",
        kind: "veth",
        address: "02:00:00:00:00:0a",
        mtu: 9000,
        peer: { ifname: "v1", address: "02:00:00:00:00:0b", mtu: 1400, txqlen: 77 },
      });
      const v0 = ipLink(ns, "v0");
      const v1 = ipLink(ns, "v1");
      assert.equal(v0.address, "02:00:00:00:00:0a");
      assert.equal(v0.mtu, 9000);
      assert.equal(v1.address, "02:00:00:00:00:0b");
      assert.equal(v1.mtu, 1400);
      assert.equal(v1.txqlen, 77);
      assertSameLink(await ipr.link("get", { ifname: "v1" }), v1, ns);
    });
  });

  it("sees a veth pair made by ip, field by field", async () => {
    await withIPRoute(async (ipr, ns) => {
      ipLines(ns, "link add a0 mtu 1300 type veth peer name a1");
      ip(["link", "set", "a0", "up"], ns);
      ip(["link", "set", "a0", "alias", "uplink"], ns);
      for (const name of ["a0", "a1", "lo"]) {
        const j = ipLink(ns, name);
        assertSameLink(await ipr.link("get", { index: j.ifindex }), j, ns);
        assertSameLink(await ipr.link("get", { ifname: name }), j, ns);
      }
      assert.equal((await ipr.link("get", { ifname: "a0" })).ifalias, "uplink");
      const dumped = await ipr.getLinks();
      const oracle = ipJson(["-d", "link", "show"], ns);
      assert.deepEqual(
        dumped.map((l) => l.ifname).sort(),
        oracle.map((j: { ifname: string }) => j.ifname).sort(),
      );
      for (const l of dumped) {
        assertSameLink(l, oracle.find((j: { ifindex: number }) => j.ifindex === l.index), ns);
      }
    });
  });
});

describe("IPRoute link: set, change, replace, del (live)", live, () => {
  it("sets state, mtu, address, txqlen, group, alias and name", async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
      const index = ifindex(ns, "v0");
      await ipr.link("set", {
        index,
        state: "up",
        mtu: 1280,
        address: "02:00:00:00:01:01",
        txqlen: 42,
        group: 7,
        ifalias: "to the peer",
      });
      let j = ipLink(ns, "v0");
      assert.ok(j.flags.includes("UP"));
      assert.equal(j.mtu, 1280);
      assert.equal(j.address, "02:00:00:00:01:01");
      assert.equal(j.txqlen, 42);
      assert.equal(j.group, "7");
      assert.equal(j.ifalias, "to the peer");
      await ipr.link("set", { index, ifname: "renamed0", state: "down" });
      j = ipLink(ns, "renamed0");
      assert.equal(j.ifindex, index);
      assert.ok(!j.flags.includes("UP"));
      assertSameLink(await ipr.link("get", { index }), j, ns);
    });
  });

  it("changes a link selected by name, like set", async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
      await ipr.link("change", { ifname: "v1", mtu: 1400, state: "up" });
      const j = ipLink(ns, "v1");
      assert.equal(j.mtu, 1400);
      assert.ok(j.flags.includes("UP"));
      await assert.rejects(
        ipr.link("change", { ifname: "nosuch0", mtu: 1400 }),
        (e: NetlinkError) => e instanceof NetlinkError && e.code === "ENODEV",
      );
    });
  });

  it("replace creates a missing link and changes an existing one", async () => {
    await withIPRoute(async (ipr, ns) => {
      await ipr.link("replace", { ifname: "ifb0", kind: "ifb", txqlen: 100 });
      assert.equal(ipLink(ns, "ifb0").linkinfo.info_kind, "ifb");
      assert.equal(ipLink(ns, "ifb0").txqlen, 100);
      const index = ifindex(ns, "ifb0");
      await ipr.link("replace", { ifname: "ifb0", kind: "ifb", txqlen: 200, mtu: 1280 });
      const j = ipLink(ns, "ifb0");
      assert.equal(j.ifindex, index, "the same link, changed in place");
      assert.equal(j.txqlen, 200);
      assert.equal(j.mtu, 1280);
      // Replacing with another kind is refused by the kernel.
      await assert.rejects(
        ipr.link("replace", { ifname: "ifb0", kind: "bridge", data: { stpState: 1 } }),
        NetlinkError,
      );
      assert.equal(ipLink(ns, "ifb0").linkinfo.info_kind, "ifb");
    });
  });

  it("deletes by index and by name, and ip sees them gone (both ways)", async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
      ip(["link", "add", "ifb0", "type", "ifb"], ns);
      await ipr.link("add", { ifname: "ifb1", kind: "ifb" });
      await ipr.link("del", { index: ifindex(ns, "v0") });
      await ipr.link("del", { ifname: "ifb0" });
      const names = ipJson(["link", "show"], ns).map((j: { ifname: string }) => j.ifname);
      assert.deepEqual(names.sort(), ["ifb1", "lo"]);
      ip(["link", "del", "ifb1"], ns);
      assert.deepEqual((await ipr.getLinks()).map((l) => l.ifname), ["lo"]);
      assert.deepEqual(await ipr.linkLookup({ ifname: "ifb1" }), []);
    });
  });

  it("adds and removes alternative names (property_add / property_del)", async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
      await ipr.link("property_add", { ifname: "v0", altnames: ["uplink-to-the-core", "alt0"] });
      assert.deepEqual(ipLink(ns, "v0").altnames, ["uplink-to-the-core", "alt0"]);
      const l = await ipr.link("get", { ifname: "v0" });
      assert.deepEqual(l.altnames, ["uplink-to-the-core", "alt0"]);
      assert.deepEqual(await ipr.linkLookup({ altname: "alt0" }), [l.index]);
      await ipr.link("property_del", { index: l.index, altnames: ["alt0"] });
      assert.deepEqual(ipLink(ns, "v0").altnames, ["uplink-to-the-core"]);
      ip(["link", "property", "add", "dev", "v1", "altname", "peer-alt"], ns);
      assert.deepEqual((await ipr.link("get", { ifname: "v1" })).altnames, ["peer-alt"]);
      await ipr.link("property_del", { ifname: "v1", altnames: ["peer-alt"] });
      assert.equal(ipLink(ns, "v1").altnames, undefined);
    });
  });

  it("looks links up by name, MAC and other fields", async () => {
    await withIPRoute(async (ipr, ns) => {
      ipLines(ns, "link add v0 address 02:00:00:00:02:01 type veth peer name v1");
      ip(["link", "set", "v1", "mtu", "1400"], ns);
      const v0 = ifindex(ns, "v0");
      const v1 = ifindex(ns, "v1");
      assert.deepEqual(await ipr.linkLookup({ ifname: "v0" }), [v0]);
      assert.deepEqual(await ipr.linkLookup({ ifname: "nosuch" }), []);
      assert.deepEqual(await ipr.linkLookup({ address: "02:00:00:00:02:01" }), [v0]);
      assert.deepEqual(await ipr.linkLookup({ address: "02:00:00:00:02:01".toUpperCase() }), [v0]);
      assert.deepEqual(await ipr.linkLookup({ mtu: 1400 }), [v1]);
      assert.deepEqual((await ipr.linkLookup({ kind: "veth" })).sort(), [v0, v1].sort());
    });
  });

  it("ensure() adds once and removes once", async () => {
    await withIPRoute(async (ipr, ns) => {
      assert.equal(await ipr.ensure("link", { ifname: "ifb0", kind: "ifb" }), true);
      assert.equal(await ipr.ensure("link", { ifname: "ifb0", kind: "ifb" }), false);
      assert.equal(ipLink(ns, "ifb0").linkinfo.info_kind, "ifb");
      assert.equal(await ipr.ensure("link", { ifname: "ifb0" }, { present: false }), true);
      assert.equal(await ipr.ensure("link", { ifname: "ifb0" }, { present: false }), false);
      assert.deepEqual(ipJson(["link", "show", "type", "ifb"], ns), []);
    });
  });
});
