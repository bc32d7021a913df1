/**
 * The Bun adapter: converts the neutral table into `bun:ffi` definitions.
 *
 * @module
 */
import { dlopen, FFIType, ptr, read } from "bun:ffi";
import { Worker } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import {
  type Adapter,
  type EpollWaiter,
  type Libc,
  type ParamKind,
  type ResultKind,
  symbolEntries,
  type SymbolName,
} from "./symbols.ts";
import { wrapErrno } from "./wrap.ts";

const PARAM: Record<ParamKind, FFIType> = {
  i32: FFIType.i32,
  u32: FFIType.u32,
  u64: FFIType.u64,
  buffer: FFIType.ptr,
  pointer: FFIType.ptr,
};
const RESULT: Record<ResultKind, FFIType> = {
  i32: FFIType.i32,
  ssize: FFIType.i32,
  void: FFIType.void,
};

function open<N extends SymbolName = SymbolName>(
  path: string,
  names?: readonly N[],
): Pick<Libc, N> {
  const entries = symbolEntries(names);
  const defs: Record<string, { args: FFIType[]; returns: FFIType }> = {
    __errno_location: { args: [], returns: FFIType.ptr },
  };
  for (const [name, spec] of entries) {
    defs[name] = { args: spec.params.map((p) => PARAM[p]), returns: RESULT[spec.result] };
  }
  const lib = dlopen(path, defs);
  // deno-lint-ignore no-explicit-any
  const sym = lib.symbols as Record<string, (...args: any[]) => any>;
  let where = 0;
  const errno = (): number => {
    if (where === 0) where = Number(sym.__errno_location!());
    // deno-lint-ignore no-explicit-any
    return read.i32(where as any, 0);
  };
  const out: Record<string, unknown> = {};
  for (const [name, spec] of entries) {
    out[name] = wrapErrno(sym[name]!, spec.params.length, errno);
  }
  return out as Pick<Libc, N>;
}

const RING = 65536;

/**
 * Bun's waiter: a worker thread blocked in epoll_wait (`bun_poller_worker.ts`)
 * publishes ready tokens in a shared ring and rings a doorbell; the main thread
 * waits on it with `Atomics.waitAsync`. The worker is unreferenced except while
 * somebody waits, so it never keeps the process alive on its own.
 */
function waiter(epfd: number, path: string): EpollWaiter {
  const sab = new SharedArrayBuffer(4 * (4 + RING));
  const ctl = new Int32Array(sab);
  const worker = new Worker(
    fileURLToPath(new URL("./bun_poller_worker.ts", import.meta.url).href),
    {
      workerData: { sab, epfd, path },
    },
  );
  worker.unref();
  return {
    async wait(): Promise<number[]> {
      for (;;) {
        const bell = Atomics.load(ctl, 1);
        const head = Atomics.load(ctl, 2);
        let tail = Atomics.load(ctl, 3);
        if (head !== tail) {
          const tokens: number[] = [];
          while (tail !== head) {
            tokens.push(Atomics.load(ctl, 4 + (tail % RING)) >>> 0);
            tail = (tail + 1) | 0;
          }
          Atomics.store(ctl, 3, tail);
          return tokens;
        }
        const r = Atomics.waitAsync(ctl, 1, bell);
        if (r.async) await r.value;
        if (Atomics.load(ctl, 2) === Atomics.load(ctl, 3)) return [];
      }
    },
    ref: () => worker.ref(),
    unref: () => worker.unref(),
    stop() {
      Atomics.store(ctl, 0, 1);
      worker.unref();
    },
  };
}

/** The Bun runtime adapter. */
export const adapter: Adapter = {
  runtime: "bun",
  open,
  waiter,
  addressOf(buf: Uint8Array): bigint {
    return BigInt(ptr(buf));
  },
};
