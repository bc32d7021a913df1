/**
 * `nlroute monitor`: one line (or one JSON object) per event in a throwaway
 * namespace, until SIGINT ends it with status 130.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ip } from "./helpers.ts";
import { lines, live, quietIPv6, startCapture, throwawayNamespace } from "./cli_util.ts";

/** Runs `nlroute -n ns [-j] monitor …`, makes changes once it listens, stops it with SIGINT. */
async function monitorRun(
  ns: string,
  args: string[],
  changes: string[][],
  until: (out: string) => boolean,
): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  const child = startCapture(undefined, ["-n", ns, ...args]);
  const exited = child.exited;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  try {
    // Nudge until the monitor prints something: then it is listening.
    let mtu = 1300;
    for (let i = 0; i < 150 && child.out() === ""; i++) {
      ip(["link", "set", "lo", "mtu", String(mtu++)], ns);
      await sleep(100);
    }
    assert.notEqual(child.out(), "", `the monitor printed nothing (stderr: ${child.err()})`);
    for (const c of changes) ip(c, ns);
    for (let i = 0; i < 100 && !until(child.out()); i++) await sleep(100);
  } finally {
    child.kill("SIGINT");
  }
  const [code, signal] = await exited;
  return { code, signal, out: child.out(), err: child.err() };
}

/**
 * The monitor ends on SIGINT with status 130. Bun exits with 130; Deno, after
 * running the handler, re-raises the signal at exit, so the parent sees the
 * signal itself (a shell shows 130 either way).
 */
function assertInterrupted(code: number | null, signal: string | null): void {
  assert.ok(
    code === 130 || (code === null && signal === "SIGINT"),
    `exit ${code}, signal ${signal}`,
  );
}

describe("nlroute: monitor (live)", live, () => {
  let ns = "";
  throwawayNamespace(quietIPv6, (name) => (ns = name));

  it("prints one line per event until interrupted", async () => {
    const { code, signal, out, err } = await monitorRun(
      ns,
      ["monitor", "link", "address", "rule"],
      [
        ["link", "add", "m0", "type", "veth", "peer", "name", "m1"],
        ["addr", "add", "10.8.0.1/24", "dev", "m0"],
        ["rule", "add", "priority", "777", "table", "7"],
        ["rule", "del", "priority", "777"],
        ["link", "del", "m0"],
      ],
      (o) => o.includes("Deleted") && /Deleted \d+: m0/.test(o),
    );
    assert.equal(err, "");
    assertInterrupted(code, signal);
    const got = lines(out);
    assert.ok(
      got.some((l) => /^\d+: m0@m1: <.*> mtu 1500/.test(l) && l.includes("\\    link/ether")),
      out,
    );
    assert.ok(got.some((l) => /^\d+: m0 +inet 10\.8\.0\.1\/24 scope global m0\\/.test(l)), out);
    assert.ok(got.includes("777:\tfrom all lookup 7"), out);
    assert.ok(got.includes("Deleted 777:\tfrom all lookup 7"), out);
    assert.ok(got.some((l) => /^Deleted \d+: m0/.test(l)), out);
    assert.ok(got.every((l) => !l.includes("\n")));
  });

  it("prints JSON objects, one per line, with -j", async () => {
    const { code, signal, out } = await monitorRun(
      ns,
      ["-j", "monitor", "link", "rule"],
      [["rule", "add", "priority", "778", "table", "8"], ["rule", "del", "priority", "778"]],
      (o) => o.includes('"deleted":true'),
    );
    assertInterrupted(code, signal);
    const events = lines(out).filter((l) => l !== "").map((l) => JSON.parse(l));
    assert.ok(events.some((e) => e.priority === 778 && e.table === "8" && !e.deleted), out);
    assert.ok(events.some((e) => e.priority === 778 && e.deleted === true), out);
  });
});
