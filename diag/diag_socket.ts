/**
 * Socket diagnostics (NETLINK_SOCK_DIAG): what `ss` lists — inet (TCP, UDP,
 * raw, …; IPv4 and IPv6) and unix sockets, with kernel-side state and
 * address/port filters, tcp_info and memory extensions — and `ss -K`'s
 * socket destroy. pyroute2's DiagSocket, Go's sock_diag.
 *
 * @module
 */
import { AF_INET, AF_INET6, parseIP } from "../core/address.ts";
import { ArgumentError } from "../core/errors.ts";
import type { NetnsRef } from "../core/nsenter.ts";
import { PROTOCOL } from "../core/protocol.ts";
import { NetlinkSocket } from "../core/socket.ts";
import { SOCK_DIAG_MSG, SOCK_DIAG_STRUCTS } from "../core/tables/sock_diag.ts";
import {
  checkInetQuery,
  decodeInet,
  inetBytecode,
  inetFamilies,
  inetProtocol,
  type InetQuery,
  type InetSocket,
  writeInetRequest,
} from "./inet.ts";
import {
  checkUnixQuery,
  decodeUnix,
  type UnixQuery,
  type UnixSocket,
  writeUnixRequest,
} from "./unix.ts";

const REQ = SOCK_DIAG_STRUCTS.inetDiagReqV2;

/** Options of {@link DiagSocket.open}. */
export interface DiagSocketOptions {
  /** Open the socket inside this network namespace (name, path, descriptor, `{ pid }`). */
  netns?: NetnsRef;
  /** Receive buffer size (default 1 MiB). */
  rcvbuf?: number;
}

/**
 * A NETLINK_SOCK_DIAG socket: dumps of inet and unix sockets, and destroy.
 *
 * @example Listing the listening TCP sockets
 * ```ts
 * import { DiagSocket } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using diag = await DiagSocket.open();
 * const listeners = await diag.inet({ protocol: "tcp", states: ["listen"] });
 * assert.ok(listeners.every((s) => s.state === "listen"));
 * ```
 */
export class DiagSocket implements AsyncDisposable {
  readonly #sock: NetlinkSocket;

  private constructor(sock: NetlinkSocket) {
    this.#sock = sock;
  }

  /** Opens a socket diagnostics socket (in `netns` when given). */
  static open(opts: DiagSocketOptions = {}): Promise<DiagSocket> {
    if (opts === null || typeof opts !== "object") {
      return Promise.reject(new ArgumentError("options", "an object", opts));
    }
    for (const k of Object.keys(opts)) {
      if (k !== "netns" && k !== "rcvbuf") {
        return Promise.reject(
          new ArgumentError(k, "netns or rcvbuf", (opts as Record<string, unknown>)[k]),
        );
      }
    }
    try {
      const sock = NetlinkSocket.open({
        protocol: PROTOCOL.SOCK_DIAG,
        ...(opts.netns === undefined ? {} : { netns: opts.netns }),
        ...(opts.rcvbuf === undefined ? {} : { rcvbuf: opts.rcvbuf }),
      });
      return Promise.resolve(new DiagSocket(sock));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Inet sockets of a protocol (TCP by default), IPv4 and IPv6 unless
   * `family` says one; `states`, `local` and `remote` are filtered by the
   * kernel (state bitmask, inet_diag bytecode).
   */
  async inet(query: InetQuery = {}): Promise<InetSocket[]> {
    checkInetQuery(query);
    const protocol = inetProtocol(query.protocol, "protocol");
    const out: InetSocket[] = [];
    for (const family of inetFamilies(query.family)) {
      const bytecode = inetBytecode(query, family);
      if (bytecode === null) continue; // an address of the other family: nothing can match
      const items = await this.#sock.dump({
        type: SOCK_DIAG_MSG.DIAG_BY_FAMILY,
        name: "SOCK_DIAG_BY_FAMILY",
        body: (w) => writeInetRequest(w, query, family, bytecode),
      }, { decode: (m) => decodeInet(m, protocol) }).all();
      for (const s of items) out.push(s);
    }
    return out;
  }

  /** Unix sockets (every state unless `states` says), with every attribute the kernel has. */
  async unix(query: UnixQuery = {}): Promise<UnixSocket[]> {
    checkUnixQuery(query);
    return await this.#sock.dump({
      type: SOCK_DIAG_MSG.DIAG_BY_FAMILY,
      name: "SOCK_DIAG_BY_FAMILY",
      body: (w) => writeUnixRequest(w, query),
    }, { decode: decodeUnix }).all();
  }

  /**
   * Destroys an inet socket, as `ss -K` does (SOCK_DESTROY: the kernel aborts
   * it with ECONNABORTED; needs CONFIG_INET_DIAG_DESTROY and CAP_NET_ADMIN).
   * The socket is named by its addresses, ports, interface and cookie.
   */
  async destroy(
    sock: Pick<InetSocket, "family" | "protocol" | "local" | "remote" | "interface" | "cookie">,
  ): Promise<void> {
    if (sock === null || typeof sock !== "object") {
      throw new ArgumentError("sock", "a socket from inet()", sock);
    }
    if (sock.family !== AF_INET && sock.family !== AF_INET6) {
      throw new ArgumentError("sock.family", "AF_INET (2) or AF_INET6 (10)", sock.family);
    }
    const protocol = inetProtocol(sock.protocol, "sock.protocol");
    const addr = (a: unknown, arg: string) => {
      const ip = typeof a === "string" ? parseIP(a) : undefined;
      if (!ip || ip.family !== sock.family) {
        throw new ArgumentError(arg, `an address of family ${sock.family}`, a);
      }
      return ip.bytes;
    };
    const src = addr(sock.local?.address, "sock.local.address");
    const dst = addr(sock.remote?.address, "sock.remote.address");
    let cookie: bigint;
    try {
      cookie = BigInt(sock.cookie);
    } catch {
      throw new ArgumentError("sock.cookie", "the socket's cookie (a decimal string)", sock.cookie);
    }
    await this.#sock.request({
      type: SOCK_DIAG_MSG.DESTROY,
      name: "SOCK_DESTROY",
      body: (w) => {
        const start = w.pos;
        w.zeros(REQ.size);
        w.buf[start + REQ.at.sdiagFamily] = sock.family;
        w.buf[start + REQ.at.sdiagProtocol] = protocol;
        w.dv.setUint32(start + REQ.at.idiagStates, 0xffffffff, true);
        w.dv.setUint16(start + REQ.at.idiagSport, sock.local.port, false);
        w.dv.setUint16(start + REQ.at.idiagDport, sock.remote.port, false);
        w.buf.set(src, start + REQ.at.idiagSrc);
        w.buf.set(dst, start + REQ.at.idiagDst);
        w.dv.setUint32(start + REQ.at.idiagIf, sock.interface ?? 0, true);
        w.dv.setUint32(start + REQ.at.idiagCookie, Number(cookie & 0xffffffffn), true);
        w.dv.setUint32(start + REQ.at.idiagCookie + 4, Number(cookie >> 32n), true);
      },
    });
  }

  /** Closes the socket (idempotent). */
  close(): void {
    this.#sock.close();
  }

  /** `await using` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  /** `using` closes it. */
  [Symbol.dispose](): void {
    this.close();
  }
}
