/**
 * The rule object type: commands, events, groups, dump filters, identity.
 *
 * @module
 */
import { AF_INET, AF_INET6 } from "../../core/address.ts";
import { RTM, RTNLGRP } from "../../core/tables/constants.ts";
import { fieldMatch, pick } from "../match.ts";
import { defineObject, type ObjectDef } from "../object.ts";
import { RULE_ACTIONS, TABLES } from "../names.ts";
import { family, type Spec } from "../spec.ts";
import { Rule } from "./rule.ts";
import { buildRuleRequest, RULE_COMMANDS, type RuleSpec } from "./request.ts";

/**
 * The identity of a rule as text: every field the kernel compares (a rule's
 * {@link Rule.key} or a spec), sorted, the installing protocol left out.
 */
export function ruleKey(spec: Spec): string {
  const parts: string[] = [];
  for (const k of Object.keys(spec).sort()) {
    const v = spec[k];
    if (v === undefined || k === "protocol") continue;
    parts.push(`${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`);
  }
  return parts.join(",");
}

/** Rules. */
/** The multicast groups of its notifications, by name. */
export const RULE_GROUPS = {
  "ipv4-rule": RTNLGRP.IPV4_RULE,
  "ipv6-rule": RTNLGRP.IPV6_RULE,
} as const;

/** The rule object type: its name, result, spec, commands and event message types. */
export type RuleObject = ObjectDef<
  "rule",
  Rule,
  RuleSpec,
  keyof typeof RULE_COMMANDS,
  typeof RTM.NEWRULE | typeof RTM.DELRULE,
  keyof typeof RULE_GROUPS
>;

/** Policy routing rules. */
export const RULE: RuleObject = defineObject({
  name: "rule",
  result: Rule,
  commands: RULE_COMMANDS,
  events: [RTM.NEWRULE, RTM.DELRULE],
  groups: RULE_GROUPS,
  build: (cmd, spec: RuleSpec) => buildRuleRequest(cmd, spec),
  linkRefs: [],
  match: (spec) => {
    const s = pick(spec, [
      "priority",
      "src",
      "dst",
      "iifname",
      "oifname",
      "fwmark",
      "fwmask",
      "goto",
    ]);
    if (spec.table !== undefined) s.table = TABLES.value(spec.table, "table", 0xffffffff);
    if (spec.action !== undefined) {
      s.action = RULE_ACTIONS.name(RULE_ACTIONS.value(spec.action, "action"));
    }
    if (spec.family !== undefined) s.family = family(spec.family, undefined, "family");
    const base = fieldMatch<Rule>(s);
    if (spec.family !== undefined) return base;
    // Without a family the kernel answers for every family: keep IPv4 and IPv6
    // (multicast routing rules, RTNL_FAMILY_IPMR/IP6MR, need their family asked for).
    return (r) => (r.family === AF_INET || r.family === AF_INET6) && (!base || base(r));
  },
  key: (r) => ruleKey(r.key()),
  selector: (r) => r.key(),
});
