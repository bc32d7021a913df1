/**
 * Actions (tc-actions(8)): the codecs of each kind, and the list form filters
 * carry (TCA_*_ACT: an indexed array of TCA_ACT_* nests) and standalone
 * action messages carry (TCA_ACT_TAB).
 *
 * An action spec is `{ kind, ...options, index?, cookie? }`:
 * `{ kind: "gact", action: "drop" }`, `{ kind: "mirred", direction: "egress",
 * mode: "redirect", dev: "eth1" }`. `index` names a shared action (the one
 * `action("add")` made, as tc's `action gact index 5`).
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { PGACT, TC_ACT, TCA_MIRRED } from "../../core/tables/tc.ts";
import { checkKeys, int, type Spec, u32 } from "../spec.ts";
import {
  CSUM_ACTION,
  type CsumAction,
  PEDIT,
  type PeditAction,
  SKBEDIT,
  type SkbeditAction,
  VLAN,
  type VlanAction,
} from "./actions_more.ts";
import { codecOf, type KindCodec, kindContext } from "./kind.ts";
import { POLICE, type PoliceAction } from "./police.ts";
import { parseVerdict, type Verdict, verdictName } from "./verdict.ts";

/** gact (tc-gact(8)): a verdict, optionally a random one. */
export interface GactAction {
  /** The kind. */
  kind: "gact";
  /** The verdict (default `pass`). */
  action?: Verdict;
  /**
   * A second verdict taken at random (`random netrand drop 10`: 1 in 10 at
   * random; `determ`: every 10th).
   */
  random?: { type: "netrand" | "determ"; action: Verdict; value: number };
}

/** mirred (tc-mirred(8)): redirect or mirror to another interface. */
export interface MirredAction {
  /** The kind. */
  kind: "mirred";
  /** `egress` (default) or `ingress` of the target interface. */
  direction?: "egress" | "ingress";
  /** `redirect` or `mirror`. */
  mode: "redirect" | "mirror";
  /** Target interface index (or name, resolved by IPRoute). */
  dev: number | string;
  /** Verdict after the action (default: `stolen` for redirect, `pipe` for mirror, as tc). */
  action?: Verdict;
}

/** An action of a kind this module has no typed options for: raw TCA_ACT_OPTIONS. */
export interface RawAction {
  /** The kind (`police`, `skbedit`, …). */
  kind: string;
  /** TCA_ACT_OPTIONS as an attribute object of the kind's set (tc.yaml), or bytes. */
  options?: Record<string, unknown> | Uint8Array;
}

/** Keys every action spec takes. */
export interface ActionCommon {
  /** The action's index (shared actions; 0 or absent: a new one). */
  index?: number;
  /** An opaque cookie (up to 16 bytes, TCA_ACT_COOKIE). */
  cookie?: Uint8Array;
}

/** One action: a typed kind, or any kind with raw options. */
export type ActionSpec =
  & (
    | GactAction
    | MirredAction
    | PoliceAction
    | SkbeditAction
    | PeditAction
    | VlanAction
    | CsumAction
    | RawAction
    | SharedAction
  )
  & ActionCommon;

/** An existing action, by kind and index, to share (tc's `action mirred index 5`). */
export interface SharedAction {
  /** Its kind. */
  kind: string;
  /** Its index (what `action("add", …)` gave it). */
  index: number;
}

const COMMON = ["kind", "index", "cookie"];

/** tc_gen's members: index, capab, action, refcnt, bindcnt. */
function gen(raw: unknown): Record<string, number> {
  return (raw ?? {}) as Record<string, number>;
}

const GACT: KindCodec = {
  keys: ["action", "random"],
  encode(spec, ctx) {
    const out: Record<string, unknown> = {
      parms: { action: parseVerdict(spec.action ?? "pass", ctx.arg("action")) },
    };
    if (spec.random !== undefined) {
      const r = spec.random as Spec;
      const at = ctx.arg("random");
      checkKeys(r, ["type", "action", "value"], at, true);
      if (r.type !== "netrand" && r.type !== "determ") {
        throw new ArgumentError(`${at}.type`, '"netrand" or "determ"', r.type);
      }
      out.prob = {
        ptype: r.type === "netrand" ? PGACT.NETRAND : PGACT.DETERM,
        pval: int(r.value, `${at}.value`, 1, 10000),
        paction: parseVerdict(r.action, `${at}.action`),
      };
    }
    return out;
  },
  decode(o) {
    const opts = (o ?? {}) as Record<string, unknown>;
    const p = gen(opts.parms);
    const out: Record<string, unknown> = { action: verdictName(p.action ?? 0) };
    const prob = opts.prob as Record<string, number> | undefined;
    if (prob && prob.ptype) {
      out.random = {
        type: prob.ptype === PGACT.NETRAND ? "netrand" : "determ",
        action: verdictName(prob.paction!),
        value: prob.pval,
      };
    }
    return out;
  },
};

const EACTIONS: Readonly<Record<string, number>> = {
  "egress redirect": TCA_MIRRED.EGRESS_REDIR,
  "egress mirror": TCA_MIRRED.EGRESS_MIRROR,
  "ingress redirect": TCA_MIRRED.INGRESS_REDIR,
  "ingress mirror": TCA_MIRRED.INGRESS_MIRROR,
};

const MIRRED: KindCodec = {
  keys: ["direction", "mode", "dev", "action"],
  encode(spec, ctx) {
    const direction = spec.direction ?? "egress";
    if (direction !== "egress" && direction !== "ingress") {
      throw new ArgumentError(ctx.arg("direction"), '"egress" or "ingress"', direction);
    }
    if (spec.mode !== "redirect" && spec.mode !== "mirror") {
      throw new ArgumentError(ctx.arg("mode"), '"redirect" or "mirror"', spec.mode);
    }
    if (spec.dev === undefined) {
      throw new ArgumentError(ctx.arg("dev"), "the target interface", undefined);
    }
    const ifindex = int(spec.dev, ctx.arg("dev"), 1, 0x7fffffff);
    const verdict = spec.action ?? (spec.mode === "redirect" ? "stolen" : "pipe");
    return {
      parms: {
        action: parseVerdict(verdict, ctx.arg("action")),
        eaction: EACTIONS[`${direction} ${spec.mode}`],
        ifindex,
      },
    };
  },
  decode(o) {
    const p = gen((o as Record<string, unknown> | undefined)?.parms);
    const name = Object.entries(EACTIONS).find(([, v]) => v === p.eaction)?.[0];
    const [direction, mode] = name ? name.split(" ") : [undefined, undefined];
    return { direction, mode, dev: p.ifindex, action: verdictName(p.action ?? 0) };
  },
};

/**
 * The typed action kinds, by name. Kinds not listed take raw `options`.
 */
export const ACTION_KINDS: Record<string, KindCodec> = {
  gact: GACT,
  mirred: MIRRED,
  police: POLICE,
  skbedit: SKBEDIT,
  pedit: PEDIT,
  vlan: VLAN,
  csum: CSUM_ACTION,
};

/**
 * One action spec → the TCA_ACT_* attribute object the tables encode
 * (`argument` names it in errors: `actions[0]`).
 */
export function encodeAction(spec: unknown, argument: string): Record<string, unknown> {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new ArgumentError(
      argument,
      'an action object such as { kind: "gact", action: "drop" }',
      spec,
    );
  }
  const s = spec as Spec;
  if (typeof s.kind !== "string" || s.kind === "") {
    throw new ArgumentError(
      `${argument}.kind`,
      'an action kind ("gact", "mirred", "police", …)',
      s.kind,
    );
  }
  const codec = codecOf(ACTION_KINDS, s.kind);
  checkKeys(s, codec ? [...COMMON, ...codec.keys] : [...COMMON, "options"], argument, true);
  const out: Record<string, unknown> = { kind: s.kind };
  if (s.index !== undefined) out.index = u32(s.index, `${argument}.index`);
  if (s.cookie !== undefined) {
    if (!(s.cookie instanceof Uint8Array) || s.cookie.length > 16) {
      throw new ArgumentError(`${argument}.cookie`, "up to 16 bytes (a Uint8Array)", s.cookie);
    }
    out.cookie = s.cookie;
  }
  // `{ kind, index }` alone names an existing action to share (tc's `action
  // mirred index 5`): the parameters struct carries just the index.
  const sharing = out.index !== undefined &&
    Object.keys(s).every((k) => k === "kind" || k === "index" || k === "cookie");
  const options = sharing && codec
    ? { [s.kind === "police" ? "tbf" : "parms"]: { index: out.index } }
    : codec
    ? codec.encode(s, kindContext("add", `action ${s.kind}`, argument))
    : s.options;
  // The kernel creates an action at the index in its parameters struct (tc_gen's
  // `index`, first in tc_police too); TCA_ACT_INDEX is for lookups.
  if (out.index !== undefined && options && !(options instanceof Uint8Array)) {
    const opts = options as Record<string, unknown>;
    const key = opts.parms !== undefined ? "parms" : opts.tbf !== undefined ? "tbf" : undefined;
    const parms = key ? opts[key] : undefined;
    if (key && parms && typeof parms === "object" && !(parms instanceof Uint8Array)) {
      opts[key] = { ...parms, index: out.index };
    }
  }
  if (options !== undefined) out.options = options;
  return out;
}

/** A list of action specs → the indexed array TCA_*_ACT carries. */
export function encodeActions(list: unknown, argument = "actions"): Record<string, unknown>[] {
  if (!Array.isArray(list) || list.length === 0 || list.length > 32) {
    throw new ArgumentError(argument, "an array of 1 to 32 actions (TCA_ACT_MAX_PRIO)", list);
  }
  return list.map((a, i) => encodeAction(a, `${argument}[${i}]`));
}

/** A decoded action (`tc -j`'s action objects, in camelCase). */
export interface Action {
  /** The kind (`gact`, `mirred`, …). */
  kind: string;
  /** The action's index (shared actions keep theirs). */
  index: number | undefined;
  /** Its verdict, as tc prints it (`pass`, `drop`, `stolen`, `goto chain 1`, …), when it has one. */
  action?: string;
  /** References and bindings (tc's `ref`/`bind`). */
  ref?: number;
  /** Filters bound to it. */
  bind?: number;
  /** Bytes and packets it saw. */
  stats?: { bytes: number; packets: number; drops?: number; overlimits?: number };
  /** Options of its kind (typed for gact and mirred, decoded by the tables for the rest). */
  [option: string]: unknown;
}

const num = (v: unknown) => typeof v === "bigint" ? Number(v) : v as number;

/** One TCA_ACT_* object (decoded by the tables) → an {@link Action}. */
export function decodeAction(raw: Record<string, unknown>): Action {
  const kind = String(raw.kind ?? "");
  const codec = codecOf(ACTION_KINDS, kind);
  const opts = raw.options as Record<string, unknown> | undefined;
  const parms = opts && typeof opts === "object" && !(opts instanceof Uint8Array)
    ? gen(opts.parms ?? (opts.tbf as unknown))
    : {};
  const out: Action = { kind, index: (raw.index as number | undefined) ?? parms.index };
  if (codec) Object.assign(out, codec.decode(opts));
  else if (opts !== undefined) out.options = opts;
  if (parms.refcnt !== undefined) out.ref = parms.refcnt;
  if (parms.bindcnt !== undefined) out.bind = parms.bindcnt;
  const st = raw.stats as Record<string, Record<string, unknown>> | undefined;
  if (st?.basic) {
    out.stats = { bytes: num(st.basic.bytes), packets: num(st.basic.packets) };
    if (st.queue) {
      out.stats.drops = num(st.queue.drops);
      out.stats.overlimits = num(st.queue.overlimits);
    }
  }
  return out;
}

/** TCA_ACT's verdict constants, for code that builds raw actions. */
export { TC_ACT };
