/**
 * libudev's uevent format: what udevd re-broadcasts to NETLINK_KOBJECT_UEVENT's
 * udev group after processing a kernel event. Not a kernel uapi: the layout
 * below is `struct monitor_netlink_header` of systemd's
 * src/libsystemd/sd-device/device-monitor.c (the older
 * src/libudev/libudev-monitor.c has the same `struct
 * udev_monitor_netlink_header`), and the hashes are its `string_hash32`
 * (MurmurHash2, seed 0) and `string_bloom64`. Written from that description,
 * not copied.
 *
 * A datagram is the 40-byte header, then `KEY=VALUE\0` properties at
 * `propertiesOff` for `propertiesLen` bytes. `magic` and the filter words are
 * in network byte order (udev's in-kernel BPF filters load them big-endian);
 * `headerSize` and the properties' offset and length are in host order.
 *
 * @module
 */
import { DecodeError } from "../core/errors.ts";

/** `"libudev\0"`: the 8-byte prefix that tells libudev's messages from the kernel's. */
export const LIBUDEV_PREFIX = "libudev\0";

/** `UDEV_MONITOR_MAGIC` (device-monitor.c), stored big-endian at offset 8. */
export const LIBUDEV_MAGIC = 0xfeedcafe;

/**
 * `struct monitor_netlink_header` (device-monitor.c): size, member offsets and
 * types (`be`: network byte order), in the form of the generated layouts.
 */
export const LIBUDEV_HEADER = {
  size: 40,
  at: {
    prefix: 0,
    magic: 8,
    headerSize: 12,
    propertiesOff: 16,
    propertiesLen: 20,
    filterSubsystemHash: 24,
    filterDevtypeHash: 28,
    filterTagBloomHi: 32,
    filterTagBloomLo: 36,
  },
  type: {
    prefix: "binary",
    magic: "u32be",
    headerSize: "u32",
    propertiesOff: "u32",
    propertiesLen: "u32",
    filterSubsystemHash: "u32be",
    filterDevtypeHash: "u32be",
    filterTagBloomHi: "u32be",
    filterTagBloomLo: "u32be",
  },
} as const;

const encoder = new TextEncoder();

/**
 * MurmurHash2 (Austin Appleby's 32-bit hash) of `data` with `seed`: 4-byte
 * blocks read little-endian, as systemd's MurmurHash2.c does on the hosts
 * nlroute runs on. udev hashes strings with seed 0.
 */
export function murmurHash2(data: Uint8Array | string, seed = 0): number {
  const b = typeof data === "string" ? encoder.encode(data) : data;
  const m = 0x5bd1e995;
  let len = b.length;
  let h = (seed ^ len) >>> 0;
  let i = 0;
  while (len >= 4) {
    let k = b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
    i += 4;
    len -= 4;
  }
  // The tail: up to three bytes, the highest first (the reference's fall-through switch).
  if (len > 0) {
    if (len === 3) h ^= b[i + 2]! << 16;
    if (len >= 2) h ^= b[i + 1]! << 8;
    h ^= b[i]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h >>> 0;
}

/**
 * udev's tag bloom bits for one tag (`string_bloom64`): four bits of the
 * 64-bit filter, chosen by 6-bit slices of the tag's hash.
 */
export function tagBloom(tag: string): bigint {
  const h = murmurHash2(tag);
  let bits = 0n;
  for (const shift of [0, 6, 12, 18]) bits |= 1n << BigInt((h >>> shift) & 63);
  return bits;
}

/** The header's fields, decoded. */
export interface LibudevHeader {
  /** Bytes of header the sender knows (40 today). */
  headerSize: number;
  /** Offset of the properties in the datagram. */
  propertiesOff: number;
  /** Length of the properties. */
  propertiesLen: number;
  /** MurmurHash2 of SUBSYSTEM (what udev's socket filters compare). */
  subsystemHash: number;
  /** MurmurHash2 of DEVTYPE (0 when there is none). */
  devtypeHash: number;
  /** The tag bloom filter (`hi << 32 | lo`). */
  tagBloom: bigint;
}

/** Whether a datagram starts with libudev's prefix. */
export function isLibudev(bytes: Uint8Array, off: number, len: number): boolean {
  if (len < 8) return false;
  for (let i = 0; i < 8; i++) if (bytes[off + i] !== LIBUDEV_PREFIX.charCodeAt(i)) return false;
  return true;
}

/**
 * Reads and checks the header of the libudev datagram at `off` (`len` bytes):
 * magic, a header of at least 40 bytes inside the datagram, properties after
 * the header and inside the datagram. Throws {@link DecodeError}.
 */
export function readLibudevHeader(dv: DataView, off: number, len: number): LibudevHeader {
  const H = LIBUDEV_HEADER;
  const what = "libudev uevent";
  if (len < H.size) {
    throw new DecodeError(what, `${len} bytes, shorter than the ${H.size}-byte header`);
  }
  const magic = dv.getUint32(off + H.at.magic, false);
  if (magic !== LIBUDEV_MAGIC) {
    throw new DecodeError(what, `magic 0x${magic.toString(16)}, not 0xfeedcafe`, H.at.magic);
  }
  const headerSize = dv.getUint32(off + H.at.headerSize, true);
  const propertiesOff = dv.getUint32(off + H.at.propertiesOff, true);
  const propertiesLen = dv.getUint32(off + H.at.propertiesLen, true);
  if (headerSize < H.size || headerSize > len) {
    throw new DecodeError(what, `header size ${headerSize} outside ${H.size}…${len}`);
  }
  if (propertiesOff < headerSize || propertiesOff + propertiesLen > len) {
    throw new DecodeError(
      what,
      `properties at ${propertiesOff} (+${propertiesLen}) outside the ${len}-byte datagram after its ${headerSize}-byte header`,
    );
  }
  const hi = dv.getUint32(off + H.at.filterTagBloomHi, false);
  const lo = dv.getUint32(off + H.at.filterTagBloomLo, false);
  return {
    headerSize,
    propertiesOff,
    propertiesLen,
    subsystemHash: dv.getUint32(off + H.at.filterSubsystemHash, false),
    devtypeHash: dv.getUint32(off + H.at.filterDevtypeHash, false),
    tagBloom: (BigInt(hi) << 32n) | BigInt(lo),
  };
}

/**
 * A libudev datagram as udevd sends it (`device_monitor_send_device`):
 * the header with the subsystem and devtype hashes and the tags' bloom filter
 * (from `TAGS=:a:b:` when present), then the properties. For tests and
 * tools that play udevd.
 */
export function encodeLibudev(env: Readonly<Record<string, string>>): Uint8Array {
  const props = encoder.encode(
    Object.entries(env).map(([k, v]) => `${k}=${v}\0`).join(""),
  );
  const H = LIBUDEV_HEADER;
  const out = new Uint8Array(H.size + props.length);
  const dv = new DataView(out.buffer);
  out.set(encoder.encode(LIBUDEV_PREFIX), 0);
  dv.setUint32(H.at.magic, LIBUDEV_MAGIC, false);
  dv.setUint32(H.at.headerSize, H.size, true);
  dv.setUint32(H.at.propertiesOff, H.size, true);
  dv.setUint32(H.at.propertiesLen, props.length, true);
  if (env.SUBSYSTEM !== undefined) {
    dv.setUint32(H.at.filterSubsystemHash, murmurHash2(env.SUBSYSTEM), false);
  }
  if (env.DEVTYPE !== undefined) {
    dv.setUint32(H.at.filterDevtypeHash, murmurHash2(env.DEVTYPE), false);
  }
  let bloom = 0n;
  for (const tag of (env.TAGS ?? "").split(":")) if (tag) bloom |= tagBloom(tag);
  dv.setUint32(H.at.filterTagBloomHi, Number(bloom >> 32n), false);
  dv.setUint32(H.at.filterTagBloomLo, Number(bloom & 0xffffffffn), false);
  out.set(props, H.size);
  return out;
}
