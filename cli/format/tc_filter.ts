/**
 * Filters as `tc filter show` prints them (text and `-j`, with `-s`):
 * iproute2 6.1's print_filter, the u32, matchall, flower, bpf, basic, fw
 * and route printers, and the actions inside (tc_print_action with gact,
 * mirred, police, skbedit, pedit, vlan and csum). Where tc's JSON repeats a
 * key (u32's `match` per key, police's `control_action` for exceed and
 * conform) the value here is an array. fw and route print text alone in
 * tc (fprintf): their JSON keys here follow the words. bpf's `id` is
 * printed with TCA_BPF_TAG, as tc does when it cannot open the program
 * (tc as root reads the program's name and tag by id instead); basic's
 * ematches are not printed.
 *
 * @module
 */
import type { Filter } from "../../mod.ts";
import {
  SKBEDIT_F,
  TC_ACT,
  TC_H,
  TC_STRUCTS,
  TC_U32,
  TCA_BPF_FLAG,
  TCA_CLS_FLAGS,
  TCA_CSUM_UPDATE_FLAG,
  TCA_MIRRED,
  TCA_VLAN_ACT,
} from "../../core/tables/tc.ts";
import { REALMS } from "../../iproute/names.ts";
import { PEDIT } from "../../iproute/tc/actions_more.ts";
import { decodeBpfOps } from "../../iproute/tc/filters_more.ts";
import { decodeU32Sel, formatU32Handle } from "../../iproute/tc/u32.ts";
import { protocolName } from "../../iproute/tc/protocol.ts";
import { formatHandle, formatRate, formatSize, txSize } from "../../iproute/tc/units.ts";
import type { Names } from "./ifnames.ts";
import { devname, num, obj, printStats, printStats2 } from "./tc.ts";
import { hex, hex0x, TcPrinter } from "./tc_print.ts";

/** What a `filter show` asked: the selectors tc leaves out of each line, and the switches. */
export interface FilterShow {
  /** `dev X` was given. */
  dev: boolean;
  /** The parent given (`root`, `ingress`, `egress`, `parent P`), as a number. */
  parent?: number;
  /** `pref N` given. */
  prio?: number;
  /** `protocol P` given (the ethertype). */
  protocol?: number;
  /** `chain N` given. */
  chain?: number;
  /** `-s`. */
  stats: boolean;
  /** `-d`. */
  details: boolean;
}

type Obj = Record<string, unknown>;

const INGRESS = ((TC_H.INGRESS & 0xffff0000) | TC_H.MIN_INGRESS) >>> 0;
const EGRESS = ((TC_H.INGRESS & 0xffff0000) | TC_H.MIN_EGRESS) >>> 0;

/** action_n2a's names. */
const VERDICTS = new Map<number, string>([
  [TC_ACT.UNSPEC, "continue"],
  [TC_ACT.OK, "pass"],
  [TC_ACT.SHOT, "drop"],
  [TC_ACT.RECLASSIFY, "reclassify"],
  [TC_ACT.PIPE, "pipe"],
  [TC_ACT.STOLEN, "stolen"],
  [TC_ACT.TRAP, "trap"],
]);

/** print_action_control: `PREFIX VERDICT SUFFIX`, `"control_action": { "type", "chain"? }`. */
function control(p: TcPrinter, prefix: string, raw: unknown, suffix: string): void {
  const n = num(raw) | 0;
  const op = n & ~TC_ACT.EXT_VAL_MASK;
  const value = n & TC_ACT.EXT_VAL_MASK;
  p.fp(prefix).open("control_action");
  if (op === TC_ACT.GOTO_CHAIN) {
    p.any("type", "goto", "goto").any("chain", value, ` chain ${value}`);
  } else if (op === TC_ACT.JUMP) p.any("type", "jump", "jump").any("jump", value, ` ${value}`);
  else {
    const name = VERDICTS.get(n) ?? String(n);
    p.any("type", name, name);
  }
  p.close().fp(suffix);
}

/** print_tm: the action's times in seconds (the kernel gives USER_HZ ticks). */
function times(p: TcPrinter, tm: Obj | undefined): void {
  if (!tm) return;
  const hz = 100;
  const item = (key: string, v: unknown, word: string) => {
    if (num(v)) p.any(key, Math.trunc(num(v) / hz), ` ${word} ${Math.trunc(num(v) / hz)} sec`);
  };
  item("installed", tm.install, "installed");
  item("last_used", tm.lastuse, "used");
  item("first_used", tm.firstuse, "firstused");
  item("expires", tm.expires, "expires");
}

function gact(p: TcPrinter, o: Obj, show: FilterShow): void {
  const parms = obj(o.parms) ?? {};
  control(p, "action ", parms.action, "");
  const prob = obj(o.prob) ?? {};
  p.open("prob").nl();
  const ptype = ["none", "netrand", "determ"][num(prob.ptype)] ?? "none";
  p.any("random_type", ptype, `\t random type ${ptype}`);
  control(p, " ", prob.paction ?? 0, " ");
  p.any("val", num(prob.pval), `val ${num(prob.pval)}`).close();
  p.nl().any("index", num(parms.index), `\t index ${num(parms.index)}`);
  p.any("ref", num(parms.refcnt), ` ref ${num(parms.refcnt)}`);
  p.any("bind", num(parms.bindcnt), ` bind ${num(parms.bindcnt)}`);
  if (show.stats) times(p, obj(o.tm));
  p.nl();
}

const MIRRED_TEXT: Record<number, [string, string, string]> = {
  [TCA_MIRRED.EGRESS_REDIR]: ["Egress Redirect", "redirect", "egress"],
  [TCA_MIRRED.INGRESS_REDIR]: ["Ingress Redirect", "redirect", "ingress"],
  [TCA_MIRRED.EGRESS_MIRROR]: ["Egress Mirror", "mirror", "egress"],
  [TCA_MIRRED.INGRESS_MIRROR]: ["Ingress Mirror", "mirror", "ingress"],
};

function mirred(p: TcPrinter, o: Obj, show: FilterShow, names: Names): void {
  const parms = obj(o.parms) ?? {};
  const [text, action, direction] = MIRRED_TEXT[num(parms.eaction)] ??
    ["unknown", "unknown", "unknown"];
  p.fp(`(${text}`).js("mirred_action", action).js("direction", direction);
  const dev = names.name(num(parms.ifindex));
  p.any("to_dev", dev, ` to device ${dev})`);
  control(p, " ", parms.action, "");
  p.nl().any("index", num(parms.index), `\tindex ${num(parms.index)}`);
  p.any("ref", num(parms.refcnt), ` ref ${num(parms.refcnt)}`);
  p.any("bind", num(parms.bindcnt), ` bind ${num(parms.bindcnt)}`);
  if (show.stats) times(p, obj(o.tm));
  p.nl();
}

function police(p: TcPrinter, o: Obj, show: FilterShow): void {
  const t = obj(o.tbf) ?? {};
  const rate = o.rate64 !== undefined ? num(o.rate64) : num(t.rateRate);
  p.fp(` police 0x${hex(num(t.index))} `).js("index", num(t.index));
  p.fp(`rate ${formatRate(rate)} `);
  const burst = rate > 0 ? txSize(num(t.burst) >>> 0, rate) : 0;
  p.fp(`burst ${formatSize(burst)} `).fp(`mtu ${formatSize(num(t.mtu))} `);
  const prate = o.peakrate64 !== undefined ? num(o.peakrate64) : num(t.peakrateRate);
  if (prate) p.fp(`peakrate ${formatRate(prate)} `);
  if (o.avrate !== undefined) p.fp(`avrate ${formatRate(num(o.avrate))} `);
  if (o.pktrate64 !== undefined && o.pktburst64 !== undefined) {
    const pps = num(o.pktrate64);
    const pb = pps > 0 ? txSize(num(o.pktburst64) >>> 0, pps) : 0;
    p.any("pkts_rate", pps, `pkts_rate ${pps} `).any("pkts_burst", pb, `pkts_burst ${pb} `);
  }
  control(p, "action ", t.action, "");
  if (o.result !== undefined) control(p, "/", o.result, " ");
  else p.fp(" ");
  const overhead = num(t.rateOverhead);
  p.any("overhead", overhead, `overhead ${formatSize(overhead)} `);
  const ll = num(t.rateLinklayer) & 0x0f;
  if (ll > 1 || show.details) {
    const name = ["unspec", "ethernet", "atm"][ll] ?? "unknown";
    p.any("linklayer", name, `linklayer ${name} `);
  }
  p.nl().any("ref", num(t.refcnt), `\tref ${num(t.refcnt)} `);
  p.any("bind", num(t.bindcnt), `bind ${num(t.bindcnt)} `);
  if (show.stats) times(p, obj(o.tm));
  p.nl();
}

/** The `index`, `ref`, `bind` line of skbedit and vlan (`\t index N ref N bind N`), times with -s. */
function genTail(p: TcPrinter, parms: Obj, o: Obj, show: FilterShow, lead: string): void {
  p.any("index", num(parms.index), `${lead}${num(parms.index)}`);
  p.any("ref", num(parms.refcnt), ` ref ${num(parms.refcnt)}`);
  p.any("bind", num(parms.bindcnt), ` bind ${num(parms.bindcnt)}`);
  if (show.stats) times(p, obj(o.tm));
  p.nl();
}

const PTYPE_NAMES = ["host", "broadcast", "multicast", "otherhost"];

/** print_skbedit. */
function skbedit(p: TcPrinter, o: Obj, show: FilterShow): void {
  const parms = obj(o.parms) ?? {};
  if (o.queueMapping !== undefined) {
    p.any("queue_mapping", num(o.queueMapping), `queue_mapping ${num(o.queueMapping)}`);
  }
  if (o.priority !== undefined) {
    const c = formatHandle(num(o.priority));
    p.any("priority", c, ` priority ${c}`);
  }
  if (o.mark !== undefined) p.any("mark", num(o.mark), ` mark ${num(o.mark)}`);
  if (o.mask !== undefined) p.any("mask", hex(num(o.mask)), `/${hex0x(num(o.mask))}`);
  if (o.ptype !== undefined) {
    const t = num(o.ptype);
    const name = PTYPE_NAMES[t];
    if (name) p.any("ptype", name, ` ptype ${name}`);
    else p.any("ptype", t, ` ptype ${t}`);
  }
  if (o.flags !== undefined && (BigInt(o.flags as bigint) & BigInt(SKBEDIT_F.INHERITDSFIELD))) {
    p.any("inheritdsfield", null, " inheritdsfield");
  }
  control(p, " ", parms.action, "");
  p.nl();
  genTail(p, parms, o, show, "\t index ");
}

const VLAN_NAMES: Record<number, string> = {
  [TCA_VLAN_ACT.POP]: "pop",
  [TCA_VLAN_ACT.PUSH]: "push",
  [TCA_VLAN_ACT.MODIFY]: "modify",
  [TCA_VLAN_ACT.POP_ETH]: "pop_eth",
  [TCA_VLAN_ACT.PUSH_ETH]: "push_eth",
};

/** TCA_VLAN_PUSH_VLAN_PROTOCOL is big-endian: the u16 the tables read has its bytes swapped. */
const swap16 = (n: number): number => ((n & 0xff) << 8) | ((n >> 8) & 0xff);

const macText = (b: unknown) =>
  b instanceof Uint8Array ? Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(":") : "";

/** print_vlan. */
function vlan(p: TcPrinter, o: Obj, show: FilterShow): void {
  const parms = obj(o.parms) ?? {};
  const op = num(parms.vAction);
  const name = VLAN_NAMES[op] ?? "";
  p.any("vlan_action", name, ` ${name}`);
  if (op === TCA_VLAN_ACT.PUSH || op === TCA_VLAN_ACT.MODIFY) {
    if (o.pushVlanId !== undefined) p.any("id", num(o.pushVlanId), ` id ${num(o.pushVlanId)}`);
    if (o.pushVlanProtocol !== undefined) {
      const proto = protocolName(swap16(num(o.pushVlanProtocol)));
      p.any("protocol", proto, ` protocol ${proto}`);
    }
    if (o.pushVlanPriority !== undefined) {
      p.any("priority", num(o.pushVlanPriority), ` priority ${num(o.pushVlanPriority)}`);
    }
  } else if (op === TCA_VLAN_ACT.PUSH_ETH) {
    for (const [key, attr] of [["dst_mac", o.pushEthDst], ["src_mac", o.pushEthSrc]] as const) {
      if (attr instanceof Uint8Array && attr.length === 6) {
        p.any(key, macText(attr), ` ${key} ${macText(attr)}`);
      }
    }
  }
  control(p, " ", parms.action, "");
  p.nl();
  genTail(p, parms, o, show, "\t index ");
}

/** print_csum's list, in its order. */
const CSUM_NAMES: [number, string][] = [
  [TCA_CSUM_UPDATE_FLAG.IPV4HDR, "iph"],
  [TCA_CSUM_UPDATE_FLAG.ICMP, "icmp"],
  [TCA_CSUM_UPDATE_FLAG.IGMP, "igmp"],
  [TCA_CSUM_UPDATE_FLAG.TCP, "tcp"],
  [TCA_CSUM_UPDATE_FLAG.UDP, "udp"],
  [TCA_CSUM_UPDATE_FLAG.UDPLITE, "udplite"],
  [TCA_CSUM_UPDATE_FLAG.SCTP, "sctp"],
];

/** print_csum. */
function csum(p: TcPrinter, o: Obj, show: FilterShow): void {
  const parms = obj(o.parms) ?? {};
  const f = num(parms.updateFlags);
  const list = CSUM_NAMES.filter(([bit]) => f & bit).map(([, n]) => n).join(", ") || "?empty";
  p.any("csum", list, `(${list}) `);
  control(p, "action ", parms.action, "\n");
  genTail(p, parms, o, show, "\tindex ");
}

/** pedit_htype_str. */
const PEDIT_HTYPES: Record<string, string> = {
  eth: "eth",
  ip4: "ipv4",
  ip6: "ipv6",
  tcp: "tcp",
  udp: "udp",
};

/** print_pedit. */
function pedit(p: TcPrinter, o: Obj, show: FilterShow): void {
  const raw = o.parms ?? o.parmsEx;
  if (!(raw instanceof Uint8Array)) return;
  const sel = PEDIT.decode(o) as { keys?: Record<string, unknown>[] };
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const at = TC_STRUCTS.tcPeditSel.at;
  const field = (off: number, signed = false) =>
    raw.length >= TC_STRUCTS.tcPeditSel.size
      ? (signed ? dv.getInt32(off, true) : dv.getUint32(off, true))
      : 0;
  const nkeys = raw.length >= TC_STRUCTS.tcPeditSel.size ? dv.getUint8(at.nkeys) : 0;
  const index = field(at.index);
  control(p, "action ", field(at.action, true), " ");
  p.any("nkeys", nkeys, `keys ${nkeys}\n`);
  p.any("index", index, ` \t index ${index}`);
  p.any("ref", field(at.refcnt, true), ` ref ${field(at.refcnt, true)}`);
  p.any("bind", field(at.bindcnt, true), ` bind ${field(at.bindcnt, true)}`);
  if (show.stats) times(p, obj(o.tm));
  p.openArray("keys");
  const keys = sel.keys ?? [];
  if (nkeys) {
    keys.forEach((k, i) => {
      p.open(null).fp(`\n\t key #${i}  at `);
      const off = num(k.offset);
      const htype = typeof k.htype === "string" ? k.htype : "network";
      if (htype !== "network") {
        p.any("htype", PEDIT_HTYPES[htype] ?? htype, PEDIT_HTYPES[htype] ?? htype);
        p.any("offset", off, off >= 0 ? `+${off}` : `${off}`);
      } else p.js("htype", "network").any("offset", off, `${off}`);
      const add = k.cmd === "add";
      p.fp(`: ${add ? "add" : "val"}`).js("cmd", add ? "add" : "set");
      p.any("val", hex(num(k.value)), ` ${hex8(num(k.value))}`);
      p.any("mask", hex(num(k.mask)), ` mask ${hex8(num(k.mask))}`).close();
    });
  } else p.fp(`\npedit ${hex(index)} keys ${nkeys} is not LEGIT`);
  p.close().nl();
}

/** One action (tc_print_one_action, for an action bound to a filter). */
function action(p: TcPrinter, a: Obj, show: FilterShow, names: Names): void {
  const kind = String(a.kind ?? "");
  const o = obj(a.options);
  if (kind === "gact") {
    p.any("kind", "gact", "gact ");
    if (o) gact(p, o, show);
  } else if (kind === "mirred") {
    p.any("kind", "mirred", "mirred ");
    if (o) mirred(p, o, show, names);
  } else if (kind === "police") {
    p.js("kind", "police");
    if (o) police(p, o, show);
  } else if (kind === "skbedit" || kind === "vlan" || kind === "csum") {
    p.any("kind", kind, `${kind} `);
    if (o) (kind === "skbedit" ? skbedit : kind === "vlan" ? vlan : csum)(p, o, show);
  } else if (kind === "pedit") {
    p.any("kind", "pedit", " pedit ");
    if (o) pedit(p, o, show);
  } else {
    // A kind nlroute has no printer for: its name, as tc prints one it lacks.
    p.any("kind", kind, `${kind} `).nl();
  }
  const st = obj(a.stats);
  if (show.stats && st) {
    p.fp("\tAction statistics:").nl().open("stats");
    printStats2(p, st, "\t");
    p.close().nl();
  }
  if (a.cookie instanceof Uint8Array) {
    const h = Array.from(a.cookie, (b) => b.toString(16).padStart(2, "0")).join("");
    p.any("cookie", h, `\tcookie ${h}`).nl();
  }
  const flags = obj(a.flags);
  // TCA_ACT_FLAGS_NO_PERCPU_STATS (1): the only flag tc prints for a bound action.
  if (flags && num(flags.selector) & 1) {
    p.any("no_percpu", (num(flags.value) & 1) !== 0, "\tno_percpu").nl();
  }
}

/** tc_print_action: the `actions` array, `\taction order N: …` lines. */
function actions(p: TcPrinter, list: unknown, show: FilterShow, names: Names): void {
  if (!Array.isArray(list)) return;
  p.openArray("actions");
  list.forEach((a, i) => {
    p.open(null).nl().any("order", i + 1, `\taction order ${i + 1}: `);
    action(p, obj(a) ?? {}, show, names);
    p.close();
  });
  p.close();
}

/** The classifier flags tc prints after a filter's match (`skip_hw`, `in_hw`, …). */
function clsFlags(p: TcPrinter, flags: unknown, before: string, after: string): void {
  if (typeof flags !== "number") return;
  const flag = (name: string) => p.any(name, true, `${before}${name}${after}`);
  if (flags & TCA_CLS_FLAGS.SKIP_HW) flag("skip_hw");
  if (flags & TCA_CLS_FLAGS.SKIP_SW) flag("skip_sw");
  if (flags & TCA_CLS_FLAGS.IN_HW) flag("in_hw");
  else if (flags & TCA_CLS_FLAGS.NOT_IN_HW) flag("not_in_hw");
}

/** `%08x`. */
const hex8 = (n: number) => hex(n).padStart(8, "0");

function u32(p: TcPrinter, f: Filter, o: Obj, show: FilterShow, names: Names): void {
  const handle = f.handleId;
  if (handle) p.any("fh", formatU32Handle(handle), `fh ${formatU32Handle(handle)} `);
  if (handle & 0xfff) p.any("order", handle & 0xfff, `order ${handle & 0xfff} `);
  const sel = o.sel instanceof Uint8Array ? decodeU32Sel(o.sel) : undefined;
  if (o.divisor !== undefined) p.any("ht_divisor", num(o.divisor), `ht divisor ${num(o.divisor)} `);
  else if (o.hash !== undefined) {
    const h = num(o.hash);
    p.any("key_ht", hex((h >>> 20) & 0xfff), `key ht ${hex((h >>> 20) & 0xfff)} `);
    p.any("bkt", hex((h >>> 12) & 0xff), `bkt ${hex((h >>> 12) & 0xff)} `);
  }
  const terminal = sel !== undefined && (sel.flags & TC_U32.TERMINAL) !== 0;
  if (o.classid !== undefined) {
    if (terminal) p.fp("*");
    const c = formatHandle(num(o.classid));
    p.any("flowid", c, `flowid ${c} `);
  } else if (terminal) p.fp("terminal flowid ");
  if (o.link !== undefined) {
    p.any("link", formatU32Handle(num(o.link)), `link ${formatU32Handle(num(o.link))} `);
  }
  clsFlags(p, o.flags, "", " ");
  const mark = obj(o.mark);
  if (mark) {
    p.nl().any(
      "fwmark_value",
      hex0x(num(mark.val)),
      `  mark 0x${hex(num(mark.val)).padStart(4, "0")} `,
    );
    p.any("fwmark_mask", hex0x(num(mark.mask)), `0x${hex(num(mark.mask)).padStart(4, "0")} `);
    p.any("fwmark_success", num(mark.success), `(success ${num(mark.success)})`);
  }
  if (sel) {
    for (const k of sel.keys) {
      p.open("match").nl();
      p.any("value", hex(k.value), `  match ${hex8(k.value)}`);
      p.any("mask", hex(k.mask), `/${hex8(k.mask)} `);
      const nexthdr = k.offmask ? "nexthdr+" : "";
      p.any("offmask", nexthdr, `at ${nexthdr}`).any("off", k.off, `${k.off}`).close();
    }
    if (sel.flags & (TC_U32.VAROFFSET | TC_U32.OFFSET)) {
      p.nl().fp("    offset ");
      if (sel.flags & TC_U32.VAROFFSET) {
        p.any("offset_mask", hex(sel.offmask), hex(sel.offmask).padStart(4, "0"));
        p.any("offset_shift", sel.offshift, `>>${sel.offshift} `);
        p.any("offset_off", sel.offoff, `at ${sel.offoff} `);
      }
      if (sel.off) p.any("plus", sel.off, `plus ${sel.off} `);
    }
    if (sel.flags & TC_U32.EAT) p.fp(" eat ");
    if (sel.hmask) {
      p.nl().any("hash_mask", hex(sel.hmask), `    hash mask ${hex8(sel.hmask)} `);
      p.any("hash_off", sel.hoff, `at ${sel.hoff} `);
    }
  }
  if (o.indev !== undefined) {
    p.nl().any("input_dev", String(o.indev), `  input dev ${o.indev}`).nl();
  }
  actions(p, o.act, show, names);
}

function matchall(p: TcPrinter, f: Filter, o: Obj, show: FilterShow, names: Names): void {
  if (f.handleId) p.any("handle", f.handleId, `handle 0x${hex(f.handleId)} `);
  if (o.classid !== undefined) {
    const c = formatHandle(num(o.classid));
    p.any("flowid", c, `flowid ${c} `);
  }
  clsFlags(p, o.flags, "\n  ", "");
  actions(p, o.act, show, names);
}

/** print_masked_u8/be16: `\n  NAME VALUE[/0xMASK]`, `"NAME": VALUE, "NAME_mask": "HEX"`. */
function masked(p: TcPrinter, name: string, v: unknown, mask: unknown, max: number): void {
  if (v === undefined) return;
  const m = mask === undefined ? max : num(mask);
  p.fp("\n  ").any(name, num(v), `${name} ${num(v)}`);
  if (m !== max) p.any(`${name}_mask`, hex(m), `/0x${hex(m)}`);
}

/** print_indent_name_value: `\n  NAME VALUE`, `"NAME": "VALUE"`. */
function nameValue(p: TcPrinter, name: string, value: string): void {
  p.fp("\n  ").any(name, value, `${name} ${value}`);
}

const ETH_NAMES: Record<number, string> = {
  0x0800: "ipv4",
  0x86dd: "ipv6",
  0x0806: "arp",
  0x8035: "rarp",
};
const IP_PROTOS: Record<number, string> = {
  6: "tcp",
  17: "udp",
  132: "sctp",
  1: "icmp",
  58: "icmpv6",
};
/** flower_ct_states, in tc's order. */
const CT_STATES: readonly [string, number][] = [
  ["trk", 1 << 3],
  ["new", 1 << 0],
  ["est", 1 << 1],
  ["rel", 1 << 2],
  ["inv", 1 << 4],
  ["rpl", 1 << 5],
];

function flower(p: TcPrinter, f: Filter, o: Obj, show: FilterShow, names: Names): void {
  const typed = f.options ?? {};
  if (f.handleId) p.any("handle", f.handleId, `handle 0x${hex(f.handleId)} `);
  if (o.classid !== undefined) {
    const h = num(o.classid);
    const minor = h & 0xffff;
    // TC_H_MIN_PRIORITY (0xffe0) and up: a hardware traffic class.
    if (minor >= 0xffe0 && minor < 0xffe0 + 16) {
      p.any("hw_tc", minor - 0xffe0, `hw_tc ${minor - 0xffe0} `);
    } else p.any("classid", formatHandle(h), `classid ${formatHandle(h)} `);
  }
  if (o.indev !== undefined) p.nl().any("indev", String(o.indev), `  indev ${o.indev}`);
  p.open("keys");
  if (typed.vlanId !== undefined) p.nl().any("vlan_id", typed.vlanId, `  vlan_id ${typed.vlanId}`);
  if (o.keyVlanPrio !== undefined) {
    p.nl().any("vlan_prio", num(o.keyVlanPrio), `  vlan_prio ${num(o.keyVlanPrio)}`);
  }
  if (o.keyVlanEthType !== undefined) {
    const t = protocolName(num(o.keyVlanEthType));
    p.nl().any("vlan_ethtype", t, `  vlan_ethtype ${t}`);
  }
  if (typeof typed.dstMac === "string") nameValue(p, "dst_mac", typed.dstMac);
  if (typeof typed.srcMac === "string") nameValue(p, "src_mac", typed.srcMac);
  let ethType = 0;
  if (o.keyEthType !== undefined) {
    ethType = num(o.keyEthType);
    const t = ETH_NAMES[ethType] ?? hex(ethType).padStart(4, "0");
    p.nl().any("eth_type", t, `  eth_type ${t}`);
  }
  let ipProto = 0xff;
  if (o.keyIpProto !== undefined) {
    ipProto = num(o.keyIpProto);
    const t = IP_PROTOS[ipProto] ?? hex(ipProto).padStart(2, "0");
    p.nl().any("ip_proto", t, `  ip_proto ${t}`);
  }
  masked(p, "ip_tos", o.keyIpTos, o.keyIpTosMask, 0xff);
  masked(p, "ip_ttl", o.keyIpTtl, o.keyIpTtlMask, 0xff);
  const ip = ethType === 0x0800 ? "Ipv4" : ethType === 0x86dd ? "Ipv6" : undefined;
  for (
    const [name, key, end] of [["dst_ip", "dstIp", "Dst"], ["src_ip", "srcIp", "Src"]] as const
  ) {
    if (ip && o[`key${ip}${end}`] !== undefined && o[`key${ip}${end}Mask`] !== undefined) {
      if (typeof typed[key] === "string") nameValue(p, name, typed[key] as string);
    }
  }
  const P = ipProto === 6 ? "Tcp" : ipProto === 17 ? "Udp" : ipProto === 132 ? "Sctp" : undefined;
  if (P) {
    masked(p, "dst_port", o[`key${P}Dst`], o[`key${P}DstMask`], 0xffff);
    masked(p, "src_port", o[`key${P}Src`], o[`key${P}SrcMask`], 0xffff);
    for (const [name, end] of [["dst_port", "Dst"], ["src_port", "Src"]] as const) {
      const min = o[`keyPort${end}Min`];
      const max = o[`keyPort${end}Max`];
      if (min === undefined || max === undefined) continue;
      p.fp("\n  ").open(name).js("start", num(min)).js("end", num(max)).close();
      p.fp(`${name} ${num(min)}-${num(max)}`);
    }
  }
  if (o.keyTcpFlags !== undefined) {
    let v = `0x${hex(num(o.keyTcpFlags))}`;
    if (o.keyTcpFlagsMask !== undefined) v += `/${hex(num(o.keyTcpFlagsMask))}`;
    nameValue(p, "tcp_flags", v);
  }
  if (o.keyCtState !== undefined) {
    const state = num(o.keyCtState);
    const mask = o.keyCtStateMask === undefined ? 0xffff : num(o.keyCtStateMask);
    const s = CT_STATES.filter(([, b]) => mask & b).map(([n, b]) => `${state & b ? "+" : "-"}${n}`)
      .join("");
    p.nl().any("ct_state", s, `  ct_state ${s}`);
  }
  p.close();
  if (typeof o.flags === "number") {
    const fl = o.flags;
    if (fl & TCA_CLS_FLAGS.SKIP_HW) p.nl().any("skip_hw", true, "  skip_hw");
    if (fl & TCA_CLS_FLAGS.SKIP_SW) p.nl().any("skip_sw", true, "  skip_sw");
    if (fl & TCA_CLS_FLAGS.IN_HW) {
      p.nl().any("in_hw", true, "  in_hw");
      if (o.inHwCount !== undefined) {
        p.any("in_hw_count", num(o.inHwCount), ` in_hw_count ${num(o.inHwCount)}`);
      }
    } else if (fl & TCA_CLS_FLAGS.NOT_IN_HW) p.nl().any("not_in_hw", true, "  not_in_hw");
  }
  actions(p, o.act, show, names);
}

/** bpf_print_opt. */
function bpf(p: TcPrinter, f: Filter, o: Obj, show: FilterShow, names: Names): void {
  if (f.handleId) p.any("handle", hex0x(f.handleId), `handle 0x${hex(f.handleId)} `);
  if (o.classid !== undefined) {
    const c = formatHandle(num(o.classid));
    p.any("flowid", c, `flowid ${c} `);
  }
  if (o.name !== undefined) p.any("bpf_name", String(o.name), `${o.name} `);
  if (num(o.flags) & TCA_BPF_FLAG.ACT_DIRECT) p.any("direct-action", true, "direct-action ");
  clsFlags(p, o.flagsGen, "", " ");
  if (o.ops instanceof Uint8Array && o.opsLen !== undefined && num(o.opsLen)) {
    const insns = decodeBpfOps(o.ops).slice(0, num(o.opsLen));
    p.open("bytecode").any("length", num(o.opsLen), `bytecode '${num(o.opsLen)},`);
    p.openArray("insns");
    insns.forEach((i, n) => {
      p.open(null).any("code", i.code, `${i.code} `).any("jt", i.jt, `${i.jt} `);
      p.any("jf", i.jf, `${i.jf} `).any("k", i.k, n === insns.length - 1 ? `${i.k}'` : `${i.k},`);
      p.close();
    });
    p.close().close();
  }
  // tc reads the program's name and tag from the kernel by id (bpf(2)); nlroute prints the
  // id and TCA_BPF_TAG, as tc does when it cannot open the program.
  if (o.id !== undefined) p.open("prog").any("id", num(o.id), `id ${num(o.id)} `).close();
  if (o.tag instanceof Uint8Array) {
    const t = Array.from(o.tag, (b) => b.toString(16).padStart(2, "0")).join("");
    p.any("tag", t, `tag ${t} `);
  }
  actions(p, o.act, show, names);
}

/** basic_print_opt (its ematches are not printed). */
function basic(p: TcPrinter, f: Filter, o: Obj, show: FilterShow, names: Names): void {
  if (f.handleId) p.any("handle", hex(f.handleId), `handle 0x${hex(f.handleId)} `);
  if (o.classid !== undefined) {
    const c = formatHandle(num(o.classid));
    p.any("flowid", c, `flowid ${c} `);
  }
  actions(p, o.act, show, names);
}

/** fw_print_opt (tc prints it with fprintf alone: the JSON keys here follow its words). */
function fw(p: TcPrinter, f: Filter, o: Obj, show: FilterShow, names: Names): void {
  const handle = f.handleId;
  if (handle || o.mask !== undefined) {
    const mask = o.mask === undefined ? 0xffffffff : num(o.mask) >>> 0;
    p.any("handle", `0x${hex(handle)}`, `handle 0x${hex(handle)}`);
    if (mask !== 0xffffffff) p.any("mask", `0x${hex(mask)}`, `/0x${hex(mask)}`);
    p.fp(" ");
  }
  if (o.classid !== undefined) {
    const c = formatHandle(num(o.classid));
    p.any("classid", c, `classid ${c} `);
  }
  if (o.indev !== undefined) p.any("indev", String(o.indev), `input dev ${o.indev} `);
  if (o.act !== undefined) p.nl();
  actions(p, o.act, show, names);
}

/**
 * Whether tc would have read rt_realms by now (on the first realm other
 * than 0, which has a built-in name); reset for each filter (tc keeps it
 * for the process).
 */
let realmsRead = false;

/** rtnl_rtrealm_n2a: 0 is "unknown" until rt_realms is read, then its name there. */
function realmName(id: number): string {
  if (id === 0 && !realmsRead) return "unknown";
  realmsRead = true;
  return String(REALMS.name(id));
}

/** route_print_opt (fprintf alone in tc: the JSON keys here follow its words). */
function route(p: TcPrinter, f: Filter, o: Obj, show: FilterShow, names: Names): void {
  const handle = f.handleId;
  if (handle) p.any("fh", `0x${hex8(handle)}`, `fh 0x${hex8(handle)} `);
  if (handle & 0x7f00) p.any("order", (handle >>> 8) & 0x7f, `order ${(handle >>> 8) & 0x7f} `);
  if (o.classid !== undefined) {
    const c = formatHandle(num(o.classid));
    p.any("flowid", c, `flowid ${c} `);
  }
  for (const key of ["to", "from"] as const) {
    if (o[key] === undefined) continue;
    const r = realmName(num(o[key]));
    p.any(key, r, `${key} ${r} `);
  }
  if (o.iif !== undefined) {
    const dev = names.name(num(o.iif));
    p.any("fromif", dev, `fromif ${dev}`);
  }
  actions(p, o.act, show, names);
}

/** One filter (print_filter). */
export function printFilter(f: Filter, names: Names, show: FilterShow): TcPrinter {
  const p = new TcPrinter();
  realmsRead = false;
  p.fp("filter ");
  if (!show.dev) devname(p, names.name(f.index));
  if (show.parent === undefined || show.parent !== f.parentId) {
    if (f.parentId === TC_H.ROOT) p.any("root", true, "root ");
    else if (f.parentId === INGRESS) p.any("ingress", true, "ingress ");
    else if (f.parentId === EGRESS) p.any("egress", true, "egress ");
    else p.any("parent", formatHandle(f.parentId), `parent ${formatHandle(f.parentId)} `);
  }
  if (f.info) {
    if ((show.protocol === undefined || show.protocol !== f.protocolId) && f.protocolId) {
      p.any("protocol", f.protocol, `protocol ${f.protocol} `);
    }
    if ((show.prio === undefined || show.prio !== f.prio) && f.prio) {
      p.any("pref", f.prio, `pref ${f.prio} `);
    }
  }
  if (f.kind !== undefined) p.any("kind", f.kind, `${f.kind} `);
  const chain = f.chain;
  if (chain !== undefined && (show.chain === undefined || show.chain !== chain)) {
    p.any("chain", chain, `chain ${chain} `);
  }
  const o = f.attrs.options;
  if (o !== undefined) {
    p.open("options");
    const opts = obj(o) ?? {};
    if (f.kind === "u32") u32(p, f, opts, show, names);
    else if (f.kind === "matchall") matchall(p, f, opts, show, names);
    else if (f.kind === "flower") flower(p, f, opts, show, names);
    else if (f.kind === "bpf") bpf(p, f, opts, show, names);
    else if (f.kind === "basic") basic(p, f, opts, show, names);
    else if (f.kind === "fw") fw(p, f, opts, show, names);
    else if (f.kind === "route") route(p, f, opts, show, names);
    else if (opts.act !== undefined) actions(p, opts.act, show, names);
    p.close();
  }
  p.nl();
  if (show.stats && (f.attrs.stats || f.attrs.stats2)) {
    printStats(p, f.attrs, " ");
    p.nl();
  }
  return p;
}
