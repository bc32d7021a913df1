/**
 * The per-kind codecs of traffic control: each qdisc, class, filter and
 * action kind turns its typed options into the raw attribute object the
 * generated tables encode (tc.yaml's sub-message for the kind), and the
 * decoded attributes back into typed options. Kinds without a codec take raw
 * options (`options`: an attribute object or bytes) and decode to the raw form.
 *
 * @module
 */
import type { Spec } from "../spec.ts";

/** What a codec is told besides the options. */
export interface KindContext {
  /** The command (`add`, `change`, `replace`, `del`, `get`, `dump`). */
  readonly cmd: string;
  /** The object (`qdisc`, `class`, `filter`, `action`) and kind, for messages. */
  readonly what: string;
  /** The argument name of a spec key in errors (`rate`; inside a list, `actions[0].rate`). */
  arg(key: string): string;
}

/** A context whose arguments are the spec's own keys (or keys under `prefix`). */
export function kindContext(cmd: string, what: string, prefix = ""): KindContext {
  return { cmd, what, arg: prefix ? (k) => `${prefix}.${k}` : (k) => k };
}

/**
 * One kind: the spec keys it takes, the encoder and the decoder. `encode`
 * checks its keys (throwing ArgumentError before anything is sent) and returns
 * the attribute object of TCA_OPTIONS (undefined: no options attribute).
 */
export interface KindCodec {
  /** Spec keys of this kind (beside the object's common keys). */
  readonly keys: readonly string[];
  /** Typed options → TCA_OPTIONS' attribute object (or bytes); undefined sends none. */
  encode(spec: Spec, ctx: KindContext): Record<string, unknown> | Uint8Array | undefined;
  /**
   * TCA_OPTIONS decoded by the tables (bytes when the tables have no format),
   * and TCA_XSTATS/TCA_STATS_APP decoded likewise → the typed options.
   */
  decode(options: unknown): Record<string, unknown>;
  /**
   * Decode from TCA_OPTIONS' payload bytes rather than the tables' decoding
   * (hfsc classes: tc.yaml gives the hfsc kind the qdisc's fixed header,
   * which class options do not have).
   */
  readonly rawOptions?: boolean;
  /**
   * The typed options read straight from TCA_OPTIONS' payload
   * (`bytes[start..end)`, `dv` viewing `bytes`), as `decode` gives them from
   * the tables' decoding, without that decoding's objects; `undefined` when
   * the attributes are not the ones the kernel dumps for the kind (another
   * attribute, a repeat, a short or malformed one): the general way then
   * decodes them (or raises its error).
   */
  decodeFast?(
    bytes: Uint8Array,
    dv: DataView,
    start: number,
    end: number,
  ): Record<string, unknown> | undefined;
  /** A filter kind's own handle notation (u32's `"800::800"`, fw's mark) → the number. */
  handle?(v: unknown, argument: string): number;
  /** A filter handle as the kind's tc prints it. */
  formatHandle?(n: number): string;
  /** Extended statistics → typed fields (absent: shown as decoded). */
  decodeXstats?(xstats: unknown): Record<string, unknown> | undefined;
}

/** The codec of a kind, from a table of codecs. */
export function codecOf(
  table: Readonly<Record<string, KindCodec>>,
  kind: string | undefined,
): KindCodec | undefined {
  return kind !== undefined && Object.hasOwn(table, kind) ? table[kind] : undefined;
}
