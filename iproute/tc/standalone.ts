/**
 * Standalone actions (`tc actions add|replace|change|del|get|list|flush`):
 * actions that live on their own, by kind and index, and that filters share
 * (`{ kind: "mirred", index: 5 }` in a filter's `actions`). Messages are
 * struct tcamsg with TCA_ROOT_TAB, the list of TCA_ACT_* nests.
 *
 * @module
 */
import { ArgumentError } from "../../core/errors.ts";
import { Writer } from "../../core/codec.ts";
import { LazyMessage, type MessageShape } from "../../core/lazy.ts";
import { encodeAttrs } from "../../core/schema.ts";
import { NLM_F } from "../../core/constants.ts";
import { RTM, RTNLGRP } from "../../core/tables/constants.ts";
import { TC_STRUCTS } from "../../core/tables/tc.ts";
import type { Request } from "../../core/socket.ts";
import { structRequest } from "../header.ts";
import { defined, rtnetlinkShape } from "../message.ts";
import { type Command, defineObject, type ObjectDef } from "../object.ts";
import { SETS } from "../registry.ts";
import { checkKeys, command, type Spec, u32 } from "../spec.ts";
import {
  type Action,
  type ActionSpec,
  decodeAction,
  encodeAction,
  encodeActions,
} from "./actions.ts";

const TCAMSG = TC_STRUCTS.tcamsg;
const SHAPE = rtnetlinkShape(TCAMSG, SETS.tcRoot);

/**
 * The action commands. `flush` deletes every action of a kind (`tc actions
 * flush action mirred`); `dump` lists a kind's actions.
 */
export const ACTION_COMMANDS = {
  add: [RTM.NEWACTION, NLM_F.CREATE | NLM_F.EXCL],
  replace: [RTM.NEWACTION, NLM_F.CREATE | NLM_F.REPLACE],
  change: [RTM.NEWACTION, NLM_F.REPLACE],
  del: [RTM.DELACTION, 0],
  flush: [RTM.DELACTION, NLM_F.ROOT],
  get: [RTM.GETACTION, 0],
  dump: [RTM.GETACTION, 0],
} as const satisfies Record<string, Command>;

/**
 * Arguments of `action(cmd, spec)`: one action (`{ kind: "mirred", index: 5,
 * mode: "redirect", dev: "eth1" }`) or several (`{ actions: [...] }`) to add,
 * replace or change; `{ kind, index }` to get or delete; `{ kind }` to dump or
 * flush.
 */
export type StandaloneActionSpec = ActionSpec | { actions: ActionSpec[] };

/** The actions of one RTM_NEWACTION/RTM_DELACTION message (a dump answers with several). */
export class ActionMessage extends LazyMessage {
  /** @internal tcamsg and TCA_ROOT_* (tcRootAttrs). */
  protected get shape(): MessageShape {
    return SHAPE;
  }
  /** The actions it carries, decoded (typed for the kinds with a codec). */
  get actions(): Action[] {
    const tab = this.attrs.tab;
    return Array.isArray(tab)
      ? tab.filter((a) => a && typeof a === "object").map((a) =>
        decodeAction(a as Record<string, unknown>)
      )
      : [];
  }
  /** How many actions a dump message carries (TCA_ROOT_COUNT). */
  get count(): number | undefined {
    return this.attrs.count as number | undefined;
  }
  /** Fields shown by `toJSON()` and inspection. */
  protected fields(): Record<string, unknown> {
    return defined({ actions: this.actions, count: this.count });
  }
}

const ONE = ["kind", "index"];

/** Builds the request for `action(cmd, spec)`. */
export function buildActionRequest(cmd: string, spec: Spec): Request {
  const entry = command(ACTION_COMMANDS, cmd, "action");
  let tab: Record<string, unknown>[];
  if (cmd === "add" || cmd === "replace" || cmd === "change") {
    if (spec.actions !== undefined) {
      checkKeys(spec, ["actions"], `action ${cmd}`);
      tab = encodeActions(spec.actions);
    } else tab = [encodeAction(spec, "action")];
  } else {
    const needIndex = cmd === "get" || cmd === "del";
    checkKeys(spec, needIndex ? ONE : ["kind"], `action ${cmd}`);
    if (typeof spec.kind !== "string" || spec.kind === "") {
      throw new ArgumentError("kind", `the action kind to ${cmd} ("mirred", "gact", …)`, spec.kind);
    }
    const one: Record<string, unknown> = { kind: spec.kind };
    if (needIndex) {
      if (spec.index === undefined) {
        throw new ArgumentError("index", `the index of the action to ${cmd}`, undefined);
      }
      one.index = u32(spec.index, "index");
    }
    tab = [one];
  }
  const w = Writer.scratch("tca");
  encodeAttrs(w, SETS.tcRoot, { tab });
  return structRequest(entry, TCAMSG, { tcaFamily: 0 }, w.finish());
}

/** The standalone action object type. */
export type ActionObject = ObjectDef<
  "action",
  ActionMessage,
  StandaloneActionSpec,
  keyof typeof ACTION_COMMANDS,
  typeof RTM.NEWACTION | typeof RTM.DELACTION,
  "tc"
>;

/** Standalone actions (`tc actions`); their notifications come on the `tc` group. */
export const ACTION: ActionObject = defineObject({
  name: "action",
  result: ActionMessage,
  commands: ACTION_COMMANDS,
  events: [RTM.NEWACTION, RTM.DELACTION],
  groups: { tc: RTNLGRP.TC },
  build: (cmd, spec: StandaloneActionSpec) => buildActionRequest(cmd, spec as Spec),
  linkRefs: ["dev"],
  // Dumps are per kind in the kernel; nothing more to match.
  match: () => undefined,
  nestedLinkRefs: { actions: ["dev"] },
  key: (m) => m.actions.map((a) => `${a.kind}|${a.index}`).join(","),
  selector: (m) => ({ kind: m.actions[0]?.kind, index: m.actions[0]?.index }),
});
