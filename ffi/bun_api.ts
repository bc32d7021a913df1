/**
 * The part of Bun's global `Bun` object that nlroute uses, declared here so
 * that no file reachable from `mod.ts` needs bun-types: a user's `deno check`
 * (no `Bun` there) type-checks the library as it is. Only members the runtime
 * layer calls are described, with the types Bun gives them. Reach them through
 * {@link bunApi}, and only under Bun.
 *
 * @module
 */

/** A child started by `Bun.spawn` with stderr `"pipe"` (`Bun.Subprocess`). */
export interface BunSubprocess {
  /** Process id. */
  readonly pid: number;
  /** The child's stderr. */
  readonly stderr: ReadableStream<Uint8Array>;
  /** Resolves with the exit code when the child has ended. */
  readonly exited: Promise<number>;
  /** Exit code, or `null` while running or when a signal ended it. */
  readonly exitCode: number | null;
  /** The signal that ended it (its name, e.g. `"SIGKILL"`), or `null`. */
  readonly signalCode: string | number | null;
  /** Sends `signal` to the child. */
  kill(signal?: string | number): void;
}

/** Options of `Bun.spawn` that nlroute passes. */
export interface BunSpawnOptions {
  /**
   * stdin, stdout, stderr, then extra descriptors: the fourth entry, a
   * descriptor number, becomes the child's fd 3.
   */
  readonly stdio: ["ignore", "ignore", "pipe", number];
}

/** Everything of `Bun` nlroute uses. */
export interface BunApi {
  /** The process's arguments: the runtime, the script, then the script's own. */
  readonly argv: readonly string[];
  /** Starts `cmd` (program first). */
  spawn(cmd: string[], options: BunSpawnOptions): BunSubprocess;
}

/**
 * The global `Bun`, typed by {@link BunApi}. Only call it under Bun.
 */
export function bunApi(): BunApi {
  return (globalThis as unknown as { Bun: BunApi }).Bun;
}
