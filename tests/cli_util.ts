/**
 * Running the `nlroute` command in tests: as a child process (`deno run -A
 * cli/cli.ts` under Deno, `bun cli/cli.ts` under Bun), its output compared
 * with ip's (`-j` field by field, text line by line).
 */
import type { Streams } from "../cli/cli.ts";
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import process from "node:process";
import meta from "../deno.json" with { type: "json" };
import { createTestNetns, ip, ipJson, isRoot, removeTestNetns, runtime } from "./helpers.ts";

/** Where the command is. */
export const CLI = new URL("../cli/cli.ts", import.meta.url).pathname;
/** The package's version (what --version prints). */
export const VERSION: string = meta.version;
/** node:test options for tests that need root (namespaces). */
export const live = { skip: !isRoot && "needs root for namespaces" };

/** What a run of the command gave. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The command line that runs the CLI under the current runtime. */
export function argvFor(args: readonly string[]): string[] {
  return runtime === "deno" ? ["run", "-A", "--quiet", CLI, ...args] : [CLI, ...args];
}

/** Environment for the child: NO_COLOR removed unless given. */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  delete env.NO_COLOR;
  return { ...env, ...extra };
}

/** Runs `nlroute args…`; returns exit code and output. */
export function nlroute(args: readonly string[], env?: Record<string, string>): Run {
  const r = spawnSync(process.execPath, argvFor(args), {
    encoding: "utf8",
    env: childEnv(env),
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Runs `nlroute -n ns args…`, expecting success; returns stdout. */
export function ok(ns: string, args: readonly string[]): string {
  const r = nlroute(["-n", ns, ...args]);
  assert.equal(r.code, 0, `nlroute ${args.join(" ")} failed: ${r.stderr}`);
  assert.equal(r.stderr, "", `nlroute ${args.join(" ")} wrote to stderr`);
  return r.stdout;
}

/** Lines with trailing spaces removed (ip leaves a space after most fields). */
export function lines(text: string): string[] {
  const out = text.split("\n").map((l) => l.trimEnd());
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}

/** ip's `-o` output normalised: no space before the line-joining backslash. */
export function onelineNormal(text: string): string[] {
  return lines(text).map((l) => l.replace(/ +\\/g, "\\"));
}

/** Keys ip prints that nlroute does not (documented gaps); empty today. */
const IP_ONLY_KEYS = new Set<string>([]);

/** Compares nlroute's JSON list with ip's, item by item and field by field. */
export function assertSameJson(
  ours: Record<string, unknown>[],
  all: Record<string, unknown>[],
  what: string,
): void {
  assert.ok(Array.isArray(ours), `${what}: nlroute -j did not print an array`);
  // ip -j prints `{}` for each link a filter (`up`) leaves out: not an object.
  const theirs = all.filter((o) => Object.keys(o).length > 0);
  assert.equal(
    ours.length,
    theirs.length,
    `${what}: ${ours.length} objects, ip has ${theirs.length}`,
  );
  ours.forEach((o, i) => {
    const t = theirs[i]!;
    const label = `${what}[${i}] (${JSON.stringify(t).slice(0, 120)})`;
    for (const k of Object.keys(t)) {
      if (k in o) assert.deepEqual(o[k], t[k], `${label}: field "${k}"`);
      else assert.ok(IP_ONLY_KEYS.has(k), `${label}: nlroute lacks field "${k}"`);
    }
    for (const k of Object.keys(o)) assert.ok(k in t, `${label}: ip has no field "${k}"`);
  });
}

/** Sets sysctls in the namespace so that IPv6 state is settled at once (no DAD, no RS). */
export function quietIPv6(ns: string): void {
  for (const conf of ["all", "default"]) {
    for (const [key, value] of [["accept_dad", "0"], ["router_solicitations", "0"]]) {
      spawnSync("ip", [
        "netns",
        "exec",
        ns,
        "sysctl",
        "-qw",
        `net.ipv6.conf.${conf}.${key}=${value}`,
      ]);
    }
  }
}

/**
 * Two throwaway namespaces prepared alike by `setup` (ours for nlroute,
 * theirs for ip), for the tests of the enclosing describe block; removed after.
 */
export function twinNamespaces(
  setup: (ns: string) => void,
  use: (ours: string, theirs: string) => void,
): void {
  let pair: string[] = [];
  before(() => {
    pair = [createTestNetns(), createTestNetns()];
    for (const ns of pair) setup(ns);
    use(pair[0]!, pair[1]!);
  });
  after(() => pair.forEach(removeTestNetns));
}

/**
 * A throwaway namespace for the tests of the enclosing describe block: made
 * and prepared by `setup` before them (its name handed to `use`), removed after.
 */
export function throwawayNamespace(setup: (ns: string) => void, use: (ns: string) => void): void {
  let ns = "";
  before(() => {
    ns = createTestNetns();
    setup(ns);
    use(ns);
  });
  after(() => removeTestNetns(ns));
}

/** A running program whose output is collected (a monitor). */
export interface Capture {
  /** What it wrote to stdout so far. */
  out(): string;
  /** What it wrote to stderr so far. */
  err(): string;
  /** Resolves with the exit code and signal once it ended. */
  exited: Promise<[number | null, string | null]>;
  /** Sends a signal. */
  kill(signal: NodeJS.Signals): void;
}

/** Starts `cmd args…` (nlroute when `cmd` is undefined), collecting its output. */
export function startCapture(cmd: string | undefined, args: readonly string[]): Capture {
  const child = cmd === undefined
    ? spawn(process.execPath, argvFor(args), { env: childEnv() })
    : spawn(cmd, args, { env: childEnv() });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (d: string) => (out += d));
  child.stderr.on("data", (d: string) => (err += d));
  const exited = new Promise<[number | null, string | null]>((resolve) =>
    child.on("exit", (code, signal) => resolve([code, signal]))
  );
  return { out: () => out, err: () => err, exited, kill: (sig) => void child.kill(sig) };
}

/**
 * Waits until bridge `dev` is up with its carrier and its IPv6 link-local
 * address (a moment after it is set up), so that ip and nlroute see the same state.
 */
export function waitBridgeReady(ns: string, dev = "br0"): void {
  for (let i = 0; i < 100; i++) {
    const [br] = ipJson(["link", "show", "dev", dev], ns);
    if (br.operstate === "UP" && ipJson(["-6", "addr", "show", "dev", dev], ns).length > 0) return;
    spawnSync("sleep", ["0.05"]);
  }
}

/** veth v0/v1 with v1 a port of bridge br0, all up: where several scenes start. */
export const BRIDGED_VETH: readonly string[] = [
  "link add v0 type veth peer name v1",
  "link add br0 type bridge",
  "link set v1 master br0",
  "link set v0 up",
  "link set v1 up",
  "link set br0 up",
];

/**
 * Prepares a namespace: IPv6 settled at once, `cmds` run with ip, bridge br0
 * (when the commands make one) up with its carrier.
 */
export function prepare(ns: string, cmds: readonly string[]): void {
  quietIPv6(ns);
  for (const c of cmds) ip(c.split(" "), ns);
  if (cmds.some((c) => c.includes("br0 type bridge"))) waitBridgeReady(ns);
}

/** {@link twinNamespaces} both prepared with `cmds` (see {@link prepare}). */
export function twinScene(
  cmds: readonly string[],
  use: (ours: string, theirs: string) => void,
): void {
  twinNamespaces((ns) => prepare(ns, cmds), use);
}

/** {@link throwawayNamespace} prepared with `cmds` (see {@link prepare}). */
export function throwawayScene(cmds: readonly string[], use: (ns: string) => void): void {
  throwawayNamespace((ns) => prepare(ns, cmds), use);
}

/** In-process streams for main(). */
export function streams(): Streams & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: (s) => void (out += s),
    stderr: (s) => void (err += s),
    isTTY: false,
    env: {},
    out: () => out,
    err: () => err,
  };
}
