/**
 * `nlroute uevent monitor [ kernel | udev | all ] [ subsystem NAME ]… [ devtype NAME ]…`:
 * which uevent groups to join and which events to print.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { Family, Invocation } from "./invocation.ts";
import { inv } from "./invocation.ts";
import type { Words } from "./words.ts";
import type { UEventGroup } from "../../uevent/monitor.ts";

/**
 * Parses the words after `uevent monitor`: the groups (the kernel's by
 * default; `all` is both) and the subsystems and device types to keep.
 */
export function parseUEvent(w: Words, _action: string, _family: Family): Invocation {
  const groups = new Set<UEventGroup>();
  const subsystems: string[] = [];
  const devtypes: string[] = [];
  while (!w.done) {
    const k = w.next();
    if (k === "help") return inv("help", "help", {}, { topic: "uevent" });
    if (k === "kernel" || k === "udev") groups.add(k);
    else if (k === "all") groups.add("kernel").add("udev");
    else if (k === "subsystem") subsystems.push(w.value("subsystem"));
    else if (k === "devtype") devtypes.push(w.value("devtype"));
    else {
      throw new UsageError(
        `Argument "${k}" is unknown for "uevent monitor", try "nlroute uevent help".`,
      );
    }
  }
  return inv("uevent", "monitor", {}, {
    uevent: { groups: groups.size ? [...groups] : ["kernel"], subsystems, devtypes },
  });
}
