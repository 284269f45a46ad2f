/** Where a JSON text stops being valid, for a message a person can act on. */
export interface JsonProblem {
  message: string;
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

export interface SalvagedJson {
  /** The whole value when the text is valid; otherwise what was complete before the problem (undefined if nothing). */
  value: unknown;
  problem?: JsonProblem;
}

/**
 * Parses JSON; on a truncated or corrupt text, keeps what came before the first problem.
 * Containers down to `keepDepth` (the top-level object and its arrays, by default) are kept
 * even when cut short; deeper ones only when complete, so a half-written scenario is dropped
 * whole rather than read with fields missing. A crash mid-write is why: results.json is
 * written atomically, but a copy, an upload or a disk can still cut it.
 */
export function parseJsonSalvaging(text: string, keepDepth = 1): SalvagedJson {
  const parser = new SalvagingParser(text, keepDepth);
  let root: unknown;
  try {
    parser.value(0, (v) => (root = v));
    parser.end();
    return { value: root };
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return { value: root, problem: { message: error.message, offset: error.offset, ...lineAndColumn(text, error.offset) } };
  }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

class JsonSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

class SalvagingParser {
  private pos = 0;

  constructor(private readonly text: string, private readonly keepDepth: number) {}

  value(depth: number, attach: (v: unknown) => void): void {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === '{') return this.container(depth, attach, {} as Record<string, unknown>, '}', (obj) => this.member(depth, obj));
    if (c === '[') return this.container(depth, attach, [] as unknown[], ']', (arr) => this.value(depth + 1, (v) => arr.push(v)));
    attach(this.scalar());
  }

  end(): void {
    this.skipSpace();
    if (this.pos < this.text.length) this.fail('unexpected data after the JSON value');
  }

  private container<T extends object>(depth: number, attach: (v: unknown) => void, into: T, close: string, item: (into: T) => void): void {
    const early = depth <= this.keepDepth;
    if (early) attach(into);
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === close) this.pos++;
    else {
      for (;;) {
        item(into);
        this.skipSpace();
        const c = this.text[this.pos];
        if (c === ',') this.pos++;
        else if (c === close) {
          this.pos++;
          break;
        } else this.fail(`expected "," or "${close}"`);
      }
    }
    if (!early) attach(into);
  }

  private member(depth: number, obj: Record<string, unknown>): void {
    this.skipSpace();
    if (this.text[this.pos] !== '"') this.fail('expected a property name in double quotes');
    const key = this.string();
    this.skipSpace();
    if (this.text[this.pos] !== ':') this.fail('expected ":"');
    this.pos++;
    // defineProperty, as JSON.parse does: a "__proto__" key is data, not a prototype.
    this.value(depth + 1, (v) => Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true }));
  }

  private scalar(): unknown {
    const c = this.text[this.pos];
    if (c === '"') return this.string();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = this.pos;
    const number = NUMBER.exec(this.text);
    if (number) {
      this.pos += number[0].length;
      return Number(number[0]);
    }
    return this.fail(c === undefined ? 'unexpected end of file' : `unexpected character ${JSON.stringify(c)}`);
  }

  private string(): string {
    const start = this.pos++;
    while (this.pos < this.text.length) {
      const code = this.text.charCodeAt(this.pos);
      if (code === 0x22) return JSON.parse(this.text.slice(start, ++this.pos)) as string;
      if (code === 0x5c) {
        ESCAPE.lastIndex = this.pos;
        const escape = ESCAPE.exec(this.text);
        if (!escape) this.fail(this.pos + 1 >= this.text.length ? 'unexpected end of file in a string' : 'invalid escape in a string');
        this.pos += escape![0].length;
      } else if (code < 0x20) this.fail('control character in a string');
      else this.pos++;
    }
    return this.fail('unexpected end of file in a string');
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos]!)) this.pos++;
  }

  private fail(message: string): never {
    throw new JsonSyntaxError(this.pos >= this.text.length && !message.startsWith('unexpected end') ? 'unexpected end of file' : message, Math.min(this.pos, this.text.length));
  }
}
