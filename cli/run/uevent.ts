/**
 * `nlroute uevent monitor`: prints each device event (the properties after a
 * header line, or one JSON object per line with -j) until interrupted.
 *
 * @module
 */
import process from "node:process";
import { openUEvents } from "../../uevent/monitor.ts";
import { ueventJson, ueventText } from "../format/uevent.ts";
import type { Invocation } from "../parse/invocation.ts";
import type { GlobalOptions } from "../parse/options.ts";
import { EXIT_INTERRUPTED } from "./monitor.ts";
import type { Output } from "./output.ts";

/**
 * Runs a parsed `uevent monitor` until SIGINT or SIGTERM; resolves with
 * {@link EXIT_INTERRUPTED} then.
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
  let interrupted = false;
  const stop = () => {
    interrupted = true;
    mon.close();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    for await (const e of mon) {
      if (e.kind === "overrun") {
        process.stderr.write(
          `Warning: events were lost (${
            e.source === "kernel" ? "the kernel's buffer" : "the queue"
          } overflowed)\n`,
        );
        continue;
      }
      out.write(opts.json ? ueventJson(e) : ueventText(e));
    }
  } catch (e) {
    if (!interrupted) throw e;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    mon.close();
  }
  return interrupted ? EXIT_INTERRUPTED : 0;
}
