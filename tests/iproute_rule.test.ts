/**
 * IPRoute rules (policy routing), checked against `ip -j rule` in throwaway
 * namespaces.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { IPRoute, NetlinkError, type Rule } from "../mod.ts";
import { buildRuleRequest } from "../iproute/rule/request.ts";
import { RT_RULE_STRUCTS } from "../core/tables/rt_rule.ts";
const FIB_RULE_HDR_SIZE = RT_RULE_STRUCTS.fibRuleHdr.size;
import { SETS } from "../iproute/registry.ts";
import { ip, ipJson, isRoot } from "./helpers.ts";
import { decodeRequest, withIPRoute } from "./iproute_util.ts";

const live = { skip: !isRoot && "needs root for namespaces" };

// deno-lint-ignore no-explicit-any
type Json = any;

const TABLE_IDS: Record<string, number> = { main: 254, local: 255, default: 253 };
const IPPROTO: Record<string, number> = { tcp: 6, udp: 17, icmp: 1 };

function clean<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

/** One `ip -j rule show` entry in nlroute's terms (ip's names mapped explicitly). */
function fromIp(j: Json, full: number): Record<string, unknown> {
  const prefix = (a: string | undefined, len: number | undefined) =>
    a === undefined || a === "all" ? undefined : `${a}/${len ?? full}`;
  const range = (one: number | undefined, lo: number | undefined, hi: number | undefined) =>
    one !== undefined
      ? { start: one, end: one }
      : lo !== undefined
      ? { start: lo, end: hi }
      : undefined;
  const action = "goto" in j ? "goto" : "nop" in j ? "nop" : j.action ?? "to_tbl";
  return clean({
    priority: j.priority,
    src: prefix(j.src, j.srclen),
    dst: prefix(j.dst, j.dstlen),
    iifname: j.iif,
    oifname: j.oif,
    fwmark: j.fwmark === undefined ? undefined : parseInt(j.fwmark, 16),
    // ip leaves out a full mask; the kernel reports it.
    fwmask: j.fwmask !== undefined
      ? parseInt(j.fwmask, 16)
      : j.fwmark !== undefined
      ? 0xffffffff
      : undefined,
    table: j.table === undefined ? 0 : TABLE_IDS[j.table] ?? Number(j.table),
    action,
    goto: j.goto,
    tos: j.tos === undefined ? undefined : parseInt(j.tos, 16),
    invert: "not" in j ? true : undefined,
    ipProto: j.ipproto === undefined ? undefined : IPPROTO[j.ipproto] ?? Number(j.ipproto),
    sportRange: range(j.sport, j.sport_start, j.sport_end),
    dportRange: range(j.dport, j.dport_start, j.dport_end),
    uidRange: j.uid_start === undefined ? undefined : { start: j.uid_start, end: j.uid_end },
    suppressPrefixlen: j.suppress_prefixlen,
    l3mdev: "l3mdev" in j ? 1 : undefined,
  });
}

/** An nlroute rule in the same terms. */
function fromNl(r: Rule): Record<string, unknown> {
  return clean({
    priority: r.priority,
    src: r.src,
    dst: r.dst,
    iifname: r.iifname,
    oifname: r.oifname,
    fwmark: r.fwmark,
    fwmask: r.fwmask,
    table: r.table,
    action: r.action,
    goto: r.goto,
    tos: r.tos || undefined,
    invert: r.invert || undefined,
    ipProto: r.ipProto,
    sportRange: r.sportRange,
    dportRange: r.dportRange,
    uidRange: r.uidRange,
    suppressPrefixlen: r.suppressPrefixlen,
    l3mdev: r.l3mdev,
  });
}

const byPriority = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  (a.priority as number) - (b.priority as number) ||
  JSON.stringify(a).localeCompare(JSON.stringify(b));

/** Both families' rules, as ip and as nlroute see them. */
async function bothViews(ipr: IPRoute, ns: string) {
  const oracle = [
    ...ipJson(["-4", "rule", "show"], ns).map((j: Json) => ({ family: 2, ...fromIp(j, 32) })),
    ...ipJson(["-6", "rule", "show"], ns).map((j: Json) => ({ family: 10, ...fromIp(j, 128) })),
  ].sort(byPriority);
  const ours = (await ipr.getRules())
    .filter((r) => r.family === 2 || r.family === 10)
    .map((r) => ({ family: r.family, ...fromNl(r) }))
    .sort(byPriority);
  return { oracle, ours };
}

describe("IPRoute rule (live)", live, () => {
  it("adds rules with every selector and action; ip sees what nlroute dumps", async () => {
    await withIPRoute(async (ipr, ns) => {
      await ipr.rule("add", { src: "10.1.0.0/16", table: 100, priority: 100 });
      await ipr.rule("add", { dst: "10.2.0.0/24", table: "main", priority: 101 });
      await ipr.rule("add", { fwmark: 5, table: 1000, priority: 102 });
      await ipr.rule("add", { fwmark: 0x10, fwmask: 0xff, table: 103, priority: 103 });
      await ipr.rule("add", { iifname: "lo", table: 104, priority: 104 });
      await ipr.rule("add", { oifname: "v0", table: 105, priority: 105 });
      await ipr.rule("add", { src: "10.3.0.0/16", action: "blackhole", priority: 106 });
      await ipr.rule("add", { src: "10.4.0.0/16", action: "unreachable", priority: 107 });
      await ipr.rule("add", { src: "10.5.0.0/16", action: "prohibit", priority: 108 });
      await ipr.rule("add", { action: "goto", goto: 200, priority: 109 });
      await ipr.rule("add", { action: "nop", priority: 200 });
      await ipr.rule("add", { src: "10.6.0.0/16", invert: true, table: 110, priority: 110 });
      await ipr.rule("add", { tos: 0x10, table: 111, priority: 111 });
      await ipr.rule("add", {
        ipProto: 6,
        sportRange: 1234,
        dportRange: { start: 80, end: 90 },
        uidRange: { start: 10, end: 20 },
        table: 112,
        priority: 112,
      });
      await ipr.rule("add", { table: "main", suppressPrefixlen: 0, priority: 113 });
      await ipr.rule("add", { src: "10.7.0.1/32", table: 3000000, priority: 114 });
      await ipr.rule("add", { src: "fd00::/64", table: 200, priority: 100 });
      await ipr.rule("add", { dst: "fd01::/48", fwmark: 7, action: "unreachable", priority: 101 });
      await ipr.rule("add", { family: "inet6", iifname: "lo", table: 5, priority: 102 });
      const { oracle, ours } = await bothViews(ipr, ns);
      assert.deepEqual(ours, oracle);
      // A few in ip's own words.
      const by = new Map(ipJson(["-4", "rule", "show"], ns).map((j: Json) => [j.priority, j]));
      assert.equal((by.get(102) as Json).fwmark, "0x5");
      assert.equal((by.get(103) as Json).fwmask, "0xff");
      assert.equal((by.get(104) as Json).iif, "lo");
      assert.equal((by.get(105) as Json).oif, "v0");
      assert.equal((by.get(106) as Json).action, "blackhole");
      assert.equal((by.get(109) as Json).goto, 200);
      assert.ok("not" in (by.get(110) as Json));
      assert.equal((by.get(114) as Json).table, "3000000");
    });
  });

  it("dumps rules made by ip exactly as ip shows them", async () => {
    await withIPRoute(async (ipr, ns) => {
      const r = (args: string) => ip(["rule", "add", ...args.split(" ")], ns);
      r("from 10.1.0.0/16 to 10.2.0.0/24 table 100 pref 100");
      r("fwmark 5 table 101 pref 101");
      r("fwmark 0x20/0xf0 table 102 pref 102");
      r("not iif lo table 103 pref 103");
      r("oif lo table 104 pref 104");
      r("pref 105 goto 107");
      r("pref 107 nop");
      r("pref 108 ipproto udp sport 100-200 dport 53 uidrange 10-20 table 5");
      r("pref 109 from 10.1.1.1 table 3000000");
      r("pref 110 table main suppress_prefixlength 0");
      r("pref 111 tos 0x10 table 9");
      r("pref 112 from 10.9.0.0/16 prohibit");
      ip(["-6", "rule", "add", "from", "fd00::/64", "table", "7", "pref", "100"], ns);
      ip(["-6", "rule", "add", "to", "fd00:1::/64", "blackhole", "pref", "101"], ns);
      const { oracle, ours } = await bothViews(ipr, ns);
      assert.deepEqual(ours, oracle);
    });
  });

  it("deletes rules both ways; duplicates and missing rules are kernel errors", async () => {
    await withIPRoute(async (ipr, ns) => {
      const spec = { src: "10.1.0.0/16", table: 100, priority: 100 };
      await ipr.rule("add", spec);
      await assert.rejects(
        ipr.rule("add", spec),
        (e: NetlinkError) => e instanceof NetlinkError && e.code === "EEXIST",
      );
      ip(["rule", "add", "from", "10.2.0.0/16", "table", "200", "pref", "200"], ns);
      await ipr.rule("del", spec);
      await ipr.rule("del", { src: "10.2.0.0/16", table: 200, priority: 200 });
      assert.deepEqual(ipJson(["rule", "show"], ns).map((j: Json) => j.priority), [
        0,
        32766,
        32767,
      ]);
      await assert.rejects(ipr.rule("del", spec), (e: NetlinkError) => e.code === "ENOENT");
      await ipr.rule("add", { fwmark: 9, table: 9, priority: 9 });
      ip(["rule", "del", "pref", "9"], ns);
      assert.deepEqual((await ipr.getRules({ family: "inet" })).map((r) => r.priority), [
        0,
        32766,
        32767,
      ]);
      // A deleted rule's own key() selects it.
      await ipr.rule("add", {
        src: "10.3.0.0/16",
        dst: "10.4.0.0/16",
        fwmark: 3,
        fwmask: 0xf,
        iifname: "lo",
        table: 33,
        priority: 33,
      });
      const [rule] = await ipr.getRules({ priority: 33 });
      await ipr.rule("del", rule!.key());
      assert.deepEqual(ipJson(["rule", "show", "pref", "33"], ns), []);
    });
  });

  it("flushRules keeps the kernel's default rules (and the other family when asked)", async () => {
    await withIPRoute(async (ipr, ns) => {
      for (let i = 1; i <= 10; i++) {
        await ipr.rule("add", { fwmark: i, table: 100 + (i % 2), priority: 100 + i });
      }
      await ipr.rule("add", { src: "fd00::/64", table: 100, priority: 100 });
      assert.equal(await ipr.flushRules({ table: 101 }), 5);
      assert.equal(ipJson(["-4", "rule", "show", "table", "101"], ns).length, 0);
      assert.equal(ipJson(["-4", "rule", "show", "table", "100"], ns).length, 5);
      assert.equal(await ipr.flushRules({ family: "inet" }), 5);
      assert.deepEqual(ipJson(["-4", "rule", "show"], ns).map((j: Json) => j.priority), [
        0,
        32766,
        32767,
      ]);
      assert.equal(ipJson(["-6", "rule", "show", "table", "100"], ns).length, 1);
      assert.equal(await ipr.flushRules(), 1);
      assert.deepEqual(ipJson(["-6", "rule", "show"], ns).map((j: Json) => j.priority), [0, 32766]);
      assert.equal(await ipr.flushRules(), 0);
    });
  });

  it("ensure() adds once and removes once", async () => {
    await withIPRoute(async (ipr, ns) => {
      const spec = { src: "10.8.0.0/16", table: 8, priority: 8 };
      assert.equal(await ipr.ensure("rule", spec), true);
      assert.equal(await ipr.ensure("rule", spec), false);
      assert.equal(ipJson(["rule", "show", "pref", "8"], ns).length, 1);
      assert.equal(await ipr.ensure("rule", spec, { present: false }), true);
      assert.equal(await ipr.ensure("rule", spec, { present: false }), false);
      assert.equal(ipJson(["rule", "show", "pref", "8"], ns).length, 0);
    });
  });

  it("filters dumps client-side the same with and without strict checking", async () => {
    await withIPRoute(async (ipr, ns) => {
      ip(["rule", "add", "from", "10.1.0.0/16", "table", "100", "pref", "100"], ns);
      ip(["rule", "add", "fwmark", "3", "table", "100", "pref", "101"], ns);
      ip(["rule", "add", "iif", "lo", "table", "102", "pref", "102"], ns);
      ip(["-6", "rule", "add", "from", "fd00::/64", "table", "100", "pref", "100"], ns);
      const lax = await IPRoute.open({ netns: ns, strict: false });
      try {
        // Without a family the kernel also answers with multicast routing rules
        // (families 128/129, when configured): keep to IPv4 and IPv6.
        const key = (r: Rule) => `${r.family} ${r.priority} ${r.table}`;
        const ipv = (rs: Rule[]) => rs.filter((r) => r.family === 2 || r.family === 10);
        for (
          const [f, want] of [
            [{ table: 100 }, ["10 100 100", "2 100 100", "2 101 100"]],
            [{ table: 100, family: "inet" }, ["2 100 100", "2 101 100"]],
            [{ priority: 102 }, ["2 102 102"]],
            [{ iifname: "lo" }, ["2 102 102"]],
            [{ fwmark: 3 }, ["2 101 100"]],
            [{ src: "10.1.0.0/16" }, ["2 100 100"]],
            [{ table: "main" }, ["10 32766 254", "2 32766 254"]],
          ] as [Record<string, unknown>, string[]][]
        ) {
          assert.deepEqual(
            ipv(await ipr.rule("dump", f).all()).map(key).sort(),
            want,
            JSON.stringify(f),
          );
          assert.deepEqual(
            ipv(await lax.rule("dump", f).all()).map(key).sort(),
            want,
            JSON.stringify(f),
          );
        }
      } finally {
        lax.close();
      }
    });
  });
});

describe("IPRoute rule: request bytes", () => {
  it("writes fib_rule_hdr and FRA_* attributes; tables above 255 in FRA_TABLE", () => {
    const d = decodeRequest(
      buildRuleRequest("add", {
        src: "10.0.0.0/8",
        iifname: "eth0",
        fwmark: 5,
        table: 1000,
        priority: 10,
        invert: true,
      }),
      FIB_RULE_HDR_SIZE,
      SETS.rule,
    );
    // family, dst_len, src_len, tos, table, res1, res2, action (to_tbl)
    assert.deepEqual(Array.from(d.header.subarray(0, 8)), [2, 0, 8, 0, 0, 0, 0, 1]);
    assert.equal(d.header32.getUint32(8, true), 2, "FIB_RULE_INVERT");
    assert.deepEqual(d.attrs, {
      src: "10.0.0.0",
      iifname: "eth0",
      fwmark: 5,
      table: 1000,
      priority: 10,
    });
    const g = decodeRequest(
      buildRuleRequest("add", { action: "goto", goto: 50, priority: 5 }),
      FIB_RULE_HDR_SIZE,
      SETS.rule,
    );
    assert.equal(g.header[7], 2);
    assert.deepEqual(g.attrs, { goto: 50, priority: 5 });
    const v6 = decodeRequest(
      buildRuleRequest("add", { dst: "fd00::/64", action: "blackhole" }),
      FIB_RULE_HDR_SIZE,
      SETS.rule,
    );
    assert.deepEqual(Array.from(v6.header.subarray(0, 8)), [10, 64, 0, 0, 0, 0, 0, 6]);
    assert.deepEqual(v6.attrs, { dst: "fd00::" });
  });
});
