/**
 * `nlroute netns list | add | del`.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { Invocation } from "./invocation.ts";
import { inv } from "./invocation.ts";
import type { Words } from "./words.ts";

/**
 * Parses the words after `netns ACTION` (a namespace name for add and del).
 *
 * @example
 * ```ts
 * import { parseNetns } from "./netns.ts";
 * import { Words } from "./words.ts";
 * parseNetns(new Words(["blue"], "netns", "add"), "add").extras; // { name: "blue" }
 * ```
 */
export function parseNetns(w: Words, action: string): Invocation {
  if (action === "show" || action === "list") {
    if (!w.done) throw w.garbage(w.next());
    return inv("netns", "list", {});
  }
  if (w.done) {
    throw new UsageError(`No netns name specified for "netns ${action}".`);
  }
  const name = w.next();
  if (!w.done) throw w.garbage(w.next());
  return inv("netns", action, {}, { name });
}
