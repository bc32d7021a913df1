/**
 * Socket diagnostics against `ss`: in a throwaway namespace a python3 process
 * opens TCP listeners and a connection (IPv4 and IPv6), a UDP socket and unix
 * sockets (abstract, path-bound, a socketpair); nlroute's DiagSocket lists
 * them and `ss -tanei`, `ss -uan` and `ss -xa` (run in the namespace) must
 * agree field by field. Kernel-side filters (states, local/remote address and
 * port), the tcp_info extension and SOCK_DESTROY are checked on the same
 * sockets; bad queries are refused before anything is sent.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { ArgumentError, DiagSocket, type InetSocket, NetlinkError } from "../mod.ts";
import { createTestNetns, isRoot, removeTestNetns, skipReason, testTmpDir } from "./helpers.ts";

const skip = isRoot ? false : skipReason("needs root for namespaces");

/** The sockets the python3 process holds open until its stdin closes. */
const SCRIPT = `
import socket, sys
l = socket.socket(); l.bind(("127.0.0.1", 5555)); l.listen(7)
c = socket.create_connection(("127.0.0.1", 5555)); a, _ = l.accept()
a.send(b"x" * 10)  # 10 bytes queued at c
l6 = socket.socket(socket.AF_INET6); l6.bind(("::1", 5556)); l6.listen(3)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 5557))
x = socket.socket(socket.AF_UNIX); x.bind("\\0nlrt-abs"); x.listen(2)
p1, p2 = socket.socketpair()
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); d.bind(sys.argv[1])
print("ready", flush=True)
sys.stdin.read()
`;

/** ss's state words → nlroute's names. */
const SS_STATES: Record<string, string> = {
  LISTEN: "listen",
  ESTAB: "established",
  UNCONN: "close",
  "TIME-WAIT": "time-wait",
  "SYN-SENT": "syn-sent",
  "SYN-RECV": "syn-recv",
  "FIN-WAIT-1": "fin-wait-1",
  "FIN-WAIT-2": "fin-wait-2",
  "CLOSE-WAIT": "close-wait",
  "LAST-ACK": "last-ack",
  CLOSING: "closing",
};

/** `addr:port` as ss prints it (`[::1]:5556`, `*` for 0 ports, `0.0.0.0:*`). */
function splitEndpoint(s: string): { address: string; port: number } {
  const i = s.lastIndexOf(":");
  let address = s.slice(0, i).replace(/^\[|\]$/g, "");
  if (address === "*") address = "0.0.0.0";
  const p = s.slice(i + 1);
  return { address, port: p === "*" ? 0 : Number(p) };
}

interface SsInet {
  state: string;
  rqueue: number;
  wqueue: number;
  local: { address: string; port: number };
  remote: { address: string; port: number };
  inode: number;
  detail: string;
}

function ss(ns: string, args: string[]): string {
  const r = spawnSync("ip", ["netns", "exec", ns, "ss", ...args], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** `ss -tanHei` / `ss -uanHe`: one entry per socket (the -i line joined). */
function ssInet(ns: string, args: string[]): SsInet[] {
  const out: SsInet[] = [];
  for (const line of ss(ns, args).split("\n")) {
    if (!line.trim()) continue;
    if (/^\s/.test(line)) {
      out[out.length - 1]!.detail += " " + line.trim();
      continue;
    }
    const f = line.trim().split(/\s+/);
    out.push({
      state: SS_STATES[f[0]!] ?? f[0]!,
      rqueue: Number(f[1]),
      wqueue: Number(f[2]),
      local: splitEndpoint(f[3]!),
      remote: splitEndpoint(f[4]!),
      inode: Number(/ino:(\d+)/.exec(line)?.[1] ?? -1),
      detail: "",
    });
  }
  return out;
}

const key = (
  s: { local: { address: string; port: number }; remote: { address: string; port: number } },
) => `${s.local.address}:${s.local.port}>${s.remote.address}:${s.remote.port}`;

describe("socket diagnostics against ss", { skip }, () => {
  let ns = "";
  let child: ChildProcess | undefined;
  let diag: DiagSocket;
  let dgramPath = "";

  before(async () => {
    ns = createTestNetns();
    dgramPath = join(testTmpDir(), `nlrt-dgram-${process.pid}`);
    child = spawn("ip", ["netns", "exec", ns, "python3", "-c", SCRIPT, dgramPath], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on("data", (d: Buffer) => String(d).includes("ready") && resolve());
      child!.on("exit", (code) => reject(new Error(`python3 exited with ${code}`)));
    });
    diag = await DiagSocket.open({ netns: ns });
  });
  after(() => {
    diag?.close();
    child?.stdin?.end();
    child?.kill();
    removeTestNetns(ns);
  });

  it("TCP: every socket ss lists, with the same state, queues, ends and inode", async () => {
    const ours = await diag.inet({ protocol: "tcp" });
    const theirs = ssInet(ns, ["-tanHe"]);
    assert.equal(ours.length, theirs.length, JSON.stringify(theirs));
    assert.ok(ours.length >= 4, "listeners on 5555 and 5556, and both ends of the connection");
    const byKey = new Map(ours.map((s) => [key(s), s]));
    for (const t of theirs) {
      const o = byKey.get(key(t));
      assert.ok(o, `nlroute has ${key(t)}`);
      assert.deepEqual(
        [o.state, o.rqueue, o.wqueue, o.inode],
        [t.state, t.rqueue, t.wqueue, t.inode],
        key(t),
      );
      assert.equal(o.protocol, "tcp");
    }
    const client = ours.find((s) => s.remote.port === 5555)!;
    assert.equal(client.rqueue, 10, "the 10 bytes the server sent, unread");
    assert.equal(ours.find((s) => s.local.port === 5556)?.family, 10);
  });

  it("tcp_info and congestion control match ss -i", async () => {
    const ours = await diag.inet({
      protocol: "tcp",
      states: ["established"],
      extensions: ["info", "cong"],
    });
    const theirs = ssInet(ns, ["-tanHei"]).filter((t) => t.state === "established");
    assert.equal(ours.length, 2);
    for (const t of theirs) {
      const o = ours.find((s) => key(s) === key(t))!;
      const d = t.detail;
      assert.ok(
        d.includes(` ${o.cong} `) || d.startsWith(`${o.cong} `) || d.includes(`${o.cong} wscale`),
        `${o.cong} in: ${d}`,
      );
      assert.equal(`wscale:${o.info!.sndWscale},${o.info!.rcvWscale}`, /wscale:\S+/.exec(d)?.[0]);
      assert.equal(`mss:${o.info!.sndMss}`, /\bmss:\d+/.exec(d)?.[0]);
      assert.equal(`cwnd:${o.info!.sndCwnd}`, /\bcwnd:\d+/.exec(d)?.[0]);
      assert.equal(`rto:${o.info!.rto! / 1000}`, /\brto:[\d.]+/.exec(d)?.[0]);
      assert.equal(o.info!.state, 1);
    }
  });

  it("kernel-side filters: states, local and remote address and port, family", async () => {
    const listen = await diag.inet({ states: ["listen"] });
    assert.deepEqual(listen.map((s) => s.local.port).sort(), [5555, 5556]);
    const port = await diag.inet({ local: { port: 5555 } });
    assert.deepEqual(port.map((s) => s.state).sort(), ["established", "listen"]);
    const remote = await diag.inet({ remote: { address: "127.0.0.0/8", port: 5555 } });
    assert.deepEqual(remote.map((s) => s.local.port).filter((p) => p !== 5555).length, 1);
    assert.equal(remote.length, 1, "the client end only");
    const v6 = await diag.inet({ family: 6 });
    assert.deepEqual(v6.map((s) => `${s.local.address}:${s.local.port}`), ["::1:5556"]);
    assert.deepEqual(await diag.inet({ local: { address: "10.0.0.0/8" } }), []);
    assert.deepEqual(await diag.inet({ family: 4, local: { address: "::1" } }), []);
  });

  it("UDP: the bound socket, as ss -uan lists it", async () => {
    const ours = await diag.inet({ protocol: "udp" });
    const theirs = ssInet(ns, ["-uanHe"]);
    assert.deepEqual(
      ours.map((s) => [key(s), s.state, s.inode]),
      theirs.map((t) => [key(t), t.state, t.inode]),
    );
    assert.equal(ours[0]?.local.port, 5557);
  });

  it("unix: type, state, queues, name, inode and peer as ss -xa lists them", async () => {
    const ours = await diag.unix();
    const TYPES: Record<string, string> = { u_str: "stream", u_dgr: "dgram", u_seq: "seqpacket" };
    const theirs = ss(ns, ["-xaH"]).split("\n").filter((l) => l.trim()).map((l) => {
      const f = l.trim().split(/\s+/);
      return {
        type: TYPES[f[0]!],
        state: SS_STATES[f[1]!],
        rqueue: Number(f[2]),
        wqueue: Number(f[3]),
        name: f[4] === "*" ? undefined : f[4],
        inode: Number(f[5]),
        peer: Number(f[7]),
      };
    });
    assert.equal(ours.length, theirs.length);
    const byInode = new Map(ours.map((s) => [s.inode, s]));
    for (const t of theirs) {
      const o = byInode.get(t.inode)!;
      assert.ok(o, `inode ${t.inode}`);
      assert.deepEqual(
        [o.type, o.state, o.rqueue, o.wqueue, o.name, o.peer ?? 0],
        [t.type, t.state, t.rqueue, t.wqueue, t.name, t.peer],
        String(t.inode),
      );
    }
    assert.ok(ours.some((s) => s.name === "@nlrt-abs" && s.state === "listen"));
    assert.ok(ours.some((s) => s.name === dgramPath && s.type === "dgram" && s.vfs));
    const listeners = await diag.unix({ states: ["listen"] });
    assert.deepEqual(listeners.map((s) => s.name), ["@nlrt-abs"]);
  });

  it("results are plain data: JSON, keys, inspection", async () => {
    const [s] = await diag.inet({ states: ["listen"], extensions: ["info", "skmeminfo"] });
    const copy = JSON.parse(JSON.stringify(s)) as InetSocket;
    assert.deepEqual(copy.local, s!.local);
    assert.ok(Object.keys(s!).includes("inode"));
    assert.equal(typeof s!.cookie, "string");
  });

  it("destroy: the kernel aborts the socket (ss -K), or is skipped with its reason", async (t) => {
    const [client] = await diag.inet({ remote: { port: 5555 } });
    try {
      await diag.destroy(client!);
    } catch (e) {
      if (e instanceof NetlinkError && (e.code === "EOPNOTSUPP" || e.code === "ENOENT")) {
        t.skip(skipReason(`SOCK_DESTROY: ${e.message}`) as string);
        return;
      }
      throw e;
    }
    const left = await diag.inet({ remote: { port: 5555 } });
    assert.ok(left.every((s) => s.cookie !== client!.cookie), "the destroyed socket is gone");
  });

  it("bad queries are refused naming the argument", async () => {
    const refuses = (p: Promise<unknown>, argument: string) =>
      assert.rejects(p, (e: unknown) => {
        assert.ok(e instanceof ArgumentError, String(e));
        assert.equal((e as ArgumentError).argument, argument);
        return true;
      });
    await refuses(diag.inet({ states: ["listening" as never] }), "states[0]");
    await refuses(diag.inet({ protocol: "tcpp" }), "protocol");
    await refuses(diag.inet({ local: { port: 70000 } }), "local.port");
    await refuses(diag.inet({ remote: { address: "1.2.3" } }), "remote.address");
    await refuses(diag.inet({ family: 5 as never }), "family");
    await refuses(diag.inet({ extensions: ["tcpinfo" as never] }), "extensions[0]");
    await refuses(diag.inet({ sport: 80 } as never), "sport");
    await refuses(diag.unix({ states: [] }), "states");
    await refuses(diag.destroy({ ...(await diag.inet())[0]!, cookie: "x" }), "sock.cookie");
  });
});
