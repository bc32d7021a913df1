/**
 * Rules as ip prints them: `ip rule` lines (`100:\tfrom 10.0.0.0/8 lookup
 * 100`) and `ip -j rule` objects.
 *
 * @module
 */
import type { Rule } from "../../mod.ts";
import { IP_PROTOCOLS, ROUTE_PROTOCOLS, TABLES } from "../../iproute/names.ts";
import type { Paint } from "../color.ts";
import {
  type Field,
  fieldFormat,
  type Format,
  groupName,
  hex,
  hostLen,
  numberOf,
  tosText,
} from "./fields.ts";

/** FIB_RULE_* flags ip shows. */
const FIB_RULE_UNRESOLVED = 0x4;
const FIB_RULE_IIF_DETACHED = 0x8;
const FIB_RULE_OIF_DETACHED = 0x10;

/** `from` / `to`: the address (bare for a host prefix), its length in JSON when not a host's. */
function selectorFields(
  key: "src" | "dst",
  word: string,
  prefix: string | undefined,
  len: number,
  fam: number,
  paint: Paint,
): Field[] {
  const host = hostLen(fam);
  if (prefix !== undefined) {
    const [addr] = prefix.split("/");
    const f: Field[] = [{
      key,
      json: addr,
      text: `${word} ${paint.ip(prefix.endsWith(`/${host}`) ? addr! : prefix, fam)}`,
    }];
    if (len !== host) f.push({ key: `${key}len`, json: len });
    return f;
  }
  if (len) return [{ key, json: "0", text: `${word} 0/${len}` }, { key: `${key}len`, json: len }];
  return key === "src" ? [{ key, json: "all", text: "from all" }] : [];
}

/** `sport N` / `sport N-M` (JSON: `sport`, or `sport_start` and `sport_end`). */
function portFields(key: string, range: { start: number; end: number } | undefined): Field[] {
  if (!range) return [];
  if (range.start === range.end) return [{ key, json: range.start, text: `${key} ${range.start}` }];
  return [
    { key: `${key}_start`, json: range.start, text: `${key} ${range.start}-${range.end}` },
    { key: `${key}_end`, json: range.end },
  ];
}

function lookupFields(r: Rule): Field[] {
  if (!r.table) return [];
  const t = String(TABLES.name(r.table));
  const f: Field[] = [{ key: "table", json: t, text: `lookup ${t}` }];
  if (r.suppressPrefixlen !== undefined) {
    f.push({
      key: "suppress_prefixlen",
      json: r.suppressPrefixlen,
      text: `suppress_prefixlength ${r.suppressPrefixlen}`,
    });
  }
  const ifgroup = r.suppressIfgroup;
  if (ifgroup !== undefined && ifgroup !== 0xffffffff) {
    const g = groupName(ifgroup)!;
    f.push({ key: "suppress_ifgroup", json: g, text: `suppress_ifgroup ${g}` });
  }
  return f;
}

function actionFields(r: Rule): Field[] {
  const action = String(r.action);
  if (action === "goto") {
    const f: Field[] = [{ key: "goto", json: r.goto ?? "none", text: `goto ${r.goto ?? "none"}` }];
    if (r.flags & FIB_RULE_UNRESOLVED) {
      f.push({ key: "unresolved", json: null, text: "[unresolved]" });
    }
    return f;
  }
  if (action === "nop") return [{ key: "nop", json: null, text: "nop" }];
  return action === "to_tbl" ? [] : [{ key: "action", json: action, text: action }];
}

function ruleFields(r: Rule, paint: Paint): Field[] {
  const f: Field[] = [{ key: "priority", json: r.priority, text: `${r.priority}:\t` }];
  const fam = r.family;
  if (r.invert) f.push({ key: "not", json: null, text: "not" });
  f.push(...selectorFields("src", "from", r.src, r.srcLen, fam, paint));
  f.push(...selectorFields("dst", "to", r.dst, r.dstLen, fam, paint));
  if (r.tos) f.push({ key: "tos", json: tosText(r.tos), text: `tos ${tosText(r.tos)}` });
  if (r.fwmark !== undefined || r.fwmask !== undefined) {
    const mark = hex(r.fwmark ?? 0);
    if (r.fwmask !== undefined && r.fwmask !== 0xffffffff) {
      f.push({ key: "fwmark", json: mark, text: `fwmark ${mark}/${hex(r.fwmask)}` });
      f.push({ key: "fwmask", json: hex(r.fwmask) });
    } else f.push({ key: "fwmark", json: mark, text: `fwmark ${mark}` });
  }
  if (r.iifname !== undefined) {
    f.push({ key: "iif", json: r.iifname, text: `iif ${paint.ifname(r.iifname)}` });
    if (r.flags & FIB_RULE_IIF_DETACHED) {
      f.push({ key: "iif_detached", json: null, text: "[detached]" });
    }
  }
  if (r.oifname !== undefined) {
    f.push({ key: "oif", json: r.oifname, text: `oif ${paint.ifname(r.oifname)}` });
    if (r.flags & FIB_RULE_OIF_DETACHED) {
      f.push({ key: "oif_detached", json: null, text: "[detached]" });
    }
  }
  if (r.l3mdev) f.push({ key: "l3mdev", json: null, text: "lookup [l3mdev-table]" });
  const uid = r.uidRange;
  if (uid) {
    f.push({ key: "uid_start", json: uid.start, text: `uidrange ${uid.start}-${uid.end}` });
    f.push({ key: "uid_end", json: uid.end });
  }
  if (r.ipProto !== undefined) {
    const p = String(IP_PROTOCOLS.name(r.ipProto));
    f.push({ key: "ipproto", json: p, text: `ipproto ${p}` });
  }
  f.push(...portFields("sport", r.sportRange), ...portFields("dport", r.dportRange));
  f.push(...lookupFields(r), ...actionFields(r));
  if (r.protocol !== undefined) {
    const p = numberOf(r.protocol, ROUTE_PROTOCOLS);
    if (p !== 0 && p !== 2) {
      const name = String(ROUTE_PROTOCOLS.name(p));
      f.push({ key: "protocol", json: name, text: `proto ${name}` });
    }
  }
  return f;
}

/**
 * Rules as `ip rule show` prints them (`100:\tfrom 10.0.0.0/8 lookup 100`) and
 * as `ip -j rule show` prints them (`priority`, `src`, `srclen`, `table`,
 * `iif`, `oif`, `fwmark`…).
 */
export const RULE_FORMAT: Format<Rule> = fieldFormat((r, _names, paint) => ruleFields(r, paint));
