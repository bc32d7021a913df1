/**
 * ipset 7.17's text for listed sets: `ipset list`'s blocks (Name, Type,
 * Revision, Header, Size in memory, References, Number of entries,
 * Members), `-terse` (no members), `-name`, and `ipset save`'s `create` and
 * `add` lines; members as ipset prints them (`10.0.0.1,udp:53`,
 * `10.0.0.0/24,eth0`, extensions in ipset's order: timeout, nomatch,
 * packets/bytes, comment, skbmark, skbprio, skbqueue). Like ipset, the
 * header does not print `forceadd`.
 *
 * @module
 */
import type { IPSetEntry, IPSetHeader, IPSetInfo } from "../../netfilter/ipset.ts";

/** An entry's member as ipset writes it, by set type (`typeName` for other types). */
export function memberText(type: string, m: unknown): string {
  switch (type) {
    case "hash:ip":
    case "list:set":
      return String(m);
    case "hash:net":
      return net(String(m));
    case "bitmap:port":
      return String(m);
    case "hash:mac":
      return String(m).toUpperCase();
    case "hash:ip,port": {
      const p = m as { ip: string; port: number; proto?: string };
      return `${p.ip},${p.proto ?? "tcp"}:${p.port}`;
    }
    case "hash:net,iface": {
      const p = m as { net: string; iface: string };
      return `${net(p.net)},${p.iface}`;
    }
  }
  return otherMember(type, m as Record<string, unknown>);
}

/** A prefix as ipset prints it: a host's (`/32`, `/128`) without its length. */
function net(prefix: string): string {
  return prefix.replace(prefix.includes(":") ? /\/128$/ : /\/32$/, "");
}

/**
 * A member of a type nlroute does not model, from its attributes and the
 * type name's parts (`hash:net,port` → `ip/cidr,proto:port`).
 */
function otherMember(typeName: string, a: Record<string, unknown>): string {
  const parts = (typeName.split(":")[1] ?? "").split(",");
  let ips = 0;
  const out: string[] = [];
  for (const p of parts) {
    if (p === "ip" || p === "net") {
      const ip = ips === 0 ? a.ip : a.ip2;
      const cidr = ips === 0 ? a.cidr : a.cidr2;
      const to = ips === 0 ? a.ipTo : a.ip2To;
      ips++;
      let s = String(ip ?? "");
      if (to !== undefined && to !== "") s += `-${to}`;
      else if (p === "net" && cidr !== undefined) s = net(`${s}/${cidr}`);
      out.push(s);
    } else if (p === "port") {
      const proto = a.proto === undefined ? undefined : protoName(a.proto as number);
      out.push(proto === undefined ? String(a.port) : `${proto}:${a.port}`);
    } else if (p === "iface") out.push(String(a.iface));
    else if (p === "mac") out.push(String(a.ether).toUpperCase());
    else if (p === "mark") {
      out.push(`0x${((a.mark as number) >>> 0).toString(16).padStart(8, "0")}`);
    } else out.push(String(a[p] ?? ""));
  }
  return out.join(",");
}

function protoName(n: number): string {
  return ({ 6: "tcp", 17: "udp", 136: "udplite", 132: "sctp", 1: "icmp", 58: "icmpv6" } as Record<
    number,
    string
  >)[n] ?? String(n);
}

const hex = (n: number) => (n >>> 0).toString(16);

/** An entry's extensions as ipset writes them after the member. */
export function extensionsText(e: IPSetEntry<unknown>): string {
  let s = "";
  if (e.timeout !== undefined) s += ` timeout ${e.timeout}`;
  if (e.nomatch) s += " nomatch";
  if (e.packets !== undefined) s += ` packets ${e.packets}`;
  if (e.bytes !== undefined) s += ` bytes ${e.bytes}`;
  if (e.comment !== undefined) s += ` comment "${e.comment}"`;
  if (e.skbmark !== undefined) {
    s += ` skbmark 0x${hex(e.skbmark.mark)}`;
    if (e.skbmark.mask !== 0xffffffff) s += `/0x${hex(e.skbmark.mask)}`;
  }
  if (e.skbprio !== undefined) s += ` skbprio ${e.skbprio}`;
  if (e.skbqueue !== undefined) s += ` skbqueue ${e.skbqueue}`;
  return s;
}

/** The set's type as ipset names it. */
export function typeNameOf(set: IPSetInfo): string {
  return set.type === "other" ? set.typeName : set.type;
}

/** The `Header:` line's text (and `ipset save`'s create options). */
export function headerText(set: IPSetInfo): string {
  const h: IPSetHeader = set.header;
  const f: string[] = [];
  if (h.family !== undefined) f.push(`family ${h.family}`);
  if (h.range !== undefined) f.push(`range ${h.range.from}-${h.range.to}`);
  if (h.hashsize !== undefined) f.push(`hashsize ${h.hashsize}`);
  if (h.maxelem !== undefined) f.push(`maxelem ${h.maxelem}`);
  if (h.size !== undefined) f.push(`size ${h.size}`);
  if (h.timeout !== undefined) f.push(`timeout ${h.timeout}`);
  if (h.counters) f.push("counters");
  if (h.comment) f.push("comment");
  if (h.skbinfo) f.push("skbinfo");
  if (h.bucketsize !== undefined) f.push(`bucketsize ${h.bucketsize}`);
  if (h.initval !== undefined) f.push(`initval 0x${hex(h.initval).padStart(8, "0")}`);
  return f.join(" ");
}

/** One member's line (without the newline). */
export function entryLine(set: IPSetInfo, e: IPSetEntry<unknown>): string {
  return memberText(typeNameOf(set), e.member) + extensionsText(e);
}

/** `ipset list`'s block for one set (`terse`: without the members), newline-terminated. */
export function listBlock(set: IPSetInfo, terse: boolean): string {
  const h = set.header;
  let s = `Name: ${set.name}\nType: ${typeNameOf(set)}\nRevision: ${set.revision}\n` +
    `Header: ${headerText(set)}\nSize in memory: ${h.memsize}\nReferences: ${h.references}\n` +
    `Number of entries: ${h.entries}\n`;
  if (terse) return s;
  s += "Members:\n";
  for (const e of set.members) s += entryLine(set, e) + "\n";
  return s;
}

/** `ipset list`'s text for sets (blocks separated by a blank line), as ipset prints it. */
export function listText(sets: IPSetInfo[], mode: "plain" | "terse" | "name" | "save"): string {
  if (mode === "name") return sets.map((s) => `${s.name}\n`).join("");
  if (mode === "save") return sets.map(saveText).join("");
  return sets.map((s) => listBlock(s, mode === "terse")).join("\n");
}

/** `ipset save`'s lines for one set: create, then one add per member. */
export function saveText(set: IPSetInfo): string {
  const header = headerText(set);
  let s = `create ${set.name} ${typeNameOf(set)}${header ? ` ${header}` : ""}\n`;
  for (const e of set.members) s += `add ${set.name} ${entryLine(set, e)}\n`;
  return s;
}

/** A set for `-j`: the library's typed set, 64-bit counters as numbers when exact, else strings. */
export function setJson(set: IPSetInfo): unknown {
  return JSON.parse(
    JSON.stringify(
      set,
      (_k, v) =>
        typeof v === "bigint" ? (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : String(v)) : v,
    ),
  );
}
