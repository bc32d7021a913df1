/**
 * `nlroute ss`, against ss 6.1: in a throwaway namespace a python3 process
 * holds TCP listeners and a connection with queued bytes (IPv4 and IPv6),
 * a listener bound to lo, a TIME-WAIT socket, UDP sockets (unconnected,
 * connected, IPv6 v6only) and unix sockets (an abstract listener, a
 * socketpair, a bound datagram socket); `nlroute -n NS
 * ss ARGS` must print what `ip netns exec NS ss -n ARGS` prints, byte for
 * byte (ss's column widths included: ss pads each column to its widest
 * field when its output is a pipe, and so does nlroute), for the tables,
 * families, states, state filters, filter expressions, `-e`, `-m`, `-o` and
 * `-H` (and on a terminal, run under script(1), where ss spreads the columns
 * over the screen's width); `-i` too, but for the `last*` times (which move on between the two
 * runs) and the trailing padding they change. `-N NS` is compared with `ss -N NS`, `-j` with the sockets ss
 * lists, `-K` with what ss listed before and after. Bad input is one clear
 * line and exit status 1.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { helpText } from "../cli/help.ts";
import { parseFilter, parseSs, scanState } from "../cli/parse/ss.ts";
import { fmtG, msTimer } from "../cli/format/ss.ts";
import { createTestNetns, isRoot, removeTestNetns, skipReason, testTmpDir } from "./helpers.ts";
import { argvFor, childEnv, nlroute, ok } from "./cli_util.ts";

const hasSs = spawnSync("ss", ["-V"]).status === 0;
const skip = !isRoot
  ? skipReason("needs root for namespaces")
  : !hasSs
  ? skipReason("needs ss (iproute2)")
  : false;

/** The sockets the python3 process holds open until its stdin closes. */
const SCRIPT = `
import socket, sys
l = socket.socket(); l.bind(("127.0.0.1", 5555)); l.listen(7)
c = socket.create_connection(("127.0.0.1", 5555)); a, _ = l.accept()
a.send(b"x" * 10)  # 10 bytes queued at c
l6 = socket.socket(socket.AF_INET6); l6.bind(("::", 5556)); l6.listen(3)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 5557))
uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); uc.connect(("127.0.0.1", 5557))
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
u6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1); u6.bind(("::1", 5558))
x = socket.socket(socket.AF_UNIX); x.bind("\\0nlrt-ss-abs"); x.listen(2)
b = socket.socket(); b.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lo")
b.bind(("127.0.0.1", 5560)); b.listen(1)  # bound to lo: 127.0.0.1%lo:5560
t = socket.create_connection(("127.0.0.1", 5555)); ta, _ = l.accept()
t.close(); ta.close()  # t's end waits in TIME-WAIT
p1, p2 = socket.socketpair()
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); d.bind(sys.argv[1])
print("ready", flush=True)
sys.stdin.read()
`;

/** `ss -n args…` inside `ns` (stdout only: ss warns on stderr when it finds no cgroup2 mount). */
function ss(ns: string, args: string[]): string {
  const r = spawnSync("ip", ["netns", "exec", ns, "ss", "-n", ...args], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** The words of one test case (`-tan sport = :5555` → its argv). */
const argv = (s: string) => s.split(" ").filter(Boolean);

describe("nlroute ss: the command line", () => {
  it("selects tables, families and states as ss does", () => {
    const a = (s: string) => parseSs(argv(s), 0).extras.ss!;
    assert.deepEqual(a("-t").tables, ["tcp"]);
    assert.deepEqual(a("-t").families, ["inet", "inet6"]);
    assert.deepEqual(a("-x").tables, ["unix_stream", "unix_dgram", "unix_seqpacket"]);
    assert.deepEqual(a("-4").tables, ["tcp", "udp", "raw"]);
    assert.deepEqual(a("-tu4").families, ["inet"]);
    assert.equal(a("-u").states, 1 << 1, "connected UDP only");
    assert.equal(a("-ul").states, (1 << 10) | (1 << 7), "listening and unconnected");
    assert.equal(a("-ta").states, (1 << 12) - 1);
    assert.equal(a("-t state listening").states, 1 << 10);
    assert.equal(a("-t exclude listening").states, ((1 << 12) - 1) & ~(1 << 10));
    assert.equal(a("-t state established state time-wait").states, (1 << 1) | (1 << 6));
    assert.deepEqual(a("--tcp --net=x --no-header").netns, "x");
    assert.equal(a("-tN x").netns, "x");
    assert.equal(a("-t -H").header, false);
    assert.deepEqual(a("-A unix_dgram,tcp").tables, ["tcp", "unix_dgram"]);
    assert.deepEqual(parseSs([], 10).extras.ss!.families, ["inet6"], "the global -6");
    assert.equal(scanState("LISTENING"), 1 << 10);
  });

  it("reads filter expressions as ss's grammar does", () => {
    assert.deepEqual(parseFilter(["sport = :22"]), {
      kind: "port",
      end: "local",
      op: "eq",
      port: 22,
    });
    const e = parseFilter(argv("( sport >= :1024 or dport != 80 ) and not src 10.0.0.0/8"));
    assert.equal(e.kind, "and");
    const dst = parseFilter(["dst", "[::1]:5556"]);
    assert.equal(dst.kind === "addr" && dst.port, 5556);
    assert.equal(dst.kind === "addr" && dst.prefix?.prefixlen, 128);
    const any = parseFilter(["src", "*:22"]);
    assert.deepEqual(any, { kind: "addr", end: "local", port: 22 });
    const v6 = parseFilter(["src", "2001:db8::/32"]);
    assert.equal(v6.kind === "addr" && v6.port, undefined);
  });

  it("formats numbers as ss's printf does", () => {
    assert.deepEqual(
      [fmtG(204), fmtG(0.049), fmtG(0.0245), fmtG(1234567), fmtG(0.00001), fmtG(3)],
      ["204", "0.049", "0.0245", "1.23457e+06", "1e-05", "3"],
    );
    assert.deepEqual(
      [msTimer(200), msTimer(1500), msTimer(12500), msTimer(61000), msTimer(700000)],
      ["200ms", "1.500ms", "12sec", "1min1sec", "11min"],
    );
  });

  it("refuses bad input with one clear line and exit status 1", () => {
    const cases: [string[], RegExp][] = [
      [["ss", "-Q"], /^Error: Option "-Q" of ss is unknown, try "nlroute ss help"\.\n$/],
      [["ss", "--frobnicate"], /^Error: Option "--frobnicate" of ss is unknown/],
      [["ss", "-p"], /^Error: Option "-p" \(ss's --processes\) is not supported by nlroute\.\n$/],
      [
        ["ss", "-tan", "state", "listen"],
        /^Error: argument "state": expected a state such as listening, .*got "listen"\n$/,
      ],
      [["ss", "state"], /^Error: "state" needs a state name\.\n$/],
      [
        ["ss", "-t", "sport", "=", ":abc"],
        /^Error: ss filter: expected a port number .*got ":abc"\.\n$/,
      ],
      [["ss", "-t", "sport", "="], /^Error: ss filter: expected a port number .*got the end\.\n$/],
      [["ss", "-t", "src", "1.2.3.4.5"], /^Error: ss filter: expected an inet prefix/],
      [
        ["ss", "-t", "sport = :22 )"],
        /^Error: ss filter: expected and, or or the end, got "\)"\.\n$/,
      ],
      [["ss", "-t", "( sport = :22"], /^Error: ss filter: expected "\)", got the end\.\n$/],
      [
        ["ss", "-t", "bogus"],
        /^Error: ss filter: expected sport, dport, src, dst, not or \(, got "bogus"\.\n$/,
      ],
      [["ss", "-tN"], /^Error: Option "-N" of ss needs a value\.\n$/],
      [
        ["ss", "-f", "link"],
        /^Error: argument "family": expected inet, inet6 or unix, got "link"\n$/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = nlroute(args);
      assert.equal(r.code, 1, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(" "));
      assert.equal(r.stdout, "");
    }
  });

  it("has its help", () => {
    for (const args of [["ss", "help"], ["ss", "--help"], ["help", "ss"]]) {
      const r = nlroute(args);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, helpText("ss"));
    }
    assert.match(helpText("ss"), /^Usage: nlroute \[ -n NS \] \[ -j \] ss /);
    assert.match(helpText(""), /\| ss [|}]/);
  });
});

describe("nlroute ss against ss", { skip }, () => {
  let ns = "";
  let child: ChildProcess | undefined;
  let dgramPath = "";

  before(async () => {
    ns = createTestNetns();
    dgramPath = join(testTmpDir(), `nlrt-ss-dgram-${process.pid}`);
    child = spawn("ip", ["netns", "exec", ns, "python3", "-c", SCRIPT, dgramPath], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      child!.stdout!.on("data", (d: Buffer) => String(d).includes("ready") && resolve());
      child!.on("exit", (code) => reject(new Error(`python3 exited with ${code}`)));
    });
  });
  after(() => {
    child?.stdin?.end();
    child?.kill();
    removeTestNetns(ns);
  });

  it("the scene holds what the cases compare (TIME-WAIT, an interface, queued bytes)", () => {
    const text = ok(ns, ["ss", "-tuxa"]);
    for (const want of [/TIME-WAIT/, /127\.0\.0\.1%lo:5560/, /ESTAB +10 /, /\[::1\]:5558/]) {
      assert.match(text, want);
    }
    assert.match(ok(ns, ["ss", "-tano"]), /timer:\(timewait,/);
  });

  const SAME = [
    "-tan",
    "-tanH",
    "-ta",
    "-t",
    "-tln",
    "-4tan",
    "-6tan",
    "-uan",
    "-ua",
    "-u",
    "-ul",
    "-xa",
    "-x",
    "-xl",
    "-tua",
    "-tuxa",
    "-tane",
    "-taneH",
    "-uane",
    "-xae",
    "-tanm",
    "-uanm",
    "-xam",
    "-ta state time-wait",
    "-a -A tcp,udp,unix",
    "-a -A unix_dgram,unix_stream",
    "-a -f inet",
    "-ta state established",
    "-ta state listening",
    "-ta state established state listening",
    "-ta exclude listening",
    "-xa state listening",
    "-ta sport = :5555",
    "-ta dport = :5555",
    "-ta sport == :5555 and dport != :5555",
    "-ta ( sport = :5555 or dport = :5555 )",
    "-ta not sport = :5555",
    "-ta sport > :5555",
    "-ta src 127.0.0.1",
    "-ta dst 127.0.0.1:5555",
    "-ta src 127.0.0.0/8",
    "-ta src [::]",
    "-ua dst *:5557",
  ];
  // A TIME-WAIT socket's timer (-e, -o) counts seconds down between the two listings: the
  // seconds are masked, everything else (the widths included) compared byte for byte.
  const timewait = (text: string) =>
    text.replace(/timer:\(timewait,\d+sec,/g, "timer:(timewait,Nsec,");
  for (const c of SAME) {
    it(`ss ${c}: the same text, byte for byte`, () => {
      assert.equal(timewait(ok(ns, ["ss", ...argv(c)])), timewait(ss(ns, argv(c))));
    });
  }

  const hasScript = spawnSync("script", ["-V"]).status === 0;
  for (const c of ["-tan", "-xa", "-tuxam"]) {
    for (const cols of [80, 50, 200]) {
      it(`ss ${c} on a terminal ${cols} columns wide: ss's spread columns`, {
        skip: !hasScript && skipReason("needs script (util-linux) for a terminal"),
      }, () => {
        const quote = (w: string) => `'${w.replace(/'/g, "'\\''")}'`;
        const onTty = (cmd: string[]) => {
          const line = `stty cols ${cols}; ${cmd.map(quote).join(" ")}`;
          const r = spawnSync("script", ["-qec", line, "/dev/null"], {
            encoding: "utf8",
            env: childEnv(),
          });
          assert.equal(r.status, 0, r.stdout);
          return r.stdout;
        };
        const ours = onTty([process.execPath, ...argvFor(["-n", ns, "ss", ...argv(c)])]);
        assert.equal(ours, onTty(["ip", "netns", "exec", ns, "ss", "-n", ...argv(c)]));
      });
    }
  }

  it("-N NS runs in the namespace as ss -N does", () => {
    const ours = nlroute(["ss", "-N", ns, "-tan"]);
    assert.equal(ours.code, 0, ours.stderr);
    const r = spawnSync("ss", ["-N", ns, "-tan"], { encoding: "utf8" });
    assert.equal(ours.stdout, r.stdout);
  });

  for (const c of ["-tani", "-tanmi", "-taneoi", "-xai", "-uani", "-tano", "-taneo"]) {
    it(`ss ${c}: the same text, the times masked`, () => {
      // Milliseconds since the last send and receive, and the timers, move on between the two
      // runs (and may gain a digit: the trailing padding is left out of the comparison).
      const mask = (text: string) =>
        text.split("\n").map((l) =>
          l.replace(/\b(last(?:snd|rcv|ack)):\d+/g, "$1:N")
            .replace(/timer:\((\w+),[^,]*,/g, "timer:($1,T,")
            .replace(/\s+$/, "")
        );
      assert.deepEqual(mask(ok(ns, ["ss", ...argv(c)])), mask(ss(ns, argv(c))));
    });
  }

  it("-j: DiagSocket's objects, the sockets ss lists", () => {
    const list = JSON.parse(ok(ns, ["-j", "ss", "-tan"])) as {
      state: string;
      inode: number;
      local: { port: number };
    }[];
    const inodes = ss(ns, ["-tanHe"]).split("\n").filter(Boolean).map((l) =>
      Number(/ino:(\d+)/.exec(l)?.[1])
    );
    assert.deepEqual(list.map((s) => s.inode), inodes);
    const unix = JSON.parse(ok(ns, ["ss", "-j", "-xa"])) as { inode: number }[];
    assert.deepEqual(
      unix.map((s) => s.inode),
      ss(ns, ["-xaH"]).split("\n").filter(Boolean).map((l) => Number(l.trim().split(/\s+/)[5])),
    );
    assert.ok(list.some((s) => s.state === "listen" && s.local.port === 5556));
  });

  it("-K destroys what it lists, as ss -K (or is skipped with the kernel's reason)", (t) => {
    const filter = ["dst", "127.0.0.1:5555"];
    const before = ss(ns, ["-tn", ...filter]);
    assert.equal(before.split("\n").filter(Boolean).length, 2, "the client end, and the header");
    const killed = ok(ns, ["ss", "-K", "-tn", ...filter]);
    const still = ss(ns, ["-tnH", ...filter]);
    if (killed.split("\n").filter(Boolean).length === 1 && still !== "") {
      // ss -K leaves out what the kernel cannot destroy (EOPNOTSUPP: no CONFIG_INET_DIAG_DESTROY).
      t.skip(skipReason("SOCK_DESTROY: not supported by this kernel") as string);
      return;
    }
    assert.equal(killed, before);
    assert.equal(still, "", "gone");
  });
});
