/**
 * `nlroute netns exec NAME cmd …`: runs a program inside a named namespace,
 * with the environment `ip netns exec` gives it.
 *
 * ip switches itself (setns, a private mount namespace, a /sys of the new
 * network namespace, /etc/netns/NAME bound over /etc) and then replaces
 * itself with the program. A JS runtime can neither fork nor exec, so nlroute
 * does the same switch on its own JS thread and then starts the program as a
 * child: a child is created by the thread that spawns it (both runtimes spawn
 * from the JS thread) and inherits that thread's namespaces. nlroute then
 * waits and exits with the program's status (128 + the signal number when a
 * signal ended it, as a shell reports it).
 *
 * @module
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { constants } from "node:os";
import process from "node:process";
import { netns } from "../../mod.ts";
import { cstr } from "../../core/nsenter.ts";
import { check, libc } from "../../ffi/libc.ts";
import { systemReason, UsageError } from "../errors.ts";

const CLONE_NEWNS = 0x00020000;
const MS_RDONLY = 1;
const MS_BIND = 0x1000;
const MS_REC = 0x4000;
const MS_SLAVE = 1 << 19;
const MNT_DETACH = 2;
const NETNS_ETC_DIR = "/etc/netns";

/**
 * Moves the calling thread into namespace `name` as ip's netns_switch does:
 * the network namespace, a mount namespace of its own (mounts do not
 * propagate back), sysfs of the new namespace on /sys, and each entry of
 * /etc/netns/NAME bound over /etc.
 */
function switchTo(name: string): void {
  netns.setns(name);
  const c = libc();
  check("unshare", c.unshare(CLONE_NEWNS), "(a mount namespace for the program)");
  check(
    "mount",
    c.mount(cstr(""), cstr("/"), cstr("none"), MS_SLAVE | MS_REC, null),
    '("mount --make-rslave /")',
  );
  // No sysfs mounted there is fine; a read-only one can only be shadowed read-only.
  const unmounted = c.umount2(cstr("/sys"), MNT_DETACH) === 0;
  let r = c.mount(cstr(name), cstr("/sys"), cstr("sysfs"), 0, null);
  if (r < 0 && !unmounted) r = c.mount(cstr(name), cstr("/sys"), cstr("sysfs"), MS_RDONLY, null);
  check("mount", r, "(sysfs of the namespace on /sys)");
  bindEtc(name);
}

/** Binds /etc/netns/NAME/* over /etc/* (a failure is reported, as ip does, and skipped). */
function bindEtc(name: string): void {
  const dir = `${NETNS_ETC_DIR}/${name}`;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  const c = libc();
  for (const e of entries) {
    const r = c.mount(cstr(`${dir}/${e}`), cstr(`/etc/${e}`), cstr("none"), MS_BIND, null);
    if (r < 0) process.stderr.write(`Bind ${dir}/${e} -> /etc/${e} failed: errno ${-r}\n`);
  }
}

/**
 * Runs `argv` inside namespace `name` (stdio shared with nlroute); resolves
 * with the program's exit status. A program that cannot be started is a
 * one-line error and status 1, as with ip.
 */
export function execIn(name: string, argv: readonly string[]): Promise<number> {
  if (!netns.exists(name)) {
    throw new UsageError(`Cannot open network namespace "${name}": No such file or directory`);
  }
  switchTo(name);
  const [cmd, ...args] = argv;
  const child = spawn(cmd!, args, { stdio: "inherit" });
  // Ctrl-C reaches the program from the terminal; other signals sent to us are passed on.
  const ignore = () => {};
  const forward = (sig: NodeJS.Signals) => void child.kill(sig);
  process.on("SIGINT", ignore);
  process.on("SIGTERM", forward);
  process.on("SIGHUP", forward);
  return new Promise((resolve) => {
    let settled = false;
    const done = (code: number) => {
      if (settled) return;
      settled = true;
      process.off("SIGINT", ignore);
      process.off("SIGTERM", forward);
      process.off("SIGHUP", forward);
      resolve(code);
    };
    child.on("error", (e: NodeJS.ErrnoException) => {
      process.stderr.write(`Error: exec of "${cmd}" failed: ${systemReason(e)}\n`);
      done(1);
    });
    child.on("exit", (code, signal) => {
      const signo = signal ? constants.signals[signal] ?? 0 : 0;
      done(code ?? 128 + signo);
    });
  });
}
