/**
 * The request builder for `addr(cmd, spec)`.
 *
 * @module
 */
import { AF_INET } from "../../core/address.ts";
import { ArgumentError } from "../../core/errors.ts";
import { encodeAttrs } from "../../core/schema.ts";
import { Writer } from "../../core/codec.ts";
import { NLM_F } from "../../core/constants.ts";
import { RTM } from "../../core/tables/constants.ts";
import { RT_ADDR_STRUCTS } from "../../core/tables/rt_addr.ts";
import type { Request } from "../../core/socket.ts";
import { type HeaderValues, structRequest } from "../header.ts";
import type { Command } from "../object.ts";
import { type AddrFlagName, type Family, flagMask, type ScopeName, SCOPES } from "../names.ts";
import { SETS } from "../registry.ts";
import { address, checkKeys, command, family, int, prefix, type Spec, str, u32 } from "../spec.ts";

const IFADDRMSG = RT_ADDR_STRUCTS.ifaddrmsg;

/** The address commands: message type and flags. */
export const ADDR_COMMANDS = {
  add: [RTM.NEWADDR, NLM_F.CREATE | NLM_F.EXCL],
  replace: [RTM.NEWADDR, NLM_F.CREATE | NLM_F.REPLACE],
  set: [RTM.NEWADDR, NLM_F.REPLACE],
  change: [RTM.NEWADDR, NLM_F.REPLACE],
  del: [RTM.DELADDR, 0],
  dump: [RTM.GETADDR, 0],
} as const satisfies Record<string, Command>;

/** Arguments of `addr(cmd, spec)`. */
export interface AddrSpec {
  /** Interface index, or a name IPRoute resolves (required except for dump). */
  index?: number | string | undefined;
  /** `"10.0.0.1/24"`, or an address with `prefixlen`. */
  address?: string;
  /** Prefix length when `address` has none. */
  prefixlen?: number;
  /** Local address (IPv4; defaults to `address`). */
  local?: string;
  /** Broadcast address, or `true` to compute it from the prefix. */
  broadcast?: string | boolean;
  /** Label (IPv4; must start with the interface name). */
  label?: string;
  /** Scope: `global`, `link`, `host`, `site` or a number. */
  scope?: ScopeName | number;
  /** IFA_F_* flag names (`nodad`, `noprefixroute`, …) or a mask. */
  flags?: AddrFlagName[] | number;
  /** `inet`/`inet6` (or 2/10); inferred from the address. */
  family?: Family;
  /** Preferred lifetime in seconds. */
  preferredLifetime?: number;
  /** Valid lifetime in seconds. */
  validLifetime?: number;
  /** Metric of the prefix route. */
  metric?: number;
  /** Address protocol number. */
  proto?: number;
}

const SPEC_KEYS: readonly (keyof AddrSpec)[] = [
  "index",
  "address",
  "prefixlen",
  "local",
  "broadcast",
  "label",
  "scope",
  "flags",
  "family",
  "preferredLifetime",
  "validLifetime",
  "metric",
  "proto",
];

/** Computes the IPv4 broadcast address of a prefix. */
function broadcastOf(bytes: Uint8Array, len: number): Uint8Array {
  const b = bytes.slice();
  for (let bit = len; bit < 32; bit++) b[bit >> 3]! |= 0x80 >> (bit & 7);
  return b;
}

function addrRequest(
  cmd: string,
  header: HeaderValues<typeof IFADDRMSG>,
  attrs: Uint8Array,
): Request {
  return structRequest(command(ADDR_COMMANDS, cmd, "addr"), IFADDRMSG, header, attrs);
}

/**
 * The family-specific attributes: IPv4 local (default: the address), label and
 * broadcast (returned: it is written last); IPv6 has no label or broadcast.
 */
function familyAttrs(
  spec: Spec,
  fam: number,
  p: ReturnType<typeof prefix>,
  attrs: Record<string, unknown>,
): Uint8Array | undefined {
  if (fam !== AF_INET) {
    attrs.address = p.address;
    if (spec.local !== undefined) attrs.local = spec.local;
    for (const k of ["broadcast", "label"] as const) {
      if (spec[k] !== undefined && spec[k] !== false) {
        throw new ArgumentError(k, "no value: IPv6 addresses have none", spec[k]);
      }
    }
    return undefined;
  }
  attrs.local = spec.local === undefined ? p.address : spec.local;
  attrs.address = p.address;
  if (spec.label !== undefined) attrs.label = str(spec.label, "label", 15);
  if (spec.broadcast === true) return broadcastOf(p.bytes, p.prefixlen);
  if (spec.broadcast === undefined || spec.broadcast === false) return undefined;
  return address(spec.broadcast, "broadcast", AF_INET).bytes;
}

/**
 * Builds the request for `addr(cmd, spec)`. Validates everything first.
 */
export function buildAddrRequest(cmd: string, spec: AddrSpec | Spec): Request {
  command(ADDR_COMMANDS, cmd, "addr");
  checkKeys(spec, SPEC_KEYS, `addr ${cmd}`);
  const index = spec.index === undefined ? 0 : int(spec.index, "index", 1, 0x7fffffff);
  if (cmd === "dump") {
    // The index is a kernel-side filter with strict checking.
    const fam = family(spec.family, undefined, "family") ?? 0;
    return addrRequest(cmd, { ifaFamily: fam, ifaIndex: index }, new Uint8Array(0));
  }
  if (!index) {
    throw new ArgumentError("index", `an interface index to ${cmd} the address on`, spec.index);
  }
  if (spec.address === undefined) {
    throw new ArgumentError("address", 'an address such as "10.0.0.1/24"', undefined);
  }
  const p = prefix(spec.address, spec.prefixlen, "address");
  const fam = family(spec.family, p.family, "family")!;
  const attrs: Record<string, unknown> = {};
  const broadcast = familyAttrs(spec, fam, p, attrs);
  let flagValue = 0;
  if (spec.flags !== undefined) {
    flagValue = flagMask("ifaFlags", spec.flags, "flags");
    attrs.flags = flagValue;
  }
  if (spec.preferredLifetime !== undefined || spec.validLifetime !== undefined) {
    const valid = u32(spec.validLifetime ?? 0xffffffff, "validLifetime");
    const pref = u32(spec.preferredLifetime ?? valid, "preferredLifetime");
    if (pref > valid) {
      throw new ArgumentError("preferredLifetime", `at most validLifetime (${valid})`, pref);
    }
    attrs.cacheinfo = { ifaPrefered: pref, ifaValid: valid };
  }
  if (spec.metric !== undefined) attrs.rtPriority = u32(spec.metric, "metric");
  if (spec.proto !== undefined) attrs.proto = int(spec.proto, "proto", 0, 255);
  const scope = spec.scope === undefined ? 0 : SCOPES.value(spec.scope, "scope");
  if (broadcast) attrs.broadcast = broadcast;
  const w = Writer.scratch("addr");
  encodeAttrs(w, SETS.addr, attrs);
  return addrRequest(cmd, {
    ifaFamily: fam,
    ifaPrefixlen: p.prefixlen,
    ifaFlags: flagValue & 0xff,
    ifaScope: scope,
    ifaIndex: index,
  }, w.finish());
}
