/**
 * `nlroute ynl FAMILY OP [--json JSON] [--dump] [--spec FILE]`,
 * `nlroute ynl FAMILY monitor [--group NAME …] [--count N]` and
 * `nlroute ynl FAMILY --list-ops`: generic netlink operations by their YNL
 * names, as the kernel's tools/net/ynl/cli.py runs them.
 *
 * `--json` is parsed here (a JSON object, or a usage error); its keys are
 * converted to the spec's names later, with the spec at hand.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ArgumentError } from "../../core/errors.ts";
import { UsageError } from "../errors.ts";
import type { Invocation } from "./invocation.ts";
import { inv } from "./invocation.ts";

const YNL_OPTIONS = {
  json: { type: "string" },
  dump: { type: "boolean" },
  spec: { type: "string" },
  group: { type: "string", multiple: true },
  count: { type: "string" },
  "list-ops": { type: "boolean" },
} as const;

/** The request of `--json TEXT`: a JSON object. */
function requestOf(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ArgumentError(
      "json",
      `a JSON object (${(e as Error).message.replace(/\.$/, "")})`,
      text,
      "Cannot parse argument",
    );
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new ArgumentError(
      "json",
      "a JSON object of request attributes",
      text,
      "Cannot parse argument",
    );
  }
  return v as Record<string, unknown>;
}

/**
 * Parses the words after `ynl` into an {@link Invocation} of object `ynl`
 * and action `do`, `dump`, `monitor` or `list-ops`.
 */
export function parseYnl(words: readonly string[]): Invocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...words],
      options: YNL_OPTIONS,
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    const m = /'([^']+)'/.exec((e as Error).message);
    throw new UsageError(
      m && (e as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
        ? `Option "${m[1]}" is unknown for "ynl", try "nlroute ynl help".`
        : `${(e as Error).message.split("\n")[0]}, try "nlroute ynl help".`,
    );
  }
  const { values, positionals } = parsed;
  const listOps = values["list-ops"] === true;
  const spec = values.spec;
  // With --spec the family may be left out: the spec names it.
  const wanted = listOps ? 1 : 2;
  const pos = [...positionals];
  if (spec !== undefined && pos.length === wanted - 1) pos.unshift("");
  if (pos[0] === "help" && pos.length === 1) return inv("help", "help", {}, { topic: "ynl" });
  if (pos.length < wanted) {
    throw new UsageError(
      `Command line is not complete for "ynl", try "nlroute ynl help".`,
    );
  }
  if (pos.length > wanted) {
    throw new UsageError(`Unknown argument "${pos[wanted]}" for "ynl", try "nlroute ynl help".`);
  }
  const family = pos[0] === "" ? undefined : pos[0];
  const op = listOps ? undefined : pos[1]!;
  const monitor = op === "monitor";
  if (!monitor && (values.group !== undefined || values.count !== undefined)) {
    throw new UsageError(`Options "--group" and "--count" are for "ynl FAMILY monitor".`);
  }
  if ((monitor || listOps) && (values.json !== undefined || values.dump)) {
    throw new UsageError(`Options "--json" and "--dump" are for "ynl FAMILY OP".`);
  }
  let count: number | undefined;
  if (values.count !== undefined) {
    if (!/^[1-9]\d*$/.test(values.count)) {
      throw new ArgumentError("count", "a positive integer", values.count, "argument");
    }
    count = Number(values.count);
  }
  const action = listOps ? "list-ops" : monitor ? "monitor" : values.dump ? "dump" : "do";
  return inv("ynl", action, {}, {
    ynl: {
      family,
      op: monitor ? undefined : op,
      request: requestOf(values.json),
      spec,
      groups: values.group ?? [],
      count,
    },
  });
}
