/**
 * The filter kinds of `nlroute tc filter`: u32 (f_u32.c: `match` selectors,
 * `classid`/`flowid`, hash tables with `ht`, `link`, `divisor`, `hashkey`,
 * `sample`, `order`, `indev`), matchall, flower (f_flower.c's basic
 * keys), bpf (classic `bytecode` or a `pinned` program; tc's `obj FILE`
 * needs an ELF loader and is refused), basic (without ematches), fw and
 * route, and the actions after them (m_action.c: `action
 * gact|mirred|police|skbedit|pedit|vlan|csum …`, or a bare verdict such as
 * `action drop`) into IPRoute's filter spec.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { IP_PROTOCOLS, REALMS } from "../../iproute/names.ts";
import { parseProtocol } from "../../iproute/tc/protocol.ts";
import { encodeBpfOps } from "../../iproute/tc/filters_more.ts";
import { parseSize } from "../../iproute/tc/units.ts";
import { UsageError } from "../errors.ts";
import { pedit } from "./tc_pedit.ts";
import { integer } from "./values.ts";
import type { Words } from "./words.ts";

type Spec = Record<string, unknown>;

const matches = (word: string, full: string) => word.length > 0 && full.startsWith(word);

/** A value as tc's get_u32(…, 0) reads it: decimal or 0x hex. */
function value(word: string, keyword: string, max = 0xffffffff): number {
  return integer(word, keyword, 0, max);
}

/** A mask as tc's get_u32(…, 16) reads it: hex, with or without 0x. */
function mask(word: string, keyword: string, max = 0xffffffff): number {
  const digits = word.replace(/^0x/i, "");
  const n = /^[0-9a-f]{1,8}$/i.test(digits) ? parseInt(digits, 16) : NaN;
  if (!(n >= 0 && n <= max)) {
    throw new ArgumentError(keyword, `a hex mask up to 0x${max.toString(16)}`, word, "argument");
  }
  return n;
}

/** `VALUE MASK` of a u32 match field (the mask is hex, as tc reads it). */
function valueMask(w: Words, keyword: string, max: number, names = false): [number, number] {
  const v = w.next();
  let n: number;
  if (names && !/^(0x)?[0-9a-f]+$/i.test(v)) n = IP_PROTOCOLS.value(v, keyword);
  else n = value(v, keyword, max);
  const m = w.peek();
  if (m === undefined) throw new UsageError(`"${keyword}" needs VALUE MASK in "${w.where}".`);
  w.next();
  return [n, mask(m, `${keyword} mask`, max)];
}

/** `at [nexthdr+]N` after a raw match. */
function at(w: Words, m: Spec): void {
  if (w.peek() !== "at") return;
  w.next();
  let v = w.next();
  if (v === "nexthdr+") v = w.next();
  else if (v.startsWith("nexthdr+") && v.length > 8) v = v.slice(8);
  else if (matches(v, "nexthdr+")) v = w.next();
  else {
    const n = integerSigned(v, "at");
    m.at = n;
    return;
  }
  m.atNexthdr = true;
  m.at = integerSigned(v, "at");
}

function integerSigned(word: string, keyword: string): number {
  if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(word)) {
    throw new ArgumentError(keyword, "an offset in bytes", word, "argument");
  }
  return word.startsWith("-") ? -Number(word.slice(1)) : Number(word);
}

/** The named fields of each `match` selector: how many words each takes. */
const FIELDS: Record<
  string,
  Record<string, [key: string, form: "prefix" | "vm" | "flag" | "mac" | "proto", max: number]>
> = {
  ip: {
    src: ["src", "prefix", 0],
    dst: ["dst", "prefix", 0],
    tos: ["tos", "vm", 0xff],
    dsfield: ["dsfield", "vm", 0xff],
    precedence: ["precedence", "vm", 0xff],
    ihl: ["ihl", "vm", 0xff],
    protocol: ["protocol", "proto", 0xff],
    nofrag: ["nofrag", "flag", 0],
    firstfrag: ["firstfrag", "flag", 0],
    df: ["df", "flag", 0],
    mf: ["mf", "flag", 0],
    dport: ["dport", "vm", 0xffff],
    sport: ["sport", "vm", 0xffff],
    icmp_type: ["icmpType", "vm", 0xff],
    icmp_code: ["icmpCode", "vm", 0xff],
  },
  ip6: {
    src: ["src", "prefix", 0],
    dst: ["dst", "prefix", 0],
    priority: ["priority", "vm", 0xff],
    protocol: ["protocol", "proto", 0xff],
    flowlabel: ["flowlabel", "vm", 0xffffffff],
    dport: ["dport", "vm", 0xffff],
    sport: ["sport", "vm", 0xffff],
    icmp_type: ["icmpType", "vm", 0xff],
    icmp_code: ["icmpCode", "vm", 0xff],
  },
  tcp: { src: ["src", "vm", 0xffff], dst: ["dst", "vm", 0xffff] },
  udp: { src: ["src", "vm", 0xffff], dst: ["dst", "vm", 0xffff] },
  icmp: { type: ["type", "vm", 0xff], code: ["code", "vm", 0xff] },
  ether: { src: ["src", "mac", 0], dst: ["dst", "mac", 0] },
};

/** Selectors in f_u32.c parse_selector's order (matched by prefix). */
const SELECTORS = ["u32", "u16", "u8", "ip", "ip6", "udp", "tcp", "icmp", "mark", "ether"];

/** One `match …` (or `sample …`) selector → a U32Match, or the mark (`match mark V M`). */
function selector(w: Words, spec: Spec, what: string): Spec | undefined {
  const word = w.next();
  const sel = word === "ip" || word === "ip6" ? word : SELECTORS.find((s) => matches(word, s));
  if (sel === undefined) {
    throw new ArgumentError(what, SELECTORS.join(", "), word, "argument");
  }
  if (sel === "u32" || sel === "u16" || sel === "u8") {
    const max = sel === "u32" ? 0xffffffff : sel === "u16" ? 0xffff : 0xff;
    const m: Spec = { [sel]: valueMask(w, `${what} ${sel}`, max) };
    at(w, m);
    return m;
  }
  if (sel === "mark") {
    if (what !== "match") throw new ArgumentError(what, "a selector of one key", word, "argument");
    const v = value(w.next(), "match mark");
    const m = value(w.next(), "match mark mask");
    spec.mark = { value: v, mask: m };
    return undefined;
  }
  const fields = FIELDS[sel]!;
  const name = w.next();
  const field = fields[name];
  if (!field) {
    throw new ArgumentError(`${what} ${sel}`, Object.keys(fields).join(", "), name, "argument");
  }
  const [key, form, max] = field;
  const label = `${what} ${sel} ${name}`;
  let v: unknown;
  if (form === "prefix" || form === "mac") v = w.value(label);
  else if (form === "flag") v = true;
  else v = valueMask(w, label, max, form === "proto");
  return { [sel]: { [key]: v } };
}

/** `hashkey mask M at N`. */
function hashkey(w: Words, spec: Spec): void {
  w.once("hashkey");
  const h: Spec = {};
  while (w.peek() === "mask" || w.peek() === "at") {
    const k = w.next();
    if (k === "mask") h.mask = mask(w.value("hashkey mask"), "hashkey mask");
    else h.at = integerSigned(w.value("hashkey at"), "hashkey at");
  }
  if (h.mask === undefined || h.at === undefined) {
    throw new UsageError(`"hashkey" needs "mask M at N" in "${w.where}".`);
  }
  spec.hashkey = h;
}

/** u32's options (f_u32.c u32_parse_opt). */
function u32(w: Words, spec: Spec, handle: string | undefined): void {
  const match: Spec[] = [];
  let order: number | undefined;
  while (!w.done) {
    const k = w.next();
    if (matches(k, "match")) {
      const m = selector(w, spec, "match");
      if (m) match.push(m);
    } else if (matches(k, "classid") || k === "flowid") {
      spec.classid = w.value(k, "classid");
    } else if (matches(k, "divisor")) spec.divisor = integer(w.value("divisor"), "divisor", 1, 256);
    else if (matches(k, "order")) order = integer(w.value("order"), "order", 1, 0xfff);
    else if (k === "link") spec.link = w.value("link");
    else if (k === "ht") spec.ht = w.value("ht");
    else if (k === "sample") {
      w.once("sample");
      const m = selector(w, spec, "sample");
      const s: Spec = { match: m };
      if (w.peek() === "divisor") {
        w.next();
        s.divisor = integer(w.value("sample divisor"), "sample divisor", 1, 256);
      }
      spec.sample = s;
    } else if (matches(k, "hashkey")) hashkey(w, spec);
    else if (k === "indev") spec.indev = w.value("indev");
    else if (k === "skip_hw") spec.skipHw = true;
    else if (k === "skip_sw") spec.skipSw = true;
    else if (matches(k, "action")) actions(w, spec);
    else if (matches(k, "offset")) {
      throw new UsageError(`u32's "offset" is not supported by nlroute.`);
    } else if (matches(k, "police")) {
      throw new UsageError(
        `u32's own "police" is not supported by nlroute: use "action police …".`,
      );
    } else throw w.garbage(k);
  }
  if (match.length) spec.match = match;
  if (order !== undefined) {
    // tc puts the order in the handle's node bits.
    const h = handle === undefined ? 0 : parseU32Handle(handle);
    if (h & 0xfff && (h & 0xfff) !== order) {
      throw new UsageError(`"order" contradicts "handle" in "${w.where}".`);
    }
    spec.handle = (h | order) >>> 0;
  } else if (handle !== undefined) spec.handle = handle;
}

/** A u32 handle (HTID:HASH:NODE in hex) → the number, for `order`. */
function parseU32Handle(word: string): number {
  const parts = word.split(":");
  const hexes = parts.map((p) => (p === "" ? 0 : /^[0-9a-f]+$/i.test(p) ? parseInt(p, 16) : NaN));
  const [htid = 0, hash = 0, node = 0] = hexes;
  if (parts.length > 3 || hexes.some((n) => Number.isNaN(n)) || htid > 0xfff || hash > 0xff) {
    throw new ArgumentError("handle", 'a u32 handle such as "800::1"', word, "argument");
  }
  return ((htid << 20) | (hash << 12) | node) >>> 0;
}

/** matchall's options (f_matchall.c). */
function matchall(w: Words, spec: Spec): void {
  while (!w.done) {
    const k = w.next();
    if (matches(k, "classid") || k === "flowid") spec.classid = w.value(k, "classid");
    else if (k === "skip_hw") spec.skipHw = true;
    else if (k === "skip_sw") spec.skipSw = true;
    else if (matches(k, "action")) actions(w, spec);
    else throw w.garbage(k);
  }
}

const FLOWER_WORDS: Record<string, string> = {
  indev: "indev",
  dst_mac: "dstMac",
  src_mac: "srcMac",
  vlan_ethtype: "vlanEthType",
  dst_ip: "dstIp",
  src_ip: "srcIp",
  dst_port: "dstPort",
  src_port: "srcPort",
  tcp_flags: "tcpFlags",
  ip_tos: "ipTos",
  ip_ttl: "ipTtl",
  ct_state: "ctState",
};

/** flower's options (f_flower.c: its basic keys). */
function flower(w: Words, spec: Spec): void {
  while (!w.done) {
    const k = w.next();
    if (matches(k, "classid") || k === "flowid") spec.classid = w.value(k, "classid");
    else if (k === "skip_hw") spec.skipHw = true;
    else if (k === "skip_sw") spec.skipSw = true;
    else if (k === "vlan_id") spec.vlanId = integer(w.value(k), k, 0, 4095);
    else if (k === "vlan_prio") spec.vlanPrio = integer(w.value(k), k, 0, 7);
    else if (k === "ip_proto") {
      const v = w.value(k);
      spec.ipProto = /^(0x[0-9a-f]+|\d+)$/i.test(v) ? integer(v, k, 0, 255) : v;
    } else if (k === "ip_tos" || k === "ip_ttl" || k === "tcp_flags") {
      // VALUE or VALUE/MASK; a lone number compares every bit.
      const v = w.value(k);
      spec[FLOWER_WORDS[k]!] = /^(0x[0-9a-f]+|\d+)$/i.test(v) ? integer(v, k) : v;
    } else if (Object.hasOwn(FLOWER_WORDS, k)) spec[FLOWER_WORDS[k]!] = w.value(k);
    else if (matches(k, "action")) actions(w, spec);
    else if (/^(enc_|ct_|arp_|mpls|cvlan|hw_tc|num_of_vlans|ip_flags|icmp_|pppoe|ppp_)/.test(k)) {
      throw new UsageError(`flower's "${k}" is not supported by nlroute.`);
    } else throw w.garbage(k);
  }
}

/** tc's get_tc_classid: `root`, `none`, `MAJ:MIN`, `:MIN` or a bare `MAJ` (all hex) → the number. */
function tcClassid(word: string, keyword: string): number {
  if (word === "root") return 0xffffffff;
  if (word === "none") return 0;
  const m = /^([0-9a-f]*)(?::([0-9a-f]*))?$/i.exec(word);
  const maj = m?.[1] ? parseInt(m[1], 16) : 0;
  const min = m?.[2] ? parseInt(m[2], 16) : 0;
  if (
    !m || (m[1] === "" && m[2] === undefined) ||
    (m[2] !== undefined ? maj > 0xffff : maj > 0xffffffff) || min > 0xffff
  ) {
    throw new ArgumentError(keyword, 'a class such as "1:10" (hex)', word, "argument");
  }
  return m[2] === undefined ? maj : ((maj << 16) | min) >>> 0;
}

/** `classid|flowid CLASSID` as tc's get_tc_classid reads it. */
function classidValue(w: Words, k: string): number {
  return tcClassid(w.value(k, "classid"), "classid");
}

/**
 * bpf's options (f_bpf.c, lib/bpf_legacy.c bpf_do_parse): `bytecode "N,C T F K,…"`
 * (classic BPF), `object-pinned|pinned|fd PATH` (an eBPF program pinned on
 * a bpf file system, as tc reads all three), `classid`, `da`, `skip_hw|skip_sw`.
 */
function bpf(w: Words, spec: Spec): void {
  let program = false;
  const source = (k: string) => {
    if (program) throw new UsageError(`bpf: one program ("${k}" after another) in "${w.where}".`);
    program = true;
  };
  while (!w.done) {
    let k = w.next();
    if (matches(k, "run")) {
      source("run");
      k = w.next();
      program = false;
    }
    if (matches(k, "classid") || matches(k, "flowid")) spec.classid = classidValue(w, k);
    else if (matches(k, "direct-action") || matches(k, "da")) spec.da = true;
    else if (matches(k, "skip_hw")) spec.skipHw = true;
    else if (matches(k, "skip_sw")) spec.skipSw = true;
    else if (matches(k, "action")) actions(w, spec);
    else if (matches(k, "police")) {
      throw new UsageError(
        `bpf's own "police" is not supported by nlroute: use "action police …".`,
      );
    } else if (matches(k, "bytecode") || k === "bc") {
      source(k);
      const code = w.value("bytecode");
      encodeBpfOps(code, "bytecode");
      spec.bytecode = code;
    } else if (matches(k, "bytecode-file") || k === "bcf") {
      throw new UsageError(
        `bpf's "${k}" is not supported by nlroute: give the instructions with "bytecode".`,
      );
    } else if (matches(k, "object-file") || k === "obj") {
      throw new UsageError(
        `bpf's "${k}" (loading an ELF object) is not supported by nlroute: load and pin the program (bpftool prog load FILE /sys/fs/bpf/NAME) and give "pinned /sys/fs/bpf/NAME".`,
      );
    } else if (matches(k, "object-pinned") || matches(k, "pinned") || matches(k, "fd")) {
      source(k);
      const path = w.value("pinned");
      spec.pinned = path;
      // tc's annotation for a pinned program: "FILE:[*fsobj]".
      spec.name = `${path.split("/").pop()}:[*fsobj]`;
    } else if (
      matches(k, "type") || matches(k, "section") || k === "program" || matches(k, "export") ||
      matches(k, "verbose")
    ) {
      throw new UsageError(`bpf's "${k}" belongs to "obj FILE", which nlroute does not load.`);
    } else throw w.garbage(k);
  }
  if (!program) {
    throw new UsageError(`bpf needs a program ("bytecode …" or "pinned PATH") in "${w.where}".`);
  }
}

/** basic's options (f_basic.c): `classid`, actions; ematches are refused. */
function basic(w: Words, spec: Spec): void {
  while (!w.done) {
    const k = w.next();
    if (matches(k, "classid") || k === "flowid") spec.classid = classidValue(w, k);
    else if (matches(k, "action")) actions(w, spec);
    else if (matches(k, "match")) {
      throw new UsageError(`basic's "match" (extended matches) is not supported by nlroute.`);
    } else if (matches(k, "police")) {
      throw new UsageError(
        `basic's own "police" is not supported by nlroute: use "action police …".`,
      );
    } else throw w.garbage(k);
  }
}

/** fw's options (f_fw.c): `classid`, `indev`, actions; the mark and mask are the handle. */
function fw(w: Words, spec: Spec, handle: string | undefined): void {
  if (handle !== undefined) {
    const [mark, mask] = handle.split("/", 2);
    spec.handle = value(mark!, "handle");
    if (mask !== undefined) spec.mask = value(mask, "handle mask");
  }
  while (!w.done) {
    const k = w.next();
    if (matches(k, "classid") || matches(k, "flowid")) spec.classid = classidValue(w, k);
    else if (k === "indev") {
      const d = w.value("indev");
      if (d.length > 15) throw new ArgumentError("indev", "an interface name", d, "argument");
      spec.indev = d;
    } else if (matches(k, "action")) actions(w, spec);
    else if (k === "mask") {
      throw new UsageError(`fw's mask is given with the handle: "handle MARK/MASK fw …".`);
    } else if (matches(k, "police")) {
      throw new UsageError(`fw's own "police" is not supported by nlroute: use "action police …".`);
    } else throw w.garbage(k);
  }
}

/** rtnl_rtrealm_a2n: a realm name of rt_realms or a number. */
function realm(word: string, keyword: string): number {
  if (/^0x[0-9a-f]+$/i.test(word)) return integer(word, keyword, 0, 0xff);
  try {
    return REALMS.value(word, keyword, 0xff);
  } catch {
    throw new ArgumentError(keyword, "a realm (a name of rt_realms or 0..255)", word, "argument");
  }
}

/**
 * route's options (f_route.c): `to REALM`, `from REALM | fromif DEV`,
 * `classid`, `order N`, actions; the handle tc makes from them when none is given.
 */
function route(w: Words, spec: Spec, handle: string | undefined): void {
  if (handle !== undefined) spec.handle = numericHandle(handle);
  if (w.done) return;
  let fh = 0xffff8000;
  let order = 0;
  while (!w.done) {
    const k = w.next();
    if (matches(k, "to")) {
      const id = realm(w.value("to"), "to");
      spec.to = id;
      fh = ((fh & ~0x80ff) | id) >>> 0;
    } else if (matches(k, "from")) {
      if (spec.iif !== undefined) throw new UsageError(`route: "from" or "fromif", not both.`);
      const id = realm(w.value("from"), "from");
      spec.from = id;
      fh = ((fh & 0xffff) | (id << 16)) >>> 0;
    } else if (matches(k, "fromif")) {
      if (spec.from !== undefined) throw new UsageError(`route: "from" or "fromif", not both.`);
      // An interface name, which IPRoute resolves; the kernel makes the handle from its index.
      spec.iif = w.value("fromif");
      fh = -1;
    } else if (matches(k, "classid") || k === "flowid") spec.classid = classidValue(w, k);
    else if (matches(k, "order")) order = integer(w.value("order"), "order", 0, 0x7f);
    else if (matches(k, "action")) actions(w, spec);
    else if (matches(k, "police")) {
      throw new UsageError(
        `route's own "police" is not supported by nlroute: use "action police …".`,
      );
    } else throw w.garbage(k);
  }
  if (fh === -1) {
    // The kernel makes the same handle as tc from the index, but "order" lives in the handle.
    if (order && spec.handle === undefined) {
      throw new UsageError(`route: "order" with "fromif" needs a "handle" in "${w.where}".`);
    }
    return;
  }
  if (spec.handle !== undefined) return;
  if (order) fh = ((fh & ~0x7f00) | ((order << 8) & 0x7f00)) >>> 0;
  spec.handle = fh;
}

// Actions (m_action.c parse_action and the kinds' parsers).

/** The verdict words of tc's action_a2n. */
const VERDICTS = ["continue", "drop", "shot", "pass", "ok", "reclassify", "pipe", "trap"];

/** A verdict at the cursor (`drop`, `goto chain N`, `jump N`), or undefined (nothing read). */
function verdict(w: Words): string | undefined {
  const k = w.peek();
  if (k === undefined) return undefined;
  if (VERDICTS.includes(k)) {
    w.next();
    return k === "shot" ? "drop" : k === "ok" ? "pass" : k;
  }
  if (k === "goto") {
    w.next();
    if (w.next() !== "chain") throw new UsageError(`"goto" needs "chain N" in "${w.where}".`);
    return `goto chain ${integer(w.next(), "goto chain")}`;
  }
  if (k === "jump") {
    w.next();
    return `jump ${integer(w.next(), "jump")}`;
  }
  return undefined;
}

/** `VERDICT[/VERDICT]` (police's conform-exceed). */
function slashVerdicts(word: string): [string, string | undefined] {
  const [a, b] = word.split("/");
  const one = (v: string | undefined): string | undefined => {
    if (v === undefined) return undefined;
    if (!VERDICTS.includes(v)) {
      throw new ArgumentError("conform-exceed", "verdicts such as drop/pass", word, "argument");
    }
    return v === "shot" ? "drop" : v === "ok" ? "pass" : v;
  };
  return [one(a)!, one(b)];
}

function gact(w: Words, a: Spec): void {
  if (w.peek() === "gact") w.next();
  const v = verdict(w);
  if (v !== undefined) a.action = v;
  if (w.peek() !== undefined && matches(w.peek()!, "random")) {
    w.next();
    const type = w.next();
    const t = matches(type, "netrand") ? "netrand" : matches(type, "determ") ? "determ" : undefined;
    if (!t) throw new ArgumentError("random", "netrand or determ", type, "argument");
    const action = verdict(w);
    if (action === undefined) {
      throw new UsageError(`"random ${t}" needs a verdict in "${w.where}".`);
    }
    a.random = { type: t, action, value: integer(w.next(), "random value", 1, 10000) };
  }
}

function mirred(w: Words, a: Spec): void {
  while (!w.done) {
    const k = w.peek()!;
    if (matches(k, "egress") || matches(k, "ingress")) {
      w.next();
      if (a.direction !== undefined) throw new UsageError(`mirred: the direction is given twice.`);
      a.direction = matches(k, "egress") ? "egress" : "ingress";
    } else if (matches(k, "mirror") || matches(k, "redirect")) {
      w.next();
      if (a.mode !== undefined) throw new UsageError(`mirred: "mirror" or "redirect", once.`);
      a.mode = matches(k, "mirror") ? "mirror" : "redirect";
    } else if (matches(k, "dev")) {
      w.next();
      a.dev = w.value("mirred dev");
    } else if (matches(k, "index")) {
      w.next();
      a.index = integer(w.value("index"), "index", 1);
    } else {
      const v = verdict(w);
      if (v === undefined) break;
      a.action = v;
    }
  }
  if (a.index !== undefined && a.dev === undefined && a.mode === undefined) return;
  if (a.direction === undefined || a.mode === undefined || a.dev === undefined) {
    throw new UsageError(
      `mirred needs "{ egress | ingress } { mirror | redirect } dev DEV" in "${w.where}".`,
    );
  }
}

function police(w: Words, a: Spec): void {
  while (!w.done) {
    const k = w.peek()!;
    if (k === "rate") a.rate = (w.next(), w.value("police rate"));
    else if (matches(k, "burst") || k === "buffer" || k === "maxburst") {
      w.next();
      a.burst = w.value("police burst");
    } else if (k === "mtu" || k === "minburst") a.mtu = (w.next(), w.value("police mtu"));
    else if (k === "mpu") a.mpu = (w.next(), parseSize(w.value("police mpu"), "mpu"));
    else if (k === "avrate") a.avrate = (w.next(), w.value("police avrate"));
    else if (matches(k, "peakrate")) a.peakrate = (w.next(), w.value("police peakrate"));
    else if (matches(k, "overhead")) {
      w.next();
      a.overhead = integer(w.value("police overhead"), "overhead", 0, 0xffff);
    } else if (matches(k, "linklayer")) {
      w.next();
      const v = w.value("police linklayer");
      a.linklayer = matches(v, "ethernet") ? "ethernet" : "atm";
    } else if (matches(k, "index")) {
      w.next();
      a.index = integer(w.value("index"), "index", 1);
    } else if (k === "conform-exceed") {
      w.next();
      const [exceed, conform] = slashVerdicts(w.value("conform-exceed"));
      a.exceed = exceed;
      if (conform !== undefined) a.conform = conform;
    } else if (k === "pkts_rate" || k === "pkts_burst") {
      throw new UsageError(`police's "${k}" is not supported by nlroute.`);
    } else {
      const v = verdict(w);
      if (v === undefined) break;
      a.exceed = v;
    }
  }
}

/** skbedit's words (m_skbedit.c), up to the verdict. */
function skbedit(w: Words, a: Spec): void {
  while (!w.done) {
    const k = w.peek()!;
    if (matches(k, "queue_mapping")) {
      w.next();
      const v = w.value("queue_mapping");
      if (!/^\d+$/.test(v)) {
        throw new ArgumentError("queue_mapping", "an integer from 0 to 65535", v, "argument");
      }
      a.queueMapping = integer(v, "queue_mapping", 0, 0xffff);
    } else if (matches(k, "priority")) {
      w.next();
      a.priority = tcClassid(w.value("skbedit priority"), "skbedit priority");
    } else if (matches(k, "mark")) {
      w.next();
      const [mark, mask] = w.value("skbedit mark").split("/", 2);
      a.mark = value(mark!, "skbedit mark");
      if (mask !== undefined) a.markMask = value(mask, "skbedit mark mask");
    } else if (matches(k, "ptype")) {
      w.next();
      const v = w.value("ptype");
      const t = ["host", "broadcast", "multicast", "otherhost"].find((n) => matches(v, n));
      if (!t) {
        throw new ArgumentError("ptype", "host, broadcast, multicast or otherhost", v, "argument");
      }
      a.ptype = t;
    } else if (matches(k, "inheritdsfield")) {
      w.next();
      w.once("inheritdsfield");
      a.inheritdsfield = true;
    } else break;
  }
}

/** vlan's words (m_vlan.c), up to the verdict. */
function vlan(w: Words, a: Spec): void {
  const push = () => {
    if (a.op !== "push" && a.op !== "modify") {
      throw new UsageError(`vlan: "${w.peek()}" is only for push and modify.`);
    }
  };
  while (!w.done) {
    const k = w.peek()!;
    const op = matches(k, "pop")
      ? "pop"
      : matches(k, "push")
      ? "push"
      : matches(k, "modify")
      ? "modify"
      : matches(k, "pop_eth") || matches(k, "push_eth")
      ? k
      : undefined;
    if (op !== undefined) {
      if (a.op !== undefined) throw new UsageError(`vlan: "${k}" after "${a.op}".`);
      if (op !== "pop" && op !== "push" && op !== "modify") {
        throw new UsageError(`vlan's "${op}" is not supported by nlroute.`);
      }
      w.next();
      a.op = op;
    } else if (matches(k, "id")) {
      push();
      w.next();
      a.id = integer(w.value("vlan id"), "vlan id", 0, 0xfff);
    } else if (matches(k, "protocol")) {
      push();
      w.next();
      const v = w.value("vlan protocol");
      const p = parseProtocol(v, "vlan protocol");
      if (p !== 0x8100 && p !== 0x88a8) {
        throw new ArgumentError("vlan protocol", "802.1Q or 802.1ad", v, "argument");
      }
      a.protocol = p === 0x8100 ? "802.1Q" : "802.1ad";
    } else if (matches(k, "priority")) {
      push();
      w.next();
      a.priority = integer(w.value("vlan priority"), "vlan priority", 0, 7);
    } else if (matches(k, "dst_mac") || matches(k, "src_mac")) {
      throw new UsageError(`vlan's "${k}" (push_eth) is not supported by nlroute.`);
    } else break;
  }
  if (a.op === undefined) {
    throw new UsageError(`vlan needs "pop", "push id N" or "modify id N" in "${w.where}".`);
  }
  if (a.op !== "pop" && a.id === undefined) {
    throw new UsageError(`vlan ${a.op} needs "id N" in "${w.where}".`);
  }
}

/** csum's targets (m_csum.c parse_csum_args), in tc's order of prefix matching. */
const CSUM_WORDS: [string, string][] = [
  ["iph", "ip4h"],
  ["ip4h", "ip4h"],
  ["ipv4h", "ip4h"],
  ["icmp", "icmp"],
  ["igmp", "igmp"],
  ["tcp", "tcp"],
  ["udp", "udp"],
  ["udplite", "udplite"],
  ["sctp", "sctp"],
];

/** csum's words (`csum` already read): `TARGET [ and | or | + TARGET … ]`, up to the verdict. */
function csum(w: Words, a: Spec): void {
  const update: string[] = [];
  for (;;) {
    while (!w.done) {
      const k = w.peek()!;
      const t = CSUM_WORDS.find(([word]) => matches(k, word));
      if (t) {
        if (!update.includes(t[1])) update.push(t[1]);
      } else if (!(matches(k, "and") || matches(k, "or") || matches(k, "+"))) break;
      w.next();
    }
    if (w.peek() !== "csum") break;
    w.next();
  }
  if (update.length === 0) {
    throw new UsageError(
      `csum needs what to update (ip4h, icmp, igmp, tcp, udp, udplite, sctp) in "${w.where}".`,
    );
  }
  a.update = update;
}

/** `cookie HEX` after an action. */
function cookie(w: Words, a: Spec): void {
  if (w.peek() !== "cookie") return;
  w.next();
  const hex = w.value("cookie");
  if (!/^([0-9a-f]{2}){1,16}$/i.test(hex)) {
    throw new ArgumentError("cookie", "up to 16 bytes in hex", hex, "argument");
  }
  a.cookie = Uint8Array.from(hex.match(/../g)!, (b) => parseInt(b, 16));
}

/** `action KIND ARGS [ action KIND ARGS … ]` (the first `action` already read). */
function actions(w: Words, spec: Spec): void {
  const list = (spec.actions ??= []) as Spec[];
  for (;;) {
    const k = w.peek();
    if (k === undefined) throw w.incomplete();
    const a: Spec = {};
    // Each action's keywords are its own (two mirreds each have a dev).
    const scope = w.scope;
    w.scope = `${scope}action${list.length}.`;
    const v = verdict(w);
    if (v !== undefined) {
      a.kind = "gact";
      a.action = v;
      gact(w, a);
    } else if (k === "gact") {
      a.kind = "gact";
      gact(w, a);
    } else if (k === "mirred") {
      w.next();
      a.kind = "mirred";
      mirred(w, a);
    } else if (k === "police") {
      w.next();
      a.kind = "police";
      police(w, a);
    } else if (k === "skbedit" || k === "vlan" || k === "csum" || k === "pedit") {
      w.next();
      a.kind = k;
      if (k === "skbedit") skbedit(w, a);
      else if (k === "vlan") vlan(w, a);
      else if (k === "csum") csum(w, a);
      else pedit(w, a);
      const v = verdict(w);
      if (v !== undefined) a.action = v;
    } else {
      throw new UsageError(
        `Action "${k}" is not supported by nlroute's tc (gact, mirred, police, skbedit, pedit, vlan, csum, or a verdict such as drop).`,
      );
    }
    if (w.peek() === "index" && a.index === undefined) {
      w.next();
      a.index = integer(w.value("index"), "index", 1);
    }
    cookie(w, a);
    if (a.kind === "skbedit" && Object.keys(a).every((x) => x === "kind" || x === "action")) {
      throw new UsageError(
        `skbedit needs what to set (queue_mapping, priority, mark, ptype, inheritdsfield) or "index N" in "${w.where}".`,
      );
    }
    w.scope = scope;
    list.push(a);
    if (list.length > 32) throw new UsageError(`At most 32 actions in "${w.where}".`);
    const next = w.peek();
    if (next === undefined || !matches(next, "action")) return;
    w.next();
  }
}

/** A filter handle of a kind without its own notation: tc's get_u32(…, 0). */
function numericHandle(word: string): number {
  return integer(word, "handle");
}

/**
 * The kind's words after `tc filter … KIND` into `spec` (the handle put in
 * the kind's notation).
 */
export function filterKindOptions(
  w: Words,
  spec: Spec,
  kind: string,
  handle: string | undefined,
  action: string,
): void {
  const sending = action === "add" || action === "replace" || action === "change";
  if (!sending && !w.done) {
    throw new UsageError(`"${w.where}" takes no ${kind} options ("${w.peek()}").`);
  }
  if (kind === "u32") return u32(w, spec, handle);
  if (kind === "fw") return fw(w, spec, handle);
  if (kind === "route") return route(w, spec, handle);
  if (handle !== undefined) spec.handle = numericHandle(handle);
  if (kind === "matchall") matchall(w, spec);
  else if (kind === "flower") flower(w, spec);
  else if (kind === "bpf") {
    if (sending) bpf(w, spec);
  } else if (kind === "basic") basic(w, spec);
  else if (!w.done) {
    throw new UsageError(
      `nlroute does not parse the options of filter "${kind}" ("${w.peek()}"): u32, matchall, flower, bpf, basic, fw and route are typed.`,
    );
  }
}
