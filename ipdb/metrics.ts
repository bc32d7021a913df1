/**
 * A route's metrics as a live object (internal): reads give the pending or
 * the kernel's values, writes and deletes go into the route's transaction,
 * and it behaves as a plain object otherwise (Object.prototype's members,
 * JSON, spreading, printing as the metrics).
 *
 * @module
 */
import { printAs } from "./print.ts";

/** Reads the current metrics. */
type Read = () => Record<string, unknown>;

const reads = new WeakMap<object, Read>();

/** The target behind the live object: what the runtimes print. */
class RouteMetrics {}
printAs(RouteMetrics, (m) => ({ ...reads.get(m)?.() }));

/** A live metrics object: `read` gives the current metrics, `write` records new ones. */
export function liveMetrics(
  read: Read,
  write: (metrics: Record<string, unknown>) => void,
): Record<string, unknown> {
  const target = new RouteMetrics();
  reads.set(target, read);
  const isMetric = (k: PropertyKey): boolean => typeof k === "string" && !(k in target);
  const live = new Proxy(target as Record<string, unknown>, {
    get: (t, k) => (isMetric(k) ? read()[k as string] : Reflect.get(t, k)),
    has: (t, k) => (isMetric(k) ? Object.hasOwn(read(), k) : Reflect.has(t, k)),
    set: (_t, k, v) => {
      if (!isMetric(k)) return false;
      write({ ...read(), [k as string]: v });
      return true;
    },
    deleteProperty: (_t, k) => {
      if (!isMetric(k)) return false;
      const next = { ...read() };
      delete next[k as string];
      write(next);
      return true;
    },
    ownKeys: () => Object.keys(read()),
    getOwnPropertyDescriptor: (_t, k) =>
      isMetric(k) && Object.hasOwn(read(), k)
        ? { value: read()[k as string], enumerable: true, configurable: true, writable: true }
        : undefined,
  });
  // Runtimes call the inspect method on the proxy or on its target.
  reads.set(live, read);
  return live;
}
