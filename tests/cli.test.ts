/**
 * The `nlroute` command, run as a child process (`deno run -A cli/cli.ts` under
 * Deno, `bun cli/cli.ts` under Bun) against throwaway namespaces built by the
 * tests with iproute2: `-j` output compared with `ip -j` field by field, `-br`
 * and text lines compared with ip's, changes checked with `ip -j`, exit codes
 * and one-line messages for bad input, `--help`, `--version`, colour, monitor.
 * Every command that could change anything runs with `-n <throwaway ns>`.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import process from "node:process";
import meta from "../deno.json" with { type: "json" };
import { parseCommand } from "../cli/parse/command.ts";
import { parseGlobal } from "../cli/parse/options.ts";
import { linkFlags } from "../cli/format/link.ts";
import { useColor } from "../cli/color.ts";
import {
  createTestNetns,
  ip,
  ipJson,
  isRoot,
  removeTestNetns,
  runtime,
  testName,
} from "./helpers.ts";

const CLI = new URL("../cli/cli.ts", import.meta.url).pathname;
const VERSION: string = meta.version;
const live = { skip: !isRoot && "needs root for namespaces" };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The command line that runs the CLI under the current runtime. */
function argvFor(args: readonly string[]): string[] {
  return runtime === "deno" ? ["run", "-A", "--quiet", CLI, ...args] : [CLI, ...args];
}

/** Environment for the child: NO_COLOR removed unless given. */
function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  delete env.NO_COLOR;
  return { ...env, ...extra };
}

/** Runs `nlroute args…`; returns exit code and output. */
function nlroute(args: readonly string[], env?: Record<string, string>): Run {
  const r = spawnSync(process.execPath, argvFor(args), {
    encoding: "utf8",
    env: childEnv(env),
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Runs `nlroute -n ns args…`, expecting success; returns stdout. */
function ok(ns: string, args: readonly string[]): string {
  const r = nlroute(["-n", ns, ...args]);
  assert.equal(r.code, 0, `nlroute ${args.join(" ")} failed: ${r.stderr}`);
  assert.equal(r.stderr, "", `nlroute ${args.join(" ")} wrote to stderr`);
  return r.stdout;
}

/** Lines with trailing spaces removed (ip leaves a space after most fields). */
function lines(text: string): string[] {
  const out = text.split("\n").map((l) => l.trimEnd());
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}

/** ip's `-o` output normalised: no space before the line-joining backslash. */
function onelineNormal(text: string): string[] {
  return lines(text).map((l) => l.replace(/ +\\/g, "\\"));
}

/** Keys ip prints that nlroute does not (documented gaps); empty today. */
const IP_ONLY_KEYS = new Set<string>([]);

/** Compares nlroute's JSON list with ip's, item by item and field by field. */
function assertSameJson(
  ours: Record<string, unknown>[],
  all: Record<string, unknown>[],
  what: string,
): void {
  assert.ok(Array.isArray(ours), `${what}: nlroute -j did not print an array`);
  // ip -j prints `{}` for each link a filter (`up`) leaves out: not an object.
  const theirs = all.filter((o) => Object.keys(o).length > 0);
  assert.equal(
    ours.length,
    theirs.length,
    `${what}: ${ours.length} objects, ip has ${theirs.length}`,
  );
  ours.forEach((o, i) => {
    const t = theirs[i]!;
    const label = `${what}[${i}] (${JSON.stringify(t).slice(0, 120)})`;
    for (const k of Object.keys(t)) {
      if (k in o) assert.deepEqual(o[k], t[k], `${label}: field "${k}"`);
      else assert.ok(IP_ONLY_KEYS.has(k), `${label}: nlroute lacks field "${k}"`);
    }
    for (const k of Object.keys(o)) assert.ok(k in t, `${label}: ip has no field "${k}"`);
  });
}

/** Sets sysctls in the namespace so that IPv6 state is settled at once (no DAD, no RS). */
function quietIPv6(ns: string): void {
  for (const conf of ["all", "default"]) {
    for (const [key, value] of [["accept_dad", "0"], ["router_solicitations", "0"]]) {
      spawnSync("ip", [
        "netns",
        "exec",
        ns,
        "sysctl",
        "-qw",
        `net.ipv6.conf.${conf}.${key}=${value}`,
      ]);
    }
  }
}

/** The objects the comparison tests show, built with iproute2 (the oracle). */
function buildScene(ns: string): void {
  quietIPv6(ns);
  const cmds = [
    "link add v0 type veth peer name v1",
    "link set v0 up",
    "link set v1 up",
    "link add br0 type bridge",
    "link set v1 master br0",
    "link set br0 up",
    "link add v2 type veth peer name v3",
    "link set v2 up",
    "link set v3 mtu 9000",
    "addr add 10.0.0.1/24 dev v0",
    "addr add 10.0.0.5/24 brd + dev v0 label v0:1",
    "addr add 10.0.0.9 peer 10.0.0.10/32 dev v0",
    "-6 addr add 2001:db8::1/64 dev v0 nodad",
    "route add 10.1.0.0/16 via 10.0.0.2 dev v0 table 100 metric 10",
    "route add 10.2.0.0/16 via 10.0.0.2 dev v0 mtu 1400",
    "route add 10.3.0.0/16 nexthop via 10.0.0.2 dev v0 weight 2 nexthop via 10.0.0.3 dev v0",
    "route add blackhole 10.5.0.0/16",
    "route add default via 10.0.0.254 dev v0 proto static metric 5",
    "-6 route add 2001:db9::/32 via 2001:db8::2 dev v0",
    "neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent",
    "neigh add 10.0.0.4 lladdr 02:00:00:00:00:04 dev v0 nud stale",
    "-6 neigh add 2001:db8::2 lladdr 02:00:00:00:00:02 dev v0 router nud permanent",
    "neigh add proxy 10.0.0.77 dev v0",
    "nexthop add id 1 via 10.0.0.2 dev v0",
    "nexthop add id 2 via 10.0.0.3 dev v0",
    "nexthop add id 5 blackhole",
    "nexthop add id 6 via 10.0.0.4 dev v0 proto static onlink",
    "nexthop add id 10 group 1/2,3",
    "route add 10.6.0.0/16 nhid 1",
    "rule add from 10.0.0.0/8 table 100 priority 100",
    "rule add fwmark 0x10/0xff iif v0 table 100 priority 101",
    "rule add not to 192.168.0.0/16 oif v0 priority 200 unreachable",
    "rule add priority 300 goto 32766",
    "rule add priority 302 from 10.9.0.0/16 tos 0x10 table 5 protocol static",
    "-6 rule add from 2001:db8::/32 table 100 priority 100",
  ];
  for (const c of cmds) ip(c.split(" "), ns);
  // The bridge gets its carrier (and its IPv6 link-local address) a moment
  // after it is up: wait, so that ip and nlroute see the same state.
  for (let i = 0; i < 100; i++) {
    const [br] = ipJson(["link", "show", "dev", "br0"], ns);
    if (br.operstate === "UP" && ipJson(["-6", "addr", "show", "dev", "br0"], ns).length > 0) break;
    spawnSync("sleep", ["0.05"]);
  }
}

// -- without a namespace: parsing, help, version -------------------------------

describe("nlroute: argument parsing (unit)", () => {
  it("parses ip's global options with node:util parseArgs", () => {
    const { options, words } = parseGlobal(["-n", "blue", "-br", "-j", "-p", "-4", "-c", "link"]);
    assert.equal(options.netns, "blue");
    assert.equal(options.brief, true);
    assert.equal(options.json, true);
    assert.equal(options.pretty, true);
    assert.equal(options.family, 2);
    assert.equal(options.color, "always");
    assert.deepEqual(words, ["link"]);
    assert.equal(parseGlobal(["-6", "route"]).options.family, 10);
    assert.equal(parseGlobal(["-f", "inet6", "route"]).options.family, 10);
    assert.equal(parseGlobal(["--color=never", "link"]).options.color, "never");
    assert.equal(parseGlobal(["-netns", "x", "-json", "link"]).options.netns, "x");
    assert.equal(parseGlobal(["link", "show", "--help"]).options.help, true);
  });

  it("turns ip's keyword grammar into IPRoute specs", () => {
    const cases: [string, string, Record<string, unknown>][] = [
      ["link set dev v0 mtu 1400 up", "set", { index: "v0", mtu: 1400, state: "up" }],
      [
        "route add 10.1.0.0/16 via 10.0.0.2 dev v0 table 100 metric 10",
        "add",
        { dst: "10.1.0.0/16", gateway: "10.0.0.2", oif: "v0", table: 100, priority: 10 },
      ],
      ["addr add 10.0.0.1/24 dev v0", "add", { address: "10.0.0.1/24", index: "v0" }],
      [
        "neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent",
        "add",
        { dst: "10.0.0.2", lladdr: "02:00:00:00:00:02", index: "v0", state: "permanent" },
      ],
      [
        "rule add from 10.0.0.0/8 table 100 priority 100",
        "add",
        { src: "10.0.0.0/8", table: 100, priority: 100 },
      ],
      [
        "nexthop add id 1 via 10.0.0.2 dev v0",
        "add",
        { id: 1, gateway: "10.0.0.2", oif: "v0" },
      ],
      ["link add v0 type veth peer name v1", "add", { ifname: "v0", kind: "veth", peer: "v1" }],
      ["link show dev v0", "show", { ifname: "v0" }],
      ["link show v0", "show", { ifname: "v0" }],
      ["route show table 100", "show", { table: 100, family: 2 }],
      [
        "route add 10.3.0.0/16 nexthop via 10.0.0.2 dev v0 weight 2 nexthop via 10.0.0.3",
        "add",
        {
          dst: "10.3.0.0/16",
          multipath: [{ gateway: "10.0.0.2", oif: "v0", weight: 2 }, { gateway: "10.0.0.3" }],
        },
      ],
      ["nexthop add id 10 group 1/2,3", "add", {
        id: 10,
        group: [{ id: 1 }, { id: 2, weight: 3 }],
      }],
      ["a del 10.0.0.1/24 dev v0", "del", { address: "10.0.0.1/24", index: "v0" }],
    ];
    for (const [line, action, spec] of cases) {
      const inv = parseCommand(line.split(" "), 0);
      assert.equal(inv.action, action, line);
      assert.deepEqual(inv.spec, spec, line);
    }
    assert.ok(parseCommand(["route", "show", "table", "100"], 0).hide.has("table"));
    assert.equal(parseCommand(["r"], 0).object, "route");
    assert.equal(parseCommand(["l", "sh"], 0).action, "show");
  });

  it("spells link flags as ip does", () => {
    assert.deepEqual(linkFlags(0x11043), ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"]);
    assert.deepEqual(linkFlags(0x1003, true), [
      "NO-CARRIER",
      "BROADCAST",
      "MULTICAST",
      "UP",
      "M-DOWN",
    ]);
    assert.deepEqual(linkFlags(0x10049), ["LOOPBACK", "UP", "LOWER_UP"]);
    assert.deepEqual(linkFlags(0x1090), ["POINTOPOINT", "MULTICAST", "NOARP"]);
  });

  it("colours only on a terminal or when forced, never with NO_COLOR", () => {
    assert.equal(useColor("auto", true, {}), true);
    assert.equal(useColor("auto", false, {}), false);
    assert.equal(useColor("always", false, {}), true);
    assert.equal(useColor("never", true, {}), false);
    assert.equal(useColor("always", true, { NO_COLOR: "1" }), false);
    assert.equal(useColor("auto", true, { NO_COLOR: "" }), true);
  });
});

describe("nlroute: --help and --version", () => {
  it("prints the version", () => {
    for (const flag of ["--version", "-V", "-Version"]) {
      const r = nlroute([flag]);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `nlroute ${VERSION}\n`);
      assert.equal(r.stderr, "");
    }
  });

  it("prints the general usage", () => {
    for (const args of [["--help"], ["-h"], ["help"]]) {
      const r = nlroute(args);
      assert.equal(r.code, 0, args.join(" "));
      assert.match(r.stdout, /^Usage: nlroute \[ OPTIONS \] OBJECT/);
      assert.equal(r.stderr, "");
    }
    const none = nlroute([]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^Usage: nlroute/);
  });

  const objects: [string, string[]][] = [
    ["link", ["show", "add", "set", "del"]],
    ["address", ["show", "add", "del", "flush"]],
    ["route", ["show", "add", "del", "get", "flush"]],
    ["neigh", ["show", "add", "del"]],
    ["rule", ["show", "add", "del"]],
    ["nexthop", ["show", "add", "del", "get"]],
    ["netns", ["list", "add", "del"]],
    ["monitor", []],
  ];
  for (const [object, commands] of objects) {
    it(`has help for ${object} and each of its commands`, () => {
      const variants = [[object, "help"], [object, "--help"], ["--help", object]];
      for (const c of commands) variants.push([object, c, "--help"]);
      for (const args of variants) {
        const r = nlroute(args);
        assert.equal(r.code, 0, args.join(" "));
        assert.ok(
          r.stdout.startsWith(`Usage: nlroute ${object}`),
          `${args.join(" ")}: ${r.stdout}`,
        );
        assert.equal(r.stderr, "");
      }
    });
  }
});

describe("nlroute: bad input", () => {
  // Parsing fails before anything is opened; -n still points at a namespace
  // that does not exist, so even a parser bug could not touch the host.
  const ns = testName("absent");
  const cases: [string[], RegExp | string][] = [
    [
      ["link", "set", "dev", "v0", "mtu", "abc"],
      'Error: argument "mtu": expected an integer from 68 to 4294967295, got "abc"',
    ],
    [["bogus"], 'Error: Object "bogus" is unknown, try "nlroute help".'],
    [["link", "bogus"], 'Error: Command "bogus" is unknown, try "nlroute link help".'],
    [
      ["route", "add", "1.2.3.4/40", "dev", "v0"],
      'Error: argument "to": expected an address or a prefix such as "10.0.0.0/24", got "1.2.3.4/40"',
    ],
    [
      ["link", "set", "dev", "v0", "mtu", "1400", "mtu", "1500"],
      'Error: argument "mtu" is given twice in "link set".',
    ],
    [
      ["link", "set", "dev", "v0", "frobnicate"],
      'Error: Unknown argument "frobnicate" for "link set", try "nlroute link help".',
    ],
    [["route", "add", "10.0.0.0/8", "via"], 'Error: argument "via" needs a value in "route add".'],
    [["route", "add"], /^Error: Command line is not complete for "route add"/],
    [["addr", "add", "10.0.0.1/24"], /^Error: Not enough information: "dev" argument is required/],
    [
      ["neigh", "add", "10.0.0.2", "lladdr", "zz", "dev", "v0"],
      'Error: argument "lladdr": expected a link-layer address such as "02:00:00:00:00:01", got "zz"',
    ],
    [["rule", "add", "from", "abc"], /^Error: argument "from": expected an address or a prefix/],
    [["route", "show", "table", "nosuch"], /^Error: argument "table": expected a table name/],
    [["nexthop", "del"], /^Error: Command line is not complete for "nexthop del"/],
    [["link", "add", "x0", "type", "vxlan", "bogus", "1"], /^Error: Unknown argument "bogus"/],
  ];

  it("prints one line naming the problem and exits 1, without a stack trace", () => {
    for (const [args, expected] of cases) {
      const r = nlroute(["-n", ns, ...args]);
      const what = args.join(" ");
      assert.equal(r.code, 1, `${what}: exit ${r.code}`);
      assert.equal(r.stdout, "", what);
      assert.equal(r.stderr.split("\n").length, 2, `${what}: not one line: ${r.stderr}`);
      if (typeof expected === "string") assert.equal(r.stderr, `${expected}\n`, what);
      else assert.match(r.stderr, expected, what);
    }
  });

  it("refuses unknown options and missing option values in one line", () => {
    for (
      const [args, expected] of [
        [["-x", "link"], 'Error: Option "-x" is unknown, try "nlroute --help".'],
        [["-n"], 'Error: Option "--netns" needs a value, try "nlroute --help".'],
        [["--color=sometimes", "link"], /^Error: argument "color": expected always, auto or never/],
        [["-f", "ipx", "link"], /^Error: argument "family": expected inet or inet6/],
      ] as [string[], string | RegExp][]
    ) {
      const r = nlroute(args);
      assert.equal(r.code, 1, args.join(" "));
      assert.equal(r.stderr.split("\n").length, 2, r.stderr);
      if (typeof expected === "string") assert.equal(r.stderr, `${expected}\n`);
      else assert.match(r.stderr, expected);
    }
  });

  it("adds the stack trace with --debug", () => {
    const r = nlroute(["--debug", "-n", ns, "link", "set", "dev", "v0", "mtu", "abc"]);
    assert.equal(r.code, 1);
    const [first, ...rest] = r.stderr.trimEnd().split("\n");
    assert.equal(
      first,
      'Error: argument "mtu": expected an integer from 68 to 4294967295, got "abc"',
    );
    assert.ok(rest.some((l) => /^\s+at /.test(l)), r.stderr);
  });
});

// -- output compared with ip ----------------------------------------------------

describe("nlroute: output compared with ip (live)", live, () => {
  let ns = "";
  before(() => {
    ns = createTestNetns();
    buildScene(ns);
  });
  after(() => removeTestNetns(ns));

  const JSON_CASES: string[][] = [
    ["link", "show"],
    ["link", "show", "dev", "v0"],
    ["link", "show", "up"],
    ["address", "show"],
    ["-4", "address", "show"],
    ["-6", "address", "show", "dev", "v0"],
    ["route", "show"],
    ["route", "show", "table", "100"],
    ["route", "show", "table", "all"],
    ["route", "show", "table", "local"],
    ["route", "show", "dev", "v0"],
    ["-6", "route", "show"],
    ["neigh", "show"],
    ["neigh", "show", "dev", "v0"],
    ["-6", "neigh", "show"],
    ["neigh", "show", "proxy"],
    ["rule", "show"],
    ["-6", "rule", "show"],
    ["nexthop", "show"],
    ["nexthop", "show", "id", "10"],
  ];

  it("-j prints what ip -j prints, field by field", () => {
    for (const args of JSON_CASES) {
      const ours = JSON.parse(ok(ns, ["-j", ...args]));
      assertSameJson(ours, ipJson(args, ns), args.join(" "));
    }
  });

  it("-j -p prints the same objects, indented", () => {
    const out = ok(ns, ["-j", "-p", "link", "show"]);
    assert.ok(out.includes("\n    "), out);
    assertSameJson(JSON.parse(out), ipJson(["link", "show"], ns), "link show (pretty)");
  });

  it("-j -br prints ip's brief objects", () => {
    for (const object of ["link", "address", "neigh"]) {
      const ours = JSON.parse(ok(ns, ["-j", "-br", object]));
      assertSameJson(ours, ipJson(["-br", object], ns), `-br ${object}`);
    }
  });

  it("-br prints ip -br's lines", () => {
    for (
      const args of [["link"], ["address"], ["-4", "address"], ["neigh"], ["link", "show", "up"]]
    ) {
      assert.deepEqual(
        lines(ok(ns, ["-br", ...args])),
        lines(ip(["-br", ...args], ns)),
        args.join(" "),
      );
    }
  });

  it("text output has ip's lines", () => {
    const cases = [
      ["link"],
      ["address"],
      ["route"],
      ["route", "show", "table", "all"],
      ["-6", "route"],
      ["neigh"],
      ["rule"],
      ["-6", "rule"],
      ["nexthop"],
    ];
    for (const args of cases) {
      assert.deepEqual(lines(ok(ns, args)), lines(ip(args, ns)), args.join(" "));
    }
  });

  it("-o prints one line per object, as ip -o", () => {
    for (const args of [["link"], ["address"], ["route"]]) {
      assert.deepEqual(
        onelineNormal(ok(ns, ["-o", ...args])),
        onelineNormal(ip(["-o", ...args], ns)),
      );
    }
  });

  it("route get shows the route the kernel picks", () => {
    // Rule 200 (not to 192.168.0.0/16 oif v0: unreachable) lets this one through.
    const args = ["route", "get", "192.168.1.1", "oif", "v0"];
    const ours = JSON.parse(ok(ns, ["-j", ...args]));
    const theirs = ipJson(args, ns);
    assertSameJson(ours, theirs, "route get");
  });

  it("colours text on demand, never JSON, never with NO_COLOR, not in pipes", () => {
    const esc = "\x1b[";
    assert.ok(!nlroute(["-n", ns, "-br", "link"]).stdout.includes(esc), "colour in a pipe");
    const forced = nlroute(["-n", ns, "-c", "-br", "link"]).stdout;
    assert.ok(forced.includes("\x1b[36mv0@v1\x1b[0m"), forced);
    assert.ok(nlroute(["-n", ns, "--color=always", "addr"]).stdout.includes("\x1b[35m10.0.0.1"));
    assert.ok(!nlroute(["-n", ns, "--color=never", "-br", "link"]).stdout.includes(esc));
    assert.ok(!nlroute(["-n", ns, "-c", "-br", "link"], { NO_COLOR: "1" }).stdout.includes(esc));
    const json = nlroute(["-n", ns, "-c", "-j", "link"]).stdout;
    assert.ok(!json.includes(esc));
    JSON.parse(json);
    // Colour does not change the text otherwise.
    const plain = forced.split("\x1b[").map((p, i) => (i ? p.replace(/^[0-9;]*m/, "") : p)).join(
      "",
    );
    assert.deepEqual(lines(plain), lines(ip(["-br", "link"], ns)));
  });
});

// -- changes, checked with ip ----------------------------------------------------

describe("nlroute: changes (live)", live, () => {
  let ns = "";
  before(() => {
    ns = createTestNetns();
    quietIPv6(ns);
  });
  after(() => removeTestNetns(ns));

  it("link add, set and del", () => {
    assert.equal(ok(ns, ["link", "add", "v0", "type", "veth", "peer", "name", "v1"]), "");
    ok(ns, ["link", "set", "dev", "v0", "mtu", "1400", "up"]);
    let [v0] = ipJson(["link", "show", "dev", "v0"], ns);
    assert.equal(v0.mtu, 1400);
    assert.ok(v0.flags.includes("UP"));
    ok(ns, ["link", "set", "v1", "address", "02:00:00:00:00:11", "txqlen", "500", "up"]);
    const [v1] = ipJson(["link", "show", "dev", "v1"], ns);
    assert.equal(v1.address, "02:00:00:00:00:11");
    assert.equal(v1.txqlen, 500);
    ok(ns, ["link", "add", "br0", "type", "bridge"]);
    ok(ns, ["link", "set", "dev", "v1", "master", "br0"]);
    assert.equal(ipJson(["link", "show", "dev", "v1"], ns)[0].master, "br0");
    ok(ns, ["link", "set", "dev", "v1", "nomaster"]);
    assert.equal(ipJson(["link", "show", "dev", "v1"], ns)[0].master, undefined);
    ok(ns, ["link", "set", "dev", "v0", "down", "name", "w0", "alias", "uplink"]);
    [v0] = ipJson(["link", "show", "dev", "w0"], ns);
    assert.ok(!v0.flags.includes("UP"));
    assert.equal(v0.ifalias, "uplink");
    ok(ns, ["link", "set", "w0", "name", "v0"]);
    ok(ns, ["link", "del", "br0"]);
    assert.ok(!ipJson(["link", "show"], ns).some((l: { ifname: string }) => l.ifname === "br0"));
  });

  it("address add, del and flush", () => {
    ok(ns, ["link", "set", "v0", "up"]);
    ok(ns, ["address", "add", "10.0.0.1/24", "dev", "v0"]);
    ok(ns, ["addr", "add", "10.0.0.5/24", "brd", "+", "dev", "v0", "label", "v0:1"]);
    ok(ns, ["-6", "addr", "add", "2001:db8::1/64", "dev", "v0", "nodad"]);
    let info = ipJson(["addr", "show", "dev", "v0"], ns)[0].addr_info;
    const v4 = info.filter((a: { family: string }) => a.family === "inet");
    assert.deepEqual(v4.map((a: { local: string }) => a.local), ["10.0.0.1", "10.0.0.5"]);
    assert.equal(v4[1].broadcast, "10.0.0.255");
    assert.equal(v4[1].label, "v0:1");
    assert.ok(
      info.some((a: { local: string; nodad?: boolean }) => a.local === "2001:db8::1" && a.nodad),
    );
    ok(ns, ["addr", "del", "10.0.0.5/24", "dev", "v0"]);
    info = ipJson(["-4", "addr", "show", "dev", "v0"], ns)[0].addr_info;
    assert.deepEqual(info.map((a: { local: string }) => a.local), ["10.0.0.1"]);
    ok(ns, ["addr", "add", "10.0.1.1/24", "dev", "v1"]);
    ok(ns, ["-4", "addr", "flush", "dev", "v1"]);
    assert.deepEqual(ipJson(["-4", "addr", "show", "dev", "v1"], ns), []);
  });

  it("route add, replace, del and flush", () => {
    ok(ns, ["link", "set", "v1", "up"]);
    ok(ns, [
      "route",
      "add",
      "10.1.0.0/16",
      "via",
      "10.0.0.2",
      "dev",
      "v0",
      "table",
      "100",
      "metric",
      "10",
    ]);
    assertSameJson(
      [{ dst: "10.1.0.0/16", gateway: "10.0.0.2", dev: "v0", metric: 10, flags: [] }],
      ipJson(["route", "show", "table", "100"], ns),
      "route add table 100",
    );
    ok(ns, [
      "route",
      "add",
      "10.3.0.0/16",
      "nexthop",
      "via",
      "10.0.0.2",
      "dev",
      "v0",
      "weight",
      "2",
      "nexthop",
      "via",
      "10.0.0.3",
      "dev",
      "v0",
    ]);
    const [mp] = ipJson(["route", "show", "10.3.0.0/16"], ns);
    assert.deepEqual(
      mp.nexthops.map((n: { gateway: string; weight: number }) => [n.gateway, n.weight]),
      [
        ["10.0.0.2", 2],
        ["10.0.0.3", 1],
      ],
    );
    ok(ns, ["route", "add", "blackhole", "10.5.0.0/16"]);
    ok(ns, [
      "route",
      "replace",
      "10.2.0.0/16",
      "via",
      "10.0.0.2",
      "mtu",
      "1300",
      "proto",
      "static",
    ]);
    const [r2] = ipJson(["route", "show", "10.2.0.0/16"], ns);
    assert.deepEqual(r2.metrics, [{ mtu: 1300 }]);
    assert.equal(r2.protocol, "static");
    ok(ns, ["-6", "route", "add", "2001:db9::/32", "via", "2001:db8::2", "dev", "v0"]);
    assert.equal(ipJson(["-6", "route", "show", "2001:db9::/32"], ns)[0].gateway, "2001:db8::2");
    ok(ns, ["route", "del", "10.3.0.0/16"]);
    assert.deepEqual(ipJson(["route", "show", "10.3.0.0/16"], ns), []);
    ok(ns, ["route", "flush", "table", "100"]);
    assert.deepEqual(ipJson(["route", "show", "table", "100"], ns), []);
  });

  it("neigh add and del", () => {
    ok(ns, [
      "neigh",
      "add",
      "10.0.0.2",
      "lladdr",
      "02:00:00:00:00:02",
      "dev",
      "v0",
      "nud",
      "permanent",
    ]);
    ok(ns, [
      "-6",
      "neigh",
      "add",
      "2001:db8::2",
      "lladdr",
      "02:00:00:00:00:02",
      "dev",
      "v0",
      "router",
    ]);
    assertSameJson(
      [
        { dst: "10.0.0.2", dev: "v0", lladdr: "02:00:00:00:00:02", state: ["PERMANENT"] },
        {
          dst: "2001:db8::2",
          dev: "v0",
          lladdr: "02:00:00:00:00:02",
          router: null,
          state: ["PERMANENT"],
        },
      ],
      ipJson(["neigh", "show"], ns),
      "neigh add",
    );
    ok(ns, ["neigh", "del", "10.0.0.2", "dev", "v0"]);
    assert.equal(ipJson(["-4", "neigh", "show"], ns).length, 0);
  });

  it("rule add and del", () => {
    ok(ns, ["rule", "add", "from", "10.0.0.0/8", "table", "100", "priority", "100"]);
    ok(ns, ["rule", "add", "fwmark", "0x10/0xff", "iif", "v0", "lookup", "100", "pref", "101"]);
    const rules = ipJson(["rule", "show"], ns);
    assert.deepEqual(rules.find((r: { priority: number }) => r.priority === 100), {
      priority: 100,
      src: "10.0.0.0",
      srclen: 8,
      table: "100",
    });
    assert.deepEqual(rules.find((r: { priority: number }) => r.priority === 101), {
      priority: 101,
      src: "all",
      fwmark: "0x10",
      fwmask: "0xff",
      iif: "v0",
      table: "100",
    });
    ok(ns, ["rule", "del", "priority", "100"]);
    ok(ns, ["rule", "del", "priority", "101"]);
    assert.deepEqual(
      ipJson(["rule", "show"], ns).map((r: { priority: number }) => r.priority),
      [0, 32766, 32767],
    );
  });

  it("nexthop add and del", () => {
    ok(ns, ["nexthop", "add", "id", "1", "via", "10.0.0.2", "dev", "v0"]);
    ok(ns, ["nexthop", "add", "id", "2", "via", "10.0.0.3", "dev", "v0"]);
    ok(ns, ["nexthop", "add", "id", "10", "group", "1/2,3"]);
    assertSameJson(
      JSON.parse(ok(ns, ["-j", "nexthop", "show"])),
      ipJson(["nexthop", "show"], ns),
      "nexthop show",
    );
    assert.deepEqual(ipJson(["nexthop", "show", "id", "10"], ns)[0].group, [{ id: 1 }, {
      id: 2,
      weight: 3,
    }]);
    assertSameJson(
      JSON.parse(ok(ns, ["-j", "nexthop", "get", "id", "10"])),
      ipJson(["nexthop", "show", "id", "10"], ns),
      "nexthop get",
    );
    ok(ns, ["nexthop", "del", "id", "10"]);
    assert.deepEqual(ipJson(["nexthop", "show"], ns).map((n: { id: number }) => n.id), [1, 2]);
  });

  it("exits 2 with one line when the kernel refuses, 1 for a missing device", () => {
    ok(ns, ["route", "add", "10.7.0.0/16", "via", "10.0.0.2", "dev", "v0"]);
    const before = ip(["route", "show", "table", "all"], ns);
    const dup = nlroute(["-n", ns, "route", "add", "10.7.0.0/16", "via", "10.0.0.2", "dev", "v0"]);
    assert.equal(dup.code, 2);
    assert.equal(dup.stderr, "Error: Cannot add route: File exists (EEXIST)\n");
    const gone = nlroute(["-n", ns, "route", "del", "10.77.0.0/16"]);
    assert.equal(gone.code, 2);
    assert.equal(gone.stderr, "Error: Cannot delete route: No such process (ESRCH)\n");
    const nodev = nlroute(["-n", ns, "link", "set", "dev", "nosuch", "up"]);
    assert.equal(nodev.code, 1);
    assert.equal(nodev.stderr, 'Error: Cannot find device "nosuch"\n');
    const noshow = nlroute(["-n", ns, "link", "show", "nosuch"]);
    assert.equal(noshow.code, 1);
    assert.equal(noshow.stderr, 'Error: Device "nosuch" does not exist.\n');
    const noaddr = nlroute(["-n", ns, "addr", "add", "10.9.0.1/24", "dev", "nosuch"]);
    assert.equal(noaddr.code, 1);
    assert.equal(noaddr.stderr, 'Error: Cannot find device "nosuch"\n');
    assert.equal(
      ip(["route", "show", "table", "all"], ns),
      before,
      "a refused command changed nothing",
    );
  });

  it("-n with a namespace that does not exist is one line, exit 1", () => {
    const r = nlroute(["-n", `nlrt-${process.pid}-missing`, "link"]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split("\n").length, 2, r.stderr);
    assert.match(r.stderr, /^Error: Cannot open namespace .*ENOENT/);
  });
});

// -- netns ------------------------------------------------------------------------

describe("nlroute: netns (live)", live, () => {
  const name = `nlrt-${process.pid}-cli-netns`;
  after(() => void spawnSync("ip", ["netns", "del", name]));

  it("adds, lists and deletes named namespaces like ip netns", () => {
    const add = nlroute(["netns", "add", name]);
    assert.equal(add.code, 0, add.stderr);
    assert.ok(ip(["netns", "list"]).split("\n").some((l) => l.split(" ")[0] === name));
    const listed = JSON.parse(nlroute(["-j", "netns", "list"]).stdout) as { name: string }[];
    assert.ok(listed.some((n) => n.name === name));
    // The namespaces both list (others may come and go meanwhile) agree on ids.
    const theirs = new Map<string, unknown>(
      ipJson(["netns", "list"]).map((n: { name: string; id?: number }) => [n.name, n.id]),
    );
    for (const n of listed as { name: string; id?: number }[]) {
      if (theirs.has(n.name) && n.name.startsWith(`nlrt-${process.pid}-`)) {
        assert.equal(n.id, theirs.get(n.name));
      }
    }
    assert.ok(nlroute(["netns", "list"]).stdout.split("\n").some((l) => l.split(" ")[0] === name));
    const again = nlroute(["netns", "add", name]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^Error: .*EEXIST.*\n$/);
    assert.equal(nlroute(["netns", "del", name]).code, 0);
    assert.ok(!ip(["netns", "list"]).split("\n").some((l) => l.split(" ")[0] === name));
    const missing = nlroute(["netns", "del", name]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Error: .*ENOENT.*\n$/);
  });
});

// -- monitor ----------------------------------------------------------------------

/** Runs `nlroute -n ns [-j] monitor …`, makes changes once it listens, stops it with SIGINT. */
async function monitorRun(
  ns: string,
  args: string[],
  changes: string[][],
  until: (out: string) => boolean,
): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  const child = spawn(process.execPath, argvFor(["-n", ns, ...args]), { env: childEnv() });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (d: string) => (out += d));
  child.stderr.on("data", (d: string) => (err += d));
  const exited = new Promise<[number | null, string | null]>((resolve) =>
    child.on("exit", (code, signal) => resolve([code, signal]))
  );
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  try {
    // Nudge until the monitor prints something: then it is listening.
    let mtu = 1300;
    for (let i = 0; i < 150 && out === ""; i++) {
      ip(["link", "set", "lo", "mtu", String(mtu++)], ns);
      await sleep(100);
    }
    assert.notEqual(out, "", `the monitor printed nothing (stderr: ${err})`);
    for (const c of changes) ip(c, ns);
    for (let i = 0; i < 100 && !until(out); i++) await sleep(100);
  } finally {
    child.kill("SIGINT");
  }
  const [code, signal] = await exited;
  return { code, signal, out, err };
}

/**
 * The monitor ends on SIGINT with status 130. Bun exits with 130; Deno, after
 * running the handler, re-raises the signal at exit, so the parent sees the
 * signal itself (a shell shows 130 either way).
 */
function assertInterrupted(code: number | null, signal: string | null): void {
  assert.ok(
    code === 130 || (code === null && signal === "SIGINT"),
    `exit ${code}, signal ${signal}`,
  );
}

describe("nlroute: monitor (live)", live, () => {
  let ns = "";
  before(() => {
    ns = createTestNetns();
    quietIPv6(ns);
  });
  after(() => removeTestNetns(ns));

  it("prints one line per event until interrupted", async () => {
    const { code, signal, out, err } = await monitorRun(
      ns,
      ["monitor", "link", "address", "rule"],
      [
        ["link", "add", "m0", "type", "veth", "peer", "name", "m1"],
        ["addr", "add", "10.8.0.1/24", "dev", "m0"],
        ["rule", "add", "priority", "777", "table", "7"],
        ["rule", "del", "priority", "777"],
        ["link", "del", "m0"],
      ],
      (o) => o.includes("Deleted") && /Deleted \d+: m0/.test(o),
    );
    assert.equal(err, "");
    assertInterrupted(code, signal);
    const got = lines(out);
    assert.ok(
      got.some((l) => /^\d+: m0@m1: <.*> mtu 1500/.test(l) && l.includes("\\    link/ether")),
      out,
    );
    assert.ok(got.some((l) => /^\d+: m0 +inet 10\.8\.0\.1\/24 scope global m0\\/.test(l)), out);
    assert.ok(got.includes("777:\tfrom all lookup 7"), out);
    assert.ok(got.includes("Deleted 777:\tfrom all lookup 7"), out);
    assert.ok(got.some((l) => /^Deleted \d+: m0/.test(l)), out);
    assert.ok(got.every((l) => !l.includes("\n")));
  });

  it("prints JSON objects, one per line, with -j", async () => {
    const { code, signal, out } = await monitorRun(
      ns,
      ["-j", "monitor", "link", "rule"],
      [["rule", "add", "priority", "778", "table", "8"], ["rule", "del", "priority", "778"]],
      (o) => o.includes('"deleted":true'),
    );
    assertInterrupted(code, signal);
    const events = lines(out).filter((l) => l !== "").map((l) => JSON.parse(l));
    assert.ok(events.some((e) => e.priority === 778 && e.table === "8" && !e.deleted), out);
    assert.ok(events.some((e) => e.priority === 778 && e.deleted === true), out);
  });
});
