/**
 * Dumps (NLM_F_DUMP): sent when iterated or collected, replies streamed as
 * they arrive.
 *
 * @module
 */
import { DumpInterruptedError } from "./errors.ts";
import { type Decoder, rawDecoder, type Request } from "./message.ts";
import type { Engine } from "./engine.ts";

/** Options of `NetlinkSocket.dump`. */
export interface DumpOptions<T> {
  /** Decoder for each message; default {@link rawDecoder}. */
  decode?: Decoder<T>;
  /** Stops the dump. */
  signal?: AbortSignal;
  /** How many times `all()` repeats a dump interrupted by NLM_F_DUMP_INTR; default 0. */
  retries?: number;
  /** Keeps only the items this returns true for (client-side filtering). */
  filter?: (item: T) => boolean;
}

/**
 * A dump in progress: iterate it with `for await`, or collect it with `all()`.
 * Interrupted dumps (NLM_F_DUMP_INTR) end with {@link DumpInterruptedError}.
 *
 * @example
 * ```ts
 * import { decodeAttrs, NetlinkSocket, Registry, RTM } from "@nlroute/nlroute";
 * import { RT_LINK, RT_LINK_STRUCTS } from "@nlroute/nlroute/tables";
 * import assert from "node:assert/strict";
 *
 * const linkAttrs = new Registry([RT_LINK]).set("linkAttrs");
 * const header = RT_LINK_STRUCTS.ifinfomsg.size;
 * await using sock = NetlinkSocket.open();
 * const names: unknown[] = [];
 * for await (const m of sock.dump({ type: RTM.GETLINK, body: (w) => w.zeros(header) })) {
 *   names.push(decodeAttrs(linkAttrs, m.payload, header, m.payload.length).ifname);
 * }
 * assert.ok(names.includes("lo"));
 * ```
 */
export interface Dump<T> extends AsyncIterable<T> {
  /** Collects the whole dump. Retries interrupted dumps `retries` times. */
  all(): Promise<T[]>;
}

/** A {@link Dump} run by an engine. */
export class EngineDump<T> implements Dump<T> {
  readonly #engine: Engine;
  readonly #req: Request;
  readonly #opts: DumpOptions<T>;
  #used = false;

  /** A dump of `req` on `engine`; nothing is sent until it is iterated or collected. */
  constructor(engine: Engine, req: Request, opts: DumpOptions<T>) {
    this.#engine = engine;
    this.#req = req;
    this.#opts = opts;
  }

  #claim(): void {
    if (this.#used) throw new Error("Cannot iterate a dump twice: start a new one");
    this.#used = true;
  }

  /** Collects the whole dump. Retries interrupted dumps `retries` times. */
  async all(): Promise<T[]> {
    this.#claim();
    const { decode = rawDecoder as Decoder<T>, signal, retries = 0, filter } = this.#opts;
    for (let attempt = 0;; attempt++) {
      const p = this.#engine.startDump(this.#req, decode);
      try {
        while (!p.done) await this.#engine.progress(p, signal);
      } catch (e) {
        this.#engine.forget(p);
        throw e;
      }
      if (p.error instanceof DumpInterruptedError && attempt < retries) continue;
      if (p.error) throw p.error;
      const items = p.items as T[];
      return filter ? items.filter(filter) : items;
    }
  }

  /** Streams the dump's messages as they arrive. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    this.#claim();
    const { decode = rawDecoder as Decoder<T>, signal, filter } = this.#opts;
    const p = this.#engine.startDump(this.#req, decode);
    let i = 0;
    try {
      for (;;) {
        while (i < p.items.length) {
          const item = p.items[i++] as T;
          if (!filter || filter(item)) yield item;
        }
        if (p.done) break;
        // Release what was consumed.
        p.items.splice(0, i);
        i = 0;
        await this.#engine.progress(p, signal);
      }
      if (p.error) throw p.error;
    } finally {
      if (!p.done) this.#engine.forget(p);
    }
  }
}
