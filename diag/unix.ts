/**
 * unix_diag: AF_UNIX sockets — the request (struct unix_diag_req with the
 * UDIAG_SHOW_* flags) and the typed result of each struct unix_diag_msg with
 * its attributes (name, VFS inode, peer, pending connections, queues,
 * memory, shutdown, uid).
 *
 * @module
 */
import { AttrCursor, type Writer } from "../core/codec.ts";
import { ArgumentError } from "../core/errors.ts";
import type { MessageRef } from "../core/message.ts";
import { SOCK_DIAG_STRUCTS, SOCK_TYPE, UDIAG_SHOW, UNIX_DIAG } from "../core/tables/sock_diag.ts";
import { skMeminfo, type SocketState, stateMask, stateName } from "./inet.ts";

const REQ = SOCK_DIAG_STRUCTS.unixDiagReq;
const MSG = SOCK_DIAG_STRUCTS.unixDiagMsg;
const VFS = SOCK_DIAG_STRUCTS.unixDiagVfs;
const RQLEN = SOCK_DIAG_STRUCTS.unixDiagRqlen;
/** AF_UNIX (linux/socket.h). */
const AF_UNIX = 1;

/** What {@link DiagSocket.unix} dumps. */
export interface UnixQuery {
  /** `"all"` (default) or the states to keep (`"listen"`, `"established"`, `"close"` for unconnected). */
  states?: "all" | readonly SocketState[];
}

/** A unix socket (struct unix_diag_msg and its attributes; every UDIAG_SHOW_* is asked for). */
export interface UnixSocket {
  /** `"stream"`, `"dgram"` or `"seqpacket"`. */
  type: string;
  /** The state's name (`"listen"`, `"established"`, `"close"`: unconnected). */
  state: string;
  /** The state's number. */
  stateId: number;
  /** The socket's inode. */
  inode: number;
  /** The kernel's socket cookie (a u64, as a decimal string). */
  cookie: string;
  /** The bound name: a path, or `"@name"` for an abstract one (absent: unbound). */
  name?: string;
  /** The bound file's inode and device. */
  vfs?: { inode: number; dev: number };
  /** The peer's inode (connected sockets). */
  peer?: number;
  /** Inodes of connections waiting to be accepted (listeners). */
  pending?: number[];
  /** Receive queue (listeners: the backlog's length). */
  rqueue?: number;
  /** Send queue (listeners: the backlog's limit). */
  wqueue?: number;
  /** Memory counters (`rmemAlloc`, `rcvbuf`, …). */
  meminfo?: Record<string, number>;
  /** Shutdown state (bit 0: no more receives, bit 1: no more sends). */
  shutdown?: number;
  /** Owner's uid. */
  uid?: number;
}

const TYPE_NAMES = new Map<number, string>(
  Object.entries(SOCK_TYPE).map(([k, v]) => [v, k.toLowerCase()]),
);
const SHOW_ALL = Object.values(UDIAG_SHOW).reduce((a, b) => a | b, 0);

/** Checks a query (before anything is sent). */
export function checkUnixQuery(q: UnixQuery): void {
  if (q === null || typeof q !== "object") throw new ArgumentError("query", "an object", q);
  for (const k of Object.keys(q)) {
    if (k !== "states") throw new ArgumentError(k, "states", (q as Record<string, unknown>)[k]);
  }
  stateMask(q.states, "states");
}

/** Writes struct unix_diag_req: every socket of the states, every UDIAG_SHOW_* attribute. */
export function writeUnixRequest(w: Writer, q: UnixQuery): void {
  const start = w.pos;
  w.zeros(REQ.size);
  w.buf[start + REQ.at.sdiagFamily] = AF_UNIX;
  w.dv.setUint32(start + REQ.at.udiagStates, stateMask(q.states, "states"), true);
  w.dv.setUint32(start + REQ.at.udiagShow, SHOW_ALL, true);
  // Any cookie (INET_DIAG_NOCOOKIE).
  w.dv.setUint32(start + REQ.at.udiagCookie, 0xffffffff, true);
  w.dv.setUint32(start + REQ.at.udiagCookie + 4, 0xffffffff, true);
}

/** Decodes one unix_diag_msg into a {@link UnixSocket}. */
export function decodeUnix(m: MessageRef): UnixSocket {
  const { bytes, dv } = m;
  const o = m.offset + 16;
  const end = m.offset + m.length;
  const stateId = bytes[o + MSG.at.udiagState]!;
  const type = bytes[o + MSG.at.udiagType]!;
  const at = o + MSG.at.udiagCookie;
  const s: UnixSocket = {
    type: TYPE_NAMES.get(type) ?? String(type),
    state: stateName(stateId),
    stateId,
    inode: dv.getUint32(o + MSG.at.udiagIno, true),
    cookie: ((BigInt(dv.getUint32(at + 4, true)) << 32n) | BigInt(dv.getUint32(at, true)))
      .toString(),
  };
  const c = new AttrCursor(bytes, Math.min(end, o + MSG.size), end, dv);
  while (c.next()) {
    switch (c.type) {
      case UNIX_DIAG.NAME: {
        const raw = c.payload();
        // An abstract name starts with a NUL; ss shows it as "@".
        s.name = raw[0] === 0
          ? "@" + new TextDecoder().decode(raw.subarray(1))
          : new TextDecoder().decode(raw).replace(/\0.*$/, "");
        break;
      }
      case UNIX_DIAG.VFS:
        if (c.length >= VFS.size) {
          s.vfs = {
            inode: dv.getUint32(c.offset + VFS.at.udiagVfsIno, true),
            dev: dv.getUint32(c.offset + VFS.at.udiagVfsDev, true),
          };
        }
        break;
      case UNIX_DIAG.PEER:
        s.peer = c.u32();
        break;
      case UNIX_DIAG.ICONS: {
        const list: number[] = [];
        for (let i = 0; i + 4 <= c.length; i += 4) list.push(dv.getUint32(c.offset + i, true));
        s.pending = list;
        break;
      }
      case UNIX_DIAG.RQLEN:
        if (c.length >= RQLEN.size) {
          s.rqueue = dv.getUint32(c.offset + RQLEN.at.udiagRqueue, true);
          s.wqueue = dv.getUint32(c.offset + RQLEN.at.udiagWqueue, true);
        }
        break;
      case UNIX_DIAG.MEMINFO:
        s.meminfo = skMeminfo(dv, c.offset, c.length);
        break;
      case UNIX_DIAG.SHUTDOWN:
        s.shutdown = c.u8();
        break;
      case UNIX_DIAG.UID:
        s.uid = c.u32();
        break;
    }
  }
  return s;
}
