/**
 * The suite every namespace test runs in (root only; after every test the
 * test thread and the process are still in their own namespace), names for
 * namespaces the library itself creates (removed whatever a test left), and
 * namespaces made for a whole describe.
 */
import { after, afterEach, before, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";
import { netns } from "../mod.ts";
import { createTestNetns, isRoot, nsInode, removeTestNetns, testName } from "./helpers.ts";
import { inodeOf } from "./netns_probes.ts";

/** Names of the namespaces the library created for a test (see {@link freshName}). */
export const ours: Set<string> = new Set<string>();

/** A fresh `nlrt-` name for a namespace the library itself creates. */
export function freshName(): string {
  const name = testName("lib");
  ours.add(name);
  return name;
}

/** Removes what the library created, whatever state a test left. */
function cleanupOurs(): void {
  for (const name of ours) spawnSync("ip", ["netns", "del", name]);
  ours.clear();
}
process.on("exit", cleanupOurs);

/** The test thread's namespace inode, taken before the suite's first test. */
export let home = 0;
let processHome = 0;

/**
 * The suite of the namespace tests: `describe("netns (live, throwaway
 * namespaces)")`, skipped without root. After every test the test thread (and
 * the process) must still be in their namespace; afterwards, what the library
 * created is removed.
 */
export function describeNetns(body: () => void): void {
  describe("netns (live, throwaway namespaces)", { skip: !isRoot && "needs root" }, () => {
    before(() => {
      home = nsInode();
      processHome = inodeOf("/proc/self/ns/net");
    });
    afterEach(() => {
      // Whatever a test did, the test thread (and the process) must still be in their namespace.
      while (netns.stackDepth() > 0) netns.popns();
      assert.equal(nsInode(), home, "the test thread changed namespace");
      assert.equal(inodeOf("/proc/self/ns/net"), processHome, "the process changed namespace");
    });
    after(cleanupOurs);
    body();
  });
}

/**
 * Throwaway namespaces for the tests of the enclosing describe: `count` of
 * them made before the first test (handed to `use`), removed after the last.
 */
export function suiteNamespaces(count: number, use: (names: string[]) => void): void {
  let names: string[] = [];
  before(() => {
    names = Array.from({ length: count }, () => createTestNetns());
    use(names);
  });
  after(() => {
    for (const name of names) removeTestNetns(name);
  });
}
