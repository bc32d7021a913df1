/**
 * The attribute scan of the kinds' fast option readers (`KindCodec.decodeFast`:
 * htb classes, u32 filters, dumped by the thousand): one pass over
 * TCA_OPTIONS' attributes that finds the few a kind reads, from a plan made
 * once at module load from the generated attribute numbers. Anything the
 * plan does not expect — a malformed header, another attribute, a repeat, a
 * byte-order or nested flag — makes the scan fail, and the caller decodes the
 * general way (the tables' decoder, then the codec's `decode`), so both ways
 * give the same result, or the same error.
 *
 * @module
 */

/** A scan plan: by attribute type, its slot (0, 1, …), {@link SKIP} or {@link NONE}. */
export type ScanPlan = Int8Array;

/** Not expected: the scan fails. */
const NONE = -1;
/** Expected and ignored (padding, an attribute the result does not show and that never fails to decode). */
const SKIP = -2;

/** A plan for `wanted` attribute types (slot i for wanted[i]) and `skipped` ones. */
export function scanPlan(wanted: readonly number[], skipped: readonly number[] = []): ScanPlan {
  const max = Math.max(0, ...wanted, ...skipped);
  const plan = new Int8Array(max + 1).fill(NONE);
  for (const t of skipped) plan[t] = SKIP;
  wanted.forEach((t, i) => (plan[t] = i));
  return plan;
}

/**
 * Walks the attributes in `[start, end)` (`dv` viewing the whole buffer):
 * for the attribute of slot i, `out[2i]` is its payload offset and
 * `out[2i + 1]` its length (`out[2i]` is -1 when absent; `out` has room for
 * every slot). False when the run is not what the plan expects.
 */
export function scanOptions(
  dv: DataView,
  start: number,
  end: number,
  plan: ScanPlan,
  slots: number,
  out: number[],
): boolean {
  for (let i = 0; i < slots; i++) out[2 * i] = -1;
  let pos = start;
  while (pos < end) {
    if (end - pos < 4) return false;
    const len = dv.getUint16(pos, true);
    if (len < 4 || pos + len > end) return false;
    const t = dv.getUint16(pos + 2, true);
    // Flag bits (0xc000) set: the general way (byte order, nesting) decides.
    const slot = t < plan.length ? plan[t]! : NONE;
    if (slot === NONE) return false;
    if (slot >= 0) {
      if (out[2 * slot]! >= 0) return false; // a repeat: the tables' decoder makes an array
      out[2 * slot] = pos + 4;
      out[2 * slot + 1] = len - 4;
    }
    pos += (len + 3) & ~3;
  }
  return true;
}
