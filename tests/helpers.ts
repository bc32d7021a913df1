/**
 * Test helpers: throwaway namespaces (never the host's), iproute2 as the oracle,
 * descriptor counts. Shared by every test file; runs under Deno and Bun.
 */
import { execFileSync, spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync } from "node:fs";
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

/** The open descriptors of this process: number → what it points at (`socket:[123]`, a path). */
export type FdSnapshot = ReadonlyMap<number, string>;

function fdTargets(): Map<number, string> {
  const out = new Map<number, string>();
  for (const name of readdirSync("/proc/self/fd")) {
    try {
      out.set(Number(name), readlinkSync(`/proc/self/fd/${name}`));
    } catch {
      // Closed between the listing and the readlink (the listing's own descriptor too).
    }
  }
  return out;
}

/**
 * The open descriptors once they stop changing: the poller and the runtimes
 * release their own descriptors a task or two after the last user is gone, and
 * an earlier test's child processes a little later (stable for 100 ms, at most 2 s).
 */
export async function settledFds(): Promise<FdSnapshot> {
  let last = fdTargets();
  let stable = 0;
  for (let i = 0; i < 100 && stable < 5; i++) {
    await new Promise((r) => setTimeout(r, 20));
    const now = fdTargets();
    const same = now.size === last.size && [...now].every(([fd, t]) => last.get(fd) === t);
    stable = same ? stable + 1 : 0;
    last = now;
  }
  return last;
}

/**
 * Asserts that no descriptor is open now (once settled) that was not open in
 * `before`: a leak shows as a new number or a number pointing elsewhere;
 * descriptors that others closed meanwhile do not count, nor copies of stdin,
 * stdout and stderr (Bun opens one on its first console output).
 */
export async function assertNoNewFds(before: FdSnapshot, label = "descriptors"): Promise<void> {
  const now = await settledFds();
  const stdio = new Set([0, 1, 2].map((fd) => now.get(fd)));
  const added = [...now].filter(([fd, t]) => before.get(fd) !== t && !stdio.has(t))
    .map(([fd, t]) => `${fd} → ${t}`);
  assert.deepEqual(added, [], `${label}: left open`);
}

/** Inode of the calling thread's network namespace. */
export function nsInode(): number {
  return statSync("/proc/thread-self/ns/net").ino;
}

/** Whether we run as root (namespace tests need it). */
export const isRoot: boolean = process.getuid?.() === 0;

/** The runtime running the tests. */
export const runtime: "deno" | "bun" = "Bun" in globalThis ? "bun" : "deno";

/** A tc command line split into words as a shell would (single quotes group). */
export function tcWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/**
 * Why this kernel cannot run a tc scene: each `tc` line of `setup` run in a
 * throwaway namespace (after `prepare`, e.g. a veth pair), the first refusal
 * as a skip reason, or `false` when all were accepted.
 */
export function tcRefuses(
  setup: readonly string[],
  prepare?: (ns: string) => void,
): string | false {
  const ns = createTestNetns();
  try {
    prepare?.(ns);
    for (const line of setup) {
      const r = spawnSync("ip", ["netns", "exec", ns, "tc", ...tcWords(line)], {
        encoding: "utf8",
      });
      if (r.status !== 0) {
        return `this kernel refuses \`tc ${line}\`: ${(r.stderr || "").trim().split("\n")[0]}`;
      }
    }
    return false;
  } finally {
    removeTestNetns(ns);
  }
}
