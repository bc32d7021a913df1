/**
 * The request builder for `link(cmd, spec)`. Kind data is table-driven:
 * `data` is encoded with the kind's attribute set, so an unknown option is an
 * error that names it.
 *
 * @module
 */
import { emptyBytes, Writer } from "../../core/codec.ts";
import { AF_UNSPEC } from "../../core/address.ts";
import { ArgumentError } from "../../core/errors.ts";
import { type AttrSet, encodeAttrs } from "../../core/schema.ts";
import { NLM_F } from "../../core/constants.ts";
import { RTM } from "../../core/tables/constants.ts";
import { RT_LINK_ENUMS, RT_LINK_STRUCTS } from "../../core/tables/rt_link.ts";
import type { Request } from "../../core/socket.ts";
import { structRequest } from "../header.ts";
import type { Command } from "../object.ts";
import { SETS } from "../registry.ts";
import { bool, checkKeys, command, ifname, int, lladdr, type Spec, str, u32 } from "../spec.ts";
import { kindSet, normaliseData } from "./data.ts";
import type { LinkKindSpec } from "./kinds.ts";
import type { LinkAttrs, LinkinfoBrportAttrs } from "../../core/tables/rt_link.ts";

const IFINFOMSG = RT_LINK_STRUCTS.ifinfomsg;
const IFF = RT_LINK_ENUMS.ifinfoFlags;

/**
 * Link commands and their message type and flags. `replace` creates the link
 * or changes the existing one: it is sent with NLM_F_CREATE alone, because the
 * kernel refuses NLM_F_REPLACE on an existing link with EOPNOTSUPP (which is
 * what `ip link replace` runs into).
 */
export const LINK_COMMANDS = {
  add: [RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL],
  set: [RTM.NEWLINK, 0],
  change: [RTM.NEWLINK, 0],
  replace: [RTM.NEWLINK, NLM_F.CREATE],
  del: [RTM.DELLINK, 0],
  get: [RTM.GETLINK, 0],
  dump: [RTM.GETLINK, 0],
  property_add: [RTM.NEWLINKPROP, NLM_F.CREATE | NLM_F.APPEND],
  property_del: [RTM.DELLINKPROP, 0],
} as const satisfies Record<string, Command>;

/**
 * The commands `link()` accepts.
 */
export type LinkCommand = keyof typeof LINK_COMMANDS;

/**
 * The arguments of `link(cmd, spec)` other than the kind and its data.
 * `index`, `master` and `link` also take an interface name, which IPRoute
 * resolves to its index before building the request ({@link buildLinkRequest}
 * itself takes indexes only).
 */
export interface LinkBaseSpec {
  /** Interface index or name (to select the link for set/del/get). */
  index?: number | string | undefined;
  /** Interface name (select by name, or the new name with `index`). */
  ifname?: string;
  /** Administrative state. */
  state?: "up" | "down";
  /** ARP on the link (`false` sets IFF_NOARP, `ip link set … arp off`). */
  arp?: boolean;
  /** Promiscuous mode (IFF_PROMISC). */
  promisc?: boolean;
  /** Receive all multicast (IFF_ALLMULTI). */
  allmulti?: boolean;
  /** Multicast capable (IFF_MULTICAST). */
  multicast?: boolean;
  /** MTU. */
  mtu?: number;
  /** MAC address. */
  address?: string;
  /** Broadcast address. */
  broadcast?: string;
  /** Transmit queue length. */
  txqlen?: number;
  /** Master device index or name (0 to release). */
  master?: number | string;
  /** Underlying link index or name (vlan, macvlan parent). */
  link?: number | string;
  /** Link group. */
  group?: number;
  /** Interface alias. */
  ifalias?: string;
  /** Number of TX queues. */
  numTxQueues?: number;
  /** Number of RX queues. */
  numRxQueues?: number;
  /** Veth peer: a name or a link spec (`{ ifname, address, netnsFd, … }`, no kind). */
  peer?: string | Omit<LinkBaseSpec, "peer">;
  /** Bridge port options (`{ cost, priority, learning, unicastFlood, … }`). */
  brport?: LinkinfoBrportAttrs;
  /** Alternative names (for `property_add` / `property_del`). */
  altnames?: string[];
  /** Move to the namespace of this descriptor. */
  netnsFd?: number;
  /** Move to the namespace of this process. */
  netnsPid?: number;
  /** Namespace id of the peer's namespace (IFLA_LINK_NETNSID). */
  linkNetnsid?: number;
  /** Carrier (0 or 1). */
  carrier?: number;
  /** Raw attributes merged into the request, by table name. */
  attrs?: LinkAttrs & Record<string, unknown>;
}

/**
 * Arguments of `link(cmd, spec)`: {@link LinkBaseSpec} plus `kind` (a
 * {@link LinkKind}) and its `data`, typed by the kind's attribute table
 * (e.g. vxlan `{ id, port, group, link }`; raw IFLA_INFO_DATA bytes for a
 * kind without one).
 *
 * @example A VXLAN interface
 * ```ts
 * import { IPRoute, type LinkSpec } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * const spec: LinkSpec = { ifname: "vx10", kind: "vxlan", data: { id: 10, port: 4789 } };
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.link("add", spec);
 * const vx = await ipr.link("get", { ifname: "vx10" });
 * assert.equal(vx.kind, "vxlan");
 * await ipr.link("del", { ifname: "vx10" });
 * ```
 *
 * @example A VLAN on a veth, with iproute2's spelling of the protocol. Not run
 * by the doc tests (the test machine's kernel has no 8021q module), only
 * type-checked (`tools/doc_check.ts`).
 * ```ts ignore
 * import { IPRoute, type LinkSpec } from "@nlroute/nlroute";
 *
 * const vlan: LinkSpec = {
 *   ifname: "v0.10",
 *   kind: "vlan",
 *   link: "v0",
 *   data: { id: 10, protocol: "802.1Q" },
 * };
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.link("add", { ifname: "v0", kind: "veth", peer: "v1" });
 * await ipr.link("add", vlan);
 * await ipr.link("del", { ifname: "v0" }); // the VLAN on it goes too
 * ```
 */
export type LinkSpec = LinkBaseSpec & LinkKindSpec;

const SPEC_KEYS: ReadonlySet<string> = new Set<keyof LinkBaseSpec | "kind" | "data">([
  "index",
  "ifname",
  "kind",
  "state",
  "arp",
  "promisc",
  "allmulti",
  "multicast",
  "mtu",
  "address",
  "broadcast",
  "txqlen",
  "master",
  "link",
  "group",
  "ifalias",
  "numTxQueues",
  "numRxQueues",
  "peer",
  "data",
  "brport",
  "altnames",
  "netnsFd",
  "netnsPid",
  "linkNetnsid",
  "carrier",
  "attrs",
]);

/** Checks `v` is a plain object (not an array or bytes), else an ArgumentError naming `argument`. */
function plainObject(v: unknown, argument: string, expected: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Uint8Array) {
    throw new ArgumentError(argument, expected, v);
  }
  return v as Record<string, unknown>;
}

/** Encodes `values` by `set` into a scratch writer, so errors name the argument as given. */
function check(set: AttrSet, values: Record<string, unknown>, path: string): void {
  encodeAttrs(Writer.scratch("link-check"), set, values, path);
}

/** The IFLA_LINKINFO of a new link of `kind`: the kind, and its data or veth peer. */
function linkinfo(spec: Spec, kind: string, path: string): Record<string, unknown> {
  const info: Record<string, unknown> = { kind };
  if (kind === "tuntap") {
    // The kernel creates tun/tap devices only through /dev/net/tun.
    throw new ArgumentError(
      `${path}kind`,
      'a kind rtnetlink creates: "tuntap" devices are created by IPRoute.link("add", …) through /dev/net/tun, not in a batch or a raw request',
      kind,
    );
  }
  if (kind === "veth") {
    if (spec.data !== undefined) {
      throw new ArgumentError(`${path}data`, "no data for veth (use peer)", spec.data);
    }
    if (spec.peer !== undefined) {
      const peer = typeof spec.peer === "string" ? { ifname: spec.peer } : spec.peer;
      checkKeys(peer, SPEC_KEYS, `${path}peer`, true);
      if (peer.kind !== undefined || peer.peer !== undefined) {
        throw new ArgumentError(`${path}peer`, "a link spec without kind or peer", peer);
      }
      const attrs = linkAttrs(peer, `${path}peer.`, true);
      const [flags, change] = interfaceFlags(peer);
      info.data = {
        peer: { ifiFamily: AF_UNSPEC, ifiIndex: 0, ifiFlags: flags, ifiChange: change, ...attrs },
      };
    }
    return info;
  }
  if (spec.peer !== undefined) {
    throw new ArgumentError(`${path}peer`, "a peer only for kind veth", spec.peer);
  }
  if (spec.data instanceof Uint8Array) {
    // Raw IFLA_INFO_DATA bytes, for any kind (the escape hatch for options no table has).
    info.data = spec.data;
  } else if (spec.data !== undefined) {
    const set = kindSet(kind);
    if (!set) {
      throw new ArgumentError(
        `${path}data`,
        `raw bytes (Uint8Array): kind "${kind}" has no attribute table`,
        spec.data,
      );
    }
    const data = normaliseData(
      kind,
      plainObject(spec.data, `${path}data`, `an object of ${kind} options`),
    );
    check(set, data, `${path}data`);
    info.data = data;
  }
  return info;
}

/** Converts a link spec into the attribute object of the link table. */
function linkAttrs(spec: Spec, path: string, forPeer: boolean): Record<string, unknown> {
  const a: Record<string, unknown> = {};
  if (spec.ifname !== undefined) a.ifname = ifname(spec.ifname, `${path}ifname`);
  if (spec.mtu !== undefined) a.mtu = int(spec.mtu, `${path}mtu`, 68, 0xffffffff);
  if (spec.address !== undefined) a.address = lladdr(spec.address, `${path}address`);
  if (spec.broadcast !== undefined) a.broadcast = lladdr(spec.broadcast, `${path}broadcast`);
  if (spec.txqlen !== undefined) a.txqlen = u32(spec.txqlen, `${path}txqlen`);
  if (spec.master !== undefined) a.master = u32(spec.master, `${path}master`);
  if (spec.link !== undefined) a.link = u32(spec.link, `${path}link`);
  if (spec.group !== undefined) a.group = u32(spec.group, `${path}group`);
  if (spec.ifalias !== undefined) a.ifalias = str(spec.ifalias, `${path}ifalias`, 255);
  if (spec.numTxQueues !== undefined) {
    a.numTxQueues = int(spec.numTxQueues, `${path}numTxQueues`, 1, 4096);
  }
  if (spec.numRxQueues !== undefined) {
    a.numRxQueues = int(spec.numRxQueues, `${path}numRxQueues`, 1, 4096);
  }
  if (spec.netnsFd !== undefined) a.netNsFd = u32(spec.netnsFd, `${path}netnsFd`);
  if (spec.netnsPid !== undefined) a.netNsPid = u32(spec.netnsPid, `${path}netnsPid`);
  if (spec.linkNetnsid !== undefined) {
    a.linkNetnsid = int(spec.linkNetnsid, `${path}linkNetnsid`, -1, 0x7fffffff);
  }
  if (spec.carrier !== undefined) a.carrier = int(spec.carrier, `${path}carrier`, 0, 1);
  if (spec.kind !== undefined && !forPeer) {
    a.linkinfo = linkinfo(spec, str(spec.kind, `${path}kind`, 63), path);
  } else if (spec.data !== undefined || spec.peer !== undefined) {
    throw new ArgumentError(
      `${path}${spec.data !== undefined ? "data" : "peer"}`,
      "a kind alongside it",
      spec.data ?? spec.peer,
    );
  }
  if (spec.brport !== undefined) {
    const b = plainObject(spec.brport, `${path}brport`, "an object of bridge port options");
    check(SETS.brport, b, `${path}brport`);
    const li = (a.linkinfo ??= {}) as Record<string, unknown>;
    li.slaveKind = "bridge";
    li.slaveData = b;
  }
  if (spec.attrs !== undefined) {
    if (typeof spec.attrs !== "object" || spec.attrs === null) {
      throw new ArgumentError(`${path}attrs`, "an object of link attributes", spec.attrs);
    }
    Object.assign(a, spec.attrs);
  }
  return a;
}

/** Encodes attributes now (so errors surface before sending) and returns the bytes. */
function encodeLinkAttrs(attrs: Record<string, unknown>): Uint8Array {
  for (const _ in attrs) {
    const w = Writer.scratch("link");
    encodeAttrs(w, SETS.link, attrs);
    return w.finish();
  }
  return emptyBytes();
}

/** `property_add` / `property_del`: alternative names. */
function propertyRequest(cmd: string, spec: Spec, index: number): Request {
  const [type, flags] = command(LINK_COMMANDS, cmd, "link");
  const names = spec.altnames;
  if (!Array.isArray(names) || names.length === 0) {
    throw new ArgumentError("altnames", "a non-empty array of names", names);
  }
  const checked = names.map((n, i) => str(n, `altnames[${i}]`, 127));
  if (!index && spec.ifname === undefined) {
    throw new ArgumentError("index", "an index or ifname", spec.index);
  }
  const sel = index ? {} : { ifname: ifname(spec.ifname, "ifname") };
  const attrs = encodeLinkAttrs({ ...sel, propList: { altIfname: checked } });
  return structRequest([type, flags], IFINFOMSG, { ifiFamily: AF_UNSPEC, ifiIndex: index }, attrs);
}

/** ifi_flags and ifi_change for the state and the flag switches of a spec (as `[flags, change]`). */
function interfaceFlags(spec: Spec): [flags: number, change: number] {
  let flags = 0;
  let change = 0;
  if (spec.state !== undefined) {
    if (spec.state !== "up" && spec.state !== "down") {
      throw new ArgumentError("state", '"up" or "down"', spec.state);
    }
    change |= IFF.up;
    if (spec.state === "up") flags |= IFF.up;
  }
  // Named reads, not a loop over key names: this runs for every link request.
  // `arp: false` sets IFF_NOARP; the others set their flag when true.
  if (spec.arp !== undefined) {
    change |= IFF.noArp;
    if (!bool(spec.arp, "arp")) flags |= IFF.noArp;
  }
  if (spec.promisc !== undefined) {
    change |= IFF.promisc;
    if (bool(spec.promisc, "promisc")) flags |= IFF.promisc;
  }
  if (spec.allmulti !== undefined) {
    change |= IFF.allMulti;
    if (bool(spec.allmulti, "allmulti")) flags |= IFF.allMulti;
  }
  if (spec.multicast !== undefined) {
    change |= IFF.multicast;
    if (bool(spec.multicast, "multicast")) flags |= IFF.multicast;
  }
  return [flags, change];
}

/**
 * Builds the request for `link(cmd, spec)`. Validates everything first.
 */
export function buildLinkRequest(cmd: string, spec: LinkSpec | Spec): Request {
  const [type, flags] = command(LINK_COMMANDS, cmd, "link");
  checkKeys(spec, SPEC_KEYS, `link ${cmd}`);
  const index = spec.index === undefined ? 0 : int(spec.index, "index", 0, 0x7fffffff);
  const [ifiFlags, change] = interfaceFlags(spec);
  const selects = cmd === "set" || cmd === "change" || cmd === "del" || cmd === "get";
  if (selects && !index && spec.ifname === undefined) {
    throw new ArgumentError("index", `an index or ifname to select the link to ${cmd}`, spec.index);
  }
  if (cmd === "property_add" || cmd === "property_del") return propertyRequest(cmd, spec, index);
  if (spec.altnames !== undefined) {
    throw new ArgumentError(
      "altnames",
      "altnames only with property_add / property_del",
      spec.altnames,
    );
  }
  const isDump = cmd === "dump";
  let attrs: Record<string, unknown> = {};
  if (isDump) {
    // Kernel-side filters (strict checking): kind and master.
    if (spec.kind !== undefined) attrs.linkinfo = { kind: str(spec.kind, "kind", 63) };
    if (spec.master !== undefined) attrs.master = u32(spec.master, "master");
  } else attrs = linkAttrs(spec, "", false);
  if ((cmd === "get" || cmd === "del") && index && spec.ifname !== undefined) delete attrs.ifname;
  const header = {
    ifiFamily: AF_UNSPEC,
    ifiIndex: isDump ? 0 : index,
    ifiFlags,
    ifiChange: change,
  };
  return structRequest([type, flags], IFINFOMSG, header, encodeLinkAttrs(attrs));
}
