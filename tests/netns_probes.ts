/**
 * Probes for the namespace tests: what `ip` sees (namespaces, links), the
 * namespace of a file or process (`/proc`, `/run/netns`), child processes,
 * a process living in a namespace, and snippets run by the test runtime.
 */
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import process from "node:process";
import { libc } from "../ffi/libc.ts";
import { cstr } from "../core/nsenter.ts";
import { ip, ipJson, runtime } from "./helpers.ts";

/** The names `ip netns list` shows. */
export function ipNetnsList(): string[] {
  return ip(["netns", "list"]).split("\n").map((l) => l.split(" ")[0]!).filter(Boolean);
}

/** The link names of a namespace, sorted, as `ip link show` has them. */
export function linkNames(ns: string): string[] {
  return (ipJson(["link", "show"], ns) as { ifname: string }[]).map((l) => l.ifname).sort();
}

/** The inode of a file (of a namespace, for `/run/netns/…` and `/proc/…/ns/net`). */
export function inodeOf(path: string): number {
  return statSync(path).ino;
}

/** Opens a namespace file with libc (O_RDONLY|O_CLOEXEC); the caller closes it. */
export function openNs(path: string): number {
  return libc().open(cstr(path), 0x80000, 0);
}

/** Child processes of this process whose command line mentions `word`. */
export function childrenMatching(word: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${p}/cmdline`, "utf8").includes(word)) out.push(Number(p));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Runs a TypeScript snippet with the runtime running the tests (optionally under a prefix command). */
export function runSnippet(
  code: string,
  prefix: string[] = [],
): { status: number | null; out: string; err: string } {
  const args = runtime === "deno" ? ["eval", "--ext=ts", code] : ["-e", code];
  const cmd = [...prefix, process.execPath, ...args];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: "utf8", timeout: 30000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** The URL of mod.ts, for snippets run in another process. */
export const MOD: string = new URL("../mod.ts", import.meta.url).href;

/**
 * Runs `fn` with the pid of a process living in namespace `ns` (a `sleep`
 * under `ip netns exec`, waited for until it is inside), killed afterwards.
 */
export async function withProcessIn<T>(ns: string, fn: (pid: number) => Promise<T>): Promise<T> {
  const sleeper = spawn("ip", ["netns", "exec", ns, "sleep", "30"], { stdio: "ignore" });
  try {
    const want = inodeOf(`/run/netns/${ns}`);
    for (let i = 0; i < 200 && !sameNs(sleeper.pid!, want); i++) await delay(10);
    return await fn(sleeper.pid!);
  } finally {
    sleeper.kill("SIGKILL");
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function sameNs(pid: number, inode: number): boolean {
  try {
    return statSync(`/proc/${pid}/ns/net`).ino === inode;
  } catch {
    return false;
  }
}
