/**
 * A cursor over the words of one `nlroute` command, with the one-line
 * errors that name the command (a keyword twice, a missing value, a word
 * that does not belong).
 *
 * @module
 */
import { UsageError } from "../errors.ts";

/**
 * The words of one command (`link set dev v0 mtu 1400`, after `link set`).
 */
export class Words {
  readonly #words: readonly string[];
  #i = 0;
  /** The command, for messages (`link set`). */
  readonly where: string;
  /** The object, for the help hint. */
  readonly object: string;
  readonly #seen = new Set<string>();
  /** Prefix of the keys seen (`peer.` while reading a veth peer's options). */
  scope = "";

  /** The words after `object action`. */
  constructor(words: readonly string[], object: string, action: string) {
    this.#words = words;
    this.object = object;
    this.where = `${object} ${action}`;
  }

  /** Whether every word is read. */
  get done(): boolean {
    return this.#i >= this.#words.length;
  }

  /** The next word, not consumed. */
  peek(): string | undefined {
    return this.#words[this.#i];
  }

  /** The next word; the command is incomplete without one. */
  next(): string {
    const w = this.#words[this.#i++];
    if (w === undefined) throw this.incomplete();
    return w;
  }

  /** The value after `keyword`; refuses a keyword given twice. */
  value(keyword: string, key = keyword): string {
    this.once(keyword, key);
    const w = this.#words[this.#i++];
    if (w === undefined) {
      throw new UsageError(`argument "${keyword}" needs a value in "${this.where}".`);
    }
    return w;
  }

  /** Marks a switch seen (no value); refuses it twice. */
  once(keyword: string, key = keyword): void {
    const scoped = this.scope + key;
    if (this.#seen.has(scoped)) {
      throw new UsageError(`argument "${keyword}" is given twice in "${this.where}".`);
    }
    this.#seen.add(scoped);
  }

  /** The error for a command that stops too early. */
  incomplete(): UsageError {
    return new UsageError(
      `Command line is not complete for "${this.where}", try "nlroute ${this.object} help".`,
    );
  }

  /** The error for a word that does not belong. */
  garbage(word: string): UsageError {
    return new UsageError(
      `Unknown argument "${word}" for "${this.where}", try "nlroute ${this.object} help".`,
    );
  }

  /** The error for a command that lacks a required `what` (`"dev" argument`). */
  required(what: string): UsageError {
    return new UsageError(`Not enough information: ${what} is required for "${this.where}".`);
  }
}
