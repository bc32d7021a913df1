/**
 * Deliberate mistakes a user can make, each of which must fail type checking
 * (`deno check` runs over tests/ in the suite): an `@ts-expect-error` that
 * finds no error is itself an error, so a type that stops catching a mistake
 * fails the suite. Nothing here runs.
 */
import { type IPRoute, Monitor } from "../../mod.ts";

export async function mistakes(ipr: IPRoute, mon: Monitor): Promise<void> {
  // @ts-expect-error a misspelled command
  await ipr.link("ad", { ifname: "v0" });
  // @ts-expect-error a misspelled link kind
  await ipr.link("add", { ifname: "v0", kind: "vethh", peer: "v1" });
  // @ts-expect-error a misspelled vxlan attribute (the table's name is id)
  await ipr.link("add", { ifname: "vx0", kind: "vxlan", data: { vni: 42 } });
  // @ts-expect-error bridge data on a vxlan
  await ipr.link("add", { ifname: "vx0", kind: "vxlan", data: { stpState: 1 } });
  // @ts-expect-error veth takes peer, not data
  await ipr.link("add", { ifname: "v0", kind: "veth", data: { peer: {} } });
  // @ts-expect-error a misspelled macvlan mode
  await ipr.link("add", { ifname: "m0", kind: "macvlan", link: "v0", data: { mode: "brdge" } });
  // @ts-expect-error a misspelled bridge port option
  await ipr.link("set", { ifname: "v0", brport: { costt: 1 } });
  // @ts-expect-error a misspelled link state
  await ipr.link("set", { ifname: "v0", state: "upp" });
  // @ts-expect-error a misspelled routing table name
  await ipr.route("add", { dst: "10.0.0.0/8", oif: 1, table: "mian" });
  // @ts-expect-error a misspelled route type
  await ipr.route("add", { dst: "10.0.0.0/8", type: "blackholes" });
  // @ts-expect-error a misspelled scope
  await ipr.route("add", { dst: "10.0.0.0/8", oif: 1, scope: "lnk" });
  // @ts-expect-error a misspelled protocol
  await ipr.route("add", { dst: "10.0.0.0/8", oif: 1, proto: "statik" });
  // @ts-expect-error a misspelled family
  await ipr.route("add", { dst: "default", gateway: "10.0.0.1", family: "inet4" });
  // @ts-expect-error a misspelled metric
  await ipr.route("add", { dst: "10.0.0.0/8", oif: 1, metrics: { mtuu: 1400 } });
  // @ts-expect-error a misspelled neighbour state
  await ipr.neigh("add", { index: 1, dst: "10.0.0.2", state: "permanant" });
  // @ts-expect-error a misspelled neighbour flag
  await ipr.neigh("add", { index: 1, dst: "10.0.0.2", flags: ["routr"] });
  // @ts-expect-error a misspelled address flag
  await ipr.addr("add", { index: 1, address: "fd00::1/64", flags: ["nodadd"] });
  // @ts-expect-error a misspelled rule action
  await ipr.rule("add", { src: "10.0.0.0/8", action: "to_table" });
  // @ts-expect-error rules have no in-place change
  await ipr.rule("set", { priority: 100 });
  // @ts-expect-error addresses have no get
  await ipr.addr("get", { index: 1 });
  // @ts-expect-error a misspelled argument
  await ipr.route("add", { dst: "10.0.0.0/8", gatway: "10.0.0.1" });
  // @ts-expect-error a misspelled monitor group
  await Monitor.open({ groups: ["links"] });
  // @ts-expect-error a misspelled event selector
  mon.events({ events: ["RTM_NEWLIN"] });
  // @ts-expect-error a misspelled nexthop group type
  await ipr.nexthop("add", { id: 1, group: [{ id: 2 }], groupType: "resilent" });
  // @ts-expect-error `ensure` takes object names
  await ipr.ensure("links", {});
}

// IPDB (issue 12): `create` takes the library's link kinds, each with its own data.
import type { IPDB } from "../../mod.ts";

export function ipdbMistakes(ipdb: IPDB): void {
  // @ts-expect-error a misspelled link kind
  ipdb.create("brige", "br0", {});
  // @ts-expect-error a kind given as any string
  ipdb.create(String("bridge"), "br0");
  // @ts-expect-error vxlan data on a bridge
  ipdb.create("bridge", "br0", { data: { id: 42 } });
  // @ts-expect-error a misspelled vxlan attribute
  ipdb.create("vxlan", "vx0", { data: { vni: 42 } });
  // @ts-expect-error veth takes peer, not data
  ipdb.create("veth", "v0", { data: { peer: "v1" } });
  // @ts-expect-error the name is an argument, not a spec field
  ipdb.create("bridge", "br0", { ifname: "br1" });
}

// Generic netlink (issue 14): operations and attributes come from the family's YNL spec.
import { GenlFamily } from "../../mod.ts";

export async function genlMistakes(): Promise<void> {
  const eth = await GenlFamily.open("ethtool");
  // @ts-expect-error a misspelled operation
  await eth.do("linkinfo-gett", { header: { devName: "v0" } });
  // @ts-expect-error a misspelled request attribute
  await eth.do("linkinfo-get", { headr: { devName: "v0" } });
  // @ts-expect-error a misspelled nested attribute
  await eth.do("linkinfo-get", { header: { devNme: "v0" } });
  // @ts-expect-error an attribute of the set that this request does not take
  await eth.do("linkinfo-get", { header: { devName: "v0" }, port: 1 });
  // @ts-expect-error a string where the spec says u32
  await eth.do("linkinfo-get", { header: { devIndex: "1" } });
  // @ts-expect-error a notification has no do form
  await eth.do("linkinfo-ntf", {});
  // @ts-expect-error linkinfo-set has no dump form
  eth.dump("linkinfo-set", {});
  const info = await eth.do("linkinfo-get", { header: { devName: "v0" } });
  // @ts-expect-error a reply attribute the spec does not list for this reply
  console.log(info.wanted);
  // @ts-expect-error a family nlroute has no spec for
  await GenlFamily.open("ethtol");
  const mptcp = await GenlFamily.open("mptcp_pm");
  // @ts-expect-error a misspelled endpoint attribute
  await mptcp.do("add-addr", { addr: { family: 2, ifIndex: 2 } });
}
