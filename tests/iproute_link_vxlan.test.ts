/**
 * IPRoute vxlan links, checked against `ip -j -d link show`: unicast and
 * multicast, IPv4 and IPv6 endpoints, made both ways.
 */
import assert from "node:assert/strict";
import { describeKind, ifindex, ipLines, ipLink, veth } from "./iproute_util.ts";
import { assertSameLink } from "./iproute_link_util.ts";

describeKind("IPRoute link: vxlan (live)", "vxlan", {
  "creates a unicast vxlan with id, port, group (remote), local, link, ttl, learning": async (
    ipr,
    ns,
  ) => {
    veth(ns);
    await ipr.link("add", {
      ifname: "vx0",
      kind: "vxlan",
      data: {
        id: 4242,
        port: 4790,
        group: "192.0.2.9",
        local: "192.0.2.1",
        link: ifindex(ns, "v0"),
        ttl: 17,
        learning: 0,
      },
    });
    const d = ipLink(ns, "vx0").linkinfo.info_data;
    assert.equal(d.id, 4242);
    assert.equal(d.port, 4790);
    assert.equal(d.remote, "192.0.2.9");
    assert.equal(d.local, "192.0.2.1");
    assert.equal(d.link, "v0");
    assert.equal(d.ttl, 17);
    assert.equal(d.learning, false);
    const l = await ipr.link("get", { ifname: "vx0" });
    assert.equal(l.kind, "vxlan");
    assert.equal(l.data?.id, 4242);
    assert.equal(l.data?.port, 4790);
    assert.equal(l.data?.group, "192.0.2.9");
    assert.equal(l.data?.local, "192.0.2.1");
    assert.equal(l.data?.link, ifindex(ns, "v0"));
    assert.equal(l.data?.ttl, 17);
    assert.equal(l.data?.learning, 0);
  },
  "creates a multicast vxlan with group (id), and IPv6 endpoints": async (ipr, ns) => {
    veth(ns);
    await ipr.link("add", {
      ifname: "vx0",
      kind: "vxlan",
      data: { id: 10, group: "239.1.1.1", link: ifindex(ns, "v0"), port: 4789 },
    });
    const d = ipLink(ns, "vx0").linkinfo.info_data;
    assert.equal(d.id, 10);
    assert.equal(d.group, "239.1.1.1");
    assert.equal(d.learning, true);
    await ipr.link("add", {
      ifname: "vx6",
      kind: "vxlan",
      data: { id: 11, group: "2001:db8::2", local: "2001:db8::1", port: 4789 },
    });
    const d6 = ipLink(ns, "vx6").linkinfo.info_data;
    // ip names the IPv6 endpoints remote6/local6 (nlroute: group6/local6).
    assert.equal(d6.remote6, "2001:db8::2");
    assert.equal(d6.local6, "2001:db8::1");
    const l6 = await ipr.link("get", { ifname: "vx6" });
    assert.equal(l6.data?.group6, "2001:db8::2");
    assert.equal(l6.data?.local6, "2001:db8::1");
  },
  "reads a vxlan made by ip": async (ipr, ns) => {
    ipLines(
      ns,
      "link add vx0 type vxlan id 77 dstport 8472" +
        " remote 198.51.100.7 local 198.51.100.1 ttl 5 nolearning",
    );
    const d = ipLink(ns, "vx0").linkinfo.info_data;
    const l = await ipr.link("get", { ifname: "vx0" });
    assertSameLink(l, ipLink(ns, "vx0"), ns);
    assert.equal(l.data?.id, d.id);
    assert.equal(l.data?.port, d.port);
    assert.equal(l.data?.group, d.remote);
    assert.equal(l.data?.local, d.local);
    assert.equal(l.data?.ttl, d.ttl);
    assert.equal(l.data?.learning, d.learning ? 1 : 0);
    assert.equal(l.data?.ageing, d.ageing);
  },
});
