/**
 * IPDB and bridge ports: a port released from its bridge (IPDB's `delPort`
 * or `setMaster(null)`, or `ip link set X nomaster` behind its back; the
 * kernel then sends an AF_BRIDGE RTM_DELLINK) keeps its record, addresses
 * and routes; the database equals `ip -j` at every step.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { ip } from "./helpers.ts";
import { describeLive } from "./ipdb_util.ts";
import { assertEqualsKernel } from "./ipdb_compare.ts";

describeLive("IPDB bridge ports", (live) => {
  /** A bridge br0, and on v1 addresses and routes (both families, two tables). */
  function setUp(): void {
    const { ns } = live;
    ip(["link", "add", "br0", "type", "bridge"], ns);
    ip(["link", "set", "br0", "up"], ns);
    ip(["addr", "add", "10.1.0.1/24", "dev", "v1"], ns);
    ip(["addr", "add", "fd01::1/64", "dev", "v1", "nodad"], ns);
    ip(["route", "add", "10.91.0.0/16", "via", "10.1.0.2", "dev", "v1"], ns);
    ip(["route", "add", "10.92.0.0/16", "dev", "v1", "table", "100"], ns);
    ip(["route", "add", "fd02::/64", "via", "fd01::2", "dev", "v1"], ns);
  }

  const equalsKernel = (when: string) => assertEqualsKernel(live.ipdb, live.ns, when);

  it("keeps a port's record and routes when IPDB releases it (delPort, setMaster(null))", async () => {
    const { ns, ipdb } = live;
    setUp();
    const v1 = ipdb.interfaces.v1!;
    const br0 = ipdb.interfaces.br0!;
    await br0.addPort("v1").commit();
    assert.equal(v1.master, br0.index);
    await equalsKernel("after addPort");
    await br0.delPort("v1").commit();
    assert.equal(ipdb.interfaces.v1, v1);
    assert.equal(v1.ipdbScope, "system");
    assert.equal(v1.master, undefined);
    assert.ok(ipdb.routes["10.91.0.0/16"], "the route via the port is still there");
    assert.ok(ipdb.routes.tables[100]!["10.92.0.0/16"]);
    assert.ok(ipdb.routes["fd02::/64"]);
    await equalsKernel("after delPort");
    await v1.setMaster("br0").commit();
    await equalsKernel("after setMaster");
    await v1.setMaster(null).commit();
    assert.equal(ipdb.interfaces.v1, v1);
    await equalsKernel("after setMaster(null)");
    assert.equal(ip(["route", "show", "10.91.0.0/16"], ns).includes("via 10.1.0.2"), true);
  });

  it("keeps a port's record and routes when ip releases it behind IPDB's back (nomaster)", async () => {
    const { ns, ipdb } = live;
    setUp();
    const v1 = ipdb.interfaces.v1!;
    ip(["link", "set", "v1", "master", "br0"], ns);
    assert.equal(ipdb.interfaces.v1!.master, ipdb.interfaces.br0!.index);
    await equalsKernel("after master br0");
    ip(["link", "set", "v1", "nomaster"], ns);
    assert.equal(ipdb.interfaces.v1, v1, "the same record");
    assert.equal(v1.ipdbScope, "system");
    assert.equal(v1.master, undefined);
    assert.ok(ipdb.routes["10.91.0.0/16"]);
    assert.ok(ipdb.routes.tables[100]!["10.92.0.0/16"]);
    assert.ok(ipdb.routes["fd02::/64"]);
    await equalsKernel("after nomaster");
    // Removing the bridge while the port is in it releases the port too.
    ip(["link", "set", "v1", "master", "br0"], ns);
    ip(["link", "del", "br0"], ns);
    assert.equal(ipdb.interfaces.v1, v1);
    await equalsKernel("after the bridge was deleted");
  });
});
