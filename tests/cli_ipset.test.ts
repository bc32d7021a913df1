/**
 * `nlroute ipset` against Debian's ipset 7.17 in throwaway namespaces: the
 * same command lines run by nlroute in one namespace and by ipset in
 * another; `list`, `list SET`, `-terse`, `-name`, `save` and `-output save`
 * of each compared line by line with ipset's in the same namespace (only
 * the members' timeouts, which count down, masked), and across the two
 * (also the hash seed `initval`, the `Size in memory` and the order of a
 * hash's members masked: they follow the random seed); `test`'s exit status
 * and messages, `-exist`, and the kernel's refusals with ipset's message
 * and exit status; `-j`'s typed sets; a set of a type nlroute does not
 * model listed as ipset lists it; bad input refused before anything is
 * sent. Whether ip_set works in a namespace, and which types the kernel
 * has, is probed live: what is missing is skipped with the reason.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createTestNetns, isRoot, removeTestNetns, skipReason, testName } from "./helpers.ts";
import { nlroute } from "./cli_util.ts";

function ipsetIn(ns: string, args: string[]) {
  return spawnSync("ip", ["netns", "exec", ns, "ipset", ...args], { encoding: "utf8" });
}

const hasIpset = spawnSync("ipset", ["--version"]).status === 0;

function probe(): { reason: string | false; missing: Set<string> } {
  const missing = new Set<string>();
  if (!isRoot) return { reason: "needs root for namespaces", missing };
  if (!hasIpset) {
    return { reason: "ipset is missing (scripts/tools.sh installs Debian's ipset)", missing };
  }
  const ns = createTestNetns();
  try {
    const r = ipsetIn(ns, ["create", "nlrt-probe", "hash:ip"]);
    if (r.status !== 0) {
      return { reason: `ip_set does not work in a namespace: ${r.stderr.trim()}`, missing };
    }
    ipsetIn(ns, ["destroy", "nlrt-probe"]);
    for (const t of ["hash:net", "hash:ip,port", "hash:net,iface", "hash:mac", "list:set"]) {
      if (ipsetIn(ns, ["create", "nlrt-probe", t]).status !== 0) missing.add(t);
      ipsetIn(ns, ["destroy", "nlrt-probe"]);
    }
    const b = ipsetIn(ns, ["create", "nlrt-probe", "bitmap:port", "range", "1-2"]);
    if (b.status !== 0) missing.add("bitmap:port");
    ipsetIn(ns, ["destroy", "nlrt-probe"]);
    if (ipsetIn(ns, ["create", "nlrt-probe", "hash:net,port"]).status !== 0) {
      missing.add("hash:net,port");
    }
    ipsetIn(ns, ["destroy", "nlrt-probe"]);
    return { reason: false, missing };
  } finally {
    removeTestNetns(ns);
  }
}

const probed = probe();
const live = { skip: skipReason(probed.reason) };

/** The sets and members, as ipset's command lines (each type's lines left out where the kernel lacks it). */
const SCRIPT: [type: string, words: string[]][] = [
  ["hash:ip", [
    "create",
    "s-ip",
    "hash:ip",
    "timeout",
    "600",
    "counters",
    "comment",
    "skbinfo",
    "hashsize",
    "2048",
    "maxelem",
    "1000",
  ]],
  ["hash:ip", [
    "add",
    "s-ip",
    "192.0.2.1",
    "timeout",
    "0",
    "comment",
    "build host",
    "packets",
    "5",
    "bytes",
    "700",
    "skbmark",
    "0x10/0xff",
    "skbprio",
    "1:2",
    "skbqueue",
    "3",
  ]],
  ["hash:ip", ["add", "s-ip", "192.0.2.2", "timeout", "300", "skbmark", "0x5"]],
  ["hash:ip", ["add", "s-ip", "192.0.2.3"]],
  ["hash:ip", ["create", "s-ip6", "hash:ip", "family", "inet6"]],
  ["hash:ip", ["add", "s-ip6", "2001:db8::1"]],
  ["hash:ip", ["add", "s-ip6", "2001:db8::2"]],
  ["hash:ip", ["create", "s-ip6c", "hash:ip", "family", "inet6", "hashsize", "128"]],
  ["hash:ip", ["add", "s-ip6c", "2001:db8::3"]],
  ["hash:net", ["create", "s-net", "hash:net", "family", "inet6", "counters", "-exist"]],
  ["hash:net", ["add", "s-net", "2001:db8::/64"]],
  ["hash:net", ["add", "s-net", "2001:db8:1::/48", "nomatch"]],
  ["hash:net", ["add", "s-net", "2001:db8:2::1"]],
  ["hash:net", ["create", "s-net4", "hash:net", "timeout", "100", "comment"]],
  ["hash:net", ["add", "s-net4", "10.0.0.0/8", "nomatch", "timeout", "50", "comment", "c"]],
  ["hash:ip,port", ["create", "s-ipp", "hash:ip,port"]],
  ["hash:ip,port", ["add", "s-ipp", "10.0.0.1,udp:53"]],
  ["hash:ip,port", ["add", "s-ipp", "10.0.0.2,80"]],
  ["hash:ip,port", ["add", "s-ipp", "10.0.0.3,sctp:9"]],
  ["hash:ip,port", ["create", "s-ipp6", "hash:ip,port", "family", "inet6"]],
  ["hash:ip,port", ["add", "s-ipp6", "2001:db8::1,tcp:443"]],
  ["hash:net,iface", ["create", "s-nif", "hash:net,iface", "comment"]],
  ["hash:net,iface", ["add", "s-nif", "10.0.0.0/24,eth0", "comment", "lan side"]],
  ["hash:net,iface", ["add", "s-nif", "10.1.0.0/16,eth1"]],
  ["hash:mac", ["create", "s-mac", "hash:mac"]],
  ["hash:mac", ["add", "s-mac", "02:00:00:00:00:0a"]],
  ["bitmap:port", ["create", "s-port", "bitmap:port", "range", "1000-2000", "timeout", "100"]],
  ["bitmap:port", ["add", "s-port", "1500", "timeout", "0"]],
  ["bitmap:port", ["add", "s-port", "1024"]],
  ["list:set", ["create", "s-list", "list:set", "size", "4"]],
  ["list:set", ["add", "s-list", "s-ip"]],
  ["list:set", ["add", "s-list", "s-port"]],
];

const script = () => SCRIPT.filter(([t]) => !probed.missing.has(t)).map(([, w]) => w);

/** Runs `nlroute ipset …` in a namespace. */
function nl(ns: string, args: string[]) {
  return nlroute(["-n", ns, "ipset", ...args]);
}

/** Member lines' timeouts masked (they count down); header timeouts kept. */
function maskTimeouts(text: string): string {
  return text.split("\n").map((l) =>
    /^(Header|create) /.test(l) || /^[A-Z][a-z ]+: /.test(l)
      ? l
      : l.replace(/ timeout \d+/, " timeout T")
  ).join("\n");
}

/** What differs between two namespaces' equal sets: the hash seed, the memory, the order of members. */
function acrossNamespaces(text: string): string {
  const out: string[] = [];
  let members: string[] = [];
  const flush = () => {
    out.push(...members.sort());
    members = [];
  };
  for (const l of maskTimeouts(text).split("\n")) {
    const m = l.replace(/ initval 0x[0-9a-f]+/, " initval X").replace(
      /^Size in memory: \d+/,
      "Size in memory: X",
    );
    const member =
      !/^(Name|Type|Revision|Header|Size in memory|References|Number of entries|Members):/
        .test(m) && m !== "" && !m.startsWith("create ");
    if (member) members.push(m);
    else {
      flush();
      out.push(m);
    }
  }
  flush();
  return out.join("\n");
}

const VIEWS: string[][] = [
  ["list"],
  ["list", "-terse"],
  ["-t", "list"],
  ["list", "-name"],
  ["save"],
  ["list", "-output", "save"],
  ["list", "s-ip"],
  ["save", "s-ip"],
  ["list", "-t", "s-ipp"],
];

function ipsetOut(ns: string, args: string[]): string {
  const r = ipsetIn(ns, args);
  assert.equal(r.status, 0, `ipset ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

function nlOut(ns: string, args: string[]): string {
  const r = nl(ns, args);
  assert.equal(r.code, 0, `nlroute ipset ${args.join(" ")}: ${r.stderr}`);
  assert.equal(r.stderr, "", `nlroute ipset ${args.join(" ")} wrote to stderr`);
  return r.stdout;
}

/** Each view of both namespaces: nlroute equals ipset in each, and the namespaces equal each other. */
function compareViews(ours: string, theirs: string, what: string): void {
  for (const view of VIEWS) {
    const label = `${what}: ipset ${view.join(" ")}`;
    const a = nlOut(ours, view);
    assert.deepEqual(
      maskTimeouts(a).split("\n"),
      maskTimeouts(ipsetOut(ours, view)).split("\n"),
      `${label} (nlroute's sets, ipset's text)`,
    );
    const b = nlOut(theirs, view);
    assert.deepEqual(
      maskTimeouts(b).split("\n"),
      maskTimeouts(ipsetOut(theirs, view)).split("\n"),
      `${label} (ipset's sets, nlroute's text)`,
    );
    assert.deepEqual(
      acrossNamespaces(a).split("\n"),
      acrossNamespaces(b).split("\n"),
      `${label}: sets made by nlroute and by ipset`,
    );
  }
}

/** Runs a command line both ways; their exit statuses and messages must agree. */
function both(ours: string, theirs: string, args: string[], code: number, message?: string): void {
  const a = nl(ours, args);
  const b = ipsetIn(theirs, args);
  const label = `ipset ${args.join(" ")}`;
  assert.equal(b.status, code, `${label}: ipset exited ${b.status} (${b.stderr})`);
  assert.equal(a.code, code, `${label}: nlroute exited ${a.code} (${a.stderr})`);
  const theirsText = b.stderr.replace(/^ipset v[\d.]+: /, "").trimEnd();
  const oursText = a.stderr.replace(/^Error: /, "").trimEnd();
  assert.equal(oursText, theirsText, `${label}: messages`);
  if (message !== undefined) assert.equal(oursText, message, label);
  assert.equal(a.stdout, "", `${label}: nlroute's stdout`);
}

describe("nlroute ipset: against ipset 7.17", live, () => {
  it("makes, lists and saves the sets as ipset does, and ipset's sets as ipset lists them", () => {
    const ours = createTestNetns();
    const theirs = createTestNetns();
    try {
      for (const words of script()) {
        const r = nl(ours, words);
        assert.equal(r.code, 0, `nlroute ipset ${words.join(" ")}: ${r.stderr}`);
        assert.equal(r.stdout + r.stderr, "", `nlroute ipset ${words.join(" ")}: output`);
        ipsetOut(theirs, words);
      }
      compareViews(ours, theirs, "after the script");
    } finally {
      removeTestNetns(ours);
      removeTestNetns(theirs);
    }
  });

  it("tests, adds and deletes with -exist, and reports the kernel's refusals in ipset's words", () => {
    const ours = createTestNetns();
    const theirs = createTestNetns();
    try {
      for (const words of script()) {
        nlOut(ours, words);
        ipsetOut(theirs, words);
      }
      // test: 0 and "Warning: … is in set S." when in, 1 and "… is NOT in set S." when not.
      const tests: [string[], number][] = [
        [["test", "s-ip", "192.0.2.1"], 0],
        [["test", "s-ip", "192.0.2.9"], 1],
        [["test", "s-ip6", "2001:db8::2"], 0],
        [["test", "s-ipp", "10.0.0.2,80"], 0],
        [["test", "s-ipp", "10.0.0.2,udp:80"], 1],
        [["test", "s-net", "2001:db8::5"], 0],
        [["test", "s-net", "2001:db8:1::5"], 1],
        [["test", "s-nif", "10.0.0.7,eth0"], 0],
        [["test", "s-nif", "10.0.0.7,eth1"], 1],
        [["test", "s-port", "1500"], 0],
        [["test", "s-port", "1501"], 1],
        [["test", "s-list", "s-ip"], 0],
        [["test", "s-list", "s-ip6"], 1],
        [["-quiet", "test", "s-ip", "192.0.2.9"], 1],
      ];
      for (const [args, code] of tests) {
        if (!script().some((w) => w[0] === "create" && w[1] === args.at(-2))) continue;
        both(ours, theirs, args, code);
      }
      both(ours, theirs, ["add", "s-ip", "192.0.2.1", "-exist"], 0);
      both(ours, theirs, ["-exist", "del", "s-ip", "192.0.2.99"], 0);
      both(ours, theirs, ["create", "s-ip6", "hash:ip", "family", "inet6", "-exist"], 0);
      const refusals: [string[], string][] = [
        [["add", "s-ip", "192.0.2.1"], "Element cannot be added to the set: it's already added"],
        [["del", "s-ip", "192.0.2.99"], "Element cannot be deleted from the set: it's not added"],
        [
          ["create", "s-ip", "hash:ip"],
          "Set cannot be created: set with the same name already exists",
        ],
        [
          ["rename", "s-ip6", "s-ipp"],
          "Set cannot be renamed: a set with the new name already exists",
        ],
        [["swap", "s-ip6", "s-nope"], "Sets cannot be swapped: the second set does not exist"],
        [["list", "s-nope"], "The set with the given name does not exist"],
        [["add", "s-nope", "10.0.0.1"], "The set with the given name does not exist"],
        [["destroy", "s-nope"], "The set with the given name does not exist"],
        [
          ["add", "s-ip6", "2001:db8::9", "timeout", "5"],
          "Timeout cannot be used: set was created without timeout support",
        ],
        [
          ["add", "s-ip6", "2001:db8::9", "comment", "x"],
          "Comment cannot be used: set was created without comment support",
        ],
        [
          ["add", "s-ip6", "2001:db8::9", "packets", "1"],
          "Packet/byte counters cannot be used: set was created without counter support",
        ],
      ];
      if (!probed.missing.has("bitmap:port")) {
        refusals.push([["add", "s-port", "3000"], "Element is out of the range of the set"]);
        refusals.push([
          ["swap", "s-ip6", "s-port"],
          "The sets cannot be swapped: their type does not match",
        ]);
      }
      if (!probed.missing.has("list:set")) {
        refusals.push([
          ["destroy", "s-ip"],
          "Set cannot be destroyed: it is in use by a kernel component",
        ]);
        refusals.push([
          ["rename", "s-ip", "s-other"],
          "Set cannot be renamed: it is in use by another system",
        ]);
        refusals.push([
          ["add", "s-list", "s-nope"],
          "Set to be added/deleted/tested as element does not exist.",
        ]);
      }
      for (const [args, message] of refusals) both(ours, theirs, args, 1, message);
      // del, flush, rename, swap, destroy: the same sets after, both ways.
      const after: string[][] = [
        ["del", "s-ip", "192.0.2.3"],
        ["swap", "s-ip6", "s-ip6c"],
        ["flush", "s-ip6"],
        ["rename", "s-ip6", "s-ip6b"],
        ["destroy", "s-ip6b"],
      ];
      for (const args of after) both(ours, theirs, args, 0);
      compareViews(ours, theirs, "after del, flush, rename, swap, destroy");
      both(ours, theirs, ["flush"], 0);
      if (!probed.missing.has("list:set")) both(ours, theirs, ["destroy", "s-list"], 0);
      both(ours, theirs, ["destroy"], 0);
      assert.equal(nlOut(ours, ["list"]), "");
      assert.equal(ipsetOut(ours, ["list"]), "");
    } finally {
      removeTestNetns(ours);
      removeTestNetns(theirs);
    }
  });

  it("prints the library's typed sets with -j", () => {
    const ns = createTestNetns();
    try {
      for (const words of script()) nlOut(ns, words);
      const [set] = JSON.parse(nlOut(ns, ["list", "s-ip", "-j"]));
      assert.equal(set.name, "s-ip");
      assert.equal(set.type, "hash:ip");
      assert.equal(set.header.family, "inet");
      assert.equal(set.header.timeout, 600);
      assert.equal(set.header.counters, true);
      const built = set.members.find((m: { member: string }) => m.member === "192.0.2.1");
      assert.deepEqual(
        { ...built },
        {
          member: "192.0.2.1",
          timeout: 0,
          packets: 5,
          bytes: 700,
          comment: "build host",
          skbmark: { mark: 0x10, mask: 0xff },
          skbprio: "1:2",
          skbqueue: 3,
        },
      );
      const all = JSON.parse(nlroute(["-n", ns, "-j", "ipset", "save"]).stdout);
      assert.deepEqual(
        all.map((s: { name: string }) => s.name),
        nlOut(ns, ["list", "-name"]).trimEnd().split("\n"),
      );
      if (!probed.missing.has("hash:ip,port")) {
        const [ipp] = JSON.parse(nlOut(ns, ["-j", "list", "s-ipp"]));
        assert.ok(
          ipp.members.some((m: { member: unknown }) =>
            JSON.stringify(m.member) === JSON.stringify({ ip: "10.0.0.1", port: 53, proto: "udp" })
          ),
        );
      }
    } finally {
      removeTestNetns(ns);
    }
  });

  it("lists a set of a type nlroute does not model as ipset does, and refuses to fill it", {
    skip: skipReason(probed.missing.has("hash:net,port") && "the kernel lacks hash:net,port"),
  }, () => {
    const ns = createTestNetns();
    try {
      ipsetOut(ns, ["create", "s-np", "hash:net,port", "timeout", "60"]);
      ipsetOut(ns, ["add", "s-np", "10.0.0.0/24,tcp:80", "timeout", "0"]);
      ipsetOut(ns, ["add", "s-np", "192.0.2.1,udp:53"]);
      for (const view of [["list"], ["save"]]) {
        assert.deepEqual(
          maskTimeouts(nlOut(ns, view)).split("\n"),
          maskTimeouts(ipsetOut(ns, view)).split("\n"),
          view.join(" "),
        );
      }
      const r = nl(ns, ["add", "s-np", "10.1.0.0/24,tcp:80"]);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        'Error: Set "s-np" is of type hash:net,port, which nlroute does not add to, delete from or test.\n',
      );
    } finally {
      removeTestNetns(ns);
    }
  });
});

describe("nlroute ipset: bad input and help", () => {
  // Refused before anything is opened: -n names a namespace that does not exist.
  const ns = testName("absent");
  const cases: [string[], string][] = [
    [["bogus"], 'Error: Command "bogus" is unknown, try "nlroute ipset help".\n'],
    [[], 'Error: "ipset" needs a command, try "nlroute ipset help".\n'],
    [
      ["create", "x", "hash:foo"],
      'Error: argument "TYPENAME": expected a set type nlroute creates (hash:ip, hash:net, hash:ip,port, hash:net,iface, hash:mac, bitmap:port, list:set), got "hash:foo"\n',
    ],
    [["create", "x"], 'Error: "ipset create" needs a set name and a type.\n'],
    [["create", "x", "hash:ip", "frob"], 'Error: Unknown argument "frob" in "ipset create".\n'],
    [
      ["create", "x", "hash:ip", "hashsize", "lots"],
      'Error: argument "hashsize": expected an integer from 0 to 4294967295, got "lots"\n',
    ],
    [
      ["create", "x", "bitmap:port", "range", "10"],
      'Error: argument "range": expected FROMPORT-TOPORT, got "10"\n',
    ],
    [["add", "x"], 'Error: "ipset add" needs a set name and an entry.\n'],
    [["add", "x", "10.0.0.1", "timeout"], 'Error: "timeout" needs a value.\n'],
    [
      ["del", "x", "10.0.0.1", "timeout", "5"],
      'Error: Unknown argument "timeout" in "ipset del".\n',
    ],
    [["list", "a", "b"], 'Error: Unknown argument "b" in "ipset list".\n'],
    [["rename", "a"], 'Error: "ipset rename" needs two set names.\n'],
    [
      ["list", "-output", "xml"],
      'Error: argument "-output": expected plain or save (xml is not supported), got "xml"\n',
    ],
    [["-frob", "list"], 'Error: Option "-frob" is unknown, try "nlroute ipset help".\n'],
    [["restore"], 'Error: Command "ipset restore" is not supported by nlroute.\n'],
  ];
  for (const [args, message] of cases) {
    it(`refuses ipset ${args.join(" ") || "(nothing)"}`, () => {
      const r = nlroute(["-n", ns, "ipset", ...args]);
      assert.equal(r.stderr, message);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "");
    });
  }

  it("has help", () => {
    for (
      const args of [["ipset", "help"], ["ipset", "--help"], ["--help", "ipset"], [
        "ipset",
        "add",
        "-h",
      ]]
    ) {
      const r = nlroute(args);
      assert.equal(r.code, 0, args.join(" "));
      assert.ok(r.stdout.startsWith("Usage: nlroute [ -n NS ] [ -j ] ipset"), r.stdout);
    }
    assert.match(nlroute(["--help"]).stdout, /\| ipset [|}]/);
  });
});
