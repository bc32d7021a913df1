/**
 * Generic netlink: families resolved through nlctrl, typed clients generated
 * from the kernel's YNL specs, and specs loaded at run time.
 *
 * @module
 */
export {
  type AnyEvents,
  type AnyOps,
  type DoOp,
  type DoReply,
  type DoRequest,
  type DumpOp,
  type DumpReply,
  type DumpRequest,
  type GenlEvent,
  GenlFamily,
  type GenlOpenOptions,
} from "./family.ts";
export {
  FamilyNotFoundError,
  type GenlFamilyInfo,
  type GenlGroupInfo,
  type GenlOpInfo,
  listGenlFamilies,
  resolveGenlFamily,
} from "./ctrl.ts";
export { familyFromYnl, type FamilySpec, type GenlMessageSpec, type GenlOpSpec } from "./spec.ts";
export { FAMILY_SPECS as GENL_FAMILY_SPECS, type GenlFamilies } from "./families/mod.ts";
export { parseYaml, YamlError } from "../core/yaml.ts";
export { coalesceWireguardDevice, getWireguardDevice } from "./wireguard.ts";
