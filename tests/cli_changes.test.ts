/**
 * The `nlroute` command's changes, checked with `ip -j` in throwaway
 * namespaces: link, address, route, neigh, rule and nexthop add/set/del/flush,
 * exit codes and messages when the kernel refuses.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ip, ipJson, testName } from "./helpers.ts";
import { assertSameJson, live, nlroute, ok, quietIPv6, throwawayNamespace } from "./cli_util.ts";

describe("nlroute: changes (live)", live, () => {
  let ns = "";
  throwawayNamespace(quietIPv6, (name) => (ns = name));

  it("link add, set and del", () => {
    assert.equal(ok(ns, ["link", "add", "v0", "type", "veth", "peer", "name", "v1"]), "");
    ok(ns, ["link", "set", "dev", "v0", "mtu", "1400", "up"]);
    let [v0] = ipJson(["link", "show", "dev", "v0"], ns);
    assert.equal(v0.mtu, 1400);
    assert.ok(v0.flags.includes("UP"));
    ok(ns, ["link", "set", "v1", "address", "02:00:00:00:00:11", "txqlen", "500", "up"]);
    const [v1] = ipJson(["link", "show", "dev", "v1"], ns);
    assert.equal(v1.address, "02:00:00:00:00:11");
    assert.equal(v1.txqlen, 500);
    ok(ns, ["link", "add", "br0", "type", "bridge"]);
    ok(ns, ["link", "set", "dev", "v1", "master", "br0"]);
    assert.equal(ipJson(["link", "show", "dev", "v1"], ns)[0].master, "br0");
    ok(ns, ["link", "set", "dev", "v1", "nomaster"]);
    assert.equal(ipJson(["link", "show", "dev", "v1"], ns)[0].master, undefined);
    ok(ns, ["link", "set", "dev", "v0", "down", "name", "w0", "alias", "uplink"]);
    [v0] = ipJson(["link", "show", "dev", "w0"], ns);
    assert.ok(!v0.flags.includes("UP"));
    assert.equal(v0.ifalias, "uplink");
    ok(ns, ["link", "set", "w0", "name", "v0"]);
    ok(ns, ["link", "del", "br0"]);
    assert.ok(!ipJson(["link", "show"], ns).some((l: { ifname: string }) => l.ifname === "br0"));
  });

  it("address add, del and flush", () => {
    ok(ns, ["link", "set", "v0", "up"]);
    ok(ns, ["address", "add", "10.0.0.1/24", "dev", "v0"]);
    ok(ns, ["addr", "add", "10.0.0.5/24", "brd", "+", "dev", "v0", "label", "v0:1"]);
    ok(ns, ["-6", "addr", "add", "2001:db8::1/64", "dev", "v0", "nodad"]);
    let info = ipJson(["addr", "show", "dev", "v0"], ns)[0].addr_info;
    const v4 = info.filter((a: { family: string }) => a.family === "inet");
    assert.deepEqual(v4.map((a: { local: string }) => a.local), ["10.0.0.1", "10.0.0.5"]);
    assert.equal(v4[1].broadcast, "10.0.0.255");
    assert.equal(v4[1].label, "v0:1");
    assert.ok(
      info.some((a: { local: string; nodad?: boolean }) => a.local === "2001:db8::1" && a.nodad),
    );
    ok(ns, ["addr", "del", "10.0.0.5/24", "dev", "v0"]);
    info = ipJson(["-4", "addr", "show", "dev", "v0"], ns)[0].addr_info;
    assert.deepEqual(info.map((a: { local: string }) => a.local), ["10.0.0.1"]);
    ok(ns, ["addr", "add", "10.0.1.1/24", "dev", "v1"]);
    ok(ns, ["-4", "addr", "flush", "dev", "v1"]);
    assert.deepEqual(ipJson(["-4", "addr", "show", "dev", "v1"], ns), []);
  });

  it("route add, replace, del and flush", () => {
    ok(ns, ["link", "set", "v1", "up"]);
    ok(ns, [
      "route",
      "add",
      "10.1.0.0/16",
      "via",
      "10.0.0.2",
      "dev",
      "v0",
      "table",
      "100",
      "metric",
      "10",
    ]);
    assertSameJson(
      [{ dst: "10.1.0.0/16", gateway: "10.0.0.2", dev: "v0", metric: 10, flags: [] }],
      ipJson(["route", "show", "table", "100"], ns),
      "route add table 100",
    );
    ok(ns, [
      "route",
      "add",
      "10.3.0.0/16",
      "nexthop",
      "via",
      "10.0.0.2",
      "dev",
      "v0",
      "weight",
      "2",
      "nexthop",
      "via",
      "10.0.0.3",
      "dev",
      "v0",
    ]);
    const [mp] = ipJson(["route", "show", "10.3.0.0/16"], ns);
    assert.deepEqual(
      mp.nexthops.map((n: { gateway: string; weight: number }) => [n.gateway, n.weight]),
      [
        ["10.0.0.2", 2],
        ["10.0.0.3", 1],
      ],
    );
    ok(ns, ["route", "add", "blackhole", "10.5.0.0/16"]);
    ok(ns, [
      "route",
      "replace",
      "10.2.0.0/16",
      "via",
      "10.0.0.2",
      "mtu",
      "1300",
      "proto",
      "static",
    ]);
    const [r2] = ipJson(["route", "show", "10.2.0.0/16"], ns);
    assert.deepEqual(r2.metrics, [{ mtu: 1300 }]);
    assert.equal(r2.protocol, "static");
    ok(ns, ["-6", "route", "add", "2001:db9::/32", "via", "2001:db8::2", "dev", "v0"]);
    assert.equal(ipJson(["-6", "route", "show", "2001:db9::/32"], ns)[0].gateway, "2001:db8::2");
    ok(ns, ["route", "del", "10.3.0.0/16"]);
    assert.deepEqual(ipJson(["route", "show", "10.3.0.0/16"], ns), []);
    ok(ns, ["route", "flush", "table", "100"]);
    assert.deepEqual(ipJson(["route", "show", "table", "100"], ns), []);
  });

  it("neigh add and del", () => {
    ok(ns, [
      "neigh",
      "add",
      "10.0.0.2",
      "lladdr",
      "02:00:00:00:00:02",
      "dev",
      "v0",
      "nud",
      "permanent",
    ]);
    ok(ns, [
      "-6",
      "neigh",
      "add",
      "2001:db8::2",
      "lladdr",
      "02:00:00:00:00:02",
      "dev",
      "v0",
      "router",
    ]);
    assertSameJson(
      [
        { dst: "10.0.0.2", dev: "v0", lladdr: "02:00:00:00:00:02", state: ["PERMANENT"] },
        {
          dst: "2001:db8::2",
          dev: "v0",
          lladdr: "02:00:00:00:00:02",
          router: null,
          state: ["PERMANENT"],
        },
      ],
      ipJson(["neigh", "show"], ns),
      "neigh add",
    );
    ok(ns, ["neigh", "del", "10.0.0.2", "dev", "v0"]);
    assert.equal(ipJson(["-4", "neigh", "show"], ns).length, 0);
  });

  it("rule add and del", () => {
    ok(ns, ["rule", "add", "from", "10.0.0.0/8", "table", "100", "priority", "100"]);
    ok(ns, ["rule", "add", "fwmark", "0x10/0xff", "iif", "v0", "lookup", "100", "pref", "101"]);
    const rules = ipJson(["rule", "show"], ns);
    assert.deepEqual(rules.find((r: { priority: number }) => r.priority === 100), {
      priority: 100,
      src: "10.0.0.0",
      srclen: 8,
      table: "100",
    });
    assert.deepEqual(rules.find((r: { priority: number }) => r.priority === 101), {
      priority: 101,
      src: "all",
      fwmark: "0x10",
      fwmask: "0xff",
      iif: "v0",
      table: "100",
    });
    ok(ns, ["rule", "del", "priority", "100"]);
    ok(ns, ["rule", "del", "priority", "101"]);
    assert.deepEqual(
      ipJson(["rule", "show"], ns).map((r: { priority: number }) => r.priority),
      [0, 32766, 32767],
    );
  });

  it("nexthop add and del", () => {
    ok(ns, ["nexthop", "add", "id", "1", "via", "10.0.0.2", "dev", "v0"]);
    ok(ns, ["nexthop", "add", "id", "2", "via", "10.0.0.3", "dev", "v0"]);
    ok(ns, ["nexthop", "add", "id", "10", "group", "1/2,3"]);
    assertSameJson(
      JSON.parse(ok(ns, ["-j", "nexthop", "show"])),
      ipJson(["nexthop", "show"], ns),
      "nexthop show",
    );
    assert.deepEqual(ipJson(["nexthop", "show", "id", "10"], ns)[0].group, [{ id: 1 }, {
      id: 2,
      weight: 3,
    }]);
    assertSameJson(
      JSON.parse(ok(ns, ["-j", "nexthop", "get", "id", "10"])),
      ipJson(["nexthop", "show", "id", "10"], ns),
      "nexthop get",
    );
    ok(ns, ["nexthop", "del", "id", "10"]);
    assert.deepEqual(ipJson(["nexthop", "show"], ns).map((n: { id: number }) => n.id), [1, 2]);
  });

  it("exits 2 with one line when the kernel refuses, 1 for a missing device", () => {
    ok(ns, ["route", "add", "10.7.0.0/16", "via", "10.0.0.2", "dev", "v0"]);
    const before = ip(["route", "show", "table", "all"], ns);
    const refused: [string[], number, string][] = [
      [
        ["route", "add", "10.7.0.0/16", "via", "10.0.0.2", "dev", "v0"],
        2,
        "Error: Cannot add route: File exists (EEXIST)\n",
      ],
      [
        ["route", "del", "10.77.0.0/16"],
        2,
        "Error: Cannot delete route: No such process (ESRCH)\n",
      ],
      [["link", "set", "dev", "nosuch", "up"], 1, 'Error: Cannot find device "nosuch"\n'],
      [["link", "show", "nosuch"], 1, 'Error: Device "nosuch" does not exist.\n'],
      [["addr", "add", "10.9.0.1/24", "dev", "nosuch"], 1, 'Error: Cannot find device "nosuch"\n'],
    ];
    for (const [args, code, stderr] of refused) {
      const r = nlroute(["-n", ns, ...args]);
      assert.equal(r.code, code, args.join(" "));
      assert.equal(r.stderr, stderr, args.join(" "));
    }
    assert.equal(
      ip(["route", "show", "table", "all"], ns),
      before,
      "a refused command changed nothing",
    );
  });

  it("-n with a namespace that does not exist is one line, exit 1", () => {
    const r = nlroute(["-n", testName("missing"), "link"]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split("\n").length, 2, r.stderr);
    assert.match(r.stderr, /^Error: Cannot open namespace .*ENOENT/);
  });
});
