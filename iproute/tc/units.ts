/**
 * tc's units: handles (`"1:10"`, `"root"`, `"ingress"`), rates (`"10mbit"`),
 * sizes (`"32kb"`), times (`"50ms"`) and percentages (`"0.5%"`), parsed and
 * printed the way iproute2's tc does (tc/tc_util.c, lib/utils.c), plus the
 * packet-scheduler clock (/proc/net/psched) and the rate tables of
 * tc/tc_core.c. Pure: nothing here talks to the kernel.
 *
 * What `tc -j` prints, for comparison (tc 6.1, checked live):
 * - rates as numbers of bytes per second (`"rate":1250000` for `10mbit`);
 *   the text output prints them with {@link formatRate} (`10Mbit`);
 * - sizes as numbers of bytes (`"burst":32767`; with `-d`, a string such as
 *   `"32Kb/1"`); the text output uses {@link formatSize};
 * - times (tbf's `"lat"`) as numbers of microseconds; the text output uses
 *   {@link formatTime} (`50ms`);
 * - handles and parents as strings in {@link formatHandle}'s form: a qdisc's
 *   `"handle":"8001:"`, an ingress or clsact qdisc's `"handle":"ffff:"` and
 *   `"parent":"ffff:fff1"` (never `"ingress"`); a qdisc at the root has
 *   `"root":true` instead of a parent; filters have `"parent":"1:"` (left out
 *   when the dump asked for one parent).
 *
 * @module
 */
import { readTextFile } from "../../ffi/node.ts";
import { ArgumentError } from "../../core/errors.ts";
import { TC_H, TC_LINKLAYER } from "../../core/tables/tc.ts";

// Handles and link layers: generated from pkt_sched.h (core/tables/tc.ts).
const TC_H_UNSPEC = TC_H.UNSPEC;
const TC_H_ROOT = TC_H.ROOT;
const TC_H_MIN_INGRESS = TC_H.MIN_INGRESS;
const TC_H_MIN_EGRESS = TC_H.MIN_EGRESS;
const TC_LINKLAYER_UNAWARE: number = TC_LINKLAYER.UNAWARE;
const TC_LINKLAYER_ETHERNET: number = TC_LINKLAYER.ETHERNET;
const TC_LINKLAYER_ATM: number = TC_LINKLAYER.ATM;

// include/uapi/linux/atm.h lines 28-29.
const ATM_CELL_SIZE = 53;
const ATM_CELL_PAYLOAD = 48;

const U32_MAX = 0xffffffff;
const TWO_64 = 2 ** 64;
/** tc's TIME_UNITS_PER_SEC (tc/tc_core.h): times are in microseconds. */
const USEC_PER_SEC = 1_000_000;

/** TC_H_MAKE(maj, min) (pkt_sched.h line 72) for a 16-bit major and minor. */
function make(major: number, minor: number): number {
  return ((major << 16) | minor) >>> 0;
}

/** `maj:min`, `maj:` or `:min` in hex, each at most ffff (tc's get_tc_classid), or undefined. */
function classid(s: string): number | undefined {
  const m = /^([0-9a-f]*):([0-9a-f]*)$/i.exec(s);
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  const major = m[1] ? parseInt(m[1], 16) : 0;
  const minor = m[2] ? parseInt(m[2], 16) : 0;
  return major > 0xffff || minor > 0xffff ? undefined : make(major, minor);
}

function checkU32(v: unknown, argument: string, expected: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > U32_MAX) {
    throw new ArgumentError(argument, expected, v);
  }
  return v;
}

const HANDLE_EXPECTED =
  `a handle: "maj:", "maj:min" or ":min" in hex (each at most ffff), "root", "none", ` +
  `"ingress", "clsact" or a 32-bit number`;

/**
 * Parses a qdisc or class handle as tc writes them: `"1:"` is 0x00010000,
 * `"1:10"` is 0x00010010 (both halves hex, as in tc: `"1:a"` is 0x0001000a),
 * `":10"` is 0x00000010, `"ffff:"` is 0xffff0000; `"none"` is 0, `"root"` is
 * TC_H_ROOT (0xffffffff); `"ingress"` and `"clsact"` are the handle tc gives
 * those qdiscs, `ffff:0` = 0xffff0000 (their parent is TC_H_INGRESS,
 * `ffff:fff1`, see {@link parseParent}). A number is taken as the 32-bit
 * handle itself.
 *
 * Stricter than tc: a string without a colon is refused, because tc reads
 * `"1"` as `1:` for a qdisc but as 0x1 for a class; so are hex prefixes,
 * signs and spaces.
 *
 * @throws {ArgumentError} naming `argument` for anything else.
 */
export function parseHandle(v: unknown, argument: string): number {
  if (typeof v === "number") return checkU32(v, argument, HANDLE_EXPECTED);
  if (typeof v === "string") {
    if (v === "none") return TC_H_UNSPEC;
    if (v === "root") return TC_H_ROOT;
    if (v === "ingress" || v === "clsact") return make(0xffff, 0);
    const h = classid(v);
    if (h !== undefined) return h;
  }
  throw new ArgumentError(argument, HANDLE_EXPECTED, v);
}

const PARENT_EXPECTED =
  `a parent: "maj:", "maj:min" or ":min" in hex (each at most ffff), "root", "none", ` +
  `"ingress", "egress" or a 32-bit number`;

/**
 * Parses the parent of a filter or a class (or a qdisc given by handle): the
 * handles of {@link parseHandle}, `"root"` (TC_H_ROOT), `"none"` (0), and
 * tc filter's clsact hooks: `"ingress"` is TC_H_MAKE(TC_H_CLSACT,
 * TC_H_MIN_INGRESS) = `ffff:fff2` = 0xfffffff2, `"egress"` is
 * TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS) = `ffff:fff3` = 0xfffffff3. (The
 * ingress or clsact qdisc itself hangs from TC_H_INGRESS, `ffff:fff1`.)
 *
 * @throws {ArgumentError} naming `argument` for anything else.
 */
export function parseParent(v: unknown, argument: string): number {
  if (typeof v === "number") return checkU32(v, argument, PARENT_EXPECTED);
  if (typeof v === "string") {
    if (v === "none") return TC_H_UNSPEC;
    if (v === "root") return TC_H_ROOT;
    if (v === "ingress") return make(0xffff, TC_H_MIN_INGRESS);
    if (v === "egress") return make(0xffff, TC_H_MIN_EGRESS);
    const h = classid(v);
    if (h !== undefined) return h;
  }
  throw new ArgumentError(argument, PARENT_EXPECTED, v);
}

/**
 * Prints a handle as tc's print_tc_classid does (and so as `tc -j` prints
 * handles and parents): `"root"` for TC_H_ROOT, `"none"` for 0, `":10"` when
 * the major is 0, `"1:"` when the minor is 0, otherwise `"1:10"`, in lower-case
 * hex without padding. Ingress and clsact are not named: their qdisc's handle
 * prints `"ffff:"`, its parent `"ffff:fff1"`, a filter's `"ffff:fff2"`. (tc
 * prints a qdisc's own handle as `"maj:"` always, so `0:` where this says
 * `"none"`.)
 *
 * @throws {ArgumentError} naming `handle` when `h` is not a 32-bit unsigned integer.
 */
export function formatHandle(h: number): string {
  checkU32(h, "handle", "a 32-bit handle");
  if (h === TC_H_ROOT) return "root";
  if (h === TC_H_UNSPEC) return "none";
  const major = h >>> 16;
  const minor = h & 0xffff;
  if (major === 0) return `:${hex16(minor)}`;
  if (minor === 0) return `${hex16(major)}:`;
  return `${hex16(major)}:${hex16(minor)}`;
}

const HEX8 = Array.from({ length: 256 }, (_, i) => i.toString(16));
const HEX8_PADDED = HEX8.map((s) => s.padStart(2, "0"));

/**
 * A number from 0 to 0xffff in lower-case hex without padding, as
 * `n.toString(16)` (from two tables: dumps print a handle or two a message,
 * and toString with a radix measured ~150 ns a call).
 */
export function hex16(n: number): string {
  return n < 256 ? HEX8[n]! : HEX8[n >>> 8]! + HEX8_PADDED[n & 255]!;
}

/** A decimal number at the start of `s` (the part of strtod tc relies on) and the rest. */
function leadingNumber(s: string): [number, string] | undefined {
  const m = /^(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?/i.exec(s);
  return m ? [Number(m[0]), s.slice(m[0].length)] : undefined;
}

/** Rate units in bits per second, matched case-insensitively (tc_util.c's suffixes). */
const RATE_UNITS: ReadonlyMap<string, number> = new Map([
  ["", 1],
  ["bit", 1],
  ["kibit", 1024],
  ["kbit", 1000],
  ["mibit", 1024 ** 2],
  ["mbit", 1e6],
  ["gibit", 1024 ** 3],
  ["gbit", 1e9],
  ["tibit", 1024 ** 4],
  ["tbit", 1e12],
  ["bps", 8],
  ["kibps", 8 * 1024],
  ["kbps", 8e3],
  ["mibps", 8 * 1024 ** 2],
  ["mbps", 8e6],
  ["gibps", 8 * 1024 ** 3],
  ["gbps", 8e9],
  ["tibps", 8 * 1024 ** 4],
  ["tbps", 8e12],
]);

const RATE_EXPECTED = `a rate: bytes per second as a number or bigint, or a string such as ` +
  `"10mbit" (a bare number is bits/s; units bit, kbit, mbit, gbit, tbit, kibit…tibit, ` +
  `bps, kbps…tbps, kibps…tibps for bytes/s)`;

/**
 * Parses a rate into bytes per second, as tc's get_rate64: a string is a
 * decimal number with an optional unit, case-insensitive: bits per second
 * with `bit`, `kbit`, `mbit`, `gbit`, `tbit` (powers of 1000) or `kibit`,
 * `mibit`, `gibit`, `tibit` (powers of 1024); bytes per second with `bps`,
 * `kbps`, `mbps`, `gbps`, `tbps` or `kibps`…`tibps`. With no unit the number
 * is bits per second (`"80000"` is 10000 bytes/s, as tc reads it). The bytes
 * are truncated to an integer (`"1bit"` is 0). A number or bigint is already
 * bytes per second and must be a non-negative integer.
 *
 * The result is a JS number: exact up to 2^53 bytes/s (72 Pbit/s), rounded
 * beyond, up to the u64 limit (2^64 − 1).
 *
 * @throws {ArgumentError} naming `argument` for a bad unit (`"10mbits"`), a
 * negative, empty or non-numeric value, a value past u64, or another type.
 */
export function parseRate(v: unknown, argument: string): number {
  if (typeof v === "bigint") {
    if (v >= 0n && v < 2n ** 64n) return Number(v);
  } else if (typeof v === "number") {
    if (Number.isInteger(v) && v >= 0 && v < TWO_64) return v;
  } else if (typeof v === "string") {
    const n = leadingNumber(v);
    const scale = n && RATE_UNITS.get(n[1].toLowerCase());
    if (n && scale !== undefined) {
      const bytes = Math.trunc(n[0] * scale / 8);
      if (bytes < TWO_64) return bytes;
    }
  }
  throw new ArgumentError(argument, RATE_EXPECTED, v);
}

/**
 * Prints a rate (bytes per second) as tc's print_rate: in bits per second,
 * divided by 1000 while it is at least 1000 and either divisible by 1000 or
 * at least 1000 of the next unit, up to T: `"10Mbit"`, `"1Gbit"`,
 * `"500Kbit"`, `"1500Mbit"`, `"1496bit"`. With `iec` (tc -iec), by 1024 with
 * `Ki`, `Mi`…: `"8Kibit"`.
 *
 * @throws {ArgumentError} naming `rate` unless it is a non-negative integer (number or bigint).
 */
export function formatRate(bytesPerSec: number | bigint, options: { iec?: boolean } = {}): string {
  const ok = typeof bytesPerSec === "bigint"
    ? bytesPerSec >= 0n
    : Number.isInteger(bytesPerSec) && bytesPerSec >= 0;
  if (!ok) {
    throw new ArgumentError("rate", "bytes per second as a non-negative integer", bytesPerSec);
  }
  const kilo = options.iec ? 1024n : 1000n;
  const units = ["", "K", "M", "G", "T"];
  let bits = BigInt(bytesPerSec) * 8n;
  let i = 0;
  for (; i < units.length - 1; i++) {
    if (bits < kilo) break;
    if (bits % kilo !== 0n && bits < 1000n * kilo) break;
    bits /= kilo;
  }
  return `${bits}${units[i]}${options.iec && i > 0 ? "i" : ""}bit`;
}

/** Size units in bytes, matched case-insensitively (tc's get_size). */
const SIZE_UNITS: ReadonlyMap<string, number> = new Map([
  ["", 1],
  ["b", 1],
  ["k", 1024],
  ["kb", 1024],
  ["m", 1024 ** 2],
  ["mb", 1024 ** 2],
  ["g", 1024 ** 3],
  ["gb", 1024 ** 3],
  ["kbit", 1024 / 8],
  ["mbit", 1024 ** 2 / 8],
  ["gbit", 1024 ** 3 / 8],
]);

const SIZE_EXPECTED = `a size: bytes as a number, or a string such as "32kb" (a bare number ` +
  `is bytes; units b, k/kb, m/mb, g/gb (1024s), kbit, mbit, gbit), at most 4294967295 bytes`;

/**
 * Parses a size into bytes, as tc's get_size: a string is a decimal number
 * with an optional unit, case-insensitive: `b`; `k` or `kb` (1024), `m` or
 * `mb` (1024²), `g` or `gb` (1024³); `kbit`, `mbit`, `gbit` (1024, 1024²,
 * 1024³ bits, i.e. 128, 131072, 134217728 bytes). With no unit it is bytes.
 * Truncated to an integer (`"1.5k"` is 1536, `"1.5"` is 1). A number is bytes
 * and must be an integer. Either must fit the kernel's u32 size fields.
 *
 * @throws {ArgumentError} naming `argument` for a bad unit, a negative, empty
 * or non-numeric value, more than 4294967295 bytes, or another type.
 */
export function parseSize(v: unknown, argument: string): number {
  if (typeof v === "number") return checkU32(v, argument, SIZE_EXPECTED);
  if (typeof v === "string") {
    const n = leadingNumber(v);
    const scale = n && SIZE_UNITS.get(n[1].toLowerCase());
    if (n && scale !== undefined) {
      const bytes = Math.trunc(n[0] * scale);
      if (bytes <= U32_MAX) return bytes;
    }
  }
  throw new ArgumentError(argument, SIZE_EXPECTED, v);
}

/**
 * Prints a size (bytes) as tc's print_size: `"NMb"` when it is at least 1 MiB
 * and within 1024 bytes of a whole number of MiB, else `"NKb"` when at least
 * 1 KiB and within 16 bytes of a whole number of KiB, else `"Nb"`: 32767 is
 * `"32Kb"`, 1536 is `"1536b"`, 1048576 is `"1Mb"`.
 *
 * @throws {ArgumentError} naming `size` unless it is a non-negative integer.
 */
export function formatSize(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new ArgumentError("size", "bytes as a non-negative integer", bytes);
  }
  const mib = 1024 * 1024;
  if (bytes >= mib && Math.abs(mib * Math.round(bytes / mib) - bytes) < 1024) {
    return `${Math.round(bytes / mib)}Mb`;
  }
  if (bytes >= 1024 && Math.abs(1024 * Math.round(bytes / 1024) - bytes) < 16) {
    return `${Math.round(bytes / 1024)}Kb`;
  }
  return `${bytes}b`;
}

/** Time units in microseconds, matched case-insensitively (iproute2's get_time). */
const TIME_UNITS: ReadonlyMap<string, number> = new Map([
  ["", 1],
  ["s", USEC_PER_SEC],
  ["sec", USEC_PER_SEC],
  ["secs", USEC_PER_SEC],
  ["ms", 1000],
  ["msec", 1000],
  ["msecs", 1000],
  ["us", 1],
  ["usec", 1],
  ["usecs", 1],
]);

const TIME_EXPECTED = `a time: microseconds as a number, or a string such as "50ms" (a bare ` +
  `number is microseconds; units s/sec/secs, ms/msec/msecs, us/usec/usecs), ` +
  `at most 4294967295 µs`;

/**
 * Parses a time into microseconds, as iproute2's get_time: a string is a
 * decimal number with an optional unit, case-insensitive: `s`, `sec`,
 * `secs`; `ms`, `msec`, `msecs`; `us`, `usec`, `usecs`. With no unit it is
 * microseconds. Truncated to whole microseconds (`"1.5us"` is 1). get_time
 * has no nanoseconds (only the 64-bit get_time64 does), so `"500ns"` is
 * refused rather than truncated to 0. A number is microseconds and must be an
 * integer. Either must fit u32.
 *
 * @throws {ArgumentError} naming `argument` for a bad unit, a negative, empty
 * or non-numeric value, more than 4294967295 µs, or another type.
 */
export function parseTime(v: unknown, argument: string): number {
  if (typeof v === "number") return checkU32(v, argument, TIME_EXPECTED);
  if (typeof v === "string") {
    const n = leadingNumber(v);
    const scale = n && TIME_UNITS.get(n[1].toLowerCase());
    if (n && scale !== undefined) {
      const us = Math.trunc(n[0] * scale);
      if (us <= U32_MAX) return us;
    }
  }
  throw new ArgumentError(argument, TIME_EXPECTED, v);
}

/**
 * Prints a time (microseconds) as iproute2's print_time: from 1 s up in
 * seconds, from 1 ms up in milliseconds, both with printf's `%.3g` (three
 * significant digits, trailing zeros dropped), else whole microseconds:
 * `"1s"`, `"1.23s"`, `"50ms"`, `"962ms"`, `"100us"`. A fraction of a
 * microsecond is dropped (print_time takes a u32).
 *
 * @throws {ArgumentError} naming `time` unless it is a non-negative finite number.
 */
export function formatTime(us: number): string {
  if (typeof us !== "number" || !Number.isFinite(us) || us < 0) {
    throw new ArgumentError("time", "microseconds as a non-negative number", us);
  }
  const t = Math.trunc(us);
  if (t >= USEC_PER_SEC) return `${formatG(t / USEC_PER_SEC, 3)}s`;
  if (t >= 1000) return `${formatG(t / 1000, 3)}ms`;
  return `${t}us`;
}

const PERCENT_EXPECTED = `a percentage: a string from "0%" to "100%" (the "%" may be left ` +
  `out, as in tc) or a fraction from 0 to 1 as a number`;

/**
 * Parses a probability the way tc's netem does (parse_percent, then
 * set_percent): a string is percentage points with an optional `%` — `"1%"`,
 * `"0.5%"`, and, as tc takes them, `"1"` (= 1%) — from 0 to 100; a number is
 * the fraction itself, from 0 to 1. The result is the kernel's scaled u32:
 * rint(fraction × 0xffffffff), rounding halves to even like C's rint; so 100%
 * is 0xffffffff, 50% is 2147483648, 1% is 42949673.
 *
 * @throws {ArgumentError} naming `argument` for anything out of range, another
 * suffix, an empty or non-numeric value, or another type.
 */
export function parsePercent(v: unknown, argument: string): number {
  let fraction: number | undefined;
  if (typeof v === "number") {
    if (v >= 0 && v <= 1) fraction = v;
  } else if (typeof v === "string") {
    const n = leadingNumber(v);
    if (n && (n[1] === "" || n[1] === "%") && n[0] <= 100) fraction = n[0] / 100;
  }
  if (fraction === undefined) throw new ArgumentError(argument, PERCENT_EXPECTED, v);
  return rint(fraction * U32_MAX);
}

/**
 * Prints a scaled u32 probability as tc's text output does (`%g%%` of
 * 100 × value / 0xffffffff, six significant digits): 42949673 is `"1%"`,
 * 0xffffffff is `"100%"`. (`tc -j` prints the fraction instead, 0.01 for 1%.)
 *
 * @throws {ArgumentError} naming `percent` unless it is a u32.
 */
export function formatPercent(scaled: number): string {
  checkU32(scaled, "percent", "a scaled probability (a 32-bit unsigned integer)");
  return `${formatG(100 * scaled / U32_MAX, 6)}%`;
}

// The packet scheduler's clock (tc/tc_core.c's tc_core_init).

/**
 * /proc/net/psched when it cannot be read: what every kernel since 2.6.31
 * writes (net/sched/sch_api.c psched_show): NSEC_PER_USEC, PSCHED_TICKS2NS(1)
 * = 64 (PSCHED_SHIFT 6, include/net/pkt_sched.h), 1000000, and NSEC_PER_SEC /
 * hrtimer_resolution (tc does not read the last one).
 */
const PSCHED_DEFAULT = "000003e8 00000040 000f4240 3b9aca00";

let tickCache: number | undefined;

/**
 * Ticks per microsecond, tc_core_init's tick_in_usec: from `psched` (the text
 * of /proc/net/psched) when given, else from /proc/net/psched itself, read
 * once (with the kernel's fixed values when it cannot be read or parsed).
 * Its first three hex words are t2us, us2t and clock_res; clock_factor =
 * clock_res / 1000000 and tick_in_usec = t2us / us2t × clock_factor, except
 * that a clock_res of 1000000000 makes t2us = us2t (tc's compatibility hack
 * for nanosecond clocks). Current kernels write `000003e8 00000040 000f4240
 * 3b9aca00`: clock_res is the third word, 1000000, so a tick is 64 ns and
 * this is 15.625.
 */
export function tickInUsec(psched?: string): number {
  if (psched !== undefined) return tickFrom(psched) ?? tickFrom(PSCHED_DEFAULT)!;
  if (tickCache === undefined) {
    let text: string | undefined;
    try {
      text = readTextFile("/proc/net/psched");
    } catch {
      text = undefined;
    }
    tickCache = (text === undefined ? undefined : tickFrom(text)) ?? tickFrom(PSCHED_DEFAULT)!;
  }
  return tickCache;
}

let hzCache: number | undefined;

/**
 * The packet scheduler's clock rate as tc's get_hz reads it: the fourth word
 * of /proc/net/psched when the third is 1000000 (1000000000 on current
 * kernels), else 100 (tc's HZ fallback). tc's default htb bursts are
 * rate / this + mtu.
 */
export function schedHz(): number {
  if (hzCache === undefined) {
    let words: string[] = [];
    try {
      words = readTextFile("/proc/net/psched").trim().split(/\s+/);
    } catch {
      words = [];
    }
    hzCache = words.length >= 4 && parseInt(words[2]!, 16) === USEC_PER_SEC
      ? parseInt(words[3]!, 16)
      : 100;
  }
  return hzCache;
}

function tickFrom(text: string): number | undefined {
  const words = text.trim().split(/\s+/);
  if (words.length < 3 || !words.slice(0, 3).every((w) => /^[0-9a-f]{1,8}$/i.test(w))) {
    return undefined;
  }
  let t2us = parseInt(words[0]!, 16);
  const us2t = parseInt(words[1]!, 16);
  const clockRes = parseInt(words[2]!, 16);
  if (us2t === 0) return undefined;
  if (clockRes === 1_000_000_000) t2us = us2t;
  return t2us / us2t * (clockRes / USEC_PER_SEC);
}

function checkNonNegative(v: unknown, argument: string, expected: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new ArgumentError(argument, expected, v);
  }
  return v;
}

/**
 * Microseconds to packet-scheduler ticks (tc_core_time2tick): `us` ×
 * {@link tickInUsec}, truncated to an integer as tc stores it in a u32 field:
 * 1000 µs is 15625 ticks on current kernels.
 *
 * @throws {ArgumentError} naming `time` for a negative or non-finite value, or
 * one whose ticks do not fit u32 (tc's tc_core_time2big check).
 */
export function timeToTicks(us: number): number {
  checkNonNegative(us, "time", "microseconds as a non-negative number");
  const ticks = Math.trunc(us * tickInUsec());
  if (ticks > U32_MAX) {
    throw new ArgumentError("time", `at most ${Math.floor(U32_MAX / tickInUsec())} µs`, us);
  }
  return ticks;
}

/**
 * Packet-scheduler ticks to microseconds (tc_core_tick2time): `ticks` /
 * {@link tickInUsec}, not rounded (current tc keeps it a double; truncate it
 * to print it as tc does, e.g. with {@link formatTime}).
 *
 * @throws {ArgumentError} naming `ticks` unless it is a u32.
 */
export function ticksToTime(ticks: number): number {
  checkU32(ticks, "ticks", "ticks as a 32-bit unsigned integer");
  return ticks / tickInUsec();
}

function checkRate(rate: unknown): number {
  if (typeof rate !== "number" || !Number.isFinite(rate) || rate <= 0) {
    throw new ArgumentError("rate", "bytes per second as a positive number", rate);
  }
  return rate;
}

/**
 * The ticks to send `size` bytes at `rate` bytes per second, as current
 * iproute2's tc_calc_xmittime: ceil(1000000 × size / rate × tick_in_usec),
 * capped at 0xffffffff (the kernel's fields are u32). Rounding up (iproute2's
 * 2025 fix) makes the time always enough for the size; tc 6.1 truncated the
 * microseconds and the ticks instead (26214.4 µs gives 409600 here, 409593
 * there), so the two agree only when both products are whole.
 *
 * @throws {ArgumentError} naming `size` (a non-negative number) or `rate` (a positive one).
 */
export function txTime(sizeBytes: number, rateBytesPerSec: number): number {
  checkNonNegative(sizeBytes, "size", "bytes as a non-negative number");
  checkRate(rateBytesPerSec);
  const ticks = Math.ceil(USEC_PER_SEC * (sizeBytes / rateBytesPerSec) * tickInUsec());
  return Math.min(ticks, U32_MAX);
}

/**
 * The bytes sent in `ticks` at `rate` bytes per second, as tc_calc_xmitsize:
 * rate × ticks / tick_in_usec / 1000000, truncated to an integer. What tc
 * prints for a burst (tbf's, htb's) is this of the ticks the kernel returns.
 *
 * @throws {ArgumentError} naming `ticks` (a u32) or `rate` (a positive number).
 */
export function txSize(ticks: number, rateBytesPerSec: number): number {
  checkU32(ticks, "ticks", "ticks as a 32-bit unsigned integer");
  checkRate(rateBytesPerSec);
  return Math.trunc(rateBytesPerSec * (ticks / tickInUsec()) / USEC_PER_SEC);
}

/** What {@link rateTable} takes: tc_ratespec's rate, cell_log, mpu and link layer. */
export interface RateTableSpec {
  /** Bytes per second (the 64-bit rate: tc_calc_rtable_64 uses it whole). */
  rate: number;
  /** log2 of the bytes per table slot; left out (or -1), the smallest that covers the MTU in 256 slots. */
  cellLog?: number;
  /** Minimum packet unit: smaller packets count as this many bytes (0 to 65535, default 0). */
  mpu?: number;
  /** TC_LINKLAYER_ETHERNET (1, the default), TC_LINKLAYER_ATM (2) or TC_LINKLAYER_UNAWARE (0). */
  linklayer?: number;
}

/** A rate table (TCA_HTB_RTAB, TCA_TBF_RTAB…) and the tc_ratespec fields that describe it. */
export interface RateTable {
  /** tc_ratespec.cell_log: slot `i` is for packets up to (i + 1) << cellLog bytes. */
  cellLog: number;
  /** tc_ratespec.cell_align: always -1 (the table's sizes are slot ends). */
  cellAlign: number;
  /** tc_ratespec.linklayer (masked with TC_LINKLAYER_MASK). */
  linklayer: number;
  /** The 256 transmit times in ticks: the attribute's 1024 bytes in host order. */
  table: Uint32Array;
}

/**
 * Builds a rate table as tc_calc_rtable_64: `cellLog` defaults to the
 * smallest with (mtu >> cellLog) <= 255 (3 for the default MTU 2047; an mtu
 * of 0 means 2047, as in tc); slot i holds {@link txTime} of (i + 1) <<
 * cellLog bytes, raised to `mpu` and, for ATM, rounded up to whole cells
 * (tc_adjust_size, tc_align_to_atm: ceil(size / 48) × 53). tc_ratespec's
 * other fields come back with it.
 *
 * @throws {ArgumentError} naming `rate`, `cellLog` (-1 or 0 to 31), `mpu`,
 * `linklayer` or `mtu` (a u32) when out of range.
 */
export function rateTable(rate: RateTableSpec, mtu = 2047): RateTable {
  if (typeof rate !== "object" || rate === null) {
    throw new ArgumentError("rate", "an object with rate (and cellLog, mpu, linklayer)", rate);
  }
  const bps = checkRate(rate.rate);
  const mpu = rate.mpu ?? 0;
  if (!Number.isInteger(mpu) || mpu < 0 || mpu > 0xffff) {
    throw new ArgumentError("mpu", "bytes from 0 to 65535", mpu);
  }
  const linklayer = rate.linklayer ?? TC_LINKLAYER_ETHERNET;
  if (![TC_LINKLAYER_UNAWARE, TC_LINKLAYER_ETHERNET, TC_LINKLAYER_ATM].includes(linklayer)) {
    throw new ArgumentError("linklayer", "0 (unaware), 1 (ethernet) or 2 (atm)", linklayer);
  }
  checkU32(mtu, "mtu", "bytes as a 32-bit unsigned integer");
  const maxSize = mtu === 0 ? 2047 : mtu;
  let cellLog = rate.cellLog ?? -1;
  if (!Number.isInteger(cellLog) || cellLog < -1 || cellLog > 31) {
    throw new ArgumentError("cellLog", "-1 (computed) or an integer from 0 to 31", cellLog);
  }
  if (cellLog < 0) {
    cellLog = 0;
    while (Math.floor(maxSize / 2 ** cellLog) > 255) cellLog++;
  }
  const table = new Uint32Array(256);
  // txTime of each size, its checks and the clock read once (the same arithmetic).
  const tick = tickInUsec();
  const cell = 2 ** cellLog;
  for (let i = 0; i < 256; i++) {
    let size = Math.max((i + 1) * cell, mpu);
    if (linklayer === TC_LINKLAYER_ATM) size = Math.ceil(size / ATM_CELL_PAYLOAD) * ATM_CELL_SIZE;
    table[i] = Math.min(Math.ceil(USEC_PER_SEC * (size / bps) * tick), U32_MAX);
  }
  return { cellLog, cellAlign: -1, linklayer, table };
}

/** C's rint (round half to even) for a non-negative number. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * printf's `%.<precision>g` for a positive finite number: `precision`
 * significant digits, rounded half-to-even on the exact value as glibc does,
 * trailing zeros dropped, exponent form below 1e-4 or from 10^precision.
 */
export function formatG(x: number, precision: number): string {
  if (x === 0) return "0";
  // toExponential(99) is the exact decimal value of every double formatted here.
  const [mantissa, e] = x.toExponential(99).split("e") as [string, string];
  const all = mantissa.replace(".", "");
  let exp = Number(e);
  let digits = all.slice(0, precision);
  const rest = all.slice(precision);
  const up = rest[0]! > "5" ||
    (rest[0] === "5" && (/[1-9]/.test(rest.slice(1)) || Number(digits.at(-1)) % 2 === 1));
  if (up) {
    const bumped = (BigInt(digits) + 1n).toString();
    if (bumped.length > precision) exp++;
    digits = bumped.slice(0, precision);
  }
  if (exp < -4 || exp >= precision) {
    return `${point(digits[0]!, digits.slice(1))}e${exp < 0 ? "-" : "+"}${
      String(Math.abs(exp)).padStart(2, "0")
    }`;
  }
  if (exp >= 0) return point(digits.slice(0, exp + 1), digits.slice(exp + 1));
  return point("0", "0".repeat(-exp - 1) + digits);
}

/** `int.frac` with the fraction's trailing zeros (and then a bare point) dropped. */
function point(int: string, frac: string): string {
  const f = frac.replace(/0+$/, "");
  return f ? `${int}.${f}` : int;
}
