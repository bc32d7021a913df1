/**
 * Shared by the benchmark scripts: throwaway namespaces (prefix `nlrb-`,
 * removed in a `finally`, on exit and on Ctrl-C), iproute2 and pyroute2
 * helpers, statistics and the printed tables. Runs under Deno and Bun.
 *
 * Never touches the host's interfaces, routes or rules: every `ip` call that
 * changes state names a benchmark namespace with `-n`.
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";

/** The runtime running the benchmark. */
export const RUNTIME: "deno" | "bun" = "Bun" in globalThis ? "bun" : "deno";
/** The runtime's version string. */
export const RUNTIME_VERSION: string = RUNTIME === "bun"
  ? (globalThis as unknown as { Bun: { version: string } }).Bun.version
  : (globalThis as unknown as { Deno: { version: { deno: string } } }).Deno.version.deno;

/** The Python that has Debian's python3-pyroute2 (not the pyenv one on PATH). */
export const PYTHON = "/usr/bin/python3";

// -- namespaces ---------------------------------------------------------------

const live = new Set<string>();
let counter = 0;
let hooked = false;

function removeAll(): void {
  for (const ns of live) spawnSync("ip", ["netns", "del", ns], { stdio: "ignore" });
  live.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on("exit", removeAll);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(sig, () => {
      removeAll();
      process.exit(130);
    });
  }
}

/** Runs `ip` with arguments; throws with its stderr when it fails. Returns stdout. */
export function ip(args: string[], input?: string): string {
  const r = spawnSync("ip", args, {
    encoding: "utf8",
    maxBuffer: 1 << 30,
    ...(input !== undefined ? { input } : {}),
  });
  if (r.status !== 0) {
    throw new Error(`Cannot run ip ${args.join(" ")}: ${r.stderr?.trim() || r.error || r.status}`);
  }
  return r.stdout;
}

/** Runs `ip -n ns -batch file` with the given lines (one command a line). */
export function ipBatch(ns: string, lines: string[]): void {
  const dir = mkdtempSync(join(tmpdir(), "nlrb-"));
  try {
    const file = join(dir, "batch");
    writeFileSync(file, lines.join("\n") + "\n");
    ip(["-n", ns, "-batch", file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `tc` with arguments; throws with its stderr when it fails. Returns stdout. */
export function tc(args: string[]): string {
  const r = spawnSync("tc", args, { encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.status !== 0) {
    throw new Error(`Cannot run tc ${args.join(" ")}: ${r.stderr?.trim() || r.error || r.status}`);
  }
  return r.stdout;
}

/** Runs `tc -n ns -batch file` with the given lines (one command a line). */
export function tcBatch(ns: string, lines: string[]): void {
  const dir = mkdtempSync(join(tmpdir(), "nlrb-"));
  try {
    const file = join(dir, "batch");
    writeFileSync(file, lines.join("\n") + "\n");
    tc(["-n", ns, "-batch", file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A throwaway namespace with a veth pair: `v0` (10.0.0.1/24) and `v1` (10.0.0.2/24), up. */
export interface BenchNetns {
  /** Namespace name (`nlrb-<pid>-<n>`). */
  name: string;
  /** Index of `v0` inside the namespace. */
  v0: number;
}

/** Creates a benchmark namespace with `lo` up and an addressed veth pair. */
export function createNetns(): BenchNetns {
  hook();
  const name = `nlrb-${process.pid}-${++counter}`;
  live.add(name);
  ip(["netns", "add", name]);
  ipBatch(name, [
    "link set lo up",
    "link add v0 type veth peer name v1",
    "addr add 10.0.0.1/24 dev v0",
    "addr add 10.0.0.2/24 dev v1",
    "link set v0 up",
    "link set v1 up",
  ]);
  const links = JSON.parse(ip(["-j", "-n", name, "link", "show", "v0"])) as { ifindex: number }[];
  return { name, v0: links[0]!.ifindex };
}

/** Removes a namespace made by {@link createNetns}. */
export function removeNetns(ns: BenchNetns): void {
  spawnSync("ip", ["netns", "del", ns.name], { stdio: "ignore" });
  live.delete(ns.name);
}

/** Runs `fn` with a fresh namespace, removed afterwards even when `fn` fails. */
export async function withNetns<T>(fn: (ns: BenchNetns) => Promise<T> | T): Promise<T> {
  using owned = new DisposableStack();
  return await fn(owned.adopt(createNetns(), removeNetns));
}

/** Runs `fn` with a fresh temporary folder (`nlrb-…`), removed afterwards even when `fn` fails. */
export async function withTmpDir<T>(fn: (dir: string) => Promise<T> | T): Promise<T> {
  using owned = new DisposableStack();
  const dir = owned.adopt(mkdtempSync(join(tmpdir(), "nlrb-")), (d) => {
    rmSync(d, { recursive: true, force: true });
  });
  return await fn(dir);
}

// -- routes ---------------------------------------------------------------------

/** Destination of the i-th benchmark route: host routes in 198.18.0.0/15 (i < 131072). */
export function routeDst(i: number): string {
  return `198.${18 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32`;
}

/** Gateway of the i-th benchmark route: one of 10.0.0.2 … 10.0.0.254 (on `v0`'s subnet). */
export function routeGateway(i: number): string {
  return `10.0.0.${2 + (i % 253)}`;
}

/** `ip -batch` lines adding `n` routes to `table`. */
export function routeBatchLines(n: number, table: number, cmd = "add"): string[] {
  const lines: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    lines[i] = `route ${cmd} ${routeDst(i)} via ${routeGateway(i)} table ${table}`;
  }
  return lines;
}

// -- pyroute2 -----------------------------------------------------------------

/** Whether pyroute2 can be imported by {@link PYTHON}. */
export function havePyroute2(): boolean {
  const r = spawnSync(PYTHON, ["-c", "import pyroute2"], { stdio: "ignore" });
  return r.status === 0;
}

/**
 * Runs a Python script inside the namespace (`ip netns exec ns /usr/bin/python3 -c`).
 * The script prints one JSON object on its last stdout line; that object is returned.
 */
export function runPython<T>(ns: string, script: string, args: (string | number)[]): T {
  const r = spawnSync(
    "ip",
    ["netns", "exec", ns, PYTHON, "-c", script, ...args.map(String)],
    { encoding: "utf8", maxBuffer: 1 << 26 },
  );
  if (r.status !== 0) {
    throw new Error(`Cannot run the pyroute2 script: ${r.stderr?.trim() || r.error || r.status}`);
  }
  const lines = r.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]!) as T;
}

// -- statistics and output -------------------------------------------------------

/** The median of a list of numbers. */
export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** The q-quantile (0..1) of a list of numbers (nearest rank on the sorted copy). */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i]!;
}

/** Formats milliseconds with 3 significant-ish digits. */
export function ms(v: number): string {
  if (!Number.isFinite(v)) return "-";
  if (v >= 100) return `${v.toFixed(0)} ms`;
  if (v >= 10) return `${v.toFixed(1)} ms`;
  return `${v.toFixed(2)} ms`;
}

/** Formats microseconds. */
export function us(v: number): string {
  if (!Number.isFinite(v)) return "-";
  if (v >= 100) return `${v.toFixed(0)} µs`;
  if (v >= 10) return `${v.toFixed(1)} µs`;
  return `${v.toFixed(2)} µs`;
}

/** Formats a ratio `a / b`. */
export function ratio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return "-";
  const r = a / b;
  return r >= 100 ? `${r.toFixed(0)}×` : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

/** `PASS`/`FAIL` text for a target. */
export function verdict(ok: boolean): string {
  return ok ? "PASS" : "FAIL";
}

/** Prints rows as an aligned table (first row is the header). Numbers-ish columns align right. */
export function printTable(rows: string[][]): void {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, len(c))));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? pad(c, widths[i]!) : padStart(c, widths[i]!))).join("  ")
      .trimEnd();
  console.log("  " + line(rows[0]!));
  console.log("  " + widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows.slice(1)) console.log("  " + line(r));
}

function len(s: string): number {
  return [...s].length;
}
function pad(s: string, w: number): string {
  return s + " ".repeat(Math.max(0, w - len(s)));
}
function padStart(s: string, w: number): string {
  return " ".repeat(Math.max(0, w - len(s))) + s;
}

/** The header every script prints first. */
export function banner(title: string, details: string): void {
  const g = globalThis as unknown as { Bun?: unknown; gc?: unknown };
  const collects = g.Bun !== undefined || typeof g.gc === "function";
  console.log(`\n# ${title} — ${RUNTIME} ${RUNTIME_VERSION}`);
  console.log(`  ${details}`);
  if (!collects) {
    console.log(
      "  (no GC between runs: run Deno with --v8-flags=--expose-gc for steadier figures)",
    );
  }
}

/** Parsed command-line values. */
export type Values = Record<string, string | boolean | undefined>;

/**
 * Parses the script's own options (string options with defaults; a boolean
 * default makes a flag) plus the
 * shared ones: `--quick`, `--no-pyroute2`, `--help`. Unknown options are errors.
 */
export function options(own: Record<string, string | boolean>, usage: string): Values {
  const spec: Record<string, { type: "string" | "boolean"; default: string | boolean }> = {
    quick: { type: "boolean", default: false },
    "no-pyroute2": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  };
  for (const [name, def] of Object.entries(own)) {
    spec[name] = { type: typeof def === "boolean" ? "boolean" : "string", default: def };
  }
  let values: Values;
  try {
    values = parseArgs({ args: process.argv.slice(2), options: spec, strict: true }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    console.log("  --quick          fewer repetitions (a smoke run)");
    console.log("  --no-pyroute2    skip the pyroute2 comparison");
    process.exit(0);
  }
  return values;
}

/** A positive integer option. */
export function intOpt(v: unknown, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
}

/**
 * The script's integer options, given as `name: [default, quick]`, parsed by
 * {@link options} (with the shared ones) and checked by {@link intOpt}; under
 * `--quick` each takes its quick value. `withPy`: compare with pyroute2 (it is
 * installed and `--no-pyroute2` was not given).
 */
export function intOptions<K extends string>(
  own: Record<K, readonly [number, number]>,
  usage: string,
): { values: Record<K, number>; withPy: boolean } {
  const names = Object.keys(own) as K[];
  const opts = options(Object.fromEntries(names.map((k) => [k, String(own[k][0])])), usage);
  const quick = opts.quick === true;
  const values = {} as Record<K, number>;
  for (const k of names) values[k] = quick ? own[k][1] : intOpt(opts[k], k);
  return { values, withPy: opts["no-pyroute2"] !== true && havePyroute2() };
}

/** Checks the preconditions (root, iproute2). */
export function preflight(): void {
  if (process.getuid?.() !== 0) {
    console.error("The benchmarks create network namespaces: run them as root.");
    process.exit(2);
  }
  if (spawnSync("ip", ["-V"], { stdio: "ignore" }).status !== 0) {
    console.error("iproute2's `ip` is needed.");
    process.exit(2);
  }
}

/**
 * A script's whole run: checks the preconditions ({@link preflight}), prints
 * the {@link banner}, then runs `measure` with a fresh namespace, removed afterwards.
 */
export async function runBench(
  title: string,
  details: string,
  measure: (ns: BenchNetns) => Promise<void>,
): Promise<void> {
  preflight();
  banner(title, details);
  await withNetns(measure);
}

/** Runs the garbage collector when the runtime exposes it (between measured phases). */
export function gc(): void {
  const g = globalThis as unknown as { Bun?: { gc(sync: boolean): void }; gc?: () => void };
  if (g.Bun) g.Bun.gc(true);
  else g.gc?.();
}

/**
 * Yields to the event loop (outside timed regions). nlroute's requests usually
 * complete without a macrotask, so without this a Ctrl-C handler would only run
 * at the end of the script.
 */
export function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Per-call figures of one variant: µs per call (median, p90, p99) and the mean over its rounds. */
export interface CallStats {
  median: number;
  p90: number;
  p99: number;
  mean: number;
}

/**
 * Times each of `runs` call by call, `iterations` calls in `rounds`
 * interleaved rounds (so that drift — other load, CPU state — hits every
 * variant alike) after `warmup` calls each; the collector runs between rounds.
 */
export async function interleaved(
  runs: Record<string, () => unknown>,
  iterations: number,
  warmup: number,
  rounds = 10,
): Promise<Record<string, CallStats>> {
  const keys = Object.keys(runs);
  const perRound = Math.max(1, Math.ceil(iterations / rounds));
  const samples: Record<string, number[]> = Object.fromEntries(keys.map((k) => [k, []]));
  const totals: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]));
  for (const k of keys) {
    for (let i = 0; i < warmup; i++) await runs[k]!();
    await tick();
  }
  for (let round = 0; round < rounds; round++) {
    for (const k of keys) {
      const fn = runs[k]!;
      const out = samples[k]!;
      gc();
      const start = performance.now();
      for (let i = 0; i < perRound; i++) {
        const s = performance.now();
        await fn();
        out.push((performance.now() - s) * 1e3);
      }
      totals[k]! += performance.now() - start;
      await tick();
    }
  }
  const results: Record<string, CallStats> = {};
  for (const k of keys) results[k] = callStats(samples[k]!, totals[k]!);
  return results;
}

/** The figures of µs-per-call `samples` taken over `totalMs`. */
export function callStats(samples: number[], totalMs: number): CallStats {
  return {
    median: median(samples),
    p90: quantile(samples, 0.9),
    p99: quantile(samples, 0.99),
    mean: (totalMs * 1e3) / samples.length,
  };
}

// -- fresh processes (cold figures) ------------------------------------------------

/**
 * Runs the benchmark script `script` (a module URL, e.g. `import.meta.url`)
 * again in a fresh process of the same runtime (Deno with `-A
 * --v8-flags=--expose-gc`), with `args`. The child prints one JSON object on
 * its last stdout line; that object is returned.
 */
export function runSelf<T>(script: string, args: (string | number)[]): T {
  const path = new URL(script).pathname;
  const cmd = RUNTIME === "bun"
    ? [process.execPath, path, ...args.map(String)]
    : [process.execPath, "run", "-A", "--v8-flags=--expose-gc", path, ...args.map(String)];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    throw new Error(
      `Cannot run ${path} ${args.join(" ")}: ${r.stderr?.trim() || r.error || r.status}`,
    );
  }
  const lines = r.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]!) as T;
}

// -- cold and warm figures (shared by the dump benchmarks) ------------------------

/** Median, minimum and maximum of a set of runs (ms). */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** How many runs. */
  runs: number;
}

/** The {@link Spread} of `xs`. */
export function spread(xs: readonly number[]): Spread {
  return {
    median: median(xs),
    min: xs.length ? Math.min(...xs) : NaN,
    max: xs.length ? Math.max(...xs) : NaN,
    runs: xs.length,
  };
}

/** `"12.3 ms (11.0–14.2)"`: the median, then min–max. */
export function fmtSpread(s: Spread): string {
  if (!Number.isFinite(s.median)) return "-";
  const bare = (v: number) => ms(v).replace(" ms", "");
  return `${ms(s.median)} (${bare(s.min)}–${bare(s.max)})`;
}

/**
 * Runs a script of this benchmark folder in a fresh process of the running
 * runtime (Deno: `deno run -A`), with `args`; returns the JSON object it
 * prints on its last stdout line and the spawn-to-exit time (`wall`, ms).
 */
export function freshProcess<T>(script: string, args: string[]): T & { wall: number } {
  const file = new URL(script, import.meta.url).pathname;
  const argv = RUNTIME === "deno" ? ["run", "-A", file, ...args] : [file, ...args];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, argv, { encoding: "utf8", maxBuffer: 1 << 26 });
  const wall = performance.now() - t0;
  if (r.status !== 0) {
    throw new Error(`Cannot run ${script} in a fresh process: ${r.stderr?.trim() || r.status}`);
  }
  const lines = r.stdout.trim().split("\n");
  return { ...(JSON.parse(lines[lines.length - 1]!) as T), wall };
}

/** Times a whole process (`cmd args`) from spawn to exit, ms; throws when it fails. */
export function processTime(cmd: string, args: string[]): { wall: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 30 });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`Cannot run ${cmd}: ${r.stderr?.trim() || r.status}`);
  return { wall, stdout: r.stdout };
}

/**
 * Bytes held by the JS heap and the buffers outside it (Deno/V8: heapUsed +
 * external, which holds ArrayBuffers; Bun/JSC: heapUsed, which includes them),
 * after a full collection when the runtime exposes one.
 */
export function heldBytes(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return RUNTIME === "bun" ? m.heapUsed : m.heapUsed + m.external;
}

/** One line naming the machine: CPU model and count, kernel, runtime, iproute2 and pyroute2 versions. */
export function machineLine(): string {
  let cpu = "?";
  try {
    const info = spawnSync("sh", ["-c", "grep -m1 'model name' /proc/cpuinfo"], {
      encoding: "utf8",
    }).stdout;
    cpu = info.split(":")[1]?.trim() ?? "?";
  } catch { /* unknown */ }
  const kernel = spawnSync("uname", ["-r"], { encoding: "utf8" }).stdout.trim();
  const ipv = spawnSync("ip", ["-V"], { encoding: "utf8" }).stdout.trim();
  const py = spawnSync(PYTHON, ["-c", "import pyroute2; print(pyroute2.__version__)"], {
    encoding: "utf8",
  });
  const pyv = py.status === 0 ? `pyroute2 ${py.stdout.trim()}` : "no pyroute2";
  const cpus = spawnSync("nproc", [], { encoding: "utf8" }).stdout.trim();
  return `${cpu} × ${cpus}, Linux ${kernel}, ${RUNTIME} ${RUNTIME_VERSION}, ${ipv}, ${pyv}`;
}
