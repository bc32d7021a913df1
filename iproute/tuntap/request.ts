/**
 * The arguments of `link("add", { kind: "tuntap", … })` (pyroute2's form) and
 * of `openTunTap(…)`, and their checks.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import type { Ack } from "../methods.ts";
import type { LinkBaseSpec } from "../link/request.ts";
import {
  checkFlagKeys,
  checkOwnership,
  tunFlags,
  type TunOwnership,
  type TunTapFlags,
} from "./device.ts";

/** Link settings applied (RTM_SETLINK) right after a tun/tap device is created. */
export const TUNTAP_LINK_KEYS = [
  "state",
  "arp",
  "promisc",
  "allmulti",
  "multicast",
  "mtu",
  "address",
  "txqlen",
  "master",
  "group",
  "ifalias",
] as const satisfies readonly (keyof LinkBaseSpec)[];

/**
 * A persistent tun/tap device, as `link("add", spec)` creates it through
 * `/dev/net/tun` (the kernel refuses to create them over rtnetlink): `mode`
 * and the queue flags, the owning `uid`/`gid`, and link settings applied
 * after creation (if those fail, the device is removed again). The mapping to
 * `ip tuntap add`: `mode tap` → `mode: "tap"`, `user U` → `uid`, `group G` →
 * `gid`, `pi` → `pi: true`, `vnet_hdr` → `vnetHdr`, `multi_queue` →
 * `multiQueue`, `one_queue` → `oneQueue`, `name X` → `ifname`. pyroute2's
 * `ipr.link("add", ifname=…, kind="tuntap", mode="tap", uid=…, gid=…)` reads
 * the same. The created device reads back as kind `"tun"` (its `data` has
 * `type`, `pi`, `vnetHdr`, `multiQueue`, `persist`, `owner`, `group`).
 */
export interface TunTapSpec extends
  TunTapFlags,
  TunOwnership,
  Pick<
    LinkBaseSpec,
    | "state"
    | "arp"
    | "promisc"
    | "allmulti"
    | "multicast"
    | "mtu"
    | "address"
    | "txqlen"
    | "master"
    | "group"
    | "ifalias"
  > {
  /** Selects this form of `link("add")`. */
  kind: "tuntap";
}

/** What `link("add", { kind: "tuntap", … })` answers: the ack, and the device's name. */
export interface TunTapAck extends Ack {
  /** The name of the new device (the kernel's choice when none or a `%d` template was given). */
  ifname: string;
}

/** `del` of a tun/tap device by name or index (the `tuntap` fields are accepted and ignored, as ip does). */
export interface TunTapDelSpec extends Partial<TunTapFlags> {
  /** Selects this form of `link("del")`. */
  kind: "tuntap";
  /** Interface index or name. */
  index?: number | string;
}

/** The queue options of `openTunTap(spec)`. */
export interface TunTapOpenSpec extends TunTapFlags {
  /** Read buffer size in bytes (default 65600: any frame up to 64 KiB, with the prefixes). */
  bufferSize?: number;
}

/**
 * Checks a tun/tap add spec (ArgumentError naming the argument); splits it
 * into the flags, the ownership and the link settings to apply afterwards.
 */
export function splitTunTapSpec(
  spec: Record<string, unknown>,
): { flags: TunTapFlags; owner: TunOwnership; link: Record<string, unknown> } {
  if (typeof spec !== "object" || spec === null) {
    throw new ArgumentError("spec", "an object", spec);
  }
  checkFlagKeys(
    spec,
    ["kind", "uid", "gid", ...TUNTAP_LINK_KEYS],
    "Cannot create a tun/tap device",
  );
  const flags: TunTapFlags = {
    mode: spec.mode as TunTapFlags["mode"],
    ifname: spec.ifname as string | undefined,
    pi: spec.pi as boolean | undefined,
    vnetHdr: spec.vnetHdr as boolean | undefined,
    multiQueue: spec.multiQueue as boolean | undefined,
    oneQueue: spec.oneQueue as boolean | undefined,
  };
  tunFlags(flags);
  const owner: TunOwnership = {
    uid: spec.uid as number | undefined,
    gid: spec.gid as number | undefined,
  };
  checkOwnership(owner);
  const link: Record<string, unknown> = {};
  for (const k of TUNTAP_LINK_KEYS) if (spec[k] !== undefined) link[k] = spec[k];
  return { flags, owner, link };
}

/** Checks an open spec; returns the flags and the buffer size. */
export function checkTunTapOpenSpec(
  spec: TunTapOpenSpec,
): { flags: TunTapFlags; bufferSize: number } {
  if (typeof spec !== "object" || spec === null) {
    throw new ArgumentError("spec", "an object", spec);
  }
  checkFlagKeys(
    spec as unknown as Record<string, unknown>,
    ["bufferSize"],
    "Cannot open a tun/tap queue",
  );
  const { bufferSize = 65536 + 64, ...flags } = spec;
  if (!Number.isInteger(bufferSize) || bufferSize < 64 || bufferSize > 1 << 24) {
    throw new ArgumentError("bufferSize", "an integer from 64 to 16777216", bufferSize);
  }
  tunFlags(flags);
  return { flags, bufferSize };
}
