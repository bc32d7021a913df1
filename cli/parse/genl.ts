/**
 * `nlroute genl [ctrl] { list | show }`: the generic netlink families, as
 * iproute2's `genl ctrl list` shows them.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { Invocation } from "./invocation.ts";
import { inv } from "./invocation.ts";
import { ipLookup, type IpWord } from "./ip_words.ts";

/** genl's commands (ctrl.c's words; `ls` as genl spells it). */
const GENL_COMMANDS: readonly IpWord[] = [
  ["list", "list"],
  ["show", "list"],
  ["ls", "list", "exact"],
  ["help", "help"],
];

/**
 * Parses the words after `genl`: an optional `ctrl` (genl's object), then
 * `list` (the default), `show` or `help`.
 */
export function parseGenl(words: readonly string[]): Invocation {
  let rest = words;
  if (rest[0] !== undefined && "ctrl".startsWith(rest[0]) && rest[0] !== "") rest = rest.slice(1);
  const word = rest[0] ?? "list";
  const entry = ipLookup(word, GENL_COMMANDS);
  if (!entry) throw new UsageError(`Command "${word}" is unknown, try "nlroute genl help".`);
  if (entry[1] === "help") return inv("help", "help", {}, { topic: "genl" });
  if (rest.length > 1) {
    throw new UsageError(`Unknown argument "${rest[1]}" for "genl list", try "nlroute genl help".`);
  }
  return inv("genl", "list", {});
}
