/**
 * Namespace ids as the kernel reports them (RTM_NEWNSID): {@link Nsid}.
 *
 * @module
 */
import { RTNETLINK_STRUCTS } from "../../core/tables/constants.ts";
import { UAPI_ATTRS } from "../../core/tables/uapi.ts";
import { LazyMessage, type MessageShape } from "../../core/lazy.ts";
import { defined, rtnetlinkShape } from "../message.ts";
import { SETS } from "../registry.ts";

const NETNSA = UAPI_ATTRS.netnsAttrs;
const RTGENMSG = RTNETLINK_STRUCTS.rtgenmsg;

/** NETNSA_NSID's value meaning "no id assigned" (NETNSA_NSID_NOT_ASSIGNED). */
export const NSID_NOT_ASSIGNED = -1;

const SHAPE = rtnetlinkShape(RTGENMSG, SETS.netns);

/**
 * The id one namespace gives another (what `ip netns list-id` shows).
 *
 * @example The event sent when a namespace gets an id for another
 * ```ts
 * import { IPRoute, Monitor, setNetnsid } from "@nlroute/nlroute";
 * import assert from "node:assert/strict";
 *
 * await using mon = await Monitor.open({ netns: "red", groups: ["nsid"] });
 * const events = mon.events({ events: ["nsid"] });
 * await using ipr = await IPRoute.open({ netns: "red" });
 * const id = await setNetnsid(ipr, "blue"); // red's id for blue
 * for await (const e of events) {
 *   if (e.kind !== "nsid") continue;
 *   assert.equal(e.event, "RTM_NEWNSID");
 *   assert.equal(e.object.nsid, id);
 *   break;
 * }
 * ```
 */
export class Nsid extends LazyMessage {
  /** @internal rtnetlink, the fixed header and the attribute table (netnsAttrs). */
  protected get shape(): MessageShape {
    return SHAPE;
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
