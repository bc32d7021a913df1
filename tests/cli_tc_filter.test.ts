/**
 * `nlroute tc filter` kinds bpf, basic, fw and route and the actions
 * skbedit, pedit, vlan and csum, against tc 6.1: the RTM_NEWTFILTER message
 * the CLI's words build is printed by `tc monitor file` and by nlroute's
 * printer (text, with and without -s; this kernel lacks most of these kinds
 * and actions, so that is the oracle), JSON keys as tc's print_* calls name
 * them, bad input as one clear line and exit status 1, and where this
 * kernel has it (classic BPF) the filter made live by tc and by nlroute.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { NetlinkSocket } from "../core/socket.ts";
import { buildFilterRequest } from "../iproute/tc/request.ts";
import { Filter } from "../iproute/tc/tc.ts";
import { parseCommand } from "../cli/parse/command.ts";
import { printFilter } from "../cli/format/tc_filter.ts";
import { Names } from "../cli/format/ifnames.ts";
import { main } from "../cli/cli.ts";
import {
  createTestNetns,
  isRoot,
  removeTestNetns,
  skipReason,
  tcRefuses,
  testTmpDir,
} from "./helpers.ts";
import { lines, nlroute, ok, streams } from "./cli_util.ts";

const hasTc = spawnSync("tc", ["-V"]).status === 0;
const needTc = { skip: !hasTc && "needs tc (iproute2)" };

/** Words as a shell splits them, with '…' kept as one word (bpf's bytecode). */
const words = (s: string) => [...s.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);

/** Text with the seconds tc counts taken out, and trailing spaces trimmed. */
function textOf(s: string): string[] {
  return lines(s.replace(/ (installed|used|firstused) \d+ sec/g, ""));
}

/** Clears NLA_F_NET_BYTEORDER (tc 6.1's parser does not mask it; the kernel's dump has none). */
function stripByteorder(b: Uint8Array, off: number, end: number): void {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  while (off + 4 <= end) {
    const len = dv.getUint16(off, true);
    if (len < 4) return;
    const type = dv.getUint16(off + 2, true);
    dv.setUint16(off + 2, type & ~0x4000, true);
    if (type & 0x8000) stripByteorder(b, off + 4, off + len);
    off += (len + 3) & ~3;
  }
}

/**
 * Clears NLA_F_NESTED on pedit's TCA_PEDIT_KEY_EX nests (20 bytes: the nest,
 * HTYPE, CMD), which tc sends but the kernel's dump does not carry, and
 * which tc 6.1's printer compares unmasked.
 */
function stripKeyExNested(b: Uint8Array): void {
  const sig = [20, 0, 6, 0x80, 6, 0, 1, 0];
  for (let i = 0; i + 20 <= b.length; i += 4) {
    if (sig.every((x, k) => b[i + k] === x) && b[i + 12] === 6 && b[i + 14] === 2) b[i + 3] = 0;
  }
}

/**
 * The RTM_NEWTFILTER message the CLI's words make (lo, index 1, for every
 * device; a pinned program as descriptor 0), as tc's monitor reads it, and
 * the Filter nlroute decodes from it.
 */
function filterMessage(line: string): { bytes: Uint8Array; filter: Filter } {
  const spec = parseCommand(words(`tc filter add ${line}`), 0).spec;
  spec.index = 1;
  if (typeof spec.iif === "string") spec.iif = 1;
  if (spec.pinned !== undefined) {
    delete spec.pinned;
    spec.fd = 0;
  }
  const b = NetlinkSocket.compile([buildFilterRequest("add", spec)]);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  dv.setUint16(6, 0, true);
  stripByteorder(b, 16 + 20, dv.getUint32(0, true));
  stripKeyExNested(b);
  return { bytes: b, filter: new Filter(b, dv, 0, b.length, dv.getUint16(4, true)) };
}

function tcMonitor(file: string, stats: boolean): string {
  return execFileSync("tc", [...(stats ? ["-s"] : []), "monitor", "file", file], {
    encoding: "utf8",
  });
}

const names = new Names();
names.set(1, "lo");
const json = (line: string) =>
  printFilter(filterMessage(line).filter, names, { dev: true, stats: false, details: false }).json;
const options = (line: string) => json(line).options as Record<string, unknown>;
const firstAction = (line: string) => (options(line).actions as Record<string, unknown>[])[0]!;

const KINDS = [
  "dev lo ingress pref 3 bpf bytecode '1,6 0 0 0'",
  "dev lo ingress pref 3 handle 7 bpf da bytecode '4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0' classid 1:2 skip_hw",
  "dev lo ingress pref 3 handle 0x10 bpf skip_sw pinned /sys/fs/bpf/prog1 direct-action action drop",
  "dev lo ingress protocol ip pref 4 bpf run bytecode '1,6 0 0 65535' flowid 1:3 action gact pass",
  "dev lo parent 1: pref 5 basic",
  "dev lo parent 1: pref 5 handle 9 basic classid 1:7",
  "dev lo parent 1: pref 5 handle 0x20 basic flowid 1:8 action drop action pass",
  "dev lo parent 1: protocol ip pref 6 handle 5 fw classid 1:5",
  "dev lo parent 1: protocol ip pref 6 handle 0x10/0xff fw classid 1:6 indev lo",
  "dev lo parent 1: protocol ip pref 6 handle 3/0xffffffff fw flowid 1:7 action drop",
  "dev lo parent 1: pref 7 route to 10 classid 1:10",
  "dev lo parent 1: pref 7 route from 3 to cosmos classid 1:11 order 2",
  "dev lo parent 1: pref 7 route fromif lo flowid 1:12 action pass",
  "dev lo parent 1: pref 7 handle 0x8001 route to 1",
  "dev lo parent 1: protocol ip pref 6 handle 0x7 fw",
  "dev lo parent 1: pref 8 route to 7 from 9 flowid 1:ff action vlan pop",
];

const ACTIONS = [
  "skbedit queue_mapping 3",
  "skbedit priority 1:5 mark 5/0xff ptype host inheritdsfield drop index 4",
  "skbedit mark 0x10 ptype otherhost",
  "skbedit ptype multicast priority 10 pass",
  "vlan pop",
  "vlan push id 100 protocol 802.1ad priority 3 index 2",
  "vlan push id 5 pipe",
  "vlan modify id 200 priority 7 continue",
  "csum ip4h tcp",
  "csum iph and udp or udplite + sctp drop index 3",
  "csum icmp igmp",
  "pedit munge ip src set 10.0.0.1",
  "pedit munge ip ttl set 64 munge ip dport set 8080 pipe",
  "pedit munge offset 0 u32 set 0x12345678 munge offset 6 u16 set 0xabcd munge offset -4 u8 invert",
  "pedit munge offset 12 u32 at 0 0x0f 2 clear munge ip tos set 0x10 retain 0xfc index 6",
  "pedit ex munge eth dst set 02:00:00:00:00:01 munge eth src set 02:00:00:00:00:02",
  "pedit ex munge ip ttl decrement munge ip6 dst set 2001:db8::1 munge tcp dport set 443 drop",
  "pedit ex munge udp sport add 1 munge ip6 hoplimit set 9 munge eth type set 0x86dd",
  "pedit munge offset 8 u16 preserve munge ip protocol set 17 munge ip df set 0x40 reclassify",
  "pedit ex munge ip6 src set 2001:db8::2 munge tcp flags set 0x12 munge ip6 flow_lbl set 5",
  "vlan push id 10 protocol 802.1Q",
  "csum tcp csum udp continue",
  "skbedit queue_mapping 1 mark 7 reclassify index 9",
];

const CASES = [
  ...KINDS,
  ...ACTIONS.map((a) => `dev lo ingress pref 9 matchall action ${a}`),
  "dev lo ingress pref 9 matchall action skbedit mark 1 action vlan pop action csum tcp action pedit munge ip dst set 10.9.8.7",
];

describe(
  "nlroute tc filter: bpf, basic, fw, route against tc's printer (tc monitor file)",
  needTc,
  () => {
    const dir = testTmpDir();
    for (const [i, line] of CASES.entries()) {
      it(`prints ${line.split(" ").slice(3, 16).join(" ")} as tc does`, () => {
        const { bytes, filter } = filterMessage(line);
        const file = `${dir}/tcf${i}.bin`;
        writeFileSync(file, bytes);
        for (const stats of [false, true]) {
          const theirs = tcMonitor(file, stats);
          const ours = printFilter(filter, names, { dev: false, stats, details: false }).text;
          assert.deepEqual(textOf(ours), textOf(theirs), `text${stats ? " -s" : ""}`);
        }
      });
    }
  },
);

describe("nlroute tc filter: JSON of bpf, basic, fw, route and the actions", () => {
  it("uses the keys of tc's print_* calls", () => {
    assert.deepEqual(options(KINDS[1]!), {
      handle: "0x7",
      flowid: "1:2",
      "direct-action": true,
      skip_hw: true,
      bytecode: {
        length: 4,
        insns: [
          { code: 40, jt: 0, jf: 0, k: 12 },
          { code: 21, jt: 0, jf: 1, k: 2048 },
          { code: 6, jt: 0, jf: 0, k: 262144 },
          { code: 6, jt: 0, jf: 0, k: 0 },
        ],
      },
    });
    assert.equal(options(KINDS[2]!).bpf_name, "prog1:[*fsobj]");
    assert.deepEqual(options(KINDS[5]!), { handle: "9", flowid: "1:7" });
    const m = (a: string) => firstAction(`dev lo ingress matchall action ${a}`);
    assert.deepEqual(m(ACTIONS[1]!), {
      order: 1,
      kind: "skbedit",
      priority: "1:5",
      mark: 5,
      mask: "ff",
      ptype: "host",
      inheritdsfield: null,
      control_action: { type: "drop" },
      index: 4,
      ref: 0,
      bind: 0,
    });
    assert.deepEqual(m(ACTIONS[5]!), {
      order: 1,
      kind: "vlan",
      vlan_action: "push",
      id: 100,
      protocol: "802.1ad",
      priority: 3,
      control_action: { type: "pipe" },
      index: 2,
      ref: 0,
      bind: 0,
    });
    assert.deepEqual(m(ACTIONS[9]!), {
      order: 1,
      kind: "csum",
      csum: "iph, udp, udplite, sctp",
      control_action: { type: "drop" },
      index: 3,
      ref: 0,
      bind: 0,
    });
    assert.deepEqual(m("pedit munge ip src set 10.0.0.1 index 6"), {
      order: 1,
      kind: "pedit",
      control_action: { type: "pass" },
      nkeys: 1,
      index: 6,
      ref: 0,
      bind: 0,
      keys: [{ htype: "network", offset: 12, cmd: "set", val: "a000001", mask: "0" }],
    });
    const ex = m(ACTIONS[16]!).keys as Record<string, unknown>[];
    assert.deepEqual(ex[0], {
      htype: "ipv4",
      offset: 8,
      cmd: "add",
      val: "ff000000",
      mask: "ffffff",
    });
    assert.deepEqual(ex.map((k) => k.htype), ["ipv4", "ipv6", "ipv6", "ipv6", "ipv6", "tcp"]);
  });

  it("names fw's and route's fields after their words (tc prints them as text only)", () => {
    assert.deepEqual(options(KINDS[8]!), {
      handle: "0x10",
      mask: "0xff",
      classid: "1:6",
      indev: "lo",
    });
    assert.deepEqual(options(KINDS[11]!), {
      fh: "0x00030200",
      order: 2,
      flowid: "1:11",
      to: "unknown",
      from: "3",
    });
  });
});

describe("nlroute tc filter: bad bpf, basic, fw, route and action words", () => {
  it("refuses them in one line with exit status 1", async () => {
    const f = "tc filter add dev v0 ingress";
    const cases: [string, RegExp][] = [
      [`${f} bpf obj prog.o sec ingress`, /bpf's "obj" \(loading an ELF object\) is not supported/],
      [`${f} bpf da`, /bpf needs a program/],
      [`${f} bpf bytecode '1,6 0 0 0' bytecode '1,6 0 0 0'`, /bpf: one program/],
      [`${f} bpf bytecode '1,6 0 0 0' frobnicate`, /Unknown argument "frobnicate"/],
      [`${f} bpf bytecode '2,6 0 0 0'`, /bytecode/],
      [`${f} bpf classid 1:2:3 bytecode '1,6 0 0 0'`, /"classid": expected a class/],
      [
        `${f} basic match meta(priority eq 1)`,
        /basic's "match" \(extended matches\) is not supported/,
      ],
      [`${f} basic classid x`, /"classid": expected a class/],
      [`${f} handle 5/zz fw`, /"handle mask"/],
      [`${f} handle 5 fw mask 0xff`, /fw's mask is given with the handle/],
      [`${f} fw classid 1:1 bogus`, /Unknown argument "bogus"/],
      [`${f} route to 300`, /"to": expected a realm/],
      [`${f} route from 1 fromif lo`, /"from" or "fromif", not both/],
      [`${f} route fromif lo order 3`, /"order" with "fromif" needs a "handle"/],
      [`${f} matchall action skbedit`, /skbedit needs what to set/],
      [`${f} matchall action skbedit queue_mapping 70000`, /"queue_mapping": expected an integer/],
      [`${f} matchall action skbedit ptype nowhere`, /"ptype": expected host, broadcast/],
      [`${f} matchall action skbedit mark 1/x`, /"skbedit mark mask"/],
      [`${f} matchall action vlan`, /vlan needs "pop", "push id N" or "modify id N"/],
      [`${f} matchall action vlan push`, /vlan push needs "id N"/],
      [`${f} matchall action vlan pop id 3`, /"id" is only for push and modify/],
      [`${f} matchall action vlan push id 5000`, /"vlan id": expected an integer from 0 to 4095/],
      [
        `${f} matchall action vlan push id 5 protocol ip`,
        /"vlan protocol": expected 802.1Q or 802.1ad/,
      ],
      [`${f} matchall action vlan push_eth`, /vlan's "push_eth" is not supported/],
      [`${f} matchall action csum drop`, /csum needs what to update/],
      [`${f} matchall action csum tcp bogus`, /Unknown argument "bogus"/],
      [`${f} matchall action pedit`, /pedit needs "munge/],
      [`${f} matchall action pedit munge ip6 src set ::1`, /"munge ip6" needs "pedit ex munge ip6/],
      [`${f} matchall action pedit munge icmp type set 1`, /pedit's "munge icmp" is not supported/],
      [`${f} matchall action pedit munge ip ttl add 1`, /"add" needs "pedit ex"/],
      [
        `${f} matchall action pedit ex munge ip dport set 1`,
        /"munge ip dport" is not an IPv4 header/,
      ],
      [
        `${f} matchall action pedit munge ip src set 10.0.0.300`,
        /"munge ip src": expected an IPv4/,
      ],
      [`${f} matchall action pedit munge offset 2 u32 set 1`, /multiple of 4/],
      [
        `${f} matchall action pedit munge offset 0 u64 set 1`,
        /"munge offset": expected u8, u16 or u32/,
      ],
      [`${f} matchall action pedit ex munge eth dst set 02:00`, /"munge eth dst": expected a MAC/],
      [`${f} matchall action pedit munge ip tos frob 1`, /"munge ip tos command"/],
      [`${f} matchall action nat ingress 1.1.1.1 2.2.2.2`, /Action "nat" is not supported/],
    ];
    for (const [line, re] of cases) {
      const io = streams();
      assert.equal(await main(words(line), io), 1, line);
      assert.match(io.err(), re, line);
      assert.equal(io.err().split("\n").length, 2, `${line}: one line`);
      assert.equal(io.out(), "", line);
    }
  });
});

const BPF_LIVE = [
  "qdisc add dev lo clsact",
  "filter add dev lo ingress pref 3 handle 7 bpf da bytecode '4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0' classid 1:2",
  "filter add dev lo egress protocol ip pref 4 bpf bytecode '1,6 0 0 65535' skip_hw flowid 1:3",
];

describe("nlroute tc filter: classic bpf (live)", {
  skip: !isRoot ? "needs root for namespaces" : hasTc
    ? skipReason(
      tcRefuses(["qdisc add dev lo clsact", "filter add dev lo ingress bpf bytecode '1,6 0 0 0'"]),
    )
    : "needs tc",
}, () => {
  it("makes it as tc does and prints it as tc does", () => {
    const [ours, theirs] = [createTestNetns(), createTestNetns()];
    const tc = (ns: string, args: string[]) =>
      execFileSync("ip", ["netns", "exec", ns, "tc", ...args], { encoding: "utf8" });
    try {
      for (const line of BPF_LIVE) {
        tc(theirs, words(line));
        ok(ours, ["tc", ...words(line)]);
      }
      for (const show of ["filter show dev lo ingress", "-s filter show dev lo egress"]) {
        const a = words(show);
        assert.deepEqual(textOf(tc(ours, a)), textOf(tc(theirs, a)), `tc ${show}`);
        assert.deepEqual(
          textOf(ok(theirs, ["tc", ...a])),
          textOf(tc(theirs, a)),
          `nlroute ${show}`,
        );
        assert.deepEqual(
          JSON.parse(ok(theirs, ["-j", "tc", ...a])),
          JSON.parse(tc(theirs, ["-j", ...a])),
          `-j ${show}`,
        );
      }
    } finally {
      removeTestNetns(ours);
      removeTestNetns(theirs);
    }
  });
});

describe("nlroute tc filter: route's fromif is an interface name IPRoute resolves", {
  skip: !isRoot && "needs root for namespaces",
}, () => {
  it("names the argument when the interface does not exist", () => {
    const ns = createTestNetns();
    try {
      const r = nlroute(["-n", ns, ...words("tc filter add dev lo parent 1: route fromif nope0")]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Cannot find device "nope0"/);
      assert.equal(r.stderr.trim().split("\n").length, 1);
    } finally {
      removeTestNetns(ns);
    }
  });
});

const hasStrace = spawnSync("strace", ["-V"]).status === 0;

/** tc's RTM_NEWTFILTER request for `line` as strace prints it: the handle and TCA_OPTIONS' payload. */
function tcRequest(
  ns: string,
  line: string,
): { handle: number; options: Uint8Array | undefined } | string {
  const t = spawnSync("ip", [
    "netns",
    "exec",
    ns,
    "strace",
    "-e",
    "trace=sendmsg",
    "-xx",
    "-s",
    "65535",
    "tc",
    ...words(`filter add ${line}`),
  ], { encoding: "utf8" });
  const req = t.stderr.split("\n").find((l) => l.includes("nlmsg_type=RTM_NEWTFILTER"));
  if (!req) return t.stderr;
  const handle = /tcm_handle=(\d+)/.exec(req);
  if (!handle) return req;
  if (!req.includes("nla_type=TCA_OPTIONS")) {
    return { handle: Number(handle[1]), options: undefined };
  }
  const m = /\{nla_len=(\d+), nla_type=TCA_OPTIONS\}, "((?:\\x[0-9a-f]{2})*)"/.exec(req);
  if (!m) return req;
  const bytes = m[2]!.split("\\x").filter(Boolean).map((h) => parseInt(h, 16));
  assert.equal(bytes.length, Number(m[1]) - 4, "strace printed the whole payload");
  return { handle: Number(handle[1]), options: Uint8Array.from(bytes) };
}

/** Our message with tc's handle and TCA_OPTIONS in place of ours. */
function withTheirs(
  ours: Uint8Array,
  theirs: { handle: number; options: Uint8Array | undefined },
): Uint8Array {
  const dv = new DataView(ours.buffer, ours.byteOffset, ours.byteLength);
  for (let o = 16 + 20; o < ours.length;) {
    const len = dv.getUint16(o, true);
    const aligned = (len + 3) & ~3;
    if ((dv.getUint16(o + 2, true) & 0x3fff) === 2) {
      const opts = theirs.options;
      const size = opts === undefined ? 0 : 4 + ((opts.length + 3) & ~3);
      const out = new Uint8Array(ours.length - aligned + size);
      out.set(ours.subarray(0, o));
      out.set(ours.subarray(o + aligned), o + size);
      const odv = new DataView(out.buffer);
      if (opts !== undefined) {
        out.set(opts, o + 4);
        odv.setUint16(o, 4 + opts.length, true);
        odv.setUint16(o + 2, 2, true);
      }
      odv.setUint32(0, out.length, true);
      odv.setUint32(24, theirs.handle, true);
      stripByteorder(out, 16 + 20, out.length);
      stripKeyExNested(out);
      return out;
    }
    o += aligned;
  }
  throw new Error("no TCA_OPTIONS in our message");
}

describe("nlroute tc filter: the words mean what tc's words mean (tc's own request, by strace)", {
  skip: !isRoot
    ? "needs root for namespaces"
    : !hasTc
    ? "needs tc"
    : !hasStrace
    ? skipReason("strace is missing: tc's own request cannot be read")
    : false,
}, () => {
  it("tc prints nlroute's message as it prints its own", () => {
    const dir = testTmpDir();
    const ns = createTestNetns();
    try {
      // tc opens a pinned program before it sends: those cases are nlroute's alone.
      for (const [i, line] of CASES.entries()) {
        if (line.includes(" pinned ")) continue;
        // A bare `handle M fw`: tc sends no TCA_OPTIONS (which cls_fw refuses with a handle,
        // EINVAL); nlroute sends an empty nest, which the kernel takes.
        if (line.endsWith(" fw")) continue;
        const theirs = tcRequest(ns, line);
        assert.ok(typeof theirs !== "string", `tc sent no request for "${line}": ${theirs}`);
        const { bytes } = filterMessage(line);
        // With fromif tc makes the handle from the index; nlroute leaves it to the kernel, which
        // makes the same one (cls_route.c route4_set_parms).
        if (line.includes(" fromif ")) theirs.handle = 0;
        writeFileSync(`${dir}/ours${i}.bin`, bytes);
        writeFileSync(`${dir}/theirs${i}.bin`, withTheirs(bytes, theirs));
        for (const stats of [false, true]) {
          assert.deepEqual(
            textOf(tcMonitor(`${dir}/ours${i}.bin`, stats)),
            textOf(tcMonitor(`${dir}/theirs${i}.bin`, stats)),
            `${line}${stats ? " (-s)" : ""}`,
          );
        }
      }
    } finally {
      removeTestNetns(ns);
    }
  });
});
