/**
 * What the socket hands around: the message a decoder sees, the default
 * decoder, requests and what answers them.
 *
 * @module
 */
import { NLMSG_HDRLEN, type Writer } from "./codec.ts";
import { NLM_F } from "./constants.ts";
import type { ExtAck, NetlinkError } from "./errors.ts";

/**
 * A message handed to a decoder. The object is reused for every message (it
 * is the receive path's framing cursor): a decoder copies what it keeps and
 * never changes it (the `bytes` buffer itself is never reused).
 */
export interface MessageRef {
  /** The datagram's bytes (owned: safe to keep a reference). */
  bytes: Uint8Array;
  /** A view over {@link bytes}. */
  dv: DataView;
  /** Offset of the message header in {@link bytes} (raw framing: of the datagram). */
  offset: number;
  /** Message length including the header (raw framing: the datagram's length). */
  length: number;
  /** Message type. */
  type: number;
  /** Header flags. */
  flags: number;
  /** Sequence number. */
  seq: number;
  /** Header port id (raw framing: the sender's port, 0 for the kernel). */
  pid: number;
}

/** Turns a received message into a value. */
export type Decoder<T> = (m: MessageRef) => T;

/**
 * A received message kept as bytes: header fields and a view of the payload.
 *
 * @example What a request resolves with when no decoder is given
 * ```ts
 * import { NetlinkMessage, NetlinkSocket, RTM } from "@nlroute/nlroute";
 * import { RT_LINK_STRUCTS } from "@nlroute/nlroute/tables";
 * import assert from "node:assert/strict";
 *
 * await using sock = NetlinkSocket.open();
 * const links = await sock.dump({
 *   type: RTM.GETLINK,
 *   body: (w) => w.zeros(RT_LINK_STRUCTS.ifinfomsg.size),
 * }).all();
 * const first = links[0]!;
 * assert.ok(first instanceof NetlinkMessage);
 * assert.equal(first.type, RTM.NEWLINK);
 * assert.equal(first.pid, sock.portId);
 * assert.ok(first.payload.length >= RT_LINK_STRUCTS.ifinfomsg.size); // ifinfomsg + attributes
 * ```
 */
export class NetlinkMessage {
  /** A message from its header fields and payload. */
  constructor(
    /** Message type. */
    readonly type: number,
    /** Header flags. */
    readonly flags: number,
    /** Sequence number. */
    readonly seq: number,
    /** Header port id. */
    readonly pid: number,
    /** The payload (after the 16-byte header). */
    readonly payload: Uint8Array,
  ) {}
}

/** The default decoder: header fields plus a view of the payload. */
export const rawDecoder: Decoder<NetlinkMessage> = (m) =>
  new NetlinkMessage(
    m.type,
    m.flags,
    m.seq,
    m.pid,
    m.bytes.subarray(m.offset + NLMSG_HDRLEN, m.offset + m.length),
  );

/**
 * The default event decoder of a raw-framed protocol (NETLINK_KOBJECT_UEVENT):
 * the whole datagram as the payload, header fields 0.
 */
export const rawDatagram: Decoder<NetlinkMessage> = (m) =>
  new NetlinkMessage(0, 0, 0, 0, m.bytes.subarray(m.offset, m.offset + m.length));

/** One request: the message type, extra header flags and a body writer. */
export interface Request {
  /** Message type (e.g. `RTM.NEWLINK`). */
  type: number;
  /** Flags added to NLM_F_REQUEST (and NLM_F_ACK for do-requests). */
  flags?: number;
  /** Writes the payload after the header. */
  body?: (w: Writer) => void;
  /** A name for errors, e.g. `"RTM_NEWLINK"`. */
  name?: string;
  /**
   * In a batch: `false` sends the message without NLM_F_ACK and waits for
   * nothing (nfnetlink's NFNL_MSG_BATCH_END, which the kernel acknowledges
   * only when the batch commits); its result is an empty success.
   */
  ack?: boolean;
}

/** The answer to a do-request. */
export interface Response<T> {
  /** Messages that came before the ACK (a `get` reply, an echo). */
  messages: T[];
  /** Extended-ACK details of the ACK itself (warnings). */
  ack: ExtAck;
}

/** A batch item's outcome. */
export type BatchResult<T> =
  | { ok: true; messages: T[]; ack: ExtAck }
  | { ok: false; error: NetlinkError };

/** Explicit notice of lost messages, delivered in a subscription's stream. */
export interface Overrun {
  /** Always `"overrun"`. */
  readonly event: "overrun";
  /** Always `"overrun"` (so typed event unions can narrow on `kind` too). */
  readonly kind: "overrun";
  /** `"kernel"`: the socket buffer overflowed (ENOBUFS); `"queue"`: this consumer fell behind. */
  readonly source: "kernel" | "queue";
  /** Messages dropped from this consumer's queue (0 when unknown: kernel losses). */
  readonly lost: number;
}

/**
 * Writes one request: the header (NLM_F_REQUEST plus `flags` and the
 * request's own flags), then the body.
 */
export function encodeRequest(w: Writer, req: Request, flags: number, seq: number): void {
  const start = w.beginMessage(req.type, NLM_F.REQUEST | flags | (req.flags ?? 0), seq, 0);
  req.body?.(w);
  w.endMessage(start);
}
