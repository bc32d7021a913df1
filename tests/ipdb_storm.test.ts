/**
 * IPDB under an ENOBUFS storm: a tiny receive buffer, ~15k changes made by
 * `ip -batch` in the namespace while the database is open and read (or
 * followed by a callback), overruns arriving while a re-read runs. After each
 * storm `stale` settles to false within a generous bound and the database
 * equals `ip -j` exactly: links, addresses, routes in every table of both
 * families, rules. Several runs, since a lost overrun shows only sometimes.
 * `NLROUTE_STORM_LOG=1` prints each run's figures.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { IPDB } from "../mod.ts";
import { ip, isRoot, withTestNetns } from "./helpers.ts";
import { ipBatch } from "./ipdb_util.ts";
import { assertEqualsKernel } from "./ipdb_compare.ts";

const RUNS = 5;
const PAIRS = 300;
/** Bound for `stale` to settle once the storm is over (generous: the machine is shared). */
const SETTLE_MS = 30_000;

/** The storm: links, addresses, routes in four tables, rules, then removals of each kind. */
function stormLines(): string[] {
  const out: string[] = [];
  const net = (i: number) => `10.${1 + (i >> 8)}.${i & 255}`;
  for (let i = 0; i < PAIRS; i++) out.push(`link add s${i} type veth peer name t${i}`);
  // Peers stay down: no carrier, so the kernel adds nothing later on its own
  // (no IPv6 link-local addresses, no delayed link events) and the namespace
  // is quiet once the batch ends: nothing but IPDB itself ends a stale state.
  for (let i = 0; i < PAIRS; i++) out.push(`link set s${i} up`);
  for (let i = 0; i < PAIRS; i++) {
    out.push(
      `addr add ${net(i)}.1/24 dev s${i}`,
      `addr add ${net(i)}.2/24 dev s${i}`,
      `addr add fd00:${i.toString(16)}::1/64 dev s${i} nodad`,
    );
  }
  const tables = ["main", "100", "101", "102"];
  for (let j = 0; j < 10_000; j++) {
    const dst = `10.${100 + (j >> 16)}.${(j >> 8) & 255}.${j & 255}`;
    out.push(`route add ${dst}/32 dev s${j % PAIRS} table ${tables[j % 4]}`);
  }
  for (let j = 0; j < 1000; j++) {
    out.push(`route add fd10::${j.toString(16)}/128 dev s${j % PAIRS} table ${tables[j % 2]}`);
  }
  for (let j = 0; j < 1000; j++) {
    out.push(`rule add from 10.200.${j >> 8}.${j & 255} table ${100 + (j % 3)} prio ${1000 + j}`);
  }
  for (let i = 0; i < PAIRS; i += 9) out.push(`link set t${i} mtu 1400`);
  // Removals: routes, rules, primaries (secondaries go or are promoted), every
  // IPv4 address of a link (its IPv4 routes are flushed silently), links down
  // (the same), renames, links deleted (their routes go with them).
  for (let j = 0; j < 10_000; j += 10) {
    const dst = `10.${100 + (j >> 16)}.${(j >> 8) & 255}.${j & 255}`;
    out.push(`route del ${dst}/32 table ${tables[j % 4]}`);
  }
  for (let j = 0; j < 1000; j += 4) out.push(`rule del prio ${1000 + j}`);
  for (let i = 0; i < PAIRS; i += 7) out.push(`addr del ${net(i)}.1/24 dev s${i}`);
  for (let i = 3; i < PAIRS; i += 11) out.push(`addr flush dev s${i} scope global`);
  for (let i = 5; i < PAIRS; i += 13) out.push(`link set s${i} down`);
  for (let i = 1; i < PAIRS; i += 17) {
    out.push(`link set t${i} name u${i}`);
  }
  for (let i = 2; i < PAIRS; i += 10) out.push(`link del s${i}`);
  return out;
}

/** What a second `ip -6 -batch` does at the same time: IPv6 rules, some removed. */
function stormLines6(): string[] {
  const out: string[] = [];
  for (let j = 0; j < 500; j++) {
    out.push(`rule add from fd20::${j.toString(16)} table 100 prio ${3000 + j}`);
  }
  for (let j = 0; j < 500; j += 5) out.push(`rule del prio ${3000 + j}`);
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("IPDB under an ENOBUFS storm", { skip: !isRoot && "needs root for namespaces" }, () => {
  const lines = stormLines();
  const lines6 = stormLines6();

  for (let run = 1; run <= RUNS; run++) {
    // Odd runs read the database while the storm goes on; even runs follow it with a callback.
    const follow = run % 2 === 0;
    it(
      `run ${run}: stale settles and the database equals ip -j (${follow ? "callback" : "reads"})`,
      () =>
        withTestNetns(async (ns) => {
          ip(["link", "add", "v0", "type", "veth", "peer", "name", "v1"], ns);
          await using ipdb = await IPDB.open({ netns: ns, rcvbuf: 1024 });
          let events = 0;
          const id = follow ? ipdb.registerCallback(() => void events++) : undefined;
          let sawStale = false;
          let done = false;
          const started = Date.now();
          const storm = Promise.all([ipBatch(ns, lines), ipBatch(ns, lines6, ["-6"])])
            .finally(() => (done = true));
          while (!done) {
            sawStale ||= ipdb.stale;
            void ipdb.interfaces.size;
            await sleep(2);
          }
          assert.deepEqual(await storm, [0, 0], "ip -batch succeeded");
          const ended = Date.now();
          while (ipdb.stale && Date.now() - ended < SETTLE_MS) await sleep(10);
          const settled = Date.now() - ended;
          assert.equal(ipdb.stale, false, `stale settles within ${SETTLE_MS} ms`);
          assert.ok(ipdb.ipr.socket.stats.overruns > 0, "the storm overflowed the buffer");
          await assertEqualsKernel(ipdb, ns, `run ${run}: after the storm`, 10_000);
          if (process.env.NLROUTE_STORM_LOG) {
            const mode = follow ? "callback" : "reads";
            const { overruns } = ipdb.ipr.socket.stats;
            const equal = Date.now() - ended;
            console.log(
              `storm run ${run} (${mode}): batch ${ended - started} ms, ${overruns} overruns, ` +
                `stale seen ${sawStale}, stale false ${settled} ms and equal to ip -j ` +
                `${equal} ms after the batch, ${events} callback events`,
            );
          }
          if (id) ipdb.unregisterCallback(id);
        }),
    );
  }
});
