/**
 * The multicast database and port VLANs as iproute2's `bridge mdb show` and
 * `bridge vlan show` print them (text, `-d`, `-s`, and `-j`).
 *
 * @module
 */
import type { MdbEntry, MdbRouter, PortVlans } from "../../mod.ts";
import type { Names } from "./ifnames.ts";

/** A timer in centiseconds as bridge's format_timer prints it (`%4i.%.2i`). */
export function bridgeTimer(cs: number): string {
  return `${String(Math.floor(cs / 100)).padStart(4)}.${String(cs % 100).padStart(2, "0")}`;
}

/** One mdb entry as `bridge -j mdb show` prints it. */
export function mdbJson(
  e: MdbEntry,
  names: Names,
  details: boolean,
  stats: boolean,
): Record<string, unknown> {
  const o: Record<string, unknown> = {
    index: e.bridge,
    dev: names.name(e.bridge),
    port: names.name(e.port),
    grp: e.group,
  };
  if (e.source !== undefined) o.src = e.source;
  o.state = e.state;
  if (details && e.mode !== undefined) o.filter_mode = e.mode;
  if (details && e.sources !== undefined) {
    o.source_list = e.sources.map((s) => ({
      address: s.address,
      timer: bridgeTimer(s.timer ?? 0),
    }));
  }
  if (details && e.proto !== undefined) o.protocol = e.proto;
  o.flags = e.flags;
  if (e.vid) o.vid = e.vid;
  if (stats && e.timer !== undefined) o.timer = bridgeTimer(e.timer);
  return o;
}

/** One mdb entry as `bridge mdb show` prints it (one line). */
export function mdbText(e: MdbEntry, names: Names, details: boolean, stats: boolean): string {
  let s = `dev ${names.name(e.bridge)} port ${names.name(e.port)} grp ${e.group}`;
  if (e.source !== undefined) s += ` src ${e.source}`;
  s += ` ${e.state}`;
  if (details && e.mode !== undefined) s += ` filter_mode ${e.mode} `;
  if (details && e.sources !== undefined) {
    s += ` source_list ${
      e.sources.map((x) => `${x.address}/${bridgeTimer(x.timer ?? 0).trim()}`).join(",")
    }`;
  }
  if (details && e.proto !== undefined) s += ` proto ${e.proto} `;
  for (const f of e.flags) s += ` ${f}`;
  if (e.vid) s += ` vid ${e.vid}`;
  if (stats && e.timer !== undefined) s += ` ${bridgeTimer(e.timer)}`;
  return s;
}

/** bridge's flag words of a port VLAN. */
function vlanFlags(v: PortVlans["vlans"][number]): string[] {
  const out: string[] = [];
  if (v.pvid) out.push("PVID");
  if (v.untagged) out.push("Egress Untagged");
  return out;
}

/** A port's VLANs as `bridge -j vlan show` prints them. */
export function vlanJson(p: PortVlans): Record<string, unknown> {
  return {
    ifname: p.ifname,
    vlans: p.vlans.map((v) => {
      const o: Record<string, unknown> = { vlan: v.vid };
      if (v.vidEnd !== undefined) o.vlanEnd = v.vidEnd;
      const flags = vlanFlags(v);
      if (flags.length) o.flags = flags;
      return o;
    }),
  };
}

/** The header `bridge vlan show` prints before the ports. */
export const VLAN_HEADER = `${"port".padEnd(16)}  vlan-id  `;

/** A port's VLANs as `bridge vlan show` prints them: the first on the port's line, the rest indented. */
export function vlanText(p: PortVlans): string {
  return p.vlans.map((v, i) => {
    const id = v.vidEnd === undefined ? `${v.vid}` : `${v.vid}-${v.vidEnd}`;
    const head = i === 0 ? (p.ifname ?? String(p.index)).padEnd(16) : " ".repeat(16);
    return `${head}  ${[id, ...vlanFlags(v)].join(" ")}`;
  }).join("\n");
}

/** bridge's router type word: temp (MDB_RTR_TYPE_TEMP_QUERY 1, _TEMP 3) or permanent. */
function routerType(p: MdbRouter): string {
  return p.type === 1 || p.type === 3 ? "temp" : "permanent";
}

/**
 * A bridge's router ports as `bridge -d mdb show` prints them: one line of
 * names, or with `-s` one line per port with its timer and type.
 */
export function mdbRoutersText(
  bridge: number,
  ports: MdbRouter[],
  names: Names,
  stats: boolean,
): string[] {
  if (ports.length === 0) return [];
  const head = `router ports on ${names.name(bridge)}: `;
  if (stats) {
    return ports.map((p) =>
      `${head}${names.name(p.port)} ${bridgeTimer(p.timer ?? 0)} ${routerType(p)}`
    );
  }
  return [`${head}${ports.map((p) => `${names.name(p.port)} `).join("")}`];
}

/** A router port as `bridge -j -d mdb show` prints it. */
export function mdbRouterJson(p: MdbRouter, names: Names, stats: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = { port: names.name(p.port) };
  if (stats) {
    o.timer = bridgeTimer(p.timer ?? 0);
    o.type = routerType(p);
  }
  return o;
}
