/**
 * NETLINK_KOBJECT_UEVENT's multicast groups. No uapi header names them: the
 * numbers are fixed in the kernel's and udev's sources, cited here so that the
 * generated table says where each comes from.
 *
 * - KERNEL (1): lib/kobject_uevent.c broadcasts every uevent to group 1
 *   (`netlink_broadcast(uevent_sock, skb, 0, 1, …)` in
 *   uevent_net_broadcast_untagged and the tagged variant).
 * - UDEV (2): udevd re-broadcasts processed events to group 2 (systemd's
 *   sd-device/device-monitor.c and libudev-monitor.c: `MONITOR_GROUP_UDEV` /
 *   `UDEV_MONITOR_UDEV` = 2 in the `monitor_netlink_group` enum, after NONE 0
 *   and KERNEL 1).
 *
 * @module
 */

/** The groups by name, in the order above. */
export function ueventGroups(): Map<string, number> {
  return new Map([
    ["KERNEL", 1],
    ["UDEV", 2],
  ]);
}
