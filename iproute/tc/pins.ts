/**
 * BPF programs pinned on a bpf file system, in filter specs (bpf's
 * `pinned`, as tc's `object-pinned`): opened (BPF_OBJ_GET) for the time of
 * one request, their descriptor put where the spec named the path, and
 * closed after.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { bpfObjGet } from "../../ffi/bpf.ts";
import { libc } from "../../ffi/libc.ts";
import type { Held } from "../route/pins.ts";
import type { Spec } from "../spec.ts";

/**
 * Opens the pinned program of a bpf filter spec (`{ kind: "bpf", pinned }`),
 * or answers undefined when it names none (without copying).
 */
export function holdFilterPins(spec: Spec): Held | undefined {
  if (spec.kind !== "bpf" || spec.pinned === undefined || spec.fd !== undefined) return undefined;
  if (typeof spec.pinned !== "string" || spec.pinned === "") {
    throw new ArgumentError("pinned", "the path of a pinned BPF program", spec.pinned);
  }
  const fd = bpfObjGet(spec.pinned);
  const { pinned, ...rest } = spec;
  const name = spec.name ?? pinned.split("/").filter(Boolean).pop() ?? pinned;
  return {
    spec: { ...rest, fd, name },
    release: () => void libc().close(fd),
  };
}
