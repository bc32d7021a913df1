/**
 * WireGuard's device dump, whole: the kernel splits one device over several
 * messages when its peers or a peer's allowed IPs do not fit one, and leaves
 * the joining to the receiver (the `get-device` documentation of the spec).
 *
 * @module
 */
import type { WireguardWgdeviceReply, WireguardWgpeerReply } from "./families/wireguard.ts";
import type { GenlFamilies } from "./families/mod.ts";
import type { GenlFamily } from "./family.ts";
import { ArgumentError } from "../core/errors.ts";

/**
 * Joins the messages of one `get-device` dump into one device: the first
 * message carries the device's attributes; each later one its name and more
 * peers, and a peer that continues from the previous message (the same
 * public key, only allowed IPs) gets those allowed IPs appended.
 *
 * @example Two messages: the second continues the first's last peer, then adds one
 * ```ts
 * import { coalesceWireguardDevice } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * const a = "AA==", b = "Ag==";
 * const dev = coalesceWireguardDevice([
 *   { ifindex: 5, ifname: "wg0", listenPort: 51820, peers: [{ publicKey: a, allowedips: [{ cidrMask: 24 }] }] },
 *   { ifname: "wg0", peers: [{ publicKey: a, allowedips: [{ cidrMask: 16 }] }, { publicKey: b }] },
 * ]);
 * assert.equal(dev.listenPort, 51820);
 * assert.deepEqual(dev.peers?.map((p) => p.publicKey), [a, b]);
 * assert.deepEqual(dev.peers?.[0]?.allowedips?.map((ip) => ip.cidrMask), [24, 16]);
 * ```
 */
export function coalesceWireguardDevice(
  messages: readonly WireguardWgdeviceReply[],
): WireguardWgdeviceReply {
  const first = messages[0];
  if (!first) throw new ArgumentError("messages", "at least one get-device reply", messages);
  const peers: WireguardWgpeerReply[] = [];
  let last: WireguardWgpeerReply | undefined;
  messages.forEach((m, i) => {
    if (
      i > 0 && m.ifname !== undefined && first.ifname !== undefined && m.ifname !== first.ifname
    ) {
      throw new ArgumentError(
        `messages[${i}].ifname`,
        `the same device as the first message (${first.ifname})`,
        m.ifname,
      );
    }
    (m.peers ?? []).forEach((p, j) => {
      if (j === 0 && last && p.publicKey !== undefined && p.publicKey === last.publicKey) {
        // The previous message's last peer, continued: only more allowed IPs.
        last.allowedips = [...(last.allowedips ?? []), ...(p.allowedips ?? [])];
        return;
      }
      last = { ...p };
      if (p.allowedips) last.allowedips = [...p.allowedips];
      peers.push(last);
    });
  });
  const out: WireguardWgdeviceReply = { ...first };
  if (peers.length || first.peers) out.peers = peers;
  return out;
}

/**
 * Reads one WireGuard device, whole (`get-device` dumped and coalesced), by
 * interface name or index.
 */
export async function getWireguardDevice(
  wg: GenlFamily<GenlFamilies["wireguard"]["ops"], GenlFamilies["wireguard"]["events"]>,
  device: { ifname: string } | { ifindex: number },
): Promise<WireguardWgdeviceReply> {
  const messages = await wg.dump("get-device", device).all();
  return coalesceWireguardDevice(messages as WireguardWgdeviceReply[]);
}
