/**
 * Traffic control tables for the generator: the attribute sets, sub-messages
 * (options by kind) and operations of the kernel's 6.12 YNL spec tc.yaml, with
 * the struct layouts taken from the uapi headers the structs are declared in
 * (pkt_sched.h, pkt_cls.h, tc_act/*.h, gen_stats.h) — 6.12's tc.yaml declares
 * some of them wrongly (tc-ratespec's overhead, cell-align and mpu as u8: the
 * header has unsigned short, short, unsigned short, so its size is 12, not 9)
 * and nests structs as zero-length binaries. Every attribute number the spec
 * gives is checked against the header's enum for the sets listed in CHECKS.
 *
 * What the spec lacks, from the headers: actions' own messages (struct tcamsg,
 * TCA_ROOT_*), the parms structs of mirred, csum, skbedit, nat, the HTB
 * extended statistics (struct tc_htb_xstats), and the constants (TC_H_*,
 * TC_ACT_*, TC_LINKLAYER_*, TCA_CLS_FLAGS_*, TC_U32_*, mirred's eaction).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { camel, defines, enumValues, type MemberRow, struct } from "./cheader.ts";
import { convert, type Out } from "../../core/ynl.ts";
import { parseYaml } from "../../core/yaml.ts";
import type { ConstGroup } from "./emit.ts";

/** Set name → the header and enum prefix its attribute numbers must match. */
const CHECKS: Record<string, [string, string]> = {
  tcAttrs: ["rtnetlink.h", "TCA_"],
  tcActAttrs: ["pkt_cls.h", "TCA_ACT_"],
  tcHtbAttrs: ["pkt_sched.h", "TCA_HTB_"],
  tcTbfAttrs: ["pkt_sched.h", "TCA_TBF_"],
  tcNetemAttrs: ["pkt_sched.h", "TCA_NETEM_"],
  tcFqCodelAttrs: ["pkt_sched.h", "TCA_FQ_CODEL_"],
  tcFqAttrs: ["pkt_sched.h", "TCA_FQ_"],
  tcCakeAttrs: ["pkt_sched.h", "TCA_CAKE_"],
  tcU32Attrs: ["pkt_cls.h", "TCA_U32_"],
  tcFlowerAttrs: ["pkt_cls.h", "TCA_FLOWER_"],
  tcMatchallAttrs: ["pkt_cls.h", "TCA_MATCHALL_"],
  tcBpfAttrs: ["pkt_cls.h", "TCA_BPF_"],
  tcBasicAttrs: ["pkt_cls.h", "TCA_BASIC_"],
  tcFwAttrs: ["pkt_cls.h", "TCA_FW_"],
  tcRouteAttrs: ["pkt_cls.h", "TCA_ROUTE4_"],
  tcPoliceAttrs: ["pkt_cls.h", "TCA_POLICE_"],
  tcActGactAttrs: ["tc_act/tc_gact.h", "TCA_GACT_"],
  tcActMirredAttrs: ["tc_act/tc_mirred.h", "TCA_MIRRED_"],
  tcActSkbeditAttrs: ["tc_act/tc_skbedit.h", "TCA_SKBEDIT_"],
  tcActPeditAttrs: ["tc_act/tc_pedit.h", "TCA_PEDIT_"],
  tcActVlanAttrs: ["tc_act/tc_vlan.h", "TCA_VLAN_"],
  tcActCsumAttrs: ["tc_act/tc_csum.h", "TCA_CSUM_"],
  tcActBpfAttrs: ["tc_act/tc_bpf.h", "TCA_ACT_BPF_"],
  tcaStatsAttrs: ["gen_stats.h", "TCA_STATS_"],
  tcActStatsAttrs: ["gen_stats.h", "TCA_STATS_"],
};

/** Headers searched for a struct the spec declares, in order. */
const STRUCT_HEADERS = [
  "pkt_sched.h",
  "pkt_cls.h",
  "gen_stats.h",
  "rtnetlink.h",
  ...[
    "tc_bpf.h",
    "tc_connmark.h",
    "tc_csum.h",
    "tc_ct.h",
    "tc_ctinfo.h",
    "tc_defact.h",
    "tc_gact.h",
    "tc_gate.h",
    "tc_ife.h",
    "tc_mirred.h",
    "tc_mpls.h",
    "tc_nat.h",
    "tc_pedit.h",
    "tc_sample.h",
    "tc_skbedit.h",
    "tc_skbmod.h",
    "tc_tunnel_key.h",
    "tc_vlan.h",
  ].map((f) => `tc_act/${f}`),
];

/**
 * Structs the spec names under another C name, or does not declare, that
 * attributes below need: spec name → C struct name.
 */
const EXTRA_STRUCTS: Record<string, string> = {
  tcamsg: "tcamsg",
  tcMirred: "tc_mirred",
  tcCsum: "tc_csum",
  tcSkbedit: "tc_skbedit",
  tcNat: "tc_nat",
  tcConnmark: "tc_connmark",
  tcSkbmod: "tc_skbmod",
  tcDefact: "tc_defact",
  tcActBpf: "tc_act_bpf",
  tcHtbXstats: "tc_htb_xstats",
  tcEstimator: "tc_estimator",
  tcServiceCurve: "tc_service_curve",
};

/** Parms attributes the spec leaves as plain binaries: set → attribute → struct. */
const PARMS: Record<string, Record<string, string>> = {
  tcActMirredAttrs: { parms: "tcMirred" },
  tcActCsumAttrs: { parms: "tcCsum" },
  tcActSkbeditAttrs: { parms: "tcSkbedit" },
  tcActNatAttrs: { parms: "tcNat" },
  tcActConnmarkAttrs: { parms: "tcConnmark" },
  tcActSkbmodAttrs: { parms: "tcSkbmod" },
  tcActSimpleAttrs: { parms: "tcDefact" },
  tcActBpfAttrs: { parms: "tcActBpf" },
  tcActPoliceAttrs: { rate: "", peakrate: "" },
  tcHfscAttrs: { rsc: "tcServiceCurve", fsc: "tcServiceCurve", usc: "tcServiceCurve" },
};

/**
 * TC_ACT_*, with the extended opcodes JUMP and GOTO_CHAIN (`__TC_ACT_EXT(n)`,
 * n << __TC_ACT_EXT_SHIFT: a function-like macro the header reader does not evaluate).
 */
function actVerdicts(path: string): Map<string, number> {
  const out = defines(path, "TC_ACT_", { from: "TC_ACT_UNSPEC", to: "TC_ACT_GOTO_CHAIN" });
  const shift = defines(path, "__TC_ACT_EXT_").get("SHIFT")!;
  const text = readFileSync(path, "utf8");
  for (const m of text.matchAll(/^#define TC_ACT_(\w+)\s+__TC_ACT_EXT\((\d+)\)/gm)) {
    out.set(m[1]!, Number(m[2]) * 2 ** shift);
  }
  return out;
}

/** `tc-htb-opt` → `tc_htb_opt`. */
const cName = (specName: string) =>
  specName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/-/g, "_");

function headerStruct(uapi: string, system: string, name: string): MemberRow[] | undefined {
  for (const f of STRUCT_HEADERS) {
    const path = f === "gen_stats.h" ? `${system}/${f}` : `${uapi}/${f}`;
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch {
      continue;
    }
    if (!new RegExp(`struct\\s+${name}\\s*\\{`).test(text)) continue;
    return struct(path, name, {}, { prefixNested: true });
  }
  return undefined;
}

/**
 * The tc tables and constant groups. `system` is the folder of headers the
 * 6.12 subset lacks (gen_stats.h): Debian's linux-libc-dev.
 */
export function tcTables(
  specPath: string,
  uapi: string,
  system = "/usr/include/linux",
): { out: Out; groups: ConstGroup[] } {
  const out = convert(parseYaml(readFileSync(specPath, "utf8"), "tc.yaml"));
  const h = (f: string) => f === "gen_stats.h" ? `${system}/${f}` : `${uapi}/${f}`;

  // Struct layouts from the headers; a struct no header declares keeps the
  // spec's rows, which must then be plain (no zero-length nested structs).
  for (const name of Object.keys(out.structs)) {
    const rows = headerStruct(uapi, system, cName(name));
    if (rows) out.structs[name] = rows;
    else if (out.structs[name]!.some((r) => r[1] === "binary" && !r[2] && r[3]?.struct)) {
      throw new Error(`tc.yaml struct ${name}: no header declares it and it nests a struct`);
    }
  }
  for (const [name, c] of Object.entries(EXTRA_STRUCTS)) {
    const rows = headerStruct(uapi, system, c);
    if (!rows) throw new Error(`no header declares struct ${c}`);
    out.structs[name] = rows;
  }
  // Struct-typed binaries the spec leaves untyped; tc_police's rate tables
  // (TCA_POLICE_RATE/PEAKRATE: 256 u32s) stay binary.
  for (const [set, fixes] of Object.entries(PARMS)) {
    for (const row of out.sets[set] ?? []) {
      const s = fixes[row[1]];
      if (s) row[3] = { ...row[3], struct: s };
    }
  }
  // Structs with a flexible array of keys (tc_u32_sel's keys[], tc_pedit_sel's
  // keys[]) stay bytes: the table's struct would drop the keys on decode.
  const binaries: [string, string][] = [["tcU32Attrs", "sel"], ["tcActPeditAttrs", "parms"]];
  for (const [set, attr] of binaries) {
    for (const row of out.sets[set] ?? []) if (row[1] === attr) row.length = 3;
  }
  // TCA_STATS_APP: the per-kind extended statistics, like TCA_XSTATS.
  for (const set of ["tcaStatsAttrs"]) {
    for (const row of out.sets[set] ?? []) {
      if (row[1] === "app") {
        row[2] = "sub-message";
        row[3] = { sub: "tcaStatsAppMsg", selector: "kind" };
      }
    }
  }
  // HTB's class statistics (htb_dump_class_stats: struct tc_htb_xstats), absent from the spec.
  (out.subHeaders ??= {}).tcaStatsAppMsg = { ...out.subHeaders.tcaStatsAppMsg, htb: "tcHtbXstats" };
  // netem's fixed header has `loss` (a probability), its attributes TCA_NETEM_LOSS
  // (the loss model nest): one object cannot hold both, so the header member is renamed.
  const netem = out.structs.tcNetemQopt!;
  for (const row of netem) if (row[0] === "loss") row[0] = "lossProbability";

  // Actions' messages (RTM_*ACTION): struct tcamsg, then TCA_ROOT_* attributes.
  const root = enumValues(h("rtnetlink.h"), "TCA_ROOT_");
  const rootTypes: Record<string, [string, Record<string, unknown>?]> = {
    TAB: ["indexed-array", { subType: "nest", nest: "tcActAttrs" }],
    FLAGS: ["bitfield32"],
    COUNT: ["u32"],
    TIME_DELTA: ["u32"],
    EXT_WARN_MSG: ["string"],
  };
  out.sets.tcRootAttrs = [...root].filter(([n]) => n !== "UNSPEC").map(([n, v]) => {
    const [type, opts] = rootTypes[n] ?? ["binary"];
    return opts ? [v, camel(n), type, opts] : [v, camel(n), type];
  });

  for (const [set, [file, prefix]] of Object.entries(CHECKS)) {
    const nums = enumValues(h(file), prefix, true);
    for (const [num, name] of out.sets[set] ?? []) {
      const want = [...nums].find(([n]) => camel(n) === name)?.[1];
      if (want === undefined && name !== "pad") {
        throw new Error(`tc.yaml ${set}.${name}: not in ${file} (${prefix}*)`);
      }
      if (want !== undefined && want !== num) {
        throw new Error(`tc.yaml ${set}.${name} is ${num}, ${file} says ${want}`);
      }
    }
  }

  const groups: ConstGroup[] = [
    [
      "TC_H",
      "Special handles and the minor numbers of clsact's hooks (pkt_sched.h TC_H_*).",
      defines(h("pkt_sched.h"), "TC_H_", { from: "TC_H_MAJ_MASK", to: "TC_LINKLAYER_MASK" }),
    ],
    [
      "TC_ACT",
      "Action verdicts (pkt_cls.h TC_ACT_*; JUMP and GOTO_CHAIN carry an argument in their low 28 bits).",
      actVerdicts(h("pkt_cls.h")),
    ],
    [
      "TC_LINKLAYER",
      "Link layers of rate specs (pkt_sched.h).",
      enumValues(h("pkt_sched.h"), "TC_LINKLAYER_"),
    ],
    [
      "TCA_CLS_FLAGS",
      "Classifier flags (pkt_cls.h TCA_CLS_FLAGS_*).",
      defines(h("pkt_cls.h"), "TCA_CLS_FLAGS_"),
    ],
    [
      "TC_U32",
      "u32 selector flags (pkt_cls.h TC_U32_*), and the root hash table's id (TC_U32_ROOT).",
      new Map([
        ...defines(h("pkt_cls.h"), "TC_U32_", { from: "TC_U32_TERMINAL", to: "TC_U32_MAXDEPTH" }),
        ["ROOT", defines(h("pkt_cls.h"), "TC_U32_").get("ROOT")!],
      ]),
    ],
    [
      "TCA_MIRRED",
      "mirred's eaction values (tc_act/tc_mirred.h TCA_EGRESS_* / TCA_INGRESS_*).",
      new Map([
        ...[...defines(h("tc_act/tc_mirred.h"), "TCA_EGRESS_")].map(([k, v]) =>
          [`EGRESS_${k}`, v] as const
        ),
        ...[...defines(h("tc_act/tc_mirred.h"), "TCA_INGRESS_")].map(([k, v]) =>
          [`INGRESS_${k}`, v] as const
        ),
      ]),
    ],
    [
      "TCA_ROOT_FLAG",
      "Action dump flags (rtnetlink.h TCA_ACT_FLAG_*: TCA_ROOT_FLAGS).",
      defines(h("rtnetlink.h"), "TCA_ACT_FLAG_"),
    ],
    [
      "PGACT",
      "gact's random modes (tc_act/tc_gact.h PGACT_*).",
      defines(h("tc_act/tc_gact.h"), "PGACT_", { to: "MAX_RAND" }),
    ],
    [
      "TCA_VLAN_ACT",
      "vlan's operations (tc_act/tc_vlan.h TCA_VLAN_ACT_*).",
      defines(h("tc_act/tc_vlan.h"), "TCA_VLAN_ACT_"),
    ],
    [
      "SKBEDIT_F",
      "skbedit's flags (tc_act/tc_skbedit.h SKBEDIT_F_*).",
      defines(h("tc_act/tc_skbedit.h"), "SKBEDIT_F_"),
    ],
    [
      "TCA_CSUM_UPDATE_FLAG",
      "csum's update flags (tc_act/tc_csum.h).",
      enumValues(h("tc_act/tc_csum.h"), "TCA_CSUM_UPDATE_FLAG_"),
    ],
    [
      "TCA_BPF_FLAG",
      "cls_bpf's flags (pkt_cls.h TCA_BPF_FLAG_*).",
      defines(h("pkt_cls.h"), "TCA_BPF_FLAG_"),
    ],
    [
      "TCA_ACT_FLAGS",
      "Action flags (pkt_cls.h TCA_ACT_FLAGS_*).",
      defines(h("pkt_cls.h"), "TCA_ACT_FLAGS_"),
    ],
    [
      "CAKE_FLOW",
      "cake's flow isolation modes (pkt_sched.h CAKE_FLOW_*).",
      enumValues(h("pkt_sched.h"), "CAKE_FLOW_"),
    ],
    [
      "CAKE_DIFFSERV",
      "cake's priority tin modes (pkt_sched.h CAKE_DIFFSERV_*).",
      enumValues(h("pkt_sched.h"), "CAKE_DIFFSERV_"),
    ],
    [
      "CAKE_ACK",
      "cake's ACK filter modes (pkt_sched.h CAKE_ACK_*).",
      enumValues(h("pkt_sched.h"), "CAKE_ACK_"),
    ],
    [
      "CAKE_ATM",
      "cake's cell framing compensation (pkt_sched.h CAKE_ATM_*).",
      enumValues(h("pkt_sched.h"), "CAKE_ATM_"),
    ],
    [
      "TCA_FQ_CODEL_XSTATS",
      "fq_codel's extended statistics types (pkt_sched.h TCA_FQ_CODEL_XSTATS_*).",
      enumValues(h("pkt_sched.h"), "TCA_FQ_CODEL_XSTATS_"),
    ],
    [
      "TC_PRIO",
      "prio's band count limits (pkt_sched.h TCQ_PRIO_BANDS, TCQ_MIN_PRIO_BANDS).",
      new Map([
        ["BANDS", defines(h("pkt_sched.h"), "TCQ_").get("PRIO_BANDS")!],
        ["MIN_BANDS", defines(h("pkt_sched.h"), "TCQ_").get("MIN_PRIO_BANDS")!],
      ]),
    ],
  ];
  return { out, groups };
}
