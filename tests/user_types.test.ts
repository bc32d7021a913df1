/**
 * A user's own script that imports nlroute's `mod.ts` by path type-checks with
 * no type setup of its own: under `deno check` with Deno's types only (no
 * bun-types, none of this project's settings) and under `tsc` with bun-types
 * (no Deno types). The script lives in a temporary folder outside the checkout
 * (the body of tests/types/correct.ts). Next to it, a check that nlroute's own
 * descriptions of the runtime globals (ffi/deno_api.ts, ffi/bun_api.ts) match
 * the runtime's real types. Each check also expects one error, so that a check
 * that silently ran without the library's or the runtime's types fails.
 *
 * Type checking is the same under both runtimes: it runs once, under Deno.
 */
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtime, skipReason, testTmpDir } from "./helpers.ts";

/** The checkout, with a trailing slash. */
const ROOT = fileURLToPath(new URL("../", import.meta.url));
const TIMEOUT_MS = 300_000;

/** The user's script: tests/types/correct.ts importing the checkout by absolute path, plus one mistake. */
function userScript(): string {
  const body = readFileSync(join(ROOT, "tests/types/correct.ts"), "utf8");
  const relative = 'from "../../mod.ts";';
  assert.ok(body.includes(relative), "correct.ts imports ../../mod.ts");
  return body.replace(relative, `from ${JSON.stringify(join(ROOT, "mod.ts"))};`) + `
export async function mistake(ipr: IPRoute): Promise<void> {
  // @ts-expect-error a misspelled command (fails only if the library's types apply)
  await ipr.link("ad", { ifname: "v0" });
}
`;
}

/** Deno's side: nlroute's description of `Deno` against Deno's own types; no `Bun` here. */
function denoApiCheck(): string {
  return `import type { DenoApi } from ${JSON.stringify(join(ROOT, "ffi/deno_api.ts"))};
export const deno: DenoApi<Deno.PointerObject> = Deno;
// @ts-expect-error no bun-types in a Deno user's check
export const bun = Bun;
`;
}

/** Bun's side: nlroute's description of `Bun` against bun-types; no `Deno` here. */
function bunApiCheck(): string {
  // Bun.spawn is overloaded and generic (assigning it whole erases the
  // generics): check the call nlroute makes instead.
  return `import type { BunApi } from ${JSON.stringify(join(ROOT, "ffi/bun_api.ts"))};
export const bun: Omit<BunApi, "spawn"> = Bun;
export const spawn: BunApi["spawn"] = (cmd, options) => Bun.spawn(cmd, options);
// @ts-expect-error no Deno types in a Bun user's check
export const deno = Deno;
`;
}

/** A folder holding `files`; returns its path. */
function folder(parent: string, name: string, files: Record<string, string>): string {
  const dir = join(parent, name);
  mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

function run(cmd: string, args: string[], cwd: string): { status: number | null; output: string } {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    timeout: TIMEOUT_MS,
    env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}${r.error ? String(r.error) : ""}` };
}

// Skipped test by test (not the describe), so that Bun counts the skips too.
const skip = skipReason(runtime === "bun" && "type-checked under Deno");

describe("a user's script importing mod.ts by path", () => {
  let base = "";
  before(() => {
    if (skip) return;
    base = realpathSync(mkdtempSync(join(testTmpDir(), "user-types-")));
    assert.ok(!base.startsWith(realpathSync(ROOT)), `${base} is outside the checkout`);
  });

  it("passes deno check with a config of its own (Deno's types only)", {
    skip,
    timeout: TIMEOUT_MS,
  }, () => {
    // No compilerOptions: neither bun-types nor this project's settings apply.
    const dir = folder(base, "deno", {
      "deno.json": '{ "lock": false }\n',
      "user.ts": userScript(),
      "deno_api.ts": denoApiCheck(),
    });
    const r = run(process.execPath, [
      "check",
      "--config",
      join(dir, "deno.json"),
      "user.ts",
      "deno_api.ts",
    ], dir);
    assert.equal(r.status, 0, r.output);
  });

  it("passes tsc with bun-types", { skip, timeout: TIMEOUT_MS }, () => {
    const tsconfig = {
      compilerOptions: {
        types: ["bun-types"],
        typeRoots: [join(ROOT, "node_modules")],
        moduleResolution: "bundler",
        allowImportingTsExtensions: true,
        noEmit: true,
        strict: true,
        skipLibCheck: true,
      },
      files: ["user.ts", "bun_api.ts"],
    };
    const dir = folder(base, "tsc", {
      "tsconfig.json": JSON.stringify(tsconfig, null, 2),
      "user.ts": userScript(),
      "bun_api.ts": bunApiCheck(),
    });
    const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
    assert.ok(existsSync(tsc), `${tsc} is missing: run npm ci (package.json pins typescript)`);
    const r = run("node", [tsc, "--noEmit", "-p", join(dir, "tsconfig.json")], dir);
    assert.equal(r.status, 0, r.output);
  });
});
