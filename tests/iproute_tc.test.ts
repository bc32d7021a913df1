/**
 * IPRoute traffic control, live against tc in throwaway namespaces: an htb
 * hierarchy (root → classes → leaf tbf → u32 filters steering to classes),
 * ingress and clsact with mirred actions, u32 hash tables, made by nlroute and
 * read by `tc -j -s` / `tc -s -d`, and made by tc and read by nlroute, field
 * by field; what the kernel keeps is the same whichever made it; flushQdiscs;
 * events; bad input. Kinds this kernel refuses are skipped with its reason.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { ArgumentError, Monitor, type MonitorEvent, NetlinkError } from "../mod.ts";
import type { IPRoute } from "../mod.ts";
import { live, withIPRoute } from "./iproute_util.ts";
import { isRoot, skipReason, tcRefuses } from "./helpers.ts";

/** `tc args` inside `ns`; its stdout. */
function tc(ns: string, args: string): string {
  return execFileSync("ip", ["netns", "exec", ns, "tc", ...args.split(/\s+/).filter(Boolean)], {
    encoding: "utf8",
  });
}

/** `tc -j args` inside `ns`, parsed. */
// deno-lint-ignore no-explicit-any
function tcJson(ns: string, args: string): any {
  return JSON.parse(tc(ns, `-j ${args}`));
}

/** A veth pair v0/v1, both up, in `ns`. */
function veth(ns: string): void {
  execFileSync("ip", ["-n", ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
  execFileSync("ip", ["-n", ns, "link", "set", "v0", "up"]);
  execFileSync("ip", ["-n", ns, "link", "set", "v1", "up"]);
}

/** tc's class text, one record per class: `classid` and its words (`rate` → "8Mbit"). */
function tcClasses(ns: string, dev: string): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const block of tc(ns, `-s -d class show dev ${dev}`).split(/\n(?=class )/)) {
    const m = /^class (\S+) (\S+) (root|parent \S+)(.*)/s.exec(block.trim());
    if (!m) continue;
    const words = m[4]!.trim().split(/\s+/);
    const rec: Record<string, string> = { kind: m[1]!, parent: m[3]!.replace("parent ", "") };
    for (let i = 0; i + 1 < words.length; i++) {
      if (/^[a-z_]+:?$/.test(words[i]!)) rec[words[i]!.replace(/:$/, "")] ??= words[i + 1]!;
    }
    out.set(m[2]!, rec);
  }
  return out;
}

/** tc's filter text: one line per filter handle, with its match lines joined after it. */
function tcFilters(ns: string, args: string): string[] {
  return tc(ns, `filter show ${args}`).split(/\n(?=filter )/).map((b) =>
    b.trim().replace(/\s+/g, " ")
  ).filter(Boolean);
}

const GACT = skipReason(
  isRoot &&
    tcRefuses([
      "qdisc add dev v0 clsact",
      "filter add dev v0 ingress u32 match u32 0 0 action drop",
    ], veth),
);

/** The htb hierarchy both tests build: root 1: → 1:1 → 1:10 (leaf tbf 10:), 1:20, and filters. */
async function nlrouteHierarchy(ipr: IPRoute): Promise<void> {
  await ipr.qdisc("add", { index: "v0", kind: "htb", handle: "1:", default: "20", r2q: 5 });
  await ipr.tclass("add", {
    index: "v0",
    kind: "htb",
    parent: "1:",
    classid: "1:1",
    rate: "8mbit",
    ceil: "16mbit",
    burst: "20k",
    cburst: "10k",
    prio: 2,
    quantum: 3000,
  });
  await ipr.tclass("add", {
    index: "v0",
    kind: "htb",
    parent: "1:1",
    classid: "1:10",
    rate: "5mbit",
  });
  await ipr.tclass("add", {
    index: "v0",
    kind: "htb",
    parent: "1:1",
    classid: "1:20",
    rate: "1mbit",
  });
  await ipr.qdisc("add", {
    index: "v0",
    kind: "tbf",
    parent: "1:10",
    handle: "10:",
    rate: "512kbit",
    burst: "16kb",
    limit: 30000,
  });
  await ipr.filter("add", {
    index: "v0",
    parent: "1:",
    protocol: "ip",
    prio: 1,
    kind: "u32",
    match: [{ ip: { src: "10.0.0.0/8" } }, { ip: { dport: 80 } }],
    classid: "1:10",
  });
}

const TC_HIERARCHY = [
  "qdisc add dev v1 root handle 1: htb default 20 r2q 5",
  "class add dev v1 parent 1: classid 1:1 htb rate 8mbit ceil 16mbit burst 20k cburst 10k prio 2 quantum 3000",
  "class add dev v1 parent 1:1 classid 1:10 htb rate 5mbit",
  "class add dev v1 parent 1:1 classid 1:20 htb rate 1mbit",
  "qdisc add dev v1 parent 1:10 handle 10: tbf rate 512kbit burst 16kb limit 30000",
  "filter add dev v1 parent 1: protocol ip prio 1 u32 match ip src 10.0.0.0/8 match ip dport 80 0xffff classid 1:10",
];

/** An object's JSON without the interface index (the same shape on v0 and v1). */
function shape(o: { toJSON(): unknown }): unknown {
  // Statistics and htb tokens move with the traffic each interface saw.
  const { index: _index, stats: _stats, xstats: _xstats, ...rest } = o.toJSON() as Record<
    string,
    unknown
  >;
  // Packets the root qdisc sent directly (router solicitations…) differ by interface.
  const options = rest.options as Record<string, unknown> | undefined;
  if (options) rest.options = { ...options, directPacketsStat: undefined };
  return rest;
}

describe("IPRoute tc (live)", live, () => {
  it("builds an htb hierarchy with a tbf leaf and u32 filters; tc reads it field by field", async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
      await nlrouteHierarchy(ipr);
      const q = tcJson(ns, "-s qdisc show dev v0");
      const htb = q.find((x: { kind: string }) => x.kind === "htb");
      assert.equal(htb.handle, "1:");
      assert.equal(htb.root, true);
      assert.deepEqual(
        { r2q: htb.options.r2q, default: htb.options.default },
        { r2q: 5, default: "0x20" },
      );
      const tbf = q.find((x: { kind: string }) => x.kind === "tbf");
      assert.deepEqual(
        { handle: tbf.handle, parent: tbf.parent, ...tbf.options },
        { handle: "10:", parent: "1:10", rate: 64000, burst: 16384, lat: 212750 },
      );
      const classes = tcClasses(ns, "v0");
      const c1 = classes.get("1:1")!;
      assert.deepEqual(
        [c1.parent, c1.prio, c1.quantum, c1.rate, c1.ceil, c1.burst, c1.cburst, c1.level],
        ["root", undefined, undefined, "8Mbit", "16Mbit", "20Kb/1", "10Kb/1", "7"],
      );
      const c10 = classes.get("1:10")!;
      assert.deepEqual(
        [c10.parent, c10.leaf, c10.prio, c10.quantum, c10.rate, c10.ceil, c10.level],
        ["1:1", "10:", "0", "125000", "5Mbit", "5Mbit", "0"],
      );
      assert.equal(classes.get("1:20")?.rate, "1Mbit");
      assert.deepEqual(tcFilters(ns, "dev v0"), [
        "filter parent 1: protocol ip pref 1 u32 chain 0",
        "filter parent 1: protocol ip pref 1 u32 chain 0 fh 800: ht divisor 1",
        "filter parent 1: protocol ip pref 1 u32 chain 0 fh 800::800 order 2048 key ht 800 bkt 0 *flowid 1:10 not_in_hw match 0a000000/ff000000 at 12 match 00000050/0000ffff at 20",
      ]);
      // …and nlroute reads back what it made.
      const [root] = await ipr.getQdiscs({ index: "v0", kind: "htb" });
      assert.deepEqual(
        { ...root!.options, version: undefined, directPacketsStat: undefined },
        {
          r2q: 5,
          default: 0x20,
          directQlen: 1000,
          version: undefined,
          directPacketsStat: undefined,
        },
      );
      const leaf = (await ipr.getClasses({ index: "v0" })).find((c) => c.classid === "1:10")!;
      assert.equal(leaf.leaf, "10:");
      assert.equal(leaf.parent, "1:1");
      assert.deepEqual(
        { rate: leaf.options!.rate, ceil: leaf.options!.ceil, quantum: leaf.options!.quantum },
        { rate: 625_000, ceil: 625_000, quantum: 125_000 },
      );
    });
  });

  it("reads what tc made exactly as what nlroute made (qdiscs, classes, filters)", async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
      await nlrouteHierarchy(ipr);
      for (const line of TC_HIERARCHY) tc(ns, line);
      const byIndex = async () => {
        const [v0, v1] = [
          (await ipr.link("get", { ifname: "v0" })).index,
          (await ipr.link("get", { ifname: "v1" })).index,
        ];
        return { v0, v1 };
      };
      const { v0, v1 } = await byIndex();
      const same = async <T extends { toJSON(): unknown }>(
        get: (index: number) => Promise<T[]>,
      ) => {
        const a = (await get(v0)).map(shape);
        const b = (await get(v1)).map(shape);
        assert.ok(a.length > 0);
        assert.deepEqual(a, b);
      };
      await same((index) => ipr.getQdiscs({ index }));
      await same((index) => ipr.getClasses({ index }));
      await same((index) => ipr.getFilters({ index, parent: "1:" }));
      // The tc-made objects, field by field against tc's own view.
      const tbf = (await ipr.getQdiscs({ index: v1, kind: "tbf" }))[0]!;
      assert.deepEqual(tbf.options, { rate: 64000, burst: 16384, limit: 30000, latency: 212750 });
      assert.equal(tbf.parent, "1:10");
      const [u32] = (await ipr.getFilters({ index: v1, parent: "1:" })).filter((f) =>
        f.handle === "800::800"
      );
      assert.equal(u32!.protocol, "ip");
      assert.equal(u32!.prio, 1);
      assert.deepEqual(u32!.options, {
        classid: "1:10",
        ht: "800:",
        terminal: true,
        keys: [
          { value: 0x0a000000, mask: 0xff000000, off: 12, offmask: 0 },
          { value: 80, mask: 0xffff, off: 20, offmask: 0 },
        ],
        notInHw: true,
      });
    });
  });

  it("makes u32 hash tables (divisor, link, hashkey, ht and sample) as tc does", async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
      for (const dev of ["v0", "v1"]) {
        await ipr.qdisc("add", { index: dev, kind: "htb", handle: "1:" });
      }
      await ipr.filter("add", {
        index: "v0",
        parent: "1:",
        protocol: "ip",
        prio: 5,
        kind: "u32",
        handle: "2:",
        divisor: 256,
      });
      await ipr.filter("add", {
        index: "v0",
        parent: "1:",
        protocol: "ip",
        prio: 5,
        kind: "u32",
        link: "2:",
        hashkey: { mask: 0xff, at: 16 },
        match: [{ ip: { dst: "10.0.0.0/8" } }],
      });
      await ipr.filter("add", {
        index: "v0",
        parent: "1:",
        protocol: "ip",
        prio: 5,
        kind: "u32",
        ht: "2:7:",
        match: [{ ip: { dst: "10.0.0.7" } }],
        classid: "1:20",
      });
      await ipr.filter("add", {
        index: "v0",
        parent: "1:",
        protocol: "ip",
        prio: 5,
        kind: "u32",
        ht: "2:",
        sample: { match: { ip: { dst: "10.0.0.9" } } },
        match: [{ ip: { dst: "10.0.0.9" } }],
        classid: "1:20",
      });
      for (
        const line of [
          "filter add dev v1 parent 1: prio 5 protocol ip handle 2: u32 divisor 256",
          "filter add dev v1 parent 1: prio 5 protocol ip u32 link 2: hashkey mask 0x000000ff at 16 match ip dst 10.0.0.0/8",
          "filter add dev v1 parent 1: prio 5 protocol ip u32 ht 2:7: match ip dst 10.0.0.7 flowid 1:20",
          "filter add dev v1 parent 1: prio 5 protocol ip u32 ht 2: sample ip dst 10.0.0.9/32 match ip dst 10.0.0.9 flowid 1:20",
        ]
      ) tc(ns, line);
      const mine = tcFilters(ns, "dev v0");
      assert.deepEqual(mine, tcFilters(ns, "dev v1"));
      assert.ok(
        mine.includes("filter parent 1: protocol ip pref 5 u32 chain 0 fh 2: ht divisor 256"),
      );
      assert.ok(
        mine.includes(
          "filter parent 1: protocol ip pref 5 u32 chain 0 fh 2:7:800 order 2048 key ht 2 bkt 7 *flowid 1:20 not_in_hw match 0a000007/ffffffff at 16",
        ),
        mine.join("\n"),
      );
      assert.ok(
        mine.some((l) => l.includes("fh 2:9:800") && l.includes("flowid 1:20")),
        mine.join("\n"),
      );
      assert.ok(
        mine.includes(
          "filter parent 1: protocol ip pref 5 u32 chain 0 fh 800::800 order 2048 key ht 800 bkt 0 link 2: not_in_hw match 0a000000/ff000000 at 16 hash mask 000000ff at 16",
        ),
        mine.join("\n"),
      );
      const made = await ipr.getFilters({ index: "v1", parent: "1:" });
      const table = made.find((f) => f.handle === "2:")!;
      assert.deepEqual(table.options, { divisor: 256 });
      const linker = made.find((f) => f.handle === "800::800")!;
      assert.deepEqual(
        { link: linker.options!.link, hashkey: linker.options!.hashkey },
        { link: "2:", hashkey: { mask: 0xff, at: 16 } },
      );
    });
  });

  it("ingress and clsact hooks with mirred redirect and mirror actions, both ways", async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
      await ipr.qdisc("add", { index: "v0", kind: "ingress" });
      await ipr.qdisc("add", { index: "v1", kind: "clsact" });
      await ipr.filter("add", {
        index: "v0",
        parent: "ingress",
        protocol: "ip",
        prio: 2,
        kind: "u32",
        match: [{ u32: [0, 0], at: 0 }],
        actions: [{ kind: "mirred", mode: "redirect", dev: "v1" }],
      });
      await ipr.filter("add", {
        index: "v1",
        parent: "egress",
        protocol: "ip",
        prio: 1,
        kind: "u32",
        match: [{ ip: { protocol: 6 } }],
        actions: [{ kind: "mirred", direction: "egress", mode: "mirror", dev: "v0" }],
      });
      const q0 = tcJson(ns, "qdisc show dev v0").find((q: { kind: string }) =>
        q.kind === "ingress"
      );
      assert.deepEqual([q0.handle, q0.parent], ["ffff:", "ffff:fff1"]);
      const q1 = tcJson(ns, "qdisc show dev v1").find((q: { kind: string }) => q.kind === "clsact");
      assert.deepEqual([q1.handle, q1.parent], ["ffff:", "ffff:fff1"]);
      const ing = tcFilters(ns, "dev v0 ingress");
      assert.equal(
        ing[2],
        "filter protocol ip pref 2 u32 chain 0 fh 800::800 order 2048 key ht 800 bkt 0 terminal flowid not_in_hw match 00000000/00000000 at 0 action order 1: mirred (Egress Redirect to device v1) stolen index 1 ref 1 bind 1",
      );
      const eg = tcFilters(ns, "dev v1 egress");
      assert.equal(
        eg[2],
        "filter protocol ip pref 1 u32 chain 0 fh 800::800 order 2048 key ht 800 bkt 0 terminal flowid not_in_hw match 00060000/00ff0000 at 8 action order 1: mirred (Egress Mirror to device v0) pipe index 2 ref 1 bind 1",
      );
      // tc's own, read by nlroute.
      tc(
        ns,
        "filter add dev v1 ingress prio 3 protocol all u32 match u32 0 0 action mirred ingress redirect dev v0",
      );
      const [, , f] = await ipr.getFilters({ index: "v1", parent: "ingress" });
      const v0 = (await ipr.link("get", { ifname: "v0" })).index;
      assert.equal(f!.protocol, "all");
      assert.equal(f!.prio, 3);
      assert.deepEqual(
        f!.actions.map(({ kind, direction, mode, dev, action }) => ({
          kind,
          direction,
          mode,
          dev,
          action,
        })),
        [{ kind: "mirred", direction: "ingress", mode: "redirect", dev: v0, action: "stolen" }],
      );
      const mine = (await ipr.getFilters({ index: "v0", parent: "ffff:" }))[2]!;
      assert.equal(mine.actions[0]!.mode, "redirect");
      assert.equal(mine.actions[0]!.bind, 1);
      // flushQdiscs takes the hooks away (and their filters with them).
      assert.equal(await ipr.flushQdiscs("v0"), 1);
      assert.equal(await ipr.flushQdiscs("v1"), 1);
      assert.deepEqual(
        tcJson(ns, "qdisc show dev v1").map((q: { kind: string }) => q.kind),
        ["noqueue"],
      );
    });
  });

  it("gact actions: pass, drop, pipe and reclassify", { skip: GACT }, async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
      await ipr.qdisc("add", { index: "v0", kind: "clsact" });
      for (const [i, action] of (["pass", "drop", "pipe", "reclassify"] as const).entries()) {
        await ipr.filter("add", {
          index: "v0",
          parent: "ingress",
          prio: i + 1,
          kind: "u32",
          match: [{ u32: [0, 0], at: 0 }],
          actions: [{ kind: "gact", action }],
        });
      }
      const text = tcFilters(ns, "dev v0 ingress").join("\n");
      for (const a of ["pass", "drop", "pipe", "reclassify"]) {
        assert.match(text, new RegExp(`gact action ${a}`));
      }
    });
  });

  it("standalone actions: add, list, get, share from a filter, delete and flush, both ways", async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
      const v0 = (await ipr.link("get", { ifname: "v0" })).index;
      await ipr.action("add", { kind: "mirred", index: 5, mode: "redirect", dev: "v1" });
      await ipr.action("add", {
        actions: [
          { kind: "mirred", index: 6, mode: "mirror", dev: "v0" },
          { kind: "mirred", index: 7, direction: "ingress", mode: "redirect", dev: "v0" },
        ],
      });
      tc(ns, "actions add action mirred egress mirror dev v0 index 9");
      const text = tc(ns, "actions ls action mirred").replace(/\s+/g, " ");
      for (
        const line of [
          "mirred (Egress Redirect to device v1) stolen index 5 ref 1 bind 0",
          "mirred (Egress Mirror to device v0) pipe index 6 ref 1 bind 0",
          "mirred (Ingress Redirect to device v0) stolen index 7 ref 1 bind 0",
        ]
      ) assert.ok(text.includes(line), `${line}\n${text}`);
      const listed = await ipr.getActions("mirred");
      assert.deepEqual(listed.map((a) => [a.index, a.direction, a.mode, a.action]), [
        [5, "egress", "redirect", "stolen"],
        [6, "egress", "mirror", "pipe"],
        [7, "ingress", "redirect", "stolen"],
        [9, "egress", "mirror", "pipe"],
      ]);
      assert.equal(listed[3]!.dev, v0);
      const got = await ipr.action("get", { kind: "mirred", index: 6 });
      assert.deepEqual(got.actions.map((a) => [a.index, a.mode, a.ref, a.bind]), [[
        6,
        "mirror",
        1,
        0,
      ]]);
      // A filter shares action 5 by its index.
      await ipr.qdisc("add", { index: "v0", kind: "clsact" });
      await ipr.filter("add", {
        index: "v0",
        parent: "ingress",
        kind: "u32",
        match: [{ u32: [0, 0], at: 0 }],
        actions: [{ kind: "mirred", index: 5 }],
      });
      assert.match(tc(ns, "filter show dev v0 ingress"), /index 5 ref 2 bind 1/);
      await ipr.action("del", { kind: "mirred", index: 7 });
      assert.doesNotMatch(tc(ns, "actions ls action mirred"), /index 7 /);
      await assert.rejects(ipr.action("get", { kind: "mirred", index: 7 }), (e: Error) => {
        assert.ok(e instanceof NetlinkError);
        assert.equal(e.code, "ENOENT");
        return true;
      });
      await assert.rejects(ipr.action("get", { kind: "mirred" } as never), (e: Error) => {
        assert.ok(e instanceof ArgumentError && e.argument === "index", String(e));
        return true;
      });
      // A bound action cannot be flushed (the kernel's EPERM, as tc's flush gets); unbound, it can.
      await assert.rejects(ipr.action("flush", { kind: "mirred" }), /EPERM/);
      await ipr.flushQdiscs("v0");
      // The filter lets go of its action when the kernel's deferred work runs: retry a moment.
      for (let i = 0;; i++) {
        try {
          await ipr.action("flush", { kind: "mirred" });
          break;
        } catch (e) {
          if (!(e instanceof NetlinkError && e.code === "EPERM") || i === 40) throw e;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      assert.deepEqual(await ipr.getActions("mirred"), []);
      assert.doesNotMatch(tc(ns, "actions ls action mirred"), /index/);
    });
  });

  it("batches 300 htb class adds (2 KiB each: more than one send can carry), every ACK matched", async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
      tc(ns, "qdisc add dev v0 root handle 1: htb");
      const b = ipr.batch();
      for (let i = 1; i <= 300; i++) {
        b.tclass("add", {
          index: "v0",
          kind: "htb",
          parent: "1:",
          classid: `1:${i.toString(16)}`,
          rate: "1mbit",
          quantum: 1514,
        });
      }
      b.tclass("add", { index: "v0", kind: "htb", parent: "1:", classid: "1:1", rate: "1mbit" });
      assert.ok((await b.compile()).length > 256 * 1024);
      const results = await b.send();
      assert.deepEqual(
        results.map((r, i) => (r.ok ? "ok" : `${i}:${r.error.code}`)).filter((x) => x !== "ok"),
        ["300:EEXIST"],
      );
      const classes = await ipr.getClasses({ index: "v0" });
      assert.equal(classes.length, 300);
      assert.equal(tc(ns, "class show dev v0").trim().split("\n").length, 300);
    });
  });

  it("flushQdiscs puts the default back and leaves other interfaces alone", async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
      tc(ns, "qdisc add dev v0 root handle 1: htb");
      tc(ns, "qdisc add dev v0 ingress");
      tc(ns, "qdisc add dev v1 root tbf rate 1mbit burst 10k latency 10ms");
      assert.equal(await ipr.flushQdiscs("v0"), 2);
      assert.deepEqual(tcJson(ns, "qdisc show dev v0").map((q: { kind: string }) => q.kind), [
        "noqueue",
      ]);
      assert.deepEqual(tcJson(ns, "qdisc show dev v1").map((q: { kind: string }) => q.kind), [
        "tbf",
      ]);
      assert.equal(await ipr.flushQdiscs("v0"), 0);
    });
  });

  it("reports qdisc, class and filter changes as typed Monitor events", async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
      await using mon = await Monitor.open({ netns: ns, groups: ["tc"] });
      const sub = mon.events({ events: ["qdisc", "tclass", "filter"] });
      tc(ns, "qdisc add dev v0 root handle 1: htb");
      tc(ns, "class add dev v0 parent 1: classid 1:5 htb rate 1mbit");
      tc(ns, "filter add dev v0 parent 1: prio 1 protocol ip u32 match ip dst 10.0.0.1 flowid 1:5");
      tc(ns, "qdisc del dev v0 root");
      const seen: MonitorEvent[] = [];
      const timer = setTimeout(() => sub.close(), 10000);
      for await (const e of sub) {
        seen.push(e);
        if (e.kind === "qdisc" && e.event === "RTM_DELQDISC" && e.object.kind === "htb") break;
      }
      clearTimeout(timer);
      const kinds = seen.map((e) =>
        `${e.event}:${"object" in e ? (e.object as { kind?: string }).kind : ""}`
      );
      assert.ok(kinds.includes("RTM_NEWQDISC:htb"), kinds.join(" "));
      assert.ok(kinds.includes("RTM_NEWTCLASS:htb"), kinds.join(" "));
      assert.ok(kinds.includes("RTM_NEWTFILTER:u32"), kinds.join(" "));
      assert.ok(kinds.includes("RTM_DELQDISC:htb"), kinds.join(" "));
      const cls = seen.find((e) => e.event === "RTM_NEWTCLASS");
      assert.equal(cls?.kind, "tclass");
      if (cls?.kind === "tclass") {
        assert.equal(cls.object.classid, "1:5");
        assert.equal(cls.object.options?.rate, 125_000);
      }
      // Plain objects: JSON and inspection work.
      assert.doesNotThrow(() => JSON.stringify(seen));
      assert.equal((await ipr.getQdiscs({ index: "v0", kind: "htb" })).length, 0);
    });
  });

  it("bad input: ArgumentError naming the argument before anything is sent, or the kernel's text", async () => {
    await withIPRoute(async (ipr, ns) => {
      veth(ns);
      const before = tc(ns, "qdisc show") + tc(ns, "class show dev v0");
      const bad: [string, () => Promise<unknown>][] = [
        ["handle", () => ipr.qdisc("add", { index: "v0", kind: "htb", handle: "1:2:3" })],
        ["handle", () => ipr.qdisc("add", { index: "v0", kind: "htb", handle: "x:" })],
        [
          "rate",
          () =>
            ipr.qdisc("add", {
              index: "v0",
              kind: "tbf",
              rate: "10mbits",
              burst: "10k",
              latency: "1ms",
            }),
        ],
        [
          "burst",
          () =>
            ipr.qdisc("add", {
              index: "v0",
              kind: "tbf",
              rate: "10mbit",
              burst: "10q",
              latency: "1ms",
            }),
        ],
        [
          "latency",
          () =>
            ipr.qdisc("add", {
              index: "v0",
              kind: "tbf",
              rate: "10mbit",
              burst: "10k",
              latency: "1 hour",
            }),
        ],
        [
          "burst",
          () =>
            ipr.qdisc("add", { index: "v0", kind: "tbf", rate: "10mbit", latency: "1ms" } as never),
        ],
        [
          "parent",
          () => ipr.tclass("add", { index: "v0", kind: "htb", classid: "1:1", rate: "1mbit" }),
        ],
        [
          "rate",
          () =>
            ipr.tclass("add", { index: "v0", kind: "htb", parent: "1:", classid: "1:1" } as never),
        ],
        ["index", () => ipr.qdisc("add", { kind: "htb" } as never)],
        ["kind", () => ipr.qdisc("add", { index: "v0", kind: 5 } as never)],
        ["rate", () => ipr.qdisc("add", { index: "v0", kind: "htb", rate: "1mbit" } as never)],
        ["parent", () => ipr.filter("add", { index: "v0", parent: "1:2:3", kind: "u32" })],
        ["protocol", () => ipr.filter("add", { index: "v0", kind: "u32", protocol: "ipx6" })],
        [
          "match[0].ip.src",
          () =>
            ipr.filter("add", { index: "v0", kind: "u32", match: [{ ip: { src: "10.0.0.300" } }] }),
        ],
        [
          "actions[0].mode",
          () =>
            ipr.filter("add", {
              index: "v0",
              kind: "u32",
              actions: [{ kind: "mirred", mode: "bounce", dev: "v1" } as never],
            }),
        ],
      ];
      for (const [argument, call] of bad) {
        await assert.rejects(call(), (e: Error) => {
          assert.ok(e instanceof ArgumentError, `${argument}: ${e}`);
          assert.ok(e.argument.startsWith(argument), `${argument}: ${e.argument} (${e.message})`);
          assert.match(e.message, /^Cannot /);
          return true;
        });
      }
      assert.equal(tc(ns, "qdisc show") + tc(ns, "class show dev v0"), before);
      // What only the kernel knows: an unknown kind, a class under a classless qdisc.
      await assert.rejects(ipr.qdisc("add", { index: "v0", kind: "nosuchq" }), (e: Error) => {
        assert.ok(e instanceof NetlinkError, String(e));
        assert.equal(e.code, "ENOENT");
        assert.match(e.message, /Specified qdisc kind is unknown/);
        return true;
      });
      await ipr.qdisc("add", {
        index: "v0",
        kind: "tbf",
        handle: "5:",
        rate: "1mbit",
        burst: "10k",
        latency: "10ms",
      });
      await assert.rejects(
        ipr.tclass("add", {
          index: "v0",
          kind: "htb",
          parent: "5:",
          classid: "5:7",
          rate: "1mbit",
        }),
        (e: Error) => {
          assert.ok(e instanceof NetlinkError, String(e));
          assert.ok(e.extack ?? e.code, e.message);
          return true;
        },
      );
      assert.equal(tcClasses(ns, "v0").get("5:7"), undefined);
    });
  });
});
