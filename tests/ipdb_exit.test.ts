/**
 * A script with IPDB callbacks or watchdogs ends: a child process (the
 * runtime running the tests, on a small script in a temporary folder) opens
 * IPDB in a throwaway namespace, registers a callback, and then releases the
 * database, leaves an `await using` block, unregisters the callback, or lets
 * a watchdog time out; it must exit on its own within a bound (it is killed
 * otherwise, and the test fails). A registered callback keeps the process
 * alive (see IPDB.registerCallback): those are the ways out.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { ip, isRoot, runtime, withTestNetns } from "./helpers.ts";

/** How long a child may take (runtime start-up included: the machine is shared). */
const BOUND_MS = 30_000;

const MOD = new URL("../mod.ts", import.meta.url).href;

/** The child's script: `<netns> <way out>`. */
const SCRIPT = `
import process from "node:process";
import { IPDB } from ${JSON.stringify(MOD)};
const [netns, way] = process.argv.slice(2);
const seen = [];
if (way === "using") {
  await using ipdb = await IPDB.open({ netns });
  ipdb.registerCallback((_db, e) => void seen.push(e.event));
} else {
  const ipdb = await IPDB.open({ netns });
  const id = ipdb.registerCallback((_db, e) => void seen.push(e.event));
  if (way === "release") ipdb.release();
  if (way === "unregister") ipdb.unregisterCallback(id);
  if (way === "watchdog") {
    ipdb.unregisterCallback(id);
    await ipdb.wait("RTM_NEWLINK", { ifname: "never" }, { timeout: 200 }).catch(() => {});
    const dog = ipdb.watchdog("RTM_NEWLINK", { ifname: "never" });
    dog.cancel();
  }
  if (way === "events") {
    // Events arrive while the callback is registered, then it goes.
    await ipdb.wait("RTM_NEWLINK", { ifname: "late" }, { timeout: 10000 });
    ipdb.unregisterCallback(id);
  }
}
console.log("done");
`;

/** Runs the script with the tests' runtime; resolves with its exit code and output, or "killed". */
function runChild(
  file: string,
  args: string[],
  onStart?: () => void,
): Promise<{ code: number | "killed"; out: string }> {
  const argv = runtime === "deno" ? ["run", "-A", file, ...args] : [file, ...args];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve({ code: "killed", out });
    }, BOUND_MS);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
    onStart?.();
  });
}

describe(
  "A script with IPDB callbacks ends",
  { skip: !isRoot && "needs root for namespaces" },
  () => {
    for (const way of ["release", "using", "unregister", "watchdog", "events"]) {
      it(`exits on its own: ${way}`, () =>
        withTestNetns(async (ns) => {
          const dir = mkdtempSync(join(tmpdir(), "nlroute-exit-"));
          try {
            const file = join(dir, "script.ts");
            writeFileSync(file, SCRIPT);
            let timer: ReturnType<typeof setInterval> | undefined;
            const r = await runChild(file, [ns, way], () => {
              if (way !== "events") return;
              // Keep changing the namespace until the child saw "late" appear.
              let n = 0;
              timer = setInterval(() => {
                try {
                  ip(["link", n++ % 2 ? "del" : "add", "late", "type", "veth"], ns);
                } catch { /* the previous step is still in flight */ }
              }, 200);
            });
            if (timer) clearInterval(timer);
            assert.equal(r.code, 0, `the child exits within ${BOUND_MS} ms`);
            assert.equal(r.out.trim(), "done");
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }));
    }
  },
);
