/**
 * Filter kinds with typed options. u32 (tc-u32(8)): matches on 32-bit words
 * of the packet (`match ip src 10.0.0.0/8` and the rest of tc's grammar, see
 * {@link U32Match}), hash tables (`divisor`, `ht`, `link`, `hashkey`,
 * `sample`), a class to steer to, and actions.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { TCA_CLS_FLAGS } from "../../core/tables/tc.ts";
import { int, str, u32 } from "../spec.ts";
import { BASIC, BPF, FW, MATCHALL, ROUTE } from "./filters_more.ts";
import { FLOWER } from "./flower.ts";
import type { KindCodec } from "./kind.ts";
import { formatHandle, parseHandle } from "./units.ts";
import {
  decodeU32Sel,
  encodeU32Sel,
  formatU32Handle,
  hashtableId,
  parseU32Handle,
  sampleHash,
  type U32Key,
  u32Keys,
  type U32Match,
} from "./u32.ts";

/** Classifier flags of tc's `skip_hw` / `skip_sw`. */
export interface ClsFlags {
  /** Do not offload to hardware (`skip_hw`). */
  skipHw?: boolean;
  /** Only in hardware (`skip_sw`). */
  skipSw?: boolean;
}

/** u32's options. */
export interface U32Options extends ClsFlags {
  /** The class matching packets go to (tc's `classid`/`flowid`: `"1:10"`). */
  classid?: string | number;
  /** The matches, ANDed (tc's `match …` words, typed). */
  match?: readonly U32Match[];
  /** Raw keys, after those of `match`. */
  keys?: readonly U32Key[];
  /** Stop at a match (default: when there is a classid or actions, as tc). */
  terminal?: boolean;
  /** Creates a hash table with this many buckets (1 to 256, a power of two): no matches then. */
  divisor?: number;
  /** The hash table (and bucket) the filter goes in (`"1:"`, `"1:2"`). */
  ht?: string | number;
  /** The hash table matching packets continue in (`"1:"`). */
  link?: string | number;
  /** What is hashed to pick the linked table's bucket (tc's `hashkey mask M at N`). */
  hashkey?: { mask: number; at: number };
  /** Puts the filter in the bucket this match hashes to (tc's `sample`), in `ht`'s table. */
  sample?: { match: U32Match; divisor?: number };
  /** Only packets that came in on this interface (a name). */
  indev?: string;
  /** Only packets whose mark, masked, is `value` (tc's `match mark V M`). */
  mark?: { value: number; mask: number };
}

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !(v instanceof Uint8Array)
    ? v as Record<string, unknown>
    : {};
const TCA_CLS_SKIP_HW = TCA_CLS_FLAGS.SKIP_HW;
const TCA_CLS_SKIP_SW = TCA_CLS_FLAGS.SKIP_SW;

/** tc's skip_hw/skip_sw as TCA_*_FLAGS (pkt_cls.h TCA_CLS_FLAGS_SKIP_HW/SW). */
export function clsFlags(
  spec: Record<string, unknown>,
  arg: (k: string) => string,
): number | undefined {
  let f = 0;
  if (spec.skipHw !== undefined && spec.skipHw !== false) {
    if (spec.skipHw !== true) throw new ArgumentError(arg("skipHw"), "a boolean", spec.skipHw);
    f |= TCA_CLS_SKIP_HW;
  }
  if (spec.skipSw !== undefined && spec.skipSw !== false) {
    if (spec.skipSw !== true) throw new ArgumentError(arg("skipSw"), "a boolean", spec.skipSw);
    f |= TCA_CLS_SKIP_SW;
  }
  return f || undefined;
}

const U32: KindCodec = {
  keys: [
    "classid",
    "match",
    "keys",
    "terminal",
    "divisor",
    "ht",
    "link",
    "hashkey",
    "sample",
    "indev",
    "mark",
    "skipHw",
    "skipSw",
  ],
  handle: (v, argument) => parseU32Handle(v as string | number, argument),
  formatHandle: (n) => formatU32Handle(n),
  encode(spec, ctx) {
    const out: Record<string, unknown> = {};
    if (spec.classid !== undefined) out.classid = parseHandle(spec.classid, ctx.arg("classid"));
    const flags = clsFlags(spec, ctx.arg);
    if (flags !== undefined) out.flags = flags;
    if (spec.indev !== undefined) out.indev = str(spec.indev, ctx.arg("indev"), 15);
    if (spec.divisor !== undefined) {
      const d = int(spec.divisor, ctx.arg("divisor"), 1, 256);
      if (d & (d - 1)) throw new ArgumentError(ctx.arg("divisor"), "a power of 2 from 1 to 256", d);
      for (const k of ["match", "keys", "link", "hashkey", "sample", "classid"]) {
        if (spec[k] !== undefined) {
          throw new ArgumentError(
            ctx.arg(k),
            "nothing: a divisor makes a hash table, not a filter",
            spec[k],
          );
        }
      }
      out.divisor = d;
      return out;
    }
    const keys: U32Key[] = [];
    if (spec.match !== undefined) {
      if (!Array.isArray(spec.match)) {
        throw new ArgumentError(ctx.arg("match"), "an array of matches", spec.match);
      }
      keys.push(...u32Keys(spec.match as U32Match[], ctx.arg("match")));
    }
    if (spec.keys !== undefined) {
      if (!Array.isArray(spec.keys)) {
        throw new ArgumentError(ctx.arg("keys"), "an array of keys", spec.keys);
      }
      keys.push(...(spec.keys as U32Key[]));
    }
    let ht = spec.ht === undefined
      ? undefined
      : hashtableId(spec.ht as string | number, ctx.arg("ht"));
    if (spec.sample !== undefined) {
      const s = obj(spec.sample);
      if (s.match === undefined) {
        throw new ArgumentError(ctx.arg("sample"), "{ match, divisor? }", spec.sample);
      }
      const bucket = sampleHash(
        s.match as U32Match,
        (s.divisor as number | undefined) ?? 256,
        ctx.arg("sample"),
      );
      ht = (((ht ?? 0) & 0xfff00000) | (bucket << 12)) >>> 0;
    }
    if (ht !== undefined) out.hash = ht;
    if (spec.link !== undefined) {
      out.link = hashtableId(spec.link as string | number, ctx.arg("link"));
    }
    let hoff = 0;
    let hmask = 0;
    if (spec.hashkey !== undefined) {
      const h = obj(spec.hashkey);
      hmask = u32(h.mask, `${ctx.arg("hashkey")}.mask`);
      hoff = int(h.at, `${ctx.arg("hashkey")}.at`, -0x8000, 0x7fff);
    }
    if (spec.mark !== undefined) {
      const m = obj(spec.mark);
      out.mark = {
        val: u32(m.value, `${ctx.arg("mark")}.value`),
        mask: u32(m.mask, `${ctx.arg("mark")}.mask`),
      };
    }
    const terminal = spec.terminal !== undefined
      ? spec.terminal === true
      : spec.classid !== undefined || spec.actions !== undefined;
    out.sel = encodeU32Sel({ keys, terminal, hoff, hmask }, ctx.arg("keys"));
    return out;
  },
  decode(o) {
    const opts = obj(o);
    const out: Record<string, unknown> = {};
    if (opts.classid !== undefined) out.classid = formatHandle(opts.classid as number);
    if (opts.divisor !== undefined) out.divisor = opts.divisor;
    if (opts.hash !== undefined) out.ht = formatU32Handle(opts.hash as number);
    if (opts.link !== undefined) out.link = formatU32Handle(opts.link as number);
    if (opts.sel instanceof Uint8Array) {
      const sel = decodeU32Sel(opts.sel);
      out.terminal = sel.terminal;
      out.keys = sel.keys;
      if (sel.hmask) out.hashkey = { mask: sel.hmask, at: sel.hoff };
    }
    if (opts.indev !== undefined) out.indev = opts.indev;
    if (opts.mark !== undefined) {
      const m = obj(opts.mark);
      out.mark = { value: m.val, mask: m.mask, success: m.success };
    }
    if (typeof opts.flags === "number") {
      if (opts.flags & TCA_CLS_SKIP_HW) out.skipHw = true;
      if (opts.flags & TCA_CLS_SKIP_SW) out.skipSw = true;
      if (opts.flags & TCA_CLS_FLAGS.IN_HW) out.inHw = true;
      if (opts.flags & TCA_CLS_FLAGS.NOT_IN_HW) out.notInHw = true;
    }
    return out;
  },
};

/** The typed filter kinds. Kinds not listed take raw `options`. */
export const FILTER_KINDS: Record<string, KindCodec> = {
  u32: U32,
  matchall: MATCHALL,
  flower: FLOWER,
  bpf: BPF,
  basic: BASIC,
  fw: FW,
  route: ROUTE,
};
