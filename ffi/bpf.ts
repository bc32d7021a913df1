/**
 * The few bpf(2) commands nlroute makes (glibc has no wrapper: `syscall`
 * with the architecture's number): opening a pinned object by path, pinning
 * one. Errors are SyscallErrors naming the path.
 *
 * @module
 */
import { nodeProcess } from "./node.ts";
import { addressOf, check, libc } from "./libc.ts";
import { allocBuffer } from "./symbols.ts";
import { BPF_CMD, BPF_STRUCTS, SYS_BPF } from "../core/tables/bpf.ts";

/** The bpf(2) syscall number of this architecture. */
export function bpfSyscall(): number {
  const arch = nodeProcess().arch;
  const nr = SYS_BPF[arch as keyof typeof SYS_BPF];
  if (nr === undefined) {
    throw new Error(`Cannot call bpf(2): no syscall number for ${arch}`);
  }
  return nr;
}

/** Runs bpf(`cmd`, attr) with the attributes `attr`; returns the result (a descriptor for most commands). */
export function bpf(cmd: number, attr: Uint8Array, what: string): number {
  return check("syscall", libc().syscall(bpfSyscall(), cmd, attr, attr.length), what);
}

function objAttr(path: string, fd = 0): { attr: Uint8Array; keep: Uint8Array } {
  const bytes = new TextEncoder().encode(path);
  const name = allocBuffer(bytes.length + 1);
  name.set(bytes);
  const L = BPF_STRUCTS.bpfAttrObj;
  const attr = allocBuffer(L.size);
  const dv = new DataView(attr.buffer);
  dv.setBigUint64(L.at.pathname, addressOf(name), true);
  dv.setUint32(L.at.bpfFd, fd, true);
  return { attr, keep: name };
}

/** Opens the BPF object pinned at `path` (BPF_OBJ_GET); returns a new descriptor. */
export function bpfObjGet(path: string): number {
  const { attr, keep } = objAttr(path);
  const fd = bpf(BPF_CMD.OBJ_GET, attr, `bpf(BPF_OBJ_GET, ${path})`);
  void keep;
  return fd;
}

/** Pins the BPF object `fd` at `path` on a bpf file system (BPF_OBJ_PIN). */
export function bpfObjPin(fd: number, path: string): void {
  const { attr, keep } = objAttr(path, fd);
  bpf(BPF_CMD.OBJ_PIN, attr, `bpf(BPF_OBJ_PIN, ${path})`);
  void keep;
}
