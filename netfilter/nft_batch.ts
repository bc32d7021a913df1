/**
 * nftables transactions: changes sent as one NFNL_MSG_BATCH_BEGIN … END
 * datagram, which the kernel applies all or nothing. Each change asks for
 * an ACK; a refused one comes back as an {@link NftTransactionError} naming
 * the change (its index and what it does) with the kernel's error and
 * extended-ACK text, and every other refusal of the same batch.
 *
 * @module
 */
import { NetlinkError } from "../core/errors.ts";
import { ArgumentError } from "../core/errors.ts";
import type { Request } from "../core/message.ts";
import { NetlinkSocket } from "../core/socket.ts";
import { writeStruct } from "../core/layout.ts";
import { NFNETLINK_STRUCTS, NFNL_MSG, NFNL_SUBSYS } from "../core/tables/nfnetlink.ts";
import {
  addChainChange,
  addSetChange,
  addTableChange,
  checkElements,
  deleteChainChange,
  deleteSetChange,
  deleteTableChange,
  elementsChange,
  flushChainChange,
  flushSetChange,
  type NftChainRef,
  type NftChainSpec,
  type NftChange,
  type NftElementSpec,
  type NftSetName,
  type NftSetRef,
  type NftSetShape,
  type NftSetSpec,
  type NftTableRef,
  type NftTableSpec,
  setRef,
} from "./nft_objects.ts";
import {
  addRuleChange,
  deleteRuleChange,
  type NftRuleRef,
  type NftRuleReplace,
  type NftRuleSpec,
  replaceRuleChange,
} from "./nft_rules.ts";

/** One refused change of a transaction. */
export interface NftFailure {
  /** The change's index in the transaction (from 0); -1: the commit itself. */
  index: number;
  /** What the change does (`add chain inet filter input { … }`). */
  change: string;
  /** The kernel's error. */
  error: NetlinkError;
}

/**
 * The kernel refused a transaction: nothing of it was applied. The error
 * is the first refused change's (errno, code, extended-ACK text), its
 * message names the change (`Cannot add chain inet t c (change 2 of 3):
 * ENOENT (2): …`); `failures` lists every refusal of the batch.
 */
export class NftTransactionError extends NetlinkError {
  /** The first refused change's index (from 0); -1 when the commit itself failed. */
  readonly index: number;
  /** What that change does. */
  readonly change: string;
  /** Every refused change, in order. */
  readonly failures: readonly NftFailure[];

  /** The error of `failures[0]` in a transaction of `count` changes. */
  constructor(failures: readonly NftFailure[], count: number) {
    const f = failures[0]!;
    super(f.error.errno, f.error.ack, f.error.request);
    this.name = "NftTransactionError";
    this.index = f.index;
    this.change = f.change;
    this.failures = failures;
    const where = f.index < 0 ? "" : ` (change ${f.index + 1} of ${count})`;
    this.message = `Cannot ${f.change}${where}: ${this.code} (${this.errno}): ${
      f.error.extack ?? f.error.message.replace(/^.*?: [A-Z0-9_]+ \(\d+\): /, "")
    }`;
  }
}

/**
 * Changes per transaction. A transaction is one datagram (the kernel applies
 * an nfnetlink batch per datagram); its ACKs (about 36 bytes each, more with
 * extended-ACK text) must fit the receive buffer.
 */
export const NFT_MAX_CHANGES = 16384;
/**
 * Bytes of messages per transaction: one datagram, within the send buffer
 * {@link NFTables.open} asks for (2 MiB; the kernel refuses a datagram larger
 * than its send buffer with EMSGSIZE).
 */
export const NFT_MAX_BYTES = 1 << 20;

const NFGEN = NFNETLINK_STRUCTS.nfgenmsg;

function batchMessage(type: number, name: string): Request {
  return {
    type,
    name,
    body: (w) => writeStruct(w, NFGEN, { nfgenFamily: 0, version: 0, resId: NFNL_SUBSYS.NFTABLES }),
  };
}
const BEGIN = batchMessage(NFNL_MSG.BATCH_BEGIN, "NFNL_MSG_BATCH_BEGIN");
/** The kernel acknowledges BATCH_END only when the batch commits: it is sent without NLM_F_ACK. */
const END = { ...batchMessage(NFNL_MSG.BATCH_END, "NFNL_MSG_BATCH_END"), ack: false };

/** What a transaction needs of its client: the socket, and a set's shape by name. */
export interface NftTransactionHost {
  /** The NETLINK_NETFILTER socket. */
  readonly socket: NetlinkSocket;
  /** The shape of an existing set (rejects with the kernel's error when there is none). */
  setShape(ref: NftSetName): Promise<NftSetShape>;
}

type Deferred = {
  describe: string;
  ref: NftSetName;
  build: (shape: NftSetShape) => NftChange;
};

/**
 * A transaction: changes collected (each checked as it is added: an
 * {@link ArgumentError} names the bad argument), then sent by
 * {@link NftTransaction.commit} as one batch that the kernel applies all or
 * nothing. What `nft -f FILE` does with a file of commands.
 *
 * @example A table, a base chain and a set in one transaction
 * ```ts
 * import { NFTables } from "@nlroute/nlroute";
 *
 * await using nft = await NFTables.open({ netns: "blue" });
 * await nft.transaction()
 *   .addTable({ family: "inet", name: "tx" })
 *   .addChain({ family: "inet", table: "tx", name: "in", hook: "input", priority: 0 })
 *   .addSet({ family: "inet", table: "tx", name: "ports", keyType: "inet_service" })
 *   .addElements({ family: "inet", table: "tx", name: "ports" }, [22, 443])
 *   .commit();
 * await nft.deleteTable({ family: "inet", name: "tx" });
 * ```
 */
export class NftTransaction {
  readonly #host: NftTransactionHost;
  readonly #items: (NftChange | Deferred)[] = [];
  /** Sets added in this transaction, by `family table name`. */
  readonly #sets = new Map<string, NftSetShape>();
  #setId = 1;
  #committed = false;

  /** A transaction on `host` (see {@link NFTables.transaction}). */
  constructor(host: NftTransactionHost) {
    this.#host = host;
  }

  /** The number of changes. */
  get size(): number {
    return this.#items.length;
  }

  /** What each change does, in order. */
  changes(): string[] {
    return this.#items.map((c) => c.describe);
  }

  #push(c: NftChange | Deferred): this {
    if (this.#committed) throw new Error("Cannot change a transaction: it was committed");
    if (this.#items.length >= NFT_MAX_CHANGES) {
      throw new ArgumentError(
        "transaction",
        `at most ${NFT_MAX_CHANGES} changes`,
        this.#items.length + 1,
      );
    }
    this.#items.push(c);
    return this;
  }

  /** `nft add table`. */
  addTable(spec: NftTableSpec): this {
    return this.#push(addTableChange(spec));
  }

  /** `nft delete table` (`destroy table` with `ifExists`: no error when missing). */
  deleteTable(ref: NftTableRef, opts: { ifExists?: boolean } = {}): this {
    return this.#push(deleteTableChange(ref, opts.ifExists === true));
  }

  /** `nft add chain`: a base chain with `hook` and `priority`. */
  addChain(spec: NftChainSpec): this {
    return this.#push(addChainChange(spec));
  }

  /** `nft delete chain` (`destroy chain` with `ifExists`). */
  deleteChain(ref: NftChainRef, opts: { ifExists?: boolean } = {}): this {
    return this.#push(deleteChainChange(ref, opts.ifExists === true));
  }

  /** `nft flush chain`: its rules deleted. */
  flushChain(ref: NftChainRef): this {
    return this.#push(flushChainChange(ref));
  }

  /** `nft add rule`: appended, or after the rule whose handle is `position`. */
  addRule(spec: NftRuleSpec): this {
    return this.#push(addRuleChange(spec));
  }

  /** `nft insert rule`: prepended, or before the rule whose handle is `position`. */
  insertRule(spec: NftRuleSpec): this {
    return this.#push(addRuleChange(spec, true));
  }

  /** `nft replace rule … handle H`: the rule's expressions replaced. */
  replaceRule(spec: NftRuleReplace): this {
    return this.#push(replaceRuleChange(spec));
  }

  /** `nft delete rule … handle H` (`destroy rule` with `ifExists`). */
  deleteRule(ref: NftRuleRef, opts: { ifExists?: boolean } = {}): this {
    return this.#push(deleteRuleChange(ref, opts.ifExists === true));
  }

  /** `nft add set` / `nft add map`. */
  addSet(spec: NftSetSpec): this {
    const c = addSetChange(spec, this.#setId);
    this.#setId++;
    this.#sets.set(c.ref, c.shape);
    return this.#push(c);
  }

  /** `nft delete set` (`destroy set` with `ifExists`). */
  deleteSet(ref: NftSetRef, opts: { ifExists?: boolean } = {}): this {
    const c = deleteSetChange(ref, opts.ifExists === true);
    return this.#push(c);
  }

  /** `nft flush set`: every element deleted. */
  flushSet(set: NftSetName): this {
    return this.#push(flushSetChange(set));
  }

  #elements(
    set: NftSetName,
    elements: readonly NftElementSpec[],
    adding: boolean,
    ifExists = false,
  ): this {
    const r = setRef(set);
    const key = `${r.fam} ${r.table} ${r.name}`;
    const build = (shape: NftSetShape) => {
      const write = checkElements(shape, elements, "elements", adding);
      return elementsChange(r, write, elements.length, adding, ifExists);
    };
    const known = this.#sets.get(key);
    if (known) return this.#push(build(known));
    if (!Array.isArray(elements) || elements.length === 0) {
      throw new ArgumentError("elements", "a non-empty array of elements", elements);
    }
    const verb = adding ? "add" : ifExists ? "destroy" : "delete";
    return this.#push({
      describe: `${verb} element ${key} (${elements.length} element${
        elements.length === 1 ? "" : "s"
      })`,
      ref: { family: r.fam, table: r.table, name: r.name },
      build,
    });
  }

  /**
   * `nft add element`: keys in the set's form (checked against its key type:
   * a set added earlier in this transaction, or the kernel's, read at commit).
   */
  addElements(set: NftSetName, elements: readonly NftElementSpec[]): this {
    return this.#elements(set, elements, true);
  }

  /** `nft delete element` (`destroy element` with `ifExists`). */
  deleteElements(
    set: NftSetName,
    elements: readonly NftElementSpec[],
    opts: { ifExists?: boolean } = {},
  ): this {
    return this.#elements(set, elements, false, opts.ifExists === true);
  }

  /**
   * Sends the changes as one batch. Resolves when the kernel applied them
   * all; rejects with an {@link NftTransactionError} (nothing applied) naming
   * the refused change, or an {@link ArgumentError} (nothing sent) for
   * elements that do not fit their set.
   */
  async commit(): Promise<void> {
    if (this.#committed) throw new Error("Cannot commit a transaction twice");
    if (this.#items.length === 0) throw new ArgumentError("transaction", "at least one change", 0);
    this.#committed = true;
    const changes: NftChange[] = [];
    for (const [i, item] of this.#items.entries()) {
      if ("request" in item) {
        changes.push(item);
        continue;
      }
      let shape: NftSetShape;
      try {
        shape = await this.#host.setShape(item.ref);
      } catch (e) {
        if (!(e instanceof NetlinkError)) throw e;
        throw new NftTransactionError(
          [{ index: i, change: item.describe, error: e }],
          this.#items.length,
        );
      }
      changes.push(item.build(shape));
    }
    const reqs = [BEGIN, ...changes.map((c) => c.request), END];
    const bytes = NetlinkSocket.compile(reqs).length;
    if (bytes > NFT_MAX_BYTES) {
      throw new ArgumentError("transaction", `at most ${NFT_MAX_BYTES} bytes of messages`, bytes);
    }
    const results = await this.#host.socket.batch(reqs, { oneSend: true });
    const failures: NftFailure[] = [];
    results.forEach((r, i) => {
      if (r.ok) return;
      const index = i === 0 || i === results.length - 1 ? -1 : i - 1;
      const change = index < 0 ? "commit the nftables transaction" : changes[index]!.describe;
      failures.push({ index, change, error: r.error });
    });
    if (failures.length) {
      // A change's own refusal says more than the batch's.
      failures.sort((a, b) => (a.index < 0 ? 1 : 0) - (b.index < 0 ? 1 : 0));
      throw new NftTransactionError(failures, changes.length);
    }
  }
}
