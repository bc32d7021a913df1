/**
 * What a parsed `nlroute` command is: the object, the action, the IPRoute
 * spec to run it with, the fields ip would not print, and the extra switches.
 *
 * @module
 */
import type { GroupName } from "../../iproute/events.ts";
import type { UEventGroup } from "../../uevent/monitor.ts";
import type { SsArgs } from "./ss.ts";
import type { IpsetArgs } from "./ipset.ts";
import type { ConntrackArgs } from "./conntrack.ts";

/** A plain object of IPRoute arguments. */
export type Spec = Record<string, unknown>;

/** The address family chosen by `-4` / `-6` / `-f` (0 for both). */
export type Family = 0 | 2 | 10;

/** Canonical object names. */
export type ObjectName =
  | "link"
  | "addr"
  | "route"
  | "neigh"
  | "rule"
  | "nexthop"
  | "netns"
  | "maddr"
  | "addrlabel"
  | "netconf"
  | "ntable"
  | "stats"
  | "tuntap"
  | "bridge"
  | "mdb"
  | "vlan"
  | "monitor"
  | "genl"
  | "ynl"
  | "uevent"
  | "tc"
  | "qdisc"
  | "tclass"
  | "tfilter"
  | "ss"
  | "ipset"
  | "conntrack"
  | "help";

/** Extra switches of a command that are not IPRoute arguments. */
export interface Extras {
  /** link/addr show: only links that are up. */
  up?: boolean;
  /** link set: move the link to this namespace (a name, a path or a pid). */
  netns?: string;
  /** link add (veth): create the peer in this namespace. */
  peerNetns?: string;
  /** link add (vxlan): the underlying device, by name (resolved before sending). */
  kindDev?: string;
  /** neigh show: NUD states to show (a mask; 0x100 means entries in state none). */
  nud?: number;
  /** neigh show: proxy entries. */
  proxy?: boolean;
  /** monitor: prefix each line with the object (`[LINK]`). */
  label?: boolean;
  /** monitor: the objects to listen to. */
  groups?: GroupName[];
  /** netns add/del: the namespace name. */
  name?: string;
  /** route show: every table (`table all`). */
  allTables?: boolean;
  /** route show/flush `root PREFIX`: routes inside the prefix. */
  root?: string;
  /** route show/flush `match PREFIX`: routes covering the prefix. */
  match?: string;
  /** netns exec: the program and its arguments. */
  argv?: string[];
  /** netns identify: the process (ip's `self` when not given). */
  pid?: string;
  /** ynl: the family, operation and switches. */
  ynl?: YnlArgs;
  /** help: the topic. */
  topic?: string;
  /** uevent monitor: the groups to join and the events to keep. */
  uevent?: UEventArgs;
  /** tc qdisc/class/filter show: what the command selects (and tc then leaves out). */
  tc?: TcSelect;
  /** ss: the tables, states, switches and filter (see cli/parse/ss.ts). */
  ss?: SsArgs;
  /** ipset: the command, its sets, entry and switches (see cli/parse/ipset.ts). */
  ipset?: IpsetArgs;
  /** conntrack: the command and its options (see cli/parse/conntrack.ts). */
  conntrack?: ConntrackArgs;
}

/** What a `tc … show` selects, as numbers (see cli/parse/tc.ts). */
export interface TcSelect {
  /** qdisc/class show `root`/`ingress`/`parent P`; filter show's parent. */
  parent?: number;
  /** qdisc show `handle H`. */
  handle?: number;
  /** class show `classid C`. */
  classid?: number;
  /** class show `qdisc Q`. */
  qdisc?: number;
  /** filter show `pref N`. */
  prio?: number;
  /** filter show `protocol P` (the ethertype). */
  protocol?: number;
  /** filter show `chain N`. */
  chain?: number;
}

/** What `nlroute uevent monitor` was asked (see cli/parse/uevent.ts). */
export interface UEventArgs {
  /** The groups to join (`kernel`, `udev`). */
  groups: UEventGroup[];
  /** `subsystem NAME`: keep only these subsystems (all when empty). */
  subsystems: string[];
  /** `devtype NAME`: keep only these device types (all when empty). */
  devtypes: string[];
}

/** What `nlroute ynl` was asked (see cli/parse/ynl.ts). */
export interface YnlArgs {
  /** The family's name (the spec's name with `--spec`). */
  family: string | undefined;
  /** The operation (`do`, `dump`), or undefined for `monitor` and `--list-ops`. */
  op: string | undefined;
  /** The request, parsed from `--json` (keys as given). */
  request: Record<string, unknown>;
  /** `--spec FILE`: a YNL YAML spec to load. */
  spec: string | undefined;
  /** monitor `--group NAME`: the groups to join (all when empty). */
  groups: string[];
  /** monitor `--count N`: stop after N notifications. */
  count: number | undefined;
}

/**
 * One parsed command: the object, the action, the IPRoute spec (a request or a
 * dump filter), the fields `ip` would not print because the command filters on
 * them, and the extra switches.
 */
export interface Invocation {
  /** The object (`link`, `addr`, …). */
  object: ObjectName;
  /** The action (`show`, `add`, `del`, `set`, …). */
  action: string;
  /** IPRoute arguments (request spec or dump filter). */
  spec: Spec;
  /** Fields left out of the output because the command selects on them (`dev`, `table`, …). */
  hide: Set<string>;
  /** Switches that are not IPRoute arguments. */
  extras: Extras;
}

/**
 * An {@link Invocation} from its parts.
 */
export function inv(
  object: ObjectName,
  action: string,
  spec: Spec,
  extras: Extras = {},
  hide: Iterable<string> = [],
): Invocation {
  return { object, action, spec, extras, hide: new Set(hide) };
}

/**
 * `spec` with `family` set when one is chosen.
 */
export function withFamily(spec: Spec, family: number): Spec {
  if (family) spec.family = family;
  return spec;
}

/**
 * The word users type for an object (`addr` → `address`).
 */
export function objectLabel(object: ObjectName): string {
  if (object === "qdisc") return "tc qdisc";
  if (object === "tclass") return "tc class";
  if (object === "tfilter") return "tc filter";
  return object === "addr"
    ? "address"
    : object === "mdb" || object === "vlan"
    ? `bridge ${object}`
    : object;
}
