/**
 * The `nlroute` command's output compared with ip's, in a throwaway namespace
 * built by iproute2: `-j` field by field, `-j -p`, `-br`, text and `-o` lines,
 * `route get`, colour on demand.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ip, ipJson } from "./helpers.ts";
import {
  assertSameJson,
  lines,
  live,
  nlroute,
  ok,
  onelineNormal,
  quietIPv6,
  throwawayNamespace,
  waitBridgeReady,
} from "./cli_util.ts";

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
  waitBridgeReady(ns);
}

describe("nlroute: output compared with ip (live)", live, () => {
  let ns = "";
  throwawayNamespace(buildScene, (name) => (ns = name));

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
