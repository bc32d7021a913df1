/**
 * What each `nlroute` command does: opens IPRoute (inside `-n NS` when
 * given) and hands the parsed command to its object's runner.
 *
 * @module
 */
import { IPRoute } from "../../mod.ts";
import { UsageError } from "../errors.ts";
import type { Invocation } from "../parse/invocation.ts";
import type { GlobalOptions } from "../parse/options.ts";
import { runAddr } from "./addr.ts";
import { runAddrlabel } from "./addrlabel.ts";
import { runTuntap } from "./tuntap.ts";
import { runMdb, runVlan } from "./bridge.ts";
import { runNetconf } from "./netconf.ts";
import { runNtable } from "./ntable.ts";
import { runStats } from "./stats.ts";
import { runGenl } from "./genl.ts";
import { runLink } from "./link.ts";
import { runMaddr } from "./maddr.ts";
import { runMonitor } from "./monitor.ts";
import { runNeigh } from "./neigh.ts";
import { runNetns } from "./netns.ts";
import { runNexthop } from "./nexthop.ts";
import type { Output } from "./output.ts";
import { runRoute } from "./route.ts";
import { runRule } from "./rule.ts";
import { runYnl } from "./ynl.ts";
import { runUEvent } from "./uevent.ts";
import { runClass, runFilter, runQdisc } from "./tc.ts";
import { runSs } from "./ss.ts";
import { runIpset } from "./ipset.ts";
import { runConntrack } from "./conntrack.ts";

type Runner = (ipr: IPRoute, inv: Invocation, opts: GlobalOptions, out: Output) => Promise<number>;

const RUNNERS: Record<string, Runner> = {
  link: runLink,
  addr: runAddr,
  route: runRoute,
  neigh: runNeigh,
  rule: runRule,
  nexthop: runNexthop,
  addrlabel: runAddrlabel,
  tuntap: runTuntap,
  mdb: runMdb,
  vlan: runVlan,
  netconf: runNetconf,
  ntable: runNtable,
  stats: runStats,
  qdisc: runQdisc,
  tclass: runClass,
  tfilter: runFilter,
};

/**
 * Runs one parsed command; resolves with the exit code (errors are thrown and
 * reported by the caller).
 */
export async function runCommand(
  inv: Invocation,
  opts: GlobalOptions,
  out: Output,
): Promise<number> {
  if (inv.object === "netns") return await runNetns(inv, opts, out);
  if (inv.object === "monitor") return await runMonitor(inv, opts, out);
  if (inv.object === "maddr") return await runMaddr(inv, opts, out);
  if (inv.object === "genl") return await runGenl(inv, opts, out);
  if (inv.object === "ynl") return await runYnl(inv, opts, out);
  if (inv.object === "uevent") return await runUEvent(inv, opts, out);
  if (inv.object === "ss") return await runSs(inv, opts, out);
  if (inv.object === "ipset") return await runIpset(inv, opts, out);
  if (inv.object === "conntrack") return await runConntrack(inv, opts, out);
  const run = RUNNERS[inv.object];
  if (!run) throw new UsageError(`Object "${inv.object}" has no commands.`);
  await using ipr = await IPRoute.open(opts.netns === undefined ? {} : { netns: opts.netns });
  return await run(ipr, inv, opts, out);
}
