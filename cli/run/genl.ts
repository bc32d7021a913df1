/**
 * `nlroute genl list`: every generic netlink family of the kernel (inside
 * `-n NS` when given), as text in `genl ctrl list`'s layout or, with `-j`, a
 * JSON array of GenlFamilyInfo objects.
 *
 * @module
 */
import { listGenlFamilies } from "../../genl/ctrl.ts";
import { NetlinkSocket } from "../../core/socket.ts";
import { PROTOCOL } from "../../core/protocol.ts";
import { familyText } from "../format/genl.ts";
import { jsonText } from "../format/fields.ts";
import type { Invocation } from "../parse/invocation.ts";
import type { GlobalOptions } from "../parse/options.ts";
import type { Output } from "./output.ts";

/** Runs `genl list`; resolves with the exit code. */
export async function runGenl(
  _inv: Invocation,
  opts: GlobalOptions,
  out: Output,
): Promise<number> {
  await using sock = NetlinkSocket.open({
    protocol: PROTOCOL.GENERIC,
    ...(opts.netns === undefined ? {} : { netns: opts.netns }),
  });
  const families = await listGenlFamilies(sock);
  if (opts.json) out.write(jsonText(families, opts.pretty) + "\n");
  else out.write(families.map(familyText).join(""));
  return 0;
}
