/**
 * Device events (NETLINK_KOBJECT_UEVENT) as typed UEvents. Live in throwaway
 * namespaces, where net-class uevents are delivered: a veth pair's add and
 * remove events compared with `ip -j link`, the subsystem filter, waitForDevice
 * and its timeout, overruns, and the udev group fed by a userspace sender
 * (python3's AF_NETLINK socket, as udevd would send). Without a kernel: the
 * kernel's text form and libudev's header decoded from hand-built bytes
 * (offsets from systemd's struct monitor_netlink_header), MurmurHash2 against
 * published vectors, every malformed form refused with DecodeError, and a
 * seeded fuzz subset.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { inspect } from "node:util";
import {
  ArgumentError,
  DecodeError,
  openUEvents,
  OverrunError,
  parseUEvent,
  UEvent,
  type UEventItem,
  waitForDevice,
} from "../mod.ts";
import { Engine } from "../core/engine.ts";
import { FakeTransport } from "../core/fake.ts";
import { PROTOCOL } from "../core/protocol.ts";
import { UEVENT_GRP } from "../core/tables/netlink.ts";
import { decodeUEvent } from "../uevent/event.ts";
import {
  encodeLibudev,
  LIBUDEV_HEADER,
  LIBUDEV_MAGIC,
  murmurHash2,
  tagBloom,
} from "../uevent/libudev.ts";
import { captureUEventCorpus, fuzzUEvents } from "../tools/fuzz_lib.ts";
import { createTestNetns, ip, ipJson, isRoot, removeTestNetns } from "./helpers.ts";

const live = { skip: !isRoot && "needs root for namespaces" };
const enc = (s: string) => new TextEncoder().encode(s);

/** A kernel datagram as lib/kobject_uevent.c builds it: `action@devpath\0`, then the variables. */
function kernelDatagram(action: string, devpath: string, vars: Record<string, string>): Uint8Array {
  const env = { ACTION: action, DEVPATH: devpath, ...vars };
  return enc(
    `${action}@${devpath}\0${Object.entries(env).map(([k, v]) => `${k}=${v}\0`).join("")}`,
  );
}

/** Collects items from `stream` until `done` says so or `ms` pass. */
async function collect(
  stream: AsyncIterator<UEventItem>,
  done: (seen: UEventItem[]) => boolean,
  ms = 10_000,
): Promise<UEventItem[]> {
  const seen: UEventItem[] = [];
  const deadline = Date.now() + ms;
  while (!done(seen) && Date.now() < deadline) {
    const r = await Promise.race([
      stream.next(),
      new Promise<"late">((res) => setTimeout(() => res("late"), deadline - Date.now())),
    ]);
    if (r === "late" || r.done) break;
    seen.push(r.value);
  }
  return seen;
}

const events = (items: UEventItem[]) => items.filter((e): e is UEvent => e.kind === "uevent");
const netAdds = (items: UEventItem[], names: string[]) =>
  names.every((n) => events(items).some((e) => e.name === n && e.action === "add"));

describe("uevents (live)", live, () => {
  let ns = "";
  before(() => (ns = createTestNetns()));
  after(() => removeTestNetns(ns));

  it("types the add and remove events of a veth pair, as ip -j link shows it", async () => {
    await using mon = openUEvents({ netns: ns });
    ip(["link", "add", "ue0", "type", "veth", "peer", "name", "ue1"], ns);
    const added = await collect(mon[Symbol.asyncIterator](), (s) => netAdds(s, ["ue0", "ue1"]));
    const links = ipJson(["link", "show"], ns) as { ifname: string; ifindex: number }[];
    for (const name of ["ue0", "ue1"]) {
      const e = events(added).find((x) => x.name === name && x.subsystem === "net");
      assert.ok(e, `no add event for ${name}: ${JSON.stringify(added)}`);
      const link = links.find((l) => l.ifname === name)!;
      assert.equal(e.action, "add");
      assert.equal(e.devpath, `/devices/virtual/net/${name}`);
      assert.equal(e.source, "kernel");
      assert.equal(e.devtype, undefined);
      assert.equal(typeof e.seqnum, "bigint");
      assert.equal(e.env.INTERFACE, name);
      assert.equal(e.env.IFINDEX, String(link.ifindex));
      assert.deepEqual(Object.keys(e.env).sort(), [
        "ACTION",
        "DEVPATH",
        "IFINDEX",
        "INTERFACE",
        "SEQNUM",
        "SUBSYSTEM",
      ]);
      assert.deepEqual(JSON.parse(JSON.stringify(e)), {
        action: "add",
        devpath: `/devices/virtual/net/${name}`,
        subsystem: "net",
        seqnum: Number(e.seqnum),
        source: "kernel",
        env: { ...e.env },
      });
    }
    // The queues of both ends come as their own subsystem, below the device.
    const queues = events(added).filter((e) => e.subsystem === "queues");
    assert.ok(queues.length >= 2, JSON.stringify(added));
    assert.ok(
      queues.every((e) => /^\/devices\/virtual\/net\/ue[01]\/queues\/[rt]x-\d+$/.test(e.devpath)),
    );
    const seqs = events(added).map((e) => e.seqnum);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

    ip(["link", "del", "ue0"], ns);
    const removed = await collect(
      mon[Symbol.asyncIterator](),
      (s) =>
        ["ue0", "ue1"].every((n) => events(s).some((e) => e.name === n && e.action === "remove")),
    );
    for (const name of ["ue0", "ue1"]) {
      const e = events(removed).find((x) => x.name === name && x.subsystem === "net")!;
      assert.ok(e, `no remove event for ${name}`);
      assert.equal(e.action, "remove");
      assert.equal(e.env.INTERFACE, name);
      assert.equal(e.env.IFINDEX, String(links.find((l) => l.ifname === name)!.ifindex));
    }
    assert.equal(mon.socket.stats.malformed, 0);
  });

  it("keeps only the subsystems asked for (the queues' events are left out)", async () => {
    await using all = openUEvents({ netns: ns });
    await using net = openUEvents({ netns: ns, subsystem: "net" });
    const removes = net.events({ action: "remove", name: "sf0" });
    ip(["link", "add", "sf0", "type", "veth", "peer", "name", "sf1"], ns);
    const everything = await collect(
      all[Symbol.asyncIterator](),
      (s) => netAdds(s, ["sf0", "sf1"]),
    );
    assert.ok(events(everything).some((e) => e.subsystem === "queues"));
    const filtered = await collect(net[Symbol.asyncIterator](), (s) => netAdds(s, ["sf0", "sf1"]));
    assert.ok(netAdds(filtered, ["sf0", "sf1"]));
    assert.deepEqual(new Set(events(filtered).map((e) => e.subsystem)), new Set(["net"]));
    ip(["link", "del", "sf0"], ns);
    const [gone] = events(await collect(removes, (s) => s.length > 0));
    assert.equal(gone?.devpath, "/devices/virtual/net/sf0");
    assert.equal(gone?.action, "remove");
  });

  it("waitForDevice resolves when the interface appears, and rejects on timeout", async () => {
    const appeared = waitForDevice({ netns: ns, subsystem: "net", name: "wd7", timeout: 10_000 });
    ip(["link", "add", "wd7", "type", "veth", "peer", "name", "wd8"], ns);
    const e = await appeared;
    assert.equal(e.action, "add");
    assert.equal(e.env.INTERFACE, "wd7");
    assert.equal(e.env.IFINDEX, String(ipJson(["link", "show", "wd7"], ns)[0].ifindex));

    // On an open monitor, for the removal.
    await using mon = openUEvents({ netns: ns, subsystem: "net" });
    const removed = waitForDevice({ monitor: mon, name: "wd8", action: "remove", timeout: 10_000 });
    ip(["link", "del", "wd7"], ns);
    assert.equal((await removed).devpath, "/devices/virtual/net/wd8");
    assert.equal(mon.closed, false); // a monitor passed in stays open

    const t0 = Date.now();
    await assert.rejects(
      waitForDevice({ netns: ns, subsystem: "net", name: "never0", timeout: 300 }),
      (err: Error) => {
        assert.equal(
          err.message,
          "Cannot wait for a uevent (add subsystem net device never0): none arrived within 300 ms",
        );
        return true;
      },
    );
    assert.ok(Date.now() - t0 >= 250);
    const ac = new AbortController();
    const aborted = waitForDevice({
      netns: ns,
      name: "never1",
      timeout: 10_000,
      signal: ac.signal,
    });
    ac.abort();
    await assert.rejects(aborted, /the wait was aborted/);
  });

  it("reports an overrun when the kernel's buffer overflows, and keeps delivering", async () => {
    await using mon = openUEvents({ netns: ns, rcvbuf: 1024 });
    // Nobody reads while the links come and go: the socket's buffer must overflow.
    for (let i = 0; i < 8; i++) {
      ip(["link", "add", `ov${i}`, "type", "veth", "peer", "name", `ow${i}`], ns);
    }
    const lost = mon.next({ timeout: 5000 });
    await assert.rejects(
      lost,
      (e: OverrunError) => e instanceof OverrunError && e.source === "kernel",
    );
    // The buffer is drained now: a rename (one "move" event) comes through.
    const moved = waitForDevice({ monitor: mon, name: "ovr0", action: "move", timeout: 10_000 });
    ip(["link", "set", "ov0", "name", "ovr0"], ns);
    const e = await moved;
    assert.equal(e.devpath, "/devices/virtual/net/ovr0");
    assert.equal(e.env.DEVPATH_OLD, "/devices/virtual/net/ov0");
    // The monitor's own stream, queued since open, holds the notice among the events.
    const stream = await collect(
      mon[Symbol.asyncIterator](),
      (s) => s.some((e) => e.kind === "overrun"),
    );
    const notice = stream.find((e) => e.kind === "overrun");
    assert.deepEqual(notice, { event: "overrun", kind: "overrun", source: "kernel", lost: 0 });
    assert.ok(mon.socket.stats.overruns > 0);
    mon.close();
    ip(["link", "del", "ovr0"], ns);
    for (let i = 1; i < 8; i++) ip(["link", "del", `ov${i}`], ns);
  });

  it("hears the udev group from a userspace sender, and refuses kernel events it forges", async (t) => {
    const py = spawnSync("ip", ["netns", "exec", ns, "python3", "-c", "import socket"]);
    if (py.status !== 0) return t.skip("python3 (the test's udevd stand-in) is not available");
    await using mon = openUEvents({ netns: ns, groups: ["kernel", "udev"] });
    assert.deepEqual([...mon.socket.groups].sort(), [UEVENT_GRP.KERNEL, UEVENT_GRP.UDEV]);
    const env = {
      ACTION: "add",
      DEVPATH: "/devices/virtual/net/py0",
      SUBSYSTEM: "net",
      INTERFACE: "py0",
      IFINDEX: "42",
      SEQNUM: "777",
      USEC_INITIALIZED: "123456",
      TAGS: ":systemd:",
    };
    // Three datagrams from one userspace socket: libudev's form to group 2 (heard),
    // the kernel's form to group 2 (a forgery: refused by the decoder) and to group 1
    // (only the kernel may send there: dropped by the socket).
    const send = (groups: number, bytes: Uint8Array) =>
      `s.sendto(bytes.fromhex("${Buffer.from(bytes).toString("hex")}"), (0, ${groups}))`;
    const script = [
      "import socket",
      "s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 15)",
      "s.bind((0, 0))",
      send(2, kernelDatagram("add", "/devices/virtual/net/fk0", { SUBSYSTEM: "net", SEQNUM: "1" })),
      send(1, kernelDatagram("add", "/devices/virtual/net/fk1", { SUBSYSTEM: "net", SEQNUM: "2" })),
      send(2, encodeLibudev(env)),
    ].join("\n");
    const r = spawnSync("ip", ["netns", "exec", ns, "python3", "-c", script], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const [e] = events(await collect(mon[Symbol.asyncIterator](), (s) => s.length > 0));
    assert.ok(e);
    assert.equal(e.source, "udev");
    assert.equal(e.name, "py0");
    assert.equal(e.seqnum, 777n);
    assert.deepEqual(e.env, env);
    assert.equal(mon.socket.stats.malformed, 1); // the forged kernel event on group 2
    assert.equal(mon.socket.stats.spoofed, 1); // the one sent to the kernel's group
  });

  it("gives the fuzzer a corpus of real uevents, and only DecodeError comes out", async () => {
    const corpus = await captureUEventCorpus(ns);
    assert.ok(corpus.length >= 10, `corpus of ${corpus.length}`);
    const s = fuzzUEvents(corpus, 5000, 4321);
    assert.deepEqual(s.findings, []);
    assert.ok(s.ok > 0 && s.decodeErrors > 0, `${s.ok} ok, ${s.decodeErrors} errors`);
  });
});

describe("uevents: arguments", () => {
  it("are checked before a socket is opened", async () => {
    const bad: [() => unknown, string][] = [
      [() => openUEvents({ groups: ["kernl" as "kernel"] }), "groups[0]"],
      [() => openUEvents({ groups: [] }), "groups"],
      [() => openUEvents({ subsystem: "" }), "subsystem"],
      [() => openUEvents({ subsystem: ["net", 5 as unknown as string] }), "subsystem[1]"],
      [() => openUEvents({ queue: 0 }), "queue"],
      [() => openUEvents(null as never), "options"],
    ];
    for (const [f, argument] of bad) {
      assert.throws(f, (e: ArgumentError) => e instanceof ArgumentError && e.argument === argument);
    }
    for (
      const [opts, argument] of [
        [{ name: "x0" }, "timeout"],
        [{ name: "x0", timeout: -1 }, "timeout"],
        [{ timeout: 10 }, "name"],
        [{ name: "a/b", timeout: 10 }, "name"],
        [{ name: "x0", timeout: 10, action: "create" }, "action"],
        [{ name: "x0", timeout: 10, monitor: {} }, "monitor"],
      ] as const
    ) {
      await assert.rejects(
        waitForDevice(opts as unknown as Parameters<typeof waitForDevice>[0]),
        (e: ArgumentError) => e instanceof ArgumentError && e.argument === argument,
      );
    }
  });
});

describe("uevents: the kernel's form (bytes)", () => {
  const datagram = kernelDatagram("change", "/devices/virtual/net/k0", {
    SUBSYSTEM: "net",
    DEVTYPE: "bridge",
    INTERFACE: "k0",
    IFINDEX: "9",
    SEQNUM: "18446744073709551615",
    ["__proto__"]: "kept as a key",
    EMPTY: "",
  });

  it("decodes every variable into a plain env and the typed fields", () => {
    const e = parseUEvent(datagram);
    assert.ok(e instanceof UEvent);
    assert.deepEqual(
      [e.kind, e.action, e.devpath, e.subsystem, e.devtype, e.name, e.source, e.seqnum],
      [
        "uevent",
        "change",
        "/devices/virtual/net/k0",
        "net",
        "bridge",
        "k0",
        "kernel",
        2n ** 64n - 1n,
      ],
    );
    assert.equal(Object.getPrototypeOf(e.env), Object.prototype);
    assert.equal(Object.hasOwn(e.env, "__proto__"), true);
    assert.equal(e.env["__proto__" as "x"], "kept as a key");
    assert.equal(e.env.EMPTY, "");
    const json = JSON.parse(JSON.stringify(e));
    assert.equal(json.seqnum, "18446744073709551615"); // beyond 2^53: a string
    assert.equal(json.devtype, "bridge");
    assert.equal(Object.keys(json.env).length, 9);
  });

  it("inspects as its fields, not its internals", () => {
    const shown = inspect(parseUEvent(datagram), { depth: 4 });
    assert.match(shown, /action: 'change'/);
    assert.match(shown, /INTERFACE: 'k0'/);
    assert.ok(shown.length < 600, shown);
    assert.doesNotMatch(shown, /Uint8Array|buffer/i);
  });

  it("refuses malformed datagrams with DecodeError", () => {
    const cases: [Uint8Array, RegExp, number?][] = [
      [enc(""), /no NUL after the action@devpath header/],
      [enc("add@/devices/x"), /no NUL/],
      [enc("add/devices/x\0ACTION=add\0"), /is not action@devpath/],
      [kernelDatagram("create", "/d", { SUBSYSTEM: "x", SEQNUM: "1" }), /unknown ACTION "create"/],
      [kernelDatagram("add", "d", { SUBSYSTEM: "x", SEQNUM: "1" }), /DEVPATH "d" is not absolute/],
      [kernelDatagram("add", "/d", { SUBSYSTEM: "x" }), /no SEQNUM/],
      [kernelDatagram("add", "/d", { SEQNUM: "1" }), /no SUBSYSTEM/],
      [kernelDatagram("add", "/d", { SUBSYSTEM: "x", SEQNUM: "-1" }), /SEQNUM "-1" is not/],
      [kernelDatagram("add", "/d", { SUBSYSTEM: "x", SEQNUM: "18446744073709551616" }), /64-bit/],
      [enc("add@/d\0ACTION=add\0DEVPATH=/d\0NOEQUALS\0"), /"NOEQUALS" is not KEY=VALUE/],
      [enc("add@/d\0ACTION=add\0DEVPATH=/d\0=x\0"), /"=x" is not KEY=VALUE/],
      [enc("add@/d\0ACTION=add\0DEVPATH=/d\0SUBSYSTEM=x\0SEQNUM=1"), /without its terminating NUL/],
      [
        enc("add@/e\0ACTION=add\0DEVPATH=/d\0SUBSYSTEM=x\0SEQNUM=1\0"),
        /header "add@\/e" disagrees with ACTION=add DEVPATH=\/d/,
      ],
      [kernelDatagram("add", "/d", { SUBSYSTEM: "x", SEQNUM: "1" }), /userspace port 77/, 77],
    ];
    for (const [bytes, message, sender] of cases) {
      assert.throws(
        () => parseUEvent(bytes, sender),
        (e: Error) => e instanceof DecodeError && message.test(e.message),
        `${JSON.stringify(new TextDecoder().decode(bytes))} → ${message}`,
      );
    }
  });

  it("is the socket's decoder: events typed, a malformed datagram dropped and counted", () => {
    const fake = new FakeTransport();
    const engine = new Engine(fake, PROTOCOL.KOBJECT_UEVENT, 99, decodeUEvent);
    const sub = engine.subscribe<UEvent>({});
    fake.deliver(datagram, { groups: 1 });
    fake.deliver(enc("garbage"), { groups: 1 });
    fake.deliver(encodeLibudev({ ...parseUEvent(datagram).env }), { groups: 2, port: 1234 });
    engine.drain();
    const a = sub.poll() as UEvent;
    const b = sub.poll() as UEvent;
    assert.deepEqual([a.source, b.source], ["kernel", "udev"]);
    assert.deepEqual(b.env, a.env);
    assert.equal(sub.poll(), undefined);
    assert.equal(engine.stats.malformed, 1);
    engine.close();
  });
});

describe("uevents: libudev's form (bytes)", () => {
  it("hashes with MurmurHash2 as published vectors say", () => {
    assert.equal(murmurHash2("", 0), 0);
    assert.equal(murmurHash2("hello", 42), 2013460684);
    assert.equal(murmurHash2("hello", 1), 2788266382);
    assert.equal(murmurHash2("", 0x9747b28c), 0x106e08d9);
    assert.equal(murmurHash2("a", 0x9747b28c), 0xa2d0b27c);
    assert.equal(murmurHash2("hello", 0x9747b28c), 0x7f1ddbbd);
    assert.equal(murmurHash2(enc("hello\0world"), 0x9747b28c), 0xd8e4f032);
    // string_bloom64: four bits from 6-bit slices of the hash.
    const h = murmurHash2("systemd");
    const want = [0, 6, 12, 18].reduce((b, s) => b | (1n << BigInt((h >>> s) & 63)), 0n);
    assert.equal(tagBloom("systemd"), want);
  });

  /** A datagram written member by member at struct monitor_netlink_header's offsets. */
  function handBuilt(
    props: string,
    opts: { magic?: number; off?: number; len?: number; size?: number } = {},
  ) {
    const body = enc(props);
    const off = opts.off ?? 40;
    const out = new Uint8Array(Math.max(off, 40) + body.length);
    const dv = new DataView(out.buffer);
    out.set(enc("libudev\0"), 0); // char prefix[8]
    dv.setUint32(8, opts.magic ?? 0xfeedcafe, false); // unsigned magic, network order
    dv.setUint32(12, opts.size ?? 40, true); // unsigned header_size, host order
    dv.setUint32(16, off, true); // unsigned properties_off
    dv.setUint32(20, opts.len ?? body.length, true); // unsigned properties_len
    dv.setUint32(24, murmurHash2("block"), false); // filter_subsystem_hash, network order
    dv.setUint32(28, murmurHash2("disk"), false); // filter_devtype_hash
    out.set(body, off);
    return out;
  }
  const props = "ACTION=add\0DEVPATH=/devices/virtual/block/loop9\0SUBSYSTEM=block\0" +
    "DEVNAME=/dev/loop9\0DEVTYPE=disk\0SEQNUM=5150\0MAJOR=7\0MINOR=9\0";

  it("lays the header out as systemd's struct monitor_netlink_header", () => {
    assert.equal(LIBUDEV_HEADER.size, 40);
    assert.deepEqual(Object.values(LIBUDEV_HEADER.at), [0, 8, 12, 16, 20, 24, 28, 32, 36]);
    assert.equal(LIBUDEV_MAGIC, 0xfeedcafe);
    const ours = encodeLibudev({
      ACTION: "add",
      DEVPATH: "/devices/virtual/block/loop9",
      SUBSYSTEM: "block",
      DEVNAME: "/dev/loop9",
      DEVTYPE: "disk",
      SEQNUM: "5150",
      MAJOR: "7",
      MINOR: "9",
    });
    assert.deepEqual(ours, handBuilt(props)); // no TAGS: bloom words zero
    assert.deepEqual([...ours.subarray(8, 12)], [0xfe, 0xed, 0xca, 0xfe]);
    assert.deepEqual([...ours.subarray(12, 16)], [40, 0, 0, 0]);
  });

  it("decodes hand-built bytes, with the properties where the header says", () => {
    const e = parseUEvent(handBuilt(props), 555);
    assert.deepEqual(
      [e.source, e.action, e.devpath, e.subsystem, e.devtype, e.seqnum, e.name, e.env.DEVNAME],
      [
        "udev",
        "add",
        "/devices/virtual/block/loop9",
        "block",
        "disk",
        5150n,
        "loop9",
        "/dev/loop9",
      ],
    );
    // A longer header (a newer sender): the properties start where properties_off says.
    const wider = handBuilt(props, { off: 48, size: 48 });
    assert.equal(parseUEvent(wider).seqnum, 5150n);
    const tagged = encodeLibudev({
      ...parseUEvent(handBuilt(props)).env,
      TAGS: ":systemd:uaccess:",
    });
    const dv = new DataView(tagged.buffer);
    const bloom = (BigInt(dv.getUint32(32, false)) << 32n) | BigInt(dv.getUint32(36, false));
    assert.equal(bloom, tagBloom("systemd") | tagBloom("uaccess"));
  });

  it("refuses a bad header with DecodeError", () => {
    const cases: [Uint8Array, RegExp][] = [
      [handBuilt(props).subarray(0, 39), /shorter than the 40-byte header/],
      [handBuilt(props, { magic: 0xcafefeed }), /magic 0xcafefeed, not 0xfeedcafe/],
      [handBuilt(props, { size: 39 }), /header size 39/],
      [handBuilt(props, { size: 4096 }), /header size 4096/],
      [handBuilt(props, { off: 40, len: 4096 }), /outside the \d+-byte datagram/],
      [handBuilt(props, { off: 40, size: 44 }), /properties at 40/],
      [handBuilt("ACTION=add\0SEQNUM=1\0SUBSYSTEM=x\0"), /no DEVPATH/],
      [handBuilt(props.slice(0, -1)), /without its terminating NUL/],
    ];
    for (const [bytes, message] of cases) {
      assert.throws(
        () => parseUEvent(bytes, 1),
        (e: Error) => e instanceof DecodeError && message.test(e.message),
        String(message),
      );
    }
  });

  it("survives a seeded fuzz run over built datagrams without a kernel", () => {
    const corpus = [
      kernelDatagram("add", "/devices/virtual/net/f0", {
        SUBSYSTEM: "net",
        IFINDEX: "2",
        SEQNUM: "9",
      }),
      handBuilt(props),
      encodeLibudev({ ACTION: "bind", DEVPATH: "/d/x", SUBSYSTEM: "s", SEQNUM: "1", TAGS: ":t:" }),
    ];
    const s = fuzzUEvents(corpus, 3000, 77);
    assert.deepEqual(s.findings, []);
    assert.ok(s.ok > 0 && s.decodeErrors > 0, `${s.ok} ok, ${s.decodeErrors} errors`);
    const again = fuzzUEvents(corpus, 500, 5);
    assert.deepEqual([again.ok, again.decodeErrors], [
      fuzzUEvents(corpus, 500, 5).ok,
      fuzzUEvents(corpus, 500, 5).decodeErrors,
    ]);
  });
});
