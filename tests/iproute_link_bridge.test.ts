/**
 * IPRoute bridges and bridge ports, checked against `ip -j -d link show` and
 * `bridge -j link show`: bridge options and brport options, set both ways.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { bridgeJson, ip } from "./helpers.ts";
import { assertFields, ifindex, ipLines, ipLink, live, veth, withIPRoute } from "./iproute_util.ts";
import { assertSameLink } from "./iproute_link_util.ts";

describe("IPRoute link: bridge and bridge ports (live)", live, () => {
  it("creates a bridge with stp, forwardDelay and ageingTime", async () => {
    await withIPRoute(async (ipr, ns) => {
      await ipr.link("add", {
        ifname: "br0",
        kind: "bridge",
        data: { stpState: 1, forwardDelay: 500, ageingTime: 10000, priority: 4096 },
      });
      const d = ipLink(ns, "br0").linkinfo.info_data;
      assertFields(d, { stp_state: 1, forward_delay: 500, ageing_time: 10000, priority: 4096 });
      const l = await ipr.link("get", { ifname: "br0" });
      assert.equal(l.kind, "bridge");
      assertFields(l.data, { stpState: 1, forwardDelay: 500, ageingTime: 10000, priority: 4096 });
      // Change the bridge options in place.
      await ipr.link("set", {
        index: l.index,
        kind: "bridge",
        data: { stpState: 0, ageingTime: 2000 },
      });
      const d2 = ipLink(ns, "br0").linkinfo.info_data;
      assert.equal(d2.stp_state, 0);
      assert.equal(d2.ageing_time, 2000);
    });
  });

  it("reads a bridge made by ip", async () => {
    await withIPRoute(async (ipr, ns) => {
      ipLines(
        ns,
        "link add br0 type bridge forward_delay 700 hello_time 300 max_age 2500" +
          " ageing_time 3000 stp_state 1 mcast_snooping 0",
      );
      const j = ipLink(ns, "br0");
      const l = await ipr.link("get", { ifname: "br0" });
      assertSameLink(l, j, ns);
      const d = j.linkinfo.info_data;
      assert.equal(l.data?.forwardDelay, d.forward_delay);
      assert.equal(l.data?.helloTime, d.hello_time);
      assert.equal(l.data?.maxAge, d.max_age);
      assert.equal(l.data?.ageingTime, d.ageing_time);
      assert.equal(l.data?.stpState, d.stp_state);
      assert.equal(l.data?.mcastSnooping, d.mcast_snooping);
      assert.equal(l.data?.priority, d.priority);
      assert.equal(l.data?.groupAddr, d.group_addr);
    });
  });

  it("enslaves ports by name and sets brport cost, priority, learning, unicastFlood", async () => {
    await withIPRoute(async (ipr, ns) => {
      await ipr.link("add", { ifname: "br0", kind: "bridge" });
      await ipr.link("add", { ifname: "v0", kind: "veth", peer: "v1" });
      await ipr.link("set", { ifname: "v0", master: "br0" });
      await ipr.link("set", {
        ifname: "v0",
        brport: { cost: 33, priority: 5, learning: false, unicastFlood: 0 },
      });
      const j = ipLink(ns, "v0");
      assert.equal(j.master, "br0");
      const sd = j.linkinfo.info_slave_data;
      assert.equal(j.linkinfo.info_slave_kind, "bridge");
      assert.equal(sd.cost, 33);
      assert.equal(sd.priority, 5);
      assert.equal(sd.learning, false);
      assert.equal(sd.flood, false);
      const port = bridgeJson(["-d", "link", "show", "dev", "v0"], ns)[0];
      assert.equal(port.master, "br0");
      assert.equal(port.cost, 33);
      assert.equal(port.priority, 5);
      assert.equal(port.learning, false);
      assert.equal(port.flood, false);
      const l = await ipr.link("get", { ifname: "v0" });
      assertSameLink(l, j, ns);
      assert.equal(l.master, ifindex(ns, "br0"));
      assert.equal(l.slaveData?.cost, 33);
      assert.equal(l.slaveData?.priority, 5);
      assert.equal(l.slaveData?.learning, 0);
      assert.equal(l.slaveData?.unicastFlood, 0);
      // Release the port (master 0).
      await ipr.link("set", { ifname: "v0", master: 0 });
      assert.equal(ipLink(ns, "v0").master, undefined);
    });
  });

  it("reads bridge port options set by ip", async () => {
    await withIPRoute(async (ipr, ns) => {
      ip(["link", "add", "br0", "type", "bridge"], ns);
      veth(ns);
      ip(["link", "set", "v0", "master", "br0"], ns);
      ipLines(ns, "link set v0 type bridge_slave cost 77 priority 9 learning off");
      const l = await ipr.link("get", { ifname: "v0" });
      assert.equal(l.slaveKind, "bridge");
      assertFields(l.slaveData, { cost: 77, priority: 9, learning: 0, unicastFlood: 1 });
    });
  });
});
