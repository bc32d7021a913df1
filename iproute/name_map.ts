/**
 * Two-way maps between numbers and names ({@link NameMap}), optionally
 * extended by an iproute2 name file (`rt_tables`, `rt_protos`, `rt_scopes`,
 * `rt_realms`): read on first use from iproute2's configuration folders, the
 * later folder's entries winning, each file followed by the `.conf` files of
 * its `.d` folder, as iproute2 reads them.
 *
 * @module
 */
import { readDirNames, readTextFile } from "../ffi/node.ts";
import { ArgumentError } from "../core/errors.ts";

/** iproute2's configuration folders, in the order it reads them (later ones override). */
const DEFAULT_DIRS: readonly string[] = [
  "/usr/share/iproute2",
  "/usr/lib/iproute2",
  "/etc/iproute2",
];
let configDirs: readonly string[] = DEFAULT_DIRS;
const fileBacked = new Set<NameMap>();

/**
 * Points the name files at other folders (default: `/usr/share/iproute2`,
 * `/usr/lib/iproute2`, `/etc/iproute2`, later ones overriding earlier ones);
 * the maps read them again on their next use. `undefined` restores the default.
 *
 * @example
 * ```ts
 * import { setIproute2ConfigDirs, tableId } from "@nlroute/nlroute";
 * import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
 * import assert from "node:assert/strict";
 * const dir = mkdtempSync("/tmp/nlroute-doc-");
 * writeFileSync(`${dir}/rt_tables`, "100 isp1\n");
 * setIproute2ConfigDirs([dir]);
 * assert.equal(tableId("isp1"), 100);
 * setIproute2ConfigDirs(undefined);
 * rmSync(dir, { recursive: true });
 * ```
 */
export function setIproute2ConfigDirs(dirs: readonly string[] | undefined): void {
  configDirs = dirs === undefined ? DEFAULT_DIRS : [...dirs];
  for (const m of fileBacked) m.reload();
}

/** Reads a file, or nothing when it is absent or unreadable (iproute2 skips those too). */
function readOptional(path: string): string {
  try {
    return readTextFile(path);
  } catch {
    return "";
  }
}

/** The `<number> <name>` entries of one iproute2 name file (decimal or 0x hex; # comments). */
export function parseNameFile(text: string): [string, number][] {
  const out: [string, number][] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*/, "").trim();
    const m = line.match(/^(0x[0-9a-fA-F]+|\d+)\s+(\S+)/);
    if (m) out.push([m[2]!, Number(m[1])]);
  }
  return out;
}

/** The entries of `file` in every configuration folder, then of its `.d/*.conf` files. */
function readNameFiles(file: string): [string, number][] {
  const out: [string, number][] = [];
  for (const dir of configDirs) {
    out.push(...parseNameFile(readOptional(`${dir}/${file}`)));
    let confs: string[] = [];
    try {
      confs = readDirNames(`${dir}/${file}.d`).filter((f) => f.endsWith(".conf")).sort();
    } catch {
      // No .d folder.
    }
    for (const f of confs) out.push(...parseNameFile(readOptional(`${dir}/${file}.d/${f}`)));
  }
  return out;
}

/**
 * A two-way map between numbers and names; unknown numbers print as numbers.
 * With a `file`, iproute2's name file of that name adds names (read on first
 * use; its names win for the values they name).
 *
 * @example
 * ```ts
 * import { ROUTE_PROTOCOLS } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 * assert.equal(ROUTE_PROTOCOLS.name(4), "static");
 * assert.equal(ROUTE_PROTOCOLS.value("kernel", "proto"), 2);
 * ```
 */
export class NameMap {
  readonly #builtin: readonly (readonly [string, number])[];
  readonly #file: string | undefined;
  #byValue: Map<number, string> | undefined;
  #byName: Map<string, number> | undefined;
  /** What the values are, for error messages. */
  readonly what: string;

  /** A map of `what` from built-in entries, extended by iproute2's `file` when given. */
  constructor(what: string, entries: Iterable<readonly [string, number]>, file?: string) {
    this.what = what;
    this.#builtin = [...entries];
    this.#file = file;
    if (file !== undefined) fileBacked.add(this);
  }

  /** Forgets what was read from the name file (it is read again on next use). */
  reload(): void {
    this.#byName = this.#byValue = undefined;
  }

  #names(): Map<string, number> {
    if (this.#byName) return this.#byName;
    const byName = new Map(this.#builtin);
    const byValue = new Map<number, string>();
    for (const [n, v] of byName) if (!byValue.has(v)) byValue.set(v, n);
    if (this.#file !== undefined) {
      for (const [n, v] of readNameFiles(this.#file)) {
        byName.set(n, v);
        byValue.set(v, n);
      }
    }
    this.#byValue = byValue;
    return this.#byName = byName;
  }

  /** The name of a value, or the value itself when it has none. */
  name(v: number): string | number {
    if (!this.#byValue) this.#names();
    return this.#byValue!.get(v) ?? v;
  }

  /** The value of a name or number; throws {@link ArgumentError} naming `argument`. */
  value(v: unknown, argument: string, max = 255): number {
    if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= max) return v;
    if (typeof v === "string") {
      const n = this.#names().get(v);
      if (n !== undefined && n <= max) return n;
      if (/^\d+$/.test(v) && Number(v) <= max) return Number(v);
    }
    throw new ArgumentError(
      argument,
      `a ${this.what}: ${[...this.#names().keys()].join(", ")} or 0..${max}`,
      v,
    );
  }

  /** All names. */
  names(): string[] {
    return [...this.#names().keys()];
  }
}
