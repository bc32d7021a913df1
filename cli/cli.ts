/**
 * The `nlroute` command: Linux networking the way `ip` does it, through
 * nlroute's IPRoute (no iproute2 needed). Runs under Deno and Bun:
 *
 * ```sh
 * deno run -A cli/cli.ts -n blue -br link
 * bun cli/cli.ts -j route show table 100
 * ```
 *
 * Objects: `link`, `address`, `route`, `neigh`, `rule`, `nexthop` (show, and
 * add/del/set for the common cases), `netns list|add|del`, `monitor`. Global
 * options in ip's habits: `-j`, `-p`, `-br`, `-o`, `-n NS`, `-4`/`-6`,
 * `-c[=WHEN]`, `-d`, `--debug`, `--help`, `--version`.
 *
 * Exit status: 0 on success, 1 for bad input or a missing object, 2 when the
 * kernel refused the request, 130 when `monitor` is interrupted.
 *
 * @module
 */
import process from "node:process";
import meta from "../deno.json" with { type: "json" };
import { ArgumentError, NetlinkError } from "../mod.ts";
import { strerror } from "../ffi/errno.ts";
import {
  type GlobalOptions,
  helpTopic,
  type Invocation,
  objectLabel,
  parseCommand,
  parseGlobal,
  UsageError,
} from "./args.ts";
import { type Output, runCommand } from "./commands.ts";
import { Paint } from "./format.ts";

/**
 * The version printed by `--version` (the package's, from deno.json).
 *
 * @example
 * ```ts
 * import { VERSION } from "./cli.ts";
 * console.log(`nlroute ${VERSION}`);
 * ```
 */
export const VERSION: string = meta.version;

const USAGE = `Usage: nlroute [ OPTIONS ] OBJECT { COMMAND | help }
       nlroute [ -h | --help ] [ -V | --version ]
where  OBJECT := { link | address | route | neigh | rule | nexthop | netns | monitor }
       OPTIONS := { -j[son] | -p[retty] | -br[ief] | -o[neline] | -d[etails] |
                    -n[etns] NAME | -4 | -6 | -f[amily] { inet | inet6 } |
                    -c[olor][={ always | auto | never }] | --debug }

Output is coloured when it goes to a terminal (-c or --color=always forces it;
--color=never or the NO_COLOR variable turns it off). -j prints JSON with ip -j's
field names, -br one line per object.
Exit status: 0 success, 1 bad input or object not found, 2 the kernel refused,
130 monitor interrupted. --debug adds a stack trace to errors.
Each object has its own help: nlroute link help, nlroute route --help, …
`;

const HELP: Record<string, string> = {
  link:
    `Usage: nlroute link show [ [ dev ] DEVICE ] [ up ] [ type KIND ] [ master DEVICE ] [ group N ]
       nlroute link add [ link DEVICE ] [ name ] NAME [ mtu MTU ] [ address LLADDR ]
                        [ txqlen N ] [ master DEVICE ] [ alias TEXT ] [ group N ] [ up ]
                        type KIND [ KIND_OPTIONS ]
       nlroute link set [ dev ] DEVICE [ up | down ] [ name NEWNAME ] [ mtu MTU ]
                        [ address LLADDR ] [ broadcast LLADDR ] [ txqlen N ]
                        [ master DEVICE | nomaster ] [ alias TEXT ] [ group N ]
                        [ netns { NAME | PID } ] [ carrier { on | off } ]
       nlroute link del [ dev ] DEVICE
KIND_OPTIONS:
       veth    peer [ name ] NAME [ address LLADDR ] [ mtu MTU ] [ netns NAME ]
       vlan    id VID [ protocol { 802.1Q | 802.1ad } ]      (with link DEVICE)
       vxlan   id VNI [ remote ADDR | group ADDR ] [ local ADDR ] [ dev DEVICE ]
               [ dstport PORT ] [ ttl N ] [ learning | nolearning ]
       macvlan, macvtap  mode { private | vepa | bridge | passthru | source }
       vrf     table TABLE
       bond    mode { balance-rr | active-backup | balance-xor | broadcast | 802.3ad | … }
       bridge  stp_state N, vlan_filtering N, forward_delay N, … (ip's option names)
       dummy, ifb, …  no options
Examples:
       nlroute link add v0 type veth peer name v1
       nlroute link set dev v0 mtu 1400 up
       nlroute -br link show
`,
  address: `Usage: nlroute address show [ [ dev ] DEVICE ] [ up ] [ scope SCOPE ] [ label LABEL ]
                           [ to PREFIX ]
       nlroute address { add | change | replace | del } IFADDR dev DEVICE
                       [ peer PREFIX ] [ broadcast ADDR | brd + ] [ label LABEL ]
                       [ scope { global | link | host | site | N } ] [ metric N ]
                       [ valid_lft { SECONDS | forever } ] [ preferred_lft { SECONDS | forever } ]
                       [ nodad ] [ noprefixroute ] [ home ] [ mngtmpaddr ] [ autojoin ]
       nlroute address flush { dev DEVICE | scope SCOPE | label LABEL | to PREFIX } …
IFADDR := PREFIX (10.0.0.1/24, 2001:db8::1/64)
Examples:
       nlroute address add 10.0.0.1/24 dev v0
       nlroute -4 -br address
`,
  route: `Usage: nlroute route show [ table { TABLE | all } ] [ dev DEVICE ] [ proto PROTO ]
                         [ type TYPE ] [ scope SCOPE ] [ via ADDR ] [ src ADDR ]
                         [ [ exact | to ] PREFIX ]
       nlroute route { add | del | change | replace | append } [ TYPE ] { PREFIX | default }
                     [ via ADDR ] [ dev DEVICE ] [ src ADDR ] [ table TABLE ]
                     [ metric N ] [ proto PROTO ] [ scope SCOPE ] [ onlink ] [ nhid ID ]
                     [ mtu N ] [ advmss N ] [ hoplimit N ] [ initcwnd N ] [ pref { low | medium | high } ]
                     [ nexthop via ADDR [ dev DEVICE ] [ weight N ] [ onlink ] ] …
       nlroute route get ADDR [ from ADDR ] [ iif DEVICE ] [ oif DEVICE ] [ mark N ]
       nlroute route flush SELECTOR (as for show)
TYPE  := { unicast | local | broadcast | multicast | anycast | blackhole | unreachable |
           prohibit | throw | nat }
TABLE := { main | local | default | NUMBER }
Shows IPv4 routes of table main unless -6 or table all is given, as ip does.
Examples:
       nlroute route add 10.1.0.0/16 via 10.0.0.2 dev v0 table 100 metric 10
       nlroute -j route show table 100
`,
  neigh: `Usage: nlroute neigh show [ dev DEVICE ] [ nud { STATE | all } ] [ proxy ] [ [ to ] ADDR ]
       nlroute neigh { add | del | change | replace } ADDR [ lladdr LLADDR ] dev DEVICE
                     [ nud STATE ] [ router ] [ extern_learn ]
       nlroute neigh { add | del } proxy ADDR dev DEVICE
STATE := { permanent | noarp | reachable | stale | none | incomplete | delay | probe | failed }
Examples:
       nlroute neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent
       nlroute -br neigh
`,
  rule: `Usage: nlroute rule show [ SELECTOR ]
       nlroute rule { add | del } [ not ] [ from PREFIX ] [ to PREFIX ] [ iif DEVICE ]
                    [ oif DEVICE ] [ fwmark MARK[/MASK] ] [ tos TOS ] [ priority N ]
                    [ ipproto PROTO ] [ sport N[-M] ] [ dport N[-M] ] [ uidrange N-M ]
                    [ protocol PROTO ] [ l3mdev ] [ ACTION ]
ACTION := { table TABLE [ suppress_prefixlength N ] [ suppress_ifgroup G ] | goto N | nop |
            blackhole | unreachable | prohibit }
Shows IPv4 rules unless -6 is given, as ip does.
Examples:
       nlroute rule add from 10.0.0.0/8 table 100 priority 100
       nlroute -6 rule
`,
  nexthop:
    `Usage: nlroute nexthop show [ id ID ] [ dev DEVICE ] [ groups ] [ fdb ] [ master DEVICE ]
       nlroute nexthop get id ID
       nlroute nexthop { add | replace } id ID { via ADDR dev DEVICE | dev DEVICE | blackhole |
                       group ID[,WEIGHT]/ID[,WEIGHT]… [ type { mpath | resilient } ] }
                       [ onlink ] [ proto PROTO ] [ fdb ]
       nlroute nexthop del id ID
Examples:
       nlroute nexthop add id 1 via 10.0.0.2 dev v0
       nlroute nexthop add id 10 group 1/2,3
`,
  netns: `Usage: nlroute netns list
       nlroute netns add NAME
       nlroute netns del NAME
Named namespaces live under /run/netns, shared with ip netns.
`,
  monitor: `Usage: nlroute monitor [ all | label ] [ OBJECT … ]
OBJECT := { link | address | route | neigh | rule | nexthop | netconf | nsid }
Prints every change as one line (like ip -o monitor) until interrupted (Ctrl-C).
-j prints one JSON object per line; -4/-6 limit addresses, routes and rules to a family;
label (or all) prefixes each line with its object, e.g. [LINK].
Example:
       nlroute -n blue monitor link address
`,
};

/**
 * The help text of a topic (an object's usage, or the general usage).
 *
 * @example
 * ```ts
 * import { helpText } from "./cli.ts";
 * helpText("route").startsWith("Usage: nlroute route"); // true
 * ```
 */
export function helpText(topic: string): string {
  const key = topic === "addr"
    ? "address"
    : topic === "neighbour" || topic === "neighbor"
    ? "neigh"
    : topic;
  return HELP[key] ?? USAGE;
}

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
}

function defaultStreams(): Streams {
  return {
    stdout: (s) => void process.stdout.write(s),
    stderr: (s) => void process.stderr.write(s),
    isTTY: process.stdout.isTTY === true,
    env: process.env,
  };
}

/**
 * Whether to colour: never with `NO_COLOR` (non-empty) or `--color=never`,
 * always with `-c` / `--color=always`, else when stdout is a terminal. JSON is
 * never coloured.
 *
 * @example
 * ```ts
 * import { useColor } from "./cli.ts";
 * useColor("auto", true, {}); // true
 * useColor("always", false, { NO_COLOR: "1" }); // false
 * ```
 */
export function useColor(
  mode: GlobalOptions["color"],
  isTTY: boolean,
  env: Record<string, string | undefined>,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (mode === "never") return false;
  if (mode === "always") return true;
  return isTTY;
}

const VERBS: Record<string, string> = {
  show: "show",
  add: "add",
  del: "delete",
  set: "change",
  change: "change",
  replace: "replace",
  append: "append",
  get: "get",
  flush: "flush",
};

/**
 * One line for an error, in ip's manner, and the exit code with it: 1 for bad
 * input or a missing device, 2 when the kernel refused the request.
 *
 * @example
 * ```ts
 * import { describeError } from "./cli.ts";
 * import { NetlinkError } from "../mod.ts";
 * describeError(new NetlinkError(17)); // { message: "File exists (EEXIST)", code: 2 }
 * ```
 */
export function describeError(e: unknown, inv?: Invocation): { message: string; code: number } {
  if (e instanceof UsageError) return { message: e.message, code: e.exitCode };
  if (e instanceof ArgumentError) {
    const resolve = /^Cannot resolve interface "[^"]*": expected [^,]*, got "(.*)"$/.exec(
      e.message,
    );
    if (resolve) return { message: `Cannot find device "${resolve[1]}"`, code: 1 };
    return { message: e.message.replace(/^Invalid argument "/, 'argument "'), code: 1 };
  }
  if (e instanceof NetlinkError) {
    const text = (e.extack ?? strerror(e.errno)).replace(/\.$/, "");
    const what = inv && inv.object !== "help"
      ? `Cannot ${VERBS[inv.action] ?? inv.action} ${objectLabel(inv.object)}: `
      : "";
    if (e.code === "ENODEV" && inv?.object === "link") {
      return { message: `${what}${text} (${e.code})`, code: 1 };
    }
    return { message: `${what}${text} (${e.code})`, code: 2 };
  }
  if (e instanceof Error) return { message: e.message, code: 1 };
  return { message: String(e), code: 1 };
}

/**
 * Runs the command line `argv` (without the runtime and script); resolves
 * with the exit code. Output and errors go to `streams` (the process's by
 * default); nothing throws.
 *
 * @example
 * ```ts
 * import { main } from "./cli.ts";
 * const code = await main(["-n", "blue", "-j", "link", "show"]);
 * console.log("exit", code);
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
      const topic = inv.extras.topic ?? "";
      io.stdout(helpText(topic));
      return 0;
    }
    const paint = new Paint(!options.json && useColor(options.color, io.isTTY, io.env));
    const out: Output = { write: io.stdout, paint };
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
