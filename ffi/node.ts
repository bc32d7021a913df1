/**
 * Node built-ins taken on first use, not imported: Deno sets up its `node:`
 * layer lazily, and importing `node:fs` or `node:process` at start-up costs a
 * fresh Deno process ~20–30 ms before its first request. Files the library
 * reads on the way to a result (iproute2's name files, /proc/net/psched) are
 * read with the runtime's own call instead (Deno.readTextFileSync), so the
 * layer is set up only for what needs Node's error codes (namespace files).
 *
 * @module
 */
import type * as NodeFs from "node:fs";
import type NodeProcess from "node:process";

/** The `node:fs` module type. */
export type Fs = typeof NodeFs;

interface DenoFiles {
  readTextFileSync(path: string): string;
  readDirSync(path: string): Iterable<{ name: string }>;
}

const deno = (globalThis as unknown as { Deno?: DenoFiles }).Deno;
let fs: Fs | undefined;

/** The global `process` (Node's API, present in Deno and Bun). */
export function nodeProcess(): typeof NodeProcess {
  return (globalThis as unknown as { process: typeof NodeProcess }).process;
}

/** `node:fs`, loaded on first use. */
export function nodeFs(): Fs {
  return fs ??= nodeProcess().getBuiltinModule("node:fs") as Fs;
}

/** A file's text (UTF-8); throws like the runtime's file call when it cannot be read. */
export function readTextFile(path: string): string {
  return deno ? deno.readTextFileSync(path) : nodeFs().readFileSync(path, "utf8");
}

/** The names in a folder (unsorted); throws like the runtime's call when it cannot be read. */
export function readDirNames(path: string): string[] {
  return deno ? Array.from(deno.readDirSync(path), (e) => e.name) : nodeFs().readdirSync(path);
}

/** The path of a `file:` URL (percent-escapes decoded), as `node:url`'s fileURLToPath gives it on Linux. */
export function filePath(url: string | URL): string {
  const u = typeof url === "string" ? new URL(url) : url;
  if (u.protocol !== "file:") {
    throw new TypeError(`Cannot take the path of ${u.href}: not a file URL`);
  }
  return decodeURIComponent(u.pathname);
}
