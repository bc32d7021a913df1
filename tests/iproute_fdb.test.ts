/**
 * IPRoute bridge forwarding entries, checked against `bridge -j fdb` in
 * throwaway namespaces: entries on bridge ports (master) and on the port
 * itself (self), dump filters, ensure, and vxlan remotes (dst, vni, port).
 *
 * The kernel adds multicast entries of its own, so comparisons keep to the
 * entries a test made (02:00:… MACs, and vxlan's all-zero default entry).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { IPRoute, type Neighbour, NetlinkError } from "../mod.ts";
import { bridgeJson, ip } from "./helpers.ts";
import { bridge, describeKind, ipLines, linkMap, live, veth, withIPRoute } from "./iproute_util.ts";

const myMac = (mac: string | undefined) => mac !== undefined && mac.startsWith("02:00:");

interface BridgeFdb {
  mac: string;
  dev?: string;
  dst?: string;
  vni?: number;
  port?: number;
  vlan?: number;
  master?: string;
  flags: string[];
  state: string;
}

/** bridge(8)'s state word for a NUD mask. */
function fdbStateWord(n: Neighbour): string {
  const s = n.stateValue;
  if (s & 0x80) return "permanent";
  if (s & 0x40) return "static";
  if (s & 0x04) return "stale";
  return "";
}

/** One fdb entry in comparable terms: MAC, dst, vni, port, vlan, master, self, state word. */
const row = (...fields: unknown[]) => JSON.stringify(fields);

/** Our fdb entries, bridge's view against nlroute's, in the same terms. */
async function bothFdb(ipr: IPRoute, ns: string, dev: string) {
  const names = linkMap(ns);
  const byIndex = new Map([...names].map(([k, v]) => [v, k]));
  const oracle = (bridgeJson(["fdb", "show", "dev", dev], ns) as BridgeFdb[])
    .filter((e) => myMac(e.mac) || e.mac === "00:00:00:00:00:00")
    .map((e) =>
      row(e.mac, e.dst, e.vni, e.port, e.vlan, e.master, e.flags.includes("self"), e.state)
    )
    .sort();
  const ours = (await ipr.fdb("dump", { index: names.get(dev)! }).all())
    .filter((n) => myMac(n.lladdr) || n.lladdr === "00:00:00:00:00:00")
    .map((n) => {
      const master = n.master === undefined ? undefined : byIndex.get(n.master);
      const self = n.flags.includes("self");
      return row(n.lladdr, n.dst, n.vni, n.port, n.vlan, master, self, fdbStateWord(n));
    }).sort();
  return { oracle, ours };
}

describe("IPRoute fdb: bridge ports (live)", live, () => {
  it("adds entries on a bridge port (master) and the port itself (self), both ways", async () => {
    await withIPRoute(async (ipr, ns) => {
      ip(["link", "add", "br0", "type", "bridge"], ns);
      veth(ns);
      ip(["link", "set", "v0", "master", "br0"], ns);
      for (const l of ["br0", "v0", "v1"]) ip(["link", "set", l, "up"], ns);
      // Default state is bridge(8)'s: permanent.
      await ipr.fdb(
        "add",
        { index: "v0", lladdr: "02:00:00:00:01:01", flags: ["master"] },
      );
      await ipr.fdb(
        "add",
        { index: "v0", lladdr: "02:00:00:00:01:02", flags: "master", state: "static" },
      );
      await ipr.fdb(
        "add",
        { index: "v0", lladdr: "02:00:00:00:01:03", flags: "master", state: "dynamic" },
      );
      await ipr.fdb("add", { index: "v0", lladdr: "02:00:00:00:01:04" }); // self (the veth's own list)
      bridge(ns, "fdb add 02:00:00:00:01:05 dev v0 master static");
      bridge(ns, "fdb add 02:00:00:00:01:06 dev v0 self permanent");
      const { oracle, ours } = await bothFdb(ipr, ns, "v0");
      assert.equal(oracle.length, 6);
      assert.deepEqual(ours, oracle);
      const j = new Map(
        (bridgeJson(["fdb", "show", "dev", "v0"], ns) as BridgeFdb[]).map((e) => [e.mac, e]),
      );
      assert.equal(j.get("02:00:00:00:01:01")!.state, "permanent");
      assert.equal(j.get("02:00:00:00:01:01")!.master, "br0");
      assert.equal(j.get("02:00:00:00:01:02")!.state, "static");
      assert.equal(j.get("02:00:00:00:01:03")!.state, "");
      assert.deepEqual(j.get("02:00:00:00:01:04")!.flags, ["self"]);
      // Delete both ways.
      await ipr.fdb("del", { index: "v0", lladdr: "02:00:00:00:01:05", flags: "master" });
      await ipr.fdb("del", { index: "v0", lladdr: "02:00:00:00:01:06" });
      bridge(ns, "fdb del 02:00:00:00:01:01 dev v0 master");
      const after = await bothFdb(ipr, ns, "v0");
      assert.deepEqual(after.ours, after.oracle);
      assert.deepEqual(after.ours.map((x) => JSON.parse(x)[0]).sort(), [
        "02:00:00:00:01:02",
        "02:00:00:00:01:03",
        "02:00:00:00:01:04",
      ]);
      await assert.rejects(
        ipr.fdb("del", { index: "v0", lladdr: "02:00:00:00:01:01", flags: "master" }),
        (e: NetlinkError) => e instanceof NetlinkError && e.code === "ENOENT",
      );
    });
  });

  it("filters fdb dumps by port and master in the kernel, as client-side filtering does", async () => {
    await withIPRoute(async (ipr, ns) => {
      ip(["link", "add", "br0", "type", "bridge"], ns);
      ip(["link", "add", "br1", "type", "bridge"], ns);
      veth(ns);
      veth(ns, "v2", "v3");
      ip(["link", "set", "v0", "master", "br0"], ns);
      ip(["link", "set", "v2", "master", "br1"], ns);
      for (
        const [index, lladdr] of [["v0", "02:00:00:00:02:01"], ["v2", "02:00:00:00:02:02"]] as const
      ) {
        await ipr.fdb("add", { index, lladdr, flags: "master", state: "static" });
      }
      const names = linkMap(ns);
      const lax = await IPRoute.open({ netns: ns, strict: false });
      try {
        const macs = async (r: IPRoute, f: Record<string, unknown>) =>
          (await r.fdb("dump", f).all()).map((n) => n.lladdr!).filter(myMac).sort();
        for (
          const [f, args] of [
            [{ master: "br0" }, ["br", "br0"]],
            [{ master: names.get("br1") }, ["br", "br1"]],
            [{ index: "v0" }, ["dev", "v0"]],
            [{ index: names.get("v2") }, ["dev", "v2"]],
          ] as [Record<string, unknown>, string[]][]
        ) {
          const oracle = (bridgeJson(["fdb", "show", ...args], ns) as BridgeFdb[]).map((e) => e.mac)
            .filter(myMac).sort();
          assert.equal(oracle.length, 1, JSON.stringify(f));
          assert.deepEqual(await macs(ipr, f), oracle, JSON.stringify(f));
          assert.deepEqual(await macs(lax, f), oracle, JSON.stringify(f));
        }
      } finally {
        lax.close();
      }
    });
  });

  it("ensure() adds once and removes once", async () => {
    await withIPRoute(async (ipr, ns) => {
      ip(["link", "add", "br0", "type", "bridge"], ns);
      veth(ns);
      ip(["link", "set", "v0", "master", "br0"], ns);
      const spec = { index: "v0", lladdr: "02:00:00:00:03:01", flags: "master" };
      assert.equal(await ipr.ensure("fdb", spec), true);
      assert.equal(await ipr.ensure("fdb", spec), false);
      assert.equal(await ipr.ensure("fdb", spec, { present: false }), true);
      assert.equal(await ipr.ensure("fdb", spec, { present: false }), false);
      assert.deepEqual(
        (bridgeJson(["fdb", "show", "dev", "v0"], ns) as BridgeFdb[]).filter((e) => myMac(e.mac)),
        [],
      );
    });
  });
});

describeKind("IPRoute fdb: vxlan (live)", "vxlan", {
  "adds, appends and deletes remotes (dst, vni, port), both ways": async (ipr, ns) => {
    ipLines(ns, "link add vx0 type vxlan id 10 dstport 4789 local 10.0.0.1 nolearning");
    ip(["link", "set", "vx0", "up"], ns);
    const zero = "00:00:00:00:00:00";
    await ipr.fdb("add", { index: "vx0", lladdr: zero, dst: "10.0.0.9" });
    await ipr.fdb(
      "append",
      { index: "vx0", lladdr: zero, dst: "10.0.0.10", vni: 20, port: 4790 },
    );
    await ipr.fdb(
      "add",
      { index: "vx0", lladdr: "02:00:00:00:04:01", dst: "10.0.0.11" },
    );
    bridge(ns, `fdb append ${zero} dev vx0 dst 10.0.0.12 vni 30`);
    let { oracle, ours } = await bothFdb(ipr, ns, "vx0");
    assert.equal(oracle.length, 4);
    assert.deepEqual(ours, oracle);
    const j = (bridgeJson(["fdb", "show", "dev", "vx0"], ns) as BridgeFdb[]).find((e) =>
      e.dst === "10.0.0.10"
    )!;
    assert.equal(j.vni, 20);
    assert.equal(j.port, 4790);
    assert.equal(j.state, "permanent");
    assert.deepEqual(j.flags, ["self"]);
    // Deleting one remote needs its port and vni too (the kernel matches all three).
    await ipr.fdb(
      "del",
      { index: "vx0", lladdr: zero, dst: "10.0.0.10", vni: 20, port: 4790 },
    );
    bridge(ns, `fdb del ${zero} dev vx0 dst 10.0.0.12 vni 30`);
    ({ oracle, ours } = await bothFdb(ipr, ns, "vx0"));
    assert.deepEqual(ours, oracle);
    assert.deepEqual(ours.map((x) => JSON.parse(x)[1]).sort(), ["10.0.0.11", "10.0.0.9"]);
    // replace moves an entry to another remote.
    await ipr.fdb(
      "replace",
      { index: "vx0", lladdr: "02:00:00:00:04:01", dst: "10.0.0.13" },
    );
    const moved = (bridgeJson(["fdb", "show", "dev", "vx0"], ns) as BridgeFdb[]).filter((e) =>
      e.mac === "02:00:00:00:04:01"
    );
    assert.deepEqual(moved.map((e) => e.dst), ["10.0.0.13"]);
  },
});
