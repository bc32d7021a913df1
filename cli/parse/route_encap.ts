/**
 * `encap TYPE …` of `nlroute route add` (and of each `nexthop`): ip's
 * words for seg6, seg6local, mpls, ip, ip6 and ioam6 into the `encap` spec
 * (see iproute/route/encap.ts). Values are checked when the request is built;
 * here only the grammar. The options of a type end at the first word that is
 * not one of them, which goes back to the route's grammar (as in ip).
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import type { Spec } from "./invocation.ts";
import { ifnameValue, ipAddress } from "./addresses.ts";
import { integer, tableValue } from "./values.ts";
import type { Words } from "./words.ts";

/** `A,B,…` segment lists. */
function segs(word: string): string[] {
  return word.split(",").map((s) => ipAddress(s, "segs"));
}

/** Consumes words while `take` accepts the next one (it reads the word and its values). */
function options(w: Words, take: (k: string) => boolean): void {
  while (!w.done) {
    const k = w.peek()!;
    if (!take(k)) return;
  }
}

function seg6(w: Words): Spec {
  const e: Spec = { type: "seg6" };
  options(w, (k) => {
    if (k === "mode") e.mode = (w.next(), w.value(k));
    else if (k === "segs") e.segments = (w.next(), segs(w.value(k)));
    else if (k === "hmac") e.hmac = (w.next(), integer(w.value(k), k));
    else return false;
    return true;
  });
  if (e.mode === undefined || e.segments === undefined) throw w.incomplete();
  return e;
}

function seg6local(w: Words): Spec {
  const e: Spec = { type: "seg6local" };
  let srh: Spec | undefined;
  options(w, (k) => {
    if (k === "action") e.action = (w.next(), w.value(k));
    else if (k === "table" || k === "vrftable") e[k] = (w.next(), tableValue(w.value(k), k));
    else if (k === "nh4" || k === "nh6") e[k] = (w.next(), ipAddress(w.value(k), k));
    else if (k === "iif" || k === "oif") e[k] = (w.next(), ifnameValue(w.value(k), k));
    else if (k === "srh") (w.next(), srh = {});
    else if (k === "segs" && srh) srh.segments = (w.next(), segs(w.value(k)));
    else if (k === "hmac" && srh) srh.hmac = (w.next(), integer(w.value(k), k));
    else if (k === "count") (w.next(), e.counters = true);
    else if (k === "flavors") {
      w.next();
      e.flavors = { operations: w.value(k).split(",") };
    } else if ((k === "lblen" || k === "nflen") && e.flavors) {
      w.next();
      const key = k === "lblen" ? "lcblockBits" : "lcnodeFnBits";
      (e.flavors as Spec)[key] = integer(w.value(k), k, 0, 255);
    } else if (k === "endpoint") {
      throw new UsageError(
        `argument "encap seg6local endpoint" (BPF) is not supported by nlroute.`,
      );
    } else return false;
    return true;
  });
  if (srh) e.srh = srh;
  if (e.action === undefined) throw w.incomplete();
  return e;
}

function mpls(w: Words): Spec {
  const labels = w.value("mpls").split("/").map((l) => integer(l, "mpls", 0, 0xfffff));
  const e: Spec = { type: "mpls", labels };
  options(w, (k) => {
    if (k !== "ttl") return false;
    w.next();
    e.ttl = integer(w.value(k), k, 0, 255);
    return true;
  });
  return e;
}

function ipTunnel(w: Words, type: "ip" | "ip6"): Spec {
  const e: Spec = { type };
  const flags: string[] = [];
  const ints = type === "ip" ? ["ttl", "tos"] : ["hoplimit", "tc"];
  options(w, (k) => {
    if (k === "id") e.id = (w.next(), integer(w.value(k), k, 0, Number.MAX_SAFE_INTEGER));
    else if (k === "dst" || k === "src") e[k] = (w.next(), ipAddress(w.value(k), k));
    else if (k === "tos" || k === "tc") {
      // ip reads these as DS fields: hexadecimal, with or without 0x.
      w.next();
      const v = w.value(k);
      if (!/^(0x)?[0-9a-f]{1,2}$/i.test(v)) {
        throw new UsageError(`"encap ${type} ${k}" takes a hexadecimal byte, not "${v}"`);
      }
      e[k] = Number.parseInt(v.replace(/^0x/i, ""), 16);
    } else if (ints.includes(k)) e[k] = (w.next(), integer(w.value(k), k, 0, 255));
    else if (k === "key" || k === "csum" || k === "seq") (w.next(), flags.push(k));
    else return false;
    return true;
  });
  if (flags.length) e.flags = flags;
  return e;
}

function ioam6(w: Words): Spec {
  const e: Spec = { type: "ioam6" };
  options(w, (k) => {
    if (k === "mode") e.mode = (w.next(), w.value(k));
    else if (k === "tundst") e.dst = (w.next(), ipAddress(w.value(k), k));
    else if (k === "freq") {
      w.next();
      const [kk, n] = w.value(k).split("/");
      e.freq = { k: integer(kk ?? "", k), n: integer(n ?? "", k) };
    } else if (k === "trace") {
      w.next();
      const t: Spec = {};
      for (const word of ["prealloc", "type", "ns", "size"]) {
        const got = w.next();
        if (got !== word) throw w.garbage(got);
        if (word !== "prealloc") t[word] = integer(w.value(word), word);
      }
      e.trace = t;
    } else return false;
    return true;
  });
  if (e.trace === undefined) throw w.incomplete();
  return e;
}

/**
 * The words after `encap`: the type, then its options; `scope` keeps the
 * keywords of one encapsulation apart from the route's and other hops'.
 */
export function parseEncap(w: Words, scope: string): Spec {
  const outer = w.scope;
  w.scope = scope;
  try {
    return encapOf(w, w.value("encap"));
  } finally {
    w.scope = outer;
  }
}

function encapOf(w: Words, type: string): Spec {
  if (type === "seg6") return seg6(w);
  if (type === "seg6local") return seg6local(w);
  if (type === "mpls") return mpls(w);
  if (type === "ip" || type === "ip6") return ipTunnel(w, type);
  if (type === "ioam6") return ioam6(w);
  if (type === "bpf") {
    throw new UsageError(`argument "encap bpf" (loading BPF objects) is not supported by nlroute.`);
  }
  throw new UsageError(
    `"${type}" is not an encapsulation type nlroute knows: seg6, seg6local, mpls, ip, ip6 or ioam6.`,
  );
}
