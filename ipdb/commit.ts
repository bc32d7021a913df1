/**
 * Commits (internal): records' transactions turned into one plan of steps in
 * dependency order, run phase by phase with the commit hooks last; the
 * kernel objects the steps create are claimed by their records after each
 * batch; a failure rolls back and re-reads the kernel.
 *
 * @module
 */
import type { IPRoute } from "../iproute/iproute.ts";
import type { Listeners } from "./callbacks.ts";
import type { EventFeed } from "./feed.ts";
import { Plan, type Step } from "./plan.ts";
import { type Record_, recordInternals } from "./record.ts";
import type { DbState } from "./state.ts";

/** What a commit works with. */
export interface CommitDeps {
  /** IPRoute the batches go through. */
  readonly ipr: IPRoute;
  /** The indexes. */
  readonly state: DbState;
  /** The event feed (sync, re-read). */
  readonly feed: EventFeed;
  /** The commit hooks. */
  readonly listeners: Listeners;
  /** Throws when the database was released. */
  assertOpen(): void;
}

/** Every record with changes in its current transaction. */
export function dirtyRecords(state: DbState): Record_[] {
  return state.records().filter((r) => r.dirty);
}

/**
 * Commits records' current transactions together: every plan is built (and
 * every spec validated) before anything is sent, then the steps run phase by
 * phase. All or nothing.
 */
export async function commitRecords(deps: CommitDeps, records: readonly Record_[]): Promise<void> {
  deps.assertOpen();
  const { ipr, state, feed, listeners } = deps;
  if (feed.stale) await feed.resync();
  feed.sync();
  const ordered = [...records];
  const txs = ordered.map((r) => [r, r.currentTx] as const);
  // Each step's record (its undo steps' too), to claim what the step creates.
  const owners = new Map<Step, Record_>();
  const steps = ordered.flatMap((r) => {
    const tx = recordInternals.txData(r);
    const own = tx ? r.plan(tx) : [];
    for (const s of own) {
      owners.set(s, r);
      for (const u of s.undo ?? []) owners.set(u, r);
    }
    return own;
  }).sort((a, b) => a.phase - b.phase); // stable: each record's order is kept
  const plan = new Plan(ipr, steps);
  const created = ordered.filter((r) => r.ipdbScope === "pending");
  state.beginCommit(ordered);
  let ok = false;
  try {
    await plan.run({
      before: (group) => {
        for (const s of group) state.expect(s, owners.get(s));
      },
      // The kernel queued its notifications before the ACKs: applying them
      // now files what the batch made (claimed by the records that made it).
      after: async () => {
        feed.sync();
        if (feed.stale) await feed.resync();
      },
      check: async () => {
        feed.sync();
        await listeners.runHooks(ordered);
      },
      names: (index) => state.nameOf(index),
    });
    ok = true;
  } catch (e) {
    // Re-read the kernel: the database must equal it after the rollback.
    await feed.resync().catch(() => {});
    // A record whose creation was rolled back waits to be created again.
    for (const r of created) if (r.ipdbScope === "removed") state.revert(r);
    throw e;
  } finally {
    state.endCommit();
    // A record still waiting to be created keeps its transaction (fix it and commit again).
    for (const [r, id] of txs) {
      if (id !== undefined && (ok || r.ipdbScope !== "pending")) recordInternals.finish(r, id);
    }
  }
  for (const r of ordered) state.settled(r);
  feed.sync();
}
