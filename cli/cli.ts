/**
 * The `nlroute` command: Linux networking the way `ip` does it, through
 * nlroute's IPRoute (no iproute2 needed). Runs under Deno and Bun:
 *
 * ```sh
 * deno run -A cli/cli.ts -n blue -br link
 * bun cli/cli.ts -j route show table 100
 * ```
 *
 * Objects: `link`, `address`, `maddress`, `route`, `neigh`, `rule`, `nexthop`
 * (show, add/del/set for the common cases, flush), `netns list|add|del|
 * identify|exec`, `monitor`, `addrlabel`, `netconf show`, `ntable
 * show|change`, `tc qdisc|class|filter` (tc's grammar and printers), `ss`
 * (iproute2 ss's options, state and address/port filters, its text; `-j`
 * for DiagSocket's objects); generic
 * netlink: `genl list` (families, as
 * `genl ctrl list`) and `ynl FAMILY OP` (operations by their YNL names, as
 * the kernel's ynl cli.py); `ipset create|add|del|test|destroy|flush|rename|
 * swap|list|save` (ipset(8)'s grammar and ipset 7.17's text; `-j` for
 * IPSet's typed sets); `conntrack -L|-I|-D|-U|-F|-C|-S` (conntrack(8)'s
 * options and conntrack 1.4.7's lines; `-j` for Conntrack's entries). Global options in ip's habits: `-j`, `-p`,
 * `-br`, `-o`, `-n NS`, `-4`/`-6`, `-c[=WHEN]`, `-d`, `-s`, `--debug`,
 * `--help`, `--version`. Objects, commands and options may be abbreviated as
 * with ip, read in ip's order (`nlroute l s dev v0 up` is `link set`).
 *
 * Exit status: 0 on success, 1 for bad input or a missing object, 2 when the
 * kernel refused the request, 130 when `monitor` is interrupted; `netns exec`
 * exits with the program's status.
 *
 * @module
 */
import process from "node:process";
import meta from "../deno.json" with { type: "json" };
import { Paint, useColor } from "./color.ts";
import { describeError } from "./errors.ts";
import { helpText, USAGE } from "./help.ts";
import { helpTopic, parseCommand } from "./parse/command.ts";
import type { Invocation } from "./parse/invocation.ts";
import { parseGlobal } from "./parse/options.ts";
import { runCommand } from "./run/command.ts";
import type { Output } from "./run/output.ts";
import { readAll } from "../iproute/route/save.ts";

export { helpText } from "./help.ts";

/**
 * The version printed by `--version` (the package's, from deno.json).
 *
 * @example
 * ```ts
 * import { main, VERSION } from "@nlroute/nlroute/cli";
 * import assert from "node:assert/strict";
 *
 * let out = "";
 * const io = { stdout: (s: string) => void (out += s), stderr: () => {}, isTTY: false, env: {} };
 * assert.equal(await main(["--version"], io), 0);
 * assert.equal(out, `nlroute ${VERSION}\n`);
 * ```
 */
export const VERSION: string = meta.version;

/** What main writes to: standard output and error, and whether stdout is a terminal. */
export interface Streams {
  /** Writes to standard output. */
  stdout: (s: string) => void;
  /** Writes to standard error. */
  stderr: (s: string) => void;
  /** Whether standard output is a terminal (colour in auto mode). */
  isTTY: boolean;
  /** The environment (NO_COLOR). */
  env: Record<string, string | undefined>;
  /** Writes bytes to standard output (`route save`); without it, binary output is refused. */
  stdoutBytes?: (bytes: Uint8Array) => void;
  /** Reads standard input to its end (`route restore`, `showdump`); without it, they are refused. */
  stdin?: () => Promise<Uint8Array>;
}

function defaultStreams(): Streams {
  return {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    isTTY: process.stdout.isTTY === true,
    env: process.env,
    stdoutBytes: (b) => void process.stdout.write(b),
    stdin: () => readAll(process.stdin as AsyncIterable<Uint8Array>),
  };
}

/**
 * Runs the command line `argv` (without the runtime and script); resolves
 * with the exit code. Output and errors go to `streams` (the process's by
 * default); nothing throws.
 *
 * @example Commands as `ip` takes them, output and errors caught
 * ```ts
 * import { main, type Streams } from "@nlroute/nlroute/cli";
 * import assert from "node:assert/strict";
 *
 * let out = "";
 * let err = "";
 * const io: Streams = {
 *   stdout: (s) => void (out += s),
 *   stderr: (s) => void (err += s),
 *   isTTY: false, // no colour
 *   env: {},
 * };
 * const add = ["-n", "blue", "link", "add", "v0", "type", "veth", "peer", "name", "v1"];
 * assert.equal(await main(add, io), 0);
 * assert.equal(await main(["-n", "blue", "-j", "link", "show", "dev", "v0"], io), 0);
 * const [v0] = JSON.parse(out);
 * assert.equal(v0.ifname, "v0");
 * assert.equal(v0.link, "v1");
 * assert.equal(await main(["-n", "blue", "link", "del", "v0"], io), 0);
 * // Exit status 1: bad input or a missing object.
 * assert.equal(await main(["-n", "blue", "link", "show", "dev", "v0"], io), 1);
 * assert.equal(err, 'Error: Device "v0" does not exist.\n');
 * ```
 */
export async function main(argv: readonly string[], streams?: Streams): Promise<number> {
  const io = streams ?? defaultStreams();
  let debug = argv.includes("--debug") || argv.includes("-debug");
  let inv: Invocation | undefined;
  try {
    const { options, words } = parseGlobal(argv);
    debug = options.debug;
    if (options.version) {
      io.stdout(`nlroute ${VERSION}\n`);
      return 0;
    }
    if (words.length === 0) {
      // `nlroute` alone: the usage, as an error (ip does the same); --help asks for it.
      if (options.help) io.stdout(USAGE);
      else io.stderr(USAGE);
      return options.help ? 0 : 1;
    }
    if (options.help) {
      io.stdout(helpText(helpTopic(words)));
      return 0;
    }
    inv = parseCommand(words, options.family);
    if (inv.object === "help") {
      io.stdout(helpText(inv.extras.topic ?? ""));
      return 0;
    }
    const paint = new Paint(!options.json && useColor(options.color, io.isTTY, io.env));
    const out: Output = { write: io.stdout, warn: io.stderr, paint, isTTY: io.isTTY };
    if (io.stdoutBytes) out.writeBytes = io.stdoutBytes;
    if (io.stdin) out.readInput = io.stdin;
    return await runCommand(inv, options, out);
  } catch (e) {
    const { message, code } = describeError(e, inv);
    io.stderr(`Error: ${message}\n`);
    if (debug && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    return code;
  }
}

if (import.meta.main) {
  // A closed pipe (`nlroute link | head -1`) is not an error.
  process.stdout.on?.("error", (e: { code?: string }) => {
    if (e.code !== "EPIPE") throw e;
  });
  process.exitCode = await main(process.argv.slice(2));
}
