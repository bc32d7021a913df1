import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdtempSync, rmSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { ip, isRoot, runtime } from "./helpers.ts";

describe("the demo", {
  skip: !isRoot && "needs root (without it the demo shows the host read-only)",
}, () => {
  it("runs to completion, rolls back the failing commit, and leaves no namespace behind", () => {
    const demo = fileURLToPath(new URL("../examples/demo.ts", import.meta.url).href);
    const args = runtime === "deno" ? ["run", "-A", demo] : [demo];
    const r = spawnSync(process.execPath, args, {
      encoding: "utf8",
      timeout: 60000,
      env: { ...process.env, NO_COLOR: "1" },
    });
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout;
    for (
      const section of [
        "1. A bridge with two veth ports",
        "2. Routes",
        "3. A failing commit is rolled back",
        "Interfaces",
        "Routes (main table and table 100",
        "Rules",
        "Neighbours",
        "What the monitor saw",
      ]
    ) assert.ok(out.includes(section), `section "${section}" printed`);
    assert.match(
      out,
      /refused: Cannot commit: step "link set br0 address 01:00:5e:00:00:01" failed/,
    );
    assert.match(out, /\(unchanged\)/);
    assert.match(out, /10\.30\.0\.0\/16 now has 3 next hops/);
    assert.match(out, /new addr +10\.10\.0\.1\/24 dev br0/);
    assert.match(out, /\(\d+ events in all\)/);
    const ns = /throwaway namespace (\S+)/.exec(out)?.[1];
    assert.ok(ns);
    assert.match(out, new RegExp(`namespace ${ns} removed`));
    assert.ok(!ip(["netns", "list"]).includes("nlroute-demo-"), "no demo namespace left");
  });
});

const setpriv = spawnSync("setpriv", ["--version"]).status === 0;

describe("the demo without root", {
  skip: (!isRoot && "needs root to drop privileges") ||
    (!setpriv && "setpriv (util-linux) is missing"),
}, () => {
  it("says what needs root and shows this host read-only", () => {
    // Another user cannot reach root's files: run copies of the runtime and the project from /tmp.
    const dir = mkdtempSync("/tmp/nlroute-nonroot-");
    try {
      const root = fileURLToPath(new URL("..", import.meta.url).href);
      cpSync(root, `${dir}/p`, {
        recursive: true,
        filter: (src) => !/\/(node_modules|\.git)(\/|$)/.test(src.slice(root.length - 1)),
      });
      copyFileSync(process.execPath, `${dir}/runtime`);
      chmodSync(dir, 0o755);
      chmodSync(`${dir}/runtime`, 0o755);
      const args = runtime === "deno"
        ? [`${dir}/runtime`, "run", "-A", `${dir}/p/examples/demo.ts`]
        : [`${dir}/runtime`, `${dir}/p/examples/demo.ts`];
      const r = spawnSync(
        "setpriv",
        ["--reuid=65534", "--regid=65534", "--clear-groups", ...args],
        {
          encoding: "utf8",
          timeout: 60000,
          env: { PATH: process.env.PATH ?? "", HOME: dir, DENO_DIR: `${dir}/deno`, NO_COLOR: "1" },
        },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /needs root \(CAP_SYS_ADMIN and CAP_NET_ADMIN\)/);
      assert.match(r.stdout, /Links on this host \(read-only\)/);
      assert.match(r.stdout, /\blo\b/);
      assert.ok(!ip(["netns", "list"]).includes("nlroute-demo-"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
