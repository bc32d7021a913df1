/**
 * A generic netlink family as data: its attribute sets, enums and structs
 * (the tables' {@link SpecData}), its operations with their command numbers
 * and request/reply attributes, and its multicast groups. Generated from the
 * kernel's YNL specs into `genl/families/`, or converted at run time from a
 * spec the program loads ({@link familyFromYnl}).
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import type { SpecData } from "../core/schema.ts";
import { camel, convert } from "../core/ynl.ts";

/** The attributes an operation's request or reply carries (camelCase names). */
export interface GenlMessageSpec {
  /** Attribute names allowed in the request (absent: the operation takes none). */
  request?: string[];
  /** Attribute names the reply carries (absent: the kernel answers with an ACK only). */
  reply?: string[];
  /**
   * Request attributes the kernel requires (a request without them is
   * refused before it is sent). The YNL specs do not say; where known, the
   * generator takes them from the kernel's checks.
   */
  required?: string[];
  /**
   * The request may suppress the reply (ethtool's omit-reply header flag):
   * the client then asks for an ACK as well, to know when it is done.
   */
  replyOptional?: boolean;
}

/** One operation of a family. */
export interface GenlOpSpec {
  /** The command a request carries (absent for notifications and events). */
  request?: number;
  /** The command replies, notifications and events carry. */
  reply?: number;
  /** The attribute set of its messages (camelCase). */
  set: string;
  /** The attribute set of its requests, where it differs from {@link set} (taskstats). */
  requestSet?: string;
  /** The `do` form: one request, one answer. */
  do?: GenlMessageSpec;
  /** The `dump` form: one request, many replies. */
  dump?: GenlMessageSpec;
  /** An event's attributes (operations that only notify). */
  event?: string[];
  /** A notification's format: the operation whose reply it repeats. */
  notify?: string;
  /** The multicast group notifications go to. */
  mcgrp?: string;
  /** Permission flags (`admin-perm`, `uns-admin-perm`). */
  flags?: string[];
}

/** A generic netlink family: what the kernel's YNL spec says of it. */
export interface FamilySpec {
  /** The family's name as the kernel registers it (`"ethtool"`, `"mptcp_pm"`). */
  name: string;
  /** The family version requests carry in `genlmsghdr` (the spec's `version`, default 1). */
  version: number;
  /** The spec's protocol (`genetlink`, `genetlink-c`, `genetlink-legacy`). */
  protocol: string;
  /** A fixed header struct after `genlmsghdr` (Open vSwitch's `ovsHeader`). */
  header?: string;
  /** Attribute sets, enums, structs and sub-messages. */
  data: SpecData;
  /** Operations by name, as the spec names them (`"linkinfo-get"`). */
  ops: Record<string, GenlOpSpec>;
  /** Multicast group names. */
  groups: string[];
}

// deno-lint-ignore no-explicit-any
type Y = any;

function attrList(m: Y): string[] | undefined {
  const list = m?.attributes;
  return Array.isArray(list) ? list.map((a: string) => camel(String(a))) : undefined;
}

function messageSpec(mode: Y): GenlMessageSpec {
  const out: GenlMessageSpec = {};
  const req = attrList(mode?.request);
  if (req) out.request = req;
  else if (mode?.request) out.request = [];
  const rep = attrList(mode?.reply);
  if (rep) out.reply = rep;
  else if (mode?.reply) out.reply = [];
  return out;
}

/**
 * Command numbers of the operations, as the kernel's YNL library numbers them:
 * `unified` (one number per operation, counting from 1 unless `value` says
 * otherwise) or `directional` (requests and replies counted apart; an
 * operation without a reply does not take a reply number).
 */
function commandNumbers(ops: Y): Map<string, { request?: number; reply?: number }> {
  const out = new Map<string, { request?: number; reply?: number }>();
  const list: Y[] = ops?.list ?? [];
  if ((ops?.["enum-model"] ?? "unified") !== "directional") {
    let value = 1;
    for (const op of list) {
      if (op.value !== undefined) value = op.value;
      const isEvent = op.notify !== undefined || op.event !== undefined;
      out.set(op.name, isEvent ? { reply: value } : { request: value, reply: value });
      value++;
    }
    return out;
  }
  let req = 1;
  let rsp = 1;
  for (const op of list) {
    if (op.notify !== undefined || op.event !== undefined) {
      if (op.value !== undefined) rsp = op.value;
      out.set(op.name, { reply: rsp });
      rsp++;
      continue;
    }
    const mode = op.do ?? op.dump;
    if (!mode) throw new Error(`operation "${op.name}" has neither do, dump, notify nor event`);
    if (mode.request?.value !== undefined) req = mode.request.value;
    if (mode.reply?.value !== undefined) rsp = mode.reply.value;
    const entry: { request?: number; reply?: number } = { request: req };
    if (mode.reply) entry.reply = rsp;
    out.set(op.name, entry);
    req++;
    if (mode.reply) rsp++;
  }
  return out;
}

/**
 * Converts a parsed YNL spec of a generic netlink family (protocol
 * `genetlink`, `genetlink-c` or `genetlink-legacy`) into a {@link FamilySpec}.
 * Throws {@link ArgumentError} for a spec of another protocol or without a name.
 */
export function familyFromYnl(spec: unknown, source = "spec"): FamilySpec {
  const y = spec as Y;
  if (typeof y !== "object" || y === null || typeof y.name !== "string") {
    throw new ArgumentError(source, "a YNL spec with a name", spec);
  }
  const protocol = y.protocol ?? "genetlink";
  if (!String(protocol).startsWith("genetlink")) {
    throw new ArgumentError(
      `${source}.protocol`,
      "genetlink, genetlink-c or genetlink-legacy",
      protocol,
    );
  }
  const data = convert(y);
  const numbers = commandNumbers(y.operations);
  const ops: Record<string, GenlOpSpec> = {};
  const notified: Y[] = [];
  for (const op of y.operations?.list ?? []) {
    const n = numbers.get(op.name)!;
    const out: GenlOpSpec = { set: op["attribute-set"] ? camel(op["attribute-set"]) : "" };
    if (n.request !== undefined) out.request = n.request;
    if (n.reply !== undefined) out.reply = n.reply;
    if (op.do) out.do = messageSpec(op.do);
    if (op.dump) out.dump = messageSpec(op.dump);
    if (op.event) out.event = attrList(op.event) ?? [];
    if (op.notify) {
      out.notify = op.notify;
      notified.push(op);
    }
    if (op.mcgrp) out.mcgrp = op.mcgrp;
    if (Array.isArray(op.flags) && op.flags.length) out.flags = op.flags.map(String);
    if (!out.do && !out.dump && !out.event && !out.notify) continue; // a placeholder (unspec)
    ops[op.name] = out;
  }
  // A notification repeats its target's reply: same attribute set.
  for (const op of notified) {
    const target = ops[op.notify];
    if (!target) throw new Error(`operation "${op.name}" notifies unknown "${op.notify}"`);
    ops[op.name]!.set ||= target.set;
  }
  const fixed = y.operations?.["fixed-header"];
  const family: FamilySpec = {
    name: y.name,
    version: typeof y.version === "number" ? y.version : 1,
    protocol: String(protocol),
    data,
    ops,
    groups: (y["mcast-groups"]?.list ?? []).map((g: Y) => String(g.name)),
  };
  if (fixed) family.header = camel(fixed);
  return family;
}
