/**
 * `nlroute netns list | add | del | identify | exec`.
 *
 * @module
 */
import { checkNetnsName } from "../../core/nsenter.ts";
import { UsageError } from "../errors.ts";
import type { Invocation } from "./invocation.ts";
import { inv } from "./invocation.ts";
import type { Words } from "./words.ts";

/** The rest of the words, all of them (`netns exec NAME cmd …`: the program and its arguments). */
function rest(w: Words): string[] {
  const out: string[] = [];
  while (!w.done) out.push(w.next());
  return out;
}

/** A namespace name as ip accepts it (not empty, no `/`, not `.` or `..`). */
function nameOf(w: Words, action: string): string {
  if (w.done) throw new UsageError(`No netns name specified for "netns ${action}".`);
  const name = w.next();
  try {
    checkNetnsName(name, "name");
  } catch {
    throw new UsageError(`Invalid netns name "${name}".`);
  }
  return name;
}

/**
 * Parses the words after `netns ACTION`: a namespace name for add and del, an
 * optional pid for identify, a name and a program for exec.
 */
export function parseNetns(w: Words, action: string): Invocation {
  if (action === "list") {
    if (!w.done) throw w.garbage(w.next());
    return inv("netns", "list", {});
  }
  if (action === "identify") {
    const pid = w.done ? undefined : w.next();
    if (!w.done) throw new UsageError(`Extra arguments specified for "netns identify".`);
    if (pid !== undefined && !/^\d+$/.test(pid)) {
      throw new UsageError(`Specified string "${pid}" is not a pid.`);
    }
    return inv("netns", "identify", {}, pid === undefined ? {} : { pid });
  }
  const name = nameOf(w, action);
  if (action === "exec") {
    const argv = rest(w);
    if (argv.length === 0) throw new UsageError(`No command specified for "netns exec".`);
    return inv("netns", "exec", {}, { name, argv });
  }
  if (!w.done) throw w.garbage(w.next());
  return inv("netns", action, {}, { name });
}
