/**
 * A dump whose request is prepared asynchronously (interface names looked up
 * first): what IPRoute's `dump` commands return.
 *
 * @module
 */
import type { Dump } from "../core/socket.ts";

/**
 * A dump started on first use: collect it with `all()` or iterate it with
 * `for await`.
 *
 * @example
 * ```ts
 * import { IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open();
 * const names: (string | undefined)[] = [];
 * for await (const link of ipr.link("dump")) names.push(link.ifname);
 * assert.ok(names.includes("lo"));
 * const dump = ipr.link("dump", { ifname: "lo" }); // nothing is sent yet
 * assert.equal((await dump.all()).length, 1);
 * ```
 */
export class LazyDump<T> implements AsyncIterable<T> {
  readonly #start: () => Promise<Dump<T>>;
  readonly #empty: (error: unknown) => boolean;

  /**
   * Takes the function that starts the dump (it runs when the dump is
   * collected or iterated) and, optionally, which kernel errors mean "nothing
   * matches" (a kernel-side filter naming a table that does not exist): the
   * dump is then empty, as the same filter applied client-side gives.
   */
  constructor(start: () => Promise<Dump<T>>, empty: (error: unknown) => boolean = () => false) {
    this.#start = start;
    this.#empty = empty;
  }

  /** Collects the whole dump. */
  async all(): Promise<T[]> {
    try {
      return await (await this.#start()).all();
    } catch (e) {
      if (this.#empty(e)) return [];
      throw e;
    }
  }

  /** Streams the dump. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    try {
      yield* await this.#start();
    } catch (e) {
      if (!this.#empty(e)) throw e;
    }
  }
}
