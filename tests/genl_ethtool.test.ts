/**
 * Generic netlink against independent oracles: nlctrl's family list vs
 * `genl ctrl list`, ethtool on a veth vs the `ethtool` tool, netdev's dev-get
 * vs `ip -j link`, the generated command numbers vs the kernel's uapi headers,
 * bad input before sending, and request/reply bytes built by hand.
 * Everything live runs in a throwaway namespace.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  ArgumentError,
  FamilyNotFoundError,
  GenlFamily,
  listGenlFamilies,
  NetlinkError,
  NetlinkSocket,
  PROTOCOL,
  resolveGenlFamily,
} from "../mod.ts";
import { ETHTOOL } from "../genl/families/ethtool.ts";
import { NETDEV } from "../genl/families/netdev.ts";
import { NLCTRL } from "../genl/families/nlctrl.ts";
import type { FamilySpec } from "../genl/spec.ts";
import { createTestNetns, ipJson, isRoot, nsExec, removeTestNetns, skipReason } from "./helpers.ts";

const noRoot = skipReason(!isRoot && "needs root for namespaces");

function has(cmd: string): boolean {
  return ["/usr/sbin", "/usr/bin", "/sbin", "/bin"].some((d) => existsSync(`${d}/${cmd}`));
}
const noGenl = noRoot || skipReason(!has("genl") && "genl (iproute2) is not installed");
const noEthtool = noRoot || skipReason(!has("ethtool") && "ethtool is not installed");

// ---------------------------------------------------------------------------
// Oracle parsers

interface CtrlEntry {
  name: string;
  id: number;
  version: number;
  hdrsize: number;
  maxattr: number;
  ops: { id: number; caps?: number }[];
  groups: { id: number; name: string }[];
}

/** Parses `genl ctrl list` text. */
function parseGenlCtrlList(text: string): CtrlEntry[] {
  const out: CtrlEntry[] = [];
  for (const block of text.split(/^Name: /m).slice(1)) {
    const name = block.split("\n")[0]!.trim();
    const head =
      /ID: 0x([0-9a-f]+)\s+Version: 0x([0-9a-f]+)\s+header size: (\d+)\s+max attribs: (\d+)/
        .exec(block);
    assert.ok(head, `genl ctrl list: no header line for ${name}`);
    const [cmds = "", groups = ""] = block.split("multicast groups:");
    const ops: CtrlEntry["ops"] = [];
    for (
      const m of cmds.matchAll(/#\d+:\s+ID-0x([0-9a-f]+)\s*(?:Capabilities \(0x([0-9a-f]+)\))?/g)
    ) {
      ops.push(
        m[2] ? { id: parseInt(m[1]!, 16), caps: parseInt(m[2], 16) } : { id: parseInt(m[1]!, 16) },
      );
    }
    out.push({
      name,
      id: parseInt(head[1]!, 16),
      version: parseInt(head[2]!, 16),
      hdrsize: Number(head[3]),
      maxattr: Number(head[4]),
      ops,
      groups: [...groups.matchAll(/ID-0x([0-9a-f]+)\s+name: (\S+)/g)].map((m) => ({
        id: parseInt(m[1]!, 16),
        name: m[2]!,
      })),
    });
  }
  return out;
}

/** genetlink.h's GENL_* op flag bits, by the names ctrl.ts reports. */
const CAP_BITS: Record<string, number> = {
  "admin-perm": 0x01,
  "cmd-cap-do": 0x02,
  "cmd-cap-dump": 0x04,
  "cmd-cap-haspol": 0x08,
  "uns-admin-perm": 0x10,
};

/** Parses `ethtool <cmd>` "Key: value" lines (first occurrence wins unless `all`). */
function keyValues(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split("\n")) {
    const i = line.indexOf(":");
    if (i < 0) continue;
    const k = line.slice(0, i).trim();
    if (!m.has(k)) m.set(k, line.slice(i + 1).trim());
  }
  return m;
}

/** ethtool 6.1's legacy names (off_flag_def) that stand for kernel features. */
const ETHTOOL_ALIASES = new Set([
  "rx-checksumming",
  "tx-checksumming",
  "scatter-gather",
  "tcp-segmentation-offload",
  "udp-fragmentation-offload",
  "generic-segmentation-offload",
  "generic-receive-offload",
  "large-receive-offload",
  "rx-vlan-offload",
  "tx-vlan-offload",
  "ntuple-filters",
  "receive-hashing",
]);
/** The kernel features ethtool shows only under a one-feature alias. */
const ALIASED_ONLY = [
  "rx-checksum",
  "rx-gro",
  "rx-hashing",
  "rx-lro",
  "rx-ntuple-filter",
  "rx-vlan-hw-parse",
  "tx-generic-segmentation",
  "tx-vlan-hw-insert",
];

/**
 * The names a reply bitset says are on: a bit list (a `nomask` list names only
 * those), or the compact form (`value` words, named through `names`, the
 * string set's strings in bit order) that notifications carry.
 */
function bitsOn(
  bs: {
    nomask?: true;
    value?: Uint8Array;
    bits?: { bit?: { name?: string; value?: true }[] };
  } | undefined,
  names: readonly string[] = [],
): Set<string> {
  if (bs?.value) {
    const v = bs.value;
    return new Set(names.filter((_, i) => ((v[i >> 3] ?? 0) >> (i & 7)) & 1));
  }
  const list = bs?.bits?.bit ?? [];
  return new Set(list.filter((b) => bs?.nomask || b.value).map((b) => b.name ?? ""));
}

// ---------------------------------------------------------------------------
// Live: one namespace with a veth pair v0/v1

describe("generic netlink vs genl, ethtool and ip (live)", { skip: noRoot }, () => {
  let ns = "";
  before(() => {
    ns = createTestNetns();
    nsExec(ns, ["ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
  });
  after(() => removeTestNetns(ns));

  test("listGenlFamilies matches genl ctrl list", { skip: noGenl }, async () => {
    const oracle = parseGenlCtrlList(nsExec(ns, ["genl", "ctrl", "list"]));
    await using sock = NetlinkSocket.open({ protocol: PROTOCOL.GENERIC, netns: ns });
    const ours = await listGenlFamilies(sock);
    assert.deepEqual(ours.map((f) => f.name), oracle.map((f) => f.name));
    let withCaps = 0;
    for (const [i, o] of oracle.entries()) {
      const f = ours[i]!;
      assert.equal(f.id, o.id, o.name);
      assert.equal(f.version, o.version, o.name);
      assert.equal(f.headerSize, o.hdrsize, o.name);
      assert.equal(f.maxAttr, o.maxattr, o.name);
      assert.deepEqual(f.ops.map((x) => x.id), o.ops.map((x) => x.id), o.name);
      // genl prints capabilities only for families of version >= 2 (its ctrl.c).
      for (const [j, op] of o.ops.entries()) {
        if (op.caps === undefined) continue;
        withCaps++;
        const mask = f.ops[j]!.flags.reduce((m, n) => m | (CAP_BITS[n] ?? 0x100), 0);
        assert.equal(mask, op.caps, `${o.name} op ${op.id}`);
      }
      assert.deepEqual(f.groups, o.groups, o.name);
      const r = await resolveGenlFamily(sock, o.name);
      assert.deepEqual(r, f, `resolveGenlFamily ${o.name}`);
    }
    assert.ok(withCaps >= 2, "genl printed nlctrl's op capabilities");
    assert.ok(oracle.some((f) => f.name === "ethtool") && oracle.some((f) => f.name === "nlctrl"));
  });

  test("a missing family: FamilyNotFoundError with its message", async () => {
    await using sock = NetlinkSocket.open({ protocol: PROTOCOL.GENERIC, netns: ns });
    await assert.rejects(resolveGenlFamily(sock, "nosuchfamily"), (e: unknown) => {
      assert.ok(e instanceof FamilyNotFoundError && e instanceof NetlinkError);
      assert.equal(e.errno, 2);
      assert.equal(e.family, "nosuchfamily");
      assert.equal(
        e.message,
        `Cannot resolve generic netlink family "nosuchfamily": not available in this kernel`,
      );
      return true;
    });
  });

  test(
    "GenlFamily.open of wireguard where the kernel lacks it",
    { skip: skipReason(existsSync("/sys/module/wireguard") && "this kernel has wireguard") },
    async () => {
      await assert.rejects(GenlFamily.open("wireguard", { netns: ns }), (e: unknown) => {
        assert.ok(e instanceof FamilyNotFoundError);
        assert.equal(
          e.message,
          `Cannot resolve generic netlink family "wireguard": not available in this kernel`,
        );
        return true;
      });
    },
  );

  test(
    "ethtool linkinfo-get and linkmodes-get match `ethtool v0`",
    { skip: noEthtool },
    async () => {
      const kv = keyValues(nsExec(ns, ["ethtool", "v0"]));
      await using eth = await GenlFamily.open("ethtool", { netns: ns });
      const index = ipJson(["link", "show", "v0"], ns)[0].ifindex;
      const info = await eth.do("linkinfo-get", { header: { devName: "v0" } });
      assert.deepEqual(info.header, { devIndex: index, devName: "v0" });
      // ethtool.h: PORT_TP 0x00 "Twisted Pair", XCVR_INTERNAL 0 "internal", ETH_TP_MDI_INVALID 0 "Unknown".
      assert.equal(kv.get("Port"), "Twisted Pair");
      assert.equal(info.port, 0);
      assert.equal(String(info.phyaddr), kv.get("PHYAD"));
      assert.equal(kv.get("Transceiver"), "internal");
      assert.equal(info.transceiver, 0);
      assert.equal(kv.get("MDI-X"), "Unknown");
      assert.equal(info.tpMdix, 0);
      const modes = await eth.do("linkmodes-get", { header: { devName: "v0" } });
      assert.equal(`${modes.speed}Mb/s`, kv.get("Speed"));
      assert.equal(modes.duplex, { Half: 0, Full: 1 }[kv.get("Duplex") ?? ""]);
      assert.equal(modes.autoneg, { off: 0, on: 1 }[kv.get("Auto-negotiation") ?? ""]);
    },
  );

  test("ethtool channels-get matches `ethtool -l`; rings-get fails as `ethtool -g`", {
    skip: noEthtool,
  }, async () => {
    const text = nsExec(ns, ["ethtool", "-l", "v0"]);
    const [maxPart = "", curPart = ""] = text.split("Current hardware settings:");
    const num = (part: string, key: string) => {
      const v = new RegExp(`^${key}:\\s+(\\S+)`, "m").exec(part)![1]!;
      return v === "n/a" ? undefined : Number(v);
    };
    await using eth = await GenlFamily.open("ethtool", { netns: ns });
    const ch = await eth.do("channels-get", { header: { devName: "v0" } });
    assert.equal(ch.rxMax, num(maxPart, "RX"));
    assert.equal(ch.txMax, num(maxPart, "TX"));
    assert.equal(ch.otherMax, num(maxPart, "Other"));
    assert.equal(ch.combinedMax, num(maxPart, "Combined"));
    assert.equal(ch.rxCount, num(curPart, "RX"));
    assert.equal(ch.txCount, num(curPart, "TX"));
    assert.equal(ch.otherCount, num(curPart, "Other"));
    assert.equal(ch.combinedCount, num(curPart, "Combined"));

    const g = spawnSync("ip", ["netns", "exec", ns, "ethtool", "-g", "v0"], { encoding: "utf8" });
    const toolFailed = g.status === 0 ? "" : g.stderr;
    if (toolFailed) {
      assert.match(toolFailed, /Operation not supported/);
      await assert.rejects(eth.do("rings-get", { header: { devName: "v0" } }), (e: unknown) => {
        assert.ok(e instanceof NetlinkError);
        assert.equal(e.errno, 95); // EOPNOTSUPP
        return true;
      });
    } else {
      const r = await eth.do("rings-get", { header: { devName: "v0" } });
      assert.equal(typeof r.rxMax, "number");
    }
  });

  test("ethtool features-get and strset-get match `ethtool --json -k` and `ethtool -k`", {
    skip: noEthtool,
  }, async () => {
    // deno-lint-ignore no-explicit-any
    const json: Record<string, any> = JSON.parse(nsExec(ns, ["ethtool", "--json", "-k", "v0"]))[0];
    const text = nsExec(ns, ["ethtool", "-k", "v0"]);
    const shown = text.split("\n").slice(1).map((l) => l.trim().split(":")[0]!).filter(Boolean);
    await using eth = await GenlFamily.open("ethtool", { netns: ns });
    const ss = await eth.do("strset-get", {
      header: { devName: "v0" },
      stringsets: { stringset: [{ id: 4 }] }, // ETH_SS_FEATURES
    });
    const set = ss.stringsets?.stringset?.[0];
    assert.equal(set?.id, 4);
    const strings = set?.strings?.flatMap((s) => s.string ?? []) ?? [];
    assert.deepEqual(strings.map((s) => s.index), [...strings.keys()]);
    assert.equal(set?.count, strings.length);
    const counts = await eth.do("strset-get", {
      header: { devName: "v0" },
      stringsets: { stringset: [{ id: 4 }] },
      countsOnly: true,
    });
    assert.deepEqual(counts.stringsets?.stringset, [{ id: 4, count: strings.length }]);
    const names = strings.map((s) => s.value ?? "").filter(Boolean);
    const real = shown.filter((n) => !ETHTOOL_ALIASES.has(n));
    assert.deepEqual(real.filter((n) => !names.includes(n)), [], "ethtool -k names not in strset");
    assert.deepEqual(names.filter((n) => !real.includes(n)).sort(), ALIASED_ONLY);

    const f = await eth.do("features-get", { header: { devName: "v0" } });
    assert.equal(f.active?.size, strings.length);
    const active = bitsOn(f.active);
    const fixed = bitsOn(f.nochange);
    const hw = bitsOn(f.hw);
    for (const n of real) {
      assert.equal(active.has(n), json[n].active, `${n} active`);
      // ethtool's [fixed]: not changeable (not in hw) or never changed (nochange).
      assert.equal(!hw.has(n) || fixed.has(n), json[n].fixed, `${n} fixed`);
    }
    assert.equal(active.has("rx-gro"), json["generic-receive-offload"].active);

    const all = await eth.dump("features-get", {}).all();
    const links = ipJson(["link", "show"], ns);
    assert.deepEqual(
      all.map((d) => [d.header?.devIndex, d.header?.devName]).sort(),
      // deno-lint-ignore no-explicit-any
      links.map((l: any) => [l.ifindex, l.ifname]).sort(),
    );
  });

  test("ethtool features-set toggles rx-gro (seen by `ethtool --json -k`), with a features-ntf", {
    skip: noEthtool,
  }, async () => {
    const gro = () =>
      JSON.parse(nsExec(ns, ["ethtool", "--json", "-k", "v0"]))[0]["generic-receive-offload"];
    const initial: boolean = gro().active;
    assert.equal(gro().fixed, false, "rx-gro is changeable on veth");
    await using eth = await GenlFamily.open("ethtool", { netns: ns, groups: ["monitor"] });
    const ss = await eth.do("strset-get", {
      header: { devName: "v0" },
      stringsets: { stringset: [{ id: 4 }] }, // ETH_SS_FEATURES
    });
    const names = ss.stringsets?.stringset?.[0]?.strings?.flatMap((x) => x.string ?? [])
      .map((x) => x.value ?? "") ?? [];
    assert.ok(names.includes("rx-gro"));
    const sub = eth.events();
    try {
      const set = (value: boolean) =>
        eth.do("features-set", {
          header: { devName: "v0" },
          wanted: { bits: { bit: [{ name: "rx-gro", value }] } },
        });
      const r = await set(!initial);
      assert.equal(r.header?.devName, "v0");
      assert.equal(gro().active, !initial);
      assert.equal(gro().requested, !initial);
      let ntf;
      for await (const ev of sub) {
        if ("name" in ev && ev.name === "features-ntf" && ev.attrs.header?.devName === "v0") {
          ntf = ev;
          break;
        }
      }
      assert.equal(ntf?.cmd, 13); // ETHTOOL_MSG_FEATURES_NTF
      // Notifications carry compact bitsets: bit numbers, named by the features string set.
      assert.ok(ntf?.attrs.active?.value instanceof Uint8Array);
      assert.equal(bitsOn(ntf?.attrs.active, names).has("rx-gro"), !initial);
      await set(initial);
      assert.equal(gro().active, initial);
    } finally {
      sub.close();
    }
  });

  test("netdev dev-get dump lists the namespace's ifindexes, xdp features as bigint", async () => {
    await using nd = await GenlFamily.open("netdev", { netns: ns });
    const devs = await nd.dump("dev-get", {}).all();
    // deno-lint-ignore no-explicit-any
    const want = ipJson(["link", "show"], ns).map((l: any) => l.ifindex).sort();
    assert.deepEqual(devs.map((d) => d.ifindex).sort(), want);
    for (const d of devs) {
      assert.equal(typeof d.xdpFeatures, "bigint");
      assert.equal(typeof d.xdpRxMetadataFeatures, "bigint");
    }
    const lo = devs.find((d) => d.ifindex === 1);
    assert.equal(lo?.xdpFeatures, 0n);
  });

  test("bad input: ArgumentError before anything is sent", async () => {
    await using eth = await GenlFamily.open("ethtool", { netns: ns });
    const sock = eth.socket;
    const cases: [string, () => Promise<unknown>, string][] = [
      // deno-lint-ignore no-explicit-any
      ["op", () => (eth as any).do("nosuch-get", {}), "op"],
      // deno-lint-ignore no-explicit-any
      ["no dump form", () => (eth as any).dump("linkinfo-set", {}).all(), "op"],
      // deno-lint-ignore no-explicit-any
      ["unknown attribute", () => eth.do("linkinfo-get", { bogus: 1 } as any), "bogus"],
      [
        "wrong type",
        // deno-lint-ignore no-explicit-any
        () => eth.do("linkinfo-get", { header: { devIndex: "x" as any } }),
        "header.devIndex",
      ],
    ];
    for (const [label, call, arg] of cases) {
      const seq = sock.nextSeq();
      const datagrams = sock.stats.datagrams;
      let p: Promise<unknown>;
      try {
        p = call();
      } catch (e) {
        p = Promise.reject(e);
      }
      await assert.rejects(p, (e: unknown) => {
        assert.ok(e instanceof ArgumentError, label);
        assert.equal(e.argument, arg, label);
        return true;
      });
      assert.equal(sock.nextSeq(), seq + 1, `${label}: a request took a sequence number`);
      assert.equal(sock.stats.datagrams, datagrams, label);
    }
  });

  test("a do for a missing device: ENODEV with the kernel's extack", async () => {
    await using eth = await GenlFamily.open("ethtool", { netns: ns });
    await assert.rejects(eth.do("linkinfo-get", { header: { devName: "nope0" } }), (e: unknown) => {
      assert.ok(e instanceof NetlinkError);
      assert.equal(e.errno, 19);
      assert.equal(e.extack, "no device matches name");
      assert.equal(e.message, "Cannot ethtool linkinfo-get: ENODEV (19): no device matches name");
      return true;
    });
  });
});

// ---------------------------------------------------------------------------
// Command numbers vs the kernel's uapi headers

const UAPI = new URL("../../shared/uapi-6.12/linux/", import.meta.url);
const noUapi = skipReason(
  !existsSync(fileURLToPath(UAPI)) &&
    `uapi headers not at ${fileURLToPath(UAPI)} (outside this checkout)`,
);

/** The enums of a header, each as name → value (`__X` and computed entries left out). */
function headerEnums(file: string): Map<string, number>[] {
  const text = readFileSync(fileURLToPath(new URL(file, UAPI)), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "");
  const out: Map<string, number>[] = [];
  for (const m of text.matchAll(/enum\s*\w*\s*\{([^}]*)\}/g)) {
    const values = new Map<string, number>();
    let next = 0;
    for (const raw of m[1]!.split(",")) {
      const e = /^\s*(\w+)\s*(?:=\s*(.+?))?\s*$/.exec(raw);
      if (!e) continue;
      if (e[2] !== undefined) {
        if (!/^\d+$/.test(e[2])) continue; // X_MAX = (__X_MAX - 1) and such
        next = Number(e[2]);
      }
      if (!e[1]!.startsWith("__")) values.set(e[1]!, next);
      next++;
    }
    out.push(values);
  }
  return out;
}

/** The enum of `file` that has `member`. */
function enumWith(file: string, member: string): Map<string, number> {
  const e = headerEnums(file).find((m) => m.has(member));
  assert.ok(e, `${file}: no enum with ${member}`);
  return e;
}

function upper(op: string): string {
  return op.replace(/-/g, "_").toUpperCase();
}

function checkNumbers(
  spec: FamilySpec,
  values: Map<string, number>,
  name: (op: string, dir: "request" | "reply", isNtf: boolean) => string,
): void {
  for (const [op, s] of Object.entries(spec.ops)) {
    const isNtf = s.notify !== undefined || s.event !== undefined;
    if (s.request !== undefined) {
      assert.equal(s.request, values.get(name(op, "request", isNtf)), `${op} request`);
    }
    if (s.reply !== undefined) {
      assert.equal(s.reply, values.get(name(op, "reply", isNtf)), `${op} reply`);
    }
  }
}

describe("generated command numbers vs the uapi headers", { skip: noUapi }, () => {
  test("ethtool: ETHTOOL_MSG_* (user→kernel and kernel→user enums)", () => {
    const req = enumWith("ethtool_netlink.h", "ETHTOOL_MSG_USER_NONE");
    const kernel = enumWith("ethtool_netlink.h", "ETHTOOL_MSG_KERNEL_NONE");
    assert.equal(req.get("ETHTOOL_MSG_LINKINFO_GET"), 2);
    assert.equal(kernel.get("ETHTOOL_MSG_FEATURES_NTF"), 13);
    let checked = 0;
    for (const [op, s] of Object.entries(ETHTOOL.ops)) {
      const base = `ETHTOOL_MSG_${upper(op)}`;
      if (s.request !== undefined) {
        assert.equal(s.request, req.get(base), `${op} request`);
        checked++;
      } else assert.ok(!req.has(base), `${op}: the header has a request ${base}`);
      const isNtf = s.notify !== undefined || s.event !== undefined;
      const replyName = isNtf ? base : `${base}_REPLY`;
      if (s.reply !== undefined) {
        assert.equal(s.reply, kernel.get(replyName), `${op} reply`);
        checked++;
      } else assert.ok(!kernel.has(replyName), `${op}: the header has a reply ${replyName}`);
    }
    // Every request command of the header is an operation of the spec.
    const specReq = new Set(Object.values(ETHTOOL.ops).map((s) => s.request));
    const missing = [...req].filter(([k, v]) =>
      k !== "ETHTOOL_MSG_USER_NONE" && k !== "ETHTOOL_MSG_USER_MAX" && !specReq.has(v)
    );
    assert.deepEqual(missing, []);
    // The kernel→user commands the 6.12 spec has no operation for.
    const specRep = new Set(Object.values(ETHTOOL.ops).map((s) => s.reply));
    const noOp = [...kernel].filter(([k, v]) =>
      k !== "ETHTOOL_MSG_KERNEL_NONE" && k !== "ETHTOOL_MSG_KERNEL_MAX" && !specRep.has(v)
    );
    assert.deepEqual(noOp.map(([k]) => k), ["ETHTOOL_MSG_PHY_NTF"]);
    assert.ok(checked > 80);
  });

  test("netdev: NETDEV_CMD_*", () => {
    const v = enumWith("netdev.h", "NETDEV_CMD_DEV_GET");
    checkNumbers(NETDEV, v, (op) => `NETDEV_CMD_${upper(op)}`);
    const cmds = [...v].filter(([k]) => k.startsWith("NETDEV_CMD_"));
    assert.deepEqual(
      cmds.map(([, n]) => n).sort((a, b) => a - b),
      Object.values(NETDEV.ops).map((s) => s.reply ?? s.request).sort((a, b) => a! - b!),
    );
  });

  test("nlctrl: CTRL_CMD_* (getfamily is answered with NEWFAMILY)", () => {
    const v = enumWith("genetlink.h", "CTRL_CMD_GETFAMILY");
    assert.equal(NLCTRL.ops.getfamily?.request, v.get("CTRL_CMD_GETFAMILY"));
    assert.equal(NLCTRL.ops.getfamily?.reply, v.get("CTRL_CMD_NEWFAMILY"));
    assert.equal(NLCTRL.ops.getpolicy?.request, v.get("CTRL_CMD_GETPOLICY"));
    assert.equal(NLCTRL.ops.getpolicy?.reply, v.get("CTRL_CMD_GETPOLICY"));
    assert.deepEqual(Object.keys(NLCTRL.ops).sort(), ["getfamily", "getpolicy"]);
  });
});

// ---------------------------------------------------------------------------
// Bytes

describe("ethtool bytes", () => {
  test("linkinfo-get request, byte for byte", async () => {
    // Resolving the family reads nlctrl only (nothing on the host changes).
    const eth = await GenlFamily.open("ethtool");
    try {
      const bytes = eth.encode("linkinfo-get", "do", { header: { devName: "v0" } }, 99);
      assert.deepEqual([...bytes], [
        // nlmsghdr: len 32, type 99 (the family id given), flags REQUEST|ACK, seq 0, pid 0
        ...[32, 0, 0, 0, 99, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        // genlmsghdr: cmd ETHTOOL_MSG_LINKINFO_GET (2), version 1, reserved
        ...[2, 1, 0, 0],
        // ETHTOOL_A_LINKINFO_HEADER (1) | NLA_F_NESTED, len 12
        ...[12, 0, 0x01, 0x80],
        // ETHTOOL_A_HEADER_DEV_NAME (2), len 7: "v0\0" + 1 pad
        ...[7, 0, 2, 0, 0x76, 0x30, 0, 0],
      ]);
      // A hand-built ETHTOOL_MSG_LINKINFO_GET_REPLY payload (after nlmsghdr).
      const reply = new Uint8Array([
        ...[2, 1, 0, 0], // genlmsghdr: cmd 2 (LINKINFO_GET_REPLY), version 1
        ...[20, 0, 0x01, 0x80], // HEADER nest, len 20
        ...[8, 0, 1, 0, 7, 0, 0, 0], //   DEV_INDEX u32 7
        ...[7, 0, 2, 0, 0x76, 0x30, 0, 0], //   DEV_NAME "v0"
        ...[5, 0, 2, 0, 0xef, 0, 0, 0], // PORT u8 0xef (PORT_NONE)
        ...[5, 0, 3, 0, 4, 0, 0, 0], // PHYADDR u8 4
        ...[5, 0, 6, 0, 1, 0, 0, 0], // TRANSCEIVER u8 1 (XCVR_EXTERNAL)
      ]);
      assert.deepEqual(eth.decode(reply), {
        name: "linkinfo-get",
        cmd: 2,
        attrs: { header: { devIndex: 7, devName: "v0" }, port: 0xef, phyaddr: 4, transceiver: 1 },
      });
      // Command 13 from the kernel is FEATURES_NTF (13 towards the kernel is PRIVFLAGS_GET).
      const ntf = new Uint8Array([13, 1, 0, 0, 12, 0, 0x01, 0x80, 7, 0, 2, 0, 0x76, 0x30, 0, 0]);
      assert.deepEqual(eth.decode(ntf), {
        name: "features-ntf",
        cmd: 13,
        attrs: { header: { devName: "v0" } },
      });
    } finally {
      eth.close();
    }
  });
});
