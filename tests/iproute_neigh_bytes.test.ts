/**
 * IPRoute neighbour and fdb requests at the byte level: ndmsg fields (family,
 * index, state, flags), NDA_* attributes, and dump filters.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Request } from "../core/socket.ts";
import { buildFdbRequest, buildNeighRequest } from "../iproute/neigh/request.ts";
import { RT_NEIGH_STRUCTS } from "../core/tables/rt_neigh.ts";
import { SETS } from "../iproute/registry.ts";
import { type Decoded, decodeRequest } from "./iproute_util.ts";

const NDMSG_SIZE = RT_NEIGH_STRUCTS.ndmsg.size;

/** Decodes a neighbour or fdb request back (ndmsg + neighbour attributes). */
function decodeNeigh(req: Request): Decoded {
  return decodeRequest(req, NDMSG_SIZE, SETS.neigh);
}

describe("IPRoute neigh/fdb: request bytes", () => {
  it("neigh add: ndmsg with NUD_PERMANENT by default, NDA_DST and NDA_LLADDR", () => {
    const d = decodeNeigh(buildNeighRequest("add", {
      index: 5,
      dst: "10.0.0.2",
      lladdr: "02:00:00:00:00:02",
      flags: "router",
    }));
    assert.equal(d.header[0], 2);
    assert.equal(d.header32.getInt32(4, true), 5);
    assert.equal(d.header32.getUint16(8, true), 0x80);
    assert.equal(d.header[10], 0x80);
    assert.deepEqual(d.attrs, { dst: "10.0.0.2", lladdr: "02:00:00:00:00:02" });
  });

  it("fdb: AF_BRIDGE, NTF_SELF unless master, NOARP|PERMANENT unless a state is given (del too)", () => {
    const a = decodeNeigh(buildFdbRequest("append", {
      index: 3,
      lladdr: "00:00:00:00:00:00",
      dst: "10.0.0.2",
      vni: 7,
      port: 4790,
    }));
    assert.equal(a.header[0], 7);
    assert.equal(a.header32.getUint16(8, true), 0xc0);
    assert.equal(a.header[10], 0x02);
    assert.deepEqual(a.attrs, { dst: "10.0.0.2", lladdr: "00:00:00:00:00:00", vni: 7, port: 4790 });
    const m = decodeNeigh(buildFdbRequest("add", {
      index: 3,
      lladdr: "02:00:00:00:00:01",
      flags: "master",
      state: "static",
      vlan: 10,
    }));
    assert.equal(m.header32.getUint16(8, true), 0x42);
    assert.equal(m.header[10], 0x04);
    assert.equal(m.attrs.vlan, 10);
    const d = decodeNeigh(buildFdbRequest("del", { index: 3, lladdr: "02:00:00:00:00:01" }));
    assert.equal(d.header32.getUint16(8, true), 0xc0, "as bridge fdb del sends it");
  });

  it("dumps send NDA_IFINDEX / NDA_MASTER filters and a zeroed header", () => {
    const d = decodeNeigh(buildNeighRequest("dump", { index: 4, master: 9 }));
    assert.deepEqual(Array.from(d.header), new Array(NDMSG_SIZE).fill(0));
    assert.deepEqual(d.attrs, { ifindex: 4, master: 9 });
    // Proxy entries are dumped only when NTF_PROXY is set in the header.
    const p = decodeNeigh(buildNeighRequest("dump", { flags: ["proxy"] }));
    assert.equal(p.header[10], 0x08);
  });
});
