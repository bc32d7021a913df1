/**
 * The request builder for IPv6 address labels: `add`, `replace`, `del`,
 * `get` (the label the kernel would pick for an address) and `dump`.
 *
 * @module
 */
import { AF_INET6 } from "../../core/address.ts";
import { ArgumentError } from "../../core/errors.ts";
import { encodeAttrs } from "../../core/schema.ts";
import { Writer } from "../../core/codec.ts";
import { NLM_F } from "../../core/constants.ts";
import { RTM } from "../../core/tables/constants.ts";
import { UAPI_STRUCTS } from "../../core/tables/uapi.ts";
import type { Request } from "../../core/socket.ts";
import { structRequest } from "../header.ts";
import type { Command } from "../object.ts";
import { SETS } from "../registry.ts";
import { checkKeys, command, int, prefix, type Spec } from "../spec.ts";

const IFALMSG = UAPI_STRUCTS.ifaddrlblmsg;

/** The address label commands. */
export const ADDRLABEL_COMMANDS = {
  add: [RTM.NEWADDRLABEL, NLM_F.CREATE | NLM_F.EXCL],
  replace: [RTM.NEWADDRLABEL, NLM_F.CREATE | NLM_F.REPLACE],
  del: [RTM.DELADDRLABEL, 0],
  get: [RTM.GETADDRLABEL, 0],
  dump: [RTM.GETADDRLABEL, 0],
} as const satisfies Record<string, Command>;

/** Arguments of `addrlabel(cmd, spec)`. */
export interface AddrLabelSpec {
  /**
   * An IPv6 prefix (`"2001:db8::/32"`; an address alone is a /128). `get`
   * takes an address and answers the entry that labels it.
   */
  prefix?: string;
  /** The label, 0 to 0xfffffffe (required by `add` and `replace`; `del` matches by prefix and interface). */
  label?: number;
  /** Bind the entry to an interface (index, or name resolved by IPRoute). */
  index?: number | string;
}

/**
 * Builds an address label request.
 */
export function buildAddrLabelRequest(cmd: string, spec: AddrLabelSpec | Spec): Request {
  const entry = command(ADDRLABEL_COMMANDS, cmd, "addrlabel");
  checkKeys(spec, ["prefix", "label", "index"], `addrlabel ${cmd}`);
  const index = spec.index === undefined ? 0 : int(spec.index, "index", 0, 0x7fffffff);
  const w = Writer.scratch("addrlabel");
  if (cmd === "dump") {
    return structRequest(entry, IFALMSG, { ifalFamily: AF_INET6 }, w.finish());
  }
  if (spec.prefix === undefined) {
    throw new ArgumentError("prefix", 'an IPv6 prefix such as "2001:db8::/32"', undefined);
  }
  const p = prefix(spec.prefix, undefined, "prefix");
  if (p.family !== AF_INET6) {
    throw new ArgumentError(
      "prefix",
      "an IPv6 prefix (the kernel labels IPv6 addresses only)",
      spec.prefix,
    );
  }
  const attrs: Record<string, unknown> = { address: p.address };
  const changing = cmd === "add" || cmd === "replace";
  if (spec.label !== undefined) {
    if (cmd === "get") {
      throw new ArgumentError("label", "no label to get (the kernel answers it)", spec.label);
    }
    // 0xffffffff is IPV6_ADDR_LABEL_DEFAULT: the kernel refuses it.
    attrs.label = int(spec.label, "label", 0, 0xfffffffe);
  } else if (changing) {
    throw new ArgumentError("label", "the label, 0 to 4294967294", undefined);
  } else if (cmd === "del") {
    // The kernel wants IFAL_LABEL on a removal too, though it matches entries
    // by prefix and interface only: any value does.
    attrs.label = 0;
  }
  encodeAttrs(w, SETS.addrlabel, attrs);
  return structRequest(entry, IFALMSG, {
    ifalFamily: AF_INET6,
    ifalPrefixlen: p.prefixlen,
    ifalIndex: index,
  }, w.finish());
}
