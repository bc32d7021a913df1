/**
 * ip's `encap TYPE …` words (iproute_lwtunnel.c's parse_encap_*) into a route
 * spec's `encap`: `seg6 mode MODE segs A,B [ hmac K ]`, `seg6local action
 * ACTION [ table T ] [ vrftable T ] [ nh4 A ] [ nh6 A ] [ iif D ] [ oif D ] [
 * srh segs A,B [ hmac K ] ] [ count ]`, `mpls L1/L2 [ ttl N ]`, `ip [ id ID ]
 * [ dst A ] [ src A ] [ ttl N ] [ tos N ] [ key ] [ csum ] [ seq ]`, `ip6 …
 * hoplimit N tc N`, `ioam6 [ freq K/N ] [ mode M ] [ tundst A ] trace prealloc
 * type T ns N size S`. Words are taken while they are the type's own; the
 * first other word ends the encapsulation (as ip reads them).
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { ifnameValue, ipAddress } from "./addresses.ts";
import { integer, tableValue } from "./values.ts";
import type { Words } from "./words.ts";

type Spec = Record<string, unknown>;

/** The option words of each encapsulation type. */
const OPTIONS: Record<string, readonly string[]> = {
  seg6: ["mode", "segs", "hmac"],
  seg6local: ["action", "table", "vrftable", "nh4", "nh6", "iif", "oif", "srh", "count"],
  mpls: ["ttl"],
  ip: ["id", "dst", "src", "ttl", "tos", "key", "csum", "seq"],
  ip6: ["id", "dst", "src", "hoplimit", "tc", "key", "csum", "seq"],
  ioam6: ["freq", "mode", "tundst", "trace"],
};

/** A comma-separated list of IPv6 addresses (`segs`). */
function segments(word: string, keyword: string): string[] {
  return word.split(",").map((s) => ipAddress(s, keyword));
}

/**
 * Parses `TYPE …` after the word `encap` (`what` names the place for errors:
 * `encap`, `nexthop encap`).
 */
export function parseEncap(w: Words, what = "encap"): Spec {
  // The top-level encap once; each next hop's words in a scope of their own.
  if (what === "encap") w.once("encap");
  const outer = w.scope;
  w.scope = `${outer}${what}#${++encaps}.`;
  try {
    return parseEncapWords(w, what, w.next());
  } finally {
    w.scope = outer;
  }
}

let encaps = 0;

function parseEncapWords(w: Words, what: string, type: string): Spec {
  if (type === "bpf") {
    throw new UsageError(
      `"${what} bpf" loads programs from object files, which nlroute does not; give a program fd to IPRoute's route("add", { encap: { type: "bpf", … } }).`,
    );
  }
  const options = OPTIONS[type];
  if (!options) {
    throw new UsageError(
      `Unknown encapsulation "${type}": expected ${Object.keys(OPTIONS).join(", ")}.`,
    );
  }
  const e: Spec = { type };
  if (type === "mpls") {
    e.labels = w.value("mpls").split("/").map((l) => integer(l, "mpls", 0, 0xfffff));
  }
  const flags: string[] = [];
  while (!w.done && options.includes(w.peek()!)) {
    const k = w.next();
    const at = `${what} ${type} ${k}`;
    if (k === "key" || k === "csum" || k === "seq") flags.push(k);
    else if (k === "count") e.counters = true;
    else if (k === "segs") e.segments = segments(w.value(k), at);
    else if (k === "hmac") e.hmac = integer(w.value(k), at, 1);
    else if (k === "srh") {
      const srh: Spec = {};
      if (w.next() !== "segs") throw new UsageError(`"${at}" takes segs A,B…`);
      srh.segments = segments(w.value("segs"), at);
      if (w.peek() === "hmac") {
        w.next();
        srh.hmac = integer(w.value("hmac"), `${at} hmac`, 1);
      }
      e.srh = srh;
    } else if (k === "mode" || k === "action") e[k] = w.value(k);
    else if (k === "table" || k === "vrftable") e[k] = tableValue(w.value(k), at);
    else if (k === "nh4" || k === "nh6" || k === "dst" || k === "src" || k === "tundst") {
      e[k === "tundst" ? "dst" : k] = ipAddress(w.value(k), at);
    } else if (k === "iif" || k === "oif") e[k] = ifnameValue(w.value(k), at);
    else if (k === "id") e.id = integer(w.value(k), at);
    else if (k === "tos" || k === "tc") {
      // ip reads these as DS fields: hexadecimal, with or without 0x.
      const v = w.value(k);
      if (!/^(0x)?[0-9a-f]{1,2}$/i.test(v)) {
        throw new UsageError(`"${at}" takes a hexadecimal byte, not "${v}"`);
      }
      e[k] = Number.parseInt(v.replace(/^0x/i, ""), 16);
    } else if (k === "ttl" || k === "hoplimit") {
      e[k] = integer(w.value(k), at, 0, 255);
    } else if (k === "freq") {
      const m = w.value(k).match(/^(\d+)\/(\d+)$/);
      if (!m) throw new UsageError(`"${at}" takes K/N`);
      e.freq = { k: Number(m[1]), n: Number(m[2]) };
    } else if (k === "trace") {
      const t: Spec = {};
      if (w.next() !== "prealloc") {
        throw new UsageError(`"${at}" takes prealloc type T ns N size S`);
      }
      for (const part of ["type", "ns", "size"]) {
        if (w.next() !== part) throw new UsageError(`"${at} prealloc" takes type T ns N size S`);
        t[part] = integer(w.value(part), `${at} ${part}`);
      }
      e.trace = t;
    }
  }
  if (flags.length) e.flags = flags;
  return e;
}
