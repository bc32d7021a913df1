/**
 * tc requests at the byte level, read with a hand-written attribute walker
 * (not the generated tables) against the uapi struct layouts: struct tcmsg,
 * htb's struct tc_htb_glob, tbf's struct tc_tbf_qopt (two struct tc_ratespec),
 * u32's struct tc_u32_sel with its struct tc_u32_key array, and a mirred
 * action's struct tc_mirred. (The live tests read the kernel's copy back
 * through the generated tables.)
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { NetlinkSocket, type Request } from "../core/socket.ts";
import { NLM_F } from "../core/constants.ts";
import { RTM } from "../core/tables/constants.ts";
import {
  buildFilterRequest,
  buildQdiscRequest,
  buildTclassRequest,
} from "../iproute/tc/request.ts";
import { timeToTicks, txTime } from "../iproute/tc/units.ts";

/** nlattrs of `b` from `off` to `end`: type (flags masked off) → payload. */
function walk(b: Uint8Array, off = 0, end = b.length): Map<number, Uint8Array> {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Map<number, Uint8Array>();
  while (off + 4 <= end) {
    const len = dv.getUint16(off, true);
    const type = dv.getUint16(off + 2, true) & 0x3fff;
    out.set(type, b.subarray(off + 4, off + len));
    off += (len + 3) & ~3;
  }
  return out;
}

/** The message's nlmsghdr fields, its tcmsg, and its top-level attributes. */
function message(req: Request) {
  const b = NetlinkSocket.compile([req]);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const tcm = new DataView(b.buffer, b.byteOffset + 16, 20);
  return {
    type: dv.getUint16(4, true),
    flags: dv.getUint16(6, true),
    tcm: {
      family: tcm.getUint8(0),
      ifindex: tcm.getInt32(4, true),
      handle: tcm.getUint32(8, true),
      parent: tcm.getUint32(12, true),
      info: tcm.getUint32(16, true),
    },
    attrs: walk(b, 36, dv.getUint32(0, true)),
  };
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b).replace(/\0+$/, "");

// pkt_sched.h / pkt_cls.h / rtnetlink.h numbers, written out for this check.
const TCA_KIND = 1, TCA_OPTIONS = 2;
const TCA_HTB_PARMS = 1, TCA_HTB_INIT = 2, TCA_HTB_CTAB = 3, TCA_HTB_RTAB = 4;
const TCA_TBF_PARMS = 1, TCA_TBF_RTAB = 2, TCA_TBF_BURST = 6;
const TCA_U32_CLASSID = 1, TCA_U32_SEL = 5, TCA_U32_ACT = 7;

describe("tc requests: bytes against the uapi layouts", () => {
  it("htb qdisc: tcmsg and tc_htb_glob (version 3, r2q, default)", () => {
    const m = message(buildQdiscRequest("add", {
      index: 3,
      kind: "htb",
      handle: "1:",
      default: "30",
      r2q: 7,
    }));
    assert.equal(m.type, RTM.NEWQDISC);
    assert.equal(m.flags, NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE | NLM_F.EXCL);
    assert.deepEqual(m.tcm, {
      family: 0,
      ifindex: 3,
      handle: 0x10000,
      parent: 0xffffffff,
      info: 0,
    });
    assert.equal(text(m.attrs.get(TCA_KIND)), "htb");
    const init = walk(m.attrs.get(TCA_OPTIONS)!).get(TCA_HTB_INIT)!;
    assert.equal(init.length, 20); // struct tc_htb_glob: five __u32
    const g = view(init);
    assert.deepEqual([0, 4, 8, 12, 16].map((o) => g.getUint32(o, true)), [3, 7, 0x30, 0, 0]);
  });

  it("htb class: tc_htb_opt with both rate specs and both rate tables", () => {
    const m = message(buildTclassRequest("add", {
      index: 3,
      kind: "htb",
      parent: "1:",
      classid: "1:10",
      rate: "8mbit",
      ceil: "16mbit",
      prio: 2,
    }));
    assert.equal(m.type, RTM.NEWTCLASS);
    assert.deepEqual([m.tcm.handle, m.tcm.parent], [0x10010, 0x10000]);
    const opts = walk(m.attrs.get(TCA_OPTIONS)!);
    const p = view(opts.get(TCA_HTB_PARMS)!);
    // struct tc_htb_opt: rate (tc_ratespec, 12), ceil (12), buffer, cbuffer, quantum, level, prio.
    assert.equal(p.byteLength, 44);
    assert.equal(p.getUint8(1), 1); // rate.linklayer: TC_LINKLAYER_ETHERNET
    assert.equal(p.getUint32(8, true), 1_000_000); // rate.rate, bytes/s
    assert.equal(p.getUint32(20, true), 2_000_000); // ceil.rate
    assert.equal(p.getUint32(40, true), 2); // prio
    assert.equal(opts.get(TCA_HTB_RTAB)!.length, 1024);
    assert.equal(opts.get(TCA_HTB_CTAB)!.length, 1024);
  });

  it("tbf: tc_tbf_qopt (rate spec, limit from latency, buffer in ticks), rate table, burst", () => {
    const m = message(buildQdiscRequest("add", {
      index: 4,
      kind: "tbf",
      rate: "1mbit",
      burst: "32kb",
      latency: "50ms",
    }));
    assert.deepEqual([m.tcm.ifindex, m.tcm.handle, m.tcm.parent], [4, 0, 0xffffffff]);
    const opts = walk(m.attrs.get(TCA_OPTIONS)!);
    const q = view(opts.get(TCA_TBF_PARMS)!);
    assert.equal(q.byteLength, 36); // rate (12), peakrate (12), limit, buffer, mtu
    assert.equal(q.getUint8(1), 1); // linklayer ethernet
    assert.equal(q.getUint32(8, true), 125_000); // 1mbit in bytes/s
    assert.equal(q.getUint32(20, true), 0); // no peak rate
    assert.equal(q.getUint32(24, true), 125_000 * 0.05 + 32768); // limit: latency's bytes + bucket
    assert.equal(q.getUint32(28, true), txTime(32768, 125_000)); // buffer: the bucket's time
    assert.equal(txTime(32768, 125_000), Math.ceil(timeToTicks(262_144))); // 32768 B at 125 kB/s: 262.144 ms
    assert.equal(q.getUint32(32, true), 0);
    assert.equal(opts.get(TCA_TBF_RTAB)!.length, 1024);
    assert.equal(view(opts.get(TCA_TBF_BURST)!).getUint32(0, true), 32768);
  });

  it("u32: tcm_info (prio, protocol in network order), classid, tc_u32_sel and its keys", () => {
    const m = message(buildFilterRequest("add", {
      index: 5,
      parent: "1:",
      protocol: "ip",
      prio: 7,
      kind: "u32",
      match: [{ ip: { src: "10.0.0.0/8" } }, { ip: { dport: 80 } }],
      classid: "1:10",
    }));
    assert.equal(m.type, RTM.NEWTFILTER);
    assert.equal(m.tcm.parent, 0x10000);
    assert.equal(m.tcm.info, (7 << 16) | 0x0008); // ETH_P_IP 0x0800, big-endian in the low half
    assert.equal(text(m.attrs.get(TCA_KIND)), "u32");
    const opts = walk(m.attrs.get(TCA_OPTIONS)!);
    assert.equal(view(opts.get(TCA_U32_CLASSID)!).getUint32(0, true), 0x10010);
    const sel = opts.get(TCA_U32_SEL)!;
    const s = view(sel);
    assert.equal(sel.length, 16 + 2 * 16); // struct tc_u32_sel (16) + two struct tc_u32_key
    assert.equal(s.getUint8(0), 1); // flags: TC_U32_TERMINAL (a classid)
    assert.equal(s.getUint8(2), 2); // nkeys
    // Keys: mask, val (network order), off, offmask.
    assert.deepEqual(
      [s.getUint32(16, false), s.getUint32(20, false), s.getInt32(24, true), s.getInt32(28, true)],
      [0xff000000, 0x0a000000, 12, 0],
    );
    assert.deepEqual(
      [s.getUint32(32, false), s.getUint32(36, false), s.getInt32(40, true)],
      [0x0000ffff, 0x00000050, 20],
    );
  });

  it("mirred in a filter: TCA_U32_ACT → order 1 → kind and tc_mirred", () => {
    const m = message(buildFilterRequest("add", {
      index: 5,
      parent: "ffff:",
      kind: "u32",
      match: [{ u32: [0, 0], at: 0 }],
      actions: [{ kind: "mirred", mode: "redirect", dev: 9 }],
    }));
    assert.equal(m.tcm.info & 0xffff, 0x0300); // ETH_P_ALL 0x0003, big-endian
    const acts = walk(walk(m.attrs.get(TCA_OPTIONS)!).get(TCA_U32_ACT)!);
    const first = walk(acts.get(1)!); // TCA_ACT_KIND 1, TCA_ACT_OPTIONS 2
    assert.equal(text(first.get(1)), "mirred");
    const parms = view(walk(first.get(2)!).get(2)!); // TCA_MIRRED_PARMS 2
    // struct tc_mirred: tc_gen (index, capab, action, refcnt, bindcnt), eaction, ifindex.
    assert.equal(parms.byteLength, 28);
    assert.equal(parms.getInt32(8, true), 4); // action: TC_ACT_STOLEN
    assert.equal(parms.getInt32(20, true), 1); // eaction: TCA_EGRESS_REDIR
    assert.equal(parms.getUint32(24, true), 9); // ifindex
  });
});
