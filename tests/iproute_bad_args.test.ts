/**
 * IPRoute's bad arguments: each raises an ArgumentError naming the argument
 * before anything is sent (the namespace is unchanged, checked with ip), in
 * single calls, in batches when a spec is added, and in the request builders
 * without any socket.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError } from "../mod.ts";
import { buildLinkRequest } from "../iproute/link/request.ts";
import { buildAddrRequest } from "../iproute/addr/request.ts";
import { buildRouteRequest } from "../iproute/route/request.ts";
import { buildFdbRequest, buildNeighRequest } from "../iproute/neigh/request.ts";
import { buildRuleRequest } from "../iproute/rule/request.ts";
import { buildNexthopRequest } from "../iproute/nexthop/request.ts";
import { ip } from "./helpers.ts";
import { live, snapshot, veth, withIPRoute } from "./iproute_util.ts";
import { BAD } from "./iproute_bad_calls.ts";

describe("IPRoute bad arguments (live: nothing changes)", live, () => {
  it("raises ArgumentError naming the argument, sends nothing, changes nothing", async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
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
