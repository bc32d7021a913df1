/**
 * `nlroute tc { qdisc | class | filter } COMMAND …`: tc(8)'s grammar
 * (tc_qdisc.c, tc_class.c, tc_filter.c and the kinds' parsers) into
 * IPRoute's qdisc, tclass and filter specs. Typed kinds: qdiscs htb, tbf,
 * ingress, clsact, and (cli/parse/tc_qdisc.ts) pfifo, bfifo,
 * pfifo_head_drop, prio, sfq, fq_codel, fq, netem, cake, hfsc and mqprio
 * (any other kind is sent alone, with the kernel's defaults); htb and hfsc
 * classes; filters u32, matchall, flower, bpf, basic, fw and route with
 * actions gact, mirred, police, skbedit, pedit, vlan and csum
 * (cli/parse/tc_filter.ts).
 *
 * Words tc reads with `matches()` may be abbreviated as in tc (`pref`,
 * `prot`, `est`); the rest are whole words. A value is checked where it is
 * read, or by IPRoute before anything is sent: the error names the keyword.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { parseProtocol } from "../../iproute/tc/protocol.ts";
import { parseParent, parseSize } from "../../iproute/tc/units.ts";
import { TC_H } from "../../core/tables/tc.ts";
import { UsageError } from "../errors.ts";
import type { Family, Invocation, TcSelect } from "./invocation.ts";
import { inv } from "./invocation.ts";
import { integer } from "./values.ts";
import type { Words } from "./words.ts";
import { filterKindOptions } from "./tc_filter.ts";
import { classKindOptions, qdiscKindOptions } from "./tc_qdisc.ts";

type Spec = Record<string, unknown>;

/** tc's matches(): `word` is a non-empty prefix of `full`. */
export function matches(word: string, full: string): boolean {
  return word.length > 0 && full.startsWith(word);
}

/** A qdisc handle as tc's get_qdisc_handle reads it: `1:` or `1` (hex), `none`. */
function qdiscHandle(word: string, keyword: string): string {
  if (word === "none") return "none";
  const m = /^([0-9a-f]{1,4}):?$/i.exec(word);
  if (!m) throw new ArgumentError(keyword, 'a qdisc handle such as "1:" (hex)', word, "argument");
  return `${m[1]!.toLowerCase()}:`;
}

/** A parent or class id (tc's get_tc_classid), checked now: `1:10`, `1:`, `root`, `none`. */
function classidWord(word: string, keyword: string): string {
  parseParent(word, keyword);
  return word;
}

/** `linklayer { ethernet | atm | adsl }` (tc's get_linklayer, by prefix). */
function linklayerWord(word: string): string {
  if (matches(word, "ethernet")) return "ethernet";
  if (matches(word, "atm") || matches(word, "adsl")) return "atm";
  throw new ArgumentError("linklayer", "ethernet, atm or adsl", word, "argument");
}

/** `estimator INTERVAL TIME_CONSTANT`. */
function estimatorWords(w: Words, spec: Spec): void {
  w.once("estimator");
  const interval = w.value("estimator", "estimator interval");
  const timeConstant = w.value("estimator", "estimator time constant");
  spec.estimator = { interval, timeConstant };
}

/** The parent words of a modify command: `root`, `parent P`, and (qdiscs) `ingress`/`clsact`. */
function setParent(w: Words, spec: Spec, word: string, value: string): void {
  if (spec.parent !== undefined) {
    throw new UsageError(`Error: "${word}" is a duplicate parent ID in "${w.where}".`);
  }
  spec.parent = value;
}

/** htb's qdisc options (q_htb.c htb_parse_opt). */
function htbQdisc(w: Words, spec: Spec): void {
  while (!w.done) {
    const k = w.next();
    if (matches(k, "r2q")) spec.r2q = integer(w.value("r2q"), "r2q");
    else if (matches(k, "default")) {
      const v = w.value("default");
      if (!/^(0x)?[0-9a-f]{1,4}$/i.test(v)) {
        throw new ArgumentError(
          "default",
          "a class minor id in hex (as tc reads it)",
          v,
          "argument",
        );
      }
      spec.default = v.replace(/^0x/i, "");
    } else if (matches(k, "direct_qlen")) {
      spec.directQlen = integer(w.value("direct_qlen"), "direct_qlen");
    } else if (matches(k, "offload")) {
      w.once("offload");
      spec.offload = true;
    } else throw w.garbage(k);
  }
}

/** The rate options tbf and htb share: mpu, overhead, linklayer. */
function rateOption(w: Words, spec: Spec, k: string): boolean {
  if (k === "mpu") spec.mpu = parseSize(w.value("mpu"), "mpu");
  else if (matches(k, "overhead")) {
    spec.overhead = integer(w.value("overhead"), "overhead", 0, 0xffff);
  } else if (matches(k, "linklayer")) spec.linklayer = linklayerWord(w.value("linklayer"));
  else return false;
  return true;
}

/** tbf's options (q_tbf.c tbf_parse_opt). */
function tbf(w: Words, spec: Spec): void {
  while (!w.done) {
    const k = w.next();
    if (matches(k, "limit")) spec.limit = w.value("limit");
    else if (matches(k, "latency")) spec.latency = w.value("latency");
    else if (matches(k, "burst") || k === "buffer" || k === "maxburst") {
      spec.burst = w.value(k, "burst");
    } else if (k === "mtu" || k === "minburst") spec.mtu = w.value(k, "mtu");
    else if (matches(k, "rate")) spec.rate = w.value("rate");
    else if (matches(k, "peakrate")) spec.peakrate = w.value("peakrate");
    else if (!rateOption(w, spec, k)) throw w.garbage(k);
  }
  if (spec.rate === undefined) throw new UsageError(`"rate" is required for tbf in "${w.where}".`);
  if (spec.burst === undefined) {
    throw new UsageError(`"burst" is required for tbf in "${w.where}".`);
  }
  if ((spec.limit === undefined) === (spec.latency === undefined)) {
    throw new UsageError(`tbf needs exactly one of "limit" and "latency" in "${w.where}".`);
  }
}

/** htb's class options (q_htb.c htb_parse_class_opt). */
function htbClass(w: Words, spec: Spec): void {
  while (!w.done) {
    const k = w.next();
    if (matches(k, "prio")) spec.prio = integer(w.value("prio"), "prio", 0, 7);
    else if (matches(k, "mtu")) spec.mtu = integer(w.value("mtu"), "mtu", 1, 0xffff);
    else if (matches(k, "quantum")) spec.quantum = integer(w.value("quantum"), "quantum");
    else if (matches(k, "burst") || k === "buffer" || k === "maxburst") {
      spec.burst = w.value(k, "burst");
    } else if (matches(k, "cburst") || k === "cbuffer" || k === "cmaxburst") {
      spec.cburst = w.value(k, "cburst");
    } else if (k === "ceil") spec.ceil = w.value("ceil");
    else if (k === "rate") spec.rate = w.value("rate");
    else if (!rateOption(w, spec, k)) throw w.garbage(k);
  }
  if (spec.rate === undefined) {
    throw new UsageError(`"rate" is required for an htb class in "${w.where}".`);
  }
}

/** A kind nlroute sends without options: anything after it is refused by name. */
function bareKind(w: Words, what: string, kind: string): void {
  if (!w.done) {
    throw new UsageError(
      `nlroute does not parse the options of ${what} "${kind}" ("${w.peek()}"): give the kind alone for the kernel's defaults.`,
    );
  }
}

/** `dev DEV`, common to every command. */
function dev(w: Words, spec: Spec, k: string): void {
  spec.index = w.value(k, "dev");
}

/**
 * `tc qdisc { add | change | replace | link | del } dev DEV [ handle H ]
 * [ root | ingress | clsact | parent P ] [ estimator I T ]
 * [ ingress_block N ] [ egress_block N ] [ KIND [ OPTIONS ] ]`.
 */
function qdiscModify(w: Words, action: string): Invocation {
  const spec: Spec = {};
  while (!w.done) {
    const k = w.next();
    if (k === "dev") dev(w, spec, k);
    else if (k === "handle") spec.handle = qdiscHandle(w.value("handle"), "handle");
    else if (k === "root") setParent(w, spec, k, "root");
    else if (k === "ingress" || k === "clsact") {
      // Their parent (TC_H_INGRESS) and handle (ffff:) are IPRoute's defaults for the kind.
      if (spec.parent !== undefined) {
        throw new UsageError(`Error: "${k}" is a duplicate parent ID in "${w.where}".`);
      }
      spec.kind = k;
      break;
    } else if (k === "parent") spec.parent = classidWord(w.value("parent"), "parent");
    else if (matches(k, "estimator")) estimatorWords(w, spec);
    else if (k === "stab") {
      throw new UsageError(`"stab" (size tables) is not supported by nlroute.`);
    } else if (matches(k, "ingress_block")) {
      spec.ingressBlock = integer(w.value("ingress_block"), "ingress_block", 1);
    } else if (matches(k, "egress_block")) {
      spec.egressBlock = integer(w.value("egress_block"), "egress_block", 1);
    } else {
      spec.kind = k;
      break;
    }
  }
  const kind = spec.kind as string | undefined;
  if (kind === "htb") htbQdisc(w, spec);
  else if (kind === "tbf") tbf(w, spec);
  else if (kind !== undefined && !qdiscKindOptions(w, spec, kind)) bareKind(w, "qdisc", kind);
  if (spec.index === undefined) throw w.required('"dev"');
  if (action !== "del" && kind === undefined) throw w.required("the qdisc kind");
  return inv("qdisc", action, spec);
}

/** `tc qdisc show [ dev DEV ] [ root | ingress | clsact | parent P | handle H ]`. */
function qdiscShow(w: Words): Invocation {
  const spec: Spec = {};
  const select: TcSelect = {};
  const once = (k: string) => {
    if (select.parent !== undefined || select.handle !== undefined) {
      throw new UsageError(`"${k}": a parent or handle is already given in "${w.where}".`);
    }
  };
  while (!w.done) {
    const k = w.next();
    if (k === "dev") dev(w, spec, k);
    else if (k === "root") {
      once(k);
      select.parent = TC_H.ROOT;
    } else if (k === "ingress" || k === "clsact") {
      once(k);
      select.parent = TC_H.INGRESS;
    } else if (matches(k, "parent")) {
      once(k);
      select.parent = parseParent(w.value("parent"), "parent");
    } else if (matches(k, "handle")) {
      once(k);
      select.handle = parseParent(qdiscHandle(w.value("handle"), "handle"), "handle");
    } else if (k === "invisible") {
      throw new UsageError(`"invisible" is not supported by nlroute.`);
    } else throw w.garbage(k);
  }
  return inv("qdisc", "show", spec, { tc: select });
}

/**
 * `tc class { add | change | replace | del } dev DEV [ classid C ]
 * [ root | parent P ] [ estimator I T ] [ KIND [ OPTIONS ] ]`.
 */
function classModify(w: Words, action: string): Invocation {
  const spec: Spec = {};
  while (!w.done) {
    const k = w.next();
    if (k === "dev") dev(w, spec, k);
    else if (k === "classid") spec.classid = classidWord(w.value("classid"), "classid");
    else if (k === "handle") {
      throw new UsageError(`"handle" is not a class keyword: give "classid" in "${w.where}".`);
    } else if (k === "root") setParent(w, spec, k, "root");
    else if (k === "parent") {
      const v = w.value("parent");
      setParent(w, spec, "parent", classidWord(v, "parent"));
    } else if (matches(k, "estimator")) estimatorWords(w, spec);
    else {
      spec.kind = k;
      break;
    }
  }
  const kind = spec.kind as string | undefined;
  if (kind === "htb") htbClass(w, spec);
  else if (kind !== undefined && !classKindOptions(w, spec, kind)) bareKind(w, "class", kind);
  if (spec.index === undefined) throw w.required('"dev"');
  if (spec.classid === undefined) throw w.required('"classid"');
  if (action !== "del" && kind === undefined) throw w.required("the class kind");
  return inv("tclass", action, spec);
}

/** `tc class show dev DEV [ root | parent P ] [ classid C ] [ qdisc Q ]`. */
function classShow(w: Words): Invocation {
  const spec: Spec = {};
  const select: TcSelect = {};
  while (!w.done) {
    const k = w.next();
    if (k === "dev") dev(w, spec, k);
    else if (k === "qdisc") {
      select.qdisc = parseParent(qdiscHandle(w.value("qdisc"), "qdisc"), "qdisc");
    } else if (k === "classid") select.classid = parseParent(w.value("classid"), "classid");
    else if (k === "root") {
      if (select.parent !== undefined) throw new UsageError(`Error: "root" is duplicate parent ID`);
      select.parent = TC_H.ROOT;
    } else if (k === "parent") {
      select.parent = parseParent(w.value("parent"), "parent");
    } else throw w.garbage(k);
  }
  if (spec.index === undefined) throw w.required('"dev"');
  return inv("tclass", "show", spec, { tc: select });
}

/** A filter's parent words (`root`, `ingress`, `egress`, `parent P`); true when `k` was one. */
function filterParent(w: Words, spec: Spec, k: string): boolean {
  if (k === "root" || k === "ingress" || k === "egress") setParent(w, spec, k, k);
  else if (k === "parent") setParent(w, spec, k, classidWord(w.value("parent"), "parent"));
  else return false;
  return true;
}

/** `pref|priority N`, `protocol P`, `chain N` (matches()); true when `k` was one. */
function filterIdentity(w: Words, spec: Spec, k: string): boolean {
  if (matches(k, "preference") || matches(k, "priority")) {
    spec.prio = integer(w.value(k, "pref"), "pref", 1, 0xffff);
  } else if (matches(k, "protocol")) {
    const v = w.value(k, "protocol");
    parseProtocol(v, "protocol");
    spec.protocol = v;
  } else if (matches(k, "chain")) spec.chain = integer(w.value(k, "chain"), "chain");
  else return false;
  return true;
}

/**
 * `tc filter { add | change | replace | del | get } dev DEV
 * [ root | ingress | egress | parent P ] [ handle H ] [ pref N ] [ protocol P ]
 * [ chain N ] [ KIND [ OPTIONS ] ]`.
 */
function filterModify(w: Words, action: string): Invocation {
  const spec: Spec = {};
  let handle: string | undefined;
  while (!w.done) {
    const k = w.next();
    if (k === "dev") dev(w, spec, k);
    else if (k === "handle") handle = w.value("handle");
    else if (filterParent(w, spec, k) || filterIdentity(w, spec, k)) continue;
    else if (matches(k, "estimator")) {
      throw new UsageError(`"estimator" on a filter is not supported by nlroute.`);
    } else if (k === "block") {
      throw new UsageError(`Shared blocks ("block") are not supported by nlroute.`);
    } else {
      spec.kind = k;
      break;
    }
  }
  const kind = spec.kind as string | undefined;
  if (handle !== undefined && kind === undefined) {
    throw new UsageError(`Must specify filter type when using "handle" in "${w.where}".`);
  }
  if (kind !== undefined) filterKindOptions(w, spec, kind, handle, action);
  if (spec.index === undefined) throw w.required('"dev"');
  if ((action === "add" || action === "replace" || action === "change") && kind === undefined) {
    throw w.required("the filter kind");
  }
  if (action === "get") {
    const needed: [string, string][] = [["parent", "parent"], ["protocol", "protocol"], [
      "prio",
      "pref",
    ]];
    for (const [key, what] of needed) {
      if (spec[key] === undefined) throw w.required(`"${what}"`);
    }
    if (kind === undefined || spec.handle === undefined) throw w.required('the kind and "handle"');
  }
  return inv("tfilter", action, spec);
}

/** `tc filter show dev DEV [ root | ingress | egress | parent P ] [ pref N ] [ protocol P ] [ chain N ]`. */
function filterShow(w: Words): Invocation {
  const spec: Spec = {};
  while (!w.done) {
    const k = w.next();
    if (k === "dev") dev(w, spec, k);
    else if (filterParent(w, spec, k) || filterIdentity(w, spec, k)) continue;
    else throw w.garbage(k);
  }
  if (spec.index === undefined) throw w.required('"dev"');
  const select: TcSelect = {};
  if (spec.parent !== undefined) select.parent = parseParent(spec.parent, "parent");
  if (spec.prio !== undefined) select.prio = spec.prio as number;
  if (spec.protocol !== undefined) select.protocol = parseProtocol(spec.protocol, "protocol");
  if (spec.chain !== undefined) select.chain = spec.chain as number;
  return inv("tfilter", "show", spec, { tc: select });
}

/** Parses the words after `tc qdisc ACTION`. */
export function parseQdisc(w: Words, action: string, _family: Family): Invocation {
  return action === "show" ? qdiscShow(w) : qdiscModify(w, action);
}

/** Parses the words after `tc class ACTION`. */
export function parseClass(w: Words, action: string, _family: Family): Invocation {
  return action === "show" ? classShow(w) : classModify(w, action);
}

/** Parses the words after `tc filter ACTION`. */
export function parseFilter(w: Words, action: string, _family: Family): Invocation {
  return action === "show" ? filterShow(w) : filterModify(w, action);
}
