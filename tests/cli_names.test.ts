/**
 * The names the `nlroute` command prints and parses: taken from
 * iproute/names.ts and the generated enums, in ip's spelling by a rule and a
 * few exceptions. Each is checked against iproute2's own tables (typed here
 * from its source, the oracle), through a round trip (words → IPRoute spec →
 * request bytes → decoded object → printed words), and live against ip.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Address, Neighbour, NetlinkSocket, Route, Rule } from "../mod.ts";
import type { Request } from "../core/socket.ts";
import { buildAddrRequest } from "../iproute/addr/request.ts";
import { buildNeighRequest } from "../iproute/neigh/request.ts";
import { buildRouteRequest } from "../iproute/route/request.ts";
import { buildRuleRequest } from "../iproute/rule/request.ts";
import { RTNL } from "../iproute/registry.ts";
import {
  ADDR_FLAG_NAMES,
  IP_PROTOCOLS,
  ROUTE_METRICS,
  ROUTE_PROTOCOLS,
  ROUTE_TYPES,
  SCOPES,
  TABLES,
} from "../iproute/names.ts";
import { parseCommand } from "../cli/parse/command.ts";
import type { Spec } from "../cli/parse/invocation.ts";
import { addrInfoJson } from "../cli/format/addr.ts";
import { NOTHING } from "../cli/format/fields.ts";
import { Names } from "../cli/format/ifnames.ts";
import { linkFlags } from "../cli/format/link.ts";
import { NEIGH_FORMAT, nudStates } from "../cli/format/neigh.ts";
import { ROUTE_FORMAT } from "../cli/format/route.ts";
import { RULE_FORMAT } from "../cli/format/rule.ts";
import { ip, ipJson } from "./helpers.ts";
import { assertSameJson, lines, live, ok, throwawayNamespace } from "./cli_util.ts";

// -- iproute2's tables (the oracle) ---------------------------------------------

/** ip/ipaddress.c print_link_flags: IFF_* bits in the order ip prints them. */
const IP_LINK_FLAGS: [number, string][] = [
  [0x8, "LOOPBACK"],
  [0x2, "BROADCAST"],
  [0x10, "POINTOPOINT"],
  [0x1000, "MULTICAST"],
  [0x80, "NOARP"],
  [0x200, "ALLMULTI"],
  [0x100, "PROMISC"],
  [0x400, "MASTER"],
  [0x800, "SLAVE"],
  [0x4, "DEBUG"],
  [0x8000, "DYNAMIC"],
  [0x4000, "AUTOMEDIA"],
  [0x2000, "PORTSEL"],
  [0x20, "NOTRAILERS"],
  [0x1, "UP"],
  [0x10000, "LOWER_UP"],
  [0x20000, "DORMANT"],
  [0x40000, "ECHO"],
];
const IFF_RUNNING = 0x40;

/** ip/ipneigh.c nud_state_a2n: NUD_* bits by ip's names (printed in capitals). */
const IP_NUD_STATES: Record<number, string> = {
  0x01: "incomplete",
  0x02: "reachable",
  0x04: "stale",
  0x08: "delay",
  0x10: "probe",
  0x20: "failed",
  0x40: "noarp",
  0x80: "permanent",
};

/** ip/ipaddress.c ifa_flag_data: IFA_F_* bits by ip's names. */
const IP_ADDR_FLAGS: Record<number, string> = {
  0x01: "secondary",
  0x02: "nodad",
  0x04: "optimistic",
  0x08: "dadfailed",
  0x10: "home",
  0x20: "deprecated",
  0x40: "tentative",
  0x80: "permanent",
  0x100: "mngtmpaddr",
  0x200: "noprefixroute",
  0x400: "autojoin",
  0x800: "stable-privacy",
};

/** The address flags ip accepts in `addr add` (ifa_flag_data's not read-only ones). */
const IP_ADDR_SETTABLE = ["nodad", "optimistic", "home", "mngtmpaddr", "noprefixroute", "autojoin"];

/** ip/ipneigh.c print_neigh: the NTF_* flags ip prints, in its order. */
const IP_NEIGH_FLAGS: [number, string][] = [
  [0x80, "router"],
  [0x08, "proxy"],
  [0x10, "extern_learn"],
  [0x20, "offload"],
];

/** lib/rt_names.c rtnl_rtntype_n2a: RTN_* route types. */
const IP_ROUTE_TYPES: Record<number, string> = {
  0: "none",
  1: "unicast",
  2: "local",
  3: "broadcast",
  4: "anycast",
  5: "multicast",
  6: "blackhole",
  7: "unreachable",
  8: "prohibit",
  9: "throw",
  10: "nat",
  11: "xresolve",
};

/** etc/iproute2/rt_scopes. */
const IP_SCOPES: Record<number, string> = {
  0: "global",
  200: "site",
  253: "link",
  254: "host",
  255: "nowhere",
};

/** etc/iproute2/rt_tables. */
const IP_TABLES: Record<number, string> = { 253: "default", 254: "main", 255: "local" };

/** lib/rt_names.c mx_names: RTAX_* route metrics. */
const IP_METRICS: Record<number, string> = {
  1: "lock",
  2: "mtu",
  3: "window",
  4: "rtt",
  5: "rttvar",
  6: "ssthresh",
  7: "cwnd",
  8: "advmss",
  9: "reordering",
  10: "hoplimit",
  11: "initcwnd",
  12: "features",
  13: "rto_min",
  14: "initrwnd",
  15: "quickack",
  16: "congctl",
  17: "fastopen_no_cookie",
};

// -- round trips ----------------------------------------------------------------

type Decodable<T> = new (
  bytes: Uint8Array,
  dv: DataView,
  off: number,
  len: number,
  type: number,
) => T;

/** The request's bytes decoded as the object the kernel would send back. */
function decoded<T>(cls: Decodable<T>, req: Request): T {
  const bytes = NetlinkSocket.compile([req]);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new cls(bytes, dv, 0, dv.getUint32(0, true), dv.getUint16(4, true));
}

/** The spec nlroute makes of a command line (with interface names as index 1). */
function specOf(line: string): Spec {
  const spec = parseCommand(line.split(" "), 0).spec;
  for (const k of ["index", "oif"]) if (typeof spec[k] === "string") spec[k] = 1;
  return spec;
}

/** `route add …` words → request → Route → `ip -j route` object. */
function routeRoundTrip(line: string): Record<string, unknown> {
  const r = decoded(Route, buildRouteRequest("add", specOf(line)));
  return ROUTE_FORMAT.json(r, new Names(), NOTHING);
}

const names = new Names();

describe("nlroute: names in ip's spelling (unit)", () => {
  it("prints every link flag of the tables as ip prints it, in ip's order", () => {
    for (const [name, bit] of RTNL.enum("ifinfoFlags").byName) {
      if (bit === IFF_RUNNING) continue;
      const ipName = IP_LINK_FLAGS.find(([b]) => b === bit)?.[1];
      assert.ok(
        ipName !== undefined,
        `ifinfoFlags ${name}: ip has no name for 0x${bit.toString(16)}`,
      );
      assert.deepEqual(linkFlags(bit | IFF_RUNNING), [ipName], name);
    }
    const all = IP_LINK_FLAGS.reduce((m, [bit]) => m | bit, IFF_RUNNING);
    assert.deepEqual(linkFlags(all), IP_LINK_FLAGS.map(([, n]) => n));
    assert.deepEqual(linkFlags(0x80000 | 0x41), ["UP", "80000"]);
  });

  it("prints and parses every NUD state as ip does", () => {
    for (const [name, bit] of RTNL.enum("nudState").byName) {
      const word = IP_NUD_STATES[bit];
      assert.ok(word !== undefined, `nudState ${name}: ip has no name for 0x${bit.toString(16)}`);
      assert.deepEqual(nudStates(bit), [word.toUpperCase()]);
      assert.equal(parseCommand(["neigh", "show", "nud", word], 0).extras.nud, bit, word);
      const spec = specOf(`neigh add 10.0.0.2 dev v0 nud ${word}`);
      const n = decoded(Neighbour, buildNeighRequest("add", spec));
      assert.equal(n.stateValue, bit, word);
      assert.deepEqual(NEIGH_FORMAT.json(n, names, NOTHING).state, [word.toUpperCase()], word);
    }
    const none = decoded(
      Neighbour,
      buildNeighRequest("add", specOf("neigh add 10.0.0.2 dev v0 nud none")),
    );
    assert.equal(none.stateValue, 0);
    assert.equal(NEIGH_FORMAT.json(none, names, NOTHING).state, undefined);
    assert.equal(parseCommand(["neigh", "show", "nud", "all"], 0).extras.nud, 0x1ff);
    assert.deepEqual(nudStates(0x182), ["REACHABLE", "PERMANENT", "0x100"]);
  });

  it("prints and parses neighbour flags as ip does", () => {
    for (const [bit, word] of IP_NEIGH_FLAGS) {
      const spec = specOf("neigh add 10.0.0.2 dev v0");
      spec.flags = bit;
      const n = decoded(Neighbour, buildNeighRequest("add", spec));
      const o = NEIGH_FORMAT.json(n, names, NOTHING);
      assert.ok(word in o && o[word] === null, `${word}: ${JSON.stringify(o)}`);
    }
    const spec = specOf("neigh add 10.0.0.2 dev v0 router extern_learn");
    const o = NEIGH_FORMAT.json(decoded(Neighbour, buildNeighRequest("add", spec)), names, NOTHING);
    assert.ok("router" in o && "extern_learn" in o, JSON.stringify(o));
  });

  it("prints every address flag of the tables as ip prints it, and parses those ip accepts", () => {
    const table = RTNL.enum("ifaFlags").byName;
    for (const [name, bit] of table) {
      const word = IP_ADDR_FLAGS[bit];
      assert.ok(word !== undefined, `ifaFlags ${name}: ip has no name for 0x${bit.toString(16)}`);
      assert.equal(ADDR_FLAG_NAMES.name(bit), word);
      for (const [address, family] of [["10.0.0.1/24", "inet"], ["2001:db8::1/64", "inet6"]]) {
        const spec = { address, index: 1, flags: bit | 0x80 };
        const o = addrInfoJson(decoded(Address, buildAddrRequest("add", spec)));
        const printed: string = bit === 0x01 && family === "inet6" ? "temporary" : word;
        if (bit === 0x80) assert.ok(!("dynamic" in o) && !("permanent" in o), JSON.stringify(o));
        else assert.equal(o[printed], true, `${word} (${family}): ${JSON.stringify(o)}`);
      }
      if (IP_ADDR_SETTABLE.includes(word)) {
        const flags = specOf(`address add 2001:db8::1/64 dev v0 ${word}`).flags;
        const a = decoded(
          Address,
          buildAddrRequest("add", { address: "2001:db8::1/64", index: 1, flags }),
        );
        assert.equal(a.flagsValue, bit, word);
      } else {
        assert.throws(
          () => parseCommand(["address", "add", "10.0.0.1/24", "dev", "v0", word], 0),
          word,
        );
      }
    }
    const dynamic = addrInfoJson(
      decoded(Address, buildAddrRequest("add", { address: "10.0.0.1/24", index: 1 })),
    );
    assert.equal(dynamic.dynamic, true);
  });

  it("round-trips every route type ip names", () => {
    for (const [name, value] of RTNL.enum("rtmType").byName) {
      const word = IP_ROUTE_TYPES[value];
      assert.ok(word !== undefined, `rtmType ${name}: ip has no name for ${value}`);
      assert.equal(ROUTE_TYPES.name(value), value === 0 ? "unspec" : word);
      if (value === 0 || value === 11) {
        // No type one adds: unspec is none, xresolve is unused (ip refuses both in route add).
        assert.throws(() => parseCommand(["route", "add", word, "10.9.0.0/16"], 0), word);
        continue;
      }
      const o = routeRoundTrip(`route add ${word} 10.9.0.0/16`);
      assert.equal(o.type ?? "unicast", word);
      assert.equal(parseCommand(["route", "show", "type", word], 0).spec.type, word);
    }
  });

  it("round-trips every route protocol, scope and table name", () => {
    for (const name of ROUTE_PROTOCOLS.names()) {
      const o = routeRoundTrip(`route add blackhole 10.9.0.0/16 proto ${name}`);
      // ip leaves out proto boot, the default.
      assert.equal(o.protocol, name === "boot" ? undefined : name, name);
    }
    for (const [value, word] of Object.entries(IP_SCOPES)) {
      assert.equal(SCOPES.name(Number(value)), word);
      const o = routeRoundTrip(`route add 10.9.0.0/16 dev v0 scope ${word}`);
      // ip leaves out scope global, the default.
      assert.equal(o.scope, word === "global" ? undefined : word, word);
    }
    assert.equal(routeRoundTrip("route add 10.9.0.0/16 dev v0 scope universe").scope, undefined);
    for (const [value, word] of Object.entries(IP_TABLES)) {
      assert.equal(TABLES.name(Number(value)), word);
      const o = routeRoundTrip(`route add blackhole 10.9.0.0/16 table ${word}`);
      // ip leaves out table main, the default.
      assert.equal(o.table, word === "main" ? undefined : word, word);
    }
    assert.equal(routeRoundTrip("route add blackhole 10.9.0.0/16 table 1000").table, "1000");
  });

  it("round-trips every route metric ip names", () => {
    for (const [name, def] of RTNL.set("metrics").byName) {
      if (def.type === 0) continue;
      const word = IP_METRICS[def.type];
      assert.ok(word !== undefined, `metrics ${name}: ip has no name for ${def.type}`);
      assert.equal(ROUTE_METRICS.name(def.type), word);
      if (word === "lock" || word === "features" || word === "congctl") {
        // Not numbers: the lock mask, named feature bits, an algorithm's name.
        assert.throws(() => parseCommand(["route", "add", "10.9.0.0/16", word, "7"], 0), word);
        continue;
      }
      const o = routeRoundTrip(`route add blackhole 10.9.0.0/16 ${word} 7`);
      assert.deepEqual(o.metrics, [{ [word]: 7 }], word);
    }
  });

  it("round-trips IP protocol names in rules, and the route preferences", () => {
    for (const name of IP_PROTOCOLS.names()) {
      const r = decoded(Rule, buildRuleRequest("add", specOf(`rule add ipproto ${name} table 5`)));
      assert.equal(r.ipProto, IP_PROTOCOLS.value(name, "ipproto"), name);
      const printed = RULE_FORMAT.json(r, names, NOTHING).ipproto;
      assert.equal(printed, name === "icmpv6" ? "ipv6-icmp" : name);
    }
    for (const pref of ["low", "medium", "high"]) {
      assert.equal(routeRoundTrip(`route add 2001:db9::/32 dev v0 pref ${pref}`).pref, pref);
    }
  });
});

/** Links with the flags ip can set, and a tun device (POINTOPOINT, link/none). */
function prepare(ns: string): void {
  for (
    const c of [
      "link add f0 type veth peer name f1",
      "link set f0 arp off promisc on allmulticast on dynamic on multicast off trailers off up",
      "link set f1 up",
      "tuntap add mode tun name t0",
      "link set t0 up",
      "addr add 10.0.0.1/24 dev f1",
    ]
  ) ip(c.split(" "), ns);
}

describe("nlroute: names compared with ip (live)", live, () => {
  let ns = "";
  throwawayNamespace(prepare, (name) => (ns = name));

  it("prints link flags and link types as ip does", () => {
    assertSameJson(
      JSON.parse(ok(ns, ["-j", "link", "show"])),
      ipJson(["link", "show"], ns),
      "link",
    );
    assert.deepEqual(lines(ok(ns, ["link", "show"])), lines(ip(["link", "show"], ns)));
  });

  it("adds routes of every type, protocol and scope that ip prints the same", () => {
    let n = 0;
    const add = (words: string) =>
      ok(ns, ["route", "add", ...words.replace("NET", `10.${100 + n++}.0.0/16`).split(" ")]);
    for (const t of ["unicast", "local", "broadcast", "multicast"]) add(`${t} NET dev f1`);
    for (const t of ["blackhole", "unreachable", "prohibit", "throw"]) add(`${t} NET`);
    // iproute2 6.1's rt_protos lacks 17 (mrouted): ip prints it as a number.
    for (const p of ROUTE_PROTOCOLS.names().filter((p) => p !== "mrouted")) {
      add(`blackhole NET proto ${p}`);
    }
    for (const s of ["global", "site", "link", "host"]) add(`NET dev f1 scope ${s}`);
    ok(ns, ["-6", "route", "add", "anycast", "2001:db8:5::/64", "dev", "f1"]);
    for (
      const args of [["route", "show", "table", "all"], ["-6", "route", "show", "table", "all"]]
    ) {
      assertSameJson(JSON.parse(ok(ns, ["-j", ...args])), ipJson(args, ns), args.join(" "));
      assert.deepEqual(lines(ok(ns, args)), lines(ip(args, ns)), args.join(" "));
    }
  });

  it("adds rules with every IP protocol name, and neighbours in state noarp", () => {
    let prio = 1000;
    for (const p of IP_PROTOCOLS.names()) {
      ok(ns, ["rule", "add", "ipproto", p, "priority", String(prio++), "table", "5"]);
    }
    assertSameJson(
      JSON.parse(ok(ns, ["-j", "rule", "show"])),
      ipJson(["rule", "show"], ns),
      "rule",
    );
    ok(ns, [
      "neigh",
      "add",
      "10.0.0.3",
      "lladdr",
      "02:00:00:00:00:03",
      "dev",
      "f1",
      "nud",
      "noarp",
    ]);
    ok(ns, [
      "neigh",
      "add",
      "10.0.0.4",
      "lladdr",
      "02:00:00:00:00:04",
      "dev",
      "f1",
      "nud",
      "permanent",
    ]);
    const args = ["neigh", "show", "nud", "all"];
    assertSameJson(JSON.parse(ok(ns, ["-j", ...args])), ipJson(args, ns), "neigh nud all");
  });
});
