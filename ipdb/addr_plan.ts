/**
 * The steps that change an interface's addresses, as data (internal). IPv4
 * addresses of one subnet are a primary and its secondaries: deleting the
 * primary makes the kernel remove the secondaries (or promote one, with
 * `promote_secondaries`), so a secondary's delete after its primary's would
 * fail. Secondaries are deleted first, and undoing a primary's delete
 * re-adds its secondaries after it, in their order.
 *
 * @module
 */
import { AF_INET, parseIPv4 } from "../core/address.ts";
import type { Spec } from "../iproute/spec.ts";
import { addrKey } from "./keys.ts";
import { PHASE, type Step } from "./plan.ts";
import type { IpAddr } from "./interface.ts";

const TOLERATE_EXISTS = ["EEXIST"] as const;

/** The request fields that recreate an address. */
export function addrSpec(a: IpAddr): Spec {
  const s: Spec = { address: a.address, prefixlen: a.prefixlen };
  if (a.broadcast) s.broadcast = a.broadcast;
  if (a.label) s.label = a.label;
  return s;
}

function keyOf(a: IpAddr): string {
  return addrKey(a.address, a.prefixlen);
}

/** Whether two IPv4 addresses share a subnet as the kernel groups them (same length and network). */
function sameSubnet(a: IpAddr, b: IpAddr): boolean {
  if (a.family !== AF_INET || b.family !== AF_INET || a.prefixlen !== b.prefixlen) return false;
  const x = parseIPv4(a.address);
  const y = parseIPv4(b.address);
  if (!x || !y) return false;
  for (let bit = 0; bit < a.prefixlen; bit++) {
    const mask = 0x80 >> (bit & 7);
    if ((x[bit >> 3]! & mask) !== (y[bit >> 3]! & mask)) return false;
  }
  return true;
}

function add(ref: number | string, a: IpAddr, tolerate?: readonly string[]): Step {
  return {
    object: "addr",
    cmd: "add",
    spec: { index: ref, ...addrSpec(a) },
    phase: PHASE.addresses,
    ...(tolerate ? { tolerate } : {}),
  };
}

/**
 * Steps deleting `deleted` from the interface `ref` whose addresses are
 * `current` (the kernel's, in its order): secondaries first, latest first
 * (undone in reverse, they come back in their order), then the others. A
 * primary's undo re-adds it and then every secondary of its subnet (those the
 * kernel removed with it; one it promoted stays primary).
 */
export function addrDeletions(
  ref: number | string,
  deleted: readonly IpAddr[],
  current: ReadonlyMap<string, IpAddr>,
): Step[] {
  const order = [...current.keys()];
  const rank = (a: IpAddr) => order.indexOf(keyOf(a));
  const secondaries = deleted.filter((a) => current.get(keyOf(a))?.secondary)
    .sort((a, b) => rank(b) - rank(a));
  const others = deleted.filter((a) => !current.get(keyOf(a))?.secondary);
  return [...secondaries, ...others].map((a) => {
    const own = current.get(keyOf(a));
    const undo = [add(ref, a, own?.secondary ? TOLERATE_EXISTS : undefined)];
    if (own && !own.secondary) {
      for (const s of current.values()) {
        if (s.secondary && sameSubnet(s, own)) undo.push(add(ref, s, TOLERATE_EXISTS));
      }
    }
    const spec = { index: ref, address: a.address, prefixlen: a.prefixlen };
    return { object: "addr", cmd: "del", spec, phase: PHASE.addresses, undo };
  });
}

/** Steps adding `added` (those the interface does not hold yet) to the interface `ref`. */
export function addrAdditions(
  ref: number | string,
  added: ReadonlyMap<string, IpAddr>,
  current: ReadonlyMap<string, IpAddr>,
): Step[] {
  const steps: Step[] = [];
  for (const [key, a] of added) {
    if (current.has(key)) continue;
    const spec = { index: ref, address: a.address, prefixlen: a.prefixlen };
    const undo: Step = { object: "addr", cmd: "del", spec, phase: PHASE.addresses };
    steps.push({ ...add(ref, a), undo: [undo] });
  }
  return steps;
}
