/**
 * Process mode (a helper process enters the namespace and passes the socket
 * back): its failures come back as typed errors (missing namespace, no
 * permission, a hang killed after the timeout, mode fork refused, bad
 * arguments), and NetlinkSocket adopts the descriptor it passes.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ArgumentError,
  IPRoute,
  NetlinkSocket,
  NetNS,
  NetnsHelperError,
  openSocketInProcess,
  RTM,
  SyscallError,
} from "../mod.ts";
import { assertNoNewFds, createTestNetns, removeTestNetns, settledFds } from "./helpers.ts";
import { describeNetns } from "./netns_util.ts";
import { childrenMatching, MOD, runSnippet } from "./netns_probes.ts";

describeNetns(() => {
  describe("process mode failures", () => {
    it("a missing namespace comes back as a typed error", async () => {
      const fds = await settledFds();
      await assert.rejects(
        IPRoute.open({ netns: "nlrt-no-such-ns", mode: "process" }),
        (e: SyscallError) => {
          assert.ok(e instanceof SyscallError, String(e));
          assert.equal(e.code, "ENOENT");
          assert.equal(e.call, "open");
          assert.equal(e.reason, "No such file or directory");
          assert.match(
            e.message,
            /^Cannot open namespace \/run\/netns\/nlrt-no-such-ns \(in the process-mode helper\): ENOENT/,
          );
          return true;
        },
      );
      // Not a namespace file: setns refuses it.
      await assert.rejects(openSocketInProcess("/dev/null"), (e: SyscallError) => {
        assert.equal(e.call, "setns");
        assert.equal(e.code, "EINVAL");
        return true;
      });
      await assertNoNewFds(fds);
      assert.deepEqual(childrenMatching("helper.ts"), []);
    });

    it("a helper without permission (no CAP_SYS_ADMIN) reports EPERM", () => {
      const ns = createTestNetns();
      try {
        const code = `
          import { IPRoute } from "${MOD}";
          try {
            await IPRoute.open({ netns: "${ns}", mode: "process" });
            console.log(JSON.stringify({ ok: true }));
          } catch (e) {
            console.log(JSON.stringify({ name: e.name, code: e.code, call: e.call, message: e.message }));
          }
        `;
        const r = runSnippet(code, [
          "setpriv",
          "--bounding-set=-sys_admin",
          "--inh-caps=-sys_admin",
          "--",
        ]);
        assert.equal(r.status, 0, r.err);
        const got = JSON.parse(r.out.trim().split("\n").at(-1)!);
        assert.equal(got.name, "SyscallError", r.out);
        assert.equal(got.code, "EPERM");
        assert.equal(got.call, "setns");
        assert.match(got.message, /in the process-mode helper/);
      } finally {
        removeTestNetns(ns);
      }
    });

    it("a helper that hangs is killed after the timeout", async () => {
      // Opening a FIFO nobody writes blocks: a real hang inside the helper.
      const dir = mkdtempSync(join(tmpdir(), "nlrt-fifo-"));
      const fifo = join(dir, "ns");
      execFileSync("mkfifo", [fifo]);
      try {
        const t0 = Date.now();
        await assert.rejects(
          IPRoute.open({ netns: fifo, mode: "process", timeout: 300 }),
          (e: NetnsHelperError) => {
            assert.ok(e instanceof NetnsHelperError, String(e));
            assert.equal(e.reason, "timeout");
            assert.equal(e.exit?.signal, "SIGKILL");
            assert.match(e.message, /did not answer within 300 ms and was killed/);
            return true;
          },
        );
        assert.ok(Date.now() - t0 < 5000);
        assert.deepEqual(childrenMatching("helper.ts"), []);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("mode fork is refused, saying why and naming the two other modes", async () => {
      await assert.rejects(IPRoute.open({ netns: "x", mode: "fork" }), (e: Error) => {
        assert.ok(e instanceof ArgumentError);
        assert.match(e.message, /^Cannot open a namespace socket with fork\(\)/);
        assert.match(e.message, /MADV_DONTFORK/);
        assert.match(e.message, /"thread"/);
        assert.match(e.message, /"process"/);
        return true;
      });
      await assert.rejects(
        NetNS.open("nlrt-never", { mode: "fork", create: false }),
        ArgumentError,
      );
    });

    it("checks its arguments before starting anything", async () => {
      await assert.rejects(openSocketInProcess("a/b"), ArgumentError);
      await assert.rejects(openSocketInProcess("x", { timeout: 0 }), ArgumentError);
      await assert.rejects(openSocketInProcess("x", { protocol: 99 }), ArgumentError);
    });
  });

  it("NetlinkSocket adopts a process-mode descriptor", async () => {
    const ns = createTestNetns();
    try {
      const fd = await openSocketInProcess(ns);
      await using sock = NetlinkSocket.open({ fd });
      const links = await sock.dump({ type: RTM.GETLINK, body: (w) => w.zeros(16) }).all();
      assert.equal(links.length, 1);
    } finally {
      removeTestNetns(ns);
    }
  });
});
