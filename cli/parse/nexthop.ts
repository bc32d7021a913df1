/**
 * `nlroute nexthop show | get | add | replace | del`: ip's nexthop grammar.
 *
 * @module
 */
import type { Family, Invocation, Spec } from "./invocation.ts";
import { inv } from "./invocation.ts";
import { ifnameValue, ipAddress } from "./addresses.ts";
import { camel, integer, oneOf, protocolValue } from "./values.ts";
import { gatewayWord } from "./route.ts";
import type { Words } from "./words.ts";
import { GROUP_TYPES } from "../../iproute/nexthop/nexthop.ts";

/** `group ID[,WEIGHT]/ID[,WEIGHT]…`. */
function parseGroup(word: string): Spec[] {
  return word.split("/").map((m) => {
    const [id, weight] = m.split(",");
    const member: Spec = { id: integer(id ?? "", "group", 1) };
    if (weight !== undefined) member.weight = integer(weight, "group weight", 1, 256);
    return member;
  });
}

/**
 * Parses the words after `nexthop ACTION`.
 */
export function parseNexthop(w: Words, action: string, family: Family): Invocation {
  const spec: Spec = {};
  const hide = new Set<string>();
  const selecting = action === "show" || action === "flush";
  while (!w.done) {
    const k = w.next();
    if (k === "id") spec.id = integer(w.value(k), k, 1);
    else if (k === "dev") {
      spec.oif = ifnameValue(w.value(k), "dev");
      if (action === "show") hide.add("dev");
    } else if (selecting && k === "groups") (w.once(k), spec.groups = true);
    else if (selecting && k === "master") spec.master = ifnameValue(w.value(k), k);
    else if (k === "fdb") (w.once(k), spec.fdb = true);
    else if (k === "proto" || k === "protocol") {
      spec.protocol = protocolValue(w.value(k, "protocol"), k);
    } else if (selecting) throw w.garbage(k);
    else if (k === "via") spec.gateway = ipAddress(gatewayWord(w, w.value(k)), k);
    else if (k === "blackhole") (w.once(k), spec.blackhole = true);
    else if (k === "onlink") (w.once(k), spec.onlink = true);
    else if (k === "group") spec.group = parseGroup(w.value(k));
    else if (k === "type") {
      spec.groupType = oneOf(w.value(k), GROUP_TYPES, k) as "mpath" | "resilient";
    } else if (k === "buckets" || k === "idle_timer" || k === "unbalanced_timer") {
      const res = (spec.resGroup ??= {}) as Spec;
      res[camel(k)] = integer(w.value(k), k, k === "buckets" ? 1 : 0);
    } else throw w.garbage(k);
  }
  if (family) spec.family = family;
  if ((action === "del" || action === "get") && spec.id === undefined) throw w.incomplete();
  return inv("nexthop", action, spec, {}, hide);
}
