/**
 * Bridge VLANs and the multicast database: mdb entries added by nlroute and
 * read by `bridge -j mdb show`, added by bridge and read by nlroute, in
 * throwaway namespaces; VLAN filtering probed live (this kernel may lack it:
 * then skipped with the kernel's answer), port VLAN and VLAN database
 * requests checked byte by byte against the uapi layouts, and AF_BRIDGE
 * replies decoded from hand-built bytes.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { ArgumentError, IPDB, Link, Monitor, NetlinkError, PortVlans, RTM } from "../mod.ts";
import { DbState } from "../ipdb/state.ts";
import { buildVlanRequest } from "../iproute/vlan/request.ts";
import { buildVlanDbRequest } from "../iproute/vlandb/request.ts";
import { buildMdbRequest } from "../iproute/mdb/request.ts";
import { RT_BRIDGE_STRUCTS } from "../core/tables/rt_bridge.ts";
import { Writer } from "../core/codec.ts";
import type { Request } from "../core/socket.ts";
import { bridgeJson, ip, skipReason, testName, withTestNetns } from "./helpers.ts";
import { bridge, live, withIPRoute } from "./iproute_util.ts";
import { lines, ok } from "./cli_util.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** A request's body (fixed header and attributes), as hex. */
function body(req: Request): string {
  const w = new Writer(256);
  req.body!(w);
  return Buffer.from(w.finish()).toString("hex");
}

/**
 * A bridge br0 with snooping and a port v0 (peer v1), all up. With `quiet`,
 * IPv6 is off in the namespace first, so no MLD report from v1 or br0 makes
 * the bridge learn a temporary entry while a test compares two listings.
 */
function bridgeScene(ns: string, quiet = false): void {
  if (quiet) {
    const r = spawnSync("ip", [
      "netns",
      "exec",
      ns,
      "sysctl",
      "-qw",
      "net.ipv6.conf.all.disable_ipv6=1",
      "net.ipv6.conf.default.disable_ipv6=1",
    ], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  }
  ip(["link", "add", "br0", "type", "bridge", "mcast_snooping", "1"], ns);
  ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
  ip(["link", "set", "v0", "master", "br0"], ns);
  for (const d of ["v0", "v1", "br0"]) ip(["link", "set", d, "up"], ns);
}

/** The static (user-added) entries `bridge -j mdb show` lists, as comparable tuples. */
function bridgeMdb(ns: string): string[] {
  const out: Json[] = bridgeJson(["-d", "mdb", "show"], ns);
  return out.flatMap((b: Json) => b.mdb ?? []).filter((e: Json) => e.protocol === "static")
    .map((e: Json) => JSON.stringify([e.dev, e.port, e.grp, e.state, e.vid ?? 0])).sort();
}

/** Whether this kernel filters VLANs on bridges (probed once in a throwaway namespace). */
let vlanProbe: string | false | undefined;
function vlanFilteringMissing(): string | false {
  if (vlanProbe !== undefined) return vlanProbe;
  const ns = testName("vlanprobe");
  spawnSync("ip", ["netns", "add", ns]);
  const r = spawnSync(
    "ip",
    ["-n", ns, "link", "add", "name", "vlprobe0", "type", "bridge", "vlan_filtering", "1"],
    {
      encoding: "utf8",
    },
  );
  spawnSync("ip", ["netns", "del", ns]);
  vlanProbe = r.status === 0
    ? false
    : skipReason(`this kernel has no bridge VLAN filtering (${r.stderr.trim().split("\n")[0]})`);
  return vlanProbe;
}

describe("bridge VLAN requests (bytes)", () => {
  const IFINFO = (index: number) =>
    // ifinfomsg: family AF_BRIDGE (7), pad, type 0, index, flags 0, change 0
    "0700" + "0000" + Buffer.from(new Uint32Array([index]).buffer).toString("hex") + "00000000" +
    "00000000";
  it("encodes a port VLAN as IFLA_AF_SPEC { IFLA_BRIDGE_VLAN_INFO } (struct bridge_vlan_info)", () => {
    const add = buildVlanRequest("add", { index: 5, vid: 10, pvid: true, untagged: true });
    assert.equal(add.type, RTM.SETLINK);
    // IFLA_AF_SPEC (26, NLA_F_NESTED as iproute2 sets it): len 12 { VLAN_INFO (2): len 8, flags PVID|UNTAGGED = 6, vid 10 }
    assert.equal(body(add), IFINFO(5) + "0c001a80" + "08000200" + "0600" + "0a00");
    const del = buildVlanRequest("del", { index: 5, vid: 10 });
    assert.equal(del.type, RTM.DELLINK);
    assert.equal(body(del), IFINFO(5) + "0c001a80" + "08000200" + "0000" + "0a00");
    // A range: RANGE_BEGIN (8) then RANGE_END (16); `self`: IFLA_BRIDGE_FLAGS (0) = SELF (2).
    const range = buildVlanRequest("add", {
      index: 7,
      vid: [100, 200],
      untagged: true,
      self: true,
    });
    assert.equal(
      body(range),
      IFINFO(7) + "1c001a80" + "08000200" + "0c00" + "6400" + "08000200" + "1400" + "c800" +
        "06000000" + "0200" + "0000",
    );
    // The dump asks for VLANs with IFLA_EXT_MASK (29) = RTEXT_FILTER_BRVLAN (2).
    const dump = buildVlanRequest("dump", {});
    assert.equal(dump.type, RTM.GETLINK);
    assert.equal(body(dump), IFINFO(0) + "08001d00" + "02000000");
    assert.equal(body(buildVlanRequest("dump", { compressed: true })).slice(-8), "04000000");
  });

  it("encodes VLAN database entries (struct br_vlan_msg, BRIDGE_VLANDB_ENTRY)", () => {
    assert.deepEqual(
      { size: RT_BRIDGE_STRUCTS.brVlanMsg.size, ...RT_BRIDGE_STRUCTS.brVlanMsg.at },
      { size: 8, family: 0, reserved1: 1, reserved2: 2, ifindex: 4 },
    );
    const set = buildVlanDbRequest("set", {
      index: 4,
      vid: [10, 20],
      state: "learning",
      mcastRouter: 2,
    });
    assert.equal(set.type, RTM.NEWVLAN);
    // br_vlan_msg { 7, 0, 0, ifindex 4 }, ENTRY (1): { INFO (1) {flags 0, vid 10}, RANGE (2) 20,
    // STATE (3) 2, MCAST_ROUTER (6) 2 }
    assert.equal(
      body(set),
      "07000000" + "04000000" + "24000180" + "08000100" + "0000" + "0a00" + "06000200" + "1400" +
        "0000" + "05000300" + "02000000" + "05000600" + "02000000",
    );
    const dump = buildVlanDbRequest("dump", { stats: true });
    assert.equal(dump.type, RTM.GETVLAN);
    // BRIDGE_VLANDB_DUMP_FLAGS (1) = DUMPF_STATS (1)
    assert.equal(body(dump), "07000000" + "00000000" + "08000100" + "01000000");
  });

  it("decodes an AF_BRIDGE link message's VLANs, merging ranges", () => {
    const w = new Writer(256);
    const start = w.beginMessage(RTM.NEWLINK, 0);
    w.bytes(Buffer.from(IFINFO(5), "hex"));
    w.attrString(3, "v0");
    const spec = w.beginNested(26);
    const info = (flags: number, vid: number) => {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint16(0, flags, true);
      new DataView(b.buffer).setUint16(2, vid, true);
      w.attrBytes(2, b);
    };
    info(2 | 4, 1); // pvid, untagged
    info(8, 100); // range 100 …
    info(16, 200); // … 200
    info(4, 300);
    w.endAttr(spec);
    w.endMessage(start);
    const bytes = w.finish();
    const p = new PortVlans(bytes, new DataView(bytes.buffer), 0, bytes.length, RTM.NEWLINK);
    assert.equal(p.index, 5);
    assert.equal(p.ifname, "v0");
    assert.deepEqual(p.vlans, [
      { vid: 1, pvid: true, untagged: true, flags: 6 },
      { vid: 100, pvid: false, untagged: false, flags: 0, vidEnd: 200 },
      { vid: 300, pvid: false, untagged: true, flags: 4 },
    ]);
    assert.doesNotThrow(() => JSON.stringify(p));
  });

  it("refuses bad VLAN arguments before sending", () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ index: 5, vid: 0 }, "vid"],
      [{ index: 5, vid: 4095 }, "vid"],
      [{ index: 5, vid: [20, 10] }, "vid"],
      [{ index: 5, vid: [10, 20], pvid: true }, "pvid"],
      [{ vid: 10 }, "index"],
      [{ index: 5 }, "vid"],
      [{ index: 5, vid: 10, untagged: "yes" }, "untagged"],
    ];
    for (const [spec, arg] of bad) {
      assert.throws(
        () => buildVlanRequest("add", spec),
        (e: unknown) => e instanceof ArgumentError && e.argument === arg,
        JSON.stringify(spec),
      );
    }
    assert.throws(
      () => buildVlanDbRequest("set", { index: 4, vid: 10, state: 9 }),
      (e: unknown) => e instanceof ArgumentError && e.argument === "state",
    );
    assert.throws(
      () => buildVlanDbRequest("dump", { vid: 10 }),
      (e: unknown) => e instanceof ArgumentError && e.argument === "vid",
    );
  });
});

describe("bridge VLANs (live)", live, () => {
  it("dumps port VLANs as bridge vlan show lists them", async () => {
    await withIPRoute(async (ipr, ns) => {
      bridgeScene(ns);
      const ours = await ipr.getVlans();
      const theirs: Json[] = bridgeJson(["vlan", "show"], ns);
      assert.deepEqual(
        ours.map((p) => ({ ifname: p.ifname, vlans: p.vlans.map((v) => v.vid) })),
        theirs.map((p: Json) => ({ ifname: p.ifname, vlans: p.vlans.map((v: Json) => v.vlan) })),
      );
      // Every port is listed by the dump itself, with or without VLANs.
      assert.ok((await ipr.vlan("dump").all()).some((p) => p.ifname === "v0"));
    });
  });

  it("adds and removes port VLANs, read back by bridge vlan show", {
    skip: vlanFilteringMissing(),
  }, async () => {
    await withIPRoute(async (ipr, ns) => {
      ip(["link", "add", "br0", "type", "bridge", "vlan_filtering", "1"], ns);
      ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
      ip(["link", "set", "v0", "master", "br0"], ns);
      await ipr.vlan("add", { index: "v0", vid: 10, pvid: true, untagged: true });
      await ipr.vlan("add", { index: "v0", vid: [20, 29] });
      const theirs: Json[] = bridgeJson(["vlan", "show", "dev", "v0"], ns);
      const vlans = theirs[0].vlans as Json[];
      assert.ok(vlans.some((v) => v.vlan === 10 && v.flags.includes("PVID")));
      assert.ok(vlans.some((v) => v.vlan === 20 && v.vlanEnd === 29));
      const ours = (await ipr.getVlans({ index: "v0" }))[0]!;
      assert.ok(ours.vlans.some((v) => v.vid === 10 && v.pvid && v.untagged));
      await ipr.vlan("del", { index: "v0", vid: 10 });
      assert.ok(
        !(bridgeJson(["vlan", "show", "dev", "v0"], ns)[0].vlans as Json[]).some((v) =>
          v.vlan === 10
        ),
      );
    });
  });

  it("answers what the kernel says about VLAN changes when it cannot filter", {
    skip: vlanFilteringMissing() ? false : "this kernel filters VLANs (the live test covers it)",
  }, async () => {
    await withIPRoute(async (ipr, ns) => {
      bridgeScene(ns);
      await assert.rejects(
        ipr.vlan("add", { index: "v0", vid: 10 }),
        (e: unknown) => e instanceof NetlinkError && e.code === "EOPNOTSUPP",
      );
      await assert.rejects(
        ipr.vlanDb("dump").all(),
        (e: unknown) => e instanceof NetlinkError && e.code === "EOPNOTSUPP",
      );
    });
  });
});

describe("bridge mdb requests (bytes)", () => {
  it("encodes an entry as struct br_port_msg + MDBA_SET_ENTRY (struct br_mdb_entry, 28 bytes)", () => {
    assert.deepEqual(
      { size: RT_BRIDGE_STRUCTS.brMdbEntry.size, ...RT_BRIDGE_STRUCTS.brMdbEntry.at },
      { size: 28, ifindex: 0, state: 4, flags: 5, vid: 6, addr: 8, proto: 24 },
    );
    assert.deepEqual(
      { size: RT_BRIDGE_STRUCTS.brPortMsg.size, ...RT_BRIDGE_STRUCTS.brPortMsg.at },
      { size: 8, family: 0, ifindex: 4 },
    );
    const add = buildMdbRequest("add", {
      index: 3,
      port: 5,
      group: "239.1.1.1",
      state: "permanent",
      vid: 5,
    });
    assert.equal(add.type, RTM.NEWMDB);
    // br_port_msg { AF_BRIDGE, pad, ifindex 3 }; MDBA_SET_ENTRY (1), len 32: ifindex 5,
    // state 1, flags 0, vid 5, 239.1.1.1 + 12 zero bytes, proto 0x0800 (big-endian), 2 pad bytes.
    assert.equal(
      body(add),
      "07000000" + "03000000" + "20000100" + "05000000" + "01" + "00" + "0500" + "ef010101" +
        "00".repeat(12) + "0800" + "0000",
    );
    const v6 = body(buildMdbRequest("del", { index: 3, port: 5, group: "ff0e::1" }));
    assert.equal(v6.slice(16 + 8 + 16, 16 + 8 + 16 + 32), "ff0e" + "00".repeat(13) + "01");
    assert.equal(v6.slice(-8, -4), "86dd");
    const mac = body(buildMdbRequest("add", { index: 3, port: 5, group: "01:00:5e:01:01:01" }));
    assert.equal(mac.slice(40, 52), "01005e010101");
    assert.equal(mac.slice(-8, -4), "0000");
    // (S, G) with a source: MDBA_SET_ENTRY_ATTRS (2) { MDBE_ATTR_SOURCE (1) 10.0.0.5 }
    const sg = body(
      buildMdbRequest("add", { index: 3, port: 5, group: "232.1.1.1", source: "10.0.0.5" }),
    );
    assert.equal(sg.slice(-24), "0c000280" + "08000100" + "0a000005");
  });

  it("refuses bad mdb arguments before sending", () => {
    const base = { index: 3, port: 5, group: "239.1.1.1" };
    const bad: [Record<string, unknown>, string][] = [
      [{ ...base, group: "not-a-group" }, "group"],
      [{ ...base, port: undefined }, "port"],
      [{ ...base, index: undefined }, "index"],
      [{ ...base, vid: 5000 }, "vid"],
      [{ ...base, state: "forever" }, "state"],
      [{ ...base, source: "2001:db8::1" }, "source"],
      [{ ...base, mode: "both" }, "mode"],
      [{ ...base, group: "01:00:5e:01:01:01", source: "10.0.0.1" }, "source"],
      [{ ...base, sources: ["10.0.0.1", "nope"] }, "sources[1]"],
      [{ ...base, colour: "red" }, "colour"],
    ];
    for (const [spec, arg] of bad) {
      assert.throws(
        () => buildMdbRequest("add", spec),
        (e: unknown) => e instanceof ArgumentError && e.argument === arg,
        JSON.stringify(spec),
      );
    }
  });
});

describe("bridge mdb (live)", live, () => {
  it("adds entries bridge mdb show lists, and lists the entries bridge added", async () => {
    await withIPRoute(async (ipr, ns) => {
      bridgeScene(ns);
      await ipr.mdb("add", { index: "br0", port: "v0", group: "239.1.1.1", state: "permanent" });
      await ipr.mdb("add", {
        index: "br0",
        port: "v0",
        group: "ff0e::1",
        state: "permanent",
        vid: 1,
      });
      await ipr.mdb("add", {
        index: "br0",
        port: "v0",
        group: "01:00:5e:01:01:02",
        state: "permanent",
      });
      ip(["link", "set", "v1", "up"], ns);
      bridge(ns, "mdb add dev br0 port v0 grp 239.3.3.3 permanent vid 7");
      bridge(ns, "mdb add dev br0 port v0 grp 239.4.4.4 temp");
      const ours = (await ipr.getMdb({ index: "br0" })).filter((e) => e.proto === "static");
      assert.deepEqual(
        ours.map((e) => JSON.stringify(["br0", "v0", e.group, e.state, e.vid ?? 0])).sort(),
        bridgeMdb(ns),
      );
      assert.equal(ours.length, 5);
      const temp = ours.find((e) => e.group === "239.4.4.4")!;
      assert.equal(temp.state, "temp");
      assert.ok(temp.timer! > 0, "a temporary entry's timer runs");
      // Filters of the helper, names resolved.
      assert.deepEqual((await ipr.getMdb({ group: "ff0e::1" })).map((e) => e.vid), [1]);
      assert.deepEqual((await ipr.getMdb({ port: "v0", vid: 7 })).map((e) => e.group), [
        "239.3.3.3",
      ]);
      // An existing entry: the kernel's EEXIST and its reason.
      await assert.rejects(
        ipr.mdb("add", { index: "br0", port: "v0", group: "239.1.1.1", state: "permanent" }),
        (e: unknown) => e instanceof NetlinkError && e.code === "EEXIST",
      );
      await ipr.mdb("del", { index: "br0", port: "v0", group: "239.3.3.3", vid: 7 });
      await ipr.mdb("del", { index: "br0", port: "v0", group: "239.1.1.1" });
      assert.ok(!bridgeMdb(ns).some((e) => e.includes("239.3.3.3") || e.includes("239.1.1.1")));
      const dumped = await ipr.mdb("dump").all();
      assert.deepEqual(dumped.map((m) => m.bridge), [
        (await ipr.link("get", { ifname: "br0" })).index,
      ]);
      assert.doesNotThrow(() => JSON.stringify(dumped));
    });
  });

  it("reports mdb changes as typed events (the mdb group, as bridge monitor mdb)", async () => {
    await withTestNetns(async (ns) => {
      bridgeScene(ns);
      await using mon = await Monitor.open({ netns: ns, groups: ["mdb"] });
      // One consumer from the start: it queues every event from here on.
      const events = mon.events({ signal: AbortSignal.timeout(5000) });
      bridge(ns, "mdb add dev br0 port v0 grp 239.7.7.7 permanent");
      bridge(ns, "mdb del dev br0 port v0 grp 239.7.7.7");
      const seen: string[] = [];
      for await (const e of events) {
        if (e.kind !== "mdb") continue;
        const entry = e.object.entries.find((x) => x.group === "239.7.7.7");
        if (entry) seen.push(`${e.event} ${entry.state}`);
        if (seen.length === 2) break;
      }
      assert.deepEqual(seen, ["RTM_NEWMDB permanent", "RTM_DELMDB permanent"]);
    });
  });

  it("adds (S, G) entries with IGMPv3", async () => {
    await withIPRoute(async (ipr, ns) => {
      bridgeScene(ns);
      ip(["link", "set", "br0", "type", "bridge", "mcast_igmp_version", "3"], ns);
      await ipr.mdb("add", {
        index: "br0",
        port: "v0",
        group: "232.1.1.1",
        source: "10.0.0.5",
        state: "permanent",
      });
      const theirs = (bridgeJson(["-d", "mdb", "show"], ns) as Json[]).flatMap((b) => b.mdb ?? [])
        .find((e: Json) => e.grp === "232.1.1.1" && e.src === "10.0.0.5");
      assert.ok(theirs, "bridge lists the (S, G) entry");
      const ours = (await ipr.getMdb({ group: "232.1.1.1" })).find((e) => e.source === "10.0.0.5");
      assert.ok(ours);
      assert.equal(ours.state, "permanent");
    });
  });
});

describe("nlroute bridge mdb | vlan (live)", live, () => {
  it("prints what bridge mdb show prints (text, -d, -j, -j -d) for entries made either way", async () => {
    await withTestNetns((ns) => {
      bridgeScene(ns, true);
      // A permanent multicast router port: listed by -d (and -j -d's "router").
      ip(["link", "set", "v0", "type", "bridge_slave", "mcast_router", "2"], ns);
      ok(ns, ["bridge", "mdb", "add", "dev", "br0", "port", "v0", "grp", "239.1.1.1", "permanent"]);
      ok(ns, [
        "b",
        "m",
        "a",
        "dev",
        "br0",
        "port",
        "v0",
        "grp",
        "ff0e::1",
        "permanent",
        "vid",
        "3",
      ]);
      bridge(ns, "mdb add dev br0 port v0 grp 01:00:5e:01:01:05 permanent");
      for (const opts of [[], ["-d"], ["-j"], ["-j", "-d"]]) {
        const theirs =
          spawnSync("bridge", ["-n", ns, ...opts, "mdb", "show"], { encoding: "utf8" }).stdout;
        const ours = ok(ns, [...opts, "bridge", "mdb", "show"]);
        if (opts.includes("-j")) {
          assert.deepEqual(JSON.parse(ours), JSON.parse(theirs), opts.join(" "));
        } else assert.deepEqual(lines(ours), lines(theirs), opts.join(" "));
      }
      assert.ok(
        lines(ok(ns, ["-d", "bridge", "mdb", "show"])).includes("router ports on br0: v0"),
        "the router port is listed",
      );
      assert.deepEqual(lines(ok(ns, ["bridge", "mdb", "show", "dev", "br0", "vid", "3"])), [
        "dev br0 port v0 grp ff0e::1 permanent vid 3",
      ]);
      ok(ns, ["bridge", "mdb", "del", "dev", "br0", "port", "v0", "grp", "239.1.1.1"]);
      assert.ok(!bridgeMdb(ns).some((e) => e.includes("239.1.1.1")));
    });
  });

  it("prints what bridge vlan show prints", async () => {
    await withTestNetns((ns) => {
      bridgeScene(ns);
      const theirs = spawnSync("bridge", ["-n", ns, "vlan", "show"], { encoding: "utf8" }).stdout;
      assert.deepEqual(lines(ok(ns, ["bridge", "vlan", "show"])), lines(theirs));
      assert.deepEqual(
        JSON.parse(ok(ns, ["-j", "bridge", "vlan", "show"])),
        bridgeJson(["vlan", "show"], ns),
      );
    });
  });
});

/** An RTM_NEWLINK / RTM_DELLINK message: ifinfomsg (family, index), IFLA_IFNAME, and VLAN infos in IFLA_AF_SPEC. */
function linkMessage(
  type: number,
  family: number,
  index: number,
  name: string,
  vlans: [number, number][] = [],
): Link {
  const w = new Writer(256);
  const start = w.beginMessage(type, 0);
  const hdr = new Uint8Array(16);
  hdr[0] = family;
  new DataView(hdr.buffer).setInt32(4, index, true);
  w.bytes(hdr);
  w.attrString(3, name);
  if (vlans.length) {
    const spec = w.beginNested(26);
    for (const [flags, vid] of vlans) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint16(0, flags, true);
      new DataView(b.buffer).setUint16(2, vid, true);
      w.attrBytes(2, b);
    }
    w.endAttr(spec);
  }
  w.endMessage(start);
  const bytes = w.finish();
  return new Link(bytes, new DataView(bytes.buffer), 0, bytes.length, type);
}

describe("IPDB port VLANs", () => {
  it("keeps a port's VLANs from AF_BRIDGE link messages, and clears them when it leaves", () => {
    const state = new DbState("implicit", [], { sync: () => {}, commit: () => Promise.resolve() });
    state.setLink(linkMessage(RTM.NEWLINK, 0, 5, "v0"));
    const v0 = state.byIndex.get(5)!;
    assert.deepEqual(v0.vlans, []);
    state.setLink(linkMessage(RTM.NEWLINK, 7, 5, "v0", [[6, 1], [8, 10], [16, 20]]));
    assert.deepEqual(v0.vlans, [
      { vid: 1, pvid: true, untagged: true, flags: 6 },
      { vid: 10, pvid: false, untagged: false, flags: 0, vidEnd: 20 },
    ]);
    assert.equal(v0.ifname, "v0", "an AF_BRIDGE message is not a link update");
    state.delLink(linkMessage(RTM.DELLINK, 7, 5, "v0"));
    assert.deepEqual(v0.vlans, []);
    assert.equal(state.byIndex.get(5), v0, "the port's record stays");
  });
});

describe("IPDB port VLANs (live)", live, () => {
  it("lists the VLANs bridge vlan show lists", async () => {
    await withTestNetns(async (ns) => {
      bridgeScene(ns);
      await using ipdb = await IPDB.open({ netns: ns });
      const theirs = new Map(
        (bridgeJson(["vlan", "show"], ns) as Json[]).map((p) => [
          p.ifname,
          p.vlans.map((v: Json) => v.vlan),
        ]),
      );
      for (const name of ["br0", "v0", "v1"]) {
        assert.deepEqual(
          ipdb.interfaces[name]!.vlans.map((v) => v.vid),
          theirs.get(name) ?? [],
          name,
        );
      }
    });
  });

  it("follows VLANs added behind its back", { skip: vlanFilteringMissing() }, async () => {
    await withTestNetns(async (ns) => {
      ip(["link", "add", "br0", "type", "bridge", "vlan_filtering", "1"], ns);
      ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
      ip(["link", "set", "v0", "master", "br0"], ns);
      await using ipdb = await IPDB.open({ netns: ns });
      spawnSync("bridge", ["-n", ns, "vlan", "add", "dev", "v0", "vid", "42"]);
      await ipdb.wait("RTM_NEWLINK", { index: ipdb.interfaces.v0!.index }, { timeout: 2000 });
      ipdb.sync();
      assert.ok(ipdb.interfaces.v0!.vlans.some((v) => v.vid === 42));
    });
  });
});
