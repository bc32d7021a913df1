/**
 * The README's examples as programs: each ```ts block that imports the
 * library starts a program, and the blocks after it that do not (fragments
 * continuing it) are appended to it. A block may be preceded by
 * `<!-- readme-setup: cmd; cmd -->`: `ip` commands run in the program's
 * namespace first (the interfaces an example assumes). Namespace names the
 * examples use (`"blue"`, `"red"`) are replaced by names this test run owns.
 * Used by tests/readme.test.ts and tools/readme_check.ts.
 */
import { readFileSync } from "node:fs";

/** One program made of README blocks. */
export interface ReadmeProgram {
  /** The heading the program's first block is under. */
  heading: string;
  /** Source text, imports pointing at `library`. */
  code: string;
  /** `ip` argument lists to run in the namespace before the program. */
  setup: string[][];
}

/** The example namespace names the README uses. */
export const EXAMPLE_NAMESPACES = ["blue", "red"] as const;

/** The programs of `readmePath`, importing the library from `library` (a file URL or path). */
export function readmePrograms(
  readmePath: string,
  library: string,
  names: Record<string, string> = {},
): ReadmeProgram[] {
  const text = readFileSync(readmePath, "utf8");
  const programs: ReadmeProgram[] = [];
  let heading = "";
  const re = /^(#{1,4} .*)$|(?:<!-- readme-setup: ([^>]*?) -->\s*\n)?```ts\n([\s\S]*?)```/gm;
  for (const m of text.matchAll(re)) {
    if (m[1]) {
      heading = m[1].replace(/^#+ /, "");
      continue;
    }
    const setup = (m[2] ?? "").split(";").map((c) => c.trim()).filter(Boolean)
      .map((c) => c.split(/\s+/));
    let code = m[3]!.replaceAll('"jsr:@nlroute/nlroute"', JSON.stringify(library))
      .replaceAll('"@nlroute/nlroute"', JSON.stringify(library));
    for (const [from, to] of Object.entries(names)) code = code.replaceAll(`"${from}"`, `"${to}"`);
    const last = programs[programs.length - 1];
    if (!/^import /m.test(code) && last) {
      last.code += `\n// --- ${heading}\n${code}`;
      last.setup.push(...setup);
    } else programs.push({ heading, code, setup });
  }
  return programs;
}
