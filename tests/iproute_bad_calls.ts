/**
 * The table of bad IPRoute calls (IPRoute's own bad-input table): each row a
 * label, the argument the ArgumentError must name, and the call. Unknown keys,
 * wrong types and ranges, bad addresses, interface names longer than 15 bytes,
 * prefix lengths out of range, unknown kind options, missing arguments.
 * Checked live by iproute_bad_args.test.ts (nothing is sent, nothing changes).
 */
import type { IPRoute } from "../mod.ts";

/** A call that must fail with an ArgumentError naming `argument`. */
export type BadCall = [label: string, argument: string, call: (ipr: IPRoute) => Promise<unknown>];

// deno-lint-ignore no-explicit-any
const any = (x: unknown) => x as any;

/** Every bad call; labels are unique. */
export const BAD: BadCall[] = [
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
