/**
 * IPDB commit plans: steps are plain data whose description is derived from
 * them, every spec is checked before anything is sent, and the steps of one
 * phase go to the kernel as one batch (names of interfaces created or
 * renamed by earlier phases resolved when it is sent).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError, type Request } from "../mod.ts";
import { describe as describeStep, PHASE, Plan, type Step } from "../ipdb/plan.ts";
import { recordInternals } from "../ipdb/record.ts";
import { ip } from "./helpers.ts";
import { addrsOf, describeLive, linkOf, shapes, spyBatches } from "./ipdb_util.ts";

const NAMES: Record<number, string> = { 3: "v0", 4: "v1", 7: "br0" };
const names = (i: number) => NAMES[i];

function text(object: Step["object"], cmd: string, spec: Step["spec"], withNames = true): string {
  return describeStep({ object, cmd, spec, phase: 0 }, withNames ? names : undefined);
}

describe("IPDB step descriptions", () => {
  it("derives iproute2-like text from a step's data", () => {
    assert.equal(text("link", "set", { index: 3, mtu: 1400 }), "link set v0 mtu 1400");
    assert.equal(text("link", "set", { index: 3, mtu: 1400 }, false), "link set 3 mtu 1400");
    assert.equal(text("link", "set", { index: "v0", master: 0 }), "link set v0 nomaster");
    assert.equal(text("link", "set", { index: 4, master: 7 }), "link set v1 master br0");
    assert.equal(text("link", "set", { index: "v0", state: "up" }), "link set v0 up");
    assert.equal(text("link", "set", { index: 3, ifname: "v9" }), "link set v0 ifname v9");
    assert.equal(
      text("link", "add", { ifname: "br0", kind: "bridge", mtu: 1400 }),
      "link add br0 type bridge mtu 1400",
    );
    assert.equal(
      text("link", "set", { index: "br0", kind: "bridge", data: { stpState: 1 } }),
      'link set br0 type bridge data {"stpState":1}',
    );
    assert.equal(text("link", "del", { index: 7 }), "link del br0");
    assert.equal(
      text("addr", "add", { index: 3, address: "10.0.0.1", prefixlen: 24, label: "v0:1" }),
      "addr add 10.0.0.1/24 dev v0 label v0:1",
    );
    assert.equal(
      text("route", "add", { dst: "10.1.0.0/16", gateway: "10.0.0.2", oif: 3, priority: 5 }),
      "route add 10.1.0.0/16 via 10.0.0.2 dev v0 metric 5",
    );
    assert.equal(
      text("route", "replace", { table: 100, oif: "g0" }),
      "route replace default table 100 dev g0",
    );
    assert.equal(
      text("rule", "add", { priority: 100, src: "10.0.0.0/8", table: 100 }),
      "rule add priority 100 src 10.0.0.0/8 table 100",
    );
  });
});

describeLive("IPDB commit plans", (live) => {
  it("plans a transaction as plain data, each step with its undo", () => {
    const { ipdb } = live;
    const v0 = ipdb.interfaces.v0!;
    v0.setMtu(1400).addIp("10.50.0.1/24").up(); // already up: no step
    const steps = v0.plan(recordInternals.txData(v0)!);
    assert.deepEqual(JSON.parse(JSON.stringify(steps)), steps, "nothing but data");
    const ifname = (i: number) => ipdb.interfaces[i]?.ifname;
    assert.deepEqual(steps.map((s) => describeStep(s, ifname)), [
      "link set v0 mtu 1400",
      "addr add 10.50.0.1/24 dev v0",
    ]);
    assert.deepEqual(steps[0], {
      object: "link",
      cmd: "set",
      spec: { index: v0.index, mtu: 1400 },
      phase: PHASE.setLink,
      undo: [{
        object: "link",
        cmd: "set",
        spec: { index: v0.index, mtu: 1500 },
        phase: PHASE.setLink,
      }],
    });
    assert.deepEqual(steps[1]!.undo!.map((s) => describeStep(s, ifname)), [
      "addr del 10.50.0.1/24 dev v0",
    ]);
    v0.drop();
  });

  it("plans a removal whose undo recreates the link, its peer, addresses, state and routes", () => {
    const { ns, ipdb } = live;
    ip(["route", "add", "10.51.0.0/16", "via", "10.0.0.2"], ns);
    const v0 = ipdb.interfaces.v0!;
    v0.remove();
    const [step, ...rest] = v0.plan(recordInternals.txData(v0)!);
    assert.equal(rest.length, 0);
    assert.equal(describeStep(step!), `link del ${v0.index}`);
    const undo = step!.undo!.map((s) => describeStep(s));
    assert.match(undo[0]!, /^link add v0 type veth .*peer \{"ifname":"v1"/);
    assert.ok(undo.includes("addr add 10.0.0.1/24 dev v0 label v0"), undo.join("\n"));
    assert.ok(undo.includes("link set v0 up") && undo.includes("link set v1 up"));
    assert.ok(
      undo.some((u) => /^route replace 10\.51\.0\.0\/16 .*via 10\.0\.0\.2 dev v0/.test(u)),
    );
    assert.deepEqual(
      step!.undo!.map((s) => s.phase),
      [...step!.undo!.map((s) => s.phase)].sort((a, b) => a - b),
      "undo steps in phase order",
    );
    const re = step!.undo!.filter((s) => s.object !== "link" || s.cmd !== "add");
    assert.ok(
      re.filter((s) => s.cmd !== "set" || s.spec.state === undefined).every((s) =>
        s.tolerate?.includes("EEXIST")
      ),
    );
    v0.drop();
  });

  it("checks every spec before anything is sent", () => {
    const { ipdb } = live;
    const spy = spyBatches(ipdb.ipr);
    const steps: Step[] = [
      { object: "link", cmd: "set", spec: { index: "v0", mtu: 1400 }, phase: PHASE.setLink },
      { object: "addr", cmd: "add", spec: { index: "v0", address: "10.0.0.300/24" }, phase: 3 },
    ];
    assert.throws(() => new Plan(ipdb.ipr, steps), (e: Error) => {
      assert.ok(e instanceof ArgumentError);
      assert.match(e.message, /"address"/);
      return true;
    });
    spy.stop();
    assert.deepEqual(spy.sent, []);
    assert.equal(new Plan(ipdb.ipr, steps.slice(0, 1)).batches, 1);
  });

  it("sends each phase of a commit as one batch, renamed and new links referred to by index or name", async () => {
    const { ns, ipdb } = live;
    const v0 = ipdb.interfaces.v0!;
    const v1 = ipdb.interfaces.v1!;
    const br = ipdb.create("bridge", "br0", {}).addPort("v0").addPort(v1).addIp("10.30.0.1/24")
      .up();
    v0.setMtu(1400).setTxqlen(700).addIp("10.31.0.1/24");
    v1.setMtu(1300).setName("v9");
    const spy = spyBatches(ipdb.ipr);
    const socketBatches: number[] = [];
    const socket = ipdb.ipr.socket;
    const batch = socket.batch;
    socket.batch = function (this: typeof socket, reqs: readonly Request[], opts?: object) {
      socketBatches.push(reqs.length);
      return batch.call(this, reqs, opts) as never;
    } as typeof batch;
    try {
      await ipdb.commit();
    } finally {
      spy.stop();
      socket.batch = batch;
    }
    assert.deepEqual(shapes(spy.sent), [
      ["link add"],
      ["link set", "link set", "link set", "link set"],
      ["link set", "link set"],
      ["addr add", "addr add"],
      ["link set"],
    ]);
    assert.deepEqual(socketBatches, [1, 4, 2, 2, 1], "one send per phase");
    assert.deepEqual(spy.sent[2]!.map((s) => s.spec), [
      { index: v0.index, master: "br0" },
      { index: v1.index, master: "br0" },
    ]);
    assert.equal(linkOf(ns, "v0").mtu, 1400);
    assert.equal(linkOf(ns, "v0").master, "br0");
    assert.equal(linkOf(ns, "v9").master, "br0");
    assert.equal(linkOf(ns, "v9").mtu, 1300);
    assert.ok(linkOf(ns, "br0").flags.includes("UP"));
    assert.deepEqual(addrsOf(ns, "br0"), ["10.30.0.1/24"]);
    assert.deepEqual(addrsOf(ns, "v0"), ["10.0.0.1/24", "10.31.0.1/24"]);
    assert.equal(ipdb.interfaces.br0, br, "the created record is the database's");
    assert.equal(br.ipdbScope, "system");
    assert.equal(ipdb.interfaces.v9, v1);
    assert.deepEqual(br.ports.sort(), [v0.index, v1.index].sort());
    assert.deepEqual(br.ipaddr.filter((a) => !a.startsWith("fe80")), ["10.30.0.1/24"]);
  });
});
