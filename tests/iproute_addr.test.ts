/**
 * IPRoute addresses, checked against `ip -j addr` in throwaway namespaces.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { type Address, IPRoute, NetlinkError } from "../mod.ts";
import { buildAddrRequest } from "../iproute/addr/request.ts";
import { RT_ADDR_STRUCTS } from "../core/tables/rt_addr.ts";
const IFADDRMSG_SIZE = RT_ADDR_STRUCTS.ifaddrmsg.size;
import { SETS } from "../iproute/registry.ts";
import { ip, ipJson, isRoot } from "./helpers.ts";
import { decodeRequest, ifindex, withIPRoute } from "./iproute_util.ts";

const live = { skip: !isRoot && "needs root for namespaces" };

interface IpAddr {
  family: string;
  local: string;
  address?: string;
  prefixlen: number;
  broadcast?: string;
  scope: string;
  label?: string;
  metric?: number;
  nodad?: boolean;
  valid_life_time: number;
  preferred_life_time: number;
  [flag: string]: unknown;
}

/** `ip -j addr show dev <name>`: the addr_info list. */
function ipAddrs(ns: string, dev: string): IpAddr[] {
  return ipJson(["addr", "show", "dev", dev], ns)[0]?.addr_info ?? [];
}

/** The nlroute address matching an `ip -j` entry (by local address and family). */
function find(addrs: Address[], j: IpAddr): Address {
  const fam = j.family === "inet" ? 2 : 10;
  const a = addrs.find((x) => x.family === fam && (x.local ?? x.address) === j.local);
  assert.ok(a, `nlroute has ${j.local}`);
  return a;
}

/** Compares one address field by field with ip's view (lifetimes within a few seconds). */
function assertSameAddr(a: Address, j: IpAddr): void {
  assert.equal(a.family, j.family === "inet" ? 2 : 10);
  assert.equal(a.prefixlen, j.prefixlen);
  assert.equal(a.scope, j.scope);
  if (j.family === "inet") {
    assert.equal(a.local, j.local);
    assert.equal(a.address, j.address ?? j.local);
    assert.equal(a.label, j.label);
    assert.equal(a.broadcast, j.broadcast);
  } else assert.equal(a.address, j.local);
  assert.equal(a.metric, j.metric);
  assert.equal(a.flags.includes("nodad"), j.nodad === true);
  // ip prints "dynamic" for an address without IFA_F_PERMANENT.
  assert.equal(a.flags.includes("permanent"), j.dynamic !== true);
  for (const f of ["noprefixroute", "tentative", "deprecated", "dadfailed", "optimistic"]) {
    assert.equal(a.flags.includes(f), j[f] === true, f);
  }
  const lifetimes: [number | undefined, number][] = [
    [a.validLifetime, j.valid_life_time],
    [a.preferredLifetime, j.preferred_life_time],
  ];
  for (const [ours, theirs] of lifetimes) {
    if (theirs === 4294967295) assert.equal(ours, theirs);
    else assert.ok(Math.abs(ours! - theirs) <= 60, `lifetime ${ours} vs ${theirs}`);
  }
}

/** One veth pair up, returns v0's index. */
function setup(ns: string): number {
  ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
  ip(["link", "set", "v0", "up"], ns);
  ip(["link", "set", "v1", "up"], ns);
  return ifindex(ns, "v0");
}

describe("IPRoute addr (live)", live, () => {
  it("adds IPv4 addresses (broadcast computed or given, label, metric, lifetimes)", async () => {
    await withIPRoute(async (ipr, ns) => {
      const index = setup(ns);
      await ipr.addr("add", { index, address: "10.0.0.1/24" });
      await ipr.addr("add", { index, address: "10.0.1.1/24", broadcast: true, label: "v0:one" });
      await ipr.addr("add", { index, address: "10.0.2.1", prefixlen: 25, broadcast: "10.0.2.127" });
      await ipr.addr("add", { index, address: "10.0.3.1/24", metric: 50 });
      await ipr.addr("add", {
        index,
        address: "10.0.4.1/24",
        validLifetime: 1000,
        preferredLifetime: 500,
      });
      await ipr.addr("add", { index, address: "10.0.5.1/32", local: "10.0.5.1", scope: "host" });
      const j = ipAddrs(ns, "v0").filter((x) => x.family === "inet");
      const byLocal = new Map(j.map((x) => [x.local, x]));
      assert.equal(j.length, 6);
      assert.equal(byLocal.get("10.0.0.1")!.prefixlen, 24);
      assert.equal(byLocal.get("10.0.0.1")!.broadcast, undefined);
      assert.equal(byLocal.get("10.0.1.1")!.broadcast, "10.0.1.255");
      assert.equal(byLocal.get("10.0.1.1")!.label, "v0:one");
      assert.equal(byLocal.get("10.0.2.1")!.prefixlen, 25);
      assert.equal(byLocal.get("10.0.2.1")!.broadcast, "10.0.2.127");
      assert.equal(byLocal.get("10.0.3.1")!.metric, 50);
      assert.equal(byLocal.get("10.0.4.1")!.valid_life_time <= 1000, true);
      assert.equal(byLocal.get("10.0.4.1")!.preferred_life_time <= 500, true);
      assert.equal(byLocal.get("10.0.4.1")!.dynamic, true);
      assert.equal(byLocal.get("10.0.5.1")!.scope, "host");
      const ours = await ipr.getAddr({ index, family: "inet" });
      assert.equal(ours.length, 6);
      for (const x of j) assertSameAddr(find(ours, x), x);
      // The metric is also the prefix route's metric.
      const r = ipJson(["route", "show", "10.0.3.0/24"], ns)[0];
      assert.equal(r.metric, 50);
    });
  });

  it("adds IPv6 addresses with flags (nodad, noprefixroute)", async () => {
    await withIPRoute(async (ipr, ns) => {
      const index = setup(ns);
      await ipr.addr("add", { index, address: "fd00::1/64", flags: ["nodad"] });
      await ipr.addr("add", {
        index,
        address: "fd00:1::1",
        prefixlen: 80,
        flags: ["nodad", "noprefixroute"],
      });
      const j = ipAddrs(ns, "v0").filter((x) => x.family === "inet6" && x.scope === "global");
      assert.deepEqual(j.map((x) => `${x.local}/${x.prefixlen}`).sort(), [
        "fd00:1::1/80",
        "fd00::1/64",
      ]);
      assert.ok(j.every((x) => x.nodad === true));
      assert.equal(j.find((x) => x.local === "fd00:1::1")!.noprefixroute, true);
      const ours = await ipr.getAddr({ index, family: "inet6" });
      for (const x of j) assertSameAddr(find(ours, x), x);
      assert.deepEqual(
        find(ours, j.find((x) => x.local === "fd00:1::1")!).flags.filter((f) => f !== "permanent")
          .sort(),
        ["nodad", "noprefixroute"],
      );
      // No prefix route for noprefixroute.
      assert.deepEqual(ipJson(["-6", "route", "show", "fd00:1::/80"], ns), []);
    });
  });

  it("adds a point-to-point address (local + peer)", async () => {
    await withIPRoute(async (ipr, ns) => {
      const index = setup(ns);
      await ipr.addr("add", { index, local: "10.9.0.1", address: "10.9.0.2/32" });
      const j = ipAddrs(ns, "v0").find((x) => x.local === "10.9.0.1")!;
      assert.equal(j.address, "10.9.0.2");
      const a = (await ipr.getAddr({ index, family: "inet" }))[0]!;
      assert.equal(a.local, "10.9.0.1");
      assert.equal(a.address, "10.9.0.2");
    });
  });

  it("reads addresses made by ip, field by field", async () => {
    await withIPRoute(async (ipr, ns) => {
      setup(ns);
      ip(["addr", "add", "192.0.2.1/24", "brd", "+", "dev", "v0", "label", "v0:x"], ns);
      ip(["addr", "add", "192.0.2.9", "peer", "192.0.2.10/32", "dev", "v0"], ns);
      ip([
        "addr",
        "add",
        "198.51.100.1/24",
        "dev",
        "v0",
        "metric",
        "77",
        "valid_lft",
        "900",
        "preferred_lft",
        "300",
      ], ns);
      ip(["addr", "add", "2001:db8::1/64", "dev", "v0", "nodad"], ns);
      ip(["addr", "add", "2001:db8:1::1/64", "dev", "v1", "nodad", "scope", "site"], ns);
      const all = await ipr.getAddr();
      for (const dev of ["v0", "v1", "lo"]) {
        const j = ipAddrs(ns, dev);
        const index = ifindex(ns, dev);
        const ours = all.filter((a) => a.index === index);
        assert.equal(ours.length, j.length, dev);
        for (const x of j) assertSameAddr(find(ours, x), x);
      }
    });
  });

  it("replaces an address in place (lifetimes), and deletes both ways", async () => {
    await withIPRoute(async (ipr, ns) => {
      const index = setup(ns);
      await ipr.addr("add", { index, address: "10.0.0.1/24" });
      await assert.rejects(
        ipr.addr("add", { index, address: "10.0.0.1/24" }),
        (e: NetlinkError) => e instanceof NetlinkError && e.code === "EEXIST",
      );
      await ipr.addr("replace", {
        index,
        address: "10.0.0.1/24",
        validLifetime: 2000,
        preferredLifetime: 1000,
      });
      let j = ipAddrs(ns, "v0").filter((x) => x.family === "inet");
      assert.equal(j.length, 1);
      assert.ok(j[0]!.valid_life_time <= 2000 && j[0]!.valid_life_time > 1900);
      // replace also creates.
      await ipr.addr("replace", { index, address: "fd00::5/64", flags: ["nodad"] });
      assert.ok(ipAddrs(ns, "v0").some((x) => x.local === "fd00::5"));
      await ipr.addr("del", { index, address: "10.0.0.1/24" });
      await ipr.addr("del", { index, address: "fd00::5", prefixlen: 64 });
      j = ipAddrs(ns, "v0");
      assert.ok(!j.some((x) => x.local === "10.0.0.1" || x.local === "fd00::5"));
      await assert.rejects(
        ipr.addr("del", { index, address: "10.0.0.1/24" }),
        (e: NetlinkError) => e.code === "EADDRNOTAVAIL",
      );
      ip(["addr", "add", "10.7.0.1/16", "dev", "v0"], ns);
      assert.ok((await ipr.getAddr({ index })).some((a) => a.address === "10.7.0.1"));
      ip(["addr", "del", "10.7.0.1/16", "dev", "v0"], ns);
      assert.ok(!(await ipr.getAddr({ index })).some((a) => a.address === "10.7.0.1"));
    });
  });

  it("flushAddr removes what matches and nothing else", async () => {
    await withIPRoute(async (ipr, ns) => {
      const index = setup(ns);
      const v1 = ifindex(ns, "v1");
      for (let i = 1; i <= 5; i++) await ipr.addr("add", { index, address: `10.0.${i}.1/24` });
      await ipr.addr("add", { index, address: "fd00::1/64", flags: ["nodad"] });
      await ipr.addr("add", { index: v1, address: "10.1.0.1/24" });
      assert.equal(await ipr.flushAddr({ index, family: "inet", address: "10.0.3.1/24" }), 1);
      assert.equal(await ipr.flushAddr({ index, family: "inet" }), 4);
      const left = ipAddrs(ns, "v0");
      assert.ok(left.every((x) => x.family === "inet6"));
      assert.ok(left.some((x) => x.local === "fd00::1"));
      assert.equal(ipAddrs(ns, "v1").filter((x) => x.family === "inet").length, 1);
      await ipr.flushAddr({ index });
      assert.deepEqual(ipAddrs(ns, "v0"), []);
      assert.equal(ipAddrs(ns, "v1").filter((x) => x.family === "inet").length, 1);
    });
  });

  it("ensure() adds once and removes once", async () => {
    await withIPRoute(async (ipr, ns) => {
      setup(ns);
      const spec = { index: "v0", address: "10.4.0.1/24" };
      assert.equal(await ipr.ensure("addr", spec), true);
      assert.equal(await ipr.ensure("addr", spec), false);
      assert.equal(ipAddrs(ns, "v0").filter((x) => x.local === "10.4.0.1").length, 1);
      assert.equal(await ipr.ensure("addr", spec, { present: false }), true);
      assert.equal(await ipr.ensure("addr", spec, { present: false }), false);
      assert.equal(ipAddrs(ns, "v0").filter((x) => x.local === "10.4.0.1").length, 0);
    });
  });

  it("filters dumps by index in the kernel, as client-side filtering does", async () => {
    await withIPRoute(async (ipr, ns) => {
      const index = setup(ns);
      const v1 = ifindex(ns, "v1");
      ip(["addr", "add", "10.0.0.1/24", "dev", "v0"], ns);
      ip(["addr", "add", "10.0.0.2/24", "dev", "v1"], ns);
      ip(["addr", "add", "10.0.1.1/24", "dev", "v1", "label", "v1:a"], ns);
      ip(["addr", "add", "fd00::2/64", "dev", "v1", "nodad"], ns);
      const lax = await IPRoute.open({ netns: ns, strict: false });
      try {
        const key = (a: Address) => `${a.index} ${a.family} ${a.address}/${a.prefixlen}`;
        const all = (await ipr.getAddr()).map(key).sort();
        for (
          const f of [
            { index },
            { index: v1 },
            { index: "v1" },
            { index: v1, family: "inet" },
            { family: "inet6" },
            { address: "10.0.0.2/24" },
            { address: "10.0.0.2" },
            { label: "v1:a" },
            { scope: "link" },
            { prefixlen: 64 },
          ] as Record<string, unknown>[]
        ) {
          const kernel = (await ipr.addr("dump", f).all()).map(key).sort();
          const client = (await lax.addr("dump", f).all()).map(key).sort();
          assert.deepEqual(kernel, client, JSON.stringify(f));
          assert.ok(kernel.length > 0 && kernel.every((k) => all.includes(k)), JSON.stringify(f));
        }
        const oracle = ipAddrs(ns, "v1").map((x) =>
          `${v1} ${x.family === "inet" ? 2 : 10} ${x.local}/${x.prefixlen}`
        ).sort();
        assert.deepEqual((await ipr.getAddr({ index: v1 })).map(key).sort(), oracle);
      } finally {
        lax.close();
      }
    });
  });
});

describe("IPRoute addr: request bytes", () => {
  it("writes ifaddrmsg, IFA_LOCAL/IFA_ADDRESS, a 4-byte broadcast and the flags", () => {
    const d = decodeRequest(
      buildAddrRequest("add", {
        index: 7,
        address: "10.1.2.3/20",
        broadcast: true,
        label: "v0:a",
        flags: ["nodad"],
      }),
      IFADDRMSG_SIZE,
      SETS.addr,
    );
    assert.deepEqual(Array.from(d.header.subarray(0, 4)), [2, 20, 2, 0]);
    assert.equal(d.header32.getUint32(4, true), 7);
    assert.equal(d.attrs.local, "10.1.2.3");
    assert.equal(d.attrs.address, "10.1.2.3");
    assert.equal(d.attrs.label, "v0:a");
    assert.equal(d.attrs.flags, 2);
    // IFA_BROADCAST 10.1.15.255: four address bytes.
    assert.equal(d.attrs.broadcast, "10.1.15.255");
  });

  it("writes lifetimes as IFA_CACHEINFO and the metric as IFA_RT_PRIORITY", () => {
    const d = decodeRequest(
      buildAddrRequest("replace", {
        index: 2,
        address: "fd00::1/64",
        validLifetime: 60,
        preferredLifetime: 30,
        metric: 9,
      }),
      IFADDRMSG_SIZE,
      SETS.addr,
    );
    assert.equal(d.header[0], 10);
    assert.equal(d.header[1], 64);
    assert.deepEqual(d.attrs.cacheinfo, { ifaPrefered: 30, ifaValid: 60, cstamp: 0, tstamp: 0 });
    assert.equal(d.attrs.rtPriority, 9);
    assert.equal(d.attrs.local, undefined);
  });
});
