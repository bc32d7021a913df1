/**
 * NFTables (NETLINK_NETFILTER, NFNL_SUBSYS_NFTABLES) live in throwaway
 * namespaces, against Debian's `nft` both ways: tables, chains and sets
 * nlroute makes are read back with `nft -j list ruleset` field by field, and
 * a ruleset `nft -f` loads is read by nlroute and compared with the same
 * JSON; transactions are all or nothing (a refused change leaves the ruleset
 * as `nft -j list ruleset` showed it before) and their errors name the
 * change; events (`nft monitor`) and overruns; bad input is an ArgumentError
 * before anything is sent; the request bytes equal the ones `nft` sends
 * (captured with strace from nft 1.0.6) where nft adds nothing of its own.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  ArgumentError,
  NFTables,
  type NftChain,
  type NftElement,
  type NftSetWithElements,
  NftTransactionError,
} from "../mod.ts";
import { checkExpressions, nftExpr, type NftExpression } from "../netfilter/nft_expr.ts";
import { NetlinkSocket } from "../core/socket.ts";
import { addRuleChange } from "../netfilter/nft_rules.ts";
import {
  addChainChange,
  addSetChange,
  addTableChange,
  checkElements,
  elementsChange,
} from "../netfilter/nft_objects.ts";
import { createTestNetns, isRoot, removeTestNetns, skipReason } from "./helpers.ts";

/** Runs `nft` in a namespace. */
function nftIn(ns: string, args: string[], input?: string) {
  return spawnSync("ip", ["netns", "exec", ns, "nft", ...args], {
    encoding: "utf8",
    ...(input !== undefined ? { input } : {}),
  });
}

/** Runs `nft` in a namespace: its stdout, or a failed assertion with its stderr. */
function nft(ns: string, args: string[], input?: string): string {
  const r = nftIn(ns, args, input);
  assert.equal(r.status, 0, `nft ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

// deno-lint-ignore no-explicit-any
type Json = any;

/** `nft -j list ruleset`: its objects, by kind (table, chain, set, map, rule). */
function ruleset(ns: string): Json[] {
  const out = JSON.parse(nft(ns, ["-j", "list", "ruleset"])).nftables as Json[];
  return out.filter((o) => !("metainfo" in o));
}

function probe(): string | false {
  if (!isRoot) return "needs root for namespaces";
  if (spawnSync("nft", ["--version"]).status !== 0) {
    return "nft is not installed (Debian package nftables)";
  }
  const ns = createTestNetns();
  try {
    const r = nftIn(ns, ["add", "table", "inet", "nlrt_probe"]);
    if (r.status !== 0) return `nftables does not work in a namespace: ${r.stderr.trim()}`;
    return false;
  } finally {
    removeTestNetns(ns);
  }
}
const live = { skip: skipReason(probe()) };

/** An nft JSON set element as nlroute lists it: `{ key, value?, timeout? }`. */
function fromNftElement(e: Json, map: boolean): Partial<NftElement> {
  let key = e;
  let value: Json;
  if (map) [key, value] = e as [Json, Json];
  const out: Json = {};
  if (typeof key === "object" && key !== null && "elem" in key) {
    if (key.elem.timeout !== undefined) out.timeout = key.elem.timeout;
    key = key.elem.val;
  }
  out.key = typeof key === "object" && key !== null && "concat" in key ? key.concat : key;
  if (value !== undefined) {
    if (typeof value === "object" && value !== null) {
      const [verdict, arg] = Object.entries(value)[0]! as [string, Json];
      out.value = arg && typeof arg === "object"
        ? { code: verdict, chain: arg.target }
        : { code: verdict };
    } else out.value = value;
  }
  return out;
}

const keyOf = (e: Partial<NftElement>) => JSON.stringify(e.key);

/** Compares nlroute's set with nft's JSON object for it, field by field. */
function assertSameSet(mine: NftSetWithElements, theirs: Json): void {
  const o = theirs.set ?? theirs.map;
  const at = `set ${mine.table} ${mine.name}`;
  assert.equal(mine.family, o.family, at);
  assert.equal(mine.table, o.table, at);
  assert.equal(mine.name, o.name, at);
  assert.equal(mine.handle, o.handle, at);
  assert.deepEqual(mine.keyType, o.type, at);
  assert.equal(mine.dataType, o.map, at);
  assert.deepEqual(
    mine.flags.filter((f) => f !== "map" && f !== "concat").sort(),
    [...(o.flags ?? [])].sort(),
    at,
  );
  assert.equal(mine.timeout, o.timeout, at);
  assert.equal(mine.size, o.size, at);
  const nftElems = (o.elem ?? []).map((e: Json) => fromNftElement(e, "map" in theirs)).sort(
    (a: Partial<NftElement>, b: Partial<NftElement>) => keyOf(a).localeCompare(keyOf(b)),
  );
  const myElems = mine.elements.map((e) => {
    const x: Partial<NftElement> = { key: e.key };
    if (e.value !== undefined) x.value = e.value;
    if (e.timeout !== undefined && e.timeout !== mine.timeout) x.timeout = e.timeout;
    return x;
  }).sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  assert.deepEqual(myElems, nftElems, at);
}

/** Compares nlroute's chain with nft's JSON object for it, field by field. */
function assertSameChain(mine: NftChain, theirs: Json): void {
  const o = theirs.chain;
  const at = `chain ${mine.table} ${mine.name}`;
  assert.equal(mine.family, o.family, at);
  assert.equal(mine.table, o.table, at);
  assert.equal(mine.name, o.name, at);
  assert.equal(mine.handle, o.handle, at);
  assert.equal(mine.type, o.type, at);
  assert.equal(mine.hook, o.hook, at);
  assert.equal(mine.priority, o.prio, at);
  assert.equal(mine.policy, o.policy, at);
  if (o.dev !== undefined) assert.equal(mine.device, o.dev, at);
}

/** Compares what nlroute lists with `nft -j list ruleset`, object by object. */
async function assertSameRuleset(nftables: NFTables, ns: string): Promise<number> {
  const theirs = ruleset(ns);
  const mine = await nftables.listRuleset();
  const tables = theirs.filter((o) => o.table).map((o) => o.table);
  assert.deepEqual(
    mine.tables.map((t) => ({ family: t.family, name: t.name, handle: t.handle })),
    tables.map((t: Json) => ({ family: t.family, name: t.name, handle: t.handle })),
  );
  const chains = theirs.filter((o) => o.chain);
  assert.equal(mine.chains.length, chains.length);
  for (const c of chains) {
    const m = mine.chains.find((x) =>
      x.table === c.chain.table && x.name === c.chain.name && x.family === c.chain.family
    );
    assert.ok(m, `nlroute lists chain ${c.chain.table} ${c.chain.name}`);
    assertSameChain(m, c);
  }
  const sets = theirs.filter((o) => o.set || o.map);
  const named = mine.sets.filter((s) => !s.flags.includes("anonymous"));
  assert.equal(named.length, sets.length);
  for (const s of sets) {
    const o = s.set ?? s.map;
    const m = named.find((x) => x.table === o.table && x.name === o.name && x.family === o.family);
    assert.ok(m, `nlroute lists set ${o.table} ${o.name}`);
    assertSameSet(m, s);
  }
  return tables.length + chains.length + sets.length;
}

describe("NFTables (live, against nft)", live, () => {
  let ns = "";
  let nftables: NFTables;
  before(async () => {
    ns = createTestNetns();
    spawnSync("ip", ["netns", "exec", ns, "ip", "link", "add", "d0", "type", "dummy"]);
    nftables = await NFTables.open({ netns: ns });
  });
  after(() => {
    nftables?.close();
    if (ns) removeTestNetns(ns);
  });

  it("makes tables, base chains, sets and maps that nft lists the same", async () => {
    nft(ns, ["flush", "ruleset"]);
    const tx = nftables.transaction()
      .addTable({ family: "inet", name: "filter" })
      .addChain({
        family: "inet",
        table: "filter",
        name: "input",
        type: "filter",
        hook: "input",
        priority: -5,
        policy: "drop",
      })
      .addChain({ family: "inet", table: "filter", name: "plain" })
      .addSet({
        family: "inet",
        table: "filter",
        name: "hosts",
        keyType: "ipv4_addr",
        flags: ["timeout"],
        timeout: 600,
      })
      .addElements({ family: "inet", table: "filter", name: "hosts" }, [
        "192.0.2.1",
        { key: "192.0.2.2", timeout: 30 },
      ])
      .addSet({ family: "inet", table: "filter", name: "v6", keyType: "ipv6_addr", size: 64 })
      .addElements({ family: "inet", table: "filter", name: "v6" }, ["2001:db8::1"])
      .addSet({
        family: "inet",
        table: "filter",
        name: "svc",
        keyType: ["ipv4_addr", "inet_proto", "inet_service"],
        dataType: "verdict",
      })
      .addElements({ family: "inet", table: "filter", name: "svc" }, [
        { key: ["192.0.2.1", "tcp", 22], value: { code: "jump", chain: "plain" } },
        { key: ["192.0.2.1", "udp", 53], value: { code: "accept" } },
      ])
      .addTable({ family: "ip", name: "t4" })
      .addChain({
        family: "ip",
        table: "t4",
        name: "pre",
        type: "nat",
        hook: "prerouting",
        priority: -100,
      })
      .addChain({
        family: "ip",
        table: "t4",
        name: "out",
        type: "route",
        hook: "output",
        priority: 10,
      })
      .addSet({
        family: "ip",
        table: "t4",
        name: "ports",
        keyType: "inet_service",
        dataType: "ipv4_addr",
      })
      .addElements({ family: "ip", table: "t4", name: "ports" }, [{ key: 80, value: "10.0.0.1" }])
      .addSet({ family: "ip", table: "t4", name: "ifs", keyType: "ifname" })
      .addElements({ family: "ip", table: "t4", name: "ifs" }, ["d0", "lo"])
      .addSet({ family: "ip", table: "t4", name: "marks", keyType: "mark" })
      .addElements({ family: "ip", table: "t4", name: "marks" }, [1, 0x100])
      .addSet({ family: "ip", table: "t4", name: "macs", keyType: "ether_addr" })
      .addElements({ family: "ip", table: "t4", name: "macs" }, ["02:00:00:00:00:01"])
      .addTable({ family: "netdev", name: "nd" })
      .addChain({
        family: "netdev",
        table: "nd",
        name: "ing",
        hook: "ingress",
        device: "d0",
        priority: -100,
        policy: "accept",
      });
    assert.equal(tx.size, 22);
    await tx.commit();
    const theirs = ruleset(ns);
    const chain = theirs.find((o) => o.chain?.name === "input").chain;
    assert.deepEqual(
      { type: chain.type, hook: chain.hook, prio: chain.prio, policy: chain.policy },
      { type: "filter", hook: "input", prio: -5, policy: "drop" },
    );
    const svc = theirs.find((o) => o.map?.name === "svc").map;
    assert.deepEqual(svc.type, ["ipv4_addr", "inet_proto", "inet_service"]);
    assert.equal(svc.map, "verdict");
    assert.equal(await assertSameRuleset(nftables, ns), 15);
    // nft's own text, for the elements' forms.
    const text = nft(ns, ["list", "map", "inet", "filter", "svc"]);
    assert.match(text, /192\.0\.2\.1 \. tcp \. 22 : jump plain/);
    assert.match(nft(ns, ["list", "set", "ip", "t4", "macs"]), /02:00:00:00:00:01/);
  });

  it("reads a ruleset nft loads as nft -j lists it", async () => {
    nft(ns, ["flush", "ruleset"]);
    nft(
      ns,
      ["-f", "-"],
      `table bridge br {
  chain forw { type filter hook forward priority 0; policy drop; }
}
table ip6 t6 {
  set addrs { type ipv6_addr; flags timeout; timeout 1h; elements = { 2001:db8::2 timeout 5m, 2001:db8::3 } }
  set protos { type inet_proto; elements = { tcp, 17 } }
  map m { type ipv6_addr . inet_service : verdict; elements = { 2001:db8::1 . 443 : goto c } }
  map dm { type mark : ifname; elements = { 7 : "lo" } }
  chain c { }
  chain in { type filter hook input priority 100; policy accept; }
}
table arp a {
  chain i { type filter hook input priority 0; }
}
table inet i {
  chain ing { type filter hook ingress device "d0" priority -500; }
}
`,
    );
    assert.equal(await assertSameRuleset(nftables, ns), 13);
    const [m] = await nftables.listElements({ family: "ip6", table: "t6", name: "m" });
    assert.deepEqual(m, { key: ["2001:db8::1", 443], value: { code: "goto", chain: "c" } });
    const chains = await nftables.listChains({ family: "inet" });
    assert.deepEqual(chains.map((c) => [c.hook, c.device, c.priority]), [["ingress", "d0", -500]]);
    const tables = await nftables.listTables({ family: "arp" });
    assert.deepEqual(tables.map((t) => t.name), ["a"]);
  });

  it("deletes and flushes what nft then no longer lists", async () => {
    nft(ns, ["flush", "ruleset"]);
    nft(
      ns,
      ["-f", "-"],
      `table inet d {
  set s { type inet_service; elements = { 1, 2, 3 } }
  set t { type inet_service; elements = { 4 } }
  chain c { }
  chain gone { }
}
table ip gone { }
`,
    );
    await nftables.deleteElements({ family: "inet", table: "d", name: "s" }, [2]);
    await nftables.flushSet({ family: "inet", table: "d", name: "t" });
    await nftables.deleteChain({ family: "inet", table: "d", name: "gone" });
    await nftables.deleteTable({ family: "ip", name: "gone" });
    await nftables.deleteTable({ family: "ip", name: "gone" }, { ifExists: true });
    await nftables.deleteSet({ family: "inet", table: "d", name: "nothere" }, { ifExists: true });
    const theirs = ruleset(ns);
    assert.deepEqual(theirs.find((o) => o.set?.name === "s").set.elem.sort(), [1, 3]);
    assert.equal(theirs.find((o) => o.set?.name === "t").set.elem, undefined);
    assert.equal(theirs.filter((o) => o.table).length, 1);
    assert.deepEqual(theirs.filter((o) => o.chain).map((o) => o.chain.name), ["c"]);
    const h = theirs.find((o) => o.chain?.name === "c").chain.handle;
    await nftables.deleteChain({ family: "inet", table: "d", handle: h });
    assert.equal(ruleset(ns).filter((o) => o.chain).length, 0);
    await assertSameRuleset(nftables, ns);
  });

  it("applies a transaction all or nothing and names the refused change", async () => {
    nft(ns, ["flush", "ruleset"]);
    nft(ns, ["add", "table", "inet", "keep"]);
    const before = ruleset(ns);
    const tx = nftables.transaction()
      .addTable({ family: "inet", name: "new" })
      .addChain({ family: "inet", table: "new", name: "ok" })
      .addChain({ family: "inet", table: "missing", name: "c" })
      .addSet({ family: "inet", table: "new", name: "s", keyType: "ipv4_addr" });
    await assert.rejects(tx.commit(), (e) => {
      assert.ok(e instanceof NftTransactionError);
      assert.equal(e.index, 2);
      assert.equal(e.change, "add chain inet missing c");
      assert.equal(e.code, "ENOENT");
      assert.equal(e.request, "NFT_MSG_NEWCHAIN");
      assert.match(e.message, /^Cannot add chain inet missing c \(change 3 of 4\): ENOENT \(2\): /);
      assert.deepEqual(e.failures.map((f) => f.index), [2]);
      return true;
    });
    assert.deepEqual(ruleset(ns), before, "the ruleset is unchanged");
    // A refusal in the middle of a batch of deletes: nothing is deleted.
    nft(ns, ["add", "chain", "inet", "keep", "c1"]);
    const before2 = ruleset(ns);
    await assert.rejects(
      nftables.transaction()
        .deleteChain({ family: "inet", table: "keep", name: "c1" })
        .deleteTable({ family: "ip", name: "never" })
        .commit(),
      (e) => e instanceof NftTransactionError && e.index === 1 && e.code === "ENOENT",
    );
    assert.deepEqual(ruleset(ns), before2);
    // Elements of a missing set: refused (the set is read first), nothing sent.
    await assert.rejects(
      nftables.transaction().addTable({ family: "ip", name: "x" })
        .addElements({ family: "ip", table: "x", name: "nope" }, [1]).commit(),
      (e) => e instanceof NftTransactionError && e.index === 1 && e.code === "ENOENT",
    );
    assert.deepEqual(ruleset(ns), before2);
    // An existing base chain added again with another hook: the kernel cannot move it.
    nft(ns, ["add", "chain", "inet", "keep", "base", "{ type filter hook input priority 0; }"]);
    await assert.rejects(
      nftables.addChain({
        family: "inet",
        table: "keep",
        name: "base",
        hook: "output",
        priority: 0,
      }),
      // EOPNOTSUPP (95): a base chain's hook cannot change.
      (e) => e instanceof NftTransactionError && e.index === 0 && e.errno === 95,
    );
  });

  it("hears ruleset changes as typed events, and overruns", async () => {
    nft(ns, ["flush", "ruleset"]);
    await using mon = await NFTables.open({ netns: ns });
    const events = mon.events();
    await nftables.transaction()
      .addTable({ family: "ip", name: "ev" })
      .addChain({ family: "ip", table: "ev", name: "c", hook: "input", priority: 0 })
      .addSet({ family: "ip", table: "ev", name: "s", keyType: "ipv4_addr" })
      .addElements({ family: "ip", table: "ev", name: "s" }, ["10.0.0.1"])
      .commit();
    nft(ns, ["delete", "table", "ip", "ev"]);
    const seen: string[] = [];
    for await (const e of events) {
      if (e.kind === "overrun") throw new Error("unexpected overrun");
      if (e.object === "table") seen.push(`${e.kind} table ${e.table.name}`);
      else if (e.object === "chain") seen.push(`${e.kind} chain ${e.chain.name} ${e.chain.hook}`);
      else if (e.object === "set") seen.push(`${e.kind} set ${e.set.name} ${e.set.keyType}`);
      else if (e.object === "element") {
        seen.push(`${e.kind} element ${e.set} ${e.elements.map((x) => String(x.key)).join(",")}`);
      } else if (e.object === "gen") seen.push(`gen ${e.procName}`);
      if (seen.at(-1) === "gen nft") break;
    }
    assert.deepEqual(seen.slice(0, 5), [
      "new table ev",
      "new chain c input",
      "new set s ipv4_addr",
      "new element s 10.0.0.1", // typed: the set was announced first
      `gen ${seen[4]!.slice(4)}`,
    ]);
    assert.match(seen[4]!, /^gen .+/); // this process's (or its thread's) name
    // nft delete table: the table's objects (by name only), the table, then nft's generation.
    assert.deepEqual(
      seen.slice(5).sort(),
      [
        "delete chain c undefined",
        "delete set s 0",
        "delete table ev",
        "gen nft",
        ...seen.slice(5).filter((x) => x.startsWith("delete element")),
      ].sort(),
    );
    // A queue of one: the rest is reported lost.
    const small = mon.events({ queue: 1 });
    nft(ns, ["add", "table", "ip", "a"]);
    nft(ns, ["add", "table", "ip", "b"]);
    await mon.listTables(); // receives what is queued: the events, then the dump
    let overrun = false;
    for (let e = small.poll(); e !== undefined; e = small.poll()) {
      if (e.kind === "overrun") {
        assert.equal(e.source, "queue");
        overrun = true;
      }
    }
    assert.ok(overrun, "a queue overrun is reported");
  });

  it("reports an overrun when the kernel drops events (a small receive buffer)", async () => {
    nft(ns, ["flush", "ruleset"]);
    await using mon = await NFTables.open({ netns: ns, rcvbuf: 1024 });
    const events = mon.events();
    const tx = nftables.transaction();
    for (let i = 0; i < 200; i++) tx.addTable({ family: "ip", name: `many${i}` });
    await tx.commit();
    await mon.listTables(); // receives what is queued (the events, then the dump)
    let overrun = false;
    let tables = 0;
    for (let e = events.poll(); e !== undefined; e = events.poll()) {
      if (e.kind === "overrun") {
        assert.equal(e.source, "kernel");
        overrun = true;
      } else if (e.object === "table") tables++;
    }
    assert.ok(overrun, `no overrun notice (${tables} table events arrived)`);
    assert.ok(tables < 200);
    assert.ok(mon.socket.stats.overruns > 0);
    assert.equal(ruleset(ns).length, 200);
  });

  it("opens in process mode too", async () => {
    nft(ns, ["flush", "ruleset"]);
    await using p = await NFTables.open({ netns: ns, mode: "process" });
    await p.addTable({ family: "inet", name: "pm" });
    assert.deepEqual((await nftables.listTables()).map((t) => t.name), ["pm"]);
  });

  it("refuses bad input with an ArgumentError naming it, before sending", async () => {
    nft(ns, ["flush", "ruleset"]);
    nft(ns, ["add", "table", "inet", "x"]);
    nft(ns, ["add", "set", "inet", "x", "s", "{ type ipv4_addr; }"]);
    nft(ns, ["add", "map", "inet", "x", "m", "{ type inet_service : verdict; }"]);
    const before = ruleset(ns);
    const bad: [string, () => unknown][] = [
      [
        "table.family",
        () => nftables.transaction().addTable({ family: "ipv4" as never, name: "t" }),
      ],
      ["table.name", () => nftables.transaction().addTable({ family: "ip" } as never)],
      ["table.name", () => nftables.transaction().addTable({ family: "ip", name: "" })],
      [
        "chain.hook",
        () =>
          nftables.transaction().addChain({ family: "ip", table: "t", name: "c", policy: "drop" }),
      ],
      [
        "chain.hook",
        () =>
          nftables.transaction().addChain({
            family: "arp",
            table: "t",
            name: "c",
            hook: "forward",
            priority: 0,
          }),
      ],
      [
        "chain.priority",
        () =>
          nftables.transaction().addChain({ family: "ip", table: "t", name: "c", hook: "input" }),
      ],
      [
        "chain.priority",
        () =>
          nftables.transaction().addChain({
            family: "ip",
            table: "t",
            name: "c",
            hook: "input",
            priority: 2 ** 31,
          }),
      ],
      [
        "chain.priority",
        () =>
          nftables.transaction().addChain({
            family: "ip",
            table: "t",
            name: "c",
            hook: "input",
            priority: 1.5,
          }),
      ],
      [
        "chain.policy",
        () =>
          nftables.transaction().addChain({
            family: "ip",
            table: "t",
            name: "c",
            hook: "input",
            priority: 0,
            policy: "reject" as never,
          }),
      ],
      [
        "chain.type",
        () =>
          nftables.transaction().addChain({
            family: "ip",
            table: "t",
            name: "c",
            type: "mangle" as never,
            hook: "input",
            priority: 0,
          }),
      ],
      [
        "chain.device",
        () =>
          nftables.transaction().addChain({
            family: "netdev",
            table: "t",
            name: "c",
            hook: "ingress",
            priority: 0,
          }),
      ],
      [
        "chain.device",
        () =>
          nftables.transaction().addChain({
            family: "ip",
            table: "t",
            name: "c",
            hook: "input",
            priority: 0,
            device: "lo",
          }),
      ],
      [
        "set.keyType",
        () =>
          nftables.transaction().addSet({
            family: "ip",
            table: "t",
            name: "s",
            keyType: "ipv5_addr" as never,
          }),
      ],
      [
        "set.keyType[1]",
        () =>
          nftables.transaction().addSet({
            family: "ip",
            table: "t",
            name: "s",
            keyType: ["ipv4_addr", "port" as never],
          }),
      ],
      [
        "set.flags[0]",
        () =>
          nftables.transaction().addSet({
            family: "ip",
            table: "t",
            name: "s",
            keyType: "mark",
            flags: ["fast" as never],
          }),
      ],
      [
        "set.timeout",
        () =>
          nftables.transaction().addSet({
            family: "ip",
            table: "t",
            name: "s",
            keyType: "mark",
            timeout: -1,
          }),
      ],
      [
        "elements[0]",
        () =>
          nftables.transaction().addSet({
            family: "ip",
            table: "t",
            name: "s",
            keyType: "ipv4_addr",
          }).addElements({ family: "ip", table: "t", name: "s" }, ["2001:db8::1"]),
      ],
      [
        "elements[0][1]",
        () =>
          nftables.transaction().addSet({
            family: "ip",
            table: "t",
            name: "s",
            keyType: ["ipv4_addr", "inet_service"],
          }).addElements({ family: "ip", table: "t", name: "s" }, [["10.0.0.1", 70000]]),
      ],
      [
        "elements[0]",
        () =>
          nftables.transaction().addSet({
            family: "ip",
            table: "t",
            name: "s",
            keyType: ["ipv4_addr", "inet_service"],
          }).addElements({ family: "ip", table: "t", name: "s" }, ["10.0.0.1"]),
      ],
      [
        "elements[0].timeout",
        () =>
          nftables.transaction().addSet({ family: "ip", table: "t", name: "s", keyType: "mark" })
            .addElements({ family: "ip", table: "t", name: "s" }, [{ key: 1, timeout: 5 }]),
      ],
      [
        "elements",
        () => nftables.transaction().addElements({ family: "ip", table: "t", name: "s" }, []),
      ],
      [
        "set.name",
        () => nftables.transaction().addElements({ family: "ip", table: "t" } as never, [1]),
      ],
      ["transaction", () => nftables.transaction().commit()],
    ];
    for (const [arg, f] of bad) {
      await assert.rejects(async () => await f(), (e) => {
        assert.ok(e instanceof ArgumentError, `${arg}: ${e}`);
        assert.equal(e.argument, arg);
        return true;
      });
    }
    // Elements checked against a kernel set's types at commit: nothing is sent.
    await assert.rejects(
      nftables.addElements({ family: "inet", table: "x", name: "s" }, [{
        key: "10.0.0.1",
        value: 3,
      }]),
      (e) => e instanceof ArgumentError && e.argument === "elements[0].value",
    );
    await assert.rejects(
      nftables.addElements({ family: "inet", table: "x", name: "m" }, [{
        key: 22,
        value: { code: "jump" } as never,
      }]),
      (e) => e instanceof ArgumentError && e.argument === "elements[0].value.chain",
    );
    await assert.rejects(
      nftables.addElements({ family: "inet", table: "x", name: "m" }, [22]),
      (e) => e instanceof ArgumentError && e.argument === "elements[0].value",
    );
    assert.deepEqual(ruleset(ns), before, "nothing changed");
  });
});

describe("NFTables rules (live, against nft)", live, () => {
  let ns = "";
  let nftables: NFTables;
  const at = { family: "inet", table: "r", chain: "in" } as const;
  before(async () => {
    ns = createTestNetns();
    nftables = await NFTables.open({ netns: ns });
  });
  after(() => {
    nftables?.close();
    if (ns) removeTestNetns(ns);
  });

  /** nft -j's rules of a chain. */
  const nftRules = (table = "r", chain = "in", family = "inet") =>
    ruleset(ns).filter((o) =>
      o.rule && o.rule.table === table && o.rule.chain === chain && o.rule.family === family
    )
      .map((o) => o.rule);

  it("adds rules from typed expressions that nft lists as the same statements", async () => {
    nft(ns, ["flush", "ruleset"]);
    await nftables.transaction()
      .addTable({ family: "inet", name: "r" })
      .addChain({ family: "inet", table: "r", name: "in", hook: "input", priority: 0 })
      .addChain({ family: "inet", table: "r", name: "side" })
      .addRule({
        ...at,
        expressions: [...nftExpr.matchTcpDport(22), ...nftExpr.counter(), ...nftExpr.accept()],
      })
      .addRule({
        ...at,
        expressions: [
          ...nftExpr.matchNfproto("ipv4"),
          ...nftExpr.matchIpSaddr("10.0.0.0/8"),
          ...nftExpr.jump("side"),
        ],
      })
      .addRule({ ...at, expressions: [...nftExpr.matchIifname("lo"), ...nftExpr.setMark(7)] })
      .commit();
    const rules = nftRules();
    assert.equal(rules.length, 3);
    assert.deepEqual(rules[0].expr, [
      { match: { op: "==", left: { payload: { protocol: "tcp", field: "dport" } }, right: 22 } },
      { counter: { packets: 0, bytes: 0 } },
      { accept: null },
    ]);
    assert.deepEqual(rules[1].expr, [
      {
        match: {
          op: "==",
          left: { payload: { protocol: "ip", field: "saddr" } },
          right: { prefix: { addr: "10.0.0.0", len: 8 } },
        },
      },
      { jump: { target: "side" } },
    ]);
    assert.deepEqual(rules[2].expr, [
      { match: { op: "==", left: { meta: { key: "iifname" } }, right: "lo" } },
      { mangle: { key: { meta: { key: "mark" } }, value: 7 } },
    ]);
    // nlroute reads back what it wrote, with the handles nft shows.
    const mine = await nftables.listRules(at);
    assert.deepEqual(mine.map((r) => r.handle), rules.map((r: Json) => r.handle));
    assert.deepEqual(
      mine[0]!.expressions,
      checkExpressions(
        [...nftExpr.matchTcpDport(22), ...nftExpr.counter(), ...nftExpr.accept()],
        "e",
      ),
    );
  });

  it("decodes the expressions of rules nft adds", async () => {
    nft(ns, ["flush", "ruleset"]);
    nft(
      ns,
      ["-f", "-"],
      `table inet r {
  set ports { type inet_service; elements = { 80, 443 } }
  chain side { }
  chain in {
    type filter hook input priority 0;
    iifname "lo" tcp dport 22 counter accept
    meta mark set 7
    udp dport 53 drop
    ip saddr 192.0.2.0/24 goto side
    tcp dport @ports accept
    ct state established accept
  }
}
table ip n {
  chain pre {
    type nat hook prerouting priority -100;
    tcp dport 80 dnat to 10.0.0.2:8080
  }
}
`,
    );
    const rules = await nftables.listRules(at);
    assert.deepEqual(rules.map((r) => r.handle), nftRules().map((r: Json) => r.handle));
    const expect: NftExpression[][] = [
      [
        ...nftExpr.matchIifname("lo"),
        ...nftExpr.matchTcpDport(22),
        ...nftExpr.counter(),
        ...nftExpr.accept(),
      ],
      nftExpr.setMark(7),
      [...nftExpr.matchUdpDport(53), ...nftExpr.drop()],
      [
        { type: "meta", key: "nfproto", dreg: 1 },
        { type: "cmp", sreg: 1, op: "eq", data: Uint8Array.of(2) },
        { type: "payload", base: "network", offset: 12, len: 3, dreg: 1 },
        { type: "cmp", sreg: 1, op: "eq", data: Uint8Array.of(192, 0, 2) },
        ...nftExpr.goto("side"),
      ],
    ];
    expect.forEach((e, i) =>
      assert.deepEqual(rules[i]!.expressions, checkExpressions(e, "e"), `rule ${i}`)
    );
    // tcp dport @ports: a lookup in the named set.
    const lookup = rules[4]!.expressions.find((e) => e.type === "lookup");
    assert.ok(lookup && "set" in lookup && lookup.set === "ports", JSON.stringify(rules[4]));
    // ct state established: ct load, bitwise, cmp.
    assert.deepEqual(rules[5]!.expressions.map((e) => e.type), [
      "ct",
      "bitwise",
      "cmp",
      "immediate",
    ]);
    const [dnat] = await nftables.listRules({ family: "ip", table: "n", chain: "pre" });
    const nat = dnat!.expressions.find((e) => e.type === "nat");
    assert.ok(nat && "nat" in nat && nat.nat === "dnat", JSON.stringify(dnat));
    const ruleset2 = await nftables.listRuleset({ family: "inet" });
    assert.equal(ruleset2.rules.length, 6);
  });

  it("inserts, replaces and deletes rules by handle and position, as nft -a shows", async () => {
    nft(ns, ["flush", "ruleset"]);
    await nftables.transaction()
      .addTable({ family: "inet", name: "r" })
      .addChain({ family: "inet", table: "r", name: "in" })
      .addRule({ ...at, expressions: nftExpr.matchTcpDport(1) })
      .addRule({ ...at, expressions: nftExpr.matchTcpDport(3) })
      .commit();
    const [r1, r3] = nftRules().map((r: Json) => r.handle);
    await nftables.addRule({ ...at, position: r1, expressions: nftExpr.matchTcpDport(2) });
    await nftables.insertRule({ ...at, expressions: nftExpr.matchTcpDport(0) });
    await nftables.insertRule({ ...at, position: r3, expressions: nftExpr.matchTcpDport(25) });
    const ports = () => nftRules().map((r: Json) => r.expr[0].match.right);
    assert.deepEqual(ports(), [0, 1, 2, 25, 3]);
    await nftables.replaceRule({ ...at, handle: r3, expressions: nftExpr.matchTcpDport(33) });
    await nftables.deleteRule({ ...at, handle: r1 });
    assert.deepEqual(ports(), [0, 2, 25, 33]);
    await nftables.deleteRule({ ...at, handle: r1 }, { ifExists: true });
    await nftables.flushChain({ family: "inet", table: "r", name: "in" });
    assert.deepEqual(nftRules(), []);
  });

  it("refuses a batch with a bad rule as a whole, and bad expressions before sending", async () => {
    nft(ns, ["flush", "ruleset"]);
    nft(ns, ["add", "table", "inet", "r"]);
    nft(ns, ["add", "chain", "inet", "r", "in"]);
    const before = ruleset(ns);
    await assert.rejects(
      nftables.transaction()
        .addRule({ ...at, expressions: nftExpr.accept() })
        .addRule({ ...at, chain: "missing", expressions: nftExpr.accept() })
        .commit(),
      (e) =>
        e instanceof NftTransactionError && e.index === 1 && e.code === "ENOENT" &&
        e.request === "NFT_MSG_NEWRULE",
    );
    // A jump to a chain that does not exist: the kernel refuses the rule.
    await assert.rejects(
      nftables.addRule({ ...at, expressions: nftExpr.jump("nowhere") }),
      (e) => e instanceof NftTransactionError && e.index === 0 && e.code === "ENOENT",
    );
    assert.deepEqual(ruleset(ns), before);
    const bad: [string, () => unknown][] = [
      [
        "rule.expressions[0].sreg",
        () =>
          nftables.transaction().addRule({
            ...at,
            expressions: [{ type: "cmp", sreg: 1, op: "eq", data: Uint8Array.of(6) }],
          }),
      ],
      [
        "rule.expressions",
        () => nftables.transaction().addRule({ ...at, expressions: "accept" as never }),
      ],
      ["rule.chain", () => nftables.transaction().addRule({ ...at, chain: "", expressions: [] })],
      [
        "rule.family",
        () => nftables.transaction().addRule({ ...at, family: "ip4" as never, expressions: [] }),
      ],
      ["rule.handle", () => nftables.transaction().deleteRule({ ...at, handle: 0 })],
      [
        "rule.position",
        () => nftables.transaction().addRule({ ...at, position: -1, expressions: [] }),
      ],
      ["filter.chain", () => nftables.listRules({ chain: "in" })],
    ];
    for (const [arg, f] of bad) {
      await assert.rejects(async () => await f(), (e) => {
        assert.ok(e instanceof ArgumentError, `${arg}: ${e}`);
        assert.equal(e.argument, arg);
        return true;
      });
    }
    assert.deepEqual(ruleset(ns), before);
  });

  it("commits a transaction of 1000 rules (300 KB) as one datagram, and refuses one over 1 MiB", async () => {
    nft(ns, ["flush", "ruleset"]);
    nft(ns, ["add", "table", "inet", "r"]);
    nft(ns, ["add", "chain", "inet", "r", "in"]);
    const big = () => {
      const tx = nftables.transaction();
      for (let i = 1; i <= 1000; i++) {
        tx.addRule({
          ...at,
          expressions: [...nftExpr.matchTcpDport(i), ...nftExpr.counter(), ...nftExpr.accept()],
        });
      }
      return tx;
    };
    await big().commit();
    const rules = nftRules();
    assert.equal(rules.length, 1000);
    assert.equal(rules[999].expr[0].match.right, 1000);
    // The same with a refused last change: none of the 1000 is added.
    nft(ns, ["flush", "chain", "inet", "r", "in"]);
    await assert.rejects(
      big().addRule({ ...at, chain: "missing", expressions: nftExpr.accept() }).commit(),
      (e) => e instanceof NftTransactionError && e.index === 1000,
    );
    assert.equal(nftRules().length, 0);
    const huge = nftables.transaction();
    for (let i = 0; i < 4000; i++) {
      huge.addRule({ ...at, expressions: [...nftExpr.matchTcpDport(1), ...nftExpr.accept()] });
    }
    await assert.rejects(
      huge.commit(),
      (e) => e instanceof ArgumentError && e.argument === "transaction",
    );
    assert.equal(nftRules().length, 0);
  });

  it("hears new and deleted rules with their expressions", async () => {
    nft(ns, ["flush", "ruleset"]);
    nft(ns, ["add", "table", "inet", "r"]);
    nft(ns, ["add", "chain", "inet", "r", "in"]);
    await using mon = await NFTables.open({ netns: ns });
    const events = mon.events({ filter: (e) => e.object === "rule" });
    nft(ns, ["add", "rule", "inet", "r", "in", "tcp", "dport", "22", "accept"]);
    const handle = nftRules()[0].handle;
    nft(ns, ["delete", "rule", "inet", "r", "in", "handle", String(handle)]);
    const seen: string[] = [];
    for await (const e of events) {
      if (e.kind === "overrun" || e.object !== "rule") continue;
      seen.push(
        `${e.kind} ${e.rule.chain} ${e.rule.handle} ${
          e.rule.expressions.map((x) => x.type).join(",")
        }`,
      );
      if (seen.length === 2) break;
    }
    assert.deepEqual(seen, [
      `new in ${handle} meta,cmp,payload,cmp,immediate`,
      `delete in ${handle} meta,cmp,payload,cmp,immediate`,
    ]);
  });
});

describe("NFTables requests (bytes)", () => {
  /** The message after nlmsghdr, as strace showed `nft` 1.0.6 send it. */
  const body = (reqs: Parameters<typeof NetlinkSocket.compile>[0]) =>
    NetlinkSocket.compile(reqs, false).slice(16);
  const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");

  it("writes add table and add chain as nft does", () => {
    // nft add table inet t: nfgenmsg (NFPROTO_INET), NFTA_TABLE_NAME "t", NFTA_TABLE_FLAGS 0.
    assert.equal(
      hex(body([addTableChange({ family: "inet", name: "t" }).request])),
      "01000000" + "0600010074000000" + "0800020000000000",
    );
    // nft add chain ip t c { type filter hook input priority -5; policy drop; }: table, name,
    // type, policy, hook nest (hooknum, priority as be32).
    assert.equal(
      hex(body([
        addChainChange({
          family: "ip",
          table: "t",
          name: "c",
          hook: "input",
          priority: -5,
          policy: "drop",
        })
          .request,
      ])),
      "02000000" + "0600010074000000" + "0600030063000000" + "0b00070066696c7465720000" +
        "0800050000000000" + "14000480" + "0800010000000001" + "08000200fffffffb",
    );
  });

  it("writes add set with the type ids, lengths and userdata nft uses", () => {
    // nft add set ip t ifs { type ifname; timeout 1m; size 64; }: table, name, flags (timeout),
    // key type 41 and length 16, id, desc (size), timeout (ms), userdata (key byte order: host).
    assert.equal(
      hex(body([
        addSetChange({
          family: "ip",
          table: "t",
          name: "ifs",
          keyType: "ifname",
          timeout: 60,
          size: 64,
        }, 1)
          .request,
      ])),
      "02000000" + "0600010074000000" + "0800020069667300" + "0800030000000010" +
        "0800040000000029" + "0800050000000010" + "08000a0000000001" +
        "0c0009800800010000000040" + "0c000b00000000000000ea60" +
        "0a000d000004010000000000",
    );
    // nft add map inet t m2 { type ipv4_addr . inet_service : verdict; }, but for the userdata
    // (nft adds its typeof record).
    const b = body([
      addSetChange(
        {
          family: "inet",
          table: "t",
          name: "m2",
          keyType: ["ipv4_addr", "inet_service"],
          dataType: "verdict",
        },
        1,
      ).request,
    ]);
    assert.equal(
      hex(b).slice(0, -48),
      "01000000" + "0600010074000000" + "070002006d320000" + "0800030000000008" +
        "08000400000001cd" + "0800050000000008" + "08000600ffffff00" + "0800070000000000" +
        "08000a0000000001",
    );
  });

  it("writes add element as nft does, but for the set id nft adds", () => {
    // nft add element ip t ifs { lo timeout 10s }, without its NFTA_SET_ELEM_LIST_SET_ID.
    const write = checkElements(
      { key: ["ifname"], keyLen: 16, data: undefined, timeout: true, interval: false },
      [{ key: "lo", timeout: 10 }],
      "elements",
      true,
    );
    const c = elementsChange({ family: 2, fam: "ip", table: "t", name: "ifs" }, write, 1, true);
    assert.equal(
      hex(body([c.request])),
      "02000000" + "0600010074000000" + "0800020069667300" +
        "2c000380" + "28000180" + "0c000400" + "0000000000002710" + "18000180" + "14000100" +
        "6c6f0000000000000000000000000000",
    );
  });

  it("writes add rule as nft does", () => {
    // nft add rule ip t c tcp dport 22 accept: NLM_F_CREATE | NLM_F_APPEND, table, chain, and the
    // expressions (meta l4proto, cmp, payload, cmp, immediate accept).
    const req = addRuleChange({
      family: "ip",
      table: "t",
      chain: "c",
      expressions: [...nftExpr.matchTcpDport(22), ...nftExpr.accept()],
    }).request;
    assert.equal(req.flags, 0x400 | 0x800);
    assert.equal(
      hex(body([req])),
      "02000000" + "0600010074000000" + "0600020063000000" + "e4000480" +
        "24000180090001006d6574610000000014000280080002000000001008000100" +
        "000000012c00018008000100636d700020000280080001000000000108000200" +
        "000000000c0003800500010006000000340001800c0001007061796c6f616400" +
        "2400028008000100000000010800020000000002080003000000000208000400" +
        "000000022c00018008000100636d700020000280080001000000000108000200" +
        "000000000c0003800600010000160000300001800e000100696d6d6564696174" +
        "650000001c0002800800010000000000100002800c0002800800010000000001",
    );
  });
});
