/**
 * Command-line parsing for `nlroute`: the global options in `ip`'s habits
 * (`-j`, `-br`, `-n NS`, `-4`/`-6`, `-c`, …) through `node:util` parseArgs, and
 * `ip`'s keyword grammar for each object (`link set dev v0 mtu 1400 up`,
 * `route add 10.1.0.0/16 via 10.0.0.2 dev v0 table 100`, …) into an
 * {@link Invocation}: what to run and the IPRoute spec to run it with.
 *
 * Every problem is a one-line error: {@link UsageError} for the command line
 * itself, `ArgumentError` (context `argument`) for a value.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ArgumentError } from "../core/errors.ts";
import { AF_INET, AF_INET6, parseIP, parseMAC, parsePrefix } from "../core/address.ts";
import { kindSet } from "../iproute/link/data.ts";
import { nudState } from "../iproute/neigh/request.ts";
import { ROUTE_PROTOCOLS, SCOPES, TABLES } from "../iproute/names.ts";

/** A plain object of IPRoute arguments. */
export type Spec = Record<string, unknown>;

/**
 * The command line is wrong (unknown object, command or keyword, a missing
 * value). Its message is one line; the command exits with {@link exitCode}.
 *
 * @example
 * ```ts
 * import { UsageError } from "./args.ts";
 * const e = new UsageError('Object "foo" is unknown, try "nlroute help".');
 * e.exitCode; // 1
 * ```
 */
export class UsageError extends Error {
  /** Process exit code for this error. */
  readonly exitCode: number;

  /** A usage error with its one-line message and exit code (default 1). */
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "UsageError";
    this.exitCode = exitCode;
  }
}

/** When to colour the output. */
export type ColorMode = "auto" | "always" | "never";

/** The global options (those before the object, as with `ip`). */
export interface GlobalOptions {
  /** `-j`: JSON output. */
  json: boolean;
  /** `-p`: pretty JSON. */
  pretty: boolean;
  /** `-br`: brief output, one line per object. */
  brief: boolean;
  /** `-o`: each object on one line (newlines become `\`). */
  oneline: boolean;
  /** `-n NS`: run inside this network namespace. */
  netns: string | undefined;
  /** `-4` / `-6` / `-f inet|inet6`: address family (0 for both). */
  family: 0 | 2 | 10;
  /** `-c[=WHEN]` / `--color[=WHEN]`. */
  color: ColorMode;
  /** `-d`: details (link kinds). */
  details: boolean;
  /** `--debug`: stack traces on errors. */
  debug: boolean;
  /** `-h` / `--help`. */
  help: boolean;
  /** `-V` / `--version`. */
  version: boolean;
}

/**
 * The objects nlroute knows, in the order abbreviations are matched (as ip
 * does: `a` is address, `r` route, `n` neighbour, `l` link).
 *
 * @example
 * ```ts
 * import { OBJECTS } from "./args.ts";
 * OBJECTS.find((o) => o.startsWith("r")); // "route"
 * ```
 */
export const OBJECTS = [
  "address",
  "route",
  "rule",
  "neighbour",
  "neighbor",
  "link",
  "monitor",
  "netns",
  "nexthop",
  "help",
] as const;

/** Canonical object names. */
export type ObjectName =
  | "link"
  | "addr"
  | "route"
  | "neigh"
  | "rule"
  | "nexthop"
  | "netns"
  | "monitor"
  | "help";

/** Extra switches of a command that are not IPRoute arguments. */
export interface Extras {
  /** link/addr show: only links that are up. */
  up?: boolean;
  /** link set: move the link to this namespace (a name, a path or a pid). */
  netns?: string;
  /** link add (veth): create the peer in this namespace. */
  peerNetns?: string;
  /** link add (vxlan): the underlying device, by name (resolved before sending). */
  kindDev?: string;
  /** neigh show: NUD states to show (a mask; 0x100 means entries in state none). */
  nud?: number;
  /** neigh show: proxy entries. */
  proxy?: boolean;
  /** monitor: prefix each line with the object (`[LINK]`). */
  label?: boolean;
  /** monitor: the objects to listen to. */
  groups?: string[];
  /** netns add/del: the namespace name. */
  name?: string;
  /** route show: every table (`table all`). */
  allTables?: boolean;
  /** help: the topic. */
  topic?: string;
}

/**
 * One parsed command: the object, the action, the IPRoute spec (a request or a
 * dump filter), the fields `ip` would not print because the command filters on
 * them, and the extra switches.
 */
export interface Invocation {
  /** The object (`link`, `addr`, …). */
  object: ObjectName;
  /** The action (`show`, `add`, `del`, `set`, …). */
  action: string;
  /** IPRoute arguments (request spec or dump filter). */
  spec: Spec;
  /** Fields left out of the output because the command selects on them (`dev`, `table`, …). */
  hide: Set<string>;
  /** Switches that are not IPRoute arguments. */
  extras: Extras;
}

// -- global options ----------------------------------------------------------

/** ip's single-dash long options, spelled for parseArgs. */
const LONG_ALIASES: Record<string, string> = {
  "-br": "--brief",
  "-brief": "--brief",
  "-json": "--json",
  "-pretty": "--pretty",
  "-oneline": "--oneline",
  "-netns": "--netns",
  "-family": "--family",
  "-details": "--details",
  "-Version": "--version",
  "-version": "--version",
  "-help": "--help",
  "-debug": "--debug",
};

const TAKES_VALUE = new Set(["-n", "--netns", "-netns", "-f", "--family", "-family"]);

const PARSE_OPTIONS = {
  json: { type: "boolean", short: "j" },
  pretty: { type: "boolean", short: "p" },
  brief: { type: "boolean" },
  oneline: { type: "boolean", short: "o" },
  netns: { type: "string", short: "n" },
  family: { type: "string", short: "f" },
  ipv4: { type: "boolean", short: "4" },
  ipv6: { type: "boolean", short: "6" },
  color: { type: "string" },
  details: { type: "boolean", short: "d" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "V" },
} as const;

/** Rewrites one option token of ip's spelling into parseArgs' spelling. */
function normaliseOption(tok: string): string {
  const alias = LONG_ALIASES[tok];
  if (alias) return alias;
  const color = /^--?(?:c|colou?r)(?:=(.*))?$/.exec(tok);
  if (color) return `--color=${color[1] ?? "always"}`;
  return tok;
}

/**
 * Splits argv into the global options (parsed) and the words of the command.
 * Options come first, as with `ip`; `-h`/`--help` is also accepted anywhere.
 *
 * @example
 * ```ts
 * import { parseGlobal } from "./args.ts";
 * const { options, words } = parseGlobal(["-n", "blue", "-br", "link", "show"]);
 * options.netns; // "blue"
 * options.brief; // true
 * words; // ["link", "show"]
 * ```
 */
export function parseGlobal(argv: readonly string[]): { options: GlobalOptions; words: string[] } {
  let i = 0;
  const opts: string[] = [];
  while (i < argv.length) {
    const tok = argv[i]!;
    if (!tok.startsWith("-") || tok === "-") break;
    if (tok === "--") {
      i++;
      break;
    }
    opts.push(normaliseOption(tok));
    i++;
    if (TAKES_VALUE.has(tok) && i < argv.length) opts.push(argv[i++]!);
  }
  let values;
  try {
    ({ values } = parseArgs({ args: opts, options: PARSE_OPTIONS, strict: true }));
  } catch (e) {
    throw new UsageError(parseArgsMessage(e));
  }
  const words = argv.slice(i);
  let help = values.help === true;
  // --help after the object asks for that object's (or command's) help.
  const at = words.findIndex((w) => w === "-h" || w === "--help" || w === "-help");
  if (at >= 0) {
    words.splice(at);
    help = true;
  }
  let family: 0 | 2 | 10 = 0;
  if (values.family !== undefined) {
    const f = { inet: 2, "4": 2, ipv4: 2, inet6: 10, "6": 10, ipv6: 10 }[values.family];
    if (f === undefined) {
      throw new ArgumentError("family", "inet or inet6", values.family, "argument");
    }
    family = f as 2 | 10;
  }
  if (values.ipv4) family = 2;
  if (values.ipv6) family = values.ipv4 ? 0 : 10;
  const color = values.color ?? "auto";
  if (color !== "auto" && color !== "always" && color !== "never") {
    throw new ArgumentError("color", "always, auto or never", color, "argument");
  }
  if (values.netns !== undefined && values.netns === "") {
    throw new ArgumentError("netns", "a namespace name", values.netns, "argument");
  }
  return {
    options: {
      json: values.json === true,
      pretty: values.pretty === true,
      brief: values.brief === true,
      oneline: values.oneline === true,
      netns: values.netns,
      family,
      color,
      details: values.details === true,
      debug: values.debug === true,
      help,
      version: values.version === true,
    },
    words,
  };
}

/** One line for a parseArgs error, in ip's words. */
function parseArgsMessage(e: unknown): string {
  const err = e as { code?: string; message?: string };
  const m = /'([^']+)'/.exec(err.message ?? "");
  if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && m) {
    return `Option "${m[1]}" is unknown, try "nlroute --help".`;
  }
  if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const opt = /(--[a-z]+)/.exec(err.message ?? "")?.[1] ?? "option";
    return `Option "${opt}" needs a value, try "nlroute --help".`;
  }
  return `${err.message ?? String(e)}, try "nlroute --help".`;
}

// -- words -------------------------------------------------------------------

/**
 * A cursor over the words of one command, with one-line errors that name the
 * command.
 */
class Words {
  readonly #words: readonly string[];
  #i = 0;
  /** The command, for messages (`link set`). */
  readonly where: string;
  /** The object, for the help hint. */
  readonly object: string;
  readonly #seen = new Set<string>();
  /** Prefix of the keys seen (`peer.` while reading a veth peer's options). */
  scope = "";

  constructor(words: readonly string[], object: string, action: string) {
    this.#words = words;
    this.object = object;
    this.where = `${object} ${action}`;
  }

  get done(): boolean {
    return this.#i >= this.#words.length;
  }

  peek(): string | undefined {
    return this.#words[this.#i];
  }

  next(): string {
    const w = this.#words[this.#i++];
    if (w === undefined) throw this.incomplete();
    return w;
  }

  /** The value after `keyword`; refuses a keyword given twice. */
  value(keyword: string, key = keyword): string {
    this.once(keyword, key);
    const w = this.#words[this.#i++];
    if (w === undefined) {
      throw new UsageError(`argument "${keyword}" needs a value in "${this.where}".`);
    }
    return w;
  }

  /** Marks a switch seen (no value); refuses it twice. */
  once(keyword: string, key = keyword): void {
    const scoped = this.scope + key;
    if (this.#seen.has(scoped)) {
      throw new UsageError(`argument "${keyword}" is given twice in "${this.where}".`);
    }
    this.#seen.add(scoped);
  }

  incomplete(): UsageError {
    return new UsageError(
      `Command line is not complete for "${this.where}", try "nlroute ${this.object} help".`,
    );
  }

  garbage(word: string): UsageError {
    return new UsageError(
      `Unknown argument "${word}" for "${this.where}", try "nlroute ${this.object} help".`,
    );
  }
}

// -- values ------------------------------------------------------------------

/**
 * An integer (decimal or 0x hex) within bounds; the error names the keyword.
 *
 * @example
 * ```ts
 * import { integer } from "./args.ts";
 * integer("1400", "mtu", 68, 0xffffffff); // 1400
 * integer("abc", "mtu", 68, 0xffffffff); // throws: argument "mtu": expected an integer from 68 to 4294967295, got "abc"
 * ```
 */
export function integer(word: string, keyword: string, lo = 0, hi = 0xffffffff): number {
  const n = /^(0x[0-9a-f]+|\d+)$/i.test(word) ? Number(word) : NaN;
  if (!Number.isSafeInteger(n) || n < lo || n > hi) {
    throw new ArgumentError(keyword, `an integer from ${lo} to ${hi}`, word, "argument");
  }
  return n;
}

function ipAddress(word: string, keyword: string): string {
  if (!parseIP(word)) throw new ArgumentError(keyword, "an IPv4 or IPv6 address", word, "argument");
  return word;
}

function ipPrefix(word: string, keyword: string): string {
  try {
    const p = parsePrefix(word, keyword);
    return word.includes("/") ? `${p.address}/${p.prefixlen}` : p.address;
  } catch {
    throw new ArgumentError(
      keyword,
      'an address or a prefix such as "10.0.0.0/24"',
      word,
      "argument",
    );
  }
}

function familyOf(word: string): number {
  return word.includes(":") ? AF_INET6 : AF_INET;
}

function macAddress(word: string, keyword: string): string {
  if (!parseMAC(word)) {
    throw new ArgumentError(
      keyword,
      'a link-layer address such as "02:00:00:00:00:01"',
      word,
      "argument",
    );
  }
  return word.toLowerCase();
}

function tableValue(word: string, keyword: string): number {
  try {
    return TABLES.value(word, keyword, 0xffffffff);
  } catch {
    throw new ArgumentError(
      keyword,
      "a table name (main, local, default) or number",
      word,
      "argument",
    );
  }
}

function protocolValue(word: string, keyword: string): number {
  try {
    return ROUTE_PROTOCOLS.value(word, keyword);
  } catch {
    throw new ArgumentError(
      keyword,
      "a protocol name (kernel, boot, static, dhcp, bgp, …) or 0..255",
      word,
      "argument",
    );
  }
}

function scopeValue(word: string, keyword: string): number {
  try {
    return SCOPES.value(word, keyword);
  } catch {
    throw new ArgumentError(keyword, "global, site, link, host or 0..255", word, "argument");
  }
}

function ifnameValue(word: string, keyword: string): string {
  if (word === "" || word.length > 15 || /[/\s:]/.test(word) || word === "." || word === "..") {
    throw new ArgumentError(
      keyword,
      "an interface name of 1 to 15 bytes without '/', ':' or spaces",
      word,
      "argument",
    );
  }
  return word;
}

const ROUTE_TYPE_WORDS = [
  "unicast",
  "local",
  "broadcast",
  "anycast",
  "multicast",
  "blackhole",
  "unreachable",
  "prohibit",
  "throw",
  "nat",
];

/** NUD state names as `ip neigh` accepts them. */
const NUD_WORDS = [
  "permanent",
  "noarp",
  "reachable",
  "stale",
  "none",
  "incomplete",
  "delay",
  "probe",
  "failed",
];

const IP_PROTOS: Record<string, number> = {
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  "ipv6-icmp": 58,
  icmpv6: 58,
  sctp: 132,
  udplite: 136,
};

/** Matches a word against names in order, accepting unique-enough prefixes as ip does. */
function match(word: string, names: readonly string[]): string | undefined {
  if (names.includes(word)) return word;
  return names.find((n) => n.startsWith(word));
}

// -- objects -----------------------------------------------------------------

const OBJECT_NAMES: Record<string, ObjectName> = {
  address: "addr",
  route: "route",
  rule: "rule",
  neighbour: "neigh",
  neighbor: "neigh",
  link: "link",
  monitor: "monitor",
  netns: "netns",
  nexthop: "nexthop",
  help: "help",
};

/** Actions per object, in the order abbreviations are matched; the first is the default. */
const ACTIONS: Record<Exclude<ObjectName, "help">, readonly string[]> = {
  link: ["show", "list", "lst", "add", "set", "change", "delete", "help"],
  addr: ["show", "list", "lst", "add", "change", "replace", "delete", "flush", "help"],
  route: [
    "show",
    "list",
    "lst",
    "add",
    "change",
    "replace",
    "append",
    "delete",
    "get",
    "flush",
    "help",
  ],
  neigh: ["show", "list", "lst", "add", "change", "replace", "delete", "help"],
  rule: ["show", "list", "lst", "add", "delete", "help"],
  nexthop: ["show", "list", "lst", "add", "replace", "delete", "get", "help"],
  netns: ["list", "show", "add", "delete", "help"],
  monitor: [],
};

/** ip's spelling of each action (`list` → `show`, `delete` → `del`). */
const ACTION_CANON: Record<string, string> = {
  list: "show",
  lst: "show",
  delete: "del",
  change: "change",
};

/**
 * Parses the words after the global options into an {@link Invocation}.
 * `family` is the global `-4`/`-6` choice (some objects default to IPv4, as
 * with ip).
 *
 * @example
 * ```ts
 * import { parseCommand } from "./args.ts";
 * const inv = parseCommand(["link", "set", "dev", "v0", "mtu", "1400", "up"], 0);
 * inv.action; // "set"
 * inv.spec; // { index: "v0", mtu: 1400, state: "up" }
 * ```
 */
export function parseCommand(words: readonly string[], family: 0 | 2 | 10): Invocation {
  if (words.length === 0) return inv("help", "help", {}, { topic: "" });
  const first = words[0]!;
  const objectWord = match(first, OBJECTS);
  if (!objectWord) throw new UsageError(`Object "${first}" is unknown, try "nlroute help".`);
  const object = OBJECT_NAMES[objectWord]!;
  if (object === "help") return inv("help", "help", {}, { topic: words[1] ?? "" });
  if (object === "monitor") return parseMonitor(words.slice(1), family);
  const actions = ACTIONS[object];
  let rest = words.slice(1);
  let action = actions[0]!;
  if (rest.length > 0) {
    const m = match(rest[0]!, actions);
    if (m) {
      action = m;
      rest = rest.slice(1);
    } else {
      throw new UsageError(
        `Command "${rest[0]}" is unknown, try "nlroute ${objectLabel(object)} help".`,
      );
    }
  }
  action = ACTION_CANON[action] ?? action;
  if (action === "help") return inv("help", "help", {}, { topic: objectLabel(object) });
  const w = new Words(rest, objectLabel(object), action);
  switch (object) {
    case "link":
      return parseLink(w, action);
    case "addr":
      return parseAddr(w, action, family);
    case "route":
      return parseRoute(w, action, family);
    case "neigh":
      return parseNeigh(w, action, family);
    case "rule":
      return parseRule(w, action, family);
    case "nexthop":
      return parseNexthop(w, action, family);
    case "netns":
      return parseNetns(w, action);
  }
}

/**
 * The help topic for `--help` after some words (`link add --help` → `link`),
 * without parsing the rest: help never fails on an incomplete command.
 *
 * @example
 * ```ts
 * import { helpTopic } from "./args.ts";
 * helpTopic(["r", "add"]); // "route"
 * helpTopic([]); // ""
 * ```
 */
export function helpTopic(words: readonly string[]): string {
  const first = words[0];
  if (first === undefined) return "";
  const objectWord = match(first, OBJECTS);
  if (!objectWord) throw new UsageError(`Object "${first}" is unknown, try "nlroute help".`);
  const object = OBJECT_NAMES[objectWord]!;
  return object === "help" ? words[1] ?? "" : objectLabel(object);
}

/**
 * The word users type for an object (`addr` → `address`).
 *
 * @example
 * ```ts
 * import { objectLabel } from "./args.ts";
 * objectLabel("addr"); // "address"
 * ```
 */
export function objectLabel(object: ObjectName): string {
  return object === "addr" ? "address" : object;
}

function inv(
  object: ObjectName,
  action: string,
  spec: Spec,
  extras: Extras = {},
  hide: Iterable<string> = [],
): Invocation {
  return { object, action, spec, extras, hide: new Set(hide) };
}

function withFamily(spec: Spec, family: number): Spec {
  if (family) spec.family = family;
  return spec;
}

// -- link --------------------------------------------------------------------

const LINK_COMMON: Record<string, (w: Words, spec: Spec, keyword: string) => void> = {
  mtu: (w, s, k) => (s.mtu = integer(w.value(k), k, 68, 0xffffffff)),
  address: (w, s, k) => (s.address = macAddress(w.value(k), k)),
  broadcast: (w, s, k) => (s.broadcast = macAddress(w.value(k, "broadcast"), k)),
  brd: (w, s, k) => (s.broadcast = macAddress(w.value(k, "broadcast"), k)),
  txqlen: (w, s, k) => (s.txqlen = integer(w.value(k, "txqlen"), k)),
  txqueuelen: (w, s, k) => (s.txqlen = integer(w.value(k, "txqlen"), k)),
  qlen: (w, s, k) => (s.txqlen = integer(w.value(k, "txqlen"), k)),
  master: (w, s, k) => (s.master = ifnameValue(w.value(k), k)),
  alias: (w, s, k) => (s.ifalias = w.value(k)),
  group: (w, s, k) => (s.group = integer(w.value(k), k)),
  numtxqueues: (w, s, k) => (s.numTxQueues = integer(w.value(k), k, 1, 4096)),
  numrxqueues: (w, s, k) => (s.numRxQueues = integer(w.value(k), k, 1, 4096)),
  up: (w, s, k) => (w.once(k, "state"), s.state = "up"),
  down: (w, s, k) => (w.once(k, "state"), s.state = "down"),
};

function parseLink(w: Words, action: string): Invocation {
  const spec: Spec = {};
  if (action === "show") {
    const extras: Extras = {};
    while (!w.done) {
      const k = w.next();
      if (k === "dev" || k === "name") spec.ifname = ifnameValue(w.value("dev"), "dev");
      else if (k === "up") (w.once(k), extras.up = true);
      else if (k === "type") spec.kind = w.value(k);
      else if (k === "master") spec.master = ifnameValue(w.value(k), k);
      else if (k === "group") spec.group = integer(w.value(k), k);
      else if (spec.ifname === undefined) spec.ifname = ifnameValue(k, "dev");
      else throw w.garbage(k);
    }
    return inv("link", "show", spec, extras);
  }
  if (action === "del") {
    while (!w.done) {
      const k = w.next();
      if (k === "dev" || k === "name") spec.index = ifnameValue(w.value("dev"), "dev");
      else if (spec.index === undefined) spec.index = ifnameValue(k, "dev");
      else throw w.garbage(k);
    }
    if (spec.index === undefined) throw w.incomplete();
    return inv("link", "del", spec);
  }
  if (action === "add") return parseLinkAdd(w);
  // set / change
  const extras: Extras = {};
  while (!w.done) {
    const k = w.next();
    const common = LINK_COMMON[k];
    if (common) common(w, spec, k);
    else if (k === "dev") spec.index = ifnameValue(w.value(k), "dev");
    else if (k === "name") spec.ifname = ifnameValue(w.value(k), k);
    else if (k === "nomaster") (w.once(k, "master"), spec.master = 0);
    else if (k === "netns") extras.netns = w.value(k);
    else if (k === "carrier") spec.carrier = onOff(w.value(k), k) ? 1 : 0;
    else if (spec.index === undefined) spec.index = ifnameValue(k, "dev");
    else throw w.garbage(k);
  }
  if (spec.index === undefined) {
    throw new UsageError(`Not enough information: "dev" argument is required for "link set".`);
  }
  if (Object.keys(spec).length === 1 && extras.netns === undefined) {
    throw new UsageError(`Nothing to change for "link set": give up, down, mtu, name, ….`);
  }
  return inv("link", "set", spec, extras);
}

function onOff(word: string, keyword: string): boolean {
  if (word === "on") return true;
  if (word === "off") return false;
  throw new ArgumentError(keyword, "on or off", word, "argument");
}

function parseLinkAdd(w: Words): Invocation {
  const spec: Spec = {};
  const extras: Extras = {};
  while (!w.done) {
    const k = w.next();
    const common = LINK_COMMON[k];
    if (common) common(w, spec, k);
    else if (k === "dev" || k === "name") spec.ifname = ifnameValue(w.value("name"), "name");
    else if (k === "link") spec.link = ifnameValue(w.value(k), k);
    else if (k === "type") {
      spec.kind = w.value(k);
      parseKindArgs(w, spec, extras);
    } else if (spec.ifname === undefined) spec.ifname = ifnameValue(k, "name");
    else throw w.garbage(k);
  }
  if (spec.kind === undefined) {
    throw new UsageError(`Not enough information: "type" argument is required for "link add".`);
  }
  if (spec.ifname === undefined) {
    throw new UsageError(`Not enough information: a name is required for "link add".`);
  }
  return inv("link", "add", spec, extras);
}

/** `snake_case` → `camelCase`. */
function camel(word: string): string {
  return word.replace(/[_-]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const MACVLAN_MODES: Record<string, number> = {
  private: 1,
  vepa: 2,
  bridge: 4,
  passthru: 8,
  source: 16,
};

const BOND_MODES: Record<string, number> = {
  "balance-rr": 0,
  "active-backup": 1,
  "balance-xor": 2,
  broadcast: 3,
  "802.3ad": 4,
  "balance-tlb": 5,
  "balance-alb": 6,
};

/** Kind options: `type veth peer name v1`, `type vlan id 10`, `type vxlan id 42 dstport 4789 …`. */
function parseKindArgs(w: Words, spec: Spec, extras: Extras): void {
  const kind = spec.kind as string;
  if (kind === "veth") {
    if (w.done) return;
    const k = w.next();
    if (k !== "peer") throw w.garbage(k);
    const peer: Spec = {};
    w.scope = "peer.";
    while (!w.done) {
      const p = w.next();
      const common = LINK_COMMON[p];
      if (common && p !== "up" && p !== "down" && p !== "master") common(w, peer, p);
      else if (p === "name" || p === "dev") {
        peer.ifname = ifnameValue(w.value("peer name", "name"), "peer name");
      } else if (p === "netns") extras.peerNetns = w.value("peer netns", "netns");
      else if (peer.ifname === undefined) peer.ifname = ifnameValue(p, "peer name");
      else throw w.garbage(p);
    }
    spec.peer = Object.keys(peer).length === 1 && peer.ifname !== undefined ? peer.ifname : peer;
    return;
  }
  const set = kindSet(kind);
  const data: Spec = {};
  while (!w.done) {
    const k = w.next();
    if (!set) {
      throw new UsageError(
        `Unknown argument "${k}" for "link add type ${kind}": this kind takes no options here.`,
      );
    }
    if (kind === "vxlan" && (k === "dev" || k === "physdev")) {
      extras.kindDev = ifnameValue(w.value(k), k);
      continue;
    }
    if (kind === "vxlan" && (k === "learning" || k === "nolearning")) {
      w.once(k, "learning");
      data.learning = k === "learning" ? 1 : 0;
      continue;
    }
    if ((kind === "macvlan" || kind === "macvtap") && k === "mode") {
      const v = w.value(k);
      const m = MACVLAN_MODES[v];
      if (m === undefined) {
        throw new ArgumentError(k, "private, vepa, bridge, passthru or source", v, "argument");
      }
      data.mode = m;
      continue;
    }
    if (kind === "bond" && k === "mode") {
      const v = w.value(k);
      const m = BOND_MODES[v] ?? (/^\d$/.test(v) ? Number(v) : undefined);
      if (m === undefined || m > 6) {
        throw new ArgumentError(k, Object.keys(BOND_MODES).join(", "), v, "argument");
      }
      data.mode = m;
      continue;
    }
    const alias: Record<string, string> = kind === "vxlan"
      ? { dstport: "port", vni: "id", remote: "remote" }
      : {};
    const name = alias[k] ?? camel(k);
    if (name !== "remote" && !set.byName.has(name)) {
      throw new UsageError(
        `Unknown argument "${k}" for "link add type ${kind}", try "nlroute link help".`,
      );
    }
    const v = w.value(k, name);
    const def = set.byName.get(name);
    const numeric = def !== undefined && /^[us](8|16|32|64)$/.test(def.kind);
    if (name === "protocol" && kind === "vlan") data.protocol = v;
    else if (numeric) {
      data[name] = integer(
        v,
        k,
        0,
        def!.kind.endsWith("8") ? 255 : def!.kind.endsWith("16") ? 0xffff : 0xffffffff,
      );
    } else if (name === "remote" || name === "group" || name === "local") {
      data[name] = ipAddress(v, k);
    } else data[name] = v;
  }
  if (Object.keys(data).length > 0) spec.data = data;
}

// -- addr --------------------------------------------------------------------

const IFA_FLAG_WORDS: Record<string, string> = {
  home: "homeaddress",
  nodad: "nodad",
  mngtmpaddr: "managetempaddr",
  noprefixroute: "noprefixroute",
  autojoin: "mcautojoin",
  optimistic: "optimistic",
};

function lifetime(word: string, keyword: string): number {
  return word === "forever" ? 0xffffffff : integer(word, keyword);
}

function parseAddr(w: Words, action: string, family: 0 | 2 | 10): Invocation {
  const spec: Spec = {};
  if (action === "show" || action === "flush") {
    const extras: Extras = {};
    while (!w.done) {
      const k = w.next();
      if (k === "dev") spec.index = ifnameValue(w.value(k), "dev");
      else if (k === "up") (w.once(k), extras.up = true);
      else if (k === "scope") spec.scope = scopeValue(w.value(k), k);
      else if (k === "label") spec.label = w.value(k);
      else if (k === "to") spec.address = ipPrefix(w.value(k), k);
      else if (spec.index === undefined && action === "show") spec.index = ifnameValue(k, "dev");
      else throw w.garbage(k);
    }
    if (action === "flush" && Object.keys(spec).length === 0) {
      throw new UsageError(`Flush requires arguments, try "nlroute address help".`);
    }
    return inv("addr", action, withFamily(spec, family), extras);
  }
  const flags: string[] = [];
  while (!w.done) {
    const k = w.next();
    if (k === "dev") spec.index = ifnameValue(w.value(k), "dev");
    else if (k === "local") spec.address = ipPrefix(w.value(k, "local"), k);
    else if (k === "peer" || k === "remote") spec.peer = ipPrefix(w.value(k), k);
    else if (k === "broadcast" || k === "brd") {
      const v = w.value(k, "broadcast");
      spec.broadcast = v === "+" ? true : v === "-" ? false : ipAddress(v, k);
    } else if (k === "label") spec.label = w.value(k);
    else if (k === "scope") spec.scope = scopeValue(w.value(k), k);
    else if (k === "metric" || k === "priority") spec.metric = integer(w.value(k, "metric"), k);
    else if (k === "valid_lft") spec.validLifetime = lifetime(w.value(k), k);
    else if (k === "preferred_lft") spec.preferredLifetime = lifetime(w.value(k), k);
    else if (k === "proto") spec.proto = integer(w.value(k), k, 0, 255);
    else if (IFA_FLAG_WORDS[k]) (w.once(k), flags.push(IFA_FLAG_WORDS[k]!));
    else if (spec.address === undefined) spec.address = ipPrefix(k, "local");
    else throw w.garbage(k);
  }
  if (spec.address === undefined) throw w.incomplete();
  if (spec.index === undefined) {
    throw new UsageError(
      `Not enough information: "dev" argument is required for "address ${action}".`,
    );
  }
  if (flags.length) spec.flags = flags;
  if (spec.peer !== undefined) {
    // ip's peer: IFA_LOCAL is the address, IFA_ADDRESS the peer (with the prefix length).
    const local = String(spec.address).split("/")[0]!;
    spec.local = local;
    spec.address = String(spec.peer).includes("/")
      ? spec.peer
      : `${spec.peer}/${familyOf(local) === AF_INET ? 32 : 128}`;
    delete spec.peer;
  }
  if (family && familyOf(String(spec.address)) !== family) {
    throw new ArgumentError(
      "local",
      family === AF_INET ? "an IPv4 address (-4)" : "an IPv6 address (-6)",
      spec.address,
      "argument",
    );
  }
  return inv("addr", action, spec);
}

// -- route -------------------------------------------------------------------

/** ip's metric keywords → the metrics table's names. */
const METRIC_WORDS: Record<string, string> = {
  mtu: "mtu",
  advmss: "advmss",
  hoplimit: "hoplimit",
  initcwnd: "initcwnd",
  initrwnd: "initrwnd",
  window: "window",
  rtt: "rtt",
  rttvar: "rttvar",
  ssthresh: "ssthresh",
  cwnd: "cwnd",
  reordering: "reordering",
  rto_min: "rtoMin",
  quickack: "quickack",
  fastopen_no_cookie: "fastopenNoCookie",
};

const PREF_WORDS: Record<string, number> = { medium: 0, high: 1, low: 3 };

function parseNexthopWords(w: Words): Spec {
  const nh: Spec = {};
  while (!w.done && w.peek() !== "nexthop") {
    const k = w.next();
    if (k === "via") {
      let v = w.next();
      if (v === "inet" || v === "inet6") v = w.next();
      nh.gateway = ipAddress(v, "nexthop via");
    } else if (k === "dev") nh.oif = ifnameValue(w.next(), "nexthop dev");
    else if (k === "weight") nh.weight = integer(w.next(), "nexthop weight", 1, 256);
    else if (k === "onlink") nh.onlink = true;
    else throw w.garbage(k);
  }
  if (nh.gateway === undefined && nh.oif === undefined) throw w.incomplete();
  return nh;
}

function parseRoute(w: Words, action: string, family: 0 | 2 | 10): Invocation {
  const spec: Spec = {};
  const metrics: Spec = {};
  const hide = new Set<string>();
  const extras: Extras = {};
  const isShow = action === "show" || action === "flush";
  let dstFamily: number | undefined;
  while (!w.done) {
    const k = w.next();
    if (isShow) {
      if (k === "table") {
        const v = w.value(k);
        if (v === "all") {
          extras.allTables = true;
          spec.table = undefined;
        } else {
          spec.table = tableValue(v, k);
          hide.add("table");
        }
        continue;
      }
      if (k === "dev" || k === "oif") {
        spec.oif = ifnameValue(w.value("dev"), "dev");
        hide.add("dev");
        continue;
      }
      if (k === "iif") {
        spec.iif = ifnameValue(w.value(k), k);
        hide.add("iif");
        continue;
      }
      if (k === "proto" || k === "protocol") {
        spec.proto = protocolValue(w.value("proto"), k);
        hide.add("protocol");
        continue;
      }
      if (k === "type") {
        spec.type = w.value(k);
        if (!ROUTE_TYPE_WORDS.includes(spec.type as string)) {
          throw new ArgumentError(k, ROUTE_TYPE_WORDS.join(", "), spec.type, "argument");
        }
        hide.add("type");
        continue;
      }
      if (k === "scope") {
        spec.scope = scopeValue(w.value(k), k);
        hide.add("scope");
        continue;
      }
      if (k === "via") {
        spec.gateway = ipAddress(w.value(k), k);
        hide.add("gateway");
        continue;
      }
      if (k === "src") {
        spec.prefsrc = ipAddress(w.value(k), k);
        hide.add("prefsrc");
        continue;
      }
      if (k === "metric" || k === "priority" || k === "preference") {
        spec.priority = integer(w.value("metric"), k);
        continue;
      }
      if (k === "exact" || k === "to") {
        const v = w.value("to");
        spec.dst = v === "default" ? "default" : ipPrefix(v, k);
        continue;
      }
      if (spec.dst === undefined) {
        spec.dst = k === "default" ? "default" : ipPrefix(k, "to");
        continue;
      }
      throw w.garbage(k);
    }
    // add, del, change, replace, append, get
    if (k === "to") {
      const v = w.value(k, "dst");
      spec.dst = v === "default" ? "default" : ipPrefix(v, k);
    } else if (ROUTE_TYPE_WORDS.includes(k) && spec.type === undefined && spec.dst === undefined) {
      spec.type = k;
    } else if (k === "via") {
      let v = w.value(k);
      if (v === "inet" || v === "inet6") v = w.next();
      spec.gateway = ipAddress(v, k);
    } else if (k === "dev" || k === "oif") spec.oif = ifnameValue(w.value("dev"), "dev");
    else if (k === "iif") spec.iif = ifnameValue(w.value(k), k);
    else if (k === "src") spec.prefsrc = ipAddress(w.value(k), k);
    else if (k === "from" && action === "get") spec.src = ipAddress(w.value(k), k);
    else if (k === "from") spec.src = ipPrefix(w.value(k), k);
    else if (k === "table") spec.table = tableValue(w.value(k), k);
    else if (k === "metric" || k === "priority" || k === "preference") {
      spec.priority = integer(w.value(k, "metric"), k);
    } else if (k === "proto" || k === "protocol") spec.proto = protocolValue(w.value("proto"), k);
    else if (k === "scope") spec.scope = scopeValue(w.value(k), k);
    else if (k === "tos" || k === "dsfield") spec.tos = integer(w.value("tos"), k, 0, 255);
    else if (k === "onlink") (w.once(k), spec.onlink = true);
    else if (k === "nhid") spec.nhId = integer(w.value(k), k, 1);
    else if (k === "mark") spec.mark = integer(w.value(k), k);
    else if (k === "pref") {
      const v = w.value(k);
      const p = PREF_WORDS[v];
      if (p === undefined) throw new ArgumentError(k, "low, medium or high", v, "argument");
      spec.pref = p;
    } else if (k === "expires") spec.expires = integer(w.value(k), k);
    else if (METRIC_WORDS[k]) {
      const v = w.value(k);
      if (v === "lock") {
        throw new UsageError(`argument "${k} lock" is not supported by nlroute yet.`);
      }
      metrics[METRIC_WORDS[k]!] = integer(v, k);
    } else if (k === "nexthop") {
      const hops = (spec.multipath ??= []) as Spec[];
      hops.push(parseNexthopWords(w));
    } else if (spec.dst === undefined) {
      spec.dst = k === "default" ? "default" : ipPrefix(k, "to");
    } else throw w.garbage(k);
  }
  if (Object.keys(metrics).length) spec.metrics = metrics;
  if (isShow) {
    if (action === "flush" && Object.keys(spec).length === 0 && !extras.allTables) {
      throw new UsageError(`Flush requires arguments, try "nlroute route help".`);
    }
    if (extras.allTables) delete spec.table;
    else spec.table ??= 254;
    // ip route shows IPv4 unless asked otherwise (-6, an IPv6 prefix or
    // gateway), except for `table all`.
    const given = [spec.dst, spec.gateway, spec.prefsrc].find((v) =>
      typeof v === "string" && v !== "default"
    );
    const fam = family || (given !== undefined ? familyOf(String(given)) : 0) ||
      (extras.allTables ? 0 : AF_INET);
    if (fam) spec.family = fam;
    return inv("route", action, spec, extras, hide);
  }
  if (spec.dst === undefined) {
    if (action === "get") throw w.incomplete();
    throw w.incomplete();
  }
  if (typeof spec.dst === "string" && spec.dst !== "default") dstFamily = familyOf(spec.dst);
  if (family) {
    if (dstFamily !== undefined && dstFamily !== family) {
      throw new ArgumentError(
        "to",
        family === AF_INET ? "an IPv4 prefix (-4)" : "an IPv6 prefix (-6)",
        spec.dst,
        "argument",
      );
    }
    spec.family = family;
  }
  if (action === "get") {
    for (const k of Object.keys(spec)) {
      if (!["dst", "src", "iif", "oif", "mark", "family", "tos", "table"].includes(k)) {
        throw new UsageError(`Unknown argument for "route get": ${k}, try "nlroute route help".`);
      }
    }
  }
  return inv("route", action, spec);
}

// -- neigh -------------------------------------------------------------------

function parseNeigh(w: Words, action: string, family: 0 | 2 | 10): Invocation {
  const spec: Spec = {};
  const hide = new Set<string>();
  if (action === "show") {
    const extras: Extras = {};
    let nud: number | undefined;
    while (!w.done) {
      const k = w.next();
      if (k === "dev") {
        spec.index = ifnameValue(w.value(k), "dev");
        hide.add("dev");
      } else if (k === "nud") {
        const v = w.next();
        const mask = v === "all" ? 0x1ff : v === "none" ? 0x100 : nudMask(v);
        nud = (nud ?? 0) | mask;
      } else if (k === "proxy") (w.once(k), extras.proxy = true);
      else if (k === "to") spec.dst = ipAddress(w.value(k), k);
      else if (spec.dst === undefined) spec.dst = ipAddress(k, "to");
      else throw w.garbage(k);
    }
    if (nud !== undefined) extras.nud = nud;
    return inv("neigh", "show", withFamily(spec, family), extras, hide);
  }
  const flags: string[] = [];
  while (!w.done) {
    const k = w.next();
    if (k === "dev") spec.index = ifnameValue(w.value(k), "dev");
    else if (k === "lladdr") spec.lladdr = macAddress(w.value(k), k);
    else if (k === "nud") {
      const v = w.value(k);
      if (!NUD_WORDS.includes(v)) {
        throw new ArgumentError(k, NUD_WORDS.join(", "), v, "argument");
      }
      spec.state = v;
    } else if (k === "router") (w.once(k), flags.push("router"));
    else if (k === "extern_learn") (w.once(k), flags.push("extLearned"));
    else if (k === "proxy") {
      w.once(k);
      flags.push("proxy");
      spec.dst = ipAddress(w.value("proxy", "dst"), "proxy");
    } else if (k === "to") spec.dst = ipAddress(w.value(k, "dst"), k);
    else if (spec.dst === undefined) spec.dst = ipAddress(k, "to");
    else throw w.garbage(k);
  }
  if (spec.dst === undefined) throw w.incomplete();
  if (spec.index === undefined) {
    throw new UsageError(
      `Not enough information: "dev" argument is required for "neigh ${action}".`,
    );
  }
  if (flags.length) spec.flags = flags;
  if (family) spec.family = family;
  return inv("neigh", action, spec);
}

function nudMask(word: string): number {
  if (!NUD_WORDS.includes(word)) {
    throw new ArgumentError("nud", `${NUD_WORDS.join(", ")} or all`, word, "argument");
  }
  return nudState(word, "nud");
}

// -- rule --------------------------------------------------------------------

function range(word: string, keyword: string, max: number): { start: number; end: number } {
  const m = /^(\d+)(?:-(\d+))?$/.exec(word);
  if (!m) {
    throw new ArgumentError(
      keyword,
      `a number or a range such as 1000-2000 (up to ${max})`,
      word,
      "argument",
    );
  }
  const start = integer(m[1]!, keyword, 0, max);
  const end = m[2] === undefined ? start : integer(m[2], keyword, start, max);
  return { start, end };
}

function parseRule(w: Words, action: string, family: 0 | 2 | 10): Invocation {
  const spec: Spec = {};
  while (!w.done) {
    const k = w.next();
    if (k === "not") (w.once(k), spec.invert = true);
    else if (k === "from") {
      const v = w.value(k);
      if (v !== "all") spec.src = ipPrefix(v, k);
    } else if (k === "to") {
      const v = w.value(k);
      if (v !== "all") spec.dst = ipPrefix(v, k);
    } else if (k === "priority" || k === "preference" || k === "pref" || k === "order") {
      spec.priority = integer(w.value(k, "priority"), k);
    } else if (k === "table" || k === "lookup") spec.table = tableValue(w.value(k, "table"), k);
    else if (k === "iif" || k === "dev") spec.iifname = ifnameValue(w.value(k, "iif"), k);
    else if (k === "oif") spec.oifname = ifnameValue(w.value(k), k);
    else if (k === "fwmark") {
      const v = w.value(k);
      const [mark, mask] = v.split("/");
      spec.fwmark = integer(mark!, k);
      if (mask !== undefined) spec.fwmask = integer(mask, "fwmask");
    } else if (k === "tos" || k === "dsfield") spec.tos = integer(w.value(k, "tos"), k, 0, 255);
    else if (k === "protocol" || k === "proto") {
      spec.protocol = protocolValue(w.value(k, "protocol"), k);
    } else if (k === "ipproto") {
      const v = w.value(k);
      spec.ipProto = IP_PROTOS[v] ?? integer(v, k, 0, 255);
    } else if (k === "sport") spec.sportRange = range(w.value(k), k, 0xffff);
    else if (k === "dport") spec.dportRange = range(w.value(k), k, 0xffff);
    else if (k === "uidrange") spec.uidRange = range(w.value(k), k, 0xffffffff);
    else if (k === "suppress_prefixlength") {
      spec.suppressPrefixlen = integer(w.value(k), k, 0, 128);
    } else if (k === "suppress_ifgroup") spec.suppressIfgroup = integer(w.value(k), k);
    else if (k === "goto") {
      spec.action = "goto";
      spec.goto = integer(w.value(k), k);
    } else if (k === "nop") (w.once(k, "action"), spec.action = "nop");
    else if (k === "l3mdev") (w.once(k), spec.l3mdev = 1);
    else if (k === "blackhole" || k === "unreachable" || k === "prohibit") {
      w.once(k, "action");
      spec.action = k;
    } else if (k === "type") {
      const v = w.value(k, "action");
      if (!["unicast", "blackhole", "unreachable", "prohibit"].includes(v)) {
        throw new ArgumentError(k, "unicast, blackhole, unreachable or prohibit", v, "argument");
      }
      if (v !== "unicast") spec.action = v;
    } else throw w.garbage(k);
  }
  if (action === "show") {
    // ip rule shows IPv4 unless -6.
    spec.family = family || AF_INET;
    return inv("rule", "show", spec);
  }
  const fams = [spec.src, spec.dst].filter((v) => v !== undefined).map((v) => familyOf(String(v)));
  if (family) {
    if (fams.some((f) => f !== family)) {
      throw new ArgumentError(
        "from",
        family === AF_INET ? "an IPv4 prefix (-4)" : "an IPv6 prefix (-6)",
        spec.src ?? spec.dst,
        "argument",
      );
    }
    spec.family = family;
  }
  return inv("rule", action, spec);
}

// -- nexthop -----------------------------------------------------------------

function parseGroup(word: string): Spec[] {
  return word.split("/").map((m) => {
    const [id, weight] = m.split(",");
    const member: Spec = { id: integer(id ?? "", "group", 1) };
    if (weight !== undefined) member.weight = integer(weight, "group weight", 1, 256);
    return member;
  });
}

function parseNexthop(w: Words, action: string, family: 0 | 2 | 10): Invocation {
  const spec: Spec = {};
  const hide = new Set<string>();
  while (!w.done) {
    const k = w.next();
    if (k === "id") spec.id = integer(w.value(k), k, 1);
    else if (k === "dev") {
      spec.oif = ifnameValue(w.value(k), "dev");
      if (action === "show") hide.add("dev");
    } else if (action === "show" && k === "groups") (w.once(k), spec.groups = true);
    else if (action === "show" && k === "master") spec.master = ifnameValue(w.value(k), k);
    else if (k === "fdb") (w.once(k), spec.fdb = true);
    else if (action === "show") throw w.garbage(k);
    else if (k === "via") {
      let v = w.value(k);
      if (v === "inet" || v === "inet6") v = w.next();
      spec.gateway = ipAddress(v, k);
    } else if (k === "blackhole") (w.once(k), spec.blackhole = true);
    else if (k === "onlink") (w.once(k), spec.onlink = true);
    else if (k === "group") spec.group = parseGroup(w.value(k));
    else if (k === "type") {
      const v = w.value(k);
      if (v !== "mpath" && v !== "resilient") {
        throw new ArgumentError(k, "mpath or resilient", v, "argument");
      }
      spec.groupType = v;
    } else if (k === "buckets" || k === "idle_timer" || k === "unbalanced_timer") {
      const res = (spec.resGroup ??= {}) as Spec;
      res[camel(k)] = integer(w.value(k), k, k === "buckets" ? 1 : 0);
    } else if (k === "proto" || k === "protocol") {
      spec.protocol = protocolValue(w.value(k, "protocol"), k);
    } else throw w.garbage(k);
  }
  if (family) spec.family = family;
  if ((action === "del" || action === "get") && spec.id === undefined) throw w.incomplete();
  return inv("nexthop", action, spec, {}, hide);
}

// -- netns, monitor ----------------------------------------------------------

function parseNetns(w: Words, action: string): Invocation {
  if (action === "show" || action === "list") {
    if (!w.done) throw w.garbage(w.next());
    return inv("netns", "list", {});
  }
  if (w.done) {
    throw new UsageError(`No netns name specified for "netns ${action}".`);
  }
  const name = w.next();
  if (!w.done) throw w.garbage(w.next());
  return inv("netns", action, {}, { name });
}

const MONITOR_WORDS: Record<string, string> = {
  link: "link",
  address: "addr",
  addr: "addr",
  route: "route",
  neigh: "neigh",
  neighbour: "neigh",
  neighbor: "neigh",
  rule: "rule",
  nexthop: "nexthop",
  netconf: "netconf",
  nsid: "nsid",
};

function parseMonitor(words: readonly string[], family: 0 | 2 | 10): Invocation {
  const w = new Words(words, "monitor", "");
  const groups = new Set<string>();
  let label = false;
  while (!w.done) {
    const k = w.next();
    if (k === "all") label = true;
    else if (k === "label") label = true;
    else if (k === "help") return inv("help", "help", {}, { topic: "monitor" });
    else if (MONITOR_WORDS[k]) groups.add(MONITOR_WORDS[k]!);
    else {
      throw new UsageError(`Argument "${k}" is unknown for "monitor", try "nlroute monitor help".`);
    }
  }
  const chosen = groups.size
    ? [...groups]
    : ["link", "addr", "route", "neigh", "rule", "nexthop", "netconf", "nsid"];
  const v = family === AF_INET ? "ipv4" : family === AF_INET6 ? "ipv6" : undefined;
  const expanded = chosen.map((g) =>
    v && (g === "addr" || g === "route" || g === "rule" || g === "netconf")
      ? `${v}-${g === "addr" ? "ifaddr" : g}`
      : g
  );
  return inv("monitor", "monitor", {}, { label, groups: expanded });
}
