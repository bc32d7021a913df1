/**
 * IPDB interfaces: a record per link with its addresses (`ipaddr`), ports and
 * neighbours, chainable setters, and the steps that commit a transaction.
 *
 * @module
 */
import { ArgumentError, NetlinkError } from "../core/errors.ts";
import { parseMAC, parsePrefix } from "../core/address.ts";
import type { IPRoute } from "../iproute/iproute.ts";
import type { Link } from "../iproute/link/link.ts";
import type { LinkSpec } from "../iproute/link/request.ts";
import { ADDR, LINK, ROUTE } from "../iproute/objects.ts";
import type { Address } from "../iproute/addr/address.ts";
import type { Neighbour } from "../iproute/neigh/neighbour.ts";
import type { Route } from "../iproute/route/route.ts";
import { ifname as checkIfname, int } from "../iproute/spec.ts";
import { PHASE, runCommand, type Step } from "./plan.ts";
import { type Owner, Record_, type Tx } from "./record.ts";

/** What an interface record needs from its database. */
export interface InterfaceDb extends Owner {
  /** IPRoute the commit steps send through. */
  readonly ipr: IPRoute;
  /** Looks up an interface by name, index or record. */
  findInterface(ref: string | number | Interface): Interface | undefined;
  /** Every interface record. */
  allInterfaces(): Iterable<Interface>;
  /** Routes (all tables) that go through one of these interface indexes. */
  routesThrough(indexes: readonly number[]): Route[];
  /** Registers a record created by a commit under its new index. */
  adopt(iface: Interface, link: Link): void;
  /** Makes a record pending again (its creation was rolled back). */
  unadopt(iface: Interface): void;
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
}

/** Kind data that can be set again when an interface is recreated by a rollback. */
const SETTABLE_DATA: Record<string, readonly string[]> = {
  bridge: [
    "forwardDelay",
    "helloTime",
    "maxAge",
    "ageingTime",
    "stpState",
    "priority",
    "vlanFiltering",
  ],
  vxlan: [
    "id",
    "group",
    "group6",
    "link",
    "local",
    "local6",
    "ttl",
    "tos",
    "learning",
    "ageing",
    "port",
  ],
  macvlan: ["mode"],
  macvtap: ["mode"],
  vlan: ["id", "protocol"],
  vrf: ["table"],
};

/** Keys of `ipaddr` items: `"10.0.0.1/24"`. */
function ipKey(address: string, prefixlen: number): string {
  return `${address}/${prefixlen}`;
}

/**
 * An interface in IPDB. Fields read the kernel's values, or the pending ones
 * inside a transaction; setters record changes; `commit()` applies them.
 *
 * @example
 * ```ts
 * import { IPDB } from "../mod.ts";
 * await using ipdb = await IPDB.open();
 * await ipdb.interfaces.v0!.setMtu(1400).addIp("10.0.0.1/24").up().commit();
 * ```
 */
export class Interface extends Record_ {
  #link: Link | undefined;
  #create: { kind: string; ifname: string; spec: Partial<LinkSpec> } | undefined;
  /** @internal Addresses by `"addr/len"`. */
  readonly _addrs: Map<string, IpAddr> = new Map();
  /** @internal Neighbours by destination. */
  readonly _neigh: Map<string, Neighbour> = new Map();

  /**
   * A record of `owner` mirroring `link`, or, without it, a pending interface
   * to be created from `create` (kind, name and link fields).
   */
  constructor(
    owner: InterfaceDb,
    link?: Link,
    create?: { kind: string; ifname: string; spec: Partial<LinkSpec> },
  ) {
    super(owner, link ? "system" : "pending");
    this.#link = link;
    this.#create = create;
  }

  #db(): InterfaceDb {
    return this._owner as InterfaceDb;
  }

  /** @internal Back to pending: the creation was rolled back. */
  _revert(): void {
    const l = this.#link;
    if (l && !this.#create) this.#create = { kind: l.kind ?? "", ifname: l.ifname ?? "", spec: {} };
    this.#link = undefined;
    this.ipdbScope = "pending";
  }

  /** @internal Replaces the kernel state (identity kept). */
  _update(link: Link): void {
    this.#link = link;
    if (this.ipdbScope !== "system") {
      this.ipdbScope = "system";
      this.#create = undefined;
    }
  }

  /** The latest link message from the kernel. */
  get link(): Link | undefined {
    return this.#link;
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
    return this.collection("ipaddr", this._addrs.keys());
  }
  /** Address details of the committed addresses. */
  get addresses(): IpAddr[] {
    return [...this._addrs.values()];
  }
  /** Indexes of the ports (links whose master is this one), pending changes included. */
  get ports(): number[] {
    const committed = [...this.#db().allInterfaces()].filter((i) =>
      i.#link?.master === this.index && this.index
    )
      .map((i) => String(i.index));
    return this.collection("ports", committed).map((k) => this.#resolve(k)?.index ?? Number(k))
      .filter((n) => Number.isInteger(n) && n > 0);
  }
  /** Neighbours on this interface. */
  get neighbours(): Neighbour[] {
    return [...this._neigh.values()];
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
    const p = parsePrefix(address, "address");
    if (prefixlen !== undefined) {
      p.prefixlen = int(prefixlen, "prefixlen", 0, p.family === 2 ? 32 : 128);
    }
    const key = ipKey(p.address, p.prefixlen);
    return this.collect("ipaddr", key, {
      address: p.address,
      prefixlen: p.prefixlen,
      family: p.family,
    }, 1);
  }
  /** Removes an address. */
  delIp(address: string, prefixlen?: number): this {
    const p = parsePrefix(address, "address");
    if (prefixlen !== undefined) {
      p.prefixlen = int(prefixlen, "prefixlen", 0, p.family === 2 ? 32 : 128);
    }
    const key = ipKey(p.address, p.prefixlen);
    if (!address.includes("/") && prefixlen === undefined) {
      // A bare address removes whichever prefix it has.
      const found = [...this._addrs.values()].find((a) => a.address === p.address);
      if (found) return this.collect("ipaddr", ipKey(found.address, found.prefixlen), found, -1);
    }
    return this.collect("ipaddr", key, this._addrs.get(key) ?? { ...p }, -1);
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

  // -- commit --------------------------------------------------------------

  /** Builds the steps, each with its undo, that apply `tx`: create or remove, set, ports, addresses, state. */
  plan(tx: Tx): Step[] {
    const db = this.#db();
    const ipr = db.ipr;
    const steps: Step[] = [];
    const name = () => this.ifname ?? this.#create?.ifname;
    const index = () => {
      if (!this.index) throw new Error(`Cannot find ${this.label}: it has no index yet`);
      return this.index;
    };
    if (tx.remove) {
      if (this.ipdbScope === "pending") return [];
      steps.push(this.#removal());
      return steps;
    }
    if (this.ipdbScope === "pending") {
      const c = this.#create!;
      const spec: Record<string, unknown> = {
        ...c.spec,
        kind: (tx.set.get("kind") as string) ?? c.kind,
        ifname: (tx.set.get("ifname") as string) ?? c.ifname,
      };
      for (const k of ["mtu", "address", "txqlen"]) if (tx.set.has(k)) spec[k] = tx.set.get(k);
      steps.push({
        describe: `link add ${spec.ifname} type ${spec.kind}`,
        phase: PHASE.createLink,
        apply: async () => {
          await runCommand(ipr, LINK, "add", spec);
          const l = await ipr.link("get", { ifname: spec.ifname as string });
          db.adopt(this, l);
        },
        undo: async () => {
          await runCommand(ipr, LINK, "del", { index: index() });
          db.unadopt(this);
        },
      });
    }
    const created = this.ipdbScope === "pending";
    const fields: [string, (v: unknown) => Record<string, unknown>][] = [
      ["ifname", (v) => ({ ifname: v })],
      ["address", (v) => ({ address: v })],
      ["mtu", (v) => ({ mtu: v })],
      ["txqlen", (v) => ({ txqlen: v })],
    ];
    for (const [field, spec] of fields) {
      if (!tx.set.has(field) || (created && field !== "ifname" && field !== "state")) continue;
      if (created && field === "ifname") continue;
      const next = tx.set.get(field);
      const prev = this.committed(field);
      if (next === prev) continue;
      steps.push({
        describe: `link set ${name()} ${field} ${String(next)}`,
        phase: PHASE.setLink,
        apply: () => runCommand(ipr, LINK, "set", { index: index(), ...spec(next) }),
        ...(prev === undefined
          ? {}
          : { undo: () => runCommand(ipr, LINK, "set", { index: index(), ...spec(prev) }) }),
      });
    }
    if (tx.set.has("data")) {
      const kind = this.kind;
      if (!kind) {
        throw new ArgumentError("data", "kind data only for virtual links", tx.set.get("data"));
      }
      const next = tx.set.get("data") as Record<string, unknown>;
      const prevData = this.data ?? {};
      const prev = Object.fromEntries(
        Object.keys(next).filter((k) => k in prevData).map((k) => [k, prevData[k]]),
      );
      steps.push({
        describe: `link set ${name()} type ${kind} ${JSON.stringify(next)}`,
        phase: PHASE.setLink,
        apply: () => runCommand(ipr, LINK, "set", { index: index(), kind, data: next }),
        undo: () => runCommand(ipr, LINK, "set", { index: index(), kind, data: prev }),
      });
    }
    if (tx.set.has("master")) {
      const target = tx.set.get("master");
      const prev = this.#link?.master ?? 0;
      steps.push({
        describe: `link set ${name()} master ${
          String(target instanceof Interface ? target.ifname : target)
        }`,
        phase: PHASE.ports,
        apply: () => {
          const m = target === 0
            ? 0
            : this.#resolve(target as string | number | Interface)?.index ?? 0;
          return runCommand(ipr, LINK, "set", { index: index(), master: m });
        },
        undo: () => runCommand(ipr, LINK, "set", { index: index(), master: prev }),
      });
    }
    for (const [key, item] of tx.add.get("ports") ?? []) {
      const port = item as Interface;
      const prev = port.#link?.master ?? 0;
      steps.push({
        describe: `link set ${port.ifname ?? key} master ${name()}`,
        phase: PHASE.ports,
        apply: () => runCommand(ipr, LINK, "set", { index: port.index, master: index() }),
        undo: () => runCommand(ipr, LINK, "set", { index: port.index, master: prev }),
      });
    }
    for (const [key, item] of tx.del.get("ports") ?? []) {
      const port = item as Interface;
      steps.push({
        describe: `link set ${port.ifname ?? key} nomaster`,
        phase: PHASE.ports,
        apply: () => runCommand(ipr, LINK, "set", { index: port.index, master: 0 }),
        undo: () => runCommand(ipr, LINK, "set", { index: port.index, master: index() }),
      });
    }
    for (const [key, item] of tx.del.get("ipaddr") ?? []) {
      const a = item as IpAddr;
      steps.push({
        describe: `addr del ${key} dev ${name()}`,
        phase: PHASE.addresses,
        request: () =>
          ADDR.build("del", { index: index(), address: a.address, prefixlen: a.prefixlen }),
        apply: () =>
          runCommand(ipr, ADDR, "del", {
            index: index(),
            address: a.address,
            prefixlen: a.prefixlen,
          }),
        undo: () => runCommand(ipr, ADDR, "add", { index: index(), ...addrSpec(a) }),
      });
    }
    for (const [key, item] of tx.add.get("ipaddr") ?? []) {
      const a = item as IpAddr;
      if (this._addrs.has(key)) continue;
      steps.push({
        describe: `addr add ${key} dev ${name()}`,
        phase: PHASE.addresses,
        request: () => ADDR.build("add", { index: index(), ...addrSpec(a) }),
        apply: () => runCommand(ipr, ADDR, "add", { index: index(), ...addrSpec(a) }),
        undo: () =>
          runCommand(ipr, ADDR, "del", {
            index: index(),
            address: a.address,
            prefixlen: a.prefixlen,
          }),
      });
    }
    if (tx.set.has("state")) {
      const next = tx.set.get("state") as "up" | "down";
      const prev = created ? "down" : this.#link?.state ?? "down";
      if (next !== prev) {
        steps.push({
          describe: `link set ${name()} ${next}`,
          phase: PHASE.linkState,
          apply: () => runCommand(ipr, LINK, "set", { index: index(), state: next }),
          undo: () => runCommand(ipr, LINK, "set", { index: index(), state: prev }),
        });
      }
    }
    return steps;
  }

  /** The removal step, with an undo that recreates the link, its peer, addresses, ports and routes. */
  #removal(): Step {
    const db = this.#db();
    const ipr = db.ipr;
    const self = this.#snapshot();
    const peerRecord =
      this.kind === "veth" && this.#link?.linkNetnsid === undefined && this.#link?.link
        ? db.findInterface(this.#link.link)
        : undefined;
    const peer = peerRecord ? peerRecord.#snapshot() : undefined;
    if (peer) delete peer.spec.kind;
    const gone = [this.index, ...(peerRecord ? [peerRecord.index] : [])];
    const names = new Map<number, string>();
    for (const i of db.allInterfaces()) if (i.index && i.ifname) names.set(i.index, i.ifname);
    const routes = db.routesThrough(gone).filter((r) => r.proto !== "kernel" && r.table !== 255)
      .map((r) => routeSpec(r, names));
    const ports = [...db.allInterfaces()].filter((i) => i.#link?.master === this.index).map((i) =>
      i.ifname!
    );
    return {
      describe: `link del ${this.ifname}`,
      phase: PHASE.removeLink,
      apply: () => runCommand(ipr, LINK, "del", { index: this.index }),
      undo: async () => {
        const spec: Record<string, unknown> = { ...self.spec };
        if (peer) spec.peer = peer.spec;
        await runCommand(ipr, LINK, "add", spec);
        for (const snap of [self, ...(peer ? [peer] : [])]) {
          const l = await ipr.link("get", { ifname: snap.spec.ifname as string });
          const record = snap === self ? this : peerRecord!;
          db.adopt(record, l);
          if (snap.master) {
            await runCommand(ipr, LINK, "set", { index: l.index, master: snap.master }).catch(
              ignoreExists,
            );
          }
          for (const a of snap.addrs) {
            await runCommand(ipr, ADDR, "add", { index: l.index, ...addrSpec(a) }).catch(
              ignoreExists,
            );
          }
          if (snap.state === "up") {
            await runCommand(ipr, LINK, "set", { index: l.index, state: "up" });
          }
        }
        for (const p of ports) {
          await runCommand(ipr, LINK, "set", { ifname: p, master: this.index }).catch(ignoreExists);
        }
        for (const r of routes) {
          for (const h of (r.multipath as Record<string, unknown>[] | undefined) ?? []) {
            if (typeof h.oif === "string") h.oif = (await ipr.linkLookup({ ifname: h.oif }))[0];
          }
          await runCommand(ipr, ROUTE, "replace", r).catch(ignoreExists);
        }
      },
    };
  }

  /** What it takes to recreate this link. */
  #snapshot(): {
    spec: Record<string, unknown>;
    addrs: IpAddr[];
    state: string;
    master: number | undefined;
  } {
    const l = this.#link!;
    const spec: Record<string, unknown> = { ifname: l.ifname };
    if (l.kind) spec.kind = l.kind;
    if (l.mtu !== undefined) spec.mtu = l.mtu;
    if (l.address && l.kind) spec.address = l.address;
    if (l.txqlen !== undefined) spec.txqlen = l.txqlen;
    const settable = l.kind ? SETTABLE_DATA[l.kind] : undefined;
    const data = l.data;
    if (settable && data) {
      const d: Record<string, unknown> = {};
      for (const k of settable) if (data[k] !== undefined) d[k] = data[k];
      if (Object.keys(d).length) spec.data = d;
    }
    const addrs = [...this._addrs.values()].filter((a) =>
      !(a.family === 10 && a.address.startsWith("fe80:"))
    );
    return { spec, addrs, state: l.state, master: l.master };
  }
}

function addrSpec(a: IpAddr): Record<string, unknown> {
  const s: Record<string, unknown> = { address: a.address, prefixlen: a.prefixlen };
  if (a.broadcast) s.broadcast = a.broadcast;
  if (a.label) s.label = a.label;
  return s;
}

function ignoreExists(e: unknown): void {
  if (e instanceof NetlinkError && e.code === "EEXIST") return;
  throw e;
}

/** A route spec that recreates `r`, with interfaces named (indexes change on recreation). */
export function routeSpec(r: Route, names: ReadonlyMap<number, string>): Record<string, unknown> {
  const s: Record<string, unknown> = {
    dst: r.dst,
    table: r.table,
    type: r.routeType,
    proto: r.proto,
  };
  s.scope = r.scope;
  if (r.family) s.family = r.family;
  if (r.gateway) s.gateway = r.gateway;
  if (r.oif !== undefined) s.oif = names.get(r.oif) ?? r.oif;
  if (r.priority !== undefined) s.priority = r.priority;
  if (r.prefsrc) s.prefsrc = r.prefsrc;
  if (r.tos) s.tos = r.tos;
  const m = r.metrics;
  if (m && Object.keys(m).length) s.metrics = m;
  const mp = r.multipath;
  if (mp) {
    s.multipath = mp.map((h) => {
      const o: Record<string, unknown> = { hops: h.hops };
      if (h.gateway) o.gateway = h.gateway;
      if (h.oif) o.oif = names.get(h.oif) ?? h.oif;
      return o;
    });
  }
  return s;
}

/** Builds `ipaddr` entries from address messages. */
export function ipAddrOf(a: Address): IpAddr {
  const out: IpAddr = {
    address: a.address ?? a.local ?? "",
    prefixlen: a.prefixlen,
    family: a.family,
  };
  if (a.broadcast) out.broadcast = a.broadcast;
  if (a.label && a.label !== undefined) out.label = a.label;
  return out;
}

export { ipKey };
