/**
 * `nlroute conntrack …`: conntrack(8)'s common command line — one command
 * (`-L`, `-I`, `-D`, `-U`, `-F`, `-C`, `-S`, long forms too) and its
 * options: `-f ipv4|ipv6`, `-p PROTO`, `-s`/`-d` (`--orig-src`/`--orig-dst`),
 * `-r`/`-q` (reply addresses), `--sport`/`--dport`, `--reply-port-src`/
 * `--reply-port-dst`, `--icmp-type`,
 * `--icmp-code`, `--icmp-id`, `-t TIMEOUT`, `-m`/`--mark M[/MASK]`, `-u`/
 * `--status FLAGS`, `--state STATE`, `-w`/`--zone Z`, `-o extended`, and
 * nlroute's `-j`.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { UsageError } from "../errors.ts";
import { inv, type Invocation } from "./invocation.ts";

/** A conntrack command. */
export type ConntrackCommand =
  | "list"
  | "create"
  | "delete"
  | "update"
  | "flush"
  | "count"
  | "stats";

/** What `nlroute conntrack` was asked. */
export interface ConntrackArgs {
  /** The command. */
  command: ConntrackCommand;
  /** `-f`: the family. */
  family?: "ipv4" | "ipv6";
  /** `-p`: the protocol (name or number, as typed, lower case). */
  proto?: string;
  /** `-s`, `-d`: the original direction's addresses. */
  src?: string;
  dst?: string;
  /** `-r`, `-q`: the reply direction's addresses. */
  replySrc?: string;
  replyDst?: string;
  /** `--sport`, `--dport`. */
  sport?: number;
  dport?: number;
  /** `--reply-port-src`, `--reply-port-dst`. */
  replySport?: number;
  replyDport?: number;
  /** `--icmp-type`, `--icmp-code`, `--icmp-id`. */
  icmpType?: number;
  icmpCode?: number;
  icmpId?: number;
  /** `-t`: timeout in seconds. */
  timeout?: number;
  /** `-m`: mark and mask. */
  mark?: { value: number; mask?: number };
  /** `-u`: status flags (conntrack's names: ASSURED, SEEN_REPLY, …). */
  status?: string[];
  /** `--state`: TCP state (ESTABLISHED, …). */
  state?: string;
  /** `-w`/`--zone`. */
  zone?: number;
  /** `-o extended`. */
  extended: boolean;
  /** `-j`. */
  json: boolean;
}

const COMMANDS: Record<string, ConntrackCommand> = {
  "-L": "list",
  "--dump": "list",
  "-I": "create",
  "--create": "create",
  "-D": "delete",
  "--delete": "delete",
  "-U": "update",
  "--update": "update",
  "-F": "flush",
  "--flush": "flush",
  "-C": "count",
  "--count": "count",
  "-S": "stats",
  "--stats": "stats",
};

/** Options taking a value: the option → the field. */
const VALUED: Record<string, string> = {
  "-f": "family",
  "--family": "family",
  "-p": "proto",
  "--proto": "proto",
  "--protonum": "proto",
  "-s": "src",
  "--src": "src",
  "--orig-src": "src",
  "-d": "dst",
  "--dst": "dst",
  "--orig-dst": "dst",
  "-r": "replySrc",
  "--reply-src": "replySrc",
  "-q": "replyDst",
  "--reply-dst": "replyDst",
  "--sport": "sport",
  "--orig-port-src": "sport",
  "--dport": "dport",
  "--orig-port-dst": "dport",
  "--reply-port-src": "replySport",
  "--reply-port-dst": "replyDport",
  "--icmp-type": "icmpType",
  "--icmp-code": "icmpCode",
  "--icmp-id": "icmpId",
  "-t": "timeout",
  "--timeout": "timeout",
  "-m": "mark",
  "--mark": "mark",
  "-u": "status",
  "--status": "status",
  "--state": "state",
  "-w": "zone",
  "--zone": "zone",
  "-o": "output",
  "--output": "output",
};

function num(v: string, name: string, max: number): number {
  const n = /^(0x[0-9a-f]+|\d+)$/i.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n > max) {
    throw new ArgumentError(name, `an integer from 0 to ${max}`, v, "argument");
  }
  return n;
}

/** Parses the words after `conntrack` into an {@link Invocation} (`extras.conntrack`). */
export function parseConntrack(words: readonly string[]): Invocation {
  let command: ConntrackCommand | undefined;
  const a: Partial<ConntrackArgs> & { extended: boolean; json: boolean } = {
    extended: false,
    json: false,
  };
  const seen = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const c = COMMANDS[w];
    if (c !== undefined) {
      if (command !== undefined && command !== c) {
        throw new UsageError(`Only one command at a time: "${w}" after another.`);
      }
      command = c;
      continue;
    }
    if (w === "-j" || w === "--json") {
      a.json = true;
      continue;
    }
    const field = VALUED[w];
    if (field === undefined) {
      throw new UsageError(`Option "${w}" is unknown, try "nlroute conntrack help".`);
    }
    const v = words[++i];
    if (v === undefined) throw new UsageError(`Option "${w}" needs a value.`);
    if (seen.has(field)) throw new UsageError(`Option "${w}" is given twice.`);
    seen.add(field);
    switch (field) {
      case "family":
        if (v !== "ipv4" && v !== "ipv6") {
          throw new ArgumentError("family", "ipv4 or ipv6", v, "argument");
        }
        a.family = v;
        break;
      case "proto":
        a.proto = v.toLowerCase();
        break;
      case "src":
      case "dst":
      case "replySrc":
      case "replyDst":
      case "state":
        a[field] = v;
        break;
      case "sport":
      case "dport":
      case "replySport":
      case "replyDport":
        a[field] = num(v, w, 0xffff);
        break;
      case "icmpType":
      case "icmpCode":
        a[field] = num(v, w, 0xff);
        break;
      case "icmpId":
        a[field] = num(v, w, 0xffff);
        break;
      case "timeout":
      case "zone":
        a[field] = num(v, w, field === "zone" ? 0xffff : 0xffffffff);
        break;
      case "mark": {
        const [m, k] = v.split("/");
        a.mark = { value: num(m!, w, 0xffffffff) };
        if (k !== undefined) a.mark.mask = num(k, w, 0xffffffff);
        break;
      }
      case "status":
        a.status = v.split(",").map((s) => s.toUpperCase());
        break;
      case "output":
        for (const o of v.split(",")) {
          if (o !== "extended") {
            throw new ArgumentError(
              "-o",
              "extended (the other formats are not supported)",
              v,
              "argument",
            );
          }
        }
        a.extended = true;
        break;
    }
  }
  if (command === undefined) {
    throw new UsageError(
      `"conntrack" needs a command (-L, -I, -D, -U, -F, -C, -S), try "nlroute conntrack help".`,
    );
  }
  return inv("conntrack", command, {}, { conntrack: { ...a, command } as ConntrackArgs });
}
