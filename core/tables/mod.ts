/**
 * The generated tables, as data and types: attribute sets, structs, enums
 * and protocol constants of rtnetlink, generic netlink, netfilter and socket
 * diagnostics, from the kernel's YNL specs and uapi headers
 * (`tools/gen_tables.ts` writes them; never edited by hand).
 *
 * @example
 * ```ts
 * import { RT_ROUTE_ATTRS } from "@nlroute/nlroute/tables";
 * import assert from "node:assert/strict";
 * assert.equal(RT_ROUTE_ATTRS.routeAttrs.gateway, 5);
 * ```
 *
 * @module
 */
export * from "./netlink.ts";
export * from "./constants.ts";
export * from "./rt_link.ts";
export * from "./rt_addr.ts";
export * from "./rt_route.ts";
export * from "./rt_neigh.ts";
export * from "./rt_rule.ts";
export * from "./uapi.ts";
export * from "./lwtunnel.ts";
export * from "./genetlink.ts";
export * from "./nfnetlink.ts";
export * from "./ctnetlink.ts";
export * from "./ipset.ts";
export * from "./nftables.ts";
export * from "./sock_diag.ts";
export * from "./ipproto.ts";
export * from "./tun.ts";
export * from "./rt_bridge.ts";
export * from "./bpf.ts";
export * from "./tc.ts";
