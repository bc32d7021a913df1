/**
 * The process-mode helper: run by `core/nsprocess.ts` with the same runtime as
 * the parent (`deno run …` or `bun …`). It enters a network namespace, creates
 * a netlink socket there and sends it back over the Unix socket it was given
 * (sendmsg with SCM_RIGHTS), then exits. Failures go back over the same socket
 * as JSON (`{ "error": { "call", "errno", "context" } }`) so the parent can
 * rebuild a typed error.
 *
 * Arguments: `<channel fd> <netlink protocol> <namespace path>`. Not
 * imported: started as a program, e.g.
 * `deno run --allow-ffi --allow-read core/nshelper.ts 3 0 /run/netns/blue`.
 *
 * @module
 */
import { exit, leanLibc, programArgs, writeStderr } from "../ffi/lean.ts";
import { sendWithFds } from "../ffi/scm.ts";

// Constants are local on purpose: importing core/ would load the full libc
// table and Node's layer, which costs this short-lived program most of its time.
const CLONE_NEWNET = 0x40000000;
const O_RDONLY = 0;
const O_CLOEXEC = 0x80000;
const AF_NETLINK = 16;
const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0x80000;
const encoder = new TextEncoder();

/** What the helper answers on the channel. */
export type HelperReply =
  | { ok: true }
  | { error: { call: string; errno: number; context: string } };

function cstr(s: string): Uint8Array {
  const b = encoder.encode(s);
  const out = new Uint8Array(new ArrayBuffer(b.length + 1));
  out.set(b);
  return out;
}

async function main(argv: string[]): Promise<number> {
  const [chanArg, protoArg, path] = argv;
  const chan = Number(chanArg);
  const protocol = Number(protoArg);
  if (!Number.isInteger(chan) || chan < 0 || !Number.isInteger(protocol) || !path) {
    writeStderr("Cannot run the nlroute netns helper: usage: helper.ts <fd> <protocol> <path>\n");
    return 2;
  }
  const lib = await leanLibc(["open", "setns", "socket", "sendmsg", "close"]);
  const c = lib.fn;
  const reply = (msg: HelperReply, fds: number[] = []): number => {
    try {
      sendWithFds(lib, chan, encoder.encode(JSON.stringify(msg)), fds);
      return 0;
    } catch (e) {
      writeStderr(`Cannot answer the parent: ${(e as Error).message}\n`);
      return 3;
    }
  };
  const fail = (call: string, result: number, context: string): number =>
    reply({ error: { call, errno: -result, context } });

  const nsfd = c.open(cstr(path), O_RDONLY | O_CLOEXEC, 0);
  if (nsfd < 0) return fail("open", nsfd, `namespace ${path}`);
  const r = c.setns(nsfd, CLONE_NEWNET);
  if (r < 0) return fail("setns", r, `(enter namespace ${path})`);
  c.close(nsfd);
  const sock = c.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
  if (sock < 0) return fail("socket", sock, `(netlink protocol ${protocol} in ${path})`);
  return reply({ ok: true }, [sock]);
}

exit(await main(programArgs()));
