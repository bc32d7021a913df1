/**
 * How `nlroute uevent monitor` prints an event: as `udevadm monitor
 * --property` does (a line `KERNEL[…] action devpath (subsystem)`, the
 * properties one per line, a blank line), with the event's sequence number
 * in the brackets where udevadm shows a timestamp; `-j`: one JSON object.
 *
 * @module
 */
import type { UEvent } from "../../uevent/event.ts";

/** The text block of one event (ending with the blank line). */
export function ueventText(e: UEvent): string {
  const source = e.source === "kernel" ? "KERNEL" : "UDEV  ";
  const head = `${source}[${e.seqnum}] ${e.action.padEnd(8)} ${e.devpath} (${e.subsystem})`;
  const props = Object.entries(e.env).map(([k, v]) => `${k}=${v}`);
  return [head, ...props, "", ""].join("\n");
}

/** The JSON line of one event. */
export function ueventJson(e: UEvent): string {
  return `${JSON.stringify(e)}\n`;
}
