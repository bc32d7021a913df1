/**
 * Routes as ip prints them: `ip route` lines (a multipath route adds a
 * `nexthop` line per path) and `ip -j route` objects.
 *
 * @module
 */
import { encapFields } from "./route_encap.ts";
import type { Route } from "../../mod.ts";
import { AF_INET, AF_INET6 } from "../../core/address.ts";
import {
  ROUTE_METRICS,
  ROUTE_PREFS,
  ROUTE_PROTOCOLS,
  SCOPES,
  TABLES,
} from "../../iproute/names.ts";
import { RTNL } from "../../iproute/registry.ts";
import type { Paint } from "../color.ts";
import {
  familyName,
  type Field,
  fieldFormat,
  type Format,
  hex,
  type Hidden,
  hostLen,
  namedField,
  tosText,
} from "./fields.ts";
import type { Names } from "./ifnames.ts";

/**
 * RTM_F_CLONED: a cached clone (`ip route show` leaves these out).
 */
export const RTM_F_CLONED = 0x200;

/** Route and nexthop flags as ip prints them (RTNH_F_* and RTM_F_*), in ip's order. */
const RT_FLAGS: [number, string][] = [
  [0x1, "dead"],
  [0x2, "pervasive"],
  [0x4, "onlink"],
  [0x8, "offload"],
  [0x40, "trap"],
  [0x100, "notify"],
  [0x10, "linkdown"],
  [0x20, "unresolved"],
  [0x4000, "rt_offload"],
  [0x8000, "rt_trap"],
  [0x20000000, "rt_offload_failed"],
];

/** Routing cache flags (RTCF_*) as ip prints them for cloned routes. */
const RTCF: [number, string][] = [
  [0x80000000, "local"],
  [0x40000000, "reject"],
  [0x20000000, "mc"],
  [0x10000000, "brd"],
  [0x08000000, "dst-nat"],
  [0x04000000, "src-direct"],
  [0x01000000, "redirect"],
  [0x00040000, "redirected"],
  [0x00010000, "notify"],
];

function flagList(table: [number, string][], flags: number): string[] {
  return table.filter(([bit]) => flags & bit).map(([, n]) => n);
}

/**
 * Route and nexthop flags (RTNH_F_*, RTM_F_*) as ip prints them.
 */
export function rtFlags(flags: number): string[] {
  return flagList(RT_FLAGS, flags);
}

/** `10.0.0.0/24`, or the bare address for a host prefix, or `default`. */
function prefixText(p: string | undefined, family: number, len: number): string {
  if (p === undefined || p === "") return len ? `0/${len}` : "default";
  if (p === "default") return p;
  return len === hostLen(family) ? p.split("/")[0]! : p;
}

/** The gateway (`via 10.0.0.2`, or `via inet6 …` for another family). */
function gatewayField(gw: string, fam: number, paint: Paint): Field {
  const gwFamily = gw.includes(":") ? AF_INET6 : AF_INET;
  if (gwFamily === fam) return { key: "gateway", json: gw, text: `via ${paint.ip(gw, gwFamily)}` };
  return {
    key: "via",
    json: { family: familyName(gwFamily), host: gw },
    text: `via ${familyName(gwFamily)} ${paint.ip(gw, gwFamily)}`,
  };
}

const METRICS = RTNL.set("metrics").byName;

/** ip's name of a metric the tables name `k` (`rtoMin` → `rto_min`); unknown ones as they are. */
function metricName(k: string): string {
  const def = METRICS.get(k);
  return def === undefined ? k : String(ROUTE_METRICS.name(def.type));
}

function metricsFields(metrics: Record<string, unknown> | undefined): Field[] {
  if (!metrics) return [];
  const m: Record<string, unknown> = {};
  const text: string[] = [];
  for (const [k, v] of Object.entries(metrics)) {
    if (k === "lock" || typeof v === "object") continue;
    const name = metricName(k);
    m[name] = v;
    text.push(`${name} ${v}`);
  }
  return text.length ? [{ key: "metrics", json: [m], text: text.join(" ") }] : [];
}

function multipathFields(r: Route, names: Names, paint: Paint): Field[] {
  const mp = r.multipath;
  if (!mp) return [];
  const json = mp.map((nh) => {
    const o: Record<string, unknown> = {};
    for (const e of encapFields(nh.encap, names, paint)) {
      if (e.json !== undefined) o[e.key] = e.json;
    }
    if (nh.gateway !== undefined) o.gateway = nh.gateway;
    if (nh.oif) o.dev = names.name(nh.oif);
    o.weight = nh.weight;
    o.flags = rtFlags(nh.flags ?? 0);
    return o;
  });
  const text = mp.map((nh) => {
    let s = "\n\tnexthop";
    for (const e of encapFields(nh.encap, names, paint)) if (e.text) s += ` ${e.text}`;
    if (nh.gateway !== undefined) s += ` via ${paint.ip(nh.gateway)}`;
    if (nh.oif) s += ` dev ${paint.ifname(names.name(nh.oif))}`;
    s += ` weight ${nh.weight}`;
    const fl = rtFlags(nh.flags ?? 0);
    if (fl.length) s += ` ${fl.join(" ")}`;
    return s;
  }).join("");
  return [{ key: "nexthops", json, text }];
}

/** Clock ticks per second of RTA_CACHEINFO times (USER_HZ). */
const USER_HZ = 100;

/** RTA_CACHEINFO as ip prints it: `expires 299sec` (whole seconds left), `error N`. */
function cacheinfoFields(r: Route): Field[] {
  const ci = r.cacheinfo;
  if (!ci) return [];
  const f: Field[] = [];
  const expires = (ci.rtaExpires ?? 0) | 0;
  if (expires) {
    const sec = Math.trunc(expires / USER_HZ);
    f.push({ key: "expires", json: sec, text: `expires ${sec}sec` });
  }
  const error = ci.rtaError ?? 0;
  if (error) f.push({ key: "error", json: error >>> 0, text: `error ${error >>> 0}` });
  return f;
}

/** A field shown unless the command filtered on it. */
function unless(hide: Hidden, key: string, fields: Field[]): Field[] {
  return hide.has(key) ? [] : fields;
}

function routeFields(r: Route, names: Names, paint: Paint, hide: Hidden): Field[] {
  const f: Field[] = [];
  const fam = r.family;
  const typeName = String(r.routeType);
  if (typeName !== "unicast" && !hide.has("type")) {
    f.push({ key: "type", json: typeName, text: typeName });
  }
  const dst = prefixText(r.dst, fam, r.dstLen);
  f.push({ key: "dst", json: dst, text: dst === "default" ? dst : paint.ip(dst, fam) });
  if (r.src !== undefined) {
    const src = prefixText(r.src, fam, r.srcLen);
    f.push({ key: "from", json: src, text: `from ${paint.ip(src, fam)}` });
  } else if (r.srcLen) {
    f.push({ key: "src", json: `0/${r.srcLen}`, text: `from 0/${r.srcLen}` });
  }
  if (r.nhId !== undefined) f.push({ key: "nhid", json: r.nhId, text: `nhid ${r.nhId}` });
  f.push(...encapFields(r.encap, names, paint));
  if (r.tos) f.push({ key: "tos", json: tosText(r.tos), text: `tos ${tosText(r.tos)}` });
  if (r.gateway !== undefined && !hide.has("gateway")) f.push(gatewayField(r.gateway, fam, paint));
  if (r.oif !== undefined && !hide.has("dev")) {
    const dev = names.name(r.oif);
    f.push({ key: "dev", json: dev, text: `dev ${paint.ifname(dev)}` });
  }
  if (r.table && r.table !== 254 && !hide.has("table")) {
    const t = String(TABLES.name(r.table));
    f.push({ key: "table", json: t, text: `table ${t}` });
  }
  const cloned = (r.flags & RTM_F_CLONED) !== 0;
  if (!cloned) {
    f.push(
      ...unless(hide, "protocol", namedField("protocol", "proto", r.proto, ROUTE_PROTOCOLS, 3)),
    );
    f.push(...unless(hide, "scope", namedField("scope", "scope", r.scope, SCOPES, 0)));
  }
  if (r.prefsrc !== undefined && !hide.has("prefsrc")) {
    f.push({ key: "prefsrc", json: r.prefsrc, text: `src ${paint.ip(r.prefsrc, fam)}` });
  }
  if (r.priority !== undefined) {
    f.push({ key: "metric", json: r.priority, text: `metric ${r.priority}` });
  }
  const flags = rtFlags(r.flags);
  f.push({ key: "flags", json: flags, text: flags.join(" ") });
  if (r.mark) f.push({ key: "mark", json: r.mark, text: `mark ${hex(r.mark)}` });
  if (r.uid !== undefined) f.push({ key: "uid", json: r.uid, text: `uid ${r.uid}` });
  if (cloned) {
    const cache = flagList(RTCF, r.flags);
    f.push({
      key: "cache",
      json: fam === AF_INET ? cache : undefined,
      text: `\n    cache${cache.length ? ` <${cache.join(",")}>` : ""}`,
    });
  }
  f.push(...cacheinfoFields(r));
  f.push(...metricsFields(r.metrics));
  if (r.iif !== undefined && !hide.has("iif")) {
    const iif = names.name(r.iif);
    f.push({ key: "iif", json: iif, text: `iif ${paint.ifname(iif)}` });
  }
  if (r.pref !== undefined) {
    const p = String(ROUTE_PREFS.name(r.pref));
    f.push({ key: "pref", json: p, text: `pref ${p}` });
  }
  // Last, as ip prints them: what follows the next hops would read as theirs.
  f.push(...multipathFields(r, names, paint));
  return f;
}

/**
 * Routes as `ip route show` prints them (one line; a multipath route adds a
 * `nexthop` line per path) and as `ip -j route show` prints them (`dst`,
 * `gateway`, `dev`, `protocol`, `scope`, `prefsrc`, `metric`, `table`,
 * `nexthops`, `metrics`…); `hide` leaves out what the show command filtered
 * on, as ip does.
 */
export const ROUTE_FORMAT: Format<Route> = fieldFormat(routeFields);
