/**
 * `neigh flush`, `rule flush` and `nexthop flush` (issue 12, item 20) against
 * ip: the same flush given to ip in one namespace and to nlroute in its twin
 * leaves both alike and prints the same (`-s` round messages, `Flushed N
 * nexthops`).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { ip } from "./helpers.ts";
import { live, nlroute, twinScene } from "./cli_util.ts";

/** Neighbours in several states, rules, nexthops and groups, alike in both namespaces. */
const SCENE = [
  "link add v0 address 02:00:00:00:bb:00 type veth peer name v1 address 02:00:00:00:bb:01",
  "link set v0 up",
  "link set v1 up",
  "addr add 10.0.0.1/24 dev v0",
  "neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent",
  "neigh add 10.0.0.3 lladdr 02:00:00:00:00:03 dev v0 nud stale",
  "neigh add 10.0.0.4 lladdr 02:00:00:00:00:04 dev v0 nud reachable",
  "neigh add 10.0.0.5 lladdr 02:00:00:00:00:05 dev v1 nud stale",
  "neigh add 10.0.0.6 lladdr 02:00:00:00:00:06 dev v0 nud noarp",
  "neigh add proxy 10.0.0.77 dev v0",
  "rule add priority 100 from 10.0.0.0/8 table 100",
  "rule add priority 101 fwmark 0x10 table 101",
  "-6 rule add priority 100 from 2001:db8::/32 table 100",
  "nexthop add id 1 via 10.0.0.2 dev v0",
  "nexthop add id 2 via 10.0.0.3 dev v0",
  "nexthop add id 3 blackhole",
  "nexthop add id 10 group 1/2",
];

/** What ip -j shows of neighbours (sorted: hash order differs per namespace), rules and nexthops. */
function state(ns: string): string {
  const neigh = ["neigh show nud all", "neigh show proxy", "-6 neigh show nud all"].map((c) =>
    (JSON.parse(ip(["-j", ...c.split(" ")], ns)) as unknown[]).map((n) => JSON.stringify(n))
      .sort().join("\n")
  );
  const rest = ["rule show", "-6 rule show", "nexthop show"].map((c) =>
    ip(["-j", ...c.split(" ")], ns)
  );
  return [...neigh, ...rest].join("\n");
}

describe("nlroute: flushes compared with ip (live)", live, () => {
  let ours = "";
  let theirs = "";
  twinScene(SCENE, (a, b) => [ours, theirs] = [a, b]);

  /** Runs the words with ip in theirs and with nlroute in ours: same status, output, state. */
  function same(words: string): void {
    const args = words.split(" ");
    const t = spawnSync("ip", ["-n", theirs, ...args], { encoding: "utf8" });
    const o = nlroute(["-n", ours, ...args]);
    assert.equal(o.code === 0, t.status === 0, `${words}: ${o.stderr} / ${t.stderr}`);
    assert.equal(o.stdout, t.stdout, words);
    assert.equal(state(ours), state(theirs), `after "${words}"`);
  }

  it("neigh flush removes what ip's removes, with ip's -s messages", () => {
    same("-s neigh flush dev v1");
    same("neigh flush dev v0 nud stale");
    same("-s neigh flush to 10.0.0.4");
    same("-s neigh flush dev v0");
    same("neigh flush proxy");
    same("-s neigh flush dev v0 nud all");
    const none = nlroute(["-n", ours, "neigh", "flush"]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /Flush requires arguments/);
  });

  it("rule flush removes every rule of the family but priority 0, as ip's", () => {
    same("rule flush priority 101");
    same("rule flush");
    same("-6 rule flush");
  });

  it("nexthop flush removes what ip's removes, groups first, and says how many", () => {
    same("nexthop flush dev v0");
    // The rule flush above took the lookup in main away: gateways need it back.
    const again = [
      "rule add priority 32766 table main",
      "nexthop add id 1 via 10.0.0.2 dev v0",
      "nexthop add id 4 via 10.0.0.4 dev v0",
      "nexthop add id 11 group 1/4",
    ];
    for (const c of again) {
      for (const ns of [ours, theirs]) ip(c.split(" "), ns);
    }
    same("nexthop flush");
    same("nexthop flush");
  });
});
