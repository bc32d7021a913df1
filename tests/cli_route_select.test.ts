/**
 * `route show root PREFIX` and `match PREFIX` (issue 12, item 20) against
 * ip: root selects the routes inside a prefix, match those covering it,
 * exact (and a bare prefix) that one; text and `-j`.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ip, ipJson } from "./helpers.ts";
import { assertSameJson, lines, live, ok, throwawayScene } from "./cli_util.ts";

/** The routes to select from, added with ip. */
const SCENE = [
  "link add v0 type veth peer name v1",
  "link set v0 up",
  "addr add 10.0.0.1/24 dev v0",
  "-6 addr add 2001:db8::1/64 dev v0 nodad",
  "route add default via 10.0.0.254",
  "route add 10.1.0.0/16 via 10.0.0.2",
  "route add 10.1.2.0/24 via 10.0.0.3",
  "route add 10.1.2.128/25 via 10.0.0.4",
  "route add 10.2.0.0/16 via 10.0.0.2",
  "route add 10.1.0.0/16 via 10.0.0.2 table 100",
  "-6 route add 2001:db8:1::/48 via 2001:db8::2",
  "-6 route add 2001:db8:1:2::/64 via 2001:db8::3",
];

describe("nlroute route show root and match, compared with ip (live)", live, () => {
  let ns = "";
  throwawayScene(SCENE, (name) => (ns = name));

  it("selects what ip's root, match and exact select", () => {
    const cases = [
      "route show root 10.1.0.0/16",
      "route show root 10.0.0.0/8",
      "route show root 0.0.0.0/0",
      "route show match 10.1.2.200",
      "route show match 10.1.2.0/24",
      "route show match 10.9.9.9",
      "route show to match 10.1.2.3",
      "route show exact 10.1.0.0/16",
      "route show 10.1.2.0/24",
      "route show root 10.1.0.0/16 table 100",
      "route show table all root 10.1.0.0/16",
      "-6 route show root 2001:db8:1::/48",
      "-6 route show match 2001:db8:1:2::5",
    ];
    for (const words of cases) {
      const args = words.split(" ");
      assert.deepEqual(lines(ok(ns, args)), lines(ip(args, ns)), words);
      assertSameJson(JSON.parse(ok(ns, ["-j", ...args])), ipJson(args, ns), words);
    }
    assert.equal(lines(ok(ns, ["route", "show", "match", "10.1.2.200"])).length, 4);
  });
});
