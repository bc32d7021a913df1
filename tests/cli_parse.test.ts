/**
 * The `nlroute` command's parsing and colour choice, as units: ip's global
 * options and keyword grammar into IPRoute specs, link flags in ip's spelling,
 * when to colour.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseCommand } from "../cli/parse/command.ts";
import { parseGlobal } from "../cli/parse/options.ts";
import { linkFlags } from "../cli/format/link.ts";
import { useColor } from "../cli/color.ts";

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
