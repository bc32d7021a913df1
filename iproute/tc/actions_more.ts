/**
 * Packet-editing actions: skbedit (tc-skbedit(8): priority, queue, mark,
 * packet type), pedit (tc-pedit(8): raw 32-bit munges and typed `ex`
 * munges of Ethernet, IPv4, IPv6, TCP and UDP fields), vlan (tc-vlan(8):
 * pop, push, modify) and csum (tc-csum(8): checksums to recompute), as tc's
 * m_*.c fill them.
 *
 * @module
 */
import { AF_INET, AF_INET6, parseIP, parseMAC } from "../../core/address.ts";
import { ArgumentError } from "../../core/errors.ts";
import { ETH_P } from "../../core/tables/constants.ts";
import { SKBEDIT_F, TC_STRUCTS, TCA_CSUM_UPDATE_FLAG, TCA_VLAN_ACT } from "../../core/tables/tc.ts";
import { checkKeys, int, u32 } from "../spec.ts";
import type { KindCodec } from "./kind.ts";
import { parseProtocol, protocolName } from "./protocol.ts";
import { formatHandle, parseHandle } from "./units.ts";
import { parseVerdict, type Verdict, verdictName } from "./verdict.ts";

const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !(v instanceof Uint8Array)
    ? v as Record<string, unknown>
    : {};
const gen = (v: unknown): Record<string, number> => obj(v) as Record<string, number>;

/** The packet types of skbedit's `ptype` (linux/if_packet.h PACKET_HOST … PACKET_OTHERHOST, lines 22-25). */
const PTYPES: Readonly<Record<string, number>> = {
  host: 0,
  broadcast: 1,
  multicast: 2,
  otherhost: 3,
};

/** skbedit (tc-skbedit(8)). */
export interface SkbeditAction {
  /** The kind. */
  kind: "skbedit";
  /** `priority`: the packet's priority, a class (`"1:10"`) or a number. */
  priority?: string | number;
  /** `queue_mapping`: the transmit queue (0 to 65535). */
  queueMapping?: number;
  /** `mark`: the packet mark. */
  mark?: number;
  /** `mark MARK/MASK`'s MASK: only these bits of the mark are set. */
  markMask?: number;
  /** `ptype`: `host`, `otherhost`, `multicast` or `broadcast`. */
  ptype?: "host" | "otherhost" | "multicast" | "broadcast";
  /** `inheritdsfield`: the priority from the packet's DS field. */
  inheritdsfield?: boolean;
  /** The verdict after it (default `pipe`, as tc). */
  action?: Verdict;
}

/** skbedit's codec (TCA_SKBEDIT_*). */
export const SKBEDIT: KindCodec = {
  keys: ["priority", "queueMapping", "mark", "markMask", "ptype", "inheritdsfield", "action"],
  encode(spec, ctx) {
    const out: Record<string, unknown> = {
      parms: { action: parseVerdict(spec.action ?? "pipe", ctx.arg("action")) },
    };
    if (spec.queueMapping !== undefined) {
      out.queueMapping = int(spec.queueMapping, ctx.arg("queueMapping"), 0, 0xffff);
    }
    if (spec.priority !== undefined) out.priority = parseHandle(spec.priority, ctx.arg("priority"));
    if (spec.mark !== undefined) out.mark = u32(spec.mark, ctx.arg("mark"));
    if (spec.markMask !== undefined) {
      if (spec.mark === undefined) {
        throw new ArgumentError(ctx.arg("markMask"), "a mask only with mark", spec.markMask);
      }
      out.mask = u32(spec.markMask, ctx.arg("markMask"));
    }
    if (spec.ptype !== undefined) {
      if (typeof spec.ptype !== "string" || !Object.hasOwn(PTYPES, spec.ptype)) {
        throw new ArgumentError(
          ctx.arg("ptype"),
          '"host", "otherhost", "multicast" or "broadcast"',
          spec.ptype,
        );
      }
      out.ptype = PTYPES[spec.ptype];
    }
    if (spec.inheritdsfield !== undefined && spec.inheritdsfield !== false) {
      if (spec.inheritdsfield !== true) {
        throw new ArgumentError(ctx.arg("inheritdsfield"), "a boolean", spec.inheritdsfield);
      }
      out.flags = BigInt(SKBEDIT_F.INHERITDSFIELD);
    }
    if (Object.keys(out).length === 1) {
      throw new ArgumentError(
        ctx.arg("priority"),
        "something to edit: priority, queueMapping, mark, ptype or inheritdsfield",
        undefined,
      );
    }
    return out;
  },
  decode(o) {
    const opts = obj(o);
    const out: Record<string, unknown> = { action: verdictName(gen(opts.parms).action ?? 0) };
    if (typeof opts.priority === "number") out.priority = formatHandle(opts.priority);
    if (opts.queueMapping !== undefined) out.queueMapping = opts.queueMapping;
    if (opts.mark !== undefined) out.mark = opts.mark;
    if (opts.mask !== undefined) out.markMask = opts.mask;
    if (typeof opts.ptype === "number") {
      out.ptype = Object.entries(PTYPES).find(([, v]) => v === opts.ptype)?.[0] ?? opts.ptype;
    }
    if (
      opts.flags !== undefined && (BigInt(opts.flags as bigint) & BigInt(SKBEDIT_F.INHERITDSFIELD))
    ) {
      out.inheritdsfield = true;
    }
    return out;
  },
};

/** vlan (tc-vlan(8)). */
export interface VlanAction {
  /** The kind. */
  kind: "vlan";
  /** `pop` the outer tag, `push` one, or `modify` the outer one. */
  op: "pop" | "push" | "modify";
  /** `id`: the VLAN id (push and modify: required). */
  id?: number;
  /** `protocol`: the tag's ethertype (`802.1Q`, default, or `802.1ad`). */
  protocol?: "802.1Q" | "802.1ad" | string | number;
  /** `priority`: the tag's priority (0 to 7). */
  priority?: number;
  /** The verdict after it (default `pipe`, as tc). */
  action?: Verdict;
}

const VLAN_OPS: Readonly<Record<string, number>> = {
  pop: TCA_VLAN_ACT.POP,
  push: TCA_VLAN_ACT.PUSH,
  modify: TCA_VLAN_ACT.MODIFY,
};

/**
 * TCA_VLAN_PUSH_VLAN_PROTOCOL is big-endian (act_vlan.c nla_get_be16) though
 * the 6.12 table has it as a plain u16: the number whose little-endian bytes
 * are the protocol's big-endian ones (its own inverse).
 */
const swap16 = (n: number): number => ((n & 0xff) << 8) | (n >> 8);

/** vlan's codec (TCA_VLAN_*). */
export const VLAN: KindCodec = {
  keys: ["op", "id", "protocol", "priority", "action"],
  encode(spec, ctx) {
    if (typeof spec.op !== "string" || !Object.hasOwn(VLAN_OPS, spec.op)) {
      throw new ArgumentError(ctx.arg("op"), '"pop", "push" or "modify"', spec.op);
    }
    const out: Record<string, unknown> = {
      parms: {
        action: parseVerdict(spec.action ?? "pipe", ctx.arg("action")),
        vAction: VLAN_OPS[spec.op],
      },
    };
    if (spec.op === "pop") {
      for (const k of ["id", "protocol", "priority"]) {
        if (spec[k] !== undefined) throw new ArgumentError(ctx.arg(k), "nothing for pop", spec[k]);
      }
      return out;
    }
    if (spec.id === undefined) {
      throw new ArgumentError(ctx.arg("id"), `the VLAN id to ${spec.op}`, undefined);
    }
    out.pushVlanId = int(spec.id, ctx.arg("id"), 0, 0xfff);
    if (spec.protocol !== undefined) {
      const p = parseProtocol(spec.protocol, ctx.arg("protocol"));
      if (p !== ETH_P["8021Q"] && p !== ETH_P["8021AD"]) {
        throw new ArgumentError(ctx.arg("protocol"), '"802.1Q" or "802.1ad"', spec.protocol);
      }
      out.pushVlanProtocol = swap16(p);
    }
    if (spec.priority !== undefined) {
      out.pushVlanPriority = int(spec.priority, ctx.arg("priority"), 0, 7);
    }
    return out;
  },
  decode(o) {
    const opts = obj(o);
    const p = gen(opts.parms);
    const op = Object.entries(VLAN_OPS).find(([, v]) => v === p.vAction)?.[0] ?? p.vAction;
    const out: Record<string, unknown> = { op, action: verdictName(p.action ?? 0) };
    if (opts.pushVlanId !== undefined) out.id = opts.pushVlanId;
    if (typeof opts.pushVlanProtocol === "number") {
      out.protocol = protocolName(swap16(opts.pushVlanProtocol));
    }
    if (opts.pushVlanPriority !== undefined) out.priority = opts.pushVlanPriority;
    return out;
  },
};

/** A checksum csum recomputes (tc-csum(8)'s names). */
export type CsumTarget = "ip4h" | "icmp" | "igmp" | "tcp" | "udp" | "udplite" | "sctp";

const CSUM: Readonly<Record<CsumTarget, number>> = {
  ip4h: TCA_CSUM_UPDATE_FLAG.IPV4HDR,
  icmp: TCA_CSUM_UPDATE_FLAG.ICMP,
  igmp: TCA_CSUM_UPDATE_FLAG.IGMP,
  tcp: TCA_CSUM_UPDATE_FLAG.TCP,
  udp: TCA_CSUM_UPDATE_FLAG.UDP,
  udplite: TCA_CSUM_UPDATE_FLAG.UDPLITE,
  sctp: TCA_CSUM_UPDATE_FLAG.SCTP,
};

/** csum (tc-csum(8)). */
export interface CsumAction {
  /** The kind. */
  kind: "csum";
  /** The checksums to recompute (tc's `csum ip4h and tcp`: `["ip4h", "tcp"]`). */
  update: readonly CsumTarget[];
  /** The verdict after it (default `pass`, as tc). */
  action?: Verdict;
}

/** csum's codec (TCA_CSUM_*). */
export const CSUM_ACTION: KindCodec = {
  keys: ["update", "action"],
  encode(spec, ctx) {
    const what = "a list of ip4h, icmp, igmp, tcp, udp, udplite, sctp";
    if (!Array.isArray(spec.update) || spec.update.length === 0) {
      throw new ArgumentError(ctx.arg("update"), what, spec.update);
    }
    let flags = 0;
    spec.update.forEach((n: unknown, i: number) => {
      if (typeof n !== "string" || !Object.hasOwn(CSUM, n)) {
        throw new ArgumentError(`${ctx.arg("update")}[${i}]`, what, n);
      }
      flags |= CSUM[n as CsumTarget];
    });
    return {
      parms: { action: parseVerdict(spec.action ?? "pass", ctx.arg("action")), updateFlags: flags },
    };
  },
  decode(o) {
    const p = gen(obj(o).parms);
    const f = p.updateFlags ?? 0;
    return {
      update: (Object.keys(CSUM) as CsumTarget[]).filter((n) => f & CSUM[n]),
      action: verdictName(p.action ?? 0),
    };
  },
};

// ---- pedit ----

/** The header a pedit key's offset counts from (`ex munge HTYPE …`; tc_pedit.h pedit_header_type). */
export type PeditHeader = "network" | "eth" | "ip4" | "ip6" | "tcp" | "udp";
const HTYPES: readonly PeditHeader[] = ["network", "eth", "ip4", "ip6", "tcp", "udp"];
/** pedit_cmd (tc_pedit.h lines 44-48): set the bits, or add to them. */
const CMDS = ["set", "add"] as const;

/**
 * One raw pedit key (struct tc_pedit_key): the kernel reads the 32-bit word
 * at `offset` (plus, with `offmask`, a header length read from the packet),
 * keeps the bits of `mask` and XORs in `value` (`cmd: "add"`: adds `value`
 * to the bits not in `mask`). `value` and `mask` are the word as it is in
 * the packet (big-endian: `0x0a000001` is 10.0.0.1).
 */
export interface PeditKey {
  /** Byte offset of the word, a multiple of 4 (tc's `munge offset N u32`), from the network header or `htype`'s. */
  offset: number;
  /** The bits put in. */
  value: number;
  /** The bits kept. */
  mask: number;
  /** `at AT`: the byte read for a variable offset. */
  at?: number;
  /** `offmask`: the bits of that byte that count. */
  offmask?: number;
  /** `shift`: how far those bits are shifted right. */
  shift?: number;
  /** The header `offset` counts from (tc's `ex munge` keys; default network). */
  htype?: PeditHeader;
  /** `set` (default) or `add`. */
  cmd?: "set" | "add";
}

/**
 * A typed munge, as tc's `pedit ex munge …`: `{ ip4: { src: "10.0.0.1" } }`,
 * `{ ip4: { ttl: "dec" } }`, `{ eth: { dst: "02:00:00:00:00:01" } }`,
 * `{ tcp: { dport: 8080 } }`, `{ ip6: { src: "2001:db8::1" } }`.
 */
export type PeditMunge =
  | { eth: { src?: string; dst?: string } }
  | { ip4: { src?: string; dst?: string; tos?: number; ttl?: number | "dec" } }
  | { ip6: { src?: string; dst?: string; hopLimit?: number | "dec" } }
  | { tcp: { sport?: number; dport?: number } }
  | { udp: { sport?: number; dport?: number } };

/** pedit (tc-pedit(8)). */
export interface PeditAction {
  /** The kind. */
  kind: "pedit";
  /** Raw keys (tc's `munge offset …`). */
  keys?: readonly PeditKey[];
  /** Typed munges (tc's `ex munge …`), after the raw keys. */
  munge?: readonly PeditMunge[];
  /** The verdict after it (default `pass`, as tc). */
  action?: Verdict;
}

/** tc's pack_key for bytes `b` at byte offset `off` of the header: whole-word keys. */
function byteKeys(
  out: PeditKey[],
  htype: PeditHeader,
  off: number,
  b: Uint8Array,
  cmd: "set" | "add" = "set",
) {
  for (let i = 0; i < b.length;) {
    const word = (off + i) & ~3;
    let value = 0;
    let keep = 0xffffffff;
    for (let j = (off + i) & 3; j < 4 && i < b.length; j++, i++) {
      const shift = (3 - j) * 8;
      value |= b[i]! << shift;
      keep &= ~(0xff << shift);
    }
    out.push({ offset: word, value: value >>> 0, mask: keep >>> 0, htype, cmd });
  }
}

function ipBytes(v: unknown, family: number, argument: string): Uint8Array {
  const ip = typeof v === "string" ? parseIP(v) : undefined;
  if (!ip || ip.family !== family) {
    throw new ArgumentError(
      argument,
      family === AF_INET ? "an IPv4 address" : "an IPv6 address",
      v,
    );
  }
  return ip.bytes;
}

/** A typed munge → its keys (as tc's p_eth.c, p_ip.c, p_ip6.c, p_tcp.c, p_udp.c place them). */
function mungeKeys(out: PeditKey[], m: unknown, argument: string): void {
  const o = obj(m);
  const headers = Object.keys(o);
  if (headers.length !== 1 || !["eth", "ip4", "ip6", "tcp", "udp"].includes(headers[0]!)) {
    throw new ArgumentError(argument, "one of { eth }, { ip4 }, { ip6 }, { tcp }, { udp }", m);
  }
  const h = headers[0] as "eth" | "ip4" | "ip6" | "tcp" | "udp";
  const at = `${argument}.${h}`;
  const f = obj(o[h]);
  const fields: Record<string, readonly string[]> = {
    eth: ["src", "dst"],
    ip4: ["src", "dst", "tos", "ttl"],
    ip6: ["src", "dst", "hopLimit"],
    tcp: ["sport", "dport"],
    udp: ["sport", "dport"],
  };
  checkKeys(f, fields[h]!, at, true);
  const ttl = (v: unknown, a: string, off: number) => {
    // tc's `ttl dec` is `add 0xff` on the byte (it wraps to one less).
    if (v === "dec") byteKeys(out, h, off, new Uint8Array([0xff]), "add");
    else byteKeys(out, h, off, new Uint8Array([int(v, a, 0, 0xff)]));
  };
  const u16 = (v: unknown, a: string) => {
    const n = int(v, a, 0, 0xffff);
    return new Uint8Array([n >> 8, n & 0xff]);
  };
  for (const k of fields[h]!) {
    const v = f[k];
    if (v === undefined) continue;
    const a = `${at}.${k}`;
    if (h === "eth") {
      const b = typeof v === "string" ? parseMAC(v) : undefined;
      if (!b || b.length !== 6) {
        throw new ArgumentError(a, 'a MAC address such as "02:00:00:00:00:01"', v);
      }
      byteKeys(out, h, k === "dst" ? 0 : 6, b);
    } else if (h === "ip4") {
      if (k === "src" || k === "dst") {
        byteKeys(out, h, k === "src" ? 12 : 16, ipBytes(v, AF_INET, a));
      } else if (k === "tos") byteKeys(out, h, 1, new Uint8Array([int(v, a, 0, 0xff)]));
      else ttl(v, a, 8);
    } else if (h === "ip6") {
      if (k === "src" || k === "dst") {
        byteKeys(out, h, k === "src" ? 8 : 24, ipBytes(v, AF_INET6, a));
      } else ttl(v, a, 7);
    } else byteKeys(out, h, k === "sport" ? 0 : 2, u16(v, a));
  }
}

const KEY_FIELDS = ["offset", "value", "mask", "at", "offmask", "shift", "htype", "cmd"];
/** The size of struct tc_pedit_sel (tc_gen, nkeys, flags, padded) and of struct tc_pedit_key. */
const SEL = TC_STRUCTS.tcPeditSel;
const KEY = TC_STRUCTS.tcPeditKey;
/** The most keys in one pedit (tc's MAX_OFFS, m_pedit.h line 20). */
const MAX_KEYS = 128;

/**
 * TCA_PEDIT_KEYS_EX's nest (tc_pedit.h lines 14-27): per key a
 * TCA_PEDIT_KEY_EX nest holding TCA_PEDIT_KEY_EX_HTYPE and _CMD, u16 each.
 * The tables leave it binary; tc sends it with NLA_F_NESTED.
 */
const TCA_PEDIT_KEY_EX = 6;
const TCA_PEDIT_KEY_EX_HTYPE = 1;
const TCA_PEDIT_KEY_EX_CMD = 2;
/** NLA_F_NESTED (linux/netlink.h line 234). */
const NLA_F_NESTED = 0x8000;

function keysEx(keys: readonly PeditKey[]): Uint8Array {
  const b = new Uint8Array(keys.length * 20);
  const dv = new DataView(b.buffer);
  keys.forEach((k, i) => {
    const o = i * 20;
    dv.setUint16(o, 20, true);
    dv.setUint16(o + 2, TCA_PEDIT_KEY_EX | NLA_F_NESTED, true);
    dv.setUint16(o + 4, 6, true);
    dv.setUint16(o + 6, TCA_PEDIT_KEY_EX_HTYPE, true);
    dv.setUint16(o + 8, HTYPES.indexOf(k.htype ?? "network"), true);
    dv.setUint16(o + 12, 6, true);
    dv.setUint16(o + 14, TCA_PEDIT_KEY_EX_CMD, true);
    dv.setUint16(o + 16, CMDS.indexOf(k.cmd ?? "set"), true);
  });
  return b;
}

/** TCA_PEDIT_KEYS_EX → [htype, cmd] per key. */
function decodeKeysEx(b: Uint8Array): [PeditHeader, "set" | "add"][] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: [PeditHeader, "set" | "add"][] = [];
  for (let o = 0; o + 4 <= b.length;) {
    const len = dv.getUint16(o, true);
    if (len < 4) break;
    let htype: PeditHeader = "network";
    let cmd: "set" | "add" = "set";
    for (let i = o + 4; i + 4 <= o + len;) {
      const l = dv.getUint16(i, true);
      if (l < 4) break;
      const t = dv.getUint16(i + 2, true) & 0x3fff;
      const v = l >= 6 ? dv.getUint16(i + 4, true) : 0;
      if (t === TCA_PEDIT_KEY_EX_HTYPE) htype = HTYPES[v] ?? "network";
      if (t === TCA_PEDIT_KEY_EX_CMD) cmd = CMDS[v] ?? "set";
      i += (l + 3) & ~3;
    }
    out.push([htype, cmd]);
    o += (len + 3) & ~3;
  }
  return out;
}

/**
 * tc_pedit_sel and its keys (tc_pedit.h lines 52-66): tc_gen (index, capab,
 * action, refcnt, bindcnt: 5 × u32), nkeys (u8), flags (u8), padding to
 * the keys' alignment, then nkeys × {mask, val, off, at, offmask, shift}
 * (u32 each, host order; val and mask hold the packet's bytes as they are).
 */
export function encodePeditSel(
  action: number,
  keys: readonly PeditKey[],
  argument: string,
  index = 0,
): Uint8Array {
  if (keys.length === 0 || keys.length > MAX_KEYS) {
    throw new ArgumentError(argument, `1 to ${MAX_KEYS} keys`, keys.length);
  }
  const b = new Uint8Array(SEL.size + keys.length * KEY.size);
  const dv = new DataView(b.buffer);
  // tc_gen's index: the kernel makes the action at it (encodeAction cannot put it in bytes).
  dv.setUint32(SEL.at.index, index, true);
  dv.setInt32(SEL.at.action, action, true);
  dv.setUint8(SEL.at.nkeys, keys.length);
  keys.forEach((raw, i) => {
    const a = `${argument}[${i}]`;
    checkKeys(raw, KEY_FIELDS, a, true);
    const k = raw as unknown as Record<string, unknown>;
    const o = SEL.size + i * KEY.size;
    const off = int(k.offset, `${a}.offset`, -0x80000000, 0x7fffffff);
    if (off % 4 !== 0) throw new ArgumentError(`${a}.offset`, "a multiple of 4", k.offset);
    if (k.htype !== undefined && !HTYPES.includes(k.htype as PeditHeader)) {
      throw new ArgumentError(`${a}.htype`, HTYPES.map((h) => `"${h}"`).join(", "), k.htype);
    }
    if (k.cmd !== undefined && !CMDS.includes(k.cmd as "set")) {
      throw new ArgumentError(`${a}.cmd`, '"set" or "add"', k.cmd);
    }
    // val and mask: the word's bytes in packet order in memory (tc: htonl).
    dv.setUint32(o + KEY.at.mask, u32(k.mask, `${a}.mask`), false);
    dv.setUint32(o + KEY.at.val, u32(k.value, `${a}.value`), false);
    dv.setInt32(o + KEY.at.off, off, true);
    dv.setInt32(
      o + KEY.at.at,
      k.at === undefined ? 0 : int(k.at, `${a}.at`, -0x80000000, 0x7fffffff),
      true,
    );
    dv.setUint32(
      o + KEY.at.offmask,
      k.offmask === undefined ? 0 : u32(k.offmask, `${a}.offmask`),
      true,
    );
    dv.setUint32(
      o + KEY.at.shift,
      k.shift === undefined ? 0 : int(k.shift, `${a}.shift`, 0, 31),
      true,
    );
  });
  return b;
}

/** tc_pedit_sel bytes → its verdict, index and keys. */
export function decodePeditSel(b: Uint8Array): { action: number; index: number; keys: PeditKey[] } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = b.length >= SEL.size ? dv.getUint8(SEL.at.nkeys) : 0;
  const keys: PeditKey[] = [];
  for (let i = 0; i < n && SEL.size + (i + 1) * KEY.size <= b.length; i++) {
    const o = SEL.size + i * KEY.size;
    const key: PeditKey = {
      offset: dv.getInt32(o + KEY.at.off, true),
      value: dv.getUint32(o + KEY.at.val, false),
      mask: dv.getUint32(o + KEY.at.mask, false),
    };
    const at = dv.getInt32(o + KEY.at.at, true);
    const offmask = dv.getUint32(o + KEY.at.offmask, true);
    const shift = dv.getUint32(o + KEY.at.shift, true);
    if (at || offmask || shift) Object.assign(key, { at, offmask, shift });
    keys.push(key);
  }
  return {
    action: b.length >= SEL.size ? dv.getInt32(SEL.at.action, true) : 0,
    index: b.length >= SEL.size ? dv.getUint32(SEL.at.index, true) : 0,
    keys,
  };
}

/** pedit's codec (TCA_PEDIT_*). */
export const PEDIT: KindCodec = {
  keys: ["keys", "munge", "action"],
  encode(spec, ctx) {
    const keys: PeditKey[] = [];
    if (spec.keys !== undefined) {
      if (!Array.isArray(spec.keys)) {
        throw new ArgumentError(ctx.arg("keys"), "an array of keys", spec.keys);
      }
      keys.push(...(spec.keys as PeditKey[]));
    }
    if (spec.munge !== undefined) {
      if (!Array.isArray(spec.munge)) {
        throw new ArgumentError(ctx.arg("munge"), "an array of munges", spec.munge);
      }
      spec.munge.forEach((m: unknown, i: number) =>
        mungeKeys(keys, m, `${ctx.arg("munge")}[${i}]`)
      );
    }
    if (keys.length === 0) throw new ArgumentError(ctx.arg("keys"), "keys or munges", undefined);
    const action = parseVerdict(spec.action ?? "pass", ctx.arg("action"));
    const sel = encodePeditSel(
      action,
      keys,
      ctx.arg(spec.keys !== undefined ? "keys" : "munge"),
      spec.index === undefined ? 0 : u32(spec.index, ctx.arg("index")),
    );
    // m_pedit.c: with any typed key (`ex`), PARMS_EX and KEYS_EX instead of PARMS.
    const ex = keys.some((k) => (k.htype ?? "network") !== "network" || (k.cmd ?? "set") !== "set");
    return ex ? { parmsEx: sel, keysEx: keysEx(keys) } : { parms: sel };
  },
  decode(o) {
    const opts = obj(o);
    const raw = opts.parmsEx ?? opts.parms;
    if (!(raw instanceof Uint8Array)) return {};
    const sel = decodePeditSel(raw);
    if (opts.keysEx instanceof Uint8Array) {
      decodeKeysEx(opts.keysEx).forEach(([htype, cmd], i) => {
        const k = sel.keys[i];
        if (!k) return;
        if (htype !== "network") k.htype = htype;
        if (cmd !== "set") k.cmd = cmd;
      });
    }
    const out: Record<string, unknown> = { keys: sel.keys, action: verdictName(sel.action) };
    if (sel.index) out.index = sel.index;
    return out;
  },
};
