/**
 * IPRoute's errors: bad arguments raise ArgumentError naming the argument
 * before anything is sent (the namespace is unchanged, checked with ip), and
 * kernel refusals raise NetlinkError with the errno and the kernel's
 * extended-ack text.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError, type IPRoute, NetlinkError } from "../mod.ts";
import { buildLinkRequest } from "../iproute/link/request.ts";
import { buildAddrRequest } from "../iproute/addr/request.ts";
import { buildRouteRequest } from "../iproute/route/request.ts";
import { buildFdbRequest, buildNeighRequest } from "../iproute/neigh/request.ts";
import { buildRuleRequest } from "../iproute/rule/request.ts";
import { buildNexthopRequest } from "../iproute/nexthop/request.ts";
import { ip, isRoot } from "./helpers.ts";
import { snapshot, withIPRoute } from "./iproute_util.ts";

const live = { skip: !isRoot && "needs root for namespaces" };

/** A call that must fail with an ArgumentError naming `argument`. */
type BadCall = [label: string, argument: string, call: (ipr: IPRoute) => Promise<unknown>];

// deno-lint-ignore no-explicit-any
const any = (x: unknown) => x as any;

const BAD: BadCall[] = [
  // Unknown keys.
  ["link: unknown key", "foo", (r) => r.link("add", any({ ifname: "x0", kind: "ifb", foo: 1 }))],
  [
    "addr: unknown key",
    "mask",
    (r) => r.addr("add", any({ index: 2, address: "10.0.0.5/24", mask: 24 })),
  ],
  [
    "route: unknown key",
    "via",
    (r) => r.route("add", any({ dst: "10.9.0.0/16", via: "10.0.0.2" })),
  ],
  [
    "route get: key a lookup does not take",
    "table",
    (r) => r.route("get", { dst: "10.0.0.2", table: 5 }),
  ],
  [
    "neigh: unknown key",
    "mac",
    (r) => r.neigh("add", any({ index: 2, dst: "10.0.0.9", mac: "02:00:00:00:00:01" })),
  ],
  [
    "fdb: unknown key",
    "family",
    (r) => r.fdb("add", any({ index: 2, lladdr: "02:00:00:00:00:01", family: 7 })),
  ],
  ["rule: unknown key", "pref", (r) => r.rule("add", any({ src: "10.0.0.0/8", pref: 5 }))],
  ["nexthop: unknown key", "via", (r) => r.nexthop("add", any({ id: 5, via: "10.0.0.2" }))],
  [
    "multipath hop: unknown key",
    "multipath[0].dev",
    (r) =>
      r.route("add", { dst: "10.9.0.0/16", multipath: [any({ gateway: "10.0.0.2", dev: 2 })] }),
  ],
  ["link: unknown command", "cmd", (r) => any(r).link("create", { ifname: "x0" })],
  ["rule: no in-place change", "cmd", (r) => any(r).rule("replace", { src: "10.0.0.0/8" })],
  ["ensure: unknown object", "object", (r) => r.ensure(any("tunnel"), {})],
  // Wrong types and ranges.
  ["link: mtu as a string", "mtu", (r) => r.link("set", any({ ifname: "v0", mtu: "1400" }))],
  ["link: mtu below 68", "mtu", (r) => r.link("set", { ifname: "v0", mtu: 67 })],
  ["link: state", "state", (r) => r.link("set", any({ ifname: "v0", state: "on" }))],
  ["link: index negative", "index", (r) => r.link("set", { index: -1, mtu: 1400 })],
  [
    "route: priority negative",
    "priority",
    (r) => r.route("add", { dst: "10.9.0.0/16", oif: 2, priority: -1 }),
  ],
  [
    "route: table name",
    "table",
    (r) => r.route("add", { dst: "10.9.0.0/16", oif: 2, table: "nosuch" as never }),
  ],
  [
    "route: type name",
    "type",
    (r) => r.route("add", { dst: "10.9.0.0/16", type: "wormhole" as never }),
  ],
  [
    "route: metrics not an object",
    "metrics",
    (r) => r.route("add", any({ dst: "10.9.0.0/16", oif: 2, metrics: 1400 })),
  ],
  [
    "route: unknown metric",
    "metrics.mtuu",
    (r) => r.route("add", { dst: "10.9.0.0/16", oif: 2, metrics: { mtuu: 1 } as never }),
  ],
  [
    "route: metric type",
    "metrics.mtu",
    (r) => r.route("add", { dst: "10.9.0.0/16", oif: 2, metrics: { mtu: "big" as never } }),
  ],
  [
    "route: weight 0",
    "multipath[0].weight",
    (r) => r.route("add", { dst: "10.9.0.0/16", multipath: [{ gateway: "10.0.0.2", weight: 0 }] }),
  ],
  [
    "route: weight and hops",
    "multipath[0].weight",
    (r) =>
      r.route("add", {
        dst: "10.9.0.0/16",
        multipath: [{ gateway: "10.0.0.2", weight: 2, hops: 1 }],
      }),
  ],
  [
    "addr: scope name",
    "scope",
    (r) => r.addr("add", { index: 2, address: "10.0.0.5/24", scope: "galaxy" as never }),
  ],
  [
    "addr: flag name",
    "flags",
    (r) => r.addr("add", { index: 2, address: "fd00::5/64", flags: ["fast" as never] }),
  ],
  [
    "addr: preferred above valid",
    "preferredLifetime",
    (r) =>
      r.addr("add", { index: 2, address: "10.0.0.5/24", validLifetime: 10, preferredLifetime: 20 }),
  ],
  [
    "neigh: state name",
    "state",
    (r) => r.neigh("add", { index: 2, dst: "10.0.0.9", state: "sleepy" as never }),
  ],
  [
    "neigh: vlan range",
    "vlan",
    (r) => r.fdb("add", { index: 2, lladdr: "02:00:00:00:00:01", vlan: 4095 }),
  ],
  ["rule: action name", "action", (r) => r.rule("add", { action: "jump" as never, priority: 5 })],
  ["rule: goto without action goto", "goto", (r) => r.rule("add", { goto: 5, priority: 4 })],
  [
    "nexthop: weight 257",
    "group[0].weight",
    (r) => r.nexthop("add", { id: 9, group: [{ id: 1, weight: 257 }] }),
  ],
  [
    "nexthop: two kinds at once",
    "gateway",
    (r) => r.nexthop("add", { id: 9, gateway: "10.0.0.2", blackhole: true }),
  ],
  // Bad addresses.
  ["addr: bad IPv4", "address", (r) => r.addr("add", { index: 2, address: "10.0.0.300/24" })],
  [
    "route: bad gateway",
    "gateway",
    (r) => r.route("add", { dst: "10.9.0.0/16", gateway: "10.0.0" }),
  ],
  ["route: bad IPv6 dst", "dst", (r) => r.route("add", { dst: "fd00:::1/64", oif: 2 })],
  [
    "route: prefsrc of the other family",
    "prefsrc",
    (r) => r.route("add", { dst: "10.9.0.0/16", oif: 2, prefsrc: "fd00::1" }),
  ],
  [
    "neigh: bad MAC",
    "lladdr",
    (r) => r.neigh("add", { index: 2, dst: "10.0.0.9", lladdr: "zz:00" }),
  ],
  [
    "neigh: bad dst",
    "dst",
    (r) => r.neigh("add", { index: 2, dst: "ten.0.0.9", lladdr: "02:00:00:00:00:01" }),
  ],
  [
    "link: bad MAC",
    "address",
    (r) => r.link("set", { ifname: "v0", address: "02:00:00:00:00" + ":zz" }),
  ],
  [
    "rule: src with a host part of the other family",
    "dst",
    (r) => r.rule("add", { src: "10.0.0.0/8", dst: "fd00::/64" }),
  ],
  [
    "nexthop: bad gateway",
    "gateway",
    (r) => r.nexthop("add", { id: 9, gateway: "10.0.0.256", oif: 2 }),
  ],
  // Interface names longer than 15 bytes.
  [
    "link: ifname of 16 bytes",
    "ifname",
    (r) => r.link("add", { ifname: "abcdefghijklmnop", kind: "ifb" }),
  ],
  [
    "link: multi-byte ifname of 16 bytes",
    "ifname",
    (r) => r.link("add", { ifname: "ééééééééx", kind: "ifb" }),
  ],
  ["link: ifname with a slash", "ifname", (r) => r.link("add", { ifname: "a/b", kind: "ifb" })],
  [
    "veth: peer ifname of 16 bytes",
    "peer.ifname",
    (r) => r.link("add", { ifname: "p0", kind: "veth", peer: "abcdefghijklmnop" }),
  ],
  [
    "rule: iifname of 16 bytes",
    "iifname",
    (r) => r.rule("add", { iifname: "abcdefghijklmnop", table: 5 }),
  ],
  [
    "route: oif name that does not exist",
    "oif",
    (r) => r.route("add", any({ dst: "10.9.0.0/16", oif: "nosuch0" })),
  ],
  [
    "route: oif name of 16 bytes",
    "oif",
    (r) => r.route("add", any({ dst: "10.9.0.0/16", oif: "abcdefghijklmnop" })),
  ],
  [
    "multipath: oif name that does not exist",
    "multipath[1].oif",
    (r) =>
      r.route("add", any({ dst: "10.9.0.0/16", multipath: [{ oif: "v0" }, { oif: "nosuch0" }] })),
  ],
  // Prefix lengths out of range.
  ["addr: /33", "address", (r) => r.addr("add", { index: 2, address: "10.0.0.5/33" })],
  [
    "addr: prefixlen 40",
    "prefixlen",
    (r) => r.addr("add", { index: 2, address: "10.0.0.5", prefixlen: 40 }),
  ],
  [
    "addr: prefix twice",
    "prefixlen",
    (r) => r.addr("add", { index: 2, address: "10.0.0.5/24", prefixlen: 24 }),
  ],
  ["route: /129", "dst", (r) => r.route("add", { dst: "fd00::/129", oif: 2 })],
  ["route: dstLen 33", "dstLen", (r) => r.route("add", { dst: "10.9.0.0", dstLen: 33, oif: 2 })],
  ["route get: a prefix", "dst", (r) => r.route("get", { dst: "10.9.0.0/16" })],
  ["rule: /33", "src", (r) => r.rule("add", { src: "10.0.0.0/33", table: 5 })],
  // Unknown kind options.
  [
    "vxlan: unknown option",
    "data.bogus",
    (r) => r.link("add", { ifname: "vx0", kind: "vxlan", data: { id: 5, bogus: 1 } as never }),
  ],
  [
    "vxlan: id as a string",
    "data.id",
    (r) => r.link("add", { ifname: "vx0", kind: "vxlan", data: { id: "5" as never } }),
  ],
  [
    "vxlan: vni, another tool's name for id",
    "data.vni",
    (r) => r.link("add", { ifname: "vx0", kind: "vxlan", data: { vni: 5 } as never }),
  ],
  [
    "vxlan: bad group",
    "data.group",
    (r) => r.link("add", { ifname: "vx0", kind: "vxlan", data: { id: 5, group: "239.1.1" } }),
  ],
  [
    "bridge: stp, another tool's name for stpState",
    "data.stp",
    (r) => r.link("add", { ifname: "br9", kind: "bridge", data: { stp: 1 } as never }),
  ],
  [
    "bridge: unknown option",
    "data.fwdDelay",
    (r) => r.link("add", { ifname: "br9", kind: "bridge", data: { fwdDelay: 1 } as never }),
  ],
  [
    "macvlan: unknown mode",
    "data.mode",
    (r) =>
      r.link("add", { ifname: "mv0", kind: "macvlan", link: 2, data: { mode: "hub" as never } }),
  ],
  [
    "brport: unknown option",
    "brport.costt",
    (r) => r.link("set", { ifname: "v0", brport: { costt: 1 } as never }),
  ],
  [
    "brport: cost too big",
    "brport.cost",
    (r) => r.link("set", { ifname: "v0", brport: { cost: 2 ** 32 } }),
  ],
  [
    "veth: data",
    "data",
    (r) => r.link("add", { ifname: "p0", kind: "veth", data: { peer: {} } as never }),
  ],
  [
    "ipvlan: unknown mode name",
    "data.mode",
    (r) =>
      r.link("add", { ifname: "ipv0", kind: "ipvlan", link: 2, data: { mode: "l9" as never } }),
  ],
  [
    "data object for a kind without a table",
    "data",
    (r) => r.link("add", { ifname: "nl0", kind: "nlmon", data: { mode: 1 } as never }),
  ],
  ["ifb: peer", "peer", (r) => r.link("add", { ifname: "ifb9", kind: "ifb", peer: "x" })],
  [
    "data without kind",
    "data",
    (r) => r.link("set", { ifname: "v0", data: { stpState: 1 } } as never),
  ],
  // Missing arguments.
  ["addr: no index", "index", (r) => r.addr("add", { address: "10.0.0.5/24" })],
  ["addr: no address", "address", (r) => r.addr("add", { index: 2 })],
  ["neigh: no dst", "dst", (r) => r.neigh("add", { index: 2, lladdr: "02:00:00:00:00:01" })],
  ["fdb: no lladdr", "lladdr", (r) => r.fdb("add", { index: 2 })],
  ["link set: no selector", "index", (r) => r.link("set", { mtu: 1400 })],
  ["nexthop del: no id", "id", (r) => r.nexthop("del", {})],
  ["route get: no dst", "dst", (r) => r.route("get", {})],
  ["altnames: empty", "altnames", (r) => r.link("property_add", { ifname: "v0", altnames: [] })],
];

describe("IPRoute bad arguments (live: nothing changes)", live, () => {
  it("raises ArgumentError naming the argument, sends nothing, changes nothing", async () => {
    await withIPRoute(async (ipr, ns) => {
      ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
      ip(["link", "set", "v0", "up"], ns);
      ip(["addr", "add", "10.0.0.1/24", "dev", "v0"], ns);
      const before = snapshot(ns);
      const seen = new Set<string>();
      for (const [label, argument, call] of BAD) {
        assert.ok(!seen.has(label), `unique label ${label}`);
        seen.add(label);
        await assert.rejects(
          call(ipr),
          (e: Error) => {
            assert.ok(e instanceof ArgumentError, `${label}: ${e}`);
            assert.equal(e.argument, argument, `${label}: ${e.message}`);
            assert.ok(e.message.includes(`"${argument}"`), `${label}: ${e.message}`);
            return true;
          },
          label,
        );
      }
      assert.equal(snapshot(ns), before);
    });
  });

  it("batches refuse bad specs when they are added", async () => {
    await withIPRoute(async (ipr, ns) => {
      const before = snapshot(ns);
      const b = ipr.batch();
      assert.throws(
        () => b.link("add", { ifname: "abcdefghijklmnop", kind: "ifb" }),
        ArgumentError,
      );
      assert.throws(() => b.addr("add", { index: 1, address: "10.0.0.1/33" }), ArgumentError);
      assert.throws(
        () => b.rule("add", { src: "10.0.0.0/8", table: "nosuch" as never }),
        ArgumentError,
      );
      assert.throws(
        () => b.nexthop("add", { id: 1, group: [{ id: 2, weight: 0 }] }),
        ArgumentError,
      );
      assert.throws(() => b.fdb("add", { index: 1, lladdr: "zz" }), ArgumentError);
      assert.throws(
        () => b.neigh("add", { index: 1, dst: "10.0.0.2", state: "bogus" as never }),
        ArgumentError,
      );
      assert.equal(b.size, 0);
      assert.deepEqual(await b.send(), []);
      assert.equal(snapshot(ns), before);
    });
  });
});

describe("IPRoute bad arguments (request builders)", () => {
  it("each builder names the argument without any socket", () => {
    const cases: [() => unknown, string][] = [
      [() => buildLinkRequest("add", { ifname: "x".repeat(16) }), "ifname"],
      [
        () => buildLinkRequest("add", { ifname: "v0", kind: "vlan", data: { id: "ten" } }),
        "data.id",
      ],
      [
        () => buildLinkRequest("add", { ifname: "b0", kind: "bond", data: { mode: 300 } }),
        "data.mode",
      ],
      [
        () => buildLinkRequest("add", { ifname: "g0", kind: "gre", data: { ikey: "1.2.3" } }),
        "data.ikey",
      ],
      [
        () => buildLinkRequest("add", { ifname: "v0", kind: "vlan", data: { protocol: "802.1x" } }),
        "data.protocol",
      ],
      [
        () => buildAddrRequest("add", { index: 1, address: "fd00::1/64", broadcast: "fd00::ff" }),
        "broadcast",
      ],
      [
        () => buildAddrRequest("add", { index: 1, address: "10.0.0.1/24", broadcast: "10.0.0" }),
        "broadcast",
      ],
      [() => buildRouteRequest("add", { dst: "10.0.0.0/8", src: "fd00::/64" }), "src"],
      [() => buildNeighRequest("add", { index: 1, dst: "10.0.0.1", family: "inet6" }), "family"],
      [() => buildFdbRequest("get", { index: 1, lladdr: "02:00:00:00:00:01" }), "cmd"],
      [() => buildRuleRequest("add", { dportRange: { start: 90, end: 80 } }), "dportRange.end"],
      [
        () => buildNexthopRequest("add", { id: 1, groupType: "resilient", gateway: "10.0.0.1" }),
        "groupType",
      ],
    ];
    for (const [call, argument] of cases) {
      assert.throws(call, (e: ArgumentError) => {
        assert.ok(e instanceof ArgumentError, String(e));
        assert.equal(e.argument, argument, e.message);
        return true;
      });
    }
  });
});

describe("IPRoute kernel errors (live)", live, () => {
  it("ENODEV on a missing index, for every object", async () => {
    await withIPRoute(async (ipr, ns) => {
      const before = snapshot(ns);
      const calls: [string, () => Promise<unknown>][] = [
        ["RTM_GETLINK", () => ipr.link("get", { index: 999 })],
        ["RTM_NEWLINK", () => ipr.link("set", { index: 999, mtu: 1400 })],
        ["RTM_DELLINK", () => ipr.link("del", { index: 999 })],
        ["RTM_DELLINK", () => ipr.link("del", { ifname: "nosuch0" })],
        ["RTM_NEWADDR", () => ipr.addr("add", { index: 999, address: "10.0.0.9/24" })],
        ["RTM_NEWROUTE", () => ipr.route("add", { dst: "10.1.0.0/16", oif: 999 })],
        [
          "RTM_NEWNEIGH",
          () => ipr.neigh("add", { index: 999, dst: "10.0.0.2", lladdr: "02:00:00:00:00:01" }),
        ],
      ];
      for (const [request, call] of calls) {
        await assert.rejects(call(), (e: NetlinkError) => {
          assert.ok(e instanceof NetlinkError, String(e));
          assert.equal(e.code, "ENODEV", `${request}: ${e.message}`);
          assert.equal(e.errno, 19);
          assert.equal(e.request, request);
          assert.ok(e.message.startsWith(`Cannot ${request}: ENODEV (19): `), e.message);
          return true;
        });
      }
      assert.equal(snapshot(ns), before);
    });
  });

  it("EEXIST on a duplicate, for every object", async () => {
    await withIPRoute(async (ipr, ns) => {
      ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
      ip(["link", "set", "v0", "up"], ns);
      ip(["link", "set", "v1", "up"], ns);
      ip(["addr", "add", "10.0.0.1/24", "dev", "v0"], ns);
      ip(["route", "add", "10.1.0.0/16", "via", "10.0.0.2"], ns);
      ip(["neigh", "add", "10.0.0.2", "lladdr", "02:00:00:00:00:02", "dev", "v0"], ns);
      ip(["rule", "add", "from", "10.5.0.0/16", "table", "5", "pref", "5"], ns);
      ip(["nexthop", "add", "id", "1", "via", "10.0.0.2", "dev", "v0"], ns);
      ip(["link", "add", "br0", "type", "bridge"], ns);
      ip(["link", "set", "v1", "master", "br0"], ns);
      ip([
        "netns",
        "exec",
        ns,
        "bridge",
        "fdb",
        "add",
        "02:00:00:00:00:09",
        "dev",
        "v1",
        "master",
        "static",
      ]);
      const before = snapshot(ns);
      const v0 = (await ipr.linkLookup({ ifname: "v0" }))[0]!;
      const calls: [string, () => Promise<unknown>][] = [
        ["RTM_NEWLINK", () => ipr.link("add", { ifname: "v0", kind: "veth", peer: "v9" })],
        ["RTM_NEWADDR", () => ipr.addr("add", { index: v0, address: "10.0.0.1/24" })],
        ["RTM_NEWROUTE", () => ipr.route("add", { dst: "10.1.0.0/16", gateway: "10.0.0.3" })],
        [
          "RTM_NEWNEIGH",
          () => ipr.neigh("add", { index: v0, dst: "10.0.0.2", lladdr: "02:00:00:00:00:03" }),
        ],
        ["RTM_NEWRULE", () => ipr.rule("add", { src: "10.5.0.0/16", table: 5, priority: 5 })],
        ["RTM_NEWNEXTHOP", () => ipr.nexthop("add", { id: 1, blackhole: true })],
        [
          "RTM_NEWNEIGH",
          () =>
            ipr.fdb(
              "add",
              any({ index: "v1", lladdr: "02:00:00:00:00:09", flags: "master", state: "static" }),
            ),
        ],
      ];
      for (const [request, call] of calls) {
        await assert.rejects(call(), (e: NetlinkError) => {
          assert.ok(e instanceof NetlinkError, String(e));
          assert.equal(e.code, "EEXIST", `${request}: ${e.message}`);
          assert.equal(e.request, request);
          return true;
        });
      }
      assert.equal(snapshot(ns), before);
    });
  });

  it("surfaces the kernel's extended-ack text in message and extack", async () => {
    await withIPRoute(async (ipr, ns) => {
      ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
      ip(["link", "set", "v0", "up"], ns);
      ip(["link", "set", "v1", "up"], ns);
      ip(["addr", "add", "10.0.0.1/24", "dev", "v0"], ns);
      ip(["rule", "add", "pref", "50", "table", "5"], ns);
      const before = snapshot(ns);
      const cases: [string, string, string, () => Promise<unknown>][] = [
        [
          "EOPNOTSUPP",
          "RTM_NEWLINK",
          "Unknown device type",
          () => ipr.link("add", { ifname: "x0", kind: "nosuchkind" as never }),
        ],
        [
          "EINVAL",
          "RTM_NEWLINK",
          "mtu greater than device maximum",
          () => ipr.link("set", { ifname: "v0", mtu: 70000 }),
        ],
        [
          "ERANGE",
          "RTM_NEWLINK",
          "VXLAN ID must be lower than 16777216",
          () => ipr.link("add", { ifname: "vx0", kind: "vxlan", data: { id: 0x1000000 } }),
        ],
        [
          "ENODEV",
          "RTM_NEWADDR",
          "ipv4: Device not found",
          () => ipr.addr("add", { index: 999, address: "10.0.0.9/24" }),
        ],
        [
          "ENETUNREACH",
          "RTM_NEWROUTE",
          "Nexthop has invalid gateway",
          () => ipr.route("add", { dst: "10.1.0.0/16", gateway: "10.5.0.1" }),
        ],
        [
          "EINVAL",
          "RTM_NEWNEXTHOP",
          "Invalid device index",
          () => ipr.nexthop("add", { id: 1, oif: 999 }),
        ],
        [
          "EINVAL",
          "RTM_NEWNEXTHOP",
          "Invalid nexthop id",
          () => ipr.nexthop("add", { id: 1, group: [{ id: 77 }] }),
        ],
        [
          "EINVAL",
          "RTM_NEWRULE",
          "Backward goto not supported",
          () => ipr.rule("add", { action: "goto", goto: 10, priority: 60 }),
        ],
        [
          "ENOENT",
          "RTM_GETNEIGH",
          "Neighbour entry not found",
          () => ipr.neigh("get", any({ index: "v0", dst: "10.0.0.77" })),
        ],
        // ensure() passes on errors other than "exists" / "not found".
        [
          "ENETUNREACH",
          "RTM_NEWROUTE",
          "Nexthop has invalid gateway",
          () => ipr.ensure("route", { dst: "10.1.0.0/16", gateway: "10.5.0.1" }),
        ],
      ];
      for (const [code, request, text, call] of cases) {
        await assert.rejects(call(), (e: NetlinkError) => {
          assert.ok(e instanceof NetlinkError, String(e));
          assert.equal(e.code, code, e.message);
          assert.equal(e.request, request);
          assert.equal(e.extack, text);
          assert.equal(e.ack.message, text);
          assert.equal(e.message, `Cannot ${request}: ${code} (${e.errno}): ${text}`);
          return true;
        });
      }
      assert.equal(snapshot(ns), before);
    });
  });

  it("batch results carry each kernel error without stopping the others", async () => {
    await withIPRoute(async (ipr, ns) => {
      ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
      ip(["link", "set", "v0", "up"], ns);
      ip(["link", "set", "v1", "up"], ns);
      ip(["addr", "add", "10.0.0.1/24", "dev", "v0"], ns);
      const results = await ipr.batch()
        .route("add", { dst: "10.1.0.0/16", gateway: "10.0.0.2" })
        .route("add", { dst: "10.2.0.0/16", gateway: "10.5.0.1" })
        .link("set", { index: 999, mtu: 1400 })
        .rule("add", { src: "10.3.0.0/16", table: 3, priority: 3 })
        .send();
      assert.deepEqual(results.map((r) => (r.ok ? "ok" : r.error.code)), [
        "ok",
        "ENETUNREACH",
        "ENODEV",
        "ok",
      ]);
      const second = results[1]!;
      assert.ok(!second.ok && second.error.extack === "Nexthop has invalid gateway");
      assert.equal(ip(["-j", "route", "show", "10.1.0.0/16"], ns).includes("10.0.0.2"), true);
      assert.equal(ip(["-j", "rule", "show", "pref", "3"], ns).includes("10.3.0.0"), true);
    });
  });
});
