/**
 * A typed client of one generic netlink family: its spec (generated from the
 * kernel's YNL spec, or loaded at run time), its id and groups resolved
 * through nlctrl, and `do`, `dump` and notifications with request and reply
 * types from the spec.
 *
 * @module
 */
import { ArgumentError, NetlinkError } from "../core/errors.ts";
import { NLMSG_HDRLEN, Writer } from "../core/codec.ts";
import { NLM_F } from "../core/constants.ts";
import { decodeAttrs } from "../core/decode.ts";
import { encodeAttrs } from "../core/encode.ts";
import { writeStruct } from "../core/layout.ts";
import type { Dump } from "../core/dump.ts";
import { encodeRequest, type MessageRef, type Request } from "../core/message.ts";
import {
  type AttrSet,
  decodeStruct,
  encodeStruct,
  Registry,
  type StructDef,
} from "../core/schema.ts";
import { NetlinkSocket } from "../core/socket.ts";
import type { SubscribeOptions, Subscription } from "../core/subscription.ts";
import { PROTOCOL } from "../core/protocol.ts";
import { GENETLINK_STRUCTS } from "../core/tables/genetlink.ts";
import type { NetnsRef } from "../core/nsenter.ts";
import { GENL_HDRLEN, type GenlFamilyInfo, resolveGenlFamily } from "./ctrl.ts";
import type { FamilySpec, GenlOpSpec } from "./spec.ts";
import { FAMILY_SPECS, type GenlFamilies } from "./families/mod.ts";

/** The operation map of a family known only at run time. */
export type AnyOps = Record<
  string,
  {
    do?: { request: Record<string, unknown>; reply: Record<string, unknown> | undefined };
    dump?: { request: Record<string, unknown>; reply: Record<string, unknown> | undefined };
  }
>;
/** The events of a family known only at run time. */
export type AnyEvents = Record<string, Record<string, unknown>>;

/** Operation names that have a `do` form. */
export type DoOp<O> =
  & { [K in keyof O]: O[K] extends { do: unknown } ? K : never }[keyof O]
  & string;
/** Operation names that have a `dump` form. */
export type DumpOp<O> =
  & { [K in keyof O]: O[K] extends { dump: unknown } ? K : never }[keyof O]
  & string;
/** What a `do` request of operation `K` takes. */
export type DoRequest<O, K extends keyof O> = O[K] extends { do: { request: infer R } } ? R : never;
/** What a `do` of operation `K` answers (`undefined`: an ACK only). */
export type DoReply<O, K extends keyof O> = O[K] extends { do: { reply: infer R } } ? R : never;
/** What a `dump` request of operation `K` takes. */
export type DumpRequest<O, K extends keyof O> = O[K] extends { dump: { request: infer R } } ? R
  : never;
/** What each reply of a `dump` of operation `K` holds. */
export type DumpReply<O, K extends keyof O> = O[K] extends { dump: { reply: infer R } } ? R
  : never;

/**
 * A notification of a family: the operation (or event) name, its command
 * number and its attributes. Messages whose command the spec does not know
 * arrive with `name` `"#<cmd>"` and their attributes decoded by the family's
 * first set.
 */
export type GenlEvent<E = AnyEvents> = {
  [K in keyof E & string]: {
    /** The notification's name in the spec (`"linkinfo-ntf"`). */
    readonly name: K;
    /** The genlmsghdr command. */
    readonly cmd: number;
    /** Its attributes. */
    readonly attrs: E[K];
  };
}[keyof E & string];

/** Options of {@link GenlFamily.open}. */
export interface GenlOpenOptions {
  /** Open the socket in this network namespace (name, path, descriptor, `{ pid }`). */
  netns?: NetnsRef;
  /** Receive buffer in bytes (default 1 MiB). */
  rcvbuf?: number;
  /** Multicast groups to join at once, by name. */
  groups?: readonly string[];
}

/** What the request writer needs of a family. */
interface Ctx {
  readonly name: string;
  readonly header: StructDef | undefined;
}

interface CompiledOp {
  readonly name: string;
  readonly spec: GenlOpSpec;
  readonly set: AttrSet | undefined;
  readonly requestSet: AttrSet | undefined;
  /** The genlmsghdr every request of the operation starts with. */
  readonly genlhdr: { cmd: number; version: number };
  /** `"<family> <op>"`, the requests' name in errors. */
  readonly label: string;
  /** Decodes a reply message of the operation (built once, not per request). */
  decodeReply: (m: MessageRef) => unknown;
  /** Whether a do-request asks for an ACK: no reply, or one the request may suppress. */
  readonly ack: boolean;
}

const EMPTY = Object.freeze({});

/**
 * A generic netlink family on its own socket.
 *
 * @example Link information of a veth, through ethtool
 * ```ts
 * import { GenlFamily, IPRoute } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ipr = await IPRoute.open({ netns: "blue" });
 * await ipr.link("add", { ifname: "eth-v0", kind: "veth", peer: "eth-v1" });
 * await using eth = await GenlFamily.open("ethtool", { netns: "blue" });
 * const info = await eth.do("linkinfo-get", { header: { devName: "eth-v0" } });
 * assert.equal(info.header?.devName, "eth-v0");
 * const names: string[] = [];
 * for await (const dev of eth.dump("features-get", {})) names.push(dev.header?.devName ?? "");
 * assert.ok(names.includes("eth-v1"));
 * await ipr.link("del", { ifname: "eth-v0" });
 * ```
 */
export class GenlFamily<O = AnyOps, E = AnyEvents> implements AsyncDisposable {
  /** The family's spec. */
  readonly spec: FamilySpec;
  /** What the kernel says of the family (id, version, operations, groups). */
  readonly info: GenlFamilyInfo;
  readonly #socket: NetlinkSocket | undefined;
  /** The compiled attribute sets, structs and enums of the spec. */
  readonly registry: Registry;

  readonly #ops = new Map<string, CompiledOp>();
  readonly #byReply = new Map<number, CompiledOp>();
  readonly #header: StructDef | undefined;
  readonly #ctx: Ctx;
  readonly #offset: number;
  readonly #anySet: AttrSet | undefined;

  private constructor(
    spec: FamilySpec,
    info: GenlFamilyInfo,
    socket: NetlinkSocket | undefined,
  ) {
    this.spec = spec;
    this.info = info;
    this.#socket = socket;
    this.registry = new Registry([spec.data]);
    this.#header = spec.header ? this.registry.struct(spec.header) : undefined;
    this.#offset = GENL_HDRLEN + (this.#header?.size ?? 0);
    this.#ctx = { name: spec.name, header: this.#header };
    const sets = this.registry.sets;
    this.#anySet = sets.values().next().value;
    const events: CompiledOp[] = [];
    for (const [name, op] of Object.entries(spec.ops)) {
      const c: CompiledOp = {
        name,
        spec: op,
        set: sets.get(op.set),
        requestSet: sets.get(op.requestSet ?? op.set),
        genlhdr: { cmd: op.request ?? 0, version: spec.version },
        label: `${spec.name} ${name}`,
        decodeReply: (m) => this.#decodeReply(c, m),
        ack: op.do?.reply === undefined || op.do.replyOptional === true,
      };
      this.#ops.set(name, c);
      if (op.reply === undefined) continue;
      if (op.notify || op.event) events.push(c);
      else if (!this.#byReply.has(op.reply)) this.#byReply.set(op.reply, c);
    }
    for (const c of events) this.#byReply.set(c.spec.reply!, c);
    socket?.setEventDecoder((m) => this.#decodeEvent(m));
  }

  /**
   * Opens a socket, resolves the family and returns its client: by name for
   * a family nlroute has a spec for (typed from it), or with a spec the
   * program loaded ({@link familyFromYnl}). A family the kernel lacks fails
   * with {@link FamilyNotFoundError}.
   */
  static open<N extends keyof GenlFamilies>(
    family: N,
    opts?: GenlOpenOptions,
  ): Promise<GenlFamily<GenlFamilies[N]["ops"], GenlFamilies[N]["events"]>>;
  /** Opens a family from a spec (typed loosely). */
  static open(family: FamilySpec, opts?: GenlOpenOptions): Promise<GenlFamily>;
  static async open(
    family: string | FamilySpec,
    opts: GenlOpenOptions = {},
    // deno-lint-ignore no-explicit-any
  ): Promise<GenlFamily<any, any>> {
    const spec = await specOf(family);
    const socket = NetlinkSocket.open({
      protocol: PROTOCOL.GENERIC,
      ...(opts.netns !== undefined ? { netns: opts.netns } : {}),
      ...(opts.rcvbuf !== undefined ? { rcvbuf: opts.rcvbuf } : {}),
    });
    try {
      const info = await resolveGenlFamily(socket, spec.name);
      const fam = new GenlFamily<unknown, unknown>(spec, info, socket);
      if (opts.groups) fam.join(...opts.groups);
      return fam;
    } catch (e) {
      socket.close();
      throw e;
    }
  }

  /**
   * A client without a socket, for {@link GenlFamily.encode} and
   * {@link GenlFamily.decode} only: for families this kernel lacks (or
   * programs that send the bytes themselves). Its {@link GenlFamily.info}
   * is what the spec says (`id` is `familyId`, no operations or groups
   * resolved); `do`, `dump`, `join` and `events` throw, as does `socket`.
   *
   * @example A WireGuard request built where WireGuard is not loaded
   * ```ts
   * import { GenlFamily } from "@nlroute/nlroute";
   * import assert from "node:assert/strict";
   *
   * const wg = await GenlFamily.offline("wireguard", 0x20);
   * const bytes = wg.encode("get-device", "dump", { ifname: "wg0" });
   * const msg = wg.decode(bytes.subarray(16));
   * assert.deepEqual(msg.attrs, { ifname: "wg0" });
   * ```
   */
  static offline<N extends keyof GenlFamilies>(
    family: N,
    familyId?: number,
  ): Promise<GenlFamily<GenlFamilies[N]["ops"], GenlFamilies[N]["events"]>>;
  /** A client without a socket for a spec the program loaded. */
  static offline(family: FamilySpec, familyId?: number): Promise<GenlFamily>;
  static async offline(
    family: string | FamilySpec,
    familyId = 0,
    // deno-lint-ignore no-explicit-any
  ): Promise<GenlFamily<any, any>> {
    if (!Number.isInteger(familyId) || familyId < 0 || familyId > 0xffff) {
      throw new ArgumentError("familyId", "a family id (0 to 65535)", familyId);
    }
    const spec = await specOf(family);
    const header = spec.header ? new Registry([spec.data]).struct(spec.header).size : 0;
    const info: GenlFamilyInfo = {
      id: familyId,
      name: spec.name,
      version: spec.version,
      headerSize: header,
      maxAttr: 0,
      ops: [],
      groups: [],
    };
    return new GenlFamily<unknown, unknown>(spec, info, undefined);
  }

  /**
   * The socket (NETLINK_GENERIC) the family speaks on; a client from
   * {@link GenlFamily.offline} has none and throws.
   */
  get socket(): NetlinkSocket {
    if (!this.#socket) {
      throw new Error(
        `Cannot use the socket of ${this.name}: the client is offline (encode and decode only)`,
      );
    }
    return this.#socket;
  }

  /** The family's name. */
  get name(): string {
    return this.spec.name;
  }
  /** The family id the kernel assigned. */
  get id(): number {
    return this.info.id;
  }

  /**
   * Runs the `do` form of `op`: one request, its reply decoded (or
   * `undefined` for an operation the kernel answers with an ACK only, or
   * whose reply the request suppressed, as ethtool's `omitReply` flag does).
   * Unknown operations and attributes raise {@link ArgumentError} before
   * anything is sent; kernel errors reject with a {@link NetlinkError}.
   */
  async do<K extends DoOp<O>>(op: K, request?: DoRequest<O, K>): Promise<DoReply<O, K>> {
    const c = this.#op(op, "do");
    // No scratch encode: the socket writes the body before it numbers and
    // sends it, so a bad value still fails (ArgumentError) with nothing sent.
    const req = this.#request(c, "do", (request ?? EMPTY) as Record<string, unknown>, 0, false);
    try {
      // An ACK is asked for when there is no reply, or when the request may
      // suppress it (ethtool's omit-reply flag): else the first reply ends it.
      const r = await this.socket.request(req, { decode: c.decodeReply, ack: c.ack });
      return (r.messages[0] ?? undefined) as DoReply<O, K>;
    } catch (e) {
      throw this.#named(e, c);
    }
  }

  /** Runs the `dump` form of `op`: its replies as they arrive (`all()` collects them). */
  dump<K extends DumpOp<O>>(op: K, request?: DumpRequest<O, K>): Dump<DumpReply<O, K>> {
    const c = this.#op(op, "dump");
    const req = this.#request(
      c,
      "dump",
      (request ?? EMPTY) as Record<string, unknown>,
      NLM_F.DUMP,
      true,
    );
    return this.socket.dump(req, { decode: c.decodeReply }) as Dump<
      DumpReply<O, K>
    >;
  }

  /**
   * The request message of `op`, as bytes (one netlink message, sequence
   * number 0, port 0; flags NLM_F_REQUEST plus NLM_F_DUMP for the dump form
   * or NLM_F_ACK for the do form, though `do` itself leaves the ACK out when
   * the reply ends the request): for tests and for families this kernel lacks.
   */
  encode<K extends DoOp<O> | DumpOp<O>>(
    op: K,
    form: "do" | "dump",
    request: Record<string, unknown> = {},
    familyId: number = this.info.id,
  ): Uint8Array {
    const c = this.#op(op, form);
    return encodeGenlRequest(this.#ctx, c, form, request, familyId);
  }

  /** Joins multicast groups by name (the spec's and the kernel's names). */
  join(...groups: string[]): void {
    for (const g of groups) this.socket.join(this.#group(g));
  }
  /** Leaves multicast groups by name. */
  leave(...groups: string[]): void {
    for (const g of groups) this.socket.leave(this.#group(g));
  }

  /**
   * Notifications of the joined groups (join them first, or pass `groups`
   * to {@link GenlFamily.open}) as typed events, with overruns reported in
   * the stream.
   */
  events(opts: SubscribeOptions<GenlEvent<E>> = {}): Subscription<GenlEvent<E>> {
    return this.socket.subscribe(opts);
  }

  /** Decodes one received generic netlink message of this family (payload after nlmsghdr). */
  decode(payload: Uint8Array): GenlEvent<E> {
    const cmd = payload[0] ?? 0;
    const c = this.#byReply.get(cmd);
    return {
      name: c?.name ?? `#${cmd}`,
      cmd,
      attrs: this.#decodeBody(c?.set ?? this.#anySet, payload, 0, payload.length),
    } as GenlEvent<E>;
  }

  /** Closes the socket (nothing for an offline client). */
  close(): void {
    this.#socket?.close();
  }
  /** Closes the socket (`await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  #group(name: string): number {
    const g = this.info.groups.find((x) => x.name === name);
    if (!g) {
      throw new ArgumentError(
        "group",
        `a multicast group of ${this.name} (${
          this.info.groups.map((x) => x.name).join(", ") || "it has none"
        })`,
        name,
      );
    }
    return g.id;
  }

  #op(op: string, form: "do" | "dump"): CompiledOp {
    const c = this.#ops.get(op);
    if (!c) {
      throw new ArgumentError(
        "op",
        `an operation of ${this.name} (${
          [...this.#ops].filter(([, o]) => o.spec.do || o.spec.dump).map(([n]) => n).join(", ")
        })`,
        op,
      );
    }
    if (!c.spec[form]) {
      const forms = (["do", "dump"] as const).filter((f) => c.spec[f]);
      throw new ArgumentError(
        "op",
        `an operation of ${this.name} with a ${form} form (${op} has ${
          forms.join(" and ") || "none: it is a notification"
        })`,
        op,
      );
    }
    return c;
  }

  #request(
    c: CompiledOp,
    form: "do" | "dump",
    values: Record<string, unknown>,
    flags: number,
    encodeNow: boolean,
  ): Request {
    const ctx = this.#ctx;
    checkRequest(ctx, c, form, values, encodeNow);
    return {
      type: this.info.id,
      flags,
      name: c.label,
      body: (w) => writeBody(ctx, c, values, w),
    };
  }

  /**
   * The kernel names a missing attribute by number (NLMSGERR_ATTR_MISS_TYPE,
   * in the nest at NLMSGERR_ATTR_MISS_NEST when given); when it sends no
   * text of its own, the error says which attribute, by the spec's name.
   */
  #named(e: unknown, c: CompiledOp): unknown {
    if (!(e instanceof NetlinkError) || e.ack.missingType === undefined || e.extack) return e;
    const where = e.ack.missingNest === undefined ? "" : " (in a nested attribute)";
    const name = e.ack.missingNest === undefined
      ? c.requestSet?.byType[e.ack.missingType]?.name
      : undefined;
    const what = name ? `"${name}"` : `number ${e.ack.missingType}${where}`;
    return new NetlinkError(
      e.errno,
      { ...e.ack, message: `missing required attribute ${what}` },
      e.request,
    );
  }

  #decodeReply(c: CompiledOp, m: MessageRef): unknown {
    const start = m.offset + NLMSG_HDRLEN;
    return this.#decodeBody(c.set, m.bytes, start, m.offset + m.length - start, m.dv);
  }

  #decodeEvent(m: MessageRef): GenlEvent<E> {
    return this.decode(m.bytes.subarray(m.offset + NLMSG_HDRLEN, m.offset + m.length));
  }

  #decodeBody(
    set: AttrSet | undefined,
    bytes: Uint8Array,
    start: number,
    length: number,
    dv?: DataView,
  ): Record<string, unknown> {
    const end = start + length;
    const attrs = set ? decodeAttrs(set, bytes, start + this.#offset, end, 0, dv) : {};
    if (!this.#header) return attrs;
    const fixed = decodeStruct(this.#header, bytes, start + GENL_HDRLEN, this.#header.size);
    return { ...fixed, ...attrs };
  }
}

/**
 * Checks a request's keys against the operation's request attributes, and
 * with `encode` its values too (by encoding into a scratch writer: for
 * requests written later, such as a dump's, sent when iteration starts).
 */
function checkRequest(
  fam: Ctx,
  c: CompiledOp,
  form: "do" | "dump",
  values: Record<string, unknown>,
  encode = true,
): void {
  if (typeof values !== "object" || values === null || Array.isArray(values)) {
    throw new ArgumentError("request", `an object of ${c.name}'s request attributes`, values);
  }
  const allowed = c.spec[form]!.request ?? [];
  const header = fam.header;
  for (const key in values) {
    if (values[key] === undefined || key.startsWith("#")) continue;
    if (allowed.includes(key)) continue;
    if (header?.members.some((m) => m.name === key)) continue;
    throw new ArgumentError(
      key,
      allowed.length
        ? `an attribute of ${fam.name} ${c.name}'s ${form} request (${allowed.join(", ")})`
        : `no attributes: ${fam.name} ${c.name}'s ${form} request takes none`,
      values[key],
    );
  }
  for (const need of c.spec[form]!.required ?? []) {
    if (values[need] === undefined) {
      throw new ArgumentError(need, `a value (${fam.name} ${c.name} requires it)`);
    }
  }
  // Encoding into a scratch writer checks types and ranges before anything is sent.
  if (encode) writeBody(fam, c, values, new Writer(64));
}

function writeBody(
  fam: Ctx,
  c: CompiledOp,
  values: Record<string, unknown>,
  w: Writer,
): void {
  writeStruct(w, GENETLINK_STRUCTS.genlmsghdr, c.genlhdr);
  const header = fam.header;
  let attrs = values;
  if (header) {
    const fixed: Record<string, unknown> = {};
    attrs = {};
    for (const [k, v] of Object.entries(values)) {
      if (header.members.some((m) => m.name === k)) fixed[k] = v;
      else attrs[k] = v;
    }
    encodeStruct(w, header, fixed, header.name);
  }
  if (c.requestSet) encodeAttrs(w, c.requestSet, attrs);
}

function encodeGenlRequest(
  fam: Ctx,
  c: CompiledOp,
  form: "do" | "dump",
  values: Record<string, unknown>,
  familyId: number,
): Uint8Array {
  checkRequest(fam, c, form, values, false);
  const w = new Writer(256);
  const req: Request = { type: familyId, body: (w) => writeBody(fam, c, values, w) };
  encodeRequest(w, req, form === "dump" ? NLM_F.DUMP : NLM_F.ACK, 0);
  return w.finish();
}

async function specOf(family: string | FamilySpec): Promise<FamilySpec> {
  if (typeof family === "object" && family !== null && typeof family.name === "string") {
    return family;
  }
  if (typeof family !== "string") {
    throw new ArgumentError("family", "a family name or a FamilySpec", family);
  }
  return await loadFamilySpec(family, "a FamilySpec from familyFromYnl(parseYaml(text))");
}

/**
 * The generated spec of a family nlroute knows, loaded on first use; an
 * unknown name is an {@link ArgumentError} listing the known ones, then
 * `otherwise` (what the caller can give instead).
 */
export async function loadFamilySpec(
  name: string | undefined,
  otherwise: string,
): Promise<FamilySpec> {
  const load = (FAMILY_SPECS as Record<string, () => Promise<FamilySpec>>)[name ?? ""];
  if (!load) {
    throw new ArgumentError(
      "family",
      `a family nlroute has a spec for (${Object.keys(FAMILY_SPECS).join(", ")}), or ${otherwise}`,
      name,
    );
  }
  return await load();
}
