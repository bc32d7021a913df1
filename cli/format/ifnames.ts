/**
 * Interface names and flags by index, what `ip` keeps in its link cache.
 *
 * @module
 */
import type { Link } from "../../mod.ts";

/**
 * Interface names and flags by index, to print `dev v0` for an index and
 * `M-DOWN` for a link whose lower device is down.
 */
export class Names {
  readonly #names = new Map<number, string>();
  readonly #flags = new Map<number, number>();

  /** A table from links (`ipr.getLinks()`). */
  static of(links: Iterable<Link>): Names {
    const n = new Names();
    for (const l of links) n.update(l);
    return n;
  }

  /** Records a link's name and flags. */
  update(l: Link): void {
    this.set(l.index, l.ifname ?? `if${l.index}`, l.flagsValue);
  }

  /** Records one name. */
  set(index: number, name: string, flags = 0): void {
    this.#names.set(index, name);
    this.#flags.set(index, flags);
  }

  /** Forgets a link. */
  delete(index: number): void {
    this.#names.delete(index);
    this.#flags.delete(index);
  }

  /** The name of an index (`if<N>` when unknown, as ip prints it). */
  name(index: number): string {
    return this.#names.get(index) ?? `if${index}`;
  }

  /** Whether the index is known. */
  has(index: number): boolean {
    return this.#names.has(index);
  }

  /** IFF_* flags of an index (0 when unknown). */
  flags(index: number): number {
    return this.#flags.get(index) ?? 0;
  }
}
