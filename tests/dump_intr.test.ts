import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DumpInterruptedError, NetlinkSocket, RTM } from "../mod.ts";
import { injectFaults } from "../ffi/libc.ts";
import { Errno } from "../ffi/errno.ts";
import { createTestNetns, ip, isRoot, removeTestNetns, testTmpDir } from "./helpers.ts";

const linkDump = {
  type: RTM.GETLINK,
  body: (w: { zeros(n: number): void }) => w.zeros(16),
};

describe("interrupted dumps (NLM_F_DUMP_INTR)", { skip: !isRoot && "needs root" }, () => {
  let ns = "";
  before(() => {
    ns = createTestNetns();
    const file = join(testTmpDir(), "intr.batch");
    writeFileSync(
      file,
      Array.from({ length: 200 }, (_, i) => `link add d${i} type veth peer name e${i}`).join("\n"),
    );
    ip(["-batch", file], ns);
    rmSync(file);
  });
  after(() => {
    injectFaults(undefined);
    removeTestNetns(ns);
  });

  /** Starts a dump, lets one datagram through, changes the links, then lets the rest come. */
  async function interrupted(run: (sock: NetlinkSocket) => Promise<unknown>, name: string) {
    await using sock = NetlinkSocket.open({ netns: ns });
    let reads = 0;
    let changed = false;
    // After the first chunk, reads find "nothing yet" until the links changed:
    // the chunks the kernel makes afterwards see the change.
    injectFaults((c) => (c === "recvfrom" && ++reads >= 2 && !changed ? Errno.EAGAIN : undefined));
    const pending = run(sock);
    await new Promise((r) => setTimeout(r, 0));
    ip(["link", "add", name, "type", "veth", "peer", "name", `${name}p`], ns);
    changed = true;
    try {
      return await pending;
    } finally {
      injectFaults(undefined);
    }
  }

  it("raises DumpInterruptedError carrying the partial result", async () => {
    await assert.rejects(
      interrupted((sock) => sock.dump(linkDump).all(), "x0"),
      (e: DumpInterruptedError) => {
        assert.ok(e instanceof DumpInterruptedError);
        assert.ok(e.partial.length > 100, `partial result of ${e.partial.length}`);
        return true;
      },
    );
  });

  it("retries an interrupted dump when asked and returns a consistent result", async () => {
    const links = await interrupted(
      (sock) => sock.dump(linkDump, { retries: 2 }).all(),
      "x1",
    ) as unknown[];
    const oracle = JSON.parse(ip(["-j", "link", "show"], ns)) as unknown[];
    assert.equal(links.length, oracle.length);
  });
});
