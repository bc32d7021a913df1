/**
 * VXLAN links as `ip -d link` (iproute2 6.1) prints their data:
 * iplink_vxlan.c's print_opt, in its order and spelling (`id 42 remote
 * 10.0.0.9 local 10.0.0.1 dev v0 srcport 0 0 dstport 4789 ttl auto …`).
 *
 * @module
 */
import { parseIP } from "../../core/address.ts";
import { VXLAN_DF } from "../../iproute/names.ts";
import {
  all,
  flag,
  hex0x,
  type KindData,
  type KindPiece,
  type KindPrinter,
  num,
  uint,
} from "./kind_fields.ts";

/** Whether an address is multicast (224/4, ff00::/8). */
function isMulticast(a: string): boolean {
  const ip = parseIP(a);
  if (!ip) return false;
  return ip.bytes.length === 4 ? (ip.bytes[0]! & 0xf0) === 0xe0 : ip.bytes[0] === 0xff;
}

/** Whether an address is all zeros (no address given). */
function isUnspecified(a: string): boolean {
  return parseIP(a)?.bytes.every((b) => b === 0) ?? true;
}

/** The peer: `group` for a multicast address, `remote` for another (`group6`/`remote6` in JSON for IPv6). */
const peer: KindPrinter = (d) => {
  const v4 = d.group as string | undefined;
  const a = v4 ?? (d.group6 as string | undefined);
  if (a === undefined || isUnspecified(a)) return [];
  const word = isMulticast(a) ? "group" : "remote";
  return [{ key: v4 !== undefined ? word : `${word}6`, json: a, text: `${word} ${a} ` }];
};

/** The local address (`local6` in JSON for IPv6). */
const local: KindPrinter = (d) => {
  const v4 = d.local as string | undefined;
  const a = v4 ?? (d.local6 as string | undefined);
  if (a === undefined || isUnspecified(a)) return [];
  return [{ key: v4 !== undefined ? "local" : "local6", json: a, text: `local ${a} ` }];
};

/** The underlying device: `dev NAME`, JSON `link`. */
const link: KindPrinter = (d, names) => {
  const n = num(d.link);
  return n ? [{ key: "link", json: names.name(n), text: `dev ${names.name(n)} ` }] : [];
};

/** `srcport LOW HIGH`, JSON `port_range: { low, high }`. */
const portRange: KindPrinter = (d) => {
  const r = d.portRange as { low?: number; high?: number } | undefined;
  if (!r || r.low === undefined) return [];
  return [{
    key: "port_range",
    json: { low: r.low, high: r.high },
    text: `srcport ${r.low} ${r.high} `,
  }];
};

/** Learning: JSON only, but `nolearning` in text when off. */
const learning: KindPrinter = (d) => {
  const v = num(d.learning);
  if (v === undefined) return [];
  return [{ key: "learning", json: v !== 0, ...(v ? {} : { text: "nolearning " }) }];
};

/** TOS: `tos 0x…`, or `tos inherit` in text for 1. */
const tos: KindPrinter = (d) => {
  const v = num(d.tos);
  if (!v) return [];
  return [{ key: "tos", json: hex0x(v), text: v === 1 ? "tos inherit " : `tos ${hex0x(v)} ` }];
};

/** TTL: `ttl inherit` (text only), `ttl auto` in text for 0, else `ttl N`. */
const ttl: KindPrinter = (d) => {
  if (d.ttlInherit === true || num(d.ttlInherit)) return [{ text: "ttl inherit " }];
  const v = num(d.ttl);
  if (v === undefined) return [];
  return [{ key: "ttl", json: v, text: v ? `ttl ${v} ` : "ttl auto " }];
};

/** Don't-fragment: `df set|inherit`; unset only in JSON. */
const df: KindPrinter = (d) => {
  const v = num(d.df);
  if (v === undefined) return [];
  const name = String(VXLAN_DF.name(v));
  return [{ key: "df", json: name, ...(v === 0 ? {} : { text: `df ${name} ` }) }];
};

/** The flow label: `flowlabel 0x…`, JSON `label`. */
const label: KindPrinter = (d) => {
  const v = num(d.label);
  return v ? [{ key: "label", json: hex0x(v), text: `flowlabel ${hex0x(v)} ` }] : [];
};

/** FDB ageing: `ageing none` for 0. */
const ageing: KindPrinter = (d) => {
  const v = num(d.ageing);
  if (v === undefined) return [];
  return [{ key: "ageing", json: v, text: v ? `ageing ${v} ` : "ageing none " }];
};

/** The FDB limit: `maxaddr N`, JSON `limit`, when set. */
const limit: KindPrinter = (d) => {
  const v = num(d.limit);
  return v ? [{ key: "limit", json: v, text: `maxaddr ${v} ` }] : [];
};

/** A checksum switch: JSON a boolean, text the word or `no` and the word. */
function csum(attr: string, key: string, word: string): KindPrinter {
  return (d: KindData): KindPiece[] => {
    const v = num(d[attr]);
    return v === undefined ? [] : [{ key, json: v !== 0, text: `${v ? "" : "no"}${word} ` }];
  };
}

/** A switch printed only when on (`proxy`, `rsc`, `l2miss`, …). */
function on(attr: string, key: string, word = key): KindPrinter {
  return (d) => (num(d[attr]) ? [{ key, json: true, text: `${word} ` }] : []);
}

/**
 * A VXLAN link's data (IFLA_VXLAN_*) as `ip -d link` prints it; a
 * collect-metadata link prints only `external`.
 */
export const VXLAN_DATA: KindPrinter = (d, names) => {
  if (num(d.collectMetadata)) return [{ key: "external", json: true, text: "external " }];
  if (num(d.id) === undefined) return [];
  return all(
    uint("id", "id"),
    peer,
    local,
    link,
    portRange,
    uint("port", "port", "dstport"),
    learning,
    on("proxy", "proxy"),
    on("rsc", "rsc"),
    on("l2miss", "l2miss"),
    on("l3miss", "l3miss"),
    tos,
    ttl,
    df,
    label,
    ageing,
    limit,
    csum("udpCsum", "udp_csum", "udpcsum"),
    csum("udpZeroCsum6Tx", "udp_zero_csum6_tx", "udp6zerocsumtx"),
    csum("udpZeroCsum6Rx", "udp_zero_csum6_rx", "udp6zerocsumrx"),
    on("remcsumTx", "remcsum_tx", "remcsumtx"),
    on("remcsumRx", "remcsum_rx", "remcsumrx"),
    flag("gbp", "gbp"),
    flag("gpe", "gpe"),
  )(d, names);
};
