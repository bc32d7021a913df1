/**
 * Route encapsulation (RTA_ENCAP / RTA_ENCAP_TYPE): seg6, seg6local and ip
 * tunnel keys live in throwaway namespaces, both ways against `ip -j route`
 * (routes added by nlroute and read by ip, added by ip and read by nlroute),
 * per next hop in multipath, bpf with programs the test loads (ip reads them
 * back; ip itself loads programs only from object files); the types this
 * kernel refuses (mpls, ioam6) probed live and skipped with the kernel's
 * answer, their bytes checked: encode → decode round trips and golden bytes
 * against the uapi layouts (struct seg6_iptunnel_encap + ipv6_sr_hdr,
 * struct mpls_label).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { ArgumentError, NetlinkError, type RouteEncap } from "../mod.ts";
import { decodeEncap, encodeEncap } from "../iproute/route/encap.ts";
import { LWTUNNEL_ENCAP, LWTUNNEL_STRUCTS } from "../core/tables/lwtunnel.ts";
import { decodeRouteDump, encodeRouteDump, routeSpecOf } from "../mod.ts";
import { ip, ipJson, runtime, skipReason, testName, testTmpDir, withTestNetns } from "./helpers.ts";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { live, withIPRoute } from "./iproute_util.ts";
import { lines, nlroute, ok } from "./cli_util.ts";
import { loadLwtProgram } from "./bpf_util.ts";
import { libc } from "../ffi/libc.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** A veth v0 (up, fc00::10/64 and 10.0.0.1/24) for routes to point at. */
function scene(ns: string): void {
  ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
  ip(["link", "set", "v0", "up"], ns);
  ip(["link", "set", "v1", "up"], ns);
  ip(["-6", "addr", "add", "fc00::10/64", "dev", "v0", "nodad"], ns);
  ip(["addr", "add", "10.0.0.1/24", "dev", "v0"], ns);
}

/** The RTA_ENCAP payload of `encodeEncap`'s bytes (RTA_ENCAP nest first, RTA_ENCAP_TYPE after). */
function split(bytes: Uint8Array): { type: number; payload: Uint8Array } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let type = -1;
  let payload: Uint8Array = new Uint8Array();
  for (let o = 0; o + 4 <= bytes.length;) {
    const len = dv.getUint16(o, true);
    const t = dv.getUint16(o + 2, true) & 0x3fff;
    if (t === 21) type = dv.getUint16(o + 4, true);
    if (t === 22) payload = bytes.subarray(o + 4, o + len);
    o += (len + 3) & ~3;
  }
  return { type, payload };
}

/** encode → decode: the typed form a spec comes back as. */
function roundTrip(spec: RouteEncap): RouteEncap {
  const { type, payload } = split(encodeEncap(spec));
  return decodeEncap(type, payload, 0, payload.length);
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** Whether this kernel takes routes with encapsulation `words` (probed once each). */
const probes = new Map<string, string | false>();
function encapMissing(kind: string, words: string[]): string | false {
  const known = probes.get(kind);
  if (known !== undefined) return known;
  const ns = testName(`encap-${kind}`);
  spawnSync("ip", ["netns", "add", ns]);
  spawnSync("ip", ["-n", ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
  spawnSync("ip", ["-n", ns, "link", "set", "v0", "up"]);
  const r = spawnSync("ip", ["-n", ns, ...words, "dev", "v0"], { encoding: "utf8" });
  spawnSync("ip", ["netns", "del", ns]);
  const reason = r.status === 0 ? false : skipReason(
    `this kernel has no ${kind} route encapsulation (${r.stderr.trim().split("\n")[0]})`,
  );
  probes.set(kind, reason);
  return reason;
}

/** Why a BPF program cannot be loaded here, if it cannot (probed once). */
let bpfProbe: string | false | undefined;
function bpfMissing(): string | false {
  if (bpfProbe !== undefined) return bpfProbe;
  try {
    libc().close(loadLwtProgram("nlr_probe"));
    bpfProbe = false;
  } catch (e) {
    bpfProbe = skipReason(`cannot load a BPF program here (${(e as Error).message})`);
  }
  return bpfProbe;
}

describe("route encapsulation bytes", () => {
  it("writes seg6 as struct seg6_iptunnel_encap + ipv6_sr_hdr, segments last-first", () => {
    assert.deepEqual(LWTUNNEL_STRUCTS.ipv6SrHdr.size, 8);
    const bytes = encodeEncap({ type: "seg6", mode: "encap", segments: ["fc00::1", "fc00::2"] });
    const { type, payload } = split(bytes);
    assert.equal(type, LWTUNNEL_ENCAP.SEG6);
    // SEG6_IPTUNNEL_SRH (1), len 4 + 4 + 8 + 32: mode ENCAP (1); the SRH: next header 0,
    // hdrlen 4 (8-byte units after the first 8), type 4, segments left 1, first segment 1,
    // flags 0, tag 0; segments[0] = the last visited (fc00::2), segments[1] = fc00::1.
    assert.equal(
      hex(payload),
      "30000100" + "01000000" + "00" + "04" + "04" + "01" + "01" + "00" + "0000" +
        "fc000000000000000000000000000002" + "fc000000000000000000000000000001",
    );
    // HMAC: SR6_FLAG1_HMAC in flags and an HMAC TLV (type 5, len 38, key id big-endian).
    const h = split(encodeEncap({ type: "seg6", mode: "encap", segments: ["fc00::1"], hmac: 7 }))
      .payload;
    assert.equal(h[4 + 4 + 5], 0x08, "flags: HMAC");
    const tlv = 4 + 4 + 8 + 16;
    assert.equal(hex(h.subarray(tlv, tlv + 8)), "0526" + "0000" + "00000007");
  });

  it("writes MPLS labels as struct mpls_label words, S on the last", () => {
    const { type, payload } = split(encodeEncap({ type: "mpls", labels: [100, 200], ttl: 9 }));
    assert.equal(type, LWTUNNEL_ENCAP.MPLS);
    // MPLS_IPTUNNEL_DST (1): 100 << 12, then 200 << 12 | S (1 << 8); MPLS_IPTUNNEL_TTL (2): 9.
    assert.equal(hex(payload), "0c000100" + "00064000" + "000c8100" + "05000200" + "09000000");
  });

  it("decodes what it encodes, for every typed encapsulation", () => {
    const specs: RouteEncap[] = [
      { type: "seg6", mode: "encap", segments: ["fc00::1", "fc00::2"] },
      { type: "seg6", mode: "inline", segments: ["fc00::5"] },
      { type: "seg6", mode: "l2encap", segments: ["fc00::1"], hmac: 9 },
      { type: "seg6local", action: "End" },
      { type: "seg6local", action: "End.DT6", table: 100 },
      { type: "seg6local", action: "End.X", nh6: "fc00::9" },
      { type: "seg6local", action: "End.DX4", nh4: "10.0.0.9" },
      { type: "seg6local", action: "End.B6", srh: { segments: ["fc00::7", "fc00::8"] } },
      { type: "mpls", labels: [100, 200, 300] },
      { type: "mpls", labels: [16], ttl: 64 },
      { type: "ip", id: 5, dst: "10.0.0.9", src: "10.0.0.1", ttl: 64, tos: 0, flags: ["key"] },
      { type: "ip6", id: 6, dst: "fc00::9", hoplimit: 10, tc: 1 },
      { type: "ioam6", mode: "inline", trace: { type: 0x800000, ns: 1, size: 12 } },
      { type: "bpf", in: { fd: 5, name: "prog_in" }, xmit: { fd: 6, name: "x" }, headroom: 10 },
    ];
    for (const s of specs) {
      const back = roundTrip(s) as unknown as Record<string, unknown>;
      for (const [k, v] of Object.entries(s)) {
        assert.deepEqual(back[k], v, `${JSON.stringify(s)}: ${k}`);
      }
    }
    // Raw: a type nlroute has no form for keeps its number and bytes.
    const raw = roundTrip({ type: 99, data: new Uint8Array([4, 0, 1, 0]) });
    assert.equal((raw as { type: unknown }).type, 99);
  });

  it("refuses bad encapsulations before sending, naming the argument", () => {
    const bad: [unknown, RegExp][] = [
      [{ type: "nope" }, /"encap.type"|"encap"/],
      [{ type: "seg6", mode: "encap", segments: [] }, /segments/],
      [{ type: "seg6", mode: "encap" }, /segments/],
      [{ type: "seg6", mode: "encap", segments: ["10.0.0.1"] }, /segments\[0\]/],
      [{ type: "seg6", mode: "sideways", segments: ["fc00::1"] }, /mode/],
      [{ type: "seg6local", action: "End.Nope" }, /action/],
      [{ type: "mpls", labels: [1 << 20] }, /labels\[0\]/],
      [{ type: "mpls", labels: [] }, /labels/],
      [{ type: "seg6", mode: "encap", segments: ["fc00::1"], colour: 1 }, /colour/],
    ];
    for (const [spec, arg] of bad) {
      assert.throws(
        () => encodeEncap(spec as RouteEncap),
        (e: unknown) => e instanceof ArgumentError && arg.test(e.message),
        JSON.stringify(spec),
      );
    }
  });
});

describe("route encapsulation (live)", live, () => {
  it("adds seg6 and seg6local routes ip shows as it shows its own", async () => {
    await withIPRoute(async (ipr, ns) => {
      scene(ns);
      await ipr.route("add", {
        dst: "fc00:1::/64",
        oif: "v0",
        encap: { type: "seg6", mode: "encap", segments: ["fc00::1", "fc00::2"] },
      });
      await ipr.route("add", {
        dst: "fc00:4::/64",
        oif: "v0",
        encap: { type: "seg6", mode: "encap", segments: ["fc00::3"], hmac: 7 },
      });
      await ipr.route("add", {
        dst: "fc00:3::/64",
        oif: "v0",
        encap: { type: "seg6", mode: "inline", segments: ["fc00::5"] },
      });
      await ipr.route("add", {
        dst: "fc00:2::1/128",
        oif: "v0",
        encap: { type: "seg6local", action: "End" },
      });
      await ipr.route("add", {
        dst: "fc00:2::2/128",
        oif: "v0",
        encap: { type: "seg6local", action: "End.DT6", table: 254 },
      });
      await ipr.route("add", {
        dst: "fc00:2::3/128",
        oif: "v0",
        encap: { type: "seg6local", action: "End.X", nh6: "fc00::9" },
      });
      const theirs = new Map(
        (ipJson(["-6", "route", "show"], ns) as Json[]).map((r) => [r.dst, r]),
      );
      const at = (dst: string) => theirs.get(dst)!;
      assert.deepEqual([at("fc00:1::/64").encap, at("fc00:1::/64").mode, at("fc00:1::/64").segs], [
        "seg6",
        "encap",
        ["fc00::1", "fc00::2"],
      ]);
      assert.equal(at("fc00:4::/64").hmac, "0x7");
      // Inline insertion: ip also lists the slot the packet's own destination takes (::).
      assert.deepEqual(at("fc00:3::/64").segs, ["fc00::5", "::"]);
      assert.deepEqual([at("fc00:2::1").encap, at("fc00:2::1").action], ["seg6local", "End"]);
      assert.deepEqual([at("fc00:2::2").action, at("fc00:2::2").table], ["End.DT6", "main"]);
      assert.deepEqual([at("fc00:2::3").action, at("fc00:2::3").nh6], ["End.X", "fc00::9"]);
      // And read back by nlroute in the shapes it took.
      const ours = new Map((await ipr.getRoutes({ family: 10 })).map((r) => [r.dst, r.encap]));
      assert.deepEqual(ours.get("fc00:3::/64"), {
        type: "seg6",
        mode: "inline",
        segments: ["fc00::5"],
      });
      assert.deepEqual(ours.get("fc00:2::2/128"), {
        type: "seg6local",
        action: "End.DT6",
        table: 254,
      });
    });
  });

  it("reads the encapsulations ip adds", async () => {
    await withIPRoute(async (ipr, ns) => {
      scene(ns);
      const add = (line: string) => ip(["-6", "route", "add", ...line.split(" "), "dev", "v0"], ns);
      add("fc00:11::/64 encap seg6 mode encap segs fc00::a,fc00::b,fc00::c");
      add("fc00:12::/64 encap seg6 mode l2encap segs fc00::a hmac 42");
      add("fc00:13::1/128 encap seg6local action End.DT6 table 100");
      add("fc00:13::2/128 encap seg6local action End.B6 srh segs fc00::d,fc00::e");
      ip("route add 10.8.0.0/16 encap ip id 5 dst 10.0.0.9 ttl 9 dev v0".split(" "), ns);
      const all = [...await ipr.getRoutes({ family: 10 }), ...await ipr.getRoutes({ family: 2 })];
      const by = new Map(all.map((r) => [r.dst, r.encap]));
      assert.deepEqual(by.get("fc00:11::/64"), {
        type: "seg6",
        mode: "encap",
        segments: ["fc00::a", "fc00::b", "fc00::c"],
      });
      assert.deepEqual(by.get("fc00:12::/64"), {
        type: "seg6",
        mode: "l2encap",
        segments: ["fc00::a"],
        hmac: 42,
      });
      assert.deepEqual(by.get("fc00:13::1/128"), {
        type: "seg6local",
        action: "End.DT6",
        table: 100,
      });
      assert.deepEqual(by.get("fc00:13::2/128"), {
        type: "seg6local",
        action: "End.B6",
        srh: { segments: ["fc00::d", "fc00::e"] },
      });
      const ipEncap = by.get("10.8.0.0/16") as unknown as Record<string, unknown>;
      assert.deepEqual([ipEncap.type, ipEncap.id, ipEncap.dst, ipEncap.ttl], [
        "ip",
        5,
        "10.0.0.9",
        9,
      ]);
      // The JSON form of a saved route keeps the encapsulation (restore takes it back).
      const saved = decodeRouteDump(encodeRouteDump(all)).find((r) => r.dst === "fc00:11::/64")!;
      assert.deepEqual(routeSpecOf(saved).encap, by.get("fc00:11::/64"));
    });
  });

  it("encapsulates per next hop in multipath", async () => {
    await withIPRoute(async (ipr, ns) => {
      scene(ns);
      await ipr.route("add", {
        dst: "fc00:7::/64",
        multipath: [
          // IPv6 multipath next hops need gateways (the kernel refuses device-only ones).
          {
            oif: "v0",
            gateway: "fc00::21",
            encap: { type: "seg6", mode: "encap", segments: ["fc00::1"] },
          },
          {
            oif: "v0",
            gateway: "fc00::20",
            encap: { type: "seg6", mode: "encap", segments: ["fc00::2"] },
          },
        ],
      });
      const theirs = (ipJson(["-6", "route", "show", "fc00:7::/64"], ns) as Json[])[0];
      const hops = theirs.nexthops as Json[];
      assert.deepEqual(hops.map((h) => [h.encap, h.segs]), [
        ["seg6", ["fc00::1"]],
        ["seg6", ["fc00::2"]],
      ]);
      const ours = (await ipr.getRoutes({ family: 10 })).find((r) => r.dst === "fc00:7::/64")!;
      assert.deepEqual(ours.multipath!.map((h) => h.encap), [
        { type: "seg6", mode: "encap", segments: ["fc00::1"] },
        { type: "seg6", mode: "encap", segments: ["fc00::2"] },
      ]);
    });
  });

  it("adds BPF-encapsulated routes by program descriptor", { skip: bpfMissing() }, async () => {
    const fds = [loadLwtProgram("nlr_in", "LWT_IN"), loadLwtProgram("nlr_xmit", "LWT_XMIT")];
    try {
      await withIPRoute(async (ipr, ns) => {
        scene(ns);
        await ipr.route("add", {
          dst: "10.6.0.0/16",
          oif: "v0",
          encap: {
            type: "bpf",
            in: { fd: fds[0]!, name: "nlr_in" },
            xmit: { fd: fds[1]!, name: "nlr_xmit" },
          },
        });
        const theirs = (ipJson(["route", "show", "10.6.0.0/16"], ns) as Json[])[0];
        assert.deepEqual([theirs.encap, theirs.in, theirs.xmit], ["bpf", "nlr_in", "nlr_xmit"]);
        const ours = (await ipr.getRoutes()).find((r) => r.dst === "10.6.0.0/16")!;
        assert.deepEqual(ours.encap, {
          type: "bpf",
          in: { name: "nlr_in" },
          xmit: { name: "nlr_xmit" },
        });
      });
    } finally {
      for (const fd of fds) libc().close(fd);
    }
  });

  it(
    "opens pinned BPF programs for the request (in a private mount namespace with its own bpf fs)",
    {
      skip: bpfMissing(),
    },
    async () => {
      await withTestNetns((ns) => {
        scene(ns);
        const dir = join(testTmpDir(), `bpffs-${ns}`);
        mkdirSync(dir, { recursive: true });
        const root = new URL("..", import.meta.url).pathname;
        const script = join(testTmpDir(), `pinned-${ns}.ts`);
        writeFileSync(
          script,
          `import process from "node:process";
import { IPRoute, SyscallError } from "${root}mod.ts";
import { loadLwtProgram } from "${root}tests/bpf_util.ts";
import { bpfObjPin } from "${root}ffi/bpf.ts";
import { libc } from "${root}ffi/libc.ts";
const [ns, dir] = process.argv.slice(-2);
const fd = loadLwtProgram("nlr_pin");
bpfObjPin(fd, dir + "/nlr_pin");
libc().close(fd);
await using ipr = await IPRoute.open({ netns: ns });
await ipr.route("add", { dst: "10.5.0.0/16", oif: "v0", encap: { type: "bpf", xmit: { pinned: dir + "/nlr_pin" } } });
try {
  await ipr.route("add", { dst: "10.4.0.0/16", oif: "v0", encap: { type: "bpf", xmit: { pinned: dir + "/nope" } } });
  console.log("no error");
} catch (e) {
  console.log(e instanceof SyscallError ? e.code : String(e));
}
try {
  ipr.batch().route("add", { dst: "10.3.0.0/16", oif: "v0", encap: { type: "bpf", xmit: { pinned: dir + "/nlr_pin" } } });
  await ipr.batch().route("add", { dst: "10.3.0.0/16", oif: "v0", encap: { type: "bpf", xmit: { pinned: dir + "/nlr_pin" } } }).send();
  console.log("batched");
} catch (e) {
  console.log(String(e).includes("pinned") ? "refused in a batch" : String(e));
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
        assert.deepEqual(r.stdout.trim().split("\n"), ["ENOENT", "refused in a batch"]);
        const theirs = (ipJson(["route", "show", "10.5.0.0/16"], ns) as Json[])[0];
        assert.deepEqual([theirs.encap, theirs.xmit], ["bpf", "nlr_pin"]);
        assert.deepEqual(
          ipJson(["route", "show", "10.4.0.0/16"], ns),
          [],
          "nothing sent for a missing pin",
        );
      });
    },
  );

  it("adds MPLS-encapsulated routes", {
    skip: encapMissing("mpls", ["route", "add", "10.9.0.0/16", "encap", "mpls", "100"]),
  }, async () => {
    await withIPRoute(async (ipr, ns) => {
      scene(ns);
      await ipr.route("add", {
        dst: "10.9.0.0/16",
        oif: "v0",
        encap: { type: "mpls", labels: [100, 200] },
      });
      const r = (ipJson(["route", "show", "10.9.0.0/16"], ns) as Json[])[0];
      assert.equal(r.encap, "mpls");
      assert.equal(r.dst, "10.9.0.0/16");
    });
  });

  it("adds ioam6-encapsulated routes", {
    skip: encapMissing("ioam6", [
      "-6",
      "route",
      "add",
      "fc00:6::/64",
      "encap",
      "ioam6",
      "trace",
      "prealloc",
      "type",
      "0x800000",
      "ns",
      "1",
      "size",
      "12",
    ]),
  }, async () => {
    await withIPRoute(async (ipr, ns) => {
      scene(ns);
      await ipr.route("add", {
        dst: "fc00:6::/64",
        oif: "v0",
        encap: { type: "ioam6", mode: "inline", trace: { type: 0x800000, ns: 1, size: 12 } },
      });
      const r = (ipJson(["-6", "route", "show", "fc00:6::/64"], ns) as Json[])[0];
      assert.equal(r.encap, "ioam6");
    });
  });

  it("answers the kernel's refusal of an encapsulation it lacks as a NetlinkError", {
    skip: encapMissing("mpls", ["route", "add", "10.9.0.0/16", "encap", "mpls", "100"])
      ? false
      : "this kernel has MPLS encapsulation (the live test covers it)",
  }, async () => {
    await withIPRoute(async (ipr, ns) => {
      scene(ns);
      await assert.rejects(
        ipr.route("add", { dst: "10.9.0.0/16", oif: "v0", encap: { type: "mpls", labels: [100] } }),
        (e: unknown) => e instanceof NetlinkError && e.code === "EOPNOTSUPP",
      );
      assert.deepEqual(ipJson(["route", "show", "10.9.0.0/16"], ns), []);
    });
  });

  it("refuses a bad encapsulation before anything is sent", async () => {
    await withTestNetns(async (ns) => {
      scene(ns);
      const before = ip(["-6", "route", "show"], ns);
      const { IPRoute } = await import("../mod.ts");
      await using ipr = await IPRoute.open({ netns: ns });
      await assert.rejects(
        ipr.route("add", {
          dst: "fc00:9::/64",
          oif: "v0",
          encap: { type: "seg6", mode: "encap", segments: ["not-an-address"] },
        }),
        (e: unknown) => e instanceof ArgumentError && /encap\.segments\[0\]/.test(e.message),
      );
      assert.equal(ip(["-6", "route", "show"], ns), before);
    });
  });
});

describe("nlroute route … encap (live)", live, () => {
  const ROUTES = [
    "route add 10.8.0.0/16 encap ip id 5 dst 10.0.0.9 ttl 9 dev v0".split(" "),
    "route add 10.7.0.0/16 encap ip id 6 dst 10.0.0.8 src 10.0.0.1 tos 16 key csum dev v0".split(
      " ",
    ),
    "-6 route add fc00:1::/64 encap seg6 mode encap segs fc00::1,fc00::2 hmac 7 dev v0".split(" "),
    "-6 route add fc00:3::/64 encap seg6 mode inline segs fc00::5 dev v0".split(" "),
    "-6 route add fc00:13::2/128 encap seg6local action End.B6 srh segs fc00::d,fc00::e dev v0"
      .split(" "),
    "-6 route add fc00:13::3/128 encap seg6local action End.DT6 table 100 dev v0".split(" "),
    "-6 route add fc00:13::4/128 encap seg6local action End.X nh6 fc00::9 dev v0".split(" "),
    "-6 route add fc00:7::/64 nexthop via fc00::20 dev v0 encap seg6 mode encap segs fc00::1 nexthop via fc00::21 encap seg6 mode inline segs fc00::2 dev v0"
      .split(" "),
    "-6 route add fc00:14::/64 encap ip6 id 7 dst fc00::9 hoplimit 5 tc 2 dev v0".split(" "),
  ];

  it("adds what ip adds with ip's words, and shows it as ip shows it (text and -j)", async () => {
    await withTestNetns(async (ours) => {
      await withTestNetns((theirs) => {
        scene(ours);
        scene(theirs);
        for (const r of ROUTES) {
          ok(ours, r);
          ip(r, theirs);
        }
        for (const fam of ["-4", "-6"]) {
          assert.deepEqual(
            ipJson([fam, "route", "show"], ours),
            ipJson([fam, "route", "show"], theirs),
            `${fam}: routes added by nlroute and by ip`,
          );
          assert.deepEqual(
            lines(ok(theirs, [fam, "route", "show"])),
            lines(ip([fam, "route", "show"], theirs)),
          );
          assert.deepEqual(
            JSON.parse(ok(theirs, ["-j", fam, "route", "show"])),
            ipJson([fam, "route", "show"], theirs),
          );
        }
      });
    });
  });

  it("refuses bad encap words before sending", async () => {
    await withTestNetns((ns) => {
      scene(ns);
      for (
        const [args, message] of [
          [
            ["route", "add", "10.9.0.0/16", "encap", "seg7", "dev", "v0"],
            /"seg7" is not an encapsulation type/,
          ],
          [
            ["route", "add", "10.9.0.0/16", "encap", "bpf", "in", "x.o", "dev", "v0"],
            /loading BPF objects/,
          ],
          [[
            "-6",
            "route",
            "add",
            "fc00:20::/64",
            "encap",
            "seg6",
            "mode",
            "encap",
            "segs",
            "10.0.0.1",
            "dev",
            "v0",
          ], /segments\[0\]/],
          [["route", "add", "10.9.0.0/16", "encap", "mpls", "1048576", "dev", "v0"], /mpls/],
        ] as [string[], RegExp][]
      ) {
        const r = nlroute(["-n", ns, ...args]);
        assert.notEqual(r.code, 0, args.join(" "));
        assert.match(r.stderr, message, args.join(" "));
      }
    });
  });
});
