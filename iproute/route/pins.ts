/**
 * BPF programs pinned on a bpf file system, in route specs: opened
 * (BPF_OBJ_GET) for the time of one request, their descriptors put where
 * the spec named their paths, and closed after.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { bpfObjGet } from "../../ffi/bpf.ts";
import { libc } from "../../ffi/libc.ts";
import type { Spec } from "../spec.ts";

/** A spec with its pinned programs opened, and what closes them. */
export interface Held {
  /** The spec with `{ fd, name }` in place of each `{ pinned }`. */
  spec: Spec;
  /** Closes the descriptors opened. */
  release(): void;
}

const HOOKS = ["in", "out", "xmit"] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** Whether an encapsulation names a pinned program. */
function hasPins(e: unknown): boolean {
  if (!isObject(e)) return false;
  if (e.type === "bpf") return HOOKS.some((h) => isObject(e[h]) && e[h].pinned !== undefined);
  return e.type === "seg6local" && isObject(e.bpf) && e.bpf.pinned !== undefined;
}

/**
 * Opens the pinned programs of a route spec (its `encap` and its next hops'),
 * or answers undefined when it names none (the common case, without copying).
 */
export function holdPinnedPrograms(spec: Spec): Held | undefined {
  const hops = Array.isArray(spec.multipath) ? spec.multipath as unknown[] : [];
  if (!hasPins(spec.encap) && !hops.some((h) => isObject(h) && hasPins(h.encap))) return undefined;
  const fds: number[] = [];
  const release = () => {
    for (const fd of fds.splice(0)) libc().close(fd);
  };
  const open = (p: Record<string, unknown>, path: string): Record<string, unknown> => {
    if (p.pinned === undefined || p.fd !== undefined) return p;
    if (typeof p.pinned !== "string" || p.pinned === "") {
      throw new ArgumentError(`${path}.pinned`, "the path of a pinned BPF program", p.pinned);
    }
    const fd = bpfObjGet(p.pinned);
    fds.push(fd);
    const { pinned, ...rest } = p;
    return { ...rest, fd, name: p.name ?? pinned.split("/").filter(Boolean).pop() ?? pinned };
  };
  const encap = (e: unknown, path: string): unknown => {
    if (!hasPins(e) || !isObject(e)) return e;
    const out = { ...e };
    if (e.type === "bpf") {
      for (const h of HOOKS) if (isObject(e[h])) out[h] = open(e[h], `${path}.${h}`);
    } else out.bpf = open(e.bpf as Record<string, unknown>, `${path}.bpf`);
    return out;
  };
  try {
    const held: Spec = { ...spec, encap: encap(spec.encap, "encap") };
    if (spec.encap === undefined) delete held.encap;
    if (hops.length) {
      held.multipath = hops.map((h, i) =>
        isObject(h) && h.encap !== undefined
          ? { ...h, encap: encap(h.encap, `multipath[${i}].encap`) }
          : h
      );
    }
    return { spec: held, release };
  } catch (e) {
    release();
    throw e;
  }
}
