/**
 * A route's (or a next hop's) encapsulation as ip prints it: ` encap seg6
 * mode encap segs 2 [ A B ]` in text (after the destination; ip leaves two
 * spaces before `encap`), and the same fields in the route's `-j` object.
 * ip's JSON repeats route keys there (encap ip's `dst` and `src`, mpls's
 * `dst`, seg6local's `table`): nlroute's object holds what a JSON reader of
 * ip's keeps, the later of the two (the encapsulation's `dst`, which ip
 * prints after the route's; the route's `table`, printed after).
 *
 * @module
 */
import type { RouteEncap, Seg6Srh } from "../../mod.ts";
import { encapTypeName } from "../../iproute/route/encap.ts";
import { TABLES } from "../../iproute/names.ts";
import type { Paint } from "../color.ts";
import type { Field } from "./fields.ts";
import type { Names } from "./ifnames.ts";

/** `segs N [ A B … ]` (inline insertion's zero slot last, as ip shows segment 0) and the HMAC key id. */
function srhFields(srh: Seg6Srh, slot: boolean, paint: Paint, key?: string): Field[] {
  const segs = slot ? [...srh.segments, "::"] : srh.segments;
  const text = `segs ${segs.length} [ ${segs.map((s) => paint.ip(s)).join(" ")} ]`;
  const hmac = srh.hmac === undefined ? [] : [{
    key: "hmac",
    json: `0x${srh.hmac.toString(16)}`,
    text: `hmac ${srh.hmac.toString(16).toUpperCase()}`,
  }];
  if (key === undefined) return [{ key: "segs", json: segs, text }, ...hmac];
  const json: Record<string, unknown> = { segs };
  if (srh.hmac !== undefined) json.hmac = hmac[0]!.json;
  return [{ key, json, text: [text, ...hmac.map((h) => h.text)].join(" ") }];
}

/** The fields of `e` in ip's order. */
export function encapFields(e: RouteEncap | undefined, names: Names, paint: Paint): Field[] {
  if (e === undefined) return [];
  if (typeof e.type === "number") {
    const t = encapTypeName(e.type) ?? "unknown";
    return [{ key: "encap", json: t, text: ` encap ${t}` }];
  }
  const f: Field[] = [{ key: "encap", json: e.type, text: ` encap ${e.type}` }];
  const put = (key: string, json: unknown, text: string) => f.push({ key, json, text });
  const textOnly = (text: string) => f.push({ key: "", json: undefined, text });
  switch (e.type) {
    case "seg6":
      put("mode", e.mode, `mode ${e.mode}`);
      f.push(...srhFields(e, e.mode === "inline", paint));
      break;
    case "seg6local": {
      put("action", e.action, `action ${e.action}`);
      if (e.srh) f.push(...srhFields(e.srh, e.action === "End.B6", paint, "srh"));
      if (e.table !== undefined) {
        const t = String(TABLES.name(e.table));
        put("table", t, `table ${t}`);
      }
      if (e.vrftable !== undefined) {
        const t = String(TABLES.name(e.vrftable));
        put("vrftable", t, `vrftable ${t}`);
      }
      if (e.nh4 !== undefined) put("nh4", e.nh4, `nh4 ${paint.ip(e.nh4)}`);
      if (e.nh6 !== undefined) put("nh6", e.nh6, `nh6 ${paint.ip(e.nh6)}`);
      for (const k of ["iif", "oif"] as const) {
        const v = e[k];
        if (v === undefined) continue;
        const dev = typeof v === "number" ? names.name(v) : v;
        put(k, dev, `${k} ${paint.ifname(dev)}`);
      }
      if (e.bpf?.name !== undefined) put("endpoint", e.bpf.name, `endpoint ${e.bpf.name}`);
      if (e.flavors) {
        const ops = e.flavors.operations.join(",");
        const parts = [`flavors ${ops}`];
        if (e.flavors.lcblockBits !== undefined) parts.push(`lblen ${e.flavors.lcblockBits}`);
        if (e.flavors.lcnodeFnBits !== undefined) parts.push(`nflen ${e.flavors.lcnodeFnBits}`);
        textOnly(parts.join(" "));
        f.push({ key: "flavors", json: e.flavors.operations });
        if (e.flavors.lcblockBits !== undefined) {
          f.push({ key: "lblen", json: e.flavors.lcblockBits });
        }
        if (e.flavors.lcnodeFnBits !== undefined) {
          f.push({ key: "nflen", json: e.flavors.lcnodeFnBits });
        }
      }
      break;
    }
    case "mpls":
      put("dst", e.labels.join("/"), e.labels.join("/"));
      if (e.ttl !== undefined) put("ttl", e.ttl, `ttl ${e.ttl}`);
      break;
    case "ip":
    case "ip6": {
      if (e.id !== undefined) put("id", Number(e.id), `id ${e.id}`);
      if (e.src !== undefined) put("src", e.src, `src ${paint.ip(e.src)}`);
      if (e.dst !== undefined) put("dst", e.dst, `dst ${paint.ip(e.dst)}`);
      const [ttl, tos] = e.type === "ip"
        ? [["ttl", e.ttl], ["tos", e.tos]] as const
        : [["hoplimit", e.hoplimit], ["tc", e.tc]] as const;
      for (const [k, v] of [ttl, tos]) if (v !== undefined) put(k, v, `${k} ${v}`);
      const flags = Array.isArray(e.flags) ? e.flags : [];
      for (const fl of ["key", "csum", "seq"] as const) {
        if (flags.includes(fl)) put(fl, true, fl);
      }
      break;
    }
    case "bpf":
      for (const hook of ["in", "out", "xmit"] as const) {
        const p = e[hook];
        if (p) put(hook, p.name ?? "", `${hook} ${p.name ?? ""}`);
      }
      break;
    case "ioam6":
      if (e.freq) put("freq", `${e.freq.k}/${e.freq.n}`, `freq ${e.freq.k}/${e.freq.n}`);
      if (e.mode) put("mode", e.mode, `mode ${e.mode}`);
      if (e.dst) put("tundst", e.dst, `tundst ${paint.ip(e.dst)}`);
      put(
        "trace",
        { type: `0x${e.trace.type.toString(16)}`, ns: e.trace.ns, size: e.trace.size },
        `trace prealloc type 0x${e.trace.type.toString(16)} ns ${e.trace.ns} size ${e.trace.size}`,
      );
      break;
  }
  return f;
}
