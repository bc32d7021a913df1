/**
 * Acknowledgements: the code and extended-ACK attributes of an NLMSG_ERROR
 * (an ACK, or an error) or an NLMSG_DONE.
 *
 * @module
 */
import { AttrCursor, NLMSG_HDRLEN } from "./codec.ts";
import { NLM_F, NLMSG, NLMSGERR_ATTR } from "./constants.ts";
import type { ExtAck } from "./errors.ts";

/**
 * Parses extended-ACK attributes; throws DecodeError when they are malformed.
 */
export function parseExtAck(bytes: Uint8Array, start: number, end: number): ExtAck {
  const ack: ExtAck = {};
  const c = new AttrCursor(bytes, start, end);
  while (c.next()) {
    switch (c.type) {
      case NLMSGERR_ATTR.MSG:
        ack.message = c.string();
        break;
      case NLMSGERR_ATTR.OFFS:
        ack.offset = c.u32();
        break;
      case NLMSGERR_ATTR.MISS_TYPE:
        ack.missingType = c.u32();
        break;
      case NLMSGERR_ATTR.MISS_NEST:
        ack.missingNest = c.u32();
        break;
      case NLMSGERR_ATTR.POLICY:
        ack.policy = c.payload().slice();
        break;
    }
  }
  return ack;
}

/** What an acknowledgement says (one object, reused: read it before the next call). */
export interface Acknowledgement {
  /** The code: 0 for an ACK or a DONE, a negative errno for an error. */
  code: number;
  /** The extended-ACK details (empty when there are none). */
  ack: ExtAck;
  /** Whether the extended-ACK attributes were malformed (and ignored). */
  malformed: boolean;
}

const RESULT: Acknowledgement = { code: 0, ack: {}, malformed: false };

/**
 * Reads the NLMSG_ERROR or NLMSG_DONE message at `offset` (`length` bytes,
 * header included, `type` and `flags` from its header): its code and, with
 * NLM_F_ACK_TLVS, its extended ACK (after the original request's header, and
 * its payload unless NLM_F_CAPPED).
 */
export function readAck(
  bytes: Uint8Array,
  dv: DataView,
  offset: number,
  length: number,
  type: number,
  flags: number,
): Acknowledgement {
  const start = offset + NLMSG_HDRLEN;
  const end = offset + length;
  RESULT.code = end - start >= 4 ? dv.getInt32(start, true) : 0;
  RESULT.ack = {};
  RESULT.malformed = false;
  if (flags & NLM_F.ACK_TLVS) {
    let tlv = start + 4;
    if (type === NLMSG.ERROR) {
      // The original request's header follows the code; its payload too unless capped.
      const origLen = end - start >= 4 + NLMSG_HDRLEN ? dv.getUint32(start + 4, true) : 0;
      tlv += flags & NLM_F.CAPPED ? NLMSG_HDRLEN : (origLen + 3) & ~3;
    }
    if (tlv < end) {
      try {
        RESULT.ack = parseExtAck(bytes, tlv, end);
      } catch {
        RESULT.malformed = true;
      }
    }
  }
  return RESULT;
}
