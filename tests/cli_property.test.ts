/**
 * `link property add|del dev X altname Y` (issue 12, item 20) against ip:
 * alternative names added and removed, found by `link show` like ip's.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ip, ipJson } from "./helpers.ts";
import { lines, live, ok, throwawayScene } from "./cli_util.ts";

describe("nlroute link property, compared with ip (live)", live, () => {
  let ns = "";
  throwawayScene(["link add v0 type veth peer name v1"], (name) => (ns = name));

  it("adds and removes alternative names as ip link property does", () => {
    ok(ns, ["link", "property", "add", "dev", "v0", "altname", "uplink0", "altname", "uplink1"]);
    assert.deepEqual(ipJson(["link", "show", "dev", "v0"], ns)[0].altnames, ["uplink0", "uplink1"]);
    assert.deepEqual(
      lines(ok(ns, ["link", "show", "uplink1"])),
      lines(ip(["link", "show", "uplink1"], ns)),
    );
    ok(ns, ["link", "prop", "del", "v0", "altname", "uplink0"]);
    assert.deepEqual(ipJson(["link", "show", "dev", "v0"], ns)[0].altnames, ["uplink1"]);
    ip(["link", "property", "add", "dev", "v1", "altname", "peer0"], ns);
    assert.deepEqual(
      JSON.parse(ok(ns, ["-j", "link", "show", "dev", "v1"])),
      ipJson(["link", "show", "dev", "v1"], ns),
    );
  });
});
