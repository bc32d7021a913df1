/**
 * `nlroute link show | add | set | del`: ip's link grammar, with the kind
 * options of `link add … type KIND` read against the kind's attribute table.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { kindSet } from "../../iproute/link/data.ts";
import { BOND_MODES } from "../../iproute/names.ts";
import { RTNL } from "../../iproute/registry.ts";
import { UsageError } from "../errors.ts";
import type { Extras, Invocation, Spec } from "./invocation.ts";
import { inv } from "./invocation.ts";
import { ifnameValue, ipAddress, macAddress } from "./addresses.ts";
import { camel, integer, lookup, onOff, orList } from "./values.ts";
import { ipLookup, PROPERTY_COMMANDS } from "./ip_words.ts";
import type { Words } from "./words.ts";

/** Options `link add` and `link set` share (and a veth peer, but for up, down, master). */
const LINK_COMMON: Record<string, (w: Words, spec: Spec, keyword: string) => void> = {
  mtu: (w, s, k) => (s.mtu = integer(w.value(k), k, 68, 0xffffffff)),
  address: (w, s, k) => (s.address = macAddress(w.value(k), k)),
  broadcast: (w, s, k) => (s.broadcast = macAddress(w.value(k, "broadcast"), k)),
  txqlen: (w, s, k) => (s.txqlen = integer(w.value(k, "txqlen"), k)),
  master: (w, s, k) => (s.master = ifnameValue(w.value(k), k)),
  alias: (w, s, k) => (s.ifalias = w.value(k)),
  group: (w, s, k) => (s.group = integer(w.value(k), k)),
  numtxqueues: (w, s, k) => (s.numTxQueues = integer(w.value(k), k, 1, 4096)),
  numrxqueues: (w, s, k) => (s.numRxQueues = integer(w.value(k), k, 1, 4096)),
  up: (w, s, k) => (w.once(k, "state"), s.state = "up"),
  down: (w, s, k) => (w.once(k, "state"), s.state = "down"),
};

/** ip's other words for the common options. */
const COMMON_ALIASES: Record<string, string> = {
  brd: "broadcast",
  txqueuelen: "txqlen",
  qlen: "txqlen",
};

function common(word: string): ((w: Words, spec: Spec, keyword: string) => void) | undefined {
  return LINK_COMMON[COMMON_ALIASES[word] ?? word];
}

/**
 * Parses the words after `link ACTION`.
 */
export function parseLink(w: Words, action: string): Invocation {
  if (action === "show") return parseShow(w);
  if (action === "del") return parseDel(w);
  if (action === "add") return parseAdd(w);
  if (action === "property") return parseProperty(w);
  return parseSet(w);
}

/** `link property { add | del } [ dev ] DEVICE altname NAME [ altname NAME … ]`. */
function parseProperty(w: Words): Invocation {
  if (w.done) throw new UsageError(`Operator required for "link property": add or del.`);
  const op = w.next();
  const cmd = ipLookup(op, PROPERTY_COMMANDS)?.[1];
  if (cmd === undefined || cmd === null) {
    throw new UsageError(`Operator required for "link property": add or del, got "${op}".`);
  }
  if (cmd === "help") return inv("help", "help", {}, { topic: "link" });
  const spec: Spec = {};
  const altnames: string[] = [];
  while (!w.done) {
    const k = w.next();
    if (k === "altname") altnames.push(altnameValue(w.value(k, `altname${altnames.length}`)));
    else if (k === "dev") spec.index = ifnameValue(w.value(k), "dev");
    else if (spec.index === undefined) spec.index = ifnameValue(k, "dev");
    else throw w.garbage(k);
  }
  if (spec.index === undefined) throw w.required('"dev" argument');
  if (altnames.length === 0) throw w.required('an "altname" argument');
  spec.altnames = altnames;
  return inv("link", cmd, spec);
}

/** An alternative name: like an interface name but up to 127 bytes (ip's check_altifname). */
function altnameValue(word: string): string {
  if (word === "" || new TextEncoder().encode(word).length > 127 || /[/\s]/.test(word)) {
    throw new ArgumentError(
      "altname",
      "a name of 1 to 127 bytes without '/' or spaces",
      word,
      "argument",
    );
  }
  return word;
}

function parseShow(w: Words): Invocation {
  const spec: Spec = {};
  const extras: Extras = {};
  while (!w.done) {
    const k = w.next();
    if (k === "dev" || k === "name") spec.ifname = ifnameValue(w.value("dev"), "dev");
    else if (k === "up") (w.once(k), extras.up = true);
    else if (k === "type") spec.kind = w.value(k);
    else if (k === "master") spec.master = ifnameValue(w.value(k), k);
    else if (k === "group") spec.group = integer(w.value(k), k);
    else if (spec.ifname === undefined) spec.ifname = ifnameValue(k, "dev");
    else throw w.garbage(k);
  }
  return inv("link", "show", spec, extras);
}

function parseDel(w: Words): Invocation {
  const spec: Spec = {};
  while (!w.done) {
    const k = w.next();
    if (k === "dev" || k === "name") spec.index = ifnameValue(w.value("dev"), "dev");
    else if (spec.index === undefined) spec.index = ifnameValue(k, "dev");
    else throw w.garbage(k);
  }
  if (spec.index === undefined) throw w.incomplete();
  return inv("link", "del", spec);
}

/**
 * Reads the words of `link set` and `link add`: the common options, and
 * `other` for the rest of each word.
 */
function readChange(
  w: Words,
  other: (k: string, spec: Spec, extras: Extras) => void,
): { spec: Spec; extras: Extras } {
  const spec: Spec = {};
  const extras: Extras = {};
  while (!w.done) {
    const k = w.next();
    const option = common(k);
    if (option) option(w, spec, k);
    else other(k, spec, extras);
  }
  return { spec, extras };
}

function parseSet(w: Words): Invocation {
  const { spec, extras } = readChange(w, (k, spec, extras) => {
    if (k === "dev") spec.index = ifnameValue(w.value(k), "dev");
    else if (k === "name") spec.ifname = ifnameValue(w.value(k), k);
    else if (k === "nomaster") (w.once(k, "master"), spec.master = 0);
    else if (k === "netns") extras.netns = w.value(k);
    else if (k === "carrier") spec.carrier = onOff(w.value(k), k) ? 1 : 0;
    else if (spec.index === undefined) spec.index = ifnameValue(k, "dev");
    else throw w.garbage(k);
  });
  if (spec.index === undefined) throw w.required('"dev" argument');
  if (Object.keys(spec).length === 1 && extras.netns === undefined) {
    throw new UsageError(`Nothing to change for "link set": give up, down, mtu, name, ….`);
  }
  return inv("link", "set", spec, extras);
}

function parseAdd(w: Words): Invocation {
  const { spec, extras } = readChange(w, (k, spec, extras) => {
    if (k === "dev" || k === "name") spec.ifname = ifnameValue(w.value("name"), "name");
    else if (k === "link") spec.link = ifnameValue(w.value(k), k);
    else if (k === "type") {
      spec.kind = w.value(k);
      parseKindArgs(w, spec, extras);
    } else if (spec.ifname === undefined) spec.ifname = ifnameValue(k, "name");
    else throw w.garbage(k);
  });
  if (spec.kind === undefined) throw w.required('"type" argument');
  if (spec.ifname === undefined) throw w.required("a name");
  return inv("link", "add", spec, extras);
}

/** The veth peer: `peer [name] NAME [address …] [mtu …] [netns NS]`. */
function parsePeer(w: Words, spec: Spec, extras: Extras): void {
  if (w.done) return;
  const k = w.next();
  if (k !== "peer") throw w.garbage(k);
  const peer: Spec = {};
  w.scope = "peer.";
  while (!w.done) {
    const p = w.next();
    const option = common(p);
    if (option && p !== "up" && p !== "down" && p !== "master") option(w, peer, p);
    else if (p === "name" || p === "dev") {
      peer.ifname = ifnameValue(w.value("peer name", "name"), "peer name");
    } else if (p === "netns") extras.peerNetns = w.value("peer netns", "netns");
    else if (peer.ifname === undefined) peer.ifname = ifnameValue(p, "peer name");
    else throw w.garbage(p);
  }
  spec.peer = Object.keys(peer).length === 1 && peer.ifname !== undefined ? peer.ifname : peer;
}

/** A name of an enum (`macvlan mode bridge`), or for bond modes also its number. */
function modeValue(kind: string, word: string, keyword: string): number {
  if (kind === "bond") {
    const m = lookup(BOND_MODES, word) ?? (/^\d$/.test(word) ? Number(word) : undefined);
    if (m === undefined || m > 6) {
      throw new ArgumentError(keyword, BOND_MODES.names().join(", "), word, "argument");
    }
    return m;
  }
  const modes = RTNL.enum("macvlanMode");
  const m = modes.byName.get(word);
  if (m === undefined) {
    throw new ArgumentError(keyword, orList([...modes.byName.keys()]), word, "argument");
  }
  return m;
}

/** Kind options: `type veth peer name v1`, `type vlan id 10`, `type vxlan id 42 dstport 4789 …`. */
function parseKindArgs(w: Words, spec: Spec, extras: Extras): void {
  const kind = spec.kind as string;
  if (kind === "veth") return parsePeer(w, spec, extras);
  const set = kindSet(kind);
  const data: Spec = {};
  while (!w.done) {
    const k = w.next();
    if (!set) {
      throw new UsageError(
        `Unknown argument "${k}" for "link add type ${kind}": this kind takes no options here.`,
      );
    }
    if (kind === "vxlan" && (k === "dev" || k === "physdev")) {
      extras.kindDev = ifnameValue(w.value(k), k);
      continue;
    }
    if (kind === "vxlan" && (k === "learning" || k === "nolearning")) {
      w.once(k, "learning");
      data.learning = k === "learning" ? 1 : 0;
      continue;
    }
    if ((kind === "macvlan" || kind === "macvtap" || kind === "bond") && k === "mode") {
      data.mode = modeValue(kind, w.value(k), k);
      continue;
    }
    const alias: Record<string, string> = kind === "vxlan"
      ? { dstport: "port", vni: "id", remote: "remote" }
      : {};
    const name = alias[k] ?? camel(k);
    if (name !== "remote" && !set.byName.has(name)) {
      throw new UsageError(
        `Unknown argument "${k}" for "link add type ${kind}", try "nlroute link help".`,
      );
    }
    const v = w.value(k, name);
    const def = set.byName.get(name);
    const size = def === undefined ? undefined : /^[us](8|16|32|64)$/.exec(def.kind)?.[1];
    if (name === "protocol" && kind === "vlan") data.protocol = v;
    else if (size !== undefined) {
      data[name] = integer(v, k, 0, size === "8" ? 255 : size === "16" ? 0xffff : 0xffffffff);
    } else if (name === "remote" || name === "group" || name === "local") {
      data[name] = ipAddress(v, k);
    } else data[name] = v;
  }
  if (Object.keys(data).length > 0) spec.data = data;
}
