/**
 * IPRoute nexthop objects (single, blackhole, groups with weights, resilient
 * groups, fdb nexthops) and routes that use them, checked against
 * `ip -j nexthop` / `ip -j route` in throwaway namespaces.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { IPRoute, NetlinkError, NetlinkSocket, type Nexthop } from "../mod.ts";
import { buildNexthopRequest } from "../iproute/nexthop/request.ts";
import { UAPI_STRUCTS } from "../core/tables/uapi.ts";
const NHMSG_SIZE = UAPI_STRUCTS.nhmsg.size;
import { SETS } from "../iproute/registry.ts";
import { NLM_F } from "../core/constants.ts";
import { ip, ipJson, isRoot } from "./helpers.ts";
import { decodeRequest, vethWithAddresses, withIPRoute } from "./iproute_util.ts";

const live = { skip: !isRoot && "needs root for namespaces" };

// deno-lint-ignore no-explicit-any
type Json = any;

function clean<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

function linkMap(ns: string): Map<string, number> {
  return new Map(
    ipJson(["link", "show"], ns).map((l: Json) => [l.ifname as string, l.ifindex as number]),
  );
}

/** One `ip -j nexthop` entry in nlroute's terms (ip leaves out weight 1 and some defaults). */
function fromIp(j: Json, names: Map<string, number>): Record<string, unknown> {
  return clean({
    id: j.id,
    gateway: j.gateway,
    oif: j.dev === undefined ? undefined : names.get(j.dev),
    blackhole: "blackhole" in j || undefined,
    fdb: "fdb" in j || undefined,
    group: j.group?.map((g: Json) => ({ id: g.id, weight: g.weight ?? 1 })),
    groupType: j.group ? (j.type ?? "mpath") : undefined,
    scope: j.scope,
    protocol: j.protocol,
    onlink: j.flags.includes("onlink") || undefined,
  });
}

/** An nlroute nexthop in the same terms (scope and protocol where ip prints them). */
function fromNl(n: Nexthop, j: Json): Record<string, unknown> {
  return clean({
    id: n.id,
    gateway: n.gateway,
    oif: n.oif,
    blackhole: n.blackhole || undefined,
    fdb: n.fdb || undefined,
    group: n.group,
    groupType: n.groupType,
    scope: j?.scope === undefined ? undefined : n.scope,
    protocol: j?.protocol === undefined ? undefined : n.protocol,
    onlink: n.onlink || undefined,
  });
}

async function bothViews(ipr: IPRoute, ns: string) {
  const names = linkMap(ns);
  const js = ipJson(["nexthop", "show"], ns) as Json[];
  const oracle = js.map((j) => fromIp(j, names));
  const byId = new Map(js.map((j) => [j.id, j]));
  const ours = (await ipr.getNexthops()).map((n) => fromNl(n, byId.get(n.id)));
  const sort = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    (a.id as number) - (b.id as number);
  return { oracle: oracle.sort(sort), ours: ours.sort(sort) };
}

describe("IPRoute nexthop (live)", live, () => {
  it("adds single, blackhole, group and resilient nexthops; ip sees what nlroute dumps", async () => {
    await withIPRoute(async (ipr, ns) => {
      vethWithAddresses(ns);
      await ipr.nexthop("add", { id: 1, gateway: "10.0.0.2", oif: "v0" });
      await ipr.nexthop("add", {
        id: 2,
        gateway: "10.0.0.3",
        oif: linkMap(ns).get("v0")!,
        protocol: "static",
      });
      await ipr.nexthop("add", { id: 3, gateway: "fd00::2", oif: "v0" });
      await ipr.nexthop("add", { id: 4, blackhole: true });
      await ipr.nexthop("add", { id: 5, oif: "v0" });
      await ipr.nexthop("add", { id: 6, gateway: "10.9.9.9", oif: "v0", onlink: true });
      await ipr.nexthop("add", { id: 7, gateway: "10.0.0.7", fdb: true });
      await ipr.nexthop("add", {
        id: 10,
        group: [{ id: 1, weight: 5 }, { id: 2 }, { id: 5, weight: 256 }],
      });
      await ipr.nexthop("add", {
        id: 11,
        group: [{ id: 1 }, { id: 2, weight: 3 }],
        groupType: "resilient",
        resGroup: { buckets: 8 },
      });
      await ipr.nexthop("add", { id: 12, group: [{ id: 7 }], fdb: true });
      const { oracle, ours } = await bothViews(ipr, ns);
      assert.equal(oracle.length, 10);
      assert.deepEqual(ours, oracle);
      const by = new Map((ipJson(["nexthop", "show"], ns) as Json[]).map((j) => [j.id, j]));
      assert.deepEqual(by.get(10).group, [{ id: 1, weight: 5 }, { id: 2 }, { id: 5, weight: 256 }]);
      assert.equal(by.get(11).type, "resilient");
      assert.equal(by.get(11).resilient_args.buckets, 8);
      assert.ok("blackhole" in by.get(4));
      assert.deepEqual(by.get(6).flags, ["onlink"]);
      assert.equal(by.get(2).protocol, "static");
    });
  });

  it("dumps nexthops made by ip", async () => {
    await withIPRoute(async (ipr, ns) => {
      vethWithAddresses(ns);
      const n = (args: string) => ip(["nexthop", "add", ...args.split(" ")], ns);
      n("id 1 via 10.0.0.2 dev v0");
      n("id 2 blackhole");
      n("id 3 dev v0");
      n("id 4 via fd00::2 dev v0 proto 99");
      n("id 5 via 10.0.0.9 fdb");
      n("id 6 via 10.0.0.3 dev v0 onlink proto static");
      n("id 10 group 1/3,2");
      n("id 11 group 1,3/6,200 type resilient buckets 16");
      n("id 12 group 5 fdb");
      const { oracle, ours } = await bothViews(ipr, ns);
      assert.equal(oracle.length, 9);
      assert.deepEqual(ours, oracle);
      const g = await ipr.nexthop("get", { id: 10 });
      assert.deepEqual(g.group, [{ id: 1, weight: 1 }, { id: 3, weight: 2 }]);
      assert.equal(g.groupType, "mpath");
      assert.equal(g.family, 0);
      const one = await ipr.nexthop("get", { id: 1 });
      assert.equal(one.family, 2);
      assert.equal(one.gateway, "10.0.0.2");
      assert.equal(one.oif, linkMap(ns).get("v0"));
      assert.equal(one.scope, "link");
    });
  });

  it("replaces single nexthops and groups in place; deletes both ways", async () => {
    await withIPRoute(async (ipr, ns) => {
      vethWithAddresses(ns);
      await ipr.nexthop("add", { id: 1, gateway: "10.0.0.2", oif: "v0" });
      await ipr.nexthop("add", { id: 2, gateway: "10.0.0.3", oif: "v0" });
      await ipr.nexthop("add", { id: 10, group: [{ id: 1 }, { id: 2 }] });
      await assert.rejects(
        ipr.nexthop("add", { id: 1, gateway: "10.0.0.4", oif: "v0" }),
        (e: NetlinkError) => e instanceof NetlinkError && e.code === "EEXIST",
      );
      await ipr.nexthop("replace", { id: 2, gateway: "10.0.0.9", oif: "v0" });
      await ipr.nexthop("replace", { id: 10, group: [{ id: 1, weight: 2 }, { id: 2, weight: 7 }] });
      await ipr.nexthop("replace", { id: 20, blackhole: true }); // replace creates too
      const by = new Map((ipJson(["nexthop", "show"], ns) as Json[]).map((j) => [j.id, j]));
      assert.equal(by.get(2).gateway, "10.0.0.9");
      assert.deepEqual(by.get(10).group, [{ id: 1, weight: 2 }, { id: 2, weight: 7 }]);
      assert.ok("blackhole" in by.get(20));
      const { oracle, ours } = await bothViews(ipr, ns);
      assert.deepEqual(ours, oracle);
      await ipr.nexthop("del", { id: 20 });
      ip(["nexthop", "del", "id", "10"], ns);
      assert.deepEqual((await ipr.getNexthops()).map((x) => x.id).sort(), [1, 2]);
      assert.deepEqual((ipJson(["nexthop", "show"], ns) as Json[]).map((j) => j.id), [1, 2]);
      await assert.rejects(
        ipr.nexthop("del", { id: 20 }),
        (e: NetlinkError) => e.code === "ENOENT",
      );
      await assert.rejects(
        ipr.nexthop("get", { id: 20 }),
        (e: NetlinkError) => e.code === "ENOENT",
      );
    });
  });

  it("routes through nexthop objects: nhId and the expanded next hops, both ways", async () => {
    await withIPRoute(async (ipr, ns) => {
      vethWithAddresses(ns);
      await ipr.nexthop("add", { id: 1, gateway: "10.0.0.2", oif: "v0" });
      await ipr.nexthop("add", { id: 2, gateway: "10.0.0.3", oif: "v0" });
      await ipr.nexthop("add", { id: 10, group: [{ id: 1, weight: 2 }, { id: 2, weight: 7 }] });
      await ipr.route("add", { dst: "10.9.0.0/16", nhId: 10 });
      await ipr.route("add", { dst: "10.10.0.0/16", nhId: 1, table: 500 });
      ip(["route", "add", "10.11.0.0/16", "nhid", "2"], ns);
      const j = ipJson(["route", "show", "10.9.0.0/16"], ns)[0];
      assert.equal(j.nhid, 10);
      assert.deepEqual(j.nexthops.map((x: Json) => [x.gateway, x.weight]), [["10.0.0.2", 2], [
        "10.0.0.3",
        7,
      ]]);
      const r = (await ipr.getRoutes({ nhId: 10 }))[0]!;
      assert.equal(r.dst, "10.9.0.0/16");
      assert.deepEqual(r.multipath!.map((h) => [h.gateway, h.weight, h.hops]), [
        ["10.0.0.2", 2, 1],
        ["10.0.0.3", 7, 6],
      ]);
      assert.equal(ipJson(["route", "show", "table", "500"], ns)[0].nhid, 1);
      const r1 = (await ipr.getRoutes({ table: 500 }))[0]!;
      assert.equal(r1.nhId, 1);
      assert.equal(r1.gateway, "10.0.0.2");
      assert.equal((await ipr.getRoutes({ dst: "10.11.0.0/16" }))[0]!.nhId, 2);
      // A nexthop in use by routes cannot be a plain gateway and a group at once.
      await assert.rejects(
        ipr.nexthop("replace", { id: 10, gateway: "10.0.0.5", oif: "v0" }),
        (e: NetlinkError) =>
          e instanceof NetlinkError && typeof e.extack === "string" && e.extack.length > 0,
      );
    });
  });

  it("ensure() adds once and removes once", async () => {
    await withIPRoute(async (ipr, ns) => {
      vethWithAddresses(ns);
      const spec = { id: 30, gateway: "10.0.0.2", oif: "v0" };
      assert.equal(await ipr.ensure("nexthop", spec), true);
      assert.equal(await ipr.ensure("nexthop", spec), false);
      assert.equal(await ipr.ensure("nexthop", { id: 30 }, { present: false }), true);
      assert.equal(await ipr.ensure("nexthop", { id: 30 }, { present: false }), false);
      assert.deepEqual(ipJson(["nexthop", "show"], ns), []);
    });
  });

  it("filters dumps (oif, master, groups, fdb) in the kernel, as client-side filtering does", async () => {
    await withIPRoute(async (ipr, ns) => {
      vethWithAddresses(ns);
      ip(["link", "add", "v2", "type", "veth", "peer", "name", "v3"], ns);
      ip(["link", "add", "br0", "type", "bridge"], ns);
      ip(["link", "set", "v2", "master", "br0"], ns);
      ip(["link", "set", "v2", "up"], ns);
      ip(["link", "set", "v3", "up"], ns);
      ip(["link", "set", "br0", "up"], ns);
      ip(["addr", "add", "10.1.0.1/24", "dev", "v2"], ns);
      const n = (args: string) => ip(["nexthop", "add", ...args.split(" ")], ns);
      n("id 1 via 10.0.0.2 dev v0");
      n("id 2 via 10.1.0.2 dev v2");
      n("id 3 blackhole");
      n("id 4 via 10.0.0.9 fdb");
      n("id 10 group 1/2");
      n("id 11 group 4 fdb");
      const lax = await IPRoute.open({ netns: ns, strict: false });
      try {
        for (
          const [f, args] of [
            [{ oif: "v0" }, ["dev", "v0"]],
            [{ oif: linkMap(ns).get("v2") }, ["dev", "v2"]],
            [{ master: "br0" }, ["master", "br0"]],
            [{ groups: true }, ["groups"]],
            // iproute2 6.1's `ip nexthop show fdb` does not filter: ip's full list, filtered here.
            [{ fdb: true }, []],
          ] as [Record<string, unknown>, string[]][]
        ) {
          const oracle = (ipJson(["nexthop", "show", ...args], ns) as Json[])
            .filter((j) => !f.fdb || "fdb" in j)
            .map((j) => j.id).sort();
          assert.ok(oracle.length > 0, JSON.stringify(f));
          const strict = (await ipr.nexthop("dump", f).all()).map((x) => x.id).sort();
          const client = (await lax.nexthop("dump", f).all()).map((x) => x.id).sort();
          assert.deepEqual(strict, oracle, JSON.stringify(f));
          assert.deepEqual(client, oracle, JSON.stringify(f));
        }
        assert.deepEqual((await ipr.nexthop("dump", { blackhole: true }).all()).map((x) => x.id), [
          3,
        ]);
      } finally {
        lax.close();
      }
    });
  });
});

describe("IPRoute nexthop: request bytes", () => {
  it("writes groups as nexthop_grp (weight - 1), family unspec, and the flags", () => {
    const d = decodeRequest(
      buildNexthopRequest("add", { id: 10, group: [{ id: 1, weight: 5 }, { id: 2 }] }),
      NHMSG_SIZE,
      SETS.nexthop,
    );
    assert.equal(d.flags, NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE | NLM_F.EXCL);
    assert.equal(d.header[0], 0);
    // The table's decoding of NHA_ID/NHA_GROUP is unusable (see the report), so read bytes.
    const bytes = Array.from(NetlinkSocket.compile([
      buildNexthopRequest("add", { id: 10, group: [{ id: 1, weight: 5 }, { id: 2 }] }),
    ]));
    const grp = [1, 0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0];
    assert.ok(indexOf(bytes, [20, 0, 2, 0, ...grp]) > 0, "NHA_GROUP");
    assert.ok(indexOf(bytes, [8, 0, 1, 0, 10, 0, 0, 0]) > 0, "NHA_ID");
  });

  it("gives a blackhole and an oif-only nexthop family inet, as iproute2 does", () => {
    for (const spec of [{ id: 1, blackhole: true }, { id: 2, oif: 3 }]) {
      assert.equal(
        decodeRequest(buildNexthopRequest("add", spec), NHMSG_SIZE, SETS.nexthop).header[0],
        2,
      );
    }
    const v6 = decodeRequest(
      buildNexthopRequest("add", { id: 3, gateway: "fd00::1", oif: 3, onlink: true }),
      NHMSG_SIZE,
      SETS.nexthop,
    );
    assert.equal(v6.header[0], 10);
    assert.equal(v6.header32.getUint32(4, true), 4, "RTNH_F_ONLINK");
    const del = decodeRequest(buildNexthopRequest("del", { id: 3 }), NHMSG_SIZE, SETS.nexthop);
    assert.equal(del.header[0], 0);
  });
});

function indexOf(hay: number[], needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
