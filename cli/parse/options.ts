/**
 * The global options of `nlroute`, in `ip`'s habits (`-j`, `-br`, `-n NS`,
 * `-4`/`-6`, `-c`, …), parsed with `node:util` parseArgs.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ArgumentError } from "../../core/errors.ts";
import { AF_INET, AF_INET6 } from "../../core/address.ts";
import type { ColorMode } from "../color.ts";
import { UsageError } from "../errors.ts";
import type { Family } from "./invocation.ts";
import { commandEnd, ipLookup, type IpWord } from "./ip_words.ts";

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
  family: Family;
  /** `-c[=WHEN]` / `--color[=WHEN]`. */
  color: ColorMode;
  /** `-d`: details (link kinds). */
  details: boolean;
  /** `-s`: statistics; `-s -s` more of them (the count). */
  stats: number;
  /** `--debug`: stack traces on errors. */
  debug: boolean;
  /** `-h` / `--help`. */
  help: boolean;
  /** `-V` / `--version`. */
  version: boolean;
}

/**
 * ip.c's options in the order it tests them (each matches its prefixes:
 * `-d` is `-details`, `-b` is `-batch`), with the parseArgs spelling nlroute
 * reads them in; null marks the ip options nlroute does not implement.
 */
const IP_OPTIONS: readonly IpWord[] = [
  ["-loops", null],
  ["-family", "--family"],
  ["-4", "--ipv4", "exact"],
  ["-6", "--ipv6", "exact"],
  ["-0", null, "exact"],
  ["-M", null, "exact"],
  ["-B", null, "exact"],
  ["-human", null],
  ["-human-readable", null],
  ["-iec", null],
  ["-stats", "--stats"],
  ["-statistics", "--stats"],
  ["-details", "--details"],
  ["-resolve", null],
  ["-oneline", "--oneline"],
  ["-timestamp", null],
  ["-tshort", null],
  ["-Version", "--version"],
  ["-force", null],
  ["-batch", null],
  ["-brief", "--brief"],
  ["-json", "--json"],
  ["-pretty", "--pretty"],
  ["-rcvbuf", null],
  ["-color", "--color"],
  ["-help", "--help"],
  ["-netns", "--netns"],
  ["-Numeric", null],
  ["-all", null],
];

/**
 * nlroute's own spellings, taken before ip's table: `-h` is help (ip reads
 * `-human`), `--debug`, and `-colour`.
 */
const OWN_OPTIONS: Record<string, string> = {
  "-h": "--help",
  "-version": "--version",
  "-debug": "--debug",
  "-colour": "--color",
};

const TAKES_VALUE = new Set(["--netns", "--family"]);

/** `-f`'s words for the two families. */
const FAMILY_WORDS: Record<string, Family> = {
  inet: AF_INET,
  "4": AF_INET,
  ipv4: AF_INET,
  inet6: AF_INET6,
  "6": AF_INET6,
  ipv6: AF_INET6,
};

const PARSE_OPTIONS = {
  stats: { type: "boolean", multiple: true },
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

/**
 * Rewrites one option token of ip's spelling (`-d`, `-stat`, `--json`,
 * `-c=never`) into parseArgs' spelling (`--details`, …), as ip.c matches it.
 */
function normaliseOption(tok: string): string {
  const eq = tok.indexOf("=");
  const name = eq < 0 ? tok : tok.slice(0, eq);
  const bare = name.startsWith("--") ? name.slice(1) : name;
  let canonical = OWN_OPTIONS[bare];
  if (canonical === undefined) {
    const entry = ipLookup(bare, IP_OPTIONS);
    if (!entry) throw new UsageError(`Option "${tok}" is unknown, try "nlroute --help".`);
    if (entry[1] === null) {
      throw new UsageError(`Option "${tok}" (ip's ${entry[0]}) is not supported by nlroute.`);
    }
    canonical = entry[1];
  }
  if (canonical === "--color") return `--color=${eq < 0 ? "always" : tok.slice(eq + 1)}`;
  if (eq >= 0) throw new UsageError(`Option "${name}" takes no "=" value, try "nlroute --help".`);
  return canonical;
}

/**
 * Splits argv into the global options (parsed) and the words of the command.
 * Options come first, as with `ip`; `-h`/`--help` is also accepted anywhere.
 */
export function parseGlobal(argv: readonly string[]): { options: GlobalOptions; words: string[] } {
  let i = 0;
  const opts: string[] = [];
  const takeOptions = () => {
    while (i < argv.length) {
      const tok = argv[i]!;
      if (!tok.startsWith("-") || tok === "-") break;
      if (tok === "--") {
        i++;
        break;
      }
      const option = normaliseOption(tok);
      opts.push(option);
      i++;
      if (TAKES_VALUE.has(option)) {
        if (i >= argv.length) {
          throw new UsageError(`Option "${option}" needs a value, try "nlroute --help".`);
        }
        opts.push(argv[i++]!);
      }
    }
  };
  takeOptions();
  // `nlroute tc -s qdisc show`: tc's options come after its name; they are nlroute's own.
  const lead: string[] = [];
  if (argv[i] === "tc") {
    lead.push("tc");
    i++;
    takeOptions();
  }
  let values;
  try {
    ({ values } = parseArgs({ args: opts, options: PARSE_OPTIONS, strict: true }));
  } catch (e) {
    throw new UsageError(parseArgsMessage(e));
  }
  const words = [...lead, ...argv.slice(i)];
  let help = values.help === true;
  // --help after the object asks for that object's (or command's) help; not
  // in the program `netns exec` runs.
  const at = words.slice(0, commandEnd(words)).findIndex((w) =>
    w === "-h" || w === "--help" || w === "-help"
  );
  if (at >= 0) {
    words.splice(at);
    help = true;
  }
  let family: Family = 0;
  if (values.family !== undefined) {
    const f = FAMILY_WORDS[values.family];
    if (f === undefined) {
      throw new ArgumentError("family", "inet or inet6", values.family, "argument");
    }
    family = f;
  }
  if (values.ipv4) family = AF_INET;
  if (values.ipv6) family = values.ipv4 ? 0 : AF_INET6;
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
      stats: values.stats?.length ?? 0,
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
