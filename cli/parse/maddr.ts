/**
 * `nlroute maddr show [ [ dev ] DEVICE ]`: ip's multicast address listing.
 *
 * @module
 */
import type { Family, Invocation } from "./invocation.ts";
import { inv, withFamily } from "./invocation.ts";
import { ifnameValue } from "./addresses.ts";
import type { Words } from "./words.ts";

/**
 * Parses the words after `maddr show` (a device, with or without `dev`).
 */
export function parseMaddr(w: Words, _action: string, family: Family): Invocation {
  const spec: Record<string, unknown> = {};
  while (!w.done) {
    const k = w.next();
    w.once("dev");
    spec.ifname = ifnameValue(k === "dev" ? w.next() : k, "dev");
  }
  return inv("maddr", "show", withFamily(spec, family));
}
