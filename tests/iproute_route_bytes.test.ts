/**
 * IPRoute route requests at the byte level: rtmsg defaults as iproute2 sends
 * them, tables above 255 in RTA_TABLE, IPv6 priority 1024, rtnexthop hops =
 * weight - 1, metrics by table.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Request } from "../core/socket.ts";
import { buildRouteRequest } from "../iproute/route/request.ts";
import { RT_ROUTE_STRUCTS } from "../core/tables/rt_route.ts";
import { SETS } from "../iproute/registry.ts";
import { NLM_F } from "../core/constants.ts";
import { RTM } from "../core/tables/constants.ts";
import type { ArgumentError } from "../core/errors.ts";
import { type Decoded, decodeRequest } from "./iproute_util.ts";

const RTMSG_SIZE = RT_ROUTE_STRUCTS.rtmsg.size;

/** Decodes a route request back (rtmsg + route attributes). */
function decodeRoute(req: Request): Decoded {
  return decodeRequest(req, RTMSG_SIZE, SETS.route);
}

describe("IPRoute route: request bytes", () => {
  it("puts tables above 255 in RTA_TABLE with rtm_table 0, and iproute2's defaults", () => {
    const d = decodeRoute(buildRouteRequest("add", { dst: "10.1.0.0/16", oif: 3, table: 1000 }));
    assert.equal(d.type, RTM.NEWROUTE);
    assert.equal(d.flags, NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE | NLM_F.EXCL);
    // family, dst_len, src_len, tos, table, protocol (boot), scope (link), type (unicast)
    assert.deepEqual(Array.from(d.header.subarray(0, 8)), [2, 16, 0, 0, 0, 3, 253, 1]);
    assert.equal(d.attrs.table, 1000);
    assert.equal(d.attrs.oif, 3);
    const main = decodeRoute(buildRouteRequest("add", { dst: "10.1.0.0/16", gateway: "10.0.0.1" }));
    assert.deepEqual(Array.from(main.header.subarray(0, 8)), [2, 16, 0, 0, 254, 3, 0, 1]);
    assert.equal(main.attrs.table, undefined);
  });

  it("makes IPv6 priority 1024 explicit and writes rtnexthop hops = weight - 1", () => {
    const d = decodeRoute(buildRouteRequest("add", {
      dst: "fd00::/64",
      multipath: [{ gateway: "fd00::1", weight: 3 }, { gateway: "fd00::2", oif: 4, hops: 7 }],
    }));
    assert.equal(d.header[0], 10);
    assert.equal(d.attrs.priority, 1024);
    const mp = d.attrs.multipath as Uint8Array;
    // rtnexthop: len u16, flags u8, hops u8, ifindex s32, then RTA_GATEWAY (4 + 16 bytes): 28.
    assert.equal(mp[3], 2);
    assert.equal(mp[28 + 3], 7);
    assert.equal(mp[28 + 4], 4);
    const dl = decodeRoute(buildRouteRequest("del", { dst: "fd00::/64" }));
    assert.equal(dl.attrs.priority, undefined, "del matches any priority");
    assert.deepEqual(Array.from(dl.header.subarray(4, 8)), [254, 0, 255, 0]);
  });

  it("encodes metrics by table and refuses unknown ones", () => {
    const d = decodeRoute(buildRouteRequest("replace", {
      dst: "10.0.0.0/8",
      oif: 2,
      metrics: { mtu: 1400, hoplimit: 9 },
    }));
    assert.equal(d.flags & (NLM_F.CREATE | NLM_F.REPLACE), NLM_F.CREATE | NLM_F.REPLACE);
    assert.deepEqual(d.attrs.metrics, { mtu: 1400, hoplimit: 9 });
    assert.throws(
      () => buildRouteRequest("add", { dst: "10.0.0.0/8", metrics: { mtuu: 1 } }),
      (e: ArgumentError) => e.argument === "metrics.mtuu",
    );
  });
});
