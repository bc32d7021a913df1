/**
 * `nlroute conntrack` against conntrack 1.4.7 in throwaway namespaces:
 * entries injected with `conntrack -I` (TCP, UDP with a zone, ICMP, IPv6,
 * NATed reply), then `-L` and `-L -o extended`, plain and with `-p`, `-s`,
 * `-d`, `--mark`, `--zone`, `-f`, compared line by line with conntrack's
 * (only the timeouts, which count down, masked), the count line on
 * standard error too; the same entries made by `nlroute conntrack -I` in
 * another namespace read by conntrack; `-C`, `-S`, `-D`, `-U`, `-F` checked
 * with conntrack; `-j`'s typed entries; bad input refused before anything
 * is sent. Whether conntrack works in a namespace is probed live.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createTestNetns, isRoot, removeTestNetns, skipReason, testName } from "./helpers.ts";
import { nlroute } from "./cli_util.ts";

function ctIn(ns: string, args: string[]) {
  return spawnSync("ip", ["netns", "exec", ns, "conntrack", ...args], { encoding: "utf8" });
}

function probe(): string | false {
  if (!isRoot) return "needs root for namespaces";
  if (spawnSync("conntrack", ["--version"]).status !== 0) {
    return "conntrack is missing (scripts/tools.sh installs Debian's conntrack)";
  }
  const ns = createTestNetns();
  try {
    const r = ctIn(ns, [
      "-I",
      "-s",
      "10.0.0.1",
      "-d",
      "10.0.0.2",
      "-p",
      "udp",
      "--sport",
      "1",
      "--dport",
      "2",
      "-t",
      "10",
    ]);
    if (r.status !== 0) return `conntrack does not work in a namespace: ${r.stderr.trim()}`;
    return false;
  } finally {
    removeTestNetns(ns);
  }
}

const live = { skip: skipReason(probe()) };

/** conntrack -I command lines (timeouts long enough for the test). */
const ENTRIES: string[][] = [
  [
    "-s",
    "10.0.0.1",
    "-d",
    "10.0.0.2",
    "-p",
    "tcp",
    "--sport",
    "1000",
    "--dport",
    "80",
    "--state",
    "ESTABLISHED",
    "-t",
    "1000",
    "-u",
    "ASSURED,SEEN_REPLY",
    "--mark",
    "7",
  ],
  [
    "-s",
    "10.0.0.1",
    "-d",
    "10.0.0.3",
    "-p",
    "udp",
    "--sport",
    "53",
    "--dport",
    "53",
    "-t",
    "900",
    "--zone",
    "3",
  ],
  [
    "-s",
    "10.0.0.1",
    "-d",
    "10.0.0.9",
    "-p",
    "icmp",
    "--icmp-type",
    "8",
    "--icmp-code",
    "0",
    "--icmp-id",
    "9",
    "-t",
    "800",
  ],
  [
    "-s",
    "2001:db8::1",
    "-d",
    "2001:db8::2",
    "-p",
    "tcp",
    "--sport",
    "5",
    "--dport",
    "6",
    "-t",
    "700",
    "--state",
    "SYN_SENT",
  ],
  [
    "-s",
    "10.1.0.1",
    "-d",
    "10.1.0.2",
    "-r",
    "10.9.0.2",
    "-q",
    "10.1.0.1",
    "-p",
    "udp",
    "--sport",
    "7",
    "--dport",
    "8",
    "--reply-port-src",
    "8",
    "--reply-port-dst",
    "7",
    "-t",
    "600",
    "--mark",
    "7",
  ],
];

/** Timeouts masked: the number after the protocol number. */
function mask(text: string): string[] {
  return text.trimEnd().split("\n").map((l) =>
    l.replace(/^((?:ipv[46] +\d+ )?[a-z0-9]+ +\d+ )\d+ /, "$1T ")
  );
}

function ctOut(ns: string, args: string[]) {
  const r = ctIn(ns, args);
  assert.equal(r.status, 0, `conntrack ${args.join(" ")}: ${r.stderr}`);
  return r;
}

function nl(ns: string, args: string[]) {
  return nlroute(["-n", ns, "conntrack", ...args]);
}

const VIEWS: string[][] = [
  ["-L"],
  ["-L", "-o", "extended"],
  ["-L", "-p", "tcp"],
  ["-L", "-p", "udp", "-o", "extended"],
  ["-L", "-s", "10.0.0.1"],
  ["-L", "-d", "2001:db8::2", "-o", "extended"],
  ["-L", "--mark", "7"],
  ["-L", "--zone", "3"],
  ["-L", "-f", "ipv6", "-o", "extended"],
];

function compare(ours: string, theirs: string, what: string): void {
  for (const view of VIEWS) {
    const a = nl(ours, view);
    const b = ctOut(theirs, view);
    assert.equal(a.code, 0, `${what} ${view.join(" ")}: ${a.stderr}`);
    assert.deepEqual(
      mask(a.stdout).sort(),
      mask(b.stdout).sort(),
      `${what}: conntrack ${view.join(" ")}`,
    );
    assert.equal(a.stderr, b.stderr, `${what}: conntrack ${view.join(" ")}'s count line`);
  }
}

describe("nlroute conntrack: against conntrack 1.4.7", live, () => {
  it("lists conntrack's entries as conntrack does, and makes entries conntrack lists alike", () => {
    const ours = createTestNetns();
    const theirs = createTestNetns();
    try {
      for (const e of ENTRIES) {
        ctOut(theirs, ["-I", ...e]);
        const r = nl(ours, ["-I", ...e]);
        assert.equal(r.code, 0, `nlroute conntrack -I ${e.join(" ")}: ${r.stderr}`);
        assert.equal(
          r.stderr,
          "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been created.\n",
        );
      }
      // Same namespace: nlroute reads conntrack's entries; and conntrack reads nlroute's.
      compare(theirs, theirs, "conntrack's entries");
      compare(ours, ours, "nlroute's entries");
      // Across: the entries nlroute made equal the ones conntrack made.
      for (const view of VIEWS) {
        assert.deepEqual(
          mask(ctOut(ours, view).stdout).sort(),
          mask(ctOut(theirs, view).stdout).sort(),
          `conntrack ${view.join(" ")}: made by nlroute and by conntrack`,
        );
      }
    } finally {
      removeTestNetns(ours);
      removeTestNetns(theirs);
    }
  });

  it("counts, shows stats, deletes, updates and flushes as conntrack does", () => {
    const ns = createTestNetns();
    try {
      for (const e of ENTRIES) ctOut(ns, ["-I", ...e]);
      const count = nl(ns, ["-C"]);
      assert.equal(count.stdout, ctOut(ns, ["-C"]).stdout);
      const stats = nl(ns, ["-S"]).stdout.split("\n").filter(Boolean);
      const theirs = ctOut(ns, ["-S"]).stdout.split("\n").filter(Boolean);
      assert.equal(stats.length, theirs.length);
      stats.forEach((l, i) =>
        assert.equal(
          l.replace(/=\d+/g, "=N"),
          theirs[i]!.replace(/=\d+/g, "=N"),
          "conntrack -S's fields",
        )
      );
      // -D deletes every entry the options select, prints them, says how many.
      const d = nl(ns, ["-D", "-s", "10.0.0.1", "-p", "udp"]);
      assert.equal(d.code, 0, d.stderr);
      assert.deepEqual(mask(d.stdout), [
        "udp      17 T src=10.0.0.1 dst=10.0.0.3 sport=53 dport=53 [UNREPLIED] src=10.0.0.3 dst=10.0.0.1 sport=53 dport=53 mark=0 zone=3 use=1",
      ]);
      assert.equal(
        d.stderr,
        "conntrack v1.4.7 (conntrack-tools): 1 flow entries have been deleted.\n",
      );
      assert.equal(ctOut(ns, ["-L", "-p", "udp", "-s", "10.0.0.1"]).stdout, "");
      // -U sets the mark on what it selects.
      const u = nl(ns, ["-U", "-p", "tcp", "-s", "10.0.0.1", "-m", "9"]);
      assert.equal(u.code, 0, u.stderr);
      assert.match(ctOut(ns, ["-L", "-p", "tcp", "-s", "10.0.0.1"]).stdout, / mark=9 use=1\n$/);
      // -j: the typed entries.
      const [tcp] = JSON.parse(nl(ns, ["-L", "-p", "tcp", "-s", "10.0.0.1", "-j"]).stdout);
      assert.equal(tcp.family, "ipv4");
      assert.equal(tcp.orig.src, "10.0.0.1");
      assert.equal(tcp.orig.dport, 80);
      assert.equal(tcp.mark, 9);
      assert.ok(tcp.status.includes("assured"));
      const f = nl(ns, ["-F"]);
      assert.equal(f.code, 0, f.stderr);
      assert.equal(
        f.stderr,
        "conntrack v1.4.7 (conntrack-tools): connection tracking table has been emptied.\n",
      );
      assert.equal(ctOut(ns, ["-C"]).stdout, "0\n");
      assert.equal(nl(ns, ["-C"]).stdout, "0\n");
    } finally {
      removeTestNetns(ns);
    }
  });
});

describe("nlroute conntrack: bad input and help", () => {
  const ns = testName("absent");
  const cases: [string[], string][] = [
    [
      [],
      'Error: "conntrack" needs a command (-L, -I, -D, -U, -F, -C, -S), try "nlroute conntrack help".\n',
    ],
    [["-L", "--frob"], 'Error: Option "--frob" is unknown, try "nlroute conntrack help".\n'],
    [["-L", "-D"], 'Error: Only one command at a time: "-D" after another.\n'],
    [
      ["-L", "--sport", "70000"],
      'Error: argument "--sport": expected an integer from 0 to 65535, got "70000"\n',
    ],
    [["-L", "-f", "ipx"], 'Error: argument "family": expected ipv4 or ipv6, got "ipx"\n'],
    [
      ["-L", "-o", "xml"],
      'Error: argument "-o": expected extended (the other formats are not supported), got "xml"\n',
    ],
    [["-L", "-p"], 'Error: Option "-p" needs a value.\n'],
  ];
  for (const [args, message] of cases) {
    it(`refuses conntrack ${args.join(" ") || "(nothing)"}`, () => {
      const r = nlroute(["-n", ns, "conntrack", ...args]);
      assert.equal(r.stderr, message);
      assert.equal(r.code, 1);
    });
  }
  it("has help", () => {
    for (const args of [["conntrack", "help"], ["--help", "conntrack"]]) {
      const r = nlroute(args);
      assert.equal(r.code, 0);
      assert.ok(r.stdout.startsWith("Usage: nlroute [ -n NS ] [ -j ] conntrack"), r.stdout);
    }
  });
});
