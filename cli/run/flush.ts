/**
 * Flushes as ip does them: dump, select, then one batch of deletes (IPRoute's
 * `batch()`); a removal that raced with the kernel's own is not an error.
 *
 * @module
 */
import type { Batch } from "../../mod.ts";

/** Kernel answers that mean the object went away meanwhile. */
const GONE = new Set(["ENOENT", "ESRCH", "ENODEV", "EADDRNOTAVAIL", "ENXIO"]);

/**
 * Sends a batch of deletes; throws the first refusal that is not "already
 * gone". Resolves with how many requests the batch held.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../../mod.ts";
 * import { sendDeletes } from "./flush.ts";
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * const b = ipr.batch();
 * for (const n of await ipr.getNexthops()) b.nexthop("del", { id: n.id });
 * await sendDeletes(b);
 * ```
 */
export async function sendDeletes(batch: Batch): Promise<number> {
  if (batch.size === 0) return 0;
  for (const r of await batch.send()) {
    if (!r.ok && !GONE.has(r.error.code)) throw r.error;
  }
  return batch.size;
}
