/**
 * Type-checks the README's TypeScript examples against the code: each ```ts
 * block becomes a module importing the repository's mod.ts, then `deno check`
 * runs on them. Run: `deno run -A tools/readme_check.ts` (the test script does).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import process from "node:process";

const root = new URL("..", import.meta.url).pathname;
const dir = `${root}.readme_check`;
const text = readFileSync(`${root}README.md`, "utf8");
const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir);
blocks.forEach((b, i) => {
  let code = b.replaceAll('"jsr:@nlroute/nlroute"', '"../mod.ts"').replaceAll(
    '"@nlroute/nlroute"',
    '"../mod.ts"',
  );
  // Fragments that continue an earlier example get its usual context.
  if (!code.includes("import ")) {
    code = 'import { IPDB, IPRoute } from "../mod.ts";\n' +
      "await using ipr = await IPRoute.open();\nawait using ipdb = await IPDB.open();\n" + code;
  }
  writeFileSync(`${dir}/example${i}.ts`, `${code}\nexport {};\n`);
});
const r = spawnSync("deno", ["check", dir], { stdio: "inherit", cwd: root });
rmSync(dir, { recursive: true, force: true });
console.log(
  `${blocks.length} README examples ${r.status === 0 ? "type-check" : "FAIL to type-check"}`,
);
process.exitCode = r.status ?? 1;
