/**
 * `nlroute tc qdisc|class|filter`, against tc 6.1: the same hierarchy made
 * by tc in one throwaway namespace and by nlroute in another reads the same
 * through `tc -j -s` and `tc -s -d` (so the CLI's grammar sends what tc
 * sends), and what tc made reads the same through `nlroute -j -s tc …` and
 * `nlroute tc …` (so the printers print what tc prints: qdisc JSON exactly,
 * filter JSON with tc's repeated keys as arrays, class JSON with the field
 * names of tc's JSON class printer, which tc 6.1 does not reach). Filter
 * kinds and actions this kernel lacks are compared offline: the message
 * nlroute's grammar builds is printed by `tc monitor file` and by nlroute's
 * printer. Bad input is one clear line and exit status 1.
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
import { lines, live, nlroute, ok, streams } from "./cli_util.ts";

const hasTc = spawnSync("tc", ["-V"]).status === 0;
const needTc = { skip: !hasTc && "needs tc (iproute2)" };

/** `tc args…` inside `ns` (outside any namespace when ns is ""); its stdout. */
function tc(ns: string, args: string[]): string {
  const argv = ns ? ["netns", "exec", ns, "tc", ...args] : args;
  return execFileSync(ns ? "ip" : "tc", argv, { encoding: "utf8" });
}

const words = (s: string) => s.split(/\s+/).filter(Boolean);

/**
 * JSON as tc writes it, where an object may repeat a key (u32's `match`):
 * a repeated key's values are gathered in an array, as nlroute prints them.
 */
function parseTcJson(text: string): unknown {
  let i = 0;
  const ws = () => {
    while (/\s/.test(text[i] ?? "")) i++;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const o: Record<string, unknown> = {};
      const repeated = new Set<string>();
      ws();
      if (text[i] === "}") return i++, o;
      for (;;) {
        const k = value() as string;
        ws();
        i++; // :
        const v = value();
        if (!Object.hasOwn(o, k)) o[k] = v;
        else if (repeated.has(k)) (o[k] as unknown[]).push(v);
        else {
          o[k] = [o[k], v];
          repeated.add(k);
        }
        ws();
        if (text[i++] === "}") return o;
      }
    }
    if (c === "[") {
      i++;
      const a: unknown[] = [];
      ws();
      if (text[i] === "]") return i++, a;
      for (;;) {
        a.push(value());
        ws();
        if (text[i++] === "]") return a;
      }
    }
    const m = /^("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|true|false|null)/i.exec(
      text.slice(i),
    );
    if (!m) throw new Error(`bad JSON at ${i}: ${text.slice(i, i + 20)}`);
    i += m[0].length;
    return JSON.parse(m[0]);
  };
  return value();
}

/** A copy without the keys that count seconds (tc and nlroute read them a moment apart). */
function timeless(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(timeless);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v).filter(([k]) => !["installed", "last_used", "first_used"].includes(k))
        .map(([k, x]) => [k, timeless(x)]),
    );
  }
  return v;
}

/** Text with the seconds tc counts taken out, and trailing spaces trimmed. */
function textOf(s: string): string[] {
  return lines(s.replace(/ (installed|used|firstused) \d+ sec/g, ""));
}

describe("nlroute tc: the command line", () => {
  it("reads tc's words into IPRoute's specs", () => {
    const spec = (line: string) => parseCommand(words(line), 0).spec;
    assert.deepEqual(spec("tc qdisc add dev v0 root handle 1 htb default 20 r2q 5"), {
      index: "v0",
      parent: "root",
      handle: "1:",
      kind: "htb",
      default: "20",
      r2q: 5,
    });
    assert.deepEqual(spec("tc qdisc add dev v1 ingress"), { index: "v1", kind: "ingress" });
    assert.deepEqual(
      spec("tc class add dev v0 parent 1: classid 1:10 htb rate 1mbit ceil 2mbit prio 1"),
      {
        index: "v0",
        parent: "1:",
        classid: "1:10",
        kind: "htb",
        rate: "1mbit",
        ceil: "2mbit",
        prio: 1,
      },
    );
    assert.deepEqual(
      spec(
        "tc filter add dev v0 parent 1: prot ip pref 3 u32 match ip src 10.0.0.0/8 match ip dport 80 0xffff match u16 0x800 0xffff at nexthdr+2 flowid 1:10",
      ),
      {
        index: "v0",
        parent: "1:",
        protocol: "ip",
        prio: 3,
        kind: "u32",
        classid: "1:10",
        match: [
          { ip: { src: "10.0.0.0/8" } },
          { ip: { dport: [80, 0xffff] } },
          { u16: [0x800, 0xffff], at: 2, atNexthdr: true },
        ],
      },
    );
    assert.deepEqual(
      spec(
        "tc filter add dev v1 ingress matchall action mirred egress redirect dev v0 action drop",
      ),
      {
        index: "v1",
        parent: "ingress",
        kind: "matchall",
        actions: [
          { kind: "mirred", direction: "egress", mode: "redirect", dev: "v0" },
          { kind: "gact", action: "drop" },
        ],
      },
    );
    assert.deepEqual(
      spec(
        "tc filter add dev v1 egress protocol ip flower ip_proto tcp dst_port 80 src_ip 10.1.0.0/16 action police rate 1mbit burst 10k conform-exceed drop/pass",
      ),
      {
        index: "v1",
        parent: "egress",
        protocol: "ip",
        kind: "flower",
        ipProto: "tcp",
        dstPort: "80",
        srcIp: "10.1.0.0/16",
        actions: [{
          kind: "police",
          rate: "1mbit",
          burst: "10k",
          exceed: "drop",
          conform: "pass",
        }],
      },
    );
    // Options after "tc" are nlroute's global options (tc's place for them).
    assert.deepEqual(
      parseCommand(words("tc filter show dev v0 ingress pref 5"), 0).extras.tc,
      { parent: 0xfffffff2, prio: 5 },
    );
  });

  it("refuses bad input with one line naming the argument, before anything is sent", async () => {
    const cases: [string, RegExp][] = [
      ["tc", /"tc" needs an object: qdisc, class or filter/],
      ["tc chain show", /Object "tc chain" is not supported/],
      ["tc qdisc frob", /Command "frob" is unknown, try "nlroute tc qdisc help"/],
      ["tc qdisc add dev v0 root handle x: htb", /argument "handle": expected a qdisc handle/],
      ["tc qdisc add dev v0 root tbf rate 1mbit", /"burst" is required for tbf/],
      ["tc qdisc add dev v0 root htb default zz", /argument "default"/],
      [
        "tc qdisc add dev v0 root sfb limit 10",
        /does not parse the options of qdisc "sfb"/,
      ],
      ["tc qdisc add root htb", /"dev" is required/],
      ["tc class add dev v0 parent 1: classid 1:10 htb ceil 1mbit", /"rate" is required/],
      ["tc class add dev v0 parent 1: classid 1:10 htb rate 1mbit prio 9", /argument "prio"/],
      ["tc filter add dev v0 parent 1: u32 match ip dport 80", /"match ip dport" needs VALUE MASK/],
      ["tc filter add dev v0 parent 1: u32 match ip port 1 2", /argument "match ip": expected src/],
      ["tc filter add dev v0 parent 1: u32 match u32 0 zz", /argument "match u32 mask"/],
      ["tc filter add dev v0 parent 1: u32 bogus", /Unknown argument "bogus" for "tc filter add"/],
      ["tc filter add dev v0 parent 1: pref 70000 u32", /argument "pref"/],
      ["tc filter add dev v0 parent 1: protocol ipx4 u32", /argument "protocol"/],
      ["tc filter add dev v0 handle 1 parent 1:", /Must specify filter type when using "handle"/],
      ["tc filter add dev v0 ingress matchall action frob", /Action "frob" is not supported/],
      ["tc filter add dev v0 ingress matchall action mirred egress dev v1", /mirred needs/],
      ["tc filter add dev v0 ingress flower enc_key_id 5", /flower's "enc_key_id" is not/],
      ["tc filter show", /"dev" is required/],
    ];
    for (const [line, re] of cases) {
      const io = streams();
      assert.equal(await main(words(line), io), 1, line);
      assert.match(io.err(), re, line);
      assert.equal(io.err().split("\n").length, 2, `${line}: one line`);
      assert.equal(io.out(), "", line);
    }
  });

  it("has help for tc and each of its objects", async () => {
    for (
      const [line, head] of [
        ["tc help", "Usage: nlroute [ OPTIONS ] tc"],
        ["tc qdisc help", "Usage: nlroute tc qdisc"],
        ["tc class add --help", "Usage: nlroute tc class"],
        ["tc filter help", "Usage: nlroute tc filter"],
      ] as const
    ) {
      const io = streams();
      assert.equal(await main(words(line), io), 0, line);
      assert.ok(io.out().startsWith(head), `${line}: ${io.out().slice(0, 60)}`);
    }
  });
});

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
 * The RTM_NEWTFILTER message the CLI's words make (lo, index 1, for every
 * device), as tc's monitor reads it (no request flags, no byte-order flags),
 * and the Filter nlroute decodes from it.
 */
function filterMessage(line: string): { bytes: Uint8Array; filter: Filter } {
  const spec = parseCommand(words(`tc filter add ${line}`), 0).spec;
  spec.index = 1;
  for (const a of (spec.actions ?? []) as Record<string, unknown>[]) {
    if (a.dev !== undefined) a.dev = 1;
  }
  const b = NetlinkSocket.compile([buildFilterRequest("add", spec)]);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  dv.setUint16(6, 0, true);
  stripByteorder(b, 16 + 20, dv.getUint32(0, true));
  return { bytes: b, filter: new Filter(b, dv, 0, b.length, dv.getUint16(4, true)) };
}

describe("nlroute tc: filter printers against tc's (tc monitor file)", needTc, () => {
  const names = new Names();
  names.set(1, "lo");
  const dir = testTmpDir();
  const cases = [
    "dev lo ingress protocol ip pref 3 handle 1 flower ip_proto tcp dst_port 80 src_ip 10.1.0.0/16 dst_ip 10.2.0.1 ip_tos 8/0x1c skip_hw action gact drop",
    "dev lo ingress protocol ip pref 4 handle 0x10 flower ip_proto udp src_port 1000-2000 dst_mac 02:00:00:00:00:01 ip_ttl 64 classid 1:10",
    "dev lo ingress protocol 802.1Q pref 5 flower vlan_id 100 vlan_prio 3 vlan_ethtype ipv6 ip_proto tcp tcp_flags 0x2/0x12 action pass",
    "dev lo ingress protocol ip pref 6 flower ct_state +trk+est dst_ip 10.0.0.0/255.0.255.0 action police rate 1mbit burst 10k conform-exceed drop/pipe",
    "dev lo ingress matchall classid 1:1 skip_sw action mirred egress mirror dev lo pipe action mirred ingress redirect dev lo",
    "dev lo ingress pref 9 handle 7 matchall action gact pass random determ drop 10 action goto chain 4",
    "dev lo parent 1: protocol ip pref 2 handle 800::5 u32 ht 800: match ip src 10.0.0.0/8 match tcp dst 22 0xffff match mark 5 0xff indev lo classid 1:20 action police rate 2mbit burst 20k mtu 2k drop",
    "dev lo parent 1: protocol ip pref 2 handle 2: u32 divisor 16",
    "dev lo parent 1: protocol ip pref 2 u32 ht 800:: order 7 match ip dst 10.1.0.0/16 hashkey mask 0x000000ff at 16 link 2:",
  ];
  for (const [i, line] of cases.entries()) {
    it(`prints ${line.split(" ").slice(0, 12).join(" ")} … as tc does`, () => {
      const { bytes, filter } = filterMessage(line);
      const file = `${dir}/filter${i}.bin`;
      writeFileSync(file, bytes);
      for (const stats of [false, true]) {
        const theirs = tc("", [...(stats ? ["-s"] : []), "monitor", "file", file]);
        const ours = printFilter(filter, names, { dev: false, stats, details: false }).text;
        assert.deepEqual(textOf(ours), textOf(theirs), `text${stats ? " -s" : ""}`);
      }
    });
  }

  it("prints tc's JSON field names for flower, matchall and the actions", () => {
    const json = (line: string) =>
      printFilter(filterMessage(line).filter, names, { dev: true, stats: false, details: false })
        .json;
    assert.deepEqual(json(cases[0]!), {
      ingress: true,
      protocol: "ip",
      pref: 3,
      kind: "flower",
      options: {
        handle: 1,
        keys: {
          eth_type: "ipv4",
          ip_proto: "tcp",
          ip_tos: 8,
          ip_tos_mask: "1c",
          dst_ip: "10.2.0.1",
          src_ip: "10.1.0.0/16",
          dst_port: 80,
        },
        skip_hw: true,
        actions: [{
          order: 1,
          kind: "gact",
          control_action: { type: "drop" },
          prob: { random_type: "none", control_action: { type: "pass" }, val: 0 },
          index: 0,
          ref: 0,
          bind: 0,
        }],
      },
    });
    const opts = json(cases[3]!).options as Record<string, unknown>;
    assert.deepEqual((opts.keys as Record<string, unknown>).ct_state, "+trk+est");
    assert.deepEqual(opts.actions, [{
      order: 1,
      kind: "police",
      index: 0,
      // tc repeats control_action for the conform verdict: an array here.
      control_action: [{ type: "drop" }, { type: "pipe" }],
      overhead: 0,
      ref: 0,
      bind: 0,
    }]);
    const m = json(cases[4]!).options as Record<string, unknown>;
    assert.equal(m.flowid, "1:1");
    assert.equal(m.skip_sw, true);
    assert.deepEqual((m.actions as Record<string, unknown>[]).map((a) => a.direction), [
      "egress",
      "ingress",
    ]);
    const range = json(cases[1]!).options as Record<string, Record<string, unknown>>;
    assert.deepEqual(range.keys!.src_port, { start: 1000, end: 2000 });
    const goto = (json(cases[5]!).options as Record<string, Record<string, unknown>[]>).actions!;
    assert.deepEqual(goto[1]!.control_action, { type: "goto", chain: 4 });
  });
});

/** A veth pair v0/v1, up, with IPv6 off (no traffic to count), in `ns`. */
function prepare(ns: string): void {
  execFileSync("ip", ["-n", ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
  for (const conf of ["all", "default"]) {
    spawnSync("ip", ["netns", "exec", ns, "sysctl", "-qw", `net.ipv6.conf.${conf}.disable_ipv6=1`]);
  }
  spawnSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.v0.disable_ipv6=1"]);
  spawnSync("ip", ["netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.v1.disable_ipv6=1"]);
  execFileSync("ip", ["-n", ns, "link", "set", "v0", "up"]);
  execFileSync("ip", ["-n", ns, "link", "set", "v1", "up"]);
}

/** The hierarchy both sides make (tc's words, which nlroute takes as they are). */
const HIERARCHY = [
  "qdisc add dev v0 root handle 1: htb default 20 r2q 5",
  "class add dev v0 parent 1: classid 1:1 htb rate 8mbit ceil 16mbit burst 20k cburst 10k prio 2 quantum 3000",
  "class add dev v0 parent 1:1 classid 1:10 htb rate 5mbit",
  "class add dev v0 parent 1:1 classid 1:20 htb rate 1mbit ceil 2mbit",
  "qdisc add dev v0 parent 1:10 handle 10: tbf rate 512kbit burst 16kb limit 30000",
  "qdisc add dev v0 parent 1:20 handle 20: tbf rate 1mbit burst 32kb latency 50ms peakrate 2mbit mtu 1600",
  "filter add dev v0 parent 1: protocol ip prio 1 u32 match ip src 10.0.0.0/8 match ip dport 80 0xffff flowid 1:10",
  "filter add dev v0 parent 1: protocol ip prio 2 handle 2: u32 divisor 16",
  "filter add dev v0 parent 1: protocol ip prio 2 u32 ht 800:: match ip dst 10.1.0.0/16 hashkey mask 0x000000ff at 16 link 2:",
  "filter add dev v0 parent 1: protocol ip prio 2 u32 ht 2:3 match ip dst 10.1.0.3 classid 1:20",
  "filter add dev v0 parent 1: protocol ip prio 3 u32 match u16 0x0800 0xffff at -2 match u8 6 0xff at 9 match tcp dst 22 0xffff match mark 5 0xff flowid 1:20",
  "qdisc add dev v1 clsact",
  "filter add dev v1 ingress protocol ip prio 5 u32 match ip protocol 17 0xff action mirred egress redirect dev v0",
  "filter add dev v1 egress protocol all prio 7 u32 match u32 0 0 action mirred egress mirror dev v0 pipe action mirred ingress redirect dev v0",
];

/** What both sides are read with. */
const SHOWS = [
  "qdisc show",
  "-s qdisc show",
  "-d -s qdisc show",
  "qdisc show dev v0 parent 1:10",
  "class show dev v0",
  "-s -d class show dev v0",
  "class show dev v0 qdisc 1:",
  "filter show dev v0",
  "-s filter show dev v0 pref 2",
  "filter show dev v1 ingress",
  "-s filter show dev v1 egress",
];

describe(
  "nlroute tc: made by nlroute, read by tc; made by tc, read by nlroute (live)",
  live,
  () => {
    it("sends what tc sends: both hierarchies read the same through tc -j -s and tc -s -d", () => {
      const [ours, theirs] = [createTestNetns(), createTestNetns()];
      try {
        prepare(ours);
        prepare(theirs);
        for (const line of HIERARCHY) {
          tc(theirs, words(line));
          ok(ours, ["tc", ...words(line)]);
        }
        for (const show of SHOWS) {
          const a = words(show);
          assert.deepEqual(textOf(tc(ours, a)), textOf(tc(theirs, a)), `tc ${show}`);
          if (!show.includes("class")) {
            assert.deepEqual(
              timeless(parseTcJson(tc(ours, ["-j", ...a]))),
              timeless(parseTcJson(tc(theirs, ["-j", ...a]))),
              `tc -j ${show}`,
            );
          }
        }
        // The same deleted both ways.
        for (
          const line of [
            "filter del dev v0 parent 1: pref 3",
            "filter del dev v0 parent 1: pref 2",
            "qdisc del dev v0 parent 1:20 handle 20:",
            "class change dev v0 parent 1:1 classid 1:20 htb rate 1500kbit ceil 3mbit prio 4",
            "class add dev v0 parent 1:1 classid 1:30 htb rate 100kbit",
            "class del dev v0 classid 1:30",
          ]
        ) {
          tc(theirs, words(line));
          ok(ours, ["tc", ...words(line)]);
        }
        for (const show of ["-d class show dev v0", "filter show dev v0", "qdisc show"]) {
          assert.deepEqual(textOf(tc(ours, words(show))), textOf(tc(theirs, words(show))), show);
        }
        ok(ours, words("tc qdisc del dev v0 root"));
        ok(ours, words("tc qdisc del dev v1 clsact"));
        assert.deepEqual(
          JSON.parse(tc(ours, words("-j qdisc show dev v0"))).map((q: { kind: string }) => q.kind),
          ["noqueue"],
        );
      } finally {
        removeTestNetns(ours);
        removeTestNetns(theirs);
      }
    });

    it("prints what tc prints: -j and text of tc's own hierarchy", () => {
      const ns = createTestNetns();
      try {
        prepare(ns);
        for (const line of HIERARCHY) tc(ns, words(line));
        for (const show of SHOWS) {
          const a = words(show);
          // Options go before "tc" or after it, as with tc.
          const theirsText = tc(ns, a);
          assert.deepEqual(textOf(ok(ns, ["tc", ...a])), textOf(theirsText), `nlroute tc ${show}`);
          if (show.includes("class")) continue;
          const theirs = timeless(parseTcJson(tc(ns, ["-j", ...a])));
          assert.deepEqual(timeless(JSON.parse(ok(ns, ["-j", "tc", ...a]))), theirs, `-j ${show}`);
        }
        // qdisc JSON is tc's exactly, byte for byte.
        assert.equal(
          ok(ns, words("-j tc -s qdisc show")),
          tc(ns, words("-j -s qdisc show")),
        );
      } finally {
        removeTestNetns(ns);
      }
    });

    it("prints classes with the fields of tc's JSON class printer, the values of tc's text", () => {
      const ns = createTestNetns();
      try {
        prepare(ns);
        for (const line of HIERARCHY.slice(0, 6)) tc(ns, words(line));
        const ours = JSON.parse(ok(ns, words("-j -s tc class show dev v0"))) as Record<
          string,
          unknown
        >[];
        const classes = new Map(ours.map((c) => [c.handle, c]));
        assert.deepEqual([...classes.keys()].sort(), ["10:1", "1:1", "1:10", "1:20", "20:1"]);
        const c1 = classes.get("1:1")!;
        assert.deepEqual(Object.keys(c1), [
          "class",
          "handle",
          "root",
          "rate",
          "ceil",
          "burst",
          "cburst",
          "stats",
        ]);
        assert.deepEqual(
          { class: c1.class, rate: c1.rate, ceil: c1.ceil, burst: c1.burst, cburst: c1.cburst },
          { class: "htb", rate: 1_000_000, ceil: 2_000_000, burst: 20480, cburst: 10240 },
        );
        // An inner class has no prio (tc prints it for leaves only).
        assert.equal(classes.get("1:20")!.prio, 0);
        // An inner class has no prio (tc prints it for leaves only).
        assert.equal(classes.get("1:20")!.prio, 0);
        assert.equal(classes.get("1:10")!.parent, "1:1");
        assert.equal(classes.get("1:10")!.leaf, "0x10");
        assert.deepEqual(Object.keys(classes.get("1:10")!.stats as object), [
          "bytes",
          "packets",
          "drops",
          "overlimits",
          "requeues",
          "backlog",
          "qlen",
          "lended",
          "borrowed",
          "giants",
          "tokens",
          "ctokens",
        ]);
        // The same classes as tc's text, line by line.
        assert.deepEqual(
          textOf(ok(ns, words("tc -s class show dev v0"))),
          textOf(tc(ns, words("-s class show dev v0"))),
        );
      } finally {
        removeTestNetns(ns);
      }
    });

    it("reports the kernel's refusal with exit status 2, a missing device with 1", () => {
      const ns = createTestNetns();
      try {
        prepare(ns);
        ok(ns, words("tc qdisc add dev v0 root handle 1: htb"));
        let r = nlroute(["-n", ns, ...words("tc qdisc add dev v0 root handle 1: htb")]);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /^Error: Cannot add tc qdisc: .*\(EEXIST\)\n$/);
        r = nlroute(["-n", ns, ...words("tc class show dev v9")]);
        assert.equal(r.code, 1);
        assert.equal(r.stderr, 'Error: Cannot find device "v9"\n');
        r = nlroute([
          "-n",
          ns,
          ...words("tc qdisc add dev v0 parent 1: tbf rate 1mbitz burst 1k limit 1k"),
        ]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, /^Error: argument "rate": expected a rate/);
      } finally {
        removeTestNetns(ns);
      }
    });
  },
);

const KINDS = [
  "qdisc add dev v1 clsact",
  "filter add dev v1 ingress protocol ip pref 3 flower ip_proto tcp dst_port 80 src_ip 10.1.0.0/16 action gact drop",
  "filter add dev v1 ingress pref 4 matchall action police rate 1mbit burst 10k conform-exceed drop/pass",
  "filter add dev v1 egress pref 5 matchall action gact pass random determ drop 10 action mirred egress mirror dev v0",
];
const KINDS_SKIP = skipReason(isRoot && tcRefuses(KINDS, prepare));

describe("nlroute tc: flower, matchall, gact and police (live)", {
  skip: !isRoot ? "needs root for namespaces" : KINDS_SKIP,
}, () => {
  it("makes them as tc does and prints them as tc does", () => {
    const [ours, theirs] = [createTestNetns(), createTestNetns()];
    try {
      prepare(ours);
      prepare(theirs);
      for (const line of KINDS) {
        tc(theirs, words(line));
        ok(ours, ["tc", ...words(line)]);
      }
      for (const show of ["filter show dev v1 ingress", "-s filter show dev v1 egress"]) {
        const a = words(show);
        assert.deepEqual(textOf(tc(ours, a)), textOf(tc(theirs, a)), `tc ${show}`);
        assert.deepEqual(
          textOf(ok(theirs, ["tc", ...a])),
          textOf(tc(theirs, a)),
          `nlroute ${show}`,
        );
        assert.deepEqual(
          timeless(JSON.parse(ok(theirs, ["-j", "tc", ...a]))),
          timeless(parseTcJson(tc(theirs, ["-j", ...a]))),
          `-j ${show}`,
        );
      }
    } finally {
      removeTestNetns(ours);
      removeTestNetns(theirs);
    }
  });
});
