/**
 * `NFTables`: the nftables ruleset of a network namespace over
 * NETLINK_NETFILTER (NFNL_SUBSYS_NFTABLES) — tables, chains (base chains
 * with hook, priority, policy, device), sets and maps with their elements,
 * listed, added and deleted in batch transactions that the kernel applies
 * all or nothing; and ruleset change events (NFNLGRP_NFTABLES).
 *
 * What Debian's `nft` does — `nft list ruleset` ({@link NFTables.listRuleset}),
 * `nft add table|chain|set|map|element`, `nft delete …`, `nft flush chain|set`,
 * `nft -f FILE` ({@link NFTables.transaction}), `nft monitor`
 * ({@link NFTables.events}) — and pyroute2's `NFTables` (`get_tables`,
 * `get_chains`, `get_sets`, `table("add", …)`, `chain("add", …)`,
 * `set("add", …)`, `begin()`/`commit()`), with typed results.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import type { MessageRef, Overrun } from "../core/message.ts";
import type { NetnsRef } from "../core/nsenter.ts";
import { PROTOCOL } from "../core/protocol.ts";
import { NetlinkSocket } from "../core/socket.ts";
import type { Subscription } from "../core/subscription.ts";
import { subscribeEvents } from "./events.ts";
import { NFNL_SUBSYS, NFNLGRP } from "../core/tables/nfnetlink.ts";
import { NFT_MSG, NFTABLES_ATTRS } from "../core/tables/nftables.ts";
import { NFT_MAX_BYTES, NftTransaction } from "./nft_batch.ts";
import {
  chainOf,
  elementsOf,
  messageAttrs,
  NFT_SETS,
  type NftChain,
  type NftChainRef,
  type NftChainSpec,
  type NftElement,
  type NftElementSpec,
  nftRequest,
  type NftSet,
  type NftSetName,
  type NftSetRef,
  type NftSetShape,
  type NftSetSpec,
  type NftTable,
  type NftTableRef,
  type NftTableSpec,
  setOf,
  setRef,
  shapeOf,
  tableOf,
} from "./nft_objects.ts";
import { familyName, familyNumber, type NftFamily } from "./nft_names.ts";
import {
  type NftRule,
  type NftRuleRef,
  type NftRuleReplace,
  type NftRuleSpec,
  ruleDumpFilter,
  ruleOf,
} from "./nft_rules.ts";

/** Options of {@link NFTables.open}. */
export interface NFTablesOptions {
  /** The namespace whose ruleset to use (a name under /run/netns, a path, a descriptor, `{ pid }`). */
  netns?: NetnsRef;
  /**
   * How to reach the namespace: `"thread"` (default: setns on the calling
   * thread around socket()) or `"process"` (a helper process opens the socket).
   */
  mode?: "thread" | "process";
  /** Receive buffer in bytes (default 1 MiB): events beyond it are lost (an overrun). */
  rcvbuf?: number;
}

/** Which tables, chains or sets to list: by family and table. */
export interface NftFilter {
  /** Only this family's. */
  family?: NftFamily;
  /** Only this table's (with `family`). */
  table?: string;
}

/** A set with its elements (as {@link NFTables.listRuleset} gives them). */
export interface NftSetWithElements extends NftSet {
  /** The elements. */
  elements: NftElement[];
}

/** The ruleset: what `nft list ruleset` shows. */
export interface NftRuleset {
  /** The tables. */
  tables: NftTable[];
  /** The chains. */
  chains: NftChain[];
  /** The sets and maps (anonymous ones too), with their elements. */
  sets: NftSetWithElements[];
  /** The rules, chain by chain in order, with their expressions decoded. */
  rules: NftRule[];
}

/** Which rules to list: of a family, a table, a chain of it. */
export interface NftRuleFilter extends NftFilter {
  /** Only this chain's (with `family` and `table`). */
  chain?: string;
}

/** What changed: `new` or `delete` (NFT_MSG_NEW* / NFT_MSG_DEL*, DESTROY*). */
export type NftChangeKind = "new" | "delete";

/** A ruleset change (`nft monitor`): one object added or deleted, or a new generation. */
export type NftRulesetEvent =
  | { readonly kind: NftChangeKind; readonly object: "table"; readonly table: NftTable }
  | { readonly kind: NftChangeKind; readonly object: "chain"; readonly chain: NftChain }
  | { readonly kind: NftChangeKind; readonly object: "set"; readonly set: NftSet }
  | {
    readonly kind: NftChangeKind;
    readonly object: "element";
    /** The set's family. */
    readonly family: NftFamily | number;
    /** The set's table. */
    readonly table: string;
    /** The set's name. */
    readonly set: string;
    /**
     * The elements. Events do not carry the set's types: keys and values are
     * typed when this client knows the set (listed, or announced by an
     * event, before), raw bytes otherwise.
     */
    readonly elements: NftElement[];
  }
  | {
    readonly kind: NftChangeKind;
    readonly object: "rule";
    /** The rule (a deleted one: its family, table, chain and handle only). */
    readonly rule: NftRule;
  }
  | {
    /** A transaction was committed: the ruleset's new generation (NFT_MSG_NEWGEN). */
    readonly kind: "gen";
    readonly object: "gen";
    /** The generation id. */
    readonly id: number;
    /** The committing process's id. */
    readonly pid: number;
    /** The committing process's name. */
    readonly procName: string;
  };

/** What {@link NFTables.events} yields: ruleset changes, and overrun notices (events were lost). */
export type NftEvent = NftRulesetEvent | Overrun;

/** Options of {@link NFTables.events}. */
export interface NftEventOptions {
  /** Keep only events this returns true for (overrun notices always pass). */
  filter?: (e: NftRulesetEvent) => boolean;
  /** Queue bound (default 8192): when full, newer events are dropped and an overrun is reported. */
  queue?: number;
  /** Ends the subscription. */
  signal?: AbortSignal;
}

const ELEMS = NFT_SETS.elems;

/** Sets' element shapes by `family table name`, as a client has seen the sets. */
type Shapes = Map<string, NftSetShape>;
const shapeKey = (s: { family: NftFamily | number; table: string; name: string }) =>
  `${s.family} ${s.table} ${s.name}`;

/**
 * Decodes a multicast nftables message into an {@link NftRulesetEvent};
 * element keys are typed by `shapes` (sets listed or announced before).
 */
function decodeEvent(m: MessageRef, shapes: Shapes): NftRulesetEvent | undefined {
  if (m.type >> 8 !== NFNL_SUBSYS.NFTABLES) return undefined;
  const msg = m.type & 0xff;
  const kind = (...news: number[]): NftChangeKind => news.includes(msg) ? "new" : "delete";
  switch (msg) {
    case NFT_MSG.NEWTABLE:
    case NFT_MSG.DELTABLE:
    case NFT_MSG.DESTROYTABLE: {
      const { family, a } = messageAttrs(m, NFT_SETS.table);
      return { kind: kind(NFT_MSG.NEWTABLE), object: "table", table: tableOf(family, a) };
    }
    case NFT_MSG.NEWCHAIN:
    case NFT_MSG.DELCHAIN:
    case NFT_MSG.DESTROYCHAIN: {
      const { family, a } = messageAttrs(m, NFT_SETS.chain);
      return { kind: kind(NFT_MSG.NEWCHAIN), object: "chain", chain: chainOf(family, a) };
    }
    case NFT_MSG.NEWSET:
    case NFT_MSG.DELSET:
    case NFT_MSG.DESTROYSET: {
      const { family, a } = messageAttrs(m, NFT_SETS.set);
      const set = setOf(family, a);
      if (msg === NFT_MSG.NEWSET) shapes.set(shapeKey(set), shapeOf(set));
      else shapes.delete(shapeKey(set));
      return { kind: kind(NFT_MSG.NEWSET), object: "set", set };
    }
    case NFT_MSG.NEWSETELEM:
    case NFT_MSG.DELSETELEM:
    case NFT_MSG.DESTROYSETELEM: {
      const { family, a } = messageAttrs(m, ELEMS);
      const fam = familyName(family);
      const table = a.table as string;
      const set = a.set as string;
      const shape = shapes.get(shapeKey({ family: fam, table, name: set }));
      return {
        kind: kind(NFT_MSG.NEWSETELEM),
        object: "element",
        family: fam,
        table,
        set,
        elements: elementsOf(a, shape),
      };
    }
    case NFT_MSG.NEWRULE:
    case NFT_MSG.DELRULE:
    case NFT_MSG.DESTROYRULE:
      return { kind: kind(NFT_MSG.NEWRULE), object: "rule", rule: ruleOf(m) };
    case NFT_MSG.NEWGEN: {
      const { a } = messageAttrs(m, NFT_SETS.gen);
      return {
        kind: "gen",
        object: "gen",
        id: (a.id as number | undefined) ?? 0,
        pid: (a.procPid as number | undefined) ?? 0,
        procName: (a.procName as string | undefined) ?? "",
      };
    }
  }
  return undefined;
}

function matches(
  o: { family: NftFamily | number; table?: string; name?: string },
  f: NftFilter,
): boolean {
  return (f.family === undefined || o.family === f.family) &&
    (f.table === undefined || (o.table ?? o.name) === f.table);
}

function checkFilter(f: unknown): NftFilter {
  if (typeof f !== "object" || f === null) throw new ArgumentError("filter", "an object", f);
  const x = f as NftFilter;
  if (x.family !== undefined) familyNumber(x.family, "filter.family");
  if (x.table !== undefined && typeof x.table !== "string") {
    throw new ArgumentError("filter.table", "a table name", x.table);
  }
  return x;
}

/**
 * The nftables ruleset of one network namespace. Every change goes through
 * a batch transaction (NFNL_MSG_BATCH_BEGIN … END): single calls such as
 * {@link NFTables.addTable} are transactions of one change, and
 * {@link NFTables.transaction} collects several that the kernel applies
 * all or nothing.
 *
 * @example A table with a base chain and a set of ports, listed and deleted
 * ```ts
 * import { NFTables } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using nft = await NFTables.open({ netns: "blue" });
 * await nft.addTable({ family: "inet", name: "filter" });
 * await nft.addChain({
 *   family: "inet", table: "filter", name: "input",
 *   type: "filter", hook: "input", priority: 0, policy: "accept",
 * });
 * await nft.addSet({ family: "inet", table: "filter", name: "ports", keyType: "inet_service" });
 * await nft.addElements({ family: "inet", table: "filter", name: "ports" }, [22, 80]);
 * const [chain] = await nft.listChains({ family: "inet", table: "filter" });
 * assert.equal(chain?.hook, "input");
 * const elements = await nft.listElements({ family: "inet", table: "filter", name: "ports" });
 * assert.deepEqual(elements.map((e) => e.key).sort(), [22, 80]);
 * await nft.deleteTable({ family: "inet", name: "filter" });
 * ```
 */
export class NFTables implements AsyncDisposable {
  /** The NETLINK_NETFILTER socket. */
  readonly socket: NetlinkSocket;
  /** The sets seen (listed, or announced by events): element events' keys are typed by them. */
  readonly #shapes: Shapes = new Map();

  private constructor(socket: NetlinkSocket) {
    this.socket = socket;
    socket.setEventDecoder((m) => decodeEvent(m, this.#shapes));
  }

  /** Opens a NETLINK_NETFILTER socket (in `netns` when given) for the nftables ruleset. */
  static async open(opts: NFTablesOptions = {}): Promise<NFTables> {
    if (typeof opts !== "object" || opts === null) {
      throw new ArgumentError("options", "an object", opts);
    }
    const mode = opts.mode ?? "thread";
    if (mode !== "thread" && mode !== "process") {
      throw new ArgumentError("mode", '"thread" or "process"', mode);
    }
    // A transaction is one datagram: the send buffer takes NFT_MAX_BYTES of it.
    const base = {
      protocol: PROTOCOL.NETFILTER,
      sndbuf: 2 * NFT_MAX_BYTES,
      ...(opts.rcvbuf !== undefined ? { rcvbuf: opts.rcvbuf } : {}),
    };
    if (opts.netns === undefined) return new NFTables(NetlinkSocket.open(base));
    if (mode === "thread") return new NFTables(NetlinkSocket.open({ ...base, netns: opts.netns }));
    const { openSocketInProcess } = await import("../core/nsprocess.ts");
    const fd = await openSocketInProcess(opts.netns, { protocol: PROTOCOL.NETFILTER.number });
    return new NFTables(NetlinkSocket.open({ ...base, fd }));
  }

  // --- listing

  /** The tables (`nft list tables`), of every family or of one. */
  async listTables(filter: NftFilter = {}): Promise<NftTable[]> {
    const f = checkFilter(filter);
    const req = nftRequest(NFT_MSG.GETTABLE, f.family ? familyNumber(f.family) : 0, 0);
    const all = await this.socket.dump(req, {
      decode: (m) => {
        const { family, a } = messageAttrs(m, NFT_SETS.table);
        return tableOf(family, a);
      },
    }).all();
    return all.filter((t) => matches(t, f));
  }

  /** The chains (`nft list chains`), with base chains' hooks; optionally of one family or table. */
  async listChains(filter: NftFilter = {}): Promise<NftChain[]> {
    const f = checkFilter(filter);
    const req = nftRequest(NFT_MSG.GETCHAIN, f.family ? familyNumber(f.family) : 0, 0);
    const all = await this.socket.dump(req, {
      decode: (m) => {
        const { family, a } = messageAttrs(m, NFT_SETS.chain);
        return chainOf(family, a);
      },
    }).all();
    return all.filter((c) => matches(c, f));
  }

  /** The sets and maps (`nft list sets`, without elements); optionally of one family or table. */
  async listSets(filter: NftFilter = {}): Promise<NftSet[]> {
    const f = checkFilter(filter);
    const req = nftRequest(NFT_MSG.GETSET, f.family ? familyNumber(f.family) : 0, 0);
    const all = await this.socket.dump(req, {
      decode: (m) => {
        const { family, a } = messageAttrs(m, NFT_SETS.set);
        return setOf(family, a);
      },
    }).all();
    for (const s of all) this.#shapes.set(shapeKey(s), shapeOf(s));
    return all.filter((s) => matches(s, f));
  }

  /** One set by name (NFT_MSG_GETSET); a missing one rejects with a NetlinkError (ENOENT). */
  async getSet(set: NftSetName): Promise<NftSet> {
    const r = setRef(set);
    const req = nftRequest(NFT_MSG.GETSET, r.family, 0, (w) => {
      w.attrString(NFTABLES_ATTRS.setAttrs.table, r.table);
      w.attrString(NFTABLES_ATTRS.setAttrs.name, r.name);
    });
    const res = await this.socket.request(req, {
      ack: false,
      decode: (m) => {
        const { family, a } = messageAttrs(m, NFT_SETS.set);
        return setOf(family, a);
      },
    });
    const s = res.messages[0]!;
    this.#shapes.set(shapeKey(s), shapeOf(s));
    return s;
  }

  /** @internal The shape of an existing set (for a transaction's elements). */
  async setShape(set: NftSetName): Promise<NftSetShape> {
    return shapeOf(await this.getSet(set));
  }

  async #elements(s: NftSet, family: number): Promise<NftElement[]> {
    const shape = shapeOf(s);
    const req = nftRequest(NFT_MSG.GETSETELEM, family, 0, (w) => {
      w.attrString(NFTABLES_ATTRS.setelemListAttrs.table, s.table);
      w.attrString(NFTABLES_ATTRS.setelemListAttrs.set, s.name);
    });
    const parts = await this.socket.dump(req, {
      decode: (m) => elementsOf(messageAttrs(m, ELEMS).a, shape),
    }).all();
    return parts.flat();
  }

  /** A set's elements (`nft list set`), keys and values in the set's types. */
  async listElements(set: NftSetName): Promise<NftElement[]> {
    const s = await this.getSet(set);
    return await this.#elements(s, familyNumber(set.family));
  }

  /** Every table, chain and set with its elements (`nft list ruleset`). */
  async listRuleset(filter: NftFilter = {}): Promise<NftRuleset> {
    const tables = await this.listTables(filter);
    const chains = await this.listChains(filter);
    const sets: NftSetWithElements[] = [];
    for (const s of await this.listSets(filter)) {
      const family = typeof s.family === "number" ? s.family : familyNumber(s.family);
      sets.push({ ...s, elements: await this.#elements(s, family) });
    }
    const rules = await this.listRules(filter);
    return { tables, chains, sets, rules };
  }

  /**
   * The rules (`nft -a list chain …`), with their expressions decoded;
   * `table` and `chain` are filtered by the kernel.
   */
  async listRules(filter: NftRuleFilter = {}): Promise<NftRule[]> {
    const f = checkFilter(filter);
    const chain = (filter as NftRuleFilter).chain;
    if (chain !== undefined && (typeof chain !== "string" || f.table === undefined)) {
      throw new ArgumentError("filter.chain", "a chain name, with filter.table", chain);
    }
    if (f.table !== undefined && f.family === undefined) {
      throw new ArgumentError("filter.family", "the family of filter.table", undefined);
    }
    const req = nftRequest(
      NFT_MSG.GETRULE,
      f.family ? familyNumber(f.family) : 0,
      0,
      ruleDumpFilter(f.table, chain),
    );
    return await this.socket.dump(req, { decode: ruleOf }).all();
  }

  // --- changes

  /**
   * A new transaction: changes collected, then sent together by its
   * `commit()` as one batch the kernel applies all or nothing
   * (`nft -f FILE`; pyroute2's `begin()`/`commit()`).
   */
  transaction(): NftTransaction {
    return new NftTransaction(this);
  }

  /** `nft add table FAMILY NAME` (an existing table is left as it is). */
  async addTable(spec: NftTableSpec): Promise<void> {
    await this.transaction().addTable(spec).commit();
  }

  /** `nft delete table` (with its chains, rules and sets); `ifExists`: `nft destroy table`. */
  async deleteTable(ref: NftTableRef, opts: { ifExists?: boolean } = {}): Promise<void> {
    await this.transaction().deleteTable(ref, opts).commit();
  }

  /** `nft add chain`: a regular chain, or a base chain with `hook` and `priority`. */
  async addChain(spec: NftChainSpec): Promise<void> {
    await this.transaction().addChain(spec).commit();
  }

  /** `nft delete chain` (an empty, unreferenced chain); `ifExists`: `nft destroy chain`. */
  async deleteChain(ref: NftChainRef, opts: { ifExists?: boolean } = {}): Promise<void> {
    await this.transaction().deleteChain(ref, opts).commit();
  }

  /** `nft flush chain`: deletes its rules. */
  async flushChain(ref: NftChainRef): Promise<void> {
    await this.transaction().flushChain(ref).commit();
  }

  /**
   * `nft add rule`: appended to the chain, or after the rule whose handle is
   * `position`. The expressions are checked before anything is sent (an
   * {@link ArgumentError} names the bad one, e.g. a register read before
   * any expression wrote it).
   */
  async addRule(spec: NftRuleSpec): Promise<void> {
    await this.transaction().addRule(spec).commit();
  }

  /** `nft insert rule`: prepended, or before the rule whose handle is `position`. */
  async insertRule(spec: NftRuleSpec): Promise<void> {
    await this.transaction().insertRule(spec).commit();
  }

  /** `nft replace rule … handle H`. */
  async replaceRule(spec: NftRuleReplace): Promise<void> {
    await this.transaction().replaceRule(spec).commit();
  }

  /** `nft delete rule … handle H`; `ifExists`: `nft destroy rule`. */
  async deleteRule(ref: NftRuleRef, opts: { ifExists?: boolean } = {}): Promise<void> {
    await this.transaction().deleteRule(ref, opts).commit();
  }

  /** `nft add set` / `nft add map` (with `dataType`). */
  async addSet(spec: NftSetSpec): Promise<void> {
    await this.transaction().addSet(spec).commit();
  }

  /** `nft delete set`; `ifExists`: `nft destroy set`. */
  async deleteSet(ref: NftSetRef, opts: { ifExists?: boolean } = {}): Promise<void> {
    await this.transaction().deleteSet(ref, opts).commit();
  }

  /** `nft flush set`: deletes its elements. */
  async flushSet(set: NftSetName): Promise<void> {
    await this.transaction().flushSet(set).commit();
  }

  /** `nft add element`: keys (and map values, timeouts) in the set's types. */
  async addElements(set: NftSetName, elements: readonly NftElementSpec[]): Promise<void> {
    await this.transaction().addElements(set, elements).commit();
  }

  /** `nft delete element`; `ifExists`: `nft destroy element`. */
  async deleteElements(
    set: NftSetName,
    elements: readonly NftElementSpec[],
    opts: { ifExists?: boolean } = {},
  ): Promise<void> {
    await this.transaction().deleteElements(set, elements, opts).commit();
  }

  // --- events

  /**
   * Ruleset changes (`nft monitor`) as an async iterator with its own
   * bounded queue: each object added or deleted, a `gen` event after each
   * committed transaction, and `{ kind: "overrun" }` notices when events
   * were lost (re-read the ruleset). NFNLGRP_NFTABLES is joined now, so
   * changes made after this call are heard.
   */
  events(opts: NftEventOptions = {}): Subscription<NftRulesetEvent> {
    if (!this.socket.groups.has(NFNLGRP.NFTABLES)) this.socket.join(NFNLGRP.NFTABLES);
    return subscribeEvents<NftRulesetEvent>(this.socket, opts);
  }

  /** Closes the socket; event iterators end. */
  close(): void {
    this.socket.close();
  }

  /** Closes (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}
