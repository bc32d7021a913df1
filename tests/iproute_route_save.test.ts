/**
 * Route save and restore in `ip route save`'s binary form, checked against
 * iproute2 both ways in throwaway namespaces: ip saves and nlroute restores,
 * nlroute saves and ip restores and shows the dump; byte equality with ip's
 * stream; per-route results; malformed streams.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import process from "node:process";
import { createReadStream, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  AF_INET6,
  ArgumentError,
  DecodeError,
  decodeRouteDump,
  encodeRouteDump,
  IPRoute,
  restoreRoutes,
  ROUTE_DUMP_MAGIC,
  type RouteSpec,
  saveRoutes,
  saveRoutesJSON,
} from "../mod.ts";
import { ip, testTmpDir, withTestNetns } from "./helpers.ts";
import { live } from "./iproute_util.ts";
import { argvFor, childEnv, lines } from "./cli_util.ts";

/** Runs `nlroute -n ns args…` with `input` as standard input; returns stdout as bytes. */
function nlrouteBytes(ns: string, args: string[], input?: Uint8Array): Buffer {
  const r = spawnSync(process.execPath, argvFor(["-n", ns, ...args]), {
    input,
    env: childEnv(),
    timeout: 60_000,
  });
  assert.equal(r.status, 0, `nlroute ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** A namespace with the scene's interface and address but none of its routes. */
function bareScene(ns: string): void {
  ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
  ip(["link", "set", "v0", "up"], ns);
  ip(["link", "set", "v1", "up"], ns);
  ip(["addr", "add", "10.0.0.1/24", "dev", "v0"], ns);
}

/** A veth v0 (10.0.0.1/24, up) with routes through 10.0.0.2 in tables main and 100. */
function scene(ns: string): void {
  ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
  ip(["link", "set", "v0", "up"], ns);
  ip(["link", "set", "v1", "up"], ns);
  ip(["addr", "add", "10.0.0.1/24", "dev", "v0"], ns);
  for (let i = 0; i < 20; i++) {
    ip(["route", "add", `10.${10 + i}.0.0/16`, "via", "10.0.0.2", "metric", String(i)], ns);
  }
  ip(["route", "add", "10.99.0.0/16", "dev", "v0", "src", "10.0.0.1"], ns);
  ip(["route", "add", "10.98.0.0/16", "via", "10.0.0.2", "table", "100"], ns);
}

/** `ip -j route show` of a table, as comparable strings. */
function ipRoutes(ns: string, table = "main"): string[] {
  // deno-lint-ignore no-explicit-any
  return JSON.parse(ip(["-j", "route", "show", "table", table], ns)).map((r: any) =>
    JSON.stringify([r.dst, r.gateway, r.dev, r.metric, r.prefsrc, r.protocol])
  ).sort();
}

/** Runs `ip -n ns route save|restore|showdump` with a file as stdin or stdout. */
function ipFile(ns: string, cmd: string, file: string, out = false): string {
  const args = ["-n", ns, "route", cmd];
  if (out) {
    const bytes = execFileSync("ip", args, { stdio: ["ignore", "pipe", "inherit"] });
    writeFileSync(file, bytes);
    return "";
  }
  // A file as standard input (ip restore reads the stream three times: it seeks).
  return execFileSync("bash", ["-c", 'exec ip -n "$1" route "$2" < "$3"', "ip", ns, cmd, file], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe("route save and restore", live, () => {
  it("restores what ip route save wrote, and ip restores what nlroute saved", async () => {
    await withTestNetns(async (a) => {
      await withTestNetns(async (b) => {
        scene(a);
        const dir = testTmpDir();
        const theirs = join(dir, `routes-${a}.bin`);
        ipFile(a, "save", theirs, true);
        await using ipra = await IPRoute.open({ netns: a });
        const ours = await saveRoutes(ipra);
        // The same messages: ip's stream and ours differ only in the headers' sequence numbers and ports.
        const strip = (bytes: Uint8Array) =>
          decodeRouteDump(bytes).map((r) => Buffer.from(r.raw().subarray(16)).toString("hex"));
        assert.deepEqual(strip(ours), strip(readFileSync(theirs)));
        // Into a namespace with the same interface: nlroute restores ip's stream.
        ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], b);
        ip(["link", "set", "v0", "up"], b);
        ip(["link", "set", "v1", "up"], b);
        ip(["addr", "add", "10.0.0.1/24", "dev", "v0"], b);
        await using iprb = await IPRoute.open({ netns: b });
        // From a stream (a file read in chunks), as from the bytes.
        const results = await restoreRoutes(iprb, createReadStream(theirs, { highWaterMark: 64 }));
        assert.equal(results.length, decodeRouteDump(readFileSync(theirs)).length);
        assert.ok(results.every((r) => r.ok), JSON.stringify(results.filter((r) => !r.ok)));
        // The kernel's own route of 10.0.0.0/24 (from the address) was there already.
        assert.deepEqual(
          results.filter((r) => r.ok && r.existed).map((r) => r.route.dst),
          ["10.0.0.0/24"],
        );
        assert.deepEqual(ipRoutes(b), ipRoutes(a));
        // ip saves the main table only (as saveRoutes without a table).
        assert.ok(decodeRouteDump(readFileSync(theirs)).every((r) => r.table === 254));
        // ip restores nlroute's stream, with table 100 too, and shows it.
        const all = join(dir, `routes-all-${a}.bin`);
        writeFileSync(all, await saveRoutes(ipra, { table: "all" }));
        ip(["route", "flush", "table", "main"], b);
        ip(["addr", "flush", "dev", "v0"], b);
        ip(["addr", "add", "10.0.0.1/24", "dev", "v0"], b);
        ipFile(b, "restore", all);
        assert.deepEqual(ipRoutes(b), ipRoutes(a));
        assert.deepEqual(ipRoutes(b, "100"), ipRoutes(a, "100"));
        assert.ok(
          ipFile(b, "showdump", all).includes("10.98.0.0/16 via 10.0.0.2 dev v0 table 100"),
        );
      });
    });
  });

  it("reports per-route results: a route the kernel refuses is an error, the rest are restored", async () => {
    await withTestNetns(async (a) => {
      scene(a);
      await using ipr = await IPRoute.open({ netns: a });
      const saved = await saveRoutes(ipr);
      const count = decodeRouteDump(saved).length;
      ip(["route", "flush", "10.10.0.0/16"], a);
      ip(["link", "set", "v0", "down"], a); // gateways are unreachable now: ENETUNREACH
      const results = await restoreRoutes(ipr, saved);
      assert.equal(results.length, count);
      const failed = results.filter((r) => !r.ok);
      assert.ok(failed.length > 0);
      for (const f of failed) if (!f.ok) assert.match(f.error.code, /^E[A-Z]+$/);
      assert.doesNotThrow(() => JSON.stringify(results.map((r) => r.route)));
    });
  });
});

describe("route save and restore: the JSON form and the command", live, () => {
  it("saves routes as plain specs with interface names and restores them elsewhere", async () => {
    await withTestNetns(async (a) => {
      await withTestNetns(async (b) => {
        scene(a);
        ip([
          "route",
          "add",
          "10.97.0.0/16",
          "nexthop",
          "via",
          "10.0.0.2",
          "weight",
          "3",
          "nexthop",
          "via",
          "10.0.0.3",
        ], a);
        ip([
          "route",
          "add",
          "10.96.0.0/16",
          "via",
          "10.0.0.2",
          "mtu",
          "1400",
          "advmss",
          "1300",
          "realm",
          "5",
        ], a);
        ip(["-6", "route", "add", "2001:db8::/64", "dev", "v0", "metric", "5", "pref", "high"], a);
        await using ipra = await IPRoute.open({ netns: a });
        const specs = [
          ...await saveRoutesJSON(ipra, { table: "all" }),
          ...await saveRoutesJSON(ipra, { table: "all", family: AF_INET6 }),
        ];
        // Plain data: JSON round-trips it unchanged.
        const text = JSON.stringify(specs);
        assert.deepEqual(JSON.parse(text), specs);
        const mp = specs.find((s) => s.dst === "10.97.0.0/16")!;
        assert.deepEqual(mp.multipath, [
          { gateway: "10.0.0.2", oif: "v0", hops: 2 },
          { gateway: "10.0.0.3", oif: "v0", hops: 0 },
        ]);
        assert.deepEqual(specs.find((s) => s.dst === "10.96.0.0/16")!.metrics, {
          mtu: 1400,
          advmss: 1300,
        });
        bareScene(b);
        // Other indexes in b: the names carry over.
        ip(["link", "add", "pad0", "type", "veth", "peer", "name", "pad1"], b);
        ip(["link", "del", "v0"], b);
        bareScene(b);
        await using iprb = await IPRoute.open({ netns: b });
        const results = await restoreRoutes(iprb, JSON.parse(text) as RouteSpec[]);
        assert.equal(results.length, specs.length);
        assert.ok(results.every((r) => r.ok), JSON.stringify(results.filter((r) => !r.ok)));
        assert.deepEqual(ipRoutes(b), ipRoutes(a));
        assert.deepEqual(ipRoutes(b, "100"), ipRoutes(a, "100"));
        const six = (ns: string) =>
          JSON.stringify(ip(["-6", "-j", "route", "show", "2001:db8::/64"], ns));
        assert.equal(six(b), six(a));
      });
    });
  });

  it("checks every spec and interface name before sending any", async () => {
    await withTestNetns(async (a) => {
      bareScene(a);
      await using ipr = await IPRoute.open({ netns: a });
      const before = ip(["route", "show", "table", "all"], a);
      const good: RouteSpec = { dst: "10.50.0.0/16", gateway: "10.0.0.2" };
      await assert.rejects(
        restoreRoutes(ipr, [
          good,
          { dst: "10.51.0.0/16", gateway: "10.0.0.2", table: "nosuch" } as unknown as RouteSpec,
        ]),
        (e: unknown) => e instanceof ArgumentError && e.argument === "routes[1].table",
      );
      await assert.rejects(
        restoreRoutes(ipr, [good, { dst: "10.52.0.0/16", oif: "nothere" }]),
        (e: unknown) => e instanceof ArgumentError && e.argument === "routes[1].oif",
      );
      assert.equal(ip(["route", "show", "table", "all"], a), before);
    });
  });

  it("nlroute route save | restore | showdump speak ip's stream, and -j the JSON form", async () => {
    await withTestNetns(async (a) => {
      await withTestNetns((b) => {
        scene(a);
        const dir = testTmpDir();
        const theirs = join(dir, `cli-routes-${a}.bin`);
        ipFile(a, "save", theirs, true);
        const ours = nlrouteBytes(a, ["route", "save"]);
        const body = (bytes: Uint8Array) =>
          decodeRouteDump(bytes).map((r) => Buffer.from(r.raw().subarray(16)).toString("hex"));
        assert.deepEqual(body(ours), body(readFileSync(theirs)));
        // showdump prints what ip's showdump prints, for ip's stream.
        assert.deepEqual(
          lines(nlrouteBytes(a, ["route", "showdump"], readFileSync(theirs)).toString()),
          lines(ipFile(a, "showdump", theirs)),
        );
        // Filters as route show takes them.
        const some = nlrouteBytes(a, ["route", "save", "table", "100"]);
        assert.deepEqual(decodeRouteDump(some).map((r) => r.dst), ["10.98.0.0/16"]);
        bareScene(b);
        nlrouteBytes(b, ["route", "restore"], readFileSync(theirs));
        assert.deepEqual(ipRoutes(b), ipRoutes(a));
        ip(["route", "flush", "table", "main"], b);
        ip(["addr", "flush", "dev", "v0"], b);
        ip(["addr", "add", "10.0.0.1/24", "dev", "v0"], b);
        const json = nlrouteBytes(a, ["-j", "route", "save", "table", "all"]);
        assert.ok(Array.isArray(JSON.parse(json.toString())));
        nlrouteBytes(b, ["route", "restore"], json);
        assert.deepEqual(ipRoutes(b), ipRoutes(a));
        assert.deepEqual(ipRoutes(b, "100"), ipRoutes(a, "100"));
        // A refused route: exit status 2 and the kernel's reason.
        const r = spawnSync(process.execPath, argvFor(["-n", b, "route", "restore"]), {
          input: new TextEncoder().encode('[{"dst":"10.77.0.0/16","gateway":"192.0.2.1"}]'),
          env: childEnv(),
          encoding: "utf8",
        });
        assert.equal(r.status, 2);
        assert.match(
          r.stderr,
          /Cannot restore 1 of 1 routes; route 10\.77\.0\.0\/16: .*ENETUNREACH/,
        );
      });
    });
  });
});

describe("route dump streams", () => {
  it("refuses malformed streams with a DecodeError naming what is wrong", () => {
    const ok = encodeRouteDump([]);
    assert.deepEqual([...ok], [0x24, 0x12, 0x31, 0x45]);
    assert.equal(new DataView(ok.buffer).getUint32(0, true), ROUTE_DUMP_MAGIC);
    assert.deepEqual(decodeRouteDump(ok), []);
    assert.throws(() => decodeRouteDump(new Uint8Array([1, 2, 3, 4])), /magic mismatch/);
    assert.throws(() => decodeRouteDump(new Uint8Array(2)), DecodeError);
    // A truncated message: the header claims 60 bytes, 20 follow.
    const cut = new Uint8Array(4 + 20);
    cut.set(ok);
    new DataView(cut.buffer).setUint32(4, 60, true);
    new DataView(cut.buffer).setUint16(8, 24, true);
    assert.throws(() => decodeRouteDump(cut), /runs past the end/);
    // A message that is not a route (RTM_NEWLINK).
    const link = new Uint8Array(4 + 28);
    link.set(ok);
    new DataView(link.buffer).setUint32(4, 28, true);
    new DataView(link.buffer).setUint16(8, 16, true);
    assert.throws(() => decodeRouteDump(link), /not RTM_NEWROUTE/);
  });
});
