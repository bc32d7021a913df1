/**
 * What a user hits in the first hour with IPRoute (issue 12): names inside
 * kind data, a master and port options in one call, interface flags, link
 * addresses of the wrong length, kernel-side dump filters that match nothing,
 * rule dumps without the multicast routing families, names from iproute2's
 * name files. Each against `ip -j`, in a throwaway namespace.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ArgumentError,
  IPRoute,
  jsonSafe,
  NetlinkError,
  REALMS,
  ROUTE_PROTOCOLS,
  SCOPES,
  setIproute2ConfigDirs,
  tableId,
  TABLES,
  UnknownInterfaceError,
} from "../mod.ts";
import { bridgeJson, ip, ipJson, isRoot } from "./helpers.ts";
import { skipKind, snapshot, withIPRoute } from "./iproute_util.ts";

const live = { skip: !isRoot && "needs root" };

/** `ip -j link show dev` of one link. */
// deno-lint-ignore no-explicit-any
function ipLink(ns: string, dev: string): any {
  return ipJson(["-d", "link", "show", "dev", dev], ns)[0];
}

describe("IPRoute: link options as a user writes them (live)", live, () => {
  it(
    "resolves an interface name inside kind data (vxlan link)",
    { skip: skipKind("vxlan") },
    async () => {
      await withIPRoute(async (ipr, ns) => {
        ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
        await ipr.link("add", {
          ifname: "vx0",
          kind: "vxlan",
          data: { id: 42, port: 4789, link: "v0" },
        });
        assert.equal(ipLink(ns, "vx0").linkinfo.info_data.link, "v0");
        const vx = await ipr.link("get", { ifname: "vx0" });
        assert.equal(vx.data?.link, (await ipr.linkLookup({ ifname: "v0" }))[0]);
        await assert.rejects(
          ipr.link("add", { ifname: "vx1", kind: "vxlan", data: { id: 43, link: "nope0" } }),
          (e: UnknownInterfaceError) =>
            e instanceof UnknownInterfaceError && e.argument === "data.link" &&
            e.ifname === "nope0",
        );
      });
    },
  );

  it("sets a master and bridge port options in one call (the master first)", async () => {
    await withIPRoute(async (ipr, ns) => {
      ip(["link", "add", "br0", "type", "bridge"], ns);
      ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
      await ipr.link("set", { ifname: "v0", master: "br0", brport: { cost: 33, learning: false } });
      const port = bridgeJson(["-d", "link", "show", "dev", "v0"], ns)[0];
      assert.equal(port.master, "br0");
      assert.equal(port.cost, 33);
      assert.equal(port.learning, false);
      // The same through a batch: two requests, both acknowledged.
      ip(["link", "add", "v2", "type", "veth", "peer", "name", "v3"], ns);
      const results = await ipr.batch().link("set", {
        ifname: "v2",
        master: "br0",
        brport: { cost: 7 },
      })
        .send();
      assert.deepEqual(results.map((r) => r.ok), [true, true]);
      assert.equal(bridgeJson(["-d", "link", "show", "dev", "v2"], ns)[0].cost, 7);
    });
  });

  it("switches interface flags: arp, promisc, allmulti, multicast", async () => {
    await withIPRoute(async (ipr, ns) => {
      ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
      const flags = () => ipLink(ns, "v0").flags as string[];
      assert.ok(!flags().includes("NOARP"));
      await ipr.link("set", { ifname: "v0", arp: false, promisc: true, allmulti: true });
      assert.ok(flags().includes("NOARP"), String(flags()));
      assert.ok(flags().includes("PROMISC"), String(flags()));
      assert.ok(flags().includes("ALLMULTI"), String(flags()));
      assert.ok(flags().includes("MULTICAST"));
      const l = await ipr.link("get", { ifname: "v0" });
      assert.ok(l.flags.includes("noArp") && l.flags.includes("promisc"));
      await ipr.link("set", { ifname: "v0", arp: true, promisc: false, multicast: false });
      assert.ok(!flags().includes("NOARP"));
      assert.ok(!flags().includes("PROMISC"));
      assert.ok(!flags().includes("MULTICAST"));
      assert.ok(flags().includes("ALLMULTI"), "a flag not mentioned is left alone");
      // A veth peer created with arp off.
      await ipr.link("add", { ifname: "v4", kind: "veth", peer: { ifname: "v5", arp: false } });
      assert.ok((ipLink(ns, "v5").flags as string[]).includes("NOARP"));
      assert.ok(!(ipLink(ns, "v4").flags as string[]).includes("NOARP"));
    });
  });

  it("refuses a link address of a length no link has, before sending", async () => {
    await withIPRoute(async (ipr, ns) => {
      ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
      const before = snapshot(ns);
      await assert.rejects(
        ipr.link("set", { ifname: "v0", address: "02:00:00:00:01" }),
        (e: ArgumentError) => e instanceof ArgumentError && e.argument === "address",
      );
      await assert.rejects(
        ipr.link("add", { ifname: "v2", kind: "veth", peer: { ifname: "v3", address: "02:01" } }),
        (e: ArgumentError) => e instanceof ArgumentError && e.argument === "peer.address",
      );
      assert.equal(snapshot(ns), before);
      await ipr.link("set", { ifname: "v0", address: "02:00:00:00:00:07" });
      assert.equal(ipLink(ns, "v0").address, "02:00:00:00:00:07");
    });
  });
});

describe("IPRoute: results as JSON", () => {
  it(
    "serializes a bridge (u64 timers) and every other result without throwing (live)",
    live,
    async () => {
      await withIPRoute(async (ipr, ns) => {
        ip(["link", "add", "br0", "type", "bridge"], ns);
        const br = await ipr.link("get", { ifname: "br0" });
        const json = JSON.parse(JSON.stringify(br));
        assert.equal(json.ifname, "br0");
        assert.equal(typeof json.data.helloTimer, "number", "a safe u64 is a number");
        assert.equal(json.data.helloTimer, Number(br.data!.helloTimer));
        for (
          const list of [
            await ipr.getLinks(),
            await ipr.getAddr(),
            await ipr.getRoutes(),
            await ipr.getRules(),
          ]
        ) {
          for (const item of list) assert.doesNotThrow(() => JSON.stringify(item));
        }
        assert.doesNotThrow(() => JSON.stringify(br.attrs === undefined ? {} : br.toJSON()));
      });
    },
  );

  it("follows the documented rule: safe u64 as numbers, others as strings, bytes as hex", () => {
    assert.deepEqual(jsonSafe({ n: [1n, 2n ** 63n], b: new Uint8Array([0, 255]), s: "x" }), {
      n: [1, "9223372036854775808"],
      b: "00ff",
      s: "x",
    });
  });
});

describe("IPRoute: dump filters give the same answer either way (live)", live, () => {
  it("flushes and dumps a table the family does not have as empty, strict or not", async () => {
    await withIPRoute(async (ipr, ns) => {
      ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
      ip(["link", "set", "v0", "up"], ns);
      ip(["route", "add", "10.7.0.0/16", "dev", "v0", "table", "100"], ns);
      assert.deepEqual(await ipr.getRoutes({ table: 100, family: "inet6" }), []);
      assert.equal(await ipr.flushRoutes({ table: 100, family: "inet6" }), 0);
      const loose = await IPRoute.open({ netns: ns, strict: false });
      try {
        assert.deepEqual(await loose.getRoutes({ table: 100, family: "inet6" }), []);
      } finally {
        loose.close();
      }
      assert.equal(ipJson(["route", "show", "table", "100"], ns).length, 1, "IPv4 route kept");
      assert.equal(await ipr.flushRoutes({ table: 100 }), 1);
      assert.equal(ipJson(["route", "show", "table", "100"], ns).length, 0);
    });
  });

  it("dumps IPv4 and IPv6 rules only, unless a family asks for others", async () => {
    await withIPRoute(async (ipr, ns) => {
      const rules = await ipr.getRules();
      assert.ok(rules.length > 0);
      assert.ok(
        rules.every((r) => r.family === 2 || r.family === 10),
        String(rules.map((r) => r.family)),
      );
      const v4 = ipJson(["-4", "rule", "show"], ns).length;
      const v6 = ipJson(["-6", "rule", "show"], ns).length;
      assert.equal(rules.length, v4 + v6);
      // RTNL_FAMILY_IPMR rules exist only where the kernel routes IPv4 multicast
      // (/proc/net/ip_mr_vif); elsewhere the kernel refuses the family.
      if (existsSync("/proc/net/ip_mr_vif")) {
        const ipmr = await ipr.getRules({ family: 128 });
        assert.ok(ipmr.every((r) => r.family === 128));
      } else {
        await assert.rejects(
          ipr.getRules({ family: 128 }),
          (e) => e instanceof NetlinkError && e.code === "EAFNOSUPPORT",
        );
      }
    });
  });
});

describe("IPRoute: names from iproute2's name files", () => {
  // A temporary configuration folder: the host's own files are never read here.
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "nlrt-names-"));
    writeFileSync(join(dir, "rt_tables"), "# tables\n100\tisp1\n0x65 isp2 # hex\n");
    mkdirSync(join(dir, "rt_tables.d"));
    writeFileSync(join(dir, "rt_tables.d", "lab.conf"), "200 lab\n");
    writeFileSync(join(dir, "rt_tables.d", "ignored.txt"), "201 nope\n");
    // 99 is openr built in: the file's name wins for its value.
    writeFileSync(join(dir, "rt_protos"), "77 myproto\n99 router99\n");
    writeFileSync(join(dir, "rt_scopes"), "100 campus\n");
    writeFileSync(join(dir, "rt_realms"), "0 cosmos\n7 seven\n");
    setIproute2ConfigDirs([dir]);
  });
  after(() => {
    setIproute2ConfigDirs(undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it("resolves table, protocol, scope and realm names both ways", () => {
    assert.equal(tableId("isp1"), 100);
    assert.equal(tableId("isp2"), 101);
    assert.equal(tableId("lab"), 200);
    assert.equal(tableId("main"), 254, "built-in names stay");
    assert.throws(() => tableId("nope"), ArgumentError, ".d files other than *.conf are not read");
    assert.equal(TABLES.name(200), "lab");
    assert.equal(ROUTE_PROTOCOLS.name(77), "myproto");
    assert.equal(ROUTE_PROTOCOLS.name(99), "router99", "the file's name wins for its value");
    assert.equal(ROUTE_PROTOCOLS.value("myproto", "proto"), 77);
    assert.equal(SCOPES.value("campus", "scope"), 100);
    assert.equal(REALMS.name(7), "seven");
  });

  it("uses them in requests and results (live)", live, async () => {
    await withIPRoute(async (ipr, ns) => {
      ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
      ip(["link", "set", "v0", "up"], ns);
      await ipr.route("add", {
        dst: "10.8.0.0/16",
        oif: "v0",
        table: tableId("isp1"),
        proto: ROUTE_PROTOCOLS.value("myproto", "proto"),
        realm: "seven",
      });
      const [j] = ipJson(["route", "show", "table", "100"], ns);
      assert.equal(j.dst, "10.8.0.0/16");
      assert.equal(j.protocol, "77", "ip reads the host's rt_protos, which lacks the name");
      const [r] = await ipr.getRoutes({ table: 100 });
      assert.equal(r!.proto, "myproto");
      assert.equal(r!.realm, "seven");
      assert.equal((await ipr.getRoutes({ table: tableId("isp1") })).length, 1);
    });
  });
});
