// TEMPORARY shim until the YAML parser lands (Bun only). Do not commit.
declare const Bun: { YAML: { parse(text: string): unknown } };
/** Parses YAML. */
export function parseYaml(text: string, _source?: string): unknown {
  return Bun.YAML.parse(text);
}
/** A YAML error. */
export class YamlError extends Error {}
