/**
 * Generic netlink families beyond ethtool: mptcp_pm endpoints and limits and
 * tcp_metrics entries in throwaway namespaces, checked both ways against
 * `ip mptcp` and `ip tcp_metrics`; TASKSTATS of this process against
 * uapi taskstats.h; families this kernel lacks (FamilyNotFoundError, and
 * encode → decode through offline clients, one WireGuard request against
 * golden bytes); the generated numbers against the uapi headers; bad input.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import process from "node:process";
import {
  ArgumentError,
  FamilyNotFoundError,
  type FamilySpec,
  GENL_FAMILY_SPECS,
  GenlFamily,
  listGenlFamilies,
  NetlinkSocket,
  PROTOCOL,
  Registry,
} from "../mod.ts";
import {
  createTestNetns,
  ip,
  ipJson,
  isRoot,
  nsExec,
  removeTestNetns,
  settledFds,
  skipReason,
} from "./helpers.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

const AF_INET = 2;
const AF_INET6 = 10;
// uapi linux/mptcp.h MPTCP_PM_ADDR_FLAG_*: the generated spec (6.12) types
// flags as a plain u32, so requests give numbers.
const SIGNAL = 1 << 0;
const SUBFLOW = 1 << 1;
const BACKUP = 1 << 2;

/** The families this kernel registers (read-only nlctrl dump in the init namespace). */
const present: Set<string> = await (async () => {
  const sock = NetlinkSocket.open({ protocol: PROTOCOL.GENERIC });
  try {
    return new Set((await listGenlFamilies(sock)).map((f) => f.name));
  } finally {
    sock.close();
  }
})();

function liveSkip(family: string): string | false {
  if (!isRoot) return skipReason("namespaces need root");
  return skipReason(present.has(family) ? false : `the kernel has no ${family} family`);
}

function ifindex(ns: string, dev: string): number {
  return ipJson(["link", "show", "dev", dev], ns)[0].ifindex;
}

/** Runs `fn` with fresh namespaces, removed afterwards even when it fails. */
async function withNetns(n: number, fn: (...ns: string[]) => Promise<void>): Promise<void> {
  const made: string[] = [];
  try {
    for (let i = 0; i < n; i++) made.push(createTestNetns());
    await fn(...made);
  } finally {
    for (const ns of made) removeTestNetns(ns);
  }
}

// ---------------------------------------------------------------------------
// uapi headers

const UAPI = new URL("../../shared/uapi-6.12/linux/", import.meta.url);
const uapiMissing = existsSync(UAPI) ? false : `no uapi headers at ${UAPI.pathname}`;

function header(name: string): string {
  return readFileSync(new URL(name, UAPI), "utf8");
}

/** The enumerators of every `enum` in a C header: NAME → value. */
function cEnums(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const clean = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  for (const m of clean.matchAll(/enum\s*\w*\s*\{([^}]*)\}/g)) {
    let next = 0;
    for (const raw of m[1]!.split(",")) {
      const item = raw.trim();
      if (!item) continue;
      const [name, expr] = item.split("=").map((s) => s.trim()) as [string, string | undefined];
      if (expr !== undefined) next = /^(0x)?[0-9a-f]+$/i.test(expr) ? Number(expr) : out.get(expr)!;
      out.set(name, next++);
    }
  }
  return out;
}

/** `privateKey` → `PRIVATE_KEY`. */
function upper(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

/** `add-addr` → `ADD_ADDR`. */
function upperOp(op: string): string {
  return op.replace(/-/g, "_").toUpperCase();
}

/** A generated attribute set as name → number. */
function setNumbers(spec: FamilySpec, set: string): Map<string, number> {
  return new Map(spec.data.sets[set]!.map((row) => [row[1], row[0]]));
}

async function specOf(name: string): Promise<FamilySpec> {
  return await (GENL_FAMILY_SPECS as Record<string, () => Promise<FamilySpec>>)[name]!();
}

/**
 * Asserts that each named attribute of `set` has the number uapi gives
 * `<prefix><NAME>`; returns how many it compared (all of the set but `skip`).
 */
function assertSetMatches(
  spec: FamilySpec,
  set: string,
  enums: Map<string, number>,
  prefix: string,
  skip: string[] = [],
): number {
  let n = 0;
  for (const [name, num] of setNumbers(spec, set)) {
    if (skip.includes(name)) continue;
    const c = `${prefix}${upper(name)}`;
    assert.equal(enums.get(c), num, `${spec.name} ${set}.${name} vs ${c}`);
    n++;
  }
  return n;
}

// ---------------------------------------------------------------------------

describe("mptcp_pm in a namespace, against ip mptcp", { skip: liveSkip("mptcp_pm") }, () => {
  it("add-addr, get-addr (do and dump), del-addr and flush-addrs both ways", async () => {
    await withNetns(1, async (ns) => {
      ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
      const idx = ifindex(ns, "v0");
      await using pm = await GenlFamily.open("mptcp_pm", { netns: ns });

      assert.equal(
        await pm.do("add-addr", {
          addr: { family: AF_INET, addr4: "10.9.0.1", id: 1, flags: ["signal"], ifIdx: idx },
        }),
        undefined,
      );
      await pm.do("add-addr", {
        addr: {
          family: AF_INET6,
          addr6: "fd00::1",
          id: 2,
          flags: ["subflow", "backup"],
          ifIdx: idx,
        },
      });
      assert.deepEqual(ipJson(["mptcp", "endpoint", "show"], ns), [
        { address: "10.9.0.1", id: 1, signal: true, dev: "v0" },
        { address: "fd00::1", id: 2, subflow: true, backup: true, dev: "v0" },
      ]);

      const one = await pm.do("get-addr", { addr: { id: 1 } });
      assert.deepEqual(one, {
        addr: { family: AF_INET, id: 1, addr4: "10.9.0.1", port: 0, flags: SIGNAL, ifIdx: idx },
      });
      const two = await pm.do("get-addr", { addr: { id: 2 } });
      assert.deepEqual(two, {
        addr: {
          family: AF_INET6,
          id: 2,
          addr6: "fd00::1",
          port: 0,
          flags: SUBFLOW | BACKUP,
          ifIdx: idx,
        },
      });

      // ip adds, nlroute reads.
      ip(["mptcp", "endpoint", "add", "10.9.0.3", "dev", "v0", "id", "3", "subflow"], ns);
      const dump = await pm.dump("get-addr", {}).all();
      assert.deepEqual(dump.map((r) => [r.addr?.id, r.addr?.family, r.addr?.flags]), [
        [1, AF_INET, SIGNAL],
        [2, AF_INET6, SUBFLOW | BACKUP],
        [3, AF_INET, SUBFLOW],
      ]);
      assert.deepEqual(dump[2], {
        addr: {
          family: AF_INET,
          id: 3,
          addr4: "10.9.0.3",
          port: 0,
          flags: SUBFLOW,
          ifIdx: idx,
        },
      });

      await pm.do("del-addr", { addr: { id: 3 } });
      assert.deepEqual(
        ipJson(["mptcp", "endpoint", "show"], ns).map((j: Json) => j.id),
        [1, 2],
      );
      assert.deepEqual((await pm.dump("get-addr", {}).all()).map((r) => r.addr?.id), [1, 2]);

      await pm.do("flush-addrs", {});
      assert.deepEqual(ipJson(["mptcp", "endpoint", "show"], ns), []);
      assert.deepEqual(await pm.dump("get-addr", {}).all(), []);
    });
  });

  it("get-limits and set-limits both ways", async () => {
    await withNetns(1, async (ns) => {
      await using pm = await GenlFamily.open("mptcp_pm", { netns: ns });
      const ipLimits = () => {
        const out = ip(["-j", "mptcp", "limits", "show"], ns).trim();
        if (out.startsWith("{")) {
          const j = JSON.parse(out);
          return { rcvAddAddrs: j.add_addr_accepted, subflows: j.subflows };
        }
        // iproute2 before 6.x prints text even with -j.
        const m = out.match(/^add_addr_accepted (\d+) subflows (\d+)$/);
        assert.ok(m, `ip mptcp limits show: ${out}`);
        return { rcvAddAddrs: Number(m[1]), subflows: Number(m[2]) };
      };
      assert.deepEqual(await pm.do("get-limits", {}), ipLimits());

      assert.equal(await pm.do("set-limits", { rcvAddAddrs: 4, subflows: 3 }), undefined);
      assert.deepEqual(await pm.do("get-limits", {}), { rcvAddAddrs: 4, subflows: 3 });
      assert.deepEqual(ipLimits(), { rcvAddAddrs: 4, subflows: 3 });

      ip(["mptcp", "limits", "set", "add_addr_accepted", "1", "subflows", "5"], ns);
      assert.deepEqual(await pm.do("get-limits", {}), { rcvAddAddrs: 1, subflows: 5 });
    });
  });
});

// ---------------------------------------------------------------------------

const python = (process.env.PATH ?? "/usr/bin").split(":").some((d) => existsSync(`${d}/python3`));

/** A TCP exchange from `client` (10.77.0.1) to a listener in `server` (10.77.0.2:7777). */
async function tcpExchange(client: string, server: string): Promise<void> {
  const listener = spawn("ip", [
    "netns",
    "exec",
    server,
    "python3",
    "-c",
    "import socket\n" +
    "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n" +
    "s.bind(('10.77.0.2', 7777)); s.listen(); print('ready', flush=True)\n" +
    "c, _ = s.accept(); c.recv(100); c.sendall(b'y' * 100); c.close()\n",
  ], { stdio: ["ignore", "pipe", "inherit"] });
  // "close": the process has exited and its pipes are closed (no descriptor lingers).
  const exited = new Promise<number | null>((r) => listener.on("close", (code) => r(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      listener.stdout!.on("data", (d) => String(d).includes("ready") && resolve());
      listener.on("exit", (code) => reject(new Error(`listener exited (${code})`)));
    });
    nsExec(client, [
      "python3",
      "-c",
      "import socket\n" +
      "s = socket.create_connection(('10.77.0.2', 7777)); s.sendall(b'x' * 100)\n" +
      "s.recv(100); s.close()\n",
    ]);
    assert.equal(await exited, 0);
  } finally {
    if (listener.exitCode === null) listener.kill();
    await exited;
  }
}

describe("tcp_metrics in a namespace, against ip tcp_metrics", {
  skip: liveSkip("tcp_metrics") || skipReason(python ? false : "no python3 for the TCP peers"),
}, () => {
  it("a real connection's entry: get dump and do, del, gone in both views", async () => {
    await withNetns(2, async (a, b) => {
      ip(["link", "add", "a0", "type", "veth", "peer", "name", "b0", "netns", b], a);
      ip(["addr", "add", "10.77.0.1/24", "dev", "a0"], a);
      ip(["addr", "add", "10.77.0.2/24", "dev", "b0"], b);
      ip(["link", "set", "a0", "up"], a);
      ip(["link", "set", "b0", "up"], b);
      await tcpExchange(a, b);

      await using tm = await GenlFamily.open("tcp_metrics", { netns: a });
      const dst = "10.77.0.2";
      const src = "10.77.0.1";
      let entries: Json[] = [];
      for (let i = 0; i < 50 && !entries.some((e) => e.addrIpv4 === dst); i++) {
        await new Promise((r) => setTimeout(r, 40));
        entries = await tm.dump("get", {}).all();
      }
      const mine = entries.filter((e) => e.addrIpv4 === dst);
      assert.equal(mine.length, 1, "one entry for 10.77.0.2");
      const ours = mine[0];
      assert.equal(ours.saddrIpv4, src);
      assert.equal(typeof ours.age, "bigint");

      const theirs = ipJson(["tcp_metrics", "show"], a);
      assert.deepEqual(theirs.map((j: Json) => [j.dst, j.source]), [["10.77.0.2", "10.77.0.1"]]);
      // The kernel keeps rtt scaled by 8 and rttvar by 4 (µs); ip unscales
      // them and prints seconds; cwnd as is.
      assert.equal(ours.vals.cwnd, theirs[0].cwnd);
      assert.equal(ours.vals.rttUs >> 3, Math.round(theirs[0].rtt * 1e6));
      assert.equal(ours.vals.rttvarUs >> 2, Math.round(theirs[0].rttvar * 1e6));

      const got = await tm.do("get", { addrIpv4: dst });
      assert.equal(got.addrIpv4, dst);
      assert.equal(got.saddrIpv4, src);
      assert.deepEqual(got.vals, ours.vals);

      assert.equal(await tm.do("del", { addrIpv4: dst }), undefined);
      assert.deepEqual(ipJson(["tcp_metrics", "show"], a), []);
      assert.deepEqual((await tm.dump("get", {}).all()).filter((e) => e.addrIpv4 === dst), []);
      await assert.rejects(tm.do("get", { addrIpv4: dst }), (e: Json) => {
        assert.equal(e.code, "ESRCH");
        return true;
      });
    });
  });
});

// ---------------------------------------------------------------------------

describe("TASKSTATS of this process", {
  skip: skipReason(present.has("TASKSTATS") ? false : "the kernel has no TASKSTATS family"),
}, () => {
  it("get by pid: aggrPid with the pid and struct taskstats decoded", async () => {
    await using ts = await GenlFamily.open("TASKSTATS");
    const r = await ts.do("get", { pid: process.pid });
    assert.deepEqual(Object.keys(r), ["aggrPid"]);
    const a = r.aggrPid!;
    assert.equal(a.pid, process.pid);
    const s = a.stats!;
    assert.equal(s.acPid, process.pid);
    assert.equal(s.acTgid, process.pid);
    assert.equal(s.acPpid, process.ppid);
    assert.equal(s.acUid, process.getuid?.());
    assert.equal(s.acComm!.length, 32);
    const comm = readFileSync("/proc/self/comm", "utf8").trim();
    const name = new TextDecoder().decode(s.acComm!).replace(/\0+$/, "");
    assert.equal(name, comm);
    assert.equal(typeof s.cpuCount, "bigint");
    if (!uapiMissing) {
      const v = Number(header("taskstats.h").match(/#define TASKSTATS_VERSION\s+(\d+)/)![1]);
      assert.equal(v, 14);
      assert.ok(s.version! >= v, `kernel taskstats version ${s.version} ≥ ${v}`);
    }
  });

  it("the STATS attribute the kernel sends is at least the generated struct's size", async () => {
    await using ts = await GenlFamily.open("TASKSTATS");
    const size = ts.registry.struct("taskstats").size;
    const bytes = ts.encode("get", "do", { pid: process.pid });
    const body = bytes.subarray(16);
    const r = await ts.socket.request({
      type: ts.id,
      name: "TASKSTATS get",
      body: (w) => w.bytes(body),
    }, {
      decode: (m) => m.bytes.slice(m.offset, m.offset + m.length),
      ack: false,
    });
    const msg = r.messages[0]!;
    const dv = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
    // nlmsghdr (16) + genlmsghdr (4), then TASKSTATS_TYPE_AGGR_PID (4) holding PID (1) and STATS (3).
    let at = 20;
    assert.equal(dv.getUint16(at + 2, true) & 0x3fff, 4);
    const end = at + dv.getUint16(at, true);
    at += 4;
    let stats = -1;
    while (at < end) {
      const len = dv.getUint16(at, true);
      if ((dv.getUint16(at + 2, true) & 0x3fff) === 3) stats = len - 4;
      at += (len + 3) & ~3;
    }
    assert.ok(stats >= size, `STATS is ${stats} bytes, the struct ${size}`);
  });

  it("struct taskstats offsets follow uapi taskstats.h (aligned(8) members)", {
    skip: skipReason(uapiMissing),
  }, async () => {
    const text = header("taskstats.h");
    assert.match(text, /__u64\s+cpu_count __attribute__\(\(aligned\(8\)\)\);/);
    assert.match(text, /__u8\s+ac_sched __attribute__\(\(aligned\(8\)\)\);/);
    assert.match(text, /__u32\s+ac_uid __attribute__\(\(aligned\(8\)\)\);/);
    assert.match(text, /__u64\s+ac_tgetime __attribute__\(\(aligned\(8\)\)\);/);
    const st = new Registry([(await specOf("TASKSTATS")).data]).struct("taskstats");
    const at = (name: string) => st.members.find((m) => m.name === name)?.offset;
    // By C rules over the 6.12 header: __u16 version, __u32 ac_exitcode,
    // __u8 ac_flag, ac_nice; cpu_count aligned(8) … 8 __u64 … char ac_comm[32]
    // at 80; ac_sched aligned(8) at 112, ac_pad[3]; ac_uid aligned(8) at 120;
    // ac_etime aligned(8) at 144; ac_tgid at 368, ac_tgetime aligned(8) at 376;
    // the last, irq_delay_total, ends at 432.
    assert.deepEqual(
      ["version", "acExitcode", "acFlag", "acNice", "cpuCount", "acComm", "acSched", "acPad"]
        .map(at),
      [0, 4, 8, 9, 16, 80, 112, 113],
    );
    assert.deepEqual(
      ["acUid", "acGid", "acPid", "acPpid", "acBtime", "acEtime", "acTgid", "acTgetime"].map(at),
      [120, 124, 128, 132, 136, 144, 368, 376],
    );
    assert.equal(at("irqDelayTotal"), 424);
    assert.equal(st.size, 432);
  });
});

// ---------------------------------------------------------------------------

const ABSENT_CANDIDATES = [
  "devlink",
  "dpll",
  "team",
  "fou",
  "ovs_datapath",
  "ovs_flow",
  "ovs_vport",
  "wireguard",
  "handshake",
  "nfsd",
] as const;

describe("families this kernel lacks", () => {
  for (const name of ABSENT_CANDIDATES) {
    it(`${name}: open fails with FamilyNotFoundError`, {
      skip: skipReason(present.has(name) ? `${name} is loaded here, not absent` : false),
    }, async () => {
      await assert.rejects(GenlFamily.open(name), (e: Json) => {
        assert.ok(e instanceof FamilyNotFoundError);
        assert.equal(
          e.message,
          `Cannot resolve generic netlink family "${name}": not available in this kernel`,
        );
        return true;
      });
    });
  }
});

/** Bytes 1, 2, … n. */
const seq = (n: number, from = 1) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
/** sockaddr_in 192.0.2.1:51820 as the kernel's struct (family LE, port and address BE, 8 zero bytes). */
const SOCKADDR = Uint8Array.from([2, 0, 0xca, 0x6c, 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0]);

describe("offline clients: encode → decode through the generated tables", () => {
  it("wireguard get-device (dump) and set-device with peers, allowed IPs, keys, endpoint", async () => {
    const wg = await GenlFamily.offline("wireguard", 0x1234);
    assert.equal(wg.id, 0x1234);
    const get = wg.encode("get-device", "dump", { ifname: "wg0" });
    assert.deepEqual(wg.decode(get.subarray(16)), {
      name: "get-device",
      cmd: 0,
      attrs: { ifname: "wg0" },
    });
    const set = wg.encode("set-device", "do", {
      ifindex: 7,
      privateKey: seq(32),
      flags: ["replacePeers"],
      listenPort: 51820,
      fwmark: 0x42,
      peers: [
        {
          publicKey: seq(32, 0x40),
          presharedKey: seq(32, 0x80),
          flags: ["replaceAllowedips", "updateOnly"],
          endpoint: SOCKADDR,
          persistentKeepaliveInterval: 25,
          allowedips: [
            { family: AF_INET, ipaddr: "10.0.0.0", cidrMask: 24 },
            { family: AF_INET6, ipaddr: "fd00::", cidrMask: 64 },
          ],
        },
        { publicKey: seq(32, 0xc0), flags: ["removeMe"] },
      ],
    });
    assert.deepEqual(wg.decode(set.subarray(16)), {
      name: "set-device",
      cmd: 1,
      attrs: {
        ifindex: 7,
        privateKey: hex(seq(32)),
        flags: 1,
        listenPort: 51820,
        fwmark: 0x42,
        peers: [
          {
            publicKey: hex(seq(32, 0x40)),
            presharedKey: hex(seq(32, 0x80)),
            flags: 2 | 4,
            endpoint: SOCKADDR,
            persistentKeepaliveInterval: 25,
            allowedips: [
              { family: AF_INET, ipaddr: "10.0.0.0", cidrMask: 24 },
              { family: AF_INET6, ipaddr: "fd00::", cidrMask: 64 },
            ],
          },
          { publicKey: hex(seq(32, 0xc0)), flags: 1 },
        ],
      },
    });
  });

  it("wireguard set-device: golden bytes by hand from uapi wireguard.h", async () => {
    const wg = await GenlFamily.offline("wireguard", 0x1234);
    const bytes = wg.encode("set-device", "do", {
      ifname: "wg0",
      privateKey: seq(32),
      listenPort: 51820,
      peers: [{
        publicKey: seq(32, 0x40),
        endpoint: SOCKADDR,
        allowedips: [{ family: AF_INET, ipaddr: "10.0.0.0", cidrMask: 24 }],
      }],
    });
    const le16 = (n: number) => [n & 0xff, n >> 8];
    const attr = (type: number, payload: number[]) => {
      const len = 4 + payload.length;
      return [...le16(len), ...le16(type), ...payload, ...new Array((4 - (len % 4)) % 4).fill(0)];
    };
    const NESTED = 0x8000;
    // WGALLOWEDIP_A_FAMILY 1 (u16), _IPADDR 2 (in_addr), _CIDR_MASK 3 (u8).
    const allowed = attr(NESTED | 1, [
      ...attr(1, le16(AF_INET)),
      ...attr(2, [10, 0, 0, 0]),
      ...attr(3, [24]),
    ]);
    // WGPEER_A_PUBLIC_KEY 1, _ENDPOINT 4 (sockaddr_in), _ALLOWEDIPS 9 (nested array).
    // The uapi comment numbers array items "0:" (the kernel ignores their
    // type); nlroute numbers them from 1, as the items' types show here.
    const peer = attr(NESTED | 1, [
      ...attr(1, [...seq(32, 0x40)]),
      ...attr(4, [...SOCKADDR]),
      ...attr(NESTED | 9, allowed),
    ]);
    // WGDEVICE_A_IFNAME 2, _PRIVATE_KEY 3, _LISTEN_PORT 6 (u16), _PEERS 8.
    const attrs = [
      ...attr(2, [..."wg0"].map((c) => c.charCodeAt(0)).concat(0)),
      ...attr(3, [...seq(32)]),
      ...attr(6, le16(51820)),
      ...attr(NESTED | 8, peer),
    ];
    // genlmsghdr: WG_CMD_SET_DEVICE 1, WG_GENL_VERSION 1, reserved 0.
    const body = [1, 1, 0, 0, ...attrs];
    const len = 16 + body.length;
    // nlmsghdr: length, type (family id), NLM_F_REQUEST | NLM_F_ACK, seq 0, pid 0.
    const golden = [
      ...le16(len),
      0,
      0,
      ...le16(0x1234),
      ...le16(0x0005),
      ...new Array(8).fill(0),
      ...body,
    ];
    assert.equal(len, 168);
    assert.equal(hex(bytes), hex(Uint8Array.from(golden)));
  });

  it("devlink get (directional command numbers)", async () => {
    const dl = await GenlFamily.offline("devlink", 0x20);
    const bytes = dl.encode("get", "do", { busName: "netdevsim", devName: "netdevsim1" });
    assert.equal(bytes[16], 1); // DEVLINK_CMD_GET
    // Replies come as DEVLINK_CMD_NEW (3): decode names the operation by it.
    const reply = Uint8Array.from(bytes.subarray(16));
    reply[0] = 3;
    assert.deepEqual(dl.decode(reply), {
      name: "get",
      cmd: 3,
      attrs: { busName: "netdevsim", devName: "netdevsim1" },
    });
    const dump = dl.encode("get", "dump", {});
    assert.equal(dump.length, 20);
    assert.equal(new DataView(dump.buffer).getUint16(6, true), 0x0301); // REQUEST | ROOT | MATCH
  });

  it("team options-set with a nested option", async () => {
    const team = await GenlFamily.offline("team", 0x21);
    const data = new TextEncoder().encode("activebackup\0");
    const bytes = team.encode("options-set", "do", {
      teamIfindex: 3,
      listOption: { option: { name: "mode", type: 5, data, changed: true } },
    });
    assert.deepEqual(team.decode(bytes.subarray(16)), {
      name: "options-set",
      cmd: 1,
      attrs: {
        teamIfindex: 3,
        listOption: { option: { name: "mode", changed: true, type: 5, data } },
      },
    });
  });

  it("ovs_datapath new: the ovs_header (dpIfindex) after genlmsghdr", async () => {
    const ovs = await GenlFamily.offline("ovs_datapath", 0x22);
    const bytes = ovs.encode("new", "do", {
      dpIfindex: 9,
      name: "dp0",
      upcallPid: 5,
      userFeatures: ["unaligned", "vportPids"],
    });
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    assert.deepEqual([bytes[16], bytes[17]], [1, 2]); // OVS_DP_CMD_NEW, OVS_DATAPATH_VERSION 2
    assert.equal(dv.getUint32(20, true), 9);
    assert.equal(dv.getUint16(26, true), 1); // the first attribute after the header: name
    assert.deepEqual(ovs.decode(bytes.subarray(16)), {
      name: "new",
      cmd: 1,
      attrs: { dpIfindex: 9, name: "dp0", upcallPid: 5, userFeatures: 3 },
    });
  });

  it("fou add (big-endian ports)", async () => {
    const fou = await GenlFamily.offline("fou", 0x23);
    const bytes = fou.encode("add", "do", {
      port: 5555,
      ipproto: 17,
      type: 2,
      remcsumNopartial: true,
      localV4: "10.0.0.1",
      peerV4: "10.0.0.2",
      peerPort: 6666,
      ifindex: 4,
    });
    // FOU_ATTR_PORT: length 6, type 1 with NLA_F_NET_BYTEORDER, 5555 big-endian.
    assert.deepEqual([...bytes.subarray(20, 26)], [6, 0, 1, 0x40, 0x15, 0xb3]);
    assert.deepEqual(fou.decode(bytes.subarray(16)), {
      name: "add",
      cmd: 1,
      attrs: {
        port: 5555,
        ipproto: 17,
        type: 2,
        remcsumNopartial: true,
        localV4: "10.0.0.1",
        peerV4: "10.0.0.2",
        peerPort: 6666,
        ifindex: 4,
      },
    });
  });

  it("an offline client has no socket: do, dump and socket throw", async () => {
    const wg = await GenlFamily.offline("wireguard");
    const msg =
      "Cannot use the socket of wireguard: the client is offline (encode and decode only)";
    assert.throws(() => wg.socket, { message: msg });
    await assert.rejects(wg.do("set-device", { ifname: "wg0" }), { message: msg });
    assert.throws(() => wg.dump("get-device", { ifname: "wg0" }), { message: msg });
    wg.close();
    await assert.rejects(GenlFamily.offline("wireguard", 70000), ArgumentError);
    await assert.rejects(GenlFamily.offline("wireguard", -1), ArgumentError);
  });
});

// ---------------------------------------------------------------------------

describe("generated numbers against uapi 6.12", { skip: skipReason(uapiMissing) }, () => {
  it("mptcp_pm: commands and the attribute sets", async () => {
    const spec = await specOf("mptcp_pm");
    const e = cEnums(header("mptcp_pm.h"));
    for (const [op, o] of Object.entries(spec.ops)) {
      assert.equal(o.request, e.get(`MPTCP_PM_CMD_${upperOp(op)}`), op);
    }
    assert.equal(Object.keys(spec.ops).length, e.get("__MPTCP_PM_CMD_AFTER_LAST")! - 1);
    assert.equal(assertSetMatches(spec, "address", e, "MPTCP_PM_ADDR_ATTR_"), 8);
    assert.equal(assertSetMatches(spec, "attr", e, "MPTCP_PM_ATTR_"), 7);
    assert.equal(assertSetMatches(spec, "endpoint", e, "MPTCP_PM_ENDPOINT_"), 1);
    assert.equal(assertSetMatches(spec, "subflowAttribute", e, "MPTCP_SUBFLOW_ATTR_"), 12);
    assert.equal(assertSetMatches(spec, "eventAttr", e, "MPTCP_ATTR_"), 19);
  });

  it("tcp_metrics: commands, attributes, metric indexes", async () => {
    const spec = await specOf("tcp_metrics");
    const e = cEnums(header("tcp_metrics.h"));
    assert.equal(spec.ops.get!.request, e.get("TCP_METRICS_CMD_GET"));
    assert.equal(spec.ops.del!.request, e.get("TCP_METRICS_CMD_DEL"));
    assert.equal(assertSetMatches(spec, "tcpMetrics", e, "TCP_METRICS_ATTR_"), 13);
    // In TCP_METRICS_ATTR_VALS each metric's type is its TCP_METRIC_* index + 1.
    const vals = setNumbers(spec, "metrics");
    for (const name of ["rtt", "rttvar", "ssthresh", "cwnd", "rttUs", "rttvarUs"]) {
      assert.equal(vals.get(name), e.get(`TCP_METRIC_${upper(name)}`)! + 1, name);
    }
    // The spec spells it "reodering".
    assert.equal(vals.get("reodering"), e.get("TCP_METRIC_REORDERING")! + 1);
  });

  it("wireguard: commands and attributes (the newer spec's additions beyond 6.12)", async () => {
    const spec = await specOf("wireguard");
    const e = cEnums(header("wireguard.h"));
    assert.equal(spec.ops["get-device"]!.request, e.get("WG_CMD_GET_DEVICE"));
    assert.equal(spec.ops["set-device"]!.request, e.get("WG_CMD_SET_DEVICE"));
    assert.equal(assertSetMatches(spec, "wgdevice", e, "WGDEVICE_A_"), 9);
    assert.equal(assertSetMatches(spec, "wgpeer", e, "WGPEER_A_"), 11);
    // WGALLOWEDIP_A_FLAGS came after 6.12.
    assert.equal(assertSetMatches(spec, "wgallowedip", e, "WGALLOWEDIP_A_", ["flags"]), 4);
    assert.equal(
      setNumbers(spec, "wgallowedip").get("flags"),
      e.get("WGALLOWEDIP_A_CIDR_MASK")! + 1,
    );
  });

  it("devlink: the first 20 DEVLINK_CMD_* (gets reply with the matching NEW)", async () => {
    const spec = await specOf("devlink");
    const e = cEnums(header("devlink.h"));
    const checked: string[] = [];
    for (const [name, value] of e) {
      if (!name.startsWith("DEVLINK_CMD_") || value < 1 || value > 20) continue;
      const op = name.slice("DEVLINK_CMD_".length).toLowerCase().replace(/_/g, "-");
      const o = spec.ops[op];
      if (!o?.request) continue; // NEW/DEL notifications are not operations of the spec
      assert.equal(o.request, value, op);
      if (op.endsWith("get")) {
        const news = `DEVLINK_CMD_${upperOp(op).replace(/GET$/, "NEW")}`;
        assert.equal(o.reply, e.get(news), `${op} reply vs ${news}`);
      }
      checked.push(op);
    }
    assert.deepEqual(checked, [
      "get",
      "port-get",
      "port-set",
      "port-new",
      "port-del",
      "port-split",
      "port-unsplit",
      "sb-get",
      "sb-pool-get",
      "sb-pool-set",
      "sb-port-pool-get",
      "sb-port-pool-set",
    ]);
  });
});

// ---------------------------------------------------------------------------

describe("bad input: ArgumentError before sending", () => {
  // The last suite of the file: the poller lets go of its descriptors a task
  // or two after the last socket closed; wait for that here, so that the next
  // file (Bun runs them all in one process) counts a settled table.
  after(async () => {
    await settledFds();
  });

  it('set-limits subflows: "x", an unknown flag name, an unknown attribute', async () => {
    const pm = await GenlFamily.offline("mptcp_pm");
    assert.throws(
      // deno-lint-ignore no-explicit-any
      () => pm.encode("set-limits", "do", { subflows: "x" as any }),
      (e: Json) => {
        assert.ok(e instanceof ArgumentError);
        assert.equal(e.argument, "subflows");
        assert.equal(
          e.message,
          'Cannot use argument "subflows": expected an integer from 0 to 4294967295, got "x"',
        );
        return true;
      },
    );
    assert.throws(
      // deno-lint-ignore no-explicit-any
      () => pm.encode("add-addr", "do", { addr: { id: 1, flags: ["signl" as any] } }),
      (e: Json) => {
        assert.ok(e instanceof ArgumentError);
        assert.equal(e.argument, "addr.flags[0]");
        assert.match(e.message, /signl/);
        return true;
      },
    );
    assert.throws(
      // deno-lint-ignore no-explicit-any
      () => pm.encode("get-limits", "do", { bogus: 1 } as any),
      (e: Json) => {
        assert.ok(e instanceof ArgumentError);
        assert.equal(e.argument, "bogus");
        assert.equal(
          e.message,
          'Cannot use argument "bogus": expected an attribute of mptcp_pm get-limits\'s do request (rcvAddAddrs, subflows), got 1',
        );
        return true;
      },
    );
    const wg = await GenlFamily.offline("wireguard");
    assert.throws(
      // deno-lint-ignore no-explicit-any
      () => wg.encode("set-device", "do", { flags: ["nonsense"] as any }),
      (e: Json) => {
        assert.ok(e instanceof ArgumentError);
        assert.equal(e.argument, "flags[0]");
        return true;
      },
    );
  });

  it(
    "live: bad input never reaches the kernel (limits unchanged)",
    { skip: liveSkip("mptcp_pm") },
    async () => {
      await withNetns(1, async (ns) => {
        await using pm = await GenlFamily.open("mptcp_pm", { netns: ns });
        const before = await pm.do("get-limits", {});
        await assert.rejects(
          pm.do("set-limits", { rcvAddAddrs: 7, subflows: "x" as unknown as number }),
          ArgumentError,
        );
        await assert.rejects(
          // deno-lint-ignore no-explicit-any
          pm.do("add-addr", { addr: { id: 1, flags: "nonsense" as any } }),
          ArgumentError,
        );
        // deno-lint-ignore no-explicit-any
        await assert.rejects(pm.do("set-limits", { subflow: 1 } as any), ArgumentError);
        assert.deepEqual(await pm.do("get-limits", {}), before);
        assert.deepEqual(await pm.dump("get-addr", {}).all(), []);
      });
    },
  );
});
