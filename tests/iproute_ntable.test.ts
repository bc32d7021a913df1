/**
 * Neighbour tables, netconf and IPv6 address labels, checked against
 * `ip -j ntable`, `ip -j netconf` and `ip -j addrlabel` in throwaway
 * namespaces, both ways (changed by nlroute and read by ip, changed by ip
 * and read by nlroute), with the request bytes and the bad input checks.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AF_INET, AF_INET6, ArgumentError, NetlinkError, RTM } from "../mod.ts";
import { RT_NEIGH_ATTRS, RT_NEIGH_STRUCTS } from "../core/tables/rt_neigh.ts";
import { UAPI_ATTRS, UAPI_STRUCTS } from "../core/tables/uapi.ts";
import { buildAddrLabelRequest } from "../iproute/addrlabel/request.ts";
import { buildNeighTableRequest } from "../iproute/ntable/request.ts";
import { buildNetconfRequest } from "../iproute/netconf/request.ts";
import { SETS } from "../iproute/registry.ts";
import { ip, ipJson, withTestNetns } from "./helpers.ts";
import { decodeRequest, ifindex, live, veth, withIPRoute } from "./iproute_util.ts";
import { lines, ok } from "./cli_util.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** The per-interface parameters ip prints, in nlroute's names (`reachable` is randomised: left out). */
const IP_PARMS: Record<string, string> = {
  refcnt: "refcnt",
  base_reachable: "baseReachableTime",
  retrans: "retransTime",
  gc_stale: "gcStaletime",
  delay_probe: "delayProbeTime",
  queue: "queueLen",
  app_probes: "appProbes",
  ucast_probes: "ucastProbes",
  mcast_probes: "mcastProbes",
  anycast_delay: "anycastDelay",
  proxy_delay: "proxyDelay",
  proxy_queue: "proxyQlen",
  locktime: "locktime",
};

describe("neighbour tables", live, () => {
  it("dumps what ip ntable shows, table-wide and per interface", async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
      const v0 = ifindex(ns, "v0");
      const ours = await ipr.getNeighTables();
      const theirs: Json[] = ipJson(["ntable", "show"], ns);
      assert.equal(ours.length, theirs.length);
      for (const j of theirs) {
        const index = j.dev === undefined ? 0 : ifindex(ns, j.dev);
        const t = ours.find((x) => x.name === j.name && x.index === index);
        assert.ok(t, `${j.name} ${j.dev ?? ""}`);
        assert.equal(t.family, j.family === "inet" ? AF_INET : AF_INET6);
        for (const k of ["thresh1", "thresh2", "thresh3"] as const) assert.equal(t[k], j[k]);
        assert.equal(t.gcInterval, j.gc_interval);
        for (const [theirKey, ourKey] of Object.entries(IP_PARMS)) {
          assert.equal(t.parms![ourKey], j[theirKey], `${j.name} ${j.dev ?? ""} ${theirKey}`);
        }
      }
      const only = await ipr.getNeighTables({ index: "v0", family: "inet" });
      assert.deepEqual(only.map((t) => [t.name, t.index]), [["arp_cache", v0]]);
      assert.doesNotThrow(() => JSON.stringify(ours));
    });
  });

  it("sets per-interface parameters that ip reads, and reads what ip sets", async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
      await ipr.ntable("set", {
        name: "arp_cache",
        index: "v0",
        parms: { baseReachableTime: 12000, ucastProbes: 7, queueLen: 50 },
      });
      const j = ipJson(["ntable", "show", "dev", "v0", "name", "arp_cache"], ns)[0];
      assert.equal(j.base_reachable, 12000); // a multiple of the jiffy (times are kept in jiffies)
      assert.equal(j.ucast_probes, 7);
      assert.equal(j.queue, 50);
      ip(["ntable", "change", "name", "ndisc_cache", "dev", "v1", "retrans", "2500"], ns);
      const [t] = await ipr.getNeighTables({ name: "ndisc_cache", index: "v1" });
      assert.equal(t!.parms!.retransTime, 2500);
    });
  });

  it("gets the kernel's ENOENT for thresholds outside the initial namespace", async () => {
    await withIPRoute(async (ipr) => {
      await assert.rejects(
        ipr.ntable("set", { name: "arp_cache", thresh1: 64 }),
        (e: unknown) => e instanceof NetlinkError && e.code === "ENOENT",
      );
    });
  });
});

describe("neighbour table requests", () => {
  it("encodes name, thresholds and nested parameters from the generated tables", () => {
    const req = buildNeighTableRequest("set", {
      name: "arp_cache",
      family: "inet",
      thresh2: 600,
      gcInterval: 20000,
      index: 3,
      parms: { baseReachableTime: 12000 },
    });
    assert.equal(req.type, RTM.SETNEIGHTBL);
    const d = decodeRequest(req, RT_NEIGH_STRUCTS.ndtmsg.size, SETS.ntable);
    assert.equal(d.header[0], AF_INET);
    assert.equal(d.attrs.name, "arp_cache");
    assert.equal(d.attrs.thresh2, 600);
    assert.equal(d.attrs.gcInterval, 20000n);
    assert.deepEqual(d.attrs.parms, { ifindex: 3, baseReachableTime: 12000n });
    assert.ok(RT_NEIGH_ATTRS.ndtAttrs.parms > 0);
  });

  it("refuses bad input before sending, naming the argument", () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ thresh1: 1 }, "name"],
      [{ name: "arp_cache" }, "thresh1"],
      [{ name: "arp_cache", parms: { bogus: 1 } }, "parms.bogus"],
      [{ name: "arp_cache", parms: { queueLen: -1 } }, "parms.queueLen"],
      [{ name: "arp_cache", thresh1: 1.5 }, "thresh1"],
      [{ name: "arp_cache", index: 2 }, "parms"],
    ];
    for (const [spec, argument] of bad) {
      assert.throws(
        () => buildNeighTableRequest("set", spec),
        (e: unknown) => e instanceof ArgumentError && e.argument === argument,
        JSON.stringify(spec),
      );
    }
    assert.throws(() => buildNeighTableRequest("get", {}), ArgumentError);
  });
});

describe("netconf", live, () => {
  it("dumps and gets what ip netconf shows, all and default included", async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
      ip(["link", "set", "v0", "up"], ns);
      const theirs: Json[] = ipJson(["netconf", "show"], ns);
      const ours = await ipr.getNetconf();
      const name = (i: number | undefined) =>
        i === -1 ? "all" : i === -2 ? "default" : ip(["-j", "link", "show"], ns) &&
          (JSON.parse(ip(["-j", "link", "show"], ns)) as Json[]).find((l) => l.ifindex === i)
            ?.ifname;
      const mine = (n: (typeof ours)[number]) => ({
        family: n.family === AF_INET ? "inet" : n.family === AF_INET6 ? "inet6" : n.family,
        interface: name(n.index),
        forwarding: n.forwarding !== 0,
        ...(n.rpFilter === undefined ? {} : { rp_filter: ["off", "strict", "loose"][n.rpFilter] }),
        // Absent where the kernel has no multicast routing for the family (ip prints nothing).
        ...(n.mcForwarding === undefined ? {} : { mc_forwarding: n.mcForwarding !== 0 }),
        proxy_neigh: n.proxyNeigh !== 0,
        ignore_routes_with_linkdown: n.ignoreRoutesWithLinkdown !== 0,
      });
      const key = (j: Json) => `${j.family}|${j.interface}`;
      assert.deepEqual(
        ours.map(mine).sort((a, b) => key(a).localeCompare(key(b))),
        theirs.sort((a, b) => key(a).localeCompare(key(b))),
      );
      // A change made outside shows in a get: proxy_arp on v0.
      ip(["netns", "exec", ns, "sysctl", "-qw", "net.ipv4.conf.v0.proxy_arp=1"]);
      const v0 = await ipr.netconf("get", { index: "v0" });
      assert.equal(v0.proxyNeigh, 1);
      assert.equal(v0.index, ifindex(ns, "v0"));
      const all6 = await ipr.netconf("get", { index: "all", family: "inet6" });
      assert.deepEqual([all6.family, all6.index], [AF_INET6, -1]);
      const def = await ipr.getNetconf({ index: "default", family: "inet" });
      assert.deepEqual(def.map((n) => n.index), [-2]);
    });
  });

  it("encodes get with the interface attribute and refuses bad input", () => {
    const req = buildNetconfRequest("get", { index: -1, family: "inet6" });
    assert.equal(req.type, RTM.GETNETCONF);
    const d = decodeRequest(req, 4, SETS.netconf); // netconfmsg (1 byte), aligned to 4
    assert.equal(d.header[0], AF_INET6);
    assert.equal(d.attrs.ifindex, -1);
    assert.equal(UAPI_ATTRS.netconfAttrs.ifindex, 1);
    for (
      const [spec, argument] of [
        [{}, "index"],
        [{ index: 0 }, "index"],
        [{ index: 1, family: "bridge" }, "family"],
        [{ index: 1, forwarding: 1 }, "forwarding"],
      ] as const
    ) {
      assert.throws(
        () => buildNetconfRequest("get", spec),
        (e: unknown) => e instanceof ArgumentError && e.argument === argument,
        JSON.stringify(spec),
      );
    }
  });
});

describe("address labels", live, () => {
  it("adds, gets and deletes labels that ip lists, and lists what ip adds", async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
      await ipr.addrlabel("add", { prefix: "2001:db8:1::/48", label: 200 });
      await ipr.addrlabel("add", { prefix: "2001:db8:2::/48", label: 201, index: "v0" });
      const theirs: Json[] = ipJson(["addrlabel", "list"], ns);
      assert.deepEqual(
        theirs.filter((j) => j.label >= 200),
        [
          { address: "2001:db8:2::", prefixlen: 48, ifname: "v0", label: 201 },
          { address: "2001:db8:1::", prefixlen: 48, label: 200 },
        ],
      );
      ip(["addrlabel", "add", "prefix", "2001:db8:3::/64", "label", "300"], ns);
      const ours = await ipr.getAddrLabels();
      assert.equal(ours.length, theirs.length + 1);
      const three = ours.find((l) => l.label === 300)!;
      assert.deepEqual([three.prefix, three.index, three.family], ["2001:db8:3::/64", 0, AF_INET6]);
      const got = await ipr.addrlabel("get", { prefix: "2001:db8:1::5" });
      assert.equal(got.label, 200);
      await assert.rejects(
        ipr.addrlabel("add", { prefix: "2001:db8:1::/48", label: 9 }),
        (e: unknown) => e instanceof NetlinkError && e.code === "EEXIST",
      );
      await ipr.addrlabel("replace", { prefix: "2001:db8:1::/48", label: 9 });
      await ipr.addrlabel("del", { prefix: "2001:db8:2::/48", index: "v0" });
      const after: Json[] = ipJson(["addrlabel", "list"], ns);
      assert.ok(after.some((j) => j.address === "2001:db8:1::" && j.label === 9));
      assert.ok(!after.some((j) => j.address === "2001:db8:2::"));
      assert.equal(await ipr.flushAddrLabels({ label: 300 }), 1);
      assert.equal(await ipr.flushAddrLabels(), after.length - 1);
      assert.deepEqual(ipJson(["addrlabel", "list"], ns), []);
    });
  });

  it("encodes the header and attributes from if_addrlabel.h's layout", () => {
    const req = buildAddrLabelRequest("add", { prefix: "2001:db8::/32", label: 7, index: 4 });
    assert.equal(req.type, RTM.NEWADDRLABEL);
    const d = decodeRequest(req, UAPI_STRUCTS.ifaddrlblmsg.size, SETS.addrlabel);
    // struct ifaddrlblmsg: family, reserved, prefixlen, flags, index (u32), seq (u32)
    assert.deepEqual([...d.header.slice(0, 8)], [AF_INET6, 0, 32, 0, 4, 0, 0, 0]);
    assert.deepEqual(d.attrs, { address: "2001:db8::", label: 7 });
    // A removal carries a label too (the kernel wants one, and ignores its value).
    const del = decodeRequest(
      buildAddrLabelRequest("del", { prefix: "2001:db8::/32" }),
      12,
      SETS.addrlabel,
    );
    assert.deepEqual(del.attrs, { address: "2001:db8::", label: 0 });
  });

  it("refuses bad input before sending, naming the argument", () => {
    const bad: [string, Record<string, unknown>, string][] = [
      ["add", { prefix: "10.0.0.0/8", label: 1 }, "prefix"],
      ["add", { prefix: "2001:db8::/32" }, "label"],
      ["add", { prefix: "2001:db8::/32", label: 0xffffffff }, "label"],
      ["add", { label: 1 }, "prefix"],
      ["get", { prefix: "2001:db8::1", label: 1 }, "label"],
      ["add", { prefix: "2001:db8::/129", label: 1 }, "prefix"],
      ["add", { prefix: "2001:db8::/32", label: 1, dev: "x" }, "dev"],
    ];
    for (const [cmd, spec, argument] of bad) {
      assert.throws(
        () => buildAddrLabelRequest(cmd, spec),
        (e: unknown) => e instanceof ArgumentError && e.argument === argument,
        `${cmd} ${JSON.stringify(spec)}`,
      );
    }
  });
});

describe("nlroute ntable, netconf and addrlabel", live, () => {
  it("print what ip prints, text and -j", async () => {
    await withTestNetns((ns) => {
      veth(ns);
      ok(ns, ["ntable", "change", "name", "arp_cache", "dev", "v0", "base_reachable", "15000"]);
      ok(ns, ["addrlabel", "add", "prefix", "2001:db8:7::/48", "dev", "v0", "label", "77"]);
      const noReach = (s: string) =>
        s.replace(/ reachable \d+ /g, " reachable X ").replace(/"reachable":\d+/g, '"reachable":X');
      for (
        const args of [
          ["ntable"],
          ["-j", "ntable", "show", "dev", "v0"],
          ["netconf"],
          ["-j", "netconf", "show", "dev", "v0"],
          ["-6", "netconf", "show", "dev", "lo"],
          ["addrlabel", "list"],
          ["-j", "addrlabel"],
        ]
      ) {
        assert.deepEqual(
          lines(noReach(ok(ns, args))),
          lines(noReach(ip(args, ns))),
          args.join(" "),
        );
      }
      ok(ns, ["addrlabel", "del", "prefix", "2001:db8:7::/48", "dev", "v0"]);
      assert.ok(!ip(["addrlabel"], ns).includes("2001:db8:7::"));
      ok(ns, ["addrlabel", "flush"]);
      assert.equal(ip(["addrlabel"], ns).trim(), "");
    });
  });
});
