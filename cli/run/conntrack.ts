/**
 * `nlroute conntrack …`: runs conntrack(8)'s common commands with
 * {@link Conntrack} (inside `-n NS`) and prints what conntrack 1.4.7 prints:
 * `-L` lines (`-o extended`: the family first), the counts on standard error
 * ("N flow entries have been shown."), `-C`'s number, `-S`'s per-CPU lines;
 * or with `-j` the typed entries (ConntrackEntry's `toJSON()`). Mark, zone,
 * family and status are filtered by the kernel, addresses, protocol and
 * ports here (as conntrack does); `-D` and `-U` act on every entry the
 * options select, printing each (`-U`: as it is after the change, read
 * back; conntrack prints the kernel's answer, whose `use` counts its own
 * reference), and exit 1 when none is selected, as conntrack does.
 *
 * @module
 */
import { parseIP } from "../../core/address.ts";
import { Conntrack, type ConntrackEntry } from "../../mod.ts";
import type { ConntrackFilter } from "../../netfilter/request.ts";
import type { StatusFlag, TcpState } from "../../netfilter/names.ts";
import type { Tuple, TupleSpec } from "../../netfilter/tuple.ts";
import { UsageError } from "../errors.ts";
import { jsonText } from "../format/fields.ts";
import type { Invocation } from "../parse/invocation.ts";
import type { ConntrackArgs } from "../parse/conntrack.ts";
import type { GlobalOptions } from "../parse/options.ts";
import type { Output } from "./output.ts";

const PORT_PROTOCOLS = new Set(["tcp", "udp", "udplite", "sctp", "dccp"]);

function tupleText(t: Tuple): string {
  let s = `src=${t.src} dst=${t.dst} `;
  if (t.sport !== undefined || t.dport !== undefined) s += `sport=${t.sport} dport=${t.dport} `;
  if (t.icmpType !== undefined) s += `type=${t.icmpType} code=${t.icmpCode} id=${t.icmpId} `;
  return s;
}

/** One entry as conntrack 1.4.7 prints it (libnetfilter_conntrack's default format). */
export function entryLine(e: ConntrackEntry, extended: boolean): string {
  const pad = (s: string) => s.padEnd(8);
  let s = "";
  if (extended) s += `${pad(String(e.family))} ${e.family === "ipv6" ? 10 : 2} `;
  const o = e.orig;
  s += `${pad(String(o.protocol))} ${o.protoNum} `;
  if (e.timeout !== undefined) s += `${e.timeout} `;
  if (e.state !== undefined && typeof e.state === "string") s += `${e.state} `;
  const status = e.status;
  const c = e.counters;
  s += tupleText(o);
  if (c) s += `packets=${c.orig.packets} bytes=${c.orig.bytes} `;
  if (!status.includes("seenReply")) s += "[UNREPLIED] ";
  s += tupleText(e.reply);
  if (c) s += `packets=${c.reply.packets} bytes=${c.reply.bytes} `;
  if (status.includes("assured")) s += "[ASSURED] ";
  if (e.mark !== undefined) s += `mark=${e.mark} `;
  if (e.secctx !== undefined) s += `secctx=${e.secctx} `;
  if (e.zone !== undefined) s += `zone=${e.zone} `;
  if (e.use !== undefined) s += `use=${e.use} `;
  if (e.helper !== undefined) s += `helper=${e.helper} `;
  return s.trimEnd();
}

function sameAddress(a: string, b: string): boolean {
  const x = parseIP(a);
  const y = parseIP(b);
  return !!x && !!y && x.family === y.family && x.bytes.every((v, i) => v === y.bytes[i]);
}

/** Whether an entry matches the options conntrack filters in user space. */
function selects(a: ConntrackArgs, e: ConntrackEntry): boolean {
  const o = e.orig;
  const r = e.reply;
  if (a.proto !== undefined && a.proto !== String(o.protocol) && a.proto !== String(o.protoNum)) {
    return false;
  }
  if (a.src !== undefined && !sameAddress(a.src, o.src)) return false;
  if (a.dst !== undefined && !sameAddress(a.dst, o.dst)) return false;
  if (a.replySrc !== undefined && !sameAddress(a.replySrc, r.src)) return false;
  if (a.replyDst !== undefined && !sameAddress(a.replyDst, r.dst)) return false;
  if (a.sport !== undefined && o.sport !== a.sport) return false;
  if (a.dport !== undefined && o.dport !== a.dport) return false;
  if (a.state !== undefined && String(e.state) !== a.state.toUpperCase()) return false;
  return true;
}

/** -U's --state is a new value, not a selection. */
function withoutState(a: ConntrackArgs): ConntrackArgs {
  const { state: _state, ...rest } = a;
  return rest;
}

/** conntrack's status names (`SEEN_REPLY`) → nlroute's (`seenReply`). */
function statusFlags(names: string[]): StatusFlag[] {
  return names.map((n) =>
    n.toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())
  ) as StatusFlag[];
}

function filterOf(a: ConntrackArgs): ConntrackFilter {
  const f: ConntrackFilter = {};
  if (a.family) f.family = a.family;
  if (a.mark) {
    f.mark = a.mark.value;
    if (a.mark.mask !== undefined) f.markMask = a.mark.mask;
  }
  if (a.zone !== undefined) f.zone = a.zone;
  if (a.status) f.status = statusFlags(a.status);
  return f;
}

function specOf(t: Tuple): TupleSpec {
  const s: TupleSpec = { src: t.src, dst: t.dst, protocol: t.protoNum };
  if (t.sport !== undefined) s.sport = t.sport;
  if (t.dport !== undefined) s.dport = t.dport;
  if (t.icmpType !== undefined) s.icmpType = t.icmpType;
  if (t.icmpCode !== undefined) s.icmpCode = t.icmpCode;
  if (t.icmpId !== undefined) s.icmpId = t.icmpId;
  return s;
}

function newTuple(a: ConntrackArgs, reply: boolean): TupleSpec {
  const src = reply ? a.replySrc : a.src;
  const dst = reply ? a.replyDst : a.dst;
  if (src === undefined || dst === undefined || a.proto === undefined) {
    throw new UsageError(
      reply ? `"-I" with a reply needs both -r and -q.` : `"-I" needs -s, -d and -p.`,
    );
  }
  const proto = /^\d+$/.test(a.proto) ? Number(a.proto) : a.proto;
  const t = { src, dst, protocol: proto } as TupleSpec;
  if (PORT_PROTOCOLS.has(String(proto))) {
    if (a.sport === undefined || a.dport === undefined) {
      throw new UsageError(`"-I -p ${proto}" needs --sport and --dport.`);
    }
    t.sport = reply ? a.replySport ?? a.dport : a.sport;
    t.dport = reply ? a.replyDport ?? a.sport : a.dport;
  }
  if (a.icmpType !== undefined) t.icmpType = a.icmpType;
  if (a.icmpCode !== undefined) t.icmpCode = a.icmpCode;
  if (a.icmpId !== undefined) t.icmpId = a.icmpId;
  return t;
}

const BANNER = "conntrack v1.4.7 (conntrack-tools): ";

/** Runs `nlroute conntrack …`; resolves with the exit status. */
export async function runConntrack(
  inv: Invocation,
  opts: GlobalOptions,
  out: Output,
): Promise<number> {
  const a = inv.extras.conntrack as ConntrackArgs;
  const json = opts.json || a.json;
  const warn = out.warn ?? out.write;
  await using ct = await Conntrack.open(opts.netns === undefined ? {} : { netns: opts.netns });
  const print = (entries: ConntrackEntry[]) => {
    if (json) out.write(jsonText(entries.map((e) => e.toJSON()), opts.pretty) + "\n");
    else out.write(entries.map((e) => entryLine(e, a.extended) + "\n").join(""));
  };
  switch (a.command) {
    case "list": {
      const entries = (await ct.list(filterOf(a))).filter((e) => selects(a, e));
      print(entries);
      if (!json) warn(`${BANNER}${entries.length} flow entries have been shown.\n`);
      return 0;
    }
    case "count": {
      const n = await ct.count();
      out.write(json ? jsonText(n, opts.pretty) + "\n" : `${n.entries}\n`);
      return 0;
    }
    case "stats": {
      const stats = await ct.stats();
      if (json) {
        out.write(jsonText(stats.map((s) => s.toJSON()), opts.pretty) + "\n");
        return 0;
      }
      out.write(
        stats.map((s) =>
          `cpu=${
            String(s.cpu).padEnd(4)
          }\tfound=${s.found} invalid=${s.invalid} insert=${s.insert} ` +
          `insert_failed=${s.insertFailed} drop=${s.drop} early_drop=${s.earlyDrop} ` +
          `error=${s.error} search_restart=${s.searchRestart} clash_resolve=${s.clashResolve} ` +
          `chaintoolong=${s.chainToolong} \n`
        ).join(""),
      );
      return 0;
    }
    case "flush":
      await ct.flush(a.family ? { family: a.family } : {});
      if (!json) warn(`${BANNER}connection tracking table has been emptied.\n`);
      return 0;
    case "create": {
      if (a.timeout === undefined) throw new UsageError(`"-I" needs -t TIMEOUT.`);
      const spec: Parameters<Conntrack["create"]>[0] = {
        orig: newTuple(a, false),
        timeout: a.timeout,
      };
      if (a.replySrc !== undefined || a.replyDst !== undefined) spec.reply = newTuple(a, true);
      if (a.status) spec.status = statusFlags(a.status);
      if (a.mark) spec.mark = a.mark.value;
      if (a.zone !== undefined) spec.zone = a.zone;
      if (a.state !== undefined) spec.tcpState = a.state.toUpperCase() as TcpState;
      await ct.create(spec);
      if (!json) warn(`${BANNER}1 flow entries have been created.\n`);
      return 0;
    }
    case "delete":
    case "update": {
      const filter = filterOf(a);
      if (a.command === "update") {
        // -U's -m, -t, -u are the new values, not a selection.
        delete filter.mark;
        delete filter.markMask;
        delete filter.status;
      }
      const entries = (await ct.list(filter)).filter((e) =>
        selects(a.command === "update" ? withoutState(a) : a, e)
      );
      const shown: ConntrackEntry[] = [];
      for (const e of entries) {
        const sel = { orig: specOf(e.orig), ...(e.zone !== undefined ? { zone: e.zone } : {}) };
        if (a.command === "delete") {
          await ct.delete(sel);
          shown.push(e);
        } else {
          const u: Parameters<Conntrack["update"]>[0] = { ...sel };
          if (a.timeout !== undefined) u.timeout = a.timeout;
          if (a.mark) {
            u.mark = a.mark.value;
            if (a.mark.mask !== undefined) u.markMask = a.mark.mask;
          }
          if (a.status) u.status = statusFlags(a.status);
          await ct.update(u);
          shown.push(await ct.get(sel));
        }
      }
      print(shown);
      if (!json) {
        const verb = a.command === "delete" ? "deleted" : "updated";
        warn(`${BANNER}${entries.length} flow entries have been ${verb}.\n`);
      }
      return entries.length === 0 ? 1 : 0;
    }
  }
}
