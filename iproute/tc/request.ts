/**
 * Request builders for `qdisc(cmd, spec)`, `tclass(cmd, spec)` and
 * `filter(cmd, spec)`: struct tcmsg, then TCA_KIND, TCA_OPTIONS (the kind's
 * typed options through its codec, or raw `options`), TCA_CHAIN, blocks and
 * the estimator — the messages tc(8) sends.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { encodeAttrs } from "../../core/schema.ts";
import { Writer } from "../../core/codec.ts";
import { NLM_F } from "../../core/constants.ts";
import { RTM } from "../../core/tables/constants.ts";
import { TC_H, TC_STRUCTS } from "../../core/tables/tc.ts";
import type { Request } from "../../core/socket.ts";
import { structRequest } from "../header.ts";
import type { Command } from "../object.ts";
import { SETS } from "../registry.ts";
import { checkKeys, command, int, type Spec, u32 } from "../spec.ts";
import { type ActionSpec, encodeActions } from "./actions.ts";
import { CLASS_KINDS, type HtbClassOptions } from "./classes.ts";
import { FILTER_KINDS, type U32Options } from "./filters.ts";
import type {
  BasicOptions,
  BpfOptions,
  FwOptions,
  MatchallOptions,
  RouteOptions,
} from "./filters_more.ts";
import type { FlowerOptions } from "./flower.ts";
import { codecOf, type KindCodec, kindContext } from "./kind.ts";
import { parseProtocol } from "./protocol.ts";
import { type HtbQdiscOptions, QDISC_KINDS, type TbfOptions } from "./qdiscs.ts";
import type {
  BfifoOptions,
  CakeOptions,
  FqCodelOptions,
  FqOptions,
  HfscClassOptions,
  HfscQdiscOptions,
  MqprioOptions,
  NetemOptions,
  PfifoOptions,
  PrioOptions,
  SfqOptions,
} from "./qdiscs_more.ts";
import { parseHandle, parseParent, parseTime } from "./units.ts";

const TCMSG = TC_STRUCTS.tcmsg;

/** The qdisc commands (`link` replaces without creating, as `tc qdisc link`). */
export const QDISC_COMMANDS = {
  add: [RTM.NEWQDISC, NLM_F.CREATE | NLM_F.EXCL],
  change: [RTM.NEWQDISC, 0],
  replace: [RTM.NEWQDISC, NLM_F.CREATE | NLM_F.REPLACE],
  link: [RTM.NEWQDISC, NLM_F.REPLACE],
  del: [RTM.DELQDISC, 0],
  get: [RTM.GETQDISC, 0],
  dump: [RTM.GETQDISC, 0],
} as const satisfies Record<string, Command>;

/** The class commands. */
export const TCLASS_COMMANDS = {
  add: [RTM.NEWTCLASS, NLM_F.CREATE | NLM_F.EXCL],
  change: [RTM.NEWTCLASS, 0],
  replace: [RTM.NEWTCLASS, NLM_F.CREATE | NLM_F.REPLACE],
  del: [RTM.DELTCLASS, 0],
  get: [RTM.GETTCLASS, 0],
  dump: [RTM.GETTCLASS, 0],
} as const satisfies Record<string, Command>;

/** The filter commands. */
export const FILTER_COMMANDS = {
  add: [RTM.NEWTFILTER, NLM_F.CREATE | NLM_F.EXCL],
  change: [RTM.NEWTFILTER, 0],
  replace: [RTM.NEWTFILTER, NLM_F.CREATE | NLM_F.REPLACE],
  del: [RTM.DELTFILTER, 0],
  get: [RTM.GETTFILTER, 0],
  dump: [RTM.GETTFILTER, 0],
} as const satisfies Record<string, Command>;

/** A handle or parent: tc's notation (`"1:"`, `"1:10"`, `"ffff:"`, `"root"`, …) or the number. */
export type Handle = string | number;

/** The rate estimator of a qdisc or class (tc's `estimator INTERVAL TIME_CONSTANT`). */
export interface Estimator {
  /** Sampling interval: 250ms, 500ms, 1s, 2s, 4s or 8s (µs, or tc's notation). */
  interval: number | string;
  /** Averaging time constant (µs, or tc's notation). */
  timeConstant: number | string;
}

/** What qdisc, class and filter specs share. */
export interface TcCommon {
  /** Interface index (or name, resolved by IPRoute). */
  index?: number | string;
  /** The kind (`htb`, `tbf`, `u32`, …). Required to add; optional to delete. */
  kind?: string;
  /** Raw TCA_OPTIONS for kinds without typed options: an attribute object of the kind's set, or bytes. */
  options?: Record<string, unknown> | Uint8Array;
}

const COMMON_KEYS = ["index", "kind", "options"];
const QDISC_KEYS = [...COMMON_KEYS, "handle", "parent", "estimator", "ingressBlock", "egressBlock"];
const CLASS_KEYS = [...COMMON_KEYS, "classid", "parent", "estimator"];
const FILTER_KEYS = [
  ...COMMON_KEYS,
  "handle",
  "parent",
  "protocol",
  "prio",
  "chain",
  "actions",
];

/** gnet_estimator: interval as log2(seconds / 4)… (tc_core.c tc_setup_estimator). */
function estimator(v: unknown): Record<string, number> {
  checkKeys(v, ["interval", "timeConstant"], "estimator", true);
  const interval = parseTime(v.interval, "estimator.interval");
  const ewma = parseTime(v.timeConstant, "estimator.timeConstant");
  // est.interval: 250ms is -2 … 8s is 5 (tc: the power of two of interval / 1s, offset by 2).
  let i = -2;
  while (i <= 5 && 250000 * 2 ** (i + 2) < interval) i++;
  if (i > 5 || 250000 * 2 ** (i + 2) !== interval) {
    throw new ArgumentError("estimator.interval", "250ms, 500ms, 1s, 2s, 4s or 8s", v.interval);
  }
  let e = 1;
  while (e < 31 && interval * 2 ** e < ewma) e++;
  return { interval: i, ewmaLog: e };
}

function tcRequest(
  entry: Command,
  header: Record<string, number>,
  attrs: Record<string, unknown>,
): Request {
  const w = Writer.scratch("tc");
  encodeAttrs(w, SETS.tc, attrs);
  return structRequest(entry, TCMSG, header, w.finish());
}

function interfaceIndex(spec: Spec, what: string, cmd: string): number {
  if (spec.index === undefined) {
    if (cmd === "dump") return 0;
    throw new ArgumentError("index", `the interface of the ${what}`, undefined);
  }
  return int(spec.index, "index", 1, 0x7fffffff);
}

/** The kind's options: typed through its codec, else raw `options`. */
function kindOptions(
  table: Readonly<Record<string, KindCodec>>,
  spec: Spec,
  keys: readonly string[],
  what: string,
  cmd: string,
): { options?: unknown; codec?: KindCodec } {
  if (spec.kind !== undefined && (typeof spec.kind !== "string" || spec.kind === "")) {
    throw new ArgumentError("kind", `the ${what} kind (a name such as "htb")`, spec.kind);
  }
  const kind = spec.kind as string | undefined;
  const codec = codecOf(table, kind);
  const sending = cmd !== "del" && cmd !== "get" && cmd !== "dump";
  if (!codec) {
    checkKeys(spec, keys, `${what} ${cmd}`);
    if (sending && kind === undefined) {
      throw new ArgumentError("kind", `the ${what} kind (required to ${cmd})`, undefined);
    }
    return { options: spec.options };
  }
  checkKeys(spec, [...keys.filter((k) => k !== "options"), ...codec.keys], `${what} ${cmd}`);
  if (!sending) {
    for (const k of codec.keys) {
      if (spec[k] !== undefined) {
        throw new ArgumentError(
          k,
          `no ${kind} options to ${cmd} (only the ${what}'s identity)`,
          spec[k],
        );
      }
    }
    return { codec };
  }
  return { options: codec.encode(spec, kindContext(cmd, `${what} ${kind}`)), codec };
}

function commonAttrs(spec: Spec, options: unknown): Record<string, unknown> {
  const attrs: Record<string, unknown> = {};
  if (spec.kind !== undefined) attrs.kind = spec.kind;
  if (options !== undefined) attrs.options = options;
  if (spec.estimator !== undefined) attrs.rate = estimator(spec.estimator);
  return attrs;
}

/** Arguments of `qdisc(cmd, spec)`: the interface, where it attaches, the kind and its options. */
export interface QdiscSpecBase extends TcCommon {
  /** Its handle (`"1:"`; ingress and clsact: `"ffff:"`, the default for them). */
  handle?: Handle;
  /**
   * Where it attaches: `"root"` (default), a class (`"1:10"`); ingress and
   * clsact attach at `"ingress"`/`"clsact"` (their default).
   */
  parent?: Handle;
  /** A rate estimator. */
  estimator?: Estimator;
  /** Shared ingress filter block (ingress, clsact). */
  ingressBlock?: number;
  /** Shared egress filter block (clsact). */
  egressBlock?: number;
}

/** Raw options for a kind without typed ones (`red`, `drr`, …). */
export interface RawKind {
  /** The kind. */
  kind?: string;
  /** TCA_OPTIONS: an attribute object of the kind's set (tc.yaml), or bytes. */
  options?: Record<string, unknown> | Uint8Array;
}

/**
 * Arguments of `qdisc(cmd, spec)`: {@link QdiscSpecBase} and the kind's options
 * (`{ index: "eth0", kind: "tbf", rate: "10mbit", burst: "32kb", latency: "50ms" }`).
 */
export type QdiscSpec =
  & QdiscSpecBase
  & (
    | ({ kind: "htb" } & HtbQdiscOptions)
    | ({ kind: "tbf" } & TbfOptions)
    | { kind: "ingress" | "clsact" | "pfifo_fast" }
    | ({ kind: "pfifo" | "pfifo_head_drop" } & PfifoOptions)
    | ({ kind: "bfifo" } & BfifoOptions)
    | ({ kind: "prio" } & PrioOptions)
    | ({ kind: "sfq" } & SfqOptions)
    | ({ kind: "fq_codel" } & FqCodelOptions)
    | ({ kind: "fq" } & FqOptions)
    | ({ kind: "netem" } & NetemOptions)
    | ({ kind: "cake" } & CakeOptions)
    | ({ kind: "hfsc" } & HfscQdiscOptions)
    | ({ kind: "mqprio" } & MqprioOptions)
    | RawKind
  );

/** Builds the request for `qdisc(cmd, spec)`. */
export function buildQdiscRequest(cmd: string, spec: Spec): Request {
  const entry = command(QDISC_COMMANDS, cmd, "qdisc");
  const { options } = kindOptions(QDISC_KINDS, spec, QDISC_KEYS, "qdisc", cmd);
  const index = interfaceIndex(spec, "qdisc", cmd);
  const special = spec.kind === "ingress" || spec.kind === "clsact";
  const lookup = cmd === "dump" || (cmd === "get" && spec.handle !== undefined);
  let parent = spec.parent !== undefined
    ? parseParent(spec.parent, "parent")
    : special
    ? TC_H.INGRESS
    : lookup
    ? 0
    : TC_H.ROOT;
  if (special && spec.parent !== undefined && parent !== TC_H.INGRESS) {
    // tc writes `ingress`/`clsact` as the parent: both are TC_H_INGRESS here.
    if (parent === ((TC_H.INGRESS & TC_H.MAJ_MASK | TC_H.MIN_INGRESS) >>> 0)) parent = TC_H.INGRESS;
    else {throw new ArgumentError(
        "parent",
        `"ingress" for ${spec.kind} (TC_H_INGRESS)`,
        spec.parent,
      );}
  }
  const handle = spec.handle === undefined
    ? (special && cmd !== "dump" ? (TC_H.INGRESS & TC_H.MAJ_MASK) >>> 0 : 0)
    : parseHandle(spec.handle, "handle");
  const attrs = commonAttrs(spec, options);
  if (spec.ingressBlock !== undefined) attrs.ingressBlock = u32(spec.ingressBlock, "ingressBlock");
  if (spec.egressBlock !== undefined) attrs.egressBlock = u32(spec.egressBlock, "egressBlock");
  return tcRequest(entry, { tcmIfindex: index, tcmHandle: handle, tcmParent: parent }, attrs);
}

/** Arguments of `tclass(cmd, spec)`. */
export interface TclassSpecBase extends TcCommon {
  /** The class id (`"1:10"`). */
  classid?: Handle;
  /** The parent: the qdisc (`"1:"`) or a class (`"1:1"`). Required to add. */
  parent?: Handle;
  /** A rate estimator. */
  estimator?: Estimator;
}

/** Arguments of `tclass(cmd, spec)`: {@link TclassSpecBase} and the kind's options. */
export type TclassSpec =
  & TclassSpecBase
  & (({ kind: "htb" } & HtbClassOptions) | ({ kind: "hfsc" } & HfscClassOptions) | RawKind);

/** Builds the request for `tclass(cmd, spec)`. */
export function buildTclassRequest(cmd: string, spec: Spec): Request {
  const entry = command(TCLASS_COMMANDS, cmd, "tclass");
  const { options } = kindOptions(CLASS_KINDS, spec, CLASS_KEYS, "class", cmd);
  const index = interfaceIndex(spec, "class", cmd);
  if (spec.parent === undefined && (cmd === "add" || cmd === "replace")) {
    throw new ArgumentError(
      "parent",
      'the qdisc or class the class goes under ("1:", "1:1")',
      undefined,
    );
  }
  if (spec.classid === undefined && cmd !== "dump") {
    throw new ArgumentError("classid", 'the class id ("1:10")', undefined);
  }
  const parent = spec.parent === undefined ? 0 : parseParent(spec.parent, "parent");
  const classid = spec.classid === undefined ? 0 : parseHandle(spec.classid, "classid");
  return tcRequest(
    entry,
    { tcmIfindex: index, tcmHandle: classid, tcmParent: parent },
    commonAttrs(spec, options),
  );
}

/** Arguments of `filter(cmd, spec)`. */
export interface FilterSpecBase extends TcCommon {
  /** Where it attaches: a qdisc (`"1:"`, default `"root"`), `"ingress"`, `"egress"` (clsact's hooks), a class. */
  parent?: Handle;
  /** Its handle (kind-specific: u32 `"800::800"`, fw's mark; default: chosen by the kernel). */
  handle?: Handle;
  /** The ethertype it matches: `"all"` (default), `"ip"`, `"ipv6"`, `"802.1Q"`, … or a number. */
  protocol?: string | number;
  /** Its priority (tc's `prio`/`pref`; 0 or absent: chosen by the kernel). */
  prio?: number;
  /** The chain it goes in (default 0). */
  chain?: number;
}

/** Arguments of `filter(cmd, spec)`: {@link FilterSpecBase}, the kind's options and actions. */
export type FilterSpec =
  & FilterSpecBase
  & { actions?: ActionSpec[] }
  & (
    | ({ kind: "u32" } & U32Options)
    | ({ kind: "matchall" } & MatchallOptions)
    | ({ kind: "flower" } & FlowerOptions)
    | ({ kind: "bpf" } & BpfOptions)
    | ({ kind: "basic" } & BasicOptions)
    | ({ kind: "fw" } & FwOptions)
    | ({ kind: "route" } & RouteOptions)
    | RawKind
  );

/** Builds the request for `filter(cmd, spec)`. */
export function buildFilterRequest(cmd: string, spec: Spec): Request {
  const entry = command(FILTER_COMMANDS, cmd, "filter");
  const { options, codec } = kindOptions(FILTER_KINDS, spec, FILTER_KEYS, "filter", cmd);
  const index = interfaceIndex(spec, "filter", cmd);
  // The root qdisc is parent 0 for filters: the kernel looks a parent up by its
  // major number, and TC_H_ROOT's (ffff:) is the ingress qdisc's.
  let parent = spec.parent === undefined ? 0 : parseParent(spec.parent, "parent");
  if (parent === TC_H.ROOT) parent = 0;
  const handle = spec.handle === undefined
    ? 0
    : codec?.handle
    ? codec.handle(spec.handle, "handle")
    : parseHandle(spec.handle, "handle");
  const prio = spec.prio === undefined ? 0 : int(spec.prio, "prio", 0, 0xffff);
  const adding = cmd === "add" || cmd === "replace" || cmd === "change";
  const protocol = spec.protocol === undefined
    ? (adding ? parseProtocol("all") : 0)
    : parseProtocol(spec.protocol, "protocol");
  let opts = options;
  if (spec.actions !== undefined) {
    if (!adding) throw new ArgumentError("actions", `no actions to ${cmd}`, spec.actions);
    const act = encodeActions(spec.actions);
    if (opts instanceof Uint8Array) {
      throw new ArgumentError(
        "actions",
        "typed options (raw options bytes carry their own actions)",
        spec.actions,
      );
    }
    opts = { ...(opts as Record<string, unknown> | undefined), act };
  }
  const attrs = commonAttrs(spec, opts);
  if (spec.chain !== undefined) attrs.chain = u32(spec.chain, "chain");
  // tcm_info: the priority in the upper 16 bits, the protocol (network order) in the lower.
  const info = ((prio << 16) | ((protocol & 0xff) << 8) | (protocol >> 8)) >>> 0;
  return tcRequest(
    entry,
    { tcmIfindex: index, tcmHandle: handle, tcmParent: parent, tcmInfo: info },
    attrs,
  );
}
