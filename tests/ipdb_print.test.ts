/**
 * IPDB's views and records as plain objects: the names runtimes and
 * libraries probe (`then`, `toJSON`, `constructor`, inspect symbols,
 * iteration) behave as on any object; views list their records as own keys
 * (`Object.keys`, spreading, JSON); records and views print as their fields,
 * never the database (node:util inspect in both runtimes, Deno.inspect under
 * Deno, Bun.inspect under Bun: what each one's console.log uses).
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { InterfacesView, RoutesView, RulesView, TablesView } from "../mod.ts";
import { ip, ipJson } from "./helpers.ts";
import { describeLive, linkNames } from "./ipdb_util.ts";

/** What the runtime's console.log prints for `v`, and node:util's inspect. */
function printed(v: unknown): string[] {
  const g = globalThis as {
    Deno?: { inspect(v: unknown): string };
    Bun?: { inspect(v: unknown): string };
  };
  const own = g.Deno?.inspect(v) ?? g.Bun!.inspect(v);
  return [inspect(v), own, inspect(v, { depth: 0 })];
}

/** Resolves with `v` from an async function (the runtime looks up `then` on it). */
async function returned<T>(v: T): Promise<T> {
  await Promise.resolve();
  return v;
}

/** The main table's routes of both families, as `ip -j` shows them. */
// deno-lint-ignore no-explicit-any
function mainRoutes(ns: string): any[] {
  return [...ipJson(["route", "show"], ns), ...ipJson(["-6", "route", "show"], ns)];
}

/** The rules of both families, as `ip -j` shows them. */
// deno-lint-ignore no-explicit-any
function allRules(ns: string): any[] {
  return [...ipJson(["rule", "show"], ns), ...ipJson(["-6", "rule", "show"], ns)];
}

/** Words of the database's internals that must never be printed. */
const INTERNALS = /byIndex|byName|pendingIfaces|DbState|Subscription|#|Map\(|\[Function/;

describeLive("IPDB views and records as plain objects", (live) => {
  it("answers the names runtimes probe as a plain object does", async () => {
    const { ipdb } = live;
    const views = [
      ipdb.interfaces,
      ipdb.routes,
      ipdb.routes.tables,
      ipdb.routes.tables[254]!,
      ipdb.rules,
    ];
    for (const v of views) {
      const any = v as unknown as Record<string | symbol, unknown>;
      assert.equal(any.then, undefined);
      assert.equal(any.asymmetricMatch, undefined);
      assert.equal(typeof any.constructor, "function");
      assert.equal((any.constructor as { name: string }).name.endsWith("View"), true);
      assert.equal(any.valueOf(), v);
      assert.equal(String(v), "[object Object]");
      assert.equal(typeof any[Symbol.iterator], "function");
      assert.equal(any[Symbol.iterator], any[Symbol.iterator], "methods keep their identity");
      assert.equal(typeof any[Symbol.for("nodejs.util.inspect.custom")], "function");
      assert.equal(typeof any[Symbol.for("Deno.customInspect")], "function");
      assert.equal(any[Symbol.asyncIterator], undefined);
      assert.equal("then" in v, false);
      // `await` (and returning from an async function) resolves to the view itself.
      assert.equal(await v, v);
      assert.equal(await returned(v), v);
      assert.doesNotThrow(() => JSON.stringify(v));
    }
    assert.equal(ipdb.interfaces.constructor, InterfacesView);
    assert.equal(ipdb.routes.constructor, RoutesView);
    assert.equal(ipdb.routes.tables.constructor, TablesView);
    assert.equal(ipdb.rules.constructor, RulesView);
    // A name that is no destination finds nothing instead of throwing.
    assert.equal(ipdb.routes.nonsense, undefined);
    assert.equal(ipdb.routes.tables[254]!["10.0.0.0/33"], undefined);
    const v0 = ipdb.interfaces.v0!;
    for (const r of [v0, ipdb.routes["10.0.0.0/24"]!, [...ipdb.rules][0]!]) {
      assert.equal(await r, r);
      assert.equal(await returned(r), r);
    }
  });

  it("lists the records as own keys: Object.keys, spreading, entries and keys()", () => {
    const { ns, ipdb } = live;
    ip(["route", "add", "10.60.0.0/16", "via", "10.0.0.2", "table", "100"], ns);
    ip(["rule", "add", "from", "10.60.0.0/16", "table", "100", "priority", "500"], ns);
    const names = linkNames(ns).sort();
    assert.deepEqual(Object.keys(ipdb.interfaces).sort(), names);
    assert.deepEqual(ipdb.interfaces.keys().sort(), names);
    const spread = { ...ipdb.interfaces };
    assert.deepEqual(Object.keys(spread).sort(), names);
    assert.equal(spread.v0, ipdb.interfaces.v0, "spreading keeps the records");
    assert.deepEqual(
      Object.entries(ipdb.interfaces).map(([k, i]) => [k, i!.ifname]).sort(),
      names.map((n) => [n, n]),
    );
    assert.equal("v0" in ipdb.interfaces, true);
    assert.equal("nope" in ipdb.interfaces, false);
    // Routes: the main table's destinations (both families), as ip shows them.
    const dsts = [...new Set(mainRoutes(ns).map((r: { dst: string }) => r.dst))].sort();
    assert.deepEqual(Object.keys(ipdb.routes).sort(), dsts);
    assert.deepEqual([...new Set(ipdb.routes.keys().map((k) => k.dst))].sort(), dsts);
    assert.equal({ ...ipdb.routes }["10.0.0.0/24"], ipdb.routes["10.0.0.0/24"]);
    assert.deepEqual(Object.keys(ipdb.routes.tables[100]!), ["10.60.0.0/16"]);
    assert.ok(Object.keys(ipdb.routes.tables).includes("100"));
    assert.ok(Object.keys(ipdb.routes.tables).includes("255"));
    assert.deepEqual(
      Object.keys(ipdb.rules).sort(),
      [...new Set(allRules(ns).map((r: { priority: number }) => `${r.priority}`))].sort(),
    );
    assert.equal({ ...ipdb.rules }["500"], ipdb.rules[500]);
  });

  it("keeps interfaces whose names are probed names out of the own keys, reachable with get", async () => {
    const { ns, ipdb } = live;
    ip(["link", "add", "then", "type", "veth", "peer", "name", "toJSON"], ns);
    const then = ipdb.interfaces.get("then")!;
    assert.equal(then.ifname, "then");
    assert.equal(ipdb.interfaces.then, undefined);
    assert.equal(await returned(ipdb.interfaces), ipdb.interfaces);
    assert.ok(ipdb.interfaces.keys().includes("then"));
    assert.equal(Object.keys(ipdb.interfaces).includes("then"), false);
    // JSON still has every interface.
    const json = JSON.parse(JSON.stringify(ipdb.interfaces));
    assert.deepEqual(Object.keys(json).sort(), linkNames(ns).sort());
    assert.equal(json.then.ifname, "then");
    assert.equal(json.toJSON.ifname, "toJSON");
  });

  it("gives records' fields as JSON, as ip -j shows them", () => {
    const { ns, ipdb } = live;
    const v0 = ipdb.interfaces.v0!;
    const shown = ipJson(["link", "show", "dev", "v0"], ns)[0];
    const json = JSON.parse(JSON.stringify(v0));
    assert.equal(json.ifname, "v0");
    assert.equal(json.index, shown.ifindex);
    assert.equal(json.mtu, shown.mtu);
    assert.equal(json.address, shown.address);
    assert.equal(json.kind, "veth");
    assert.equal(json.state, "up");
    assert.ok(json.ipaddr.includes("10.0.0.1/24"));
    assert.equal(json.ipdbScope, "system");
    const all = JSON.parse(JSON.stringify(ipdb.interfaces));
    assert.deepEqual(Object.keys(all).sort(), linkNames(ns).sort());
    assert.deepEqual(all.v0, json);
    const route = JSON.parse(JSON.stringify(ipdb.routes["10.0.0.0/24"]));
    const ipRoute = ipJson(["route", "show", "10.0.0.0/24"], ns)[0];
    assert.equal(route.dst, ipRoute.dst);
    assert.equal(route.oif, v0.index);
    assert.equal(route.prefsrc, ipRoute.prefsrc);
    assert.equal(route.table, 254);
    const routes = JSON.parse(JSON.stringify(ipdb.routes));
    assert.equal(routes.length, mainRoutes(ns).length);
    const rules = JSON.parse(JSON.stringify(ipdb.rules));
    assert.deepEqual(
      rules.map((r: { priority: number }) => r.priority).sort(),
      allRules(ns).map((r: { priority: number }) => r.priority).sort(),
    );
    // A transaction's pending values are what the fields read.
    v0.setMtu(1400);
    assert.equal(JSON.parse(JSON.stringify(v0)).mtu, 1400);
    v0.drop();
  });

  it("prints records and views as their fields, short, never the database", () => {
    const { ipdb } = live;
    const v0 = ipdb.interfaces.v0!;
    const route = ipdb.routes["10.0.0.0/24"]!;
    const rule = [...ipdb.rules][0]!;
    for (
      const [r, name, field] of [
        [v0, "Interface", "ifname"],
        [route, "RouteRecord", "dst"],
        [rule, "RuleRecord", "priority"],
      ] as const
    ) {
      for (const s of printed(r)) {
        assert.ok(s.startsWith(`${name} {`), s);
        assert.ok(s.includes(field), s);
        assert.ok(s.length < 600, `short: ${s}`);
        assert.doesNotMatch(s, INTERNALS);
      }
    }
    assert.match(printed(v0)[0]!, /ifname: 'v0'/);
    assert.match(printed(route)[0]!, /dst: '10\.0\.0\.0\/24'/);
    for (const s of printed(ipdb.interfaces)) {
      assert.ok(s.startsWith("InterfacesView {"), s);
      assert.match(s, /v0/);
      assert.doesNotMatch(s, INTERNALS);
    }
    for (const v of [ipdb.routes, ipdb.rules, ipdb.routes.tables[255]!]) {
      const s = printed(v)[0]!;
      assert.match(s, /^\w+View \[/);
      assert.doesNotMatch(s, INTERNALS);
    }
  });

  it("keeps a route's metrics a plain object: prototype members, JSON, printing", async () => {
    const { ns, ipdb } = live;
    ip(["route", "add", "10.61.0.0/16", "via", "10.0.0.2", "mtu", "1300"], ns);
    const r = ipdb.routes["10.61.0.0/16"]!;
    assert.equal(r.metrics.mtu, 1300);
    assert.equal("mtu" in r.metrics, true);
    assert.equal(String(r.metrics), "[object Object]");
    assert.equal(await returned(r.metrics), r.metrics);
    assert.deepEqual(JSON.parse(JSON.stringify(r.metrics)), { mtu: 1300 });
    assert.deepEqual({ ...r.metrics }, { mtu: 1300 });
    assert.match(printed(r.metrics)[0]!, /mtu: 1300/);
    assert.deepEqual(JSON.parse(JSON.stringify(r)).metrics, { mtu: 1300 });
    delete r.metrics.mtu;
    await r.commit();
    assert.equal(ipJson(["route", "show", "10.61.0.0/16"], ns)[0].metrics, undefined);
    assert.equal(r.metrics.mtu, undefined);
  });
});
