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
 * await using ipr = await IPRoute.open();
 * for await (const link of ipr.link("dump")) console.log(link.ifname);
 * ```
 */
export class LazyDump<T> implements AsyncIterable<T> {
  readonly #start: () => Promise<Dump<T>>;

  /** Takes the function that starts the dump; it runs when the dump is collected or iterated. */
  constructor(start: () => Promise<Dump<T>>) {
    this.#start = start;
  }

  /** Collects the whole dump. */
  async all(): Promise<T[]> {
    return await (await this.#start()).all();
  }

  /** Streams the dump. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* await this.#start();
  }
}
