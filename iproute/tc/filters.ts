/**
 * Filter kinds with typed options. u32 (tc-u32(8)): matches on 32-bit words
 * of the packet (`match ip src 10.0.0.0/8` and the rest of tc's grammar, see
 * {@link U32Match}), hash tables (`divisor`, `ht`, `link`, `hashkey`,
 * `sample`), a class to steer to, and actions.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { memberOffset } from "../../core/layout.ts";
import { TC_ATTRS, TC_STRUCTS, TC_U32, TCA_CLS_FLAGS } from "../../core/tables/tc.ts";
import { int, str, u32 } from "../spec.ts";
import { scanOptions, scanPlan } from "./fast.ts";
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

// The fast reader's plan and tc_u32_sel's members, from the generated tables.
const U32_ATTR = TC_ATTRS.tcU32Attrs;
/**
 * Slots: 0 classid, 1 hash, 2 link, 3 divisor, 4 sel, 5 mark, 6 flags; the
 * performance counters (pcnt, a struct or bytes, never an error) are not
 * shown. Any other attribute (indev, police, actions) goes the general way.
 */
const U32_PLAN = scanPlan(
  [
    U32_ATTR.classid,
    U32_ATTR.hash,
    U32_ATTR.link,
    U32_ATTR.divisor,
    U32_ATTR.sel,
    U32_ATTR.mark,
    U32_ATTR.flags,
  ],
  [U32_ATTR.pad, U32_ATTR.pcnt],
);
const SEL = TC_STRUCTS.tcU32Sel;
const SEL_FLAGS = memberOffset(SEL, "flags", "u8");
const SEL_NKEYS = memberOffset(SEL, "nkeys", "u8");
const SEL_HOFF = memberOffset(SEL, "hoff", "s16");
const SEL_HMASK = memberOffset(SEL, "hmask", "u32be");
const SEL_KEYS = memberOffset(SEL, "keys", "binary");
const KEY = TC_STRUCTS.tcU32Key;
const KEY_MASK = memberOffset(KEY, "mask", "u32be");
const KEY_VAL = memberOffset(KEY, "val", "u32be");
const KEY_OFF = memberOffset(KEY, "off", "s32");
const KEY_OFFMASK = memberOffset(KEY, "offmask", "s32");
const MARK = TC_STRUCTS.tcU32Mark;
const MARK_VAL = memberOffset(MARK, "val", "u32");
const MARK_MASK = memberOffset(MARK, "mask", "u32");
const MARK_SUCCESS = memberOffset(MARK, "success", "u32");
/** The slots of the u32 attributes. */
const U32_WORDS = [0, 1, 2, 3, 6] as const;
/** The scan's slots (the readers never re-enter). */
const slots: number[] = new Array(14).fill(-1);

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
  // What decode gives, in its key order, read in place (see KindCodec.decodeFast).
  decodeFast(_bytes, dv, start, end) {
    const s = slots;
    if (!scanOptions(dv, start, end, U32_PLAN, 7, s)) return undefined;
    // The u32 attributes (classid, hash, link, divisor, flags) too short: the general way.
    for (const i of U32_WORDS) if (s[2 * i]! >= 0 && s[2 * i + 1]! < 4) return undefined;
    const sel = s[8]!;
    let nkeys = 0;
    if (sel >= 0) {
      if (s[9]! < SEL.size) return undefined;
      nkeys = dv.getUint8(sel + SEL_NKEYS);
      if (s[9]! < SEL_KEYS + KEY.size * nkeys) return undefined;
    }
    if (s[10]! >= 0 && s[11]! < MARK.size) return undefined;
    const out: Record<string, unknown> = {};
    if (s[0]! >= 0) out.classid = formatHandle(dv.getUint32(s[0]!, true));
    if (s[6]! >= 0) out.divisor = dv.getUint32(s[6]!, true);
    if (s[2]! >= 0) out.ht = formatU32Handle(dv.getUint32(s[2]!, true));
    if (s[4]! >= 0) out.link = formatU32Handle(dv.getUint32(s[4]!, true));
    if (sel >= 0) {
      out.terminal = (dv.getUint8(sel + SEL_FLAGS) & TC_U32.TERMINAL) !== 0;
      const keys: U32Key[] = [];
      for (let i = 0, k = sel + SEL_KEYS; i < nkeys; i++, k += KEY.size) {
        keys.push({
          value: dv.getUint32(k + KEY_VAL, false),
          mask: dv.getUint32(k + KEY_MASK, false),
          off: dv.getInt32(k + KEY_OFF, true),
          offmask: dv.getInt32(k + KEY_OFFMASK, true),
        });
      }
      out.keys = keys;
      const hmask = dv.getUint32(sel + SEL_HMASK, false);
      if (hmask) out.hashkey = { mask: hmask, at: dv.getInt16(sel + SEL_HOFF, true) };
    }
    const m = s[10]!;
    if (m >= 0) {
      out.mark = {
        value: dv.getUint32(m + MARK_VAL, true),
        mask: dv.getUint32(m + MARK_MASK, true),
        success: dv.getUint32(m + MARK_SUCCESS, true),
      };
    }
    if (s[12]! >= 0) {
      const flags = dv.getUint32(s[12]!, true);
      if (flags & TCA_CLS_SKIP_HW) out.skipHw = true;
      if (flags & TCA_CLS_SKIP_SW) out.skipSw = true;
      if (flags & TCA_CLS_FLAGS.IN_HW) out.inHw = true;
      if (flags & TCA_CLS_FLAGS.NOT_IN_HW) out.notInHw = true;
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
