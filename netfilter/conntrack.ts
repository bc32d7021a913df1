/**
 * `Conntrack`: the connection tracking table of a network namespace over
 * NETLINK_NETFILTER (NFNL_SUBSYS_CTNETLINK) — dumps with kernel-side
 * filters, get, create, update, delete and flush of entries, per-CPU
 * statistics, and NEW/UPDATE/DESTROY events with losses reported in the
 * stream. What Debian's `conntrack` tool does (`-L`, `-G`, `-I`, `-U`, `-D`,
 * `-F`, `-S`, `-C`, `-E`), on the protocol-agnostic socket.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import { decoderOf } from "../core/lazy.ts";
import type { MessageRef, Overrun } from "../core/message.ts";
import type { NetnsRef } from "../core/nsenter.ts";
import { PROTOCOL } from "../core/protocol.ts";
import { decodeAttrs } from "../core/schema.ts";
import { NetlinkSocket } from "../core/socket.ts";
import type { Dump } from "../core/dump.ts";
import type { Subscription } from "../core/subscription.ts";
import { subscribeEvents } from "./events.ts";
import { NLM_F } from "../core/constants.ts";
import { NLMSG_HDRLEN } from "../core/codec.ts";
import { IPCTNL_MSG_CT } from "../core/tables/ctnetlink.ts";
import { NFNETLINK_STRUCTS, NFNLGRP } from "../core/tables/nfnetlink.ts";
import { ConntrackCpuStats, ConntrackEntry, SETS } from "./entry.ts";
import {
  type ConntrackCreateSpec,
  type ConntrackDeleteSpec,
  type ConntrackFilter,
  type ConntrackSelector,
  type ConntrackUpdateSpec,
  createRequest,
  ctType,
  deleteRequest,
  dumpRequest,
  flushRequest,
  getRequest,
  statsCpuRequest,
  statsRequest,
  updateRequest,
} from "./request.ts";

/** Options of {@link Conntrack.open}. */
export interface ConntrackOptions {
  /** The namespace whose table to use (a name under /run/netns, a path, a descriptor, `{ pid }`). */
  netns?: NetnsRef;
  /**
   * How to reach the namespace: `"thread"` (default: setns on the calling
   * thread around socket()) or `"process"` (a helper process opens the socket
   * and passes it back).
   */
  mode?: "thread" | "process";
  /** Receive buffer in bytes (default 1 MiB): events beyond it are lost (an overrun). */
  rcvbuf?: number;
  /** Event groups to join at once (see {@link Conntrack.events}). */
  groups?: readonly ConntrackEventKind[];
}

/** The kinds of conntrack events: their multicast groups (NFNLGRP_CONNTRACK_*). */
export type ConntrackEventKind = "new" | "update" | "destroy";

const GROUPS: Readonly<Record<ConntrackEventKind, number>> = {
  new: NFNLGRP.CONNTRACK_NEW,
  update: NFNLGRP.CONNTRACK_UPDATE,
  destroy: NFNLGRP.CONNTRACK_DESTROY,
};

/** A conntrack event: an entry created, changed or destroyed. */
export interface ConntrackEntryEvent {
  /** What happened. */
  readonly kind: ConntrackEventKind;
  /** The message name (`IPCTNL_MSG_CT_NEW`, `IPCTNL_MSG_CT_DELETE`). */
  readonly event: string;
  /** The entry (for `destroy`, as it was, with its final counters). */
  readonly entry: ConntrackEntry;
}

/** What {@link Conntrack.events} yields: entry events, and overrun notices (events were lost). */
export type ConntrackEvent = ConntrackEntryEvent | Overrun;

/** Options of {@link Conntrack.events}. */
export interface ConntrackEventOptions {
  /** The event kinds to hear (joined now if not yet); default all three. */
  groups?: readonly ConntrackEventKind[];
  /** Keep only events this returns true for (overrun notices always pass). */
  filter?: (e: ConntrackEntryEvent) => boolean;
  /** Queue bound (default 8192): when full, newer events are dropped and an overrun is reported. */
  queue?: number;
  /** Ends the subscription. */
  signal?: AbortSignal;
}

/** The table's size (IPCTNL_MSG_CT_GET_STATS). */
export interface ConntrackCount {
  /** Entries in the table. */
  entries: number;
  /** The table's limit (`nf_conntrack_max`). */
  maxEntries: number;
}

const ENTRY = decoderOf(ConntrackEntry);
const CPU_STATS = decoderOf(ConntrackCpuStats);
const CREATE_EXCL = NLM_F.CREATE | NLM_F.EXCL;
const NEW = ctType(IPCTNL_MSG_CT.NEW);
const DELETE = ctType(IPCTNL_MSG_CT.DELETE);

/** Decodes a multicast ctnetlink message into a {@link ConntrackEntryEvent}. */
function decodeEvent(m: MessageRef): ConntrackEntryEvent | undefined {
  if (m.type !== NEW && m.type !== DELETE) return undefined;
  const entry = ENTRY(m);
  const kind: ConntrackEventKind = m.type === DELETE
    ? "destroy"
    : (m.flags & CREATE_EXCL) === CREATE_EXCL
    ? "new"
    : "update";
  return { kind, event: entry.event, entry };
}

function kinds(v: unknown, path: string): ConntrackEventKind[] {
  if (!Array.isArray(v)) throw new ArgumentError(path, 'an array of "new", "update", "destroy"', v);
  v.forEach((k, i) => {
    if (typeof k !== "string" || !Object.hasOwn(GROUPS, k)) {
      throw new ArgumentError(`${path}[${i}]`, '"new", "update" or "destroy"', k);
    }
  });
  return v as ConntrackEventKind[];
}

/**
 * The conntrack table of one network namespace.
 *
 * @example Entries made, listed with a kernel-side filter, changed and flushed
 * ```ts
 * import { Conntrack } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using ct = await Conntrack.open({ netns: "blue" });
 * const orig = { src: "10.1.0.1", dst: "10.1.0.2", protocol: "udp", sport: 5353, dport: 53 } as const;
 * await ct.create({ orig, timeout: 30, mark: 1 });
 * await ct.update({ orig, mark: 2, timeout: 120 });
 * const marked = await ct.list({ family: "ipv4", mark: 2 });
 * assert.equal(marked.length, 1);
 * assert.equal(marked[0]!.reply.dport, 5353);
 * await ct.flush({ mark: 2 });
 * assert.equal((await ct.list({ mark: 2 })).length, 0);
 * ```
 */
export class Conntrack implements AsyncDisposable {
  /** The NETLINK_NETFILTER socket. */
  readonly socket: NetlinkSocket;

  private constructor(socket: NetlinkSocket) {
    this.socket = socket;
    socket.setEventDecoder(decodeEvent);
  }

  /** Opens a NETLINK_NETFILTER socket (in `netns` when given) for the conntrack table. */
  static async open(opts: ConntrackOptions = {}): Promise<Conntrack> {
    if (typeof opts !== "object" || opts === null) {
      throw new ArgumentError("options", "an object", opts);
    }
    const mode = opts.mode ?? "thread";
    if (mode !== "thread" && mode !== "process") {
      throw new ArgumentError("mode", '"thread" or "process"', mode);
    }
    const groups = opts.groups === undefined ? [] : kinds(opts.groups, "groups");
    const base = {
      protocol: PROTOCOL.NETFILTER,
      ...(opts.rcvbuf !== undefined ? { rcvbuf: opts.rcvbuf } : {}),
    };
    let socket: NetlinkSocket;
    if (opts.netns === undefined) socket = NetlinkSocket.open(base);
    else if (mode === "thread") socket = NetlinkSocket.open({ ...base, netns: opts.netns });
    else {
      const { openSocketInProcess } = await import("../core/nsprocess.ts");
      const fd = await openSocketInProcess(opts.netns, { protocol: PROTOCOL.NETFILTER.number });
      socket = NetlinkSocket.open({ ...base, fd });
    }
    const ct = new Conntrack(socket);
    try {
      ct.join(groups);
    } catch (e) {
      socket.close();
      throw e;
    }
    return ct;
  }

  /**
   * The entries (`conntrack -L`), streamed; `filter` is applied by the
   * kernel (family, mark/markMask, zone, status/statusMask).
   */
  dump(filter: ConntrackFilter = {}): Dump<ConntrackEntry> {
    return this.socket.dump(dumpRequest(filter), { decode: ENTRY });
  }

  /** The entries, collected (see {@link Conntrack.dump}). */
  async list(filter: ConntrackFilter = {}): Promise<ConntrackEntry[]> {
    return await this.dump(filter).all();
  }

  /**
   * One entry by a tuple of either direction (`conntrack -G`); a missing
   * entry rejects with a {@link NetlinkError} (ENOENT).
   */
  async get(spec: ConntrackSelector): Promise<ConntrackEntry> {
    const r = await this.socket.request(getRequest(spec), { decode: ENTRY, ack: false });
    return r.messages[0]!;
  }

  /** Creates an entry (`conntrack -I`); an existing one rejects with EEXIST. */
  async create(spec: ConntrackCreateSpec): Promise<void> {
    await this.socket.request(createRequest(spec));
  }

  /** Changes an entry (`conntrack -U`): timeout, mark, status, TCP state, labels. */
  async update(spec: ConntrackUpdateSpec): Promise<void> {
    await this.socket.request(updateRequest(spec));
  }

  /** Deletes one entry (`conntrack -D` with a tuple). */
  async delete(spec: ConntrackDeleteSpec): Promise<void> {
    await this.socket.request(deleteRequest(spec));
  }

  /**
   * Deletes every entry, or those `filter` selects in the kernel
   * (`conntrack -F`; family, mark/markMask, zone, status).
   */
  async flush(filter: ConntrackFilter = {}): Promise<void> {
    await this.socket.request(flushRequest(filter));
  }

  /** Per-CPU counters (`conntrack -S`). */
  async stats(): Promise<ConntrackCpuStats[]> {
    return await this.socket.dump(statsCpuRequest(), { decode: CPU_STATS }).all();
  }

  /** The table's size and limit (`conntrack -C`). */
  async count(): Promise<ConntrackCount> {
    const r = await this.socket.request(statsRequest(), {
      ack: false,
      decode: (m) => {
        const start = m.offset + NLMSG_HDRLEN + NFNETLINK_STRUCTS.nfgenmsg.size;
        return decodeAttrs(SETS.statsGlobal, m.bytes, start, m.offset + m.length) as Partial<
          ConntrackCount
        >;
      },
    });
    const a = r.messages[0] ?? {};
    return { entries: a.entries ?? 0, maxEntries: a.maxEntries ?? 0 };
  }

  /** Joins event groups (`new`, `update`, `destroy`). */
  join(groups: readonly ConntrackEventKind[]): void {
    for (const k of kinds(groups, "groups")) {
      if (!this.socket.groups.has(GROUPS[k])) this.socket.join(GROUPS[k]);
    }
  }

  /** Leaves event groups. */
  leave(groups: readonly ConntrackEventKind[]): void {
    for (const k of kinds(groups, "groups")) {
      if (this.socket.groups.has(GROUPS[k])) this.socket.leave(GROUPS[k]);
    }
  }

  /**
   * Events (`conntrack -E`) as an async iterator, with its own bounded
   * queue: entry events, and `{ kind: "overrun" }` notices when events were
   * lost (the socket's buffer or this queue overflowed: re-read the table).
   * The groups are joined now, so changes made after this call are heard.
   *
   * @example
   * ```ts
   * import { Conntrack } from "@nlroute/nlroute";
   * import assert from "node:assert/strict";
   *
   * await using mon = await Conntrack.open({ netns: "blue" });
   * const events = mon.events({ groups: ["new", "destroy"] });
   * await using ct = await Conntrack.open({ netns: "blue" });
   * const orig = { src: "10.2.0.1", dst: "10.2.0.2", protocol: "icmp", icmpType: 8, icmpCode: 0, icmpId: 1 } as const;
   * await ct.create({ orig, timeout: 30 });
   * await ct.delete({ orig });
   * const seen: string[] = [];
   * for await (const e of events) {
   *   if (e.kind === "overrun") continue; // lost events: re-read with list()
   *   seen.push(`${e.kind} ${e.entry.orig.dst}`);
   *   if (seen.length === 2) break;
   * }
   * assert.deepEqual(seen, ["new 10.2.0.2", "destroy 10.2.0.2"]);
   * ```
   */
  events(opts: ConntrackEventOptions = {}): Subscription<ConntrackEntryEvent> {
    this.join(opts.groups ?? ["new", "update", "destroy"]);
    return subscribeEvents<ConntrackEntryEvent>(this.socket, opts);
  }

  /** Closes the socket; event iterators end. */
  close(): void {
    this.socket.close();
  }

  /** Closes (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}
