/**
 * Route save and restore in `ip route save` / `ip route restore`'s binary
 * form: a 32-bit magic (0x45311224, host byte order) followed by the
 * RTM_NEWROUTE messages of a dump, as the kernel sent them. Restoring sends
 * them back as iproute2 does: in three passes (routes to local addresses,
 * then to local networks, then through gateways), with NLM_F_CREATE, a route
 * that exists already counting as restored.
 *
 * @module
 */
import { AF_INET } from "../../core/address.ts";
import { ArgumentError, DecodeError, type NetlinkError } from "../../core/errors.ts";
import { MessageCursor } from "../../core/codec.ts";
import { NLM_F } from "../../core/constants.ts";
import { RT_TABLE, RTM, RTM_F } from "../../core/tables/constants.ts";
import type { Request } from "../../core/socket.ts";
import type { IPRoute } from "../iproute.ts";
import { buildRouteRequest, type RouteSpec } from "./request.ts";
import type { NextHopSpec } from "./multipath.ts";
import { UnknownInterfaceError } from "../refs.ts";
import { RTNH_F } from "../../core/tables/constants.ts";
import { Route } from "./route.ts";

/** The first four bytes of a saved route stream (iproute2's route_dump_magic). */
export const ROUTE_DUMP_MAGIC = 0x45311224;

const NLMSG_HDRLEN = 16;

/**
 * The saved form of routes: the magic, then each route's message (header
 * included), back to back.
 */
export function encodeRouteDump(routes: Iterable<Route>): Uint8Array {
  const parts: Uint8Array[] = [];
  let size = 4;
  for (const r of routes) {
    const m = r.raw();
    parts.push(m);
    size += m.length;
  }
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, ROUTE_DUMP_MAGIC, true);
  let at = 4;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The routes of a saved stream (what `ip route showdump` reads). Throws a
 * {@link DecodeError} for a wrong magic, a truncated message or a message
 * that is not a route.
 */
export function decodeRouteDump(bytes: Uint8Array): Route[] {
  if (!(bytes instanceof Uint8Array)) {
    throw new DecodeError("route dump", "expected the bytes of a saved stream (a Uint8Array)");
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = bytes.length >= 4 ? dv.getUint32(0, true) : -1;
  if (magic !== ROUTE_DUMP_MAGIC) {
    throw new DecodeError(
      "route dump",
      `magic mismatch (${magic < 0 ? "fewer than 4 bytes" : `0x${magic.toString(16)}`}, ` +
        `expected 0x${ROUTE_DUMP_MAGIC.toString(16)}: not written by ip route save?)`,
      0,
    );
  }
  const cur = new MessageCursor().reset(bytes, 4, bytes.length, dv);
  const routes: Route[] = [];
  while (cur.next()) {
    if (cur.type !== RTM.NEWROUTE) {
      throw new DecodeError(
        "route dump",
        `message type ${cur.type} is not RTM_NEWROUTE`,
        cur.offset,
      );
    }
    if (cur.length < NLMSG_HDRLEN + 12) {
      throw new DecodeError(
        "route dump",
        `a route message of ${cur.length} bytes is too short`,
        cur.offset,
      );
    }
    routes.push(new Route(bytes, dv, cur.offset, cur.length, cur.type));
  }
  if (cur.fault !== undefined) throw new DecodeError("route dump", cur.fault, cur.faultOffset);
  return routes;
}

/**
 * Saves routes as `ip route save` does: the routes `filter` selects (by
 * default, as ip, the IPv4 routes of the main table; `{ table: "all" }` for
 * every table, `{ family: "inet6" }` for IPv6; cloned cache entries are left
 * out), as the bytes of a saved stream.
 */
export async function saveRoutes(
  ipr: IPRoute,
  filter: Omit<Partial<RouteSpec>, "table"> & { table?: RouteSpec["table"] | "all" } = {},
): Promise<Uint8Array> {
  const { table, ...rest } = filter;
  // As ip: IPv4 unless a family is given, the main table unless a table is.
  const spec: Partial<RouteSpec> = { family: AF_INET, ...rest };
  if (table !== "all") spec.table = table ?? RT_TABLE.MAIN;
  const routes = await ipr.getRoutes(spec);
  return encodeRouteDump(routes.filter((r) => (r.flags & RTM_F.CLONED) === 0));
}

/** The outcome of restoring one route. */
export type RestoreResult<R = Route> =
  | { route: R; ok: true; existed: boolean }
  | { route: R; ok: false; error: NetlinkError };

/** iproute2's restore order: 0 local addresses, 1 local networks, 2 through a gateway. */
function pass(r: Route): number {
  if (r.gateway !== undefined) return 2;
  const prefsrc = r.prefsrc;
  return prefsrc === undefined || prefsrc === r.dst.split("/")[0] ? 0 : 1;
}

/** The request that adds a saved route back: its own body, RTM_NEWROUTE with NLM_F_CREATE. */
function restoreRequest(r: Route): Request {
  const raw = r.raw();
  const body = raw.subarray(NLMSG_HDRLEN);
  return {
    type: RTM.NEWROUTE,
    flags: NLM_F.CREATE,
    name: "RTM_NEWROUTE",
    body: (w) => w.bytes(body),
  };
}

/**
 * A route as a plain spec that `route("add", …)` and {@link restoreRoutes}
 * take back: the JSON form of a saved route. Interfaces are named when
 * `names` (index → name) knows them, so the spec restores into another
 * namespace whose interfaces have the same names; otherwise indexes.
 */
export function routeSpecOf(r: Route, names?: ReadonlyMap<number, string>): RouteSpec {
  const dev = (i: number | undefined) => (i === undefined ? undefined : names?.get(i) ?? i);
  const s: Record<string, unknown> = {
    family: r.family,
    dst: r.dst,
    table: r.table,
    proto: r.proto,
    scope: r.scope,
    type: r.routeType,
  };
  const put = (k: string, v: unknown) => {
    if (v !== undefined) s[k] = v;
  };
  put("src", r.src);
  if (r.tos) s.tos = r.tos;
  put("gateway", r.gateway);
  put("oif", dev(r.oif));
  put("iif", dev(r.iif));
  put("prefsrc", r.prefsrc);
  put("priority", r.priority);
  put("metrics", r.metrics);
  put("nhId", r.nhId);
  put("pref", r.pref);
  put("realm", r.realm);
  put("encap", r.encap);
  if (r.flags & RTNH_F.ONLINK) s.onlink = true;
  const mp = r.multipath;
  if (mp) {
    s.multipath = mp.map((h) => {
      const n: NextHopSpec = {};
      if (h.gateway !== undefined) n.gateway = h.gateway;
      if (h.oif !== undefined) n.oif = dev(h.oif)!;
      if (h.hops !== undefined) n.hops = h.hops;
      if (h.flags !== undefined && h.flags & RTNH_F.ONLINK) n.onlink = true;
      if (h.encap !== undefined) n.encap = h.encap;
      return n;
    });
  }
  return s as RouteSpec;
}

/**
 * Saves routes in the plain JSON form: {@link routeSpecOf} of each route the
 * filter selects (the same defaults as {@link saveRoutes}: IPv4, the main
 * table; `{ table: "all" }`), with interface names. `JSON.stringify` it to
 * keep it; {@link restoreRoutes} takes it back.
 */
export async function saveRoutesJSON(
  ipr: IPRoute,
  filter: Omit<Partial<RouteSpec>, "table"> & { table?: RouteSpec["table"] | "all" } = {},
): Promise<RouteSpec[]> {
  const routes = decodeRouteDump(await saveRoutes(ipr, filter));
  const names = new Map((await ipr.getLinks()).map((l) => [l.index, l.ifname ?? String(l.index)]));
  return routes.map((r) => routeSpecOf(r, names));
}

function isAsyncIterable(v: unknown): v is AsyncIterable<Uint8Array> {
  return typeof v === "object" && v !== null && !(v instanceof Uint8Array) && !Array.isArray(v) &&
    typeof (v as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === "function";
}

/**
 * The chunks of a stream, joined (the saved form is read whole: restore makes
 * three passes). The command reads its standard input with it too.
 */
export async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const c of stream) {
    if (!(c instanceof Uint8Array)) {
      throw new ArgumentError("source", "a stream of bytes (Uint8Array chunks)", c);
    }
    chunks.push(c);
    size += c.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The pass of a route spec, as {@link pass} for a saved route. */
function specPass(s: RouteSpec): number {
  if (s.gateway !== undefined || s.multipath !== undefined) return 2;
  const dst = typeof s.dst === "string" ? s.dst.split("/")[0] : undefined;
  return s.prefsrc === undefined || s.prefsrc === dst ? 0 : 1;
}

/** The specs with interface names replaced by indexes (a name that does not exist throws). */
async function resolveSpecs(ipr: IPRoute, specs: readonly RouteSpec[]): Promise<RouteSpec[]> {
  const named = (v: unknown) => typeof v === "string";
  if (!specs.some((s) => named(s.oif) || named(s.iif) || s.multipath?.some((h) => named(h.oif)))) {
    return [...specs];
  }
  const index = new Map((await ipr.getLinks()).map((l) => [l.ifname ?? "", l.index]));
  const look = (v: number | string | undefined, arg: string) => {
    if (typeof v !== "string") return v;
    const i = index.get(v);
    if (i === undefined) throw new UnknownInterfaceError(arg, v);
    return i;
  };
  return specs.map((s, k) => {
    const r: Record<string, unknown> = { ...s };
    if (s.oif !== undefined) r.oif = look(s.oif, `routes[${k}].oif`);
    if (s.iif !== undefined) r.iif = look(s.iif, `routes[${k}].iif`);
    if (s.multipath) {
      r.multipath = s.multipath.map((h, j) =>
        h.oif === undefined ? h : { ...h, oif: look(h.oif, `routes[${k}].multipath[${j}].oif`) }
      );
    }
    return r as RouteSpec;
  });
}

/**
 * Restores saved routes as `ip route restore` does (three passes, in batches:
 * routes to local addresses, to local networks, then through gateways); a
 * route that exists already is restored (`existed: true`). Resolves with one
 * result per route, in the source's order; kernel errors are results.
 * `source` is a saved stream (its bytes, or a readable stream / async
 * iterable of chunks: a file's `ReadableStream`, `process.stdin`), routes
 * (from {@link decodeRouteDump} or a dump), or route specs (the JSON form,
 * {@link saveRoutesJSON}; interface names are resolved and every spec is
 * checked before anything is sent).
 */
export async function restoreRoutes(
  ipr: IPRoute,
  source: Uint8Array | AsyncIterable<Uint8Array> | readonly Route[],
): Promise<RestoreResult[]>;
/**
 * Restores route specs (the JSON form, {@link saveRoutesJSON}) in `ip route
 * restore`'s three passes; interface names are resolved and every spec is
 * checked before anything is sent. One result per spec, in order.
 */
export async function restoreRoutes(
  ipr: IPRoute,
  source: readonly RouteSpec[],
): Promise<RestoreResult<RouteSpec>[]>;
export async function restoreRoutes(
  ipr: IPRoute,
  source: Uint8Array | AsyncIterable<Uint8Array> | readonly Route[] | readonly RouteSpec[],
): Promise<RestoreResult<Route | RouteSpec>[]> {
  let items: (Route | RouteSpec)[];
  let requests: Request[];
  let passes: number[];
  if (isAsyncIterable(source)) source = await readAll(source);
  if (source instanceof Uint8Array) items = decodeRouteDump(source);
  else if (Array.isArray(source)) items = [...source];
  else {
    throw new ArgumentError(
      "source",
      "saved bytes, an array of routes or an array of route specs",
      source,
    );
  }
  if (items.every((x) => x instanceof Route)) {
    const routes = items as Route[];
    requests = routes.map(restoreRequest);
    passes = routes.map(pass);
  } else {
    if (items.some((x) => x instanceof Route)) {
      throw new ArgumentError("source", "routes or route specs, not both", source);
    }
    const specs = await resolveSpecs(ipr, items as RouteSpec[]);
    // Every spec is built (checked) before the first is sent.
    requests = specs.map((s, k) => {
      try {
        return buildRouteRequest("add", s);
      } catch (e) {
        if (e instanceof ArgumentError) {
          // The same check, named by the route's place in the source.
          const detail = e.message.slice(e.message.indexOf(": expected ") + 11);
          const err = new ArgumentError(`routes[${k}].${e.argument}`, detail);
          throw Object.assign(err, {
            message: `Cannot restore routes "routes[${k}].${e.argument}": expected ${detail}`,
          });
        }
        throw e;
      }
    });
    passes = specs.map(specPass);
  }
  const results: RestoreResult<Route | RouteSpec>[] = new Array(items.length);
  for (let p = 0; p < 3; p++) {
    const picked = items.map((_, i) => i).filter((i) => passes[i] === p);
    if (picked.length === 0) continue;
    const answers = await ipr.socket.batch(picked.map((i) => requests[i]!));
    answers.forEach((a, k) => {
      const i = picked[k]!;
      const route = items[i]!;
      if (a.ok) results[i] = { route, ok: true, existed: false };
      else if (a.error.code === "EEXIST") results[i] = { route, ok: true, existed: true };
      else results[i] = { route, ok: false, error: a.error };
    });
  }
  return results;
}
