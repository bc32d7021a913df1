/**
 * Errors of the `nlroute` command: {@link UsageError} for a wrong command
 * line, and {@link describeError}, the one line (and exit code) any error is
 * reported with.
 *
 * @module
 */
import { ArgumentError, NetlinkError } from "../core/errors.ts";
import { errnoCode, strerror } from "../ffi/errno.ts";
import { FamilyNotFoundError } from "../genl/ctrl.ts";
import { type Invocation, objectLabel } from "./parse/invocation.ts";

/**
 * The command line is wrong (unknown object, command or keyword, a missing
 * value). Its message is one line; the command exits with {@link exitCode}.
 */
export class UsageError extends Error {
  /** Process exit code for this error. */
  readonly exitCode: number;

  /** A usage error with its one-line message and exit code (default 1). */
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = "UsageError";
    this.exitCode = exitCode;
  }
}

/** The verb of each action in "Cannot <verb> <object>" messages. */
const VERBS: Record<string, string> = {
  show: "show",
  add: "add",
  del: "delete",
  set: "change",
  change: "change",
  replace: "replace",
  append: "append",
  get: "get",
  flush: "flush",
};

/**
 * One line for an error, in ip's manner, and the exit code with it: 1 for bad
 * input or a missing device, 2 when the kernel refused the request.
 */
export function describeError(e: unknown, inv?: Invocation): { message: string; code: number } {
  if (e instanceof UsageError) return { message: e.message, code: e.exitCode };
  if (e instanceof ArgumentError) {
    const resolve = /^Cannot resolve interface "[^"]*": expected [^,]*, got "(.*)"$/.exec(
      e.message,
    );
    if (resolve) return { message: `Cannot find device "${resolve[1]}"`, code: 1 };
    return { message: e.message.replace(/^Cannot use argument "/, 'argument "'), code: 1 };
  }
  if (e instanceof FamilyNotFoundError) return { message: e.message, code: 2 };
  if (e instanceof NetlinkError) {
    const text = (e.extack ?? strerror(e.errno)).replace(/\.$/, "");
    const ynl = inv?.extras.ynl;
    const what = ynl
      ? `Cannot ${ynl.family ?? "ynl"} ${ynl.op ?? inv!.action}: `
      : inv && inv.object !== "help"
      ? `Cannot ${VERBS[inv.action] ?? inv.action} ${objectLabel(inv.object)}: `
      : "";
    if (e.code === "ENODEV" && inv?.object === "link") {
      return { message: `${what}${text} (${e.code})`, code: 1 };
    }
    return { message: `${what}${text} (${e.code})`, code: 2 };
  }
  if (e instanceof Error) return { message: e.message, code: 1 };
  return { message: String(e), code: 1 };
}

/**
 * The text of a Node-style system error (`e.code` `"ENOENT"` → `No such file
 * or directory`), as ip prints strerror; the message for other errors.
 */
export function systemReason(e: unknown): string {
  const err = e as { code?: unknown; message?: string };
  try {
    if (typeof err.code === "string") return strerror(errnoCode(err.code));
  } catch {
    // Not an errno name.
  }
  return err.message ?? String(e);
}
