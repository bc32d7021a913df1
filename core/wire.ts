/**
 * The netlink wire format's sizes and flags (linux/netlink.h): header sizes,
 * attribute type flags, the 4-byte alignment.
 *
 * @module
 */

/** Size of `struct nlmsghdr`. */
export const NLMSG_HDRLEN = 16;
/** Size of `struct nlattr`. */
export const NLA_HDRLEN = 4;
/** Attribute type flag: the payload is nested attributes. */
export const NLA_F_NESTED = 0x8000;
/** Attribute type flag: the payload is in network byte order. */
export const NLA_F_NET_BYTEORDER = 0x4000;
/** Mask of the attribute type number. */
export const NLA_TYPE_MASK = 0x3fff;

/** Rounds up to the netlink alignment (4 bytes). */
export function align4(n: number): number {
  return (n + 3) & ~3;
}
