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
 */
export async function sendDeletes(batch: Batch): Promise<number> {
  if (batch.size === 0) return 0;
  for (const r of await batch.send()) {
    if (!r.ok && !GONE.has(r.error.code)) throw r.error;
  }
  return batch.size;
}
