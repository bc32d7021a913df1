/**
 * Shared by both adapters: wraps a raw FFI function so that a failing call
 * (result -1) returns `-errno`, read synchronously right after the call.
 *
 * @module
 */

// deno-lint-ignore no-explicit-any
type Raw = (...args: any[]) => number;

/**
 * Wraps `fn` (of `arity` parameters) so that -1 becomes `-errno()`.
 * Specialised per arity: no rest arguments on the hot path.
 */
export function wrapErrno(fn: Raw, arity: number, errno: () => number): Raw {
  switch (arity) {
    case 0:
      return () => {
        const r = fn();
        return r === -1 ? -errno() : r;
      };
    case 1:
      return (a) => {
        const r = fn(a);
        return r === -1 ? -errno() : r;
      };
    case 2:
      return (a, b) => {
        const r = fn(a, b);
        return r === -1 ? -errno() : r;
      };
    case 3:
      return (a, b, c) => {
        const r = fn(a, b, c);
        return r === -1 ? -errno() : r;
      };
    case 4:
      return (a, b, c, d) => {
        const r = fn(a, b, c, d);
        return r === -1 ? -errno() : r;
      };
    case 5:
      return (a, b, c, d, e) => {
        const r = fn(a, b, c, d, e);
        return r === -1 ? -errno() : r;
      };
    case 6:
      // recvfrom, sendto: on every receive of the request path.
      return (a, b, c, d, e, f) => {
        const r = fn(a, b, c, d, e, f);
        return r === -1 ? -errno() : r;
      };
    default:
      return (...args) => {
        const r = fn(...args);
        return r === -1 ? -errno() : r;
      };
  }
}
