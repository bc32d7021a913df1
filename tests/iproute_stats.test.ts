/**
 * Link statistics through RTM_GETSTATS, checked against `ip -j stats show`
 * and `ip -j -s link` after traffic between two throwaway namespaces; bridge
 * port counters; request bytes and bad input.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError, IPRoute, RTM } from "../mod.ts";
import { RT_LINK_STRUCTS } from "../core/tables/rt_link.ts";
import { buildStatsRequest } from "../iproute/stats/request.ts";
import { SETS } from "../iproute/registry.ts";
import { ip, ipJson, withTestNetns } from "./helpers.ts";
import { decodeRequest, ifindex, live } from "./iproute_util.ts";
import { lines, ok } from "./cli_util.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** Two namespaces joined by a veth (a0 in `a` with 10.9.0.1, b0 in `b` with 10.9.0.2), IPv6 off, some traffic sent. */
async function linked(fn: (a: string, b: string) => Promise<void>): Promise<void> {
  await withTestNetns(async (a) => {
    await withTestNetns(async (b) => {
      for (const ns of [a, b]) {
        ip(["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"]);
        ip(["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"]);
      }
      ip(["link", "add", "a0", "type", "veth", "peer", "name", "b0", "netns", b], a);
      ip(["addr", "add", "10.9.0.1/24", "dev", "a0"], a);
      ip(["addr", "add", "10.9.0.2/24", "dev", "b0"], b);
      ip(["link", "set", "a0", "up"], a);
      ip(["link", "set", "b0", "up"], b);
      // A veth carries traffic once both ends are operationally up (the qdisc is
      // attached then): wait for it, or the first datagrams are dropped unsent.
      for (let i = 0; i < 200; i++) {
        const up = [[a, "a0"], [b, "b0"]].every(([ns, dev]) =>
          ipJson(["link", "show", "dev", dev!], ns)[0]?.operstate === "UP"
        );
        if (up) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      // Three UDP datagrams (and the ARP exchange before them), with bash's /dev/udp.
      for (let i = 0; i < 3; i++) {
        ip(["netns", "exec", a, "bash", "-c", "echo nlroute > /dev/udp/10.9.0.2/9"]);
      }
      await fn(a, b);
    });
  });
}

describe("link statistics", live, () => {
  it("reads the counters ip stats and ip -s link print, after traffic", async () => {
    await linked(async (a) => {
      await using ipr = await IPRoute.open({ netns: a });
      const s = await ipr.stats("get", { index: "a0" });
      const j: Json = ipJson(["stats", "show", "dev", "a0", "group", "link"], a)[0];
      assert.equal(s.index, ifindex(a, "a0"));
      const c = s.link64!;
      assert.ok(c.txPackets! >= 3n, `txPackets ${c.txPackets}`);
      assert.equal(Number(c.rxPackets), j.stats64.rx.packets);
      assert.equal(Number(c.rxBytes), j.stats64.rx.bytes);
      assert.equal(Number(c.txPackets), j.stats64.tx.packets);
      assert.equal(Number(c.txBytes), j.stats64.tx.bytes);
      assert.equal(Number(c.rxDropped), j.stats64.rx.dropped);
      // The same counters as IFLA_STATS64 of the link (Link.stats, ip -s link).
      const [link] = await ipr.getLinks({ ifname: "a0" });
      assert.equal(link!.stats!.txBytes, c.txBytes);
      const sj: Json = ipJson(["-s", "link", "show", "a0"], a)[0];
      assert.equal(Number(link!.stats!.rxPackets), sj.stats64.rx.packets);
      const all = await ipr.stats("dump", { groups: ["link64", "offloadXstats"] }).all();
      assert.deepEqual(all.map((x) => x.index).sort(), [1, ifindex(a, "a0")]);
      assert.ok(all.every((x) => x.offloadXstats !== undefined));
      assert.doesNotThrow(() => JSON.stringify(all));
    });
  });

  it("reads a bridge port's STP counters from its master (xstatsSlave)", async () => {
    await withTestNetns(async (ns) => {
      ip(["link", "add", "br0", "type", "bridge"], ns);
      ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
      ip(["link", "set", "v0", "master", "br0"], ns);
      await using ipr = await IPRoute.open({ netns: ns });
      const port = await ipr.stats("get", { index: "v0", groups: "xstatsSlave" });
      const bridge = port.xstatsSlave?.bridge as Record<string, unknown> | undefined;
      assert.ok(bridge, JSON.stringify(port));
      assert.deepEqual(
        Object.keys(bridge.stp as object).sort(),
        ["rxBpdu", "rxTcn", "transitionBlk", "transitionFwd", "txBpdu", "txTcn"],
      );
      assert.equal(port.link64, undefined); // not asked for
    });
  });

  it("nlroute stats show prints what ip stats show prints", async () => {
    await linked((a) => {
      for (
        const args of [["stats", "show", "dev", "a0", "group", "link"], [
          "-j",
          "stats",
          "show",
          "group",
          "link",
        ]]
      ) {
        assert.deepEqual(lines(ok(a, args)), lines(ip(args, a)), args.join(" "));
      }
      return Promise.resolve();
    });
  });
});

describe("statistics requests", () => {
  it("asks for the groups by filter bit, for one interface or all", () => {
    const req = buildStatsRequest("get", { index: 7, groups: ["link64", "xstatsSlave"] });
    assert.equal(req.type, RTM.GETSTATS);
    const d = decodeRequest(req, RT_LINK_STRUCTS.ifStatsMsg.size, SETS.stats);
    // struct if_stats_msg: family, pad1, pad2 (u16), ifindex (u32), filter_mask (u32)
    assert.equal(d.header32.getUint32(4, true), 7);
    assert.equal(d.header32.getUint32(8, true), 0b101); // IFLA_STATS_LINK_64 (1), _XSTATS_SLAVE (3)
    const dump = decodeRequest(buildStatsRequest("dump", {}), 12, SETS.stats);
    assert.equal(dump.header32.getUint32(8, true), 1);
  });

  it("refuses bad input before sending, naming the argument", () => {
    const bad: [string, Record<string, unknown>, string][] = [
      ["get", {}, "index"],
      ["get", { index: 1, groups: ["link64", "bogus"] }, "groups[1]"],
      ["get", { index: 1, groups: [] }, "groups"],
      ["dump", { groups: "xstat" }, "groups"],
      ["get", { index: 1, group: "link64" }, "group"],
    ];
    for (const [cmd, spec, argument] of bad) {
      assert.throws(
        () => buildStatsRequest(cmd, spec),
        (e: unknown) => e instanceof ArgumentError && e.argument === argument,
        `${cmd} ${JSON.stringify(spec)}`,
      );
    }
  });
});
