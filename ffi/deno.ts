/**
 * The Deno adapter: converts the neutral table into `Deno.dlopen` definitions.
 *
 * @module
 */
import {
  type Adapter,
  allocBuffer,
  type EpollWaiter,
  type Libc,
  type ParamKind,
  type ResultKind,
  symbolEntries,
  type SymbolName,
} from "./symbols.ts";
import { EPOLL_EVENT_SIZE, MAX_EVENTS, readTokens, WAIT_MS, WAKE_TOKEN } from "./epoll.ts";
import { wrapErrno } from "./wrap.ts";
import {
  denoApi,
  type DenoForeignFunction,
  type DenoNativeResultType,
  type DenoNativeType,
  type DenoPointerObject,
  type DenoPointerView,
} from "./deno_api.ts";

// This module is loaded only under Deno.
const deno = denoApi();

const PARAM: Record<ParamKind, DenoNativeType> = {
  i32: "i32",
  u32: "u32",
  u64: "u64",
  buffer: "buffer",
  pointer: "pointer",
};

/**
 * How a `u64` parameter (size_t lengths, mount flags: always below 2^32 here)
 * is declared to Deno. Deno's fast call for "u64" expects a BigInt: given a
 * number, V8's optimised caller deoptimises ("not a BigInt") and re-optimises
 * over and over, which cost 10–20 % of a request round trip. Declared "u32",
 * the value goes in a register written with a 32-bit move, which clears the
 * upper half on x86-64 and AArch64, so the callee reads the same 64-bit value.
 * That holds for register arguments only: the first six (x86-64 passes six
 * integer arguments in registers, AArch64 eight); later ones stay "u64".
 * (Results do the same: "ssize" is read as "i32".)
 */
function paramType(kind: ParamKind, position: number): DenoNativeType {
  return kind === "u64" && position < 6 ? "u32" : PARAM[kind];
}
const RESULT: Record<ResultKind, DenoNativeResultType> = {
  i32: "i32",
  ssize: "i32",
  void: "void",
};

function open<N extends SymbolName = SymbolName>(
  path: string,
  names?: readonly N[],
): Pick<Libc, N> {
  const entries = symbolEntries(names);
  const defs: Record<string, DenoForeignFunction> = {
    __errno_location: { parameters: [], result: "pointer" },
  };
  for (const [name, spec] of entries) {
    defs[name] = {
      parameters: spec.params.map(paramType),
      result: RESULT[spec.result],
    };
  }
  const lib = deno.dlopen(path, defs);
  // deno-lint-ignore no-explicit-any
  const sym = lib.symbols as Record<string, (...args: any[]) => any>;
  // errno lives at a per-thread address; this module instance runs on one thread.
  let view: DenoPointerView | undefined;
  const errno = (): number => {
    view ??= new deno.UnsafePointerView(sym.__errno_location!() as DenoPointerObject);
    return view.getInt32(0);
  };
  const out: Record<string, unknown> = {};
  for (const [name, spec] of entries) {
    let fn = sym[name]!;
    if ((spec.params as readonly ParamKind[]).includes("pointer")) {
      const raw = fn;
      const kinds = spec.params as readonly ParamKind[];
      fn = (...args: unknown[]) =>
        raw(
          ...args.map((a, i) =>
            kinds[i] === "pointer" && a !== null ? deno.UnsafePointer.create(a as bigint) : a
          ),
        );
    }
    out[name] = wrapErrno(fn, spec.params.length, errno);
  }
  return out as Pick<Libc, N>;
}

/**
 * Deno's waiter: epoll_wait as a `nonblocking` FFI call (it runs on Deno's
 * blocking pool). A pending call keeps the process alive, so nlroute only leaves
 * one pending while somebody waits, and wakes it through the eventfd otherwise.
 * errno is never read after it (it ran on another thread): a failure (EINTR)
 * simply returns no tokens.
 */
function waiter(epfd: number, path: string): EpollWaiter {
  const lib = deno.dlopen(path, {
    epoll_wait: { parameters: ["i32", "buffer", "i32", "i32"], result: "i32", nonblocking: true },
  });
  const epollWait = lib.symbols.epoll_wait as (
    epfd: number,
    events: Uint8Array,
    maxEvents: number,
    timeoutMs: number,
  ) => Promise<number>;
  const events = allocBuffer(EPOLL_EVENT_SIZE * MAX_EVENTS);
  const dv = new DataView(events.buffer);
  let pending = false;
  let stopped = false;
  return {
    async wait(): Promise<number[]> {
      pending = true;
      try {
        const n = await epollWait(epfd, events, MAX_EVENTS, WAIT_MS);
        return n > 0 ? readTokens(dv, n).filter((t) => t !== WAKE_TOKEN) : [];
      } finally {
        pending = false;
        if (stopped) lib.close();
      }
    },
    ref() {},
    unref() {},
    stop() {
      if (stopped) return;
      stopped = true;
      if (!pending) lib.close();
    },
  };
}

/** The Deno runtime adapter. */
export const adapter: Adapter = {
  runtime: "deno",
  open,
  waiter,
  addressOf(buf: Uint8Array): bigint {
    return deno.UnsafePointer.value(deno.UnsafePointer.of(buf));
  },
};
