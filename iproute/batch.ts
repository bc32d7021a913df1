/**
 * Batches: requests validated and built as they are added, sent together.
 *
 * @module
 */
import { type BatchResult, NetlinkSocket, type Request } from "../core/socket.ts";
import type { BatchMethod } from "./methods.ts";
import type { RtMessage } from "./message.ts";
import type { AnyObjectDef } from "./object.ts";
import { ACTION, FILTER, OBJECTS, QDISC, TCLASS } from "./objects.ts";
import { type LinkLookup, linkRefNames, lookupIndexes, substituteLinkRefs } from "./refs.ts";
import type { Spec } from "./spec.ts";

/** What a batch sends through: name lookups and a socket. */
export interface BatchTarget extends LinkLookup {
  /** The socket the batch is sent on. */
  readonly socket: NetlinkSocket;
}

/**
 * Requests gathered for one send. Each method validates its spec at once (bad
 * input fails before anything is sent); `send()` resolves link names, builds
 * the requests and sends them together. A call that takes several requests
 * (a link `set` with both `master` and `brport`) adds each.
 *
 * @example A hundred routes in one send; the one that fails does not stop the others
 * ```ts
 * import { IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.link("add", { ifname: "b0", kind: "veth", peer: "b1" });
 * await ipr.link("set", { ifname: "b0", state: "up" });
 * const b = ipr.batch();
 * for (let i = 0; i < 100; i++) b.route("add", { dst: `10.9.${i}.0/24`, oif: "b0" });
 * b.route("add", { dst: "10.9.0.0/24", oif: "b0" }); // the same route again
 * const results = await b.send();
 * assert.equal(results.filter((r) => r.ok).length, 100);
 * const last = results.at(-1)!;
 * assert.ok(!last.ok && last.error.code === "EEXIST");
 * await ipr.link("del", { ifname: "b0" }); // its routes go with it
 * ```
 */
export class Batch {
  readonly #target: BatchTarget;
  /** Requests in order: built at once, or (naming interfaces) when sent. */
  readonly #items: { def: AnyObjectDef; cmd: string; spec: Spec; req: Request | undefined }[] = [];
  /** How many of them name interfaces (built when sent). */
  #named = 0;

  /** Adds a link request. */
  readonly link: BatchMethod<typeof OBJECTS.link, Batch> = this.#method(OBJECTS.link);
  /** Adds an address request. */
  readonly addr: BatchMethod<typeof OBJECTS.addr, Batch> = this.#method(OBJECTS.addr);
  /** Adds a route request. */
  readonly route: BatchMethod<typeof OBJECTS.route, Batch> = this.#method(OBJECTS.route);
  /** Adds a neighbour request. */
  readonly neigh: BatchMethod<typeof OBJECTS.neigh, Batch> = this.#method(OBJECTS.neigh);
  /** Adds an fdb request. */
  readonly fdb: BatchMethod<typeof OBJECTS.fdb, Batch> = this.#method(OBJECTS.fdb);
  /** Adds a rule request. */
  readonly rule: BatchMethod<typeof OBJECTS.rule, Batch> = this.#method(OBJECTS.rule);
  /** Adds a nexthop request. */
  readonly nexthop: BatchMethod<typeof OBJECTS.nexthop, Batch> = this.#method(OBJECTS.nexthop);
  /** Adds a qdisc request. */
  readonly qdisc: BatchMethod<typeof QDISC, Batch> = this.#method(QDISC);
  /** Adds a class request. */
  readonly tclass: BatchMethod<typeof TCLASS, Batch> = this.#method(TCLASS);
  /** Adds a filter request. */
  readonly filter: BatchMethod<typeof FILTER, Batch> = this.#method(FILTER);
  /** Adds a standalone action request. */
  readonly action: BatchMethod<typeof ACTION, Batch> = this.#method(ACTION);

  /** An empty batch that sends through `target` (an IPRoute: see {@link IPRoute.batch}). */
  constructor(target: BatchTarget) {
    this.#target = target;
  }

  #method<D extends AnyObjectDef>(def: D): BatchMethod<D, Batch> {
    return ((cmd: string, spec: Spec) => this.#add(def, cmd, spec)) as BatchMethod<D, Batch>;
  }

  #add(def: AnyObjectDef, cmd: string, given: Spec): this {
    // A command that takes several requests (see ObjectDef.split) adds each, in order.
    if (def.split === undefined) this.#addOne(def, cmd, given);
    else for (const spec of def.split(cmd, given)) this.#addOne(def, cmd, spec);
    return this;
  }

  #addOne(def: AnyObjectDef, cmd: string, spec: Spec): void {
    if (linkRefNames(def, spec).length === 0) {
      // Built (and validated) once; kept for send().
      this.#items.push({ def, cmd, spec, req: def.build(cmd, spec) });
    } else {
      // Validate now with placeholder indexes; names are resolved at send.
      def.build(cmd, substituteLinkRefs(def, spec, () => 1));
      this.#items.push({ def, cmd, spec: { ...spec }, req: undefined });
      this.#named++;
    }
  }

  /** Number of requests gathered. */
  get size(): number {
    return this.#items.length;
  }

  /** The requests, built (each interface name looked up once). */
  async requests(): Promise<Request[]> {
    // No interface names (the common case): the requests as built, no pass over the specs.
    if (this.#named === 0) return this.#items.map((it) => it.req!);
    const names = await lookupIndexes(
      this.#target,
      this.#items.flatMap((it) => (it.req ? [] : linkRefNames(it.def, it.spec))),
    );
    return this.#items.map((it) =>
      it.req ?? it.def.build(it.cmd, substituteLinkRefs(it.def, it.spec, (n) => names.get(n)!))
    );
  }

  /** The requests as bytes, without sending them. */
  async compile(): Promise<Uint8Array> {
    return NetlinkSocket.compile(await this.requests());
  }

  /** Sends every request and collects every ACK (one result per request, in order). */
  async send(): Promise<BatchResult<RtMessage>[]> {
    return await this.#target.socket.batch<RtMessage>(await this.requests());
  }
}
