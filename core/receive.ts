/**
 * Receiving memory and the pending-request entry. Datagrams are read into one
 * shared receive buffer; the ones decoders see are copied out first (small
 * ones into a shared slab, large ones into a buffer of their own), so decoded
 * objects may keep references to their bytes.
 *
 * @module
 */
import { allocBuffer } from "../ffi/symbols.ts";
import type { Decoder } from "./message.ts";
import type { ExtAck } from "./errors.ts";

/** A request waiting for its replies. */
export interface Pending {
  /** Its sequence number. */
  seq: number;
  /** Its name, for errors. */
  name: string;
  /** A dump (ends with NLMSG_DONE) rather than a do-request (ends with an ACK). */
  dump: boolean;
  /** Complete at the first reply message (a `get` sent without NLM_F_ACK). */
  single: boolean;
  /** The decoder of its replies. */
  decode: Decoder<unknown>;
  /** Decoded replies not yet taken. */
  items: unknown[];
  /** A reply carried NLM_F_DUMP_INTR. */
  intr: boolean;
  /** Completed (with or without an error). */
  done: boolean;
  /** Why it failed (a decode failure is kept while the rest is drained). */
  error: Error | undefined;
  /** Extended-ACK details of its ACK. */
  ack: ExtAck;
  /** Wakes whoever waits for progress. */
  wake: (() => void) | undefined;
}

/** A fresh pending entry. */
export function newPending(
  seq: number,
  name: string,
  dump: boolean,
  decode: Decoder<unknown>,
  single: boolean,
): Pending {
  return {
    seq,
    name,
    dump,
    single,
    decode,
    items: [],
    intr: false,
    done: false,
    error: undefined,
    ack: {},
    wake: undefined,
  };
}

/** Size of the shared receive buffer: a datagram longer than this is refused as malformed. */
export const RBUF_SIZE = 1 << 20;

/** The shared receive buffer (one per process: receiving never yields in between). */
export interface ReceiveBuffer {
  /** The bytes, {@link RBUF_SIZE} long. */
  readonly bytes: Uint8Array;
  /** A view over {@link bytes}. */
  readonly dv: DataView;
}

let rbuf: ReceiveBuffer | undefined;

/** The shared receive buffer, allocated on first use. */
export function receiveBuffer(): ReceiveBuffer {
  if (!rbuf) {
    const bytes = allocBuffer(RBUF_SIZE);
    rbuf = { bytes, dv: new DataView(bytes.buffer) };
  }
  return rbuf;
}

/**
 * Datagrams are copied into shared slabs rather than each into a buffer of
 * its own: allocating typed arrays is slow (~1 µs each in Deno, plus a
 * DataView), and a dump of 65,536 routes arrives in ~120 datagrams. Small
 * ones (replies, events: up to 4 KiB) go to 64 KiB slabs, larger ones (dump
 * datagrams, which the kernel sizes to at most 32 KiB) to 256 KiB slabs; a
 * datagram above 64 KiB gets a buffer of its own. A message kept alive keeps
 * its slab alive (64 or 256 KiB at most).
 */
interface Slab {
  bytes: Uint8Array | undefined;
  dv: DataView | undefined;
  pos: number;
  readonly size: number;
}
const SMALL_MAX = 4096;
const LARGE_MAX = 1 << 16;
const small: Slab = { bytes: undefined, dv: undefined, pos: 1 << 16, size: 1 << 16 };
const large: Slab = { bytes: undefined, dv: undefined, pos: 1 << 18, size: 1 << 18 };

/** Where {@link ownCopy} put a datagram (one object, reused). */
export interface OwnedCopy {
  /** Memory that is never reused. */
  bytes: Uint8Array;
  /** A view over {@link bytes}. */
  dv: DataView;
  /** Where the datagram starts in {@link bytes}. */
  offset: number;
}

const COPY: OwnedCopy = {
  bytes: new Uint8Array(0),
  dv: new DataView(new ArrayBuffer(0)),
  offset: 0,
};

/** Copies the first `len` bytes of `src` to memory that is never reused. */
export function ownCopy(src: Uint8Array, len: number): OwnedCopy {
  if (len > LARGE_MAX) {
    const b = src.slice(0, len);
    COPY.bytes = b;
    COPY.dv = new DataView(b.buffer);
    COPY.offset = 0;
    return COPY;
  }
  const slab = len > SMALL_MAX ? large : small;
  if (slab.pos + len > slab.size) {
    slab.bytes = new Uint8Array(new ArrayBuffer(slab.size));
    slab.dv = new DataView(slab.bytes.buffer);
    slab.pos = 0;
  }
  const at = slab.pos;
  slab.bytes!.set(src.subarray(0, len), at);
  slab.pos = (at + len + 7) & ~7;
  COPY.bytes = slab.bytes!;
  COPY.dv = slab.dv!;
  COPY.offset = at;
  return COPY;
}
