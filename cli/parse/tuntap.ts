/**
 * `nlroute tuntap { add | del } [ mode { tun | tap } ] [ user USER ] [ group GROUP ]
 * [ one_queue ] [ pi ] [ vnet_hdr ] [ multi_queue ] [ name | dev ] NAME`,
 * `tuntap show [ NAME ] [ mode M ] …`: iptuntap.c's grammar. Users and groups
 * are names (looked up in /etc/passwd and /etc/group) or numbers.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { UsageError } from "../errors.ts";
import type { Family, Invocation } from "./invocation.ts";
import { inv } from "./invocation.ts";
import { ifnameValue } from "./addresses.ts";
import type { Words } from "./words.ts";

/** The id of a user or group name in an /etc/passwd-style file, or a number. */
function idOf(word: string, file: string, what: "user" | "group"): number {
  if (/^\d+$/.test(word)) {
    const n = Number(word);
    if (n <= 0xfffffffe) return n;
  } else {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      // No database: only numbers work.
    }
    for (const line of text.split("\n")) {
      const [name, , id] = line.split(":");
      if (name === word && id !== undefined && /^\d+$/.test(id)) return Number(id);
    }
  }
  throw new UsageError(`invalid ${what} "${word}"`);
}

/**
 * Parses the words after `tuntap ACTION`.
 */
export function parseTuntap(w: Words, action: string, _family: Family): Invocation {
  const spec: Record<string, unknown> = {};
  const named = (v: string) => {
    if (spec.ifname !== undefined) {
      throw new UsageError(`Error: either "name" is duplicate, or "${v}" is a garbage.`);
    }
    spec.ifname = ifnameValue(v, "name");
  };
  while (!w.done) {
    const k = w.next();
    if (k === "mode") {
      const m = w.value("mode");
      if (m !== "tun" && m !== "tap") throw new UsageError(`Unknown tunnel mode "${m}"`);
      if (spec.mode !== undefined && spec.mode !== m) {
        throw new UsageError(`Cannot set the mode twice ("${spec.mode}", then "${m}")`);
      }
      spec.mode = m;
    } else if (k === "user" && action !== "show") {
      spec.uid = idOf(w.value("user"), "/etc/passwd", "user");
    } else if (k === "group" && action !== "show") {
      spec.gid = idOf(w.value("group"), "/etc/group", "group");
    } else if (k === "pi") spec.pi = true;
    else if (k === "one_queue") spec.oneQueue = true;
    else if (k === "vnet_hdr") spec.vnetHdr = true;
    else if (k === "multi_queue") spec.multiQueue = true;
    else if (k === "dev" || k === "name") named(w.value(k));
    else named(k);
  }
  if (action === "add" && spec.mode === undefined) {
    throw new UsageError("You failed to specify a tunnel mode");
  }
  if (action === "del" && spec.ifname === undefined) {
    throw new UsageError(`"tuntap del" needs a name.`);
  }
  return inv("tuntap", action, spec);
}
