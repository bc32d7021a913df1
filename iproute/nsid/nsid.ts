/**
 * Namespace ids as the kernel reports them (RTM_NEWNSID): {@link Nsid}.
 *
 * @module
 */
import { align4 } from "../../core/codec.ts";
import type { AttrSet } from "../../core/schema.ts";
import { RTNETLINK_STRUCTS } from "../../core/tables/constants.ts";
import { UAPI_ATTRS } from "../../core/tables/uapi.ts";
import { defined, RtMessage } from "../message.ts";
import { SETS } from "../registry.ts";

const NETNSA = UAPI_ATTRS.netnsAttrs;
const RTGENMSG = RTNETLINK_STRUCTS.rtgenmsg;

/** NETNSA_NSID's value meaning "no id assigned" (NETNSA_NSID_NOT_ASSIGNED). */
export const NSID_NOT_ASSIGNED = -1;

/**
 * The id one namespace gives another (what `ip netns list-id` shows).
 *
 * @example
 * ```ts
 * import type { Nsid } from "@nlroute/nlroute";
 * const show = (n: Nsid) => `nsid ${n.nsid}`;
 * ```
 */
export class Nsid extends RtMessage {
  /** Size of the fixed header (struct rtgenmsg, padded to the netlink alignment). */
  protected override get headerSize(): number {
    return align4(RTGENMSG.size);
  }
  /** @internal The attribute table of this message kind (netnsAttrs). */
  protected get attrSet(): AttrSet {
    return SETS.netns;
  }
  /** The id (in the namespace of the socket that asked); -1 when none is assigned. */
  get nsid(): number {
    return this.s32(NETNSA.nsid) ?? NSID_NOT_ASSIGNED;
  }
  /** The id of the asking namespace as seen from the target (asked with a target nsid), if sent. */
  get currentNsid(): number | undefined {
    return this.s32(NETNSA.currentNsid);
  }
  /** Fields shown by `toJSON()` and inspection: the ids. */
  protected fields(): Record<string, unknown> {
    return defined({ nsid: this.nsid, currentNsid: this.currentNsid });
  }
}
