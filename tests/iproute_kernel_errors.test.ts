/**
 * Kernel refusals raise NetlinkError with the errno, the request and the
 * kernel's extended-ack text (ENODEV and EEXIST for every object, extack
 * texts), change nothing, and come back per request from a batch.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NetlinkError } from "../mod.ts";
import { ip } from "./helpers.ts";
import { bridge, ipLines, live, snapshot, vethUp, withIPRoute } from "./iproute_util.ts";

// deno-lint-ignore no-explicit-any
const any = (x: unknown) => x as any;

/**
 * Runs `call` of every case: each must reject with a NetlinkError, whose
 * other fields `check` asserts (with the case at hand).
 */
async function rejectsEach<C>(
  cases: C[],
  call: (c: C) => Promise<unknown>,
  check: (e: NetlinkError, c: C) => void,
): Promise<void> {
  for (const c of cases) {
    await assert.rejects(call(c), (e: NetlinkError) => {
      assert.ok(e instanceof NetlinkError, String(e));
      check(e, c);
      return true;
    });
  }
}

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
      await rejectsEach(calls, ([, call]) => call(), (e, [request]) => {
        assert.equal(e.code, "ENODEV", `${request}: ${e.message}`);
        assert.equal(e.errno, 19);
        assert.equal(e.request, request);
        assert.ok(e.message.startsWith(`Cannot ${request}: ENODEV (19): `), e.message);
      });
      assert.equal(snapshot(ns), before);
    });
  });

  it("EEXIST on a duplicate, for every object", async () => {
    await withIPRoute(async (ipr, ns) => {
      vethUp(ns);
      ipLines(
        ns,
        `route add 10.1.0.0/16 via 10.0.0.2
        neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0
        rule add from 10.5.0.0/16 table 5 pref 5
        nexthop add id 1 via 10.0.0.2 dev v0
        link add br0 type bridge
        link set v1 master br0`,
      );
      bridge(ns, "fdb add 02:00:00:00:00:09 dev v1 master static");
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
      await rejectsEach(calls, ([, call]) => call(), (e, [request]) => {
        assert.equal(e.code, "EEXIST", `${request}: ${e.message}`);
        assert.equal(e.request, request);
      });
      assert.equal(snapshot(ns), before);
    });
  });

  it("surfaces the kernel's extended-ack text in message and extack", async () => {
    await withIPRoute(async (ipr, ns) => {
      vethUp(ns);
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
      await rejectsEach(cases, ([, , , call]) => call(), (e, [code, request, text]) => {
        assert.equal(e.code, code, e.message);
        assert.equal(e.request, request);
        assert.equal(e.extack, text);
        assert.equal(e.ack.message, text);
        assert.equal(e.message, `Cannot ${request}: ${code} (${e.errno}): ${text}`);
      });
      assert.equal(snapshot(ns), before);
    });
  });

  it("batch results carry each kernel error without stopping the others", async () => {
    await withIPRoute(async (ipr, ns) => {
      vethUp(ns);
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
