/**
 * `nlroute maddr` (issue 12, item 20) against `ip maddr`: the multicast
 * addresses of a namespace's interfaces (link layer, IPv4, IPv6, a static
 * one added by hand), text, `-o` and `-j`, by family and device.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ip, ipJson } from "./helpers.ts";
import { BRIDGED_VETH, lines, live, ok, onelineNormal, throwawayScene } from "./cli_util.ts";

/** The commands that build the scene, with ip. */
const SCENE = [
  ...BRIDGED_VETH,
  "addr add 10.0.0.1/24 dev v0",
  "addr add 239.1.2.3/32 dev v0 autojoin",
  "maddr add 33:33:00:00:00:99 dev v0",
];

describe("nlroute maddr: ip maddr's listing (live)", live, () => {
  let ns = "";
  throwawayScene(SCENE, (name) => (ns = name));

  it("prints ip's lines and -j objects, by family and device", () => {
    const cases = [
      ["maddr"],
      ["maddr", "show"],
      ["-4", "maddr"],
      ["-6", "maddr"],
      ["maddr", "show", "dev", "v0"],
      ["maddr", "show", "br0"],
    ];
    for (const args of cases) {
      assert.deepEqual(lines(ok(ns, args)), lines(ip(args, ns)), args.join(" "));
      assert.deepEqual(JSON.parse(ok(ns, ["-j", ...args])), ipJson(args, ns), args.join(" "));
    }
    assert.deepEqual(
      onelineNormal(ok(ns, ["-o", "maddr"])),
      onelineNormal(ip(["-o", "maddr"], ns)),
    );
    const v0 = lines(ok(ns, ["maddr", "show", "dev", "v0"]));
    assert.ok(v0.includes("\tlink  33:33:00:00:00:99 static"), v0.join("\n"));
    assert.ok(v0.includes("\tinet  239.1.2.3"), v0.join("\n"));
  });
});
