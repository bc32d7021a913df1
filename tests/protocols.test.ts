/**
 * The socket on other netlink protocols, live in throwaway namespaces, each
 * checked against a tool that speaks it: generic netlink (`genl`), socket
 * diagnostics (`ss`), netfilter (a fresh conntrack table is empty) and
 * kobject uevents (a veth's `add` event). Requests are written with
 * writeStruct from the generated layouts; results are LazyMessage subclasses.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import {
  decoderOf,
  LazyMessage,
  type MessageShape,
  messageShape,
  NetlinkError,
  NetlinkSocket,
  PROTOCOL,
  protocolOf,
  writeStruct,
} from "../mod.ts";
import { Registry } from "../core/schema.ts";
import { formatIP } from "../core/address.ts";
import { CTRL_ATTR, CTRL_CMD, GENL } from "../core/tables/genetlink.ts";
import { INET_DIAG, SOCK_DIAG_MSG, SOCK_DIAG_STRUCTS } from "../core/tables/sock_diag.ts";
import { NFNL_SUBSYS } from "../core/tables/nfnetlink.ts";
import { createTestNetns, ip, isRoot, nsExec, removeTestNetns } from "./helpers.ts";

const live = { skip: !isRoot && "needs root for namespaces" };
const AF_INET = 2;
const IPPROTO_TCP = 6;
const TCP_LISTEN = 10;
/** IPCTNL_MSG_CT_GET (linux/netfilter/nfnetlink_conntrack.h). */
const IPCTNL_MSG_CT_GET = 1;

const GENLMSG = PROTOCOL.GENERIC.header;
/** nlctrl's family attributes, as a small table. */
const CTRL = new Registry([{
  enums: {},
  structs: {},
  sets: {
    ctrl: [
      [CTRL_ATTR.FAMILY_ID, "familyId", "u16"],
      [CTRL_ATTR.FAMILY_NAME, "familyName", "string"],
      [CTRL_ATTR.VERSION, "version", "u32"],
    ],
  },
  subMessages: {},
}]).set("ctrl");

/** A generic netlink family, as nlctrl describes it. */
const FAMILY_SHAPE = messageShape(PROTOCOL.GENERIC, GENLMSG, CTRL);
class Family extends LazyMessage {
  protected get shape(): MessageShape {
    return FAMILY_SHAPE;
  }
  get cmd(): number {
    return this.hu8(GENLMSG, "cmd");
  }
  get id(): number | undefined {
    return this.u16(CTRL_ATTR.FAMILY_ID);
  }
  get name(): string | undefined {
    return this.str(CTRL_ATTR.FAMILY_NAME);
  }
  protected fields(): Record<string, unknown> {
    return { id: this.id, name: this.name };
  }
}

/** The GETFAMILY request (for one family by name, or a dump of all). */
function getFamily(name?: string) {
  return {
    type: GENL.ID_CTRL,
    body: (w: Parameters<typeof writeStruct>[0]) => {
      writeStruct(w, GENLMSG, { cmd: CTRL_CMD.GETFAMILY, version: 1 });
      if (name !== undefined) w.attrString(CTRL_ATTR.FAMILY_NAME, name);
    },
  };
}

/** One throwaway namespace for the live tests (and a TCP listener in it, for sock_diag). */
let ns = "";
let child: ChildProcess | undefined;
let port = 0;

describe("other netlink protocols (live, throwaway namespace)", live, () => {
  before(async () => {
    ns = createTestNetns();
    ({ port, child } = await listener(ns));
  });
  after(() => {
    child?.kill("SIGKILL");
    removeTestNetns(ns);
  });

  describe("generic netlink", genericTests);
  describe("sock_diag", sockDiagTests);
  describe("netfilter", netfilterTests);
  describe("kobject uevents", ueventTests);
});

function genericTests(): void {
  it("answers CTRL_CMD_GETFAMILY for nlctrl with GENL_ID_CTRL", async () => {
    await using sock = NetlinkSocket.open({ protocol: PROTOCOL.GENERIC, netns: ns });
    assert.equal(sock.protocol, 16);
    assert.equal(sock.declaration, PROTOCOL.GENERIC);
    const r = await sock.request(getFamily("nlctrl"), { decode: decoderOf(Family), ack: false });
    const f = r.messages[0]!;
    assert.equal(f.id, GENL.ID_CTRL);
    assert.equal(f.id, 16);
    assert.equal(f.name, "nlctrl");
    assert.equal(f.cmd, CTRL_CMD.NEWFAMILY);
    assert.equal(f.event, "GENL_ID_CTRL");
    assert.equal(f.attrs.familyName, "nlctrl");
  });

  it("names an unknown family in the kernel's error", async () => {
    await using sock = NetlinkSocket.open({ protocol: 16, netns: ns });
    assert.equal(sock.declaration, PROTOCOL.GENERIC);
    await assert.rejects(
      sock.request(getFamily("no-such-family")),
      (e: NetlinkError) => e instanceof NetlinkError && e.code === "ENOENT",
    );
  });

  it("dumps the families `genl ctrl list` shows, by name and id", async () => {
    await using sock = NetlinkSocket.open({ protocol: PROTOCOL.GENERIC, netns: ns });
    const families = await sock.dump(getFamily(), { decode: decoderOf(Family) }).all();
    const ours = families.map((f) => `${f.name}=${f.id}`).sort();
    const text = nsExec(ns, ["genl", "ctrl", "list"]);
    const oracle = [...text.matchAll(/^Name: (\S+)\s*\n\s*ID: (0x[0-9a-f]+)/gm)]
      .map(([, name, id]) => `${name}=${Number(id)}`).sort();
    assert.ok(oracle.length >= 2, text);
    assert.deepEqual(ours, oracle);
  });
}

/** struct inet_diag_msg and what follows it. */
class InetDiag extends LazyMessage {
  static readonly LAYOUT = SOCK_DIAG_STRUCTS.inetDiagMsg;
  static readonly ATTRS = new Registry([{
    enums: {},
    structs: {},
    sets: {
      inetDiag: [[INET_DIAG.CONG, "cong", "string"], [INET_DIAG.SHUTDOWN, "shutdown", "u8"]],
    },
    subMessages: {},
  }]).set("inetDiag");
  static readonly SHAPE = messageShape(PROTOCOL.SOCK_DIAG, InetDiag.LAYOUT, InetDiag.ATTRS);
  protected get shape(): MessageShape {
    return InetDiag.SHAPE;
  }
  get family(): number {
    return this.hu8(InetDiag.LAYOUT, "idiagFamily");
  }
  get state(): number {
    return this.hu8(InetDiag.LAYOUT, "idiagState");
  }
  get sport(): number {
    return this.hu16be(InetDiag.LAYOUT, "idiagSport");
  }
  get src(): string {
    const len = this.family === AF_INET ? 4 : 16;
    return formatIP(this.bytes, this.off + InetDiag.LAYOUT.at.idiagSrc, len);
  }
  get inode(): number {
    return this.hu32(InetDiag.LAYOUT, "idiagInode");
  }
  protected fields(): Record<string, unknown> {
    return { src: this.src, sport: this.sport, state: this.state, inode: this.inode };
  }
}

/** Starts a TCP listener on 127.0.0.1 inside `ns`; resolves with its port once it listens. */
function listener(ns: string): Promise<{ port: number; child: ChildProcess }> {
  const py = "import socket, time\n" +
    "s = socket.socket()\n" +
    "s.bind(('127.0.0.1', 0))\n" +
    "s.listen()\n" +
    "print(s.getsockname()[1], flush=True)\n" +
    "time.sleep(120)\n";
  const child = spawn("ip", ["netns", "exec", ns, "python3", "-c", py], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", (d) => resolve({ port: Number(String(d).trim()), child }));
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the listener exited (${code})`)));
  });
}

function sockDiagTests(): void {
  it("finds the namespace's TCP listener with SOCK_DIAG_BY_FAMILY, as `ss -tln` does", async () => {
    await using sock = NetlinkSocket.open({ protocol: PROTOCOL.SOCK_DIAG, netns: ns });
    const listeners = await sock.dump({
      type: SOCK_DIAG_MSG.DIAG_BY_FAMILY,
      body: (w) =>
        writeStruct(w, SOCK_DIAG_STRUCTS.inetDiagReqV2, {
          sdiagFamily: AF_INET,
          sdiagProtocol: IPPROTO_TCP,
          idiagStates: 1 << TCP_LISTEN,
        }),
    }, { decode: decoderOf(InetDiag) }).all();
    const ours = listeners.map((s) => `${s.src}:${s.sport}`).sort();
    assert.ok(ours.includes(`127.0.0.1:${port}`), ours.join(", "));
    assert.ok(listeners.every((s) => s.state === TCP_LISTEN && s.inode > 0));
    assert.equal(listeners[0]!.event, "SOCK_DIAG_BY_FAMILY");
    const oracle = nsExec(ns, ["ss", "-4", "-t", "-l", "-n", "-H"]).trim().split("\n")
      .map((line) => line.trim().split(/\s+/)[3]!).sort();
    assert.deepEqual(ours, oracle);
  });
}

function netfilterTests(): void {
  it("dumps the empty conntrack table of a fresh namespace (CTNETLINK IPCTNL_MSG_CT_GET)", async (t) => {
    await using sock = NetlinkSocket.open({ protocol: PROTOCOL.NETFILTER, netns: ns });
    const dump = sock.dump({
      type: (NFNL_SUBSYS.CTNETLINK << 8) | IPCTNL_MSG_CT_GET,
      body: (w) => writeStruct(w, PROTOCOL.NETFILTER.header, { nfgenFamily: AF_INET, version: 0 }),
    });
    let entries;
    try {
      entries = await dump.all();
    } catch (e) {
      if (
        e instanceof NetlinkError && ["EOPNOTSUPP", "EPROTONOSUPPORT", "ENOENT"].includes(e.code)
      ) {
        t.skip(`this kernel has no conntrack netlink (${e.code})`);
        return;
      }
      throw e;
    }
    assert.deepEqual(entries, []);
    assert.equal(sock.stats.stray + sock.stats.malformed, 0);
  });
}

function ueventTests(): void {
  it("receives the raw add uevent of a veth created in the namespace", async () => {
    const proto = PROTOCOL.KOBJECT_UEVENT;
    assert.equal(proto.framing, "raw");
    await using sock = NetlinkSocket.open({
      protocol: proto,
      netns: ns,
      groups: [proto.groups.KERNEL!],
    });
    const sub = sock.subscribe({ signal: AbortSignal.timeout(10_000) });
    ip(["link", "add", "ue0", "type", "veth", "peer", "name", "ue1"], ns);
    const want = "add@/devices/virtual/net/ue0";
    let env: Map<string, string> | undefined;
    for await (const m of sub) {
      if ("event" in m) continue;
      const [head, ...vars] = new TextDecoder().decode(m.payload).split("\0");
      if (head !== want) continue;
      env = new Map(
        vars.filter((v) => v.includes("=")).map((v) => {
          const i = v.indexOf("=");
          return [v.slice(0, i), v.slice(i + 1)];
        }),
      );
      break;
    }
    assert.ok(env, `no ${want} uevent arrived`);
    assert.equal(env.get("ACTION"), "add");
    assert.equal(env.get("SUBSYSTEM"), "net");
    assert.equal(env.get("INTERFACE"), "ue0");
    assert.equal(env.get("DEVPATH"), "/devices/virtual/net/ue0");
  });

  it("refuses requests: the protocol carries events only", async () => {
    await using sock = NetlinkSocket.open({ protocol: PROTOCOL.KOBJECT_UEVENT, netns: ns });
    await assert.rejects(
      sock.request({ type: 0 }),
      /Cannot send a request: NETLINK_KOBJECT_UEVENT/,
    );
  });
}

describe("protocol declarations", () => {
  it("are built from the generated constants", () => {
    assert.deepEqual(
      [
        PROTOCOL.ROUTE,
        PROTOCOL.GENERIC,
        PROTOCOL.NETFILTER,
        PROTOCOL.SOCK_DIAG,
        PROTOCOL.KOBJECT_UEVENT,
      ]
        .map((p) => [p.name, p.number, p.framing, p.header?.size]),
      [
        ["NETLINK_ROUTE", 0, "netlink", undefined],
        ["NETLINK_GENERIC", 16, "netlink", 4],
        ["NETLINK_NETFILTER", 12, "netlink", 4],
        ["NETLINK_SOCK_DIAG", 4, "netlink", undefined],
        ["NETLINK_KOBJECT_UEVENT", 15, "raw", undefined],
      ],
    );
    assert.equal(PROTOCOL.ROUTE.groups.LINK, 1);
    assert.equal(PROTOCOL.NETFILTER.groups.CONNTRACK_NEW, 1);
    assert.equal(PROTOCOL.SOCK_DIAG.groups.INET_TCP_DESTROY, 1);
    assert.deepEqual(PROTOCOL.GENERIC.groups, {});
    assert.equal(PROTOCOL.ROUTE.answersInSend, true);
    assert.equal(PROTOCOL.KOBJECT_UEVENT.answersInSend, false);
  });

  it("name messages for errors and printing", () => {
    assert.equal(PROTOCOL.ROUTE.messageName(16), "RTM_NEWLINK");
    assert.equal(PROTOCOL.ROUTE.messageName(2), "NLMSG_ERROR");
    assert.equal(PROTOCOL.ROUTE.messageName(9999), "message type 9999");
    assert.equal(PROTOCOL.GENERIC.messageName(16), "GENL_ID_CTRL");
    assert.equal(PROTOCOL.GENERIC.messageName(33), "generic netlink family 33");
    assert.equal(PROTOCOL.NETFILTER.messageName(0x101), "IPCTNL_MSG_CT_GET");
    assert.equal(PROTOCOL.NETFILTER.messageName(0x1ff), "NFNL_SUBSYS_CTNETLINK message 255");
    assert.equal(PROTOCOL.NETFILTER.messageName(0x201), "NFNL_SUBSYS_CTNETLINK_EXP message 1");
    assert.equal(PROTOCOL.NETFILTER.messageName(16), "NFNL_MSG_BATCH_BEGIN");
    assert.equal(PROTOCOL.SOCK_DIAG.messageName(20), "SOCK_DIAG_BY_FAMILY");
    assert.equal(PROTOCOL.SOCK_DIAG.messageName(21), "SOCK_DESTROY");
  });

  it("map numbers to declarations, and other numbers to plain ones", () => {
    assert.equal(protocolOf(0), PROTOCOL.ROUTE);
    assert.equal(protocolOf(15), PROTOCOL.KOBJECT_UEVENT);
    const audit = protocolOf(9);
    assert.deepEqual([audit.name, audit.framing, audit.answersInSend], [
      "NETLINK_AUDIT",
      "netlink",
      false,
    ]);
    assert.equal(protocolOf(9), audit);
    for (const bad of [-1, 32, 1.5, NaN]) {
      assert.throws(() => protocolOf(bad), /protocol/);
      assert.throws(() => NetlinkSocket.open({ protocol: bad }), /protocol/);
    }
  });
});
