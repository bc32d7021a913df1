/**
 * Route encapsulation, in depth (beside iproute_route_encap.test.ts): every
 * seg6 mode and seg6local action this kernel accepts, live.
 * Route encapsulation (RTA_ENCAP_TYPE / RTA_ENCAP): seg6, seg6local, mpls,
 * ip, ip6, bpf and ioam6 as typed data. Request bytes: golden SRH and MPLS
 * label layouts checked by hand against the uapi structs, encode → decode
 * round trips of every type, bad input refused before sending. Live (in a
 * throwaway namespace), against `ip -j route` both ways, on whole routes and
 * per next hop; types this kernel refuses are skipped with its reason.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ArgumentError, type IPRoute, NetlinkError, type RouteEncap } from "../mod.ts";
import { formatHex } from "../core/address.ts";
import { RT_ROUTE_STRUCTS } from "../core/tables/rt_route.ts";
import { buildRouteRequest } from "../iproute/route/request.ts";
import { decodeEncap, encodeEncap } from "../iproute/route/encap.ts";
import { decodeMultipath } from "../iproute/route/multipath.ts";
import { SETS } from "../iproute/registry.ts";
import { ip, ipJson, skipReason, testTmpDir } from "./helpers.ts";
import {
  type Decoded,
  decodeRequest,
  linkMap,
  live,
  vethWithAddresses,
  withIPRoute,
} from "./iproute_util.ts";

const RTMSG = RT_ROUTE_STRUCTS.rtmsg.size;

/** `spec` encoded (RTA_ENCAP, RTA_ENCAP_TYPE) and decoded back. */
function roundTrip(spec: RouteEncap | Record<string, unknown>): RouteEncap {
  const b = encodeEncap(spec as RouteEncap);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const len = dv.getUint16(0, true);
  assert.equal(dv.getUint16(2, true) & 0x3fff, 22, "RTA_ENCAP first");
  const typeAt = ((len + 3) & ~3) + 4;
  assert.equal(dv.getUint16(typeAt - 2, true), 21, "then RTA_ENCAP_TYPE");
  return decodeEncap(dv.getUint16(typeAt, true), b, 4, len);
}

/** The payload of RTA_ENCAP of a decoded request, with its type. */
function encapOf(d: Decoded): [number, Uint8Array] {
  return [d.attrs.encapType as number, d.attrs.encap as Uint8Array];
}

describe("IPRoute route encap: request bytes", () => {
  it("writes seg6 encap as seg6_iptunnel_encap + ipv6_sr_hdr (golden, by hand)", () => {
    const d = decodeRequest(
      buildRouteRequest("add", {
        dst: "fc00:1::/64",
        oif: 2,
        encap: { type: "seg6", mode: "encap", segments: ["fc00::1", "fc00::2"] },
      }),
      RTMSG,
      SETS.route,
    );
    const [type, payload] = encapOf(d);
    assert.equal(type, 5); // LWTUNNEL_ENCAP_SEG6
    assert.equal(
      formatHex(payload),
      [
        "30000100", // SEG6_IPTUNNEL_SRH (1), 48 bytes: 4 + 8 + 2 × 16
        "01000000", // mode: int, host order, SEG6_IPTUN_MODE_ENCAP (1)
        // ipv6_sr_hdr: nexthdr 0, hdrlen 4 ((8 + 32) / 8 - 1), type 4 (segment routing),
        // segments_left 1, first_segment 1, flags 0, tag 0
        "00040401",
        "01000000",
        "fc000000000000000000000000000002", // segments[0]: the last segment
        "fc000000000000000000000000000001", // segments[1]: the first visited
      ].join(""),
    );
  });

  it("writes inline mode with a zero slot for the destination, and the HMAC TLV (golden)", () => {
    const b = encodeEncap({
      type: "seg6",
      mode: "inline",
      segments: ["fc00::1"],
      hmac: 0x01020304,
    });
    assert.equal(
      formatHex(b),
      [
        "5c001680", // RTA_ENCAP (22 | NLA_F_NESTED), 92 bytes
        "58000100", // SEG6_IPTUNNEL_SRH, 88 bytes: 4 + 8 + 2 × 16 + 40
        "00000000", // SEG6_IPTUN_MODE_INLINE (0)
        // hdrlen 9 ((8 + 32 + 40) / 8 - 1), type 4, segments_left 1, first_segment 1,
        // flags SR6_FLAG1_HMAC (1 << 3), tag 0
        "00090401",
        "01080000",
        "00000000000000000000000000000000", // segments[0]: the kernel's slot
        "fc000000000000000000000000000001", // segments[1]
        // sr6_tlv_hmac: type SR6_TLV_HMAC (5), len 38, reserved 0, hmackeyid (be32), hmac[32]
        "05260000",
        "01020304",
        "00".repeat(32),
        "06001500", // RTA_ENCAP_TYPE (21)
        "05000000", // LWTUNNEL_ENCAP_SEG6, u16 + padding
      ].join(""),
    );
  });

  it("writes MPLS labels as big-endian label stack entries, S on the last (golden)", () => {
    const b = encodeEncap({ type: "mpls", labels: [100, 200, 0xfffff], ttl: 9 });
    assert.equal(
      formatHex(b),
      [
        "1c001680", // RTA_ENCAP, 28 bytes
        "10000100", // MPLS_IPTUNNEL_DST, 12 bytes: three struct mpls_label
        "00064000", // 100 << 12 (label in bits 31..12), TC 0, S 0, TTL 0
        "000c8000", // 200 << 12
        "fffff100", // 0xfffff << 12 | S (1 << 8): bottom of stack
        "05000200", // MPLS_IPTUNNEL_TTL (2): u8
        "09000000",
        "06001500",
        "01000000", // LWTUNNEL_ENCAP_MPLS
      ].join(""),
    );
  });

  it("round-trips every typed encapsulation", () => {
    const cases: [RouteEncap, RouteEncap][] = [
      [{ type: "seg6", mode: "encap", segments: ["fc00::1", "fc00::2"] }, {
        type: "seg6",
        mode: "encap",
        segments: ["fc00::1", "fc00::2"],
      }],
      [{ type: "seg6", mode: "l2encap.red", segments: ["fc00::9"], hmac: 7 }, {
        type: "seg6",
        mode: "l2encap.red",
        segments: ["fc00::9"],
        hmac: 7,
      }],
      [{ type: "seg6", mode: "inline", segments: ["fc00::1", "fc00::2"] }, {
        type: "seg6",
        mode: "inline",
        segments: ["fc00::1", "fc00::2"],
      }],
      [
        {
          type: "seg6local",
          action: "End.B6",
          srh: { segments: ["fc00::8"], hmac: 3 },
          table: 100,
          vrftable: 200,
          nh4: "10.0.0.2",
          nh6: "fd00::2",
          iif: 4,
          oif: 5,
          counters: true,
          bpf: { fd: 9, name: "prog" },
          flavors: { operations: ["psp", "usd", "next-csid"], lcblockBits: 32, lcnodeFnBits: 16 },
        },
        {
          type: "seg6local",
          action: "End.B6",
          table: 100,
          vrftable: 200,
          nh4: "10.0.0.2",
          nh6: "fd00::2",
          iif: 4,
          oif: 5,
          srh: { segments: ["fc00::8"], hmac: 3 },
          counters: { packets: 0, bytes: 0, errors: 0 },
          bpf: { fd: 9, name: "prog" },
          flavors: { operations: ["psp", "usd", "next-csid"], lcblockBits: 32, lcnodeFnBits: 16 },
        },
      ],
      [{ type: "mpls", labels: [16, 1048575] }, { type: "mpls", labels: [16, 1048575] }],
      [
        {
          type: "ip",
          id: 2n ** 63n,
          dst: "10.0.0.2",
          src: "10.0.0.1",
          ttl: 3,
          tos: 4,
          flags: ["key", "seq"],
        },
        {
          type: "ip",
          id: 2n ** 63n,
          dst: "10.0.0.2",
          src: "10.0.0.1",
          ttl: 3,
          tos: 4,
          flags: ["key", "seq"],
        },
      ],
      [
        { type: "ip6", id: 5, dst: "fd00::2", hoplimit: 3, tc: 1, flags: 1 },
        { type: "ip6", id: 5, dst: "fd00::2", hoplimit: 3, tc: 1, flags: ["csum"] },
      ],
      [
        { type: "bpf", in: { fd: 3 }, xmit: { fd: 4, name: "x.o:[xmit]" }, headroom: 16 },
        {
          type: "bpf",
          in: { fd: 3, name: "fd:3" },
          xmit: { fd: 4, name: "x.o:[xmit]" },
          headroom: 16,
        },
      ],
      [
        {
          type: "ioam6",
          mode: "auto",
          dst: "fd00::9",
          trace: { type: 0x800000, ns: 1, size: 12 },
          freq: { k: 2, n: 5 },
        },
        {
          type: "ioam6",
          trace: { type: 0x800000, ns: 1, size: 12 },
          mode: "auto",
          dst: "fd00::9",
          freq: { k: 2, n: 5 },
        },
      ],
      [{ type: 10, data: new Uint8Array([8, 0, 1, 0, 7, 0, 0, 0]) }, {
        type: 10,
        data: new Uint8Array([8, 0, 1, 0, 7, 0, 0, 0]),
      }],
    ];
    for (const [spec, back] of cases) {
      assert.deepEqual(roundTrip(spec), back, JSON.stringify(spec.type));
    }
  });

  it("writes the ioam6 trace header as struct ioam6_trace_hdr (golden)", () => {
    const b = encodeEncap({ type: "ioam6", trace: { type: 0xd00000, ns: 0x1234, size: 8 } });
    // FREQ_K 1, FREQ_N 1, MODE inline (1), then TRACE: namespace_id be16, nodelen/overflow 0,
    // remlen (low 7 bits) = size / 4, type_be32 = type << 8.
    assert.ok(
      formatHex(b).includes("0c000300" + "1234" + "00" + "02" + "d0000000"),
      formatHex(b),
    );
  });

  it("encodes and decodes an encapsulation per next hop of a multipath route", () => {
    const d = decodeRequest(
      buildRouteRequest("add", {
        dst: "fc00:a::/64",
        multipath: [
          {
            gateway: "fd00::2",
            oif: 2,
            encap: { type: "seg6", mode: "encap", segments: ["fc00::1"] },
          },
          { gateway: "fd00::3", oif: 2, encap: { type: "mpls", labels: [300] } },
          { gateway: "fd00::4", oif: 2 },
        ],
      }),
      RTMSG,
      SETS.route,
    );
    const mp = d.attrs.multipath as Uint8Array;
    const hops = decodeMultipath(mp, new DataView(mp.buffer, mp.byteOffset), 0, mp.length);
    assert.deepEqual(hops.map((h) => [h.gateway, h.encap]), [
      ["fd00::2", { type: "seg6", mode: "encap", segments: ["fc00::1"] }],
      ["fd00::3", { type: "mpls", labels: [300] }],
      ["fd00::4", undefined],
    ]);
  });

  it("refuses bad input with an ArgumentError naming the argument, before sending", () => {
    const bad: [unknown, string, RegExp?][] = [
      [{ type: "gre" }, "encap.type", /seg6local/],
      [{ type: "ila" }, "encap.type", /no typed form of ila/],
      [{ type: "seg6", mode: "encap", segments: ["fc00::1", "10.0.0.1"] }, "encap.segments[1]"],
      [{ type: "seg6", mode: "encap", segments: ["nope"] }, "encap.segments[0]"],
      [{ type: "seg6", mode: "encap" }, "encap.segments"],
      [{ type: "seg6", mode: "encap", segments: [] }, "encap.segments"],
      [{ type: "seg6", segments: ["fc00::1"] }, "encap.mode"],
      [{ type: "seg6", mode: "tunnel", segments: ["fc00::1"] }, "encap.mode", /encap\.red/],
      [{ type: "seg6", mode: "encap", segments: ["fc00::1"], hmac: 0 }, "encap.hmac"],
      [{ type: "seg6", mode: "encap", segments: ["fc00::1"], segs: [] }, "encap.segs"],
      [{ type: "mpls", labels: [1 << 20] }, "encap.labels[0]", /1048575/],
      [{ type: "mpls", labels: [] }, "encap.labels"],
      [{ type: "mpls", labels: [1], ttl: 256 }, "encap.ttl"],
      [{ type: "seg6local", action: "End.Q" }, "encap.action", /End\.DT46/],
      [{ type: "seg6local" }, "encap.action"],
      [{ type: "seg6local", action: "End.X", nh6: "10.0.0.1" }, "encap.nh6"],
      [{ type: "seg6local", action: "End.B6", srh: { segments: ["x"] } }, "encap.srh.segments[0]"],
      [
        { type: "seg6local", action: "End", flavors: { operations: ["fast"] } },
        "encap.flavors.operations[0]",
      ],
      [{ type: "ip", dst: "fd00::1" }, "encap.dst"],
      [{ type: "ip", flags: ["sticky"] }, "encap.flags[0]"],
      [{ type: "ip6", hoplimit: 300 }, "encap.hoplimit"],
      [{ type: "bpf" }, "encap"],
      [{ type: "bpf", in: { pinned: "/sys/fs/bpf/x" } }, "encap.in.pinned"],
      [{ type: "bpf", xmit: { fd: 3 }, headroom: 257 }, "encap.headroom"],
      [{ type: "ioam6", trace: { type: 1, ns: 1, size: 6 } }, "encap.trace.size"],
      [{ type: "ioam6", mode: "encap", trace: { type: 1, ns: 1, size: 8 } }, "encap.dst"],
      [{ type: 9 }, "encap.data"],
      ["seg6", "encap"],
    ];
    for (const [encap, argument, message] of bad) {
      assert.throws(
        () => buildRouteRequest("add", { dst: "fc00::/64", oif: 1, encap } as never),
        (e: unknown) => {
          assert.ok(e instanceof ArgumentError, String(e));
          assert.equal(e.argument, argument, e.message);
          if (message) assert.match(e.message, message);
          return true;
        },
      );
    }
    assert.throws(
      () =>
        buildRouteRequest("add", {
          dst: "fc00::/64",
          multipath: [{ oif: 1 }, { oif: 1, encap: { type: "mpls", labels: [-1] } }],
        }),
      (e: unknown) => e instanceof ArgumentError && e.argument === "multipath[1].encap.labels[0]",
    );
  });
});

// -- live ---------------------------------------------------------------------

/** An `ip -j route` entry (or next hop). */
// deno-lint-ignore no-explicit-any
type IpJ = any;

/**
 * `ip -j route show …` parsed. ip prints an encapsulation's fields in the
 * route's own object, before its gateway and device, so that encap ip's
 * `dst`/`src` and seg6local's `table` repeat the route's keys (JSON.parse
 * would keep the route's): inside that stretch they are renamed `encap_*`.
 */
function ipRoutes(args: string[], ns: string): IpJ[] {
  const text = ip(["-j", ...args], ns).trim();
  if (!text) return [];
  return JSON.parse(
    text.replace(
      /"encap":"[^"]+".*?(?="gateway":|"dev":|\}$)/g,
      (part) => part.replace(/"(dst|src|table)":/g, '"encap_$1":'),
    ),
  );
}

/** ip's JSON encap fields in nlroute's terms (the oracle's names mapped explicitly). */
function fromIp(j: IpJ, names: Map<string, number>): Record<string, unknown> | undefined {
  const drop = (o: Record<string, unknown>) => JSON.parse(JSON.stringify(o));
  switch (j.encap) {
    case undefined:
      return undefined;
    case "seg6": {
      const segs: string[] = j.segs;
      return drop({
        type: "seg6",
        mode: j.mode,
        // ip shows inline mode's zero slot (segment 0) last.
        segments: j.mode === "inline" ? segs.slice(0, -1) : segs,
        hmac: j.hmac === undefined ? undefined : Number(j.hmac),
      });
    }
    case "seg6local":
      return drop({
        type: "seg6local",
        action: j.action,
        table: j.encap_table === undefined ? undefined : Number(j.encap_table),
        vrftable: j.vrftable === undefined ? undefined : Number(j.vrftable),
        nh4: j.nh4,
        nh6: j.nh6,
        iif: j.iif === undefined ? undefined : names.get(j.iif),
        oif: j.oif === undefined ? undefined : names.get(j.oif),
        srh: j.srh && {
          segments: j.action === "End.B6" ? j.srh.segs.slice(0, -1) : j.srh.segs,
          hmac: j.srh.hmac === undefined ? undefined : Number(j.srh.hmac),
        },
        counters: j.stats64 && {
          packets: j.stats64.packets,
          bytes: j.stats64.bytes,
          errors: j.stats64.errors,
        },
      });
    case "ip":
    case "ip6":
      return drop({
        type: j.encap,
        id: j.id,
        src: j.encap_src,
        dst: j.encap_dst,
        ttl: j.ttl,
        tos: j.tos,
        hoplimit: j.hoplimit,
        tc: j.tc,
        flags: ["csum", "key", "seq"].filter((f) => j[f] === true),
      });
    case "bpf":
      return drop({
        type: "bpf",
        in: j.in && { name: j.in },
        out: j.out && { name: j.out },
        xmit: j.xmit && { name: j.xmit },
      });
    default:
      return { type: j.encap };
  }
}

/** nlroute's encap in the same terms (what ip 6.1 shows; empty flags as ip's none). */
function fromNl(e: RouteEncap | undefined): Record<string, unknown> | undefined {
  if (e === undefined) return undefined;
  const o = JSON.parse(JSON.stringify(e, (_, v) => typeof v === "bigint" ? Number(v) : v));
  // ip 6.1 prints neither the flavors nor the xmit headroom in JSON.
  delete o.flavors;
  delete o.headroom;
  if ((o.type === "ip" || o.type === "ip6") && o.flags === undefined) o.flags = [];
  return o;
}

/** Every route of `family` with an encapsulation (on the route or a next hop), as ip and nlroute show it. */
async function bothViews(ipr: IPRoute, ns: string, family: 4 | 6) {
  const names = linkMap(ns);
  const fam = family === 4 ? "-4" : "-6";
  const oracle = ipRoutes(["-s", fam, "route", "show", "table", "all"], ns)
    .filter((j) => j.encap !== undefined || j.nexthops?.some((n: IpJ) => n.encap !== undefined))
    .map((j) => ({
      dst: j.dst.includes("/") ? j.dst : `${j.dst}/${family === 4 ? 32 : 128}`,
      encap: fromIp(j, names),
      hops: j.nexthops?.map((n: IpJ) => [n.gateway, fromIp(n, names) ?? null]),
    }));
  const ours = (await ipr.getRoutes({ family: family === 4 ? "inet" : "inet6" }))
    .filter((r) => r.encap !== undefined || r.multipath?.some((h) => h.encap !== undefined))
    .map((r) => ({
      dst: r.dst,
      encap: fromNl(r.encap),
      hops: r.multipath?.map((h) => [h.gateway, fromNl(h.encap) ?? null]),
    }));
  const key = (x: { dst: string }) => x.dst;
  const sort = <T extends { dst: string }>(a: T[]) =>
    [...a].sort((x, y) => key(x).localeCompare(key(y)));
  return {
    oracle: JSON.parse(JSON.stringify(sort(oracle))),
    ours: JSON.parse(JSON.stringify(sort(ours))),
  };
}

/** Runs `add`; a refusal by the kernel skips the test with its reason. */
async function orSkip(
  t: { skip(reason: string): void },
  what: string,
  add: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await add();
    return true;
  } catch (e) {
    if (!(e instanceof NetlinkError)) throw e;
    t.skip(
      skipReason(
        `this kernel refuses ${what} route encap: ${e.code}${e.extack ? ` (${e.extack})` : ""}`,
      ) as string,
    );
    return false;
  }
}

describe("IPRoute route encap (live)", live, () => {
  it("seg6: every mode, added by nlroute, read by ip", async () => {
    await withIPRoute(async (ipr, ns) => {
      vethWithAddresses(ns);
      const modes = ["encap", "inline", "l2encap", "encap.red", "l2encap.red"] as const;
      for (const [i, mode] of modes.entries()) {
        await ipr.route("add", {
          dst: `fc00:${i + 1}::/64`,
          oif: "v0",
          encap: { type: "seg6", mode, segments: ["fc00::1", "fc00::2"] },
        });
      }
      await ipr.route("add", {
        dst: "fc00:9::/64",
        oif: "v0",
        encap: { type: "seg6", mode: "encap", segments: ["fc00::7"], hmac: 0x1f },
      });
      await ipr.route("add", {
        dst: "10.30.0.0/16",
        oif: "v0",
        encap: { type: "seg6", mode: "encap", segments: ["fc00::5"] },
      });
      const j = ipJson(["-6", "route", "show", "fc00:1::/64"], ns)[0];
      assert.equal(j.encap, "seg6");
      assert.equal(j.mode, "encap");
      assert.deepEqual(j.segs, ["fc00::1", "fc00::2"]);
      assert.deepEqual(ipJson(["-6", "route", "show", "fc00:2::/64"], ns)[0].segs, [
        "fc00::1",
        "fc00::2",
        "::",
      ]);
      assert.equal(ipJson(["-6", "route", "show", "fc00:9::/64"], ns)[0].hmac, "0x1f");
      for (const family of [4, 6] as const) {
        const { oracle, ours } = await bothViews(ipr, ns, family);
        assert.ok(oracle.length > 0);
        assert.deepEqual(ours, oracle);
      }
      const [r] = await ipr.getRoutes({ family: "inet", dst: "10.30.0.0/16" });
      assert.deepEqual(r!.encap, { type: "seg6", mode: "encap", segments: ["fc00::5"] });
      assert.deepEqual((r!.toJSON() as { encap: unknown }).encap, r!.encap);
    });
  });

  it("seg6 and seg6local: added by ip, read by nlroute", async () => {
    await withIPRoute(async (ipr, ns) => {
      vethWithAddresses(ns);
      const lines = [
        "-6 route add fc00:1::/64 encap seg6 mode encap segs fc00::1,fc00::2,fc00::3 dev v0",
        "-6 route add fc00:2::/64 encap seg6 mode inline segs fc00::1 dev v0",
        "-6 route add fc00:3::/64 encap seg6 mode l2encap segs fc00::1 hmac 9 dev v0",
        "-6 route add fc00:f::1/128 encap seg6local action End dev v0",
        "-6 route add fc00:f::2/128 encap seg6local action End.X nh6 fd00::2 dev v0",
        "-6 route add fc00:f::3/128 encap seg6local action End.DT6 table 100 dev v0",
        "-6 route add fc00:f::4/128 encap seg6local action End.B6.Encaps srh segs fc00::9,fc00::8 dev v0",
        "-6 route add fc00:f::5/128 encap seg6local action End.B6 srh segs fc00::9 dev v0",
        "-6 route add fc00:f::6/128 encap seg6local action End count dev v0",
        "-6 route add fc00:f::7/128 encap seg6local action End.DX2 oif v1 dev v0",
        "-6 route add fc00:f::8/128 encap seg6local action End.DX4 nh4 10.0.0.2 dev v0",
      ];
      for (const l of lines) ip(l.split(" "), ns);
      const { oracle, ours } = await bothViews(ipr, ns, 6);
      assert.equal(oracle.length, lines.length);
      assert.deepEqual(ours, oracle);
      const [r] = await ipr.getRoutes({ family: "inet6", dst: "fc00:f::6/128" });
      assert.deepEqual(r!.encap, {
        type: "seg6local",
        action: "End",
        counters: { packets: 0, bytes: 0, errors: 0 },
      });
    });
  });

  it("seg6local: every accepted action added by nlroute, read by ip (interface names resolved)", async () => {
    await withIPRoute(async (ipr, ns) => {
      vethWithAddresses(ns);
      const encaps: RouteEncap[] = [
        { type: "seg6local", action: "End" },
        { type: "seg6local", action: "End.X", nh6: "fd00::2" },
        { type: "seg6local", action: "End.T", table: 100 },
        { type: "seg6local", action: "End.DX2", oif: "v1" },
        { type: "seg6local", action: "End.DX6", nh6: "fd00::2" },
        { type: "seg6local", action: "End.DX4", nh4: "10.0.0.2" },
        { type: "seg6local", action: "End.DT6", table: 100 },
        { type: "seg6local", action: "End.B6", srh: { segments: ["fc00::9", "fc00::8"] } },
        { type: "seg6local", action: "End.B6.Encaps", srh: { segments: ["fc00::7"], hmac: 4 } },
        { type: "seg6local", action: "End", counters: true },
        {
          type: "seg6local",
          action: "End",
          flavors: { operations: ["next-csid"], lcblockBits: 32, lcnodeFnBits: 16 },
        },
      ];
      for (const [i, encap] of encaps.entries()) {
        await ipr.route("add", { dst: `fc00:f::${i + 1}/128`, oif: "v0", encap });
      }
      const { oracle, ours } = await bothViews(ipr, ns, 6);
      assert.equal(oracle.length, encaps.length);
      assert.deepEqual(ours, oracle);
      const text = ip(["-6", "route", "show", "fc00:f::11/128"], ns);
      assert.match(text, /flavors next-csid lblen 32 nflen 16/);
      const [flv] = await ipr.getRoutes({ family: "inet6", dst: "fc00:f::11/128" });
      assert.deepEqual(flv!.encap, encaps[10]);
    });
  });

  it("ip and ip6 tunnel metadata: both ways", async () => {
    await withIPRoute(async (ipr, ns) => {
      vethWithAddresses(ns);
      await ipr.route("add", {
        dst: "10.40.0.0/16",
        oif: "v0",
        encap: { type: "ip", id: 5, dst: "10.0.0.2", ttl: 3, tos: 8, flags: ["key", "csum"] },
      });
      await ipr.route("add", {
        dst: "fc00:40::/64",
        oif: "v0",
        encap: { type: "ip6", id: 2n ** 40n, dst: "fd00::2", src: "fd00::1", hoplimit: 7, tc: 1 },
      });
      ip("route add 10.41.0.0/16 encap ip id 77 dst 10.0.0.9 ttl 9 seq dev v0".split(" "), ns);
      ip(
        "-6 route add fc00:41::/64 encap ip6 id 6 dst fd00::9 hoplimit 2 tc 4 dev v0".split(" "),
        ns,
      );
      const j = ipRoutes(["route", "show", "10.40.0.0/16"], ns)[0];
      assert.deepEqual([j.encap, j.id, j.encap_dst, j.ttl, j.tos, j.key, j.csum], [
        "ip",
        5,
        "10.0.0.2",
        3,
        8,
        true,
        true,
      ]);
      for (const family of [4, 6] as const) {
        const { oracle, ours } = await bothViews(ipr, ns, family);
        assert.equal(oracle.length, 2);
        assert.deepEqual(ours, oracle);
      }
      const [r] = await ipr.getRoutes({ family: "inet", dst: "10.41.0.0/16" });
      assert.deepEqual(r!.encap, {
        type: "ip",
        id: 77,
        dst: "10.0.0.9",
        src: "0.0.0.0",
        ttl: 9,
        tos: 0,
        flags: ["seq"],
      });
    });
  });

  it("multipath with an encapsulation per next hop: both ways", async () => {
    await withIPRoute(async (ipr, ns) => {
      vethWithAddresses(ns);
      await ipr.route("add", {
        dst: "fc00:a::/64",
        multipath: [
          {
            gateway: "fd00::2",
            oif: "v0",
            encap: { type: "seg6", mode: "encap", segments: ["fc00::1"] },
          },
          {
            gateway: "fd00::3",
            oif: "v0",
            encap: { type: "seg6", mode: "encap", segments: ["fc00::2", "fc00::3"] },
          },
        ],
      });
      await ipr.route("add", {
        dst: "10.20.0.0/16",
        multipath: [
          { gateway: "10.0.0.2", encap: { type: "seg6", mode: "encap", segments: ["fc00::4"] } },
          { gateway: "10.0.0.3", encap: { type: "ip", id: 7, dst: "10.0.0.9" } },
          { gateway: "10.0.0.4" },
        ],
      });
      ip(
        ("-6 route add fc00:b::/64 nexthop encap seg6 mode encap segs fc00::5 via fd00::4 dev v0 " +
          "nexthop encap seg6 mode l2encap segs fc00::6,fc00::7 via fd00::5 dev v0").split(" "),
        ns,
      );
      ip(
        ("route add 10.21.0.0/16 nexthop encap ip id 8 dst 10.0.0.8 via 10.0.0.5 " +
          "nexthop via 10.0.0.6").split(" "),
        ns,
      );
      const j = ipJson(["-6", "route", "show", "fc00:a::/64"], ns)[0];
      assert.deepEqual(j.nexthops.map((n: IpJ) => [n.encap, n.segs]), [
        ["seg6", ["fc00::1"]],
        ["seg6", ["fc00::2", "fc00::3"]],
      ]);
      for (const family of [4, 6] as const) {
        const { oracle, ours } = await bothViews(ipr, ns, family);
        assert.equal(oracle.length, 2);
        assert.deepEqual(ours, oracle);
      }
      const [r] = await ipr.getRoutes({ family: "inet6", dst: "fc00:b::/64" });
      assert.deepEqual(r!.multipath!.map((h) => h.encap), [
        { type: "seg6", mode: "encap", segments: ["fc00::5"] },
        { type: "seg6", mode: "l2encap", segments: ["fc00::6", "fc00::7"] },
      ]);
    });
  });

  it("mpls: both ways where the kernel has MPLS", async (t) => {
    await withIPRoute(async (ipr, ns) => {
      vethWithAddresses(ns);
      const encap: RouteEncap = { type: "mpls", labels: [100, 200], ttl: 9 };
      if (
        !await orSkip(t, "mpls", () => ipr.route("add", { dst: "10.9.0.0/16", oif: "v0", encap }))
      ) {
        return;
      }
      const j = ipJson(["route", "show", "10.9.0.0/16"], ns)[0];
      assert.equal(j.encap, "mpls");
      assert.equal(j.dst_mpls ?? j.dst, "100/200");
      const [r] = await ipr.getRoutes({ family: "inet", dst: "10.9.0.0/16" });
      assert.deepEqual(r!.encap, encap);
    });
  });

  it("ioam6: both ways where the kernel has IOAM", async (t) => {
    await withIPRoute(async (ipr, ns) => {
      vethWithAddresses(ns);
      const encap: RouteEncap = {
        type: "ioam6",
        mode: "inline",
        trace: { type: 0x800000, ns: 1, size: 12 },
        freq: { k: 1, n: 1 },
      };
      if (
        !await orSkip(t, "ioam6", () => ipr.route("add", { dst: "fc00:8::/64", oif: "v0", encap }))
      ) {
        return;
      }
      assert.match(ip(["-6", "route", "show", "fc00:8::/64"], ns), /encap ioam6/);
      const [r] = await ipr.getRoutes({ family: "inet6", dst: "fc00:8::/64" });
      assert.deepEqual(r!.encap, encap);
    });
  });

  it("bpf: a program loaded by ip, read by nlroute", async (t) => {
    // ip loads programs from object files: one llc compiles from a one-line program.
    const dir = testTmpDir();
    const ll = join(dir, "lwt.ll");
    const obj = join(dir, "lwt.o");
    writeFileSync(
      ll,
      'target triple = "bpf"\n@_license = global [4 x i8] c"GPL\\00", section "license", align 1\n' +
        'define i32 @pass(i8* %ctx) section "lwt_xmit" {\n  ret i32 0\n}\n',
    );
    if (spawnSync("llc", ["-march=bpf", "-filetype=obj", ll, "-o", obj]).status !== 0) {
      t.skip(skipReason("no llc to compile a BPF program for ip to load") as string);
      return;
    }
    await withIPRoute(async (ipr, ns) => {
      vethWithAddresses(ns);
      const add = spawnSync("ip", [
        "-n",
        ns,
        ..."route add 10.50.0.0/16 encap bpf xmit obj".split(" "),
        obj,
        ..."section lwt_xmit headroom 8 dev v0".split(" "),
      ], { encoding: "utf8" });
      if (add.status !== 0) {
        t.skip(skipReason(`this kernel refuses bpf route encap: ${add.stderr.trim()}`) as string);
        return;
      }
      const { oracle, ours } = await bothViews(ipr, ns, 4);
      assert.equal(oracle.length, 1);
      assert.deepEqual(ours, oracle);
      const [r] = await ipr.getRoutes({ family: "inet", dst: "10.50.0.0/16" });
      // The kernel reports the program's name only (bpf_fill_encap_info: no headroom, no fd).
      assert.deepEqual(r!.encap, { type: "bpf", xmit: { name: "lwt.o:[lwt_xmit]" } });
      execFileSync("ip", ["-n", ns, "route", "del", "10.50.0.0/16"]);
    });
  });
});
