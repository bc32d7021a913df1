/**
 * Traffic really shaped: a tbf (and an htb class) made by nlroute on a veth
 * between two throwaway namespaces limits a bounded TCP transfer to the rate
 * asked for, within ±20 % — the numbers reach the kernel as meant. The
 * transfer runs in python3 processes inside the namespaces (the clock is the
 * sender's: from the first byte to the receiver's reply after the last).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { IPRoute } from "../mod.ts";
import { createTestNetns, isRoot, removeTestNetns, skipReason } from "./helpers.ts";

const PYTHON = ["/usr/bin/python3", "python3"].find((p) =>
  spawnSync(p, ["-c", "pass"]).status === 0
);
const SKIP = skipReason(
  !isRoot ? "needs root for namespaces" : !PYTHON && "no python3 to run the transfer",
);

const RECEIVER = `
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.77.0.2", 5001)); s.listen(1); print("ready", flush=True)
c, _ = s.accept(); want = int(sys.argv[1]); got = 0
while got < want:
    b = c.recv(65536)
    if not b: break
    got += len(b)
c.sendall(b"done"); c.close()
`;
const SENDER = `
import socket, sys, time
n = int(sys.argv[1]); s = socket.create_connection(("10.77.0.2", 5001))
t = time.monotonic(); s.sendall(b"x" * n); s.recv(4)
print(time.monotonic() - t)
`;

/** Sends `bytes` from namespace `a` to `b` over TCP; the seconds it took. */
async function transfer(a: string, b: string, bytes: number): Promise<number> {
  const rx = spawn("ip", ["netns", "exec", b, PYTHON!, "-c", RECEIVER, String(bytes)]);
  await new Promise<void>((resolve, reject) => {
    rx.stdout.once("data", () => resolve());
    rx.once("exit", (code) => reject(new Error(`receiver exited ${code}`)));
  });
  try {
    const out = execFileSync("ip", ["netns", "exec", a, PYTHON!, "-c", SENDER, String(bytes)], {
      encoding: "utf8",
      timeout: 60_000,
    });
    return Number(out.trim());
  } finally {
    rx.kill();
  }
}

/** Two namespaces joined by a veth (a0 10.77.0.1 ↔ b0 10.77.0.2), both ends up. */
async function pair(fn: (a: string, b: string, ipr: IPRoute) => Promise<void>): Promise<void> {
  const a = createTestNetns();
  const b = createTestNetns();
  try {
    execFileSync("ip", [
      "-n",
      a,
      "link",
      "add",
      "a0",
      "type",
      "veth",
      "peer",
      "name",
      "b0",
      "netns",
      b,
    ]);
    execFileSync("ip", ["-n", a, "addr", "add", "10.77.0.1/24", "dev", "a0"]);
    execFileSync("ip", ["-n", b, "addr", "add", "10.77.0.2/24", "dev", "b0"]);
    for (const [ns, dev] of [[a, "a0"], [b, "b0"], [a, "lo"], [b, "lo"]]) {
      execFileSync("ip", ["-n", ns!, "link", "set", dev!, "up"]);
    }
    await using ipr = await IPRoute.open({ netns: a });
    await fn(a, b, ipr);
  } finally {
    removeTestNetns(a);
    removeTestNetns(b);
  }
}

/** TCP payload per byte on the wire at MTU 1500 (1448 of 1514 with timestamps). */
const GOODPUT = 1448 / 1514;

describe("tc shapes traffic (live, two namespaces)", { skip: SKIP }, () => {
  it("a tbf rate on the sender's veth limits a 400 kB transfer to within ±20 %", async () => {
    await pair(async (a, b, ipr) => {
      const rate = 250_000; // bytes/s: "2mbit"
      await ipr.qdisc("add", {
        index: "a0",
        kind: "tbf",
        rate: "2mbit",
        burst: "10kb",
        latency: "100ms",
      });
      const bytes = 400_000;
      const seconds = await transfer(a, b, bytes);
      const measured = bytes / seconds;
      const expected = rate * GOODPUT;
      assert.ok(
        Math.abs(measured - expected) <= 0.2 * expected,
        `tbf 2mbit: ${Math.round(measured)} B/s measured, ${Math.round(expected)} expected`,
      );
    });
  });

  it("an htb class rate (steered by a u32 filter) limits the transfer within ±20 %", async () => {
    await pair(async (a, b, ipr) => {
      await ipr.qdisc("add", { index: "a0", kind: "htb", handle: "1:", default: "99" });
      await ipr.tclass("add", {
        index: "a0",
        kind: "htb",
        parent: "1:",
        classid: "1:10",
        rate: "3mbit",
        burst: "6kb",
      });
      await ipr.filter("add", {
        index: "a0",
        parent: "1:",
        protocol: "ip",
        prio: 1,
        kind: "u32",
        match: [{ ip: { dst: "10.77.0.2/32" } }],
        classid: "1:10",
      });
      const bytes = 600_000;
      const seconds = await transfer(a, b, bytes);
      const measured = bytes / seconds;
      const expected = 375_000 * GOODPUT;
      assert.ok(
        Math.abs(measured - expected) <= 0.2 * expected,
        `htb 3mbit: ${Math.round(measured)} B/s measured, ${Math.round(expected)} expected`,
      );
      // The class saw the transfer: its byte counter is at least the payload.
      const cls = (await ipr.getClasses({ index: "a0" })).find((c) => c.classid === "1:10")!;
      assert.ok(cls.stats!.bytes >= bytes, `class 1:10 sent ${cls.stats!.bytes} bytes`);
    });
  });
});
