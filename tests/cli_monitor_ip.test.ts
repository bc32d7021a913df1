/**
 * `nlroute monitor` against `ip -o monitor` (issue 12, item 21): both listen
 * in one throwaway namespace while the same changes are made, and print the
 * same lines in the same order (netconf as `inet v0 forwarding off …`, links
 * without `qlen`, as ip's monitor prints them).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ip } from "./helpers.ts";
import {
  type Capture,
  live,
  onelineNormal,
  quietIPv6,
  startCapture,
  throwawayNamespace,
} from "./cli_util.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `ok` holds of each capture's output (at most ~15 s). */
async function until(caps: Capture[], ok: (out: string) => boolean): Promise<void> {
  for (let i = 0; i < 150 && !caps.every((c) => ok(c.out())); i++) await sleep(100);
}

/** The lines between the two markers (rules of priorities 901 and 902 added). */
function between(out: string): string[] {
  const l = onelineNormal(out);
  const start = l.indexOf("901:\tfrom all lookup 901");
  const end = l.indexOf("902:\tfrom all lookup 902");
  assert.ok(start >= 0 && end > start, `markers missing in:\n${out}`);
  return l.slice(start + 1, end);
}

describe("nlroute monitor: the lines ip -o monitor prints (live)", live, () => {
  let ns = "";
  throwawayNamespace(quietIPv6, (name) => (ns = name));

  it("prints ip's lines for the same changes, in the same order", async () => {
    const theirs = startCapture("ip", ["-n", ns, "-o", "monitor"]);
    const ours = startCapture(undefined, ["-n", ns, "monitor"]);
    try {
      // Nudge until both listen.
      let mtu = 1300;
      for (let i = 0; i < 150 && !(theirs.out() && ours.out()); i++) {
        ip(["link", "set", "lo", "mtu", String(mtu++)], ns);
        await sleep(100);
      }
      ip(["rule", "add", "priority", "901", "table", "901"], ns);
      await until([theirs, ours], (o) => o.includes("901:\tfrom all lookup 901"));
      const changes = [
        "link set lo up",
        "link add m0 type veth peer name m1",
        "addr add 10.8.0.1/24 dev m0",
        "-6 addr add 2001:db8:8::1/64 dev m0 nodad",
        "link set m0 up",
        "route add 10.9.0.0/16 via 10.8.0.2 dev m0",
        "neigh add 10.8.0.7 lladdr 02:00:00:00:00:07 dev m0",
        "nexthop add id 7 blackhole",
        "nexthop del id 7",
        "rule add priority 777 table 7",
        "rule del priority 777",
        "link del m0",
      ];
      for (const c of changes) ip(c.split(" "), ns);
      ip(["rule", "add", "priority", "902", "table", "902"], ns);
      await until([theirs, ours], (o) => o.includes("902:\tfrom all lookup 902"));
    } finally {
      theirs.kill("SIGINT");
      ours.kill("SIGINT");
    }
    await Promise.all([theirs.exited, ours.exited]);
    assert.equal(ours.err(), "");
    const want = between(theirs.out());
    assert.ok(want.some((l) => l.startsWith("inet m0 forwarding")), theirs.out());
    assert.deepEqual(between(ours.out()), want);
  });
});
