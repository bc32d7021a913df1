/**
 * IPDB rules. The kernel compares every field to find a rule (priority alone
 * does not identify one), so the key is all of them; a change is a delete
 * and an add.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import type { IPRoute } from "../iproute/iproute.ts";
import type { Rule } from "../iproute/rule/rule.ts";
import type { RuleSpec } from "../iproute/rule/request.ts";
import type { Spec } from "../iproute/spec.ts";
import { PHASE, runCommand, type Step } from "./plan.ts";
import { RULE } from "../iproute/objects.ts";
import { NLM_F } from "../core/constants.ts";
import { type Owner, Record_, type Tx } from "./record.ts";

/** What a rule record needs from its database. */
export interface RuleDb extends Owner {
  /** IPRoute the commit steps send through. */
  readonly ipr: IPRoute;
  /** Files a record under the kernel rule it now is. */
  rekeyRule(record: RuleRecord, rule: Rule): void;
}

/**
 * The key of a rule: every field the kernel compares, in a stable order.
 *
 * @example
 * ```ts
 * import { ruleKey } from "./rules.ts";
 * ruleKey({ family: 2, priority: 100, table: 100, src: "10.0.0.0/8", action: "to_tbl" });
 * ```
 */
export function ruleKey(spec: Spec): string {
  const parts: string[] = [];
  for (const k of Object.keys(spec).sort()) {
    const v = spec[k];
    if (v === undefined || k === "protocol") continue;
    parts.push(`${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`);
  }
  return parts.join(",");
}

/**
 * A policy routing rule in IPDB.
 *
 * @example
 * ```ts
 * import { IPDB } from "../mod.ts";
 * await using ipdb = await IPDB.open();
 * await ipdb.rules.add({ src: "10.0.0.0/8", table: 100, priority: 15000 }).commit();
 * ```
 */
export class RuleRecord extends Record_ {
  #rule: Rule | undefined;
  #spec: Spec | undefined;
  /** @internal The key it is stored under. */
  _key = "";

  /** A record of `owner` mirroring `rule`, or, without it, a pending rule to be created from `spec`. */
  constructor(owner: RuleDb, rule?: Rule, spec?: Spec) {
    super(owner, rule ? "system" : "pending");
    this.#rule = rule;
    this.#spec = spec;
  }

  /** @internal Replaces the kernel state. */
  _update(rule: Rule): void {
    this.#rule = rule;
    if (this.ipdbScope !== "system") {
      this.ipdbScope = "system";
      this.#spec = undefined;
    }
  }

  /** The latest rule message. */
  get rule(): Rule | undefined {
    return this.#rule;
  }

  /** `rule <priority> <src or "all"> table <table>`, for errors and diffs. */
  get label(): string {
    return `rule ${this.priority ?? ""} ${this.src ?? "all"} table ${this.table ?? ""}`.trim();
  }

  /** The committed spec: the rule's key fields. */
  committedSpec(): Spec {
    return this.#rule ? this.#rule.key() : { ...this.#spec };
  }

  /** The committed value of `field` (see {@link committedSpec}). */
  protected committed(field: string): unknown {
    return this.committedSpec()[field];
  }

  /** Priority. */
  get priority(): number | undefined {
    return this.value("priority") as number | undefined;
  }
  set priority(v: number | undefined) {
    this.change("priority", v);
  }
  /** Source prefix. */
  get src(): string | undefined {
    return this.value("src") as string | undefined;
  }
  set src(v: string | undefined) {
    this.change("src", v);
  }
  /** Destination prefix. */
  get dst(): string | undefined {
    return this.value("dst") as string | undefined;
  }
  set dst(v: string | undefined) {
    this.change("dst", v);
  }
  /** Table. */
  get table(): number | undefined {
    return this.value("table") as number | undefined;
  }
  set table(v: number | undefined) {
    this.change("table", v);
  }
  /** Action. */
  get action(): string | number | undefined {
    return this.value("action") as string | number | undefined;
  }
  /** Firewall mark. */
  get fwmark(): number | undefined {
    return this.value("fwmark") as number | undefined;
  }
  set fwmark(v: number | undefined) {
    this.change("fwmark", v);
  }
  /** Input interface name. */
  get iifname(): string | undefined {
    return this.value("iifname") as string | undefined;
  }
  set iifname(v: string | undefined) {
    this.change("iifname", v);
  }
  /** Output interface name. */
  get oifname(): string | undefined {
    return this.value("oifname") as string | undefined;
  }
  set oifname(v: string | undefined) {
    this.change("oifname", v);
  }

  /** Sets any rule field. */
  set(field: keyof RuleSpec, v: unknown): this {
    if (typeof field !== "string") throw new ArgumentError("field", "a rule field", field);
    return this.change(field, v);
  }

  /** A copy of the spec a pending rule was created from (empty once it mirrors the kernel). */
  protected override spec(): Record<string, unknown> {
    return { ...this.#spec };
  }

  /**
   * Builds the steps, each with its undo, that apply `tx`: add, delete, or (the
   * kernel cannot change a rule) delete and add.
   */
  plan(tx: Tx): Step[] {
    const db = this._owner as RuleDb;
    const ipr = db.ipr;
    const add = async (s: Spec) => {
      const req = RULE.build("add", s);
      const r = await ipr.socket.request({ ...req, flags: (req.flags ?? 0) | NLM_F.ECHO }, {
        decode: RULE.decode,
      });
      const echoed = r.messages.find((m) => m.event === "RTM_NEWRULE");
      if (echoed) db.rekeyRule(this, echoed);
    };
    const del = (s: Spec) => runCommand(ipr, RULE, "del", s);
    const old = this.committedSpec();
    const next: Spec = { ...old };
    for (const [k, v] of tx.set) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    if (this.ipdbScope === "pending") {
      return tx.remove ? [] : [{
        describe: `rule add ${ruleKey(next)}`,
        phase: PHASE.rules,
        apply: () => add(next),
        undo: () => del(next),
      }];
    }
    if (tx.remove) {
      return [{
        describe: `rule del ${ruleKey(old)}`,
        phase: PHASE.rules,
        apply: () => del(old),
        undo: () => add(old),
      }];
    }
    if (tx.set.size === 0) return [];
    return [
      {
        describe: `rule del ${ruleKey(old)}`,
        phase: PHASE.rules,
        apply: () => del(old),
        undo: () => add(old),
      },
      {
        describe: `rule add ${ruleKey(next)}`,
        phase: PHASE.rules,
        apply: () => add(next),
        undo: () => del(next),
      },
    ];
  }
}
