/**
 * Action verdicts (what happens to the packet after an action) by tc(8)'s
 * names: `continue`, `pass` (`ok`), `reclassify`, `drop` (`shot`), `pipe`,
 * `stolen`, `queued`, `repeat`, `redirect`, `trap`, `goto chain N`, `jump N`.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { TC_ACT } from "../../core/tables/tc.ts";

/** A verdict name, or `goto chain N` / `jump N`, or the TC_ACT_* number. */
export type Verdict =
  | "continue"
  | "pass"
  | "ok"
  | "reclassify"
  | "drop"
  | "shot"
  | "pipe"
  | "stolen"
  | "queued"
  | "repeat"
  | "redirect"
  | "trap"
  | `goto chain ${number}`
  | `jump ${number}`
  | number;

const NAMES: Readonly<Record<string, number>> = {
  continue: TC_ACT.UNSPEC,
  pass: TC_ACT.OK,
  ok: TC_ACT.OK,
  reclassify: TC_ACT.RECLASSIFY,
  drop: TC_ACT.SHOT,
  shot: TC_ACT.SHOT,
  pipe: TC_ACT.PIPE,
  stolen: TC_ACT.STOLEN,
  queued: TC_ACT.QUEUED,
  repeat: TC_ACT.REPEAT,
  redirect: TC_ACT.REDIRECT,
  trap: TC_ACT.TRAP,
};
/** How tc prints each verdict. */
const PRINTED = new Map<number, string>([
  [TC_ACT.UNSPEC, "continue"],
  [TC_ACT.OK, "pass"],
  [TC_ACT.RECLASSIFY, "reclassify"],
  [TC_ACT.SHOT, "drop"],
  [TC_ACT.PIPE, "pipe"],
  [TC_ACT.STOLEN, "stolen"],
  [TC_ACT.QUEUED, "queued"],
  [TC_ACT.REPEAT, "repeat"],
  [TC_ACT.REDIRECT, "redirect"],
  [TC_ACT.TRAP, "trap"],
]);

/** A verdict → its TC_ACT_* number. */
export function parseVerdict(v: unknown, argument: string): number {
  if (typeof v === "number" && Number.isInteger(v) && v >= -1 && v <= 0x7fffffff) return v;
  if (typeof v === "string") {
    const n = NAMES[v];
    if (n !== undefined && Object.hasOwn(NAMES, v)) return n;
    const m = v.match(/^(goto chain|jump) (\d+)$/);
    if (m && Number(m[2]) <= TC_ACT.EXT_VAL_MASK) {
      return (m[1] === "jump" ? TC_ACT.JUMP : TC_ACT.GOTO_CHAIN) + Number(m[2]);
    }
  }
  throw new ArgumentError(
    argument,
    'a verdict: "pass", "drop", "pipe", "reclassify", "continue", "stolen", "trap", "goto chain N", "jump N" or a number',
    v,
  );
}

/** A TC_ACT_* number as tc prints it (`pass`, `drop`, `goto chain 1`, …). */
export function verdictName(n: number): string {
  const name = PRINTED.get(n);
  if (name !== undefined) return name;
  const op = n - (n & TC_ACT.EXT_VAL_MASK);
  if (op === TC_ACT.GOTO_CHAIN) return `goto chain ${n & TC_ACT.EXT_VAL_MASK}`;
  if (op === TC_ACT.JUMP) return `jump ${n & TC_ACT.EXT_VAL_MASK}`;
  return String(n);
}
