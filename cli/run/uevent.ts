/**
 * `nlroute uevent monitor`: prints each device event (the properties after a
 * header line, or one JSON object per line with -j) until interrupted.
 *
 * @module
 */
import { openUEvents } from "../../uevent/monitor.ts";
import { ueventJson, ueventText } from "../format/uevent.ts";
import type { Invocation } from "../parse/invocation.ts";
import type { GlobalOptions } from "../parse/options.ts";
import { untilInterrupted } from "./monitor.ts";
import type { Output } from "./output.ts";

/**
 * Runs a parsed `uevent monitor` until SIGINT or SIGTERM; resolves with
 * monitor.ts's EXIT_INTERRUPTED then.
 */
export async function runUEvent(
  inv: Invocation,
  opts: GlobalOptions,
  out: Output,
): Promise<number> {
  const args = inv.extras.uevent!;
  const mon = openUEvents({
    groups: args.groups,
    ...(args.subsystems.length ? { subsystem: args.subsystems } : {}),
    ...(args.devtypes.length ? { devtype: args.devtypes } : {}),
    ...(opts.netns === undefined ? {} : { netns: opts.netns }),
  });
  return await untilInterrupted(mon, () => mon, (e) => {
    out.write(opts.json ? ueventJson(e) : ueventText(e));
  });
}
