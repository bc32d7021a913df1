/**
 * The nftables objects of a ruleset other than rules — tables, chains, sets
 * and set elements: what each change takes (checked before anything is
 * sent, {@link ArgumentError} naming the argument), the messages written
 * (nfgenmsg with the family, then the NFTA_* attributes in network byte
 * order, as `nft` writes them: no NLA_F_NET_BYTEORDER), and the typed
 * results decoded from dumps and events.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import { NLMSG_HDRLEN } from "../core/codec.ts";
import { NLM_F } from "../core/constants.ts";
import { writeStruct } from "../core/layout.ts";
import type { MessageRef, Request } from "../core/message.ts";
import { decodeAttrs, Registry } from "../core/schema.ts";
import type { Writer } from "../core/writer.ts";
import { NFNETLINK_STRUCTS, NFNL_SUBSYS } from "../core/tables/nfnetlink.ts";
import {
  NFT_MSG,
  NFT_SET_ELEM,
  NFTABLES,
  NFTABLES_ATTRS,
  NFTABLES_ENUMS,
} from "../core/tables/nftables.ts";
import {
  checkDataType,
  checkKeyType,
  checkVerdict,
  dataTypeName,
  familyName,
  familyNumber,
  hookName,
  keyBytes,
  keyTypeName,
  keyValue,
  NFT_CHAIN_TYPES,
  NFT_HOOKS,
  NFT_SET_USER_FLAGS,
  type NftChainType,
  type NftDataType,
  type NftFamily,
  type NftHook,
  type NftKey,
  type NftKeyType,
  type NftMapType,
  type NftPolicy,
  type NftSetFlag,
  type NftValue,
  setFlagBit,
  setFlagNames,
  typeOrder,
  verdictCode,
  verdictName,
} from "./nft_names.ts";
import type { NftVerdict } from "./nft_expr.ts";

const REGISTRY = new Registry([NFTABLES]);
/** @internal The compiled nftables attribute sets. */
export const NFT_SETS = {
  table: REGISTRY.set("tableAttrs"),
  chain: REGISTRY.set("chainAttrs"),
  rule: REGISTRY.set("ruleAttrs"),
  set: REGISTRY.set("setAttrs"),
  elems: REGISTRY.set("setelemListAttrs"),
  gen: REGISTRY.set("genAttrs"),
};
const A = NFTABLES_ATTRS;
const NFGEN = NFNETLINK_STRUCTS.nfgenmsg;
/** NLA_F_NESTED, as nft sets it on every nest. */
const NESTED = 1 << 15;

/** The nfnetlink message type of an nftables message. */
export function nftType(msg: number): number {
  return (NFNL_SUBSYS.NFTABLES << 8) | msg;
}

const MSG_NAMES: string[] = [];
for (const [k, v] of Object.entries(NFT_MSG)) MSG_NAMES[v] = `NFT_MSG_${k}`;
/** The name of an nftables message number (NFT_MSG_NEWTABLE, …). */
export function msgName(msg: number): string {
  return MSG_NAMES[msg] ?? `NFT_MSG ${msg}`;
}

/** One request of the nftables subsystem: nfgenmsg (the family), then `write`'s attributes. */
export function nftRequest(
  msg: number,
  family: number,
  flags: number,
  write?: (w: Writer) => void,
): Request {
  return {
    type: nftType(msg),
    flags,
    name: msgName(msg),
    body: (w) => {
      writeStruct(w, NFGEN, { nfgenFamily: family, version: 0, resId: 0 });
      write?.(w);
    },
  };
}

// --- checks

function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new ArgumentError(path, "an object", v);
  }
  return v as Record<string, unknown>;
}

function only(o: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const [k, x] of Object.entries(o)) {
    if (x !== undefined && !allowed.includes(k)) {
      throw new ArgumentError(
        path ? `${path}.${k}` : k,
        `one of ${allowed.join(", ")}`,
        x,
        "Cannot use unknown option",
      );
    }
  }
}

/** A checked object name (table, chain, set: 1 to 255 bytes, NFT_NAME_MAXLEN with the NUL). */
export function objectName(v: unknown, path: string): string {
  if (
    typeof v !== "string" || v.length === 0 || v.includes("\0") ||
    new TextEncoder().encode(v).length > 255
  ) {
    throw new ArgumentError(path, "a name of 1 to 255 bytes", v);
  }
  return v;
}

function int(v: unknown, path: string, lo: number, hi: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) {
    throw new ArgumentError(path, `an integer from ${lo} to ${hi}`, v);
  }
  return v;
}

/** Seconds (up to milliseconds) as the milliseconds nftables carries. */
function millis(v: unknown, path: string): bigint {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 2 ** 40) {
    throw new ArgumentError(path, "a number of seconds from 0 (milliseconds at most)", v);
  }
  const ms = Math.round(v * 1000);
  if (Math.abs(ms - v * 1000) > 1e-6) {
    throw new ArgumentError(path, "a number of seconds from 0 (milliseconds at most)", v);
  }
  return BigInt(ms);
}

function handle(v: unknown, path: string): bigint {
  if (typeof v === "bigint" && v > 0n && v < 1n << 64n) return v;
  if (typeof v === "number" && Number.isSafeInteger(v) && v > 0) return BigInt(v);
  throw new ArgumentError(path, "a handle (a positive integer)", v);
}

// --- tables

/** A table to add ({@link NFTables.addTable}, `nft add table FAMILY NAME`). */
export interface NftTableSpec {
  /** The family. */
  family: NftFamily;
  /** The table's name. */
  name: string;
  /** A dormant table (`flags dormant`): its base chains are not hooked in. */
  dormant?: boolean;
}

/** A table to delete: by name or handle (`nft delete table FAMILY NAME`). */
export interface NftTableRef {
  /** The family. */
  family: NftFamily;
  /** The table's name (or give `handle`). */
  name?: string;
  /** The table's handle. */
  handle?: number | bigint;
}

/** A listed table. */
export interface NftTable {
  /** The family. */
  family: NftFamily | number;
  /** The name. */
  name: string;
  /** The kernel's handle. */
  handle: number;
  /** Flags: `dormant`, `owner`, `persist`. */
  flags: string[];
  /** References to the table (its chains, sets, objects). */
  use: number;
}

/** A change of a transaction: the message and what it does, for error reports. */
export interface NftChange {
  /** The request. */
  request: Request;
  /** What it does, as `nft` would say it (`add chain inet filter input`). */
  describe: string;
}

/** An `add table` change. */
export function addTableChange(spec: unknown): NftChange {
  const s = obj(spec, "table");
  only(s, ["family", "name", "dormant"], "table");
  const family = familyNumber(s.family, "table.family");
  const name = objectName(s.name, "table.name");
  if (s.dormant !== undefined && typeof s.dormant !== "boolean") {
    throw new ArgumentError("table.dormant", "true or false", s.dormant);
  }
  const flags = s.dormant ? NFTABLES_ENUMS.tableFlags.dormant : 0;
  return {
    describe: `add table ${s.family} ${name}`,
    request: nftRequest(NFT_MSG.NEWTABLE, family, NLM_F.CREATE, (w) => {
      w.attrString(A.tableAttrs.name, name);
      w.attrU32(A.tableAttrs.flags, flags, true);
    }),
  };
}

/** A `delete table` (or `destroy table` when `ifExists`) change. */
export function deleteTableChange(ref: unknown, ifExists = false): NftChange {
  const s = obj(ref, "table");
  only(s, ["family", "name", "handle"], "table");
  const family = familyNumber(s.family, "table.family");
  if (s.name === undefined && s.handle === undefined) {
    throw new ArgumentError("table.name", "the table's name or handle", undefined);
  }
  const name = s.name === undefined ? undefined : objectName(s.name, "table.name");
  const h = s.handle === undefined ? undefined : handle(s.handle, "table.handle");
  return {
    describe: `${ifExists ? "destroy" : "delete"} table ${s.family} ${name ?? `handle ${h}`}`,
    request: nftRequest(ifExists ? NFT_MSG.DESTROYTABLE : NFT_MSG.DELTABLE, family, 0, (w) => {
      if (name !== undefined) w.attrString(A.tableAttrs.name, name);
      if (h !== undefined) putU64(w, A.tableAttrs.handle, h);
    }),
  };
}

function putU64(w: Writer, type: number, v: bigint): void {
  const a = w.beginAttr(type);
  w.u64(v, true);
  w.endAttr(a);
}

// --- chains

/**
 * A chain to add (`nft add chain FAMILY TABLE NAME [{ type T hook H
 * [device D] priority P; [policy X;] }]`): with `hook`, a base chain.
 */
export interface NftChainSpec {
  /** The family. */
  family: NftFamily;
  /** The table. */
  table: string;
  /** The chain's name. */
  name: string;
  /** A base chain's type (default `filter`). */
  type?: NftChainType;
  /** A base chain's hook (by name: which hooks a family has, see {@link NFT_HOOKS}). */
  hook?: NftHook;
  /** A base chain's priority (required with `hook`): a signed 32-bit number. */
  priority?: number;
  /** A base chain's policy (default accept). */
  policy?: NftPolicy;
  /** The device of a netdev (or inet ingress) base chain. */
  device?: string;
  /** The devices of a netdev base chain (several). */
  devices?: readonly string[];
}

/** A chain to delete: by name or handle. */
export interface NftChainRef {
  /** The family. */
  family: NftFamily;
  /** The table. */
  table: string;
  /** The chain's name (or give `handle`). */
  name?: string;
  /** The chain's handle. */
  handle?: number | bigint;
}

/** A listed chain; base chains have `type`, `hook`, `priority` and `policy`. */
export interface NftChain {
  /** The family. */
  family: NftFamily | number;
  /** The table. */
  table: string;
  /** The name. */
  name: string;
  /** The kernel's handle. */
  handle: number;
  /** A base chain's type. */
  type?: string;
  /** A base chain's hook. */
  hook?: NftHook | number;
  /** A base chain's priority. */
  priority?: number;
  /** A base chain's policy. */
  policy?: NftPolicy | number;
  /** A netdev base chain's device. */
  device?: string;
  /** A netdev base chain's devices, when it has several. */
  devices?: string[];
  /** Flags: `base`, `hwOffload`, `binding`. */
  flags: string[];
  /** References to the chain (its rules, jumps to it). */
  use: number;
}

/** An `add chain` change. */
export function addChainChange(spec: unknown): NftChange {
  const s = obj(spec, "chain");
  only(
    s,
    ["family", "table", "name", "type", "hook", "priority", "policy", "device", "devices"],
    "chain",
  );
  const family = familyNumber(s.family, "chain.family");
  const fam = s.family as NftFamily;
  const table = objectName(s.table, "chain.table");
  const name = objectName(s.name, "chain.name");
  const base = s.hook !== undefined;
  let write: ((w: Writer) => void) | undefined;
  let text = "";
  if (!base) {
    for (const k of ["type", "priority", "policy", "device", "devices"]) {
      if (s[k] !== undefined) {
        throw new ArgumentError(
          "chain.hook",
          `a hook: a chain with ${k} is a base chain`,
          undefined,
        );
      }
    }
  } else {
    const hooks = NFT_HOOKS[fam];
    if (typeof s.hook !== "string" || !Object.hasOwn(hooks, s.hook)) {
      throw new ArgumentError(
        "chain.hook",
        `a hook of family ${fam} (${Object.keys(hooks).join(", ")})`,
        s.hook,
      );
    }
    const hook = hooks[s.hook as NftHook]!;
    const type = s.type ?? "filter";
    if (typeof type !== "string" || !(NFT_CHAIN_TYPES as readonly string[]).includes(type)) {
      throw new ArgumentError("chain.type", `a chain type (${NFT_CHAIN_TYPES.join(", ")})`, s.type);
    }
    if (s.priority === undefined) {
      throw new ArgumentError("chain.priority", "a priority (a base chain needs one)", undefined);
    }
    const priority = int(s.priority, "chain.priority", -0x80000000, 0x7fffffff);
    let policy: number | undefined;
    if (s.policy !== undefined) {
      if (s.policy !== "accept" && s.policy !== "drop") {
        throw new ArgumentError("chain.policy", '"accept" or "drop"', s.policy);
      }
      policy = verdictCode(s.policy);
    }
    const needsDevice = fam === "netdev" || (fam === "inet" && s.hook === "ingress");
    let devices: string[] = [];
    if (s.device !== undefined) devices = [ifname(s.device, "chain.device")];
    if (s.devices !== undefined) {
      if (s.device !== undefined) {
        throw new ArgumentError("chain.devices", "device or devices, not both", s.devices);
      }
      if (!Array.isArray(s.devices) || s.devices.length === 0) {
        throw new ArgumentError("chain.devices", "an array of interface names", s.devices);
      }
      devices = s.devices.map((d, i) => ifname(d, `chain.devices[${i}]`));
    }
    if (needsDevice && devices.length === 0) {
      throw new ArgumentError(
        "chain.device",
        `a device (a ${fam} ${s.hook} chain hooks one)`,
        undefined,
      );
    }
    if (!needsDevice && devices.length > 0) {
      throw new ArgumentError(
        "chain.device",
        `no device for a ${fam} ${s.hook} chain`,
        s.device ?? s.devices,
      );
    }
    text = ` { type ${type} hook ${s.hook}${
      devices.length ? ` device ${devices.join(",")}` : ""
    } priority ${priority}; ${s.policy ? `policy ${s.policy}; ` : ""}}`;
    // nft's order: type, policy, hook.
    write = (w) => {
      w.attrString(A.chainAttrs.type, type);
      if (policy !== undefined) w.attrU32(A.chainAttrs.policy, policy, true);
      const h = w.beginNested(A.chainAttrs.hook | NESTED);
      w.attrU32(A.nftHookAttrs.num, hook, true);
      w.attrU32(A.nftHookAttrs.priority, priority >>> 0, true);
      if (devices.length === 1) w.attrString(A.nftHookAttrs.dev, devices[0]!);
      else if (devices.length > 1) {
        const d = w.beginNested(A.nftHookAttrs.devs | NESTED);
        for (const dev of devices) w.attrString(A.hookDevAttrs.name, dev);
        w.endAttr(d);
      }
      w.endAttr(h);
    };
  }
  return {
    describe: `add chain ${fam} ${table} ${name}${text}`,
    request: nftRequest(NFT_MSG.NEWCHAIN, family, NLM_F.CREATE, (w) => {
      w.attrString(A.chainAttrs.table, table);
      w.attrString(A.chainAttrs.name, name);
      write?.(w);
    }),
  };
}

function ifname(v: unknown, path: string): string {
  if (
    typeof v !== "string" || v.length === 0 || v.includes("\0") ||
    new TextEncoder().encode(v).length > 15
  ) {
    throw new ArgumentError(path, "an interface name of 1 to 15 bytes", v);
  }
  return v;
}

function tableChild(
  ref: unknown,
  what: "chain" | "set",
): { family: number; fam: string; table: string; name?: string; handle?: bigint } {
  const s = obj(ref, what);
  only(s, ["family", "table", "name", "handle"], what);
  const family = familyNumber(s.family, `${what}.family`);
  const table = objectName(s.table, `${what}.table`);
  if (s.name === undefined && s.handle === undefined) {
    throw new ArgumentError(`${what}.name`, `the ${what}'s name or handle`, undefined);
  }
  return {
    family,
    fam: s.family as string,
    table,
    ...(s.name !== undefined ? { name: objectName(s.name, `${what}.name`) } : {}),
    ...(s.handle !== undefined ? { handle: handle(s.handle, `${what}.handle`) } : {}),
  };
}

/** A `delete chain` (`destroy chain` when `ifExists`) change. */
export function deleteChainChange(ref: unknown, ifExists = false): NftChange {
  const r = tableChild(ref, "chain");
  return {
    describe: `${ifExists ? "destroy" : "delete"} chain ${r.fam} ${r.table} ${
      r.name ?? `handle ${r.handle}`
    }`,
    request: nftRequest(ifExists ? NFT_MSG.DESTROYCHAIN : NFT_MSG.DELCHAIN, r.family, 0, (w) => {
      w.attrString(A.chainAttrs.table, r.table);
      if (r.name !== undefined) w.attrString(A.chainAttrs.name, r.name);
      if (r.handle !== undefined) putU64(w, A.chainAttrs.handle, r.handle);
    }),
  };
}

/** A `flush chain` change: its rules deleted (NFT_MSG_DELRULE with the chain only). */
export function flushChainChange(ref: unknown): NftChange {
  const r = tableChild(ref, "chain");
  if (r.name === undefined) throw new ArgumentError("chain.name", "the chain's name", undefined);
  return {
    describe: `flush chain ${r.fam} ${r.table} ${r.name}`,
    request: nftRequest(NFT_MSG.DELRULE, r.family, 0, (w) => {
      w.attrString(A.ruleAttrs.table, r.table);
      w.attrString(A.ruleAttrs.chain, r.name!);
    }),
  };
}

// --- sets

/**
 * A set or map to add (`nft add set FAMILY TABLE NAME { type T; [flags F;]
 * [timeout S;] [size N;] }`, `nft add map … { type K : V; }` with
 * `dataType`).
 */
export interface NftSetSpec {
  /** The family. */
  family: NftFamily;
  /** The table. */
  table: string;
  /** The set's name. */
  name: string;
  /** The key's data type, or an array of them (a concatenation, `ipv4_addr . inet_service`). */
  keyType: NftKeyType;
  /** A map's value type: a data type, or `"verdict"` (a verdict map). */
  dataType?: NftMapType;
  /** Flags: `constant`, `interval`, `timeout`, `dynamic`. */
  flags?: readonly NftSetFlag[];
  /** The elements' default timeout in seconds (implies the `timeout` flag). */
  timeout?: number;
  /** Garbage collection interval in seconds (sets with timeouts). */
  gcInterval?: number;
  /** The most elements. */
  size?: number;
}

/** A set to delete: by name or handle. */
export interface NftSetRef {
  /** The family. */
  family: NftFamily;
  /** The table. */
  table: string;
  /** The set's name (or give `handle`). */
  name?: string;
  /** The set's handle. */
  handle?: number | bigint;
}

/** A listed set (or map: `dataType`). */
export interface NftSet {
  /** The family. */
  family: NftFamily | number;
  /** The table. */
  table: string;
  /** The name. */
  name: string;
  /** The kernel's handle. */
  handle: number;
  /** The key's data type (an array: a concatenation); a number when not one nlroute knows. */
  keyType: NftKeyType | number;
  /** The key's length in bytes. */
  keyLen: number;
  /** A map's value type. */
  dataType?: NftMapType | number;
  /** A map's value length in bytes. */
  dataLen?: number;
  /** Flags (`constant`, `interval`, `map`, `timeout`, `dynamic`, `concat`, …). */
  flags: NftSetFlag[];
  /** The default timeout in seconds. */
  timeout?: number;
  /** The garbage collection interval in seconds. */
  gcInterval?: number;
  /** The most elements. */
  size?: number;
}

/** What a set's elements are written and read by: its key fields and value type. */
export interface NftSetShape {
  /** The key's data types (undefined: not ones nlroute knows). */
  key: NftDataType[] | undefined;
  /** The key length. */
  keyLen: number;
  /** A map's values: `"verdict"`, data types, or undefined (a set). */
  data: "verdict" | NftDataType[] | undefined;
  /** Whether elements may have timeouts. */
  timeout: boolean;
  /** An interval set. */
  interval: boolean;
  /** A map of values nlroute does not know (raw bytes of this length). */
  dataLen?: number;
}

/** A checked `add set`: the change (with `id`, NFTA_SET_ID) and the shape of its elements. */
export function addSetChange(
  spec: unknown,
  id: number,
): NftChange & { shape: NftSetShape; ref: string } {
  const s = obj(spec, "set");
  only(s, [
    "family",
    "table",
    "name",
    "keyType",
    "dataType",
    "flags",
    "timeout",
    "gcInterval",
    "size",
  ], "set");
  const family = familyNumber(s.family, "set.family");
  const table = objectName(s.table, "set.table");
  const name = objectName(s.name, "set.name");
  const key = checkKeyType(s.keyType, "set.keyType");
  const data = s.dataType === undefined ? undefined : checkDataType(s.dataType, "set.dataType");
  let flags = 0;
  if (s.flags !== undefined) {
    if (!Array.isArray(s.flags)) {
      throw new ArgumentError("set.flags", "an array of set flags", s.flags);
    }
    s.flags.forEach((f, i) => {
      if (!(NFT_SET_USER_FLAGS as readonly unknown[]).includes(f)) {
        throw new ArgumentError(
          `set.flags[${i}]`,
          `a set flag (${NFT_SET_USER_FLAGS.join(", ")})`,
          f,
        );
      }
      flags |= setFlagBit(f as NftSetFlag);
    });
  }
  const timeout = s.timeout === undefined ? undefined : millis(s.timeout, "set.timeout");
  if (timeout !== undefined) flags |= setFlagBit("timeout");
  const gc = s.gcInterval === undefined ? undefined : millis(s.gcInterval, "set.gcInterval");
  if (gc !== undefined && gc > 0xffffffffn) {
    throw new ArgumentError("set.gcInterval", "at most 4294967 seconds", s.gcInterval);
  }
  const size = s.size === undefined ? undefined : int(s.size, "set.size", 1, 0xffffffff);
  if (data) flags |= setFlagBit("map");
  const keyText = key.fields.join(" . ");
  const dataText = data ? ` : ${s.dataType}` : "";
  return {
    describe: `add ${
      data ? "map" : "set"
    } ${s.family} ${table} ${name} { type ${keyText}${dataText}; }`,
    ref: `${s.family} ${table} ${name}`,
    shape: {
      key: key.fields,
      keyLen: key.len,
      data: data ? (data.verdict ? "verdict" : [s.dataType as NftDataType]) : undefined,
      timeout: (flags & setFlagBit("timeout")) !== 0,
      interval: (flags & setFlagBit("interval")) !== 0,
    },
    // nft's order: table, name, flags, key, data, id, desc, timeout, gc interval, userdata.
    request: nftRequest(NFT_MSG.NEWSET, family, NLM_F.CREATE, (w) => {
      w.attrString(A.setAttrs.table, table);
      w.attrString(A.setAttrs.name, name);
      w.attrU32(A.setAttrs.flags, flags, true);
      w.attrU32(A.setAttrs.keyType, key.id, true);
      w.attrU32(A.setAttrs.keyLen, key.len, true);
      if (data) {
        w.attrU32(A.setAttrs.dataType, data.id, true);
        w.attrU32(A.setAttrs.dataLen, data.len, true); // 0 for verdicts, as nft sends it
      }
      w.attrU32(A.setAttrs.id, id, true);
      if (size !== undefined) {
        const d = w.beginNested(A.setAttrs.desc | NESTED);
        w.attrU32(A.setDescAttrs.size, size, true);
        w.endAttr(d);
      }
      if (timeout !== undefined) putU64(w, A.setAttrs.timeout, timeout);
      if (gc !== undefined) w.attrU32(A.setAttrs.gcInterval, Number(gc), true);
      // nft reads a set's key (and value) byte order from its userdata (libnftnl's
      // NFTNL_UDATA_SET_KEYBYTEORDER 0, _DATABYTEORDER 1, _DATA_INTERVAL 6: type, length,
      // a host-order u32): without it, `nft list` shows host-order keys (ifname, mark) garbled.
      const u = w.beginAttr(A.setAttrs.userdata);
      udata(w, 0, typeOrder(key.fields));
      if (data) {
        udata(w, 1, typeOrder(data.verdict ? "verdict" : [s.dataType as NftDataType]));
        udata(w, 6, 0);
      }
      w.endAttr(u);
    }),
  };
}

function udata(w: Writer, type: number, v: number): void {
  w.u8(type);
  w.u8(4);
  w.u32(v);
}

/** A `delete set` (`destroy set` when `ifExists`) change. */
export function deleteSetChange(ref: unknown, ifExists = false): NftChange {
  const r = tableChild(ref, "set");
  return {
    describe: `${ifExists ? "destroy" : "delete"} set ${r.fam} ${r.table} ${
      r.name ?? `handle ${r.handle}`
    }`,
    request: nftRequest(ifExists ? NFT_MSG.DESTROYSET : NFT_MSG.DELSET, r.family, 0, (w) => {
      w.attrString(A.setAttrs.table, r.table);
      if (r.name !== undefined) w.attrString(A.setAttrs.name, r.name);
      if (r.handle !== undefined) putU64(w, A.setAttrs.handle, r.handle);
    }),
  };
}

/** The shape of a listed set's elements. */
export function shapeOf(s: NftSet): NftSetShape {
  const kt = s.keyType;
  const key = typeof kt === "number" ? undefined : typeof kt === "string" ? [kt] : [...kt];
  const dt = s.dataType;
  const data = dt === undefined
    ? undefined
    : dt === "verdict"
    ? "verdict" as const
    : typeof dt === "number"
    ? undefined
    : [dt];
  const shape: NftSetShape = {
    key,
    keyLen: s.keyLen,
    data,
    timeout: s.flags.includes("timeout"),
    interval: s.flags.includes("interval"),
  };
  if (dt !== undefined && data === undefined) shape.dataLen = s.dataLen ?? 0;
  return shape;
}

// --- set elements

/** A set element to add: a key (the set's form), or the key with a map value and a timeout. */
export type NftElementSpec =
  | NftKey
  | {
    /** The key. */
    key: NftKey;
    /** A map's value: a value of its data type, or a verdict. */
    value?: NftValue | NftVerdict;
    /** Seconds the element stays (sets with timeouts; default the set's). */
    timeout?: number;
  };

/** A listed set element. */
export interface NftElement {
  /** The key (raw bytes when its type is not one nlroute knows). */
  key: NftKey | Uint8Array;
  /** A map's value. */
  value?: NftValue | NftVerdict | readonly NftValue[] | Uint8Array;
  /** The element's timeout in seconds. */
  timeout?: number;
  /** Seconds left before it expires. */
  expires?: number;
  /** Whether it closes an interval (interval sets: NFT_SET_ELEM_INTERVAL_END). */
  intervalEnd?: boolean;
}

/** A set addressed by family, table and name (elements are added to it). */
export interface NftSetName {
  /** The family. */
  family: NftFamily;
  /** The table. */
  table: string;
  /** The set's name. */
  name: string;
}

/** A checked set name reference. */
export function setRef(
  v: unknown,
  path = "set",
): { family: number; fam: NftFamily; table: string; name: string } {
  const s = obj(v, path);
  only(s, ["family", "table", "name"], path);
  return {
    family: familyNumber(s.family, `${path}.family`),
    fam: s.family as NftFamily,
    table: objectName(s.table, `${path}.table`),
    name: objectName(s.name, `${path}.name`),
  };
}

function writeVerdict(w: Writer, type: number, v: NftVerdict): void {
  const d = w.beginNested(type | NESTED);
  const n = w.beginNested(A.dataAttrs.verdict | NESTED);
  w.attrU32(A.verdictAttrs.code, verdictCode(v.code), true);
  if (v.chain !== undefined) w.attrString(A.verdictAttrs.chain, v.chain);
  w.endAttr(n);
  w.endAttr(d);
}

function writeValue(w: Writer, type: number, b: Uint8Array): void {
  const d = w.beginNested(type | NESTED);
  w.attrBytes(A.dataAttrs.value, b);
  w.endAttr(d);
}

/** Checks elements against a set's shape: a writer of the NFTA_SET_ELEM_LIST_ELEMENTS nest. */
export function checkElements(
  shape: NftSetShape,
  elements: unknown,
  path: string,
  adding: boolean,
): (w: Writer) => void {
  if (!Array.isArray(elements) || elements.length === 0) {
    throw new ArgumentError(path, "a non-empty array of elements", elements);
  }
  if (!shape.key) throw new ArgumentError(path, "a set whose key type nlroute knows", elements);
  if (shape.interval) {
    throw new ArgumentError(
      path,
      "a set without the interval flag (interval elements are not supported)",
      elements,
    );
  }
  const items = elements.map((e, i) => {
    const p = `${path}[${i}]`;
    const full = typeof e === "object" && e !== null && !Array.isArray(e);
    if (full) only(e as Record<string, unknown>, adding ? ["key", "value", "timeout"] : ["key"], p);
    const x = (full ? e : { key: e }) as { key: unknown; value?: unknown; timeout?: unknown };
    const key = keyBytes(shape.key!, x.key, `${p}${full ? ".key" : ""}`);
    if (key.length !== shape.keyLen) {
      throw new ArgumentError(`${p}.key`, `a key of ${shape.keyLen} bytes`, key);
    }
    let value: ((w: Writer) => void) | undefined;
    if (adding && shape.data !== undefined) {
      if (x.value === undefined) {
        throw new ArgumentError(`${p}.value`, "the map's value", undefined);
      }
      if (shape.data === "verdict") {
        const v = checkVerdict(x.value, `${p}.value`);
        value = (w) => writeVerdict(w, A.setelemAttrs.data, v);
      } else {
        const b = keyBytes(shape.data, x.value, `${p}.value`);
        value = (w) => writeValue(w, A.setelemAttrs.data, b);
      }
    } else if (adding && (shape.dataLen !== undefined)) {
      throw new ArgumentError(path, "a map whose value type nlroute knows", elements);
    } else if (x.value !== undefined) {
      throw new ArgumentError(`${p}.value`, "no value (the set is not a map)", x.value);
    }
    let timeout: bigint | undefined;
    if (x.timeout !== undefined) {
      if (!shape.timeout) {
        throw new ArgumentError(
          `${p}.timeout`,
          "no timeout (the set has no timeout flag)",
          x.timeout,
        );
      }
      timeout = millis(x.timeout, `${p}.timeout`);
    }
    return { key, value, timeout };
  });
  return (w) => {
    const list = w.beginNested(A.setelemListAttrs.elements | NESTED);
    for (const it of items) {
      const el = w.beginNested(A.setelemListElemAttrs.elem | NESTED);
      // nft's order: timeout, key, data.
      if (it.timeout !== undefined) putU64(w, A.setelemAttrs.timeout, it.timeout);
      writeValue(w, A.setelemAttrs.key, it.key);
      it.value?.(w);
      w.endAttr(el);
    }
    w.endAttr(list);
  };
}

/** An `add element` / `delete element` change of checked elements. */
export function elementsChange(
  r: { family: number; fam: string; table: string; name: string },
  write: (w: Writer) => void,
  count: number,
  adding: boolean,
  ifExists = false,
): NftChange {
  const msg = adding ? NFT_MSG.NEWSETELEM : ifExists ? NFT_MSG.DESTROYSETELEM : NFT_MSG.DELSETELEM;
  const verb = adding ? "add" : ifExists ? "destroy" : "delete";
  return {
    describe: `${verb} element ${r.fam} ${r.table} ${r.name} (${count} element${
      count === 1 ? "" : "s"
    })`,
    request: nftRequest(msg, r.family, adding ? NLM_F.CREATE : 0, (w) => {
      w.attrString(A.setelemListAttrs.table, r.table);
      w.attrString(A.setelemListAttrs.set, r.name);
      write(w);
    }),
  };
}

/** A `flush set` change: every element deleted (NFT_MSG_DELSETELEM without elements). */
export function flushSetChange(v: unknown): NftChange {
  const r = setRef(v);
  return {
    describe: `flush set ${r.fam} ${r.table} ${r.name}`,
    request: nftRequest(NFT_MSG.DELSETELEM, r.family, 0, (w) => {
      w.attrString(A.setelemListAttrs.table, r.table);
      w.attrString(A.setelemListAttrs.set, r.name);
    }),
  };
}

// --- decoding

type Attrs = Record<string, unknown>;

/** The family of an nftables message and its attributes decoded by `set`. */
export function messageAttrs(m: MessageRef, set = NFT_SETS.table): { family: number; a: Attrs } {
  const o = m.offset + NLMSG_HDRLEN;
  return { family: m.bytes[o]!, a: decodeAttrs(set, m.bytes, o + NFGEN.size, m.offset + m.length) };
}

const num = (v: unknown) => typeof v === "bigint" ? Number(v) : (v as number | undefined) ?? 0;

function flagNames(n: number, names: Readonly<Record<string, number>>): string[] {
  return Object.entries(names).filter(([, v]) => n & v).map(([k]) => k);
}

/** A table from NFT_MSG_NEWTABLE. */
export function tableOf(family: number, a: Attrs): NftTable {
  return {
    family: familyName(family),
    name: a.name as string,
    handle: num(a.handle),
    flags: flagNames(num(a.flags), NFTABLES_ENUMS.tableFlags),
    use: num(a.use),
  };
}

/** A chain from NFT_MSG_NEWCHAIN. */
export function chainOf(family: number, a: Attrs): NftChain {
  const fam = familyName(family);
  const c: NftChain = {
    family: fam,
    table: a.table as string,
    name: a.name as string,
    handle: num(a.handle),
    flags: flagNames(num(a.flags), NFTABLES_ENUMS.chainFlags),
    use: num(a.use),
  };
  const hook = a.hook as {
    num?: number;
    priority?: number;
    dev?: string;
    devs?: { name?: string[] };
  } | undefined;
  if (hook) {
    if (a.type !== undefined) c.type = a.type as string;
    if (hook.num !== undefined) c.hook = hookName(fam, hook.num);
    if (hook.priority !== undefined) c.priority = hook.priority;
    if (a.policy !== undefined) {
      const p = verdictName(a.policy as number);
      c.policy = p === "accept" || p === "drop" ? p : a.policy as number;
    }
    if (hook.dev !== undefined) c.device = hook.dev;
    const devs = hook.devs?.name;
    if (devs && devs.length > 1) c.devices = devs;
    else if (devs?.length === 1 && c.device === undefined) c.device = devs[0]!;
  }
  return c;
}

/** A set from NFT_MSG_NEWSET. */
export function setOf(family: number, a: Attrs): NftSet {
  const keyLen = num(a.keyLen);
  const s: NftSet = {
    family: familyName(family),
    table: a.table as string,
    name: a.name as string,
    handle: num(a.handle),
    keyType: keyTypeName(num(a.keyType), keyLen),
    keyLen,
    flags: setFlagNames(num(a.flags)),
  };
  if (a.dataType !== undefined) {
    s.dataType = dataTypeName(num(a.dataType), num(a.dataLen));
    if (a.dataLen !== undefined) s.dataLen = num(a.dataLen);
  }
  if (a.timeout !== undefined) s.timeout = num(a.timeout) / 1000;
  if (a.gcInterval !== undefined) s.gcInterval = num(a.gcInterval) / 1000;
  const size = (a.desc as { size?: number } | undefined)?.size;
  if (size !== undefined) s.size = size;
  return s;
}

type DataAttrs = { value?: Uint8Array; verdict?: { code?: number; chain?: string } };

function verdictOf(v: { code?: number; chain?: string }): NftVerdict {
  const code = verdictName(v.code ?? 0);
  return v.chain !== undefined ? { code, chain: v.chain } : { code };
}

/** The elements of an NFT_MSG_NEWSETELEM, read by the set's shape (raw keys without one). */
export function elementsOf(a: Attrs, shape: NftSetShape | undefined): NftElement[] {
  const list = (a.elements as { elem?: Attrs[] } | undefined)?.elem ?? [];
  return list.map((e) => {
    const key = (e.key as DataAttrs | undefined)?.value ?? new Uint8Array();
    const out: NftElement = { key: keyValue(shape?.key, key) };
    const data = e.data as DataAttrs | undefined;
    if (data?.verdict) out.value = verdictOf(data.verdict);
    else if (data?.value) {
      out.value = keyValue(shape?.data === "verdict" ? undefined : shape?.data, data.value);
    }
    if (e.timeout !== undefined) out.timeout = num(e.timeout) / 1000;
    if (e.expiration !== undefined) out.expires = num(e.expiration) / 1000;
    if (num(e.flags) & NFT_SET_ELEM.INTERVAL_END) out.intervalEnd = true;
    return out;
  });
}
