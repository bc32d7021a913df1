/**
 * The transactional record: an object that mirrors the kernel, with changes
 * gathered in transactions (`begin`, `review`, `commit`, `drop`). Reading a
 * field inside a transaction returns the pending value (read your writes);
 * committing applies it and rolls everything back on failure.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import { jsonSafe } from "../core/json.ts";
import type { Step } from "./plan.ts";
import { fieldsOf, printAs } from "./print.ts";

/** Pending changes of one transaction. */
export interface Tx {
  /** Transaction id (what `begin()` returned). */
  readonly id: string;
  /** Field changes. */
  readonly set: Map<string, unknown>;
  /** Items added to a collection, by collection name (`ipaddr`, `ports`, `multipath`). */
  readonly add: Map<string, Map<string, unknown>>;
  /** Items removed from a collection, by collection name. */
  readonly del: Map<string, Map<string, unknown>>;
  /** The record is to be removed. */
  remove: boolean;
}

/** The record's life: `system` mirrors the kernel, `pending` is not created yet, `removed` is gone. */
export type Scope = "system" | "pending" | "removed";

/** What a record needs from its database (internal: the database's modules implement it). */
export interface Owner {
  /** `"implicit"` (first change begins a transaction) or `"explicit"`. */
  readonly mode: "implicit" | "explicit";
  /** Commits these records' current transactions together (the global commit path). */
  commitRecords(records: readonly Record_[]): Promise<void>;
}

/** What the database's modules reach inside any record (not part of the public API). */
export interface RecordInternals {
  /** The database the record belongs to. */
  owner(r: Record_): Owner;
  /** The current transaction's data, if any. */
  txData(r: Record_): Tx | undefined;
  /** Ends a transaction after a commit (applied or rolled back). */
  finish(r: Record_, id: string): void;
}

/** Access to records' internals for the database's modules (not exported from mod.ts). */
export const recordInternals = {} as RecordInternals;

let txCounter = 0;
function newTxId(): string {
  return `tx-${++txCounter}-${crypto.randomUUID().slice(0, 8)}`;
}

/**
 * Base of IPDB's records (interfaces, routes, rules).
 *
 * @example A transaction by id: begin, look at it, commit
 * ```ts
 * import { IPDB, type IPDBRecord } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipdb = await IPDB.open({ netns: "blue" });
 * await ipdb.create("veth", "r0", { peer: "r1" }).commit();
 * const r0: IPDBRecord = ipdb.interfaces.r0!;
 * const id = r0.begin();
 * ipdb.interfaces.r0!.setMtu(1400);
 * assert.deepEqual(r0.review(id), { mtu: 1400 }); // what the transaction changes
 * await r0.commit(id);
 * assert.equal(ipdb.interfaces.r0!.mtu, 1400);
 * await ipdb.interfaces.r0!.remove().commit();
 * ```
 */
export abstract class Record_ {
  // Allocated on the first transaction: most records (routes) never have one.
  #txMap: Map<string, Tx> | undefined;
  #current: string | undefined;
  readonly #owner: Owner;
  /** Whether this record mirrors a kernel object, waits to be created, or was removed (pyroute2's ipdb_scope). */
  ipdbScope: Scope;

  /** A record of the database `owner`, in `scope` (the database makes records). */
  protected constructor(owner: Owner, scope: Scope) {
    this.#owner = owner;
    this.ipdbScope = scope;
  }

  static {
    recordInternals.owner = (r) => r.#owner;
    recordInternals.txData = (r) => r.txOf();
    recordInternals.finish = (r, id) => void r.drop(id);
  }

  /** A short name for errors and diffs (`interface v0`, `route 10.0.0.0/24`). */
  abstract get label(): string;

  /** The kernel's (committed) value of a field. */
  protected abstract committed(field: string): unknown;

  /** The names of the fields the record shows in JSON and when printed. */
  protected abstract get shownFields(): readonly string[];

  /**
   * The record's fields as a plain object (pending values inside a
   * transaction; unset ones left out), with its `ipdbScope`: what
   * `JSON.stringify` gives and `console.log` prints.
   */
  toJSON(): Record<string, unknown> {
    const fields = { ...fieldsOf(this, this.shownFields), ipdbScope: this.ipdbScope };
    return jsonSafe(fields) as Record<string, unknown>;
  }

  /** Builds the steps that apply a transaction, each with its undo. */
  abstract plan(tx: Tx): Step[];

  get #txs(): Map<string, Tx> {
    return this.#txMap ??= new Map();
  }

  /** Starts a transaction; returns its id. It becomes the current one. */
  begin(): string {
    const id = newTxId();
    this.#txs.set(id, { id, set: new Map(), add: new Map(), del: new Map(), remove: false });
    this.#current = id;
    return id;
  }

  /** Id of the current transaction, if any. */
  get currentTx(): string | undefined {
    return this.#current;
  }

  /** Ids of all open transactions. */
  get transactions(): string[] {
    return [...this.#txs.keys()];
  }

  /** The transaction with `id` (default: the current one). */
  protected txOf(id?: string): Tx | undefined {
    if (!this.#txMap) return undefined;
    return this.#txMap.get(id ?? this.#current ?? "");
  }

  /** The transaction changes go into: the current one, begun implicitly when allowed. */
  protected tx(): Tx {
    if (this.ipdbScope === "removed") {
      throw new Error(`Cannot change ${this.label}: it was removed`);
    }
    const tx = this.txOf();
    if (tx) return tx;
    if (this.#owner.mode === "explicit") {
      throw new Error(`Cannot change ${this.label}: explicit mode needs begin() first`);
    }
    this.begin();
    return this.txOf()!;
  }

  /** A field's value: pending in the current transaction, else the kernel's. */
  protected value(field: string): unknown {
    const tx = this.txOf();
    if (tx && tx.set.has(field)) return tx.set.get(field);
    return this.committed(field);
  }

  /** Records a field change in the current transaction. */
  protected change(field: string, v: unknown): this {
    this.tx().set.set(field, v);
    return this;
  }

  /** Records adding (`sign` +1) or removing (-1) an item of a collection. */
  protected collect(collection: string, key: string, item: unknown, sign: 1 | -1): this {
    const tx = this.tx();
    const [to, from] = sign > 0 ? [tx.add, tx.del] : [tx.del, tx.add];
    // Adding what the same transaction removes (or the reverse) cancels out.
    if (from.get(collection)?.delete(key)) return this;
    let m = to.get(collection);
    if (!m) to.set(collection, m = new Map());
    m.set(key, item);
    return this;
  }

  /** Items a collection will hold after the current transaction. */
  protected collection(name: string, committed: Iterable<string>): string[] {
    const tx = this.txOf();
    const out = new Set(committed);
    if (tx) {
      for (const k of tx.del.get(name)?.keys() ?? []) out.delete(k);
      for (const k of tx.add.get(name)?.keys() ?? []) out.add(k);
    }
    return [...out];
  }

  /** Marks the record for removal in the current transaction. */
  remove(): this {
    this.tx().remove = true;
    return this;
  }

  /**
   * The pending changes of a transaction: changed fields, `+<collection>` and
   * `-<collection>` lists, `remove: true`; a new record shows its whole spec.
   */
  review(id?: string): Record<string, unknown> {
    const tx = this.txOf(id);
    if (!tx) {
      throw new ArgumentError("id", "an open transaction id", id, `Cannot review ${this.label}`);
    }
    const out: Record<string, unknown> = {};
    if (this.ipdbScope === "pending") Object.assign(out, this.spec());
    for (const [k, v] of tx.set) out[k] = v;
    for (const [k, m] of tx.add) if (m.size) out[`+${k}`] = [...m.keys()];
    for (const [k, m] of tx.del) if (m.size) out[`-${k}`] = [...m.keys()];
    if (tx.remove) out.remove = true;
    return out;
  }

  /** The full spec of a pending record (for review). */
  protected spec(): Record<string, unknown> {
    return {};
  }

  /** Whether the current transaction holds any change. */
  get dirty(): boolean {
    const tx = this.txOf();
    if (!tx) return false;
    return tx.remove || tx.set.size > 0 ||
      [...tx.add.values(), ...tx.del.values()].some((m) => m.size > 0) ||
      this.ipdbScope === "pending";
  }

  /** Discards a transaction (default: the current one). */
  drop(id?: string): this {
    const key = id ?? this.#current;
    if (key === undefined || !this.#txs.delete(key)) {
      if (id !== undefined) {
        throw new ArgumentError("id", "an open transaction id", id, `Cannot drop ${this.label}`);
      }
      return this;
    }
    if (this.#current === key) this.#current = [...this.#txs.keys()].at(-1);
    return this;
  }

  /** Commits a transaction (default: the current one); on failure everything is rolled back. */
  async commit(id?: string): Promise<this> {
    const tx = this.txOf(id);
    if (!tx) {
      if (id !== undefined) {
        throw new ArgumentError("id", "an open transaction id", id, `Cannot commit ${this.label}`);
      }
      return this;
    }
    if (id !== undefined) this.#current = id;
    await this.#owner.commitRecords([this]);
    return this;
  }

  /**
   * Runs `fn` in a fresh transaction: commits when it returns, drops when it
   * throws (the seed's `with` block).
   */
  async transact(fn: (self: this) => void | Promise<void>): Promise<this> {
    const id = this.begin();
    try {
      await fn(this);
    } catch (e) {
      this.drop(id);
      throw e;
    }
    return await this.commit(id);
  }

  /**
   * A transaction for `await using`: changes made in the block are dropped at
   * its end unless `commit()` was awaited inside it (so a throw drops them).
   */
  transaction(): AsyncDisposable & { readonly id: string; commit(): Promise<void> } {
    const id = this.begin();
    let done = false;
    return {
      id,
      commit: async () => {
        done = true;
        await this.commit(id);
      },
      [Symbol.asyncDispose]: () => {
        if (!done && this.#txs.has(id)) this.drop(id);
        return Promise.resolve();
      },
    };
  }
}

printAs(Record_, (r) => r.toJSON());
