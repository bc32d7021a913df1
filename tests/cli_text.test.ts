/**
 * Text that used to differ from ip's (issue 12, item 21), compared with ip
 * itself in a throwaway namespace, text and `-j`: an IPv6 multipath route's
 * `pref` before its next hops, the expiry of an IPv6 route, `route show
 * table all`, `-6 route`, and `-6 addr`'s links as the kernel's IPv6 link
 * dump gives them.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ip, ipJson } from "./helpers.ts";
import {
  assertSameJson,
  BRIDGED_VETH,
  lines,
  live,
  ok,
  onelineNormal,
  throwawayScene,
} from "./cli_util.ts";

/** The commands that build the scene, with ip. */
const SCENE = [
  ...BRIDGED_VETH,
  "link property add dev v0 altname v0-alt",
  "addr add 10.0.0.1/24 dev v0",
  "-6 addr add 2001:db8::1/64 dev v0 nodad",
  "-6 route add 2001:db9::/64 nexthop via 2001:db8::2 dev v0 nexthop via 2001:db8::3 dev v0",
  "-6 route add 2001:db8:9::/64 via 2001:db8::5 dev v0 pref high",
  "-6 route add 2001:db8:8::/64 dev v0 expires 600",
  "-6 route add unreachable 2001:db8:5::/64",
  "-6 route add 2001:db8:a::/64 dev v0 metric 50 mtu 1300 hoplimit 5",
  "route add unreachable 10.77.0.0/16",
  "route add 10.3.0.0/16 nexthop via 10.0.0.2 dev v0 weight 2 nexthop via 10.0.0.3 dev v0",
];

/** An expiry counts down between ip's run and ours: compare it apart, within a second. */
function expiries(text: string): { rest: string[]; left: number[] } {
  const left: number[] = [];
  const rest = lines(text).map((l) =>
    l.replace(/ expires (\d+)sec/, (_, n: string) => {
      left.push(Number(n));
      return " expires -";
    })
  );
  return { rest, left };
}

function assertSameExpiring(ours: string, theirs: string, what: string): void {
  const o = expiries(ours);
  const t = expiries(theirs);
  assert.deepEqual(o.rest, t.rest, what);
  assert.equal(o.left.length, t.left.length, what);
  o.left.forEach((n, i) => assert.ok(Math.abs(n - t.left[i]!) <= 1, `${what}: expires ${n}`));
}

describe("nlroute: text that ip prints (live)", live, () => {
  let ns = "";
  throwawayScene(SCENE, (name) => (ns = name));

  it("prints an IPv6 multipath route's pref before its next hops", () => {
    const args = ["-6", "route", "show", "2001:db9::/64"];
    assert.deepEqual(lines(ok(ns, args)), lines(ip(args, ns)));
    const [ours] = JSON.parse(ok(ns, ["-j", ...args]));
    const [theirs] = ipJson(args, ns);
    assert.deepEqual(Object.keys(ours), Object.keys(theirs), "fields in ip's order");
    assert.deepEqual(ours, theirs);
  });

  it("prints -6 route, route show table all and -6 route show table all as ip does", () => {
    const cases = [
      ["-6", "route"],
      ["route", "show", "table", "all"],
      ["-6", "route", "show", "table", "all"],
      ["route"],
    ];
    for (const args of cases) {
      assertSameExpiring(ok(ns, args), ip(args, ns), args.join(" "));
      const ours = JSON.parse(ok(ns, ["-j", ...args])) as Record<string, unknown>[];
      const theirs = ipJson(args, ns) as Record<string, unknown>[];
      const expiring = (l: Record<string, unknown>[]) =>
        l.filter((r) => "expires" in r).map((r) => {
          const n = r.expires as number;
          delete r.expires;
          return n;
        });
      const [a, b] = [expiring(ours), expiring(theirs)];
      assert.equal(a.length, b.length);
      a.forEach((n, i) => assert.ok(Math.abs(n - b[i]!) <= 1));
      assertSameJson(ours, theirs, args.join(" "));
    }
  });

  it("prints -6 addr's links as the kernel's IPv6 link dump gives them, as ip does", () => {
    for (const args of [["-6", "addr"], ["-d", "-6", "addr"], ["-6", "addr", "show", "up"]]) {
      assert.deepEqual(lines(ok(ns, args)), lines(ip(args, ns)), args.join(" "));
      assertSameJson(JSON.parse(ok(ns, ["-j", ...args])), ipJson(args, ns), args.join(" "));
    }
    assert.deepEqual(
      onelineNormal(ok(ns, ["-o", "-6", "addr"])),
      onelineNormal(ip(["-o", "-6", "addr"], ns)),
    );
    // With a device, ip asks for that link in full.
    const dev = ["-6", "addr", "show", "dev", "v0"];
    assert.deepEqual(lines(ok(ns, dev)), lines(ip(dev, ns)));
  });
});
