/**
 * WireGuard's get-device split over several messages, joined as the spec asks
 * of the receiver: messages built byte by byte (genlmsghdr, then WGDEVICE_A_*
 * with nested peers and allowed IPs, numbered from uapi wireguard.h), decoded
 * by the generated tables, then coalesced. This kernel has no WireGuard, so
 * nothing here is live.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ArgumentError, coalesceWireguardDevice, GenlFamily } from "../mod.ts";
import { Writer } from "../core/codec.ts";

const KEY_A = "aa".repeat(32);
const KEY_B = "bb".repeat(32);

/** One get-device reply: genlmsghdr (WG_CMD_GET_DEVICE = 0, version 1) and attributes. */
function message(build: (w: Writer) => void): Uint8Array {
  const w = new Writer(256);
  w.u8(0); // cmd: WG_CMD_GET_DEVICE
  w.u8(1); // version
  w.u16(0);
  build(w);
  return w.finish();
}

function hex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
}

/** WGPEER_A_ALLOWEDIPS (9): nests of WGALLOWEDIP_A_FAMILY (1), _IPADDR (2), _CIDR_MASK (3). */
function allowedIps(w: Writer, ips: [number, number, number, number, number][]): void {
  const list = w.beginNested(9);
  ips.forEach((ip, i) => {
    const item = w.beginNested(i);
    const fam = w.beginAttr(1);
    w.u16(2);
    w.endAttr(fam);
    w.attrBytes(2, Uint8Array.from(ip.slice(0, 4)));
    const mask = w.beginAttr(3);
    w.u8(ip[4]);
    w.endAttr(mask);
    w.endAttr(item);
  });
  w.endAttr(list);
}

describe("WireGuard get-device coalescing", () => {
  it("joins a device whose peers and allowed IPs span three messages", async () => {
    const wg = await GenlFamily.offline("wireguard", 0x30);
    const first = message((w) => {
      const idx = w.beginAttr(1); // WGDEVICE_A_IFINDEX
      w.u32(7);
      w.endAttr(idx);
      w.attrString(2, "wg0"); // WGDEVICE_A_IFNAME
      const port = w.beginAttr(6); // WGDEVICE_A_LISTEN_PORT
      w.u16(51820);
      w.endAttr(port);
      const peers = w.beginNested(8); // WGDEVICE_A_PEERS
      const p0 = w.beginNested(0);
      w.attrBytes(1, hex(KEY_A)); // WGPEER_A_PUBLIC_KEY
      allowedIps(w, [[10, 0, 0, 0, 24]]);
      w.endAttr(p0);
      w.endAttr(peers);
    });
    // The same peer continued: only its public key and more allowed IPs.
    const second = message((w) => {
      w.attrString(2, "wg0");
      const peers = w.beginNested(8);
      const p0 = w.beginNested(0);
      w.attrBytes(1, hex(KEY_A));
      allowedIps(w, [[10, 1, 0, 0, 16], [10, 2, 0, 0, 16]]);
      w.endAttr(p0);
      w.endAttr(peers);
    });
    // A further peer: the device's name and the peer.
    const third = message((w) => {
      w.attrString(2, "wg0");
      const peers = w.beginNested(8);
      const p0 = w.beginNested(0);
      w.attrBytes(1, hex(KEY_B));
      w.endAttr(p0);
      w.endAttr(peers);
    });
    const replies = [first, second, third].map((m) => {
      const e = wg.decode(m);
      assert.equal(e.name, "get-device");
      return e.attrs as Parameters<typeof coalesceWireguardDevice>[0][number];
    });
    const dev = coalesceWireguardDevice(replies);
    assert.equal(dev.ifindex, 7);
    assert.equal(dev.ifname, "wg0");
    assert.equal(dev.listenPort, 51820);
    assert.deepEqual(dev.peers?.map((p) => p.publicKey), [KEY_A, KEY_B]);
    assert.deepEqual(
      dev.peers?.[0]?.allowedips?.map((a) => [a.ipaddr, a.cidrMask]),
      [["10.0.0.0", 24], ["10.1.0.0", 16], ["10.2.0.0", 16]],
    );
    assert.equal(dev.peers?.[1]?.allowedips, undefined);
    // The inputs are left as they were.
    assert.equal(replies[0]!.peers?.[0]?.allowedips?.length, 1);
  });

  it("refuses no messages, and messages of two devices", () => {
    assert.throws(() => coalesceWireguardDevice([]), ArgumentError);
    assert.throws(
      () => coalesceWireguardDevice([{ ifname: "wg0" }, { ifname: "wg1" }]),
      (e: unknown) => e instanceof ArgumentError && e.argument === "messages[1].ifname",
    );
  });
});
