/**
 * The rtnetlink attribute registry: every generated table, compiled once.
 *
 * @module
 */
import { Registry } from "../core/schema.ts";
import { RT_ADDR } from "../core/tables/rt_addr.ts";
import { RT_LINK } from "../core/tables/rt_link.ts";
import { RT_NEIGH } from "../core/tables/rt_neigh.ts";
import { RT_ROUTE } from "../core/tables/rt_route.ts";
import { RT_RULE } from "../core/tables/rt_rule.ts";
import { UAPI } from "../core/tables/uapi.ts";
import { RT_BRIDGE } from "../core/tables/rt_bridge.ts";
import { LWTUNNEL } from "../core/tables/lwtunnel.ts";
import { TC } from "../core/tables/tc.ts";

/**
 * The compiled rtnetlink tables (links, addresses, routes, neighbours, rules,
 * nexthops, netconf), with the link kinds the YNL specs lack added from the
 * uapi headers (veth, vxlan, macvlan, macvtap), route encapsulation, and
 * traffic control (qdiscs, classes, filters, actions: tc.yaml).
 */
export const RTNL: Registry = new Registry([
  RT_LINK,
  RT_ADDR,
  RT_ROUTE,
  RT_NEIGH,
  RT_RULE,
  UAPI,
  RT_BRIDGE,
  LWTUNNEL,
  TC,
]);

/** Attribute sets used directly by IPRoute. */
export const SETS = {
  link: RTNL.set("linkAttrs"),
  linkinfo: RTNL.set("linkinfoAttrs"),
  brport: RTNL.set("linkinfoBrportAttrs"),
  addr: RTNL.set("addrAttrs"),
  route: RTNL.set("routeAttrs"),
  metrics: RTNL.set("metrics"),
  neigh: RTNL.set("neighbourAttrs"),
  rule: RTNL.set("fibRuleAttrs"),
  nexthop: RTNL.set("nexthopAttrs"),
  netconf: RTNL.set("netconfAttrs"),
  netns: RTNL.set("netnsAttrs"),
  ntable: RTNL.set("ndtAttrs"),
  addrlabel: RTNL.set("addrlabelAttrs"),
  stats: RTNL.set("statsAttrs"),
  bridgeLink: RTNL.set("bridgeLinkAttrs"),
  bridgeAfSpec: RTNL.set("bridgeAfSpecAttrs"),
  vlanDb: RTNL.set("brvlanDbAttrs"),
  vlanDump: RTNL.set("brvlanDumpAttrs"),
  mdb: RTNL.set("mdbaAttrs"),
  mdbEntries: RTNL.set("mdbaMdbAttrs"),
  mdbRouters: RTNL.set("mdbaRouterAttrs"),
  mdbSet: RTNL.set("mdbaSetEntryAttrs"),
  seg6Local: RTNL.set("seg6LocalAttrs"),
  lwtIp: RTNL.set("lwtunnelIpAttrs"),
  lwtIp6: RTNL.set("lwtunnelIp6Attrs"),
  lwtBpf: RTNL.set("lwtBpfAttrs"),
  ioam6: RTNL.set("ioam6IptunnelAttrs"),
  tc: RTNL.set("tcAttrs"),
  tcAct: RTNL.set("tcActAttrs"),
  tcRoot: RTNL.set("tcRootAttrs"),
} as const;
