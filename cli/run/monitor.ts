/**
 * `nlroute monitor`: prints every change as one line (or one JSON object)
 * until interrupted, learning interface names as ip's link cache does.
 *
 * @module
 */
import process from "node:process";
import { type IPRoute, Monitor, type MonitorEvent } from "../../mod.ts";
import { Names } from "../format/ifnames.ts";
import { eventJson, eventLine } from "../format/monitor.ts";
import type { Invocation } from "../parse/invocation.ts";
import type { GlobalOptions } from "../parse/options.ts";
import type { Output } from "./output.ts";

/**
 * Exit code when the monitor is stopped by a signal (128 + SIGINT).
 */
export const EXIT_INTERRUPTED = 130;

/** The interface indexes an event refers to (to print their names). */
function indexesOf(e: MonitorEvent): (number | undefined)[] {
  switch (e.kind) {
    case "link":
      return [e.object.link, e.object.master];
    case "addr":
    case "neigh":
    case "netconf":
      return [e.object.index];
    case "route":
      return [e.object.oif, e.object.iif, ...(e.object.multipath ?? []).map((n) => n.oif)];
    case "nexthop":
      return [e.object.oif];
    default:
      return [];
  }
}

/** Asks the kernel for the names of indexes not seen yet (as ip's link cache does). */
async function learnNames(
  ipr: IPRoute,
  names: Names,
  indexes: (number | undefined)[],
): Promise<void> {
  for (const index of indexes) {
    if (index === undefined || index <= 0 || names.has(index)) continue;
    try {
      names.update(await ipr.link("get", { index }));
    } catch {
      // Gone already: printed as if<N>, as ip does.
    }
  }
}

/**
 * Runs a parsed `monitor` command until SIGINT or SIGTERM; resolves with
 * {@link EXIT_INTERRUPTED} then.
 */
export async function runMonitor(
  inv: Invocation,
  opts: GlobalOptions,
  out: Output,
): Promise<number> {
  const mon = await Monitor.open({
    groups: inv.extras.groups ?? [],
    ...(opts.netns === undefined ? {} : { netns: opts.netns }),
  });
  let names = new Names();
  return await untilInterrupted(mon, async () => {
    const sub = mon.events();
    names = Names.of(await mon.ipr.getLinks());
    return sub;
  }, async (e) => {
    if (e.kind === "link" && e.event === "RTM_NEWLINK") names.update(e.object);
    await learnNames(mon.ipr, names, indexesOf(e));
    const line = opts.json
      ? JSON.stringify(eventJson(e, names))
      : eventLine(e, names, out.paint, inv.extras.label === true);
    if (line !== undefined) out.write(`${line}\n`);
    if (e.kind === "link" && e.event === "RTM_DELLINK") names.delete(e.object.index);
  });
}

/**
 * Runs `each` on every event of `events()` until SIGINT or SIGTERM closes
 * `source` (then resolves with {@link EXIT_INTERRUPTED}; 0 when the events
 * end). Overrun notices are warnings on standard error, not events. `source`
 * is closed in any case.
 */
export async function untilInterrupted<E extends { kind: string }>(
  source: { close(): void },
  events: () => Promise<AsyncIterable<E>> | AsyncIterable<E>,
  each: (e: Exclude<E, { kind: "overrun" }>) => Promise<void> | void,
): Promise<number> {
  let interrupted = false;
  const stop = () => {
    interrupted = true;
    source.close();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    for await (const e of await events()) {
      if (e.kind === "overrun") {
        const lost = (e as { source?: string }).source === "kernel"
          ? "the kernel's buffer"
          : "the queue";
        process.stderr.write(`Warning: events were lost (${lost} overflowed)\n`);
        continue;
      }
      await each(e as Exclude<E, { kind: "overrun" }>);
    }
  } catch (e) {
    if (!interrupted) throw e;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    source.close();
  }
  return interrupted ? EXIT_INTERRUPTED : 0;
}
