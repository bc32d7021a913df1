/**
 * Type-checks the JSDoc examples that the doc tests do not run: blocks marked
 * ```ts ignore (they need kernel features the test machine lacks). Deno 2.9's
 * `ignore` skips a block for both `deno test --doc` and `deno check --doc`, so
 * each such block becomes a module inside the repository (where
 * `@nlroute/nlroute` resolves to the checkout) and `deno check` runs on them.
 * Run: `deno run -A tools/doc_check.ts` (scripts/doc_tests.sh does).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import process from "node:process";

const root = new URL("..", import.meta.url).pathname;
const LIBRARY = ["mod.ts", "ffi", "core", "iproute", "netns", "ipdb", "cli"];

function sources(path: string): string[] {
  if (!statSync(`${root}${path}`).isDirectory()) return path.endsWith(".ts") ? [path] : [];
  return readdirSync(`${root}${path}`).sort().flatMap((name) => sources(`${path}/${name}`));
}

/** The ```ts ignore blocks of a file's JSDoc: the code and the line it starts on. */
function ignoredBlocks(text: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\* ```ts ignore\s*$/.test(lines[i]!)) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*\* ```\s*$/.test(lines[j]!); j++) {
      body.push(lines[j]!.replace(/^\s*\* ?/, ""));
    }
    out.push({ line: i + 1, code: body.join("\n") });
    i = j;
  }
  return out;
}

const dir = `${root}.doc_check`;
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir);
let count = 0;
for (const file of LIBRARY.flatMap(sources)) {
  for (const { line, code } of ignoredBlocks(readFileSync(`${root}${file}`, "utf8"))) {
    const name = `${file.replaceAll("/", "_").replace(/\.ts$/, "")}_${line}.ts`;
    writeFileSync(`${dir}/${name}`, `// ${file}:${line}\n${code}\nexport {};\n`);
    count++;
  }
}
const r = count
  ? spawnSync("deno", ["check", "--quiet", dir], { stdio: "inherit", cwd: root })
  : { status: 0 };
rmSync(dir, { recursive: true, force: true });
console.log(
  `${count} examples not run (ts ignore) ${r.status === 0 ? "type-check" : "FAIL to type-check"}`,
);
process.exitCode = r.status ?? 1;
