/**
 * tun/tap devices: created by nlroute through /dev/net/tun and read with `ip
 * tuntap show` / `ip -d -j link`, created by ip and read by nlroute, queues
 * opened for reading and writing packets, in throwaway namespaces (thread and
 * process mode); the ioctl numbers against the uapi encoding, and bad input
 * refused before anything happens.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError, CommitError, IPDB, IPRoute, NetlinkError, SyscallError } from "../mod.ts";
import { IFF_TUN_FLAG, LINUX_IF, SIOC, TUN_IOCTL, TUN_STRUCTS } from "../core/tables/tun.ts";
import { tunFlags } from "../iproute/tuntap/device.ts";
import { ip, ipJson, nsExec, withTestNetns } from "./helpers.ts";
import { live, withIPRoute } from "./iproute_util.ts";
import { lines, ok } from "./cli_util.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

/** ip's `tuntap show -j` entry of a device, or undefined. */
function ipTuntap(ns: string, name: string): Json {
  return (ipJson(["tuntap", "show"], ns) as Json[]).find((d) => d.ifname === name);
}

/** The linkinfo data `ip -d -j link` shows for a device. */
function ipTunData(ns: string, name: string): Json {
  return ipJson(["-d", "link", "show", "dev", name], ns)[0].linkinfo.info_data;
}

/** How many links a namespace has. */
function linkCount(ns: string): number {
  return (ipJson(["link", "show"], ns) as Json[]).length;
}

/** One's complement sum of 16-bit words (the IPv4 header checksum). */
function checksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += (b[i]! << 8) | (b[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** An IPv4 UDP packet from `src` to `dst` carrying `payload`. */
function udpPacket(src: number[], dst: number[], port: number, payload: string): Uint8Array {
  const data = new TextEncoder().encode(payload);
  const p = new Uint8Array(20 + 8 + data.length);
  const v = new DataView(p.buffer);
  p[0] = 0x45;
  v.setUint16(2, p.length);
  p[8] = 64;
  p[9] = 17;
  p.set(src, 12);
  p.set(dst, 16);
  v.setUint16(10, checksum(p.subarray(0, 20)));
  v.setUint16(20, 40000);
  v.setUint16(22, port);
  v.setUint16(24, 8 + data.length);
  p.set(data, 28);
  return p;
}

describe("tun/tap ioctls and flags (bytes)", () => {
  it("encodes the ioctl numbers as asm-generic/ioctl.h does", () => {
    // _IOW('T', 202, int) = 1 << 30 | 4 << 16 | 'T' << 8 | 202, and so on.
    assert.equal(TUN_IOCTL.SETIFF, 0x400454ca);
    assert.equal(TUN_IOCTL.SETPERSIST, 0x400454cb);
    assert.equal(TUN_IOCTL.SETOWNER, 0x400454cc);
    assert.equal(TUN_IOCTL.SETGROUP, 0x400454ce);
    assert.equal(TUN_IOCTL.GETIFF, 0x800454d2);
    assert.equal(TUN_IOCTL.ATTACHFILTER, 0x401054d5); // struct sock_fprog: 16 bytes
    assert.equal(TUN_IOCTL.GETDEVNETNS, 0x54e3); // _IO: no direction, no size
    assert.equal(SIOC.GSKNS, 0x894c);
    assert.equal(LINUX_IF.IFNAMSIZ, 16);
    assert.deepEqual(
      { size: TUN_STRUCTS.ifreqFlags.size, ...TUN_STRUCTS.ifreqFlags.at },
      { size: 40, name: 0, flags: 16 },
    );
  });

  it("maps the options to ifr_flags as ip tuntap does (no pi by default)", () => {
    assert.equal(tunFlags({ mode: "tun" }), IFF_TUN_FLAG.TUN | IFF_TUN_FLAG.NO_PI);
    assert.equal(tunFlags({ mode: "tap", pi: true }), IFF_TUN_FLAG.TAP);
    assert.equal(
      tunFlags({ mode: "tap", vnetHdr: true, multiQueue: true, oneQueue: true }),
      0x0002 | 0x1000 | 0x4000 | 0x0100 | 0x2000,
    );
  });
});

describe("tun/tap devices (live)", live, () => {
  it("creates persistent devices that ip shows as it shows its own", async () => {
    await withIPRoute(async (ipr, ns) => {
      const ack = await ipr.link("add", {
        kind: "tuntap",
        mode: "tap",
        ifname: "tap0",
        uid: 1000,
        gid: 100,
        vnetHdr: true,
        multiQueue: true,
      });
      assert.deepEqual(ack, { warning: undefined, ifname: "tap0" });
      await ipr.link("add", { kind: "tuntap", mode: "tun", ifname: "tun0", pi: true });
      assert.deepEqual(ipTuntap(ns, "tap0"), {
        ifname: "tap0",
        flags: ["tap", "multi_queue", "vnet_hdr", "persist"],
        user: 1000,
        group: 100,
      });
      assert.deepEqual(ipTuntap(ns, "tun0"), {
        ifname: "tun0",
        flags: ["tun", "pi", "persist", "filter"],
      });
      const d = ipTunData(ns, "tun0");
      assert.deepEqual([d.type, d.pi, d.vnet_hdr, d.multi_queue, d.persist], [
        "tun",
        true,
        false,
        false,
        true,
      ]);
      // No name: the kernel picks one and the ack says which.
      const chosen = await ipr.link("add", { kind: "tuntap", mode: "tun" });
      assert.match(chosen.ifname, /^tun\d+$/);
      assert.ok(ipTuntap(ns, chosen.ifname));
      const tpl = await ipr.link("add", { kind: "tuntap", mode: "tap", ifname: "lab%d" });
      assert.equal(tpl.ifname, "lab0");
      // Deleted over rtnetlink, the tuntap fields ignored as ip ignores them.
      await ipr.link("del", { kind: "tuntap", mode: "tap", ifname: "tap0" });
      await ipr.link("del", { ifname: "tun0" });
      assert.equal(ipTuntap(ns, "tap0"), undefined);
      assert.equal(ipTuntap(ns, "tun0"), undefined);
    });
  });

  it("reads devices ip created as kind tun with their data", async () => {
    await withIPRoute(async (ipr, ns) => {
      ip(["tuntap", "add", "mode", "tap", "name", "t1", "user", "4242", "vnet_hdr"], ns);
      ip(["tuntap", "add", "mode", "tun", "name", "t2", "pi", "multi_queue", "group", "7"], ns);
      const t1 = await ipr.link("get", { ifname: "t1" });
      const t2 = await ipr.link("get", { ifname: "t2" });
      assert.equal(t1.kind, "tun");
      assert.deepEqual(t1.data, {
        type: 2,
        owner: 4242,
        pi: 0,
        vnetHdr: 1,
        persist: 1,
        multiQueue: 0,
      });
      assert.deepEqual(
        [t2.data!.type, t2.data!.group, t2.data!.pi, t2.data!.multiQueue, t2.data!.owner],
        [1, 7, 1, 1, undefined],
      );
      const tuns = await ipr.getLinks({ kind: "tun" });
      assert.deepEqual(tuns.map((l) => l.ifname).sort(), ["t1", "t2"]);
      // Adding an existing name is refused (EBUSY), as ip refuses it.
      await assert.rejects(
        ipr.link("add", { kind: "tuntap", mode: "tap", ifname: "t1" }),
        (e: unknown) =>
          e instanceof SyscallError && e.code === "EBUSY" && /t1 exists/.test(e.message),
      );
      assert.equal(ipTuntap(ns, "t1").user, 4242);
    });
  });

  it("applies link settings after creating, and removes the device when they fail", async () => {
    await withIPRoute(async (ipr, ns) => {
      ip(["link", "add", "br0", "type", "bridge"], ns);
      await ipr.link("add", {
        kind: "tuntap",
        mode: "tap",
        ifname: "tap5",
        mtu: 1400,
        address: "02:00:00:00:00:05",
        master: "br0",
        state: "up",
      });
      const j = ipJson(["link", "show", "dev", "tap5"], ns)[0];
      assert.deepEqual([j.mtu, j.address, j.master], [1400, "02:00:00:00:00:05", "br0"]);
      assert.ok(j.flags.includes("UP"));
      const before = linkCount(ns);
      await assert.rejects(
        ipr.link("add", { kind: "tuntap", mode: "tun", ifname: "tun9", mtu: 10_000_000 }),
        (e: unknown) => e instanceof NetlinkError && e.code === "EINVAL",
      );
      assert.equal(linkCount(ns), before, "the half-made device was removed");
    });
  });

  it("refuses bad input before anything is created", async () => {
    await withIPRoute(async (ipr, ns) => {
      const before = linkCount(ns);
      const bad: [Record<string, unknown>, string][] = [
        [{ mode: "tup" }, "mode"],
        [{ mode: "tap", uid: -1 }, "uid"],
        [{ mode: "tap", gid: 1.5 }, "gid"],
        [{ mode: "tap", pi: "yes" }, "pi"],
        [{ mode: "tap", ifname: "a-name-far-too-long" }, "ifname"],
        [{ mode: "tap", ifname: "a/b" }, "ifname"],
        [{ mode: "tap", queues: 2 }, "queues"],
        [{ mode: "tap", ifname: "t3", mtu: "big" }, "mtu"],
      ];
      for (const [spec, arg] of bad) {
        await assert.rejects(
          ipr.link("add", { kind: "tuntap", ...spec } as never),
          (e: unknown) => e instanceof ArgumentError && e.argument === arg,
          JSON.stringify(spec),
        );
      }
      await assert.rejects(
        ipr.link("add", { kind: "tuntap", mode: "tap", ifname: "t3", master: "nothere" }),
        /Cannot resolve interface "master"/,
      );
      await assert.rejects(
        ipr.link("set", { kind: "tuntap", ifname: "t3" } as never),
        (e: unknown) => e instanceof ArgumentError && e.argument === "kind",
      );
      assert.throws(
        () => ipr.batch().link("add", { kind: "tuntap", ifname: "t3" } as never),
        (e: unknown) => e instanceof ArgumentError && e.argument === "kind",
      );
      assert.throws(
        () => ipr.openTunTap({ mode: "tap", bufferSize: 1 }),
        (e: unknown) => e instanceof ArgumentError && e.argument === "bufferSize",
      );
      assert.equal(linkCount(ns), before);
    });
  });

  it("opens a queue: packets routed into the device are read, packets written arrive", async () => {
    await withIPRoute(async (ipr, ns) => {
      const q = ipr.openTunTap({ ifname: "tq0", mode: "tun" });
      try {
        assert.deepEqual(JSON.parse(JSON.stringify(q)), {
          ifname: "tq0",
          mode: "tun",
          fd: q.fd,
          closed: false,
        });
        const link = await ipr.link("get", { ifname: "tq0" });
        assert.equal(link.data!.persist, 0);
        await ipr.addr("add", { index: link.index, address: "10.77.0.1", prefixlen: 24 });
        await ipr.link("set", { index: link.index, state: "up" });
        nsExec(ns, ["bash", "-c", "echo hello > /dev/udp/10.77.0.2/9999"]);
        let packet: Uint8Array;
        do packet = await q.read(); while (packet[0]! >> 4 !== 4); // skip IPv6 chatter
        assert.deepEqual([...packet.subarray(12, 20)], [10, 77, 0, 1, 10, 77, 0, 2]);
        assert.equal(packet[9], 17);
        assert.equal(new DataView(packet.buffer).getUint16(22), 9999);
        assert.equal(new TextDecoder().decode(packet.subarray(28)), "hello\n");
        const rx = () => ipJson(["-s", "link", "show", "dev", "tq0"], ns)[0].stats64.rx.packets;
        const before = rx();
        const out = udpPacket([10, 77, 0, 2], [10, 77, 0, 1], 7777, "from the queue");
        assert.equal(q.write(out), out.length);
        assert.equal(rx(), before + 1);
        // A pending read ends when the queue closes (a device that is down: nothing arrives).
        const quiet = ipr.openTunTap({ ifname: "tq1", mode: "tun" });
        const pending = quiet.read();
        quiet.close();
        await assert.rejects(pending, /the queue is closed/);
      } finally {
        q.close();
      }
      // A device without persist goes with its last queue.
      assert.equal(linkCount(ns), 1);
    });
  });

  it("opens several queues of a multi-queue device and attaches to a persistent one", async () => {
    await withIPRoute(async (ipr, ns) => {
      await ipr.link("add", { kind: "tuntap", mode: "tap", ifname: "mq0", multiQueue: true });
      {
        using a = ipr.openTunTap({ ifname: "mq0", mode: "tap", multiQueue: true });
        using b = ipr.openTunTap({ ifname: "mq0", mode: "tap", multiQueue: true });
        assert.notEqual(a.fd, b.fd);
        assert.equal(ipTunData(ns, "mq0").numqueues, 2);
        // Flags that do not match the device are refused by the kernel.
        assert.throws(() => ipr.openTunTap({ ifname: "mq0", mode: "tun" }), SyscallError);
      }
      assert.equal(ipTunData(ns, "mq0").numqueues, 0);
      assert.ok(ipTuntap(ns, "mq0"), "persistent: still there");
    });
  });

  it("creates the device in the namespace of a process-mode socket", async () => {
    await withTestNetns(async (ns) => {
      await using ipr = await IPRoute.open({ netns: ns, mode: "process" });
      await ipr.link("add", { kind: "tuntap", mode: "tun", ifname: "ptun" });
      assert.ok(ipTuntap(ns, "ptun"));
      assert.throws(() => ip(["link", "show", "dev", "ptun"]), "not in the host's namespace");
    });
  });
});

describe("nlroute tuntap (live)", live, () => {
  it("prints what ip tuntap show prints, for devices made either way", async () => {
    await withTestNetns((ns) => {
      ok(ns, [
        "tuntap",
        "add",
        "mode",
        "tap",
        "name",
        "tap0",
        "user",
        "1000",
        "group",
        "100",
        "vnet_hdr",
      ]);
      ok(ns, ["tuntap", "add", "mode", "tun", "tun0", "pi", "multi_queue"]);
      ip(["tuntap", "add", "mode", "tun", "name", "tun1", "user", "root"], ns);
      ip(["tuntap", "add", "mode", "tap", "name", "tap1", "one_queue"], ns);
      // one_queue is not reported over rtnetlink (ignored since Linux 3.8): drop it from ip's line.
      const theirs = lines(ip(["tuntap", "show"], ns)).map((l) => l.replace(" one_queue", ""));
      assert.deepEqual(lines(ok(ns, ["tuntap", "show"])), theirs);
      const theirJson = (ipJson(["tuntap", "show"], ns) as Json[]).map((d) => ({
        ...d,
        flags: d.flags.filter((f: string) => f !== "one_queue"),
      }));
      assert.deepEqual(JSON.parse(ok(ns, ["-j", "tuntap", "list"])), theirJson);
      assert.deepEqual(
        lines(ok(ns, ["tap", "show", "mode", "tap"])),
        theirs.filter((l) => / tap /.test(l)),
      );
      ok(ns, ["tuntap", "del", "mode", "tap", "name", "tap0"]);
      ok(ns, ["tuntap", "del", "tun0"]);
      assert.deepEqual(
        (ipJson(["tuntap", "show"], ns) as Json[]).map((d) => d.ifname).sort(),
        ["tap1", "tun1"],
      );
    });
  });
});

describe("IPDB tun/tap interfaces (live)", live, () => {
  it("creates a tun/tap device in a commit, with its settings, ports and addresses", async () => {
    await withTestNetns(async (ns) => {
      await using ipdb = await IPDB.open({ netns: ns });
      await ipdb.create("bridge", "br0", {}).commit();
      await ipdb.create("tuntap", "tap0", { mode: "tap", uid: 1000, vnetHdr: true, mtu: 1400 })
        .addIp("10.3.0.1/24").up().commit();
      const tap = ipdb.interfaces.tap0!;
      assert.equal(tap.kind, "tun");
      assert.equal(tap.mtu, 1400);
      assert.deepEqual(ipTuntap(ns, "tap0"), {
        ifname: "tap0",
        flags: ["tap", "vnet_hdr", "persist"],
        user: 1000,
      });
      const j = ipJson(["addr", "show", "dev", "tap0"], ns)[0];
      assert.ok(j.flags.includes("UP"));
      assert.ok(j.addr_info.some((a: Json) => a.local === "10.3.0.1"));
      await tap.remove().commit();
      assert.equal(ipTuntap(ns, "tap0"), undefined);
    });
  });

  it("refuses a bad spec at once and removes the device when a later step fails", async () => {
    await withTestNetns(async (ns) => {
      await using ipdb = await IPDB.open({ netns: ns });
      assert.throws(
        () => ipdb.create("tuntap", "tap1", { mode: "tab" } as never),
        (e: unknown) => e instanceof ArgumentError && e.argument === "mode",
      );
      // A route through a gateway nobody reaches fails after the device exists: all undone.
      const i = ipdb.create("tuntap", "tap2", { mode: "tap" });
      ipdb.routes.add({ dst: "10.200.0.0/16", gateway: "192.0.2.1" });
      await assert.rejects(
        ipdb.commit(),
        (e: unknown) =>
          e instanceof CommitError && e.step.startsWith("route add") &&
          e.rollbackErrors.length === 0,
      );
      assert.equal(ipTuntap(ns, "tap2"), undefined);
      assert.equal(i.ipdbScope, "pending");
    });
  });
});
