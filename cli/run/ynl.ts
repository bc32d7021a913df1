/**
 * `nlroute ynl`: a generic netlink operation by its YNL name, run as the
 * kernel's tools/net/ynl/cli.py runs it, its replies printed as JSON — one
 * value for a do (`null` for an operation the kernel answers with an ACK
 * only), an array for a dump —; the notifications of a family's groups, one
 * JSON line each; or the operations of a spec with their forms.
 *
 * JSON output follows core/json.ts's rule: 64-bit integers are numbers when
 * safe, decimal strings otherwise; raw bytes are lower-case hex strings.
 *
 * @module
 */
import process from "node:process";
import { readFile } from "node:fs/promises";
import { ArgumentError } from "../../core/errors.ts";
import { jsonSafe } from "../../core/json.ts";
import { parseYaml } from "../../core/yaml.ts";
import { GenlFamily, loadFamilySpec } from "../../genl/family.ts";
import { familyFromYnl, type FamilySpec } from "../../genl/spec.ts";
import { systemReason, UsageError } from "../errors.ts";
import { jsonText } from "../format/fields.ts";
import type { Invocation, YnlArgs } from "../parse/invocation.ts";
import type { GlobalOptions } from "../parse/options.ts";
import { EXIT_INTERRUPTED } from "./monitor.ts";
import type { Output } from "./output.ts";
import { ynlRequest } from "./ynl_request.ts";

/** Operations of a family known at run time, every name taken for do and dump (checked by GenlFamily). */
type LooseOps = Record<
  string,
  {
    do: { request: Record<string, unknown>; reply: unknown };
    dump: { request: Record<string, unknown>; reply: unknown };
  }
>;

/** The spec of `--spec FILE`, or nlroute's own for the family. */
async function specOf(args: YnlArgs): Promise<FamilySpec> {
  if (args.spec !== undefined) {
    let text: string;
    try {
      text = await readFile(args.spec, "utf8");
    } catch (e) {
      throw new UsageError(`Cannot read spec "${args.spec}": ${systemReason(e)}`);
    }
    let spec: FamilySpec;
    try {
      spec = familyFromYnl(parseYaml(text, args.spec), args.spec);
    } catch (e) {
      throw new UsageError(`Cannot load spec "${args.spec}": ${(e as Error).message}`);
    }
    if (args.family !== undefined && args.family !== spec.name) {
      throw new ArgumentError("family", `the family of ${args.spec} (${spec.name})`, args.family);
    }
    return spec;
  }
  return await loadFamilySpec(args.family, "--spec FILE.yaml");
}

/** The forms of an operation (`do`, `dump`, `event`). */
function formsOf(spec: FamilySpec, op: string): string[] {
  const o = spec.ops[op]!;
  const forms: string[] = [];
  if (o.do) forms.push("do");
  if (o.dump) forms.push("dump");
  if (o.event || o.notify) forms.push("event");
  return forms;
}

/** `--list-ops`: each operation with its forms (a JSON array with -j). */
function listOps(spec: FamilySpec, opts: GlobalOptions, out: Output): number {
  const ops = Object.keys(spec.ops).map((name) => ({ name, forms: formsOf(spec, name) }));
  if (opts.json) {
    out.write(jsonText(ops, opts.pretty) + "\n");
    return 0;
  }
  const width = Math.max(0, ...ops.map((o) => o.name.length));
  for (const o of ops) {
    out.write(`${o.name.padEnd(width)}  ${o.forms.join(" ")}\n`.replace(/ +\n$/, "\n"));
  }
  return 0;
}

/** `monitor`: the notifications of the groups, one JSON line each, until interrupted or `--count`. */
async function monitor(fam: GenlFamily, args: YnlArgs, out: Output): Promise<number> {
  const groups = args.groups.length > 0 ? args.groups : fam.info.groups.map((g) => g.name);
  if (groups.length === 0) {
    throw new UsageError(`Family "${fam.name}" has no multicast groups to monitor.`);
  }
  fam.join(...groups);
  let interrupted = false;
  const stop = () => {
    interrupted = true;
    fam.close();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  let seen = 0;
  try {
    for await (const e of fam.events()) {
      if ("event" in e && e.event === "overrun") {
        process.stderr.write(
          `Warning: events were lost (${
            e.source === "kernel" ? "the kernel's buffer" : "the queue"
          } overflowed)\n`,
        );
        continue;
      }
      const { name, cmd, attrs } = e as { name: string; cmd: number; attrs: unknown };
      out.write(JSON.stringify({ name, cmd, attrs: jsonSafe(attrs) }) + "\n");
      if (args.count !== undefined && ++seen >= args.count) break;
    }
  } catch (e) {
    if (!interrupted) throw e;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
  return interrupted ? EXIT_INTERRUPTED : 0;
}

/** Runs a parsed `ynl` command; resolves with the exit code. */
export async function runYnl(inv: Invocation, opts: GlobalOptions, out: Output): Promise<number> {
  const args = inv.extras.ynl!;
  const spec = await specOf(args);
  if (inv.action === "list-ops") return listOps(spec, opts, out);
  await using fam = await GenlFamily.open(
    spec,
    opts.netns === undefined ? {} : { netns: opts.netns },
  );
  if (inv.action === "monitor") return await monitor(fam, args, out);
  const op = args.op!;
  const loose = fam as unknown as GenlFamily<LooseOps>;
  const o = spec.ops[op];
  const set = o ? fam.registry.sets.get(o.requestSet ?? o.set) : undefined;
  const request = ynlRequest(set, args.request) as Record<string, unknown>;
  if (inv.action === "dump") {
    const replies = await loose.dump(op, request).all();
    out.write(jsonText(jsonSafe(replies), opts.pretty) + "\n");
  } else {
    const reply = await loose.do(op, request);
    out.write(jsonText(jsonSafe(reply ?? null), opts.pretty) + "\n");
  }
  return 0;
}
