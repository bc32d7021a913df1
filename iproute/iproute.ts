/**
 * IPRoute: rtnetlink requests with typed arguments and typed results, in the
 * shape pyroute2 users know (`link`, `addr`, `route`, `neigh`, `rule`,
 * `nexthop`, `fdb`, each with `add`/`set`/`replace`/`change`/`append`/`del`/
 * `get`/`dump` where the kernel supports it). The per-object methods derive
 * from the object declarations in `objects.ts`.
 *
 * @module
 */
import { ArgumentError, NetlinkError } from "../core/errors.ts";
import { libc } from "../ffi/libc.ts";
import { attachTun, createPersistentTun, socketNetns, TunTapQueue } from "./tuntap/device.ts";
import {
  checkTunTapOpenSpec,
  splitTunTapSpec,
  type TunTapAck,
  type TunTapDelSpec,
  type TunTapOpenSpec,
  type TunTapSpec,
} from "./tuntap/request.ts";
import type { NetlinkSocket, Request } from "../core/socket.ts";
import { RT_TABLE } from "../core/tables/constants.ts";
import { Batch } from "./batch.ts";
import { LazyDump } from "./lazy_dump.ts";
import type { Ack, ObjectMethod } from "./methods.ts";
import type { AnyObjectDef } from "./object.ts";
import {
  ADDR,
  ADDRLABEL,
  LINK,
  MDB,
  NETCONF,
  NTABLE,
  type ObjectName,
  objectNamed,
  OBJECTS,
  ROUTE,
  RULE,
  STATS,
  VLAN,
  VLANDB,
} from "./objects.ts";
import type { NetconfSpec } from "./netconf/request.ts";
import { type IPRouteOptions, openSocket } from "./open.ts";

export type { IPRouteOptions };
import { linkRefNames, resolveLinkRefs, UnknownInterfaceError } from "./refs.ts";
import type { Spec } from "./spec.ts";
import type { Link } from "./link/link.ts";
import type { LinkSpec } from "./link/request.ts";
import type { Address } from "./addr/address.ts";
import type { AddrSpec } from "./addr/request.ts";
import type { Route } from "./route/route.ts";
import type { RouteSpec } from "./route/request.ts";
import type { Neighbour } from "./neigh/neighbour.ts";
import type { NeighSpec } from "./neigh/request.ts";
import type { Rule } from "./rule/rule.ts";
import type { RuleSpec } from "./rule/request.ts";
import type { Nexthop } from "./nexthop/nexthop.ts";
import type { NeighTable } from "./ntable/ntable.ts";
import type { NeighTableSpec } from "./ntable/request.ts";
import type { AddrLabel } from "./addrlabel/addrlabel.ts";
import type { AddrLabelSpec } from "./addrlabel/request.ts";
import type { Netconf } from "./netconf/netconf.ts";
import type { NexthopSpec } from "./nexthop/request.ts";
import type { PortVlans } from "./vlan/vlan.ts";
import type { VlanSpec } from "./vlan/request.ts";
import type { MdbEntry } from "./mdb/mdb.ts";
import type { MdbSpec } from "./mdb/request.ts";
import { FILTER, QDISC, TCLASS } from "./tc/object.ts";
import { ACTION } from "./tc/standalone.ts";
import type { Action } from "./tc/actions.ts";
import type { Filter, Qdisc, TrafficClass } from "./tc/tc.ts";
import type { FilterSpec, QdiscSpec, TclassSpec } from "./tc/request.ts";
import { TC_H } from "../core/tables/tc.ts";

/** Kernel answers that mean "no such object" (a removal that raced, an `ensure` of an absent one). */
const NOT_FOUND = new Set(["ENODEV", "ENOENT", "ESRCH", "EADDRNOTAVAIL", "ENXIO"]);

/** The kernel's default rules: priority → table (0 local, 32766 main, 32767 default). */
const DEFAULT_RULES = new Map([[0, RT_TABLE.LOCAL], [32766, RT_TABLE.MAIN], [
  32767,
  RT_TABLE.DEFAULT,
]]);

/**
 * rtnetlink through one socket. Open with {@link IPRoute.open}, close with
 * `close()` or `await using`.
 *
 * @example
 * ```ts
 * import { IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.link("add", { ifname: "v0", kind: "veth", peer: "v1" });
 * const [index] = await ipr.linkLookup({ ifname: "v0" });
 * await ipr.link("set", { index: index!, state: "up", mtu: 1400 });
 * await ipr.addr("add", { index: "v0", address: "10.0.0.1/24" }); // names are resolved
 * await ipr.route("add", { dst: "10.1.0.0/16", gateway: "10.0.0.2", table: 100 });
 * const routes = await ipr.getRoutes({ table: 100 });
 * assert.deepEqual(routes.map((r) => [r.dst, r.gateway, r.oif]), [
 *   ["10.1.0.0/16", "10.0.0.2", index],
 * ]);
 * await ipr.link("del", { ifname: "v0" }); // the peer, the address and the route go too
 * ```
 */
export class IPRoute implements AsyncDisposable {
  /** The netlink socket. */
  readonly socket: NetlinkSocket;

  /**
   * Links: `add`, `set`, `change`, `replace`, `del`, `property_add`,
   * `property_del`; `get` by `index` or `ifname`; `dump` (filters: `kind`,
   * `master` kernel-side; any Link field client-side).
   *
   * `add` with `kind: "tuntap"` ({@link TunTapSpec}, pyroute2's form) creates a
   * persistent tun/tap device through `/dev/net/tun` in this socket's
   * namespace (the kernel refuses to create them over rtnetlink) and answers
   * its name; `del` with `kind: "tuntap"` removes one over rtnetlink. The
   * device reads back as kind `"tun"`.
   */
  readonly link:
    & ObjectMethod<typeof OBJECTS.link>
    & ((cmd: "add", spec: TunTapSpec) => Promise<TunTapAck>)
    & ((cmd: "del", spec: TunTapDelSpec) => Promise<Ack>) = this.#linkMethod();
  /** Addresses: `add`, `replace`, `set`, `change`, `del`; `dump` (`index` kernel-side, others client-side). */
  readonly addr: ObjectMethod<typeof OBJECTS.addr> = this.#method(OBJECTS.addr);
  /**
   * Routes: `add`, `set`, `change`, `replace`, `append`, `del`; `get` (the
   * route the kernel would use, `ip route get`); `dump` (`table`, `oif`,
   * `proto`, `type` kernel-side; others client-side).
   */
  readonly route: ObjectMethod<typeof OBJECTS.route> = this.#method(OBJECTS.route);
  /** Neighbours: `add`, `set`, `change`, `replace`, `append`, `del`, `get`; `dump` (`index`/`master` kernel-side). */
  readonly neigh: ObjectMethod<typeof OBJECTS.neigh> = this.#method(OBJECTS.neigh);
  /** Bridge forwarding entries (AF_BRIDGE neighbours): `add`, `append`, `replace`, `set`, `change`, `del`, `dump`. */
  readonly fdb: ObjectMethod<typeof OBJECTS.fdb> = this.#method(OBJECTS.fdb);
  /** Rules: `add`, `del` (rules have no in-place change), `dump`. */
  readonly rule: ObjectMethod<typeof OBJECTS.rule> = this.#method(OBJECTS.rule);
  /** Nexthop objects: `add`, `replace`, `set`, `del`, `get` by id, `dump`. */
  readonly nexthop: ObjectMethod<typeof OBJECTS.nexthop> = this.#method(OBJECTS.nexthop);

  /**
   * Per-interface IP configuration (netconf, what `ip netconf` shows):
   * `get` by `index` (a number, an interface name, or `"all"` / `"default"`)
   * and `family`; `dump` (`family` kernel-side, `index` client-side). Read
   * only: the values are sysctls.
   */
  readonly netconf: ObjectMethod<typeof NETCONF> = this.#method(NETCONF);

  /**
   * Neighbour tables (`ip ntable`): `set` (thresholds, gc interval, the
   * parameters of the table or of one interface: `index`); `dump` (`family`
   * kernel-side; `name`, `index` and the rest client-side).
   */
  readonly ntable: ObjectMethod<typeof NTABLE> = this.#method(NTABLE);
  /**
   * IPv6 address labels (`ip addrlabel`): `add`, `replace`, `del`, `get`
   * (the entry labelling an address), `dump`.
   */
  readonly addrlabel: ObjectMethod<typeof ADDRLABEL> = this.#method(ADDRLABEL);
  /**
   * Link statistics (RTM_GETSTATS, `ip stats`): `get` by `index`, `dump`;
   * `groups` picks the counters (`link64` by default, `xstats`,
   * `xstatsSlave`, `offloadXstats`, `afSpec`).
   */
  readonly stats: ObjectMethod<typeof STATS> = this.#method(STATS);
  /**
   * VLANs of bridge ports (`bridge vlan`): `add`, `del` (`index` the port,
   * `vid` an id or `[from, to]`, `pvid`, `untagged`, `self`, `master`);
   * `dump` (one {@link PortVlans} per port; `compressed` asks for ranges).
   * The kernel needs the bridge's `vlanFiltering` for add and del.
   */
  readonly vlan: ObjectMethod<typeof VLAN> = this.#method(VLAN);
  /**
   * The bridge VLAN database (RTM_NEWVLAN/DELVLAN/GETVLAN, what `bridge vlan
   * set`, `bridge -s vlan` and `bridge vlan global` use): `set` per-VLAN
   * options of a port (`state`, `mcastRouter`, `neighSuppress`,
   * `mcastMaxGroups`), `del`, `dump` (`stats`, `global`). The kernel needs the
   * bridge's VLAN filtering on.
   */
  readonly vlanDb: ObjectMethod<typeof VLANDB> = this.#method(VLANDB);
  /**
   * The bridge multicast database (`bridge mdb`): `add`, `replace`, `del`
   * (`index` the bridge, `port`, `group`, `state`, `vid`, `source`, `mode`,
   * `sources`); `dump` (one {@link Mdb} per bridge; {@link getMdb} gives the
   * entries).
   */
  readonly mdb: ObjectMethod<typeof MDB> = this.#method(MDB);
  /**
   * Queueing disciplines (`tc qdisc`): `add`, `change`, `replace`, `link`,
   * `del`, `get`, `dump`. `index` the interface, `kind` and its options
   * (`htb`: `default`, `r2q`; `tbf`: `rate`, `burst`, `latency`|`limit`;
   * `ingress`, `clsact`; other kinds raw `options`), `handle`, `parent`
   * (default `"root"`). Sizes, rates and times as numbers (bytes, bytes/s, µs)
   * or in tc's notation (`"64kb"`, `"10mbit"`, `"50ms"`).
   */
  readonly qdisc: ObjectMethod<typeof QDISC> = this.#method(QDISC);
  /**
   * Traffic classes (`tc class`): `add`, `change`, `replace`, `del`, `get`,
   * `dump`. `index`, `classid` (`"1:10"`), `parent` (`"1:"`, `"1:1"`), `kind`
   * and its options (`htb`: `rate`, `ceil`, `burst`, `cburst`, `prio`, `quantum`).
   */
  readonly tclass: ObjectMethod<typeof TCLASS> = this.#method(TCLASS);
  /**
   * Filters (`tc filter`): `add`, `change`, `replace`, `del`, `get`, `dump`.
   * `index`, `parent` (a qdisc, default the root one; `"ingress"`/`"egress"`
   * for clsact), `protocol` (default `"all"`), `prio`, `chain`, `handle`,
   * `kind` and its options (`u32`: `match`, `classid`, `divisor`, `ht`,
   * `link`, `hashkey`, `sample`), and `actions`.
   */
  readonly filter: ObjectMethod<typeof FILTER> = this.#method(FILTER);
  /**
   * Standalone actions (`tc actions`): `add`, `replace`, `change` one action
   * (`{ kind: "mirred", index: 5, mode: "redirect", dev: "eth1" }`) or several
   * (`{ actions: [...] }`); `get` and `del` by `kind` and `index`; `dump` and
   * `flush` by `kind`. Filters share them by naming the index in `actions`.
   */
  readonly action: ObjectMethod<typeof ACTION> = this.#method(ACTION);

  /** Wraps an open NETLINK_ROUTE socket (see {@link IPRoute.open} to create one). */
  constructor(socket: NetlinkSocket) {
    this.socket = socket;
  }

  /** Opens a NETLINK_ROUTE socket (optionally inside a namespace). */
  static async open<T extends IPRoute = IPRoute>(
    this: new (s: NetlinkSocket) => T,
    opts: IPRouteOptions = {},
  ): Promise<T> {
    return new this(await openSocket(opts));
  }

  #linkMethod(): IPRoute["link"] {
    const plain = this.#method(OBJECTS.link);
    return ((cmd: string, spec: Spec = {}) => {
      if (spec === null || typeof spec !== "object" || spec.kind !== "tuntap") {
        return (plain as (cmd: string, spec: Spec) => unknown)(cmd, spec);
      }
      if (cmd === "add") return this.#addTunTap(spec);
      if (cmd === "del") {
        const { kind: _k, mode: _m, pi: _p, vnetHdr: _v, multiQueue: _q, oneQueue: _o, ...rest } =
          spec;
        return (plain as (cmd: string, spec: Spec) => unknown)("del", rest);
      }
      return Promise.reject(
        new ArgumentError(
          "kind",
          'another kind: "tuntap" is for add and del (tun/tap devices read back, and are changed, as kind "tun")',
          spec.kind,
          `Cannot ${cmd} a link`,
        ),
      );
    }) as IPRoute["link"];
  }

  async #addTunTap(spec: Spec): Promise<TunTapAck> {
    const { flags, owner, link } = splitTunTapSpec(spec);
    let settings: Spec = {};
    if (Object.keys(link).length > 0) {
      // A bad setting fails before the device exists (names resolved once, here).
      const { index: _, ...resolved } = await resolveLinkRefs(this, LINK, { index: 1, ...link });
      LINK.build("set", { index: 1, ...resolved });
      settings = resolved;
    }
    const ns = socketNetns(this.socket.fd);
    let ifname: string;
    try {
      ifname = createPersistentTun(flags, owner, ns);
    } finally {
      libc().close(ns);
    }
    if (Object.keys(settings).length === 0) return { warning: undefined, ifname };
    try {
      const ack = await this.link("set", { ifname, ...settings } as LinkSpec);
      return { warning: ack.warning, ifname };
    } catch (e) {
      // Nothing half-applied: the device goes again.
      await this.link("del", { ifname }).catch(() => {});
      throw e;
    }
  }

  /**
   * Opens a queue of a tun/tap device in this socket's namespace, for reading
   * and writing frames: attaches to the device `ifname` when it exists (its
   * flags must match), or creates one that lives as long as its queues (make
   * it persistent with `link("add", { kind: "tuntap", … })` first). With
   * `multiQueue`, each call opens one more queue of the device.
   *
   * @example A tun device, its queue, and a packet routed into it
   * ```ts
   * import { IPRoute } from "@nlroute/nlroute";
   * import assert from "node:assert/strict";
   *
   * await using ipr = await IPRoute.open({ netns: "blue" });
   * using q = ipr.openTunTap({ ifname: "tun7", mode: "tun" });
   * const index = (await ipr.link("get", { ifname: "tun7" })).index;
   * await ipr.addr("add", { index, address: "10.77.0.1", prefixlen: 24 });
   * await ipr.link("set", { index, state: "up" });
   * assert.equal(q.ifname, "tun7");
   * ```
   */
  openTunTap(spec: TunTapOpenSpec): TunTapQueue {
    const { flags, bufferSize } = checkTunTapOpenSpec(spec);
    const ns = socketNetns(this.socket.fd);
    try {
      const { fd, ifname } = attachTun(flags, ns, false);
      try {
        return new TunTapQueue(fd, ifname, flags.mode, bufferSize);
      } catch (e) {
        libc().close(fd);
        throw e;
      }
    } finally {
      libc().close(ns);
    }
  }

  /** Closes the socket. */
  close(): void {
    this.socket.close();
  }

  /** Closes the socket (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  // -- the generic commands ------------------------------------------------------

  /** The method of an object type: its commands, typed by its declaration. */
  #method<D extends AnyObjectDef>(def: D): ObjectMethod<D> {
    return ((cmd: string, spec: Spec = {}) =>
      cmd === "dump" ? this.#dump(def, spec) : this.#do(def, cmd, spec)) as ObjectMethod<D>;
  }

  #dump<T>(def: AnyObjectDef, spec: Spec): LazyDump<T> {
    return new LazyDump(async () => {
      const resolved = await resolveLinkRefs(this, def, spec);
      const reqSpec: Spec = {};
      for (const [k, v] of Object.entries(resolved)) {
        if (!def.dumpOnly?.includes(k)) reqSpec[k] = v;
      }
      const req = def.build("dump", reqSpec);
      let matchSpec = resolved;
      if (this.socket.strict && def.kernelFilters) {
        matchSpec = { ...resolved };
        for (const k of def.kernelFilters) delete matchSpec[k];
      }
      let match = def.match(matchSpec) as ((item: T) => boolean) | undefined;
      const portKey = def.masterPortKey;
      if (portKey !== undefined && typeof resolved.master === "number") {
        // The kernel filters by the master too; this is the same check client-side.
        const ports = new Set(
          (await this.getLinks({ master: resolved.master })).map((l) => l.index),
        );
        const base = match;
        match = (item: T) =>
          ports.has((item as Record<string, unknown>)[portKey] as number) &&
          (base === undefined || base(item));
      }
      return this.socket.dump<T>(
        req,
        match ? { decode: def.decode, filter: match } : { decode: def.decode },
      );
    }, (e) => e instanceof NetlinkError && (def.emptyDumpErrors?.includes(e.code) ?? false));
  }

  #do(def: AnyObjectDef, cmd: string, spec: Spec): Promise<unknown> {
    if (def.hold) {
      let held: { spec: Spec; release(): void } | undefined;
      try {
        held = def.hold(spec);
      } catch (e) {
        return Promise.reject(e);
      }
      if (held) {
        const h = held;
        return this.#resolveAndSend(def, cmd, h.spec).finally(() => h.release());
      }
    }
    return this.#resolveAndSend(def, cmd, spec);
  }

  #resolveAndSend(def: AnyObjectDef, cmd: string, spec: Spec): Promise<unknown> {
    // Without interface names there is nothing to look up: no extra await.
    if (linkRefNames(def, spec).length === 0) return this.#send(def, cmd, spec);
    return resolveLinkRefs(this, def, spec).then((r) => this.#send(def, cmd, r));
  }

  async #send(def: AnyObjectDef, cmd: string, resolved: Spec): Promise<unknown> {
    if (cmd === "get") {
      const r = await this.socket.request(def.build(cmd, resolved), {
        decode: def.decode,
        ack: false,
      });
      return r.messages[0]!;
    }
    if (def.split === undefined) {
      // One request (most object types): no arrays.
      const r = await this.socket.request(def.build(cmd, resolved));
      return { warning: r.ack.message } satisfies Ack;
    }
    // Build every request first: a bad value fails before anything is sent.
    const reqs = def.split(cmd, resolved).map((s) => def.build(cmd, s));
    const warnings: string[] = [];
    for (const req of reqs) {
      const r = await this.socket.request(req);
      if (r.ack.message !== undefined) warnings.push(r.ack.message);
    }
    return { warning: warnings.length ? warnings.join("; ") : undefined } satisfies Ack;
  }

  /** Deletes what a filter selects, in one batch; kernel "not found" errors are ignored (raced). */
  async #flush<T>(def: AnyObjectDef, filter: Spec, keep?: (item: T) => boolean): Promise<number> {
    const found = await this.#dump<T>(def, filter).all();
    const items = keep ? found.filter(keep) : found;
    const reqs: Request[] = items.map((item) => def.build("del", def.selector!(item)));
    if (reqs.length === 0) return 0;
    const results = await this.socket.batch(reqs);
    for (const r of results) if (!r.ok && !NOT_FOUND.has(r.error.code)) throw r.error;
    return items.length;
  }

  // -- helpers -------------------------------------------------------------------

  /** Neighbour table entries (optionally filtered, like `ntable("dump", filter)`). */
  getNeighTables(filter: Partial<NeighTableSpec> = {}): Promise<NeighTable[]> {
    return this.ntable("dump", filter).all();
  }

  /** IPv6 address labels (optionally filtered, like `addrlabel("dump", filter)`). */
  getAddrLabels(filter: Partial<AddrLabelSpec> = {}): Promise<AddrLabel[]> {
    return this.addrlabel("dump", filter).all();
  }

  /**
   * Removes the address labels a filter selects (all with none, the
   * kernel's defaults included, as `ip addrlabel flush`); returns how many.
   */
  flushAddrLabels(filter: Partial<AddrLabelSpec> = {}): Promise<number> {
    return this.#flush(ADDRLABEL, filter);
  }

  /**
   * The qdiscs of every interface, or of those a filter selects (`index`,
   * `kind`, `handle`, `parent`), as `tc qdisc show` lists them.
   */
  getQdiscs(filter: Partial<QdiscSpec> = {}): Promise<Qdisc[]> {
    return this.qdisc("dump", filter).all();
  }

  /** The classes of an interface (`index` required by the kernel), filtered by `kind`, `classid`, `parent`. */
  getClasses(filter: Partial<TclassSpec> & { index: number | string }): Promise<TrafficClass[]> {
    return this.tclass("dump", filter).all();
  }

  /**
   * The filters of an interface under one parent (the root qdisc by default;
   * `"ingress"`/`"egress"` for clsact, `"ffff:"` for ingress), filtered by
   * `prio`, `protocol`, `chain` (kernel-side), `kind` and `handle`.
   */
  getFilters(filter: Partial<FilterSpec> & { index: number | string }): Promise<Filter[]> {
    return this.filter("dump", filter).all();
  }

  /** The standalone actions of a kind (`tc actions list action mirred`), flattened. */
  async getActions(kind: string): Promise<Action[]> {
    const out: Action[] = [];
    for await (const m of this.action("dump", { kind })) out.push(...m.actions);
    return out;
  }

  /**
   * Puts an interface's qdiscs back to the default: deletes its root qdisc and
   * its ingress/clsact qdisc (what `tc qdisc del dev X root` and `… ingress`
   * do); returns how many were deleted.
   */
  async flushQdiscs(index: number | string): Promise<number> {
    const found = await this.getQdiscs({ index });
    let n = 0;
    for (const q of found) {
      const root = q.parentId === TC_H.ROOT;
      if (!root && q.parentId !== TC_H.INGRESS) continue;
      // The default root qdisc (handle 0: noqueue, pfifo_fast, mq) is not deleted.
      if (root && q.handleId === 0) continue;
      try {
        await this.qdisc("del", { index: q.index, parent: q.parentId, handle: q.handleId });
        n++;
      } catch (e) {
        if (!(e instanceof NetlinkError && (NOT_FOUND.has(e.code) || e.code === "EINVAL"))) throw e;
      }
    }
    return n;
  }

  /** The VLANs of bridge ports (only ports with VLANs; `index` selects one). */
  async getVlans(filter: Partial<VlanSpec> = {}): Promise<PortVlans[]> {
    return (await this.vlan("dump", filter).all()).filter((p) => p.vlans.length > 0);
  }

  /**
   * The multicast database entries of every bridge, or of the bridge `index`,
   * filtered by `port`, `group` and `vid` (names resolved as in specs).
   */
  async getMdb(
    filter: Pick<MdbSpec, "index" | "port" | "group" | "vid"> = {},
  ): Promise<MdbEntry[]> {
    const resolved = await resolveLinkRefs(this, MDB, filter as Spec);
    const entries = (await this.mdb("dump", filter).all()).flatMap((m) => m.entries);
    return entries.filter((e) =>
      (resolved.port === undefined || e.port === resolved.port) &&
      (resolved.group === undefined || e.group === resolved.group) &&
      (resolved.vid === undefined || (e.vid ?? 0) === resolved.vid)
    );
  }

  /** Netconf entries (optionally filtered, like `netconf("dump", filter)`). */
  getNetconf(filter: Partial<NetconfSpec> = {}): Promise<Netconf[]> {
    return this.netconf("dump", filter).all();
  }

  /** All links (optionally filtered, like `link("dump", filter)`). */
  getLinks(filter: Partial<LinkSpec> = {}): Promise<Link[]> {
    return this.link("dump", filter).all();
  }

  /**
   * Indexes of links matching `ifname`, `address` (MAC), `altname`, or any other
   * Link field.
   */
  async linkLookup(
    match: { ifname?: string; address?: string; altname?: string } & Spec,
  ): Promise<number[]> {
    const keys = Object.keys(match);
    if (keys.length === 1 && typeof match.ifname === "string") {
      try {
        const l = await this.link("get", { ifname: match.ifname });
        return [l.index];
      } catch (e) {
        if (e instanceof NetlinkError && e.code === "ENODEV") return [];
        throw e;
      }
    }
    const { altname, ...rest } = match;
    const links = await this.getLinks();
    const m = LINK.match(rest);
    return links.filter((l) =>
      (!m || m(l)) && (altname === undefined || l.altnames.includes(altname))
    ).map((l) => l.index);
  }

  /** All addresses (both families unless `family` is given). */
  getAddr(filter: Partial<AddrSpec> = {}): Promise<Address[]> {
    return this.addr("dump", filter).all();
  }

  /** Removes every address matching the filter (e.g. `{ index }`); returns how many. */
  flushAddr(filter: Partial<AddrSpec> = {}): Promise<number> {
    return this.#flush(ADDR, filter);
  }

  /** All routes of both families (optionally filtered). */
  getRoutes(filter: Partial<RouteSpec> = {}): Promise<Route[]> {
    return this.route("dump", filter).all();
  }

  /** Removes every route matching the filter; returns how many. */
  flushRoutes(filter: Partial<RouteSpec> = {}): Promise<number> {
    return this.#flush(ROUTE, filter);
  }

  /** All neighbours (optionally filtered). */
  getNeighbours(filter: Partial<NeighSpec> = {}): Promise<Neighbour[]> {
    return this.neigh("dump", filter).all();
  }

  /**
   * All rules (optionally filtered): IPv4 and IPv6 ones, unless `family` asks
   * for another (the multicast routing rules: RTNL_FAMILY_IPMR 128,
   * RTNL_FAMILY_IP6MR 129).
   */
  getRules(filter: Partial<RuleSpec> = {}): Promise<Rule[]> {
    return this.rule("dump", filter).all();
  }

  /**
   * Removes the rules matching the filter (IPv4 and IPv6 unless `family` says
   * otherwise, as getRules does); returns how many. The kernel's default rules
   * (priorities 0, 32766, 32767) are kept unless `all` is true.
   */
  flushRules(
    filter: Partial<RuleSpec> = {},
    { all = false }: { all?: boolean } = {},
  ): Promise<number> {
    return this.#flush<Rule>(RULE, filter, (r) => all || DEFAULT_RULES.get(r.priority) !== r.table);
  }

  /** All nexthop objects. */
  getNexthops(filter: Partial<NexthopSpec> = {}): Promise<Nexthop[]> {
    return this.nexthop("dump", filter).all();
  }

  /**
   * Idempotent add or remove: `present: true` (default) adds unless it exists,
   * `present: false` removes unless it is gone. Resolves true when it changed
   * something.
   */
  async ensure(
    object: ObjectName,
    spec: Spec,
    { present = true }: { present?: boolean } = {},
  ): Promise<boolean> {
    const def = objectNamed(object, "object");
    try {
      await this.#do(def, present ? "add" : "del", spec);
      return true;
    } catch (e) {
      if (present && e instanceof NetlinkError && e.code === "EEXIST") return false;
      if (!present && isGone(e, object, spec)) return false;
      throw e;
    }
  }

  /**
   * Starts a batch: requests are validated and built as you add them, then
   * sent together by `send()` (as few sends as possible, every ACK matched).
   */
  batch(): Batch {
    return new Batch(this);
  }
}

/** Whether a removal failed only because the object is already gone. */
function isGone(e: unknown, object: string, spec: Spec): boolean {
  if (e instanceof UnknownInterfaceError) return true;
  if (!(e instanceof NetlinkError)) return false;
  // A link deleted by name the kernel no longer knows answers EINVAL, not ENODEV.
  return NOT_FOUND.has(e.code) ||
    (object === "link" && e.code === "EINVAL" && spec.ifname !== undefined);
}
