/**
 * Correct user code that must type-check as a user's own script would:
 * imported by path, under `deno check` (Deno's own types only) and under
 * `tsc` with bun-types (tests/user_types.test.ts checks both, outside this
 * project's configuration). Nothing here runs.
 */
import {
  type DoReply,
  type GenlFamilies,
  GenlFamily,
  IPDB,
  IPRoute,
  Monitor,
  type MonitorEvent,
  NetlinkError,
  tableId,
} from "../../mod.ts";

export async function correct(): Promise<void> {
  await using ipr = await IPRoute.open({ netns: "blue" });
  await ipr.link("add", { ifname: "v0", kind: "veth", peer: { ifname: "v1", arp: false } });
  await ipr.link("add", {
    ifname: "br0",
    kind: "bridge",
    data: { stpState: 1, forwardDelay: 400 },
  });
  await ipr.link("add", { ifname: "vx0", kind: "vxlan", data: { id: 42, port: 4789, link: "v0" } });
  await ipr.link("add", {
    ifname: "vl0",
    kind: "vlan",
    link: "v0",
    data: { id: 10, protocol: "802.1ad" },
  });
  await ipr.link("add", { ifname: "m0", kind: "macvlan", link: "v0", data: { mode: "bridge" } });
  await ipr.link("add", { ifname: "d0", kind: "dummy" });
  await ipr.link("set", { ifname: "v0", master: "br0", brport: { cost: 10, learning: false } });
  await ipr.link("set", { index: "v0", state: "up", mtu: 1400, promisc: true });
  await ipr.addr("add", { index: "v0", address: "10.0.0.1/24", flags: ["noprefixroute"] });
  await ipr.route("add", {
    dst: "10.1.0.0/16",
    gateway: "10.0.0.2",
    table: "main",
    proto: "static",
  });
  await ipr.route("add", { dst: "10.2.0.0/16", oif: "v0", table: tableId("main"), scope: "link" });
  await ipr.route("add", { dst: "10.3.0.0/16", type: "blackhole", metrics: { mtu: 1300 } });
  await ipr.neigh("add", {
    index: "v0",
    dst: "10.0.0.9",
    lladdr: "02:00:00:00:00:09",
    state: "permanent",
  });
  await ipr.rule("add", { src: "10.0.0.0/8", table: 100, action: "to_tbl", priority: 100 });
  const links = await ipr.getLinks({ kind: "veth" });
  for (const l of links) console.log(l.ifname, l.data?.peer);
  const r = await ipr.route("get", { dst: "10.1.2.3" });
  console.log(r.gateway, r.oif);
  try {
    await ipr.link("del", { ifname: "nope" });
  } catch (e) {
    if (e instanceof NetlinkError) console.log(e.code, e.extack);
  }
  await using mon = await Monitor.open({ groups: ["link", "ipv4-route"] });
  for await (const e of mon.events({ events: ["link", "RTM_NEWROUTE"] })) {
    const ev: MonitorEvent = e;
    if (ev.kind === "link") console.log(ev.object.ifname);
    else if (ev.kind === "route") console.log(ev.object.dst);
    break;
  }
  await using ipdb = await IPDB.open();
  console.log(ipdb.interfaces.v0?.ifname);
}

// Generic netlink: typed requests and replies from the spec.

export async function genlCorrect(): Promise<void> {
  await using eth = await GenlFamily.open("ethtool", { netns: "blue" });
  const info: DoReply<GenlFamilies["ethtool"]["ops"], "linkinfo-get"> = await eth.do(
    "linkinfo-get",
    { header: { devName: "v0" } },
  );
  const index: number | undefined = info.header?.devIndex;
  console.log(index, info.port);
  for await (const dev of eth.dump("features-get", {})) console.log(dev.header?.devName);
  const set = await eth.do("features-set", {
    header: { devName: "v0" },
    wanted: { bits: { bit: [{ name: "rx-gro" }] } },
  });
  console.log(set.active?.bits?.bit?.length); // the features after the change
  eth.join("monitor");
  for await (const e of eth.events()) {
    if ("event" in e) continue;
    if (e.name === "features-ntf") console.log(e.attrs.header?.devName);
    break;
  }
  await using mptcp = await GenlFamily.open("mptcp_pm");
  await mptcp.do("add-addr", { addr: { family: 2, id: 1, ifIdx: 2 } });
  const limits = await mptcp.do("get-limits", {});
  console.log(limits.subflows);
}
