/**
 * A commit as plain data: steps (`{ object, cmd, spec, phase, undo, tolerate }`),
 * each an IPRoute request with the steps that revert it. The runner sends each
 * run of consecutive steps of one phase as one IPRoute batch; when a step fails
 * (or a commit hook vetoes), the steps the kernel acknowledged are undone in
 * reverse order, batched the same way, and the error says which step failed
 * and why.
 *
 * @module
 */
import { NetlinkError } from "../core/errors.ts";
import type { IPRoute } from "../iproute/iproute.ts";
import type { Batch } from "../iproute/batch.ts";
import type { Spec } from "../iproute/spec.ts";
import { splitTunTapSpec } from "../iproute/tuntap/request.ts";

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

/**
 * One kernel change as data: the IPRoute request `object cmd spec` (e.g.
 * `{ object: "link", cmd: "set", spec: { index: 3, mtu: 1400 } }`), the phase
 * it runs in, and the steps that revert it. A spec may name an interface
 * (`{ index: "br0" }`): names are resolved when its batch is sent, so a step
 * can refer to an interface an earlier phase created.
 */
export interface Step {
  /** The IPRoute object: the method of IPRoute's batch that sends the step. */
  readonly object: "link" | "addr" | "route" | "neigh" | "rule" | "nexthop" | "fdb";
  /** The command (`add`, `set`, `replace`, `del`, …). */
  readonly cmd: string;
  /** The request's spec, as IPRoute takes it. */
  readonly spec: Spec;
  /** When it runs in a commit (see {@link PHASE}); steps of one phase keep their order. */
  readonly phase: number;
  /** The steps that revert it once the kernel acknowledged it, in order. */
  readonly undo?: readonly Step[];
  /** Errno names that count as success (e.g. `["EEXIST"]` when re-adding what may be back). */
  readonly tolerate?: readonly string[];
}

/** The IPRoute objects a step can change (the methods of IPRoute's batch). */
export type StepObject = Step["object"];

/** Spec keys that hold an interface index (or name). */
const DEV_KEYS = new Set(["index", "oif", "iif", "master", "link"]);
/** How iproute2 writes some keys, by object. */
const ALIASES: Partial<Record<StepObject, Record<string, string>>> = {
  addr: { index: "dev" },
  route: { gateway: "via", oif: "dev", priority: "metric" },
  neigh: { index: "dev" },
  fdb: { index: "dev" },
  nexthop: { oif: "dev" },
};

/**
 * What a step does, in iproute2's words, derived from its data: `"link set v0
 * mtu 1400"`, `"addr add 10.0.0.1/24 dev v0"`, `"route add 10.1.0.0/16 via
 * 10.0.0.2"`. `names` turns interface indexes into names.
 */
export function describe(step: Step, names?: (index: number) => string | undefined): string {
  const s = step.spec;
  const dev = (v: unknown) => (typeof v === "number" && names?.(v)) || String(v);
  const words: string[] = [step.object, step.cmd];
  const used = new Set<string>();
  const take = (k: string) => {
    used.add(k);
    return s[k];
  };
  if (step.object === "link") {
    if (s.index !== undefined) words.push(dev(take("index")));
    else if (s.ifname !== undefined) words.push(String(take("ifname")));
    if (s.kind !== undefined) words.push("type", String(take("kind")));
  } else if (step.object === "addr" && s.address !== undefined) {
    const len = s.prefixlen === undefined ? "" : `/${take("prefixlen")}`;
    words.push(`${take("address")}${len}`);
  } else if (step.object === "route") {
    words.push(String(take("dst") ?? "default"));
  }
  const alias = ALIASES[step.object] ?? {};
  for (const [k, v] of Object.entries(s)) {
    if (used.has(k) || v === undefined) continue;
    if (k === "state") words.push(String(v));
    else if (k === "master" && v === 0) words.push("nomaster");
    else if (DEV_KEYS.has(k)) words.push(alias[k] ?? k, dev(v));
    else words.push(alias[k] ?? k, typeof v === "object" ? JSON.stringify(v) : String(v));
  }
  return words.join(" ");
}

/**
 * A commit failed and was rolled back. `step` names the failed step, `cause`
 * holds the kernel's error (a {@link NetlinkError} with its extended-ack text)
 * or the hook's veto; `rollbackErrors` lists undo steps that failed too.
 *
 * @example An MTU veth refuses: the commit fails and the address added before it is taken back
 * ```ts
 * import { CommitError, IPDB } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipdb = await IPDB.open({ netns: "blue" });
 * await ipdb.create("veth", "c0", { peer: "c1" }).commit();
 * const c0 = ipdb.interfaces.c0!;
 * await assert.rejects(c0.addIp("10.0.0.1/24").setMtu(70000).commit(), (e) => {
 *   assert.ok(e instanceof CommitError);
 *   assert.equal(e.step, "link set c0 mtu 70000");
 *   assert.equal(e.netlinkError?.code, "EINVAL");
 *   assert.deepEqual(e.rollbackErrors, []);
 *   return true;
 * });
 * assert.equal(c0.mtu, 1500);
 * assert.ok(!c0.ipaddr.includes("10.0.0.1/24"));
 * await c0.remove().commit();
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

/** What the runner tells the database around each batch, and asks it. */
export interface PlanHooks {
  /** Before a batch goes out (forward or undo steps of one phase). */
  before?(steps: readonly Step[]): void;
  /** After a batch was answered, with the steps the kernel acknowledged. */
  after?(acked: readonly Step[]): Promise<void>;
  /** After every step succeeded: throws to veto (the commit hooks). */
  check?(): Promise<void>;
  /** Interface names by index, for step descriptions. */
  names?(index: number): string | undefined;
}

/** One failure: the step's description and the error. */
type Failure = { step: string; error: unknown };

/**
 * Whether a step cannot go in a batch: creating a tun/tap device is ioctls on
 * /dev/net/tun, not a netlink request (IPRoute.link does it).
 */
function isDirect(step: Step): boolean {
  return step.object === "link" && step.cmd === "add" && step.spec.kind === "tuntap";
}

/** Runs of consecutive steps of one phase (a step that cannot be batched runs alone). */
function phaseRuns<T extends { step: Step }>(items: readonly T[]): T[][] {
  const runs: T[][] = [];
  for (const it of items) {
    const last = runs.at(-1);
    if (
      last && last[0]!.step.phase === it.step.phase && !isDirect(it.step) &&
      !isDirect(last[0]!.step)
    ) last.push(it);
    else runs.push([it]);
  }
  return runs;
}

/** Runs a step that cannot be batched, alone, through IPRoute's method; the same answer as {@link send}. */
async function sendDirect<T extends { step: Step }>(
  ipr: IPRoute,
  items: readonly T[],
  describeOf: (it: T) => string,
  hooks: PlanHooks,
): Promise<{ acked: T[]; failures: Failure[] }> {
  const it = items[0]!;
  hooks.before?.([it.step]);
  try {
    await (ipr.link as (cmd: string, spec: Spec) => Promise<unknown>)(it.step.cmd, it.step.spec);
  } catch (error) {
    return { acked: [], failures: [{ step: describeOf(it), error }] };
  }
  try {
    await hooks.after?.([it.step]);
  } catch (error) {
    return { acked: [it], failures: [{ step: describeOf(it), error }] };
  }
  return { acked: [it], failures: [] };
}

/** Adds a step's request to a batch (validates it: a bad spec throws ArgumentError). */
function addTo(b: Batch, step: Step): void {
  const add = b[step.object] as unknown as (cmd: string, spec: Spec) => Batch;
  add.call(b, step.cmd, step.spec);
}

/** Sends one batch; the items the kernel acknowledged (or answered with a tolerated error), and the failures. */
async function send<T extends { step: Step }>(
  batch: Batch,
  items: readonly T[],
  describeOf: (it: T) => string,
  hooks: PlanHooks,
): Promise<{ acked: T[]; failures: Failure[] }> {
  const acked: T[] = [];
  const failures: Failure[] = [];
  hooks.before?.(items.map((it) => it.step));
  let results;
  try {
    results = await batch.send();
  } catch (error) {
    // Nothing was sent (an interface name did not resolve) or the socket failed.
    return { acked, failures: items.map((it) => ({ step: describeOf(it), error })) };
  }
  results.forEach((r, k) => {
    const it = items[k]!;
    if (r.ok || it.step.tolerate?.includes(r.error.code)) acked.push(it);
    else failures.push({ step: describeOf(it), error: r.error });
  });
  if (acked.length && hooks.after) {
    try {
      await hooks.after(acked.map((it) => it.step));
    } catch (error) {
      failures.push({ step: describeOf(items[0]!), error });
    }
  }
  return { acked, failures };
}

/**
 * Steps ready to run: every spec validated and built into its phase's batch
 * when the plan is made (a bad one throws its ArgumentError before anything
 * is sent). `run` sends the batches phase by phase through `ipr`, then calls
 * `hooks.check`; on any failure it undoes the acknowledged steps in reverse
 * and throws {@link CommitError}.
 */
export class Plan {
  readonly #ipr: IPRoute;
  readonly #runs: { step: Step }[][];
  readonly #batches: (Batch | undefined)[];

  /** Validates `steps` and builds their batches (one per run of a phase). */
  constructor(ipr: IPRoute, steps: readonly Step[]) {
    this.#ipr = ipr;
    this.#runs = phaseRuns(steps.map((step) => ({ step })));
    this.#batches = this.#runs.map((run) => {
      if (isDirect(run[0]!.step)) {
        splitTunTapSpec(run[0]!.step.spec);
        return undefined;
      }
      const b = ipr.batch();
      for (const { step } of run) addTo(b, step);
      return b;
    });
  }

  /** Number of batches the steps go out in (when nothing fails). */
  get batches(): number {
    return this.#batches.length;
  }

  /** Runs the plan (once). */
  async run(hooks: PlanHooks = {}): Promise<void> {
    const names = hooks.names?.bind(hooks);
    const done: Step[] = [];
    let failed: Failure | undefined;
    for (let k = 0; k < this.#runs.length && !failed; k++) {
      const describeOf = (it: { step: Step }) => describe(it.step, names);
      const batch = this.#batches[k];
      const { acked, failures } = batch
        ? await send(batch, this.#runs[k]!, describeOf, hooks)
        : await sendDirect(this.#ipr, this.#runs[k]!, describeOf, hooks);
      for (const it of acked) done.push(it.step);
      failed = failures[0];
    }
    if (!failed && hooks.check) {
      try {
        await hooks.check();
      } catch (error) {
        failed = { step: "commit hook", error };
      }
    }
    if (!failed) return;
    const rollbackErrors = await rollback(this.#ipr, done, hooks);
    throw new CommitError(failed.step, failed.error, rollbackErrors);
  }
}

/** Undoes acknowledged steps (latest first), batched by phase; returns the undo steps that failed. */
async function rollback(ipr: IPRoute, done: Step[], hooks: PlanHooks): Promise<Failure[]> {
  const names = hooks.names?.bind(hooks);
  const undos = done.reverse().flatMap((of) => (of.undo ?? []).map((step) => ({ step, of })));
  const label = (it: { step: Step; of: Step }) =>
    it.of.undo!.length === 1
      ? `undo ${describe(it.of, names)}`
      : `undo ${describe(it.of, names)}: ${describe(it.step, names)}`;
  const errors: Failure[] = [];
  for (const run of phaseRuns(undos)) {
    const b = ipr.batch();
    const valid = run.filter((it) => {
      try {
        addTo(b, it.step);
        return true;
      } catch (error) {
        errors.push({ step: label(it), error });
        return false;
      }
    });
    if (valid.length) errors.push(...(await send(b, valid, label, hooks)).failures);
  }
  return errors;
}
