/**
 * A generic netlink family as text, in the layout of iproute2's `genl ctrl
 * list` (genl/ctrl.c): name, id, version, header size and highest
 * attribute, the operations with their capabilities, the multicast groups.
 * One difference: genl prints capabilities only for families of version 2
 * and more (it reads the family's version as nlctrl's); nlroute prints them
 * for every operation that has flags.
 *
 * @module
 */
import type { GenlFamilyInfo } from "../../genl/ctrl.ts";
import { GENL } from "../../core/tables/genetlink.ts";

/** Each flag's bit and genl's words for it (in genl's order; uns-admin-perm is not printed by genl). */
const FLAGS: readonly [string, number, string | undefined][] = [
  ["admin-perm", GENL.ADMIN_PERM, "requires admin permission;"],
  ["cmd-cap-do", GENL.CMD_CAP_DO, "can doit;"],
  ["cmd-cap-dump", GENL.CMD_CAP_DUMP, "can dumpit;"],
  ["cmd-cap-haspol", GENL.CMD_CAP_HASPOL, "has policy"],
  ["uns-admin-perm", GENL.UNS_ADMIN_PERM, undefined],
];

/** The flag mask of flag names. */
export function opFlagMask(flags: readonly string[]): number {
  let mask = 0;
  for (const [name, bit] of FLAGS) if (flags.includes(name)) mask |= bit;
  return mask;
}

/** A family's block of `genl ctrl list` (starting with its empty line). */
export function familyText(f: GenlFamilyInfo): string {
  let s = `\nName: ${f.name}\n`;
  s += `\tID: 0x${f.id.toString(16)}  Version: 0x${
    f.version.toString(16)
  }  header size: ${f.headerSize}  max attribs: ${f.maxAttr} \n`;
  if (f.ops.length > 0) {
    s += "\tcommands supported: \n";
    f.ops.forEach((op, i) => {
      s += `\t\t#${i + 1}:  ID-0x${op.id.toString(16)} `;
      if (op.flags.length > 0) {
        s += `\n\t\tCapabilities (0x${opFlagMask(op.flags).toString(16)}):\n \t\t `;
        for (const [name, , words] of FLAGS) if (words && op.flags.includes(name)) s += ` ${words}`;
        s += "\n";
      }
      s += "\n";
    });
    s += "\n";
  }
  if (f.groups.length > 0) {
    s += "\tmulticast groups:\n";
    f.groups.forEach((
      g,
      i,
    ) => (s += `\t\t#${i + 1}:  ID-0x${g.id.toString(16)}  name: ${g.name} \n`));
    s += "\n";
  }
  return s;
}
