/**
 * The filter kinds matchall, flower, bpf, basic, fw and route and the actions
 * police, skbedit, pedit, vlan and csum: requests decoded back through the
 * generated tables, golden bytes for flower keys and struct tc_pedit_sel /
 * struct tc_police checked by hand against the uapi layouts, typed options
 * round-tripped, bad values refused naming the argument. Live, each kind is
 * probed with tc in a throwaway namespace: accepted ones are added by
 * nlroute and compared with `tc -s -d filter show`; refused ones are
 * skipped with the kernel's reason.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { ArgumentError, NetlinkError } from "../mod.ts";
import { NetlinkSocket } from "../core/socket.ts";
import { SETS } from "../iproute/registry.ts";
import { buildFilterRequest } from "../iproute/tc/request.ts";
import { FILTER_KINDS } from "../iproute/tc/filters.ts";
import { ACTION_KINDS, decodeAction } from "../iproute/tc/actions.ts";
import { decodePeditSel, encodePeditSel } from "../iproute/tc/actions_more.ts";
import { txTime } from "../iproute/tc/units.ts";
import { libc } from "../ffi/libc.ts";
import {
  createTestNetns,
  ip,
  isRoot,
  removeTestNetns,
  runtime,
  skipReason,
  testTmpDir,
  withTestNetns,
} from "./helpers.ts";
import { decodeRequest, withIPRoute } from "./iproute_util.ts";
import { loadLwtProgram } from "./bpf_util.ts";

type Json = Record<string, unknown>;
/** sizeof(struct tcmsg). */
const TCMSG = 20;

function decoded(spec: Json): { header: DataView; options: Json } {
  const d = decodeRequest(buildFilterRequest("add", spec), TCMSG, SETS.tc);
  return { header: d.header32, options: d.attrs.options as Json };
}

/** The bytes of TCA_OPTIONS' payload in the compiled request (after tcmsg and TCA_KIND). */
function optionsPayload(spec: Json): Uint8Array {
  const b = NetlinkSocket.compile([buildFilterRequest("add", spec)]);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let o = 16 + TCMSG; o < b.length;) {
    const len = dv.getUint16(o, true);
    if ((dv.getUint16(o + 2, true) & 0x3fff) === 2) return b.slice(o + 4, o + len);
    o += (len + 3) & ~3;
  }
  throw new Error("no TCA_OPTIONS");
}

/** The options of the nth action of a decoded filter. */
const act = (options: Json, i = 0): Json => (options.act as Json[])[i]!;

/** `fn` throws an ArgumentError naming `argument`. */
function refuses(fn: () => unknown, argument: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ArgumentError, String(e));
    assert.match((e as Error).message, new RegExp(`"${argument.replace(/[.[\]]/g, "\\$&")}"`));
    return true;
  });
}

const BASE = { index: 2, parent: "ingress", prio: 10 };

describe("tc filter kinds: requests through the tables", () => {
  it("matchall: classid, skip flags, actions", () => {
    const { options } = decoded({
      ...BASE,
      kind: "matchall",
      classid: "1:10",
      skipHw: true,
      actions: [{ kind: "gact", action: "drop" }],
    });
    assert.equal(options.classid, 0x10010);
    assert.equal(options.flags, 1);
    assert.equal(act(options).kind, "gact");
    assert.deepEqual(FILTER_KINDS.matchall!.decode(options), { classid: "1:10", skipHw: true });
  });

  it("flower: keys with masks, as f_flower.c sends them", () => {
    const spec = {
      ...BASE,
      kind: "flower",
      protocol: "ip",
      dstMac: "02:00:00:00:00:01",
      srcMac: "02:00:00:00:00:00/24",
      ipProto: "tcp",
      srcIp: "10.1.0.0/16",
      dstIp: "10.2.0.0/255.255.0.255",
      srcPort: "1000-2000",
      dstPort: [0x50, 0xfff0],
      tcpFlags: "0x02/0x12",
      ipTos: [0x10, 0xfc],
      ipTtl: 64,
      ctState: "+trk-new+est",
      classid: "1:2",
      skipSw: true,
    };
    const { options } = decoded(spec);
    assert.equal(options.keyEthType, 0x0800);
    assert.equal(options.keyEthDst, "02:00:00:00:00:01");
    assert.equal(options.keyEthDstMask, "ff:ff:ff:ff:ff:ff");
    assert.equal(options.keyEthSrcMask, "ff:ff:ff:00:00:00");
    assert.equal(options.keyIpProto, 6);
    assert.equal(options.keyIpv4Src, 0x0a010000);
    assert.equal(options.keyIpv4SrcMask, 0xffff0000);
    assert.equal(options.keyIpv4DstMask, 0xffff00ff);
    assert.deepEqual([options.keyPortSrcMin, options.keyPortSrcMax], [1000, 2000]);
    assert.deepEqual([options.keyTcpDst, options.keyTcpDstMask], [0x50, 0xfff0]);
    assert.deepEqual([options.keyTcpFlags, options.keyTcpFlagsMask], [2, 0x12]);
    assert.deepEqual([options.keyIpTos, options.keyIpTosMask], [0x10, 0xfc]);
    assert.deepEqual([options.keyIpTtl, options.keyIpTtlMask], [64, 0xff]);
    // TCA_FLOWER_KEY_CT_FLAGS_TRACKED (8) | ESTABLISHED (2), masked with NEW (1) too.
    assert.deepEqual([options.keyCtState, options.keyCtStateMask], [10, 11]);
    assert.equal(options.flags, 2);
    assert.deepEqual(FILTER_KINDS.flower!.decode(options), {
      classid: "1:2",
      ethType: "ip",
      dstMac: "02:00:00:00:00:01",
      srcMac: "02:00:00:00:00:00/24",
      ipProto: "tcp",
      srcIp: "10.1.0.0/16",
      dstIp: "10.2.0.0/255.255.0.255",
      srcPort: { min: 1000, max: 2000 },
      dstPort: [0x50, 0xfff0],
      tcpFlags: [2, 0x12],
      ipTos: [0x10, 0xfc],
      ipTtl: 64,
      ctState: "+trk-new+est",
      skipSw: true,
    });
  });

  it("flower: VLAN keys (the id in host order, as the kernel reads it) and IPv6 inside the tag", () => {
    const { options } = decoded({
      ...BASE,
      kind: "flower",
      protocol: "802.1Q",
      vlanId: 0x123,
      vlanPrio: 5,
      vlanEthType: "ipv6",
      dstIp: "2001:db8::/32",
      ipProto: "udp",
      dstPort: 53,
    });
    const payload = optionsPayload({ ...BASE, kind: "flower", protocol: "802.1Q", vlanId: 0x123 });
    // TCA_FLOWER_KEY_VLAN_ID (23): the u16 in host (here little-endian) order.
    assert.deepEqual([...payload.slice(0, 6)], [6, 0, 23, 0x40, 0x23, 0x01]);
    assert.equal(options.keyEthType, 0x8100);
    assert.equal(options.keyVlanEthType, 0x86dd);
    assert.equal(options.keyIpv6Dst, "2001:db8::");
    assert.equal(options.keyIpv6DstMask, "ffff:ffff::");
    assert.equal(options.keyUdpDst, 53);
    assert.deepEqual(FILTER_KINDS.flower!.decode(options), {
      ethType: "802.1Q",
      vlanId: 0x123,
      vlanPrio: 5,
      vlanEthType: "ipv6",
      ipProto: "udp",
      dstIp: "2001:db8::/32",
      dstPort: 53,
    });
  });

  it("flower: golden bytes of a few keys (pkt_cls.h TCA_FLOWER_* numbers)", () => {
    const payload = optionsPayload({
      ...BASE,
      kind: "flower",
      protocol: "ip",
      ipProto: "tcp",
      dstIp: "10.0.0.0/8",
      dstPort: 80,
    });
    // nla_len, nla_type (big-endian values carry NLA_F_NET_BYTEORDER, 0x4000,
    // which the kernel masks off), payload, padding to 4.
    assert.deepEqual([...payload], [
      ...[5, 0, 9, 0, 6, 0, 0, 0], // TCA_FLOWER_KEY_IP_PROTO = 9: IPPROTO_TCP
      ...[8, 0, 12, 0x40, 10, 0, 0, 0], // TCA_FLOWER_KEY_IPV4_DST = 12: 10.0.0.0
      ...[8, 0, 13, 0x40, 0xff, 0, 0, 0], // TCA_FLOWER_KEY_IPV4_DST_MASK = 13: /8
      ...[6, 0, 19, 0x40, 0, 80, 0, 0], // TCA_FLOWER_KEY_TCP_DST = 19: 80, big-endian
      ...[8, 0, 22, 0, 0, 0, 0, 0], // TCA_FLOWER_FLAGS = 22: 0 (tc sends it always)
      ...[6, 0, 8, 0x40, 0x08, 0x00, 0, 0], // TCA_FLOWER_KEY_ETH_TYPE = 8: ETH_P_IP, big-endian
    ]);
  });

  it("bpf: classic bytecode, classid, direct-action", () => {
    const { options } = decoded({
      ...BASE,
      kind: "bpf",
      protocol: "ip",
      bytecode: "4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0",
      classid: "1:5",
      da: true,
      skipHw: true,
    });
    assert.equal(options.opsLen, 4);
    const ops = options.ops as Uint8Array;
    assert.equal(ops.length, 32);
    // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k } in host order: the second, 21 0 1 2048.
    assert.deepEqual([...ops.slice(8, 16)], [21, 0, 0, 1, 0x00, 0x08, 0, 0]);
    assert.equal(options.flags, 1); // TCA_BPF_FLAG_ACT_DIRECT
    assert.equal(options.flagsGen, 1); // TCA_CLS_FLAGS_SKIP_HW
    assert.deepEqual(FILTER_KINDS.bpf!.decode(options), {
      classid: "1:5",
      bytecode: "4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0",
      da: true,
      skipHw: true,
    });
    const insns = decoded({
      ...BASE,
      kind: "bpf",
      bytecode: [{ code: 6, jt: 0, jf: 0, k: 0xffff }],
    });
    assert.equal(FILTER_KINDS.bpf!.decode(insns.options).bytecode, "1,6 0 0 65535");
  });

  it("bpf: an eBPF descriptor with a name; pinned paths only through IPRoute", () => {
    const { options } = decoded({ ...BASE, kind: "bpf", fd: 7, name: "cls", da: true });
    assert.deepEqual([options.fd, options.name, options.flags], [7, "cls", 1]);
    refuses(
      () => buildFilterRequest("add", { ...BASE, kind: "bpf", pinned: "/sys/fs/bpf/x" }),
      "pinned",
    );
    refuses(
      () => buildFilterRequest("add", { ...BASE, kind: "bpf", fd: 3, bytecode: "1,6 0 0 0" }),
      "fd",
    );
    refuses(() => buildFilterRequest("add", { ...BASE, kind: "bpf" }), "bytecode");
    refuses(
      () => buildFilterRequest("add", { ...BASE, kind: "bpf", bytecode: "2,6 0 0 0" }),
      "bytecode",
    );
  });

  it("basic: classid and raw ematches", () => {
    const ematches = { treeHdr: { nmatches: 0, progid: 0 } };
    const { options } = decoded({ ...BASE, kind: "basic", classid: "1:3", ematches });
    assert.equal(options.classid, 0x10003);
    assert.deepEqual(options.ematches, ematches);
    assert.deepEqual(FILTER_KINDS.basic!.decode(options), { classid: "1:3", ematches });
  });

  it("fw: the handle is the mark (tc's hex), the mask", () => {
    const { header, options } = decoded({
      ...BASE,
      kind: "fw",
      handle: "0x10",
      mask: 0xff,
      classid: "1:1",
    });
    assert.equal(header.getUint32(8, true), 0x10); // tcm_handle
    assert.deepEqual([options.classid, options.mask], [0x10001, 0xff]);
    assert.deepEqual(FILTER_KINDS.fw!.decode(options), { classid: "1:1", mask: 0xff });
    assert.equal(FILTER_KINDS.fw!.formatHandle!(0x10), "0x10");
    refuses(() => buildFilterRequest("add", { ...BASE, kind: "fw", handle: "ten" }), "handle");
  });

  it("route: realms and the incoming interface", () => {
    const { options } = decoded({ ...BASE, kind: "route", to: 10, from: 2, classid: "1:4" });
    assert.deepEqual([options.to, options.from, options.classid], [10, 2, 0x10004]);
    assert.deepEqual(FILTER_KINDS.route!.decode(options), { classid: "1:4", to: 10, from: 2 });
    refuses(() => buildFilterRequest("add", { ...BASE, kind: "route", to: 256 }), "to");
    refuses(() => buildFilterRequest("add", { ...BASE, kind: "route", from: 1, iif: 2 }), "iif");
  });

  it("refuses bad flower values naming the argument, before anything is sent", () => {
    const f = { ...BASE, kind: "flower" };
    refuses(() => buildFilterRequest("add", { ...f, ipProto: "tcp" }), "ipProto");
    refuses(() => buildFilterRequest("add", { ...f, protocol: "ip", vlanId: 5 }), "vlanId");
    refuses(() => buildFilterRequest("add", { ...f, protocol: "802.1Q", vlanId: 4096 }), "vlanId");
    refuses(() => buildFilterRequest("add", { ...f, protocol: "ip", dstPort: 80 }), "dstPort");
    refuses(
      () => buildFilterRequest("add", { ...f, protocol: "ip", dstIp: "2001:db8::1" }),
      "dstIp",
    );
    refuses(
      () => buildFilterRequest("add", { ...f, protocol: "ip", ipProto: "icmpv6" }),
      "ipProto",
    );
    refuses(() => buildFilterRequest("add", { ...f, dstMac: "02:00" }), "dstMac");
    refuses(() => buildFilterRequest("add", { ...f, tcpFlags: 0x1000 }), "tcpFlags");
    refuses(() => buildFilterRequest("add", { ...f, ctState: "+trk+bogus" }), "ctState");
    refuses(
      () =>
        buildFilterRequest("add", { ...f, protocol: "ip", ipProto: "tcp", srcPort: "2000-1000" }),
      "srcPort",
    );
  });
});

describe("tc actions: police, skbedit, pedit, vlan, csum", () => {
  const carrier = { ...BASE, kind: "matchall" };

  it("police: tc_police golden bytes (rate spec, burst in ticks), its rate table and verdicts", () => {
    const { options } = decoded({
      ...carrier,
      actions: [{ kind: "police", rate: "1mbit", burst: "10kb", exceed: "drop", conform: "pipe" }],
    });
    const a = act(options);
    const o = a.options as Json;
    assert.equal((o.rate as Uint8Array).length, 1024); // TCA_POLICE_RATE: 256 u32 slots
    assert.equal(o.result, 3); // TCA_POLICE_RESULT: TC_ACT_PIPE
    const payload = optionsPayload({
      ...carrier,
      actions: [{ kind: "police", rate: 125000, burst: 10240, exceed: "drop" }],
    });
    // Inside TCA_MATCHALL_ACT (8 + 4 bytes of headers to the action's nest),
    // TCA_ACT_KIND "police" (12), TCA_ACT_OPTIONS' header (4), then TCA_POLICE_TBF.
    const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    let at = -1;
    for (let i = 0; i + 4 <= payload.length; i++) {
      if (dv.getUint16(i, true) === 4 + 56 && dv.getUint16(i + 2, true) === 1) at = i + 4;
    }
    assert.ok(at > 0, "TCA_POLICE_TBF of 56 bytes");
    const le32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
    assert.deepEqual([...payload.slice(at, at + 56)], [
      ...le32(0), // index
      ...le32(2), // action: TC_ACT_SHOT
      ...le32(0), // limit
      ...le32(txTime(10240, 125000)), // burst: psched ticks of 10240 bytes at the rate
      ...le32(0), // mtu
      3,
      1,
      0,
      0,
      0xff,
      0xff,
      0,
      0,
      ...le32(125000), // rate: cell_log 3, ethernet, overhead 0, cell_align -1, mpu 0, rate
      ...new Array(12).fill(0), // peakrate: none
      ...le32(0), // refcnt
      ...le32(0), // bindcnt
      ...le32(0), // capab
    ]);
    assert.deepEqual(ACTION_KINDS.police!.decode(o), {
      rate: 125000,
      burst: 10240,
      exceed: "drop",
      conform: "pipe",
    });
  });

  it("police: peakrate needs mtu, rate needs burst, avrate alone", () => {
    const { options } = decoded({
      ...carrier,
      actions: [{
        kind: "police",
        rate: 125000,
        burst: 10240,
        peakrate: 250000,
        mtu: 1500,
        overhead: 4,
        linklayer: "atm",
      }],
    });
    const o = act(options).options as Json;
    assert.equal((o.peakrate as Uint8Array).length, 1024);
    assert.deepEqual(ACTION_KINDS.police!.decode(o), {
      rate: 125000,
      burst: 10240,
      mtu: 1500,
      peakrate: 250000,
      exceed: "reclassify",
      conform: "pass",
      overhead: 4,
      linklayer: "atm",
    });
    const av = act(decoded({ ...carrier, actions: [{ kind: "police", avrate: "8kbit" }] }).options);
    assert.equal((av.options as Json).avrate, 1000);
    const p = (x: Json) => () =>
      buildFilterRequest("add", { ...carrier, actions: [{ kind: "police", ...x }] });
    refuses(p({ rate: "1mbit" }), "actions[0].burst");
    refuses(p({ rate: "1mbit", burst: 1000, peakrate: "2mbit" }), "actions[0].mtu");
    refuses(p({ rate: "1mbit", burst: 1000, avrate: "1mbit" }), "actions[0].avrate");
    refuses(p({ burst: 1000 }), "actions[0].rate");
    refuses(p({ rate: "fast", burst: 1000 }), "actions[0].rate");
    refuses(p({ rate: "1mbit", burst: 1000, exceed: "explode" }), "actions[0].exceed");
  });

  it("skbedit: priority, queue, mark with mask, ptype, inheritdsfield", () => {
    const { options } = decoded({
      ...carrier,
      actions: [{
        kind: "skbedit",
        priority: "1:10",
        queueMapping: 3,
        mark: 0x10,
        markMask: 0xff,
        ptype: "otherhost",
        inheritdsfield: true,
      }],
    });
    const o = act(options).options as Json;
    assert.deepEqual(
      [o.priority, o.queueMapping, o.mark, o.mask, o.ptype, o.flags],
      [0x10010, 3, 0x10, 0xff, 3, 32n], // PACKET_OTHERHOST, SKBEDIT_F_INHERITDSFIELD
    );
    assert.equal((o.parms as Json).action, 3); // pipe
    assert.deepEqual(ACTION_KINDS.skbedit!.decode(o), {
      action: "pipe",
      priority: "1:10",
      queueMapping: 3,
      mark: 0x10,
      markMask: 0xff,
      ptype: "otherhost",
      inheritdsfield: true,
    });
    const s = (x: Json) => () =>
      buildFilterRequest("add", { ...carrier, actions: [{ kind: "skbedit", ...x }] });
    refuses(s({}), "actions[0].priority");
    refuses(s({ ptype: "elsewhere" }), "actions[0].ptype");
    refuses(s({ markMask: 1 }), "actions[0].markMask");
    refuses(s({ queueMapping: 70000 }), "actions[0].queueMapping");
  });

  it("vlan: pop, push (protocol big-endian on the wire), modify", () => {
    const { options } = decoded({
      ...carrier,
      actions: [
        { kind: "vlan", op: "pop" },
        { kind: "vlan", op: "push", id: 100, protocol: "802.1ad", priority: 3 },
        { kind: "vlan", op: "modify", id: 7 },
      ],
    });
    const [pop, push, mod] = [0, 1, 2].map((i) => act(options, i).options as Json);
    assert.deepEqual((pop!.parms as Json).vAction, 1);
    assert.deepEqual(ACTION_KINDS.vlan!.decode(pop), { op: "pop", action: "pipe" });
    assert.deepEqual(ACTION_KINDS.vlan!.decode(push), {
      op: "push",
      action: "pipe",
      id: 100,
      protocol: "802.1ad",
      priority: 3,
    });
    assert.deepEqual(ACTION_KINDS.vlan!.decode(mod), { op: "modify", action: "pipe", id: 7 });
    // The attribute's bytes: 0x88a8 in network order.
    const payload = optionsPayload({
      ...carrier,
      actions: [{ kind: "vlan", op: "push", id: 1, protocol: "802.1ad" }],
    });
    const hex = [...payload].map((b) => b.toString(16).padStart(2, "0")).join("");
    assert.ok(hex.includes("0600040088a8"), "TCA_VLAN_PUSH_VLAN_PROTOCOL (4) = 88 a8");
    const v = (x: Json) => () =>
      buildFilterRequest("add", { ...carrier, actions: [{ kind: "vlan", ...x }] });
    refuses(v({ op: "push" }), "actions[0].id");
    refuses(v({ op: "pop", id: 3 }), "actions[0].id");
    refuses(v({ op: "push", id: 3, protocol: "ip" }), "actions[0].protocol");
    refuses(v({ op: "swap" }), "actions[0].op");
  });

  it("csum: update flags by name", () => {
    const { options } = decoded({
      ...carrier,
      actions: [{ kind: "csum", update: ["ip4h", "tcp", "udp"] }],
    });
    const o = act(options).options as Json;
    assert.equal((o.parms as Json).updateFlags, 1 | 8 | 16);
    assert.deepEqual(ACTION_KINDS.csum!.decode(o), {
      update: ["ip4h", "tcp", "udp"],
      action: "pass",
    });
    refuses(
      () =>
        buildFilterRequest("add", {
          ...carrier,
          actions: [{ kind: "csum", update: ["tcp", "ip9"] }],
        }),
      "actions[0].update[1]",
    );
  });

  it("pedit: tc_pedit_sel and tc_pedit_key bytes by hand (tc_pedit.h)", () => {
    const sel = encodePeditSel(2, [{
      offset: 12,
      value: 0x0a000001,
      mask: 0,
      at: 0,
      offmask: 0,
      shift: 0,
    }], "keys");
    assert.deepEqual([...sel], [
      ...[0, 0, 0, 0], // index
      ...[0, 0, 0, 0], // capab
      ...[2, 0, 0, 0], // action: TC_ACT_SHOT
      ...[0, 0, 0, 0], // refcnt
      ...[0, 0, 0, 0], // bindcnt
      1,
      0,
      0,
      0, // nkeys 1, flags 0, padding to the keys' u32s
      ...[0, 0, 0, 0], // mask: no bit kept
      ...[10, 0, 0, 1], // val: 10.0.0.1 as the packet holds it
      ...[12, 0, 0, 0], // off 12: the IPv4 source
      ...[0, 0, 0, 0], // at
      ...[0, 0, 0, 0], // offmask
      ...[0, 0, 0, 0], // shift
    ]);
    assert.deepEqual(decodePeditSel(sel).keys, [{ offset: 12, value: 0x0a000001, mask: 0 }]);
  });

  it("pedit: raw keys in PARMS, typed munges in PARMS_EX with KEYS_EX", () => {
    const raw = act(
      decoded({
        ...carrier,
        actions: [{ kind: "pedit", keys: [{ offset: 8, value: 0x40000000, mask: 0x00ffffff }] }],
      })
        .options,
    );
    assert.ok((raw.options as Json).parms instanceof Uint8Array);
    assert.deepEqual(decodeAction(raw).keys, [{ offset: 8, value: 0x40000000, mask: 0x00ffffff }]);
    const ex = act(
      decoded({
        ...carrier,
        actions: [{
          kind: "pedit",
          munge: [{ ip4: { src: "10.0.0.9", ttl: "dec" } }, { tcp: { dport: 8080 } }, {
            eth: { dst: "02:00:00:00:00:02" },
          }],
        }],
      }).options,
    );
    const o = ex.options as Json;
    assert.ok(o.parmsEx instanceof Uint8Array && o.keysEx instanceof Uint8Array);
    assert.deepEqual(ACTION_KINDS.pedit!.decode(o), {
      action: "pass",
      keys: [
        { offset: 12, value: 0x0a000009, mask: 0, htype: "ip4" },
        { offset: 8, value: 0xff000000, mask: 0x00ffffff, htype: "ip4", cmd: "add" },
        { offset: 0, value: 8080, mask: 0xffff0000, htype: "tcp" },
        { offset: 0, value: 0x02000000, mask: 0, htype: "eth" },
        { offset: 4, value: 0x00020000, mask: 0x0000ffff, htype: "eth" },
      ],
    });
    const p = (x: Json) => () =>
      buildFilterRequest("add", { ...carrier, actions: [{ kind: "pedit", ...x }] });
    refuses(p({}), "actions[0].keys");
    refuses(p({ keys: [{ offset: 2, value: 0, mask: 0 }] }), "actions[0].keys[0].offset");
    refuses(p({ munge: [{ ip4: { src: "2001:db8::1" } }] }), "actions[0].munge[0].ip4.src");
    refuses(p({ munge: [{ ip4: { flags: 1 } }] }), "actions[0].munge[0].ip4.flags");
  });
});

// ---- live ----

/** A namespace with a veth pair a0/a1 (a0 up) and a clsact qdisc on a0, made by ip and tc. */
function scene(ns: string): void {
  ip(["link", "add", "a0", "type", "veth", "peer", "name", "a1"], ns);
  ip(["link", "set", "a0", "up"], ns);
  tc(ns, ["qdisc", "add", "dev", "a0", "clsact"]);
}

function tc(ns: string, args: string[]): string {
  const r = spawnSync("tc", ["-n", ns, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tc ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

const probed = new Map<string, string | false>();
/** Whether this kernel takes `tc filter add dev a0 ingress … ARGS` (probed once, in a throwaway namespace). */
function refusal(what: string, args: string[]): string | false {
  if (!isRoot) return skipReason("needs root for namespaces");
  const known = probed.get(what);
  if (known !== undefined) return known;
  const ns = createTestNetns();
  try {
    scene(ns);
    const r = spawnSync("tc", [
      "-n",
      ns,
      "filter",
      "add",
      "dev",
      "a0",
      "ingress",
      "protocol",
      "ip",
      "prio",
      "1",
      ...args,
    ], {
      encoding: "utf8",
    });
    const reason = r.status === 0
      ? false
      : skipReason(`this kernel has no ${what} (tc: ${r.stderr.trim().split("\n")[0]})`);
    probed.set(what, reason);
    return reason;
  } finally {
    removeTestNetns(ns);
  }
}

const CBPF = "4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0";
/** The carrier of a probed action: a classic bpf filter, the kind this kernel takes. */
const actionProbe = (words: string[]) => ["bpf", "bytecode", CBPF, "action", ...words];

/** The filter's text as `tc -s -d filter show dev a0 ingress` prints it. */
const shown = (ns: string) => tc(ns, ["-s", "-d", "filter", "show", "dev", "a0", "ingress"]);

/** Adds a filter with nlroute, checks tc's text and nlroute's own dump. */
function liveFilter(
  what: string,
  probe: string[],
  spec: Json,
  expectText: RegExp[],
  expectOptions: Json,
) {
  it(
    `${what}: added by nlroute, shown by tc`,
    { skip: refusal(what, probe) },
    () =>
      withIPRoute(async (ipr, ns) => {
        scene(ns);
        await ipr.filter(
          "add",
          { index: "a0", parent: "ingress", protocol: "ip", prio: 10, ...spec } as never,
        );
        const text = shown(ns);
        for (const re of expectText) assert.match(text, re);
        const f = (await ipr.getFilters({ index: "a0", parent: "ingress" })).find((x) =>
          x.handleId !== 0
        );
        assert.ok(f, "nlroute dumps the filter");
        for (const [k, v] of Object.entries(expectOptions)) {
          assert.deepEqual((f!.options as Json)[k], v, k);
        }
      }),
  );
}

describe("tc filter kinds live (a throwaway namespace, tc as the oracle)", () => {
  liveFilter("matchall filters", ["matchall"], { kind: "matchall", classid: "1:7" }, [
    /matchall/,
    /flowid 1:7/,
  ], {
    classid: "1:7",
  });
  liveFilter(
    "flower filters",
    ["flower", "ip_proto", "tcp"],
    {
      kind: "flower",
      ipProto: "tcp",
      dstIp: "10.0.0.0/8",
      dstPort: 80,
      ipTtl: [64, 0xf0],
      skipHw: true,
    },
    [
      /eth_type ipv4/,
      /ip_proto tcp/,
      /dst_ip 10\.0\.0\.0\/8/,
      /dst_port 80/,
      /ip_ttl 64\/0xf0/,
      /skip_hw/,
    ],
    { ipProto: "tcp", dstIp: "10.0.0.0/8", dstPort: 80, ipTtl: [64, 0xf0], skipHw: true },
  );
  liveFilter(
    "basic filters",
    ["basic"],
    { kind: "basic", classid: "1:3" },
    [/basic/, /flowid 1:3/],
    {
      classid: "1:3",
    },
  );
  liveFilter(
    "fw filters",
    ["fw"],
    { kind: "fw", handle: 0x10, mask: 0xff, classid: "1:4" },
    [/handle 0x10\/0xff/, /classid 1:4/],
    { classid: "1:4", mask: 0xff },
  );
  liveFilter("route filters", ["route", "to", "1"], { kind: "route", to: 10, classid: "1:6" }, [
    /to 10/,
    /classid 1:6/,
  ], {
    to: 10,
    classid: "1:6",
  });
  liveFilter(
    "classic bpf filters",
    ["bpf", "bytecode", CBPF],
    {
      kind: "bpf",
      bytecode: CBPF,
      classid: "1:5",
      actions: [{ kind: "mirred", mode: "redirect", dev: "a1" }],
    },
    [
      new RegExp(`bytecode '${CBPF}'`),
      /flowid 1:5/,
      /mirred \(Egress Redirect to device a1\) stolen/,
    ],
    { bytecode: CBPF, classid: "1:5" },
  );

  it("eBPF bpf filters by descriptor: direct-action and the name, as tc shows them", {
    skip: refusal("classic bpf filters", ["bpf", "bytecode", CBPF]) || ebpfMissing(),
  }, () =>
    withIPRoute(async (ipr, ns) => {
      scene(ns);
      const fd = loadLwtProgram("nlr_cls", "SCHED_CLS");
      try {
        await ipr.filter("add", {
          index: "a0",
          parent: "ingress",
          protocol: "all",
          prio: 3,
          kind: "bpf",
          fd,
          name: "nlr_cls",
          da: true,
        });
      } finally {
        libc().close(fd);
      }
      const text = shown(ns);
      assert.match(text, /bpf chain 0 handle 0x1 nlr_cls direct-action/);
      assert.match(text, /tag [0-9a-f]{16}/);
      const f = (await ipr.getFilters({ index: "a0", parent: "ingress" })).find((x) =>
        x.handleId !== 0
      );
      assert.deepEqual([(f!.options as Json).name, (f!.options as Json).da], ["nlr_cls", true]);
    }));

  it(
    "opens pinned bpf programs for the request (in a private mount namespace with its own bpf fs)",
    {
      skip: refusal("classic bpf filters", ["bpf", "bytecode", CBPF]) || ebpfMissing(),
    },
    async () => {
      await withTestNetns((ns) => {
        scene(ns);
        const dir = join(testTmpDir(), `bpffs-${ns}`);
        mkdirSync(dir, { recursive: true });
        const root = new URL("..", import.meta.url).pathname;
        const script = join(testTmpDir(), `pinned-filter-${ns}.ts`);
        writeFileSync(
          script,
          `import process from "node:process";
import { IPRoute, SyscallError } from "${root}mod.ts";
import { loadLwtProgram } from "${root}tests/bpf_util.ts";
import { bpfObjPin } from "${root}ffi/bpf.ts";
import { libc } from "${root}ffi/libc.ts";
const [ns, dir] = process.argv.slice(-2);
const fd = loadLwtProgram("nlr_pin", "SCHED_CLS");
bpfObjPin(fd, dir + "/nlr_pin");
libc().close(fd);
await using ipr = await IPRoute.open({ netns: ns });
await ipr.filter("add", { index: "a0", parent: "ingress", prio: 4, kind: "bpf", pinned: dir + "/nlr_pin", da: true });
try {
  await ipr.filter("add", { index: "a0", parent: "ingress", prio: 5, kind: "bpf", pinned: dir + "/nope" });
  console.log("no error");
} catch (e) {
  console.log(e instanceof SyscallError ? e.code : String(e));
}
`,
        );
        const run = runtime === "deno"
          ? ["run", "-A", "--quiet", script, ns, dir]
          : [script, ns, dir];
        const r = spawnSync("unshare", [
          "-m",
          "--propagation",
          "private",
          "sh",
          "-c",
          `mount -t bpf bpf "${dir}" && exec "$0" "$@"`,
          process.execPath,
          ...run,
        ], { encoding: "utf8", timeout: 60_000 });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(r.stdout.trim().split("\n"), ["ENOENT"]);
        const text = shown(ns);
        assert.match(text, /pref 4 bpf chain 0 handle 0x1 nlr_pin direct-action/);
        assert.doesNotMatch(text, /pref 5/, "nothing sent for a missing pin");
      });
    },
  );

  const liveAction = (
    what: string,
    probe: string[],
    action: Json,
    expectText: RegExp[],
    expect: Json,
  ) =>
    it(`${what}: added by nlroute on a bpf filter, shown by tc`, {
      skip: refusal(what, actionProbe(probe)),
    }, () =>
      withIPRoute(async (ipr, ns) => {
        scene(ns);
        await ipr.filter("add", {
          index: "a0",
          parent: "ingress",
          protocol: "ip",
          prio: 10,
          kind: "bpf",
          bytecode: CBPF,
          actions: [action],
        } as never);
        const text = shown(ns);
        for (const re of expectText) assert.match(text, re);
        const f = (await ipr.getFilters({ index: "a0", parent: "ingress" })).find((x) =>
          x.handleId !== 0
        );
        const got = f!.actions[0]!;
        for (const [k, v] of Object.entries(expect)) assert.deepEqual(got[k], v, k);
      }));

  liveAction(
    "police actions",
    ["police", "rate", "1mbit", "burst", "10k"],
    { kind: "police", rate: "1mbit", burst: "10kb", exceed: "drop", conform: "pipe" },
    [/police 0x\w+ rate 1Mbit burst 10Kb/, /action drop\/pipe/],
    { rate: 125000, burst: 10240, exceed: "drop", conform: "pipe" },
  );
  liveAction(
    "skbedit actions",
    ["skbedit", "mark", "1"],
    { kind: "skbedit", mark: 5, markMask: 0xff, priority: "1:2" },
    [/skbedit/, /priority :2|priority 1:2/, /mark 5\/0xff/],
    { mark: 5, markMask: 0xff, priority: "1:2" },
  );
  liveAction(
    "pedit actions",
    ["pedit", "munge", "ip", "ttl", "set", "1"],
    { kind: "pedit", munge: [{ ip4: { ttl: 1 } }] },
    [/pedit/, /key #0\s+at 8: val 01000000 mask 00ffffff/],
    { keys: [{ offset: 8, value: 0x01000000, mask: 0x00ffffff, htype: "ip4" }] },
  );
  liveAction(
    "vlan actions",
    ["vlan", "pop"],
    { kind: "vlan", op: "push", id: 100, protocol: "802.1ad", priority: 2 },
    [/vlan\s+push id 100 protocol 802.1ad priority 2/],
    { op: "push", id: 100, protocol: "802.1ad", priority: 2 },
  );
  liveAction(
    "csum actions",
    ["csum", "ip4h"],
    { kind: "csum", update: ["ip4h", "tcp"] },
    [/csum \(iph, tcp\)/],
    { update: ["ip4h", "tcp"] },
  );

  it("a kind the kernel refuses is refused for nlroute's request too, with nothing added", {
    skip: isRoot ? false : skipReason("needs root for namespaces"),
  }, () =>
    withIPRoute(async (ipr, ns) => {
      scene(ns);
      const refused = ["matchall", "flower", "basic", "fw", "route"].filter((k) =>
        refusal(
          `${k} filters`,
          k === "route"
            ? ["route", "to", "1"]
            : k === "flower"
            ? ["flower", "ip_proto", "tcp"]
            : [k],
        )
      );
      if (refused.length === 0) return;
      for (const kind of refused) {
        await assert.rejects(
          ipr.filter(
            "add",
            { index: "a0", parent: "ingress", protocol: "ip", prio: 10, kind } as never,
          ),
          (e: unknown) => e instanceof NetlinkError,
          kind,
        );
      }
      assert.equal(shown(ns).trim(), "", "nothing added");
    }));
});

let ebpfProbe: string | false | undefined;
/** Whether an eBPF classifier program can be loaded here (probed once). */
function ebpfMissing(): string | false {
  if (ebpfProbe !== undefined) return ebpfProbe;
  try {
    libc().close(loadLwtProgram("nlr_probe", "SCHED_CLS"));
    ebpfProbe = false;
  } catch (e) {
    ebpfProbe = skipReason(`cannot load a BPF program here (${(e as Error).message})`);
  }
  return ebpfProbe;
}
