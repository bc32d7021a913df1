/**
 * `nlroute bridge mdb …` and `nlroute bridge vlan …`: what iproute2's
 * `bridge mdb` and `bridge vlan` do, on IPRoute's `mdb`, `vlan` and `vlanDb`.
 *
 * @module
 */
import { Names } from "../format/ifnames.ts";
import { jsonText } from "../format/fields.ts";
import {
  mdbJson,
  mdbRouterJson,
  mdbRoutersText,
  mdbText,
  VLAN_HEADER,
  vlanJson,
  vlanText,
} from "../format/bridge.ts";
import type { MdbEntry, MdbSpec, VlanDbSpec, VlanSpec } from "../../mod.ts";
import type { Runner } from "./output.ts";

/**
 * Runs a parsed `bridge mdb` command (a {@link Runner}).
 */
export const runMdb: Runner = async (ipr, inv, opts, out) => {
  if (inv.action !== "show") {
    await ipr.mdb(inv.action as "add", inv.spec as MdbSpec);
    return 0;
  }
  const names = Names.of(await ipr.getLinks());
  const spec = inv.spec as MdbSpec;
  const dump = await ipr.mdb("dump", spec.index === undefined ? {} : { index: spec.index }).all();
  const stats = opts.stats > 0;
  const keep = (e: MdbEntry) => spec.vid === undefined || (e.vid ?? 0) === spec.vid;
  if (opts.json) {
    const mdb = dump.flatMap((m) =>
      m.entries.filter(keep).map((e) => mdbJson(e, names, opts.details, stats))
    );
    const router: Record<string, unknown> = {};
    if (opts.details) {
      for (const m of dump) {
        if (m.routers.length) {
          router[names.name(m.bridge)] = m.routers.map((p) => mdbRouterJson(p, names, stats));
        }
      }
    }
    out.write(jsonText([{ mdb, router }], opts.pretty) + "\n");
  } else {
    for (const m of dump) {
      for (const e of m.entries.filter(keep)) {
        out.write(mdbText(e, names, opts.details, stats) + "\n");
      }
      if (opts.details) {
        for (const l of mdbRoutersText(m.bridge, m.routers, names, stats)) out.write(l + "\n");
      }
    }
  }
  return 0;
};

/**
 * Runs a parsed `bridge vlan` command (a {@link Runner}).
 */
export const runVlan: Runner = async (ipr, inv, opts, out) => {
  if (inv.action === "set") {
    await ipr.vlanDb("set", inv.spec as VlanDbSpec);
    return 0;
  }
  if (inv.action !== "show") {
    await ipr.vlan(inv.action as "add", inv.spec as VlanSpec);
    return 0;
  }
  const ports = await ipr.getVlans(inv.spec as Partial<VlanSpec>);
  if (opts.json) out.write(jsonText(ports.map(vlanJson), opts.pretty) + "\n");
  else {
    out.write(VLAN_HEADER + "\n");
    for (const p of ports) out.write(vlanText(p) + "\n\n");
  }
  return 0;
};
