/**
 * `nlroute netns`: named namespaces added, listed (with ids, as ip lists
 * them) and deleted like `ip netns`.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { ip, ipJson, TEST_PREFIX, testName } from "./helpers.ts";
import { live, nlroute } from "./cli_util.ts";

describe("nlroute: netns (live)", live, () => {
  const name = testName("cli-netns");
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
      if (theirs.has(n.name) && n.name.startsWith(TEST_PREFIX)) {
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
