/**
 * The types of IPRoute's and Batch's per-object methods, derived from the
 * object declarations: `ipr.route(cmd, spec)` accepts exactly the route
 * commands, returns a {@link LazyDump} for `dump`, the typed result for
 * `get`, and an {@link Ack} for changes.
 *
 * @module
 */
import type { LazyDump } from "./lazy_dump.ts";
import type { CommandOf, ResultOf, SpecOf } from "./object.ts";

/** What a change request answers: the kernel's warning, if any. */
export interface Ack {
  /** Extended-ACK warning text on success, if the kernel sent one. */
  warning: string | undefined;
}

/** The commands of `D` that change something (all but `dump` and `get`). */
export type ChangeOf<D> = Exclude<CommandOf<D>, "dump" | "get">;

/**
 * IPRoute's method for the object type `D`: changes resolve with an
 * {@link Ack}, `get` with the typed result, `dump` returns a {@link LazyDump}
 * of typed results (its spec is a filter: every field optional).
 */
export type ObjectMethod<D> =
  & ((cmd: ChangeOf<D>, spec: SpecOf<D>) => Promise<Ack>)
  & ("get" extends CommandOf<D> ? (cmd: "get", spec: SpecOf<D>) => Promise<ResultOf<D>> : unknown)
  & ("dump" extends CommandOf<D> ? (cmd: "dump", spec?: Partial<SpecOf<D>>) => LazyDump<ResultOf<D>>
    : unknown);

/** Batch's method for the object type `D`: adds a change request, returns the batch. */
export type BatchMethod<D, B> = (cmd: ChangeOf<D>, spec: SpecOf<D>) => B;
