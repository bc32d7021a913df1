/**
 * Nexthop objects as ip prints them: `ip nexthop` lines (`id 1 via 10.0.0.2
 * dev v0 scope link`) and `ip -j nexthop` objects.
 *
 * @module
 */
import type { Nexthop } from "../../mod.ts";
import { ROUTE_PROTOCOLS, SCOPES } from "../../iproute/names.ts";
import type { Paint } from "../color.ts";
import { type Field, fieldFormat, type Format, type Hidden, namedField } from "./fields.ts";
import type { Names } from "./ifnames.ts";
import { rtFlags } from "./route.ts";

function nexthopFields(n: Nexthop, names: Names, paint: Paint, hide: Hidden): Field[] {
  const f: Field[] = [];
  if (n.id !== undefined) f.push({ key: "id", json: n.id, text: `id ${n.id}` });
  const group = n.group;
  if (group) {
    f.push({
      key: "group",
      json: group.map((m) => (m.weight === 1 ? { id: m.id } : { id: m.id, weight: m.weight })),
      text: `group ${
        group.map((m) => (m.weight === 1 ? `${m.id}` : `${m.id},${m.weight}`)).join("/")
      }`,
    });
    if (n.groupType !== undefined && n.groupType !== "mpath") {
      f.push({ key: "type", json: String(n.groupType), text: `type ${n.groupType}` });
    }
  }
  if (n.gateway !== undefined) {
    f.push({ key: "gateway", json: n.gateway, text: `via ${paint.ip(n.gateway, n.family)}` });
  }
  if (n.oif !== undefined && !hide.has("dev")) {
    const dev = names.name(n.oif);
    f.push({ key: "dev", json: dev, text: `dev ${paint.ifname(dev)}` });
  }
  f.push(...namedField("scope", "scope", n.scope, SCOPES, 0));
  if (n.blackhole) f.push({ key: "blackhole", json: null, text: "blackhole" });
  f.push(...namedField("protocol", "proto", n.protocol, ROUTE_PROTOCOLS, 0));
  const flags = rtFlags(n.flags);
  f.push({ key: "flags", json: flags, text: flags.join(" ") });
  if (n.fdb) f.push({ key: "fdb", json: null, text: "fdb" });
  return f;
}

/**
 * Nexthop objects as `ip nexthop show` prints them and as `ip -j nexthop
 * show` prints them (`id`, `gateway`, `dev`, `group: [{ id, weight }]`…).
 */
export const NEXTHOP_FORMAT: Format<Nexthop> = fieldFormat(nexthopFields);
