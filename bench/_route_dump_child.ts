/**
 * One cold route dump in a fresh process, started by bench/route_dump.ts:
 * `_route_dump_child.ts raw|naive|nlroute NS TABLE [once]` (`once`: no second
 * dump, for timing the whole process as a script would run). The modules are imported
 * dynamically so that each variant pays only for what it uses; prints one JSON
 * line: when the script started (ms since the process's time origin), the
 * import, the open (socket or IPRoute.open), the first dump (nlroute: with
 * dst/gateway/oif of every route read; naive: every field parsed eagerly) and
 * the second dump, ms, and the number of routes.
 *
 * @module
 */
const start = performance.now();
const [kind, ns, tableArg, onceArg] =
  (globalThis as unknown as { Deno?: { args: string[] } }).Deno?.args ??
    (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const table = Number(tableArg);
const once = onceArg === "once";

/** Reads dst, gateway and oif of every route (what the benchmark's (c) row reads). */
function readFields(
  routes: readonly { dst: string; gateway: string | undefined; oif: number | undefined }[],
): number {
  let sink = 0;
  for (const r of routes) sink += r.dst.length + (r.gateway?.length ?? 0) + (r.oif ?? 0);
  if (routes.length > 0 && sink === 0) throw new Error("no fields read");
  return sink;
}

let out: Record<string, number | string>;
if (kind === "nlroute") {
  const t0 = performance.now();
  const { IPRoute } = await import("../iproute/iproute.ts");
  const t1 = performance.now();
  const ipr = await IPRoute.open({ netns: ns! });
  const t2 = performance.now();
  const routes = await ipr.getRoutes({ table });
  readFields(routes);
  const t3 = performance.now();
  if (!once) readFields(await ipr.getRoutes({ table }));
  const t4 = performance.now();
  ipr.close();
  out = {
    start,
    import: t1 - t0,
    open: t2 - t1,
    first: t3 - t2,
    second: t4 - t3,
    n: routes.length,
  };
} else if (kind === "raw" || kind === "naive") {
  const t0 = performance.now();
  const { RawSocket, routeDumpRequest, naiveRouteDump } = await import("./_raw.ts");
  const t1 = performance.now();
  const raw = new RawSocket(ns!);
  const req = routeDumpRequest(table);
  const t2 = performance.now();
  const dump = kind === "raw" ? () => raw.dump(req) : () => naiveRouteDump(raw, req).length;
  const n = dump();
  const t3 = performance.now();
  if (!once) dump();
  const t4 = performance.now();
  raw.close();
  out = { start, import: t1 - t0, open: t2 - t1, first: t3 - t2, second: t4 - t3, n };
} else {
  throw new Error(`Cannot run the cold child: unknown kind ${kind} (raw, naive or nlroute)`);
}
console.log(JSON.stringify(out));
