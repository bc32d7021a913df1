/**
 * Shared by the link tests: the field-by-field comparison with `ip -j -d link
 * show`, and link requests decoded back for the byte-level tests.
 */
import assert from "node:assert/strict";
import type { Link } from "../mod.ts";
import { buildLinkRequest } from "../iproute/link/request.ts";
import { RT_LINK_STRUCTS } from "../core/tables/rt_link.ts";
import { SETS } from "../iproute/registry.ts";
import { ipJson } from "./helpers.ts";
import { type Decoded, decodeRequest, ipFlagsOf, kernelFlags } from "./iproute_util.ts";

/** Size of ifinfomsg, the fixed header of link requests. */
export const IFINFOMSG_SIZE: number = RT_LINK_STRUCTS.ifinfomsg.size;

/** Checks the fields nlroute and `ip -j -d link show` both report for one link. */
export function assertSameLink(l: Link, j: Record<string, unknown>, ns: string): void {
  assert.equal(l.index, j.ifindex);
  assert.equal(l.ifname, j.ifname);
  assert.equal(l.mtu, j.mtu);
  assert.equal(l.address, j.address);
  assert.equal(l.broadcast, j.broadcast);
  assert.equal(l.operstate, j.operstate);
  assert.equal(l.txqlen ?? 0, j.txqlen ?? 0);
  assert.equal(l.qdisc, j.qdisc);
  assert.deepEqual(ipFlagsOf(l.flags), kernelFlags(j.flags as string[]));
  assert.equal(l.state, (j.flags as string[]).includes("UP") ? "up" : "down");
  if (j.min_mtu !== undefined) assert.equal(l.minMtu, j.min_mtu);
  if (j.max_mtu !== undefined) assert.equal(l.maxMtu, j.max_mtu);
  assert.equal(l.group === 0 ? "default" : String(l.group), j.group);
  const names = new Map<number, string>(
    ipJson(["link", "show"], ns).map((x: { ifindex: number; ifname: string }) => [
      x.ifindex,
      x.ifname,
    ]),
  );
  assert.equal(l.master === undefined ? undefined : names.get(l.master), j.master);
  if (j.link !== undefined) assert.equal(names.get(l.link!), j.link);
  assert.deepEqual(l.altnames, (j.altnames as string[] | undefined) ?? []);
  const info = j.linkinfo as { info_kind?: string; info_slave_kind?: string } | undefined;
  assert.equal(l.kind, info?.info_kind);
  assert.equal(l.slaveKind, info?.info_slave_kind);
}

/** gre/gretap options of the tests: endpoints, ttl, keys (one a dotted quad, one a number). */
export const GRE_DATA = {
  local: "192.0.2.1",
  remote: "192.0.2.2",
  ttl: 64,
  ikey: "0.0.1.2",
  okey: 258,
  iflags: 0x2000,
  oflags: 0x2000,
} as const;

/** A decoded link request, with IFLA_LINKINFO typed. */
export interface DecodedLink extends Decoded {
  linkinfo: {
    kind?: string;
    data?: Record<string, unknown> | Uint8Array;
    slaveKind?: string;
    slaveData?: Record<string, unknown>;
  };
}

/** Builds a link request and decodes it back (ifinfomsg + link attributes). */
export function decodeLink(cmd: string, spec: Record<string, unknown>): DecodedLink {
  const d = decodeRequest(buildLinkRequest(cmd, spec), IFINFOMSG_SIZE, SETS.link);
  return { ...d, linkinfo: d.attrs.linkinfo as DecodedLink["linkinfo"] };
}

/** Where `needle` starts in `hay`, or -1. */
export function findSeq(hay: number[], needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
