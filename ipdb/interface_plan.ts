/**
 * The steps that commit an interface's transaction, as data: create or
 * remove the link, set its fields, ports, addresses and state. A removal's
 * undo recreates the link (and its veth peer) with its addresses, ports,
 * state and the routes through it.
 *
 * @module
 */
import { ArgumentError } from "../core/errors.ts";
import { AF_INET6 } from "../core/address.ts";
import type { Route } from "../iproute/route/route.ts";
import type { Spec } from "../iproute/spec.ts";
import { type Interface, interfaceInternals as internals, type IpAddr } from "./interface.ts";
import { LOCAL_TABLE } from "./keys.ts";
import { PHASE, type Step, type StepObject } from "./plan.ts";
import type { Tx } from "./record.ts";
import { addrAdditions, addrDeletions, addrSpec } from "./addr_plan.ts";

/** Kind data that can be set again when an interface is recreated by a rollback. */
const SETTABLE_DATA: Record<string, readonly string[]> = {
  bridge: [
    "forwardDelay",
    "helloTime",
    "maxAge",
    "ageingTime",
    "stpState",
    "priority",
    "vlanFiltering",
  ],
  vxlan: [
    "id",
    "group",
    "group6",
    "link",
    "local",
    "local6",
    "ttl",
    "tos",
    "learning",
    "ageing",
    "port",
  ],
  macvlan: ["mode"],
  macvtap: ["mode"],
  vlan: ["id", "protocol"],
  vrf: ["table"],
};

/**
 * Kind data set again only when on: kernels built without the feature refuse
 * the attribute even when it says off (bridge VLAN filtering).
 */
const ONLY_WHEN_ON: Record<string, readonly string[]> = { bridge: ["vlanFiltering"] };

/** Fields a `link set` changes one at a time. */
const LINK_FIELDS = ["ifname", "address", "mtu", "txqlen"] as const;

const TOLERATE_EXISTS = ["EEXIST"] as const;

function step(
  object: StepObject,
  cmd: string,
  spec: Spec,
  phase: number,
  undo?: Step[],
  tolerate?: readonly string[],
): Step {
  return { object, cmd, spec, phase, ...(undo ? { undo } : {}), ...(tolerate ? { tolerate } : {}) };
}

/** A link step whose undo sets `prev` the same way. */
function linkSet(index: number | string, next: Spec, prev: Spec | undefined, phase: number): Step {
  const undo = prev && [step("link", "set", { index, ...prev }, phase)];
  return step("link", "set", { index, ...next }, phase, undo);
}

/**
 * How steps refer to an interface: its index, or, while it waits to be
 * created, its name (resolved when the step's batch is sent, after the
 * phase that creates it).
 */
function refOf(i: Interface): number | string {
  return i.index || i.ifname!;
}

/** Builds the steps, each with its undo, that apply `tx` to `self`. */
export function interfaceSteps(self: Interface, tx: Tx): Step[] {
  if (tx.remove) return self.ipdbScope === "pending" ? [] : [removal(self)];
  const steps: Step[] = [];
  const created = self.ipdbScope === "pending";
  const ref = refOf(self);
  if (created) {
    const c = internals.creation(self)!;
    const spec: Spec = {
      ...c.spec,
      kind: (tx.set.get("kind") as string) ?? c.kind,
      ifname: (tx.set.get("ifname") as string) ?? c.ifname,
    };
    for (const k of ["mtu", "address", "txqlen"]) if (tx.set.has(k)) spec[k] = tx.set.get(k);
    const undo = step("link", "del", { index: spec.ifname }, PHASE.createLink);
    steps.push(step("link", "add", spec, PHASE.createLink, [undo]));
  } else {
    for (const field of LINK_FIELDS) {
      if (!tx.set.has(field)) continue;
      const next = tx.set.get(field);
      const prev = internals.committed(self, field);
      if (next === prev) continue;
      const undo = prev === undefined ? undefined : { [field]: prev };
      steps.push(linkSet(ref, { [field]: next }, undo, PHASE.setLink));
    }
  }
  if (tx.set.has("data")) {
    const kind = self.kind;
    if (!kind) {
      throw new ArgumentError("data", "kind data only for virtual links", tx.set.get("data"));
    }
    const next = tx.set.get("data") as Record<string, unknown>;
    const prevData = self.data ?? {};
    const prev = Object.fromEntries(
      Object.keys(next).filter((k) => k in prevData).map((k) => [k, prevData[k]]),
    );
    steps.push(linkSet(ref, { kind, data: next }, { kind, data: prev }, PHASE.setLink));
  }
  if (tx.set.has("master")) {
    const target = tx.set.get("master") as string | number | Interface;
    const found = target === 0 ? undefined : internals.resolve(self, target);
    const prev = self.link?.master ?? 0;
    steps.push(linkSet(ref, { master: found ? refOf(found) : 0 }, { master: prev }, PHASE.ports));
  }
  for (const item of tx.add.get("ports")?.values() ?? []) {
    const port = item as Interface;
    const prev = port.link?.master ?? 0;
    steps.push(linkSet(refOf(port), { master: ref }, { master: prev }, PHASE.ports));
  }
  for (const item of tx.del.get("ports")?.values() ?? []) {
    steps.push(linkSet(refOf(item as Interface), { master: 0 }, { master: ref }, PHASE.ports));
  }
  const addrs = internals.addrs(self);
  const deleted = [...(tx.del.get("ipaddr")?.values() ?? [])] as IpAddr[];
  steps.push(...addrDeletions(ref, deleted, addrs));
  const added = (tx.add.get("ipaddr") ?? new Map()) as Map<string, IpAddr>;
  steps.push(...addrAdditions(ref, added, addrs));
  if (tx.set.has("state")) {
    const next = tx.set.get("state") as "up" | "down";
    const prev = created ? "down" : self.link?.state ?? "down";
    if (next !== prev) steps.push(linkSet(ref, { state: next }, { state: prev }, PHASE.linkState));
  }
  return steps;
}

/** What it takes to recreate a link. */
interface Snapshot {
  name: string;
  spec: Spec;
  addrs: IpAddr[];
  state: string;
  master: number | undefined;
}

function snapshot(i: Interface): Snapshot {
  const l = i.link!;
  const spec: Spec = { ifname: l.ifname };
  if (l.kind) spec.kind = l.kind;
  if (l.mtu !== undefined) spec.mtu = l.mtu;
  if (l.address && l.kind) spec.address = l.address;
  if (l.txqlen !== undefined) spec.txqlen = l.txqlen;
  const settable = l.kind ? SETTABLE_DATA[l.kind] : undefined;
  const data = l.data;
  if (settable && data) {
    const d: Record<string, unknown> = {};
    const onlyOn = ONLY_WHEN_ON[l.kind!] ?? [];
    for (const k of settable) {
      if (data[k] !== undefined && (data[k] || !onlyOn.includes(k))) d[k] = data[k];
    }
    if (Object.keys(d).length) spec.data = d;
  }
  const addrs = [...internals.addrs(i).values()].filter((a) =>
    !(a.family === AF_INET6 && a.address.startsWith("fe80:"))
  );
  return { name: l.ifname!, spec, addrs, state: l.state, master: l.master };
}

/**
 * The removal step. Its undo recreates the link (with its veth peer), then
 * its master and ports, addresses, state, and the routes through it, each
 * referring to the recreated links by name.
 */
function removal(self: Interface): Step {
  const db = internals.db(self);
  const link = self.link!;
  const own = snapshot(self);
  const peerRecord = self.kind === "veth" && link.linkNetnsid === undefined && link.link
    ? db.findInterface(link.link)
    : undefined;
  const peer = peerRecord?.link ? snapshot(peerRecord) : undefined;
  if (peer) delete peer.spec.kind;
  const snaps = peer ? [own, peer] : [own];
  const gone = [self.index, ...(peerRecord ? [peerRecord.index] : [])];
  const names = new Map<number, string>();
  for (const i of db.allInterfaces()) if (i.index && i.ifname) names.set(i.index, i.ifname);
  const routes = db.routesThrough(gone)
    .filter((r) => r.proto !== "kernel" && r.table !== LOCAL_TABLE)
    .map((r) => routeSpec(r, names));
  const ports = [...db.allInterfaces()].filter((i) => i.link?.master === self.index);
  const undo: Step[] = [
    step("link", "add", peer ? { ...own.spec, peer: peer.spec } : own.spec, PHASE.createLink),
  ];
  for (const s of snaps) {
    if (!s.master) continue;
    undo.push(
      step(
        "link",
        "set",
        { index: s.name, master: s.master },
        PHASE.ports,
        undefined,
        TOLERATE_EXISTS,
      ),
    );
  }
  for (const p of ports) {
    const spec = { index: p.index, master: own.name };
    undo.push(step("link", "set", spec, PHASE.ports, undefined, TOLERATE_EXISTS));
  }
  for (const s of snaps) {
    for (const a of s.addrs) {
      const spec = { index: s.name, ...addrSpec(a) };
      undo.push(step("addr", "add", spec, PHASE.addresses, undefined, TOLERATE_EXISTS));
    }
  }
  for (const s of snaps) {
    if (s.state === "up") {
      undo.push(step("link", "set", { index: s.name, state: "up" }, PHASE.linkState));
    }
  }
  for (const r of routes) {
    undo.push(step("route", "replace", r, PHASE.routes, undefined, TOLERATE_EXISTS));
  }
  return step("link", "del", { index: self.index }, PHASE.removeLink, undo);
}

/** A route spec that recreates `r`, with interfaces named (indexes change on recreation). */
function routeSpec(r: Route, names: ReadonlyMap<number, string>): Spec {
  const s: Spec = { dst: r.dst, table: r.table, type: r.routeType, proto: r.proto };
  s.scope = r.scope;
  if (r.family) s.family = r.family;
  if (r.gateway) s.gateway = r.gateway;
  if (r.oif !== undefined) s.oif = names.get(r.oif) ?? r.oif;
  if (r.priority !== undefined) s.priority = r.priority;
  if (r.prefsrc) s.prefsrc = r.prefsrc;
  if (r.tos) s.tos = r.tos;
  const m = r.metrics;
  if (m && Object.keys(m).length) s.metrics = m;
  const mp = r.multipath;
  if (mp) {
    s.multipath = mp.map((h) => {
      const o: Record<string, unknown> = { hops: h.hops };
      if (h.gateway) o.gateway = h.gateway;
      if (h.oif) o.oif = names.get(h.oif) ?? h.oif;
      return o;
    });
  }
  return s;
}
