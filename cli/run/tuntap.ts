/**
 * `nlroute tuntap …`: creates persistent tun/tap devices (through
 * `/dev/net/tun`, in the namespace of the command's socket), deletes them,
 * and lists them as `ip tuntap show` does.
 *
 * @module
 */
import type { Link, TunTapSpec } from "../../mod.ts";
import { IFF_TUN_FLAG } from "../../core/tables/tun.ts";
import { TUNTAP_FORMAT } from "../format/tuntap.ts";
import { Names } from "../format/ifnames.ts";
import { emitFormat, type Runner } from "./output.ts";

/** Whether a tun device matches `show`'s filters (name, mode, flags). */
function matches(l: Link, spec: Record<string, unknown>): boolean {
  const d = (l.data ?? {}) as Record<string, unknown>;
  if (spec.ifname !== undefined && l.ifname !== spec.ifname) return false;
  if (
    spec.mode !== undefined &&
    d.type !== (spec.mode === "tun" ? IFF_TUN_FLAG.TUN : IFF_TUN_FLAG.TAP)
  ) return false;
  if (spec.pi && !d.pi) return false;
  if (spec.vnetHdr && !d.vnetHdr) return false;
  if (spec.multiQueue && !d.multiQueue) return false;
  return true;
}

/**
 * Runs a parsed `tuntap` command (a {@link Runner}).
 */
export const runTuntap: Runner = async (ipr, inv, opts, out) => {
  if (inv.action === "add") {
    await ipr.link("add", { kind: "tuntap", ...inv.spec } as TunTapSpec);
  } else if (inv.action === "del") {
    await ipr.link("del", { kind: "tuntap", ...inv.spec } as { kind: "tuntap"; ifname: string });
  } else {
    const links = (await ipr.getLinks({ kind: "tun" })).filter((l) => matches(l, inv.spec));
    emitFormat(links, opts, out, TUNTAP_FORMAT, new Names());
  }
  return 0;
};
