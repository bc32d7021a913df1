/**
 * What `ss` prints, for `nlroute ss`: each socket's fields in ss's columns
 * (Netid, State, Recv-Q, Send-Q, Local Address:, Port, Peer Address:, Port,
 * Process — the last holds `-e`'s details and, on a line of its own after a
 * tab, `-m`'s skmem and `-i`'s tcp_info), laid out as ss 6.1's renderer
 * lays them out: each column as wide as its widest field (the header's
 * included, the last row's Process field not: ss never measures it) plus its
 * one-space delimiter, addresses right-aligned; when
 * standard output is a terminal, the spare width of the screen is spread
 * over the columns as ss spreads it. Numbers only: ports and addresses are
 * not resolved (as `ss -n`).
 *
 * @module
 */
import { AF_INET6, parseIP } from "../../core/address.ts";
import type { InetSocket, UnixSocket } from "../../mod.ts";
import type { SsArgs } from "../parse/ss.ts";

/** A column: header, alignment and the delimiter printed before it. */
interface Column {
  header: string;
  right: boolean;
  ldelim: string;
}

/** ss.c's columns (COL_NETID … COL_PROC). */
const COLUMNS: readonly Column[] = [
  { header: "Netid", right: false, ldelim: "" },
  { header: "State", right: false, ldelim: " " },
  { header: "Recv-Q", right: false, ldelim: " " },
  { header: "Send-Q", right: false, ldelim: " " },
  { header: "Local Address:", right: true, ldelim: " " },
  { header: "Port", right: false, ldelim: "" },
  { header: "Peer Address:", right: true, ldelim: " " },
  { header: "Port", right: false, ldelim: "" },
  { header: "Process", right: false, ldelim: "" },
];

/** One line of the table: a field per column (9). */
export type SsRow = string[];

const byteLength = (s: string) => new TextEncoder().encode(s).length;

/**
 * Lays out rows as ss's render() does. `enabled[i]` is false for a column ss
 * disables (Netid with one table, State with one state); `screen` is the
 * terminal's width, or undefined when standard output is not a terminal
 * (ss's compact output: no spreading).
 */
export function renderTable(
  rows: SsRow[],
  enabled: readonly boolean[],
  header: boolean,
  screen?: number,
): string {
  const all = header ? [COLUMNS.map((c) => c.header), ...rows] : rows;
  if (all.length === 0) return "";
  const cols = COLUMNS.map((c, i) => ({ ...c, i, width: 0 })).filter((c) => enabled[c.i]);
  // ss measures a field when it moves past it: the last row's Process field,
  // still open when the table is rendered, is never measured.
  const last = rows.length ? all[all.length - 1] : undefined;
  const max = cols.map((c) =>
    Math.max(
      0,
      ...all.map((r) => (r === last && c.i === COLUMNS.length - 1 ? 0 : byteLength(r[c.i] ?? ""))),
    )
  );
  let first = true;
  cols.forEach((c, k) => {
    c.width = !first && max[k]! ? max[k]! + c.ldelim.length : max[k]!;
    if (screen !== undefined) c.width = Math.min(c.width, screen);
    if (c.width) first = false;
  });
  if (screen !== undefined) spread(cols, screen);
  let out = "";
  for (const r of all) {
    let line = "";
    cols.forEach((c, k) => {
      const text = r[c.i] ?? "";
      let printed = 0;
      if (k > 0) {
        line += c.ldelim;
        printed = c.ldelim.length;
      }
      const len = byteLength(text);
      if (c.width && c.right) {
        const s = c.width - len - printed;
        if (s > 0) {
          line += " ".repeat(s);
          printed += s;
        }
      }
      line += text;
      printed += len;
      if (c.width && !c.right && c.width - printed > 0) line += " ".repeat(c.width - printed);
    });
    out += line + "\n";
  }
  return out;
}

/** ss's second pass: break lines at the screen width and spread the spare space. */
function spread(cols: { width: number }[], screen: number): void {
  let len = 0;
  let linecols = 0;
  let eol = -1;
  for (let c = 0; c < cols.length; c++) {
    if (!cols[c]!.width) continue;
    linecols++;
    len += cols[c]!.width;
    const last = !cols.slice(c + 1).some((x) => x.width);
    if (!last && len < screen) continue;
    if (len !== screen) {
      if (len > screen) {
        len -= cols[c]!.width;
        c--;
        linecols--;
      }
      const pad = screen - len;
      const spacing = linecols ? Math.floor(pad / linecols) : 0;
      let rem = linecols ? pad % linecols : 0;
      for (let t = c; t > eol; t--) {
        if (!cols[t]!.width) continue;
        cols[t]!.width += spacing;
        if (rem) {
          cols[t]!.width++;
          rem--;
        }
      }
    }
    eol = c;
    len = 0;
    linecols = 0;
  }
}

/** ss's state words, by state number. */
const STATE_WORDS = [
  "UNKNOWN",
  "ESTAB",
  "SYN-SENT",
  "SYN-RECV",
  "FIN-WAIT-1",
  "FIN-WAIT-2",
  "TIME-WAIT",
  "UNCONN",
  "CLOSE-WAIT",
  "LAST-ACK",
  "LISTEN",
  "CLOSING",
];

const UNIX_NETID: Record<string, string> = {
  stream: "u_str",
  seqpacket: "u_seq",
  dgram: "u_dgr",
};

/** C's `%g`: six significant digits, trailing zeros dropped, exponent form outside 1e-4..1e6. */
export function fmtG(x: number): string {
  if (x === 0) return "0";
  if (!Number.isFinite(x)) return String(x);
  const [mant, expText] = x.toExponential(5).split("e");
  const e = Number(expText);
  if (e < -4 || e >= 6) {
    const m = mant!.includes(".") ? mant!.replace(/0+$/, "").replace(/\.$/, "") : mant!;
    return `${m}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  const f = x.toFixed(Math.max(0, 5 - e));
  return f.includes(".") ? f.replace(/0+$/, "").replace(/\.$/, "") : f;
}

/** ss's print_ms_timer. */
export function msTimer(timeout: number): string {
  let secs = Math.floor(timeout / 1000);
  const minutes = Math.floor(secs / 60);
  secs %= 60;
  let msecs = timeout % 1000;
  let buf = "";
  if (minutes) {
    msecs = 0;
    buf = `${minutes}min`;
    if (minutes > 9) secs = 0;
  }
  if (secs) {
    if (secs > 9) msecs = 0;
    buf += `${secs}${msecs ? "." : "sec"}`;
  }
  if (msecs) buf += `${String(msecs).padStart(3, "0")}ms`;
  return buf;
}

const TIMER_NAMES = ["off", "on", "keepalive", "timewait", "persist", "unknown"];

/** ss's skmem:(…) from a memory counters object (ss's print_skmeminfo). */
export function skmemText(m: Record<string, number>): string {
  let s = ` skmem:(r${m.rmemAlloc ?? 0},rb${m.rcvbuf ?? 0},t${m.wmemAlloc ?? 0},tb${
    m.sndbuf ?? 0
  },f${m.fwdAlloc ?? 0},w${m.wmemQueued ?? 0},o${m.optmem ?? 0}`;
  if (m.backlog !== undefined) s += `,bl${m.backlog}`;
  if (m.drops !== undefined) s += `,d${m.drops}`;
  return s + ")";
}

/** A u64 the kernel sends as all ones ("unknown"), as a Number. */
const U64_MAX = 2 ** 64;

/** ss's tcp_stats_print from a tcp_info (`-i`); `options`: `-o`/`-e`'s option flags. */
export function tcpInfoText(
  sock: Pick<InetSocket, "cong" | "stateId" | "bbr" | "vegas" | "dctcp"> & {
    info: Record<string, number>;
  },
  options: boolean,
): string {
  const { info, cong, stateId } = sock;
  const v = (k: string) => info[k] ?? 0;
  const opt = v("options");
  let s = "";
  if (options) {
    if (opt & 1) s += " ts";
    if (opt & 2) s += " sack";
    if (opt & 8) s += " ecn";
    if (opt & 16) s += " ecnseen";
    if (opt & 32) s += " fastopen";
  }
  if (cong) s += ` ${cong}`;
  if (opt & 4) s += ` wscale:${v("sndWscale")},${v("rcvWscale")}`;
  const rto = v("rto") && v("rto") !== 3000000 ? v("rto") / 1000 : 0;
  if (rto) s += ` rto:${fmtG(rto)}`;
  if (v("backoff")) s += ` backoff:${v("backoff")}`;
  if (v("rtt")) s += ` rtt:${fmtG(v("rtt") / 1000)}/${fmtG(v("rttvar") / 1000)}`;
  if (v("ato")) s += ` ato:${fmtG(v("ato") / 1000)}`;
  if (v("sndMss")) s += ` mss:${v("sndMss")}`;
  if (v("pmtu")) s += ` pmtu:${v("pmtu")}`;
  if (v("rcvMss")) s += ` rcvmss:${v("rcvMss")}`;
  if (v("advmss")) s += ` advmss:${v("advmss")}`;
  if (v("sndCwnd")) s += ` cwnd:${v("sndCwnd")}`;
  if (v("sndSsthresh") && v("sndSsthresh") < 0xffff) s += ` ssthresh:${v("sndSsthresh")}`;
  for (
    const [k, name] of [
      ["bytesSent", "bytes_sent"],
      ["bytesRetrans", "bytes_retrans"],
      ["bytesAcked", "bytes_acked"],
      ["bytesReceived", "bytes_received"],
      ["segsOut", "segs_out"],
      ["segsIn", "segs_in"],
      ["dataSegsOut", "data_segs_out"],
      ["dataSegsIn", "data_segs_in"],
    ] as const
  ) if (v(k)) s += ` ${name}:${v(k)}`;
  const d = sock.dctcp;
  if (d && d.enabled) {
    s += ` dctcp:(ce_state:${d.ceState},alpha:${d.alpha},ab_ecn:${d.abEcn},ab_tot:${d.abTot})`;
  } else if (d) s += " dctcp:fallback_mode";
  const b = sock.bbr;
  if (b) {
    s += ` bbr:(bw:${(b.bw * 8).toFixed(0)}bps,mrtt:${fmtG(b.minRtt / 1000)}`;
    if (b.pacingGain) s += `,pacing_gain:${fmtG(b.pacingGain / 256)}`;
    if (b.cwndGain) s += `,cwnd_gain:${fmtG(b.cwndGain / 256)}`;
    s += ")";
  }
  // ss takes vegas's RTT, when it has one, for the send rate.
  const vg = sock.vegas;
  const rtt = vg && vg.enabled && vg.rtt && vg.rtt !== 0x7fffffff ? vg.rtt : v("rtt");
  if (rtt > 0 && v("sndMss") && v("sndCwnd")) {
    s += ` send ${(v("sndCwnd") * v("sndMss") * 8000000 / rtt).toFixed(0)}bps`;
  }
  if (v("lastDataSent")) s += ` lastsnd:${v("lastDataSent")}`;
  if (v("lastDataRecv")) s += ` lastrcv:${v("lastDataRecv")}`;
  if (v("lastAckRecv")) s += ` lastack:${v("lastAckRecv")}`;
  if (v("pacingRate") && v("pacingRate") < U64_MAX) {
    s += ` pacing_rate ${(v("pacingRate") * 8).toFixed(0)}bps`;
    if (v("maxPacingRate") && v("maxPacingRate") < U64_MAX) {
      s += `/${(v("maxPacingRate") * 8).toFixed(0)}bps`;
    }
  }
  if (v("deliveryRate")) s += ` delivery_rate ${(v("deliveryRate") * 8).toFixed(0)}bps`;
  if (v("delivered")) s += ` delivered:${v("delivered")}`;
  if (v("deliveredCe")) s += ` delivered_ce:${v("deliveredCe")}`;
  if (v("deliveryRateAppLimited")) s += " app_limited";
  const busy = v("busyTime");
  if (busy) {
    s += ` busy:${Math.floor(busy / 1000)}ms`;
    if (v("rwndLimited")) {
      s += ` rwnd_limited:${Math.floor(v("rwndLimited") / 1000)}ms(${
        (100 * v("rwndLimited") / busy).toFixed(1)
      }%)`;
    }
    if (v("sndbufLimited")) {
      s += ` sndbuf_limited:${Math.floor(v("sndbufLimited") / 1000)}ms(${
        (100 * v("sndbufLimited") / busy).toFixed(1)
      }%)`;
    }
  }
  if (v("unacked")) s += ` unacked:${v("unacked")}`;
  if (v("retrans") || v("totalRetrans")) s += ` retrans:${v("retrans")}/${v("totalRetrans")}`;
  if (v("lost")) s += ` lost:${v("lost")}`;
  if (v("sacked") && stateId !== 10) s += ` sacked:${v("sacked")}`;
  if (v("dsackDups")) s += ` dsack_dups:${v("dsackDups")}`;
  if (v("fackets")) s += ` fackets:${v("fackets")}`;
  if (v("reordering") !== 3) s += ` reordering:${v("reordering")}`;
  if (v("reordSeen")) s += ` reord_seen:${v("reordSeen")}`;
  if (v("rcvRtt")) s += ` rcv_rtt:${fmtG(v("rcvRtt") / 1000)}`;
  if (v("rcvSpace")) s += ` rcv_space:${v("rcvSpace")}`;
  if (v("rcvSsthresh")) s += ` rcv_ssthresh:${v("rcvSsthresh")}`;
  if (v("notsentBytes")) s += ` notsent:${v("notsentBytes")}`;
  if (v("minRtt") && v("minRtt") !== 0xffffffff) s += ` minrtt:${fmtG(v("minRtt") / 1000)}`;
  if (v("rcvOoopack")) s += ` rcv_ooopack:${v("rcvOoopack")}`;
  if (v("sndWnd")) s += ` snd_wnd:${v("sndWnd")}`;
  return s;
}

/** What formatting a socket needs besides the socket: interface and cgroup names. */
export interface SsContext {
  /** The name of an interface index (for `addr%dev`). */
  ifname(index: number): string;
  /** A cgroup id as ss prints it (the path, or `unreachable:ID`). */
  cgroup(id: number): string;
}

/** The address field of an inet end (ss's inet_addr_print): `*`, `[v6]`, `addr%dev`, and the colon. */
function inetAddr(address: string, family: number, v6only: boolean, ifname?: string): string {
  let a = address;
  if (family === AF_INET6) {
    const any = parseIP(address)?.bytes.every((b) => b === 0) ?? false;
    a = !v6only && any ? "*" : `[${address}]`;
  }
  return (ifname ? `${a}%${ifname}` : a) + ":";
}

/** One inet socket's fields (ss's inet_show_sock). */
export function inetRow(s: InetSocket, a: SsArgs, ctx: SsContext): SsRow {
  const v6only = s.v6only === true;
  let proc = "";
  if (a.timer && s.timer) {
    const t = s.timer > 4 ? 5 : s.timer;
    proc += ` timer:(${TIMER_NAMES[t]},${msTimer(s.expires)},${s.retrans})`;
  }
  if (a.extended) {
    if (s.uid) proc += ` uid:${s.uid}`;
    proc += ` ino:${s.inode} sk:${BigInt(s.cookie).toString(16)}`;
    if (s.mark) proc += ` fwmark:0x${s.mark.toString(16)}`;
    if (s.cgroupId) proc += ` cgroup:${ctx.cgroup(s.cgroupId)}`;
    if (s.family === AF_INET6 && s.v6only !== undefined) proc += ` v6only:${v6only ? 1 : 0}`;
    if (s.shutdown !== undefined) {
      proc += ` ${s.shutdown & 1 ? "-" : "<"}-${s.shutdown & 2 ? "-" : ">"}`;
    }
  }
  if (a.memory || (a.info && s.protocol !== "udp")) {
    proc += "\n\t";
    if (s.skmeminfo) proc += skmemText(s.skmeminfo);
    else if (s.meminfo) {
      const m = s.meminfo;
      proc += ` mem:(r${m.rmem},w${m.wmem},f${m.fmem},t${m.tmem})`;
    }
    if (s.info) proc += tcpInfoText({ ...s, info: s.info }, a.timer);
  }
  return [
    s.protocol,
    STATE_WORDS[s.stateId] ?? "UNKNOWN",
    String(s.rqueue).padEnd(6),
    String(s.wqueue).padEnd(6),
    inetAddr(s.local.address, s.family, v6only, s.interface ? ctx.ifname(s.interface) : undefined),
    s.local.port ? String(s.local.port) : "*",
    inetAddr(s.remote.address, s.family, v6only),
    s.remote.port ? String(s.remote.port) : "*",
    proc,
  ];
}

/** glibc's major() and minor() of a device number. */
function majorMinor(dev: number): string {
  return `${(dev >>> 8) & 0xfff}/${(dev & 0xff) | ((dev >>> 12) & 0xfff00)}`;
}

/** One unix socket's fields (ss's unix_show_sock). */
export function unixRow(s: UnixSocket, a: SsArgs): SsRow {
  let proc = "";
  if (a.memory && s.meminfo) proc += skmemText(s.meminfo);
  if (a.extended) {
    if (s.shutdown !== undefined) {
      proc += ` ${s.shutdown & 1 ? "-" : "<"}-${s.shutdown & 2 ? "-" : ">"}`;
    }
    if (s.vfs) proc += ` ino:${s.vfs.inode} dev:${majorMinor(s.vfs.dev)}`;
    if (s.pending) proc += " peers:" + s.pending.map((p) => ` ${p}`).join("");
  }
  // ss replaces every NUL of an abstract name with "@".
  const name = s.name === undefined ? "*" : s.name.replace(/\0/g, "@");
  return [
    UNIX_NETID[s.type] ?? "u_dgr",
    STATE_WORDS[s.stateId] ?? "UNKNOWN",
    String(s.rqueue ?? 0).padEnd(6),
    String(s.wqueue ?? 0).padEnd(6),
    name + " ",
    String(s.inode),
    "* ",
    String(s.peer ?? 0),
    proc,
  ];
}
