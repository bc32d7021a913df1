/**
 * Loaded by `bun test` before the suite (bunfig.toml): when the suite runs
 * without scripts/test.sh, give it what the script gives — a run id for the
 * namespace names (NLROUTE_TEST_RUN) — and warn at exit about namespaces of
 * this run that are still there. Deno runs without it (helpers.ts falls back
 * to the process id).
 */
import { spawnSync } from "node:child_process";
import process from "node:process";

process.env.NLROUTE_TEST_RUN ??= String(process.pid);
const prefix = `nlrt-${process.env.NLROUTE_TEST_RUN}-`;

process.on("exit", () => {
  const r = spawnSync("ip", ["netns", "list"], { encoding: "utf8" });
  const left = (r.stdout ?? "").split("\n").filter((l) => l.startsWith(prefix));
  if (left.length) {
    console.error(`nlroute tests: ${left.length} namespace(s) left over: ${left.join(", ")}`);
  }
});
