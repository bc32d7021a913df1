/**
 * Neighbours as ip prints them: `ip neigh` lines, `ip -br neigh` columns and
 * `ip -j neigh` objects.
 *
 * @module
 */
import type { Neighbour } from "../../mod.ts";
import { NEIGH_FLAG_NAMES, NUD_STATE_NAMES, ROUTE_PROTOCOLS } from "../../iproute/names.ts";
import { RTNL } from "../../iproute/registry.ts";
import { pad, type Paint } from "../color.ts";
import { bitNames, type Field, fieldFormat, type Format, type Hidden, pick } from "./fields.ts";
import type { Names } from "./ifnames.ts";

/** The neighbour flags ip prints, in its order, by the tables' names (ip's words from NEIGH_FLAG_NAMES). */
const PRINTED_FLAGS = ["router", "proxy", "extLearned", "offloaded"].map((n) => {
  const bit = RTNL.enum("ntfFlags").byName.get(n)!;
  return [n, String(NEIGH_FLAG_NAMES.name(bit))] as const;
});

/**
 * NUD states as ip prints them (`["REACHABLE"]`; unknown bits in hex).
 */
export function nudStates(state: number): string[] {
  const { names, rest } = bitNames(NUD_STATE_NAMES, state);
  if (rest) names.push(`0x${rest.toString(16)}`);
  return names;
}

function neighFields(n: Neighbour, names: Names, paint: Paint, hide: Hidden): Field[] {
  const f: Field[] = [];
  if (n.dst !== undefined) f.push({ key: "dst", json: n.dst, text: paint.ip(n.dst, n.family) });
  if (n.index && !hide.has("dev")) {
    const dev = names.name(n.index);
    f.push({ key: "dev", json: dev, text: `dev ${paint.ifname(dev)}` });
  }
  if (n.lladdr !== undefined) {
    f.push({ key: "lladdr", json: n.lladdr, text: `lladdr ${paint.mac(n.lladdr)}` });
  }
  const flags = new Set(n.flags);
  for (const [flag, name] of PRINTED_FLAGS) {
    if (flags.has(flag)) f.push({ key: name, json: null, text: name });
  }
  if (n.stateValue) {
    const states = nudStates(n.stateValue);
    f.push({ key: "state", json: states, text: states.join(" ") });
  }
  if (n.protocol !== undefined) {
    const p = String(ROUTE_PROTOCOLS.name(n.protocol));
    f.push({ key: "protocol", json: p, text: `proto ${p}` });
  }
  return f;
}

/**
 * Neighbours as `ip neigh show` prints them and as `ip -j neigh show` prints
 * them (`dst`, `dev`, `lladdr`, `router`, `state: ["PERMANENT"]`…).
 */
export const NEIGH_FORMAT: Format<Neighbour> = fieldFormat(neighFields);

/**
 * Neighbours as `ip -br neigh` prints them (address, device, lladdr in
 * columns) and as `ip -j -br neigh` prints them.
 */
export const NEIGH_BRIEF: Format<Neighbour> = {
  json: (n, names, hide) => pick(NEIGH_FORMAT.json(n, names, hide), ["dst", "dev", "lladdr"]),
  text: (n, names, paint, hide) => {
    let s = "";
    if (n.dst !== undefined) s += pad(n.dst, 39, (x) => paint.ip(x, n.family)) + " ";
    if (n.index && !hide.has("dev")) {
      s += pad(names.name(n.index), 16, (x) => paint.ifname(x)) + " ";
    }
    if (n.lladdr !== undefined) s += paint.mac(n.lladdr);
    return s.trimEnd();
  },
};
