/**
 * The suite's summary: one comparable count line per runtime (leaf tests
 * passed, failed, skipped, from each runtime's JUnit report) and the reasons
 * tests were skipped (tests/helpers.ts `skipReason` records them).
 *
 * Run: `deno run -A tools/test_summary.ts <run tmp folder>` (scripts/test.sh does).
 */
import { existsSync, readFileSync } from "node:fs";
import process from "node:process";

const dir = process.argv[2];
if (!dir) throw new Error("Cannot summarize the tests: give the run's temporary folder");

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** Leaf test cases of a JUnit report: a case that names a parent of others (Deno's describes) is left out. */
function counts(file: string): Counts | undefined {
  if (!existsSync(file)) return undefined;
  const xml = readFileSync(file, "utf8");
  const cases = [
    ...xml.matchAll(/<testcase\b[^>]*\bname="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g),
  ]
    .map((m) => ({ name: m[1]!, body: m[3] ?? "" }));
  const names = cases.map((c) => c.name);
  const leaves = cases.filter((c) => !names.some((n) => n.startsWith(`${c.name} &gt; `)));
  const failed = leaves.filter((c) => /<(failure|error)\b/.test(c.body)).length;
  const skipped = leaves.filter((c) => /<skipped\b/.test(c.body)).length;
  return { passed: leaves.length - failed - skipped, failed, skipped };
}

for (const runtime of ["deno", "bun"]) {
  const c = counts(`${dir}/${runtime}.xml`);
  console.log(
    c
      ? `${runtime}: ${c.passed} passed | ${c.failed} failed | ${c.skipped} skipped`
      : `${runtime}: no report`,
  );
}
const reasons = existsSync(`${dir}/skip-reasons`)
  ? [...new Set(readFileSync(`${dir}/skip-reasons`, "utf8").split("\n").filter(Boolean))].sort()
  : [];
if (reasons.length) console.log(`skipped because: ${reasons.join("; ")}`);
