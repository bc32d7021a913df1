/**
 * IPDB and IPv4 primary and secondary addresses: deleting a primary and its
 * secondary in one transaction succeeds whether the kernel removes
 * secondaries with their primary or promotes them (promote_secondaries), a
 * rollback re-adds them in their roles and order (with the secondaries the
 * kernel removed along), and the database equals `ip -j`.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { CommitError } from "../mod.ts";
import { ip, ipJson, nsExec } from "./helpers.ts";
import { addrsOf, describeLive } from "./ipdb_util.ts";
import { assertEqualsKernel } from "./ipdb_compare.ts";

/** v0's IPv4 addresses in the kernel's order, secondaries marked. */
function addrInfo(ns: string): string[] {
  return ipJson(["-4", "addr", "show", "dev", "v0"], ns)[0].addr_info.map((
    a: { local: string; prefixlen: number; secondary?: boolean },
  ) => `${a.local}/${a.prefixlen}${a.secondary ? " secondary" : ""}`);
}

describeLive("IPDB primary and secondary addresses", (live) => {
  /** v0 with 10.0.0.1/24 (primary) and 10.0.0.5/24, 10.0.0.6/24 (secondaries). */
  function setUp(promote: 0 | 1): void {
    const { ns } = live;
    nsExec(ns, ["sysctl", "-qw", `net.ipv4.conf.v0.promote_secondaries=${promote}`]);
    ip(["addr", "add", "10.0.0.5/24", "dev", "v0"], ns);
    ip(["addr", "add", "10.0.0.6/24", "dev", "v0"], ns);
    const v0 = live.ipdb.interfaces.v0!;
    assert.deepEqual(
      v0.addresses.filter((a) => a.family === 2).map((a) => [a.address, !!a.secondary]),
      [["10.0.0.1", false], ["10.0.0.5", true], ["10.0.0.6", true]],
    );
  }

  for (const promote of [0, 1] as const) {
    it(`deletes a primary and its secondary in one transaction (promote_secondaries=${promote})`, async () => {
      const { ns, ipdb } = live;
      setUp(promote);
      const v0 = ipdb.interfaces.v0!;
      // Asked primary first: deleting the secondary after its primary would fail.
      await v0.delIp("10.0.0.1/24").delIp("10.0.0.5/24").commit();
      // Without promotion the kernel removes every secondary with the primary.
      const left = promote ? ["10.0.0.6/24"] : [];
      assert.deepEqual(addrsOf(ns, "v0"), left);
      assert.deepEqual(v0.ipaddr.filter((a) => !a.startsWith("fe80")), left);
      await assertEqualsKernel(ipdb, ns, "after the commit");
    });

    it(`rolls a primary's and its secondaries' deletion back in their roles and order (promote_secondaries=${promote})`, async () => {
      const { ns, ipdb } = live;
      setUp(promote);
      const before = addrInfo(ns);
      const v0 = ipdb.interfaces.v0!;
      v0.delIp("10.0.0.5/24").delIp("10.0.0.1/24").delIp("10.0.0.6/24");
      // A later phase fails: no route to this gateway.
      ipdb.routes.add({ dst: "10.99.0.0/16", gateway: "10.77.0.1" });
      await assert.rejects(ipdb.commit(), (e: CommitError) => {
        assert.ok(e instanceof CommitError);
        assert.match(e.step, /route add 10\.99\.0\.0\/16/);
        assert.deepEqual(e.rollbackErrors, []);
        return true;
      });
      assert.deepEqual(addrInfo(ns), before, "primary and secondaries as before, in order");
      await assertEqualsKernel(ipdb, ns, "after the rollback");
    });
  }

  it("re-adds the secondaries the kernel removed with a primary when the deletion is rolled back", async () => {
    const { ns, ipdb } = live;
    setUp(0);
    const before = addrInfo(ns);
    ipdb.interfaces.v0!.delIp("10.0.0.1/24");
    ipdb.routes.add({ dst: "10.99.0.0/16", gateway: "10.77.0.1" });
    await assert.rejects(ipdb.commit(), CommitError);
    assert.deepEqual(addrInfo(ns), before);
    await assertEqualsKernel(ipdb, ns, "after the rollback");
  });

  it("keeps a promoted secondary primary when a primary's deletion is rolled back (promote_secondaries=1)", async () => {
    const { ns, ipdb } = live;
    setUp(1);
    ipdb.interfaces.v0!.delIp("10.0.0.1/24");
    ipdb.routes.add({ dst: "10.99.0.0/16", gateway: "10.77.0.1" });
    await assert.rejects(ipdb.commit(), CommitError);
    // Every address is back; 10.0.0.5 was promoted and stays primary.
    assert.deepEqual(addrInfo(ns), [
      "10.0.0.5/24",
      "10.0.0.6/24 secondary",
      "10.0.0.1/24 secondary",
    ]);
    await assertEqualsKernel(ipdb, ns, "after the rollback");
  });
});
