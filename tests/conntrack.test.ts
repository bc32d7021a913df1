/**
 * Conntrack (NETLINK_NETFILTER, ctnetlink) live in a throwaway namespace,
 * against Debian's `conntrack` tool both ways: entries nlroute makes are read
 * back with `conntrack -L -o extended,id` field by field, entries
 * `conntrack -I` makes are read by nlroute; updates, deletes, flushes, the
 * kernel-side dump filters, statistics (`-S`, `-C`) and events (`-E`, and
 * nlroute's own, overruns included). Bad input is an ArgumentError before
 * anything is sent; kernel refusals are NetlinkErrors.
 */
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  ArgumentError,
  Conntrack,
  type ConntrackEntry,
  NetlinkError,
  type TupleSpec,
} from "../mod.ts";
import { createTestNetns, isRoot, nsExec, removeTestNetns, skipReason } from "./helpers.ts";
import { checkTuple, readTuple, writeTuple } from "../netfilter/tuple.ts";
import { Writer } from "../core/writer.ts";
import { DecodeError } from "../core/errors.ts";

/**
 * Why conntrack cannot be tested here, probed live: the tool, then
 * `conntrack -L` in a throwaway namespace (ctnetlink, nf_conntrack_netlink,
 * loaded on demand or with modprobe).
 */
function probe(): string | false {
  if (!isRoot) return "needs root for namespaces";
  if (spawnSync("conntrack", ["--version"]).status !== 0) {
    return "the conntrack tool is not installed (Debian package conntrack)";
  }
  spawnSync("modprobe", ["nf_conntrack_netlink"], { stdio: "ignore" });
  const ns = createTestNetns();
  try {
    const r = spawnSync("ip", ["netns", "exec", ns, "conntrack", "-L"], { encoding: "utf8" });
    if (r.status !== 0) {
      return `conntrack -L fails in a namespace (no nf_conntrack_netlink?): ${r.stderr.trim()}`;
    }
    return false;
  } finally {
    removeTestNetns(ns);
  }
}
const live = { skip: skipReason(probe()) };
const hasNft = spawnSync("nft", ["--version"]).status === 0;

/** One side of a `conntrack -L -o extended,id` line. */
interface OracleTuple {
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  type?: number;
  code?: number;
  id?: number;
  packets?: number;
  bytes?: number;
}
/** One `conntrack -L -o extended,id` line, parsed. */
interface OracleEntry {
  family: string;
  protocol: string;
  protoNum: number;
  timeout: number;
  state?: string;
  orig: OracleTuple;
  reply: OracleTuple;
  flags: string[];
  mark?: number;
  zone?: number;
  use?: number;
  id?: number;
}

/**
 * Parses conntrack's extended output: `ipv4 2 tcp 6 99 ESTABLISHED src=… dst=…
 * sport=… dport=… [UNREPLIED] src=… … [ASSURED] mark=5 zone=3 use=1 id=…`.
 */
function parseLine(line: string): OracleEntry {
  const t = line.trim().split(/\s+/);
  const e: OracleEntry = {
    family: t[0]!,
    protocol: t[2]!,
    protoNum: Number(t[3]),
    timeout: Number(t[4]),
    orig: { src: "", dst: "" },
    reply: { src: "", dst: "" },
    flags: [],
  };
  let i = 5;
  if (!t[i]!.includes("=")) e.state = t[i++]!;
  let tuple: OracleTuple | undefined;
  let srcs = 0;
  for (; i < t.length; i++) {
    const tok = t[i]!;
    if (tok.startsWith("[")) {
      e.flags.push(tok.slice(1, -1));
      continue;
    }
    const [k, v] = tok.split("=") as [string, string];
    if (k === "src") {
      tuple = srcs++ === 0 ? e.orig : e.reply;
      tuple.src = v;
    } else if (k === "dst") tuple!.dst = v;
    else if (["sport", "dport", "type", "code", "packets", "bytes"].includes(k) && srcs <= 2) {
      (tuple as unknown as Record<string, number>)[k] = Number(v);
    } else if (k === "id" && e.mark === undefined && tuple) {
      // ICMP's id= inside a tuple comes before mark=; the entry's id comes last.
      tuple.id = Number(v);
    } else if (k === "mark") e.mark = Number(v);
    else if (k === "zone") e.zone = Number(v);
    else if (k === "use") e.use = Number(v);
    else if (k === "id") e.id = Number(v);
  }
  return e;
}

let ns = "";
/** Runs conntrack in the namespace: its stdout; its stderr (the "N flow entries" lines) only in a failure. */
function ct(args: string[]): string {
  const r = spawnSync("ip", ["netns", "exec", ns, "conntrack", ...args], { encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(`conntrack ${args.join(" ")} failed (${r.status}): ${r.stderr.trim()}`);
  }
  return r.stdout;
}
function oracle(extra: string[] = []): OracleEntry[] {
  return ct(["-L", "-o", "extended,id", ...extra]).split("\n").filter((l) => l.trim())
    .map(parseLine);
}
const FAMILY_NAMES = { ipv4: "ipv4", ipv6: "ipv6" } as const;

/** Checks one nlroute entry against the oracle's line, field by field. */
function assertSame(e: ConntrackEntry, o: OracleEntry, held = 0): void {
  assert.equal(e.family, FAMILY_NAMES[o.family as "ipv4"]);
  assert.equal(e.protocol, o.protocol);
  assert.equal(e.orig.protoNum, o.protoNum);
  assert.ok(Math.abs(e.timeout! - o.timeout) <= 1, `timeout ${e.timeout} vs ${o.timeout}`);
  assert.equal(e.state, o.state);
  for (const dir of ["orig", "reply"] as const) {
    const a = e[dir];
    const b = o[dir];
    assert.equal(a.src, b.src, `${dir}.src`);
    assert.equal(a.dst, b.dst, `${dir}.dst`);
    assert.equal(a.sport, b.sport, `${dir}.sport`);
    assert.equal(a.dport, b.dport, `${dir}.dport`);
    assert.equal(a.icmpType, b.type, `${dir}.icmpType`);
    assert.equal(a.icmpCode, b.code, `${dir}.icmpCode`);
    assert.equal(a.icmpId, b.id, `${dir}.icmpId`);
    if (b.packets !== undefined) {
      assert.equal(e.counters?.[dir].packets, BigInt(b.packets), `${dir} packets`);
      assert.equal(e.counters?.[dir].bytes, BigInt(b.bytes!), `${dir} bytes`);
    }
  }
  // conntrack prints [UNREPLIED] without IPS_SEEN_REPLY, [ASSURED] with IPS_ASSURED.
  assert.equal(o.flags.includes("UNREPLIED"), !e.status.includes("seenReply"));
  assert.equal(o.flags.includes("ASSURED"), e.status.includes("assured"));
  assert.equal(e.mark, o.mark);
  assert.equal(e.zone, o.zone);
  // A get's reply counts the reference the kernel held while answering.
  assert.equal(e.use, o.use! + held);
  assert.equal(e.id, o.id);
}

function byId(entries: readonly { id?: number | undefined }[]): number[] {
  return entries.map((e) => e.id!).sort((a, b) => a - b);
}

const TCP: TupleSpec = {
  src: "10.0.0.1",
  dst: "10.0.0.2",
  protocol: "tcp",
  sport: 40000,
  dport: 80,
};
const UDP6: TupleSpec = {
  src: "2001:db8::1",
  dst: "2001:db8::2",
  protocol: "udp",
  sport: 5353,
  dport: 53,
};
const ICMP: TupleSpec = {
  src: "10.0.0.1",
  dst: "10.0.0.3",
  protocol: "icmp",
  icmpType: 8,
  icmpCode: 0,
  icmpId: 77,
};

describe("conntrack tuples (offline)", () => {
  /** A tuple written as requests write it, read back by the dump's reader. */
  function roundTrip(spec: TupleSpec) {
    const w = new Writer();
    writeTuple(w, 1, checkTuple(spec, "t"));
    const b = w.finish();
    return readTuple(b, new DataView(b.buffer, b.byteOffset), 4, b.length);
  }
  it("reads back what requests write: IPv4 ports, IPv6 ICMPv6, a direction's zone", () => {
    assert.deepEqual(roundTrip({ ...TCP, zone: 9 }), {
      src: "10.0.0.1",
      dst: "10.0.0.2",
      protocol: "tcp",
      protoNum: 6,
      sport: 40000,
      dport: 80,
      zone: 9,
    });
    assert.deepEqual(
      roundTrip({
        src: "2001:db8::1",
        dst: "2001:db8::2",
        protocol: "icmpv6",
        icmpType: 128,
        icmpCode: 0,
        icmpId: 513,
      }),
      {
        src: "2001:db8::1",
        dst: "2001:db8::2",
        protocol: "icmpv6",
        protoNum: 58,
        icmpType: 128,
        icmpCode: 0,
        icmpId: 513,
      },
    );
    assert.deepEqual(roundTrip({ src: "10.0.0.1", dst: "10.0.0.2", protocol: 47 }), {
      src: "10.0.0.1",
      dst: "10.0.0.2",
      protocol: "gre",
      protoNum: 47,
    });
  });
  it("raises DecodeError for an attribute that runs past its nest", () => {
    const w = new Writer();
    writeTuple(w, 1, checkTuple(TCP, "t"));
    const b = w.finish();
    const dv = new DataView(b.buffer, b.byteOffset);
    dv.setUint16(4, dv.getUint16(4, true) + 8, true); // CTA_TUPLE_IP claims 8 bytes more
    assert.throws(() => readTuple(b, dv, 4, b.length), DecodeError);
  });
});

describe("conntrack (live, throwaway namespace, oracle: conntrack)", live, () => {
  let c: Conntrack;
  before(async () => {
    ns = createTestNetns();
    c = await Conntrack.open({ netns: ns });
  });
  after(() => {
    c?.close();
    removeTestNetns(ns);
  });
  beforeEach(() => {
    ct(["-F"]);
  });

  it("entries nlroute creates read back in conntrack -L field by field", async () => {
    await c.create({
      orig: TCP,
      timeout: 120,
      tcpState: "ESTABLISHED",
      mark: 5,
      status: ["assured"],
    });
    await c.create({
      orig: UDP6,
      // A reply to another address and port: source NAT, as conntrack -L shows it.
      reply: { src: "2001:db8::2", dst: "2001:db8::99", protocol: "udp", sport: 53, dport: 6000 },
      timeout: 60,
    });
    await c.create({ orig: ICMP, timeout: 30, zone: 3 });
    const ours = await c.list();
    const theirs = oracle();
    assert.equal(ours.length, 3);
    assert.deepEqual(byId(ours), byId(theirs));
    for (const e of ours) assertSame(e, theirs.find((o) => o.id === e.id)!);
    const udp = ours.find((e) => e.family === "ipv6")!;
    assert.deepEqual(udp.nat, { src: { address: "2001:db8::99", port: 6000 } });
    const tcp = ours.find((e) => e.protocol === "tcp")!;
    assert.equal(tcp.nat, undefined);
    assert.equal(tcp.tcp?.state, "ESTABLISHED");
    assert.deepEqual(tcp.status, ["assured", "confirmed"]);
    const json = JSON.parse(JSON.stringify(tcp));
    assert.equal(json.event, "IPCTNL_MSG_CT_NEW");
    assert.equal(json.orig.sport, 40000);
    assert.equal(json.mark, 5);
  });

  it("entries conntrack -I creates read in nlroute (list and get) field by field", async () => {
    ct([
      "-I",
      "-p",
      "tcp",
      "-s",
      "10.1.0.1",
      "-d",
      "10.1.0.2",
      "--sport",
      "1000",
      "--dport",
      "443",
      "--state",
      "SYN_SENT",
      "-t",
      "100",
      "-u",
      "SEEN_REPLY",
    ]);
    // conntrack 1.4.7 sets the mark to the status word when -I has both -m and -u: -m goes below.
    ct([
      "-I",
      "-p",
      "icmp",
      "-s",
      "10.1.0.1",
      "-d",
      "10.1.0.3",
      "--icmp-type",
      "8",
      "--icmp-code",
      "0",
      "--icmp-id",
      "5",
      "-t",
      "50",
      "-w",
      "7",
      "-m",
      "9",
    ]);
    ct([
      "-I",
      "-p",
      "udp",
      "-s",
      "2001:db8::5",
      "-d",
      "2001:db8::6",
      "--sport",
      "1",
      "--dport",
      "2",
      "-t",
      "40",
    ]);
    const theirs = oracle();
    const ours = await c.list();
    assert.equal(theirs.length, 3);
    assert.deepEqual(byId(ours), byId(theirs));
    for (const e of ours) assertSame(e, theirs.find((o) => o.id === e.id)!);
    const got = await c.get({
      orig: { src: "10.1.0.1", dst: "10.1.0.2", protocol: "tcp", sport: 1000, dport: 443 },
    });
    assert.equal(got.state, "SYN_SENT");
    assert.equal(got.mark, 0);
    assert.ok(got.status.includes("seenReply"));
    // By the reply tuple, and in its zone.
    const icmp = await c.get({
      reply: {
        src: "10.1.0.3",
        dst: "10.1.0.1",
        protocol: "icmp",
        icmpType: 0,
        icmpCode: 0,
        icmpId: 5,
      },
      zone: 7,
    });
    assert.equal(icmp.zone, 7);
    assert.equal(icmp.mark, 9);
    assert.equal(icmp.orig.icmpType, 8);
  });

  it("filters dumps in the kernel by family, mark/mask, zone and status, as conntrack -L does", async () => {
    await c.create({ orig: TCP, timeout: 120, mark: 0x15, status: ["assured"] });
    await c.create({ orig: { ...TCP, sport: 40001 }, timeout: 120, mark: 0x25 });
    await c.create({ orig: UDP6, timeout: 120, mark: 0x15, zone: 2 });
    await c.create({ orig: ICMP, timeout: 120, zone: 2 });
    const ids = async (f: Parameters<Conntrack["list"]>[0]) => byId(await c.list(f));
    const all = oracle();
    assert.deepEqual(await ids({ family: "ipv6" }), byId(oracle(["-f", "ipv6"])));
    assert.deepEqual(await ids({ family: "ipv4" }), byId(oracle(["-f", "ipv4"])));
    assert.deepEqual(await ids({ mark: 0x15 }), byId(all.filter((o) => o.mark === 0x15)));
    assert.deepEqual(
      await ids({ family: "ipv4", mark: 0x5, markMask: 0xf }),
      byId(oracle(["-f", "ipv4", "-m", "0x5/0xf"])),
    );
    assert.deepEqual(await ids({ zone: 2 }), byId(all.filter((o) => o.zone === 2)));
    assert.deepEqual(
      await ids({ status: ["assured"] }),
      byId(all.filter((o) => o.flags.includes("ASSURED"))),
    );
    const unassured = await c.list({ status: [], statusMask: ["assured"] });
    assert.deepEqual(
      byId(unassured),
      byId(all.filter((o) => !o.flags.includes("ASSURED"))),
      JSON.stringify([unassured, all]),
    );
  });

  it("updates mark, timeout, status and TCP state (read by conntrack), and reads conntrack -U's", async () => {
    await c.create({ orig: TCP, timeout: 50, tcpState: "SYN_SENT", mark: 0xf0 });
    await c.update({
      orig: TCP,
      mark: 0x0a,
      markMask: 0x0f,
      timeout: 500,
      status: ["seenReply"],
      tcpState: "ESTABLISHED",
    });
    let [o] = oracle();
    assert.equal(o!.mark, 0xfa);
    assert.ok(o!.timeout > 490);
    assert.equal(o!.state, "ESTABLISHED");
    assert.ok(!o!.flags.includes("UNREPLIED"));
    ct([
      "-U",
      "-p",
      "tcp",
      "-s",
      "10.0.0.1",
      "-d",
      "10.0.0.2",
      "--sport",
      "40000",
      "--dport",
      "80",
      "-m",
      "77",
    ]);
    [o] = oracle();
    const e = await c.get({ orig: TCP });
    assertSame(e, o!, 1);
    assert.equal(e.mark, 77);
  });

  it("deletes one entry and flushes by family, by mark, or all (conntrack -L agrees)", async () => {
    await c.create({ orig: TCP, timeout: 100 });
    await c.create({ orig: ICMP, timeout: 100, mark: 3 });
    await c.create({ orig: UDP6, timeout: 100 });
    const tcp = await c.get({ orig: TCP });
    await assert.rejects(
      c.delete({ orig: TCP, id: tcp.id! + 1 }),
      (e) => e instanceof NetlinkError && e.code === "ENOENT",
    );
    await c.delete({ orig: TCP, id: tcp.id! });
    assert.equal(oracle(["-f", "ipv4"]).length, 1);
    assert.equal(oracle().length, 2);
    await c.flush({ family: "ipv6" });
    assert.equal(oracle(["-f", "ipv6"]).length, 0);
    assert.equal(oracle().length, 1);
    await c.flush({ mark: 4 });
    assert.equal(oracle().length, 1);
    await c.flush({ mark: 3 });
    assert.equal(oracle().length, 0);
    ct([
      "-I",
      "-p",
      "udp",
      "-s",
      "10.5.0.1",
      "-d",
      "10.5.0.2",
      "--sport",
      "1",
      "--dport",
      "2",
      "-t",
      "40",
    ]);
    ct(["-D", "-p", "udp", "-s", "10.5.0.1", "-d", "10.5.0.2", "--sport", "1", "--dport", "2"]);
    await assert.rejects(
      c.get({ orig: { src: "10.5.0.1", dst: "10.5.0.2", protocol: "udp", sport: 1, dport: 2 } }),
      (e) => e instanceof NetlinkError && e.code === "ENOENT" && e.request === "IPCTNL_MSG_CT_GET",
    );
    await c.create({ orig: TCP, timeout: 100 });
    await c.create({ orig: UDP6, timeout: 100 });
    await c.flush();
    assert.equal((await c.list()).length, 0);
  });

  it("reports per-CPU statistics as conntrack -S does, and the table size as conntrack -C", async () => {
    await c.create({ orig: TCP, timeout: 100 });
    const theirs = ct(["-S"]).trim().split("\n").map((line) => {
      const [cpu, ...rest] = line.trim().split(/\s+/);
      return {
        cpu: Number(cpu!.split("=")[1]),
        ...Object.fromEntries(rest.map((kv) => {
          const [k, v] = kv.split("=") as [string, string];
          return [k, Number(v)];
        })),
      } as Record<string, number>;
    });
    const ours = await c.stats();
    assert.equal(ours.length, theirs.length);
    const names: Record<string, string> = {
      insertFailed: "insert_failed",
      earlyDrop: "early_drop",
      searchRestart: "search_restart",
      clashResolve: "clash_resolve",
      chainToolong: "chaintoolong",
    };
    for (const [i, s] of ours.entries()) {
      const o = theirs[i]!;
      for (const [k, v] of Object.entries(s.toJSON())) {
        if (k === "event") continue;
        assert.equal(v, o[names[k] ?? k], `cpu ${s.cpu} ${k}`);
      }
    }
    assert.deepEqual(await c.count(), {
      entries: Number(ct(["-C"]).trim()),
      maxEntries: Number(nsExec(ns, ["sysctl", "-n", "net.netfilter.nf_conntrack_max"]).trim()),
    });
    assert.equal((await c.count()).entries, 1);
  });

  it("counts packets and bytes when accounting is on (zero for an injected entry)", async () => {
    nsExec(ns, ["sysctl", "-q", "-w", "net.netfilter.nf_conntrack_acct=1"]);
    try {
      await c.create({ orig: TCP, timeout: 100 });
      const [e] = await c.list();
      assert.deepEqual(e!.counters, {
        orig: { packets: 0n, bytes: 0n },
        reply: { packets: 0n, bytes: 0n },
      });
      const [o] = oracle();
      assert.equal(o!.orig.packets, 0);
      assertSame(e!, o!);
    } finally {
      nsExec(ns, ["sysctl", "-q", "-w", "net.netfilter.nf_conntrack_acct=0"]);
    }
  });

  it("sets labels (the kernel keeps them while a ruleset uses labels)", {
    skip: skipReason(!hasNft && "nft is not installed (labels need a ruleset that uses them)"),
  }, async () => {
    nsExec(ns, [
      "nft",
      "add table ip nlrt; add chain ip nlrt c; add rule ip nlrt c ct label set 1",
    ]);
    try {
      await c.create({ orig: TCP, timeout: 100, labels: [1, 70] });
      assert.deepEqual((await c.get({ orig: TCP })).labels, [1, 70]);
      await c.update({ orig: TCP, labels: [2], labelsMask: [1, 2] });
      assert.deepEqual((await c.get({ orig: TCP })).labels, [2, 70]);
    } finally {
      nsExec(ns, ["nft", "delete table ip nlrt"]);
    }
  });

  it("streams NEW, UPDATE and DESTROY events of conntrack's changes; conntrack -E sees nlroute's", async () => {
    await using mon = await Conntrack.open({ netns: ns });
    const events = mon.events();
    const child = spawn("ip", ["netns", "exec", ns, "conntrack", "-E", "-o", "id"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    let text = "";
    child.stdout.on("data", (d) => (text += d));
    await new Promise((r) => setTimeout(r, 300)); // conntrack -E subscribes
    try {
      ct([
        "-I",
        "-p",
        "udp",
        "-s",
        "10.7.0.1",
        "-d",
        "10.7.0.2",
        "--sport",
        "1",
        "--dport",
        "2",
        "-t",
        "40",
      ]);
      ct([
        "-U",
        "-p",
        "udp",
        "-s",
        "10.7.0.1",
        "-d",
        "10.7.0.2",
        "--sport",
        "1",
        "--dport",
        "2",
        "-m",
        "3",
      ]);
      ct(["-D", "-p", "udp", "-s", "10.7.0.1", "-d", "10.7.0.2", "--sport", "1", "--dport", "2"]);
      const seen: string[] = [];
      for await (const e of events) {
        assert.notEqual(e.kind, "overrun");
        if (e.kind === "overrun") continue;
        seen.push(`${e.kind} ${e.entry.orig.src} ${e.entry.mark ?? ""}`.trim());
        if (seen.length === 3) break;
      }
      assert.deepEqual(seen, ["new 10.7.0.1 0", "update 10.7.0.1 3", "destroy 10.7.0.1 3"]);
      await c.create({ orig: TCP, timeout: 100 });
      const { id } = await c.get({ orig: TCP });
      await c.update({ orig: TCP, mark: 8 });
      await c.delete({ orig: TCP });
      for (let i = 0; i < 100 && !/DESTROY.*10\.0\.0\.1/.test(text); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const lines = text.trim().split("\n").filter((l) => l.includes("10.0.0.1 dst=10.0.0.2"));
      assert.equal(lines.length, 3, text);
      // conntrack 1.4.7 ends each line with who made the change: nlroute's socket.
      const by = ` [USERSPACE] portid=${c.socket.portId} progname=`;
      assert.match(
        lines[0]!,
        /^\s*\[NEW\] tcp\s+6 100 NONE src=10\.0\.0\.1 dst=10\.0\.0\.2 sport=40000 dport=80 \[UNREPLIED\] src=10\.0\.0\.2 dst=10\.0\.0\.1 sport=80 dport=40000 mark=0 id=\d+ /,
      );
      assert.match(lines[1]!, /^\s*\[UPDATE\] tcp\s+6 .*sport=40000 dport=80 .* mark=8 id=\d+ /);
      assert.match(
        lines[2]!,
        /^\s*\[DESTROY\] tcp\s+6 .*src=10\.0\.0\.1 dst=10\.0\.0\.2 .*id=\d+ /,
      );
      for (const l of lines) assert.ok(l.includes(by), `${l} (not by ${by})`);
      // The same entry in both streams: conntrack's id is the entry's.
      const ids = lines.map((l) => Number(/\bid=(\d+)/.exec(l)![1]));
      assert.deepEqual(ids, [id, id, id]);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("reports an overrun when the kernel drops events (a small receive buffer)", async () => {
    await using mon = await Conntrack.open({ netns: ns, rcvbuf: 1024, groups: ["new"] });
    const events = mon.events({ groups: ["new"] });
    for (let i = 0; i < 100; i++) {
      await c.create({ orig: { ...TCP, sport: 20000 + i }, timeout: 100 });
    }
    let overrun = false;
    let entries = 0;
    for (let e = events.poll(); e !== undefined; e = events.poll()) {
      if (e.kind === "overrun") {
        assert.equal(e.source, "kernel");
        overrun = true;
      } else entries++;
    }
    assert.ok(overrun, `no overrun notice (${entries} events arrived)`);
    assert.ok(entries < 100);
    assert.ok(mon.socket.stats.overruns > 0);
  });

  it("opens in process mode too", async () => {
    await using p = await Conntrack.open({ netns: ns, mode: "process" });
    await c.create({ orig: TCP, timeout: 100 });
    assert.equal((await p.list()).length, 1);
  });

  it("refuses bad input with an ArgumentError naming the argument, before sending", async () => {
    const before = c.socket.stats.datagrams;
    const bad: [() => Promise<unknown>, string][] = [
      [() => c.create({ orig: { ...TCP, dport: undefined } as never, timeout: 1 }), "orig.dport"],
      [
        () => c.create({ orig: { ...TCP, sport: "80" as unknown as number }, timeout: 1 }),
        "orig.sport",
      ],
      [() => c.create({ orig: { ...TCP, sport: 70000 }, timeout: 1 }), "orig.sport"],
      [
        () => c.create({ orig: { ...TCP, protocol: "tcpx" as "tcp" }, timeout: 1 }),
        "orig.protocol",
      ],
      [() => c.create({ orig: { ...TCP, protocol: 300 }, timeout: 1 }), "orig.protocol"],
      [() => c.create({ orig: { ...TCP, dst: "2001:db8::1" }, timeout: 1 }), "orig.dst"],
      [() => c.create({ orig: { ...TCP, src: "10.0.0.256" }, timeout: 1 }), "orig.src"],
      [() => c.create({ orig: TCP, reply: { ...UDP6, protocol: "tcp" }, timeout: 1 }), "reply.src"],
      [
        () =>
          c.create({
            orig: TCP,
            reply: { ...TCP, src: TCP.dst, dst: TCP.src, protocol: "udp" },
            timeout: 1,
          }),
        "reply.protocol",
      ],
      [() => c.create({ orig: { ...ICMP, icmpType: 3 }, timeout: 1 }), "orig.icmpType"],
      [() => c.create({ orig: { ...ICMP, sport: 1 }, timeout: 1 }), "orig.sport"],
      [
        () => c.create({ orig: { ...ICMP, src: "2001:db8::1", dst: "2001:db8::2" }, timeout: 1 }),
        "orig.protocol",
      ],
      [() => c.create({ orig: TCP } as never), "timeout"],
      [() => c.create({ orig: TCP, timeout: 1, status: ["sure" as "assured"] }), "status[0]"],
      [() => c.create({ orig: TCP, timeout: 1, tcpState: "OPEN" as "CLOSE" }), "tcpState"],
      [() => c.create({ orig: UDP6, timeout: 1, tcpState: "CLOSE" }), "tcpState"],
      [() => c.create({ orig: TCP, timeout: 1, labels: [128] }), "labels[0]"],
      [() => c.create({ orig: TCP, timeout: 1, colour: 1 } as never), "colour"],
      [() => c.get({}), "orig"],
      [() => c.get({ orig: { ...TCP, sport: -1 } }), "orig.sport"],
      [() => c.update({ orig: TCP }), "timeout"],
      [() => c.update({ orig: TCP, markMask: 1 }), "mark"],
      [() => c.delete({ orig: TCP, id: -1 }), "id"],
      [() => c.list({ family: "inet" as "ipv4" }), "family"],
      [() => c.list({ mark: 2 ** 32 }), "mark"],
      [() => c.list({ status: [] }), "status"],
      [() => c.flush({ zone: 70000 }), "zone"],
    ];
    for (const [call, argument] of bad) {
      await assert.rejects(call(), (e) => {
        assert.ok(e instanceof ArgumentError, String(e));
        assert.equal(e.argument, argument, e.message);
        return true;
      });
    }
    assert.throws(
      () => c.events({ groups: ["old" as "new"] }),
      (e) => e instanceof ArgumentError && e.argument === "groups[0]",
    );
    assert.equal(c.socket.stats.datagrams, before);
    assert.equal(oracle().length, 0);
  });

  it("surfaces the kernel's refusals as NetlinkErrors", async () => {
    await c.create({ orig: TCP, timeout: 100, status: ["assured"] });
    await assert.rejects(
      c.create({ orig: TCP, timeout: 100 }),
      (e) => e instanceof NetlinkError && e.code === "EEXIST" && e.request === "IPCTNL_MSG_CT_NEW",
    );
    await assert.rejects(
      c.update({ orig: { ...TCP, sport: 1 }, timeout: 5 }),
      (e) => e instanceof NetlinkError && e.code === "ENOENT",
    );
    // IPS_ASSURED can be set, never cleared.
    await assert.rejects(
      c.update({ orig: TCP, status: [] }),
      (e) => e instanceof NetlinkError && e.code === "EBUSY",
    );
    await assert.rejects(
      c.delete({ orig: ICMP }),
      (e) => e instanceof NetlinkError && e.code === "ENOENT",
    );
    // Zone 1's table has no such entry.
    await assert.rejects(
      c.get({ orig: TCP, zone: 1 }),
      (e) => e instanceof NetlinkError && e.code === "ENOENT" && e.request === "IPCTNL_MSG_CT_GET",
    );
  });
});
