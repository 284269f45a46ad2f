/** Wider lines are shown as this much around the column, with an ellipsis for what is cut. */
const MAX_EXCERPT = 100;

/**
 * A YAML syntax error as a person reads it: the parser's message, then the offending line
 * with its number and a caret under the column, as compilers show them (the yaml library
 * ends its message with "at line L, column C:" and an excerpt of its own). Undefined for what
 * is not a syntax error with a position, e.g. a parser that ran out of stack.
 */
export function describeYamlError(error: unknown, text: string): string | undefined {
  const position = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
  const message = (error as { message?: unknown }).message;
  if (!position || typeof message !== 'string' || /Maximum call stack size exceeded/.test(message)) return undefined;
  const what = message.split('\n')[0]!.replace(/:\s*$/, '');
  const line = text.split(/\r?\n/)[position.line - 1] ?? '';
  const { excerpt, caret } = window(line, Math.max(0, position.col - 1));
  const number = String(position.line);
  return `${what}\n${number} | ${excerpt}\n${' '.repeat(number.length)} | ${' '.repeat(caret)}^`;
}

/** At most MAX_EXCERPT characters of the line around `column`, and where the column falls in them. */
function window(line: string, column: number): { excerpt: string; caret: number } {
  if (line.length <= MAX_EXCERPT) return { excerpt: line, caret: column };
  const start = Math.max(0, Math.min(column - MAX_EXCERPT / 2, line.length - MAX_EXCERPT));
  const head = start > 0 ? '…' : '';
  const tail = start + MAX_EXCERPT < line.length ? '…' : '';
  return { excerpt: `${head}${line.slice(start, start + MAX_EXCERPT)}${tail}`, caret: column - start + head.length };
}
