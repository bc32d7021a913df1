/**
 * `nlroute route add … encap …` (seg6, seg6local, ip, ip6; per next hop
 * too) and routes with an encapsulation printed as ip prints them, text and
 * `-j`, in a throwaway namespace; mpls and ioam6 refused by this kernel give
 * its reason; words nlroute does not take are usage errors.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ip, ipJson } from "./helpers.ts";
import { lines, live, nlroute, ok, throwawayScene } from "./cli_util.ts";

const SCENE = [
  "link add v0 type veth peer name v1",
  "link set v0 up",
  "link set v1 up",
  "addr add 10.0.0.1/24 dev v0",
  "-6 addr add fd00::1/64 dev v0 nodad",
];

/** Routes added with nlroute, each as ip would take it. */
const ADDS = [
  "-6 route add fc00:1::/64 encap seg6 mode encap segs fc00::1,fc00::2 dev v0",
  "-6 route add fc00:2::/64 encap seg6 mode inline segs fc00::1 hmac 31 dev v0",
  "-6 route add fc00:3::/64 encap seg6 mode l2encap.red segs fc00::4 dev v0",
  "-6 route add fc00:f::1/128 encap seg6local action End.X nh6 fd00::2 dev v0",
  "-6 route add fc00:f::2/128 encap seg6local action End.DT6 table 100 dev v0",
  "-6 route add fc00:f::3/128 encap seg6local action End.B6 srh segs fc00::9 dev v0",
  "-6 route add fc00:f::4/128 encap seg6local action End.B6.Encaps srh segs fc00::8,fc00::7 hmac 2 dev v0",
  "-6 route add fc00:f::5/128 encap seg6local action End.DX2 oif v1 dev v0",
  "-6 route add fc00:f::6/128 encap seg6local action End flavors next-csid lblen 32 nflen 16 dev v0",
  "-6 route add fc00:f::7/128 encap seg6local action End count dev v0",
  "-6 route add fc00:f::8/128 encap seg6local action End.DX4 nh4 10.0.0.2 dev v0",
  "route add 10.40.0.0/16 encap ip id 5 dst 10.0.0.2 ttl 3 key csum dev v0",
  "-6 route add fc00:40::/64 encap ip6 id 6 dst fd00::9 src fd00::1 hoplimit 2 tc 4 seq dev v0",
  "-6 route add fc00:a::/64 nexthop encap seg6 mode encap segs fc00::1 via fd00::2 dev v0 " +
  "nexthop encap seg6 mode encap segs fc00::2,fc00::3 via fd00::3 dev v0",
  "route add 10.20.0.0/16 nexthop encap ip id 7 dst 10.0.0.9 via 10.0.0.2 nexthop via 10.0.0.3",
];

describe("nlroute route … encap (live)", live, () => {
  let ns = "";
  throwawayScene(SCENE, (name) => (ns = name));

  it("adds routes with encap and prints them as ip does (text and -j)", () => {
    for (const a of ADDS) ok(ns, a.split(" "));
    for (const args of [["-6", "route"], ["route"], ["-6", "route", "show", "table", "all"]]) {
      assert.deepEqual(lines(ok(ns, args)), lines(ip(args, ns)), args.join(" "));
      assert.deepEqual(JSON.parse(ok(ns, ["-j", ...args])), ipJson(args, ns), args.join(" "));
    }
    // What ip added reads back the same through nlroute.
    ip("-6 route add fc00:9::/64 encap seg6 mode encap segs fc00::5,fc00::6 dev v0".split(" "), ns);
    const one = ["-6", "route", "show", "fc00:9::/64"];
    assert.deepEqual(lines(ok(ns, one)), lines(ip(one, ns)));
  });

  it("reports the kernel's refusal of mpls and ioam6 encap (this kernel lacks both)", () => {
    for (
      const a of [
        "route add 10.9.0.0/16 encap mpls 100/200 ttl 5 dev v0",
        "-6 route add fc00:8::/64 encap ioam6 mode inline trace prealloc type 0x800000 ns 1 size 12 dev v0",
      ]
    ) {
      const theirs = spawnIp(ns, a);
      const r = nlroute(["-n", ns, ...a.split(" ")]);
      if (theirs === 0) {
        assert.equal(r.code, 0, r.stderr); // a kernel that has it: both add
        continue;
      }
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /lwt encapsulation type not supported|not supported/);
    }
  });

  it("refuses what it cannot parse before sending", () => {
    const bad: [string, RegExp][] = [
      ["-6 route add fc00:5::/64 encap gre dev v0", /not an encapsulation type/],
      ["-6 route add fc00:5::/64 encap seg6 mode encap dev v0", /not complete/],
      ["-6 route add fc00:5::/64 encap seg6 mode encap segs fc00::1,nope dev v0", /segs/],
      ["-6 route add fc00:5::/64 encap seg6local action End.Q dev v0", /action/],
      ["route add 10.9.0.0/16 encap mpls 1048576 dev v0", /mpls/],
      ["route add 10.9.0.0/16 encap bpf xmit obj x.o dev v0", /not supported by nlroute/],
      ["-6 route add fc00:5::/64 encap seg6 mode tunnel segs fc00::1 dev v0", /mode/],
    ];
    for (const [a, msg] of bad) {
      const r = nlroute(["-n", ns, ...a.split(" ")]);
      assert.notEqual(r.code, 0, a);
      assert.match(r.stderr, msg, a);
    }
    assert.deepEqual(ipJson(["-6", "route", "show", "fc00:5::/64"], ns), []);
  });
});

/** `ip -n ns …`'s exit status. */
function spawnIp(ns: string, args: string): number {
  try {
    ip(args.split(" "), ns);
    return 0;
  } catch {
    return 1;
  }
}
