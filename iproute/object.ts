/**
 * The declaration of an rtnetlink object type (link, addr, route, neigh,
 * fdb, rule, nexthop, netconf): everything IPRoute, Batch, the event decoder
 * and IPDB need to know about it, in one place. Adding an object type means
 * writing one of these (and its result class and request builder).
 *
 * @module
 */
import type { Decoder, Request } from "../core/socket.ts";
import { decoderOf } from "./message.ts";
import type { Spec } from "./spec.ts";

/** A command's message type and header flags. */
export type Command = readonly [type: number, flags: number];

/** The class of an object's typed result (a lazy view of one message). */
export type ResultClass<T> = new (
  bytes: Uint8Array,
  dv: DataView,
  msgOffset: number,
  msgLength: number,
  type: number,
) => T;

/**
 * One rtnetlink object type. `N` is its name, `T` its result, `S` the spec
 * its commands take, `C` its command names, `E` its event message types,
 * `G` the names of its multicast groups.
 */
export interface ObjectDef<
  N extends string = string,
  T = unknown,
  S = Spec,
  C extends string = string,
  E extends number = number,
  G extends string = string,
> {
  /** Name used by IPRoute and in errors (`link`, `route`, …). */
  readonly name: N;
  /** The typed result class. */
  readonly result: ResultClass<T>;
  /** Decodes one reply or event message into the result class. */
  readonly decode: Decoder<T>;
  /** The commands: message type and flags of each. */
  readonly commands: Readonly<Record<C, Command>>;
  /** The message types of its notifications: `[new, del]` (none: not an event source of its own). */
  readonly events?: readonly [newType: E, delType: E];
  /** The multicast groups its notifications come on, by name (`ipv4-route`: RTNLGRP_IPV4_ROUTE, …). */
  readonly groups?: Readonly<Record<G, number>>;
  /** Builds (and validates) the request of a command, from a spec whose interface names are resolved. */
  build(cmd: C, spec: S): Request;
  /** Spec keys that accept an interface name in place of an index. */
  readonly linkRefs: readonly string[];
  /**
   * Words those keys take that are not interface names, with the index each
   * stands for (netconf's `"all"` → -1, `"default"` → -2).
   */
  readonly linkWords?: Readonly<Record<string, number>>;
  /**
   * Keys holding an object, or an array of objects, whose own keys accept an
   * interface name (route `multipath: [{ oif: "eth0" }]` → `{ multipath:
   * ["oif"] }`; link `data: { link: "v0" }` → `{ data: ["link"] }`).
   */
  readonly nestedLinkRefs?: Readonly<Record<string, readonly string[]>>;
  /** Client-side match for dump filters; undefined when the spec selects everything. */
  match(spec: Spec): ((item: T) => boolean) | undefined;
  /**
   * Dump filter keys the kernel applies exactly under strict checking (the
   * client-side match skips them then).
   */
  readonly kernelFilters?: readonly string[];
  /**
   * Kernel errors that mean a dump filtered kernel-side matched nothing (the
   * dump is then empty, as with the filter applied client-side): route dumps
   * of a table that does not exist get ENOENT.
   */
  readonly emptyDumpErrors?: readonly string[];
  /** Spec keys used only to filter dumps (not passed to the request builder). */
  readonly dumpOnly?: readonly string[];
  /**
   * Opens what a spec refers to that lives only for one request (a route's
   * pinned BPF programs): the spec to send instead, and what to release after
   * (undefined: nothing to hold, the spec as it is). IPRoute's methods call it;
   * Batch does not (such specs are refused there).
   */
  readonly hold?: (spec: Spec) => { spec: Spec; release(): void } | undefined;
  /**
   * The field holding an item's interface when the `master` dump filter means
   * "items whose interface is a port of that master", a fact the items do not
   * carry themselves (IP neighbours: `index`, nexthops: `oif`). IPRoute checks
   * it client-side against the master's ports (the kernel filters it too).
   */
  readonly masterPortKey?: string;
  /**
   * Commands that take more than one request: the specs to send, in order
   * (link `set` with both `master` and `brport`: the master first, as the
   * kernel checks port options against the current master). Absent: one.
   */
  split?(cmd: string, spec: Spec): Spec[];
  /** The identity of an object: equal for the same kernel object (IPDB keys records by it). */
  key?(item: T): string;
  /** The spec that deletes exactly this object (what flushes send). */
  selector?(item: T): Spec;
}

/** Any object declaration (what generic code takes). */
// deno-lint-ignore no-explicit-any
export type AnyObjectDef = ObjectDef<string, any, any, string, number, string>;

/** The result type of a declaration. */
export type ResultOf<D> = D extends { readonly result: ResultClass<infer T> } ? T : never;
/** The spec type of a declaration (what its request builder takes). */
export type SpecOf<D> = D extends { build(cmd: never, spec: infer S): Request } ? S : never;
/** The multicast group names of a declaration. */
export type GroupOf<D> = D extends { readonly groups?: Readonly<Record<infer G, number>> }
  ? G & string
  : never;
/** The command names of a declaration. */
export type CommandOf<D> = D extends { readonly commands: infer C } ? keyof C & string : never;

/**
 * Completes a declaration: the decoder is made from the result class.
 */
export function defineObject<
  N extends string,
  T,
  S,
  C extends string,
  E extends number = never,
  G extends string = never,
>(def: Omit<ObjectDef<N, T, S, C, E, G>, "decode">): ObjectDef<N, T, S, C, E, G> {
  return { ...def, decode: decoderOf(def.result) };
}
