/**
 * ip's abbreviations (issue 12, item 18): a word names the first object or
 * command it is a prefix of, in the order iproute2 tests them (`l s` is
 * `link set`, `m` is `maddress`, `n` is `neighbor`, `ru` is `rule`). Checked
 * as units, and live: the same words given to ip in one namespace and to
 * nlroute in its twin leave both in the same state and print the same.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { parseCommand } from "../cli/parse/command.ts";
import { parseGlobal } from "../cli/parse/options.ts";
import { ip } from "./helpers.ts";
import { lines, live, nlroute, twinScene } from "./cli_util.ts";

describe("nlroute: ip's abbreviations (unit)", () => {
  it("reads objects and commands in iproute2's order", () => {
    const cases: [string, string, string][] = [
      ["l s dev v0 up", "link", "set"],
      ["l sh", "link", "show"],
      ["l l", "link", "show"],
      ["l c dev v0 up", "link", "set"],
      ["l d v0", "link", "del"],
      ["l a v0 type veth peer name v1", "link", "add"],
      ["l p a dev v0 altname x", "link", "property_add"],
      ["a", "addr", "show"],
      ["a a 10.0.0.1/24 dev v0", "addr", "add"],
      ["a s", "addr", "show"],
      ["a l", "addr", "show"],
      ["a d 10.0.0.1/24 dev v0", "addr", "del"],
      ["a c 10.0.0.1/24 dev v0", "addr", "change"],
      ["a chg 10.0.0.1/24 dev v0", "addr", "change"],
      ["a f dev v0", "addr", "flush"],
      ["r a 10.1.0.0/16 dev v0", "route", "add"],
      ["r r 10.1.0.0/16 dev v0", "route", "replace"],
      ["r ap 10.1.0.0/16 dev v0", "route", "append"],
      ["r d 10.1.0.0/16", "route", "del"],
      ["r g 10.1.2.3", "route", "get"],
      ["r f table 100", "route", "flush"],
      ["ro l", "route", "show"],
      ["ru", "rule", "show"],
      ["ru s", "rule", "show"],
      ["ru a pref 100 table 5", "rule", "add"],
      ["ru d pref 100", "rule", "del"],
      ["ru f", "rule", "flush"],
      ["n", "neigh", "show"],
      ["n s", "neigh", "show"],
      ["n f dev v0", "neigh", "flush"],
      ["ne r 10.0.0.2 dev v0", "neigh", "replace"],
      ["nex", "nexthop", "show"],
      ["nex a id 1 blackhole", "nexthop", "add"],
      ["nex g id 1", "nexthop", "get"],
      ["nex f", "nexthop", "flush"],
      ["m", "maddr", "show"],
      ["m s dev v0", "maddr", "show"],
      ["mo link", "monitor", "monitor"],
      ["net", "netns", "list"],
      ["netns l", "netns", "list"],
      ["netns s", "netns", "list"],
      ["netns i", "netns", "identify"],
      ["netns e x true", "netns", "exec"],
      ["h", "help", "help"],
      ["netc", "netconf", "show"],
      ["nt", "ntable", "show"],
      ["ntbl c name arp_cache queue 3", "ntable", "set"],
      ["addrl", "addrlabel", "show"],
      ["addrl f", "addrlabel", "flush"],
      ["addrl d prefix ::1/128", "addrlabel", "del"],
      ["tunt", "tuntap", "show"],
      ["tap a mode tap name t0", "tuntap", "add"],
      ["tunt d t0", "tuntap", "del"],
      ["tunt l", "tuntap", "show"],
    ];
    for (const [line, object, action] of cases) {
      const inv = parseCommand(line.split(" "), 0);
      assert.equal(inv.object, object, line);
      assert.equal(inv.action, action, line);
    }
  });

  it("refuses, by their ip name, the words ip reads as something nlroute lacks", () => {
    const cases: [string, RegExp][] = [
      ["s", /Object "sr" of ip is not supported/],
      ["t", /Object "tunnel" of ip is not supported/],
      ["tok", /Object "token" of ip is not supported/],
      ["l r v0 type veth", /Command "link replace" of ip is not supported/],
      ["a sa", /Command "address save" of ip is not supported/],
      ["r p 10.0.0.0/8 dev v0", /Command "route prepend" of ip is not supported/],
      ["n g 10.0.0.2 dev v0", /Command "neigh get" of ip is not supported/],
      ["ru sa", /Command "rule save" of ip is not supported/],
    ];
    for (const [line, message] of cases) {
      assert.throws(() => parseCommand(line.split(" "), 0), message, line);
    }
    assert.throws(() => parseCommand(["lnk"], 0), /Object "lnk" is unknown/);
  });

  it("reads global options as ip.c matches them", () => {
    const { options } = parseGlobal(["-d", "-stat", "-s", "-j", "-pr", "-br", "-o", "link"]);
    assert.equal(options.details, true);
    assert.equal(options.stats, 2);
    assert.equal(options.json && options.pretty && options.brief && options.oneline, true);
    assert.equal(parseGlobal(["-n", "x", "link"]).options.netns, "x");
    assert.equal(parseGlobal(["-net", "x", "link"]).options.netns, "x");
    assert.equal(parseGlobal(["-fam", "inet6", "link"]).options.family, 10);
    assert.equal(parseGlobal(["-col=never", "link"]).options.color, "never");
    assert.equal(parseGlobal(["--details", "link"]).options.details, true);
    // -b is ip's -batch, -r -resolve: not nlroute's.
    assert.throws(() => parseGlobal(["-b", "link"]), /ip's -batch\) is not supported/);
    assert.throws(() => parseGlobal(["-r", "link"]), /ip's -resolve\) is not supported/);
  });
});

/** Fixed MAC addresses, so that the twin namespaces are alike to the byte. */
const SCENE = [
  "link add v0 address 02:00:00:00:aa:00 type veth peer name v1 address 02:00:00:00:aa:01",
  "link set v1 up",
];

/**
 * What `ip -j` shows of a namespace's state, after a command. Neighbours are
 * sorted: the kernel lists them in the order of a hash seeded per namespace.
 */
function state(ns: string): string {
  const parts = ["link", "addr", "route", "-6 route", "rule", "nexthop", "maddr"];
  const neigh = (JSON.parse(ip(["-j", "neigh", "show"], ns)) as unknown[]).map((n) =>
    JSON.stringify(n)
  ).sort();
  return [...parts.map((p) => ip(["-j", ...p.split(" "), "show"], ns)), ...neigh].join("\n");
}

describe("nlroute: ip's abbreviations, live against ip", live, () => {
  let ours = "";
  let theirs = "";
  twinScene(SCENE, (a, b) => [ours, theirs] = [a, b]);

  /** Words changed or shown the same way by ip and by nlroute, one after another. */
  const SEQUENCE = [
    "l s dev v0 up",
    "l s dev v0 mtu 1400",
    "l c dev v0 mtu 1450",
    "a a 10.0.0.1/24 dev v0",
    "a a 10.0.0.7/24 dev v0",
    "a d 10.0.0.7/24 dev v0",
    "r a 10.1.0.0/16 via 10.0.0.2 dev v0",
    "r r 10.1.0.0/16 via 10.0.0.3 dev v0",
    "r a 10.2.0.0/16 dev v0",
    "r d 10.2.0.0/16",
    "n a 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0",
    "n r 10.0.0.2 lladdr 02:00:00:00:00:03 dev v0",
    "n a 10.0.0.4 lladdr 02:00:00:00:00:04 dev v0 nud stale",
    "ru a pref 100 table 5",
    "ru a pref 101 table 6",
    "ru d pref 101",
    "nex a id 1 via 10.0.0.2 dev v0",
    "nex a id 2 via 10.0.0.3 dev v0",
    "nex d id 2",
    "l s dev v0 down",
    "l s dev v0 up",
  ];

  it("changes the twin namespaces alike", () => {
    for (const words of SEQUENCE) {
      const args = words.split(" ");
      const theirsRun = spawnSync("ip", ["-n", theirs, ...args], { encoding: "utf8" });
      assert.equal(theirsRun.status, 0, `ip ${words}: ${theirsRun.stderr}`);
      const r = nlroute(["-n", ours, ...args]);
      assert.equal(r.code, 0, `nlroute ${words}: ${r.stderr}`);
      // The kernel settles some state a moment later (a link's carrier): let both settle.
      for (let i = 0; i < 50 && state(ours) !== state(theirs); i++) spawnSync("sleep", ["0.1"]);
      assert.equal(state(ours), state(theirs), `after "${words}"`);
    }
  });

  it("shows what ip shows for the same words", () => {
    const shows = ["l", "l sh", "l l dev v0", "a", "a s dev v0", "a l", "r", "ro l", "n", "n s"];
    shows.push("ru", "ru s", "ru l", "nex", "nex s", "m", "m s dev v0");
    for (const words of shows) {
      const args = words.split(" ");
      const r = nlroute(["-n", ours, ...args]);
      assert.equal(r.code, 0, `nlroute ${words}: ${r.stderr}`);
      // Neighbours come in each namespace's hash order (see state()).
      const order = (l: string[]) => (words.startsWith("n ") || words === "n" ? l.sort() : l);
      assert.deepEqual(order(lines(r.stdout)), order(lines(ip(args, theirs))), words);
    }
  });
});
