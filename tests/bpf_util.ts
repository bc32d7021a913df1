/**
 * Loading a BPF program for the tests of BPF route encapsulation: the
 * smallest LWT program (`r0 = BPF_OK; exit`), through bpf(2) BPF_PROG_LOAD.
 * The library itself takes program descriptors; loading is the caller's.
 */
import { addressOf } from "../ffi/libc.ts";
import { bpf } from "../ffi/bpf.ts";
import { allocBuffer } from "../ffi/symbols.ts";
import { BPF_CMD, BPF_PROG_TYPE, BPF_STRUCTS } from "../core/tables/bpf.ts";

/** Loads `r0 = 0 (BPF_OK); exit` as a program of `type` named `name`; returns its descriptor. */
export function loadLwtProgram(
  name: string,
  type: keyof typeof BPF_PROG_TYPE = "LWT_XMIT",
): number {
  const insns = allocBuffer(16);
  insns[0] = 0xb7; // BPF_ALU64 | BPF_MOV | BPF_K: r0 = imm (0)
  insns[8] = 0x95; // BPF_JMP | BPF_EXIT
  const license = allocBuffer(4);
  license.set([0x47, 0x50, 0x4c, 0]); // "GPL"
  const L = BPF_STRUCTS.bpfAttrProgLoad;
  const attr = allocBuffer(L.size);
  const dv = new DataView(attr.buffer);
  dv.setUint32(L.at.progType, BPF_PROG_TYPE[type], true);
  dv.setUint32(L.at.insnCnt, 2, true);
  dv.setBigUint64(L.at.insns, addressOf(insns), true);
  dv.setBigUint64(L.at.license, addressOf(license), true);
  attr.set(new TextEncoder().encode(name.slice(0, 15)), L.at.progName);
  return bpf(BPF_CMD.PROG_LOAD, attr, "bpf(BPF_PROG_LOAD)");
}
