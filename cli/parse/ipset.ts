/**
 * `nlroute ipset …`: ipset(8)'s common grammar — `create SETNAME TYPENAME
 * [options]`, `add|del|test SETNAME ENTRY [options]`, `destroy [SETNAME]`,
 * `flush [SETNAME]`, `rename FROM TO`, `swap A B`, `list [SETNAME]`, `save
 * [SETNAME]` — with ipset's switches (`-exist`, `-name`, `-terse`,
 * `-output plain|save`, `-quiet`) taken anywhere but in a value's place, as
 * ipset takes them. Commands may be abbreviated as ipset allows (`l` is
 * list, `n` is create). The entry stays text here: its form follows the
 * set's type, which the runner asks the kernel for (cli/run/ipset.ts).
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import {
  IPSET_TYPES,
  type IPSetCreateOptions,
  type IPSetType,
} from "../../netfilter/ipset_request.ts";
import { UsageError } from "../errors.ts";
import { inv, type Invocation } from "./invocation.ts";

/** An ipset command (ipset's names). */
export type IpsetCommand =
  | "create"
  | "add"
  | "del"
  | "test"
  | "destroy"
  | "flush"
  | "rename"
  | "swap"
  | "list"
  | "save";

/** The add/del/test options as typed on the command line (numbers parsed, the rest as text). */
export interface IpsetEntryOptions {
  /** `timeout N`. */
  timeout?: number;
  /** `comment TEXT`. */
  comment?: string;
  /** `packets N`. */
  packets?: bigint;
  /** `bytes N`. */
  bytes?: bigint;
  /** `skbmark MARK[/MASK]`. */
  skbmark?: { mark: number; mask: number };
  /** `skbprio MAJOR:MINOR`. */
  skbprio?: string;
  /** `skbqueue N`. */
  skbqueue?: number;
  /** `nomatch`. */
  nomatch?: boolean;
}

/** What `nlroute ipset` was asked. */
export interface IpsetArgs {
  /** The command. */
  command: IpsetCommand;
  /** The set (absent: every set, for destroy, flush, list, save). */
  set?: string;
  /** rename's new name, swap's second set. */
  set2?: string;
  /** create's type. */
  type?: IPSetType;
  /** create's options (without `exist`). */
  create?: IPSetCreateOptions;
  /** add/del/test's entry, as typed. */
  entry?: string;
  /** add/del/test's options. */
  entryOptions?: IpsetEntryOptions;
  /** `-exist`. */
  exist: boolean;
  /** list's form: plain, save (`-output save`, or `save`), names (`-name`), headers (`-terse`). */
  listMode: "plain" | "save" | "name" | "terse";
  /** `-quiet`: no messages (test's "is in set"). */
  quiet: boolean;
  /** `-j` after `ipset` (nlroute's global `-j` taken there too: ipset has none). */
  json: boolean;
}

/** ipset.c's commands in its order (a word names the first it is a prefix of). */
const COMMANDS: readonly [string, IpsetCommand | "help" | null][] = [
  ["create", "create"],
  ["n", "create"],
  ["add", "add"],
  ["del", "del"],
  ["test", "test"],
  ["destroy", "destroy"],
  ["x", "destroy"],
  ["list", "list"],
  ["save", "save"],
  ["restore", null],
  ["flush", "flush"],
  ["rename", "rename"],
  ["e", "rename"],
  ["swap", "swap"],
  ["w", "swap"],
  ["help", "help"],
  ["version", null],
];

/** The single-letter commands are compared whole (ipset's `n`, `x`, `e`, `w`). */
function commandOf(word: string): IpsetCommand | "help" {
  const entry = COMMANDS.find(([w]) => w.length === 1 ? word === w : w.startsWith(word));
  if (!entry || word === "") {
    throw new UsageError(`Command "${word}" is unknown, try "nlroute ipset help".`);
  }
  if (entry[1] === null) {
    throw new UsageError(`Command "ipset ${entry[0]}" is not supported by nlroute.`);
  }
  return entry[1];
}

/** ipset's switches: the name and whether it takes a value. */
const SWITCHES: readonly [string, string, boolean][] = [
  ["-exist", "exist", false],
  ["-name", "name", false],
  ["-terse", "terse", false],
  ["-output", "output", true],
  ["-quiet", "quiet", false],
  ["-sorted", "sorted", false],
  ["-resolve", "resolve", false],
  ["-file", "file", true],
];

function switchOf(word: string): [string, boolean] {
  const bare = word.startsWith("--") ? word.slice(1) : word;
  if (bare.length >= 2) {
    const short = bare.length === 2 ? SWITCHES.find(([w]) => w[1] === bare[1]) : undefined;
    const found = short ?? SWITCHES.find(([w]) => w.startsWith(bare) && bare.length > 2);
    if (found) return [found[1], found[2]];
  }
  throw new UsageError(`Option "${word}" is unknown, try "nlroute ipset help".`);
}

function uint(word: string | undefined, name: string, max = 0xffffffff): number {
  if (word === undefined) throw new UsageError(`"${name}" needs a value.`);
  const n = /^(0x[0-9a-f]+|\d+)$/i.test(word) ? Number(word) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw new ArgumentError(name, `an integer from 0 to ${max}`, word, "argument");
  }
  return n;
}

function counter(word: string | undefined, name: string): bigint {
  if (word === undefined) throw new UsageError(`"${name}" needs a value.`);
  if (!/^\d{1,20}$/.test(word) || BigInt(word) > 0xffffffffffffffffn) {
    throw new ArgumentError(name, "a counter (a non-negative integer)", word, "argument");
  }
  return BigInt(word);
}

function hexU32(word: string, name: string): number {
  const n = /^0x[0-9a-f]{1,8}$/i.test(word) || /^\d{1,10}$/.test(word) ? Number(word) : NaN;
  if (!Number.isInteger(n) || n > 0xffffffff) {
    throw new ArgumentError(
      name,
      "MARK or MARK/MASK (32-bit numbers, hex with 0x)",
      word,
      "argument",
    );
  }
  return n;
}

/**
 * Parses the words after `ipset` into an {@link Invocation} (`object`
 * `"ipset"`, the command as its action, {@link IpsetArgs} in
 * `extras.ipset`).
 */
export function parseIpset(words: readonly string[]): Invocation {
  const positional: string[] = [];
  let exist = false;
  let listMode: IpsetArgs["listMode"] = "plain";
  let quiet = false;
  let json = false;
  let command: IpsetCommand | undefined;
  // Keywords of add/create whose next word is a value (never a switch).
  const valued = new Set([
    "timeout",
    "comment",
    "packets",
    "bytes",
    "skbmark",
    "skbprio",
    "skbqueue",
    "family",
    "hashsize",
    "maxelem",
    "range",
    "size",
  ]);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === "-j" || w === "-json" || w === "--json") {
      json = true;
      continue;
    }
    if (w.startsWith("-") && w.length > 1 && !/^-\d/.test(w)) {
      const [name, takes] = switchOf(w);
      const value = takes ? words[++i] : undefined;
      if (takes && value === undefined) throw new UsageError(`Option "${w}" needs a value.`);
      if (name === "exist") exist = true;
      else if (name === "name") listMode = "name";
      else if (name === "terse") listMode = "terse";
      else if (name === "quiet") quiet = true;
      else if (name === "output") {
        if (value !== "plain" && value !== "save") {
          throw new ArgumentError(
            "-output",
            "plain or save (xml is not supported)",
            value,
            "argument",
          );
        }
        if (value === "save") listMode = "save";
      } else throw new UsageError(`Option "${w}" (ipset's -${name}) is not supported by nlroute.`);
      continue;
    }
    if (command === undefined) {
      const c = commandOf(w);
      if (c === "help") return inv("help", "help", {}, { topic: "ipset" });
      command = c;
      continue;
    }
    positional.push(w);
    const takesValue = valued.has(w) && !(command === "create" && w === "comment");
    if (takesValue && i + 1 < words.length) positional.push(words[++i]!);
  }
  if (command === undefined) {
    throw new UsageError(`"ipset" needs a command, try "nlroute ipset help".`);
  }
  const args: IpsetArgs = { command, exist, listMode, quiet, json };
  const need = (n: number, what: string) => {
    if (positional.length < n) throw new UsageError(`"ipset ${command}" needs ${what}.`);
  };
  const noMore = (n: number) => {
    if (positional.length > n) {
      throw new UsageError(`Unknown argument "${positional[n]}" in "ipset ${command}".`);
    }
  };
  switch (command) {
    case "destroy":
    case "flush":
    case "list":
    case "save":
      noMore(1);
      if (positional[0] !== undefined) args.set = positional[0];
      if (command === "save") args.listMode = "save";
      break;
    case "rename":
    case "swap":
      need(2, "two set names");
      noMore(2);
      args.set = positional[0]!;
      args.set2 = positional[1]!;
      break;
    case "create": {
      need(2, "a set name and a type");
      args.set = positional[0]!;
      const t = positional[1]!;
      if (!(IPSET_TYPES as readonly string[]).includes(t)) {
        throw new ArgumentError(
          "TYPENAME",
          `a set type nlroute creates (${IPSET_TYPES.join(", ")})`,
          t,
          "argument",
        );
      }
      args.type = t as IPSetType;
      args.create = createOptions(positional.slice(2));
      break;
    }
    case "add":
    case "del":
    case "test":
      need(2, "a set name and an entry");
      args.set = positional[0]!;
      args.entry = positional[1]!;
      args.entryOptions = entryOptions(command, positional.slice(2));
      break;
  }
  return inv("ipset", command, {}, { ipset: args });
}

function createOptions(words: string[]): IPSetCreateOptions {
  const o: IPSetCreateOptions = {};
  const seen = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (seen.has(w)) throw new UsageError(`"${w}" is given twice in "ipset create".`);
    seen.add(w);
    const v = words[i + 1];
    switch (w) {
      case "family":
        if (v !== "inet" && v !== "inet6") {
          throw new ArgumentError("family", "inet or inet6", v, "argument");
        }
        o.family = v;
        i++;
        break;
      case "hashsize":
      case "maxelem":
      case "size":
      case "timeout":
        o[w] = uint(v, w);
        i++;
        break;
      case "range": {
        const m = v === undefined ? null : /^(\d+)-(\d+)$/.exec(v);
        if (!m) throw new ArgumentError("range", "FROMPORT-TOPORT", v, "argument");
        o.range = { from: uint(m[1], "range", 0xffff), to: uint(m[2], "range", 0xffff) };
        i++;
        break;
      }
      case "counters":
      case "comment":
      case "skbinfo":
      case "forceadd":
        o[w] = true;
        break;
      default:
        throw new UsageError(`Unknown argument "${w}" in "ipset create".`);
    }
  }
  return o;
}

function entryOptions(command: string, words: string[]): IpsetEntryOptions {
  const o: IpsetEntryOptions = {};
  const seen = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (seen.has(w)) throw new UsageError(`"${w}" is given twice in "ipset ${command}".`);
    seen.add(w);
    const v = words[i + 1];
    if (w === "nomatch") {
      o.nomatch = true;
      continue;
    }
    if (command !== "add") {
      throw new UsageError(`Unknown argument "${w}" in "ipset ${command}".`);
    }
    i++;
    switch (w) {
      case "timeout":
        o.timeout = uint(v, w, 0x7fffffff);
        break;
      case "comment":
        if (v === undefined) throw new UsageError(`"comment" needs a value.`);
        o.comment = v;
        break;
      case "packets":
      case "bytes":
        o[w] = counter(v, w);
        break;
      case "skbmark": {
        if (v === undefined) throw new UsageError(`"skbmark" needs a value.`);
        const [mark, mask] = v.split("/");
        o.skbmark = {
          mark: hexU32(mark!, "skbmark"),
          mask: mask === undefined ? 0xffffffff : hexU32(mask, "skbmark"),
        };
        break;
      }
      case "skbprio":
        if (v === undefined) throw new UsageError(`"skbprio" needs a value.`);
        o.skbprio = v;
        break;
      case "skbqueue":
        o.skbqueue = uint(v, w, 0xffff);
        break;
      default:
        throw new UsageError(`Unknown argument "${w}" in "ipset ${command}".`);
    }
  }
  return o;
}
