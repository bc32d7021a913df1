/**
 * What tc's printers write, built the way iproute2's json_print.c builds
 * it: each call adds to the text (`tc`) and to the JSON object (`tc -j`)
 * at once, so the two stay in step. Where tc writes a key twice in one
 * object (u32's `match`, police's `control_action`), the JSON here holds
 * an array of the values instead of tc's repeated key.
 *
 * @module
 */

type Frame = Record<string, unknown> | unknown[];

/** One object's text and JSON, as tc's PRINT_FP / PRINT_JSON / PRINT_ANY calls make them. */
export class TcPrinter {
  /** The text so far. */
  text = "";
  readonly #root: Record<string, unknown> = {};
  readonly #stack: Frame[] = [this.#root];
  /** Arrays made for a repeated key (not values that are arrays). */
  readonly #repeated = new WeakSet<unknown[]>();

  /** The JSON object. */
  get json(): Record<string, unknown> {
    return this.#root;
  }

  #put(key: string | null, value: unknown): void {
    const top = this.#stack.at(-1)!;
    if (Array.isArray(top)) {
      top.push(value);
      return;
    }
    if (key === null) return;
    if (!Object.hasOwn(top, key)) {
      top[key] = value;
      return;
    }
    const prev = top[key];
    if (Array.isArray(prev) && this.#repeated.has(prev)) prev.push(value);
    else {
      const list = [prev, value];
      this.#repeated.add(list);
      top[key] = list;
    }
  }

  /** PRINT_FP: text only. */
  fp(text: string): this {
    this.text += text;
    return this;
  }

  /** PRINT_JSON: a JSON member only. */
  js(key: string, value: unknown): this {
    this.#put(key, value);
    return this;
  }

  /** PRINT_ANY: the text and the JSON member. */
  any(key: string, value: unknown, text: string): this {
    this.text += text;
    this.#put(key, value);
    return this;
  }

  /** print_nl(): a newline in the text. */
  nl(): this {
    this.text += "\n";
    return this;
  }

  /** open_json_object(key) (null: an element of the open array). */
  open(key: string | null): this {
    const o: Record<string, unknown> = {};
    this.#put(key, o);
    this.#stack.push(o);
    return this;
  }

  /** open_json_array(key). */
  openArray(key: string): this {
    const a: unknown[] = [];
    this.#put(key, a);
    this.#stack.push(a);
    return this;
  }

  /** close_json_object() / close_json_array(). */
  close(): this {
    if (this.#stack.length > 1) this.#stack.pop();
    return this;
  }
}

/** `%x` of an unsigned 32-bit number. */
export function hex(n: number): string {
  return (n >>> 0).toString(16);
}

/** `%#x` / `%#llx`: `0x…`, but `0` for zero (as printf writes it). */
export function hex0x(n: number): string {
  return n === 0 ? "0" : `0x${n.toString(16)}`;
}
