/**
 * `nlroute ss …`: iproute2 ss(8)'s command line — its options (`-tan`,
 * `-xa`, `-tln`, `-e`, `-i`, `-m`, `-K`, `-N NS`, `-H`, bundled as getopt
 * bundles them and taken anywhere, as GNU getopt permutes them), then
 * `state NAME` / `exclude NAME`, then a filter expression (`sport = :22`,
 * `dport >= :1024`, `src 10.0.0.0/8`, `dst [::1]:80`, joined by `and`, `or`,
 * `not` and parentheses; the words may also come quoted as one). Which
 * sockets and states ss lists by default and for each option follows ss.c
 * (its filter_db_set, filter_af_set and filter_merge_defaults), for the
 * tables nlroute reads: TCP, UDP, raw, and unix stream, datagram and
 * seqpacket sockets.
 *
 * @module
 */
import { TCP_STATE } from "../../core/tables/sock_diag.ts";
import { parseIP, parsePrefix } from "../../core/address.ts";
import { ArgumentError } from "../../core/errors.ts";
import { UsageError } from "../errors.ts";
import type { Family, Invocation } from "./invocation.ts";
import { inv } from "./invocation.ts";

/** ss's state numbers: the kernel's TCP states (generated) and 0 (7 is UNCONN for datagram and unix sockets). */
export const SS_STATE = { UNKNOWN: 0, ...TCP_STATE } as const;
const S = SS_STATE;
/** Every state (ss's SS_ALL). */
export const SS_ALL: number = (1 << 12) - 1;
/** ss's SS_CONN: every state but listen, close, time-wait and syn-recv. */
export const SS_CONN: number = SS_ALL &
  ~((1 << S.LISTEN) | (1 << S.CLOSE) | (1 << S.TIME_WAIT) | (1 << S.SYN_RECV));

/** The socket tables nlroute lists (ss's TCP_DB, UDP_DB, RAW_DB, UNIX_*_DB). */
export type SsTable = "tcp" | "udp" | "raw" | "unix_stream" | "unix_dgram" | "unix_seqpacket";
const TABLES: readonly SsTable[] = [
  "tcp",
  "udp",
  "raw",
  "unix_stream",
  "unix_dgram",
  "unix_seqpacket",
];
/** The families (ss's AF_INET, AF_INET6, AF_UNIX). */
export type SsFamily = "inet" | "inet6" | "unix";

/** Each table's default states and families (ss.c's default_dbs). */
const TABLE_DEFAULTS: Record<SsTable, { states: number; families: SsFamily[] }> = {
  tcp: { states: SS_CONN, families: ["inet", "inet6"] },
  udp: { states: 1 << S.ESTABLISHED, families: ["inet", "inet6"] },
  raw: { states: 1 << S.ESTABLISHED, families: ["inet", "inet6"] },
  unix_dgram: { states: 1 << S.CLOSE, families: ["unix"] },
  unix_stream: { states: SS_CONN, families: ["unix"] },
  unix_seqpacket: { states: SS_CONN, families: ["unix"] },
};
/** Each family's tables and default states (ss.c's default_afs). */
const FAMILY_DEFAULTS: Record<SsFamily, { states: number; tables: SsTable[] }> = {
  inet: { states: SS_CONN, tables: ["tcp", "udp", "raw"] },
  inet6: { states: SS_CONN, tables: ["tcp", "udp", "raw"] },
  unix: { states: SS_CONN, tables: ["unix_stream", "unix_dgram", "unix_seqpacket"] },
};

/** `-A QUERY`'s words (ss's filter_db_parse), for the tables nlroute has. */
const QUERY_WORDS: Record<string, SsTable[]> = {
  all: [...TABLES],
  inet: ["tcp", "udp", "raw"],
  tcp: ["tcp"],
  udp: ["udp"],
  raw: ["raw"],
  unix: ["unix_stream", "unix_dgram", "unix_seqpacket"],
  unix_stream: ["unix_stream"],
  u_str: ["unix_stream"],
  unix_dgram: ["unix_dgram"],
  u_dgr: ["unix_dgram"],
  unix_seqpacket: ["unix_seqpacket"],
  u_seq: ["unix_seqpacket"],
};

/** One condition of a filter expression. */
export type SsCond =
  | {
    kind: "port";
    end: "local" | "remote";
    op: "eq" | "ne" | "lt" | "gt" | "le" | "ge";
    port: number;
  }
  | {
    kind: "addr";
    end: "local" | "remote";
    /** The prefix (absent: any address). */
    prefix?: { family: number; bytes: Uint8Array; prefixlen: number };
    /** The port (absent: any). */
    port?: number;
  };

/** A filter expression (ss's ssfilter). */
export type SsExpr =
  | SsCond
  | { kind: "and" | "or"; left: SsExpr; right: SsExpr }
  | { kind: "not"; expr: SsExpr };

/** What `nlroute ss` was asked (see cli/parse/ss.ts). */
export interface SsArgs {
  /** The tables to list, in no particular order (the runner lists them in ss's). */
  tables: SsTable[];
  /** The families to list. */
  families: SsFamily[];
  /** The states, as ss's bitmask (bit n: state n). */
  states: number;
  /** `-e`: uid, inode, cookie, cgroup, v6only, shutdown (and the timer). */
  extended: boolean;
  /** `-o` (and `-e`): the timer. */
  timer: boolean;
  /** `-i`: the tcp_info line. */
  info: boolean;
  /** `-m`: socket memory (skmem). */
  memory: boolean;
  /** `-K`: destroy the inet sockets listed. */
  kill: boolean;
  /** `-H` clears it: print the header line. */
  header: boolean;
  /** `-j`: JSON (nlroute's own: ss has none). */
  json: boolean;
  /** `-N NS`: run in this namespace. */
  netns?: string;
  /** The filter expression (absent: every socket). */
  filter?: SsExpr;
}

/** ss's scan_state: a state word → its bitmask; a clear error for anything else. */
export function scanState(word: string): number {
  const w = word.toLowerCase();
  const named: Record<string, number> = {
    close: 1 << S.CLOSE,
    closed: 1 << S.CLOSE,
    "syn-rcv": 1 << S.SYN_RECV,
    established: 1 << S.ESTABLISHED,
    all: SS_ALL,
    connected: SS_ALL & ~((1 << S.CLOSE) | (1 << S.LISTEN)),
    synchronized: SS_ALL & ~((1 << S.CLOSE) | (1 << S.LISTEN) | (1 << S.SYN_SENT)),
    bucket: (1 << S.SYN_RECV) | (1 << S.TIME_WAIT),
    big: SS_ALL & ~((1 << S.SYN_RECV) | (1 << S.TIME_WAIT)),
    unknown: 1 << S.UNKNOWN,
    "syn-sent": 1 << S.SYN_SENT,
    "syn-recv": 1 << S.SYN_RECV,
    "fin-wait-1": 1 << S.FIN_WAIT1,
    "fin-wait-2": 1 << S.FIN_WAIT2,
    "time-wait": 1 << S.TIME_WAIT,
    unconnected: 1 << S.CLOSE,
    "close-wait": 1 << S.CLOSE_WAIT,
    "last-ack": 1 << S.LAST_ACK,
    listening: 1 << S.LISTEN,
    closing: 1 << S.CLOSING,
  };
  const m = named[w];
  if (m === undefined) {
    throw new ArgumentError(
      "state",
      'a state such as listening, established or time-wait ("nlroute ss help" lists them)',
      word,
      "argument",
    );
  }
  return m;
}

/** ss's short options that take no value, by letter. */
const FLAGS = new Set([
  "t",
  "u",
  "w",
  "x",
  "4",
  "6",
  "a",
  "l",
  "n",
  "e",
  "o",
  "m",
  "i",
  "K",
  "H",
  "j",
]);
/** Long options → the short letter (ss's long_opts, those nlroute has). */
const LONG: Record<string, string> = {
  tcp: "t",
  udp: "u",
  raw: "w",
  unix: "x",
  ipv4: "4",
  ipv6: "6",
  all: "a",
  listening: "l",
  numeric: "n",
  extended: "e",
  options: "o",
  memory: "m",
  info: "i",
  kill: "K",
  "no-header": "H",
  json: "j",
  net: "N",
  family: "f",
  query: "A",
  socket: "A",
};
/** ss options nlroute does not implement (refused by name). */
const UNSUPPORTED: Record<string, string> = {
  p: "--processes",
  r: "--resolve",
  s: "--summary",
  b: "--bpf",
  E: "--events",
  Z: "--context",
  z: "--contexts",
  O: "--oneline",
  D: "--diag",
  F: "--filter",
  d: "--dccp",
  S: "--sctp",
  M: "--mptcp",
  "0": "--packet",
};
const TAKES_VALUE = new Set(["N", "f", "A"]);

/** The state of the option pass (ss.c's current_filter, do_default and state_filter). */
class Selection {
  tables = new Set<SsTable>();
  families = new Set<SsFamily>();
  states = 0;
  isDefault = true;
  stateFilter = 0;

  table(t: SsTable): void {
    this.states |= TABLE_DEFAULTS[t].states;
    this.tables.add(t);
    this.isDefault = false;
  }

  family(f: SsFamily): void {
    this.states |= FAMILY_DEFAULTS[f].states;
    this.families.add(f);
    this.isDefault = false;
  }

  /** ss's filter_merge_defaults. */
  merge(): void {
    for (const t of TABLES) {
      if (!this.tables.has(t)) continue;
      const fams = TABLE_DEFAULTS[t].families;
      if (!fams.some((f) => this.families.has(f))) { for (const f of fams) this.families.add(f); }
    }
    for (const f of ["inet", "inet6", "unix"] as const) {
      if (!this.families.has(f)) continue;
      const tabs = FAMILY_DEFAULTS[f].tables;
      if (!tabs.some((t) => this.tables.has(t))) { for (const t of tabs) this.tables.add(t); }
    }
  }
}

/**
 * Parses the words after `ss` into an {@link Invocation} (object `ss`, its
 * {@link SsArgs} in `extras.ss`). `family` is the global `-4`/`-6`.
 */
export function parseSs(words: readonly string[], family: Family): Invocation {
  const sel = new Selection();
  const args: Omit<SsArgs, "tables" | "families" | "states"> = {
    extended: false,
    timer: false,
    info: false,
    memory: false,
    kill: false,
    header: true,
    json: false,
  };
  if (family === 2) sel.family("inet");
  if (family === 10) sel.family("inet6");
  const rest: string[] = [];
  const apply = (letter: string, value: string | undefined, shown: string) => {
    switch (letter) {
      case "t":
        return sel.table("tcp");
      case "u":
        return sel.table("udp");
      case "w":
        return sel.table("raw");
      case "x":
        return sel.family("unix");
      case "4":
        return sel.family("inet");
      case "6":
        return sel.family("inet6");
      case "a":
        sel.stateFilter = SS_ALL;
        return;
      case "l":
        sel.stateFilter = (1 << S.LISTEN) | (1 << S.CLOSE);
        return;
      case "n":
        return; // numeric is the only mode
      case "e":
        args.extended = true;
        args.timer = true;
        return;
      case "o":
        args.timer = true;
        return;
      case "m":
        args.memory = true;
        return;
      case "i":
        args.info = true;
        return;
      case "K":
        args.kill = true;
        return;
      case "H":
        args.header = false;
        return;
      case "j":
        args.json = true;
        return;
      case "N":
        if (!value) throw new ArgumentError("net", "a namespace name", value, "argument");
        args.netns = value;
        return;
      case "f": {
        const fams: Record<string, SsFamily> = { inet: "inet", inet6: "inet6", unix: "unix" };
        const f = fams[value!];
        if (!f) throw new ArgumentError("family", "inet, inet6 or unix", value, "argument");
        return sel.family(f);
      }
      case "A": {
        if (!sel.tables.size && sel.isDefault) sel.stateFilter ||= SS_CONN;
        sel.isDefault = false;
        for (const q of value!.split(",")) {
          const tabs = QUERY_WORDS[q];
          if (!tabs) {
            throw new ArgumentError(
              "query",
              `a list of ${Object.keys(QUERY_WORDS).join(", ")}`,
              q,
              "argument",
            );
          }
          for (const t of tabs) sel.table(t);
        }
        return;
      }
    }
    throw new UsageError(`Option "${shown}" of ss is unknown, try "nlroute ss help".`);
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === "--") {
      rest.push(...words.slice(i + 1));
      break;
    }
    if (w.startsWith("--") && w.length > 2) {
      const eq = w.indexOf("=");
      const name = eq < 0 ? w.slice(2) : w.slice(2, eq);
      const letter = LONG[name];
      if (letter === undefined) {
        const known = Object.entries(UNSUPPORTED).find(([, l]) => l === `--${name}`);
        if (known) throw new UsageError(`Option "${w}" of ss is not supported by nlroute.`);
        throw new UsageError(`Option "${w}" of ss is unknown, try "nlroute ss help".`);
      }
      let value: string | undefined;
      if (TAKES_VALUE.has(letter)) {
        value = eq >= 0 ? w.slice(eq + 1) : words[++i];
        if (value === undefined) throw new UsageError(`Option "${w}" of ss needs a value.`);
      } else if (eq >= 0) throw new UsageError(`Option "--${name}" of ss takes no value.`);
      apply(letter, value, w);
      continue;
    }
    if (w.startsWith("-") && w.length > 1) {
      for (let j = 1; j < w.length; j++) {
        const letter = w[j]!;
        if (UNSUPPORTED[letter]) {
          throw new UsageError(
            `Option "-${letter}" (ss's ${UNSUPPORTED[letter]}) is not supported by nlroute.`,
          );
        }
        if (TAKES_VALUE.has(letter)) {
          const value = j + 1 < w.length ? w.slice(j + 1) : words[++i];
          if (value === undefined) throw new UsageError(`Option "-${letter}" of ss needs a value.`);
          apply(letter, value, `-${letter}`);
          break;
        }
        if (!FLAGS.has(letter)) {
          throw new UsageError(`Option "-${letter}" of ss is unknown, try "nlroute ss help".`);
        }
        apply(letter, undefined, `-${letter}`);
      }
      continue;
    }
    rest.push(w);
  }
  // state / exclude words, then the expression.
  let at = 0;
  let sawStates = false;
  while (at < rest.length) {
    const w = rest[at]!;
    if (w !== "state" && w !== "exclude" && w !== "excl") break;
    const name = rest[at + 1];
    if (name === undefined) throw new UsageError(`"${w}" needs a state name.`);
    if (w === "state") {
      if (!sawStates) sel.stateFilter = 0;
      sel.stateFilter |= scanState(name);
    } else {
      if (!sawStates) sel.stateFilter = SS_ALL;
      sel.stateFilter &= ~scanState(name);
    }
    sawStates = true;
    at += 2;
  }
  if (sel.isDefault) {
    sel.stateFilter ||= SS_CONN;
    for (const t of TABLES) sel.table(t);
  }
  if (sel.stateFilter) sel.states = sel.stateFilter;
  sel.merge();
  if (sel.tables.size === 0) throw new UsageError("ss: no socket tables to show with such filter.");
  if (sel.states === 0) throw new UsageError("ss: no socket states to show with such filter.");
  const filterWords = rest.slice(at);
  const filter = filterWords.length ? parseFilter(filterWords) : undefined;
  const ss: SsArgs = {
    ...args,
    tables: TABLES.filter((t) => sel.tables.has(t)),
    families: (["inet", "inet6", "unix"] as const).filter((f) => sel.families.has(f)),
    states: sel.states,
    ...(filter ? { filter } : {}),
  };
  return inv("ss", "show", {}, { ss });
}

/** The tokens of a filter expression (words may hold several, as ss's lexer reads them). */
function tokenize(words: readonly string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    for (const m of w.matchAll(/\(|\)|!=|>=|<=|==|&&|\|\||[!=<>&|]|[^\s()!=<>&|]+/g)) {
      out.push(m[0]);
    }
  }
  return out;
}

const OPS: Record<string, "eq" | "ne" | "lt" | "gt" | "le" | "ge"> = {
  "=": "eq",
  "==": "eq",
  eq: "eq",
  "!=": "ne",
  ne: "ne",
  neq: "ne",
  "<": "lt",
  lt: "lt",
  ">": "gt",
  gt: "gt",
  "<=": "le",
  le: "le",
  leq: "le",
  ">=": "ge",
  ge: "ge",
  geq: "ge",
};

function filterError(what: string, got: string | undefined): UsageError {
  return new UsageError(
    `ss filter: expected ${what}, got ${got === undefined ? "the end" : `"${got}"`}.`,
  );
}

/** A port as ss's filter takes it: `:22`, `22`, `*` (any) is refused where a number is needed. */
function portOf(word: string | undefined): number {
  const p = word?.startsWith(":") ? word.slice(1) : word;
  if (p === undefined || !/^\d+$/.test(p) || Number(p) > 65535) {
    throw filterError("a port number (:N, 0 to 65535)", word);
  }
  return Number(p);
}

/** `ADDR[:PORT]`, `[ADDR6]:PORT`, `*:PORT`, `PREFIX/LEN`, as ss's parse_hostcond reads them. */
function hostCond(end: "local" | "remote", word: string | undefined): SsCond {
  if (word === undefined) throw filterError("an address", word);
  let addr = word;
  let port: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(word);
  if (bracket) {
    addr = bracket[1]!;
    port = bracket[2];
  } else if (word.startsWith("*")) {
    addr = "";
    port = word.slice(1).replace(/^:/, "") || undefined;
  } else {
    // ss splits at the last colon (after the prefix length, if any); an IPv6
    // address alone (several colons, no brackets) is taken whole.
    const slash = word.indexOf("/");
    const i = word.lastIndexOf(":");
    if (i > slash && !(slash < 0 && parseIP(word))) {
      addr = word.slice(0, i);
      port = word.slice(i + 1) || undefined;
    }
  }
  const cond: SsCond = { kind: "addr", end };
  if (port !== undefined && port !== "*") cond.port = portOf(port);
  if (addr !== "" && addr !== "*") {
    try {
      const p = parsePrefix(addr, end === "local" ? "src" : "dst");
      cond.prefix = { family: p.family, bytes: p.bytes, prefixlen: p.prefixlen };
    } catch {
      throw filterError("an inet prefix (such as 10.0.0.1, 10.0.0.0/8 or [::1])", word);
    }
  }
  return cond;
}

/**
 * Parses a filter expression: conditions `sport|dport OP PORT` (OP one of
 * `=`, `==`, `eq`, `!=`, `ne`, `<`, `lt`, `>`, `gt`, `<=`, `le`, `>=`,
 * `ge`; `sport :22` is `sport = :22`) and `src|dst ADDR[:PORT]`, joined by
 * `and`/`&&` (or nothing), `or`/`||`, negated by `not`/`!`, grouped by
 * parentheses.
 */
export function parseFilter(words: readonly string[]): SsExpr {
  const t = tokenize(words);
  let i = 0;
  const orExpr = (): SsExpr => {
    let left = andExpr();
    while (t[i] === "or" || t[i] === "||" || t[i] === "|") {
      i++;
      left = { kind: "or", left, right: andExpr() };
    }
    return left;
  };
  const andExpr = (): SsExpr => {
    let left = unary();
    for (;;) {
      if (t[i] === "and" || t[i] === "&&" || t[i] === "&") i++;
      else if (i >= t.length || t[i] === ")" || t[i] === "or" || t[i] === "||" || t[i] === "|") {
        return left;
      }
      left = { kind: "and", left, right: unary() };
    }
  };
  const unary = (): SsExpr => {
    const w = t[i++];
    if (w === "not" || w === "!") return { kind: "not", expr: unary() };
    if (w === "(") {
      const e = orExpr();
      if (t[i++] !== ")") throw filterError('")"', t[i - 1]);
      return e;
    }
    if (w === "sport" || w === "dport") {
      const end = w === "sport" ? "local" : "remote";
      let op = OPS[t[i] ?? ""];
      if (op) i++;
      else op = "eq";
      return { kind: "port", end, op, port: portOf(t[i++]) };
    }
    if (w === "src" || w === "dst") {
      if (t[i] === "=" || t[i] === "==" || t[i] === "eq") i++;
      return hostCond(w === "src" ? "local" : "remote", t[i++]);
    }
    throw filterError("sport, dport, src, dst, not or (", w);
  };
  const e = orExpr();
  if (i < t.length) throw filterError("and, or or the end", t[i]);
  return e;
}
