/**
 * One routing table's routes kept compactly (internal): each route is its
 * message bytes (the received datagram, shared by the messages it holds) and
 * a few numbers in typed arrays, filed in one open-addressing hash table by
 * destination key (`"10.0.0.0/24"`, `"default"`), whose entry lists the
 * routes with that destination; a route's identity (the route object type's
 * key: family, destination, tos, priority, IPv6 device; the table is the
 * store's) is found in its destination's list. No string and no object per
 * route: records and `Route` objects are made only for the routes that are
 * read.
 *
 * Slots keep the order routes were first filed in (what iteration yields);
 * removed slots are reclaimed by a compaction that keeps that order.
 *
 * @module
 */
import { align4, attrLength, NLMSG_HDRLEN } from "../core/codec.ts";
import { AF_INET6, parseIP } from "../core/address.ts";
import { DecodeError } from "../core/errors.ts";
import { RT_ROUTE_ATTRS, RT_ROUTE_STRUCTS } from "../core/tables/rt_route.ts";
import { Route } from "../iproute/route/route.ts";

const RTA = RT_ROUTE_ATTRS.routeAttrs;
const RTMSG = RT_ROUTE_STRUCTS.rtmsg;
const H = RTMSG.at;
const RTMSG_SIZE = align4(RTMSG.size);

/** Slot flags. */
const LIVE = 1;
const PRIO = 2;
const OIF = 4;
const MULTI = 8;
const DSTATTR = 16;
const SEEN = 32;

/** What {@link readPlace} found in a route message (one object, reused). */
export interface MessagePlace {
  /** Table id (RTA_TABLE when its payload has 4 bytes, else the header's). */
  table: number;
  /** Family, tos and destination prefix length from the header. */
  family: number;
  tos: number;
  dstLen: number;
  /** Offset of RTA_DST's payload (-1: absent) and its length. */
  dstOff: number;
  dstBytes: number;
  /** RTA_PRIORITY, RTA_OIF (valid when their flags are set). */
  priority: number;
  oif: number;
  /** PRIO | OIF | MULTI | DSTATTR. */
  flags: number;
}

/** The place {@link readPlace} fills. */
export const PLACE: MessagePlace = {
  table: 0,
  family: 0,
  tos: 0,
  dstLen: 0,
  dstOff: -1,
  dstBytes: 0,
  priority: 0,
  oif: 0,
  flags: 0,
};

/**
 * Reads where the route message at `off` (its nlmsghdr; `len` bytes) is
 * filed into {@link PLACE}, in one pass over its attributes, checking every
 * attribute header (a malformed message raises DecodeError, as `Route` does).
 */
export function readPlace(bytes: Uint8Array, dv: DataView, off: number, len: number): MessagePlace {
  const hdr = off + NLMSG_HDRLEN;
  const end = off + len;
  if (end - hdr < RTMSG_SIZE) {
    throw new DecodeError(
      "Route",
      `${end - hdr} payload bytes, the header needs ${RTMSG_SIZE}`,
      off,
    );
  }
  let tableOff = -1, tableLen = 0, dstOff = -1, dstBytes = 0;
  let prioOff = -1, prioLen = 0, oifOff = -1, oifLen = 0, multi = false;
  let pos = hdr + RTMSG_SIZE;
  while (pos < end) {
    const alen = attrLength(dv, pos, end);
    const t = dv.getUint16(pos + 2, true) & 0x3fff;
    // The first occurrence of each counts (as Route's readers see it).
    if (t === RTA.dst) {
      if (dstOff < 0) (dstOff = pos + 4), (dstBytes = alen - 4);
    } else if (t === RTA.table) {
      if (tableOff < 0) (tableOff = pos + 4), (tableLen = alen - 4);
    } else if (t === RTA.priority) {
      if (prioOff < 0) (prioOff = pos + 4), (prioLen = alen - 4);
    } else if (t === RTA.oif) {
      if (oifOff < 0) (oifOff = pos + 4), (oifLen = alen - 4);
    } else if (t === RTA.multipath) multi = true;
    pos += (alen + 3) & ~3;
  }
  const p = PLACE;
  p.family = bytes[hdr + H.rtmFamily]!;
  p.tos = bytes[hdr + H.rtmTos]!;
  p.dstLen = bytes[hdr + H.rtmDstLen]!;
  p.table = tableOff >= 0 && tableLen >= 4
    ? dv.getUint32(tableOff, true)
    : bytes[hdr + H.rtmTable]!;
  p.dstOff = dstOff;
  p.dstBytes = dstOff >= 0 ? dstBytes : 0;
  let flags = dstOff >= 0 ? DSTATTR : 0;
  if (prioOff >= 0 && prioLen >= 4) {
    flags |= PRIO;
    p.priority = dv.getUint32(prioOff, true);
  } else p.priority = 0;
  if (oifOff >= 0 && oifLen >= 4) {
    flags |= OIF;
    p.oif = dv.getUint32(oifOff, true);
  } else p.oif = 0;
  if (multi) flags |= MULTI;
  p.flags = flags;
  return p;
}

/** A 32-bit mix step (multiply-rotate, as murmur3's). */
function mix(h: number, v: number): number {
  v = Math.imul(v, 0xcc9e2d51);
  v = Math.imul((v << 15) | (v >>> 17), 0x1b873593);
  h ^= v;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** murmur3's finalizer: every input bit reaches the low bits a table index uses. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Hash of `n` bytes at `off`, mixed into `h`. */
function mixBytes(h: number, b: Uint8Array, off: number, n: number): number {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    h = mix(
      h,
      b[off + i]! | (b[off + i + 1]! << 8) | (b[off + i + 2]! << 16) | (b[off + i + 3]! << 24),
    );
  }
  for (; i < n; i++) h = mix(h, b[off + i]!);
  return h;
}

/** Whether the destination key of a route is absent-with-length-0 (`"default"`). */
function dstKind(flags: number, dstLen: number): number {
  // 0: "default" (no RTA_DST, length 0), 1: "" (no RTA_DST, a length), 2: an address.
  return flags & DSTATTR ? 2 : dstLen === 0 ? 0 : 1;
}

/** Hash of a destination key. */
function dstHash(kind: number, dstLen: number, b: Uint8Array, off: number, n: number): number {
  if (kind !== 2) return fmix(mix(0x51ed27, kind));
  return fmix(mixBytes(mix(mix(0x2545f491, dstLen), n), b, off, n));
}

/** Whether a route's identity includes its output interface (IPv6 routes that are not multipath). */
function v6dev(family: number, flags: number): boolean {
  return family === AF_INET6 && (flags & MULTI) === 0;
}

function equalBytes(a: Uint8Array, ao: number, b: Uint8Array, bo: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}

/** Smallest power of two ≥ 2·n (at least 16): a hash table's size for `n` keys. */
function tableSize(n: number): number {
  let c = 16;
  while (c < 2 * n) c *= 2;
  return c;
}

function grow<A extends Int32Array | Uint32Array | Uint8Array>(a: A, n: number): A {
  const b = new (a.constructor as new (n: number) => A)(n);
  b.set(a);
  return b;
}

/** Packs a slot's family, tos, destination prefix length and flags. */
function meta(family: number, tos: number, dstLen: number, flags: number): number {
  return (family | (tos << 8) | (dstLen << 16) | (flags << 24)) >>> 0;
}
const FLAGS_SHIFT = 24;
const FLAG = (f: number) => (f << FLAGS_SHIFT) >>> 0;
/** Flags in place in meta. */
const M_LIVE = FLAG(LIVE);
const M_OIF = FLAG(OIF);
const M_MULTI = FLAG(MULTI);
const M_SEEN = FLAG(SEEN);
/** The parts of meta an identity compares: family, tos, prefix length, RTA_DST and RTA_PRIORITY presence. */
const ID_MASK = (0xffffff | FLAG(DSTATTR | PRIO)) >>> 0;

/**
 * The routes of one table. `R` is the record type kept for routes that were
 * read; `moved` tells a record its new slot after a compaction.
 */
export class RouteStore<R> {
  // Datagrams the routes' messages are in, with the number of live routes in each.
  #chunks: (Uint8Array | undefined)[] = [];
  #views: (DataView | undefined)[] = [];
  #refs: number[] = [];
  #freeChunks: number[] = [];
  #lastBytes: Uint8Array | undefined;
  #lastChunk = -1;

  // Slots: every array indexed by slot.
  #cap = 0;
  #n = 0;
  #live = 0;
  #chunk = new Int32Array(0);
  #off = new Int32Array(0);
  #len = new Int32Array(0);
  #dstOff = new Int32Array(0);
  #prio = new Uint32Array(0);
  #oif = new Uint32Array(0);
  /** family | tos << 8 | dstLen << 16 | flags << 24 */
  #meta = new Uint32Array(0);
  #dbytes = new Uint8Array(0);
  /** Slots with the same destination key, in filing order (-1 ends). */
  #nextDst = new Int32Array(0);
  #prevDst = new Int32Array(0);

  /**
   * The hash table by destination, open addressing, 4 numbers an entry (one
   * cache line a probe): first slot + 1 (0 empty, -1 deleted), last slot + 1,
   * the key's hash, 0.
   */
  #dsts = new Int32Array(4 * 16);
  #dstsUsed = 0;

  /** Records of the routes that were read, by slot. */
  readonly #recs: Map<number, R> = new Map();
  readonly #moved: (rec: R, slot: number) => void;
  /** Compactions so far; the last one's old → new slot map (for iterators). */
  #epoch = 0;
  #remap: Int32Array | undefined;
  /** Live slots when it ran (the first slot filed after it). */
  #remapped = 0;

  /** Whether the last {@link put} filed a new route (else it replaced one's message). */
  lastAdded = false;

  /** An empty store; `moved(rec, slot)` is called for each record a compaction renumbers. */
  constructor(moved: (rec: R, slot: number) => void) {
    this.#moved = moved;
  }

  /** Number of routes. */
  get size(): number {
    return this.#live;
  }

  // -- chunks ---------------------------------------------------------------------

  #chunkOf(bytes: Uint8Array, dv: DataView): number {
    if (bytes === this.#lastBytes) return this.#lastChunk;
    const k = this.#freeChunks.pop() ?? this.#chunks.length;
    this.#chunks[k] = bytes;
    this.#views[k] = dv;
    this.#refs[k] = 0;
    this.#lastBytes = bytes;
    return this.#lastChunk = k;
  }

  #release(k: number): void {
    if (--this.#refs[k]! > 0) return;
    this.#chunks[k] = undefined;
    this.#views[k] = undefined;
    this.#freeChunks.push(k);
    if (this.#lastChunk === k) {
      this.#lastBytes = undefined;
      this.#lastChunk = -1;
    }
  }

  // -- the destination table ---------------------------------------------------------

  #dstHashOf(s: number): number {
    const m = this.#meta[s]!;
    const dstLen = (m >>> 16) & 0xff;
    return dstHash(
      dstKind(m >>> FLAGS_SHIFT, dstLen),
      dstLen,
      this.#chunks[this.#chunk[s]!]!,
      this.#dstOff[s]!,
      this.#dbytes[s]!,
    );
  }

  /** Whether slot `s` has this destination key. */
  #sameDst(
    s: number,
    kind: number,
    dstLen: number,
    b: Uint8Array,
    off: number,
    n: number,
  ): boolean {
    const m = this.#meta[s]!;
    const len = (m >>> 16) & 0xff;
    const k = dstKind(m >>> FLAGS_SHIFT, len);
    if (k !== kind) return false;
    if (k !== 2) return true;
    return len === dstLen && this.#dbytes[s] === n &&
      equalBytes(this.#chunks[this.#chunk[s]!]!, this.#dstOff[s]!, b, off, n);
  }

  /**
   * Index in the destination table of a key's entry (≥ 0), or of the empty
   * entry ending its probe (-1 - index).
   */
  #dstPos(h: number, kind: number, dstLen: number, b: Uint8Array, off: number, n: number): number {
    const d = this.#dsts;
    const mask = (d.length >> 2) - 1;
    for (let i = h & mask;; i = (i + 1) & mask) {
      const v = d[4 * i]!;
      if (v === 0) return -1 - 4 * i;
      if (v > 0 && d[4 * i + 2] === h && this.#sameDst(v - 1, kind, dstLen, b, off, n)) {
        return 4 * i;
      }
    }
  }

  /** The table entry of slot `s`'s destination (it is filed). */
  #dstPosOf(s: number): number {
    const m = this.#meta[s]!;
    const dstLen = (m >>> 16) & 0xff;
    return this.#dstPos(
      this.#dstHashOf(s),
      dstKind(m >>> FLAGS_SHIFT, dstLen),
      dstLen,
      this.#chunks[this.#chunk[s]!]!,
      this.#dstOff[s]!,
      this.#dbytes[s]!,
    );
  }

  /** Appends slot `s` to its destination's list; `pos` is what {@link #dstPos} said, `h` the key's hash. */
  #fileDst(s: number, pos: number, h: number): void {
    this.#nextDst[s] = -1;
    const d = this.#dsts;
    if (pos >= 0) {
      const tail = d[pos + 1]! - 1;
      this.#nextDst[tail] = s;
      this.#prevDst[s] = tail;
      d[pos + 1] = s + 1;
    } else {
      const i = -1 - pos;
      d[i] = s + 1;
      d[i + 1] = s + 1;
      d[i + 2] = h;
      this.#prevDst[s] = -1;
      this.#dstsUsed++;
    }
  }

  /** A bigger destination table: the entries moved by their stored hashes (the lists stay). */
  #grow(size: number): void {
    const old = this.#dsts;
    const d = this.#dsts = new Int32Array(4 * size);
    const mask = size - 1;
    let used = 0;
    for (let e = 0; e < old.length; e += 4) {
      if (old[e]! <= 0) continue; // empty or deleted
      const h = old[e + 2]!;
      let i = h & mask;
      while (d[4 * i] !== 0) i = (i + 1) & mask;
      d[4 * i] = old[e]!;
      d[4 * i + 1] = old[e + 1]!;
      d[4 * i + 2] = h;
      used++;
    }
    this.#dstsUsed = used;
  }

  /** A new destination table of `size` entries, the lists rebuilt from the live slots in order. */
  #rehash(size: number): void {
    this.#dsts = new Int32Array(4 * size);
    this.#dstsUsed = 0;
    for (let s = 0; s < this.#n; s++) {
      if (!(this.#meta[s]! & M_LIVE)) continue;
      const m = this.#meta[s]!;
      const dstLen = (m >>> 16) & 0xff;
      const b = this.#chunks[this.#chunk[s]!]!;
      const kind = dstKind(m >>> FLAGS_SHIFT, dstLen);
      const h = dstHash(kind, dstLen, b, this.#dstOff[s]!, this.#dbytes[s]!);
      this.#fileDst(s, this.#dstPos(h, kind, dstLen, b, this.#dstOff[s]!, this.#dbytes[s]!), h);
    }
  }

  /** The slot in the list starting at `head` with {@link PLACE}'s identity, or -1. */
  #findIn(head: number): number {
    const p = PLACE;
    const want = meta(p.family, p.tos, p.dstLen, p.flags) & ID_MASK;
    const dev = v6dev(p.family, p.flags);
    for (let s = head; s >= 0; s = this.#nextDst[s]!) {
      const m = this.#meta[s]!;
      if ((m & ID_MASK) !== want) continue;
      const f = m >>> FLAGS_SHIFT;
      if ((p.flags & PRIO) !== 0 && this.#prio[s] !== p.priority) continue;
      if (dev !== v6dev(p.family, f)) {
        // The device part is empty on both sides only when the IPv6 one has no RTA_OIF.
        if (dev ? (p.flags & OIF) !== 0 : (f & OIF) !== 0) continue;
      } else if (dev) {
        if (((f ^ p.flags) & OIF) !== 0) continue;
        if ((f & OIF) !== 0 && this.#oif[s] !== p.oif) continue;
      }
      return s;
    }
    return -1;
  }

  #growSlots(): void {
    const cap = Math.max(64, this.#cap * 2);
    this.#chunk = grow(this.#chunk, cap);
    this.#off = grow(this.#off, cap);
    this.#len = grow(this.#len, cap);
    this.#dstOff = grow(this.#dstOff, cap);
    this.#prio = grow(this.#prio, cap);
    this.#oif = grow(this.#oif, cap);
    this.#meta = grow(this.#meta, cap);
    this.#dbytes = grow(this.#dbytes, cap);
    this.#nextDst = grow(this.#nextDst, cap);
    this.#prevDst = grow(this.#prevDst, cap);
    this.#cap = cap;
  }

  // -- filing -----------------------------------------------------------------------

  /**
   * Files the route message at `off` (`len` bytes) of `bytes`, which
   * {@link readPlace} just read into {@link PLACE}: a new slot, or the slot of
   * the route with the same identity, whose message it replaces
   * ({@link lastAdded} says which). Returns the slot.
   */
  put(bytes: Uint8Array, dv: DataView, off: number, len: number): number {
    const p = PLACE;
    if ((this.#dstsUsed + 1) * 8 > this.#dsts.length) this.#grow(tableSize(this.#live + 1));
    const kind = dstKind(p.flags, p.dstLen);
    const h = dstHash(kind, p.dstLen, bytes, p.dstOff, p.dstBytes);
    let pos = this.#dstPos(h, kind, p.dstLen, bytes, p.dstOff, p.dstBytes);
    const found = pos >= 0 ? this.#findIn(this.#dsts[pos]! - 1) : -1;
    const k = this.#chunkOf(bytes, dv);
    this.#refs[k]!++;
    if (found >= 0) {
      // Same identity: the new message replaces the old one (its other fields may differ).
      const old = this.#chunk[found]!;
      this.#chunk[found] = k;
      this.#off[found] = off;
      this.#len[found] = len;
      this.#dstOff[found] = p.dstOff;
      this.#oif[found] = p.oif;
      const keep = (this.#meta[found]! >>> FLAGS_SHIFT) & (LIVE | SEEN);
      this.#meta[found] = meta(p.family, p.tos, p.dstLen, p.flags | keep);
      this.#release(old);
      this.lastAdded = false;
      return found;
    }
    if (this.#n === this.#cap) {
      if (this.#n - this.#live > this.#live && this.#n - this.#live >= 64) {
        this.#compact();
        pos = this.#dstPos(h, kind, p.dstLen, bytes, p.dstOff, p.dstBytes);
      }
      if (this.#n === this.#cap) this.#growSlots();
    }
    const s = this.#n++;
    this.#live++;
    this.#chunk[s] = k;
    this.#off[s] = off;
    this.#len[s] = len;
    this.#dstOff[s] = p.dstOff;
    this.#prio[s] = p.priority;
    this.#oif[s] = p.oif;
    this.#meta[s] = meta(p.family, p.tos, p.dstLen, p.flags | LIVE);
    this.#dbytes[s] = p.dstBytes;
    this.#fileDst(s, pos, h);
    this.lastAdded = true;
    return s;
  }

  /** The slot of the route with the identity {@link readPlace} put in {@link PLACE} (bytes in `bytes`), or -1. */
  find(bytes: Uint8Array): number {
    if (this.#live === 0) return -1;
    const p = PLACE;
    const kind = dstKind(p.flags, p.dstLen);
    const h = dstHash(kind, p.dstLen, bytes, p.dstOff, p.dstBytes);
    const pos = this.#dstPos(h, kind, p.dstLen, bytes, p.dstOff, p.dstBytes);
    return pos >= 0 ? this.#findIn(this.#dsts[pos]! - 1) : -1;
  }

  /** Removes a route; returns its record, if it had one. */
  remove(s: number): R | undefined {
    if (!this.live(s)) return undefined;
    // Out of its destination's list.
    const next = this.#nextDst[s]!, prev = this.#prevDst[s]!;
    if (prev < 0 || next < 0) {
      const pos = this.#dstPosOf(s);
      if (pos >= 0) {
        const d = this.#dsts;
        if (prev < 0 && next < 0) {
          d[pos] = -1;
          d[pos + 1] = 0;
        } else if (prev < 0) d[pos] = next + 1;
        else d[pos + 1] = prev + 1;
      }
    }
    if (prev >= 0) this.#nextDst[prev] = next;
    if (next >= 0) this.#prevDst[next] = prev;
    this.#meta[s] = 0;
    this.#live--;
    this.#release(this.#chunk[s]!);
    const rec = this.#recs.get(s);
    if (rec !== undefined) this.#recs.delete(s);
    return rec;
  }

  /** Moves the live slots down (order kept), renumbering records, and rebuilds the hash table. */
  #compact(): void {
    const remap = new Int32Array(this.#n).fill(-1);
    let j = 0;
    for (let s = 0; s < this.#n; s++) {
      if (!(this.#meta[s]! & M_LIVE)) continue;
      remap[s] = j;
      if (j !== s) {
        this.#chunk[j] = this.#chunk[s]!;
        this.#off[j] = this.#off[s]!;
        this.#len[j] = this.#len[s]!;
        this.#dstOff[j] = this.#dstOff[s]!;
        this.#prio[j] = this.#prio[s]!;
        this.#oif[j] = this.#oif[s]!;
        this.#meta[j] = this.#meta[s]!;
        this.#dbytes[j] = this.#dbytes[s]!;
      }
      j++;
    }
    this.#meta.fill(0, j, this.#n);
    this.#n = j;
    const recs = [...this.#recs];
    this.#recs.clear();
    for (const [s, rec] of recs) {
      const to = remap[s]!;
      this.#recs.set(to, rec);
      this.#moved(rec, to);
    }
    this.#rehash(tableSize(this.#live + 1));
    this.#epoch++;
    this.#remap = remap;
    this.#remapped = j;
  }

  // -- reading -----------------------------------------------------------------------

  /** The record of slot `s`, if one was made. */
  record(s: number): R | undefined {
    return this.#recs.get(s);
  }

  /** Keeps `rec` as slot `s`'s record. */
  setRecord(s: number, rec: R): void {
    this.#recs.set(s, rec);
  }

  /** Records made so far, in slot order. */
  records(): R[] {
    return [...this.#recs].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  }

  /** Whether slot `s` holds a route. */
  live(s: number): boolean {
    return s >= 0 && s < this.#n && (this.#meta[s]! & M_LIVE) !== 0;
  }

  /** A `Route` over slot `s`'s message (a new object each call). */
  route(s: number): Route {
    const k = this.#chunk[s]!;
    const off = this.#off[s]!;
    const dv = this.#views[k]!;
    return new Route(this.#chunks[k]!, dv, off, this.#len[s]!, dv.getUint16(off + 4, true));
  }

  /** RTA_OIF of slot `s`, or undefined. */
  oif(s: number): number | undefined {
    return this.#meta[s]! & M_OIF ? this.#oif[s] : undefined;
  }

  /** Whether slot `s`'s route is multipath. */
  multipath(s: number): boolean {
    return (this.#meta[s]! & M_MULTI) !== 0;
  }

  /**
   * The live slots in order: a generator that survives routes being filed
   * and removed while it is suspended (it yields routes filed meanwhile, as a
   * Map's iterator does).
   */
  *slots(): Generator<number> {
    let epoch = this.#epoch;
    for (let s = 0; s < this.#n; s++) {
      if (!(this.#meta[s]! & M_LIVE)) continue;
      yield s;
      if (epoch !== this.#epoch) {
        if (epoch + 1 !== this.#epoch) {
          throw new Error("Cannot continue iterating a routing table: it was compacted twice");
        }
        // Continue after the slot just yielded, in the new numbering.
        const remap = this.#remap!;
        let next = this.#remapped;
        for (let t = s + 1; t < remap.length; t++) {
          if (remap[t]! >= 0) {
            next = remap[t]!;
            break;
          }
        }
        s = next - 1;
        epoch = this.#epoch;
      }
    }
  }

  /** The slots of routes with this destination key (`"10.0.0.0/24"`, `"default"`), in filing order. */
  dstSlots(dst: string): number[] {
    const out: number[] = [];
    if (this.#live === 0) return out;
    let kind: number, dstLen = 0, n = 0;
    let b: Uint8Array = EMPTY;
    if (dst === "default") kind = 0;
    else if (dst === "") kind = 1;
    else {
      const slash = dst.lastIndexOf("/");
      if (slash < 0) return out;
      const ip = parseIP(dst.slice(0, slash));
      dstLen = Number(dst.slice(slash + 1));
      if (!ip || !Number.isInteger(dstLen)) return out;
      kind = 2;
      b = ip.bytes;
      n = b.length;
    }
    const pos = this.#dstPos(dstHash(kind, dstLen, b, 0, n), kind, dstLen, b, 0, n);
    if (pos < 0) return out;
    for (let s = this.#dsts[pos]! - 1; s >= 0; s = this.#nextDst[s]!) out.push(s);
    return out;
  }

  /** Marks every route unseen (a reload starts). */
  unsee(): void {
    const m = this.#meta;
    const clear = ~M_SEEN >>> 0;
    for (let s = 0; s < this.#n; s++) m[s] = (m[s]! & clear) >>> 0;
  }

  /** Marks slot `s` seen by the reload. */
  see(s: number): void {
    this.#meta[s] = (this.#meta[s]! | M_SEEN) >>> 0;
  }

  /** Live slots the reload did not see. */
  unseen(): number[] {
    const out: number[] = [];
    const want = M_LIVE;
    const both = M_LIVE | M_SEEN;
    for (let s = 0; s < this.#n; s++) if ((this.#meta[s]! & both) >>> 0 === want) out.push(s);
    return out;
  }
}

const EMPTY = new Uint8Array(0);
