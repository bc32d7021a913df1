/**
 * The request builder for namespace ids: `get` (the id of a namespace given
 * by descriptor, pid or id), `add` (assign one), `dump` (all of them).
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { encodeAttrs } from "../../core/schema.ts";
import { Writer } from "../../core/codec.ts";
import { RTM, RTNETLINK_STRUCTS } from "../../core/tables/constants.ts";
import type { Request } from "../../core/socket.ts";
import { structRequest } from "../header.ts";
import type { Command } from "../object.ts";
import { SETS } from "../registry.ts";
import { checkKeys, command, int, type Spec, u32 } from "../spec.ts";
import { NSID_NOT_ASSIGNED } from "./nsid.ts";

const RTGENMSG = RTNETLINK_STRUCTS.rtgenmsg;

/** The namespace id commands (the kernel has no removal: an id lives as long as its namespace). */
export const NSID_COMMANDS = {
  add: [RTM.NEWNSID, 0],
  get: [RTM.GETNSID, 0],
  dump: [RTM.GETNSID, 0],
} as const satisfies Record<string, Command>;

/** Arguments of the namespace id commands: the target namespace and, for `add`, the id. */
export interface NsidSpec {
  /** The target namespace by open descriptor (NETNSA_FD). */
  fd?: number;
  /** The target namespace by process id (NETNSA_PID). */
  pid?: number;
  /** `add`: the id to assign (default: the kernel picks a free one). */
  nsid?: number;
}

/**
 * Builds a namespace id request.
 */
export function buildNsidRequest(cmd: string, spec: NsidSpec | Spec): Request {
  const entry = command(NSID_COMMANDS, cmd, "nsid");
  checkKeys(spec, ["fd", "pid", "nsid"], `nsid ${cmd}`);
  const attrs: Record<string, unknown> = {};
  if (cmd !== "dump") {
    if ((spec.fd === undefined) === (spec.pid === undefined)) {
      throw new ArgumentError("fd", "the target namespace: either fd or pid", spec.fd);
    }
    if (spec.fd !== undefined) attrs.fd = u32(spec.fd, "fd");
    if (spec.pid !== undefined) attrs.pid = int(spec.pid, "pid", 1, 0x7fffffff);
  }
  if (cmd === "add") {
    attrs.nsid = spec.nsid === undefined
      ? NSID_NOT_ASSIGNED
      : int(spec.nsid, "nsid", 0, 0x7fffffff);
  } else if (spec.nsid !== undefined) {
    throw new ArgumentError("nsid", "an id only to add", spec.nsid);
  }
  const w = Writer.scratch("nsid");
  encodeAttrs(w, SETS.netns, attrs);
  return structRequest(entry, RTGENMSG, {}, w.finish());
}
