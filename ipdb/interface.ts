/**
 * IPDB interfaces: a record per link with its addresses (`ipaddr`), ports and
 * neighbours, chainable setters, and the steps that commit a transaction.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import { AF_INET, parseMAC, parsePrefix } from "../core/address.ts";
import type { Link } from "../iproute/link/link.ts";
import type { LinkSpec } from "../iproute/link/request.ts";
import type { Neighbour } from "../iproute/neigh/neighbour.ts";
import type { PortVlan } from "../iproute/vlan/vlan.ts";
import type { Route } from "../iproute/route/route.ts";
import { ifname as checkIfname, int } from "../iproute/spec.ts";
import { addrKey } from "./keys.ts";
import type { Step } from "./plan.ts";
import { type Owner, Record_, recordInternals, type Tx } from "./record.ts";
import { interfaceSteps } from "./interface_plan.ts";

/** What an interface record needs from its database (internal). */
export interface InterfaceDb extends Owner {
  /** Looks up an interface by name, index or record. */
  findInterface(ref: string | number | Interface): Interface | undefined;
  /** Every interface record. */
  allInterfaces(): Iterable<Interface>;
  /** Routes (all tables) that go through one of these interface indexes. */
  routesThrough(indexes: readonly number[]): Route[];
}

/** One address of an interface. */
export interface IpAddr {
  /** The address, without prefix length (`"10.0.0.1"`). */
  address: string;
  /** Prefix length. */
  prefixlen: number;
  /** AF_INET (2) or AF_INET6 (10). */
  family: number;
  /** Broadcast address (IPv4), when set. */
  broadcast?: string;
  /** Address label (IPv4, e.g. `"eth0:1"`), when set. */
  label?: string;
  /**
   * An IPv4 address the kernel holds as secondary (another one of its subnet
   * is primary; deleting the primary removes or promotes it), when so.
   */
  secondary?: boolean;
}

/** How a pending interface is to be created: kind, name and link fields. */
export interface Creation {
  /** Link kind. */
  kind: string;
  /** Name. */
  ifname: string;
  /** Other link fields (IPRoute's link spec). */
  spec: Partial<LinkSpec>;
}

/** What the database's modules reach inside interface records (not part of the public API). */
export interface InterfaceInternals {
  /** A record of `owner` mirroring `link`, or a pending one to be created as `create` says. */
  create(owner: InterfaceDb, link?: Link, create?: Creation): Interface;
  /** Replaces the kernel state (identity kept); a pending record becomes a system one. */
  update(i: Interface, link: Link): void;
  /** Back to pending (its creation was rolled back). */
  revert(i: Interface): void;
  /** Addresses by `"addr/len"`. */
  addrs(i: Interface): Map<string, IpAddr>;
  /** Neighbours by destination. */
  neigh(i: Interface): Map<string, Neighbour>;
  /** Sets the VLANs of a bridge port (from an AF_BRIDGE link message). */
  setVlans(i: Interface, vlans: PortVlan[]): void;
  /** How it is to be created, while pending (or was, when made by `create`). */
  creation(i: Interface): Creation | undefined;
  /** The kernel's (committed) value of a field. */
  committed(i: Interface, field: string): unknown;
  /** Its database. */
  db(i: Interface): InterfaceDb;
  /** Resolves a port or master reference (name, index, `"name:<n>"`, record). */
  resolve(i: Interface, ref: string | number | Interface): Interface | undefined;
}

/** Access to interface records' internals for the database's modules (not exported from mod.ts). */
export const interfaceInternals = {} as InterfaceInternals;

/** What an interface shows in JSON and when printed. */
const SHOWN = [
  "index",
  "ifname",
  "kind",
  "address",
  "mtu",
  "txqlen",
  "state",
  "operstate",
  "master",
  "ipaddr",
  "ports",
] as const;

/**
 * An interface in IPDB. Fields read the kernel's values, or the pending ones
 * inside a transaction; setters record changes; `commit()` applies them.
 *
 * @example
 * ```ts
 * import { IPDB } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipdb = await IPDB.open({ netns: "blue" });
 * await ipdb.create("veth", "v0", { peer: "v1" }).commit();
 * await ipdb.interfaces.v0!.setMtu(1400).addIp("10.0.0.1/24").up().commit();
 * const v0 = ipdb.interfaces.v0!;
 * assert.equal(v0.mtu, 1400);
 * assert.equal(v0.state, "up");
 * assert.ok(v0.ipaddr.includes("10.0.0.1/24"));
 * await v0.remove().commit(); // its peer goes too
 * ```
 */
export class Interface extends Record_ {
  #link: Link | undefined;
  /** How a record made by `create` is to be created (kept: a rollback makes it pending again). */
  #create: Creation | undefined;
  /** Addresses by `"addr/len"`. */
  readonly #addrs = new Map<string, IpAddr>();
  /** Neighbours by destination. */
  readonly #neigh = new Map<string, Neighbour>();
  #vlans: PortVlan[] = [];

  /**
   * A record of `owner` mirroring `link`, or, without it, a pending interface
   * to be created from `create` (kind, name and link fields).
   */
  private constructor(owner: InterfaceDb, link?: Link, create?: Creation) {
    super(owner, link ? "system" : "pending");
    this.#link = link;
    this.#create = create;
  }

  static {
    const x = interfaceInternals;
    x.create = (owner, link, create) => new Interface(owner, link, create);
    x.update = (i, link) => {
      i.#link = link;
      i.ipdbScope = "system";
    };
    x.revert = (i) => {
      const l = i.#link;
      i.#create ??= { kind: l?.kind ?? "", ifname: l?.ifname ?? "", spec: {} };
      i.#link = undefined;
      i.ipdbScope = "pending";
    };
    x.addrs = (i) => i.#addrs;
    x.neigh = (i) => i.#neigh;
    x.setVlans = (i, vlans) => {
      i.#vlans = vlans;
    };
    x.creation = (i) => i.#create;
    x.committed = (i, field) => i.committed(field);
    x.db = (i) => i.#db();
    x.resolve = (i, ref) => i.#resolve(ref);
  }

  #db(): InterfaceDb {
    return recordInternals.owner(this) as InterfaceDb;
  }

  /** The latest link message from the kernel. */
  get link(): Link | undefined {
    return this.#link;
  }

  /** The fields an interface shows in JSON and when printed. */
  protected get shownFields(): readonly string[] {
    return SHOWN;
  }

  /** `interface <name>` (the pending name before creation), for errors and diffs. */
  get label(): string {
    return `interface ${this.ifname ?? this.#create?.ifname ?? "?"}`;
  }

  /** The kernel's value of `field` (from the link message), or the creation spec's while pending. */
  protected committed(field: string): unknown {
    const l = this.#link;
    if (!l) {
      const c = this.#create!;
      if (field === "ifname") return c.ifname;
      if (field === "kind") return c.kind;
      return (c.spec as Record<string, unknown>)[field];
    }
    return (l as unknown as Record<string, unknown>)[field];
  }

  /** Interface index (0 while pending). */
  get index(): number {
    return this.#link?.index ?? 0;
  }
  /** Name (pending value inside a transaction). */
  get ifname(): string | undefined {
    return this.value("ifname") as string | undefined;
  }
  set ifname(v: string) {
    this.setName(v);
  }
  /** Kind (`veth`, `bridge`, …), undefined for physical devices. */
  get kind(): string | undefined {
    return this.ipdbScope === "pending"
      ? this.value("kind") as string
      : this.committed("kind") as string | undefined;
  }
  /** Changes the kind of an interface not created yet (to fix a failed create). */
  set kind(v: string) {
    if (this.ipdbScope !== "pending") {
      throw new Error(`Cannot change the kind of ${this.label}: it exists`);
    }
    if (typeof v !== "string" || v === "") throw new ArgumentError("kind", "a link kind", v);
    this.change("kind", v);
  }
  /** MTU. */
  get mtu(): number | undefined {
    return this.value("mtu") as number | undefined;
  }
  set mtu(v: number) {
    this.setMtu(v);
  }
  /** MAC address. */
  get address(): string | undefined {
    return this.value("address") as string | undefined;
  }
  set address(v: string) {
    this.setAddress(v);
  }
  /** Transmit queue length. */
  get txqlen(): number | undefined {
    return this.value("txqlen") as number | undefined;
  }
  set txqlen(v: number) {
    this.setTxqlen(v);
  }
  /** Administrative state. */
  get state(): "up" | "down" {
    return (this.value("state") as "up" | "down" | undefined) ?? "down";
  }
  set state(v: "up" | "down") {
    if (v !== "up" && v !== "down") throw new ArgumentError("state", '"up" or "down"', v);
    this.change("state", v);
  }
  /** Master index (bridge, bond, vrf) or undefined. */
  get master(): number | undefined {
    const v = this.value("master");
    return typeof v === "number" && v > 0 ? v : undefined;
  }
  /** Operational state. */
  get operstate(): string | undefined {
    return this.#link?.operstate;
  }
  /** IFF_* flag names. */
  get flags(): string[] {
    return this.#link?.flags ?? [];
  }
  /** Kind data. */
  get data(): Record<string, unknown> | undefined {
    return this.#link?.data;
  }
  /** Underlying or peer link index. */
  get linkIndex(): number | undefined {
    return this.#link?.link;
  }
  /** Addresses as `"addr/len"` strings (pending ones included inside a transaction). */
  get ipaddr(): string[] {
    return this.collection("ipaddr", this.#addrs.keys());
  }
  /** Address details of the committed addresses. */
  get addresses(): IpAddr[] {
    return [...this.#addrs.values()];
  }
  /** Indexes of the ports (links whose master is this one), pending changes included. */
  get ports(): number[] {
    const committed = [...this.#db().allInterfaces()]
      .filter((i) => i.#link?.master === this.index && this.index)
      .map((i) => String(i.index));
    return this.collection("ports", committed).map((k) => this.#resolve(k)?.index ?? Number(k))
      .filter((n) => Number.isInteger(n) && n > 0);
  }
  /** Neighbours on this interface. */
  get neighbours(): Neighbour[] {
    return [...this.#neigh.values()];
  }
  /**
   * The VLANs of a bridge port (or of a bridge itself), as `bridge vlan show`
   * lists them: read from the kernel at load and kept current by its AF_BRIDGE
   * link notifications (empty when the bridge does not filter VLANs). Change
   * them with IPRoute's `vlan("add" | "del")`.
   */
  get vlans(): PortVlan[] {
    return this.#vlans.map((v) => ({ ...v }));
  }

  // -- chainable setters ----------------------------------------------------

  /** Sets the MTU. */
  setMtu(v: number): this {
    return this.change("mtu", int(v, "mtu", 68, 0xffffffff));
  }
  /** Sets the MAC address. */
  setAddress(v: string): this {
    const mac = typeof v === "string" ? parseMAC(v) : undefined;
    if (!mac) throw new ArgumentError("address", "a MAC address", v);
    // The device's address length does not change (6 bytes for Ethernet).
    const current = this.#link?.address;
    const len = current === undefined ? 6 : current.split(":").length;
    if (mac.length !== len) throw new ArgumentError("address", `a MAC address of ${len} bytes`, v);
    return this.change("address", v.toLowerCase());
  }
  /** Renames the interface. */
  setName(v: string): this {
    return this.change("ifname", checkIfname(v, "ifname"));
  }
  /** Sets the transmit queue length. */
  setTxqlen(v: number): this {
    return this.change("txqlen", int(v, "txqlen", 0, 0xffffffff));
  }
  /** Sets the master (name, index or record; 0 or null releases). */
  setMaster(v: string | number | Interface | null): this {
    if (v === null || v === 0) return this.change("master", 0);
    if (!this.#resolve(v)) {
      throw new ArgumentError("master", "an interface name, index or record", v);
    }
    return this.change("master", v);
  }
  /** Sets kind data (merged with the current). */
  setData(data: Record<string, unknown>): this {
    if (typeof data !== "object" || data === null) {
      throw new ArgumentError("data", "an object of kind options", data);
    }
    const prev = (this.txOf()?.set.get("data") as Record<string, unknown> | undefined) ?? {};
    return this.change("data", { ...prev, ...data });
  }
  /** Brings the interface up. */
  up(): this {
    return this.change("state", "up");
  }
  /** Brings the interface down. */
  down(): this {
    return this.change("state", "down");
  }
  /** Adds an address (`"10.0.0.1/24"`, or address and prefix length). */
  addIp(address: string, prefixlen?: number): this {
    const p = ipOf(address, prefixlen);
    const item: IpAddr = { address: p.address, prefixlen: p.prefixlen, family: p.family };
    return this.collect("ipaddr", addrKey(p.address, p.prefixlen), item, 1);
  }
  /** Removes an address. */
  delIp(address: string, prefixlen?: number): this {
    const p = ipOf(address, prefixlen);
    const key = addrKey(p.address, p.prefixlen);
    if (!address.includes("/") && prefixlen === undefined) {
      // A bare address removes whichever prefix it has.
      const found = [...this.#addrs.values()].find((a) => a.address === p.address);
      if (found) return this.collect("ipaddr", addrKey(found.address, found.prefixlen), found, -1);
    }
    return this.collect("ipaddr", key, this.#addrs.get(key) ?? { ...p }, -1);
  }
  /** Adds a port (name, index or record). */
  addPort(port: string | number | Interface): this {
    const i = this.#resolve(port);
    if (!i) throw new ArgumentError("port", "an interface name, index or record", port);
    return this.collect("ports", i.index ? String(i.index) : `name:${i.ifname}`, i, 1);
  }
  /** Removes a port (name, index or record). */
  delPort(port: string | number | Interface): this {
    const i = this.#resolve(port);
    if (!i) throw new ArgumentError("port", "an interface name, index or record", port);
    return this.collect("ports", String(i.index), i, -1);
  }

  #resolve(ref: string | number | Interface): Interface | undefined {
    if (typeof ref === "string" && ref.startsWith("name:")) {
      return this.#db().findInterface(ref.slice(5));
    }
    if (typeof ref === "string" && /^\d+$/.test(ref)) return this.#db().findInterface(Number(ref));
    return this.#db().findInterface(ref);
  }

  /** The creation spec of a pending interface (kind, ifname, link fields); empty otherwise. */
  protected override spec(): Record<string, unknown> {
    const c = this.#create;
    return c ? { kind: c.kind, ifname: c.ifname, ...c.spec } : {};
  }

  /** Builds the steps, each with its undo, that apply `tx`: create or remove, set, ports, addresses, state. */
  plan(tx: Tx): Step[] {
    return interfaceSteps(this, tx);
  }
}

/** An address argument, with an optional separate prefix length. */
function ipOf(address: string, prefixlen: number | undefined) {
  const p = parsePrefix(address, "address");
  if (prefixlen !== undefined) {
    p.prefixlen = int(prefixlen, "prefixlen", 0, p.family === AF_INET ? 32 : 128);
  }
  return p;
}
