/**
 * Generates the attribute tables in `core/tables/` from the kernel's YNL specs
 * (Documentation/netlink/specs/rt-*.yaml, kept outside this repository) and,
 * for attribute sets the specs do not describe (veth, vxlan, macvlan, nexthop,
 * netconf), from the uapi headers of linux-libc-dev.
 *
 * Run with Bun (it parses YAML natively):
 *   bun tools/gen_tables.ts [path/to/ynl/specs]
 *
 * The output is data only: enums, flags, structs and attribute sets, with names
 * converted to camelCase. `core/schema.ts` compiles it into lookup tables.
 */
import { readFileSync, writeFileSync } from "node:fs";

declare const Bun: { YAML: { parse(text: string): unknown } };

const SPEC_DIR = process.argv[2] ?? new URL("../../shared/ynl/", import.meta.url).pathname;
const OUT_DIR = new URL("../core/tables/", import.meta.url).pathname;
const INCLUDE = "/usr/include/linux";

// deno-lint-ignore no-explicit-any
type Y = any;

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** One generated attribute row: [number, name, type, options?]. */
type Row = [number, string, string, Record<string, unknown>?];

interface Out {
  enums: Record<string, { flags: boolean; entries: [string, number][] }>;
  structs: Record<string, [string, string, (number | undefined)?, Record<string, unknown>?][]>;
  sets: Record<string, Row[]>;
  subMessages: Record<string, Record<string, string>>;
}

function hint(h: string | undefined): string | undefined {
  if (!h) return undefined;
  if (h === "ipv4" || h === "ipv6" || h === "ipv4-or-v6") return "ip";
  return h; // mac, hex, uuid
}

function convert(spec: Y): Out {
  const out: Out = { enums: {}, structs: {}, sets: {}, subMessages: {} };
  for (const def of spec.definitions ?? []) {
    if (def.type === "enum" || def.type === "flags") {
      const flags = def.type === "flags";
      let next = def["value-start"] ?? 0;
      const entries: [string, number][] = [];
      for (const e of def.entries ?? []) {
        const ent = typeof e === "string" ? { name: e } : e;
        const v = ent.value ?? next;
        next = v + 1;
        entries.push([camel(String(ent.name)), flags ? 2 ** v : v]);
      }
      out.enums[camel(def.name)] = { flags, entries };
    } else if (def.type === "struct") {
      out.structs[camel(def.name)] = (def.members ?? []).map((m: Y) => {
        const opts: Record<string, unknown> = {};
        if (m.enum) opts.enum = camel(m.enum);
        if (m["display-hint"]) opts.hint = hint(m["display-hint"]);
        if (m["byte-order"] === "big-endian") opts.be = true;
        const row: [string, string, (number | undefined)?, Record<string, unknown>?] = [
          camel(m.name),
          m.type,
          m.len ?? (m.type === "binary" || m.type === "pad" ? 0 : undefined),
        ];
        if (Object.keys(opts).length) row[3] = opts;
        return row;
      });
    }
  }
  const raw = new Map<string, Map<string, Y>>();
  for (const set of spec["attribute-sets"] ?? []) {
    raw.set(
      set.name,
      new Map((set.attributes ?? []).map((a: Y, i: number) => [a.name, { ...a, index: i }])),
    );
  }
  for (const set of spec["attribute-sets"] ?? []) {
    const rows: Row[] = [];
    let next = 1;
    const parent = set["subset-of"] ? raw.get(set["subset-of"]) : undefined;
    const parentNums = parent
      ? numbers(spec["attribute-sets"].find((x: Y) => x.name === set["subset-of"]))
      : undefined;
    for (const own of set.attributes ?? []) {
      // A subset inherits number and type from its parent set, and may override hints.
      const a = parent
        ? { ...parent.get(own.name), ...own, value: parentNums!.get(own.name) }
        : own;
      const num = a.value ?? next;
      next = num + 1;
      const opts: Record<string, unknown> = {};
      if (a["nested-attributes"]) opts.nest = camel(a["nested-attributes"]);
      if (a["sub-message"]) {
        opts.sub = camel(a["sub-message"]);
        opts.selector = camel(a.selector);
      }
      const h = hint(a["display-hint"]);
      if (h) opts.hint = h;
      if (a["byte-order"] === "big-endian") opts.be = true;
      if (a.struct) opts.struct = camel(a.struct);
      if (a.enum) opts.enum = camel(a.enum);
      if (a["enum-as-flags"]) opts.flags = true;
      if (a["multi-attr"]) opts.multi = true;
      if (a["sub-type"]) opts.subType = a["sub-type"];
      const row: Row = [num, camel(a.name), a.type];
      if (Object.keys(opts).length) row[3] = opts;
      rows.push(row);
    }
    out.sets[camel(set.name)] = rows;
  }
  for (const sm of spec["sub-messages"] ?? []) {
    const formats: Record<string, string> = {};
    for (const f of sm.formats ?? []) {
      if (f["attribute-set"]) formats[f.value] = camel(f["attribute-set"]);
    }
    out.subMessages[camel(sm.name)] = formats;
  }
  return out;
}

/** Attribute numbers of a set: sequential from 1 unless `value` says otherwise. */
function numbers(set: Y): Map<string, number> {
  const out = new Map<string, number>();
  let next = 1;
  for (const a of set.attributes ?? []) {
    const v = a.value ?? next;
    out.set(a.name, v);
    next = v + 1;
  }
  return out;
}

/**
 * Reads `enum { PREFIX_UNSPEC, PREFIX_A, ... }` from a uapi header: name → number.
 * When an enum starts with `PREFIX_UNSPEC`, only that one is read (so `NHA_`
 * does not pick up `NHA_RES_GROUP_*`); otherwise every enum with the prefix.
 */
function headerEnum(file: string, prefix: string): Map<string, number> {
  const text = readFileSync(`${INCLUDE}/${file}`, "utf8").replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/^\s*#.*$/gm, "");
  const blocks: Map<string, number>[] = [];
  for (const body of text.matchAll(/enum\s*\w*\s*\{([^}]*)\}/g)) {
    let next = 0;
    const local = new Map<string, number>();
    for (const raw of body[1]!.split(",")) {
      const item = raw.trim();
      if (!item) continue;
      const m = item.match(/^(\w+)\s*(?:=\s*(.+))?$/);
      if (!m) continue;
      let v = next;
      if (m[2] !== undefined) {
        const expr = m[2].trim();
        v = /^\d+$/.test(expr) ? Number(expr) : (local.get(expr) ?? Number.NaN);
      }
      local.set(m[1]!, v);
      next = v + 1;
    }
    if ([...local.keys()].some((k) => k.startsWith(prefix))) blocks.push(local);
  }
  const own = blocks.filter((b) => b.keys().next().value === `${prefix}UNSPEC`);
  const found = new Map<string, number>();
  for (const local of own.length ? own : blocks) {
    for (const [k, v] of local) {
      if (k.startsWith(prefix) && !k.startsWith("__") && !k.endsWith("_UNSPEC")) {
        found.set(k.slice(prefix.length), v);
      }
    }
  }
  if (found.size === 0) throw new Error(`no enum with prefix ${prefix} in ${file}`);
  return found;
}

/** Builds an attribute set from a header enum, with types given here. */
function headerSet(
  file: string,
  prefix: string,
  types: Record<string, string | [string, Record<string, unknown>]>,
  newer: Record<string, number> = {},
): Row[] {
  const rows: Row[] = [];
  const numbers = headerEnum(file, prefix);
  // Attributes newer than the installed headers, numbered as in the kernel's uapi.
  for (const [name, num] of Object.entries(newer)) if (!numbers.has(name)) numbers.set(name, num);
  for (const [name, num] of numbers) {
    if (name === "MAX" || name.endsWith("_PAD") && num === 0) continue;
    const t = types[name] ?? "binary";
    const [type, opts] = typeof t === "string" ? [t, undefined] : t;
    const row: Row = [num, camel(name.toLowerCase().replaceAll("_", "-")), type];
    if (opts) row[3] = opts;
    rows.push(row);
  }
  return rows;
}

const IP = { hint: "ip" };
const MAC = { hint: "mac" };

function supplement(): Out {
  const out: Out = { enums: {}, structs: {}, sets: {}, subMessages: {} };
  out.sets.linkinfoVethAttrs = headerSet("veth.h", "VETH_INFO_", {
    PEER: ["nest", { nest: "linkAttrs", header: "ifinfomsg" }],
  });
  out.sets.linkinfoVxlanAttrs = headerSet("if_link.h", "IFLA_VXLAN_", {
    ID: "u32",
    GROUP: ["binary", IP],
    LINK: "u32",
    LOCAL: ["binary", IP],
    TTL: "u8",
    TOS: "u8",
    LEARNING: "u8",
    AGEING: "u32",
    LIMIT: "u32",
    PORT_RANGE: ["binary", { struct: "iflaVxlanPortRange" }],
    PROXY: "u8",
    RSC: "u8",
    L2MISS: "u8",
    L3MISS: "u8",
    PORT: ["u16", { be: true }],
    GROUP6: ["binary", IP],
    LOCAL6: ["binary", IP],
    UDP_CSUM: "u8",
    UDP_ZERO_CSUM6_TX: "u8",
    UDP_ZERO_CSUM6_RX: "u8",
    REMCSUM_TX: "u8",
    REMCSUM_RX: "u8",
    GBP: "flag",
    REMCSUM_NOPARTIAL: "flag",
    COLLECT_METADATA: "u8",
    LABEL: ["u32", { be: true }],
    GPE: "flag",
    TTL_INHERIT: "flag",
    DF: "u8",
    VNIFILTER: "u8",
    LOCALBYPASS: "u8",
    LABEL_POLICY: "u32",
    RESERVED_BITS: "binary",
    MC_ROUTE: "u8",
  }, { LOCALBYPASS: 31, LABEL_POLICY: 32, RESERVED_BITS: 33, MC_ROUTE: 34 });
  out.structs.iflaVxlanPortRange = [["low", "u16", undefined, { be: true }], [
    "high",
    "u16",
    undefined,
    { be: true },
  ]];
  out.enums.macvlanMode = {
    flags: false,
    entries: [["private", 1], ["vepa", 2], ["bridge", 4], ["passthru", 8], ["source", 16]],
  };
  out.sets.linkinfoMacvlanAttrs = headerSet("if_link.h", "IFLA_MACVLAN_", {
    MODE: ["u32", { enum: "macvlanMode" }],
    FLAGS: "u16",
    MACADDR_MODE: "u32",
    MACADDR: ["binary", MAC],
    MACADDR_DATA: "nest",
    MACADDR_COUNT: "u32",
    BC_QUEUE_LEN: "u32",
    BC_QUEUE_LEN_USED: "u32",
    BC_CUTOFF: "s32",
  });
  out.sets.nexthopAttrs = headerSet("nexthop.h", "NHA_", {
    ID: "u32",
    GROUP: ["binary", { struct: "nexthopGrp", array: true }],
    GROUP_TYPE: "u16",
    BLACKHOLE: "flag",
    OIF: "u32",
    GATEWAY: ["binary", IP],
    ENCAP_TYPE: "u16",
    ENCAP: "binary",
    GROUPS: "flag",
    MASTER: "u32",
    FDB: "flag",
    RES_GROUP: ["nest", { nest: "nexthopResGroupAttrs" }],
    RES_BUCKET: "nest",
    OP_FLAGS: "u32",
    GROUP_STATS: "nest",
    HW_STATS_ENABLE: "u32",
    HW_STATS_USED: "u32",
  });
  out.sets.nexthopResGroupAttrs = headerSet("nexthop.h", "NHA_RES_GROUP_", {
    BUCKETS: "u16",
    IDLE_TIMER: "u32",
    UNBALANCED_TIMER: "u32",
    UNBALANCED_TIME: "u64",
  });
  out.structs.nexthopGrp = [["id", "u32"], ["weight", "u8"], ["weightHigh", "u8"], [
    "resvd",
    "u16",
  ]];
  out.sets.linkinfoIpvlanAttrs = headerSet("if_link.h", "IFLA_IPVLAN_", {
    MODE: ["u16", { enum: "ipvlanMode" }],
    FLAGS: "u16",
  });
  out.enums.ipvlanMode = { flags: false, entries: [["l2", 0], ["l3", 1], ["l3s", 2]] };
  out.structs.nhmsg = [
    ["nhFamily", "u8"],
    ["nhScope", "u8"],
    ["nhProtocol", "u8"],
    ["resvd", "u8"],
    ["nhFlags", "u32"],
  ];
  out.sets.netconfAttrs = headerSet("netconf.h", "NETCONFA_", {
    IFINDEX: "s32",
    FORWARDING: "s32",
    RP_FILTER: "s32",
    MC_FORWARDING: "s32",
    PROXY_NEIGH: "s32",
    IGNORE_ROUTES_WITH_LINKDOWN: "s32",
    INPUT: "s32",
    BC_FORWARDING: "s32",
  });
  return out;
}

/**
 * Corrections where a YNL spec disagrees with what the kernel sends and
 * accepts. Bridge port booleans are u8 in the kernel's br_port_policy and
 * br_port_fill_attrs (nla_put_u8), though rt-link.yaml declares them flags.
 * FIB rule src/dst carry IPv4 or IPv6 addresses (rt-rule.yaml says u32).
 * NDA_PORT is in network byte order; IFA_BROADCAST is an address. IFLA_PROTINFO
 * of AF_BRIDGE link messages nests bridge port attributes.
 */
const OVERRIDES: Record<string, Record<string, string | [string, Record<string, unknown>]>> = {
  linkAttrs: { protinfo: ["nest", { nest: "linkinfoBrportAttrs" }] },
  fibRuleAttrs: { src: ["binary", { hint: "ip" }], dst: ["binary", { hint: "ip" }] },
  // NDA_PORT is a be16 (vxlan fdb), as neigh_fill_info's callers put it.
  neighbourAttrs: { port: ["u16", { be: true }] },
  // IFA_BROADCAST is an address (inet_fill_ifaddr puts 4 bytes).
  addrAttrs: { broadcast: ["binary", { hint: "ip" }], anycast: ["binary", { hint: "ip" }] },
  linkinfoBrportAttrs: Object.fromEntries(
    [
      "mode",
      "guard",
      "protect",
      "fastLeave",
      "learning",
      "unicastFlood",
      "proxyarp",
      "learningSync",
      "proxyarpWifi",
      "mcastFlood",
      "mcastToUcast",
      "vlanTunnel",
      "bcastFlood",
      "neighSuppress",
      "isolated",
      "mrpRingOpen",
      "mrpInOpen",
      "locked",
      "mab",
      "neighVlanSuppress",
    ].map((n) => [n, "u8"]),
  ),
};

function applyOverrides(out: Out): Out {
  for (const [set, fixes] of Object.entries(OVERRIDES)) {
    for (const row of out.sets[set] ?? []) {
      const fix = fixes[row[1]];
      if (fix === undefined) continue;
      if (typeof fix === "string") row[2] = fix;
      else [row[2], row[3]] = fix;
    }
  }
  return out;
}

function emit(file: string, constName: string, doc: string, data: Out): void {
  const body = JSON.stringify(data, null, 0)
    .replaceAll("],[", "],\n  [")
    .replaceAll(":[[", ":[\n  [");
  writeFileSync(
    OUT_DIR + file,
    `// Generated by tools/gen_tables.ts. Do not edit.
// ${doc}
import type { SpecData } from "../schema.ts";

/** ${doc} */
export const ${constName}: SpecData = ${body};
`,
  );
}

const SPECS: [string, string, string][] = [
  ["rt-link.yaml", "rt_link.ts", "RT_LINK"],
  ["rt-addr.yaml", "rt_addr.ts", "RT_ADDR"],
  ["rt-route.yaml", "rt_route.ts", "RT_ROUTE"],
  ["rt-neigh.yaml", "rt_neigh.ts", "RT_NEIGH"],
  ["rt-rule.yaml", "rt_rule.ts", "RT_RULE"],
];
for (const [yaml, file, name] of SPECS) {
  const spec = Bun.YAML.parse(readFileSync(SPEC_DIR + yaml, "utf8"));
  emit(
    file,
    name,
    `Attribute tables from the kernel's YNL spec ${yaml} (Documentation/netlink/specs).`,
    applyOverrides(convert(spec)),
  );
}
emit(
  "uapi.ts",
  "UAPI",
  "Attribute tables for sets the YNL specs lack, numbered from linux-libc-dev's uapi headers.",
  supplement(),
);
console.log("tables written to", OUT_DIR);

// Message types and multicast groups, from rtnetlink.h.
{
  const rtm = [...headerEnum("rtnetlink.h", "RTM_")].filter(([k]) => k !== "BASE");
  const grp = [...headerEnum("rtnetlink.h", "RTNLGRP_")].filter(([k]) => k !== "NONE");
  const lines = [
    "// Generated by tools/gen_tables.ts from linux-libc-dev's linux/rtnetlink.h. Do not edit.",
    "",
    "/** rtnetlink message types: name → number (RTM_NEWLINK = 16, …). */",
    "export const RTM = {",
    ...rtm.map(([k, v]) => `  ${k}: ${v},`),
    "} as const;",
    "",
    "/** rtnetlink multicast groups: name → group number (RTNLGRP_LINK = 1, …). */",
    "export const RTNLGRP = {",
    ...grp.map(([k, v]) => `  ${k}: ${v},`),
    "} as const;",
    "",
  ];
  writeFileSync(OUT_DIR + "constants.ts", lines.join("\n"));
}
