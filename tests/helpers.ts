/**
 * Test helpers: throwaway namespaces (never the host's), iproute2 as the oracle,
 * descriptor counts. Shared by every test file; runs under Deno and Bun.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

let counter = 0;
const live = new Set<string>();

/**
 * The prefix of every namespace this test run creates: `nlrt-<run>-<random>`.
 * `scripts/test.sh` sets NLROUTE_TEST_RUN so that it can check for its own
 * leftovers; the random part keeps test files (and concurrent runs) apart.
 */
export const TEST_PREFIX: string = `nlrt-${process.env.NLROUTE_TEST_RUN ?? process.pid}-${
  Math.random().toString(36).slice(2, 7)
}`;

/** A fresh namespace name owned by this run (`suffix` says what made it). */
export function testName(suffix = ""): string {
  return `${TEST_PREFIX}-${suffix}${++counter}`;
}

let ownTmp: string | undefined;

/**
 * This run's temporary folder: `scripts/test.sh` makes one per run
 * (NLROUTE_TEST_TMP) and removes it; a test file run alone gets its own,
 * removed when the process exits. Tests write their scratch files here only.
 */
export function testTmpDir(): string {
  const given = process.env.NLROUTE_TEST_TMP;
  if (given) return given;
  return ownTmp ??= mkdtempSync(join(tmpdir(), "nlrt-tmp-"));
}

/**
 * Records why a test is skipped (a kernel feature missing, no root), so that
 * the suite's summary can say it; returns `reason` for `{ skip: … }`.
 */
export function skipReason(reason: string | false): string | false {
  const dir = process.env.NLROUTE_TEST_TMP;
  if (reason && dir) appendFileSync(join(dir, "skip-reasons"), `${reason}\n`);
  return reason;
}

/** Removes every namespace (and the scratch folder) this process created (also on exit). */
function cleanup(): void {
  for (const ns of live) spawnSync("ip", ["netns", "del", ns]);
  live.clear();
  if (ownTmp) rmSync(ownTmp, { recursive: true, force: true });
  ownTmp = undefined;
}
process.on("exit", cleanup);

/** Runs iproute2's `ip` (in namespace `ns` when given); returns stdout. */
export function ip(args: string[], ns?: string): string {
  const full = ns ? ["-n", ns, ...args] : args;
  return execFileSync("ip", full, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs `ip -j` and parses the JSON (empty output is []). */
// deno-lint-ignore no-explicit-any
export function ipJson(args: string[], ns?: string): any {
  const out = ip(["-j", ...args], ns).trim();
  return out ? JSON.parse(out) : [];
}

/** Runs `bridge -j` in a namespace and parses the JSON. */
// deno-lint-ignore no-explicit-any
export function bridgeJson(args: string[], ns: string): any {
  const out = execFileSync("ip", ["netns", "exec", ns, "bridge", "-j", ...args], {
    encoding: "utf8",
  }).trim();
  return out ? JSON.parse(out) : [];
}

/** Runs a shell command inside the namespace with `ip netns exec`. */
export function nsExec(ns: string, cmd: string[]): string {
  return execFileSync("ip", ["netns", "exec", ns, ...cmd], { encoding: "utf8" });
}

/** Creates a throwaway namespace with `ip netns add`; returns its name. */
export function createTestNetns(): string {
  const name = testName();
  ip(["netns", "add", name]);
  live.add(name);
  ip(["link", "set", "lo", "up"], name);
  return name;
}

/** Removes a namespace made by {@link createTestNetns}. */
export function removeTestNetns(name: string): void {
  spawnSync("ip", ["netns", "del", name]);
  live.delete(name);
}

/** Runs `fn` with a fresh namespace, removed afterwards even when `fn` fails. */
export async function withTestNetns<T>(fn: (ns: string) => Promise<T> | T): Promise<T> {
  const ns = createTestNetns();
  try {
    return await fn(ns);
  } finally {
    removeTestNetns(ns);
  }
}

/** Number of open descriptors of this process. */
export function fdCount(): number {
  return readdirSync("/proc/self/fd").length;
}

/**
 * The descriptor count once it stops moving: the poller and the runtimes
 * release their own descriptors a task or two after the last user is gone.
 */
export async function settledFdCount(): Promise<number> {
  let last = fdCount();
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 10));
    const now = fdCount();
    if (now === last) return now;
    last = now;
  }
  return last;
}

/** Inode of the calling thread's network namespace. */
export function nsInode(): number {
  return statSync("/proc/thread-self/ns/net").ino;
}

/** Whether we run as root (namespace tests need it). */
export const isRoot: boolean = process.getuid?.() === 0;

/** The runtime running the tests. */
export const runtime: "deno" | "bun" = "Bun" in globalThis ? "bun" : "deno";
