/**
 * IPRoute: rtnetlink requests with typed arguments and typed results, in the
 * shape pyroute2 users know (`link`, `addr`, `route`, `neigh`, `rule`,
 * `nexthop`, `fdb`, each with `add`/`set`/`replace`/`change`/`append`/`del`/
 * `get`/`dump` where the kernel supports it).
 *
 * @module
 */
import { ArgumentError, NetlinkError } from "../core/errors.ts";
import {
  type BatchResult,
  type Dump,
  NetlinkSocket,
  type Request,
  type SocketOptions,
} from "../core/socket.ts";
import type { NetnsRef } from "../core/nsenter.ts";
import { AF_INET, AF_INET6 } from "../core/address.ts";
import type { RtMessage } from "./message.ts";
import { linkRefNames, type ObjectKind, substituteLinkRefs } from "./kind.ts";
import type { Spec } from "./spec.ts";
import {
  ADDR,
  type AddrSpec,
  FDB,
  type FdbSpec,
  LINK,
  type LinkCommand,
  type LinkSpec,
  NEIGH,
  type NeighSpec,
  NEXTHOP,
  type NexthopSpec,
  ROUTE,
  type RouteSpec,
  RULE,
  type RuleSpec,
} from "./objects.ts";
import type { Link } from "./link.ts";
import type { Address } from "./addr.ts";
import type { Route } from "./route.ts";
import type { Neighbour } from "./neigh.ts";
import type { Rule } from "./rule.ts";
import type { Nexthop } from "./nexthop.ts";

/** Options of {@link IPRoute.open}. */
export interface IPRouteOptions {
  /** Open the socket inside this network namespace (name, path, descriptor, `{ pid }`). */
  netns?: NetnsRef;
  /**
   * How to reach the namespace: `"thread"` (default: setns on the calling thread
   * around socket()), `"process"` (a helper process of the same runtime enters
   * the namespace and passes the socket back over SCM_RIGHTS; needs the netns
   * module, which mod.ts loads). `"fork"` is refused with an error: a forked
   * Deno or Bun child crashes.
   */
  mode?: "thread" | "process" | "fork";
  /** Process mode: milliseconds the helper may take before it is killed (default 10,000). */
  timeout?: number;
  /** Adopt an open netlink socket descriptor instead of creating one. */
  fd?: number;
  /** Receive buffer size (default 1 MiB). */
  rcvbuf?: number;
  /** Strict checking (kernel-side dump filters); default true. */
  strict?: boolean;
  /** Multicast groups to join. */
  groups?: readonly number[];
}

/** What a change request answers: the kernel's warning, if any. */
export interface Ack {
  /** Extended-ACK warning text on success, if the kernel sent one. */
  warning: string | undefined;
}

/** A dump whose request is prepared asynchronously (names resolved first). */
export class LazyDump<T> implements AsyncIterable<T> {
  readonly #start: () => Promise<Dump<T>>;

  /** Takes the function that starts the dump; it runs when the dump is collected or iterated. */
  constructor(start: () => Promise<Dump<T>>) {
    this.#start = start;
  }

  /** Collects the whole dump. */
  async all(): Promise<T[]> {
    return await (await this.#start()).all();
  }

  /** Streams the dump. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    yield* await this.#start();
  }
}

/** Opens a socket in another namespace in process mode; resolves with its descriptor. */
type ProcessModeOpener = (ns: NetnsRef, opts: SocketOptions, timeout?: number) => Promise<number>;

/** Hook that opens a socket in another namespace in process mode (set by the netns module). */
let processModeOpener: ProcessModeOpener | undefined;

/** @internal Installs the process-mode socket opener (netns/process.ts does this). */
export function _setProcessModeOpener(fn: ProcessModeOpener): void {
  processModeOpener = fn;
}

const NOT_FOUND = new Set(["ENODEV", "ENOENT", "ESRCH", "EADDRNOTAVAIL", "ENXIO"]);

/**
 * rtnetlink through one socket. Open with {@link IPRoute.open}, close with
 * `close()` or `await using`.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.link("add", { ifname: "v0", kind: "veth", peer: "v1" });
 * const [index] = await ipr.linkLookup({ ifname: "v0" });
 * await ipr.link("set", { index: index!, state: "up", mtu: 1400 });
 * await ipr.addr("add", { index: "v0", address: "10.0.0.1/24" }); // names are resolved
 * await ipr.route("add", { dst: "10.1.0.0/16", gateway: "10.0.0.2", table: 100 });
 * for await (const r of ipr.route("dump", { table: 100 })) console.log(r.dst, r.gateway);
 * ```
 */
export class IPRoute implements AsyncDisposable {
  /** The netlink socket. */
  readonly socket: NetlinkSocket;

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

  /** Closes the socket. */
  close(): void {
    this.socket.close();
  }

  /** Closes the socket (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  // -- generic plumbing ------------------------------------------------------

  /** Replaces interface names by indexes in the keys that accept them. */
  async #resolve(kind: ObjectKind<unknown>, spec: Spec): Promise<Spec> {
    const found = await this._indexes(linkRefNames(kind, spec));
    return substituteLinkRefs(kind, spec, (name) => found.get(name)!);
  }

  /**
   * @internal Looks up interface names (each once), given with the argument
   * they came from; a missing one is an {@link ArgumentError} naming that argument.
   */
  async _indexes(names: readonly (readonly [string, string])[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    for (const [name, argument] of names) {
      if (found.has(name)) continue;
      let index: number | undefined;
      try {
        [index] = await this.linkLookup({ ifname: name });
      } catch (e) {
        if (!(e instanceof ArgumentError)) throw e;
      }
      if (index === undefined) {
        throw new ArgumentError(
          argument,
          "an existing interface name or an index",
          name,
          "Cannot resolve interface",
        );
      }
      found.set(name, index);
    }
    return found;
  }

  /** @internal Runs a command on an object kind (what `link()`, `route()`, … call). */
  object<T>(kind: ObjectKind<T>, cmd: string, spec: Spec = {}): Promise<unknown> | LazyDump<T> {
    if (cmd === "dump") return this.#dump(kind, spec);
    return this.#do(kind, cmd, spec);
  }

  #dump<T>(kind: ObjectKind<T>, spec: Spec): LazyDump<T> {
    return new LazyDump(async () => {
      const resolved = await this.#resolve(kind as ObjectKind<unknown>, spec);
      const filterOnly = kind.dumpOnly ?? [];
      const reqSpec: Spec = {};
      for (const [k, v] of Object.entries(resolved)) if (!filterOnly.includes(k)) reqSpec[k] = v;
      const req = kind.build("dump", reqSpec);
      let matchSpec = resolved;
      if (this.socket.strict && kind.kernelFilters) {
        matchSpec = { ...resolved };
        for (const k of kind.kernelFilters) delete matchSpec[k];
      }
      let match = kind.match(matchSpec);
      const portKey = kind.masterPortKey;
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
        match ? { decode: kind.decode, filter: match } : { decode: kind.decode },
      );
    });
  }

  #do<T>(kind: ObjectKind<T>, cmd: string, spec: Spec): Promise<T | Ack> {
    // Without interface names there is nothing to look up: no extra await.
    if (linkRefNames(kind, spec).length === 0) return this.#send(kind, cmd, spec);
    return this.#resolve(kind as ObjectKind<unknown>, spec).then((r) => this.#send(kind, cmd, r));
  }

  async #send<T>(kind: ObjectKind<T>, cmd: string, resolved: Spec): Promise<T | Ack> {
    const req = kind.build(cmd, resolved);
    if (cmd === "get") {
      const r = await this.socket.request(req, { decode: kind.decode, ack: false });
      return r.messages[0]!;
    }
    const r = await this.socket.request(req);
    return { warning: r.ack.message };
  }

  // -- links -----------------------------------------------------------------

  /** Dumps links (filters: `kind`, `master` kernel-side; any Link field client-side). */
  link(cmd: "dump", spec?: Partial<LinkSpec>): LazyDump<Link>;
  /** Gets one link by `index` or `ifname`. */
  link(cmd: "get", spec: Partial<LinkSpec>): Promise<Link>;
  /** Changes links: `add`, `set`, `change`, `replace`, `del`, `property_add`, `property_del`. */
  link(cmd: Exclude<LinkCommand, "dump" | "get">, spec: LinkSpec): Promise<Ack>;
  link(cmd: string, spec: object = {}): unknown {
    return this.object(LINK, cmd, spec as Spec);
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
    )
      .map((l) => l.index);
  }

  // -- addresses -------------------------------------------------------------

  /** Dumps addresses (`index` kernel-side; `address`, `prefixlen`, `label`, … client-side). */
  addr(cmd: "dump", spec?: Partial<AddrSpec>): LazyDump<Address>;
  /** Changes addresses: `add`, `replace`, `set`, `change`, `del`. */
  addr(cmd: "add" | "replace" | "set" | "change" | "del", spec: AddrSpec): Promise<Ack>;
  addr(cmd: string, spec: object = {}): unknown {
    return this.object(ADDR, cmd, spec as Spec);
  }

  /** All addresses (both families unless `family` is given). */
  getAddr(filter: Partial<AddrSpec> = {}): Promise<Address[]> {
    return this.addr("dump", filter).all();
  }

  /** Removes every address matching the filter (e.g. `{ index }`); returns how many. */
  async flushAddr(filter: Partial<AddrSpec> = {}): Promise<number> {
    const addrs = await this.getAddr(filter);
    await this.#delAll(
      addrs.map((a) =>
        ADDR.build("del", {
          index: a.index,
          address: a.address,
          prefixlen: a.prefixlen,
          ...(a.local && a.family === 2 ? { local: a.local } : {}),
        })
      ),
    );
    return addrs.length;
  }

  // -- routes ----------------------------------------------------------------

  /** Dumps routes (`table`, `oif`, `proto`, `type` kernel-side; others client-side). */
  route(cmd: "dump", spec?: Partial<RouteSpec>): LazyDump<Route>;
  /** Looks up the route the kernel would use for `dst` (`ip route get`). */
  route(cmd: "get", spec: RouteSpec): Promise<Route>;
  /** Changes routes: `add`, `set`, `change`, `replace`, `append`, `del`. */
  route(
    cmd: "add" | "set" | "change" | "replace" | "append" | "del",
    spec: RouteSpec,
  ): Promise<Ack>;
  route(cmd: string, spec: object = {}): unknown {
    return this.object(ROUTE, cmd, spec as Spec);
  }

  /** All routes of both families (optionally filtered). */
  getRoutes(filter: Partial<RouteSpec> = {}): Promise<Route[]> {
    return this.route("dump", filter).all();
  }

  /** Removes every route matching the filter; returns how many. */
  async flushRoutes(filter: Partial<RouteSpec> = {}): Promise<number> {
    const routes = await this.getRoutes(filter);
    await this.#delAll(routes.map((r) => ROUTE.build("del", routeKey(r))));
    return routes.length;
  }

  // -- neighbours, fdb ------------------------------------------------------

  /** Dumps neighbours (`index`/`master` kernel-side). */
  neigh(cmd: "dump", spec?: Partial<NeighSpec>): LazyDump<Neighbour>;
  /** Gets one neighbour entry. */
  neigh(cmd: "get", spec: NeighSpec): Promise<Neighbour>;
  /** Changes neighbours: `add`, `set`, `change`, `replace`, `append`, `del`. */
  neigh(
    cmd: "add" | "set" | "change" | "replace" | "append" | "del",
    spec: NeighSpec,
  ): Promise<Ack>;
  neigh(cmd: string, spec: object = {}): unknown {
    return this.object(NEIGH, cmd, spec as Spec);
  }

  /** All neighbours (optionally filtered). */
  getNeighbours(filter: Partial<NeighSpec> = {}): Promise<Neighbour[]> {
    return this.neigh("dump", filter).all();
  }

  /** Dumps bridge forwarding entries (AF_BRIDGE neighbours). */
  fdb(cmd: "dump", spec?: Partial<FdbSpec>): LazyDump<Neighbour>;
  /** Changes forwarding entries: `add`, `append`, `replace`, `del`. */
  fdb(
    cmd: "add" | "append" | "replace" | "set" | "change" | "del",
    spec: FdbSpec,
  ): Promise<Ack>;
  fdb(cmd: string, spec: object = {}): unknown {
    return this.object(FDB, cmd, spec as Spec);
  }

  // -- rules -----------------------------------------------------------------

  /** Dumps rules. */
  rule(cmd: "dump", spec?: Partial<RuleSpec>): LazyDump<Rule>;
  /** Changes rules: `add`, `del` (rules have no in-place change). */
  rule(cmd: "add" | "del", spec: RuleSpec): Promise<Ack>;
  rule(cmd: string, spec: object = {}): unknown {
    return this.object(RULE, cmd, spec as Spec);
  }

  /**
   * All rules (optionally filtered). Without `family` the kernel answers for
   * every family: IPv4, IPv6 and the multicast routing rules
   * (RTNL_FAMILY_IPMR 128, RTNL_FAMILY_IP6MR 129) where configured.
   */
  getRules(filter: Partial<RuleSpec> = {}): Promise<Rule[]> {
    return this.rule("dump", filter).all();
  }

  /**
   * Removes IPv4 and IPv6 rules matching the filter; returns how many. The
   * kernel's default rules (priorities 0, 32766, 32767) are kept unless `all`
   * is true. Multicast routing rules (families RTNL_FAMILY_IPMR/IP6MR, which an
   * unfiltered dump also returns) are left alone.
   */
  async flushRules(
    filter: Partial<RuleSpec> = {},
    { all = false }: { all?: boolean } = {},
  ): Promise<number> {
    const rules = (await this.getRules(filter)).filter((r) =>
      (r.family === AF_INET || r.family === AF_INET6) &&
      (all || ![0, 32766, 32767].includes(r.priority) ||
        r.table !== defaultRuleTable(r.priority))
    );
    await this.#delAll(rules.map((r) => RULE.build("del", r.key())));
    return rules.length;
  }

  // -- nexthop objects -------------------------------------------------------

  /** Dumps nexthop objects. */
  nexthop(cmd: "dump", spec?: Partial<NexthopSpec>): LazyDump<Nexthop>;
  /** Gets one nexthop object by id. */
  nexthop(cmd: "get", spec: NexthopSpec): Promise<Nexthop>;
  /** Changes nexthop objects: `add`, `replace`, `del`. */
  nexthop(cmd: "add" | "replace" | "set" | "del", spec: NexthopSpec): Promise<Ack>;
  nexthop(cmd: string, spec: object = {}): unknown {
    return this.object(NEXTHOP, cmd, spec as Spec);
  }

  /** All nexthop objects. */
  getNexthops(filter: Partial<NexthopSpec> = {}): Promise<Nexthop[]> {
    return this.nexthop("dump", filter).all();
  }

  // -- helpers ---------------------------------------------------------------

  /**
   * Idempotent add or remove: `present: true` (default) adds unless it exists,
   * `present: false` removes unless it is gone. Resolves true when it changed
   * something.
   */
  async ensure(
    object: "link" | "addr" | "route" | "neigh" | "rule" | "nexthop" | "fdb",
    spec: Spec,
    { present = true }: { present?: boolean } = {},
  ): Promise<boolean> {
    const kind = KINDS[object];
    if (!kind) throw new ArgumentError("object", `one of ${Object.keys(KINDS).join(", ")}`, object);
    try {
      await this.#do(kind as ObjectKind<unknown>, present ? "add" : "del", spec);
      return true;
    } catch (e) {
      if (e instanceof NetlinkError) {
        if (present && e.code === "EEXIST") return false;
        if (!present && NOT_FOUND.has(e.code)) return false;
        if (!present && object === "link" && e.code === "EINVAL" && spec.ifname !== undefined) {
          return false;
        }
      }
      if (
        !present && e instanceof ArgumentError && e.message.startsWith("Cannot resolve interface")
      ) {
        return false;
      }
      throw e;
    }
  }

  /** Deletes many objects in one batch; kernel "not found" errors are ignored (raced). */
  async #delAll(reqs: Request[]): Promise<void> {
    if (reqs.length === 0) return;
    const results = await this.socket.batch(reqs);
    for (const r of results) if (!r.ok && !NOT_FOUND.has(r.error.code)) throw r.error;
  }

  /**
   * Starts a batch: requests are validated and built as you add them, then
   * sent together by `send()` (as few sends as possible, every ACK matched).
   */
  batch(): Batch {
    return new Batch(this);
  }
}

/** Every object kind by name. */
const KINDS: Record<string, ObjectKind<unknown>> = {
  link: LINK as ObjectKind<unknown>,
  addr: ADDR as ObjectKind<unknown>,
  route: ROUTE as ObjectKind<unknown>,
  neigh: NEIGH as ObjectKind<unknown>,
  fdb: FDB as ObjectKind<unknown>,
  rule: RULE as ObjectKind<unknown>,
  nexthop: NEXTHOP as ObjectKind<unknown>,
};

/** The table of the kernel's default rule at `priority` (0 local, 32766 main, 32767 default). */
function defaultRuleTable(priority: number): number {
  return priority === 0 ? 255 : priority === 32766 ? 254 : 253;
}

/** The fields that identify a route for deletion. */
function routeKey(r: Route): Spec {
  const key: Spec = {
    family: r.family,
    table: r.table,
    type: r.routeType,
    proto: r.proto,
    scope: r.scope,
  };
  if (r.dst !== "default") key.dst = r.dst;
  else key.dst = "default";
  if (r.priority !== undefined) key.priority = r.priority;
  if (r.oif !== undefined) key.oif = r.oif;
  if (r.tos) key.tos = r.tos;
  if (r.src) key.src = r.src;
  return key;
}

/**
 * Requests gathered for one send. Each method validates its spec at once (bad
 * input fails before anything is sent); `send()` resolves link names, builds
 * the requests and sends them together.
 *
 * @example
 * ```ts
 * import { IPRoute } from "../mod.ts";
 * await using ipr = await IPRoute.open();
 * const b = ipr.batch();
 * for (let i = 0; i < 100; i++) b.route("add", { dst: `10.9.${i}.0/24`, oif: 1 });
 * const results = await b.send();
 * console.log(results.filter((r) => !r.ok).length, "failed");
 * ```
 */
export class Batch {
  readonly #ipr: IPRoute;
  /** Requests in order: built at once, or (naming interfaces) when sent. */
  readonly #items: {
    kind: ObjectKind<unknown>;
    cmd: string;
    spec: Spec;
    req: Request | undefined;
  }[] = [];

  /** An empty batch that sends through `ipr` (see {@link IPRoute.batch}). */
  constructor(ipr: IPRoute) {
    this.#ipr = ipr;
  }

  #add(object: string, cmd: string, spec: Spec): this {
    const kind = KINDS[object]!;
    if (linkRefNames(kind, spec).length === 0) {
      // Built (and validated) once; kept for send().
      this.#items.push({ kind, cmd, spec, req: kind.build(cmd, spec) });
    } else {
      // Validate now with placeholder indexes; names are resolved at send.
      kind.build(cmd, substituteLinkRefs(kind, spec, () => 1));
      this.#items.push({ kind, cmd, spec: { ...spec }, req: undefined });
    }
    return this;
  }

  /** Adds a link request. */
  link(cmd: Exclude<LinkCommand, "dump" | "get">, spec: LinkSpec): this {
    return this.#add("link", cmd, spec as Spec);
  }
  /** Adds an address request. */
  addr(cmd: "add" | "replace" | "set" | "change" | "del", spec: AddrSpec): this {
    return this.#add("addr", cmd, spec as Spec);
  }
  /** Adds a route request. */
  route(
    cmd: "add" | "set" | "change" | "replace" | "append" | "del",
    spec: RouteSpec,
  ): this {
    return this.#add("route", cmd, spec as Spec);
  }
  /** Adds a neighbour request. */
  neigh(
    cmd: "add" | "set" | "change" | "replace" | "append" | "del",
    spec: NeighSpec,
  ): this {
    return this.#add("neigh", cmd, spec as Spec);
  }
  /** Adds a rule request. */
  rule(cmd: "add" | "del", spec: RuleSpec): this {
    return this.#add("rule", cmd, spec as Spec);
  }
  /** Adds a nexthop request. */
  nexthop(cmd: "add" | "replace" | "del", spec: NexthopSpec): this {
    return this.#add("nexthop", cmd, spec as Spec);
  }
  /** Adds an fdb request. */
  fdb(cmd: "add" | "append" | "replace" | "del", spec: FdbSpec): this {
    return this.#add("fdb", cmd, spec as Spec);
  }

  /** Number of requests gathered. */
  get size(): number {
    return this.#items.length;
  }

  /** The requests, built (each interface name looked up once). */
  async requests(): Promise<Request[]> {
    const names = await this.#ipr._indexes(
      this.#items.flatMap((it) => (it.req ? [] : linkRefNames(it.kind, it.spec))),
    );
    return this.#items.map((it) =>
      it.req ??
        it.kind.build(it.cmd, substituteLinkRefs(it.kind, it.spec, (n) => names.get(n)!))
    );
  }

  /** The requests as bytes, without sending them. */
  async compile(): Promise<Uint8Array> {
    return NetlinkSocket.compile(await this.requests());
  }

  /** Sends every request and collects every ACK (one result per request, in order). */
  async send(): Promise<BatchResult<RtMessage>[]> {
    return await this.#ipr.socket.batch<RtMessage>(await this.requests());
  }
}

/** Opens the NETLINK_ROUTE socket for IPRoute options. */
async function openSocket(opts: IPRouteOptions): Promise<NetlinkSocket> {
  const base: SocketOptions = {};
  if (opts.rcvbuf !== undefined) base.rcvbuf = opts.rcvbuf;
  if (opts.strict !== undefined) base.strict = opts.strict;
  if (opts.groups !== undefined) base.groups = opts.groups;
  const mode = opts.mode ?? "thread";
  if (mode === "fork") {
    throw new ArgumentError(
      "mode",
      '"thread" (the default: setns on the calling thread around socket()) or "process" ' +
        "(a helper process of the same runtime sends the socket back over SCM_RIGHTS)",
      mode,
      "Cannot open a namespace socket with fork(): a forked Deno or Bun child crashes, because " +
        "both engines mark their heaps MADV_DONTFORK and the child has no JS heap; nlroute " +
        "does not fall back silently. Invalid argument",
    );
  }
  if (mode !== "thread" && mode !== "process") {
    throw new ArgumentError("mode", '"thread" or "process"', mode);
  }
  if (opts.fd !== undefined) return NetlinkSocket.open({ ...base, fd: opts.fd });
  if (opts.netns === undefined) return NetlinkSocket.open(base);
  if (mode === "process") {
    if (!processModeOpener) {
      throw new Error(
        "Cannot open a socket in process mode: import the netns module (mod.ts does) first",
      );
    }
    // NetlinkSocket.open closes the descriptor when setting it up fails.
    const fd = await processModeOpener(opts.netns, base, opts.timeout);
    return NetlinkSocket.open({ ...base, fd });
  }
  return NetlinkSocket.open({ ...base, netns: opts.netns });
}
