/**
 * `nlroute route …`: shows routes (cached clones left out, as ip does; `root`
 * and `match` select by prefix as ip's do), gets
 * the route the kernel picks, adds, changes, deletes and flushes routes.
 *
 * @module
 */
import { Names } from "../format/ifnames.ts";
import { ROUTE_FORMAT, RTM_F_CLONED } from "../format/route.ts";
import { UsageError } from "../errors.ts";
import { emitFormat, type Runner } from "./output.ts";
import { covers, within } from "./prefix.ts";
import { jsonText } from "../format/fields.ts";
import {
  decodeRouteDump,
  encodeRouteDump,
  restoreRoutes,
  type Route,
  type RouteSpec,
  routeSpecOf,
} from "../../mod.ts";

/** Whether a restore input is the JSON form (its first non-space byte is `[`). */
function isJson(b: Uint8Array): boolean {
  for (const c of b) {
    if (c === 0x5b) return true;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return false;
}

/** The route specs of a JSON restore input. */
function parseSpecs(b: Uint8Array): RouteSpec[] {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(b));
  } catch (e) {
    throw new UsageError(`Cannot restore routes: the input is not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(v) || v.some((x) => typeof x !== "object" || x === null || Array.isArray(x))) {
    throw new UsageError("Cannot restore routes: expected a JSON array of route objects");
  }
  return v as RouteSpec[];
}

/** A route or spec in an error message. */
function routeLabel(r: Route | RouteSpec): string {
  return `route ${r.dst ?? "?"}`;
}

/**
 * Runs a parsed `route` command (a {@link Runner}).
 */
export const runRoute: Runner = async (ipr, inv, opts, out) => {
  const spec = inv.spec;
  const { root, match } = inv.extras;
  if (inv.action === "show") {
    const names = Names.of(await ipr.getLinks());
    const routes = (await ipr.getRoutes(spec)).filter((r) =>
      !(r.flags & RTM_F_CLONED) &&
      (root === undefined || within(r.dst, root, r.family)) &&
      (match === undefined || covers(r.dst, match, r.family))
    );
    emitFormat(routes, opts, out, ROUTE_FORMAT, names, inv.hide);
  } else if (inv.action === "flush") {
    if (root !== undefined || match !== undefined) {
      throw new UsageError(`"route flush" with root or match is not supported by nlroute yet.`);
    }
    await ipr.flushRoutes(spec);
  } else if (inv.action === "save") {
    const routes = (await ipr.getRoutes(spec)).filter((r) =>
      !(r.flags & RTM_F_CLONED) &&
      (root === undefined || within(r.dst, root, r.family)) &&
      (match === undefined || covers(r.dst, match, r.family))
    );
    if (opts.json) {
      // The plain JSON form: route specs with interface names.
      const names = new Map((await ipr.getLinks()).map((l) => [l.index, l.ifname ?? ""]));
      out.write(jsonText(routes.map((r) => routeSpecOf(r, names)), opts.pretty) + "\n");
    } else {
      if (out.isTTY || !out.writeBytes) {
        throw new UsageError("Not sending a binary stream to stdout");
      }
      out.writeBytes(encodeRouteDump(routes));
    }
  } else if (inv.action === "restore" || inv.action === "showdump") {
    if (!out.readInput) throw new UsageError(`"route ${inv.action}" needs standard input.`);
    const input = await out.readInput();
    const json = isJson(input);
    if (inv.action === "showdump") {
      if (json) throw new UsageError(`"route showdump" reads the binary stream of "route save".`);
      const names = Names.of(await ipr.getLinks());
      emitFormat(decodeRouteDump(input), opts, out, ROUTE_FORMAT, names);
      return 0;
    }
    const results = json
      ? await restoreRoutes(ipr, parseSpecs(input))
      : await restoreRoutes(ipr, input);
    const failed = results.filter((r) => !r.ok);
    if (failed.length) {
      const first = failed[0]!;
      throw new UsageError(
        `Cannot restore ${failed.length} of ${results.length} routes; ${routeLabel(first.route)}: ${
          first.ok ? "" : first.error.message
        }`,
        2,
      );
    }
  } else if (inv.action === "get") {
    const r = await ipr.route("get", spec);
    emitFormat([r], opts, out, ROUTE_FORMAT, Names.of(await ipr.getLinks()));
  } else await ipr.route(inv.action as "add", spec);
  return 0;
};
