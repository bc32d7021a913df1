/**
 * The traffic control object types: qdiscs, classes and filters (commands,
 * dump filters, identity, events on RTNLGRP_TC).
 *
 * @module
 */
import { RTM, RTNLGRP } from "../../core/tables/constants.ts";
import { defineObject, type ObjectDef } from "../object.ts";
import type { Spec } from "../spec.ts";
import { codecOf } from "./kind.ts";
import { FILTER_KINDS } from "./filters.ts";
import { holdFilterPins } from "./pins.ts";
import { parseProtocol } from "./protocol.ts";
import {
  buildFilterRequest,
  buildQdiscRequest,
  buildTclassRequest,
  FILTER_COMMANDS,
  type FilterSpec,
  QDISC_COMMANDS,
  type QdiscSpec,
  TCLASS_COMMANDS,
  type TclassSpec,
} from "./request.ts";
import { Filter, Qdisc, TrafficClass } from "./tc.ts";
import { parseHandle, parseParent } from "./units.ts";
import type { TcMessage } from "./tc.ts";

/** The multicast group of traffic control notifications (`tc monitor`). */
export const TC_GROUPS = { tc: RTNLGRP.TC } as const;

/** Client-side dump match: interface, kind, handle, parent (and filters' prio/protocol). */
function tcMatch<T extends TcMessage>(
  spec: Spec,
  handleKey: "handle" | "classid",
  filter: boolean,
): ((item: T) => boolean) | undefined {
  const index = spec.index as number | undefined;
  const kind = spec.kind as string | undefined;
  const raw = spec[handleKey];
  let handle: number | undefined;
  if (raw !== undefined) {
    const codec = filter ? codecOf(FILTER_KINDS, kind) : undefined;
    handle = codec?.handle ? codec.handle(raw, handleKey) : parseHandle(raw, handleKey);
  }
  const parent = spec.parent === undefined ? undefined : parseParent(spec.parent, "parent");
  const prio = filter ? spec.prio as number | undefined : undefined;
  const protocol = filter && spec.protocol !== undefined ? parseProtocol(spec.protocol) : undefined;
  if ([index, kind, handle, parent, prio, protocol].every((v) => v === undefined)) return undefined;
  return (item) =>
    (index === undefined || item.index === index) &&
    (kind === undefined || item.kind === kind) &&
    (handle === undefined || item.handleId === handle) &&
    (parent === undefined || filter || item.parentId === parent) &&
    (prio === undefined || (item as unknown as Filter).prio === prio) &&
    (protocol === undefined || (item as unknown as Filter).protocolId === protocol);
}

/** The qdisc object type. */
export type QdiscObject = ObjectDef<
  "qdisc",
  Qdisc,
  QdiscSpec,
  keyof typeof QDISC_COMMANDS,
  typeof RTM.NEWQDISC | typeof RTM.DELQDISC,
  keyof typeof TC_GROUPS
>;

/** Queueing disciplines (`tc qdisc`). */
export const QDISC: QdiscObject = defineObject({
  name: "qdisc",
  result: Qdisc,
  commands: QDISC_COMMANDS,
  events: [RTM.NEWQDISC, RTM.DELQDISC],
  groups: TC_GROUPS,
  build: (cmd, spec: QdiscSpec) => buildQdiscRequest(cmd, spec as Spec),
  linkRefs: ["index"],
  match: (spec) => tcMatch<Qdisc>(spec, "handle", false),
  dumpOnly: ["kind", "handle", "parent"],
  key: (q) => `${q.index}|${q.parentId}`,
  selector: (q) => ({ index: q.index, parent: q.parentId, handle: q.handleId }),
});

/** The class object type. */
export type TclassObject = ObjectDef<
  "tclass",
  TrafficClass,
  TclassSpec,
  keyof typeof TCLASS_COMMANDS,
  typeof RTM.NEWTCLASS | typeof RTM.DELTCLASS,
  keyof typeof TC_GROUPS
>;

/** Traffic classes (`tc class`). */
export const TCLASS: TclassObject = defineObject({
  name: "tclass",
  result: TrafficClass,
  commands: TCLASS_COMMANDS,
  events: [RTM.NEWTCLASS, RTM.DELTCLASS],
  groups: TC_GROUPS,
  build: (cmd, spec: TclassSpec) => buildTclassRequest(cmd, spec as Spec),
  linkRefs: ["index"],
  match: (spec) => tcMatch<TrafficClass>(spec, "classid", false),
  dumpOnly: ["kind", "classid", "parent"],
  key: (c) => `${c.index}|${c.handleId}`,
  selector: (c) => ({ index: c.index, classid: c.handleId }),
});

/** The filter object type. */
export type FilterObject = ObjectDef<
  "filter",
  Filter,
  FilterSpec,
  keyof typeof FILTER_COMMANDS,
  typeof RTM.NEWTFILTER | typeof RTM.DELTFILTER,
  keyof typeof TC_GROUPS
>;

/** Filters (`tc filter`): dumps are per interface and parent (the root qdisc by default). */
export const FILTER: FilterObject = defineObject({
  name: "filter",
  result: Filter,
  commands: FILTER_COMMANDS,
  events: [RTM.NEWTFILTER, RTM.DELTFILTER],
  groups: TC_GROUPS,
  build: (cmd, spec: FilterSpec) => buildFilterRequest(cmd, spec as Spec),
  hold: holdFilterPins,
  linkRefs: ["index", "iif"],
  nestedLinkRefs: { actions: ["dev"] },
  match: (spec) => tcMatch<Filter>(spec, "handle", true),
  dumpOnly: ["kind", "handle"],
  key: (f) => `${f.index}|${f.parentId}|${f.chain ?? 0}|${f.prio}|${f.protocolId}|${f.handleId}`,
  selector: (f) => ({
    index: f.index,
    parent: f.parentId,
    prio: f.prio,
    protocol: f.protocolId,
    chain: f.chain,
    kind: f.kind,
    handle: f.handleId,
  }),
});
