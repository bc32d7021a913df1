/**
 * The bad-input table for namespaces and IPDB (IPRoute's own table, 79 rows,
 * is in iproute_bad_calls.ts): each bad argument raises an ArgumentError
 * naming it, and nothing reaches the kernel — the namespace (links,
 * addresses, routes, rules) and the list of named namespaces are unchanged.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  addVeth,
  ArgumentError,
  IPDB,
  IPRoute,
  moveLink,
  NetNS,
  netns,
  setNetnsid,
} from "../mod.ts";
import { createTestNetns, ip, isRoot, removeTestNetns, TEST_PREFIX } from "./helpers.ts";

type Call = (ctx: { ipdb: IPDB; ipr: IPRoute; ns: string }) => unknown;

const NUL = "a\0b";
const LONG = "n".repeat(256);

/** [label, argument the error must name, call]. */
const BAD: [string, string, Call][] = [
  // Named namespaces.
  ["create: empty name", "name", () => netns.create("")],
  ["create: slash", "name", () => netns.create("a/b")],
  ["create: dot", "name", () => netns.create(".")],
  ["create: dot dot", "name", () => netns.create("..")],
  ["create: NUL", "name", () => netns.create(NUL)],
  ["create: 256 bytes", "name", () => netns.create(LONG)],
  ["create: not a string", "name", () => netns.create(42 as unknown as string)],
  ["remove: slash", "name", () => netns.remove("../etc")],
  ["remove: NUL", "name", () => netns.remove(NUL)],
  ["attach: bad pid", "pid", () => netns.attach("nlrt-never", -5)],
  ["attach: bad name", "name", () => netns.attach("x/y", 1)],
  ["exists: dot dot", "name", () => netns.exists("..")],
  ["setns: bad name", "netns", () => netns.setns("bad/name")],
  ["pushns: NUL", "netns", () => netns.pushns(NUL)],
  ["open: bad name", "netns", () => IPRoute.open({ netns: "a/b" })],
  ["open: bad pid", "netns.pid", () => IPRoute.open({ netns: { pid: -1 } })],
  ["open: bad fd", "netns", () => IPRoute.open({ netns: -3 })],
  ["open: fork mode", "mode", ({ ns }) => IPRoute.open({ netns: ns, mode: "fork" })],
  [
    "open: unknown mode",
    "mode",
    ({ ns }) => IPRoute.open({ netns: ns, mode: "spawn" as "thread" }),
  ],
  ["NetNS: bad name", "name", () => NetNS.open("..")],
  ["moveLink: bad target", "target", ({ ipr }) => moveLink(ipr, "v0", "bad/target")],
  [
    "moveLink: bad link",
    "link",
    ({ ipr }) => moveLink(ipr, { x: 1 } as unknown as string, "nlrt-x"),
  ],
  [
    "addVeth: bad peer",
    "peer",
    ({ ipr }) => addVeth(ipr, { ifname: "p0", peer: 7 as unknown as string, peerNetns: "x" }),
  ],
  ["setNetnsid: negative", "nsid", ({ ipr, ns }) => setNetnsid(ipr, ns, -2)],
  // IPDB.
  ["IPDB: mode", "mode", ({ ns }) => IPDB.open({ netns: ns, mode: "lazy" as "implicit" })],
  ["IPDB: mtu negative", "mtu", ({ ipdb }) => ipdb.interfaces.v0!.setMtu(-1)],
  [
    "IPDB: mtu not a number",
    "mtu",
    ({ ipdb }) => ipdb.interfaces.v0!.setMtu("big" as unknown as number),
  ],
  ["IPDB: MAC", "address", ({ ipdb }) => ipdb.interfaces.v0!.setAddress("00:11:22:33:44")],
  [
    "IPDB: MAC letters",
    "address",
    ({ ipdb }) => ipdb.interfaces.v0!.setAddress("zz:11:22:33:44:55"),
  ],
  ["IPDB: long name", "ifname", ({ ipdb }) => ipdb.interfaces.v0!.setName("sixteen-bytes-xx")],
  ["IPDB: name with slash", "ifname", ({ ipdb }) => ipdb.interfaces.v0!.setName("a/b")],
  ["IPDB: txqlen", "txqlen", ({ ipdb }) => ipdb.interfaces.v0!.setTxqlen(-1)],
  ["IPDB: state", "state", ({ ipdb }) => (ipdb.interfaces.v0!.state = "sideways" as "up")],
  ["IPDB: address", "address", ({ ipdb }) => ipdb.interfaces.v0!.addIp("10.0.0.300/24")],
  ["IPDB: prefix length", "address", ({ ipdb }) => ipdb.interfaces.v0!.addIp("10.0.0.1/33")],
  [
    "IPDB: separate prefix length",
    "prefixlen",
    ({ ipdb }) => ipdb.interfaces.v0!.addIp("fd00::1", 129),
  ],
  ["IPDB: unknown port", "port", ({ ipdb }) => ipdb.interfaces.v0!.addPort("nosuch0")],
  ["IPDB: unknown master", "master", ({ ipdb }) => ipdb.interfaces.v0!.setMaster("nosuch0")],
  [
    "IPDB: data not an object",
    "data",
    ({ ipdb }) => ipdb.interfaces.v0!.setData(7 as unknown as Record<string, unknown>),
  ],
  ["IPDB: create kind", "kind", ({ ipdb }) => ipdb.create("" as never, "x0")],
  ["IPDB: create name", "ifname", ({ ipdb }) => ipdb.create("bridge", "with space")],
  [
    "IPDB: create spec with ifname",
    "spec",
    ({ ipdb }) => ipdb.create("bridge", "b1", { ifname: "b2" } as never),
  ],
  ["IPDB: create existing name", "ifname", ({ ipdb }) => ipdb.create("bridge", "v0")],
  [
    "IPDB: route gateway",
    "gateway",
    ({ ipdb }) => ipdb.routes.add({ dst: "10.9.0.0/16", gateway: "10.0.0" }),
  ],
  ["IPDB: route dst", "dst", ({ ipdb }) => ipdb.routes.add({ dst: "10.9.0.0/40" })],
  ["IPDB: route oif", "oif", ({ ipdb }) => ipdb.routes.add({ dst: "10.9.0.0/16", oif: "nosuch0" })],
  [
    "IPDB: route table",
    "table",
    ({ ipdb }) => ipdb.routes.add({ dst: "10.9.0.0/16", oif: 2, table: "nosuch" }),
  ],
  [
    "IPDB: route unknown key",
    "via",
    ({ ipdb }) => ipdb.routes.add({ dst: "10.9.0.0/16", via: "10.0.0.1" }),
  ],
  [
    "IPDB: route metric",
    "metrics.mtu",
    ({ ipdb }) => ipdb.routes.add({ dst: "10.9.0.0/16", oif: 2, metrics: { mtu: -1 } }),
  ],
  [
    "IPDB: route field",
    "field",
    ({ ipdb }) => ipdb.routes["10.0.0.0/24"]!.set("bogus" as "gateway", 1),
  ],
  ["IPDB: nexthop", "nh", ({ ipdb }) => ipdb.routes["10.0.0.0/24"]!.addNh({})],
  ["IPDB: rule table", "table", ({ ipdb }) => ipdb.rules.add({ table: "nosuch" })],
  ["IPDB: rule priority", "priority", ({ ipdb }) => ipdb.rules.add({ priority: -1, table: 100 })],
  ["IPDB: rule src", "src", ({ ipdb }) => ipdb.rules.add({ src: "10.0.0.0/99", table: 100 })],
  [
    "IPDB: callback",
    "callback",
    ({ ipdb }) => ipdb.registerCallback("no" as unknown as () => void),
  ],
  ["IPDB: callback mode", "mode", ({ ipdb }) => ipdb.registerCallback(() => {}, "middle" as "pre")],
  ["IPDB: unregister", "id", ({ ipdb }) => ipdb.unregisterCallback("cb-none")],
  ["IPDB: review id", "id", ({ ipdb }) => ipdb.interfaces.v0!.review("tx-none")],
  ["IPDB: commit id", "id", ({ ipdb }) => ipdb.interfaces.v0!.commit("tx-none")],
];

function snapshot(ns: string): string {
  return JSON.stringify({
    link: ip(["-j", "link", "show"], ns),
    addr: ip(["-j", "addr", "show"], ns),
    route: ip(["-j", "route", "show", "table", "all"], ns),
    rule: ip(["-j", "rule", "show"], ns),
    netns: ip(["netns", "list"]).split("\n").filter((l) => l.startsWith(TEST_PREFIX)).sort(),
  });
}

describe("bad input across namespaces and IPDB", { skip: !isRoot && "needs root" }, () => {
  let ns = "";
  before(() => {
    ns = createTestNetns();
    ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
    ip(["addr", "add", "10.0.0.1/24", "dev", "v0"], ns);
    ip(["link", "set", "v0", "up"], ns);
  });
  after(() => removeTestNetns(ns));

  it(`raises ArgumentError naming the argument for ${BAD.length} bad inputs, changing nothing`, async () => {
    assert.ok(BAD.length >= 50);
    await using ipdb = await IPDB.open({ netns: ns });
    await using ipr = await IPRoute.open({ netns: ns });
    const before = snapshot(ns);
    const labels = new Set<string>();
    const wrong: string[] = [];
    for (const [label, argument, call] of BAD) {
      assert.ok(!labels.has(label), `unique label ${label}`);
      labels.add(label);
      let error: unknown;
      try {
        await call({ ipdb, ipr, ns });
      } catch (e) {
        error = e;
      }
      if (!(error instanceof ArgumentError)) {
        wrong.push(`${label}: expected an ArgumentError, got ${error}`);
      } else if (error.argument !== argument || !error.message.includes(`"${argument}"`)) {
        wrong.push(`${label}: names "${error.argument}" (${error.message})`);
      }
      // Nothing half-made stays behind in the database either.
      for (const i of ipdb.interfaces) i.drop();
    }
    assert.deepEqual(wrong, []);
    assert.equal(snapshot(ns), before);
    assert.equal(netns.stackDepth(), 0);
  });
});
