/**
 * The YAML reader (core/yaml.ts): every YNL spec file reads as Bun's own YAML
 * parser reads it (under Bun), the files give plain data the same way twice,
 * focused cases with literal values, and errors that name the line.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseYaml, YamlError } from "../core/yaml.ts";
import { skipReason } from "./helpers.ts";

const SPECS = fileURLToPath(new URL("../../shared/ynl/", import.meta.url));

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? yamlFiles(join(dir, e.name))
      : e.name.endsWith(".yaml")
      ? [join(dir, e.name)]
      : []
  ).sort();
}

const specFiles = existsSync(SPECS) ? yamlFiles(SPECS) : [];
const noSpecs = skipReason(specFiles.length === 0 && `no YNL spec files under ${SPECS}`);
const name = (file: string) => file.slice(SPECS.length);
const bunYaml = (globalThis as { Bun?: { YAML?: { parse(text: string): unknown } } }).Bun?.YAML;

describe("parseYaml on the YNL spec files", () => {
  it("finds the spec files, among them the 6.12 snapshot and newer/", { skip: noSpecs }, () => {
    assert.ok(specFiles.some((f) => name(f).startsWith("linux-6.12/")));
    assert.ok(specFiles.some((f) => name(f).startsWith("newer/")));
  });

  describe("reads each file as Bun.YAML.parse does", {
    skip: noSpecs || skipReason(!bunYaml && "comparing with Bun.YAML runs under Bun only"),
  }, () => {
    for (const file of specFiles) {
      it(name(file), () => {
        const text = readFileSync(file, "utf8");
        assert.deepEqual(parseYaml(text, name(file)), bunYaml!.parse(text));
      });
    }
  });

  it("gives plain data, the same on a second parse", { skip: noSpecs }, () => {
    for (const file of specFiles) {
      const text = readFileSync(file, "utf8");
      const value = parseYaml(text, name(file));
      assert.ok(value !== null && typeof value === "object", name(file));
      assert.deepEqual(JSON.parse(JSON.stringify(value)), value, name(file));
      assert.deepEqual(parseYaml(text, name(file)), value, name(file));
    }
  });

  it("keeps the schema's anchors as shared values", { skip: noSpecs }, () => {
    const file = specFiles.find((f) => name(f) === "linux-6.12/genetlink-legacy.yaml");
    assert.ok(file, "linux-6.12/genetlink-legacy.yaml");
    // deno-lint-ignore no-explicit-any
    const schema = parseYaml(readFileSync(file, "utf8")) as any;
    const attr = schema.properties["attribute-sets"].items.properties.attributes.items.properties;
    assert.equal(attr["sub-type"], attr.type);
    assert.ok(attr.type.enum.includes("nest-type-value"));
  });

  it("parses ethtool.yaml (about 2,000 lines) in well under 20 ms", { skip: noSpecs }, () => {
    const file = specFiles.find((f) => name(f) === "linux-6.12/ethtool.yaml");
    assert.ok(file, "linux-6.12/ethtool.yaml");
    const text = readFileSync(file, "utf8");
    assert.ok(text.split("\n").length > 1500);
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      parseYaml(text);
      best = Math.min(best, performance.now() - t0);
    }
    assert.ok(best < 20, `best of 5: ${best.toFixed(2)} ms`);
  });
});

describe("parseYaml cases", () => {
  it("reads block mappings and sequences in their forms", () => {
    const text = [
      "name: fou",
      "key with spaces: 1",
      "dashed-key_2: x",
      "list:",
      "- a",
      "- b",
      "items:",
      "  -",
      "    name: x",
      "    value: 1",
      "  - name: y",
      "    list:",
      "    - 1",
      "    doc: z",
      "  - - 1",
      "    - - 2",
      "      - 3",
      "  -",
      "empty:",
      "nested:",
      "  deeper:",
      "      deepest: true",
    ].join("\n");
    assert.deepEqual(parseYaml(text), {
      name: "fou",
      "key with spaces": 1,
      "dashed-key_2": "x",
      list: ["a", "b"],
      items: [{ name: "x", value: 1 }, { name: "y", list: [1], doc: "z" }, [1, [2, 3]], null],
      empty: null,
      nested: { deeper: { deepest: true } },
    });
  });

  it("resolves plain scalars by the YAML 1.2 core schema", () => {
    const text = "a: 12\nb: -3\nc: 0x1F\nd: 0o17\ne: 1.5\nf: -.5e1\ng: True\nh: false\n" +
      "i: null\nj: ~\nk:\nl: yes\nm: 0x\nn: '#/$defs/uint'\no: a#b\np: http://x/y\n" +
      "q: 1_000\nr: -0x10\ns: +7\nt: .inf\n";
    assert.deepEqual(parseYaml(text), {
      a: 12,
      b: -3,
      c: 31,
      d: 15,
      e: 1.5,
      f: -5,
      g: true,
      h: false,
      i: null,
      j: null,
      k: null,
      l: "yes",
      m: "0x",
      n: "#/$defs/uint",
      o: "a#b",
      p: "http://x/y",
      q: "1_000",
      r: -16,
      s: 7,
      t: Infinity,
    });
  });

  it("folds multi-line plain scalars", () => {
    assert.deepEqual(parseYaml("doc: one\n  two\n\n  three\n  - four\nx: 1"), {
      doc: "one two\nthree - four",
      x: 1,
    });
  });

  it("reads quoted strings with their escapes and folding", () => {
    const text = [
      `a: 'it''s # not a comment'`,
      String.raw`b: "tab\there \"q\" back\\slash \x41\u00e9\U0001F600 \/ \t"`,
      String.raw`kept: "space\ `,
      `  kept"`,
      `c: "one`,
      `   two`,
      ``,
      `   three"`,
      'd: "joined\\',
      `   here"`,
      `'quoted key': 1`,
      `"double key": [ 'x', "y" ]`,
      `e: ''`,
    ].join("\n");
    assert.deepEqual(parseYaml(text), {
      a: "it's # not a comment",
      b: 'tab\there "q" back\\slash Aé\u{1F600} / \t',
      kept: "space  kept",
      c: "one two\nthree",
      d: "joinedhere",
      "quoted key": 1,
      "double key": ["x", "y"],
      e: "",
    });
  });

  it("reads block scalars with their chomping and indentation", () => {
    const text = [
      "lit: |",
      "  line one",
      "    indented # not a comment",
      "",
      "  last",
      "",
      "",
      "strip: |-",
      "  x",
      "",
      "keep: |+",
      "  y",
      "",
      "fold: >",
      "  a",
      "  b",
      "",
      "  c",
      "    more",
      "  d",
      "fold-strip: >-",
      "  p",
      "  q",
      "indicator: |2",
      "   lead",
      "  base",
      "list:",
      "  - |",
      "    in a list",
      "  - after",
      "empty: |",
      "end: 1",
    ].join("\n");
    assert.deepEqual(parseYaml(text), {
      lit: "line one\n  indented # not a comment\n\nlast\n",
      strip: "x",
      keep: "y\n\n",
      fold: "a b\nc\n  more\nd\n",
      "fold-strip": "p q",
      indicator: " lead\nbase\n",
      list: ["in a list\n", "after"],
      empty: "",
      end: 1,
    });
  });

  it("reads flow collections, nested and over several lines", () => {
    const text = [
      "a: [ 1, two, 'three', [ 4, [] ], { k: v } ]",
      "b: { x: 1, y: [ p, q ],",
      "     z: { }, w }",
      "c: [ one, two,   # a comment",
      "     three,",
      "     four and more, ]",
      'd: [ "null", null, 0x10 ]',
    ].join("\n");
    assert.deepEqual(parseYaml(text), {
      a: [1, "two", "three", [4, []], { k: "v" }],
      b: { x: 1, y: ["p", "q"], z: {}, w: null },
      c: ["one", "two", "three", "four and more"],
      d: ["null", null, 16],
    });
  });

  it("skips comments, directives and document markers", () => {
    const text = [
      "# SPDX-License-Identifier: test",
      "%YAML 1.2",
      "---",
      "# heading",
      "a: 1 # trailing",
      "   # indented comment",
      "b:   # before a block",
      "  # inside it",
      "  - x # item",
      "",
      "  # between items",
      "  - y",
      "...",
      "# after the end",
    ].join("\n");
    assert.deepEqual(parseYaml(text), { a: 1, b: ["x", "y"] });
    assert.equal(parseYaml(""), null);
    assert.equal(parseYaml("# only a comment\n---\n"), null);
  });

  it("gives an alias the very value of its anchor, and merges '<<' keys", () => {
    const text = [
      "base: &base { a: 1, b: 2 }",
      "attrs: &attrs",
      "  - name: x",
      "op:",
      "  do: &op",
      "    request:",
      "      attributes: *attrs",
      "  dump: *op",
      "scalar: &s text",
      "again: *s",
      "merged:",
      "  b: 3",
      "  <<: *base",
      "  c: 4",
      "many:",
      "  <<: [ *base, { d: 5 } ]",
    ].join("\n");
    // deno-lint-ignore no-explicit-any
    const v = parseYaml(text) as any;
    assert.equal(v.op.dump, v.op.do);
    assert.equal(v.op.do.request.attributes, v.attrs);
    assert.equal(v.again, "text");
    assert.deepEqual(v.merged, { a: 1, b: 3, c: 4 });
    assert.deepEqual(v.many, { a: 1, b: 2, d: 5 });
    assert.deepEqual(v.base, { a: 1, b: 2 });
  });

  it("keeps a '__proto__' key as data", () => {
    const v = parseYaml("__proto__: { polluted: 1 }") as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
    assert.deepEqual(Object.keys(v), ["__proto__"]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe("parseYaml errors", () => {
  const fails = (text: string, message: string, line: number) =>
    assert.throws(() => parseYaml(text, "t.yaml"), (err) => {
      assert.ok(err instanceof YamlError);
      assert.equal(err.message, `Cannot parse YAML t.yaml: ${message} at line ${line}`);
      assert.equal(err.line, line);
      return true;
    });

  it("names the line of a bad indentation", () => {
    fails("a:\n    b: 1\n  c: 2\n", "bad indentation of a mapping entry", 3);
    fails("list:\n  - a\n    - b: 1\n", "unexpected ':'", 3);
    fails("a: 1\n\tb: 2\n", "tab character in indentation", 2);
    fails("a: 1\n- b\n", "unexpected sequence entry in a mapping", 2);
  });

  it("names the line where an unterminated quote or flow starts", () => {
    fails("x: 1\na: 'abc\n\nb: 2\n", "unterminated quoted string", 2);
    fails('x: 1\na: "abc\\"\n', "unterminated quoted string", 2);
    fails("x: [ 1,\n  2\n", "unterminated flow collection", 1);
    fails("x: [ 1,\n  2\ny: 3\n", "expected ',' or ']' in a flow collection", 3);
    fails("x: { a: 1 ]", "expected ',' or '}' in a flow collection", 1);
  });

  it("names the line of an unknown alias, escape or extra document", () => {
    fails("a: &x 1\nb: *y\n", "unknown alias *y", 2);
    fails('a: "\\q"', "unknown escape '\\q'", 1);
    fails("a: 1\n---\nb: 2\n", "multiple documents are not supported", 2);
    fails("a: b: c\n", "unexpected ':'", 1);
  });

  it("leaves the source out of the message when none is given", () => {
    assert.throws(() => parseYaml("a: 'x"), {
      name: "YamlError",
      message: "Cannot parse YAML: unterminated quoted string at line 1",
    });
  });
});
