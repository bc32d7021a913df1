/**
 * IPRoute links of the smaller kinds this kernel has (macvlan, macvtap, ifb),
 * checked against `ip -j -d link show`.
 */
import assert from "node:assert/strict";
import { ip, ipJson } from "./helpers.ts";
import { describeKind, ifindex, ipLink, MACVLAN_MODES, veth } from "./iproute_util.ts";
import { assertSameLink } from "./iproute_link_util.ts";

for (const kind of ["macvlan", "macvtap"] as const) {
  describeKind(`IPRoute link: ${kind} (live)`, kind, {
    "creates one on a veth with each mode, as ip reports": async (ipr, ns) => {
      veth(ns);
      const parent = ifindex(ns, "v0");
      for (const [i, mode] of (["bridge", "vepa", "private", "passthru"] as const).entries()) {
        await ipr.link("add", { ifname: `m${i}`, kind, link: parent, data: { mode } });
        const j = ipLink(ns, `m${i}`);
        assert.equal(j.linkinfo.info_kind, kind);
        assert.equal(j.linkinfo.info_data.mode, mode);
        assert.equal(j.link, "v0");
        const l = await ipr.link("get", { ifname: `m${i}` });
        assert.equal(l.kind, kind);
        assert.equal(MACVLAN_MODES[l.data?.mode as number], mode);
        assert.equal(l.link, parent);
        await ipr.link("del", { index: l.index });
      }
    },
    "reads one made by ip": async (ipr, ns) => {
      veth(ns);
      ip(["link", "add", "m0", "link", "v0", "type", kind, "mode", "vepa"], ns);
      const l = await ipr.link("get", { ifname: "m0" });
      assertSameLink(l, ipLink(ns, "m0"), ns);
      assert.equal(MACVLAN_MODES[l.data?.mode as number], "vepa");
    },
  });
}

describeKind("IPRoute link: ifb (live)", "ifb", {
  "creates, reads and deletes an ifb": async (ipr, ns) => {
    await ipr.link("add", { ifname: "ifb0", kind: "ifb", state: "up" });
    const j = ipLink(ns, "ifb0");
    assert.equal(j.linkinfo.info_kind, "ifb");
    assert.ok(j.flags.includes("UP"));
    assertSameLink(await ipr.link("get", { ifname: "ifb0" }), j, ns);
    await ipr.link("del", { ifname: "ifb0" });
    assert.deepEqual(ipJson(["link", "show", "type", "ifb"], ns), []);
  },
});
