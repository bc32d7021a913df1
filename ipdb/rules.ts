/**
 * IPDB rules. The kernel compares every field to find a rule (priority alone
 * does not identify one), so the key is all of them; a change is a delete
 * and an add.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import type { Rule } from "../iproute/rule/rule.ts";
import type { RuleSpec } from "../iproute/rule/request.ts";
import type { Spec } from "../iproute/spec.ts";
import { PHASE, type Step } from "./plan.ts";
import { type Owner, Record_, type Tx } from "./record.ts";

/** What the database's modules reach inside rule records (not part of the public API). */
export interface RuleInternals {
  /** A record of `owner` mirroring `rule`, or a pending one to be created from `spec`. */
  create(owner: Owner, rule?: Rule, spec?: Spec): RuleRecord;
  /**
   * Makes the record mirror `rule` (a pending record becomes a system one), or,
   * without it, wait to be created again from its spec.
   */
  mirror(r: RuleRecord, rule: Rule | undefined): void;
  /** The key it is filed under. */
  key(r: RuleRecord): string;
  /** Files it under `key`. */
  setKey(r: RuleRecord, key: string): void;
}

/** Access to rule records' internals for the database's modules (not exported from mod.ts). */
export const ruleInternals = {} as RuleInternals;

/** What a rule shows in JSON and when printed. */
const SHOWN = [
  "priority",
  "family",
  "src",
  "dst",
  "table",
  "action",
  "fwmark",
  "iifname",
  "oifname",
] as const;

/**
 * A policy routing rule in IPDB.
 *
 * @example
 * ```ts
 * import { IPDB } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipdb = await IPDB.open({ netns: "blue" });
 * await ipdb.rules.add({ src: "10.0.0.0/8", table: 100, priority: 15000 }).commit();
 * const rule = ipdb.rules[15000]!; // rules by priority
 * assert.equal(rule.src, "10.0.0.0/8");
 * assert.equal(rule.table, 100);
 * await rule.remove().commit();
 * ```
 */
export class RuleRecord extends Record_ {
  #rule: Rule | undefined;
  /** The spec a record made by `rules.add` was created from (kept: a rollback needs it). */
  readonly #spec: Spec | undefined;
  #key = "";

  /** A record of `owner` mirroring `rule`, or, without it, a pending rule to be created from `spec`. */
  private constructor(owner: Owner, rule?: Rule, spec?: Spec) {
    super(owner, rule ? "system" : "pending");
    this.#rule = rule;
    this.#spec = spec;
  }

  static {
    const x = ruleInternals;
    x.create = (owner, rule, spec) => new RuleRecord(owner, rule, spec);
    x.mirror = (r, rule) => {
      r.#rule = rule;
      r.ipdbScope = rule ? "system" : "pending";
    };
    x.key = (r) => r.#key;
    x.setKey = (r, key) => {
      r.#key = key;
    };
  }

  /** The latest rule message. */
  get rule(): Rule | undefined {
    return this.#rule;
  }

  /** The fields a rule shows in JSON and when printed. */
  protected get shownFields(): readonly string[] {
    return SHOWN;
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
  /** Family (AF_INET 2, AF_INET6 10). */
  get family(): number | undefined {
    return this.value("family") as number | undefined;
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
    const old = this.committedSpec();
    const next: Spec = { ...old };
    for (const [k, v] of tx.set) {
      if (v === undefined) delete next[k];
      else next[k] = v;
    }
    if (this.ipdbScope === "pending") return tx.remove ? [] : [ruleStep("add", next)];
    if (tx.remove) return [ruleStep("del", old)];
    if (tx.set.size === 0) return [];
    return [ruleStep("del", old), ruleStep("add", next)];
  }
}

/** A rule step (`add` or `del`) and its undo (the other). */
function ruleStep(cmd: "add" | "del", spec: Spec): Step {
  const phase = PHASE.rules;
  const undo: Step = { object: "rule", cmd: cmd === "add" ? "del" : "add", spec, phase };
  return { object: "rule", cmd, spec, phase, undo: [undo] };
}
