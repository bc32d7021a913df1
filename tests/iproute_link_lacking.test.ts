/**
 * IPRoute links of kinds some kernels lack (this one: see FACTS.md): dummy,
 * vlan, bond, vrf, gre, gretap, ipvlan, checked against `ip -j -d link show`.
 * Skipped with the reason where missing; their request bytes are checked in
 * iproute_link_bytes.test.ts either way.
 */
import assert from "node:assert/strict";
import { describeKind, ifindex, ipLink, veth } from "./iproute_util.ts";
import { assertSameLink, GRE_DATA } from "./iproute_link_util.ts";

describeKind("IPRoute link: dummy (live)", "dummy", {
  "creates a dummy and reads it back": async (ipr, ns) => {
    await ipr.link("add", { ifname: "d0", kind: "dummy", mtu: 1400 });
    const j = ipLink(ns, "d0");
    assert.equal(j.linkinfo.info_kind, "dummy");
    assert.equal(j.mtu, 1400);
    assertSameLink(await ipr.link("get", { ifname: "d0" }), j, ns);
  },
});

describeKind("IPRoute link: vlan (live)", "vlan", {
  "creates 802.1Q and 802.1ad vlans on a veth": async (ipr, ns) => {
    veth(ns);
    await ipr.link(
      "add",
      { ifname: "v0.10", kind: "vlan", link: "v0", data: { id: 10 } },
    );
    await ipr.link("add", {
      ifname: "v0.20",
      kind: "vlan",
      link: ifindex(ns, "v0"),
      data: { id: 20, protocol: "802.1ad" },
    });
    const a = ipLink(ns, "v0.10");
    const b = ipLink(ns, "v0.20");
    assert.equal(a.link, "v0");
    assert.equal(a.linkinfo.info_data.id, 10);
    assert.equal(a.linkinfo.info_data.protocol, "802.1Q");
    assert.equal(b.linkinfo.info_data.id, 20);
    assert.equal(b.linkinfo.info_data.protocol, "802.1ad");
    const l = await ipr.link("get", { ifname: "v0.20" });
    assertSameLink(l, b, ns);
    assert.equal(l.data?.id, 20);
    assert.equal(l.data?.protocol, 0x88a8);
  },
});

describeKind("IPRoute link: bond (live)", "bond", {
  "creates a bond with mode and miimon and enslaves a port": async (ipr, ns) => {
    await ipr.link("add", { ifname: "bond0", kind: "bond", data: { mode: 1, miimon: 100 } });
    veth(ns);
    await ipr.link("set", { ifname: "v0", master: ifindex(ns, "bond0") });
    const j = ipLink(ns, "bond0");
    assert.equal(j.linkinfo.info_data.mode, "active-backup");
    assert.equal(j.linkinfo.info_data.miimon, 100);
    assert.equal(ipLink(ns, "v0").master, "bond0");
    const l = await ipr.link("get", { ifname: "bond0" });
    assert.equal(l.data?.mode, 1);
    assert.equal(l.data?.miimon, 100);
  },
});

describeKind("IPRoute link: vrf (live)", "vrf", {
  "creates a vrf bound to a table": async (ipr, ns) => {
    await ipr.link("add", { ifname: "vrf0", kind: "vrf", data: { table: 1001 } });
    assert.equal(ipLink(ns, "vrf0").linkinfo.info_data.table, 1001);
    assert.equal((await ipr.link("get", { ifname: "vrf0" })).data?.table, 1001);
  },
});

for (const kind of ["gre", "gretap"] as const) {
  describeKind(`IPRoute link: ${kind} (live)`, kind, {
    "creates a tunnel with endpoints, ttl and keys": async (ipr, ns) => {
      await ipr.link("add", { ifname: "t0", kind, data: GRE_DATA });
      const d = ipLink(ns, "t0").linkinfo.info_data;
      assert.equal(d.local, "192.0.2.1");
      assert.equal(d.remote, "192.0.2.2");
      assert.equal(d.ttl, 64);
      assert.equal(d.ikey, "0.0.1.2");
      assert.equal(d.okey, "0.0.1.2");
      const l = await ipr.link("get", { ifname: "t0" });
      assert.equal(l.data?.remote, "192.0.2.2");
      assert.equal(l.data?.ikey, 258);
    },
  });
}

describeKind("IPRoute link: ipvlan (live)", "ipvlan", {
  "creates an ipvlan on a veth (mode l2 from raw IFLA_INFO_DATA bytes)": async (ipr, ns) => {
    veth(ns);
    const l2 = new Uint8Array([6, 0, 1, 0, 0, 0, 0, 0]); // IFLA_IPVLAN_MODE = IPVLAN_MODE_L2
    await ipr.link("add", { ifname: "ipv0", kind: "ipvlan", link: ifindex(ns, "v0"), data: l2 });
    const j = ipLink(ns, "ipv0");
    assert.equal(j.linkinfo.info_kind, "ipvlan");
    assert.equal(j.linkinfo.info_data.mode, "l2");
    assert.equal(j.link, "v0");
    assertSameLink(await ipr.link("get", { ifname: "ipv0" }), j, ns);
  },
});
