/**
 * Colours of the `nlroute` command's text, as `ip -c` colours it, and when to
 * use them.
 *
 * @module
 */
import { AF_INET, AF_INET6 } from "../core/address.ts";

/** When to colour the output. */
export type ColorMode = "auto" | "always" | "never";

/**
 * Whether to colour: never with `NO_COLOR` (non-empty) or `--color=never`,
 * always with `-c` / `--color=always`, else when stdout is a terminal. JSON is
 * never coloured.
 */
export function useColor(
  mode: ColorMode,
  isTTY: boolean,
  env: Record<string, string | undefined>,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (mode === "never") return false;
  if (mode === "always") return true;
  return isTTY;
}

const RESET = "\x1b[0m";
const COLOR = {
  ifname: "\x1b[36m",
  mac: "\x1b[33m",
  inet: "\x1b[35m",
  inet6: "\x1b[34m",
  up: "\x1b[32m",
  down: "\x1b[31m",
} as const;

/**
 * Colours like `ip -c` (interface names cyan, MAC addresses yellow, IPv4
 * magenta, IPv6 blue, operational state green/red), or nothing when off.
 */
export class Paint {
  /** Whether colours are written. */
  readonly on: boolean;

  /** Colours when `on`, plain text otherwise. */
  constructor(on: boolean) {
    this.on = on;
  }

  #c(color: string, s: string): string {
    return this.on && s !== "" ? `${color}${s}${RESET}` : s;
  }
  /** An interface name. */
  ifname(s: string): string {
    return this.#c(COLOR.ifname, s);
  }
  /** A link-layer address. */
  mac(s: string): string {
    return this.#c(COLOR.mac, s);
  }
  /** An IP address or prefix, by its family (guessed from the text when not given). */
  ip(s: string, family?: number): string {
    const f = family ?? (s.includes(":") ? AF_INET6 : AF_INET);
    return this.#c(f === AF_INET6 ? COLOR.inet6 : f === AF_INET ? COLOR.inet : "", s);
  }
  /** An operational state (`UP` green, `DOWN` red, others plain). */
  oper(s: string): string {
    return s === "UP" ? this.#c(COLOR.up, s) : s === "DOWN" ? this.#c(COLOR.down, s) : s;
  }
}

/**
 * No colours: what JSON output is built with.
 */
export const PLAIN: Paint = new Paint(false);

/**
 * Pads `s` to `width` columns before colouring, as ip's `%-16s` does.
 */
export function pad(s: string, width: number, paint: (s: string) => string): string {
  return paint(s) + " ".repeat(Math.max(0, width - s.length));
}
