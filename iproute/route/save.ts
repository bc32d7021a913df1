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
import { DecodeError, type NetlinkError } from "../../core/errors.ts";
import { MessageCursor } from "../../core/codec.ts";
import { NLM_F } from "../../core/constants.ts";
import { RT_TABLE, RTM, RTM_F } from "../../core/tables/constants.ts";
import type { Request } from "../../core/socket.ts";
import type { IPRoute } from "../iproute.ts";
import type { RouteSpec } from "./request.ts";
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
export type RestoreResult =
  | { route: Route; ok: true; existed: boolean }
  | { route: Route; ok: false; error: NetlinkError };

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
 * Restores saved routes as `ip route restore` does (three passes, in batches:
 * routes to local addresses, to local networks, then through gateways); a
 * route that exists already is restored (`existed: true`). Resolves with one
 * result per route, in the stream's order; kernel errors are results.
 * `source` is a saved stream or routes (from {@link decodeRouteDump} or a dump).
 */
export async function restoreRoutes(
  ipr: IPRoute,
  source: Uint8Array | readonly Route[],
): Promise<RestoreResult[]> {
  const routes = source instanceof Uint8Array ? decodeRouteDump(source) : [...source];
  const results: RestoreResult[] = new Array(routes.length);
  for (let p = 0; p < 3; p++) {
    const picked = routes.map((r, i) => [r, i] as const).filter(([r]) => pass(r) === p);
    if (picked.length === 0) continue;
    const answers = await ipr.socket.batch(picked.map(([r]) => restoreRequest(r)));
    answers.forEach((a, k) => {
      const [route, i] = picked[k]!;
      if (a.ok) results[i] = { route, ok: true, existed: false };
      else if (a.error.code === "EEXIST") results[i] = { route, ok: true, existed: true };
      else results[i] = { route, ok: false, error: a.error };
    });
  }
  return results;
}
