/**
 * `nlroute ipset …`: runs ipset(8)'s commands with {@link IPSet} (inside
 * `-n NS` when given) and prints what ipset 7.17 prints — `list` and
 * `save` text (cli/format/ipset.ts), test's "X is in set S." / "X is NOT in
 * set S." on standard error with exit status 0 / 1 — or with `-j` the
 * library's typed sets (IPSetInfo: `name`, `type`, `revision`, `header`,
 * `members`). The kernel's refusals are reported with ipset's own message
 * (libipset's errcode table) and exit status 1, as ipset does.
 *
 * @module
 */
import { IPSet, NetlinkError } from "../../mod.ts";
import { NLMSG_HDRLEN } from "../../core/codec.ts";
import type { MessageRef } from "../../core/message.ts";
import { decodeAttrs } from "../../core/schema.ts";
import { IPSET_ERR } from "../../core/tables/ipset.ts";
import { NFNETLINK_STRUCTS } from "../../core/tables/nfnetlink.ts";
import {
  IPSET_SETS,
  IPSET_TYPES,
  type IPSetMemberSpec,
  type IPSetType,
  nameRequest,
} from "../../netfilter/ipset_request.ts";
import { ArgumentError } from "../../core/errors.ts";
import { UsageError } from "../errors.ts";
import { jsonText } from "../format/fields.ts";
import { listText, memberText, setJson } from "../format/ipset.ts";
import type { Invocation } from "../parse/invocation.ts";
import type { IpsetArgs, IpsetCommand } from "../parse/ipset.ts";
import type { GlobalOptions } from "../parse/options.ts";
import type { Output } from "./output.ts";

const E = IPSET_ERR;
const SPECIFIC = E.TYPE_SPECIFIC;

/** libipset's messages (lib/errcode.c): [errno, command or "" for any, text]. */
const MESSAGES: readonly [number, IpsetCommand | "", string][] = [
  [2, "", "The set with the given name does not exist"],
  [90, "", "Kernel error received: message could not be created"],
  [E.PROTOCOL, "", "Kernel error received: ipset protocol error"],
  [17, "create", "Set cannot be created: set with the same name already exists"],
  [E.FIND_TYPE, "", "Kernel error received: set type not supported"],
  [E.MAX_SETS, "", "Kernel error received: maximal number of sets reached, cannot create more."],
  [E.INVALID_NETMASK, "", "The value of the netmask parameter is invalid"],
  [E.INVALID_MARKMASK, "", "The value of the markmask parameter is invalid"],
  [E.INVALID_FAMILY, "", "Protocol family not supported by the set type"],
  [E.BUSY, "destroy", "Set cannot be destroyed: it is in use by a kernel component"],
  [E.EXIST_SETNAME2, "rename", "Set cannot be renamed: a set with the new name already exists"],
  [E.REFERENCED, "rename", "Set cannot be renamed: it is in use by another system"],
  [E.EXIST_SETNAME2, "swap", "Sets cannot be swapped: the second set does not exist"],
  [E.TYPE_MISMATCH, "swap", "The sets cannot be swapped: their type does not match"],
  [E.INVALID_CIDR, "", "The value of the CIDR parameter of the IP address is invalid"],
  [E.TIMEOUT, "", "Timeout cannot be used: set was created without timeout support"],
  [E.IPADDR_IPV4, "", "An IPv4 address is expected, but not received"],
  [E.IPADDR_IPV6, "", "An IPv6 address is expected, but not received"],
  [
    E.COUNTER,
    "",
    "Packet/byte counters cannot be used: set was created without counter support",
  ],
  [E.COMMENT, "", "Comment cannot be used: set was created without comment support"],
  [E.SKBINFO, "", "Skbinfo mapping cannot be used: set was created without skbinfo support"],
  [E.EXIST, "add", "Element cannot be added to the set: it's already added"],
  [E.EXIST, "del", "Element cannot be deleted from the set: it's not added"],
];

/** The type-specific messages (lib/errcode.c's hash, bitmap and list tables). */
const TYPE_MESSAGES: Record<string, readonly string[]> = {
  hash: [
    "Hash is full, cannot add more elements",
    "Null-valued element, cannot be stored in a hash type of set",
    "Invalid protocol specified",
    "Protocol missing, but must be specified",
    'Range is not supported in the "net" component of the element',
    "Invalid range, covers the whole address space",
  ],
  bitmap: [
    "Element is out of the range of the set",
    "The range you specified exceeds the size limit of the set type",
  ],
  list: [
    "Set to be added/deleted/tested as element does not exist.",
    "Sets with list:set type cannot be added to the set.",
    "No reference set specified.",
    "The set to which you referred with 'before' or 'after' does not exist.",
    "The set is full, more elements cannot be added.",
    "The set to which you referred with 'before' or 'after' is not added to the set.",
  ],
};

/** ipset's message for a kernel error of `command` (on a set of `type`), or undefined. */
export function ipsetMessage(
  e: NetlinkError,
  command: IpsetCommand,
  type?: string,
): string | undefined {
  if (e.errno >= SPECIFIC && type !== undefined) {
    return TYPE_MESSAGES[type.split(":")[0]!]?.[e.errno - SPECIFIC];
  }
  const hit = MESSAGES.find(([n, c]) => n === e.errno && (c === "" || c === command));
  return hit?.[2];
}

const NFGEN_SIZE = NFNETLINK_STRUCTS.nfgenmsg.size;

/** A set's type name and family (IPSET_CMD_HEADER): what its entries look like. */
async function headerOf(ipset: IPSet, name: string): Promise<{ type: string; family: number }> {
  const r = await ipset.socket.request(nameRequest("HEADER", name), {
    ack: false,
    decode: (m: MessageRef) =>
      decodeAttrs(
        IPSET_SETS.cmd,
        m.bytes,
        m.offset + NLMSG_HDRLEN + NFGEN_SIZE,
        m.offset + m.length,
      ),
  });
  const a = (r.messages[0] ?? {}) as Record<string, unknown>;
  return { type: String(a.typename ?? ""), family: (a.family as number | undefined) ?? 0 };
}

/** A bare address as a host prefix (`/32`, `/128`); a prefix as it is. */
function hostPrefix(text: string): string {
  return text.includes("/") ? text : `${text}/${text.includes(":") ? 128 : 32}`;
}

/** An entry as typed (`10.0.0.1,udp:53`) → the member IPSet takes for a set of `type`. */
export function entryOf(type: IPSetType, text: string): IPSetMemberSpec {
  const comma = text.lastIndexOf(",");
  switch (type) {
    case "hash:ip":
    case "hash:mac":
    case "list:set":
      return text;
    case "hash:net":
      return hostPrefix(text);
    case "bitmap:port": {
      if (!/^\d{1,5}$/.test(text)) {
        throw new ArgumentError("ENTRY", "a port number", text, "argument");
      }
      return Number(text);
    }
    case "hash:ip,port": {
      const m = comma < 0 ? null : /^(?:([a-z]+):)?(\d{1,5})$/.exec(text.slice(comma + 1));
      if (!m) {
        throw new ArgumentError("ENTRY", "IP,[PROTO:]PORT (10.0.0.1,udp:53)", text, "argument");
      }
      const spec: IPSetMemberSpec = { ip: text.slice(0, comma), port: Number(m[2]) };
      if (m[1] !== undefined) (spec as { proto?: string }).proto = m[1];
      return spec;
    }
    case "hash:net,iface": {
      if (comma < 0) {
        throw new ArgumentError("ENTRY", "NET,IFACE (10.0.0.0/24,eth0)", text, "argument");
      }
      const net = text.slice(0, comma);
      return {
        net: hostPrefix(net),
        iface: text.slice(comma + 1),
      };
    }
  }
}

/** The member's text as ipset echoes it in test's message. */
function entryText(type: IPSetType, spec: IPSetMemberSpec, typed: string): string {
  if (type === "hash:net" && !typed.includes("/")) return typed;
  if (type === "hash:net,iface") {
    const m = spec as { net: string; iface: string };
    return typed.slice(0, typed.lastIndexOf(",")).includes("/") ? memberText(type, m) : typed;
  }
  return memberText(type, spec);
}

/** Runs `nlroute ipset …`; resolves with the exit status. */
export async function runIpset(inv: Invocation, opts: GlobalOptions, out: Output): Promise<number> {
  const a = inv.extras.ipset as IpsetArgs;
  await using ipset = await IPSet.open(opts.netns === undefined ? {} : { netns: opts.netns });
  let type: string | undefined;
  try {
    return await run(ipset, a, opts, out, (t) => (type = t));
  } catch (e) {
    if (e instanceof NetlinkError) {
      const text = ipsetMessage(e, a.command, type ?? a.type);
      if (text !== undefined) throw new UsageError(text, 1);
    }
    throw e;
  }
}

async function run(
  ipset: IPSet,
  a: IpsetArgs,
  opts: GlobalOptions,
  out: Output,
  typeIs: (t: string) => void,
): Promise<number> {
  switch (a.command) {
    case "create":
      await ipset.create(a.set!, a.type!, { ...a.create, ...(a.exist ? { exist: true } : {}) });
      return 0;
    case "destroy":
      await ipset.destroy(a.set);
      return 0;
    case "flush":
      await ipset.flush(a.set);
      return 0;
    case "rename":
      await ipset.rename(a.set!, a.set2!);
      return 0;
    case "swap":
      await ipset.swap(a.set!, a.set2!);
      return 0;
    case "list":
    case "save": {
      const sets = await ipset.list(a.set);
      if (opts.json || a.json) out.write(jsonText(sets.map(setJson), opts.pretty) + "\n");
      else out.write(listText(sets, a.listMode));
      return 0;
    }
    case "add":
    case "del":
    case "test": {
      const h = await headerOf(ipset, a.set!);
      typeIs(h.type);
      if (!(IPSET_TYPES as readonly string[]).includes(h.type)) {
        throw new UsageError(
          `Set "${a.set}" is of type ${h.type}, which nlroute does not add to, delete from or test.`,
        );
      }
      const type = h.type as IPSetType;
      const spec = entryOf(type, a.entry!);
      const o = a.entryOptions ?? {};
      if (a.command === "test") {
        const found = await ipset.test(a.set!, spec, o.nomatch ? { nomatch: true } : {});
        if (!a.quiet) {
          const what = entryText(type, spec, a.entry!);
          (out.warn ?? out.write)(
            found ? `Warning: ${what} is in set ${a.set}.\n` : `${what} is NOT in set ${a.set}.\n`,
          );
        }
        return found ? 0 : 1;
      }
      const exist = a.exist ? { exist: true } : {};
      if (a.command === "del") {
        await ipset.del(a.set!, spec, { ...(o.nomatch ? { nomatch: true } : {}), ...exist });
      } else await ipset.add(a.set!, spec, { ...o, ...exist });
      return 0;
    }
  }
}
