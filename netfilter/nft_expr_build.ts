/**
 * {@link nftExpr}: the expression sequences nft generates for common
 * matches, statements and verdicts (`tcp dport 22`, `ip saddr 10.0.0.0/8`,
 * `iifname "eth*"`, `counter`, `accept`, `snat to …`), as arrays to spread
 * into a rule's expressions. Each gives the expressions `nft --debug=netlink`
 * shows for the same words (tests/nft_expr.test.ts compares them with the
 * bytes nft sends). Matches load into register 1 (reg 1, as nft does); a NAT
 * statement uses registers 1–3.
 *
 * The header offsets are those of the wire formats (struct iphdr: saddr at
 * 12, daddr at 16; struct ipv6hdr: 8 and 24; tcphdr and udphdr: source port
 * at 0, destination port at 2). Like nft in an `ip` or `ip6` table, the
 * address matches do not check the family: in an `inet`, `bridge` or
 * `netdev` table put {@link nftExpr.matchNfproto} first.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import { AF_INET, AF_INET6, parsePrefix } from "../core/address.ts";
import { NFPROTO } from "../core/tables/nftables.ts";
import { LINUX_IF } from "../core/tables/tun.ts";
import type { NftCmpOp, NftExpression, NftFamily, NftNatFlag } from "./nft_expr.ts";
import { nftData } from "./nft_expr_data.ts";

const REG = 1;

function port(v: unknown, arg: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffff) {
    throw new ArgumentError(arg, "a port number from 0 to 65535", v);
  }
  return v;
}

function cmpOp(v: unknown, arg: string): NftCmpOp {
  const ops = ["eq", "neq", "lt", "lte", "gt", "gte"];
  if (typeof v !== "string" || !ops.includes(v)) {
    throw new ArgumentError(arg, `one of ${ops.join(", ")}`, v);
  }
  return v as NftCmpOp;
}

function l4(proto: "tcp" | "udp", offset: number, p: unknown, op: unknown): NftExpression[] {
  return [
    { type: "meta", key: "l4proto", dreg: REG },
    { type: "cmp", sreg: REG, op: "eq", data: nftData({ proto }, "proto") },
    { type: "payload", base: "transport", offset, len: 2, dreg: REG },
    {
      type: "cmp",
      sreg: REG,
      op: cmpOp(op, "op"),
      data: nftData({ port: port(p, "port") }, "port"),
    },
  ];
}

/** `ip saddr 10.0.0.0/8`, as nft writes it: whole bytes load only the prefix's bytes; others mask. */
function address(
  family: number,
  offset: number,
  prefix: unknown,
  op: unknown,
): NftExpression[] {
  const p = parsePrefix(prefix, "address");
  if (p.family !== family) {
    throw new ArgumentError(
      "address",
      family === AF_INET ? "an IPv4 address or prefix" : "an IPv6 address or prefix",
      prefix,
    );
  }
  if (op !== "eq" && op !== "neq") throw new ArgumentError("op", "eq or neq", op);
  if (p.prefixlen === 0) return []; // every address
  const full = p.bytes.length;
  if (p.prefixlen % 8 === 0) {
    const len = p.prefixlen / 8;
    return [
      { type: "payload", base: "network", offset, len, dreg: REG },
      { type: "cmp", sreg: REG, op, data: p.bytes.slice(0, len) },
    ];
  }
  const mask = new Uint8Array(full);
  for (let i = 0; i < full; i++) {
    const bits = Math.min(8, Math.max(0, p.prefixlen - 8 * i));
    mask[i] = (0xff00 >> bits) & 0xff;
  }
  return [
    { type: "payload", base: "network", offset, len: full, dreg: REG },
    { type: "bitwise", sreg: REG, dreg: REG, len: full, mask, xor: new Uint8Array(full) },
    { type: "cmp", sreg: REG, op, data: p.bytes.map((b, i) => b & mask[i]!) },
  ];
}

/** `iifname "eth0"` (16 NUL-padded bytes) or `iifname "eth*"` (the bytes before the `*`). */
function ifname(key: "iifname" | "oifname", name: unknown, op: unknown): NftExpression[] {
  if (typeof name !== "string") throw new ArgumentError("name", "an interface name", name);
  if (op !== "eq" && op !== "neq") throw new ArgumentError("op", "eq or neq", op);
  const wild = name.endsWith("*");
  const text = wild ? name.slice(0, -1) : name;
  if (text.length === 0 || new TextEncoder().encode(text).length >= LINUX_IF.IFNAMSIZ) {
    throw new ArgumentError(
      "name",
      `an interface name of 1 to ${LINUX_IF.IFNAMSIZ - 1} bytes (a trailing * matches a prefix)`,
      name,
    );
  }
  return [
    { type: "meta", key, dreg: REG },
    {
      type: "cmp",
      sreg: REG,
      op,
      data: nftData(wild ? { string: text } : { ifname: text }, "name"),
    },
  ];
}

/** The ports of a NAT statement: one port, or a first and last one. */
function natPorts(ports: unknown): [number, number] | undefined {
  if (ports === undefined) return undefined;
  if (typeof ports === "number") return [port(ports, "ports"), ports];
  if (Array.isArray(ports) && ports.length === 2) {
    return [port(ports[0], "ports[0]"), port(ports[1], "ports[1]")];
  }
  throw new ArgumentError("ports", "a port or [first, last] ports", ports);
}

function nat(
  kind: "snat" | "dnat",
  to: unknown,
  ports: unknown,
  flags: unknown = [],
): NftExpression[] {
  if (!Array.isArray(flags)) throw new ArgumentError("flags", "an array of NAT flag names", flags);
  const p = parsePrefix(to, "to");
  if (p.prefixlen !== p.bytes.length * 8) {
    throw new ArgumentError("to", "an address (not a prefix)", to);
  }
  const range = natPorts(ports);
  const family: NftFamily = p.family === AF_INET6 ? "ipv6" : "ipv4";
  const out: NftExpression[] = [{ type: "immediate", dreg: 1, data: p.bytes }];
  if (range) {
    out.push({ type: "immediate", dreg: 2, data: nftData({ port: range[0] }, "ports") });
    if (range[1] !== range[0]) {
      out.push({ type: "immediate", dreg: 3, data: nftData({ port: range[1] }, "ports") });
    }
  }
  // As nft: one port is proto_min only (the kernel takes it as the max too).
  const regs = !range
    ? {}
    : range[1] === range[0]
    ? { regProtoMin: 2 }
    : { regProtoMin: 2, regProtoMax: 3 };
  const all: NftNatFlag[] = [...(range ? ["protoSpecified" as const] : []), ...flags];
  out.push({
    type: "nat",
    nat: kind,
    family,
    regAddrMin: 1,
    ...regs,
    ...(all.length ? { flags: all } : {}),
  });
  return out;
}

/** The rule-building helpers of {@link nftExpr}: each returns the expressions of one nft statement. */
export interface NftExprBuilders {
  /** `meta l4proto <proto>`: a protocol name (`tcp`, `udp`, `icmp`, …) or number. */
  matchL4proto(proto: string | number): NftExpression[];
  /** `meta nfproto ipv4|ipv6`: the family, for address matches in inet, bridge and netdev tables. */
  matchNfproto(family: "ipv4" | "ipv6"): NftExpression[];
  /** `tcp dport <port>` (or `!=`, `<`, … with `op`). */
  matchTcpDport(p: number, op?: NftCmpOp): NftExpression[];
  /** `tcp sport <port>`. */
  matchTcpSport(p: number, op?: NftCmpOp): NftExpression[];
  /** `udp dport <port>`. */
  matchUdpDport(p: number, op?: NftCmpOp): NftExpression[];
  /** `udp sport <port>`. */
  matchUdpSport(p: number, op?: NftCmpOp): NftExpression[];
  /** `ip saddr <address or prefix>` (`op` `neq`: `!=`). A /0 prefix matches everything: no expressions. */
  matchIpSaddr(prefix: string, op?: "eq" | "neq"): NftExpression[];
  /** `ip daddr <address or prefix>`. */
  matchIpDaddr(prefix: string, op?: "eq" | "neq"): NftExpression[];
  /** `ip6 saddr <address or prefix>`. */
  matchIp6Saddr(prefix: string, op?: "eq" | "neq"): NftExpression[];
  /** `ip6 daddr <address or prefix>`. */
  matchIp6Daddr(prefix: string, op?: "eq" | "neq"): NftExpression[];
  /** `iifname "<name>"`; a trailing `*` matches a prefix (`"eth*"`). */
  matchIifname(name: string, op?: "eq" | "neq"): NftExpression[];
  /** `oifname "<name>"`; a trailing `*` matches a prefix. */
  matchOifname(name: string, op?: "eq" | "neq"): NftExpression[];
  /** `meta mark <mark>`. */
  matchMark(mark: number, op?: NftCmpOp): NftExpression[];
  /** `meta mark set <mark>`. */
  setMark(mark: number): NftExpression[];
  /** `counter` (optionally starting from given values). */
  counter(start?: { bytes?: number | bigint; packets?: number | bigint }): NftExpression[];
  /** `accept`. */
  accept(): NftExpression[];
  /** `drop`. */
  drop(): NftExpression[];
  /** `return`. */
  return(): NftExpression[];
  /** `jump <chain>`. */
  jump(chain: string): NftExpression[];
  /** `goto <chain>`. */
  goto(chain: string): NftExpression[];
  /** `reject with tcp reset`. */
  rejectTcpReset(): NftExpression[];
  /**
   * `snat to <address>[:<port>[-<port>]] [flags]` (ports only after a transport
   * protocol match; flags such as `persistent`, `protoRandom`).
   */
  snat(to: string, ports?: number | [number, number], flags?: NftNatFlag[]): NftExpression[];
  /** `dnat to <address>[:<port>[-<port>]] [flags]`. */
  dnat(to: string, ports?: number | [number, number], flags?: NftNatFlag[]): NftExpression[];
  /** `masquerade` (with NAT flags: `protoRandom`, `protoRandomFully`, `persistent`). */
  masquerade(flags?: NftNatFlag[]): NftExpression[];
}

/**
 * Expression sequences for common rule parts, as nft generates them. Each
 * returns an array: spread them into one rule's expressions.
 *
 * @example `iifname "lo" tcp dport 22 counter accept`
 * ```ts
 * import { checkExpressions, nftExpr } from "./nft_expr.ts";
 * import assert from "node:assert/strict";
 *
 * const rule = [
 *   ...nftExpr.matchIifname("lo"),
 *   ...nftExpr.matchTcpDport(22),
 *   ...nftExpr.counter(),
 *   ...nftExpr.accept(),
 * ];
 * assert.deepEqual(rule.map((e) => e.type), [
 *   "meta", "cmp", "meta", "cmp", "payload", "cmp", "counter", "immediate",
 * ]);
 * assert.equal(checkExpressions(rule, "expressions").length, 8);
 * ```
 */
export const nftExpr: NftExprBuilders = {
  /** `meta l4proto <proto>`: a protocol name (`tcp`, `udp`, `icmp`, …) or number. */
  matchL4proto(proto: string | number): NftExpression[] {
    return [
      { type: "meta", key: "l4proto", dreg: REG },
      { type: "cmp", sreg: REG, op: "eq", data: nftData({ proto }, "proto") },
    ];
  },
  /** `meta nfproto ipv4|ipv6`: the family, for address matches in inet, bridge and netdev tables. */
  matchNfproto(family: "ipv4" | "ipv6"): NftExpression[] {
    if (family !== "ipv4" && family !== "ipv6") {
      throw new ArgumentError("family", '"ipv4" or "ipv6"', family);
    }
    return [
      { type: "meta", key: "nfproto", dreg: REG },
      {
        type: "cmp",
        sreg: REG,
        op: "eq",
        data: Uint8Array.of(family === "ipv4" ? NFPROTO.IPV4 : NFPROTO.IPV6),
      },
    ];
  },
  /** `tcp dport <port>` (or `!=`, `<`, … with `op`). */
  matchTcpDport(p: number, op: NftCmpOp = "eq"): NftExpression[] {
    return l4("tcp", 2, p, op);
  },
  /** `tcp sport <port>`. */
  matchTcpSport(p: number, op: NftCmpOp = "eq"): NftExpression[] {
    return l4("tcp", 0, p, op);
  },
  /** `udp dport <port>`. */
  matchUdpDport(p: number, op: NftCmpOp = "eq"): NftExpression[] {
    return l4("udp", 2, p, op);
  },
  /** `udp sport <port>`. */
  matchUdpSport(p: number, op: NftCmpOp = "eq"): NftExpression[] {
    return l4("udp", 0, p, op);
  },
  /** `ip saddr <address or prefix>` (`op` `neq`: `!=`). A /0 prefix matches everything: no expressions. */
  matchIpSaddr(prefix: string, op: "eq" | "neq" = "eq"): NftExpression[] {
    return address(AF_INET, 12, prefix, op);
  },
  /** `ip daddr <address or prefix>`. */
  matchIpDaddr(prefix: string, op: "eq" | "neq" = "eq"): NftExpression[] {
    return address(AF_INET, 16, prefix, op);
  },
  /** `ip6 saddr <address or prefix>`. */
  matchIp6Saddr(prefix: string, op: "eq" | "neq" = "eq"): NftExpression[] {
    return address(AF_INET6, 8, prefix, op);
  },
  /** `ip6 daddr <address or prefix>`. */
  matchIp6Daddr(prefix: string, op: "eq" | "neq" = "eq"): NftExpression[] {
    return address(AF_INET6, 24, prefix, op);
  },
  /** `iifname "<name>"`; a trailing `*` matches a prefix (`"eth*"`). */
  matchIifname(name: string, op: "eq" | "neq" = "eq"): NftExpression[] {
    return ifname("iifname", name, op);
  },
  /** `oifname "<name>"`; a trailing `*` matches a prefix. */
  matchOifname(name: string, op: "eq" | "neq" = "eq"): NftExpression[] {
    return ifname("oifname", name, op);
  },
  /** `meta mark <mark>`. */
  matchMark(mark: number, op: NftCmpOp = "eq"): NftExpression[] {
    return [
      { type: "meta", key: "mark", dreg: REG },
      { type: "cmp", sreg: REG, op: cmpOp(op, "op"), data: nftData({ u32: mark }, "mark") },
    ];
  },
  /** `meta mark set <mark>`. */
  setMark(mark: number): NftExpression[] {
    return [
      { type: "immediate", dreg: REG, data: nftData({ u32: mark }, "mark") },
      { type: "meta", key: "mark", sreg: REG },
    ];
  },
  /** `counter` (optionally starting from given values). */
  counter(start: { bytes?: number | bigint; packets?: number | bigint } = {}): NftExpression[] {
    return [{
      type: "counter",
      bytes: start.bytes ?? 0,
      packets: start.packets ?? 0,
    }];
  },
  /** `accept`. */
  accept(): NftExpression[] {
    return [{ type: "immediate", verdict: { code: "accept" } }];
  },
  /** `drop`. */
  drop(): NftExpression[] {
    return [{ type: "immediate", verdict: { code: "drop" } }];
  },
  /** `return`. */
  return(): NftExpression[] {
    return [{ type: "immediate", verdict: { code: "return" } }];
  },
  /** `jump <chain>`. */
  jump(chain: string): NftExpression[] {
    return [{ type: "immediate", verdict: { code: "jump", chain } }];
  },
  /** `goto <chain>`. */
  goto(chain: string): NftExpression[] {
    return [{ type: "immediate", verdict: { code: "goto", chain } }];
  },
  /** `reject with tcp reset`. */
  rejectTcpReset(): NftExpression[] {
    return [{ type: "reject", rejectType: "tcpRst" }];
  },
  /**
   * `snat to <address>[:<port>[-<port>]] [flags]` (ports only after a transport
   * protocol match; flags such as `persistent`, `protoRandom`).
   */
  snat(to: string, ports?: number | [number, number], flags: NftNatFlag[] = []): NftExpression[] {
    return nat("snat", to, ports, flags);
  },
  /** `dnat to <address>[:<port>[-<port>]] [flags]`. */
  dnat(to: string, ports?: number | [number, number], flags: NftNatFlag[] = []): NftExpression[] {
    return nat("dnat", to, ports, flags);
  },
  /** `masquerade` (with NAT flags: `protoRandom`, `protoRandomFully`, `persistent`). */
  masquerade(flags: NftNatFlag[] = []): NftExpression[] {
    return [flags.length ? { type: "masq", flags } : { type: "masq" }];
  },
};
