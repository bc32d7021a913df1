/**
 * A commit as a list of steps, each with its undo. Steps run in order; when one
 * fails (or a commit hook vetoes), the steps already applied are undone in
 * reverse order and the error says which step failed and why.
 *
 * @module
 */
import { NetlinkError } from "../core/errors.ts";
import type { Request } from "../core/socket.ts";
import type { IPRoute } from "../iproute/iproute.ts";
import type { ObjectName } from "../iproute/objects.ts";
import type { AnyObjectDef as ObjectKind } from "../iproute/object.ts";
import type { Spec } from "../iproute/spec.ts";

/**
 * Commit phases: a global commit runs every record's steps phase by phase, so
 * that links exist before they become ports, carry addresses before routes
 * use them, and are removed last.
 */
export const PHASE = {
  createLink: 0,
  setLink: 1,
  ports: 2,
  addresses: 3,
  linkState: 4,
  routes: 5,
  rules: 6,
  removeLink: 7,
} as const;

/** One kernel change and the change that reverts it. */
export interface Step {
  /** What the step does, for errors (`"link set v0 mtu 1400"`). */
  readonly describe: string;
  /** When it runs in a commit (see {@link PHASE}); steps of one phase keep their order. */
  readonly phase: number;
  /** Applies the change; resolves when the kernel acknowledged it. */
  readonly apply: () => Promise<void>;
  /** Reverts the change (after `apply` succeeded). */
  readonly undo?: () => Promise<void>;
  /**
   * The step as one netlink request, built when it runs: consecutive steps of
   * a phase that have one are sent together (one batch, every ACK matched)
   * instead of one round trip each.
   */
  readonly request?: () => Request;
}

/** Sends requests together; one result per request, in order. */
export type Batcher = (reqs: Request[]) => Promise<{ ok: boolean; error?: unknown }[]>;

/**
 * A commit failed and was rolled back. `step` names the failed step, `cause`
 * holds the kernel's error (a {@link NetlinkError} with its extended-ack text)
 * or the hook's veto; `rollbackErrors` lists undo steps that failed too.
 *
 * @example
 * ```ts
 * import { CommitError } from "./plan.ts";
 * const e = new CommitError("link set v0 address", new Error("bad"), []);
 * e.step; // "link set v0 address"
 * ```
 */
export class CommitError extends Error {
  /** The step that failed (or `"commit hook"`). */
  readonly step: string;
  /** Undo steps that failed as well (the kernel may differ from the snapshot). */
  readonly rollbackErrors: { step: string; error: unknown }[];

  /** `step` failed with `cause`; `rollbackErrors` are the undo steps that failed too. */
  constructor(step: string, cause: unknown, rollbackErrors: { step: string; error: unknown }[]) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const tail = rollbackErrors.length
      ? `; rollback incomplete: ${rollbackErrors.map((r) => r.step).join(", ")}`
      : "; rolled back";
    super(`Cannot commit: step "${step}" failed: ${why}${tail}`, { cause });
    this.name = "CommitError";
    this.step = step;
    this.rollbackErrors = rollbackErrors;
  }

  /** The kernel's error, when a step failed in the kernel. */
  get netlinkError(): NetlinkError | undefined {
    return this.cause instanceof NetlinkError ? this.cause : undefined;
  }
}

/**
 * Runs steps in order; then `check` (commit hooks). On any failure, undoes the
 * applied steps in reverse and throws {@link CommitError}.
 *
 * @example
 * ```ts
 * import { runPlan } from "./plan.ts";
 * await runPlan([{ describe: "nothing", phase: 0, apply: async () => {} }]);
 * ```
 */
export async function runPlan(
  steps: readonly Step[],
  check?: () => Promise<void>,
  batch?: Batcher,
): Promise<void> {
  const done: Step[] = [];
  let failed: { step: string; error: unknown } | undefined;
  for (let i = 0; i < steps.length && !failed;) {
    const step = steps[i]!;
    // A run of request steps in one phase goes out as one batch.
    let j = i;
    while (batch && j < steps.length && steps[j]!.request && steps[j]!.phase === step.phase) j++;
    if (j - i > 1) {
      const group = steps.slice(i, j);
      let reqs: Request[];
      try {
        reqs = group.map((g) => g.request!());
      } catch (error) {
        failed = { step: step.describe, error };
        break;
      }
      const results = await batch!(reqs);
      // The kernel runs every request of a batch: undo exactly those it acknowledged.
      results.forEach((r, k) => {
        if (r.ok) done.push(group[k]!);
        else failed ??= { step: group[k]!.describe, error: r.error };
      });
      i = j;
      continue;
    }
    try {
      await step.apply();
      done.push(step);
    } catch (error) {
      failed = { step: step.describe, error };
    }
    i++;
  }
  if (!failed && check) {
    try {
      await check();
    } catch (error) {
      failed = { step: "commit hook", error };
    }
  }
  if (!failed) return;
  const rollbackErrors: { step: string; error: unknown }[] = [];
  for (const step of done.reverse()) {
    if (!step.undo) continue;
    try {
      await step.undo();
    } catch (error) {
      rollbackErrors.push({ step: `undo ${step.describe}`, error });
    }
  }
  throw new CommitError(failed.step, failed.error, rollbackErrors);
}

/**
 * Runs an IPRoute command with a spec records build at run time; resolves
 * when the kernel acknowledged it.
 *
 * @example
 * ```ts
 * import { runCommand } from "./plan.ts";
 * import { LINK } from "../iproute/objects.ts";
 * import { IPRoute } from "../iproute/iproute.ts";
 * await using ipr = await IPRoute.open();
 * await runCommand(ipr, LINK, "set", { index: 1, state: "up" });
 * ```
 */
export async function runCommand(
  ipr: IPRoute,
  kind: ObjectKind,
  cmd: string,
  spec: Spec,
): Promise<void> {
  const method = ipr[kind.name as ObjectName] as unknown as (
    c: string,
    s: Spec,
  ) => Promise<unknown>;
  await method(cmd, spec);
}
