/**
 * What `ip -d link` (iproute2 6.1) adds to a link: promiscuity, allmulti and
 * the MTU bounds on the `link/ether` line; the kind and its data, the port
 * data a master gives (`bridge_slave …`); the address generation mode, the
 * queue counts and the GSO/TSO/GRO limits. As text (ip's spacing) and as
 * `ip -d -j link` keys (`linkinfo: { info_kind, info_data, info_slave_kind,
 * info_slave_data }`, `num_tx_queues`, …).
 *
 * @module
 */
import type { Link } from "../../mod.ts";
import { ADDR_GEN_MODES } from "../../iproute/names.ts";
import { BRIDGE_DATA, BRIDGE_PORT_DATA } from "./kind_bridge.ts";
import { type KindPiece, type KindPrinter, renderPieces } from "./kind_fields.ts";
import { MACVLAN_DATA } from "./kind_macvlan.ts";
import { VXLAN_DATA } from "./kind_vxlan.ts";
import type { Names } from "./ifnames.ts";

/**
 * The kinds whose data ip prints (their link_util has a print_opt); veth has
 * none, so ip prints its name alone.
 */
const KIND_DATA: Record<string, KindPrinter> = {
  bridge: BRIDGE_DATA,
  vxlan: VXLAN_DATA,
  macvlan: MACVLAN_DATA,
  macvtap: MACVLAN_DATA,
};

/** The port data ip prints, by the master's kind (`bridge` → `bridge_slave`). */
const SLAVE_DATA: Record<string, KindPrinter> = {
  bridge: BRIDGE_PORT_DATA,
};

/** What `-d` adds to a link, in the three places ip puts it. */
export interface LinkDetails {
  /** Appended to the `link/ether` line: ` promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 `. */
  line: string;
  /** The kind lines and the fields after them (each kind line starts with a newline). */
  more: string;
  /** The same as `-j` keys, in ip's order. */
  json: Record<string, unknown>;
}

/** A link getter as a piece (`numtxqueues 2`), when the link has the attribute. */
function field(v: number | undefined, key: string, word: string): KindPiece[] {
  return v === undefined ? [] : [{ key, json: v, text: `${word} ${v} ` }];
}

/** The kind line (`\n    bridge forward_delay …`) and `linkinfo`'s part for it. */
function kindPart(
  kind: string,
  data: Record<string, unknown> | undefined,
  printer: KindPrinter | undefined,
  names: Names,
): { text: string; json: Record<string, unknown> | undefined } {
  if (!printer) return { text: `\n    ${kind} `, json: undefined };
  const { text, json } = renderPieces(data ? printer(data, names) : []);
  return { text: `\n    ${kind} ${text}`, json };
}

/**
 * What `ip -d` prints of link `l`; `doLink` for `link show` (ip prints the
 * address generation mode there, not under `addr show`).
 */
export function linkDetails(l: Link, names: Names, doLink: boolean): LinkDetails {
  const json: Record<string, unknown> = {};
  let line = "";
  if (l.promiscuity !== undefined) {
    line += ` promiscuity ${l.promiscuity} `;
    json.promiscuity = l.promiscuity;
  }
  if (l.allmulti !== undefined) {
    line += ` allmulti ${l.allmulti} `;
    json.allmulti = l.allmulti;
  }
  const bounds = [...field(l.minMtu, "min_mtu", "minmtu"), ...field(l.maxMtu, "max_mtu", "maxmtu")];
  const b = renderPieces(bounds);
  line += b.text;
  Object.assign(json, b.json);
  let more = "";
  const kind = l.kind;
  const slaveKind = l.slaveKind;
  if (kind !== undefined || slaveKind !== undefined) {
    const info: Record<string, unknown> = {};
    if (kind !== undefined) {
      const part = kindPart(kind, l.data, KIND_DATA[kind], names);
      more += part.text;
      info.info_kind = kind;
      if (part.json) info.info_data = part.json;
    }
    if (slaveKind !== undefined) {
      const part = kindPart(`${slaveKind}_slave`, l.slaveData, SLAVE_DATA[slaveKind], names);
      more += part.text;
      info.info_slave_kind = slaveKind;
      if (part.json) info.info_slave_data = part.json;
    }
    json.linkinfo = info;
  }
  const mode = l.addrGenMode;
  const tail: KindPiece[] = [];
  if (doLink && mode !== undefined) {
    const name = String(ADDR_GEN_MODES.name(mode));
    tail.push({ key: "inet6_addr_gen_mode", json: name, text: `addrgenmode ${name} ` });
  }
  tail.push(
    ...field(l.numTxQueues, "num_tx_queues", "numtxqueues"),
    ...field(l.numRxQueues, "num_rx_queues", "numrxqueues"),
    ...field(l.gsoMaxSize, "gso_max_size", "gso_max_size"),
    ...field(l.gsoMaxSegs, "gso_max_segs", "gso_max_segs"),
    ...field(l.tsoMaxSize, "tso_max_size", "tso_max_size"),
    ...field(l.tsoMaxSegs, "tso_max_segs", "tso_max_segs"),
    ...field(l.groMaxSize, "gro_max_size", "gro_max_size"),
  );
  const t = renderPieces(tail);
  // Without a kind line, ip goes on on the link/ether line.
  if (more) more += t.text;
  else line += t.text;
  Object.assign(json, t.json);
  return { line, more, json };
}
