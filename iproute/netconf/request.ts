/**
 * The request builder for netconf (per-interface IP configuration): `get`
 * (one interface's, or the `all` / `default` pseudo entries) and `dump` (every
 * interface of a family, or of all families).
 *
 * @module
 */
import { AF_INET, AF_INET6, AF_MPLS } from "../../core/address.ts";
import { ArgumentError } from "../../core/errors.ts";
import { Writer } from "../../core/codec.ts";
import { encodeAttrs } from "../../core/schema.ts";
import { NETCONFA_IFINDEX, RTM, RTNETLINK_STRUCTS } from "../../core/tables/constants.ts";
import type { Request } from "../../core/socket.ts";
import { structRequest } from "../header.ts";
import type { Command } from "../object.ts";
import { SETS } from "../registry.ts";
import { checkKeys, command, family, int, type Spec } from "../spec.ts";

const NETCONFMSG = RTNETLINK_STRUCTS.netconfmsg;

/** The netconf commands (read only: the values are sysctls). */
export const NETCONF_COMMANDS = {
  get: [RTM.GETNETCONF, 0],
  dump: [RTM.GETNETCONF, 0],
} as const satisfies Record<string, Command>;

/** Arguments of `netconf(cmd, spec)`. */
export interface NetconfSpec {
  /**
   * The interface: an index, a name (resolved by IPRoute), or the pseudo
   * entries `"all"` (the `all` sysctls, index -1) and `"default"` (-2).
   * Required by `get`; a dump filter client-side.
   */
  index?: number | string;
  /** `inet` (default for `get`), `inet6` or `mpls` (28); a dump without it covers every family. */
  family?: "inet" | "inet6" | "mpls" | number;
}

/** The pseudo interface names netconf reports, by index (what ip prints). */
export const NETCONF_PSEUDO: Readonly<Record<string, number>> = {
  all: NETCONFA_IFINDEX.ALL,
  default: NETCONFA_IFINDEX.DEFAULT,
};

/** The family number of a netconf spec (undefined: every family). */
export function netconfFamily(v: unknown): number | undefined {
  if (v === "mpls") return AF_MPLS;
  const f = family(v, undefined, "family");
  if (f !== undefined && f !== AF_INET && f !== AF_INET6 && f !== AF_MPLS) {
    throw new ArgumentError("family", "inet, inet6 or mpls", v);
  }
  return f;
}

/** The interface index of a netconf spec: an index or the pseudo entries' numbers. */
export function netconfIndex(v: unknown): number {
  if (typeof v === "string" && Object.hasOwn(NETCONF_PSEUDO, v)) return NETCONF_PSEUDO[v]!;
  return int(v, "index", NETCONFA_IFINDEX.DEFAULT, 0x7fffffff);
}

/**
 * Builds a netconf request.
 */
export function buildNetconfRequest(cmd: string, spec: NetconfSpec | Spec): Request {
  const entry = command(NETCONF_COMMANDS, cmd, "netconf");
  checkKeys(spec, ["index", "family"], `netconf ${cmd}`);
  const fam = netconfFamily(spec.family);
  const w = Writer.scratch("netconf");
  if (cmd === "get") {
    if (spec.index === undefined) {
      throw new ArgumentError(
        "index",
        'the interface (an index, a name, "all" or "default")',
        undefined,
      );
    }
    const index = netconfIndex(spec.index);
    if (index === 0) throw new ArgumentError("index", "an interface index other than 0", 0);
    encodeAttrs(w, SETS.netconf, { ifindex: index });
  }
  return structRequest(
    entry,
    NETCONFMSG,
    { ncmFamily: fam ?? (cmd === "get" ? AF_INET : 0) },
    w.finish(),
  );
}
