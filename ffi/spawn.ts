/**
 * Starting a helper process of the running runtime (a module of this package)
 * and handing it one descriptor. The runtimes differ here:
 *
 * - Deno: `Deno.Command` passes on every descriptor that lacks FD_CLOEXEC,
 *   under the same number. The descriptor is duplicated with `dup` (the copy
 *   has no FD_CLOEXEC) just for the spawn and closed right after it.
 * - Bun: `Bun.spawn` closes inherited descriptors, but maps extra `stdio`
 *   entries: the fourth entry becomes the child's fd 3.
 *
 * @module
 */
import { filePath, nodeProcess } from "./node.ts";
import { check, libc, RUNTIME } from "./libc.ts";
import { bunApi } from "./bun_api.ts";
import { denoApi, type DenoChildProcess } from "./deno_api.ts";

/** How a helper process ended. */
export interface HelperExit {
  /** Exit code, or `null` when a signal ended it. */
  code: number | null;
  /** Name of the signal that ended it (e.g. `"SIGKILL"`), or `null`. */
  signal: string | null;
  /** What the helper wrote to stderr (at most the last 4 KiB). */
  stderr: string;
}

/** A running helper process. */
export interface HelperProcess {
  /** Process id. */
  readonly pid: number;
  /** Resolves when the process has ended (and was reaped). */
  readonly exited: Promise<HelperExit>;
  /** Kills the process with SIGKILL (no effect once it ended). */
  kill(): void;
}

/**
 * Deno flags of a helper: FFI (libc) and reading its own modules; no prompt,
 * and no config or lock file of the caller's project (the helper needs none).
 */
const DENO_FLAGS = [
  "run",
  "--allow-ffi",
  "--allow-read",
  "--no-prompt",
  "--quiet",
  "--no-config",
  "--no-lock",
];

function modulePath(module: URL): string {
  return module.protocol === "file:" ? filePath(module) : module.href;
}

function tail(s: string): string {
  return s.length > 4096 ? s.slice(-4096) : s;
}

/**
 * Runs `module` with the current runtime (`deno run …` or `bun …`), handing it a
 * duplicate of `fd`. `args` receives the descriptor number the child sees and
 * returns the module's arguments. The child's stdin and stdout are /dev/null;
 * its stderr is collected into {@link HelperExit.stderr}.
 */
export function spawnWithFd(
  module: URL,
  fd: number,
  args: (childFd: number) => string[],
): HelperProcess {
  return RUNTIME === "bun" ? spawnBun(module, fd, args) : spawnDeno(module, fd, args);
}

function spawnBun(module: URL, fd: number, args: (childFd: number) => string[]): HelperProcess {
  const proc = bunApi().spawn([nodeProcess().execPath, modulePath(module), ...args(3)], {
    stdio: ["ignore", "ignore", "pipe", fd],
  });
  const exited = (async (): Promise<HelperExit> => {
    const [stderr] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
    // Bun closes its own copy of the extra stdio descriptor a task after the
    // exit: wait for it, so that no descriptor outlives the helper.
    await new Promise((r) => setTimeout(r, 0));
    const sig = proc.signalCode;
    return {
      code: sig ? null : proc.exitCode,
      signal: sig === null ? null : String(sig),
      stderr: tail(stderr),
    };
  })();
  return {
    pid: proc.pid,
    exited,
    kill: () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    },
  };
}

function spawnDeno(module: URL, fd: number, args: (childFd: number) => string[]): HelperProcess {
  const c = libc();
  // dup() leaves FD_CLOEXEC off the copy: Deno.Command passes it on under its number.
  const copy = check("dup", c.dup(fd), "(descriptor for the helper process)");
  const deno = denoApi();
  let child: DenoChildProcess;
  try {
    child = new deno.Command(deno.execPath(), {
      args: [...DENO_FLAGS, modulePath(module), ...args(copy)],
      env: { DENO_NO_UPDATE_CHECK: "1" },
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
  } finally {
    c.close(copy);
  }
  let done = false;
  const exited = (async (): Promise<HelperExit> => {
    const [stderr, status] = await Promise.all([new Response(child.stderr).text(), child.status]);
    done = true;
    return {
      code: status.signal ? null : status.code,
      signal: status.signal,
      stderr: tail(stderr),
    };
  })();
  return {
    pid: child.pid,
    exited,
    kill: () => {
      if (done) return;
      try {
        child.kill("SIGKILL");
      } catch {
        // already ended
      }
    },
  };
}
