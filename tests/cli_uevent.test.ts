/**
 * `nlroute uevent monitor`: device events printed as udevadm monitor
 * --property prints them (text) or one JSON object per line (-j), live in a
 * throwaway namespace, checked against `ip -j link`; stopped with SIGINT.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ip, ipJson } from "./helpers.ts";
import { lines, live, nlroute, startCapture, throwawayNamespace } from "./cli_util.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `nlroute -n ns args…`; once it listens (a probe veth's events show
 * up), makes `changes`, waits until `until` holds, then stops it with SIGINT.
 */
async function ueventRun(
  ns: string,
  args: string[],
  probe: string,
  changes: string[][],
  until: (out: string) => boolean,
): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  const child = startCapture(undefined, ["-n", ns, ...args]);
  const exited = child.exited;
  try {
    for (let i = 0; i < 100 && !child.out().includes(`/net/${probe}`); i++) {
      ip(["link", "add", probe, "type", "veth", "peer", "name", `${probe}p`], ns);
      await sleep(100);
      ip(["link", "del", probe], ns);
    }
    assert.ok(child.out().includes(`/net/${probe}`), `nothing printed (stderr: ${child.err()})`);
    for (const c of changes) ip(c, ns);
    for (let i = 0; i < 100 && !until(child.out()); i++) await sleep(100);
  } finally {
    child.kill("SIGINT");
  }
  const [code, signal] = await exited;
  return { code, signal, out: child.out(), err: child.err() };
}

/** Exit 130 (Bun), or the re-raised SIGINT (Deno): see cli_monitor.test.ts. */
function assertInterrupted(code: number | null, signal: string | null): void {
  assert.ok(
    code === 130 || (code === null && signal === "SIGINT"),
    `exit ${code}, signal ${signal}`,
  );
}

describe("nlroute: uevent monitor (live)", live, () => {
  let ns = "";
  throwawayNamespace(() => {}, (name) => (ns = name));

  it("prints each event as udevadm monitor --property does, subsystems filtered", async () => {
    const { code, signal, out, err } = await ueventRun(
      ns,
      ["uevent", "monitor", "subsystem", "net"],
      "pr0",
      [["link", "add", "cu0", "type", "veth", "peer", "name", "cu1"]],
      (o) => o.includes("/devices/virtual/net/cu0 (net)"),
    );
    assert.equal(err, "");
    assertInterrupted(code, signal);
    const blocks = out.split("\n\n").filter((b) => b !== "").map((b) => lines(b));
    for (const b of blocks) {
      assert.match(b[0]!, /^KERNEL\[\d+\] (add|remove) +\/devices\/virtual\/net\/\S+ \(net\)$/);
    }
    const ifindex = ipJson(["link", "show", "cu0"], ns)[0].ifindex;
    const cu0 = blocks.find((b) => b[0]!.includes("/net/cu0 "))!;
    assert.ok(cu0, out);
    const seq = /^KERNEL\[(\d+)\]/.exec(cu0[0]!)![1];
    assert.equal(cu0[0], `KERNEL[${seq}] add      /devices/virtual/net/cu0 (net)`);
    assert.deepEqual(cu0.slice(1), [
      "ACTION=add",
      "DEVPATH=/devices/virtual/net/cu0",
      "SUBSYSTEM=net",
      "INTERFACE=cu0",
      `IFINDEX=${ifindex}`,
      `SEQNUM=${seq}`,
    ]);
    assert.ok(!out.includes("(queues)"), out);
    ip(["link", "del", "cu0"], ns);
  });

  it("prints one JSON object per line with -j", async () => {
    const { code, signal, out } = await ueventRun(
      ns,
      ["-j", "uevent", "monitor"],
      "pj0",
      [["link", "add", "cj0", "type", "veth", "peer", "name", "cj1"], ["link", "del", "cj0"]],
      (o) => o.includes('"remove","devpath":"/devices/virtual/net/cj1"'),
    );
    assertInterrupted(code, signal);
    const events = lines(out).map((l) => JSON.parse(l));
    const add = events.find((e) => e.devpath === "/devices/virtual/net/cj0" && e.action === "add");
    assert.ok(add, out);
    assert.deepEqual(Object.keys(add), [
      "action",
      "devpath",
      "subsystem",
      "seqnum",
      "source",
      "env",
    ]);
    assert.equal(add.subsystem, "net");
    assert.equal(add.source, "kernel");
    assert.equal(add.env.INTERFACE, "cj0");
    assert.equal(add.env.SEQNUM, String(add.seqnum));
    assert.ok(events.some((e) => e.subsystem === "queues"), "no filter: the queues' events too");
    assert.ok(
      events.some((e) => e.devpath === "/devices/virtual/net/cj1" && e.action === "remove"),
    );
  });

  it("refuses an unknown word", () => {
    const r = nlroute(["uevent", "monitor", "bogus"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Argument "bogus" is unknown for "uevent monitor"/);
    assert.match(nlroute(["uevent", "help"]).stdout, /^Usage: nlroute uevent monitor/);
  });
});
