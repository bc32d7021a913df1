/**
 * `nlroute -d` and `-s` (issue 12, items 19 and 20) against ip itself:
 * `ip -d link` for veth, bridge, bridge port, vxlan and macvlan (text line by
 * line, `-j` field by field, `linkinfo: { info_kind, info_data,
 * info_slave_kind, info_slave_data }`), `ip -s` / `-s -s` statistics
 * (`stats64: { rx, tx }`), the alias line, in a throwaway namespace.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { ip, ipJson } from "./helpers.ts";
import {
  assertSameJson,
  BRIDGED_VETH,
  lines,
  live,
  ok,
  prepare,
  throwawayNamespace,
} from "./cli_util.ts";

/** veth, a bridge with a port, vxlan over v0, macvlan in two modes; traffic for counters. */
function buildScene(ns: string): void {
  prepare(ns, [
    ...BRIDGED_VETH,
    "link set v0 alias uplink",
    "link property add dev v0 altname v0-alt",
    "addr add 10.0.0.1/24 dev v0",
    "link add vx0 type vxlan id 42 dstport 4789 remote 10.0.0.9 local 10.0.0.1 dev v0",
    "link add vx1 type vxlan id 43 group 239.1.1.1 dev v0 ttl 10 nolearning ageing 0",
    "link add mv0 link v0 type macvlan mode bridge",
    "link add mv1 link v0 type macvlan mode private",
  ]);
  // Some packets, so that the counters are not all zero.
  spawnSync("ip", ["netns", "exec", ns, "ping", "-c", "2", "-i", "0.2", "-W", "1", "10.0.0.2"]);
}

/**
 * Bridge and bridge port timers (gc_timer, forward_delay_timer, …) run
 * between ip's dump and ours: take them out (keeping that each is a number),
 * then compare the rest exactly.
 */
function withoutRunningTimers(items: Record<string, unknown>[]): void {
  for (const o of items) {
    const info = o.linkinfo as Record<string, Record<string, unknown>> | undefined;
    for (const data of [info?.info_data, info?.info_slave_data]) {
      for (const k of Object.keys(data ?? {})) {
        if (!k.endsWith("_timer")) continue;
        assert.equal(typeof data![k], "number", k);
        delete data![k];
      }
    }
  }
}

/** Text lines with the timers' values taken out (see {@link withoutRunningTimers}). */
function textWithoutTimer(text: string): string[] {
  return lines(text).map((l) => l.replace(/ (\w+_timer) +\d+\.\d\d(?= |$)/g, " $1 -"));
}

describe("nlroute -d and -s: link details and statistics compared with ip (live)", live, () => {
  let ns = "";
  throwawayNamespace(buildScene, (name) => (ns = name));

  it("-d -j prints ip's fields for veth, bridge, bridge port, vxlan and macvlan", () => {
    for (const args of [["link", "show"], ["link", "show", "dev", "v1"], ["address", "show"]]) {
      const theirs = ipJson(["-d", ...args], ns);
      const ours = JSON.parse(ok(ns, ["-d", "-j", ...args]));
      withoutRunningTimers(theirs);
      withoutRunningTimers(ours);
      assertSameJson(ours, theirs, `-d ${args.join(" ")}`);
    }
    const byName = new Map(
      (JSON.parse(ok(ns, ["-d", "-j", "link"])) as { ifname: string; linkinfo?: unknown }[])
        .map((l) => [l.ifname, l.linkinfo]),
    );
    assert.deepEqual(Object.keys(byName.get("v1") as object), [
      "info_kind",
      "info_slave_kind",
      "info_slave_data",
    ]);
    assert.equal(
      (byName.get("vx1") as { info_data: { group: string } }).info_data.group,
      "239.1.1.1",
    );
  });

  it("-d prints ip's lines", () => {
    for (const args of [["link"], ["link", "show", "dev", "vx1"], ["address"], ["-4", "address"]]) {
      assert.deepEqual(
        textWithoutTimer(ok(ns, ["-d", ...args])),
        textWithoutTimer(ip(["-d", ...args], ns)),
        args.join(" "),
      );
    }
  });

  /**
   * Runs ours between two runs of ip and hands the pair to `check` once ip's
   * two agree (counters move while packets are still under way: ARP probes,
   * MLD reports).
   */
  function between<T>(theirs: () => T, ours: () => T, same: (a: T, b: T) => boolean): [T, T] {
    for (let i = 0; i < 20; i++) {
      const before = theirs();
      const o = ours();
      const after = theirs();
      if (same(before, after)) return [o, after];
      spawnSync("sleep", ["0.5"]);
    }
    throw new Error("ip's own statistics kept changing");
  }

  it("-s and -s -s print ip's statistics, text and -j", () => {
    const eq = (a: string[], b: string[]) => JSON.stringify(a) === JSON.stringify(b);
    for (const s of [["-s"], ["-s", "-s"], ["-s", "-d"]]) {
      const args = [...s, "link", "show", "dev", "v0"];
      const [ours, theirs] = between(
        () => textWithoutTimer(ip(args, ns)),
        () => textWithoutTimer(ok(ns, args)),
        eq,
      );
      assert.deepEqual(ours, theirs, s.join(" "));
      const json = (text: string) => {
        const items = JSON.parse(text) as Record<string, unknown>[];
        withoutRunningTimers(items);
        return items;
      };
      const [o, t] = between(
        () => json(ip(["-j", ...s, "link"], ns)),
        () => json(ok(ns, ["-j", ...s, "link"])),
        (a, b) => JSON.stringify(a) === JSON.stringify(b),
      );
      assertSameJson(o, t, `${s.join(" ")} -j link`);
    }
    const [v0] = JSON.parse(ok(ns, ["-s", "-s", "-j", "link", "show", "dev", "v0"]));
    assert.ok(v0.stats64.tx.packets > 0, "ping left no counters");
    assert.equal(typeof v0.stats64.tx.carrier_changes, "number");
  });

  it("prints the alias as ip does, with and without -d", () => {
    assert.ok(lines(ok(ns, ["link", "show", "dev", "v0"])).includes("    alias uplink"));
    assert.equal(JSON.parse(ok(ns, ["-j", "link", "show", "dev", "v0"]))[0].ifalias, "uplink");
  });
});
