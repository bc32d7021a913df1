/**
 * IPRoute link requests at the byte level: header flags per command, ifinfomsg
 * fields, kind data and bridge port options, and the kinds this kernel may
 * lack (their live tests are skipped here, their bytes checked either way).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError, NetlinkSocket } from "../mod.ts";
import { buildLinkRequest } from "../iproute/link/request.ts";
import { SETS } from "../iproute/registry.ts";
import { NLM_F } from "../core/constants.ts";
import { RTM } from "../core/tables/constants.ts";
import { decodeRequest } from "./iproute_util.ts";
import { decodeLink, findSeq, GRE_DATA } from "./iproute_link_util.ts";

describe("IPRoute link: request bytes", () => {
  it("encodes add with CREATE|EXCL, replace with CREATE only, the rest without", () => {
    const flags = (cmd: string) =>
      decodeRequest(buildLinkRequest(cmd, { ifname: "x0", kind: "ifb" }), 16, SETS.link).flags;
    const base = NLM_F.REQUEST | NLM_F.ACK;
    assert.equal(flags("add"), base | NLM_F.CREATE | NLM_F.EXCL);
    assert.equal(flags("replace"), base | NLM_F.CREATE);
    assert.equal(flags("set"), base);
    assert.equal(flags("change"), base);
    assert.equal(decodeLink("del", { index: 3 }).type, RTM.DELLINK);
    assert.equal(decodeLink("del", { index: 3 }).header32.getInt32(4, true), 3);
  });

  it("encodes state up as ifi_flags/ifi_change and the peer with its own ifinfomsg", () => {
    const d = decodeLink("add", {
      ifname: "v0",
      kind: "veth",
      state: "up",
      peer: { ifname: "v1", mtu: 1400 },
    });
    assert.equal(d.header32.getUint32(8, true), 1);
    assert.equal(d.header32.getUint32(12, true), 1);
    assert.equal(d.attrs.ifname, "v0");
    assert.equal(d.linkinfo.kind, "veth");
    const peer = (d.linkinfo.data as { peer: Record<string, unknown> }).peer;
    assert.equal(peer.ifiFamily, 0);
    assert.equal(peer.ifiIndex, 0);
    assert.equal(peer.ifname, "v1");
    assert.equal(peer.mtu, 1400);
  });

  it("encodes bridge data and bridge port options", () => {
    const b = decodeLink("add", {
      ifname: "br0",
      kind: "bridge",
      data: { stpState: 1, forwardDelay: 500 },
    });
    assert.deepEqual(b.linkinfo.data, { stpState: 1, forwardDelay: 500 });
    const p = decodeLink("set", { index: 4, brport: { cost: 33, learning: false } });
    assert.equal(p.linkinfo.slaveKind, "bridge");
    assert.deepEqual(p.linkinfo.slaveData, { cost: 33, learning: 0 });
    assert.equal(p.linkinfo.kind, undefined);
  });

  it("encodes IPv6 vxlan endpoints as group6/local6, and refuses other tools' names", () => {
    for (
      const [kind, data, argument] of [
        ["vxlan", { vni: 5 }, "data.vni"],
        ["vxlan", { remote: "192.0.2.1" }, "data.remote"],
        ["bridge", { stp: true }, "data.stp"],
      ] as const
    ) {
      assert.throws(
        () => buildLinkRequest("add", { ifname: "x0", kind, data } as never),
        (e: ArgumentError) => e instanceof ArgumentError && e.argument === argument,
      );
    }
    const d = decodeLink("add", {
      ifname: "vx0",
      kind: "vxlan",
      data: { id: 5, group: "2001:db8::2", local: "2001:db8::1", port: 4789, learning: 0 },
    });
    assert.deepEqual(d.linkinfo.data, {
      id: 5,
      group6: "2001:db8::2",
      local6: "2001:db8::1",
      port: 4789,
      learning: 0,
    });
  });

  it("encodes macvlan/macvtap mode names as numbers", () => {
    for (const kind of ["macvlan", "macvtap"]) {
      const d = decodeLink("add", { ifname: "m0", kind, link: 2, data: { mode: "passthru" } });
      assert.equal(d.attrs.link, 2);
      assert.deepEqual(d.linkinfo.data, { mode: 8 });
    }
  });

  describe("kinds this kernel may lack", () => {
    it("dummy: kind only", () => {
      const d = decodeLink("add", { ifname: "d0", kind: "dummy", mtu: 1400 });
      assert.deepEqual(d.linkinfo, { kind: "dummy" });
      assert.equal(d.attrs.mtu, 1400);
    });

    it("vlan: id, protocol 802.1ad → 0x88a8 (network order), flags, on a parent link", () => {
      const d = decodeLink("add", {
        ifname: "v10",
        kind: "vlan",
        link: 2,
        data: { id: 10, protocol: "802.1ad", flags: { flags: 1, mask: 1 } },
      });
      assert.equal(d.attrs.link, 2);
      assert.equal(d.linkinfo.kind, "vlan");
      const data = d.linkinfo.data as Record<string, unknown>;
      assert.equal(data.id, 10);
      assert.equal(data.protocol, 0x88a8);
      assert.deepEqual(data.flags, { flags: 1, mask: 1 });
      // IFLA_VLAN_PROTOCOL is big-endian on the wire (88 a8), flagged NLA_F_NET_BYTEORDER.
      const raw = Array.from(NetlinkSocket.compile([buildLinkRequest("add", {
        ifname: "v10",
        kind: "vlan",
        link: 2,
        data: { id: 10, protocol: "802.1ad" },
      })]));
      assert.ok(findSeq(raw, [6, 0, 5, 0x40, 0x88, 0xa8]) > 0);
      assert.ok(findSeq(raw, [6, 0, 1, 0, 10, 0]) > 0, "IFLA_VLAN_ID 10, little-endian u16");
    });

    it("bond: mode, miimon, updelay", () => {
      const d = decodeLink("add", {
        ifname: "bond0",
        kind: "bond",
        data: { mode: 4, miimon: 100, updelay: 200 },
      });
      assert.deepEqual(d.linkinfo.data, { mode: 4, miimon: 100, updelay: 200 });
      const port = decodeLink("set", { index: 5, master: 9 });
      assert.equal(port.attrs.master, 9);
    });

    it("vrf: table", () => {
      const d = decodeLink("add", { ifname: "vrf0", kind: "vrf", data: { table: 1001 } });
      assert.deepEqual(d.linkinfo.data, { table: 1001 });
    });

    for (const kind of ["gre", "gretap"] as const) {
      it(`${kind}: local, remote, ttl, keys (dotted quad or number)`, () => {
        const d = decodeLink("add", { ifname: `${kind}0`, kind, data: GRE_DATA });
        assert.deepEqual(d.linkinfo.data, {
          local: "192.0.2.1",
          remote: "192.0.2.2",
          ttl: 64,
          ikey: 258,
          okey: 258,
          iflags: 0x2000,
          oflags: 0x2000,
        });
      });
    }

    it("ipvlan: kind, parent and mode (IFLA_IPVLAN_MODE u16), or raw data bytes", () => {
      const d = decodeLink("add", { ifname: "ipv0", kind: "ipvlan", link: 2 });
      assert.deepEqual(d.linkinfo, { kind: "ipvlan" });
      assert.equal(d.attrs.link, 2);
      const m = decodeLink("add", {
        ifname: "ipv0",
        kind: "ipvlan",
        link: 2,
        data: { mode: "l3" },
      });
      assert.deepEqual(m.linkinfo.data, { mode: 1 });
      // IFLA_IPVLAN_MODE (1) = IPVLAN_MODE_L3 (1), as raw bytes: decoded by the table.
      const raw = new Uint8Array([6, 0, 1, 0, 1, 0, 0, 0]);
      const r = decodeLink("add", { ifname: "ipv0", kind: "ipvlan", link: 2, data: raw });
      assert.deepEqual(r.linkinfo.data, { mode: 1 });
    });
  });
});
