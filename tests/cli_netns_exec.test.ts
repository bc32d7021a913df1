/**
 * `netns exec` and `netns identify` (issue 12, item 20) against ip: the
 * program runs inside the namespace with the same environment as under `ip
 * netns exec` (its network namespace, /sys of it), its exit status is
 * nlroute's; identify names a process's namespace as ip does.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { ip } from "./helpers.ts";
import { live, nlroute, throwawayScene } from "./cli_util.ts";

/** Runs `ip netns exec ns argv…`. */
function ipExec(ns: string, argv: string[]) {
  const r = spawnSync("ip", ["netns", "exec", ns, ...argv], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("nlroute netns exec and identify, compared with ip (live)", live, () => {
  let ns = "";
  throwawayScene(["link add v0 type veth peer name v1"], (name) => (ns = name));

  it("runs the program inside the namespace, as ip netns exec does", () => {
    const programs = [
      ["readlink", "/proc/self/ns/net"],
      ["ls", "/sys/class/net"],
      ["ip", "-br", "link"],
      ["sh", "-c", "echo $0 $1; exit 0", "a", "b"],
    ];
    for (const argv of programs) {
      const ours = nlroute(["netns", "exec", ns, ...argv]);
      const theirs = ipExec(ns, argv);
      assert.equal(ours.code, 0, `${argv.join(" ")}: ${ours.stderr}`);
      assert.equal(ours.stdout, theirs.stdout, argv.join(" "));
    }
    // Not our own namespace: the program saw the namespace's.
    const here = spawnSync("readlink", ["/proc/self/ns/net"], { encoding: "utf8" }).stdout;
    assert.notEqual(nlroute(["netns", "exec", ns, "readlink", "/proc/self/ns/net"]).stdout, here);
  });

  it("exits with the program's status, 128 + n for a signal, 1 when it cannot start", () => {
    assert.equal(nlroute(["netns", "exec", ns, "sh", "-c", "exit 7"]).code, 7);
    assert.equal(nlroute(["netns", "exec", ns, "sh", "-c", "kill -TERM $$"]).code, 143);
    const missing = nlroute(["netns", "exec", ns, "no-such-program"]);
    assert.equal(missing.code, ipExec(ns, ["no-such-program"]).code);
    assert.equal(
      missing.stderr,
      'Error: exec of "no-such-program" failed: No such file or directory\n',
    );
    // The program's own options are not nlroute's.
    const help = nlroute(["netns", "exec", ns, "sh", "-c", "echo $0", "--help"]);
    assert.equal(help.stdout, "--help\n");
    const absent = nlroute(["netns", "exec", `${ns}-absent`, "true"]);
    assert.equal(absent.code, 1);
    assert.match(absent.stderr, /^Error: Cannot open network namespace/);
  });

  it("identifies a process's namespace as ip netns identify does", async () => {
    const sleeper = spawn("ip", ["netns", "exec", ns, "sleep", "30"]);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const pid = String(sleeper.pid);
      const theirs = spawnSync("ip", ["netns", "identify", pid], { encoding: "utf8" }).stdout;
      assert.equal(theirs, `${ns}\n`);
      assert.equal(nlroute(["netns", "identify", pid]).stdout, theirs);
      assert.equal(nlroute(["netns", "identify"]).stdout, ip(["netns", "identify"]));
      assert.equal(nlroute(["-n", ns, "netns", "identify"]).stdout, `${ns}\n`);
      assert.match(nlroute(["netns", "identify", "abc"]).stderr, /is not a pid/);
    } finally {
      sleeper.kill("SIGKILL");
    }
  });
});
