/**
 * Route encapsulation as `ip route` prints it (iproute_lwtunnel.c's
 * print_encap_*): ` encap seg6 mode encap segs 2 [ A B ]`, ` encap seg6local
 * action End.DT6 table main`, ` encap ip id 5 src … dst … ttl 9 tos 0`, and
 * the same fields in `ip -j` (`encap`, `mode`, `segs`, `action`, …).
 *
 * @module
 */
import type { RouteEncap, Seg6Srh } from "../../mod.ts";
import { TABLES } from "../../iproute/names.ts";
import type { Field } from "./fields.ts";
import type { Names } from "./ifnames.ts";

/**
 * An SRH's segments as ip lists them: in the order packets visit them, with
 * the slot of the packet's own destination (`::`) when the SRH is inserted
 * (seg6 `inline`, seg6local `End.B6`), which nlroute leaves out.
 */
function segs(srh: Seg6Srh, slot: boolean): string[] {
  return slot ? [...srh.segments, "::"] : srh.segments;
}

/** `segs N [ A B … ]` and, with a key id, `hmac K`. */
function srhFields(srh: Seg6Srh, slot: boolean, nested: boolean): Field[] {
  const list = segs(srh, slot);
  const text = `segs ${list.length} [ ${list.join(" ")} ]`;
  const f: Field[] = nested
    ? [{ key: "srh", json: { segs: list }, text }]
    : [{ key: "segs", json: list, text }];
  if (srh.hmac) {
    f.push({ key: "hmac", json: `0x${srh.hmac.toString(16)}`, text: `hmac ${srh.hmac}` });
  }
  return f;
}

/** The fields of a route's (or a next hop's) encapsulation, in ip's order. */
export function encapFields(e: RouteEncap | undefined, names: Names): Field[] {
  if (!e) return [];
  if (typeof e.type === "number") {
    return [{ key: "encap", json: String(e.type), text: ` encap ${e.type}` }];
  }
  const f: Field[] = [{ key: "encap", json: e.type, text: ` encap ${e.type}` }];
  const put = (key: string, v: unknown, text = `${key} ${v}`) => {
    if (v !== undefined) f.push({ key, json: v, text });
  };
  switch (e.type) {
    case "seg6":
      put("mode", e.mode);
      f.push(...srhFields(e, e.mode === "inline", false));
      break;
    case "seg6local": {
      put("action", e.action);
      if (e.srh) f.push(...srhFields(e.srh, e.action === "End.B6", true));
      if (e.table !== undefined) put("table", String(TABLES.name(e.table)));
      if (e.vrftable !== undefined) put("vrftable", String(TABLES.name(e.vrftable)));
      put("nh4", e.nh4);
      put("nh6", e.nh6);
      if (typeof e.iif === "number") put("iif", names.name(e.iif));
      if (typeof e.oif === "number") put("oif", names.name(e.oif));
      break;
    }
    case "mpls":
      put("dst", e.labels.join("/"), e.labels.join("/"));
      if (e.ttl !== undefined) put("ttl", e.ttl);
      break;
    case "ip":
    case "ip6": {
      const v6 = e.type === "ip6";
      if (e.id !== undefined) put("id", Number(e.id));
      put("src", e.src ?? (v6 ? "::" : "0.0.0.0"));
      put("dst", e.dst);
      if (e.type === "ip") {
        put("ttl", e.ttl ?? 0);
        put("tos", e.tos ?? 0);
      } else {
        put("hoplimit", e.hoplimit ?? 0);
        put("tc", e.tc ?? 0);
      }
      // ip's order (not the bits').
      const flags: readonly string[] = Array.isArray(e.flags) ? e.flags : [];
      for (const flag of ["key", "csum", "seq"]) {
        if (flags.includes(flag)) f.push({ key: flag, json: true, text: flag });
      }
      break;
    }
    case "bpf":
      for (const dir of ["in", "out", "xmit"] as const) {
        const p = e[dir];
        if (p) put(dir, p.name ?? `fd:${p.fd}`);
      }
      if (e.headroom) put("headroom", e.headroom);
      break;
    case "ioam6":
      if (e.freq) put("freq", `${e.freq.k}/${e.freq.n}`);
      put("mode", e.mode);
      put("tundst", e.dst);
      f.push({
        key: "trace",
        json: { type: `0x${e.trace.type.toString(16)}`, ns: e.trace.ns, size: e.trace.size },
        text: `trace prealloc type 0x${
          e.trace.type.toString(16)
        } ns ${e.trace.ns} size ${e.trace.size}`,
      });
      break;
  }
  return f;
}
