/**
 * Type-checks the README's TypeScript examples against the code: each program
 * (tests/readme_examples.ts: a block that imports the library, with the
 * fragments that continue it) becomes a module importing the repository's
 * mod.ts, then `deno check` runs on them. tests/readme.test.ts runs them.
 * DEVELOPERS.md's programs (which import repository paths, "./mod.ts",
 * "./core/…") are checked the same way.
 * Run: `deno run -A tools/readme_check.ts` (the test script does).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { readmePrograms } from "../tests/readme_examples.ts";

const root = new URL("..", import.meta.url).pathname;
const dir = `${root}.readme_check`;
const programs = [
  ...readmePrograms(`${root}README.md`, "../mod.ts"),
  // Repository-relative imports, one folder down.
  ...readmePrograms(`${root}DEVELOPERS.md`, "../mod.ts").map((p) => ({
    ...p,
    code: p.code.replace(/(from |import\()"\.\//g, '$1"../'),
  })),
];
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir);
programs.forEach((p, i) => writeFileSync(`${dir}/example${i}.ts`, `${p.code}\nexport {};\n`));
const r = spawnSync("deno", ["check", dir], { stdio: "inherit", cwd: root });
rmSync(dir, { recursive: true, force: true });
console.log(
  `${programs.length} README and DEVELOPERS.md programs ${
    r.status === 0 ? "type-check" : "FAIL to type-check"
  }`,
);
process.exitCode = r.status ?? 1;
