/**
 * IPRoute neighbours, checked against `ip -j neigh` in throwaway namespaces:
 * states and flags, proxy entries, every command both ways, ensure, and dump
 * filters in the kernel (strict) and on the client (lax).
 *
 * The kernel adds multicast entries of its own (IGMP/MLD, link-local) at
 * moments of its choosing, so comparisons keep to the entries a test made.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { IPRoute, type Neighbour, NetlinkError } from "../mod.ts";
import { ip, ipJson } from "./helpers.ts";
import {
  ifindex,
  ipLines,
  linkMap,
  live,
  veth,
  vethWithAddresses,
  withIPRoute,
} from "./iproute_util.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** Ours: a neighbour made by a test (10.0.0.0/16, fd00::/16, 02:… MACs). */
const mine = (dst: string | undefined) => dst !== undefined && /^(10\.0\.|fd00:)/.test(dst);

/** `ip -j neigh show nud all` in nlroute's terms, our entries only, sorted. */
function ipNeigh(ns: string, names: Map<string, number>, extra: string[] = []): string[] {
  return ipJson(["neigh", "show", "nud", "all", ...extra], ns)
    .filter((j: Json) => mine(j.dst))
    .map((j: Json) =>
      JSON.stringify([
        j.dst,
        names.get(j.dev),
        j.lladdr,
        [...j.state].map((s: string) => s.toLowerCase()).sort(),
        "router" in j,
        "proxy" in j,
      ])
    )
    .sort();
}

/** nlroute's neighbours in the same terms. */
function nlNeigh(ns: Neighbour[]): string[] {
  return ns.filter((n) => mine(n.dst)).map((n) =>
    JSON.stringify([
      n.dst,
      n.index,
      n.lladdr,
      [...n.state].sort(),
      n.flags.includes("router"),
      n.flags.includes("proxy"),
    ])
  ).sort();
}

/** Runs `fn` with an IPRoute in a fresh namespace holding vethWithAddresses' v0/v1. */
function withVeth(fn: (ipr: IPRoute, ns: string) => Promise<void>): Promise<void> {
  return withIPRoute(async (ipr, ns) => {
    vethWithAddresses(ns);
    await fn(ipr, ns);
  });
}

describe("IPRoute neigh (live)", live, () => {
  it("adds entries with states and flags; ip sees what nlroute dumps", async () => {
    await withVeth(async (ipr, ns) => {
      const index = ifindex(ns, "v0");
      await ipr.neigh("add", { index, dst: "10.0.0.2", lladdr: "02:00:00:00:00:02" });
      await ipr.neigh(
        "add",
        { index: "v0", dst: "10.0.0.3", lladdr: "02:00:00:00:00:03", state: "stale" },
      );
      await ipr.neigh("add", {
        index,
        dst: "10.0.0.4",
        lladdr: "02:00:00:00:00:04",
        state: "reachable",
      });
      await ipr.neigh("add", {
        index,
        dst: "10.0.0.5",
        lladdr: "02:00:00:00:00:05",
        state: ["noarp"],
      });
      await ipr.neigh("add", { index, dst: "10.0.0.6", state: "incomplete" });
      await ipr.neigh("add", {
        index,
        dst: "fd00::2",
        lladdr: "02:00:00:00:00:12",
        state: "permanent",
        flags: ["router"],
      });
      await ipr.neigh("add", { index, dst: "fd00::3", lladdr: "02:00:00:00:00:13", state: 0x04 });
      const names = linkMap(ns);
      const oracle = ipNeigh(ns, names);
      assert.equal(oracle.length, 7);
      assert.deepEqual(nlNeigh(await ipr.getNeighbours()), oracle);
      const j = ipJson(["neigh", "show", "dev", "v0", "nud", "all"], ns);
      const by = new Map(j.map((x: Json) => [x.dst, x]));
      assert.deepEqual((by.get("10.0.0.2") as Json).state, ["PERMANENT"]);
      assert.deepEqual((by.get("10.0.0.3") as Json).state, ["STALE"]);
      assert.deepEqual((by.get("10.0.0.5") as Json).state, ["NOARP"]);
      assert.ok("router" in (by.get("fd00::2") as Json));
      assert.deepEqual((by.get("fd00::3") as Json).state, ["STALE"]);
    });
  });

  it("dumps entries made by ip", async () => {
    await withVeth(async (ipr, ns) => {
      // fd00::8: not "nud delay": the kernel turns it into "probe" on its own, between the two reads.
      ipLines(
        ns,
        `neigh add 10.0.0.7 lladdr 02:00:00:00:00:07 dev v0 nud permanent
        neigh add 10.0.0.8 lladdr 02:00:00:00:00:08 dev v0 nud stale
        neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev v0 nud reachable
        neigh add 10.0.0.10 lladdr 02:00:00:00:00:0a dev v1 nud noarp
        neigh add fd00::7 lladdr 02:00:00:00:00:17 dev v0 router nud permanent
        neigh add fd00::8 lladdr 02:00:00:00:00:18 dev v1 nud stale`,
      );
      const names = linkMap(ns);
      const oracle = ipNeigh(ns, names);
      assert.equal(oracle.length, 6);
      assert.deepEqual(nlNeigh(await ipr.getNeighbours()), oracle);
      const e = (await ipr.getNeighbours({ dst: "10.0.0.8" }))[0]!;
      assert.equal(e.family, 2);
      assert.equal(e.index, names.get("v0"));
      assert.equal(e.lladdr, "02:00:00:00:00:08");
      assert.deepEqual(e.state, ["stale"]);
      assert.equal(e.ndmType, "unicast");
    });
  });

  it("adds and reads proxy entries", async () => {
    await withVeth(async (ipr, ns) => {
      ip(["neigh", "add", "proxy", "10.0.0.77", "dev", "v0"], ns);
      await ipr.neigh("add", { index: "v0", dst: "10.0.0.78", flags: ["proxy"] });
      const j = ipJson(["neigh", "show", "proxy"], ns).map((x: Json) => x.dst).sort();
      assert.deepEqual(j, ["10.0.0.77", "10.0.0.78"]);
      const ours = (await ipr.getNeighbours({ flags: "proxy" })).map((x) => x.dst).sort();
      assert.deepEqual(ours, j);
    });
  });

  it("replace, change, get and del, both ways", async () => {
    await withVeth(async (ipr, ns) => {
      const index = ifindex(ns, "v0");
      await ipr.neigh("add", { index, dst: "10.0.0.2", lladdr: "02:00:00:00:00:02" });
      await assert.rejects(
        ipr.neigh("add", { index, dst: "10.0.0.2", lladdr: "02:00:00:00:00:03" }),
        (e: NetlinkError) => e instanceof NetlinkError && e.code === "EEXIST",
      );
      await ipr.neigh("replace", {
        index,
        dst: "10.0.0.2",
        lladdr: "02:00:00:00:00:22",
        state: "reachable",
      });
      let j = ipJson(["neigh", "show", "10.0.0.2", "dev", "v0"], ns)[0];
      assert.equal(j.lladdr, "02:00:00:00:00:22");
      assert.deepEqual(j.state, ["REACHABLE"]);
      await ipr.neigh("replace", { index, dst: "10.0.0.3", lladdr: "02:00:00:00:00:33" });
      assert.equal(
        ipJson(["neigh", "show", "10.0.0.3", "dev", "v0"], ns)[0].lladdr,
        "02:00:00:00:00:33",
      );
      await ipr.neigh("change", {
        index,
        dst: "10.0.0.3",
        lladdr: "02:00:00:00:00:34",
        state: "stale",
      });
      j = ipJson(["neigh", "show", "10.0.0.3", "dev", "v0"], ns)[0];
      assert.equal(j.lladdr, "02:00:00:00:00:34");
      assert.deepEqual(j.state, ["STALE"]);
      await assert.rejects(
        ipr.neigh("change", { index, dst: "10.0.0.99", lladdr: "02:00:00:00:00:99" }),
        (e: NetlinkError) => e.code === "ENOENT",
      );
      const g = await ipr.neigh("get", { index, dst: "10.0.0.3" });
      assert.equal(g.dst, "10.0.0.3");
      assert.equal(g.lladdr, "02:00:00:00:00:34");
      assert.deepEqual(g.state, ["stale"]);
      ip(["neigh", "add", "fd00::9", "lladdr", "02:00:00:00:00:19", "dev", "v0"], ns);
      const g6 = await ipr.neigh("get", { index: "v0", dst: "fd00::9" });
      assert.equal(g6.family, 10);
      assert.equal(g6.lladdr, "02:00:00:00:00:19");
      await ipr.neigh("del", { index, dst: "10.0.0.3" });
      await ipr.neigh("del", { index, dst: "fd00::9" });
      assert.deepEqual(ipNeigh(ns, linkMap(ns)).map((x) => JSON.parse(x)[0]), ["10.0.0.2"]);
      await assert.rejects(
        ipr.neigh("get", { index, dst: "10.0.0.3" }),
        (e: NetlinkError) => e.code === "ENOENT" && e.extack === "Neighbour entry not found",
      );
      await assert.rejects(
        ipr.neigh("del", { index, dst: "10.0.0.3" }),
        (e: NetlinkError) => e.code === "ENOENT",
      );
      ip(["neigh", "del", "10.0.0.2", "dev", "v0"], ns);
      assert.deepEqual(nlNeigh(await ipr.getNeighbours()), []);
    });
  });

  it("ensure() adds once and removes once", async () => {
    await withVeth(async (ipr, ns) => {
      const spec = { index: "v0", dst: "10.0.0.50", lladdr: "02:00:00:00:00:50" };
      assert.equal(await ipr.ensure("neigh", spec), true);
      assert.equal(await ipr.ensure("neigh", spec), false);
      assert.equal(ipNeigh(ns, linkMap(ns)).length, 1);
      const del = { index: "v0", dst: "10.0.0.50" };
      assert.equal(await ipr.ensure("neigh", del, { present: false }), true);
      assert.equal(await ipr.ensure("neigh", del, { present: false }), false);
      assert.equal(ipNeigh(ns, linkMap(ns)).length, 0);
    });
  });

  it("filters dumps by index and master in the kernel, as client-side filtering does", async () => {
    await withVeth(async (ipr, ns) => {
      veth(ns, "v2", "v3");
      ipLines(
        ns,
        `link add br0 type bridge
        link set v1 master br0
        link set v3 master br0
        neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0
        neigh add 10.0.0.3 lladdr 02:00:00:00:00:03 dev v1 nud stale
        neigh add 10.0.0.4 lladdr 02:00:00:00:00:04 dev v2
        neigh add 10.0.0.5 lladdr 02:00:00:00:00:05 dev v3 nud reachable
        neigh add fd00::5 lladdr 02:00:00:00:00:15 dev v3`,
      );
      const names = linkMap(ns);
      const lax = await IPRoute.open({ netns: ns, strict: false });
      try {
        for (
          const [f, ipArgs] of [
            [{ index: "v0" }, ["dev", "v0"]],
            [{ index: names.get("v3") }, ["dev", "v3"]],
            [{ master: "br0" }, ["master", "br0"]],
            [{ master: names.get("br0"), family: "inet6" }, ["-6", "master", "br0"]],
            [{ state: "stale" }, ["nud", "stale"]],
            [{ index: "v3", state: "reachable" }, ["dev", "v3", "nud", "reachable"]],
          ] as [Record<string, unknown>, string[]][]
        ) {
          const family = ipArgs[0] === "-6" ? ["-6"] : [];
          const rest = family.length ? ipArgs.slice(1) : ipArgs;
          const oracle = ipJson([...family, "neigh", "show", ...rest], ns)
            .filter((j: Json) => mine(j.dst))
            .map((j: Json) => j.dst).sort();
          assert.ok(oracle.length > 0, JSON.stringify(f));
          const strict = (await ipr.neigh("dump", f).all()).filter((x) => mine(x.dst)).map((x) =>
            x.dst
          ).sort();
          const client = (await lax.neigh("dump", f).all()).filter((x) => mine(x.dst)).map((x) =>
            x.dst
          ).sort();
          assert.deepEqual(strict, oracle, JSON.stringify(f));
          assert.deepEqual(client, oracle, JSON.stringify(f));
        }
      } finally {
        lax.close();
      }
    });
  });
});
