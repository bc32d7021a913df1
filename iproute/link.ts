/**
 * Links: the typed result ({@link Link}) and the request builder for
 * `link(cmd, spec)`. Kind data is table-driven: `data` is encoded with the
 * kind's attribute set (veth, bridge, vxlan, macvlan, macvtap, vlan, bond, vrf,
 * gre, gretap, …), so an unknown option is an error that names it.
 *
 * @module
 */
import { emptyBytes, Writer } from "../core/codec.ts";
import { AF_BRIDGE, AF_UNSPEC } from "../core/address.ts";
import { ArgumentError } from "../core/errors.ts";
import { type AttrSet, encodeAttrs } from "../core/schema.ts";
import { NLM_F } from "../core/constants.ts";
import { RTM } from "../core/tables/constants.ts";
import type { Request } from "../core/socket.ts";
import { defined, RtMessage } from "./message.ts";
import { flagNames, OPERSTATES } from "./names.ts";
import { SETS } from "./registry.ts";
import { bool, checkKeys, command, ifname, int, type Spec, str, u32 } from "./spec.ts";

/** Size of `struct ifinfomsg`. */
export const IFINFOMSG_SIZE = 16;
const IFF_UP = 1;

/** Link attribute numbers by name (from the tables). */
export const IFLA: Record<string, number> = SETS.link.numbers();

/**
 * A link (network interface) as the kernel reports it.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * await using ipr = await IPRoute.open();
 * for (const l of await ipr.getLinks()) console.log(l.index, l.ifname, l.state, l.mtu);
 * ```
 */
export class Link extends RtMessage {
  /** Size of the fixed header (struct ifinfomsg). */
  protected override get headerSize(): number {
    return IFINFOMSG_SIZE;
  }
  /** @internal The attribute table of this message kind (linkAttrs). */
  protected get attrSet(): AttrSet {
    return SETS.link;
  }
  /** Address family (usually AF_UNSPEC; AF_BRIDGE for bridge port info). */
  get family(): number {
    return this.bytes[this.off]!;
  }
  /** Device type (ARPHRD_*: 1 ether, 772 loopback, …). */
  get linkType(): number {
    return this.dv.getUint16(this.off + 2, true);
  }
  /** Interface index. */
  get index(): number {
    return this.dv.getInt32(this.off + 4, true);
  }
  /** IFF_* flags as a number. */
  get flagsValue(): number {
    return this.dv.getUint32(this.off + 8, true);
  }
  /** IFF_* flags by name (`up`, `broadcast`, `lower-up`, …). */
  get flags(): string[] {
    return flagNames("ifinfoFlags", this.flagsValue);
  }
  /** `"up"` when IFF_UP is set, else `"down"` (the administrative state). */
  get state(): "up" | "down" {
    return this.flagsValue & IFF_UP ? "up" : "down";
  }
  /** Interface name. */
  get ifname(): string | undefined {
    return this.str(IFLA.ifname!);
  }
  /** MTU. */
  get mtu(): number | undefined {
    return this.u32(IFLA.mtu!);
  }
  /** Link-layer address. */
  get address(): string | undefined {
    return this.mac(IFLA.address!);
  }
  /** Link-layer broadcast address. */
  get broadcast(): string | undefined {
    return this.mac(IFLA.broadcast!);
  }
  /** Permanent hardware address, when the driver reports one. */
  get permAddress(): string | undefined {
    return this.mac(IFLA.permAddress!);
  }
  /** Operational state as ip prints it: `UP`, `DOWN`, `LOWERLAYERDOWN`, `UNKNOWN`, … */
  get operstate(): string | undefined {
    const v = this.u8(IFLA.operstate!);
    return v === undefined ? undefined : OPERSTATES[v] ?? String(v);
  }
  /** Transmit queue length. */
  get txqlen(): number | undefined {
    return this.u32(IFLA.txqlen!);
  }
  /** Index of the master device (bridge, bond, vrf). */
  get master(): number | undefined {
    return this.u32(IFLA.master!);
  }
  /** Index of the underlying (or veth peer) link. */
  get link(): number | undefined {
    return this.u32(IFLA.link!);
  }
  /** Namespace id of the link's peer namespace (for a peer in another namespace). */
  get linkNetnsid(): number | undefined {
    return this.s32(IFLA.linkNetnsid!);
  }
  /** Queueing discipline. */
  get qdisc(): string | undefined {
    return this.str(IFLA.qdisc!);
  }
  /** Link group. */
  get group(): number | undefined {
    return this.u32(IFLA.group!);
  }
  /** Interface alias (description). */
  get ifalias(): string | undefined {
    return this.str(IFLA.ifalias!);
  }
  /** Alternative names. */
  get altnames(): string[] {
    const p = this.attrs.propList as { altIfname?: string | string[] } | undefined;
    const v = p?.altIfname;
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  }
  /** Minimum and maximum MTU. */
  get minMtu(): number | undefined {
    return this.u32(IFLA.minMtu!);
  }
  /** Maximum MTU. */
  get maxMtu(): number | undefined {
    return this.u32(IFLA.maxMtu!);
  }
  /** Carrier (1 when the physical link is up). */
  get carrier(): number | undefined {
    return this.u8(IFLA.carrier!);
  }
  /** Link mode (0 default, 1 dormant). */
  get linkmode(): number | undefined {
    return this.u8(IFLA.linkmode!);
  }
  /** The kind (`veth`, `bridge`, `vxlan`, …), for virtual links. */
  get kind(): string | undefined {
    return (this.attrs.linkinfo as { kind?: string } | undefined)?.kind;
  }
  /** Kind-specific data (IFLA_INFO_DATA), decoded by the kind's table. */
  get data(): Record<string, unknown> | undefined {
    const d = (this.attrs.linkinfo as { data?: unknown } | undefined)?.data;
    return d && !(d instanceof Uint8Array) ? d as Record<string, unknown> : undefined;
  }
  /** Kind of the master's port data (`bridge` for a bridge port). */
  get slaveKind(): string | undefined {
    return (this.attrs.linkinfo as { slaveKind?: string } | undefined)?.slaveKind;
  }
  /** Port data given by the master (IFLA_INFO_SLAVE_DATA), e.g. bridge port cost. */
  get slaveData(): Record<string, unknown> | undefined {
    const d = (this.attrs.linkinfo as { slaveData?: unknown } | undefined)?.slaveData;
    return d && !(d instanceof Uint8Array) ? d as Record<string, unknown> : undefined;
  }
  /** 64-bit statistics (rx/tx packets, bytes, errors, …) as bigints. */
  get stats(): Record<string, bigint> | undefined {
    return this.attrs.stats64 as Record<string, bigint> | undefined;
  }

  /** Fields shown by `toJSON()` and inspection (index, name, flags, state, MTU, addresses, kind, …). */
  protected fields(): Record<string, unknown> {
    return defined({
      index: this.index,
      ifname: this.ifname,
      flags: this.flags,
      state: this.state,
      mtu: this.mtu,
      address: this.address,
      broadcast: this.broadcast,
      operstate: this.operstate,
      txqlen: this.txqlen,
      master: this.master,
      link: this.link,
      linkNetnsid: this.linkNetnsid,
      kind: this.kind,
      data: this.data,
      slaveKind: this.slaveKind,
      slaveData: this.slaveData,
      altnames: this.altnames.length ? this.altnames : undefined,
    });
  }
}

/**
 * Link commands and their message type and flags. `replace` creates the link
 * or changes the existing one: it is sent with NLM_F_CREATE alone, because the
 * kernel refuses NLM_F_REPLACE on an existing link with EOPNOTSUPP (which is
 * what `ip link replace` runs into).
 */
const COMMANDS: Record<LinkCommand, [number, number]> = {
  add: [RTM.NEWLINK, NLM_F.CREATE | NLM_F.EXCL],
  set: [RTM.NEWLINK, 0],
  change: [RTM.NEWLINK, 0],
  replace: [RTM.NEWLINK, NLM_F.CREATE],
  del: [RTM.DELLINK, 0],
  get: [RTM.GETLINK, 0],
  dump: [RTM.GETLINK, 0],
  property_add: [RTM.NEWLINKPROP, NLM_F.CREATE | NLM_F.APPEND],
  property_del: [RTM.DELLINKPROP, 0],
};

/**
 * The commands `link()` accepts.
 *
 * @example
 * ```ts
 * import type { LinkCommand } from "./link.ts";
 * const cmd: LinkCommand = "property_add";
 * ```
 */
export type LinkCommand =
  | "add"
  | "set"
  | "change"
  | "replace"
  | "del"
  | "get"
  | "dump"
  | "property_add"
  | "property_del";

/**
 * Arguments of `link(cmd, spec)`. `index`, `master` and `link` also take an
 * interface name, which IPRoute resolves to its index before building the
 * request ({@link buildLinkRequest} itself takes indexes only).
 */
export interface LinkSpec {
  /** Interface index or name (to select the link for set/del/get). */
  index?: number | string | undefined;
  /** Interface name (select by name, or the new name with `index`). */
  ifname?: string;
  /** Kind of a new virtual link. */
  kind?: string;
  /** Administrative state. */
  state?: "up" | "down";
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
  /** Veth peer: a name or a full link spec (`{ ifname, address, netnsFd, … }`). */
  peer?: string | LinkSpec;
  /**
   * Kind data, keyed by the kind's attribute names (e.g. vxlan `{ id, port, group }`);
   * raw IFLA_INFO_DATA bytes for a kind without an attribute table.
   */
  data?: Record<string, unknown> | Uint8Array;
  /** Bridge port options (`{ cost, priority, learning, unicastFlood, … }`). */
  brport?: Record<string, unknown>;
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
  attrs?: Record<string, unknown>;
}

const SPEC_KEYS = [
  "index",
  "ifname",
  "kind",
  "state",
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
];

/** Kinds this build knows kind data for (others are accepted without `data`). */
export function kindSet(kind: string): AttrSet | undefined {
  const def = SETS.linkinfo.get("data");
  return def.sub?.formats.get(kind);
}

/**
 * Friendly aliases per kind, applied before table encoding: `vxlan.vni` →
 * `id`, IPv6 vxlan `group`/`local` → `group6`/`local6`, `remote` → `group`,
 * bridge `stp: true` → `stpState: 1`, vlan `protocol: "802.1ad"` → 0x88a8.
 */
function normaliseData(kind: string, data: Record<string, unknown>): Record<string, unknown> {
  const d = { ...data };
  if (kind === "vxlan") {
    if ("vni" in d) {
      if ("id" in d) throw new ArgumentError("data.vni", "either vni or id", d.vni);
      d.id = int(d.vni, "data.vni", 0, 0xffffff);
      delete d.vni;
    }
    if ("remote" in d) {
      if ("group" in d) throw new ArgumentError("data.remote", "either remote or group", d.remote);
      d.group = d.remote;
      delete d.remote;
    }
    for (const k of ["group", "local"]) {
      if (typeof d[k] === "string" && (d[k] as string).includes(":")) {
        d[`${k}6`] = d[k];
        delete d[k];
      }
    }
  } else if (kind === "bridge") {
    if ("stp" in d) {
      d.stpState = bool(d.stp, "data.stp") ? 1 : 0;
      delete d.stp;
    }
  } else if (kind === "vlan") {
    if (typeof d.protocol === "string") {
      const p =
        ({ "802.1q": 0x8100, "802.1Q": 0x8100, "802.1ad": 0x88a8 } as Record<string, number>)[
          d.protocol
        ];
      if (p === undefined) {
        throw new ArgumentError("data.protocol", "802.1Q or 802.1ad", d.protocol);
      }
      d.protocol = p;
    }
  } else if (kind === "gre" || kind === "gretap") {
    for (const k of ["ikey", "okey"]) {
      if (typeof d[k] === "string") {
        const parts = (d[k] as string).split(".").map(Number);
        if (parts.length !== 4 || parts.some((x) => !(x >= 0 && x <= 255))) {
          throw new ArgumentError(`data.${k}`, "a key number or dotted quad", d[k]);
        }
        d[k] = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
      }
    }
  }
  return d;
}

/** Writes `struct ifinfomsg`. */
export function writeIfinfo(w: Writer, family: number, index: number, flags = 0, change = 0): void {
  w.u8(family);
  w.u8(0);
  w.u16(0);
  w.s32(index);
  w.u32(flags);
  w.u32(change);
}

/** Converts a link spec into the attribute object of the link table. */
function linkAttrs(spec: Spec, path: string, forPeer: boolean): Record<string, unknown> {
  const a: Record<string, unknown> = {};
  if (spec.ifname !== undefined) a.ifname = ifname(spec.ifname, `${path}ifname`);
  if (spec.mtu !== undefined) a.mtu = int(spec.mtu, `${path}mtu`, 68, 0xffffffff);
  if (spec.address !== undefined) a.address = spec.address;
  if (spec.broadcast !== undefined) a.broadcast = spec.broadcast;
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
  const kind = spec.kind;
  if (kind !== undefined && !forPeer) {
    const k = str(kind, `${path}kind`, 63);
    const info: Record<string, unknown> = { kind: k };
    if (k === "veth") {
      if (spec.peer !== undefined) {
        const peer = typeof spec.peer === "string" ? { ifname: spec.peer } : spec.peer;
        checkKeys(peer, SPEC_KEYS, `${path}peer`, true);
        if (peer.kind !== undefined || peer.peer !== undefined) {
          throw new ArgumentError(`${path}peer`, "a link spec without kind or peer", peer);
        }
        info.data = {
          peer: { ifiFamily: 0, ifiIndex: 0, ...linkAttrs(peer, `${path}peer.`, true) },
        };
      }
      if (spec.data !== undefined) {
        throw new ArgumentError(`${path}data`, "no data for veth (use peer)", spec.data);
      }
    } else if (spec.data instanceof Uint8Array) {
      // Raw IFLA_INFO_DATA bytes, for any kind (the escape hatch for options no table has).
      info.data = spec.data;
    } else if (spec.data !== undefined) {
      const set = kindSet(k);
      if (!set) {
        throw new ArgumentError(
          `${path}data`,
          `raw bytes (Uint8Array): kind "${k}" has no attribute table`,
          spec.data,
        );
      }
      if (typeof spec.data !== "object" || spec.data === null || Array.isArray(spec.data)) {
        throw new ArgumentError(`${path}data`, `an object of ${k} options`, spec.data);
      }
      info.data = normaliseData(k, spec.data as Record<string, unknown>);
      // Encode once here so that errors name the argument as given (data.x).
      encodeAttrs(
        Writer.scratch("link-check"),
        set,
        info.data as Record<string, unknown>,
        `${path}data`,
      );
    }
    if (spec.peer !== undefined && k !== "veth") {
      throw new ArgumentError(`${path}peer`, "a peer only for kind veth", spec.peer);
    }
    a.linkinfo = info;
  } else if (spec.data !== undefined || spec.peer !== undefined) {
    throw new ArgumentError(
      `${path}${spec.data !== undefined ? "data" : "peer"}`,
      "a kind alongside it",
      spec.data ?? spec.peer,
    );
  }
  if (spec.brport !== undefined) {
    const b = spec.brport;
    if (typeof b !== "object" || b === null || Array.isArray(b) || b instanceof Uint8Array) {
      throw new ArgumentError(`${path}brport`, "an object of bridge port options", b);
    }
    encodeAttrs(
      Writer.scratch("link-check"),
      SETS.brport,
      b as Record<string, unknown>,
      `${path}brport`,
    );
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

/**
 * Builds the request for `link(cmd, spec)`. Validates everything first.
 *
 * @example
 * ```ts
 * import { buildLinkRequest } from "./link.ts";
 * const req = buildLinkRequest("add", { ifname: "v0", kind: "veth", peer: "v1" });
 * req.type; // 16 (RTM_NEWLINK)
 * ```
 */
export function buildLinkRequest(cmd: string, spec: LinkSpec | Spec): Request {
  const entry = command(COMMANDS, cmd, "link");
  checkKeys(spec, SPEC_KEYS, `link ${cmd}`);
  const [type, flags] = entry;
  const index = spec.index === undefined ? 0 : int(spec.index, "index", 0, 0x7fffffff);
  let ifiFlags = 0;
  let change = 0;
  if (spec.state !== undefined) {
    if (spec.state !== "up" && spec.state !== "down") {
      throw new ArgumentError("state", '"up" or "down"', spec.state);
    }
    change = IFF_UP;
    ifiFlags = spec.state === "up" ? IFF_UP : 0;
  }
  if (
    (cmd === "set" || cmd === "change" || cmd === "del" || cmd === "get") && !index &&
    spec.ifname === undefined
  ) {
    throw new ArgumentError("index", `an index or ifname to select the link to ${cmd}`, spec.index);
  }
  if (cmd === "property_add" || cmd === "property_del") {
    const names = spec.altnames;
    if (!Array.isArray(names) || names.length === 0) {
      throw new ArgumentError("altnames", "a non-empty array of names", names);
    }
    const checked = names.map((n, i) => str(n, `altnames[${i}]`, 127));
    if (!index && spec.ifname === undefined) {
      throw new ArgumentError("index", "an index or ifname", spec.index);
    }
    const sel = index ? {} : { ifname: ifname(spec.ifname, "ifname") };
    return {
      type,
      flags,
      name: cmd === "property_add" ? "RTM_NEWLINKPROP" : "RTM_DELLINKPROP",
      body: (w) => {
        writeIfinfo(w, AF_UNSPEC, index);
        encodeAttrs(w, SETS.link, { ...sel, propList: { altIfname: checked } });
      },
    };
  }
  if (spec.altnames !== undefined) {
    throw new ArgumentError(
      "altnames",
      "altnames only with property_add / property_del",
      spec.altnames,
    );
  }
  const isDump = cmd === "dump";
  const attrs = isDump ? {} : linkAttrs(spec, "", false);
  if (isDump) {
    // Kernel-side filters (strict checking): kind and master.
    if (spec.kind !== undefined) attrs.linkinfo = { kind: str(spec.kind, "kind", 63) };
    if (spec.master !== undefined) attrs.master = u32(spec.master, "master");
  }
  if ((cmd === "get" || cmd === "del") && index && spec.ifname !== undefined) delete attrs.ifname;
  const encoded = encodeProbe(attrs);
  return {
    type,
    flags,
    name: `RTM_${cmd === "del" ? "DEL" : cmd === "get" || isDump ? "GET" : "NEW"}LINK`,
    body: (w) => {
      writeIfinfo(w, AF_UNSPEC, isDump ? 0 : index, ifiFlags, change);
      w.bytes(encoded);
    },
  };
}

/** Encodes attributes now (so errors surface before sending) and returns the bytes. */
function encodeProbe(attrs: Record<string, unknown>): Uint8Array {
  for (const _ in attrs) {
    const w = Writer.scratch("link");
    encodeAttrs(w, SETS.link, attrs);
    return w.finish();
  }
  return emptyBytes();
}

/**
 * Builds a bridge port request through AF_BRIDGE (IFLA_PROTINFO), the way
 * `bridge link set` does; used for port flags on kernels that refuse slave data.
 *
 * @example
 * ```ts
 * import { buildBrportRequest } from "./link.ts";
 * buildBrportRequest(3, { cost: 10 }).type; // 19 (RTM_SETLINK)
 * ```
 */
export function buildBrportRequest(index: number, options: Record<string, unknown>): Request {
  const w = new Writer(64);
  const a = w.beginNested(IFLA.protinfo!);
  encodeAttrs(w, SETS.brport, options, "brport");
  w.endAttr(a);
  const bytes = w.finish();
  return {
    type: RTM.SETLINK,
    name: "RTM_SETLINK",
    body: (out) => {
      writeIfinfo(out, AF_BRIDGE, index);
      out.bytes(bytes);
    },
  };
}
