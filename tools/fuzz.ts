/**
 * The long fuzz run: `deno task fuzz` (or `bun tools/fuzz.ts`), optionally
 * `--cases N --seed S`. Captures real replies in a throwaway namespace, then
 * feeds N seeded mutations through the socket's receive path (an engine on a
 * fake connection) into every decoder and reports the figures: only
 * DecodeError may come out, nothing may hang, the heap must not grow. Then
 * uevents the same way (a tenth as many cases).
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { IPRoute, netns } from "../mod.ts";
import { captureCorpus, captureUEventCorpus, fuzz, fuzzUEvents } from "./fuzz_lib.ts";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "1000000" },
    seed: { type: "string", default: "20261122" },
  },
});
const cases = Number(values.cases);
const seed = Number(values.seed);
const ns = `nlrt-fuzz-${process.pid}`;

/** Builds a namespace with one of each object, so the corpus has every message kind. */
async function populate(): Promise<void> {
  await using ipr = await IPRoute.open({ netns: ns });
  await ipr.link("add", { ifname: "v0", kind: "veth", peer: "v1" });
  await ipr.link("add", { ifname: "br0", kind: "bridge", data: { stpState: 1 } });
  await ipr.link("add", {
    ifname: "vx0",
    kind: "vxlan",
    data: { id: 42, port: 4789, group: "239.1.1.1", link: 1 },
  });
  await ipr.link("set", { ifname: "v0", master: "br0", state: "up" });
  await ipr.link("set", { ifname: "v1", state: "up" });
  await ipr.addr("add", { index: "v1", address: "10.0.0.1/24" });
  await ipr.addr("add", { index: "v1", address: "fd00::1/64", flags: ["nodad"] });
  await ipr.route("add", {
    dst: "10.2.0.0/16",
    multipath: [{ gateway: "10.0.0.2" }, { gateway: "10.0.0.3", hops: 2 }],
  });
  await ipr.route("add", {
    dst: "10.3.0.0/16",
    gateway: "10.0.0.2",
    metrics: { mtu: 1300 },
    table: 1000,
  });
  await ipr.rule("add", { src: "10.0.0.0/8", table: 10, priority: 5, fwmark: 3 });
  await ipr.nexthop("add", { id: 1, gateway: "10.0.0.2", oif: "v1" });
  await ipr.nexthop("add", { id: 2, group: [{ id: 1, weight: 3 }] });
  await ipr.neigh("add", { index: "v1", dst: "10.0.0.9", lladdr: "02:00:00:00:00:09" });
  await ipr.link("set", { ifname: "br0", state: "up" });
  await ipr.mdb("add", { index: "br0", port: "v0", group: "239.1.1.1", state: "permanent" });
  await ipr.mdb("add", { index: "br0", port: "v0", group: "ff0e::1", state: "permanent", vid: 3 });
}

const gc = globalThis as { gc?: () => void; Bun?: { gc(sync: boolean): void } };
const collect = () => (gc.Bun ? gc.Bun.gc(true) : gc.gc?.());

netns.create(ns);
try {
  await populate();
  const corpus = await captureCorpus(ns);
  collect();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const chunk = 100_000;
  const total = {
    cases: 0,
    decodeErrors: 0,
    ok: 0,
    findings: [] as { case: number; error: string }[],
  };
  for (let done = 0; done < cases; done += chunk) {
    const s = await fuzz(corpus, Math.min(chunk, cases - done), seed + done);
    total.cases += s.cases;
    total.decodeErrors += s.decodeErrors;
    total.ok += s.ok;
    total.findings.push(...s.findings.map((f) => ({ ...f, case: f.case + done })));
    process.stderr.write(`\r${total.cases} cases…`);
  }
  const secs = (performance.now() - t0) / 1000;
  collect();
  const heap1 = process.memoryUsage().heapUsed;
  process.stderr.write("\n");
  console.log(
    `runtime: ${
      "Bun" in globalThis ? "bun" : "deno"
    }, seed ${seed}, corpus of ${corpus.length} messages (real replies and control messages)`,
  );
  console.log(
    `cases: ${total.cases} in ${secs.toFixed(1)} s (${Math.round(total.cases / secs)} per second)`,
  );
  console.log(
    `decoded cleanly: ${total.ok}, DecodeError: ${total.decodeErrors}, other exceptions: ${total.findings.length}`,
  );
  console.log(
    `heap after GC: ${(heap0 / 1048576).toFixed(1)} MiB before, ${
      (heap1 / 1048576).toFixed(1)
    } MiB after`,
  );
  for (const f of total.findings.slice(0, 10)) {
    console.log(`finding at case ${f.case}:\n${f.error}`);
  }
  // uevents: a tenth as many cases over real kernel datagrams and their libudev forms.
  const ucorpus = await captureUEventCorpus(ns);
  const u = fuzzUEvents(ucorpus, Math.ceil(cases / 10), seed);
  console.log(
    `uevents: ${u.cases} cases over ${ucorpus.length} datagrams: decoded cleanly ${u.ok}, ` +
      `DecodeError ${u.decodeErrors}, other exceptions ${u.findings.length}`,
  );
  for (const f of u.findings.slice(0, 10)) {
    console.log(`uevent finding at case ${f.case}:\n${f.error}`);
  }
  process.exitCode = total.findings.length || u.findings.length ? 1 : 0;
} finally {
  netns.remove(ns);
}
