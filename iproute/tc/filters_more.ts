/**
 * The smaller filter kinds: matchall (tc-matchall(8): every packet), bpf
 * (tc-bpf(8): a classic BPF bytecode or a loaded eBPF program), basic
 * (tc-basic(8): extended matches, raw), fw (tc-fw(8): the packet mark is
 * the handle) and route (tc-route(8): routing realms and the incoming
 * interface), as tc's f_*.c send them.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { TCA_BPF_FLAG, TCA_CLS_FLAGS } from "../../core/tables/tc.ts";
import { int, str, u32 } from "../spec.ts";
import { type ClsFlags, clsFlags } from "./filters.ts";
import type { KindCodec } from "./kind.ts";
import { formatHandle, parseHandle } from "./units.ts";

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !(v instanceof Uint8Array)
    ? v as Record<string, unknown>
    : {};

/** The class option every kind here has (tc's `classid`/`flowid`). */
export interface WithClassid {
  /** The class matching packets go to (tc's `classid`/`flowid`: `"1:10"`). */
  classid?: string | number;
}

function classid(
  spec: Record<string, unknown>,
  out: Record<string, unknown>,
  arg: (k: string) => string,
) {
  if (spec.classid !== undefined) out.classid = parseHandle(spec.classid, arg("classid"));
}

/** The decoded classifier flags (TCA_CLS_FLAGS_*) as booleans. */
function flagsOut(flags: unknown, out: Record<string, unknown>): void {
  if (typeof flags !== "number") return;
  if (flags & TCA_CLS_FLAGS.SKIP_HW) out.skipHw = true;
  if (flags & TCA_CLS_FLAGS.SKIP_SW) out.skipSw = true;
  if (flags & TCA_CLS_FLAGS.IN_HW) out.inHw = true;
  if (flags & TCA_CLS_FLAGS.NOT_IN_HW) out.notInHw = true;
}

/** matchall's options. */
export interface MatchallOptions extends ClsFlags, WithClassid {}

/** matchall's codec (TCA_MATCHALL_*): a class, flags; actions are the filter's. */
export const MATCHALL: KindCodec = {
  keys: ["classid", "skipHw", "skipSw"],
  encode(spec, ctx) {
    const out: Record<string, unknown> = {};
    classid(spec, out, ctx.arg);
    const flags = clsFlags(spec, ctx.arg);
    if (flags !== undefined) out.flags = flags;
    return out;
  },
  decode(o) {
    const opts = obj(o);
    const out: Record<string, unknown> = {};
    if (typeof opts.classid === "number") out.classid = formatHandle(opts.classid);
    flagsOut(opts.flags, out);
    return out;
  },
};

/** One classic BPF instruction (linux/filter.h struct sock_filter). */
export interface BpfInsn {
  /** The opcode. */
  code: number;
  /** Jump offset when true. */
  jt: number;
  /** Jump offset when false. */
  jf: number;
  /** The operand. */
  k: number;
}

/** bpf's options. */
export interface BpfOptions extends ClsFlags, WithClassid {
  /**
   * Classic BPF (tc's `bytecode "4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0"`,
   * as `bpf_asm -c` or tcpdump -ddd print it) or the instructions.
   */
  bytecode?: string | readonly BpfInsn[];
  /** A loaded eBPF program's descriptor (of type BPF_PROG_TYPE_SCHED_CLS). */
  fd?: number;
  /**
   * A program pinned on a bpf file system (tc's `object-pinned /sys/fs/bpf/…`):
   * IPRoute's filter() opens it for its request (not in a Batch or raw request).
   */
  pinned?: string;
  /** The program's name as tc shows it (default: the pinned path's last part). */
  name?: string;
  /** tc's `da` (direct-action): the program's return value is the verdict. */
  da?: boolean;
}

/** `sizeof(struct sock_filter)` (linux/filter.h: u16 code, u8 jt, u8 jf, u32 k). */
const INSN_SIZE = 8;
/** BPF_MAXINSNS (linux/bpf_common.h line 51). */
const BPF_MAXINSNS = 4096;

/** tc's bytecode string or a list of instructions → sock_filter array bytes, in host order. */
export function encodeBpfOps(v: unknown, argument: string): { count: number; ops: Uint8Array } {
  let insns: unknown[];
  if (typeof v === "string") {
    const parts = v.split(",").map((s) => s.trim());
    const n = Number(parts[0]);
    if (!/^\d+$/.test(parts[0] ?? "") || n !== parts.length - 1) {
      throw new ArgumentError(
        argument,
        'tc\'s bytecode: "COUNT,CODE JT JF K,…" with COUNT instructions',
        v,
      );
    }
    insns = parts.slice(1).map((p) => {
      const f = p.split(/\s+/);
      if (f.length !== 4 || f.some((x) => !/^(0x[0-9a-f]+|\d+)$/i.test(x))) {
        throw new ArgumentError(argument, 'instructions of four numbers: "CODE JT JF K"', p);
      }
      const [code, jt, jf, k] = f.map(Number);
      return { code, jt, jf, k };
    });
  } else if (Array.isArray(v)) insns = v;
  else {throw new ArgumentError(
      argument,
      "tc's bytecode string or an array of { code, jt, jf, k }",
      v,
    );}
  if (insns.length === 0 || insns.length > BPF_MAXINSNS) {
    throw new ArgumentError(argument, `1 to ${BPF_MAXINSNS} instructions`, insns.length);
  }
  const ops = new Uint8Array(insns.length * INSN_SIZE);
  const dv = new DataView(ops.buffer);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  insns.forEach((raw, i) => {
    const a = `${argument}[${i}]`;
    const x = obj(raw);
    dv.setUint16(i * INSN_SIZE, int(x.code, `${a}.code`, 0, 0xffff), little);
    dv.setUint8(i * INSN_SIZE + 2, int(x.jt, `${a}.jt`, 0, 0xff));
    dv.setUint8(i * INSN_SIZE + 3, int(x.jf, `${a}.jf`, 0, 0xff));
    dv.setUint32(i * INSN_SIZE + 4, u32(x.k, `${a}.k`), little);
  });
  return { count: insns.length, ops };
}

/** sock_filter array bytes → the instructions. */
export function decodeBpfOps(ops: Uint8Array): BpfInsn[] {
  const dv = new DataView(ops.buffer, ops.byteOffset, ops.byteLength);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const out: BpfInsn[] = [];
  for (let o = 0; o + INSN_SIZE <= ops.length; o += INSN_SIZE) {
    out.push({
      code: dv.getUint16(o, little),
      jt: dv.getUint8(o + 2),
      jf: dv.getUint8(o + 3),
      k: dv.getUint32(o + 4, little),
    });
  }
  return out;
}

/** tc's bytecode notation of instructions (`"2,6 0 0 0,…"`). */
export function formatBpfOps(insns: readonly BpfInsn[]): string {
  return [String(insns.length), ...insns.map((i) => `${i.code} ${i.jt} ${i.jf} ${i.k}`)].join(",");
}

/** bpf's codec (TCA_BPF_*). */
export const BPF: KindCodec = {
  keys: ["bytecode", "fd", "pinned", "name", "da", "classid", "skipHw", "skipSw"],
  encode(spec, ctx) {
    const out: Record<string, unknown> = {};
    if (spec.pinned !== undefined && spec.fd === undefined) {
      throw new ArgumentError(
        ctx.arg("pinned"),
        "a program descriptor: pinned programs are opened by IPRoute's filter() for its request, not in a Batch or a raw request",
        spec.pinned,
      );
    }
    const sources = ["bytecode", "fd"].filter((k) => spec[k] !== undefined);
    if (sources.length !== 1) {
      throw new ArgumentError(
        ctx.arg(sources[1] ?? "bytecode"),
        "exactly one program: bytecode (classic), fd or pinned (eBPF)",
        sources.length ? spec[sources[1]!] : undefined,
      );
    }
    classid(spec, out, ctx.arg);
    if (spec.bytecode !== undefined) {
      const { count, ops } = encodeBpfOps(spec.bytecode, ctx.arg("bytecode"));
      out.opsLen = count;
      out.ops = ops;
      if (spec.name !== undefined) {
        throw new ArgumentError(ctx.arg("name"), "a name only for eBPF programs", spec.name);
      }
    } else {
      out.fd = int(spec.fd, ctx.arg("fd"), 0, 0x7fffffff);
      if (spec.name !== undefined) out.name = str(spec.name, ctx.arg("name"), 255);
    }
    if (spec.da !== undefined && spec.da !== false) {
      if (spec.da !== true) throw new ArgumentError(ctx.arg("da"), "a boolean", spec.da);
      out.flags = TCA_BPF_FLAG.ACT_DIRECT;
    }
    const gen = clsFlags(spec, ctx.arg);
    if (gen !== undefined) out.flagsGen = gen;
    return out;
  },
  decode(o) {
    const opts = obj(o);
    const out: Record<string, unknown> = {};
    if (typeof opts.classid === "number") out.classid = formatHandle(opts.classid);
    if (opts.ops instanceof Uint8Array) out.bytecode = formatBpfOps(decodeBpfOps(opts.ops));
    if (opts.name !== undefined) out.name = opts.name;
    if (opts.id !== undefined) out.id = opts.id;
    if (opts.tag instanceof Uint8Array) {
      out.tag = [...opts.tag].map((b) => b.toString(16).padStart(2, "0")).join("");
    }
    if (typeof opts.flags === "number" && opts.flags & TCA_BPF_FLAG.ACT_DIRECT) out.da = true;
    flagsOut(opts.flagsGen, out);
    return out;
  },
};

/** basic's options. */
export interface BasicOptions extends WithClassid {
  /** Extended matches (tc's `match EXPR`), raw: TCA_BASIC_EMATCHES as `{ treeHdr, treeList }` or bytes. */
  ematches?: Record<string, unknown> | Uint8Array;
}

/** basic's codec (TCA_BASIC_*). */
export const BASIC: KindCodec = {
  keys: ["classid", "ematches"],
  encode(spec, ctx) {
    const out: Record<string, unknown> = {};
    classid(spec, out, ctx.arg);
    if (spec.ematches !== undefined) {
      if (
        typeof spec.ematches !== "object" || spec.ematches === null || Array.isArray(spec.ematches)
      ) {
        throw new ArgumentError(
          ctx.arg("ematches"),
          "TCA_BASIC_EMATCHES as { treeHdr, treeList } or bytes",
          spec.ematches,
        );
      }
      out.ematches = spec.ematches;
    }
    return out;
  },
  decode(o) {
    const opts = obj(o);
    const out: Record<string, unknown> = {};
    if (typeof opts.classid === "number") out.classid = formatHandle(opts.classid);
    if (opts.ematches !== undefined) out.ematches = opts.ematches;
    return out;
  },
};

/** fw's options (the mark to match is the filter's `handle`). */
export interface FwOptions extends WithClassid {
  /** The bits of the mark compared (tc's `handle MARK/MASK`; default all). */
  mask?: number;
  /** Only packets that came in on this interface (tc's `indev`). */
  indev?: string;
}

/** A fw handle: the mark (a number, or tc's hex/decimal notation `"0x10"`). */
function fwHandle(v: unknown, argument: string): number {
  if (typeof v === "string" && /^(0x[0-9a-f]{1,8}|\d+)$/i.test(v.trim())) v = Number(v.trim());
  return u32(v, argument);
}

/** fw's codec (TCA_FW_*): the handle is the mark. */
export const FW: KindCodec = {
  keys: ["classid", "mask", "indev"],
  handle: fwHandle,
  formatHandle: (n) => `0x${n.toString(16)}`,
  encode(spec, ctx) {
    const out: Record<string, unknown> = {};
    classid(spec, out, ctx.arg);
    if (spec.indev !== undefined) out.indev = str(spec.indev, ctx.arg("indev"), 15);
    if (spec.mask !== undefined) out.mask = u32(spec.mask, ctx.arg("mask"));
    return out;
  },
  decode(o) {
    const opts = obj(o);
    const out: Record<string, unknown> = {};
    if (typeof opts.classid === "number") out.classid = formatHandle(opts.classid);
    if (opts.indev !== undefined) out.indev = opts.indev;
    if (typeof opts.mask === "number") out.mask = opts.mask;
    return out;
  },
};

/** route's options (tc's `to`, `from`, `fromif`). */
export interface RouteOptions extends WithClassid {
  /** The route's realm (tc's `to REALM`, 0 to 255). */
  to?: number;
  /** The source's realm (tc's `from REALM`, 0 to 255). */
  from?: number;
  /** The incoming interface (tc's `fromif DEV`): an index, or a name IPRoute resolves. */
  iif?: number | string;
}

/** route's codec (TCA_ROUTE4_*): the kernel makes the handle from the realms. */
export const ROUTE: KindCodec = {
  keys: ["classid", "to", "from", "iif"],
  encode(spec, ctx) {
    const out: Record<string, unknown> = {};
    classid(spec, out, ctx.arg);
    if (spec.from !== undefined && spec.iif !== undefined) {
      throw new ArgumentError(ctx.arg("iif"), "from or iif, not both (cls_route4)", spec.iif);
    }
    // cls_route4.c: realms above 0xff and interfaces above 0x7fff are refused.
    if (spec.to !== undefined) out.to = int(spec.to, ctx.arg("to"), 0, 0xff);
    if (spec.from !== undefined) out.from = int(spec.from, ctx.arg("from"), 0, 0xff);
    if (spec.iif !== undefined) out.iif = int(spec.iif, ctx.arg("iif"), 1, 0x7fff);
    return out;
  },
  decode(o) {
    const opts = obj(o);
    const out: Record<string, unknown> = {};
    if (typeof opts.classid === "number") out.classid = formatHandle(opts.classid);
    for (const k of ["to", "from", "iif"]) if (typeof opts[k] === "number") out[k] = opts[k];
    return out;
  },
};
