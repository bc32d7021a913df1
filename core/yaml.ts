/**
 * A small YAML reader for the kernel's YNL netlink specs and their JSON-schema
 * files: block mappings and sequences, plain, quoted and block scalars, flow
 * collections, comments, one document, anchors, aliases and merge keys. Scalars
 * resolve by the YAML 1.2 core schema (null, booleans, ints, floats, strings).
 * Directives are skipped; tags, complex keys, recursive aliases and several
 * documents in one text are not supported.
 *
 * @module
 */

/** YAML text that cannot be parsed; the message names the line. */
export class YamlError extends Error {
  /** 1-based line where parsing failed. */
  readonly line: number;

  /** "Cannot parse YAML `source`: `reason` at line `line`". */
  constructor(reason: string, line: number, source?: string) {
    super(`Cannot parse YAML${source ? ` ${source}` : ""}: ${reason} at line ${line}`);
    this.name = "YamlError";
    this.line = line;
  }
}

/**
 * Parses one YAML document into plain data: objects, arrays, strings, numbers,
 * booleans and null. An alias returns the very value its anchor marked.
 * `source` (a file name, say) goes into error messages.
 *
 * @example For example, `parseYaml("name: fou\nvalue: 0x10\nlist: [ a, b ]")`
 * returns `{ name: "fou", value: 16, list: ["a", "b"] }`, and `parseYaml("a: 'x")`
 * throws a YamlError "Cannot parse YAML: unterminated quoted string at line 1".
 *
 * @throws {YamlError} when the text is not YAML this reader understands
 */
export function parseYaml(text: string, source?: string): unknown {
  return new Parser(text, source).document();
}

type Obj = Record<string, unknown>;

/** After a backslash in double quotes, `ESCAPED[i]` stands for `UNESCAPED[i]`. */
const ESCAPED = '0abt\tnvfre "/\\N_LP';
const UNESCAPED = '\0\x07\b\t\t\n\v\f\r\x1b "/\\\x85\xa0\u2028\u2029';
const HEX_ESCAPES: Record<string, number> = { x: 2, u: 4, U: 8 };
const FLOW_INDICATORS = ",[]{}";
const NAME = /[^\s,[\]{}]*/y;
const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** Resolves a plain scalar by the YAML 1.2 core schema. */
function resolve(s: string): unknown {
  if (s === "" || s === "~" || s === "null" || s === "Null" || s === "NULL") return null;
  if (s === "true" || s === "True" || s === "TRUE") return true;
  if (s === "false" || s === "False" || s === "FALSE") return false;
  if (INT.test(s) || FLOAT.test(s)) return Number(s);
  if (/^[-+]?0x[0-9a-fA-F]+$/.test(s)) return s[0] === "-" ? -Number(s.slice(1)) : Number(s);
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.slice(2), 8);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return s[0] === "-" ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(s)) return NaN;
  return s;
}

const OWN = { enumerable: true, writable: true, configurable: true };

/** Sets a key without letting "__proto__" change the prototype. */
function put(map: Obj, key: string, value: unknown): void {
  if (key !== "__proto__") map[key] = value;
  else Object.defineProperty(map, key, { ...OWN, value });
}

const isSpace = (c: string | undefined) => c === " " || c === "\t";
const isBreak = (c: string | undefined) => c === undefined || c === "\n";

class Parser {
  readonly src: string;
  pos = 0;
  readonly anchors = new Map<string, unknown>();

  constructor(text: string, readonly source?: string) {
    this.src = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  }

  fail(reason: string, at = this.pos): never {
    throw new YamlError(reason, this.src.slice(0, at).split("\n").length, this.source);
  }

  document(): unknown {
    const src = this.src;
    let col = this.nextContent();
    while (col === 0 && src[this.pos] === "%") { // a directive (%YAML 1.2): ignored
      while (!isBreak(src[this.pos])) this.pos++;
      col = this.nextContent();
    }
    if (this.marker("---")) col = this.nextContent();
    const value = col < 0 ? null : this.node(-1, col, true);
    this.nextContent();
    if (this.marker("...")) this.nextContent();
    if (this.pos < src.length) {
      this.fail(
        src.startsWith("---", this.pos)
          ? "multiple documents are not supported"
          : `unexpected '${src[this.pos]}'`,
      );
    }
    return value;
  }

  /** Consumes a document marker line ("---" or "..."), if there is one here. */
  marker(m: string): boolean {
    if (!this.src.startsWith(m, this.pos)) return false;
    this.pos += 3;
    this.endLine();
    return true;
  }

  /** Skips blank and comment lines; answers the column of the next content, -1 at the end. */
  nextContent(): number {
    const src = this.src;
    for (;;) {
      let p = this.pos;
      while (src[p] === " ") p++;
      if (src[p] === "\t") {
        let q = p;
        while (isSpace(src[q])) q++;
        if (!isBreak(src[q]) && src[q] !== "#") this.fail("tab character in indentation", p);
        p = q;
      }
      if (p >= src.length) return (this.pos = p), -1;
      if (src[p] === "\n" || src[p] === "#") {
        const eol = src.indexOf("\n", p);
        this.pos = eol < 0 ? src.length : eol + 1;
        continue;
      }
      this.pos = p;
      const col = p - src.lastIndexOf("\n", p - 1) - 1;
      const marker = src.startsWith("---", p) || src.startsWith("...", p);
      return col === 0 && marker && (isSpace(src[p + 3]) || isBreak(src[p + 3])) ? -1 : col;
    }
  }

  /** Skips trailing spaces and a comment, then the line break; fails on anything else. */
  endLine(): void {
    const src = this.src;
    while (isSpace(src[this.pos])) this.pos++;
    if (src[this.pos] === "#") { while (!isBreak(src[this.pos])) this.pos++; }
    if (!isBreak(src[this.pos])) this.fail(`unexpected '${src[this.pos]}'`);
    this.pos = Math.min(this.pos + 1, src.length);
  }

  atSeqEntry(): boolean {
    const next = this.src[this.pos + 1];
    return this.src[this.pos] === "-" && (isSpace(next) || isBreak(next));
  }

  /** Where the ':' after a plain key starting here is, or -1 if no key starts here. */
  plainKeyEnd(): number {
    const src = this.src;
    if (src[this.pos] === '"' || src[this.pos] === "'") return -1;
    for (let p = this.pos; !isBreak(src[p]); p++) {
      if (src[p] === ":" && (isSpace(src[p + 1]) || isBreak(src[p + 1]))) return p;
      if (src[p] === "#" && isSpace(src[p - 1])) return -1;
    }
    return -1;
  }

  /** Skips spaces; whether a ':' that ends a key (a space or line break follows) is here. */
  atColon(): boolean {
    while (isSpace(this.src[this.pos])) this.pos++;
    const next = this.src[this.pos + 1];
    return this.src[this.pos] === ":" && (isSpace(next) || isBreak(next));
  }

  /** A value after "key:" or "-": on this line, or a block on the lines below. */
  value(parent: number, inSeq: boolean): unknown {
    const src = this.src;
    while (isSpace(src[this.pos])) this.pos++;
    const anchor = this.anchor();
    let value: unknown = null;
    if (isBreak(src[this.pos]) || src[this.pos] === "#") {
      this.endLine();
      const col = this.nextContent();
      if (col > parent || (col === parent && !inSeq && this.atSeqEntry())) {
        value = this.node(parent, col, true);
      }
    } else {
      value = this.node(parent, this.pos - src.lastIndexOf("\n", this.pos - 1) - 1, inSeq);
    }
    if (anchor !== undefined) this.anchors.set(anchor, value);
    return value;
  }

  /** A node starting here at column `col`; `block` allows a mapping or sequence. */
  node(parent: number, col: number, block: boolean): unknown {
    const c = this.src[this.pos];
    let value: unknown;
    if (c === "|" || c === ">") return this.blockScalar(parent);
    if (c === "[" || c === "{") value = this.flow();
    else if (block && this.atSeqEntry()) return this.sequence(col);
    else if (block && this.plainKeyEnd() >= 0) return this.mapping(col);
    else if (c === "*") value = this.alias();
    else if (c === '"' || c === "'") {
      const start = this.pos;
      value = this.quoted();
      if (block && this.atColon()) return (this.pos = start), this.mapping(col);
    } else return this.plain(parent);
    this.endLine();
    return value;
  }

  mapping(col: number): Obj {
    const map: Obj = {};
    const merges: unknown[] = [];
    for (;;) {
      const src = this.src, at = this.pos;
      if (this.atSeqEntry()) this.fail("unexpected sequence entry in a mapping");
      let key: string;
      if (src[at] === '"' || src[at] === "'") key = this.quoted();
      else {
        this.pos = this.plainKeyEnd();
        if (this.pos < 0) this.fail("expected a mapping key", at);
        key = String(resolve(src.slice(at, this.pos).trimEnd()));
      }
      if (!this.atColon()) this.fail("expected ': ' after a mapping key");
      this.pos++;
      const value = this.value(col, false);
      if (key === "<<" && src[at] === "<") merges.push(...(Array.isArray(value) ? value : [value]));
      else put(map, key, value);
      const next = this.nextContent();
      if (next > col) this.fail("bad indentation of a mapping entry");
      if (next < col) break;
    }
    for (const from of merges) {
      if (from === null || typeof from !== "object" || Array.isArray(from)) {
        this.fail("merge key '<<' needs a mapping");
      }
      for (const [k, v] of Object.entries(from)) if (!Object.hasOwn(map, k)) put(map, k, v);
    }
    return map;
  }

  sequence(col: number): unknown[] {
    const seq: unknown[] = [];
    for (;;) {
      this.pos++;
      seq.push(this.value(col, true));
      const next = this.nextContent();
      if (next > col) this.fail("bad indentation of a sequence entry");
      if (next < col || !this.atSeqEntry()) return seq;
    }
  }

  anchor(): string | undefined {
    if (this.src[this.pos] !== "&") return undefined;
    const name = this.name();
    while (isSpace(this.src[this.pos])) this.pos++;
    return name;
  }

  alias(): unknown {
    const at = this.pos, name = this.name();
    if (!this.anchors.has(name)) this.fail(`unknown alias *${name}`, at);
    return this.anchors.get(name);
  }

  /** The name after '&' or '*'. */
  name(): string {
    NAME.lastIndex = ++this.pos;
    const name = NAME.exec(this.src)![0];
    if (!name) this.fail(`empty name after '${this.src[this.pos - 1]}'`);
    this.pos += name.length;
    return name;
  }

  /** One line of a plain scalar; stops before ": ", " #" and, in flow, before ",[]{}". */
  plainLine(flow: boolean): string {
    const src = this.src, start = this.pos;
    let end = start;
    for (let p = start; !isBreak(src[p]); p++) {
      const c = src[p]!;
      if (c === "#" && p > start && isSpace(src[p - 1])) break;
      if (flow && FLOW_INDICATORS.includes(c)) break;
      if (c === ":") {
        const n = src[p + 1];
        if (isSpace(n) || isBreak(n) || (flow && FLOW_INDICATORS.includes(n!))) break;
      }
      if (!isSpace(c)) end = p + 1;
    }
    this.pos = end;
    return src.slice(start, end);
  }

  /** A plain scalar in block context; lines indented past `parent` continue it. */
  plain(parent: number): unknown {
    const src = this.src, c = src[this.pos]!;
    const next = src[this.pos + 1];
    if ("#,]}!%@`&".includes(c) || ("-?:".includes(c) && (isSpace(next) || isBreak(next)))) {
      this.fail(`unexpected '${c}'`);
    }
    let text = this.plainLine(false);
    for (;;) {
      let p = this.pos, breaks = 0;
      while (isSpace(src[p])) p++;
      if (src[p] !== "\n") break;
      let col = 0;
      for (p++; p < src.length; p++, col = 0) {
        while (src[p] === " ") p++, col++;
        if (src[p] !== "\n") break;
        breaks++;
      }
      if (p >= src.length || col <= parent || src[p] === "#") break;
      if (col === 0 && (src.startsWith("---", p) || src.startsWith("...", p))) break;
      this.pos = p;
      text += breaks ? "\n".repeat(breaks) : " ";
      text += this.plainLine(false);
    }
    this.endLine();
    return resolve(text);
  }

  quoted(): string {
    const src = this.src, start = this.pos, q = src[this.pos++];
    let out = "", hard = 0; // out up to `hard` ends in an escape, which folding keeps
    for (;;) {
      const c = src[this.pos];
      if (c === undefined) this.fail("unterminated quoted string", start);
      if (c === q) {
        this.pos++;
        if (q === "'" && src[this.pos] === "'") out += "'", this.pos++;
        else return out;
      } else if (c === "\\" && q === '"') {
        const e = src[++this.pos]!;
        if (e === "\n") {
          this.pos++;
          while (isSpace(src[this.pos])) this.pos++;
        } else if (ESCAPED.includes(e)) out += UNESCAPED[ESCAPED.indexOf(e)], this.pos++;
        else if (e in HEX_ESCAPES) {
          const hex = src.slice(this.pos + 1, this.pos + 1 + HEX_ESCAPES[e]!);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== HEX_ESCAPES[e]) {
            this.fail(`bad escape '\\${e}${hex}'`);
          }
          out += String.fromCodePoint(parseInt(hex, 16));
          this.pos += 1 + hex.length;
        } else this.fail(`unknown escape '\\${e}'`);
        hard = out.length;
      } else if (c === "\n") {
        out = out.slice(0, hard) + out.slice(hard).trimEnd();
        let breaks = 0;
        for (this.pos++;; this.pos++, breaks++) {
          while (isSpace(src[this.pos])) this.pos++;
          if (src[this.pos] !== "\n") break;
        }
        out += breaks ? "\n".repeat(breaks) : " ";
      } else out += c, this.pos++;
    }
  }

  /** A flow sequence or mapping, possibly over several lines. */
  flow(): unknown[] | Obj {
    const src = this.src, open = this.pos, isSeq = src[this.pos++] === "[";
    const close = isSeq ? "]" : "}", seq: unknown[] = [], map: Obj = {};
    for (;;) {
      this.flowSpace(open);
      if (src[this.pos] === close) return this.pos++, isSeq ? seq : map;
      if (isSeq) seq.push(this.flowNode(open));
      else {
        const key = String(this.flowNode(open, true));
        this.flowSpace(open);
        let value: unknown = null;
        if (src[this.pos] === ":") {
          this.pos++;
          this.flowSpace(open);
          if (src[this.pos] !== "," && src[this.pos] !== close) value = this.flowNode(open);
        }
        put(map, key, value);
      }
      this.flowSpace(open);
      if (src[this.pos] === ",") this.pos++;
      else if (src[this.pos] !== close) {
        this.fail(`expected ',' or '${close}' in a flow collection`);
      }
    }
  }

  /** Skips spaces, line breaks and comments inside a flow collection. */
  flowSpace(open: number): void {
    const src = this.src;
    for (;;) {
      const c = src[this.pos];
      if (c === undefined) this.fail("unterminated flow collection", open);
      if (c === "#") { while (!isBreak(src[this.pos])) this.pos++; }
      else if (isSpace(c) || c === "\n") this.pos++;
      else return;
    }
  }

  flowNode(open: number, isKey = false): unknown {
    const src = this.src;
    const anchor = isKey ? undefined : this.anchor();
    const c = src[this.pos];
    let value: unknown;
    if (c === "*") value = this.alias();
    else if (c === "[" || c === "{") value = this.flow();
    else if (c === '"' || c === "'") value = this.quoted();
    else {
      let text = this.plainLine(true);
      if (text === "") this.fail(`unexpected '${c}' in a flow collection`);
      for (;;) { // continuation lines of a plain scalar
        const at = this.pos;
        this.flowSpace(open);
        const n = src[this.pos]!;
        if (!src.slice(at, this.pos).includes("\n") || ",[]{}:#".includes(n)) {
          this.pos = at;
          break;
        }
        text += " " + this.plainLine(true);
      }
      value = resolve(text);
    }
    if (anchor !== undefined) this.anchors.set(anchor, value);
    return value;
  }

  /** A block scalar ("|" or ">", then chomping "-"/"+" and an indentation digit). */
  blockScalar(parent: number): string {
    const src = this.src, folded = src[this.pos++] === ">";
    let chomp = "", indent = -1; // -1: the first line with text sets it
    for (let i = 0; i < 2; i++) {
      const c = src[this.pos]!;
      if (c === "-" || c === "+") chomp = c, this.pos++;
      else if (c >= "1" && c <= "9") indent = Math.max(parent, 0) + Number(c), this.pos++;
    }
    this.endLine();
    const lines: string[] = [];
    while (this.pos < src.length) {
      const start = this.pos,
        end = src.indexOf("\n", start) < 0 ? src.length : src.indexOf("\n", start);
      let p = start;
      while (src[p] === " " && (indent < 0 || p < start + indent)) p++;
      if (p < end) { // a line with text: less indented ends the scalar
        if (indent < 0) indent = p - start;
        if (p - start < indent || indent <= parent) break;
      }
      lines.push(src.slice(p, end));
      this.pos = Math.min(end + 1, src.length);
    }
    // Folding: a single break between text lines becomes a space; breaks next
    // to more-indented lines, and in literal scalars, stay as they are.
    let out = "", empty = 0, seen = false, moreIndented = false;
    for (const line of lines) {
      if (line === "") {
        empty++;
        continue;
      }
      if (!folded || isSpace(line[0]) || moreIndented) out += "\n".repeat(seen ? empty + 1 : empty);
      else out += empty ? "\n".repeat(empty) : seen ? " " : "";
      moreIndented = folded && isSpace(line[0]);
      out += line;
      seen = true;
      empty = 0;
    }
    if (chomp === "+") out += "\n".repeat(seen ? empty + 1 : empty);
    else if (chomp === "" && seen) out += "\n";
    return out;
  }
}
