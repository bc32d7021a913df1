/**
 * Every README example runs, not only type-checks: each program (see
 * readme_examples.ts) under the runtime running the suite, inside a throwaway
 * namespace (`ip netns exec`), with the namespace names it uses mapped to
 * names this run owns; and the `nlroute` console sample is replayed command
 * by command, exit codes and output as shown.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import {
  createTestNetns,
  ip,
  isRoot,
  removeTestNetns,
  runtime,
  skipReason,
  testName,
  testTmpDir,
} from "./helpers.ts";
import { EXAMPLE_NAMESPACES, readmePrograms } from "./readme_examples.ts";

const root = fileURLToPath(new URL("..", import.meta.url).href);
const README = join(root, "README.md");
const live = { skip: skipReason(!isRoot && "needs root for namespaces") };

/** Runs a program file inside namespace `ns` with this runtime. */
function runIn(ns: string, file: string, timeout = 60_000) {
  const args = runtime === "deno" ? ["run", "-A", file] : [file];
  return spawnSync("ip", ["netns", "exec", ns, process.execPath, ...args], {
    encoding: "utf8",
    timeout,
    env: { ...process.env, NO_COLOR: "1" },
  });
}

/**
 * Why the ipset example cannot run here (false: it can): ip_set must work in
 * a namespace, probed with `ipset` (scripts/tools.sh installs it).
 */
function ipsetSkip(): string | false {
  if (!isRoot) return false;
  const ns = createTestNetns();
  try {
    const r = spawnSync("ip", ["netns", "exec", ns, "ipset", "create", "nlrt-probe", "hash:ip"], {
      encoding: "utf8",
    });
    if (r.error) return skipReason("ipset is missing: cannot tell whether ip_set works here");
    if (r.status !== 0) {
      return skipReason(`ip_set does not work in a namespace: ${r.stderr.trim()}`);
    }
    return false;
  } finally {
    removeTestNetns(ns);
  }
}

describe("README examples run (live)", live, () => {
  const names = Object.fromEntries(EXAMPLE_NAMESPACES.map((n) => [n, testName(`readme-${n}`)]));
  const programs = readmePrograms(README, join(root, "mod.ts"), names);
  it("has examples", () => assert.ok(programs.length >= 7, `${programs.length} programs`));
  const ipsetReason = programs.some((p) => p.code.includes("IPSet.open")) ? ipsetSkip() : false;
  programs.forEach((p, i) => {
    const skip = p.code.includes("IPSet.open") ? ipsetReason : false;
    it(`runs the example under "${p.heading}"`, { skip }, () => {
      const ns = createTestNetns();
      // The named namespaces an example opens exist, unless it creates them itself.
      const made = /netns\.create\(|NetNS\.open\(/.test(p.code)
        ? []
        : Object.values(names).filter((n) => p.code.includes(`"${n}"`));
      for (const n of made) ip(["netns", "add", n]);
      try {
        for (const cmd of p.setup) ip(cmd, ns);
        const file = join(testTmpDir(), `readme-${i}.ts`);
        writeFileSync(file, `${p.code}\nconsole.log("README example done");\nexport {};\n`);
        const r = runIn(ns, file);
        assert.equal(r.status, 0, `${r.error ?? ""}\n${r.stderr}\n--- program:\n${p.code}`);
        assert.match(r.stdout, /README example done\n$/, "the program ran to its end");
      } finally {
        for (const n of Object.values(names)) spawnSync("ip", ["netns", "del", n]);
        removeTestNetns(ns);
      }
    });
  });
});

/** The console sample's commands: `# nlroute …` lines, with the output and exit code shown after each. */
function consoleSample(): { args: string[]; output: string[]; code: number }[] {
  const text = spawnSync("cat", [README], { encoding: "utf8" }).stdout;
  const block = text.match(/```console\n([\s\S]*?)```/)?.[1] ?? "";
  const out: { args: string[]; output: string[]; code: number }[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("# nlroute ")) {
      // Words split as a shell splits them, '…' quoting included (the --json samples).
      const words = line.slice("# nlroute ".length).match(/'[^']*'|\S+/g) ?? [];
      const args = words.map((w) => w.startsWith("'") ? w.slice(1, -1) : w);
      out.push({ args, output: [], code: 0 });
    } else if (line && out.length) {
      const m = line.match(/^(.*?)\s+\(exit (\d+)\)$/);
      const last = out[out.length - 1]!;
      if (m) last.code = Number(m[2]);
      last.output.push(m ? m[1]! : line);
    }
  }
  return out;
}

/** Output with what differs between runs (link-local addresses, ifindex-based names) masked. */
function masked(lines: string[]): string[] {
  return lines.map((l) => l.replace(/fe80::[0-9a-f:]+\/64/g, "fe80::…/64").trimEnd());
}

describe("README console sample replays (live)", live, () => {
  it("gives the output and exit codes shown, command by command", () => {
    const ns = createTestNetns();
    try {
      const cli = join(root, "cli", "cli.ts");
      for (const { args, output, code } of consoleSample()) {
        const mapped = args.map((a) => (a === "blue" ? ns : a));
        const run = runtime === "deno" ? ["run", "-A", cli, ...mapped] : [cli, ...mapped];
        const r = spawnSync(process.execPath, run, {
          encoding: "utf8",
          env: { ...process.env, NO_COLOR: "1" },
        });
        const shown = `nlroute ${args.join(" ")}`;
        assert.equal(r.status, code, `${shown}: exit ${r.status}\n${r.stderr}`);
        const got = (r.stdout + r.stderr).split("\n").filter(Boolean);
        assert.deepEqual(masked(got), masked(output), shown);
      }
    } finally {
      removeTestNetns(ns);
    }
  });
});
