/**
 * pedit's words (m_pedit.c and its p_*.c helpers): `pedit [ ex ] munge
 * offset N { u8 | u16 | u32 } [ at AT OFFMASK SHIFT ] CMD`, `munge ip FIELD
 * CMD` and, with `ex`, `munge { eth | ip | ip6 | tcp | udp } FIELD CMD`,
 * packed into 32-bit keys as tc packs them (pack_key8/16/32, pack_mac,
 * pack_ipv6).
 *
 * @module
 */
import { AF_INET, AF_INET6, parseIP, parseMAC } from "../../core/address.ts";
import { ArgumentError } from "../../core/errors.ts";
import type { PeditHeader, PeditKey } from "../../iproute/tc/actions_more.ts";
import { UsageError } from "../errors.ts";
import type { Words } from "./words.ts";

const matches = (word: string, full: string) => word.length > 0 && full.startsWith(word);

type Type = "u32" | "ipv4" | "ipv6" | "mac";

/** What a field is: its header, offset, length, value type, retain mask, whether `decrement` works. */
interface Field {
  htype: PeditHeader;
  off: number;
  len: 1 | 2 | 4 | 6 | 16;
  type: Type;
  retain: number;
  dec?: boolean;
}

const RU8 = 0xff;
const RU16 = 0xffff;
const RU32 = 0xffffffff;

/** p_ip.c's fields (the IP header; `dport` and on only without `ex`, at their fixed offsets). */
function ipField(name: string, ex: boolean): Omit<Field, "htype"> | undefined {
  const f = (
    off: number,
    len: 1 | 2 | 4,
    retain: number,
    type: Type = "u32",
    dec = false,
  ) => ({ off, len, type, retain, dec });
  if (name === "src") return f(12, 4, RU32, "ipv4");
  if (name === "dst") return f(16, 4, RU32, "ipv4");
  if (name === "tos" || matches(name, "dsfield")) return f(1, 1, RU8);
  if (name === "ihl") return f(0, 1, 0x0f);
  if (name === "ttl") return f(8, 1, RU8, "u32", true);
  if (name === "protocol") return f(9, 1, RU8);
  if (matches(name, "precedence")) return f(1, 1, RU8);
  if (name === "nofrag") return f(6, 1, 0x3f);
  if (name === "firstfrag") return f(6, 1, 0x1f);
  if (name === "ce") return f(6, 1, 0x80);
  if (name === "df") return f(6, 1, 0x40);
  if (name === "mf") return f(6, 1, 0x20);
  if (ex) return undefined;
  if (name === "dport") return f(22, 2, RU16);
  if (name === "sport") return f(20, 2, RU16);
  if (name === "icmp_type" || name === "icmp_code") return f(20, 1, RU8);
  return undefined;
}

const EX_FIELDS: Record<string, Record<string, Omit<Field, "htype">>> = {
  eth: {
    type: { off: 12, len: 2, type: "u32", retain: RU16 },
    dst: { off: 0, len: 6, type: "mac", retain: RU32 },
    src: { off: 6, len: 6, type: "mac", retain: RU32 },
  },
  ip6: {
    src: { off: 8, len: 16, type: "ipv6", retain: RU32 },
    dst: { off: 24, len: 16, type: "ipv6", retain: RU32 },
    flow_lbl: { off: 0, len: 4, type: "u32", retain: 0x0007ffff },
    payload_len: { off: 4, len: 2, type: "u32", retain: RU16 },
    nexthdr: { off: 6, len: 1, type: "u32", retain: RU8 },
    hoplimit: { off: 7, len: 1, type: "u32", retain: RU8, dec: true },
    traffic_class: { off: 1, len: 1, type: "u32", retain: RU8 },
  },
  tcp: {
    sport: { off: 0, len: 2, type: "u32", retain: RU16 },
    dport: { off: 2, len: 2, type: "u32", retain: RU16 },
    flags: { off: 13, len: 1, type: "u32", retain: RU8 },
  },
  udp: {
    sport: { off: 0, len: 2, type: "u32", retain: RU16 },
    dport: { off: 2, len: 2, type: "u32", retain: RU16 },
  },
};
const EX_HTYPES: Record<string, PeditHeader> = { eth: "eth", ip6: "ip6", tcp: "tcp", udp: "udp" };

/** get_u32(…, 0): decimal, 0x hex or 0 octal. */
function u32Word(word: string, keyword: string): number {
  const n = /^0x[0-9a-f]+$/i.test(word)
    ? Number(word)
    : /^0[0-7]*$/.test(word)
    ? parseInt(word, 8)
    : /^[1-9]\d*$/.test(word)
    ? Number(word)
    : NaN;
  if (!(n >= 0 && n <= 0xffffffff)) {
    throw new ArgumentError(keyword, "a 32-bit number", word, "argument");
  }
  return n;
}

/** get_integer(…, 0): a signed int. */
function intWord(word: string, keyword: string): number {
  const neg = word.startsWith("-");
  const n = u32Word(neg ? word.slice(1) : word, keyword);
  if (n > 0x7fffffff + (neg ? 1 : 0)) {
    throw new ArgumentError(keyword, "an integer", word, "argument");
  }
  return neg ? -n : n;
}

/** One key to be packed: offset, value and mask in host order (tc's m_pedit_key before htonl). */
interface TKey {
  off: number;
  val: number;
  mask: number;
  at: number;
  offmask: number;
  shift: number;
  htype: PeditHeader;
  cmd: "set" | "add";
}

function push(keys: PeditKey[], k: TKey, ex: boolean): void {
  if (keys.length >= 128) throw new UsageError(`pedit: at most 128 keys.`);
  if (k.off % 4) throw new UsageError(`pedit: offsets must be on 32-bit boundaries (${k.off}).`);
  if (!ex && (k.htype !== "network" || k.cmd !== "set")) {
    throw new UsageError(`pedit: these munge parameters need "pedit ex munge …".`);
  }
  const key: PeditKey = { offset: k.off, value: k.val >>> 0, mask: k.mask >>> 0 };
  if (k.at || k.offmask || k.shift) {
    Object.assign(key, { at: k.at, offmask: k.offmask, shift: k.shift });
  }
  if (k.htype !== "network") key.htype = k.htype;
  if (k.cmd !== "set") key.cmd = k.cmd;
  keys.push(key);
}

function key32(keys: PeditKey[], retain: number, k: TKey, ex: boolean): void {
  if (k.off & 3) {
    throw new UsageError(`pedit: a u32 munge's offset must be a multiple of 4 (${k.off}).`);
  }
  push(keys, { ...k, val: (k.val & retain) >>> 0, mask: (k.mask | ~retain) >>> 0 }, ex);
}

function key16(keys: PeditKey[], retain: number, k: TKey, ex: boolean): void {
  const m = [0x0000ffff, 0xff0000ff, 0xffff0000];
  if (k.val > 0xffff || k.mask > 0xffff) {
    throw new ArgumentError("munge", "a 16-bit value", k.val, "argument");
  }
  const ind = k.off & 3;
  if (ind === 3) {
    throw new UsageError(`pedit: a u16 munge cannot start at byte 3 of a word (${k.off}).`);
  }
  const stride = 8 * (2 - ind);
  push(keys, {
    ...k,
    val: ((k.val & retain) << stride) >>> 0,
    mask: (((k.mask | ~retain) << stride) | m[ind]!) >>> 0,
    off: k.off & ~3,
  }, ex);
}

function key8(keys: PeditKey[], retain: number, k: TKey, ex: boolean): void {
  const m = [0x00ffffff, 0xff00ffff, 0xffff00ff, 0xffffff00];
  if (k.val > 0xff || k.mask > 0xff) {
    throw new ArgumentError("munge", "an 8-bit value", k.val, "argument");
  }
  const ind = k.off & 3;
  const stride = 8 * (3 - ind);
  push(keys, {
    ...k,
    val: ((k.val & retain) << stride) >>> 0,
    mask: (((k.mask | ~retain) << stride) | m[ind]!) >>> 0,
    off: k.off & ~3,
  }, ex);
}

const be32 = (b: Uint8Array, i: number) =>
  ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
const be16 = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;

/** parse_cmd: `{ set | add } VAL | decrement | invert | clear | preserve` `[ retain R ]`, then the keys. */
function command(w: Words, keys: PeditKey[], field: Field, label: string, ex: boolean): void {
  const k: TKey = {
    off: field.off,
    val: 0,
    mask: 0,
    at: 0,
    offmask: 0,
    shift: 0,
    htype: field.htype,
    cmd: "set",
  };
  return commandAt(w, keys, field, k, label, ex);
}

function commandAt(
  w: Words,
  keys: PeditKey[],
  field: Field,
  k: TKey,
  label: string,
  ex: boolean,
): void {
  const o = field.len === 1 ? 0xff : field.len === 2 ? 0xffff : 0xffffffff;
  let retain = field.retain;
  let bytes: Uint8Array | undefined;
  const c = w.next();
  if (matches(c, "invert")) k.val = k.mask = o;
  else if (matches(c, "set") || matches(c, "add")) {
    if (matches(c, "add")) {
      if (!ex) throw new UsageError(`pedit: "add" needs "pedit ex" (without it only "set").`);
      k.cmd = "add";
    }
    const v = w.next();
    if (field.type === "u32") k.val = u32Word(v, label);
    else if (field.type === "ipv4" || field.type === "ipv6") {
      const family = field.type === "ipv4" ? AF_INET : AF_INET6;
      const ip = parseIP(v.split("/")[0]!);
      if (!ip || ip.family !== family) {
        throw new ArgumentError(
          label,
          family === AF_INET ? "an IPv4 address" : "an IPv6 address",
          v,
          "argument",
        );
      }
      if (field.type === "ipv4") k.val = be32(ip.bytes, 0);
      else bytes = ip.bytes;
    } else {
      const mac = parseMAC(v);
      if (!mac || mac.length !== 6) {
        throw new ArgumentError(label, 'a MAC address such as "02:00:00:00:00:01"', v, "argument");
      }
      bytes = mac;
    }
  } else if (matches(c, "decrement")) {
    if (!field.dec) throw new UsageError(`pedit: "decrement" is not supported for ${label}.`);
    if (!ex) throw new UsageError(`pedit: "decrement" needs "pedit ex" (without it only "set").`);
    k.cmd = "add";
    k.val = retain;
  } else if (matches(c, "preserve")) retain = 0;
  else if (!matches(c, "clear")) {
    throw new ArgumentError(
      `${label} command`,
      "set VAL, add VAL, decrement, invert, clear or preserve",
      c,
      "argument",
    );
  }
  if (w.peek() !== undefined && matches(w.peek()!, "retain")) {
    w.next();
    retain = u32Word(w.next(), "retain");
  }
  if (field.len > 4 && retain !== RU32) {
    throw new UsageError(`pedit: "retain" is not supported for fields longer than 32 bits.`);
  }
  if (field.type === "mac") {
    const mac = bytes ?? new Uint8Array(6);
    if (!(k.off & 3)) {
      key32(keys, RU32, { ...k, mask: 0, val: be32(mac, 0) }, ex);
      key16(keys, RU32, { ...k, off: k.off + 4, mask: 0, val: be16(mac, 4) }, ex);
    } else if (!(k.off & 1)) {
      key16(keys, RU32, { ...k, mask: 0, val: be16(mac, 0) }, ex);
      // pack_key16 rounded the offset down before tc adds 4.
      key32(keys, RU32, { ...k, off: (k.off & ~3) + 4, mask: 0, val: be32(mac, 2) }, ex);
    } else throw new UsageError(`pedit: MAC offsets must be on 16-bit boundaries.`);
    return;
  }
  if (field.type === "ipv6") {
    const ip = bytes ?? new Uint8Array(16);
    for (let i = 0; i < 4; i++) {
      key32(keys, RU32, { ...k, off: k.off + 4 * i, mask: 0, val: be32(ip, 4 * i) }, ex);
    }
    return;
  }
  if (field.len === 1) key8(keys, retain, k, ex);
  else if (field.len === 2) key16(keys, retain, k, ex);
  else key32(keys, retain, k, ex);
}

/** `munge offset N { u8 | u16 | u32 } [ at AT OFFMASK SHIFT ] CMD`. */
function offset(w: Words, keys: PeditKey[], ex: boolean): void {
  const off = intWord(w.next(), "munge offset");
  const size = w.next();
  const len = matches(size, "u32") ? 4 : matches(size, "u16") ? 2 : matches(size, "u8") ? 1 : 0;
  if (!len) throw new ArgumentError("munge offset", "u8, u16 or u32", size, "argument");
  const k: TKey = {
    off,
    val: 0,
    mask: 0,
    at: 0,
    offmask: 0,
    shift: 0,
    htype: "network",
    cmd: "set",
  };
  if (w.peek() !== undefined && matches(w.peek()!, "at")) {
    w.next();
    k.at = u32Word(w.next(), "munge offset at");
    const m = w.next();
    if (!/^(0x)?[0-9a-f]{1,8}$/i.test(m)) {
      throw new ArgumentError("munge offset offmask", "a hex mask", m, "argument");
    }
    k.offmask = parseInt(m.replace(/^0x/i, ""), 16);
    k.shift = u32Word(w.next(), "munge offset shift");
  }
  const retain = len === 4 ? RU32 : len === 2 ? RU16 : RU8;
  commandAt(
    w,
    keys,
    { htype: "network", off, len: len as 1 | 2 | 4, type: "u32", retain },
    k,
    `munge offset ${off}`,
    ex,
  );
}

/** One `munge …` (the word `munge` read). */
function munge(w: Words, keys: PeditKey[], ex: boolean): void {
  const what = w.next();
  if (matches(what, "offset")) return offset(w, keys, ex);
  if (what === "ip") {
    const name = w.next();
    const f = ipField(name, ex);
    if (!f) {
      throw new UsageError(
        ex
          ? `pedit ex: "munge ip ${name}" is not an IPv4 header field (use "munge tcp|udp …").`
          : `pedit: "munge ip ${name}" is not a field nlroute (or tc) knows.`,
      );
    }
    const field = { ...f, htype: (ex ? "ip4" : "network") as PeditHeader };
    return command(w, keys, field, `munge ip ${name}`, ex);
  }
  const fields = EX_FIELDS[what];
  if (fields) {
    if (!ex) throw new UsageError(`pedit: "munge ${what}" needs "pedit ex munge ${what} …".`);
    const name = w.next();
    const f = fields[name];
    if (!f) {
      throw new ArgumentError(`munge ${what}`, Object.keys(fields).join(", "), name, "argument");
    }
    return command(w, keys, { ...f, htype: EX_HTYPES[what]! }, `munge ${what} ${name}`, ex);
  }
  throw new UsageError(
    `pedit's "munge ${what}" is not supported by nlroute (offset, ip, and with ex eth, ip6, tcp, udp).`,
  );
}

/**
 * `pedit [ ex ] munge … [ munge … ]` (the word `pedit` read) into an action
 * spec's keys; stops at the first word that is not `munge`.
 */
export function pedit(w: Words, a: Record<string, unknown>): void {
  let ex = false;
  if (w.peek() !== undefined && matches(w.peek()!, "ex")) {
    w.next();
    ex = true;
  }
  const keys: PeditKey[] = [];
  while (w.peek() !== undefined && matches(w.peek()!, "munge")) {
    w.next();
    munge(w, keys, ex);
  }
  if (keys.length === 0) throw new UsageError(`pedit needs "munge …" in "${w.where}".`);
  a.keys = keys;
}
